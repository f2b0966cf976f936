/*
 * gen-atm.c - ATM over the SunATM pseudo-header (DLT_SUNATM): the VPI and
 * VCI fields ("vpi 0", "vci > 32"), the well-known circuits (metac, bcc,
 * oamf4sc, oamf4ec, sc, ilmic, oam/oamf4), the Q.2931 signalling
 * messages of a circuit (connectmsg, metaconnect), and "lane", which
 * makes every later test look at the LAN-emulated Ethernet frame instead
 * of an LLC-encapsulated payload.
 *
 * The pseudo-header: a flags/protocol byte (protocol type in the low
 * nibble), the VPI byte, the 16-bit VCI; the AAL5 payload follows at
 * off_payload.  gen-link.c sets those offsets for DLT_SUNATM.
 */
#include "gen-int.h"

/* Protocol types in the pseudo-header's low nibble. */
#define ATM_PT_LANE		0x01
#define ATM_PT_LLC		0x02
#define ATM_PT_MASK		0x0f

/* Q.2931 message types, at this offset into the payload. */
#define Q2931_MSG_TYPE_POS	5
#define Q2931_CALL_PROCEED	0x02
#define Q2931_CONNECT		0x07
#define Q2931_CONNECT_ACK	0x0f
#define Q2931_SETUP		0x05
#define Q2931_RELEASE		0x4d
#define Q2931_RELEASE_DONE	0x5a

/* The keyword of an A_ value, for messages. */
static const char *
atm_kw(int type)
{
	switch (type) {
	case A_METAC:		return "metac";
	case A_BCC:		return "bcc";
	case A_OAMF4SC:		return "oamf4sc";
	case A_OAMF4EC:		return "oamf4ec";
	case A_SC:		return "sc";
	case A_ILMIC:		return "ilmic";
	case A_OAM:		return "oam";
	case A_OAMF4:		return "oamf4";
	case A_LANE:		return "lane";
	case A_VPI:		return "vpi";
	case A_VCI:		return "vci";
	case A_CONNECTMSG:	return "connectmsg";
	case A_METACONNECT:	return "metaconnect";
	default:		return "ATM keyword";
	}
}

/* Every ATM keyword needs the SunATM pseudo-header (and not the LANE
   frame a "lane" before it switched to). */
static void
atm_require(struct cc *cc, int type)
{
	struct gen_state *gs = GS(cc);

	if (gs->linktype != DLT_SUNATM || !gs->is_atm ||
	    gs->off_vpi == OFFSET_NOT_SET || gs->off_vci == OFFSET_NOT_SET ||
	    gs->off_proto == OFFSET_NOT_SET ||
	    gs->off_payload == OFFSET_NOT_SET)
		cc_error(cc, "'%s' supported only on SUNATM", atm_kw(type));
}

/* (load & mask) jtype v, negated when reverse (for "!=" as well as
   "<" and "<="). */
static struct block *
atm_ncmp(struct cc *cc, u_int off, u_int size, bpf_u_int32 mask, int jtype,
    int reverse, bpf_u_int32 v)
{
	struct block *b = gen_ncmp(cc, OR_LINKHDR, off, size, mask, jtype, 0,
	    v);

	if (reverse)
		gen_not(b);
	return b;
}

static struct block *
atm_field(struct cc *cc, int field, bpf_u_int32 v, int jtype, int reverse)
{
	struct gen_state *gs = GS(cc);

	switch (field) {
	case A_VPI:
		if (v > 255)
			cc_error(cc, "VPI %u greater than maximum %u", v, 255);
		return atm_ncmp(cc, gs->off_vpi, BPF_B, 0xffffffffU,
		    jtype, reverse, v);
	case A_VCI:
		if (v > 65535)
			cc_error(cc, "VCI %u greater than maximum %u", v, 65535);
		return atm_ncmp(cc, gs->off_vci, BPF_H, 0xffffffffU,
		    jtype, reverse, v);
	case A_PROTOTYPE:
		return atm_ncmp(cc, gs->off_proto, BPF_B,
		    ATM_PT_MASK, jtype, reverse, v);
	case A_MSGTYPE:
		return atm_ncmp(cc,
		    gs->off_payload + Q2931_MSG_TYPE_POS, BPF_B, 0xffffffffU,
		    jtype, reverse, v);
	default:
		cc_error(cc, "internal error in %s(): %s == %d",
		    "gen_atmfield_code", "atmfield", field);
	}
}

struct block *
gen_atmfield_code(struct cc *cc, int atmfield, bpf_u_int32 jvalue, int jtype,
    int reverse)
{
	atm_require(cc, atmfield);
	return atm_field(cc, atmfield, jvalue, jtype, reverse);
}

/* VPI vpi and VCI vci: a fixed circuit. */
static struct block *
atm_circuit(struct cc *cc, bpf_u_int32 vpi, bpf_u_int32 vci)
{
	struct block *b0, *b1;

	b0 = atm_field(cc, A_VPI, vpi, BPF_JEQ, 0);
	b1 = atm_field(cc, A_VCI, vci, BPF_JEQ, 0);
	gen_and(b0, b1);
	return b1;
}

struct block *
gen_atm_llc(struct cc *cc)
{
	struct gen_state *gs = GS(cc);
	struct block *b;

	b = atm_field(cc, A_PROTOTYPE, ATM_PT_LLC, BPF_JEQ, 0);
	/* libpcap restores the link type from before any "lane" here. */
	gs->linktype = gs->prevlinktype;
	return b;
}

/* From here on the packet is LANE-encapsulated Ethernet (not Token
   Ring): its header follows the 2-byte LE header of the payload. */
static void
atm_push_lane(struct cc *cc)
{
	struct gen_state *gs = GS(cc);

	gs->prevlinktype = gs->linktype;
	gs->off_prevlinkhdr = gs->off_linkhdr;
	gs->linktype = DLT_EN10MB;
	gs->off_linkhdr.is_variable = 0;
	gs->off_linkhdr.constant_part = gs->off_payload + 2;
	gs->off_linkhdr.reg = -1;
	gs->is_encap = 0;
	gs->off_linktype.constant_part = gs->off_linkhdr.constant_part + 12;
	gs->off_linkpl.constant_part = gs->off_linkhdr.constant_part + 14;
	gs->off_nl = 0;			/* Ethernet II */
	gs->off_nl_nosnap = 3;		/* 802.3 + 802.2 */
}

struct block *
gen_atmtype_abbrev(struct cc *cc, int type)
{
	struct block *b;

	atm_require(cc, type);
	switch (type) {
	case A_METAC:		/* meta signalling circuit */
		return atm_circuit(cc, 0, 1);
	case A_BCC:		/* broadcast circuit */
		return atm_circuit(cc, 0, 2);
	case A_OAMF4SC:		/* segment OAM F4 circuit */
		return atm_circuit(cc, 0, 3);
	case A_OAMF4EC:		/* end-to-end OAM F4 circuit */
		return atm_circuit(cc, 0, 4);
	case A_SC:		/* connection signalling circuit */
		return atm_circuit(cc, 0, 5);
	case A_ILMIC:		/* ILMI circuit */
		return atm_circuit(cc, 0, 16);
	case A_LANE:
		b = atm_field(cc, A_PROTOTYPE, ATM_PT_LANE, BPF_JEQ, 0);
		atm_push_lane(cc);
		return b;
	default:
		cc_error(cc, "internal error in %s(): %s == %d",
		    "gen_atmtype_abbrev", "type", type);
	}
}

/* A Q.2931 message of one of the types in list (zero-terminated, at
   least two; each later one is tested before the earlier ones), in the
   signalling circuit vci of VPI 0. */
static struct block *
atm_signalling(struct cc *cc, const u_char *list, bpf_u_int32 vci)
{
	struct block *b0, *b1;

	b0 = atm_field(cc, A_MSGTYPE, list[0], BPF_JEQ, 0);
	b1 = atm_field(cc, A_MSGTYPE, list[1], BPF_JEQ, 0);
	gen_or(b0, b1);
	for (list += 2; *list != 0; list++) {
		b0 = atm_field(cc, A_MSGTYPE, *list, BPF_JEQ, 0);
		gen_or(b0, b1);
	}
	b0 = atm_circuit(cc, 0, vci);
	gen_and(b0, b1);
	return b1;
}

static const u_char atm_connect_msgs[] = {
	Q2931_SETUP, Q2931_CALL_PROCEED, Q2931_CONNECT, Q2931_CONNECT_ACK,
	Q2931_RELEASE, Q2931_RELEASE_DONE, 0
};
static const u_char atm_metaconnect_msgs[] = {
	Q2931_SETUP, Q2931_CALL_PROCEED, Q2931_CONNECT, Q2931_RELEASE,
	Q2931_RELEASE_DONE, 0
};

struct block *
gen_atmmulti_abbrev(struct cc *cc, int type)
{
	struct block *b0, *b1;

	atm_require(cc, type);
	switch (type) {
	case A_OAM:
	case A_OAMF4:
		/* Either OAM F4 circuit. */
		b0 = atm_field(cc, A_VCI, 3, BPF_JEQ, 0);
		b1 = atm_field(cc, A_VCI, 4, BPF_JEQ, 0);
		gen_or(b0, b1);
		b0 = atm_field(cc, A_VPI, 0, BPF_JEQ, 0);
		gen_and(b0, b1);
		return b1;
	case A_CONNECTMSG:
		/* Call set-up and tear-down in the signalling circuit. */
		return atm_signalling(cc, atm_connect_msgs, 5);
	case A_METACONNECT:
		/* The same in the meta signalling circuit. */
		return atm_signalling(cc, atm_metaconnect_msgs, 1);
	default:
		cc_error(cc, "internal error in %s(): %s == %d",
		    "gen_atmmulti_abbrev", "type", type);
	}
}
