/*
 * gen-mtp.c - SS7 over MTP2 (DLT_MTP2, DLT_MTP2_WITH_PHDR, DLT_ERF): the
 * signal unit kinds by their length indicator ("fisu", "lssu", "msu"),
 * and the MTP3 routing label fields ("sio", "opc", "dpc", "sls"), each
 * also in the high-speed-link form of Q.703 Annex A ("hfisu" ... "hsls"),
 * whose 12-bit sequence numbers put everything three bytes further.
 *
 * MTP3 is little-endian and its point codes are 14-bit fields that do not
 * start on byte boundaries, so the values and masks are shifted into
 * place and byte-swapped to the order a big-endian BPF load sees.
 * gen-link.c sets the field offsets per link type.
 */
#include "gen-int.h"

#define MTP_LI_MASK		0x3f	/* length indicator */
#define MTP_LI_HSL_MASK		0xff80	/* 9-bit HSL length indicator */
#define MTP_HSL_SHIFT		3	/* HSL fields are this much later */

#define MTP_SIO_MAX		0xffU
#define MTP_PC_MAX		0x3fffU	/* point codes: 14 bits */
#define MTP_SLS_MAX		0xfU

static const char *
mtp_kw(int type)
{
	switch (type) {
	case M_FISU:	return "fisu";
	case M_LSSU:	return "lssu";
	case M_MSU:	return "msu";
	case MH_FISU:	return "hfisu";
	case MH_LSSU:	return "hlssu";
	case MH_MSU:	return "hmsu";
	case M_SIO:	return "sio";
	case M_OPC:	return "opc";
	case M_DPC:	return "dpc";
	case M_SLS:	return "sls";
	case MH_SIO:	return "hsio";
	case MH_OPC:	return "hopc";
	case MH_DPC:	return "hdpc";
	case MH_SLS:	return "hsls";
	default:	return "MTP keyword";
	}
}

static void
mtp_require(struct cc *cc, int type)
{
	struct gen_state *gs = GS(cc);

	switch (gs->linktype) {
	case DLT_MTP2:
	case DLT_ERF:
	case DLT_MTP2_WITH_PHDR:
		if (gs->off_sio != OFFSET_NOT_SET &&
		    gs->off_opc != OFFSET_NOT_SET &&
		    gs->off_dpc != OFFSET_NOT_SET &&
		    gs->off_sls != OFFSET_NOT_SET)
			return;
		break;
	default:
		break;
	}
	cc_error(cc, "'%s' supported only on SS7", mtp_kw(type));
}

static bpf_u_int32
mtp_swap16(bpf_u_int32 v)
{
	return ((v & 0xff) << 8) | ((v >> 8) & 0xff);
}

static bpf_u_int32
mtp_swap32(bpf_u_int32 v)
{
	return ((v & 0xff) << 24) | ((v & 0xff00) << 8) |
	    ((v >> 8) & 0xff00) | ((v >> 24) & 0xff);
}

/* (load & mask) jtype v at off, negated when reverse (for "!=" as well
   as "<" and "<="). */
static struct block *
mtp_ncmp(struct cc *cc, u_int off, u_int size, bpf_u_int32 mask, int jtype,
    int reverse, bpf_u_int32 v)
{
	struct block *b = gen_ncmp(cc, OR_PACKET, off, size, mask, jtype, 0, v);

	if (reverse)
		gen_not(b);
	return b;
}

/* Length indicator li compared with v (after the mask). */
static struct block *
mtp_li(struct cc *cc, int hsl, int jtype, int reverse, bpf_u_int32 v)
{
	struct gen_state *gs = GS(cc);

	if (hsl)
		return mtp_ncmp(cc, gs->off_li_hsl, BPF_H,
		    MTP_LI_HSL_MASK, jtype, reverse, v);
	return mtp_ncmp(cc, gs->off_li, BPF_B, MTP_LI_MASK,
	    jtype, reverse, v);
}

/*
 * FISU: length 0; LSSU: 1 or 2; MSU: 3 or more.  The HSL length
 * indicator is 9 bits, seen by a 16-bit load as multiples of 0x80.
 */
struct block *
gen_mtp2type_abbrev(struct cc *cc, int type)
{
	struct block *b0, *b1;
	int hsl = type == MH_FISU || type == MH_LSSU || type == MH_MSU;
	bpf_u_int32 two = hsl ? 0x0100 : 2;

	mtp_require(cc, type);
	switch (type) {
	case M_FISU:
	case MH_FISU:
		return mtp_li(cc, hsl, BPF_JEQ, 0, 0);
	case M_LSSU:
	case MH_LSSU:
		b0 = mtp_li(cc, hsl, BPF_JGT, 1, two);
		b1 = mtp_li(cc, hsl, BPF_JGT, 0, 0);
		gen_and(b1, b0);
		return b0;
	case M_MSU:
	case MH_MSU:
		return mtp_li(cc, hsl, BPF_JGT, 0, two);
	default:
		cc_error(cc, "internal error in %s(): %s == %d",
		    "gen_mtp2type_abbrev", "type", type);
	}
}

static void
mtp_maxval(struct cc *cc, int field, bpf_u_int32 v, bpf_u_int32 max)
{
	if (v > max)
		cc_error(cc, "%s %u greater than maximum %u", mtp_kw(field), v,
		    max);
}

struct block *
gen_mtp3field_code(struct cc *cc, int mtp3field, bpf_u_int32 jvalue,
    int jtype, int reverse)
{
	struct gen_state *gs = GS(cc);
	u_int shift = 0;

	mtp_require(cc, mtp3field);
	switch (mtp3field) {
	case MH_SIO:
		shift = MTP_HSL_SHIFT;
		/* FALLTHROUGH */
	case M_SIO:
		mtp_maxval(cc, mtp3field, jvalue, MTP_SIO_MAX);
		return mtp_ncmp(cc, gs->off_sio + shift, BPF_B,
		    0xffffffffU, jtype, reverse, jvalue);

	case MH_OPC:
		shift = MTP_HSL_SHIFT;
		/* FALLTHROUGH */
	case M_OPC:
		/* 14 bits after the 14-bit DPC, spanning three bytes. */
		mtp_maxval(cc, mtp3field, jvalue, MTP_PC_MAX);
		return mtp_ncmp(cc, gs->off_opc + shift, BPF_W,
		    mtp_swap32(MTP_PC_MAX << 14), jtype, reverse,
		    mtp_swap32(jvalue << 14));

	case MH_DPC:
		shift = MTP_HSL_SHIFT;
		/* FALLTHROUGH */
	case M_DPC:
		mtp_maxval(cc, mtp3field, jvalue, MTP_PC_MAX);
		return mtp_ncmp(cc, gs->off_dpc + shift, BPF_H,
		    mtp_swap16(MTP_PC_MAX), jtype, reverse, mtp_swap16(jvalue));

	case MH_SLS:
		shift = MTP_HSL_SHIFT;
		/* FALLTHROUGH */
	case M_SLS:
		/* The high nibble of the label's last byte. */
		mtp_maxval(cc, mtp3field, jvalue, MTP_SLS_MAX);
		return mtp_ncmp(cc, gs->off_sls + shift, BPF_B,
		    MTP_SLS_MAX << 4, jtype, reverse, jvalue << 4);

	default:
		cc_error(cc, "internal error in %s(): %s == %d",
		    "gen_mtp3field_code", "mtp3field", mtp3field);
	}
}
