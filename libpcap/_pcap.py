"""pcap part of the compatibility layer: pcap/pcap.h for ctypes.

Structures, constants and one ctypes prototype per libpcap function, named
without the ``pcap_`` prefix (``pcap_open_live`` is ``open_live``), with
the argtypes, restype and keyword names the original binding declared, so
that code written for it runs unchanged on our C core.  Some names shadow
builtins in this module on purpose (``open``, ``compile``, ``next``,
``file``); they are bound last.

Every function of libpcap 1.0-1.10 that exists on Linux is bound
unconditionally: the core exports all of them, and a missing one fails the
import (see ``_dll.function``).  The remote-capture (rpcap) functions are
the exception: like a libpcap built without remote support, the core does
not export them, so exactly as the original did with such a library their
names are absent while their types and constants are defined.
"""
from __future__ import annotations

import ctypes as ct
from typing import Any

from ._bpf import BPF_RELEASE, PCAP_DEPRECATED, bpf_int32, bpf_program, bpf_u_int32
from ._dll import check_complete, dll, function, prototype
from ._platform import (
    CFUNC, INVALID_SOCKET, SOCKET, defined, is_linux, is_windows, sockaddr, timeval,
)

__all__ = [
    # platform and C-level names the original re-exported
    "ct", "CFUNC", "dll", "is_windows", "is_linux", "defined", "PCAP_DEPRECATED",
    "timeval", "SOCKET", "INVALID_SOCKET", "sockaddr", "PCAP_SOCKET", "intptr_t",
    "FILE", "direction_t", "BPF_RELEASE", "bpf_int32", "bpf_u_int32",
    # types
    "pcap", "pcap_t", "pcap_dumper", "pcap_dumper_t", "file_header", "pkthdr",
    "stat", "pcap_addr", "pcap_addr_t", "pcap_if", "pcap_if_t", "pcap_handler",
    "rmtauth", "samp",
    # constants
    "PCAP_VERSION_MAJOR", "PCAP_VERSION_MINOR", "PCAP_ERRBUF_SIZE", "PCAP_BUF_SIZE",
    "LT_LINKTYPE", "LT_LINKTYPE_EXT", "LT_RESERVED1", "LT_FCS_LENGTH_PRESENT",
    "LT_FCS_LENGTH", "LT_FCS_DATALINK_EXT",
    "PCAP_D_INOUT", "PCAP_D_IN", "PCAP_D_OUT",
    "PCAP_IF_LOOPBACK", "PCAP_IF_UP", "PCAP_IF_RUNNING", "PCAP_IF_WIRELESS",
    "PCAP_IF_CONNECTION_STATUS", "PCAP_IF_CONNECTION_STATUS_UNKNOWN",
    "PCAP_IF_CONNECTION_STATUS_CONNECTED", "PCAP_IF_CONNECTION_STATUS_DISCONNECTED",
    "PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE",
    "PCAP_ERROR", "PCAP_ERROR_BREAK", "PCAP_ERROR_NOT_ACTIVATED",
    "PCAP_ERROR_ACTIVATED", "PCAP_ERROR_NO_SUCH_DEVICE", "PCAP_ERROR_RFMON_NOTSUP",
    "PCAP_ERROR_NOT_RFMON", "PCAP_ERROR_PERM_DENIED", "PCAP_ERROR_IFACE_NOT_UP",
    "PCAP_ERROR_CANTSET_TSTAMP_TYPE", "PCAP_ERROR_PROMISC_PERM_DENIED",
    "PCAP_ERROR_TSTAMP_PRECISION_NOTSUP", "PCAP_ERROR_CAPTURE_NOTSUP",
    "PCAP_WARNING", "PCAP_WARNING_PROMISC_NOTSUP", "PCAP_WARNING_TSTAMP_TYPE_NOTSUP",
    "PCAP_NETMASK_UNKNOWN",
    "PCAP_CHAR_ENC_LOCAL", "PCAP_CHAR_ENC_UTF_8", "PCAP_MMAP_32BIT",
    "PCAP_TSTAMP_HOST", "PCAP_TSTAMP_HOST_LOWPREC", "PCAP_TSTAMP_HOST_HIPREC",
    "PCAP_TSTAMP_ADAPTER", "PCAP_TSTAMP_ADAPTER_UNSYNCED",
    "PCAP_TSTAMP_HOST_HIPREC_UNSYNCED",
    "PCAP_TSTAMP_PRECISION_MICRO", "PCAP_TSTAMP_PRECISION_NANO",
    "PCAP_SRC_FILE", "PCAP_SRC_IFLOCAL", "PCAP_SRC_IFREMOTE",
    "PCAP_SRC_FILE_STRING", "PCAP_SRC_IF_STRING",
    "PCAP_OPENFLAG_PROMISCUOUS", "PCAP_OPENFLAG_DATATX_UDP",
    "PCAP_OPENFLAG_NOCAPTURE_RPCAP", "PCAP_OPENFLAG_NOCAPTURE_LOCAL",
    "PCAP_OPENFLAG_MAX_RESPONSIVENESS",
    "RPCAP_RMTAUTH_NULL", "RPCAP_RMTAUTH_PWD", "RPCAP_HOSTLIST_SIZE",
    "PCAP_SAMP_NOSAMP", "PCAP_SAMP_1_EVERY_N", "PCAP_SAMP_FIRST_AFTER_N_MS",
    # functions (the remote ones are added below only if the core has them)
    "init", "lib_version",
    "lookupdev", "lookupnet", "findalldevs", "freealldevs",
    "create", "set_snaplen", "set_promisc", "can_set_rfmon", "set_rfmon",
    "set_timeout", "set_tstamp_type", "set_immediate_mode", "set_buffer_size",
    "set_tstamp_precision", "get_tstamp_precision", "list_tstamp_types",
    "free_tstamp_types", "tstamp_type_name_to_val", "tstamp_type_val_to_name",
    "tstamp_type_val_to_description", "set_protocol_linux", "activate",
    "open_live", "open_dead", "open_dead_with_tstamp_precision", "open_offline",
    "open_offline_with_tstamp_precision", "fopen_offline",
    "fopen_offline_with_tstamp_precision", "close",
    "loop", "dispatch", "next", "next_ex", "breakloop",
    "stats", "setfilter", "setdirection", "getnonblock", "setnonblock",
    "inject", "sendpacket",
    "statustostr", "strerror", "geterr", "perror",
    "compile", "compile_nopcap", "freecode", "offline_filter",
    "datalink", "datalink_ext", "list_datalinks", "set_datalink",
    "free_datalinks", "datalink_name_to_val", "datalink_val_to_name",
    "datalink_val_to_description", "datalink_val_to_description_or_dlt",
    "snapshot", "is_swapped", "bufsize", "major_version", "minor_version",
    "file", "fileno",
    "dump_open", "dump_open_append", "dump_fopen", "dump_file", "dump_ftell",
    "dump_ftell64", "dump_flush", "dump_close", "dump",
    "get_selectable_fd", "get_required_select_timeout",
]

PCAP_SOCKET = SOCKET
intptr_t = ct.c_int64 if ct.sizeof(ct.c_void_p) == 8 else ct.c_int32


class FILE(ct.Structure):
    """Opaque C stdio stream; only used through ``POINTER(FILE)``."""


# -- Savefile format and the structures of pcap.h ----------------------------

# Version of the savefile format (not of the library: see lib_version()).
PCAP_VERSION_MAJOR = 2
PCAP_VERSION_MINOR = 4

PCAP_ERRBUF_SIZE = 256
PCAP_BUF_SIZE = 1024


class pcap(ct.Structure):
    """Opaque capture handle (``pcap_t``)."""


pcap_t = pcap


class pcap_dumper(ct.Structure):
    """Opaque savefile writer (``pcap_dumper_t``)."""


pcap_dumper_t = pcap_dumper


class file_header(ct.Structure):
    """``struct pcap_file_header``, the 24 bytes at the start of a pcap file."""

    _fields_ = [
        ("magic", bpf_u_int32),
        ("version_major", ct.c_ushort),
        ("version_minor", ct.c_ushort),
        ("thiszone", bpf_int32),  # not used, 0
        ("sigfigs", bpf_u_int32),  # not used, 0
        ("snaplen", bpf_u_int32),
        ("linktype", bpf_u_int32),  # LINKTYPE_* plus the FCS bits below
    ]


# The link-type field of a pcap file: the type in the low 16 bits, an
# optional FCS length (in 16-bit units) and its presence flag above.
LT_LINKTYPE = lambda x: x & 0x0000FFFF  # noqa: E731
LT_LINKTYPE_EXT = lambda x: x & 0xFFFF0000  # noqa: E731
LT_RESERVED1 = lambda x: x & 0x03FF0000  # noqa: E731
LT_FCS_LENGTH_PRESENT = lambda x: x & 0x04000000  # noqa: E731
LT_FCS_LENGTH = lambda x: (x & 0xF0000000) >> 28  # noqa: E731
LT_FCS_DATALINK_EXT = lambda x: ((x & 0xF) << 28) | 0x04000000  # noqa: E731

direction_t = ct.c_int
PCAP_D_INOUT = 0
PCAP_D_IN = 1
PCAP_D_OUT = 2


class pkthdr(ct.Structure):
    """``struct pcap_pkthdr``: what the library says about each packet."""

    _fields_ = [
        ("ts", timeval),
        ("caplen", bpf_u_int32),  # bytes present
        ("len", bpf_u_int32),  # bytes on the wire
    ]


class stat(ct.Structure):
    """``struct pcap_stat`` as filled by stats()."""

    _fields_ = [
        ("ps_recv", ct.c_uint),
        ("ps_drop", ct.c_uint),
        ("ps_ifdrop", ct.c_uint),
    ]


class pcap_addr(ct.Structure):
    """``struct pcap_addr``: one address of an interface (a linked list)."""


pcap_addr._fields_ = [
    ("next", ct.POINTER(pcap_addr)),
    ("addr", ct.POINTER(sockaddr)),
    ("netmask", ct.POINTER(sockaddr)),
    ("broadaddr", ct.POINTER(sockaddr)),
    ("dstaddr", ct.POINTER(sockaddr)),
]
pcap_addr_t = pcap_addr


class pcap_if(ct.Structure):
    """``struct pcap_if``: one interface of findalldevs() (a linked list)."""


pcap_if._fields_ = [
    ("next", ct.POINTER(pcap_if)),
    ("name", ct.c_char_p),
    ("description", ct.c_char_p),
    ("addresses", ct.POINTER(pcap_addr)),
    ("flags", bpf_u_int32),
]
pcap_if_t = pcap_if

PCAP_IF_LOOPBACK = 0x00000001
PCAP_IF_UP = 0x00000002
PCAP_IF_RUNNING = 0x00000004
PCAP_IF_WIRELESS = 0x00000008
PCAP_IF_CONNECTION_STATUS = 0x00000030
PCAP_IF_CONNECTION_STATUS_UNKNOWN = 0x00000000
PCAP_IF_CONNECTION_STATUS_CONNECTED = 0x00000010
PCAP_IF_CONNECTION_STATUS_DISCONNECTED = 0x00000020
PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE = 0x00000030

# The per-packet callback of loop()/dispatch().  ctypes caches function
# types, so the prototype of dump() below is this very type and dump can be
# handed to loop()/dispatch() as the callback.
pcap_handler = CFUNC(None, ct.POINTER(ct.c_ubyte), ct.POINTER(pkthdr), ct.POINTER(ct.c_ubyte))

# -- Status codes and option values -----------------------------------------

PCAP_ERROR = -1
PCAP_ERROR_BREAK = -2
PCAP_ERROR_NOT_ACTIVATED = -3
PCAP_ERROR_ACTIVATED = -4
PCAP_ERROR_NO_SUCH_DEVICE = -5
PCAP_ERROR_RFMON_NOTSUP = -6
PCAP_ERROR_NOT_RFMON = -7
PCAP_ERROR_PERM_DENIED = -8
PCAP_ERROR_IFACE_NOT_UP = -9
PCAP_ERROR_CANTSET_TSTAMP_TYPE = -10
PCAP_ERROR_PROMISC_PERM_DENIED = -11
PCAP_ERROR_TSTAMP_PRECISION_NOTSUP = -12
PCAP_ERROR_CAPTURE_NOTSUP = -13

PCAP_WARNING = 1
PCAP_WARNING_PROMISC_NOTSUP = 2
PCAP_WARNING_TSTAMP_TYPE_NOTSUP = 3

PCAP_NETMASK_UNKNOWN = 0xFFFFFFFF

# init() options.
PCAP_CHAR_ENC_LOCAL = 0x00000000
PCAP_CHAR_ENC_UTF_8 = 0x00000001
PCAP_MMAP_32BIT = 0x00000002

# Time-stamp types and precisions.
PCAP_TSTAMP_HOST = 0
PCAP_TSTAMP_HOST_LOWPREC = 1
PCAP_TSTAMP_HOST_HIPREC = 2
PCAP_TSTAMP_ADAPTER = 3
PCAP_TSTAMP_ADAPTER_UNSYNCED = 4
PCAP_TSTAMP_HOST_HIPREC_UNSYNCED = 5

PCAP_TSTAMP_PRECISION_MICRO = 0
PCAP_TSTAMP_PRECISION_NANO = 1

# -- Remote capture: types and constants (always defined) --------------------

PCAP_SRC_FILE = 2
PCAP_SRC_IFLOCAL = 3
PCAP_SRC_IFREMOTE = 4

PCAP_SRC_FILE_STRING = b"file://"
PCAP_SRC_IF_STRING = b"rpcap://"

PCAP_OPENFLAG_PROMISCUOUS = 0x00000001
PCAP_OPENFLAG_DATATX_UDP = 0x00000002
PCAP_OPENFLAG_NOCAPTURE_RPCAP = 0x00000004
PCAP_OPENFLAG_NOCAPTURE_LOCAL = 0x00000008
PCAP_OPENFLAG_MAX_RESPONSIVENESS = 0x00000010

RPCAP_RMTAUTH_NULL = 0
RPCAP_RMTAUTH_PWD = 1


class rmtauth(ct.Structure):
    """``struct pcap_rmtauth``: credentials for a remote source."""

    _fields_ = [
        ("type", ct.c_int),
        ("username", ct.c_char_p),
        ("password", ct.c_char_p),
    ]


PCAP_SAMP_NOSAMP = 0
PCAP_SAMP_1_EVERY_N = 1
PCAP_SAMP_FIRST_AFTER_N_MS = 2


class samp(ct.Structure):
    """``struct pcap_samp``: sampling method of a remote capture."""

    _fields_ = [
        ("method", ct.c_int),
        ("value", ct.c_int),
    ]


RPCAP_HOSTLIST_SIZE = 1024

# -- Functions ----------------------------------------------------------------

_p = ct.POINTER
_pcap_p = _p(pcap_t)
_dumper_p = _p(pcap_dumper_t)
_u_char_p = _p(ct.c_ubyte)
_str = ct.c_char_p
_int = ct.c_int
_uint = ct.c_uint
_PCAP = ("pcap", _pcap_p)
_ERRBUF = ("errbuf", _str)

# Library init / version.  (init's keyword names are the original's.)
init = function("pcap_init", _int, ("pcap", _uint), ("rfmon", _str))
lib_version = function("pcap_lib_version", _str)

# Device discovery.
lookupdev = function("pcap_lookupdev", _str, _ERRBUF)
PCAP_DEPRECATED(lookupdev, "use 'pcap_findalldevs' and use the first device")
lookupnet = function(
    "pcap_lookupnet", _int,
    ("device", _str), ("netp", _p(bpf_u_int32)), ("maskp", _p(bpf_u_int32)), _ERRBUF,
)
findalldevs = function("pcap_findalldevs", _int, ("alldevsp", _p(_p(pcap_if_t))), _ERRBUF)
freealldevs = function("pcap_freealldevs", None, ("alldevs", _p(pcap_if_t)))

# Create/activate and handle options.
create = function("pcap_create", _pcap_p, ("source", _str), _ERRBUF)
set_snaplen = function("pcap_set_snaplen", _int, _PCAP, ("snaplen", _int))
set_promisc = function("pcap_set_promisc", _int, _PCAP, ("promisc", _int))
can_set_rfmon = function("pcap_can_set_rfmon", _int, _PCAP)
set_rfmon = function("pcap_set_rfmon", _int, _PCAP, ("rfmon", _int))
set_timeout = function("pcap_set_timeout", _int, _PCAP, ("timeout", _int))
set_tstamp_type = function("pcap_set_tstamp_type", _int, _PCAP, ("tstamp_type", _int))
set_immediate_mode = function("pcap_set_immediate_mode", _int, _PCAP, ("immediate", _int))
set_buffer_size = function("pcap_set_buffer_size", _int, _PCAP, ("buffer_size", _int))
set_tstamp_precision = function(
    "pcap_set_tstamp_precision", _int, _PCAP, ("tstamp_precision", _int),
)
get_tstamp_precision = function("pcap_get_tstamp_precision", _int, _PCAP)
list_tstamp_types = function(
    "pcap_list_tstamp_types", _int, _PCAP, ("tstamp_type_list", _p(_p(_int))),
)
free_tstamp_types = function("pcap_free_tstamp_types", None, ("tstamp_type_list", _p(_int)))
tstamp_type_name_to_val = function("pcap_tstamp_type_name_to_val", _int, ("name", _str))
tstamp_type_val_to_name = function("pcap_tstamp_type_val_to_name", _str, ("tstamp_type", _int))
tstamp_type_val_to_description = function(
    "pcap_tstamp_type_val_to_description", _str, ("tstamp_type", _int),
)
set_protocol_linux = function("pcap_set_protocol_linux", _int, _PCAP, ("protocol", _int))
activate = function("pcap_activate", _int, _PCAP)

# Opening and closing handles.
open_live = function(
    "pcap_open_live", _pcap_p,
    ("source", _str), ("snaplen", _int), ("promisc", _int), ("timeout", _int), _ERRBUF,
)
open_dead = function("pcap_open_dead", _pcap_p, ("linktype", _int), ("snaplen", _int))
open_dead_with_tstamp_precision = function(
    "pcap_open_dead_with_tstamp_precision", _pcap_p,
    ("linktype", _int), ("snaplen", _int), ("precision", _uint),
)
open_offline = function("pcap_open_offline", _pcap_p, ("fname", _str), _ERRBUF)
open_offline_with_tstamp_precision = function(
    "pcap_open_offline_with_tstamp_precision", _pcap_p,
    ("fname", _str), ("precision", _uint), _ERRBUF,
)
fopen_offline = function("pcap_fopen_offline", _pcap_p, ("fp", _p(FILE)), _ERRBUF)
fopen_offline_with_tstamp_precision = function(
    "pcap_fopen_offline_with_tstamp_precision", _pcap_p,
    ("fp", _p(FILE)), ("precision", _uint), _ERRBUF,
)
close = function("pcap_close", None, _PCAP)

# Reading packets.
loop = function(
    "pcap_loop", _int, _PCAP, ("cnt", _int), ("callback", pcap_handler), ("user", _u_char_p),
)
dispatch = function(
    "pcap_dispatch", _int,
    _PCAP, ("cnt", _int), ("callback", pcap_handler), ("user", _u_char_p),
)
next_ex = function(
    "pcap_next_ex", _int,
    _PCAP, ("pkt_header", _p(_p(pkthdr))), ("pkt_data", _p(_u_char_p)),
)
breakloop = function("pcap_breakloop", None, _PCAP)

# Statistics, filters, direction, blocking mode, sending.
stats = function("pcap_stats", _int, _PCAP, ("stat", _p(stat)))
setfilter = function("pcap_setfilter", _int, _PCAP, ("prog", _p(bpf_program)))
setdirection = function("pcap_setdirection", _int, _PCAP, ("direction", direction_t))
getnonblock = function("pcap_getnonblock", _int, _PCAP, _ERRBUF)
setnonblock = function("pcap_setnonblock", _int, _PCAP, ("nonblock", _int), _ERRBUF)
inject = function(
    "pcap_inject", _int, _PCAP, ("buffer", ct.c_void_p), ("size", ct.c_size_t),
)
sendpacket = function(
    "pcap_sendpacket", _int, _PCAP, ("buffer", _u_char_p), ("size", _int),
)

# Error reporting.
statustostr = function("pcap_statustostr", _str, ("errnum", _int))
strerror = function("pcap_strerror", _str, ("errnum", _int))
geterr = function("pcap_geterr", _str, _PCAP)
perror = function("pcap_perror", None, _PCAP, ("prefix", _str))

# Filter programs (compile() itself is bound at the end).
compile_nopcap = function(
    "pcap_compile_nopcap", _int,
    ("snaplen_arg", _int), ("linktype", _int), ("prog", _p(bpf_program)),
    ("buffer", _str), ("optimize", _int), ("mask", bpf_u_int32),
)
freecode = function("pcap_freecode", None, ("prog", _p(bpf_program)))
offline_filter = function(
    "pcap_offline_filter", _int,
    ("prog", _p(bpf_program)), ("pkt_header", _p(pkthdr)), ("pkt_data", _u_char_p),
)

# Link-layer header types.
datalink = function("pcap_datalink", _int, _PCAP)
datalink_ext = function("pcap_datalink_ext", _int, _PCAP)
list_datalinks = function("pcap_list_datalinks", _int, _PCAP, ("dlt_buffer", _p(_p(_int))))
set_datalink = function("pcap_set_datalink", _int, _PCAP, ("dlt", _int))
free_datalinks = function("pcap_free_datalinks", None, ("dlt_list", _p(_int)))
datalink_name_to_val = function("pcap_datalink_name_to_val", _int, ("name", _str))
datalink_val_to_name = function("pcap_datalink_val_to_name", _str, ("dlt", _int))
datalink_val_to_description = function(
    "pcap_datalink_val_to_description", _str, ("dlt", _int),
)
datalink_val_to_description_or_dlt = function(
    "pcap_datalink_val_to_description_or_dlt", _str, ("dlt", _int),
)

# Handle information.
snapshot = function("pcap_snapshot", _int, _PCAP)
is_swapped = function("pcap_is_swapped", _int, _PCAP)
bufsize = function("pcap_bufsize", _int, _PCAP)
major_version = function("pcap_major_version", _int, _PCAP)
minor_version = function("pcap_minor_version", _int, _PCAP)
fileno = function("pcap_fileno", _int, _PCAP)

# Writing savefiles.
dump_open = function("pcap_dump_open", _dumper_p, _PCAP, ("fname", _str))
dump_open_append = function("pcap_dump_open_append", _dumper_p, _PCAP, ("fname", _str))
dump_fopen = function("pcap_dump_fopen", _dumper_p, _PCAP, ("fp", _p(FILE)))
dump_file = function("pcap_dump_file", _p(FILE), ("pcap_dumper", _dumper_p))
dump_ftell = function("pcap_dump_ftell", ct.c_long, ("pcap_dumper", _dumper_p))
dump_ftell64 = function("pcap_dump_ftell64", ct.c_int64, ("pcap_dumper", _dumper_p))
dump_flush = function("pcap_dump_flush", _int, ("pcap_dumper", _dumper_p))
dump_close = function("pcap_dump_close", None, ("pcap_dumper", _dumper_p))
dump = function(
    "pcap_dump", None,
    ("fhandle", _u_char_p), ("pkt_header", _p(pkthdr)), ("pkt_data", _u_char_p),
)

# UN*X only.
get_selectable_fd = function("pcap_get_selectable_fd", _int, _PCAP)
get_required_select_timeout = function("pcap_get_required_select_timeout", _p(timeval), _PCAP)

# Remote capture: bound only if the core exports them (it does not, as a
# libpcap built without remote support); the names are then absent, which
# is what callers probing with hasattr() expect.
_AUTH = ("auth", _p(rmtauth))
_REMOTE = [
    ("createsrcstr", "pcap_createsrcstr", _int,
     (("source", _str), ("type", _int), ("host", _str), ("port", _str),
      ("name", _str), _ERRBUF)),
    ("parsesrcstr", "pcap_parsesrcstr", _int,
     (("source", _str), ("type", _p(_int)), ("host", _str), ("port", _str),
      ("name", _str), _ERRBUF)),
    ("findalldevs_ex", "pcap_findalldevs_ex", _int,
     (("source", _str), _AUTH, ("alldevs", _p(_p(pcap_if_t))), _ERRBUF)),
    ("setsampling", "pcap_setsampling", _p(samp), (_PCAP,)),
    ("remoteact_accept", "pcap_remoteact_accept", PCAP_SOCKET,
     (("address", _str), ("port", _str), ("hostlist", _str),
      ("connectinghost", _str), _AUTH, _ERRBUF)),
    ("remoteact_accept_ex", "pcap_remoteact_accept_ex", PCAP_SOCKET,
     (("address", _str), ("port", _str), ("hostlist", _str),
      ("connectinghost", _str), _AUTH, ("uses_ssl", _int), _ERRBUF)),
    ("remoteact_list", "pcap_remoteact_list", _int,
     (("hostlist", _str), ("sep", ct.c_char), ("size", _int), _ERRBUF)),
    ("remoteact_close", "pcap_remoteact_close", _int, (("host", _str), _ERRBUF)),
    ("remoteact_cleanup", "pcap_remoteact_cleanup", None, ()),
    ("open", "pcap_open", _pcap_p,
     (("source", _str), ("snaplen", _int), ("flags", _int), ("read_timeout", _int),
      _AUTH, _ERRBUF)),
]
for _name, _symbol, _restype, _params in _REMOTE:
    try:
        globals()[_name] = prototype(_symbol, _restype, *_params)
    except AttributeError:
        continue
    __all__.append(_name)

def _two_way_compile(proto: Any) -> Any:
    """pcap_compile's prototype, also callable as the native API's compile.

    ``libpcap.compile`` is two things at once: the compatibility layer's
    ``compile(pcap, prog, buffer, optimize, mask)`` (this very ctypes
    prototype: same argtypes, keyword names, errors and C-style return)
    and the native ``compile(expr, linktype=..., ...) -> Filter``.  A call
    whose first argument is an expression (``str`` or ``bytes``, never a
    valid pcap_t pointer), or that names ``expr``, is the native one; every
    other call is pcap_compile's.
    """
    base = type(proto)

    class pcap_compile_prototype(base):  # type: ignore[valid-type,misc]
        _flags_ = base._flags_
        _argtypes_ = base._argtypes_
        _restype_ = base._restype_

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            if (args and isinstance(args[0], (str, bytes))) or ("expr" in kwargs and "pcap" not in kwargs):
                from ._libpcap import compile as native_compile

                return native_compile(*args, **kwargs)
            return super().__call__(*args, **kwargs)

    pcap_compile_prototype.__name__ = base.__name__
    pcap_compile_prototype.__qualname__ = base.__qualname__
    return pcap_compile_prototype(("pcap_compile", dll), ((1, "pcap"), (1, "prog"), (1, "buffer"),
                                                          (1, "optimize"), (1, "mask")))


# The names that shadow builtins in this module, bound last.
next = function("pcap_next", _u_char_p, _PCAP, ("pkt_header", _p(pkthdr)))
compile = function(
    "pcap_compile", _int,
    _PCAP, ("prog", _p(bpf_program)), ("buffer", _str), ("optimize", _int),
    ("mask", bpf_u_int32),
)
if compile is not None:
    compile = _two_way_compile(compile)
file = function("pcap_file", _p(FILE), _PCAP)

del _p, _pcap_p, _dumper_p, _u_char_p, _str, _int, _uint, _PCAP, _ERRBUF, _AUTH
del _REMOTE, _name, _symbol, _restype, _params
check_complete()
