"""The filter compiler is thread-safe: many threads compiling different
expressions at once each get exactly the program (or the error text) that
the same compile gives alone.

The compiles go through the core with ctypes (the compatibility layer's
pcap_open_dead / pcap_compile / pcap_compile_nopcap, a ctypes.CDLL: the GIL
is released for the duration of each call), so the C code really runs
concurrently.  The expressions mix the differential test's generated ones
(every family, both verdicts, all part-1 link types, optimized and not) with
long host and port lists, whose compiles take long enough for the calls to
overlap; the test checks that they did.  The sanitizer run of .ci/run
repeats it under ASan+UBSan.
"""
from __future__ import annotations

import ctypes as ct
import random
import threading
import time
from typing import List, Optional, Tuple

import pytest

import libpcap as pcap
from test_compile_differential import DLTS, ExprGen

THREADS = 12
ROUNDS = 3
Outcome = Tuple[bool, object]  # (compiled, instructions or error text)


def compile_once(dlt: int, expr: str, optimize: int, mask: int, nopcap: bool) -> Outcome:
    prog = pcap.bpf_program()
    raw = expr.encode()
    if nopcap:
        rc = pcap.compile_nopcap(262144, dlt, ct.byref(prog), raw, optimize, mask)
        if rc != 0:
            return False, "error"          # pcap_compile_nopcap keeps no text
    else:
        p = pcap.open_dead(dlt, 262144)
        assert p, "pcap_open_dead failed"
        try:
            rc = pcap.compile(p, ct.byref(prog), raw, optimize, mask)
            if rc != 0:
                err = pcap.geterr(p)
                return False, err.decode("utf-8", "replace") if isinstance(err, bytes) else str(err)
        finally:
            pcap.close(p)
    try:
        insns = tuple((prog.bf_insns[i].code, prog.bf_insns[i].jt, prog.bf_insns[i].jf,
                       prog.bf_insns[i].k) for i in range(prog.bf_len))
    finally:
        pcap.freecode(ct.byref(prog))
    return True, insns


def cases() -> List[Tuple[int, str, int, int, bool]]:
    rng = random.Random(4242)
    gen = ExprGen(rng)
    dlts = sorted(DLTS.values())
    out = []
    for i in range(160):
        out.append((rng.choice(dlts), gen.expr(), rng.randrange(2),
                    rng.choice([0xFFFFFFFF, 0xFFFFFF00]), i % 5 == 0))
    hosts = " or ".join(f"host 10.{i // 250}.{i % 250}.1" for i in range(600))
    ports = " or ".join(f"port {1000 + i}" for i in range(150))
    for opt in (0, 1):
        out.append((1, hosts, opt, 0xFFFFFFFF, False))
        out.append((12, ports, opt, 0xFFFFFFFF, False))
        out.append((113, f"vlan and ({hosts})", opt, 0xFFFFFFFF, False))
    out.append((1, "this is not a filter", 1, 0xFFFFFFFF, False))
    out.append((1, "ip and ip6", 1, 0xFFFFFFFF, False))
    return out


def test_concurrent_compiles_match_alone() -> None:
    work = cases()
    alone = [compile_once(*c) for c in work]
    compiled = sum(1 for ok, _ in alone if ok)
    if compiled == 0:
        pytest.fail("nothing compiles: " + str(alone[0][1])[:200])
    # Both verdicts are exercised.
    assert compiled < len(alone)

    failures: List[str] = []
    spans: List[Tuple[float, float]] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker(seed: int) -> None:
        order = list(range(len(work)))
        random.Random(seed).shuffle(order)
        start.wait()
        for _ in range(ROUNDS):
            for i in order:
                t0 = time.perf_counter()
                got = compile_once(*work[i])
                t1 = time.perf_counter()
                with lock:
                    spans.append((t0, t1))
                    if got != alone[i] and len(failures) < 10:
                        dlt, expr, opt, _, _ = work[i]
                        failures.append(f"DLT {dlt} optimize={opt} {expr[:120]!r}: "
                                        f"alone {str(alone[i])[:200]}, in a thread {str(got)[:200]}")

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, "\n".join(failures)
    assert len(spans) == THREADS * ROUNDS * len(work)
    # The calls did run at the same time (the GIL is released in them): the
    # long ones (tens of milliseconds) at least overlap others.
    spans.sort()
    overlaps = sum(1 for (a0, a1), (b0, _) in zip(spans, spans[1:]) if b0 < a1)
    assert overlaps >= THREADS, f"only {overlaps} overlapping compiles"
