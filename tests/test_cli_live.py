"""Live capture with the command-line tool, ``python -m libpcap -i ...``.

Every test builds its own network (tests/netns.py: a namespace holding a
quiet veth pair va0 <-> vb0), runs the tool inside it as a subprocess, waits
for its "listening on" line, sends frames from the other end of the pair and
checks what the tool printed or wrote.  The expected lines are composed here
from the frames the test built (not by the tool's dissector); copies made
with -w are read back with libpcap.Reader and compared byte for byte.
Where tcpdump is installed, -D, -L and -J are compared with its output, run
in the same namespace (the system tcpdump is only an oracle, in its own
process).

The tests need root and network namespaces, and skip saying so where that is
impossible.  Every subprocess has a timeout; timing bounds are generous.
"""
from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import List, Optional, Tuple

import pytest

import netns
from conftest import make_sample, package_with, python_env

TIMEOUT = 60            # any one subprocess
WAIT = 20               # for a line we expect
DLT_EN10MB, DLT_DOCSIS, DLT_LINUX_SLL, DLT_LINUX_SLL2 = 1, 143, 113, 276
MAC_A, MAC_B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"  # va0, vb0 (netns.py)
IP_A, IP_B = "10.77.0.1", "10.77.0.2"
IP6_A, IP6_B = "2001:db8:77::1", "2001:db8:77::2"
# Devices that tcpdump's libpcap lists from its other backends (D-Bus,
# netfilter, Bluetooth, USB ...), which this library does not capture from.
OTHER_BACKENDS = re.compile(r"^(bluetooth|dbus-|usbmon|rdma|dpdk|snf)")


m = make_sample()


# ---------------------------------------------------------------------------
# Fixtures and the tool as a subprocess


@pytest.fixture(scope="module")
def pkg() -> Path:
    return package_with("Capture")


def cli_env(pkg: Path) -> dict:
    env = python_env()  # keeps the sanitizer run's LD_PRELOAD
    env["PYTHONPATH"] = str(pkg.parent)
    env["TZ"] = "UTC"
    env.pop("PYTHONUNBUFFERED", None)
    return env


def run(space: netns.Netns, pkg: Path, *args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(space.argv([sys.executable, "-m", "libpcap", *args]), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env=cli_env(pkg), cwd=str(pkg.parent),
                          timeout=TIMEOUT)


class Tool:
    """The tool running in a namespace; its output collected by threads."""

    def __init__(self, space: netns.Netns, pkg: Path, *args: str) -> None:
        self.proc = subprocess.Popen(space.argv([sys.executable, "-m", "libpcap", *args]),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(pkg),
                                     cwd=str(pkg.parent))
        self.out = bytearray()
        self.err = bytearray()
        self.cond = threading.Condition()
        self.threads = [threading.Thread(target=self._drain, args=(self.proc.stdout, self.out), daemon=True),
                        threading.Thread(target=self._drain, args=(self.proc.stderr, self.err), daemon=True)]
        for thread in self.threads:
            thread.start()

    def _drain(self, stream, into: bytearray) -> None:
        fd = stream.fileno()
        while True:
            chunk = os.read(fd, 65536)
            with self.cond:
                if not chunk:
                    self.cond.notify_all()
                    return
                into += chunk
                self.cond.notify_all()

    def wait(self, what: str, pattern: str, timeout: float = WAIT) -> "re.Match[str]":
        """Wait until stdout or stderr (what) matches pattern."""
        buf = self.out if what == "out" else self.err
        found: List[Optional[re.Match]] = [None]

        def ready() -> bool:
            found[0] = re.search(pattern, buf.decode(errors="replace"), re.M)
            return found[0] is not None or self.proc.poll() is not None

        with self.cond:
            self.cond.wait_for(ready, timeout)
        assert found[0] is not None, "no %r on std%s; stderr so far: %s" % (pattern, what, bytes(self.err))
        return found[0]

    def listening(self) -> str:
        """Wait for the "listening on" line (the capture is active then)."""
        return self.wait("err", r"listening on .* bytes$").group(0)

    def lines(self, n: int, timeout: float = WAIT) -> List[str]:
        self.wait("out", r"(.*\n){%d}" % n, timeout)
        return self.out.decode().splitlines()

    def finish(self, timeout: float = TIMEOUT) -> Tuple[int, str, str]:
        try:
            rc = self.proc.wait(timeout)
        finally:
            self.close()
        for thread in self.threads:
            thread.join(timeout)
        return rc, self.out.decode(errors="replace"), self.err.decode()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(TIMEOUT)

    def __enter__(self) -> "Tool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------------
# Frames, and the lines they must give


def udp_frame(i: int, size: int = 60, src: Tuple[str, str] = (MAC_A, IP_A),
              dst: Tuple[str, str] = (MAC_B, IP_B)) -> Tuple[bytes, str]:
    """UDP datagram number i in a frame of `size` bytes, and its summary."""
    data = bytes((i * 13 + k) & 0xFF for k in range(max(size - 42, 0)))
    frame = m.ethernet(dst[0], src[0], m.ETH_IPV4,
                       m.ipv4(src[1], dst[1], m.PROTO_UDP, m.udp(src[1], dst[1], 40000 + i, 50000 + i, data)))
    summary = "%s > %s, ethertype IPv4 (0x0800), length %d: %s.%d > %s.%d: UDP, length %d" % (
        src[0], dst[0], len(frame), src[1], 40000 + i, dst[1], 50000 + i, len(data))
    return frame, summary


def link_head(frame: bytes, etype: str) -> str:
    return "%s > %s, ethertype %s, length %d: " % (MAC_A, MAC_B, etype, len(frame))


def known_frames() -> List[Tuple[bytes, str]]:
    """Frames of several kinds, va0 -> vb0, with their summaries."""
    out = [udp_frame(1), udp_frame(2, 1000)]
    seg = m.tcp(IP_A, IP_B, 31000, 80, 1000, 0, m.SYN, 8192, m.tcp_options(mss=1200))
    frame = m.ethernet(MAC_B, MAC_A, m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_TCP, seg))
    out.append((frame, link_head(frame, "IPv4 (0x0800)") + "%s.31000 > %s.80: Flags [S], seq 1000, win 8192, "
                "options [mss 1200], length 0" % (IP_A, IP_B)))
    frame = m.ethernet(MAC_B, MAC_A, m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_ICMP, m.icmp(8, 0, m.echo(7, 3), b"p" * 24)))
    out.append((frame, link_head(frame, "IPv4 (0x0800)") + "%s > %s: ICMP echo request, id 7, seq 3, length 32"
                % (IP_A, IP_B)))
    frame = m.ethernet(MAC_B, MAC_A, m.ETH_ARP, m.arp(1, MAC_A, IP_A, "00:00:00:00:00:00", IP_B))
    out.append((frame, link_head(frame, "ARP (0x0806)") + "Request who-has %s tell %s, length %d"
                % (IP_B, IP_A, len(frame) - 14)))
    frame = m.ethernet(MAC_B, MAC_A, m.ETH_IPV6, m.ipv6(IP6_A, IP6_B, m.PROTO_UDP,
                                                         m.udp(IP6_A, IP6_B, 31002, 32002, b"six")))
    out.append((frame, link_head(frame, "IPv6 (0x86dd)") + "%s.31002 > %s.32002: UDP, length 3" % (IP6_A, IP6_B)))
    return out


STAMP = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d+) (.*)$")


def split_line(line: str, nano: bool = False) -> Tuple[float, str]:
    """(seconds of the UTC day, summary) of a printed line."""
    match = STAMP.match(line)
    assert match, line
    hours, minutes, seconds, frac, rest = match.groups()
    assert len(frac) == (9 if nano else 6), line
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + int(frac) / 10 ** len(frac), rest


def day_seconds(ts: float) -> float:
    moment = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc)
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


def near(day_a: float, day_b: float, slack: float) -> bool:
    diff = abs(day_a - day_b) % 86400
    return min(diff, 86400 - diff) <= slack


def assert_summary(stderr: str, captured: int) -> None:
    tail = stderr.splitlines()[-3:]
    assert tail[0] == "%d packet%s captured" % (captured, "" if captured == 1 else "s"), stderr
    match = re.fullmatch(r"(\d+) packets? received by filter", tail[1])
    assert match and int(match.group(1)) >= captured, stderr
    assert tail[2] == "0 packets dropped by kernel", stderr


def read_back(data_or_path) -> Tuple[int, int, List[Tuple[int, int, int, bytes]]]:
    import libpcap

    source = io.BytesIO(data_or_path) if isinstance(data_or_path, bytes) else str(data_or_path)
    with libpcap.Reader(source) as reader:
        return reader.linktype, reader.snaplen, [(p.ts_ns, p.caplen, p.wirelen, bytes(p.data)) for p in reader]


def tcpdump() -> Optional[str]:
    path = shutil.which("tcpdump") or "/usr/sbin/tcpdump"
    return path if os.access(path, os.X_OK) else None


def ifindex(space: netns.Netns, dev: str) -> int:
    return int(space.run(["cat", "/sys/class/net/%s/ifindex" % dev]).stdout)


# ---------------------------------------------------------------------------
# Printing what was sent


def test_lines_of_the_frames_sent(ns: netns.Netns, pkg: Path) -> None:
    sent = known_frames()
    with Tool(ns, pkg, "-i", ns.b, "-c", str(len(sent))) as tool:
        assert tool.listening() == "listening on vb0, link-type EN10MB (Ethernet), snapshot length 262144 bytes"
        before = time.time()
        # Two more than -c asks for: the tool must stop at the count.
        extra = [udp_frame(90 + i)[0] for i in range(2)]
        assert ns.send(ns.a, [f for f, _ in sent] + extra) == len(sent) + 2
        after = time.time()
        rc, out, err = tool.finish()
    assert rc == 0, err
    lines = out.splitlines()
    assert len(lines) == len(sent), out
    stamps = []
    for line, (_, summary) in zip(lines, sent):
        day, rest = split_line(line)
        assert rest == summary
        stamps.append(day)
        assert near(day, day_seconds(before), after - before + 5)
    if max(stamps) - min(stamps) < 3600:  # not across midnight
        assert stamps == sorted(stamps)
    assert err.splitlines()[0].startswith("listening on ")
    assert_summary(err, len(sent))
    assert "Traceback" not in err


def test_nanosecond_lines(ns: netns.Netns, pkg: Path) -> None:
    sent = [udp_frame(i) for i in range(6)]
    with Tool(ns, pkg, "-i", ns.b, "-c", "6", "--time-stamp-precision", "nano") as tool:
        tool.listening()
        ns.send(ns.a, [f for f, _ in sent])
        rc, out, err = tool.finish()
    assert rc == 0, err
    parsed = [split_line(line, nano=True) for line in out.splitlines()]
    assert [rest for _, rest in parsed] == [s for _, s in sent]
    digits = [line.split()[0][-3:] for line in out.splitlines()]
    assert any(d != "000" for d in digits), out   # really nanoseconds


def test_tcpdump_prints_the_same(ns: netns.Netns, pkg: Path) -> None:
    """Both tools capture the same frames side by side: same lines."""
    dump = tcpdump()
    if dump is None:
        pytest.skip("tcpdump is not installed")
    sent = [f for f, _ in known_frames()]
    theirs = ns.popen(["timeout", str(TIMEOUT), dump, "-n", "-e", "-S", "-l", "-i", ns.b, "-c", str(len(sent))])
    try:
        assert theirs.stderr is not None
        for _ in range(10):
            line = theirs.stderr.readline()
            if line.startswith("listening on") or not line:
                break
        with Tool(ns, pkg, "-i", ns.b, "-c", str(len(sent))) as tool:
            tool.listening()
            ns.send(ns.a, sent)
            rc, out, _ = tool.finish()
        their_out, _ = theirs.communicate(timeout=TIMEOUT)
    finally:
        if theirs.poll() is None:
            theirs.kill()
            theirs.wait()
    assert rc == 0
    mine = [split_line(line)[1] for line in out.splitlines()]
    want = [split_line(line)[1] for line in their_out.splitlines()]
    assert mine == want


def test_sigint_prints_the_summary(ns: netns.Netns, pkg: Path) -> None:
    sent = [udp_frame(i) for i in range(5)]
    with Tool(ns, pkg, "-l", "-i", ns.b) as tool:
        tool.listening()
        ns.send(ns.a, [f for f, _ in sent])
        lines = tool.lines(len(sent))
        tool.proc.send_signal(signal.SIGINT)
        rc, out, err = tool.finish()
    # tcpdump's way: a new line after the ^C, the statistics, status 0.
    assert rc == 0, err
    assert [split_line(line)[1] for line in lines] == [s for _, s in sent]
    assert out.endswith("\n\n") and out.splitlines()[:-1] == lines
    assert_summary(err, len(sent))
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_other_signals_end_it_the_same_way(ns: netns.Netns, pkg: Path, signum: int) -> None:
    sent = [udp_frame(i) for i in range(3)]
    with Tool(ns, pkg, "-l", "-i", ns.b) as tool:
        tool.listening()
        ns.send(ns.a, [f for f, _ in sent])
        tool.lines(len(sent))
        tool.proc.send_signal(signum)
        rc, _, err = tool.finish()
    assert rc == 0, err
    assert_summary(err, len(sent))


def test_sigint_while_idle(ns: netns.Netns, pkg: Path) -> None:
    with Tool(ns, pkg, "-i", ns.b) as tool:
        tool.listening()
        time.sleep(0.3)
        started = time.monotonic()
        tool.proc.send_signal(signal.SIGINT)
        rc, out, err = tool.finish()
        took = time.monotonic() - started
    assert rc == 0 and out == "\n", err
    assert err.splitlines()[-3:] == ["0 packets captured", "0 packets received by filter",
                                     "0 packets dropped by kernel"]
    assert took < 5, took   # within the read slices, not at some timeout


def test_interface_disappears(ns: netns.Netns, pkg: Path) -> None:
    sent = [udp_frame(i) for i in range(2)]
    with Tool(ns, pkg, "-l", "-i", ns.b) as tool:
        tool.listening()
        ns.send(ns.a, [f for f, _ in sent])
        tool.lines(2)
        ns.run(["ip", "link", "del", ns.a])   # takes its peer vb0 along
        rc, out, err = tool.finish()
    # As tcpdump: libpcap's message after "pcap_loop: ", the summary, status 1.
    assert rc == 1
    assert [split_line(line)[1] for line in out.splitlines()] == [s for _, s in sent]
    assert err.splitlines()[-4] == "libpcap: pcap_loop: The interface disappeared", err
    assert_summary(err, 2)


# ---------------------------------------------------------------------------
# Writing


@pytest.mark.parametrize("precision", ["micro", "nano"])
def test_write_round_trip(ns: netns.Netns, pkg: Path, tmp_path: Path, precision: str) -> None:
    sent = [f for f, _ in known_frames()] + [udp_frame(i, 60 + 97 * i)[0] for i in range(10)]
    out_path = tmp_path / "live.pcap"
    with Tool(ns, pkg, "-i", ns.b, "-c", str(len(sent)), "-w", str(out_path),
              "--time-stamp-precision", precision) as tool:
        # With -w, tcpdump puts its name before the line.
        assert tool.wait("err", r"^libpcap: listening on vb0, link-type EN10MB \(Ethernet\), "
                                r"snapshot length 262144 bytes$")
        before = time.time_ns()
        ns.send(ns.a, sent)
        after = time.time_ns()
        rc, out, err = tool.finish()
    assert rc == 0 and out == "", err
    assert_summary(err, len(sent))
    magic = struct.unpack("<I", out_path.read_bytes()[:4])[0]
    assert magic == (0xA1B23C4D if precision == "nano" else 0xA1B2C3D4)
    linktype, snaplen, got = read_back(out_path)
    assert (linktype, snaplen) == (DLT_EN10MB, 262144)
    assert [data for _, _, _, data in got] == sent
    assert [(caplen, wirelen) for _, caplen, wirelen, _ in got] == [(len(f), len(f)) for f in sent]
    stamps = [ts for ts, _, _, _ in got]
    assert stamps == sorted(stamps)
    assert before - 5 * 10**9 <= stamps[0] and stamps[-1] <= after + 5 * 10**9
    if precision == "micro":
        assert all(ts % 1000 == 0 for ts in stamps)
    else:
        assert any(ts % 1000 for ts in stamps)


def test_write_to_standard_output(ns: netns.Netns, pkg: Path) -> None:
    sent = [udp_frame(i, 100 + i)[0] for i in range(4)]
    tool = Tool(ns, pkg, "-i", ns.b, "-c", "4", "-w", "-")
    with tool:
        tool.listening()
        ns.send(ns.a, sent)
        rc, _, err = tool.finish()
    assert rc == 0, err
    linktype, _, got = read_back(bytes(tool.out))
    assert linktype == DLT_EN10MB and [data for _, _, _, data in got] == sent


def test_sigint_completes_the_file(ns: netns.Netns, pkg: Path, tmp_path: Path) -> None:
    sent = [udp_frame(i, 200 + i)[0] for i in range(7)]
    out_path = tmp_path / "stopped.pcap"
    with Tool(ns, pkg, "--immediate-mode", "-i", ns.b, "-w", str(out_path)) as tool:
        tool.listening()
        ns.send(ns.a, sent)
        time.sleep(2.5)   # far more than an immediate-mode capture needs
        tool.proc.send_signal(signal.SIGINT)
        rc, out, err = tool.finish()
    assert rc == 0, err
    assert out == "\n"
    assert_summary(err, len(sent))
    _, _, got = read_back(out_path)
    assert [data for _, _, _, data in got] == sent


# ---------------------------------------------------------------------------
# Setting the capture up


def test_snaplen(ns: netns.Netns, pkg: Path, tmp_path: Path) -> None:
    sent = [udp_frame(i, size) for i, size in enumerate((60, 61, 100, 1000, 1514))]
    with Tool(ns, pkg, "-i", ns.b, "-c", str(len(sent)), "-s", "61") as tool:
        assert tool.listening().endswith("snapshot length 61 bytes")
        ns.send(ns.a, [f for f, _ in sent])
        rc, out, err = tool.finish()
    assert rc == 0, err
    want = [s if len(f) <= 61 else s.replace("length %d:" % len(f), "length %d (caplen 61):" % len(f), 1)
            for f, s in sent]
    assert [split_line(line)[1] for line in out.splitlines()] == want

    out_path = tmp_path / "short.pcap"
    with Tool(ns, pkg, "-i", ns.b, "-c", str(len(sent)), "-s", "0x40", "-w", str(out_path)) as tool:
        assert tool.listening().endswith("snapshot length 64 bytes")
        ns.send(ns.a, [f for f, _ in sent])
        rc, _, err = tool.finish()
    assert rc == 0, err
    _, snaplen, got = read_back(out_path)
    assert snaplen == 64
    assert [(caplen, wirelen, data) for _, caplen, wirelen, data in got] == [
        (min(len(f), 64), len(f), f[:64]) for f, _ in sent]


def test_snaplen_zero_means_the_maximum(ns: netns.Netns, pkg: Path) -> None:
    with Tool(ns, pkg, "-i", ns.b, "-s", "0") as tool:
        assert tool.listening().endswith("snapshot length 262144 bytes")
        tool.proc.send_signal(signal.SIGINT)
        assert tool.finish()[0] == 0


def test_direction(ns: netns.Netns, pkg: Path) -> None:
    outgoing = [udp_frame(i) for i in range(3)]                       # va0 -> vb0
    incoming = [udp_frame(10 + i, src=(MAC_B, IP_B), dst=(MAC_A, IP_A)) for i in range(3)]  # vb0 -> va0
    # On va0: -Q in must skip what va0 sends, though it comes first.
    with Tool(ns, pkg, "-i", ns.a, "-Q", "in", "-c", "3") as tool:
        tool.listening()
        ns.send(ns.a, [f for f, _ in outgoing])
        ns.send(ns.b, [f for f, _ in incoming])
        rc, out, err = tool.finish()
    assert rc == 0, err
    assert [split_line(line)[1] for line in out.splitlines()] == [s for _, s in incoming]
    # And -Q OUT (any case, as tcpdump) the other way round.
    with Tool(ns, pkg, "-i", ns.a, "-Q", "OUT", "-c", "3") as tool:
        tool.listening()
        ns.send(ns.b, [f for f, _ in incoming])
        ns.send(ns.a, [f for f, _ in outgoing])
        rc, out, err = tool.finish()
    assert rc == 0, err
    assert [split_line(line)[1] for line in out.splitlines()] == [s for _, s in outgoing]


def test_immediate_mode(ns: netns.Netns, pkg: Path) -> None:
    """Each packet is printed at once, not when the packet buffer timeout
    (a second, for a pipe) retires the ring block."""
    with Tool(ns, pkg, "--immediate", "-i", ns.b) as tool:
        tool.listening()
        delays = []
        for i in range(4):
            ns.send(ns.a, [udp_frame(i)[0]])
            tool.lines(i + 1)
            seen = day_seconds(time.time())
            stamped, _ = split_line(tool.out.decode().splitlines()[i])
            delays.append((seen - stamped) % 86400)
            time.sleep(0.25)
        tool.proc.send_signal(signal.SIGINT)
        rc, _, err = tool.finish()
    assert rc == 0, err
    print("immediate-mode delays (s):", ["%.3f" % d for d in delays])
    assert max(delays) < 0.5, delays


def test_promiscuous_mode(ns: netns.Netns, pkg: Path) -> None:
    def promiscuity() -> int:
        text = ns.run(["ip", "-d", "link", "show", ns.b]).stdout
        return int(re.search(r"promiscuity (\d+)", text).group(1))

    assert promiscuity() == 0
    for options, want in (([], 1), (["-p"], 0)):
        with Tool(ns, pkg, "-i", ns.b, *options) as tool:
            tool.listening()
            assert promiscuity() == want, options
            tool.proc.send_signal(signal.SIGINT)
            assert tool.finish()[0] == 0
    assert promiscuity() == 0


def test_buffer_size(ns: netns.Netns, pkg: Path) -> None:
    sent = [udp_frame(i) for i in range(3)]
    with Tool(ns, pkg, "-i", ns.b, "-B", "4096", "-c", "3") as tool:
        tool.listening()
        ns.send(ns.a, [f for f, _ in sent])
        rc, out, err = tool.finish()
    assert rc == 0, err
    assert [split_line(line)[1] for line in out.splitlines()] == [s for _, s in sent]


def test_time_stamp_types(ns: netns.Netns, pkg: Path) -> None:
    proc = run(ns, pkg, "-i", ns.b, "-J")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "Time stamp types for vb0 (use option -j to set):"
    assert "  host (Host)" in lines[1:]
    dump = tcpdump()
    if dump is not None:
        theirs = ns.run([dump, "-i", ns.b, "-J"], check=False)
        assert proc.stdout == (theirs.stdout or theirs.stderr)
    # A type the device has: no warning.  One it lacks: tcpdump's warning,
    # and the capture goes on.
    for name, warning in (("host", None),
                          ("adapter", "libpcap: WARNING: When trying to set timestamp type 'adapter' on vb0: "
                                      "That type of time stamp is not supported by that device")):
        if name == "adapter" and "  adapter (Adapter)" in lines:
            continue
        with Tool(ns, pkg, "-i", ns.b, "-j", name, "-c", "1") as tool:
            tool.listening()
            ns.send(ns.a, [udp_frame(1)[0]])
            rc, out, err = tool.finish()
        assert rc == 0, err
        assert len(out.splitlines()) == 1
        warnings = [line for line in err.splitlines() if "WARNING" in line]
        assert warnings == ([warning] if warning else []), err


# ---------------------------------------------------------------------------
# Link-layer types


def test_list_datalinks(ns: netns.Netns, pkg: Path) -> None:
    cases = {ns.b: ["EN10MB (Ethernet)", "DOCSIS (DOCSIS) (printing not supported)"],
             "any": ["LINUX_SLL (Linux cooked v1)", "LINUX_SLL2 (Linux cooked v2)"]}
    dump = tcpdump()
    for dev, types in cases.items():
        proc = run(ns, pkg, "-i", dev, "-L")
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.splitlines() == ["Data link types for %s (use option -y to set):" % dev] + [
            "  " + t for t in types]
        if dump is not None:
            # tcpdump 4.99 says it on standard error, later ones on standard output.
            theirs = ns.run([dump, "-i", dev, "-L"], check=False)
            assert proc.stdout == (theirs.stdout or theirs.stderr)


def test_datalink_docsis(ns: netns.Netns, pkg: Path, tmp_path: Path) -> None:
    sent = [udp_frame(i, 70 + i)[0] for i in range(3)]
    with Tool(ns, pkg, "-i", ns.b, "-y", "DOCSIS", "-c", "3") as tool:
        assert tool.listening() == "listening on vb0, link-type DOCSIS (DOCSIS), snapshot length 262144 bytes"
        ns.send(ns.a, sent)
        rc, out, err = tool.finish()
    assert rc == 0, err
    assert err.splitlines()[0] == "libpcap: data link type DOCSIS"
    assert [split_line(line)[1] for line in out.splitlines()] == [
        "linktype DOCSIS (143), length %d" % len(f) for f in sent]
    out_path = tmp_path / "docsis.pcap"
    with Tool(ns, pkg, "-i", ns.b, "-y", "docsis", "-c", "3", "-w", str(out_path)) as tool:
        tool.listening()
        ns.send(ns.a, sent)
        assert tool.finish()[0] == 0
    linktype, _, got = read_back(out_path)
    assert linktype == DLT_DOCSIS and [data for _, _, _, data in got] == sent


def test_any_uses_cooked_v2(ns: netns.Netns, pkg: Path) -> None:
    frame, summary = udp_frame(5, 80)
    payload = summary.split(", length %d: " % len(frame), 1)[1]
    index = {dev: ifindex(ns, dev) for dev in (ns.a, ns.b)}
    with Tool(ns, pkg, "-i", "any", "-c", "2") as tool:
        assert tool.listening() == ("listening on any, link-type LINUX_SLL2 (Linux cooked v2), "
                                    "snapshot length 262144 bytes")
        ns.send(ns.a, [frame])
        rc, out, err = tool.finish()
    assert rc == 0, err
    assert "libpcap: data link type LINUX_SLL2" in err.splitlines()
    # Sent on va0, then received on vb0; the cooked header (20 bytes) stands
    # for the Ethernet one (14), and names the sender's address both times.
    length = len(frame) - 14 + 20
    assert [split_line(line)[1] for line in out.splitlines()] == [
        "%-5s %-3s ifindex %d %s ethertype IPv4 (0x0800), length %d: %s"
        % (dev, kind, index[dev], MAC_A, length, payload) for dev, kind in ((ns.a, "Out"), (ns.b, "In"))]


def test_any_with_cooked_v1(ns: netns.Netns, pkg: Path) -> None:
    frame, summary = udp_frame(6, 90)
    payload = summary.split(", length %d: " % len(frame), 1)[1]
    with Tool(ns, pkg, "-i", "any", "-y", "LINUX_SLL", "-c", "2") as tool:
        assert "link-type LINUX_SLL (Linux cooked v1)" in tool.listening()
        ns.send(ns.a, [frame])
        rc, out, err = tool.finish()
    assert rc == 0, err
    length = len(frame) - 14 + 16
    assert [split_line(line)[1] for line in out.splitlines()] == [
        "%3s %s ethertype IPv4 (0x0800), length %d: %s" % (kind, MAC_A, length, payload) for kind in ("Out", "In")]


def test_datalink_errors(ns: netns.Netns, pkg: Path) -> None:
    proc = run(ns, pkg, "-i", ns.b, "-y", "LINUX_SLL2", "-c", "1")
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == "libpcap: LINUX_SLL2 is not one of the DLTs supported by this device\n"
    proc = run(ns, pkg, "-i", ns.b, "-y", "NO_SUCH_TYPE", "-c", "1")
    assert proc.returncode == 2 and "invalid data link type NO_SUCH_TYPE" in proc.stderr


# ---------------------------------------------------------------------------
# Devices


def test_list_devices(ns: netns.Netns, pkg: Path) -> None:
    proc = run(ns, pkg, "-D")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert [line.split(".", 1)[0] for line in lines] == [str(i) for i in range(1, len(lines) + 1)]
    entries = {line.split(".", 1)[1].split(" ", 1)[0]: line.split(".", 1)[1] for line in lines}
    # The namespace holds lo (down), and the veth pair, up with a carrier.
    assert entries == {
        "va0": "va0 [Up, Running, Connected]",
        "vb0": "vb0 [Up, Running, Connected]",
        "any": "any (Pseudo-device that captures on all interfaces) [Up, Running]",
        "lo": "lo [Loopback]",
        "nflog": "nflog (Linux netfilter log (NFLOG) interface) [none]",
        "nfqueue": "nfqueue (Linux netfilter queue (NFQUEUE) interface) [none]",
    }
    # Down, and without a carrier: what tcpdump says of such devices.
    ns.link(ns.a, "down")
    proc = run(ns, pkg, "-D")
    entries = {line.split(".", 1)[1].split(" ", 1)[0]: line.split(".", 1)[1] for line in proc.stdout.splitlines()}
    assert entries["va0"] == "va0 [none, Disconnected]"
    assert entries["vb0"] == "vb0 [Up, Disconnected]"
    dump = tcpdump()
    if dump is not None:
        theirs = ns.run([dump, "-D"]).stdout.splitlines()
        names = [line.split(".", 1)[1] for line in theirs]
        shared = [entry for entry in names if not OTHER_BACKENDS.match(entry)]
        assert [line.split(".", 1)[1] for line in proc.stdout.splitlines()] == shared


def test_default_device_and_numbers(ns: netns.Netns, pkg: Path) -> None:
    listed = [line.split(".", 1)[1].split(" ", 1)[0] for line in run(ns, pkg, "-D").stdout.splitlines()]
    last_up = max(i for i, name in enumerate(listed) if name != "lo")  # lo is down
    for args, dev in (([], listed[0]), (["-i", "2"], listed[1]), (["-i", str(last_up + 1)], listed[last_up])):
        with Tool(ns, pkg, *args) as tool:
            assert tool.listening().startswith("listening on %s, " % dev), args
            tool.proc.send_signal(signal.SIGINT)
            assert tool.finish()[0] == 0
    proc = run(ns, pkg, "-i", str(len(listed) + 1))
    assert (proc.returncode, proc.stderr) == (1, "libpcap: Invalid adapter index\n")


def test_permission_denied(ns: netns.Netns, pkg: Path) -> None:
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is not installed")

    def unprivileged(*args: str) -> "subprocess.CompletedProcess[str]":
        # Root without CAP_NET_RAW: no packet socket.
        argv = [setpriv, "--bounding-set=-net_raw", sys.executable, "-m", "libpcap", *args]
        return subprocess.run(ns.argv(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=cli_env(pkg), cwd=str(pkg.parent), timeout=TIMEOUT)

    proc = unprivileged("-i", ns.b, "-c", "1")
    if proc.stderr.startswith("setpriv:"):
        pytest.skip("setpriv cannot drop CAP_NET_RAW here: %s" % proc.stderr.strip())
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.startswith("libpcap: vb0: You don't have permission to perform this capture on that "
                                  "device"), proc.stderr
    # Listing the devices needs no privilege.
    proc = unprivileged("-D")
    assert proc.returncode == 0 and ".vb0 [Up, Running, Connected]" in proc.stdout


def test_no_such_device(ns: netns.Netns, pkg: Path) -> None:
    proc = run(ns, pkg, "-i", "nosuchdev0", "-c", "1")
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("libpcap: nosuchdev0: No such device exists"), proc.stderr


# ---------------------------------------------------------------------------
# The command line


@pytest.mark.parametrize("args,words", [
    (["-s", "262145"], "invalid snaplen 262145 (must be >= 0 and <= 262144)"),
    (["-s", "-1"], "invalid snaplen -1"),
    (["-B", "0"], "invalid packet buffer size 0"),
    (["-B", "many"], "invalid packet buffer size many"),
    (["-j", "sundial"], "invalid time stamp type sundial"),
    (["-Q", "sideways"], "unknown capture direction `sideways'"),
    (["--time-stamp-precision", "pico"], "invalid choice"),
])
def test_bad_options(ns: netns.Netns, pkg: Path, args: List[str], words: str) -> None:
    proc = run(ns, pkg, "-i", ns.b, *args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert words in proc.stderr and "usage:" in proc.stderr


def test_filter_expression_errors(ns: netns.Netns, pkg: Path) -> None:
    # Filtering itself is covered by test_cli_filter.py.
    proc = run(ns, pkg, "-i", ns.b, "udp", "port", "and")
    assert (proc.returncode, proc.stdout) == (1, "")
    assert "libpcap: can't parse filter expression: syntax error" in proc.stderr
