/*
 * sf-ngwrite.c - the pcapng writer (libpcap has none): a Section Header
 * Block, an Interface Description Block per interface, an Enhanced Packet
 * Block per packet (interface id, original length, flags, comments), and
 * at close a Name Resolution Block and Interface Statistics Blocks.
 *
 * Blocks are written in host byte order, whole, each with one or a few
 * fwrite calls, so a file cut at any point (a crash, a full disk) holds
 * every block before the cut intact: readers stop at the partial one.  The
 * first write error is kept and reported by every later call.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sf-int.h"
#include "sf-ngformat.h"

/* Our reader (and libpcap's) take blocks this big whatever the link type. */
#define MAX_BLOCK	INITIAL_MAX_BLOCKSIZE
#define NO_STAT		UINT64_MAX

struct ngw_if {
	struct ngw_iface ifc;		/* strings owned */
	uint32_t ifindex;		/* ngw_iface_for_ifindex, 0 if not */
	int has_stats, has_ts;
	struct ngw_stats stats;
	uint64_t first_ts, last_ts;	/* in the interface's units */
};

struct ngw_name {
	int af;
	u_char addr[16];
	char *name;
};

struct ngw {
	FILE *fp;
	struct ngw_if *ifs;
	uint32_t n_ifs, cap_ifs;
	struct ngw_name *names;
	size_t n_names, cap_names;
	u_char *buf;			/* a block being assembled */
	size_t len, cap;
	int failed, werrno;
	char errbuf[PCAP_ERRBUF_SIZE];
};

/* ---- errors and the block buffer ---------------------------------------- */

/* A call that wrote nothing failed: the writer stays usable. */
static int
fail(struct ngw *w, const char *what)
{
	if (!w->failed)
		core_fmt(w->errbuf, "%s", what);
	return -1;
}

static int
fail_errno(struct ngw *w, int err, const char *what)
{
	if (!w->failed) {
		w->failed = 1;
		w->werrno = err;
		core_fmt_errno(w->errbuf, err, "%s", what);
	}
	return -1;
}

static int
reserve(struct ngw *w, size_t more)
{
	size_t ncap;
	u_char *nb;

	if (more > MAX_BLOCK || w->len + more > MAX_BLOCK)
		return fail(w, "pcapng block would be longer than 16 MiB");
	if (w->len + more <= w->cap)
		return 0;
	ncap = w->cap ? w->cap : 256;
	while (ncap < w->len + more)
		ncap *= 2;
	nb = realloc(w->buf, ncap);
	if (nb == NULL)
		return fail(w, "out of memory");
	w->buf = nb;
	w->cap = ncap;
	return 0;
}

static void
put(struct ngw *w, const void *v, size_t n)
{
	memcpy(w->buf + w->len, v, n);
	w->len += n;
}

static void
put16(struct ngw *w, uint16_t v)
{
	put(w, &v, 2);
}

static void
put32(struct ngw *w, uint32_t v)
{
	put(w, &v, 4);
}

static void
put64(struct ngw *w, uint64_t v)
{
	put(w, &v, 8);
}

static void
pad4(struct ngw *w)
{
	static const u_char zero[4];

	put(w, zero, (4 - w->len % 4) % 4);
}

/* Start a block: type and a length patched by block_end. */
static int
block_begin(struct ngw *w, uint32_t type, size_t body_hint)
{
	w->len = 0;
	if (reserve(w, 8 + body_hint) < 0)
		return -1;
	put32(w, type);
	put32(w, 0);
	return 0;
}

static int
opt(struct ngw *w, uint16_t code, const void *val, size_t len)
{
	if (len > OPT_MAX_LEN)
		return fail(w, "pcapng option value longer than 65,535 bytes");
	if (reserve(w, 4 + len + 3) < 0)
		return -1;
	put16(w, code);
	put16(w, (uint16_t)len);
	put(w, val, len);
	pad4(w);
	return 0;
}

static int
opt_str(struct ngw *w, uint16_t code, const char *s)
{
	return s == NULL ? 0 : opt(w, code, s, strlen(s));
}

static int
opt_u64(struct ngw *w, uint16_t code, uint64_t v)
{
	return opt(w, code, &v, 8);
}

/* A time stamp option: the high 32 bits, then the low ones. */
static int
opt_ts(struct ngw *w, uint16_t code, uint64_t ts)
{
	uint32_t v[2] = { (uint32_t)(ts >> 32), (uint32_t)ts };

	return opt(w, code, v, 8);
}

/* opt_endofopt when opened_options, the trailer, the length; written. */
static int
block_end(struct ngw *w, int any_options)
{
	uint32_t total;

	if (reserve(w, 8) < 0)
		return -1;
	if (any_options) {
		put16(w, OPT_ENDOFOPT);
		put16(w, 0);
	}
	total = (uint32_t)(w->len + 4);
	put32(w, total);
	memcpy(w->buf + 4, &total, 4);
	if (fwrite(w->buf, 1, w->len, w->fp) != w->len)
		return fail_errno(w, errno ? errno : EIO,
		    "error writing pcapng file");
	return 0;
}

/* ---- blocks ---------------------------------------------------------------- */

static int
write_shb(struct ngw *w, const struct ngw_section *sec)
{
	int any;

	if (block_begin(w, BT_SHB, 64) < 0)
		return -1;
	put32(w, BYTE_ORDER_MAGIC);
	put16(w, 1);
	put16(w, 0);
	put64(w, UINT64_MAX);		/* section length: not given */
	any = sec != NULL && (sec->hardware || sec->os || sec->application ||
	    sec->comment);
	if (any && (opt_str(w, OPT_COMMENT, sec->comment) < 0 ||
	    opt_str(w, SHB_HARDWARE, sec->hardware) < 0 ||
	    opt_str(w, SHB_OS, sec->os) < 0 ||
	    opt_str(w, SHB_USERAPPL, sec->application) < 0))
		return -1;
	if (w->len + 8 > SHB_MAX_LEN)
		return fail(w, "pcapng section header options longer than "
		    "1 MiB");
	return block_end(w, any);
}

static char *
dup_opt(const char *s, int *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*oom = 1;
	return d;
}

static void
free_iface_strings(struct ngw_iface *f)
{
	free((char *)f->name);
	free((char *)f->description);
	free((char *)f->filter);
	free((char *)f->os);
	free((char *)f->hardware);
}

void
ngw_iface_from_read(struct ngw_iface *out, const struct sf_ng_iface *f)
{
	memset(out, 0, sizeof *out);
	out->dlt = f->dlt;
	out->snaplen = f->snaplen;
	out->name = f->name;
	out->description = f->description;
	out->filter = f->filter;
	out->os = f->os;
	out->hardware = f->hardware;
	out->tsresol_code = f->tsresol_code;
	out->tsoffset = f->tsoffset;
	out->speed = f->speed;
}

static int
valid_tsresol(uint8_t code)
{
	return (code & 0x80) ? (code & 0x7f) <= 63 : code <= 19;
}

/* Record an interface (strings copied); its id or -1. */
static int
remember_iface(struct ngw *w, const struct ngw_iface *ifc)
{
	struct ngw_if *r;
	int oom = 0;

	if (w->n_ifs == INT_MAX)
		return fail(w, "too many interfaces");
	if (w->n_ifs == w->cap_ifs) {
		uint32_t ncap = w->cap_ifs ? 2 * w->cap_ifs : 4;
		struct ngw_if *n = realloc(w->ifs, (size_t)ncap * sizeof *n);

		if (n == NULL)
			return fail(w, "out of memory");
		w->ifs = n;
		w->cap_ifs = ncap;
	}
	r = &w->ifs[w->n_ifs];
	memset(r, 0, sizeof *r);
	r->ifc = *ifc;
	r->ifc.name = dup_opt(ifc->name, &oom);
	r->ifc.description = dup_opt(ifc->description, &oom);
	r->ifc.filter = dup_opt(ifc->filter, &oom);
	r->ifc.os = dup_opt(ifc->os, &oom);
	r->ifc.hardware = dup_opt(ifc->hardware, &oom);
	if (oom) {
		free_iface_strings(&r->ifc);
		return fail(w, "out of memory");
	}
	return (int)w->n_ifs++;
}

int
ngw_add_iface(struct ngw *w, const struct ngw_iface *ifc)
{
	int linktype, id;

	if (w->failed)
		return -1;
	linktype = dl_dlt_to_linktype(ifc->dlt);
	if (linktype < 0 || linktype > 0xFFFF) {
		core_fmt(w->errbuf, "link-layer type %d has no LINKTYPE_ value "
		    "and cannot be written to a file", ifc->dlt);
		return -1;
	}
	if (!valid_tsresol(ifc->tsresol_code)) {
		core_fmt(w->errbuf, "if_tsresol %#x is not a resolution "
		    "(10^-0 .. 10^-19 or 2^-0 .. 2^-63)", ifc->tsresol_code);
		return -1;
	}
	if (block_begin(w, BT_IDB, 64) < 0)
		return -1;
	put16(w, (uint16_t)linktype);
	put16(w, 0);
	put32(w, ifc->snaplen);
	if (opt_str(w, IF_NAME, ifc->name) < 0 ||
	    opt_str(w, IF_DESCRIPTION, ifc->description) < 0 ||
	    (ifc->speed != 0 && opt_u64(w, IF_SPEED, ifc->speed) < 0) ||
	    opt(w, IF_TSRESOL, &ifc->tsresol_code, 1) < 0 ||
	    (ifc->tsoffset != 0 &&
	    opt_u64(w, IF_TSOFFSET, (uint64_t)ifc->tsoffset) < 0) ||
	    opt_str(w, IF_OS, ifc->os) < 0 ||
	    opt_str(w, IF_HARDWARE, ifc->hardware) < 0)
		return -1;
	if (ifc->filter != NULL) {
		size_t n = strlen(ifc->filter);

		if (n + 1 > OPT_MAX_LEN)
			return fail(w, "if_filter longer than 65,534 bytes");
		if (reserve(w, 4 + n + 1 + 3) < 0)
			return -1;
		put16(w, IF_FILTER);
		put16(w, (uint16_t)(n + 1));
		put(w, "", 1);		/* 0: a libpcap filter string */
		put(w, ifc->filter, n);
		pad4(w);
	}
	id = remember_iface(w, ifc);
	if (id < 0)
		return -1;
	if (block_end(w, 1) < 0)
		return -1;
	return id;
}

int
ngw_iface_for_ifindex(struct ngw *w, uint32_t ifindex, int dlt,
    uint32_t snaplen)
{
	char name[IF_NAMESIZE + 16];
	struct ngw_iface ifc;
	uint32_t i;
	int id;

	for (i = 0; i < w->n_ifs; i++)
		if (w->ifs[i].ifindex == ifindex && ifindex != 0 &&
		    w->ifs[i].ifc.dlt == dlt)
			return (int)i;
	if (if_indextoname(ifindex, name) == NULL)
		snprintf(name, sizeof name, "ifindex %u", ifindex);
	memset(&ifc, 0, sizeof ifc);
	ifc.dlt = dlt;
	ifc.snaplen = snaplen;
	ifc.name = name;
	ifc.tsresol_code = 9;
	id = ngw_add_iface(w, &ifc);
	if (id >= 0)
		w->ifs[id].ifindex = ifindex;
	return id;
}

int
ngw_iface_for_cooked(struct ngw *w, int dlt, uint32_t snaplen,
    const u_char *data, uint32_t caplen)
{
	uint32_t ifindex;

	/* LINUX_SLL2: protocol (2), reserved (2), interface index (4, big
	   endian), ... (20 bytes in all). */
	if (dlt != DLT_LINUX_SLL2 || caplen < 20)
		return -2;
	ifindex = (uint32_t)data[4] << 24 | (uint32_t)data[5] << 16 |
	    (uint32_t)data[6] << 8 | data[7];
	return ngw_iface_for_ifindex(w, ifindex, dlt, snaplen);
}

/* The epb_flags (direction, reception type) a LINUX_SLL or LINUX_SLL2
   packet's cooked header tells; 0 for other link types. */
static uint32_t
cooked_flags(int dlt, const u_char *data, uint32_t caplen)
{
	/* epb_flags: direction (bits 0-1) and reception type (bits 2-4) of
	   the Linux packet types 0..4 (host, broadcast, multicast, other
	   host, outgoing). */
	static const uint32_t by_type[5] = {
		1 | 1 << 2, 1 | 3 << 2, 1 | 2 << 2, 1 | 4 << 2, 2
	};
	unsigned type;

	if (dlt == DLT_LINUX_SLL && caplen >= 2)
		type = (unsigned)data[0] << 8 | data[1];
	else if (dlt == DLT_LINUX_SLL2 && caplen >= 11)
		type = data[10];
	else
		return 0;
	return type < 5 ? by_type[type] : 0;
}

/*
 * sec.nsec as a count of the interface's ticks since its tsoffset; -1 if
 * it is before that or does not fit in 64 bits.
 */
static int
to_ticks(const struct ngw_iface *ifc, int64_t sec, uint32_t nsec,
    uint64_t *out)
{
	__int128 s, t;
	unsigned k;

	/* The common case: nanoseconds, no offset, a time that fits. */
	if (ifc->tsresol_code == 9 && ifc->tsoffset == 0 && sec >= 0 &&
	    sec < 18446744073LL && nsec < 1000000000u) {
		uint64_t v = (uint64_t)sec * 1000000000u + nsec;

		if (v >= (uint64_t)sec) {	/* no wrap near 2^64 */
			*out = v;
			return 0;
		}
	}
	s = (__int128)sec - ifc->tsoffset;

	if (s < 0)
		return -1;
	if (ifc->tsresol_code & 0x80) {
		k = ifc->tsresol_code & 0x7f;
		t = (s << k) + (((__int128)nsec << k) / 1000000000);
	} else {
		__int128 scale = 1;

		k = ifc->tsresol_code;
		for (unsigned i = 0; i < k; i++)
			scale *= 10;
		if (k <= 9) {
			__int128 div = 1;

			for (unsigned i = k; i < 9; i++)
				div *= 10;
			t = s * scale + nsec / div;
		} else {
			__int128 mul = 1;

			for (unsigned i = 9; i < k; i++)
				mul *= 10;
			/* s * 10^19 may not fit __int128 for huge s */
			if (s > ((__int128)1 << 64))
				return -1;
			t = s * scale + (__int128)nsec * mul;
		}
	}
	if (t < 0 || t > (__int128)UINT64_MAX)
		return -1;
	*out = (uint64_t)t;
	return 0;
}

int
ngw_write(struct ngw *w, const struct ngw_packet *pk)
{
	static const u_char zero[4];
	struct ngw_if *r;
	uint32_t caplen = pk->caplen, hdr[7], total, pad, flags = pk->flags;
	size_t optbytes = 0, i;
	uint64_t ticks;

	if (w->failed)
		return -1;
	if (pk->iface >= w->n_ifs) {
		core_fmt(w->errbuf, "no interface %u in this section (%u "
		    "added)", pk->iface, w->n_ifs);
		return -1;
	}
	r = &w->ifs[pk->iface];
	if (to_ticks(&r->ifc, pk->sec, pk->nsec, &ticks) < 0) {
		core_fmt(w->errbuf, "time stamp %lld.%09u cannot be written "
		    "for interface %u (before its if_tsoffset %lld, or too "
		    "large)", (long long)pk->sec, pk->nsec, pk->iface,
		    (long long)r->ifc.tsoffset);
		return -1;
	}
	if (r->ifc.snaplen != 0 && caplen > r->ifc.snaplen)
		caplen = r->ifc.snaplen;
	for (i = 0; i < pk->ncomments; i++) {
		if (pk->comment_lens[i] > OPT_MAX_LEN) {
			core_fmt(w->errbuf, "comment of %zu bytes: a pcapng "
			    "option holds 65,535 at most", pk->comment_lens[i]);
			return -1;
		}
		optbytes += 4 + ((pk->comment_lens[i] + 3) & ~(size_t)3);
	}
	if (flags == 0 && pk->flags_from_link)
		flags = cooked_flags(r->ifc.dlt, pk->data, caplen);
	if (flags != 0)
		optbytes += 8;
	if (optbytes != 0)
		optbytes += 4;		/* opt_endofopt */
	pad = (4 - caplen % 4) % 4;
	if ((uint64_t)28 + caplen + pad + optbytes + 4 > MAX_BLOCK) {
		core_fmt(w->errbuf, "packet block of %llu bytes: longer than "
		    "16 MiB", (unsigned long long)(28 + caplen + pad +
		    optbytes + 4));
		return -1;
	}
	total = (uint32_t)(28 + caplen + pad + optbytes + 4);
	hdr[0] = BT_EPB;
	hdr[1] = total;
	hdr[2] = pk->iface;
	hdr[3] = (uint32_t)(ticks >> 32);
	hdr[4] = (uint32_t)ticks;
	hdr[5] = caplen;
	hdr[6] = pk->wirelen;
	/* The whole block in one buffer, one fwrite. */
	w->len = 0;
	if (reserve(w, total) < 0)
		return -1;
	put(w, hdr, sizeof hdr);
	if (caplen != 0)
		put(w, pk->data, caplen);
	put(w, zero, pad);
	/* (the buffer starts mid-block: pad by the value's length) */
	for (i = 0; i < pk->ncomments; i++) {
		put16(w, OPT_COMMENT);
		put16(w, (uint16_t)pk->comment_lens[i]);
		put(w, pk->comments[i], pk->comment_lens[i]);
		put(w, zero, (4 - pk->comment_lens[i] % 4) % 4);
	}
	if (flags != 0) {
		put16(w, EPB_FLAGS);
		put16(w, 4);
		put32(w, flags);
	}
	if (optbytes != 0) {
		put16(w, OPT_ENDOFOPT);
		put16(w, 0);
	}
	put32(w, total);
	if (fwrite_unlocked(w->buf, 1, w->len, w->fp) != w->len)
		return fail_errno(w, errno ? errno : EIO,
		    "error writing pcapng file");
	if (!r->has_ts)
		r->first_ts = ticks;
	r->last_ts = ticks;
	r->has_ts = 1;
	return 0;
}

int
ngw_add_name(struct ngw *w, int af, const void *addr, const char *name)
{
	struct ngw_name *n;

	if (w->failed)
		return -1;
	if (af != AF_INET && af != AF_INET6) {
		core_fmt(w->errbuf, "address family %d has no pcapng name "
		    "record", af);
		return -1;
	}
	if (strlen(name) + 1 + 16 > OPT_MAX_LEN) {
		core_fmt(w->errbuf, "name longer than a name record holds");
		return -1;
	}
	if (w->n_names == w->cap_names) {
		size_t ncap = w->cap_names ? 2 * w->cap_names : 8;
		struct ngw_name *nn = realloc(w->names, ncap * sizeof *nn);

		if (nn == NULL)
			return fail(w, "out of memory");
		w->names = nn;
		w->cap_names = ncap;
	}
	n = &w->names[w->n_names];
	n->af = af;
	memcpy(n->addr, addr, af == AF_INET ? 4 : 16);
	n->name = strdup(name);
	if (n->name == NULL)
		return fail(w, "out of memory");
	w->n_names++;
	return 0;
}

int
ngw_set_stats(struct ngw *w, uint32_t iface, const struct ngw_stats *st)
{
	if (iface >= w->n_ifs) {
		core_fmt(w->errbuf, "no interface %u in this section (%u "
		    "added)", iface, w->n_ifs);
		return -1;
	}
	w->ifs[iface].stats = *st;
	w->ifs[iface].has_stats = 1;
	return 0;
}

/* Name Resolution Blocks: as many as the records need (16 MiB each). */
static int
write_nrbs(struct ngw *w)
{
	size_t i = 0;

	while (i < w->n_names) {
		if (block_begin(w, BT_NRB, 256) < 0)
			return -1;
		for (; i < w->n_names; i++) {
			const struct ngw_name *n = &w->names[i];
			size_t alen = n->af == AF_INET ? 4 : 16;
			size_t vlen = alen + strlen(n->name) + 1;

			if (w->len + 4 + vlen + 3 + 16 > MAX_BLOCK / 2 &&
			    w->len > 8)
				break;
			if (reserve(w, 4 + vlen + 3) < 0)
				return -1;
			put16(w, n->af == AF_INET ? NRB_IPV4 : NRB_IPV6);
			put16(w, (uint16_t)vlen);
			put(w, n->addr, alen);
			put(w, n->name, vlen - alen);
			pad4(w);
		}
		if (reserve(w, 4) < 0)
			return -1;
		put16(w, NRB_END);
		put16(w, 0);
		if (block_end(w, 0) < 0)
			return -1;
	}
	return 0;
}

static int
write_isbs(struct ngw *w)
{
	uint32_t i;

	for (i = 0; i < w->n_ifs; i++) {
		const struct ngw_if *r = &w->ifs[i];
		const struct ngw_stats *s = &r->stats;
		uint64_t ts = r->has_ts ? r->last_ts : 0;

		if (!r->has_stats)
			continue;
		if (block_begin(w, BT_ISB, 96) < 0)
			return -1;
		put32(w, i);
		put32(w, (uint32_t)(ts >> 32));
		put32(w, (uint32_t)ts);
		if ((r->has_ts && (opt_ts(w, ISB_STARTTIME, r->first_ts) < 0 ||
		    opt_ts(w, ISB_ENDTIME, r->last_ts) < 0)) ||
		    (s->received != NO_STAT &&
		    opt_u64(w, ISB_IFRECV, s->received) < 0) ||
		    (s->dropped != NO_STAT &&
		    opt_u64(w, ISB_IFDROP, s->dropped) < 0) ||
		    (s->os_dropped != NO_STAT &&
		    opt_u64(w, ISB_OSDROP, s->os_dropped) < 0) ||
		    (s->delivered != NO_STAT &&
		    opt_u64(w, ISB_USRDELIV, s->delivered) < 0))
			return -1;
		if (block_end(w, 1) < 0)
			return -1;
	}
	return 0;
}

/* ---- open, append, flush, close ------------------------------------------ */

static struct ngw *
ngw_new(FILE *fp, char *errbuf)
{
	struct ngw *w = calloc(1, sizeof *w);

	if (w == NULL) {
		core_fmt(errbuf, "out of memory");
		return NULL;
	}
	w->fp = fp;
	return w;
}

static void
ngw_free(struct ngw *w)
{
	uint32_t i;
	size_t j;

	for (i = 0; i < w->n_ifs; i++)
		free_iface_strings(&w->ifs[i].ifc);
	for (j = 0; j < w->n_names; j++)
		free(w->names[j].name);
	free(w->ifs);
	free(w->names);
	free(w->buf);
	free(w);
}

struct ngw *
ngw_open(FILE *fp, const struct ngw_section *sec, char *errbuf)
{
	struct ngw *w = ngw_new(fp, errbuf);

	if (w == NULL)
		return NULL;
	if (write_shb(w, sec) < 0) {
		core_fmt(errbuf, "%s", w->errbuf);
		ngw_free(w);
		return NULL;
	}
	return w;
}

/* Exactly n bytes from fp: 1, 0 at a clean end before any, -1 short. */
static int
read_exact(FILE *fp, void *buf, size_t n)
{
	size_t got = fread(buf, 1, n, fp);

	if (got == n)
		return 1;
	return got == 0 && !ferror(fp) ? 0 : -1;
}

/* Skip n bytes by reading them (pipes and files alike, sequentially). */
static int
skip_bytes(FILE *fp, uint64_t n)
{
	u_char scratch[4096];

	while (n > 0) {
		size_t k = n < sizeof scratch ? (size_t)n : sizeof scratch;

		if (fread(scratch, 1, k, fp) != k)
			return -1;
		n -= k;
	}
	return 0;
}

/*
 * Walk the existing file: its sections' byte order and length, and the
 * interfaces of the last section.  0 and *continue_section, or -1 with
 * errbuf.
 */
static int
scan_existing(struct ngw *w, char *errbuf, int *continue_section)
{
	uint64_t off = 0;
	int sw = 0, have_section = 0, unspecified_len = 0;
	u_char hdr[12], *body = NULL;

	*continue_section = 0;
	for (;;) {
		uint32_t type, len, trailer;
		int r = read_exact(w->fp, hdr, 8);

		if (r == 0)
			break;
		if (r < 0)
			goto cut;
		type = sf_ld32(hdr, sw);
		if (type == BT_SHB) {
			if (read_exact(w->fp, hdr + 8, 4) != 1)
				goto cut;
			if (sf_ld32(hdr + 8, 0) == BYTE_ORDER_MAGIC)
				sw = 0;
			else if (sf_ld32(hdr + 8, 1) == BYTE_ORDER_MAGIC)
				sw = 1;
			else {
				core_fmt(errbuf, "cannot append: bad byte-order "
				    "magic in the section at offset %llu",
				    (unsigned long long)off);
				return -1;
			}
		} else if (!have_section) {
			core_fmt(errbuf, "cannot append: the file is not a "
			    "pcapng file");
			return -1;
		}
		len = sf_ld32(hdr + 4, sw);
		if (len < 12 || len % 4 != 0 ||
		    (type == BT_SHB && (len < 28 || len > SHB_MAX_LEN))) {
			core_fmt(errbuf, "cannot append: block at offset %llu "
			    "has a bad length %u", (unsigned long long)off,
			    len);
			return -1;
		}
		if (type == BT_SHB || type == BT_IDB) {
			size_t have = type == BT_SHB ? 12 : 8;

			if (len > MAX_BLOCK) {
				core_fmt(errbuf, "cannot append: interface "
				    "block at offset %llu is longer than "
				    "16 MiB", (unsigned long long)off);
				return -1;
			}
			body = malloc(len);
			if (body == NULL) {
				core_fmt(errbuf, "out of memory");
				return -1;
			}
			memcpy(body, hdr, have);
			if (read_exact(w->fp, body + have, len - have) != 1)
				goto cut_free;
			trailer = sf_ld32(body + len - 4, sw);
			if (trailer != len)
				goto bad_trailer;
			if (type == BT_SHB) {
				uint32_t i;

				have_section = 1;
				unspecified_len =
				    sf_ld64(body + 16, sw) == UINT64_MAX;
				for (i = 0; i < w->n_ifs; i++)
					free_iface_strings(&w->ifs[i].ifc);
				w->n_ifs = 0;
			} else {
				struct ngw_iface ifc;
				struct sf_ng_info info;
				struct sf_ng_if tmp;
				int failed;

				/* The reader's option parser, once. */
				memset(&info, 0, sizeof info);
				memset(&tmp, 0, sizeof tmp);
				tmp.tsoffset = sf_ng_opt_tsoffset(body + 16,
				    len - 20, sw);
				failed = sf_ng_info_iface(&info, w->n_ifs,
				    dl_linktype_to_dlt(sf_ld16(body + 8, sw)),
				    sf_ld32(body + 12, sw), &tmp, sw,
				    body + 16, len - 20) < 0;
				if (!failed) {
					ngw_iface_from_read(&ifc,
					    &info.ifaces[0]);
					failed = remember_iface(w, &ifc) < 0;
				}
				sf_ng_info_free(&info);
				if (failed) {
					core_fmt(errbuf, "out of memory");
					free(body);
					return -1;
				}
			}
			free(body);
			body = NULL;
		} else {
			u_char t[4];

			if (skip_bytes(w->fp, (uint64_t)len - 12) < 0 ||
			    read_exact(w->fp, t, 4) != 1)
				goto cut;
			trailer = sf_ld32(t, sw);
			if (trailer != len)
				goto bad_trailer;
		}
		off += len;
	}
	*continue_section = have_section && !sw && unspecified_len;
	return 0;

bad_trailer:
	free(body);
	core_fmt(errbuf, "cannot append: block at offset %llu has a trailer "
	    "that does not match its length", (unsigned long long)off);
	return -1;
cut_free:
	free(body);
cut:
	if (ferror(w->fp)) {
		core_fmt_errno(errbuf, errno, "cannot append: error reading "
		    "the file");
		return -1;
	}
	core_fmt(errbuf, "cannot append: the file ends inside the block at "
	    "offset %llu (a write that did not finish?)",
	    (unsigned long long)off);
	return -1;
}

struct ngw *
ngw_open_append(FILE *fp, const struct ngw_section *sec, char *errbuf)
{
	struct ngw *w = ngw_new(fp, errbuf);
	int cont;

	if (w == NULL)
		return NULL;
	if (scan_existing(w, errbuf, &cont) < 0)
		goto fail;
	/* Reading and then writing a stream needs a positioning call. */
	if (fseek(fp, 0, SEEK_END) < 0) {
		core_fmt_errno(errbuf, errno, "cannot append: seek");
		goto fail;
	}
	if (!cont) {
		uint32_t i;

		for (i = 0; i < w->n_ifs; i++)
			free_iface_strings(&w->ifs[i].ifc);
		w->n_ifs = 0;
		if (write_shb(w, sec) < 0) {
			core_fmt(errbuf, "%s", w->errbuf);
			goto fail;
		}
	}
	return w;
fail:
	ngw_free(w);
	return NULL;
}

uint32_t
ngw_iface_count(const struct ngw *w)
{
	return w->n_ifs;
}

const struct ngw_iface *
ngw_iface_at(const struct ngw *w, uint32_t id)
{
	return id < w->n_ifs ? &w->ifs[id].ifc : NULL;
}

int
ngw_flush(struct ngw *w)
{
	if (w->failed)
		return -1;
	if (fflush(w->fp) != 0)
		return fail_errno(w, errno ? errno : EIO,
		    "error writing pcapng file");
	return 0;
}

int
ngw_close(struct ngw *w, int close_fp, char *errbuf)
{
	int rc = w->failed ? -1 : 0;

	if (rc == 0 && (write_nrbs(w) < 0 || write_isbs(w) < 0))
		rc = -1;
	if (rc == 0 && fflush(w->fp) != 0)
		rc = fail_errno(w, errno ? errno : EIO,
		    "error writing pcapng file");
	if (close_fp && fclose(w->fp) != 0 && rc == 0)
		rc = fail_errno(w, errno ? errno : EIO,
		    "error closing pcapng file");
	int err = w->werrno;

	if (rc < 0)
		core_fmt(errbuf, "%s", w->errbuf);
	ngw_free(w);
	if (rc < 0)
		errno = err ? err : EIO;	/* the first failure's */
	return rc;
}

int
ngw_failed(const struct ngw *w)
{
	return w->failed;
}

FILE *
ngw_file(const struct ngw *w)
{
	return w->fp;
}

const char *
ngw_geterr(const struct ngw *w)
{
	return w->errbuf;
}

int
ngw_errno(const struct ngw *w)
{
	return w->werrno;
}
