"""The Python receivers of the live-capture benchmark, one per row.

    python receivers.py ROW IFACE [--buffer-size BYTES]

ROW is one of native-iter, native-read, compat, pcapy.  The receiver opens
IFACE (snaplen 262144, timeout 100 ms, not promiscuous: tcpdump's defaults
except the timeout), prints "ready" on stdout, counts packets until SIGINT,
then prints one JSON line: {"captured": packets seen by the loop, "recv",
"drop", "ifdrop": the capture's statistics}.  No work is done per packet
beyond counting it.
"""
from __future__ import annotations

import json
import signal
import sys
from typing import Any, Callable, Dict

SNAPLEN = 262144
TIMEOUT_MS = 100


def ready() -> None:
    print("ready", flush=True)


def native_iter(iface: str, bufsize: int) -> Dict[str, int]:
    import libpcap
    cap = libpcap.Capture(iface, snaplen=SNAPLEN, timeout_ms=TIMEOUT_MS,
                          buffer_size=bufsize or None)
    signal.signal(signal.SIGINT, lambda *a: cap.stop())
    ready()
    n = 0
    for _ in cap:
        n += 1
    st = cap.stats()
    return {"captured": n, "recv": st.recv, "drop": st.drop, "ifdrop": st.ifdrop}


def native_read(iface: str, bufsize: int) -> Dict[str, int]:
    import libpcap
    cap = libpcap.Capture(iface, snaplen=SNAPLEN, timeout_ms=TIMEOUT_MS,
                          buffer_size=bufsize or None)
    done = []

    def stop(*a: Any) -> None:
        done.append(1)
        cap.stop()

    signal.signal(signal.SIGINT, stop)
    ready()
    n = 0
    while not done:
        n += len(cap.read())
    st = cap.stats()
    return {"captured": n, "recv": st.recv, "drop": st.drop, "ifdrop": st.ifdrop}


def compat(iface: str, bufsize: int) -> Dict[str, int]:
    """shared/API.md C.3 #2: create / set_* / activate, a pcap_handler that
    counts through its user pointer, dispatch."""
    import ctypes as ct
    import libpcap as pcap
    err = ct.create_string_buffer(pcap.PCAP_ERRBUF_SIZE)
    pd = pcap.create(iface.encode(), err)
    if not pd:
        raise OSError(err.value.decode())
    pcap.set_snaplen(pd, SNAPLEN)
    pcap.set_timeout(pd, TIMEOUT_MS)
    if bufsize:
        pcap.set_buffer_size(pd, bufsize)
    rc = pcap.activate(pd)
    if rc < 0:
        raise OSError(pcap.statustostr(rc), pcap.geterr(pd))

    @pcap.pcap_handler
    def on_packet(user: Any, hdr: Any, data: Any) -> None:
        counter = ct.cast(user, ct.POINTER(ct.c_int))
        counter[0] += 1

    count = ct.c_int(0)
    user = ct.cast(ct.pointer(count), ct.POINTER(ct.c_ubyte))
    done = []

    def stop(*a: Any) -> None:
        done.append(1)
        pcap.breakloop(pd)

    signal.signal(signal.SIGINT, stop)
    ready()
    while not done:
        if pcap.dispatch(pd, -1, on_packet, user) == -1:
            raise OSError(pcap.geterr(pd))
    st = pcap.stat()
    pcap.stats(pd, ct.byref(st))
    pcap.close(pd)
    return {"captured": count.value, "recv": st.ps_recv, "drop": st.ps_drop,
            "ifdrop": st.ps_ifdrop}


def pcapy(iface: str, bufsize: int) -> Dict[str, int]:
    """pcapy-ng (system libpcap): its dispatch() with a Python callback, in
    non-blocking mode behind select() so that SIGINT is seen."""
    import select
    import pcapy as pc
    if bufsize:
        p = pc.create(iface)
        p.set_snaplen(SNAPLEN)
        p.set_timeout(TIMEOUT_MS)
        p.set_buffer_size(bufsize)
        p.activate()
    else:
        p = pc.open_live(iface, SNAPLEN, 0, TIMEOUT_MS)
    p.setnonblock(1)
    fd = p.getfd()
    n = [0]

    def cb(hdr: Any, data: bytes) -> None:
        n[0] += 1

    done = []
    signal.signal(signal.SIGINT, lambda *a: done.append(1))
    ready()
    while not done:
        select.select([fd], [], [], 0.1)
        while p.dispatch(-1, cb) > 0:
            pass
    recv, drop, ifdrop = p.stats()
    return {"captured": n[0], "recv": recv, "drop": drop, "ifdrop": ifdrop}


ROWS: Dict[str, Callable[[str, int], Dict[str, int]]] = {
    "native-iter": native_iter,
    "native-read": native_read,
    "compat": compat,
    "pcapy": pcapy,
}


def main() -> None:
    row, iface = sys.argv[1], sys.argv[2]
    bufsize = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--buffer-size" else 0
    print(json.dumps(ROWS[row](iface, bufsize)), flush=True)


if __name__ == "__main__":
    main()
