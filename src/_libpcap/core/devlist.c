/*
 * devlist.c - the device list every capture source adds to:
 * pcap_findalldevs asks each source of the platform's table in turn, and
 * the list is kept in libpcap's order as devices are added;
 * pcap_freealldevs, and pcap_lookupdev (the best device of the list).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pcap-int.h"

/* pcap_lookupdev's answer is a static buffer of IFNAMSIZ, as libpcap's. */
#define LOOKUPDEV_MAX 16

/*
 * Sort key, lower is better (libpcap's "figure of merit"): not running,
 * not up, disconnected (wired), loopback and "any" each push a device
 * down, in that order of weight.  So "any" comes after the real
 * interfaces that work, before loopback and disconnected ones.  No unit
 * number counts (libpcap stopped sorting by it): equal devices keep the
 * order they were added in, interfaces first, then each named source's.
 */
static u_int
merit(const pcap_if_t *d)
{
	u_int n = 0;

	if (!(d->flags & PCAP_IF_RUNNING))
		n |= 0x80000000;
	if (!(d->flags & PCAP_IF_UP))
		n |= 0x40000000;
	if (!(d->flags & PCAP_IF_WIRELESS) &&
	    (d->flags & PCAP_IF_CONNECTION_STATUS) ==
	    PCAP_IF_CONNECTION_STATUS_DISCONNECTED)
		n |= 0x20000000;
	if (d->flags & PCAP_IF_LOOPBACK)
		n |= 0x10000000;
	if (strcmp(d->name, "any") == 0)
		n |= 0x08000000;
	return n;
}

pcap_if_t *
core_find_dev(pcap_if_t *list, const char *name)
{
	for (; list != NULL; list = list->next)
		if (strcmp(list->name, name) == 0)
			return list;
	return NULL;
}

pcap_if_t *
core_add_dev(pcap_if_t **list, const char *name, bpf_u_int32 flags,
    const char *description, char *errbuf)
{
	pcap_if_t *d = calloc(1, sizeof *d), **pos;
	u_int m;

	if (d == NULL) {
		core_fmt_errno(errbuf, errno, "malloc");
		return NULL;
	}
	d->name = strdup(name);
	if (d->name == NULL ||
	    (description != NULL && (d->description = strdup(description)) == NULL)) {
		core_fmt_errno(errbuf, errno, "malloc");
		free(d->name);
		free(d);
		return NULL;
	}
	d->flags = flags;
	m = merit(d);
	for (pos = list; *pos != NULL && merit(*pos) <= m; pos = &(*pos)->next)
		;
	d->next = *pos;
	*pos = d;
	return d;
}


static int
add_devs(const struct cap_source *src, pcap_if_t **list, char *errbuf)
{
	return src->findalldevs != NULL ? src->findalldevs(list, errbuf) : 0;
}

int
pcap_findalldevs(pcap_if_t **alldevsp, char *errbuf)
{
	errbuf = core_errbuf(errbuf);
	if (alldevsp == NULL) {
		core_fmt(errbuf, "pcap_findalldevs: a NULL pointer was passed "
		    "for the list");
		return PCAP_ERROR;	/* libpcap would crash */
	}
	pcap_if_t *list = NULL;
	const struct cap_source *const *src;
	int rc;

	/* libpcap's order: the platform's interfaces first, then the
	   devices of the named sources, each placed by its merit after the
	   devices at least as good. */
	rc = add_devs(cap_platform_source, &list, errbuf);
	for (src = cap_source_table; rc == 0 && *src != NULL; src++)
		rc = add_devs(*src, &list, errbuf);
	if (rc != 0) {
		pcap_freealldevs(list);
		*alldevsp = NULL;
		return PCAP_ERROR;
	}
	*alldevsp = list;
	return 0;
}

void
pcap_freealldevs(pcap_if_t *alldevs)
{
	while (alldevs != NULL) {
		pcap_if_t *next = alldevs->next;
		pcap_addr_t *a = alldevs->addresses;

		while (a != NULL) {
			pcap_addr_t *an = a->next;

			free(a->addr);
			free(a->netmask);
			free(a->broadaddr);
			free(a->dstaddr);
			free(a);
			a = an;
		}
		free(alldevs->name);
		free(alldevs->description);
		free(alldevs);
		alldevs = next;
	}
}


char *
pcap_lookupdev(char *errbuf)
{
	errbuf = core_errbuf(errbuf);
	static char device[LOOKUPDEV_MAX + 1];
	pcap_if_t *all;
	char *ret = NULL;

	if (pcap_findalldevs(&all, errbuf) == -1)
		return NULL;
	/* The list is sorted: a loopback first means nothing better. */
	if (all == NULL || (all->flags & PCAP_IF_LOOPBACK)) {
		core_fmt(errbuf, "no suitable device found");
	} else {
		snprintf(device, sizeof device, "%s", all->name);
		ret = device;
	}
	pcap_freealldevs(all);
	return ret;
}

