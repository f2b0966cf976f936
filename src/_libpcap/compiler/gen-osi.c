/*
 * gen-osi.c - STUB: to be written (see gen-int.h for what belongs here).
 */
#include "gen-int.h"

struct block *
gen_decnet_host(struct cc *cc, bpf_u_int32 addr, int dir)
{
	(void)addr; (void)dir;
	cc_error(cc, "not implemented yet: gen_decnet_host");
}

struct block *
gen_osi_proto(struct cc *cc, bpf_u_int32 v, int q_proto)
{
	(void)v; (void)q_proto;
	cc_error(cc, "not implemented yet: gen_osi_proto");
}

struct block *
gen_osi_abbrev(struct cc *cc, int q_proto)
{
	(void)q_proto;
	cc_error(cc, "not implemented yet: gen_osi_abbrev");
}
