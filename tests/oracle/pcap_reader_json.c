/*
 * pcap_reader_json.c - print what a libpcap implementation reads from
 * capture files, one JSON record per file (the record format of
 * shared/conformance/README.md).
 *
 * The same source is built twice by the tests: against the system libpcap
 * (the test oracle, no include directory of ours) and against this
 * project's library.  Comparing the two outputs is the differential test.
 * Only the public libpcap API is used, and SHA-256 is computed here so
 * that no other library is involved.
 *
 * usage: pcap_reader_json [options] [FILE...]
 *   -m        open with pcap_open_offline (microseconds; the default)
 *   -n        open with ..._with_tstamp_precision(PCAP_TSTAMP_PRECISION_NANO)
 *   -M        open with ..._with_tstamp_precision(PCAP_TSTAMP_PRECISION_MICRO)
 *   -P N      open with ..._with_tstamp_precision(N), any number
 *   -f        open through fopen() and pcap_fopen_offline*() instead of a path
 *   -r HOW    read packets with next_ex (default), next, loop or dispatch
 *   -x        add extra fields (datalink tables, stats, set_datalink, ...)
 *   -l LIST   also process the file names listed in LIST, one per line
 *             ("-" reads the list from standard input)
 * Each file gives one line on standard output, flushed at once.
 */
/* The pcap headers use the BSD u_char/u_int types, hidden by strict C11. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

/* ------------------------------------------------------------------ */
/* SHA-256 (FIPS 180-4), small and self-contained.                     */

struct sha256 {
	uint32_t h[8];
	uint64_t total;
	unsigned char block[64];
	size_t fill;
};

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

static uint32_t ror32(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};
	memcpy(s->h, iv, sizeof iv);
	s->total = 0;
	s->fill = 0;
}

static void sha256_compress(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^
		    (w[i - 15] >> 3);
		uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^
		    (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) +
		    ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
		t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) +
		    ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha256_update(struct sha256 *s, const unsigned char *p, size_t n)
{
	s->total += n;
	while (n > 0) {
		size_t take = 64 - s->fill;
		if (take > n)
			take = n;
		memcpy(s->block + s->fill, p, take);
		s->fill += take;
		p += take;
		n -= take;
		if (s->fill == 64) {
			sha256_compress(s, s->block);
			s->fill = 0;
		}
	}
}

static void sha256_hex(struct sha256 *s, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t bits = s->total * 8;
	unsigned char pad = 0x80, len[8];
	int i;

	sha256_update(s, &pad, 1);
	pad = 0;
	while (s->fill != 56)
		sha256_update(s, &pad, 1);
	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, len, 8);
	for (i = 0; i < 32; i++) {
		unsigned char byte = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
		out[2 * i] = hex[byte >> 4];
		out[2 * i + 1] = hex[byte & 15];
	}
	out[64] = '\0';
}

/* ------------------------------------------------------------------ */
/* JSON output.                                                        */

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
			putchar(*p);	/* bytes >= 0x80 pass through (UTF-8) */
	}
	putchar('"');
}

static void json_key(const char *key)
{
	printf(", \"%s\": ", key);
}

/* ------------------------------------------------------------------ */
/* Reading.                                                            */

enum open_mode { OPEN_PLAIN, OPEN_PREC };
enum read_mode { READ_NEXT_EX, READ_NEXT, READ_LOOP, READ_DISPATCH };

struct options {
	enum open_mode open_mode;
	unsigned precision;
	int use_fopen;
	enum read_mode read_mode;
	int extras;
};

struct reading {
	int count;	/* packets printed so far */
};

static void print_packet(struct reading *r, const struct pcap_pkthdr *h,
    const u_char *data)
{
	struct sha256 s;
	char hex[65];

	sha256_init(&s);
	if (h->caplen > 0 && data != NULL)
		sha256_update(&s, data, h->caplen);
	sha256_hex(&s, hex);
	printf("%s[%lld, %lld, %u, %u, \"%s\"]", r->count ? ", " : "",
	    (long long)h->ts.tv_sec, (long long)h->ts.tv_usec, h->caplen,
	    h->len, hex);
	r->count++;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
    const u_char *data)
{
	print_packet((struct reading *)user, h, data);
}

static void on_packet_ignore(u_char *user, const struct pcap_pkthdr *h,
    const u_char *data)
{
	(void)user;
	(void)h;
	(void)data;
}

/* Reads every packet; returns the read error text (or NULL). */
static const char *read_packets(pcap_t *p, enum read_mode how)
{
	struct reading r = { 0 };
	struct pcap_pkthdr *hp, h;
	const u_char *data;
	const char *err = NULL;
	int rc;

	fputs("[", stdout);
	switch (how) {
	case READ_NEXT_EX:
		while ((rc = pcap_next_ex(p, &hp, &data)) == 1)
			print_packet(&r, hp, data);
		if (rc == PCAP_ERROR)
			err = pcap_geterr(p);
		else if (rc != PCAP_ERROR_BREAK)
			err = "(pcap_next_ex returned an unexpected value)";
		break;
	case READ_NEXT:
		/* pcap_next cannot tell an error from the end: no read_error. */
		while ((data = pcap_next(p, &h)) != NULL)
			print_packet(&r, &h, data);
		break;
	case READ_LOOP:
		rc = pcap_loop(p, -1, on_packet, (u_char *)&r);
		if (rc == PCAP_ERROR)
			err = pcap_geterr(p);
		else if (rc != 0)
			err = "(pcap_loop returned an unexpected value)";
		break;
	case READ_DISPATCH:
		/* Small batches, so that a batch boundary falls mid-file. */
		while ((rc = pcap_dispatch(p, 3, on_packet, (u_char *)&r)) > 0)
			;
		if (rc == PCAP_ERROR)
			err = pcap_geterr(p);
		else if (rc != 0)
			err = "(pcap_dispatch returned an unexpected value)";
		break;
	}
	fputs("]", stdout);
	return err;
}

static void print_extras(pcap_t *p)
{
	struct pcap_stat st;
	int *dlts = NULL, n, i, rc, dlt = pcap_datalink(p);
	struct pcap_pkthdr *hp;
	const u_char *data;

	json_key("datalink_ext");
	printf("%d", pcap_datalink_ext(p));
	json_key("datalink_name");
	json_str(pcap_datalink_val_to_name(dlt));
	json_key("datalink_description");
	json_str(pcap_datalink_val_to_description(dlt));
	json_key("list_datalinks");
	n = pcap_list_datalinks(p, &dlts);
	if (n < 0) {
		json_str(pcap_geterr(p));
	} else {
		putchar('[');
		for (i = 0; i < n; i++)
			printf("%s%d", i ? ", " : "", dlts[i]);
		putchar(']');
		pcap_free_datalinks(dlts);
	}
	json_key("set_datalink_same");
	printf("%d", pcap_set_datalink(p, dlt));
	json_key("datalink_after_set");
	printf("%d", pcap_datalink(p));
	json_key("set_datalink_other");
	rc = pcap_set_datalink(p, dlt == 1 ? 105 : 1);
	printf("[%d, ", rc);
	json_str(rc < 0 ? pcap_geterr(p) : NULL);
	putchar(']');
	json_key("stats");
	memset(&st, 0, sizeof st);
	rc = pcap_stats(p, &st);
	printf("[%d, ", rc);
	json_str(rc < 0 ? pcap_geterr(p) : NULL);
	putchar(']');
	json_key("file_nonnull");
	fputs(pcap_file(p) != NULL ? "true" : "false", stdout);
	/* Documented: PCAP_ERROR for a savefile; a descriptor is "fd". */
	json_key("fileno");
	if (pcap_fileno(p) >= 0)
		json_str("fd");
	else
		printf("%d", pcap_fileno(p));
	json_key("selectable_fd");
	if (pcap_get_selectable_fd(p) >= 0)
		json_str("fd");
	else
		printf("%d", pcap_get_selectable_fd(p));
	/* Called after the end of the file (see caller). */
	json_key("next_ex_after_end");
	printf("%d", pcap_next_ex(p, &hp, &data));
	json_key("loop_after_breakloop");
	pcap_breakloop(p);
	printf("%d", pcap_loop(p, -1, on_packet_ignore, NULL));
}

static void process(const char *path, const struct options *o)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *base = strrchr(path, '/');
	struct stat sb;
	FILE *fp = NULL;
	pcap_t *p;
	const char *read_error;

	base = base ? base + 1 : path;
	fputs("{\"file\": ", stdout);
	json_str(base);
	json_key("file_size");
	if (stat(path, &sb) == 0)
		printf("%lld", (long long)sb.st_size);
	else
		fputs("null", stdout);

	errbuf[0] = '\0';
	if (o->use_fopen) {
		fp = fopen(path, "rb");
		if (fp == NULL) {
			snprintf(errbuf, sizeof errbuf, "%s: %s", path,
			    strerror(errno));
			p = NULL;
		} else if (o->open_mode == OPEN_PLAIN) {
			p = pcap_fopen_offline(fp, errbuf);
		} else {
			p = pcap_fopen_offline_with_tstamp_precision(fp,
			    o->precision, errbuf);
		}
		/* On failure the caller still owns the stream. */
		if (p == NULL && fp != NULL)
			fclose(fp);
	} else if (o->open_mode == OPEN_PLAIN) {
		p = pcap_open_offline(path, errbuf);
	} else {
		p = pcap_open_offline_with_tstamp_precision(path, o->precision,
		    errbuf);
	}

	json_key("open_error");
	if (p == NULL) {
		json_str(errbuf);
		fputs(", \"linktype\": null, \"snaplen\": null, \"swapped\": null,"
		    " \"version_major\": null, \"version_minor\": null,"
		    " \"ts_precision\": null, \"packets\": [], \"read_error\": null}\n",
		    stdout);
		fflush(stdout);
		return;
	}
	fputs("null", stdout);
	json_key("linktype");
	printf("%d", pcap_datalink(p));
	json_key("snaplen");
	printf("%d", pcap_snapshot(p));
	json_key("swapped");
	fputs(pcap_is_swapped(p) ? "true" : "false", stdout);
	json_key("version_major");
	printf("%d", pcap_major_version(p));
	json_key("version_minor");
	printf("%d", pcap_minor_version(p));
	json_key("ts_precision");
	switch (pcap_get_tstamp_precision(p)) {
	case PCAP_TSTAMP_PRECISION_MICRO:
		json_str("micro");
		break;
	case PCAP_TSTAMP_PRECISION_NANO:
		json_str("nano");
		break;
	default:
		printf("%d", pcap_get_tstamp_precision(p));
		break;
	}
	json_key("packets");
	read_error = read_packets(p, o->read_mode);
	json_key("read_error");
	json_str(read_error);
	if (o->extras)
		print_extras(p);
	fputs("}\n", stdout);
	fflush(stdout);
	pcap_close(p);
}

static void process_list(const char *list, const struct options *o)
{
	FILE *fp = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
	char line[4096];

	if (fp == NULL) {
		fprintf(stderr, "pcap_reader_json: %s: %s\n", list,
		    strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		size_t n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (n > 0)
			process(line, o);
	}
	if (fp != stdin)
		fclose(fp);
}

static void usage(void)
{
	fputs("usage: pcap_reader_json [-m|-n|-M|-P N] [-f] "
	    "[-r next_ex|next|loop|dispatch] [-x] [-l LIST] [FILE...]\n",
	    stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct options o = { OPEN_PLAIN, PCAP_TSTAMP_PRECISION_MICRO, 0,
	    READ_NEXT_EX, 0 };
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-m") == 0) {
			o.open_mode = OPEN_PLAIN;
		} else if (strcmp(a, "-n") == 0) {
			o.open_mode = OPEN_PREC;
			o.precision = PCAP_TSTAMP_PRECISION_NANO;
		} else if (strcmp(a, "-M") == 0) {
			o.open_mode = OPEN_PREC;
			o.precision = PCAP_TSTAMP_PRECISION_MICRO;
		} else if (strcmp(a, "-P") == 0 && i + 1 < argc) {
			o.open_mode = OPEN_PREC;
			o.precision = (unsigned)strtoul(argv[++i], NULL, 0);
		} else if (strcmp(a, "-f") == 0) {
			o.use_fopen = 1;
		} else if (strcmp(a, "-x") == 0) {
			o.extras = 1;
		} else if (strcmp(a, "-r") == 0 && i + 1 < argc) {
			a = argv[++i];
			if (strcmp(a, "next_ex") == 0)
				o.read_mode = READ_NEXT_EX;
			else if (strcmp(a, "next") == 0)
				o.read_mode = READ_NEXT;
			else if (strcmp(a, "loop") == 0)
				o.read_mode = READ_LOOP;
			else if (strcmp(a, "dispatch") == 0)
				o.read_mode = READ_DISPATCH;
			else
				usage();
		} else if (strcmp(a, "-l") == 0 && i + 1 < argc) {
			process_list(argv[++i], &o);
		} else if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++)
				process(argv[i], &o);
		} else if (a[0] == '-' && a[1] != '\0') {
			usage();
		} else {
			process(a, &o);
		}
	}
	return 0;
}
