/*
 * test_opt2.c - level 2 (opt2-*.c) on programs written by hand: every
 * result is run against its input program with bpf_filter on the same
 * packets (exhaustively where the tested field is small), and checked for
 * the shape level 2 promises: tests whose outcome is known are gone, a
 * load whose value is unused still rejects short packets, equality runs
 * become searches, far branches reach their target, divisors are
 * checked, and a program beyond level 2's bounds is left to the caller.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../../src/_libpcap/compiler/opt2-int.h"
#include "../../src/_libpcap/bpf/vm.h"

#define S(c, k)		{ (u_short)(c), 0, 0, (bpf_u_int32)(k) }
#define J(c, k, t, f)	{ (u_short)(c), (u_char)(t), (u_char)(f), (bpf_u_int32)(k) }

static struct bpf_insn *
level2(const struct bpf_insn *in, u_int n, u_int *outlen)
{
	struct bpf_insn *out = opt2_program(in, n, outlen);

	if (out != NULL)
		CHECK(vm_check(out, *outlen, NULL, 0));
	return out;
}

/* Both programs on pkt[0..caplen) (wirelen wire). */
static int
same_answer(const struct bpf_insn *a, const struct bpf_insn *b,
    const u_char *pkt, u_int caplen, u_int wire)
{
	u_char *copy = malloc(caplen ? caplen : 1);	/* exact size for ASan */
	u_int ra, rb;

	memcpy(copy, pkt, caplen);
	ra = bpf_filter(a, copy, wire, caplen);
	rb = bpf_filter(b, copy, wire, caplen);
	free(copy);
	if (ra != rb)
		fprintf(stderr, "  differ on a %u-byte packet: %u vs %u\n", caplen,
		    ra, rb);
	return ra == rb;
}

static int
count_code(const struct bpf_insn *p, u_int n, int code)
{
	int c = 0;
	u_int i;

	for (i = 0; i < n; i++)
		c += p[i].code == code;
	return c;
}

/* A test decided by an earlier one is not made again. */
static void
test_known_outcomes(void)
{
	static const struct bpf_insn in[] = {
		S(BPF_LD | BPF_H | BPF_ABS, 12),
		J(BPF_JMP | BPF_JEQ | BPF_K, 0x800, 0, 4),
		S(BPF_LD | BPF_H | BPF_ABS, 12),		/* again */
		J(BPF_JMP | BPF_JEQ | BPF_K, 0x86dd, 2, 0),	/* never */
		J(BPF_JMP | BPF_JGT | BPF_K, 0x7ff, 0, 1),	/* always */
		S(BPF_RET | BPF_K, 1),
		S(BPF_RET | BPF_K, 0),
	};
	u_char pkt[14] = { 0 };
	u_int n = 0, v;
	struct bpf_insn *out = level2(in, 7, &n);

	CHECK(out != NULL);
	if (out == NULL)
		return;
	CHECK_INT(n, 4);	/* ldh; jeq; ret; ret */
	CHECK_INT(count_code(out, n, BPF_JMP | BPF_JEQ | BPF_K), 1);
	for (v = 0x7f0; v < 0x900; v++) {
		pkt[12] = (u_char)(v >> 8);
		pkt[13] = (u_char)v;
		CHECK(same_answer(in, out, pkt, 14, 14));
	}
	free(out);
}

/* A load whose value nothing reads still rejects a packet too short for
   it, at the same point. */
static void
test_dead_load_kept(void)
{
	static const struct bpf_insn in[] = {
		S(BPF_LD | BPF_B | BPF_ABS, 50),	/* value unused */
		S(BPF_LD | BPF_B | BPF_ABS, 0),
		J(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
		S(BPF_RET | BPF_K, 7),
		S(BPF_RET | BPF_K, 0),
	};
	u_char pkt[64];
	u_int n = 0, len;
	struct bpf_insn *out = level2(in, 5, &n);

	CHECK(out != NULL);
	if (out == NULL)
		return;
	memset(pkt, 1, sizeof pkt);
	for (len = 0; len <= sizeof pkt; len++)
		CHECK(same_answer(in, out, pkt, len, len));
	free(out);
}

/* "v == k1 or v == k2 or ..." on one field: a search, same answers for
   every value of the field. */
static void
test_equality_run(void)
{
	enum { K = 40 };
	struct bpf_insn in[2 + K + 2];
	u_char pkt[2];
	u_int n = 0, i, v;
	struct bpf_insn *out;

	in[0] = (struct bpf_insn)S(BPF_LD | BPF_H | BPF_ABS, 0);
	for (i = 0; i < K; i++) {
		/* keys 3, 10, 17, ... and a run of consecutive ones */
		bpf_u_int32 key = i < 30 ? 3 + 7 * i : 1000 + i;

		in[1 + i] = (struct bpf_insn)J(BPF_JMP | BPF_JEQ | BPF_K, key,
		    (u_char)(K - i), 0);
	}
	in[1 + K] = (struct bpf_insn)S(BPF_RET | BPF_K, 0);
	in[2 + K] = (struct bpf_insn)S(BPF_RET | BPF_K, 99);
	out = level2(in, 3 + K, &n);
	CHECK(out != NULL);
	if (out == NULL)
		return;
	CHECK(count_code(out, n, BPF_JMP | BPF_JGT | BPF_K) > 0);
	CHECK(n < 3 + K);	/* the run of 10 is two tests */
	for (v = 0; v < 65536; v++) {
		pkt[0] = (u_char)(v >> 8);
		pkt[1] = (u_char)v;
		if (!same_answer(in, out, pkt, 2, 2)) {
			CHECK(0);
			break;
		}
	}
	CHECK(same_answer(in, out, pkt, 1, 1));	/* too short */
	free(out);
}

/* Thousands of keys: branches to the returns are far; they must land. */
static void
test_far_branches(void)
{
	enum { K = 3000 };
	/* two fields, alternating, as the ports of a port list; each
	   success returns right after its test (8-bit offsets) */
	struct bpf_insn *in = calloc(K * 3 + 1, sizeof(*in));
	u_char pkt[4];
	u_int n = 0, i, r;
	struct bpf_insn *out;

	for (i = 0; i < K; i++) {
		in[3 * i] = (struct bpf_insn)S(BPF_LD | BPF_H | BPF_ABS,
		    (i & 1) * 2);
		in[3 * i + 1] = (struct bpf_insn)J(BPF_JMP | BPF_JEQ | BPF_K,
		    (i * 2654435761u) & 0xffff, 0, 1);
		in[3 * i + 2] = (struct bpf_insn)S(BPF_RET | BPF_K, 5);
	}
	in[3 * K] = (struct bpf_insn)S(BPF_RET | BPF_K, 0);
	out = level2(in, 3 * K + 1, &n);
	CHECK(out != NULL);
	if (out == NULL) {
		free(in);
		return;
	}
	CHECK(n < 3 * K);
	srand(7);
	for (r = 0; r < 20000; r++) {
		u_int k = r < 3000 ? (r * 2654435761u) & 0xffff : (u_int)rand();

		pkt[0] = (u_char)(k >> 8);
		pkt[1] = (u_char)k;
		pkt[2] = (u_char)(rand() >> 3);
		pkt[3] = (u_char)(rand() >> 5);
		if (r & 1) {
			pkt[2] = pkt[0];
			pkt[3] = pkt[1];
		}
		if (!same_answer(in, out, pkt, 4, 4)) {
			CHECK(0);
			break;
		}
	}
	free(out);
	free(in);
}

/* A division by a packet value that may be 0 rejects there, as before. */
static void
test_division_checked(void)
{
	static const struct bpf_insn in[] = {
		S(BPF_LDX | BPF_B | BPF_MSH, 0),
		S(BPF_LD | BPF_IMM, 1000),
		S(BPF_ALU | BPF_DIV | BPF_X, 0),
		J(BPF_JMP | BPF_JGT | BPF_K, 20, 0, 1),
		S(BPF_RET | BPF_K, 1),
		S(BPF_RET | BPF_K, 2),
	};
	u_char pkt[1];
	u_int n = 0, v;
	struct bpf_insn *out = level2(in, 6, &n);

	CHECK(out != NULL);
	if (out == NULL)
		return;
	for (v = 0; v < 256; v++) {
		pkt[0] = (u_char)v;
		CHECK(same_answer(in, out, pkt, 1, 1));
	}
	CHECK(same_answer(in, out, pkt, 0, 0));
	free(out);
}

/* A scratch word read before any store reads 0 in our machine; level 2
   computes that constant and stores nothing. */
static void
test_unset_scratch(void)
{
	static const struct bpf_insn in[] = {
		S(BPF_LD | BPF_MEM, 3),
		J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		S(BPF_RET | BPF_K, 1),
		S(BPF_RET | BPF_K, 0),
	};
	u_char pkt[1] = { 0 };
	u_int n = 0;
	struct bpf_insn *out = level2(in, 4, &n);

	CHECK(out != NULL);
	if (out == NULL)
		return;
	CHECK_INT(n, 1);
	CHECK_INT(out[0].code, BPF_RET | BPF_K);
	CHECK(same_answer(in, out, pkt, 1, 1));
	free(out);
}

/* Values nested past level 2's bound: NULL, the caller keeps the input. */
static void
test_bounds(void)
{
	enum { D = O2_MAX_DEPTH + 6 };
	struct bpf_insn in[D + 5];
	u_int n = 0, i;

	in[0] = (struct bpf_insn)S(BPF_LDX | BPF_W | BPF_LEN, 0);
	in[1] = (struct bpf_insn)S(BPF_LD | BPF_W | BPF_LEN, 0);
	for (i = 0; i < D; i++)
		in[2 + i] = (struct bpf_insn)S(BPF_ALU | BPF_ADD | BPF_X, 0);
	in[2 + D] = (struct bpf_insn)J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1);
	in[3 + D] = (struct bpf_insn)S(BPF_RET | BPF_K, 1);
	in[4 + D] = (struct bpf_insn)S(BPF_RET | BPF_K, 0);
	CHECK(opt2_program(in, D + 5, &n) == NULL);
}

int
main(void)
{
	test_known_outcomes();
	test_dead_load_kept();
	test_equality_run();
	test_far_branches();
	test_division_checked();
	test_unset_scratch();
	test_bounds();
	return check_status("test_opt2");
}
