/*
 * gen-core.c - STUB: to be written (see gen-int.h for what belongs here).
 */
#include "gen-int.h"

void
gen_init(struct cc *cc)
{
	(void)cc;
	cc_error(cc, "not implemented yet: gen_init");
}

void
gen_finish(struct cc *cc, struct block *b)
{
	(void)cc;
	(void)b;
	cc_error(cc, "not implemented yet: gen_finish");
}

struct block *
gen_accept_all(struct cc *cc)
{
	(void)cc;
	cc_error(cc, "not implemented yet: gen_accept_all");
}

void
gen_and(struct block *b0, struct block *b1)
{
	(void)b0;
	(void)b1;
}

void
gen_or(struct block *b0, struct block *b1)
{
	(void)b0;
	(void)b1;
}

void
gen_not(struct block *b)
{
	(void)b;
}

struct block *
gen_retblk(struct cc *cc, int v)
{
	(void)cc;
	(void)v;
	cc_error(cc, "not implemented yet: gen_retblk");
}

struct block *
gen_true(struct cc *cc)
{
	(void)cc;
	cc_error(cc, "not implemented yet: gen_true");
}

struct block *
gen_false(struct cc *cc)
{
	(void)cc;
	cc_error(cc, "not implemented yet: gen_false");
}

struct block *
gen_uncond(struct cc *cc, int rsense)
{
	(void)cc;
	(void)rsense;
	cc_error(cc, "not implemented yet: gen_uncond");
}

void
gen_backpatch(struct block *list, struct block *target)
{
	(void)list;
	(void)target;
}

struct block *
gen_cmp(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, bpf_u_int32 v)
{
	(void)cc;
	(void)offrel;
	(void)offset;
	(void)size;
	(void)v;
	cc_error(cc, "not implemented yet: gen_cmp");
}

struct block *
gen_cmp_gt(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, bpf_u_int32 v)
{
	(void)cc;
	(void)offrel;
	(void)offset;
	(void)size;
	(void)v;
	cc_error(cc, "not implemented yet: gen_cmp_gt");
}

struct block *
gen_cmp_ge(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, bpf_u_int32 v)
{
	(void)cc;
	(void)offrel;
	(void)offset;
	(void)size;
	(void)v;
	cc_error(cc, "not implemented yet: gen_cmp_ge");
}

struct block *
gen_cmp_lt(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, bpf_u_int32 v)
{
	(void)cc;
	(void)offrel;
	(void)offset;
	(void)size;
	(void)v;
	cc_error(cc, "not implemented yet: gen_cmp_lt");
}

struct block *
gen_cmp_le(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, bpf_u_int32 v)
{
	(void)cc;
	(void)offrel;
	(void)offset;
	(void)size;
	(void)v;
	cc_error(cc, "not implemented yet: gen_cmp_le");
}

struct block *
gen_mcmp(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, bpf_u_int32 v, bpf_u_int32 mask)
{
	(void)cc;
	(void)offrel;
	(void)offset;
	(void)size;
	(void)v;
	(void)mask;
	cc_error(cc, "not implemented yet: gen_mcmp");
}

struct block *
gen_bcmp(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, const u_char *v)
{
	(void)cc;
	(void)offrel;
	(void)offset;
	(void)size;
	(void)v;
	cc_error(cc, "not implemented yet: gen_bcmp");
}

struct block *
gen_ncmp(struct cc *cc, enum e_offrel offrel, u_int offset,
    u_int size, bpf_u_int32 mask, int jtype, int reverse, bpf_u_int32 v)
{
	(void)cc;
	(void)offrel;
	(void)offset;
	(void)size;
	(void)mask;
	(void)jtype;
	(void)reverse;
	(void)v;
	cc_error(cc, "not implemented yet: gen_ncmp");
}

struct slist *
gen_load_a(struct cc *cc, enum e_offrel offrel,
    u_int offset, u_int size)
{
	(void)cc;
	(void)offrel;
	(void)offset;
	(void)size;
	cc_error(cc, "not implemented yet: gen_load_a");
}

struct slist *
gen_abs_offset_varpart(struct cc *cc, struct abs_offset *off)
{
	(void)cc;
	(void)off;
	cc_error(cc, "not implemented yet: gen_abs_offset_varpart");
}

struct slist *
gen_load_absoffsetrel(struct cc *cc, struct abs_offset *off,
    u_int offset, u_int size)
{
	(void)cc;
	(void)off;
	(void)offset;
	(void)size;
	cc_error(cc, "not implemented yet: gen_load_absoffsetrel");
}

struct slist *
gen_loadx_iphdrlen(struct cc *cc)
{
	(void)cc;
	cc_error(cc, "not implemented yet: gen_loadx_iphdrlen");
}

int
gen_alloc_reg(struct cc *cc)
{
	(void)cc;
	cc_error(cc, "not implemented yet: gen_alloc_reg");
}

void
gen_free_reg(struct cc *cc, int reg)
{
	(void)cc;
	(void)reg;
	cc_error(cc, "not implemented yet: gen_free_reg");
}
