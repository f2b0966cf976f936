"""Tests of the command-line tool, ``python -m libpcap``, run as a subprocess.

The captures are built here (with the builders of tools/make_sample.py) and
the expected lines are composed from what each packet holds; timestamps are
formatted independently with datetime, under TZ=UTC (or a fixed offset, to
see that local time is used).  Copies made with -w are read back with the
native API and compared packet by packet.  Where tcpdump is installed, its
``-n -e -S`` output for packets both tools decode alike must be ours too.
"""
from __future__ import annotations

import datetime
import os
import re
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import pytest

from conftest import make_sample, package_with, python_env

TIMEOUT = 120


m = make_sample()


@pytest.fixture(scope="module")
def pkg() -> Path:
    """The package under test, importable with its native API."""
    return package_with("Reader")


def cli_env(pkg: Path, tz: str = "UTC") -> dict:
    env = python_env()
    env["PYTHONPATH"] = str(pkg.parent)
    env["TZ"] = tz
    env.pop("PYTHONUNBUFFERED", None)  # the tool must not depend on it
    return env


def run(pkg: Path, *args: str, stdin: Optional[bytes] = None, tz: str = "UTC",
        cwd: Optional[Path] = None) -> "subprocess.CompletedProcess[bytes]":
    return subprocess.run([sys.executable, "-m", "libpcap", *args], input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(pkg, tz),
                          cwd=str(cwd or pkg.parent), timeout=TIMEOUT)


def lines(proc: "subprocess.CompletedProcess[bytes]") -> List[str]:
    return proc.stdout.decode().splitlines()


def ts_text(ts_ns: int, nano: bool = False, offset_minutes: int = 0) -> str:
    sec, frac = divmod(ts_ns, 1_000_000_000)
    zone = datetime.timezone(datetime.timedelta(minutes=offset_minutes))
    clock = datetime.datetime.fromtimestamp(sec, zone).strftime("%H:%M:%S")
    return clock + (".%09d" % frac if nano else ".%06d" % (frac // 1000))


# ---------------------------------------------------------------------------
# A capture of our own, with the expected summary of each packet.

MAC_A, MAC_B = "02:11:22:33:44:55", "02:66:77:88:99:aa"
IP_A, IP_B = "10.20.30.40", "192.168.100.200"
IP6_A, IP6_B = "2001:db8:aa::1", "2001:db8:bb::2"
BASE = 1_600_000_000 * 1_000_000_000


def _eth(etype: int, payload: bytes) -> bytes:
    return m.ethernet(MAC_B, MAC_A, etype, payload)


def _head(frame: bytes, etype: str) -> str:
    return "%s > %s, ethertype %s, length %d: " % (MAC_A, MAC_B, etype, len(frame))


def own_packets() -> List[Tuple[int, bytes, str]]:
    """(timestamp ns, frame, expected summary) of a handful of packets."""
    out = []
    ts = BASE + 123_456_789

    def add(frame: bytes, summary: str) -> None:
        nonlocal ts
        out.append((ts, frame, summary))
        ts += 1_000_000_001  # a second and a nanosecond: every field moves

    seg = m.tcp(IP_A, IP_B, 31000, 32000, 4000, 0, m.SYN, 8192, m.tcp_options(mss=1200))
    frame = _eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_TCP, seg))
    add(frame, _head(frame, "IPv4 (0x0800)") + "%s.31000 > %s.32000: Flags [S], seq 4000, win 8192, "
        "options [mss 1200], length 0" % (IP_A, IP_B))
    seg = m.tcp(IP_B, IP_A, 32000, 31000, 9000, 4001, m.SYN | m.ACK, 4096)
    frame = _eth(m.ETH_IPV4, m.ipv4(IP_B, IP_A, m.PROTO_TCP, seg))
    add(frame, _head(frame, "IPv4 (0x0800)") + "%s.32000 > %s.31000: Flags [S.], seq 9000, ack 4001, win 4096, "
        "length 0" % (IP_B, IP_A))
    data = b"0123456789"
    seg = m.tcp(IP_A, IP_B, 31000, 32000, 4001, 9001, m.PSH | m.ACK, 8192, payload=data)
    frame = _eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_TCP, seg))
    add(frame, _head(frame, "IPv4 (0x0800)") + "%s.31000 > %s.32000: Flags [P.], seq 4001:%d, ack 9001, "
        "win 8192, length %d" % (IP_A, IP_B, 4001 + len(data), len(data)))
    frame = _eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_UDP, m.udp(IP_A, IP_B, 31001, 32001, b"x" * 21)))
    add(frame, _head(frame, "IPv4 (0x0800)") + "%s.31001 > %s.32001: UDP, length 21" % (IP_A, IP_B))
    frame = _eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_ICMP, m.icmp(8, 0, m.echo(77, 3), b"y" * 24)))
    add(frame, _head(frame, "IPv4 (0x0800)") + "%s > %s: ICMP echo request, id 77, seq 3, length 32" % (IP_A, IP_B))
    frame = _eth(m.ETH_ARP, m.arp(1, MAC_A, IP_A, "00:00:00:00:00:00", IP_B))
    add(frame, _head(frame, "ARP (0x0806)") + "Request who-has %s tell %s, length %d" % (IP_B, IP_A, len(frame) - 14))
    frame = _eth(m.ETH_ARP, m.arp(2, MAC_B, IP_B, MAC_A, IP_A))
    add(frame, _head(frame, "ARP (0x0806)") + "Reply %s is-at %s, length %d" % (IP_B, MAC_B, len(frame) - 14))
    frame = _eth(m.ETH_IPV6, m.ipv6(IP6_A, IP6_B, m.PROTO_UDP, m.udp(IP6_A, IP6_B, 31002, 32002, b"z" * 3)))
    add(frame, _head(frame, "IPv6 (0x86dd)") + "%s.31002 > %s.32002: UDP, length 3" % (IP6_A, IP6_B))
    body = m.echo(5, 6) + b"w" * 8
    frame = _eth(m.ETH_IPV6, m.ipv6(IP6_A, IP6_B, m.PROTO_ICMPV6, m.icmp6(IP6_A, IP6_B, 129, 0, body)))
    add(frame, _head(frame, "IPv6 (0x86dd)") + "%s > %s: ICMP6, echo reply, id 5, seq 6, length %d"
        % (IP6_A, IP6_B, 4 + len(body)))
    seg = m.tcp(IP6_A, IP6_B, 31003, 32003, 1, 2, m.RST | m.ACK, 0)
    frame = _eth(m.ETH_IPV6, m.ipv6(IP6_A, IP6_B, m.PROTO_TCP, seg))
    add(frame, _head(frame, "IPv6 (0x86dd)") + "%s.31003 > %s.32003: Flags [R.], seq 1, ack 2, win 0, length 0"
        % (IP6_A, IP6_B))
    return out


def records(packets: Sequence[Tuple[int, bytes, str]]) -> List[Tuple[int, bytes, None]]:
    return [(ts, frame, None) for ts, frame, _ in packets]


@pytest.fixture
def own_capture(tmp_path: Path) -> Tuple[Path, List[Tuple[int, bytes, str]]]:
    packets = own_packets()
    path = tmp_path / "own.pcap"
    path.write_bytes(m.pcap_file(records(packets)))
    return path, packets


def read_back(path: Path) -> Tuple[int, int, List[Tuple[int, int, int, bytes]]]:
    import libpcap

    with libpcap.Reader(str(path)) as reader:
        packets = [(p.ts_ns, p.caplen, p.wirelen, bytes(p.data)) for p in reader]
        return reader.linktype, reader.snaplen, packets


# ---------------------------------------------------------------------------
# Printing

def test_lines_of_a_capture(pkg: Path, own_capture: Tuple[Path, list]) -> None:
    path, packets = own_capture
    proc = run(pkg, "-r", str(path))
    assert proc.returncode == 0, proc.stderr
    assert lines(proc) == ["%s %s" % (ts_text(ts), summary) for ts, _, summary in packets]
    assert proc.stderr.decode() == ("reading from file %s, link-type EN10MB (Ethernet), snapshot length 262144\n"
                                    % path)


def test_local_time(pkg: Path, own_capture: Tuple[Path, list]) -> None:
    path, packets = own_capture
    # A POSIX TZ string needs no time zone database: "XYZ-5:30" is UTC+5:30.
    proc = run(pkg, "-r", str(path), "-c", "1", tz="XYZ-5:30")
    ts, _, summary = packets[0]
    assert lines(proc) == ["%s %s" % (ts_text(ts, offset_minutes=330), summary)]


@pytest.mark.parametrize("option", [["--nano"], ["--time-stamp-precision", "nano"]])
def test_nanosecond_timestamps(pkg: Path, own_capture: Tuple[Path, list], option: List[str]) -> None:
    path, packets = own_capture
    proc = run(pkg, "-r", str(path), *option)
    # The file has microseconds: the last three digits are zeros.
    assert lines(proc) == ["%s %s" % (ts_text(ts // 1000 * 1000, nano=True), s) for ts, _, s in packets]
    ns_path = path.with_suffix(".ns.pcap")
    ns_path.write_bytes(m.pcap_file(records(packets), nanosecond=True))
    proc = run(pkg, "-r", str(ns_path), *option)
    assert lines(proc) == ["%s %s" % (ts_text(ts, nano=True), s) for ts, _, s in packets]
    proc = run(pkg, "-r", str(ns_path), "--time-stamp-precision", "micro")
    assert lines(proc) == ["%s %s" % (ts_text(ts), s) for ts, _, s in packets]


def test_pcapng_input(pkg: Path, tmp_path: Path) -> None:
    packets = own_packets()
    path = tmp_path / "own.pcapng"
    path.write_bytes(m.pcapng_file(records(packets), tsresol=9, byteorder=">"))
    proc = run(pkg, "-r", str(path), "--nano")
    assert proc.returncode == 0, proc.stderr
    assert lines(proc) == ["%s %s" % (ts_text(ts, nano=True), s) for ts, _, s in packets]


def test_count(pkg: Path, own_capture: Tuple[Path, list]) -> None:
    path, packets = own_capture
    for count in (1, 3, len(packets), len(packets) + 5):
        proc = run(pkg, "-r", str(path), "-c", str(count))
        assert proc.returncode == 0
        assert lines(proc) == ["%s %s" % (ts_text(ts), s) for ts, _, s in packets[:count]]


def test_standard_input(pkg: Path, own_capture: Tuple[Path, list]) -> None:
    path, packets = own_capture
    proc = run(pkg, "-r", "-", stdin=path.read_bytes())
    assert proc.returncode == 0, proc.stderr
    assert lines(proc) == ["%s %s" % (ts_text(ts), s) for ts, _, s in packets]
    assert proc.stderr.decode().startswith("reading from file -, link-type EN10MB (Ethernet)")


def test_other_link_types(pkg: Path, tmp_path: Path) -> None:
    packet = m.ipv4(IP_A, IP_B, m.PROTO_UDP, m.udp(IP_A, IP_B, 1000, 2000, b"abc"))
    summary = "%s.1000 > %s.2000: UDP, length 3" % (IP_A, IP_B)
    cooked = struct.pack("!HHH8sH", 4, 1, 6, m.mac(MAC_A) + b"\0\0", m.ETH_IPV4) + packet
    cases = [
        (113, cooked, "Out %s ethertype IPv4 (0x0800), length %d: %s" % (MAC_A, len(cooked), summary)),
        (101, packet, "raw IPv4, length %d: %s" % (len(packet), summary)),
        (0, struct.pack("<I", 2) + packet, "AF IPv4 (2), length %d: %s" % (len(packet) + 4, summary)),
        (147, b"abcdef", "linktype USER0 (147), length 6"),
    ]
    for linktype, data, expected in cases:
        path = tmp_path / ("lt%d.pcap" % linktype)
        path.write_bytes(m.pcap_file([(BASE, data, None)], linktype=linktype))
        proc = run(pkg, "-r", str(path))
        assert proc.returncode == 0, proc.stderr
        assert lines(proc) == ["%s %s" % (ts_text(BASE), expected)]


def test_truncated_capture(pkg: Path, tmp_path: Path) -> None:
    seg = m.tcp(IP_A, IP_B, 31000, 32000, 1, 2, m.ACK, 100, payload=bytes(1400))
    frame = _eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_TCP, seg))
    path = tmp_path / "snap.pcap"
    path.write_bytes(m.pcap_file([(BASE, frame[:40], len(frame))], snaplen=40))
    proc = run(pkg, "-r", str(path))
    assert lines(proc) == ["%s %s > %s, ethertype IPv4 (0x0800), length %d (caplen 40): %s.31000 > %s.32000: [|tcp]"
                           % (ts_text(BASE), MAC_A, MAC_B, len(frame), IP_A, IP_B)]


def test_sample(pkg: Path) -> None:
    import libpcap._cli as cli

    sample = m.sample_records()
    # The shipped file is the generator's output.
    assert Path(cli.SAMPLE_CAPTURE).read_bytes() == m.pcap_file(sample)
    proc = run(pkg, "--sample")
    assert proc.returncode == 0, proc.stderr
    out = lines(proc)
    assert len(out) == len(sample)
    for line, (ts, frame, _) in zip(out, sample):
        assert line.startswith(ts_text(ts) + " ")
        assert ", length %d: " % len(frame) in line
        assert "[|" not in line
    assert out[0] == "%s %s > %s, ethertype ARP (0x0806), length 60: Request who-has %s tell %s, length 46" % (
        ts_text(sample[0][0]), m.HOST_MAC, m.BROADCAST, m.ROUTER, m.HOST)
    assert proc.stderr.decode() == (
        "reading from file %s, link-type EN10MB (Ethernet), snapshot length 262144\n" % cli.SAMPLE_CAPTURE)
    # The README's first command.
    proc = run(pkg, "--sample", "-c", "5")
    assert lines(proc) == out[:5]


def test_sample_protocols(pkg: Path) -> None:
    out = "\n".join(lines(run(pkg, "--sample")))
    for word in ("ethertype ARP", "ethertype IPv4", "ethertype IPv6", "ethertype 802.1Q", "Flags [S]",
                 "Flags [S.]", "Flags [P.]", "Flags [F.]", "Flags [R.]", "UDP, length", "ICMP echo request",
                 "ICMP echo reply", "udp port 33434 unreachable", "udp fragment, offset 1480", "ICMP6, echo request", "neighbor solicitation",
                 "neighbor advertisement", "HBH ICMP6"):
        assert word in out, word


# ---------------------------------------------------------------------------
# Writing

@pytest.mark.parametrize("nano", [False, True])
def test_write_round_trip(pkg: Path, tmp_path: Path, nano: bool) -> None:
    packets = own_packets()
    source = tmp_path / "in.pcapng"
    source.write_bytes(m.pcapng_file(records(packets), tsresol=9))
    out = tmp_path / "out.pcap"
    args = ["-r", str(source), "-w", str(out)] + (["--nano"] if nano else [])
    proc = run(pkg, *args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == b""
    assert out.read_bytes()[:4] == struct.pack("<I", 0xA1B23C4D if nano else 0xA1B2C3D4)
    linktype, snaplen, got = read_back(out)
    assert linktype == 1 and snaplen == 262144
    assert got == [(ts if nano else ts // 1000 * 1000, len(f), len(f), f) for ts, f, _ in packets]


def test_write_count_and_stdout(pkg: Path, own_capture: Tuple[Path, list], tmp_path: Path) -> None:
    path, packets = own_capture
    proc = run(pkg, "-r", str(path), "-c", "4", "-w", "-")
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "stdout.pcap"
    out.write_bytes(proc.stdout)
    _, _, got = read_back(out)
    assert got == [(ts // 1000 * 1000, len(f), len(f), f) for ts, f, _ in packets[:4]]
    # And what was written prints as the original does.
    proc = run(pkg, "-r", str(out))
    assert lines(proc) == ["%s %s" % (ts_text(ts), s) for ts, _, s in packets[:4]]


def test_write_keeps_linktype_snaplen_and_lengths(pkg: Path, tmp_path: Path) -> None:
    data = [(BASE + i, bytes([i]) * (10 + i), 100 + i) for i in range(5)]
    source = tmp_path / "raw.pcap"
    source.write_bytes(m.pcap_file(data, linktype=101, snaplen=64, nanosecond=True))
    out = tmp_path / "copy.pcap"
    assert run(pkg, "-r", str(source), "-w", str(out), "--nano").returncode == 0
    linktype, snaplen, got = read_back(out)
    import libpcap
    with libpcap.Reader(str(source)) as reader:
        assert (linktype, snaplen) == (reader.linktype, 64)
    assert got == [(ts, len(b), wl, b) for ts, b, wl in data]


# ---------------------------------------------------------------------------
# Version and build flags

def test_version(pkg: Path) -> None:
    import libpcap

    proc = run(pkg, "--version")
    assert proc.returncode == 0
    first, second = proc.stdout.decode().splitlines()
    assert first.endswith(" " + libpcap.__version__)
    assert second == libpcap.lib_version().decode()


def test_build_flags(pkg: Path) -> None:
    cflags = run(pkg, "--cflags").stdout.decode().strip()
    libs = run(pkg, "--libs").stdout.decode().strip()
    both = run(pkg, "--cflags", "--libs").stdout.decode().strip()
    include, libdir = pkg / "include", pkg / "lib"
    assert shlex.split(cflags) == ["-I%s" % include]
    assert shlex.split(libs) == ["-L%s" % libdir, "-Wl,-rpath,%s" % libdir, "-lpcap"]
    assert both == cflags + " " + libs
    assert (include / "pcap" / "pcap.h").is_file() and (include / "pcap.h").is_file()
    assert (libdir / "libpcap.so").is_file()


# ---------------------------------------------------------------------------
# Errors

def test_missing_file(pkg: Path, tmp_path: Path) -> None:
    path = tmp_path / "no-such.pcap"
    proc = run(pkg, "-r", str(path))
    assert proc.returncode == 1 and proc.stdout == b""
    assert proc.stderr.decode() == "libpcap: %s: %s\n" % (path, os.strerror(2))


def test_garbage_file(pkg: Path, tmp_path: Path) -> None:
    path = tmp_path / "garbage.pcap"
    path.write_bytes(b"this is not a capture file at all" * 3)
    proc = run(pkg, "-r", str(path))
    assert (proc.returncode, proc.stdout, proc.stderr.decode()) == (1, b"", "libpcap: unknown file format\n")
    path.write_bytes(b"\xd4\xc3")
    proc = run(pkg, "-r", str(path))
    assert proc.returncode == 1
    assert proc.stderr.decode().startswith("libpcap: ") and "Traceback" not in proc.stderr.decode()


def test_damaged_file_prints_what_comes_before(pkg: Path, own_capture: Tuple[Path, list]) -> None:
    path, packets = own_capture
    path.write_bytes(path.read_bytes()[:-5])
    proc = run(pkg, "-r", str(path))
    assert proc.returncode == 1
    assert lines(proc) == ["%s %s" % (ts_text(ts), s) for ts, _, s in packets[:-1]]
    last = proc.stderr.decode().splitlines()[-1]
    assert last.startswith("libpcap: truncated dump file"), last


def test_unwritable_output(pkg: Path, own_capture: Tuple[Path, list], tmp_path: Path) -> None:
    path, _ = own_capture
    out = tmp_path / "no-such-dir" / "out.pcap"
    proc = run(pkg, "-r", str(path), "-w", str(out))
    assert proc.returncode == 1
    assert proc.stderr.decode().splitlines()[-1] == "libpcap: %s: %s" % (out, os.strerror(2))


# Live capture (-i, -D, no argument) is covered by test_cli_live.py, filter
# expressions (-d, -F, -O and the words after the options) by test_cli_filter.py.
def test_filter_error_is_reported(pkg: Path, own_capture: Tuple[Path, list]) -> None:
    path, _ = own_capture
    proc = run(pkg, "-r", str(path), "tcp", "port", "and")
    assert proc.returncode == 1 and proc.stdout == b""
    last = proc.stderr.decode().splitlines()[-1]
    assert last.startswith("libpcap: can't parse filter expression: syntax error"), last


@pytest.mark.parametrize("args", [["-c", "0", "--sample"], ["-c", "x", "--sample"], ["--sample", "-r", "x"],
                                  ["--time-stamp-precision", "pico", "--sample"], ["--no-such-option"]])
def test_command_line_errors(pkg: Path, args: List[str]) -> None:
    proc = run(pkg, *args)
    assert proc.returncode == 2 and proc.stdout == b""
    assert "usage:" in proc.stderr.decode()


# ---------------------------------------------------------------------------
# Pipes and signals

@pytest.fixture
def big_capture(tmp_path: Path) -> Path:
    frame = _eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_UDP, m.udp(IP_A, IP_B, 1, 2, b"data")))
    path = tmp_path / "big.pcap"
    path.write_bytes(m.pcap_file([(BASE + i * 1000, frame, None) for i in range(50000)]))
    return path


@pytest.mark.parametrize("output", ["text", "pcap"])
def test_closed_pipe_is_quiet(pkg: Path, big_capture: Path, output: str) -> None:
    cli = shlex.join([sys.executable, "-m", "libpcap", "-r", str(big_capture)] + (["-w", "-"] if output == "pcap"
                                                                                 else []))
    reader = "head -n 2" if output == "text" else "head -c 100"
    proc = subprocess.run(["sh", "-c", "%s | %s" % (cli, reader)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=cli_env(pkg), timeout=TIMEOUT)
    stderr = proc.stderr.decode()
    assert stderr.startswith("reading from file") and len(stderr.splitlines()) == 1, stderr
    assert len(proc.stdout) == 100 if output == "pcap" else len(proc.stdout.splitlines()) == 2


def test_ctrl_c_ends_cleanly(pkg: Path, own_capture: Tuple[Path, list]) -> None:
    path, packets = own_capture
    data = path.read_bytes()
    first_record_end = 24 + 16 + len(packets[0][1])
    proc = subprocess.Popen([sys.executable, "-m", "libpcap", "-l", "-r", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(pkg))
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(data[:first_record_end])
        proc.stdin.flush()
        # With -l the line comes out at once; the reader then waits for more.
        ready, _, _ = select.select([proc.stdout], [], [], TIMEOUT)
        assert ready, "no line from the tool"
        first = proc.stdout.readline().decode()
        assert first == "%s %s\n" % (ts_text(packets[0][0]), packets[0][2])
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr.decode()


# ---------------------------------------------------------------------------
# Against tcpdump, where it is installed

def test_same_lines_as_tcpdump(pkg: Path, tmp_path: Path) -> None:
    tcpdump = shutil.which("tcpdump") or ("/usr/sbin/tcpdump" if os.access("/usr/sbin/tcpdump", os.X_OK) else None)
    if tcpdump is None:
        pytest.skip("tcpdump is not installed")
    packets = own_packets()
    cut = [(ts, frame[:k], len(frame)) for ts, frame, _ in packets[:3] for k in (30, 40, 50)]
    captures = {
        "eth.pcap": m.pcap_file(records(packets) + cut),
        "null.pcap": m.pcap_file([(BASE, struct.pack("<I", 2) + f[14:], None) for _, f, _ in packets[:5]],
                                 linktype=0),
    }
    for name, content in captures.items():
        path = tmp_path / name
        path.write_bytes(content)
        theirs = subprocess.run([tcpdump, "-n", "-e", "-S", "-r", str(path)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=cli_env(pkg), timeout=TIMEOUT)
        if theirs.returncode != 0:
            pytest.skip("tcpdump cannot run here: %s" % theirs.stderr.decode()[-200:])
        ours = run(pkg, "-r", str(path))
        # Our lines say the captured length when it differs; tcpdump's do not,
        # and it puts two spaces before a truncation marker.
        mine = [re.sub(r" \(caplen \d+\)", "", line) for line in lines(ours)]
        want = [line.replace("  [|", " [|") for line in theirs.stdout.decode().splitlines()]
        assert mine == want
        assert ours.stderr == theirs.stderr
