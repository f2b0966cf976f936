/*
 * test_datalink.c - unit tests of core/datalink.c and core/tstamp_types.c:
 * the DLT_ name/description table, the LINKTYPE_ <-> DLT_ mapping used by
 * the savefile code, the per-type snapshot limits and the time stamp type
 * names.
 */
#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "pcap-int.h"
#include "check.h"

/* Probe range: every 16-bit code plus a margin on both sides. */
#define PROBE_MIN (-300)
#define PROBE_MAX 70000

static void
test_named_types(void)
{
	/* Well-known entries: the texts programs print and compare. */
	CHECK_STR(pcap_datalink_val_to_name(DLT_NULL), "NULL");
	CHECK_STR(pcap_datalink_val_to_description(DLT_NULL), "BSD loopback");
	CHECK_STR(pcap_datalink_val_to_name(DLT_EN10MB), "EN10MB");
	CHECK_STR(pcap_datalink_val_to_description(DLT_EN10MB), "Ethernet");
	CHECK_STR(pcap_datalink_val_to_name(DLT_RAW), "RAW");
	CHECK_STR(pcap_datalink_val_to_description(DLT_RAW), "Raw IP");
	CHECK_STR(pcap_datalink_val_to_name(DLT_C_HDLC), "C_HDLC");
	CHECK_STR(pcap_datalink_val_to_name(DLT_IEEE802_15_4), "IEEE802_15_4");
	CHECK_STR(pcap_datalink_val_to_name(DLT_PPP_PPPD), "PPP_PPPD");
	CHECK_STR(pcap_datalink_val_to_name(DLT_USB), "USB_FREEBSD");
	CHECK_STR(pcap_datalink_val_to_description(DLT_LINUX_SLL), "Linux cooked v1");
	CHECK_STR(pcap_datalink_val_to_description(DLT_LINUX_SLL2), "Linux cooked v2");
	CHECK_STR(pcap_datalink_val_to_name(DLT_I2C_LINUX), "I2C_LINUX");
	CHECK_STR(pcap_datalink_val_to_description(DLT_I2C_LINUX),
	    "I2C with Linux/Pigeon Point pseudo-header");
	CHECK_STR(pcap_datalink_val_to_description(DLT_PKTAP), "Apple PKTAP");
	CHECK_STR(pcap_datalink_val_to_description(DLT_OPENFLOW), "OpenBSD OpenFlow");
	CHECK_STR(pcap_datalink_val_to_description(DLT_WIHART), "WirelessHART");
	CHECK_STR(pcap_datalink_val_to_name(DLT_USER0), "USER0");
	CHECK_STR(pcap_datalink_val_to_description(DLT_USER15), "Private use 15");
	CHECK_STR(pcap_datalink_val_to_name(DLT_PFSYNC), "PFSYNC");
	CHECK_STR(pcap_datalink_val_to_name(DLT_DEBUG_ONLY), "DEBUG_ONLY");
	CHECK_STR(pcap_datalink_val_to_description(DLT_EDK2_MM),
	    "edk2 mm request serialization protocol");
	CHECK_STR(pcap_datalink_val_to_description(DLT_DECT_NR), "DECT New Radio");

	/* Defined codes that libpcap's table leaves unnamed. */
	CHECK(pcap_datalink_val_to_name(DLT_EN3MB) == NULL);
	CHECK(pcap_datalink_val_to_name(DLT_HHDLC) == NULL);
	CHECK(pcap_datalink_val_to_name(DLT_LORATAP) == NULL);
	CHECK(pcap_datalink_val_to_description(DLT_SERCOS_MONITOR) == NULL);
	CHECK(pcap_datalink_val_to_name(DLT_DECT_NR_TAP) == NULL);
	CHECK(pcap_datalink_val_to_name(-1) == NULL);
	CHECK(pcap_datalink_val_to_name(INT_MIN) == NULL);
	CHECK(pcap_datalink_val_to_name(INT_MAX) == NULL);
}

static void
test_table_consistency(void)
{
	int v, named = 0, last = INT_MIN;

	for (v = PROBE_MIN; v <= PROBE_MAX; v++) {
		const char *name = pcap_datalink_val_to_name(v);
		const char *desc = pcap_datalink_val_to_description(v);
		char lower[64];
		size_t i;

		/* A code has a name exactly when it has a description. */
		CHECK((name == NULL) == (desc == NULL));
		if (name == NULL)
			continue;
		named++;
		CHECK(v > last);	/* one entry per code */
		last = v;
		CHECK(name[0] != '\0' && desc[0] != '\0');
		CHECK(strlen(name) < sizeof lower);
		/* Every name leads back to its own code, in any case. */
		CHECK_INT(pcap_datalink_name_to_val(name), v);
		for (i = 0; name[i] != '\0' && i < sizeof lower - 1; i++)
			lower[i] = (char)tolower((unsigned char)name[i]);
		lower[i] = '\0';
		CHECK_INT(pcap_datalink_name_to_val(lower), v);
		/* Names are stored upper case, without the DLT_ prefix. */
		for (i = 0; name[i] != '\0'; i++)
			CHECK(!islower((unsigned char)name[i]));
		CHECK(strncmp(name, "DLT_", 4) != 0);
		/* The _or_dlt variant hands back the same description. */
		CHECK(pcap_datalink_val_to_description_or_dlt(v) == desc);
	}
	/* A table of real size, not a stub. */
	CHECK(named >= 180);
}

static void
test_name_lookup(void)
{
	CHECK_INT(pcap_datalink_name_to_val("EN10MB"), DLT_EN10MB);
	CHECK_INT(pcap_datalink_name_to_val("en10mb"), DLT_EN10MB);
	CHECK_INT(pcap_datalink_name_to_val("En10Mb"), DLT_EN10MB);
	CHECK_INT(pcap_datalink_name_to_val("linux_sll2"), DLT_LINUX_SLL2);
	CHECK_INT(pcap_datalink_name_to_val("PFSYNC"), DLT_PFSYNC);
	CHECK_INT(pcap_datalink_name_to_val("PKTAP"), DLT_PKTAP);
	CHECK_INT(pcap_datalink_name_to_val("LOOP"), DLT_LOOP);
	CHECK_INT(pcap_datalink_name_to_val("ENC"), DLT_ENC);
	CHECK_INT(pcap_datalink_name_to_val("IPMB_KONTRON"), DLT_IPMB_KONTRON);
	CHECK_INT(pcap_datalink_name_to_val("I2C_LINUX"), 209);
	CHECK_INT(pcap_datalink_name_to_val("user7"), DLT_USER7);
	CHECK_INT(pcap_datalink_name_to_val("DEBUG_ONLY"), 303);
	/* Aliases of dlt.h are not table names; neither are near misses. */
	CHECK_INT(pcap_datalink_name_to_val("CHDLC"), -1);
	CHECK_INT(pcap_datalink_name_to_val("IPMB_LINUX"), -1);
	CHECK_INT(pcap_datalink_name_to_val("DLT_EN10MB"), -1);
	CHECK_INT(pcap_datalink_name_to_val("EN10MB "), -1);
	CHECK_INT(pcap_datalink_name_to_val("EN10M"), -1);
	CHECK_INT(pcap_datalink_name_to_val("Ethernet"), -1);
	CHECK_INT(pcap_datalink_name_to_val(""), -1);
	CHECK_INT(pcap_datalink_name_to_val("\xc5N10MB"), -1);
	CHECK_INT(pcap_datalink_name_to_val(NULL), -1);
}

struct or_dlt_arg {
	int dlt;
	char seen[40];
};

static void *
or_dlt_thread(void *p)
{
	struct or_dlt_arg *a = p;
	const char *s = pcap_datalink_val_to_description_or_dlt(a->dlt);

	snprintf(a->seen, sizeof a->seen, "%s", s);
	return NULL;
}

static void
test_description_or_dlt(void)
{
	const char *mine;
	struct or_dlt_arg arg = { 7777, "" };
	pthread_t t;

	CHECK_STR(pcap_datalink_val_to_description_or_dlt(DLT_EN10MB), "Ethernet");
	CHECK_STR(pcap_datalink_val_to_description_or_dlt(65535), "DLT 65535");
	CHECK_STR(pcap_datalink_val_to_description_or_dlt(-5), "DLT -5");
	CHECK_STR(pcap_datalink_val_to_description_or_dlt(INT_MIN), "DLT -2147483648");
	CHECK_STR(pcap_datalink_val_to_description_or_dlt(DLT_EN3MB), "DLT 2");

	/* The text for an unknown code lives in a buffer of each thread. */
	mine = pcap_datalink_val_to_description_or_dlt(5555);
	CHECK_INT(pthread_create(&t, NULL, or_dlt_thread, &arg), 0);
	CHECK_INT(pthread_join(t, NULL), 0);
	CHECK_STR(arg.seen, "DLT 7777");
	CHECK_STR(mine, "DLT 5555");
}

static void
test_dlt_to_linktype(void)
{
	int v;

	/* The types whose number moves between DLT_ and LINKTYPE_. */
	CHECK_INT(dl_dlt_to_linktype(DLT_ATM_RFC1483), 100);
	CHECK_INT(dl_dlt_to_linktype(DLT_RAW), 101);
	CHECK_INT(dl_dlt_to_linktype(DLT_SLIP_BSDOS), 102);
	CHECK_INT(dl_dlt_to_linktype(DLT_PPP_BSDOS), 103);
	CHECK_INT(dl_dlt_to_linktype(DLT_ATM_CLIP), 106);
	/* Unchanged: the low range, the stand-alone codes, the high range. */
	for (v = 0; v <= 10; v++)
		CHECK_INT(dl_dlt_to_linktype(v), v);
	CHECK_INT(dl_dlt_to_linktype(DLT_REDBACK_SMARTEDGE), 32);
	CHECK_INT(dl_dlt_to_linktype(DLT_PPP_SERIAL), 50);
	CHECK_INT(dl_dlt_to_linktype(DLT_PPP_ETHER), 51);
	CHECK_INT(dl_dlt_to_linktype(DLT_SYMANTEC_FIREWALL), 99);
	for (v = DLT_HIGH_MATCHING_MIN; v <= DLT_HIGH_MATCHING_MAX; v++)
		CHECK_INT(dl_dlt_to_linktype(v), v);
	CHECK_INT(dl_dlt_to_linktype(DLT_PFSYNC), 246);
	CHECK_INT(dl_dlt_to_linktype(DLT_PKTAP), 258);
	CHECK_INT(dl_dlt_to_linktype(DLT_LOOP), 108);
	CHECK_INT(dl_dlt_to_linktype(DLT_ENC), 109);
	CHECK_INT(dl_dlt_to_linktype(DLT_HDLC), 112);
	/* No LINKTYPE_ for these. */
	CHECK_INT(dl_dlt_to_linktype(-1), -1);
	CHECK_INT(dl_dlt_to_linktype(INT_MIN), -1);
	CHECK_INT(dl_dlt_to_linktype(INT_MAX), -1);
	CHECK_INT(dl_dlt_to_linktype(13), -1);
	CHECK_INT(dl_dlt_to_linktype(18), -1);
	CHECK_INT(dl_dlt_to_linktype(100), -1);
	CHECK_INT(dl_dlt_to_linktype(103), -1);
	CHECK_INT(dl_dlt_to_linktype(DLT_HIGH_MATCHING_MAX + 1), -1);
	CHECK_INT(dl_dlt_to_linktype(65535), -1);
	CHECK_INT(dl_dlt_to_linktype(DLT_NETBSD_RAWAF(2)), -1);

	/* Every named type can be written to a savefile. */
	for (v = PROBE_MIN; v <= PROBE_MAX; v++)
		if (pcap_datalink_val_to_name(v) != NULL)
			CHECK(dl_dlt_to_linktype(v) >= 0);
}

static void
test_linktype_to_dlt(void)
{
	int v;

	CHECK_INT(dl_linktype_to_dlt(100), DLT_ATM_RFC1483);
	CHECK_INT(dl_linktype_to_dlt(101), DLT_RAW);
	CHECK_INT(dl_linktype_to_dlt(102), DLT_SLIP_BSDOS);
	CHECK_INT(dl_linktype_to_dlt(103), DLT_PPP_BSDOS);
	CHECK_INT(dl_linktype_to_dlt(106), DLT_ATM_CLIP);
	CHECK_INT(dl_linktype_to_dlt(246), DLT_PFSYNC);
	CHECK_INT(dl_linktype_to_dlt(258), DLT_PKTAP);
	CHECK_INT(dl_linktype_to_dlt(108), DLT_LOOP);
	CHECK_INT(dl_linktype_to_dlt(112), DLT_HDLC);
	/* Anything unmapped passes through, even codes newer than ours. */
	CHECK_INT(dl_linktype_to_dlt(12), 12);
	CHECK_INT(dl_linktype_to_dlt(13), 13);
	CHECK_INT(dl_linktype_to_dlt(DLT_HIGH_MATCHING_MAX + 1),
	    DLT_HIGH_MATCHING_MAX + 1);
	CHECK_INT(dl_linktype_to_dlt(65535), 65535);
	CHECK_INT(dl_linktype_to_dlt(-1), -1);

	/*
	 * Writing then reading gives the code back, except DLT 106: it and
	 * DLT_ATM_CLIP both go out as LINKTYPE 106, which reads as ATM_CLIP.
	 */
	for (v = PROBE_MIN; v <= PROBE_MAX; v++) {
		int lt = dl_dlt_to_linktype(v);

		if (lt < 0)
			continue;
		CHECK_INT(dl_linktype_to_dlt(lt), v == 106 ? DLT_ATM_CLIP : v);
	}
}

static void
test_max_snaplen(void)
{
	CHECK_INT(dl_max_snaplen_for_dlt(DLT_DBUS), 128 * 1024 * 1024);
	CHECK_INT(dl_max_snaplen_for_dlt(DLT_EBHSCR), 8 * 1024 * 1024);
	CHECK_INT(dl_max_snaplen_for_dlt(DLT_USBPCAP), 1024 * 1024);
	CHECK_INT(dl_max_snaplen_for_dlt(DLT_EN10MB), MAXIMUM_SNAPLEN);
	CHECK_INT(dl_max_snaplen_for_dlt(DLT_USB_LINUX_MMAPPED), 262144);
	CHECK_INT(dl_max_snaplen_for_dlt(-1), 262144);
	CHECK_INT(dl_max_snaplen_for_dlt(INT_MAX), 262144);
}

static void
test_tstamp_types(void)
{
	static const struct {
		int type;
		const char *name, *description;
	} want[] = {
		{ PCAP_TSTAMP_HOST, "host", "Host" },
		{ PCAP_TSTAMP_HOST_LOWPREC, "host_lowprec", "Host, low precision" },
		{ PCAP_TSTAMP_HOST_HIPREC, "host_hiprec", "Host, high precision" },
		{ PCAP_TSTAMP_ADAPTER, "adapter", "Adapter" },
		{ PCAP_TSTAMP_ADAPTER_UNSYNCED, "adapter_unsynced",
		    "Adapter, not synced with system time" },
		{ PCAP_TSTAMP_HOST_HIPREC_UNSYNCED, "host_hiprec_unsynced",
		    "Host, high precision, not synced with system time" },
	};
	size_t i;
	int v, known = 0;

	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		CHECK_STR(pcap_tstamp_type_val_to_name(want[i].type), want[i].name);
		CHECK_STR(pcap_tstamp_type_val_to_description(want[i].type),
		    want[i].description);
		CHECK_INT(pcap_tstamp_type_name_to_val(want[i].name), want[i].type);
	}
	CHECK_INT(pcap_tstamp_type_name_to_val("HOST"), PCAP_TSTAMP_HOST);
	CHECK_INT(pcap_tstamp_type_name_to_val("Adapter_Unsynced"),
	    PCAP_TSTAMP_ADAPTER_UNSYNCED);
	CHECK_INT(pcap_tstamp_type_name_to_val("Host"), PCAP_TSTAMP_HOST);
	CHECK_INT(pcap_tstamp_type_name_to_val("Host, low precision"), PCAP_ERROR);
	CHECK_INT(pcap_tstamp_type_name_to_val("hostx"), PCAP_ERROR);
	CHECK_INT(pcap_tstamp_type_name_to_val(""), PCAP_ERROR);
	CHECK_INT(pcap_tstamp_type_name_to_val(NULL), PCAP_ERROR);
	for (v = -1000; v <= 1000; v++) {
		const char *n = pcap_tstamp_type_val_to_name(v);

		CHECK((n == NULL) == (pcap_tstamp_type_val_to_description(v) == NULL));
		if (n != NULL)
			known++;
	}
	CHECK_INT(known, 6);
	CHECK(pcap_tstamp_type_val_to_name(INT_MIN) == NULL);
	CHECK(pcap_tstamp_type_val_to_description(6) == NULL);
}

int
main(void)
{
	test_named_types();
	test_table_consistency();
	test_name_lookup();
	test_description_or_dlt();
	test_dlt_to_linktype();
	test_linktype_to_dlt();
	test_max_snaplen();
	test_tstamp_types();
	return check_status("test_datalink");
}
