"""Live capture through the compatibility layer (the ctypes names of the
original binding) on veth pairs in network namespaces the tests build.

The calls are written the way user code of the original binding writes
them (shared/API.md C.3): create / set_* / activate, a pcap_handler
callback counting packets through its user pointer, dispatch and loop,
pcap.dump as the callback, open_live, the findalldevs linked list,
sendpacket / inject, stats, setnonblock / getnonblock,
get_selectable_fd and breakloop from another thread.

The handles are opened in this process with the opening thread moved into
the namespace (tests/_livetools.py).  The tests need root and network
namespaces; they skip, saying why, where that is impossible.  The tests marked
REPLAYABLE also run over replay devices (tests/replaynet.py), as any user:
``pytest -k replay``.
"""
from __future__ import annotations

import ctypes as ct
import select
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Iterator, List

import pytest

import netns
from conftest import REPLAYABLE
from _livetools import ETYPE, ether_dlts, frame, frames, inside

import libpcap as pcap
from libpcap._platform import sockaddr_in

GENEROUS = 2.0


def errbuf() -> Any:
    return ct.create_string_buffer(pcap.PCAP_ERRBUF_SIZE)


def created(space: netns.Netns, dev: bytes, immediate: bool = True,
            timeout: int = 1000) -> Any:
    """The create / set_* / activate sequence of the original's users."""
    err = errbuf()
    with inside(space):
        pd = pcap.create(dev, err)
        assert pd, err.value
        assert pcap.set_snaplen(pd, 65535) == 0
        assert pcap.set_promisc(pd, 1) == 0
        assert pcap.set_timeout(pd, timeout) == 0
        assert pcap.set_immediate_mode(pd, int(immediate)) == 0
        rc = pcap.activate(pd)
    if rc < 0:
        raise OSError(pcap.statustostr(rc), pcap.geterr(pd))
    assert rc == 0
    return pd


def live(space: netns.Netns, dev: bytes, to_ms: int = 100) -> Any:
    err = errbuf()
    with inside(space):
        pd = pcap.open_live(dev, 65535, 0, to_ms, err)
    assert pd, err.value
    return pd


def etype_program(etype: int = ETYPE) -> Any:
    insns = (pcap.bpf_insn * 4)(
        pcap.bpf_insn(code=0x28, jt=0, jf=0, k=12),
        pcap.bpf_insn(code=0x15, jt=0, jf=1, k=etype),
        pcap.bpf_insn(code=0x06, jt=0, jf=0, k=262144),
        pcap.bpf_insn(code=0x06, jt=0, jf=0, k=0))
    prog = pcap.bpf_program(4, insns)
    prog._keep = insns
    return prog


def dispatch_until(pd: Any, n: int, cb: Any, user: Any, count: Any,
                   timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while count() < n and time.monotonic() < end:
        rc = pcap.dispatch(pd, -1, cb, user)
        assert rc >= 0, pcap.geterr(pd)


@REPLAYABLE
def test_create_activate_filter_dispatch_user_counter(ns: netns.Netns) -> None:
    pd = created(ns, ns.b.encode())
    prog = etype_program()
    assert pcap.setfilter(pd, ct.byref(prog)) == 0
    payloads: List[bytes] = []

    @pcap.pcap_handler
    def on_packet(user: Any, hdr: Any, data: Any) -> None:
        counter = ct.cast(user, ct.POINTER(ct.c_int))
        counter[0] += 1
        payloads.append(bytes(ct.cast(data, ct.POINTER(ct.c_ubyte * hdr[0].caplen))[0]))
        assert hdr[0].len == hdr[0].caplen

    sent = [frame(i, 60 + 20 * i, etype=ETYPE if i % 2 else ETYPE + 1) for i in range(30)]
    want = sent[1::2]
    ns.send(ns.a, sent)
    count = ct.c_int(0)
    user = ct.cast(ct.pointer(count), ct.POINTER(ct.c_ubyte))
    dispatch_until(pd, len(want), on_packet, user, lambda: count.value)
    assert count.value == len(want)
    assert payloads == want
    # a NULL user pointer and a count limit, as the original's users do
    seen = []

    @pcap.pcap_handler
    def no_user(user: Any, hdr: Any, data: Any) -> None:
        assert not user
        seen.append(hdr[0].caplen)

    ns.send(ns.a, sent)
    end = time.monotonic() + 10
    while len(seen) < len(want) and time.monotonic() < end:
        rc = pcap.dispatch(pd, 4, no_user, None)
        assert 0 <= rc <= 4
    assert seen == [len(f) for f in want]
    st = pcap.stat()
    assert pcap.stats(pd, ct.byref(st)) == 0
    assert (st.ps_recv, st.ps_drop) == (2 * len(want), 0)
    dlts = ct.POINTER(ct.c_int)()
    n = pcap.list_datalinks(pd, ct.byref(dlts))
    assert [dlts[i] for i in range(n)] == ether_dlts(ns)
    pcap.free_datalinks(dlts)
    pcap.close(pd)


@REPLAYABLE
def test_open_live_and_dump_callback(ns: netns.Netns, tmp_path: Path) -> None:
    pd = live(ns, ns.b.encode())
    out = tmp_path / "live.pcap"
    dumper = pcap.dump_open(pd, str(out).encode())
    assert dumper
    sent = frames(20)
    ns.send(ns.a, sent)
    got = 0
    end = time.monotonic() + 10
    while got < len(sent) and time.monotonic() < end:
        rc = pcap.dispatch(pd, -1, pcap.dump, ct.cast(dumper, ct.POINTER(ct.c_ubyte)))
        assert rc >= 0
        got += rc
    pcap.dump_close(dumper)
    pcap.close(pd)
    with pcap.Reader(str(out)) as r:
        assert [p.data for p in r] == sent


def test_open_live_errors(ns: netns.Netns) -> None:
    err = errbuf()
    with inside(ns):
        pd = pcap.open_live(b"nosuchdev0", 65535, 0, 100, err)
    assert not pd
    assert err.value.startswith(b"nosuchdev0: ")
    err = errbuf()
    with inside(ns):
        pd = pcap.create(b"nosuchdev0", err)
        assert pd
        rc = pcap.activate(pd)
    assert rc == pcap.PCAP_ERROR_NO_SUCH_DEVICE
    assert pcap.statustostr(rc) == b"No such device exists"
    pcap.close(pd)


def test_findalldevs_walk() -> None:
    err = errbuf()
    devs = ct.POINTER(pcap.pcap_if_t)()
    assert pcap.findalldevs(ct.byref(devs), err) == 0, err.value
    names, loopback_v4 = [], []
    p = devs
    while p:
        d = p.contents
        names.append(d.name.decode())
        a = d.addresses
        while a:
            sa = a.contents.addr
            if sa and sa.contents.sa_family == 2 and d.flags & pcap.PCAP_IF_LOOPBACK:
                sin = ct.cast(sa, ct.POINTER(sockaddr_in)).contents
                loopback_v4.append(bytes(ct.cast(ct.byref(sin.sin_addr), ct.POINTER(ct.c_ubyte * 4))[0]))
            a = a.contents.next
        p = d.next
    first = devs[0].name
    pcap.freealldevs(devs)
    links = subprocess.run(["ip", "-o", "link", "show"], stdout=subprocess.PIPE, text=True,
                           timeout=20).stdout
    expected = {line.split(":")[1].strip().split("@")[0] for line in links.splitlines()}
    # nflog and nfqueue where the kernel speaks netfilter netlink.
    try:
        socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12).close()
        expected |= {"nflog", "nfqueue"}
    except OSError:
        pass
    assert set(names) == expected | {"any"}
    assert first.decode() == names[0]
    if "lo" in names:
        assert bytes([127, 0, 0, 1]) in loopback_v4
    assert [d.name for d in pcap.devices()] == names


def test_sendpacket_inject_stats(ns: netns.Netns) -> None:
    tx = live(ns, ns.a.encode())
    rx = created(ns, ns.b.encode())
    sent = frames(10)
    for f in sent[:5]:
        buf = (ct.c_ubyte * len(f)).from_buffer_copy(f)
        assert pcap.sendpacket(tx, buf, len(f)) == 0
    for f in sent[5:]:
        assert pcap.inject(tx, f, len(f)) == len(f)
    got: List[bytes] = []

    @pcap.pcap_handler
    def keep(user: Any, hdr: Any, data: Any) -> None:
        got.append(ct.string_at(data, hdr[0].caplen))

    dispatch_until(rx, len(sent), keep, None, lambda: len(got))
    assert got == sent
    st = pcap.stat()
    assert pcap.stats(rx, ct.byref(st)) == 0
    assert (st.ps_recv, st.ps_drop, st.ps_ifdrop) == (10, 0, 0)
    any_pd = live(ns, b"any")
    assert pcap.sendpacket(any_pd, (ct.c_ubyte * 60)(), 60) == -1
    assert pcap.geterr(any_pd) == b'Sending packets isn\'t supported on the "any" device'
    for pd in (tx, rx, any_pd):
        pcap.close(pd)


@REPLAYABLE
def test_nonblock_and_selectable_fd(ns: netns.Netns) -> None:
    pd = created(ns, ns.b.encode())
    err = errbuf()
    assert pcap.getnonblock(pd, err) == 0
    assert pcap.setnonblock(pd, 1, err) == 0
    assert pcap.getnonblock(pd, err) == 1
    fd = pcap.get_selectable_fd(pd)
    assert fd >= 0 and fd == pcap.fileno(pd)
    assert not pcap.get_required_select_timeout(pd)
    got: List[int] = []

    @pcap.pcap_handler
    def cb(user: Any, hdr: Any, data: Any) -> None:
        got.append(hdr[0].caplen)

    t0 = time.monotonic()
    assert pcap.dispatch(pd, -1, cb, None) == 0
    assert time.monotonic() - t0 < GENEROUS
    sent = frames(6)
    ns.send(ns.a, sent)
    end = time.monotonic() + 10
    while len(got) < 6 and time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 1.0)
        if r:
            assert pcap.dispatch(pd, -1, cb, None) >= 0
    assert got == [len(f) for f in sent]
    assert pcap.setnonblock(pd, 0, err) == 0
    assert pcap.getnonblock(pd, err) == 0
    pcap.close(pd)


@REPLAYABLE
@pytest.mark.parametrize("func", ["loop", "dispatch"])
def test_breakloop_from_thread(ns: netns.Netns, func: str) -> None:
    pd = created(ns, ns.b.encode(), immediate=False, timeout=0)

    @pcap.pcap_handler
    def cb(user: Any, hdr: Any, data: Any) -> None:
        pass

    box: dict = {}

    def later() -> None:
        time.sleep(0.3)
        box["t"] = time.monotonic()
        pcap.breakloop(pd)

    t = threading.Thread(target=later)
    t.start()
    rc = getattr(pcap, func)(pd, -1, cb, None)
    latency = time.monotonic() - box["t"]
    t.join()
    print(f"\nbreakloop -> {func} returned {rc}: {latency * 1e3:.2f} ms")
    assert rc == pcap.PCAP_ERROR_BREAK
    assert latency < GENEROUS
    pcap.close(pd)
