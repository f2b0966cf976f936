/*
 * netfilter-read.c - reading a netfilter handle: receiving datagrams
 * without waiting (read_ready), waiting on the socket and the breakloop
 * eventfd (wait), and the read libpcap's callers see, built on the two by
 * the core.  Each datagram is walked with netfilter-msg.c; a queued packet
 * is accepted (NF_ACCEPT) after its callback, as libpcap does.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/netlink.h>

#include "netfilter-int.h"

/* Accept a queued packet; like libpcap, no ack and no error check. */
static void
send_verdict(pcap_t *p, uint16_t queue, uint32_t id)
{
	struct nf_priv *np = nf_priv(p);
	uint32_t hdr[2] = { htonl(NF_VERDICT_ACCEPT), htonl(id) };
	uint8_t msg[64];
	size_t n = nf_build(msg, sizeof msg, NF_TYPE_QUEUE_VERDICT,
	    NLM_F_REQUEST, ++np->seq, AF_UNSPEC, queue, NF_QA_VERDICT_HDR,
	    hdr, sizeof hdr);

	(void)nf_send_msg(p, msg, n);
}

static void
stamp(pcap_t *p, struct pcap_pkthdr *h)
{
	struct timespec ts;

	/* libpcap stamps a record when it hands it over, not with the
	   kernel's NFULA_TIMESTAMP (absent on output hooks anyway). */
	clock_gettime(CLOCK_REALTIME, &ts);
	h->ts.tv_sec = ts.tv_sec;
	h->ts.tv_usec = p->tstamp_precision == PCAP_TSTAMP_PRECISION_NANO ?
	    ts.tv_nsec : ts.tv_nsec / 1000;
}

/*
 * One message of the datagram: deliver its record if it is a packet and
 * passes the filter (1), or not (0); PCAP_ERROR.  A queued packet gets its
 * verdict after the callback, whether it was delivered or not.
 */
static int
handle_msg(pcap_t *p, const struct nf_msg *m, pcap_handler cb, u_char *user)
{
	struct nf_priv *np = nf_priv(p);
	struct nf_packet pk;
	struct pcap_pkthdr h;
	const uint8_t *data = NULL;
	size_t len = 0;
	enum nf_kind kind;
	int parsed = 0, delivered = 0;

	if (m->type == NF_TYPE_ULOG_PACKET)
		kind = NF_LOG;
	else if (m->type == NF_TYPE_QUEUE_PACKET)
		kind = NF_QUEUE;
	else
		return 0;	/* NLMSG_DONE after a batch, and the like */
	if (p->linktype == DLT_NFLOG) {
		/* The record is the message's body, as it came. */
		data = m->data;
		len = m->data_len;
	} else {
		if (m->data_len < NF_NFGEN_LEN) {
			core_fmt(p->errbuf, "Malformed message: (nlmsg_len: %u)",
			    (u_int)(m->data_len + NF_NLMSG_HDRLEN));
			return PCAP_ERROR;
		}
		parsed = nf_parse_packet(m->data, m->data_len, kind, &pk) == 0;
		if (parsed && pk.payload != NULL) {
			data = pk.payload;
			len = pk.payload_len;
		}
	}
	if (data != NULL) {
		h.caplen = h.len = (bpf_u_int32)len;
		stamp(p, &h);
		if (core_passes_filter(p, &h, data)) {
			np->packets_read++;
			cb(user, &h, data);
			delivered = 1;
		}
	}
	if (kind == NF_QUEUE) {
		if (!parsed)
			parsed = nf_parse_packet(m->data, m->data_len, kind,
			    &pk) == 0;
		if (parsed)
			send_verdict(p, pk.res_id, pk.packet_id);
	}
	return delivered;
}

/* Receive the next datagram without waiting: 1, 0 (none), PCAP_ERROR. */
static int
receive(pcap_t *p)
{
	struct nf_priv *np = nf_priv(p);

	for (;;) {
		ssize_t r = recv(p->fd, np->buf, NF_RECV_BUF,
		    MSG_DONTWAIT | MSG_TRUNC);

		if (r >= 0) {
			if ((size_t)r > NF_RECV_BUF) {
				uint32_t mlen;

				memcpy(&mlen, np->buf, 4);
				core_fmt(p->errbuf, "Message truncated: (got: "
				    "%zd) (nlmsg_len: %u)", r, mlen);
				return PCAP_ERROR;
			}
			np->off = 0;
			np->cc = (size_t)r;
			return 1;
		}
		if (errno == EINTR)
			continue;
		/* The socket's queue overflowed: messages were lost. */
		if (errno == ENOBUFS) {
			np->packets_nobufs++;
			continue;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		core_fmt_errno(p->errbuf, errno, "Can't receive packet");
		return PCAP_ERROR;
	}
}

/*
 * Deliver what is queued now: the rest of the last datagram, else the
 * next datagrams until one gives a record.  What a count or a break
 * leaves of a datagram is kept for the next call, as libpcap keeps it.
 */
int
nf_read_ready(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	struct nf_priv *np = nf_priv(p);
	int n = 0, max = cnt > 0 ? cnt : INT_MAX;

	while (n < max) {
		if (np->cc == 0) {
			int rc;

			if (n > 0)
				break;	/* one datagram's worth per call */
			rc = receive(p);
			if (rc <= 0)
				return rc;
		}
		while (np->cc > 0 && n < max) {
			struct nf_msg m;
			long step = nf_next_msg(np->buf + np->off, np->cc, &m);
			int rc;

			if (step == 0) {
				np->cc = 0;	/* a runt tail: dropped */
				break;
			}
			if (step < 0) {
				uint32_t mlen;

				memcpy(&mlen, np->buf + np->off, 4);
				core_fmt(p->errbuf, "Message truncated: (got: "
				    "%zu) (nlmsg_len: %u)", np->cc, mlen);
				np->cc = 0;
				return PCAP_ERROR;
			}
			np->off += (size_t)step;
			np->cc -= (size_t)step;
			rc = handle_msg(p, &m, cb, user);
			if (rc < 0)
				return rc;
			n += rc;
			if (p->break_loop) {
				if (n > 0)
					return n;
				p->break_loop = 0;
				return PCAP_ERROR_BREAK;
			}
		}
	}
	return n;
}

int
nf_wait(pcap_t *p, int timeout_ms)
{
	struct nf_priv *np = nf_priv(p);
	struct pollfd fds[2];
	int rc;

	if (np->cc > 0)
		return 1;
	fds[0].fd = p->fd;
	fds[0].events = POLLIN;
	fds[0].revents = 0;
	fds[1].fd = np->breakfd;
	fds[1].events = POLLIN;
	fds[1].revents = 0;
	rc = poll(fds, 2, timeout_ms < 0 ? -1 : timeout_ms);
	if (rc < 0) {
		if (errno != EINTR) {
			core_fmt_errno(p->errbuf, errno,
			    "can't poll on netlink socket");
			return PCAP_ERROR;
		}
		if (p->break_loop) {
			p->break_loop = 0;
			return PCAP_ERROR_BREAK;
		}
		return CORE_WAIT_SIGNAL;
	}
	if (fds[1].revents & POLLIN) {
		rc = core_wake_take(p, np->breakfd);
		if (rc != 0)
			return rc;
	}
	/* Readable, or an error (ENOBUFS) that the next receive counts;
	   a stale wake-up: look, find nothing, wait again. */
	return rc > 0 ? 1 : 0;
}

int
nf_read(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	/* libpcap's netfilter read ignores the timeout: it waits until a
	   message comes (or here a break or signal); non-blocking: look. */
	return core_read_live(p, cnt, cb, user, nf_priv(p)->nonblock ? 0 : -1);
}
