/*
 * The write benchmark's C loop: copy a savefile with pcap_next_ex() and
 * pcap_dump(), the way a C program written for libpcap converts a capture
 * (libpcap writes classic pcap only).  Built twice by bench_write.py, against
 * the system libpcap (-lpcap) and against our core, like read_loop.c.
 *
 * One pass: open the input, pcap_dump_open the output, copy every packet,
 * close both; wall and CPU time (the process's) cover open to close.  One
 * line per pass on stdout:
 *
 *     lib=<pcap_lib_version()>
 *     pass=1 ns=123456789 cpu_ns=120000000 packets=1000000 bytes=675000000
 *
 * Usage: write_loop IN OUT [PASSES]
 */
#define _DEFAULT_SOURCE /* u_char and friends, used by pcap.h, plus clock_gettime */

#include <pcap/pcap.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int64_t clock_ns(clockid_t which)
{
	struct timespec ts;

	clock_gettime(which, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int one_pass(const char *in, const char *out, int pass)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	uint64_t packets = 0, bytes = 0;
	int64_t t0, t1, c0, c1;
	pcap_dumper_t *d;
	pcap_t *p;
	int rc;

	t0 = clock_ns(CLOCK_MONOTONIC);
	c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	p = pcap_open_offline(in, errbuf);
	if (p == NULL) {
		fprintf(stderr, "write_loop: %s\n", errbuf);
		return -1;
	}
	d = pcap_dump_open(p, out);
	if (d == NULL) {
		fprintf(stderr, "write_loop: %s\n", pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		pcap_dump((u_char *)d, hdr, data);
		packets++;
		bytes += hdr->caplen;
	}
	if (rc != PCAP_ERROR_BREAK) {
		fprintf(stderr, "write_loop: pcap_next_ex: %d: %s\n", rc, pcap_geterr(p));
		pcap_dump_close(d);
		pcap_close(p);
		return -1;
	}
	pcap_dump_close(d);
	pcap_close(p);
	c1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	t1 = clock_ns(CLOCK_MONOTONIC);
	printf("pass=%d ns=%lld cpu_ns=%lld packets=%llu bytes=%llu\n", pass, (long long)(t1 - t0),
	       (long long)(c1 - c0), (unsigned long long)packets, (unsigned long long)bytes);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	int passes = 1;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: write_loop IN OUT [PASSES]\n");
		return 2;
	}
	if (argc == 4)
		passes = atoi(argv[3]);
	printf("lib=%s\n", pcap_lib_version());
	for (int i = 1; i <= passes; i++)
		if (one_pass(argv[1], argv[2], i) != 0)
			return 1;
	return 0;
}
