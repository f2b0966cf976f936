/*
 * gen-llc.c - STUB: to be written (see gen-int.h for what belongs here).
 */
#include "gen-int.h"

struct block *
gen_llc(struct cc *cc)
{
	(void)cc;
	cc_error(cc, "not implemented yet: gen_llc");
}

struct block *
gen_llc_i(struct cc *cc)
{
	(void)cc;
	cc_error(cc, "not implemented yet: gen_llc_i");
}

struct block *
gen_llc_s(struct cc *cc)
{
	(void)cc;
	cc_error(cc, "not implemented yet: gen_llc_s");
}

struct block *
gen_llc_u(struct cc *cc)
{
	(void)cc;
	cc_error(cc, "not implemented yet: gen_llc_u");
}

struct block *
gen_llc_s_subtype(struct cc *cc, bpf_u_int32 subtype)
{
	(void)cc;
	(void)subtype;
	cc_error(cc, "not implemented yet: gen_llc_s_subtype");
}

struct block *
gen_llc_u_subtype(struct cc *cc, bpf_u_int32 subtype)
{
	(void)cc;
	(void)subtype;
	cc_error(cc, "not implemented yet: gen_llc_u_subtype");
}
