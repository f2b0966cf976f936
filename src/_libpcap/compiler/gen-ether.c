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

struct block *
gen_mac48_host(struct cc *cc, const u_char *mac, int dir, const char *context)
{
	(void)mac; (void)dir; (void)context;
	cc_error(cc, "not implemented yet: gen_mac48_host");
}

struct block *
gen_link_broadcast(struct cc *cc)
{
	cc_error(cc, "not implemented yet: gen_link_broadcast");
}

struct block *
gen_link_multicast(struct cc *cc)
{
	cc_error(cc, "not implemented yet: gen_link_multicast");
}

struct block *
gen_gateway(struct cc *cc, const char *name, struct qual q)
{
	(void)name; (void)q;
	cc_error(cc, "not implemented yet: gen_gateway");
}
