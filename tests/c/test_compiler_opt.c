/*
 * test_compiler_opt.c - the optimizer (opt-*.c) and the emitter (emit.c)
 * on block graphs built by hand the way the code generator builds them
 * (a field test is "load; jeq", and/or join patch lists), checked against
 * listings of libpcap for the same expressions: unoptimized layout, long
 * jumps, the or-chain merge, a program that rejects everything, constant
 * division by zero, and graphs far too deep for recursive walks.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../../src/_libpcap/compiler/cc.h"

/* ---- a tiny generator: patch lists as in gen-core.c ------------------- */

static void
patch(struct block *list, struct block *target)
{
	while (list != NULL) {
		struct block *next;

		if (list->sense) {
			next = JF(list);
			JF(list) = target;
		} else {
			next = JT(list);
			JT(list) = target;
		}
		list = next;
	}
}

static void
concat(struct block *b0, struct block *b1)
{
	struct block **p = &b0;

	while (*p != NULL)
		p = (*p)->sense ? &JF(*p) : &JT(*p);
	*p = b1;
}

static void
and2(struct block *b0, struct block *b1)
{
	patch(b0, b1->head);
	b0->sense = !b0->sense;
	b1->sense = !b1->sense;
	concat(b1, b0);
	b1->sense = !b1->sense;
	b1->head = b0->head;
}

static void
or2(struct block *b0, struct block *b1)
{
	b0->sense = !b0->sense;
	patch(b0, b1->head);
	b0->sense = !b0->sense;
	concat(b1, b0);
	b1->head = b0->head;
}

/* "load [off]; jeq #v" with a load of the given size. */
static struct block *
cmp(struct cc *cc, int size, bpf_u_int32 off, bpf_u_int32 v)
{
	struct slist *s = cc_new_stmt(cc, BPF_LD | BPF_ABS | size);
	struct block *b = cc_new_block(cc, BPF_JMP | BPF_JEQ | BPF_K);

	s->s.k = off;
	b->stmts = s;
	b->s.k = v;
	return b;
}

/* "ip src host a" on Ethernet. */
static struct block *
ip_src(struct cc *cc, bpf_u_int32 a)
{
	struct block *b0 = cmp(cc, BPF_H, 12, 0x800);
	struct block *b1 = cmp(cc, BPF_W, 26, a);

	and2(b0, b1);
	return b1;
}

static struct block *
finish(struct cc *cc, struct block *b)
{
	struct block *acc = cc_new_block(cc, BPF_RET | BPF_K);
	struct block *rej = cc_new_block(cc, BPF_RET | BPF_K);

	acc->s.k = 262144;
	patch(b, acc);
	b->sense = !b->sense;
	patch(b, rej);
	return b->head;
}

/* ---- running the stages ------------------------------------------------ */

static char errbuf[PCAP_ERRBUF_SIZE];

static void
cc_begin(struct cc *cc)
{
	memset(cc, 0, sizeof(*cc));
	cc->errbuf = errbuf;
	errbuf[0] = '\0';
}

/* Optimize (if asked) and emit root; the listing, or NULL with errbuf. */
static char *
run(struct cc *cc, struct block *root, int optimize, u_int *lenp)
{
	struct bpf_insn *insns;
	char *text = NULL;
	size_t tlen = 0;
	FILE *mem;
	u_int len = 0, i;

	cc->ic.root = root;
	if (setjmp(cc->top)) {
		cc_release(cc);
		return NULL;
	}
	if (optimize) {
		opt_optimize(cc, &cc->ic);
		if (cc->ic.root->s.code == (BPF_RET | BPF_K) &&
		    cc->ic.root->s.k == 0) {
			snprintf(errbuf, sizeof(errbuf),
			    "expression rejects all packets");
			cc_release(cc);
			return NULL;
		}
	}
	insns = emit_program(cc, &cc->ic, cc->ic.root, &len);
	cc_release(cc);
	mem = open_memstream(&text, &tlen);
	for (i = 0; i < len; i++)
		fprintf(mem, "%s\n", bpf_image(&insns[i], (int)i));
	fclose(mem);
	free(insns);
	if (lenp != NULL)
		*lenp = len;
	return text;
}

static unsigned long long
fnv(const char *s)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static struct block *
src_list(struct cc *cc, int n)
{
	struct block *b = NULL;
	int i;

	for (i = 0; i < n; i++) {
		bpf_u_int32 a = (10u << 24) | ((bpf_u_int32)(i / 250) << 8) |
		    (bpf_u_int32)(i % 250 + 1);
		struct block *h = ip_src(cc, a);

		if (b == NULL)
			b = h;
		else {
			or2(b, h);
			b = h;
		}
	}
	return finish(cc, b);
}

/* ---- tests ------------------------------------------------------------- */

static const char OR2_UNOPT[] =
    "(000) ldh      [12]\n"
    "(001) jeq      #0x800           jt 2\tjf 4\n"
    "(002) ld       [26]\n"
    "(003) jeq      #0x1010101       jt 8\tjf 4\n"
    "(004) ldh      [12]\n"
    "(005) jeq      #0x800           jt 6\tjf 9\n"
    "(006) ld       [26]\n"
    "(007) jeq      #0x2020202       jt 8\tjf 9\n"
    "(008) ret      #262144\n"
    "(009) ret      #0\n";

static const char OR2_OPT[] =
    "(000) ldh      [12]\n"
    "(001) jeq      #0x800           jt 2\tjf 6\n"
    "(002) ld       [26]\n"
    "(003) jeq      #0x1010101       jt 5\tjf 4\n"
    "(004) jeq      #0x2020202       jt 5\tjf 6\n"
    "(005) ret      #262144\n"
    "(006) ret      #0\n";

static void
test_or2(int optimize)
{
	struct cc cc;
	struct block *b0, *b1;
	char *t;

	cc_begin(&cc);
	b0 = ip_src(&cc, 0x01010101);
	b1 = ip_src(&cc, 0x02020202);
	or2(b0, b1);
	t = run(&cc, finish(&cc, b1), optimize, NULL);
	CHECK_STR(t, optimize ? OR2_OPT : OR2_UNOPT);
	free(t);
}

static void
test_and_rejects_all(void)
{
	struct cc cc;
	struct block *b0, *b1;
	char *t;

	cc_begin(&cc);
	b0 = ip_src(&cc, 0x01010101);
	b1 = ip_src(&cc, 0x02020202);
	and2(b0, b1);
	t = run(&cc, finish(&cc, b1), 1, NULL);
	CHECK(t == NULL);
	CHECK_STR(errbuf, "expression rejects all packets");
	free(t);
}

/* 200 hosts: unoptimized needs long jumps (libpcap: 938 lines, 136 ja). */
static void
test_list200(int optimize)
{
	struct cc cc;
	char *t;
	u_int len = 0;

	cc_begin(&cc);
	t = run(&cc, src_list(&cc, 200), optimize, &len);
	CHECK(t != NULL);
	if (t != NULL) {
		CHECK_INT(len, optimize ? 205 : 938);
		CHECK(fnv(t) == (optimize ? 0x1eaf07dffab6db1aULL :
		    0x3239563500491982ULL));
	}
	free(t);
}

/* "ld [0]; div #0; jeq #1": folding a constant division by zero fails. */
static void
test_div_zero(void)
{
	struct cc cc;
	struct block *b;
	struct slist *s;
	char *t;

	cc_begin(&cc);
	b = cmp(&cc, BPF_W, 0, 1);
	s = cc_new_stmt(&cc, BPF_ALU | BPF_DIV | BPF_K);
	s->s.k = 0;
	cc_sappend(b->stmts, s);
	t = run(&cc, finish(&cc, b), 1, NULL);
	CHECK(t == NULL);
	CHECK_STR(errbuf, "division by zero");
	free(t);
}

/*
 * Jumps inside a block (protochain builds them): "jeq #1" at statement 0
 * goes to statement 2 when true and 3 when false; a jump without a
 * target is libpcap's error.
 */
static void
test_local_jumps(int broken)
{
	struct cc cc;
	struct block *b;
	struct slist *s[4];
	char *t;
	int i;

	cc_begin(&cc);
	s[0] = cc_new_stmt(&cc, BPF_JMP | BPF_JEQ | BPF_K);
	s[0]->s.k = 1;
	for (i = 1; i < 4; i++) {
		s[i] = cc_new_stmt(&cc, BPF_LD | BPF_ABS | BPF_B);
		s[i]->s.k = (bpf_u_int32)i;
		s[i - 1]->next = s[i];
	}
	s[0]->s.jt = s[2];
	s[0]->s.jf = broken ? NULL : s[3];
	b = cc_new_block(&cc, BPF_JMP | BPF_JEQ | BPF_K);
	b->stmts = s[0];
	b->s.k = 7;
	t = run(&cc, finish(&cc, b), 0, NULL);
	if (broken) {
		CHECK(t == NULL);
		CHECK_STR(errbuf, "no jmp destination for block-local "
		    "relative jump: off=0");
	} else
		CHECK_STR(t,
		    "(000) jeq      #0x1             jt 2\tjf 3\n"
		    "(001) ldb      [1]\n"
		    "(002) ldb      [2]\n"
		    "(003) ldb      [3]\n"
		    "(004) jeq      #0x7             jt 5\tjf 6\n"
		    "(005) ret      #262144\n"
		    "(006) ret      #0\n");
	free(t);
}

/* A graph 100,000 tests deep: no recursion may follow its depth. */
static void
test_deep(int n, int optimize)
{
	struct cc cc;
	char *t;
	u_int len = 0;

	cc_begin(&cc);
	t = run(&cc, src_list(&cc, n), optimize, &len);
	CHECK(t != NULL);
	CHECK(len > (u_int)n);
	free(t);
}

/* Past the optimizer's size bound: libpcap's message, at once. */
static void
test_too_big(void)
{
	struct cc cc;
	char *t;

	cc_begin(&cc);
	t = run(&cc, src_list(&cc, 100000), 1, NULL);
	CHECK(t == NULL);
	CHECK_STR(errbuf, "filter is too complex to optimize");
	free(t);
}

int
main(void)
{
	test_or2(0);
	test_or2(1);
	test_and_rejects_all();
	test_list200(0);
	test_list200(1);
	test_div_zero();
	test_local_jumps(0);
	test_local_jumps(1);
	test_deep(100000, 0);
	test_deep(1000, 1);
	test_too_big();
	return check_status("test_compiler_opt");
}
