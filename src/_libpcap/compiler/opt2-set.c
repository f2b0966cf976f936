/*
 * opt2-set.c - level 2, step 2: runs of equality tests as searches.
 *
 * A run is a chain of "v == k" tests, each continuing to the next when it
 * fails, all jumping to the same node when one succeeds: "port 1 or 2 or
 * 3" after step 1 is such a run over the source and destination ports.
 * The tests of a run have no effect of their own (every load in them was
 * guarded before the run began, and values that divide by a non-constant
 * are left out), so their order does not matter: the run is regrouped by
 * value (in the order of value ids), and each value's keys, sorted and
 * merged into ranges, become a
 * binary search (a "v > k" split per level, a few tests at the leaves).
 */
#include <stdlib.h>
#include <string.h>

#include "opt2-int.h"

struct key {
	int v;			/* value id */
	int order;		/* its group: the value id */
	uint32_t k;
};

struct range {
	uint32_t lo, hi;
};

enum { UNSEEN, PLAIN, RUN };

struct sets {
	struct o2 *o;
	int nn;			/* nodes of the graph before rewriting */
	int *memo;		/* node id -> rewritten id */
	uint8_t *kind;		/* UNSEEN, PLAIN or RUN */
	int *end;		/* RUN: the node after the run */
	int *stamp;		/* per value: last scan that saw it */
	int scan;
	struct key *keys;
	int nkeys, capkeys;
	struct range *rs;
	int caprs;
};

static int
grow(struct sets *s, void **p, int *cap, int n, size_t size)
{
	if (n > *cap) {
		int nc = *cap ? *cap : 256;
		void *np;

		while (nc < n)
			nc *= 2;
		np = realloc(*p, (size_t)nc * size);
		if (np == NULL) {
			s->o->failed = 1;
			return -1;
		}
		*p = np;
		*cap = nc;
	}
	return 0;
}

static int
cmp_key(const void *x, const void *y)
{
	const struct key *a = x, *b = y;

	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	if (a->k != b->k)
		return a->k < b->k ? -1 : 1;
	return 0;
}

/* Node n continues a run whose tests jump to t. */
static int
in_run(const struct o2 *o, int n, int t)
{
	const struct o2_node *x = &o->node[n];

	return x->kind == N_TEST && x->op == BPF_JEQ && x->b < 0 &&
	    x->t == t && !o->val[x->a].impure;
}

/* PLAIN or RUN for node n (a run: some value tested twice in it). */
static int
classify(struct sets *s, int n)
{
	struct o2 *o = s->o;
	int t, cur, repeated = 0;

	if (s->kind[n] != UNSEEN)
		return s->kind[n];
	t = o->node[n].t;
	if (!in_run(o, n, t)) {
		s->kind[n] = PLAIN;
		return PLAIN;
	}
	s->scan++;
	for (cur = n; in_run(o, cur, t); cur = o->node[cur].f) {
		int v = o->node[cur].a;

		if (s->stamp[v] == s->scan)
			repeated = 1;
		s->stamp[v] = s->scan;
	}
	if (!repeated) {
		/* No suffix of this run repeats a value either. */
		for (cur = n; in_run(o, cur, t); cur = o->node[cur].f)
			s->kind[cur] = PLAIN;
		return PLAIN;
	}
	s->kind[n] = RUN;
	s->end[n] = cur;
	return RUN;
}

/* "A in rs[0..n)": t, else f.  The tests name no value, so that the same
   keys with the same targets are one piece of code whatever A holds. */
static int
search(struct o2 *o, const struct range *rs, int n, int t, int f)
{
	int i, mid, hi_half, lo_half;

	if (n <= O2_LEAF) {
		for (i = n - 1; i >= 0 && f >= 0; i--) {
			if (rs[i].lo == rs[i].hi)
				f = o2_node(o, N_TEST, BPF_JEQ, rs[i].lo, -1, -1,
				    t, f);
			else if (rs[i].hi == 0xffffffffu)
				f = o2_node(o, N_TEST, BPF_JGE, rs[i].lo, -1, -1,
				    t, f);
			else
				f = o2_node(o, N_TEST, BPF_JGE, rs[i].lo, -1, -1,
				    o2_node(o, N_TEST, BPF_JGT, rs[i].hi, -1, -1,
				    f, t), f);
		}
		return f;
	}
	/* Depth is log2 of the key count: recursion is fine here.  The split
	   falls on a multiple of O2_LEAF so that the leaves are full. */
	{
		int leaves = (n + O2_LEAF - 1) / O2_LEAF;

		mid = (leaves + 1) / 2 * O2_LEAF;
		if (mid >= n)
			mid = n / 2;
	}
	hi_half = search(o, rs + mid, n - mid, t, f);
	lo_half = search(o, rs, mid, t, f);
	if (hi_half < 0 || lo_half < 0)
		return -1;
	return o2_node(o, N_TEST, BPF_JGT, rs[mid - 1].hi, -1, -1, hi_half,
	    lo_half);
}

/* The run that starts at node n, as searches; t and next are the
   rewritten success and failure targets. */
static int
rewrite_run(struct sets *s, int n, int t, int next)
{
	struct o2 *o = s->o;
	int run_t = o->node[n].t, cur, i, j, nr;

	s->nkeys = 0;
	s->scan++;
	for (cur = n; in_run(o, cur, run_t); cur = o->node[cur].f) {
		struct key *k;
		int v = o->node[cur].a;

		if (grow(s, (void **)&s->keys, &s->capkeys, s->nkeys + 1,
		    sizeof(*s->keys)) < 0)
			return -1;
		k = &s->keys[s->nkeys++];
		k->v = v;
		k->k = o->node[cur].k;
		/* Groups in the order of value ids, which is the order the
		   program first computed them: then the last group of, e.g.,
		   the IPv4 and the IPv6 part of a port list is the same
		   search with the same targets, shared. */
		k->order = v;
	}
	qsort(s->keys, (size_t)s->nkeys, sizeof(*s->keys), cmp_key);
	if (grow(s, (void **)&s->rs, &s->caprs, s->nkeys, sizeof(*s->rs)) < 0)
		return -1;
	/* From the last value group to the first. */
	for (j = s->nkeys; j > 0; ) {
		int g = j;

		while (g > 0 && s->keys[g - 1].order == s->keys[j - 1].order)
			g--;
		nr = 0;
		for (i = g; i < j; i++) {
			uint32_t k = s->keys[i].k;

			if (nr > 0 && (s->rs[nr - 1].hi == k ||
			    s->rs[nr - 1].hi + 1 == k))
				s->rs[nr - 1].hi = k;
			else {
				s->rs[nr].lo = s->rs[nr].hi = k;
				nr++;
			}
		}
		next = search(o, s->rs, nr, t, next);
		if (next < 0)
			return -1;
		next = o2_node(o, N_COMPUTE, 0, 0, s->keys[g].v, -1, next, -1);
		if (next < 0)
			return -1;
		j = g;
	}
	return next;
}

/* The children of n in the rewritten graph. */
static int
children(struct sets *s, int n, int out[2])
{
	const struct o2_node *x = &s->o->node[n];

	switch (x->kind) {
	case N_TEST:
		out[0] = x->t;
		out[1] = classify(s, n) == RUN ? s->end[n] : x->f;
		return 2;
	case N_GUARD:
		out[0] = x->t;
		return 1;
	default:
		return 0;
	}
}

int
o2_sets(struct o2 *o, int root)
{
	struct sets s;
	int *stack = NULL, *state = NULL, sp = 0, result = -1, i;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.nn = o->nnode;
	s.memo = malloc((size_t)s.nn * sizeof(int));
	s.kind = calloc((size_t)s.nn, 1);
	s.end = malloc((size_t)s.nn * sizeof(int));
	s.stamp = calloc((size_t)o->nval + 1, sizeof(int));
	/* each node is expanded once and pushes at most two */
	stack = malloc((2 * (size_t)s.nn + 1) * sizeof(int));
	state = calloc((size_t)s.nn, sizeof(int));
	if (s.memo == NULL || s.kind == NULL || s.end == NULL ||
	    s.stamp == NULL || stack == NULL || state == NULL) {
		o->failed = 1;
		goto out;
	}
	/* Postorder over the rewritten graph's edges, iteratively; state:
	   0 new, 1 children being visited, 2 done. */
	stack[sp++] = root;
	while (sp > 0 && !o->failed) {
		int n = stack[sp - 1], ch[2], nc;

		if (state[n] == 2) {
			sp--;
			continue;
		}
		nc = children(&s, n, ch);
		if (state[n] == 0) {
			state[n] = 1;
			for (i = nc - 1; i >= 0; i--)
				if (state[ch[i]] == 0)
					stack[sp++] = ch[i];
			continue;
		}
		/* All children are done: rewrite n. */
		state[n] = 2;
		sp--;
		{
			const struct o2_node x = o->node[n];

			switch (x.kind) {
			case N_TEST:
				if (s.kind[n] == RUN)
					s.memo[n] = rewrite_run(&s, n,
					    s.memo[ch[0]], s.memo[ch[1]]);
				else
					s.memo[n] = o2_node(o, N_TEST, x.op, x.k,
					    x.a, x.b, s.memo[x.t], s.memo[x.f]);
				break;
			case N_GUARD:
				s.memo[n] = o2_node(o, N_GUARD, 0, 0, x.a, -1,
				    s.memo[x.t], -1);
				break;
			default:
				s.memo[n] = n;
			}
			if (s.memo[n] < 0)
				o->failed = 1;
		}
	}
	if (!o->failed)
		result = s.memo[root];
out:
	free(stack);
	free(state);
	free(s.memo);
	free(s.kind);
	free(s.end);
	free(s.stamp);
	free(s.keys);
	free(s.rs);
	return result;
}
