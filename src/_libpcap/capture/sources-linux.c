/*
 * sources-linux.c - the capture sources of a Linux build, in the order
 * pcap_create tries them on a device name: named pseudo-devices first,
 * AF_PACKET (every other name) last.  pcap_findalldevs asks AF_PACKET
 * first, then the others in this order (libpcap's: on equal merit the
 * interfaces come first).
 */
#include "linux-int.h"
#include "netfilter.h"

const struct cap_source *const cap_source_table[] = {
	&nflog_source,
	&nfqueue_source,
	&lnx_packet_source,
	NULL
};
