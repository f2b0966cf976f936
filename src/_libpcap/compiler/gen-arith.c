/*
 * gen-arith.c - STUB: to be written (see gen-int.h for what belongs here).
 */
#include "gen-int.h"

struct block *
gen_less(struct cc *cc, int n)
{
	(void)cc;
	(void)n;
	cc_error(cc, "not implemented yet: gen_less");
}

struct block *
gen_greater(struct cc *cc, int n)
{
	(void)cc;
	(void)n;
	cc_error(cc, "not implemented yet: gen_greater");
}

struct block *
gen_byteop(struct cc *cc, int op, int idx, bpf_u_int32 val)
{
	(void)cc;
	(void)op;
	(void)idx;
	(void)val;
	cc_error(cc, "not implemented yet: gen_byteop");
}

struct arth *
gen_loadi(struct cc *cc, bpf_u_int32 v)
{
	(void)cc;
	(void)v;
	cc_error(cc, "not implemented yet: gen_loadi");
}

struct arth *
gen_load(struct cc *cc, int proto, struct arth *index,
    bpf_u_int32 size)
{
	(void)cc;
	(void)proto;
	(void)index;
	(void)size;
	cc_error(cc, "not implemented yet: gen_load");
}

struct arth *
gen_loadlen(struct cc *cc)
{
	(void)cc;
	cc_error(cc, "not implemented yet: gen_loadlen");
}

struct arth *
gen_neg(struct cc *cc, struct arth *a)
{
	(void)cc;
	(void)a;
	cc_error(cc, "not implemented yet: gen_neg");
}

struct arth *
gen_arth(struct cc *cc, int code, struct arth *a0,
    struct arth *a1)
{
	(void)cc;
	(void)code;
	(void)a0;
	(void)a1;
	cc_error(cc, "not implemented yet: gen_arth");
}

struct block *
gen_relation(struct cc *cc, int code, struct arth *a0,
    struct arth *a1, int reversed)
{
	(void)cc;
	(void)code;
	(void)a0;
	(void)a1;
	(void)reversed;
	cc_error(cc, "not implemented yet: gen_relation");
}
