/*
 * gen-arith.c - arithmetic over packet data: constants, "len", packet
 * accessors proto[expr:size] (relative to the link header, the network
 * header or the transport header behind IPv4, or the ICMPv6 header), the
 * binary operators and negation, relations between two expressions, and
 * the fixed forms "less N", "greater N" and "byte IDX OP VAL".
 *
 * Every value lives in a scratch register between operations (as libpcap
 * does, so the unoptimized programs match); the statements computing it
 * are kept as one list per value, with its tail remembered so that long
 * chains ("len + len + ... + len") append in constant time.
 */
#include <stddef.h>

#include "gen-int.h"

/*
 * The arth handed to the parser, plus the tail of its statement list.
 * Every struct arth the parser ever sees comes from here, so the cast
 * back is safe.
 */
struct arth_x {
	struct arth a;
	struct slist *tail;
};

static struct arth_x *
ax(struct arth *a)
{
	return (struct arth_x *)(void *)((char *)a - offsetof(struct arth_x, a));
}

/* The last statement of list s (walks only what is new). */
static struct slist *
last_of(struct slist *s)
{
	while (s->next != NULL)
		s = s->next;
	return s;
}

/* Append list s to the value's statements. */
static void
arth_append(struct arth *a, struct slist *s)
{
	struct arth_x *x = ax(a);

	if (a->s == NULL)
		a->s = s;
	else
		x->tail->next = s;
	x->tail = last_of(s);
}

static struct arth *
new_arth(struct cc *cc, struct slist *s, int regno)
{
	struct arth_x *x = cc_alloc(cc, sizeof(*x));

	x->a.s = s;
	x->a.regno = regno;
	x->tail = last_of(s);
	return &x->a;
}

/* X = the value's register / A = the value's register */
static struct slist *
xfer_to_x(struct cc *cc, struct arth *a)
{
	return cc_new_stmt_k(cc, BPF_LDX | BPF_MEM, (bpf_u_int32)a->regno);
}

static struct slist *
xfer_to_a(struct cc *cc, struct arth *a)
{
	return cc_new_stmt_k(cc, BPF_LD | BPF_MEM, (bpf_u_int32)a->regno);
}

/* ---- values --------------------------------------------------------------- */

struct arth *
gen_loadi(struct cc *cc, bpf_u_int32 v)
{
	int reg = gen_alloc_reg(cc);
	struct slist *s = cc_new_stmt_k(cc, BPF_LD | BPF_IMM, v);

	s->next = cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)reg);
	return new_arth(cc, s, reg);
}

struct arth *
gen_loadlen(struct cc *cc)
{
	int reg = gen_alloc_reg(cc);
	struct slist *s = cc_new_stmt(cc, BPF_LD | BPF_LEN);

	s->next = cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)reg);
	return new_arth(cc, s, reg);
}

/* The IPv4 protocol number of a transport accessor (tcp[], icmp[], ...). */
static bpf_u_int32
transport_proto(int q_proto)
{
	switch (q_proto) {
	case Q_SCTP:
		return 132;
	case Q_TCP:
		return 6;
	case Q_UDP:
		return 17;
	case Q_ICMP:
		return 1;
	case Q_IGMP:
		return 2;
	case Q_IGRP:
		return 9;	/* Linux's value (88 on the BSDs) */
	case Q_PIM:
		return 103;
	default:		/* Q_VRRP, Q_CARP */
		return 112;
	}
}

/* X = index value (+ the variable part of off, if any) */
static struct slist *
index_to_x(struct cc *cc, struct abs_offset *off, struct arth *inst)
{
	struct slist *s = gen_abs_offset_varpart(cc, off);

	if (s == NULL)
		return xfer_to_x(cc, inst);
	cc_sappend(s, xfer_to_a(cc, inst));
	cc_sappend(s, cc_new_stmt(cc, BPF_ALU | BPF_ADD | BPF_X));
	cc_sappend(s, cc_new_stmt(cc, BPF_MISC | BPF_TAX));
	return s;
}

/* inst->b = inst->b && b (the guards a value depends on) */
static void
add_guard(struct arth *inst, struct block *b)
{
	if (inst->b != NULL)
		gen_and(inst->b, b);
	inst->b = b;
}

/*
 * proto[index : size]: the value at the index, relative to proto's header,
 * replaces the index in a new register; the value is only computed when
 * the packet has that protocol (the guard ANDed into inst->b).
 */
struct arth *
gen_load(struct cc *cc, int proto, struct arth *inst, bpf_u_int32 size)
{
	struct gen_state *gs = GS(cc);
	struct slist *s, *tmp;
	struct block *b;
	int size_code;
	int regno = gen_alloc_reg(cc);

	gen_free_reg(cc, inst->regno);
	switch (size) {
	case 1:
		size_code = BPF_B;
		break;
	case 2:
		size_code = BPF_H;
		break;
	case 4:
		size_code = BPF_W;
		break;
	default:
		cc_error(cc, "data size must be 1, 2, or 4");
	}

	switch (proto) {
	case Q_RADIO:
		/* Relative to the packet, when there is a radio header. */
		if (gs->linktype != DLT_IEEE802_11_RADIO_AVS &&
		    gs->linktype != DLT_IEEE802_11_RADIO &&
		    gs->linktype != DLT_PRISM_HEADER)
			cc_error(cc, "radio information not present in capture");
		s = xfer_to_x(cc, inst);
		cc_sappend(s, cc_new_stmt(cc, BPF_LD | BPF_IND | size_code));
		arth_append(inst, s);
		break;

	case Q_LINK:
		s = index_to_x(cc, &gs->off_linkhdr, inst);
		tmp = cc_new_stmt_k(cc, BPF_LD | BPF_IND | size_code,
		    gs->off_linkhdr.constant_part);
		cc_sappend(s, tmp);
		arth_append(inst, s);
		break;

	case Q_IP:
	case Q_ARP:
	case Q_RARP:
	case Q_ATALK:
	case Q_DECNET:
	case Q_SCA:
	case Q_LAT:
	case Q_MOPRC:
	case Q_MOPDL:
	case Q_IPV6:
		/* Relative to the network header. */
		s = index_to_x(cc, &gs->off_linkpl, inst);
		tmp = cc_new_stmt_k(cc, BPF_LD | BPF_IND | size_code,
		    gs->off_linkpl.constant_part + gs->off_nl);
		cc_sappend(s, tmp);
		arth_append(inst, s);
		add_guard(inst, gen_proto_abbrev(cc, proto));
		break;

	case Q_SCTP:
	case Q_TCP:
	case Q_UDP:
	case Q_ICMP:
	case Q_IGMP:
	case Q_IGRP:
	case Q_PIM:
	case Q_VRRP:
	case Q_CARP:
		/* Relative to the transport header behind IPv4: X = IPv4
		   header length + index. */
		s = gen_loadx_iphdrlen(cc);
		cc_sappend(s, xfer_to_a(cc, inst));
		cc_sappend(s, cc_new_stmt(cc, BPF_ALU | BPF_ADD | BPF_X));
		cc_sappend(s, cc_new_stmt(cc, BPF_MISC | BPF_TAX));
		cc_sappend(s, cc_new_stmt_k(cc, BPF_LD | BPF_IND | size_code,
		    gs->off_linkpl.constant_part + gs->off_nl));
		arth_append(inst, s);
		/* Only for that protocol in an unfragmented packet or the
		   first fragment. */
		b = gen_ipfrag(cc);
		gen_and(gen_ip_proto(cc, transport_proto(proto)), b);
		if (inst->b != NULL)
			gen_and(inst->b, b);
		gen_and(gen_proto_abbrev(cc, Q_IP), b);
		inst->b = b;
		break;

	case Q_ICMPV6:
		/* Relative to an ICMPv6 header right behind the IPv6 one. */
		add_guard(inst, gen_proto_abbrev(cc, Q_IPV6));
		add_guard(inst, gen_ip6_proto(cc, 58));
		s = index_to_x(cc, &gs->off_linkpl, inst);
		tmp = cc_new_stmt_k(cc, BPF_LD | BPF_IND | size_code,
		    gs->off_linkpl.constant_part + gs->off_nl + 40);
		cc_sappend(s, tmp);
		arth_append(inst, s);
		break;

	default:
		cc_error(cc, "'%s' does not support the index operation",
		    gen_proto_kw(proto));
	}
	inst->regno = regno;
	arth_append(inst, cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)regno));
	return inst;
}

struct arth *
gen_neg(struct cc *cc, struct arth *a)
{
	arth_append(a, xfer_to_a(cc, a));
	arth_append(a, cc_new_stmt_k(cc, BPF_ALU | BPF_NEG, 0));
	arth_append(a, cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)a->regno));
	return a;
}

/* Whether a is a constant (its code is a single "ld #k"). */
static int
is_const(const struct arth *a)
{
	return a->s->s.code == (BPF_LD | BPF_IMM);
}

struct arth *
gen_arth(struct cc *cc, int code, struct arth *a0, struct arth *a1)
{
	struct slist *s0, *s1, *s2;

	/* Refused here so that unoptimized programs never do it either. */
	if (code == BPF_DIV) {
		if (is_const(a1) && a1->s->s.k == 0)
			cc_error(cc, "division by zero");
	} else if (code == BPF_MOD) {
		if (is_const(a1) && a1->s->s.k == 0)
			cc_error(cc, "modulus by zero");
	} else if (code == BPF_LSH || code == BPF_RSH) {
		if (is_const(a1) && a1->s->s.k > 31)
			cc_error(cc, "shift by more than 31 bits");
	}
	s0 = xfer_to_x(cc, a1);
	s1 = xfer_to_a(cc, a0);
	s2 = cc_new_stmt(cc, BPF_ALU | BPF_X | code);
	s1->next = s2;
	s0->next = s1;
	arth_append(a1, s0);
	/* a0's statements, then a1's */
	ax(a0)->tail->next = a1->s;
	ax(a0)->tail = ax(a1)->tail;

	gen_free_reg(cc, a0->regno);
	gen_free_reg(cc, a1->regno);

	a0->regno = gen_alloc_reg(cc);
	arth_append(a0, cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)a0->regno));
	return a0;
}

struct block *
gen_relation(struct cc *cc, int code, struct arth *a0, struct arth *a1,
    int reversed)
{
	struct slist *s0, *s1;
	struct block *b, *tmp;

	s0 = xfer_to_x(cc, a1);
	s1 = xfer_to_a(cc, a0);
	s0->next = s1;
	arth_append(a1, s0);
	ax(a0)->tail->next = a1->s;
	ax(a0)->tail = ax(a1)->tail;

	b = cc_new_block(cc, BPF_JMP | code | BPF_X);
	b->stmts = a0->s;
	if (reversed)
		gen_not(b);

	gen_free_reg(cc, a0->regno);
	gen_free_reg(cc, a1->regno);

	/* Both values' guards come first. */
	if (a0->b != NULL) {
		if (a1->b != NULL) {
			tmp = a1->b;
			gen_and(a0->b, tmp);
		} else {
			tmp = a0->b;
		}
	} else {
		tmp = a1->b;
	}
	if (tmp != NULL)
		gen_and(tmp, b);
	return b;
}

/* ---- fixed forms ------------------------------------------------------------- */

static struct block *
gen_len(struct cc *cc, int jmp, int n)
{
	return gen_jmp_k(cc, jmp, (bpf_u_int32)n, cc_new_stmt(cc, BPF_LD | BPF_LEN));
}

struct block *
gen_greater(struct cc *cc, int n)
{
	return gen_len(cc, BPF_JGE, n);
}

/* "less N" is len <= N. */
struct block *
gen_less(struct cc *cc, int n)
{
	struct block *b = gen_len(cc, BPF_JGT, n);

	gen_not(b);
	return b;
}

/* "byte IDX OP VAL", IDX relative to the link-layer header. */
struct block *
gen_byteop(struct cc *cc, int op, int idx, bpf_u_int32 val)
{
	struct slist *s, *s0;
	struct block *b;

	if (val > 255)
		cc_error(cc, "byte argument %u greater than maximum 255", val);
	switch (op) {
	case '=':
		return gen_cmp(cc, OR_LINKHDR, (u_int)idx, BPF_B, val);
	case '<':
		return gen_cmp_lt(cc, OR_LINKHDR, (u_int)idx, BPF_B, val);
	case '>':
		return gen_cmp_gt(cc, OR_LINKHDR, (u_int)idx, BPF_B, val);
	case '|':
		s = cc_new_stmt_k(cc, BPF_ALU | BPF_OR | BPF_K, val);
		break;
	case '&':
		s = cc_new_stmt_k(cc, BPF_ALU | BPF_AND | BPF_K, val);
		break;
	default:
		cc_error(cc, "internal error in gen_byteop(): op == %d", op);
	}
	s0 = gen_load_a(cc, OR_LINKHDR, (u_int)idx, BPF_B);
	cc_sappend(s0, s);
	b = gen_jmp_k(cc, BPF_JEQ, 0, s0);
	gen_not(b);
	return b;
}
