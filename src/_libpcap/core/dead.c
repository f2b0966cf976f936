/*
 * dead.c - pcap_open_dead: a handle with a link-layer type and snapshot
 * but no source, used to compile filters and to write savefiles.  Every
 * packet operation answers with libpcap's message for dead handles.
 */
#include "pcap-int.h"

static int
dead_read(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	(void)cnt; (void)cb; (void)user;
	core_fmt(p->errbuf, "Packets aren't available from a pcap_open_dead pcap_t");
	return -1;
}

static int
dead_inject(pcap_t *p, const void *buf, size_t size)
{
	(void)buf; (void)size;
	core_fmt(p->errbuf, "Packets can't be sent on a pcap_open_dead pcap_t");
	return -1;
}

static int
dead_setfilter(pcap_t *p, struct bpf_program *fp)
{
	(void)fp;
	core_fmt(p->errbuf, "A filter cannot be set on a pcap_open_dead pcap_t");
	return -1;
}

static int
dead_setdirection(pcap_t *p, pcap_direction_t d)
{
	(void)d;
	core_fmt(p->errbuf,
	    "The packet direction cannot be set on a pcap_open_dead pcap_t");
	return -1;
}

static int
dead_set_datalink(pcap_t *p, int dlt)
{
	(void)dlt;
	core_fmt(p->errbuf,
	    "The link-layer header type cannot be set on a pcap_open_dead pcap_t");
	return -1;
}

static int
dead_getnonblock(pcap_t *p)
{
	core_fmt(p->errbuf,
	    "A pcap_open_dead pcap_t does not have a non-blocking mode setting");
	return -1;
}

static int
dead_setnonblock(pcap_t *p, int nonblock)
{
	(void)nonblock;
	return dead_getnonblock(p);
}

static int
dead_stats(pcap_t *p, struct pcap_stat *ps)
{
	(void)ps;
	core_fmt(p->errbuf,
	    "Statistics aren't available from a pcap_open_dead pcap_t");
	return -1;
}

static int
dead_can_set_rfmon(pcap_t *p)
{
	core_fmt(p->errbuf, "Rfmon mode doesn't apply on a pcap_open_dead pcap_t");
	return PCAP_ERROR;
}

static const struct pcap_ops dead_ops = {
	.read = dead_read,
	.inject = dead_inject,
	.setfilter = dead_setfilter,
	.setdirection = dead_setdirection,
	.set_datalink = dead_set_datalink,
	.getnonblock = dead_getnonblock,
	.setnonblock = dead_setnonblock,
	.stats = dead_stats,
	.can_set_rfmon = dead_can_set_rfmon,
};

pcap_t *
pcap_open_dead_with_tstamp_precision(int linktype, int snaplen, u_int precision)
{
	pcap_t *p = core_alloc(NULL);

	if (p == NULL)
		return NULL;
	/* No way to report a bad precision here: fall back to micro. */
	if (precision != PCAP_TSTAMP_PRECISION_MICRO &&
	    precision != PCAP_TSTAMP_PRECISION_NANO)
		precision = PCAP_TSTAMP_PRECISION_MICRO;
	p->ops = &dead_ops;
	p->snapshot = snaplen;
	p->linktype = linktype;
	p->tstamp_precision = (int)precision;
	p->opt.tstamp_precision = (int)precision;
	p->activated = 1;
	return p;
}

pcap_t *
pcap_open_dead(int linktype, int snaplen)
{
	return pcap_open_dead_with_tstamp_precision(linktype, snaplen,
	    PCAP_TSTAMP_PRECISION_MICRO);
}
