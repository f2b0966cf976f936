/*
 * test_savefile_build.h - helpers for the savefile tests: build classic
 * pcap and pcapng files byte by byte in memory (either byte order), hand
 * them to the reader through a temporary file, a pipe or a memory stream,
 * and collect what it returns.
 */
#ifndef TESTS_C_TEST_SAVEFILE_BUILD_H
#define TESTS_C_TEST_SAVEFILE_BUILD_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

/* ---- a growable byte string in a chosen byte order -------------------- */

struct bld {
	unsigned char *b;
	size_t n, cap;
	int be;			/* write multi-byte fields big-endian */
};

static inline void
b_init(struct bld *x, int be)
{
	x->b = NULL;
	x->n = x->cap = 0;
	x->be = be;
}

static inline void
b_free(struct bld *x)
{
	free(x->b);
	x->b = NULL;
	x->n = x->cap = 0;
}

static inline void
b_bytes(struct bld *x, const void *p, size_t n)
{
	if (x->n + n > x->cap) {
		size_t cap = x->cap ? x->cap : 256;

		while (cap < x->n + n)
			cap *= 2;
		x->b = realloc(x->b, cap);
		if (x->b == NULL)
			abort();
		x->cap = cap;
	}
	if (n != 0)
		memcpy(x->b + x->n, p, n);
	x->n += n;
}

static inline void
b_int(struct bld *x, uint64_t v, int size)
{
	unsigned char t[8];
	int i;

	for (i = 0; i < size; i++)
		t[x->be ? size - 1 - i : i] = (unsigned char)(v >> (8 * i));
	b_bytes(x, t, (size_t)size);
}

static inline void b_u8(struct bld *x, uint64_t v) { b_int(x, v, 1); }
static inline void b_u16(struct bld *x, uint64_t v) { b_int(x, v, 2); }
static inline void b_u32(struct bld *x, uint64_t v) { b_int(x, v, 4); }
static inline void b_u64(struct bld *x, uint64_t v) { b_int(x, v, 8); }

static inline void
b_fill(struct bld *x, int byte, size_t n)
{
	while (n-- > 0)
		b_u8(x, (uint64_t)byte);
}

/* Overwrite a 32-bit field already written at off. */
static inline void
b_put32_at(struct bld *x, size_t off, uint32_t v)
{
	size_t save = x->n;

	x->n = off;
	b_u32(x, v);
	x->n = save;
}

/* Deterministic packet bytes: byte i of packet seed is (seed * 31 + i). */
static inline void
b_payload(struct bld *x, unsigned seed, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		b_u8(x, (seed * 31 + i) & 0xff);
}

static inline int
payload_ok(const unsigned char *d, unsigned seed, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (d[i] != ((seed * 31 + i) & 0xff))
			return 0;
	return 1;
}

/* ---- classic pcap -------------------------------------------------------- */

#define T_MAGIC_USEC	0xa1b2c3d4u
#define T_MAGIC_NSEC	0xa1b23c4du
#define T_MAGIC_KUZ	0xa1b2cd34u

static inline void
pcap_hdr(struct bld *x, uint32_t magic, unsigned vmaj, unsigned vmin,
    uint32_t snaplen, uint32_t linktype)
{
	b_u32(x, magic);
	b_u16(x, vmaj);
	b_u16(x, vmin);
	b_u32(x, 0);
	b_u32(x, 0);
	b_u32(x, snaplen);
	b_u32(x, linktype);
}

/* A record header followed by n payload bytes of the given seed. */
static inline void
pcap_rec(struct bld *x, uint32_t sec, uint32_t frac, uint32_t caplen,
    uint32_t len, unsigned seed, size_t n)
{
	b_u32(x, sec);
	b_u32(x, frac);
	b_u32(x, caplen);
	b_u32(x, len);
	b_payload(x, seed, n);
}

/* ---- pcapng ---------------------------------------------------------------- */

/* Start a block; returns its offset for ng_end. */
static inline size_t
ng_begin(struct bld *x, uint32_t type)
{
	size_t start = x->n;

	b_u32(x, type);
	b_u32(x, 0);		/* patched by ng_end */
	return start;
}

/* Pad the body to 4 bytes, append the trailer, patch the header length. */
static inline void
ng_end(struct bld *x, size_t start)
{
	uint32_t len;

	while ((x->n - start) % 4 != 0)
		b_u8(x, 0);
	len = (uint32_t)(x->n - start + 4);
	b_u32(x, len);
	b_put32_at(x, start + 4, len);
}

static inline void
ng_opt(struct bld *x, unsigned code, const void *val, size_t len)
{
	b_u16(x, code);
	b_u16(x, len);
	b_bytes(x, val, len);
	while (len++ % 4 != 0)
		b_u8(x, 0);
}

static inline void
ng_shb(struct bld *x, unsigned vmaj, unsigned vmin)
{
	size_t s = ng_begin(x, 0x0A0D0D0A);

	b_u32(x, 0x1A2B3C4D);
	b_u16(x, vmaj);
	b_u16(x, vmin);
	b_u64(x, UINT64_MAX);	/* section length unknown */
	ng_end(x, s);
}

/* An IDB; tsresol < 0 means no if_tsresol; has_off adds if_tsoffset. */
static inline void
ng_idb(struct bld *x, unsigned linktype, uint32_t snaplen, int tsresol,
    int has_off, int64_t tsoffset)
{
	size_t s = ng_begin(x, 1);

	b_u16(x, linktype);
	b_u16(x, 0);
	b_u32(x, snaplen);
	if (tsresol >= 0) {
		unsigned char r = (unsigned char)tsresol;

		ng_opt(x, 9, &r, 1);
	}
	if (has_off) {
		b_u16(x, 14);
		b_u16(x, 8);
		b_u64(x, (uint64_t)tsoffset);
	}
	if (tsresol >= 0 || has_off)
		ng_opt(x, 0, NULL, 0);
	ng_end(x, s);
}

static inline void
ng_epb(struct bld *x, uint32_t ifid, uint64_t ts, uint32_t caplen,
    uint32_t len, unsigned seed, size_t n)
{
	size_t s = ng_begin(x, 6);

	b_u32(x, ifid);
	b_u32(x, ts >> 32);
	b_u32(x, ts & 0xffffffffu);
	b_u32(x, caplen);
	b_u32(x, len);
	b_payload(x, seed, n);
	ng_end(x, s);
}

/* ---- handing the bytes to the reader ---------------------------------------- */

enum { VIA_TMPFILE, VIA_PIPE, VIA_MEM, VIA_COUNT };

static const char *const via_name[VIA_COUNT] = { "tmpfile", "pipe", "fmemopen" };

struct pipe_job {
	int fd;
	const unsigned char *b;
	size_t n;
};

static inline void *
pipe_writer(void *arg)
{
	struct pipe_job *j = arg;
	size_t off = 0;

	while (off < j->n) {
		ssize_t w = write(j->fd, j->b + off, j->n - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			break;		/* reader went away */
		}
		off += (size_t)w;
	}
	close(j->fd);
	free(j);
	return NULL;
}

/* Buffers behind fmemopen streams, freed when the program ends. */
#define MAXKEEP 4096
static unsigned char *keep[MAXKEEP];
static int keep_count;

static inline void
keep_free(void)
{
	while (keep_count > 0)
		free(keep[--keep_count]);
}

/* A FILE * reading x's bytes; *thr is set when a writer thread runs. */
static inline FILE *
bytes_stream(const struct bld *x, int via, pthread_t *thr, int *have_thr)
{
	FILE *f = NULL;

	*have_thr = 0;
	if (via == VIA_MEM && x->n > 0) {
		/* fmemopen reads a buffer that must outlive the stream. */
		unsigned char *copy;

		if (keep_count >= MAXKEEP)
			abort();
		copy = malloc(x->n);
		if (copy == NULL)
			abort();
		if (keep_count == 0)
			atexit(keep_free);
		memcpy(copy, x->b, x->n);
		keep[keep_count++] = copy;
		return fmemopen(copy, x->n, "rb");
	}
	if (via == VIA_PIPE) {
		int fds[2];
		struct pipe_job *j = malloc(sizeof *j);

		if (j == NULL || pipe(fds) != 0)
			abort();
		j->fd = fds[1];
		j->b = x->b;
		j->n = x->n;
		if (pthread_create(thr, NULL, pipe_writer, j) != 0)
			abort();
		*have_thr = 1;
		return fdopen(fds[0], "rb");
	}
	f = tmpfile();
	if (f == NULL)
		abort();
	if (x->n != 0 && fwrite(x->b, 1, x->n, f) != x->n)
		abort();
	rewind(f);
	return f;
}

/* ---- collecting what the reader returns -------------------------------------- */

#define MAXREC 64

struct rec {
	long long sec, frac;
	unsigned caplen, len;
	unsigned char *data;
};

struct result {
	int opened;
	char open_err[PCAP_ERRBUF_SIZE];
	int linktype, linktype_ext, snapshot, swapped, vmaj, vmin, bufsize;
	int nrec;
	struct rec r[MAXREC];
	int status;			/* last pcap_next_ex: -2 or -1 */
	char read_err[PCAP_ERRBUF_SIZE];
	int after;			/* pcap_next_ex after the end/error */
};

static inline void
result_free(struct result *res)
{
	int i;

	for (i = 0; i < res->nrec; i++)
		free(res->r[i].data);
	res->nrec = 0;
}

/* Open x's bytes with the given precision and read everything. */
static inline void
read_all(const struct bld *x, int via, u_int precision, struct result *res)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pthread_t thr = 0;
	int have_thr;
	FILE *f;
	pcap_t *p;

	memset(res, 0, sizeof *res);
	f = bytes_stream(x, via, &thr, &have_thr);
	errbuf[0] = '\0';
	p = pcap_fopen_offline_with_tstamp_precision(f, precision, errbuf);
	if (p == NULL) {
		snprintf(res->open_err, sizeof res->open_err, "%s", errbuf);
		fclose(f);	/* a failed open leaves the stream to us */
		if (have_thr)
			pthread_join(thr, NULL);
		return;
	}
	res->opened = 1;
	res->linktype = pcap_datalink(p);
	res->linktype_ext = pcap_datalink_ext(p);
	res->snapshot = pcap_snapshot(p);
	res->swapped = pcap_is_swapped(p);
	res->vmaj = pcap_major_version(p);
	res->vmin = pcap_minor_version(p);
	for (;;) {
		int st = pcap_next_ex(p, &h, &d);

		if (st != 1) {
			res->status = st;
			if (st == -1)
				snprintf(res->read_err, sizeof res->read_err,
				    "%s", pcap_geterr(p));
			break;
		}
		if (res->nrec < MAXREC) {
			struct rec *r = &res->r[res->nrec++];

			r->sec = (long long)h->ts.tv_sec;
			r->frac = (long long)h->ts.tv_usec;
			r->caplen = h->caplen;
			r->len = h->len;
			r->data = malloc(h->caplen ? h->caplen : 1);
			if (r->data == NULL)
				abort();
			memcpy(r->data, d, h->caplen);
		}
	}
	res->after = pcap_next_ex(p, &h, &d);
	res->bufsize = pcap_bufsize(p);
	pcap_close(p);		/* closes f */
	if (have_thr)
		pthread_join(thr, NULL);
}

#endif /* TESTS_C_TEST_SAVEFILE_BUILD_H */
