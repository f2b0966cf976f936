/*
 * gen-addr.c - STUB: to be written (see gen-int.h for what belongs here).
 */
#include "gen-int.h"

struct block *
gen_scode(struct cc *cc, const char *name, struct qual q)
{
	(void)cc;
	(void)name;
	(void)q;
	cc_error(cc, "not implemented yet: gen_scode");
}

struct block *
gen_ncode(struct cc *cc, const char *s, bpf_u_int32 v,
    struct qual q)
{
	(void)cc;
	(void)s;
	(void)v;
	(void)q;
	cc_error(cc, "not implemented yet: gen_ncode");
}

struct block *
gen_mcode(struct cc *cc, const char *s1, const char *s2,
    bpf_u_int32 masklen, struct qual q)
{
	(void)cc;
	(void)s1;
	(void)s2;
	(void)masklen;
	(void)q;
	cc_error(cc, "not implemented yet: gen_mcode");
}

struct block *
gen_mcode6(struct cc *cc, const char *s, bpf_u_int32 masklen,
    struct qual q)
{
	(void)cc;
	(void)s;
	(void)masklen;
	(void)q;
	cc_error(cc, "not implemented yet: gen_mcode6");
}

struct block *
gen_acode(struct cc *cc, const char *s, struct qual q)
{
	(void)cc;
	(void)s;
	(void)q;
	cc_error(cc, "not implemented yet: gen_acode");
}

struct block *
gen_proto_abbrev(struct cc *cc, int proto)
{
	(void)cc;
	(void)proto;
	cc_error(cc, "not implemented yet: gen_proto_abbrev");
}

struct block *
gen_broadcast(struct cc *cc, int proto)
{
	(void)cc;
	(void)proto;
	cc_error(cc, "not implemented yet: gen_broadcast");
}

struct block *
gen_multicast(struct cc *cc, int proto)
{
	(void)cc;
	(void)proto;
	cc_error(cc, "not implemented yet: gen_multicast");
}
