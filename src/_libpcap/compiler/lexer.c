/*
 * lexer.c - cuts a filter expression into tokens the way libpcap's scanner
 * does (see lexer.h for the rules).  At each position every token pattern
 * is measured (keywords, operators, $xx, the MAC-48 spellings, numbers,
 * dotted IPv4 forms, the IPv6 forms, the "bogus MAC" form, named
 * constants, identifiers, \-escaped words); the longest wins, the earlier
 * pattern on a tie.  Each measurement is a left-to-right scan, so lexing is
 * linear in the length of the text.
 *
 * Numbers: decimal, 0-prefixed octal, 0x/0X hexadecimal, 32 bits; a value
 * that does not fit, or an 8 or 9 in an octal number, is an error with
 * libpcap master's message.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lexer.h"

/* ------------------------------------------------------------------------
 * Keyword and named-constant tables.
 * --------------------------------------------------------------------- */

struct kw {
	const char *word;
	enum tok_kind kind;
};

static const struct kw keywords[] = {
	{ "dst", TK_DST }, { "src", TK_SRC },
	{ "link", TK_LINK }, { "ether", TK_LINK }, { "ppp", TK_LINK },
	{ "slip", TK_LINK }, { "fddi", TK_LINK }, { "tr", TK_LINK },
	{ "wlan", TK_LINK },
	{ "arp", TK_ARP }, { "rarp", TK_RARP }, { "ip", TK_IP },
	{ "sctp", TK_SCTP }, { "tcp", TK_TCP }, { "udp", TK_UDP },
	{ "icmp", TK_ICMP }, { "igmp", TK_IGMP }, { "igrp", TK_IGRP },
	{ "pim", TK_PIM }, { "vrrp", TK_VRRP }, { "carp", TK_CARP },
	{ "radio", TK_RADIO },
	{ "ip6", TK_IPV6 }, { "icmp6", TK_ICMPV6 }, { "ah", TK_AH },
	{ "esp", TK_ESP },
	{ "atalk", TK_ATALK }, { "aarp", TK_AARP }, { "decnet", TK_DECNET },
	{ "lat", TK_LAT }, { "sca", TK_SCA }, { "moprc", TK_MOPRC },
	{ "mopdl", TK_MOPDL },
	{ "iso", TK_ISO }, { "esis", TK_ESIS }, { "es-is", TK_ESIS },
	{ "isis", TK_ISIS }, { "is-is", TK_ISIS }, { "l1", TK_L1 },
	{ "l2", TK_L2 }, { "iih", TK_IIH }, { "lsp", TK_LSP },
	{ "snp", TK_SNP }, { "csnp", TK_CSNP }, { "psnp", TK_PSNP },
	{ "clnp", TK_CLNP }, { "stp", TK_STP }, { "ipx", TK_IPX },
	{ "netbeui", TK_NETBEUI },
	{ "host", TK_HOST }, { "net", TK_NET }, { "mask", TK_NETMASK },
	{ "port", TK_PORT }, { "portrange", TK_PORTRANGE },
	{ "proto", TK_PROTO }, { "protochain", TK_PROTOCHAIN },
	{ "gateway", TK_GATEWAY },
	{ "type", TK_TYPE }, { "subtype", TK_SUBTYPE },
	{ "direction", TK_DIR }, { "dir", TK_DIR },
	{ "address1", TK_ADDR1 }, { "addr1", TK_ADDR1 },
	{ "address2", TK_ADDR2 }, { "addr2", TK_ADDR2 },
	{ "address3", TK_ADDR3 }, { "addr3", TK_ADDR3 },
	{ "address4", TK_ADDR4 }, { "addr4", TK_ADDR4 },
	{ "ra", TK_RA }, { "ta", TK_TA },
	{ "less", TK_LESS }, { "greater", TK_GREATER }, { "byte", TK_CBYTE },
	{ "broadcast", TK_BROADCAST }, { "multicast", TK_MULTICAST },
	{ "and", TK_AND }, { "or", TK_OR }, { "not", TK_NOT },
	{ "len", TK_LEN }, { "length", TK_LEN },
	{ "inbound", TK_INBOUND }, { "outbound", TK_OUTBOUND },
	{ "ifindex", TK_IFINDEX },
	{ "vlan", TK_VLAN }, { "mpls", TK_MPLS }, { "pppoed", TK_PPPOED },
	{ "pppoes", TK_PPPOES }, { "geneve", TK_GENEVE }, { "vxlan", TK_VXLAN },
	{ "lane", TK_LANE }, { "llc", TK_LLC }, { "metac", TK_METAC },
	{ "bcc", TK_BCC }, { "oam", TK_OAM }, { "oamf4", TK_OAMF4 },
	{ "oamf4ec", TK_OAMF4EC }, { "oamf4sc", TK_OAMF4SC }, { "sc", TK_SC },
	{ "ilmic", TK_ILMIC }, { "vpi", TK_VPI }, { "vci", TK_VCI },
	{ "connectmsg", TK_CONNECTMSG }, { "metaconnect", TK_METACONNECT },
	{ "on", TK_PF_IFNAME }, { "ifname", TK_PF_IFNAME },
	{ "rset", TK_PF_RSET }, { "ruleset", TK_PF_RSET },
	{ "rnr", TK_PF_RNR }, { "rulenum", TK_PF_RNR },
	{ "srnr", TK_PF_SRNR }, { "subrulenum", TK_PF_SRNR },
	{ "reason", TK_PF_REASON }, { "action", TK_PF_ACTION },
	{ "fisu", TK_FISU }, { "lssu", TK_LSSU }, { "lsu", TK_LSSU },
	{ "msu", TK_MSU }, { "hfisu", TK_HFISU }, { "hlssu", TK_HLSSU },
	{ "hmsu", TK_HMSU }, { "sio", TK_SIO }, { "opc", TK_OPC },
	{ "dpc", TK_DPC }, { "sls", TK_SLS }, { "hsio", TK_HSIO },
	{ "hopc", TK_HOPC }, { "hdpc", TK_HDPC }, { "hsls", TK_HSLS },
	{ NULL, TK_END }
};

/* Words that stand for numbers (offsets and values in ICMP/TCP headers). */
struct named_num {
	const char *word;
	bpf_u_int32 val;
};

static const struct named_num named_nums[] = {
	{ "icmptype", 0 }, { "icmpcode", 1 },
	{ "icmp-echoreply", 0 }, { "icmp-unreach", 3 },
	{ "icmp-sourcequench", 4 }, { "icmp-redirect", 5 },
	{ "icmp-echo", 8 }, { "icmp-routeradvert", 9 },
	{ "icmp-routersolicit", 10 }, { "icmp-timxceed", 11 },
	{ "icmp-paramprob", 12 }, { "icmp-tstamp", 13 },
	{ "icmp-tstampreply", 14 }, { "icmp-ireq", 15 },
	{ "icmp-ireqreply", 16 }, { "icmp-maskreq", 17 },
	{ "icmp-maskreply", 18 },
	{ "icmp6type", 0 }, { "icmp6code", 1 },
	{ "icmp6-destinationunreach", 1 }, { "icmp6-packettoobig", 2 },
	{ "icmp6-timeexceeded", 3 }, { "icmp6-parameterproblem", 4 },
	{ "icmp6-echo", 128 }, { "icmp6-echoreply", 129 },
	{ "icmp6-multicastlistenerquery", 130 },
	{ "icmp6-multicastlistenerreportv1", 131 },
	{ "icmp6-multicastlistenerdone", 132 },
	{ "icmp6-routersolicit", 133 }, { "icmp6-routeradvert", 134 },
	{ "icmp6-neighborsolicit", 135 }, { "icmp6-neighboradvert", 136 },
	{ "icmp6-redirect", 137 }, { "icmp6-routerrenum", 138 },
	{ "icmp6-nodeinformationquery", 139 },
	{ "icmp6-nodeinformationresponse", 140 },
	{ "icmp6-ineighbordiscoverysolicit", 141 },
	{ "icmp6-ineighbordiscoveryadvert", 142 },
	{ "icmp6-multicastlistenerreportv2", 143 },
	{ "icmp6-homeagentdiscoveryrequest", 144 },
	{ "icmp6-homeagentdiscoveryreply", 145 },
	{ "icmp6-mobileprefixsolicit", 146 },
	{ "icmp6-mobileprefixadvert", 147 },
	{ "icmp6-certpathsolicit", 148 }, { "icmp6-certpathadvert", 149 },
	{ "icmp6-multicastrouteradvert", 151 },
	{ "icmp6-multicastroutersolicit", 152 },
	{ "icmp6-multicastrouterterm", 153 },
	{ "tcpflags", 13 },
	{ "tcp-fin", 0x01 }, { "tcp-syn", 0x02 }, { "tcp-rst", 0x04 },
	{ "tcp-push", 0x08 }, { "tcp-ack", 0x10 }, { "tcp-urg", 0x20 },
	{ "tcp-ece", 0x40 }, { "tcp-cwr", 0x80 },
	{ NULL, 0 }
};

/* Longer than any keyword or named constant: no table look-up needed. */
#define MAX_WORD	40

/* ------------------------------------------------------------------------
 * Character classes and pattern measurements.  Each m_* function returns
 * the length of the longest match of its pattern at p, 0 if none.
 * --------------------------------------------------------------------- */

struct scan {
	const unsigned char *s;
	size_t n;
};

static int
at(const struct scan *sc, size_t i)
{
	return i < sc->n ? sc->s[i] : -1;
}

static int
is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Number of hex digits at p, at most max. */
static size_t
hex_run(const struct scan *sc, size_t p, size_t max)
{
	size_t k = 0;

	while (k < max && is_hex(at(sc, p + k)))
		k++;
	return k;
}

/*
 * N: decimal digits, or 0x/0X and hex digits.  Only one reading can be
 * followed by anything but a digit: when the hex form applies, the
 * decimal one stops at the 'x'.  Returns the end, or 0 if no N at p.
 */
static size_t
end_num(const struct scan *sc, size_t p)
{
	size_t q = p;

	if (at(sc, p) == '0' && (at(sc, p + 1) == 'x' || at(sc, p + 1) == 'X') &&
	    is_hex(at(sc, p + 2))) {
		q = p + 2;
		while (is_hex(at(sc, q)))
			q++;
		return q;
	}
	while (is_digit(at(sc, q)))
		q++;
	return q == p ? 0 : q;
}

static size_t
m_num(const struct scan *sc, size_t p)
{
	size_t e = end_num(sc, p);

	return e == 0 ? 0 : e - p;
}

/* N.N, N.N.N or N.N.N.N (the longest that fits). */
static size_t
m_hid(const struct scan *sc, size_t p)
{
	size_t q, e;
	int parts = 1;

	q = end_num(sc, p);
	if (q == 0)
		return 0;
	while (parts < 4 && at(sc, q) == '.' && (e = end_num(sc, q + 1)) != 0) {
		q = e;
		parts++;
	}
	return parts >= 2 ? q - p : 0;
}

/* The end of N.N.N.N at p, 0 if none. */
static size_t
end_ipv4(const struct scan *sc, size_t p)
{
	size_t q;
	int i;

	q = end_num(sc, p);
	for (i = 1; i < 4 && q != 0; i++)
		q = at(sc, q) == '.' ? end_num(sc, q + 1) : 0;
	return q;
}

/*
 * One IPv6 form: ngroups 16-bit groups of 1-4 hex digits joined by ':',
 * with "::" before group dc (dc == ngroups: after the last; dc < 0: no
 * "::"), then, if v4, a dotted IPv4 address.  Returns the end or 0.
 */
static size_t
end_v6_form(const struct scan *sc, size_t p, int ngroups, int dc, int v4)
{
	size_t q = p, h;
	int i, last;

	for (i = 0; i < ngroups; i++) {
		if (dc == i) {
			if (at(sc, q) != ':' || at(sc, q + 1) != ':')
				return 0;
			q += 2;
		} else if (i > 0) {
			if (at(sc, q) != ':')
				return 0;
			q++;
		}
		h = hex_run(sc, q, 4);
		if (h == 0)
			return 0;
		q += h;
		/* a group followed by more of the pattern must end at ':' */
		last = i == ngroups - 1 && dc != ngroups && !v4;
		if (!last && at(sc, q) != ':')
			return 0;
	}
	if (dc == ngroups) {
		if (at(sc, q) != ':' || at(sc, q + 1) != ':')
			return 0;
		q += 2;
	}
	if (v4) {
		if (ngroups > 0 && dc != ngroups) {
			if (at(sc, q) != ':')
				return 0;
			q++;
		}
		return end_ipv4(sc, q);
	}
	return q;
}

/* The IPv6 forms libpcap's scanner lists: eight groups; up to seven with
   "::" anywhere; six groups then IPv4; up to five with "::", then IPv4. */
static size_t
m_v6(const struct scan *sc, size_t p)
{
	size_t best = 0, e;
	int n, x;

	if (!is_hex(at(sc, p)) && at(sc, p) != ':')
		return 0;
	/* Every form starts with "::" or with a group of 1-4 hex digits and
	   a ':': most tokens (keywords, names, numbers) fail that at once. */
	if (at(sc, p) == ':' ? at(sc, p + 1) != ':'
			     : at(sc, p + hex_run(sc, p, 4)) != ':')
		return 0;
	if ((e = end_v6_form(sc, p, 8, -1, 0)) > p + best)
		best = e - p;
	if ((e = end_v6_form(sc, p, 6, -1, 1)) > p + best)
		best = e - p;
	for (n = 0; n <= 7; n++)
		for (x = 0; x <= n; x++) {
			if ((e = end_v6_form(sc, p, n, x, 0)) > p + best)
				best = e - p;
			if (n <= 5 &&
			    (e = end_v6_form(sc, p, n, x, 1)) > p + best)
				best = e - p;
		}
	return best;
}

/* Six groups of 1-2 hex digits separated by sep. */
static size_t
end_mac_sep(const struct scan *sc, size_t p, int sep)
{
	size_t q = p, h;
	int i;

	for (i = 0; i < 6; i++) {
		if (i > 0) {
			if (at(sc, q) != sep)
				return 0;
			q++;
		}
		h = hex_run(sc, q, 2);
		if (h == 0)
			return 0;
		q += h;
	}
	return q;
}

/* MAC-48: xx:xx:xx:xx:xx:xx, xx-xx-..., xx.xx...., xxxx.xxxx.xxxx,
   xxxxxxxxxxxx (1- or 2-digit groups in the first three forms). */
static size_t
m_mac(const struct scan *sc, size_t p)
{
	size_t best = 0, e;
	static const char seps[] = ":-.";
	int i;

	if (!is_hex(at(sc, p)))
		return 0;
	for (i = 0; i < 3; i++)
		if ((e = end_mac_sep(sc, p, seps[i])) > p + best)
			best = e - p;
	if (hex_run(sc, p, 4) == 4 && at(sc, p + 4) == '.' &&
	    hex_run(sc, p + 5, 4) == 4 && at(sc, p + 9) == '.' &&
	    hex_run(sc, p + 10, 4) == 4 && best < 14)
		best = 14;
	if (hex_run(sc, p, 12) == 12 && best < 12)
		best = 12;
	return best;
}

/* The "bogus MAC" form: 1-2 hex digits and one or more ':', at least
   twice ("1:2:", "ab::cd:"). */
static size_t
m_bogus_mac(const struct scan *sc, size_t p)
{
	size_t q = p, h, best = 0;
	int groups = 0;

	for (;;) {
		h = hex_run(sc, q, 2);
		if (h == 0 || at(sc, q + h) != ':')
			break;
		q += h;
		while (at(sc, q) == ':')
			q++;
		if (++groups >= 2)
			best = q - p;
	}
	return best;
}

/* $ and 1-2 hex digits. */
static size_t
m_aid(const struct scan *sc, size_t p)
{
	size_t h;

	if (at(sc, p) != '$')
		return 0;
	h = hex_run(sc, p + 1, 2);
	return h == 0 ? 0 : 1 + h;
}

/* Identifier: alnum, then [-_.alnum]*, not ending in '-' or '_'. */
static size_t
m_id(const struct scan *sc, size_t p)
{
	size_t q, last;
	int c;

	if (!is_alnum(at(sc, p)))
		return 0;
	last = p + 1;
	for (q = p + 1; (c = at(sc, q)) >= 0; q++) {
		if (is_alnum(c) || c == '.')
			last = q + 1;
		else if (c != '-' && c != '_')
			break;
	}
	return last - p;
}

/* \ followed by one or more bytes other than blank, tab, newline, !, (, ). */
static size_t
m_escaped(const struct scan *sc, size_t p)
{
	size_t q = p + 1;
	int c;

	if (at(sc, p) != '\\')
		return 0;
	while ((c = at(sc, q)) >= 0 && c != ' ' && c != '\t' && c != '\n' &&
	    c != '!' && c != '(' && c != ')')
		q++;
	return q - p > 1 ? q - p : 0;
}

/* Operators; returns the length and sets *kind. */
static size_t
m_op(const struct scan *sc, size_t p, enum tok_kind *kind)
{
	int c = at(sc, p), d = at(sc, p + 1);

	switch (c) {
	case '&':
		if (d == '&') { *kind = TK_AND; return 2; }
		*kind = TK_AMP; return 1;
	case '|':
		if (d == '|') { *kind = TK_OR; return 2; }
		*kind = TK_PIPE; return 1;
	case '>':
		if (d == '=') { *kind = TK_GEQ; return 2; }
		if (d == '>') { *kind = TK_RSH; return 2; }
		*kind = TK_GT; return 1;
	case '<':
		if (d == '=') { *kind = TK_LEQ; return 2; }
		if (d == '<') { *kind = TK_LSH; return 2; }
		*kind = TK_LT; return 1;
	case '!':
		if (d == '=') { *kind = TK_NEQ; return 2; }
		*kind = TK_NOT; return 1;
	case '=':
		*kind = TK_EQ; return d == '=' ? 2 : 1;
	case '+': *kind = TK_PLUS; return 1;
	case '-': *kind = TK_MINUS; return 1;
	case '*': *kind = TK_STAR; return 1;
	case '/': *kind = TK_SLASH; return 1;
	case '%': *kind = TK_PERCENT; return 1;
	case ':': *kind = TK_COLON; return 1;
	case '[': *kind = TK_LBRACKET; return 1;
	case ']': *kind = TK_RBRACKET; return 1;
	case '(': *kind = TK_LPAREN; return 1;
	case ')': *kind = TK_RPAREN; return 1;
	case '^': *kind = TK_CARET; return 1;
	default:
		return 0;
	}
}

/* ------------------------------------------------------------------------
 * Errors and values.
 * --------------------------------------------------------------------- */

void
lex_set_pos(struct cc *cc, size_t offset, size_t len)
{
	size_t n = len;

	if (cc->error_set || cc->pos.offset >= 0)
		return;
	if (n > sizeof(cc->pos.token) - 1)
		n = sizeof(cc->pos.token) - 1;
	cc->pos.offset = (int)(offset > (size_t)0x7fffffff ? 0x7fffffff : offset);
	memcpy(cc->pos.token, cc->text + offset, n);
	cc->pos.token[n] = '\0';
}

/* A lexical error at token t: position, then libpcap's message. */
static void
lex_error(struct lexer *lx, const struct token *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
lex_error(struct lexer *lx, const struct token *t, const char *fmt, ...)
{
	char msg[PCAP_ERRBUF_SIZE];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lex_set_pos(lx->cc, t->offset, t->len);
	cc_set_error(lx->cc, "%s", msg);
}

/* The token text, bounded for messages (a 1 MB word is cut, not copied). */
static int
msg_len(const struct token *t)
{
	return t->len > 200 ? 200 : (int)t->len;
}

/* Convert a NUM token (digits as the N pattern guarantees): 32 bits,
   octal digits checked one by one before the overflow test, as libpcap
   does.  Returns 0 on error (message set). */
static int
num_value(struct lexer *lx, struct token *t)
{
	const char *s = lx->s + t->offset;
	size_t n = t->len, i;
	bpf_u_int32 v = 0;
	unsigned d;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (i = 2; i < n; i++) {
			d = is_digit(s[i]) ? (unsigned)(s[i] - '0') :
			    (unsigned)((s[i] | 0x20) - 'a' + 10);
			if (v > 0x0fffffffU) {
				lex_error(lx, t, "hexadecimal number %.*s overflows 32 bits",
				    msg_len(t), s);
				return 0;
			}
			v = (v << 4) + d;
		}
	} else if (s[0] == '0') {
		for (i = 1; i < n; i++) {
			if (s[i] < '0' || s[i] > '7') {
				lex_error(lx, t, "number %.*s contains non-octal digit",
				    msg_len(t), s);
				return 0;
			}
			if (v > 03777777777U) {
				lex_error(lx, t, "octal number %.*s overflows 32 bits",
				    msg_len(t), s);
				return 0;
			}
			v = (v << 3) + (unsigned)(s[i] - '0');
		}
	} else {
		for (i = 0; i < n; i++) {
			d = (unsigned)(s[i] - '0');
			if (v > 0xffffffffU / 10 ||
			    (v == 0xffffffffU / 10 && d > 0xffffffffU % 10)) {
				lex_error(lx, t, "decimal number %.*s overflows 32 bits",
				    msg_len(t), s);
				return 0;
			}
			v = v * 10 + d;
		}
	}
	t->num = v;
	return 1;
}

static const struct kw *
find_keyword(const char *s, size_t n)
{
	const struct kw *k;

	if (n > MAX_WORD)
		return NULL;
	for (k = keywords; k->word != NULL; k++)
		if (k->word[0] == s[0] && strncmp(k->word, s, n) == 0 &&
		    k->word[n] == '\0')
			return k;
	return NULL;
}

static const struct named_num *
find_named_num(const char *s, size_t n)
{
	const struct named_num *k;

	if (n > MAX_WORD)
		return NULL;
	for (k = named_nums; k->word != NULL; k++)
		if (k->word[0] == s[0] && strncmp(k->word, s, n) == 0 &&
		    k->word[n] == '\0')
			return k;
	return NULL;
}

/* ------------------------------------------------------------------------
 * The lexer.
 * --------------------------------------------------------------------- */

void
lex_init(struct lexer *lx, struct cc *cc)
{
	lx->cc = cc;
	lx->s = cc->text;
	lx->len = cc->text_len;
	lx->pos = 0;
}

/* Which pattern produced the longest match, in libpcap's rule order (an
   earlier one wins a tie). */
enum pat {
	P_NONE, P_OP, P_AID, P_MAC, P_NUM, P_HID, P_V6, P_BOGUS, P_ID, P_ESC
};

void
lex_next(struct lexer *lx, struct token *t)
{
	struct scan sc;
	size_t p, best, m;
	enum pat which;
	enum tok_kind opkind = TK_LEX_ERROR;
	const struct kw *kw;
	const struct named_num *nn;
	char *text;
	int c;

	sc.s = (const unsigned char *)lx->s;
	sc.n = lx->len;
	p = lx->pos;
	while ((c = at(&sc, p)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		p++;
	memset(t, 0, sizeof(*t));
	t->offset = p;
	if (p >= sc.n) {
		t->kind = TK_END;
		lx->pos = p;
		return;
	}

	best = 0;
	which = P_NONE;
#define CONSIDER(len, pat) \
	do { m = (len); if (m > best) { best = m; which = (pat); } } while (0)
	CONSIDER(m_op(&sc, p, &opkind), P_OP);
	CONSIDER(m_aid(&sc, p), P_AID);
	CONSIDER(m_mac(&sc, p), P_MAC);
	CONSIDER(m_num(&sc, p), P_NUM);
	CONSIDER(m_hid(&sc, p), P_HID);
	CONSIDER(m_v6(&sc, p), P_V6);
	CONSIDER(m_bogus_mac(&sc, p), P_BOGUS);
	CONSIDER(m_id(&sc, p), P_ID);
	CONSIDER(m_escaped(&sc, p), P_ESC);
#undef CONSIDER

	if (which == P_NONE) {
		/* A byte that starts no token: the parser reports a syntax
		   error when it reaches it (not before any pending action,
		   which may fail first, as in libpcap). */
		t->len = 1;
		t->kind = TK_LEX_ERROR;
		lx->pos = p + 1;
		return;
	}
	t->len = best;
	lx->pos = p + best;

	/* Keywords come first in libpcap's rules; named constants just before
	   identifiers.  Both are words an identifier also matches. */
	if ((kw = find_keyword(lx->s + p, best)) != NULL) {
		t->kind = kw->kind;
		return;
	}
	if (which == P_ID && (nn = find_named_num(lx->s + p, best)) != NULL) {
		t->kind = TK_NUM;
		t->num = nn->val;
		return;
	}

	switch (which) {
	case P_OP:
		t->kind = opkind;
		return;
	case P_NUM:
		t->kind = num_value(lx, t) ? TK_NUM : TK_LEX_ERROR;
		return;
	case P_ESC:
		t->kind = TK_ID;
		t->str = cc_strndup(lx->cc, lx->s + p + 1, best - 1);
		return;
	default:
		break;
	}

	text = cc_strndup(lx->cc, lx->s + p, best);
	t->str = text;
	switch (which) {
	case P_AID:
		t->kind = TK_AID;
		break;
	case P_MAC:
		t->kind = TK_EID;
		break;
	case P_HID:
		t->kind = TK_HID;
		break;
	case P_V6: {
		struct in6_addr a6;

		t->kind = TK_HID6;
		if (inet_pton(AF_INET6, text, &a6) != 1) {
			lex_error(lx, t, "invalid IPv6 address %s", text);
			t->str = NULL;
		}
		break;
	}
	case P_BOGUS:
		t->kind = TK_EID;
		lex_error(lx, t, "invalid Ethernet address %s", text);
		t->str = NULL;
		break;
	default:
		t->kind = TK_ID;
		break;
	}
}

const char *
lex_kind_name(enum tok_kind k)
{
	static const char *const names[TK_COUNT_] = {
		[TK_END] = "end of expression", [TK_LEX_ERROR] = "error",
		[TK_NUM] = "number", [TK_ID] = "name",
		[TK_HID] = "IPv4 address", [TK_HID6] = "IPv6 address",
		[TK_EID] = "MAC address", [TK_AID] = "ARCnet address",
		[TK_LPAREN] = "'('", [TK_RPAREN] = "')'",
		[TK_LBRACKET] = "'['", [TK_RBRACKET] = "']'",
		[TK_COLON] = "':'", [TK_PLUS] = "'+'", [TK_MINUS] = "'-'",
		[TK_STAR] = "'*'", [TK_SLASH] = "'/'", [TK_PERCENT] = "'%'",
		[TK_AMP] = "'&'", [TK_PIPE] = "'|'", [TK_CARET] = "'^'",
		[TK_LSH] = "'<<'", [TK_RSH] = "'>>'", [TK_NOT] = "'not'",
		[TK_GT] = "'>'", [TK_LT] = "'<'", [TK_GEQ] = "'>='",
		[TK_LEQ] = "'<='", [TK_NEQ] = "'!='", [TK_EQ] = "'='",
		[TK_AND] = "'and'", [TK_OR] = "'or'",
	};
	const struct kw *kwp;

	if ((unsigned)k < TK_COUNT_ && names[k] != NULL)
		return names[k];
	for (kwp = keywords; kwp->word != NULL; kwp++)
		if (kwp->kind == k)
			return kwp->word;
	return "?";
}
