"""Differential test of the link-layer and time stamp type tables.

tests/oracle/dlt_table.c is built twice: against the system libpcap (the
oracle, in its own process, without our include directory) and against our
core sources (core/datalink.c, core/tstamp_types.c, core/errors.c,
core/registry.c).  Both print, for every
code, the DLT_ name, description and "_or_dlt" text, the DLT_ -> LINKTYPE_
mapping, the LINKTYPE_ -> DLT_ mapping with the snapshot limit, the time
stamp types, and name lookups.  Every line must agree, except the entries
listed below where libpcap master (our reference) deliberately differs from
the system's 1.10.3.
"""
from __future__ import annotations

import pathlib
import re
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "_libpcap"
ORACLE = ROOT / "tests" / "oracle" / "dlt_table.c"
OUR_SOURCES = [SRC / "core" / "datalink.c", SRC / "core" / "tstamp_types.c",
               SRC / "core" / "errors.c", SRC / "core" / "registry.c"]
CFLAGS = ["-std=c11", "-O1", "-Wall", "-Wextra"]

# ---------------------------------------------------------------------------
# Where libpcap master differs from 1.10.3.  Each entry was checked against
# master's own text: the dlt_choices[] table of pcap.c at master commit
# cdc5ae62 (2024-04), and, for the later changes, a released 1.10.6 build of
# the 1.10 branch, which took them over from master unchanged.
# ---------------------------------------------------------------------------

#: Code -> (name, description) for table entries that master added or changed.
MASTER_TABLE: dict[int, tuple[str, str]] = {
    # DLT_USER0..15 got entries in master in 2025 (pull request #1526).
    **{147 + n: (f"USER{n}", f"Private use {n}") for n in range(16)},
    # Master renamed IPMB_LINUX to I2C_LINUX (commit cdc5ae62), text included.
    209: ("I2C_LINUX", "I2C with Linux/Pigeon Point pseudo-header"),
    # Spelling fixed in master ("Wireless HART" before).
    223: ("WIHART", "WirelessHART"),
    # Master dropped "DLT_" from these two descriptions in 2025.
    258: ("PKTAP", "Apple PKTAP"),
    267: ("OPENFLOW", "OpenBSD OpenFlow"),
    # Types assigned after 1.10.3; the texts are those of master's table.
    290: ("ETW", "Event Tracing for Windows messages"),
    291: ("NETANALYZER_NG", "Hilscher netANALYZER NG pseudo-footer"),
    292: ("ZBOSS_NCP", "ZBOSS NCP protocol with pseudo-header"),
    293: ("USB_2_0_LOW_SPEED", "Low-Speed USB 2.0/1.1/1.0 as transmitted over the cable"),
    294: ("USB_2_0_FULL_SPEED", "Full-Speed USB 2.0/1.1/1.0 as transmitted over the cable"),
    295: ("USB_2_0_HIGH_SPEED", "High-Speed USB 2.0 as transmitted over the cable"),
    296: ("AUERSWALD_LOG", "Auerswald Logger Protocol"),
    297: ("ZWAVE_TAP", "Z-Wave packets with a TAP meta-data header"),
    298: ("SILABS_DEBUG_CHANNEL", "Silicon Labs debug channel protocol"),
    299: ("FIRA_UCI", "Ultra-wideband controller interface protocol"),
    300: ("MDB", "Multi-Drop Bus"),
    301: ("DECT_NR", "DECT New Radio"),
    # Added in master in 2025 (seen in the 1.10.6 build's table).
    302: ("EDK2_MM", "edk2 mm request serialization protocol"),
    303: ("DEBUG_ONLY", "unstructured data for manual debugging only"),
}

#: Table names master no longer has (renamed above).
MASTER_REMOVED_NAMES = {"IPMB_LINUX"}

#: DLT_ -> LINKTYPE_ results that differ.  1.10.3 maps its high matching range
#: only up to its DLT_MATCHING_MAX (289) and has no entry for
#: DLT_REDBACK_SMARTEDGE; master's dlt_to_linktype() passes 32, 50, 51 and 99
#: through and keeps 104..DLT_HIGH_MATCHING_MAX unchanged.  304 is
#: DLT_DECT_NR_TAP, assigned in master in 2026 (pull request #1681).
MASTER_D2L: dict[int, int] = {32: 32, **{v: v for v in range(290, 305)}}


def _expected_ours(kind: str, key: str, sys_row: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """What our line must be where master differs from 1.10.3, else None."""
    if kind == "dlt":
        entry = MASTER_TABLE.get(int(key))
        return None if entry is None else (entry[0], entry[1], entry[1])
    if kind == "d2l":
        value = MASTER_D2L.get(int(key))
        return None if value is None else (str(value),)
    if kind == "name" and sys_row is not None:
        upper = key.upper()
        by_name = {name: code for code, (name, _) in MASTER_TABLE.items()}
        if upper in by_name:
            return (str(by_name[upper]), sys_row[1])
        if upper in MASTER_REMOVED_NAMES:
            return ("-1", sys_row[1])
    return None


# ---------------------------------------------------------------------------


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)  # type: ignore[call-overload]


def _system_libpcap_problem(tmp: pathlib.Path) -> str | None:
    if shutil.which("gcc") is None:
        return "gcc is not installed"
    probe = tmp / "probe.c"
    probe.write_text("#include <pcap/pcap.h>\n"
                     "int main(void) { return pcap_lib_version() == 0; }\n")
    proc = _run(["gcc", str(probe), "-lpcap", "-o", str(tmp / "probe")])
    if proc.returncode != 0:
        return "the system libpcap (headers and -lpcap) is not installed: " + proc.stderr[-300:]
    return None


@pytest.fixture(scope="module")
def binaries(tmp_path_factory: pytest.TempPathFactory) -> tuple[pathlib.Path, pathlib.Path]:
    tmp = tmp_path_factory.mktemp("dlt_oracle")
    problem = _system_libpcap_problem(tmp)
    if problem is not None:
        pytest.skip(problem)
    system = tmp / "dlt_table_system"
    proc = _run(["gcc", *CFLAGS, str(ORACLE), "-lpcap", "-o", str(system)])
    assert proc.returncode == 0, "oracle build against the system libpcap failed:\n" + proc.stderr
    ours = tmp / "dlt_table_ours"
    proc = _run(["gcc", *CFLAGS, "-Werror", "-D_GNU_SOURCE", "-fvisibility=hidden",
                 "-DDLT_TABLE_OURS", f"-I{SRC / 'include'}", f"-I{SRC / 'core'}",
                 str(ORACLE), *map(str, OUR_SOURCES), "-o", str(ours)])
    assert proc.returncode == 0, "build against our core failed:\n" + proc.stderr
    return system, ours


def _parse(text: str) -> dict[tuple[str, str], tuple[str, ...]]:
    rows: dict[tuple[str, str], tuple[str, ...]] = {}
    for line in text.split("\n"):
        if not line:
            continue
        kind, key, *rest = line.split("\t")
        assert (kind, key) not in rows, f"duplicate line {line!r}"
        rows[(kind, key)] = tuple(rest)
    return rows


def _tables(binary: pathlib.Path, names: list[str]) -> dict[tuple[str, str], tuple[str, ...]]:
    proc = _run([str(binary)], input="".join(n + "\n" for n in names))
    assert proc.returncode == 0, f"{binary.name} failed: {proc.stderr}"
    return _parse(proc.stdout)


def _lookup_names(*tables: dict[tuple[str, str], tuple[str, ...]]) -> list[str]:
    """Every name either side knows or our dlt.h defines, in several spellings."""
    base = {rest[0] for t in tables for (kind, _), rest in t.items()
            if kind in ("dlt", "ts") and rest[0] != "(null)"}
    header = (SRC / "include" / "pcap" / "dlt.h").read_text()
    base |= set(re.findall(r"#define\s+DLT_(\w+)", header))
    base |= set(MASTER_TABLE[c][0] for c in MASTER_TABLE) | MASTER_REMOVED_NAMES
    names: set[str] = set()
    for n in base:
        names |= {n, n.lower(), n.upper(), n.capitalize(), n.swapcase(), "DLT_" + n,
                  n + " ", " " + n, n[:-1], n + "X"}
    names |= {"", "Ethernet", "Raw IP", "host, low precision", "\u00e9n10mb", "EN10MB\u00a0"}
    return sorted(names)


@pytest.fixture(scope="module")
def outputs(binaries: tuple[pathlib.Path, pathlib.Path]
            ) -> tuple[dict[tuple[str, str], tuple[str, ...]], dict[tuple[str, str], tuple[str, ...]]]:
    system, ours = binaries
    names = _lookup_names(_tables(system, []), _tables(ours, []))
    return _tables(system, names), _tables(ours, names)


def test_same_lines(outputs: tuple[dict, dict]) -> None:
    sys_rows, our_rows = outputs
    assert sys_rows.keys() == our_rows.keys()
    bad = []
    for key, sys_row in sys_rows.items():
        our_row = our_rows[key]
        if our_row == sys_row:
            continue
        want = _expected_ours(key[0], key[1], sys_row)
        if want is None or our_row != want:
            bad.append(f"{key}: system {sys_row!r}, ours {our_row!r}, master {want!r}")
    assert not bad, f"{len(bad)} lines differ:\n" + "\n".join(bad[:40])


def test_master_entries_are_ours(outputs: tuple[dict, dict]) -> None:
    """The expected differences hold whatever libpcap version the system has."""
    sys_rows, our_rows = outputs
    for code, (name, desc) in MASTER_TABLE.items():
        assert our_rows[("dlt", str(code))] == (name, desc, desc)
        assert our_rows[("name", name)][0] == str(code)
        assert our_rows[("name", name.lower())][0] == str(code)
    for name in MASTER_REMOVED_NAMES:
        assert our_rows[("name", name)][0] == "-1"
    for dlt, linktype in MASTER_D2L.items():
        assert our_rows[("d2l", str(dlt))] == (str(linktype),)


def test_oracle_sees_real_tables(outputs: tuple[dict, dict]) -> None:
    """Guard against a comparison of two empty or broken outputs."""
    sys_rows, our_rows = outputs
    for rows in (sys_rows, our_rows):
        assert rows[("dlt", "1")][:2] == ("EN10MB", "Ethernet")
        assert rows[("dlt", "65535")] == ("(null)", "(null)", "DLT 65535")
        assert rows[("d2l", "12")] == ("101",)
        assert rows[("l2d", "101")] == ("12", "262144")
        assert rows[("l2d", "231")] == ("231", str(128 * 1024 * 1024))
        assert rows[("ts", "4")] == ("adapter_unsynced", "Adapter, not synced with system time")
        assert rows[("name", "en10mb")] == ("1", "-1")
        assert rows[("name", "HOST")] == ("-1", "0")
        named = sum(1 for (kind, _), r in rows.items() if kind == "dlt" and r[0] != "(null)")
        assert named > 150
