/*
 * test_savefile_post.c - post-processing of records read from savefiles:
 * host-order pseudo-header fields (PFLOG, SocketCAN behind Linux cooked
 * headers v1 and v2, Linux USB monitor headers, NFLOG TLVs) reversed when
 * the file comes from a host of the other byte order, each only when the
 * captured bytes hold it whole; and the Linux USB isochronous length fix.
 * Files are written as a big-endian host would and read back, in both
 * pcap and pcapng.
 */
#include <signal.h>

#include "check.h"
#include "test_savefile_build.h"

#define LT_PFLOG	117
#define LT_SLL		113
#define LT_SLL2		276
#define LT_USB		189
#define LT_USB_MM	220
#define LT_NFLOG	239

static int use_ng;

/* Put a 16/32/64-bit value at off, big- or little-endian. */
static void
put(unsigned char *d, size_t off, uint64_t v, int size, int be)
{
	int i;

	for (i = 0; i < size; i++)
		d[off + (size_t)(be ? size - 1 - i : i)] =
		    (unsigned char)(v >> (8 * i));
}

/*
 * Write one record (caplen n, wire len) in a file of the given byte order
 * and linktype, read it back, and return the data and length seen.
 */
static int
roundtrip(int be, unsigned linktype, const unsigned char *in, size_t n,
    uint32_t wire, unsigned char *out, uint32_t *len_out)
{
	struct result res;
	struct bld x;
	size_t s;
	int ok;

	b_init(&x, be);
	if (use_ng) {
		ng_shb(&x, 1, 0);
		ng_idb(&x, linktype, 0, -1, 0, 0);
		s = ng_begin(&x, 6);
		b_u32(&x, 0);
		b_u32(&x, 0);
		b_u32(&x, 1);
		b_u32(&x, (uint32_t)n);
		b_u32(&x, wire);
		b_bytes(&x, in, n);
		ng_end(&x, s);
	} else {
		pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 65535, linktype);
		pcap_rec(&x, 1, 0, (uint32_t)n, wire, 0, 0);
		b_bytes(&x, in, n);
	}
	read_all(&x, VIA_TMPFILE, PCAP_TSTAMP_PRECISION_MICRO, &res);
	ok = res.opened && res.nrec == 1 && res.r[0].caplen == n;
	if (ok) {
		memcpy(out, res.r[0].data, n);
		*len_out = res.r[0].len;
	}
	result_free(&res);
	b_free(&x);
	return ok;
}

/* Read a value back in host (little-endian) order. */
static uint64_t
host(const unsigned char *d, size_t off, int size)
{
	uint64_t v = 0;
	int i;

	for (i = size - 1; i >= 0; i--)
		v = v << 8 | d[off + (size_t)i];
	return v;
}

static void
test_pflog(void)
{
	static const struct {
		unsigned hdrlen;	/* pfloghdr.length */
		size_t caplen;
		int swapped;		/* how many of uid..rule_pid */
	} c[] = {
		{ 61, 64, 4 }, { 60, 64, 4 }, { 56, 64, 3 }, { 48, 64, 1 },
		{ 47, 64, 0 }, { 61, 50, 1 }, { 61, 47, 0 }, { 61, 56, 3 },
	};
	unsigned char in[64], out[64];
	uint32_t len;
	size_t i;
	int k;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		memset(in, 0xaa, sizeof in);
		in[0] = (unsigned char)c[i].hdrlen;
		for (k = 0; k < 4; k++)
			put(in, 44 + 4 * (size_t)k, 0x01020304u + (uint32_t)k, 4, 1);
		CHECK(roundtrip(1, LT_PFLOG, in, c[i].caplen, 64, out, &len));
		for (k = 0; k < 4 && 48 + 4 * (size_t)k <= c[i].caplen; k++) {
			uint64_t want = k < c[i].swapped ? 0x01020304u + (uint32_t)k :
			    host(in, 44 + 4 * (size_t)k, 4);

			CHECK_INT(host(out, 44 + 4 * (size_t)k, 4), want);
		}
		/* Other bytes untouched. */
		CHECK(memcmp(out, in, 44) == 0);
		/* Same byte order: nothing to do. */
		CHECK(roundtrip(0, LT_PFLOG, in, c[i].caplen, 64, out, &len));
		CHECK(memcmp(out, in, c[i].caplen) == 0);
	}
	/* The wire length limits too. */
	memset(in, 0, sizeof in);
	in[0] = 61;
	put(in, 44, 0x11223344u, 4, 1);
	CHECK(roundtrip(1, LT_PFLOG, in, 64, 47, out, &len));
	CHECK(memcmp(out, in, 64) == 0);
}

/* A SocketCAN header behind a cooked header at hoff, protocol at poff. */
static void
test_can_one(unsigned lt, size_t hoff, size_t poff)
{
	unsigned char in[64], out[64];
	uint32_t len;

	/* CAN and CAN FD: the 32-bit id. */
	memset(in, 0x55, sizeof in);
	put(in, poff, 0x000C, 2, 1);		/* protocol: big-endian always */
	put(in, hoff, 0x80001234u, 4, 1);
	CHECK(roundtrip(1, lt, in, hoff + 8, hoff + 8, out, &len));
	CHECK_INT(host(out, hoff, 4), 0x80001234u);
	CHECK(memcmp(out + hoff + 4, in + hoff + 4, 4) == 0);
	CHECK(memcmp(out, in, hoff) == 0);
	put(in, poff, 0x000D, 2, 1);
	CHECK(roundtrip(1, lt, in, hoff + 4, hoff + 4, out, &len));
	CHECK_INT(host(out, hoff, 4), 0x80001234u);
	CHECK(roundtrip(1, lt, in, hoff + 3, hoff + 3, out, &len));
	CHECK(memcmp(out, in, hoff + 3) == 0);	/* id not whole: kept */

	/* CAN XL: priority/VCID, payload length, acceptance field. */
	put(in, poff, 0x000E, 2, 1);
	put(in, hoff, 0x01020304u, 4, 1);
	in[hoff + 4] = 0x80;			/* flags */
	in[hoff + 5] = 0x03;			/* sdu type */
	put(in, hoff + 6, 0x0506, 2, 1);
	put(in, hoff + 8, 0x0708090au, 4, 1);
	CHECK(roundtrip(1, lt, in, hoff + 12, hoff + 12, out, &len));
	CHECK_INT(host(out, hoff, 4), 0x01020304u);
	CHECK_INT(out[hoff + 4], 0x80);
	CHECK_INT(out[hoff + 5], 0x03);
	CHECK_INT(host(out, hoff + 6, 2), 0x0506);
	CHECK_INT(host(out, hoff + 8, 4), 0x0708090au);
	CHECK(roundtrip(1, lt, in, hoff + 11, hoff + 11, out, &len));
	CHECK_INT(host(out, hoff + 6, 2), 0x0506);
	CHECK(memcmp(out + hoff + 8, in + hoff + 8, 3) == 0);
	CHECK(roundtrip(1, lt, in, hoff + 7, hoff + 7, out, &len));
	CHECK_INT(host(out, hoff, 4), 0x01020304u);
	CHECK(memcmp(out + hoff + 4, in + hoff + 4, 3) == 0);

	/* Another protocol, or a short cooked header: untouched. */
	put(in, poff, 0x0800, 2, 1);
	CHECK(roundtrip(1, lt, in, hoff + 12, hoff + 12, out, &len));
	CHECK(memcmp(out, in, hoff + 12) == 0);
	put(in, poff, 0x000C, 2, 1);
	CHECK(roundtrip(1, lt, in, hoff + 4, hoff - 1, out, &len));
	CHECK(memcmp(out, in, hoff + 4) == 0);
}

static void
test_can(void)
{
	test_can_one(LT_SLL, 16, 14);
	test_can_one(LT_SLL2, 20, 0);
}

/* A Linux USB header as a big-endian host fills it. */
static void
usb_header(unsigned char *d, int mm, int iso, uint32_t ndesc)
{
	memset(d, 0, 64);
	put(d, 0, 0x0102030405060708ull, 8, 1);		/* id */
	d[8] = 'C';
	d[9] = iso ? 0 : 3;				/* transfer type */
	d[10] = 0x81;
	d[11] = 5;
	put(d, 12, 0x0203, 2, 1);			/* bus_id */
	put(d, 16, 0x1112131415161718ull, 8, 1);	/* ts_sec */
	put(d, 24, 0x21222324u, 4, 1);
	put(d, 28, 0x31323334u, 4, 1);			/* status */
	put(d, 32, 0x41424344u, 4, 1);			/* urb_len */
	put(d, 36, 0x51525354u, 4, 1);			/* data_len */
	put(d, 40, 0x61626364u, 4, 1);			/* error_count / setup */
	put(d, 44, 0x71727374u, 4, 1);			/* numdesc / setup */
	if (mm) {
		put(d, 48, 0x81828384u, 4, 1);		/* interval */
		put(d, 52, 0x91929394u, 4, 1);		/* start_frame */
		put(d, 56, 0xa1a2a3a4u, 4, 1);		/* xfer_flags */
		put(d, 60, ndesc, 4, 1);
	}
}

static void
test_usb(void)
{
	unsigned char in[160], out[160];
	uint32_t len;
	size_t cut;

	/* 48-byte header, not isochronous: setup bytes stay as they are. */
	usb_header(in, 0, 0, 0);
	CHECK(roundtrip(1, LT_USB, in, 48, 48, out, &len));
	CHECK_INT(host(out, 0, 8), 0x0102030405060708ull);
	CHECK_INT(host(out, 12, 2), 0x0203);
	CHECK_INT(host(out, 16, 8), 0x1112131415161718ull);
	CHECK_INT(host(out, 24, 4), 0x21222324u);
	CHECK_INT(host(out, 28, 4), 0x31323334u);
	CHECK_INT(host(out, 32, 4), 0x41424344u);
	CHECK_INT(host(out, 36, 4), 0x51525354u);
	CHECK(memcmp(out + 8, in + 8, 4) == 0);
	CHECK(memcmp(out + 40, in + 40, 8) == 0);

	/* Isochronous: error_count and numdesc too. */
	usb_header(in, 0, 1, 0);
	CHECK(roundtrip(1, LT_USB, in, 48, 48, out, &len));
	CHECK_INT(host(out, 40, 4), 0x61626364u);
	CHECK_INT(host(out, 44, 4), 0x71727374u);

	/* Cut inside a field: that field and the rest stay. */
	for (cut = 0; cut <= 48; cut++) {
		static const size_t ends[] = { 8, 14, 24, 28, 32, 36, 40, 44, 48 };
		size_t k;

		CHECK(roundtrip(1, LT_USB, in, cut, 48, out, &len));
		for (k = 0; k < sizeof ends / sizeof ends[0]; k++)
			if (ends[k] > cut) {
				size_t start = k == 0 ? 0 : (k == 1 ? 12 :
				    (k == 2 ? 16 : ends[k] - 4));

				if (start < cut)
					CHECK(memcmp(out + start, in + start,
					    cut - start) == 0);
				break;
			}
	}

	/* 64-byte header with two isochronous descriptors. */
	usb_header(in, 1, 1, 2);
	memset(in + 64, 0, 32);
	put(in, 64, 0xfffffff0u, 4, 1);		/* status */
	put(in, 68, 0x100, 4, 1);		/* offset */
	put(in, 72, 0x20, 4, 1);		/* len */
	put(in, 76, 0xdeadbeefu, 4, 1);		/* padding: never swapped */
	put(in, 80, 1, 4, 1);
	put(in, 84, 0x200, 4, 1);
	put(in, 88, 0x40, 4, 1);
	CHECK(roundtrip(1, LT_USB_MM, in, 96, 96, out, &len));
	CHECK_INT(host(out, 48, 4), 0x81828384u);
	CHECK_INT(host(out, 52, 4), 0x91929394u);
	CHECK_INT(host(out, 56, 4), 0xa1a2a3a4u);
	CHECK_INT(host(out, 60, 4), 2);
	CHECK_INT(host(out, 64, 4), 0xfffffff0u);
	CHECK_INT(host(out, 68, 4), 0x100);
	CHECK_INT(host(out, 72, 4), 0x20);
	CHECK(memcmp(out + 76, in + 76, 4) == 0);
	CHECK_INT(host(out, 88, 4), 0x40);
	/* Descriptors are swapped only as far as captured. */
	CHECK(roundtrip(1, LT_USB_MM, in, 86, 96, out, &len));
	CHECK_INT(host(out, 80, 4), 1);
	CHECK(memcmp(out + 84, in + 84, 2) == 0);
	/* Non-isochronous: no descriptors. */
	usb_header(in, 1, 0, 2);
	CHECK(roundtrip(1, LT_USB_MM, in, 96, 96, out, &len));
	CHECK(memcmp(out + 64, in + 64, 32) == 0);
	CHECK_INT(host(out, 60, 4), 2);
}

/* A little-endian memory-mapped USB isochronous completion. */
static void
iso_completion(unsigned char *d, uint32_t ndesc, uint32_t urb_len)
{
	memset(d, 0, 160);
	d[8] = 'C';
	d[9] = 0;		/* isochronous */
	d[10] = 0x81;		/* IN */
	d[15] = 0;		/* data present */
	put(d, 32, urb_len, 4, 0);
	put(d, 60, ndesc, 4, 0);
}

static void
set_desc(unsigned char *d, int i, uint32_t off, uint32_t len, int be)
{
	put(d, 64 + 16 * (size_t)i + 4, off, 4, be);
	put(d, 64 + 16 * (size_t)i + 8, len, 4, be);
}

static void
test_usb_iso_len(void)
{
	unsigned char in[160], out[160];
	uint32_t len;

	/* len computed from urb_len (64 + 2*16 + 1000): recomputed. */
	iso_completion(in, 2, 1000);
	set_desc(in, 0, 0, 100, 0);
	set_desc(in, 1, 500, 200, 0);
	CHECK(roundtrip(0, LT_USB_MM, in, 120, 1096, out, &len));
	CHECK_INT(len, 96 + 700);

	/* Not in that form: left alone. */
	CHECK(roundtrip(0, LT_USB_MM, in, 120, 1095, out, &len));
	CHECK_INT(len, 1095);
	in[15] = 1;		/* no data */
	CHECK(roundtrip(0, LT_USB_MM, in, 120, 1096, out, &len));
	CHECK_INT(len, 1096);
	in[15] = 0;
	in[10] = 0x01;		/* OUT */
	CHECK(roundtrip(0, LT_USB_MM, in, 120, 1096, out, &len));
	CHECK_INT(len, 1096);
	in[10] = 0x81;
	in[8] = 'S';
	CHECK(roundtrip(0, LT_USB_MM, in, 120, 1096, out, &len));
	CHECK_INT(len, 1096);
	in[8] = 'C';
	/* Descriptors not all captured, or a header cut short. */
	CHECK(roundtrip(0, LT_USB_MM, in, 95, 1096, out, &len));
	CHECK_INT(len, 1096);
	CHECK(roundtrip(0, LT_USB_MM, in, 63, 1096, out, &len));
	CHECK_INT(len, 1096);
	/* More than 128 descriptors: not trusted, even when all captured. */
	{
		static unsigned char big[64 + 129 * 16], bigout[sizeof big];

		memset(big, 0, sizeof big);
		memcpy(big, in, 64);
		put(big, 60, 129, 4, 0);
		set_desc(big, 0, 0, 5000, 0);
		CHECK(roundtrip(0, LT_USB_MM, big, sizeof big,
		    64 + 129 * 16 + 1000, bigout, &len));
		CHECK_INT(len, 64 + 129 * 16 + 1000);
		/* The same with 128 is fixed: 64 + 128 * 16 + 5000. */
		put(big, 60, 128, 4, 0);
		CHECK(roundtrip(0, LT_USB_MM, big, sizeof big,
		    64 + 128 * 16 + 1000, bigout, &len));
		CHECK_INT(len, 64 + 128 * 16 + 5000);
	}

	/* Never below caplen; a total short of caplen is not used. */
	iso_completion(in, 1, 0);
	set_desc(in, 0, 0, 0, 0);
	CHECK(roundtrip(0, LT_USB_MM, in, 100, 80, out, &len));
	CHECK_INT(len, 100);

	/* Offsets add up saturating at 2^32 - 1. */
	iso_completion(in, 1, 5);
	set_desc(in, 0, 0xfffffff0u, 0x100, 0);
	CHECK(roundtrip(0, LT_USB_MM, in, 80, 85, out, &len));
	CHECK_INT(len, 0xffffffffu);

	/* From a big-endian host: swapped first, then fixed. */
	usb_header(in, 1, 1, 2);
	in[15] = 0;
	memset(in + 64, 0, 32);
	put(in, 32, 1000, 4, 1);
	set_desc(in, 0, 0, 100, 1);
	set_desc(in, 1, 500, 200, 1);
	CHECK(roundtrip(1, LT_USB_MM, in, 120, 1096, out, &len));
	CHECK_INT(len, 796);
}

static void
test_nflog(void)
{
	unsigned char in[40], out[40];
	uint32_t len;

	memset(in, 0, sizeof in);
	in[0] = 2;		/* AF_INET */
	in[1] = 0;		/* version */
	put(in, 2, 7, 2, 1);	/* resource id, big-endian by definition */
	put(in, 4, 8, 2, 1);	/* TLV: length 8, type 1 */
	put(in, 6, 1, 2, 1);
	put(in, 12, 5, 2, 1);	/* length 5 (padded to 8), type 0x0a0b */
	put(in, 14, 0x0a0b, 2, 1);
	put(in, 20, 40, 2, 1);	/* length 40: does not fit, header swapped */
	put(in, 22, 3, 2, 1);
	CHECK(roundtrip(1, LT_NFLOG, in, 28, 28, out, &len));
	CHECK_INT(host(out, 2, 2), 0x0700);	/* untouched */
	CHECK_INT(host(out, 4, 2), 8);
	CHECK_INT(host(out, 6, 2), 1);
	CHECK_INT(host(out, 12, 2), 5);
	CHECK_INT(host(out, 14, 2), 0x0a0b);
	CHECK_INT(host(out, 20, 2), 40);
	CHECK_INT(host(out, 22, 2), 3);

	/* A zero length ends the walk after its own header. */
	put(in, 12, 0, 2, 1);
	CHECK(roundtrip(1, LT_NFLOG, in, 28, 28, out, &len));
	CHECK_INT(host(out, 12, 2), 0);
	CHECK_INT(host(out, 14, 2), 0x0a0b);
	CHECK_INT(host(out, 20, 2), 0x2800);	/* not reached */

	/* Another version: nothing is touched. */
	in[1] = 1;
	CHECK(roundtrip(1, LT_NFLOG, in, 28, 28, out, &len));
	CHECK(memcmp(out, in, 28) == 0);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	for (use_ng = 0; use_ng < 2; use_ng++) {
		int before = check_failures;

		test_pflog();
		test_can();
		test_usb();
		test_usb_iso_len();
		test_nflog();
		if (check_failures != before)
			fprintf(stderr, "  (failures above in %s files)\n",
			    use_ng ? "pcapng" : "pcap");
	}
	return check_status("test_savefile_post");
}
