"""Level 2 (``optimize=2``, ``-O2``): our optimizer, opt-in.

The contract: the program accepts exactly the packets the unoptimized
program accepts, with the same return value, short packets included; lists
of ports and nets come out at least 3x shorter than libpcap's level 1 from
64 terms on, and host and port lists of 64 terms or more take a number of
comparisons per packet that grows with log N, not N.  Levels 0 and 1 are
untouched (the conformance and differential suites hold them to master).

Three checks of "the same packets":
  * the generated expressions of the part-1 differential (every part-1 link
    type, two netmasks) on its generated packets, whole and truncated;
  * crafted packets: the unoptimized program is walked (tests/_bpf_walk.py)
    on a packet, and each field it loaded is set, in turn, to each constant
    the program compared it with (and its neighbours), and the packet cut
    at each field's end; repeated from the packets so made, so that paths
    deep in the program are reached; both programs run on every packet;
  * both of the above fail on a deliberately wrong level-2 program.
"""
from __future__ import annotations

import math
import random
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Sequence, Tuple

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import libpcap  # noqa: E402
from libpcap import _libpcap as native  # noqa: E402

from _bpf_walk import Unsupported, walk  # noqa: E402
import test_compile_differential as diff  # noqa: E402

SEED = 20261203
Insns = List[Tuple[int, int, int, int]]


def level(expr: str, dlt: int, opt: int, mask=None) -> Insns:
    return native.compile(expr, dlt, optimize=opt, netmask=mask).instructions


def flip_first_branch(insns: Insns) -> Insns:
    """A wrong program: the first conditional jump's exits swapped."""
    out = list(insns)
    for i, (code, jt, jf, k) in enumerate(out):
        if code & 0x07 == 0x05 and code & 0xF0 != 0x00:
            out[i] = (code, jf, jt, k)
            break
    return out


def as_filter(insns: Insns) -> "native.Filter":
    return native.Filter(insns)


# ---- crafted packets --------------------------------------------------------

def crafted(programs: Sequence[Insns], seeds: Sequence[Tuple[bytes, int]],
            rng: random.Random, limit: int = 400) -> Iterator[Tuple[bytes, int]]:
    """Packets that steer the programs down their branches (see the module
    text): each packet is walked by every program, and each field a walk
    loaded is set to the constants that walk compared it with."""
    seen = set()
    queue = list(seeds)
    while queue and len(seen) < limit:
        # a random one next (the seeds first)
        i = rng.randrange(len(queue)) if len(seen) >= len(seeds) else 0
        queue[i], queue[-1] = queue[-1], queue[i]
        pkt, wire = queue.pop()
        if (pkt, wire) in seen:
            continue
        seen.add((pkt, wire))
        yield pkt, wire
        for insns in programs:
            try:
                w = walk(insns, pkt, wire)
            except Unsupported:
                continue
            for off, size, consts in w.loads:
                queue.append((pkt[:off + size - 1], wire))      # one byte short
                for c in consts[:6]:
                    for v in (c, c + 1, c - 1, rng.getrandbits(32)):
                        v &= (1 << (8 * size)) - 1
                        b = bytearray(pkt)
                        if len(b) < off + size:
                            b.extend(bytes(off + size - len(b)))
                        b[off:off + size] = v.to_bytes(size, "big")
                        queue.append((bytes(b), max(wire, len(b))))


def crafted_for(programs: Sequence[Insns], traffic: Sequence[Tuple[bytes, int]],
                rng: random.Random, limit: int = 2000) -> List[Tuple[bytes, int]]:
    """The crafted packets both checks use: from 8 packets of the link
    type, at most limit."""
    return list(crafted(programs, rng.sample(list(traffic), 8), rng, limit))


def disagreements(p0: Insns, p2: Insns, packets: Sequence[Tuple[bytes, int]]) -> List[str]:
    f0, f2 = as_filter(p0), as_filter(p2)
    bad = []
    for pkt, wire in packets:
        a, b = f0.match(pkt, wire), f2.match(pkt, wire)
        if a != b:
            bad.append(f"{pkt.hex()} wire {wire}: unoptimized {a}, level 2 {b}")
    return bad


# ---- the generated expressions ---------------------------------------------

def generated_cases(count: int, seed: int) -> Iterator[Tuple[str, int, object]]:
    rng = random.Random(seed)
    gen = diff.ExprGen(rng)
    dlts = sorted(diff.DLTS.values())
    for _ in range(count):
        expr = gen.expr()
        dlt = rng.choice(dlts) if rng.random() < 0.6 else diff.DLTS["EN10MB"]
        mask = rng.choice([None, None, "255.255.255.0", "255.255.0.0"])
        yield expr, dlt, mask


@pytest.fixture(scope="module")
def traffic() -> Dict[int, List[Tuple[bytes, int]]]:
    pk = diff.make_packets(SEED, {dlt: 250 for dlt in diff.DLTS.values()})
    out: Dict[int, List[Tuple[bytes, int]]] = {}
    for dlt, pkts in pk.items():
        lst = []
        for data, wire, _ in pkts:
            lst.append((data, wire))
            if data:
                lst.append((data[:len(data) // 2], wire))
                lst.append((data[:-1], wire))
        out[dlt] = lst
    return out


def compile_pair(expr: str, dlt: int, mask) -> Tuple[object, object]:
    """(level 0, level 2) programs, or the exceptions they raised."""
    res = []
    for opt in (0, 2):
        try:
            res.append(level(expr, dlt, opt, mask))
        except libpcap.PcapError as exc:       # CompileError and its kin
            res.append(exc)
    return res[0], res[1]


def test_generated_expressions_same_packets(traffic) -> None:
    compared = refused = 0
    failures = []
    for expr, dlt, mask in generated_cases(1500, SEED):
        p0, p2 = compile_pair(expr, dlt, mask)
        if isinstance(p0, Exception):
            assert isinstance(p2, Exception) and str(p2) == str(p0), (expr, p0, p2)
            continue
        if isinstance(p2, Exception):
            # refused only when nothing passes
            assert "rejects all packets" in str(p2), (expr, p2)
            f0 = as_filter(p0)
            assert not any(f0.match(p, w) for p, w in traffic[dlt]), expr
            refused += 1
            continue
        bad = disagreements(p0, p2, traffic[dlt])
        if bad:
            failures.append(f"{expr!r} on DLT {dlt} mask {mask}: {bad[:3]}")
        compared += 1
    assert not failures, "\n".join(failures[:10])
    assert compared > 500 and refused > 0, (compared, refused)


def test_crafted_packets_same_answers(traffic) -> None:
    rng = random.Random(SEED + 1)
    runs = 0
    failures = []
    for expr, dlt, mask in generated_cases(250, SEED + 2):
        p0, p2 = compile_pair(expr, dlt, mask)
        if isinstance(p0, Exception) or isinstance(p2, Exception):
            continue
        pkts = crafted_for([p0, p2], traffic[dlt], rng)
        runs += len(pkts)
        bad = disagreements(p0, p2, pkts)
        if bad:
            failures.append(f"{expr!r} on DLT {dlt} mask {mask}: {bad[:3]}")
    assert not failures, "\n".join(failures[:10])
    assert runs > 20000, runs


def test_checks_can_fail(traffic) -> None:
    """A wrong level-2 program is caught by both checks."""
    rng = random.Random(SEED + 3)
    caught_generated = caught_crafted = tried = 0
    for expr, dlt, mask in generated_cases(200, SEED + 4):
        p0, p2 = compile_pair(expr, dlt, mask)
        if isinstance(p0, Exception) or isinstance(p2, Exception) or len(p2) < 4:
            continue
        wrong = flip_first_branch(p2)
        tried += 1
        caught_generated += bool(disagreements(p0, wrong, traffic[dlt]))
        caught_crafted += bool(disagreements(p0, wrong, crafted_for([p0, wrong], traffic[dlt], rng)))
    assert tried > 50
    assert caught_generated > tried * 0.6, (caught_generated, tried)
    assert caught_crafted > tried * 0.55, (caught_crafted, tried)


def test_short_packets_rejected_where_unoptimized_rejects() -> None:
    """libpcap's level 1 drops a load whose value it does not need (and
    accepts a packet too short for it); level 2 keeps the rejection."""
    expr = "src 172.16.5.4 or len <= 180"
    arp = bytes.fromhex("01005e000001333300000001080600010800060400")   # 21 bytes
    f0, f2 = as_filter(level(expr, 1, 0)), as_filter(level(expr, 1, 2))
    assert f0.match(arp, 42) == 0
    assert f2.match(arp, 42) == 0
    assert f2.match(arp + bytes(21), 42) == f0.match(arp + bytes(21), 42) != 0


# ---- lists: shorter, and logarithmic -----------------------------------------

def port_list(n: int) -> str:
    return " or ".join(f"port {1000 + 7 * i}" for i in range(n))


def net_list(n: int) -> str:
    return " or ".join(f"net 10.{(37 * i) % 250}.{i // 250}.0/24" for i in range(n))


def host_list(n: int) -> str:
    return " or ".join(f"host 10.{i // 250}.{(7 * i) % 250}.{i % 250 + 1}" for i in range(n))


@pytest.mark.parametrize("n", [64, 100, 1000])
@pytest.mark.parametrize("kind,make", [("ports", port_list), ("nets", net_list)])
def test_lists_three_times_shorter(kind: str, make, n: int) -> None:
    l1, l2 = len(level(make(n), 1, 1)), len(level(make(n), 1, 2))
    assert l1 >= 3 * l2, f"{kind} x{n}: level 1 {l1}, level 2 {l2}"


def test_thousand_ports_fit_the_kernel() -> None:
    """4,096 instructions is the kernel's limit: libpcap's 1,000-port list
    is 24,937 long and runs in userland; level 2's fits."""
    assert len(level(port_list(1000), 1, 1)) > 4096
    assert len(level(port_list(1000), 1, 2)) <= 4096


def ipv4_tcp(src: str, dst: str, sport: int, dport: int) -> bytes:
    ip = bytes([0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0]) + bytes(
        int(x) for x in src.split(".")) + bytes(int(x) for x in dst.split("."))
    tcp = sport.to_bytes(2, "big") + dport.to_bytes(2, "big") + bytes(8) + b"\x50\x02" + bytes(6)
    return b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\x08\x00" + ip + tcp


@pytest.mark.parametrize("n", [64, 256, 1000, 4000])
def test_host_and_port_lists_logarithmic(n: int) -> None:
    rng = random.Random(n)
    bound = 3 * math.log2(n) + 24
    hosts = [f"10.{i // 250}.{(7 * i) % 250}.{i % 250 + 1}" for i in range(n)]
    ports = [1000 + 7 * i for i in range(n)]
    cases = {
        "hosts": (" or ".join(f"host {h}" for h in hosts),
                  [ipv4_tcp(rng.choice(hosts), "192.168.0.1", 1, 2) for _ in range(30)]
                  + [ipv4_tcp("192.168.0.1", rng.choice(hosts), 1, 2) for _ in range(30)]
                  + [ipv4_tcp("192.168.0.1", "192.168.0.2", 1, 2)]),
        "ports": (port_list(n),
                  [ipv4_tcp("1.2.3.4", "5.6.7.8", rng.choice(ports), 9) for _ in range(30)]
                  + [ipv4_tcp("1.2.3.4", "5.6.7.8", 9, rng.choice(ports)) for _ in range(30)]
                  + [ipv4_tcp("1.2.3.4", "5.6.7.8", 9, 9)]),
    }
    for kind, (expr, pkts) in cases.items():
        p1, p2 = level(expr, 1, 1), level(expr, 1, 2)
        worst1 = worst2 = 0
        for pkt in pkts:
            w1, w2 = walk(p1, pkt, len(pkt)), walk(p2, pkt, len(pkt))
            assert w1.ret == w2.ret, (kind, n, pkt.hex())
            assert as_filter(p2).match(pkt) == w2.ret      # the walker is the engine
            worst1, worst2 = max(worst1, w1.comparisons), max(worst2, w2.comparisons)
        assert worst2 <= bound, f"{kind} x{n}: {worst2} comparisons (bound {bound:.0f})"
        if kind == "ports" or n >= 1000:
            # libpcap's level 1 is linear here (hosts: it shares the lists,
            # but still tests them one by one)
            assert worst1 > n / 2, (kind, n, worst1)


# ---- the interface -----------------------------------------------------------

def test_optimize_argument() -> None:
    expr = "tcp port 80 or tcp port 443"
    assert native.compile(expr, optimize=True).instructions == level(expr, 1, 1)
    assert native.compile(expr, optimize=False).instructions == level(expr, 1, 0)
    assert level(expr, 1, 2) != level(expr, 1, 1)
    with pytest.raises(ValueError):
        native.compile(expr, optimize=3)
    with pytest.raises(ValueError):
        native.compile(expr, optimize=-1)
    with pytest.raises(TypeError):
        native.compile(expr, optimize="2")


def test_reader_and_filter_objects_take_level_2(tmp_path: Path) -> None:
    path = tmp_path / "two.pcap"
    pkts = [ipv4_tcp("1.2.3.4", "5.6.7.8", 80, 9), ipv4_tcp("1.2.3.4", "5.6.7.8", 22, 9)]
    with native.Writer(str(path)) as w:
        for p in pkts:
            w.write(native.Packet(p))
    with native.Reader(str(path)) as r:
        f = r.compile("port 80 or port 8080 or port 443", optimize=2)
        assert f.instructions == level("port 80 or port 8080 or port 443", 1, 2)
    with native.Reader(str(path), filter="port 80 or port 8080 or port 443") as r:
        r.set_filter("port 80 or port 8080 or port 443", optimize=2)
        assert [bytes(p.data) for p in r] == pkts[:1]


def test_c_api_keeps_libpcap_meaning() -> None:
    """pcap_compile(..., optimize=2, ...) is libpcap's optimizer: any
    nonzero value is, in libpcap; level 2 is the native API's."""
    import ctypes as ct
    pd = libpcap.open_dead(1, 262144)
    try:
        prog = libpcap.bpf_program()
        assert libpcap.compile(pd, ct.byref(prog), b"port 80 or port 81", 2,
                               libpcap.PCAP_NETMASK_UNKNOWN) == 0
        got = [(prog.bf_insns[i].code, prog.bf_insns[i].jt, prog.bf_insns[i].jf,
                prog.bf_insns[i].k) for i in range(prog.bf_len)]
        libpcap.freecode(ct.byref(prog))
    finally:
        libpcap.close(pd)
    assert got == level("port 80 or port 81", 1, 1)


def test_refusals() -> None:
    with pytest.raises(libpcap.CompileError, match="rejects all packets"):
        native.compile("tcp and udp", optimize=2)
    assert level("tcp and udp", 1, 0)      # level 0 compiles it
    with pytest.raises(native.FilterSyntaxError):
        native.compile("port", optimize=2)


def test_beyond_bounds_is_the_unoptimized_program() -> None:
    """A value nested deeper than level 2 follows: the unoptimized
    program, which passes the same packets (level 1 might not)."""
    expr = "len + " * 80 + "len > 0"
    assert level(expr, 1, 2) == level(expr, 1, 0)
