"""The command-line tool: ``python -m libpcap``, a small tcpdump.

It captures from a network interface (``-i IFACE``, ``any`` for all of
them; by default the first device that ``-D`` lists), or reads a pcap or
pcapng savefile (``-r FILE``, ``-`` for standard input, or ``--sample`` for
the capture shipped with the package), and prints one line per packet, as
``tcpdump -n -e -S`` does: the timestamp in local time (``HH:MM:SS.ffffff``,
or nanoseconds with ``--nano``), then the summary that ``libpcap._dissect``
makes of the link, network and transport headers.  With ``-w OUT`` it copies
the packets to a pcap savefile instead (``-`` for standard output).
``--cflags`` and ``--libs`` print the compiler and linker flags that build a
C program against the package's own libpcap.

Live capture takes tcpdump's options and says what tcpdump says: ``-D``
lists the devices, ``-L`` an interface's link-layer types, ``-J`` its
time-stamp types; ``-p``, ``-s``, ``-B``, ``--immediate-mode``, ``-j``,
``--time-stamp-precision``, ``-Q`` and ``-y`` set the capture up; the
"listening on" line goes to standard error first, and the "packets
captured / received by filter / dropped by kernel" summary (from
pcap_stats) last.  As in tcpdump, ``-i any`` captures with Linux cooked v2
headers unless ``-y`` says otherwise.

Errors print libpcap's message after the program name on standard error and
exit with status 1 (2 for a malformed command line, as argparse does).
Ctrl-C (and SIGTERM, SIGHUP) ends a live capture as it ends tcpdump's: the
summary is printed, the -w file completed, and the status is 0.  Ctrl-C
while reading a savefile stops with status 130; a closed output pipe
(``| head``) ends the program quietly, as it ends tcpdump.

Filters are tcpdump's: the words after the options are joined with spaces
into one pcap-filter(7) expression (``python -m libpcap -r FILE tcp port
80``), or ``-F FILE`` reads it from a file (``#`` starts a comment to the end
of the line; the words are then ignored).  It is compiled on the open file or
interface (its link type and byte order, the Linux kernel's BPF extensions
live), optimized unless ``-O`` is given (``-O2``: our optimizer), with a netmask of 0 as tcpdump's.
``-d``, ``-dd`` and ``-ddd`` print the compiled program the way tcpdump does
(the ``bpf_dump`` listing, a C array, decimal numbers) and exit: for the
file of ``-r``, the interface of ``-i``, or else for the link type of ``-y``
(Ethernet by default, with tcpdump's "assuming Ethernet" warning).  A filter
that does not compile is reported with libpcap's message, and where the
parser stopped (byte offset and token).
"""
from __future__ import annotations

import argparse
import errno
import ctypes
import os
import re
import signal
import socket
import sys
import threading
import time
import warnings
from itertools import islice
from typing import Any, BinaryIO, Callable, Dict, Iterable, List, Optional, Sequence, TextIO, Union

from . import _meta
from ._dissect import has_printer, summarize

__all__ = ["SAMPLE_CAPTURE", "main"]

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))

#: The small capture shipped with the package (made by tools/make_sample.py).
SAMPLE_CAPTURE = os.path.join(PACKAGE_DIR, "data", "sample.pcap")

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INTERRUPTED = 130

# tcpdump's MAXIMUM_SNAPLEN: the largest -s, and what -s 0 means.
MAXIMUM_SNAPLEN = 262144
DLT_LINUX_SLL2 = 276
DLT_EN10MB = 1
# The netmask tcpdump compiles with (it asks for the interface's only with
# its -f option): "ip broadcast" then means all-zeros or all-ones host part.
_NETMASK = 0

# pcap_if_t flags (pcap/pcap.h).
PCAP_IF_LOOPBACK = 0x01
PCAP_IF_UP = 0x02
PCAP_IF_RUNNING = 0x04
PCAP_IF_WIRELESS = 0x08
PCAP_IF_CONNECTION_STATUS = 0x30
PCAP_WARNING_PROMISC_NOTSUP = 2
PCAP_WARNING_TSTAMP_TYPE_NOTSUP = 3

# The words of tcpdump -D for the flags, in its order, and for the
# connection status (wired, wireless); "not applicable" says nothing.
_FLAG_WORDS = ((PCAP_IF_UP, "Up"), (PCAP_IF_RUNNING, "Running"), (PCAP_IF_LOOPBACK, "Loopback"),
               (PCAP_IF_WIRELESS, "Wireless"))
_STATUS_WORDS = {0x00: ("Connection status unknown", "Association status unknown"),
                 0x10: ("Connected", "Associated"),
                 0x20: ("Disconnected", "Not associated")}

# The packet buffer timeout, in ms: tcpdump's, and its shorter one for a
# person watching (lines printed to a terminal, or -l).
_TIMEOUT_MS = 1000
_TIMEOUT_INTERACTIVE_MS = 100


class _Failure(Exception):
    """An error to report as "<prog>: <message>" with exit status 1."""


def _program_name(argv0: str) -> str:
    name = os.path.basename(argv0)
    return "libpcap" if name in ("", "__main__.py", "-c") else name


def _packet_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    # tcpdump's count is a C int: more is refused as invalid, not a traceback
    if value <= 0 or value > 2**31 - 1:
        raise argparse.ArgumentTypeError("invalid packet count %s" % text)
    return value


class _ClosedStdout:
    """sys.stdout when descriptor 1 was closed (Python sets it to None):
    any use says so, as an OSError the tool reports like any other."""

    def __getattr__(self, name: str) -> Any:
        raise OSError(errno.EBADF, "standard output is closed")


def _snaplen(text: str) -> int:
    try:
        # strtol(text, &end, 0) as tcpdump: decimal, 0x hex, 0 octal.
        value = int(text, 8) if re.fullmatch(r"[+-]?0[0-7]+", text.strip()) else int(text, 0)
    except ValueError:
        value = -1
    if not 0 <= value <= MAXIMUM_SNAPLEN:
        raise argparse.ArgumentTypeError("invalid snaplen %s (must be >= 0 and <= %d)" % (text, MAXIMUM_SNAPLEN))
    return value


def _buffer_kib(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0 or value * 1024 > 0x7FFFFFFF:
        raise argparse.ArgumentTypeError("invalid packet buffer size %s" % text)
    return value


def _tstamp_type(text: str) -> int:
    from . import tstamp_type_name_to_val

    value = tstamp_type_name_to_val(os.fsencode(text))
    if value < 0:
        raise argparse.ArgumentTypeError("invalid time stamp type %s" % text)
    return int(value)


def _direction(text: str) -> str:
    value = text.lower()
    if value not in ("in", "out", "inout"):
        raise argparse.ArgumentTypeError("unknown capture direction `%s'" % text)
    return value


def _datalink(text: str) -> int:
    from . import datalink_name_to_val

    value = datalink_name_to_val(os.fsencode(text))
    if value < 0:
        raise argparse.ArgumentTypeError("invalid data link type %s" % text)
    return int(value)


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m libpcap" if prog == "libpcap" else prog,
        description="Capture packets from a network interface or read them from a pcap/pcapng "
                    "savefile, and print them one line per packet like tcpdump -n -e (numeric "
                    "addresses, link-level header shown), or copy them to a savefile.",
        epilog="Timestamps are printed in local time (set TZ=UTC for UTC). "
               "Live capture needs root (or CAP_NET_RAW). "
               "EXPRESSION is a pcap-filter(7) filter, as tcpdump takes it.")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("-r", dest="read", metavar="FILE",
                        help="read packets from FILE, a pcap or pcapng savefile ('-' = standard input)")
    source.add_argument("--sample", action="store_true",
                        help="read the sample capture shipped with the package")
    parser.add_argument("-c", dest="count", metavar="N", type=_packet_count,
                        help="stop after N packets")
    parser.add_argument("-w", dest="write", metavar="OUT",
                        help="write the packets to the savefile OUT instead of printing them "
                             "('-' = standard output): pcapng if OUT ends in .pcapng, else pcap")
    parser.add_argument("--nano", action="store_const", const="nano", dest="precision",
                        help="capture, print and write timestamps with nanosecond precision")
    parser.add_argument("--micro", action="store_const", const="micro", dest="precision",
                        help="microsecond precision (the default)")
    parser.add_argument("--time-stamp-precision", choices=("micro", "nano"), dest="precision",
                        help="timestamp precision: micro (the default) or nano")
    parser.add_argument("-l", dest="line_buffered", action="store_true",
                        help="flush the output after each line (for pipes such as | grep)")
    parser.add_argument("-n", action="count", default=0,
                        help="accepted for tcpdump habits: addresses are always numeric")
    parser.add_argument("-e", action="count", default=0,
                        help="accepted for tcpdump habits: the link-level header is always shown")
    parser.add_argument("--version", action="store_true",
                        help="print the package version and pcap_lib_version(), and exit")
    parser.add_argument("--cflags", action="store_true",
                        help="print the C compiler flags to build against this package's libpcap")
    parser.add_argument("--libs", action="store_true",
                        help="print the linker flags to link against this package's libpcap")
    live = parser.add_argument_group("live capture")
    live.add_argument("-i", "--interface", dest="interface", metavar="IFACE",
                      help="capture on IFACE, or on all interfaces with 'any' (default: the first "
                           "device of -D); a number N means the N-th device of -D")
    live.add_argument("-D", "--list-interfaces", dest="list_interfaces", action="store_true",
                      help="list the devices that can be captured on, and exit")
    live.add_argument("-L", "--list-data-link-types", dest="list_datalinks", action="store_true",
                      help="list the link-layer header types of the interface, and exit")
    live.add_argument("-J", "--list-time-stamp-types", dest="list_tstamp_types", action="store_true",
                      help="list the time stamp types of the interface, and exit")
    live.add_argument("-p", "--no-promiscuous-mode", dest="no_promiscuous", action="store_true",
                      help="do not put the interface into promiscuous mode")
    live.add_argument("-s", "--snapshot-length", dest="snaplen", metavar="SNAPLEN", type=_snaplen,
                      help="capture at most SNAPLEN bytes of each packet (0 = %d, the default)"
                           % MAXIMUM_SNAPLEN)
    live.add_argument("-B", "--buffer-size", dest="buffer_kib", metavar="KIB", type=_buffer_kib,
                      help="capture buffer size in KiB (default: libpcap's, 2 MiB)")
    live.add_argument("--immediate-mode", "--immediate", dest="immediate", action="store_true",
                      help="deliver each packet as soon as it arrives")
    live.add_argument("-j", "--time-stamp-type", dest="tstamp_type", metavar="TYPE", type=_tstamp_type,
                      help="time stamp type (host, host_lowprec, host_hiprec, adapter, "
                           "adapter_unsynced, host_hiprec_unsynced; -J lists the interface's)")
    live.add_argument("-Q", "--direction", dest="direction", metavar="in|out|inout", type=_direction,
                      help="capture only packets received (in), sent (out), or both (inout)")
    live.add_argument("-y", "--linktype", dest="datalink", metavar="TYPE", type=_datalink,
                      help="link-layer header type to capture with, by name (-L lists them)")
    live.add_argument("-I", "--monitor-mode", dest="monitor_mode", action="store_true", help=argparse.SUPPRESS)
    filters = parser.add_argument_group("filters")
    filters.add_argument("-F", dest="filter_file", metavar="FILE",
                         help="read the filter expression from FILE (the expression words are ignored)")
    filters.add_argument("-d", dest="dump", action="count", default=0,
                         help="print the compiled filter program and exit (-d: listing, -dd: C array, "
                              "-ddd: decimal numbers)")
    filters.add_argument("-O", "--no-optimize", dest="optimize", action="store_const", const=0,
                         default=1, help="do not run the filter optimizer")
    filters.add_argument("-O2", dest="optimize", action="store_const", const=2,
                         help="run our optimizer instead of libpcap's (shorter programs, binary "
                              "searches for lists of hosts, ports and nets; the same packets pass)")
    parser.add_argument("expression", nargs="*", metavar="EXPRESSION",
                        help="filter expression (several words are joined with spaces)")
    return parser


# ---------------------------------------------------------------------------
# Build flags for C programs.

def _build_flags(cflags: bool, libs: bool) -> str:
    flags: List[str] = []
    if cflags:
        include = os.path.join(PACKAGE_DIR, "include")
        if not os.path.isfile(os.path.join(include, "pcap", "pcap.h")):
            raise _Failure("%s: no pcap/pcap.h there; build or install the package first" % include)
        flags.append("-I" + include)
    if libs:
        libdir = os.path.join(PACKAGE_DIR, "lib")
        if not os.path.isfile(os.path.join(libdir, "libpcap.so")):
            raise _Failure("%s: no libpcap.so there; build or install the package first" % libdir)
        flags += ["-L" + libdir, "-Wl,-rpath," + libdir, "-lpcap"]
    return " ".join(flags)


def _version_text() -> str:
    from . import lib_version  # the compatibility name of pcap_lib_version()

    raw = lib_version()
    library = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return "libpcap (Python package) version %s\n%s" % (_meta.__version__, library)


# ---------------------------------------------------------------------------
# Reading and printing.

class _Clock:
    """Formats nanosecond timestamps as local HH:MM:SS.fraction, like tcpdump."""

    def __init__(self, nano: bool) -> None:
        self.nano = nano
        self._second = -1
        self._prefix = ""

    def format(self, ts_ns: int) -> str:
        second, frac = divmod(ts_ns, 1_000_000_000)
        if second != self._second:
            try:
                tm = time.localtime(second)
                hms = (tm.tm_hour, tm.tm_min, tm.tm_sec)
            except (OverflowError, OSError, ValueError):
                # Beyond what the C library converts: fall back to UTC.
                day = second % 86400
                hms = (day // 3600, day // 60 % 60, day % 60)
            self._prefix = "%02d:%02d:%02d." % hms
            self._second = second
        if self.nano:
            return "%s%09d" % (self._prefix, frac)
        return "%s%06d" % (self._prefix, frac // 1000)


def _link_description(linktype: int, name: Optional[str]) -> str:
    from . import datalink_val_to_description

    if not name:
        return "link-type %d" % linktype
    raw = datalink_val_to_description(linktype)
    description = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return "link-type %s (%s)" % (name, description) if description else "link-type %s" % name


def _print_packets(packets: Iterable[Any], linktype: int, name: Optional[str], clock: _Clock,
                   out: TextIO) -> None:
    write = out.write
    for packet in packets:
        write("%s %s\n" % (clock.format(packet.ts_ns), summarize(packet.data, packet.wirelen, linktype, name)))


def _run(args: argparse.Namespace, stderr: TextIO) -> int:
    from . import Reader, Writer  # the native API

    nano = args.precision == "nano"
    if args.sample:
        path: str = SAMPLE_CAPTURE
        source: Union[str, BinaryIO] = SAMPLE_CAPTURE
    else:
        path = args.read
        source = sys.stdin.buffer if path == "-" else path
    with Reader(source) as reader:
        linktype, name = reader.linktype, reader.datalink_name
        stderr.write("reading from file %s, %s, snapshot length %d\n"
                     % (path, _link_description(linktype, name), reader.snaplen))
        stderr.flush()
        expression = _filter_expression(args)  # after the open, as tcpdump reads -F
        if args.dump:
            _print_program(reader.compile(expression or "", optimize=args.optimize,
                                          netmask=_NETMASK), args.dump)
            return EXIT_OK
        if expression:
            reader.set_filter(expression, optimize=args.optimize, netmask=_NETMASK)
        packets = islice(reader, args.count)
        if args.write is None:
            if args.line_buffered:
                sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
            _print_packets(packets, linktype, name, _Clock(nano), sys.stdout)
            sys.stdout.flush()
            return EXIT_OK
        if args.write == "-":
            sys.stdout.flush()
            dest: Union[str, BinaryIO] = sys.stdout.buffer
        else:
            dest = args.write
        with Writer(dest, linktype=linktype, snaplen=reader.snaplen, nanosecond=nano) as writer:
            if writer.format == "pcapng":
                _copy_to_pcapng(packets, writer)
            else:
                _copy_to_pcap(packets, writer, linktype)
    return EXIT_OK


def _copy_to_pcap(packets: Iterable[Any], writer: Any, linktype: int) -> None:
    """A pcap file has one link type: a pcapng file's other ones cannot go in."""
    for packet in packets:
        iface = packet.interface
        if iface is not None and iface.linktype != linktype:
            raise _Failure("packet on interface %d (%s) has link type %s, not %s: a pcap file "
                           "holds one link type (write a .pcapng file instead)"
                           % (iface.number, iface.name or "unnamed",
                              _datalink_name(iface.linktype), _datalink_name(linktype)))
        writer.write(packet)


def _tsresol_code(ticks: int) -> int:
    """The if_tsresol byte of a resolution in ticks per second."""
    for k in range(20):
        if ticks == 10 ** k:
            return k
    if ticks > 0 and ticks & (ticks - 1) == 0:
        return 0x80 | (ticks.bit_length() - 1)
    return 9


def _copy_to_pcapng(packets: Iterable[Any], writer: Any) -> None:
    """Packets with their interfaces (one per interface met, in the order
    met), comments and flags; a pcap file's packets go on interface 0."""
    ids: Dict[int, int] = {}
    for packet in packets:
        iface = packet.interface
        if iface is None:
            writer.write(packet)
            continue
        wid = ids.get(iface.number)
        if wid is None:
            wid = ids[iface.number] = writer.add_interface(
                iface.linktype, iface.snaplen, name=iface.name, description=iface.description,
                filter=iface.filter, os=iface.os, hardware=iface.hardware,
                tsresol=_tsresol_code(iface.tsresol), tsoffset=iface.tsoffset, speed=iface.speed)
        writer.write(packet, interface=wid)


# ---------------------------------------------------------------------------
# Filters (-F, -d, -O and the expression words).

def _filter_expression(args: argparse.Namespace) -> Optional[str]:
    """The expression as tcpdump builds it: -F's file with its # comments
    blanked out and a final newline dropped, else the words joined with
    spaces; None when there is neither."""
    if args.filter_file is not None:
        try:
            with open(args.filter_file, "rb") as f:
                data = f.read()
        except OSError as exc:
            raise _Failure("can't open %s: %s" % (args.filter_file, exc.strerror or exc))
        text = data.decode("utf-8", "surrogateescape")
        text = re.sub(r"#[^\n]*", lambda m: " " * len(m.group(0)), text)
        return text[:-1] if text.endswith("\n") else text
    if args.expression:
        return " ".join(args.expression)
    return None


def _print_program(program: Any, option: int) -> None:
    """bpf_dump's text, as tcpdump -d / -dd / -ddd print it."""
    sys.stdout.write(program.dump(option))
    sys.stdout.flush()


def _dump_dead(args: argparse.Namespace, stderr: TextIO) -> int:
    """tcpdump -d without -r or -i: a dead handle of -y's link type."""
    from . import compile

    linktype = args.datalink
    if linktype is None:
        linktype = DLT_EN10MB
        stderr.write("Warning: assuming Ethernet\n")
        stderr.flush()
    expression = _filter_expression(args)
    program = compile(expression or "", linktype=linktype, snaplen=args.snaplen or MAXIMUM_SNAPLEN,
                      optimize=args.optimize, netmask=_NETMASK)
    _print_program(program, args.dump)
    return EXIT_OK


# ---------------------------------------------------------------------------
# Devices, and what an interface offers (-D, -L, -J).

def _text(value: Any) -> Optional[str]:
    """A string of the compatibility layer (bytes or None) as str or None."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return None if value is None else str(value)


def _datalink_name(linktype: int) -> Optional[str]:
    from . import datalink_val_to_name

    return _text(datalink_val_to_name(linktype))


def _flags_text(flags: int) -> str:
    """The bracketed part of a tcpdump -D line: "Up, Running, Connected"."""
    text = ", ".join(word for bit, word in _FLAG_WORDS if flags & bit) or "none"
    status = _STATUS_WORDS.get(flags & PCAP_IF_CONNECTION_STATUS)
    if status is not None:
        text += ", " + status[1 if flags & PCAP_IF_WIRELESS else 0]
    return text


def _list_devices(out: TextIO) -> int:
    from . import devices

    for number, device in enumerate(devices(), 1):
        line = "%d.%s" % (number, device.name)
        if device.description is not None:
            line += " (%s)" % device.description
        if device.flags:
            line += " [%s]" % _flags_text(device.flags)
        out.write(line + "\n")
    return EXIT_OK


def _interface_exists(name: str) -> bool:
    try:
        socket.if_nametoindex(name)
    except (OSError, ValueError):
        return False
    return True


def _choose_device(requested: Optional[str]) -> str:
    """-i's device; without -i the first device, as tcpdump; -i N the N-th."""
    from . import devices

    if requested is not None and (re.fullmatch(r"[0-9]+", requested) is None or _interface_exists(requested)):
        return requested
    found = devices()
    if requested is None:
        if not found:
            raise _Failure("no interfaces available for capture")
        return found[0].name
    number = int(requested)
    if not 0 < number <= len(found):
        raise _Failure("Invalid adapter index")
    return found[number - 1].name


def _list_tstamp_types(device: str, out: TextIO, stderr: TextIO) -> int:
    # The native Capture is always activated; the list is the created
    # handle's, so this goes through the compatibility layer.
    from . import (PCAP_ERRBUF_SIZE, close, create, free_tstamp_types, geterr, list_tstamp_types,
                   tstamp_type_val_to_description, tstamp_type_val_to_name)

    errbuf = ctypes.create_string_buffer(PCAP_ERRBUF_SIZE)
    handle = create(os.fsencode(device), errbuf)
    if not handle:
        raise _Failure(_text(errbuf.value) or "pcap_create failed")
    try:
        types = ctypes.POINTER(ctypes.c_int)()
        count = list_tstamp_types(handle, ctypes.byref(types))
        if count < 0:
            raise _Failure(_text(geterr(handle)) or "pcap_list_tstamp_types failed")
        try:
            if count == 0:
                stderr.write("Time stamp type cannot be set for %s\n" % device)
                return EXIT_OK
            out.write("Time stamp types for %s (use option -j to set):\n" % device)
            for i in range(count):
                name = _text(tstamp_type_val_to_name(types[i]))
                if name is None:
                    out.write("  %d\n" % types[i])
                else:
                    out.write("  %s (%s)\n" % (name, _text(tstamp_type_val_to_description(types[i]))))
        finally:
            if types:
                free_tstamp_types(types)
    finally:
        close(handle)
    return EXIT_OK


def _list_datalinks(capture: Any, device: str, out: TextIO) -> int:
    from . import datalink_val_to_description

    linktypes = capture.datalinks
    if not linktypes:
        raise _Failure("No data link types.")
    out.write("Data link types for %s (use option -y to set):\n" % device)
    for linktype in linktypes:
        name = _datalink_name(linktype)
        if name is None:
            out.write("  DLT %d (printing not supported)\n" % linktype)
            continue
        line = "  %s (%s)" % (name, _text(datalink_val_to_description(linktype)))
        if not has_printer(linktype):
            line += " (printing not supported)"
        out.write(line + "\n")
    return EXIT_OK


# ---------------------------------------------------------------------------
# Live capture.

def _interface_names() -> Callable[[int], Optional[str]]:
    """if_indextoname with a memory, for the cooked v2 headers of -i any."""
    names: Dict[int, Optional[str]] = {}

    def name(index: int) -> Optional[str]:
        if index not in names:
            try:
                names[index] = socket.if_indextoname(index)
            except (OSError, ValueError, OverflowError):
                names[index] = None
        return names[index]

    return name


def _interactive(args: argparse.Namespace) -> bool:
    """Lines printed for a person: tcpdump's shorter timeout then."""
    if args.write is not None:
        return False
    try:
        return args.line_buffered or sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _open_capture(args: argparse.Namespace, device: str, prog: str, stderr: TextIO) -> Any:
    """Capture(device) with the options of the command line, warnings said."""
    from . import Capture, PcapWarning, statustostr, tstamp_type_val_to_name

    options: Dict[str, Any] = {
        "snaplen": args.snaplen or MAXIMUM_SNAPLEN,
        "promisc": not args.no_promiscuous,
        "timeout_ms": _TIMEOUT_INTERACTIVE_MS if _interactive(args) else _TIMEOUT_MS,
        "immediate": args.immediate,
        "nanosecond": args.precision == "nano",
    }
    if args.buffer_kib is not None:
        options["buffer_size"] = args.buffer_kib * 1024
    if args.tstamp_type is not None:
        options["tstamp_type"] = args.tstamp_type
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        capture = Capture(device, **options)
    promisc_notsup = _text(statustostr(PCAP_WARNING_PROMISC_NOTSUP)) or "?"
    tstamp_notsup = _text(statustostr(PCAP_WARNING_TSTAMP_TYPE_NOTSUP)) or "?"
    for warning in caught:
        if not issubclass(warning.category, PcapWarning):
            warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)
            continue
        # Said as tcpdump says them: the status texts with the device.
        text = str(warning.message)
        if args.tstamp_type is not None and text.startswith(tstamp_notsup):
            text = "When trying to set timestamp type '%s' on %s: %s" % (
                _text(tstamp_type_val_to_name(args.tstamp_type)), device, text)
        elif text.startswith((promisc_notsup, tstamp_notsup)):
            text = "%s: %s" % (device, text)
        stderr.write("%s: WARNING: %s\n" % (prog, text))
    return capture


class _Tally:
    """Packets handed to the printer or the writer so far."""

    captured = 0


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def _summary(capture: Any, captured: int, stderr: TextIO) -> None:
    """tcpdump's closing lines, from pcap_stats."""
    from . import PcapError

    try:
        recv, drop, ifdrop = capture.stats()
    except PcapError as exc:
        stderr.write("pcap_stats: %s\n" % _error_text(exc))
        return
    text = ("%d packet%s captured\n%d packet%s received by filter\n%d packet%s dropped by kernel\n"
            % (captured, _plural(captured), recv, _plural(recv), drop, _plural(drop)))
    if ifdrop:
        text += "%d packet%s dropped by interface\n" % (ifdrop, _plural(ifdrop))
    stderr.write(text)
    stderr.flush()


class _StopSignals:
    """SIGINT, SIGTERM and SIGHUP end a capture as Ctrl-C does (by
    KeyboardInterrupt), as they end tcpdump's: also a SIGINT that the shell
    had ignored (a background job); a SIGHUP that someone ignores (nohup)
    stays ignored.  hold() then ignores all three while the capture winds up.
    """

    def __init__(self) -> None:
        self._saved: Dict[int, Any] = {}
        self._active = threading.current_thread() is threading.main_thread()

    def __enter__(self) -> "_StopSignals":
        if self._active:
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                current = signal.getsignal(signum)
                if signum == signal.SIGINT and current is signal.default_int_handler:
                    continue  # raises KeyboardInterrupt already
                if signum == signal.SIGHUP and current != signal.SIG_DFL:
                    continue
                self._saved[signum] = current
                signal.signal(signum, self._stop)
        return self

    @staticmethod
    def _stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    def hold(self) -> None:
        if self._active:
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                self._saved.setdefault(signum, signal.getsignal(signum))
                signal.signal(signum, signal.SIG_IGN)

    def __exit__(self, *exc: Any) -> None:
        for signum, handler in self._saved.items():
            signal.signal(signum, handler)


def _capture(args: argparse.Namespace, device: str, prog: str, stderr: TextIO) -> int:
    from . import PcapError, Writer

    nano = args.precision == "nano"
    capture = _open_capture(args, device, prog, stderr)
    with capture:
        if args.direction is not None:
            try:
                capture.set_direction(args.direction)
            except PcapError as exc:
                raise _Failure("%s: pcap_setdirection() failed: %s" % (device, _error_text(exc)))
        if args.list_datalinks:
            return _list_datalinks(capture, device, sys.stdout)
        linktype = args.datalink
        if linktype is None and device == "any":
            linktype = DLT_LINUX_SLL2  # tcpdump's choice: v2 names the interface
        if linktype is not None:
            capture.set_datalink(linktype)
            if capture.datalink != linktype:
                raise _Failure("%s is not one of the DLTs supported by this device"
                               % _datalink_name(linktype))
            stderr.write("%s: data link type %s\n" % (prog, _datalink_name(linktype)))
        linktype = capture.datalink
        name = _datalink_name(linktype)
        snaplen = capture.snaplen
        if args.snaplen and args.snaplen < snaplen:
            stderr.write("%s: WARNING: snaplen raised from %d to %d\n" % (prog, args.snaplen, snaplen))
        elif args.snaplen and args.snaplen > snaplen:
            stderr.write("%s: WARNING: snaplen lowered from %d to %d\n" % (prog, args.snaplen, snaplen))
        expression = _filter_expression(args)
        if args.dump:
            _print_program(capture.compile(expression or "", optimize=args.optimize,
                                           netmask=_NETMASK), args.dump)
            return EXIT_OK
        if expression:
            # On the handle: the kernel's BPF extensions where Linux has them.
            capture.set_filter(expression, optimize=args.optimize, netmask=_NETMASK)

        writer: Any = None
        to_stdout = args.write == "-"
        if args.write is not None:
            if to_stdout:
                sys.stdout.flush()
            writer = Writer(sys.stdout.buffer if to_stdout else args.write, linktype=linktype,
                            snaplen=snaplen, nanosecond=nano)
            if writer.format == "pcapng" and device != "any":
                # "any" gets one interface per real one, from the packets
                writer.add_interface(linktype, snaplen, name=device, filter=expression or None)
        elif args.line_buffered:
            sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

        tally = _Tally()
        consume = (_writing(writer, tally) if writer is not None
                   else _printing(linktype, name, _Clock(nano), sys.stdout, tally))
        interrupted = False
        failure: Optional[BaseException] = None
        with _StopSignals() as stops:
            try:
                # With -w, tcpdump says this after its name, else after a
                # line about -v (which this tool does not have).
                stderr.write("%slistening on %s, %s, snapshot length %d bytes\n"
                             % (prog + ": " if writer is not None else "", device,
                                _link_description(linktype, name), snaplen))
                stderr.flush()
                _pump(capture, args.count, consume)
            except KeyboardInterrupt:
                interrupted = True
            except PcapError as exc:
                failure = exc
            stops.hold()
            if writer is not None:
                if writer.format == "pcapng" and len(writer.interfaces) == 1:
                    _record_stats(capture, writer)
                writer.close()
            if interrupted and not to_stdout:
                sys.stdout.write("\n")  # as tcpdump: the summary starts below the ^C
            sys.stdout.flush()
            if failure is not None:
                stderr.write("%s: pcap_loop: %s\n" % (prog, _error_text(failure)))
            _summary(capture, tally.captured, stderr)
    return EXIT_ERROR if failure is not None else EXIT_OK


def _record_stats(capture: Any, writer: Any) -> None:
    """The capture's counters in the file (an Interface Statistics Block)."""
    from . import PcapError

    try:
        stats = capture.stats()
    except PcapError:
        return  # the summary below says why
    writer.set_stats(0, received=stats.recv, dropped=stats.drop, os_dropped=stats.ifdrop)


def _pump(capture: Any, limit: Optional[int], consume: Callable[[List[Any]], None]) -> None:
    """Read batches (at most the packets -c still wants) until done."""
    got = 0
    while limit is None or got < limit:
        batch = capture.read(-1 if limit is None else limit - got)
        if batch:
            consume(batch)
            got += len(batch)
        elif capture.closed:
            return


def _writing(writer: Any, tally: _Tally) -> Callable[[List[Any]], None]:
    def consume(batch: List[Any]) -> None:
        tally.captured += len(batch)
        writer.write_many(batch)

    return consume


def _printing(linktype: int, name: Optional[str], clock: _Clock, out: TextIO,
              tally: _Tally) -> Callable[[List[Any]], None]:
    write = out.write
    ifname = _interface_names() if linktype == DLT_LINUX_SLL2 else None

    def consume(batch: List[Any]) -> None:
        for packet in batch:
            tally.captured += 1  # first, as tcpdump: a line printed is always counted
            write("%s %s\n" % (clock.format(packet.ts_ns),
                               summarize(packet.data, packet.wirelen, linktype, name, ifname)))
        out.flush()  # a batch at a time, so that a pipe sees lines as they come

    return consume


def _error_text(exc: BaseException) -> str:
    message = getattr(exc, "message", None)
    if isinstance(exc, OSError) and not message:
        if exc.filename is not None and exc.strerror:
            return "%s: %s" % (os.fsdecode(exc.filename), exc.strerror)
    return str(message or exc)


def _main(argv: Sequence[str], prog: str) -> int:
    args = _parser(prog).parse_args(argv)
    stderr = sys.stderr
    try:
        if args.version or args.cflags or args.libs:
            if args.version:
                print(_version_text())
            if args.cflags or args.libs:
                print(_build_flags(args.cflags, args.libs))
            return EXIT_OK
        if args.list_interfaces:
            return _list_devices(sys.stdout)
        if args.read is not None or args.sample:
            # As tcpdump: the options of live capture do not apply to a file.
            return _run(args, stderr)
        if args.dump and args.interface is None:
            return _dump_dead(args, stderr)
        if args.monitor_mode:
            raise _Failure("monitor mode (-I) is not available yet")
        device = _choose_device(args.interface)
        if args.list_tstamp_types:
            return _list_tstamp_types(device, sys.stdout, stderr)
        return _capture(args, device, prog, stderr)
    except _Failure as exc:
        failure: BaseException = exc
    except Exception as exc:  # noqa: BLE001 - reported below, as tcpdump would
        from . import PcapError

        if not isinstance(exc, (PcapError, OSError)) or isinstance(exc, BrokenPipeError):
            raise
        failure = exc
    try:
        sys.stdout.flush()
    except OSError:
        pass
    stderr.write("%s: %s\n" % (prog, _error_text(failure)))
    return EXIT_ERROR


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the tool with argv (default: sys.argv[1:]) and return the exit status."""
    prog = _program_name(sys.argv[0] if sys.argv else "")
    if argv is None:
        argv = sys.argv[1:]
    # Die of SIGPIPE as tcpdump does when a reader such as head(1) goes
    # away: quiet, and it also covers the C code writing with -w -.
    restore = None
    if hasattr(signal, "SIGPIPE") and threading.current_thread() is threading.main_thread():
        restore = signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    closed_stdout = sys.stdout is None
    if closed_stdout:
        setattr(sys, "stdout", _ClosedStdout())  # typeshed's type for it varies
    try:
        return _main(argv, prog)
    except KeyboardInterrupt:
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            pass
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Only reached when SIGPIPE could not be restored to its default.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_ERROR
    finally:
        if restore is not None:
            signal.signal(signal.SIGPIPE, restore)
        if closed_stdout:
            setattr(sys, "stdout", None)  # nothing to flush at exit
