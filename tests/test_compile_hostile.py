"""Hostile filter expressions: a program or a clear error, never a crash, a
stack overflow or minutes of work.

Each case compiles in a child Python (the compatibility layer, through the
core) with the default 8 MB stack (RLIMIT_STACK set before exec, which fixes
the main thread's stack) and a wall-clock limit, so that a crash, an
overflow or a hang fails the case instead of the run.  The sanitizer run of
.ci/run repeats the file under ASan+UBSan (the child inherits LD_PRELOAD and
the sanitizer options).

Cases: 100,000 nested parentheses (and the same unbalanced), a 1 MB
expression (a long list, one 1 MB word, 1 MB of blanks), a 100,000-term
host list, a program over the kernel's 4,096-instruction limit, every byte
value 1..255 inside an expression (and NUL, which ends the C string), and
NUL-free random garbage (random bytes and random token soup).
"""
from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from typing import Dict, List, Sequence, Tuple

import pytest

from conftest import child_env, package_with

STACK = 8 * 1024 * 1024
LIMIT = 60.0          # seconds per child: "minutes of work" fails

# The child: read cases from stdin (JSON list of [dlt, hex expression,
# optimize]), compile each, print one JSON line per case.
CHILD = r"""
import ctypes as ct, json, sys, time
import libpcap as pcap
for dlt, hexexpr, opt in json.load(sys.stdin):
    expr = bytes.fromhex(hexexpr)
    p = pcap.open_dead(dlt, 262144)
    prog = pcap.bpf_program()
    t0 = time.monotonic()
    rc = pcap.compile(p, ct.byref(prog), expr, opt, 0xFFFFFFFF)
    dt = time.monotonic() - t0
    if rc == 0:
        n = prog.bf_len
        ok = all(prog.bf_insns[i].code is not None for i in range(min(n, 3)))
        valid = pcap.bpf_validate(prog.bf_insns, n) if n <= 1000000 else -1
        pcap.freecode(ct.byref(prog))
        out = {"ok": True, "len": n, "valid": valid, "t": dt}
    else:
        err = pcap.geterr(p)
        out = {"ok": False, "err": err.decode("utf-8", "replace") if isinstance(err, bytes) else str(err), "t": dt}
    pcap.close(p)
    print(json.dumps(out), flush=True)
"""


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_STACK, (STACK, STACK))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_cases(cases: Sequence[Tuple[int, bytes, int]], limit: float = LIMIT) -> List[Dict]:
    package_with("open_dead")
    payload = json.dumps([[dlt, expr.hex(), opt] for dlt, expr, opt in cases])
    env = child_env()
    env.pop("PYTEST_CURRENT_TEST", None)
    # Garbage can spell host names: a resolver that times out must not
    # turn a lookup into minutes (glibc reads RES_OPTIONS).
    env["RES_OPTIONS"] = "timeout:1 attempts:1"
    t0 = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD], input=payload, capture_output=True,
                              text=True, timeout=limit, env=env, preexec_fn=_limits)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the compiles did not end within {limit:.0f} s")
    took = time.monotonic() - t0
    if proc.returncode != 0:
        what = f"signal {-proc.returncode}" if proc.returncode < 0 else f"status {proc.returncode}"
        pytest.fail(f"the child died ({what}) after {took:.1f} s:\n{proc.stderr[-3000:]}")
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(results) == len(cases), proc.stderr[-2000:]
    return results


def clear(result: Dict) -> None:
    """A program that passes bpf_validate, or an error that says something."""
    if result["ok"]:
        assert result["len"] > 0 and result["valid"] in (1, -1), result
    else:
        err = result["err"]
        assert err and err.isprintable() and len(err) < 256, result
        assert "not implemented" not in err, result


def show(name: str, results: List[Dict]) -> str:
    r = results[0]
    what = f"{r['len']} instructions" if r["ok"] else f"error {r['err']!r}"
    return f"{name}: {what} in {r['t']:.2f} s"


NEST = 100_000


@pytest.mark.parametrize("name,expr", [
    ("nested", b"(" * NEST + b"tcp" + b")" * NEST),
    ("nested not", b"not (" * NEST + b"udp" + b")" * NEST),
    ("nested unbalanced", b"(" * NEST + b"tcp" + b")" * (NEST - 1)),
    ("nested accessor", b"ip[" * 5000 + b"0" + b"]" * 5000 + b" = 1"),
    ("nested arithmetic", b"(" * NEST + b"1" + b" + 1)" * NEST + b" = len"),
    ("unary minus chain", b"-" * NEST + b"len = 1"),
    ("not chain", b"not " * NEST + b"ip"),
], ids=lambda v: v if isinstance(v, str) else "")
@pytest.mark.parametrize("optimize", [0, 1])
def test_deep_nesting(name: str, expr: bytes, optimize: int) -> None:
    results = run_cases([(1, expr, optimize)])
    print(show(name, results))
    clear(results[0])
    # libpcap's own parser gives up on deep nesting too (its parser stack);
    # a clear error is as good as a program here.
    if name == "nested unbalanced":
        assert not results[0]["ok"]
    elif name == "not chain":
        # libpcap refuses more than 9,996 "not"s (its parser stack is full);
        # so do we, with its message, and no deeper stack use than that.
        assert not results[0]["ok"]
        assert "can't parse filter expression: memory exhausted" in results[0]["err"], results[0]


MB = 1 << 20


def long_list(term: str, n: int, sep: str = " or ") -> bytes:
    return sep.join(term.format(i=i, a=i >> 8 & 255, b=i & 255) for i in range(n)).encode()


@pytest.mark.parametrize("name,dlt,expr,optimize", [
    ("1 MB of 'tcp or'", 1, (b"tcp or " * (MB // 7 + 1)) + b"udp", 0),
    ("1 MB word", 1, b"host " + b"a" * MB, 1),
    ("1 MB of blanks", 1, b" " * MB + b"tcp" + b"\t\n " * 1000, 1),
    ("1 MB number", 1, b"len = " + b"9" * MB, 1),
    ("1 MB of hosts", 12, long_list("host 10.{a}.{b}.1", MB // 20), 0),
], ids=lambda v: v if isinstance(v, str) else "")
def test_one_megabyte(name: str, dlt: int, expr: bytes, optimize: int) -> None:
    assert len(expr) >= MB
    results = run_cases([(dlt, expr, optimize)])
    print(show(name, results))
    clear(results[0])


@pytest.mark.parametrize("optimize", [0, 1])
def test_hundred_thousand_terms(optimize: int) -> None:
    expr = long_list("host 10.{a}.{b}.{i3}".replace("{i3}", "7"), 100_000)
    results = run_cases([(1, expr, optimize)])
    print(show(f"100,000 hosts, optimize={optimize}", results))
    clear(results[0])


def test_over_kernel_limit() -> None:
    # 2,000 ports: well over BPF_MAXINSNS (4,096) instructions, which
    # pcap_compile does not limit (only the kernel does).
    results = run_cases([(1, long_list("port {i}", 2000), 0), (1, long_list("port {i}", 2000), 1)])
    for r in results:
        assert r["ok"], r
        assert r["len"] > 4096, r


def test_every_byte_value() -> None:
    cases = []
    for b in range(256):
        c = bytes([b])
        # Names go to /etc/ethers and /etc/services, not to DNS (a resolver
        # that times out would make this a test of the network).
        for tmpl in (b"tcp and %s", b"ether host a%sb", b"port 8%s0", b"ip[%s] = 1", b"%s",
                     b"(%s)", b"ether host 00:11:%s2:33:44:55", b"tcp%sport 80", b"len = 1%s2",
                     b"udp port ht%stp"):
            cases.append((1, tmpl.replace(b"%s", c), 1))
    results = run_cases(cases)
    for (dlt, expr, _), r in zip(cases, results):
        try:
            clear(r)
        except AssertionError:
            raise AssertionError(f"{expr!r}: {r}")
    # NUL ends the expression as in C.
    nul = run_cases([(1, b"tcp\x00 garbage (((", 1), (1, b"tcp", 1)])
    assert nul[0] == {**nul[1], "t": nul[0]["t"]}


def garbage(rng: random.Random) -> bytes:
    if rng.random() < 0.5:
        return bytes(rng.randrange(1, 256) for _ in range(rng.randrange(1, 200)))
    words = ["(", ")", "[", "]", ":", "and", "or", "not", "!", "&&", "||", "host", "net",
             "port", "portrange", "src", "dst", "tcp", "udp", "ip", "ip6", "ether", "vlan",
             "mpls", "pppoes", "geneve", "vxlan", "protochain", "proto", "len", "less",
             "greater", "broadcast", "multicast", "+", "-", "*", "/", "%", "&", "|", "^",
             "<<", ">>", "=", "!=", "<", ">", "1", "0", "0x", "255.255.255.255", "::",
             "1.2.3", "00:11:22:33:44:55", "\\", "mask", "/", "gateway", "inbound", "ifindex",
             "-1", "99999999999", "link", "llc", "icmp-echo", "tcpflags", "\t", "\n"]
    return " ".join(rng.choice(words) for _ in range(rng.randrange(1, 40))).encode()


def test_random_garbage() -> None:
    rng = random.Random(20250707)
    dlts = [1, 12, 228, 229, 0, 108, 113, 276, 9, 50, 16, 166, 51, 104, 8]
    cases = [(rng.choice(dlts), garbage(rng), rng.randrange(2)) for _ in range(3000)]
    results = run_cases(cases)
    compiled = 0
    for (dlt, expr, _), r in zip(cases, results):
        try:
            clear(r)
        except AssertionError:
            raise AssertionError(f"DLT {dlt} {expr!r}: {r}")
        compiled += r["ok"]
    print(f"random garbage: {compiled}/{len(cases)} compiled, the rest refused")
    assert compiled < len(cases)
