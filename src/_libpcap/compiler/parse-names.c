/*
 * parse-names.c - the words the filter grammar resolves by itself rather
 * than through the name databases: 802.11 frame types, subtypes and
 * directions, LLC S- and U-format frame names, and pf(4) reasons and
 * actions.  Values are the on-the-wire field values (802.11 frame control
 * bits, LLC control bytes, pflog header codes).
 *
 * Lookups are ASCII case-insensitive and independent of the locale, as
 * libpcap's are.  The pf tables hold the portable set; libpcap adds a few
 * OS-specific names only when built on the BSDs or macOS.
 */
#include <stddef.h>

#include "lexer.h"

struct name_val {
	const char *name;
	int val;
};

/* 802.11 frame control, first byte: type (bits 2-3), subtype (bits 4-7). */
#define WT_MGT		0x00
#define WT_CTL		0x04
#define WT_DATA		0x08
#define WS_QOS		0x80

static const struct name_val wlan_types[] = {
	{ "data", WT_DATA },
	{ "mgt", WT_MGT },
	{ "management", WT_MGT },
	{ "ctl", WT_CTL },
	{ "control", WT_CTL },
	{ NULL, 0 }
};

static const struct name_val wlan_mgt_subtypes[] = {
	{ "assocreq", 0x00 },
	{ "assoc-req", 0x00 },
	{ "assocresp", 0x10 },
	{ "assoc-resp", 0x10 },
	{ "reassocreq", 0x20 },
	{ "reassoc-req", 0x20 },
	{ "reassocresp", 0x30 },
	{ "reassoc-resp", 0x30 },
	{ "probereq", 0x40 },
	{ "probe-req", 0x40 },
	{ "proberesp", 0x50 },
	{ "probe-resp", 0x50 },
	{ "beacon", 0x80 },
	{ "atim", 0x90 },
	{ "disassoc", 0xa0 },
	{ "disassociation", 0xa0 },
	{ "auth", 0xb0 },
	{ "authentication", 0xb0 },
	{ "deauth", 0xc0 },
	{ "deauthentication", 0xc0 },
	{ NULL, 0 }
};

static const struct name_val wlan_ctl_subtypes[] = {
	{ "bar", 0x80 },
	{ "ba", 0x90 },
	{ "ps-poll", 0xa0 },
	{ "rts", 0xb0 },
	{ "cts", 0xc0 },
	{ "ack", 0xd0 },
	{ "cf-end", 0xe0 },
	{ "cf-end-ack", 0xf0 },
	{ NULL, 0 }
};

static const struct name_val wlan_data_subtypes[] = {
	{ "data", 0x00 },
	{ "data-cf-ack", 0x10 },
	{ "data-cf-poll", 0x20 },
	{ "data-cf-ack-poll", 0x30 },
	{ "null", 0x40 },
	{ "cf-ack", 0x50 },
	{ "cf-poll", 0x60 },
	{ "cf-ack-poll", 0x70 },
	{ "qos-data", WS_QOS | 0x00 },
	{ "qos-data-cf-ack", WS_QOS | 0x10 },
	{ "qos-data-cf-poll", WS_QOS | 0x20 },
	{ "qos-data-cf-ack-poll", WS_QOS | 0x30 },
	{ "qos", WS_QOS | 0x40 },
	{ "qos-cf-poll", WS_QOS | 0x60 },
	{ "qos-cf-ack-poll", WS_QOS | 0x70 },
	{ NULL, 0 }
};

/* Which subtype names belong to which type; also the search order of a
   bare "subtype NAME". */
static const struct {
	int type;
	const struct name_val *subtypes;
} wlan_type_subtypes[] = {
	{ WT_MGT, wlan_mgt_subtypes },
	{ WT_CTL, wlan_ctl_subtypes },
	{ WT_DATA, wlan_data_subtypes },
};

#define N_WLAN_TYPES	(sizeof(wlan_type_subtypes) / sizeof(wlan_type_subtypes[0]))

static const struct name_val wlan_dirs[] = {
	{ "nods", 0 },
	{ "tods", 1 },
	{ "fromds", 2 },
	{ "dstods", 3 },
	{ NULL, 0 }
};

/* LLC control field values. */
static const struct name_val llc_s_subtypes[] = {
	{ "rr", 0x01 },
	{ "rnr", PN_LLC_RNR },
	{ "rej", 0x09 },
	{ NULL, 0 }
};

static const struct name_val llc_u_subtypes[] = {
	{ "ui", 0x03 },
	{ "ua", 0x63 },
	{ "disc", 0x43 },
	{ "dm", 0x0f },
	{ "sabme", 0x6f },
	{ "test", 0xe3 },
	{ "xid", 0xaf },
	{ "frmr", 0x87 },
	{ NULL, 0 }
};

/* pflog header reason and action codes. */
static const struct name_val pf_reasons[] = {
	{ "match", 0 },
	{ "bad-offset", 1 },
	{ "fragment", 2 },
	{ "short", 3 },
	{ "normalize", 4 },
	{ "memory", 5 },
	{ "bad-timestamp", 6 },
	{ "congestion", 7 },
	{ "ip-option", 8 },
	{ "proto-cksum", 9 },
	{ "state-mismatch", 10 },
	{ "state-insert", 11 },
	{ "state-limit", 12 },
	{ "src-limit", 13 },
	{ "synproxy", 14 },
	{ NULL, 0 }
};

static const struct name_val pf_actions[] = {
	{ "pass", 0 },
	{ "accept", 0 },	/* pass */
	{ "drop", 1 },
	{ "block", 1 },		/* drop */
	{ "scrub", 2 },
	{ "noscrub", 3 },
	{ "nat", 4 },
	{ "nonat", 5 },
	{ "binat", 6 },
	{ "nobinat", 7 },
	{ "rdr", 8 },
	{ "nordr", 9 },
	{ "synproxy-drop", 10 },
	{ NULL, 0 }
};

static int
ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* ASCII-only, so the result never depends on the locale. */
static int
ascii_caseeq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
			return 0;
	return *a == *b;
}

static int
lookup(const struct name_val *tab, const char *name)
{
	for (; tab->name != NULL; tab++)
		if (ascii_caseeq(tab->name, name))
			return tab->val;
	return -1;
}

int
pn_wlan_type(const char *name)
{
	return lookup(wlan_types, name);
}

int
pn_wlan_subtype(int type, const char *name)
{
	size_t i;

	for (i = 0; i < N_WLAN_TYPES; i++)
		if (wlan_type_subtypes[i].type == type)
			return lookup(wlan_type_subtypes[i].subtypes, name);
	return -2;
}

int
pn_wlan_type_subtype(const char *name)
{
	size_t i;
	int v;

	for (i = 0; i < N_WLAN_TYPES; i++) {
		v = lookup(wlan_type_subtypes[i].subtypes, name);
		if (v != -1)
			return v | wlan_type_subtypes[i].type;
	}
	return -1;
}

int
pn_wlan_dir(const char *name)
{
	return lookup(wlan_dirs, name);
}

int
pn_llc_s_subtype(const char *name)
{
	return lookup(llc_s_subtypes, name);
}

int
pn_llc_u_subtype(const char *name)
{
	return lookup(llc_u_subtypes, name);
}

int
pn_pf_reason(const char *name)
{
	return lookup(pf_reasons, name);
}

int
pn_pf_action(const char *name)
{
	return lookup(pf_actions, name);
}
