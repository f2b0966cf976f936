/*
 * gen-ip.c - STUB: to be written (see gen-int.h for what belongs here).
 */
#include "gen-int.h"

struct block *
gen_ipfrag(struct cc *cc)
{
	(void)cc;
	cc_error(cc, "not implemented yet: gen_ipfrag");
}

struct block *
gen_proto(struct cc *cc, bpf_u_int32 v, int q_proto)
{
	(void)cc;
	(void)v;
	(void)q_proto;
	cc_error(cc, "not implemented yet: gen_proto");
}

struct block *
gen_protochain(struct cc *cc, bpf_u_int32 v, int q_proto)
{
	(void)cc;
	(void)v;
	(void)q_proto;
	cc_error(cc, "not implemented yet: gen_protochain");
}

struct block *
gen_host(struct cc *cc, bpf_u_int32 addr, bpf_u_int32 mask, int proto, int dir,
    int type)
{
	(void)addr; (void)mask; (void)proto; (void)dir; (void)type;
	cc_error(cc, "not implemented yet: gen_host");
}
