/*
 * gen-ip.c - IPv4 and the IP protocol number: host and net tests (IPv4,
 * ARP, RARP and the DECnet leg of "host"), "proto P" for IPv4 and IPv6,
 * the first-fragment test, TCP/UDP/SCTP ports and port ranges behind IPv4,
 * and "protochain", which walks the IPv4/IPv6 extension header chain with
 * a backward jump (so the program it is part of is never optimized).
 *
 * The programs are libpcap master's, block for block: the order in which
 * tests are built and joined decides the layout of the emitted code, so
 * each function below joins its pieces in master's order.
 */
#include <string.h>
#include <netinet/in.h>

#include <pcap/namedb.h>

#include "gen-int.h"

#define ETHERTYPE_IP_V		0x0800
#define ETHERTYPE_ARP_V		0x0806
#define ETHERTYPE_REVARP_V	0x8035
#define ETHERTYPE_IPV6_V	0x86dd

/* IP protocol numbers used here (the values every OS agrees on). */
#define PROTO_HOPOPTS		0
#define PROTO_TCP		6
#define PROTO_UDP		17
#define PROTO_ROUTING		43
#define PROTO_FRAGMENT		44
#define PROTO_AH		51
#define PROTO_NONE		59
#define PROTO_DSTOPTS		60
#define PROTO_SCTP		132

/* ---- hosts and nets ---------------------------------------------------- */

/* Directions a host test takes (the 802.11 ones are for MAC addresses). */
void
gen_check_host_dir(struct cc *cc, int dir)
{
	switch (dir) {
	case Q_SRC:
	case Q_DST:
	case Q_AND:
	case Q_OR:
	case Q_DEFAULT:
		return;
	}
	cc_error(cc, "'%s' is valid for 802.11 syntax only", gen_dir_kw(dir));
}

/* addr/mask at src_off or dst_off of the network header, by direction. */
static struct block *
gen_hostop(struct cc *cc, bpf_u_int32 addr, bpf_u_int32 mask, int dir,
    u_int src_off, u_int dst_off)
{
	struct block *b0, *b1;

	switch (dir) {
	case Q_SRC:
		return gen_mcmp(cc, OR_LINKPL, src_off, BPF_W, addr, mask);
	case Q_DST:
		return gen_mcmp(cc, OR_LINKPL, dst_off, BPF_W, addr, mask);
	case Q_AND:
		b0 = gen_hostop(cc, addr, mask, Q_SRC, src_off, dst_off);
		b1 = gen_hostop(cc, addr, mask, Q_DST, src_off, dst_off);
		gen_and(b0, b1);
		return b1;
	case Q_DEFAULT:
	case Q_OR:
		b0 = gen_hostop(cc, addr, mask, Q_SRC, src_off, dst_off);
		b1 = gen_hostop(cc, addr, mask, Q_DST, src_off, dst_off);
		gen_or(b0, b1);
		return b1;
	}
	cc_error(cc, "'%s' is valid for 802.11 syntax only", gen_dir_kw(dir));
}

/* The link-type test and the address tests of all n addresses (ORed),
   or the link-type test alone for a single 0/0 network. */
static struct block *
hosts_with_type(struct cc *cc, bpf_u_int32 ethertype, u_int n,
    const bpf_u_int32 *addrs, bpf_u_int32 mask, int dir, u_int src_off,
    u_int dst_off)
{
	struct block *b0, *b1, *b;
	u_int i;

	b0 = gen_linktype(cc, ethertype);
	if (n == 1 && mask == 0 && addrs[0] == 0)
		return b0;
	/* Nothing to add to a link type that never matches (and no load to
	   generate: it could bring in a header-length prologue), but the
	   direction is still checked. */
	if (gen_const_value(b0) == 0) {
		gen_check_host_dir(cc, dir);
		return b0;
	}
	b1 = gen_hostop(cc, addrs[0], mask, dir, src_off, dst_off);
	for (i = 1; i < n; i++) {
		b = gen_hostop(cc, addrs[i], mask, dir, src_off, dst_off);
		gen_or(b1, b);
		b1 = b;
	}
	gen_and(b0, b1);
	return b1;
}

struct block *
gen_hosts_ctx(struct cc *cc, u_int n, const bpf_u_int32 *addrs, bpf_u_int32 mask,
    int proto, int dir, const char *context)
{
	struct block *b0, *b1;

	switch (proto) {
	case Q_DEFAULT:
		b0 = gen_hosts_ctx(cc, n, addrs, mask, Q_IP, dir, context);
		/* Inside MPLS only IPv4 is looked at. */
		if (GS(cc)->label_stack_depth == 0) {
			b1 = gen_hosts_ctx(cc, n, addrs, mask, Q_ARP, dir, context);
			gen_or(b0, b1);
			b0 = gen_hosts_ctx(cc, n, addrs, mask, Q_RARP, dir, context);
			gen_or(b1, b0);
		}
		return b0;
	case Q_IP:
		return hosts_with_type(cc, ETHERTYPE_IP_V, n, addrs, mask, dir,
		    12, 16);
	case Q_RARP:
		return hosts_with_type(cc, ETHERTYPE_REVARP_V, n, addrs, mask,
		    dir, 14, 24);
	case Q_ARP:
		return hosts_with_type(cc, ETHERTYPE_ARP_V, n, addrs, mask, dir,
		    14, 24);
	case Q_DECNET:
		/* the EtherType test included */
		return gen_decnet_host(cc, addrs[0], dir);
	}
	cc_error(cc, "'%s' is not a valid qualifier for '%s'",
	    gen_proto_kw(proto), context);
}

struct block *
gen_host_ctx(struct cc *cc, bpf_u_int32 addr, bpf_u_int32 mask, int proto,
    int dir, const char *context)
{
	return gen_hosts_ctx(cc, 1, &addr, mask, proto, dir, context);
}

struct block *
gen_host(struct cc *cc, bpf_u_int32 addr, bpf_u_int32 mask, int proto, int dir,
    int type)
{
	return gen_host_ctx(cc, addr, mask, proto, dir,
	    type == Q_NET ? "net <IPv4 address>" : "host <IPv4 address>");
}

/* ---- the IP protocol ------------------------------------------------------ */

struct block *
gen_ip_proto(struct cc *cc, bpf_u_int32 proto)
{
	return gen_cmp(cc, OR_LINKPL, 9, BPF_B, proto);
}

/* Not a fragment other than the first one. */
struct block *
gen_ipfrag(struct cc *cc)
{
	struct block *b;

	b = gen_jmp_k(cc, BPF_JSET, 0x1fff, gen_load_a(cc, OR_LINKPL, 6, BPF_H));
	gen_not(b);
	return b;
}

static void
assert_maxval(struct cc *cc, const char *name, bpf_u_int32 v, bpf_u_int32 max)
{
	if (v > max)
		cc_error(cc, "%s %u greater than maximum %u", name, v, max);
}

struct block *
gen_proto(struct cc *cc, bpf_u_int32 v, int q_proto)
{
	struct block *b0, *b1, *b2;

	switch (q_proto) {
	case Q_DEFAULT:
		b0 = gen_proto(cc, v, Q_IP);
		b1 = gen_proto(cc, v, Q_IPV6);
		gen_or(b0, b1);
		return b1;
	case Q_LINK:
		return gen_linktype(cc, v);
	case Q_IP:
		assert_maxval(cc, "protocol number", v, 255);
		b0 = gen_linktype(cc, ETHERTYPE_IP_V);
		b1 = gen_ip_proto(cc, v);
		gen_and(b0, b1);
		return b1;
	case Q_IPV6:
		assert_maxval(cc, "protocol number", v, 255);
		b0 = gen_linktype(cc, ETHERTYPE_IPV6_V);
		/* Also behind one Fragment header. */
		b2 = gen_ip6_proto(cc, PROTO_FRAGMENT);
		b1 = gen_cmp(cc, OR_LINKPL, 40, BPF_B, v);
		gen_and(b2, b1);
		b2 = gen_ip6_proto(cc, v);
		gen_or(b2, b1);
		gen_and(b0, b1);
		return b1;
	case Q_ISO:
	case Q_ISIS:
		return gen_osi_proto(cc, v, q_proto);
	}
	cc_error(cc, "'%s' is not a valid qualifier for 'proto'",
	    gen_proto_kw(q_proto));
}

/* ---- ports ----------------------------------------------------------------- */

static struct block *
portatom(struct cc *cc, enum e_offrel rel, u_int off, u_int v)
{
	return gen_cmp(cc, rel, off, BPF_H, v);
}

static struct block *
portrangeatom(struct cc *cc, enum e_offrel rel, u_int off, u_int v1, u_int v2)
{
	struct block *b1, *b2;

	if (v1 == v2)
		return portatom(cc, rel, off, v1);
	b1 = gen_cmp_ge(cc, rel, off, BPF_H, v1 < v2 ? v1 : v2);
	b2 = gen_cmp_le(cc, rel, off, BPF_H, v1 > v2 ? v1 : v2);
	gen_and(b1, b2);
	return b2;
}

struct block *
gen_port_dirs(struct cc *cc, enum e_offrel rel, u_int v1, u_int v2, int dir,
    const char *kw)
{
	struct block *b1, *tmp;

	switch (dir) {
	case Q_SRC:
		return portrangeatom(cc, rel, 0, v1, v2);
	case Q_DST:
		return portrangeatom(cc, rel, 2, v1, v2);
	case Q_AND:
		tmp = portrangeatom(cc, rel, 0, v1, v2);
		b1 = portrangeatom(cc, rel, 2, v1, v2);
		gen_and(tmp, b1);
		return b1;
	case Q_DEFAULT:
	case Q_OR:
		tmp = portrangeatom(cc, rel, 0, v1, v2);
		b1 = portrangeatom(cc, rel, 2, v1, v2);
		gen_or(tmp, b1);
		return b1;
	}
	cc_error(cc, "'%s' is not a valid qualifier for '%s'", gen_dir_kw(dir), kw);
}

struct block *
gen_port_protos(struct cc *cc, int ipproto,
    struct block *(*one)(struct cc *, bpf_u_int32))
{
	struct block *tmp;

	switch (ipproto) {
	case PROTO_UDP:
	case PROTO_TCP:
	case PROTO_SCTP:
		return one(cc, (bpf_u_int32)ipproto);
	case PROTO_UNDEF:
		tmp = one(cc, PROTO_SCTP);
		gen_or(one(cc, PROTO_UDP), tmp);
		gen_or(one(cc, PROTO_TCP), tmp);
		return tmp;
	}
	cc_error(cc, "internal error in gen_port_protos(): proto == %d", ipproto);
}

static struct block *
port_common(struct cc *cc, int ipproto, struct block *b1)
{
	struct block *b0, *tmp;

	tmp = gen_port_protos(cc, ipproto, gen_ip_proto);
	b0 = gen_ipfrag(cc);
	gen_and(tmp, b0);
	gen_and(b0, b1);
	gen_and(gen_linktype(cc, ETHERTYPE_IP_V), b1);
	return b1;
}

struct block *
gen_port(struct cc *cc, u_int port, int ipproto, int dir)
{
	return port_common(cc, ipproto,
	    gen_port_dirs(cc, OR_TRAN_IPV4, port, port, dir, "port"));
}

struct block *
gen_portrange(struct cc *cc, u_int port1, u_int port2, int ipproto, int dir)
{
	return port_common(cc, ipproto,
	    gen_port_dirs(cc, OR_TRAN_IPV4, port1, port2, dir, "portrange"));
}

/* ---- protochain ------------------------------------------------------------ */

/*
 * "protochain P": follow the IPv6 extension headers (Hop-by-Hop,
 * Destination Options, Routing, Fragment) and AH headers from the network
 * header until protocol P, "no next header" or another protocol is met.
 * The loop lives inside one block's statements: in-block conditional jumps
 * (resolved by the emitter) and backward BPF_JA.  A holds the protocol
 * being looked at, X the offset of its header from the network header, and
 * one scratch register saves A while X is advanced.
 */
struct block *
gen_protochain(struct cc *cc, bpf_u_int32 v, int q_proto)
{
	struct gen_state *gs = GS(cc);
	struct slist *s[40];
	struct block *b0, *b;
	int fix2, fix3 = 0, fix4, fix5;
	int again, end, i, max;
	/* Taken before the qualifier is looked at, as master does (the
	   register of the default form stays taken). */
	int reg2 = gen_alloc_reg(cc);
	u_int nl = gs->off_linkpl.constant_part + gs->off_nl;

	switch (q_proto) {
	case Q_IP:
	case Q_IPV6:
		assert_maxval(cc, "protocol number", v, 255);
		break;
	case Q_DEFAULT:
		b0 = gen_protochain(cc, v, Q_IP);
		b = gen_protochain(cc, v, Q_IPV6);
		gen_or(b0, b);
		return b;
	default:
		cc_error(cc, "'%s' is not a valid qualifier for 'protochain'",
		    gen_proto_kw(q_proto));
	}

	if (gs->off_linkpl.is_variable)
		cc_error(cc, "'protochain' not supported with variable length headers");

	/* The loop jumps backwards: the optimizer assumes it cannot. */
	cc->no_optimize = 1;

	memset(s, 0, sizeof(s));
	i = 0;
	s[i++] = cc_new_stmt(cc, 0);	/* placeholder, never emitted */

	if (q_proto == Q_IP) {
		b0 = gen_linktype(cc, ETHERTYPE_IP_V);
		s[i++] = gen_load_a(cc, OR_LINKPL, 9, BPF_B);	/* A = protocol */
		s[i++] = gen_loadx_iphdrlen(cc);		/* X = header length */
	} else {
		b0 = gen_linktype(cc, ETHERTYPE_IPV6_V);
		s[i++] = gen_load_a(cc, OR_LINKPL, 6, BPF_B);	/* A = next header */
		s[i++] = cc_new_stmt_k(cc, BPF_LDX | BPF_IMM, 40);	/* X = fixed header */
	}

	/* again: found it? */
	again = i;
	s[i] = cc_new_stmt_k(cc, BPF_JMP | BPF_JEQ | BPF_K, v);
	fix5 = i++;

	/* no next header? */
	s[i] = cc_new_stmt_k(cc, BPF_JMP | BPF_JEQ | BPF_K, PROTO_NONE);
	s[fix5]->s.jf = s[i];
	fix2 = i++;

	if (q_proto == Q_IPV6) {
		int v6start = i, v6end, v6advance, j;

		s[i] = cc_new_stmt_k(cc, BPF_JMP | BPF_JEQ | BPF_K, PROTO_HOPOPTS);
		s[fix2]->s.jf = s[i];
		i++;
		s[i - 1]->s.jf = s[i] =
		    cc_new_stmt_k(cc, BPF_JMP | BPF_JEQ | BPF_K, PROTO_DSTOPTS);
		i++;
		s[i - 1]->s.jf = s[i] =
		    cc_new_stmt_k(cc, BPF_JMP | BPF_JEQ | BPF_K, PROTO_ROUTING);
		i++;
		s[i - 1]->s.jf = s[i] =
		    cc_new_stmt_k(cc, BPF_JMP | BPF_JEQ | BPF_K, PROTO_FRAGMENT);
		fix3 = v6end = i++;

		/* Advance: A = next header; X += (length + 1) * 8. */
		v6advance = i;
		s[i++] = cc_new_stmt_k(cc, BPF_LD | BPF_IND | BPF_B, nl);
		s[i++] = cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)reg2);
		s[i++] = cc_new_stmt_k(cc, BPF_LD | BPF_IND | BPF_B, nl + 1);
		s[i++] = cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, 1);
		s[i++] = cc_new_stmt_k(cc, BPF_ALU | BPF_MUL | BPF_K, 8);
		s[i++] = cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_X, 0);
		s[i++] = cc_new_stmt(cc, BPF_MISC | BPF_TAX);
		s[i++] = cc_new_stmt_k(cc, BPF_LD | BPF_MEM, (bpf_u_int32)reg2);
		/* back to "again" */
		s[i] = cc_new_stmt_k(cc, BPF_JMP | BPF_JA, (bpf_u_int32)(again - i - 1));
		s[i - 1]->s.jf = s[i];
		i++;

		for (j = v6start; j <= v6end; j++)
			s[j]->s.jt = s[v6advance];
	} else {
		/* nop */
		s[i] = cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, 0);
		s[fix2]->s.jf = s[i];
		i++;
	}

	/* ahcheck: an AH header, else done. */
	s[i] = cc_new_stmt_k(cc, BPF_JMP | BPF_JEQ | BPF_K, PROTO_AH);
	if (fix3)
		s[fix3]->s.jf = s[i];
	fix4 = i++;

	/* A = next header; X += (length + 2) * 4. */
	s[i] = cc_new_stmt_k(cc, BPF_LD | BPF_IND | BPF_B, nl);
	s[i - 1]->s.jt = s[i];
	i++;
	s[i++] = cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)reg2);
	s[i - 1]->s.jt = s[i] = cc_new_stmt(cc, BPF_MISC | BPF_TXA);
	i++;
	s[i++] = cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, 1);
	s[i++] = cc_new_stmt(cc, BPF_MISC | BPF_TAX);
	s[i++] = cc_new_stmt_k(cc, BPF_LD | BPF_IND | BPF_B, nl);
	s[i++] = cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, 2);
	s[i++] = cc_new_stmt_k(cc, BPF_ALU | BPF_MUL | BPF_K, 4);
	s[i++] = cc_new_stmt(cc, BPF_MISC | BPF_TAX);
	s[i++] = cc_new_stmt_k(cc, BPF_LD | BPF_MEM, (bpf_u_int32)reg2);
	s[i] = cc_new_stmt_k(cc, BPF_JMP | BPF_JA, (bpf_u_int32)(again - i - 1));
	i++;

	/* end: nop */
	end = i;
	s[i] = cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, 0);
	s[fix2]->s.jt = s[end];
	s[fix4]->s.jf = s[end];
	s[fix5]->s.jt = s[end];
	i++;

	/* Chain them; the placeholder s[0] is left out. */
	max = i;
	for (i = 0; i < max - 1; i++)
		s[i]->next = s[i + 1];
	s[max - 1]->next = NULL;

	b = gen_jmp_k(cc, BPF_JEQ, v, s[1]);
	gen_free_reg(cc, reg2);
	gen_and(b0, b);
	return b;
}
