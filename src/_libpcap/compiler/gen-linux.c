/*
 * gen-linux.c - packet direction and receiving interface: "inbound",
 * "outbound" and "ifindex N".
 *
 * A few link types record the direction (or the interface) in their own
 * header, and there the test reads that field.  Elsewhere only the Linux
 * kernel knows, through the ancillary loads of its BPF machine
 * (SKF_AD_PKTTYPE, SKF_AD_IFINDEX); a Linux live handle says it can use
 * them by setting BPF_SPECIAL_BASIC_HANDLING in its code-generation flags,
 * and anything else (savefiles, dead handles) gets libpcap master's
 * "not a live capture" errors.
 */
#include "gen-int.h"

/* Linux BPF ancillary data (linux/filter.h) and packet types
   (linux/if_packet.h). */
#define SKF_AD_OFF		(-0x1000)
#define SKF_AD_PKTTYPE		4
#define SKF_AD_IFINDEX		8
#define PACKET_OUTGOING		4

/* Direction values in link headers. */
#define SLL_OUTGOING		4	/* Linux cooked: packet type */
#define IPNET_OUTBOUND		1
#define IPNET_INBOUND		2
#define PPPD_IN			0
#define PPPD_OUT		1
#define SLIPDIR_IN		0
#define SLIPDIR_OUT		1
#define PF_IN			1
#define PF_OUT			2
#define PFLOG_DIR_OFF		60	/* struct pfloghdr: dir */

/* "field == v" for outbound, its negation for inbound. */
static struct block *
outgoing_or_not(struct cc *cc, enum e_offrel rel, u_int off, u_int size,
    bpf_u_int32 v, int outbound)
{
	struct block *b = gen_cmp(cc, rel, off, size, v);

	if (!outbound)
		gen_not(b);
	return b;
}

struct block *
gen_inbound_outbound(struct cc *cc, int outbound)
{
	int dlt = GS(cc)->linktype;
	const char *kw = outbound ? "outbound" : "inbound";

	switch (dlt) {
	case DLT_SLIP:
		return gen_cmp(cc, OR_LINKHDR, 0, BPF_B,
		    outbound ? SLIPDIR_OUT : SLIPDIR_IN);
	case DLT_IPNET:
		return gen_cmp(cc, OR_LINKHDR, 2, BPF_H,
		    outbound ? IPNET_OUTBOUND : IPNET_INBOUND);
	case DLT_LINUX_SLL:
		return outgoing_or_not(cc, OR_LINKHDR, 0, BPF_H, SLL_OUTGOING,
		    outbound);
	case DLT_LINUX_SLL2:
		return outgoing_or_not(cc, OR_LINKHDR, 10, BPF_B, SLL_OUTGOING,
		    outbound);
	case DLT_PFLOG:
		return gen_cmp(cc, OR_LINKHDR, PFLOG_DIR_OFF, BPF_B,
		    outbound ? PF_OUT : PF_IN);
	case DLT_PPP_PPPD:
		return gen_cmp(cc, OR_LINKHDR, 0, BPF_B,
		    outbound ? PPPD_OUT : PPPD_IN);
	case DLT_DSA_TAG_BRCM:
		/* Broadcom tag opcode (top 3 bits): 0 to the CPU, 1 from. */
		return gen_mcmp(cc, OR_LINKHDR, 12, BPF_B,
		    outbound ? 0x20 : 0x00, 0xe0);
	case DLT_DSA_TAG_DSA:
		/* Marvell DSA mode: TO_CPU (0) vs FROM_CPU (1). */
		if (outbound)
			return gen_mcmp(cc, OR_LINKHDR, 12, BPF_B, 0x40, 0xc0);
		return gen_mcmp(cc, OR_LINKHDR, 12, BPF_B, 0x00, 0x40);
	default:
		break;
	}
	if (gen_is_juniper(dlt)) {
		/* Direction flag: the byte after the 3-byte magic. */
		return gen_mcmp(cc, OR_LINKHDR, 3, BPF_B, outbound ? 0 : 1,
		    0x01);
	}
	if (!(cc->opts.codegen_flags & BPF_SPECIAL_BASIC_HANDLING))
		cc_error(cc, "not a live capture, '%s' not supported on %s", kw,
		    gen_dlt_name(cc, dlt));
	return outgoing_or_not(cc, OR_LINKHDR,
	    (u_int)(SKF_AD_OFF + SKF_AD_PKTTYPE), BPF_H, PACKET_OUTGOING,
	    outbound);
}

struct block *
gen_ifindex(struct cc *cc, int ifindex)
{
	if (GS(cc)->linktype == DLT_LINUX_SLL2)
		return gen_cmp(cc, OR_LINKHDR, 4, BPF_W, (bpf_u_int32)ifindex);
	if (!(cc->opts.codegen_flags & BPF_SPECIAL_BASIC_HANDLING))
		cc_error(cc, "not a live capture");
	return gen_cmp(cc, OR_LINKHDR, (u_int)(SKF_AD_OFF + SKF_AD_IFINDEX),
	    BPF_W, (bpf_u_int32)ifindex);
}
