/*
 * netfilter-int.h - the private side of the netfilter capture sources
 * (nflog, nfqueue): the state a live handle keeps behind p->priv, and the
 * pure message code its files share (nf_ prefix).  The files are:
 *   netfilter.c      the two sources, activation, the ops of a live handle
 *   netfilter-read.c reading: receive, walk, deliver, verdicts, waiting
 *   netfilter-msg.c  device names, building requests, walking what the
 *                    kernel sends (pure functions over byte buffers, so the
 *                    C unit tests and the fuzzer call them directly)
 */
#ifndef PCAP_CAPTURE_NETFILTER_INT_H
#define PCAP_CAPTURE_NETFILTER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "pcap-int.h"
#include "netfilter.h"

/* The netlink family of nfnetlink (linux/netlink.h), for old headers. */
#ifndef NETLINK_NETFILTER
#define NETLINK_NETFILTER 12
#endif

/* libpcap's limit on the numbers one device name may list. */
#define NF_MAX_GROUPS 32

/* Which of the two sources a handle is. */
enum nf_kind { NF_LOG = 0, NF_QUEUE = 1 };

/* Netlink framing (linux/netlink.h), fixed by the kernel ABI. */
#define NF_NLMSG_HDRLEN 16		/* struct nlmsghdr */
#define NF_NFGEN_LEN 4			/* struct nfgenmsg */
#define NF_ALIGN(n) (((n) + 3u) & ~(size_t)3u)

/* nlmsg_type of the messages we look for: (subsystem << 8) | message. */
#define NF_SUBSYS_QUEUE 3
#define NF_SUBSYS_ULOG 4
#define NF_TYPE_ULOG_PACKET ((NF_SUBSYS_ULOG << 8) | 0)
#define NF_TYPE_ULOG_CONFIG ((NF_SUBSYS_ULOG << 8) | 1)
#define NF_TYPE_QUEUE_PACKET ((NF_SUBSYS_QUEUE << 8) | 0)
#define NF_TYPE_QUEUE_VERDICT ((NF_SUBSYS_QUEUE << 8) | 1)
#define NF_TYPE_QUEUE_CONFIG ((NF_SUBSYS_QUEUE << 8) | 2)

/* Attribute numbers we read or write (nfnetlink_log.h, _queue.h). */
#define NF_ULA_PAYLOAD 9
#define NF_QA_PACKET_HDR 1
#define NF_QA_VERDICT_HDR 2
#define NF_QA_PAYLOAD 10
#define NF_CFG_CMD 1			/* NFULA_CFG_CMD and NFQA_CFG_CMD */
#define NF_ULA_CFG_MODE 2
#define NF_QA_CFG_PARAMS 2

/* Config commands (same numbers in both subsystems) and copy modes. */
#define NF_CMD_BIND 1
#define NF_CMD_PF_BIND 3
#define NF_CMD_PF_UNBIND 4
#define NF_COPY_PACKET 2
#define NF_VERDICT_ACCEPT 1

/*
 * Parse the group (nflog) or queue (nfqueue) list of a device name as
 * libpcap does: "nflog", "nflog:5", "nfqueue:1,2,0x10".  Returns the
 * number of groups (at least 1: none listed means group 0) with the kind
 * in *kind, or PCAP_ERROR with libpcap's message in errbuf (which may be
 * left empty, as libpcap leaves it, for a name that is not ours at all).
 */
INTERNAL int nf_parse_device(const char *device, enum nf_kind *kind,
    uint16_t groups[NF_MAX_GROUPS], char *errbuf);

/* Is this device name (the part after its last '/') one of kind's? */
INTERNAL int nf_name_is(const char *device, enum nf_kind kind);

/*
 * Build one request: header, nfgenmsg (family, group) and one attribute
 * of attr_len value bytes, into buf of size cap.  Returns the message
 * length, or 0 if it does not fit.
 */
INTERNAL size_t nf_build(uint8_t *buf, size_t cap, uint16_t type,
    uint16_t flags, uint32_t seq, uint8_t family, uint16_t group,
    uint16_t attr_type, const void *attr, size_t attr_len);

/* One netlink message found in a buffer. */
struct nf_msg {
	uint16_t type;
	uint16_t flags;
	uint32_t seq;
	const uint8_t *data;	/* after the 16-byte header */
	size_t data_len;	/* nlmsg_len - 16 */
};

/*
 * The message at the start of buf[0..len): fills *m and returns how many
 * bytes to step to the next one (its aligned length, at most len); 0 when
 * fewer than 16 bytes are left (the end); -1 when the header's length is
 * below 16 or beyond len (a truncated or corrupt datagram).
 */
INTERNAL long nf_next_msg(const uint8_t *buf, size_t len, struct nf_msg *m);

/*
 * The error code of an NLMSG_ERROR (or NLMSG_DONE) answer: 0 for an ack,
 * a positive errno otherwise; EBADMSG when the message is too short.
 */
INTERNAL int nf_ack_error(const struct nf_msg *m);

/* What a packet message of either subsystem carries for us. */
struct nf_packet {
	uint16_t res_id;		/* group or queue, host order */
	const uint8_t *payload;		/* the packet; NULL if none */
	size_t payload_len;
	uint32_t packet_id;		/* nfqueue: for the verdict */
};

/*
 * Walk the attributes of a packet message's data (nfgenmsg then
 * attributes) of kind: 0 and *pk filled, or -1 when the data is too short
 * for the nfgenmsg.  Attributes that run past the end end the walk, as in
 * libpcap; nothing is read outside data[0..len).
 */
INTERNAL int nf_parse_packet(const uint8_t *data, size_t len,
    enum nf_kind kind, struct nf_packet *pk);

/* ---- the live side (netfilter.c, netfilter-read.c) ------------------- */

/*
 * Room for any datagram: the kernel copies at most the snapshot length
 * of a packet (copy_range), plus its attributes; batches of nflog records
 * stay under the socket's nlbufsiz (at most 128 KiB).  libpcap sizes its
 * buffer 128 + snapshot, which pcap_bufsize still reports.
 */
#define NF_RECV_BUF (128 + MAXIMUM_SNAPLEN)

struct nf_priv {
	int breakfd;		/* eventfd pcap_breakloop writes, or -1 */
	uint32_t seq;		/* of our last request */
	uint8_t *buf;		/* NF_RECV_BUF bytes, the last datagram */
	size_t off, cc;		/* its part not walked yet */
	u_int packets_read;	/* delivered (ps_recv) */
	u_int packets_nobufs;	/* recv() that said ENOBUFS (ps_drop) */
	int nonblock;		/* pcap_setnonblock(1): reads only look */
};

static inline struct nf_priv *
nf_priv(pcap_t *p)
{
	return p->priv;
}

/* Send a message to the kernel: 0 or an errno. */
INTERNAL int nf_send_msg(pcap_t *p, const uint8_t *msg, size_t len);

/* The reading ops of a live handle (netfilter-read.c). */
INTERNAL int nf_read(pcap_t *p, int cnt, pcap_handler cb, u_char *user);
INTERNAL int nf_read_ready(pcap_t *p, int cnt, pcap_handler cb, u_char *user);
INTERNAL int nf_wait(pcap_t *p, int timeout_ms);

#endif /* PCAP_CAPTURE_NETFILTER_INT_H */
