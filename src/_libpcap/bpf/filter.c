/*
 * filter.c - the interpreter over raw instructions: bpf_filter(), the
 * core's vm_filter() and the Linux variant vm_filter_aux().
 *
 * libpcap 1.10's semantics, instruction by instruction: A, X and the
 * scratch memory start at zero; a load that does not fit inside the
 * captured bytes, or a division or modulo by zero, rejects the packet
 * (returns 0); a shift by X of 32 or more gives 0, while a shift by a
 * constant uses the constant's low five bits (what libpcap 1.10 computes on
 * x86, where its C shift is left to the hardware); `ja` offsets are signed,
 * so a large one jumps backward.
 *
 * One shortcut: a conditional jump whose two targets are both `ret #k`
 * returns the chosen value without a data-dependent jump (the last test of
 * nearly every compiled filter; a mispredicted jump costs more than the
 * rest of a short filter).  It reads both targets, taken or not.
 *
 * The program length is not known here (the API does not pass it), so the
 * caller must hand in a program bpf_validate accepts.  Beyond that, nothing
 * here can crash or hang on any instruction: an undefined opcode rejects
 * the packet instead of calling abort(), a scratch index out of range
 * rejects it instead of reading the stack, and a run rejects the packet
 * once it has taken more than VM_MAX_BACKWARD_JUMPS backward jumps.  The
 * instructions read are those libpcap's interpreter reads, plus the two
 * targets of each conditional jump reached (for the shortcut).
 */
#include <stddef.h>
#include <string.h>

#include "vm.h"

/*
 * One body for the three entry points (see VM_INTERPRETER in vm.h).
 *
 * Per packet the cost is the fixed cost of a call plus, per instruction,
 * a dispatch and the chain of loads that leads to the next instruction's
 * address; mispredicted jumps on the packet's contents come on top and
 * are libpcap's too.  Hence:
 *   - the state few programs touch (scratch memory, wire length, aux
 *     data, backward-jump count) lives on the stack, out of the registers
 *     the hot handlers want; the scratch memory is zeroed only when a
 *     program first touches it;
 *   - a load has one bounds comparison (sums in 64 bits cannot wrap);
 *   - a load followed by `jeq #k` (most loads) goes to it directly;
 *   - a conditional jump reads its targets' codes once, for the `ret #k`
 *     shortcut and for the dispatch, and reaches a target at offset 0
 *     (the usual fall-through) as pc + 1 on a predicted branch, so that
 *     the next instruction need not wait for the offset to be loaded.
 */
static VM_INTERPRETER u_int
run_raw(const struct bpf_insn *pc, const u_char *p, u_int wirelen,
	u_int buflen, const struct vm_aux_data *aux)
{
	VM_TABLE_DEFAULTS_BEGIN
	static const void *const label[256] = {
		[0 ... 255] = &&bad,
		[BPF_RET|BPF_K] = &&ret_k,
		[BPF_RET|BPF_A] = &&ret_a,
		[BPF_LD|BPF_W|BPF_ABS] = &&ld_w_abs,
		[BPF_LD|BPF_H|BPF_ABS] = &&ld_h_abs,
		[BPF_LD|BPF_B|BPF_ABS] = &&ld_b_abs,
		[BPF_LD|BPF_W|BPF_LEN] = &&ld_w_len,
		[BPF_LDX|BPF_W|BPF_LEN] = &&ldx_w_len,
		[BPF_LD|BPF_W|BPF_IND] = &&ld_w_ind,
		[BPF_LD|BPF_H|BPF_IND] = &&ld_h_ind,
		[BPF_LD|BPF_B|BPF_IND] = &&ld_b_ind,
		[BPF_LDX|BPF_MSH|BPF_B] = &&ldx_msh,
		[BPF_LD|BPF_IMM] = &&ld_imm,
		[BPF_LDX|BPF_IMM] = &&ldx_imm,
		[BPF_LD|BPF_MEM] = &&ld_mem,
		[BPF_LDX|BPF_MEM] = &&ldx_mem,
		[BPF_ST] = &&st,
		[BPF_STX] = &&stx,
		[BPF_JMP|BPF_JA] = &&ja,
		[BPF_JMP|BPF_JGT|BPF_K] = &&jgt_k,
		[BPF_JMP|BPF_JGE|BPF_K] = &&jge_k,
		[BPF_JMP|BPF_JEQ|BPF_K] = &&jeq_k,
		[BPF_JMP|BPF_JSET|BPF_K] = &&jset_k,
		[BPF_JMP|BPF_JGT|BPF_X] = &&jgt_x,
		[BPF_JMP|BPF_JGE|BPF_X] = &&jge_x,
		[BPF_JMP|BPF_JEQ|BPF_X] = &&jeq_x,
		[BPF_JMP|BPF_JSET|BPF_X] = &&jset_x,
		[BPF_ALU|BPF_ADD|BPF_X] = &&add_x,
		[BPF_ALU|BPF_SUB|BPF_X] = &&sub_x,
		[BPF_ALU|BPF_MUL|BPF_X] = &&mul_x,
		[BPF_ALU|BPF_DIV|BPF_X] = &&div_x,
		[BPF_ALU|BPF_MOD|BPF_X] = &&mod_x,
		[BPF_ALU|BPF_AND|BPF_X] = &&and_x,
		[BPF_ALU|BPF_OR|BPF_X] = &&or_x,
		[BPF_ALU|BPF_XOR|BPF_X] = &&xor_x,
		[BPF_ALU|BPF_LSH|BPF_X] = &&lsh_x,
		[BPF_ALU|BPF_RSH|BPF_X] = &&rsh_x,
		[BPF_ALU|BPF_ADD|BPF_K] = &&add_k,
		[BPF_ALU|BPF_SUB|BPF_K] = &&sub_k,
		[BPF_ALU|BPF_MUL|BPF_K] = &&mul_k,
		[BPF_ALU|BPF_DIV|BPF_K] = &&div_k,
		[BPF_ALU|BPF_MOD|BPF_K] = &&mod_k,
		[BPF_ALU|BPF_AND|BPF_K] = &&and_k,
		[BPF_ALU|BPF_OR|BPF_K] = &&or_k,
		[BPF_ALU|BPF_XOR|BPF_K] = &&xor_k,
		[BPF_ALU|BPF_LSH|BPF_K] = &&lsh_k,
		[BPF_ALU|BPF_RSH|BPF_K] = &&rsh_k,
		[BPF_ALU|BPF_NEG] = &&neg,
		[BPF_MISC|BPF_TAX] = &&tax,
		[BPF_MISC|BPF_TXA] = &&txa,
	};
	VM_TABLE_DEFAULTS_END
	uint32_t A = 0, X = 0, k;
	uint64_t len = buflen;	/* compared with 64-bit sums */
	struct {
		uint32_t mem[BPF_MEMWORDS];	/* zeroed on first use */
		int mem_zeroed;
		u_int backward;
		u_int wirelen;
		const struct vm_aux_data *aux;
	} cold;
	u_int code;

	if (pc == NULL)
		return (u_int)-1;	/* no program accepts everything */
	cold.mem_zeroed = 0;
	cold.backward = 0;
	cold.wirelen = wirelen;
	cold.aux = aux;
	/*
	 * Keep `cold` in memory, and `len` opaque: told that len < 2^32, the
	 * compiler would keep a second, 32-bit copy of it in a register.
	 */
	__asm__("" : "+m"(cold), "+r"(len));

/* Codes above 0xff are undefined; one test keeps the table at 256. */
#define DISPATCH_CODE(c) do { \
		code = (c); \
		if (__builtin_expect(code > 0xff, 0)) \
			return 0; \
		goto *label[code]; \
	} while (0)
#define DISPATCH() DISPATCH_CODE(pc->code)
#define NEXT() do { pc++; DISPATCH(); } while (0)
	/* After a load, a `jeq #k` is by far the likeliest: go straight there. */
#define NEXT_LOAD() do { \
		pc++; \
		code = pc->code; \
		if (code == (BPF_JMP|BPF_JEQ|BPF_K)) \
			goto jeq_k; \
		DISPATCH_CODE(code); \
	} while (0)
	/*
	 * To target (offset off, code tcode) from a conditional jump.  At
	 * offset 0 pc + 1 is computed on a predicted branch, not from the
	 * loaded offset; the empty asm keeps the compiler from merging the two
	 * paths back into one, and the relaxed atomic load from keeping the
	 * offset in a register from the start of the jump (one more register
	 * live in every handler).
	 */
#define GO(off, target, tcode) do { \
		if (__atomic_load_n(&(off), __ATOMIC_RELAXED) == 0) { \
			pc++; \
			__asm__("" : "+r"(pc)); \
		} else { \
			pc = (target); \
		} \
		DISPATCH_CODE(tcode); \
	} while (0)
#define BRANCH(cond) do { \
		const struct bpf_insn *t_ = pc + 1 + pc->jt; \
		const struct bpf_insn *f_ = pc + 1 + pc->jf; \
		u_int tc_ = t_->code, fc_ = f_->code; \
		/* AND and OR of two codes equal c only if both are c */ \
		if ((tc_ & fc_) == (BPF_RET|BPF_K) && \
		    (tc_ | fc_) == (BPF_RET|BPF_K)) \
			return vm_select((cond) != 0, t_->k, f_->k); \
		if (cond) \
			GO(pc->jt, t_, tc_); \
		GO(pc->jf, f_, fc_); \
	} while (0)

/* The scratch memory reads as zero until stored to: zero it on first use. */
#define MEM_READY() do { \
		if (!cold.mem_zeroed) { \
			memset(cold.mem, 0, sizeof cold.mem); \
			cold.mem_zeroed = 1; \
		} \
	} while (0)

	DISPATCH();

bad:
	return 0;
ret_k:
	return pc->k;
ret_a:
	return A;

	/* k + size in 64 bits: one comparison, no wrap-around. */
ld_w_abs:
	k = pc->k;
	if ((uint64_t)k + 4 > len)
		goto ld_special;
	A = vm_ld32(p + k);
	NEXT_LOAD();
ld_h_abs:
	k = pc->k;
	if ((uint64_t)k + 2 > len)
		goto ld_special;
	A = vm_ld16(p + k);
	NEXT_LOAD();
ld_b_abs:
	k = pc->k;
	/* Linux special offsets come before the bounds check. */
	if (__builtin_expect(k >= VM_SKF_AD_OFF, 0))
		goto ld_b_special;
	if (k >= len)
		return 0;
	A = p[k];
	NEXT_LOAD();
ld_b_special:
	if (vm_aux_load(cold.aux, k, &A))
		NEXT();
	if (vm_aux_vlan(k))
		return 0;
	if (k >= len)
		return 0;
	A = p[k];
	NEXT();
	/* A word or halfword load past the packet: an ancillary value, or
	   the packet is rejected. */
ld_special:
	if (vm_aux_load(cold.aux, k, &A))
		NEXT();
	return 0;
ld_w_len:
	A = cold.wirelen;
	NEXT();
ldx_w_len:
	X = cold.wirelen;
	NEXT();

	/* X + k + size computed in 64 bits: no wrap-around to hide behind. */
ld_w_ind:
	if ((uint64_t)X + pc->k + 4 > len)
		return 0;
	A = vm_ld32(p + X + pc->k);
	NEXT_LOAD();
ld_h_ind:
	if ((uint64_t)X + pc->k + 2 > len)
		return 0;
	A = vm_ld16(p + X + pc->k);
	NEXT_LOAD();
ld_b_ind:
	if ((uint64_t)X + pc->k + 1 > len)
		return 0;
	A = p[X + pc->k];
	NEXT_LOAD();
ldx_msh:
	k = pc->k;
	if (k >= len)
		return 0;
	X = (uint32_t)(p[k] & 0xf) << 2;
	NEXT();
ld_imm:
	A = pc->k;
	NEXT();
ldx_imm:
	X = pc->k;
	NEXT();
ld_mem:
	if (pc->k >= BPF_MEMWORDS)
		return 0;
	MEM_READY();
	A = cold.mem[pc->k];
	NEXT();
ldx_mem:
	if (pc->k >= BPF_MEMWORDS)
		return 0;
	MEM_READY();
	X = cold.mem[pc->k];
	NEXT();
st:
	if (pc->k >= BPF_MEMWORDS)
		return 0;
	MEM_READY();
	cold.mem[pc->k] = A;
	NEXT();
stx:
	if (pc->k >= BPF_MEMWORDS)
		return 0;
	MEM_READY();
	cold.mem[pc->k] = X;
	NEXT();

ja:
	if ((int32_t)pc->k < 0 && ++cold.backward > VM_MAX_BACKWARD_JUMPS)
		return 0;
	pc += 1 + (ptrdiff_t)(int32_t)pc->k;
	DISPATCH();
jgt_k:
	BRANCH(A > pc->k);
jge_k:
	BRANCH(A >= pc->k);
jeq_k:
	BRANCH(A == pc->k);
jset_k:
	BRANCH(A & pc->k);
jgt_x:
	BRANCH(A > X);
jge_x:
	BRANCH(A >= X);
jeq_x:
	BRANCH(A == X);
jset_x:
	BRANCH(A & X);

add_x:
	A += X;
	NEXT();
sub_x:
	A -= X;
	NEXT();
mul_x:
	A *= X;
	NEXT();
div_x:
	if (X == 0)
		return 0;
	A /= X;
	NEXT();
mod_x:
	if (X == 0)
		return 0;
	A %= X;
	NEXT();
and_x:
	A &= X;
	NEXT();
or_x:
	A |= X;
	NEXT();
xor_x:
	A ^= X;
	NEXT();
lsh_x:
	A = X < 32 ? A << X : 0;
	NEXT();
rsh_x:
	A = X < 32 ? A >> X : 0;
	NEXT();
add_k:
	A += pc->k;
	NEXT();
sub_k:
	A -= pc->k;
	NEXT();
mul_k:
	A *= pc->k;
	NEXT();
div_k:
	if (pc->k == 0)		/* bpf_validate refuses it; stay safe */
		return 0;
	A /= pc->k;
	NEXT();
mod_k:
	if (pc->k == 0)
		return 0;
	A %= pc->k;
	NEXT();
and_k:
	A &= pc->k;
	NEXT();
or_k:
	A |= pc->k;
	NEXT();
xor_k:
	A ^= pc->k;
	NEXT();
lsh_k:
	A <<= pc->k & 31;
	NEXT();
rsh_k:
	A >>= pc->k & 31;
	NEXT();
neg:
	A = 0u - A;
	NEXT();
tax:
	X = A;
	NEXT();
txa:
	A = X;
	NEXT();

#undef DISPATCH_CODE
#undef DISPATCH
#undef NEXT
#undef NEXT_LOAD
#undef BRANCH
#undef GO
#undef MEM_READY
}

u_int
bpf_filter(const struct bpf_insn *pc, const u_char *p, u_int wirelen,
	   u_int buflen)
{
	return run_raw(pc, p, wirelen, buflen, NULL);
}

u_int
vm_filter(const struct bpf_insn *pc, const u_char *p, u_int wirelen,
	  u_int buflen)
{
	return run_raw(pc, p, wirelen, buflen, NULL);
}

u_int
vm_filter_aux(const struct bpf_insn *pc, const u_char *p, u_int wirelen,
	      u_int buflen, const struct vm_aux_data *aux)
{
	return run_raw(pc, p, wirelen, buflen, aux);
}
