/*
 * gen-mtp.c - STUB: to be written (see gen-int.h for what belongs here).
 */
#include "gen-int.h"

struct block *
gen_mtp2type_abbrev(struct cc *cc, int type)
{
	(void)cc;
	(void)type;
	cc_error(cc, "not implemented yet: gen_mtp2type_abbrev");
}

struct block *
gen_mtp3field_code(struct cc *cc, int mtp3field,
    bpf_u_int32 jvalue, int jtype, int reverse)
{
	(void)cc;
	(void)mtp3field;
	(void)jvalue;
	(void)jtype;
	(void)reverse;
	cc_error(cc, "not implemented yet: gen_mtp3field_code");
}
