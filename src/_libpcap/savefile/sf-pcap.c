/*
 * sf-pcap.c - the classic pcap savefile reader: the 24-byte file header
 * (magics for microseconds, nanoseconds and the 24-byte-record Kuznetzov
 * variant, in either byte order; versions 2.0-2.4 and DG/UX's 543.0) and
 * the records after it, with libpcap's rules for swapped lengths, bogus
 * snapshot lengths, oversized records and time stamp precision.
 */
#include <limits.h>

#include "sf-int.h"

#define MAGIC_USEC	0xa1b2c3d4u
#define MAGIC_NSEC	0xa1b23c4du
#define MAGIC_KUZNETZOV	0xa1b2cd34u	/* records carry 8 more bytes */

#define FILE_HDR_LEN	24
#define REC_HDR_LEN	16
#define KUZ_REC_HDR_LEN	24

static int
known_magic(uint32_t m)
{
	return m == MAGIC_USEC || m == MAGIC_NSEC || m == MAGIC_KUZNETZOV;
}

int
sf_pcap_probe(pcap_t *p, struct sf_state *st, u_int precision, char *errbuf)
{
	const u_char *h;
	uint32_t magic, snaplen, linktype;
	unsigned vmajor, vminor;
	int swapped = 0;
	ssize_t got;

	magic = sf_ld32(sf_buf_cur(&st->in), 0);
	if (!known_magic(magic)) {
		magic = __builtin_bswap32(magic);
		if (!known_magic(magic))
			return SF_PROBE_NOT_MINE;
		swapped = 1;
	}

	got = sf_buf_fill(&st->in, FILE_HDR_LEN, errbuf);
	if (got < 0)
		return SF_PROBE_FAILED;
	if (got < FILE_HDR_LEN) {
		/* libpcap counts the bytes read after the magic. */
		core_fmt(errbuf, "truncated dump file; tried to read %d file "
		    "header bytes, only got %zu", FILE_HDR_LEN,
		    (size_t)got - 4);
		return SF_PROBE_FAILED;
	}
	h = sf_buf_cur(&st->in);
	vmajor = sf_ld16(h + 4, swapped);
	vminor = sf_ld16(h + 6, swapped);
	snaplen = sf_ld32(h + 16, swapped);
	linktype = sf_ld32(h + 20, swapped);
	st->in.pos += FILE_HDR_LEN;

	if (!((vmajor == PCAP_VERSION_MAJOR && vminor <= PCAP_VERSION_MINOR) ||
	    (vmajor == 543 && vminor == 0))) {
		core_fmt(errbuf, "unsupported pcap savefile version %u.%u",
		    vmajor, vminor);
		return SF_PROBE_FAILED;
	}
	if (LT_RESERVED1(linktype) != 0) {
		core_fmt(errbuf, "savefile linktype reserved field not zero "
		    "(0x%08x)", (unsigned)LT_RESERVED1(linktype));
		return SF_PROBE_FAILED;
	}

	p->swapped = swapped;
	p->version_major = (int)vmajor;
	p->version_minor = (int)vminor;
	p->linktype = dl_linktype_to_dlt((int)LT_LINKTYPE(linktype));
	p->linktype_ext = (int)LT_LINKTYPE_EXT(linktype);
	p->snapshot = (int)sf_adjust_snapshot(p->linktype, snaplen);

	switch (precision) {
	case PCAP_TSTAMP_PRECISION_MICRO:
		st->ts_scale = magic == MAGIC_NSEC ? SF_TS_DOWN : SF_TS_PASS;
		break;
	case PCAP_TSTAMP_PRECISION_NANO:
		st->ts_scale = magic == MAGIC_NSEC ? SF_TS_PASS : SF_TS_UP;
		break;
	default:
		core_fmt(errbuf, "unknown time stamp resolution %u", precision);
		return SF_PROBE_FAILED;
	}

	/*
	 * caplen and len traded places in version 2.3; some 2.3 writers
	 * kept the old order, and DG/UX's 543.0 uses it too.
	 */
	if (vmajor == 543 || vminor < 3)
		st->lengths_swapped = SF_LEN_SWAPPED;
	else if (vminor == 3)
		st->lengths_swapped = SF_LEN_MAYBE_SWAPPED;
	else
		st->lengths_swapped = SF_LEN_NOT_SWAPPED;

	if (magic == MAGIC_KUZNETZOV) {
		st->hdrsize = KUZ_REC_HDR_LEN;
		/* Cooked-mode captures added a 14-byte fake Ethernet header. */
		if (p->linktype == DLT_EN10MB)
			p->snapshot = p->snapshot <= INT_MAX - 14 ?
			    p->snapshot + 14 : INT_MAX;
	} else
		st->hdrsize = REC_HDR_LEN;

	/* pcap_bufsize reports libpcap's packet buffer, which starts here. */
	p->bufsize = p->snapshot < 2048 ? p->snapshot : 2048;
	return SF_PROBE_OK;
}

/* Smallest power of two >= v (v <= 2^31), as libpcap sizes its buffer. */
static uint32_t
round_up_pow2(uint32_t v)
{
	v--;
	v |= v >> 1;
	v |= v >> 2;
	v |= v >> 4;
	v |= v >> 8;
	v |= v >> 16;
	return v + 1;
}

/* The record is short: consume what is there and say what was missing. */
static int
truncated(pcap_t *p, struct sf_buf *in, const char *fmt_what, size_t wanted,
    size_t got)
{
	in->pos = in->end;
	core_fmt(p->errbuf, "truncated dump file; tried to read %zu %s, "
	    "only got %zu", wanted, fmt_what, got);
	return PCAP_ERROR;
}

int
sf_pcap_next(pcap_t *p, struct pcap_pkthdr *h, const u_char **data)
{
	struct sf_state *st = p->priv;
	struct sf_buf *in = &st->in;
	const int sw = p->swapped;
	uint32_t caplen, len, t, max;
	const u_char *rh;
	u_char *rec;
	ssize_t got;

	if (sf_buf_avail(in) < st->hdrsize) {
		got = sf_buf_fill(in, st->hdrsize, p->errbuf);
		if (got < 0)
			return PCAP_ERROR;
		if (got == 0)
			return 0;	/* clean end of file */
		if ((size_t)got < st->hdrsize)
			return truncated(p, in, "header bytes", st->hdrsize,
			    (size_t)got);
	}
	rh = sf_buf_cur(in);
	/* Both time stamp fields are unsigned 32-bit, as in libpcap master. */
	h->ts.tv_sec = (time_t)sf_ld32(rh, sw);
	h->ts.tv_usec = (suseconds_t)sf_ld32(rh + 4, sw);
	caplen = sf_ld32(rh + 8, sw);
	len = sf_ld32(rh + 12, sw);
	in->pos += st->hdrsize;

	if (st->ts_scale == SF_TS_UP)
		h->ts.tv_usec *= 1000;
	else if (st->ts_scale == SF_TS_DOWN)
		h->ts.tv_usec /= 1000;

	if (st->lengths_swapped == SF_LEN_SWAPPED ||
	    (st->lengths_swapped == SF_LEN_MAYBE_SWAPPED && caplen > len)) {
		t = caplen;
		caplen = len;
		len = t;
	}

	max = dl_max_snaplen_for_dlt(p->linktype);
	if (caplen > max) {
		/* A damaged or fuzzed file: never trust such a length. */
		if (caplen > (uint32_t)p->snapshot)
			core_fmt(p->errbuf, "invalid packet capture length %u, "
			    "bigger than snaplen of %d", caplen, p->snapshot);
		else
			core_fmt(p->errbuf, "invalid packet capture length %u, "
			    "bigger than maximum of %u", caplen, max);
		return PCAP_ERROR;
	}

	/* Track libpcap's packet buffer, which grows before it reads. */
	if (caplen > (uint32_t)p->bufsize) {
		uint32_t nb = caplen > (uint32_t)p->snapshot ?
		    (uint32_t)p->snapshot : round_up_pow2(caplen);

		p->bufsize = nb > (uint32_t)p->snapshot ? p->snapshot : (int)nb;
	}

	/* caplen <= the DLT maximum, so this stays bounded. */
	if (sf_buf_avail(in) < caplen) {
		got = sf_buf_fill(in, caplen, p->errbuf);
		if (got < 0)
			return PCAP_ERROR;
		if ((size_t)got < caplen) {
			/* Past the snapshot libpcap reports the whole record. */
			if (caplen > (uint32_t)p->snapshot &&
			    (size_t)got < (size_t)p->snapshot)
				return truncated(p, in, "captured bytes",
				    (size_t)p->snapshot, (size_t)got);
			return truncated(p, in, "captured bytes", caplen,
			    (size_t)got);
		}
	}
	rec = sf_buf_cur(in);
	in->pos += caplen;

	if (caplen > (uint32_t)p->snapshot) {
		/*
		 * More than the snapshot length (old Solaris bufmod, or a
		 * damaged file): only the first snapshot bytes are handed
		 * out, the rest is skipped.
		 */
		caplen = (uint32_t)p->snapshot;
	}
	h->caplen = caplen;
	h->len = len;
	sf_post_process(p->linktype, sw, h, rec);
	*data = rec;
	return 1;
}
