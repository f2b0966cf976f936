/*
 * gen-ip6.c - STUB: to be written (see gen-int.h for what belongs here).
 */
#include "gen-int.h"

struct block *
gen_host6(struct cc *cc, const struct in6_addr *addr, const struct in6_addr *mask,
    int proto, int dir, int type)
{
	(void)addr; (void)mask; (void)proto; (void)dir; (void)type;
	cc_error(cc, "not implemented yet: gen_host6");
}
