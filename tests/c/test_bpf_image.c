/*
 * test_bpf_image.c - bpf_image's text for every operand form, and the three
 * bpf_dump formats (captured from stdout).  The texts are libpcap's; where
 * 1.10 and master differ (ldx #pktlen, no trailing blanks) master's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include "check.h"
#include "../../src/_libpcap/bpf/vm.h"

#define IMG(code, jt, jf, k, n) \
	bpf_image(&(struct bpf_insn){ (u_short)(code), jt, jf, k }, n)

static void
test_loads(void)
{
	CHECK_STR(IMG(0x28, 0, 0, 12, 0), "(000) ldh      [12]");
	CHECK_STR(IMG(0x20, 0, 0, 26, 7), "(007) ld       [26]");
	CHECK_STR(IMG(0x30, 0, 0, 23, 42), "(042) ldb      [23]");
	CHECK_STR(IMG(0x30, 0, 0, 0xffffffffu, 1), "(001) ldb      [-1]");
	CHECK_STR(IMG(0x48, 0, 0, 14, 3), "(003) ldh      [x + 14]");
	CHECK_STR(IMG(0x40, 0, 0, 0xfffffffeu, 3), "(003) ld       [x + -2]");
	CHECK_STR(IMG(0x50, 0, 0, 0, 3), "(003) ldb      [x + 0]");
	CHECK_STR(IMG(0xb1, 0, 0, 14, 13), "(013) ldxb     4*([14]&0xf)");
	CHECK_STR(IMG(0x00, 0, 0, 0x800, 5), "(005) ld       #0x800");
	CHECK_STR(IMG(0x01, 0, 0, 0, 5), "(005) ldx      #0x0");
	CHECK_STR(IMG(0x80, 0, 0, 0, 5), "(005) ld       #pktlen");
	CHECK_STR(IMG(0x81, 0, 0, 0, 5), "(005) ldx      #pktlen");
	CHECK_STR(IMG(0x60, 0, 0, 3, 5), "(005) ld       M[3]");
	CHECK_STR(IMG(0x61, 0, 0, 15, 5), "(005) ldx      M[15]");
	CHECK_STR(IMG(0x02, 0, 0, 0, 5), "(005) st       M[0]");
	CHECK_STR(IMG(0x03, 0, 0, 1, 5), "(005) stx      M[1]");
}

static void
test_linux_offsets(void)
{
	static const char *const names[] = {
		"proto", "type", "ifidx", "nla", "nlan", "mark", "queue", "hatype",
		"rxhash", "cpu", "xor_x", "vlan_tci", "vlanp", "poff", "random",
		"vlan_tpid",
	};
	char want[64];
	int i;

	for (i = 0; i < 16; i++) {
		snprintf(want, sizeof want, "(000) ldb      [%s]", names[i]);
		CHECK_STR(IMG(0x30, 0, 0, 0xfffff000u + 4u * (u_int)i, 0), want);
	}
	CHECK_STR(IMG(0x28, 0, 0, 0xfffff030u, 9), "(009) ldh      [vlanp]");
	CHECK_STR(IMG(0x20, 0, 0, 0xfffff008u, 9), "(009) ld       [ifidx]");
	/* Only multiples of four up to vlan_tpid have names. */
	CHECK_STR(IMG(0x30, 0, 0, 0xfffff001u, 0), "(000) ldb      [-4095]");
	CHECK_STR(IMG(0x30, 0, 0, 0xfffff040u, 0), "(000) ldb      [-4032]");
	/* Indexed and msh loads never use them. */
	CHECK_STR(IMG(0x50, 0, 0, 0xfffff030u, 0), "(000) ldb      [x + -4048]");
	CHECK_STR(IMG(0xb1, 0, 0, 0xfffff030u, 0), "(000) ldxb     4*([-4048]&0xf)");
}

static void
test_alu_and_misc(void)
{
	CHECK_STR(IMG(0x04, 0, 0, 0xffffffffu, 1), "(001) add      #-1");
	CHECK_STR(IMG(0x14, 0, 0, 5, 1), "(001) sub      #5");
	CHECK_STR(IMG(0x24, 0, 0, 5, 1), "(001) mul      #5");
	CHECK_STR(IMG(0x34, 0, 0, 5, 1), "(001) div      #5");
	CHECK_STR(IMG(0x94, 0, 0, 5, 1), "(001) mod      #5");
	CHECK_STR(IMG(0x54, 0, 0, 0x1fff, 1), "(001) and      #0x1fff");
	CHECK_STR(IMG(0x44, 0, 0, 0x20, 1), "(001) or       #0x20");
	CHECK_STR(IMG(0xa4, 0, 0, 0xffffffffu, 1), "(001) xor      #0xffffffff");
	CHECK_STR(IMG(0x64, 0, 0, 2, 1), "(001) lsh      #2");
	CHECK_STR(IMG(0x74, 0, 0, 0x80000000u, 1), "(001) rsh      #-2147483648");
	CHECK_STR(IMG(0x0c, 0, 0, 0, 1), "(001) add      x");
	CHECK_STR(IMG(0x1c, 0, 0, 0, 1), "(001) sub      x");
	CHECK_STR(IMG(0x2c, 0, 0, 0, 1), "(001) mul      x");
	CHECK_STR(IMG(0x3c, 0, 0, 0, 1), "(001) div      x");
	CHECK_STR(IMG(0x9c, 0, 0, 0, 1), "(001) mod      x");
	CHECK_STR(IMG(0x5c, 0, 0, 0, 1), "(001) and      x");
	CHECK_STR(IMG(0x4c, 0, 0, 0, 1), "(001) or       x");
	CHECK_STR(IMG(0xac, 0, 0, 0, 1), "(001) xor      x");
	CHECK_STR(IMG(0x6c, 0, 0, 0, 1), "(001) lsh      x");
	CHECK_STR(IMG(0x7c, 0, 0, 0, 1), "(001) rsh      x");
	/* No operand, no trailing blanks (libpcap master's text). */
	CHECK_STR(IMG(0x84, 0, 0, 0, 1), "(001) neg");
	CHECK_STR(IMG(0x07, 0, 0, 0, 1), "(001) tax");
	CHECK_STR(IMG(0x87, 0, 0, 0, 1), "(001) txa");
	CHECK_STR(IMG(0x16, 0, 0, 0, 1), "(001) ret");
	CHECK_STR(IMG(0x06, 0, 0, 262144, 1), "(001) ret      #262144");
	CHECK_STR(IMG(0x06, 0, 0, 0xffffffffu, 1), "(001) ret      #-1");
}

static void
test_jumps(void)
{
	CHECK_STR(IMG(0x15, 0, 6, 0x86dd, 1), "(001) jeq      #0x86dd          jt 2\tjf 8");
	CHECK_STR(IMG(0x25, 255, 255, 0x80000000u, 1000),
		  "(1000) jgt      #0x80000000      jt 1256\tjf 1256");
	CHECK_STR(IMG(0x35, 1, 2, 0, 0), "(000) jge      #0x0             jt 2\tjf 3");
	CHECK_STR(IMG(0x45, 0, 0, 0x1fff, 12), "(012) jset     #0x1fff          jt 13\tjf 13");
	CHECK_STR(IMG(0x1d, 0, 1, 0, 3), "(003) jeq      x                jt 4\tjf 5");
	CHECK_STR(IMG(0x2d, 0, 1, 0, 3), "(003) jgt      x                jt 4\tjf 5");
	CHECK_STR(IMG(0x3d, 0, 1, 0, 3), "(003) jge      x                jt 4\tjf 5");
	CHECK_STR(IMG(0x4d, 0, 1, 0, 3), "(003) jset     x                jt 4\tjf 5");
	/* ja prints its absolute target, wrapping like libpcap. */
	CHECK_STR(IMG(0x05, 0, 0, 15, 5), "(005) ja       21");
	CHECK_STR(IMG(0x05, 0, 0, 0xfffffffcu, 19), "(019) ja       16");
	CHECK_STR(IMG(0x05, 0, 0, 0x80000000u, 0), "(000) ja       -2147483647");
	/* Index and targets print as signed ints. */
	CHECK_STR(IMG(0x15, 0, 0, 1, -1), "(-01) jeq      #0x1             jt 0\tjf 0");
	CHECK_STR(IMG(0x15, 0, 0, 1, 2147483647),
		  "(2147483647) jeq      #0x1             jt -2147483648\tjf -2147483648");
}

static void
test_undefined(void)
{
	CHECK_STR(IMG(0x08, 0, 0, 1, 0), "(000) unimp    0x8");
	CHECK_STR(IMG(0xffff, 0, 0, 1, 0), "(000) unimp    0xffff");
	CHECK_STR(IMG(0x0e, 0, 0, 1, 0), "(000) unimp    0xe");
	/* The layout follows the class bits: a jump-class code has targets. */
	CHECK_STR(IMG(0x55, 1, 2, 3, 0), "(000) unimp    0x55             jt 2\tjf 3");
	CHECK_STR(IMG(0x0d, 1, 2, 3, 0), "(000) unimp    0xd");
	CHECK_STR(IMG(0x105, 1, 2, 3, 0), "(000) unimp    0x105");
}

/* Run bpf_dump with stdout sent to a temporary file; return the text. */
static char *
dump_text(const struct bpf_program *prog, int option)
{
	char path[] = "/tmp/test_bpf_dumpXXXXXX";
	int fd = mkstemp(path), saved;
	static char buf[8192];
	ssize_t n;

	if (fd < 0)
		return NULL;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	bpf_dump(prog, option);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	n = pread(fd, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return buf;
}

static void
test_dump(void)
{
	struct bpf_insn insns[] = {
		BPF_STMT(BPF_LD|BPF_H|BPF_ABS, 12),
		BPF_JUMP(BPF_JMP|BPF_JEQ|BPF_K, 0x800, 0, 1),
		BPF_STMT(BPF_RET|BPF_K, 262144),
		BPF_STMT(BPF_RET|BPF_A, 0),
	};
	struct bpf_program prog = { 4, insns };
	const char *d =
		"(000) ldh      [12]\n"
		"(001) jeq      #0x800           jt 2\tjf 3\n"
		"(002) ret      #262144\n"
		"(003) ret\n";

	/* tcpdump -d is option 1; 0 prints the same. */
	CHECK_STR(dump_text(&prog, 1), d);
	CHECK_STR(dump_text(&prog, 0), d);
	CHECK_STR(dump_text(&prog, -5), d);
	/* tcpdump -dd */
	CHECK_STR(dump_text(&prog, 2),
		  "{ 0x28, 0, 0, 0x0000000c },\n"
		  "{ 0x15, 0, 1, 0x00000800 },\n"
		  "{ 0x6, 0, 0, 0x00040000 },\n"
		  "{ 0x16, 0, 0, 0x00000000 },\n");
	/* tcpdump -ddd, and anything above */
	CHECK_STR(dump_text(&prog, 3), "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n22 0 0 0\n");
	CHECK_STR(dump_text(&prog, 9), "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n22 0 0 0\n");
	/* Empty and NULL programs print nothing (or just the count). */
	prog.bf_len = 0;
	CHECK_STR(dump_text(&prog, 1), "");
	CHECK_STR(dump_text(&prog, 3), "0\n");
	prog.bf_insns = NULL;
	prog.bf_len = 3;
	CHECK_STR(dump_text(&prog, 1), "");
	CHECK_STR(dump_text(NULL, 1), "");
}

/* vm_dump: the same text into any stream. */
static void
test_vm_dump(void)
{
	struct bpf_insn insns[] = {
		BPF_STMT(BPF_LDX|BPF_W|BPF_LEN, 0),
		BPF_STMT(BPF_MISC|BPF_TXA, 0),
		BPF_STMT(BPF_RET|BPF_A, 0),
	};
	char *text = NULL;
	size_t size = 0;
	FILE *f;
	int option;
	static const char *const want[] = {
		"(000) ldx      #pktlen\n(001) txa\n(002) ret\n",
		"(000) ldx      #pktlen\n(001) txa\n(002) ret\n",
		"{ 0x81, 0, 0, 0x00000000 },\n{ 0x87, 0, 0, 0x00000000 },\n"
		"{ 0x16, 0, 0, 0x00000000 },\n",
		"3\n129 0 0 0\n135 0 0 0\n22 0 0 0\n",
	};

	for (option = 0; option <= 3; option++) {
		f = open_memstream(&text, &size);
		CHECK(f != NULL);
		if (f == NULL)
			return;
		vm_dump(f, insns, 3, option);
		fclose(f);
		CHECK_STR(text, want[option]);
		free(text);
		text = NULL;
	}
}

int
main(void)
{
	test_loads();
	test_linux_offsets();
	test_alu_and_misc();
	test_jumps();
	test_undefined();
	test_dump();
	test_vm_dump();
	return check_status("test_bpf_image");
}
