/*
 * parser.c - the filter grammar: a recursive-descent parser that accepts
 * exactly libpcap's LALR grammar (grammar.y) and calls the code generator
 * (gen.h) in the same order libpcap's reductions do, since that order
 * decides block numbers and scratch registers.
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
 * Nesting (parentheses, and '%'/'^' right sides) is bounded by
 * CC_MAX_NESTING; '!' chains and and/or lists are iterated, so a
 * 100,000-term list or a long '!' chain costs no stack.
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

/* A parsed value: a block list and the qualifiers later ids inherit
   (libpcap's "blk"). */
struct pv {
	struct block *b;
	struct qual q;
};

static const struct qual qerr = { Q_UNDEF, Q_UNDEF, Q_UNDEF, Q_UNDEF };

struct parser {
	struct cc *cc;
	struct lexer lx;
	struct token tok;	/* the lookahead, valid when have_tok */
	int have_tok;
	int depth;		/* current nesting, <= CC_MAX_NESTING */
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

static void
expect(struct parser *P, enum tok_kind k)
{
	if (kind(P) != k)
		syntax_error(P);
	consume(P);
}

/* Consume a NUM token and return its value. */
static bpf_u_int32
expect_num(struct parser *P)
{
	bpf_u_int32 v;

	if (kind(P) != TK_NUM)
		syntax_error(P);
	v = cur(P)->num;
	consume(P);
	return v;
}

/* Consume an ID token, return it and its text. */
static const char *
expect_id(struct parser *P, struct token *t)
{
	if (kind(P) != TK_ID)
		syntax_error(P);
	*t = *cur(P);
	consume(P);
	return t->str;
}

static void
enter(struct parser *P)
{
	if (++P->depth > CC_MAX_NESTING) {
		const struct token *t = cur(P);

		lex_set_pos(P->cc, t->offset, t->len);
		cc_error(P->cc, "can't parse filter expression: nested more "
		    "than %d levels deep", CC_MAX_NESTING);
	}
}

static void
leave(struct parser *P)
{
	P->depth--;
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
 * Arithmetic.
 * --------------------------------------------------------------------- */

static struct arth *parse_arith_full(struct parser *P);

/* What may stand where the grammar allows several things (see
   parse_elem). */
#define A_ID		0x01	/* an id */
#define A_TERM		0x02	/* a term */
#define A_NARTH		0x04	/* arithmetic that is not a bare number */
#define A_RAWNUM	0x08	/* a number in parentheses, not yet used */
#define A_FIRST		0x10	/* first element after '(': an id there may
				   not itself be "( pid )" (libpcap's pid
				   starts with an id name, a number or '!') */

enum elem_kind { EK_ID, EK_TERM, EK_NARTH, EK_NUM };

struct elem {
	enum elem_kind kind;
	struct pv v;		/* EK_ID, EK_TERM */
	struct arth *a;		/* EK_NARTH */
	bpf_u_int32 num;	/* EK_NUM */
};

static struct elem parse_paren_content(struct parser *P, struct pv prev,
    unsigned allow);

/* pname '[' arth [':' NUM] ']' after the pname; cur is '['. */
static struct arth *
parse_index(struct parser *P, int proto)
{
	struct arth *idx;
	bpf_u_int32 size = 1;

	expect(P, TK_LBRACKET);
	idx = parse_arith_full(P);
	if (kind(P) == TK_COLON) {
		consume(P);
		size = expect_num(P);
	}
	expect(P, TK_RBRACKET);
	return gen_load(P->cc, proto, idx, size);
}

/* An operand without unary minus: a number, len, an accessor, or
   parentheses around arithmetic or a number. */
static struct arth *
parse_primary(struct parser *P)
{
	struct pv none = { NULL, qerr };
	struct elem in;
	int proto;

	switch (kind(P)) {
	case TK_NUM:
		return gen_loadi(P->cc, expect_num(P));
	case TK_LEN:
		consume(P);
		return gen_loadlen(P->cc);
	case TK_LPAREN:
		enter(P);
		consume(P);
		in = parse_paren_content(P, none, A_NARTH | A_RAWNUM);
		leave(P);
		return in.kind == EK_NUM ? gen_loadi(P->cc, in.num) : in.a;
	default:
		proto = pname_of(kind(P));
		if (proto == 0)
			syntax_error(P);
		consume(P);
		return parse_index(P, proto);
	}
}

/* '%' and '^' after operand a: the right side is all that follows. */
static struct arth *
mod_chain(struct parser *P, struct arth *a)
{
	enum tok_kind k = kind(P);
	struct arth *r;

	if (k != TK_PERCENT && k != TK_CARET)
		return a;
	consume(P);
	enter(P);
	r = parse_arith_full(P);
	leave(P);
	return gen_arth(P->cc, arith_code(k), a, r);
}

/* An operand: unary minuses, a primary, and a '%'/'^' tail, which binds
   tighter than the minuses (libpcap shifts '%' over reducing "-a"). */
static struct arth *
parse_operand(struct parser *P)
{
	size_t nneg = 0;
	struct arth *a;

	while (kind(P) == TK_MINUS) {
		consume(P);
		nneg++;
	}
	a = mod_chain(P, parse_primary(P));
	while (nneg-- > 0)
		a = gen_neg(P->cc, a);
	return a;
}

/* Precedence climbing over the binary operators of precedence >= min,
   lhs being the operand already parsed. */
static struct arth *
climb(struct parser *P, struct arth *lhs, int min)
{
	enum tok_kind op;
	struct arth *rhs;
	int p;

	while ((p = arith_prec(op = kind(P))) >= min && p > 0) {
		consume(P);
		rhs = parse_operand(P);
		while (arith_prec(kind(P)) > p)
			rhs = climb(P, rhs, p + 1);
		lhs = gen_arth(P->cc, arith_code(op), lhs, rhs);
	}
	return lhs;
}

static struct arth *
parse_arith_full(struct parser *P)
{
	return climb(P, parse_operand(P), 1);
}

/* The rest of an arithmetic expression whose first primary is a. */
static struct arth *
parse_arith_rest(struct parser *P, struct arth *a)
{
	return climb(P, mod_chain(P, a), 1);
}

/* pnum: NUM, or NUM in any number of parentheses (no recursion). */
static bpf_u_int32
parse_pnum(struct parser *P)
{
	size_t open = 0;
	bpf_u_int32 v;

	while (kind(P) == TK_LPAREN) {
		consume(P);
		open++;
	}
	v = expect_num(P);
	while (open-- > 0)
		expect(P, TK_RPAREN);
	return v;
}

/* ------------------------------------------------------------------------
 * Ids.
 * --------------------------------------------------------------------- */

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
	consume(P);
	switch (t.kind) {
	case TK_ID:
		v.b = gen_scode(P->cc, t.str, v.q);
		break;
	case TK_HID:
		if (kind(P) == TK_SLASH) {
			consume(P);
			n = expect_num(P);
			check_addr_qual(P, &t, v.q,
			    "IPv4 address and prefix length");
			v.b = gen_mcode(P->cc, t.str, NULL, n, v.q);
		} else if (kind(P) == TK_NETMASK) {
			consume(P);
			if (kind(P) != TK_HID)
				syntax_error(P);
			t2 = *cur(P);
			consume(P);
			check_addr_qual(P, &t, v.q, "IPv4 address and netmask");
			v.b = gen_mcode(P->cc, t.str, t2.str, 0, v.q);
		} else {
			check_addr_qual(P, &t, v.q, "IPv4 address");
			v.b = gen_ncode(P->cc, t.str, 0, v.q);
		}
		break;
	case TK_HID6:
		if (kind(P) == TK_SLASH) {
			consume(P);
			n = expect_num(P);
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

/* ------------------------------------------------------------------------
 * Terms other than parentheses, numbers and arithmetic.
 * --------------------------------------------------------------------- */

/* head, after the optional protocol qualifier proto; returns the
   qualifiers for the id that follows. */
static struct qual
parse_head(struct parser *P, int proto)
{
	struct qual q;
	enum tok_kind k = kind(P), other;
	int dir = -1;

	q.proto = (unsigned char)proto;
	q.dir = Q_DEFAULT;
	q.addr = Q_DEFAULT;
	q.pad = 0;
	switch (k) {
	case TK_SRC:
	case TK_DST:
		consume(P);
		other = k == TK_SRC ? TK_DST : TK_SRC;
		dir = k == TK_SRC ? Q_SRC : Q_DST;
		if (kind(P) == TK_OR || kind(P) == TK_AND) {
			dir = kind(P) == TK_OR ? Q_OR : Q_AND;
			consume(P);
			expect(P, other);
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
			consume(P);
		q.dir = (unsigned char)dir;
		switch (kind(P)) {
		case TK_HOST: q.addr = Q_HOST; consume(P); break;
		case TK_NET: q.addr = Q_NET; consume(P); break;
		case TK_PORT: q.addr = Q_PORT; consume(P); break;
		case TK_PORTRANGE: q.addr = Q_PORTRANGE; consume(P); break;
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
	consume(P);
	return q;
}

static struct elem parse_elem(struct parser *P, struct pv prev, unsigned allow);

/* head id */
static struct pv
parse_head_id(struct parser *P, int proto)
{
	struct pv h;

	h.b = NULL;
	h.q = parse_head(P, proto);
	return parse_elem(P, h, A_ID).v;
}

/* [wlan] type T [subtype S] | subtype S | dir D; cur is TYPE/SUBTYPE/DIR. */
static struct block *
parse_p80211(struct parser *P)
{
	struct token t;
	bpf_u_int32 v;
	int type, sub;

	switch (kind(P)) {
	case TK_TYPE:
		consume(P);
		t = *cur(P);
		if (t.kind == TK_NUM) {
			consume(P);
			if ((t.num & ~(bpf_u_int32)PN_WLAN_TYPE_MASK) != 0)
				sem_error(P, &t, "invalid 802.11 type value 0x%02x",
				    t.num);
			type = (int)t.num;
		} else {
			expect_id(P, &t);
			type = pn_wlan_type(t.str);
			if (type == -1)
				sem_error(P, &t, "unknown 802.11 type name \"%s\"",
				    t.str);
		}
		if (kind(P) != TK_SUBTYPE)
			return gen_p80211_type(P->cc, (bpf_u_int32)type,
			    PN_WLAN_TYPE_MASK);
		consume(P);
		t = *cur(P);
		if (t.kind == TK_NUM) {
			consume(P);
			if ((t.num & ~(bpf_u_int32)PN_WLAN_SUBTYPE_MASK) != 0)
				sem_error(P, &t,
				    "invalid 802.11 subtype value 0x%02x", t.num);
			sub = (int)t.num;
		} else {
			expect_id(P, &t);
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
		consume(P);
		expect_id(P, &t);
		sub = pn_wlan_type_subtype(t.str);
		if (sub == -1)
			sem_error(P, &t, "unknown 802.11 type name");
		return gen_p80211_type(P->cc, (bpf_u_int32)sub,
		    PN_WLAN_TYPE_MASK | PN_WLAN_SUBTYPE_MASK);
	default:	/* TK_DIR */
		consume(P);
		t = *cur(P);
		if (t.kind == TK_NUM) {
			consume(P);
			v = t.num;
			if ((v & ~(bpf_u_int32)PN_WLAN_DIR_MASK) != 0)
				sem_error(P, &t,
				    "invalid 802.11 direction value 0x%x", v);
		} else {
			expect_id(P, &t);
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

	consume(P);
	if (kind(P) == TK_PF_RNR) {
		consume(P);
		return gen_llc_s_subtype(P->cc, PN_LLC_RNR);
	}
	if (kind(P) != TK_ID)
		return gen_llc(P->cc);
	expect_id(P, &t);
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

	consume(P);
	switch (k) {
	case TK_PF_IFNAME:
		return gen_pf_ifname(P->cc, expect_id(P, &t));
	case TK_PF_RSET:
		return gen_pf_ruleset(P->cc, expect_id(P, &t));
	case TK_PF_RNR:
		return gen_pf_rnr(P->cc, (int)expect_num(P));
	case TK_PF_SRNR:
		return gen_pf_srnr(P->cc, (int)expect_num(P));
	case TK_PF_REASON:
		if (kind(P) == TK_NUM)
			return gen_pf_reason(P->cc, (int)expect_num(P));
		expect_id(P, &t);
		if ((v = pn_pf_reason(t.str)) == -1)
			sem_error(P, &t, "unknown PF reason \"%s\"", t.str);
		return gen_pf_reason(P->cc, v);
	default:	/* TK_PF_ACTION */
		expect_id(P, &t);
		if ((v = pn_pf_action(t.str)) == -1)
			sem_error(P, &t, "unknown PF action \"%s\"", t.str);
		return gen_pf_action(P->cc, v);
	}
}

/* The value after vpi/vci (atm) or sio/opc/dpc/sls and their h-forms
   (mtp3): NUM, relop NUM, or (NUM or NUM ...). */
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
		return field_code(P, mtp3, field, expect_num(P), BPF_JEQ, 0);
	if ((code = relop_of(kind(P), &rev)) != 0) {
		consume(P);
		return field_code(P, mtp3, field, expect_num(P), code, rev);
	}
	expect(P, TK_LPAREN);
	b = field_code(P, mtp3, field, expect_num(P), BPF_JEQ, 0);
	while (kind(P) == TK_OR) {
		consume(P);
		b2 = field_code(P, mtp3, field, expect_num(P), BPF_JEQ, 0);
		b = join(TK_OR, b, b2);
	}
	expect(P, TK_RPAREN);
	return b;
}

/* An encapsulation keyword with an optional pnum argument. */
static struct block *
parse_encap(struct parser *P, enum tok_kind k)
{
	bpf_u_int32 v = 0;
	int has = 0;

	consume(P);
	if (k != TK_PPPOED &&
	    (kind(P) == TK_NUM || kind(P) == TK_LPAREN)) {
		v = parse_pnum(P);
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

/* A term that starts with a pname, the pname (proto) consumed and not
   followed by '['.  A "head id" term passes on the id's qualifiers. */
static struct pv
parse_after_pname(struct parser *P, int proto)
{
	struct pv v;

	v.q = qerr;
	switch (kind(P)) {
	case TK_AND: case TK_OR: case TK_RPAREN: case TK_END:
		v.b = gen_proto_abbrev(P->cc, proto);
		return v;
	case TK_BROADCAST:
		consume(P);
		v.b = gen_broadcast(P->cc, proto);
		return v;
	case TK_MULTICAST:
		consume(P);
		v.b = gen_multicast(P->cc, proto);
		return v;
	case TK_TYPE: case TK_SUBTYPE: case TK_DIR:
		v.b = parse_p80211(P);
		return v;
	default:
		if (!starts_head_rest(kind(P)))
			syntax_error(P);
		return parse_head_id(P, proto);
	}
}

/* A term that is not a pname, '(' , '!', a number or arithmetic.  Returns
   its value (the qualifiers of "head id" are the id's). */
static struct pv
parse_other_term(struct parser *P)
{
	enum tok_kind k = kind(P);
	struct pv v;
	bpf_u_int32 a, b;
	int op;

	v.q = qerr;
	switch (k) {
	case TK_BROADCAST:
		consume(P);
		v.b = gen_broadcast(P->cc, Q_DEFAULT);
		return v;
	case TK_MULTICAST:
		consume(P);
		v.b = gen_multicast(P->cc, Q_DEFAULT);
		return v;
	case TK_TYPE: case TK_SUBTYPE: case TK_DIR:
		v.b = parse_p80211(P);
		return v;
	case TK_LESS:
		consume(P);
		v.b = gen_less(P->cc, (int)expect_num(P));
		return v;
	case TK_GREATER:
		consume(P);
		v.b = gen_greater(P->cc, (int)expect_num(P));
		return v;
	case TK_CBYTE:
		consume(P);
		a = expect_num(P);
		switch (kind(P)) {
		case TK_AMP: op = '&'; break;
		case TK_PIPE: op = '|'; break;
		case TK_LT: op = '<'; break;
		case TK_GT: op = '>'; break;
		case TK_EQ: op = '='; break;
		default: syntax_error(P);
		}
		consume(P);
		b = expect_num(P);
		v.b = gen_byteop(P->cc, op, (int)a, b);
		return v;
	case TK_INBOUND:
	case TK_OUTBOUND:
		consume(P);
		v.b = gen_inbound_outbound(P->cc, k == TK_OUTBOUND);
		return v;
	case TK_IFINDEX:
		consume(P);
		v.b = gen_ifindex(P->cc, (int)expect_num(P));
		return v;
	case TK_VLAN: case TK_MPLS: case TK_PPPOED: case TK_PPPOES:
	case TK_GENEVE: case TK_VXLAN:
		v.b = parse_encap(P, k);
		return v;
	case TK_PF_IFNAME: case TK_PF_RSET: case TK_PF_RNR: case TK_PF_SRNR:
	case TK_PF_REASON: case TK_PF_ACTION:
		v.b = parse_pfvar(P);
		return v;
	case TK_LLC:
		v.b = parse_llc(P);
		return v;
	case TK_LANE: case TK_METAC: case TK_BCC: case TK_OAMF4EC:
	case TK_OAMF4SC: case TK_SC: case TK_ILMIC: {
		static const struct { enum tok_kind k; int a; } atm[] = {
			{ TK_LANE, A_LANE }, { TK_METAC, A_METAC },
			{ TK_BCC, A_BCC }, { TK_OAMF4EC, A_OAMF4EC },
			{ TK_OAMF4SC, A_OAMF4SC }, { TK_SC, A_SC },
			{ TK_ILMIC, A_ILMIC },
		};
		size_t i;

		consume(P);
		for (i = 0; atm[i].k != k; i++)
			continue;
		v.b = gen_atmtype_abbrev(P->cc, atm[i].a);
		return v;
	}
	case TK_OAM: case TK_OAMF4: case TK_CONNECTMSG: case TK_METACONNECT:
		consume(P);
		v.b = gen_atmmulti_abbrev(P->cc,
		    k == TK_OAM ? A_OAM : k == TK_OAMF4 ? A_OAMF4 :
		    k == TK_CONNECTMSG ? A_CONNECTMSG : A_METACONNECT);
		return v;
	case TK_VPI: case TK_VCI:
		consume(P);
		v.b = parse_field_value(P, 0, k == TK_VPI ? A_VPI : A_VCI);
		return v;
	case TK_FISU: case TK_LSSU: case TK_MSU:
	case TK_HFISU: case TK_HLSSU: case TK_HMSU:
		consume(P);
		v.b = gen_mtp2type_abbrev(P->cc,
		    k == TK_FISU ? M_FISU : k == TK_LSSU ? M_LSSU :
		    k == TK_MSU ? M_MSU : k == TK_HFISU ? MH_FISU :
		    k == TK_HLSSU ? MH_LSSU : MH_MSU);
		return v;
	case TK_SIO: case TK_OPC: case TK_DPC: case TK_SLS:
	case TK_HSIO: case TK_HOPC: case TK_HDPC: case TK_HSLS: {
		static const struct { enum tok_kind k; int f; } mtp[] = {
			{ TK_SIO, M_SIO }, { TK_OPC, M_OPC }, { TK_DPC, M_DPC },
			{ TK_SLS, M_SLS }, { TK_HSIO, MH_SIO },
			{ TK_HOPC, MH_OPC }, { TK_HDPC, MH_DPC },
			{ TK_HSLS, MH_SLS },
		};
		size_t i;

		consume(P);
		for (i = 0; mtp[i].k != k; i++)
			continue;
		v.b = parse_field_value(P, 1, mtp[i].f);
		return v;
	}
	default:
		if (!starts_head_rest(k))
			syntax_error(P);
		return parse_head_id(P, Q_DEFAULT);
	}
}

/* ------------------------------------------------------------------------
 * Elements: the things and/or join, and what parentheses hold.
 * --------------------------------------------------------------------- */

/* Arithmetic a is complete: a relation if a relop follows (a term), else
   arithmetic in parentheses. */
static struct elem
after_arith(struct parser *P, unsigned allow, struct arth *a)
{
	struct elem e;
	struct arth *r;
	int code, rev;

	memset(&e, 0, sizeof(e));
	if ((allow & A_TERM) && (code = relop_of(kind(P), &rev)) != 0) {
		consume(P);
		r = parse_arith_full(P);
		e.kind = EK_TERM;
		e.v.q = qerr;
		e.v.b = gen_relation(P->cc, code, a, r, rev);
		return e;
	}
	if (!(allow & A_NARTH))
		syntax_error(P);
	e.kind = EK_NARTH;
	e.a = a;
	return e;
}

/* A number (pnum) n has been read: an operand of arithmetic, a number
   in parentheses, or an id ("port 80", "host a or 10"). */
static struct elem
after_pnum(struct parser *P, struct pv prev, unsigned allow, bpf_u_int32 n)
{
	struct elem e;

	memset(&e, 0, sizeof(e));
	/* where only an id can follow, libpcap reduces without looking
	   ahead: the id is made before the next token is scanned */
	if ((allow & ~(unsigned)A_FIRST) != A_ID) {
		enum tok_kind k = kind(P);
		/* what may follow an id; on anything else libpcap's default
		   action makes the number arithmetic (and then fails) */
		int id_follows = k == TK_AND || k == TK_OR || k == TK_RPAREN ||
		    k == TK_END;

		if ((allow & A_RAWNUM) && k == TK_RPAREN) {
			e.kind = EK_NUM;
			e.num = n;
			return e;
		}
		if ((allow & (A_TERM | A_NARTH)) &&
		    (!id_follows || !(allow & A_ID)))
			return after_arith(P, allow,
			    parse_arith_rest(P, gen_loadi(P->cc, n)));
		if (!(allow & A_ID))
			syntax_error(P);
	}
	e.kind = EK_ID;
	e.v.q = prev.q;
	e.v.b = gen_ncode(P->cc, NULL, n, e.v.q);
	return e;
}

/* cur is '(' of an element that may be what allow says; prev is the
   value before the '('. */
static struct elem
parse_paren_elem(struct parser *P, struct pv prev, unsigned allow)
{
	unsigned inner = 0;
	struct elem e;

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
	enter(P);
	consume(P);
	e = parse_paren_content(P, prev, inner);
	leave(P);
	switch (e.kind) {
	case EK_NUM:
		return after_pnum(P, prev, allow, e.num);
	case EK_NARTH:
		return after_arith(P, allow, parse_arith_rest(P, e.a));
	case EK_TERM:
		/* ( expr ) passes on what preceded its '(' */
		e.v.q = prev.q;
		return e;
	default:
		return e;	/* ( pid ): the last id's value */
	}
}

/* An element without leading '!'. */
static struct elem
parse_operand_elem(struct parser *P, struct pv prev, unsigned allow)
{
	struct elem e;
	int proto;

	memset(&e, 0, sizeof(e));
	switch (kind(P)) {
	case TK_ID: case TK_HID: case TK_HID6: case TK_EID: case TK_AID:
		if (!(allow & A_ID))
			syntax_error(P);
		e.kind = EK_ID;
		e.v = parse_nid(P, prev);
		return e;
	case TK_NUM:
		return after_pnum(P, prev, allow, expect_num(P));
	case TK_LPAREN:
		return parse_paren_elem(P, prev, allow);
	case TK_MINUS:
	case TK_LEN:
		if (!(allow & (A_TERM | A_NARTH)))
			syntax_error(P);
		return after_arith(P, allow, parse_arith_full(P));
	default:
		break;
	}
	if ((proto = pname_of(kind(P))) != 0) {
		if (!(allow & (A_TERM | A_NARTH)))
			syntax_error(P);
		consume(P);
		if (kind(P) == TK_LBRACKET)
			return after_arith(P, allow,
			    parse_arith_rest(P, parse_index(P, proto)));
		if (!(allow & A_TERM))
			syntax_error(P);
		e.kind = EK_TERM;
		e.v = parse_after_pname(P, proto);
		return e;
	}
	if (!(allow & A_TERM))
		syntax_error(P);
	e.kind = EK_TERM;
	e.v = parse_other_term(P);
	return e;
}

/*
 * One element where allow says what may stand: an id, a term, arithmetic
 * (inside parentheses), a number in parentheses.  prev is the value to
 * the left, whose qualifiers an id inherits.  Leading '!'s apply to an id
 * or a term ("not id" and "not term" have the same action).
 */
static struct elem
parse_elem(struct parser *P, struct pv prev, unsigned allow)
{
	struct elem e;
	size_t nots = 0;

	while (kind(P) == TK_NOT) {
		if (!(allow & (A_ID | A_TERM)))
			syntax_error(P);
		consume(P);
		nots++;
	}
	if (nots > 0)
		allow &= A_ID | A_TERM;		/* "! id" may be "! ( pid )" */
	e = parse_operand_elem(P, prev, allow);
	while (nots-- > 0)
		gen_not(e.v.b);
	return e;
}

/* The and/or tail of an expression whose value so far is v. */
static struct pv
parse_expr_tail(struct parser *P, struct pv v)
{
	struct elem e;
	enum tok_kind op;

	while ((op = kind(P)) == TK_AND || op == TK_OR) {
		consume(P);
		e = parse_elem(P, v, A_ID | A_TERM);
		e.v.b = join(op, v.b, e.v.b);
		v = e.v;
	}
	return v;
}

/*
 * After '(' : an id list (A_ID), an expression (A_TERM), arithmetic
 * (A_NARTH), or a number (A_RAWNUM), as allow says; consumes the ')'.
 * prev is the value before the '('.
 */
static struct elem
parse_paren_content(struct parser *P, struct pv prev, unsigned allow)
{
	struct elem e, w;
	enum tok_kind op;

	e = parse_elem(P, prev, allow | A_FIRST);
	switch (e.kind) {
	case EK_ID:
		/* pid: qualifiers pass from each id to the next */
		while ((op = kind(P)) == TK_AND || op == TK_OR) {
			consume(P);
			w = parse_elem(P, e.v, A_ID);
			w.v.b = join(op, e.v.b, w.v.b);
			e.v = w.v;
		}
		break;
	case EK_TERM:
		e.v = parse_expr_tail(P, e.v);
		break;
	default:
		break;
	}
	expect(P, TK_RPAREN);
	return e;
}

/* ------------------------------------------------------------------------
 * Entry point.
 * --------------------------------------------------------------------- */

void
parse_filter(struct cc *cc)
{
	struct parser P;
	struct pv start = { NULL, qerr }, v;
	struct elem e;

	memset(&P, 0, sizeof(P));
	P.cc = cc;
	lex_init(&P.lx, cc);
	if (kind(&P) == TK_END)
		return;		/* empty: compile.c accepts everything */
	e = parse_elem(&P, start, A_TERM);
	v = parse_expr_tail(&P, e.v);
	if (kind(&P) != TK_END)
		syntax_error(&P);
	gen_finish(cc, v.b);
}
