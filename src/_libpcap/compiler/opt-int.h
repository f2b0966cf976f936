/*
 * opt-int.h - the optimizer's shared state and the entry points of its
 * files.  The optimizer is libpcap's: value numbering over a DAG of
 * blocks, constant folding and peephole rewrites, dead-store removal,
 * branch threading along edge dominators, and/or "pull-ups", and merging
 * of equal blocks; every pass and every visiting order is libpcap's, so
 * the programs come out byte-identical.  What differs is how the facts
 * the passes consult are computed (explicit stacks instead of recursion,
 * hash tables instead of list scans, dominator queries answered without
 * n^2 bit matrices), never the facts themselves.
 *
 *   opt.c        entry point, numbering of blocks, the pass loop, the root
 *   opt-flow.c   depth-first walks, levels, use-def, in-edges
 *   opt-dom.c    block and edge dominators, as libpcap computes them
 *   opt-value.c  value numbering, statement/peephole rewrites, dead stores
 *   opt-jump.c   branch threading, or/and pull-ups, interning of blocks
 *
 * emit.c (the layout) shares only OPT_NOP and opt_slength.
 */
#ifndef PCAP_COMPILER_OPT_INT_H
#define PCAP_COMPILER_OPT_INT_H

#include "cc.h"

/* A deleted statement. */
#define OPT_NOP		(-1)

/* Both A and X, as the "register" an X-source ALU/jump uses. */
#define OPT_AX_ATOM	CC_N_ATOMS

/*
 * Bounds that libpcap does not have.  Its pull-up chain walks grow with
 * the square of a long or/and list (times the number of passes): a list
 * of several thousand hosts takes libpcap hours.  Past these bounds (about
 * 8,000 hosts, or that much walking) the optimizer gives up with libpcap's
 * message for filters it cannot optimize instead of working for minutes.
 */
#define OPT_MAX_BLOCKS	100000u
#define OPT_WORK_LIMIT	500000000ULL

/* Value number 0: nothing known about a register. */
#define OPT_VAL_UNKNOWN	0U

/* A growable array of block pointers (an explicit stack for the
   depth-first walks); preallocated by opt_init, else grown in the arena. */
struct opt_vec {
	struct block **v;
	u_int n, cap;
};

/* One entry of the value-numbering table: value val is code(v0, v1). */
struct opt_vnode {
	int code;
	bpf_u_int32 v0, v1;
	bpf_u_int32 val;
	u_int next;		/* next entry in the same hash bucket, 0 = end */
};

struct opt_vinfo {
	int is_const;
	bpf_u_int32 const_val;
};

struct opt_dom;			/* dominator oracle (opt-flow.c) */

struct opt_state {
	struct cc *cc;
	struct icode *ic;

	/* Another pass is needed (something changed); something other than
	   branch movement changed (libpcap's loop detection). */
	int done;
	int non_branch_movement;
	unsigned long long work;	/* pull-up walk steps so far */

	u_int n_blocks;		/* blocks reachable at the start, numbered */
	struct block **blocks;	/* by id, depth-first preorder (JT first) */
	u_int n_edges;		/* 2 * n_blocks: et ids 0.., ef ids n.. */
	struct edge **edges;

	struct block **levels;	/* level lists, linked through b->link */
	int max_level;

	/* Value numbering. */
	bpf_u_int32 curval, maxval;
	struct opt_vinfo *vmap;		/* maxval + 1 entries */
	struct opt_vnode *vnodes;	/* entry 0 unused */
	u_int n_vnodes;
	u_int *vhash;			/* bucket heads, vhash_mask + 1 */
	u_int vhash_mask;

	struct opt_dom *dom;	/* block and edge dominators */

	struct opt_vec stack;	/* scratch for walks */
	struct opt_vec order;	/* scratch: blocks in walk order */

	/* opt_deadstores' last definition of each atom, all NULL between
	   blocks (cleared as it is read, so no memset per block). */
	struct stmt *last_def[CC_N_ATOMS];

	/* Small arrays come from one pool, not a calloc each (a short
	   filter asks for some forty). */
	char *pool;
	size_t pool_used, pool_size;
};

/* ---- opt.c ------------------------------------------------------------ */

/* Zeroed memory freed when the compile ends (cc_error on failure). */
INTERNAL void *opt_calloc(struct opt_state *os, size_t n, size_t size);

/* ---- opt-flow.c ------------------------------------------------------- */

INTERNAL void opt_vec_push(struct cc *cc, struct opt_vec *v, struct block *b);

/* Depth-first walks of the blocks reachable from root, each with a fresh
   mark.  Preorder, children in the order JT, JF (libpcap's numbering). */
INTERNAL void opt_walk_pre(struct cc *cc, struct icode *ic, struct block *root,
    struct opt_vec *stack, struct opt_vec *out);

/* Postorder, JT's subtree first: successors before the block. */
INTERNAL void opt_walk_post(struct cc *cc, struct icode *ic,
    struct block *root, struct opt_vec *stack, struct opt_vec *out);

INTERNAL void opt_find_levels(struct opt_state *os);
INTERNAL void opt_find_ud(struct opt_state *os);
INTERNAL void opt_find_inedges(struct opt_state *os);

/* ---- opt-dom.c -------------------------------------------------------- */

/* Dominators as libpcap computes them: block dominators by a sweep over
   the pass's level lists (redone after each pull-up over the same lists),
   edge dominators once per pass.  See opt-dom.c. */
INTERNAL void opt_dom_init(struct opt_state *os);
INTERNAL void opt_find_dom(struct opt_state *os);
/* A pull-up rewrote the exits of these blocks. */
INTERNAL void opt_dom_changed(struct opt_state *os, struct block **blocks,
    u_int nb);
/* Is b in x's dominator set? */
INTERNAL int opt_dominates(struct opt_state *os, struct block *b,
    struct block *x);
/* The last block of y's run down its JF (JT if along_true) chain: blocks
   with y's other exit and A that b dominates whenever b dominates y. */
INTERNAL struct block *opt_dom_run_end(struct opt_state *os,
    struct block *y, int along_true);
INTERNAL void opt_find_edom(struct opt_state *os);
/* After the pass's blocks are value-numbered: what the scans need. */
INTERNAL void opt_edom_prepare(struct opt_state *os);
/* The smallest id of an edge in ep's edge-dominator set that decides
   child's test (see fold_edge), given whether moving ep to child's true /
   false successor is free of register conflicts; 0xffffffff if none. */
INTERNAL u_int opt_edom_first(struct opt_state *os, struct edge *ep,
    struct block *child, int ok_t, int ok_f);

/* ---- opt-flow.c, continued -------------------------------------------- */

INTERNAL int opt_atomuse(const struct stmt *s);
INTERNAL int opt_atomdef(const struct stmt *s);

/* ---- opt-value.c ------------------------------------------------------ */

INTERNAL void opt_val_init(struct opt_state *os, u_int max_stmts);
INTERNAL void opt_val_reset(struct opt_state *os);
INTERNAL bpf_u_int32 opt_K(struct opt_state *os, bpf_u_int32 k);
INTERNAL void opt_blk(struct opt_state *os, struct block *b, int do_stmts);

/* ---- opt-jump.c ------------------------------------------------------- */

INTERNAL void opt_j(struct opt_state *os, struct edge *ep);
INTERNAL void opt_or_pullup(struct opt_state *os, struct block *b);
INTERNAL void opt_and_pullup(struct opt_state *os, struct block *b);
INTERNAL void opt_intern_blocks(struct opt_state *os);

/* Length of a statement list without deleted statements. */
INTERNAL u_int opt_slength(const struct slist *s);

#endif /* PCAP_COMPILER_OPT_INT_H */
