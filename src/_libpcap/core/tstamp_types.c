/*
 * tstamp_types.c - names and descriptions of the time stamp types
 * (PCAP_TSTAMP_*), for pcap_tstamp_type_name_to_val() and friends, with
 * libpcap's texts.
 */
#include <stddef.h>

#include "pcap-int.h"

static const struct {
	int type;
	const char *name;
	const char *description;
} ts_types[] = {
	{ PCAP_TSTAMP_HOST, "host", "Host" },
	{ PCAP_TSTAMP_HOST_LOWPREC, "host_lowprec", "Host, low precision" },
	{ PCAP_TSTAMP_HOST_HIPREC, "host_hiprec", "Host, high precision" },
	{ PCAP_TSTAMP_ADAPTER, "adapter", "Adapter" },
	{ PCAP_TSTAMP_ADAPTER_UNSYNCED, "adapter_unsynced",
	    "Adapter, not synced with system time" },
	{ PCAP_TSTAMP_HOST_HIPREC_UNSYNCED, "host_hiprec_unsynced",
	    "Host, high precision, not synced with system time" },
};

#define TS_NTYPES (sizeof ts_types / sizeof ts_types[0])


int
pcap_tstamp_type_name_to_val(const char *name)
{
	size_t i;

	if (name == NULL)
		return PCAP_ERROR;
	for (i = 0; i < TS_NTYPES; i++)
		if (core_same_name_ascii(ts_types[i].name, name))
			return ts_types[i].type;
	return PCAP_ERROR;
}

const char *
pcap_tstamp_type_val_to_name(int tstamp_type)
{
	size_t i;

	for (i = 0; i < TS_NTYPES; i++)
		if (ts_types[i].type == tstamp_type)
			return ts_types[i].name;
	return NULL;
}

const char *
pcap_tstamp_type_val_to_description(int tstamp_type)
{
	size_t i;

	for (i = 0; i < TS_NTYPES; i++)
		if (ts_types[i].type == tstamp_type)
			return ts_types[i].description;
	return NULL;
}
