/*
 * gen-arcnet.c - one-byte link-layer addresses: "link [src|dst] host $xx"
 * on ARCnet (BSD and Linux headers: source then destination) and on
 * BACnet MS/TP (destination then source, after the preamble and the
 * frame type).
 */
#include "gen-int.h"

/* Offsets of the source and destination bytes in the link-layer header,
   or 0 when the link type has no such addresses. */
static int
arcnet_offsets(int dlt, u_int *src, u_int *dst)
{
	switch (dlt) {
	case DLT_ARCNET:
	case DLT_ARCNET_LINUX:
		*src = 0;
		*dst = 1;
		return 1;
	case DLT_BACNET_MS_TP:
		*src = 4;
		*dst = 3;
		return 1;
	default:
		return 0;
	}
}

struct block *
gen_arcnet_host(struct cc *cc, u_char addr, int dir)
{
	struct block *b0, *b1;
	u_int off_src, off_dst;

	if (!arcnet_offsets(GS(cc)->linktype, &off_src, &off_dst))
		gen_fail_kw_on_dlt(cc, "link host $XX");

	switch (dir) {
	case Q_SRC:
		return gen_bcmp(cc, OR_LINKHDR, off_src, 1, &addr);
	case Q_DST:
		return gen_bcmp(cc, OR_LINKHDR, off_dst, 1, &addr);
	case Q_AND:
		b0 = gen_bcmp(cc, OR_LINKHDR, off_src, 1, &addr);
		b1 = gen_bcmp(cc, OR_LINKHDR, off_dst, 1, &addr);
		gen_and(b0, b1);
		return b1;
	case Q_DEFAULT:
	case Q_OR:
		b0 = gen_bcmp(cc, OR_LINKHDR, off_src, 1, &addr);
		b1 = gen_bcmp(cc, OR_LINKHDR, off_dst, 1, &addr);
		gen_or(b0, b1);
		return b1;
	default:
		gen_wlan_only_dir_check(cc, dir);
		cc_error(cc, "gen_arcnet_host: unexpected direction %d", dir);
	}
}
