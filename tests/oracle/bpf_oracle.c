/*
 * bpf_oracle.c - the BPF differential runner.  One source, built twice:
 *   - as the ORACLE against the system libpcap (plain `gcc bpf_oracle.c
 *     -lpcap`, no include directory of ours), and
 *   - as OURS by tests/c/bpf_ours_runner.c, which defines BPF_RUNNER_OURS
 *     and includes this file, against our headers and bpf/ sources.
 * Both generate the same pseudo-random programs and packets from a seed
 * (the generator is here, in C, so that a million programs take seconds),
 * and print digests of what bpf_validate, bpf_image and bpf_filter say;
 * tests/test_bpf_differential.py compares the two outputs.
 *
 * Modes (argv[1]):
 *   diff SEED COUNT          one digest line per CHUNK programs + a total
 *   detail SEED FROM TO      the same programs in clear text, for a report
 *   images                   bpf_image of every 16-bit opcode, several
 *                            operands each, in clear text
 *   dump OPTION              read programs from stdin ("n" then n lines of
 *                            "code jt jf k"), bpf_dump each, "=" after each
 *   validate                 read programs as for dump, print bpf_validate's
 *                            verdict for each (nothing is run)
 *   dumpgen SEED COUNT OPT   bpf_dump(OPT) of the generated programs
 *   image                    read "n code jt jf k" lines from stdin, print
 *                            bpf_image of each (raw: no text adjustment)
 *   unsafe SEED COUNT        (ours only) malformed opcodes, huge and
 *                            backward jumps, unset scratch memory: must
 *                            neither crash, hang nor abort
 *
 * Programs are made of the 49 defined opcodes.  Those the filter runs on
 * have forward jumps only (a backward loop may never end in libpcap 1.10),
 * but for a family of counted loops that end within 40 backward jumps, and
 * read a scratch word only where every path has stored it (libpcap 1.10
 * leaves the rest uninitialized).  About a third get one deliberate defect
 * (jump past the end, scratch index >= 16, constant division by zero, no
 * final `ret`, bad length, ...) so both verdicts are exercised; a few get a
 * backward `ja` and are validated and printed but not run.
 *
 * The images libpcap 1.10 prints are brought to libpcap master's text before
 * hashing, for the two documented differences (docs/bpf-differences.md):
 * trailing blanks after an empty operand, and opcode 0x81 printed as
 * "ldx #pktlen" rather than "unimp 0x81".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#ifdef BPF_RUNNER_OURS
#include "vm.h"
#endif

#define MAXLEN 48
#define NPKT 96
#define RUNS_PER_PROGRAM 4
#define CHUNK 1000

/* ---- deterministic generator -------------------------------------------- */

static uint64_t rng_state;

static uint64_t
rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t
rnd32(void)
{
	return (uint32_t)(rnd64() >> 32);
}

/* Uniform in [0, n), n >= 1. */
static uint32_t
below(uint32_t n)
{
	return (uint32_t)(((uint64_t)rnd32() * n) >> 32);
}

static int
chance(uint32_t percent)
{
	return below(100) < percent;
}

/* ---- packets -------------------------------------------------------------- */

struct packet {
	u_char *data;
	u_int len;
};

static struct packet pool[NPKT];

static void
make_packets(uint64_t seed)
{
	static const u_int lens[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 15, 16, 17, 20, 22, 23,
		24, 26, 30, 31, 32, 33, 34, 38, 40, 42, 54, 58, 60, 64, 66, 74,
		77, 90, 100, 127, 128, 200, 255, 256, 300, 512, 1500, 4000,
	};
	static const uint16_t ethertypes[] = { 0x0800, 0x86dd, 0x0806, 0x8100 };
	int i;

	rng_state = seed ^ 0x5eed5eed5eedull;
	for (i = 0; i < NPKT; i++) {
		u_int len = lens[below(sizeof lens / sizeof lens[0])];
		u_int j;

		pool[i].len = len;
		pool[i].data = malloc(len ? len : 1);
		if (pool[i].data == NULL)
			exit(3);
		for (j = 0; j < len; j++)
			pool[i].data[j] = (u_char)(chance(30) ? below(16) : rnd32());
		if (len >= 34 && chance(60)) {
			/* Ethernet + something IP-like, so filters match. */
			uint16_t et = ethertypes[below(4)];

			pool[i].data[12] = (u_char)(et >> 8);
			pool[i].data[13] = (u_char)et;
			pool[i].data[14] = (u_char)(0x40 | (5 + below(3)));
			pool[i].data[23] = (u_char)(chance(50) ? 6 : 17);
		}
	}
}

/* ---- programs ------------------------------------------------------------- */

struct program {
	struct bpf_insn insn[MAXLEN];
	int len;		/* instructions stored */
	int vlen;		/* length handed to bpf_validate */
	int runnable;		/* forward jumps and stored scratch reads only */
};

/* A constant operand: small numbers, well-known values, packet bytes. */
static uint32_t
const_k(void)
{
	static const uint32_t known[] = {
		0x800, 0x86dd, 0x806, 0x8100, 6, 17, 1, 0x45, 0x1fff, 0xffff,
		0xff, 0x80000000u, 0x7fffffffu, 0xffffffffu, 262144,
	};
	struct packet *pk;
	u_int off;

	switch (below(10)) {
	case 0: case 1: case 2:
		return below(16);
	case 3: case 4:
		return below(256);
	case 5:
		return known[below(sizeof known / sizeof known[0])];
	case 6:
		pk = &pool[below(NPKT)];
		if (pk->len < 4)
			return below(4);
		off = below(pk->len - 3);
		switch (below(3)) {
		case 0:
			return pk->data[off];
		case 1:
			return ((uint32_t)pk->data[off] << 8) | pk->data[off + 1];
		default:
			return ((uint32_t)pk->data[off] << 24) |
			       ((uint32_t)pk->data[off + 1] << 16) |
			       ((uint32_t)pk->data[off + 2] << 8) | pk->data[off + 3];
		}
	default:
		return rnd32();
	}
}

/* A packet offset: mostly inside small packets, sometimes far or special. */
static uint32_t
offset_k(void)
{
	switch (below(20)) {
	case 0:
		return 0xffffffffu - below(8);		/* wraps with size */
	case 1:
		return 0xfffff000u + 4 * below(17);	/* Linux specials */
	case 2:
		return 0xfffff000u + below(0x100);
	case 3:
		return rnd32();
	case 4: case 5:
		return 80 + below(4000);
	default:
		return below(80);
	}
}

static uint32_t
shift_k(void)
{
	switch (below(5)) {
	case 0:
		return 32 + below(40);
	case 1:
		return rnd32();
	default:
		return below(32);
	}
}

/* jt/jf/ja offset landing at most `room - 1` ahead (room >= 1). */
static uint32_t
fwd(int room)
{
	if (chance(60))
		return below((uint32_t)(room < 4 ? room : 4));
	return below((uint32_t)(room < 255 ? room : 255));
}

static const u_short alu_x[] = {
	BPF_ALU|BPF_ADD|BPF_X, BPF_ALU|BPF_SUB|BPF_X, BPF_ALU|BPF_MUL|BPF_X,
	BPF_ALU|BPF_DIV|BPF_X, BPF_ALU|BPF_MOD|BPF_X, BPF_ALU|BPF_AND|BPF_X,
	BPF_ALU|BPF_OR|BPF_X, BPF_ALU|BPF_XOR|BPF_X, BPF_ALU|BPF_LSH|BPF_X,
	BPF_ALU|BPF_RSH|BPF_X,
};
static const u_short alu_k[] = {
	BPF_ALU|BPF_ADD|BPF_K, BPF_ALU|BPF_SUB|BPF_K, BPF_ALU|BPF_MUL|BPF_K,
	BPF_ALU|BPF_DIV|BPF_K, BPF_ALU|BPF_MOD|BPF_K, BPF_ALU|BPF_AND|BPF_K,
	BPF_ALU|BPF_OR|BPF_K, BPF_ALU|BPF_XOR|BPF_K, BPF_ALU|BPF_LSH|BPF_K,
	BPF_ALU|BPF_RSH|BPF_K,
};
static const u_short jumps[] = {
	BPF_JMP|BPF_JGT|BPF_K, BPF_JMP|BPF_JGE|BPF_K, BPF_JMP|BPF_JEQ|BPF_K,
	BPF_JMP|BPF_JSET|BPF_K, BPF_JMP|BPF_JGT|BPF_X, BPF_JMP|BPF_JGE|BPF_X,
	BPF_JMP|BPF_JEQ|BPF_X, BPF_JMP|BPF_JSET|BPF_X,
};

#define PICK(a) ((a)[below(sizeof(a) / sizeof((a)[0]))])

/* One instruction at index i of a len-long program; `stored` = scratch
   words written on every path to i. */
static struct bpf_insn
gen_insn(int i, int len, uint16_t stored)
{
	struct bpf_insn in = { 0, 0, 0, 0 };
	int room = len - (i + 1);	/* instructions after this one */

	switch (below(room > 0 ? 24 : 20)) {
	case 0: case 1:
		in.code = BPF_LD|BPF_W|BPF_ABS;
		in.k = offset_k();
		break;
	case 2: case 3:
		in.code = BPF_LD|BPF_H|BPF_ABS;
		in.k = offset_k();
		break;
	case 4: case 5:
		in.code = BPF_LD|BPF_B|BPF_ABS;
		in.k = offset_k();
		break;
	case 6:
		in.code = (u_short)(chance(50) ? BPF_LD|BPF_W|BPF_IND :
				    chance(50) ? BPF_LD|BPF_H|BPF_IND :
						 BPF_LD|BPF_B|BPF_IND);
		in.k = chance(80) ? below(64) : offset_k();
		break;
	case 7:
		in.code = BPF_LDX|BPF_MSH|BPF_B;
		in.k = chance(80) ? below(64) : offset_k();
		break;
	case 8:
		in.code = (u_short)(chance(50) ? BPF_LD|BPF_W|BPF_LEN :
						 BPF_LDX|BPF_W|BPF_LEN);
		in.k = chance(80) ? 0 : rnd32();
		break;
	case 9:
		in.code = BPF_LD|BPF_IMM;
		in.k = const_k();
		break;
	case 10:
		in.code = BPF_LDX|BPF_IMM;
		in.k = chance(60) ? below(64) : const_k();
		break;
	case 11:
		if (stored != 0) {
			uint32_t w;

			do
				w = below(BPF_MEMWORDS);
			while (!(stored & (1u << w)));
			in.code = (u_short)(chance(50) ? BPF_LD|BPF_MEM :
							 BPF_LDX|BPF_MEM);
			in.k = w;
			break;
		}
		/* nothing to read yet: store instead */
		/* fall through */
	case 12:
		in.code = (u_short)(chance(50) ? BPF_ST : BPF_STX);
		in.k = below(BPF_MEMWORDS);
		break;
	case 13: case 14:
		in.code = PICK(alu_k);
		if (BPF_OP(in.code) == BPF_LSH || BPF_OP(in.code) == BPF_RSH)
			in.k = shift_k();
		else
			in.k = const_k();
		if ((BPF_OP(in.code) == BPF_DIV || BPF_OP(in.code) == BPF_MOD) &&
		    in.k == 0)
			in.k = 1 + below(9);
		break;
	case 15: case 16:
		in.code = PICK(alu_x);
		break;
	case 17:
		in.code = (u_short)(chance(34) ? BPF_ALU|BPF_NEG :
				    chance(50) ? BPF_MISC|BPF_TAX : BPF_MISC|BPF_TXA);
		break;
	case 18: case 19:
		/* An early return, or the end when nothing may follow. */
		in.code = (u_short)(chance(70) ? BPF_RET|BPF_K : BPF_RET|BPF_A);
		in.k = chance(50) ? (chance(50) ? 0 : 262144) : const_k();
		break;
	case 20:
		in.code = BPF_JMP|BPF_JA;
		in.k = fwd(room);
		break;
	default:
		in.code = PICK(jumps);
		in.k = const_k();
		in.jt = (u_char)fwd(room);
		in.jf = (u_char)fwd(room);
		break;
	}
	return in;
}

/* Record that control may flow from a point with scratch set `out` to t. */
static void
edge(uint16_t *mask, uint8_t *reached, int len, uint64_t t, uint16_t out)
{
	if (t >= (uint64_t)len)
		return;
	mask[t] = reached[t] ? (uint16_t)(mask[t] & out) : out;
	reached[t] = 1;
}

/* Break a well-formed program in one of the ways libpcap checks for. */
static void
add_defect(struct program *pg)
{
	struct bpf_insn *in = &pg->insn[below((uint32_t)pg->len)];
	uint32_t from = (uint32_t)(in - pg->insn) + 1;
	uint32_t past = (uint32_t)pg->len - from;	/* first bad offset */

	switch (below(10)) {
	case 0:		/* no final ret */
		pg->insn[pg->len - 1].code = BPF_LD|BPF_IMM;
		break;
	case 1:		/* conditional jump past the end */
		in->code = PICK(jumps);
		if (past > 255) {
			in->code = BPF_RET|BPF_K;
			pg->vlen = 0;
			break;
		}
		if (chance(50))
			in->jt = (u_char)(past + below(256 - past));
		else
			in->jf = (u_char)(past + below(256 - past));
		break;
	case 2:		/* ja past the end, forward or wrapped */
		in->code = BPF_JMP|BPF_JA;
		in->k = chance(50) ? past + below(1000) :
			chance(50) ? 0x7fffffffu + below(2) : rnd32() | 0x80000000u;
		if ((uint32_t)(from + in->k) < (uint32_t)pg->len)
			in->k = past;	/* landed inside (or on itself) by chance */
		break;
	case 3:		/* scratch index out of range */
		in->code = (u_short)PICK(((const u_short[]){ BPF_ST, BPF_STX,
			BPF_LD|BPF_MEM, BPF_LDX|BPF_MEM }));
		in->k = chance(50) ? BPF_MEMWORDS + below(16) : rnd32() | 0x100;
		break;
	case 4:		/* constant division or modulo by zero */
		in->code = (u_short)(chance(50) ? BPF_ALU|BPF_DIV|BPF_K :
						  BPF_ALU|BPF_MOD|BPF_K);
		in->k = 0;
		break;
	case 5:		/* length zero or negative */
		pg->vlen = chance(50) ? 0 : -(int)below(3) - 1;
		break;
	case 6:		/* validate a prefix that stops before the ret */
		if (pg->len > 1 && BPF_CLASS(pg->insn[pg->len - 2].code) != BPF_RET) {
			pg->vlen = pg->len - 1;
			break;
		}
		pg->insn[pg->len - 1].code = BPF_MISC|BPF_TAX;
		break;
	default:	/* jump offset one past the end exactly */
		if (past <= 255) {
			in->code = PICK(jumps);
			in->jt = (u_char)past;
		} else {
			pg->vlen = 0;
		}
		break;
	}
}

/* A backward `ja` somewhere: validated and printed, not run. */
static void
add_backward_jump(struct program *pg)
{
	int i = (int)below((uint32_t)pg->len);
	uint32_t from = (uint32_t)i + 1;

	pg->insn[i].code = BPF_JMP|BPF_JA;
	pg->insn[i].jt = pg->insn[i].jf = 0;
	if (chance(70) && i > 0) {
		/* Inside the program, behind the jump (never onto itself:
		   libpcap 1.10 accepts that one and we do not). */
		uint32_t target = below((uint32_t)i);

		pg->insn[i].k = target - from;
	} else {
		/* Wraps to a place at or past the end. */
		pg->insn[i].k = ((uint32_t)pg->len + below(100)) - from;
		if (pg->insn[i].k == 0xffffffffu)
			pg->insn[i].k--;
	}
	pg->runnable = 0;
}

/*
 * A counted loop closed by a backward `ja`, the shape of libpcap's
 * protochain code: X counts down from n <= 40, so libpcap 1.10 ends it
 * after at most 40 backward jumps (ours allows 64) and both must agree.
 *   0 ld #a; 1 ldx #n; 2 st M[0]; 3 txa; 4 jeq #0 -> end; 5 sub #1; 6 tax;
 *   7 ld M[0]; 8.. body (no jumps, X only read); ja 2; end: ld M[0]; ret
 */
static void
gen_loop_program(struct program *pg)
{
	static const u_short body_ops[] = {
		BPF_ALU|BPF_ADD|BPF_K, BPF_ALU|BPF_XOR|BPF_K, BPF_ALU|BPF_MUL|BPF_K,
		BPF_ALU|BPF_ADD|BPF_X, BPF_ALU|BPF_RSH|BPF_K, BPF_ALU|BPF_NEG,
		BPF_LD|BPF_B|BPF_ABS, BPF_LD|BPF_H|BPF_IND, BPF_ALU|BPF_OR|BPF_X,
	};
	int m = (int)below(MAXLEN - 12), i, n = 0;

	pg->insn[n++] = (struct bpf_insn)BPF_STMT(BPF_LD|BPF_IMM, const_k());
	pg->insn[n++] = (struct bpf_insn)BPF_STMT(BPF_LDX|BPF_IMM, below(41));
	pg->insn[n++] = (struct bpf_insn)BPF_STMT(BPF_ST, 0);
	pg->insn[n++] = (struct bpf_insn)BPF_STMT(BPF_MISC|BPF_TXA, 0);
	pg->insn[n++] = (struct bpf_insn)BPF_JUMP(BPF_JMP|BPF_JEQ|BPF_K, 0,
						  (u_char)(m + 4), 0);
	pg->insn[n++] = (struct bpf_insn)BPF_STMT(BPF_ALU|BPF_SUB|BPF_K, 1);
	pg->insn[n++] = (struct bpf_insn)BPF_STMT(BPF_MISC|BPF_TAX, 0);
	pg->insn[n++] = (struct bpf_insn)BPF_STMT(BPF_LD|BPF_MEM, 0);
	for (i = 0; i < m; i++) {
		struct bpf_insn in = BPF_STMT(PICK(body_ops), const_k());

		if (BPF_CLASS(in.code) == BPF_LD)
			in.k = below(70);
		pg->insn[n++] = in;
	}
	/* Back to 2: from = n + 1, so k = 2 - (n + 1) with wrap-around. */
	pg->insn[n] = (struct bpf_insn)BPF_STMT(BPF_JMP|BPF_JA, 0);
	pg->insn[n].k = 2u - (uint32_t)(n + 1);
	n++;
	pg->insn[n++] = (struct bpf_insn)BPF_STMT(BPF_LD|BPF_MEM, 0);	/* end */
	pg->insn[n++] = chance(80) ? (struct bpf_insn)BPF_STMT(BPF_RET|BPF_A, 0) :
		(struct bpf_insn)BPF_STMT(BPF_RET|BPF_K, const_k());
	pg->len = pg->vlen = n;
	pg->runnable = 1;
}

static void
gen_program(struct program *pg)
{
	uint16_t mask[MAXLEN];
	uint8_t reached[MAXLEN];
	int len, i;

	if (chance(2)) {
		gen_loop_program(pg);
		return;
	}
	len = 1 + (int)(chance(70) ? below(16) : below(MAXLEN));
	memset(reached, 0, sizeof reached);
	pg->len = pg->vlen = len;
	pg->runnable = 1;
	for (i = 0; i < len; i++) {
		/* Unreached code never runs: any scratch read is harmless. */
		uint16_t in = i == 0 ? 0 : reached[i] ? mask[i] : 0xffff;
		struct bpf_insn *p = &pg->insn[i];
		uint16_t out = in;

		*p = gen_insn(i, len, in);
		if (i == len - 1 && BPF_CLASS(p->code) != BPF_RET) {
			p->code = (u_short)(chance(70) ? BPF_RET|BPF_K : BPF_RET|BPF_A);
			p->k = chance(50) ? 262144 : const_k();
			p->jt = p->jf = 0;
		}
		if (p->code == BPF_ST || p->code == BPF_STX)
			out = (uint16_t)(out | (1u << p->k));
		if (BPF_CLASS(p->code) == BPF_RET)
			continue;
		if (p->code == (BPF_JMP|BPF_JA)) {
			edge(mask, reached, len, (uint64_t)i + 1 + p->k, out);
		} else if (BPF_CLASS(p->code) == BPF_JMP) {
			edge(mask, reached, len, (uint64_t)i + 1 + p->jt, out);
			edge(mask, reached, len, (uint64_t)i + 1 + p->jf, out);
		} else {
			edge(mask, reached, len, (uint64_t)i + 1, out);
		}
	}
	if (chance(33))
		add_defect(pg);
	else if (chance(4))
		add_backward_jump(pg);
}

/* ---- what we compare -------------------------------------------------- */

static uint64_t digest;

static void
hash_bytes(const void *data, size_t n)
{
	const u_char *b = data;

	while (n--) {
		digest ^= *b++;
		digest *= 0x100000001b3ull;
	}
}

static void
hash_u32(uint32_t v)
{
	hash_bytes(&v, sizeof v);
}

/* bpf_image in libpcap master's text (see the top of this file). */
static const char *
image_text(const struct bpf_insn *in, int n)
{
	static char buf[300];
	size_t len;

#ifndef BPF_RUNNER_OURS
	if (in->code == (BPF_LDX|BPF_W|BPF_LEN)) {
		snprintf(buf, sizeof buf, "(%03d) %-8s %s", n, "ldx", "#pktlen");
		return buf;
	}
#endif
	snprintf(buf, sizeof buf, "%s", bpf_image(in, n));
#ifndef BPF_RUNNER_OURS
	len = strlen(buf);
	while (len > 0 && buf[len - 1] == ' ')
		buf[--len] = '\0';
#else
	(void)len;
#endif
	return buf;
}

struct run {
	int pkt;
	u_int buflen;
	u_int wirelen;
};

/*
 * Runs are drawn from their own stream, keyed by the program's index, so a
 * verdict that differs between the two runners (and with it whether runs
 * are drawn at all) does not shift the programs that follow.
 */
static uint64_t run_seed;

static void
pick_runs(struct run *runs, long index)
{
	uint64_t saved = rng_state;
	int r;

	rng_state = run_seed ^ ((uint64_t)index * 0xd1b54a32d192ed03ull);
	for (r = 0; r < RUNS_PER_PROGRAM; r++) {
		struct packet *pk = &pool[below(NPKT)];

		runs[r].pkt = (int)(pk - pool);
		runs[r].buflen = chance(80) || pk->len == 0 ? pk->len : below(pk->len);
		runs[r].wirelen = chance(70) ? pk->len : chance(50) ?
			runs[r].buflen + below(2000) : rnd32();
	}
	rng_state = saved;
}

static long mismatches;

#ifdef BPF_RUNNER_OURS
/* Our other entry points must agree with bpf_filter on every run. */
static void
cross_check(const struct program *pg, const struct run *runs, const u_int *res,
	    long index)
{
	struct vm_prog *vp = vm_prog_new(pg->insn, (u_int)pg->vlen);
	struct vm_aux_data aux = { .vlan_tag = (uint16_t)(index * 7),
				    .vlan_tag_present = (uint16_t)(index & 1) };
	int r;

	if (vp == NULL) {
		printf("MISMATCH %ld vm_prog_new refused a valid program\n", index);
		mismatches++;
		return;
	}
	for (r = 0; r < RUNS_PER_PROGRAM; r++) {
		const u_char *d = pool[runs[r].pkt].data;
		u_int b = runs[r].buflen, w = runs[r].wirelen;
		u_int v1 = vm_prog_run(vp, d, w, b);
		u_int v2 = vm_filter(pg->insn, d, w, b);
		u_int v3 = vm_filter_aux(pg->insn, d, w, b, &aux);
		u_int v4 = vm_prog_run_aux(vp, d, w, b, &aux);

		if (v1 != res[r] || v2 != res[r] || v3 != v4) {
			printf("MISMATCH %ld run %d: bpf_filter %u prog %u vm_filter %u"
			       " aux %u prog_aux %u\n", index, r, res[r], v1, v2, v3, v4);
			mismatches++;
		}
	}
	vm_prog_free(vp);
}
#endif

/* Everything about one program goes into the digest (and, if `out`, is
   printed in clear). */
static void
examine(struct program *pg, long index, FILE *out)
{
	struct run runs[RUNS_PER_PROGRAM];
	u_int res[RUNS_PER_PROGRAM];
	int valid, i, r;

	valid = bpf_validate(pg->insn, pg->vlen);
	hash_u32((uint32_t)valid);
	if (out)
		fprintf(out, "program %ld len %d vlen %d valid %d runnable %d\n",
			index, pg->len, pg->vlen, valid, pg->runnable);
	for (i = 0; i < pg->len; i++) {
		const char *t = image_text(&pg->insn[i], i);

		hash_bytes(t, strlen(t) + 1);
		if (out)
			fprintf(out, "  %-44s {0x%x,%u,%u,0x%x}\n", t, pg->insn[i].code,
				pg->insn[i].jt, pg->insn[i].jf, pg->insn[i].k);
	}
	if (!valid || !pg->runnable)
		return;
	pick_runs(runs, index);
	for (r = 0; r < RUNS_PER_PROGRAM; r++) {
		res[r] = bpf_filter(pg->insn, pool[runs[r].pkt].data,
				    runs[r].wirelen, runs[r].buflen);
		hash_u32(res[r]);
		if (out)
			fprintf(out, "  run pkt %d buflen %u wirelen %u -> %u\n",
				runs[r].pkt, runs[r].buflen, runs[r].wirelen, res[r]);
	}
#ifdef BPF_RUNNER_OURS
	cross_check(pg, runs, res, index);
#endif
}

static int
mode_diff(uint64_t seed, long count, long from, int detail)
{
	struct program pg;
	long i, valid = 0, runs = 0;

	make_packets(seed);
	rng_state = seed;
	run_seed = seed * 0x9e3779b97f4a7c15ull + 1;
	digest = 0xcbf29ce484222325ull;
	for (i = 0; i < count; i++) {
		gen_program(&pg);
		if (detail) {
			if (i >= from)
				examine(&pg, i, stdout);
			continue;
		}
		examine(&pg, i, NULL);
		if (bpf_validate(pg.insn, pg.vlen)) {
			valid++;
			if (pg.runnable)
				runs += RUNS_PER_PROGRAM;
		}
		if ((i + 1) % CHUNK == 0 || i + 1 == count) {
			printf("chunk %ld %016llx\n", i / CHUNK,
			       (unsigned long long)digest);
			digest = 0xcbf29ce484222325ull;
		}
	}
	if (!detail)
		printf("total programs %ld valid %ld filter_runs %ld\n", count, valid, runs);
	return mismatches != 0;
}

/* ---- exhaustive images ---------------------------------------------------- */

static int
mode_images(void)
{
	static const uint32_t ks[] = {
		0, 1, 15, 16, 255, 0x7fffffffu, 0x80000000u, 0xffffffffu,
		0xfffff000u, 0xfffff004u, 0xfffff028u, 0xfffff02cu, 0xfffff030u,
		0xfffff03cu, 0xfffff040u, 0xfffff001u, 0xffffefffu, 12345678u,
	};
	static const int ns[] = { 0, 7, 99, 999, 1000, -1, 2147483647, -2147483647 - 1 };
	static const u_char js[][2] = { { 0, 0 }, { 1, 0 }, { 255, 254 }, { 7, 255 } };
	struct bpf_insn in;
	uint32_t code;
	unsigned v;

	for (code = 0; code <= 0xffff; code++)
		for (v = 0; v < 6; v++) {
			unsigned sel = code * 6 + v;

			in.code = (u_short)code;
			in.k = ks[sel % (sizeof ks / sizeof ks[0])];
			in.jt = js[sel % 4][0];
			in.jf = js[sel % 4][1];
			printf("%s\n", image_text(&in, ns[sel % 8]));
		}
	/* Every load opcode across the Linux special range, and beyond. */
	for (code = 0; code < 256; code++) {
		if (BPF_CLASS(code) != BPF_LD && BPF_CLASS(code) != BPF_LDX)
			continue;
		for (v = 0; v < 0x48; v++) {
			in.code = (u_short)code;
			in.k = 0xfffff000u + v;
			in.jt = in.jf = 0;
			printf("%s\n", image_text(&in, (int)v));
		}
	}
	return 0;
}

/* ---- bpf_dump of programs read from stdin -------------------------------- */

/* option < 0: print bpf_validate's verdict instead of dumping. */
static int
mode_dump(int option)
{
	struct bpf_insn *insns;
	struct bpf_program prog;
	int n, i;

	while (scanf("%d", &n) == 1) {
		if (n < 0 || n > 1000000)
			return 2;
		insns = calloc((size_t)n + 1, sizeof *insns);
		if (insns == NULL)
			return 3;
		for (i = 0; i < n; i++) {
			unsigned c, t, f, k;

			if (scanf("%u %u %u %u", &c, &t, &f, &k) != 4)
				return 2;
			insns[i].code = (u_short)c;
			insns[i].jt = (u_char)t;
			insns[i].jf = (u_char)f;
			insns[i].k = k;
		}
		prog.bf_len = (u_int)n;
		prog.bf_insns = insns;
		if (option < 0)
			printf("%d\n", bpf_validate(insns, n));
		else
			bpf_dump(&prog, option);
		printf("=\n");
		fflush(stdout);
		free(insns);
	}
	return 0;
}

static int
mode_dumpgen(uint64_t seed, long count, int option)
{
	struct program pg;
	struct bpf_program prog;
	long i;

	make_packets(seed);
	rng_state = seed;
	for (i = 0; i < count; i++) {
		gen_program(&pg);
		prog.bf_len = (u_int)pg.len;
		prog.bf_insns = pg.insn;
		bpf_dump(&prog, option);
	}
	return 0;
}

static int
mode_image(void)
{
	int n;
	unsigned c, t, f, k;

	while (scanf("%d %u %u %u %u", &n, &c, &t, &f, &k) == 5) {
		struct bpf_insn in = { (u_short)c, (u_char)t, (u_char)f, k };

		printf("%s\n", bpf_image(&in, n));
	}
	return 0;
}

/* ---- ours only: hostile programs ------------------------------------------ */

#ifdef BPF_RUNNER_OURS
/*
 * Would our raw interpreter stay inside the program?  Defined jumps must
 * land inside it (libpcap 1.10's structural rule, backward `ja` included)
 * and the last instruction must not fall through: the interpreter has no
 * length to check against.  Undefined opcodes are fine: they return 0.
 */
static int
stays_inside(const struct program *pg)
{
	int i;

	if (pg->len < 1)
		return 0;
	for (i = 0; i < pg->len; i++) {
		const struct bpf_insn *in = &pg->insn[i];
		uint32_t from = (uint32_t)i + 1;

		if (!vm_code_known(in->code))
			continue;
		if (in->code == (BPF_JMP|BPF_JA)) {
			if (from + in->k >= (uint32_t)pg->len)
				return 0;
		} else if (BPF_CLASS(in->code) == BPF_JMP) {
			if (from + in->jt >= (uint32_t)pg->len ||
			    from + in->jf >= (uint32_t)pg->len)
				return 0;
		}
	}
	return !vm_code_known(pg->insn[pg->len - 1].code) ||
	       BPF_CLASS(pg->insn[pg->len - 1].code) == BPF_RET;
}

static int
mode_unsafe(uint64_t seed, long count)
{
	struct program pg;
	long i, checked = 0, ran = 0, accepted = 0, rejected_bad = 0;

	make_packets(seed);
	rng_state = seed;
	run_seed = seed;
	for (i = 0; i < count; i++) {
		int j, valid;

		gen_program(&pg);
		pg.vlen = pg.len;
		/* Damage: undefined opcodes, wild jumps, unset memory reads. */
		for (j = 0; j < pg.len; j++) {
			struct bpf_insn *in = &pg.insn[j];

			switch (below(12)) {
			case 0:
				in->code = (u_short)(chance(80) ? below(256) : rnd32());
				break;
			case 1:
				in->code = BPF_JMP|BPF_JA;
				in->k = chance(30) ? 0xffffffffu :
					chance(50) ? (uint32_t)(below((uint32_t)pg.len) - (uint32_t)j - 1) :
					rnd32();
				break;
			case 2:
				in->code = (u_short)(chance(50) ? BPF_LD|BPF_MEM : BPF_LDX|BPF_MEM);
				in->k = chance(80) ? below(BPF_MEMWORDS) : rnd32();
				break;
			case 3:
				in->code = (u_short)PICK(alu_k);
				in->k = chance(50) ? 0 : rnd32();
				break;
			default:
				break;
			}
		}
		valid = bpf_validate(pg.insn, pg.vlen);
		checked++;
		for (j = 0; j < pg.len; j++)
			if (!vm_code_known(pg.insn[j].code) && valid) {
				printf("UNSAFE-ACCEPTED %ld undefined opcode\n", i);
				mismatches++;
			}
		if (valid) {
			struct vm_prog *vp = vm_prog_new(pg.insn, (u_int)pg.vlen);
			struct packet *pk = &pool[below(NPKT)];
			u_int a = bpf_filter(pg.insn, pk->data, pk->len, pk->len);
			u_int b = vm_prog_run(vp, pk->data, pk->len, pk->len);

			accepted++;
			if (a != b) {
				printf("MISMATCH %ld unsafe: raw %u prog %u\n", i, a, b);
				mismatches++;
			}
			vm_prog_free(vp);
		} else {
			rejected_bad++;
		}
		if (stays_inside(&pg)) {
			struct packet *pk = &pool[below(NPKT)];
			struct vm_aux_data aux = { .vlan_tag = 5, .vlan_tag_present = 1 };

			(void)bpf_filter(pg.insn, pk->data, pk->len, pk->len);
			(void)vm_filter_aux(pg.insn, pk->data, pk->len, pk->len, &aux);
			ran++;
		}
	}
	printf("unsafe programs %ld accepted %ld rejected %ld ran_raw %ld\n",
	       checked, accepted, rejected_bad, ran);
	return mismatches != 0;
}
#endif

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (argc >= 4 && strcmp(argv[1], "diff") == 0)
		return mode_diff(strtoull(argv[2], NULL, 0), atol(argv[3]), 0, 0);
	if (argc >= 5 && strcmp(argv[1], "detail") == 0)
		return mode_diff(strtoull(argv[2], NULL, 0), atol(argv[4]),
				 atol(argv[3]), 1);
	if (argc >= 2 && strcmp(argv[1], "images") == 0)
		return mode_images();
	if (argc >= 3 && strcmp(argv[1], "dump") == 0)
		return mode_dump(atoi(argv[2]) < 0 ? 0 : atoi(argv[2]));
	if (argc >= 2 && strcmp(argv[1], "validate") == 0)
		return mode_dump(-1);
	if (argc >= 5 && strcmp(argv[1], "dumpgen") == 0)
		return mode_dumpgen(strtoull(argv[2], NULL, 0), atol(argv[3]),
				    atoi(argv[4]));
	if (argc >= 2 && strcmp(argv[1], "image") == 0)
		return mode_image();
#ifdef BPF_RUNNER_OURS
	if (argc >= 4 && strcmp(argv[1], "unsafe") == 0)
		return mode_unsafe(strtoull(argv[2], NULL, 0), atol(argv[3]));
#endif
	fprintf(stderr, "usage: %s diff SEED COUNT | detail SEED FROM TO | images"
		" | dump OPTION | validate | dumpgen SEED COUNT OPTION | image"
#ifdef BPF_RUNNER_OURS
		" | unsafe SEED COUNT"
#endif
		"\n", argv[0]);
	return 2;
}
