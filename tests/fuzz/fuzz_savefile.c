/*
 * fuzz_savefile.c - libFuzzer harness for the savefile parsers.
 *
 * The input is a whole capture file (pcap or pcapng, any variant); it is
 * opened from memory in both precisions and read to the end with every
 * reading entry point, and each record's bytes are touched so that an
 * out-of-bounds pointer shows up under ASan.  Bad input must give an error,
 * never a crash, a hang or an unbounded allocation.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

static volatile unsigned sink;

static void
touch(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	unsigned sum = 0;

	(void)user;
	for (bpf_u_int32 i = 0; i < h->caplen; i++)
		sum += data[i];
	sink += sum + h->len + (unsigned)h->ts.tv_usec;
}

static void
read_all(const uint8_t *buf, size_t len, u_int precision, int mode)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	FILE *f = fmemopen((void *)buf, len, "rb");
	pcap_t *p;

	if (f == NULL)
		return;
	p = pcap_fopen_offline_with_tstamp_precision(f, precision, errbuf);
	if (p == NULL) {
		fclose(f);
		/* An error must come with a message. */
		if (errbuf[0] == '\0')
			__builtin_trap();
		return;
	}
	sink += (unsigned)pcap_datalink(p) + (unsigned)pcap_snapshot(p);
	if (mode == 0) {
		struct pcap_pkthdr *h;
		const u_char *data;
		int rc;
		while ((rc = pcap_next_ex(p, &h, &data)) == 1)
			touch(NULL, h, data);
		if (rc == PCAP_ERROR && pcap_geterr(p)[0] == '\0')
			__builtin_trap();
	} else {
		(void)pcap_loop(p, -1, touch, NULL);
	}
	pcap_close(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	read_all(data, size, PCAP_TSTAMP_PRECISION_MICRO, 0);
	read_all(data, size, PCAP_TSTAMP_PRECISION_NANO, 1);
	return 0;
}
