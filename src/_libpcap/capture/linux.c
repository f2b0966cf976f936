/*
 * linux.c - the Linux AF_PACKET live-capture backend: the ops tables of a
 * created and of an activated handle, pcap_activate (packet socket, link
 * type, promiscuous mode, ring, bind), and the operations on a running
 * capture: statistics, sending, direction, link type, blocking mode,
 * pcap_breakloop's wake-up and PACKET_FANOUT.  The ring and the read loop
 * are in linux-ring.c, filters in linux-filter.c.
 *
 * Error and warning codes and messages are libpcap's (1.10 / master).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <net/if.h>
#include <net/if_arp.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "linux-int.h"
#include "capture.h"
#include "../compiler/cc.h"	/* BPF_SPECIAL_* code-generation flags */

/* The kernel's number of its VLAN-tag-present ancillary load (linux/filter.h
   SKF_AD_VLAN_TAG_PRESENT): SO_BPF_EXTENSIONS at least this means filters
   may test the tag the kernel stripped. */
#define LNX_SKF_AD_VLAN_TAG_PRESENT 48
#ifndef SO_BPF_EXTENSIONS
#define SO_BPF_EXTENSIONS 48
#endif

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

static int lnx_activate(pcap_t *p);

/* ---- the handle before activation ------------------------------------ */

static int
lnx_can_set_rfmon(pcap_t *p)
{
	/* Monitor mode needs nl80211 (libnl in libpcap), which this backend
	   does not speak: the answer for every device is libpcap's answer
	   without libnl. */
	(void)p;
	return 0;
}

static void
free_priv(pcap_t *p)
{
	free(p->priv);
	p->priv = NULL;
}

static void
created_cleanup(pcap_t *p)
{
	free_priv(p);
}

static int lnx_set_fanout(pcap_t *p, int group_id, int mode);

static const struct pcap_ops lnx_created_ops = {
	.activate = lnx_activate,
	.cleanup = created_cleanup,
	.can_set_rfmon = lnx_can_set_rfmon,
	.set_fanout = lnx_set_fanout,
};

static void
reset_priv(struct lnx_priv *lp)
{
	/* Keep the options given before activation. */
	int wanted = lp->fanout_wanted, group = lp->fanout_group;
	int mode = lp->fanout_mode;

	memset(lp, 0, sizeof *lp);
	lp->fanout_wanted = wanted;
	lp->fanout_group = group;
	lp->fanout_mode = mode;
	lp->ifindex = -1;
	lp->lo_ifindex = -1;
	lp->arptype = -1;
	lp->vlan_offset = -1;
	lp->breakfd = -1;
	lp->held_block = -1;
}

/* Every device name is ours: the AF_PACKET source comes last. */
static int
lnx_create(pcap_t *p)
{
	if (p->priv == NULL) {
		struct lnx_priv *lp = calloc(1, sizeof *lp);

		/* Without memory activation reports the failure. */
		if (lp != NULL)
			reset_priv(lp);
		p->priv = lp;
		lnx_tstamp_types(p, p->opt.device);
	}
	p->ops = &lnx_created_ops;
	return 1;
}

const struct cap_source lnx_packet_source = {
	.findalldevs = lnx_findalldevs,
	.create = lnx_create,
};

/* ---- activation ------------------------------------------------------- */

/* Close what a failed (or finished) activation opened. */
static void
release(pcap_t *p)
{
	struct lnx_priv *lp = lnx_priv(p);

	if (lp != NULL) {
		lnx_ring_destroy(p);
		if (lp->breakfd >= 0)
			close(lp->breakfd);
		reset_priv(lp);
	}
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	p->selectable_fd = -1;
	free(p->dlt_list);
	p->dlt_list = NULL;
	p->dlt_count = 0;
}

static int
set_dlt_list(pcap_t *p, const int *dlts, int n)
{
	int *list = malloc(sizeof *list * (size_t)n);

	if (list == NULL) {
		core_fmt_errno(p->errbuf, errno, "malloc");
		return PCAP_ERROR;
	}
	memcpy(list, dlts, sizeof *list * (size_t)n);
	free(p->dlt_list);
	p->dlt_list = list;
	p->dlt_count = n;
	return 0;
}

/* bind() to the device with a protocol: 0 or a PCAP_ERROR_ value. */
static int
bind_socket(int fd, int ifindex, uint16_t protocol_be, char *ebuf)
{
	struct sockaddr_ll sll;
	int err = 0;
	socklen_t len = sizeof err;

	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifindex < 0 ? 0 : ifindex;
	sll.sll_protocol = protocol_be;
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) == -1) {
		if (errno == ENETDOWN)
			return PCAP_ERROR_IFACE_NOT_UP;
		if (errno == ENODEV) {
			ebuf[0] = '\0';
			return PCAP_ERROR_NO_SUCH_DEVICE;
		}
		core_fmt_errno(ebuf, errno, "bind");
		return PCAP_ERROR;
	}
	/* A device that is down shows as a pending socket error. */
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1) {
		core_fmt_errno(ebuf, errno, "getsockopt (SO_ERROR)");
		return PCAP_ERROR;
	}
	if (err == ENETDOWN)
		return PCAP_ERROR_IFACE_NOT_UP;
	if (err > 0) {
		core_fmt_errno(ebuf, err, "bind");
		return PCAP_ERROR;
	}
	return 0;
}

static int
open_packet_socket(pcap_t *p, int type)
{
	int fd = socket(PF_PACKET, type | SOCK_CLOEXEC, 0);

	if (fd == -1) {
		int err = errno, status = PCAP_ERROR;

		if (err == EPERM || err == EACCES)
			status = PCAP_ERROR_PERM_DENIED;
		else if (err == EAFNOSUPPORT)
			status = PCAP_ERROR_CAPTURE_NOTSUP;
		core_fmt_errno(p->errbuf, err, "socket");
		return status;
	}
	p->fd = fd;
	return 0;
}

/* Pick the link type of a device; may reopen the socket in cooked mode.
   Returns 0, PCAP_WARNING (unknown type) or a PCAP_ERROR_ value. */
static int
choose_link_type(pcap_t *p)
{
	static const int ether_dlts[] = { DLT_EN10MB, DLT_DOCSIS };
	static const int fc_dlts[] = { DLT_FC_2, DLT_FC_2_WITH_FRAME_DELIMS,
	    DLT_IP_OVER_FC };
	struct lnx_priv *lp = lnx_priv(p);
	const char *device = p->opt.device;
	int arptype, dlt, rc, status = 0;

	arptype = lnx_if_arptype(p->fd, device, p->errbuf);
	if (arptype < 0)
		return arptype;
	lp->arptype = arptype;
	dlt = lnx_arphrd_to_dlt(arptype, device, 1);
	if (arptype == ARPHRD_ETHER && dlt == DLT_EN10MB &&
	    !lnx_if_is_wifi(device)) {
		/* A DSA conduit has its switch's tags in every frame. */
		rc = lnx_if_dsa_dlt(device, &dlt, p->errbuf);
		if (rc < 0)
			return rc;
		/* Offer DOCSIS on real Ethernet, for cable-modem traffic. */
		if (rc == 0 && set_dlt_list(p, ether_dlts, 2) != 0)
			return PCAP_ERROR;
	} else if (dlt == DLT_FC_2) {
		if (set_dlt_list(p, fc_dlts, 3) != 0)
			return PCAP_ERROR;
	}
	if (lnx_dlt_needs_cooked(dlt, device)) {
		close(p->fd);
		p->fd = -1;
		rc = open_packet_socket(p, SOCK_DGRAM);
		if (rc != 0)
			return PCAP_ERROR;
		lp->cooked = 1;
		free(p->dlt_list);
		p->dlt_list = NULL;
		p->dlt_count = 0;
		if (dlt == -1) {
			core_fmt(p->errbuf, "arptype %d not supported by libpcap - "
			    "falling back to cooked socket", arptype);
			status = PCAP_WARNING;
		}
		if (dlt != DLT_LINUX_IRDA && dlt != DLT_LINUX_LAPD &&
		    dlt != DLT_NETLINK)
			dlt = DLT_LINUX_SLL;
	}
	p->linktype = dlt;
	return status;
}

/*
 * What pcap_compile may use on this handle: the kernel's ancillary loads
 * for packet type, interface index and protocol (inbound/outbound,
 * ifindex) always, as every kernel with PF_PACKET has them; the VLAN tag
 * loads when the kernel says it has them.  The userland interpreter reads
 * the same values from the ring's frame headers (lnx_frame_aux).
 */
static void
set_codegen_flags(pcap_t *p)
{
	int ext = 0;
	socklen_t len = sizeof ext;

	p->bpf_codegen_flags = BPF_SPECIAL_BASIC_HANDLING;
	if (getsockopt(p->fd, SOL_SOCKET, SO_BPF_EXTENSIONS, &ext, &len) == 0 &&
	    ext >= LNX_SKF_AD_VLAN_TAG_PRESENT)
		p->bpf_codegen_flags |= BPF_SPECIAL_VLAN_HANDLING;
}

/* Socket, link type, first bind, promiscuous mode, auxiliary data. */
static int
setup_socket(pcap_t *p, int is_any)
{
	static const int any_dlts[] = { DLT_LINUX_SLL, DLT_LINUX_SLL2 };
	struct lnx_priv *lp = lnx_priv(p);
	char scratch[PCAP_ERRBUF_SIZE];
	int status = 0, rc, val;

	rc = open_packet_socket(p, is_any ? SOCK_DGRAM : SOCK_RAW);
	if (rc != 0)
		return rc;
	/* Packets we send on "lo" come back in: one copy is enough. */
	lp->lo_ifindex = lnx_if_index(p->fd, "lo", scratch);

	if (!is_any) {
		/* Monitor mode would need nl80211; see lnx_can_set_rfmon. */
		if (p->opt.rfmon)
			return PCAP_ERROR_RFMON_NOTSUP;
		status = choose_link_type(p);
		if (status < 0)
			return status;
		lp->ifindex = lnx_if_index(p->fd, p->opt.device, p->errbuf);
		if (lp->ifindex == -1)
			return PCAP_ERROR;
		/* Protocol 0: nothing arrives until the ring is ready. */
		rc = bind_socket(p->fd, lp->ifindex, 0, p->errbuf);
		if (rc != 0)
			return rc;
	} else {
		if (p->opt.rfmon)
			return PCAP_ERROR_RFMON_NOTSUP;
		lp->cooked = 1;
		p->linktype = DLT_LINUX_SLL;
		if (set_dlt_list(p, any_dlts, 2) != 0)
			return PCAP_ERROR;
		lp->ifindex = -1;
	}

	if (!is_any && p->opt.promisc) {
		struct packet_mreq mr;

		memset(&mr, 0, sizeof mr);
		mr.mr_ifindex = lp->ifindex;
		mr.mr_type = PACKET_MR_PROMISC;
		if (setsockopt(p->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
		    sizeof mr) == -1) {
			core_fmt_errno(p->errbuf, errno,
			    "setsockopt (PACKET_ADD_MEMBERSHIP)");
			return PCAP_ERROR;
		}
	}
	val = 1;
	if (setsockopt(p->fd, SOL_PACKET, PACKET_AUXDATA, &val, sizeof val) == -1 &&
	    errno != ENOPROTOOPT) {
		core_fmt_errno(p->errbuf, errno, "setsockopt (PACKET_AUXDATA)");
		return PCAP_ERROR;
	}
	set_codegen_flags(p);
	/* Room for the cooked header plus a byte of data, whichever of the
	   two cooked types ends up chosen. */
	if (lp->cooked && p->snapshot < LNX_SLL2_HDR_LEN + 1)
		p->snapshot = LNX_SLL2_HDR_LEN + 1;
	p->bufsize = p->snapshot;
	lp->vlan_offset = lnx_vlan_offset(p->linktype);
	if (p->opt.tstamp_precision == PCAP_TSTAMP_PRECISION_NANO) {
		val = 1;
		if (setsockopt(p->fd, SOL_SOCKET, SO_TIMESTAMPNS, &val,
		    sizeof val) < 0) {
			core_fmt(p->errbuf,
			    "setsockopt: unable to set SO_TIMESTAMPNS");
			return PCAP_ERROR;
		}
	}
	return status;
}

static int
join_fanout(pcap_t *p)
{
	struct lnx_priv *lp = lnx_priv(p);
	int val = (lp->fanout_group & 0xffff) | (lp->fanout_mode << 16);

	if (setsockopt(p->fd, SOL_PACKET, PACKET_FANOUT, &val, sizeof val) < 0) {
		core_fmt_errno(p->errbuf, errno, "setsockopt (PACKET_FANOUT)");
		return PCAP_ERROR;
	}
	lp->fanout_joined = 1;
	return 0;
}

static int
lnx_activate(pcap_t *p)
{
	struct lnx_priv *lp = lnx_priv(p);
	const char *device = p->opt.device;
	int status = 0, rc, is_any;
	uint16_t proto;

	if (lp == NULL) {
		core_fmt_errno(p->errbuf, ENOMEM, "malloc");
		return PCAP_ERROR;
	}
	/* A name that cannot fit an ifreq names no device. */
	if (strlen(device) >= IFNAMSIZ) {
		p->errbuf[0] = '\0';
		return PCAP_ERROR_NO_SUCH_DEVICE;
	}
	if (p->snapshot <= 0 || p->snapshot > MAXIMUM_SNAPLEN)
		p->snapshot = MAXIMUM_SNAPLEN;
	is_any = strcmp(device, "any") == 0;
	if (is_any && p->opt.promisc) {
		p->opt.promisc = 0;
		core_fmt(p->errbuf,
		    "Promiscuous mode not supported on the \"any\" device");
		status = PCAP_WARNING_PROMISC_NOTSUP;
	}
	lp->timeout = p->opt.timeout;
	if (p->opt.promisc)
		lp->sysfs_dropped = lnx_if_drops(device);

	rc = setup_socket(p, is_any);
	if (rc < 0) {
		status = rc;
		goto fail;
	}
	if (rc > 0)
		status = rc;
	if (!p->opt.nonblock) {
		lp->breakfd = core_wake_open();
		if (lp->breakfd == -1) {
			core_fmt_errno(p->errbuf, errno, "could not open eventfd");
			status = PCAP_ERROR;
			goto fail;
		}
	}
	rc = lnx_ring_setup(p);
	if (rc < 0) {
		status = rc;
		goto fail;
	}
	if (rc > 0)
		status = rc;
	lnx_set_poll_timeout(p);
	/* Only limits the copy; without it the kernel copies whole packets. */
	(void)lnx_attach_default_filter(p);

	/* The ring is ready: now let packets in. */
	proto = htons(p->opt.protocol != 0 ? (uint16_t)p->opt.protocol : ETH_P_ALL);
	rc = bind_socket(p->fd, lp->ifindex, proto, p->errbuf);
	if (rc != 0) {
		status = rc;
		goto fail;
	}
	if (lp->fanout_wanted && join_fanout(p) != 0) {
		status = PCAP_ERROR;
		goto fail;
	}
	p->tstamp_precision = p->opt.tstamp_precision;
	p->selectable_fd = p->fd;
	p->ops = &lnx_live_ops;
	return status;

fail:
	release(p);
	return status;
}

/* ---- operations on a live handle --------------------------------------- */

static int
lnx_stats(pcap_t *p, struct pcap_stat *ps)
{
	struct lnx_priv *lp = lnx_priv(p);
	struct tpacket_stats_v3 k;
	socklen_t len = sizeof(struct tpacket_stats);

	if (p->opt.promisc) {
		long long before = lp->sysfs_dropped;

		lp->sysfs_dropped = lnx_if_drops(p->opt.device);
		lp->stat.ps_ifdrop += (u_int)(lp->sysfs_dropped - before);
	}
	/* Reading the kernel counters resets them: keep running totals.
	   tp_packets already includes tp_drops. */
	memset(&k, 0, sizeof k);
	if (getsockopt(p->fd, SOL_PACKET, PACKET_STATISTICS, &k, &len) < 0) {
		core_fmt_errno(p->errbuf, errno,
		    "failed to get statistics from socket");
		return PCAP_ERROR;
	}
	lp->stat.ps_recv += k.tp_packets;
	lp->stat.ps_drop += k.tp_drops;
	*ps = lp->stat;
	return 0;
}

static int
lnx_inject(pcap_t *p, const void *buf, size_t size)
{
	struct lnx_priv *lp = lnx_priv(p);
	ssize_t n;

	if (lp->ifindex == -1) {
		core_fmt(p->errbuf,
		    "Sending packets isn't supported on the \"any\" device");
		return PCAP_ERROR;
	}
	if (lp->cooked) {
		core_fmt(p->errbuf, "Sending packets isn't supported in cooked mode");
		return PCAP_ERROR;
	}
	n = send(p->fd, buf, size, 0);
	if (n == -1) {
		core_fmt_errno(p->errbuf, errno, "send");
		return PCAP_ERROR;
	}
	return (int)n;
}

static int
lnx_setdirection(pcap_t *p, pcap_direction_t d)
{
	struct lnx_priv *lp = lnx_priv(p);
	int ignore = d == PCAP_D_IN;

	/* Let the kernel drop outgoing packets rather than the ring carry
	   them; the read loop checks the direction anyway (the ring may
	   hold older packets, and old kernels lack the option). */
	if (ignore != lp->ignore_outgoing &&
	    setsockopt(p->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &ignore,
	    sizeof ignore) == 0)
		lp->ignore_outgoing = ignore;
	p->direction = d;
	return 0;
}

static int
lnx_set_datalink(pcap_t *p, int dlt)
{
	/* The read loop takes the cooked header format from p->linktype,
	   which the core sets next.  (DOCSIS on Ethernet is a relabelling
	   the core does without us: tags still go back in, as in libpcap.) */
	lnx_priv(p)->vlan_offset = lnx_vlan_offset(dlt);
	return 0;
}

static int
lnx_getnonblock(pcap_t *p)
{
	return lnx_priv(p)->timeout < 0;
}

static int
lnx_setnonblock(pcap_t *p, int nonblock)
{
	struct lnx_priv *lp = lnx_priv(p);
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
	if (nonblock) {
		/* Keep the timeout, negated, for a return to blocking mode. */
		if (lp->timeout >= 0)
			lp->timeout = ~lp->timeout;
		if (lp->breakfd >= 0) {
			close(lp->breakfd);
			lp->breakfd = -1;
		}
	} else {
		if (lp->breakfd == -1) {
			lp->breakfd = core_wake_open();
			if (lp->breakfd == -1) {
				core_fmt_errno(p->errbuf, errno,
				    "could not open eventfd");
				return PCAP_ERROR;
			}
		}
		if (lp->timeout < 0)
			lp->timeout = ~lp->timeout;
	}
	lnx_set_poll_timeout(p);
	return 0;
}

static void
lnx_breakloop(pcap_t *p)
{
	/* p->break_loop is already set; wake a poll() in progress. */
	if (lnx_priv(p) != NULL)
		core_wake_signal(lnx_priv(p)->breakfd);
}

static void
lnx_cleanup(pcap_t *p)
{
	if (p->priv != NULL)
		release(p);
	free_priv(p);
}

const struct pcap_ops lnx_live_ops = {
	.activate = lnx_activate,
	.read = lnx_read,
	.read_ready = lnx_read_ready,
	.wait = lnx_wait,
	.inject = lnx_inject,
	.setfilter = lnx_setfilter,
	.setdirection = lnx_setdirection,
	.set_datalink = lnx_set_datalink,
	.getnonblock = lnx_getnonblock,
	.setnonblock = lnx_setnonblock,
	.stats = lnx_stats,
	.breakloop = lnx_breakloop,
	.cleanup = lnx_cleanup,
	.can_set_rfmon = lnx_can_set_rfmon,
	.required_select_timeout = lnx_required_select_timeout,
	.set_fanout = lnx_set_fanout,
};

/* ---- fanout ------------------------------------------------------------ */

int
cap_fanout_mode(const char *name)
{
	static const struct {
		const char *name;
		int mode;
	} modes[] = {
		{"hash", PACKET_FANOUT_HASH},
		{"lb", PACKET_FANOUT_LB},
		{"cpu", PACKET_FANOUT_CPU},
		{"rollover", PACKET_FANOUT_ROLLOVER},
		{"rnd", PACKET_FANOUT_RND},
		{"qm", PACKET_FANOUT_QM},
	};
	size_t i;

	for (i = 0; i < sizeof modes / sizeof modes[0]; i++)
		if (strcmp(name, modes[i].name) == 0)
			return modes[i].mode;
	return -1;
}

static int
lnx_set_fanout(pcap_t *p, int group_id, int mode)
{
	struct lnx_priv *lp = lnx_priv(p);
	int type = mode & 0xff;

	if (lp == NULL) {
		core_fmt_errno(p->errbuf, ENOMEM, "malloc");
		return PCAP_ERROR;
	}
	if (group_id < 0 || group_id > 0xffff) {
		core_fmt(p->errbuf, "fanout group %d is out of range (0-65535)",
		    group_id);
		return PCAP_ERROR;
	}
	/* Modes that need a BPF program of their own (CBPF, EBPF) are not
	   offered; flags live in the top bits of the 16. */
	if (mode < 0 || mode > 0xffff || type > PACKET_FANOUT_QM ||
	    (mode & 0x0f00) != 0) {
		core_fmt(p->errbuf, "fanout mode 0x%x is not supported", mode);
		return PCAP_ERROR;
	}
	if (lp->fanout_joined) {
		core_fmt(p->errbuf, "the handle is already in a fanout group");
		return PCAP_ERROR;
	}
	lp->fanout_wanted = 1;
	lp->fanout_group = group_id;
	lp->fanout_mode = mode;
	if (p->activated)
		return join_fanout(p);
	return 0;
}
