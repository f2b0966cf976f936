/*
 * sf-int.h - what the savefile readers share: the buffered input they read
 * records from, the per-handle reader state, the two format readers' entry
 * points (classic pcap and pcapng) and the pseudo-header post-processing.
 * Private to src/_libpcap/savefile; the rest of the core only sees
 * sf_open_fp() from pcap-int.h.
 */
#ifndef PCAP_SAVEFILE_SF_INT_H
#define PCAP_SAVEFILE_SF_INT_H

#include <stdint.h>
#include <string.h>

#include "pcap-int.h"
#include "savefile.h"

/* ---- sf-buffer.c: our own read buffer over the FILE * ------------------ */

/*
 * Records are parsed straight out of this buffer and handed to the caller
 * as pointers into it, so a packet costs no syscall and no copy.  Bytes in
 * [pos, end) are read but not consumed.  The buffer only grows when a
 * single record or block needs more contiguous bytes than it holds, and
 * then only as fast as the file actually delivers data, so a hostile length
 * in a short file never turns into a big allocation.
 */
struct sf_buf {
	FILE *fp;
	u_char *base;
	size_t cap;		/* bytes allocated at base */
	size_t pos;		/* first unconsumed byte */
	size_t end;		/* one past the last byte read */
	size_t chunk;		/* 0: read only what is asked (pipes), else
				   the size of each read-ahead */
	void (*leave)(void *);	/* around each fread (sf_set_read_hooks) */
	void (*enter)(void *);
	void *hook_arg;
	int (*interrupted)(void *);	/* on EINTR */
	void *intr_arg;
	int wakefd;		/* eventfd of ours that pcap_breakloop
				   writes (wakeable hooks), -1 if none */
};

/* exact: read only the bytes asked for, even without a descriptor (a
   stream that may block, see sf_open_stream). */
INTERNAL int sf_buf_init(struct sf_buf *b, FILE *fp, int exact, char *errbuf);
INTERNAL void sf_buf_free(struct sf_buf *b);
/*
 * Make at least n bytes available, contiguous, at base + pos.  Returns the
 * number available: n or more, fewer only at end of file; -1 on a read or
 * allocation error (message in errbuf).  Moves the unconsumed bytes, so
 * pointers into the buffer die here.
 */
INTERNAL ssize_t sf_buf_fill(struct sf_buf *b, size_t n, char *errbuf);
/*
 * Consume n bytes without keeping them.  Returns how many could be skipped
 * (fewer than n only at end of file) or -1 on error.
 */
INTERNAL ssize_t sf_buf_skip(struct sf_buf *b, size_t n, char *errbuf);

static inline size_t
sf_buf_avail(const struct sf_buf *b)
{
	return b->end - b->pos;
}

static inline u_char *
sf_buf_cur(const struct sf_buf *b)
{
	return b->base + b->pos;
}

/* ---- byte access: file fields are unaligned and may be byte-swapped ---- */

static inline uint16_t
sf_ld16(const u_char *p, int swapped)
{
	uint16_t v;

	memcpy(&v, p, sizeof v);
	return swapped ? __builtin_bswap16(v) : v;
}

static inline uint32_t
sf_ld32(const u_char *p, int swapped)
{
	uint32_t v;

	memcpy(&v, p, sizeof v);
	return swapped ? __builtin_bswap32(v) : v;
}

static inline uint64_t
sf_ld64(const u_char *p, int swapped)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return swapped ? __builtin_bswap64(v) : v;
}

/* ---- the per-handle reader state (p->priv) ----------------------------- */

/* How a pcapng interface's time stamps become the requested precision. */
enum sf_ng_scale {
	SF_NG_PASS,
	SF_NG_UP_DEC,
	SF_NG_DOWN_DEC,
	SF_NG_UP_BIN,
	SF_NG_DOWN_BIN
};

struct sf_ng_if {
	uint64_t tsresol;		/* ticks per second */
	uint64_t scale_factor;		/* for the power-of-10 cases */
	int64_t tsoffset;		/* seconds added to every time stamp */
	enum sf_ng_scale scale;
	uint32_t info;			/* its entry in sf_state.info_ifaces */
	int dlt;			/* native mode: its own link type */
	uint32_t snapshot;		/* ... and snapshot (adjusted) */
};

/*
 * What the blocks say, kept for sf_ng_iface_at / sf_ng_section_at: one
 * entry per IDB and SHB of the file (both bounded by the file's size, as
 * libpcap's interface table is), strings and lists in `owned`.
 */
struct sf_ng_info {
	struct sf_ng_iface *ifaces;
	uint32_t n_ifaces, cap_ifaces;
	struct sf_ng_section *sections;
	uint32_t n_sections, cap_sections;
	void **owned;			/* malloc'd strings and arrays */
	size_t n_owned, cap_owned;
};

struct sf_state {
	struct sf_buf in;
	int owns_fp;			/* fclose(p->rfile) at cleanup */

	/* classic pcap */
	size_t hdrsize;			/* 16, or 24 for the Kuznetzov magic */
	int lengths_swapped;		/* SF_LEN_* */
	int ts_scale;			/* SF_TS_* */

	/* pcapng */
	uint64_t user_tsresol;		/* 10^6 or 10^9 */
	uint32_t max_blocksize;
	uint32_t ifcount;		/* interfaces of the current section */
	uint32_t ifaces_size;
	struct sf_ng_if *ifaces;
	struct sf_ng_info info;
	int native;			/* sf_ng_set_native */
	int have_last;			/* last packet's facts are in last */
	struct sf_ng_packet last;
};

/* sf-nginfo.c: record a section / an interface (options at opts); 0, or
   -1 when out of memory.  sf_ng_opt_flags: epb_flags of an EPB's options. */
INTERNAL int sf_ng_info_section(struct sf_ng_info *info, int swapped,
    unsigned major, unsigned minor, int64_t length, const u_char *opts,
    size_t optlen);
INTERNAL int sf_ng_info_iface(struct sf_ng_info *info, uint32_t id, int dlt,
    uint32_t snaplen, const struct sf_ng_if *ifc, int swapped,
    const u_char *opts, size_t optlen);
INTERNAL uint32_t sf_ng_opt_flags(const u_char *opts, size_t optlen,
    int swapped);
INTERNAL int64_t sf_ng_opt_tsoffset(const u_char *opts, size_t optlen,
    int swapped);
INTERNAL void sf_ng_info_free(struct sf_ng_info *info);

enum { SF_LEN_NOT_SWAPPED, SF_LEN_SWAPPED, SF_LEN_MAYBE_SWAPPED };
enum { SF_TS_PASS, SF_TS_UP, SF_TS_DOWN };

/* ---- format readers ----------------------------------------------------- */

/* Results of a format probe. */
#define SF_PROBE_NOT_MINE	0	/* magic not ours: try the next format */
#define SF_PROBE_OK		1	/* p is set up */
#define SF_PROBE_FAILED		(-1)	/* it is ours but broken: errbuf set */

/*
 * Each probe starts with the 4 magic bytes available at the buffer's
 * current position and fills in p (linktype, snapshot, versions, swapped,
 * bufsize) and st.
 */
INTERNAL int sf_pcap_probe(pcap_t *p, struct sf_state *st, u_int precision,
    char *errbuf);
INTERNAL int sf_ng_probe(pcap_t *p, struct sf_state *st, u_int precision,
    char *errbuf);

/* next_packet for each format: 1 = a record, 0 = end of file, -1 = error. */
INTERNAL int sf_pcap_next(pcap_t *p, struct pcap_pkthdr *h,
    const u_char **data);
/* The savefile ops' set_read_hooks and breakloop (sf-buffer.c). */
INTERNAL int sf_set_read_hooks(pcap_t *p, const struct core_read_hooks *h);
INTERNAL void sf_breakloop(pcap_t *p);
/* The pcapng ops' record_meta (see struct pcap_ops). */
INTERNAL int sf_ng_record_meta(pcap_t *p, struct core_pkt *pk);
INTERNAL int sf_ng_next(pcap_t *p, struct pcap_pkthdr *h,
    const u_char **data);

/* libpcap's snapshot rule: 0 or more than INT_MAX means the DLT maximum. */
static inline uint32_t
sf_adjust_snapshot(int dlt, uint32_t snaplen)
{
	if (snaplen == 0 || snaplen > INT32_MAX)
		snaplen = dl_max_snaplen_for_dlt(dlt);
	return snaplen;
}

/* ---- sf-postprocess.c ---------------------------------------------------- */

/*
 * Fix what a record's writer stored in its own byte order (pseudo-headers
 * of a few DLTs) when the file is swapped, and the Linux USB isochronous
 * length.  Works in place on caplen bytes at data; may change h->len.
 */
INTERNAL void sf_post_process(int dlt, int swapped, struct pcap_pkthdr *h,
    u_char *data);

#endif /* PCAP_SAVEFILE_SF_INT_H */
