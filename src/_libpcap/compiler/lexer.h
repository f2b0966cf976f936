/*
 * lexer.h - the filter compiler's front end, internal interface: the tokens
 * of the filter language, the lexer that cuts cc->text into them (lexer.c),
 * and the name tables the grammar looks words up in (parse-names.c).
 *
 * The lexer recognises exactly what libpcap's scanner does: for every
 * position it finds the longest match among all token patterns, and on a
 * tie the pattern libpcap lists first wins (keywords before addresses
 * before numbers before identifiers).  So "host" is a keyword but "hosts"
 * an identifier, "1.2.3.4" a dotted address but "1.2.3.4.5" a name, and
 * twelve hex digits ("001122334455", even when all are decimal digits) a
 * MAC-48 address.
 *
 * Lexical errors (a malformed number, an invalid IPv6 address, a bogus
 * MAC address) record libpcap's message with cc_set_error and the token's
 * position in cc->pos, and yield a token the parser rejects (TK_LEX_ERROR,
 * or an address token with a NULL text), so the first error found is the
 * one reported, as in libpcap.  A byte that starts no token is a
 * TK_LEX_ERROR without a message: the parser reports the syntax error.
 */
#ifndef PCAP_COMPILER_LEXER_H
#define PCAP_COMPILER_LEXER_H

#include "cc.h"

enum tok_kind {
	TK_END = 0,		/* end of the expression */
	TK_LEX_ERROR,		/* a lexical error (message already set) */

	/* values */
	TK_NUM,			/* number (or a named constant such as tcp-syn) */
	TK_ID,			/* name, or a \-escaped word */
	TK_HID,			/* dotted IPv4 form: N.N, N.N.N or N.N.N.N */
	TK_HID6,		/* IPv6 address */
	TK_EID,			/* MAC-48 address */
	TK_AID,			/* ARCnet address $xx */

	/* operators and punctuation */
	TK_LPAREN, TK_RPAREN, TK_LBRACKET, TK_RBRACKET, TK_COLON,
	TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH, TK_PERCENT,
	TK_AMP, TK_PIPE, TK_CARET, TK_LSH, TK_RSH,
	TK_NOT,			/* "!" or "not" */
	TK_GT, TK_LT, TK_GEQ, TK_LEQ, TK_NEQ,
	TK_EQ,			/* "=" or "==" */
	TK_AND,			/* "and" or "&&" */
	TK_OR,			/* "or" or "||" */

	/* direction and address-type qualifiers */
	TK_DST, TK_SRC, TK_HOST, TK_NET, TK_NETMASK, TK_PORT, TK_PORTRANGE,
	TK_PROTO, TK_PROTOCHAIN, TK_GATEWAY,
	TK_TYPE, TK_SUBTYPE, TK_DIR, TK_ADDR1, TK_ADDR2, TK_ADDR3, TK_ADDR4,
	TK_RA, TK_TA,

	/* protocol names (pname in libpcap's grammar) */
	TK_LINK, TK_IP, TK_ARP, TK_RARP, TK_SCTP, TK_TCP, TK_UDP, TK_ICMP,
	TK_IGMP, TK_IGRP, TK_PIM, TK_VRRP, TK_CARP, TK_RADIO, TK_IPV6,
	TK_ICMPV6, TK_AH, TK_ESP, TK_ATALK, TK_AARP, TK_DECNET, TK_LAT,
	TK_SCA, TK_MOPRC, TK_MOPDL, TK_ISO, TK_ESIS, TK_ISIS, TK_L1, TK_L2,
	TK_IIH, TK_LSP, TK_SNP, TK_CSNP, TK_PSNP, TK_CLNP, TK_STP, TK_IPX,
	TK_NETBEUI,

	/* other primitives */
	TK_LESS, TK_GREATER, TK_CBYTE, TK_BROADCAST, TK_MULTICAST, TK_LEN,
	TK_INBOUND, TK_OUTBOUND, TK_IFINDEX,
	TK_VLAN, TK_MPLS, TK_PPPOED, TK_PPPOES, TK_GENEVE, TK_VXLAN,
	TK_LANE, TK_LLC, TK_METAC, TK_BCC, TK_OAM, TK_OAMF4, TK_OAMF4EC,
	TK_OAMF4SC, TK_SC, TK_ILMIC, TK_VPI, TK_VCI, TK_CONNECTMSG,
	TK_METACONNECT,
	TK_PF_IFNAME, TK_PF_RSET, TK_PF_RNR, TK_PF_SRNR, TK_PF_REASON,
	TK_PF_ACTION,
	TK_FISU, TK_LSSU, TK_MSU, TK_HFISU, TK_HLSSU, TK_HMSU,
	TK_SIO, TK_OPC, TK_DPC, TK_SLS, TK_HSIO, TK_HOPC, TK_HDPC, TK_HSLS,

	TK_COUNT_
};

struct token {
	enum tok_kind kind;
	size_t offset;		/* byte offset of the token in the text */
	size_t len;		/* its length in the text */
	bpf_u_int32 num;	/* TK_NUM: the value */
	const char *str;	/* TK_ID/HID/HID6/EID/AID: NUL-terminated text
				   (arena; for an escaped word without the \),
				   NULL when the token is an error */
};

struct lexer {
	struct cc *cc;
	const char *s;		/* the expression */
	size_t len;
	size_t pos;		/* next byte to scan */
};

/* Start scanning cc->text. */
INTERNAL void lex_init(struct lexer *lx, struct cc *cc);
/* The next token (TK_END at and after the end of the text).  Never leaves
   via cc_error except for arena exhaustion. */
INTERNAL void lex_next(struct lexer *lx, struct token *t);
/* A printable name of a token kind ("'('", "'host'", "number", ...),
   for tests and messages. */
INTERNAL const char *lex_kind_name(enum tok_kind k);

/* Record a front-end error position (the first one wins): offset and up to
   sizeof(pos.token)-1 bytes of the token text; len 0 at the end. */
INTERNAL void lex_set_pos(struct cc *cc, size_t offset, size_t len);

/* ---- parse-names.c: words the grammar resolves itself ------------------- */

/* Each returns the value, or -1 if name is not in the table (compared
   case-insensitively, as libpcap does). */

/* 802.11 frame types: data, mgt/management, ctl/control. */
INTERNAL int pn_wlan_type(const char *name);
/* Subtype name of the given 802.11 type (-2 if the type has no subtype
   names at all: libpcap's "unknown 802.11 type"). */
INTERNAL int pn_wlan_subtype(int type, const char *name);
/* A subtype name of any type, searched mgt, ctl, data in that order;
   returns type|subtype. */
INTERNAL int pn_wlan_type_subtype(const char *name);
/* nods, tods, fromds, dstods */
INTERNAL int pn_wlan_dir(const char *name);
/* LLC S-format (rr, rnr, rej) and U-format (ui, ua, disc, ...) names. */
INTERNAL int pn_llc_s_subtype(const char *name);
INTERNAL int pn_llc_u_subtype(const char *name);
/* pf(4) reasons and actions (Linux: libpcap's portable set). */
INTERNAL int pn_pf_reason(const char *name);
INTERNAL int pn_pf_action(const char *name);

/* 802.11 frame-control masks the grammar applies. */
#define PN_WLAN_TYPE_MASK	0x0c
#define PN_WLAN_SUBTYPE_MASK	0xf0
#define PN_WLAN_DIR_MASK	0x03
/* "llc rnr": rnr is also the pf keyword, so the grammar names it. */
#define PN_LLC_RNR		0x05

#endif /* PCAP_COMPILER_LEXER_H */
