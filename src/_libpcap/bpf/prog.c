/*
 * prog.c - predecoded programs: vm_prog_new() validates a program and
 * translates it once, vm_prog_run() runs the translation per packet.
 *
 * The translation does at setfilter time what the raw interpreter does per
 * instruction per packet:
 *   - each opcode becomes a dense handler index (no undefined-code test);
 *   - jump offsets become absolute instruction indexes;
 *   - a load at a constant offset keeps the end of the bytes it reads, so
 *     its bounds test is one comparison, and a load that can never fit
 *     (offset + size past 2^32) becomes "return 0", which is what it does;
 *   - a load followed by a conditional jump against a constant
 *     (`ldh [12]; jeq #0x800`, `ldh [x + 14]; jeq #25`: the bulk of
 *     compiled filters) becomes one fused step.  The jump keeps its own slot too, so jumps
 *     that land on it directly still find it;
 *   - a conditional jump whose two targets are both `ret #k` (the last
 *     test of nearly every compiled filter) returns the chosen value
 *     directly, without a data-dependent jump: on traffic the branch
 *     predictor cannot guess, that mispredicted jump is most of the cost;
 *   - a forward `ja` onto `ret #k` is that `ret`;
 *   - a backward `ja` gets its own handler that counts against
 *     VM_MAX_BACKWARD_JUMPS, so forward jumps pay nothing for it;
 *   - shift counts are reduced to what the raw interpreter computes;
 *   - the scratch memory is zeroed per run only if the program reads it.
 * The results are those of filter.c on every program bpf_validate
 * accepts; the C tests and the differential test check both paths.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"

/*
 * The handlers: one per defined opcode (loads at a constant offset split
 * by size, the Linux ancillary loads apart, `ja` split by direction), then
 * the fused
 * ones.  W_/H_/B_<jump>: a constant-offset load of 4/2/1 bytes and the
 * constant conditional jump after it; XW_/XH_/XB_<jump>: the same with an
 * indexed load ([x + k]).  _R: the jump's two targets are `ret #k`, folded
 * into the two return values.
 */
#define VM_OPS(X) \
	X(RET_K) X(RET_A) \
	X(LD_W_ABS) X(LD_H_ABS) X(LD_B_ABS) \
	X(LD_AUX) \
	X(LD_W_LEN) X(LDX_W_LEN) \
	X(LD_W_IND) X(LD_H_IND) X(LD_B_IND) X(LDX_MSH) \
	X(LD_IMM) X(LDX_IMM) X(LD_MEM) X(LDX_MEM) X(ST) X(STX) \
	X(JA) X(JA_BACK) \
	X(JGT_K) X(JGE_K) X(JEQ_K) X(JSET_K) \
	X(JGT_X) X(JGE_X) X(JEQ_X) X(JSET_X) \
	X(ADD_X) X(SUB_X) X(MUL_X) X(DIV_X) X(MOD_X) \
	X(AND_X) X(OR_X) X(XOR_X) X(LSH_X) X(RSH_X) \
	X(ADD_K) X(SUB_K) X(MUL_K) X(DIV_K) X(MOD_K) \
	X(AND_K) X(OR_K) X(XOR_K) X(LSH_K) X(RSH_K) \
	X(NEG) X(TAX) X(TXA) \
	X(W_JGT) X(W_JGE) X(W_JEQ) X(W_JSET) \
	X(H_JGT) X(H_JGE) X(H_JEQ) X(H_JSET) \
	X(B_JGT) X(B_JGE) X(B_JEQ) X(B_JSET) \
	X(JGT_K_R) X(JGE_K_R) X(JEQ_K_R) X(JSET_K_R) \
	X(JGT_X_R) X(JGE_X_R) X(JEQ_X_R) X(JSET_X_R) \
	X(W_JGT_R) X(W_JGE_R) X(W_JEQ_R) X(W_JSET_R) \
	X(H_JGT_R) X(H_JGE_R) X(H_JEQ_R) X(H_JSET_R) \
	X(B_JGT_R) X(B_JGE_R) X(B_JEQ_R) X(B_JSET_R) \
	X(XW_JGT) X(XW_JGE) X(XW_JEQ) X(XW_JSET) \
	X(XH_JGT) X(XH_JGE) X(XH_JEQ) X(XH_JSET) \
	X(XB_JGT) X(XB_JGE) X(XB_JEQ) X(XB_JSET) \
	X(XW_JGT_R) X(XW_JGE_R) X(XW_JEQ_R) X(XW_JSET_R) \
	X(XH_JGT_R) X(XH_JGE_R) X(XH_JEQ_R) X(XH_JSET_R) \
	X(XB_JGT_R) X(XB_JGE_R) X(XB_JEQ_R) X(XB_JSET_R)

enum vm_op {
#define VM_ENUM(name) OP_##name,
	VM_OPS(VM_ENUM)
#undef VM_ENUM
	OP_COUNT
};
_Static_assert(OP_JSET_X - OP_JGT_K == OP_JSET_X_R - OP_JGT_K_R,
	       "the _R jumps must parallel the plain ones");

/*
 * One translated instruction.  Fields by handler:
 *   loads at a constant offset: k = offset, a = offset + size;
 *   jumps: k = operand, a = target if true, b = target if false
 *          (`ja`: a = target); the _R forms hold the two return values
 *          in a and b instead;
 *   everything else: k as in the original instruction.
 */
struct vm_ins {
	uint16_t op;
	uint16_t unused;
	uint32_t k;
	uint32_t a;
	uint32_t b;
};

struct vm_prog {
	u_int len;
	int reads_memory;	/* has ld/ldx M[k]: zero the scratch per run */
	struct vm_ins ins[];
};

/* Do both targets of the conditional jump insns[i] return a constant? */
static int
folds_to_ret(const struct bpf_insn *insns, u_int i)
{
	const struct bpf_insn *in = &insns[i];

	return insns[i + 1 + in->jt].code == (BPF_RET|BPF_K) &&
	       insns[i + 1 + in->jf].code == (BPF_RET|BPF_K);
}

/* Index of a constant conditional jump in rows of 4, or -1. */
static int
cond_k_index(u_short code)
{
	switch (code) {
	case BPF_JMP|BPF_JGT|BPF_K:	return 0;
	case BPF_JMP|BPF_JGE|BPF_K:	return 1;
	case BPF_JMP|BPF_JEQ|BPF_K:	return 2;
	case BPF_JMP|BPF_JSET|BPF_K:	return 3;
	default:			return -1;
	}
}

/*
 * The fused handler for a load of `size` bytes (indexed or not) and the
 * jump insns[j], or -1 if that is not a constant conditional jump.
 */
static int
fused_op(int indexed, u_int size, const struct bpf_insn *insns, u_int j)
{
	static const uint8_t ops[2][2][3][4] = {
		{ { { OP_W_JGT, OP_W_JGE, OP_W_JEQ, OP_W_JSET },
		    { OP_H_JGT, OP_H_JGE, OP_H_JEQ, OP_H_JSET },
		    { OP_B_JGT, OP_B_JGE, OP_B_JEQ, OP_B_JSET } },
		  { { OP_W_JGT_R, OP_W_JGE_R, OP_W_JEQ_R, OP_W_JSET_R },
		    { OP_H_JGT_R, OP_H_JGE_R, OP_H_JEQ_R, OP_H_JSET_R },
		    { OP_B_JGT_R, OP_B_JGE_R, OP_B_JEQ_R, OP_B_JSET_R } } },
		{ { { OP_XW_JGT, OP_XW_JGE, OP_XW_JEQ, OP_XW_JSET },
		    { OP_XH_JGT, OP_XH_JGE, OP_XH_JEQ, OP_XH_JSET },
		    { OP_XB_JGT, OP_XB_JGE, OP_XB_JEQ, OP_XB_JSET } },
		  { { OP_XW_JGT_R, OP_XW_JGE_R, OP_XW_JEQ_R, OP_XW_JSET_R },
		    { OP_XH_JGT_R, OP_XH_JGE_R, OP_XH_JEQ_R, OP_XH_JSET_R },
		    { OP_XB_JGT_R, OP_XB_JGE_R, OP_XB_JEQ_R, OP_XB_JSET_R } } },
	};
	int col = cond_k_index(insns[j].code);

	if (col < 0)
		return -1;
	return ops[indexed][folds_to_ret(insns, j)][size == 4 ? 0 : size == 2 ? 1 : 2][col];
}

/* Translate a load from a constant offset (insns[i] has size `size`). */
static void
translate_abs(struct vm_ins *out, const struct bpf_insn *insns, u_int i,
	      u_int size, int plain_op)
{
	const struct bpf_insn *in = &insns[i];
	int fused;

	if (in->k > UINT32_MAX - size) {
		/* Can never fit in a packet: always rejects. */
		out->op = OP_RET_K;
		out->k = 0;
		return;
	}
	out->k = in->k;
	out->a = in->k + size;
	/* A validated program ends in `ret`, so insns[i + 1] exists. */
	fused = fused_op(0, size, insns, i + 1);
	out->op = (uint16_t)(fused >= 0 ? fused : plain_op);
}

/* Translate a load at [x + k] (insns[i] has size `size`). */
static void
translate_ind(struct vm_ins *out, const struct bpf_insn *insns, u_int i,
	      u_int size, int plain_op)
{
	int fused = fused_op(1, size, insns, i + 1);

	/* The bounds test involves X: nothing to precompute. */
	out->op = (uint16_t)(fused >= 0 ? fused : plain_op);
}

static void
translate(struct vm_ins *out, const struct bpf_insn *insns, u_int i)
{
	const struct bpf_insn *in = &insns[i];
	u_int next = i + 1;

	out->unused = 0;
	out->k = in->k;
	out->a = 0;
	out->b = 0;
	switch (in->code) {
	case BPF_RET|BPF_K:		out->op = OP_RET_K; break;
	case BPF_RET|BPF_A:		out->op = OP_RET_A; break;
	case BPF_LD|BPF_W|BPF_ABS:
	case BPF_LD|BPF_H|BPF_ABS:
	case BPF_LD|BPF_B|BPF_ABS: {
		u_int size = BPF_SIZE(in->code) == BPF_W ? 4 :
			     BPF_SIZE(in->code) == BPF_H ? 2 : 1;

		if (in->k >= VM_SKF_AD_OFF) {
			/* Linux ancillary data (or a load that never fits) */
			out->op = OP_LD_AUX;
			out->a = size;
		} else {
			translate_abs(out, insns, i, size,
				      size == 4 ? OP_LD_W_ABS :
				      size == 2 ? OP_LD_H_ABS : OP_LD_B_ABS);
		}
		break;
	}
	case BPF_LD|BPF_W|BPF_LEN:	out->op = OP_LD_W_LEN; break;
	case BPF_LDX|BPF_W|BPF_LEN:	out->op = OP_LDX_W_LEN; break;
	case BPF_LD|BPF_W|BPF_IND:
		translate_ind(out, insns, i, 4, OP_LD_W_IND);
		break;
	case BPF_LD|BPF_H|BPF_IND:
		translate_ind(out, insns, i, 2, OP_LD_H_IND);
		break;
	case BPF_LD|BPF_B|BPF_IND:
		translate_ind(out, insns, i, 1, OP_LD_B_IND);
		break;
	case BPF_LDX|BPF_MSH|BPF_B:	out->op = OP_LDX_MSH; break;
	case BPF_LD|BPF_IMM:		out->op = OP_LD_IMM; break;
	case BPF_LDX|BPF_IMM:		out->op = OP_LDX_IMM; break;
	case BPF_LD|BPF_MEM:		out->op = OP_LD_MEM; break;
	case BPF_LDX|BPF_MEM:		out->op = OP_LDX_MEM; break;
	case BPF_ST:			out->op = OP_ST; break;
	case BPF_STX:			out->op = OP_STX; break;
	case BPF_JMP|BPF_JA:
		/* Wrapping add = libpcap's sign-extended offset. */
		out->a = next + in->k;
		if (out->a <= i) {
			out->op = OP_JA_BACK;	/* counted: keep the jump */
		} else if (insns[out->a].code == (BPF_RET|BPF_K)) {
			out->op = OP_RET_K;
			out->k = insns[out->a].k;
		} else {
			out->op = OP_JA;
		}
		break;
	case BPF_JMP|BPF_JGT|BPF_K:	out->op = OP_JGT_K; goto cond;
	case BPF_JMP|BPF_JGE|BPF_K:	out->op = OP_JGE_K; goto cond;
	case BPF_JMP|BPF_JEQ|BPF_K:	out->op = OP_JEQ_K; goto cond;
	case BPF_JMP|BPF_JSET|BPF_K:	out->op = OP_JSET_K; goto cond;
	case BPF_JMP|BPF_JGT|BPF_X:	out->op = OP_JGT_X; goto cond;
	case BPF_JMP|BPF_JGE|BPF_X:	out->op = OP_JGE_X; goto cond;
	case BPF_JMP|BPF_JEQ|BPF_X:	out->op = OP_JEQ_X; goto cond;
	case BPF_JMP|BPF_JSET|BPF_X:	out->op = OP_JSET_X; goto cond;
	cond:
		if (folds_to_ret(insns, i)) {
			/* The _R forms are listed in the plain ones' order. */
			out->op = (uint16_t)(out->op - OP_JGT_K + OP_JGT_K_R);
			out->a = insns[next + in->jt].k;
			out->b = insns[next + in->jf].k;
		} else {
			out->a = next + in->jt;
			out->b = next + in->jf;
		}
		break;
	case BPF_ALU|BPF_ADD|BPF_X:	out->op = OP_ADD_X; break;
	case BPF_ALU|BPF_SUB|BPF_X:	out->op = OP_SUB_X; break;
	case BPF_ALU|BPF_MUL|BPF_X:	out->op = OP_MUL_X; break;
	case BPF_ALU|BPF_DIV|BPF_X:	out->op = OP_DIV_X; break;
	case BPF_ALU|BPF_MOD|BPF_X:	out->op = OP_MOD_X; break;
	case BPF_ALU|BPF_AND|BPF_X:	out->op = OP_AND_X; break;
	case BPF_ALU|BPF_OR|BPF_X:	out->op = OP_OR_X; break;
	case BPF_ALU|BPF_XOR|BPF_X:	out->op = OP_XOR_X; break;
	case BPF_ALU|BPF_LSH|BPF_X:	out->op = OP_LSH_X; break;
	case BPF_ALU|BPF_RSH|BPF_X:	out->op = OP_RSH_X; break;
	case BPF_ALU|BPF_ADD|BPF_K:	out->op = OP_ADD_K; break;
	case BPF_ALU|BPF_SUB|BPF_K:	out->op = OP_SUB_K; break;
	case BPF_ALU|BPF_MUL|BPF_K:	out->op = OP_MUL_K; break;
	case BPF_ALU|BPF_DIV|BPF_K:	out->op = OP_DIV_K; break;
	case BPF_ALU|BPF_MOD|BPF_K:	out->op = OP_MOD_K; break;
	case BPF_ALU|BPF_AND|BPF_K:	out->op = OP_AND_K; break;
	case BPF_ALU|BPF_OR|BPF_K:	out->op = OP_OR_K; break;
	case BPF_ALU|BPF_XOR|BPF_K:	out->op = OP_XOR_K; break;
	case BPF_ALU|BPF_LSH|BPF_K:
		out->op = OP_LSH_K;
		out->k = in->k & 31;
		break;
	case BPF_ALU|BPF_RSH|BPF_K:
		out->op = OP_RSH_K;
		out->k = in->k & 31;
		break;
	case BPF_ALU|BPF_NEG:		out->op = OP_NEG; break;
	case BPF_MISC|BPF_TAX:		out->op = OP_TAX; break;
	default:			/* BPF_MISC|BPF_TXA; validated */
		out->op = OP_TXA;
		break;
	}
}

struct vm_prog *
vm_prog_new(const struct bpf_insn *insns, u_int len)
{
	struct vm_prog *prog;
	size_t bytes;
	u_int i;

	if (len > (u_int)INT32_MAX || !bpf_validate(insns, (int)len)) {
		errno = EINVAL;
		return NULL;
	}
	if (__builtin_mul_overflow((size_t)len, sizeof prog->ins[0], &bytes) ||
	    __builtin_add_overflow(bytes, sizeof *prog, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	prog = malloc(bytes);
	if (prog == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	prog->len = len;
	prog->reads_memory = 0;
	for (i = 0; i < len; i++) {
		translate(&prog->ins[i], insns, i);
		if (insns[i].code == (BPF_LD|BPF_MEM) ||
		    insns[i].code == (BPF_LDX|BPF_MEM))
			prog->reads_memory = 1;
	}
	return prog;
}

void
vm_prog_free(struct vm_prog *prog)
{
	free(prog);
}

static VM_INTERPRETER u_int
run(const struct vm_prog *prog, const u_char *p, u_int wirelen, u_int buflen,
    const struct vm_aux_data *aux)
{
	static const void *const label[OP_COUNT] = {
#define VM_LABEL(name) &&L_##name,
		VM_OPS(VM_LABEL)
#undef VM_LABEL
	};
	const struct vm_ins *const base = prog->ins;
	const struct vm_ins *ins = base;
	uint32_t A = 0, X = 0;
	uint32_t mem[BPF_MEMWORDS];
	u_int backward = 0;

	/* Only a program that reads M[] can tell whether it was zeroed. */
	if (prog->reads_memory)
		memset(mem, 0, sizeof mem);

#define DISPATCH() goto *label[ins->op]
#define NEXT() do { ins++; DISPATCH(); } while (0)
#define GO(target) do { ins = base + (target); DISPATCH(); } while (0)
	/* Two dispatch sites, one per outcome: each stays predictable. */
#define BRANCH(cond) do { \
		if (cond) \
			GO(ins->a); \
		GO(ins->b); \
	} while (0)
	/* A fused load + jump: the jump's operands are in the next slot. */
#define FUSED(load, cmp) do { \
		if (ins->a > buflen) \
			return 0; \
		A = load(p + ins->k); \
		ins++; \
		BRANCH(cmp); \
	} while (0)
#define LD8(q) (*(q))
	/* The same with the jump folded into its two return values. */
#define FUSED_R(load, cmp) do { \
		if (ins->a > buflen) \
			return 0; \
		A = load(p + ins->k); \
		ins++; \
		return vm_select((cmp) != 0, ins->a, ins->b); \
	} while (0)
#define RET_IF(cond) return vm_select((cond) != 0, ins->a, ins->b)
	/* Indexed loads, fused: X + k + size is computed in 64 bits. */
#define FUSED_X(size, load, cmp) do { \
		if ((uint64_t)X + ins->k + (size) > buflen) \
			return 0; \
		A = load(p + X + ins->k); \
		ins++; \
		BRANCH(cmp); \
	} while (0)
#define FUSED_X_R(size, load, cmp) do { \
		if ((uint64_t)X + ins->k + (size) > buflen) \
			return 0; \
		A = load(p + X + ins->k); \
		ins++; \
		return vm_select((cmp) != 0, ins->a, ins->b); \
	} while (0)

	DISPATCH();

L_RET_K:
	return ins->k;
L_RET_A:
	return A;
L_LD_W_ABS:
	if (ins->a > buflen)
		return 0;
	A = vm_ld32(p + ins->k);
	NEXT();
L_LD_H_ABS:
	if (ins->a > buflen)
		return 0;
	A = vm_ld16(p + ins->k);
	NEXT();
L_LD_B_ABS:
	if (ins->a > buflen)
		return 0;
	A = p[ins->k];
	NEXT();
L_LD_AUX:
	/*
	 * k >= SKF_AD_OFF, as filter.c reads it: a byte load asks aux
	 * first, a wider one only when the packet does not reach k (which
	 * no real packet does); a byte load of a VLAN offset without aux
	 * data rejects.  ins->a is the load's size.
	 */
	if (ins->a != 1 && (uint64_t)ins->k + ins->a <= buflen) {
		A = ins->a == 4 ? vm_ld32(p + ins->k) : vm_ld16(p + ins->k);
		NEXT();
	}
	if (vm_aux_load(aux, ins->k, &A))
		NEXT();
	if ((ins->a == 1 && vm_aux_vlan(ins->k)) ||
	    (uint64_t)ins->k + ins->a > buflen)
		return 0;
	A = p[ins->k];
	NEXT();
L_LD_W_LEN:
	A = wirelen;
	NEXT();
L_LDX_W_LEN:
	X = wirelen;
	NEXT();
L_LD_W_IND:
	if ((uint64_t)X + ins->k + 4 > buflen)
		return 0;
	A = vm_ld32(p + X + ins->k);
	NEXT();
L_LD_H_IND:
	if ((uint64_t)X + ins->k + 2 > buflen)
		return 0;
	A = vm_ld16(p + X + ins->k);
	NEXT();
L_LD_B_IND:
	if ((uint64_t)X + ins->k + 1 > buflen)
		return 0;
	A = p[X + ins->k];
	NEXT();
L_LDX_MSH:
	if (ins->k >= buflen)
		return 0;
	X = (uint32_t)(p[ins->k] & 0xf) << 2;
	NEXT();
L_LD_IMM:
	A = ins->k;
	NEXT();
L_LDX_IMM:
	X = ins->k;
	NEXT();
	/* Scratch indexes were validated below BPF_MEMWORDS. */
L_LD_MEM:
	A = mem[ins->k];
	NEXT();
L_LDX_MEM:
	X = mem[ins->k];
	NEXT();
L_ST:
	mem[ins->k] = A;
	NEXT();
L_STX:
	mem[ins->k] = X;
	NEXT();
L_JA:
	GO(ins->a);
L_JA_BACK:
	if (++backward > VM_MAX_BACKWARD_JUMPS)
		return 0;
	GO(ins->a);
L_JGT_K:
	BRANCH(A > ins->k);
L_JGE_K:
	BRANCH(A >= ins->k);
L_JEQ_K:
	BRANCH(A == ins->k);
L_JSET_K:
	BRANCH(A & ins->k);
L_JGT_X:
	BRANCH(A > X);
L_JGE_X:
	BRANCH(A >= X);
L_JEQ_X:
	BRANCH(A == X);
L_JSET_X:
	BRANCH(A & X);
L_ADD_X:
	A += X;
	NEXT();
L_SUB_X:
	A -= X;
	NEXT();
L_MUL_X:
	A *= X;
	NEXT();
L_DIV_X:
	if (X == 0)
		return 0;
	A /= X;
	NEXT();
L_MOD_X:
	if (X == 0)
		return 0;
	A %= X;
	NEXT();
L_AND_X:
	A &= X;
	NEXT();
L_OR_X:
	A |= X;
	NEXT();
L_XOR_X:
	A ^= X;
	NEXT();
L_LSH_X:
	A = X < 32 ? A << X : 0;
	NEXT();
L_RSH_X:
	A = X < 32 ? A >> X : 0;
	NEXT();
L_ADD_K:
	A += ins->k;
	NEXT();
L_SUB_K:
	A -= ins->k;
	NEXT();
L_MUL_K:
	A *= ins->k;
	NEXT();
	/* Constant divisors were validated nonzero. */
L_DIV_K:
	A /= ins->k;
	NEXT();
L_MOD_K:
	A %= ins->k;
	NEXT();
L_AND_K:
	A &= ins->k;
	NEXT();
L_OR_K:
	A |= ins->k;
	NEXT();
L_XOR_K:
	A ^= ins->k;
	NEXT();
L_LSH_K:
	A <<= ins->k;
	NEXT();
L_RSH_K:
	A >>= ins->k;
	NEXT();
L_NEG:
	A = 0u - A;
	NEXT();
L_TAX:
	X = A;
	NEXT();
L_TXA:
	A = X;
	NEXT();

L_W_JGT:
	FUSED(vm_ld32, A > ins->k);
L_W_JGE:
	FUSED(vm_ld32, A >= ins->k);
L_W_JEQ:
	FUSED(vm_ld32, A == ins->k);
L_W_JSET:
	FUSED(vm_ld32, A & ins->k);
L_H_JGT:
	FUSED(vm_ld16, A > ins->k);
L_H_JGE:
	FUSED(vm_ld16, A >= ins->k);
L_H_JEQ:
	FUSED(vm_ld16, A == ins->k);
L_H_JSET:
	FUSED(vm_ld16, A & ins->k);
L_B_JGT:
	FUSED(LD8, A > ins->k);
L_B_JGE:
	FUSED(LD8, A >= ins->k);
L_B_JEQ:
	FUSED(LD8, A == ins->k);
L_B_JSET:
	FUSED(LD8, A & ins->k);

L_JGT_K_R:
	RET_IF(A > ins->k);
L_JGE_K_R:
	RET_IF(A >= ins->k);
L_JEQ_K_R:
	RET_IF(A == ins->k);
L_JSET_K_R:
	RET_IF(A & ins->k);
L_JGT_X_R:
	RET_IF(A > X);
L_JGE_X_R:
	RET_IF(A >= X);
L_JEQ_X_R:
	RET_IF(A == X);
L_JSET_X_R:
	RET_IF(A & X);
L_W_JGT_R:
	FUSED_R(vm_ld32, A > ins->k);
L_W_JGE_R:
	FUSED_R(vm_ld32, A >= ins->k);
L_W_JEQ_R:
	FUSED_R(vm_ld32, A == ins->k);
L_W_JSET_R:
	FUSED_R(vm_ld32, A & ins->k);
L_H_JGT_R:
	FUSED_R(vm_ld16, A > ins->k);
L_H_JGE_R:
	FUSED_R(vm_ld16, A >= ins->k);
L_H_JEQ_R:
	FUSED_R(vm_ld16, A == ins->k);
L_H_JSET_R:
	FUSED_R(vm_ld16, A & ins->k);
L_B_JGT_R:
	FUSED_R(LD8, A > ins->k);
L_B_JGE_R:
	FUSED_R(LD8, A >= ins->k);
L_B_JEQ_R:
	FUSED_R(LD8, A == ins->k);
L_B_JSET_R:
	FUSED_R(LD8, A & ins->k);

L_XW_JGT:
	FUSED_X(4, vm_ld32, A > ins->k);
L_XW_JGE:
	FUSED_X(4, vm_ld32, A >= ins->k);
L_XW_JEQ:
	FUSED_X(4, vm_ld32, A == ins->k);
L_XW_JSET:
	FUSED_X(4, vm_ld32, A & ins->k);
L_XH_JGT:
	FUSED_X(2, vm_ld16, A > ins->k);
L_XH_JGE:
	FUSED_X(2, vm_ld16, A >= ins->k);
L_XH_JEQ:
	FUSED_X(2, vm_ld16, A == ins->k);
L_XH_JSET:
	FUSED_X(2, vm_ld16, A & ins->k);
L_XB_JGT:
	FUSED_X(1, LD8, A > ins->k);
L_XB_JGE:
	FUSED_X(1, LD8, A >= ins->k);
L_XB_JEQ:
	FUSED_X(1, LD8, A == ins->k);
L_XB_JSET:
	FUSED_X(1, LD8, A & ins->k);
L_XW_JGT_R:
	FUSED_X_R(4, vm_ld32, A > ins->k);
L_XW_JGE_R:
	FUSED_X_R(4, vm_ld32, A >= ins->k);
L_XW_JEQ_R:
	FUSED_X_R(4, vm_ld32, A == ins->k);
L_XW_JSET_R:
	FUSED_X_R(4, vm_ld32, A & ins->k);
L_XH_JGT_R:
	FUSED_X_R(2, vm_ld16, A > ins->k);
L_XH_JGE_R:
	FUSED_X_R(2, vm_ld16, A >= ins->k);
L_XH_JEQ_R:
	FUSED_X_R(2, vm_ld16, A == ins->k);
L_XH_JSET_R:
	FUSED_X_R(2, vm_ld16, A & ins->k);
L_XB_JGT_R:
	FUSED_X_R(1, LD8, A > ins->k);
L_XB_JGE_R:
	FUSED_X_R(1, LD8, A >= ins->k);
L_XB_JEQ_R:
	FUSED_X_R(1, LD8, A == ins->k);
L_XB_JSET_R:
	FUSED_X_R(1, LD8, A & ins->k);

#undef DISPATCH
#undef NEXT
#undef GO
#undef BRANCH
#undef FUSED
#undef FUSED_R
#undef FUSED_X
#undef FUSED_X_R
#undef RET_IF
#undef LD8
}

u_int
vm_prog_run(const struct vm_prog *prog, const u_char *p, u_int wirelen,
	    u_int buflen)
{
	return run(prog, p, wirelen, buflen, NULL);
}

u_int
vm_prog_run_aux(const struct vm_prog *prog, const u_char *p, u_int wirelen,
		u_int buflen, const struct vm_aux_data *aux)
{
	return run(prog, p, wirelen, buflen, aux);
}
