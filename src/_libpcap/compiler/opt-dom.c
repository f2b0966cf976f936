/*
 * opt-dom.c - block and edge dominators as libpcap's optimizer sees them,
 * without its n x n bit matrices and without recomputing everything after
 * each pull-up.
 *
 * libpcap computes block dominators by one sweep over the pass's level
 * lists (order "pi", fixed at the start of the pass): a block's set starts
 * as everything (the root's as nothing), the block adds itself when its
 * turn comes, then narrows its two successors' sets by its own.  After a
 * pull-up changes the graph the sweep is redone over the same, now stale,
 * order, so a block may be narrowed by a predecessor that comes after it.
 * The result has a simple form that this file computes:
 *
 *   D(p), the set of p at its turn, is "everything" (TOP) when no
 *   predecessor comes before p or all that do are TOP; otherwise
 *   {p} plus the intersection of those predecessors' D - always a path
 *   from p up a tree rooted at the root, so it is kept as a parent
 *   pointer (the nearest common ancestor of those predecessors).
 *   The final set of x is D(x) narrowed by D(q) of every predecessor q
 *   that comes after x.
 *
 * D(p) depends only on blocks before p in pi, so a change of the graph at
 * pi position c leaves every D(p) with pos(p) < c valid.  Values are
 * computed on demand, each stamped with the change count; a log of changes
 * (kept as a monotone stack) says whether any change since a stamp was at
 * or before a block's position.  Ancestor tests and common ancestors use
 * binary lifting.
 *
 * Edge dominators are computed once per pass over a fresh (topological)
 * order, where they are exact: the set of an edge is the edge and the
 * path above it in a tree whose parent of both exits of b is the nearest
 * common ancestor of b's incoming edges.
 */
#include <string.h>

#include "opt-int.h"

#define NONE		0xffffffffU
#define NEVER		0xffffffffU
#define UNSET		0xfffffffeU	/* no incoming edge seen yet */

struct opt_dom {
	u_int n;		/* block ids 0..n-1; edge ids 0..2n-1 */
	u_int lg;		/* binary lifting depth */

	/* ---- block dominators ---- */
	u_int *pos;		/* position in pi, NONE if not in this pass */
	u_int *depth;
	u_char *top;
	u_int *up;		/* up[id * lg + k]: 2^k-th ancestor, NONE */
	u_int *stamp;		/* change count when computed, NEVER */
	/* Incoming edges of each block in the graph being swept, as doubly
	   linked lists of "slots" (slot 2*id is id's JT, 2*id+1 its JF). */
	u_int *head;		/* first slot pointing at the block */
	u_int *snext, *sprev;
	u_int *starget;		/* block the slot is linked under, NONE */
	u_int changes;		/* change count */
	u_int *log_epoch, *log_pos, log_n;	/* monotone change log */
	int pullups;		/* pull-ups this pass */
	u_int *work, *witer;	/* explicit stack for on-demand values */
	/* The last query's b and the last block whose D(.) was found to hold
	   it: a chain walk asks about successive blocks whose parent is the
	   one before.  Dropped on every change. */
	u_int memo_b, memo_conf;

	/* ---- edge dominators ---- */
	u_int *eup;		/* eup[id * lg + k] */
	u_int *edepth;
	u_int *acc;		/* per block: common ancestor of in-edges */
	struct epack *ep;	/* per edge, for the scans of opt_j */
	/* Edges by (opcode with sign, A, operand): bucket heads, chains. */
	u_int *kh, *kn, kmask;
	/* Memo of "smallest id of a true edge with this (opcode, A) at or
	   above this edge": open addressing, cleared each pass. */
	struct memo *memo;
	u_int mmask, mused;
	u_int *path;		/* scratch: a walk up the tree */
};

struct memo {
	u_int node;		/* NONE: empty slot */
	int code;
	bpf_u_int32 aval;
	u_int val;
};

/* What fold_edge looks at, per edge, next to the tree parent. */
struct epack {
	u_int up;		/* parent in the edge-dominator tree */
	int code;		/* the edge's branch opcode (negative: false) */
	bpf_u_int32 aval;	/* A leaving its block */
	int oval;		/* what its block's branch compares A with */
};

static u_int *
uints(struct cc *cc, size_t n)
{
	return cc_alloc(cc, (n ? n : 1) * sizeof(u_int));
}

void
opt_dom_init(struct opt_state *os)
{
	struct cc *cc = os->cc;
	struct opt_dom *d = cc_alloc(cc, sizeof(*d));
	u_int n = os->n_blocks;

	d->n = n;
	d->lg = 1;
	while (((size_t)1 << d->lg) < 2 * (size_t)n + 2)
		d->lg++;
	d->pos = uints(cc, n);
	d->depth = uints(cc, n);
	d->top = cc_alloc(cc, n ? n : 1);
	d->up = uints(cc, (size_t)d->lg * n);
	d->stamp = uints(cc, n);
	d->head = uints(cc, n);
	d->snext = uints(cc, 2 * (size_t)n);
	d->sprev = uints(cc, 2 * (size_t)n);
	d->starget = uints(cc, 2 * (size_t)n);
	d->log_epoch = uints(cc, (size_t)n + 1);
	d->log_pos = uints(cc, (size_t)n + 1);
	d->work = uints(cc, n);
	d->witer = uints(cc, n);
	d->eup = uints(cc, (size_t)d->lg * 2 * n);
	d->edepth = uints(cc, 2 * (size_t)n);
	d->acc = uints(cc, n);
	d->ep = cc_alloc(cc, (2 * (size_t)n + 1) * sizeof(*d->ep));
	for (d->kmask = 63; d->kmask < 4 * n; d->kmask = 2 * d->kmask + 1)
		;
	d->kh = uints(cc, (size_t)d->kmask + 1);
	d->kn = uints(cc, 2 * (size_t)n);
	for (d->mmask = 255; d->mmask < 8 * n; d->mmask = 2 * d->mmask + 1)
		;
	d->memo = cc_alloc(cc, ((size_t)d->mmask + 1) * sizeof(*d->memo));
	d->path = uints(cc, 2 * (size_t)n + 1);
	os->dom = d;
}

/* ------------------------------------------------------------------------
 * The graph being swept: incoming slot lists.
 * --------------------------------------------------------------------- */

static void
slot_unlink(struct opt_dom *d, u_int s)
{
	u_int t = d->starget[s];

	if (t == NONE)
		return;
	if (d->sprev[s] != NONE)
		d->snext[d->sprev[s]] = d->snext[s];
	else
		d->head[t] = d->snext[s];
	if (d->snext[s] != NONE)
		d->sprev[d->snext[s]] = d->sprev[s];
	d->starget[s] = NONE;
}

static void
slot_link(struct opt_dom *d, u_int s, u_int t)
{
	d->starget[s] = t;
	d->sprev[s] = NONE;
	d->snext[s] = d->head[t];
	if (d->head[t] != NONE)
		d->sprev[d->head[t]] = s;
	d->head[t] = s;
}

/* A change of the graph at pi position c (values at or after it go). */
static void
note_change(struct opt_dom *d, u_int c)
{
	d->memo_b = NONE;
	d->changes++;
	while (d->log_n > 0 && d->log_pos[d->log_n - 1] >= c)
		d->log_n--;
	d->log_epoch[d->log_n] = d->changes;
	d->log_pos[d->log_n] = c;
	d->log_n++;
}

/* Relink every slot of the blocks in this pass to the current graph and
   forget every value (libpcap's full recomputation). */
static void
rebuild(struct opt_state *os)
{
	struct opt_dom *d = os->dom;
	u_int i;
	int level;
	struct block *b;

	for (i = 0; i < d->n; i++) {
		d->head[i] = NONE;
		d->starget[2 * i] = d->starget[2 * i + 1] = NONE;
	}
	for (level = os->max_level; level >= 0; --level)
		for (b = os->levels[level]; b != NULL; b = b->link) {
			if (JT(b) == NULL)
				continue;
			slot_link(d, 2 * b->id, JT(b)->id);
			slot_link(d, 2 * b->id + 1, JF(b)->id);
		}
	d->log_n = 0;
	note_change(d, 0);
}

/* Start of a pass: pi from the fresh level lists, dominators of the
   current graph. */
void
opt_find_dom(struct opt_state *os)
{
	struct opt_dom *d = os->dom;
	u_int i, p = 0;
	int level;
	struct block *b;

	for (i = 0; i < d->n; i++) {
		d->pos[i] = NONE;
		d->stamp[i] = NEVER;
	}
	for (level = os->ic->root->level; level >= 0; --level)
		for (b = os->levels[level]; b != NULL; b = b->link)
			d->pos[b->id] = p++;
	d->pullups = 0;
	rebuild(os);
}

/* After a pull-up that rewrote the exits of the given blocks. */
void
opt_dom_changed(struct opt_state *os, struct block **blocks, u_int nb)
{
	struct opt_dom *d = os->dom;
	u_int i, c = NONE;

	if (d->pullups++ == 0) {
		/* the first one: libpcap recomputes over the graph as branch
		   threading and peephole rewrites left it */
		rebuild(os);
		return;
	}
	for (i = 0; i < nb; i++) {
		struct block *b = blocks[i];
		int w;

		if (d->pos[b->id] == NONE || JT(b) == NULL)
			continue;
		for (w = 0; w < 2; w++) {
			u_int s = 2 * b->id + (u_int)w;
			u_int now = (w ? JF(b) : JT(b))->id;
			u_int old = d->starget[s];

			if (old == now)
				continue;
			if (old != NONE && d->pos[old] < c)
				c = d->pos[old];
			if (d->pos[now] < c)
				c = d->pos[now];
			slot_unlink(d, s);
			slot_link(d, s, now);
		}
	}
	if (c != NONE)
		note_change(d, c);
}

/* ------------------------------------------------------------------------
 * On-demand values.
 * --------------------------------------------------------------------- */

/* Was x's value computed after the last change at or before its place? */
static int
is_valid(const struct opt_dom *d, u_int x)
{
	u_int t = d->stamp[x], lo = 0, hi = d->log_n;

	if (t == NEVER)
		return 0;
	if (t == d->changes)
		return 1;
	/* first log entry with epoch > t; positions grow along the log */
	while (lo < hi) {
		u_int mid = (lo + hi) / 2;

		if (d->log_epoch[mid] > t)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo == d->log_n || d->log_pos[lo] > d->pos[x];
}

#define UP(d, k, x)	((d)->up[(size_t)(x) * (d)->lg + (k)])

static u_int
lift(const struct opt_dom *d, u_int x, u_int by)
{
	u_int k;

	for (k = 0; by != 0 && x != NONE; k++, by >>= 1)
		if (by & 1)
			x = UP(d, k, x);
	return x;
}

static u_int
lca(const struct opt_dom *d, u_int a, u_int b)
{
	u_int k;

	if (d->depth[a] < d->depth[b]) {
		u_int t = a;

		a = b;
		b = t;
	}
	a = lift(d, a, d->depth[a] - d->depth[b]);
	if (a == b)
		return a;
	for (k = d->lg; k-- > 0;)
		if (UP(d, k, a) != UP(d, k, b)) {
			a = UP(d, k, a);
			b = UP(d, k, b);
		}
	return UP(d, 0, a);
}

/* Is a on the tree path from x up (x included)? */
static int
on_path(const struct opt_dom *d, u_int a, u_int x)
{
	if (d->top[a] || d->depth[a] > d->depth[x])
		return a == x;
	return lift(d, x, d->depth[x] - d->depth[a]) == a;
}

/* Compute D(x) and whatever it needs, predecessors before successors. */
static void
ensure(struct opt_state *os, u_int x)
{
	struct opt_dom *d = os->dom;
	u_int sp = 0, root = os->ic->root->id;

	if (is_valid(d, x))
		return;
	d->work[sp] = x;
	d->witer[sp++] = d->head[x];
	while (sp > 0) {
		u_int y = d->work[sp - 1], s, acc = NONE, k;

		/* first make every earlier predecessor valid */
		for (s = d->witer[sp - 1]; s != NONE; s = d->snext[s]) {
			u_int q = s / 2;

			if (d->pos[q] < d->pos[y] && !is_valid(d, q))
				break;
		}
		d->witer[sp - 1] = s;
		if (s != NONE) {
			u_int q = s / 2;

			d->work[sp] = q;
			d->witer[sp++] = d->head[q];
			continue;
		}
		sp--;
		if (y == root) {
			d->top[y] = 0;
			d->depth[y] = 0;
		} else {
			for (s = d->head[y]; s != NONE; s = d->snext[s]) {
				u_int q = s / 2;

				if (d->pos[q] >= d->pos[y] || d->top[q])
					continue;
				acc = acc == NONE ? q : lca(d, acc, q);
			}
			d->top[y] = acc == NONE;
			d->depth[y] = acc == NONE ? 0 : d->depth[acc] + 1;
		}
		UP(d, 0, y) = acc;
		for (k = 1; k < d->lg; k++) {
			u_int m = UP(d, k - 1, y);

			UP(d, k, y) = m == NONE ? NONE : UP(d, k - 1, m);
		}
		d->stamp[y] = d->changes;
	}
}

int
opt_dominates(struct opt_state *os, struct block *b, struct block *x)
{
	struct opt_dom *d = os->dom;
	u_int bi = b->id, xi = x->id, s;

	if (d->pos[xi] == NONE)
		/* never swept: libpcap's set is still "everything" */
		return 1;
	ensure(os, xi);
	if (!d->top[xi]) {
		if (d->memo_b == bi && UP(d, 0, xi) == d->memo_conf)
			;	/* D(x) = {x} + D(parent), which holds b */
		else if (!(bi == xi || on_path(d, bi, xi)))
			return 0;
		d->memo_b = bi;
		d->memo_conf = xi;
	}
	for (s = d->head[xi]; s != NONE; s = d->snext[s]) {
		u_int q = s / 2;

		if (d->pos[q] <= d->pos[xi])
			continue;
		/* a later predecessor narrowed x after its turn */
		ensure(os, q);
		if (!d->top[q] && !(bi == q || on_path(d, bi, q)))
			return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------------
 * Edge dominators.
 * --------------------------------------------------------------------- */

#define EUP(d, k, e)	((d)->eup[(size_t)(e) * (d)->lg + (k)])

static u_int
elca(const struct opt_dom *d, u_int a, u_int b)
{
	u_int k, by;

	if (d->edepth[a] < d->edepth[b]) {
		u_int t = a;

		a = b;
		b = t;
	}
	for (k = 0, by = d->edepth[a] - d->edepth[b]; by != 0; k++, by >>= 1)
		if (by & 1)
			a = EUP(d, k, a);
	if (a == b)
		return a;
	for (k = d->lg; k-- > 0;)
		if (EUP(d, k, a) != EUP(d, k, b)) {
			a = EUP(d, k, a);
			b = EUP(d, k, b);
		}
	return EUP(d, 0, a);
}

void
opt_find_edom(struct opt_state *os)
{
	struct opt_dom *d = os->dom;
	struct block *root = os->ic->root, *b;
	u_int i;
	int level;

	for (i = 0; i < d->n; i++)
		d->acc[i] = UNSET;
	for (level = root->level; level >= 0; --level)
		for (b = os->levels[level]; b != NULL; b = b->link) {
			u_int parent = b == root || d->acc[b->id] == UNSET ?
			    NONE : d->acc[b->id];
			int w;

			for (w = 0; w < 2; w++) {
				struct edge *e = w ? &b->ef : &b->et;
				u_int k;

				EUP(d, 0, e->id) = parent;
				d->edepth[e->id] = parent == NONE ? 0 :
				    d->edepth[parent] + 1;
				for (k = 1; k < d->lg; k++) {
					u_int m = EUP(d, k - 1, e->id);

					EUP(d, k, e->id) = m == NONE ? NONE :
					    EUP(d, k - 1, m);
				}
				if (e->succ == NULL)
					continue;
				/* NONE: the in-edges share no dominator */
				i = e->succ->id;
				if (d->acc[i] == UNSET)
					d->acc[i] = e->id;
				else if (d->acc[i] != NONE)
					d->acc[i] = elca(d, d->acc[i], e->id);
			}
		}
}

static u_int
key_hash(int code, bpf_u_int32 aval, u_int extra)
{
	u_int h = (u_int)code * 0x9e3779b1u ^ aval * 0x85ebca6bu ^
	    extra * 0xc2b2ae35u;

	return h ^ (h >> 15) ^ (h >> 27);
}

void
opt_edom_prepare(struct opt_state *os)
{
	struct opt_dom *d = os->dom;
	int level;
	struct block *b;
	u_int i;

	memset(d->kh, 0xff, ((size_t)d->kmask + 1) * sizeof(*d->kh));
	for (i = 0; i <= d->mmask; i++)
		d->memo[i].node = NONE;
	d->mused = 0;
	for (level = os->ic->root->level; level >= 0; --level)
		for (b = os->levels[level]; b != NULL; b = b->link) {
			int w;

			for (w = 0; w < 2; w++) {
				struct edge *e = w ? &b->ef : &b->et;
				struct epack *p = &d->ep[e->id];
				u_int h;

				p->up = EUP(d, 0, e->id);
				p->code = e->code;
				p->aval = b->val[CC_A_ATOM];
				p->oval = b->oval;
				h = key_hash(p->code, p->aval, (u_int)p->oval) &
				    d->kmask;
				d->kn[e->id] = d->kh[h];
				d->kh[h] = e->id;
			}
		}
}

/* Is edge a on the tree path from edge x up (x included)? */
static int
e_on_path(const struct opt_dom *d, u_int a, u_int x)
{
	u_int k, by;

	if (d->edepth[a] > d->edepth[x])
		return 0;
	for (k = 0, by = d->edepth[x] - d->edepth[a]; by != 0; k++, by >>= 1)
		if (by & 1)
			x = EUP(d, k, x);
	return x == a;
}

/* The smallest id among ep and the edges above it with exactly this
   opcode (with sign), A and operand; NONE if none.  *cost counts the
   edges looked at, against the budget of a plain scan. */
static u_int
first_exact(const struct opt_dom *d, u_int x, int code, bpf_u_int32 aval,
    int oval, u_int best)
{
	u_int e = d->kh[key_hash(code, aval, (u_int)oval) & d->kmask];

	for (; e != NONE; e = d->kn[e]) {
		const struct epack *p = &d->ep[e];

		if (e < best && p->code == code && p->aval == aval &&
		    p->oval == oval && e_on_path(d, e, x))
			best = e;
	}
	return best;
}

static struct memo *
memo_slot(struct opt_dom *d, u_int node, int code, bpf_u_int32 aval)
{
	u_int h = key_hash(code, aval, node) & d->mmask;

	for (;; h = (h + 1) & d->mmask) {
		struct memo *m = &d->memo[h];

		if (m->node == NONE ||
		    (m->node == node && m->code == code && m->aval == aval))
			return m;
	}
}

/*
 * The smallest id among x and the edges above it whose opcode (true
 * sense) and A are code and aval, memoized per (code, A, edge) so that
 * each is computed once a pass.  Returns 0 if the memo is too full (the
 * caller then scans).
 */
static int
min_above(struct opt_dom *d, u_int x, int code, bpf_u_int32 aval, u_int *res)
{
	u_int n = 0, v = NONE, e;

	for (e = x; e != NONE; e = d->ep[e].up) {
		struct memo *m = memo_slot(d, e, code, aval);

		if (m->node != NONE) {
			v = m->val;
			break;
		}
		d->path[n++] = e;
	}
	if (d->mused + n > d->mmask / 2)
		return 0;
	while (n > 0) {
		struct memo *m;

		e = d->path[--n];
		if (d->ep[e].code == code && d->ep[e].aval == aval && e < v)
			v = e;
		m = memo_slot(d, e, code, aval);
		m->node = e;
		m->code = code;
		m->aval = aval;
		m->val = v;
		d->mused++;
	}
	*res = v;
	return 1;
}

/* The plain scan of ep's edge-dominator set. */
static u_int
scan_chain(const struct opt_dom *d, u_int e, struct block *child, int ok_t,
    int ok_f)
{
	int code = child->s.code;
	bpf_u_int32 aval = child->val[CC_A_ATOM];
	u_int best = NONE;

	for (; e != NONE; e = d->ep[e].up) {
		const struct epack *p = &d->ep[e];
		int ok;

		if (e >= best || p->aval != aval ||
		    (p->code != code && p->code != -code))
			continue;
		if (p->oval == child->oval)
			ok = p->code > 0 ? ok_t : ok_f;
		else
			ok = p->code == (BPF_JMP | BPF_JEQ | BPF_K) && ok_f;
		if (ok)
			best = e;
	}
	return best;
}

/*
 * An edge k decides child when it has child's opcode and A and either
 * the same operand (true edge: ok_t, false edge: ok_f) or, for a true
 * "jeq #k" edge, any other operand (A is then another constant: ok_f).
 * Long sets are not scanned: the same-operand edges are found by their
 * key and tested for being above ep, the true "jeq" edges by the memo.
 */
u_int
opt_edom_first(struct opt_state *os, struct edge *ep, struct block *child,
    int ok_t, int ok_f)
{
	struct opt_dom *d = os->dom;
	int code = child->s.code;
	bpf_u_int32 aval = child->val[CC_A_ATOM];
	u_int best = NONE, m;

	if (d->edepth[ep->id] < 32)
		return scan_chain(d, ep->id, child, ok_t, ok_f);
	if (code == (BPF_JMP | BPF_JEQ | BPF_K) && ok_f) {
		if (!ok_t || !min_above(d, ep->id, code, aval, &m))
			return scan_chain(d, ep->id, child, ok_t, ok_f);
		best = m;
	} else if (ok_t)
		best = first_exact(d, ep->id, code, aval, child->oval, best);
	if (ok_f)
		best = first_exact(d, ep->id, -code, aval, child->oval, best);
	return best;
}
