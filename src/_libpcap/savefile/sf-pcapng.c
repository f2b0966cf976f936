/*
 * sf-pcapng.c - the pcapng reader: Section Header Blocks (either byte
 * order, versions 1.0 and 1.2, several sections), Interface Description
 * Blocks with their if_tsresol and if_tsoffset options, and the packets of
 * Enhanced, Simple and obsolete Packet Blocks; every other block is
 * skipped.  Like libpcap it offers one link-layer type per file: every
 * interface must match the first one's type and snapshot length.
 */
#include <stdlib.h>

#include "sf-int.h"
#include "sf-ngformat.h"

/* Room for an EPB carrying a max_snaplen packet and 128 KiB of options. */
#define MAX_BLOCKSIZE_FOR_SNAPLEN(m) \
	((uint64_t)BLOCK_HDR_LEN + EPB_FIXED_LEN + (m) + 131072 + BLOCK_TRL_LEN)

/* What is left of the current block's body (between header and trailer). */
struct cursor {
	u_char *data;
	size_t left;
	uint32_t type;
};

static u_char *
take(struct cursor *c, size_t n, char *errbuf)
{
	u_char *d = c->data;

	if (c->left < n) {
		core_fmt(errbuf, "block of type %u in pcapng dump file is too "
		    "short", c->type);
		return NULL;
	}
	c->data += n;
	c->left -= n;
	return d;
}

/* Block types whose body we look at; the others are streamed past. */
static int
is_parsed_block(uint32_t type)
{
	return type == BT_SHB || type == BT_IDB || type == BT_EPB ||
	    type == BT_SPB || type == BT_PB;
}

static int
truncated(struct sf_buf *in, size_t wanted, size_t got, char *errbuf)
{
	in->pos = in->end;
	core_fmt(errbuf, "truncated pcapng dump file; tried to read %zu bytes, "
	    "only got %zu", wanted, got);
	return -1;
}

static int
check_trailer(uint32_t len, uint32_t trailer, char *errbuf)
{
	if (trailer != len) {
		core_fmt(errbuf, "block total length in header %u and trailer "
		    "%u don't match", len, trailer);
		return -1;
	}
	return 0;
}

/*
 * Read one whole block, checking its framing as libpcap does before
 * anything looks inside.  1 and *c set, 0 at a clean end of file, -1 on
 * error.  The body stays valid until the next read.
 */
static int
read_block(pcap_t *p, struct sf_state *st, struct cursor *c, char *errbuf)
{
	struct sf_buf *in = &st->in;
	int sw = p->swapped;
	uint32_t type, len, trailer;
	size_t body;
	ssize_t got;
	u_char *b;

	if (sf_buf_avail(in) < BLOCK_HDR_LEN) {
		got = sf_buf_fill(in, BLOCK_HDR_LEN, errbuf);
		if (got < 0)
			return -1;
		if (got == 0)
			return 0;
		if (got < BLOCK_HDR_LEN)
			return truncated(in, BLOCK_HDR_LEN, (size_t)got, errbuf);
	}
	b = sf_buf_cur(in);
	type = sf_ld32(b, sw);
	if (type == BT_SHB && st->native) {
		/* A section may be in either byte order: its magic says. */
		got = sf_buf_fill(in, BLOCK_HDR_LEN + 4, errbuf);
		if (got < 0)
			return -1;
		b = sf_buf_cur(in);
		if (got >= BLOCK_HDR_LEN + 4 &&
		    sf_ld32(b + 8, !sw) == BYTE_ORDER_MAGIC)
			p->swapped = sw = !sw;
	}
	len = sf_ld32(b + 4, sw);
	if (len < BLOCK_HDR_LEN + BLOCK_TRL_LEN) {
		in->pos += BLOCK_HDR_LEN;
		core_fmt(errbuf, "block in pcapng dump file has a length of %u "
		    "< %d", len, BLOCK_HDR_LEN + BLOCK_TRL_LEN);
		return -1;
	}
	if (len % 4 != 0) {
		in->pos += BLOCK_HDR_LEN;
		core_fmt(errbuf, "block in pcapng dump file has a length of %u "
		    "that is not a multiple of 4", len);
		return -1;
	}
	if (len > st->max_blocksize) {
		in->pos += BLOCK_HDR_LEN;
		core_fmt(errbuf, "pcapng block size %u > maximum %u", len,
		    st->max_blocksize);
		return -1;
	}

	if (is_parsed_block(type)) {
		/* len <= max_blocksize: a bounded, contiguous read. */
		if (sf_buf_avail(in) < len) {
			got = sf_buf_fill(in, len, errbuf);
			if (got < 0)
				return -1;
			if ((size_t)got < len)
				return truncated(in, len - BLOCK_HDR_LEN,
				    (size_t)got - BLOCK_HDR_LEN, errbuf);
		}
		b = sf_buf_cur(in);
		in->pos += len;
		trailer = sf_ld32(b + len - BLOCK_TRL_LEN, sw);
		if (check_trailer(len, trailer, errbuf) < 0)
			return -1;
		c->data = b + BLOCK_HDR_LEN;
		c->left = len - BLOCK_HDR_LEN - BLOCK_TRL_LEN;
		c->type = type;
		return 1;
	}

	/* A block we ignore: stream past its body, then check the trailer. */
	in->pos += BLOCK_HDR_LEN;
	body = len - BLOCK_HDR_LEN - BLOCK_TRL_LEN;
	got = sf_buf_skip(in, body, errbuf);
	if (got < 0)
		return -1;
	if ((size_t)got < body)
		return truncated(in, len - BLOCK_HDR_LEN, (size_t)got, errbuf);
	got = sf_buf_fill(in, BLOCK_TRL_LEN, errbuf);
	if (got < 0)
		return -1;
	if (got < BLOCK_TRL_LEN)
		return truncated(in, len - BLOCK_HDR_LEN, body + (size_t)got,
		    errbuf);
	trailer = sf_ld32(sf_buf_cur(in), sw);
	in->pos += BLOCK_TRL_LEN;
	if (check_trailer(len, trailer, errbuf) < 0)
		return -1;
	c->data = NULL;
	c->left = 0;
	c->type = type;
	return 1;
}

/* An IDB option allowed once and with exactly want bytes of value: mark it
   seen, or -1 with libpcap's message in errbuf. */
static int
idb_option_once(const char *name, unsigned olen, unsigned want, int *seen,
    char *errbuf)
{
	if (olen != want) {
		core_fmt(errbuf, "Interface Description Block has %s option "
		    "with length %u != %u", name, olen, want);
		return -1;
	}
	if (*seen) {
		core_fmt(errbuf, "Interface Description Block has more than "
		    "one %s option", name);
		return -1;
	}
	*seen = 1;
	return 0;
}

/* The IDB options that matter for time stamps; 0 or -1 with errbuf. */
static int
idb_options(pcap_t *p, struct cursor *c, struct sf_ng_if *ifc, int *binary,
    char *errbuf)
{
	const int sw = p->swapped;
	int saw_tsresol = 0, saw_tsoffset = 0;

	while (c->left != 0) {
		const u_char *oh, *val;
		unsigned code, olen, v, i;

		oh = take(c, 4, errbuf);
		if (oh == NULL)
			return -1;
		code = sf_ld16(oh, sw);
		olen = sf_ld16(oh + 2, sw);
		val = take(c, ((size_t)olen + 3) & ~(size_t)3, errbuf);
		if (val == NULL)
			return -1;

		switch (code) {
		case OPT_ENDOFOPT:
			if (olen != 0) {
				core_fmt(errbuf, "Interface Description Block "
				    "has opt_endofopt option with length %u "
				    "!= 0", olen);
				return -1;
			}
			return 0;

		case IF_TSRESOL:
			if (idb_option_once("if_tsresol", olen, 1, &saw_tsresol,
			    errbuf) < 0)
				return -1;
			v = val[0];
			if (v & 0x80) {
				/* A negative power of 2. */
				v &= 0x7f;
				if (v > 63) {
					core_fmt(errbuf, "Interface Description "
					    "Block if_tsresol option "
					    "resolution 2^-%u is too high", v);
					return -1;
				}
				*binary = 1;
				ifc->tsresol = (uint64_t)1 << v;
			} else {
				/* A negative power of 10; 10^19 still fits. */
				if (v > 19) {
					core_fmt(errbuf, "Interface Description "
					    "Block if_tsresol option "
					    "resolution 10^-%u is too high", v);
					return -1;
				}
				*binary = 0;
				ifc->tsresol = 1;
				for (i = 0; i < v; i++)
					ifc->tsresol *= 10;
			}
			break;

		case IF_TSOFFSET:
			if (idb_option_once("if_tsoffset", olen, 8, &saw_tsoffset,
			    errbuf) < 0)
				return -1;
			ifc->tsoffset = (int64_t)sf_ld64(val, sw);
			break;

		default:
			break;
		}
	}
	return 0;
}

/* Record an IDB's interface (options at *c); 0 or -1 with errbuf. */
static int
add_interface(pcap_t *p, struct sf_state *st, struct cursor *c, int dlt,
    uint32_t snaplen, char *errbuf)
{
	const u_char *opts = c->data;
	size_t optlen = c->left;
	struct sf_ng_if *ifc;
	int binary = 0;

	/* libpcap counts the interface even when its options are bad. */
	st->ifcount++;
	if (st->ifcount > st->ifaces_size) {
		uint32_t nsize = st->ifaces_size == 0 ? 1 : st->ifaces_size * 2;
		struct sf_ng_if *n;

		if (nsize < st->ifaces_size) {
			core_fmt(errbuf, "more than %u interfaces in the file",
			    0x80000000u);
			return -1;
		}
		n = realloc(st->ifaces, (size_t)nsize * sizeof *n);
		if (n == NULL) {
			core_fmt(errbuf, "out of memory for per-interface "
			    "information (%u interfaces)", st->ifcount);
			return -1;
		}
		st->ifaces = n;
		st->ifaces_size = nsize;
	}
	ifc = &st->ifaces[st->ifcount - 1];
	ifc->tsresol = 1000000;		/* default: microseconds */
	ifc->tsoffset = 0;
	ifc->scale_factor = 1;
	ifc->scale = SF_NG_PASS;
	if (idb_options(p, c, ifc, &binary, errbuf) < 0)
		return -1;
	ifc->dlt = dlt;
	ifc->snapshot = sf_adjust_snapshot(dlt, snaplen);
	ifc->info = st->info.n_ifaces;
	if (sf_ng_info_iface(&st->info, st->ifcount - 1, dlt, snaplen, ifc,
	    p->swapped, opts, optlen) < 0) {
		core_fmt(errbuf, "out of memory for per-interface information "
		    "(%u interfaces)", st->ifcount);
		return -1;
	}

	if (ifc->tsresol == st->user_tsresol)
		ifc->scale = SF_NG_PASS;
	else if (ifc->tsresol > st->user_tsresol) {
		if (binary)
			ifc->scale = SF_NG_DOWN_BIN;
		else {
			ifc->scale_factor = ifc->tsresol / st->user_tsresol;
			ifc->scale = SF_NG_DOWN_DEC;
		}
	} else {
		if (binary)
			ifc->scale = SF_NG_UP_BIN;
		else {
			ifc->scale_factor = st->user_tsresol / ifc->tsresol;
			ifc->scale = SF_NG_UP_DEC;
		}
	}
	return 0;
}

int
sf_ng_probe(pcap_t *p, struct sf_state *st, u_int precision, char *errbuf)
{
	struct sf_buf *in = &st->in;
	uint32_t total, bom, snaplen = 0;
	unsigned vmajor, vminor, idb_linktype = 0;
	struct cursor c;
	const u_char *b;
	uint64_t mb;
	int sw = 0;
	ssize_t got;

	/* The SHB type reads the same in both byte orders. */
	if (sf_ld32(sf_buf_cur(in), 0) != BT_SHB)
		return SF_PROBE_NOT_MINE;
	got = sf_buf_fill(in, 12, errbuf);
	if (got < 0)
		return SF_PROBE_FAILED;
	if (got < 12)
		return SF_PROBE_NOT_MINE;	/* maybe a short text file */
	b = sf_buf_cur(in);
	total = sf_ld32(b + 4, 0);
	bom = sf_ld32(b + 8, 0);
	if (bom != BYTE_ORDER_MAGIC) {
		if (__builtin_bswap32(bom) != BYTE_ORDER_MAGIC)
			return SF_PROBE_NOT_MINE;
		sw = 1;
		total = __builtin_bswap32(total);
	}
	if (total < BLOCK_HDR_LEN + SHB_FIXED_LEN + BLOCK_TRL_LEN ||
	    total > SHB_MAX_LEN) {
		core_fmt(errbuf, "Section Header Block in pcapng dump file has "
		    "invalid length %d < _%u_ < %u (BT_SHB_INSANE_MAX)",
		    BLOCK_HDR_LEN + SHB_FIXED_LEN + BLOCK_TRL_LEN, total,
		    SHB_MAX_LEN);
		return SF_PROBE_FAILED;
	}

	switch (precision) {
	case PCAP_TSTAMP_PRECISION_MICRO:
		st->user_tsresol = 1000000;
		break;
	case PCAP_TSTAMP_PRECISION_NANO:
		st->user_tsresol = 1000000000;
		break;
	default:
		core_fmt(errbuf, "unknown time stamp resolution %u", precision);
		return SF_PROBE_FAILED;
	}

	/* total <= 1 MiB.  Like libpcap, the first SHB's trailer is unchecked. */
	got = sf_buf_fill(in, total, errbuf);
	if (got < 0)
		return SF_PROBE_FAILED;
	if ((size_t)got < total) {
		truncated(in, total - 12, (size_t)got - 12, errbuf);
		return SF_PROBE_FAILED;
	}
	b = sf_buf_cur(in);
	vmajor = sf_ld16(b + 12, sw);
	vminor = sf_ld16(b + 14, sw);
	in->pos += total;
	/* 1.2 is read as 1.0: it only added block types. */
	if (!(vmajor == 1 && (vminor == 0 || vminor == 2))) {
		core_fmt(errbuf, "unsupported pcapng savefile version %u.%u",
		    vmajor, vminor);
		return SF_PROBE_FAILED;
	}
	p->swapped = sw;
	p->version_major = (int)vmajor;
	p->version_minor = (int)vminor;
	p->bufsize = total > 2048 ? (int)total : 2048;
	st->max_blocksize = INITIAL_MAX_BLOCKSIZE;
	/* b stays valid until the next read. */
	if (sf_ng_info_section(&st->info, sw, vmajor, vminor,
	    (int64_t)sf_ld64(b + 16, sw), b + BLOCK_HDR_LEN + SHB_FIXED_LEN,
	    total - BLOCK_HDR_LEN - SHB_FIXED_LEN - BLOCK_TRL_LEN) < 0) {
		core_fmt(errbuf, "out of memory for section information");
		return SF_PROBE_FAILED;
	}

	/* The first IDB fixes the handle's link-layer type and snapshot. */
	for (;;) {
		int r = read_block(p, st, &c, errbuf);

		if (r == 0) {
			core_fmt(errbuf, "the capture file has no Interface "
			    "Description Blocks");
			return SF_PROBE_FAILED;
		}
		if (r < 0)
			return SF_PROBE_FAILED;
		if (c.type == BT_IDB) {
			b = take(&c, IDB_FIXED_LEN, errbuf);
			if (b == NULL)
				return SF_PROBE_FAILED;
			idb_linktype = sf_ld16(b, sw);
			snaplen = sf_ld32(b + 4, sw);
			if (add_interface(p, st, &c,
			    dl_linktype_to_dlt((int)idb_linktype), snaplen,
			    errbuf) < 0)
				return SF_PROBE_FAILED;
			break;
		}
		if (c.type == BT_EPB || c.type == BT_SPB || c.type == BT_PB) {
			core_fmt(errbuf, "the capture file has a packet block "
			    "before any Interface Description Blocks");
			return SF_PROBE_FAILED;
		}
	}
	p->linktype = dl_linktype_to_dlt((int)idb_linktype);
	p->snapshot = (int)sf_adjust_snapshot(p->linktype, snaplen);
	p->linktype_ext = 0;
	mb = MAX_BLOCKSIZE_FOR_SNAPLEN(dl_max_snaplen_for_dlt(p->linktype));
	if (mb > st->max_blocksize)
		st->max_blocksize = mb > UINT32_MAX ? UINT32_MAX : (uint32_t)mb;
	return SF_PROBE_OK;
}

/* A later IDB: it must agree with the first (native mode: any link type
   and snapshot), then it is recorded. */
static int
next_idb(pcap_t *p, struct sf_state *st, struct cursor *c)
{
	const u_char *b = take(c, IDB_FIXED_LEN, p->errbuf);
	unsigned linktype;
	uint32_t snaplen;
	int dlt;

	if (b == NULL)
		return -1;
	linktype = sf_ld16(b, p->swapped);
	snaplen = sf_ld32(b + 4, p->swapped);
	if (st->native) {
		uint64_t mb;

		dlt = dl_linktype_to_dlt((int)linktype);
		mb = MAX_BLOCKSIZE_FOR_SNAPLEN(dl_max_snaplen_for_dlt(dlt));
		if (mb > st->max_blocksize)
			st->max_blocksize = mb > UINT32_MAX ? UINT32_MAX :
			    (uint32_t)mb;
		return add_interface(p, st, c, dlt, snaplen, p->errbuf);
	}
	/* libpcap compares the DLT with the IDB's raw LINKTYPE value. */
	if ((unsigned)p->linktype != linktype) {
		core_fmt(p->errbuf, "an interface has a type %u different from "
		    "the type of the first interface", linktype);
		return -1;
	}
	if ((uint32_t)p->snapshot != sf_adjust_snapshot(p->linktype, snaplen)) {
		core_fmt(p->errbuf, "an interface has a snapshot length %u "
		    "different from the snapshot length of the first "
		    "interface", snaplen);
		return -1;
	}
	return add_interface(p, st, c, p->linktype, snaplen, p->errbuf);
}

/* A new section: same byte order required; its interfaces start over. */
static int
next_shb(pcap_t *p, struct sf_state *st, struct cursor *c)
{
	const u_char *b = take(c, SHB_FIXED_LEN, p->errbuf);
	uint32_t bom;
	unsigned vmajor;

	if (b == NULL)
		return -1;
	bom = sf_ld32(b, p->swapped);
	vmajor = sf_ld16(b + 4, p->swapped);
	if (bom != BYTE_ORDER_MAGIC) {
		if (bom == __builtin_bswap32(BYTE_ORDER_MAGIC))
			core_fmt(p->errbuf, "the file has sections with "
			    "different byte orders");
		else
			core_fmt(p->errbuf, "the file has a section with a bad "
			    "byte order magic field");
		return -1;
	}
	if (vmajor != 1) {
		core_fmt(p->errbuf, "unknown pcapng savefile major version "
		    "number %u", vmajor);
		return -1;
	}
	st->ifcount = 0;
	if (sf_ng_info_section(&st->info, p->swapped, vmajor,
	    sf_ld16(b + 6, p->swapped), (int64_t)sf_ld64(b + 8, p->swapped),
	    c->data, c->left) < 0) {
		core_fmt(p->errbuf, "out of memory for section information");
		return -1;
	}
	return 0;
}

int
sf_ng_next(pcap_t *p, struct pcap_pkthdr *h, const u_char **data)
{
	struct sf_state *st = p->priv;
	int sw;
	const struct sf_ng_if *ifc;
	uint32_t if_id, caplen, len;
	uint64_t t, sec, frac;
	struct cursor c;
	u_char *b;
	int dlt;
	uint32_t snapshot;

	st->have_last = 0;
	for (;;) {
		int r = read_block(p, st, &c, p->errbuf);

		if (r <= 0)
			return r;
		sw = p->swapped;	/* a new section may have changed it */
		switch (c.type) {
		case BT_EPB:
			b = take(&c, EPB_FIXED_LEN, p->errbuf);
			if (b == NULL)
				return -1;
			if_id = sf_ld32(b, sw);
			t = (uint64_t)sf_ld32(b + 4, sw) << 32 |
			    sf_ld32(b + 8, sw);
			caplen = sf_ld32(b + 12, sw);
			len = sf_ld32(b + 16, sw);
			goto found;

		case BT_SPB:
			b = take(&c, SPB_FIXED_LEN, p->errbuf);
			if (b == NULL)
				return -1;
			/* First interface, no time stamp, caplen implied. */
			if_id = 0;
			len = sf_ld32(b, sw);
			snapshot = st->native && st->ifcount > 0 ?
			    st->ifaces[0].snapshot : (uint32_t)p->snapshot;
			caplen = len < snapshot ? len : snapshot;
			t = 0;
			goto found;

		case BT_PB:
			b = take(&c, PB_FIXED_LEN, p->errbuf);
			if (b == NULL)
				return -1;
			if_id = sf_ld16(b, sw);
			t = (uint64_t)sf_ld32(b + 4, sw) << 32 |
			    sf_ld32(b + 8, sw);
			caplen = sf_ld32(b + 12, sw);
			len = sf_ld32(b + 16, sw);
			goto found;

		case BT_IDB:
			if (next_idb(p, st, &c) < 0)
				return -1;
			break;

		case BT_SHB:
			if (next_shb(p, st, &c) < 0)
				return -1;
			break;

		default:
			break;		/* not a block we use */
		}
	}

found:
	if (if_id >= st->ifcount) {
		core_fmt(p->errbuf, "a packet arrived on interface %u, but "
		    "there's no Interface Description Block for that "
		    "interface", if_id);
		return -1;
	}
	ifc = &st->ifaces[if_id];
	dlt = st->native ? ifc->dlt : p->linktype;
	snapshot = st->native ? ifc->snapshot : (uint32_t)p->snapshot;
	/* Unlike classic pcap, pcapng gives no slack past the snapshot. */
	if (caplen > snapshot) {
		core_fmt(p->errbuf, "invalid packet capture length %u, bigger "
		    "than snaplen of %u", caplen, snapshot);
		return -1;
	}

	/* Unsigned 64-bit arithmetic throughout, wrapping as libpcap's does. */
	sec = t / ifc->tsresol + (uint64_t)ifc->tsoffset;
	frac = t % ifc->tsresol;
	switch (ifc->scale) {
	case SF_NG_PASS:
		break;
	case SF_NG_UP_DEC:
		frac *= ifc->scale_factor;
		break;
	case SF_NG_DOWN_DEC:
		frac /= ifc->scale_factor;
		break;
	case SF_NG_UP_BIN:
	case SF_NG_DOWN_BIN:
		frac = frac * st->user_tsresol / ifc->tsresol;
		break;
	}
	h->ts.tv_sec = (time_t)sec;
	h->ts.tv_usec = (int)frac;

	b = take(&c, caplen, p->errbuf);
	if (b == NULL)
		return -1;
	h->caplen = caplen;
	h->len = len;
	/* The block lives in our buffer, so fixing it up in place is fine. */
	sf_post_process(dlt, sw, h, b);
	*data = b;
	if (st->native) {
		/* What follows the data (padded to 4 bytes) is options. */
		size_t pad = (4 - caplen % 4) % 4;

		st->last.iface = ifc->info;
		st->last.swapped = sw;
		st->last.opts = c.data + (pad < c.left ? pad : c.left);
		st->last.optlen = (uint32_t)(pad < c.left ? c.left - pad : 0);
		st->last.flags = c.type == BT_SPB || st->last.optlen < 8 ? 0 :
		    sf_ng_opt_flags(st->last.opts, st->last.optlen, sw);
		st->have_last = 1;
	}
	return 1;
}
