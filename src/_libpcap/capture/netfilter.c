/*
 * netfilter.c - the Linux netfilter capture sources, "nflog[:GROUPS]" and
 * "nfqueue[:QUEUES]", over a NETLINK_NETFILTER socket we speak ourselves:
 * the two cap_source entries, activation (the config requests and their
 * acks), and the ops of a live handle (stats, blocking mode, breakloop's
 * wake-up, ...).  Reading is in netfilter-read.c; messages are built and
 * walked by the pure code in netfilter-msg.c.
 *
 * Behaviour, codes and messages are libpcap's (pcap-netfilter-linux.c,
 * 1.10 / master), except where noted: a read waits in poll() on the socket
 * and an eventfd, so pcap_breakloop from another thread and signals wake
 * it (libpcap stays blocked in recv()), and a non-blocking read with
 * nothing queued returns 0 (libpcap: an EAGAIN error).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/netlink.h>

#include "netfilter-int.h"

/* ---- the handle before activation ------------------------------------ */

static int nf_activate(pcap_t *p);

static void
free_priv(pcap_t *p)
{
	free(p->priv);
	p->priv = NULL;
}

static const struct pcap_ops nf_created_ops = {
	.activate = nf_activate,
	.cleanup = free_priv,
};

static int
create_kind(pcap_t *p, enum nf_kind kind)
{
	struct nf_priv *np;

	if (!nf_name_is(p->opt.device, kind))
		return 0;
	if (p->priv == NULL)
		p->priv = calloc(1, sizeof *np);
	/* Without memory, activation reports the failure. */
	np = p->priv;
	if (np != NULL) {
		memset(np, 0, sizeof *np);
		np->breakfd = -1;
	}
	p->ops = &nf_created_ops;
	return 1;
}

static int
nflog_create(pcap_t *p)
{
	return create_kind(p, NF_LOG);
}

static int
nfqueue_create(pcap_t *p)
{
	return create_kind(p, NF_QUEUE);
}

static int
add_dev(pcap_if_t **list, const char *name, const char *desc, char *errbuf)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);

	/* A kernel without netfilter netlink: nothing to offer, no error. */
	if (fd < 0) {
		if (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)
			return 0;
		core_fmt_errno(errbuf, errno, "Can't open netlink socket");
		return PCAP_ERROR;
	}
	close(fd);
	if (core_add_dev(list, name, PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE,
	    desc, errbuf) == NULL)
		return PCAP_ERROR;
	return 0;
}

static int
nflog_findalldevs(pcap_if_t **list, char *errbuf)
{
	return add_dev(list, "nflog", "Linux netfilter log (NFLOG) interface",
	    errbuf);
}

static int
nfqueue_findalldevs(pcap_if_t **list, char *errbuf)
{
	return add_dev(list, "nfqueue",
	    "Linux netfilter queue (NFQUEUE) interface", errbuf);
}

const struct cap_source nflog_source = {
	.findalldevs = nflog_findalldevs,
	.create = nflog_create,
};

const struct cap_source nfqueue_source = {
	.findalldevs = nfqueue_findalldevs,
	.create = nfqueue_create,
};

/* ---- requests to the kernel ------------------------------------------ */

int
nf_send_msg(pcap_t *p, const uint8_t *msg, size_t len)
{
	struct sockaddr_nl to;

	memset(&to, 0, sizeof to);
	to.nl_family = AF_NETLINK;	/* nl_pid 0: the kernel */
	if (sendto(p->fd, msg, len, 0, (struct sockaddr *)&to, sizeof to) < 0)
		return errno;
	return 0;
}

/* Wait for the kernel's answer to our request np->seq: 0 or an errno. */
static int
await_ack(pcap_t *p)
{
	struct nf_priv *np = nf_priv(p);

	for (;;) {
		struct sockaddr_nl from;
		socklen_t flen = sizeof from;
		ssize_t r = recvfrom(p->fd, np->buf, NF_RECV_BUF, 0,
		    (struct sockaddr *)&from, &flen);
		size_t off = 0, len;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (r == 0)
			return EBADMSG;
		if (flen != sizeof from || from.nl_family != AF_NETLINK)
			return EINVAL;
		if (from.nl_pid != 0)
			continue;	/* not from the kernel */
		/* Anything else queued meanwhile (packets of a group bound
		   earlier) is skipped, as libpcap skips it. */
		len = (size_t)r;
		for (;;) {
			struct nf_msg m;
			long step = nf_next_msg(np->buf + off, len - off, &m);

			if (step <= 0)
				break;
			off += (size_t)step;
			if (m.seq != np->seq)
				continue;
			if (m.type == NLMSG_ERROR ||
			    (m.type == NLMSG_DONE && (m.flags & NLM_F_MULTI)))
				return nf_ack_error(&m);
		}
	}
}

/* Send one config request and wait for its ack: 0 or an errno. */
static int
config(pcap_t *p, uint16_t type, uint8_t family, uint16_t group,
    uint16_t attr_type, const void *attr, size_t attr_len)
{
	struct nf_priv *np = nf_priv(p);
	uint8_t msg[64];
	size_t n;
	int err;

	n = nf_build(msg, sizeof msg, type, NLM_F_REQUEST | NLM_F_ACK,
	    ++np->seq, family, group, attr_type, attr, attr_len);
	err = nf_send_msg(p, msg, n);
	return err != 0 ? err : await_ack(p);
}

/* The requests of one kind, with the text of each one's failure. */
static int
configure(pcap_t *p, enum nf_kind kind, const uint16_t *groups, int n)
{
	uint32_t range = htonl((uint32_t)p->snapshot);
	uint8_t cmd[4], mode[6];
	const char *what;
	int i, err;

	if (kind == NF_LOG) {
		/* Also makes nfnetlink_log the namespace's IPv4 logger,
		   as libpcap does. */
		cmd[0] = NF_CMD_PF_UNBIND;
		what = "NFULNL_CFG_CMD_PF_UNBIND";
		err = config(p, NF_TYPE_ULOG_CONFIG, AF_INET, 0, NF_CFG_CMD, cmd, 1);
		if (err == 0) {
			cmd[0] = NF_CMD_PF_BIND;
			what = "NFULNL_CFG_CMD_PF_BIND";
			err = config(p, NF_TYPE_ULOG_CONFIG, AF_INET, 0,
			    NF_CFG_CMD, cmd, 1);
		}
		for (i = 0; err == 0 && i < n; i++) {
			cmd[0] = NF_CMD_BIND;
			what = "Can't listen on group index";
			err = config(p, NF_TYPE_ULOG_CONFIG, AF_UNSPEC,
			    groups[i], NF_CFG_CMD, cmd, 1);
			if (err != 0)
				break;
			/* be32 copy_range, u8 copy_mode, u8 padding */
			memcpy(mode, &range, 4);
			mode[4] = NF_COPY_PACKET;
			mode[5] = 0;
			what = "NFULNL_COPY_PACKET";
			err = config(p, NF_TYPE_ULOG_CONFIG, AF_UNSPEC,
			    groups[i], NF_ULA_CFG_MODE, mode, 6);
		}
	} else {
		/* u8 command, u8 padding, be16 protocol family */
		uint16_t pf = htons(AF_INET);

		cmd[0] = NF_CMD_PF_UNBIND;
		cmd[1] = 0;
		memcpy(cmd + 2, &pf, 2);
		what = "NFQNL_CFG_CMD_PF_UNBIND";
		err = config(p, NF_TYPE_QUEUE_CONFIG, AF_UNSPEC, 0, NF_CFG_CMD,
		    cmd, 4);
		if (err == 0) {
			cmd[0] = NF_CMD_PF_BIND;
			what = "NFQNL_CFG_CMD_PF_BIND";
			err = config(p, NF_TYPE_QUEUE_CONFIG, AF_UNSPEC, 0,
			    NF_CFG_CMD, cmd, 4);
		}
		for (i = 0; err == 0 && i < n; i++) {
			cmd[0] = NF_CMD_BIND;
			memset(cmd + 1, 0, 3);
			what = "Can't listen on group index";
			err = config(p, NF_TYPE_QUEUE_CONFIG, AF_UNSPEC,
			    groups[i], NF_CFG_CMD, cmd, 4);
			if (err != 0)
				break;
			/* be32 copy_range, u8 copy_mode (packed) */
			memcpy(mode, &range, 4);
			mode[4] = NF_COPY_PACKET;
			what = "NFQNL_COPY_PACKET";
			err = config(p, NF_TYPE_QUEUE_CONFIG, AF_UNSPEC,
			    groups[i], NF_QA_CFG_PARAMS, mode, 5);
		}
	}
	if (err != 0) {
		core_fmt_errno(p->errbuf, err, "%s", what);
		return PCAP_ERROR;
	}
	return 0;
}

/* ---- activation ------------------------------------------------------- */

static void
release(pcap_t *p)
{
	struct nf_priv *np = nf_priv(p);

	if (np != NULL) {
		if (np->breakfd >= 0)
			close(np->breakfd);
		np->breakfd = -1;
		free(np->buf);
		np->buf = NULL;
		np->off = np->cc = 0;
	}
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	p->selectable_fd = -1;
	free(p->dlt_list);
	p->dlt_list = NULL;
	p->dlt_count = 0;
}

static const struct pcap_ops nf_live_ops;

static int
nf_activate(pcap_t *p)
{
	struct nf_priv *np = nf_priv(p);
	uint16_t groups[NF_MAX_GROUPS];
	enum nf_kind kind;
	int n, status = PCAP_ERROR;

	if (np == NULL) {
		core_fmt_errno(p->errbuf, ENOMEM, "malloc");
		return PCAP_ERROR;
	}
	n = nf_parse_device(p->opt.device, &kind, groups, p->errbuf);
	if (n < 0)
		return PCAP_ERROR;
	if (p->snapshot <= 0 || p->snapshot > MAXIMUM_SNAPLEN)
		p->snapshot = MAXIMUM_SNAPLEN;
	p->bufsize = 128 + p->snapshot;
	np->seq = (uint32_t)time(NULL);

	p->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (p->fd < 0) {
		core_fmt_errno(p->errbuf, errno, "Can't create raw socket");
		goto fail;
	}
	if (kind == NF_LOG) {
		/* The whole record, or (set_datalink) just the packet. */
		static const int dlts[] = { DLT_NFLOG, DLT_IPV4 };

		p->linktype = DLT_NFLOG;
		p->dlt_list = malloc(sizeof dlts);
		if (p->dlt_list != NULL) {
			memcpy(p->dlt_list, dlts, sizeof dlts);
			p->dlt_count = 2;
		}
	} else {
		p->linktype = DLT_IPV4;
	}
	np->buf = malloc(NF_RECV_BUF);
	if (np->buf == NULL) {
		core_fmt_errno(p->errbuf, errno, "Can't allocate buffer");
		goto fail;
	}
	if (configure(p, kind, groups, n) != 0)
		goto fail;
	if (p->opt.rfmon) {
		status = PCAP_ERROR_RFMON_NOTSUP;
		goto fail;
	}
	if (p->opt.buffer_size != 0 &&
	    setsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &p->opt.buffer_size,
	    sizeof p->opt.buffer_size) == -1) {
		core_fmt_errno(p->errbuf, errno, "SO_RCVBUF");
		goto fail;
	}
	np->breakfd = core_wake_open();
	if (np->breakfd == -1) {
		core_fmt_errno(p->errbuf, errno, "could not open eventfd");
		goto fail;
	}
	/* libpcap offers these devices in microseconds only (its setter
	   refuses nanoseconds here; ours accepts, and we deliver micro). */
	p->tstamp_precision = PCAP_TSTAMP_PRECISION_MICRO;
	p->selectable_fd = p->fd;
	p->ops = &nf_live_ops;
	return 0;

fail:
	release(p);
	return status;
}

/* ---- other operations on a live handle --------------------------------- */

static int
nf_inject(pcap_t *p, const void *buf, size_t size)
{
	(void)buf;
	(void)size;
	core_fmt(p->errbuf,
	    "Packet injection is not supported on netfilter devices");
	return PCAP_ERROR;
}

static int
nf_setfilter(pcap_t *p, struct bpf_program *prog)
{
	/* No kernel filter for netlink records: the userland one. */
	return core_install_userland_filter(p, prog);
}

static int
nf_set_datalink(pcap_t *p, int dlt)
{
	/* The read loop looks at p->linktype, which the core sets next. */
	(void)p;
	(void)dlt;
	return 0;
}

static int
nf_getnonblock(pcap_t *p)
{
	int flags = fcntl(p->fd, F_GETFL, 0);

	if (flags == -1) {
		core_fmt_errno(p->errbuf, errno, "F_GETFL");
		return PCAP_ERROR;
	}
	return (flags & O_NONBLOCK) != 0;
}

static int
nf_setnonblock(pcap_t *p, int nonblock)
{
	int flags = fcntl(p->fd, F_GETFL, 0);

	if (flags == -1) {
		core_fmt_errno(p->errbuf, errno, "F_GETFL");
		return PCAP_ERROR;
	}
	flags = nonblock ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
	if (fcntl(p->fd, F_SETFL, flags) == -1) {
		core_fmt_errno(p->errbuf, errno, "F_SETFL");
		return PCAP_ERROR;
	}
	nf_priv(p)->nonblock = nonblock != 0;
	return 0;
}

static int
nf_stats(pcap_t *p, struct pcap_stat *ps)
{
	struct nf_priv *np = nf_priv(p);

	ps->ps_recv = np->packets_read;
	ps->ps_drop = np->packets_nobufs;
	ps->ps_ifdrop = 0;
	return 0;
}

static void
nf_breakloop(pcap_t *p)
{
	/* p->break_loop is already set; wake a poll() in progress. */
	if (nf_priv(p) != NULL)
		core_wake_signal(nf_priv(p)->breakfd);
}

static void
nf_cleanup(pcap_t *p)
{
	if (p->priv != NULL)
		release(p);
	free_priv(p);
}

static const struct pcap_ops nf_live_ops = {
	.activate = nf_activate,
	.read = nf_read,
	.read_ready = nf_read_ready,
	.wait = nf_wait,
	.inject = nf_inject,
	.setfilter = nf_setfilter,
	.set_datalink = nf_set_datalink,
	.getnonblock = nf_getnonblock,
	.setnonblock = nf_setnonblock,
	.stats = nf_stats,
	.breakloop = nf_breakloop,
	.cleanup = nf_cleanup,
};
