"""Live-capture benchmark: how many of 1,000,000 small frames sent at full
speed over a veth pair each receiver gets, and how many its capture says
it dropped.  A benchmark, not a test: it prints figures, it never fails on
them.

    python bench/live/bench_live.py [--count N] [--size BYTES] [--rows a,b]
                                    [--buffer-size BYTES] [--no-pin]

One run builds the C sender (bench/live/sender.c), a network namespace with
a quiet veth pair va0 <-> vb0, and then, for each receiver in turn: starts
it on vb0, waits until it is capturing, sends N frames from va0, waits for
the link to be quiet, stops the receiver with SIGINT and reads its counts.
Rows:

  tcpdump        tcpdump -w /dev/null (the system libpcap)
  ours CLI       python -m libpcap -i vb0 -w /dev/null
  native iter    for pkt in libpcap.Capture(...): n += 1
  native read    n += len(cap.read())
  compat         create/activate + dispatch with a pcap_handler (API.md C.3)
  pcapy-ng       pcapy dispatch() with a Python callback (system libpcap)

Each receiver is its own process; ours and the system libpcap never share
one.  By default the sender runs on CPU 0 and the receiver on CPU 1
(taskset), so that they do not take turns on one core.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
NS = f"lpbench-{os.getpid()}"
TIMEOUT = 120


def sh(*argv: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=TIMEOUT, check=check)


def in_ns(argv: List[str], cpu: Optional[int]) -> List[str]:
    pin = ["taskset", "-c", str(cpu)] if cpu is not None and shutil.which("taskset") else []
    return ["ip", "netns", "exec", NS, *pin, *argv]


def build_sender(out: Path) -> Path:
    exe = out / "sender"
    src = HERE / "sender.c"
    if not exe.exists() or exe.stat().st_mtime < src.stat().st_mtime:
        sh("gcc", "-std=c11", "-O2", "-Wall", "-Wextra", str(src), "-o", str(exe))
    return exe


def make_netns() -> None:
    sh("ip", "netns", "add", NS)
    for argv in (["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"],
                 ["sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1"],
                 ["ip", "link", "add", "va0", "type", "veth", "peer", "name", "vb0"],
                 ["ip", "link", "set", "va0", "arp", "off", "multicast", "off", "up"],
                 ["ip", "link", "set", "vb0", "arp", "off", "multicast", "off", "up"]):
        sh("ip", "netns", "exec", NS, *argv)


def rx_packets(dev: str) -> int:
    out = sh("ip", "netns", "exec", NS, "ip", "-s", "-j", "link", "show", dev).stdout
    return int(json.loads(out)[0]["stats64"]["rx"]["packets"])


def cli_has_live() -> bool:
    proc = subprocess.run([sys.executable, "-m", "libpcap", "--help"], cwd=REPO,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=TIMEOUT, env=py_env())
    return re.search(r"^\s*-i\b", proc.stdout, re.M) is not None


def py_env() -> Dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


# Each row: name, argv, how it says it is ready, how its counts are parsed.
Row = Tuple[str, List[str], str, str]


def rows(bufsize: int) -> List[Row]:
    py = [sys.executable, str(HERE / "receivers.py")]
    extra = ["--buffer-size", str(bufsize)] if bufsize else []
    buf_t = ["-B", str(max(bufsize // 1024, 1))] if bufsize else []
    return [
        ("tcpdump", ["tcpdump", "-i", "vb0", "-n", "-w", "/dev/null", *buf_t],
         "listening on", "tcpdump"),
        ("ours CLI", [sys.executable, "-m", "libpcap", "-i", "vb0", "-w", "/dev/null",
                      *buf_t], "listening on", "tcpdump"),
        ("native iter", [*py, "native-iter", "vb0", *extra], "ready", "json"),
        ("native read", [*py, "native-read", "vb0", *extra], "ready", "json"),
        ("compat", [*py, "compat", "vb0", *extra], "ready", "json"),
        ("pcapy-ng", [*py, "pcapy", "vb0", *extra], "ready", "json"),
    ]


def parse_tcpdump(text: str) -> Dict[str, int]:
    """tcpdump's (and our CLI's) closing lines."""
    res: Dict[str, int] = {}
    for key, pat in (("captured", r"(\d+) packets? captured"),
                     ("recv", r"(\d+) packets? received by filter"),
                     ("drop", r"(\d+) packets? dropped by kernel"),
                     ("ifdrop", r"(\d+) packets? dropped by interface")):
        m = re.search(pat, text)
        if m:
            res[key] = int(m.group(1))
    return res


def wait_ready(proc: "subprocess.Popen[str]", token: str, stream: str) -> bool:
    """Read lines from the child's stdout or stderr until token shows."""
    f = proc.stdout if stream == "stdout" else proc.stderr
    assert f is not None
    end = time.monotonic() + 30
    while time.monotonic() < end:
        line = f.readline()
        if not line:
            return False
        if token in line:
            return True
    return False


def run_row(row: Row, sender: Path, count: int, size: int, pin: bool) -> Dict[str, Any]:
    name, argv, token, kind = row
    cpu_rx, cpu_tx = (1, 0) if pin else (None, None)
    proc = subprocess.Popen(in_ns(argv, cpu_rx), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=py_env(), cwd=REPO)
    try:
        stream = "stdout" if kind == "json" else "stderr"
        if not wait_ready(proc, token, stream):
            proc.kill()
            out, err = proc.communicate()
            return {"row": name, "error": (err or out).strip()[-300:] or "did not start"}
        time.sleep(0.5)
        wire0 = rx_packets("vb0")
        tx = subprocess.run(in_ns([str(sender), "va0", str(count), str(size)], cpu_tx),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            timeout=TIMEOUT)
        sent = json.loads(tx.stdout) if tx.returncode == 0 else {"sent": 0, "pps": 0}
        # Let the receiver drain what is queued for it (or give up on it).
        time.sleep(2.0)
        wire = rx_packets("vb0") - wire0
        mid = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=TIMEOUT)
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (mid.ru_utime + mid.ru_stime)
    res: Dict[str, Any] = {"row": name, "sent": sent["sent"], "pps": sent["pps"],
                           "wire": wire, "cpu_s": round(cpu, 2)}
    if kind == "json":
        lines = [ln for ln in out.splitlines() if ln.startswith("{")]
        if not lines:
            res["error"] = err.strip()[-300:]
            return res
        res.update(json.loads(lines[-1]))
    else:
        counts = parse_tcpdump(err + out)
        if "captured" not in counts:
            res["error"] = (err + out).strip()[-300:]
            return res
        res.update(counts)
    return res


def table(results: List[Dict[str, Any]], count: int, size: int, bufsize: int) -> str:
    head = (f"{count:,} frames of {size} bytes over veth, "
            f"buffer {'default (2 MiB)' if not bufsize else f'{bufsize:,} bytes'}")
    lines = [head, "",
             "| receiver | captured | received (stats) | dropped (stats) | captured % | "
             "sender pps | receiver CPU s |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        if "error" in r and "captured" not in r:
            lines.append(f"| {r['row']} | unavailable: {r['error'].splitlines()[-1][:80]} "
                         "| | | | | |")
            continue
        sent = r.get("wire") or r.get("sent") or 1
        lines.append(f"| {r['row']} | {r['captured']:,} | {r.get('recv', 0):,} | "
                     f"{r.get('drop', 0):,} | {100 * r['captured'] / sent:.1f} | "
                     f"{r.get('pps', 0):,.0f} | {r.get('cpu_s', 0)} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--buffer-size", type=int, default=0,
                    help="capture buffer in bytes for every receiver (default: libpcap's)")
    ap.add_argument("--rows", default="", help="comma-separated substrings of row names")
    ap.add_argument("--no-pin", action="store_true", help="do not pin sender/receiver to CPUs")
    ap.add_argument("--json", action="store_true", help="also print the raw results")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("bench_live: needs root (network namespaces, packet sockets)", file=sys.stderr)
        return 2
    build = Path(os.environ.get("LIBPCAP_BENCH_CACHE", Path.home() / ".cache" / "libpcap-bench"))
    build.mkdir(parents=True, exist_ok=True)
    sender = build_sender(build)
    selected = [r for r in rows(args.buffer_size)
                if not args.rows or any(s in r[0] for s in args.rows.split(","))]
    results = []
    has_cli = cli_has_live()
    make_netns()
    try:
        for row in selected:
            if row[0] == "ours CLI" and not has_cli:
                results.append({"row": row[0], "error": "the CLI has no -i (live capture) yet"})
                continue
            if row[0] == "tcpdump" and not shutil.which("tcpdump"):
                results.append({"row": row[0], "error": "tcpdump not installed"})
                continue
            print(f"bench_live: {row[0]} ...", file=sys.stderr, flush=True)
            results.append(run_row(row, sender, args.count, args.size, not args.no_pin))
    finally:
        sh("ip", "netns", "del", NS, check=False)
    print(table(results, args.count, args.size, args.buffer_size))
    print(f"\nload average: {os.getloadavg()[0]:.2f} (2-core machine shared with other work)")
    if args.json:
        print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
