/*
 * pcap_dump_copy.c - copy capture files through libpcap's savefile writer
 * and report, as one JSON line per copy, what each writer call returned.
 *
 * Built like pcap_reader_json.c: once against the system libpcap (the test
 * oracle) and once against this project's library.  The tests compare the
 * reports and the bytes of the written files, and read the files back with
 * the oracle reader.  Only the public libpcap API is used.
 *
 * usage: pcap_dump_copy [options] IN OUT
 *        pcap_dump_copy [options] -l LIST     (lines "IN<TAB>OUT"; "-" = stdin)
 *   -n          open IN with nanosecond precision (else microseconds)
 *   -a          write with pcap_dump_open_append
 *   -F          write with pcap_dump_fopen on fopen(OUT, "wb")
 *               (-a and -F exclude each other)
 *   -d DLT SNAPLEN PREC
 *               write through pcap_open_dead_with_tstamp_precision(DLT,
 *               SNAPLEN, PREC) instead of the handle that reads IN
 *   -c N        copy at most N packets
 * A report: {"in", "open_error", "dump_open_error", "ftell" (after each
 * packet), "written", "ftell64", "dump_file_nonnull", "flush",
 * "read_error"}; it stops after the first error.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

struct options {
	unsigned precision;
	int append, use_fopen, dead, dead_dlt, dead_snap;
	unsigned dead_prec;
	long limit;
};

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

/* Opens the writer; on failure *why is the error text. */
static pcap_dumper_t *open_dumper(pcap_t *wp, const char *out,
    const struct options *o, const char **why)
{
	pcap_dumper_t *d;
	FILE *f;

	*why = NULL;
	if (o->append)
		return pcap_dump_open_append(wp, out);
	if (!o->use_fopen)
		return pcap_dump_open(wp, out);
	f = fopen(out, "wb");
	if (f == NULL) {
		*why = strerror(errno);
		return NULL;
	}
	d = pcap_dump_fopen(wp, f);
	if (d == NULL)
		fclose(f);	/* on failure the stream stays ours */
	return d;
}

static void copy_one(const char *in, const char *out, const struct options *o)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *read_error = NULL, *why;
	long written = 0;
	pcap_t *rp, *wp;
	pcap_dumper_t *d;
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = 0;

	fputs("{\"in\": ", stdout);
	json_str(in);
	fputs(", \"open_error\": ", stdout);
	errbuf[0] = '\0';
	rp = pcap_open_offline_with_tstamp_precision(in, o->precision, errbuf);
	if (rp == NULL) {
		json_str(errbuf);
		fputs("}\n", stdout);
		fflush(stdout);
		return;
	}
	fputs("null", stdout);

	wp = rp;
	if (o->dead) {
		wp = pcap_open_dead_with_tstamp_precision(o->dead_dlt,
		    o->dead_snap, o->dead_prec);
		if (wp == NULL) {
			fputs(", \"dead_failed\": true}\n", stdout);
			fflush(stdout);
			pcap_close(rp);
			return;
		}
	}

	d = open_dumper(wp, out, o, &why);
	fputs(", \"dump_open_error\": ", stdout);
	if (d == NULL) {
		json_str(why != NULL ? why : pcap_geterr(wp));
		fputs("}\n", stdout);
	} else {
		fputs("null, \"ftell\": [", stdout);
		while ((o->limit < 0 || written < o->limit) &&
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
	}
	fflush(stdout);
	if (wp != rp)
		pcap_close(wp);
	pcap_close(rp);
}

static void copy_list(const char *list, const struct options *o)
{
	FILE *fp = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
	char line[8192];

	if (fp == NULL) {
		fprintf(stderr, "pcap_dump_copy: %s: %s\n", list, strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		char *tab = strchr(line, '\t');

		line[strcspn(line, "\r\n")] = '\0';
		if (tab == NULL) {
			if (line[0] != '\0') {
				fprintf(stderr, "pcap_dump_copy: bad line: %s\n", line);
				exit(2);
			}
			continue;
		}
		*tab = '\0';
		copy_one(line, tab + 1, o);
	}
	if (fp != stdin)
		fclose(fp);
}

static void usage(void)
{
	fputs("usage: pcap_dump_copy [-n] [-a|-F] [-d DLT SNAPLEN PREC] "
	    "[-c N] (IN OUT | -l LIST)\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct options o;
	const char *list = NULL;
	int i;

	memset(&o, 0, sizeof o);
	o.precision = PCAP_TSTAMP_PRECISION_MICRO;
	o.limit = -1;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "-n") == 0)
			o.precision = PCAP_TSTAMP_PRECISION_NANO;
		else if (strcmp(argv[i], "-a") == 0)
			o.append = 1;
		else if (strcmp(argv[i], "-F") == 0)
			o.use_fopen = 1;
		else if (strcmp(argv[i], "-d") == 0 && i + 3 < argc) {
			o.dead = 1;
			o.dead_dlt = atoi(argv[++i]);
			o.dead_snap = atoi(argv[++i]);
			o.dead_prec = (unsigned)strtoul(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			o.limit = atol(argv[++i]);
		else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
			list = argv[++i];
		else
			usage();
	}
	if (o.append && o.use_fopen)
		usage();
	if (list != NULL) {
		if (i != argc)
			usage();
		copy_list(list, &o);
	} else {
		if (argc - i != 2)
			usage();
		copy_one(argv[i], argv[i + 1], &o);
	}
	return 0;
}
