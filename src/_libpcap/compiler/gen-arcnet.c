/*
 * gen-arcnet.c - STUB: to be written (see gen-int.h for what belongs here).
 */
#include "gen-int.h"

struct block *
gen_arcnet_host(struct cc *cc, u_char addr, int dir)
{
	(void)addr; (void)dir;
	cc_error(cc, "not implemented yet: gen_arcnet_host");
}
