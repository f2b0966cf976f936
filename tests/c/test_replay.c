/*
 * test_replay.c - unit tests of the replay source's pure code (the device
 * name's options, the due-time arithmetic) and a short run of a replay
 * handle through the C API over a file written here: link type and
 * snapshot, time-outs at the end instead of end of file, pcap_stats, a
 * filter, non-blocking mode, the selectable descriptor and refusals.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/select.h>

#include "pcap-int.h"
#include "../capture/replay-int.h"
#include "check.h"

static int
parses(const char *name, struct rp_opts *o, size_t *at)
{
	char eb[PCAP_ERRBUF_SIZE];

	return rp_parse(name, o, at, eb);
}

/* The message rp_parse gives for name ("" if it accepts it). */
static const char *
parse_error(const char *name)
{
	static char eb[PCAP_ERRBUF_SIZE];
	struct rp_opts o;
	size_t at;

	if (rp_parse(name, &o, &at, eb) == 0)
		return "";
	return eb;
}

static void
test_names(void)
{
	CHECK(rp_is_replay_name("replay:/x"));
	CHECK(rp_is_replay_name("replay,speed=1:/x"));
	CHECK(!rp_is_replay_name("replay"));
	CHECK(!rp_is_replay_name("replayx:/x"));
	CHECK(!rp_is_replay_name("eth0"));
	CHECK(!rp_is_replay_name("Replay:/x"));
	CHECK(!rp_is_replay_name(NULL));
}

static void
test_options(void)
{
	struct rp_opts o;
	size_t at = 0;

	CHECK_INT(parses("replay:/tmp/a.pcap", &o, &at), 0);
	CHECK_INT(o.speed_ppm, 0);		/* default: as fast as possible */
	CHECK_INT(o.loops, 1);
	CHECK_INT(o.ts_now, 0);
	CHECK_STR("replay:/tmp/a.pcap" + at, "/tmp/a.pcap");

	CHECK_INT(parses("replay,speed=1:/a", &o, &at), 0);
	CHECK_INT(o.speed_ppm, 1000000);
	CHECK_INT(parses("replay,speed=0.5,loop=3,ts=now:/a:b,c", &o, &at), 0);
	CHECK_INT(o.speed_ppm, 500000);
	CHECK_INT(o.loops, 3);
	CHECK_INT(o.ts_now, 1);
	CHECK_STR("replay,speed=0.5,loop=3,ts=now:/a:b,c" + at, "/a:b,c");
	CHECK_INT(parses("replay,speed=.25:/a", &o, &at), 0);
	CHECK_INT(o.speed_ppm, 250000);
	CHECK_INT(parses("replay,speed=10.000001:/a", &o, &at), 0);
	CHECK_INT(o.speed_ppm, 10000001);
	CHECK_INT(parses("replay,speed=1000000:/a", &o, &at), 0);
	CHECK_INT(parses("replay,loop=0,ts=file:/a", &o, &at), 0);
	CHECK_INT(o.loops, 0);
	CHECK_INT(o.ts_now, 0);
	CHECK_INT(parses("replay,speed=2,speed=3:/a", &o, &at), 0);
	CHECK_INT(o.speed_ppm, 3000000);	/* the last one counts */

	CHECK_STR(parse_error("replay,foo=1:/a"),
	    "replay: unknown option \"foo\" (known: speed=, loop=, ts=)");
	CHECK_STR(parse_error("replay,speed:/a"),
	    "replay: option \"speed\" needs a value");
	CHECK(strstr(parse_error("replay,speed=-1:/a"), "bad value \"-1\" for speed") != NULL);
	CHECK(strstr(parse_error("replay,speed=1e3:/a"), "bad value") != NULL);
	CHECK(strstr(parse_error("replay,speed=:/a"), "bad value") != NULL);
	CHECK(strstr(parse_error("replay,speed=.:/a"), "bad value") != NULL);
	CHECK(strstr(parse_error("replay,speed=0.0000001:/a"), "bad value") != NULL);
	CHECK(strstr(parse_error("replay,speed=1000000.5:/a"), "bad value") != NULL);
	CHECK(strstr(parse_error("replay,speed=99999999999999999999:/a"), "bad value") != NULL);
	CHECK(strstr(parse_error("replay,loop=x:/a"), "bad value \"x\" for loop") != NULL);
	CHECK(strstr(parse_error("replay,loop=-1:/a"), "bad value") != NULL);
	CHECK(strstr(parse_error("replay,loop=99999999999:/a"), "bad value") != NULL);
	CHECK(strstr(parse_error("replay,ts=later:/a"), "bad value \"later\" for ts") != NULL);
	CHECK_STR(parse_error("replay,,speed=1:/a"),
	    "replay: empty option in the device name");
	CHECK_STR(parse_error("replay,speed=1,:/a"),
	    "replay: empty option in the device name");
	CHECK_STR(parse_error("replay:"), "replay: no file named after \"replay:\"");
	CHECK(strstr(parse_error("replay,speed=1"), "no file named") != NULL);
}

static void
test_timing(void)
{
	const int64_t s = 1000000000;

	/* As recorded: the gap to the pass's first record. */
	CHECK_INT(rp_due_ns(5 * s, 100 * s, 100 * s, 1000000), 5 * s);
	CHECK_INT(rp_due_ns(5 * s, 100 * s, 102 * s + 7, 1000000), 7 * s + 7);
	/* Twice as fast, half as fast. */
	CHECK_INT(rp_due_ns(0, 0, 4 * s, 2000000), 2 * s);
	CHECK_INT(rp_due_ns(0, 0, 4 * s, 500000), 8 * s);
	/* speed 0: everything at the start. */
	CHECK_INT(rp_due_ns(3, 0, 1000 * s, 0), 3);
	/* Stamped before the first record: due at the start. */
	CHECK_INT(rp_due_ns(9, 50 * s, 10 * s, 1000000), 9);
	/* Huge gaps at a slow pace clamp instead of overflowing. */
	CHECK_INT(rp_due_ns(s, 0, INT64_MAX / 2, 1), INT64_MAX);
	CHECK_INT(rp_ts_ns(2, 5, 0), 2 * s + 5000);
	CHECK_INT(rp_ts_ns(2, 5, 1), 2 * s + 5);
	CHECK_INT(rp_ts_ns(-1, 0, 1), -s);
}

/* A pcap file of n 60-byte frames (byte 12 = i), 10 ms apart. */
static void
write_file(const char *path, int n)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 1000);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	u_char frame[60];

	CHECK(d != NULL);
	for (int i = 0; i < n; i++) {
		struct pcap_pkthdr h;

		memset(frame, i, sizeof frame);
		h.ts.tv_sec = 1700000000;
		h.ts.tv_usec = i * 10000;
		h.caplen = h.len = sizeof frame;
		pcap_dump((u_char *)d, &h, frame);
	}
	pcap_dump_close(d);
	pcap_close(dead);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
count_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *d)
{
	(void)h;
	(void)d;
	(*(int *)user)++;
}

static void
test_handle(void)
{
	char path[] = "/tmp/test_replay_XXXXXX", name[64], eb[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	struct pcap_stat ps;
	struct bpf_insn byte12_is_2[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 262144),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct bpf_program prog = { 4, byte12_is_2 };
	int fd = mkstemp(path), n = 0;
	int64_t t0;
	pcap_t *p;
	fd_set rd;
	struct timeval tv = { 1, 0 };

	CHECK(fd >= 0);
	close(fd);
	write_file(path, 4);

	snprintf(name, sizeof name, "replay:%s", path);
	p = pcap_create(name, eb);
	CHECK(p != NULL);
	CHECK_INT(pcap_set_snaplen(p, 20), 0);
	CHECK_INT(pcap_set_timeout(p, 50), 0);
	CHECK_INT(pcap_set_promisc(p, 1), 0);
	CHECK_INT(pcap_activate(p), 0);
	CHECK_INT(pcap_datalink(p), DLT_EN10MB);
	CHECK_INT(pcap_snapshot(p), 20);
	CHECK(pcap_file(p) == NULL);		/* a live handle */
	CHECK_INT(pcap_set_datalink(p, DLT_EN10MB), 0);
	CHECK_INT(pcap_set_datalink(p, DLT_RAW), -1);
	CHECK_INT(pcap_inject(p, "x", 1), PCAP_ERROR);
	CHECK_STR(pcap_geterr(p), "Sending packets isn't supported on replay devices");
	CHECK_INT(pcap_setdirection(p, PCAP_D_IN), PCAP_ERROR);
	CHECK_INT(pcap_setdirection(p, PCAP_D_INOUT), 0);

	/* Due at once: the selectable descriptor says so. */
	FD_ZERO(&rd);
	FD_SET(pcap_get_selectable_fd(p), &rd);
	CHECK_INT(select(pcap_get_selectable_fd(p) + 1, &rd, NULL, NULL, &tv), 1);

	CHECK_INT(pcap_next_ex(p, &h, &d), 1);
	CHECK_INT(h->caplen, 20);		/* cut like a capture */
	CHECK_INT(h->len, 60);
	CHECK_INT(d[12], 0);
	CHECK_INT(pcap_setfilter(p, &prog), 0);
	CHECK_INT(pcap_dispatch(p, -1, count_cb, (u_char *)&n), 1);	/* #2 */
	/* The end: a time-out after the handle's 50 ms, not end of file. */
	t0 = now_ms();
	CHECK_INT(pcap_next_ex(p, &h, &d), 0);
	CHECK(now_ms() - t0 >= 45);
	CHECK_INT(pcap_dispatch(p, -1, count_cb, (u_char *)&n), 0);
	CHECK_INT(pcap_stats(p, &ps), 0);
	CHECK_INT(ps.ps_recv, 2);
	CHECK_INT(ps.ps_drop, 0);
	CHECK_INT(ps.ps_ifdrop, 0);

	/* Non-blocking: no wait at all. */
	CHECK_INT(pcap_setnonblock(p, 1, eb), 0);
	CHECK_INT(pcap_getnonblock(p, eb), 1);
	t0 = now_ms();
	CHECK_INT(pcap_dispatch(p, -1, count_cb, (u_char *)&n), 0);
	CHECK(now_ms() - t0 < 40);
	/* Idle: nothing readable. */
	tv.tv_sec = 0;
	tv.tv_usec = 20000;
	FD_ZERO(&rd);
	FD_SET(pcap_get_selectable_fd(p), &rd);
	CHECK_INT(select(pcap_get_selectable_fd(p) + 1, &rd, NULL, NULL, &tv), 0);
	/* A break before a blocking read. */
	CHECK_INT(pcap_setnonblock(p, 0, eb), 0);
	pcap_breakloop(p);
	CHECK_INT(pcap_loop(p, -1, count_cb, (u_char *)&n), PCAP_ERROR_BREAK);
	pcap_close(p);

	/* Two passes at a quarter of the recorded pace: 4 gaps of 10 ms
	   between the first and the last of 8 records take >= 4*10*4 ms. */
	snprintf(name, sizeof name, "replay,loop=2,speed=0.25:%s", path);
	p = pcap_open_live(name, 100, 0, 1000, eb);
	CHECK(p != NULL);
	n = 0;
	t0 = now_ms();
	CHECK_INT(pcap_loop(p, 8, count_cb, (u_char *)&n), 0);
	CHECK_INT(n, 8);
	CHECK(now_ms() - t0 >= 2 * 3 * 40 - 5);
	pcap_close(p);

	/* Refusals at activation. */
	snprintf(name, sizeof name, "replay,loop=x:%s", path);
	p = pcap_create(name, eb);
	CHECK(p != NULL);
	CHECK_INT(pcap_activate(p), PCAP_ERROR);
	CHECK(strstr(pcap_geterr(p), "bad value \"x\" for loop") != NULL);
	pcap_close(p);
	p = pcap_create("replay:/nonexistent/x.pcap", eb);
	CHECK_INT(pcap_activate(p), PCAP_ERROR_NO_SUCH_DEVICE);
	CHECK_STR(pcap_geterr(p),
	    "replay: /nonexistent/x.pcap: No such file or directory");
	pcap_close(p);
	unlink(path);
}

int
main(void)
{
	test_names();
	test_options();
	test_timing();
	test_handle();
	return check_status("test_replay");
}
