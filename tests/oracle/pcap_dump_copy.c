/*
 * pcap_dump_copy.c - copy a capture file through libpcap's savefile writer
 * and report, as one JSON line, what each writer call returned.
 *
 * Built like pcap_reader_json.c: once against the system libpcap (the test
 * oracle) and once against this project's library.  The tests compare the
 * reports and the bytes of the written files, and read the files back with
 * the oracle reader.  Only the public libpcap API is used.
 *
 * usage: pcap_dump_copy [options] IN OUT
 *   -n          open IN with nanosecond precision (else microseconds)
 *   -a          write with pcap_dump_open_append
 *   -F          write with pcap_dump_fopen on fopen(OUT, "wb")
 *               (-a and -F exclude each other)
 *   -d DLT SNAPLEN PREC
 *               write through pcap_open_dead_with_tstamp_precision(DLT,
 *               SNAPLEN, PREC) instead of the handle that reads IN
 *   -c N        copy at most N packets
 * The report: {"open_error", "dump_open_error", "written", "ftell" (after
 * each packet), "ftell64", "dump_file_nonnull", "flush", "read_error"}.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

static void json_str(const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void usage(void)
{
	fputs("usage: pcap_dump_copy [-n] [-a|-F] [-d DLT SNAPLEN PREC] "
	    "[-c N] IN OUT\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	unsigned precision = PCAP_TSTAMP_PRECISION_MICRO;
	int append = 0, use_fopen = 0, dead = 0, dead_dlt = 0, dead_snap = 0;
	unsigned dead_prec = 0;
	long limit = -1, written = 0;
	const char *in, *out, *read_error = NULL;
	pcap_t *rp, *wp;
	pcap_dumper_t *d;
	struct pcap_pkthdr *h;
	const u_char *data;
	int i, rc = 0;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "-n") == 0)
			precision = PCAP_TSTAMP_PRECISION_NANO;
		else if (strcmp(argv[i], "-a") == 0)
			append = 1;
		else if (strcmp(argv[i], "-F") == 0)
			use_fopen = 1;
		else if (strcmp(argv[i], "-d") == 0 && i + 3 < argc) {
			dead = 1;
			dead_dlt = atoi(argv[++i]);
			dead_snap = atoi(argv[++i]);
			dead_prec = (unsigned)strtoul(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			limit = atol(argv[++i]);
		else
			usage();
	}
	if (argc - i != 2 || (append && use_fopen))
		usage();
	in = argv[i];
	out = argv[i + 1];

	fputs("{\"open_error\": ", stdout);
	errbuf[0] = '\0';
	rp = pcap_open_offline_with_tstamp_precision(in, precision, errbuf);
	if (rp == NULL) {
		json_str(errbuf);
		fputs("}\n", stdout);
		return 0;
	}
	fputs("null", stdout);

	wp = rp;
	if (dead) {
		wp = pcap_open_dead_with_tstamp_precision(dead_dlt, dead_snap,
		    dead_prec);
		if (wp == NULL) {
			fputs(", \"dead_error\": true}\n", stdout);
			pcap_close(rp);
			return 0;
		}
	}

	if (append) {
		d = pcap_dump_open_append(wp, out);
	} else if (use_fopen) {
		FILE *f = fopen(out, "wb");
		d = f ? pcap_dump_fopen(wp, f) : NULL;
		if (d == NULL && f != NULL)
			fclose(f);
	} else {
		d = pcap_dump_open(wp, out);
	}
	fputs(", \"dump_open_error\": ", stdout);
	if (d == NULL) {
		json_str(pcap_geterr(wp));
		fputs("}\n", stdout);
		if (wp != rp)
			pcap_close(wp);
		pcap_close(rp);
		return 0;
	}
	fputs("null, \"ftell\": [", stdout);
	while ((limit < 0 || written < limit) &&
	    (rc = pcap_next_ex(rp, &h, &data)) == 1) {
		pcap_dump((u_char *)d, h, data);
		printf("%s%ld", written ? ", " : "", pcap_dump_ftell(d));
		written++;
	}
	if (rc == PCAP_ERROR)
		read_error = pcap_geterr(rp);
	printf("], \"written\": %ld, \"ftell64\": %lld, ", written,
	    (long long)pcap_dump_ftell64(d));
	printf("\"dump_file_nonnull\": %s, ",
	    pcap_dump_file(d) != NULL ? "true" : "false");
	printf("\"flush\": %d, \"read_error\": ", pcap_dump_flush(d));
	json_str(read_error);
	fputs("}\n", stdout);
	pcap_dump_close(d);
	if (wp != rp)
		pcap_close(wp);
	pcap_close(rp);
	return 0;
}
