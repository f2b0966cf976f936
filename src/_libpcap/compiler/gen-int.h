/*
 * gen-int.h - the code generator's own side: its state (where the headers of
 * the current link type and encapsulation begin), and the primitives every
 * protocol family builds on (loads relative to a header, comparisons,
 * scratch registers).  Only gen-*.c include this.
 *
 * Files (one family each):
 *   gen-core.c    blocks/logic (gen_and/or/not), comparisons, loads relative
 *                 to a header (fixed or variable offset), scratch registers,
 *                 the variable-offset prologue, gen_finish
 *   gen-link.c    per-DLT setup (offsets) and gen_linktype (the "is this
 *                 EtherType / protocol" test on every link type)
 *   gen-ether.c   MAC-48 hosts on each link type, link broadcast/multicast,
 *                 gateway
 *   gen-encap.c   vlan, mpls, pppoed/pppoes, geneve, vxlan
 *   gen-linux.c   inbound/outbound/ifindex, Linux BPF extensions
 *   gen-ip.c      IPv4: hosts, nets, proto, fragments, ports, protochain
 *   gen-ip6.c     IPv6 counterparts
 *   gen-addr.c    gen_scode/ncode/mcode/mcode6/ecode/acode: qualifier checks
 *                 and name resolution dispatch
 *   gen-arith.c   accessors, arithmetic, relations, len, less/greater, byte
 *   gen-*.c       other families (llc, iso, decnet, atm, mtp, pf, 802.11, ...)
 */
#ifndef PCAP_COMPILER_GEN_INT_H
#define PCAP_COMPILER_GEN_INT_H

#include "gen.h"

/* What an offset given to a load is relative to. */
enum e_offrel {
	OR_PACKET,		/* start of the packet */
	OR_LINKHDR,		/* current link-layer header */
	OR_PREVLINKHDR,		/* previous (outer) link-layer header */
	OR_LLC,			/* 802.2 LLC header */
	OR_PREVMPLSHDR,		/* previous MPLS header */
	OR_LINKTYPE,		/* link-layer type field */
	OR_LINKPL,		/* link-layer payload */
	OR_LINKPL_NOSNAP,	/* link-layer payload, no SNAP header */
	OR_TRAN_IPV4,		/* transport header behind IPv4 */
	OR_TRAN_IPV6		/* transport header behind IPv6 */
};

/*
 * An absolute offset from the start of the packet: a constant part plus,
 * when is_variable, the value of a scratch register computed at run time
 * (reg is -1 until one is assigned).
 */
struct abs_offset {
	int is_variable;
	u_int constant_part;
	int reg;
};

#define OFFSET_NOT_SET	0xffffffffU

/*
 * Generator state; one per compile (cc->gen).  Fields follow what the
 * language needs to know about the packet layout as encapsulations are
 * parsed left to right.
 */
struct gen_state {
	int linktype;			/* current DLT (changes with encaps) */
	int prevlinktype;
	int outermostlinktype;

	struct abs_offset off_linkhdr;
	struct abs_offset off_prevlinkhdr;
	struct abs_offset off_outermostlinkhdr;
	struct abs_offset off_linkpl;
	struct abs_offset off_linktype;

	int is_encap;			/* inside geneve/vxlan */
	int is_vlan_vloffset;		/* vlan needs a variable offset */
	int is_atm;			/* SunATM pseudo-header present */

	u_int off_vpi, off_vci, off_proto;		/* ATM */
	u_int off_li, off_li_hsl;			/* MTP2 */
	u_int off_sio, off_opc, off_dpc, off_sls;	/* MTP3 */
	u_int off_payload;
	u_int off_nl;			/* network header, rel. to link payload */
	u_int off_nl_nosnap;

	u_int label_stack_depth;	/* mpls seen so far */
	u_int vlan_stack_depth;		/* vlan seen so far */
	u_int pcap_fddipad;

	int is_vxlan;			/* the encapsulation is VXLAN (not Geneve) */

	/* scratch registers M[0..BPF_MEMWORDS-1] */
	int regused[BPF_MEMWORDS];
	int curreg;
};

/* Shorthand for the context's generator state. */
#define GS(cc)	((cc)->gen)

/* ---- gen-core.c: blocks and logic ------------------------------------ */

INTERNAL struct block *gen_retblk(struct cc *cc, int v);
INTERNAL struct block *gen_true(struct cc *cc);
INTERNAL struct block *gen_false(struct cc *cc);
/* Unconditional true (rsense 1) / false (0) block. */
INTERNAL struct block *gen_uncond(struct cc *cc, int rsense);
/* Patch the open exits of list to target. */
INTERNAL void gen_backpatch(struct block *list, struct block *target);
/* 1 or 0 if b is a bare constant expression (gen_true/gen_false, possibly
   negated), -1 otherwise.  gen_and/gen_or fold such operands away as
   master does ("ip and X" on DLT_IPV4 is X). */
INTERNAL int gen_const_value(const struct block *b);
/* A conditional block "A jtype #k" (jtype BPF_JEQ, BPF_JGT, BPF_JGE,
   BPF_JSET) after the statements s (may be NULL). */
INTERNAL struct block *gen_jmp_k(struct cc *cc, int jtype, bpf_u_int32 k,
    struct slist *s);

/* ---- gen-core.c: comparisons against packet data ----------------------
 * Each loads size bytes (BPF_B/BPF_H/BPF_W) at offset relative to offrel
 * and compares with v (after masking where a mask is given). */

INTERNAL struct block *gen_cmp(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, bpf_u_int32 v);
INTERNAL struct block *gen_cmp_gt(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, bpf_u_int32 v);
INTERNAL struct block *gen_cmp_ge(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, bpf_u_int32 v);
INTERNAL struct block *gen_cmp_lt(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, bpf_u_int32 v);
INTERNAL struct block *gen_cmp_le(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, bpf_u_int32 v);
INTERNAL struct block *gen_mcmp(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, bpf_u_int32 v, bpf_u_int32 mask);
INTERNAL struct block *gen_cmp_ne(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, bpf_u_int32 v);
/* Compare size bytes (any length) with v. */
INTERNAL struct block *gen_bcmp(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, const u_char *v);
/* General form: (load & mask) jtype v, reversed if reverse. */
INTERNAL struct block *gen_ncmp(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, bpf_u_int32 mask, int jtype, int reverse, bpf_u_int32 v);

/* ---- gen-core.c: loads -------------------------------------------------- */

/* Statements that leave the value at offset (relative to offrel) in A. */
INTERNAL struct slist *gen_load_a(struct cc *cc, enum e_offrel offrel,
    u_int offset, u_int size);
/* Statements loading an abs_offset's variable part into X (NULL if none;
   assigns the register on first use). */
INTERNAL struct slist *gen_abs_offset_varpart(struct cc *cc, struct abs_offset *off);
/* Load relative to an absolute offset (fixed or variable). */
INTERNAL struct slist *gen_load_absoffsetrel(struct cc *cc, struct abs_offset *off,
    u_int offset, u_int size);
/* X = IPv4 header length (4 * IHL) at the link payload. */
INTERNAL struct slist *gen_loadx_iphdrlen(struct cc *cc);

/* ---- gen-core.c: scratch registers -------------------------------------- */

INTERNAL int gen_alloc_reg(struct cc *cc);	/* cc_error if none left */
INTERNAL void gen_free_reg(struct cc *cc, int reg);

/* ---- gen-link.c ------------------------------------------------------------ */

/* Set up the offsets for cc->opts.linktype (called by gen_init). */
INTERNAL void gen_link_init(struct cc *cc);
/* Test that the link-layer header says "protocol ll_proto" (an EtherType,
   or one of libpcap's LLCSAP_/PPP values where the DLT needs them). */
INTERNAL struct block *gen_linktype(struct cc *cc, bpf_u_int32 ll_proto);
/* 1 if dlt is one of the Juniper link types (one header shape for all). */
INTERNAL int gen_is_juniper(int dlt);
/* The DLT_ name for messages ("DLT_EN10MB", or "DLT_<number>"). */
INTERNAL const char *gen_dlt_name(struct cc *cc, int dlt);
/* An extra test gen_finish ANDs in front of the whole program (the PPI
   per-packet DLT check), or NULL. */
INTERNAL struct block *gen_link_finish_check(struct cc *cc);
/* "protocol P" on a link type whose payload is 802.2 LLC (FDDI, Token
   Ring, 802.11 payloads, ATM, IP over FC): SAP or SNAP type test. */
INTERNAL struct block *gen_llc_linktype(struct cc *cc, bpf_u_int32 ll_proto);
/* EtherTypes the generator names (libpcap's ethertype.h values). */
#ifndef ETHERTYPE_IP
#define ETHERTYPE_IP		0x0800
#endif
#ifndef ETHERTYPE_ARP
#define ETHERTYPE_ARP		0x0806
#endif
#ifndef ETHERTYPE_REVARP
#define ETHERTYPE_REVARP	0x8035
#endif
#ifndef ETHERTYPE_NS
#define ETHERTYPE_NS		0x0600
#endif
#ifndef ETHERTYPE_DN
#define ETHERTYPE_DN		0x6003
#endif
#ifndef ETHERTYPE_ATALK
#define ETHERTYPE_ATALK		0x809b
#endif
#ifndef ETHERTYPE_AARP
#define ETHERTYPE_AARP		0x80f3
#endif
#ifndef ETHERTYPE_IPX
#define ETHERTYPE_IPX		0x8137
#endif
#ifndef ETHERTYPE_IPV6
#define ETHERTYPE_IPV6		0x86dd
#endif
#ifndef ETHERTYPE_8021Q
#define ETHERTYPE_8021Q		0x8100
#endif
#ifndef ETHERTYPE_8021AD
#define ETHERTYPE_8021AD	0x88a8
#endif
#ifndef ETHERTYPE_8021QINQ
#define ETHERTYPE_8021QINQ	0x9100
#endif
#ifndef ETHERTYPE_MPLS
#define ETHERTYPE_MPLS		0x8847
#endif
#ifndef ETHERTYPE_MPLS_MULTI
#define ETHERTYPE_MPLS_MULTI	0x8848
#endif
#ifndef ETHERTYPE_PPPOED
#define ETHERTYPE_PPPOED	0x8863
#endif
#ifndef ETHERTYPE_PPPOES
#define ETHERTYPE_PPPOES	0x8864
#endif
#ifndef ETHERTYPE_TEB
#define ETHERTYPE_TEB		0x6558
#endif

/* ---- gen-encap.c ------------------------------------------------------------ */

/* "protocol P" on the payload of the innermost MPLS label. */
INTERNAL struct block *gen_mpls_linktype(struct cc *cc, bpf_u_int32 ll_proto);
/* A link header of type dlt starts at (is_variable, constant, reg); the
   current one becomes the "previous" header (LANE, pppoes, Geneve, VXLAN). */
INTERNAL void gen_push_linkhdr(struct cc *cc, int dlt, int is_variable,
    u_int constant, int reg);

/* ---- gen-prologue.c ---------------------------------------------------------- */

/* Put before b's statements the code that fills the registers holding
   run-time header offsets (radio headers, 802.11 header length, vlan
   offsets in the Linux-extension form); called by gen_finish. */
INTERNAL void gen_insert_prologue(struct cc *cc, struct block *b);

/* ---- gen-ip.c / gen-ip6.c (used across families) --------------------------- */

INTERNAL struct block *gen_ipfrag(struct cc *cc);
/* "ip proto P" / "ip6 proto P" / "proto P" with proto qualifier q_proto. */
INTERNAL struct block *gen_proto(struct cc *cc, bpf_u_int32 v, int q_proto);
INTERNAL struct block *gen_protochain(struct cc *cc, bpf_u_int32 v, int q_proto);

/*
 * Cross-family helpers are declared here, under the section of the file
 * that defines them (add, never change another file's declarations).
 */

/* ---- gen-ether.c ------------------------------------------------------------ */

/* "ether [dir] host MAC" on the current link type (Ethernet, FDDI, Token
   Ring, 802.11 family, IP over FC, ...); context names the keyword used in
   error messages. */
INTERNAL struct block *gen_mac48_host(struct cc *cc, const u_char *mac, int dir,
    const char *context);
/* Link-layer broadcast / multicast on the current link type. */
INTERNAL struct block *gen_link_broadcast(struct cc *cc);
INTERNAL struct block *gen_link_multicast(struct cc *cc);
/* "gateway NAME" (MAC from ethers, IPs from the resolver). */
INTERNAL struct block *gen_gateway(struct cc *cc, const char *name, struct qual q);

/* ---- gen-ip.c / gen-ip6.c / gen-addr.c --------------------------------------- */

/* IPv4 host/net test (addr & mask) for proto (Q_DEFAULT, Q_IP, Q_ARP,
   Q_RARP) and dir; type is Q_HOST or Q_NET (for messages). */
INTERNAL struct block *gen_host(struct cc *cc, bpf_u_int32 addr, bpf_u_int32 mask,
    int proto, int dir, int type);
struct in6_addr;
INTERNAL struct block *gen_host6(struct cc *cc, const struct in6_addr *addr,
    const struct in6_addr *mask, int proto, int dir, int type);
/* The same, naming the primitive in messages as master does ("host <IPv4
   address>", "net <IPv6 prefix>", "host <Internet hostname>", ...); proto
   may also be Q_DECNET for gen_host_ctx. */
INTERNAL struct block *gen_host_ctx(struct cc *cc, bpf_u_int32 addr, bpf_u_int32 mask,
    int proto, int dir, const char *context);
INTERNAL struct block *gen_host6_ctx(struct cc *cc, const struct in6_addr *addr,
    const struct in6_addr *mask, int proto, int dir, const char *context);
/* cc_error unless dir is one a host/net test takes (src, dst, and, or). */
INTERNAL void gen_check_host_dir(struct cc *cc, int dir);
/* Any of n addresses (all with one mask), for a name with several. */
INTERNAL struct block *gen_hosts_ctx(struct cc *cc, u_int n, const bpf_u_int32 *addrs,
    bpf_u_int32 mask, int proto, int dir, const char *context);
INTERNAL struct block *gen_hosts6_ctx(struct cc *cc, u_int n,
    const struct in6_addr *addrs, const struct in6_addr *mask, int proto,
    int dir, const char *context);
/* A host name through pcap_nametoaddrinfo(): its IPv4 addresses tested with
   proto4 (skipped when proto4 is Q_IPV6), its IPv6 ones with proto6 (skipped
   when proto6 is Q_IP/Q_ARP/Q_RARP), all ORed; "unknown host" errors as
   master words them.  gateway uses it with (proto, Q_IP, Q_OR). */
INTERNAL struct block *gen_host46_byname(struct cc *cc, const char *name,
    int proto4, int proto6, int dir, const char *context);
/* "ip proto P" / "ip6 proto P" header byte test alone (no link-type test). */
INTERNAL struct block *gen_ip_proto(struct cc *cc, bpf_u_int32 proto);
INTERNAL struct block *gen_ip6_proto(struct cc *cc, bpf_u_int32 proto);
/* Port tests with everything master ANDs in (IP protocol, first fragment,
   link type): ipproto is IPPROTO_TCP/UDP/SCTP or PROTO_UNDEF (all three);
   dir Q_SRC/Q_DST/Q_AND/Q_OR/Q_DEFAULT. */
INTERNAL struct block *gen_port(struct cc *cc, u_int port, int ipproto, int dir);
INTERNAL struct block *gen_port6(struct cc *cc, u_int port, int ipproto, int dir);
INTERNAL struct block *gen_portrange(struct cc *cc, u_int port1, u_int port2,
    int ipproto, int dir);
INTERNAL struct block *gen_portrange6(struct cc *cc, u_int port1, u_int port2,
    int ipproto, int dir);
/* Shared by the IPv4 and IPv6 port code: the source/destination test of a
   port (v1 == v2) or range in the transport header at rel (OR_TRAN_IPV4/6),
   kw naming the primitive in messages; and the IP protocol test of a port
   primitive (one protocol, or SCTP, UDP, TCP ORed for PROTO_UNDEF) built
   with one(). */
INTERNAL struct block *gen_port_dirs(struct cc *cc, enum e_offrel rel, u_int v1,
    u_int v2, int dir, const char *kw);
INTERNAL struct block *gen_port_protos(struct cc *cc, int ipproto,
    struct block *(*one)(struct cc *, bpf_u_int32));
/* Keyword texts for messages: proto (Q_TCP -> "tcp"), dir (Q_OR ->
   "src or dst"), type (Q_PORTRANGE -> "portrange") qualifiers. */
INTERNAL const char *gen_proto_kw(int q_proto);
INTERNAL const char *gen_dir_kw(int q_dir);
INTERNAL const char *gen_type_kw(int q_addr);
/* cc_error("'kw' not supported on DLT_...") for the current link type. */
INTERNAL _Noreturn void gen_fail_kw_on_dlt(struct cc *cc, const char *kw);

/* ---- gen-wlan.c, gen-osi.c, gen-arcnet.c (other families) ---------------------- */

/* 802.11 address test (dir Q_SRC/Q_DST/Q_AND/Q_OR/Q_ADDR1..4/Q_RA/Q_TA). */
INTERNAL struct block *gen_wlan_host(struct cc *cc, const u_char *mac, int dir);
/* "decnet [dir] host A.N" (addr as libpcap packs area/node). */
INTERNAL struct block *gen_decnet_host(struct cc *cc, bpf_u_int32 addr, int dir);
/* OSI: "iso proto P", "isis proto P", and the bare IS-IS keywords
   (Q_ISIS_L1 ... Q_ISIS_LSP), "clnp", "esis", "isis". */
INTERNAL struct block *gen_osi_proto(struct cc *cc, bpf_u_int32 v, int q_proto);
INTERNAL struct block *gen_osi_abbrev(struct cc *cc, int q_proto);
/* ARCnet-like "link [dir] host $xx". */
INTERNAL struct block *gen_arcnet_host(struct cc *cc, u_char addr, int dir);

/* 802.11: the frame is a data frame (gen-wlan.c; also "llc" on 802.11). */
INTERNAL struct block *gen_wlan_data_frame(struct cc *cc);
/* SunATM: the pseudo-header says LLC encapsulation (gen-atm.c). */
INTERNAL struct block *gen_atm_llc(struct cc *cc);
/* The "'%s' is valid for 802.11 syntax only" error for a dir qualifier
   that only 802.11 addresses take (Q_ADDR1..4, Q_RA, Q_TA); returns if
   dir is not one of them (gen-wlan.c). */
INTERNAL void gen_wlan_only_dir_check(struct cc *cc, int dir);

#endif /* PCAP_COMPILER_GEN_INT_H */
