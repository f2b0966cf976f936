"""Every header libpcap installs, built the way a packager builds a client:
with the flags of ``python -m libpcap --cflags --libs`` and nothing else.

* the package ships each header libpcap 1.10/master installs (and each one
  the system's libpcap-dev installs, when that is present);
* a program that includes all of them compiles without warnings (C and
  C++), and ``gcc -H`` plus an ``strace`` of the compiler show that no file
  of the system's libpcap headers (``/usr/include/pcap*``) is ever opened
  or even probed, although libpcap-dev is installed on the test machines;
* every header compiles on its own, first in a translation unit;
* the program links our libpcap.so only, runs, and calls the name-database
  functions (pcap/namedb.h);
* the types and constants have the ABI of the system's libpcap 1.10 headers
  (sizes, field offsets, values), checked by the same probe compiled
  against each;
* the name-database functions answer as the system's libpcap does for the
  same inputs (a differential run in separate processes).  The inputs
  avoid the places where libpcap master deliberately differs from 1.10
  (pcap_ether_aton refuses malformed text in master; master knows the
  EtherType names lldp and slow): tests/c/test_namedb.c covers those.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from conftest import clean_env, compiler_warnings, linked_libpcap

# What libpcap installs (1.10 and master install the same set).
HEADERS = [
    "pcap.h", "pcap-bpf.h", "pcap-namedb.h",
    "pcap/pcap.h", "pcap/bpf.h", "pcap/dlt.h", "pcap/namedb.h",
    "pcap/sll.h", "pcap/vlan.h", "pcap/usb.h", "pcap/nflog.h",
    "pcap/ipnet.h", "pcap/can_socketcan.h", "pcap/bluetooth.h",
    "pcap/socket.h", "pcap/funcattrs.h", "pcap/compiler-tests.h",
    "pcap/pcap-inttypes.h",
]

SYSTEM_INCLUDE = Path("/usr/include")

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is needed")


def run_env() -> Dict[str, str]:
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)
    return env


@pytest.fixture(scope="module")
def flags(ours_package: Path) -> Tuple[List[str], List[str]]:
    """(cflags, libs) split out of one ``--cflags --libs`` call."""
    env = run_env()
    env["PYTHONPATH"] = str(ours_package.parent)
    proc = subprocess.run([sys.executable, "-m", "libpcap", "--cflags", "--libs"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, cwd=str(ours_package.parent), timeout=120)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    words = shlex.split(proc.stdout.decode())
    cflags = [w for w in words if w.startswith(("-I", "-D"))]
    libs = [w for w in words if w not in cflags]
    assert cflags and libs, words
    return cflags, libs


def _compile(cmd: List[str]) -> str:
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          env=clean_env(), timeout=300)
    text = proc.stdout.decode("utf-8", "replace")
    assert proc.returncode == 0, f"{shlex.join(cmd)}\n{text}"
    return text


def _system_pcap_paths(text: str) -> List[str]:
    """Paths in text that name the system's libpcap headers."""
    found = []
    for m in re.finditer(r"(/[^\s\"',()]*)", text):
        real = os.path.realpath(m.group(1))
        if re.match(r"^/usr/(local/)?include/pcap[^/]*(/|$)", real) or \
                re.match(r"^/usr/include/[^/]+-linux-gnu/pcap", real):
            found.append(m.group(1))
    return found


# --------------------------------------------------------------------------
# The program that includes everything

ALL_HEADERS_C = r"""
/* Every public header, in the order a client might use them. */
#include <pcap.h>
#include <pcap-bpf.h>
#include <pcap-namedb.h>
#include <pcap/pcap.h>
#include <pcap/bpf.h>
#include <pcap/dlt.h>
#include <pcap/namedb.h>
#include <pcap/sll.h>
#include <pcap/vlan.h>
#include <pcap/usb.h>
#include <pcap/nflog.h>
#include <pcap/ipnet.h>
#include <pcap/can_socketcan.h>
#include <pcap/bluetooth.h>
#include <pcap/socket.h>
#include <pcap/funcattrs.h>
#include <pcap/compiler-tests.h>
#include <pcap/pcap-inttypes.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char pcap_version[];

int
main(void)
{
    struct sll2_header sll2;
    pcap_usb_header_mmapped usb;
    struct addrinfo *ai;
    u_char *mac;
    int port = 0, port2 = 0, proto = 0;
    PCAP_SOCKET sock = PCAP_INVALID_SOCKET;

    (void)sll2; (void)usb; (void)sock;
    printf("version %s\n", pcap_version);
    printf("lib %s\n", pcap_lib_version());
    printf("sizes %zu %zu %zu %zu\n", sizeof(struct sll_header), sizeof(struct sll2_header),
           sizeof(pcap_usb_header), sizeof(pcap_usb_header_mmapped));
    printf("eproto ip %d ip6 %d llc stp %d\n", pcap_nametoeproto("ip"),
           pcap_nametoeproto("ip6"), pcap_nametollc("stp"));
    printf("proto tcp %d\n", pcap_nametoproto("tcp"));
    printf("port %d", pcap_nametoport("80", &port, &proto));
    printf(" %d %d\n", port, proto);
    printf("range %d", pcap_nametoportrange("20-21", &port, &port2, &proto));
    printf(" %d %d %d\n", port, port2, proto);
    mac = pcap_ether_aton("00:11:22:33:44:55");
    printf("mac %02x%02x%02x%02x%02x%02x\n", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    free(mac);
    ai = pcap_nametoaddrinfo("127.0.0.1");
    printf("addrinfo %d\n", ai != NULL && ai->ai_family == AF_INET);
    if (ai != NULL)
        freeaddrinfo(ai);
    printf("undef %d\n", PROTO_UNDEF);
    return 0;
}
"""


@pytest.fixture(scope="module")
def all_headers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("headers") / "all_headers.c"
    src.write_text(ALL_HEADERS_C)
    return src


def test_package_ships_every_installed_header(ours_package: Path) -> None:
    include = ours_package / "include"
    missing = [h for h in HEADERS if not (include / h).is_file()]
    assert not missing, f"headers libpcap installs that the package lacks: {missing}"
    if (SYSTEM_INCLUDE / "pcap" / "pcap.h").is_file():
        system = [str(p.relative_to(SYSTEM_INCLUDE))
                  for p in list(SYSTEM_INCLUDE.glob("pcap*.h"))
                  + list((SYSTEM_INCLUDE / "pcap").glob("*.h"))]
        missing = [h for h in system if not (include / h).is_file()]
        assert not missing, f"headers the system's libpcap-dev has and we lack: {missing}"


def test_no_system_header_is_ever_reached(flags: Tuple[List[str], List[str]],
                                          all_headers: Path, tmp_path: Path) -> None:
    cflags, libs = flags
    exe = tmp_path / "all_headers"
    # -H names every header actually included, with its path.
    text = _compile(["gcc", "-H", "-Wall", "-Wextra", *cflags, str(all_headers),
                     "-o", str(exe), *libs])
    included = [line.lstrip(". ").strip() for line in text.splitlines()
                if re.match(r"^\.+ ", line)]
    pcap_included = [p for p in included if "pcap" in os.path.basename(p)
                     or "/pcap/" in p]
    assert len(pcap_included) >= len(HEADERS) - 1, included
    assert not _system_pcap_paths("\n".join(included)), included
    assert not compiler_warnings("\n".join(line for line in text.splitlines()
                                           if not re.match(r"^(\.+ |Multiple include)", line)))
    # -M: the dependency list is ours too.
    deps = _compile(["gcc", "-M", *cflags, str(all_headers)])
    assert not _system_pcap_paths(deps), deps
    if shutil.which("strace") is None:
        pytest.skip("strace not installed: probes of the include path not checked")
    # Not even probed: every file the compiler (and its children) opens or stats.
    log = tmp_path / "strace.log"
    proc = subprocess.run(["strace", "-f", "-qq", "-o", str(log), "-e",
                           "trace=open,openat,openat2,stat,lstat,newfstatat,statx,access,faccessat,faccessat2,readlink",
                           "gcc", "-fsyntax-only", *cflags, str(all_headers)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          env=clean_env(), timeout=300)
    if proc.returncode != 0 and "ptrace" in proc.stdout.decode("utf-8", "replace"):
        pytest.skip("strace cannot trace here: " + proc.stdout.decode()[-300:])
    assert proc.returncode == 0, proc.stdout.decode("utf-8", "replace")
    touched = [line for line in log.read_text().splitlines()
               if re.search(r"\"/usr/(local/)?include/pcap", line)]
    assert not touched, "the compiler looked at the system's libpcap headers:\n" + \
        "\n".join(touched[:20])


def test_program_links_ours_and_calls_namedb(ours_package: Path,
                                             flags: Tuple[List[str], List[str]],
                                             all_headers: Path, tmp_path: Path) -> None:
    cflags, libs = flags
    exe = tmp_path / "all_headers"
    text = _compile(["gcc", "-Wall", "-Wextra", *cflags, str(all_headers), "-o", str(exe), *libs])
    assert not compiler_warnings(text), text
    links = linked_libpcap(exe)
    assert len(links) == 1 and str(os.path.realpath(ours_package / "lib")) in \
        os.path.realpath(links[0].split("=>")[-1].split()[0]), links
    proc = subprocess.run([str(exe)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=run_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode().splitlines()
    assert re.match(r"^version 1\.\d+", out[0]), out
    assert out[2] == "sizes 16 20 48 64", out
    assert out[3] == "eproto ip 2048 ip6 34525 llc stp 66", out
    assert out[5] == "port 1 80 -1", out
    assert out[6] == "range 1 20 21 -1", out
    assert out[7] == "mac 001122334455", out
    assert out[8] == "addrinfo 1", out
    assert out[9] == "undef -1", out


@pytest.mark.parametrize("lang", ["c", "c++"])
def test_each_header_stands_alone(ours_package: Path, flags: Tuple[List[str], List[str]],
                                  tmp_path: Path, lang: str) -> None:
    cflags, _ = flags
    compiler = "gcc" if lang == "c" else "g++"
    if shutil.which(compiler) is None:
        pytest.skip(f"{compiler} not installed")
    std = ["-std=c99", "-pedantic"] if lang == "c" else ["-std=c++11"]
    bad = []
    for header in HEADERS:
        src = tmp_path / ("one.c" if lang == "c" else "one.cc")
        src.write_text(f"#include <{header}>\nint one_header_test;\n")
        proc = subprocess.run([compiler, "-fsyntax-only", "-D_DEFAULT_SOURCE", "-Wall",
                               "-Wextra", *std, *cflags, str(src)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env=clean_env(), timeout=120)
        out = proc.stdout.decode("utf-8", "replace")
        if proc.returncode != 0 or compiler_warnings(out):
            bad.append(f"{header}:\n{out}")
    assert not bad, "\n".join(bad)


# --------------------------------------------------------------------------
# ABI: the same probe against the system's headers and ours

ABI_STRUCTS = {
    "struct vlan_tag": ["vlan_tpid", "vlan_tci"],
    "struct sll_header": ["sll_pkttype", "sll_hatype", "sll_halen", "sll_addr", "sll_protocol"],
    "struct sll2_header": ["sll2_protocol", "sll2_reserved_mbz", "sll2_if_index", "sll2_hatype",
                           "sll2_pkttype", "sll2_halen", "sll2_addr"],
    "pcap_usb_setup": ["bmRequestType", "bRequest", "wValue", "wIndex", "wLength"],
    "iso_rec": ["error_count", "numdesc"],
    "pcap_usb_header": ["id", "event_type", "transfer_type", "endpoint_number",
                        "device_address", "bus_id", "setup_flag", "data_flag", "ts_sec",
                        "ts_usec", "status", "urb_len", "data_len", "setup"],
    "pcap_usb_header_mmapped": ["id", "event_type", "transfer_type", "endpoint_number",
                                "device_address", "bus_id", "setup_flag", "data_flag",
                                "ts_sec", "ts_usec", "status", "urb_len", "data_len", "s",
                                "interval", "start_frame", "xfer_flags", "ndesc"],
    "usb_isodesc": ["status", "offset", "len", "pad"],
    "nflog_hdr_t": ["nflog_family", "nflog_version", "nflog_rid"],
    "nflog_tlv_t": ["tlv_length", "tlv_type"],
    "nflog_packet_hdr_t": ["hw_protocol", "hook", "pad"],
    "nflog_hwaddr_t": ["hw_addrlen", "pad", "hw_addr"],
    "nflog_timestamp_t": ["sec", "usec"],
    "pcap_can_socketcan_hdr": ["can_id", "payload_length", "fd_flags", "reserved1", "reserved2"],
    "pcap_bluetooth_h4_header": ["direction"],
    "pcap_bluetooth_linux_monitor_header": ["adapter_id", "opcode"],
    "struct pcap_etherent": ["addr", "name"],
}

ABI_MACROS = [
    "VLAN_TAG_LEN", "SLL_HDR_LEN", "SLL_ADDRLEN", "SLL2_HDR_LEN", "LINUX_SLL_HOST",
    "LINUX_SLL_BROADCAST", "LINUX_SLL_MULTICAST", "LINUX_SLL_OTHERHOST", "LINUX_SLL_OUTGOING",
    "LINUX_SLL_P_802_3", "LINUX_SLL_P_802_2", "LINUX_SLL_P_CAN", "LINUX_SLL_P_CANFD",
    "URB_TRANSFER_IN", "URB_ISOCHRONOUS", "URB_INTERRUPT", "URB_CONTROL", "URB_BULK",
    "URB_SUBMIT", "URB_COMPLETE", "URB_ERROR",
    "NFULA_PACKET_HDR", "NFULA_MARK", "NFULA_TIMESTAMP", "NFULA_IFINDEX_INDEV",
    "NFULA_IFINDEX_OUTDEV", "NFULA_IFINDEX_PHYSINDEV", "NFULA_IFINDEX_PHYSOUTDEV",
    "NFULA_HWADDR", "NFULA_PAYLOAD", "NFULA_PREFIX", "NFULA_UID", "NFULA_SEQ",
    "NFULA_SEQ_GLOBAL", "NFULA_GID", "NFULA_HWTYPE", "NFULA_HWHEADER", "NFULA_HWLEN",
    "CANFD_BRS", "CANFD_ESI", "CANFD_FDF", "IPH_AF_INET", "IPH_AF_INET6",
    "IPNET_OUTBOUND", "IPNET_INBOUND", "PROTO_UNDEF",
]

ABI_FUNCTION_MACROS = ["PCAP_IS_AT_LEAST_GNUC_VERSION(4, 0)",
                       "PCAP_IS_AT_LEAST_CLANG_VERSION(3, 0)",
                       "PCAP_IS_AT_LEAST_SUNC_VERSION(5, 9)",
                       "PCAP_IS_AT_LEAST_XL_C_VERSION(10, 1)",
                       "PCAP_IS_AT_LEAST_HP_C_VERSION(6, 10)"]


def _abi_probe() -> str:
    lines = [f"#include <{h}>" for h in HEADERS if h != "pcap/socket.h"]
    lines += ["#include <stdio.h>", "#include <stddef.h>", "int main(void) {"]
    for typ, fields in ABI_STRUCTS.items():
        lines.append(f'printf("sizeof {typ} %zu\\n", sizeof({typ}));')
        for f in fields:
            lines.append(f'printf("offsetof {typ}.{f} %zu %zu\\n", offsetof({typ}, {f}),'
                         f' sizeof((({typ} *)0)->{f}));')
    for m in ABI_MACROS:
        lines.append(f'printf("{m} %lld\\n", (long long)({m}));')
    for m in ABI_FUNCTION_MACROS:
        lines.append(f'printf("{m.split("(")[0]} %d\\n", (int)({m}));')
    lines.append('printf("PCAP_ETHERS_FILE %s\\n", PCAP_ETHERS_FILE);')
    lines.append("return 0; }")
    return "\n".join(lines) + "\n"


def _build_and_run(src: Path, exe: Path, cflags: List[str], libs: List[str]) -> str:
    _compile(["gcc", "-Wall", *cflags, str(src), "-o", str(exe), *libs])
    proc = subprocess.run([str(exe)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=run_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode()


def _need_system_libpcap() -> None:
    if not (SYSTEM_INCLUDE / "pcap" / "pcap.h").is_file():
        pytest.skip("the system's libpcap headers are not installed (libpcap-dev)")


def test_abi_matches_system_headers(flags: Tuple[List[str], List[str]], tmp_path: Path) -> None:
    _need_system_libpcap()
    cflags, _ = flags
    src = tmp_path / "abi.c"
    src.write_text(_abi_probe())
    theirs = _build_and_run(src, tmp_path / "abi_system", [], [])
    ours = _build_and_run(src, tmp_path / "abi_ours", cflags, [])
    diff = [f"system: {a!r}  ours: {b!r}" for a, b in
            zip(theirs.splitlines(), ours.splitlines()) if a != b]
    assert len(theirs.splitlines()) == len(ours.splitlines())
    assert not diff, "\n".join(diff)


# --------------------------------------------------------------------------
# Behaviour: the same probe linked with the system's libpcap and with ours

NAMEDB_PROBE_C = r"""
#include <pcap.h>
#include <pcap/namedb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netdb.h>
#include <arpa/inet.h>

static void
show_mac(const char *what, const char *arg, u_char *m)
{
    if (m == NULL) {
        printf("%s %s NULL\n", what, arg);
        return;
    }
    printf("%s %s %02x:%02x:%02x:%02x:%02x:%02x\n", what, arg, m[0], m[1], m[2], m[3], m[4], m[5]);
    free(m);
}

int
main(int argc, char **argv)
{
    static const char *ports[] = { "smtp", "domain", "bootps", "bootpc", "http", "ntp",
        "80", "0", "65535", "nosuchservice", "", "ssh", "snmp", "syslog", "shell", NULL };
    static const char *ranges[] = { "smtp-25", "smtp-domain", "domain-smtp", "bootps-bootpc",
        "20-30", "30-20", "ftp-data-ssh", "nosuch-25", "25", "http-https", NULL };
    static const char *protos[] = { "ip", "tcp", "TCP", "udp", "icmp", "ipv6-icmp", "sctp",
        "igmp", "pim", "vrrp", "esp", "ah", "nosuchprotocol", "", NULL };
    static const char *names[] = { "aarp", "arp", "atalk", "decnet", "ip", "ip6", "lat",
        "loopback", "mopdl", "moprc", "rarp", "sca", "iso", "stp", "ipx", "netbeui",
        "IP", "nosuch", "", NULL };
    static const char *macs[] = { "00:11:22:33:44:55", "aa:bb:cc:dd:ee:ff",
        "AA-BB-CC-DD-EE-FF", "aa.bb.cc.dd.ee.ff", "aabb.ccdd.eeff", "aabbccddeeff",
        "1:2:3:4:5:6", NULL };
    static const char *hosts[] = { "127.0.0.1", "10.1.2.3", "1.2", NULL };
    static const char *nets[] = { "loopback", "link-local", "nosuchnet", NULL };
    int i, port, port2, proto;

    for (i = 0; ports[i]; i++) {
        port = port2 = proto = -9;
        int r = pcap_nametoport(ports[i], &port, &proto);
        printf("port '%s' %d %d %d\n", ports[i], r, r ? port : -9, r ? proto : -9);
    }
    for (i = 0; ranges[i]; i++) {
        port = port2 = proto = -9;
        int r = pcap_nametoportrange(ranges[i], &port, &port2, &proto);
        printf("range '%s' %d %d %d %d\n", ranges[i], r, r ? port : -9, r ? port2 : -9,
               r ? proto : -9);
    }
    for (i = 0; protos[i]; i++)
        printf("proto '%s' %d\n", protos[i], pcap_nametoproto(protos[i]));
    for (i = 0; names[i]; i++)
        printf("eproto '%s' %d llc %d\n", names[i], pcap_nametoeproto(names[i]),
               pcap_nametollc(names[i]));
    for (i = 0; macs[i]; i++)
        show_mac("aton", macs[i], pcap_ether_aton(macs[i]));
    for (i = 0; hosts[i]; i++) {
        bpf_u_int32 **al = pcap_nametoaddr(hosts[i]);
        struct addrinfo *ai = pcap_nametoaddrinfo(hosts[i]), *a;
        printf("addr %s", hosts[i]);
        for (; al && *al; al++)
            printf(" %08x", **al);
        printf(" |");
        for (a = ai; a; a = a->ai_next)
            printf(" %d/%d/%d", a->ai_family, a->ai_socktype, a->ai_protocol);
        printf("\n");
        if (ai)
            freeaddrinfo(ai);
    }
    for (i = 0; nets[i]; i++)
        printf("net %s %08x\n", nets[i], pcap_nametonetaddr(nets[i]));
    /* ethers files named on the command line */
    for (i = 1; i < argc; i++) {
        FILE *fp = fopen(argv[i], "r");
        struct pcap_etherent *e;
        if (fp == NULL)
            continue;
        while ((e = pcap_next_etherent(fp)) != NULL)
            printf("etherent %s %02x:%02x:%02x:%02x:%02x:%02x '%s'\n", argv[i], e->addr[0],
                   e->addr[1], e->addr[2], e->addr[3], e->addr[4], e->addr[5], e->name);
        fclose(fp);
    }
    return 0;
}
"""

ETHERS_FILES = {
    "plain": "aa:bb:cc:dd:ee:ff host-a\n01:02:03:04:05:06\thost-b # comment\n",
    "comments": "# a comment\n\n   \n  aa:00:00:00:00:01   spaced   trailing words\n"
                "zz:00:00:00:00:00 bad\n#\n",
    "short": "aa:bb host-short\naa:bb:cc:dd:ee:ff:11 too-long\naa:bb:cc:dd:ee:ffx bad\n",
    "quirks": "0a:0b:0c:0d:0e:0f\nname-on-next-line\naa:bb:cc:dd:ee:ff # no name\n"
              "11:22:33:44:55:66 " + "n" * 200 + " tail\nAA:BB:CC:DD:EE:0F upper\r\n",
    "eof": "aa:bb:cc:dd:ee:ff last-no-newline",
    "cut": "aa:bb:cc:dd:ee:ff",
    "empty": "",
}


def test_namedb_behaves_like_system_libpcap(flags: Tuple[List[str], List[str]],
                                            tmp_path: Path) -> None:
    _need_system_libpcap()
    cflags, libs = flags
    src = tmp_path / "namedb_probe.c"
    src.write_text(NAMEDB_PROBE_C)
    files = []
    for name, text in ETHERS_FILES.items():
        path = tmp_path / f"ethers-{name}"
        path.write_text(text)
        files.append(str(path))
    outs = {}
    for who, cf, lb in (("system", [], ["-lpcap"]), ("ours", cflags, libs)):
        exe = tmp_path / f"probe_{who}"
        _compile(["gcc", "-Wall", "-Wno-deprecated-declarations", *cf, str(src),
                  "-o", str(exe), *lb])
        proc = subprocess.run([str(exe), *files], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=run_env(), timeout=120)
        assert proc.returncode == 0, (who, proc.stderr.decode())
        outs[who] = proc.stdout.decode().splitlines()
    assert len(outs["system"]) == len(outs["ours"]), (outs["system"], outs["ours"])
    diff = [f"system: {a}\n  ours: {b}" for a, b in zip(outs["system"], outs["ours"])
            if a != b]
    assert not diff, "\n".join(diff)
