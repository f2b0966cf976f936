/*
 * sources-linux.c - the capture sources of a Linux build: the named
 * pseudo-devices, in the order pcap_create tries them and pcap_findalldevs
 * lists them, and AF_PACKET for every other name (listed first, as
 * libpcap lists the platform's interfaces first).
 */
#include "linux-int.h"
#include "netfilter.h"
#include "replay-int.h"

const struct cap_source *const cap_source_table[] = {
	&nflog_source,
	&nfqueue_source,
	&replay_source,
	NULL
};

const struct cap_source *const cap_platform_source = &lnx_packet_source;
