/*
 * test_savefile.c - the classic pcap reader and the savefile open paths:
 * magics and byte orders, versions and their length-swap rules, snapshot
 * adjustment, reserved link-type bits, unsigned time stamps and precision
 * scaling, oversized and truncated records with libpcap's messages,
 * pcap_bufsize, the savefile ops, and reading through a regular file, a
 * pipe and a memory stream.
 */
#include <signal.h>
#include <sys/stat.h>

#include "check.h"
#include "test_savefile_build.h"

#define MICRO PCAP_TSTAMP_PRECISION_MICRO
#define NANO PCAP_TSTAMP_PRECISION_NANO

/* Every test runs through each way of delivering the bytes. */
static int via;

static void
rd(const struct bld *x, u_int prec, struct result *res)
{
	read_all(x, via, prec, res);
}

static void
expect_open_error(const struct bld *x, u_int prec, const char *msg)
{
	struct result res;

	rd(x, prec, &res);
	CHECK(!res.opened);
	CHECK_STR(res.open_err, msg);
	result_free(&res);
}

static void
test_basic(int be)
{
	struct bld x;
	struct result res;

	b_init(&x, be);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 65535, 1);
	pcap_rec(&x, 1000, 999999, 60, 60, 1, 60);
	pcap_rec(&x, 1001, 0, 1514, 1514, 2, 1514);
	pcap_rec(&x, 1002, 5, 0, 42, 3, 0);
	rd(&x, MICRO, &res);
	CHECK(res.opened);
	CHECK_INT(res.linktype, DLT_EN10MB);
	CHECK_INT(res.linktype_ext, 0);
	CHECK_INT(res.snapshot, 65535);
	CHECK_INT(res.swapped, be);		/* we run little-endian */
	CHECK_INT(res.vmaj, 2);
	CHECK_INT(res.vmin, 4);
	CHECK_INT(res.nrec, 3);
	CHECK_INT(res.r[0].sec, 1000);
	CHECK_INT(res.r[0].frac, 999999);
	CHECK_INT(res.r[0].caplen, 60);
	CHECK(payload_ok(res.r[0].data, 1, 60));
	CHECK_INT(res.r[1].caplen, 1514);
	CHECK(payload_ok(res.r[1].data, 2, 1514));
	CHECK_INT(res.r[2].caplen, 0);
	CHECK_INT(res.r[2].len, 42);
	CHECK_INT(res.status, PCAP_ERROR_BREAK);
	CHECK_INT(res.after, PCAP_ERROR_BREAK);	/* end of file stays */
	result_free(&res);

	/* The nanosecond magic, read at both precisions. */
	b_free(&x);
	b_init(&x, be);
	pcap_hdr(&x, T_MAGIC_NSEC, 2, 4, 65535, 1);
	pcap_rec(&x, 7, 999999999, 4, 4, 4, 4);
	rd(&x, MICRO, &res);
	CHECK_INT(res.r[0].frac, 999999);	/* truncated, never rounded */
	result_free(&res);
	rd(&x, NANO, &res);
	CHECK_INT(res.r[0].frac, 999999999);
	result_free(&res);
	b_free(&x);
}

static void
test_timestamps(void)
{
	struct bld x;
	struct result res;

	/* Unsigned 32-bit fields (libpcap master): no sign extension. */
	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 65535, 1);
	pcap_rec(&x, 0xffffffffu, 0x80000000u, 1, 1, 0, 1);
	pcap_rec(&x, 0x80000000u, 3841916976u, 1, 1, 0, 1);
	rd(&x, MICRO, &res);
	CHECK_INT(res.r[0].sec, 4294967295LL);
	CHECK_INT(res.r[0].frac, 2147483648LL);
	CHECK_INT(res.r[1].sec, 2147483648LL);
	CHECK_INT(res.r[1].frac, 3841916976LL);
	result_free(&res);
	/* Scaling up happens in 64 bits, like master's suseconds_t. */
	rd(&x, NANO, &res);
	CHECK_INT(res.r[1].frac, 3841916976000LL);
	result_free(&res);
	b_free(&x);

	b_init(&x, 1);
	pcap_hdr(&x, T_MAGIC_NSEC, 2, 4, 65535, 1);
	pcap_rec(&x, 1, 2147483648u, 1, 1, 0, 1);
	rd(&x, MICRO, &res);
	CHECK_INT(res.r[0].frac, 2147483);
	result_free(&res);
	b_free(&x);
}

static void
test_versions(void)
{
	static const struct {
		unsigned vmaj, vmin;
		int swap_small, swap_big;	/* caplen<len / caplen>len */
	} ok[] = {
		{ 2, 0, 1, 1 }, { 2, 1, 1, 1 }, { 2, 2, 1, 1 },
		{ 2, 3, 0, 1 },		/* swapped only if caplen > len */
		{ 2, 4, 0, 0 }, { 543, 0, 1, 1 },
	};
	static const struct {
		unsigned vmaj, vmin;
		const char *msg;
	} bad[] = {
		{ 2, 5, "unsupported pcap savefile version 2.5" },
		{ 1, 4, "unsupported pcap savefile version 1.4" },
		{ 0, 0, "unsupported pcap savefile version 0.0" },
		{ 543, 1, "unsupported pcap savefile version 543.1" },
		{ 3, 0, "unsupported pcap savefile version 3.0" },
	};
	struct result res;
	struct bld x;
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		b_init(&x, (int)i & 1);
		pcap_hdr(&x, T_MAGIC_USEC, ok[i].vmaj, ok[i].vmin, 65535, 1);
		/* Disk fields (10, 20), then (30, 12); the payload is as long
		   as whichever field the version makes the caplen. */
		pcap_rec(&x, 1, 0, 10, 20, 5, ok[i].swap_small ? 20 : 10);
		pcap_rec(&x, 2, 0, 30, 12, 6, ok[i].swap_big ? 12 : 30);
		rd(&x, MICRO, &res);
		CHECK_INT(res.nrec, 2);
		CHECK_INT(res.vmaj, ok[i].vmaj);
		if (ok[i].swap_small) {
			CHECK_INT(res.r[0].caplen, 20);
			CHECK_INT(res.r[0].len, 10);
		} else {
			CHECK_INT(res.r[0].caplen, 10);
			CHECK_INT(res.r[0].len, 20);
		}
		if (ok[i].swap_big) {
			CHECK_INT(res.r[1].caplen, 12);
			CHECK_INT(res.r[1].len, 30);
		} else {
			CHECK_INT(res.r[1].caplen, 30);
			CHECK_INT(res.r[1].len, 12);
		}
		result_free(&res);
		b_free(&x);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		b_init(&x, 0);
		pcap_hdr(&x, T_MAGIC_USEC, bad[i].vmaj, bad[i].vmin, 65535, 1);
		expect_open_error(&x, MICRO, bad[i].msg);
		/* The version is checked before the precision. */
		expect_open_error(&x, 9, bad[i].msg);
		b_free(&x);
	}
}

static void
test_snaplen_linktype(void)
{
	static const struct {
		uint32_t snaplen, linktype;
		int dlt, snapshot, ext;
	} c[] = {
		{ 0, 1, DLT_EN10MB, 262144, 0 },
		{ 0x80000000u, 1, DLT_EN10MB, 262144, 0 },
		{ 0xffffffffu, 1, DLT_EN10MB, 262144, 0 },
		{ 0x7fffffffu, 1, DLT_EN10MB, 0x7fffffff, 0 },
		{ 0, 231, DLT_DBUS, 128 * 1024 * 1024, 0 },
		{ 0, 101, DLT_RAW, 262144, 0 },		/* LINKTYPE_RAW */
		{ 1, 9, DLT_PPP, 1, 0 },
		{ 100, 0x14000001u, DLT_EN10MB, 100, 0x14000000 },
		{ 100, 0xf4000071u, DLT_LINUX_SLL, 100, (int)0xf4000000u },
	};
	struct result res;
	struct bld x;
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		b_init(&x, 0);
		pcap_hdr(&x, T_MAGIC_USEC, 2, 4, c[i].snaplen, c[i].linktype);
		rd(&x, MICRO, &res);
		CHECK(res.opened);
		CHECK_INT(res.linktype, c[i].dlt);
		CHECK_INT(res.snapshot, c[i].snapshot);
		CHECK_INT(res.linktype_ext, c[i].ext);
		CHECK_INT(res.nrec, 0);
		CHECK_INT(res.status, PCAP_ERROR_BREAK);
		CHECK_INT(res.bufsize, c[i].snapshot < 2048 ? c[i].snapshot : 2048);
		result_free(&res);
		b_free(&x);
	}

	/* Bits 16-25 are reserved: master refuses the file. */
	b_init(&x, 1);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 65535, 0x00300000u);
	expect_open_error(&x, MICRO,
	    "savefile linktype reserved field not zero (0x00300000)");
	b_free(&x);
	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 65535, 0x07ff0001u);
	expect_open_error(&x, NANO,
	    "savefile linktype reserved field not zero (0x03ff0000)");
	b_free(&x);
}

static void
test_kuznetzov(void)
{
	struct result res;
	struct bld x;

	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_KUZ, 2, 4, 1500, 1);
	pcap_rec(&x, 5, 6, 8, 80, 1, 0);
	b_fill(&x, 0xee, 8);		/* index, protocol, pkt_type, pad */
	b_payload(&x, 1, 8);
	pcap_rec(&x, 7, 8, 3, 3, 2, 0);
	b_fill(&x, 0xee, 8);
	b_payload(&x, 2, 3);
	rd(&x, MICRO, &res);
	CHECK_INT(res.snapshot, 1514);	/* cooked captures: +14 */
	CHECK_INT(res.nrec, 2);
	CHECK_INT(res.r[0].sec, 5);
	CHECK_INT(res.r[0].caplen, 8);
	CHECK(payload_ok(res.r[0].data, 1, 8));
	CHECK_INT(res.r[1].frac, 8);
	CHECK(payload_ok(res.r[1].data, 2, 3));
	result_free(&res);
	b_free(&x);

	b_init(&x, 1);
	pcap_hdr(&x, T_MAGIC_KUZ, 2, 4, 0x7ffffff8u, 1);
	rd(&x, MICRO, &res);
	CHECK_INT(res.snapshot, 0x7fffffff);	/* capped at INT_MAX */
	result_free(&res);
	b_free(&x);

	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_KUZ, 2, 4, 1500, 101);
	rd(&x, MICRO, &res);
	CHECK_INT(res.snapshot, 1500);		/* not Ethernet: unchanged */
	result_free(&res);
	/* A 24-byte record header cut short. */
	pcap_rec(&x, 1, 1, 1, 1, 0, 0);
	rd(&x, MICRO, &res);
	CHECK_STR(res.read_err, "truncated dump file; tried to read 24 header "
	    "bytes, only got 16");
	result_free(&res);
	b_free(&x);
}

static void
test_oversized(void)
{
	struct result res;
	struct bld x;

	/* caplen > snapshot: cut to the snapshot, the rest skipped. */
	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 100, 1);
	pcap_rec(&x, 1, 0, 150, 150, 9, 150);
	pcap_rec(&x, 2, 0, 20, 20, 10, 20);
	rd(&x, MICRO, &res);
	CHECK_INT(res.nrec, 2);
	CHECK_INT(res.r[0].caplen, 100);
	CHECK_INT(res.r[0].len, 150);
	CHECK(payload_ok(res.r[0].data, 9, 100));
	CHECK_INT(res.r[1].sec, 2);
	CHECK(payload_ok(res.r[1].data, 10, 20));
	CHECK_INT(res.bufsize, 100);
	result_free(&res);
	b_free(&x);

	/* More than the DLT allows: an error, worded by the snapshot. */
	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 262144, 1);
	pcap_rec(&x, 1, 0, 262145, 262145, 0, 0);
	rd(&x, MICRO, &res);
	CHECK_INT(res.status, PCAP_ERROR);
	CHECK_STR(res.read_err, "invalid packet capture length 262145, bigger "
	    "than snaplen of 262144");
	result_free(&res);
	b_free(&x);

	b_init(&x, 1);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 300000, 1);
	pcap_rec(&x, 1, 0, 0xfffffff0u, 5, 0, 0);
	rd(&x, MICRO, &res);
	CHECK_STR(res.read_err, "invalid packet capture length 4294967280, "
	    "bigger than snaplen of 300000");
	result_free(&res);
	b_free(&x);

	b_init(&x, 1);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 300000, 1);
	pcap_rec(&x, 1, 0, 262145, 5, 0, 0);
	rd(&x, MICRO, &res);
	CHECK_STR(res.read_err, "invalid packet capture length 262145, bigger "
	    "than maximum of 262144");
	result_free(&res);
	b_free(&x);

	/* D-Bus may carry 128 MiB; a short file stays a short read. */
	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 0, 231);
	pcap_rec(&x, 1, 0, 100000000, 100000000, 0, 10);
	rd(&x, MICRO, &res);
	CHECK_STR(res.read_err, "truncated dump file; tried to read 100000000 "
	    "captured bytes, only got 10");
	result_free(&res);
	b_free(&x);
}

static void
test_truncated(void)
{
	static const unsigned char magic[] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0 };
	struct result res;
	struct bld x;
	size_t full;

	b_init(&x, 0);
	expect_open_error(&x, MICRO, "truncated dump file; tried to read 4 file "
	    "header bytes, only got 0");
	b_bytes(&x, magic, 3);
	expect_open_error(&x, MICRO, "truncated dump file; tried to read 4 file "
	    "header bytes, only got 3");
	b_free(&x);
	b_init(&x, 0);
	b_bytes(&x, magic, 6);
	/* libpcap counts the bytes after the 4 magic bytes. */
	expect_open_error(&x, MICRO, "truncated dump file; tried to read 24 "
	    "file header bytes, only got 2");
	b_free(&x);

	b_init(&x, 0);
	expect_open_error(&x, MICRO, "truncated dump file; tried to read 4 file "
	    "header bytes, only got 0");
	b_bytes(&x, "abcdefgh", 8);
	expect_open_error(&x, MICRO, "unknown file format");
	b_free(&x);

	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 100, 1);
	pcap_rec(&x, 1, 0, 10, 10, 1, 10);
	full = x.n;
	b_u32(&x, 5);
	b_u8(&x, 0);			/* 5 bytes of a record header */
	rd(&x, MICRO, &res);
	CHECK_INT(res.nrec, 1);
	CHECK_INT(res.status, PCAP_ERROR);
	CHECK_STR(res.read_err, "truncated dump file; tried to read 16 header "
	    "bytes, only got 5");
	CHECK_INT(res.after, PCAP_ERROR_BREAK);	/* then end of file */
	result_free(&res);

	x.n = full;
	pcap_rec(&x, 2, 0, 60, 60, 2, 40);
	rd(&x, MICRO, &res);
	CHECK_STR(res.read_err, "truncated dump file; tried to read 60 captured "
	    "bytes, only got 40");
	CHECK_INT(res.after, PCAP_ERROR_BREAK);
	result_free(&res);

	/* Past the snapshot: short before it, then short after it. */
	x.n = full;
	pcap_rec(&x, 2, 0, 150, 150, 2, 50);
	rd(&x, MICRO, &res);
	CHECK_STR(res.read_err, "truncated dump file; tried to read 100 "
	    "captured bytes, only got 50");
	result_free(&res);
	x.n = full;
	pcap_rec(&x, 2, 0, 150, 150, 2, 120);
	rd(&x, MICRO, &res);
	CHECK_STR(res.read_err, "truncated dump file; tried to read 150 "
	    "captured bytes, only got 120");
	result_free(&res);
	b_free(&x);
}

static void
test_bufsize(void)
{
	struct result res;
	struct bld x;

	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 65535, 1);
	pcap_rec(&x, 1, 0, 3000, 3000, 1, 3000);	/* -> 4096 */
	rd(&x, MICRO, &res);
	CHECK_INT(res.bufsize, 4096);
	result_free(&res);
	pcap_rec(&x, 1, 0, 40000, 40000, 1, 40000);	/* -> 65535 (cap) */
	rd(&x, MICRO, &res);
	CHECK_INT(res.bufsize, 65535);
	result_free(&res);
	b_free(&x);
}

/* Many records of many sizes across read-ahead chunks, and a full 256 KiB. */
static void
test_many(void)
{
	struct result res;
	struct bld x;
	unsigned i;
	int ok = 1;

	b_init(&x, 1);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 262144, 1);
	for (i = 0; i < 3000; i++)
		pcap_rec(&x, i, i, (i * 397) % 1600, 2000, i, (i * 397) % 1600);
	pcap_rec(&x, 9999, 0, 262144, 262144, 77, 262144);
	pcap_rec(&x, 10000, 0, 1, 1, 78, 1);
	rd(&x, MICRO, &res);
	/* read_all keeps only MAXREC records; recount with a fresh pass. */
	CHECK_INT(res.status, PCAP_ERROR_BREAK);
	result_free(&res);

	{
		char errbuf[PCAP_ERRBUF_SIZE];
		struct pcap_pkthdr *h;
		const u_char *d;
		pthread_t thr;
		int have_thr;
		FILE *f = bytes_stream(&x, via, &thr, &have_thr);
		pcap_t *p = pcap_fopen_offline(f, errbuf);

		CHECK(p != NULL);
		for (i = 0; p != NULL && i < 3002; i++) {
			unsigned n = i < 3000 ? (i * 397) % 1600 :
			    (i == 3000 ? 262144 : 1);
			unsigned seed = i < 3000 ? i : 77 + (i - 3000);

			if (pcap_next_ex(p, &h, &d) != 1 || h->caplen != n ||
			    !payload_ok(d, seed, n)) {
				ok = 0;
				break;
			}
		}
		CHECK(ok);
		if (p != NULL) {
			CHECK_INT(pcap_next_ex(p, &h, &d), PCAP_ERROR_BREAK);
			pcap_close(p);
		}
		if (have_thr)
			pthread_join(thr, NULL);
	}
	b_free(&x);
}

/* Savefile handles answer libpcap's way for what a file cannot do. */
static void
test_ops(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_stat st;
	struct bld x;
	FILE *f;
	pcap_t *p;
	int fd;

	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 65535, 1);
	f = tmpfile();
	fwrite(x.b, 1, x.n, f);
	rewind(f);
	fd = fileno(f);
	p = pcap_fopen_offline(f, errbuf);
	CHECK(p != NULL);
	CHECK(pcap_file(p) == f);
	CHECK_INT(pcap_get_selectable_fd(p), fd);
	CHECK_INT(pcap_fileno(p), -1);		/* as libpcap, for files */
	CHECK_INT(pcap_stats(p, &st), PCAP_ERROR);
	CHECK_STR(pcap_geterr(p), "Statistics aren't available from savefiles");
	CHECK_INT(pcap_inject(p, "x", 1), PCAP_ERROR);
	CHECK_STR(pcap_geterr(p), "Sending packets isn't supported on savefiles");
	CHECK_INT(pcap_setdirection(p, PCAP_D_IN), PCAP_ERROR);
	CHECK_STR(pcap_geterr(p), "Setting direction is not supported on "
	    "savefiles");
	CHECK_INT(pcap_getnonblock(p, errbuf), 0);
	CHECK_INT(pcap_setnonblock(p, 1, errbuf), PCAP_ERROR);
	CHECK_STR(errbuf, "Savefiles cannot be put into non-blocking mode");
	CHECK_INT(pcap_get_tstamp_precision(p), MICRO);
	pcap_close(p);
	/* pcap_close closed the stream (and so its descriptor). */
	CHECK_INT(fcntl(fd, F_GETFD), -1);
	b_free(&x);

	/* The requested precision is what the handle reports. */
	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 65535, 1);
	f = tmpfile();
	fwrite(x.b, 1, x.n, f);
	rewind(f);
	p = pcap_fopen_offline_with_tstamp_precision(f, NANO, errbuf);
	CHECK(p != NULL);
	CHECK_INT(pcap_get_tstamp_precision(p), NANO);
	pcap_close(p);
	/* An unknown precision fails once the header is known to be good. */
	f = tmpfile();
	fwrite(x.b, 1, x.n, f);
	rewind(f);
	p = pcap_fopen_offline_with_tstamp_precision(f, 2, errbuf);
	CHECK(p == NULL);
	CHECK_STR(errbuf, "unknown time stamp resolution 2");
	fclose(f);		/* a failed pcap_fopen_offline leaves it open */
	b_free(&x);

	p = pcap_fopen_offline(NULL, errbuf);
	CHECK(p == NULL);
	CHECK_STR(errbuf, "Null FILE * pointer provided to savefile open "
	    "routine");
	p = pcap_open_offline(NULL, errbuf);
	CHECK(p == NULL);
	CHECK_STR(errbuf, "A null pointer was supplied as the file name");
	p = pcap_open_offline("/nonexistent/dir/x.pcap", errbuf);
	CHECK(p == NULL);
	CHECK_STR(errbuf, "/nonexistent/dir/x.pcap: No such file or directory");
}

/* By path, and a failed open does not leak the stream it opened. */
static void
test_open_path(void)
{
	char path[] = "/tmp/test_savefile_XXXXXX";
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	struct bld x;
	pcap_t *p;
	int fd = mkstemp(path);
	int before, after;

	CHECK(fd >= 0);
	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_NSEC, 2, 4, 65535, 1);
	pcap_rec(&x, 3, 123456789, 2, 2, 1, 2);
	CHECK_INT(write(fd, x.b, x.n), (long long)x.n);
	close(fd);

	p = pcap_open_offline_with_tstamp_precision(path, NANO, errbuf);
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_INT(pcap_next_ex(p, &h, &d), 1);
		CHECK_INT(h->ts.tv_usec, 123456789);
		pcap_close(p);
	}
	p = pcap_open_offline(path, errbuf);
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_INT(pcap_next_ex(p, &h, &d), 1);
		CHECK_INT(h->ts.tv_usec, 123456);
		pcap_close(p);
	}

	/* Make it unreadable as a savefile: the open closes what it opened. */
	before = dup(0);
	close(before);
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK_INT(write(fd, "garbage!", 8), 8);
	close(fd);
	p = pcap_open_offline(path, errbuf);
	CHECK(p == NULL);
	CHECK_STR(errbuf, "unknown file format");
	after = dup(0);
	close(after);
	CHECK_INT(after, before);	/* no descriptor left behind */
	unlink(path);
	b_free(&x);
}

static void *
late_writer(void *arg)
{
	int fd = *(int *)arg;

	sleep(1);
	close(fd);
	return NULL;
}

/*
 * A pipe fed live: the first record must come out while the writer still
 * holds the pipe open, not after 256 KiB have arrived.
 */
static void
test_live_pipe(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	struct bld x;
	pthread_t thr = 0;
	int fds[2];
	FILE *f;
	pcap_t *p;

	CHECK_INT(pipe(fds), 0);
	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 65535, 1);
	pcap_rec(&x, 1, 2, 3, 3, 4, 3);
	CHECK_INT(write(fds[1], x.b, x.n), (long long)x.n);
	f = fdopen(fds[0], "rb");
	alarm(5);		/* a blocking reader fails the test, not hangs */
	p = pcap_fopen_offline(f, errbuf);
	CHECK(p != NULL);
	CHECK_INT(pcap_next_ex(p, &h, &d), 1);
	CHECK_INT(h->caplen, 3);
	CHECK(payload_ok(d, 4, 3));
	pthread_create(&thr, NULL, late_writer, &fds[1]);
	CHECK_INT(pcap_next_ex(p, &h, &d), PCAP_ERROR_BREAK);
	alarm(0);
	pthread_join(thr, NULL);
	pcap_close(p);
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
		test_timestamps();
		test_versions();
		test_snaplen_linktype();
		test_kuznetzov();
		test_oversized();
		test_truncated();
		test_bufsize();
		test_many();
		if (check_failures != before)
			fprintf(stderr, "  (failures above read via %s)\n",
			    via_name[via]);
	}
	test_ops();
	test_open_path();
	test_live_pipe();
	return check_status("test_savefile");
}
