/*
 * test_bpf_validate.c - bpf_validate's verdicts: libpcap 1.10's rules on
 * programs of defined opcodes (length, scratch indexes, constant division,
 * jump ranges with 32-bit wrap-around, final ret) and the two places we are
 * stricter (undefined opcodes, `ja` onto itself).
 */
#include <stdint.h>
#include <string.h>

#include <pcap/pcap.h>
#include "check.h"
#include "../../src/_libpcap/bpf/vm.h"

#define S(code, k) ((struct bpf_insn)BPF_STMT(code, k))
#define J(code, k, jt, jf) ((struct bpf_insn)BPF_JUMP(code, k, jt, jf))
#define RET S(BPF_RET|BPF_K, 1)
#define LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define VALID(a) bpf_validate(a, LEN(a))

static void
test_length_and_final_ret(void)
{
	struct bpf_insn one[] = { RET };
	struct bpf_insn reta[] = { S(BPF_RET|BPF_A, 0) };
	struct bpf_insn noret[] = { RET, S(BPF_LD|BPF_IMM, 0) };

	CHECK(VALID(one));
	CHECK(VALID(reta));
	CHECK(!bpf_validate(one, 0));
	CHECK(!bpf_validate(one, -1));
	CHECK(!bpf_validate(one, -2147483647 - 1));
	CHECK(!bpf_validate(NULL, 1));
	CHECK(!VALID(noret));
	/* A prefix that ends before the ret has none. */
	CHECK(bpf_validate(noret, 1));
}

static void
test_every_defined_opcode(void)
{
	u_int code, defined = 0;

	for (code = 0; code < 0x10000; code++) {
		/* k = 1 keeps memory indexes and divisors legal; a jump by
		   zero lands on the ret. */
		struct bpf_insn p[] = { S((u_short)code, 1), RET };
		int known = vm_code_known((u_short)code);

		if (code == (BPF_JMP|BPF_JA))
			p[0].k = 0;
		defined += (u_int)known;
		if (known != VALID(p)) {
			check_failures++;
			fprintf(stderr, "opcode 0x%x: known %d, valid %d\n", code,
				known, VALID(p));
		}
		check_count++;
	}
	CHECK_INT(defined, 49);
	/* Undefined codes libpcap 1.10 lets through: refused. */
	CHECK(!vm_code_known(0x08));	/* ldh #k */
	CHECK(!vm_code_known(0x0e));	/* ret x */
	CHECK(!vm_code_known(0x8c));	/* neg x */
	CHECK(!vm_code_known(0x0d));	/* ja x */
	CHECK(!vm_code_known(0x100 | (BPF_RET|BPF_K)));
}

static void
test_scratch_indexes(void)
{
	static const u_short codes[] = { BPF_LD|BPF_MEM, BPF_LDX|BPF_MEM, BPF_ST, BPF_STX };
	size_t i;

	for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		struct bpf_insn p[] = { S(codes[i], 15), RET };

		CHECK(VALID(p));
		p[0].k = 16;
		CHECK(!VALID(p));
		p[0].k = 0xffffffffu;
		CHECK(!VALID(p));
	}
	{
		/* Other loads take any k: the packet check is at run time. */
		struct bpf_insn p[] = { S(BPF_LD|BPF_W|BPF_ABS, 0xffffffffu),
					S(BPF_LDX|BPF_MSH|BPF_B, 0xffffffffu),
					S(BPF_LD|BPF_B|BPF_IND, 0xffffffffu), RET };

		CHECK(VALID(p));
	}
}

static void
test_alu_constants(void)
{
	struct bpf_insn p[] = { S(BPF_ALU|BPF_DIV|BPF_K, 0), RET };

	CHECK(!VALID(p));
	p[0].code = BPF_ALU|BPF_MOD|BPF_K;
	CHECK(!VALID(p));
	p[0].k = 1;
	CHECK(VALID(p));
	/* By X it is a run-time matter. */
	p[0] = S(BPF_ALU|BPF_DIV|BPF_X, 0);
	CHECK(VALID(p));
	/* libpcap 1.10 accepts any constant shift. */
	p[0] = S(BPF_ALU|BPF_LSH|BPF_K, 32);
	CHECK(VALID(p));
	p[0] = S(BPF_ALU|BPF_RSH|BPF_K, 0xffffffffu);
	CHECK(VALID(p));
}

static void
test_conditional_jumps(void)
{
	struct bpf_insn p[] = {
		J(BPF_JMP|BPF_JEQ|BPF_K, 0, 1, 2), RET, RET, RET,
	};

	CHECK(VALID(p));
	p[0].jf = 3;			/* one past the end */
	CHECK(!VALID(p));
	p[0].jf = 0;
	p[0].jt = 3;
	CHECK(!VALID(p));
	p[0].jt = 255;
	CHECK(!VALID(p));
	{
		/* 255 is reachable with a long enough program. */
		static struct bpf_insn q[257];
		int i;

		for (i = 0; i < 257; i++)
			q[i] = RET;
		q[0] = J(BPF_JMP|BPF_JSET|BPF_X, 0, 255, 255);
		CHECK(bpf_validate(q, 257));
		CHECK(!bpf_validate(q, 256));
	}
}

static void
test_unconditional_jumps(void)
{
	struct bpf_insn p[] = {
		S(BPF_LD|BPF_IMM, 0),
		S(BPF_JMP|BPF_JA, 1),
		RET, RET,
	};

	CHECK(VALID(p));
	p[1].k = 2;			/* past the end */
	CHECK(!VALID(p));
	p[1].k = 0x7fffffffu;
	CHECK(!VALID(p));
	p[1].k = 0x80000000u;
	CHECK(!VALID(p));
	/* Backward, by 32-bit wrap-around, as libpcap's protochain code
	   does: legal when it lands inside the program... */
	p[1].k = (uint32_t)-2;		/* to instruction 0 */
	CHECK(VALID(p));
	p[1].k = (uint32_t)-3;		/* to "instruction -1" */
	CHECK(!VALID(p));
	/* ...except onto itself, which libpcap 1.10 accepts and loops on. */
	p[1].k = 0xffffffffu;
	CHECK(!VALID(p));
	/* A jump as the last instruction has nowhere to go. */
	{
		struct bpf_insn q[] = { RET, S(BPF_JMP|BPF_JA, 0) };

		CHECK(!VALID(q));
	}
}

int
main(void)
{
	test_length_and_final_ret();
	test_every_defined_opcode();
	test_scratch_indexes();
	test_alu_constants();
	test_conditional_jumps();
	test_unconditional_jumps();
	return check_status("test_bpf_validate");
}
