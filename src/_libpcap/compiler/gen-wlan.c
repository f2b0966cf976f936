/*
 * gen-wlan.c - STUB: to be written (see gen-int.h for what belongs here).
 */
#include "gen-int.h"

struct block *
gen_p80211_type(struct cc *cc, bpf_u_int32 type, bpf_u_int32 mask)
{
	(void)cc;
	(void)type;
	(void)mask;
	cc_error(cc, "not implemented yet: gen_p80211_type");
}

struct block *
gen_p80211_fcdir(struct cc *cc, bpf_u_int32 fcdir)
{
	(void)cc;
	(void)fcdir;
	cc_error(cc, "not implemented yet: gen_p80211_fcdir");
}

struct block *
gen_wlan_host(struct cc *cc, const u_char *mac, int dir)
{
	(void)mac; (void)dir;
	cc_error(cc, "not implemented yet: gen_wlan_host");
}
