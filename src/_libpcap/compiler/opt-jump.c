/*
 * opt-jump.c - the optimizer's rewrites of the control flow: threading an
 * edge past tests whose outcome is already known on every path to it
 * (found among its edge dominators), skipping tests whose two exits agree,
 * pulling a repeated test of the same value up an or/and chain, and, at
 * the end, merging blocks that are equal (same statements, test and
 * successors) until no two are.  libpcap's rules and visiting orders.
 */
#include <string.h>

#include "opt-int.h"

u_int
opt_slength(const struct slist *s)
{
	u_int n = 0;

	for (; s != NULL; s = s->next)
		if (s->s.code != OPT_NOP)
			n++;
	return n;
}

/* Does some register read after succ hold a different value when coming
   from b than succ itself leaves there? */
static int
use_conflict(const struct block *b, const struct block *succ)
{
	cc_atomset use = succ->out_use;
	int atom;

	if (use == 0)
		return 0;
	for (atom = 0; atom < CC_N_ATOMS; ++atom)
		if (CC_ATOMELEM(use, atom) && b->val[atom] != succ->val[atom])
			return 1;
	return 0;
}

/*
 * child is where an edge goes; ep is an edge that dominates it.  If
 * child's test is decided by having come along ep, the successor of child
 * it then takes; else NULL.
 */
static struct block *
fold_edge(const struct block *child, const struct edge *ep)
{
	int code = ep->code;
	int sense = 1;

	if (code < 0) {		/* the false exit */
		code = -code;
		sense = 0;
	}
	if (child->s.code != code)
		return NULL;
	if (child->val[CC_A_ATOM] != ep->pred->val[CC_A_ATOM])
		return NULL;
	if (child->oval == ep->pred->oval)
		/* the same test of the same value */
		return sense ? JT(child) : JF(child);
	if (sense && code == (BPF_JMP | BPF_JEQ | BPF_K))
		/* A equals another constant: child's equality fails
		   (distinct constants have distinct value numbers) */
		return JF(child);
	return NULL;
}

void
opt_j(struct opt_state *os, struct edge *ep)
{
	if (JT(ep->succ) == NULL)
		return;
	/* a test with both exits to one block: skip it if nothing after
	   depends on what it computed */
	if (JT(ep->succ) == JF(ep->succ) &&
	    !use_conflict(ep->pred, JT(ep->succ))) {
		os->non_branch_movement = 1;
		os->done = 0;
		ep->succ = JT(ep->succ);
	}
	/*
	 * libpcap scans ep's edge dominators in increasing id order and
	 * takes the first that decides ep's successor (fold_edge) without a
	 * register conflict, then starts over from the new successor unless
	 * it is a leaf.  Each test depends only on the current successor, so
	 * each round is "the smallest id that qualifies".
	 */
	for (;;) {
		struct block *child = ep->succ, *target;
		u_int k;

		if (JT(child) == NULL)
			return;		/* a return decides nothing */
		k = opt_edom_first(os, ep, child,
		    !use_conflict(ep->pred, JT(child)),
		    !use_conflict(ep->pred, JF(child)));
		if (k == 0xffffffffU)
			return;
		target = fold_edge(child, os->edges[k]);
		os->done = 0;	/* branch movement only */
		ep->succ = target;
		if (JT(target) == NULL)
			return;
	}
}

/*
 * "A or B" where B's false chain tests A's value again further down:
 * move that later test up in front of the chain (and_pullup: the same
 * along true exits).  The in-edge lists are those of before the pass's
 * pull-ups; dominators are recomputed after each one, as libpcap does.
 * An exit is named by its block and which one (0 = JT, 1 = JF).
 */
#define EXIT(b, w)	((w) ? &JF(b) : &JT(b))

static void
pullup(struct opt_state *os, struct block *b, int along_true)
{
	bpf_u_int32 val;
	int at_top, dw, sw;
	int chain_w = along_true ? 0 : 1;
	struct block *pull, *dh, *sh, *diff, *same;
	struct block *touched[3];
	struct edge *ep;
	u_int nt = 0;

#define OTHER(x)	(along_true ? JF(x) : JT(x))
	ep = b->in_edges;
	if (ep == NULL)
		return;
	/* every predecessor leaves the same A */
	val = ep->pred->val[CC_A_ATOM];
	for (ep = ep->next; ep != NULL; ep = ep->next)
		if (val != ep->pred->val[CC_A_ATOM])
			return;

	dh = b->in_edges->pred;
	dw = JT(dh) == b ? 0 : 1;

	/* down the chain to the first test of another value */
	at_top = 1;
	for (;;) {
		diff = *EXIT(dh, dw);
		if (diff == NULL)
			return;
		if (OTHER(diff) != OTHER(b))
			return;
		if (++os->work > OPT_WORK_LIMIT)
			cc_error(os->cc, "filter is too complex to optimize");
		if (!opt_dominates(os, b, diff))
			return;
		if (diff->val[CC_A_ATOM] != val)
			break;
		/* the blocks after diff with its exits, A and dominators
		   would pass the same tests: skip them */
		dh = opt_dom_run_end(os, diff, along_true);
		dw = chain_w;
		at_top = 0;
	}
	/* further down to a test of the first value again */
	sh = diff;
	sw = chain_w;
	for (;;) {
		same = *EXIT(sh, sw);
		if (same == NULL)
			return;
		if (OTHER(same) != OTHER(b))
			return;
		if (++os->work > OPT_WORK_LIMIT)
			cc_error(os->cc, "filter is too complex to optimize");
		if (!opt_dominates(os, b, same))
			return;
		if (same->val[CC_A_ATOM] == val)
			break;
		sh = opt_dom_run_end(os, same, along_true);
		sw = chain_w;
	}

	pull = same;
	*EXIT(sh, sw) = *EXIT(pull, chain_w);
	*EXIT(pull, chain_w) = diff;
	touched[nt++] = sh;
	touched[nt++] = pull;
	if (at_top) {
		/* every predecessor of b now goes to the pulled test */
		for (ep = b->in_edges; ep != NULL; ep = ep->next) {
			if (JT(ep->pred) == b)
				JT(ep->pred) = pull;
			else
				JF(ep->pred) = pull;
		}
	} else {
		*EXIT(dh, dw) = pull;
		touched[nt++] = dh;
	}
	os->done = 0;
	opt_dom_changed(os, touched, nt);
	if (at_top)
		for (ep = b->in_edges; ep != NULL; ep = ep->next)
			opt_dom_changed(os, &ep->pred, 1);
#undef OTHER
}

void
opt_or_pullup(struct opt_state *os, struct block *b)
{
	pullup(os, b, 0);
}

void
opt_and_pullup(struct opt_state *os, struct block *b)
{
	pullup(os, b, 1);
}

/* ------------------------------------------------------------------------
 * Interning: equal blocks become one.
 * --------------------------------------------------------------------- */

/* Equal statement lists, deleted statements skipped. */
static int
eq_slist(const struct slist *x, const struct slist *y)
{
	for (;;) {
		while (x != NULL && x->s.code == OPT_NOP)
			x = x->next;
		while (y != NULL && y->s.code == OPT_NOP)
			y = y->next;
		if (x == NULL)
			return y == NULL;
		if (y == NULL)
			return 0;
		if (x->s.code != y->s.code || x->s.k != y->s.k)
			return 0;
		x = x->next;
		y = y->next;
	}
}

static u_int
blk_hash(const struct block *b, u_int ct, u_int cf)
{
	const struct slist *s;
	u_int h = (u_int)b->s.code * 0x9e3779b1u ^ b->s.k * 0x85ebca6bu;

	h ^= ct * 0xc2b2ae35u;
	h = (h << 7 | h >> 25) ^ cf * 0x27d4eb2fu;
	for (s = b->stmts; s != NULL; s = s->next) {
		if (s->s.code == OPT_NOP)
			continue;
		h = (h << 5 | h >> 27) ^ ((u_int)s->s.code * 0x165667b1u);
		h = (h << 5 | h >> 27) ^ (s->s.k * 0x9e3779b1u);
	}
	return h ^ (h >> 16);
}

/*
 * libpcap links each live block to the highest-numbered live block equal
 * to it (same statements and test, same successors), points every edge at
 * that block, and repeats until nothing moves, so blocks become equal
 * once their successors have been merged.  The end result is the same as
 * classifying the live blocks bottom-up (successors first) by their
 * contents and their successors' classes, and pointing every edge to a
 * live block at the highest-numbered live block of its class.
 */
void
opt_intern_blocks(struct opt_state *os)
{
	struct icode *ic = os->ic;
	u_int n = os->n_blocks, size = 64, i, mask, nclass = 0;
	u_int *heads, *chain, *cls, *rep, *first;
	struct opt_vec *order = &os->order;

	while (size < 2 * n)
		size *= 2;
	mask = size - 1;
	heads = opt_calloc(os, size, sizeof(*heads));
	chain = opt_calloc(os, (size_t)n + 1, sizeof(*chain));
	cls = opt_calloc(os, (size_t)n + 1, sizeof(*cls));
	rep = opt_calloc(os, (size_t)n + 1, sizeof(*rep));
	first = opt_calloc(os, (size_t)n + 1, sizeof(*first));

	opt_walk_post(os->cc, ic, ic->root, &os->stack, order);
	for (i = 0; i < order->n; i++) {
		struct block *b = order->v[i];
		u_int ct = JT(b) ? cls[JT(b)->id] : 0;
		u_int cf = JF(b) ? cls[JF(b)->id] : 0;
		u_int h = blk_hash(b, ct, cf) & mask, c;

		/* classes are numbered from 1; a chain links class ids */
		for (c = heads[h]; c != 0; c = chain[c]) {
			struct block *o = os->blocks[first[c]];

			if (o->s.code == b->s.code && o->s.k == b->s.k &&
			    (JT(o) ? cls[JT(o)->id] : 0) == ct &&
			    (JF(o) ? cls[JF(o)->id] : 0) == cf &&
			    eq_slist(o->stmts, b->stmts))
				break;
		}
		if (c == 0) {
			c = ++nclass;
			first[c] = b->id;
			rep[c] = b->id;
			chain[c] = heads[h];
			heads[h] = c;
		} else if (b->id > rep[c])
			rep[c] = b->id;
		cls[b->id] = c;
	}
	for (i = 0; i < n; i++) {
		struct block *p = os->blocks[i];

		if (JT(p) == NULL)
			continue;
		if (CC_IS_MARKED(ic, JT(p)))
			JT(p) = os->blocks[rep[cls[JT(p)->id]]];
		if (CC_IS_MARKED(ic, JF(p)))
			JF(p) = os->blocks[rep[cls[JF(p)->id]]];
	}
}
