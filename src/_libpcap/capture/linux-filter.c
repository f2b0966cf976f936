/*
 * linux-filter.c - filters on Linux live handles.  pcap_setfilter keeps a
 * private copy of the program (the userland filter), then tries to run it
 * in the kernel: in cooked mode the loads from the link-layer header are
 * rewritten to the kernel's SKF_AD_ loads and payload offsets rebased, as
 * libpcap does; the new program is attached behind a reject-all filter
 * after the socket is drained, and packets already in the ring are
 * filtered again in userland.  Where the kernel cannot take a program it
 * runs in userland, with the VLAN-aware interpreter.
 *
 * A kernel filter is always attached, even with no program: "ret #n" that
 * makes the kernel copy no more than the snapshot length (or the most a
 * ring block can hold) into the ring, rather than whole packets.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "linux-int.h"
#include "../bpf/vm.h"
/* After pcap/bpf.h: its BPF_STMT/BPF_JUMP win, the kernel's are guarded. */
#include <linux/filter.h>

#define AD(x) ((uint32_t)SKF_AD_OFF + (uint32_t)(x))

/* Rebase one packet load for a cooked header of hdrlen bytes; -1 if the
   load reads a header field the kernel cannot give. */
static int
fix_offset(struct bpf_insn *in, int hdrlen)
{
	if (in->k >= (uint32_t)SKF_AD_OFF)
		return 0;		/* already an ancillary load */
	if (in->k >= (uint32_t)hdrlen) {
		in->k -= (uint32_t)hdrlen;	/* the payload starts at 0 */
		return 0;
	}
	if (hdrlen == LNX_SLL2_HDR_LEN) {
		switch (in->k) {
		case 0: in->k = AD(SKF_AD_PROTOCOL); return 0;
		case 4: in->k = AD(SKF_AD_IFINDEX); return 0;
		case 10: in->k = AD(SKF_AD_PKTTYPE); return 0;
		}
	} else {
		switch (in->k) {
		case 0: in->k = AD(SKF_AD_PKTTYPE); return 0;
		case 14: in->k = AD(SKF_AD_PROTOCOL); return 0;
		}
	}
	return (int32_t)in->k > 0 ? -1 : 0;
}

int
lnx_kernel_program(struct bpf_insn *insns, unsigned len, int cooked,
    unsigned cap)
{
	unsigned i;

	for (i = 0; i < len; i++) {
		struct bpf_insn *in = &insns[i];

		switch (BPF_CLASS(in->code)) {
		case BPF_LD:
		case BPF_LDX:
			switch (BPF_MODE(in->code)) {
			case BPF_ABS:
			case BPF_IND:
			case BPF_MSH:
				if (cooked && fix_offset(in, cooked) < 0)
					return 0;
			}
			break;
		case BPF_RET:
			/* The kernel copies min(k, packet) bytes: never more
			   than a ring block holds. */
			if (BPF_RVAL(in->code) == BPF_K && in->k > cap)
				in->k = cap;
			break;
		}
	}
	return 1;
}

static int
attach(int fd, struct bpf_insn *insns, unsigned len)
{
	struct sock_fprog fp;

	memset(&fp, 0, sizeof fp);
	fp.len = (unsigned short)len;
	fp.filter = (struct sock_filter *)insns;
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof fp);
}

static int
attach_ret(pcap_t *p, unsigned k)
{
	struct bpf_insn ret = { BPF_RET | BPF_K, 0, 0, k };

	return attach(p->fd, &ret, 1);
}

int
lnx_attach_default_filter(pcap_t *p)
{
	struct lnx_priv *lp = lnx_priv(p);
	/* A userland program may look past the snapshot length, as it can
	   with libpcap: give it whole packets then. */
	unsigned cap = lp->filter_in_userland && p->fcode.bf_insns != NULL ?
	    lp->frame_room : lp->kernel_cap;

	lp->kernel_filter = 0;
	return attach_ret(p, cap);
}

/*
 * Attach insns behind a reject-all filter, draining what the old filter
 * let into the socket queue.  0 on success; -1 if the kernel refused the
 * program (the reject-all filter stays on); -2 on a fatal error (message
 * in p->errbuf).
 */
static int
set_kernel_filter(pcap_t *p, struct bpf_insn *insns, unsigned len)
{
	int flags, err;
	char drain[1];

	if (attach_ret(p, 0) == 0) {
		flags = fcntl(p->fd, F_GETFL, 0);
		if (flags == -1) {
			core_fmt_errno(p->errbuf, errno,
			    "can't get FD flags when changing filter");
			return -2;
		}
		if (fcntl(p->fd, F_SETFL, flags | O_NONBLOCK) < 0) {
			core_fmt_errno(p->errbuf, errno,
			    "can't set nonblocking mode when changing filter");
			return -2;
		}
		while (recv(p->fd, drain, sizeof drain, MSG_TRUNC) >= 0)
			;
		err = errno;
		if (err != EAGAIN && err != EWOULDBLOCK) {
			(void)fcntl(p->fd, F_SETFL, flags);
			core_fmt_errno(p->errbuf, err,
			    "recv failed when changing filter");
			return -2;
		}
		if (fcntl(p->fd, F_SETFL, flags) == -1) {
			core_fmt_errno(p->errbuf, errno,
			    "can't restore FD flags when changing filter");
			return -2;
		}
	}
	/* Refused (too long, say): the caller falls back to userland and
	   replaces the reject-all filter. */
	return attach(p->fd, insns, len) == 0 ? 0 : -1;
}

int
lnx_setfilter(pcap_t *p, struct bpf_program *prog)
{
	struct lnx_priv *lp = lnx_priv(p);
	struct bpf_insn *kcopy = NULL;
	int in_kernel = 0, rc, cooked = 0;
	unsigned len;

	if (prog == NULL) {
		core_fmt(p->errbuf, "setfilter: No filter specified");
		return PCAP_ERROR;
	}
	/* The core keeps the userland copy, validated and predecoded once
	   (p->fprog); the ring runs it when the kernel cannot. */
	rc = core_install_userland_filter(p, prog);
	if (rc != 0)
		return rc;
	len = p->fcode.bf_len;
	lp->filter_in_userland = 1;
	lp->blocks_to_filter = 0;

	if (lp->cooked)
		cooked = p->linktype == DLT_LINUX_SLL2 ? LNX_SLL2_HDR_LEN :
		    LNX_SLL_HDR_LEN;
	/* sock_fprog counts instructions in 16 bits. */
	if (len <= USHRT_MAX) {
		kcopy = malloc(sizeof *kcopy * len);
		if (kcopy == NULL) {
			core_fmt_errno(p->errbuf, errno, "malloc");
			return PCAP_ERROR;
		}
		memcpy(kcopy, p->fcode.bf_insns, sizeof *kcopy * len);
		in_kernel = lnx_kernel_program(kcopy, len, cooked,
		    lp->frame_room);
	}
	if (in_kernel) {
		rc = set_kernel_filter(p, kcopy, len);
		if (rc == -2) {
			free(kcopy);
			return PCAP_ERROR;
		}
		if (rc == 0)
			lp->filter_in_userland = 0;
	}
	free(kcopy);
	if (lp->filter_in_userland) {
		if (lnx_attach_default_filter(p) != 0) {
			core_fmt_errno(p->errbuf, errno,
			    "can't remove kernel filter");
			return PCAP_ERROR;
		}
		return 0;
	}

	/* Blocks already in the ring passed the old filter: filter them
	   again in userland until they are read. */
	lp->kernel_filter = 1;
	lp->blocks_to_filter = lnx_ring_blocks_pending(p);
	lp->filter_in_userland = lp->blocks_to_filter > 0;
	return 0;
}
