/*
 * test_bpf_text.c - the BPF engine's program text and explanations:
 * vm_check's reasons (the same verdict as bpf_validate, naming the
 * instruction), vm_text_read on tcpdump -ddd / -dd listings (round trips
 * through vm_dump, every error naming its line), and the Linux ancillary
 * loads of every size the interpreters take from auxiliary data.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>
#include "check.h"
#include "../../src/_libpcap/bpf/vm.h"

#define S(code, k) ((struct bpf_insn)BPF_STMT(code, k))
#define J(code, k, jt, jf) ((struct bpf_insn)BPF_JUMP(code, k, jt, jf))
#define RET S(BPF_RET|BPF_K, 1)
#define LEN(a) ((u_int)(sizeof(a) / sizeof((a)[0])))

static char why[256];

/* vm_check's reason for insns, "" if valid; also checks the verdict is
   bpf_validate's. */
static const char *
reason(const struct bpf_insn *insns, u_int n)
{
	int ok = vm_check(insns, n, why, sizeof why);

	CHECK_INT(ok, bpf_validate(insns, (int)n));
	CHECK_INT(ok, why[0] == '\0');
	return why;
}

static void
test_check_reasons(void)
{
	struct bpf_insn good[] = { S(BPF_LD|BPF_H|BPF_ABS, 12),
				   J(BPF_JMP|BPF_JEQ|BPF_K, 0x800, 0, 1), RET, RET };
	struct bpf_insn noret[] = { RET, S(BPF_LD|BPF_IMM, 0) };
	struct bpf_insn undef[] = { RET, S(0x08, 1), RET };
	struct bpf_insn mem[] = { S(BPF_ST, 16), RET };
	struct bpf_insn ldmem[] = { RET, S(BPF_LDX|BPF_MEM, 0xffffffffu), RET };
	struct bpf_insn div0[] = { S(BPF_ALU|BPF_DIV|BPF_K, 0), RET };
	struct bpf_insn mod0[] = { S(BPF_ALU|BPF_MOD|BPF_K, 0), RET };
	struct bpf_insn far[] = { RET, J(BPF_JMP|BPF_JEQ|BPF_K, 0, 200, 0), RET };
	struct bpf_insn ja_out[] = { S(BPF_JMP|BPF_JA, 1), RET };
	struct bpf_insn ja_self[] = { RET, S(BPF_JMP|BPF_JA, 0xffffffffu), RET };
	struct bpf_insn ja_back[] = { S(BPF_LD|BPF_IMM, 0), S(BPF_JMP|BPF_JA, 0xfffffffeu),
				      RET };

	CHECK_STR(reason(good, LEN(good)), "");
	CHECK_STR(reason(good, 0), "the program is empty");
	CHECK_STR(reason(noret, LEN(noret)),
		  "instruction 1: the last instruction is not a return");
	CHECK_STR(reason(undef, LEN(undef)), "instruction 1: undefined opcode 0x8");
	CHECK_STR(reason(mem, LEN(mem)),
		  "instruction 0: scratch memory index 16 is out of range (0..15)");
	CHECK_STR(reason(ldmem, LEN(ldmem)),
		  "instruction 1: scratch memory index 4294967295 is out of range (0..15)");
	CHECK_STR(reason(div0, LEN(div0)), "instruction 0: division by the constant 0");
	CHECK_STR(reason(mod0, LEN(mod0)), "instruction 0: modulo by the constant 0");
	CHECK_STR(reason(far, LEN(far)),
		  "instruction 1: jump target 202 is outside the program (3 instructions)");
	CHECK_STR(reason(ja_out, LEN(ja_out)),
		  "instruction 0: jump target 2 is outside the program (2 instructions)");
	CHECK_STR(reason(ja_self, LEN(ja_self)), "instruction 1: the jump lands on itself");
	CHECK_STR(reason(ja_back, LEN(ja_back)), "");
	/* No buffer: the verdict alone. */
	CHECK_INT(vm_check(div0, LEN(div0), NULL, 0), 0);
	CHECK_INT(vm_check(good, LEN(good), NULL, 0), 1);
	CHECK_INT(vm_check(NULL, 1, why, sizeof why), 0);
}

/* vm_text_read of a C string; status, and insns/n on success. */
static enum vm_text_status
read_text(const char *text, enum vm_text_format fmt, struct bpf_insn **insns, size_t *n)
{
	return vm_text_read(text, strlen(text), fmt, 1000, insns, n, why, sizeof why);
}

static void
test_text_round_trip(void)
{
	struct bpf_insn prog[] = { S(BPF_LD|BPF_H|BPF_ABS, 12),
				   J(BPF_JMP|BPF_JEQ|BPF_K, 0x86dd, 0, 1),
				   S(BPF_RET|BPF_K, 262144), S(BPF_RET|BPF_K, 0),
				   S(BPF_LD|BPF_W|BPF_ABS, 0xfffff02cu) };
	int option;

	for (option = 2; option <= 3; option++) {
		char *buf = NULL;
		size_t size = 0, n = 0;
		struct bpf_insn *got = NULL;
		FILE *f = open_memstream(&buf, &size);

		CHECK(f != NULL);
		if (f == NULL)
			return;
		vm_dump(f, prog, (int)LEN(prog), option);
		fclose(f);
		CHECK_INT(read_text(buf, option == 2 ? VM_TEXT_DD : VM_TEXT_DDD, &got, &n),
			  VM_TEXT_OK);
		CHECK_INT(n, LEN(prog));
		CHECK(got != NULL && memcmp(got, prog, sizeof prog) == 0);
		free(got);
		free(buf);
	}
}

static void
test_text_errors(void)
{
	static const struct {
		const char *text;
		enum vm_text_format fmt;
		const char *msg;
	} cases[] = {
		{ "", VM_TEXT_DDD, "expected the instruction count (tcpdump -ddd format), got no text" },
		{ "x\n", VM_TEXT_DDD, "line 1: expected the instruction count (tcpdump -ddd format)" },
		{ "2\n6 0 0 1\n", VM_TEXT_DDD, "line 1: the count says 2 instructions, but 1 follows" },
		{ "1\n6 0 0 1\n\n6 0 0 2\n", VM_TEXT_DDD,
		  "line 4: more instructions than the count of 1 on line 1" },
		{ "1\n6 0 0 0x1\n", VM_TEXT_DDD,
		  "line 2: expected four decimal numbers \"code jt jf k\" (tcpdump -ddd format)" },
		{ "1\n6 0 0 4294967296\n", VM_TEXT_DDD, "line 2: k is out of range (0..4294967295)" },
		{ "1\n6 256 0 1\n", VM_TEXT_DDD, "line 2: jt is out of range (0..255)" },
		{ "1\n6 0 0 1\0\n", VM_TEXT_DDD, "" },	/* strlen stops at the NUL: valid */
		{ "{ 010, 0, 0, 1 },", VM_TEXT_DD,
		  "line 1: expected \"{ code, jt, jf, k },\" (tcpdump -dd format)" },
		{ "\n{ 0x10000, 0, 0, 1 },", VM_TEXT_DD, "line 2: code is out of range (0..65535)" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct bpf_insn *got = NULL;
		size_t n = 99;
		enum vm_text_status st = read_text(cases[i].text, cases[i].fmt, &got, &n);

		if (cases[i].msg[0] == '\0') {
			CHECK_INT(st, VM_TEXT_OK);
			free(got);
			continue;
		}
		CHECK_INT(st, VM_TEXT_SYNTAX);
		CHECK_STR(why, cases[i].msg);
		CHECK(got == NULL);
		CHECK_INT(n, 0);
	}
	/* A NUL inside the counted text is a syntax error. */
	{
		struct bpf_insn *got = NULL;
		size_t n;

		CHECK_INT(vm_text_read("1\n6 0 0 1\0\n", 11, VM_TEXT_DDD, 10, &got, &n, why,
				       sizeof why), VM_TEXT_SYNTAX);
		CHECK_STR(why, "line 2: expected four decimal numbers \"code jt jf k\" "
		          "(tcpdump -ddd format)");
	}
	/* Past the caller's maximum. */
	{
		struct bpf_insn *got = NULL;
		size_t n;
		const char *three = "{6,0,0,1}\n{6,0,0,1}\n{6,0,0,1}\n";

		CHECK_INT(vm_text_read(three, strlen(three), VM_TEXT_DD, 2, &got, &n, why,
				       sizeof why), VM_TEXT_TOO_LONG);
		CHECK(got == NULL);
		CHECK_INT(vm_text_read(three, strlen(three), VM_TEXT_DD, 3, &got, &n, why,
				       sizeof why), VM_TEXT_OK);
		CHECK_INT(n, 3);
		free(got);
	}
}

/* The five ancillary loads pcap_compile emits on a live Linux handle, in
   every size, through both interpreters, with and without aux data. */
static void
test_aux_loads(void)
{
	static const uint32_t offs[] = { VM_SKF_AD_PROTOCOL, VM_SKF_AD_PKTTYPE,
					 VM_SKF_AD_IFINDEX, VM_SKF_AD_VLAN_TAG,
					 VM_SKF_AD_VLAN_TAG_PRESENT, VM_SKF_AD_OFF + 12 };
	static const u_short sizes[] = { BPF_W, BPF_H, BPF_B };
	struct vm_aux_data aux = { .vlan_tag = 0x123, .vlan_tag_present = 1,
				   .pkttype = 4, .protocol = 0x86dd, .ifindex = 7 };
	const uint32_t want[] = { 0x86dd, 4, 7, 0x123, 1, 0 };
	u_char pkt[64] = { 0 };
	size_t i, j;

	for (i = 0; i < sizeof offs / sizeof offs[0]; i++) {
		for (j = 0; j < 3; j++) {
			struct bpf_insn prog[] = { S(BPF_LD|sizes[j]|BPF_ABS, offs[i]),
						   S(BPF_ALU|BPF_ADD|BPF_K, 1),
						   S(BPF_RET|BPF_A, 0) };
			struct vm_prog *vp = vm_prog_new(prog, 3);
			/* unknown offsets reject; the known ones give value + 1 */
			u_int expect = i == 5 ? 0 : want[i] + 1;

			CHECK(vp != NULL);
			if (vp == NULL)
				continue;
			CHECK_INT(vm_filter_aux(prog, pkt, 64, 64, &aux), expect);
			CHECK_INT(vm_prog_run_aux(vp, pkt, 64, 64, &aux), expect);
			CHECK_INT(vm_filter_aux(prog, pkt, 64, 64, NULL), 0);
			CHECK_INT(vm_prog_run_aux(vp, pkt, 64, 64, NULL), 0);
			CHECK_INT(bpf_filter(prog, pkt, 64, 64), 0);
			vm_prog_free(vp);
		}
	}
	/* A compiled "inbound" (ldh [type]; jeq #4) on the two directions. */
	{
		struct bpf_insn inbound[] = { S(BPF_LD|BPF_H|BPF_ABS, VM_SKF_AD_PKTTYPE),
					      J(BPF_JMP|BPF_JEQ|BPF_K, 4, 0, 1),
					      S(BPF_RET|BPF_K, 0), S(BPF_RET|BPF_K, 262144) };
		struct vm_prog *vp = vm_prog_new(inbound, 4);

		CHECK(vp != NULL);
		if (vp != NULL) {
			aux.pkttype = 0;	/* PACKET_HOST */
			CHECK_INT(vm_prog_run_aux(vp, pkt, 64, 64, &aux), 262144);
			CHECK_INT(vm_filter_aux(inbound, pkt, 64, 64, &aux), 262144);
			aux.pkttype = 4;	/* PACKET_OUTGOING */
			CHECK_INT(vm_prog_run_aux(vp, pkt, 64, 64, &aux), 0);
			CHECK_INT(vm_filter_aux(inbound, pkt, 64, 64, &aux), 0);
			vm_prog_free(vp);
		}
	}
}

int
main(void)
{
	test_check_reasons();
	test_text_round_trip();
	test_text_errors();
	test_aux_loads();
	return check_status("test_bpf_text");
}
