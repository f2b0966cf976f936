/*
 * fuzz_pcapng_write.c - libFuzzer harness for the pcapng writer, through a
 * read-write-read round trip.
 *
 * The input is a capture file (pcapng or classic pcap, any variant).  It is
 * opened from memory with the core reader in native mode (sf_ng_set_native:
 * every interface, every section), and every packet it yields is written
 * with the core pcapng writer (ngw_*) to an open_memstream buffer, on an
 * interface made from the packet's own (link type, snaplen, name,
 * description, filter, OS, hardware; nanosecond resolution), with its
 * epb_flags and comments.  The buffer is then read back the same way, and
 * must give the same packets: bytes, caplen (cut to the interface's
 * snaplen, as the writer does), wire length, time stamp to the nanosecond,
 * flags, comments, and interfaces of the same link type, snaplen and
 * strings.  Any difference, or a write that fails for a packet the format
 * can hold, traps.  A bad input must give a read error, never a crash.
 *
 * Packets the format cannot hold in nanoseconds (a time stamp before 1970,
 * or past 2^64 ns, from a hostile if_tsoffset) are left out, not written.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "savefile.h"

#define MAX_PKTS	4096
#define MAX_COMMENTS	16

struct want {
	int64_t sec;
	uint32_t nsec;
	uint32_t caplen, wirelen, flags;
	uint32_t iface;			/* writer's id */
	u_char *data;
	size_t ncomments;
	char *comments[MAX_COMMENTS];
	size_t lens[MAX_COMMENTS];
};

static void
fail(const char *what, size_t i)
{
	fprintf(stderr, "fuzz_pcapng_write: packet %zu: %s\n", i, what);
	__builtin_trap();
}

/* The interfaces as written (copies: the reader's strings die with it). */
struct wiface {
	int dlt;
	uint32_t snaplen;
	char *str[5];			/* name, description, filter, os, hardware */
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* An empty string may be written as an absent option: alike. */
static int
same_str(const char *a, const char *b)
{
	if (a != NULL && a[0] == '\0')
		a = NULL;
	if (b != NULL && b[0] == '\0')
		b = NULL;
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static pcap_t *
open_native(const uint8_t *buf, size_t len, FILE **fp, int *native)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	*fp = fmemopen((void *)buf, len, "rb");
	if (*fp == NULL)
		return NULL;
	p = pcap_fopen_offline_with_tstamp_precision(*fp,
	    PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (p == NULL) {
		fclose(*fp);
		if (errbuf[0] == '\0')
			__builtin_trap();
		return NULL;
	}
	*native = sf_ng_set_native(p) == 0;
	return p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct want want[MAX_PKTS];
	static struct wiface wifs[1024];
	char errbuf[PCAP_ERRBUF_SIZE];
	struct ngw_section sec = { "fuzz hw", "fuzz os", "fuzz_pcapng_write", NULL };
	struct pcap_pkthdr *h;
	const u_char *pkt;
	FILE *in, *out;
	pcap_t *p;
	struct ngw *w;
	char *obuf = NULL;
	size_t olen = 0, n = 0, i;
	int native, rc;
	/* file interface index -> writer id (-1: not added yet) */
	int map[1024];
	uint32_t nmap = 0;

	if (size == 0)
		return 0;
	p = open_native(data, size, &in, &native);
	if (p == NULL)
		return 0;
	out = open_memstream(&obuf, &olen);
	if (out == NULL) {
		pcap_close(p);
		return 0;
	}
	w = ngw_open(out, &sec, errbuf);
	if (w == NULL)
		fail(errbuf, 0);
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		map[i] = -1;

	while (n < MAX_PKTS && (rc = pcap_next_ex(p, &h, &pkt)) == 1) {
		struct sf_ng_packet pk;
		struct ngw_iface ifc;
		struct ngw_packet np;
		struct want *x = &want[n];
		uint32_t idx = 0, snap;
		const char *s;
		size_t slen;

		memset(&ifc, 0, sizeof(ifc));
		memset(x, 0, sizeof(*x));
		if (native && sf_ng_last_packet(p, &pk)) {
			const struct sf_ng_iface *fi = sf_ng_iface_at(p, pk.iface);

			if (fi == NULL)
				fail("packet on an interface the reader does not list", n);
			idx = pk.iface;
			x->flags = pk.flags;
			ngw_iface_from_read(&ifc, fi);
			while (x->ncomments < MAX_COMMENTS &&
			    sf_ng_next_comment(&pk, &s, &slen)) {
				x->comments[x->ncomments] = malloc(slen + 1);
				memcpy(x->comments[x->ncomments], s, slen);
				x->comments[x->ncomments][slen] = '\0';
				x->lens[x->ncomments++] = slen;
			}
		} else {
			ifc.dlt = pcap_datalink(p);
			ifc.snaplen = (uint32_t)pcap_snapshot(p);
		}
		/* Nanoseconds and no offset: the reader's time stamps exactly. */
		ifc.tsresol_code = 9;
		ifc.tsoffset = 0;
		if (idx >= sizeof(map) / sizeof(map[0]))
			goto skip;
		if (map[idx] < 0) {
			int id = ngw_add_iface(w, &ifc);

			if (id < 0) {
				/* A link type with no LINKTYPE_ value cannot be
				   written: not a writer bug, end here. */
				for (i = 0; i < x->ncomments; i++)
					free(x->comments[i]);
				goto done;
			}
			if ((uint32_t)id != nmap)
				fail("interface ids are not 0, 1, 2, ...", n);
			map[idx] = id;
			wifs[nmap].dlt = ifc.dlt;
			wifs[nmap].snaplen = ifc.snaplen;
			wifs[nmap].str[0] = dup_or_null(ifc.name);
			wifs[nmap].str[1] = dup_or_null(ifc.description);
			wifs[nmap].str[2] = dup_or_null(ifc.filter);
			wifs[nmap].str[3] = dup_or_null(ifc.os);
			wifs[nmap].str[4] = dup_or_null(ifc.hardware);
			nmap++;
		}
		/* What nanoseconds in an unsigned 64-bit count cannot hold.
		   The fraction may be out of range (a classic record's
		   microseconds >= 10^6, scaled): normalised here, as the
		   writer's caller must. */
		if (h->ts.tv_sec < 0 || h->ts.tv_usec < 0 ||
		    (uint64_t)h->ts.tv_sec > UINT64_MAX / 1000000000u - 10 ||
		    (uint64_t)h->ts.tv_usec > 4000000000000000000u)
			goto skip;
		{
			uint64_t total = (uint64_t)h->ts.tv_sec * 1000000000u;

			if (UINT64_MAX - total < (uint64_t)h->ts.tv_usec)
				goto skip;
			total += (uint64_t)h->ts.tv_usec;
			x->sec = (int64_t)(total / 1000000000u);
			x->nsec = (uint32_t)(total % 1000000000u);
		}
		snap = ifc.snaplen;
		x->caplen = snap != 0 && h->caplen > snap ? snap : h->caplen;
		x->wirelen = h->len;
		x->iface = (uint32_t)map[idx];
		x->data = malloc(h->caplen ? h->caplen : 1);
		memcpy(x->data, pkt, h->caplen);
		memset(&np, 0, sizeof(np));
		np.iface = x->iface;
		np.sec = x->sec;
		np.nsec = x->nsec;
		np.caplen = h->caplen;
		np.wirelen = h->len;
		np.data = x->data;
		np.flags = x->flags;
		np.comments = (const char *const *)x->comments;
		np.comment_lens = x->lens;
		np.ncomments = x->ncomments;
		if (ngw_write(w, &np) != 0)
			fail(ngw_geterr(w), n);
		n++;
		continue;
skip:
		for (i = 0; i < x->ncomments; i++)
			free(x->comments[i]);
	}
done:
	if (ngw_close(w, 1, errbuf) != 0)
		fail(errbuf, n);
	pcap_close(p);

	/* Read it back. */
	if (n > 0 || nmap > 0) {
		FILE *back;
		int nat2;
		pcap_t *q = open_native((const uint8_t *)obuf, olen, &back, &nat2);
		size_t k = 0;

		if (q == NULL || !nat2)
			fail("our own file does not open as pcapng", 0);
		while ((rc = pcap_next_ex(q, &h, &pkt)) == 1) {
			struct sf_ng_packet pk;
			const struct sf_ng_iface *fi;
			struct want *x = &want[k];
			const char *s;
			size_t slen, c = 0;

			if (k >= n)
				fail("more packets read back than written", k);
			if (!sf_ng_last_packet(q, &pk))
				fail("no block facts for a packet read back", k);
			fi = sf_ng_iface_at(q, pk.iface);
			if (fi == NULL || pk.iface != x->iface)
				fail("interface differs", k);
			if (h->ts.tv_sec != x->sec || (uint32_t)h->ts.tv_usec != x->nsec)
				fail("time stamp differs", k);
			if (h->caplen != x->caplen || h->len != x->wirelen)
				fail("lengths differ", k);
			if (memcmp(pkt, x->data, x->caplen) != 0)
				fail("bytes differ", k);
			if (pk.flags != x->flags)
				fail("flags differ", k);
			while (sf_ng_next_comment(&pk, &s, &slen)) {
				if (c >= x->ncomments || slen != x->lens[c] ||
				    memcmp(s, x->comments[c], slen) != 0)
					fail("comments differ", k);
				c++;
			}
			if (c != x->ncomments)
				fail("comments missing", k);
			k++;
		}
		if (rc != PCAP_ERROR_BREAK)
			fail(pcap_geterr(q), k);
		if (k != n)
			fail("fewer packets read back than written", k);
		/* The interfaces: same link type, snaplen and strings as the
		   ones they were made from, in nanoseconds, no offset. */
		if (sf_ng_iface_count(q) != nmap)
			fail("interface count differs", nmap);
		for (i = 0; i < nmap; i++) {
			const struct sf_ng_iface *fi = sf_ng_iface_at(q, (uint32_t)i);

			if (fi->dlt != wifs[i].dlt || fi->snaplen != wifs[i].snaplen)
				fail("interface link type or snaplen differs", i);
			if (!same_str(fi->name, wifs[i].str[0]) ||
			    !same_str(fi->description, wifs[i].str[1]) ||
			    !same_str(fi->filter, wifs[i].str[2]) ||
			    !same_str(fi->os, wifs[i].str[3]) ||
			    !same_str(fi->hardware, wifs[i].str[4]))
				fail("interface strings differ", i);
			if (fi->tsresol != 1000000000u || fi->tsoffset != 0)
				fail("interface resolution/offset differs", i);
		}
		pcap_close(q);
	}
	for (i = 0; i < n; i++) {
		size_t c;

		free(want[i].data);
		for (c = 0; c < want[i].ncomments; c++)
			free(want[i].comments[c]);
	}
	for (i = 0; i < nmap; i++) {
		size_t c;

		for (c = 0; c < 5; c++)
			free(wifs[i].str[c]);
	}
	free(obuf);
	return 0;
}
