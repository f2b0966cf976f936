/*
 * netfilter.h - the two Linux netfilter capture sources, for the
 * platform's table of sources (sources-linux.c): "nflog[:GROUPS]" reads
 * what nfnetlink_log hands a group, "nfqueue[:QUEUES]" what
 * nfnetlink_queue queues (each packet then accepted).
 */
#ifndef PCAP_CAPTURE_NETFILTER_H
#define PCAP_CAPTURE_NETFILTER_H

#include "pcap-int.h"

INTERNAL extern const struct cap_source nflog_source;
INTERNAL extern const struct cap_source nfqueue_source;

#endif /* PCAP_CAPTURE_NETFILTER_H */
