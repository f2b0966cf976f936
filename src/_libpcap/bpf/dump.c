/*
 * dump.c - bpf_dump(): a whole program on stdout in one of tcpdump's
 * three listing formats, chosen by option exactly as libpcap does:
 *   option 0 or 1  (tcpdump -d)    one bpf_image() line per instruction;
 *   option 2       (tcpdump -dd)   a C initializer "{ 0x28, 0, 0, 0x0000000c },";
 *   option 3+      (tcpdump -ddd)  the count, then "code jt jf k" in decimal.
 * vm_dump() writes the same text to any stream (the native API prints a
 * program into a string with it).
 */
#include <stdio.h>

#include "vm.h"

void
vm_dump(FILE *f, const struct bpf_insn *insns, int n, int option)
{
	int i;

	if (insns == NULL && n > 0)
		return;		/* libpcap would dereference NULL */
	if (option > 2) {
		fprintf(f, "%d\n", n);
		for (i = 0; i < n; i++)
			fprintf(f, "%u %u %u %u\n", insns[i].code, insns[i].jt,
				insns[i].jf, insns[i].k);
	} else if (option > 1) {
		for (i = 0; i < n; i++)
			fprintf(f, "{ 0x%x, %d, %d, 0x%08x },\n", insns[i].code,
				insns[i].jt, insns[i].jf, insns[i].k);
	} else {
		for (i = 0; i < n; i++) {
			fputs(bpf_image(&insns[i], i), f);
			fputc('\n', f);
		}
	}
}

void
bpf_dump(const struct bpf_program *p, int option)
{
	if (p != NULL)
		vm_dump(stdout, p->bf_insns, (int)p->bf_len, option);
}
