/*
 * gen-atm.c - STUB: to be written (see gen-int.h for what belongs here).
 */
#include "gen-int.h"

struct block *
gen_atmfield_code(struct cc *cc, int atmfield,
    bpf_u_int32 jvalue, int jtype, int reverse)
{
	(void)cc;
	(void)atmfield;
	(void)jvalue;
	(void)jtype;
	(void)reverse;
	cc_error(cc, "not implemented yet: gen_atmfield_code");
}

struct block *
gen_atmtype_abbrev(struct cc *cc, int type)
{
	(void)cc;
	(void)type;
	cc_error(cc, "not implemented yet: gen_atmtype_abbrev");
}

struct block *
gen_atmmulti_abbrev(struct cc *cc, int type)
{
	(void)cc;
	(void)type;
	cc_error(cc, "not implemented yet: gen_atmmulti_abbrev");
}
