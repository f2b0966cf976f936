/* emit.c - STUB: layout of the block graph as bpf_insn (to be written). */
#include "cc.h"

struct bpf_insn *
emit_program(struct cc *cc, struct icode *ic, struct block *root, u_int *lenp)
{
	(void)ic; (void)root; (void)lenp;
	cc_error(cc, "not implemented yet: emit_program");
}
