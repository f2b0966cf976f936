/*
 * opt2-emit.c - level 2, step 3: the decision graph as a BPF program.
 *
 * Nodes are laid out in reverse postorder of a walk that enters the true
 * successor first, so a node's false successor tends to follow it (offset
 * 0).  Each node's code computes what its test needs into A (and X), from
 * what the two registers hold on entry: a register keeps its value into a
 * node only if every predecessor leaves the same value in it.  Values
 * that need both registers go through the scratch words.  Branches too far
 * for 8-bit offsets get an unconditional jump right after the node, and
 * the layout is redone until every offset fits.
 */
#include <stdlib.h>
#include <string.h>

#include "opt2-int.h"

struct em {
	struct o2 *o;
	struct bpf_insn *code;	/* every node's code, back to back */
	int ncode, capcode;
	int A, X;		/* value ids held, -1 unknown */
	int scratch;		/* scratch words in use */
};

static int
put(struct em *e, int code, uint32_t k)
{
	if (e->ncode >= e->capcode) {
		int nc = e->capcode ? e->capcode * 2 : 1024;
		struct bpf_insn *n = realloc(e->code, (size_t)nc * sizeof(*n));

		if (n == NULL) {
			e->o->failed = 1;
			return -1;
		}
		e->code = n;
		e->capcode = nc;
	}
	e->code[e->ncode].code = (u_short)code;
	e->code[e->ncode].jt = 0;
	e->code[e->ncode].jf = 0;
	e->code[e->ncode].k = k;
	e->ncode++;
	return 0;
}

static int
size_bits(int size)
{
	return size == 4 ? BPF_W : size == 2 ? BPF_H : BPF_B;
}

/* Whether computing v into A may change X. */
static int
changes_x(const struct o2 *o, int v)
{
	const struct o2_val *x = &o->val[v];

	switch (x->kind) {
	case V_LOAD:
		return x->a != 0;
	case V_MSH:
		return 1;
	case V_NEG:
		return changes_x(o, x->a);
	case V_ALU:
		return o->val[x->b].kind != V_CONST || changes_x(o, x->a);
	default:
		return 0;
	}
}

/* Loadable into X without going through A. */
static int
simple_x(const struct o2 *o, int v)
{
	int k = o->val[v].kind;

	return k == V_CONST || k == V_LEN || k == V_MSH;
}

static int compute_a(struct em *e, int v);

static int
compute_x(struct em *e, int v)
{
	const struct o2_val *x = &e->o->val[v];
	int r = 0;

	if (e->X == v)
		return 0;
	switch (x->kind) {
	case V_CONST:
		r = put(e, BPF_LDX | BPF_IMM, x->k);
		break;
	case V_LEN:
		r = put(e, BPF_LDX | BPF_W | BPF_LEN, 0);
		break;
	case V_MSH:
		r = put(e, BPF_LDX | BPF_B | BPF_MSH, x->k);
		break;
	default:
		if (compute_a(e, v) < 0 || put(e, BPF_MISC | BPF_TAX, 0) < 0)
			return -1;
	}
	e->X = v;
	return r;
}

/* A op= b (or op k): leaves A = a op b; with both registers busy the
   second operand waits in a scratch word. */
static int
binary_into_a(struct em *e, int a, int b, int *use_x)
{
	struct o2 *o = e->o;

	*use_x = 0;
	if (b < 0 || o->val[b].kind == V_CONST)
		return compute_a(e, a);
	*use_x = 1;
	if (simple_x(o, b))
		return compute_a(e, a) < 0 ? -1 : compute_x(e, b);
	if (e->X == b && (e->A == a || !changes_x(o, a)))
		return compute_a(e, a);
	if (e->scratch >= BPF_MEMWORDS) {
		o->failed = 1;
		return -1;
	}
	{
		int slot = e->scratch++;

		if (compute_a(e, b) < 0 || put(e, BPF_ST, (uint32_t)slot) < 0 ||
		    compute_a(e, a) < 0 ||
		    put(e, BPF_LDX | BPF_MEM, (uint32_t)slot) < 0)
			return -1;
		e->scratch--;
		e->X = b;
	}
	return 0;
}

static int
compute_a(struct em *e, int v)
{
	struct o2 *o = e->o;
	const struct o2_val x = o->val[v];
	int use_x;

	if (e->A == v)
		return 0;
	switch (x.kind) {
	case V_CONST:
		if (put(e, BPF_LD | BPF_IMM, x.k) < 0)
			return -1;
		break;
	case V_LEN:
		if (put(e, BPF_LD | BPF_W | BPF_LEN, 0) < 0)
			return -1;
		break;
	case V_AUX:
		if (put(e, BPF_LD | size_bits(x.size) | BPF_ABS, x.k) < 0)
			return -1;
		break;
	case V_LOAD:
		if (x.a == 0) {
			if (put(e, BPF_LD | size_bits(x.size) | BPF_ABS, x.k) < 0)
				return -1;
		} else if (compute_x(e, x.a) < 0 ||
		    put(e, BPF_LD | size_bits(x.size) | BPF_IND, x.k) < 0)
			return -1;
		break;
	case V_MSH:
		if (compute_x(e, v) < 0 || put(e, BPF_MISC | BPF_TXA, 0) < 0)
			return -1;
		break;
	case V_NEG:
		if (compute_a(e, x.a) < 0 || put(e, BPF_ALU | BPF_NEG, 0) < 0)
			return -1;
		break;
	case V_ALU:
		if (binary_into_a(e, x.a, x.b, &use_x) < 0)
			return -1;
		if (put(e, BPF_ALU | x.op | (use_x ? BPF_X : BPF_K),
		    use_x ? 0 : o->val[x.b].k) < 0)
			return -1;
		break;
	}
	e->A = v;
	return 0;
}

/* The load a guard stands for, made for real even if A or X held it. */
static int
guard_load(struct em *e, int v)
{
	const struct o2_val x = e->o->val[v];

	if (x.kind == V_MSH) {
		e->X = -1;
		return compute_x(e, v);
	}
	e->A = -1;
	return compute_a(e, v);
}

/* ---- layout --------------------------------------------------------------- */

struct lay {
	int n;			/* nodes in layout order */
	int *order;		/* order[i] = node id */
	int *idx;		/* node id -> layout index, -1 unreachable */
	int *start, *len;	/* code of order[i] in em.code */
	int *eA, *eX;		/* entry register state; -2 no predecessor yet */
	uint8_t *far_t, *far_f;	/* long jumps after order[i] */
	uint8_t *nisl;		/* islands after order[i] ... */
	int (*isl)[4];		/* ... copies of these return nodes */
	int *dest;		/* where each branch lands */
	int *near;		/* per node id, see sweep() */
	int *addr;
};

/* Reverse postorder from root, true successor entered first. */
static int
order_nodes(struct o2 *o, int root, struct lay *l)
{
	int *stack = malloc(((size_t)o->nnode + 1) * sizeof(int));
	uint8_t *st = calloc((size_t)o->nnode, 1);
	int sp = 0, n = 0, i;

	l->order = malloc(((size_t)o->nnode + 1) * sizeof(int));
	l->idx = malloc(((size_t)o->nnode + 1) * sizeof(int));
	if (stack == NULL || st == NULL || l->order == NULL || l->idx == NULL) {
		free(stack);
		free(st);
		o->failed = 1;
		return -1;
	}
	stack[sp++] = root;
	st[root] = 1;
	while (sp > 0) {
		int x = stack[sp - 1], c = -1;
		const struct o2_node *nd = &o->node[x];

		/* st: 1 entered, 2 true child done, 3 all done */
		if (st[x] == 1) {
			st[x] = 2;
			if (nd->kind == N_TEST || nd->kind == N_GUARD ||
			    nd->kind == N_COMPUTE)
				c = nd->t;
		} else if (st[x] == 2) {
			st[x] = 3;
			if (nd->kind == N_TEST)
				c = nd->f;
		} else {
			sp--;
			l->order[n++] = x;
			continue;
		}
		if (c >= 0 && st[c] == 0) {
			st[c] = 1;
			stack[sp++] = c;
		}
	}
	/* reverse */
	for (i = 0; i < n / 2; i++) {
		int t = l->order[i];

		l->order[i] = l->order[n - 1 - i];
		l->order[n - 1 - i] = t;
	}
	for (i = 0; i < o->nnode; i++)
		l->idx[i] = -1;
	for (i = 0; i < n; i++)
		l->idx[l->order[i]] = i;
	l->n = n;
	free(stack);
	free(st);
	return 0;
}

static void
flow_into(struct lay *l, int child_idx, int A, int X)
{
	if (l->eA[child_idx] == -2) {
		l->eA[child_idx] = A;
		l->eX[child_idx] = X;
		return;
	}
	if (l->eA[child_idx] != A)
		l->eA[child_idx] = -1;
	if (l->eX[child_idx] != X)
		l->eX[child_idx] = -1;
}

static int
gen_node(struct em *e, struct lay *l, int i)
{
	struct o2 *o = e->o;
	const struct o2_node nd = o->node[l->order[i]];
	int use_x;

	e->A = l->eA[i] == -2 ? -1 : l->eA[i];
	e->X = l->eX[i] == -2 ? -1 : l->eX[i];
	if (i == 0)
		e->A = e->X = 0;	/* both start at 0 */
	l->start[i] = e->ncode;
	switch (nd.kind) {
	case N_RET:
		if (put(e, BPF_RET | BPF_K, nd.k) < 0)
			return -1;
		break;
	case N_RETA:
		if (compute_a(e, nd.a) < 0 || put(e, BPF_RET | BPF_A, 0) < 0)
			return -1;
		break;
	case N_GUARD:
		if (guard_load(e, nd.a) < 0)
			return -1;
		flow_into(l, l->idx[nd.t], e->A, e->X);
		break;
	case N_COMPUTE:
		if (compute_a(e, nd.a) < 0)
			return -1;
		flow_into(l, l->idx[nd.t], e->A, e->X);
		break;
	case N_TEST:
		use_x = 0;
		if (nd.a >= 0 && binary_into_a(e, nd.a, nd.b, &use_x) < 0)
			return -1;
		if (put(e, BPF_JMP | nd.op | (use_x ? BPF_X : BPF_K),
		    use_x ? 0 : nd.k) < 0)
			return -1;
		flow_into(l, l->idx[nd.t], e->A, e->X);
		flow_into(l, l->idx[nd.f], e->A, e->X);
		break;
	}
	l->len[i] = e->ncode - l->start[i];
	return 0;
}

/* Islands: one-instruction copies placed after a test node, for its far
   branches and those of the nodes before it: "ret #k" for a branch to a
   return, "ja" for any other far target.  One island in reach serves
   every branch to that target within 255 instructions before it, where
   a long jump per branch would cost one instruction each. */
#define MAX_ISLANDS	4

/* Extra instructions after order[i]: its long jumps, or a jump to the
   successor of a guard or compute node when it is not next; then its
   islands. */
static int
tail(const struct o2 *o, const struct lay *l, int i)
{
	const struct o2_node *nd = &o->node[l->order[i]];

	if (nd->kind == N_GUARD || nd->kind == N_COMPUTE)
		return l->idx[nd->t] != i + 1;
	if (nd->kind == N_TEST)
		return l->far_t[i] + l->far_f[i] + l->nisl[i];
	return 0;
}

/* One backward sweep over the layout at the current addresses: where each
   branch of node i lands (dest[2 * i], dest[2 * i + 1]), islands counted.
   With fix set, branches out of reach get an island (or, with no room, a
   long jump of their own), and the return value says whether anything
   was added. */
static int
sweep(const struct o2 *o, struct lay *l, int fix)
{
	int i, j, added = 0;

	/* near[t]: the nearest copy of node t below the current node (nodes
	   are hash-consed, so one node stands for each "ret #k") */
	for (i = 0; i < l->n; i++)
		l->near[l->order[i]] = -1;
	for (i = l->n - 1; i >= 0; i--) {
		const struct o2_node *nd = &o->node[l->order[i]];
		int after = l->addr[i] + l->len[i];
		int isl = after + l->far_t[i] + l->far_f[i];

		l->near[l->order[i]] = l->addr[i];
		if (nd->kind != N_TEST)
			continue;
		for (j = 0; j < l->nisl[i]; j++)
			l->near[l->isl[i][j]] = isl + j;
		for (j = 0; j < 2; j++) {
			int t = j == 0 ? nd->t : nd->f, d = l->near[t];
			uint8_t *far = j == 0 ? &l->far_t[i] : &l->far_f[i];

			l->dest[2 * i + j] = d;
			if (!fix || *far || d - after <= 255)
				continue;
			if (l->nisl[i] < MAX_ISLANDS) {
				l->isl[i][l->nisl[i]] = t;
				/* where it will be once placed */
				l->near[t] = isl + l->nisl[i]++;
			} else {
				*far = 1;
			}
			added = 1;
		}
	}
	return added;
}

static void
place(const struct o2 *o, struct lay *l)
{
	int i;

	l->addr[0] = 0;
	for (i = 0; i < l->n; i++)
		l->addr[i + 1] = l->addr[i] + l->len[i] + tail(o, l, i);
}

static void
put_ja(struct bpf_insn *at, int from, int to)
{
	at->code = BPF_JMP | BPF_JA;
	at->jt = at->jf = 0;
	at->k = (uint32_t)(to - from - 1);
}

struct bpf_insn *
o2_emit(struct o2 *o, int root, u_int *lenp)
{
	struct em e;
	struct lay l;
	struct bpf_insn *out = NULL;
	int i, total = 0;

	memset(&e, 0, sizeof(e));
	memset(&l, 0, sizeof(l));
	e.o = o;
	if (order_nodes(o, root, &l) < 0)
		goto done;
	l.start = malloc((size_t)l.n * sizeof(int));
	l.len = malloc((size_t)l.n * sizeof(int));
	l.eA = malloc((size_t)l.n * sizeof(int));
	l.eX = malloc((size_t)l.n * sizeof(int));
	l.far_t = calloc((size_t)l.n, 1);
	l.far_f = calloc((size_t)l.n, 1);
	l.nisl = calloc((size_t)l.n, 1);
	l.isl = calloc((size_t)l.n, sizeof(*l.isl));
	l.dest = malloc(2 * (size_t)l.n * sizeof(int));
	l.addr = malloc(((size_t)l.n + 1) * sizeof(int));
	l.near = malloc(((size_t)o->nnode + 1) * sizeof(int));
	if (l.near == NULL ||l.start == NULL || l.len == NULL || l.eA == NULL || l.eX == NULL ||
	    l.far_t == NULL || l.far_f == NULL || l.nisl == NULL ||
	    l.isl == NULL || l.dest == NULL || l.addr == NULL) {
		o->failed = 1;
		goto done;
	}
	for (i = 0; i < l.n; i++)
		l.eA[i] = l.eX[i] = -2;
	for (i = 0; i < l.n; i++)
		if (gen_node(&e, &l, i) < 0)
			goto done;

	/* Place, then add islands and long jumps where a branch does not
	   reach, until nothing is added (additions only lengthen). */
	do
		place(o, &l);
	while (sweep(o, &l, 1));
	sweep(o, &l, 0);
	total = l.addr[l.n];
	if (total > (1 << 24)) {	/* far beyond any filter */
		o->failed = 1;
		goto done;
	}

	out = malloc((size_t)(total ? total : 1) * sizeof(*out));
	if (out == NULL) {
		o->failed = 1;
		goto done;
	}
	for (i = 0; i < l.n; i++) {
		const struct o2_node *nd = &o->node[l.order[i]];
		int after = l.addr[i] + l.len[i], j, slot;

		memcpy(out + l.addr[i], e.code + l.start[i],
		    (size_t)l.len[i] * sizeof(*out));
		if ((nd->kind == N_GUARD || nd->kind == N_COMPUTE) &&
		    l.idx[nd->t] != i + 1) {
			put_ja(&out[after], after, l.addr[l.idx[nd->t]]);
			continue;
		}
		if (nd->kind != N_TEST)
			continue;
		slot = after;
		for (j = 0; j < 2; j++) {
			u_char *off = j == 0 ? &out[after - 1].jt :
			    &out[after - 1].jf;

			if (j == 0 ? l.far_t[i] : l.far_f[i]) {
				*off = (u_char)(slot - after);
				put_ja(&out[slot], slot, l.dest[2 * i + j]);
				slot++;
			} else {
				*off = (u_char)(l.dest[2 * i + j] - after);
			}
		}
		for (j = 0; j < l.nisl[i]; j++, slot++) {
			int t = l.isl[i][j];

			if (o->node[t].kind == N_RET) {
				out[slot].code = BPF_RET | BPF_K;
				out[slot].jt = out[slot].jf = 0;
				out[slot].k = o->node[t].k;
			} else {
				put_ja(&out[slot], slot, l.addr[l.idx[t]]);
			}
		}
	}
	*lenp = (u_int)total;
done:
	free(e.code);
	free(l.order);
	free(l.idx);
	free(l.start);
	free(l.len);
	free(l.eA);
	free(l.eX);
	free(l.far_t);
	free(l.far_f);
	free(l.nisl);
	free(l.isl);
	free(l.dest);
	free(l.addr);
	free(l.near);
	if (o->failed) {
		free(out);
		return NULL;
	}
	return out;
}
