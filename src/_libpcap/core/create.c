/*
 * create.c - the create/activate API: pcap_create, the option setters that
 * may only run before activation, pcap_activate and pcap_open_live built on
 * them.  Which source serves a device is decided by the platform's table
 * of named sources, tried in order, then its own interfaces
 * (capture/sources-PLATFORM.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pcap-int.h"

int
core_check_not_activated(pcap_t *p)
{
	if (p->activated) {
		core_fmt(p->errbuf,
		    "can't perform  operation on activated capture");
		return PCAP_ERROR_ACTIVATED;
	}
	return 0;
}

pcap_t *
pcap_create(const char *device, char *errbuf)
{
	pcap_t *p;

	errbuf = core_errbuf(errbuf);
	p = core_alloc(errbuf);

	if (p == NULL)
		return NULL;
	/* A NULL device means "any", as in libpcap. */
	p->opt.device = strdup(device != NULL ? device : "any");
	if (p->opt.device == NULL) {
		core_fmt_errno(errbuf, errno, "malloc");
		pcap_close(p);
		return NULL;
	}
	p->snapshot = 0;		/* 0: the backend picks the maximum */
	p->opt.timeout = 0;
	p->opt.buffer_size = 0;
	p->opt.immediate = 0;
	p->opt.protocol = 0;
	for (const struct cap_source *const *src = cap_source_table; ;
	    src++) {
		const struct cap_source *source = *src != NULL ? *src :
		    cap_platform_source;
		int rc = source->create(p);

		if (rc < 0) {
			core_fmt(errbuf, "%s", p->errbuf);
			pcap_close(p);
			return NULL;
		}
		if (rc > 0) {
			p->source = source;
			return p;
		}
		if (*src == NULL)
			break;
	}
	core_fmt(errbuf, "%s: no capture source takes this device",
	    p->opt.device);
	pcap_close(p);
	return NULL;
}

int
pcap_set_snaplen(pcap_t *p, int snaplen)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	int rc = core_check_not_activated(p);

	if (rc != 0)
		return rc;
	p->snapshot = snaplen;
	return 0;
}

int
pcap_set_promisc(pcap_t *p, int promisc)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	int rc = core_check_not_activated(p);

	if (rc != 0)
		return rc;
	p->opt.promisc = promisc;
	return 0;
}

int
pcap_set_rfmon(pcap_t *p, int rfmon)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	int rc = core_check_not_activated(p);

	if (rc != 0)
		return rc;
	p->opt.rfmon = rfmon;
	return 0;
}

int
pcap_can_set_rfmon(pcap_t *p)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	if (p->ops == NULL || p->ops->can_set_rfmon == NULL)
		return 0;
	return p->ops->can_set_rfmon(p);
}

int
pcap_set_timeout(pcap_t *p, int timeout_ms)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	int rc = core_check_not_activated(p);

	if (rc != 0)
		return rc;
	p->opt.timeout = timeout_ms;
	return 0;
}

int
pcap_set_tstamp_type(pcap_t *p, int tstamp_type)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	int i, rc = core_check_not_activated(p);

	if (rc != 0)
		return rc;
	if (tstamp_type < 0)
		return PCAP_WARNING_TSTAMP_TYPE_NOTSUP;
	if (p->tstamp_type_count == 0) {
		/* No list: only host time stamps are on offer. */
		if (tstamp_type == PCAP_TSTAMP_HOST) {
			p->opt.tstamp_type = tstamp_type;
			return 0;
		}
		return PCAP_WARNING_TSTAMP_TYPE_NOTSUP;
	}
	for (i = 0; i < p->tstamp_type_count; i++) {
		if (p->tstamp_type_list[i] == tstamp_type) {
			p->opt.tstamp_type = tstamp_type;
			return 0;
		}
	}
	return PCAP_WARNING_TSTAMP_TYPE_NOTSUP;
}

int
pcap_set_immediate_mode(pcap_t *p, int immediate)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	int rc = core_check_not_activated(p);

	if (rc != 0)
		return rc;
	p->opt.immediate = immediate;
	return 0;
}

int
pcap_set_buffer_size(pcap_t *p, int buffer_size)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	int rc = core_check_not_activated(p);

	if (rc != 0)
		return rc;
	/* libpcap silently ignores sizes that make no sense. */
	if (buffer_size <= 0)
		return 0;
	p->opt.buffer_size = (u_int)buffer_size;
	return 0;
}

int
pcap_set_tstamp_precision(pcap_t *p, int tstamp_precision)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	int rc = core_check_not_activated(p);

	if (rc != 0)
		return rc;
	/* Every backend we have delivers both precisions. */
	if (tstamp_precision != PCAP_TSTAMP_PRECISION_MICRO &&
	    tstamp_precision != PCAP_TSTAMP_PRECISION_NANO)
		return PCAP_ERROR_TSTAMP_PRECISION_NOTSUP;
	p->opt.tstamp_precision = tstamp_precision;
	return 0;
}

int
pcap_set_protocol_linux(pcap_t *p, int protocol)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	int rc = core_check_not_activated(p);

	if (rc != 0)
		return rc;
	p->opt.protocol = protocol;
	return 0;
}

int
pcap_activate(pcap_t *p)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	int status, rc = core_check_not_activated(p);

	if (rc != 0)
		return rc;
	p->errbuf[0] = '\0';
	status = p->ops->activate(p);
	if (status >= 0 && p->opt.nonblock && p->ops->setnonblock != NULL) {
		/* Non-blocking mode asked for before activation. */
		int nb = p->ops->setnonblock(p, 1);
		if (nb < 0) {
			if (p->ops->cleanup != NULL)
				p->ops->cleanup(p);
			status = nb;
		}
	}
	if (status >= 0) {
		p->activated = 1;
		return status;
	}
	if (p->errbuf[0] == '\0')
		core_fmt(p->errbuf, "%s", pcap_statustostr(status));
	/* Back to the state of a fresh handle, ready for another try. */
	(void)p->source->create(p);
	return status;
}

pcap_t *
pcap_open_live(const char *device, int snaplen, int promisc, int to_ms,
    char *errbuf)
{
	errbuf = core_errbuf(errbuf);
	pcap_t *p;
	int status;
	const char *name = device != NULL ? device : "any";

	p = pcap_create(device, errbuf);
	if (p == NULL)
		return NULL;
	pcap_set_snaplen(p, snaplen);
	pcap_set_promisc(p, promisc);
	pcap_set_timeout(p, to_ms);
	status = pcap_activate(p);
	if (status >= 0)
		return p;
	core_activate_message(p, status, name, errbuf, PCAP_ERRBUF_SIZE);
	pcap_close(p);
	return NULL;
}

void
core_activate_message(pcap_t *p, int status, const char *device, char *out,
    size_t outlen)
{
	/* Compose in a roomy buffer, then truncate into out. */
	char msg[3 * PCAP_ERRBUF_SIZE];

	if (status == PCAP_ERROR)
		snprintf(msg, sizeof msg, "%s: %s", device, p->errbuf);
	else if (status == PCAP_ERROR_NO_SUCH_DEVICE ||
	    status == PCAP_ERROR_PERM_DENIED ||
	    status == PCAP_ERROR_PROMISC_PERM_DENIED)
		snprintf(msg, sizeof msg, "%s: %s (%s)", device,
		    pcap_statustostr(status), p->errbuf);
	else
		snprintf(msg, sizeof msg, "%s: %s", device,
		    pcap_statustostr(status));
	snprintf(out, outlen, "%s", msg);
}
