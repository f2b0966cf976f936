/*
 * pcap/pcap.h - the public C API of the packet-capture library.
 *
 * Declarations, types and constants follow libpcap 1.10's public header so
 * that C programs written for libpcap compile against this one unchanged.
 * Functions exist for Linux/UN*X; the Windows-only and remote-capture
 * (rpcap) entry points are not part of this build.
 */
#ifndef lib_pcap_pcap_h
#define lib_pcap_pcap_h

#include <sys/types.h>
#include <sys/time.h>
#include <stdio.h>
#include <stdint.h>

#include <pcap/bpf.h>

/* Export and availability markers (PCAP_API, PCAP_AVAILABLE_*). */
#include <pcap/funcattrs.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PCAP_VERSION_MAJOR 2
#define PCAP_VERSION_MINOR 4

#define PCAP_ERRBUF_SIZE 256

#if BPF_RELEASE - 0 < 199406
typedef int bpf_int32;
typedef u_int bpf_u_int32;
#endif

typedef struct pcap pcap_t;
typedef struct pcap_dumper pcap_dumper_t;
typedef struct pcap_if pcap_if_t;
typedef struct pcap_addr pcap_addr_t;

/* The classic savefile header, as it is laid out on disk. */
struct pcap_file_header {
	bpf_u_int32 magic;
	u_short version_major;
	u_short version_minor;
	bpf_int32 thiszone;	/* not used - always 0 */
	bpf_u_int32 sigfigs;	/* not used - always 0 */
	bpf_u_int32 snaplen;	/* max length saved portion of each packet */
	bpf_u_int32 linktype;	/* data link type (LINKTYPE_*) */
};

/* Helpers for the "linktype" field: low 16 bits type, upper bits FCS info. */
#define LT_LINKTYPE(x)		((x) & 0x0000FFFF)
#define LT_LINKTYPE_EXT(x)	((x) & 0xFFFF0000)
#define LT_RESERVED1(x)		((x) & 0x03FF0000)
#define LT_FCS_LENGTH_PRESENT(x)	((x) & 0x04000000)
#define LT_FCS_LENGTH(x)	(((x) & 0xF0000000) >> 28)
#define LT_FCS_DATALINK_EXT(x)	((((x) & 0xF) << 28) | 0x04000000)

typedef enum {
	PCAP_D_INOUT = 0,
	PCAP_D_IN,
	PCAP_D_OUT
} pcap_direction_t;

/* The record header handed to callers with every packet. */
struct pcap_pkthdr {
	struct timeval ts;	/* time stamp */
	bpf_u_int32 caplen;	/* length of portion present */
	bpf_u_int32 len;	/* length of this packet (off wire) */
};

struct pcap_stat {
	u_int ps_recv;		/* number of packets received */
	u_int ps_drop;		/* number of packets dropped */
	u_int ps_ifdrop;	/* drops by interface -- only supported on some platforms */
};

/* Item in a list of interfaces. */
struct pcap_if {
	struct pcap_if *next;
	char *name;		/* name to hand to "pcap_open_live()" */
	char *description;	/* textual description of interface, or NULL */
	struct pcap_addr *addresses;
	bpf_u_int32 flags;	/* PCAP_IF_ interface flags */
};

#define PCAP_IF_LOOPBACK				0x00000001
#define PCAP_IF_UP					0x00000002
#define PCAP_IF_RUNNING					0x00000004
#define PCAP_IF_WIRELESS				0x00000008
#define PCAP_IF_CONNECTION_STATUS			0x00000030
#define PCAP_IF_CONNECTION_STATUS_UNKNOWN		0x00000000
#define PCAP_IF_CONNECTION_STATUS_CONNECTED		0x00000010
#define PCAP_IF_CONNECTION_STATUS_DISCONNECTED		0x00000020
#define PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE	0x00000030

/* Representation of an interface address. */
struct pcap_addr {
	struct pcap_addr *next;
	struct sockaddr *addr;		/* address */
	struct sockaddr *netmask;	/* netmask for that address */
	struct sockaddr *broadaddr;	/* broadcast address for that address */
	struct sockaddr *dstaddr;	/* P2P destination address for that address */
};

typedef void (*pcap_handler)(u_char *, const struct pcap_pkthdr *,
			     const u_char *);

/* Error codes for the pcap API (negative) and warnings (positive). */
#define PCAP_ERROR			-1
#define PCAP_ERROR_BREAK		-2
#define PCAP_ERROR_NOT_ACTIVATED	-3
#define PCAP_ERROR_ACTIVATED		-4
#define PCAP_ERROR_NO_SUCH_DEVICE	-5
#define PCAP_ERROR_RFMON_NOTSUP		-6
#define PCAP_ERROR_NOT_RFMON		-7
#define PCAP_ERROR_PERM_DENIED		-8
#define PCAP_ERROR_IFACE_NOT_UP		-9
#define PCAP_ERROR_CANTSET_TSTAMP_TYPE	-10
#define PCAP_ERROR_PROMISC_PERM_DENIED	-11
#define PCAP_ERROR_TSTAMP_PRECISION_NOTSUP -12
#define PCAP_ERROR_CAPTURE_NOTSUP	-13

#define PCAP_WARNING			1
#define PCAP_WARNING_PROMISC_NOTSUP	2
#define PCAP_WARNING_TSTAMP_TYPE_NOTSUP	3

#define PCAP_NETMASK_UNKNOWN	0xffffffff

#define PCAP_CHAR_ENC_LOCAL	0x00000000U
#define PCAP_CHAR_ENC_UTF_8	0x00000001U
#define PCAP_MMAP_32BIT		0x00000002U

PCAP_AVAILABLE_1_10
PCAP_API int	pcap_init(unsigned int, char *);

PCAP_AVAILABLE_0_4
PCAP_API char	*pcap_lookupdev(char *);

PCAP_AVAILABLE_0_4
PCAP_API int	pcap_lookupnet(const char *, bpf_u_int32 *, bpf_u_int32 *, char *);

PCAP_AVAILABLE_1_0
PCAP_API pcap_t	*pcap_create(const char *, char *);
PCAP_AVAILABLE_1_0
PCAP_API int	pcap_set_snaplen(pcap_t *, int);
PCAP_AVAILABLE_1_0
PCAP_API int	pcap_set_promisc(pcap_t *, int);
PCAP_AVAILABLE_1_0
PCAP_API int	pcap_can_set_rfmon(pcap_t *);
PCAP_AVAILABLE_1_0
PCAP_API int	pcap_set_rfmon(pcap_t *, int);
PCAP_AVAILABLE_1_0
PCAP_API int	pcap_set_timeout(pcap_t *, int);
PCAP_AVAILABLE_1_2
PCAP_API int	pcap_set_tstamp_type(pcap_t *, int);
PCAP_AVAILABLE_1_5
PCAP_API int	pcap_set_immediate_mode(pcap_t *, int);
PCAP_AVAILABLE_1_0
PCAP_API int	pcap_set_buffer_size(pcap_t *, int);
PCAP_AVAILABLE_1_5
PCAP_API int	pcap_set_tstamp_precision(pcap_t *, int);
PCAP_AVAILABLE_1_5
PCAP_API int	pcap_get_tstamp_precision(pcap_t *);
PCAP_AVAILABLE_1_9
PCAP_API int	pcap_set_protocol_linux(pcap_t *, int);
PCAP_AVAILABLE_1_0
PCAP_API int	pcap_activate(pcap_t *);

PCAP_AVAILABLE_1_2
PCAP_API int	pcap_list_tstamp_types(pcap_t *, int **);
PCAP_AVAILABLE_1_2
PCAP_API void	pcap_free_tstamp_types(int *);
PCAP_AVAILABLE_1_2
PCAP_API int	pcap_tstamp_type_name_to_val(const char *);
PCAP_AVAILABLE_1_2
PCAP_API const char *pcap_tstamp_type_val_to_name(int);
PCAP_AVAILABLE_1_2
PCAP_API const char *pcap_tstamp_type_val_to_description(int);

/* Time stamp types. */
#define PCAP_TSTAMP_HOST			0
#define PCAP_TSTAMP_HOST_LOWPREC		1
#define PCAP_TSTAMP_HOST_HIPREC			2
#define PCAP_TSTAMP_ADAPTER			3
#define PCAP_TSTAMP_ADAPTER_UNSYNCED		4
#define PCAP_TSTAMP_HOST_HIPREC_UNSYNCED	5

/* Time stamp resolution types. */
#define PCAP_TSTAMP_PRECISION_MICRO	0
#define PCAP_TSTAMP_PRECISION_NANO	1

PCAP_AVAILABLE_0_4
PCAP_API pcap_t	*pcap_open_live(const char *, int, int, int, char *);
PCAP_AVAILABLE_0_6
PCAP_API pcap_t	*pcap_open_dead(int, int);
PCAP_AVAILABLE_1_5
PCAP_API pcap_t	*pcap_open_dead_with_tstamp_precision(int, int, u_int);
PCAP_AVAILABLE_1_5
PCAP_API pcap_t	*pcap_open_offline_with_tstamp_precision(const char *, u_int, char *);
PCAP_AVAILABLE_0_4
PCAP_API pcap_t	*pcap_open_offline(const char *, char *);
PCAP_AVAILABLE_1_5
PCAP_API pcap_t  *pcap_fopen_offline_with_tstamp_precision(FILE *, u_int, char *);
PCAP_AVAILABLE_0_9
PCAP_API pcap_t  *pcap_fopen_offline(FILE *, char *);

PCAP_AVAILABLE_0_4
PCAP_API void	pcap_close(pcap_t *);

PCAP_AVAILABLE_0_4
PCAP_API int	pcap_loop(pcap_t *, int, pcap_handler, u_char *);
PCAP_AVAILABLE_0_4
PCAP_API int	pcap_dispatch(pcap_t *, int, pcap_handler, u_char *);
PCAP_AVAILABLE_0_4
PCAP_API const u_char *pcap_next(pcap_t *, struct pcap_pkthdr *);
PCAP_AVAILABLE_0_8
PCAP_API int	pcap_next_ex(pcap_t *, struct pcap_pkthdr **, const u_char **);
PCAP_AVAILABLE_0_8
PCAP_API void	pcap_breakloop(pcap_t *);

PCAP_AVAILABLE_0_4
PCAP_API int	pcap_stats(pcap_t *, struct pcap_stat *);
PCAP_AVAILABLE_0_4
PCAP_API int	pcap_setfilter(pcap_t *, struct bpf_program *);
PCAP_AVAILABLE_0_9
PCAP_API int	pcap_setdirection(pcap_t *, pcap_direction_t);
PCAP_AVAILABLE_0_7
PCAP_API int	pcap_getnonblock(pcap_t *, char *);
PCAP_AVAILABLE_0_7
PCAP_API int	pcap_setnonblock(pcap_t *, int, char *);
PCAP_AVAILABLE_0_9
PCAP_API int	pcap_inject(pcap_t *, const void *, size_t);
PCAP_AVAILABLE_0_8
PCAP_API int	pcap_sendpacket(pcap_t *, const u_char *, int);

PCAP_AVAILABLE_1_0
PCAP_API const char *pcap_statustostr(int);
PCAP_AVAILABLE_0_4
PCAP_API const char *pcap_strerror(int);
PCAP_AVAILABLE_0_4
PCAP_API char	*pcap_geterr(pcap_t *);
PCAP_AVAILABLE_0_4
PCAP_API void	pcap_perror(pcap_t *, const char *);

PCAP_AVAILABLE_0_4
PCAP_API int	pcap_compile(pcap_t *, struct bpf_program *, const char *, int,
	    bpf_u_int32);
PCAP_AVAILABLE_0_5
PCAP_API int	pcap_compile_nopcap(int, int, struct bpf_program *,
	    const char *, int, bpf_u_int32);
PCAP_AVAILABLE_0_6
PCAP_API void	pcap_freecode(struct bpf_program *);
PCAP_AVAILABLE_1_0
PCAP_API int	pcap_offline_filter(const struct bpf_program *,
	    const struct pcap_pkthdr *, const u_char *);

PCAP_AVAILABLE_0_4
PCAP_API int	pcap_datalink(pcap_t *);
PCAP_AVAILABLE_1_0
PCAP_API int	pcap_datalink_ext(pcap_t *);
PCAP_AVAILABLE_0_8
PCAP_API int	pcap_list_datalinks(pcap_t *, int **);
PCAP_AVAILABLE_0_8
PCAP_API int	pcap_set_datalink(pcap_t *, int);
PCAP_AVAILABLE_0_8
PCAP_API void	pcap_free_datalinks(int *);
PCAP_AVAILABLE_0_8
PCAP_API int	pcap_datalink_name_to_val(const char *);
PCAP_AVAILABLE_0_8
PCAP_API const char *pcap_datalink_val_to_name(int);
PCAP_AVAILABLE_0_8
PCAP_API const char *pcap_datalink_val_to_description(int);
PCAP_AVAILABLE_1_10
PCAP_API const char *pcap_datalink_val_to_description_or_dlt(int);
PCAP_AVAILABLE_0_4
PCAP_API int	pcap_snapshot(pcap_t *);
PCAP_AVAILABLE_0_4
PCAP_API int	pcap_is_swapped(pcap_t *);
PCAP_AVAILABLE_0_4
PCAP_API int	pcap_major_version(pcap_t *);
PCAP_AVAILABLE_0_4
PCAP_API int	pcap_minor_version(pcap_t *);
PCAP_AVAILABLE_1_9
PCAP_API int	pcap_bufsize(pcap_t *);

PCAP_AVAILABLE_0_4
PCAP_API FILE	*pcap_file(pcap_t *);
PCAP_AVAILABLE_0_4
PCAP_API int	pcap_fileno(pcap_t *);

PCAP_AVAILABLE_0_4
PCAP_API pcap_dumper_t *pcap_dump_open(pcap_t *, const char *);
PCAP_AVAILABLE_0_9
PCAP_API pcap_dumper_t *pcap_dump_fopen(pcap_t *, FILE *fp);
PCAP_AVAILABLE_1_7
PCAP_API pcap_dumper_t *pcap_dump_open_append(pcap_t *, const char *);
PCAP_AVAILABLE_0_8
PCAP_API FILE	*pcap_dump_file(pcap_dumper_t *);
PCAP_AVAILABLE_0_9
PCAP_API long	pcap_dump_ftell(pcap_dumper_t *);
PCAP_AVAILABLE_1_9
PCAP_API int64_t	pcap_dump_ftell64(pcap_dumper_t *);
PCAP_AVAILABLE_0_8
PCAP_API int	pcap_dump_flush(pcap_dumper_t *);
PCAP_AVAILABLE_0_4
PCAP_API void	pcap_dump_close(pcap_dumper_t *);
PCAP_AVAILABLE_0_4
PCAP_API void	pcap_dump(u_char *, const struct pcap_pkthdr *, const u_char *);

PCAP_AVAILABLE_0_7
PCAP_API int	pcap_findalldevs(pcap_if_t **, char *);
PCAP_AVAILABLE_0_7
PCAP_API void	pcap_freealldevs(pcap_if_t *);

PCAP_AVAILABLE_0_8
PCAP_API const char *pcap_lib_version(void);

PCAP_AVAILABLE_0_8
PCAP_API int	pcap_get_selectable_fd(pcap_t *);
PCAP_AVAILABLE_1_9
PCAP_API const struct timeval *pcap_get_required_select_timeout(pcap_t *);

/* Constants of the remote-capture API, defined on all platforms. */
#define PCAP_BUF_SIZE 1024
#define PCAP_SRC_FILE		2
#define PCAP_SRC_IFLOCAL	3
#define PCAP_SRC_IFREMOTE	4
#define PCAP_SRC_FILE_STRING	"file://"
#define PCAP_SRC_IF_STRING	"rpcap://"
#define PCAP_OPENFLAG_PROMISCUOUS		0x00000001
#define PCAP_OPENFLAG_DATATX_UDP		0x00000002
#define PCAP_OPENFLAG_NOCAPTURE_RPCAP		0x00000004
#define PCAP_OPENFLAG_NOCAPTURE_LOCAL		0x00000008
#define PCAP_OPENFLAG_MAX_RESPONSIVENESS	0x00000010
#define RPCAP_RMTAUTH_NULL 0
#define RPCAP_RMTAUTH_PWD 1
#define PCAP_SAMP_NOSAMP	0
#define PCAP_SAMP_1_EVERY_N	1
#define PCAP_SAMP_FIRST_AFTER_N_MS 2
#define RPCAP_HOSTLIST_SIZE 1024

#ifdef __cplusplus
}
#endif

#endif /* lib_pcap_pcap_h */
