/*
 * info.c - questions asked of an activated handle and the calls that
 * forward to its backend: link-layer type and lists, snapshot, savefile
 * facts, descriptors, statistics, filters, direction, blocking mode and
 * sending.  Each answers the libpcap way when the handle is not activated
 * or its backend cannot do the operation.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "pcap-int.h"
#include "batch.h"
#include "../capture/capture.h"

#define REQUIRE_ACTIVATED(p) \
	do { if (!(p)->activated) return PCAP_ERROR_NOT_ACTIVATED; } while (0)

int
pcap_datalink(pcap_t *p)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	REQUIRE_ACTIVATED(p);
	return p->linktype;
}

int
pcap_datalink_ext(pcap_t *p)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	REQUIRE_ACTIVATED(p);
	return p->linktype_ext;
}

int
pcap_snapshot(pcap_t *p)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	REQUIRE_ACTIVATED(p);
	return p->snapshot;
}

int
pcap_is_swapped(pcap_t *p)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	REQUIRE_ACTIVATED(p);
	return p->swapped;
}

int
pcap_major_version(pcap_t *p)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	REQUIRE_ACTIVATED(p);
	return p->version_major;
}

int
pcap_minor_version(pcap_t *p)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	REQUIRE_ACTIVATED(p);
	return p->version_minor;
}

int
pcap_bufsize(pcap_t *p)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	REQUIRE_ACTIVATED(p);
	return p->bufsize;
}

FILE *
pcap_file(pcap_t *p)
{
	CORE_REQUIRE(p, NULL);
	return p->rfile;
}

int
pcap_fileno(pcap_t *p)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	return p->fd;
}

int
pcap_get_selectable_fd(pcap_t *p)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	return p->selectable_fd;
}

const struct timeval *
pcap_get_required_select_timeout(pcap_t *p)
{
	CORE_REQUIRE(p, NULL);
	return cap_required_select_timeout(p);
}

const struct timeval *
cap_required_select_timeout(pcap_t *p)
{
	if (p == NULL || !p->activated ||
	    p->ops->required_select_timeout == NULL)
		return NULL;
	return p->ops->required_select_timeout(p);
}

int
core_set_read_hooks(pcap_t *p, const struct core_read_hooks *h)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	if (p->ops->set_read_hooks == NULL)
		return PCAP_ERROR;
	return p->ops->set_read_hooks(p, h);
}

int
cap_set_fanout(pcap_t *p, int group_id, int mode)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	if (p->ops->set_fanout == NULL) {
		core_fmt(p->errbuf,
		    "fanout is only available on Linux live captures");
		return PCAP_ERROR;
	}
	return p->ops->set_fanout(p, group_id, mode);
}

int
pcap_get_tstamp_precision(pcap_t *p)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	return p->tstamp_precision;
}

/* Copy n ints into a fresh array the caller frees with the matching free. */
static int
hand_out_list(pcap_t *p, const int *src, int n, int only, int **out)
{
	int *list = malloc(sizeof *list * (size_t)(n > 0 ? n : 1));

	if (list == NULL) {
		core_fmt_errno(p->errbuf, errno, "malloc");
		return PCAP_ERROR;
	}
	if (n > 0)
		memcpy(list, src, sizeof *list * (size_t)n);
	else {
		list[0] = only;
		n = 1;
	}
	*out = list;
	return n;
}

int
pcap_list_datalinks(pcap_t *p, int **dlt_buffer)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	if (dlt_buffer == NULL) {
		core_fmt(p->errbuf, "pcap_list_datalinks: a NULL pointer was "
		    "passed for the list");
		return PCAP_ERROR;
	}
	if (!p->activated) {
		core_fmt(p->errbuf, "This handle hasn't been activated yet");
		return PCAP_ERROR_NOT_ACTIVATED;
	}
	return hand_out_list(p, p->dlt_list, p->dlt_count, p->linktype,
	    dlt_buffer);
}

void
pcap_free_datalinks(int *dlt_list)
{
	free(dlt_list);
}

int
pcap_set_datalink(pcap_t *p, int dlt)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	int i;
	const char *name;

	if (p->dlt_count == 0 || p->ops->set_datalink == NULL) {
		/* No list to choose from: only the current type is fine. */
		if (p->linktype != dlt)
			goto unsupported;
		return 0;
	}
	for (i = 0; i < p->dlt_count; i++)
		if (p->dlt_list[i] == dlt)
			break;
	if (i >= p->dlt_count)
		goto unsupported;
	/* DOCSIS on an Ethernet device is a pure relabelling. */
	if (p->dlt_count == 2 && p->dlt_list[0] == DLT_EN10MB &&
	    dlt == DLT_DOCSIS) {
		p->linktype = dlt;
		return 0;
	}
	if (p->ops->set_datalink(p, dlt) == -1)
		return -1;
	p->linktype = dlt;
	return 0;

unsupported:
	name = pcap_datalink_val_to_name(dlt);
	if (name != NULL)
		core_fmt(p->errbuf,
		    "%s is not one of the DLTs supported by this device", name);
	else
		core_fmt(p->errbuf,
		    "DLT %d is not one of the DLTs supported by this device", dlt);
	return -1;
}

int
pcap_list_tstamp_types(pcap_t *p, int **tstamp_typesp)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	if (tstamp_typesp == NULL) {
		core_fmt(p->errbuf, "pcap_list_tstamp_types: a NULL pointer was "
		    "passed for the list");
		return PCAP_ERROR;
	}
	return hand_out_list(p, p->tstamp_type_list, p->tstamp_type_count,
	    PCAP_TSTAMP_HOST, tstamp_typesp);
}

void
pcap_free_tstamp_types(int *tstamp_type_list)
{
	free(tstamp_type_list);
}

int
pcap_stats(pcap_t *p, struct pcap_stat *ps)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	if (ps == NULL) {
		core_fmt(p->errbuf, "pcap_stats: a NULL pointer was passed for "
		    "the statistics");
		return PCAP_ERROR;	/* libpcap would crash */
	}
	if (!p->activated) {
		core_fmt(p->errbuf, "This handle hasn't been activated yet");
		return PCAP_ERROR_NOT_ACTIVATED;
	}
	if (p->ops->stats == NULL) {
		core_fmt(p->errbuf, "Statistics aren't available from this source");
		return PCAP_ERROR;
	}
	return p->ops->stats(p, ps);
}

int
pcap_setfilter(pcap_t *p, struct bpf_program *fp)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	if (!p->activated) {
		core_fmt(p->errbuf, "This handle hasn't been activated yet");
		return PCAP_ERROR_NOT_ACTIVATED;
	}
	if (p->ops->setfilter != NULL)
		return p->ops->setfilter(p, fp);
	return core_install_userland_filter(p, fp);
}

int
core_set_filter(pcap_t *p, const struct bpf_program *prog)
{
	/* What "no filter" is to a backend that filters itself. */
	static struct bpf_insn accept_all[] = {
		BPF_STMT(BPF_RET | BPF_K, MAXIMUM_SNAPLEN)
	};
	struct bpf_program all = { 1, accept_all };

	CORE_REQUIRE(p, PCAP_ERROR);
	if (prog != NULL)
		return pcap_setfilter(p, (struct bpf_program *)prog);
	if (!p->activated || p->ops->setfilter != NULL)
		return pcap_setfilter(p, &all);
	core_drop_userland_filter(p);
	return 0;
}

int
pcap_offline_filter(const struct bpf_program *fp, const struct pcap_pkthdr *h,
    const u_char *pkt)
{
	if (fp->bf_insns == NULL)
		return 0;
	return (int)vm_filter(fp->bf_insns, pkt, h->len, h->caplen);
}

void
pcap_freecode(struct bpf_program *program)
{
	if (program == NULL)
		return;		/* libpcap would crash */
	program->bf_len = 0;
	free(program->bf_insns);
	program->bf_insns = NULL;
}

int
pcap_setdirection(pcap_t *p, pcap_direction_t d)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	if (!p->activated) {
		core_fmt(p->errbuf, "This handle hasn't been activated yet");
		return PCAP_ERROR_NOT_ACTIVATED;
	}
	if (p->ops->setdirection == NULL) {
		core_fmt(p->errbuf,
		    "Setting direction is not supported on this device");
		return PCAP_ERROR;
	}
	switch (d) {
	case PCAP_D_IN:
	case PCAP_D_OUT:
	case PCAP_D_INOUT:
		return p->ops->setdirection(p, d);
	}
	core_fmt(p->errbuf, "Invalid direction");
	return PCAP_ERROR;
}

int
pcap_getnonblock(pcap_t *p, char *errbuf)
{
	int ret;

	if (!core_registry_has(p)) {
		if (errbuf != NULL)
			core_fmt(errbuf, "%s", CORE_NOT_OPEN_TEXT);
		return PCAP_ERROR;
	}

	if (p->ops->getnonblock == NULL)
		return p->opt.nonblock;
	ret = p->ops->getnonblock(p);
	if (ret == -1 && errbuf != NULL)
		strcpy(errbuf, p->errbuf);	/* both PCAP_ERRBUF_SIZE */
	return ret;
}

int
pcap_setnonblock(pcap_t *p, int nonblock, char *errbuf)
{
	int ret;

	if (!core_registry_has(p)) {
		if (errbuf != NULL)
			core_fmt(errbuf, "%s", CORE_NOT_OPEN_TEXT);
		return PCAP_ERROR;
	}

	if (p->ops->setnonblock == NULL) {
		/* Before activation the wish is only recorded. */
		p->opt.nonblock = nonblock;
		return 0;
	}
	ret = p->ops->setnonblock(p, nonblock);
	if (ret == -1 && errbuf != NULL)
		strcpy(errbuf, p->errbuf);
	return ret;
}

int
pcap_inject(pcap_t *p, const void *buf, size_t size)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	if (!p->activated) {
		core_fmt(p->errbuf, "This handle hasn't been activated yet");
		return PCAP_ERROR_NOT_ACTIVATED;
	}
	if (size > INT_MAX) {
		core_fmt(p->errbuf, "More than %d bytes cannot be injected",
		    INT_MAX);
		return PCAP_ERROR;
	}
	if (size == 0) {
		core_fmt(p->errbuf, "The number of bytes to be injected must not be zero");
		return PCAP_ERROR;
	}
	if (p->ops->inject == NULL) {
		core_fmt(p->errbuf, "Sending packets isn't supported on this device");
		return PCAP_ERROR;
	}
	return p->ops->inject(p, buf, size);
}

int
pcap_sendpacket(pcap_t *p, const u_char *buf, int size)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	if (size <= 0) {
		core_fmt(p->errbuf, "The number of bytes to be sent must be positive");
		return PCAP_ERROR;
	}
	if (pcap_inject(p, buf, (size_t)size) == -1)
		return -1;
	return 0;
}
