/*
 * gen-link.c - STUB: to be written (see gen-int.h for what belongs here).
 */
#include "gen-int.h"

void
gen_link_init(struct cc *cc)
{
	(void)cc;
	cc_error(cc, "not implemented yet: gen_link_init");
}

struct block *
gen_linktype(struct cc *cc, bpf_u_int32 ll_proto)
{
	(void)cc;
	(void)ll_proto;
	cc_error(cc, "not implemented yet: gen_linktype");
}

const char *
gen_dlt_name(struct cc *cc, int dlt)
{
	(void)cc;
	(void)dlt;
	cc_error(cc, "not implemented yet: gen_dlt_name");
}
