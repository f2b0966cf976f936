/*
 * gen-pf.c - the packet-filter log header (DLT_PFLOG): the interface a
 * rule matched on ("ifname"/"on"), the ruleset ("rset"/"ruleset"), rule
 * and subrule numbers ("rnr", "srnr"), the reason and the action (the
 * parser turns their names into numbers, see parse-names.c).
 */
#include <string.h>

#include "gen-int.h"

/* The log header's fields (OpenBSD's struct pfloghdr layout). */
#define PFLOG_OFF_ACTION	2
#define PFLOG_OFF_REASON	3
#define PFLOG_OFF_IFNAME	4
#define PFLOG_IFNAME_SIZE	16
#define PFLOG_OFF_RULESET	20
#define PFLOG_RULESET_SIZE	16
#define PFLOG_OFF_RULENR	36
#define PFLOG_OFF_SUBRULENR	40

static void
pf_require_pflog(struct cc *cc, const char *kw)
{
	if (GS(cc)->linktype != DLT_PFLOG)
		cc_error(cc, "'%s' supported only on PFLOG linktype", kw);
}

struct block *
gen_pf_ifname(struct cc *cc, const char *ifname)
{
	size_t len = strlen(ifname);

	pf_require_pflog(cc, "ifname");
	if (len >= PFLOG_IFNAME_SIZE)
		cc_error(cc, "ifname interface names can only be %d characters",
		    PFLOG_IFNAME_SIZE - 1);
	return gen_bcmp(cc, OR_LINKHDR, PFLOG_OFF_IFNAME, (u_int)len,
	    (const u_char *)ifname);
}

struct block *
gen_pf_ruleset(struct cc *cc, const char *ruleset)
{
	size_t len = strlen(ruleset);

	pf_require_pflog(cc, "ruleset");
	if (len >= PFLOG_RULESET_SIZE)
		cc_error(cc, "ruleset names can only be %d characters",
		    PFLOG_RULESET_SIZE - 1);
	return gen_bcmp(cc, OR_LINKHDR, PFLOG_OFF_RULESET, (u_int)len,
	    (const u_char *)ruleset);
}

struct block *
gen_pf_rnr(struct cc *cc, int rnr)
{
	pf_require_pflog(cc, "rnr");
	return gen_cmp(cc, OR_LINKHDR, PFLOG_OFF_RULENR, BPF_W,
	    (bpf_u_int32)rnr);
}

struct block *
gen_pf_srnr(struct cc *cc, int srnr)
{
	pf_require_pflog(cc, "srnr");
	return gen_cmp(cc, OR_LINKHDR, PFLOG_OFF_SUBRULENR, BPF_W,
	    (bpf_u_int32)srnr);
}

struct block *
gen_pf_reason(struct cc *cc, int reason)
{
	pf_require_pflog(cc, "reason");
	return gen_cmp(cc, OR_LINKHDR, PFLOG_OFF_REASON, BPF_B,
	    (bpf_u_int32)reason);
}

struct block *
gen_pf_action(struct cc *cc, int action)
{
	pf_require_pflog(cc, "action");
	return gen_cmp(cc, OR_LINKHDR, PFLOG_OFF_ACTION, BPF_B,
	    (bpf_u_int32)action);
}

