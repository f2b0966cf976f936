/*
 * test_bpf_filter.c - the interpreters (bpf/filter.c raw, bpf/prog.c
 * predecoded): every opcode, loads at and past the captured length,
 * division and modulo by zero, shifts of 32 and more, scratch memory,
 * undefined opcodes, backward jumps, the Linux VLAN auxiliary loads.
 * Every program that bpf_validate accepts is run through bpf_filter,
 * vm_filter and a predecoded vm_prog, which must all agree.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <pcap/pcap.h>
#include "check.h"
#include "../../src/_libpcap/bpf/vm.h"

#define S(code, k) ((struct bpf_insn)BPF_STMT(code, k))
#define J(code, k, jt, jf) ((struct bpf_insn)BPF_JUMP(code, k, jt, jf))
#define RET_A S(BPF_RET|BPF_A, 0)
#define LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

static u_char pkt[64];

/* Run a valid program every way we can; report disagreement. */
static u_int
run3(const struct bpf_insn *prog, int len, const u_char *p, u_int wirelen,
     u_int buflen, int line)
{
	u_int raw = bpf_filter(prog, p, wirelen, buflen);
	u_int vmf = vm_filter(prog, p, wirelen, buflen);
	struct vm_prog *vp = vm_prog_new(prog, (u_int)len);

	check_count++;
	if (vp == NULL) {
		check_failures++;
		fprintf(stderr, "line %d: vm_prog_new refused a program\n", line);
		return raw;
	}
	if (vm_prog_run(vp, p, wirelen, buflen) != raw || vmf != raw) {
		check_failures++;
		fprintf(stderr, "line %d: bpf_filter %u, vm_filter %u, predecoded %u\n",
			line, raw, vmf, vm_prog_run(vp, p, wirelen, buflen));
	}
	vm_prog_free(vp);
	return raw;
}

#define RUN(prog, wl, bl) run3(prog, LEN(prog), pkt, wl, bl, __LINE__)
#define CHECK_RUN(prog, wl, bl, want) do { \
		CHECK(bpf_validate(prog, LEN(prog))); \
		CHECK_INT(RUN(prog, wl, bl), want); \
	} while (0)

/* A = k, X = x, then one instruction, then ret A. */
static u_int
alu(u_short code, uint32_t a, uint32_t x, uint32_t k, int line)
{
	struct bpf_insn prog[] = {
		S(BPF_LD|BPF_IMM, a), S(BPF_LDX|BPF_IMM, x), S(code, k), RET_A,
	};

	return run3(prog, LEN(prog), pkt, 64, 64, line);
}
#define ALU(code, a, x, k) alu(code, a, x, k, __LINE__)

static void
test_returns(void)
{
	struct bpf_insn k[] = { S(BPF_RET|BPF_K, 0xdeadbeef) };
	struct bpf_insn a[] = { S(BPF_LD|BPF_IMM, 77), RET_A };

	CHECK_RUN(k, 64, 64, 0xdeadbeef);
	CHECK_RUN(a, 64, 64, 77);
	/* No program at all accepts everything, as libpcap's does. */
	CHECK_INT(bpf_filter(NULL, pkt, 64, 64), (u_int)-1);
	CHECK_INT(vm_filter(NULL, pkt, 64, 64), (u_int)-1);
}

static void
test_absolute_loads(void)
{
	struct bpf_insn w[] = { S(BPF_LD|BPF_W|BPF_ABS, 10), RET_A };
	struct bpf_insn h[] = { S(BPF_LD|BPF_H|BPF_ABS, 10), RET_A };
	struct bpf_insn b[] = { S(BPF_LD|BPF_B|BPF_ABS, 10), RET_A };
	u_int bl;

	/* Big-endian, any alignment. */
	CHECK_RUN(w, 64, 64, 0x0a0b0c0du);
	CHECK_RUN(h, 64, 64, 0x0a0bu);
	CHECK_RUN(b, 64, 64, 0x0au);
	/* Exactly at the end fits; one byte short rejects. */
	for (bl = 0; bl <= 16; bl++) {
		CHECK_INT(RUN(w, 64, bl), bl >= 14 ? 0x0a0b0c0du : 0);
		CHECK_INT(RUN(h, 64, bl), bl >= 12 ? 0x0a0bu : 0);
		CHECK_INT(RUN(b, 64, bl), bl >= 11 ? 0x0au : 0);
	}
	/* Offsets whose end wraps around 2^32 never fit. */
	w[0].k = 0xfffffffeu;
	h[0].k = 0xffffffffu;
	b[0].k = 0xffffffffu;
	CHECK_INT(RUN(w, 64, 64), 0);
	CHECK_INT(RUN(h, 64, 64), 0);
	CHECK_INT(RUN(b, 64, 64), 0);
	/* The wire length does not extend what may be read. */
	w[0].k = 60;
	CHECK_INT(RUN(w, 1000, 62), 0);
	CHECK_INT(RUN(w, 1000, 64), 0x3c3d3e3fu);
}

static void
test_indexed_loads(void)
{
	struct bpf_insn w[] = { S(BPF_LDX|BPF_IMM, 4), S(BPF_LD|BPF_W|BPF_IND, 6), RET_A };
	struct bpf_insn h[] = { S(BPF_LDX|BPF_IMM, 4), S(BPF_LD|BPF_H|BPF_IND, 6), RET_A };
	struct bpf_insn b[] = { S(BPF_LDX|BPF_IMM, 4), S(BPF_LD|BPF_B|BPF_IND, 6), RET_A };
	u_int bl;

	for (bl = 0; bl <= 16; bl++) {
		CHECK_INT(RUN(w, 64, bl), bl >= 14 ? 0x0a0b0c0du : 0);
		CHECK_INT(RUN(h, 64, bl), bl >= 12 ? 0x0a0bu : 0);
		CHECK_INT(RUN(b, 64, bl), bl >= 11 ? 0x0au : 0);
	}
	/* X + k overflowing 32 bits must not wrap into the packet. */
	w[0].k = 0xfffffff8u;
	w[1].k = 10;		/* X + k = 2 after a 32-bit wrap */
	h[0].k = 0xffffffffu;
	h[1].k = 3;
	b[0].k = 1;
	b[1].k = 0xffffffffu;
	CHECK_INT(RUN(w, 64, 64), 0);
	CHECK_INT(RUN(h, 64, 64), 0);
	CHECK_INT(RUN(b, 64, 64), 0);
}

static void
test_msh_len_imm(void)
{
	struct bpf_insn msh[] = { S(BPF_LDX|BPF_MSH|BPF_B, 3), S(BPF_MISC|BPF_TXA, 0), RET_A };
	struct bpf_insn len[] = { S(BPF_LD|BPF_W|BPF_LEN, 0), RET_A };
	struct bpf_insn xlen[] = { S(BPF_LDX|BPF_W|BPF_LEN, 0), S(BPF_MISC|BPF_TXA, 0), RET_A };
	struct bpf_insn imm[] = { S(BPF_LD|BPF_IMM, 0x80000001u), RET_A };

	pkt[3] = 0x47;
	CHECK_RUN(msh, 64, 64, 0x1c);	/* (0x47 & 0xf) << 2 */
	CHECK_INT(RUN(msh, 64, 3), 0);	/* k == buflen: out */
	CHECK_INT(RUN(msh, 64, 4), 0x1c);
	pkt[3] = 3;
	CHECK_RUN(len, 1514, 64, 1514);	/* wire length, not caplen */
	CHECK_RUN(xlen, 9000, 0, 9000);
	CHECK_RUN(imm, 64, 64, 0x80000001u);
}

static void
test_alu(void)
{
	CHECK_INT(ALU(BPF_ALU|BPF_ADD|BPF_K, 0xfffffffeu, 0, 3), 1);
	CHECK_INT(ALU(BPF_ALU|BPF_ADD|BPF_X, 5, 7, 0), 12);
	CHECK_INT(ALU(BPF_ALU|BPF_SUB|BPF_K, 1, 0, 2), 0xffffffffu);
	CHECK_INT(ALU(BPF_ALU|BPF_SUB|BPF_X, 10, 3, 0), 7);
	CHECK_INT(ALU(BPF_ALU|BPF_MUL|BPF_K, 0x10000, 0, 0x10001), 0x10000);
	CHECK_INT(ALU(BPF_ALU|BPF_MUL|BPF_X, 6, 7, 0), 42);
	CHECK_INT(ALU(BPF_ALU|BPF_DIV|BPF_K, 100, 0, 7), 14);
	CHECK_INT(ALU(BPF_ALU|BPF_DIV|BPF_X, 0xffffffffu, 2, 0), 0x7fffffffu);
	CHECK_INT(ALU(BPF_ALU|BPF_MOD|BPF_K, 100, 0, 7), 2);
	CHECK_INT(ALU(BPF_ALU|BPF_MOD|BPF_X, 100, 9, 0), 1);
	CHECK_INT(ALU(BPF_ALU|BPF_AND|BPF_K, 0xf0f0, 0, 0xff00), 0xf000);
	CHECK_INT(ALU(BPF_ALU|BPF_AND|BPF_X, 0xf0f0, 0x0ff0, 0), 0x00f0);
	CHECK_INT(ALU(BPF_ALU|BPF_OR|BPF_K, 0xf000, 0, 0x000f), 0xf00f);
	CHECK_INT(ALU(BPF_ALU|BPF_OR|BPF_X, 0xf000, 0x0f00, 0), 0xff00);
	CHECK_INT(ALU(BPF_ALU|BPF_XOR|BPF_K, 0xff00, 0, 0x0ff0), 0xf0f0);
	CHECK_INT(ALU(BPF_ALU|BPF_XOR|BPF_X, 0xffffffffu, 1, 0), 0xfffffffeu);
	CHECK_INT(ALU(BPF_ALU|BPF_NEG, 1, 0, 0), 0xffffffffu);
	CHECK_INT(ALU(BPF_ALU|BPF_NEG, 0x80000000u, 0, 0), 0x80000000u);
	CHECK_INT(ALU(BPF_MISC|BPF_TAX, 9, 1, 0), 9);
	CHECK_INT(ALU(BPF_MISC|BPF_TXA, 9, 1, 0), 1);
}

static void
test_division_by_zero(void)
{
	struct bpf_insn divk[] = { S(BPF_LD|BPF_IMM, 5), S(BPF_ALU|BPF_DIV|BPF_K, 0), RET_A };
	struct bpf_insn modk[] = { S(BPF_LD|BPF_IMM, 5), S(BPF_ALU|BPF_MOD|BPF_K, 0), RET_A };

	/* By X: the packet is rejected. */
	CHECK_INT(ALU(BPF_ALU|BPF_DIV|BPF_X, 5, 0, 0), 0);
	CHECK_INT(ALU(BPF_ALU|BPF_MOD|BPF_X, 5, 0, 0), 0);
	/* By a constant: refused by bpf_validate; the raw interpreter run on
	   it anyway rejects the packet instead of trapping. */
	CHECK(!bpf_validate(divk, LEN(divk)));
	CHECK(!bpf_validate(modk, LEN(modk)));
	CHECK_INT(bpf_filter(divk, pkt, 64, 64), 0);
	CHECK_INT(bpf_filter(modk, pkt, 64, 64), 0);
	errno = 0;
	CHECK(vm_prog_new(divk, LEN(divk)) == NULL && errno == EINVAL);
}

static void
test_shifts(void)
{
	/* By X: 32 or more gives 0. */
	CHECK_INT(ALU(BPF_ALU|BPF_LSH|BPF_X, 0x87654321u, 31, 0), 0x80000000u);
	CHECK_INT(ALU(BPF_ALU|BPF_LSH|BPF_X, 0x87654321u, 32, 0), 0);
	CHECK_INT(ALU(BPF_ALU|BPF_LSH|BPF_X, 0x87654321u, 0xffffffffu, 0), 0);
	CHECK_INT(ALU(BPF_ALU|BPF_RSH|BPF_X, 0x87654321u, 31, 0), 1);
	CHECK_INT(ALU(BPF_ALU|BPF_RSH|BPF_X, 0x87654321u, 33, 0), 0);
	/* By a constant: the low five bits count, as libpcap 1.10 computes. */
	CHECK_INT(ALU(BPF_ALU|BPF_LSH|BPF_K, 0x87654321u, 0, 4), 0x76543210u);
	CHECK_INT(ALU(BPF_ALU|BPF_LSH|BPF_K, 0x87654321u, 0, 32), 0x87654321u);
	CHECK_INT(ALU(BPF_ALU|BPF_LSH|BPF_K, 0x87654321u, 0, 33), 0x0eca8642u);
	CHECK_INT(ALU(BPF_ALU|BPF_RSH|BPF_K, 0x87654321u, 0, 36), 0x08765432u);
	CHECK_INT(ALU(BPF_ALU|BPF_RSH|BPF_K, 0x87654321u, 0, 0xffffffffu), 1);
}

static void
test_jumps(void)
{
	/* Each conditional jump, K and X forms, both outcomes. */
	static const struct { u_short op; uint32_t a, b; int taken; } cases[] = {
		{ BPF_JEQ, 5, 5, 1 }, { BPF_JEQ, 5, 6, 0 },
		{ BPF_JGT, 6, 5, 1 }, { BPF_JGT, 5, 5, 0 },
		{ BPF_JGT, 0x80000000u, 1, 1 },	/* unsigned */
		{ BPF_JGE, 5, 5, 1 }, { BPF_JGE, 4, 5, 0 },
		{ BPF_JSET, 6, 2, 1 }, { BPF_JSET, 6, 1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct bpf_insn k[] = {
			S(BPF_LD|BPF_IMM, cases[i].a),
			J(BPF_JMP|cases[i].op|BPF_K, cases[i].b, 1, 0),
			S(BPF_RET|BPF_K, 100), S(BPF_RET|BPF_K, 200),
		};
		struct bpf_insn x[] = {
			S(BPF_LD|BPF_IMM, cases[i].a), S(BPF_LDX|BPF_IMM, cases[i].b),
			J(BPF_JMP|cases[i].op|BPF_X, 0, 0, 2),
			S(BPF_LD|BPF_IMM, 200), S(BPF_RET|BPF_A, 0), S(BPF_RET|BPF_K, 100),
		};

		CHECK_RUN(k, 64, 64, cases[i].taken ? 200u : 100u);
		CHECK_RUN(x, 64, 64, cases[i].taken ? 200u : 100u);
	}
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		/* Targets that are not returns, at offset 0 (the next
		   instruction) and beyond, on either side. */
		static const struct { u_char jt, jf; } offs[] = {
			{ 0, 2 }, { 2, 0 }, { 1, 3 }, { 3, 1 },
		};
		size_t j;

		for (j = 0; j < sizeof offs / sizeof offs[0]; j++) {
			struct bpf_insn p[] = {
				S(BPF_LD|BPF_IMM, cases[i].a),
				S(BPF_LDX|BPF_IMM, cases[i].b),
				J(BPF_JMP|cases[i].op|BPF_K, cases[i].b,
				  offs[j].jt, offs[j].jf),
				S(BPF_LD|BPF_IMM, 10), RET_A,	/* offset 0 */
				S(BPF_LD|BPF_IMM, 11), RET_A,	/* offset 2 */
			};
			/* Offsets 1 and 3: the returns after 0 and 2. */
			u_int at = cases[i].taken ? offs[j].jt : offs[j].jf;
			u_int want = at == 0 ? 10 : at == 2 ? 11 : cases[i].a;

			CHECK_RUN(p, 64, 64, want);
			p[2].code = (u_short)(BPF_JMP|cases[i].op|BPF_X);
			CHECK_RUN(p, 64, 64, want);
		}
	}
	{
		/* ja skips; a jump lands on the jump of a load+jump pair. */
		struct bpf_insn p[] = {
			S(BPF_LD|BPF_IMM, 0x0a0b),
			S(BPF_JMP|BPF_JA, 1),
			S(BPF_LD|BPF_H|BPF_ABS, 12),
			J(BPF_JMP|BPF_JEQ|BPF_K, 0x0a0b, 0, 1),
			S(BPF_RET|BPF_K, 1),
			S(BPF_RET|BPF_K, 2),
		};

		CHECK_RUN(p, 64, 64, 1);
		p[1].k = 0;		/* now through the load: pkt[12..13] */
		p[3].k = 0x0c0d;
		CHECK_RUN(p, 64, 64, 1);
		p[0].k = 7;
		p[1].k = 1;
		CHECK_RUN(p, 64, 64, 2);
	}
	{
		/* Jumps of 255 (the longest a conditional jump can go). */
		static struct bpf_insn p[300];
		int i2;

		for (i2 = 0; i2 < 300; i2++)
			p[i2] = S(BPF_RET|BPF_K, (uint32_t)i2);
		p[0] = J(BPF_JMP|BPF_JGE|BPF_K, 0, 255, 254);
		CHECK(bpf_validate(p, 300));
		CHECK_INT(run3(p, 300, pkt, 64, 64, __LINE__), 256);
	}
}

static void
test_scratch_memory(void)
{
	struct bpf_insn p[] = {
		S(BPF_LD|BPF_IMM, 11), S(BPF_ST, 0),
		S(BPF_LDX|BPF_IMM, 22), S(BPF_STX, 15),
		S(BPF_LD|BPF_MEM, 15), S(BPF_LDX|BPF_MEM, 0),
		S(BPF_ALU|BPF_SUB|BPF_X, 0), RET_A,
	};
	/* Words never stored read as zero (libpcap 1.10: stack garbage). */
	struct bpf_insn unset[] = {
		S(BPF_LD|BPF_IMM, 1), S(BPF_LDX|BPF_MEM, 7),
		S(BPF_ALU|BPF_ADD|BPF_X, 0), S(BPF_LDX|BPF_MEM, 3),
		S(BPF_ALU|BPF_ADD|BPF_X, 0), RET_A,
	};
	/* ...in every run, whatever an earlier run stored. */
	struct bpf_insn dirty[] = {
		S(BPF_LD|BPF_MEM, 4), J(BPF_JMP|BPF_JEQ|BPF_K, 0, 0, 3),
		S(BPF_LD|BPF_IMM, 99), S(BPF_ST, 4), RET_A, S(BPF_RET|BPF_K, 7),
	};
	/* The first touch is a store: the other words still read zero. */
	struct bpf_insn store_first[] = {
		S(BPF_LD|BPF_IMM, 5), S(BPF_ST, 2), S(BPF_LDX|BPF_MEM, 4),
		S(BPF_LD|BPF_MEM, 2), S(BPF_ALU|BPF_ADD|BPF_X, 0), RET_A,
	};
	struct bpf_insn fill[] = {
		S(BPF_LD|BPF_IMM, 0xdead), S(BPF_ST, 4), S(BPF_STX, 9), RET_A,
	};
	struct bpf_insn bad[] = { S(BPF_LD|BPF_MEM, 16), RET_A };

	CHECK_RUN(p, 64, 64, 11);
	CHECK_RUN(unset, 64, 64, 1);
	CHECK_RUN(dirty, 64, 64, 99);
	CHECK_RUN(dirty, 64, 64, 99);
	CHECK_RUN(fill, 64, 64, 0xdead);
	CHECK_RUN(store_first, 64, 64, 5);
	/* An index past the scratch: refused, and rejected if run anyway. */
	CHECK(!bpf_validate(bad, LEN(bad)));
	CHECK_INT(bpf_filter(bad, pkt, 64, 64), 0);
	bad[0] = S(BPF_ST, 0xffffffffu);
	CHECK_INT(bpf_filter(bad, pkt, 64, 64), 0);
	bad[0] = S(BPF_STX, 16);
	CHECK_INT(bpf_filter(bad, pkt, 64, 64), 0);
	bad[0] = S(BPF_LDX|BPF_MEM, 1000);
	CHECK_INT(bpf_filter(bad, pkt, 64, 64), 0);
}

static void
test_undefined_opcodes(void)
{
	/* libpcap 1.10 calls abort() on these; we reject the packet. */
	static const u_short codes[] = { 0x08, 0x18, 0x0e, 0x8c, 0xa0, 0xff, 0x100, 0x106, 0xffff };
	size_t i;

	for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		struct bpf_insn p[] = { S(codes[i], 1), S(BPF_RET|BPF_K, 5) };

		CHECK(!bpf_validate(p, 2));
		CHECK_INT(bpf_filter(p, pkt, 64, 64), 0);
		CHECK_INT(vm_filter_aux(p, pkt, 64, 64, NULL), 0);
		CHECK(vm_prog_new(p, 2) == NULL);
	}
	/* Reached right after a load, and as either target of a jump. */
	for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		struct bpf_insn after_load[] = {
			S(BPF_LD|BPF_H|BPF_ABS, 2), S(codes[i], 1), S(BPF_RET|BPF_K, 5),
		};
		struct bpf_insn target[] = {
			S(BPF_LD|BPF_IMM, 1),
			J(BPF_JMP|BPF_JEQ|BPF_K, 1, 0, 2),
			S(codes[i], 1), S(BPF_RET|BPF_K, 5),
			S(codes[i], 1), S(BPF_RET|BPF_K, 6),
		};

		CHECK_INT(bpf_filter(after_load, pkt, 64, 64), 0);
		CHECK_INT(bpf_filter(target, pkt, 64, 64), 0);
		target[0].k = 2;
		CHECK_INT(bpf_filter(target, pkt, 64, 64), 0);
		target[1].jt = 2;	/* a target past offset 0 */
		target[1].jf = 0;
		CHECK_INT(bpf_filter(target, pkt, 64, 64), 0);
		target[0].k = 1;
		CHECK_INT(bpf_filter(target, pkt, 64, 64), 0);
	}
}

static void
test_backward_jumps(void)
{
	/* A counted loop, as libpcap's protochain code jumps backward:
	   X counts 10 down to 0. */
	struct bpf_insn loop[] = {
		S(BPF_LDX|BPF_IMM, 10),
		S(BPF_MISC|BPF_TXA, 0),				/* 1 */
		J(BPF_JMP|BPF_JEQ|BPF_K, 0, 3, 0),		/* done? */
		S(BPF_ALU|BPF_SUB|BPF_K, 1),
		S(BPF_MISC|BPF_TAX, 0),
		S(BPF_JMP|BPF_JA, (uint32_t)-5),		/* back to 1 */
		S(BPF_RET|BPF_K, 42),
	};
	/* A loop that never ends in libpcap: ours gives up, rejecting. */
	struct bpf_insn spin[] = {
		S(BPF_LD|BPF_IMM, 1),
		S(BPF_JMP|BPF_JA, (uint32_t)-2),
		S(BPF_RET|BPF_K, 42),
	};
	struct bpf_insn self[] = { S(BPF_JMP|BPF_JA, 0xffffffffu), S(BPF_RET|BPF_K, 1) };

	CHECK_RUN(loop, 64, 64, 42);
	/* 64 backward jumps are allowed, the 65th rejects. */
	loop[0].k = VM_MAX_BACKWARD_JUMPS;
	CHECK_INT(RUN(loop, 64, 64), 42);
	loop[0].k = VM_MAX_BACKWARD_JUMPS + 1;
	CHECK_INT(RUN(loop, 64, 64), 0);
	CHECK_RUN(spin, 64, 64, 0);
	/* A jump onto itself is refused outright, and ends if run anyway. */
	CHECK(!bpf_validate(self, 2));
	CHECK_INT(bpf_filter(self, pkt, 64, 64), 0);
}

static void
test_vlan_aux(void)
{
	struct bpf_insn tag[] = { S(BPF_LD|BPF_B|BPF_ABS, VM_SKF_AD_VLAN_TAG), RET_A };
	struct bpf_insn present[] = { S(BPF_LD|BPF_B|BPF_ABS, VM_SKF_AD_VLAN_TAG_PRESENT), RET_A };
	struct bpf_insn other[] = { S(BPF_LD|BPF_B|BPF_ABS, VM_SKF_AD_OFF + 4), RET_A };
	struct vm_aux_data aux = { .vlan_tag = 0x2abc, .vlan_tag_present = 1 };
	struct vm_prog *vp;

	/* Without aux data (bpf_filter) the loads reject the packet. */
	CHECK_RUN(tag, 64, 64, 0);
	CHECK_RUN(present, 64, 64, 0);
	CHECK_INT(vm_filter_aux(tag, pkt, 64, 64, &aux), 0x2abc);
	CHECK_INT(vm_filter_aux(present, pkt, 64, 64, &aux), 1);
	/* Other special offsets are ordinary (out of range) offsets. */
	CHECK_INT(vm_filter_aux(other, pkt, 64, 64, &aux), 0);
	vp = vm_prog_new(tag, 2);
	CHECK(vp != NULL);
	CHECK_INT(vm_prog_run_aux(vp, pkt, 64, 64, &aux), 0x2abc);
	CHECK_INT(vm_prog_run_aux(vp, pkt, 64, 64, NULL), 0);
	vm_prog_free(vp);
	vp = vm_prog_new(present, 2);
	CHECK(vp != NULL);
	aux.vlan_tag_present = 0;
	CHECK_INT(vm_prog_run_aux(vp, pkt, 64, 64, &aux), 0);
	vm_prog_free(vp);
	/* Special even where the captured length reaches that far (the
	   bytes there are never read). */
	CHECK_INT(vm_filter_aux(tag, pkt, 64, 0xffffffffu, &aux), 0x2abc);
	CHECK_INT(vm_filter_aux(present, pkt, 64, 0xffffffffu, &aux), 0);
	CHECK_INT(bpf_filter(tag, pkt, 64, 0xffffffffu), 0);
	/* With aux data every load size reads them, as the kernel's filter
	   does (pcap_compile emits "ldh [vlan_tci]"); without, a wider load
	   is an ordinary one. */
	tag[0].code = BPF_LD|BPF_H|BPF_ABS;
	CHECK_INT(vm_filter_aux(tag, pkt, 64, 64, &aux), 0x2abc);
	CHECK_INT(vm_filter_aux(tag, pkt, 64, 64, NULL), 0);
}

/* A compiled "tcp port 25" (libpcap's optimized code) on real headers. */
static void
test_compiled_filter(void)
{
	struct bpf_insn p[] = {
		S(0x28, 12), J(0x15, 0x86dd, 0, 6), S(0x30, 20), J(0x15, 6, 0, 15),
		S(0x28, 54), J(0x15, 25, 12, 0), S(0x28, 56), J(0x15, 25, 10, 11),
		J(0x15, 0x800, 0, 10), S(0x30, 23), J(0x15, 6, 0, 8), S(0x28, 20),
		J(0x45, 0x1fff, 6, 0), S(0xb1, 14), S(0x48, 14), J(0x15, 25, 2, 0),
		S(0x48, 16), J(0x15, 25, 0, 1), S(0x06, 262144), S(0x06, 0),
	};
	u_char frame[64] = { 0 };

	frame[12] = 0x08; frame[13] = 0x00;	/* IPv4 */
	frame[14] = 0x46;			/* IHL 6: ports at 38 */
	frame[23] = 6;				/* TCP */
	frame[38] = 0; frame[39] = 25;
	CHECK(bpf_validate(p, LEN(p)));
	CHECK_INT(run3(p, LEN(p), frame, 60, 60, __LINE__), 262144);
	frame[39] = 26;
	CHECK_INT(run3(p, LEN(p), frame, 60, 60, __LINE__), 0);
	frame[41] = 25;				/* destination port */
	CHECK_INT(run3(p, LEN(p), frame, 60, 60, __LINE__), 262144);
	CHECK_INT(run3(p, LEN(p), frame, 60, 41, __LINE__), 0);	/* truncated */
	frame[20] = 0x20;			/* fragment offset set */
	frame[21] = 0x01;
	CHECK_INT(run3(p, LEN(p), frame, 60, 60, __LINE__), 0);
	frame[20] = frame[21] = 0;
	frame[12] = 0x86; frame[13] = 0xdd;	/* IPv6: next header at 20 */
	frame[20] = 6;
	frame[54] = 0; frame[55] = 25;
	CHECK_INT(run3(p, LEN(p), frame, 60, 60, __LINE__), 262144);
	CHECK_INT(run3(p, LEN(p), frame, 60, 55, __LINE__), 0);
}

static void
test_prog_new_errors(void)
{
	struct bpf_insn ok[] = { S(BPF_RET|BPF_K, 1) };
	struct bpf_insn noret[] = { S(BPF_LD|BPF_IMM, 1) };
	struct vm_prog *vp;

	errno = 0;
	CHECK(vm_prog_new(ok, 0) == NULL && errno == EINVAL);
	errno = 0;
	CHECK(vm_prog_new(noret, 1) == NULL && errno == EINVAL);
	errno = 0;
	CHECK(vm_prog_new(NULL, 1) == NULL && errno == EINVAL);
	errno = 0;
	CHECK(vm_prog_new(ok, 0x80000000u) == NULL && errno == EINVAL);
	vp = vm_prog_new(ok, 1);
	CHECK(vp != NULL);
	CHECK_INT(vm_prog_run(vp, NULL, 0, 0), 1);
	vm_prog_free(vp);
	vm_prog_free(NULL);
}

int
main(void)
{
	int i;

	for (i = 0; i < LEN(pkt); i++)
		pkt[i] = (u_char)i;
	test_returns();
	test_absolute_loads();
	test_indexed_loads();
	test_msh_len_imm();
	test_alu();
	test_division_by_zero();
	test_shifts();
	test_jumps();
	test_scratch_memory();
	test_undefined_opcodes();
	test_backward_jumps();
	test_vlan_aux();
	test_compiled_filter();
	test_prog_new_errors();
	return check_status("test_bpf_filter");
}
