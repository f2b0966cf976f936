/*
 * parser.c - the filter grammar: a parser that accepts exactly libpcap's
 * LALR grammar (grammar.y) and calls the code generator (gen.h) in the
 * same order libpcap's reductions do, since that order decides block
 * numbers and scratch registers.
 *
 * The grammar, and how it is followed here:
 *
 *   expr   := term { (and|or) (term|id) }          left to right, equal
 *                                                  precedence
 *   term   := '!' term | head id | '(' expr ')' | pname | arth relop arth
 *             | other primitives (less, vlan, llc, type ..., vpi ...)
 *   id     := '!' id | ID | HID [/NUM | mask HID] | HID6 [/NUM] | EID | AID
 *             | pnum | '(' pid ')'
 *   pid    := (nid | pnum) { (and|or) id }          nid: an id that does
 *                                                  not start with '('
 *                                                  (but "!(pid)" is one)
 *   head   := [pname] (dqual [aqual] | aqual | proto | protochain | gateway)
 *   arth   := the usual operators over pnum, len, pname[arth(:size)],
 *             '(' arth ')', unary '-'
 *
 * Qualifier inheritance: an id written without qualifiers takes those of
 * the value to its left ("host a or b", "tcp dst port ftp or ftp-data"),
 * exactly as libpcap's actions read them from the parser stack: an id after
 * and/or inherits from the expression so far, one inside parentheses from
 * what preceded the '(' , and a parenthesized expression passes on what
 * preceded its '('.  Here that is the "prev" value handed down.
 *
 * Parentheses, numbers and '!' can start several things (an id list, an
 * expression, arithmetic, a number in parentheses); like the LALR parser,
 * the parser decides from the next token once the ambiguous prefix is
 * read, never by backtracking, so every generator call happens once and
 * at the point libpcap makes it.
 *
 * Arithmetic follows libpcap's precedence: | lowest, then &, then << >>,
 * then + -, then * /, unary minus highest.  '%' and '^' have no declared
 * precedence in libpcap, so bison always shifts them: each takes the
 * operand just before it as its left side and everything that follows as
 * its right side ("len % 7 + 1" is len % (7 + 1)).
 *
 * No C recursion follows the input's nesting: the constructs that nest
 * (parentheses, '!', the and/or lists, arithmetic operators, unary minus,
 * accessors, '%'/'^' right sides, relations, "head id") are frames on an
 * explicit stack in the arena, and one loop (parse_loop) moves between a
 * few steps: read an element, deliver a finished element to the frame
 * below it, read an arithmetic operand, finish a primary, an operand, an
 * arithmetic expression.  Each step is what one call of a recursive-descent
 * parser would do, so the generator is called in the same order.  The
 * primitives themselves (a head, an address, "vlan 100", "type mgt", ...)
 * are bounded and parsed by ordinary functions.
 *
 * Depth limit: libpcap's bison parser fails with "memory exhausted" when
 * its stack would hold 10,000 entries (YYMAXDEPTH).  The parser keeps the
 * count bison would have: P->bd is what the open frames hold (the initial
 * state and "null", one per '(' or '!' or unary '-', two per pending
 * "expr and", "arth +", "arth %", "arth relop", "pname [", one per head),
 * and every token shift is checked at the height it takes above them
 * (take(P, k): the k-th entry of the current construct).  So the same
 * inputs fail, at the same token: 9,995 parentheses around "tcp" compile
 * (state, null, 9,995 parens, expr, ')'), 9,996 do not.
 *
 * Errors: syntax errors say "can't parse filter expression: syntax error"
 * as libpcap does, and every front-end error records the offending token
 * in cc->pos.  The next token is only scanned when the grammar needs it,
 * so a lexical error after a failing primitive does not hide the
 * primitive's own message (libpcap reports whichever comes first).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"
#include "lexer.h"

/* Bison's stack: YYMAXDEPTH entries, and growing it to hold the last one
   already fails, so at most PS_MAX_ENTRIES are ever in use. */
#define PS_STACK_SIZE	10000
#define PS_MAX_ENTRIES	(PS_STACK_SIZE - 1)
/* The entries of "((...(tcp)...))" at its ')' shift: the initial state,
   null, the parens, expr, ')'. */
_Static_assert(CC_MAX_NESTING + 4 == PS_MAX_ENTRIES,
    "CC_MAX_NESTING is the parenthesis depth bison's stack allows");

/* A parsed value: a block list and the qualifiers later ids inherit
   (libpcap's "blk"). */
struct pv {
	struct block *b;
	struct qual q;
};

static const struct qual qerr = { Q_UNDEF, Q_UNDEF, Q_UNDEF, Q_UNDEF };

/* What may stand where the grammar allows several things. */
#define A_ID		0x01	/* an id */
#define A_TERM		0x02	/* a term */
#define A_NARTH		0x04	/* arithmetic that is not a bare number */
#define A_RAWNUM	0x08	/* a number in parentheses, not yet used */
#define A_FIRST		0x10	/* first element after '(': an id there may
				   not itself be "( pid )" (libpcap's pid
				   starts with an id name, a number or '!') */

enum elem_kind { EK_ID, EK_TERM, EK_NARTH, EK_NUM };

/* An element: what and/or join, and what parentheses hold. */
struct elem {
	enum elem_kind kind;
	struct pv v;		/* EK_ID, EK_TERM */
	struct arth *a;		/* EK_NARTH */
	bpf_u_int32 num;	/* EK_NUM */
};

/* The open constructs.  "entries" is what each keeps on bison's stack. */
enum frame_kind {
	FR_TOP,		/* the whole expression: an and/or list up to the end */
	FR_PAREN,	/* '(' where an element may stand: list, then ')' */
	FR_APAREN,	/* '(' as an arithmetic operand */
	FR_NOT,		/* n '!' before an element */
	FR_HEAD,	/* a head waiting for its id */
	FR_NEG,		/* n unary '-' before an operand */
	FR_BINOP,	/* arth op, waiting for the right operand */
	FR_MOD,		/* arth '%' or '^', waiting for everything that follows */
	FR_INDEX,	/* pname '[', waiting for the offset */
	FR_ARITH,	/* arithmetic begun where an element may stand */
	FR_REL		/* arth relop, waiting for the right side */
};

struct frame {
	enum frame_kind kind;
	int entries;		/* bison stack entries held */
	unsigned allow;		/* PAREN, ARITH: what the element may be */
	unsigned list_allow;	/* PAREN, TOP: what may follow and/or */
	int in_list;		/* PAREN, TOP: the first element is read */
	enum tok_kind op;	/* PAREN, TOP: pending and/or; BINOP, MOD */
	struct pv prev;		/* PAREN: the value before the '(' */
	struct elem acc;	/* PAREN, TOP: the content so far */
	struct arth *a;		/* BINOP, MOD, REL: the left side */
	int n;			/* NOT, NEG: count; INDEX: proto; REL: code */
	int rev;		/* REL: irelop */
};

struct parser {
	struct cc *cc;
	struct lexer lx;
	struct token tok;	/* the lookahead, valid when have_tok */
	int have_tok;
	int bd;			/* bison stack entries of the open frames */
	struct frame *fr;	/* the frame stack (arena) */
	size_t nfr, cap;
};

/* ------------------------------------------------------------------------
 * Tokens and errors.
 * --------------------------------------------------------------------- */

/* The lookahead token, scanned on first use. */
static const struct token *
cur(struct parser *P)
{
	if (!P->have_tok) {
		lex_next(&P->lx, &P->tok);
		P->have_tok = 1;
	}
	return &P->tok;
}

static enum tok_kind
kind(struct parser *P)
{
	return cur(P)->kind;
}

static void
consume(struct parser *P)
{
	(void)cur(P);
	P->have_tok = 0;
}

static _Noreturn void
syntax_error(struct parser *P)
{
	const struct token *t = cur(P);

	lex_set_pos(P->cc, t->offset, t->len);
	cc_error(P->cc, "can't parse filter expression: syntax error");
}

/* A semantic error the grammar itself detects, at token t. */
static _Noreturn void sem_error(struct parser *P, const struct token *t,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static _Noreturn void
sem_error(struct parser *P, const struct token *t, const char *fmt, ...)
{
	char msg[PCAP_ERRBUF_SIZE];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lex_set_pos(P->cc, t->offset, t->len);
	cc_error(P->cc, "%s", msg);
}

/* Bison pushes the k-th entry of the current construct (above the open
   frames' P->bd) for the lookahead: fail as it does when that would fill
   its stack. */
static void
push_check(struct parser *P, int k)
{
	const struct token *t;

	if (P->bd + k <= PS_MAX_ENTRIES)
		return;
	t = cur(P);
	lex_set_pos(P->cc, t->offset, t->len);
	cc_error(P->cc, "can't parse filter expression: memory exhausted");
}

/* Shift the lookahead as the k-th entry of the current construct. */
static void
take(struct parser *P, int k)
{
	push_check(P, k);
	consume(P);
}

static void
expect(struct parser *P, enum tok_kind k, int depth)
{
	if (kind(P) != k)
		syntax_error(P);
	take(P, depth);
}

/* Shift a NUM token (the depth-th entry) and return its value. */
static bpf_u_int32
expect_num(struct parser *P, int depth)
{
	bpf_u_int32 v;

	if (kind(P) != TK_NUM)
		syntax_error(P);
	v = cur(P)->num;
	take(P, depth);
	return v;
}

/* Shift an ID token (the depth-th entry), return it and its text. */
static const char *
expect_id(struct parser *P, struct token *t, int depth)
{
	if (kind(P) != TK_ID)
		syntax_error(P);
	*t = *cur(P);
	take(P, depth);
	return t->str;
}

/* and/or of two values: the block standing for the result.  (libpcap
   master's gen_and/gen_or return it, folding constant operands; ours
   leave it in b1.) */
static struct block *
join(enum tok_kind op, struct block *b0, struct block *b1)
{
	if (op == TK_AND)
		gen_and(b0, b1);
	else
		gen_or(b0, b1);
	return b1;
}


/* ------------------------------------------------------------------------
 * Token classes.
 * --------------------------------------------------------------------- */

/* The protocol qualifier a pname token stands for, 0 if not a pname. */
static int
pname_of(enum tok_kind k)
{
	switch (k) {
	case TK_LINK: return Q_LINK;
	case TK_IP: return Q_IP;
	case TK_ARP: return Q_ARP;
	case TK_RARP: return Q_RARP;
	case TK_SCTP: return Q_SCTP;
	case TK_TCP: return Q_TCP;
	case TK_UDP: return Q_UDP;
	case TK_ICMP: return Q_ICMP;
	case TK_IGMP: return Q_IGMP;
	case TK_IGRP: return Q_IGRP;
	case TK_PIM: return Q_PIM;
	case TK_VRRP: return Q_VRRP;
	case TK_CARP: return Q_CARP;
	case TK_ATALK: return Q_ATALK;
	case TK_AARP: return Q_AARP;
	case TK_DECNET: return Q_DECNET;
	case TK_LAT: return Q_LAT;
	case TK_SCA: return Q_SCA;
	case TK_MOPDL: return Q_MOPDL;
	case TK_MOPRC: return Q_MOPRC;
	case TK_IPV6: return Q_IPV6;
	case TK_ICMPV6: return Q_ICMPV6;
	case TK_AH: return Q_AH;
	case TK_ESP: return Q_ESP;
	case TK_ISO: return Q_ISO;
	case TK_ESIS: return Q_ESIS;
	case TK_ISIS: return Q_ISIS;
	case TK_L1: return Q_ISIS_L1;
	case TK_L2: return Q_ISIS_L2;
	case TK_IIH: return Q_ISIS_IIH;
	case TK_LSP: return Q_ISIS_LSP;
	case TK_SNP: return Q_ISIS_SNP;
	case TK_PSNP: return Q_ISIS_PSNP;
	case TK_CSNP: return Q_ISIS_CSNP;
	case TK_CLNP: return Q_CLNP;
	case TK_STP: return Q_STP;
	case TK_IPX: return Q_IPX;
	case TK_NETBEUI: return Q_NETBEUI;
	case TK_RADIO: return Q_RADIO;
	default: return 0;
	}
}

/* Tokens that may follow a protocol qualifier inside a head. */
static int
starts_head_rest(enum tok_kind k)
{
	switch (k) {
	case TK_SRC: case TK_DST:
	case TK_ADDR1: case TK_ADDR2: case TK_ADDR3: case TK_ADDR4:
	case TK_RA: case TK_TA:
	case TK_HOST: case TK_NET: case TK_PORT: case TK_PORTRANGE:
	case TK_PROTO: case TK_PROTOCHAIN: case TK_GATEWAY:
		return 1;
	default:
		return 0;
	}
}

/* Binary arithmetic operators other than '%' and '^': precedence (1 is
   lowest) and BPF ALU code; 0 if not one. */
static int
arith_prec(enum tok_kind k)
{
	switch (k) {
	case TK_PIPE: return 1;
	case TK_AMP: return 2;
	case TK_LSH: case TK_RSH: return 3;
	case TK_PLUS: case TK_MINUS: return 4;
	case TK_STAR: case TK_SLASH: return 5;
	default: return 0;
	}
}

static int
arith_code(enum tok_kind k)
{
	switch (k) {
	case TK_PIPE: return BPF_OR;
	case TK_AMP: return BPF_AND;
	case TK_LSH: return BPF_LSH;
	case TK_RSH: return BPF_RSH;
	case TK_PLUS: return BPF_ADD;
	case TK_MINUS: return BPF_SUB;
	case TK_STAR: return BPF_MUL;
	case TK_SLASH: return BPF_DIV;
	case TK_PERCENT: return BPF_MOD;
	case TK_CARET: return BPF_XOR;
	default: return 0;
	}
}

/* relop ('>' '>=' '='): jump code, reversed 0; irelop ('<=' '<' '!='):
   the complementary code, reversed 1.  Returns 0 if k is neither. */
static int
relop_of(enum tok_kind k, int *reversed)
{
	*reversed = 0;
	switch (k) {
	case TK_GT: return BPF_JGT;
	case TK_GEQ: return BPF_JGE;
	case TK_EQ: return BPF_JEQ;
	default: break;
	}
	*reversed = 1;
	switch (k) {
	case TK_LEQ: return BPF_JGT;
	case TK_LT: return BPF_JGE;
	case TK_NEQ: return BPF_JEQ;
	default: return 0;
	}
}

/* ------------------------------------------------------------------------
 * Primitives: bounded, parsed by plain functions.  The depth arguments of
 * take/expect say how high each token sits on bison's stack within the
 * primitive (a keyword that bison reduces at once to a qualifier still
 * holds its one entry).
 * --------------------------------------------------------------------- */

/* pnum after base entries: NUM, or NUM in any number of parentheses (no
   recursion). */
static bpf_u_int32
parse_pnum(struct parser *P, int base)
{
	int open = 0, i;
	bpf_u_int32 v;

	while (kind(P) == TK_LPAREN)
		take(P, base + ++open);
	v = expect_num(P, base + open + 1);
	/* each ')' comes after its parens and the pnum they hold */
	for (i = open; i > 0; i--)
		expect(P, TK_RPAREN, base + i + 2);
	return v;
}

/* libpcap rejects port/portrange/proto/protochain on address literals in
   the grammar, before the generator sees them. */
static void
check_addr_qual(struct parser *P, const struct token *t, struct qual q,
    const char *what)
{
	const char *name;

	switch (q.addr) {
	case Q_PORT: name = "port"; break;
	case Q_PORTRANGE: name = "portrange"; break;
	case Q_PROTO: name = "proto"; break;
	case Q_PROTOCHAIN: name = "protochain"; break;
	default: return;
	}
	sem_error(P, t, "'%s' qualifier applied to %s", name, what);
}

/* An address or name (cur is ID, HID, HID6, EID or AID) with the
   qualifiers inherited from prev. */
static struct pv
parse_nid(struct parser *P, struct pv prev)
{
	struct token t = *cur(P), t2;
	struct pv v;
	bpf_u_int32 n;

	v.q = prev.q;
	take(P, 1);
	switch (t.kind) {
	case TK_ID:
		v.b = gen_scode(P->cc, t.str, v.q);
		break;
	case TK_HID:
		if (kind(P) == TK_SLASH) {
			take(P, 2);
			n = expect_num(P, 3);
			check_addr_qual(P, &t, v.q,
			    "IPv4 address and prefix length");
			v.b = gen_mcode(P->cc, t.str, NULL, n, v.q);
		} else if (kind(P) == TK_NETMASK) {
			take(P, 2);
			if (kind(P) != TK_HID)
				syntax_error(P);
			t2 = *cur(P);
			take(P, 3);
			check_addr_qual(P, &t, v.q, "IPv4 address and netmask");
			v.b = gen_mcode(P->cc, t.str, t2.str, 0, v.q);
		} else {
			check_addr_qual(P, &t, v.q, "IPv4 address");
			v.b = gen_ncode(P->cc, t.str, 0, v.q);
		}
		break;
	case TK_HID6:
		if (kind(P) == TK_SLASH) {
			take(P, 2);
			n = expect_num(P, 3);
			if (t.str == NULL)	/* invalid, message set */
				syntax_error(P);
			check_addr_qual(P, &t, v.q,
			    "IPv6 address and prefix length");
			v.b = gen_mcode6(P->cc, t.str, n, v.q);
		} else {
			if (t.str == NULL)
				syntax_error(P);
			check_addr_qual(P, &t, v.q, "IPv6 address");
			v.b = gen_mcode6(P->cc, t.str, 128, v.q);
		}
		break;
	case TK_EID:
		if (t.str == NULL)
			syntax_error(P);
		v.b = gen_ecode(P->cc, t.str, v.q);
		break;
	default:	/* TK_AID */
		v.b = gen_acode(P->cc, t.str, v.q);
		break;
	}
	return v;
}

/* head, after the optional protocol qualifier proto (already shifted as
   the first entry if there is one; bison reduces an empty pqual there
   otherwise); returns the qualifiers for the id that follows. */
static struct qual
parse_head(struct parser *P, int proto)
{
	struct qual q;
	enum tok_kind k = kind(P), other;
	int dir = -1;

	if (proto == Q_DEFAULT)
		push_check(P, 1);
	q.proto = (unsigned char)proto;
	q.dir = Q_DEFAULT;
	q.addr = Q_DEFAULT;
	q.pad = 0;
	switch (k) {
	case TK_SRC:
	case TK_DST:
		take(P, 2);
		other = k == TK_SRC ? TK_DST : TK_SRC;
		dir = k == TK_SRC ? Q_SRC : Q_DST;
		if (kind(P) == TK_OR || kind(P) == TK_AND) {
			dir = kind(P) == TK_OR ? Q_OR : Q_AND;
			take(P, 3);
			expect(P, other, 4);
		}
		break;
	case TK_ADDR1: dir = Q_ADDR1; break;
	case TK_ADDR2: dir = Q_ADDR2; break;
	case TK_ADDR3: dir = Q_ADDR3; break;
	case TK_ADDR4: dir = Q_ADDR4; break;
	case TK_RA: dir = Q_RA; break;
	case TK_TA: dir = Q_TA; break;
	default: break;
	}
	if (dir >= 0) {
		if (k != TK_SRC && k != TK_DST)
			take(P, 2);
		q.dir = (unsigned char)dir;
		switch (kind(P)) {
		case TK_HOST: q.addr = Q_HOST; take(P, 3); break;
		case TK_NET: q.addr = Q_NET; take(P, 3); break;
		case TK_PORT: q.addr = Q_PORT; take(P, 3); break;
		case TK_PORTRANGE: q.addr = Q_PORTRANGE; take(P, 3); break;
		default: break;
		}
		return q;
	}
	switch (k) {
	case TK_HOST: q.addr = Q_HOST; break;
	case TK_NET: q.addr = Q_NET; break;
	case TK_PORT: q.addr = Q_PORT; break;
	case TK_PORTRANGE: q.addr = Q_PORTRANGE; break;
	case TK_PROTO: q.addr = Q_PROTO; break;
	case TK_PROTOCHAIN: q.addr = Q_PROTOCHAIN; break;
	case TK_GATEWAY: q.addr = Q_GATEWAY; break;
	default: syntax_error(P);
	}
	take(P, 2);
	return q;
}

/* [wlan] type T [subtype S] | subtype S | dir D; cur is TYPE/SUBTYPE/DIR,
   after a pqual (pname or empty) as the first entry. */
static struct block *
parse_p80211(struct parser *P)
{
	struct token t;
	bpf_u_int32 v;
	int type, sub;

	switch (kind(P)) {
	case TK_TYPE:
		take(P, 2);
		t = *cur(P);
		if (t.kind == TK_NUM) {
			take(P, 3);
			if ((t.num & ~(bpf_u_int32)PN_WLAN_TYPE_MASK) != 0)
				sem_error(P, &t, "invalid 802.11 type value 0x%02x",
				    t.num);
			type = (int)t.num;
		} else {
			expect_id(P, &t, 3);
			type = pn_wlan_type(t.str);
			if (type == -1)
				sem_error(P, &t, "unknown 802.11 type name \"%s\"",
				    t.str);
		}
		if (kind(P) != TK_SUBTYPE)
			return gen_p80211_type(P->cc, (bpf_u_int32)type,
			    PN_WLAN_TYPE_MASK);
		take(P, 4);
		t = *cur(P);
		if (t.kind == TK_NUM) {
			take(P, 5);
			if ((t.num & ~(bpf_u_int32)PN_WLAN_SUBTYPE_MASK) != 0)
				sem_error(P, &t,
				    "invalid 802.11 subtype value 0x%02x", t.num);
			sub = (int)t.num;
		} else {
			expect_id(P, &t, 5);
			sub = pn_wlan_subtype(type, t.str);
			if (sub == -2)
				sem_error(P, &t, "unknown 802.11 type");
			if (sub == -1)
				sem_error(P, &t,
				    "unknown 802.11 subtype name \"%s\"", t.str);
		}
		return gen_p80211_type(P->cc, (bpf_u_int32)(type | sub),
		    PN_WLAN_TYPE_MASK | PN_WLAN_SUBTYPE_MASK);
	case TK_SUBTYPE:
		take(P, 2);
		expect_id(P, &t, 3);
		sub = pn_wlan_type_subtype(t.str);
		if (sub == -1)
			sem_error(P, &t, "unknown 802.11 type name");
		return gen_p80211_type(P->cc, (bpf_u_int32)sub,
		    PN_WLAN_TYPE_MASK | PN_WLAN_SUBTYPE_MASK);
	default:	/* TK_DIR */
		take(P, 2);
		t = *cur(P);
		if (t.kind == TK_NUM) {
			take(P, 3);
			v = t.num;
			if ((v & ~(bpf_u_int32)PN_WLAN_DIR_MASK) != 0)
				sem_error(P, &t,
				    "invalid 802.11 direction value 0x%x", v);
		} else {
			expect_id(P, &t, 3);
			if (pn_wlan_dir(t.str) < 0)
				sem_error(P, &t, "unknown 802.11 direction");
			v = (bpf_u_int32)pn_wlan_dir(t.str);
		}
		return gen_p80211_fcdir(P->cc, v);
	}
}

static int
is_letter(const char *s, char c)
{
	return s[0] != '\0' && s[1] == '\0' && (s[0] | 0x20) == c;
}

/* llc [i|s|u|<S or U frame name>|rnr]; cur is LLC. */
static struct block *
parse_llc(struct parser *P)
{
	struct token t;
	int sub;

	take(P, 1);
	if (kind(P) == TK_PF_RNR) {
		take(P, 2);
		return gen_llc_s_subtype(P->cc, PN_LLC_RNR);
	}
	if (kind(P) != TK_ID)
		return gen_llc(P->cc);
	expect_id(P, &t, 2);
	if (is_letter(t.str, 'i'))
		return gen_llc_i(P->cc);
	if (is_letter(t.str, 's'))
		return gen_llc_s(P->cc);
	if (is_letter(t.str, 'u'))
		return gen_llc_u(P->cc);
	if ((sub = pn_llc_s_subtype(t.str)) != -1)
		return gen_llc_s_subtype(P->cc, (bpf_u_int32)sub);
	if ((sub = pn_llc_u_subtype(t.str)) == -1)
		sem_error(P, &t, "unknown LLC type name \"%s\"", t.str);
	return gen_llc_u_subtype(P->cc, (bpf_u_int32)sub);
}

/* pf(4) log fields; cur is one of the PF_ tokens. */
static struct block *
parse_pfvar(struct parser *P)
{
	enum tok_kind k = kind(P);
	struct token t;
	int v;

	take(P, 1);
	switch (k) {
	case TK_PF_IFNAME:
		return gen_pf_ifname(P->cc, expect_id(P, &t, 2));
	case TK_PF_RSET:
		return gen_pf_ruleset(P->cc, expect_id(P, &t, 2));
	case TK_PF_RNR:
		return gen_pf_rnr(P->cc, (int)expect_num(P, 2));
	case TK_PF_SRNR:
		return gen_pf_srnr(P->cc, (int)expect_num(P, 2));
	case TK_PF_REASON:
		if (kind(P) == TK_NUM)
			return gen_pf_reason(P->cc, (int)expect_num(P, 2));
		expect_id(P, &t, 2);
		if ((v = pn_pf_reason(t.str)) == -1)
			sem_error(P, &t, "unknown PF reason \"%s\"", t.str);
		return gen_pf_reason(P->cc, v);
	default:	/* TK_PF_ACTION */
		expect_id(P, &t, 2);
		if ((v = pn_pf_action(t.str)) == -1)
			sem_error(P, &t, "unknown PF action \"%s\"", t.str);
		return gen_pf_action(P->cc, v);
	}
}

/* The value after vpi/vci (atm) or sio/opc/dpc/sls and their h-forms
   (mtp3): NUM, relop NUM, or (NUM or NUM ...); the field keyword is the
   first entry. */
static struct block *
field_code(struct parser *P, int mtp3, int field, bpf_u_int32 v, int code,
    int reversed)
{
	return mtp3 ? gen_mtp3field_code(P->cc, field, v, code, reversed)
		    : gen_atmfield_code(P->cc, field, v, code, reversed);
}

static struct block *
parse_field_value(struct parser *P, int mtp3, int field)
{
	struct block *b, *b2;
	int code, rev;

	if (kind(P) == TK_NUM)
		return field_code(P, mtp3, field, expect_num(P, 2), BPF_JEQ, 0);
	if ((code = relop_of(kind(P), &rev)) != 0) {
		take(P, 2);
		return field_code(P, mtp3, field, expect_num(P, 3), code, rev);
	}
	expect(P, TK_LPAREN, 2);
	b = field_code(P, mtp3, field, expect_num(P, 3), BPF_JEQ, 0);
	while (kind(P) == TK_OR) {
		take(P, 4);
		b2 = field_code(P, mtp3, field, expect_num(P, 5), BPF_JEQ, 0);
		b = join(TK_OR, b, b2);
	}
	expect(P, TK_RPAREN, 4);
	return b;
}

/* An encapsulation keyword with an optional pnum argument. */
static struct block *
parse_encap(struct parser *P, enum tok_kind k)
{
	bpf_u_int32 v = 0;
	int has = 0;

	take(P, 1);
	if (k != TK_PPPOED &&
	    (kind(P) == TK_NUM || kind(P) == TK_LPAREN)) {
		v = parse_pnum(P, 1);
		has = 1;
	}
	switch (k) {
	case TK_VLAN: return gen_vlan(P->cc, v, has);
	case TK_MPLS: return gen_mpls(P->cc, v, has);
	case TK_PPPOED: return gen_pppoed(P->cc);
	case TK_PPPOES: return gen_pppoes(P->cc, v, has);
	case TK_GENEVE: return gen_geneve(P->cc, v, has);
	default: return gen_vxlan(P->cc, v, has);
	}
}

/* A term that starts with a pname, the pname (proto) shifted and not
   followed by '['.  Returns 1 with the term in *v, or 0 after a head,
   whose qualifiers are then in v->q: the id follows. */
static int
parse_after_pname(struct parser *P, int proto, struct pv *v)
{
	v->q = qerr;
	switch (kind(P)) {
	case TK_AND: case TK_OR: case TK_RPAREN: case TK_END:
		v->b = gen_proto_abbrev(P->cc, proto);
		return 1;
	case TK_BROADCAST:
		take(P, 2);
		v->b = gen_broadcast(P->cc, proto);
		return 1;
	case TK_MULTICAST:
		take(P, 2);
		v->b = gen_multicast(P->cc, proto);
		return 1;
	case TK_TYPE: case TK_SUBTYPE: case TK_DIR:
		v->b = parse_p80211(P);
		return 1;
	default:
		if (!starts_head_rest(kind(P)))
			syntax_error(P);
		v->q = parse_head(P, proto);
		return 0;
	}
}

/* A term that is not a pname, '(' , '!', a number or arithmetic: 1 with
   the term in *v, or 0 after a head (as parse_after_pname). */
static int
parse_other_term(struct parser *P, struct pv *v)
{
	enum tok_kind k = kind(P);
	bpf_u_int32 a, b;
	int op;

	v->q = qerr;
	switch (k) {
	case TK_BROADCAST:
		push_check(P, 1);	/* empty pqual */
		take(P, 2);
		v->b = gen_broadcast(P->cc, Q_DEFAULT);
		return 1;
	case TK_MULTICAST:
		push_check(P, 1);
		take(P, 2);
		v->b = gen_multicast(P->cc, Q_DEFAULT);
		return 1;
	case TK_TYPE: case TK_SUBTYPE: case TK_DIR:
		push_check(P, 1);
		v->b = parse_p80211(P);
		return 1;
	case TK_LESS:
		take(P, 1);
		v->b = gen_less(P->cc, (int)expect_num(P, 2));
		return 1;
	case TK_GREATER:
		take(P, 1);
		v->b = gen_greater(P->cc, (int)expect_num(P, 2));
		return 1;
	case TK_CBYTE:
		take(P, 1);
		a = expect_num(P, 2);
		switch (kind(P)) {
		case TK_AMP: op = '&'; break;
		case TK_PIPE: op = '|'; break;
		case TK_LT: op = '<'; break;
		case TK_GT: op = '>'; break;
		case TK_EQ: op = '='; break;
		default: syntax_error(P);
		}
		take(P, 3);
		b = expect_num(P, 4);
		v->b = gen_byteop(P->cc, op, (int)a, b);
		return 1;
	case TK_INBOUND:
	case TK_OUTBOUND:
		take(P, 1);
		v->b = gen_inbound_outbound(P->cc, k == TK_OUTBOUND);
		return 1;
	case TK_IFINDEX:
		take(P, 1);
		v->b = gen_ifindex(P->cc, (int)expect_num(P, 2));
		return 1;
	case TK_VLAN: case TK_MPLS: case TK_PPPOED: case TK_PPPOES:
	case TK_GENEVE: case TK_VXLAN:
		v->b = parse_encap(P, k);
		return 1;
	case TK_PF_IFNAME: case TK_PF_RSET: case TK_PF_RNR: case TK_PF_SRNR:
	case TK_PF_REASON: case TK_PF_ACTION:
		v->b = parse_pfvar(P);
		return 1;
	case TK_LLC:
		v->b = parse_llc(P);
		return 1;
	case TK_LANE: case TK_METAC: case TK_BCC: case TK_OAMF4EC:
	case TK_OAMF4SC: case TK_SC: case TK_ILMIC: {
		static const struct { enum tok_kind k; int a; } atm[] = {
			{ TK_LANE, A_LANE }, { TK_METAC, A_METAC },
			{ TK_BCC, A_BCC }, { TK_OAMF4EC, A_OAMF4EC },
			{ TK_OAMF4SC, A_OAMF4SC }, { TK_SC, A_SC },
			{ TK_ILMIC, A_ILMIC },
		};
		size_t i;

		take(P, 1);
		for (i = 0; atm[i].k != k; i++)
			continue;
		v->b = gen_atmtype_abbrev(P->cc, atm[i].a);
		return 1;
	}
	case TK_OAM: case TK_OAMF4: case TK_CONNECTMSG: case TK_METACONNECT:
		take(P, 1);
		v->b = gen_atmmulti_abbrev(P->cc,
		    k == TK_OAM ? A_OAM : k == TK_OAMF4 ? A_OAMF4 :
		    k == TK_CONNECTMSG ? A_CONNECTMSG : A_METACONNECT);
		return 1;
	case TK_VPI: case TK_VCI:
		take(P, 1);
		v->b = parse_field_value(P, 0, k == TK_VPI ? A_VPI : A_VCI);
		return 1;
	case TK_FISU: case TK_LSSU: case TK_MSU:
	case TK_HFISU: case TK_HLSSU: case TK_HMSU:
		take(P, 1);
		v->b = gen_mtp2type_abbrev(P->cc,
		    k == TK_FISU ? M_FISU : k == TK_LSSU ? M_LSSU :
		    k == TK_MSU ? M_MSU : k == TK_HFISU ? MH_FISU :
		    k == TK_HLSSU ? MH_LSSU : MH_MSU);
		return 1;
	case TK_SIO: case TK_OPC: case TK_DPC: case TK_SLS:
	case TK_HSIO: case TK_HOPC: case TK_HDPC: case TK_HSLS: {
		static const struct { enum tok_kind k; int f; } mtp[] = {
			{ TK_SIO, M_SIO }, { TK_OPC, M_OPC }, { TK_DPC, M_DPC },
			{ TK_SLS, M_SLS }, { TK_HSIO, MH_SIO },
			{ TK_HOPC, MH_OPC }, { TK_HDPC, MH_DPC },
			{ TK_HSLS, MH_SLS },
		};
		size_t i;

		take(P, 1);
		for (i = 0; mtp[i].k != k; i++)
			continue;
		v->b = parse_field_value(P, 1, mtp[i].f);
		return 1;
	}
	default:
		if (!starts_head_rest(k))
			syntax_error(P);
		v->q = parse_head(P, Q_DEFAULT);
		return 0;
	}
}

/* ------------------------------------------------------------------------
 * The frame stack.
 * --------------------------------------------------------------------- */

/* A new frame holding entries of bison's stack (checked by the caller
   when its tokens were shifted).  Frames live in the arena: the array
   doubles, the old copy is left to the arena. */
static struct frame *
push(struct parser *P, enum frame_kind k, int entries)
{
	struct frame *f;

	if (P->nfr == P->cap) {
		size_t cap = P->cap ? 2 * P->cap : 8;
		struct frame *fr = cc_alloc(P->cc, cap * sizeof(*fr));

		if (P->nfr > 0)
			memcpy(fr, P->fr, P->nfr * sizeof(*fr));
		P->fr = fr;
		P->cap = cap;
	}
	f = &P->fr[P->nfr++];
	memset(f, 0, sizeof(*f));
	f->kind = k;
	f->entries = entries;
	P->bd += entries;
	return f;
}

static struct frame *
top(struct parser *P)
{
	return &P->fr[P->nfr - 1];
}

/* Drop the top frame (pointers to it die). */
static void
pop(struct parser *P)
{
	P->bd -= top(P)->entries;
	P->nfr--;
}

/* Bison's stack under a frame changes as its construct is reduced. */
static void
set_entries(struct parser *P, struct frame *f, int entries)
{
	P->bd += entries - f->entries;
	f->entries = entries;
}

/* ------------------------------------------------------------------------
 * The loop.  Each step does what one function of a recursive-descent
 * parser would, with its continuation kept in the frames:
 *
 *   S_ELEM          read an element (leading '!'s, then an id, a term,
 *                   arithmetic or a parenthesized something), allowed what
 *                   m->allow says, inheriting from m->prev
 *   S_ELEM_DONE     m->e is complete: the frame on top takes it
 *   S_OPERAND       read an arithmetic operand ('-'s, then a primary)
 *   S_PRIMARY_DONE  m->a is a primary: a '%'/'^' right side may follow
 *   S_OPERAND_DONE  m->a is an operand: apply '-'s, then binary operators
 *                   (precedence by reducing pending ones as bison does)
 *   S_ARITH_DONE    m->a is a whole arithmetic expression: the frame on
 *                   top takes it (accessor, '%', relation, parentheses)
 * --------------------------------------------------------------------- */

enum step {
	S_ELEM, S_ELEM_DONE, S_OPERAND, S_PRIMARY_DONE, S_OPERAND_DONE,
	S_ARITH_DONE, S_FINISHED
};

struct machine {
	enum step st;
	struct pv prev;		/* S_ELEM */
	unsigned allow;		/* S_ELEM */
	struct elem e;		/* S_ELEM_DONE */
	struct arth *a;		/* S_*_DONE of arithmetic */
};

static void
elem_done(struct machine *m, enum elem_kind k)
{
	m->e.kind = k;
	m->st = S_ELEM_DONE;
}

/* Arithmetic begins where an element may stand (allow): it becomes a
   relation if a relop follows it, else parenthesized arithmetic. */
static void
begin_arith(struct parser *P, unsigned allow)
{
	push(P, FR_ARITH, 0)->allow = allow;
}

/* pname '[' with the pname shifted (cur is '['); the offset follows. */
static void
open_index(struct parser *P, struct machine *m, int proto)
{
	expect(P, TK_LBRACKET, 2);
	push(P, FR_INDEX, 2)->n = proto;
	m->st = S_OPERAND;
}

/* A number (pnum) n has been read (its one entry on bison's stack): an
   operand of arithmetic, a number in parentheses, or an id ("port 80",
   "host a or 10"). */
static void
pnum_done(struct parser *P, struct machine *m, bpf_u_int32 n)
{
	unsigned allow = m->allow;

	memset(&m->e, 0, sizeof(m->e));
	/* where only an id can follow, libpcap reduces without looking
	   ahead: the id is made before the next token is scanned */
	if ((allow & ~(unsigned)A_FIRST) != A_ID) {
		enum tok_kind k = kind(P);
		/* what may follow an id; on anything else libpcap's default
		   action makes the number arithmetic (and then fails) */
		int id_follows = k == TK_AND || k == TK_OR || k == TK_RPAREN ||
		    k == TK_END;

		if ((allow & A_RAWNUM) && k == TK_RPAREN) {
			m->e.num = n;
			elem_done(m, EK_NUM);
			return;
		}
		if ((allow & (A_TERM | A_NARTH)) &&
		    (!id_follows || !(allow & A_ID))) {
			begin_arith(P, allow);
			m->a = gen_loadi(P->cc, n);
			m->st = S_PRIMARY_DONE;
			return;
		}
		if (!(allow & A_ID))
			syntax_error(P);
	}
	m->e.v.q = m->prev.q;
	m->e.v.b = gen_ncode(P->cc, NULL, n, m->e.v.q);
	elem_done(m, EK_ID);
}

/* cur is '(' of an element that may be what m->allow says. */
static void
open_paren(struct parser *P, struct machine *m)
{
	unsigned allow = m->allow, inner = 0;
	struct frame *f;

	if ((allow & (A_ID | A_FIRST)) == A_ID)
		inner |= A_ID | A_RAWNUM;	/* ( pid ), ( pnum ) */
	else if (allow & A_ID)
		inner |= A_RAWNUM;		/* ( pnum ) only */
	if (allow & A_TERM)
		inner |= A_TERM | A_NARTH | A_RAWNUM;
	if (allow & A_NARTH)
		inner |= A_NARTH | A_RAWNUM;
	if (allow & A_RAWNUM)
		inner |= A_RAWNUM;
	take(P, 1);
	f = push(P, FR_PAREN, 1);
	f->prev = m->prev;
	f->allow = allow;
	m->allow = inner | A_FIRST;
	m->st = S_ELEM;
}

/* S_ELEM */
static void
step_elem(struct parser *P, struct machine *m)
{
	int nots = 0, proto;

	while (kind(P) == TK_NOT) {
		if (!(m->allow & (A_ID | A_TERM)))
			syntax_error(P);
		take(P, ++nots);
	}
	if (nots > 0) {
		m->allow &= A_ID | A_TERM;	/* "! id" may be "! ( pid )" */
		push(P, FR_NOT, nots)->n = nots;
	}
	memset(&m->e, 0, sizeof(m->e));
	switch (kind(P)) {
	case TK_ID: case TK_HID: case TK_HID6: case TK_EID: case TK_AID:
		if (!(m->allow & A_ID))
			syntax_error(P);
		m->e.v = parse_nid(P, m->prev);
		elem_done(m, EK_ID);
		return;
	case TK_NUM:
		pnum_done(P, m, expect_num(P, 1));
		return;
	case TK_LPAREN:
		open_paren(P, m);
		return;
	case TK_MINUS:
	case TK_LEN:
		if (!(m->allow & (A_TERM | A_NARTH)))
			syntax_error(P);
		begin_arith(P, m->allow);
		m->st = S_OPERAND;
		return;
	default:
		break;
	}
	if ((proto = pname_of(kind(P))) != 0) {
		if (!(m->allow & (A_TERM | A_NARTH)))
			syntax_error(P);
		take(P, 1);
		if (kind(P) == TK_LBRACKET) {
			begin_arith(P, m->allow);
			open_index(P, m, proto);
			return;
		}
		if (!(m->allow & A_TERM))
			syntax_error(P);
		if (parse_after_pname(P, proto, &m->e.v)) {
			elem_done(m, EK_TERM);
			return;
		}
	} else {
		if (!(m->allow & A_TERM))
			syntax_error(P);
		if (parse_other_term(P, &m->e.v)) {
			elem_done(m, EK_TERM);
			return;
		}
	}
	/* head id: the id inherits the head's qualifiers */
	push(P, FR_HEAD, 1);
	m->prev.b = NULL;
	m->prev.q = m->e.v.q;
	m->allow = A_ID;
	m->st = S_ELEM;
}

/* The group on top (the whole expression or parentheses) is complete:
   its end must follow. */
static void
close_group(struct parser *P, struct machine *m)
{
	struct frame *f = top(P);
	enum frame_kind k = f->kind;
	struct elem acc = f->acc;

	if (k == FR_TOP) {
		if (kind(P) != TK_END)
			syntax_error(P);
		m->e = acc;
		m->st = S_FINISHED;
		return;
	}
	/* ')' above '(' and the content */
	expect(P, TK_RPAREN, 2);
	m->prev = f->prev;
	m->allow = f->allow;
	pop(P);
	if (k == FR_APAREN) {
		m->a = acc.kind == EK_NUM ? gen_loadi(P->cc, acc.num) : acc.a;
		m->st = S_PRIMARY_DONE;
		return;
	}
	switch (acc.kind) {
	case EK_NUM:
		pnum_done(P, m, acc.num);
		return;
	case EK_NARTH:
		begin_arith(P, m->allow);
		m->a = acc.a;
		m->st = S_PRIMARY_DONE;
		return;
	case EK_TERM:
		/* ( expr ) passes on what preceded its '(' */
		acc.v.q = m->prev.q;
		/* fall through */
	default:
		m->e = acc;	/* ( pid ): the last id's value */
		m->st = S_ELEM_DONE;
		return;
	}
}

/* An element of the group on top is complete: the first one decides
   what the group is (an id list, an expression, or arithmetic or a
   number in parentheses); the next ones are joined as and/or says. */
static void
group_elem(struct parser *P, struct machine *m, struct frame *f)
{
	enum tok_kind op;

	if (!f->in_list) {
		f->in_list = 1;
		f->acc = m->e;
		if (m->e.kind == EK_ID)
			f->list_allow = A_ID;	/* pid: ids only */
		else if (m->e.kind == EK_TERM)
			f->list_allow = A_ID | A_TERM;
		else {
			close_group(P, m);
			return;
		}
	} else {
		/* "expr and term" (or "qid or id") reduces to one entry */
		m->e.v.b = join(f->op, f->acc.v.b, m->e.v.b);
		f->acc.v = m->e.v;
		set_entries(P, f, f->entries - 2);
	}
	if ((op = kind(P)) == TK_AND || op == TK_OR) {
		take(P, 2);	/* above the value so far */
		set_entries(P, f, f->entries + 2);
		f->op = op;
		m->prev = f->acc.v;	/* qualifiers pass along the list */
		m->allow = f->list_allow;
		m->st = S_ELEM;
		return;
	}
	close_group(P, m);
}

/* S_ELEM_DONE */
static void
step_elem_done(struct parser *P, struct machine *m)
{
	struct frame *f = top(P);
	int n;

	switch (f->kind) {
	case FR_NOT:
		n = f->n;
		pop(P);
		while (n-- > 0)
			gen_not(m->e.v.b);
		return;
	case FR_HEAD:
		/* "head id" is a term with the id's qualifiers */
		pop(P);
		m->e.kind = EK_TERM;
		return;
	case FR_TOP:
	case FR_PAREN:
	case FR_APAREN:
		group_elem(P, m, f);
		return;
	default:
		cc_error(P->cc, "internal error: parser frame %d", (int)f->kind);
	}
}

/* S_OPERAND */
static void
step_operand(struct parser *P, struct machine *m)
{
	int nneg = 0, proto;

	while (kind(P) == TK_MINUS)
		take(P, ++nneg);
	if (nneg > 0)
		push(P, FR_NEG, nneg)->n = nneg;
	switch (kind(P)) {
	case TK_NUM:
		m->a = gen_loadi(P->cc, expect_num(P, 1));
		m->st = S_PRIMARY_DONE;
		return;
	case TK_LEN:
		take(P, 1);
		m->a = gen_loadlen(P->cc);
		m->st = S_PRIMARY_DONE;
		return;
	case TK_LPAREN:
		/* arithmetic or a number in parentheses */
		take(P, 1);
		push(P, FR_APAREN, 1);
		m->prev.b = NULL;
		m->prev.q = qerr;
		m->allow = A_NARTH | A_RAWNUM | A_FIRST;
		m->st = S_ELEM;
		return;
	default:
		proto = pname_of(kind(P));
		if (proto == 0)
			syntax_error(P);
		take(P, 1);
		open_index(P, m, proto);
		return;
	}
}

/* S_PRIMARY_DONE: '%' and '^' take everything that follows as their
   right side, binding tighter than the operand's unary minuses (libpcap
   shifts '%' over reducing "-a"). */
static void
step_primary_done(struct parser *P, struct machine *m)
{
	enum tok_kind k = kind(P);
	struct frame *f;

	if (k != TK_PERCENT && k != TK_CARET) {
		m->st = S_OPERAND_DONE;
		return;
	}
	take(P, 2);
	f = push(P, FR_MOD, 2);
	f->a = m->a;
	f->op = k;
	m->st = S_OPERAND;
}

/* S_OPERAND_DONE */
static void
step_operand_done(struct parser *P, struct machine *m)
{
	struct frame *f = top(P);
	struct arth *lhs;
	enum tok_kind op;
	int n, p;

	if (f->kind == FR_NEG) {
		n = f->n;
		pop(P);
		while (n-- > 0)
			m->a = gen_neg(P->cc, m->a);
	}
	/* reduce the pending operators that bind at least as tightly as
	   the next one (all of them at the end of the expression) */
	p = arith_prec(kind(P));
	while (P->nfr > 0 && (f = top(P))->kind == FR_BINOP &&
	    arith_prec(f->op) >= p) {
		lhs = f->a;
		op = f->op;
		pop(P);
		m->a = gen_arth(P->cc, arith_code(op), lhs, m->a);
	}
	if (p == 0) {
		m->st = S_ARITH_DONE;
		return;
	}
	op = kind(P);
	take(P, 2);
	f = push(P, FR_BINOP, 2);
	f->a = m->a;
	f->op = op;
	m->st = S_OPERAND;
}

/* S_ARITH_DONE */
static void
step_arith_done(struct parser *P, struct machine *m)
{
	struct frame *f = top(P);
	bpf_u_int32 size = 1;
	struct arth *lhs;
	int code, rev;

	switch (f->kind) {
	case FR_MOD:
		lhs = f->a;
		code = arith_code(f->op);
		pop(P);
		m->a = gen_arth(P->cc, code, lhs, m->a);
		m->st = S_OPERAND_DONE;
		return;
	case FR_INDEX:
		/* pname '[' arth [':' NUM] ']' */
		if (kind(P) == TK_COLON) {
			take(P, 2);
			size = expect_num(P, 3);
			expect(P, TK_RBRACKET, 4);
		} else {
			expect(P, TK_RBRACKET, 2);
		}
		code = f->n;
		pop(P);
		m->a = gen_load(P->cc, code, m->a, size);
		m->st = S_PRIMARY_DONE;
		return;
	case FR_ARITH:
		if ((f->allow & A_TERM) &&
		    (code = relop_of(kind(P), &rev)) != 0) {
			take(P, 2);	/* above the left side */
			f->kind = FR_REL;
			set_entries(P, f, 2);
			f->a = m->a;
			f->n = code;
			f->rev = rev;
			m->st = S_OPERAND;
			return;
		}
		if (!(f->allow & A_NARTH))
			syntax_error(P);
		pop(P);
		memset(&m->e, 0, sizeof(m->e));
		m->e.a = m->a;
		elem_done(m, EK_NARTH);
		return;
	case FR_REL:
		lhs = f->a;
		code = f->n;
		rev = f->rev;
		pop(P);
		memset(&m->e, 0, sizeof(m->e));
		m->e.v.q = qerr;
		m->e.v.b = gen_relation(P->cc, code, lhs, m->a, rev);
		elem_done(m, EK_TERM);
		return;
	default:
		cc_error(P->cc, "internal error: parser frame %d", (int)f->kind);
	}
}

/* Run the steps until the whole expression is read; its value. */
static struct pv
parse_loop(struct parser *P)
{
	struct machine m;

	memset(&m, 0, sizeof(m));
	push(P, FR_TOP, 0);
	m.st = S_ELEM;
	m.prev.q = qerr;
	m.allow = A_TERM;
	for (;;) {
		switch (m.st) {
		case S_ELEM: step_elem(P, &m); break;
		case S_ELEM_DONE: step_elem_done(P, &m); break;
		case S_OPERAND: step_operand(P, &m); break;
		case S_PRIMARY_DONE: step_primary_done(P, &m); break;
		case S_OPERAND_DONE: step_operand_done(P, &m); break;
		case S_ARITH_DONE: step_arith_done(P, &m); break;
		case S_FINISHED: return m.e.v;
		}
	}
}

/* ------------------------------------------------------------------------
 * Entry point.
 * --------------------------------------------------------------------- */

void
parse_filter(struct cc *cc)
{
	struct parser P;
	struct pv v;

	memset(&P, 0, sizeof(P));
	P.cc = cc;
	P.bd = 2;		/* bison's initial state and "null" */
	lex_init(&P.lx, cc);
	if (kind(&P) == TK_END)
		return;		/* empty: compile.c accepts everything */
	v = parse_loop(&P);
	gen_finish(cc, v.b);
}
