"""A classic-BPF machine in Python that also reports what it did.

``walk(insns, packet, wirelen)`` runs a program (a list of ``(code, jt, jf,
k)`` tuples, as ``Filter.instructions`` gives them) the way the C engine
does (a load past the captured bytes or a division by zero returns 0, the
scratch words start at 0) and returns a ``Walk``: the return value, how
many conditional jumps ran, and each packet load made, with the offset it
read and the constants the next test compared the loaded value with.  The
tests use the comparison count (level 2's searches are logarithmic) and
the loads (crafted packets put the constants a program looks for where it
looks for them).  Linux ancillary loads (SKF_AD_OFF and above) are not
modelled, nor programs that loop (protochain's backward jump, taken too
often): ``walk`` raises ``Unsupported``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Sequence, Tuple

__all__ = ["Walk", "Unsupported", "walk"]

M32 = 0xFFFFFFFF
SKF_AD_OFF = 0xFFFFF000


class Unsupported(ValueError):
    """The program uses what this machine does not model."""


@dataclass
class Walk:
    ret: int
    comparisons: int = 0
    # (offset, size, constants the following test compared the value with)
    loads: List[Tuple[int, int, List[int]]] = field(default_factory=list)


def _load(pkt: bytes, off: int, size: int) -> int:
    return int.from_bytes(pkt[off:off + size], "big")


def walk(insns: Sequence[Tuple[int, int, int, int]], pkt: bytes, wirelen: int) -> Walk:
    A = X = 0
    mem = [0] * 16
    pc = 0
    w = Walk(ret=0)
    last_load = -1          # index into w.loads of the value now in A
    n = len(pkt)
    steps = 0
    while True:
        code, jt, jf, k = insns[pc]
        pc += 1
        cls = code & 0x07
        if cls in (0x00, 0x01):                                   # LD, LDX
            mode, size = code & 0xE0, {0x00: 4, 0x08: 2, 0x10: 1}.get(code & 0x18, 0)
            if mode == 0x00:                                      # IMM
                v = k
            elif mode == 0x80:                                    # LEN
                v = wirelen
            elif mode == 0x60:                                    # MEM
                v = mem[k]
            elif mode == 0xA0 and cls == 0x01:                    # MSH
                if k >= n:
                    w.ret = 0
                    return w
                v = (pkt[k] & 0xF) << 2
                w.loads.append((k, 1, []))
            elif mode in (0x20, 0x40) and cls == 0x00:            # ABS, IND
                if mode == 0x20 and k >= SKF_AD_OFF:
                    raise Unsupported("ancillary load")
                off = k + (X if mode == 0x40 else 0)
                if k > n or off + size > n:
                    w.ret = 0
                    return w
                v = _load(pkt, off, size)
                w.loads.append((off, size, []))
                last_load = len(w.loads) - 1
            else:
                raise Unsupported("load mode %#x" % code)
            if cls == 0x00:
                A = v
                if mode not in (0x20, 0x40):
                    last_load = -1
            else:
                X = v
        elif cls == 0x02:                                         # ST
            mem[k] = A
        elif cls == 0x03:                                         # STX
            mem[k] = X
        elif cls == 0x04:                                         # ALU
            op, src = code & 0xF0, (X if code & 0x08 else k)
            last_load = -1
            if op == 0x80:
                A = -A & M32
            elif op in (0x30, 0x90) and src == 0:
                w.ret = 0
                return w
            else:
                A = {0x00: lambda: A + src, 0x10: lambda: A - src, 0x20: lambda: A * src,
                     0x30: lambda: A // src, 0x40: lambda: A | src, 0x50: lambda: A & src,
                     # the C engine: X shifts of 32 or more give 0, K shifts
                     # use the low 5 bits
                     0x60: lambda: (A << src if src < 32 else 0) if code & 0x08 else A << (src & 31),
                     0x70: lambda: (A >> src if src < 32 else 0) if code & 0x08 else A >> (src & 31),
                     0x90: lambda: A % src, 0xA0: lambda: A ^ src}[op]() & M32
        elif cls == 0x05:                                         # JMP
            op = code & 0xF0
            if op == 0x00:
                # k wraps: libpcap's protochain code jumps back this way
                pc = (pc + k) & M32
                steps += 1
                if steps > 100000:
                    raise Unsupported("loops")
                continue
            src = X if code & 0x08 else k
            w.comparisons += 1
            if last_load >= 0 and not code & 0x08:
                w.loads[last_load][2].append(k)
            taken = {0x10: A == src, 0x20: A > src, 0x30: A >= src, 0x40: (A & src) != 0}[op]
            pc += jt if taken else jf
        elif cls == 0x06:                                         # RET
            w.ret = (A if code & 0x18 == 0x10 else k) & M32
            return w
        else:                                                     # MISC
            if code & 0xF8 == 0x00:
                X = A
            else:
                A = X
                last_load = -1
