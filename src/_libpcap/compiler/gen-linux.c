/*
 * gen-linux.c - STUB: to be written (see gen-int.h for what belongs here).
 */
#include "gen-int.h"

struct block *
gen_inbound_outbound(struct cc *cc, int outbound)
{
	(void)cc;
	(void)outbound;
	cc_error(cc, "not implemented yet: gen_inbound_outbound");
}

struct block *
gen_ifindex(struct cc *cc, int ifindex)
{
	(void)cc;
	(void)ifindex;
	cc_error(cc, "not implemented yet: gen_ifindex");
}
