/*
 * gen.h - the code generator as the parser sees it: one entry per kind of
 * primitive or operator of the filter language (pcap-filter(7)).  Each call
 * returns the code for its sub-expression (a struct block list whose
 * unresolved exits are patched by gen_and/gen_or/gen_finish) or, for
 * arithmetic, a struct arth.  Errors leave through cc_error() with
 * libpcap master's message texts.
 *
 * Implemented in gen-*.c, split by protocol family; see gen-int.h for the
 * generator's internal helpers.
 */
#ifndef PCAP_COMPILER_GEN_H
#define PCAP_COMPILER_GEN_H

#include "cc.h"

/* ---- qualifiers (the [proto] [dir] [type] of a primitive) ------------- */

/* type ("addr") qualifiers */
#define Q_HOST		1
#define Q_NET		2
#define Q_PORT		3
#define Q_GATEWAY	4
#define Q_PROTO		5
#define Q_PROTOCHAIN	6
#define Q_PORTRANGE	7

/* proto qualifiers */
#define Q_LINK		1
#define Q_IP		2
#define Q_ARP		3
#define Q_RARP		4
#define Q_SCTP		5
#define Q_TCP		6
#define Q_UDP		7
#define Q_ICMP		8
#define Q_IGMP		9
#define Q_IGRP		10
#define Q_ATALK		11
#define Q_DECNET	12
#define Q_LAT		13
#define Q_SCA		14
#define Q_MOPRC		15
#define Q_MOPDL		16
#define Q_IPV6		17
#define Q_ICMPV6	18
#define Q_AH		19
#define Q_ESP		20
#define Q_PIM		21
#define Q_VRRP		22
#define Q_AARP		23
#define Q_ISO		24
#define Q_ESIS		25
#define Q_ISIS		26
#define Q_CLNP		27
#define Q_STP		28
#define Q_IPX		29
#define Q_NETBEUI	30
#define Q_ISIS_L1	31
#define Q_ISIS_L2	32
#define Q_ISIS_IIH	33
#define Q_ISIS_SNP	34
#define Q_ISIS_CSNP	35
#define Q_ISIS_PSNP	36
#define Q_ISIS_LSP	37
#define Q_RADIO		38
#define Q_CARP		39

/* dir qualifiers */
#define Q_SRC		1
#define Q_DST		2
#define Q_OR		3
#define Q_AND		4
#define Q_ADDR1		5
#define Q_ADDR2		6
#define Q_ADDR3		7
#define Q_ADDR4		8
#define Q_RA		9
#define Q_TA		10

#define Q_DEFAULT	0
#define Q_UNDEF		255

struct qual {
	unsigned char addr;	/* Q_HOST ... */
	unsigned char proto;	/* Q_LINK ... */
	unsigned char dir;	/* Q_SRC ... */
	unsigned char pad;
};

/* ATM (SunATM) abbreviations and fields */
#define A_METAC		22
#define A_BCC		23
#define A_OAMF4SC	24
#define A_OAMF4EC	25
#define A_SC		26
#define A_ILMIC		27
#define A_OAM		28
#define A_OAMF4		29
#define A_LANE		30
#define A_LLC		31
#define A_SETUP		41
#define A_CALLPROCEED	42
#define A_CONNECT	43
#define A_CONNECTACK	44
#define A_RELEASE	45
#define A_RELEASE_DONE	46
#define A_VPI		51
#define A_VCI		52
#define A_PROTOTYPE	53
#define A_MSGTYPE	54
#define A_CALLREFTYPE	55
#define A_CONNECTMSG	70
#define A_METACONNECT	71

/* MTP2 / MTP3 (SS7) */
#define M_FISU		22
#define M_LSSU		23
#define M_MSU		24
#define MH_FISU		25
#define MH_LSSU		26
#define MH_MSU		27
#define M_SIO		1
#define M_OPC		2
#define M_DPC		3
#define M_SLS		4
#define MH_SIO		5
#define MH_OPC		6
#define MH_DPC		7
#define MH_SLS		8

/* ---- setup and finish -------------------------------------------------- */

/* Prepare the generator for cc->opts (link-layer offsets for the DLT, the
   scratch registers).  Called by compile.c before parsing. */
INTERNAL void gen_init(struct cc *cc);

/* The whole expression has been parsed into b: add the variable-offset
   prologue, the returns (snaplen / 0) and set cc->ic.root. */
INTERNAL void gen_finish(struct cc *cc, struct block *b);

/* The program for an empty expression: accept with the snaplen. */
INTERNAL struct block *gen_accept_all(struct cc *cc);

/* ---- logic -------------------------------------------------------------- */

INTERNAL void gen_and(struct block *b0, struct block *b1);	/* b1 = b0 && b1 */
INTERNAL void gen_or(struct block *b0, struct block *b1);	/* b1 = b0 || b1 */
INTERNAL void gen_not(struct block *b);

/* ---- addresses and names (an "id" with its qualifiers) ----------------- */

/* A name: host/net name, port/service, protocol name, ... (ID token). */
INTERNAL struct block *gen_scode(struct cc *cc, const char *name, struct qual q);
/* A number or dotted IPv4 text: s is the HID text ("1.2.3", ...) or NULL
   for a plain number v (NUM token). */
INTERNAL struct block *gen_ncode(struct cc *cc, const char *s, bpf_u_int32 v,
    struct qual q);
/* IPv4 network with mask: "net/len" (s2 NULL, masklen) or "net mask m". */
INTERNAL struct block *gen_mcode(struct cc *cc, const char *s1, const char *s2,
    bpf_u_int32 masklen, struct qual q);
/* IPv6 address with prefix length (128 for a bare address). */
INTERNAL struct block *gen_mcode6(struct cc *cc, const char *s, bpf_u_int32 masklen,
    struct qual q);
/* A MAC-48 address (EID token). */
INTERNAL struct block *gen_ecode(struct cc *cc, const char *s, struct qual q);
/* An ARCnet address "$xx" (AID token). */
INTERNAL struct block *gen_acode(struct cc *cc, const char *s, struct qual q);

/* ---- bare keywords ------------------------------------------------------ */

/* A protocol abbreviation used alone: "tcp", "ip6", "arp", "iso", "l1", ... */
INTERNAL struct block *gen_proto_abbrev(struct cc *cc, int proto);
INTERNAL struct block *gen_less(struct cc *cc, int n);
INTERNAL struct block *gen_greater(struct cc *cc, int n);
/* "byte IDX OP VAL", op one of '=', '<', '>', '&', '|'. */
INTERNAL struct block *gen_byteop(struct cc *cc, int op, int idx, bpf_u_int32 val);
/* "[proto] broadcast" / "[proto] multicast" (proto a Q_ value or Q_DEFAULT) */
INTERNAL struct block *gen_broadcast(struct cc *cc, int proto);
INTERNAL struct block *gen_multicast(struct cc *cc, int proto);
/* "inbound" (dir 0) / "outbound" (dir 1) */
INTERNAL struct block *gen_inbound_outbound(struct cc *cc, int outbound);
INTERNAL struct block *gen_ifindex(struct cc *cc, int ifindex);

/* ---- encapsulations: change the offsets of what follows ---------------- */

/* has_arg: whether an id/label/session/VNI number followed the keyword. */
INTERNAL struct block *gen_vlan(struct cc *cc, bpf_u_int32 vlan_num, int has_arg);
INTERNAL struct block *gen_mpls(struct cc *cc, bpf_u_int32 label, int has_arg);
INTERNAL struct block *gen_pppoed(struct cc *cc);
INTERNAL struct block *gen_pppoes(struct cc *cc, bpf_u_int32 sess, int has_arg);
INTERNAL struct block *gen_geneve(struct cc *cc, bpf_u_int32 vni, int has_arg);
INTERNAL struct block *gen_vxlan(struct cc *cc, bpf_u_int32 vni, int has_arg);

/* ---- arithmetic and packet accessors ------------------------------------ */

INTERNAL struct arth *gen_loadi(struct cc *cc, bpf_u_int32 v);
/* proto[index : size] (size 1, 2 or 4) */
INTERNAL struct arth *gen_load(struct cc *cc, int proto, struct arth *index,
    bpf_u_int32 size);
INTERNAL struct arth *gen_loadlen(struct cc *cc);
INTERNAL struct arth *gen_neg(struct cc *cc, struct arth *a);
/* code: BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_AND, BPF_OR,
   BPF_XOR, BPF_LSH, BPF_RSH */
INTERNAL struct arth *gen_arth(struct cc *cc, int code, struct arth *a0,
    struct arth *a1);
/* a0 relop a1: code BPF_JEQ/BPF_JGT/BPF_JGE, reversed for !=, <, <= */
INTERNAL struct block *gen_relation(struct cc *cc, int code, struct arth *a0,
    struct arth *a1, int reversed);

/* ---- LLC ----------------------------------------------------------------- */

INTERNAL struct block *gen_llc(struct cc *cc);
INTERNAL struct block *gen_llc_i(struct cc *cc);
INTERNAL struct block *gen_llc_s(struct cc *cc);
INTERNAL struct block *gen_llc_u(struct cc *cc);
INTERNAL struct block *gen_llc_s_subtype(struct cc *cc, bpf_u_int32 subtype);
INTERNAL struct block *gen_llc_u_subtype(struct cc *cc, bpf_u_int32 subtype);

/* ---- link-type-specific families ----------------------------------------- */

/* SunATM */
INTERNAL struct block *gen_atmfield_code(struct cc *cc, int atmfield,
    bpf_u_int32 jvalue, int jtype, int reverse);
INTERNAL struct block *gen_atmtype_abbrev(struct cc *cc, int type);
INTERNAL struct block *gen_atmmulti_abbrev(struct cc *cc, int type);
/* MTP2 / MTP3 */
INTERNAL struct block *gen_mtp2type_abbrev(struct cc *cc, int type);
INTERNAL struct block *gen_mtp3field_code(struct cc *cc, int mtp3field,
    bpf_u_int32 jvalue, int jtype, int reverse);
/* PFLOG */
INTERNAL struct block *gen_pf_ifname(struct cc *cc, const char *ifname);
INTERNAL struct block *gen_pf_ruleset(struct cc *cc, const char *ruleset);
INTERNAL struct block *gen_pf_rnr(struct cc *cc, int rnr);
INTERNAL struct block *gen_pf_srnr(struct cc *cc, int srnr);
INTERNAL struct block *gen_pf_reason(struct cc *cc, int reason);
INTERNAL struct block *gen_pf_action(struct cc *cc, int action);
/* IEEE 802.11 */
INTERNAL struct block *gen_p80211_type(struct cc *cc, bpf_u_int32 type, bpf_u_int32 mask);
INTERNAL struct block *gen_p80211_fcdir(struct cc *cc, bpf_u_int32 fcdir);

#endif /* PCAP_COMPILER_GEN_H */
