/* opt.c - STUB: the optimizer (to be written). */
#include "cc.h"

void
opt_optimize(struct cc *cc, struct icode *ic)
{
	(void)ic;
	cc_error(cc, "not implemented yet: opt_optimize");
}
