/*
 * fuzz_bpf.c - libFuzzer harness for the BPF engine: validate, print and
 * run whatever program the fuzzer makes up.
 *
 * Input: byte 0 = instruction count n, byte 1 = how much longer the packet
 * was on the wire, then n instructions of 8 bytes (code and k little-
 * endian, as in memory on x86), then the packet bytes.
 * Checks, beyond "no crash, no sanitizer report, no hang":
 *   - a program bpf_validate accepts gives the same result through
 *     bpf_filter, vm_filter, vm_filter_aux without aux data, and a
 *     predecoded vm_prog (with and without aux data);
 *   - a program it refuses cannot be predecoded;
 *   - any program whose jumps stay inside it (undefined opcodes, wild
 *     scratch indexes, backward loops and all) runs to an end in the raw
 *     interpreter.
 * Build and run: tests/fuzz/run_fuzzers.sh.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>
#include "vm.h"

#define MAX_INSNS 255

static int
stays_inside(const struct bpf_insn *insns, u_int n)
{
	u_int i;

	for (i = 0; i < n; i++) {
		const struct bpf_insn *in = &insns[i];

		if (!vm_code_known(in->code))
			continue;
		if (in->code == (BPF_JMP|BPF_JA)) {
			if (i + 1 + in->k >= n)		/* 32-bit wrap, as libpcap */
				return 0;
		} else if (BPF_CLASS(in->code) == BPF_JMP) {
			if (i + 1 + in->jt >= n || i + 1 + in->jf >= n)
				return 0;
		}
	}
	return n > 0 && (!vm_code_known(insns[n - 1].code) ||
			 BPF_CLASS(insns[n - 1].code) == BPF_RET);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpf_insn insns[MAX_INSNS];
	struct vm_aux_data aux;
	u_int n, i, buflen, wirelen;
	u_char *pkt;
	int valid;

	if (size < 2)
		return 0;
	n = data[0];
	if (size - 2 < (size_t)n * 8)
		n = (u_int)((size - 2) / 8);
	for (i = 0; i < n; i++) {
		const uint8_t *b = data + 2 + 8 * i;

		insns[i].code = (u_short)(b[0] | b[1] << 8);
		insns[i].jt = b[2];
		insns[i].jf = b[3];
		insns[i].k = (uint32_t)b[4] | (uint32_t)b[5] << 8 |
			     (uint32_t)b[6] << 16 | (uint32_t)b[7] << 24;
	}
	/* The packet in a buffer of its exact size: over-reads get caught. */
	buflen = (u_int)(size - 2 - 8 * (size_t)n);
	wirelen = buflen + data[1];
	pkt = malloc(buflen ? buflen : 1);
	if (pkt == NULL)
		return 0;
	memcpy(pkt, data + 2 + 8 * (size_t)n, buflen);
	aux.vlan_tag = (uint16_t)(wirelen * 31);
	aux.vlan_tag_present = (uint16_t)(data[1] & 1);
	aux.pkttype = (uint16_t)(data[1] >> 5);
	aux.protocol = (uint16_t)(wirelen * 17);
	aux.ifindex = wirelen;

	for (i = 0; i < n; i++)
		(void)bpf_image(&insns[i], (int)i);

	valid = bpf_validate(insns, (int)n);
	if (valid) {
		struct vm_prog *vp = vm_prog_new(insns, n);
		u_int r = bpf_filter(insns, pkt, wirelen, buflen);

		if (vp == NULL)
			abort();	/* only memory exhaustion may do this */
		if (vm_filter(insns, pkt, wirelen, buflen) != r ||
		    vm_filter_aux(insns, pkt, wirelen, buflen, NULL) != r ||
		    vm_prog_run(vp, pkt, wirelen, buflen) != r ||
		    vm_prog_run_aux(vp, pkt, wirelen, buflen, &aux) !=
		    vm_filter_aux(insns, pkt, wirelen, buflen, &aux))
			abort();
		vm_prog_free(vp);
	} else {
		if (vm_prog_new(insns, n) != NULL)
			abort();
		if (stays_inside(insns, n)) {
			(void)bpf_filter(insns, pkt, wirelen, buflen);
			(void)vm_filter_aux(insns, pkt, wirelen, buflen, &aux);
		}
	}
	free(pkt);
	return 0;
}
