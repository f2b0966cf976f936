"""The compatibility surface: every name, shape and convention of shared/API.md.

The tables below are the specification, copied from shared/API.md (B.1
signatures, B.3 structures, B.4 constants, B.5 DLT values, B.7 names): the
test never derives what it expects from the module under test.  Everything
is checked both on ``libpcap._compat`` and on the package itself, where the
lead's ``__init__`` re-exports it.
"""
from __future__ import annotations

import ctypes
import ctypes as ct
import importlib
import re
import sys
from pathlib import Path
from typing import Any

import pytest

# ---------------------------------------------------------------------------
# B.1: declared signatures of every function that exists on Linux
# (the 83 that a libpcap without remote support has), verbatim.

CORE_SIGNATURES = """
init(pcap: c_uint, rfmon: c_char_p) -> c_int
lib_version() -> c_char_p
lookupdev(errbuf: c_char_p) -> c_char_p
lookupnet(device: c_char_p, netp: POINTER(bpf_u_int32), maskp: POINTER(bpf_u_int32), errbuf: c_char_p) -> c_int
findalldevs(alldevsp: POINTER(POINTER(pcap_if_t)), errbuf: c_char_p) -> c_int
freealldevs(alldevs: POINTER(pcap_if_t)) -> None
create(source: c_char_p, errbuf: c_char_p) -> POINTER(pcap_t)
set_snaplen(pcap: POINTER(pcap_t), snaplen: c_int) -> c_int
set_promisc(pcap: POINTER(pcap_t), promisc: c_int) -> c_int
can_set_rfmon(pcap: POINTER(pcap_t)) -> c_int
set_rfmon(pcap: POINTER(pcap_t), rfmon: c_int) -> c_int
set_timeout(pcap: POINTER(pcap_t), timeout: c_int) -> c_int
set_tstamp_type(pcap: POINTER(pcap_t), tstamp_type: c_int) -> c_int
set_immediate_mode(pcap: POINTER(pcap_t), immediate: c_int) -> c_int
set_buffer_size(pcap: POINTER(pcap_t), buffer_size: c_int) -> c_int
set_tstamp_precision(pcap: POINTER(pcap_t), tstamp_precision: c_int) -> c_int
get_tstamp_precision(pcap: POINTER(pcap_t)) -> c_int
list_tstamp_types(pcap: POINTER(pcap_t), tstamp_type_list: POINTER(POINTER(c_int))) -> c_int
free_tstamp_types(tstamp_type_list: POINTER(c_int)) -> None
tstamp_type_name_to_val(name: c_char_p) -> c_int
tstamp_type_val_to_name(tstamp_type: c_int) -> c_char_p
tstamp_type_val_to_description(tstamp_type: c_int) -> c_char_p
set_protocol_linux(pcap: POINTER(pcap_t), protocol: c_int) -> c_int
activate(pcap: POINTER(pcap_t)) -> c_int
open_live(source: c_char_p, snaplen: c_int, promisc: c_int, timeout: c_int, errbuf: c_char_p) -> POINTER(pcap_t)
open_dead(linktype: c_int, snaplen: c_int) -> POINTER(pcap_t)
open_dead_with_tstamp_precision(linktype: c_int, snaplen: c_int, precision: c_uint) -> POINTER(pcap_t)
open_offline(fname: c_char_p, errbuf: c_char_p) -> POINTER(pcap_t)
open_offline_with_tstamp_precision(fname: c_char_p, precision: c_uint, errbuf: c_char_p) -> POINTER(pcap_t)
fopen_offline(fp: POINTER(FILE), errbuf: c_char_p) -> POINTER(pcap_t)
fopen_offline_with_tstamp_precision(fp: POINTER(FILE), precision: c_uint, errbuf: c_char_p) -> POINTER(pcap_t)
close(pcap: POINTER(pcap_t)) -> None
loop(pcap: POINTER(pcap_t), cnt: c_int, callback: pcap_handler, user: POINTER(c_ubyte)) -> c_int
dispatch(pcap: POINTER(pcap_t), cnt: c_int, callback: pcap_handler, user: POINTER(c_ubyte)) -> c_int
next(pcap: POINTER(pcap_t), pkt_header: POINTER(pkthdr)) -> POINTER(c_ubyte)
next_ex(pcap: POINTER(pcap_t), pkt_header: POINTER(POINTER(pkthdr)), pkt_data: POINTER(POINTER(c_ubyte))) -> c_int
breakloop(pcap: POINTER(pcap_t)) -> None
stats(pcap: POINTER(pcap_t), stat: POINTER(stat)) -> c_int
setfilter(pcap: POINTER(pcap_t), prog: POINTER(bpf_program)) -> c_int
setdirection(pcap: POINTER(pcap_t), direction: direction_t) -> c_int
getnonblock(pcap: POINTER(pcap_t), errbuf: c_char_p) -> c_int
setnonblock(pcap: POINTER(pcap_t), nonblock: c_int, errbuf: c_char_p) -> c_int
inject(pcap: POINTER(pcap_t), buffer: c_void_p, size: c_size_t) -> c_int
sendpacket(pcap: POINTER(pcap_t), buffer: POINTER(c_ubyte), size: c_int) -> c_int
statustostr(errnum: c_int) -> c_char_p
strerror(errnum: c_int) -> c_char_p
geterr(pcap: POINTER(pcap_t)) -> c_char_p
perror(pcap: POINTER(pcap_t), prefix: c_char_p) -> None
compile(pcap: POINTER(pcap_t), prog: POINTER(bpf_program), buffer: c_char_p, optimize: c_int, mask: bpf_u_int32) -> c_int
compile_nopcap(snaplen_arg: c_int, linktype: c_int, prog: POINTER(bpf_program), buffer: c_char_p, optimize: c_int, mask: bpf_u_int32) -> c_int
freecode(prog: POINTER(bpf_program)) -> None
offline_filter(prog: POINTER(bpf_program), pkt_header: POINTER(pkthdr), pkt_data: POINTER(c_ubyte)) -> c_int
bpf_filter(insn: POINTER(bpf_insn), buffer: POINTER(c_ubyte), wirelen: c_uint, buflen: c_uint) -> c_uint
bpf_validate(insn: POINTER(bpf_insn), len: c_int) -> c_int
bpf_image(insn: POINTER(bpf_insn), len: c_int) -> c_char_p
bpf_dump(prog: POINTER(bpf_program), option: c_int) -> None
datalink(pcap: POINTER(pcap_t)) -> c_int
datalink_ext(pcap: POINTER(pcap_t)) -> c_int
list_datalinks(pcap: POINTER(pcap_t), dlt_buffer: POINTER(POINTER(c_int))) -> c_int
set_datalink(pcap: POINTER(pcap_t), dlt: c_int) -> c_int
free_datalinks(dlt_list: POINTER(c_int)) -> None
datalink_name_to_val(name: c_char_p) -> c_int
datalink_val_to_name(dlt: c_int) -> c_char_p
datalink_val_to_description(dlt: c_int) -> c_char_p
datalink_val_to_description_or_dlt(dlt: c_int) -> c_char_p
snapshot(pcap: POINTER(pcap_t)) -> c_int
is_swapped(pcap: POINTER(pcap_t)) -> c_int
bufsize(pcap: POINTER(pcap_t)) -> c_int
major_version(pcap: POINTER(pcap_t)) -> c_int
minor_version(pcap: POINTER(pcap_t)) -> c_int
file(pcap: POINTER(pcap_t)) -> POINTER(FILE)
fileno(pcap: POINTER(pcap_t)) -> c_int
dump_open(pcap: POINTER(pcap_t), fname: c_char_p) -> POINTER(pcap_dumper_t)
dump_open_append(pcap: POINTER(pcap_t), fname: c_char_p) -> POINTER(pcap_dumper_t)
dump_fopen(pcap: POINTER(pcap_t), fp: POINTER(FILE)) -> POINTER(pcap_dumper_t)
dump_file(pcap_dumper: POINTER(pcap_dumper_t)) -> POINTER(FILE)
dump_ftell(pcap_dumper: POINTER(pcap_dumper_t)) -> c_long
dump_ftell64(pcap_dumper: POINTER(pcap_dumper_t)) -> c_int64
dump_flush(pcap_dumper: POINTER(pcap_dumper_t)) -> c_int
dump_close(pcap_dumper: POINTER(pcap_dumper_t)) -> None
dump(fhandle: POINTER(c_ubyte), pkt_header: POINTER(pkthdr), pkt_data: POINTER(c_ubyte)) -> None
get_selectable_fd(pcap: POINTER(pcap_t)) -> c_int
get_required_select_timeout(pcap: POINTER(pcap_t)) -> POINTER(timeval)
"""

# B.1 remote-capture functions: present only if the core exports them.
REMOTE_SIGNATURES = """
open(source: c_char_p, snaplen: c_int, flags: c_int, read_timeout: c_int, auth: POINTER(rmtauth), errbuf: c_char_p) -> POINTER(pcap_t)
createsrcstr(source: c_char_p, type: c_int, host: c_char_p, port: c_char_p, name: c_char_p, errbuf: c_char_p) -> c_int
parsesrcstr(source: c_char_p, type: POINTER(c_int), host: c_char_p, port: c_char_p, name: c_char_p, errbuf: c_char_p) -> c_int
findalldevs_ex(source: c_char_p, auth: POINTER(rmtauth), alldevs: POINTER(POINTER(pcap_if_t)), errbuf: c_char_p) -> c_int
setsampling(pcap: POINTER(pcap_t)) -> POINTER(samp)
remoteact_accept(address: c_char_p, port: c_char_p, hostlist: c_char_p, connectinghost: c_char_p, auth: POINTER(rmtauth), errbuf: c_char_p) -> PCAP_SOCKET
remoteact_accept_ex(address: c_char_p, port: c_char_p, hostlist: c_char_p, connectinghost: c_char_p, auth: POINTER(rmtauth), uses_ssl: c_int, errbuf: c_char_p) -> PCAP_SOCKET
remoteact_list(hostlist: c_char_p, sep: c_char, size: c_int, errbuf: c_char_p) -> c_int
remoteact_close(host: c_char_p, errbuf: c_char_p) -> c_int
remoteact_cleanup() -> None
"""

# B.8: Windows-only names, absent on Linux.
WINDOWS_ONLY = """
hopen_offline hopen_offline_with_tstamp_precision dump_hopen wsockinit setbuff
setmode setmintocopy getevent oid_get_request oid_set_request sendqueue_alloc
sendqueue_destroy sendqueue_queue sendqueue_transmit stats_ex setuserbuffer
live_dump live_dump_ended start_oem get_airpcap_handle send_queue
PAirpcapHandle MODE_CAPT MODE_STAT MODE_MON msvcrt
""".split()

# B.5: value -> DLT names, verbatim.
DLT_TABLE = """
   0: DLT_LOW_MATCHING_MIN, DLT_NULL
   1: DLT_EN10MB
   2: DLT_EN3MB
   3: DLT_AX25
   4: DLT_PRONET
   5: DLT_CHAOS
   6: DLT_IEEE802
   7: DLT_ARCNET
   8: DLT_SLIP
   9: DLT_PPP
  10: DLT_FDDI, DLT_LOW_MATCHING_MAX
  11: DLT_ATM_RFC1483
  12: DLT_RAW
  15: DLT_SLIP_BSDOS
  16: DLT_PPP_BSDOS
  19: DLT_ATM_CLIP
  32: DLT_REDBACK_SMARTEDGE
  50: DLT_PPP_SERIAL
  51: DLT_PPP_ETHER
  99: DLT_SYMANTEC_FIREWALL
 104: DLT_CHDLC, DLT_C_HDLC, DLT_HIGH_MATCHING_MIN
 105: DLT_IEEE802_11
 107: DLT_FRELAY
 108: DLT_LOOP
 109: DLT_ENC
 112: DLT_HDLC
 113: DLT_LINUX_SLL
 114: DLT_LTALK
 115: DLT_ECONET
 116: DLT_IPFILTER
 117: DLT_PFLOG
 118: DLT_CISCO_IOS
 119: DLT_PRISM_HEADER
 120: DLT_AIRONET_HEADER
 121: DLT_HHDLC
 122: DLT_IP_OVER_FC
 123: DLT_SUNATM
 124: DLT_RIO
 125: DLT_PCI_EXP
 126: DLT_AURORA
 127: DLT_IEEE802_11_RADIO
 128: DLT_TZSP
 129: DLT_ARCNET_LINUX
 130: DLT_JUNIPER_MLPPP
 131: DLT_JUNIPER_MLFR
 132: DLT_JUNIPER_ES
 133: DLT_JUNIPER_GGSN
 134: DLT_JUNIPER_MFR
 135: DLT_JUNIPER_ATM2
 136: DLT_JUNIPER_SERVICES
 137: DLT_JUNIPER_ATM1
 138: DLT_APPLE_IP_OVER_IEEE1394
 139: DLT_MTP2_WITH_PHDR
 140: DLT_MTP2
 141: DLT_MTP3
 142: DLT_SCCP
 143: DLT_DOCSIS
 144: DLT_LINUX_IRDA
 145: DLT_IBM_SP
 146: DLT_IBM_SN
 147: DLT_USER0
 148: DLT_USER1
 149: DLT_USER2
 150: DLT_USER3
 151: DLT_USER4
 152: DLT_USER5
 153: DLT_USER6
 154: DLT_USER7
 155: DLT_USER8
 156: DLT_USER9
 157: DLT_USER10
 158: DLT_USER11
 159: DLT_USER12
 160: DLT_USER13
 161: DLT_USER14
 162: DLT_USER15
 163: DLT_IEEE802_11_RADIO_AVS
 164: DLT_JUNIPER_MONITOR
 165: DLT_BACNET_MS_TP
 166: DLT_LINUX_PPP_WITHDIRECTION, DLT_PPP_PPPD, DLT_PPP_WITH_DIRECTION
 167: DLT_JUNIPER_PPPOE
 168: DLT_JUNIPER_PPPOE_ATM
 169: DLT_GPRS_LLC
 170: DLT_GPF_T
 171: DLT_GPF_F
 172: DLT_GCOM_T1E1
 173: DLT_GCOM_SERIAL
 174: DLT_JUNIPER_PIC_PEER
 175: DLT_ERF_ETH
 176: DLT_ERF_POS
 177: DLT_LINUX_LAPD
 178: DLT_JUNIPER_ETHER
 179: DLT_JUNIPER_PPP
 180: DLT_JUNIPER_FRELAY
 181: DLT_JUNIPER_CHDLC
 182: DLT_MFR
 183: DLT_JUNIPER_VP
 184: DLT_A429
 185: DLT_A653_ICM
 186: DLT_USB, DLT_USB_FREEBSD
 187: DLT_BLUETOOTH_HCI_H4
 188: DLT_IEEE802_16_MAC_CPS
 189: DLT_USB_LINUX
 190: DLT_CAN20B
 191: DLT_IEEE802_15_4_LINUX
 192: DLT_PPI
 193: DLT_IEEE802_16_MAC_CPS_RADIO
 194: DLT_JUNIPER_ISM
 195: DLT_IEEE802_15_4, DLT_IEEE802_15_4_WITHFCS
 196: DLT_SITA
 197: DLT_ERF
 198: DLT_RAIF1
 199: DLT_IPMB, DLT_IPMB_KONTRON
 200: DLT_JUNIPER_ST
 201: DLT_BLUETOOTH_HCI_H4_WITH_PHDR
 202: DLT_AX25_KISS
 203: DLT_LAPD
 204: DLT_PPP_WITH_DIR
 205: DLT_C_HDLC_WITH_DIR
 206: DLT_FRELAY_WITH_DIR
 207: DLT_LAPB_WITH_DIR
 209: DLT_I2C_LINUX, DLT_IPMB_LINUX
 210: DLT_FLEXRAY
 211: DLT_MOST
 212: DLT_LIN
 213: DLT_X2E_SERIAL
 214: DLT_X2E_XORAYA
 215: DLT_IEEE802_15_4_NONASK_PHY
 216: DLT_LINUX_EVDEV
 217: DLT_GSMTAP_UM
 218: DLT_GSMTAP_ABIS
 219: DLT_MPLS
 220: DLT_USB_LINUX_MMAPPED
 221: DLT_DECT
 222: DLT_AOS
 223: DLT_WIHART
 224: DLT_FC_2
 225: DLT_FC_2_WITH_FRAME_DELIMS
 226: DLT_IPNET
 227: DLT_CAN_SOCKETCAN
 228: DLT_IPV4
 229: DLT_IPV6
 230: DLT_IEEE802_15_4_NOFCS
 231: DLT_DBUS
 232: DLT_JUNIPER_VS
 233: DLT_JUNIPER_SRX_E2E
 234: DLT_JUNIPER_FIBRECHANNEL
 235: DLT_DVB_CI
 236: DLT_MUX27010
 237: DLT_STANAG_5066_D_PDU
 238: DLT_JUNIPER_ATM_CEMIC
 239: DLT_NFLOG
 240: DLT_NETANALYZER
 241: DLT_NETANALYZER_TRANSPARENT
 242: DLT_IPOIB
 243: DLT_MPEG_2_TS
 244: DLT_NG40
 245: DLT_NFC_LLCP
 246: DLT_PFSYNC
 247: DLT_INFINIBAND
 248: DLT_SCTP
 249: DLT_USBPCAP
 250: DLT_RTAC_SERIAL
 251: DLT_BLUETOOTH_LE_LL
 252: DLT_WIRESHARK_UPPER_PDU
 253: DLT_NETLINK
 254: DLT_BLUETOOTH_LINUX_MONITOR
 255: DLT_BLUETOOTH_BREDR_BB
 256: DLT_BLUETOOTH_LE_LL_WITH_PHDR
 257: DLT_PROFIBUS_DL
 258: DLT_PKTAP
 259: DLT_EPON
 260: DLT_IPMI_HPM_2
 261: DLT_ZWAVE_R1_R2
 262: DLT_ZWAVE_R3
 263: DLT_WATTSTOPPER_DLM
 264: DLT_ISO_14443
 265: DLT_RDS
 266: DLT_USB_DARWIN
 267: DLT_OPENFLOW
 268: DLT_SDLC
 269: DLT_TI_LLN_SNIFFER
 270: DLT_LORATAP
 271: DLT_VSOCK
 272: DLT_NORDIC_BLE
 273: DLT_DOCSIS31_XRA31
 274: DLT_ETHERNET_MPACKET
 275: DLT_DISPLAYPORT_AUX
 276: DLT_LINUX_SLL2
 277: DLT_SERCOS_MONITOR
 278: DLT_OPENVIZSLA
 279: DLT_EBHSCR
 280: DLT_VPP_DISPATCH
 281: DLT_DSA_TAG_BRCM
 282: DLT_DSA_TAG_BRCM_PREPEND
 283: DLT_IEEE802_15_4_TAP
 284: DLT_DSA_TAG_DSA
 285: DLT_DSA_TAG_EDSA
 286: DLT_ELEE
 287: DLT_Z_WAVE_SERIAL
 288: DLT_USB_2_0
 289: DLT_ATSC_ALP
 290: DLT_ETW
 291: DLT_NETANALYZER_NG
 292: DLT_ZBOSS_NCP
 293: DLT_USB_2_0_LOW_SPEED
 294: DLT_USB_2_0_FULL_SPEED
 295: DLT_USB_2_0_HIGH_SPEED
 296: DLT_AUERSWALD_LOG
 297: DLT_ZWAVE_TAP
 298: DLT_SILABS_DEBUG_CHANNEL
 299: DLT_FIRA_UCI
 300: DLT_MDB
 301: DLT_DECT_NR
 302: DLT_EDK2_MM
 303: DLT_DEBUG_ONLY, DLT_HIGH_MATCHING_MAX
"""

# B.3: structures (fields in order, type names resolved below) and sizes on
# Linux x86-64.
STRUCTS = {
    "timeval": ([("tv_sec", "c_long"), ("tv_usec", "c_long")], 16),
    "pkthdr": ([("ts", "timeval"), ("caplen", "bpf_u_int32"), ("len", "bpf_u_int32")], 24),
    "stat": ([("ps_recv", "c_uint"), ("ps_drop", "c_uint"), ("ps_ifdrop", "c_uint")], 12),
    "pcap_if": ([("next", "POINTER(pcap_if)"), ("name", "c_char_p"),
                 ("description", "c_char_p"), ("addresses", "POINTER(pcap_addr)"),
                 ("flags", "bpf_u_int32")], 40),
    "pcap_addr": ([("next", "POINTER(pcap_addr)"), ("addr", "POINTER(sockaddr)"),
                   ("netmask", "POINTER(sockaddr)"), ("broadaddr", "POINTER(sockaddr)"),
                   ("dstaddr", "POINTER(sockaddr)")], 40),
    "bpf_program": ([("bf_len", "c_uint"), ("bf_insns", "POINTER(bpf_insn)")], 16),
    "bpf_insn": ([("code", "c_ushort"), ("jt", "c_ubyte"), ("jf", "c_ubyte"),
                  ("k", "bpf_u_int32")], 8),
    "file_header": ([("magic", "bpf_u_int32"), ("version_major", "c_ushort"),
                     ("version_minor", "c_ushort"), ("thiszone", "bpf_int32"),
                     ("sigfigs", "bpf_u_int32"), ("snaplen", "bpf_u_int32"),
                     ("linktype", "bpf_u_int32")], 24),
    "rmtauth": ([("type", "c_int"), ("username", "c_char_p"), ("password", "c_char_p")], 24),
    "samp": ([("method", "c_int"), ("value", "c_int")], 8),
    "sockaddr": ([("sa_family", "c_short"), ("__pad1", "c_ushort"),
                  ("ipv4_addr", "c_byte*4"), ("ipv6_addr", "c_byte*16"),
                  ("__pad2", "c_ulong")], 32),
}
OPAQUE = ["pcap", "pcap_dumper", "FILE"]
SAME_CLASS = [("pcap", "pcap_t"), ("pcap_dumper", "pcap_dumper_t"),
              ("pcap_if", "pcap_if_t"), ("pcap_addr", "pcap_addr_t")]

# B.3 scalar aliases and B.7 names.
SCALARS = {
    "bpf_int32": ct.c_int32, "bpf_u_int32": ct.c_uint32, "direction_t": ct.c_int,
    "SOCKET": ct.c_int, "PCAP_SOCKET": ct.c_int,
    "intptr_t": ct.c_int64 if ct.sizeof(ct.c_void_p) == 8 else ct.c_int32,
}
B7_NAMES = ("ct CFUNC dll is_windows is_linux defined PCAP_DEPRECATED timeval SOCKET "
            "INVALID_SOCKET sockaddr PCAP_SOCKET intptr_t FILE direction_t BPF_RELEASE "
            "bpf_int32 bpf_u_int32").split()

# B.4: constants.
CONSTANTS = {
    "PCAP_VERSION_MAJOR": 2, "PCAP_VERSION_MINOR": 4, "PCAP_ERRBUF_SIZE": 256,
    "PCAP_BUF_SIZE": 1024,
    "PCAP_D_INOUT": 0, "PCAP_D_IN": 1, "PCAP_D_OUT": 2,
    "PCAP_IF_LOOPBACK": 0x1, "PCAP_IF_UP": 0x2, "PCAP_IF_RUNNING": 0x4,
    "PCAP_IF_WIRELESS": 0x8, "PCAP_IF_CONNECTION_STATUS": 0x30,
    "PCAP_IF_CONNECTION_STATUS_UNKNOWN": 0x0, "PCAP_IF_CONNECTION_STATUS_CONNECTED": 0x10,
    "PCAP_IF_CONNECTION_STATUS_DISCONNECTED": 0x20,
    "PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE": 0x30,
    "PCAP_ERROR": -1, "PCAP_ERROR_BREAK": -2, "PCAP_ERROR_NOT_ACTIVATED": -3,
    "PCAP_ERROR_ACTIVATED": -4, "PCAP_ERROR_NO_SUCH_DEVICE": -5,
    "PCAP_ERROR_RFMON_NOTSUP": -6, "PCAP_ERROR_NOT_RFMON": -7,
    "PCAP_ERROR_PERM_DENIED": -8, "PCAP_ERROR_IFACE_NOT_UP": -9,
    "PCAP_ERROR_CANTSET_TSTAMP_TYPE": -10, "PCAP_ERROR_PROMISC_PERM_DENIED": -11,
    "PCAP_ERROR_TSTAMP_PRECISION_NOTSUP": -12, "PCAP_ERROR_CAPTURE_NOTSUP": -13,
    "PCAP_WARNING": 1, "PCAP_WARNING_PROMISC_NOTSUP": 2,
    "PCAP_WARNING_TSTAMP_TYPE_NOTSUP": 3,
    "PCAP_NETMASK_UNKNOWN": 0xFFFFFFFF,
    "PCAP_CHAR_ENC_LOCAL": 0, "PCAP_CHAR_ENC_UTF_8": 1, "PCAP_MMAP_32BIT": 2,
    "PCAP_TSTAMP_HOST": 0, "PCAP_TSTAMP_HOST_LOWPREC": 1, "PCAP_TSTAMP_HOST_HIPREC": 2,
    "PCAP_TSTAMP_ADAPTER": 3, "PCAP_TSTAMP_ADAPTER_UNSYNCED": 4,
    "PCAP_TSTAMP_HOST_HIPREC_UNSYNCED": 5,
    "PCAP_TSTAMP_PRECISION_MICRO": 0, "PCAP_TSTAMP_PRECISION_NANO": 1,
    "PCAP_SRC_FILE": 2, "PCAP_SRC_IFLOCAL": 3, "PCAP_SRC_IFREMOTE": 4,
    "PCAP_SRC_FILE_STRING": b"file://", "PCAP_SRC_IF_STRING": b"rpcap://",
    "PCAP_OPENFLAG_PROMISCUOUS": 0x1, "PCAP_OPENFLAG_DATATX_UDP": 0x2,
    "PCAP_OPENFLAG_NOCAPTURE_RPCAP": 0x4, "PCAP_OPENFLAG_NOCAPTURE_LOCAL": 0x8,
    "PCAP_OPENFLAG_MAX_RESPONSIVENESS": 0x10,
    "RPCAP_RMTAUTH_NULL": 0, "RPCAP_RMTAUTH_PWD": 1,
    "PCAP_SAMP_NOSAMP": 0, "PCAP_SAMP_1_EVERY_N": 1, "PCAP_SAMP_FIRST_AFTER_N_MS": 2,
    "RPCAP_HOSTLIST_SIZE": 1024,
    "BPF_RELEASE": 199606, "BPF_ALIGNMENT": 4, "BPF_MEMWORDS": 16,
    "BPF_LD": 0x00, "BPF_LDX": 0x01, "BPF_ST": 0x02, "BPF_STX": 0x03, "BPF_ALU": 0x04,
    "BPF_JMP": 0x05, "BPF_RET": 0x06, "BPF_MISC": 0x07,
    "BPF_W": 0x00, "BPF_H": 0x08, "BPF_B": 0x10,
    "BPF_IMM": 0x00, "BPF_ABS": 0x20, "BPF_IND": 0x40, "BPF_MEM": 0x60, "BPF_LEN": 0x80,
    "BPF_MSH": 0xA0,
    "BPF_ADD": 0x00, "BPF_SUB": 0x10, "BPF_MUL": 0x20, "BPF_DIV": 0x30, "BPF_OR": 0x40,
    "BPF_AND": 0x50, "BPF_LSH": 0x60, "BPF_RSH": 0x70, "BPF_NEG": 0x80, "BPF_MOD": 0x90,
    "BPF_XOR": 0xA0,
    "BPF_JA": 0x00, "BPF_JEQ": 0x10, "BPF_JGT": 0x20, "BPF_JGE": 0x30, "BPF_JSET": 0x40,
    "BPF_K": 0x00, "BPF_X": 0x08, "BPF_A": 0x10,
    "BPF_TAX": 0x00, "BPF_COP": 0x20, "BPF_COPX": 0x40, "BPF_TXA": 0x80,
}

# B.4: macro-style callables, as plain functions of an int.
MACROS = {
    "BPF_CLASS": lambda c: c & 0x07, "BPF_SIZE": lambda c: c & 0x18,
    "BPF_MODE": lambda c: c & 0xE0, "BPF_OP": lambda c: c & 0xF0,
    "BPF_SRC": lambda c: c & 0x08, "BPF_RVAL": lambda c: c & 0x18,
    "BPF_MISCOP": lambda c: c & 0xF8,
    "BPF_WORDALIGN": lambda x: (x + 3) & ~3,
    "LT_LINKTYPE": lambda x: x & 0xFFFF, "LT_LINKTYPE_EXT": lambda x: x & 0xFFFF0000,
    "LT_RESERVED1": lambda x: x & 0x03FF0000,
    "LT_FCS_LENGTH_PRESENT": lambda x: x & 0x04000000,
    "LT_FCS_LENGTH": lambda x: (x & 0xF0000000) >> 28,
    "LT_FCS_DATALINK_EXT": lambda x: ((x & 0xF) << 28) | 0x04000000,
}

# B.7: what libpcap._platform exposes, and its __all__.
PLATFORM_NAMES = """CFUNC DLL DLL_PATH INVALID_SOCKET SOCKET arch capi defined dlclose from_oid
in6_addr in_addr is_32bits is_aix is_android is_bsd is_cpython is_cygwin is_ironpython
is_linux is_macos is_msys is_posix is_pypy is_sunos is_ucs2 is_windows is_wsl limits sockaddr
sockaddr_in sockaddr_in6 time_t timeval""".split()
PLATFORM_ALL = """is_windows is_linux is_macos defined DLL_PATH DLL dlclose CFUNC limits time_t
timeval SOCKET INVALID_SOCKET sockaddr in_addr sockaddr_in in6_addr sockaddr_in6""".split()

# ---------------------------------------------------------------------------
# Parsing the tables.

_SIG = re.compile(r"^(\w+)\((.*)\) -> (.+)$")


def parse_signatures(text: str) -> list[tuple[str, list[tuple[str, str]], str]]:
    out = []
    for line in text.strip().splitlines():
        m = _SIG.match(line.strip())
        assert m, line
        name, params, restype = m.groups()
        plist = []
        for p in filter(None, (s.strip() for s in params.split(","))):
            pname, ptype = (s.strip() for s in p.split(":"))
            plist.append((pname, ptype))
        out.append((name, plist, restype.strip()))
    return out


def parse_dlts(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in text.strip().splitlines():
        value, names = line.split(":", 1)
        for name in names.split(","):
            out[name.strip()] = int(value)
    return out


CORE = parse_signatures(CORE_SIGNATURES)
REMOTE = parse_signatures(REMOTE_SIGNATURES)
DLTS = parse_dlts(DLT_TABLE)


def c_symbol(name: str) -> str:
    return name if name.startswith("bpf_") else "pcap_" + name


def resolve(mod: Any, expr: str) -> Any:
    """The ctypes type a spec type expression denotes, with the module's own
    structures for the struct names (their shapes are checked separately)."""
    if expr == "None":
        return None
    ns: dict[str, Any] = {n: getattr(ct, n) for n in dir(ct) if n.startswith("c_")}
    ns["POINTER"] = ct.POINTER
    for n in ("pcap_t", "pcap_dumper_t", "pcap_if_t", "pcap_if", "pcap_addr", "pkthdr",
              "stat", "bpf_program", "bpf_insn", "FILE", "timeval", "rmtauth", "samp",
              "sockaddr", "pcap_handler"):
        ns[n] = getattr(mod, n)
    ns.update(SCALARS)
    return eval(expr, {"__builtins__": {}}, ns)  # noqa: S307 - our own table


# ---------------------------------------------------------------------------
# Fixtures.


@pytest.fixture(scope="module", params=["libpcap._compat", "libpcap"])
def mod(request: pytest.FixtureRequest) -> Any:
    return importlib.import_module(request.param)


@pytest.fixture(scope="module")
def compat() -> Any:
    return importlib.import_module("libpcap._compat")


# ---------------------------------------------------------------------------
# Sanity of the tables themselves (guards against editing mistakes).


def test_spec_tables_are_complete() -> None:
    assert len(CORE) == 83
    assert len(REMOTE) == 10
    assert len(DLTS) == 227
    assert len({n for n, _, _ in CORE + REMOTE}) == 93


# ---------------------------------------------------------------------------
# B.1 functions.


@pytest.mark.parametrize("name,params,restype", CORE, ids=[s[0] for s in CORE])
def test_function_prototype(mod: Any, name: str, params: list, restype: str) -> None:
    fn = getattr(mod, name)
    assert isinstance(fn, ct._CFuncPtr)
    assert fn._flags_ == ct._FUNCFLAG_CDECL
    assert list(fn.argtypes) == [resolve(mod, t) for _, t in params]
    assert fn.restype is resolve(mod, restype)
    assert getattr(fn, "errcheck", None) is None  # C-style errors, no errcheck
    # The prototype points into the core library.
    addr = ct.cast(fn, ct.c_void_p).value
    assert addr == ct.cast(getattr(mod.dll, c_symbol(name)), ct.c_void_p).value


WITH_PARAMS = [sig for sig in CORE if sig[1]]


@pytest.mark.parametrize("name,params,restype", WITH_PARAMS, ids=[s[0] for s in WITH_PARAMS])
def test_function_keyword_names(mod: Any, name: str, params: list, restype: str) -> None:
    """ctypes checks that every declared parameter is supplied before it
    converts or calls anything: the TypeError names the first one missing."""
    fn = getattr(mod, name)
    names = [p for p, _ in params]
    for i, pname in enumerate(names):
        with pytest.raises(TypeError, match=rf"^required argument '{pname}' missing$"):
            fn(*[None] * i)
        # Keywords for all the others: the missing one is still reported.
        kwargs = {n: None for n in names if n != pname}
        with pytest.raises(TypeError, match=rf"^required argument '{pname}' missing$"):
            fn(**kwargs)


def test_missing_argument_message(mod: Any) -> None:
    with pytest.raises(TypeError, match="required argument 'snaplen' missing"):
        mod.open_live(b"lo")


def test_wrong_type_is_argument_error(mod: Any) -> None:
    err = ct.create_string_buffer(256)
    with pytest.raises(ct.ArgumentError):
        mod.open_offline("str-is-not-bytes.pcap", err)
    with pytest.raises(ct.ArgumentError):
        mod.datalink_val_to_name("1")
    with pytest.raises(ct.ArgumentError):
        mod.datalink(42)
    with pytest.raises(ct.ArgumentError):
        mod.loop(mod.pcap_t(), 1, lambda *a: None, None)


def test_keyword_call_works(mod: Any) -> None:
    assert mod.datalink_name_to_val(name=b"EN10MB") == 1
    assert mod.datalink_val_to_name(dlt=1) == b"EN10MB"
    assert mod.strerror(errnum=0) == mod.strerror(0)


def test_char_p_restype_returns_bytes(mod: Any) -> None:
    v = mod.lib_version()
    assert isinstance(v, bytes) and v
    assert mod.datalink_val_to_name(-12345) is None


def test_null_is_a_falsy_pointer(mod: Any, tmp_path: Path) -> None:
    err = ct.create_string_buffer(mod.PCAP_ERRBUF_SIZE)
    h = mod.open_offline(str(tmp_path / "missing.pcap").encode(), err)
    assert h is not None
    assert isinstance(h, ct.POINTER(mod.pcap))
    assert not h
    assert type(h).__name__ == "LP_pcap"
    assert err.value  # the reason is in errbuf


def test_bpf_functions_keep_c_names(mod: Any) -> None:
    for name in ("bpf_filter", "bpf_validate", "bpf_image", "bpf_dump"):
        fn = getattr(mod, name)
        assert ct.cast(fn, ct.c_void_p).value == ct.cast(getattr(mod.dll, name),
                                                         ct.c_void_p).value


def test_no_pcap_prefixed_aliases(mod: Any) -> None:
    for name, _, _ in CORE + REMOTE:
        if not name.startswith("bpf_"):
            assert not hasattr(mod, "pcap_" + name), name
    for name in ("pcap_pkthdr", "pcap_stat", "pcap_file_header", "pcap_rmtauth", "pcap_samp"):
        assert not hasattr(mod, name), name


def test_remote_functions_follow_the_core(mod: Any) -> None:
    """Like the original with a library lacking remote support: a remote
    name exists exactly when the core exports its symbol, with its shape."""
    for name, params, restype in REMOTE:
        exported = hasattr(mod.dll, c_symbol(name))
        assert hasattr(mod, name) == exported, name
        if exported:
            fn = getattr(mod, name)
            assert list(fn.argtypes) == [resolve(mod, t) for _, t in params]
            assert fn.restype is resolve(mod, restype)


def test_windows_only_names_absent(mod: Any) -> None:
    for name in WINDOWS_ONLY:
        assert not hasattr(mod, name), name


def test_missing_core_symbol_fails_import(compat: Any) -> None:
    """A function the core must export but does not is an import error,
    never a silently absent name."""
    from libpcap import _dll

    saved = list(_dll._missing)
    try:
        assert _dll.function("pcap_no_such_function", ct.c_int, ("x", ct.c_int)) is None
        with pytest.raises(ImportError, match="pcap_no_such_function"):
            _dll.check_complete()
    finally:
        _dll._missing[:] = saved
    _dll.check_complete()  # the real declarations are complete
    with pytest.raises(AttributeError):
        _dll.prototype("pcap_no_such_function", None)


def test_dll_is_the_extension_file(mod: Any) -> None:
    spec = importlib.util.find_spec("libpcap._libpcap")
    assert spec is not None and spec.origin
    assert Path(mod.dll._name).resolve() == Path(spec.origin).resolve()
    assert isinstance(mod.dll, ct.CDLL)


# ---------------------------------------------------------------------------
# B.2 the callback type.


def test_pcap_handler_type(mod: Any) -> None:
    h = mod.pcap_handler
    assert h is ct.CFUNCTYPE(None, ct.POINTER(ct.c_ubyte), ct.POINTER(mod.pkthdr),
                             ct.POINTER(ct.c_ubyte))
    assert h._flags_ == 1
    assert h._restype_ is None
    assert list(h._argtypes_) == [ct.POINTER(ct.c_ubyte), ct.POINTER(mod.pkthdr),
                                  ct.POINTER(ct.c_ubyte)]
    assert type(mod.dump) is mod.pcap_handler
    assert mod.loop.argtypes[2] is h and mod.dispatch.argtypes[2] is h


def test_pcap_handler_as_decorator(mod: Any) -> None:
    seen = []

    @mod.pcap_handler
    def cb(user: Any, hdr: Any, data: Any) -> None:
        seen.append((hdr[0].caplen, bytes(data[:hdr[0].caplen])))

    hdr = mod.pkthdr(caplen=3, len=3)
    buf = (ct.c_ubyte * 3)(1, 2, 3)
    cb(None, ct.pointer(hdr), buf)
    assert seen == [(3, b"\x01\x02\x03")]


# ---------------------------------------------------------------------------
# B.3 structures and scalar types.


def _field_type(mod: Any, expr: str) -> Any:
    if "*" in expr:
        base, n = expr.split("*")
        return getattr(ct, base) * int(n)
    return resolve(mod, expr)


@pytest.mark.parametrize("name", sorted(STRUCTS))
def test_structure(mod: Any, name: str) -> None:
    fields, size = STRUCTS[name]
    cls = getattr(mod, name)
    assert issubclass(cls, ct.Structure)
    got = [(f[0], f[1]) for f in cls._fields_]
    assert [f[0] for f in got] == [f[0] for f in fields]
    for (fname, ftype), (_, want) in zip(got, fields):
        expected = _field_type(mod, want)
        if isinstance(expected, type) and issubclass(expected, ct.Array):
            assert issubclass(ftype, ct.Array) and ftype._type_ is expected._type_
            assert ftype._length_ == expected._length_
        else:
            assert ftype is expected, (name, fname)
    assert ct.sizeof(cls) == size


def test_opaque_structures(mod: Any) -> None:
    for name in OPAQUE:
        cls = getattr(mod, name)
        assert issubclass(cls, ct.Structure)
        assert not getattr(cls, "_fields_", [])
        assert ct.POINTER(cls).__name__ == f"LP_{name}"


def test_same_class_pairs(mod: Any) -> None:
    for a, b in SAME_CLASS:
        assert getattr(mod, a) is getattr(mod, b)


def test_scalar_aliases(mod: Any) -> None:
    for name, t in SCALARS.items():
        assert getattr(mod, name) is t, name
    assert mod.INVALID_SOCKET == -1


def test_b7_names(mod: Any) -> None:
    for name in B7_NAMES:
        assert hasattr(mod, name), name
    assert mod.ct is ctypes
    assert mod.CFUNC is ct.CFUNCTYPE
    assert mod.is_windows is False and mod.is_linux is (sys.platform.startswith("linux"))
    assert mod.PCAP_DEPRECATED(mod.open_live, "msg") is None
    assert mod.timeval is mod.pkthdr._fields_[0][1]
    x_local = 1  # noqa: F841 - looked up by defined()
    assert mod.defined("x_local") is True
    assert mod.defined("surely_not_defined_anywhere") is False


def test_structure_use(mod: Any) -> None:
    insn = mod.bpf_insn(code=6, jt=1, jf=2, k=0xFFFF)
    assert (insn.code, insn.jt, insn.jf, insn.k) == (6, 1, 2, 0xFFFF)
    tv = mod.timeval()
    assert tv.tv_sec == 0 and tv.tv_usec == 0
    prog = mod.bpf_program()
    assert prog.bf_len == 0 and not prog.bf_insns


# ---------------------------------------------------------------------------
# B.4 / B.5 constants.


def test_constants(mod: Any) -> None:
    for name, value in CONSTANTS.items():
        got = getattr(mod, name)
        assert got == value and type(got) is type(value), name


def test_dlt_constants(mod: Any) -> None:
    for name, value in DLTS.items():
        got = getattr(mod, name)
        assert got == value and type(got) is int, name
    names = {n for n in dir(mod) if n.startswith("DLT_")}
    assert names == set(DLTS)
    assert not hasattr(mod, "DLT_HIPPI")
    assert not hasattr(mod, "DLT_CLASS") and not hasattr(mod, "DLT_NETBSD_RAWAF")
    assert not [n for n in dir(mod) if n.startswith("LINKTYPE_")]


@pytest.mark.parametrize("name", sorted(MACROS))
def test_macros(mod: Any, name: str) -> None:
    fn = getattr(mod, name)
    assert fn.__name__ == "<lambda>"  # macro-style callables, as in the original
    ref = MACROS[name]
    for x in (0, 1, 3, 4, 5, 0x07, 0x18, 0xE0, 0xF8, 0xFF, 0x1234, 0xFFFF, 0x04000000,
              0x12345678, 0xFFFFFFFF, 0xF):
        assert fn(x) == ref(x), (name, x)


def test_bpf_stmt_and_jump(mod: Any) -> None:
    assert mod.BPF_STMT.__name__ == mod.BPF_JUMP.__name__ == "<lambda>"
    s = mod.BPF_STMT(mod.BPF_RET | mod.BPF_K, 65535)
    assert isinstance(s, tuple) and len(s) == 4
    assert isinstance(s[0], ct.c_ushort) and s[0].value == 6
    assert s[1:] == (0, 0, 65535)
    j = mod.BPF_JUMP(mod.BPF_JMP | mod.BPF_JEQ | mod.BPF_K, 0x800, 1, 2)
    assert isinstance(j[0], ct.c_ushort) and j[0].value == 0x15
    assert j[1:] == (1, 2, 0x800)
    prog = (mod.bpf_insn * 2)(j, s)
    assert (prog[0].code, prog[0].jt, prog[0].jf, prog[0].k) == (0x15, 1, 2, 0x800)
    assert (prog[1].code, prog[1].k) == (6, 65535)
    assert mod.bpf_insn(*s).code == 6


# ---------------------------------------------------------------------------
# __all__ of the compatibility module.


def test_compat_all(compat: Any) -> None:
    exported = compat.__all__
    assert len(exported) == len(set(exported))
    for name in exported:
        assert hasattr(compat, name), name
    expected = ({n for n, _, _ in CORE} | set(CONSTANTS) | set(DLTS) | set(MACROS)
                | set(STRUCTS) | set(OPAQUE) | {b for _, b in SAME_CLASS} | set(SCALARS)
                | set(B7_NAMES) | {"pcap_handler", "BPF_STMT", "BPF_JUMP", "config"})
    assert expected <= set(exported), sorted(expected - set(exported))
    for name, _, _ in REMOTE:
        assert (name in exported) == hasattr(compat, name)
    assert not set(WINDOWS_ONLY) & set(exported)
    assert not [n for n in exported if n.startswith("_")]


def test_star_import_matches(compat: Any) -> None:
    ns: dict[str, Any] = {}
    exec("from libpcap._compat import *", ns)  # noqa: S102
    for name in compat.__all__:
        assert ns[name] is getattr(compat, name)


# ---------------------------------------------------------------------------
# B.6 / B.7 package level.


def test_package_level() -> None:
    import libpcap

    for sub in ("_bpf", "_dll", "_dlt", "_platform"):
        assert hasattr(libpcap, sub), sub
    from libpcap import _compat

    for name in _compat.__all__:
        assert getattr(libpcap, name) is getattr(_compat, name), name
    assert set(_compat.__all__) <= set(libpcap.__all__)


def test_config_is_harmless() -> None:
    import libpcap

    before = (libpcap.dll, libpcap.open_offline, libpcap.pcap_handler)
    assert libpcap.config(LIBPCAP="tcpdump") is None
    assert libpcap.config(LIBPCAP=None) is None
    assert libpcap.config() is None
    assert (libpcap.dll, libpcap.open_offline, libpcap.pcap_handler) == before
    assert isinstance(libpcap.lib_version(), bytes)


# ---------------------------------------------------------------------------
# libpcap._platform.


def test_platform_names() -> None:
    plat = importlib.import_module("libpcap._platform")
    for name in PLATFORM_NAMES:
        assert hasattr(plat, name), name
    assert list(plat.__all__) == PLATFORM_ALL
    ns: dict[str, Any] = {}
    exec("from libpcap._platform import *", ns)  # noqa: S102
    assert set(ns) - {"__builtins__"} == set(PLATFORM_ALL)
    # the names pcap-ct imports
    from libpcap._platform import defined, is_macos, is_windows, sockaddr_in  # noqa: F401
    assert is_windows is False and is_macos is False
    assert plat.is_linux is sys.platform.startswith("linux")
    assert plat.is_posix is True and plat.is_cpython is (sys.implementation.name == "cpython")
    assert plat.is_32bits is (sys.maxsize < 2**32)
    assert isinstance(plat.arch, str) and plat.arch
    assert hasattr(plat, "linux")
    assert plat.CFUNC is ct.CFUNCTYPE
    assert Path(plat.DLL_PATH).is_file()


def test_platform_limits() -> None:
    limits = importlib.import_module("libpcap._platform").limits
    assert limits.INT_MAX == 2**31 - 1 and limits.INT_MIN == -(2**31)
    assert limits.UINT_MAX == 2**32 - 1
    assert limits.USHRT_MAX == 65535 and limits.SHRT_MAX == 32767 and limits.SHRT_MIN == -32768
    assert limits.LONG_MAX == 2 ** (8 * ct.sizeof(ct.c_long) - 1) - 1
    assert limits.ULONG_MAX == 2 ** (8 * ct.sizeof(ct.c_long)) - 1
    assert limits.LLONG_MAX == 2**63 - 1 and limits.ULLONG_MAX == 2**64 - 1
    assert limits.UCHAR_MAX == 255 and limits.SCHAR_MIN == -128


def test_platform_socket_structures() -> None:
    plat = importlib.import_module("libpcap._platform")
    assert [f[0] for f in plat.sockaddr_in._fields_] == ["sin_family", "sin_port", "sin_addr",
                                                         "sin_zero"]
    assert plat.sockaddr_in.sin_addr.offset == 4
    assert ct.sizeof(plat.sockaddr_in) == ct.sizeof(plat.sockaddr) == 32
    assert plat.sockaddr_in._fields_[3][1]._length_ == 24
    assert [f[0] for f in plat.in_addr._fields_] == ["s_addr"]
    assert issubclass(plat.in6_addr, ct.Union)
    assert [f[0] for f in plat.in6_addr._fields_] == ["s6_addr", "s6_addr16", "s6_addr32"]
    assert ct.sizeof(plat.in6_addr) == 16
    assert [f[0] for f in plat.sockaddr_in6._fields_] == [
        "sin6_family", "sin6_port", "sin6_flowinfo", "sin6_addr", "sin6_scope_id"]
    assert ct.sizeof(plat.sockaddr_in6) == 28
    assert plat.sockaddr_in6.sin6_addr.offset == 8
    assert plat.sockaddr.ipv4_addr.offset == 4 and plat.sockaddr.ipv6_addr.offset == 8
    # A pointer from findalldevs is read by casting, as clients do.
    sa = plat.sockaddr(sa_family=2)
    sa.ipv4_addr[:] = [127, 0, 0, 1]
    sin = ct.cast(ct.pointer(sa), ct.POINTER(plat.sockaddr_in)).contents
    assert sin.sin_family == 2
    assert bytes(ct.string_at(ct.addressof(sin.sin_addr), 4)) == b"\x7f\x00\x00\x01"
    assert plat.time_t is ct.c_long and plat.SOCKET is ct.c_int and plat.INVALID_SOCKET == -1


def test_platform_helpers() -> None:
    plat = importlib.import_module("libpcap._platform")
    obj = object()
    assert plat.from_oid(id(obj)) is obj
    assert plat.from_oid(0) is None and plat.from_oid(None) is None
    lib = plat.DLL(str(plat.DLL_PATH))
    assert hasattr(lib, "pcap_lib_version")
    plat.dlclose(lib)  # the core stays loaded: the layer still holds it
    import libpcap

    assert libpcap.lib_version()
