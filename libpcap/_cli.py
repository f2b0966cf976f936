"""The command-line tool: ``python -m libpcap``, a small tcpdump for savefiles.

It reads a pcap or pcapng savefile (``-r FILE``, ``-`` for standard input,
or ``--sample`` for the capture shipped with the package) and prints one line
per packet, as ``tcpdump -n -e -S`` does: the timestamp in local time
(``HH:MM:SS.ffffff``, or nanoseconds with ``--nano``), then the summary that
``libpcap._dissect`` makes of the link, network and transport headers.  With
``-w OUT`` it copies the packets to a pcap savefile instead (``-`` for
standard output).  ``--cflags`` and ``--libs`` print the compiler and linker
flags that build a C program against the package's own libpcap.

Errors print libpcap's message after the program name on standard error and
exit with status 1 (2 for a malformed command line, as argparse does).
Ctrl-C stops cleanly with status 130; a closed output pipe (``| head``) ends
the program quietly, as it ends tcpdump.  Live capture arrives later: its
options are recognised and refused with a clear message.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from itertools import islice
from typing import BinaryIO, Iterable, List, Optional, Sequence, TextIO, Union

from . import _meta
from ._dissect import summarize

__all__ = ["SAMPLE_CAPTURE", "main"]

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))

#: The small capture shipped with the package (made by tools/make_sample.py).
SAMPLE_CAPTURE = os.path.join(PACKAGE_DIR, "data", "sample.pcap")

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INTERRUPTED = 130

# Options of tcpdump that need live capture, which this version lacks:
# (flag, argparse dest, takes a value).
_LIVE_OPTIONS = (("-i", "interface", True), ("-D", "list_interfaces", False),
                 ("-L", "list_datalinks", False), ("-I", "monitor_mode", False),
                 ("-p", "no_promiscuous", False), ("-B", "buffer_size", True), ("-y", "datalink", True))


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


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m libpcap" if prog == "libpcap" else prog,
        description="Print or copy the packets of a pcap/pcapng savefile, one line per packet "
                    "like tcpdump -n -e (numeric addresses, link-level header shown).",
        epilog="Timestamps are printed in local time (set TZ=UTC for UTC). "
               "Live capture (-i, -D, ...) and filter expressions are not available yet.")
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
                        help="print (and write) timestamps with nanosecond precision")
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
    for flag, dest, takes_value in _LIVE_OPTIONS:
        if takes_value:
            parser.add_argument(flag, dest=dest, help=argparse.SUPPRESS)
        else:
            parser.add_argument(flag, dest=dest, action="store_true", help=argparse.SUPPRESS)
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
