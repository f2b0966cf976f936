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
(``| head``) ends the program quietly, as it ends tcpdump.  Filter
expressions need the filter compiler, which comes later: they are refused
with a clear message.
"""
from __future__ import annotations

import argparse
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

# pcap_if_t flags (pcap/pcap.h).
PCAP_IF_LOOPBACK = 0x01
PCAP_IF_UP = 0x02
PCAP_IF_RUNNING = 0x04
PCAP_IF_WIRELESS = 0x08
PCAP_IF_CONNECTION_STATUS = 0x30
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
    if value <= 0:
        raise argparse.ArgumentTypeError("invalid packet count %s" % text)
    return value


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
               "Filter expressions are not available yet.")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("-r", dest="read", metavar="FILE",
                        help="read packets from FILE, a pcap or pcapng savefile ('-' = standard input)")
    source.add_argument("--sample", action="store_true",
                        help="read the sample capture shipped with the package")
    parser.add_argument("-c", dest="count", metavar="N", type=_packet_count,
                        help="stop after N packets")
    parser.add_argument("-w", dest="write", metavar="OUT",
                        help="write the packets to the pcap savefile OUT instead of printing them "
                             "('-' = standard output)")
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
    parser.add_argument("expression", nargs="*", help=argparse.SUPPRESS)
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

    library = lib_version()
    if isinstance(library, bytes):
        library = library.decode("utf-8", "replace")
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
    description = datalink_val_to_description(linktype)
    if isinstance(description, bytes):
        description = description.decode("utf-8", "replace")
    return "link-type %s (%s)" % (name, description) if description else "link-type %s" % name


def _print_packets(packets: Iterable, linktype: int, name: Optional[str], clock: _Clock,
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
            for packet in packets:
                writer.write(packet)
    return EXIT_OK


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
        used = [flag for flag, dest, _ in _LIVE_OPTIONS if getattr(args, dest) not in (None, False)]
        if used:
            raise _Failure("live capture (%s) is not available yet; read a savefile with -r FILE"
                           % ", ".join(used))
        if args.expression:
            raise _Failure("filter expressions are not available yet (%r)" % " ".join(args.expression))
        if args.read is None and not args.sample:
            raise _Failure("no savefile to read: use -r FILE (or --sample); "
                           "live capture is not available yet")
        return _run(args, stderr)
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
