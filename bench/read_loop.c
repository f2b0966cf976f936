/*
 * The benchmark's C reader: a plain pcap_next_ex() loop over a savefile, the
 * way a C program written for libpcap reads one.  The same source is built
 * twice, once against the system libpcap and once against our core (see
 * bench/run.sh and bench_read.py), so the two rows differ only in the library.
 *
 * Each pass opens the file, reads every packet, counts packets and captured
 * bytes and adds one byte of each packet to a checksum (so the compiler cannot
 * drop the loop and the data is really touched), then closes it.  Two clocks
 * (wall, and the process's CPU time) cover open to close, like the Python
 * rows.  One line per pass on stdout:
 *
 *     lib=<pcap_lib_version()>
 *     pass=1 ns=123456789 cpu_ns=120000000 packets=1000000 bytes=675000000 sum=127000000 pps=8100000
 *
 * Usage: read_loop FILE [PASSES]
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

static int one_pass(const char *path, int pass)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	uint64_t packets = 0, bytes = 0, sum = 0;
	int64_t t0, t1, c0, c1;
	pcap_t *p;
	int rc;

	t0 = clock_ns(CLOCK_MONOTONIC);
	c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	p = pcap_open_offline(path, errbuf);
	if (p == NULL) {
		fprintf(stderr, "read_loop: %s\n", errbuf);
		return -1;
	}
	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		packets++;
		bytes += hdr->caplen;
		/* The middle byte: touches data beyond the first cache line too. */
		if (hdr->caplen)
			sum += data[hdr->caplen / 2];
	}
	if (rc != PCAP_ERROR_BREAK) {
		fprintf(stderr, "read_loop: pcap_next_ex: %d: %s\n", rc, pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	pcap_close(p);
	c1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	t1 = clock_ns(CLOCK_MONOTONIC);

	printf("pass=%d ns=%lld cpu_ns=%lld packets=%llu bytes=%llu sum=%llu pps=%.0f\n", pass,
	       (long long)(t1 - t0), (long long)(c1 - c0), (unsigned long long)packets,
	       (unsigned long long)bytes, (unsigned long long)sum,
	       t1 > t0 ? packets * 1e9 / (double)(t1 - t0) : 0.0);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	int passes = 1;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s FILE [PASSES]\n", argv[0]);
		return 2;
	}
	if (argc == 3) {
		passes = atoi(argv[2]);
		if (passes < 1)
			passes = 1;
	}
	printf("lib=%s\n", pcap_lib_version());
	for (int i = 1; i <= passes; i++)
		if (one_pass(argv[1], i) != 0)
			return 1;
	return 0;
}
