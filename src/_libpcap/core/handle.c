/*
 * handle.c - the life of a pcap_t and the reading loops every backend
 * shares: allocation with defaults, pcap_close, pcap_loop / pcap_dispatch /
 * pcap_next / pcap_next_ex / pcap_breakloop, the generic record loop for
 * savefile-like sources and the userland filter copy.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "pcap-int.h"
#include "../bpf/vm.h"

/* A read before activation answers like libpcap's "not initialized" op. */
static int
read_not_activated(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	(void)cnt; (void)cb; (void)user;
	core_fmt(p->errbuf, "This handle hasn't been activated yet");
	return PCAP_ERROR_NOT_ACTIVATED;
}

pcap_t *
core_alloc(char *errbuf)
{
	pcap_t *p = calloc(1, sizeof *p);

	if (p == NULL) {
		if (errbuf != NULL)
			core_fmt_errno(errbuf, errno, "malloc");
		return NULL;
	}
	if (core_registry_add(p) < 0) {
		if (errbuf != NULL)
			core_fmt_errno(errbuf, ENOMEM, "malloc");
		free(p);
		return NULL;
	}
	p->fd = -1;
	p->selectable_fd = -1;
	p->opt.timeout = 0;
	p->opt.buffer_size = 0;
	p->opt.promisc = 0;
	p->opt.tstamp_type = -1;	/* "not set": the backend's default */
	p->opt.tstamp_precision = PCAP_TSTAMP_PRECISION_MICRO;
	p->tstamp_precision = PCAP_TSTAMP_PRECISION_MICRO;
	p->direction = PCAP_D_INOUT;
	return p;
}

/* Free what the core owns; the handle is already out of the registry. */
static void
release(pcap_t *p)
{
	core_drop_userland_filter(p);
	free(p->dlt_list);
	free(p->tstamp_type_list);
	free(p->opt.device);
	free(p);
}

void
core_free(pcap_t *p)
{
	core_registry_remove(p);
	release(p);
}

void
pcap_close(pcap_t *p)
{
	/* NULL, or a handle closed already: nothing to do. */
	if (p == NULL || !core_registry_remove(p))
		return;
	if (p->reading > 0) {
		/* From a callback of this handle's own loop: the handle is
		   closed for everyone now, and freed when the loop returns
		   (libpcap would free it under the loop's feet). */
		p->close_pending = 1;
		p->break_loop = 1;
		return;
	}
	if (p->ops != NULL && p->ops->cleanup != NULL)
		p->ops->cleanup(p);
	release(p);
}

/* After a read that may have run callbacks: a close they asked for is
   done now.  1 if p is gone. */
static int
finish_pending_close(pcap_t *p)
{
	if (!p->close_pending || p->reading > 0)
		return 0;
	if (p->ops != NULL && p->ops->cleanup != NULL)
		p->ops->cleanup(p);
	release(p);
	return 1;
}

void
core_drop_userland_filter(pcap_t *p)
{
	pcap_freecode(&p->fcode);
	vm_prog_free(p->fprog);
	p->fprog = NULL;
}

int
core_install_userland_filter(pcap_t *p, const struct bpf_program *prog)
{
	struct bpf_insn *copy;
	struct vm_prog *decoded;
	size_t size;

	if (prog == NULL) {
		core_fmt(p->errbuf, "No filter specified");
		return PCAP_ERROR;
	}
	/* Validate and predecode once here, not per packet. */
	decoded = vm_prog_new(prog->bf_insns, prog->bf_len);
	if (decoded == NULL) {
		if (errno == ENOMEM)
			core_fmt_errno(p->errbuf, errno, "malloc");
		else
			core_fmt(p->errbuf, "BPF program is not valid");
		return PCAP_ERROR;
	}
	size = sizeof *prog->bf_insns * prog->bf_len;
	copy = malloc(size);
	if (copy == NULL) {
		core_fmt_errno(p->errbuf, errno, "malloc");
		vm_prog_free(decoded);
		return PCAP_ERROR;
	}
	memcpy(copy, prog->bf_insns, size);
	core_drop_userland_filter(p);
	p->fcode.bf_len = prog->bf_len;
	p->fcode.bf_insns = copy;
	p->fprog = decoded;
	return 0;
}

int
core_passes_filter(pcap_t *p, const struct pcap_pkthdr *h, const u_char *data)
{
	return p->fprog == NULL ||
	    vm_prog_run(p->fprog, data, h->len, h->caplen) != 0;
}

int
core_read_records(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	struct pcap_pkthdr h;
	const u_char *data;
	int n = 0;

	for (;;) {
		if (p->break_loop) {
			/* Report the break only if nothing was delivered. */
			if (n == 0) {
				p->break_loop = 0;
				return PCAP_ERROR_BREAK;
			}
			return n;
		}
		int status = p->ops->next_packet(p, &h, &data);
		if (status < 0)
			return status;
		if (status == 0)
			break;
		if (core_passes_filter(p, &h, data)) {
			cb(user, &h, data);
			n++;
			if (cnt > 0 && n >= cnt)
				break;
		}
	}
	return n;
}

/* Stands in for a NULL callback (libpcap would call address 0): the
   first packet stops the read, which then fails.  A source that delivers
   nothing (a dead handle) keeps its own answer. */
struct null_callback {
	pcap_t *p;
	int hit;
};

static void
null_callback(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct null_callback *nc = (struct null_callback *)user;

	(void)h;
	(void)data;
	if (!nc->hit) {
		nc->hit = 1;
		pcap_breakloop(nc->p);
	}
}

static int
do_read(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	struct null_callback nc = { p, 0 };
	int n;

	if (!p->activated)
		return read_not_activated(p, cnt, cb, user);
	if (cb == NULL) {
		cb = null_callback;
		user = (u_char *)&nc;
	}
	p->reading++;
	n = p->ops->read(p, cnt, cb, user);
	p->reading--;
	if (finish_pending_close(p))
		return PCAP_ERROR_BREAK;	/* closed by its callback */
	if (nc.hit) {
		p->break_loop = 0;
		core_fmt(p->errbuf, "a NULL callback was passed");
		return PCAP_ERROR;
	}
	return n;
}

int
pcap_dispatch(pcap_t *p, int cnt, pcap_handler callback, u_char *user)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	return do_read(p, cnt, callback, user);
}

int
pcap_loop(pcap_t *p, int cnt, pcap_handler callback, u_char *user)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	for (;;) {
		int n;

		if (p->ops->finite) {
			/* A savefile returns 0 at its end: stop there. */
			n = do_read(p, cnt, callback, user);
		} else {
			/* Live sources return 0 on a timeout: keep reading. */
			do {
				n = do_read(p, cnt, callback, user);
			} while (n == 0);
		}
		if (n <= 0)
			return n;
		if (cnt > 0) {
			cnt -= n;
			if (cnt <= 0)
				return 0;
		}
	}
}

/* pcap_next_ex's single-packet callback for live sources. */
struct oneshot {
	pcap_t *p;
	struct pcap_pkthdr **hdr;
	const u_char **data;
};

static void
oneshot_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct oneshot *s = (struct oneshot *)user;

	s->p->pkthdr = *h;
	*s->hdr = &s->p->pkthdr;
	*s->data = data;
}

int
pcap_next_ex(pcap_t *p, struct pcap_pkthdr **pkt_header,
    const u_char **pkt_data)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	if (pkt_header == NULL || pkt_data == NULL) {
		core_fmt(p->errbuf, "pcap_next_ex: a NULL pointer was passed "
		    "for the header or the data");
		return PCAP_ERROR;	/* libpcap would crash */
	}
	if (!p->activated)
		return read_not_activated(p, 1, NULL, NULL);

	if (p->ops->next_packet != NULL) {
		/* Savefile fast path: no callback per record. */
		for (;;) {
			int status;

			if (p->break_loop) {
				p->break_loop = 0;
				return PCAP_ERROR_BREAK;
			}
			status = p->ops->next_packet(p, &p->pkthdr, pkt_data);
			if (status < 0)
				return status;
			if (status == 0)
				return PCAP_ERROR_BREAK;	/* end of file */
			if (core_passes_filter(p, &p->pkthdr, *pkt_data)) {
				*pkt_header = &p->pkthdr;
				return 1;
			}
		}
	}

	struct oneshot s = { p, pkt_header, pkt_data };
	int n = p->ops->read(p, 1, oneshot_cb, (u_char *)&s);	/* no user
		   callback runs here: nothing can close p meanwhile */
	if (p->ops->finite && n == 0)
		return PCAP_ERROR_BREAK;
	return n;
}

const u_char *
pcap_next(pcap_t *p, struct pcap_pkthdr *h)
{
	struct pcap_pkthdr *hp;
	const u_char *data;

	CORE_REQUIRE(p, NULL);
	if (h == NULL) {
		core_fmt(p->errbuf, "pcap_next: a NULL pointer was passed for "
		    "the header");
		return NULL;	/* libpcap would crash */
	}
	if (pcap_next_ex(p, &hp, &data) <= 0)
		return NULL;
	*h = *hp;
	return data;
}

void
pcap_breakloop(pcap_t *p)
{
	if (!core_registry_has(p))
		return;
	p->break_loop = 1;
	if (p->ops != NULL && p->ops->breakloop != NULL)
		p->ops->breakloop(p);
}
