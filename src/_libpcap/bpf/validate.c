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
 *
 * vm_check() is the validator itself and says which instruction is wrong
 * and why; bpf_validate() is it without the words.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "vm.h"

/* Put the reason for a refusal into why (if the caller wants one). */
#define SAY(...) \
	do { \
		if (why != NULL && size > 0) \
			snprintf(why, size, __VA_ARGS__); \
	} while (0)

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

/*
 * The checks on instruction i alone.  Returns 1 if it is fine; else 0, with
 * the reason in why (when why is not NULL): the same rule gives the verdict
 * and the words, so the two cannot drift apart.
 */
static int
insn_ok(const struct bpf_insn *p, u_int i, u_int len, char *why, size_t size)
{
	uint32_t from = (uint32_t)i + 1u;	/* i < len <= INT_MAX */
	uint32_t to;

	if (!vm_code_known(p->code)) {
		SAY("instruction %u: undefined opcode 0x%x", i, p->code);
		return 0;
	}
	switch (BPF_CLASS(p->code)) {
	case BPF_LD:
	case BPF_LDX:
		if (BPF_MODE(p->code) != BPF_MEM)
			return 1;
		/* FALLTHROUGH */
	case BPF_ST:
	case BPF_STX:
		if (p->k < BPF_MEMWORDS)
			return 1;
		SAY("instruction %u: scratch memory index %u is out of range "
		    "(0..%d)", i, p->k, BPF_MEMWORDS - 1);
		return 0;
	case BPF_ALU:
		if ((BPF_OP(p->code) == BPF_DIV || BPF_OP(p->code) == BPF_MOD) &&
		    BPF_SRC(p->code) == BPF_K && p->k == 0) {
			SAY("instruction %u: %s by the constant 0", i,
			    BPF_OP(p->code) == BPF_DIV ? "division" : "modulo");
			return 0;
		}
		return 1;
	case BPF_JMP:
		if (BPF_OP(p->code) == BPF_JA) {
			/* Onto itself: an endless loop.  Checked first, since
			   the wrapped target (i) is inside the program. */
			if (p->k == 0xffffffffu) {
				SAY("instruction %u: the jump lands on itself", i);
				return 0;
			}
			/* A wrapping sum, as libpcap computes it: a
			   "negative" offset is a backward jump, fine if it
			   lands inside the program. */
			to = from + p->k;
		} else {
			to = from + (p->jt > p->jf ? p->jt : p->jf);
		}
		if (to < len)
			return 1;
		SAY("instruction %u: jump target %u is outside the program "
		    "(%u instructions)", i, to, len);
		return 0;
	default:
		/* BPF_RET, BPF_MISC: nothing more to check. */
		return 1;
	}
}

int
vm_check(const struct bpf_insn *f, u_int len, char *why, size_t size)
{
	u_int i;

	if (why != NULL && size > 0)
		why[0] = '\0';
	if (len == 0 || len > (u_int)INT_MAX) {
		if (len == 0)
			SAY("the program is empty");
		else
			SAY("the program is too long (%u instructions)", len);
		return 0;
	}
	if (f == NULL) {
		SAY("the program has no instructions (NULL)");
		return 0;
	}
	for (i = 0; i < len; i++)
		if (!insn_ok(&f[i], i, len, why, size))
			return 0;
	if (BPF_CLASS(f[len - 1].code) != BPF_RET) {
		SAY("instruction %u: the last instruction is not a return",
		    len - 1);
		return 0;
	}
	return 1;
}

int
bpf_validate(const struct bpf_insn *f, int len)
{
	if (len < 1)
		return 0;
	return vm_check(f, (u_int)len, NULL, 0);
}
