"""Independent readers of pcapng files, as test oracles: Wireshark's tshark
and capinfos (Debian's Wireshark 4.0), each run as a separate process.

* ``tshark_packets(path)``: what tshark's wiretap reads, one dict per
  packet: ts_ns (from frame.time_epoch, which must have 9 fraction digits),
  caplen, wirelen, data (frame_raw), section, iface_id, iface_name,
  iface_description, flags (epb_flags), comments, encap (wiretap's number).
  ``source`` may also be bytes, handed to ``tshark -r -`` through a pipe.
* ``file_blocks(path)``: tshark's *file* dissector (``-X read_format:MIME
  Files Format``, the "file-pcapng" protocol), which walks the blocks
  themselves: one dict per block with its type, lengths, fixed fields and
  options.  It sees what wiretap hides (NRB records, ISB options, SHB
  byte-order magic and options, if_tsresol/if_tsoffset bytes).
* ``capinfos(path)``: ``capinfos`` parsed into its top-level lines and one
  dict per "Interface #N info" section.

None of this reads a file with our library.  A missing tool skips the test,
except in CI (CI=true), where .ci/run installs tshark and a missing tool
fails.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import pytest

from conftest import clean_env

__all__ = ["need", "tshark_packets", "file_blocks", "capinfos", "tool_run",
           "Obj", "BT_SHB", "BT_IDB", "BT_EPB", "BT_NRB", "BT_ISB", "BT_SPB"]

BT_SHB, BT_IDB, BT_SPB, BT_NRB, BT_ISB, BT_EPB = 0x0A0D0D0A, 1, 3, 4, 5, 6
TIMEOUT = 120


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need(tool: str) -> str:
    """The path of a Wireshark tool; skip (fail in CI) when it is missing."""
    path = shutil.which(tool)
    if path is None:
        msg = f"{tool} is not installed (apt-get install tshark): no pcapng oracle"
        if _in_ci():
            pytest.fail(msg)
        pytest.skip(msg)
    return path


def tool_run(argv: Sequence[str], input: Optional[bytes] = None,
             check: bool = True) -> "subprocess.CompletedProcess[bytes]":
    proc = subprocess.run(list(argv), input=input, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=clean_env(), timeout=TIMEOUT)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, argv))} failed ({proc.returncode}): "
                             f"{proc.stderr.decode(errors='replace')[-2000:]}")
    return proc


class Obj:
    """A JSON object of tshark's, whose keys repeat (one per option/block)."""

    def __init__(self, pairs: List[Tuple[str, Any]]) -> None:
        self.pairs = pairs

    def get(self, key: str, default: Any = None) -> Any:
        for k, v in self.pairs:
            if k == key:
                return v
        return default

    def all(self, key: str) -> List[Any]:
        return [v for k, v in self.pairs if k == key]

    def find(self, key: str) -> List[Any]:
        """Every value of ``key`` at any depth, in document order."""
        out: List[Any] = []
        for k, v in self.pairs:
            if k == key:
                out.append(v)
            if isinstance(v, Obj):
                out += v.find(key)
        return out

    def __repr__(self) -> str:
        return f"Obj({self.pairs!r})"


def _loads(text: str) -> Any:
    return json.loads(text, object_pairs_hook=Obj)


def epoch_to_ns(text: str) -> int:
    """frame.time_epoch -> integer ns; requires the 9 fraction digits."""
    if not re.fullmatch(r"-?\d+\.\d{9}", text):
        raise AssertionError(f"tshark's frame.time_epoch {text!r} has not 9 fraction digits")
    return int(Decimal(text) * 10**9)


Source = Union[str, Path, bytes]


def tshark_packets(source: Source) -> List[Dict[str, Any]]:
    tshark = need("tshark")
    if isinstance(source, bytes):
        argv, data = [tshark, "-n", "-r", "-"], source
    else:
        argv, data = [tshark, "-n", "-r", str(source)], None
    proc = tool_run(argv + ["-T", "json", "-x", "-J", "frame pkt_comment"], input=data)
    out = []
    for item in _loads(proc.stdout.decode("utf-8")):
        layers = item.get("_source").get("layers")
        frame = layers.get("frame")
        raw = layers.get("frame_raw")
        tree = frame.get("frame.interface_id_tree") or Obj([])
        comments = layers.get("pkt_comment")
        flags = frame.get("frame.packet_flags")
        out.append({
            # an SPB has no time stamp: tshark shows none
            "ts_ns": (None if frame.get("frame.time_epoch") is None
                      else epoch_to_ns(frame.get("frame.time_epoch"))),
            "caplen": int(frame.get("frame.cap_len")),
            "wirelen": int(frame.get("frame.len")),
            "data": bytes.fromhex(raw[0]) if raw else b"",
            "section": int(frame.get("frame.section_number", "0")),
            "iface_id": (None if frame.get("frame.interface_id") is None
                         else int(frame.get("frame.interface_id"))),
            "iface_name": tree.get("frame.interface_name"),
            "iface_description": tree.get("frame.interface_description"),
            "flags": None if flags is None else int(flags, 16),
            "comments": [] if comments is None else comments.all("frame.comment"),
            "encap": int(frame.get("frame.encap_type")),
        })
    return out


def _int(text: Optional[str]) -> Optional[int]:
    if text is None:
        return None
    return int(text, 16) if text.startswith("0x") else int(text)


def file_blocks(path: Union[str, Path]) -> List[Dict[str, Any]]:
    """The blocks of a pcapng file, as tshark's file dissector parses them.

    Each: type, length, length_trailer, data (the Obj of pcapng.block.data)
    and options: a list of (code, Obj) in file order.  Blocks after the
    first section are listed too (the dissector walks the whole file).
    """
    tshark = need("tshark")
    proc = tool_run([tshark, "-X", "read_format:MIME Files Format", "-r", str(path),
                     "-T", "json"])
    frames = _loads(proc.stdout.decode("utf-8"))
    if len(frames) != 1:
        raise AssertionError(f"file dissector gave {len(frames)} frames")
    top = frames[0].get("_source").get("layers").get("file-pcapng")
    if top is None:
        raise AssertionError("tshark's file dissector does not see a pcapng file")
    blocks = []
    for b in top.all("pcapng.block"):
        data = b.get("pcapng.block.data") or Obj([])
        opts = []
        holder = data.get("pcapng.options")
        if holder is not None:
            for o in holder.all("pcapng.options.option"):
                opts.append((int(o.get("pcapng.options.option.code")), o))
        blocks.append({
            "type": _int(b.get("pcapng.block.type")),
            "length": _int(b.get("pcapng.block.length")),
            "length_trailer": _int(b.get("pcapng.block.length_trailer")),
            "data": data,
            "options": opts,
            "expert": [k for k, _ in b.pairs if k == "_ws.expert"] + top.find("_ws.malformed"),
        })
    return blocks


def option_values(block: Dict[str, Any], code: int, field: str) -> List[str]:
    return [o.get(field) for c, o in block["options"] if c == code]


def capinfos(path: Union[str, Path]) -> Dict[str, Any]:
    """capinfos' report: top-level "Key: value" lines, and "interfaces": a
    list of dicts of each "Interface #N info" section's "Key = value"
    lines."""
    exe = need("capinfos")
    proc = tool_run([exe, str(path)])
    top: Dict[str, Any] = {"interfaces": []}
    current: Optional[Dict[str, str]] = None
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        m = re.match(r"^Interface #(\d+) info:", line)
        if m:
            current = {}
            top["interfaces"].append(current)
            continue
        if current is not None and line.startswith(" ") and "=" in line:
            k, v = line.strip().split("=", 1)
            current[k.strip()] = v.strip()
            continue
        if not line.startswith(" ") and ":" in line:
            current = None
            k, v = line.split(":", 1)
            top[k.strip()] = v.strip()
    return top
