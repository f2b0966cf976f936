/*
 * test_savefile_ng.c - the pcapng reader: byte orders, SHB versions and
 * length limits, sections, IDB if_tsresol/if_tsoffset and their errors,
 * the rule that every interface matches the first, EPB/SPB/obsolete PB,
 * skipped blocks (also huge ones), framing errors and truncation, each
 * with libpcap's message.
 */
#include <signal.h>

#include "check.h"
#include "test_savefile_build.h"

#define MICRO PCAP_TSTAMP_PRECISION_MICRO
#define NANO PCAP_TSTAMP_PRECISION_NANO

static int via;

static void
rd(const struct bld *x, u_int prec, struct result *res)
{
	read_all(x, via, prec, res);
}

static void
expect_open_error(const struct bld *x, const char *msg)
{
	struct result res;

	rd(x, MICRO, &res);
	CHECK(!res.opened);
	CHECK_STR(res.open_err, msg);
	result_free(&res);
}

static void
expect_read_error(const struct bld *x, int nrec, const char *msg)
{
	struct result res;

	rd(x, MICRO, &res);
	CHECK(res.opened);
	CHECK_INT(res.nrec, nrec);
	CHECK_INT(res.status, PCAP_ERROR);
	CHECK_STR(res.read_err, msg);
	result_free(&res);
}

static void
test_basic(int be)
{
	struct result res;
	struct bld x;
	size_t s;

	b_init(&x, be);
	ng_shb(&x, 1, 0);
	ng_idb(&x, 1, 0, -1, 0, 0);
	ng_epb(&x, 0, 1500000000123456ull, 60, 64, 1, 60);
	/* obsolete Packet Block: 16-bit interface, drops count */
	s = ng_begin(&x, 2);
	b_u16(&x, 0);
	b_u16(&x, 7);
	b_u32(&x, 0);
	b_u32(&x, 2000001);
	b_u32(&x, 5);
	b_u32(&x, 9);
	b_payload(&x, 2, 5);
	ng_end(&x, s);
	/* Simple Packet Block: caplen = min(len, snapshot), no time */
	s = ng_begin(&x, 3);
	b_u32(&x, 7);
	b_payload(&x, 3, 7);
	ng_end(&x, s);
	rd(&x, MICRO, &res);
	CHECK(res.opened);
	CHECK_INT(res.linktype, DLT_EN10MB);
	CHECK_INT(res.snapshot, 262144);	/* IDB snaplen 0 */
	CHECK_INT(res.swapped, be);
	CHECK_INT(res.vmaj, 1);
	CHECK_INT(res.vmin, 0);
	CHECK_INT(res.linktype_ext, 0);
	CHECK_INT(res.nrec, 3);
	CHECK_INT(res.r[0].sec, 1500000000);
	CHECK_INT(res.r[0].frac, 123456);
	CHECK_INT(res.r[0].caplen, 60);
	CHECK_INT(res.r[0].len, 64);
	CHECK(payload_ok(res.r[0].data, 1, 60));
	CHECK_INT(res.r[1].sec, 2);
	CHECK_INT(res.r[1].frac, 1);
	CHECK_INT(res.r[1].caplen, 5);
	CHECK_INT(res.r[1].len, 9);
	CHECK(payload_ok(res.r[1].data, 2, 5));
	CHECK_INT(res.r[2].sec, 0);
	CHECK_INT(res.r[2].caplen, 7);
	CHECK_INT(res.r[2].len, 7);
	CHECK(payload_ok(res.r[2].data, 3, 7));
	CHECK_INT(res.status, PCAP_ERROR_BREAK);
	CHECK_INT(res.after, PCAP_ERROR_BREAK);
	CHECK_INT(res.bufsize, 2048);
	result_free(&res);
	rd(&x, NANO, &res);
	CHECK_INT(res.r[0].frac, 123456000);
	result_free(&res);
	b_free(&x);

	/* Version 1.2 reads as 1.2; an SPB longer than the snapshot. */
	b_init(&x, be);
	ng_shb(&x, 1, 2);
	ng_idb(&x, 101, 10, -1, 0, 0);		/* LINKTYPE_RAW */
	s = ng_begin(&x, 3);
	b_u32(&x, 30);
	b_payload(&x, 4, 12);
	ng_end(&x, s);
	rd(&x, MICRO, &res);
	CHECK_INT(res.vmin, 2);
	CHECK_INT(res.linktype, DLT_RAW);
	CHECK_INT(res.snapshot, 10);
	CHECK_INT(res.r[0].caplen, 10);
	CHECK_INT(res.r[0].len, 30);
	CHECK(payload_ok(res.r[0].data, 4, 10));
	result_free(&res);
	b_free(&x);
}

static void
test_tsresol(void)
{
	static const struct {
		int tsresol;		/* option value, -1 none */
		uint64_t t;
		long long sec, micro, nano;
	} c[] = {
		{ -1, 1234567890123456ull, 1234567890, 123456, 123456000 },
		{ 6, 1234567890123456ull, 1234567890, 123456, 123456000 },
		{ 9, 1234567890123456789ull, 1234567890, 123456, 123456789 },
		{ 3, 5999, 5, 999000, 999000000 },
		{ 0, 77, 77, 0, 0 },
		{ 19, 18446744073709551615ull, 1, 844674, 844674407 },
		{ 0x80 | 20, (5ull << 20) | (1ull << 19), 5, 500000, 500000000 },
		{ 0x80 | 10, 1023, 0, 999023, 999023437 },
		{ 0x80 | 63, (1ull << 63) | (1ull << 62), 1, 0, 0 },
		{ 0x80, 42, 42, 0, 0 },
		{ -1, 18446744073709551615ull, 18446744073709, 551615, 551615000 },
	};
	struct result res;
	struct bld x;
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		b_init(&x, (int)i & 1);
		ng_shb(&x, 1, 0);
		ng_idb(&x, 1, 65535, c[i].tsresol, 0, 0);
		ng_epb(&x, 0, c[i].t, 1, 1, 0, 1);
		rd(&x, MICRO, &res);
		CHECK_INT(res.nrec, 1);
		CHECK_INT(res.r[0].sec, c[i].sec);
		CHECK_INT(res.r[0].frac, c[i].micro);
		result_free(&res);
		rd(&x, NANO, &res);
		CHECK_INT(res.r[0].sec, c[i].sec);
		CHECK_INT(res.r[0].frac, c[i].nano);
		result_free(&res);
		b_free(&x);
	}
}

static void
test_tsoffset(void)
{
	struct result res;
	struct bld x;

	b_init(&x, 1);
	ng_shb(&x, 1, 0);
	ng_idb(&x, 1, 65535, 9, 1, -100);	/* signed offset */
	ng_epb(&x, 0, 1000000000500ull, 1, 1, 0, 1);
	ng_idb(&x, 1, 65535, -1, 1, 1000);
	ng_epb(&x, 1, 0, 1, 1, 0, 1);
	ng_epb(&x, 0, 0, 1, 1, 0, 1);	/* 0 - 100 wraps like libpcap */
	rd(&x, MICRO, &res);
	CHECK_INT(res.nrec, 3);
	CHECK_INT(res.r[0].sec, 900);
	CHECK_INT(res.r[0].frac, 0);		/* 500 ns -> 0 us */
	CHECK_INT(res.r[1].sec, 1000);
	CHECK_INT(res.r[2].sec, -100);
	result_free(&res);
	rd(&x, NANO, &res);
	CHECK_INT(res.r[0].frac, 500);
	result_free(&res);
	b_free(&x);
}

/* An IDB with raw option bytes after the fixed part. */
static void
idb_raw(struct bld *x, const unsigned char *opts, size_t n)
{
	size_t s = ng_begin(x, 1);

	b_u16(x, 1);
	b_u16(x, 0);
	b_u32(x, 65535);
	b_bytes(x, opts, n);
	ng_end(x, s);
}

static void
test_idb_options(void)
{
	static const struct {
		unsigned char opts[24];
		size_t n;
		const char *msg;	/* NULL: fine */
	} c[] = {
		{ { 9, 0, 2, 0, 6, 6, 0, 0 }, 8,
		  "Interface Description Block has if_tsresol option with "
		  "length 2 != 1" },
		{ { 9, 0, 1, 0, 6, 0, 0, 0, 9, 0, 1, 0, 6, 0, 0, 0 }, 16,
		  "Interface Description Block has more than one if_tsresol "
		  "option" },
		{ { 9, 0, 1, 0, 20, 0, 0, 0 }, 8,
		  "Interface Description Block if_tsresol option resolution "
		  "10^-20 is too high" },
		{ { 9, 0, 1, 0, 0xc0, 0, 0, 0 }, 8,
		  "Interface Description Block if_tsresol option resolution "
		  "2^-64 is too high" },
		{ { 14, 0, 4, 0, 1, 2, 3, 4 }, 8,
		  "Interface Description Block has if_tsoffset option with "
		  "length 4 != 8" },
		{ { 14, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		    14, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 24,
		  "Interface Description Block has more than one if_tsoffset "
		  "option" },
		{ { 0, 0, 4, 0, 0, 0, 0, 0 }, 8,
		  "Interface Description Block has opt_endofopt option with "
		  "length 4 != 0" },
		/* after opt_endofopt nothing is looked at */
		{ { 0, 0, 0, 0, 9, 0, 2, 0, 0, 0, 0, 0 }, 12, NULL },
		/* unknown options are skipped, padding included */
		{ { 2, 0, 5, 0, 'e', 't', 'h', '0', '1', 0, 0, 0 }, 12, NULL },
		/* an option value running past the block */
		{ { 9, 0, 1, 0 }, 4, NULL },
		{ { 2, 0, 8, 0, 1, 2, 3, 4 }, 8, NULL },
	};
	struct bld x;
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		b_init(&x, 0);
		ng_shb(&x, 1, 0);
		idb_raw(&x, c[i].opts, c[i].n);
		ng_epb(&x, 0, 0, 1, 1, 0, 1);
		if (c[i].msg != NULL)
			expect_open_error(&x, c[i].msg);
		else if (i >= 9)
			expect_open_error(&x, "block of type 1 in pcapng dump file "
			    "is too short");
		else {
			struct result res;

			rd(&x, MICRO, &res);
			CHECK(res.opened);
			CHECK_INT(res.nrec, 1);
			result_free(&res);
		}
		b_free(&x);
	}

	/* The same errors from an IDB met while reading packets. */
	b_init(&x, 1);
	ng_shb(&x, 1, 0);
	ng_idb(&x, 1, 65535, -1, 0, 0);
	ng_epb(&x, 0, 0, 1, 1, 0, 1);
	{
		size_t s = ng_begin(&x, 1);

		b_u16(&x, 1);
		b_u16(&x, 0);
		b_u32(&x, 65535);
		b_u16(&x, 9);
		b_u16(&x, 1);
		b_u8(&x, 0xc0);
		ng_end(&x, s);
	}
	expect_read_error(&x, 1, "Interface Description Block if_tsresol option "
	    "resolution 2^-64 is too high");
	b_free(&x);
}

static void
test_interfaces(void)
{
	struct result res;
	struct bld x;
	size_t base;

	b_init(&x, 0);
	ng_shb(&x, 1, 0);
	ng_idb(&x, 1, 262144, -1, 0, 0);
	base = x.n;

	ng_idb(&x, 1, 0, 9, 0, 0);	/* snaplen 0 adjusts to 262144: ok */
	ng_epb(&x, 1, 1000000001ull, 1, 1, 0, 1);
	ng_epb(&x, 0, 1000001ull, 1, 1, 0, 1);
	rd(&x, MICRO, &res);
	CHECK_INT(res.nrec, 2);
	CHECK_INT(res.r[0].sec, 1);		/* interface 1: ns */
	CHECK_INT(res.r[0].frac, 0);
	CHECK_INT(res.r[1].sec, 1);		/* interface 0: us */
	CHECK_INT(res.r[1].frac, 1);
	result_free(&res);

	x.n = base;
	ng_idb(&x, 113, 262144, -1, 0, 0);
	expect_read_error(&x, 0, "an interface has a type 113 different from "
	    "the type of the first interface");
	x.n = base;
	ng_idb(&x, 1, 100, -1, 0, 0);
	expect_read_error(&x, 0, "an interface has a snapshot length 100 "
	    "different from the snapshot length of the first interface");
	x.n = base;
	ng_epb(&x, 1, 0, 1, 1, 0, 1);
	expect_read_error(&x, 0, "a packet arrived on interface 1, but there's no "
	    "Interface Description Block for that interface");
	x.n = base;
	ng_epb(&x, 0, 0, 262145, 262145, 0, 0);
	expect_read_error(&x, 0, "invalid packet capture length 262145, bigger "
	    "than snaplen of 262144");
	x.n = base;
	ng_epb(&x, 0, 0, 8, 8, 0, 4);		/* data shorter than caplen */
	expect_read_error(&x, 0, "block of type 6 in pcapng dump file is too "
	    "short");
	x.n = base;
	{
		size_t s = ng_begin(&x, 6);	/* EPB without its fixed part */

		b_u32(&x, 0);
		ng_end(&x, s);
	}
	expect_read_error(&x, 0, "block of type 6 in pcapng dump file is too "
	    "short");
	b_free(&x);

	/*
	 * libpcap compares the first interface's DLT with a later IDB's raw
	 * LINKTYPE value, so a second LINKTYPE_RAW (101 -> DLT_RAW 12) IDB
	 * is refused.
	 */
	b_init(&x, 1);
	ng_shb(&x, 1, 0);
	ng_idb(&x, 101, 0, -1, 0, 0);
	ng_epb(&x, 0, 0, 1, 1, 0, 1);
	ng_idb(&x, 101, 0, -1, 0, 0);
	expect_read_error(&x, 1, "an interface has a type 101 different from "
	    "the type of the first interface");
	b_free(&x);
}

/* An SHB whose total length is 0x00010100 reads the same either way. */
static void
shb_palindrome(struct bld *x, int bom_be, uint32_t bom, unsigned vmaj)
{
	size_t s = x->n;
	int be = x->be;

	b_u32(x, 0x0A0D0D0A);
	b_u32(x, 0x00010100);
	x->be = bom_be;
	b_u32(x, bom);
	b_u16(x, vmaj);
	b_u16(x, 0);
	x->be = be;
	b_fill(x, 0, 0x00010100 - (x->n - s) - 4);
	b_u32(x, 0x00010100);
}

static void
test_sections(void)
{
	struct result res;
	struct bld x;
	size_t base;

	b_init(&x, 0);
	ng_shb(&x, 1, 0);
	ng_idb(&x, 1, 65535, -1, 0, 0);
	ng_epb(&x, 0, 1000000, 1, 1, 0, 1);
	base = x.n;

	ng_shb(&x, 1, 2);		/* a new section resets interfaces */
	ng_idb(&x, 1, 65535, 9, 0, 0);
	ng_epb(&x, 0, 2000000000, 1, 1, 0, 1);
	rd(&x, MICRO, &res);
	CHECK_INT(res.nrec, 2);
	CHECK_INT(res.r[1].sec, 2);
	CHECK_INT(res.vmin, 0);		/* the first section's version */
	result_free(&res);

	x.n = base;
	ng_shb(&x, 1, 0);
	ng_epb(&x, 0, 0, 1, 1, 0, 1);
	expect_read_error(&x, 1, "a packet arrived on interface 0, but there's "
	    "no Interface Description Block for that interface");

	x.n = base;
	ng_shb(&x, 2, 0);
	expect_read_error(&x, 1, "unknown pcapng savefile major version number "
	    "2");
	x.n = base;
	ng_shb(&x, 1, 7);		/* later sections: major only */
	ng_idb(&x, 1, 65535, -1, 0, 0);
	rd(&x, MICRO, &res);
	CHECK_INT(res.status, PCAP_ERROR_BREAK);
	result_free(&res);

	x.n = base;
	shb_palindrome(&x, 1, 0x1A2B3C4D, 1);
	expect_read_error(&x, 1, "the file has sections with different byte "
	    "orders");
	x.n = base;
	shb_palindrome(&x, 0, 0x12345678, 1);
	expect_read_error(&x, 1, "the file has a section with a bad byte order "
	    "magic field");
	b_free(&x);
}

static void
test_blocks(void)
{
	struct result res;
	struct bld x;
	size_t base, s;

	b_init(&x, 1);
	ng_shb(&x, 1, 0);
	s = ng_begin(&x, 0x80000001);	/* a custom block before the IDB */
	b_fill(&x, 0xab, 13);
	ng_end(&x, s);
	ng_shb(&x, 1, 0);		/* an SHB before any IDB is ignored */
	ng_idb(&x, 1, 65535, -1, 0, 0);
	base = x.n;

	/* Skipped blocks of any size up to the limit, even 2 MiB. */
	s = ng_begin(&x, 5);
	b_fill(&x, 0, 2 * 1024 * 1024);
	ng_end(&x, s);
	s = ng_begin(&x, 4);
	ng_end(&x, s);			/* empty body */
	ng_epb(&x, 0, 5000000, 3, 3, 8, 3);
	rd(&x, MICRO, &res);
	CHECK_INT(res.nrec, 1);
	CHECK_INT(res.r[0].sec, 5);
	CHECK(payload_ok(res.r[0].data, 8, 3));
	CHECK_INT(res.status, PCAP_ERROR_BREAK);
	result_free(&res);

	/* Framing errors. */
	x.n = base;
	b_u32(&x, 5);
	b_u32(&x, 8);
	b_u32(&x, 8);
	expect_read_error(&x, 0, "block in pcapng dump file has a length of 8 "
	    "< 12");
	x.n = base;
	b_u32(&x, 5);
	b_u32(&x, 30);
	b_fill(&x, 0, 22);
	expect_read_error(&x, 0, "block in pcapng dump file has a length of 30 "
	    "that is not a multiple of 4");
	x.n = base;
	b_u32(&x, 5);
	b_u32(&x, 16 * 1024 * 1024 + 4);
	expect_read_error(&x, 0, "pcapng block size 16777220 > maximum 16777216");
	x.n = base;
	s = ng_begin(&x, 5);
	b_u32(&x, 1);
	ng_end(&x, s);
	b_put32_at(&x, x.n - 4, 36);
	expect_read_error(&x, 0, "block total length in header 16 and trailer "
	    "36 don't match");
	x.n = base;
	ng_epb(&x, 0, 0, 1, 1, 0, 1);
	b_put32_at(&x, x.n - 4, 0x99);
	expect_read_error(&x, 0, "block total length in header 36 and trailer "
	    "153 don't match");

	/* Truncation: header, parsed body, skipped body, trailer. */
	x.n = base;
	b_u32(&x, 6);
	x.n -= 1;
	expect_read_error(&x, 0, "truncated pcapng dump file; tried to read 8 "
	    "bytes, only got 3");
	x.n = base;
	ng_epb(&x, 0, 0, 10, 10, 0, 10);
	x.n -= 6;
	expect_read_error(&x, 0, "truncated pcapng dump file; tried to read 36 "
	    "bytes, only got 30");
	x.n = base;
	s = ng_begin(&x, 5);
	b_fill(&x, 0, 100);
	ng_end(&x, s);
	x.n -= 50;
	expect_read_error(&x, 0, "truncated pcapng dump file; tried to read 104 "
	    "bytes, only got 54");
	x.n = base;
	s = ng_begin(&x, 5);
	b_fill(&x, 0, 100);
	ng_end(&x, s);
	x.n -= 2;
	expect_read_error(&x, 0, "truncated pcapng dump file; tried to read 104 "
	    "bytes, only got 102");
	b_free(&x);

	/* The limit grows with the DLT: D-Bus may have 128 MiB packets. */
	b_init(&x, 0);
	ng_shb(&x, 1, 0);
	ng_idb(&x, 231, 0, -1, 0, 0);
	s = ng_begin(&x, 5);
	b_fill(&x, 0, 20 * 1024 * 1024);
	ng_end(&x, s);
	rd(&x, MICRO, &res);
	CHECK_INT(res.snapshot, 128 * 1024 * 1024);
	CHECK_INT(res.status, PCAP_ERROR_BREAK);
	result_free(&res);
	b_free(&x);
}

static void
test_open_errors(void)
{
	struct result res;
	struct bld x;
	size_t s;

	b_init(&x, 0);
	ng_shb(&x, 1, 1);
	ng_idb(&x, 1, 0, -1, 0, 0);
	expect_open_error(&x, "unsupported pcapng savefile version 1.1");
	b_free(&x);
	b_init(&x, 1);
	ng_shb(&x, 0, 1);
	expect_open_error(&x, "unsupported pcapng savefile version 0.1");
	b_free(&x);

	b_init(&x, 0);
	ng_shb(&x, 1, 0);
	expect_open_error(&x, "the capture file has no Interface Description "
	    "Blocks");
	ng_epb(&x, 0, 0, 1, 1, 0, 1);
	expect_open_error(&x, "the capture file has a packet block before any "
	    "Interface Description Blocks");
	b_free(&x);

	/* SHB lengths: too small, too large, truncated. */
	b_init(&x, 1);
	b_u32(&x, 0x0A0D0D0A);
	b_u32(&x, 24);
	b_u32(&x, 0x1A2B3C4D);
	b_fill(&x, 0, 12);
	expect_open_error(&x, "Section Header Block in pcapng dump file has "
	    "invalid length 28 < _24_ < 1048576 (BT_SHB_INSANE_MAX)");
	b_put32_at(&x, 4, 1024 * 1024 + 4);
	expect_open_error(&x, "Section Header Block in pcapng dump file has "
	    "invalid length 28 < _1048580_ < 1048576 (BT_SHB_INSANE_MAX)");
	b_put32_at(&x, 4, 100);
	expect_open_error(&x, "truncated pcapng dump file; tried to read 88 "
	    "bytes, only got 12");
	b_free(&x);

	/* The first SHB's trailer and alignment are not checked. */
	b_init(&x, 0);
	b_u32(&x, 0x0A0D0D0A);
	b_u32(&x, 30);
	b_u32(&x, 0x1A2B3C4D);
	b_u16(&x, 1);
	b_u16(&x, 0);
	b_fill(&x, 0xee, 14);
	ng_idb(&x, 1, 0, -1, 0, 0);
	ng_epb(&x, 0, 0, 1, 1, 0, 1);
	rd(&x, MICRO, &res);
	CHECK_INT(res.nrec, 1);
	CHECK_INT(res.bufsize, 2048);
	result_free(&res);
	b_free(&x);

	/* A big first SHB sets pcap_bufsize. */
	b_init(&x, 0);
	s = ng_begin(&x, 0x0A0D0D0A);
	b_u32(&x, 0x1A2B3C4D);
	b_u16(&x, 1);
	b_u16(&x, 0);
	b_u64(&x, 0);
	b_fill(&x, 0, 4000);
	ng_end(&x, s);
	ng_idb(&x, 1, 0, -1, 0, 0);
	rd(&x, MICRO, &res);
	CHECK_INT(res.bufsize, 4028);
	result_free(&res);
	b_free(&x);

	/* The SHB type alone does not make a pcapng file. */
	b_init(&x, 0);
	b_bytes(&x, "\n\r\r\nshort", 9);
	expect_open_error(&x, "unknown file format");
	b_free(&x);
	b_init(&x, 0);
	b_bytes(&x, "\n\r\r\n\0\0\0\0text file?", 19);
	expect_open_error(&x, "unknown file format");
	b_free(&x);

	/* Unknown precision, checked after the SHB length. */
	b_init(&x, 0);
	ng_shb(&x, 1, 0);
	ng_idb(&x, 1, 0, -1, 0, 0);
	read_all(&x, via, 5, &res);
	CHECK_STR(res.open_err, "unknown time stamp resolution 5");
	result_free(&res);
	b_free(&x);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	for (via = 0; via < VIA_COUNT; via++) {
		int before = check_failures;

		test_basic(0);
		test_basic(1);
		test_tsresol();
		test_tsoffset();
		test_idb_options();
		test_interfaces();
		test_sections();
		test_blocks();
		test_open_errors();
		if (check_failures != before)
			fprintf(stderr, "  (failures above read via %s)\n",
			    via_name[via]);
	}
	return check_status("test_savefile_ng");
}
