/*
 * linux-int.h - the private side of the Linux AF_PACKET backend: the state
 * a live handle keeps behind p->priv, and the helpers its files share
 * (lnx_ prefix).  The files are:
 *   linux.c         ops tables, create/activate, socket set-up, options
 *   linux-ring.c    the TPACKET_V3 ring: sizing, waiting, reading
 *   linux-link.c    ARPHRD -> DLT, cooked headers, VLAN tags (pure code)
 *   linux-filter.c  kernel filters: cooked-mode rewrite, attach, fallback
 *   linux-tstamp.c  time stamp types and hardware time stamping
 *   linux-iface.c   interface facts through ioctl and sysfs
 *   linux-devs.c    pcap_findalldevs, pcap_lookupdev, pcap_lookupnet
 */
#ifndef PCAP_CAPTURE_LINUX_INT_H
#define PCAP_CAPTURE_LINUX_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <net/if_arp.h>

#include "pcap-int.h"

/* ARPHRD_ values older C libraries may lack, for every file of the backend. */
#ifndef ARPHRD_CAN
#define ARPHRD_CAN 280
#endif
#ifndef ARPHRD_IEEE802_TR
#define ARPHRD_IEEE802_TR 800
#endif
#ifndef ARPHRD_IEEE80211_RADIOTAP
#define ARPHRD_IEEE80211_RADIOTAP 803
#endif
#ifndef ARPHRD_IEEE802154
#define ARPHRD_IEEE802154 804
#endif
#ifndef ARPHRD_IEEE802154_MONITOR
#define ARPHRD_IEEE802154_MONITOR 805
#endif
#ifndef ARPHRD_NETLINK
#define ARPHRD_NETLINK 824
#endif
#ifndef ARPHRD_6LOWPAN
#define ARPHRD_6LOWPAN 825
#endif
#ifndef ARPHRD_VSOCKMON
#define ARPHRD_VSOCKMON 826
#endif
#ifndef ARPHRD_LAPD
#define ARPHRD_LAPD 8445
#endif
#define ARPHRD_IP_OVER_FC_RFC4338 18	/* no ARPHRD_ name in Linux */

struct vm_prog;

/* Cooked-mode header lengths (DLT_LINUX_SLL and DLT_LINUX_SLL2). */
#define LNX_SLL_HDR_LEN		16
#define LNX_SLL2_HDR_LEN	20
#define LNX_VLAN_TAG_LEN	4

/* Largest link-layer header we expect the kernel to hand us. */
#define LNX_MAX_LINKHEADER	256

/* Per-handle state of a Linux live capture. */
struct lnx_priv {
	/* Options recorded before activation. */
	int fanout_wanted;
	int fanout_group;
	int fanout_mode;
	int fanout_joined;

	/* Socket and device. */
	int cooked;		/* SOCK_DGRAM: we build the link header */
	int ifindex;		/* bound device, -1 for "any" */
	int lo_ifindex;		/* loopback, for "any" duplicates; -1 */
	int arptype;		/* ARPHRD_ of the device, -1 for "any" */
	int breakfd;		/* eventfd that wakes a blocked poll; -1 */
	int ignore_outgoing;	/* PACKET_IGNORE_OUTGOING is on */
	int vlan_offset;	/* where VLAN tags go back in, or -1 */
	long long sysfs_dropped;	/* interface drops seen so far */
	struct pcap_stat stat;		/* accumulated kernel counters */

	/* Waiting.  timeout is the user's value, stored as ~timeout while
	   the handle is non-blocking (so it is kept), as libpcap does. */
	int timeout;
	int poll_timeout;
	int netdown;		/* ENETDOWN seen, device not yet back */

	/* The ring: block_count blocks of block_size bytes. */
	unsigned char *ring;
	size_t ring_len;
	unsigned block_size;
	unsigned block_count;
	unsigned cur_block;		/* next block to read */
	unsigned char *cur_pkt;		/* next packet in cur_block, or NULL */
	unsigned pkts_left;		/* packets after cur_pkt in cur_block */
	int delivered_from_block;	/* cur_block gave the caller a packet */
	int held_block;			/* read, not yet given back; -1 */
	unsigned frame_room;		/* largest packet a block can hold */
	unsigned kernel_cap;		/* bytes the kernel copies per packet */

	/* Filtering. */
	int filter_in_userland;		/* run p->fprog on each packet */
	unsigned blocks_to_filter;	/* old-filter blocks still in the ring */
	int kernel_filter;		/* a user program is in the kernel */
};

static inline struct lnx_priv *
lnx_priv(pcap_t *p)
{
	return (struct lnx_priv *)p->priv;
}

/* ---- linux.c ---------------------------------------------------------- */
/* The ops of a handle activated on Linux (compared with p->ops to tell a
   live Linux handle from other handles). */
INTERNAL extern const struct pcap_ops lnx_live_ops;
/* The AF_PACKET source (linux.c, linux-devs.c). */
INTERNAL extern const struct cap_source lnx_packet_source;
INTERNAL int lnx_findalldevs(pcap_if_t **list, char *errbuf);

/* ---- linux-ring.c ----------------------------------------------------- */
/* Set up the TPACKET_V3 ring on p->fd (socket made, not yet bound).
   Returns 0, a PCAP_WARNING_ value or a PCAP_ERROR_ value. */
INTERNAL int lnx_ring_setup(pcap_t *p);
INTERNAL void lnx_ring_destroy(pcap_t *p);
/* ops->read. */
INTERNAL int lnx_read(pcap_t *p, int cnt, pcap_handler cb, u_char *user);
INTERNAL int lnx_read_ready(pcap_t *p, int cnt, pcap_handler cb, u_char *user);
INTERNAL int lnx_wait(pcap_t *p, int timeout_ms);
INTERNAL const struct timeval *lnx_required_select_timeout(pcap_t *p);
/* poll timeout from the timeout, blocking mode and immediate mode. */
INTERNAL void lnx_set_poll_timeout(pcap_t *p);
/* Upper bound of ring blocks that may hold packets not yet read. */
INTERNAL unsigned lnx_ring_blocks_pending(pcap_t *p);
/* Block size and count the ring uses for these needs (pure; tested). */
INTERNAL void lnx_ring_geometry(unsigned need, unsigned page, unsigned buffer,
				int immediate, unsigned *block_size,
				unsigned *block_count);

/* ---- linux-link.c ----------------------------------------------------- */
/* libpcap's map from an ARPHRD_ type to a DLT_, or -1 (then cooked mode).
   cooked_ok says whether SOCK_DGRAM may be used for types that need it. */
INTERNAL int lnx_arphrd_to_dlt(int arptype, const char *device, int cooked_ok);
/* Whether a DLT (as mapped) means capturing in cooked mode. */
INTERNAL int lnx_dlt_needs_cooked(int dlt, const char *device);
/* Build a cooked header in hdr (LNX_SLL_HDR_LEN or LNX_SLL2_HDR_LEN bytes)
   from the fields of a struct sockaddr_ll (protocol in network order). */
INTERNAL void lnx_build_sll(unsigned char *hdr, unsigned pkttype,
			    unsigned hatype, unsigned halen,
			    const unsigned char *addr, uint16_t protocol_be);
INTERNAL void lnx_build_sll2(unsigned char *hdr, unsigned pkttype,
			     unsigned hatype, unsigned halen,
			     const unsigned char *addr, uint16_t protocol_be,
			     int ifindex);
/* Offset at which a VLAN tag is put back for a DLT, or -1 for none
   (libpcap's: EN10MB 12, LINUX_SLL 14). */
INTERNAL int lnx_vlan_offset(int dlt);
/* Move the first `offset` bytes of the packet at *pp back by 4 bytes and
   write TPID and TCI there; *pp is moved back by 4. */
INTERNAL void lnx_insert_vlan(unsigned char **pp, int offset, uint16_t tpid,
			      uint16_t tci);
/* Bring a SocketCAN frame's header to DLT_CAN_SOCKETCAN's byte order and
   flags (protocol is the sll_protocol, host order). */
INTERNAL void lnx_fix_can_frame(unsigned char *frame, unsigned caplen,
				unsigned protocol);

/* ---- linux-filter.c --------------------------------------------------- */
/* ops->setfilter. */
INTERNAL int lnx_setfilter(pcap_t *p, struct bpf_program *prog);
/* Put the no-user-program kernel filter on the socket (it only limits how
   many bytes the kernel copies into the ring).  0 or PCAP_ERROR. */
INTERNAL int lnx_attach_default_filter(pcap_t *p);
/*
 * Turn a copy of a program into its kernel form in place: in cooked mode
 * (cooked = LNX_SLL_HDR_LEN or LNX_SLL2_HDR_LEN, else 0) loads from the
 * link-layer header become SKF_AD_ loads and payload offsets are rebased;
 * every "ret #k" with k > 0 is capped to cap.  Returns 1 if the program
 * can run in the kernel, 0 if it must run in userland.
 */
INTERNAL int lnx_kernel_program(struct bpf_insn *insns, unsigned len,
				int cooked, unsigned cap);

/* ---- linux-tstamp.c --------------------------------------------------- */
/* Fill p->tstamp_type_list for the device, as libpcap's pcap_create does. */
INTERNAL void lnx_tstamp_types(pcap_t *p, const char *device);
/* Turn hardware time stamps on when an adapter type was asked for.
   Returns 0, PCAP_WARNING_TSTAMP_TYPE_NOTSUP or a PCAP_ERROR_ value. */
INTERNAL int lnx_tstamp_activate(pcap_t *p);

/* ---- linux-iface.c ---------------------------------------------------- */
/* A socket good for interface ioctls, or -1 (errno set). */
INTERNAL int lnx_ioctl_socket(void);
struct ifreq;
/* A zeroed request naming device (cut to IFNAMSIZ - 1). */
INTERNAL void lnx_ifr_init(struct ifreq *ifr, const char *device);
/* SIOCETHTOOL on device with cmd (an ethtool_* structure, its cmd set):
   the ioctl's result, errno set on -1. */
INTERNAL int lnx_ethtool(int fd, const char *device, void *cmd);
/* Interface index, or -1 with "SIOCGIFINDEX: ..." in ebuf. */
INTERNAL int lnx_if_index(int fd, const char *device, char *ebuf);
/* ARPHRD_ type, or PCAP_ERROR_NO_SUCH_DEVICE / PCAP_ERROR (ebuf). */
INTERNAL int lnx_if_arptype(int fd, const char *device, char *ebuf);
/* MTU, or -1 with the message in ebuf. */
INTERNAL int lnx_if_mtu(int fd, const char *device, char *ebuf);
/* 1 if any segmentation/reassembly offload is on, 0 if not, -1 (ebuf). */
INTERNAL int lnx_if_offload(int fd, const char *device, char *ebuf);
/* 1 if /sys/class/net/DEV/wireless exists. */
INTERNAL int lnx_if_is_wifi(const char *device);
/* DSA tagging: 0 (none; *dlt unchanged), 1 (*dlt set), PCAP_ERROR. */
INTERNAL int lnx_if_dsa_dlt(const char *device, int *dlt, char *ebuf);
/* rx_missed_errors + rx_fifo_errors from sysfs (0 where missing). */
INTERNAL long long lnx_if_drops(const char *device);
/* ARPHRD_ type from /sys/class/net/DEV/type, or -1. */
INTERNAL int lnx_if_sysfs_type(const char *device);

#endif /* PCAP_CAPTURE_LINUX_INT_H */
