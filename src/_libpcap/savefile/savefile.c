/*
 * savefile.c - opening a savefile for reading: pcap_open_offline,
 * pcap_fopen_offline and their _with_tstamp_precision forms, the format
 * sniffing behind them (sf_open_fp: classic pcap, then pcapng, from the
 * first four bytes) and the backend ops of a savefile handle, with
 * libpcap's answers for what a file cannot do.
 */
#include <errno.h>
#include <stdlib.h>

#include "sf-int.h"

static int
sf_stats(pcap_t *p, struct pcap_stat *ps)
{
	(void)ps;
	core_fmt(p->errbuf, "Statistics aren't available from savefiles");
	return PCAP_ERROR;
}

static int
sf_inject(pcap_t *p, const void *buf, size_t size)
{
	(void)buf; (void)size;
	core_fmt(p->errbuf, "Sending packets isn't supported on savefiles");
	return PCAP_ERROR;
}

static int
sf_setdirection(pcap_t *p, pcap_direction_t d)
{
	(void)d;
	core_fmt(p->errbuf, "Setting direction is not supported on savefiles");
	return PCAP_ERROR;
}

static int
sf_getnonblock(pcap_t *p)
{
	(void)p;
	return 0;		/* a file never is in non-blocking mode */
}

static int
sf_setnonblock(pcap_t *p, int nonblock)
{
	(void)nonblock;
	core_fmt(p->errbuf, "Savefiles cannot be put into non-blocking mode");
	return PCAP_ERROR;
}

static void
sf_state_free(struct sf_state *st)
{
	sf_buf_free(&st->in);
	free(st->ifaces);
	sf_ng_info_free(&st->info);
	free(st);
}

static void
sf_cleanup(pcap_t *p)
{
	struct sf_state *st = p->priv;

	if (st != NULL) {
		if (st->owns_fp && p->rfile != NULL)
			(void)fclose(p->rfile);
		sf_state_free(st);
	}
	p->priv = NULL;
	p->rfile = NULL;
}

#define SF_OPS(next, meta)						\
	{								\
		.read = core_read_records,				\
		.finite = 1,						\
		.next_packet = next,					\
		.record_meta = meta,					\
		.set_read_hooks = sf_set_read_hooks,			\
		.breakloop = sf_breakloop,				\
		.inject = sf_inject,					\
		.setdirection = sf_setdirection,			\
		.getnonblock = sf_getnonblock,				\
		.setnonblock = sf_setnonblock,				\
		.stats = sf_stats,					\
		.cleanup = sf_cleanup,					\
	}

static const struct pcap_ops sf_pcap_ops = SF_OPS(sf_pcap_next, NULL);
static const struct pcap_ops sf_ng_ops = SF_OPS(sf_ng_next, sf_ng_record_meta);

static pcap_t *open_fp(FILE *fp, u_int precision, int owns_fp, int exact,
    char *errbuf);

pcap_t *
sf_open_fp(FILE *fp, u_int precision, int owns_fp, char *errbuf)
{
	return open_fp(fp, precision, owns_fp, 0, errbuf);
}

pcap_t *
sf_open_stream(FILE *fp, u_int precision, char *errbuf)
{
	return open_fp(fp, precision, 1, 1, errbuf);
}

static pcap_t *
open_fp(FILE *fp, u_int precision, int owns_fp, int exact, char *errbuf)
{
	struct sf_state *st;
	pcap_t *p;
	ssize_t got;
	int r;

	if (fp == NULL) {
		core_fmt(errbuf,
		    "Null FILE * pointer provided to savefile open routine");
		return NULL;
	}
	st = calloc(1, sizeof *st);
	if (st == NULL) {
		core_fmt_errno(errbuf, errno, "malloc");
		return NULL;
	}
	sf_buf_init(&st->in, fp, exact, errbuf);

	/* Every format we know is told apart by its first four bytes. */
	got = sf_buf_fill(&st->in, 4, errbuf);
	if (got < 0)
		goto fail_state;
	if (got < 4) {
		core_fmt(errbuf, "truncated dump file; tried to read 4 file "
		    "header bytes, only got %zu", (size_t)got);
		goto fail_state;
	}

	p = core_alloc(errbuf);
	if (p == NULL)
		goto fail_state;
	r = sf_pcap_probe(p, st, precision, errbuf);
	if (r == SF_PROBE_OK) {
		p->ops = &sf_pcap_ops;
	} else if (r == SF_PROBE_NOT_MINE) {
		r = sf_ng_probe(p, st, precision, errbuf);
		if (r == SF_PROBE_OK)
			p->ops = &sf_ng_ops;
		else if (r == SF_PROBE_NOT_MINE)
			core_fmt(errbuf, "unknown file format");
	}
	if (r != SF_PROBE_OK) {
		core_free(p);
		goto fail_state;
	}

	st->owns_fp = owns_fp;
	p->priv = st;
	p->rfile = fp;
	p->selectable_fd = fileno(fp);	/* pcap_fileno stays -1 for files */
	p->opt.tstamp_precision = (int)precision;
	p->tstamp_precision = (int)precision;
	p->activated = 1;
	return p;

fail_state:
	sf_state_free(st);
	return NULL;
}

pcap_t *
pcap_fopen_offline_with_tstamp_precision(FILE *fp, u_int precision,
    char *errbuf)
{
	errbuf = core_errbuf(errbuf);
	/* Like libpcap, pcap_close closes the stream, stdin excepted. */
	return sf_open_fp(fp, precision, fp != stdin, errbuf);
}

pcap_t *
pcap_fopen_offline(FILE *fp, char *errbuf)
{
	return pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
}

pcap_t *
pcap_open_offline_with_tstamp_precision(const char *fname, u_int precision,
    char *errbuf)
{
	errbuf = core_errbuf(errbuf);
	FILE *fp;
	pcap_t *p;

	if (fname == NULL) {
		core_fmt(errbuf, "A null pointer was supplied as the file name");
		return NULL;
	}
	if (fname[0] == '-' && fname[1] == '\0') {
		fp = stdin;
		if (fp == NULL) {
			core_fmt(errbuf, "The standard input is not open");
			return NULL;
		}
	} else {
		fp = fopen(fname, "rb");
		if (fp == NULL) {
			core_fmt_errno(errbuf, errno, "%s", fname);
			return NULL;
		}
	}
	p = sf_open_fp(fp, precision, fp != stdin, errbuf);
	if (p == NULL && fp != stdin)
		fclose(fp);
	return p;
}

pcap_t *
pcap_open_offline(const char *fname, char *errbuf)
{
	return pcap_open_offline_with_tstamp_precision(fname,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
}
