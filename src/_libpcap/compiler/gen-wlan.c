/*
 * gen-wlan.c - IEEE 802.11: addresses ("wlan [src|dst|ra|ta|addr1..4]
 * host MAC"), frame type and subtype ("type mgt subtype beacon") and the
 * direction bits ("dir fromds"); the parser turns their names into the
 * frame-control values (parse-names.c).
 *
 * Which of the four address fields holds the source or the destination
 * depends on the frame type (control frames carry no source, management
 * frames have no distribution-system bits) and, for data frames, on the
 * To DS / From DS bits of the second frame-control byte; each address
 * test spells out all of those cases.  Every load is relative to the
 * 802.11 header, wherever the radio header (radiotap, AVS, Prism, PPI)
 * puts it; the link helper sets up those offsets.
 */
#include "gen-int.h"

/* Frame control, first byte: type and subtype. */
#define FC0_TYPE_MASK		0x0c
#define FC0_TYPE_MGT		0x00
#define FC0_TYPE_CTL		0x04
#define FC0_TYPE_DATA		0x08
#define FC0_SUBTYPE_MASK	0xf0
#define FC0_SUBTYPE_CTS		0xc0
#define FC0_SUBTYPE_ACK		0xd0

/* Frame control, second byte: distribution-system bits. */
#define FC1_DIR_MASK		0x03
#define FC1_DIR_TODS		0x01
#define FC1_DIR_FROMDS		0x02
#define FC1_DIR_DSTODS		0x03

/* Address fields, from the start of the 802.11 header. */
#define WLAN_ADDR1		4
#define WLAN_ADDR2		10
#define WLAN_ADDR3		16
#define WLAN_ADDR4		24

static int
wlan_linktype(int dlt)
{
	return dlt == DLT_IEEE802_11 || dlt == DLT_PRISM_HEADER ||
	    dlt == DLT_IEEE802_11_RADIO_AVS || dlt == DLT_IEEE802_11_RADIO ||
	    dlt == DLT_PPI;
}

/* Frame-control byte fc (0 or 1) has bits set (set) or clear (!set). */
static struct block *
wlan_fc_bits(struct cc *cc, u_int fc, bpf_u_int32 bits, int set)
{
	struct block *b;

	b = gen_jmp_k(cc, BPF_JSET, bits,
	    gen_load_a(cc, OR_LINKHDR, fc, BPF_B));
	if (!set)
		gen_not(b);
	return b;
}

static struct block *
wlan_addr_at(struct cc *cc, u_int off, const u_char *mac)
{
	return gen_bcmp(cc, OR_LINKHDR, off, 6, mac);
}

/*
 * The source address: none in control (and reserved-type) frames; addr2
 * in management frames and in data frames without From DS; addr3 with
 * From DS alone; addr4 with both DS bits.  The destination: addr1 in
 * management frames and in data frames without To DS, addr3 with it.
 */
static struct block *
wlan_src_or_dst(struct cc *cc, const u_char *mac, int src)
{
	struct block *b0, *b1, *b2;

	if (src) {
		/* From DS set: addr4 with To DS, addr3 without. */
		b1 = wlan_fc_bits(cc, 1, FC1_DIR_TODS, 1);
		b0 = wlan_addr_at(cc, WLAN_ADDR4, mac);
		gen_and(b1, b0);
		b2 = wlan_fc_bits(cc, 1, FC1_DIR_TODS, 0);
		b1 = wlan_addr_at(cc, WLAN_ADDR3, mac);
		gen_and(b2, b1);
		gen_or(b1, b0);
		b1 = wlan_fc_bits(cc, 1, FC1_DIR_FROMDS, 1);
		gen_and(b1, b0);
		/* From DS clear: addr2. */
		b2 = wlan_fc_bits(cc, 1, FC1_DIR_FROMDS, 0);
		b1 = wlan_addr_at(cc, WLAN_ADDR2, mac);
		gen_and(b2, b1);
		gen_or(b1, b0);
	} else {
		/* To DS: addr3, else addr1. */
		b1 = wlan_fc_bits(cc, 1, FC1_DIR_TODS, 1);
		b0 = wlan_addr_at(cc, WLAN_ADDR3, mac);
		gen_and(b1, b0);
		b2 = wlan_fc_bits(cc, 1, FC1_DIR_TODS, 0);
		b1 = wlan_addr_at(cc, WLAN_ADDR1, mac);
		gen_and(b2, b1);
		gen_or(b1, b0);
	}
	/* The above for data frames, ... */
	b1 = wlan_fc_bits(cc, 0, FC0_TYPE_DATA, 1);
	gen_and(b1, b0);
	/* ... or a management frame with the address in addr2 / addr1 ... */
	b2 = wlan_fc_bits(cc, 0, FC0_TYPE_DATA, 0);
	b1 = wlan_addr_at(cc, src ? WLAN_ADDR2 : WLAN_ADDR1, mac);
	gen_and(b2, b1);
	gen_or(b1, b0);
	/* ... and never a control or reserved-type frame. */
	b1 = wlan_fc_bits(cc, 0, FC0_TYPE_CTL, 0);
	gen_and(b1, b0);
	return b0;
}

/* Not a CTS or ACK control frame (the ones without addr2). */
static struct block *
wlan_has_addr2(struct cc *cc)
{
	struct block *b0, *b1, *b2;

	b0 = gen_mcmp(cc, OR_LINKHDR, 0, BPF_B, FC0_TYPE_CTL, FC0_TYPE_MASK);
	gen_not(b0);
	b1 = gen_mcmp(cc, OR_LINKHDR, 0, BPF_B, FC0_SUBTYPE_CTS,
	    FC0_SUBTYPE_MASK);
	gen_not(b1);
	b2 = gen_mcmp(cc, OR_LINKHDR, 0, BPF_B, FC0_SUBTYPE_ACK,
	    FC0_SUBTYPE_MASK);
	gen_not(b2);
	gen_and(b1, b2);
	gen_or(b0, b2);
	return b2;
}

struct block *
gen_wlan_host(struct cc *cc, const u_char *mac, int dir)
{
	struct block *b0, *b1;

	switch (dir) {
	case Q_SRC:
		return wlan_src_or_dst(cc, mac, 1);

	case Q_DST:
		return wlan_src_or_dst(cc, mac, 0);

	case Q_AND:
		b0 = wlan_src_or_dst(cc, mac, 1);
		b1 = wlan_src_or_dst(cc, mac, 0);
		gen_and(b0, b1);
		return b1;

	case Q_DEFAULT:
	case Q_OR:
		b0 = wlan_src_or_dst(cc, mac, 1);
		b1 = wlan_src_or_dst(cc, mac, 0);
		gen_or(b0, b1);
		return b1;

	case Q_ADDR1:
		return wlan_addr_at(cc, WLAN_ADDR1, mac);

	case Q_ADDR2:
		b0 = wlan_has_addr2(cc);
		b1 = wlan_addr_at(cc, WLAN_ADDR2, mac);
		gen_and(b0, b1);
		return b1;

	case Q_ADDR3:
		/* Control frames have no addr3. */
		b0 = gen_mcmp(cc, OR_LINKHDR, 0, BPF_B, FC0_TYPE_CTL,
		    FC0_TYPE_MASK);
		gen_not(b0);
		b1 = wlan_addr_at(cc, WLAN_ADDR3, mac);
		gen_and(b0, b1);
		return b1;

	case Q_ADDR4:
		/* Only with both DS bits set. */
		b0 = gen_mcmp(cc, OR_LINKHDR, 1, BPF_B, FC1_DIR_DSTODS,
		    FC1_DIR_MASK);
		b1 = wlan_addr_at(cc, WLAN_ADDR4, mac);
		gen_and(b0, b1);
		return b1;

	case Q_RA:
		/* addr1, in frames with the high type bit set (libpcap's
		   reading of "not a management frame"). */
		b1 = wlan_fc_bits(cc, 0, FC0_TYPE_DATA, 1);
		b0 = wlan_addr_at(cc, WLAN_ADDR1, mac);
		gen_and(b1, b0);
		return b0;

	case Q_TA:
		/* addr2, with the same frame-type test as "ra", in frames
		   that have one. */
		b0 = wlan_has_addr2(cc);
		b1 = wlan_fc_bits(cc, 0, FC0_TYPE_DATA, 1);
		gen_and(b1, b0);
		b1 = wlan_addr_at(cc, WLAN_ADDR2, mac);
		gen_and(b0, b1);
		return b1;

	default:
		cc_error(cc, "gen_wlan_host: unexpected direction %d", dir);
	}
}

struct block *
gen_wlan_data_frame(struct cc *cc)
{
	return gen_mcmp(cc, OR_LINKHDR, 0, BPF_B, FC0_TYPE_DATA,
	    FC0_TYPE_MASK);
}

void
gen_wlan_only_dir_check(struct cc *cc, int dir)
{
	switch (dir) {
	case Q_ADDR1:
	case Q_ADDR2:
	case Q_ADDR3:
	case Q_ADDR4:
	case Q_RA:
	case Q_TA:
		cc_error(cc, "'%s' is valid for 802.11 syntax only",
		    gen_dir_kw(dir));
	default:
		return;
	}
}

struct block *
gen_p80211_type(struct cc *cc, bpf_u_int32 type, bpf_u_int32 mask)
{
	if (!wlan_linktype(GS(cc)->linktype))
		gen_fail_kw_on_dlt(cc, "type/subtype");
	return gen_mcmp(cc, OR_LINKHDR, 0, BPF_B, type, mask);
}

struct block *
gen_p80211_fcdir(struct cc *cc, bpf_u_int32 fcdir)
{
	if (!wlan_linktype(GS(cc)->linktype))
		gen_fail_kw_on_dlt(cc, "dir");
	return gen_mcmp(cc, OR_LINKHDR, 1, BPF_B, fcdir, FC1_DIR_MASK);
}

