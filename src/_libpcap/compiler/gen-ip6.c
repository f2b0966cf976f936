/*
 * gen-ip6.c - IPv6: host and net tests (addresses compared 32 bits at a
 * time, words the mask ignores left out), the next-header byte test, and
 * TCP/UDP/SCTP ports and port ranges behind an IPv6 header without
 * extension headers.  The IPv4 side and what both share are in gen-ip.c.
 */
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <pcap/namedb.h>

#include "gen-int.h"

#define ETHERTYPE_IPV6_V	0x86dd

/* addr/mask at src_off or dst_off of the IPv6 header, by direction. */
static struct block *
gen_hostop6(struct cc *cc, const struct in6_addr *addr,
    const struct in6_addr *mask, int dir, u_int src_off, u_int dst_off)
{
	struct block *b0, *b1;
	bpf_u_int32 a[4], m[4];
	u_int offset;
	int i;

	switch (dir) {
	case Q_SRC:
		offset = src_off;
		break;
	case Q_DST:
		offset = dst_off;
		break;
	case Q_AND:
		b0 = gen_hostop6(cc, addr, mask, Q_SRC, src_off, dst_off);
		b1 = gen_hostop6(cc, addr, mask, Q_DST, src_off, dst_off);
		gen_and(b0, b1);
		return b1;
	case Q_DEFAULT:
	case Q_OR:
		b0 = gen_hostop6(cc, addr, mask, Q_SRC, src_off, dst_off);
		b1 = gen_hostop6(cc, addr, mask, Q_DST, src_off, dst_off);
		gen_or(b0, b1);
		return b1;
	default:
		cc_error(cc, "'%s' is valid for 802.11 syntax only",
		    gen_dir_kw(dir));
	}
	/* Copied out: in6_addr need not be 32-bit aligned. */
	memcpy(a, addr, sizeof(a));
	memcpy(m, mask, sizeof(m));
	b1 = NULL;
	/* Last word first, as master joins them. */
	for (i = 3; i >= 0; i--) {
		if (m[i] == 0 && a[i] == 0)
			continue;
		b0 = gen_mcmp(cc, OR_LINKPL, offset + 4 * (u_int)i, BPF_W,
		    ntohl(a[i]), ntohl(m[i]));
		if (b1 != NULL)
			gen_and(b0, b1);
		else
			b1 = b0;
	}
	return b1 != NULL ? b1 : gen_true(cc);
}

struct block *
gen_hosts6_ctx(struct cc *cc, u_int n, const struct in6_addr *addrs,
    const struct in6_addr *mask, int proto, int dir, const char *context)
{
	static const struct in6_addr zero;
	struct block *b0, *b1, *b;
	u_int i;

	switch (proto) {
	case Q_DEFAULT:
	case Q_IPV6:
		b0 = gen_linktype(cc, ETHERTYPE_IPV6_V);
		if (n == 1 && memcmp(mask, &zero, sizeof(zero)) == 0 &&
		    memcmp(&addrs[0], &zero, sizeof(zero)) == 0)
			return b0;
		/* as in gen-ip.c: a never-matching link type stays alone */
		if (gen_const_value(b0) == 0) {
			gen_check_host_dir(cc, dir);
			return b0;
		}
		b1 = gen_hostop6(cc, &addrs[0], mask, dir, 8, 24);
		for (i = 1; i < n; i++) {
			b = gen_hostop6(cc, &addrs[i], mask, dir, 8, 24);
			gen_or(b1, b);
			b1 = b;
		}
		gen_and(b0, b1);
		return b1;
	}
	cc_error(cc, "'%s' is not a valid qualifier for '%s'",
	    gen_proto_kw(proto), context);
}

struct block *
gen_host6_ctx(struct cc *cc, const struct in6_addr *addr,
    const struct in6_addr *mask, int proto, int dir, const char *context)
{
	return gen_hosts6_ctx(cc, 1, addr, mask, proto, dir, context);
}

struct block *
gen_host6(struct cc *cc, const struct in6_addr *addr, const struct in6_addr *mask,
    int proto, int dir, int type)
{
	return gen_host6_ctx(cc, addr, mask, proto, dir,
	    type == Q_NET ? "net <IPv6 prefix>" : "host <IPv6 address>");
}

struct block *
gen_ip6_proto(struct cc *cc, bpf_u_int32 proto)
{
	return gen_cmp(cc, OR_LINKPL, 6, BPF_B, proto);
}

/* Ports behind IPv6: the next header must be the transport protocol (no
   extension headers are walked). */
static struct block *
port6_common(struct cc *cc, int ipproto, struct block *b1)
{
	struct block *tmp;

	tmp = gen_port_protos(cc, ipproto, gen_ip6_proto);
	gen_and(tmp, b1);
	gen_and(gen_linktype(cc, ETHERTYPE_IPV6_V), b1);
	return b1;
}

struct block *
gen_port6(struct cc *cc, u_int port, int ipproto, int dir)
{
	return port6_common(cc, ipproto,
	    gen_port_dirs(cc, OR_TRAN_IPV6, port, port, dir, "port"));
}

struct block *
gen_portrange6(struct cc *cc, u_int port1, u_int port2, int ipproto, int dir)
{
	return port6_common(cc, ipproto,
	    gen_port_dirs(cc, OR_TRAN_IPV6, port1, port2, dir, "portrange"));
}
