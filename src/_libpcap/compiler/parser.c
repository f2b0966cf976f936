/* parser.c - STUB: the recursive-descent parser (to be written). */
#include "gen.h"

void
parse_filter(struct cc *cc)
{
	cc_error(cc, "not implemented yet: parse_filter");
}
