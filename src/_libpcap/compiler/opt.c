/*
 * opt.c - the optimizer's entry point and its pass structure, libpcap's:
 * number the reachable blocks, then run passes that only value-number and
 * move branches until nothing changes, then passes that also rewrite
 * statements, then merge equal blocks and skip a root whose two exits
 * agree.  A pass recomputes levels, dominators, use-def and edge
 * dominators, then visits every block from the root's level down.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "opt-int.h"

/*
 * The optimizer's tables are sized once, from the number of blocks and
 * statements, and are mostly sparse in use: large ones come from calloc
 * (whose untouched pages cost nothing) and are freed when the compile
 * ends, rather than from the arena, which zero-fills and doubles its
 * chunks.  Small ones are cut from a pool: a short filter needs some forty
 * of them, and a calloc and a free each cost more than its compile.
 */
#define OPT_POOL_SIZE	((size_t)32 << 10)

void *
opt_calloc(struct opt_state *os, size_t n, size_t size)
{
	const size_t align = sizeof(max_align_t);
	size_t bytes;
	void *p;

	if (n == 0)
		n = 1;
	if (size != 0 && n > (size_t)-1 / size)
		cc_error(os->cc, "out of memory");
	bytes = n * size;
	if (bytes <= OPT_POOL_SIZE / 8) {
		bytes = (bytes + align - 1) & ~(align - 1);
		if (os->pool == NULL || os->pool_size - os->pool_used < bytes) {
			os->pool = malloc(OPT_POOL_SIZE);
			if (os->pool == NULL)
				cc_error(os->cc, "out of memory");
			cc_on_cleanup(os->cc, free, os->pool);
			os->pool_size = OPT_POOL_SIZE;
			os->pool_used = 0;
		}
		p = os->pool + os->pool_used;
		os->pool_used += bytes;
		return memset(p, 0, bytes);
	}
	p = calloc(n, size);
	if (p == NULL)
		cc_error(os->cc, "out of memory");
	cc_on_cleanup(os->cc, free, p);
	return p;
}

/* Number the blocks reachable from the root in depth-first preorder and
   size everything the passes need; nothing is allocated after this. */
static void
opt_init(struct opt_state *os)
{
	struct opt_vec order = { NULL, 0, 0 };
	u_int i, n, max_stmts = 0;

	opt_walk_pre(os->cc, os->ic, os->ic->root, &os->stack, &order);
	n = order.n;
	if (n > OPT_MAX_BLOCKS)
		cc_error(os->cc, "filter is too complex to optimize");
	os->n_blocks = n;
	os->blocks = order.v;
	os->n_edges = 2 * n;
	os->edges = opt_calloc(os, os->n_edges, sizeof(*os->edges));
	os->levels = opt_calloc(os, n, sizeof(*os->levels));
	/* the walks' stacks and lists never grow past the block count */
	os->stack.v = opt_calloc(os, 2 * (size_t)n + 2, sizeof(struct block *));
	os->stack.cap = 2 * n + 2;
	os->order.v = opt_calloc(os, n, sizeof(struct block *));
	os->order.cap = n;
	for (i = 0; i < n; ++i) {
		struct block *b = os->blocks[i];

		b->id = i;
		b->et.id = i;
		b->ef.id = n + i;
		os->edges[i] = &b->et;
		os->edges[n + i] = &b->ef;
		b->et.pred = b;
		b->ef.pred = b;
		max_stmts += opt_slength(b->stmts) + 1;
	}
	opt_dom_init(os);
	opt_val_init(os, max_stmts);
}

static void
opt_blks(struct opt_state *os, int do_stmts)
{
	int i;
	struct block *p;

	opt_val_reset(os);
	opt_find_inedges(os);
	for (i = os->max_level; i >= 0; --i)
		for (p = os->levels[i]; p != NULL; p = p->link)
			opt_blk(os, p, do_stmts);
	if (do_stmts)
		return;		/* branches were settled by the earlier passes */

	opt_edom_prepare(os);
	for (i = 1; i <= os->max_level; ++i)
		for (p = os->levels[i]; p != NULL; p = p->link) {
			opt_j(os, &p->et);
			opt_j(os, &p->ef);
		}
	opt_find_inedges(os);
	for (i = 1; i <= os->max_level; ++i)
		for (p = os->levels[i]; p != NULL; p = p->link) {
			opt_or_pullup(os, p);
			opt_and_pullup(os, p);
		}
}

/*
 * Passes until one changes nothing.  libpcap's guard against cycles: 100
 * passes in a row that only moved branches end the loop.
 */
static void
opt_loop(struct opt_state *os, int do_stmts)
{
	int loop_count = 0;

	for (;;) {
		os->done = 1;
		os->non_branch_movement = 0;
		opt_find_levels(os);
		opt_find_dom(os);
		opt_find_ud(os);
		opt_find_edom(os);
		opt_blks(os, do_stmts);
		if (os->done)
			break;
		if (os->non_branch_movement)
			loop_count = 0;
		else if (++loop_count >= 100) {
			os->done = 1;
			break;
		}
	}
}

/* Skip root tests whose exits agree, carrying the root's statements to
   the block that becomes the root; a returning root needs none. */
static void
opt_root(struct block **b)
{
	struct slist *s = (*b)->stmts, *tmp;

	(*b)->stmts = NULL;
	while (BPF_CLASS((*b)->s.code) == BPF_JMP && JT(*b) == JF(*b))
		*b = JT(*b);
	tmp = (*b)->stmts;
	if (tmp != NULL) {
		if (s != NULL)
			cc_sappend(s, tmp);
		else
			s = tmp;
	}
	(*b)->stmts = s;
	if (BPF_CLASS((*b)->s.code) == BPF_RET)
		(*b)->stmts = NULL;
}

void
opt_optimize(struct cc *cc, struct icode *ic)
{
	struct opt_state *os = cc_alloc(cc, sizeof(*os));

	os->cc = cc;
	os->ic = ic;
	opt_init(os);
	opt_loop(os, 0);
	opt_loop(os, 1);
	opt_intern_blocks(os);
	opt_root(&ic->root);
}
