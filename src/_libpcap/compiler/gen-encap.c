/*
 * gen-encap.c - encapsulations that move the headers the rest of the
 * expression refers to: "vlan [id]", "mpls [label]", "pppoed",
 * "pppoes [session]", "geneve [vni]" and "vxlan [vni]".
 *
 * The language reads left to right: after "vlan 10 and ip", "ip" tests the
 * EtherType behind the tag.  So each primitive here emits its own test and
 * then shifts the generator's offsets (constant shifts for vlan/mpls;
 * for pppoes a new link header of type PPP; for Geneve and VXLAN a new
 * Ethernet header whose position is computed at run time into scratch
 * registers).  The vlan form for Linux live captures first asks the kernel
 * whether it stripped a tag (SKF_AD_VLAN_TAG_PRESENT), because then the
 * tag is not in the packet data at all.
 */
#include <netinet/in.h>

#include "gen-int.h"

/* Linux BPF ancillary data (linux/filter.h). */
#define SKF_AD_OFF		(-0x1000)
#define SKF_AD_VLAN_TAG		44
#define SKF_AD_VLAN_TAG_PRESENT	48

#define PPP_MPLS_UCAST		0x0281

#define GENEVE_PORT		6081
#define VXLAN_PORT		4789

void
gen_push_linkhdr(struct cc *cc, int dlt, int is_variable, u_int constant, int reg)
{
	struct gen_state *gs = GS(cc);

	gs->prevlinktype = gs->linktype;
	gs->off_prevlinkhdr = gs->off_linkhdr;
	gs->linktype = dlt;
	gs->off_linkhdr.is_variable = is_variable;
	gs->off_linkhdr.constant_part = constant;
	gs->off_linkhdr.reg = reg;
	gs->is_encap = 0;
	gs->is_vxlan = 0;
}

/* ------------------------------------------------------------------------
 * VLAN.
 * --------------------------------------------------------------------- */

/* The EtherType is one of the three VLAN TPIDs. */
static struct block *
vlan_tpid_test(struct cc *cc)
{
	struct block *b0, *b1;

	b0 = gen_linktype(cc, ETHERTYPE_8021Q);
	b1 = gen_linktype(cc, ETHERTYPE_8021AD);
	gen_or(b0, b1);
	b0 = gen_linktype(cc, ETHERTYPE_8021QINQ);
	gen_or(b1, b0);
	return b0;
}

static struct block *
vlan_vid_test(struct cc *cc, bpf_u_int32 vid)
{
	if (vid > 0x0fff)
		cc_error(cc, "VLAN tag %u greater than maximum %u", vid, 0x0fffU);
	return gen_mcmp(cc, OR_LINKPL, 0, BPF_H, vid, 0x0fff);
}

/* The tag sits in the packet data: test it, then skip its 4 bytes. */
static struct block *
vlan_inline(struct cc *cc, bpf_u_int32 vid, int has_vid)
{
	struct gen_state *gs = GS(cc);
	struct block *b0 = vlan_tpid_test(cc), *b1;

	if (has_vid) {
		b1 = vlan_vid_test(cc, vid);
		gen_and(b0, b1);
		b0 = b1;
	}
	gs->off_linkpl.constant_part += 4;
	gs->off_linktype.constant_part += 4;
	return b0;
}

/* Statements "M[reg] += v" for an offset that becomes run-time. */
static void
vloffset_add(struct cc *cc, struct abs_offset *off, bpf_u_int32 v,
    struct slist **list)
{
	struct slist *s;

	off->is_variable = 1;
	if (off->reg == -1)
		off->reg = gen_alloc_reg(cc);
	s = cc_new_stmt_k(cc, BPF_LD | BPF_MEM, (bpf_u_int32)off->reg);
	if (*list == NULL)
		*list = s;
	else
		cc_sappend(*list, s);
	cc_sappend(s, cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, v));
	cc_sappend(s, cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)off->reg));
}

/*
 * Linux live capture: the kernel may have moved the outer tag into the
 * packet's metadata.  If it did, the tag test is the metadata flag; if not,
 * the in-packet test runs, preceded by statements that shift the payload
 * and type offsets (now run-time values, zeroed by the prologue) by 4.
 * Both in-packet tests are generated before the shift so that they look
 * at the outer header.
 */
static struct block *
vlan_linux_ext(struct cc *cc, bpf_u_int32 vid, int has_vid)
{
	struct gen_state *gs = GS(cc);
	struct block *b0, *b_tpid, *b_vid = NULL;
	struct slist *shift = NULL, *s, *jeq, *ja, *p;
	u_int n;

	b0 = gen_jmp_k(cc, BPF_JEQ, 1,
	    cc_new_stmt_k(cc, BPF_LD | BPF_B | BPF_ABS,
	    (bpf_u_int32)(SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT)));

	b_tpid = vlan_tpid_test(cc);
	if (has_vid)
		b_vid = vlan_vid_test(cc, vid);

	gs->is_vlan_vloffset = 1;
	vloffset_add(cc, &gs->off_linkpl, 4, &shift);
	vloffset_add(cc, &gs->off_linktype, 4, &shift);
	cc_sappend(shift, b_tpid->head->stmts);
	b_tpid->head->stmts = shift;

	gen_or(b0, b_tpid);
	b0 = b_tpid;
	if (!has_vid)
		return b0;

	/* VID: from the metadata if the kernel took the tag, else from the
	   packet; either way into the AND with 0xfff and the compare. */
	s = cc_new_stmt_k(cc, BPF_LD | BPF_B | BPF_ABS,
	    (bpf_u_int32)(SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT));
	jeq = cc_new_stmt_k(cc, BPF_JMP | BPF_JEQ | BPF_K, 1);
	jeq->s.jf = b_vid->stmts;
	cc_sappend(s, jeq);
	jeq->s.jt = cc_new_stmt_k(cc, BPF_LD | BPF_H | BPF_ABS,
	    (bpf_u_int32)(SKF_AD_OFF + SKF_AD_VLAN_TAG));
	cc_sappend(s, jeq->s.jt);
	for (n = 0, p = b_vid->stmts; p != NULL; p = p->next)
		n++;
	/* Skip only the in-packet load, not the AND after it. */
	ja = cc_new_stmt_k(cc, BPF_JMP | BPF_JA, n - 1);
	cc_sappend(s, ja);
	cc_sappend(s, b_vid->stmts);
	b_vid->stmts = s;

	gen_and(b0, b_vid);
	return b_vid;
}

struct block *
gen_vlan(struct cc *cc, bpf_u_int32 vlan_num, int has_arg)
{
	struct gen_state *gs = GS(cc);
	struct block *b;

	if (gs->label_stack_depth > 0)
		cc_error(cc, "no VLAN match after MPLS");

	switch (gs->linktype) {
	case DLT_EN10MB:
	case DLT_NETANALYZER:
	case DLT_NETANALYZER_TRANSPARENT:
		/* The kernel's tag metadata only describes the outermost tag
		   of the capture's own Ethernet header. */
		if ((cc->opts.codegen_flags & BPF_SPECIAL_VLAN_HANDLING) &&
		    gs->vlan_stack_depth == 0 && !gs->off_linkhdr.is_variable &&
		    gs->off_linkhdr.constant_part ==
		    gs->off_outermostlinkhdr.constant_part)
			b = vlan_linux_ext(cc, vlan_num, has_arg);
		else
			b = vlan_inline(cc, vlan_num, has_arg);
		break;
	case DLT_DSA_TAG_BRCM:
	case DLT_DSA_TAG_DSA:
	case DLT_IEEE802_11:
	case DLT_PRISM_HEADER:
	case DLT_IEEE802_11_RADIO_AVS:
	case DLT_IEEE802_11_RADIO:
		b = vlan_inline(cc, vlan_num, has_arg);
		break;
	default:
		gen_fail_kw_on_dlt(cc, "vlan");
	}
	gs->vlan_stack_depth++;
	return b;
}

/* ------------------------------------------------------------------------
 * MPLS.
 * --------------------------------------------------------------------- */

struct block *
gen_mpls(struct cc *cc, bpf_u_int32 label, int has_arg)
{
	struct gen_state *gs = GS(cc);
	struct block *b0, *b1;

	if (gs->label_stack_depth > 0) {
		/* Inner label: the previous one is not bottom-of-stack. */
		b0 = gen_jmp_k(cc, BPF_JSET, 0x01,
		    gen_load_a(cc, OR_PREVMPLSHDR, 2, BPF_B));
		gen_not(b0);
	} else {
		switch (gs->linktype) {
		case DLT_C_HDLC:
		case DLT_EN10MB:
		case DLT_NETANALYZER:
		case DLT_NETANALYZER_TRANSPARENT:
		case DLT_DSA_TAG_BRCM:
		case DLT_DSA_TAG_DSA:
			b0 = gen_linktype(cc, ETHERTYPE_MPLS);
			break;
		case DLT_PPP:
			b0 = gen_linktype(cc, PPP_MPLS_UCAST);
			break;
		default:
			gen_fail_kw_on_dlt(cc, "mpls");
		}
	}
	if (has_arg) {
		if (label > 0xfffff)
			cc_error(cc, "MPLS label %u greater than maximum %u",
			    label, 0xfffffU);
		/* The label is the top 20 bits of the 32-bit entry. */
		b1 = gen_mcmp(cc, OR_LINKPL, 0, BPF_W, label << 12, 0xfffff000U);
		gen_and(b0, b1);
		b0 = b1;
	}
	gs->off_nl_nosnap += 4;
	gs->off_nl += 4;
	gs->label_stack_depth++;
	return b0;
}

struct block *
gen_mpls_linktype(struct cc *cc, bpf_u_int32 ll_proto)
{
	struct block *b0, *b1;
	bpf_u_int32 version;

	if (ll_proto == ETHERTYPE_IP)
		version = 0x40;
	else if (ll_proto == ETHERTYPE_IPV6)
		version = 0x60;
	else
		cc_error(cc, "unsupported protocol over mpls");
	/* Bottom of stack set on the last label, then the IP version. */
	b0 = gen_jmp_k(cc, BPF_JSET, 0x01,
	    gen_load_a(cc, OR_LINKPL, (u_int)-2, BPF_B));
	b1 = gen_mcmp(cc, OR_LINKPL, 0, BPF_B, version, 0xf0);
	gen_and(b0, b1);
	return b1;
}

/* ------------------------------------------------------------------------
 * PPPoE.
 * --------------------------------------------------------------------- */

struct block *
gen_pppoed(struct cc *cc)
{
	return gen_linktype(cc, ETHERTYPE_PPPOED);
}

struct block *
gen_pppoes(struct cc *cc, bpf_u_int32 sess, int has_arg)
{
	struct gen_state *gs = GS(cc);
	struct block *b0, *b1;

	b0 = gen_linktype(cc, ETHERTYPE_PPPOES);
	if (has_arg) {
		if (sess > 0xffff)
			cc_error(cc,
			    "PPPoE session number %u greater than maximum %u",
			    sess, 0xffffU);
		/* The session ID is the second half-word of the header. */
		b1 = gen_cmp(cc, OR_LINKPL, 2, BPF_H, sess);
		gen_and(b0, b1);
		b0 = b1;
	}
	/* A PPP packet (no HDLC framing) follows the 6-byte PPPoE header:
	   its protocol field is the new link type field. */
	gen_push_linkhdr(cc, DLT_PPP, gs->off_linkpl.is_variable,
	    gs->off_linkpl.constant_part + gs->off_nl + 6, gs->off_linkpl.reg);
	gs->off_linktype = gs->off_linkhdr;
	gs->off_linkpl.constant_part = gs->off_linkhdr.constant_part + 2;
	gs->off_nl = 0;
	gs->off_nl_nosnap = 0;
	return b0;
}

/* ------------------------------------------------------------------------
 * Geneve and VXLAN: UDP tunnels carrying (usually) Ethernet.
 * --------------------------------------------------------------------- */

/* A block that is always true (A == X) after the statements s; the
   tunnel tests use it to leave the UDP payload's base offset in A. */
static struct block *
true_after(struct cc *cc, struct slist *s)
{
	struct block *b = cc_new_block(cc, BPF_JMP | BPF_JEQ | BPF_X);

	b->stmts = s;
	return b;
}

static void
check_vni(struct cc *cc, const char *what, bpf_u_int32 vni)
{
	if (vni > 0xffffff)
		cc_error(cc, "%s VNI %u greater than maximum %u", what, vni,
		    0xffffffU);
}

/*
 * The IPv4 or IPv6 part of a tunnel test: UDP to port, the header's first
 * byte (masked) equal to first_v, the VNI when asked; then A = length of
 * the IP header plus the variable part of the payload offset.
 */
static struct block *
tunnel_ip(struct cc *cc, int v6, u_int port, bpf_u_int32 first_mask,
    bpf_u_int32 first_v, const char *what, bpf_u_int32 vni, int has_vni)
{
	enum e_offrel rel = v6 ? OR_TRAN_IPV6 : OR_TRAN_IPV4;
	struct block *b0, *b1;
	struct slist *s;

	b0 = v6 ? gen_port6(cc, port, IPPROTO_UDP, Q_DST) :
	    gen_port(cc, port, IPPROTO_UDP, Q_DST);
	b1 = gen_ncmp(cc, rel, 8, BPF_B, first_mask, BPF_JEQ, 0, first_v);
	gen_and(b0, b1);
	b0 = b1;
	if (has_vni) {
		check_vni(cc, what, vni);
		b1 = gen_mcmp(cc, rel, 12, BPF_W, vni << 8, 0xffffff00U);
		gen_and(b0, b1);
		b0 = b1;
	}

	if (!v6) {
		s = gen_loadx_iphdrlen(cc);
		cc_sappend(s, cc_new_stmt(cc, BPF_MISC | BPF_TXA));
	} else {
		s = gen_abs_offset_varpart(cc, &GS(cc)->off_linkpl);
		if (s != NULL) {
			cc_sappend(s, cc_new_stmt_k(cc, BPF_LD | BPF_IMM, 40));
			cc_sappend(s, cc_new_stmt(cc, BPF_ALU | BPF_ADD | BPF_X));
		} else {
			s = cc_new_stmt_k(cc, BPF_LD | BPF_IMM, 40);
		}
		cc_sappend(s, cc_new_stmt(cc, BPF_MISC | BPF_TAX));
	}
	b1 = true_after(cc, s);
	gen_and(b0, b1);
	return b1;
}

/* The whole tunnel test: (IPv4 form or IPv6 form) and then the offset
   statements, attached to an always-true block so they run on a match. */
static struct block *
tunnel_finish(struct cc *cc, struct block *b4, struct block *b6,
    struct slist *offsets)
{
	struct block *t;

	gen_or(b4, b6);
	t = gen_true(cc);
	cc_sappend(offsets, t->stmts);
	t->stmts = offsets;
	gen_and(b6, t);
	return t;
}

/* A (IP header length + variable part) -> registers for the inner link
   header, its EtherType and its payload.  Geneve's header has options
   (length in 4-byte words in its first byte) and may carry Ethernet
   (protocol TEB) or a bare network protocol. */
static struct slist *
geneve_offsets(struct cc *cc)
{
	struct gen_state *gs = GS(cc);
	struct slist *s, *teb, *stx;

	s = cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K,
	    gs->off_linkpl.constant_part + gs->off_nl + 8);
	cc_sappend(s, cc_new_stmt(cc, BPF_MISC | BPF_TAX));
	cc_sappend(s, cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, 2));

	gs->off_linktype.reg = gen_alloc_reg(cc);
	gs->off_linktype.is_variable = 1;
	gs->off_linktype.constant_part = 0;
	cc_sappend(s, cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)gs->off_linktype.reg));

	cc_sappend(s, cc_new_stmt_k(cc, BPF_LD | BPF_IND | BPF_B, 0));
	cc_sappend(s, cc_new_stmt_k(cc, BPF_ALU | BPF_AND | BPF_K, 0x3f));
	cc_sappend(s, cc_new_stmt_k(cc, BPF_ALU | BPF_MUL | BPF_K, 4));
	cc_sappend(s, cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, 8));
	cc_sappend(s, cc_new_stmt(cc, BPF_ALU | BPF_ADD | BPF_X));

	/* What follows is treated as Ethernet: the EtherType is where
	   Ethernet's would be, whether or not a MAC header is present. */
	gen_push_linkhdr(cc, DLT_EN10MB, 1, 0, gen_alloc_reg(cc));
	cc_sappend(s, cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)gs->off_linkhdr.reg));

	cc->no_optimize = 1;	/* a jump inside a statement list */
	cc_sappend(s, cc_new_stmt_k(cc, BPF_LD | BPF_IND | BPF_H, 2));
	cc_sappend(s, cc_new_stmt_k(cc, BPF_LDX | BPF_MEM,
	    (bpf_u_int32)gs->off_linkhdr.reg));
	teb = cc_new_stmt_k(cc, BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_TEB);
	cc_sappend(s, teb);

	/* Ethernet inside: type field 12 bytes in, payload 14. */
	teb->s.jt = cc_new_stmt(cc, BPF_MISC | BPF_TXA);
	cc_sappend(s, teb->s.jt);
	cc_sappend(s, cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, 12));
	cc_sappend(s, cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)gs->off_linktype.reg));
	cc_sappend(s, cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, 2));
	cc_sappend(s, cc_new_stmt(cc, BPF_MISC | BPF_TAX));

	gs->off_linkpl.reg = gen_alloc_reg(cc);
	gs->off_linkpl.is_variable = 1;
	gs->off_linkpl.constant_part = 0;
	stx = cc_new_stmt_k(cc, BPF_STX, (bpf_u_int32)gs->off_linkpl.reg);
	cc_sappend(s, stx);
	teb->s.jf = stx;

	gs->off_nl = 0;
	return s;
}

/* VXLAN: a fixed 8-byte header followed by an Ethernet frame. */
static struct slist *
vxlan_offsets(struct cc *cc)
{
	struct gen_state *gs = GS(cc);
	struct slist *s;

	s = cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K,
	    gs->off_linkpl.constant_part + gs->off_nl + 8);
	cc_sappend(s, cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, 8));

	gen_push_linkhdr(cc, DLT_EN10MB, 1, 0, gen_alloc_reg(cc));
	cc_sappend(s, cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)gs->off_linkhdr.reg));

	cc_sappend(s, cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, 12));
	gs->off_linktype.reg = gen_alloc_reg(cc);
	gs->off_linktype.is_variable = 1;
	gs->off_linktype.constant_part = 0;
	cc_sappend(s, cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)gs->off_linktype.reg));

	cc_sappend(s, cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, 2));
	cc_sappend(s, cc_new_stmt(cc, BPF_MISC | BPF_TAX));
	gs->off_linkpl.reg = gen_alloc_reg(cc);
	gs->off_linkpl.is_variable = 1;
	gs->off_linkpl.constant_part = 0;
	cc_sappend(s, cc_new_stmt_k(cc, BPF_STX, (bpf_u_int32)gs->off_linkpl.reg));

	gs->off_nl = 0;
	return s;
}

struct block *
gen_geneve(struct cc *cc, bpf_u_int32 vni, int has_arg)
{
	struct block *b4, *b6, *b;

	/* Version 0 only (top two bits of the first byte). */
	b4 = tunnel_ip(cc, 0, GENEVE_PORT, 0xc0, 0, "Geneve", vni, has_arg);
	b6 = tunnel_ip(cc, 1, GENEVE_PORT, 0xc0, 0, "Geneve", vni, has_arg);
	b = tunnel_finish(cc, b4, b6, geneve_offsets(cc));
	GS(cc)->is_encap = 1;
	return b;
}

struct block *
gen_vxlan(struct cc *cc, bpf_u_int32 vni, int has_arg)
{
	struct block *b4, *b6, *b;

	/* Flags byte: only the "VNI present" bit. */
	b4 = tunnel_ip(cc, 0, VXLAN_PORT, 0xffffffffU, 0x08, "VXLAN", vni,
	    has_arg);
	b6 = tunnel_ip(cc, 1, VXLAN_PORT, 0xffffffffU, 0x08, "VXLAN", vni,
	    has_arg);
	b = tunnel_finish(cc, b4, b6, vxlan_offsets(cc));
	GS(cc)->is_encap = 1;
	GS(cc)->is_vxlan = 1;
	return b;
}
