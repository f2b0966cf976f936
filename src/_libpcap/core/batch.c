/*
 * batch.c - core_batch_read and core_batch_wait (see batch.h): records of
 * a savefile-like source come from next_packet, those of a live source
 * from its read_ready; the filter runs once, here or in the backend.
 */
#include <stdint.h>

#include "batch.h"

void
core_split_ts(const pcap_t *p, const struct pcap_pkthdr *h, int64_t *sec,
    uint32_t *nsec)
{
	int64_t s = (int64_t)h->ts.tv_sec;
	int64_t frac = (int64_t)h->ts.tv_usec;

	if (p->tstamp_precision != PCAP_TSTAMP_PRECISION_NANO)
		frac *= 1000;
	if (frac < 0 || frac >= CORE_NS_PER_S) {
		s += frac / CORE_NS_PER_S;
		frac %= CORE_NS_PER_S;
		if (frac < 0) {
			frac += CORE_NS_PER_S;
			s -= 1;
		}
	}
	*sec = s;
	*nsec = (uint32_t)frac;
}

struct batch_ctx {
	pcap_t *p;
	core_sink sink;
	void *arg;
	size_t max_bytes, bytes;
	int n;
	int stopped;		/* the sink or the budget ended the batch */
};

/* Give one accepted packet to the sink; 1 when the batch is over. */
static int
hand_over(struct batch_ctx *c, struct core_pkt *pk,
    const struct pcap_pkthdr *h, const u_char *data)
{
	core_split_ts(c->p, h, &pk->sec, &pk->nsec);
	pk->caplen = h->caplen;
	pk->len = h->len;
	pk->data = data;
	c->n++;
	c->bytes += h->caplen;
	if (c->sink(c->arg, pk) != 0 ||
	    (c->max_bytes != 0 && c->bytes >= c->max_bytes)) {
		c->stopped = 1;
		return 1;
	}
	return 0;
}

/* Records of a savefile-like source. */
static int
read_records(pcap_t *p, int max_pkts, struct batch_ctx *c)
{
	struct pcap_pkthdr h;
	const u_char *data;

	while (max_pkts <= 0 || c->n < max_pkts) {
		struct core_pkt pk = { .iface = UINT32_MAX };
		int rc;

		if (p->break_loop) {
			if (c->n > 0)
				break;
			p->break_loop = 0;
			return PCAP_ERROR_BREAK;
		}
		rc = p->ops->next_packet(p, &h, &data);
		if (rc < 0) {
			if (c->n == 0)
				return rc;
			p->batch_status = rc;	/* the next call's answer */
			break;
		}
		if (rc == 0)
			break;
		/* A filter is code for the handle's link type: a pcapng
		   interface of another one never matches it. */
		if (p->ops->record_meta != NULL &&
		    p->ops->record_meta(p, &pk) && p->fprog != NULL)
			continue;
		if (!core_passes_filter(p, &h, data))
			continue;
		if (hand_over(c, &pk, &h, data))
			break;
	}
	return c->n;
}

static void
live_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct batch_ctx *c = (struct batch_ctx *)user;
	struct core_pkt pk = { .iface = UINT32_MAX };

	if (c->stopped)
		return;		/* a backend that delivers past a break */
	if (hand_over(c, &pk, h, data)) {
		/* End the backend's loop: its break is ours, not the
		   caller's (told apart by c->stopped). */
		c->p->break_loop = 1;
	}
}

int
core_batch_read(pcap_t *p, int max_pkts, size_t max_bytes, core_sink sink,
    void *arg)
{
	struct batch_ctx c = { p, sink, arg, max_bytes, 0, 0, 0 };
	int rc;

	CORE_REQUIRE(p, PCAP_ERROR);
	if (!p->activated) {
		core_fmt(p->errbuf, "This handle hasn't been activated yet");
		return PCAP_ERROR_NOT_ACTIVATED;
	}
	if (p->batch_status != 0) {
		/* An error met after the packets of the last batch. */
		rc = p->batch_status;
		p->batch_status = 0;
		return rc;
	}
	if (p->ops->next_packet != NULL)
		return read_records(p, max_pkts, &c);
	if (p->break_loop) {
		p->break_loop = 0;
		return PCAP_ERROR_BREAK;
	}
	if (p->ops->read_ready == NULL) {
		/* A handle that never has packets (pcap_open_dead). */
		return p->ops->read(p, max_pkts, live_cb, (u_char *)&c);
	}
	rc = p->ops->read_ready(p, max_pkts, live_cb, (u_char *)&c);
	if (c.stopped && rc == PCAP_ERROR_BREAK) {
		p->break_loop = 0;
		return c.n;
	}
	if (rc < 0 && c.n > 0) {
		/* Packets first; the break or error is the next answer. */
		if (rc == PCAP_ERROR_BREAK)
			p->break_loop = 1;
		else
			p->batch_status = rc;
		return c.n;
	}
	return rc;
}

int
core_batch_wait(pcap_t *p, int timeout_ms)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	if (!p->activated || p->ops->wait == NULL)
		return 1;
	if (p->break_loop) {
		p->break_loop = 0;
		return PCAP_ERROR_BREAK;
	}
	return p->ops->wait(p, timeout_ms);
}
