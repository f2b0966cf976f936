/*
 * test_savefile_dump.c - writing savefiles: the header pcap_dump_open and
 * pcap_dump_fopen write (magic per precision, linktype with its FCS bits,
 * snapshot), records and their 32-bit time stamps, tell/flush/close,
 * pcap_dump_open_append with each of libpcap's checks on the existing
 * file, stop-after-error, and the failures with libpcap's messages.
 */
#include <signal.h>
#include <sys/stat.h>

#include "check.h"
#include "test_savefile_build.h"

#define MICRO PCAP_TSTAMP_PRECISION_MICRO
#define NANO PCAP_TSTAMP_PRECISION_NANO

static char dir[] = "/tmp/test_savefile_dump_XXXXXX";
static char path[256];

static const char *
tmp_path(const char *name)
{
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

/* The whole file at p, into a bld (little-endian host). */
static void
slurp(const char *p, struct bld *x)
{
	unsigned char buf[4096];
	FILE *f = fopen(p, "rb");
	size_t n;

	b_init(x, 0);
	if (f == NULL)
		return;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		b_bytes(x, buf, n);
	fclose(f);
}

static void
write_file(const char *p, const struct bld *x)
{
	FILE *f = fopen(p, "wb");

	if (f == NULL || (x->n != 0 && fwrite(x->b, 1, x->n, f) != x->n))
		abort();
	fclose(f);
}

static uint32_t
le32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

static void
dump_pkt(pcap_dumper_t *d, long long sec, long usec, unsigned caplen,
    unsigned len, unsigned seed)
{
	struct pcap_pkthdr h;
	struct bld x;

	b_init(&x, 0);
	b_payload(&x, seed, caplen);
	h.ts.tv_sec = (time_t)sec;
	h.ts.tv_usec = (suseconds_t)usec;
	h.caplen = caplen;
	h.len = len;
	pcap_dump((u_char *)d, &h, x.b);
	b_free(&x);
}

static void
test_write_read(void)
{
	const char *p = tmp_path("a.pcap");
	struct result res;
	pcap_dumper_t *d;
	struct bld x;
	pcap_t *dead;

	dead = pcap_open_dead(DLT_EN10MB, 65535);
	d = pcap_dump_open(dead, p);
	CHECK(d != NULL);
	CHECK_INT(pcap_dump_ftell(d), 24);
	dump_pkt(d, 1000, 999999, 60, 64, 1);
	CHECK_INT(pcap_dump_ftell(d), 24 + 16 + 60);
	CHECK_INT(pcap_dump_ftell64(d), 24 + 16 + 60);
	dump_pkt(d, 0x100000005LL, 7, 0, 10, 2);	/* 2106 wraps */
	dump_pkt(d, 3, 1, 1514, 1514, 3);
	CHECK_INT(pcap_dump_flush(d), 0);
	CHECK(pcap_dump_file(d) != NULL);
	pcap_dump_close(d);
	pcap_dump_close(d);	/* a second close is a no-op, not a double free */

	slurp(p, &x);
	CHECK_INT(x.n, 24 + 3 * 16 + 60 + 1514);
	CHECK_INT(le32(x.b), 0xa1b2c3d4u);
	CHECK_INT(x.b[4] | x.b[5] << 8, 2);
	CHECK_INT(x.b[6] | x.b[7] << 8, 4);
	CHECK_INT(le32(x.b + 8), 0);
	CHECK_INT(le32(x.b + 12), 0);
	CHECK_INT(le32(x.b + 16), 65535);
	CHECK_INT(le32(x.b + 20), 1);
	read_all(&x, VIA_TMPFILE, MICRO, &res);
	CHECK_INT(res.nrec, 3);
	CHECK_INT(res.r[0].sec, 1000);
	CHECK_INT(res.r[0].frac, 999999);
	CHECK_INT(res.r[0].len, 64);
	CHECK(payload_ok(res.r[0].data, 1, 60));
	CHECK_INT(res.r[1].sec, 5);
	CHECK_INT(res.r[1].caplen, 0);
	CHECK_INT(res.r[1].len, 10);
	CHECK(payload_ok(res.r[2].data, 3, 1514));
	result_free(&res);
	b_free(&x);
	pcap_close(dead);

	/* Nanosecond handles write the nanosecond magic, values as given. */
	dead = pcap_open_dead_with_tstamp_precision(DLT_RAW, 100, NANO);
	d = pcap_dump_open(dead, p);
	CHECK(d != NULL);
	dump_pkt(d, 9, 999999999, 20, 20, 4);
	pcap_dump_close(d);
	slurp(p, &x);
	CHECK_INT(le32(x.b), 0xa1b23c4du);
	CHECK_INT(le32(x.b + 16), 100);
	CHECK_INT(le32(x.b + 20), 101);		/* DLT_RAW -> LINKTYPE_RAW */
	CHECK_INT(le32(x.b + 28), 999999999);
	b_free(&x);
	pcap_close(dead);
}

/* A handle read from a file keeps its FCS bits when it writes. */
static void
test_linktype_ext(void)
{
	const char *p = tmp_path("ext.pcap");
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_dumper_t *d;
	struct bld x;
	pcap_t *in;

	b_init(&x, 1);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 1500, 0x14000001u);
	write_file(tmp_path("ext-in.pcap"), &x);
	b_free(&x);
	in = pcap_open_offline(tmp_path("ext-in.pcap"), errbuf);
	CHECK(in != NULL);
	if (in == NULL)
		return;
	d = pcap_dump_open(in, p);
	CHECK(d != NULL);
	pcap_dump_close(d);
	slurp(p, &x);
	CHECK_INT(le32(x.b + 20), 0x14000001u);
	CHECK_INT(le32(x.b + 16), 1500);
	b_free(&x);
	pcap_close(in);
}

static void
test_open_errors(void)
{
	char errbuf[PCAP_ERRBUF_SIZE], want[512];
	pcap_dumper_t *d;
	pcap_t *dead, *live;
	FILE *f;
	int fd;

	dead = pcap_open_dead(13, 100);		/* a DLT with no LINKTYPE */
	/* Paths in our directory, so a wrong success leaves nothing behind. */
	snprintf(want, sizeof want, "%s: link-layer type 13 isn't supported in "
	    "savefiles", tmp_path("x.pcap"));
	d = pcap_dump_open(dead, path);
	CHECK(d == NULL);
	CHECK_STR(pcap_geterr(dead), want);
	d = pcap_dump_fopen(dead, stdout);
	CHECK(d == NULL);
	CHECK_STR(pcap_geterr(dead), "stream: link-layer type 13 isn't "
	    "supported in savefiles");
	d = pcap_dump_open_append(dead, path);
	CHECK(d == NULL);
	/* libpcap prints the failed mapping here, not the DLT. */
	snprintf(want, sizeof want, "%s: link-layer type -1 isn't supported in "
	    "savefiles", path);
	CHECK_STR(pcap_geterr(dead), want);
	pcap_close(dead);

	dead = pcap_open_dead(DLT_EN10MB, 100);
	d = pcap_dump_open(dead, NULL);
	CHECK(d == NULL);
	CHECK_STR(pcap_geterr(dead), "A null pointer was supplied as the file "
	    "name");
	d = pcap_dump_open_append(dead, NULL);
	CHECK(d == NULL);
	CHECK_STR(pcap_geterr(dead), "A null pointer was supplied as the file "
	    "name");
	d = pcap_dump_open(dead, "/nonexistent/dir/x.pcap");
	CHECK(d == NULL);
	CHECK_STR(pcap_geterr(dead), "/nonexistent/dir/x.pcap: No such file or "
	    "directory");
	d = pcap_dump_open_append(dead, "/nonexistent/dir/x.pcap");
	CHECK(d == NULL);
	CHECK_STR(pcap_geterr(dead), "/nonexistent/dir/x.pcap: No such file or "
	    "directory");

	/* The header cannot be written: the stream is closed for us. */
	f = fopen(tmp_path("a.pcap"), "rb");
	CHECK(f != NULL);
	fd = fileno(f);
	d = pcap_dump_fopen(dead, f);
	CHECK(d == NULL);
	CHECK_STR(pcap_geterr(dead), "Can't write to stream: Bad file "
	    "descriptor");
	CHECK_INT(fcntl(fd, F_GETFD), -1);
	pcap_close(dead);

	/* Not activated: no link-layer type yet. */
	live = pcap_create("lo", errbuf);
	if (live != NULL) {
		snprintf(want, sizeof want, "%s: not-yet-activated pcap_t "
		    "passed to pcap_dump_open", tmp_path("y.pcap"));
		d = pcap_dump_open(live, path);
		CHECK(d == NULL);
		CHECK_STR(pcap_geterr(live), want);
		pcap_close(live);
	}
}

static void
test_fopen(void)
{
	pcap_dumper_t *d;
	struct result res;
	struct bld x;
	pcap_t *dead;
	FILE *f;
	int fd;

	dead = pcap_open_dead(DLT_EN10MB, 262144);
	f = tmpfile();
	fd = dup(fileno(f));
	d = pcap_dump_fopen(dead, f);
	CHECK(d != NULL);
	CHECK(pcap_dump_file(d) == f);
	dump_pkt(d, 1, 2, 3, 4, 5);
	pcap_dump_close(d);		/* closes f, as libpcap does */
	b_init(&x, 0);
	{
		unsigned char buf[256];
		ssize_t n = pread(fd, buf, sizeof buf, 0);

		CHECK_INT(n, 24 + 16 + 3);
		if (n > 0)
			b_bytes(&x, buf, (size_t)n);
	}
	close(fd);
	read_all(&x, VIA_MEM, MICRO, &res);
	CHECK_INT(res.nrec, 1);
	CHECK_INT(res.r[0].len, 4);
	CHECK_INT(res.snapshot, 262144);
	result_free(&res);
	b_free(&x);
	pcap_close(dead);
}

static void
expect_append_error(pcap_t *p, const struct bld *existing, const char *what)
{
	const char *fp = tmp_path("app.pcap");
	char want[512];
	pcap_dumper_t *d;
	struct bld after;

	write_file(fp, existing);
	d = pcap_dump_open_append(p, fp);
	CHECK(d == NULL);
	snprintf(want, sizeof want, "%s: %s", fp, what);
	CHECK_STR(pcap_geterr(p), want);
	slurp(fp, &after);
	/* The file is left as it was. */
	CHECK(after.n == existing->n &&
	    memcmp(after.b, existing->b, existing->n) == 0);
	b_free(&after);
}

static void
test_append(void)
{
	const char *fp = tmp_path("app.pcap");
	pcap_dumper_t *d;
	struct result res;
	struct bld x;
	pcap_t *p, *nano;

	p = pcap_open_dead(DLT_EN10MB, 65535);
	nano = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, NANO);

	/* A new file gets a header, then appending adds records. */
	unlink(fp);
	d = pcap_dump_open_append(p, fp);
	CHECK(d != NULL);
	dump_pkt(d, 1, 0, 10, 10, 1);
	pcap_dump_close(d);
	d = pcap_dump_open_append(p, fp);
	CHECK(d != NULL);
	CHECK_INT(pcap_dump_ftell(d), 24 + 16 + 10);
	dump_pkt(d, 2, 0, 20, 20, 2);
	pcap_dump_close(d);
	slurp(fp, &x);
	read_all(&x, VIA_TMPFILE, MICRO, &res);
	CHECK_INT(res.nrec, 2);
	CHECK(payload_ok(res.r[1].data, 2, 20));
	result_free(&res);
	b_free(&x);

	/* An empty existing file also gets a header. */
	b_init(&x, 0);
	write_file(fp, &x);
	d = pcap_dump_open_append(nano, fp);
	CHECK(d != NULL);
	pcap_dump_close(d);
	slurp(fp, &x);
	CHECK_INT(x.n, 24);
	CHECK_INT(le32(x.b), 0xa1b23c4du);
	b_free(&x);

	/* Each of libpcap's refusals. */
	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 65535, 1);
	expect_append_error(nano, &x, "different time stamp precision, cannot "
	    "append to file");
	b_free(&x);
	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_NSEC, 2, 4, 65535, 1);
	expect_append_error(p, &x, "different time stamp precision, cannot "
	    "append to file");
	b_free(&x);
	b_init(&x, 1);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 65535, 1);
	expect_append_error(p, &x, "different byte order, cannot append to "
	    "file");
	b_free(&x);
	b_init(&x, 1);
	pcap_hdr(&x, T_MAGIC_NSEC, 2, 4, 65535, 1);
	expect_append_error(nano, &x, "different byte order, cannot append to "
	    "file");
	b_free(&x);
	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_KUZ, 2, 4, 65535, 1);
	expect_append_error(p, &x, "not a pcap file to which we can append");
	b_free(&x);
	b_init(&x, 1);
	pcap_hdr(&x, 0xa12b3c4du, 2, 4, 65535, 1);	/* Navtel, swapped */
	expect_append_error(p, &x, "not a pcap file to which we can append");
	b_free(&x);
	b_init(&x, 0);
	b_fill(&x, 'x', 24);
	expect_append_error(p, &x, "not a pcap file");
	b_free(&x);
	b_init(&x, 0);
	ng_shb(&x, 1, 0);
	expect_append_error(p, &x, "not a pcap file");
	b_free(&x);
	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 3, 65535, 1);
	expect_append_error(p, &x, "version is 2.3, cannot append to file");
	b_free(&x);
	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 65535, 101);
	expect_append_error(p, &x, "different linktype, cannot append to file");
	b_free(&x);
	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 1500, 1);
	expect_append_error(p, &x, "different snaplen, cannot append to file");
	b_free(&x);
	b_init(&x, 0);
	pcap_hdr(&x, T_MAGIC_USEC, 2, 4, 65535, 1);
	x.n = 10;
	expect_append_error(p, &x, "truncated pcap file header");
	b_free(&x);

	pcap_close(p);
	pcap_close(nano);
}

/* A stream that fails its writes while told to. */
struct sink {
	size_t got;
	int failing;
};

static ssize_t
sink_write(void *c, const char *buf, size_t n)
{
	struct sink *s = c;

	(void)buf;
	if (s->failing) {
		errno = ENOSPC;
		return -1;
	}
	s->got += n;
	return (ssize_t)n;
}

static void
test_stop_after_error(void)
{
	cookie_io_functions_t io = { NULL, sink_write, NULL, NULL };
	struct sink s = { 0, 0 };
	pcap_dumper_t *d;
	pcap_t *dead;
	FILE *f;

	f = fopencookie(&s, "w", io);
	CHECK(f != NULL);
	setvbuf(f, NULL, _IONBF, 0);
	dead = pcap_open_dead(DLT_EN10MB, 65535);
	d = pcap_dump_fopen(dead, f);
	CHECK(d != NULL);
	CHECK_INT(s.got, 24);
	dump_pkt(d, 1, 1, 8, 8, 1);
	CHECK_INT(s.got, 24 + 16 + 8);
	s.failing = 1;
	dump_pkt(d, 1, 1, 8, 8, 1);
	s.failing = 0;
	/* The stream is in error now: nothing more is written. */
	dump_pkt(d, 1, 1, 8, 8, 1);
	CHECK_INT(s.got, 24 + 16 + 8);
	pcap_dump_close(d);
	pcap_close(dead);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (mkdtemp(dir) == NULL)
		return 1;
	test_write_read();
	test_linktype_ext();
	test_open_errors();
	test_fopen();
	test_append();
	test_stop_after_error();
	{
		static const char *const names[] = { "a.pcap", "ext.pcap",
		    "ext-in.pcap", "app.pcap", "x.pcap", "y.pcap" };
		size_t i;

		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			unlink(tmp_path(names[i]));
		rmdir(dir);
	}
	return check_status("test_savefile_dump");
}
