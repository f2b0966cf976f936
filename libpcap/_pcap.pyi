"""Type stub of libpcap._pcap, written by tools/gen_compat_stubs.py: do not edit."""
from typing import Any, ClassVar, Optional, Union, overload

import ctypes as ct
from _ctypes import CFuncPtr, _CArgObject, _Pointer

from . import _libpcap
from ._platform import CFUNC as CFUNC
from ._dll import dll as dll
from ._platform import defined as defined
from ._bpf import PCAP_DEPRECATED as PCAP_DEPRECATED
from ._platform import timeval as timeval
from ._platform import SOCKET as SOCKET
from ._platform import sockaddr as sockaddr
from ._bpf import bpf_int32 as bpf_int32
from ._bpf import bpf_u_int32 as bpf_u_int32
from ._bpf import bpf_program as _bpf_bpf_program

# What ctypes accepts for a parameter.
_CharP = Union[bytes, None, ct.c_char_p, ct.Array[ct.c_char], _CArgObject]
_VoidP = Any

__all__ = [
    'ct',
    'CFUNC',
    'dll',
    'is_windows',
    'is_linux',
    'defined',
    'PCAP_DEPRECATED',
    'timeval',
    'SOCKET',
    'INVALID_SOCKET',
    'sockaddr',
    'PCAP_SOCKET',
    'intptr_t',
    'FILE',
    'direction_t',
    'BPF_RELEASE',
    'bpf_int32',
    'bpf_u_int32',
    'pcap',
    'pcap_t',
    'pcap_dumper',
    'pcap_dumper_t',
    'file_header',
    'pkthdr',
    'stat',
    'pcap_addr',
    'pcap_addr_t',
    'pcap_if',
    'pcap_if_t',
    'pcap_handler',
    'rmtauth',
    'samp',
    'PCAP_VERSION_MAJOR',
    'PCAP_VERSION_MINOR',
    'PCAP_ERRBUF_SIZE',
    'PCAP_BUF_SIZE',
    'LT_LINKTYPE',
    'LT_LINKTYPE_EXT',
    'LT_RESERVED1',
    'LT_FCS_LENGTH_PRESENT',
    'LT_FCS_LENGTH',
    'LT_FCS_DATALINK_EXT',
    'PCAP_D_INOUT',
    'PCAP_D_IN',
    'PCAP_D_OUT',
    'PCAP_IF_LOOPBACK',
    'PCAP_IF_UP',
    'PCAP_IF_RUNNING',
    'PCAP_IF_WIRELESS',
    'PCAP_IF_CONNECTION_STATUS',
    'PCAP_IF_CONNECTION_STATUS_UNKNOWN',
    'PCAP_IF_CONNECTION_STATUS_CONNECTED',
    'PCAP_IF_CONNECTION_STATUS_DISCONNECTED',
    'PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE',
    'PCAP_ERROR',
    'PCAP_ERROR_BREAK',
    'PCAP_ERROR_NOT_ACTIVATED',
    'PCAP_ERROR_ACTIVATED',
    'PCAP_ERROR_NO_SUCH_DEVICE',
    'PCAP_ERROR_RFMON_NOTSUP',
    'PCAP_ERROR_NOT_RFMON',
    'PCAP_ERROR_PERM_DENIED',
    'PCAP_ERROR_IFACE_NOT_UP',
    'PCAP_ERROR_CANTSET_TSTAMP_TYPE',
    'PCAP_ERROR_PROMISC_PERM_DENIED',
    'PCAP_ERROR_TSTAMP_PRECISION_NOTSUP',
    'PCAP_ERROR_CAPTURE_NOTSUP',
    'PCAP_WARNING',
    'PCAP_WARNING_PROMISC_NOTSUP',
    'PCAP_WARNING_TSTAMP_TYPE_NOTSUP',
    'PCAP_NETMASK_UNKNOWN',
    'PCAP_CHAR_ENC_LOCAL',
    'PCAP_CHAR_ENC_UTF_8',
    'PCAP_MMAP_32BIT',
    'PCAP_TSTAMP_HOST',
    'PCAP_TSTAMP_HOST_LOWPREC',
    'PCAP_TSTAMP_HOST_HIPREC',
    'PCAP_TSTAMP_ADAPTER',
    'PCAP_TSTAMP_ADAPTER_UNSYNCED',
    'PCAP_TSTAMP_HOST_HIPREC_UNSYNCED',
    'PCAP_TSTAMP_PRECISION_MICRO',
    'PCAP_TSTAMP_PRECISION_NANO',
    'PCAP_SRC_FILE',
    'PCAP_SRC_IFLOCAL',
    'PCAP_SRC_IFREMOTE',
    'PCAP_SRC_FILE_STRING',
    'PCAP_SRC_IF_STRING',
    'PCAP_OPENFLAG_PROMISCUOUS',
    'PCAP_OPENFLAG_DATATX_UDP',
    'PCAP_OPENFLAG_NOCAPTURE_RPCAP',
    'PCAP_OPENFLAG_NOCAPTURE_LOCAL',
    'PCAP_OPENFLAG_MAX_RESPONSIVENESS',
    'RPCAP_RMTAUTH_NULL',
    'RPCAP_RMTAUTH_PWD',
    'RPCAP_HOSTLIST_SIZE',
    'PCAP_SAMP_NOSAMP',
    'PCAP_SAMP_1_EVERY_N',
    'PCAP_SAMP_FIRST_AFTER_N_MS',
    'init',
    'lib_version',
    'lookupdev',
    'lookupnet',
    'findalldevs',
    'freealldevs',
    'create',
    'set_snaplen',
    'set_promisc',
    'can_set_rfmon',
    'set_rfmon',
    'set_timeout',
    'set_tstamp_type',
    'set_immediate_mode',
    'set_buffer_size',
    'set_tstamp_precision',
    'get_tstamp_precision',
    'list_tstamp_types',
    'free_tstamp_types',
    'tstamp_type_name_to_val',
    'tstamp_type_val_to_name',
    'tstamp_type_val_to_description',
    'set_protocol_linux',
    'activate',
    'open_live',
    'open_dead',
    'open_dead_with_tstamp_precision',
    'open_offline',
    'open_offline_with_tstamp_precision',
    'fopen_offline',
    'fopen_offline_with_tstamp_precision',
    'close',
    'loop',
    'dispatch',
    'next',
    'next_ex',
    'breakloop',
    'stats',
    'setfilter',
    'setdirection',
    'getnonblock',
    'setnonblock',
    'inject',
    'sendpacket',
    'statustostr',
    'strerror',
    'geterr',
    'perror',
    'compile',
    'compile_nopcap',
    'freecode',
    'offline_filter',
    'datalink',
    'datalink_ext',
    'list_datalinks',
    'set_datalink',
    'free_datalinks',
    'datalink_name_to_val',
    'datalink_val_to_name',
    'datalink_val_to_description',
    'datalink_val_to_description_or_dlt',
    'snapshot',
    'is_swapped',
    'bufsize',
    'major_version',
    'minor_version',
    'file',
    'fileno',
    'dump_open',
    'dump_open_append',
    'dump_fopen',
    'dump_file',
    'dump_ftell',
    'dump_ftell64',
    'dump_flush',
    'dump_close',
    'dump',
    'get_selectable_fd',
    'get_required_select_timeout',
]

is_windows: bool

is_linux: bool

INVALID_SOCKET: int

PCAP_SOCKET = ct.c_int

intptr_t = ct.c_long

class FILE(ct.Structure):
    ...

direction_t = ct.c_int

BPF_RELEASE: int

class pcap(ct.Structure):
    ...

pcap_t = pcap

class pcap_dumper(ct.Structure):
    ...

pcap_dumper_t = pcap_dumper

class file_header(ct.Structure):
    magic: int
    version_major: int
    version_minor: int
    thiszone: int
    sigfigs: int
    snaplen: int
    linktype: int

class pkthdr(ct.Structure):
    ts: timeval
    caplen: int
    len: int

class stat(ct.Structure):
    ps_recv: int
    ps_drop: int
    ps_ifdrop: int

class pcap_addr(ct.Structure):
    next: _Pointer[pcap_addr]
    addr: _Pointer[sockaddr]
    netmask: _Pointer[sockaddr]
    broadaddr: _Pointer[sockaddr]
    dstaddr: _Pointer[sockaddr]

pcap_addr_t = pcap_addr

class pcap_if(ct.Structure):
    next: _Pointer[pcap_if]
    name: Optional[bytes]
    description: Optional[bytes]
    addresses: _Pointer[pcap_addr]
    flags: int

pcap_if_t = pcap_if

class pcap_handler(CFuncPtr):
    _restype_: ClassVar[Any]
    _argtypes_: ClassVar[Any]
    _flags_: ClassVar[int]

class rmtauth(ct.Structure):
    type: int
    username: Optional[bytes]
    password: Optional[bytes]

class samp(ct.Structure):
    method: int
    value: int

PCAP_VERSION_MAJOR: int

PCAP_VERSION_MINOR: int

PCAP_ERRBUF_SIZE: int

PCAP_BUF_SIZE: int

def LT_LINKTYPE(x: Any) -> Any: ...

def LT_LINKTYPE_EXT(x: Any) -> Any: ...

def LT_RESERVED1(x: Any) -> Any: ...

def LT_FCS_LENGTH_PRESENT(x: Any) -> Any: ...

def LT_FCS_LENGTH(x: Any) -> Any: ...

def LT_FCS_DATALINK_EXT(x: Any) -> Any: ...

PCAP_D_INOUT: int

PCAP_D_IN: int

PCAP_D_OUT: int

PCAP_IF_LOOPBACK: int

PCAP_IF_UP: int

PCAP_IF_RUNNING: int

PCAP_IF_WIRELESS: int

PCAP_IF_CONNECTION_STATUS: int

PCAP_IF_CONNECTION_STATUS_UNKNOWN: int

PCAP_IF_CONNECTION_STATUS_CONNECTED: int

PCAP_IF_CONNECTION_STATUS_DISCONNECTED: int

PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE: int

PCAP_ERROR: int

PCAP_ERROR_BREAK: int

PCAP_ERROR_NOT_ACTIVATED: int

PCAP_ERROR_ACTIVATED: int

PCAP_ERROR_NO_SUCH_DEVICE: int

PCAP_ERROR_RFMON_NOTSUP: int

PCAP_ERROR_NOT_RFMON: int

PCAP_ERROR_PERM_DENIED: int

PCAP_ERROR_IFACE_NOT_UP: int

PCAP_ERROR_CANTSET_TSTAMP_TYPE: int

PCAP_ERROR_PROMISC_PERM_DENIED: int

PCAP_ERROR_TSTAMP_PRECISION_NOTSUP: int

PCAP_ERROR_CAPTURE_NOTSUP: int

PCAP_WARNING: int

PCAP_WARNING_PROMISC_NOTSUP: int

PCAP_WARNING_TSTAMP_TYPE_NOTSUP: int

PCAP_NETMASK_UNKNOWN: int

PCAP_CHAR_ENC_LOCAL: int

PCAP_CHAR_ENC_UTF_8: int

PCAP_MMAP_32BIT: int

PCAP_TSTAMP_HOST: int

PCAP_TSTAMP_HOST_LOWPREC: int

PCAP_TSTAMP_HOST_HIPREC: int

PCAP_TSTAMP_ADAPTER: int

PCAP_TSTAMP_ADAPTER_UNSYNCED: int

PCAP_TSTAMP_HOST_HIPREC_UNSYNCED: int

PCAP_TSTAMP_PRECISION_MICRO: int

PCAP_TSTAMP_PRECISION_NANO: int

PCAP_SRC_FILE: int

PCAP_SRC_IFLOCAL: int

PCAP_SRC_IFREMOTE: int

PCAP_SRC_FILE_STRING: bytes

PCAP_SRC_IF_STRING: bytes

PCAP_OPENFLAG_PROMISCUOUS: int

PCAP_OPENFLAG_DATATX_UDP: int

PCAP_OPENFLAG_NOCAPTURE_RPCAP: int

PCAP_OPENFLAG_NOCAPTURE_LOCAL: int

PCAP_OPENFLAG_MAX_RESPONSIVENESS: int

RPCAP_RMTAUTH_NULL: int

RPCAP_RMTAUTH_PWD: int

RPCAP_HOSTLIST_SIZE: int

PCAP_SAMP_NOSAMP: int

PCAP_SAMP_1_EVERY_N: int

PCAP_SAMP_FIRST_AFTER_N_MS: int

class _pcap_init(CFuncPtr):
    def __call__(self, pcap: int, rfmon: _CharP) -> int: ...
init: _pcap_init

class _pcap_lib_version(CFuncPtr):
    def __call__(self) -> Optional[bytes]: ...
lib_version: _pcap_lib_version

class _pcap_lookupdev(CFuncPtr):
    def __call__(self, errbuf: _CharP) -> Optional[bytes]: ...
lookupdev: _pcap_lookupdev

class _pcap_lookupnet(CFuncPtr):
    def __call__(self, device: _CharP, netp: Union[_Pointer[ct.c_uint], ct.Array[ct.c_uint], _CArgObject, None], maskp: Union[_Pointer[ct.c_uint], ct.Array[ct.c_uint], _CArgObject, None], errbuf: _CharP) -> int: ...
lookupnet: _pcap_lookupnet

class _pcap_findalldevs(CFuncPtr):
    def __call__(self, alldevsp: Union[_Pointer[_Pointer[pcap_if]], ct.Array[_Pointer[pcap_if]], _CArgObject, None], errbuf: _CharP) -> int: ...
findalldevs: _pcap_findalldevs

class _pcap_freealldevs(CFuncPtr):
    def __call__(self, alldevs: Union[_Pointer[pcap_if], ct.Array[pcap_if], _CArgObject, None]) -> None: ...
freealldevs: _pcap_freealldevs

class _pcap_create(CFuncPtr):
    def __call__(self, source: _CharP, errbuf: _CharP) -> _Pointer[pcap]: ...
create: _pcap_create

class _pcap_set_snaplen(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], snaplen: int) -> int: ...
set_snaplen: _pcap_set_snaplen

class _pcap_set_promisc(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], promisc: int) -> int: ...
set_promisc: _pcap_set_promisc

class _pcap_can_set_rfmon(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> int: ...
can_set_rfmon: _pcap_can_set_rfmon

class _pcap_set_rfmon(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], rfmon: int) -> int: ...
set_rfmon: _pcap_set_rfmon

class _pcap_set_timeout(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], timeout: int) -> int: ...
set_timeout: _pcap_set_timeout

class _pcap_set_tstamp_type(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], tstamp_type: int) -> int: ...
set_tstamp_type: _pcap_set_tstamp_type

class _pcap_set_immediate_mode(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], immediate: int) -> int: ...
set_immediate_mode: _pcap_set_immediate_mode

class _pcap_set_buffer_size(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], buffer_size: int) -> int: ...
set_buffer_size: _pcap_set_buffer_size

class _pcap_set_tstamp_precision(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], tstamp_precision: int) -> int: ...
set_tstamp_precision: _pcap_set_tstamp_precision

class _pcap_get_tstamp_precision(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> int: ...
get_tstamp_precision: _pcap_get_tstamp_precision

class _pcap_list_tstamp_types(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], tstamp_type_list: Union[_Pointer[_Pointer[ct.c_int]], ct.Array[_Pointer[ct.c_int]], _CArgObject, None]) -> int: ...
list_tstamp_types: _pcap_list_tstamp_types

class _pcap_free_tstamp_types(CFuncPtr):
    def __call__(self, tstamp_type_list: Union[_Pointer[ct.c_int], ct.Array[ct.c_int], _CArgObject, None]) -> None: ...
free_tstamp_types: _pcap_free_tstamp_types

class _pcap_tstamp_type_name_to_val(CFuncPtr):
    def __call__(self, name: _CharP) -> int: ...
tstamp_type_name_to_val: _pcap_tstamp_type_name_to_val

class _pcap_tstamp_type_val_to_name(CFuncPtr):
    def __call__(self, tstamp_type: int) -> Optional[bytes]: ...
tstamp_type_val_to_name: _pcap_tstamp_type_val_to_name

class _pcap_tstamp_type_val_to_description(CFuncPtr):
    def __call__(self, tstamp_type: int) -> Optional[bytes]: ...
tstamp_type_val_to_description: _pcap_tstamp_type_val_to_description

class _pcap_set_protocol_linux(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], protocol: int) -> int: ...
set_protocol_linux: _pcap_set_protocol_linux

class _pcap_activate(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> int: ...
activate: _pcap_activate

class _pcap_open_live(CFuncPtr):
    def __call__(self, source: _CharP, snaplen: int, promisc: int, timeout: int, errbuf: _CharP) -> _Pointer[pcap]: ...
open_live: _pcap_open_live

class _pcap_open_dead(CFuncPtr):
    def __call__(self, linktype: int, snaplen: int) -> _Pointer[pcap]: ...
open_dead: _pcap_open_dead

class _pcap_open_dead_with_tstamp_precision(CFuncPtr):
    def __call__(self, linktype: int, snaplen: int, precision: int) -> _Pointer[pcap]: ...
open_dead_with_tstamp_precision: _pcap_open_dead_with_tstamp_precision

class _pcap_open_offline(CFuncPtr):
    def __call__(self, fname: _CharP, errbuf: _CharP) -> _Pointer[pcap]: ...
open_offline: _pcap_open_offline

class _pcap_open_offline_with_tstamp_precision(CFuncPtr):
    def __call__(self, fname: _CharP, precision: int, errbuf: _CharP) -> _Pointer[pcap]: ...
open_offline_with_tstamp_precision: _pcap_open_offline_with_tstamp_precision

class _pcap_fopen_offline(CFuncPtr):
    def __call__(self, fp: Union[_Pointer[FILE], ct.Array[FILE], _CArgObject, None], errbuf: _CharP) -> _Pointer[pcap]: ...
fopen_offline: _pcap_fopen_offline

class _pcap_fopen_offline_with_tstamp_precision(CFuncPtr):
    def __call__(self, fp: Union[_Pointer[FILE], ct.Array[FILE], _CArgObject, None], precision: int, errbuf: _CharP) -> _Pointer[pcap]: ...
fopen_offline_with_tstamp_precision: _pcap_fopen_offline_with_tstamp_precision

class _pcap_close(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> None: ...
close: _pcap_close

class _pcap_loop(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], cnt: int, callback: Optional[pcap_handler], user: Union[_Pointer[ct.c_ubyte], ct.Array[ct.c_ubyte], _CArgObject, None]) -> int: ...
loop: _pcap_loop

class _pcap_dispatch(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], cnt: int, callback: Optional[pcap_handler], user: Union[_Pointer[ct.c_ubyte], ct.Array[ct.c_ubyte], _CArgObject, None]) -> int: ...
dispatch: _pcap_dispatch

class _pcap_next(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], pkt_header: Union[_Pointer[pkthdr], ct.Array[pkthdr], _CArgObject, None]) -> _Pointer[ct.c_ubyte]: ...
next: _pcap_next

class _pcap_next_ex(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], pkt_header: Union[_Pointer[_Pointer[pkthdr]], ct.Array[_Pointer[pkthdr]], _CArgObject, None], pkt_data: Union[_Pointer[_Pointer[ct.c_ubyte]], ct.Array[_Pointer[ct.c_ubyte]], _CArgObject, None]) -> int: ...
next_ex: _pcap_next_ex

class _pcap_breakloop(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> None: ...
breakloop: _pcap_breakloop

class _pcap_stats(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], stat: Union[_Pointer[stat], ct.Array[stat], _CArgObject, None]) -> int: ...
stats: _pcap_stats

class _pcap_setfilter(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], prog: Union[_Pointer[_bpf_bpf_program], ct.Array[_bpf_bpf_program], _CArgObject, None]) -> int: ...
setfilter: _pcap_setfilter

class _pcap_setdirection(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], direction: int) -> int: ...
setdirection: _pcap_setdirection

class _pcap_getnonblock(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], errbuf: _CharP) -> int: ...
getnonblock: _pcap_getnonblock

class _pcap_setnonblock(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], nonblock: int, errbuf: _CharP) -> int: ...
setnonblock: _pcap_setnonblock

class _pcap_inject(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], buffer: _VoidP, size: int) -> int: ...
inject: _pcap_inject

class _pcap_sendpacket(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], buffer: Union[_Pointer[ct.c_ubyte], ct.Array[ct.c_ubyte], _CArgObject, None], size: int) -> int: ...
sendpacket: _pcap_sendpacket

class _pcap_statustostr(CFuncPtr):
    def __call__(self, errnum: int) -> Optional[bytes]: ...
statustostr: _pcap_statustostr

class _pcap_strerror(CFuncPtr):
    def __call__(self, errnum: int) -> Optional[bytes]: ...
strerror: _pcap_strerror

class _pcap_geterr(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> Optional[bytes]: ...
geterr: _pcap_geterr

class _pcap_perror(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], prefix: _CharP) -> None: ...
perror: _pcap_perror

class _pcap_compile(CFuncPtr):
    """pcap_compile's prototype, also the native API's compile (see _pcap)."""
    @overload
    def __call__(self, expr: Union[str, bytes], linktype: Union[int, str] = ...,
                 snaplen: int = ..., optimize: Union[bool, int] = ...,
                 netmask: Union[int, str, None] = ...) -> _libpcap.Filter: ...
    @overload
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], prog: Union[_Pointer[_bpf_bpf_program], ct.Array[_bpf_bpf_program], _CArgObject, None], buffer: _CharP, optimize: int,
                 mask: int) -> int: ...

compile: _pcap_compile

class _pcap_compile_nopcap(CFuncPtr):
    def __call__(self, snaplen_arg: int, linktype: int, prog: Union[_Pointer[_bpf_bpf_program], ct.Array[_bpf_bpf_program], _CArgObject, None], buffer: _CharP, optimize: int, mask: int) -> int: ...
compile_nopcap: _pcap_compile_nopcap

class _pcap_freecode(CFuncPtr):
    def __call__(self, prog: Union[_Pointer[_bpf_bpf_program], ct.Array[_bpf_bpf_program], _CArgObject, None]) -> None: ...
freecode: _pcap_freecode

class _pcap_offline_filter(CFuncPtr):
    def __call__(self, prog: Union[_Pointer[_bpf_bpf_program], ct.Array[_bpf_bpf_program], _CArgObject, None], pkt_header: Union[_Pointer[pkthdr], ct.Array[pkthdr], _CArgObject, None], pkt_data: Union[_Pointer[ct.c_ubyte], ct.Array[ct.c_ubyte], _CArgObject, None]) -> int: ...
offline_filter: _pcap_offline_filter

class _pcap_datalink(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> int: ...
datalink: _pcap_datalink

class _pcap_datalink_ext(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> int: ...
datalink_ext: _pcap_datalink_ext

class _pcap_list_datalinks(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], dlt_buffer: Union[_Pointer[_Pointer[ct.c_int]], ct.Array[_Pointer[ct.c_int]], _CArgObject, None]) -> int: ...
list_datalinks: _pcap_list_datalinks

class _pcap_set_datalink(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], dlt: int) -> int: ...
set_datalink: _pcap_set_datalink

class _pcap_free_datalinks(CFuncPtr):
    def __call__(self, dlt_list: Union[_Pointer[ct.c_int], ct.Array[ct.c_int], _CArgObject, None]) -> None: ...
free_datalinks: _pcap_free_datalinks

class _pcap_datalink_name_to_val(CFuncPtr):
    def __call__(self, name: _CharP) -> int: ...
datalink_name_to_val: _pcap_datalink_name_to_val

class _pcap_datalink_val_to_name(CFuncPtr):
    def __call__(self, dlt: int) -> Optional[bytes]: ...
datalink_val_to_name: _pcap_datalink_val_to_name

class _pcap_datalink_val_to_description(CFuncPtr):
    def __call__(self, dlt: int) -> Optional[bytes]: ...
datalink_val_to_description: _pcap_datalink_val_to_description

class _pcap_datalink_val_to_description_or_dlt(CFuncPtr):
    def __call__(self, dlt: int) -> Optional[bytes]: ...
datalink_val_to_description_or_dlt: _pcap_datalink_val_to_description_or_dlt

class _pcap_snapshot(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> int: ...
snapshot: _pcap_snapshot

class _pcap_is_swapped(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> int: ...
is_swapped: _pcap_is_swapped

class _pcap_bufsize(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> int: ...
bufsize: _pcap_bufsize

class _pcap_major_version(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> int: ...
major_version: _pcap_major_version

class _pcap_minor_version(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> int: ...
minor_version: _pcap_minor_version

class _pcap_file(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> _Pointer[FILE]: ...
file: _pcap_file

class _pcap_fileno(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> int: ...
fileno: _pcap_fileno

class _pcap_dump_open(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], fname: _CharP) -> _Pointer[pcap_dumper]: ...
dump_open: _pcap_dump_open

class _pcap_dump_open_append(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], fname: _CharP) -> _Pointer[pcap_dumper]: ...
dump_open_append: _pcap_dump_open_append

class _pcap_dump_fopen(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None], fp: Union[_Pointer[FILE], ct.Array[FILE], _CArgObject, None]) -> _Pointer[pcap_dumper]: ...
dump_fopen: _pcap_dump_fopen

class _pcap_dump_file(CFuncPtr):
    def __call__(self, pcap_dumper: Union[_Pointer[pcap_dumper], ct.Array[pcap_dumper], _CArgObject, None]) -> _Pointer[FILE]: ...
dump_file: _pcap_dump_file

class _pcap_dump_ftell(CFuncPtr):
    def __call__(self, pcap_dumper: Union[_Pointer[pcap_dumper], ct.Array[pcap_dumper], _CArgObject, None]) -> int: ...
dump_ftell: _pcap_dump_ftell

class _pcap_dump_ftell64(CFuncPtr):
    def __call__(self, pcap_dumper: Union[_Pointer[pcap_dumper], ct.Array[pcap_dumper], _CArgObject, None]) -> int: ...
dump_ftell64: _pcap_dump_ftell64

class _pcap_dump_flush(CFuncPtr):
    def __call__(self, pcap_dumper: Union[_Pointer[pcap_dumper], ct.Array[pcap_dumper], _CArgObject, None]) -> int: ...
dump_flush: _pcap_dump_flush

class _pcap_dump_close(CFuncPtr):
    def __call__(self, pcap_dumper: Union[_Pointer[pcap_dumper], ct.Array[pcap_dumper], _CArgObject, None]) -> None: ...
dump_close: _pcap_dump_close

class _pcap_dump(CFuncPtr):
    def __call__(self, fhandle: Union[_Pointer[ct.c_ubyte], ct.Array[ct.c_ubyte], _CArgObject, None], pkt_header: Union[_Pointer[pkthdr], ct.Array[pkthdr], _CArgObject, None], pkt_data: Union[_Pointer[ct.c_ubyte], ct.Array[ct.c_ubyte], _CArgObject, None]) -> None: ...
dump: _pcap_dump

class _pcap_get_selectable_fd(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> int: ...
get_selectable_fd: _pcap_get_selectable_fd

class _pcap_get_required_select_timeout(CFuncPtr):
    def __call__(self, pcap: Union[_Pointer[pcap], ct.Array[pcap], _CArgObject, None]) -> _Pointer[timeval]: ...
get_required_select_timeout: _pcap_get_required_select_timeout
