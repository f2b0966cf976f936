/*
 * gen-ether.c - STUB: to be written (see gen-int.h for what belongs here).
 */
#include "gen-int.h"

struct block *
gen_ecode(struct cc *cc, const char *s, struct qual q)
{
	(void)cc;
	(void)s;
	(void)q;
	cc_error(cc, "not implemented yet: gen_ecode");
}
