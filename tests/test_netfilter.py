"""Capture from the Linux netfilter sources, nflog[:GROUPS] and
nfqueue[:QUEUES], in network namespaces the tests build.

Each test makes its own namespace (tests/netns.py) with nftables rules
that log UDP to port 9999 to nflog groups 5, 6 and 7 (queue-threshold 1:
no batching delay), and iptables rules that queue UDP to port 9998 to
queues 2, 3 and 4 (in the raw, mangle and filter tables: an accepted
packet goes on to the next queue).  One listener may own a group or a
queue, so the listeners being compared each take their own: the same
packets reach all of them at the same time.  Traffic is UDP sent inside
the namespace, received there too (for nfqueue: proof that every packet
got its verdict).

Compared side by side, on the same packets: our core through the C API
(tests/oracle/live_oracle.c built with our sources, as in test_live_c.py)
with the same driver built against the system libpcap and with tcpdump;
the compatibility layer (open_live / next_ex through ctypes), the native
API (Capture) and the CLI (-i nflog:N -w FILE, -D) with tcpdump.  Records
are the same bytes except the resource id of nflog records (bytes 2-3,
the group, big-endian) and the time stamps.  Also: activation errors,
a group another socket owns, no CAP_NET_ADMIN, inject refused, breakloop,
stats, traffic still flowing through nfqueue.

libpcap's own read blocks in recv() whatever the timeout, and ignores
pcap_breakloop from another thread: the oracle is never asked to do that.
"""
from __future__ import annotations

import ctypes as ct
import json
import os
import shutil
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import pytest

import netns
from _livetools import inside
from conftest import child_env
from test_live_c import Run, _build_oracle, _build_ours, compile_expr

DLT_NFLOG, DLT_IPV4 = 239, 228
LOG_PORT, QUEUE_PORT, PING_QUEUE = 9999, 9998, 8
TIMEOUT = 30
SIZES = (6, 100, 1400)

_SENDER = r"""
import socket, sys
port, sizes = int(sys.argv[1]), [int(x) for x in sys.argv[2].split(",")]
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r.bind(("127.0.0.1", port))
r.settimeout(5)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i, n in enumerate(sizes):
    s.sendto(bytes((i * 31 + k) & 0xff for k in range(n)), ("127.0.0.1", port))
got = 0
try:
    for _ in sizes:
        r.recv(65536)
        got += 1
except OSError:
    pass
print(got)
"""

# An ICMP echo to 127.0.0.1 over a raw socket (no ping binary needed):
# prints 1 when the reply came.
_PINGER = r"""
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.settimeout(5)
body = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + b"nfqueue!"
csum = sum(struct.unpack("!%dH" % (len(body) // 2), body + b"\0" * (len(body) % 2)))
csum = (csum >> 16) + (csum & 0xffff)
csum = ~(csum + (csum >> 16)) & 0xffff
s.sendto(body[:2] + struct.pack("!H", csum) + body[4:], ("127.0.0.1", 0))
got = 0
end = time.monotonic() + 5
try:
    while time.monotonic() < end:
        pkt = s.recv(2048)
        if pkt[20] == 0 and pkt[24:26] == b"\x12\x34":
            got = 1
            break
except OSError:
    pass
print(got)
"""


def _skip_reason() -> Optional[str]:
    reason = netns.skip_reason()
    if reason:
        return reason
    for tool in ("nft", "iptables"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install nftables iptables)"
    for name in ("nfnetlink_log", "nfnetlink_queue"):
        if not os.path.exists(f"/proc/net/netfilter/{name}"):
            return f"the kernel has no {name}"
    return None


@pytest.fixture(scope="module")
def bins(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Optional[Path]]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("nf")
    return {"ours": _build_ours(out), "oracle": _build_oracle(out)}


@pytest.fixture
def ours(bins: Dict[str, Optional[Path]]) -> Path:
    assert bins["ours"] is not None
    return bins["ours"]


@pytest.fixture
def oracle(bins: Dict[str, Optional[Path]]) -> Path:
    if bins["oracle"] is None:
        pytest.skip("system libpcap (libpcap-dev) missing: no oracle")
    return bins["oracle"]


def tcpdump() -> str:
    path = shutil.which("tcpdump")
    if path is None:
        pytest.skip("tcpdump is not installed")
    return path


@pytest.fixture
def space() -> Iterator[netns.Netns]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    with netns.Netns(veth=False) as ns:
        ns.run(["ip", "link", "set", "lo", "up"])
        ns.run(["nft", "add", "table", "inet", "t"])
        ns.run(["nft", "add", "chain", "inet", "t", "c",
                "{ type filter hook output priority 0; }"])
        for group in (5, 6, 7):
            ns.run(["nft", "add", "rule", "inet", "t", "c", "udp", "dport", str(LOG_PORT),
                    "log", "group", str(group), "queue-threshold", "1"])
        for table, queue in (("raw", 2), ("mangle", 3), ("filter", 4)):
            ns.run(["iptables", "-t", table, "-A", "OUTPUT", "-p", "udp", "--dport",
                    str(QUEUE_PORT), "-j", "NFQUEUE", "--queue-num", str(queue),
                    "--queue-bypass"])
        # No bypass here: without verdicts the ping gets no answer.
        ns.run(["iptables", "-t", "filter", "-A", "OUTPUT", "-p", "icmp", "-j", "NFQUEUE",
                "--queue-num", str(PING_QUEUE)])
        yield ns


# --------------------------------------------------------------------------
# Helpers


def bound(space: netns.Netns, kind: str, numbers: Sequence[int], timeout: float = 10) -> None:
    """Wait until a listener owns each group (nflog) or queue (nfqueue)."""
    path = "/proc/net/netfilter/" + ("nfnetlink_log" if kind == "nflog" else "nfnetlink_queue")
    end = time.monotonic() + timeout
    while True:
        text = space.run(["cat", path]).stdout
        have = {int(line.split()[0]) for line in text.splitlines() if line.strip()}
        if set(numbers) <= have:
            return
        if time.monotonic() > end:
            raise AssertionError(f"{kind} {numbers} not bound: {text!r}")
        time.sleep(0.05)


def send(space: netns.Netns, port: int, sizes: Sequence[int] = SIZES) -> int:
    """Send UDP datagrams to 127.0.0.1:port; how many were received."""
    proc = space.run([sys.executable, "-c", _SENDER, str(port), ",".join(map(str, sizes))],
                     timeout=TIMEOUT)
    return int(proc.stdout.strip())


def masked(rec: bytes) -> bytes:
    """An NFLOG record without its resource id (the group)."""
    return rec[:2] + b"\0\0" + rec[4:]


def read_pcap(path: Path) -> Tuple[int, List[Tuple[int, int, bytes]]]:
    """(linktype, [(caplen, len, data)]) of a little- or big-endian pcap."""
    raw = path.read_bytes()
    end = "<" if raw[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    linktype = struct.unpack(end + "I", raw[20:24])[0]
    out, off = [], 24
    while off + 16 <= len(raw):
        _, _, caplen, length = struct.unpack(end + "IIII", raw[off:off + 16])
        out.append((caplen, length, raw[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return linktype, out


class Dump:
    """tcpdump on a netfilter device, writing a file."""

    def __init__(self, space: netns.Netns, dev: str, out: Path, count: int,
                 extra: Sequence[str] = ()) -> None:
        self.out = out
        self.proc = space.popen([tcpdump(), "-Z", "root", "-i", dev, "-U", "-w", str(out),
                                 "-c", str(count), *extra])

    def finish(self) -> List[Tuple[int, int, bytes]]:
        try:
            _, err = self.proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
            raise AssertionError(f"tcpdump timed out: {err}")
        assert self.proc.returncode == 0, err
        return read_pcap(self.out)[1]


def records(run: Run) -> List[Tuple[int, int, bytes]]:
    return [(r["caplen"], r["len"], bytes.fromhex(r["data"])) for r in run.packets]


def udp_payloads(recs: Sequence[bytes], nflog: bool) -> List[int]:
    """The UDP payload length of each record (NFLOG: after the TLVs)."""
    out = []
    for rec in recs:
        ip = rec
        if nflog:
            off = 4
            while off + 4 <= len(rec):
                length, typ = struct.unpack("=HH", rec[off:off + 4])
                if typ == 9:
                    ip = rec[off + 4:off + length]
                    break
                off += (length + 3) & ~3
        out.append(struct.unpack("!H", ip[24:26])[0] - 8)
    return out


# --------------------------------------------------------------------------
# The C API, side by side with libpcap and tcpdump


HEADER_KEYS = ("created", "can_set_rfmon", "tstamp_types", "datalink_before", "status",
               "error", "datalink", "datalinks", "snapshot", "precision", "selectable",
               "nonblock", "set_datalink", "set_datalink_error", "datalink_after")


@pytest.mark.parametrize("args", [(), ("-s", "100"), ("-y", "IPV4"), ("-n",)],
                         ids=["default", "snaplen", "ipv4", "nano"])
def test_nflog_matches_libpcap_and_tcpdump(space: netns.Netns, ours: Path, oracle: Path,
                                           tmp_path: Path, args: Sequence[str]) -> None:
    ref = Dump(space, "nflog:7", tmp_path / "ref.pcap", len(SIZES),
               ["-s", "100"] if "-s" in args else ["-y", "IPV4"] if "-y" in args else [])
    theirs = Run(space, oracle, ["capture", "nflog:5", "-c", str(len(SIZES)), *args])
    mine = Run(space, ours, ["capture", "nflog:6", "-c", str(len(SIZES)), *args])
    assert theirs.ready and mine.ready, (theirs.header, mine.header)
    bound(space, "nflog", [5, 6, 7])
    assert send(space, LOG_PORT) == len(SIZES)
    mine.finish()
    theirs.finish()
    dumped = ref.finish()

    for key in HEADER_KEYS:
        assert mine.header.get(key) == theirs.header.get(key), key
    want_dlt = DLT_IPV4 if "-y" in args else DLT_NFLOG
    assert mine.header.get("datalink_after", mine.header["datalink"]) == want_dlt
    assert mine.header["datalinks"] == [DLT_NFLOG, DLT_IPV4]
    got, exp = records(mine), records(theirs)
    assert len(got) == len(exp) == len(dumped) == len(SIZES)
    nflog = want_dlt == DLT_NFLOG
    fix = masked if nflog else (lambda b: b)
    for g, e, d in zip(got, exp, dumped):
        assert (g[0], g[1], fix(g[2])) == (e[0], e[1], fix(e[2])) == (d[0], d[1], fix(d[2]))
        if nflog:
            assert g[2][2:4] == b"\x00\x06" and e[2][2:4] == b"\x00\x05"
    if "-s" not in args:
        assert udp_payloads([g[2] for g in got], nflog) == list(SIZES)
    else:
        assert all(len(g[2]) <= (100 + 48 if nflog else 100) for g in got)
    end_m, end_t = mine.records[-1], theirs.records[-1]
    assert (end_m["recv"], end_m["drop"], end_m["ifdrop"]) == \
           (end_t["recv"], end_t["drop"], end_t["ifdrop"]) == (len(SIZES), 0, 0)


def test_nfqueue_matches_libpcap_and_tcpdump(space: netns.Netns, ours: Path, oracle: Path,
                                             tmp_path: Path) -> None:
    ref = Dump(space, "nfqueue:2", tmp_path / "ref.pcap", len(SIZES))
    mine = Run(space, ours, ["capture", "nfqueue:3", "-c", str(len(SIZES))])
    theirs = Run(space, oracle, ["capture", "nfqueue:4", "-c", str(len(SIZES))])
    assert theirs.ready and mine.ready, (theirs.header, mine.header)
    bound(space, "nfqueue", [2, 3, 4])
    # Every datagram arrives: each of the three listeners accepted it.
    assert send(space, QUEUE_PORT) == len(SIZES)
    mine.finish()
    theirs.finish()
    dumped = ref.finish()
    for key in HEADER_KEYS:
        assert mine.header.get(key) == theirs.header.get(key), key
    assert mine.header["datalink"] == DLT_IPV4 and mine.header["datalinks"] == [DLT_IPV4]
    got, exp = records(mine), records(theirs)
    assert got == exp == dumped
    assert udp_payloads([g[2] for g in got], False) == list(SIZES)
    assert mine.records[-1]["recv"] == theirs.records[-1]["recv"] == len(SIZES)


@pytest.mark.parametrize("dev,dlt,expr", [
    ("nfqueue:{}", "IPV4", "greater 200"),
    # DLT_NFLOG: libpcap compiles link[] tests only; byte 1 is the version.
    ("nflog:{}", "NFLOG", "link[1] = 0 and len > 200"),
])
def test_userland_filter_and_stats(space: netns.Netns, ours: Path, oracle: Path,
                                   tmp_path: Path, dev: str, dlt: str, expr: str) -> None:
    prog = compile_expr(oracle, tmp_path / "prog", dlt, expr)
    nums = (3, 4) if dev.startswith("nfqueue") else (6, 5)
    mine = Run(space, ours, ["capture", dev.format(nums[0]), "-F", str(prog), "-c", "1"])
    theirs = Run(space, oracle, ["capture", dev.format(nums[1]), "-F", str(prog), "-c", "1"])
    assert mine.ready and theirs.ready, (mine.header, theirs.header)
    assert mine.header["setfilter"] == theirs.header["setfilter"] == 0
    bound(space, dev.split(":")[0], nums)
    # Everything is accepted, filtered out or not.
    assert send(space, QUEUE_PORT if dev.startswith("nfqueue") else LOG_PORT) == len(SIZES)
    mine.finish()
    theirs.finish()
    got, exp = records(mine), records(theirs)
    assert len(got) == len(exp) == 1
    if dlt == "NFLOG":
        got, exp = [(c, l, masked(d)) for c, l, d in got], [(c, l, masked(d)) for c, l, d in exp]
    assert got == exp
    # ps_recv counts what passed the filter.
    assert mine.records[-1]["recv"] == theirs.records[-1]["recv"] == 1


def test_drops_when_the_socket_overflows(space: netns.Netns, ours: Path,
                                         oracle: Path) -> None:
    # A small receive buffer and a reader that stalls: the kernel's
    # messages no longer fit, recv() says ENOBUFS, and both count it in
    # ps_drop (libpcap's count of those errors).
    sizes = [1000] * 60
    runs = [Run(space, exe, ["capture", dev, "-B", "4096", "-S", "1500", "-w", "3000", "-q"])
            for exe, dev in ((ours, "nflog:6"), (oracle, "nflog:5"))]
    assert all(r.ready for r in runs), [r.header for r in runs]
    bound(space, "nflog", [5, 6])
    send(space, LOG_PORT, sizes)
    for r in runs:
        r.finish()
    for r in runs:
        end = r.records[-1]
        assert end["drop"] > 0, end
        assert 0 < end["recv"] == end["seen"] < len(sizes), end


def test_nfqueue_verdicts_let_ping_through(space: netns.Netns, ours: Path) -> None:
    mine = Run(space, ours, ["capture", f"nfqueue:{PING_QUEUE}", "-c", "2"])
    assert mine.ready, mine.header
    bound(space, "nfqueue", [PING_QUEUE])
    ping = space.run([sys.executable, "-c", _PINGER], timeout=TIMEOUT)
    mine.finish()
    assert ping.stdout.strip() == "1", ping.stderr
    kinds = [bytes.fromhex(r["data"])[20] for r in mine.packets]
    assert kinds == [8, 0]      # echo request, echo reply
    # Nothing is left waiting for a verdict.
    text = space.run(["cat", "/proc/net/netfilter/nfnetlink_queue"]).stdout
    assert all(line.split()[2] == "0" for line in text.splitlines() if line.strip())


@pytest.mark.parametrize("dev", ["nflog:5", "nfqueue:3"])
def test_breakloop_from_another_thread(space: netns.Netns, ours: Path, dev: str) -> None:
    # libpcap stays blocked in recv() here; ours wakes at once.
    mine = Run(space, ours, ["capture", dev, "-b", "300"])
    assert mine.ready, mine.header
    mine.finish()
    brk = [r for r in mine.records if "break_rc" in r][0]
    assert brk["break_rc"] == -2
    assert brk["break_latency_us"] < 1e6
    assert mine.records[-1]["recv"] == 0


def test_nonblocking_read_returns_zero(space: netns.Netns, ours: Path) -> None:
    # libpcap answers PCAP_ERROR (EAGAIN) here; pcap_setnonblock says 0.
    mine = Run(space, ours, ["capture", "nflog:5", "-N", "-w", "300"])
    assert mine.ready, mine.header
    mine.finish()
    assert mine.header["nonblock_now"] == 1
    end = mine.records[-1]
    assert end["rc"] == 0 and end["zero_returns"] > 0 and end["seen"] == 0


# --------------------------------------------------------------------------
# Errors


ERROR_DEVICES = [
    ("nflog:abc", ()), ("nflog:70000", ()), ("nfqueue:-1", ()), ("nflog:5x", ()),
    ("nflog:" + ",".join(str(i) for i in range(33)), ()), ("nflogx", ()),
    ("nflog:,8,", ()), ("nfqueue:", ()), ("nflog:9", ("-r",)), ("nfqueue:9", ("-O",)),
    ("nflog:abc", ("-O",)), ("nfqueue:0x10,011", ("-B", "100000")),
]


@pytest.mark.parametrize("dev,args", ERROR_DEVICES)
def test_activation_matches_libpcap(space: netns.Netns, ours: Path, oracle: Path,
                                    dev: str, args: Sequence[str]) -> None:
    got = json.loads(space.run([str(ours), "info", dev, *args]).stdout.splitlines()[0])
    exp = json.loads(space.run([str(oracle), "info", dev, *args]).stdout.splitlines()[0])
    assert got == exp


def test_group_owned_by_another_listener(space: netns.Netns, ours: Path, oracle: Path) -> None:
    text = "Can't listen on group index: Operation not permitted"
    for holder, other in ((ours, oracle), (oracle, ours)):
        for dev in ("nflog:5", "nfqueue:3"):
            held = Run(space, holder, ["capture", dev, "-w", "1500"])
            assert held.ready, held.header
            rec = json.loads(space.run([str(other), "info", dev]).stdout.splitlines()[0])
            held.finish()
            assert (rec["status"], rec["error"]) == (-1, text), (holder.name, dev)


def test_without_cap_net_admin(space: netns.Netns, ours: Path, oracle: Path) -> None:
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is not installed")
    for dev in ("nflog:5", "nfqueue:3"):
        out = []
        for exe in (ours, oracle):
            proc = space.run([setpriv, "--bounding-set=-net_admin", str(exe), "info", dev])
            out.append(json.loads(proc.stdout.splitlines()[0]))
        assert out[0] == out[1]
        assert out[0]["status"] == -1 and out[0]["error"].endswith(
            "_CFG_CMD_PF_UNBIND: Operation not permitted")


def test_inject_refused(space: netns.Netns, ours: Path, oracle: Path) -> None:
    frame = "45000014000000004011000000000000000000000000"
    for dev in ("nflog:5", "nfqueue:3"):
        got = space.run([str(ours), "inject", dev], input=frame + "\n").stdout.splitlines()
        exp = space.run([str(oracle), "inject", dev], input=frame + "\n").stdout.splitlines()
        # (pcap_sendpacket of 0 bytes: 1.10.3 appends ": Success" to its
        # message, master not; that is the core's, not this source's.)
        g, e = json.loads(got[1]), json.loads(exp[1])
        assert (g["inject"], g["error"], g["sendpacket_zero"]) == \
               (e["inject"], e["error"], e["sendpacket_zero"])
        assert g["error"] == \
            "Packet injection is not supported on netfilter devices"


# --------------------------------------------------------------------------
# The Python layers and the CLI, side by side with tcpdump


def test_compat_layer_nflog(space: netns.Netns, tmp_path: Path) -> None:
    import libpcap as pcap
    ref = Dump(space, "nflog:5", tmp_path / "ref.pcap", len(SIZES))
    err = ct.create_string_buffer(pcap.PCAP_ERRBUF_SIZE)
    with inside(space):
        pd = pcap.open_live(b"nflog:6", 65535, 0, 100, err)
    assert pd, err.value
    try:
        assert pcap.datalink(pd) == DLT_NFLOG
        assert pcap.get_selectable_fd(pd) >= 0
        bound(space, "nflog", [5, 6])
        assert send(space, LOG_PORT) == len(SIZES)
        # A read that never comes back would hang the test: break it.
        guard = threading.Timer(TIMEOUT, pcap.breakloop, (pd,))
        guard.start()
        got = []
        hdr = ct.POINTER(pcap.pkthdr)()
        data = ct.POINTER(ct.c_ubyte)()
        try:
            while len(got) < len(SIZES):
                rc = pcap.next_ex(pd, ct.byref(hdr), ct.byref(data))
                assert rc in (0, 1), pcap.geterr(pd)
                if rc == 1:
                    n = hdr[0].caplen
                    got.append((n, hdr[0].len, bytes(data[:n])))
        finally:
            guard.cancel()
        st = pcap.stat()
        assert pcap.stats(pd, ct.byref(st)) == 0
        assert (st.ps_recv, st.ps_drop) == (len(SIZES), 0)
        assert pcap.inject(pd, b"x" * 20, 20) == -1
        assert pcap.geterr(pd) == b"Packet injection is not supported on netfilter devices"
    finally:
        pcap.close(pd)
    dumped = ref.finish()
    assert [(c, l, masked(d)) for c, l, d in got] == [(c, l, masked(d)) for c, l, d in dumped]


def test_native_api_nfqueue(space: netns.Netns, tmp_path: Path) -> None:
    import libpcap
    ref = Dump(space, "nfqueue:4", tmp_path / "ref.pcap", len(SIZES))
    with inside(space):
        cap = libpcap.Capture("nfqueue:3")
    with cap:
        assert cap.datalink == DLT_IPV4 and cap.datalinks == [DLT_IPV4]
        assert cap.device == "nfqueue:3"
        bound(space, "nfqueue", [3, 4])
        # The sender waits for its datagrams, which wait for our verdicts.
        sent: List[int] = []
        sender = threading.Thread(target=lambda: sent.append(send(space, QUEUE_PORT)))
        sender.start()
        got: List[Any] = []
        end = time.monotonic() + TIMEOUT
        while len(got) < len(SIZES) and time.monotonic() < end:
            got.extend(cap.read(timeout=1.0))
        sender.join(TIMEOUT)
        assert sent == [len(SIZES)]
        assert cap.stats()[0] == len(SIZES)
        # stop() from another thread ends a read that waits.
        threading.Timer(0.2, cap.stop).start()
        t0 = time.monotonic()
        assert cap.read(timeout=10) == []
        assert time.monotonic() - t0 < 5
    dumped = ref.finish()
    assert [(len(bytes(p)), bytes(p)) for p in got] == [(c, d) for c, _, d in dumped]


def cli(space: netns.Netns, *args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(space.argv([sys.executable, "-m", "libpcap", *args]),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=child_env(), timeout=TIMEOUT)


def test_cli_nflog_and_device_list(space: netns.Netns, tmp_path: Path) -> None:
    ref = Dump(space, "nflog:5", tmp_path / "ref.pcap", len(SIZES))
    proc = subprocess.Popen(space.argv([sys.executable, "-m", "libpcap", "-i", "nflog:6",
                                        "-w", str(tmp_path / "ours.pcap"), "-c",
                                        str(len(SIZES))]),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=child_env())
    try:
        bound(space, "nflog", [5, 6])
        assert send(space, LOG_PORT) == len(SIZES)
        _, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "listening on nflog:6, link-type NFLOG" in err
    dumped = ref.finish()
    linktype, mine = read_pcap(tmp_path / "ours.pcap")
    assert linktype == DLT_NFLOG
    assert [(c, l, masked(d)) for c, l, d in mine] == [(c, l, masked(d)) for c, l, d in dumped]

    # Printed as tcpdump -e prints NFLOG records (after the time stamp).
    def lines(argv: List[str]) -> List[str]:
        out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                             env=child_env(), timeout=TIMEOUT).stdout
        return [line.split(" ", 1)[1] for line in out.splitlines()]
    ours_text = lines([sys.executable, "-m", "libpcap", "-n", "-r", str(ref.out)])
    assert ours_text == lines([tcpdump(), "-n", "-e", "-r", str(ref.out)])
    assert len(ours_text) == len(SIZES) and "resource ID 5, family IPv4 (2)" in ours_text[0]

    # -D: the same two entries as tcpdump's, in the same order.
    def entries(text: str) -> List[str]:
        names = [line.split(".", 1)[1] for line in text.splitlines()]
        return [n for n in names if n.split(" ", 1)[0] in ("nflog", "nfqueue")]
    listed = cli(space, "-D")
    assert listed.returncode == 0, listed.stderr
    theirs = space.run([tcpdump(), "-D"]).stdout
    assert entries(listed.stdout) == entries(theirs) == [
        "nflog (Linux netfilter log (NFLOG) interface) [none]",
        "nfqueue (Linux netfilter queue (NFQUEUE) interface) [none]"]
