/*
 * unavailable.c - the live-capture backend seat while no backend is built.
 *
 * Handles from pcap_create take every option, then pcap_activate fails
 * with PCAP_ERROR and a message saying live capture is not in this build;
 * device enumeration and lookups fail the same way.  The AF_PACKET backend
 * (capture/linux.c) replaces this file.
 */
#include <stdlib.h>

#include "pcap-int.h"

#define NOT_YET "live packet capture is not available in this build yet"

static int
unavailable_activate(pcap_t *p)
{
	core_fmt(p->errbuf, "%s: " NOT_YET, p->opt.device);
	return PCAP_ERROR;
}

static int
unavailable_read(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	(void)cnt; (void)cb; (void)user;
	core_fmt(p->errbuf, "This handle hasn't been activated yet");
	return PCAP_ERROR_NOT_ACTIVATED;
}

static const struct pcap_ops unavailable_ops = {
	.name = "unavailable",
	.activate = unavailable_activate,
	.read = unavailable_read,
};

void
cap_init_live_handle(pcap_t *p)
{
	p->ops = &unavailable_ops;
}

int
pcap_findalldevs(pcap_if_t **alldevsp, char *errbuf)
{
	*alldevsp = NULL;
	core_fmt(errbuf, "interface enumeration is not available: " NOT_YET);
	return PCAP_ERROR;
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
	core_fmt(errbuf, "no suitable device found: " NOT_YET);
	return NULL;
}

int
pcap_lookupnet(const char *device, bpf_u_int32 *netp, bpf_u_int32 *maskp,
    char *errbuf)
{
	(void)netp; (void)maskp;
	core_fmt(errbuf, "%s: " NOT_YET, device != NULL ? device : "(null)");
	return PCAP_ERROR;
}
