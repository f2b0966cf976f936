/*
 * test_core.c - the core's handle logic: dead handles, create/activate and
 * its setters, error texts, lists, and the read loops over a scripted
 * in-memory source (a tiny backend defined here).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pcap-int.h"

static void
test_status_texts(void)
{
	CHECK_STR(pcap_statustostr(PCAP_ERROR), "Generic error");
	CHECK_STR(pcap_statustostr(PCAP_ERROR_BREAK), "Loop terminated by pcap_breakloop");
	CHECK_STR(pcap_statustostr(PCAP_ERROR_NO_SUCH_DEVICE), "No such device exists");
	CHECK_STR(pcap_statustostr(PCAP_WARNING_PROMISC_NOTSUP),
	    "That device doesn't support promiscuous mode");
	CHECK_STR(pcap_statustostr(0), "Unknown error: 0");
	CHECK_STR(pcap_statustostr(-99), "Unknown error: -99");
	CHECK_STR(pcap_strerror(2), "No such file or directory");
	CHECK(strncmp(pcap_strerror(9999), "Unknown error", 13) == 0);
	CHECK(strstr(pcap_lib_version(), "libpcap for Python") != NULL);
}

static void
test_init(void)
{
	char eb[PCAP_ERRBUF_SIZE];

	CHECK_INT(pcap_init(0x80, eb), PCAP_ERROR);
	CHECK_STR(eb, "Unknown options specified");
	CHECK_INT(pcap_init(PCAP_CHAR_ENC_LOCAL, eb), 0);
	CHECK_INT(pcap_init(PCAP_CHAR_ENC_UTF_8, eb), PCAP_ERROR);
	CHECK_INT(pcap_init(PCAP_CHAR_ENC_LOCAL, eb), 0);
}

static void
test_dead(void)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	struct pcap_stat st;
	struct pcap_pkthdr *h;
	const u_char *data;
	int *list;
	struct bpf_insn ret[1] = { BPF_STMT(BPF_RET | BPF_K, 65535) };
	struct bpf_program prog = { 1, ret };
	pcap_t *d = pcap_open_dead(DLT_EN10MB, 65535);

	CHECK(d != NULL);
	CHECK_INT(pcap_datalink(d), DLT_EN10MB);
	CHECK_INT(pcap_snapshot(d), 65535);
	CHECK_INT(pcap_is_swapped(d), 0);
	CHECK_INT(pcap_major_version(d), 0);
	CHECK_INT(pcap_get_tstamp_precision(d), PCAP_TSTAMP_PRECISION_MICRO);
	CHECK(pcap_file(d) == NULL);
	CHECK_INT(pcap_stats(d, &st), -1);
	CHECK_STR(pcap_geterr(d), "Statistics aren't available from a pcap_open_dead pcap_t");
	CHECK_INT(pcap_getnonblock(d, eb), -1);
	CHECK_STR(eb, "A pcap_open_dead pcap_t does not have a non-blocking mode setting");
	CHECK_INT(pcap_setfilter(d, &prog), -1);
	CHECK_STR(pcap_geterr(d), "A filter cannot be set on a pcap_open_dead pcap_t");
	CHECK_INT(pcap_setdirection(d, PCAP_D_IN), -1);
	CHECK_STR(pcap_geterr(d), "The packet direction cannot be set on a pcap_open_dead pcap_t");
	CHECK_INT(pcap_set_datalink(d, DLT_EN10MB), 0);
	CHECK_INT(pcap_set_datalink(d, DLT_RAW), -1);
	CHECK_STR(pcap_geterr(d), "RAW is not one of the DLTs supported by this device");
	CHECK_INT(pcap_set_datalink(d, 60000), -1);
	CHECK_STR(pcap_geterr(d), "DLT 60000 is not one of the DLTs supported by this device");
	CHECK_INT(pcap_inject(d, "abc", 3), -1);
	CHECK_STR(pcap_geterr(d), "Packets can't be sent on a pcap_open_dead pcap_t");
	CHECK_INT(pcap_sendpacket(d, (const u_char *)"abc", 0), -1);
	CHECK_STR(pcap_geterr(d), "The number of bytes to be sent must be positive");
	CHECK_INT(pcap_next_ex(d, &h, &data), -1);
	CHECK_STR(pcap_geterr(d), "Packets aren't available from a pcap_open_dead pcap_t");
	CHECK_INT(pcap_can_set_rfmon(d), PCAP_ERROR);
	CHECK_INT(pcap_set_snaplen(d, 10), PCAP_ERROR_ACTIVATED);
	CHECK_STR(pcap_geterr(d), "can't perform  operation on activated capture");
	CHECK_INT(pcap_activate(d), PCAP_ERROR_ACTIVATED);
	CHECK_INT(pcap_list_datalinks(d, &list), 1);
	CHECK_INT(list[0], DLT_EN10MB);
	pcap_free_datalinks(list);
	CHECK_INT(pcap_list_tstamp_types(d, &list), 1);
	CHECK_INT(list[0], PCAP_TSTAMP_HOST);
	pcap_free_tstamp_types(list);
	CHECK(pcap_get_required_select_timeout(d) == NULL);
	pcap_close(d);
	/* A second close of the same pointer is a no-op (ASan would see a
	   double free otherwise). */
	pcap_close(d);
	pcap_close(NULL);

	d = pcap_open_dead_with_tstamp_precision(DLT_RAW, 100, 7);
	CHECK_INT(pcap_get_tstamp_precision(d), PCAP_TSTAMP_PRECISION_MICRO);
	pcap_close(d);
	d = pcap_open_dead_with_tstamp_precision(DLT_RAW, 100, PCAP_TSTAMP_PRECISION_NANO);
	CHECK_INT(pcap_get_tstamp_precision(d), PCAP_TSTAMP_PRECISION_NANO);
	pcap_close(d);
}

static void
test_create(void)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *h;
	const u_char *data;
	int *list;
	pcap_t *c = pcap_create("nonexistent0", eb);

	CHECK(c != NULL);
	CHECK_INT(pcap_datalink(c), PCAP_ERROR_NOT_ACTIVATED);
	CHECK_INT(pcap_snapshot(c), PCAP_ERROR_NOT_ACTIVATED);
	CHECK_INT(pcap_bufsize(c), PCAP_ERROR_NOT_ACTIVATED);
	CHECK_INT(pcap_fileno(c), -1);
	CHECK_INT(pcap_next_ex(c, &h, &data), PCAP_ERROR_NOT_ACTIVATED);
	CHECK_STR(pcap_geterr(c), "This handle hasn't been activated yet");
	CHECK_INT(pcap_list_datalinks(c, &list), PCAP_ERROR_NOT_ACTIVATED);
	CHECK_INT(pcap_set_snaplen(c, 100), 0);
	CHECK_INT(pcap_set_promisc(c, 1), 0);
	CHECK_INT(pcap_set_timeout(c, 10), 0);
	CHECK_INT(pcap_set_buffer_size(c, -5), 0);
	CHECK_INT(pcap_set_tstamp_type(c, PCAP_TSTAMP_HOST), 0);
	CHECK_INT(pcap_set_tstamp_type(c, PCAP_TSTAMP_ADAPTER), PCAP_WARNING_TSTAMP_TYPE_NOTSUP);
	CHECK_INT(pcap_set_tstamp_type(c, -1), PCAP_WARNING_TSTAMP_TYPE_NOTSUP);
	CHECK_INT(pcap_set_tstamp_precision(c, PCAP_TSTAMP_PRECISION_NANO), 0);
	CHECK_INT(pcap_set_tstamp_precision(c, 5), PCAP_ERROR_TSTAMP_PRECISION_NOTSUP);
	CHECK_INT(pcap_set_immediate_mode(c, 1), 0);
	CHECK_INT(pcap_set_protocol_linux(c, 3), 0);
	/* No such device: activation fails with a message. */
	CHECK(pcap_activate(c) < 0);
	CHECK(pcap_geterr(c)[0] != '\0');
	/* A failed activation leaves the handle settable. */
	CHECK_INT(pcap_set_snaplen(c, 10), 0);
	pcap_close(c);

	CHECK(pcap_open_live("nonexistent0", 100, 0, 0, eb) == NULL);
	CHECK(strncmp(eb, "nonexistent0: ", 14) == 0);
}

/* A scripted backend: n records of length i+1 with byte value i. */
struct script { int n, next, fail_at; u_char buf[64]; };

static int
script_next(pcap_t *p, struct pcap_pkthdr *h, const u_char **data)
{
	struct script *s = p->priv;

	if (s->next == s->fail_at) {
		core_fmt(p->errbuf, "scripted failure");
		return PCAP_ERROR;
	}
	if (s->next >= s->n)
		return 0;
	memset(s->buf, s->next, sizeof s->buf);
	h->ts.tv_sec = s->next;
	h->ts.tv_usec = 0;
	h->caplen = h->len = (bpf_u_int32)s->next + 1;
	*data = s->buf;
	s->next++;
	return 1;
}

static const struct pcap_ops script_ops = {
	.read = core_read_records, .finite = 1, .next_packet = script_next,
};

static pcap_t *
script_open(struct script *s, int n, int fail_at)
{
	pcap_t *p = core_alloc(NULL);

	memset(s, 0, sizeof *s);
	s->n = n;
	s->fail_at = fail_at;
	p->ops = &script_ops;
	p->priv = s;
	p->activated = 1;
	return p;
}

struct seen { int count; unsigned lens[64]; pcap_t *stop_after_p; int stop_after; };

static void
count_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct seen *seen = (struct seen *)user;

	if (seen->count < 64)
		seen->lens[seen->count] = h->caplen;
	(void)data;
	seen->count++;
	if (seen->stop_after_p != NULL && seen->count == seen->stop_after)
		pcap_breakloop(seen->stop_after_p);
}

static void
test_loops(void)
{
	struct script s;
	struct seen seen;
	struct pcap_pkthdr *h, hdr;
	const u_char *data;
	pcap_t *p;

	p = script_open(&s, 5, -1);
	memset(&seen, 0, sizeof seen);
	CHECK_INT(pcap_dispatch(p, 2, count_cb, (u_char *)&seen), 2);
	CHECK_INT(pcap_dispatch(p, -1, count_cb, (u_char *)&seen), 3);
	CHECK_INT(pcap_dispatch(p, -1, count_cb, (u_char *)&seen), 0);
	CHECK_INT(seen.count, 5);
	CHECK_INT(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
	pcap_close(p);

	p = script_open(&s, 5, -1);
	memset(&seen, 0, sizeof seen);
	CHECK_INT(pcap_loop(p, -1, count_cb, (u_char *)&seen), 0);
	CHECK_INT(seen.count, 5);
	pcap_close(p);

	p = script_open(&s, 10, -1);
	memset(&seen, 0, sizeof seen);
	CHECK_INT(pcap_loop(p, 3, count_cb, (u_char *)&seen), 0);
	CHECK_INT(seen.count, 3);
	CHECK_INT(pcap_next_ex(p, &h, &data), 1);
	CHECK_INT(h->caplen, 4);
	CHECK_INT(data[0], 3);
	CHECK(pcap_next(p, &hdr) != NULL);
	CHECK_INT(hdr.caplen, 5);
	/* breakloop from the callback: the batch in progress ends with its
	   count, and pcap_loop then reports the break (once). */
	seen.stop_after_p = p;
	seen.stop_after = seen.count + 2;
	CHECK_INT(pcap_dispatch(p, -1, count_cb, (u_char *)&seen), 2);
	CHECK_INT(pcap_dispatch(p, -1, count_cb, (u_char *)&seen), PCAP_ERROR_BREAK);
	seen.stop_after = seen.count + 1;
	CHECK_INT(pcap_loop(p, -1, count_cb, (u_char *)&seen), PCAP_ERROR_BREAK);
	pcap_breakloop(p);
	CHECK_INT(pcap_dispatch(p, -1, count_cb, (u_char *)&seen), PCAP_ERROR_BREAK);
	CHECK_INT(pcap_next_ex(p, &h, &data), 1);
	pcap_close(p);

	/* An error mid-stream is reported as PCAP_ERROR with the text. */
	p = script_open(&s, 10, 4);
	memset(&seen, 0, sizeof seen);
	CHECK_INT(pcap_loop(p, -1, count_cb, (u_char *)&seen), PCAP_ERROR);
	CHECK_INT(seen.count, 4);
	CHECK_STR(pcap_geterr(p), "scripted failure");
	pcap_close(p);
}

static void
test_userland_filter(void)
{
	struct script s;
	struct seen seen;
	/* Accept only records whose caplen is >= 3. */
	struct bpf_insn prog_insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 3, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 65535),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct bpf_program prog = { 4, prog_insns };
	struct bpf_insn bad_insns[] = { BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0) };
	struct bpf_program bad = { 1, bad_insns };
	struct pcap_pkthdr hdr = { { 0, 0 }, 5, 5 };
	pcap_t *p = script_open(&s, 6, -1);

	CHECK_INT(pcap_setfilter(p, &bad), -1);
	CHECK_STR(pcap_geterr(p), "BPF program is not valid");
	CHECK_INT(pcap_setfilter(p, &prog), 0);
	memset(&seen, 0, sizeof seen);
	CHECK_INT(pcap_loop(p, -1, count_cb, (u_char *)&seen), 0);
	CHECK_INT(seen.count, 4);
	CHECK_INT(seen.lens[0], 3);
	pcap_close(p);

	CHECK(pcap_offline_filter(&prog, &hdr, (const u_char *)"abcde") != 0);
	hdr.len = 2;
	CHECK_INT(pcap_offline_filter(&prog, &hdr, (const u_char *)"ab"), 0);
	struct bpf_program none = { 0, NULL };
	CHECK_INT(pcap_offline_filter(&none, &hdr, (const u_char *)"ab"), 0);
}

int
main(void)
{
	test_status_texts();
	test_init();
	test_dead();
	test_create();
	test_loops();
	test_userland_filter();
	return check_status("test_core");
}
