/*
 * dlt_table.c - print a libpcap implementation's link-layer and time stamp
 * type tables, for a differential test.
 *
 * The same source is built twice: against the system libpcap (the oracle,
 * no include directory of ours, -lpcap) and, with -DDLT_TABLE_OURS, against
 * this project's core sources.  The tests compare the two outputs.
 *
 * Output, one tab-separated record per line:
 *   dlt  V NAME DESCRIPTION OR_DLT   for V in -3..65540 and a few extremes
 *   d2l  V LINKTYPE                  DLT_ -> LINKTYPE_ for a savefile, -1 if none
 *   l2d  L DLT SNAPLEN               LINKTYPE_ L read from a savefile header
 *   ts   V NAME DESCRIPTION          time stamp types, V in -3..10
 *   name S DLT TSTAMP                name lookups for each line S of stdin
 * A missing string prints as "(null)".
 *
 * The system library keeps its LINKTYPE_ mapping private, so the oracle
 * observes it through the public API: pcap_dump_fopen() on a dead handle
 * writes dlt_to_linktype() into the file header (and fails when there is
 * none), and pcap_fopen_offline() on a header with snaplen 0 reports
 * linktype_to_dlt() as pcap_datalink() and the type's maximum snapshot
 * length as pcap_snapshot().  Our build calls the internal helpers that
 * those paths use.
 */
/* The pcap headers use the BSD u_char/u_int types, hidden by strict C11. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#ifdef DLT_TABLE_OURS
#include "pcap-int.h"
#endif

static const char *
str(const char *s)
{
	return s != NULL ? s : "(null)";
}

static void
print_dlt(int v)
{
	const char *name = pcap_datalink_val_to_name(v);
	const char *desc = pcap_datalink_val_to_description(v);

	/* Separate statements: the _or_dlt text may live in a shared buffer. */
	printf("dlt\t%d\t%s\t%s\t", v, str(name), str(desc));
	printf("%s\n", str(pcap_datalink_val_to_description_or_dlt(v)));
}

#ifdef DLT_TABLE_OURS
static long
dlt_to_linktype(int dlt)
{
	return dl_dlt_to_linktype(dlt);
}

static void
linktype_to_dlt(int linktype, int *dlt, long *snaplen)
{
	*dlt = dl_linktype_to_dlt(linktype);
	*snaplen = (long)dl_max_snaplen_for_dlt(*dlt);
}
#else
static long
dlt_to_linktype(int dlt)
{
	pcap_t *p = pcap_open_dead(dlt, 65535);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	pcap_dumper_t *d;
	long lt = -2;		/* -2: the probe itself failed */

	if (p == NULL)
		return lt;
	f = open_memstream(&buf, &len);
	if (f != NULL) {
		d = pcap_dump_fopen(p, f);
		if (d == NULL) {
			fclose(f);
			lt = -1;
		} else {
			struct pcap_file_header h;

			pcap_dump_close(d);	/* closes f, settles buf/len */
			if (len >= sizeof h) {
				memcpy(&h, buf, sizeof h);
				lt = (long)h.linktype;
			}
		}
	}
	free(buf);
	pcap_close(p);
	return lt;
}

static void
linktype_to_dlt(int linktype, int *dlt, long *snaplen)
{
	struct pcap_file_header h;
	char errbuf[PCAP_ERRBUF_SIZE];
	FILE *f;
	pcap_t *p;

	memset(&h, 0, sizeof h);
	h.magic = 0xa1b2c3d4;
	h.version_major = 2;
	h.version_minor = 4;
	h.snaplen = 0;		/* 0 makes the reader use the type's maximum */
	h.linktype = (bpf_u_int32)linktype;
	*dlt = -999;
	*snaplen = -999;
	f = fmemopen(&h, sizeof h, "rb");
	if (f == NULL)
		return;
	p = pcap_fopen_offline(f, errbuf);
	if (p == NULL) {
		fclose(f);
		return;
	}
	*dlt = pcap_datalink(p);
	*snaplen = pcap_snapshot(p);
	pcap_close(p);		/* closes f */
}
#endif

int
main(void)
{
	static const int extremes[] = { INT_MIN, -65536, 100000, 1 << 20, INT_MAX };
	char line[512];
	size_t i;
	int v;

	for (v = -3; v <= 65540; v++)
		print_dlt(v);
	for (i = 0; i < sizeof extremes / sizeof extremes[0]; i++)
		print_dlt(extremes[i]);

	for (v = -3; v <= 65540; v++)
		printf("d2l\t%d\t%ld\n", v, dlt_to_linktype(v));
	for (i = 0; i < sizeof extremes / sizeof extremes[0]; i++)
		printf("d2l\t%d\t%ld\n", extremes[i], dlt_to_linktype(extremes[i]));

	/* The savefile header holds 16 bits of type; the rest is other data. */
	for (v = 0; v <= 65535; v++) {
		int dlt;
		long snaplen;

		linktype_to_dlt(v, &dlt, &snaplen);
		printf("l2d\t%d\t%d\t%ld\n", v, dlt, snaplen);
	}

	for (v = -3; v <= 10; v++)
		printf("ts\t%d\t%s\t%s\n", v, str(pcap_tstamp_type_val_to_name(v)),
		    str(pcap_tstamp_type_val_to_description(v)));

	while (fgets(line, sizeof line, stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		printf("name\t%s\t%d\t%d\n", line, pcap_datalink_name_to_val(line),
		    pcap_tstamp_type_name_to_val(line));
	}
	return 0;
}
