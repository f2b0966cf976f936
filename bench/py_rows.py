"""The Python reading loops of the benchmark, one per row.

bench_read.py runs this file as a script, in a fresh interpreter per row, so
the imports of two rows never meet: our package and the peers that load the
system libpcap (pcapy-ng, the original ctypes binding) never share a process.

    python py_rows.py ROW FILE PASSES

Every loop does the same work per packet as bench/read_loop.c: count it, add
its captured length, and add its middle byte to a checksum (so the bytes are
really produced and touched).  Each pass is timed from open to close with
perf_counter_ns (wall) and process_time_ns (CPU).  Output, one line each, in
read_loop.c's format:

    lib=<what was loaded>
    loaded=<libpcap shared objects mapped, from /proc/self/maps>
    pass=1 ns=... cpu_ns=... packets=... bytes=... sum=... pps=...

Nothing here imports a package at module level: each row imports what it uses.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Callable, Dict, List, Tuple

__all__ = ["ROWS", "main"]

Result = Tuple[int, int, int]   # packets, bytes, checksum


def native_iter(path: str) -> Result:
    """Our native API: iterate a Reader, touching p.caplen and p.data."""
    import libpcap
    n = nbytes = s = 0
    with libpcap.Reader(path) as reader:
        for p in reader:
            c = p.caplen
            d = p.data
            n += 1
            nbytes += c
            if c:
                s += d[c >> 1]
    return n, nbytes, s


def native_batch(path: str) -> Result:
    """Our native API: Reader.read() batches until the empty list."""
    import libpcap
    n = nbytes = s = 0
    with libpcap.Reader(path) as reader:
        read = reader.read
        while True:
            batch = read()
            if not batch:
                break
            for p in batch:
                c = p.caplen
                d = p.data
                n += 1
                nbytes += c
                if c:
                    s += d[c >> 1]
    return n, nbytes, s


def native_buffer(path: str) -> Result:
    """Our native API: Reader.read_buffer() (one bytes object and an index
    of (ts_ns, caplen, wirelen, offset) per batch) until it is empty."""
    import libpcap
    n = nbytes = s = 0
    with libpcap.Reader(path) as reader:
        read_buffer = reader.read_buffer
        while True:
            data, index = read_buffer(4096)
            if not index:
                break
            for j in range(1, len(index), 4):
                c = index[j]
                n += 1
                nbytes += c
                if c:
                    s += data[index[j + 2] + (c >> 1)]
    return n, nbytes, s


def ctypes_next_ex(path: str) -> Result:
    """The compatibility calling convention of API.md C.3 (ours or the original binding)."""
    import ctypes as ct
    import libpcap as pcap
    n = nbytes = s = 0
    err = ct.create_string_buffer(pcap.PCAP_ERRBUF_SIZE)
    h = pcap.open_offline(path.encode(), err)
    if not h:
        raise OSError(err.value.decode())
    hdr = ct.POINTER(pcap.pkthdr)()
    pkt = ct.POINTER(ct.c_ubyte)()
    while pcap.next_ex(h, ct.byref(hdr), ct.byref(pkt)) == 1:
        c = hdr.contents.caplen
        d = ct.string_at(pkt, c)
        n += 1
        nbytes += c
        if c:
            s += d[c >> 1]
    pcap.close(h)
    return n, nbytes, s


def pcapy_next(path: str) -> Result:
    """pcapy-ng: Reader.next() until it returns no header."""
    import pcapy
    n = nbytes = s = 0
    r = pcapy.open_offline(path)
    nxt = r.next
    while True:
        h, d = nxt()
        if h is None:
            break
        c = h.getcaplen()
        n += 1
        nbytes += c
        if c:
            s += d[c >> 1]
    r.close()
    return n, nbytes, s


def pcapy_loop(path: str) -> Result:
    """pcapy-ng: Reader.loop(0, callback) over the whole file."""
    import pcapy
    acc = [0, 0, 0]

    def on_packet(h, d) -> None:
        c = h.getcaplen()
        acc[0] += 1
        acc[1] += c
        if c:
            acc[2] += d[c >> 1]

    r = pcapy.open_offline(path)
    r.loop(0, on_packet)
    r.close()
    return acc[0], acc[1], acc[2]


def dpkt_reader(path: str) -> Result:
    """dpkt: iterate dpkt.pcap.Reader over the open file."""
    import dpkt
    n = nbytes = s = 0
    with open(path, "rb") as f:
        for _ts, buf in dpkt.pcap.Reader(f):
            c = len(buf)
            n += 1
            nbytes += c
            if c:
                s += buf[c >> 1]
    return n, nbytes, s


def scapy_reader(path: str) -> Result:
    """scapy: PcapReader (dissects every packet, as scapy users get it)."""
    from scapy.all import PcapReader
    n = nbytes = s = 0
    with PcapReader(path) as reader:
        for p in reader:
            d = p.original
            c = len(d)
            n += 1
            nbytes += c
            if c:
                s += d[c >> 1]
    return n, nbytes, s


ROWS: Dict[str, Callable[[str], Result]] = {
    "native_iter": native_iter,
    "native_batch": native_batch,
    "native_buffer": native_buffer,
    "compat_next_ex": ctypes_next_ex,
    "orig_next_ex": ctypes_next_ex,
    "pcapy_next": pcapy_next,
    "pcapy_loop": pcapy_loop,
    "dpkt": dpkt_reader,
    "scapy": scapy_reader,
}

# What each row must import before the clock starts (import time is not measured).
_PRELOAD = {
    "native_iter": "libpcap", "native_batch": "libpcap", "native_buffer": "libpcap", "compat_next_ex": "libpcap",
    "orig_next_ex": "libpcap", "pcapy_next": "pcapy", "pcapy_loop": "pcapy",
    "dpkt": "dpkt", "scapy": "scapy.all",
}


def _describe(row: str) -> str:
    mod = sys.modules.get(_PRELOAD[row].split(".")[0])
    where = getattr(mod, "__file__", None) or "?"
    version = ""
    if row in ("compat_next_ex", "orig_next_ex"):
        lv = mod.lib_version()
        version = lv.decode() if isinstance(lv, bytes) else str(lv)
    return f"{_PRELOAD[row]} {version} ({where})".replace("  ", " ")


def _mapped_pcap_objects() -> List[str]:
    """Shared objects of a libpcap (system or ours) mapped into this process."""
    found = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                parts = line.split()
                if len(parts) >= 6 and ("libpcap" in parts[5]) and ".so" in parts[5]:
                    found.add(os.path.realpath(parts[5]))
    except OSError:
        pass
    return sorted(found)


def main(argv: List[str]) -> int:
    if len(argv) != 3 or argv[0] not in ROWS:
        print(f"usage: py_rows.py {{{','.join(ROWS)}}} FILE PASSES", file=sys.stderr)
        return 2
    row, path, passes = argv[0], argv[1], max(1, int(argv[2]))
    __import__(_PRELOAD[row])
    fn = ROWS[row]
    print(f"lib={_describe(row)}")
    for i in range(1, passes + 1):
        t0, c0 = time.perf_counter_ns(), time.process_time_ns()
        n, nbytes, s = fn(path)
        cpu = time.process_time_ns() - c0
        ns = time.perf_counter_ns() - t0
        if i == 1:
            print("loaded=" + ",".join(_mapped_pcap_objects()))
        print(f"pass={i} ns={ns} cpu_ns={cpu} packets={n} bytes={nbytes} sum={s} pps={n * 1e9 / ns if ns else 0:.0f}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
