/*
 * linux-ring.c - the TPACKET_V3 ring of a Linux live handle: its size,
 * the wait for a block (one poll per block, on the socket and the
 * breakloop eventfd), and the read loop that hands packets to the caller
 * with the cooked header built, the VLAN tag put back and the userland
 * filter and direction applied.
 *
 * Sizing.  The kernel fills one block at a time and hands it over when it
 * is full or when its retire timer fires (the pcap timeout).  libpcap
 * gives up on V3 in immediate mode and falls back to TPACKET_V2 with one
 * 64 KiB frame per packet, so its default 2 MiB ring holds 32 packets.
 * We keep V3: in immediate mode blocks are retired after 1 ms and are
 * sized for the largest packet the link can bring, capped at the snapshot
 * length (a kernel filter "ret #n" keeps the copy that short), so a block
 * holds many small packets; the ring has at least 32 blocks, so that even
 * at one packet per block it holds as many as libpcap's.  Otherwise
 * blocks are at least libpcap's 256 KiB.
 *
 * Lifetime of packet data: a block the caller got a packet from is given
 * back to the kernel only at the next read (or when the next block is
 * done), so data handed out stays valid until the next read on the handle
 * -- what pcap_next_ex promises -- without a copy.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>

#include <net/if.h>
#include <net/if_arp.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>

#include "linux-int.h"
#include "../bpf/vm.h"

/* Space the kernel puts before a block's first packet (no private area). */
#define BLOCK_HDR_ROOM	((unsigned)((sizeof(struct tpacket_block_desc) + 7) & ~7u))
/* Offset of the frame's sockaddr_ll and where its link header may start. */
#define SLL_OFFSET	TPACKET_ALIGN(sizeof(struct tpacket3_hdr))
#define MAC_ROOM	(TPACKET_ALIGN(TPACKET3_HDRLEN) + 16)
/* libpcap's block (V3 "frame") size outside immediate mode. */
#define CLASSIC_BLOCK	(256u * 1024u)
#define DEFAULT_BUFFER	(2u * 1024u * 1024u)
/* Block retire timeout in immediate mode, ms. */
#define IMMEDIATE_TOV	1u
/* Fewest blocks in immediate mode: at low rates each block may carry one
   packet, and libpcap's immediate-mode ring holds 32 packets. */
#define IMMEDIATE_MIN_BLOCKS 32u

/* 1 ms: how often to look for a vanished interface after ENETDOWN. */
static const struct timeval netdown_timeout = { 0, 1000 };

static inline struct tpacket_block_desc *
block_at(const struct lnx_priv *lp, unsigned i)
{
	return (struct tpacket_block_desc *)(lp->ring + (size_t)i * lp->block_size);
}

static inline int
block_ready(const struct tpacket_block_desc *b)
{
	return (__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
	    TP_STATUS_USER) != 0;
}

static inline void
block_release(struct tpacket_block_desc *b)
{
	__atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL,
	    __ATOMIC_RELEASE);
}

void
lnx_ring_geometry(unsigned need, unsigned page, unsigned buffer, int immediate,
    unsigned *block_size, unsigned *block_count)
{
	unsigned size = page, count;

	while (size < need && size <= UINT_MAX / 2)
		size <<= 1;
	while (!immediate && size < CLASSIC_BLOCK)
		size <<= 1;
	if (buffer == 0)
		buffer = DEFAULT_BUFFER;
	count = buffer / size + (buffer % size != 0);
	/* While the caller reads one block, the kernel fills another. */
	if (count < 2)
		count = 2;
	if (immediate && count < IMMEDIATE_MIN_BLOCKS)
		count = IMMEDIATE_MIN_BLOCKS;
	*block_size = size;
	*block_count = count;
}

/* Largest frame the link can bring (libpcap's reasoning for V2 frames). */
static int
link_max_frame(pcap_t *p, unsigned *out)
{
	struct lnx_priv *lp = lnx_priv(p);
	int mtu = 65535, offload = 1;

	if (lp->ifindex >= 0) {
		mtu = lnx_if_mtu(p->fd, p->opt.device, p->errbuf);
		if (mtu == -1)
			return PCAP_ERROR;
		if (p->linktype == DLT_EN10MB && !lp->cooked) {
			offload = lnx_if_offload(p->fd, p->opt.device, p->errbuf);
			if (offload == -1)
				return PCAP_ERROR;
		}
	}
	/* Segmentation and receive offloads hand over up to 64 KiB. */
	if (offload && mtu < 65535)
		mtu = 65535;
	*out = (unsigned)mtu + 18;
	return 0;
}

static int
set_version(pcap_t *p)
{
	int val = TPACKET_V3;
	socklen_t len = sizeof val;

	if (getsockopt(p->fd, SOL_PACKET, PACKET_HDRLEN, &val, &len) < 0) {
		if (errno == EINVAL)
			core_fmt(p->errbuf, "Kernel doesn't support TPACKET_V3; "
			    "a 3.19 or later kernel is required");
		else if (errno == ENOPROTOOPT)
			core_fmt(p->errbuf, "Kernel doesn't support memory-mapped "
			    "capture; a 2.6.27 or later 2.x kernel is required, "
			    "with CONFIG_PACKET_MMAP specified for 2.x kernels");
		else
			core_fmt_errno(p->errbuf, errno,
			    "can't get TPACKET_V3 header len on packet socket");
		return PCAP_ERROR;
	}
	val = TPACKET_V3;
	if (setsockopt(p->fd, SOL_PACKET, PACKET_VERSION, &val, sizeof val) < 0) {
		core_fmt_errno(p->errbuf, errno,
		    "can't activate TPACKET_V3 on packet socket");
		return PCAP_ERROR;
	}
	return 0;
}

int
lnx_ring_setup(pcap_t *p)
{
	struct lnx_priv *lp = lnx_priv(p);
	struct tpacket_req3 req;
	unsigned reserve, link_max, want, need, bsize, bcount;
	int status, rc;
	long page = sysconf(_SC_PAGESIZE);

	if (set_version(p) != 0)
		return PCAP_ERROR;
	/* Room in front of the packet for a VLAN tag, and in cooked mode
	   for an SLL2 header (the kernel leaves 16 bytes already). */
	reserve = LNX_VLAN_TAG_LEN;
	if (lp->cooked)
		reserve += LNX_SLL2_HDR_LEN - 16;
	if (setsockopt(p->fd, SOL_PACKET, PACKET_RESERVE, &reserve,
	    sizeof reserve) < 0) {
		core_fmt_errno(p->errbuf, errno, "setsockopt (PACKET_RESERVE)");
		return PCAP_ERROR;
	}
	rc = link_max_frame(p, &link_max);
	if (rc != 0)
		return rc;
	status = lnx_tstamp_activate(p);
	if (status < 0)
		return status;

	want = (unsigned)p->snapshot < link_max ? (unsigned)p->snapshot : link_max;
	need = BLOCK_HDR_ROOM + MAC_ROOM + reserve + 16 + want;
	lnx_ring_geometry(need, page > 0 ? (unsigned)page : 4096u,
	    p->opt.buffer_size, p->opt.immediate, &bsize, &bcount);

	memset(&req, 0, sizeof req);
	req.tp_block_size = bsize;
	req.tp_frame_size = bsize;
	if (p->opt.immediate)
		req.tp_retire_blk_tov = IMMEDIATE_TOV;
	else if (lp->timeout > 0)
		req.tp_retire_blk_tov = (unsigned)lp->timeout;
	else if (lp->timeout == 0)
		req.tp_retire_blk_tov = UINT_MAX;	/* "forever" */
	else
		req.tp_retire_blk_tov = 0;		/* kernel default */
	for (;;) {
		req.tp_block_nr = bcount;
		req.tp_frame_nr = bcount;
		if (setsockopt(p->fd, SOL_PACKET, PACKET_RX_RING, &req,
		    sizeof req) == 0)
			break;
		if (errno != ENOMEM || bcount <= 2) {
			core_fmt_errno(p->errbuf, errno,
			    "can't create rx ring on packet socket");
			return PCAP_ERROR;
		}
		/* Ask for 5 % less until the kernel agrees. */
		bcount -= bcount < 20 ? 1 : bcount / 20;
	}
	lp->ring_len = (size_t)bsize * bcount;
	lp->ring = mmap(NULL, lp->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED,
	    p->fd, 0);
	if (lp->ring == MAP_FAILED) {
		core_fmt_errno(p->errbuf, errno, "can't mmap rx ring");
		lp->ring = NULL;
		lnx_ring_destroy(p);
		return PCAP_ERROR;
	}
	lp->block_size = bsize;
	lp->block_count = bcount;
	lp->cur_block = 0;
	lp->cur_pkt = NULL;
	lp->pkts_left = 0;
	lp->held_block = -1;
	lp->frame_room = bsize - BLOCK_HDR_ROOM - MAC_ROOM - reserve - 16;
	lp->kernel_cap = want < lp->frame_room ? want : lp->frame_room;
	p->bufsize = (int)bsize;
	return status;
}

void
lnx_ring_destroy(pcap_t *p)
{
	struct lnx_priv *lp = lnx_priv(p);
	struct tpacket_req3 req;

	if (lp->ring != NULL) {
		munmap(lp->ring, lp->ring_len);
		lp->ring = NULL;
	}
	if (p->fd >= 0) {
		memset(&req, 0, sizeof req);
		(void)setsockopt(p->fd, SOL_PACKET, PACKET_RX_RING, &req,
		    sizeof req);
	}
	lp->ring_len = 0;
	lp->block_count = 0;
	lp->cur_pkt = NULL;
	lp->held_block = -1;
}

unsigned
lnx_ring_blocks_pending(pcap_t *p)
{
	struct lnx_priv *lp = lnx_priv(p);
	unsigned n = 0, i = lp->cur_block;

	if (lp->block_count == 0)
		return 0;
	while (n < lp->block_count && block_ready(block_at(lp, i))) {
		n++;
		i = (i + 1) % lp->block_count;
	}
	/* Plus the block being filled, plus one for a packet that ran the
	   old filter while we changed it. */
	n += 2;
	return n < lp->block_count ? n : lp->block_count;
}

void
lnx_set_poll_timeout(pcap_t *p)
{
	struct lnx_priv *lp = lnx_priv(p);

	/*
	 * libpcap blocks in poll() forever with V3 and lets the retire timer
	 * wake it, so a read with no traffic never returns.  We also wake
	 * after the timeout, so pcap_dispatch returns 0 then, as documented.
	 */
	if (lp->timeout < 0)
		lp->poll_timeout = 0;
	else if (lp->timeout == 0)
		lp->poll_timeout = -1;
	else
		lp->poll_timeout = lp->timeout;
}

/* Give the block held for the caller's last packet back to the kernel. */
static inline void
give_back_held(struct lnx_priv *lp)
{
	if (lp->held_block >= 0) {
		block_release(block_at(lp, (unsigned)lp->held_block));
		lp->held_block = -1;
	}
}

/* Done with cur_block: hold it if the caller has data in it, else give
   it back; move on. */
static void
finish_block(struct lnx_priv *lp)
{
	unsigned b = lp->cur_block;

	if (lp->delivered_from_block) {
		give_back_held(lp);
		lp->held_block = (int)b;
	} else {
		block_release(block_at(lp, b));
	}
	if (lp->blocks_to_filter > 0 && --lp->blocks_to_filter == 0 &&
	    lp->kernel_filter)
		lp->filter_in_userland = 0;
	lp->cur_block = (b + 1) % lp->block_count;
	lp->cur_pkt = NULL;
	lp->pkts_left = 0;
	lp->delivered_from_block = 0;
}

/* Is the interface we are bound to still there (after ENETDOWN)? */
static int
device_still_exists(pcap_t *p)
{
	struct sockaddr_ll addr;
	socklen_t len = sizeof addr;

	if (lnx_priv(p)->ifindex == -1)
		return 1;
	if (getsockname(p->fd, (struct sockaddr *)&addr, &len) == -1) {
		core_fmt_errno(p->errbuf, errno, "getsockname failed");
		return -1;
	}
	return addr.sll_ifindex != -1;
}

/* After ENETDOWN: has the device gone, or come back up?  0 or PCAP_ERROR. */
static int
check_netdown(pcap_t *p)
{
	struct lnx_priv *lp = lnx_priv(p);
	struct ifreq ifr;
	int alive = device_still_exists(p);

	if (alive < 0)
		return PCAP_ERROR;
	if (alive == 0) {
		core_fmt(p->errbuf, "The interface disappeared");
		return PCAP_ERROR;
	}
	lnx_ifr_init(&ifr, p->opt.device);
	if (ioctl(p->fd, SIOCGIFFLAGS, &ifr) == -1) {
		if (errno == ENXIO || errno == ENODEV) {
			core_fmt(p->errbuf, "The interface disappeared");
			return PCAP_ERROR;
		}
		core_fmt_errno(p->errbuf, errno, "%s: Can't get flags",
		    p->opt.device);
		return PCAP_ERROR;
	}
	if (ifr.ifr_flags & IFF_UP)
		lp->netdown = 0;
	return 0;
}

/* The socket reported an error condition: PCAP_ERROR, or 0 (ENETDOWN). */
static int
socket_error(pcap_t *p, short revents)
{
	int err = 0;
	socklen_t len = sizeof err;

	if (revents & POLLNVAL) {
		core_fmt(p->errbuf, "Invalid polling request on packet socket");
		return PCAP_ERROR;
	}
	if (revents & (POLLHUP | POLLRDHUP)) {
		core_fmt(p->errbuf, "Hangup on packet socket");
		return PCAP_ERROR;
	}
	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err == ENETDOWN) {
		/* Down, or gone: look again every millisecond. */
		lnx_priv(p)->netdown = 1;
		return 0;
	}
	if (err == 0) {
		core_fmt(p->errbuf, "Error condition on packet socket: "
		    "Reported error was 0");
		return PCAP_ERROR;
	}
	core_fmt_errno(p->errbuf, err, "Error condition on packet socket");
	return PCAP_ERROR;
}

#define WAIT_READY	0
#define WAIT_SIGNAL	1

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Wait until the kernel hands over a block, the timeout passes, a signal
 * arrives or pcap_breakloop is called.  Returns WAIT_READY (look at the
 * ring), WAIT_SIGNAL, PCAP_ERROR_BREAK or PCAP_ERROR.
 */
static int
wait_for_block(pcap_t *p, int poll_timeout)
{
	struct lnx_priv *lp = lnx_priv(p);
	struct pollfd fds[2];
	nfds_t nfds = 1;
	long long end = poll_timeout > 0 ? now_ms() + poll_timeout : 0;

	fds[0].fd = p->fd;
	fds[0].events = POLLIN;
	fds[1].revents = 0;
	if (lp->breakfd >= 0) {
		fds[1].fd = lp->breakfd;
		fds[1].events = POLLIN;
		nfds = 2;
	}
	for (;;) {
		int timeout = poll_timeout, rc;
		short re;

		if (timeout > 0) {
			long long left = end - now_ms();
			timeout = left > 0 ? (int)left : 0;
		}
		/* After ENETDOWN, look every millisecond for the device. */
		if (lp->netdown && timeout != 0)
			timeout = 1;
		rc = poll(fds, nfds, timeout);
		if (rc < 0) {
			if (errno != EINTR) {
				core_fmt_errno(p->errbuf, errno,
				    "can't poll on packet socket");
				return PCAP_ERROR;
			}
			if (p->break_loop) {
				p->break_loop = 0;
				return PCAP_ERROR_BREAK;
			}
			/* libpcap polls again; we return, so that a caller
			   can act on the signal (Ctrl-C in Python). */
			return WAIT_SIGNAL;
		}
		re = rc > 0 ? fds[0].revents : 0;
		if (re & POLLIN)
			return WAIT_READY;
		if (re != 0 && socket_error(p, re) != 0)
			return PCAP_ERROR;
		if (rc > 0 && (fds[1].revents & POLLIN)) {
			int brk = core_wake_take(p, lp->breakfd);

			if (brk != 0)
				return brk;
		}
		if (lp->netdown && check_netdown(p) != 0)
			return PCAP_ERROR;
		/* Non-blocking: one look only.  Otherwise until the timeout
		   (the ring may hold a block retired meanwhile). */
		if (poll_timeout == 0)
			return WAIT_READY;
		if (poll_timeout > 0 && now_ms() >= end)
			return WAIT_READY;
	}
}

/* What each packet of one read needs from the handle. */
struct read_ctx {
	int vlan_offset;
	unsigned cooked_len;	/* 0, LNX_SLL_HDR_LEN or LNX_SLL2_HDR_LEN */
	int sll2;
	int nano;
	unsigned snapshot;
};

static int
corrupt(pcap_t *p, unsigned mac, unsigned snaplen)
{
	core_fmt(p->errbuf, "corrupted frame on kernel ring mac offset %u + "
	    "caplen %u > frame len %u", mac, snaplen,
	    lnx_priv(p)->block_size);
	return PCAP_ERROR;
}

/* Whether a packet passes the direction rules (libpcap's). */
static inline int
direction_ok(const pcap_t *p, const struct lnx_priv *lp,
    const struct sockaddr_ll *sll)
{
	if (sll->sll_pkttype == PACKET_OUTGOING) {
		/* Looped-back packets show up again as incoming. */
		if (sll->sll_ifindex == lp->lo_ifindex)
			return 0;
		/* CAN loops sent frames back too. */
		if (sll->sll_hatype == ARPHRD_CAN && p->direction != PCAP_D_OUT)
			return 0;
		return p->direction != PCAP_D_IN;
	}
	return p->direction != PCAP_D_OUT;
}

/* Hand one packet of the ring to the caller: 1, 0 (filtered) or error. */
static int
deliver(pcap_t *p, const struct read_ctx *c, unsigned char *frame,
    size_t room, pcap_handler cb, u_char *user)
{
	struct lnx_priv *lp = lnx_priv(p);
	const struct tpacket3_hdr *h = (const struct tpacket3_hdr *)frame;
	const struct sockaddr_ll *sll =
	    (const struct sockaddr_ll *)(frame + SLL_OFFSET);
	unsigned char *floor = frame + SLL_OFFSET + sizeof *sll;
	unsigned char *bp;
	unsigned snaplen = h->tp_snaplen;
	struct pcap_pkthdr hdr;
	int vlan_valid;

	if ((size_t)h->tp_mac + snaplen > room ||
	    h->tp_mac < SLL_OFFSET + sizeof *sll)
		return corrupt(p, h->tp_mac, snaplen);
	bp = frame + h->tp_mac;
	if (c->cooked_len) {
		bp -= c->cooked_len;
		if (bp < floor) {
			core_fmt(p->errbuf,
			    "cooked-mode frame doesn't have room for sll header");
			return PCAP_ERROR;
		}
		if (c->sll2)
			lnx_build_sll2(bp, sll->sll_pkttype, sll->sll_hatype,
			    sll->sll_halen, sll->sll_addr, sll->sll_protocol,
			    sll->sll_ifindex);
		else
			lnx_build_sll(bp, sll->sll_pkttype, sll->sll_hatype,
			    sll->sll_halen, sll->sll_addr, sll->sll_protocol);
		snaplen += c->cooked_len;
	} else if (sll->sll_hatype == ARPHRD_CAN) {
		lnx_fix_can_frame(bp, snaplen, ntohs(sll->sll_protocol));
	}

	vlan_valid = h->hv1.tp_vlan_tci != 0 ||
	    (h->tp_status & TP_STATUS_VLAN_VALID);
	if (lp->filter_in_userland && p->fprog != NULL) {
		/* The filter sees the packet before the tag goes back in,
		   with the tag as auxiliary data, as libpcap's does; and,
		   as the kernel's filter does, the frame's type, protocol
		   and interface for the SKF_AD_ loads pcap_compile emits on
		   a live handle (inbound/outbound, ifindex, vlan). */
		struct vm_aux_data aux;

		aux.vlan_tag = h->hv1.tp_vlan_tci & 0x0fff;
		aux.vlan_tag_present = vlan_valid ? 1 : 0;
		aux.pkttype = sll->sll_pkttype;
		aux.protocol = ntohs(sll->sll_protocol);
		aux.ifindex = (uint32_t)sll->sll_ifindex;
		if (vm_prog_run_aux(p->fprog, bp, h->tp_len, snaplen, &aux) == 0)
			return 0;
	}
	if (!direction_ok(p, lp, sll))
		return 0;

	hdr.ts.tv_sec = (time_t)h->tp_sec;
	hdr.ts.tv_usec = (suseconds_t)(c->nano ? h->tp_nsec : h->tp_nsec / 1000);
	hdr.caplen = h->tp_snaplen + c->cooked_len;
	hdr.len = h->tp_len + c->cooked_len;
	if (vlan_valid && c->vlan_offset >= 0 &&
	    h->tp_snaplen >= (unsigned)c->vlan_offset &&
	    bp - LNX_VLAN_TAG_LEN >= floor) {
		uint16_t tpid = (h->hv1.tp_vlan_tpid != 0 ||
		    (h->tp_status & TP_STATUS_VLAN_TPID_VALID)) ?
		    h->hv1.tp_vlan_tpid : ETH_P_8021Q;

		lnx_insert_vlan(&bp, c->vlan_offset, tpid, h->hv1.tp_vlan_tci);
		hdr.caplen += LNX_VLAN_TAG_LEN;
		hdr.len += LNX_VLAN_TAG_LEN;
	}
	if (hdr.caplen > c->snapshot)
		hdr.caplen = c->snapshot;
	cb(user, &hdr, bp);
	return 1;
}

/* Drop what is left of the current block after an error in it. */
static void
abandon_block(struct lnx_priv *lp)
{
	lp->delivered_from_block = 0;
	finish_block(lp);
}

/* Is a packet (a ready block, or the rest of one) there to read? */
static inline int
packets_ready(struct lnx_priv *lp)
{
	return lp->cur_pkt != NULL || block_ready(block_at(lp, lp->cur_block));
}

int
lnx_read_ready(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	struct lnx_priv *lp = lnx_priv(p);
	struct read_ctx c;
	int n = 0, max = cnt > 0 ? cnt : INT_MAX;

	/* The caller is done with the data of the previous read. */
	give_back_held(lp);
	c.vlan_offset = lp->vlan_offset;
	c.cooked_len = !lp->cooked ? 0 : p->linktype == DLT_LINUX_SLL2 ?
	    LNX_SLL2_HDR_LEN : LNX_SLL_HDR_LEN;
	c.sll2 = p->linktype == DLT_LINUX_SLL2;
	c.nano = p->opt.tstamp_precision == PCAP_TSTAMP_PRECISION_NANO;
	c.snapshot = (unsigned)p->snapshot;

	while (n < max) {
		struct tpacket_block_desc *b = block_at(lp, lp->cur_block);
		unsigned char *bstart = (unsigned char *)b;

		if (lp->cur_pkt == NULL) {
			if (!block_ready(b))
				break;
			if (b->hdr.bh1.offset_to_first_pkt >= lp->block_size) {
				abandon_block(lp);
				return corrupt(p, b->hdr.bh1.offset_to_first_pkt, 0);
			}
			lp->cur_pkt = bstart + b->hdr.bh1.offset_to_first_pkt;
			lp->pkts_left = b->hdr.bh1.num_pkts;
			lp->delivered_from_block = 0;
		}
		while (lp->pkts_left > 0 && n < max && !p->break_loop) {
			size_t off = (size_t)(lp->cur_pkt - bstart);
			const struct tpacket3_hdr *h;
			int rc;

			if (off + sizeof *h > lp->block_size) {
				abandon_block(lp);
				return corrupt(p, 0, 0);
			}
			h = (const struct tpacket3_hdr *)lp->cur_pkt;
			rc = deliver(p, &c, lp->cur_pkt,
			    lp->block_size - off, cb, user);
			if (rc < 0) {
				abandon_block(lp);
				return rc;
			}
			if (rc > 0) {
				n++;
				lp->delivered_from_block = 1;
			}
			lp->pkts_left--;
			lp->cur_pkt += h->tp_next_offset;
		}
		if (lp->pkts_left == 0)
			finish_block(lp);
		if (p->break_loop) {
			p->break_loop = 0;
			return PCAP_ERROR_BREAK;
		}
	}
	return n;
}

int
lnx_wait(pcap_t *p, int timeout_ms)
{
	struct lnx_priv *lp = lnx_priv(p);
	int rc;

	/* Whoever waits is done with the data of the last read: the kernel
	   may need that block to hand over the next packets. */
	give_back_held(lp);
	if (packets_ready(lp))
		return 1;
	rc = wait_for_block(p, timeout_ms < 0 ? -1 : timeout_ms);
	if (rc == WAIT_SIGNAL)
		return CORE_WAIT_SIGNAL;
	if (rc < 0)
		return rc;
	return packets_ready(lp);
}

int
lnx_read(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	struct lnx_priv *lp = lnx_priv(p);

	give_back_held(lp);
	for (;;) {
		int n;

		if (!packets_ready(lp)) {
			int rc = wait_for_block(p, lp->poll_timeout);

			if (rc == WAIT_SIGNAL)
				return 0;
			if (rc < 0)
				return rc;
			if (!packets_ready(lp)) {
				if (lp->timeout == 0)
					continue;	/* wait for a packet */
				return 0;
			}
		}
		n = lnx_read_ready(p, cnt, cb, user);
		if (n == 0 && lp->timeout == 0)
			continue;	/* all filtered out: keep waiting */
		return n;
	}
}

const struct timeval *
lnx_required_select_timeout(pcap_t *p)
{
	return lnx_priv(p)->netdown ? &netdown_timeout : NULL;
}
