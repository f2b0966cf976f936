/*
 * savefile.h - what the savefile reader offers the rest of the library
 * beyond libpcap's public API.  All of it is internal (hidden); the native
 * Python API calls it directly.
 */
#ifndef PCAP_SAVEFILE_SAVEFILE_H
#define PCAP_SAVEFILE_SAVEFILE_H

#include "pcap-int.h"

/*
 * pcap_fopen_offline_with_tstamp_precision for a stream that may block
 * between packets although it has no descriptor (an fopencookie stream
 * over a Python file object): only the bytes needed are ever read, so a
 * packet is handed over as soon as it has arrived.  fp is closed by
 * pcap_close; on failure it is left to the caller, as libpcap leaves it.
 */
INTERNAL pcap_t *sf_open_stream(FILE *fp, u_int precision, char *errbuf);

/* ---- pcapng beyond libpcap (sf-pcapng.c): the native API's reader ------ */

/*
 * Make a pcapng reader read every pcapng file: interfaces of any link type
 * and snapshot length, sections of either byte order, and keep what the
 * blocks say (interfaces, sections, each packet's interface, flags and
 * comments) for the calls below.  libpcap's API never sets it, so the C
 * API and the compatibility layer refuse what libpcap refuses.  Returns
 * 0, or PCAP_ERROR when p is not a pcapng savefile opened for reading.
 */
INTERNAL int sf_ng_set_native(pcap_t *p);

/* One Section Header Block as read (strings NUL-terminated, NULL if the
   option is absent). */
struct sf_ng_section {
	int swapped;			/* the other byte order than ours */
	unsigned major, minor;
	int64_t length;			/* -1: not given */
	const char *hardware, *os, *application;
	const char *const *comments;
	uint32_t ncomments;
};

/* One Interface Description Block as read. */
struct sf_ng_iface {
	uint32_t section;		/* index of its section */
	uint32_t id;			/* its interface id in that section */
	int dlt;			/* DLT_ value of its link type */
	uint32_t snaplen;		/* as written (0: none) */
	const char *name, *description, *filter, *os, *hardware;
	uint8_t tsresol_code;		/* if_tsresol byte (6 when absent) */
	uint64_t tsresol;		/* ticks per second, 0: 2^-127.. */
	int64_t tsoffset;		/* seconds */
	uint64_t speed;			/* bits/s, 0: not given */
	const char *const *comments;
	uint32_t ncomments;
};

/* What the last packet read came with.  opts/optlen: its options, valid
   until the next read (see sf_ng_next_comment). */
struct sf_ng_packet {
	uint32_t iface;			/* index into the file's interfaces */
	uint32_t flags;			/* epb_flags, 0 if absent */
	const u_char *opts;
	uint32_t optlen;
	int swapped;
};

/* Interfaces and sections seen so far, in file order (native mode only;
   0 otherwise).  Pointers stay valid until pcap_close. */
INTERNAL uint32_t sf_ng_iface_count(pcap_t *p);
INTERNAL const struct sf_ng_iface *sf_ng_iface_at(pcap_t *p, uint32_t i);
INTERNAL uint32_t sf_ng_section_count(pcap_t *p);
INTERNAL const struct sf_ng_section *sf_ng_section_at(pcap_t *p, uint32_t i);
/* The last packet's block facts: 1 and *out set for a pcapng packet read
   in native mode, 0 otherwise. */
INTERNAL int sf_ng_last_packet(pcap_t *p, struct sf_ng_packet *out);
/* The next opt_comment of pk's options: 1 with *s, *len (not
   NUL-terminated; the walk advances pk->opts), 0 when none is left. */
INTERNAL int sf_ng_next_comment(struct sf_ng_packet *pk, const char **s,
    size_t *len);

/* ---- pcap records for the native API (dumper.c) ------------------------ */

/* sf_dump_record's answer for a time stamp pcap's 32 bits cannot hold. */
#define SF_DUMP_TS_RANGE (-2)
/*
 * pcap_dump of one packet given as the native API has it: time stamp in
 * seconds and nanoseconds (written at the dumper's precision), cut to
 * snaplen as a capture would cut it (the wire length kept at least the
 * packet's).  0, or SF_DUMP_TS_RANGE (nothing written).  Write errors
 * stay on the stream, as for pcap_dump.
 */
INTERNAL int sf_dump_record(pcap_dumper_t *d, int64_t sec, uint32_t nsec,
    const u_char *data, size_t len, uint32_t wirelen, uint32_t snaplen);

/* ---- the pcapng writer (sf-ngwrite.c) ----------------------------------- */

struct ngw;

/* Section Header Block options; NULL members are left out. */
struct ngw_section {
	const char *hardware, *os, *application, *comment;
};

/* An Interface Description Block. */
struct ngw_iface {
	int dlt;			/* written as its LINKTYPE_ value */
	uint32_t snaplen;		/* 0: no limit; longer packets are cut */
	const char *name, *description, *filter, *os, *hardware;
	uint8_t tsresol_code;		/* if_tsresol: 9 = ns, 6 = us, 0x80|k */
	int64_t tsoffset;		/* seconds; 0 = option left out */
	uint64_t speed;			/* bits/s; 0 = left out */
};

/* One packet for ngw_write. */
struct ngw_packet {
	uint32_t iface;
	int64_t sec;
	uint32_t nsec;
	uint32_t caplen, wirelen;
	const u_char *data;
	uint32_t flags;			/* epb_flags; written when nonzero */
	int flags_from_link;		/* flags 0: take them from a cooked
					   (SLL/SLL2) header, if any */
	const char *const *comments;	/* opt_comment values (UTF-8) */
	const size_t *comment_lens;
	size_t ncomments;
};

/* Interface statistics, written as an ISB at close; a member of ~0 is
   left out. */
struct ngw_stats {
	uint64_t received, dropped, os_dropped, delivered;
};

/*
 * A writer on fp, a stream open for writing: writes the Section Header
 * Block.  NULL with errbuf (PCAP_ERRBUF_SIZE) on failure, fp untouched.
 */
INTERNAL struct ngw *ngw_open(FILE *fp, const struct ngw_section *sec,
    char *errbuf);
/*
 * A writer that appends to the pcapng file open (read and write, at its
 * start) as fp: the file is read through with the reader's rules; if its
 * last section is in our byte order and of unspecified length, packets
 * continue it, its interfaces keep their ids (ngw_iface_count); otherwise
 * a new section starts.  A file that ends inside a block is refused (so
 * nothing after it would be unreadable).  An empty file gets an SHB.
 */
INTERNAL struct ngw *ngw_open_append(FILE *fp, const struct ngw_section *sec,
    char *errbuf);
INTERNAL uint32_t ngw_iface_count(const struct ngw *w);
/* The interface with that id (an added one or one found when appending). */
INTERNAL const struct ngw_iface *ngw_iface_at(const struct ngw *w,
    uint32_t id);
/* The IDB a writer would write for an interface the reader read (its
   strings borrowed from f). */
INTERNAL void ngw_iface_from_read(struct ngw_iface *out,
    const struct sf_ng_iface *f);
/* Write an IDB; its id (>= 0), or -1 (ngw_geterr). */
INTERNAL int ngw_add_iface(struct ngw *w, const struct ngw_iface *ifc);
/* The id of the interface for a Linux ifindex, an IDB named after it
   (if_indextoname) written the first time; -1 on error. */
INTERNAL int ngw_iface_for_ifindex(struct ngw *w, uint32_t ifindex, int dlt,
    uint32_t snaplen);
/* For a LINUX_SLL2 packet (a capture on "any"): the id of the interface
   its cooked header names (as ngw_iface_for_ifindex); -2 when it names
   none (another link type, or too short), -1 on error. */
INTERNAL int ngw_iface_for_cooked(struct ngw *w, int dlt, uint32_t snaplen,
    const u_char *data, uint32_t caplen);
/* Write an EPB; 0, or -1 (ngw_geterr; the first error is kept). */
INTERNAL int ngw_write(struct ngw *w, const struct ngw_packet *pk);
/* A name for an IPv4 (af AF_INET) or IPv6 address, written in a Name
   Resolution Block at close.  0 or -1. */
INTERNAL int ngw_add_name(struct ngw *w, int af, const void *addr,
    const char *name);
/* Statistics for an interface, written in an ISB at close. */
INTERNAL int ngw_set_stats(struct ngw *w, uint32_t iface,
    const struct ngw_stats *st);
INTERNAL int ngw_flush(struct ngw *w);
/* Write the NRB and ISBs, flush, free w; fclose(fp) if close_fp.  0, or
   -1 with the first error in errbuf and its errno in errno. */
INTERNAL int ngw_close(struct ngw *w, int close_fp, char *errbuf);
INTERNAL const char *ngw_geterr(const struct ngw *w);
INTERNAL FILE *ngw_file(const struct ngw *w);
/* The errno of the first failed write, 0 if none.  ngw_failed: a write
   failed, and every later call fails the same way (a call refused for its
   arguments writes nothing and leaves the writer as it was). */
INTERNAL int ngw_errno(const struct ngw *w);
INTERNAL int ngw_failed(const struct ngw *w);

#endif /* PCAP_SAVEFILE_SAVEFILE_H */
