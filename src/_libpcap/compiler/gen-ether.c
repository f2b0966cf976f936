/*
 * gen-ether.c - MAC-48 addresses on the link types that carry them:
 * "ether/link [dir] host MAC" (and the names ethers(5) maps to MACs), the
 * link-layer "broadcast" and "multicast", and "gateway NAME" (a host whose
 * MAC is the frame's source or destination while its IPv4 address is
 * neither: a packet relayed by it).
 *
 * Where the addresses sit depends on the link type: Ethernet (and the
 * headers that embed one: netANALYZER, DSA tags), FDDI, Token Ring,
 * IP over Fibre Channel, 802.11 (through gen-wlan.c); ARCnet-like types
 * have one-byte addresses (gen-arcnet.c).  Inside an encapsulation the
 * inner Ethernet header may need a check first (a LANE data frame, or a
 * Geneve payload that really starts with a MAC header).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>

#include "gen-int.h"
#include "namedb-int.h"

/* Source and destination MAC offsets in the link header, or 0 if the
   link type has no MAC-48 addresses of this kind. */
static int
mac48_offsets(struct cc *cc, u_int *src, u_int *dst)
{
	u_int pad = GS(cc)->pcap_fddipad;

	switch (GS(cc)->linktype) {
	case DLT_EN10MB:
	case DLT_NETANALYZER:
	case DLT_NETANALYZER_TRANSPARENT:
	case DLT_DSA_TAG_BRCM:
	case DLT_DSA_TAG_DSA:
		*src = 6;
		*dst = 0;
		return 1;
	case DLT_FDDI:
		*src = 6 + 1 + pad;
		*dst = 1 + pad;
		return 1;
	case DLT_IEEE802:
		*src = 8;
		*dst = 2;
		return 1;
	case DLT_IP_OVER_FC:
		*src = 10;
		*dst = 2;
		return 1;
	default:
		return 0;
	}
}

static int
is_wlan(int dlt)
{
	return dlt == DLT_IEEE802_11 || dlt == DLT_PRISM_HEADER ||
	    dlt == DLT_IEEE802_11_RADIO_AVS || dlt == DLT_IEEE802_11_RADIO ||
	    dlt == DLT_PPI;
}

/* The current link type has MAC-48 addresses (802.11 included). */
static int
has_mac48(struct cc *cc)
{
	u_int src, dst;

	return is_wlan(GS(cc)->linktype) || mac48_offsets(cc, &src, &dst);
}

static int
is_ethernet_like(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_NETANALYZER ||
	    dlt == DLT_NETANALYZER_TRANSPARENT || dlt == DLT_DSA_TAG_BRCM ||
	    dlt == DLT_DSA_TAG_DSA;
}

/* Geneve: the inner "link header" is a real MAC header only when the
   header and payload offsets differ (protocol TEB). */
static struct block *
geneve_has_mac_header(struct cc *cc)
{
	struct gen_state *gs = GS(cc);
	struct slist *s = cc_new_stmt(cc, BPF_LD | BPF_MEM);
	struct slist *x = cc_new_stmt(cc, BPF_LDX | BPF_MEM);
	struct block *b = cc_new_block(cc, BPF_JMP | BPF_JEQ | BPF_X);

	s->s.k = (bpf_u_int32)gs->off_linkhdr.reg;
	x->s.k = (bpf_u_int32)gs->off_linkpl.reg;
	cc_sappend(s, x);
	b->stmts = s;
	gen_not(b);
	return b;
}

/* What must hold before the current Ethernet header can be looked at. */
static struct block *
ether_prefix_check(struct cc *cc)
{
	struct gen_state *gs = GS(cc);
	struct block *b;

	if (gs->is_encap)
		return gs->is_vxlan ? NULL : geneve_has_mac_header(cc);
	if (gs->prevlinktype == DLT_SUNATM) {
		/* LANE: not an LE control frame. */
		b = gen_cmp(cc, OR_PREVLINKHDR, 4, BPF_H, 0xff00);
		gen_not(b);
		return b;
	}
	return NULL;
}

/* Address test at src/dst offsets for one direction qualifier. */
static struct block *
mac48_dir(struct cc *cc, const u_char *mac, int dir, u_int src, u_int dst)
{
	struct block *b0, *b1;

	switch (dir) {
	case Q_SRC:
		return gen_bcmp(cc, OR_LINKHDR, src, 6, mac);
	case Q_DST:
		return gen_bcmp(cc, OR_LINKHDR, dst, 6, mac);
	case Q_AND:
		b0 = gen_bcmp(cc, OR_LINKHDR, src, 6, mac);
		b1 = gen_bcmp(cc, OR_LINKHDR, dst, 6, mac);
		gen_and(b0, b1);
		return b1;
	case Q_DEFAULT:
	case Q_OR:
		b0 = gen_bcmp(cc, OR_LINKHDR, src, 6, mac);
		b1 = gen_bcmp(cc, OR_LINKHDR, dst, 6, mac);
		gen_or(b0, b1);
		return b1;
	default:
		gen_wlan_only_dir_check(cc, dir);
		cc_error(cc, "internal error: MAC-48 direction %d", dir);
	}
}

struct block *
gen_mac48_host(struct cc *cc, const u_char *mac, int dir, const char *context)
{
	int dlt = GS(cc)->linktype;
	struct block *pre, *b;
	u_int src, dst;

	if (is_wlan(dlt))
		return gen_wlan_host(cc, mac, dir);
	if (!mac48_offsets(cc, &src, &dst))
		gen_fail_kw_on_dlt(cc, context);
	pre = is_ethernet_like(dlt) ? ether_prefix_check(cc) : NULL;
	b = mac48_dir(cc, mac, dir, src, dst);
	if (pre != NULL)
		gen_and(pre, b);
	return b;
}

struct block *
gen_ecode(struct cc *cc, const char *s, struct qual q)
{
	u_char mac[6];

	if ((q.addr == Q_HOST || q.addr == Q_DEFAULT) && q.proto == Q_LINK) {
		if (!nm_atomac48(s, mac))
			cc_error(cc, "invalid Ethernet address");
		return gen_mac48_host(cc, mac, q.dir, "link host XX:XX:XX:XX:XX:XX");
	}
	cc_error(cc, "Ethernet address used in non-ether expression");
}

/* ------------------------------------------------------------------------
 * Broadcast and multicast.
 * --------------------------------------------------------------------- */

/* "link[off] & 1": the group bit of a destination MAC. */
static struct block *
group_bit(struct cc *cc, u_int off)
{
	return gen_jmp_k(cc, BPF_JSET, 0x01,
	    gen_load_a(cc, OR_LINKHDR, off, BPF_B));
}

/* "link[off] & bits" (negated when !set). */
static struct block *
link_bits(struct cc *cc, u_int off, bpf_u_int32 bits, int set)
{
	struct block *b = gen_jmp_k(cc, BPF_JSET, bits,
	    gen_load_a(cc, OR_LINKHDR, off, BPF_B));

	if (!set)
		gen_not(b);
	return b;
}

struct block *
gen_link_broadcast(struct cc *cc)
{
	static const u_char all_ones[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	int dlt = GS(cc)->linktype;

	switch (dlt) {
	case DLT_ARCNET:
	case DLT_ARCNET_LINUX:
		return gen_arcnet_host(cc, 0x00, Q_DST);
	case DLT_BACNET_MS_TP:
		return gen_arcnet_host(cc, 0xff, Q_DST);
	default:
		break;
	}
	if (has_mac48(cc))
		return gen_mac48_host(cc, all_ones, Q_DST, "broadcast");
	gen_fail_kw_on_dlt(cc, "broadcast");
}

/* 802.11: the DA is at 4 in management frames and in data frames without
   To DS, at 16 in data frames with To DS; control frames have none. */
static struct block *
wlan_multicast(struct cc *cc)
{
	struct block *b0, *b1, *b2;

	b1 = link_bits(cc, 1, 0x01, 1);		/* To DS */
	b0 = group_bit(cc, 16);
	gen_and(b1, b0);
	b2 = link_bits(cc, 1, 0x01, 0);
	b1 = group_bit(cc, 4);
	gen_and(b2, b1);
	gen_or(b1, b0);
	b1 = link_bits(cc, 0, 0x08, 1);		/* data frame */
	gen_and(b1, b0);
	b2 = link_bits(cc, 0, 0x08, 0);		/* management frame */
	b1 = group_bit(cc, 4);
	gen_and(b2, b1);
	gen_or(b1, b0);
	b1 = link_bits(cc, 0, 0x04, 0);		/* not control/reserved */
	gen_and(b1, b0);
	return b0;
}

struct block *
gen_link_multicast(struct cc *cc)
{
	int dlt = GS(cc)->linktype;
	struct block *pre, *b;

	switch (dlt) {
	case DLT_ARCNET:
	case DLT_ARCNET_LINUX:
		/* ARCnet multicast is its broadcast. */
		return gen_arcnet_host(cc, 0x00, Q_DST);
	case DLT_EN10MB:
	case DLT_NETANALYZER:
	case DLT_NETANALYZER_TRANSPARENT:
	case DLT_DSA_TAG_BRCM:
	case DLT_DSA_TAG_DSA:
		pre = ether_prefix_check(cc);
		b = group_bit(cc, 0);
		if (pre != NULL)
			gen_and(pre, b);
		return b;
	case DLT_FDDI:
		return group_bit(cc, 1);
	case DLT_IEEE802:
		return group_bit(cc, 2);
	case DLT_IP_OVER_FC:
		return group_bit(cc, 2);
	default:
		if (is_wlan(dlt))
			return wlan_multicast(cc);
		gen_fail_kw_on_dlt(cc, "multicast");
	}
}

/* ------------------------------------------------------------------------
 * Gateway.
 * --------------------------------------------------------------------- */

/* The IPv4 addresses of a host name, in the resolver's order. */
struct ai_ref {
	struct addrinfo *ai;
};

static void
ai_free(void *arg)
{
	struct ai_ref *r = arg;

	if (r->ai != NULL)
		freeaddrinfo(r->ai);
	r->ai = NULL;
}

static int
cmp_u32(const void *a, const void *b)
{
	bpf_u_int32 x = *(const bpf_u_int32 *)a, y = *(const bpf_u_int32 *)b;

	return x < y ? -1 : x > y;
}

static int
ipv4_addrs_byname(struct cc *cc, const char *name, bpf_u_int32 **out)
{
	struct ai_ref *r = cc_alloc(cc, sizeof(*r));
	const struct addrinfo *ai;
	int n = 0, i, k;

	r->ai = pcap_nametoaddrinfo(name);
	if (r->ai == NULL)
		return 0;
	cc_on_cleanup(cc, ai_free, r);
	for (ai = r->ai; ai != NULL; ai = ai->ai_next)
		n += ai->ai_family == AF_INET;
	*out = cc_alloc(cc, sizeof(**out) * (size_t)(n + 1));
	n = 0;
	for (ai = r->ai; ai != NULL; ai = ai->ai_next) {
		const struct sockaddr_in *sin;

		if (ai->ai_family != AF_INET)
			continue;
		sin = (const struct sockaddr_in *)(const void *)ai->ai_addr;
		(*out)[n++] = ntohl(sin->sin_addr.s_addr);
	}
	ai_free(r);

	/* Ascending and without repeats, as host tests order them: the
	   resolver's own order depends on its configuration. */
	qsort(*out, (size_t)n, sizeof(**out), cmp_u32);
	for (i = 1, k = n > 0; i < n; i++)
		if ((*out)[i] != (*out)[k - 1])
			(*out)[k++] = (*out)[i];
	return k;
}

/*
 * "the link protocol is ethertype and none of addrs is its source or
 * destination"; the address fields are at src/dst of the IPv4 header, or
 * of the ARP/RARP payload.
 */
static struct block *
proto_without_hosts(struct cc *cc, bpf_u_int32 ethertype, u_int src,
    u_int dst, const bpf_u_int32 *addrs, int naddr)
{
	struct block *b0, *hosts = NULL, *h0, *h1;
	int i;

	b0 = gen_linktype(cc, ethertype);
	for (i = 0; i < naddr; i++) {
		h0 = gen_cmp(cc, OR_LINKPL, src, BPF_W, addrs[i]);
		h1 = gen_cmp(cc, OR_LINKPL, dst, BPF_W, addrs[i]);
		gen_or(h0, h1);
		if (hosts != NULL)
			gen_or(hosts, h1);
		hosts = h1;
	}
	gen_not(hosts);
	gen_and(b0, hosts);
	return hosts;
}

struct block *
gen_gateway(struct cc *cc, const char *name, struct qual q)
{
	struct gen_state *gs = GS(cc);
	bpf_u_int32 *addrs;
	int naddr;
	u_char mac[6];
	struct block *b0, *b1, *t;

	switch (q.proto) {
	case Q_DEFAULT:
	case Q_IP:
	case Q_ARP:
	case Q_RARP:
		break;
	default:
		cc_error(cc, "'%s' is not a valid qualifier for 'gateway'",
		    gen_proto_kw(q.proto));
	}
	if (gs->label_stack_depth > 0)
		cc_error(cc, "'gateway' cannot be used within MPLS");
	if (gs->is_encap)
		cc_error(cc, "'gateway' cannot be used within VXLAN or Geneve");
	if (!has_mac48(cc))
		gen_fail_kw_on_dlt(cc, "gateway");
	if (!nm_ether_hostton(name, mac))
		cc_error(cc, "unknown Ethernet-like host '%s'", name);

	naddr = ipv4_addrs_byname(cc, name, &addrs);
	if (naddr == 0)
		cc_error(cc, "unknown host '%s'", name);

	b0 = gen_mac48_host(cc, mac, Q_OR, "gateway");
	if (q.proto == Q_IP || q.proto == Q_DEFAULT)
		b1 = proto_without_hosts(cc, ETHERTYPE_IP, 12, 16, addrs, naddr);
	else
		b1 = NULL;
	if (q.proto == Q_ARP || q.proto == Q_DEFAULT) {
		t = proto_without_hosts(cc, ETHERTYPE_ARP, 14, 24, addrs, naddr);
		if (b1 != NULL)
			gen_or(b1, t);
		b1 = t;
	}
	if (q.proto == Q_RARP || q.proto == Q_DEFAULT) {
		t = proto_without_hosts(cc, ETHERTYPE_REVARP, 14, 24, addrs,
		    naddr);
		if (b1 != NULL)
			gen_or(b1, t);
		b1 = t;
	}
	gen_and(b0, b1);
	return b1;
}
