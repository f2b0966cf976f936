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
 * or before a block's position.  Trees keep a parent and a jump pointer
 * per node, for ancestor tests and common ancestors in O(log depth).  The
 * pull-up walks' questions are also answered by stretches ("runs"), and
 * the answers for one b are remembered until the graph changes.
 *
 * Edge dominators are computed once per pass over a fresh (topological)
 * order, where they are exact: the set of an edge is the edge and the
 * path above it in a tree whose parent of both exits of b is the nearest
 * common ancestor of b's incoming edges.  Branch threading wants the
 * smallest edge id in such a set that decides a test; it scans the set
 * when it is short and otherwise looks the candidates up by key.
 */
#include <string.h>

#include "opt-int.h"

#define NONE		0xffffffffU
#define NEVER		0xffffffffU
#define UNSET		0xfffffffeU	/* no incoming edge seen yet */

/* A node of a tree kept as parent, jump pointer and depth. */
struct tnode {
	u_int par, jmp, depth;
};

struct bnode {
	u_int pos;		/* position in pi, NONE if not in this pass */
	u_int stamp;		/* change count when D was computed, NEVER */
	u_int head;		/* first slot pointing at the block */
	u_int yes, no;		/* D known to hold / not to hold memo_b, when
				   equal to the memo generation */
	u_char top;		/* D is "everything" */
};

struct opt_dom {
	u_int n;		/* block ids 0..n-1; edge ids 0..2n-1 */

	/* ---- block dominators ---- */
	struct bnode *bn;	/* per block */
	struct tnode *bt;	/* per block: its place in the D tree */
	/* Incoming edges of each block in the graph being swept, as doubly
	   linked lists of "slots" (slot 2*id is id's JT, 2*id+1 its JF);
	   the list heads are in bn[]. */
	u_int *snext, *sprev;
	u_int *starget;		/* block the slot is linked under, NONE */
	u_int changes;		/* change count */
	u_int *log_epoch, *log_pos, log_n;	/* monotone change log */
	int pullups;		/* pull-ups this pass */
	u_int *work, *witer;	/* explicit stack for on-demand values */
	/* Answers about whether D(y) holds memo_b, kept while b and the
	   graph stay the same (a chain walk asks about successive blocks
	   whose parents were asked about just before). */
	u_int memo_b, memo_gen;
	/* Runs along JF (0) / JT (1) chains, see opt_dom_run_end; valid
	   while "changes" equals their epoch. */
	u_int *run_end[2], *run_epoch[2];

	/* ---- edge dominators ---- */
	struct tnode *et;	/* per edge: its place in the edge tree */
	u_int *acc;		/* per block: common ancestor of in-edges */
	struct epack *ep;	/* per edge, for the scans of opt_j */
	/* Edges by (opcode with sign, A, operand): bucket heads, chains. */
	u_int *kh, *kn, *kc, kmask;	/* kc: edges per bucket */
	/* Memo of "smallest id of a true edge with this (opcode, A) at or
	   above this edge": open addressing, cleared each pass. */
	struct memo *memo;
	u_int mmask, mused, mgen;
	u_int *path;		/* scratch: a walk up the tree */
};

struct memo {
	u_int gen;		/* in use if equal to the pass's mgen */
	u_int node;
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
uints(struct opt_state *os, size_t n)
{
	return opt_calloc(os, n, sizeof(u_int));
}

void
opt_dom_init(struct opt_state *os)
{
	struct opt_dom *d = cc_alloc(os->cc, sizeof(*d));
	u_int n = os->n_blocks;

	d->n = n;
	d->bn = opt_calloc(os, (size_t)n + 1, sizeof(*d->bn));
	d->bt = opt_calloc(os, (size_t)n + 1, sizeof(*d->bt));
	d->snext = uints(os, 2 * (size_t)n);
	d->sprev = uints(os, 2 * (size_t)n);
	d->starget = uints(os, 2 * (size_t)n);
	d->log_epoch = uints(os, (size_t)n + 1);
	d->log_pos = uints(os, (size_t)n + 1);
	d->work = uints(os, n);
	d->witer = uints(os, n);
	d->et = opt_calloc(os, 2 * (size_t)n + 1, sizeof(*d->et));
	d->acc = uints(os, n);
	d->ep = opt_calloc(os, 2 * (size_t)n + 1, sizeof(*d->ep));
	for (d->kmask = 63; d->kmask < 2 * n; d->kmask = 2 * d->kmask + 1)
		;
	d->kh = uints(os, (size_t)d->kmask + 1);
	d->kn = uints(os, 2 * (size_t)n);
	d->kc = uints(os, (size_t)d->kmask + 1);
	d->run_end[0] = uints(os, n);
	d->run_end[1] = uints(os, n);
	d->run_epoch[0] = uints(os, n);
	d->run_epoch[1] = uints(os, n);
	for (d->mmask = 63; d->mmask < 4 * n; d->mmask = 2 * d->mmask + 1)
		;
	d->memo = opt_calloc(os, (size_t)d->mmask + 1, sizeof(*d->memo));
	d->path = uints(os, 2 * (size_t)n + 1);
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
		d->bn[t].head = d->snext[s];
	if (d->snext[s] != NONE)
		d->sprev[d->snext[s]] = d->sprev[s];
	d->starget[s] = NONE;
}

static void
slot_link(struct opt_dom *d, u_int s, u_int t)
{
	d->starget[s] = t;
	d->sprev[s] = NONE;
	d->snext[s] = d->bn[t].head;
	if (d->bn[t].head != NONE)
		d->sprev[d->bn[t].head] = s;
	d->bn[t].head = s;
}

/* A change of the graph at pi position c (values at or after it go). */
static void
note_change(struct opt_dom *d, u_int c)
{
	d->memo_b = NONE;
	d->memo_gen++;
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
		d->bn[i].head = NONE;
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
		d->bn[i].pos = NONE;
		d->bn[i].stamp = NEVER;
	}
	for (level = os->ic->root->level; level >= 0; --level)
		for (b = os->levels[level]; b != NULL; b = b->link)
			d->bn[b->id].pos = p++;
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

		if (d->bn[b->id].pos == NONE || JT(b) == NULL)
			continue;
		for (w = 0; w < 2; w++) {
			u_int s = 2 * b->id + (u_int)w;
			u_int now = (w ? JF(b) : JT(b))->id;
			u_int old = d->starget[s];

			if (old == now)
				continue;
			if (old != NONE && d->bn[old].pos < c)
				c = d->bn[old].pos;
			if (d->bn[now].pos < c)
				c = d->bn[now].pos;
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
	u_int t = d->bn[x].stamp, lo = 0, hi = d->log_n;

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
	return lo == d->log_n || d->log_pos[lo] > d->bn[x].pos;
}

/*
 * Block-dominator trees change all the time, so instead of lifting tables
 * each block keeps its parent and one "jump" pointer (Myers' skew-binary
 * scheme): set in O(1), and any ancestor is reached in O(log depth).
 * The depth a jump lands on depends only on the depth it starts from.
 */
static void
set_parent(struct tnode *t, u_int x, u_int p)
{
	t[x].par = p;
	if (p == NONE) {
		t[x].jmp = x;
		t[x].depth = 0;
		return;
	}
	t[x].depth = t[p].depth + 1;
	if (t[p].depth - t[t[p].jmp].depth ==
	    t[t[p].jmp].depth - t[t[t[p].jmp].jmp].depth)
		t[x].jmp = t[t[p].jmp].jmp;
	else
		t[x].jmp = p;
}

/* The ancestor of x at depth d (d <= depth of x). */
static u_int
ancestor_at(const struct tnode *t, u_int x, u_int d)
{
	while (t[x].depth > d)
		x = t[t[x].jmp].depth >= d ? t[x].jmp : t[x].par;
	return x;
}

/* Nearest common ancestor; NONE if a and b are in different trees. */
static u_int
lca(const struct tnode *t, u_int a, u_int b)
{
	if (t[a].depth > t[b].depth)
		a = ancestor_at(t, a, t[b].depth);
	else if (t[b].depth > t[a].depth)
		b = ancestor_at(t, b, t[a].depth);
	while (a != b) {
		if (t[a].depth == 0)
			return NONE;	/* two roots */
		if (t[a].jmp != t[b].jmp) {
			a = t[a].jmp;
			b = t[b].jmp;
		} else {
			a = t[a].par;
			b = t[b].par;
		}
	}
	return a;
}

/* Is a on the tree path from x up (x included)? */
static int
t_on_path(const struct tnode *t, u_int a, u_int x)
{
	return t[a].depth <= t[x].depth && ancestor_at(t, x, t[a].depth) == a;
}

/* Is a on the tree path from x up (x included)? */
static int
on_path(const struct opt_dom *d, u_int a, u_int x)
{
	if (d->bn[a].top)
		return a == x;
	return t_on_path(d->bt, a, x);
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
	d->witer[sp++] = d->bn[x].head;
	while (sp > 0) {
		u_int y = d->work[sp - 1], s, acc = NONE;

		/* first make every earlier predecessor valid */
		for (s = d->witer[sp - 1]; s != NONE; s = d->snext[s]) {
			u_int q = s / 2;

			if (d->bn[q].pos < d->bn[y].pos && !is_valid(d, q))
				break;
		}
		d->witer[sp - 1] = s;
		if (s != NONE) {
			u_int q = s / 2;

			d->work[sp] = q;
			d->witer[sp++] = d->bn[q].head;
			continue;
		}
		sp--;
		if (y != root)
			for (s = d->bn[y].head; s != NONE; s = d->snext[s]) {
				u_int q = s / 2;

				if (d->bn[q].pos >= d->bn[y].pos || d->bn[q].top)
					continue;
				acc = acc == NONE ? q : lca(d->bt, acc, q);
			}
		d->bn[y].top = y != root && acc == NONE;
		set_parent(d->bt, y, acc);
		d->bn[y].stamp = d->changes;
	}
}

/* Does D(y) hold block bi (y computed, not TOP)? */
static int
d_holds(struct opt_dom *d, u_int bi, u_int y)
{
	struct bnode *n = &d->bn[y];
	u_int p = d->bt[y].par;
	int r;

	if (n->yes == d->memo_gen)
		return 1;
	if (n->no == d->memo_gen)
		return 0;
	/* D(y) = {y} + D(parent) */
	if (y == bi || (p != NONE && d->bn[p].yes == d->memo_gen))
		r = 1;
	else if (p != NONE && d->bn[p].no == d->memo_gen)
		r = 0;
	else
		r = on_path(d, bi, y);
	if (r)
		n->yes = d->memo_gen;
	else
		n->no = d->memo_gen;
	return r;
}

int
opt_dominates(struct opt_state *os, struct block *b, struct block *x)
{
	struct opt_dom *d = os->dom;
	u_int bi = b->id, xi = x->id, s;

	if (d->bn[xi].pos == NONE)
		/* never swept: libpcap's set is still "everything" */
		return 1;
	if (d->memo_b != bi) {
		d->memo_b = bi;
		d->memo_gen++;
	}
	ensure(os, xi);
	if (!d->bn[xi].top && !d_holds(d, bi, xi))
		return 0;
	for (s = d->bn[xi].head; s != NONE; s = d->snext[s]) {
		u_int q = s / 2;

		if (d->bn[q].pos <= d->bn[xi].pos)
			continue;
		/* a later predecessor narrowed x after its turn */
		ensure(os, q);
		if (!d->bn[q].top && !d_holds(d, bi, q))
			return 0;
	}
	return 1;
}

/*
 * The pull-up walks go down long chains of tests (along JF for or, JT for
 * and) asking the same three things of each: the same other exit, the
 * same A, and "b dominates it".  A run is a stretch of such a chain where
 * each block after the first has the first one's other exit and A, the
 * previous block as its parent in the D tree, and no later predecessor:
 * whatever b dominates the first one dominates them all.  Runs are
 * remembered until the graph changes.  Returns the last block of y's run.
 */
struct block *
opt_dom_run_end(struct opt_state *os, struct block *y, int along_true)
{
	struct opt_dom *d = os->dom;
	u_int *end = d->run_end[along_true], *ep = d->run_epoch[along_true];
	struct block *z = y, *other = along_true ? JF(y) : JT(y);
	bpf_u_int32 aval = y->val[CC_A_ATOM];
	u_int n = 0, last, s;

	if (d->bn[y->id].pos == NONE)
		return y;
	for (;;) {
		struct block *next = along_true ? JT(z) : JF(z);

		if (ep[z->id] == d->changes) {
			last = end[z->id];	/* the rest is known */
			break;
		}
		d->path[n++] = z->id;
		last = z->id;
		if (next == NULL || d->bn[next->id].pos == NONE ||
		    (along_true ? JF(next) : JT(next)) != other ||
		    next->val[CC_A_ATOM] != aval)
			break;
		ensure(os, next->id);
		if (d->bn[next->id].top || d->bt[next->id].par != z->id)
			break;
		for (s = d->bn[next->id].head; s != NONE; s = d->snext[s])
			if (d->bn[s / 2].pos > d->bn[next->id].pos)
				break;
		if (s != NONE)
			break;		/* a later predecessor */
		z = next;
	}
	while (n > 0) {
		u_int x = d->path[--n];

		end[x] = last;
		ep[x] = d->changes;
	}
	return os->blocks[last];
}

/* ------------------------------------------------------------------------
 * Edge dominators.
 * --------------------------------------------------------------------- */

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

				set_parent(d->et, e->id, parent);
				if (e->succ == NULL)
					continue;
				/* NONE: the in-edges share no dominator */
				i = e->succ->id;
				if (d->acc[i] == UNSET)
					d->acc[i] = e->id;
				else if (d->acc[i] != NONE)
					d->acc[i] = lca(d->et, d->acc[i], e->id);
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

	memset(d->kh, 0xff, ((size_t)d->kmask + 1) * sizeof(*d->kh));
	memset(d->kc, 0, ((size_t)d->kmask + 1) * sizeof(*d->kc));
	d->mgen++;		/* empties the memo */
	d->mused = 0;
	for (level = os->ic->root->level; level >= 0; --level)
		for (b = os->levels[level]; b != NULL; b = b->link) {
			int w;

			for (w = 0; w < 2; w++) {
				struct edge *e = w ? &b->ef : &b->et;
				struct epack *p = &d->ep[e->id];
				u_int h;

				p->up = d->et[e->id].par;
				p->code = e->code;
				p->aval = b->val[CC_A_ATOM];
				p->oval = b->oval;
				h = key_hash(p->code, p->aval, (u_int)p->oval) &
				    d->kmask;
				d->kn[e->id] = d->kh[h];
				d->kh[h] = e->id;
				d->kc[h]++;
			}
		}
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
		    p->oval == oval && t_on_path(d->et, e, x))
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

		if (m->gen != d->mgen ||
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

		if (m->gen == d->mgen) {
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
		m->gen = d->mgen;
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
	u_int best = NONE, m, depth = d->et[ep->id].depth, cost = 0;

	/* looking up an edge by key costs about 8 steps up the set */
	if (ok_t)
		cost += d->kc[key_hash(code, aval, (u_int)child->oval) &
		    d->kmask];
	if (ok_f)
		cost += d->kc[key_hash(-code, aval, (u_int)child->oval) &
		    d->kmask];
	if (depth < 32 || cost * 8 > depth)
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
