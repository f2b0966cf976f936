"""The command-line tool filters like tcpdump.

* ``-d``/``-dd``/``-ddd`` (with ``-O`` and ``-y``) print what the system's
  tcpdump prints for the same expression and link type (in a separate
  process: it links the system libpcap 1.10), for expressions where that
  release and libpcap master compile the same program; and what libpcap
  master's goldens say for a sample of conformance records;
* the expression words are joined with spaces; ``-F FILE`` reads it (``#``
  comments) instead; errors are libpcap's text plus where the parser
  stopped;
* ``-r FILE EXPR`` prints and ``-w`` writes only the packets the filter
  accepts (the same ones tcpdump accepts);
* ``-i IFACE EXPR`` filters a live capture on a veth pair, with the kernel's
  extensions (``inbound``, ``vlan``), and ``-d -i IFACE`` prints the program
  compiled on the live handle, as tcpdump does.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

import pytest

import netns
from conftest import make_sample, package_with, python_env

TIMEOUT = 60
TCPDUMP = shutil.which("tcpdump")
m = make_sample()


@pytest.fixture(scope="module")
def pkg() -> Path:
    return package_with("compile")


def cli_env(pkg: Path) -> dict:
    env = python_env()
    env["PYTHONPATH"] = str(pkg.parent)
    env["TZ"] = "UTC"
    return env


def run(pkg: Path, *args: str, space: Optional[netns.Netns] = None) -> "subprocess.CompletedProcess[str]":
    argv = [sys.executable, "-m", "libpcap", *args]
    if space is not None:
        argv = space.argv(argv)
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=cli_env(pkg), cwd=str(pkg.parent), timeout=TIMEOUT)


def run_here(*args: str) -> "subprocess.CompletedProcess[str]":
    """The tool's main() in this process (many quick -d runs)."""
    from libpcap._cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv
    sys.argv = ["libpcap"]  # the program name in messages
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(list(args))
    finally:
        sys.argv = saved
    return subprocess.CompletedProcess(list(args), rc, out.getvalue(), err.getvalue())


def tcpdump(*args: str, space: Optional[netns.Netns] = None) -> "subprocess.CompletedProcess[str]":
    if TCPDUMP is None:
        pytest.skip("no tcpdump to compare with")
    argv = [TCPDUMP, *args]
    if space is not None:
        argv = space.argv(argv)
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=TIMEOUT)


# ---------------------------------------------------------------------------
# -d, -dd, -ddd against tcpdump

# Expressions libpcap 1.10 (tcpdump's) and master compile alike, optimized
# and not, on the link types below.
SAME_IN_BOTH = ["", "ip", "tcp port 80", "udp or icmp", "arp", "ip6", "len > 100", "icmp6",
                "ip proto 47", "not udp", "greater 1000", "less 64",
                "tcp dst port ftp or ftp-data or domain"]


@pytest.mark.parametrize("dlt", ["EN10MB", "LINUX_SLL", "LINUX_SLL2", "RAW", "NULL"])
@pytest.mark.parametrize("flags", [["-d"], ["-dd"], ["-ddd"], ["-d", "-O"], ["-dd", "-O"],
                                   ["-ddd", "-O"], ["-d", "-d"]])
def test_dump_like_tcpdump(pkg: Path, dlt: str, flags: List[str]) -> None:
    for expr in SAME_IN_BOTH:
        ours = run_here(*flags, "-y", dlt, expr)
        theirs = tcpdump(*flags, "-y", dlt, expr)
        assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout), (dlt, expr)
        # "arp" on RAW: "expression rejects all packets", after the name
        assert ours.stderr == theirs.stderr.replace("tcpdump: ", "libpcap: "), (dlt, expr)


def test_dump_without_link_type_assumes_ethernet(pkg: Path) -> None:
    ours, theirs = run(pkg, "-d", "tcp", "port", "80"), tcpdump("-d", "tcp", "port", "80")
    assert ours.stdout == theirs.stdout
    assert ours.stderr == theirs.stderr == "Warning: assuming Ethernet\n"
    # The words make one expression, as one quoted argument does.
    assert run(pkg, "-d", "tcp port 80").stdout == ours.stdout
    # -s: the snapshot length of the dead handle.
    ours, theirs = run(pkg, "-ddd", "-s", "100", "udp"), tcpdump("-ddd", "-s", "100", "udp")
    assert ours.stdout == theirs.stdout and "6 0 0 100\n" in ours.stdout


def test_dump_matches_master_goldens(pkg: Path, shared_dir: Path) -> None:
    """A sample of libpcap master's records through -d, -O, -y and -s."""
    picked = []
    with open(shared_dir / "conformance" / "filter" / "accept.jsonl") as f:
        for line in f:
            r = json.loads(line)
            if (r.get("expected") and not r.get("needs") and not r["linuxext"] and
                    not r["offline_af"] and not r.get("skip_if") and r["netmask"] is None and
                    r["dlt"] in ("EN10MB", "LINUX_SLL", "RAW", "PPP") and not r.get("special")):
                picked.append(r)
    picked = picked[::max(1, len(picked) // 25)]
    bad = []
    for r in picked:
        args = ["-d", "-y", r["dlt"], "-s", str(r["snaplen"] or 262144)]
        if not r["optimize"]:
            args.append("-O")
        proc = run_here(*args, r["expr"])
        if proc.stdout != r["expected"]:
            bad.append(r["id"])
    print("goldens through the CLI: %d/%d" % (len(picked) - len(bad), len(picked)))
    assert not bad, bad


def test_filter_file(pkg: Path, tmp_path: Path) -> None:
    path = tmp_path / "filter.txt"
    path.write_text("udp # the first line\n  and port 53 # comments end at the line's end\n")
    want = tcpdump("-d", "-F", str(path)).stdout
    assert run(pkg, "-d", "-F", str(path)).stdout == want
    # -F wins over the words, as in tcpdump.
    assert run(pkg, "-d", "-F", str(path), "tcp").stdout == want
    assert run(pkg, "-d", "udp and port 53").stdout == want
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert run(pkg, "-d", "-F", str(empty)).stdout == "(000) ret      #262144\n"
    proc = run(pkg, "-d", "-F", str(tmp_path / "missing"))
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.splitlines()[-1] == "libpcap: can't open %s: No such file or directory" % (
        tmp_path / "missing")


def test_errors_say_where(pkg: Path) -> None:
    proc = run(pkg, "-d", "tcp", "port", "80", "and", "and")
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.splitlines() == [
        "Warning: assuming Ethernet",
        "libpcap: can't parse filter expression: syntax error at offset 16 near 'and'"]
    proc = run(pkg, "-d", "-y", "EN10MB", "inbound")
    assert proc.returncode == 1
    assert proc.stderr.startswith("libpcap: ") and "inbound" in proc.stderr


# ---------------------------------------------------------------------------
# Reading a file

IP_A, IP_B = "10.2.0.1", "10.2.0.2"


def _frames() -> List[bytes]:
    def eth(etype: int, payload: bytes) -> bytes:
        return m.ethernet("02:00:00:00:00:0b", "02:00:00:00:00:0a", etype, payload)

    out = []
    for i in range(12):
        if i % 3 == 0:
            out.append(eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_UDP, m.udp(IP_A, IP_B, 999, 53, b"x"))))
        elif i % 3 == 1:
            out.append(eth(m.ETH_IPV4, m.ipv4(IP_A, IP_B, m.PROTO_TCP,
                                              m.tcp(IP_A, IP_B, 40000 + i, 80, i, 0, 0x02))))
        else:
            out.append(eth(m.ETH_ARP, m.arp(1, "02:00:00:00:00:0a", IP_A, "00:00:00:00:00:00", IP_B)))
    return out


@pytest.fixture
def capture(tmp_path: Path) -> Path:
    path = tmp_path / "mixed.pcap"
    path.write_bytes(m.pcap_file([(1_600_000_000_000_000_000 + i * 1000, f, None)
                                  for i, f in enumerate(_frames())]))
    return path


@pytest.mark.parametrize("expr", [["udp"], ["tcp", "port", "80"], ["arp", "or", "udp"], ["not", "ip"],
                                  ["tcp[13]", "&", "2", "!=", "0"], ["ip", "broadcast"]])
def test_reading_a_file_filters_like_tcpdump(pkg: Path, capture: Path, expr: List[str]) -> None:
    ours = run(pkg, "-r", str(capture), *expr)
    theirs = tcpdump("-n", "-r", str(capture), *expr)
    assert ours.returncode == theirs.returncode == 0, ours.stderr
    assert len(ours.stdout.splitlines()) == len(theirs.stdout.splitlines())
    assert ours.stderr.startswith("reading from file")
    # Against the unfiltered listing: the lines of the packets it accepts.
    every = run(pkg, "-r", str(capture)).stdout.splitlines()
    times = {line.split()[0] for line in theirs.stdout.splitlines()}
    assert ours.stdout.splitlines() == [line for line in every if line.split()[0] in times]


def test_reading_with_a_filter_writes_and_dumps(pkg: Path, capture: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.pcap"
    proc = run(pkg, "-r", str(capture), "-w", str(out), "arp")
    assert proc.returncode == 0, proc.stderr
    assert len(tcpdump("-n", "-r", str(out)).stdout.splitlines()) == 4
    # -d with -r: the file's link type; -y does not apply to a file.
    ours = run(pkg, "-d", "-r", str(capture), "-y", "LINUX_SLL", "udp")
    theirs = tcpdump("-d", "-r", str(capture), "-y", "LINUX_SLL", "udp")
    assert ours.stdout == theirs.stdout
    assert ours.stderr.startswith("reading from file")
    proc = run(pkg, "-r", str(capture), "udp", "or", "or")
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.splitlines()[-1] == (
        "libpcap: can't parse filter expression: syntax error at offset 7 near 'or'")


# ---------------------------------------------------------------------------
# Live capture (netns, veth)

MAC_A, MAC_B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"


def test_dump_on_a_live_interface_like_tcpdump(ns: netns.Netns, pkg: Path) -> None:
    for expr in (["inbound"], ["outbound", "and", "ip"], ["ifindex", "3"], ["tcp", "port", "80"]):
        ours = run(pkg, "-d", "-i", ns.b, *expr, space=ns)
        theirs = tcpdump("-d", "-i", ns.b, *expr, space=ns)
        assert ours.returncode == 0, ours.stderr
        assert ours.stdout == theirs.stdout, expr
    # master loads the VLAN tag as a halfword (tcpdump's 1.10: a byte)
    vlan = run(pkg, "-d", "-i", ns.b, "vlan", "10", space=ns).stdout
    assert "[vlanp]" in vlan and "ldh      [vlan_tci]" in vlan


def test_live_capture_filters(ns: netns.Netns, pkg: Path) -> None:
    def udp(i: int, vid: Optional[int] = None) -> bytes:
        inner = m.ipv4(IP_A, IP_B, m.PROTO_UDP, m.udp(IP_A, IP_B, 7, 9, struct.pack("!I", i)))
        if vid is None:
            return m.ethernet(MAC_B, MAC_A, m.ETH_IPV4, inner)
        return m.ethernet(MAC_B, MAC_A, m.ETH_VLAN, m.vlan_tag(vid, m.ETH_IPV4) + inner)

    sent = [udp(0), udp(1, vid=10), udp(2), udp(3, vid=20), udp(4, vid=10)]
    tools = {}
    for name, expr in (("vlan10", ["vlan", "10"]), ("plain", ["not", "vlan"]),
                       ("inbound", ["inbound", "and", "udp", "port", "9"])):
        argv = [sys.executable, "-m", "libpcap", "-i", ns.b, "-l", "-c",
                "2" if name != "inbound" else "5", *expr]
        tools[name] = subprocess.Popen(ns.argv(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True, env=cli_env(pkg), cwd=str(pkg.parent))
    try:
        # Wait for the three "listening on" lines before sending.
        for proc in tools.values():
            line = proc.stderr.readline()
            assert "listening on" in line, line + proc.stderr.read()
        assert ns.send(ns.a, sent) == len(sent)
        outs = {name: proc.communicate(timeout=TIMEOUT)[0] for name, proc in tools.items()}
    finally:
        for proc in tools.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert len(outs["vlan10"].splitlines()) == 2
    assert all("vlan 10" in line for line in outs["vlan10"].splitlines()), outs["vlan10"]
    assert len(outs["plain"].splitlines()) == 2
    assert not any("vlan" in line for line in outs["plain"].splitlines()), outs["plain"]
    assert len(outs["inbound"].splitlines()) == 5
