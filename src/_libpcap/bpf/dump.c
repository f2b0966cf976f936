/*
 * dump.c - bpf_dump(): a whole program on stdout in one of tcpdump's
 * three listing formats, chosen by option exactly as libpcap does:
 *   option 0 or 1  (tcpdump -d)    one bpf_image() line per instruction;
 *   option 2       (tcpdump -dd)   a C initializer "{ 0x28, 0, 0, 0x0000000c },";
 *   option 3+      (tcpdump -ddd)  the count, then "code jt jf k" in decimal.
 */
#include <stdio.h>

#include "vm.h"

void
bpf_dump(const struct bpf_program *p, int option)
{
	const struct bpf_insn *insn;
	int i, n;

	if (p == NULL || (p->bf_insns == NULL && p->bf_len != 0))
		return;		/* libpcap would dereference NULL */
	insn = p->bf_insns;
	n = (int)p->bf_len;
	if (option > 2) {
		printf("%d\n", n);
		for (i = 0; i < n; i++)
			printf("%u %u %u %u\n", insn[i].code, insn[i].jt,
			       insn[i].jf, insn[i].k);
	} else if (option > 1) {
		for (i = 0; i < n; i++)
			printf("{ 0x%x, %d, %d, 0x%08x },\n", insn[i].code,
			       insn[i].jt, insn[i].jf, insn[i].k);
	} else {
		for (i = 0; i < n; i++)
			puts(bpf_image(&insn[i], i));
	}
}
