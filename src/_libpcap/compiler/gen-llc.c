/*
 * gen-llc.c - the "llc" primitive and its frame-format subtypes: "llc",
 * "llc i", "llc s", "llc u", and the supervisory (rr, rnr, rej) and
 * unnumbered (ui, ua, disc, dm, sabme, test, xid, frmr) commands.
 *
 * Whether a frame carries an 802.2 LLC header at all depends on the link
 * type: on Ethernet it is an 802.3 length field that is not Novell's raw
 * 802.3 (DSAP/SSAP 0xffff); on SunATM the pseudo-header says LLC; on the
 * 802.11 family it is a data frame; Token Ring, FDDI and RFC 1483 ATM
 * always carry one.  The subtype tests then look at the control field,
 * the third byte of the LLC header.
 */
#include "gen-int.h"

/* Largest payload of an Ethernet II frame: a type/length field above this
   is an EtherType, at or below it a length (802.3). */
#define LLC_ETHERMTU		1500

/* The control field: offset in the LLC header, and its formats. */
#define LLC_CTL_OFFSET		2
#define LLC_I_FMT_BIT		0x01	/* clear in an information frame */
#define LLC_FMT_MASK		0x03
#define LLC_S_FMT		0x01
#define LLC_U_FMT		0x03
#define LLC_S_CMD_MASK		0x0f	/* supervisory command bits */
#define LLC_U_CMD_MASK		0xef	/* unnumbered command, P/F bit masked */

/* Raw 802.3 (Novell) puts 0xffff where DSAP and SSAP would be. */
#define LLC_NOVELL_RAW		0xffff

struct block *
gen_llc(struct cc *cc)
{
	struct gen_state *gs = GS(cc);
	struct block *b0, *b1;

	switch (gs->linktype) {

	case DLT_EN10MB:
	case DLT_DSA_TAG_BRCM:
	case DLT_DSA_TAG_DSA:
		break;

	case DLT_SUNATM:
		return gen_atm_llc(cc);

	case DLT_IEEE802:
	case DLT_FDDI:
	case DLT_ATM_RFC1483:
		/* 802.2 always follows the MAC header here (RFC 1483's VC
		   multiplexing cannot be told apart in the packet). */
		return gen_true(cc);

	case DLT_IEEE802_11:
	case DLT_PRISM_HEADER:
	case DLT_IEEE802_11_RADIO:
	case DLT_IEEE802_11_RADIO_AVS:
	case DLT_PPI:
		return gen_wlan_data_frame(cc);

	default:
		gen_fail_kw_on_dlt(cc, "llc");
	}

	/* Ethernet-like: an 802.3 length field, ... */
	b0 = gen_cmp_gt(cc, OR_LINKTYPE, 0, BPF_H, LLC_ETHERMTU);
	gen_not(b0);
	/* ... and not Novell's raw 802.3. */
	b1 = gen_cmp(cc, OR_LLC, 0, BPF_H, LLC_NOVELL_RAW);
	gen_not(b1);
	gen_and(b0, b1);
	return b1;
}

struct block *
gen_llc_i(struct cc *cc)
{
	struct block *b0, *b1;

	b0 = gen_llc(cc);
	/* An I frame has the low bit of the control field clear. */
	b1 = gen_jmp_k(cc, BPF_JSET, LLC_I_FMT_BIT,
	    gen_load_a(cc, OR_LLC, LLC_CTL_OFFSET, BPF_B));
	gen_not(b1);
	gen_and(b0, b1);
	return b1;
}

struct block *
gen_llc_s(struct cc *cc)
{
	struct block *b0, *b1;

	b0 = gen_llc(cc);
	b1 = gen_mcmp(cc, OR_LLC, LLC_CTL_OFFSET, BPF_B, LLC_S_FMT,
	    LLC_FMT_MASK);
	gen_and(b0, b1);
	return b1;
}

struct block *
gen_llc_u(struct cc *cc)
{
	struct block *b0, *b1;

	b0 = gen_llc(cc);
	b1 = gen_mcmp(cc, OR_LLC, LLC_CTL_OFFSET, BPF_B, LLC_U_FMT,
	    LLC_FMT_MASK);
	gen_and(b0, b1);
	return b1;
}

struct block *
gen_llc_s_subtype(struct cc *cc, bpf_u_int32 subtype)
{
	struct block *b0, *b1;

	b0 = gen_llc(cc);
	b1 = gen_mcmp(cc, OR_LLC, LLC_CTL_OFFSET, BPF_B, subtype,
	    LLC_S_CMD_MASK);
	gen_and(b0, b1);
	return b1;
}

struct block *
gen_llc_u_subtype(struct cc *cc, bpf_u_int32 subtype)
{
	struct block *b0, *b1;

	b0 = gen_llc(cc);
	b1 = gen_mcmp(cc, OR_LLC, LLC_CTL_OFFSET, BPF_B, subtype,
	    LLC_U_CMD_MASK);
	gen_and(b0, b1);
	return b1;
}

