/*
 * image.c - bpf_image(): one instruction as the text of `tcpdump -d`.
 *
 * "(NNN) op       operand" with the index printed %03d, the mnemonic in
 * eight columns, and for conditional jumps the operand in sixteen columns
 * followed by "jt T<TAB>jf F" with absolute targets.  Operands follow
 * libpcap's formats: packet offsets, ALU constants other than and/or/xor,
 * and `ret` values in signed decimal; immediates, comparison constants and
 * and/or/xor masks in hex; Linux special offsets (SKF_AD_OFF + n) by name.
 * An undefined opcode prints as "unimp 0x<code>".
 *
 * Two details follow libpcap master where 1.10 differs (the conformance
 * goldens come from master; docs/bpf-differences.md lists them):
 * `ldx #pktlen` (0x81) is printed by name, not as unimp, and an instruction
 * without an operand (tax, txa, neg, `ret` of A) has no trailing blanks.
 *
 * The text lives in a per-thread buffer, valid until the thread's next
 * call (libpcap uses one static buffer for the whole process).
 */
#include <stdio.h>

#include "vm.h"

/* Names of the Linux special offsets, indexed by (k - SKF_AD_OFF) / 4. */
static const char *const skf_names[] = {
	"proto", "type", "ifidx", "nla", "nlan", "mark", "queue", "hatype",
	"rxhash", "cpu", "xor_x", "vlan_tci", "vlanp", "poff",
	"random", "vlan_tpid",
};

/* The operand of an absolute load: "[name]" or "[%d]". */
static void
abs_operand(char *buf, size_t size, uint32_t k)
{
	uint32_t off = k - VM_SKF_AD_OFF;

	if (k >= VM_SKF_AD_OFF && off % 4 == 0 &&
	    off / 4 < sizeof skf_names / sizeof skf_names[0])
		snprintf(buf, size, "[%s]", skf_names[off / 4]);
	else
		snprintf(buf, size, "[%d]", (int)k);
}

char *
bpf_image(const struct bpf_insn *p, int n)
{
	static _Thread_local char image[256];
	char operand[64];
	const char *op;
	int k;

	if (p == NULL) {	/* libpcap would crash */
		snprintf(image, sizeof image, "(%03d) (no instruction)", n);
		return image;
	}
	k = (int)p->k;		/* signed view for the %d operands */

	operand[0] = '\0';
	switch (p->code) {
	case BPF_RET|BPF_K:
		op = "ret";
		snprintf(operand, sizeof operand, "#%d", k);
		break;
	case BPF_RET|BPF_A:
		op = "ret";
		break;
	case BPF_LD|BPF_W|BPF_ABS:
		op = "ld";
		abs_operand(operand, sizeof operand, p->k);
		break;
	case BPF_LD|BPF_H|BPF_ABS:
		op = "ldh";
		abs_operand(operand, sizeof operand, p->k);
		break;
	case BPF_LD|BPF_B|BPF_ABS:
		op = "ldb";
		abs_operand(operand, sizeof operand, p->k);
		break;
	case BPF_LD|BPF_W|BPF_LEN:
		op = "ld";
		snprintf(operand, sizeof operand, "#pktlen");
		break;
	case BPF_LDX|BPF_W|BPF_LEN:
		op = "ldx";
		snprintf(operand, sizeof operand, "#pktlen");
		break;
	case BPF_LD|BPF_W|BPF_IND:
		op = "ld";
		snprintf(operand, sizeof operand, "[x + %d]", k);
		break;
	case BPF_LD|BPF_H|BPF_IND:
		op = "ldh";
		snprintf(operand, sizeof operand, "[x + %d]", k);
		break;
	case BPF_LD|BPF_B|BPF_IND:
		op = "ldb";
		snprintf(operand, sizeof operand, "[x + %d]", k);
		break;
	case BPF_LD|BPF_IMM:
		op = "ld";
		snprintf(operand, sizeof operand, "#0x%x", p->k);
		break;
	case BPF_LDX|BPF_IMM:
		op = "ldx";
		snprintf(operand, sizeof operand, "#0x%x", p->k);
		break;
	case BPF_LDX|BPF_MSH|BPF_B:
		op = "ldxb";
		snprintf(operand, sizeof operand, "4*([%d]&0xf)", k);
		break;
	case BPF_LD|BPF_MEM:
		op = "ld";
		snprintf(operand, sizeof operand, "M[%d]", k);
		break;
	case BPF_LDX|BPF_MEM:
		op = "ldx";
		snprintf(operand, sizeof operand, "M[%d]", k);
		break;
	case BPF_ST:
		op = "st";
		snprintf(operand, sizeof operand, "M[%d]", k);
		break;
	case BPF_STX:
		op = "stx";
		snprintf(operand, sizeof operand, "M[%d]", k);
		break;
	case BPF_JMP|BPF_JA:
		op = "ja";
		/* Absolute target, 32-bit wrap-around as libpcap prints it. */
		snprintf(operand, sizeof operand, "%d",
			 (int)((u_int)n + 1u + p->k));
		break;
	case BPF_JMP|BPF_JGT|BPF_K:
		op = "jgt";
		snprintf(operand, sizeof operand, "#0x%x", p->k);
		break;
	case BPF_JMP|BPF_JGE|BPF_K:
		op = "jge";
		snprintf(operand, sizeof operand, "#0x%x", p->k);
		break;
	case BPF_JMP|BPF_JEQ|BPF_K:
		op = "jeq";
		snprintf(operand, sizeof operand, "#0x%x", p->k);
		break;
	case BPF_JMP|BPF_JSET|BPF_K:
		op = "jset";
		snprintf(operand, sizeof operand, "#0x%x", p->k);
		break;
	case BPF_JMP|BPF_JGT|BPF_X:	op = "jgt"; goto x_operand;
	case BPF_JMP|BPF_JGE|BPF_X:	op = "jge"; goto x_operand;
	case BPF_JMP|BPF_JEQ|BPF_X:	op = "jeq"; goto x_operand;
	case BPF_JMP|BPF_JSET|BPF_X:	op = "jset"; goto x_operand;
	case BPF_ALU|BPF_ADD|BPF_X:	op = "add"; goto x_operand;
	case BPF_ALU|BPF_SUB|BPF_X:	op = "sub"; goto x_operand;
	case BPF_ALU|BPF_MUL|BPF_X:	op = "mul"; goto x_operand;
	case BPF_ALU|BPF_DIV|BPF_X:	op = "div"; goto x_operand;
	case BPF_ALU|BPF_MOD|BPF_X:	op = "mod"; goto x_operand;
	case BPF_ALU|BPF_AND|BPF_X:	op = "and"; goto x_operand;
	case BPF_ALU|BPF_OR|BPF_X:	op = "or"; goto x_operand;
	case BPF_ALU|BPF_XOR|BPF_X:	op = "xor"; goto x_operand;
	case BPF_ALU|BPF_LSH|BPF_X:	op = "lsh"; goto x_operand;
	case BPF_ALU|BPF_RSH|BPF_X:	op = "rsh"; goto x_operand;
	x_operand:
		snprintf(operand, sizeof operand, "x");
		break;
	case BPF_ALU|BPF_ADD|BPF_K:	op = "add"; goto dec_operand;
	case BPF_ALU|BPF_SUB|BPF_K:	op = "sub"; goto dec_operand;
	case BPF_ALU|BPF_MUL|BPF_K:	op = "mul"; goto dec_operand;
	case BPF_ALU|BPF_DIV|BPF_K:	op = "div"; goto dec_operand;
	case BPF_ALU|BPF_MOD|BPF_K:	op = "mod"; goto dec_operand;
	case BPF_ALU|BPF_LSH|BPF_K:	op = "lsh"; goto dec_operand;
	case BPF_ALU|BPF_RSH|BPF_K:	op = "rsh"; goto dec_operand;
	dec_operand:
		snprintf(operand, sizeof operand, "#%d", k);
		break;
	case BPF_ALU|BPF_AND|BPF_K:	op = "and"; goto hex_operand;
	case BPF_ALU|BPF_OR|BPF_K:	op = "or"; goto hex_operand;
	case BPF_ALU|BPF_XOR|BPF_K:	op = "xor"; goto hex_operand;
	hex_operand:
		snprintf(operand, sizeof operand, "#0x%x", p->k);
		break;
	case BPF_ALU|BPF_NEG:
		op = "neg";
		break;
	case BPF_MISC|BPF_TAX:
		op = "tax";
		break;
	case BPF_MISC|BPF_TXA:
		op = "txa";
		break;
	default:
		op = "unimp";
		snprintf(operand, sizeof operand, "0x%x", p->code);
		break;
	}

	/* The layout depends on the class bits alone, defined or not. */
	if (BPF_CLASS(p->code) == BPF_JMP && BPF_OP(p->code) != BPF_JA)
		snprintf(image, sizeof image, "(%03d) %-8s %-16s jt %d\tjf %d",
			 n, op, operand,
			 (int)((u_int)n + 1u + p->jt),
			 (int)((u_int)n + 1u + p->jf));
	else if (operand[0] != '\0')
		snprintf(image, sizeof image, "(%03d) %-8s %s", n, op, operand);
	else
		snprintf(image, sizeof image, "(%03d) %s", n, op);
	return image;
}
