/*
 * gen-addr.c - what a primitive's ID means once its qualifiers are known.
 * The parser hands over the ID as it was written (a name, a number, dotted
 * IPv4 text, an IPv4 or IPv6 prefix, an ARCnet "$xx") with the qualifiers;
 * this file checks that the combination is one libpcap master accepts
 * (with master's messages, checked in master's order), turns names into
 * addresses, ports and protocol numbers through the public namedb
 * functions, and dispatches to the family that builds the test.  (That
 * port/portrange/proto/protochain take no address is checked by the
 * parser, which knows how the address was written.)  The bare
 * protocol keywords ("tcp", "ip6", "l1", ...) and [proto] broadcast /
 * multicast are dispatched here too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <pcap/namedb.h>

#include "gen-int.h"

#define ETHERTYPE_IP_V		0x0800
#define ETHERTYPE_ARP_V		0x0806
#define ETHERTYPE_REVARP_V	0x8035
#define ETHERTYPE_IPV6_V	0x86dd
#define ETHERTYPE_ATALK_V	0x809b
#define ETHERTYPE_AARP_V	0x80f3
#define ETHERTYPE_DN_V		0x6003
#define ETHERTYPE_SCA_V		0x6007
#define ETHERTYPE_LAT_V		0x6004
#define ETHERTYPE_MOPDL_V	0x6001
#define ETHERTYPE_MOPRC_V	0x6002

#define LLCSAP_ISONS_V		0xfe
#define LLCSAP_8021D_V		0x42
#define LLCSAP_IPX_V		0xe0
#define LLCSAP_NETBEUI_V	0xf0

/* ISO network layer protocol IDs ("iso proto esis", ...). */
#define ISO8473_CLNP_V		0x81
#define ISO9542_ESIS_V		0x82
#define ISO10589_ISIS_V		0x83

/* IP protocol numbers (Linux values: igrp is 9 here, 88 on the BSDs). */
#define PROTO_ICMP		1
#define PROTO_IGMP		2
#define PROTO_TCP		6
#define PROTO_IGRP		9
#define PROTO_UDP		17
#define PROTO_ESP		50
#define PROTO_AH		51
#define PROTO_ICMPV6		58
#define PROTO_PIM		103
#define PROTO_VRRP		112
#define PROTO_CARP		112
#define PROTO_SCTP		132

#define ERR_INVALID_QUAL	"'%s' is not a valid qualifier for '%s'"

/* ---- keyword texts ---------------------------------------------------------- */

static const char *const proto_kw[] = {
	[Q_LINK] = "link", [Q_IP] = "ip", [Q_ARP] = "arp", [Q_RARP] = "rarp",
	[Q_SCTP] = "sctp", [Q_TCP] = "tcp", [Q_UDP] = "udp", [Q_ICMP] = "icmp",
	[Q_IGMP] = "igmp", [Q_IGRP] = "igrp", [Q_ATALK] = "atalk",
	[Q_DECNET] = "decnet", [Q_LAT] = "lat", [Q_SCA] = "sca",
	[Q_MOPRC] = "moprc", [Q_MOPDL] = "mopdl", [Q_IPV6] = "ip6",
	[Q_ICMPV6] = "icmp6", [Q_AH] = "ah", [Q_ESP] = "esp", [Q_PIM] = "pim",
	[Q_VRRP] = "vrrp", [Q_AARP] = "aarp", [Q_ISO] = "iso", [Q_ESIS] = "esis",
	[Q_ISIS] = "isis", [Q_CLNP] = "clnp", [Q_STP] = "stp", [Q_IPX] = "ipx",
	[Q_NETBEUI] = "netbeui", [Q_ISIS_L1] = "l1", [Q_ISIS_L2] = "l2",
	[Q_ISIS_IIH] = "iih", [Q_ISIS_SNP] = "snp", [Q_ISIS_CSNP] = "csnp",
	[Q_ISIS_PSNP] = "psnp", [Q_ISIS_LSP] = "lsp", [Q_RADIO] = "radio",
	[Q_CARP] = "carp",
};

static const char *const dir_kw[] = {
	[Q_SRC] = "src", [Q_DST] = "dst", [Q_OR] = "src or dst",
	[Q_AND] = "src and dst", [Q_ADDR1] = "addr1", [Q_ADDR2] = "addr2",
	[Q_ADDR3] = "addr3", [Q_ADDR4] = "addr4", [Q_RA] = "ra", [Q_TA] = "ta",
};

static const char *const type_kw[] = {
	[Q_HOST] = "host", [Q_NET] = "net", [Q_PORT] = "port",
	[Q_GATEWAY] = "gateway", [Q_PROTO] = "proto",
	[Q_PROTOCHAIN] = "protochain", [Q_PORTRANGE] = "portrange",
};

#define KW(table, id, what)						\
	((unsigned)(id) < sizeof(table) / sizeof(table[0]) && table[id]	\
	    ? table[id] : "<invalid " what ">")

const char *
gen_proto_kw(int q_proto)
{
	return KW(proto_kw, q_proto, "proto");
}

const char *
gen_dir_kw(int q_dir)
{
	return KW(dir_kw, q_dir, "dir");
}

const char *
gen_type_kw(int q_addr)
{
	return KW(type_kw, q_addr, "type");
}

void
gen_fail_kw_on_dlt(struct cc *cc, const char *kw)
{
	cc_error(cc, "'%s' not supported on %s", kw,
	    gen_dlt_name(cc, GS(cc)->linktype));
}

static void
assert_maxval(struct cc *cc, const char *name, bpf_u_int32 v, bpf_u_int32 max)
{
	if (v > max)
		cc_error(cc, "%s %u greater than maximum %u", name, v, max);
}

/* The type keyword for messages, "host" standing for an omitted one. */
static const char *
type_or_host(int q_addr)
{
	return gen_type_kw(q_addr == Q_DEFAULT ? Q_HOST : q_addr);
}

/* ---- address text ----------------------------------------------------------- */

/*
 * Dotted decimal IPv4 text with 1 to 4 parts ("10", "10.1", "10.1.2",
 * "10.1.2.3"), each 0-255: the value in *addr (parts right-aligned) and
 * the number of bits given (8 per part), or -1.
 */
static int
ipv4_text(const char *s, bpf_u_int32 *addr)
{
	bpf_u_int32 v = 0;
	int bits = 0;

	for (;;) {
		u_int n = 0;
		int digits = 0;

		while (*s >= '0' && *s <= '9') {
			n = n * 10 + (u_int)(*s++ - '0');
			if (n > 255)
				return -1;
			digits++;
		}
		if (digits == 0 || bits == 32)
			return -1;
		v = (v << 8) | n;
		bits += 8;
		if (*s == '\0')
			break;
		if (*s++ != '.')
			return -1;
	}
	*addr = v;
	return bits;
}

/* DECnet "area.node" (area 0-63, node 0-1023) packed as area << 10 | node;
   0 if s is not one. */
static int
decnet_text(const char *s, bpf_u_int32 *addr)
{
	u_int part[2] = { 0, 0 };
	int i;

	for (i = 0; i < 2; i++) {
		int digits = 0;

		while (*s >= '0' && *s <= '9') {
			part[i] = part[i] * 10 + (u_int)(*s++ - '0');
			if (part[i] > 1023)
				return 0;
			digits++;
		}
		if (digits == 0 || *s != (i == 0 ? '.' : '\0'))
			return 0;
		s++;
	}
	if (part[0] > 63)
		return 0;
	*addr = part[0] << 10 | part[1];
	return 1;
}

/* ---- names ------------------------------------------------------------------ */

/* pcap_nametoaddrinfo()'s answer, freed when the compile ends if an error
   leaves before it was freed. */
struct ai_holder {
	struct addrinfo *ai;
};

static void
ai_release(void *arg)
{
	struct ai_holder *h = arg;

	if (h->ai != NULL) {
		freeaddrinfo(h->ai);
		h->ai = NULL;
	}
}

static int
cmp_v4(const void *a, const void *b)
{
	bpf_u_int32 x = *(const bpf_u_int32 *)a, y = *(const bpf_u_int32 *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_v6(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct in6_addr));
}

/* Sort n elements of size sz and drop repeats; the new count. */
static u_int
sort_unique(void *base, u_int n, size_t sz, int (*cmp)(const void *, const void *))
{
	char *p = base;
	u_int i, k;

	if (n == 0)
		return 0;
	qsort(base, n, sz, cmp);
	for (i = 1, k = 1; i < n; i++) {
		if (cmp(p + (k - 1) * sz, p + i * sz) != 0) {
			if (k != i)
				memcpy(p + k * sz, p + i * sz, sz);
			k++;
		}
	}
	return k;
}

struct block *
gen_host46_byname(struct cc *cc, const char *name, int proto4, int proto6,
    int dir, const char *context)
{
	struct ai_holder *h;
	struct addrinfo *ai;
	struct in6_addr mask128, *a6;
	bpf_u_int32 *a4;
	u_int n4 = 0, n6 = 0, total = 0;
	struct block *ret = NULL, *b;

	h = cc_alloc(cc, sizeof(*h));
	h->ai = pcap_nametoaddrinfo(name);
	if (h->ai == NULL)
		cc_error(cc, "unknown host '%s'", name);
	cc_on_cleanup(cc, ai_release, h);

	for (ai = h->ai; ai != NULL; ai = ai->ai_next)
		total++;
	a4 = cc_alloc(cc, total * sizeof(*a4) + 1);
	a6 = cc_alloc(cc, total * sizeof(*a6) + 1);
	for (ai = h->ai; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET) {
			const struct sockaddr_in *sin =
			    (const struct sockaddr_in *)(const void *)ai->ai_addr;

			a4[n4++] = ntohl(sin->sin_addr.s_addr);
		} else if (ai->ai_family == AF_INET6) {
			const struct sockaddr_in6 *sin6 =
			    (const struct sockaddr_in6 *)(const void *)ai->ai_addr;

			a6[n6++] = sin6->sin6_addr;
		}
	}
	ai_release(h);

	/* The resolver's order depends on its configuration; the program
	   must not: addresses go in ascending order, IPv4 first. */
	n4 = sort_unique(a4, n4, sizeof(*a4), cmp_v4);
	n6 = sort_unique(a6, n6, sizeof(*a6), cmp_v6);
	memset(&mask128, 0xff, sizeof(mask128));

	/* "ip6 host NAME" ignores IPv4 addresses, "ip/arp/rarp host NAME"
	   IPv6 ones. */
	if (proto4 != Q_IPV6 && n4 > 0)
		ret = gen_hosts_ctx(cc, n4, a4, 0xffffffff, proto4, dir, context);
	if (proto6 != Q_ARP && proto6 != Q_IP && proto6 != Q_RARP && n6 > 0) {
		b = gen_hosts6_ctx(cc, n6, a6, &mask128, proto6, dir, context);
		if (ret != NULL)
			gen_or(ret, b);
		ret = b;
	}
	if (ret == NULL)
		cc_error(cc, "unknown host '%s'%s", name,
		    proto4 == Q_DEFAULT ? "" : " for specified address family");
	return ret;
}

/* The link types whose hosts have MAC-48 addresses. */
static int
is_mac48_linktype(int linktype)
{
	switch (linktype) {
	case DLT_EN10MB:
	case DLT_FDDI:
	case DLT_IEEE802:
	case DLT_IEEE802_11:
	case DLT_IEEE802_11_RADIO:
	case DLT_IEEE802_11_RADIO_AVS:
	case DLT_IP_OVER_FC:
	case DLT_NETANALYZER:
	case DLT_NETANALYZER_TRANSPARENT:
	case DLT_PPI:
	case DLT_PRISM_HEADER:
#ifdef DLT_DSA_TAG_BRCM
	case DLT_DSA_TAG_BRCM:
#endif
#ifdef DLT_DSA_TAG_DSA
	case DLT_DSA_TAG_DSA:
#endif
		return 1;
	}
	return 0;
}

/* "link host NAME": the name's MAC-48 address from ethers(5). */
static struct block *
mac48_host_byname(struct cc *cc, const char *name, int dir, const char *context)
{
	u_char mac[6], *p;

	if (!is_mac48_linktype(GS(cc)->linktype))
		gen_fail_kw_on_dlt(cc, context);
	p = pcap_ether_hostton(name);
	if (p == NULL)
		cc_error(cc, "unknown Ethernet-like host '%s'", name);
	memcpy(mac, p, sizeof(mac));
	free(p);
	return gen_mac48_host(cc, mac, dir, context);
}

/* A protocol name for "[proto] proto NAME" / "protochain NAME". */
static bpf_u_int32
lookup_proto(struct cc *cc, const char *name, struct qual q)
{
	int v = PROTO_UNDEF;

	switch (q.proto) {
	case Q_DEFAULT:
	case Q_IP:
	case Q_IPV6:
		v = pcap_nametoproto(name);
		break;
	case Q_LINK:
		v = pcap_nametoeproto(name);
		if (v == PROTO_UNDEF)
			v = pcap_nametollc(name);
		break;
	case Q_ISO:
		if (strcmp(name, "esis") == 0)
			v = ISO9542_ESIS_V;
		else if (strcmp(name, "isis") == 0)
			v = ISO10589_ISIS_V;
		else if (strcmp(name, "clnp") == 0)
			v = ISO8473_CLNP_V;
		break;
	}
	if (v >= 0)
		return (bpf_u_int32)v;
	if (q.proto == Q_DEFAULT)
		cc_error(cc, "unknown '%s' value '%s'", gen_type_kw(q.addr), name);
	cc_error(cc, "unknown '%s %s' value '%s'", gen_proto_kw(q.proto),
	    gen_type_kw(q.addr), name);
}

/* The IP protocol a port primitive's proto qualifier stands for. */
static int
port_ipproto(struct cc *cc, int q_proto, const char *kw)
{
	switch (q_proto) {
	case Q_UDP:
		return PROTO_UDP;
	case Q_TCP:
		return PROTO_TCP;
	case Q_SCTP:
		return PROTO_SCTP;
	case Q_DEFAULT:
		return PROTO_UNDEF;
	}
	cc_error(cc, ERR_INVALID_QUAL, gen_proto_kw(q_proto), kw);
}

/*
 * A number written as in C (decimal, 0-prefixed octal, 0x hex) in s[0..n):
 * 1 with the value, 0 if s is not a number of its apparent base (then it
 * may be a service name), cc_error for a bad octal digit or an overflow.
 */
static int
number_text(struct cc *cc, const char *s, size_t n, bpf_u_int32 *vp)
{
	uint64_t v = 0;
	size_t i = 0;
	const char *base;
	u_int radix = 10;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		radix = 16;
		base = "hexadecimal";
		i = 2;
		if (n == 2)
			return 0;
	} else if (n >= 1 && s[0] == '0') {
		radix = 8;
		base = "octal";
		i = 1;
	} else {
		base = "decimal";
	}
	if (n == 0)
		return 0;
	for (; i < n; i++) {
		u_int d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (u_int)(c - '0');
		else if (radix == 16 && c >= 'a' && c <= 'f')
			d = (u_int)(c - 'a' + 10);
		else if (radix == 16 && c >= 'A' && c <= 'F')
			d = (u_int)(c - 'A' + 10);
		else
			return 0;
		if (radix == 8 && d > 7)
			cc_error(cc, "number %.*s contains non-octal digit",
			    (int)n, s);
		v = v * radix + d;
		if (v > UINT32_MAX)
			cc_error(cc, "%s number %.*s overflows 32 bits", base,
			    (int)n, s);
	}
	*vp = (bpf_u_int32)v;
	return 1;
}

/* One end of a port range: a number, or a TCP/UDP service name (whose
   protocol goes to *proto). */
static bpf_u_int32
range_end(struct cc *cc, const char *s, size_t n, int *proto)
{
	bpf_u_int32 v;
	char *name;
	int port, real;

	if (number_text(cc, s, n, &v)) {
		*proto = PROTO_UNDEF;
		return v;
	}
	name = cc_strndup(cc, s, n);
	if (!pcap_nametoport(name, &port, &real))
		cc_error(cc, "'%s' is not a valid port", name);
	*proto = real;
	return (bpf_u_int32)port;
}

/* "PPP-PPP" as the two ends and the protocol both ends agree on. */
static void
port_range_text(struct cc *cc, const char *s, bpf_u_int32 *p1, bpf_u_int32 *p2,
    int *proto)
{
	const char *hyphen = strchr(s, '-');
	int proto2;

	if (hyphen == NULL)
		cc_error(cc, "port range '%s' contains no hyphen", s);
	if (strchr(hyphen + 1, '-') != NULL)
		cc_error(cc, "port range '%s' contains more than one hyphen", s);
	if (hyphen == s)
		cc_error(cc, "port range '%s' has no starting port", s);
	*p1 = range_end(cc, s, (size_t)(hyphen - s), proto);
	if (hyphen[1] == '\0')
		cc_error(cc, "port range '%s' has no ending port", s);
	*p2 = range_end(cc, hyphen + 1, strlen(hyphen + 1), &proto2);
	if (proto2 != *proto)
		*proto = PROTO_UNDEF;
}

/* A service's protocol against the port primitive's proto qualifier. */
static int
check_port_proto(struct cc *cc, int q_proto, int real, const char *what,
    const char *name)
{
	static const struct {
		int q, own;
	} map[] = {
		{ Q_UDP, PROTO_UDP }, { Q_TCP, PROTO_TCP }, { Q_SCTP, PROTO_SCTP },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].q != q_proto)
			continue;
		if (real == PROTO_TCP && map[i].own != PROTO_TCP)
			cc_error(cc, "%s '%s' is tcp", what, name);
		if (real == PROTO_UDP && map[i].own != PROTO_UDP)
			cc_error(cc, "%s '%s' is udp", what, name);
		if (real == PROTO_SCTP && map[i].own != PROTO_SCTP)
			cc_error(cc, "%s '%s' is sctp", what, name);
		return map[i].own;
	}
	return real;
}

static struct block *
port_or_port6(struct cc *cc, u_int p1, u_int p2, int ipproto, int dir, int range)
{
	struct block *b, *b6;

	if (range) {
		b = gen_portrange(cc, p1, p2, ipproto, dir);
		b6 = gen_portrange6(cc, p1, p2, ipproto, dir);
	} else {
		b = gen_port(cc, p1, ipproto, dir);
		b6 = gen_port6(cc, p1, ipproto, dir);
	}
	gen_or(b6, b);
	return b;
}

/* ---- the ID kinds ------------------------------------------------------------ */

struct block *
gen_scode(struct cc *cc, const char *name, struct qual q)
{
	bpf_u_int32 addr, mask, p1, p2;
	int port, real, tproto, tproto6;

	/* DECnet names have not been resolved for a long time. */
	if (q.proto == Q_DECNET)
		cc_error(cc, ERR_INVALID_QUAL, "decnet", type_or_host(q.addr));

	switch (q.addr) {
	case Q_NET:
		addr = pcap_nametonetaddr(name);
		if (addr == 0)
			cc_error(cc, "unknown network '%s'", name);
		/* Left-justify the network number, masking what it covers. */
		mask = 0xffffffff;
		while (addr != 0 && (addr & 0xff000000) == 0) {
			addr <<= 8;
			mask <<= 8;
		}
		return gen_host_ctx(cc, addr, mask, q.proto, q.dir,
		    "net <IPv4 network name>");

	case Q_DEFAULT:
	case Q_HOST:
		if (q.proto == Q_LINK)
			return mac48_host_byname(cc, name, q.dir, "link host NAME");
		tproto = tproto6 = q.proto;
		/* Without a link-layer type field, "host NAME" is IPv4 or
		   IPv6 only. */
		if (GS(cc)->off_linktype.constant_part == OFFSET_NOT_SET &&
		    tproto == Q_DEFAULT) {
			tproto = Q_IP;
			tproto6 = Q_IPV6;
		}
		return gen_host46_byname(cc, name, tproto, tproto6, q.dir,
		    "host <Internet hostname>");

	case Q_PORT:
		(void)port_ipproto(cc, q.proto, "port");
		if (!pcap_nametoport(name, &port, &real))
			cc_error(cc, "unknown port '%s'", name);
		real = check_port_proto(cc, q.proto, real, "port", name);
		return port_or_port6(cc, (u_int)port, (u_int)port, real, q.dir, 0);

	case Q_PORTRANGE:
		(void)port_ipproto(cc, q.proto, "portrange");
		port_range_text(cc, name, &p1, &p2, &real);
		real = check_port_proto(cc, q.proto, real, "port in range", name);
		assert_maxval(cc, "port number", p1, 65535);
		assert_maxval(cc, "port number", p2, 65535);
		return port_or_port6(cc, p1, p2, real, q.dir, 1);

	case Q_GATEWAY:
		return gen_gateway(cc, name, q);

	case Q_PROTO:
		return gen_proto(cc, lookup_proto(cc, name, q), q.proto);

	case Q_PROTOCHAIN:
		return gen_protochain(cc, lookup_proto(cc, name, q), q.proto);
	}
	cc_error(cc, "syntax error in filter expression");
}

struct block *
gen_ncode(struct cc *cc, const char *s, bpf_u_int32 v, struct qual q)
{
	bpf_u_int32 mask;
	int vlen, ipproto;

	if (q.proto == Q_DECNET) {
		/* Only "decnet host AREA.NODE" exists. */
		if (q.addr != Q_DEFAULT && q.addr != Q_HOST)
			cc_error(cc, ERR_INVALID_QUAL, "decnet",
			    gen_type_kw(q.addr));
		if (s == NULL)
			cc_error(cc, "invalid DECnet address '%u'", v);
		if (!decnet_text(s, &v))
			cc_error(cc, "invalid DECnet address '%s'", s);
		return gen_host_ctx(cc, v, 0, Q_DECNET, q.dir, "host");
	}

	if (s == NULL) {
		vlen = 32;
	} else {
		vlen = ipv4_text(s, &v);
		if (vlen < 0)
			cc_error(cc, "invalid IPv4 address '%s'", s);
	}

	switch (q.addr) {
	case Q_DEFAULT:
	case Q_HOST:
	case Q_NET:
		if (q.proto == Q_LINK) {
			if (s != NULL)
				cc_error(cc, "illegal link-layer address '%s'", s);
			cc_error(cc, "illegal link-layer address '%u'", v);
		}
		mask = 0xffffffff;
		if (s == NULL && q.addr == Q_NET) {
			/* A bare network number covers what it spells. */
			while (v != 0 && (v & 0xff000000) == 0) {
				v <<= 8;
				mask <<= 8;
			}
		} else if (vlen < 32) {
			/* A short address: the parts given are the top. */
			v <<= 32 - vlen;
			mask <<= 32 - vlen;
		}
		return gen_host_ctx(cc, v, mask, q.proto, q.dir,
		    q.addr == Q_NET ? "net <IPv4 address>" : "host <IPv4 address>");

	case Q_PORT:
	case Q_PORTRANGE:
		ipproto = port_ipproto(cc, q.proto, gen_type_kw(q.addr));
		assert_maxval(cc, "port number", v, 65535);
		return port_or_port6(cc, v, v, ipproto, q.dir, q.addr == Q_PORTRANGE);

	case Q_GATEWAY:
		if (s != NULL)
			cc_error(cc, ERR_INVALID_QUAL, "gateway", s);
		cc_error(cc, "'gateway' is not a valid qualifier for '%u'", v);

	case Q_PROTO:
		return gen_proto(cc, v, q.proto);

	case Q_PROTOCHAIN:
		return gen_protochain(cc, v, q.proto);
	}
	cc_error(cc, "syntax error in filter expression");
}

struct block *
gen_mcode(struct cc *cc, const char *s1, const char *s2, bpf_u_int32 masklen,
    struct qual q)
{
	bpf_u_int32 n, m;
	int nlen, mlen;
	char idbuf[128];

	if (q.proto == Q_DECNET)
		cc_error(cc, ERR_INVALID_QUAL, "decnet", type_or_host(q.addr));

	nlen = ipv4_text(s1, &n);
	if (nlen < 0)
		cc_error(cc, "invalid IPv4 address '%s'", s1);
	if (nlen < 32)
		n <<= 32 - nlen;

	if (s2 != NULL) {
		mlen = ipv4_text(s2, &m);
		if (mlen < 0)
			cc_error(cc, "invalid IPv4 address '%s'", s2);
		if (mlen < 32)
			m <<= 32 - mlen;
		if ((n & ~m) != 0)
			cc_error(cc, "non-network bits set in \"%s mask %s\"",
			    s1, s2);
		snprintf(idbuf, sizeof(idbuf), "%s mask %s", s1, s2);
	} else {
		assert_maxval(cc, "netmask length", masklen, 32);
		m = masklen == 0 ? 0 : 0xffffffffU << (32 - masklen);
		if ((n & ~m) != 0)
			cc_error(cc, "non-network bits set in \"%s/%u\"",
			    s1, masklen);
		snprintf(idbuf, sizeof(idbuf), "%s/%u", s1, masklen);
	}

	if (q.addr == Q_NET)
		return gen_host_ctx(cc, n, m, q.proto, q.dir, "net <IPv4 prefix>");
	/* host and gateway take no mask */
	cc_error(cc, ERR_INVALID_QUAL, type_or_host(q.addr), idbuf);
}

struct block *
gen_mcode6(struct cc *cc, const char *s, bpf_u_int32 masklen, struct qual q)
{
	struct in6_addr addr, mask;
	bpf_u_int32 a[4], m[4];
	char idbuf[INET6_ADDRSTRLEN + 64];

	if (inet_pton(AF_INET6, s, &addr) != 1)
		cc_error(cc, "'%s' is not a valid IPv6 address", s);
	if (masklen > 128)
		cc_error(cc, "mask length must be <= 128");
	memset(&mask, 0, sizeof(mask));
	memset(mask.s6_addr, 0xff, masklen / 8);
	if (masklen % 8)
		mask.s6_addr[masklen / 8] = (u_char)(0xff << (8 - masklen % 8));
	memcpy(a, &addr, sizeof(a));
	memcpy(m, &mask, sizeof(m));
	if ((a[0] & ~m[0]) || (a[1] & ~m[1]) || (a[2] & ~m[2]) || (a[3] & ~m[3]))
		cc_error(cc, "non-network bits set in \"%s/%u\"", s, masklen);

	if (masklen == 128)
		snprintf(idbuf, sizeof(idbuf), "%s", s);
	else
		snprintf(idbuf, sizeof(idbuf), "%s/%u", s, masklen);

	switch (q.addr) {
	case Q_DEFAULT:
	case Q_HOST:
		if (masklen != 128)
			cc_error(cc, ERR_INVALID_QUAL, "host", idbuf);
		return gen_host6_ctx(cc, &addr, &mask, q.proto, q.dir,
		    "host <IPv6 address>");
	case Q_NET:
		return gen_host6_ctx(cc, &addr, &mask, q.proto, q.dir,
		    "net <IPv6 prefix>");
	}
	cc_error(cc, ERR_INVALID_QUAL, gen_type_kw(q.addr), idbuf);
}

struct block *
gen_acode(struct cc *cc, const char *s, struct qual q)
{
	u_int v = 0;
	const char *p;

	if (q.addr != Q_HOST && q.addr != Q_DEFAULT)
		cc_error(cc, ERR_INVALID_QUAL, gen_type_kw(q.addr), "$XX");
	if (q.proto != Q_LINK)
		cc_error(cc, "'link' is the only valid proto qualifier for 'host $XX'");
	/* "$" and one or two hex digits (the lexer only passes those). */
	p = s[0] == '$' ? s + 1 : s;
	if (*p == '\0' || strlen(p) > 2)
		cc_error(cc, "invalid MAC-8 address '%s'", s);
	for (; *p != '\0'; p++) {
		char c = *p;

		if (c >= '0' && c <= '9')
			v = v * 16 + (u_int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (u_int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (u_int)(c - 'A' + 10);
		else
			cc_error(cc, "invalid MAC-8 address '%s'", s);
	}
	return gen_arcnet_host(cc, (u_char)v, q.dir);
}

/* ---- bare keywords ------------------------------------------------------------ */

struct block *
gen_proto_abbrev(struct cc *cc, int proto)
{
	switch (proto) {
	case Q_SCTP:
		return gen_proto(cc, PROTO_SCTP, Q_DEFAULT);
	case Q_TCP:
		return gen_proto(cc, PROTO_TCP, Q_DEFAULT);
	case Q_UDP:
		return gen_proto(cc, PROTO_UDP, Q_DEFAULT);
	case Q_ICMP:
		return gen_proto(cc, PROTO_ICMP, Q_IP);
	case Q_IGMP:
		return gen_proto(cc, PROTO_IGMP, Q_IP);
	case Q_IGRP:
		return gen_proto(cc, PROTO_IGRP, Q_IP);
	case Q_PIM:
		return gen_proto(cc, PROTO_PIM, Q_DEFAULT);
	case Q_VRRP:
		return gen_proto(cc, PROTO_VRRP, Q_IP);
	case Q_CARP:
		return gen_proto(cc, PROTO_CARP, Q_IP);
	case Q_IP:
		return gen_linktype(cc, ETHERTYPE_IP_V);
	case Q_ARP:
		return gen_linktype(cc, ETHERTYPE_ARP_V);
	case Q_RARP:
		return gen_linktype(cc, ETHERTYPE_REVARP_V);
	case Q_ATALK:
		return gen_linktype(cc, ETHERTYPE_ATALK_V);
	case Q_AARP:
		return gen_linktype(cc, ETHERTYPE_AARP_V);
	case Q_DECNET:
		return gen_linktype(cc, ETHERTYPE_DN_V);
	case Q_SCA:
		return gen_linktype(cc, ETHERTYPE_SCA_V);
	case Q_LAT:
		return gen_linktype(cc, ETHERTYPE_LAT_V);
	case Q_MOPDL:
		return gen_linktype(cc, ETHERTYPE_MOPDL_V);
	case Q_MOPRC:
		return gen_linktype(cc, ETHERTYPE_MOPRC_V);
	case Q_IPV6:
		return gen_linktype(cc, ETHERTYPE_IPV6_V);
	case Q_ICMPV6:
		return gen_proto(cc, PROTO_ICMPV6, Q_IPV6);
	case Q_AH:
		return gen_proto(cc, PROTO_AH, Q_DEFAULT);
	case Q_ESP:
		return gen_proto(cc, PROTO_ESP, Q_DEFAULT);
	case Q_ISO:
		return gen_linktype(cc, LLCSAP_ISONS_V);
	case Q_ESIS:
	case Q_ISIS:
	case Q_CLNP:
	case Q_ISIS_L1:
	case Q_ISIS_L2:
	case Q_ISIS_IIH:
	case Q_ISIS_SNP:
	case Q_ISIS_CSNP:
	case Q_ISIS_PSNP:
	case Q_ISIS_LSP:
		return gen_osi_abbrev(cc, proto);
	case Q_STP:
		return gen_linktype(cc, LLCSAP_8021D_V);
	case Q_IPX:
		return gen_linktype(cc, LLCSAP_IPX_V);
	case Q_NETBEUI:
		return gen_linktype(cc, LLCSAP_NETBEUI_V);
	}
	cc_error(cc, "'%s' cannot be used as an abbreviation", gen_proto_kw(proto));
}

struct block *
gen_broadcast(struct cc *cc, int proto)
{
	struct block *b0, *b1, *b2;
	bpf_u_int32 hostmask;

	switch (proto) {
	case Q_DEFAULT:
	case Q_LINK:
		return gen_link_broadcast(cc);
	case Q_IP:
		/* PCAP_NETMASK_UNKNOWN: no netmask was given */
		if (cc->opts.netmask == PCAP_NETMASK_UNKNOWN)
			cc_error(cc, "netmask not known, so 'ip broadcast' not supported");
		b0 = gen_linktype(cc, ETHERTYPE_IP_V);
		hostmask = ~cc->opts.netmask;
		b1 = gen_mcmp(cc, OR_LINKPL, 16, BPF_W, 0, hostmask);
		b2 = gen_mcmp(cc, OR_LINKPL, 16, BPF_W, hostmask, hostmask);
		gen_or(b1, b2);
		gen_and(b0, b2);
		return b2;
	}
	cc_error(cc, ERR_INVALID_QUAL, gen_proto_kw(proto), "broadcast");
}

struct block *
gen_multicast(struct cc *cc, int proto)
{
	struct block *b0, *b1;

	switch (proto) {
	case Q_DEFAULT:
	case Q_LINK:
		return gen_link_multicast(cc);
	case Q_IP:
		/* 224.0.0.0/4 */
		b0 = gen_linktype(cc, ETHERTYPE_IP_V);
		b1 = gen_mcmp(cc, OR_LINKPL, 16, BPF_B, 0xe0, 0xf0);
		gen_and(b0, b1);
		return b1;
	case Q_IPV6:
		b0 = gen_linktype(cc, ETHERTYPE_IPV6_V);
		b1 = gen_cmp(cc, OR_LINKPL, 24, BPF_B, 255);
		gen_and(b0, b1);
		return b1;
	}
	cc_error(cc, ERR_INVALID_QUAL, gen_proto_kw(proto), "multicast");
}
