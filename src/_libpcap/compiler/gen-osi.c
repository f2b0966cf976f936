/*
 * gen-osi.c - the OSI and DECnet families.
 *
 * OSI: "iso proto P" tests the network-layer protocol identifier (NLPID)
 * that follows the link-layer ISO SAP (0xfe); "clnp", "esis" and "isis"
 * are its abbreviations; "isis proto N" and the bare IS-IS keywords (l1,
 * l2, iih, lsp, snp, csnp, psnp) add a test of the IS-IS PDU type, the
 * low five bits of the fifth byte of the IS-IS header.  Frame Relay puts
 * the NLPID right after the Q.922 address and a UI control byte; Cisco
 * HDLC adds a pad byte before it.
 *
 * DECnet: "decnet [src|dst] host A.N" matches the 16-bit Phase IV address
 * (little-endian on the wire) in the routing header, whose position
 * depends on the header form (short or long) and on an optional pad byte
 * announced by the high bit of the first byte; all four layouts are
 * tried.
 */
#include "gen-int.h"

/* Link-layer values. */
#define OSI_LLCSAP_ISONS	0xfe	/* ISO network-layer SAP */
#define OSI_CHDLC_ISO		0xfefe	/* Cisco HDLC's "EtherType" for OSI */
#define OSI_FR_UI		0x03	/* Q.922 UI control byte */
#define DN_ETHERTYPE		0x6003	/* DECnet Phase IV routing */

/* NLPIDs */
#define NLPID_CLNP		0x81	/* ISO 8473 */
#define NLPID_ESIS		0x82	/* ISO 9542 */
#define NLPID_ISIS		0x83	/* ISO 10589 */

/* IS-IS PDU types */
#define ISIS_L1_LAN_IIH		15
#define ISIS_L2_LAN_IIH		16
#define ISIS_PTP_IIH		17
#define ISIS_L1_LSP		18
#define ISIS_L2_LSP		20
#define ISIS_L1_CSNP		24
#define ISIS_L2_CSNP		25
#define ISIS_L1_PSNP		26
#define ISIS_L2_PSNP		27

#define ISIS_PDU_TYPE_OFFSET	4	/* in the IS-IS header */
#define ISIS_PDU_TYPE_MASK	0x1f
#define ISIS_PDU_TYPE_MAX	31

/* Offset of the NLPID from the link-layer payload (no SNAP): Cisco HDLC
   stuffs a pad byte before it. */
static u_int
osi_nlpid_offset(struct cc *cc)
{
	int dlt = GS(cc)->linktype;

	return dlt == DLT_C_HDLC || dlt == DLT_HDLC ? 1 : 0;
}

/* "iso proto v" */
static struct block *
osi_iso_proto(struct cc *cc, bpf_u_int32 v)
{
	struct block *b0, *b1;

	if (v > 255)
		cc_error(cc, "ISO protocol %u greater than maximum %u", v, 255);

	switch (GS(cc)->linktype) {

	case DLT_FRELAY:
		/* The UI control byte and the NLPID, right after a 2-byte
		   Q.922 address (the NLPID here implies OSI already). */
		return gen_cmp(cc, OR_LINKHDR, 2, BPF_H,
		    (OSI_FR_UI << 8) | v);

	case DLT_C_HDLC:
	case DLT_HDLC:
		b0 = gen_linktype(cc, OSI_CHDLC_ISO);
		break;

	default:
		b0 = gen_linktype(cc, OSI_LLCSAP_ISONS);
		break;
	}
	b1 = gen_cmp(cc, OR_LINKPL_NOSNAP, osi_nlpid_offset(cc), BPF_B, v);
	gen_and(b0, b1);
	return b1;
}

/* "isis proto v": IS-IS with PDU type v */
static struct block *
osi_isis_proto(struct cc *cc, bpf_u_int32 v)
{
	struct block *b0, *b1;

	if (v > ISIS_PDU_TYPE_MAX)
		cc_error(cc, "IS-IS PDU type %u greater than maximum %u", v,
		    ISIS_PDU_TYPE_MAX);
	b0 = osi_iso_proto(cc, NLPID_ISIS);
	b1 = gen_mcmp(cc, OR_LINKPL_NOSNAP,
	    osi_nlpid_offset(cc) + ISIS_PDU_TYPE_OFFSET, BPF_B, v,
	    ISIS_PDU_TYPE_MASK);
	gen_and(b0, b1);
	return b1;
}

struct block *
gen_osi_proto(struct cc *cc, bpf_u_int32 v, int q_proto)
{
	switch (q_proto) {
	case Q_ISO:
		return osi_iso_proto(cc, v);
	case Q_ISIS:
		return osi_isis_proto(cc, v);
	default:
		cc_error(cc, "gen_osi_proto: unexpected qualifier %d", q_proto);
	}
}

/* The IS-IS PDU types each bare keyword stands for, in generation order
   (see osi_isis_any for the order they end up tested in). */
static const u_char isis_l1[] = {
	ISIS_L1_LAN_IIH, ISIS_PTP_IIH, ISIS_L1_LSP, ISIS_L1_CSNP,
	ISIS_L1_PSNP, 0
};
static const u_char isis_l2[] = {
	ISIS_L2_LAN_IIH, ISIS_PTP_IIH, ISIS_L2_LSP, ISIS_L2_CSNP,
	ISIS_L2_PSNP, 0
};
static const u_char isis_iih[] = {
	ISIS_L1_LAN_IIH, ISIS_L2_LAN_IIH, ISIS_PTP_IIH, 0
};
static const u_char isis_lsp[] = { ISIS_L1_LSP, ISIS_L2_LSP, 0 };
static const u_char isis_snp[] = {
	ISIS_L1_CSNP, ISIS_L2_CSNP, ISIS_L1_PSNP, ISIS_L2_PSNP, 0
};
static const u_char isis_csnp[] = { ISIS_L1_CSNP, ISIS_L2_CSNP, 0 };
static const u_char isis_psnp[] = { ISIS_L1_PSNP, ISIS_L2_PSNP, 0 };

/* Any of the PDU types in list (zero-terminated, at least two): the
   first two or'ed in order, each later one put in front of the others. */
static struct block *
osi_isis_any(struct cc *cc, const u_char *list)
{
	struct block *b0, *b1;

	b0 = osi_isis_proto(cc, list[0]);
	b1 = osi_isis_proto(cc, list[1]);
	gen_or(b0, b1);
	for (list += 2; *list != 0; list++) {
		b0 = osi_isis_proto(cc, *list);
		gen_or(b0, b1);
	}
	return b1;
}

struct block *
gen_osi_abbrev(struct cc *cc, int q_proto)
{
	switch (q_proto) {
	case Q_ISO:
		return gen_linktype(cc, OSI_LLCSAP_ISONS);
	case Q_CLNP:
		return osi_iso_proto(cc, NLPID_CLNP);
	case Q_ESIS:
		return osi_iso_proto(cc, NLPID_ESIS);
	case Q_ISIS:
		return osi_iso_proto(cc, NLPID_ISIS);
	case Q_ISIS_L1:
		return osi_isis_any(cc, isis_l1);
	case Q_ISIS_L2:
		return osi_isis_any(cc, isis_l2);
	case Q_ISIS_IIH:
		return osi_isis_any(cc, isis_iih);
	case Q_ISIS_LSP:
		return osi_isis_any(cc, isis_lsp);
	case Q_ISIS_SNP:
		return osi_isis_any(cc, isis_snp);
	case Q_ISIS_CSNP:
		return osi_isis_any(cc, isis_csnp);
	case Q_ISIS_PSNP:
		return osi_isis_any(cc, isis_psnp);
	default:
		cc_error(cc, "gen_osi_abbrev: unexpected qualifier %d", q_proto);
	}
}

/* ---- DECnet --------------------------------------------------------- */

/*
 * One DECnet layout: the first byte(s) of the routing header (flags_size
 * 1 or 2 bytes at payload offset 2, after the 2-byte length) masked with
 * flags_mask equal flags, and the address (already byte-swapped to wire
 * order) at addr_off.  Where the address directly follows the flags, one
 * 32-bit load covers both.
 */
static struct block *
dn_layout(struct cc *cc, u_int flags_size, bpf_u_int32 flags_mask,
    bpf_u_int32 flags, u_int addr_off, bpf_u_int32 wire_addr)
{
	struct block *b0, *b1;
	u_int shift;

	if (addr_off == 2 + flags_size) {
		shift = 32 - 8 * flags_size;
		return gen_mcmp(cc, OR_LINKPL, 2, BPF_W,
		    (flags << shift) | (wire_addr << (shift - 16)),
		    (flags_mask << shift) | (0xffffU << (shift - 16)));
	}
	b0 = gen_mcmp(cc, OR_LINKPL, 2, flags_size == 1 ? BPF_B : BPF_H,
	    flags, flags_mask);
	b1 = gen_cmp(cc, OR_LINKPL, addr_off, BPF_H, wire_addr);
	gen_and(b0, b1);
	return b1;
}

static struct block *
dn_host_one(struct cc *cc, bpf_u_int32 addr, int dir)
{
	struct block *b1, *b2;
	u_int off_short, off_long;	/* address offset after the flags */
	bpf_u_int32 wire;

	if (dir == Q_SRC) {
		off_short = 3;		/* flags, dst node */
		off_long = 15;		/* flags, dst area/subarea/id, src
					   area/subarea, HIORD */
	} else {
		off_short = 1;		/* flags */
		off_long = 7;		/* flags, dst area/subarea, HIORD */
	}
	wire = ((addr & 0xff) << 8) | ((addr >> 8) & 0xff);

	/* Long header, pad byte present; then without it. */
	b1 = dn_layout(cc, 2, 0xff07, 0x8106, 2 + 1 + off_long, wire);
	b2 = dn_layout(cc, 1, 0x07, 0x06, 2 + off_long, wire);
	gen_or(b2, b1);
	/* Short header, with and without the pad byte. */
	b2 = dn_layout(cc, 2, 0xff07, 0x8102, 2 + 1 + off_short, wire);
	gen_or(b2, b1);
	b2 = dn_layout(cc, 1, 0x07, 0x02, 2 + off_short, wire);
	gen_or(b2, b1);
	return b1;
}

/* The address tests for dir, without the EtherType test. */
static struct block *
dn_host_dir(struct cc *cc, bpf_u_int32 addr, int dir)
{
	struct block *b0, *b1;

	switch (dir) {
	case Q_SRC:
	case Q_DST:
		return dn_host_one(cc, addr, dir);
	case Q_AND:
		b0 = dn_host_one(cc, addr, Q_SRC);
		b1 = dn_host_one(cc, addr, Q_DST);
		gen_and(b0, b1);
		return b1;
	case Q_DEFAULT:
	case Q_OR:
		b0 = dn_host_one(cc, addr, Q_SRC);
		b1 = dn_host_one(cc, addr, Q_DST);
		gen_or(b0, b1);
		return b1;
	default:
		gen_wlan_only_dir_check(cc, dir);
		cc_error(cc, "gen_decnet_host: unexpected direction %d", dir);
	}
}

struct block *
gen_decnet_host(struct cc *cc, bpf_u_int32 addr, int dir)
{
	struct block *b0, *b1;

	/* The EtherType once, in front of all the layouts of all the
	   directions asked for. */
	b1 = dn_host_dir(cc, addr, dir);
	b0 = gen_linktype(cc, DN_ETHERTYPE);
	gen_and(b0, b1);
	return b1;
}
