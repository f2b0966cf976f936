/*
 * gen-pf.c - STUB: to be written (see gen-int.h for what belongs here).
 */
#include "gen-int.h"

struct block *
gen_pf_ifname(struct cc *cc, const char *ifname)
{
	(void)cc;
	(void)ifname;
	cc_error(cc, "not implemented yet: gen_pf_ifname");
}

struct block *
gen_pf_ruleset(struct cc *cc, const char *ruleset)
{
	(void)cc;
	(void)ruleset;
	cc_error(cc, "not implemented yet: gen_pf_ruleset");
}

struct block *
gen_pf_rnr(struct cc *cc, int rnr)
{
	(void)cc;
	(void)rnr;
	cc_error(cc, "not implemented yet: gen_pf_rnr");
}

struct block *
gen_pf_srnr(struct cc *cc, int srnr)
{
	(void)cc;
	(void)srnr;
	cc_error(cc, "not implemented yet: gen_pf_srnr");
}

struct block *
gen_pf_reason(struct cc *cc, int reason)
{
	(void)cc;
	(void)reason;
	cc_error(cc, "not implemented yet: gen_pf_reason");
}

struct block *
gen_pf_action(struct cc *cc, int action)
{
	(void)cc;
	(void)action;
	cc_error(cc, "not implemented yet: gen_pf_action");
}
