/*
 * gen-link.c - what the code generator knows about each link-layer header
 * type (DLT): where the link header, its protocol-type field and its
 * payload start (gen_link_init, from one table), and how to test "the
 * link layer carries protocol P" (gen_linktype) on each of them: an
 * EtherType field (with 802.3/802.2 LLC/SNAP on Ethernet), the Linux
 * cooked headers' protocol field, PPP and Cisco HDLC protocol numbers,
 * BSD loopback address families, version nibbles on raw IP, LLC/SNAP on
 * the 802 LANs, and the fixed answers of link types that carry one
 * protocol only.
 *
 * Protocols are named with EtherType values, or with LLC SAP values when
 * they are <= 1500 (ETHERMTU), as libpcap does; each link type maps them
 * to its own numbering.
 */
#include <sys/socket.h>
#include <stdio.h>

#include "gen-int.h"

#define ETHERMTU		1500

/* LLC SAPs and PPP protocol numbers used below. */
#define LLCSAP_IP		0x06
#define LLCSAP_8021D		0x42
#define LLCSAP_SNAP		0xaa
#define LLCSAP_IPX		0xe0
#define LLCSAP_NETBEUI		0xf0
#define LLCSAP_ISONS		0xfe

#define PPP_IP			0x0021
#define PPP_OSI			0x0023
#define PPP_NS			0x0025
#define PPP_DECNET		0x0027
#define PPP_APPLE		0x0029
#define PPP_IPX			0x002b
#define PPP_VJC			0x002d
#define PPP_VJNC		0x002f
#define PPP_BRPDU		0x0031
#define PPP_IPV6		0x0057

/* Linux cooked header "protocol" values that are not EtherTypes. */
#define SLL_P_802_3		0x0001
#define SLL_P_802_2		0x0004

/* Solaris ipnet address families. */
#define IPNET_AF_INET		2
#define IPNET_AF_INET6		26

/* ARCnet protocol IDs. */
#define ARCTYPE_IP		212
#define ARCTYPE_ARP		213
#define ARCTYPE_REVARP		214
#define ARCTYPE_ATALK		221
#define ARCTYPE_INET6		0xc4

/* OSI network-layer protocol IDs (Frame Relay NLPIDs). */
#define NLPID_CLNP		0x81
#define NLPID_ESIS		0x82
#define NLPID_ISIS		0x83

/* AF_INET6 on the BSDs (savefiles may come from any of them). */
#define BSD_AF_INET6_BSD	24
#define BSD_AF_INET6_FREEBSD	28
#define BSD_AF_INET6_DARWIN	30

/* SunATM pseudo-header. */
#define SUNATM_PROTO_POS	0
#define SUNATM_VPI_POS		1
#define SUNATM_VCI_POS		2
#define SUNATM_PKT_BEGIN_POS	4
#define SUNATM_PT_LLC		2

/* ------------------------------------------------------------------------
 * Per-DLT layout.
 * --------------------------------------------------------------------- */

#define NS	OFFSET_NOT_SET
#define HDR_VAR	1	/* variable-length prefix before the link header */
#define PL_VAR	2	/* variable-length link header */

struct link_layout {
	int dlt;
	u_int linkhdr;		/* constant part of the link header offset */
	u_int linktype;		/* protocol-type field, NS if none */
	u_int linkpl;		/* link payload, NS if unknown */
	u_int nl;		/* network header, relative to linkpl */
	u_int nl_nosnap;
	int flags;
};

static const struct link_layout layouts[] = {
	{ DLT_ARCNET,			0,  2,  6,  0, 0, 0 },
	{ DLT_ARCNET_LINUX,		0,  4,  8,  0, 0, 0 },
	{ DLT_EN10MB,			0, 12, 14,  0, 3, 0 },
	{ DLT_DSA_TAG_BRCM,		0, 16, 18,  0, 3, 0 },
	{ DLT_DSA_TAG_DSA,		0, 16, 18,  0, 3, 0 },
	{ DLT_SLIP,			0, NS, 16,  0, 0, 0 },
	{ DLT_SLIP_BSDOS,		0, NS, 24,  0, 0, 0 },
	{ DLT_NULL,			0,  0,  4,  0, 0, 0 },
	{ DLT_LOOP,			0,  0,  4,  0, 0, 0 },
	{ DLT_ENC,			0,  0, 12,  0, 0, 0 },
	{ DLT_PPP,			0,  2,  4,  0, 0, 0 },
	{ DLT_PPP_PPPD,			0,  2,  4,  0, 0, 0 },
	{ DLT_C_HDLC,			0,  2,  4,  0, 0, 0 },
	{ DLT_PPP_SERIAL,		0,  2,  4,  0, 0, 0 },
	{ DLT_PPP_ETHER,		0,  6,  8,  0, 0, 0 },
	{ DLT_PPP_BSDOS,		0,  5, 24,  0, 0, 0 },
	{ DLT_FDDI,			0, 13, 13,  8, 3, 0 },
	{ DLT_IEEE802,			0, 14, 14,  8, 3, 0 },
	{ DLT_IEEE802_11,		0, 24,  0,  8, 3, PL_VAR },
	{ DLT_PRISM_HEADER,		0, 24,  0,  8, 3, HDR_VAR | PL_VAR },
	{ DLT_IEEE802_11_RADIO_AVS,	0, 24,  0,  8, 3, HDR_VAR | PL_VAR },
	{ DLT_IEEE802_11_RADIO,		0, 24,  0,  8, 3, HDR_VAR | PL_VAR },
	{ DLT_PPI,			0, 24,  0,  8, 3, HDR_VAR | PL_VAR },
	{ DLT_ATM_RFC1483,		0,  0,  0,  8, 3, 0 },
	{ DLT_ATM_CLIP,			0,  0,  0,  8, 3, 0 },
	{ DLT_SUNATM,			0, SUNATM_PKT_BEGIN_POS,
					   SUNATM_PKT_BEGIN_POS, 8, 3, 0 },
	{ DLT_RAW,			0, NS,  0,  0, 0, 0 },
	{ DLT_IPV4,			0, NS,  0,  0, 0, 0 },
	{ DLT_IPV6,			0, NS,  0,  0, 0, 0 },
	{ DLT_LINUX_SLL,		0, 14, 16,  0, 0, 0 },
	{ DLT_LINUX_SLL2,		0,  0, 20,  0, 0, 0 },
	{ DLT_LTALK,			0, NS,  0,  0, 0, 0 },
	{ DLT_IP_OVER_FC,		0, 16, 16,  8, 3, 0 },
	{ DLT_FRELAY,			0, NS,  0,  0, 0, 0 },
	{ DLT_MFR,			0, NS,  0,  4, 0, 0 },
	{ DLT_APPLE_IP_OVER_IEEE1394,	0, 16, 18,  0, 0, 0 },
	{ DLT_SYMANTEC_FIREWALL,	0,  6, 44,  0, 0, 0 },
	{ DLT_PFLOG,			0,  0,  0,  0, 0, PL_VAR },
	{ DLT_JUNIPER_MFR,		0,  4,  4,  0, NS, 0 },
	{ DLT_JUNIPER_MLFR,		0,  4,  4,  0, NS, 0 },
	{ DLT_JUNIPER_MLPPP,		0,  4,  4,  0, NS, 0 },
	{ DLT_JUNIPER_PPP,		0,  4,  4,  0, NS, 0 },
	{ DLT_JUNIPER_CHDLC,		0,  4,  4,  0, NS, 0 },
	{ DLT_JUNIPER_FRELAY,		0,  4,  4,  0, NS, 0 },
	{ DLT_JUNIPER_ATM1,		0,  4,  4,  0, 10, 0 },
	{ DLT_JUNIPER_ATM2,		0,  8,  8,  0, 10, 0 },
	{ DLT_JUNIPER_PPPOE,		0, 16, 14, 18, 21, 0 },
	{ DLT_JUNIPER_ETHER,		0, 16, 14, 18, 21, 0 },
	{ DLT_JUNIPER_PPPOE_ATM,	0,  4,  6,  0, NS, 0 },
	{ DLT_JUNIPER_GGSN,		0,  6, 12,  0, NS, 0 },
	{ DLT_JUNIPER_ES,		0,  6, NS, NS, NS, 0 },
	{ DLT_JUNIPER_MONITOR,		0, 12, 12,  0, NS, 0 },
	{ DLT_BACNET_MS_TP,		0, NS, NS, NS, NS, 0 },
	{ DLT_JUNIPER_SERVICES,		0, 12, NS, NS, NS, 0 },
	{ DLT_JUNIPER_VP,		0, 18, NS, NS, NS, 0 },
	{ DLT_JUNIPER_ST,		0, 18, NS, NS, NS, 0 },
	{ DLT_JUNIPER_ISM,		0,  8, NS, NS, NS, 0 },
	{ DLT_JUNIPER_VS,		0,  8, NS, NS, NS, 0 },
	{ DLT_JUNIPER_SRX_E2E,		0,  8, NS, NS, NS, 0 },
	{ DLT_JUNIPER_FIBRECHANNEL,	0,  8, NS, NS, NS, 0 },
	{ DLT_JUNIPER_ATM_CEMIC,	0,  8, NS, NS, NS, 0 },
	{ DLT_MTP2,			0, NS, NS, NS, NS, 0 },
	{ DLT_MTP2_WITH_PHDR,		0, NS, NS, NS, NS, 0 },
	{ DLT_ERF,			0, NS, NS, NS, NS, 0 },
	{ DLT_PFSYNC,			0, NS,  4,  0, 0, 0 },
	{ DLT_AX25_KISS,		0, NS, NS, NS, NS, 0 },
	{ DLT_IPNET,			0,  1, 24,  0, NS, 0 },
	{ DLT_NETANALYZER,		4, 16, 18,  0, 3, 0 },
	{ DLT_NETANALYZER_TRANSPARENT,	12, 24, 26, 0, 3, 0 },
};

/* MTP2/SS7 field offsets: li, li_hsl, sio, opc, dpc, sls. */
struct ss7_layout {
	int dlt;
	u_int li, li_hsl, sio, opc, dpc, sls;
};

static const struct ss7_layout ss7_layouts[] = {
	{ DLT_MTP2,		2,  4,  3,  4,  4,  7 },
	{ DLT_MTP2_WITH_PHDR,	6,  8,  7,  8,  8, 11 },
	{ DLT_ERF,		22, 24, 23, 24, 24, 27 },
};

static void
abs_offset_set(struct abs_offset *o, u_int constant, int variable)
{
	o->constant_part = constant;
	o->is_variable = variable;
	o->reg = -1;
}

/* Names libpcap master knows that the core's datalink table lacks. */
static const char *
extra_dlt_name(int dlt)
{
	switch (dlt) {
	case 2:		return "EN3MB";
	case 3:		return "AX25";
	case 4:		return "PRONET";
	case 5:		return "CHAOS";
	case 32:	return "REDBACK_SMARTEDGE";
	default:	return NULL;
	}
}

static const char *
dlt_name_or_null(int dlt)
{
	const char *name = pcap_datalink_val_to_name(dlt);

	return name != NULL ? name : extra_dlt_name(dlt);
}

static int
in_generic_range(int dlt)
{
	return (dlt >= DLT_LOW_MATCHING_MIN && dlt <= DLT_LOW_MATCHING_MAX) ||
	    (dlt >= DLT_HIGH_MATCHING_MIN && dlt <= DLT_HIGH_MATCHING_MAX) ||
	    dlt_name_or_null(dlt) != NULL;
}

void
gen_link_init(struct cc *cc)
{
	struct gen_state *gs = GS(cc);
	int dlt = cc->opts.linktype;
	const struct link_layout *l = NULL;
	size_t i;

	gs->linktype = gs->prevlinktype = gs->outermostlinktype = dlt;
	gs->pcap_fddipad = 0;
	abs_offset_set(&gs->off_linkhdr, 0, 0);
	abs_offset_set(&gs->off_linkpl, 0, 0);
	abs_offset_set(&gs->off_linktype, 0, 0);
	gs->is_atm = 0;
	gs->is_encap = 0;
	gs->is_vxlan = 0;
	gs->is_vlan_vloffset = 0;
	gs->off_vpi = gs->off_vci = gs->off_proto = NS;
	gs->off_payload = NS;
	gs->off_li = gs->off_li_hsl = NS;
	gs->off_sio = gs->off_opc = gs->off_dpc = gs->off_sls = NS;
	gs->label_stack_depth = 0;
	gs->vlan_stack_depth = 0;

	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		if (layouts[i].dlt == dlt) {
			l = &layouts[i];
			break;
		}
	}
	if (l != NULL) {
		abs_offset_set(&gs->off_linkhdr, l->linkhdr,
		    (l->flags & HDR_VAR) != 0);
		abs_offset_set(&gs->off_linktype, l->linktype, 0);
		abs_offset_set(&gs->off_linkpl, l->linkpl,
		    (l->flags & PL_VAR) != 0);
		gs->off_nl = l->nl;
		gs->off_nl_nosnap = l->nl_nosnap;
	} else if (in_generic_range(dlt)) {
		/* Known but opaque: only "link[...]" style access works. */
		gs->off_linktype.constant_part = NS;
		gs->off_linkpl.constant_part = NS;
		gs->off_nl = NS;
		gs->off_nl_nosnap = NS;
	} else {
		cc_error(cc, "unknown data link type %d (min %d, max %d)", dlt,
		    DLT_MATCHING_MIN, DLT_MATCHING_MAX);
	}

	if (dlt == DLT_SUNATM) {
		gs->is_atm = 1;
		gs->off_vpi = SUNATM_VPI_POS;
		gs->off_vci = SUNATM_VCI_POS;
		gs->off_proto = SUNATM_PROTO_POS;
		gs->off_payload = SUNATM_PKT_BEGIN_POS;
	}
	for (i = 0; i < sizeof(ss7_layouts) / sizeof(ss7_layouts[0]); i++) {
		const struct ss7_layout *m = &ss7_layouts[i];

		if (m->dlt != dlt)
			continue;
		gs->off_li = m->li;
		gs->off_li_hsl = m->li_hsl;
		gs->off_sio = m->sio;
		gs->off_opc = m->opc;
		gs->off_dpc = m->dpc;
		gs->off_sls = m->sls;
	}

	gs->off_outermostlinkhdr = gs->off_linkhdr;
	gs->off_prevlinkhdr = gs->off_linkhdr;
}

const char *
gen_dlt_name(struct cc *cc, int dlt)
{
	const char *name = dlt_name_or_null(dlt);
	char *buf = cc_alloc(cc, 64);

	if (name != NULL)
		snprintf(buf, 64, "DLT_%s", name);
	else
		snprintf(buf, 64, "DLT_%d", dlt);
	return buf;
}

struct block *
gen_link_finish_check(struct cc *cc)
{
	struct block *b;

	if (GS(cc)->linktype != DLT_PPI)
		return NULL;
	/* The PPI header's DLT field (little-endian) must say 802.11. */
	b = gen_jmp_k(cc, BPF_JEQ, (bpf_u_int32)DLT_IEEE802_11 << 24,
	    cc_new_stmt(cc, BPF_LD | BPF_W | BPF_ABS));
	b->stmts->s.k = 4;
	return b;
}

/* ------------------------------------------------------------------------
 * Protocol tests.
 * --------------------------------------------------------------------- */

/* A "link proto" value must fit the field it is compared with (master's
   messages); internal callers always pass valid values. */
static void
check_max(struct cc *cc, const char *what, bpf_u_int32 v, bpf_u_int32 max)
{
	if (v > max)
		cc_error(cc, "%s %u greater than maximum %u", what, v, max);
}

/* EtherType, or LLC DSAP when the value is in the 802.3 length range. */
static void
check_ethertype_or_sap(struct cc *cc, bpf_u_int32 v)
{
	if (v <= ETHERMTU)
		check_max(cc, "LLC DSAP", v, 255);
	else
		check_max(cc, "EtherType", v, 65535);
}

/* 802.2 LLC + SNAP header with the given OUI and protocol type. */
static struct block *
snap_test(struct cc *cc, bpf_u_int32 oui, bpf_u_int32 ptype)
{
	u_char hdr[8];

	hdr[0] = LLCSAP_SNAP;
	hdr[1] = LLCSAP_SNAP;
	hdr[2] = 0x03;		/* UI */
	hdr[3] = (u_char)(oui >> 16);
	hdr[4] = (u_char)(oui >> 8);
	hdr[5] = (u_char)oui;
	hdr[6] = (u_char)(ptype >> 8);
	hdr[7] = (u_char)ptype;
	return gen_bcmp(cc, OR_LLC, 0, 8, hdr);
}

/* "type/length field is a length": an 802.3 frame. */
static struct block *
ether_is_8023(struct cc *cc)
{
	struct block *b = gen_cmp_gt(cc, OR_LINKTYPE, 0, BPF_H, ETHERMTU);

	gen_not(b);
	return b;
}

/* DSAP and SSAP both equal to sap. */
static struct block *
llc_sap_pair(struct cc *cc, bpf_u_int32 sap)
{
	return gen_cmp(cc, OR_LLC, 0, BPF_H, sap << 8 | sap);
}

static struct block *
ether_linktype(struct cc *cc, bpf_u_int32 proto)
{
	struct block *b0, *b1;

	check_ethertype_or_sap(cc, proto);
	switch (proto) {
	case LLCSAP_ISONS:
	case LLCSAP_IP:
	case LLCSAP_NETBEUI:
		/* Always 802.2 encapsulated. */
		b0 = ether_is_8023(cc);
		b1 = llc_sap_pair(cc, proto);
		gen_and(b0, b1);
		return b1;

	case LLCSAP_IPX:
		/* Ethernet_II, or on 802.3: Ethernet_802.2 (IPX SAP),
		   Ethernet_802.3 (raw, 0xFFFF) and Ethernet_SNAP. */
		b0 = gen_cmp(cc, OR_LLC, 0, BPF_B, LLCSAP_IPX);
		b1 = gen_cmp(cc, OR_LLC, 0, BPF_H, 0xffff);
		gen_or(b0, b1);
		b0 = snap_test(cc, 0x000000, ETHERTYPE_IPX);
		gen_or(b0, b1);
		b0 = ether_is_8023(cc);
		gen_and(b0, b1);
		b0 = gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, ETHERTYPE_IPX);
		gen_or(b0, b1);
		return b1;

	case ETHERTYPE_ATALK:
	case ETHERTYPE_AARP:
		/* Phase 2 uses SNAP on 802.3, phase 1 the EtherType. */
		b0 = ether_is_8023(cc);
		b1 = proto == ETHERTYPE_ATALK ?
		    snap_test(cc, 0x080007, ETHERTYPE_ATALK) :
		    snap_test(cc, 0x000000, ETHERTYPE_AARP);
		gen_and(b0, b1);
		b0 = gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, proto);
		gen_or(b0, b1);
		return b1;

	default:
		if (proto <= ETHERMTU) {
			/* An LLC SAP: an 802.3 frame with that DSAP. */
			b0 = ether_is_8023(cc);
			b1 = gen_cmp(cc, OR_LINKTYPE, 2, BPF_B, proto);
			gen_and(b0, b1);
			return b1;
		}
		return gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, proto);
	}
}

static struct block *
sll_linktype(struct cc *cc, bpf_u_int32 proto)
{
	struct block *b0, *b1;

	check_ethertype_or_sap(cc, proto);
	switch (proto) {
	case LLCSAP_ISONS:
	case LLCSAP_IP:
	case LLCSAP_NETBEUI:
		b0 = gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, SLL_P_802_2);
		b1 = llc_sap_pair(cc, proto);
		gen_and(b0, b1);
		return b1;

	case LLCSAP_IPX:
		b0 = gen_cmp(cc, OR_LLC, 0, BPF_B, LLCSAP_IPX);
		b1 = snap_test(cc, 0x000000, ETHERTYPE_IPX);
		gen_or(b0, b1);
		b0 = gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, SLL_P_802_2);
		gen_and(b0, b1);
		b0 = gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, SLL_P_802_3);
		gen_or(b0, b1);
		b0 = gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, ETHERTYPE_IPX);
		gen_or(b0, b1);
		return b1;

	case ETHERTYPE_ATALK:
	case ETHERTYPE_AARP:
		b0 = gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, SLL_P_802_2);
		b1 = proto == ETHERTYPE_ATALK ?
		    snap_test(cc, 0x080007, ETHERTYPE_ATALK) :
		    snap_test(cc, 0x000000, ETHERTYPE_AARP);
		gen_and(b0, b1);
		b0 = gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, proto);
		gen_or(b0, b1);
		return b1;

	default:
		if (proto <= ETHERMTU) {
			b0 = gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, SLL_P_802_2);
			b1 = gen_cmp(cc, OR_LINKHDR,
			    GS(cc)->off_linkpl.constant_part, BPF_B, proto);
			gen_and(b0, b1);
			return b1;
		}
		return gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, proto);
	}
}

/* Link types whose payload always starts with an 802.2 header. */
struct block *
gen_llc_linktype(struct cc *cc, bpf_u_int32 proto)
{
	check_ethertype_or_sap(cc, proto);
	switch (proto) {
	case LLCSAP_IP:
	case LLCSAP_ISONS:
	case LLCSAP_NETBEUI:
		return llc_sap_pair(cc, proto);
	case LLCSAP_IPX:
		return gen_cmp(cc, OR_LLC, 0, BPF_B, LLCSAP_IPX);
	case ETHERTYPE_ATALK:
		return snap_test(cc, 0x080007, ETHERTYPE_ATALK);
	default:
		if (proto <= ETHERMTU)
			return gen_cmp(cc, OR_LLC, 0, BPF_B, proto);
		/* Only the SNAP type field is checked (libpcap's choice). */
		return gen_cmp(cc, OR_LLC, 6, BPF_H, proto);
	}
}

static bpf_u_int32
to_ppp_proto(bpf_u_int32 proto)
{
	switch (proto) {
	case ETHERTYPE_IP:	return PPP_IP;
	case ETHERTYPE_IPV6:	return PPP_IPV6;
	case ETHERTYPE_DN:	return PPP_DECNET;
	case ETHERTYPE_ATALK:	return PPP_APPLE;
	case ETHERTYPE_NS:	return PPP_NS;
	case LLCSAP_ISONS:	return PPP_OSI;
	case LLCSAP_8021D:	return PPP_BRPDU;	/* spanning tree BPDUs */
	case LLCSAP_IPX:	return PPP_IPX;
	default:		return proto;
	}
}

static bpf_u_int32
bswap32(bpf_u_int32 v)
{
	return (v & 0xff) << 24 | (v & 0xff00) << 8 | (v >> 8 & 0xff00) |
	    (v >> 24 & 0xff);
}

/* Host-order AF word as the BPF machine (big-endian loads) sees it on
   this host. */
static bpf_u_int32
host_af_word(bpf_u_int32 af)
{
	const union { uint32_t u; u_char c[4]; } probe = { 1 };

	return probe.c[0] == 1 ? bswap32(af) : af;
}

/* OR of "the 32-bit AF word equals v[i]" for i in order. */
static struct block *
af_word_any(struct cc *cc, const bpf_u_int32 *v, int n)
{
	struct block *b = NULL, *t;
	int i;

	for (i = 0; i < n; i++) {
		t = gen_cmp(cc, OR_LINKHDR, 0, BPF_W, v[i]);
		if (b != NULL)
			gen_or(b, t);
		b = t;
	}
	return b;
}

/* DLT_NULL / DLT_ENC (host-order AF word) and DLT_LOOP (network order). */
static struct block *
loopback_linktype(struct cc *cc, bpf_u_int32 proto)
{
	static const bpf_u_int32 af6_all[] = {
		BSD_AF_INET6_DARWIN, BSD_AF_INET6_BSD, BSD_AF_INET6_FREEBSD
	};
	int host_order = GS(cc)->linktype != DLT_LOOP;
	bpf_u_int32 v[6];
	const bpf_u_int32 *afs;
	int n, i;
	bpf_u_int32 af4 = AF_INET;

	if (proto != ETHERTYPE_IP && proto != ETHERTYPE_IPV6)
		return gen_false(cc);

	if (cc->opts.source == CC_SOURCE_LIVE) {
		bpf_u_int32 af = proto == ETHERTYPE_IP ? AF_INET : AF_INET6;

		return gen_cmp(cc, OR_LINKHDR, 0, BPF_W,
		    host_order ? host_af_word(af) : af);
	}

	/* A savefile may come from any OS (any AF_INET6) and, for a host-order
	   word, from either byte order: test every form. */
	if (proto == ETHERTYPE_IP) {
		afs = &af4;
		n = 1;
	} else {
		afs = af6_all;
		n = 3;
	}
	if (!host_order)
		return af_word_any(cc, afs, n);
	for (i = 0; i < n; i++) {
		if (cc->opts.source == CC_SOURCE_OFFLINE_SWAPPED) {
			v[i] = bswap32(afs[i]);
			v[n + i] = afs[i];
		} else {
			v[i] = afs[i];
			v[n + i] = bswap32(afs[i]);
		}
	}
	return af_word_any(cc, v, 2 * n);
}

/* Checks an encapsulated link header needs beyond the encapsulation's own
   test (LANE: not an LE control frame). */
static struct block *
prevlinkhdr_check(struct cc *cc)
{
	struct block *b;

	if (GS(cc)->prevlinktype != DLT_SUNATM)
		return NULL;
	b = gen_cmp(cc, OR_PREVLINKHDR, SUNATM_PKT_BEGIN_POS, BPF_H, 0xff00);
	gen_not(b);
	return b;
}

static _Noreturn void
linktype_unsupported(struct cc *cc)
{
	cc_error(cc, "link-layer type filtering not implemented for %s",
	    gen_dlt_name(cc, GS(cc)->linktype));
}

int
gen_is_juniper(int dlt)
{
	switch (dlt) {
	case DLT_JUNIPER_MFR:
	case DLT_JUNIPER_MLFR:
	case DLT_JUNIPER_MLPPP:
	case DLT_JUNIPER_ATM1:
	case DLT_JUNIPER_ATM2:
	case DLT_JUNIPER_PPPOE:
	case DLT_JUNIPER_PPPOE_ATM:
	case DLT_JUNIPER_GGSN:
	case DLT_JUNIPER_ES:
	case DLT_JUNIPER_MONITOR:
	case DLT_JUNIPER_SERVICES:
	case DLT_JUNIPER_ETHER:
	case DLT_JUNIPER_PPP:
	case DLT_JUNIPER_FRELAY:
	case DLT_JUNIPER_CHDLC:
	case DLT_JUNIPER_VP:
	case DLT_JUNIPER_ST:
	case DLT_JUNIPER_ISM:
	case DLT_JUNIPER_VS:
	case DLT_JUNIPER_SRX_E2E:
	case DLT_JUNIPER_FIBRECHANNEL:
	case DLT_JUNIPER_ATM_CEMIC:
		return 1;
	default:
		return 0;
	}
}

struct block *
gen_linktype(struct cc *cc, bpf_u_int32 proto)
{
	struct gen_state *gs = GS(cc);
	struct block *b0, *b1, *b2;

	if (gs->label_stack_depth > 0)
		return gen_mpls_linktype(cc, proto);
	if (gen_is_juniper(gs->linktype)) {
		/* Only the "MGC" magic of the Juniper header is checked. */
		return gen_mcmp(cc, OR_LINKHDR, 0, BPF_W, 0x4d474300,
		    0xffffff00);
	}

	switch (gs->linktype) {
	case DLT_EN10MB:
	case DLT_NETANALYZER:
	case DLT_NETANALYZER_TRANSPARENT:
	case DLT_DSA_TAG_BRCM:
	case DLT_DSA_TAG_DSA:
		/* Inside Geneve/VXLAN the EtherType is there regardless. */
		b0 = gs->is_encap ? NULL : prevlinkhdr_check(cc);
		b1 = ether_linktype(cc, proto);
		if (b0 != NULL)
			gen_and(b0, b1);
		return b1;

	case DLT_C_HDLC:
		check_max(cc, "HDLC protocol", proto, 65535);
		if (proto == LLCSAP_ISONS)
			proto = proto << 8 | LLCSAP_ISONS;
		return gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, proto);

	case DLT_IEEE802_11:
	case DLT_PRISM_HEADER:
	case DLT_IEEE802_11_RADIO_AVS:
	case DLT_IEEE802_11_RADIO:
	case DLT_PPI:
		b0 = gen_wlan_data_frame(cc);
		b1 = gen_llc_linktype(cc, proto);
		gen_and(b0, b1);
		return b1;

	case DLT_FDDI:
	case DLT_IEEE802:
	case DLT_ATM_RFC1483:
	case DLT_ATM_CLIP:
	case DLT_IP_OVER_FC:
		return gen_llc_linktype(cc, proto);

	case DLT_SUNATM:
		/* LLC-encapsulated; LANE would have changed the link type. */
		b0 = gen_atmfield_code(cc, A_PROTOTYPE, SUNATM_PT_LLC, BPF_JEQ, 0);
		b1 = gen_llc_linktype(cc, proto);
		gen_and(b0, b1);
		return b1;

	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
		return sll_linktype(cc, proto);

	case DLT_SLIP:
	case DLT_SLIP_BSDOS:
	case DLT_RAW:
		/* No type field: the IP version nibble tells. */
		if (proto == ETHERTYPE_IP)
			return gen_mcmp(cc, OR_LINKHDR, 0, BPF_B, 0x40, 0xf0);
		if (proto == ETHERTYPE_IPV6)
			return gen_mcmp(cc, OR_LINKHDR, 0, BPF_B, 0x60, 0xf0);
		return gen_false(cc);

	case DLT_IPV4:
		return proto == ETHERTYPE_IP ? gen_true(cc) : gen_false(cc);

	case DLT_IPV6:
		return proto == ETHERTYPE_IPV6 ? gen_true(cc) : gen_false(cc);

	case DLT_PPP:
	case DLT_PPP_PPPD:
	case DLT_PPP_SERIAL:
	case DLT_PPP_ETHER:
		check_max(cc, "PPP protocol", proto, 65535);
		return gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, to_ppp_proto(proto));

	case DLT_PPP_BSDOS:
		check_max(cc, "PPP protocol", proto, 65535);
		if (proto != ETHERTYPE_IP)
			return gen_cmp(cc, OR_LINKTYPE, 0, BPF_H,
			    to_ppp_proto(proto));
		/* IP, and Van Jacobson compressed and uncompressed TCP/IP. */
		b0 = gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, PPP_IP);
		b1 = gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, PPP_VJC);
		gen_or(b0, b1);
		b0 = gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, PPP_VJNC);
		gen_or(b1, b0);
		return b0;

	case DLT_NULL:
	case DLT_LOOP:
	case DLT_ENC:
		return loopback_linktype(cc, proto);

	case DLT_PFLOG:
		/* A one-byte AF value: the capturing OS's, which for a savefile
		   may be any BSD's AF_INET6. */
		if (proto == ETHERTYPE_IP)
			return gen_cmp(cc, OR_LINKHDR, 1, BPF_B, AF_INET);
		if (proto != ETHERTYPE_IPV6)
			return gen_false(cc);
		if (cc->opts.source == CC_SOURCE_LIVE)
			return gen_cmp(cc, OR_LINKHDR, 1, BPF_B, AF_INET6);
		b0 = gen_cmp(cc, OR_LINKHDR, 1, BPF_B, BSD_AF_INET6_DARWIN);
		b1 = gen_cmp(cc, OR_LINKHDR, 1, BPF_B, BSD_AF_INET6_BSD);
		gen_or(b0, b1);
		b0 = gen_cmp(cc, OR_LINKHDR, 1, BPF_B, BSD_AF_INET6_FREEBSD);
		gen_or(b1, b0);
		return b0;

	case DLT_ARCNET:
	case DLT_ARCNET_LINUX:
		switch (proto) {
		case ETHERTYPE_IPV6:
			return gen_cmp(cc, OR_LINKTYPE, 0, BPF_B, ARCTYPE_INET6);
		case ETHERTYPE_IP:
			/* RFC 1201 types only (not the older 240/241). */
			return gen_cmp(cc, OR_LINKTYPE, 0, BPF_B, ARCTYPE_IP);
		case ETHERTYPE_ARP:
			return gen_cmp(cc, OR_LINKTYPE, 0, BPF_B, ARCTYPE_ARP);
		case ETHERTYPE_REVARP:
			return gen_cmp(cc, OR_LINKTYPE, 0, BPF_B, ARCTYPE_REVARP);
		case ETHERTYPE_ATALK:
			return gen_cmp(cc, OR_LINKTYPE, 0, BPF_B, ARCTYPE_ATALK);
		default:
			return gen_false(cc);
		}

	case DLT_LTALK:
		return proto == ETHERTYPE_ATALK ? gen_true(cc) : gen_false(cc);

	case DLT_FRELAY:
		/* Q.922 UI control byte 0x03 followed by an NLPID. */
		switch (proto) {
		case ETHERTYPE_IP:
			return gen_cmp(cc, OR_LINKHDR, 2, BPF_H, 0x0300 | 0xcc);
		case ETHERTYPE_IPV6:
			return gen_cmp(cc, OR_LINKHDR, 2, BPF_H, 0x0300 | 0x8e);
		case LLCSAP_ISONS:
			b0 = gen_cmp(cc, OR_LINKHDR, 2, BPF_H, 0x0300 | NLPID_CLNP);
			b1 = gen_cmp(cc, OR_LINKHDR, 2, BPF_H, 0x0300 | NLPID_ESIS);
			b2 = gen_cmp(cc, OR_LINKHDR, 2, BPF_H, 0x0300 | NLPID_ISIS);
			gen_or(b1, b2);
			gen_or(b0, b2);
			return b2;
		default:
			return gen_false(cc);
		}


	case DLT_IPNET:
		if (proto == ETHERTYPE_IP)
			return gen_cmp(cc, OR_LINKTYPE, 0, BPF_B, IPNET_AF_INET);
		if (proto == ETHERTYPE_IPV6)
			return gen_cmp(cc, OR_LINKTYPE, 0, BPF_B, IPNET_AF_INET6);
		return gen_false(cc);

	case DLT_BACNET_MS_TP:
	case DLT_MFR:
		linktype_unsupported(cc);

	default:
		if (gs->off_linktype.constant_part == OFFSET_NOT_SET)
			linktype_unsupported(cc);
		check_max(cc, "EtherType", proto, 65535);
		return gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, proto);
	}
}
