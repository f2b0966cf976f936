"""The native API: the fast, Pythonic way to read and write savefiles.

Everything here is implemented by the thin C extension ``libpcap._libpcap``
over the package's own C core; this module only re-exports it (the package
re-exports it again at top level) and documents it.

``Reader(source)``
    A pcap or pcapng savefile opened for reading, by path (``str``,
    ``bytes``, ``os.PathLike``) or from a binary file object.  A file object
    with a descriptor is read through a duplicate of that descriptor from
    the object's current position (they share the file offset: the object's
    position afterwards is unspecified, and the Reader never closes it); one
    without (``io.BytesIO``) is read whole into memory first.  Timestamps are always read at nanosecond
    precision.  Iterating yields :class:`Packet` objects; ``read(n)`` returns
    a list (``n < 0``: the next batch of up to a few hundred packets, ``[]``
    at end of file); ``read_buffer(n)`` returns ``(data, index)`` with one
    ``bytes`` object for all packet bytes and a ``memoryview`` of signed
    64-bit integers (format ``'q'``), four per packet (``ts_ns, caplen,
    wirelen, offset``; ``ts_ns`` as iteration gives it, negative before
    1970), creating no Python object per packet.  Attributes: ``linktype``,
    ``snaplen``, ``swapped``, ``version``, ``datalink_name``, ``closed``.

    pcapng files are read whole, beyond what libpcap reads: interfaces of
    different link types, sections of either byte order; ``format``,
    ``interfaces`` and ``sections`` describe them (:class:`Interface`,
    :class:`Section`), and each packet tells its ``interface``, ``flags``,
    ``direction`` and ``comments``.  A filter matches the packets of its own
    link type (the first interface's) only.

``Writer(dest, linktype=1, snaplen=262144, *, nanosecond=False, append=False, format=None, ...)``
    A pcap or pcapng savefile opened for writing, to a path or a binary file
    object (which ``close()`` leaves open); ``"-"`` is standard output
    (``sys.stdout.buffer``), also left open.  ``write(packet)``,
    ``write_bytes(data, ts_ns, wirelen=None)``, ``write_many(packets)``,
    ``flush()``, ``close()``.  ``format="pcapng"`` (or a path ending in
    ``.pcapng``) writes pcapng: ``add_interface(...) -> id``,
    ``write(packet, interface=id, comment=..., flags=...)``,
    ``add_name(address, name)``, ``set_stats(interface, ...)``; a capture on
    ``any`` (LINUX_SLL2) gets one interface per real interface.

``Packet(data, ts_ns=0, wirelen=None)``
    One packet: ``ts_ns`` (integer nanoseconds since the epoch, never a
    float), ``caplen``, ``wirelen``, ``data`` (``bytes``); ``ts_sec`` and
    ``ts_frac_ns`` split the timestamp.  ``len(p)`` is ``caplen``,
    ``bytes(p)`` is ``data`` and ``memoryview(p)`` views it without a copy.

``Filter(instructions)``
    A classic BPF program built by hand: from ``(code, jt, jf, k)`` tuples,
    objects with those attributes (a ctypes array of ``libpcap.bpf_insn``)
    or a ctypes ``libpcap.bpf_program``; ``Filter.from_ddd(text)`` and
    ``Filter.from_dd(text)`` read ``tcpdump -ddd`` / ``-dd`` output.  It is
    validated once (``bpf_validate``; an invalid program raises
    ``PcapError("BPF program is not valid: <reason>")``) and immutable.
    ``match(data, wirelen=None)`` gives ``bpf_filter``'s result (0 =
    rejected, else the snap length) for a bytes-like object (not copied) or
    a :class:`Packet`; ``dump(option=1)`` is ``bpf_dump``'s text (1:
    ``tcpdump -d``, 2: ``-dd``, 3: ``-ddd``) and ``str(f)`` the ``-d``
    listing without its final newline; ``len(f)``, ``f.instructions``,
    ``==``, ``hash`` and pickling work on the instructions.
    ``Reader.set_filter(f)`` filters a Reader's packets with it from the
    next packet on, exactly, also in the middle of a file (``None``
    removes it).

``compile(expr, linktype=1, snaplen=262144, optimize=True, netmask=None)``
    Compile a filter expression (pcap-filter(7)) into a :class:`Filter`:
    the program ``pcap_compile`` makes on ``pcap_open_dead(linktype,
    snaplen)``.  ``linktype`` is a ``DLT_`` number or a name (``"EN10MB"``,
    ``"LINUX_SLL2"``); ``netmask`` an ``int`` in host byte order or a dotted
    quad (``None``: unknown, so ``ip broadcast`` is refused, as libpcap
    does).  ``Reader(source, filter="tcp port 80")``,
    ``Reader.set_filter("...")``, ``Capture(..., filter="...")`` and
    ``Capture.set_filter("...")`` compile on their own handle instead: the
    file's link type and byte order, or the live interface's link type with
    the Linux kernel's BPF extensions (VLAN tags, packet direction,
    interface index).  A failure raises :class:`CompileError`, or its
    subclass :class:`FilterSyntaxError` when the text does not parse; both
    carry ``libpcap_message`` (libpcap's text, as ``geterr`` gives it),
    ``expression``, and ``offset``/``token`` (the byte offset in the
    expression and the token where the parser stopped, also in ``str(exc)``)
    when known.  The same name is the compatibility layer's
    ``compile(pcap, prog, buffer, optimize, mask)``: a call whose first
    argument is a ``str`` is the native one.

``Capture(device="any", *, snaplen=262144, promisc=False, timeout_ms=100, ...)``
    A live capture (pcap_create, the setters, pcap_activate); the other
    keyword options are ``buffer_size``, ``immediate``, ``nanosecond=True``,
    ``tstamp_type``, ``direction``, ``protocol``, ``fanout``, ``datalink``
    and ``filter`` (a :class:`Filter`).  Iterating
    yields :class:`Packet` objects, waiting with the GIL released (Ctrl-C
    raises ``KeyboardInterrupt``); ``read(n=-1, timeout=None)`` returns a
    list (``[]`` on timeout); ``read_buffer()`` the ``(data, index)`` form.
    ``stats()`` gives ``CaptureStats(recv, drop, ifdrop)``; ``inject(data)``,
    ``set_filter(f)``, ``set_direction("in"|"out"|"inout")``,
    ``set_datalink(dlt)``, ``set_nonblock(flag)``, ``fileno()``;
    attributes ``device``, ``datalink``, ``datalink_name``, ``datalinks``,
    ``snaplen``, ``nanosecond``, ``timeout_ms``, ``nonblock``, ``closed``.
    ``stop()`` (alias ``breakloop()``) and ``close()`` work from any thread
    and end a waiting read at once.  ``fanout=(group_id, mode)`` joins a
    PACKET_FANOUT group ("hash", "lb", "cpu", "rollover", "rnd", "qm").
    libpcap's warnings are issued as :class:`PcapWarning`.

``devices()``
    The capture devices as ``Device(name, description, flags, addresses)``
    with ``DeviceAddress(family, addr, netmask, broadaddr, dstaddr)``.

``aio_capture(device="any", **options)`` / ``aio_capture(capture)``
    ``async for pkt in aio_capture(...)``: asyncio iteration over a capture.

Errors are raised as :class:`PcapError` (``.code``, ``.message`` =
libpcap's text) or its subclasses :class:`PcapFileError`,
:class:`PcapNotSupported` and :class:`CompileError` (with
:class:`FilterSyntaxError` under it).  Using a closed ``Reader``/``Writer`` raises
``ValueError``; a call on a handle that another thread is using inside the
core raises ``RuntimeError``.  Both handles are context managers that
close deterministically.
"""

from __future__ import annotations

from . import _libpcap
from ._libpcap import (
    Capture,
    CaptureStats,
    CompileError,
    Device,
    DeviceAddress,
    Filter,
    FilterSyntaxError,
    Interface,
    Packet,
    PcapError,
    PcapFileError,
    PcapNotSupported,
    PcapWarning,
    Reader,
    Section,
    Writer,
    devices,
)
from ._aio import aio_capture
from ._pcap import compile  # pcap_compile's prototype, also the native compile

# ``compile`` is one object for both layers (see _pcap._two_way_compile):
# ``compile("tcp port 80", linktype="EN10MB") -> Filter`` here.

__all__ = [
    "Capture",
    "CaptureStats",
    "CompileError",
    "Device",
    "DeviceAddress",
    "Filter",
    "FilterSyntaxError",
    "Interface",
    "Packet",
    "PcapError",
    "PcapFileError",
    "PcapNotSupported",
    "PcapWarning",
    "Reader",
    "Section",
    "Writer",
    "aio_capture",
    "compile",
    "devices",
]

#: The extension's interface version this module was written against.
_ABI_VERSION = 3

if getattr(_libpcap, "ABI_VERSION", None) != _ABI_VERSION:  # pragma: no cover
    raise ImportError(
        "libpcap._libpcap is from another version of the package "
        f"(ABI {getattr(_libpcap, 'ABI_VERSION', None)}, expected {_ABI_VERSION}); "
        "rebuild it"
    )
