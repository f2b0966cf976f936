/*
 * test_compiler_gen.c - the code generator's building blocks, driven through
 * its internal API (cc.h, gen.h, gen-int.h) in a compile context set up by
 * hand as cc_compile does: how and/or/not wire the true/false exits (with
 * the constant folding), which instructions each comparison helper emits,
 * where loads relative to each header base land on several link types
 * (fixed and run-time offsets), the scratch-register allocator, the arena,
 * and that each family's errors leave through cc_error with a message.
 * Then whole compiles through cc_compile: empty and hostile inputs (every
 * byte value, a 100,000-term list, 100,000 parentheses, a 1 MB expression)
 * must give a program or a clear message, never a crash or a leak (run it
 * under ASan/UBSan, see tests/c/Makefile).
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include "check.h"
#include "../../src/_libpcap/compiler/cc.h"
#include "../../src/_libpcap/compiler/gen.h"
#include "../../src/_libpcap/compiler/gen-int.h"

/* ------------------------------------------------------------------------
 * A compile context built by hand.
 * --------------------------------------------------------------------- */

struct gctx {
	struct cc cc;
	char errbuf[PCAP_ERRBUF_SIZE];
};

static void
g_open(struct gctx *g, int dlt)
{
	memset(g, 0, sizeof(*g));
	g->cc.errbuf = g->errbuf;
	g->cc.opts.linktype = dlt;
	g->cc.opts.snaplen = 262144;
	g->cc.opts.netmask = PCAP_NETMASK_UNKNOWN;
	g->cc.text = "";
	g->cc.pos.offset = -1;
}

typedef void (*body_fn)(struct cc *cc, void *arg);

/*
 * Run fn under its own setjmp (the caller's cc->top is put back after):
 * 1 if it left through cc_error (the message is in cc->errbuf), 0 if it
 * returned.  The error flag is cleared first so that each call's message
 * is its own.
 */
static int
guarded(struct cc *cc, body_fn fn, void *arg)
{
	jmp_buf saved;
	int left = 0;

	memcpy(&saved, &cc->top, sizeof(jmp_buf));
	cc->error_set = 0;
	cc->errbuf[0] = '\0';
	if (setjmp(cc->top) == 0)
		fn(cc, arg);
	else
		left = 1;
	memcpy(&cc->top, &saved, sizeof(jmp_buf));
	return left;
}

static void
init_body(struct cc *cc, void *arg)
{
	(void)arg;
	gen_init(cc);
}

/* A context for dlt with the generator initialised and fn run in it; an
   unexpected cc_error is a failure.  The arena is released afterwards. */
static void
with_gen(int dlt, body_fn fn, void *arg, int line)
{
	struct gctx g;

	g_open(&g, dlt);
	if (guarded(&g.cc, init_body, NULL)) {
		fprintf(stderr, "line %d: gen_init(%d) failed: %s\n", line, dlt, g.errbuf);
		CHECK(0);
	} else if (guarded(&g.cc, fn, arg)) {
		fprintf(stderr, "line %d: unexpected error: %s\n", line, g.errbuf);
		CHECK(0);
	}
	cc_release(&g.cc);
	CHECK(g.cc.chunks == NULL);
	CHECK_INT(g.cc.arena_bytes, 0);
}
#define WITH_GEN(dlt, fn, arg) with_gen((dlt), (fn), (arg), __LINE__)

/* Expect fn to leave through cc_error with a message containing want. */
static void
expect_error(struct cc *cc, body_fn fn, void *arg, const char *want, int line)
{
	int left = guarded(cc, fn, arg);

	if (!left || strstr(cc->errbuf, want) == NULL) {
		fprintf(stderr, "line %d: expected error \"%s\", got %s \"%s\"\n", line,
		    want, left ? "error" : "no error", cc->errbuf);
		CHECK(0);
	} else {
		CHECK(1);
	}
}
#define EXPECT_ERROR(cc, fn, arg, want) expect_error((cc), (fn), (arg), (want), __LINE__)

/* The listing of the program rooted at cc->ic.root (emitter, bpf_image),
   one instruction per line, in a static buffer. */
static char listing_buf[1 << 16];

static const char *
listing(struct cc *cc)
{
	u_int len = 0, i;
	struct bpf_insn *insns = emit_program(cc, &cc->ic, cc->ic.root, &len);
	size_t n = 0;

	listing_buf[0] = '\0';
	for (i = 0; i < len && n < sizeof(listing_buf) - 128; i++)
		n += (size_t)snprintf(listing_buf + n, sizeof(listing_buf) - n, "%s\n",
		    bpf_image(&insns[i], (int)i));
	CHECK(bpf_validate(insns, (int)len));
	free(insns);
	return listing_buf;
}

/* A one-byte packet field test, "ldb [off]; jeq #v". */
static struct block *
byte_eq(struct cc *cc, u_int off, bpf_u_int32 v)
{
	return gen_cmp(cc, OR_PACKET, off, BPF_B, v);
}

static int
is_ret(const struct block *b, bpf_u_int32 k)
{
	return b != NULL && b->s.code == (BPF_RET | BPF_K) && b->s.k == k;
}

/* ------------------------------------------------------------------------
 * and / or / not: the exits after gen_finish.
 * --------------------------------------------------------------------- */

static void
logic_body(struct cc *cc, void *arg)
{
	struct block *a, *b, *c, *d;
	(void)arg;

	/* a and b: a true -> b, a false -> reject; b decides. */
	a = byte_eq(cc, 0, 1);
	b = byte_eq(cc, 1, 2);
	gen_and(a, b);
	CHECK(b->head == a);
	gen_finish(cc, b);
	CHECK(cc->ic.root == a);
	CHECK(JT(a) == b);
	CHECK(is_ret(JF(a), 0));
	CHECK(is_ret(JT(b), 262144));
	CHECK(JF(b) == JF(a));

	/* a or b: a true -> accept, a false -> b. */
	a = byte_eq(cc, 0, 1);
	b = byte_eq(cc, 1, 2);
	gen_or(a, b);
	CHECK(b->head == a);
	gen_finish(cc, b);
	CHECK(cc->ic.root == a);
	CHECK(JF(a) == b);
	CHECK(is_ret(JT(a), 262144));
	CHECK(JT(b) == JT(a));
	CHECK(is_ret(JF(b), 0));

	/* not a: the exits swap; the block itself is unchanged. */
	a = byte_eq(cc, 0, 1);
	gen_not(a);
	CHECK_INT(a->sense, 1);
	gen_finish(cc, a);
	CHECK(is_ret(JT(a), 0));
	CHECK(is_ret(JF(a), 262144));
	CHECK_INT(a->s.code, BPF_JMP | BPF_JEQ | BPF_K);

	/* (not a) and b: a true -> reject, a false -> b. */
	a = byte_eq(cc, 0, 1);
	b = byte_eq(cc, 1, 2);
	gen_not(a);
	gen_and(a, b);
	gen_finish(cc, b);
	CHECK(cc->ic.root == a);
	CHECK(is_ret(JT(a), 0));
	CHECK(JF(a) == b);
	CHECK(is_ret(JT(b), 262144));
	CHECK(is_ret(JF(b), 0));

	/* not (a and b): a false -> accept, b true -> reject. */
	a = byte_eq(cc, 0, 1);
	b = byte_eq(cc, 1, 2);
	gen_and(a, b);
	gen_not(b);
	gen_finish(cc, b);
	CHECK(JT(a) == b);
	CHECK(is_ret(JF(a), 262144));
	CHECK(is_ret(JT(b), 0));
	CHECK(JF(b) == JF(a));

	/* (a or b) and (c or d) */
	a = byte_eq(cc, 0, 1);
	b = byte_eq(cc, 1, 2);
	c = byte_eq(cc, 2, 3);
	d = byte_eq(cc, 3, 4);
	gen_or(a, b);
	gen_or(c, d);
	gen_and(b, d);
	gen_finish(cc, d);
	CHECK(cc->ic.root == a);
	CHECK(JT(a) == c);
	CHECK(JF(a) == b);
	CHECK(JT(b) == c);
	CHECK(is_ret(JF(b), 0));
	CHECK(JT(c) == JT(d));
	CHECK(is_ret(JT(c), 262144));
	CHECK(JF(c) == d);
	CHECK(JF(d) == JF(b));
	CHECK_STR(listing(cc),
	    "(000) ldb      [0]\n"
	    "(001) jeq      #0x1             jt 4\tjf 2\n"
	    "(002) ldb      [1]\n"
	    "(003) jeq      #0x2             jt 4\tjf 9\n"
	    "(004) ldb      [2]\n"
	    "(005) jeq      #0x3             jt 8\tjf 6\n"
	    "(006) ldb      [3]\n"
	    "(007) jeq      #0x4             jt 8\tjf 9\n"
	    "(008) ret      #262144\n"
	    "(009) ret      #0\n");

	/* double negation is the identity */
	a = byte_eq(cc, 0, 1);
	gen_not(a);
	gen_not(a);
	gen_finish(cc, a);
	CHECK(is_ret(JT(a), 262144));
	CHECK(is_ret(JF(a), 0));
}

/* Listing of expression builder f, for comparing folded and plain forms. */
typedef struct block *(*build_fn)(struct cc *cc);

static char *
build_listing(build_fn f)
{
	struct gctx g;
	char *volatile out = NULL;

	g_open(&g, DLT_EN10MB);
	if (setjmp(g.cc.top) == 0) {
		gen_init(&g.cc);
		gen_finish(&g.cc, f(&g.cc));
		out = strdup(listing(&g.cc));
	} else {
		fprintf(stderr, "build_listing: %s\n", g.errbuf);
	}
	cc_release(&g.cc);
	return out;
}

static struct block *
ab(struct cc *cc)
{
	struct block *a = byte_eq(cc, 0, 1), *b = byte_eq(cc, 1, 2);

	gen_and(a, b);
	return b;
}

static struct block *
x_or_ab(struct cc *cc)
{
	struct block *x = byte_eq(cc, 9, 9), *b = ab(cc);

	gen_or(x, b);
	return b;
}

static struct block *
ab_and_true(struct cc *cc)
{
	struct block *b = ab(cc), *t = gen_true(cc);

	gen_and(b, t);
	return t;
}

static struct block *
true_and_ab(struct cc *cc)
{
	struct block *t = gen_true(cc), *b = ab(cc);

	gen_and(t, b);
	return b;
}

static struct block *
ab_or_false(struct cc *cc)
{
	struct block *b = ab(cc), *f = gen_false(cc);

	gen_or(b, f);
	return f;
}

static struct block *
false_or_ab(struct cc *cc)
{
	struct block *f = gen_false(cc), *b = ab(cc);

	gen_or(f, b);
	return b;
}

/* x or ((a and b) and true): the folded operand sits inside a larger
   expression whose edges lead into it */
static struct block *
x_or_ab_true(struct cc *cc)
{
	struct block *x = byte_eq(cc, 9, 9), *b = ab_and_true(cc);

	gen_or(x, b);
	return b;
}

/* x or ((not (a and b)) or false) vs x or not (a and b) */
static struct block *
x_or_nab(struct cc *cc)
{
	struct block *x = byte_eq(cc, 9, 9), *b = ab(cc);

	gen_not(b);
	gen_or(x, b);
	return b;
}

static struct block *
x_or_nab_false(struct cc *cc)
{
	struct block *x = byte_eq(cc, 9, 9), *b = ab(cc), *f = gen_false(cc);

	gen_not(b);
	gen_or(b, f);
	gen_or(x, f);
	return f;
}

static struct block *
ab_and_false(struct cc *cc)
{
	struct block *b = ab(cc), *f = gen_false(cc);

	gen_and(b, f);
	return f;
}

static struct block *
true_or_ab(struct cc *cc)
{
	struct block *t = gen_true(cc), *b = ab(cc);

	gen_or(t, b);
	return b;
}

static struct block *
not_true_or_ab(struct cc *cc)
{
	struct block *t = gen_true(cc), *b = ab(cc);

	gen_not(t);		/* "not true" is false: drops out of an or */
	gen_or(t, b);
	return b;
}

static void
test_logic(void)
{
	struct gctx g;
	char *plain, *x_plain, *s;

	WITH_GEN(DLT_EN10MB, logic_body, NULL);

	/* constant folding: the constant operand disappears */
	plain = build_listing(ab);
	x_plain = build_listing(x_or_ab);
	CHECK(plain != NULL && x_plain != NULL);
	if (plain == NULL || x_plain == NULL)
		return;
	CHECK_STR(s = build_listing(ab_and_true), plain);
	free(s);
	CHECK_STR(s = build_listing(true_and_ab), plain);
	free(s);
	CHECK_STR(s = build_listing(ab_or_false), plain);
	free(s);
	CHECK_STR(s = build_listing(false_or_ab), plain);
	free(s);
	CHECK_STR(s = build_listing(not_true_or_ab), plain);
	free(s);
	CHECK_STR(s = build_listing(x_or_ab_true), x_plain);
	free(s);
	free(plain);
	free(x_plain);
	plain = build_listing(x_or_nab);
	CHECK_STR(s = build_listing(x_or_nab_false), plain);
	free(s);
	free(plain);

	/* and with false is false, or with true is true: the constant block
	   stays (ld #imm; jeq #0), the other operand is dropped */
	s = build_listing(ab_and_false);
	CHECK_STR(s,
	    "(000) ld       #0x1\n"
	    "(001) jeq      #0x0             jt 2\tjf 3\n"
	    "(002) ret      #262144\n"
	    "(003) ret      #0\n");
	free(s);
	s = build_listing(true_or_ab);
	CHECK_STR(s,
	    "(000) ld       #0x0\n"
	    "(001) jeq      #0x0             jt 2\tjf 3\n"
	    "(002) ret      #262144\n"
	    "(003) ret      #0\n");
	free(s);

	/* gen_const_value */
	g_open(&g, DLT_EN10MB);
	if (setjmp(g.cc.top) == 0) {
		struct block *t = gen_true(&g.cc), *f = gen_false(&g.cc);
		struct block *u = gen_uncond(&g.cc, 1), *c = byte_eq(&g.cc, 0, 0);

		gen_init(&g.cc);
		CHECK_INT(gen_const_value(t), 1);
		CHECK_INT(gen_const_value(f), 0);
		CHECK_INT(gen_const_value(u), 1);
		CHECK_INT(gen_const_value(c), -1);
		gen_not(t);
		CHECK_INT(gen_const_value(t), 0);
		gen_not(f);
		CHECK_INT(gen_const_value(f), 1);
	} else {
		CHECK(0);
	}
	cc_release(&g.cc);
}

/* ------------------------------------------------------------------------
 * The comparison family.
 * --------------------------------------------------------------------- */

/* The statements of b as "code:k" pairs. */
static const char *
stmts_of(const struct block *b)
{
	static char buf[512];
	size_t n = 0;
	const struct slist *s;

	buf[0] = '\0';
	for (s = b->stmts; s != NULL && n < sizeof(buf) - 32; s = s->next)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%#x:%u",
		    n ? " " : "", (unsigned)s->s.code, (unsigned)s->s.k);
	return buf;
}

static char expect_buf[512];

static const char *
st1(int code, u_int k)
{
	snprintf(expect_buf, sizeof(expect_buf), "%#x:%u", (unsigned)code, k);
	return expect_buf;
}

static const char *
st2(int c1, u_int k1, int c2, u_int k2)
{
	snprintf(expect_buf, sizeof(expect_buf), "%#x:%u %#x:%u", (unsigned)c1, k1,
	    (unsigned)c2, k2);
	return expect_buf;
}

static void
cmp_body(struct cc *cc, void *arg)
{
	struct block *b;
	static const u_char mac[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const u_char v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	    0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78 };
	static const u_char three[3] = { 0xaa, 0xbb, 0xcc };
	(void)arg;

	b = gen_cmp(cc, OR_PACKET, 5, BPF_H, 0x1234);
	CHECK_STR(stmts_of(b), st1(BPF_LD | BPF_ABS | BPF_H, 5));
	CHECK_INT(b->s.code, BPF_JMP | BPF_JEQ | BPF_K);
	CHECK_INT(b->s.k, 0x1234);
	CHECK_INT(b->sense, 0);
	CHECK(b->head == b);
	CHECK(JT(b) == NULL && JF(b) == NULL);

	b = gen_cmp_gt(cc, OR_PACKET, 1, BPF_B, 7);
	CHECK_INT(b->s.code, BPF_JMP | BPF_JGT | BPF_K);
	CHECK_INT(b->sense, 0);
	b = gen_cmp_ge(cc, OR_PACKET, 1, BPF_W, 7);
	CHECK_STR(stmts_of(b), st1(BPF_LD | BPF_ABS | BPF_W, 1));
	CHECK_INT(b->s.code, BPF_JMP | BPF_JGE | BPF_K);
	CHECK_INT(b->sense, 0);
	/* < and <= are the negations of >= and > */
	b = gen_cmp_lt(cc, OR_PACKET, 1, BPF_B, 7);
	CHECK_INT(b->s.code, BPF_JMP | BPF_JGE | BPF_K);
	CHECK_INT(b->sense, 1);
	b = gen_cmp_le(cc, OR_PACKET, 1, BPF_B, 7);
	CHECK_INT(b->s.code, BPF_JMP | BPF_JGT | BPF_K);
	CHECK_INT(b->sense, 1);
	b = gen_cmp_ne(cc, OR_PACKET, 1, BPF_B, 7);
	CHECK_INT(b->s.code, BPF_JMP | BPF_JEQ | BPF_K);
	CHECK_INT(b->sense, 1);
	CHECK_INT(b->s.k, 7);

	/* a full mask is no mask; a partial one is an "and" */
	b = gen_mcmp(cc, OR_PACKET, 20, BPF_H, 0, 0xffffffffU);
	CHECK_STR(stmts_of(b), st1(BPF_LD | BPF_ABS | BPF_H, 20));
	b = gen_mcmp(cc, OR_PACKET, 20, BPF_H, 0, 0x1fff);
	CHECK_STR(stmts_of(b), st2(BPF_LD | BPF_ABS | BPF_H, 20,
	    BPF_ALU | BPF_AND | BPF_K, 0x1fff));
	CHECK_INT(b->s.code, BPF_JMP | BPF_JEQ | BPF_K);
	CHECK_INT(b->s.k, 0);
	b = gen_mcmp(cc, OR_PACKET, 0, BPF_B, 0x40, 0xf0);
	CHECK_STR(stmts_of(b), st2(BPF_LD | BPF_ABS | BPF_B, 0,
	    BPF_ALU | BPF_AND | BPF_K, 0xf0));
	CHECK_INT(b->s.k, 0x40);
	/* a zero mask leaves a constant, with no load (master's rule) */
	b = gen_mcmp(cc, OR_PACKET, 30, BPF_W, 0, 0);
	CHECK_INT(gen_const_value(b), 1);
	b = gen_mcmp(cc, OR_PACKET, 30, BPF_W, 5, 0);
	CHECK_INT(gen_const_value(b), 0);

	/* gen_ncmp: jset and reversed forms */
	b = gen_ncmp(cc, OR_PACKET, 6, BPF_H, 0xffffffffU, BPF_JSET, 0, 0x1fff);
	CHECK_STR(stmts_of(b), st1(BPF_LD | BPF_ABS | BPF_H, 6));
	CHECK_INT(b->s.code, BPF_JMP | BPF_JSET | BPF_K);
	CHECK_INT(b->s.k, 0x1fff);
	CHECK_INT(b->sense, 0);
	b = gen_ncmp(cc, OR_PACKET, 6, BPF_H, 0xff, BPF_JGT, 1, 3);
	CHECK_STR(stmts_of(b), st2(BPF_LD | BPF_ABS | BPF_H, 6,
	    BPF_ALU | BPF_AND | BPF_K, 0xff));
	CHECK_INT(b->s.code, BPF_JMP | BPF_JGT | BPF_K);
	CHECK_INT(b->sense, 1);

	/* gen_jmp_k keeps its statements */
	b = gen_jmp_k(cc, BPF_JGE, 9, cc_new_stmt(cc, BPF_LD | BPF_LEN));
	CHECK_STR(stmts_of(b), st1(BPF_LD | BPF_LEN, 0));
	CHECK_INT(b->s.code, BPF_JMP | BPF_JGE | BPF_K);

	/* gen_bcmp: words from the end, then a half-word, then a byte */
	b = gen_bcmp(cc, OR_LINKHDR, 6, 6, mac);
	gen_finish(cc, b);
	CHECK_STR(listing(cc),
	    "(000) ld       [8]\n"
	    "(001) jeq      #0x22334455      jt 2\tjf 5\n"
	    "(002) ldh      [6]\n"
	    "(003) jeq      #0x11            jt 4\tjf 5\n"
	    "(004) ret      #262144\n"
	    "(005) ret      #0\n");
	b = gen_bcmp(cc, OR_LINKPL, 24, 16, v6);
	gen_finish(cc, b);
	CHECK_STR(listing(cc),
	    "(000) ld       [50]\n"
	    "(001) jeq      #0x12345678      jt 2\tjf 9\n"
	    "(002) ld       [46]\n"
	    "(003) jeq      #0x0             jt 4\tjf 9\n"
	    "(004) ld       [42]\n"
	    "(005) jeq      #0x0             jt 6\tjf 9\n"
	    "(006) ld       [38]\n"
	    "(007) jeq      #0x20010db8      jt 8\tjf 9\n"
	    "(008) ret      #262144\n"
	    "(009) ret      #0\n");
	b = gen_bcmp(cc, OR_PACKET, 10, 3, three);
	gen_finish(cc, b);
	CHECK_STR(listing(cc),
	    "(000) ldh      [11]\n"
	    "(001) jeq      #0xbbcc          jt 2\tjf 5\n"
	    "(002) ldb      [10]\n"
	    "(003) jeq      #0xaa            jt 4\tjf 5\n"
	    "(004) ret      #262144\n"
	    "(005) ret      #0\n");
	b = gen_bcmp(cc, OR_PACKET, 10, 1, three);
	CHECK_STR(stmts_of(b), st1(BPF_LD | BPF_ABS | BPF_B, 10));
	CHECK_INT(b->s.k, 0xaa);
}

/* ------------------------------------------------------------------------
 * Loads relative to each header base.
 * --------------------------------------------------------------------- */

struct load_case {
	enum e_offrel rel;
	u_int off;
	u_int size;
	const char *want;	/* stmts_of() of a block over the load */
};

struct load_set {
	const struct load_case *cases;
	size_t n;
};

static void
loads_body(struct cc *cc, void *arg)
{
	const struct load_set *set = arg;
	size_t i;

	for (i = 0; i < set->n; i++) {
		const struct load_case *c = &set->cases[i];
		struct block *b = gen_jmp_k(cc, BPF_JEQ, 0,
		    gen_load_a(cc, c->rel, c->off, c->size));

		if (strcmp(stmts_of(b), c->want) != 0) {
			fprintf(stderr, "load case %zu (rel %d off %u): %s, expected %s\n",
			    i, (int)c->rel, c->off, stmts_of(b), c->want);
			CHECK(0);
		} else {
			CHECK(1);
		}
	}
}

#define LDA(sz, k)	"0x" #sz ":" #k
#define RUN_LOADS(dlt, arr) do { struct load_set set_ = { arr, \
	sizeof(arr) / sizeof(arr[0]) }; WITH_GEN(dlt, loads_body, &set_); } while (0)

/* Codes: ld abs b/h/w = 0x30/0x28/0x20, ld ind b/h/w = 0x50/0x48/0x40,
   ldxb msh = 0xb1, ldx mem = 0x61, and k = 0x54, lsh k = 0x64,
   add x = 0xc, tax = 0x7. */
static const struct load_case en10mb_loads[] = {
	{ OR_PACKET, 3, BPF_B, "0x30:3" },
	{ OR_LINKHDR, 6, BPF_W, "0x20:6" },
	{ OR_PREVLINKHDR, 0, BPF_H, "0x28:0" },
	{ OR_LINKTYPE, 0, BPF_H, "0x28:12" },
	{ OR_LINKPL, 9, BPF_B, "0x30:23" },
	{ OR_LINKPL_NOSNAP, 0, BPF_B, "0x30:17" },
	{ OR_LLC, 2, BPF_B, "0x30:16" },
	{ OR_PREVMPLSHDR, 2, BPF_B, "0x30:12" },
	{ OR_TRAN_IPV4, 2, BPF_H, "0xb1:14 0x48:16" },
	{ OR_TRAN_IPV6, 2, BPF_H, "0x28:56" },
};
static const struct load_case sll_loads[] = {
	{ OR_LINKTYPE, 0, BPF_H, "0x28:14" },
	{ OR_LINKPL, 9, BPF_B, "0x30:25" },
	{ OR_TRAN_IPV4, 0, BPF_H, "0xb1:16 0x48:16" },
	{ OR_TRAN_IPV6, 0, BPF_H, "0x28:56" },
};
static const struct load_case sll2_loads[] = {
	{ OR_LINKTYPE, 0, BPF_H, "0x28:0" },
	{ OR_LINKHDR, 4, BPF_W, "0x20:4" },
	{ OR_LINKPL, 9, BPF_B, "0x30:29" },
	{ OR_TRAN_IPV4, 2, BPF_H, "0xb1:20 0x48:22" },
};
static const struct load_case null_loads[] = {
	{ OR_LINKTYPE, 0, BPF_W, "0x20:0" },
	{ OR_LINKPL, 9, BPF_B, "0x30:13" },
	{ OR_TRAN_IPV6, 0, BPF_H, "0x28:44" },
};
static const struct load_case raw_loads[] = {
	{ OR_LINKHDR, 0, BPF_B, "0x30:0" },
	{ OR_LINKPL, 9, BPF_B, "0x30:9" },
	{ OR_TRAN_IPV4, 0, BPF_H, "0xb1:0 0x48:0" },
	{ OR_TRAN_IPV6, 2, BPF_H, "0x28:42" },
};
static const struct load_case ppp_bsdos_loads[] = {
	{ OR_LINKTYPE, 0, BPF_H, "0x28:5" },
	{ OR_LINKPL, 9, BPF_B, "0x30:33" },
};
static const struct load_case ppp_ether_loads[] = {
	{ OR_LINKTYPE, 0, BPF_H, "0x28:6" },
	{ OR_LINKPL, 0, BPF_B, "0x30:8" },
};
static const struct load_case slip_loads[] = {
	{ OR_LINKPL, 0, BPF_B, "0x30:16" },
	{ OR_TRAN_IPV4, 0, BPF_H, "0xb1:16 0x48:16" },
};
/* 802.11 with a radiotap header: the link header and the payload are at
   run-time offsets held in scratch registers (the payload's is assigned
   first here, so it gets M[0]). */
static const struct load_case radio_loads[] = {
	{ OR_LINKPL, 0, BPF_B, "0x61:0 0x50:8" },
	{ OR_LINKPL, 4, BPF_H, "0x61:0 0x48:12" },
	{ OR_LINKHDR, 1, BPF_B, "0x61:1 0x50:1" },
	{ OR_PACKET, 1, BPF_B, "0x30:1" },
	{ OR_TRAN_IPV4, 2, BPF_H,
	    "0x61:0 0x50:8 0x54:15 0x64:2 0xc:0 0x7:0 0x48:10" },
	{ OR_TRAN_IPV6, 0, BPF_B, "0x61:0 0x50:48" },
};

/* gen_finish with a variable offset inserts the prologue that fills the
   register before the first test: the program must be valid BPF that
   stores M[reg] before loading it. */
static void
radio_finish_body(struct cc *cc, void *arg)
{
	struct block *b = gen_cmp(cc, OR_LINKPL, 0, BPF_B, 0x45);
	const char *l;
	(void)arg;

	gen_finish(cc, b);
	l = listing(cc);
	CHECK(strstr(l, "st       M[0]") != NULL);
	CHECK(strstr(l, "st       M[0]") < strstr(l, "ldx      M[0]"));
	CHECK(strstr(l, "ldb      [x + 8]") != NULL);
}

static void
test_loads(void)
{
	RUN_LOADS(DLT_EN10MB, en10mb_loads);
	RUN_LOADS(DLT_LINUX_SLL, sll_loads);
	RUN_LOADS(DLT_LINUX_SLL2, sll2_loads);
	RUN_LOADS(DLT_NULL, null_loads);
	RUN_LOADS(DLT_LOOP, null_loads);
	RUN_LOADS(DLT_RAW, raw_loads);
	RUN_LOADS(DLT_IPV4, raw_loads);
	RUN_LOADS(DLT_IPV6, raw_loads);
	RUN_LOADS(DLT_PPP_BSDOS, ppp_bsdos_loads);
	RUN_LOADS(DLT_PPP_ETHER, ppp_ether_loads);
	RUN_LOADS(DLT_SLIP, slip_loads);
	RUN_LOADS(DLT_IEEE802_11_RADIO, radio_loads);
	WITH_GEN(DLT_IEEE802_11_RADIO, radio_finish_body, NULL);
}

/* ------------------------------------------------------------------------
 * Scratch registers.
 * --------------------------------------------------------------------- */

static void
alloc_one(struct cc *cc, void *arg)
{
	*(int *)arg = gen_alloc_reg(cc);
}

static void
bad_offrel(struct cc *cc, void *arg)
{
	(void)arg;
	(void)gen_load_a(cc, (enum e_offrel)99, 0, BPF_B);
}

static void
regs_body(struct cc *cc, void *arg)
{
	int i, r = -1;
	(void)arg;

	for (i = 0; i < BPF_MEMWORDS; i++)
		CHECK_INT(gen_alloc_reg(cc), i);
	/* exhausted: an error, twice (the state stays usable) */
	EXPECT_ERROR(cc, alloc_one, &r, "too many registers needed to evaluate expression");
	EXPECT_ERROR(cc, alloc_one, &r, "too many registers needed to evaluate expression");
	/* round robin from where the last search stopped */
	gen_free_reg(cc, 5);
	CHECK_INT(gen_alloc_reg(cc), 5);
	gen_free_reg(cc, 9);
	gen_free_reg(cc, 3);
	CHECK_INT(gen_alloc_reg(cc), 9);
	CHECK_INT(gen_alloc_reg(cc), 3);
	EXPECT_ERROR(cc, alloc_one, &r, "too many registers");
	/* freeing out of range is ignored */
	gen_free_reg(cc, -1);
	gen_free_reg(cc, BPF_MEMWORDS);
	EXPECT_ERROR(cc, alloc_one, &r, "too many registers");
	for (i = 0; i < BPF_MEMWORDS; i++)
		gen_free_reg(cc, i);
	CHECK_INT(gen_alloc_reg(cc), 3);
	CHECK_INT(gen_alloc_reg(cc), 4);
	/* an unknown header base is an internal error, not a crash */
	EXPECT_ERROR(cc, bad_offrel, NULL, "internal error");
}

/* ------------------------------------------------------------------------
 * The arena and the cleanups.
 * --------------------------------------------------------------------- */

static int cleanup_log[8];
static int cleanup_n;

static void
note_cleanup(void *arg)
{
	if (cleanup_n < 8)
		cleanup_log[cleanup_n++] = (int)(intptr_t)arg;
}

static void
free_cleanup(void *arg)
{
	free(arg);
}

static void
alloc_size(struct cc *cc, void *arg)
{
	(void)cc_alloc(cc, *(size_t *)arg);
}

static void
raise_error(struct cc *cc, void *arg)
{
	cc_error(cc, "boom %d", *(int *)arg);
}

static void
test_arena(void)
{
	struct gctx g;
	volatile int phase = 0;
	size_t sizes[] = { 1, 3, 16, 17, 100, 4000, 5000, 70000, 1 << 20 };
	size_t i, j, big;
	void *p[sizeof(sizes) / sizeof(sizes[0])];

	/* zeroed, aligned, distinct, writable */
	g_open(&g, DLT_EN10MB);
	if (setjmp(g.cc.top) == 0) {
		for (j = 0; j < 3; j++) {
			for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
				unsigned char *m = cc_alloc(&g.cc, sizes[i]);
				size_t k, nz = 0;

				for (k = 0; k < sizes[i]; k++)
					nz += m[k] != 0;
				CHECK_INT(nz, 0);
				CHECK_INT((uintptr_t)m % _Alignof(max_align_t), 0);
				memset(m, 0xa5, sizes[i]);
				p[i] = m;
			}
			for (i = 1; i < sizeof(sizes) / sizeof(sizes[0]); i++)
				CHECK(p[i] != p[i - 1]);
		}
		CHECK(cc_alloc(&g.cc, 0) != NULL);
		CHECK_STR(cc_strdup(&g.cc, "abc"), "abc");
		CHECK_STR(cc_strndup(&g.cc, "abcdef", 2), "ab");
		CHECK(g.cc.arena_bytes >= 3 * (1 << 20));
	} else {
		CHECK(0);
	}
	cc_release(&g.cc);
	CHECK(g.cc.chunks == NULL);

	/* over the limit: "out of memory" through cc_error, nothing allocated */
	g_open(&g, DLT_EN10MB);
	if (setjmp(g.cc.top) == 0) {
		big = CC_ARENA_LIMIT + 1;
		EXPECT_ERROR(&g.cc, alloc_size, &big, "out of memory");
		CHECK_INT(g.cc.arena_bytes, 0);
		/* near the limit (pretend the arena is almost full): a small
		   request that needs a new chunk fails, then the context is
		   still usable and releases normally */
		(void)cc_alloc(&g.cc, 64);
		g.cc.arena_bytes = CC_ARENA_LIMIT - 32;
		big = 4096;
		EXPECT_ERROR(&g.cc, alloc_size, &big, "out of memory");
		big = 16;	/* fits in the current chunk */
		CHECK(!guarded(&g.cc, alloc_size, &big));
		g.cc.arena_bytes = 4096;
		/* a size whose rounding wraps around must fail, not return a
		   tiny block */
		big = SIZE_MAX - 3;
		CHECK(guarded(&g.cc, alloc_size, &big) &&
		    strstr(g.errbuf, "out of memory") != NULL);
	} else {
		CHECK(0);
	}
	cc_release(&g.cc);

	/* cleanups run newest first, on success and on an error exit; a
	   malloc'ed resource registered there is not leaked (ASan) */
	cleanup_n = 0;
	g_open(&g, DLT_EN10MB);
	if (setjmp(g.cc.top) == 0) {
		int v = 7;

		cc_on_cleanup(&g.cc, note_cleanup, (void *)(intptr_t)1);
		cc_on_cleanup(&g.cc, note_cleanup, (void *)(intptr_t)2);
		cc_on_cleanup(&g.cc, free_cleanup, malloc(100));
		(void)cc_alloc(&g.cc, 1 << 16);
		phase = 1;
		raise_error(&g.cc, &v);
	} else {
		CHECK_INT(phase, 1);
		CHECK_STR(g.errbuf, "boom 7");
	}
	cc_release(&g.cc);
	CHECK_INT(cleanup_n, 2);
	CHECK_INT(cleanup_log[0], 2);
	CHECK_INT(cleanup_log[1], 1);
	/* released twice is harmless */
	cc_release(&g.cc);
	CHECK_INT(cleanup_n, 2);

	/* the first message wins */
	g_open(&g, DLT_EN10MB);
	cc_set_error(&g.cc, "first %s", "one");
	if (setjmp(g.cc.top) == 0)
		cc_error(&g.cc, "second");
	CHECK_STR(g.errbuf, "first one");
	cc_release(&g.cc);
}

/* ------------------------------------------------------------------------
 * Each family's error exits, called directly.
 * --------------------------------------------------------------------- */

#define CALL(name, expr) static void name(struct cc *cc, void *arg) \
	{ (void)arg; (void)(expr); }

CALL(e_ifindex, gen_ifindex(cc, 3))
CALL(e_inbound, gen_inbound_outbound(cc, 0))
CALL(e_pf_ifname, gen_pf_ifname(cc, "eth0"))
CALL(e_pf_rnr, gen_pf_rnr(cc, 1))
CALL(e_pf_action, gen_pf_action(cc, 1))
CALL(e_atm, gen_atmtype_abbrev(cc, A_LANE))
CALL(e_atmfield, gen_atmfield_code(cc, A_VPI, 1, BPF_JEQ, 0))
CALL(e_mtp2, gen_mtp2type_abbrev(cc, M_FISU))
CALL(e_mtp3, gen_mtp3field_code(cc, M_SIO, 1, BPF_JEQ, 0))
CALL(e_wlan_type, gen_p80211_type(cc, 0, 0x0c))
CALL(e_wlan_dir, gen_p80211_fcdir(cc, 1))
CALL(e_vlan_max, gen_vlan(cc, 4096, 1))
CALL(e_mpls_max, gen_mpls(cc, 1u << 20, 1))
CALL(e_pppoes_max, gen_pppoes(cc, 65536, 1))
CALL(e_geneve_max, gen_geneve(cc, 1u << 24, 1))
CALL(e_vxlan_max, gen_vxlan(cc, 1u << 24, 1))
CALL(e_load_size, gen_load(cc, Q_IP, gen_loadi(cc, 0), 3))
CALL(e_div0, gen_arth(cc, BPF_DIV, gen_loadlen(cc), gen_loadi(cc, 0)))
CALL(e_mod0, gen_arth(cc, BPF_MOD, gen_loadlen(cc), gen_loadi(cc, 0)))
CALL(e_shift, gen_arth(cc, BPF_LSH, gen_loadlen(cc), gen_loadi(cc, 32)))
CALL(e_bcast, gen_broadcast(cc, Q_IP))
CALL(e_llc_raw, gen_llc(cc))
CALL(e_proto_ll, gen_proto(cc, 70000, Q_LINK))
CALL(e_port, gen_ncode(cc, NULL, 65536, (struct qual){ Q_PORT, Q_TCP, Q_DEFAULT, 0 }))
CALL(e_ecode, gen_ecode(cc, "00:11:22:33:44:55", (struct qual){ Q_HOST, Q_IP, Q_DEFAULT, 0 }))
CALL(e_ncode_gw, gen_ncode(cc, "1.2.3.4", 0, (struct qual){ Q_GATEWAY, Q_DEFAULT, Q_DEFAULT, 0 }))
CALL(e_mcode6, gen_mcode6(cc, "::1", 129, (struct qual){ Q_NET, Q_DEFAULT, Q_DEFAULT, 0 }))
CALL(e_mcode, gen_mcode(cc, "10.0.0.0", NULL, 33, (struct qual){ Q_NET, Q_DEFAULT, Q_DEFAULT, 0 }))
CALL(e_scode, gen_scode(cc, "no-such-host.invalid", (struct qual){ Q_HOST, Q_DEFAULT, Q_DEFAULT, 0 }))
CALL(e_acode, gen_acode(cc, "$1", (struct qual){ Q_HOST, Q_LINK, Q_DEFAULT, 0 }))
CALL(e_radio_abbrev, gen_proto_abbrev(cc, Q_RADIO))
CALL(e_protochain, gen_protochain(cc, 256, Q_DEFAULT))
CALL(e_osi, gen_osi_proto(cc, 256, Q_ISO))
CALL(e_wlan_host, gen_mac48_host(cc, (const u_char *)"\1\2\3\4\5\6", Q_ADDR1, "ether host"))
CALL(e_decnet_dir, gen_decnet_host(cc, 1, Q_ADDR1))

struct err_case {
	const char *name;
	int dlt;
	body_fn fn;
	const char *want;
};

static const struct err_case err_cases[] = {
	{ "ifindex", DLT_EN10MB, e_ifindex, "not a live capture" },
	{ "inbound", DLT_EN10MB, e_inbound, "'inbound' not supported on DLT_EN10MB" },
	{ "pf ifname", DLT_EN10MB, e_pf_ifname, "supported only on PFLOG" },
	{ "pf rnr", DLT_RAW, e_pf_rnr, "supported only on PFLOG" },
	{ "pf action", DLT_NULL, e_pf_action, "supported only on PFLOG" },
	{ "atm", DLT_EN10MB, e_atm, "supported only on SUNATM" },
	{ "atm field", DLT_EN10MB, e_atmfield, "supported only on SUNATM" },
	{ "mtp2", DLT_EN10MB, e_mtp2, "supported only on SS7" },
	{ "mtp3", DLT_EN10MB, e_mtp3, "supported only on SS7" },
	{ "wlan type", DLT_EN10MB, e_wlan_type, "not supported on DLT_EN10MB" },
	{ "wlan dir", DLT_LINUX_SLL, e_wlan_dir, "not supported on DLT_LINUX_SLL" },
	{ "vlan max", DLT_EN10MB, e_vlan_max, "VLAN tag 4096 greater than maximum 4095" },
	{ "mpls max", DLT_EN10MB, e_mpls_max, "MPLS label 1048576 greater than maximum 1048575" },
	{ "pppoes max", DLT_EN10MB, e_pppoes_max, "greater than maximum 65535" },
	{ "geneve max", DLT_EN10MB, e_geneve_max, "greater than maximum 16777215" },
	{ "vxlan max", DLT_EN10MB, e_vxlan_max, "greater than maximum 16777215" },
	{ "load size", DLT_EN10MB, e_load_size, "data size must be 1, 2, or 4" },
	{ "div 0", DLT_EN10MB, e_div0, "division by zero" },
	{ "mod 0", DLT_EN10MB, e_mod0, "modulus by zero" },
	{ "shift", DLT_EN10MB, e_shift, "shift by more than 31 bits" },
	{ "ip broadcast", DLT_EN10MB, e_bcast, "netmask not known, so 'ip broadcast' not supported" },
	{ "llc on RAW", DLT_RAW, e_llc_raw, "not supported on DLT_RAW" },
	{ "link proto max", DLT_EN10MB, e_proto_ll, "greater than maximum 65535" },
	{ "port max", DLT_EN10MB, e_port, "port number 65536 greater than maximum 65535" },
	{ "ether addr with ip", DLT_EN10MB, e_ecode, "" },
	{ "gateway number", DLT_EN10MB, e_ncode_gw, "'gateway'" },
	{ "ip6 mask", DLT_EN10MB, e_mcode6, "mask length must be <= 128" },
	{ "ip mask", DLT_EN10MB, e_mcode, "netmask length 33 greater than maximum 32" },
	{ "unknown host", DLT_EN10MB, e_scode, "no-such-host.invalid" },
	{ "arcnet on EN10MB", DLT_EN10MB, e_acode, "" },
	{ "radio abbrev", DLT_EN10MB, e_radio_abbrev, "'radio'" },
	{ "protochain max", DLT_EN10MB, e_protochain, "greater than maximum 255" },
	{ "iso proto max", DLT_EN10MB, e_osi, "greater than maximum" },
	{ "addr1 off 802.11", DLT_EN10MB, e_wlan_host, "'addr1' is valid for 802.11 syntax only" },
	{ "decnet addr1", DLT_EN10MB, e_decnet_dir, "" },
};

static void
test_family_errors(void)
{
	size_t i;

	for (i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *c = &err_cases[i];
		struct gctx g;
		int left;

		g_open(&g, c->dlt);
		if (guarded(&g.cc, init_body, NULL)) {
			CHECK(0);
			cc_release(&g.cc);
			continue;
		}
		left = guarded(&g.cc, c->fn, NULL);
		if (!left || g.errbuf[0] == '\0' || strstr(g.errbuf, c->want) == NULL) {
			fprintf(stderr, "family error %s: %s \"%s\", expected \"%s\"\n",
			    c->name, left ? "error" : "no error", g.errbuf, c->want);
			CHECK(0);
		} else {
			CHECK(1);
		}
		cc_release(&g.cc);
	}
}

/* ------------------------------------------------------------------------
 * Whole compiles through cc_compile.
 * --------------------------------------------------------------------- */

static struct cc_opts
opts_for(int dlt, int optimize)
{
	struct cc_opts o;

	memset(&o, 0, sizeof(o));
	o.linktype = dlt;
	o.snaplen = 262144;
	o.netmask = PCAP_NETMASK_UNKNOWN;
	o.optimize = optimize;
	return o;
}

/* Compile; on success the listing (malloc'ed) and the length, else NULL
   with the message in errbuf. */
static char *
compile_listing(const struct cc_opts *o, const char *expr, char *errbuf, u_int *lenp)
{
	struct bpf_program prog;
	char *text = NULL;
	size_t tl = 0;
	FILE *m;
	u_int i;

	errbuf[0] = '\0';
	if (cc_compile(o, expr, &prog, errbuf, NULL) != 0) {
		CHECK(errbuf[0] != '\0');
		return NULL;
	}
	CHECK(prog.bf_len > 0);
	CHECK(bpf_validate(prog.bf_insns, (int)prog.bf_len));
	if (lenp != NULL)
		*lenp = prog.bf_len;
	m = open_memstream(&text, &tl);
	for (i = 0; i < prog.bf_len && i < 4096; i++)
		fprintf(m, "%s\n", bpf_image(&prog.bf_insns[i], (int)i));
	fclose(m);
	pcap_freecode(&prog);
	return text;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
test_pipeline_basic(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct cc_opts o = opts_for(DLT_EN10MB, 1);
	char *l;
	u_int len = 0;

	/* empty expression (and blanks only, and NULL): accept with snaplen */
	l = compile_listing(&o, "", errbuf, &len);
	CHECK_STR(l, "(000) ret      #262144\n");
	free(l);
	l = compile_listing(&o, " \t\n ", errbuf, &len);
	CHECK_STR(l, "(000) ret      #262144\n");
	free(l);
	l = compile_listing(&o, NULL, errbuf, &len);
	CHECK_STR(l, "(000) ret      #262144\n");
	free(l);
	o.snaplen = 96;
	o.optimize = 0;
	l = compile_listing(&o, "", errbuf, &len);
	CHECK_STR(l, "(000) ret      #96\n");
	free(l);

	/* snaplen 0 */
	o.snaplen = 0;
	l = compile_listing(&o, "tcp", errbuf, &len);
	CHECK(l == NULL);
	CHECK_STR(errbuf, "snaplen of 0 rejects all packets");
	l = compile_listing(&o, "", errbuf, &len);
	CHECK(l == NULL);
	CHECK_STR(errbuf, "snaplen of 0 rejects all packets");

	/* unknown link type */
	o = opts_for(12345, 1);
	l = compile_listing(&o, "ip", errbuf, &len);
	CHECK(l == NULL);
	CHECK(strstr(errbuf, "unknown data link type 12345") != NULL);
	o = opts_for(-1, 1);
	l = compile_listing(&o, "", errbuf, &len);
	CHECK(l == NULL);
	CHECK(strstr(errbuf, "unknown data link type -1") != NULL);

	/* netmask-dependent broadcast */
	o = opts_for(DLT_EN10MB, 1);
	l = compile_listing(&o, "ip broadcast", errbuf, &len);
	CHECK(l == NULL);
	CHECK_STR(errbuf, "netmask not known, so 'ip broadcast' not supported");
	o.netmask = 0xffffff00;
	l = compile_listing(&o, "ip broadcast", errbuf, &len);
	CHECK(l != NULL);
	if (l != NULL) {
		CHECK(strstr(l, "jset     #0xff") != NULL);
		CHECK(strstr(l, "jeq      #0x800") != NULL);
	}
	free(l);
	/* with netmask 0 the host part is all 32 bits */
	o.netmask = 0;
	l = compile_listing(&o, "ip broadcast", errbuf, &len);
	CHECK(l != NULL);
	free(l);
	o = opts_for(DLT_RAW, 0);
	o.netmask = 0xffff0000;
	l = compile_listing(&o, "ip broadcast", errbuf, &len);
	CHECK(l != NULL);
	if (l != NULL)
		CHECK(strstr(l, "#0xffff") != NULL);
	free(l);

	/* too many registers through the language: constants held in
	   registers while the right operand nests */
	{
		char expr[2048];
		size_t n = 0;
		int i;

		for (i = 0; i < 20; i++)
			n += (size_t)snprintf(expr + n, sizeof(expr) - n, "%d + (", i + 1);
		n += (size_t)snprintf(expr + n, sizeof(expr) - n, "len");
		for (i = 0; i < 20; i++)
			expr[n++] = ')';
		snprintf(expr + n, sizeof(expr) - n, " = 5");
		o = opts_for(DLT_EN10MB, 0);
		l = compile_listing(&o, expr, errbuf, &len);
		CHECK(l == NULL);
		CHECK_STR(errbuf, "too many registers needed to evaluate expression");
	}
}

/* A matrix of primitives over the part-1 link types, every optimize and
   Linux-extension setting and both savefile byte orders: each compile is
   a valid program or a message (never a crash), and the optimized and
   unoptimized programs agree on a few packets. */
static void
test_matrix(void)
{
	static const int dlts[] = {
		DLT_EN10MB, DLT_RAW, DLT_IPV4, DLT_IPV6, DLT_NULL, DLT_LOOP,
		DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_PPP, DLT_PPP_SERIAL, DLT_PPP_BSDOS,
		DLT_PPP_PPPD, DLT_PPP_ETHER, DLT_C_HDLC, DLT_SLIP,
	};
	static const char *const exprs[] = {
		"", "ip", "ip6", "arp", "tcp port 80", "udp portrange 1-100",
		"host 10.0.0.1 or host ::1", "net 10.0.0.0/8", "ip6 net 2001:db8::/32",
		"ether host 00:11:22:33:44:55", "vlan", "vlan 100 and ip", "vlan and vlan and tcp",
		"mpls 5 and ip", "pppoes 7 and ip6", "pppoed", "geneve and ip", "vxlan 3 and tcp",
		"inbound", "outbound", "ifindex 2", "broadcast", "multicast", "ip multicast",
		"ip6 multicast", "less 100", "greater 60", "len - 14 > 40", "ip[0] & 0xf > 5",
		"tcp[tcpflags] & tcp-syn != 0", "icmp6[icmp6type] = icmp6-echo", "protochain 6",
		"ip6 protochain 17", "llc", "stp or ipx or netbeui", "iso or clnp or esis",
		"link[0] = 1", "byte 0 & 1", "not (tcp or udp) and not icmp",
		"ether proto \\ip6 or ether proto \\arp", "ip and ip6", "decnet host 1.2",
	};
	static const u_char pkt_eth[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x00,
		0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
		0, 80, 0x1f, 0x90, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x10, 0, 0, 0, 0, 0 };
	char errbuf[PCAP_ERRBUF_SIZE];
	size_t d, e;
	u_int flags, src, opt, progs = 0, errs = 0;

	for (d = 0; d < sizeof(dlts) / sizeof(dlts[0]); d++) {
		for (e = 0; e < sizeof(exprs) / sizeof(exprs[0]); e++) {
			for (flags = 0; flags < 4; flags++) {
				for (src = 0; src < 3; src++) {
					struct bpf_program p[2];
					int ok[2];

					for (opt = 0; opt < 2; opt++) {
						struct cc_opts o = opts_for(dlts[d], (int)opt);

						o.codegen_flags = flags;
						o.source = (enum cc_source)src;
						errbuf[0] = '\0';
						ok[opt] = cc_compile(&o, exprs[e], &p[opt], errbuf,
						    NULL) == 0;
						if (ok[opt]) {
							progs++;
							CHECK(p[opt].bf_len > 0);
							CHECK(bpf_validate(p[opt].bf_insns,
							    (int)p[opt].bf_len));
						} else {
							errs++;
							CHECK(errbuf[0] != '\0');
						}
					}
					/* the optimizer may refuse what the
					   unoptimized compile accepts, never the
					   reverse */
					CHECK(ok[0] || !ok[1]);
					if (ok[0] && ok[1] && flags == 0) {
						size_t n;

						/* truncated packets: may end the two
						   programs differently, must not crash */
						for (n = 1; n < sizeof(pkt_eth); n += 7) {
							(void)bpf_filter(p[0].bf_insns, pkt_eth,
							    (u_int)n, (u_int)n);
							(void)bpf_filter(p[1].bf_insns, pkt_eth,
							    (u_int)n, (u_int)n);
						}
						n = sizeof(pkt_eth);
						if (bpf_filter(p[0].bf_insns, pkt_eth, (u_int)n,
						    (u_int)n) != bpf_filter(p[1].bf_insns, pkt_eth,
						    (u_int)n, (u_int)n)) {
							fprintf(stderr, "opt/unopt differ: "
							    "dlt %d \"%s\"\n", dlts[d], exprs[e]);
							CHECK(0);
						}
					}
					for (opt = 0; opt < 2; opt++)
						if (ok[opt])
							pcap_freecode(&p[opt]);
				}
			}
		}
	}
	CHECK(progs > 0);
	CHECK(errs > 0);
}

/* Every byte value inside an expression: a program or a message. */
static void
test_every_byte(void)
{
	static const char *const frames[] = {
		"%c", "host 1.2.3.4 %c tcp", "tcp port 8%c", "ip[%c] = 1",
		"ether host 00:11:22:33:44:5%c", "\"%c\"", "(%c)", "net 10.%c.0.0/16",
	};
	char errbuf[PCAP_ERRBUF_SIZE];
	char expr[64];
	int c, f, opt, ok = 0, err = 0;

	for (opt = 0; opt < 2; opt++) {
		struct cc_opts o = opts_for(DLT_EN10MB, opt);

		for (f = 0; f < (int)(sizeof(frames) / sizeof(frames[0])); f++) {
			for (c = 1; c < 256; c++) {
				char *l;

				snprintf(expr, sizeof(expr), frames[f], c);
				l = compile_listing(&o, expr, errbuf, NULL);
				if (l != NULL) {
					ok++;
				} else {
					err++;
					if (errbuf[0] == '\0') {
						fprintf(stderr, "byte %d in \"%s\": no message\n", c,
						    frames[f]);
						CHECK(0);
					}
				}
				free(l);
			}
		}
	}
	/* byte 0 ends the text: "host 1.2.3.4 " alone is a program */
	{
		struct cc_opts o = opts_for(DLT_EN10MB, 1);
		char *l = compile_listing(&o, "host 1.2.3.4 \0 tcp", errbuf, NULL);

		CHECK(l != NULL);
		free(l);
	}
	CHECK(ok > 0);
	CHECK(err > 0);
}

/* A list "host 10.a.b.c or ..." of n terms. */
static char *
host_list(u_int n)
{
	size_t cap = (size_t)n * 24 + 16, len = 0;
	char *s = malloc(cap);
	u_int i;

	for (i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%shost 10.%u.%u.%u",
		    i ? " or " : "", (i >> 16) & 255, (i >> 8) & 255, i & 255);
	return s;
}

static void
test_hostile(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct cc_opts o = opts_for(DLT_EN10MB, 0);
	struct bpf_program prog;
	size_t n, i;
	char *s, *l;
	double t;

	/* 100,000-term host list, unoptimized: 18 instructions a host, the
	   two returns and the long jumps ("ja") the far branches need;
	   accepts the last host and rejects others */
	s = host_list(100000);
	t = now();
	if (cc_compile(&o, s, &prog, errbuf, NULL) == 0) {
		static const u_char pkt_hit[34] = {
		    0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00,
		    0x45, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0,
		    10, 1, 0x86, 0x9f, 192, 168, 0, 1 };	/* 10.1.134.159 = #99999 */
		u_char pkt_miss[34];

		memcpy(pkt_miss, pkt_hit, sizeof(pkt_miss));
		pkt_miss[26] = 11;
		u_int ja = 0, k;

		for (k = 0; k < prog.bf_len; k++)
			ja += prog.bf_insns[k].code == (BPF_JMP | BPF_JA);
		CHECK_INT(prog.bf_len, 18u * 100000 + 2 + ja);
		CHECK(bpf_validate(prog.bf_insns, (int)prog.bf_len));
		CHECK_INT(bpf_filter(prog.bf_insns, pkt_hit, sizeof(pkt_hit), sizeof(pkt_hit)),
		    262144);
		CHECK_INT(bpf_filter(prog.bf_insns, pkt_miss, sizeof(pkt_miss),
		    sizeof(pkt_miss)), 0);
		pcap_freecode(&prog);
	} else {
		fprintf(stderr, "100,000 hosts: %s\n", errbuf);
		CHECK(0);
	}
	t = now() - t;
	printf("100,000-term host list unoptimized: %.2f s\n", t);
	CHECK(t < 60.0);
	free(s);

	/* 100,000 nested parentheses: a clear refusal (or a program) */
	n = 100000;
	s = malloc(2 * n + 8);
	memset(s, '(', n);
	memcpy(s + n, "tcp", 3);
	memset(s + n + 3, ')', n);
	s[2 * n + 3] = '\0';
	for (i = 0; i < 2; i++) {
		o.optimize = (int)i;
		l = compile_listing(&o, s, errbuf, NULL);
		/* libpcap's parser stack holds 10,000 entries: past that
		   depth both refuse with bison's message */
		CHECK(l == NULL &&
		    strstr(errbuf, "can't parse filter expression: memory exhausted") != NULL);
		free(l);
	}
	/* unbalanced: the same refusal or a syntax error */
	s[n + 3] = '\0';
	l = compile_listing(&o, s, errbuf, NULL);
	CHECK(l == NULL && errbuf[0] != '\0');
	free(s);
	/* nesting at the limit compiles */
	n = CC_MAX_NESTING - 1;
	s = malloc(2 * n + 8);
	memset(s, '(', n);
	memcpy(s + n, "tcp", 3);
	memset(s + n + 3, ')', n);
	s[2 * n + 3] = '\0';
	l = compile_listing(&o, s, errbuf, NULL);
	CHECK(l != NULL);
	free(l);
	free(s);

	/* 100,000 "not": a program (deep unary chain) or a refusal */
	n = 100000;
	s = malloc(4 * n + 8);
	for (i = 0; i < n; i++)
		memcpy(s + 4 * i, "not ", 4);
	strcpy(s + 4 * n, "tcp");
	l = compile_listing(&o, s, errbuf, NULL);
	CHECK(l != NULL || errbuf[0] != '\0');
	free(l);
	free(s);

	/* 1 MB expressions: one huge name, blanks then a primitive, a long
	   list of ports, a long chain of arithmetic */
	n = 1 << 20;
	s = malloc(n + 64);
	memset(s, 'a', n);
	s[n] = '\0';
	t = now();
	l = compile_listing(&o, s, errbuf, NULL);
	CHECK(l == NULL && errbuf[0] != '\0');
	free(l);
	memset(s, ' ', n);
	strcpy(s + n, "tcp");
	l = compile_listing(&o, s, errbuf, NULL);
	CHECK(l != NULL);
	free(l);
	for (i = 0; i + 16 < n; i += 15)
		memcpy(s + i, "port 80 or ", 11), memset(s + i + 11, ' ', 4);
	strcpy(s + i, "port 81");
	o.optimize = 0;
	l = compile_listing(&o, s, errbuf, NULL);
	CHECK(l != NULL || errbuf[0] != '\0');
	free(l);
	for (i = 0; i + 8 < n; i += 4)
		memcpy(s + i, "1 + ", 4);
	strcpy(s + i, "1 = len");
	l = compile_listing(&o, s, errbuf, NULL);
	CHECK(l != NULL || errbuf[0] != '\0');
	free(l);
	t = now() - t;
	printf("1 MB expressions: %.2f s\n", t);
	CHECK(t < 60.0);
	free(s);
}

/* Compile expr in a child process: 1 if the child ended normally (a
   program or a message), 0 if it died (a crash, a stack overflow). */
static int
survives(const char *expr, int optimize)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		struct cc_opts o = opts_for(DLT_EN10MB, optimize);
		struct bpf_program prog;
		char errbuf[PCAP_ERRBUF_SIZE];

		if (cc_compile(&o, expr, &prog, errbuf, NULL) == 0)
			pcap_freecode(&prog);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) < 0)
		return 1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Nested packet accessors ("ip[ip[ip[...]]]") must be bounded like nested
   parentheses: deep enough, the recursive descent overflows the stack. */
static void
test_nested_brackets(void)
{
	size_t n = 200000, i;
	char *s = malloc(4 * n + 8);

	for (i = 0; i < n; i++)
		memcpy(s + 3 * i, "ip[", 3);
	s[3 * n] = '0';
	memset(s + 3 * n + 1, ']', n);
	strcpy(s + 4 * n + 1, "=1");
	CHECK(survives(s, 0));	/* was a stack overflow: regression check */
	free(s);
}

int
main(void)
{
	test_logic();
	WITH_GEN(DLT_EN10MB, cmp_body, NULL);
	test_loads();
	WITH_GEN(DLT_EN10MB, regs_body, NULL);
	test_arena();
	test_family_errors();
	test_pipeline_basic();
	test_matrix();
	test_every_byte();
	test_hostile();
	test_nested_brackets();
	return check_status("test_compiler_gen");
}
