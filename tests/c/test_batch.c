/*
 * test_batch.c - the core's batch path (core/batch.c): counts and byte
 * budgets, the filter run once, errors and breaks after packets kept for
 * the next call, time stamps normalised, pcapng records of another link
 * type, and the wait of live and finite sources.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "pcap-int.h"
#include "batch.h"

/* A savefile-like source: n records, record i is i+1 bytes of value i,
   time stamp (i, usec[i]); fail_at: next_packet fails there. */
struct script {
	int n, next, fail_at, other_link_at;
	long usec;
	u_char buf[64];
};

static int
script_next(pcap_t *p, struct pcap_pkthdr *h, const u_char **data)
{
	struct script *s = p->priv;

	if (s->next == s->fail_at) {
		s->fail_at = -1;	/* once, as a cut record is */
		core_fmt(p->errbuf, "scripted failure");
		return PCAP_ERROR;
	}
	if (s->next >= s->n)
		return 0;
	memset(s->buf, s->next, sizeof s->buf);
	h->ts.tv_sec = s->next;
	h->ts.tv_usec = s->usec;
	h->caplen = h->len = (bpf_u_int32)s->next + 1;
	*data = s->buf;
	s->next++;
	return 1;
}

static int
script_meta(pcap_t *p, struct core_pkt *pk)
{
	struct script *s = p->priv;

	pk->iface = 7;
	return s->next - 1 == s->other_link_at;
}

static const struct pcap_ops script_ops = {
	.read = core_read_records, .finite = 1, .next_packet = script_next,
	.record_meta = script_meta,
};

static pcap_t *
script_open(struct script *s, int n)
{
	pcap_t *p = core_alloc(NULL);

	memset(s, 0, sizeof *s);
	s->n = n;
	s->fail_at = -1;
	s->other_link_at = -1;
	p->ops = &script_ops;
	p->priv = s;
	p->activated = 1;
	return p;
}

/* A live source: `ready` packets there now; wait answers `wait_rc`. */
struct live {
	int ready, waits, wait_rc, break_after;
	u_char buf[16];
};

static int
live_read_ready(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	struct live *l = p->priv;
	struct pcap_pkthdr h = { { 5, 999999 }, 16, 16 };
	int n = 0;

	while (l->ready > 0 && (cnt <= 0 || n < cnt)) {
		l->ready--;
		cb(user, &h, l->buf);
		n++;
		if (l->break_after == n)
			pcap_breakloop(p);
		if (p->break_loop) {
			p->break_loop = 0;
			return PCAP_ERROR_BREAK;
		}
	}
	return n;
}

static int
live_wait(pcap_t *p, int timeout_ms)
{
	struct live *l = p->priv;

	(void)timeout_ms;
	l->waits++;
	return l->wait_rc;
}

static const struct pcap_ops live_ops = {
	.read_ready = live_read_ready, .wait = live_wait,
};

struct got {
	int n, stop_at;
	unsigned lens[64];
	int64_t sec[64];
	uint32_t nsec[64], iface[64];
};

static int
sink(void *arg, const struct core_pkt *pk)
{
	struct got *g = arg;

	if (g->n < 64) {
		g->lens[g->n] = pk->caplen;
		g->sec[g->n] = pk->sec;
		g->nsec[g->n] = pk->nsec;
		g->iface[g->n] = pk->iface;
	}
	g->n++;
	return g->stop_at != 0 && g->n == g->stop_at;
}

static void
test_limits(void)
{
	struct script s;
	struct got g = {0};
	pcap_t *p = script_open(&s, 10);

	CHECK_INT(core_batch_read(p, 3, 0, sink, &g), 3);
	CHECK_INT(g.lens[0], 1);
	CHECK_INT(g.lens[2], 3);
	/* The byte budget ends the batch at the packet that reaches it. */
	memset(&g, 0, sizeof g);
	CHECK_INT(core_batch_read(p, 0, 9, sink, &g), 2);	/* 4 + 5 */
	/* The sink ends it. */
	memset(&g, 0, sizeof g);
	g.stop_at = 1;
	CHECK_INT(core_batch_read(p, 0, 0, sink, &g), 1);
	CHECK_INT(g.lens[0], 6);
	memset(&g, 0, sizeof g);
	CHECK_INT(core_batch_read(p, 0, 0, sink, &g), 4);
	CHECK_INT(core_batch_read(p, 0, 0, sink, &g), 0);	/* the end */
	pcap_close(p);
}

static void
test_filter_once(void)
{
	/* ld len; jge #5 -> accept, else reject */
	struct bpf_insn insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 5, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct bpf_program prog = { 4, insns };
	struct script s;
	struct got g = {0};
	pcap_t *p = script_open(&s, 8);

	CHECK_INT(core_set_filter(p, &prog), 0);
	s.other_link_at = 6;	/* record 6 (7 bytes) is of another link */
	CHECK_INT(core_batch_read(p, 0, 0, sink, &g), 3);
	CHECK_INT(g.lens[0], 5);
	CHECK_INT(g.lens[1], 6);
	CHECK_INT(g.lens[2], 8);
	CHECK_INT(g.iface[0], 7);
	/* Without a filter every record comes, whatever its link type. */
	pcap_close(p);
	p = script_open(&s, 8);
	s.other_link_at = 6;
	memset(&g, 0, sizeof g);
	CHECK_INT(core_set_filter(p, &prog), 0);
	CHECK_INT(core_set_filter(p, NULL), 0);
	CHECK_INT(core_batch_read(p, 0, 0, sink, &g), 8);
	pcap_close(p);
}

static void
test_errors_after_packets(void)
{
	struct script s;
	struct got g = {0};
	pcap_t *p = script_open(&s, 10);

	s.fail_at = 4;
	CHECK_INT(core_batch_read(p, 0, 0, sink, &g), 4);
	CHECK_INT(core_batch_read(p, 0, 0, sink, &g), PCAP_ERROR);
	CHECK_STR(pcap_geterr(p), "scripted failure");
	memset(&g, 0, sizeof g);
	CHECK_INT(core_batch_read(p, 0, 0, sink, &g), 6);	/* reads on */
	/* An error before any packet is the answer at once. */
	pcap_close(p);
	p = script_open(&s, 10);
	s.fail_at = 0;
	CHECK_INT(core_batch_read(p, 0, 0, sink, &g), PCAP_ERROR);
	/* A break before any packet, then reading goes on. */
	pcap_breakloop(p);
	CHECK_INT(core_batch_read(p, 0, 0, sink, &g), PCAP_ERROR_BREAK);
	memset(&g, 0, sizeof g);
	CHECK_INT(core_batch_read(p, 2, 0, sink, &g), 2);
	pcap_close(p);
}

static void
test_time_stamps(void)
{
	struct script s;
	struct got g = {0};
	pcap_t *p = script_open(&s, 2);

	s.usec = -1;	/* one microsecond before the second */
	CHECK_INT(core_batch_read(p, 0, 0, sink, &g), 2);
	CHECK_INT(g.sec[1], 0);
	CHECK_INT(g.nsec[1], 999999000);
	pcap_close(p);
	p = script_open(&s, 1);
	p->tstamp_precision = PCAP_TSTAMP_PRECISION_NANO;
	s.usec = 1500000001;	/* more than a second of nanoseconds */
	memset(&g, 0, sizeof g);
	CHECK_INT(core_batch_read(p, 0, 0, sink, &g), 1);
	CHECK_INT(g.sec[0], 1);
	CHECK_INT(g.nsec[0], 500000001);
	pcap_close(p);
}

static void
test_live(void)
{
	struct live l = { .ready = 5, .wait_rc = 1 };
	struct got g = {0};
	pcap_t *p = core_alloc(NULL);

	p->ops = &live_ops;
	p->priv = &l;
	p->activated = 1;
	CHECK_INT(core_batch_read(p, 2, 0, sink, &g), 2);
	CHECK_INT(g.sec[0], 5);
	CHECK_INT(g.nsec[0], 999999000);
	CHECK_INT(g.iface[0], UINT32_MAX);
	/* The byte budget ends the backend's loop; that break is ours. */
	memset(&g, 0, sizeof g);
	CHECK_INT(core_batch_read(p, 0, 16, sink, &g), 1);
	CHECK_INT(p->break_loop, 0);
	/* A caller's break during the batch: packets first, then it. */
	l.break_after = 1;
	memset(&g, 0, sizeof g);
	CHECK_INT(core_batch_read(p, 0, 0, sink, &g), 1);
	CHECK_INT(core_batch_read(p, 0, 0, sink, &g), PCAP_ERROR_BREAK);
	l.break_after = 0;
	memset(&g, 0, sizeof g);
	CHECK_INT(core_batch_read(p, 0, 0, sink, &g), 1);
	CHECK_INT(core_batch_read(p, 0, 0, sink, &g), 0);	/* none now */
	/* The wait is the backend's; a pending break answers first. */
	CHECK_INT(core_batch_wait(p, 10), 1);
	CHECK_INT(l.waits, 1);
	pcap_breakloop(p);
	CHECK_INT(core_batch_wait(p, 10), PCAP_ERROR_BREAK);
	CHECK_INT(l.waits, 1);
	l.wait_rc = CORE_WAIT_SIGNAL;
	CHECK_INT(core_batch_wait(p, 10), CORE_WAIT_SIGNAL);
	p->priv = NULL;
	pcap_close(p);

	/* A finite source never waits. */
	struct script s;
	p = script_open(&s, 1);
	CHECK_INT(core_batch_wait(p, -1), 1);
	pcap_close(p);
}

int
main(void)
{
	test_limits();
	test_filter_once();
	test_errors_after_packets();
	test_time_stamps();
	test_live();
	return check_status("test_batch");
}
