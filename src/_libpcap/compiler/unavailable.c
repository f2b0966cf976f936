/*
 * unavailable.c - the filter compiler's seat while no compiler is built.
 *
 * pcap_compile and pcap_compile_nopcap fail with PCAP_ERROR and a message
 * saying the compiler is not in this build; programs built by hand (see
 * bpf/) still filter.  The hand-written compiler replaces this file.
 */
#include "pcap-int.h"

#define NOT_YET "the filter expression compiler is not available in this build yet"

int
pcap_compile(pcap_t *p, struct bpf_program *program, const char *buf,
    int optimize, bpf_u_int32 mask)
{
	(void)buf; (void)optimize; (void)mask;
	program->bf_len = 0;
	program->bf_insns = NULL;
	core_fmt(p->errbuf, NOT_YET);
	return PCAP_ERROR;
}

int
pcap_compile_nopcap(int snaplen, int linktype, struct bpf_program *program,
    const char *buf, int optimize, bpf_u_int32 mask)
{
	(void)snaplen; (void)linktype; (void)buf; (void)optimize; (void)mask;
	program->bf_len = 0;
	program->bf_insns = NULL;
	return PCAP_ERROR;
}
