/*
 * validate.c - bpf_validate(), the check a program must pass before any
 * interpreter here runs it, and the table of opcodes the machine defines.
 *
 * On every program made only of defined opcodes the verdict is libpcap
 * 1.10's: a length of at least one, scratch-memory indexes below
 * BPF_MEMWORDS, no constant division or modulo by zero, every jump landing
 * inside the program (a `ja` offset is added with 32-bit wrap-around, so
 * libpcap's backward jumps, which its "protochain" code uses, stay legal),
 * and a `ret` as the last instruction.  It is stricter in two places where
 * libpcap 1.10 accepts a program its own interpreter cannot run (both are
 * listed in docs/bpf-differences.md):
 *   - an undefined opcode (0x08 `ldh #k`, 0x8c, any code above 0xff, ...)
 *     is refused; libpcap's validator checks only the class and mode bits
 *     and its bpf_filter then calls abort();
 *   - a `ja` whose offset wraps around to land on itself (k = 0xffffffff)
 *     is refused; libpcap's bpf_filter loops on it forever.
 */
#include <stddef.h>

#include "vm.h"

#define K1 1
const uint8_t vm_known_code[256] = {
	[BPF_RET|BPF_K] = K1,
	[BPF_RET|BPF_A] = K1,
	[BPF_LD|BPF_W|BPF_ABS] = K1,
	[BPF_LD|BPF_H|BPF_ABS] = K1,
	[BPF_LD|BPF_B|BPF_ABS] = K1,
	[BPF_LD|BPF_W|BPF_LEN] = K1,
	[BPF_LDX|BPF_W|BPF_LEN] = K1,
	[BPF_LD|BPF_W|BPF_IND] = K1,
	[BPF_LD|BPF_H|BPF_IND] = K1,
	[BPF_LD|BPF_B|BPF_IND] = K1,
	[BPF_LDX|BPF_MSH|BPF_B] = K1,
	[BPF_LD|BPF_IMM] = K1,
	[BPF_LDX|BPF_IMM] = K1,
	[BPF_LD|BPF_MEM] = K1,
	[BPF_LDX|BPF_MEM] = K1,
	[BPF_ST] = K1,
	[BPF_STX] = K1,
	[BPF_JMP|BPF_JA] = K1,
	[BPF_JMP|BPF_JGT|BPF_K] = K1,
	[BPF_JMP|BPF_JGE|BPF_K] = K1,
	[BPF_JMP|BPF_JEQ|BPF_K] = K1,
	[BPF_JMP|BPF_JSET|BPF_K] = K1,
	[BPF_JMP|BPF_JGT|BPF_X] = K1,
	[BPF_JMP|BPF_JGE|BPF_X] = K1,
	[BPF_JMP|BPF_JEQ|BPF_X] = K1,
	[BPF_JMP|BPF_JSET|BPF_X] = K1,
	[BPF_ALU|BPF_ADD|BPF_X] = K1,
	[BPF_ALU|BPF_SUB|BPF_X] = K1,
	[BPF_ALU|BPF_MUL|BPF_X] = K1,
	[BPF_ALU|BPF_DIV|BPF_X] = K1,
	[BPF_ALU|BPF_MOD|BPF_X] = K1,
	[BPF_ALU|BPF_AND|BPF_X] = K1,
	[BPF_ALU|BPF_OR|BPF_X] = K1,
	[BPF_ALU|BPF_XOR|BPF_X] = K1,
	[BPF_ALU|BPF_LSH|BPF_X] = K1,
	[BPF_ALU|BPF_RSH|BPF_X] = K1,
	[BPF_ALU|BPF_ADD|BPF_K] = K1,
	[BPF_ALU|BPF_SUB|BPF_K] = K1,
	[BPF_ALU|BPF_MUL|BPF_K] = K1,
	[BPF_ALU|BPF_DIV|BPF_K] = K1,
	[BPF_ALU|BPF_MOD|BPF_K] = K1,
	[BPF_ALU|BPF_AND|BPF_K] = K1,
	[BPF_ALU|BPF_OR|BPF_K] = K1,
	[BPF_ALU|BPF_XOR|BPF_K] = K1,
	[BPF_ALU|BPF_LSH|BPF_K] = K1,
	[BPF_ALU|BPF_RSH|BPF_K] = K1,
	[BPF_ALU|BPF_NEG] = K1,
	[BPF_MISC|BPF_TAX] = K1,
	[BPF_MISC|BPF_TXA] = K1,
};
#undef K1

/* The checks that depend on one instruction alone (i = its index). */
static int
insn_ok(const struct bpf_insn *p, u_int i, u_int len)
{
	u_int from = i + 1;	/* i < len <= INT_MAX: no overflow */

	if (!vm_code_known(p->code))
		return 0;
	switch (BPF_CLASS(p->code)) {
	case BPF_LD:
	case BPF_LDX:
		if (BPF_MODE(p->code) == BPF_MEM && p->k >= BPF_MEMWORDS)
			return 0;
		return 1;
	case BPF_ST:
	case BPF_STX:
		return p->k < BPF_MEMWORDS;
	case BPF_ALU:
		if ((BPF_OP(p->code) == BPF_DIV || BPF_OP(p->code) == BPF_MOD) &&
		    BPF_SRC(p->code) == BPF_K && p->k == 0)
			return 0;
		return 1;
	case BPF_JMP:
		if (BPF_OP(p->code) == BPF_JA) {
			/* Wrapping sum, as libpcap computes it: a "negative"
			   offset is a backward jump and is fine if it lands
			   inside the program... */
			if (from + p->k >= len)
				return 0;
			/* ...except onto itself, an endless loop. */
			return p->k != 0xffffffffu;
		}
		return from + p->jt < len && from + p->jf < len;
	default:
		/* BPF_RET, BPF_MISC: nothing more to check. */
		return 1;
	}
}

int
bpf_validate(const struct bpf_insn *f, int len)
{
	u_int i;

	if (f == NULL || len < 1)
		return 0;
	for (i = 0; i < (u_int)len; i++)
		if (!insn_ok(&f[i], i, (u_int)len))
			return 0;
	return BPF_CLASS(f[len - 1].code) == BPF_RET;
}
