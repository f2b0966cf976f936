/*
 * c_api_example.c - an ordinary libpcap client program, used by
 * tests/test_c_api_link.py to show that C code written for libpcap builds
 * against this package's headers and library (the flags of
 * `python -m libpcap --cflags --libs`) with no system libpcap.
 *
 * usage: c_api_example FILE [OUT]
 * Prints the library version, the link type and snapshot length, then one
 * line per packet ("<sec>.<usec> <caplen> <len>") and a packet count.
 * With OUT, also writes the packets there with pcap_dump.
 */
#include <pcap.h>		/* the old top-level header must work */
#include <pcap/pcap.h>
#include <pcap/bpf.h>
#include <pcap/dlt.h>

#include <stdio.h>
#include <stdlib.h>

struct state {
	pcap_dumper_t *dumper;
	unsigned long count;
};

static void handler(u_char *user, const struct pcap_pkthdr *h,
    const u_char *bytes)
{
	struct state *st = (struct state *)user;

	printf("%lld.%06ld %u %u\n", (long long)h->ts.tv_sec,
	    (long)h->ts.tv_usec, h->caplen, h->len);
	if (st->dumper != NULL)
		pcap_dump((u_char *)st->dumper, h, bytes);
	st->count++;
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct state st = { NULL, 0 };
	const char *name;
	pcap_t *p;
	int rc;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s FILE [OUT]\n", argv[0]);
		return 2;
	}
	printf("version: %s\n", pcap_lib_version());
	p = pcap_open_offline(argv[1], errbuf);
	if (p == NULL) {
		fprintf(stderr, "pcap_open_offline: %s\n", errbuf);
		return 1;
	}
	name = pcap_datalink_val_to_name(pcap_datalink(p));
	printf("linktype: %d %s%s\n", pcap_datalink(p), name ? name : "?",
	    pcap_datalink(p) == DLT_EN10MB ? " (ethernet)" : "");
	printf("snaplen: %d\n", pcap_snapshot(p));
	if (argc == 3) {
		st.dumper = pcap_dump_open(p, argv[2]);
		if (st.dumper == NULL) {
			fprintf(stderr, "pcap_dump_open: %s\n", pcap_geterr(p));
			pcap_close(p);
			return 1;
		}
	}
	rc = pcap_loop(p, -1, handler, (u_char *)&st);
	if (rc == PCAP_ERROR)
		fprintf(stderr, "pcap_loop: %s\n", pcap_geterr(p));
	if (st.dumper != NULL)
		pcap_dump_close(st.dumper);
	printf("packets: %lu\n", st.count);
	pcap_close(p);
	return rc == PCAP_ERROR ? 1 : 0;
}
