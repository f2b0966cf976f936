/*
 * opt2-dag.c - level 2, step 1: the unoptimized program, run symbolically
 * along every path into a decision graph (see opt2-int.h).
 *
 * The walk is depth-first and iterative (a heap stack of frames, one per
 * open branch).  A frame carries the machine state as value ids (A, X and
 * the scratch words); facts learnt on the way (a test's outcome, a load
 * proven inside the captured bytes) go into per-value records with an undo
 * log, so that leaving a branch forgets what it learnt.  A test whose
 * outcome the facts decide is not made; a load the facts prove is not
 * guarded.  Identical results of different paths become one node (nodes
 * and values are hash-consed), which is what merges, e.g., the TCP, UDP
 * and SCTP paths of a port list again once they only test ports.  The
 * walk may visit a node of the program once per path that reaches it; a
 * step bound stops it on expressions with too many paths.
 */
#include <stdlib.h>
#include <string.h>

#include "opt2-int.h"

#define AUX_BASE	0xfffff000u	/* SKF_AD_OFF */

static uint32_t
mix(uint32_t h, uint32_t v)
{
	h ^= v + 0x9e3779b9u + (h << 6) + (h >> 2);
	return h;
}

/* Grow *p (of *cap elements of size) to hold n; 0, or -1 (o->failed). */
static int
reserve(struct o2 *o, void **p, int *cap, int n, size_t size)
{
	int nc;
	void *np;

	if (n <= *cap)
		return 0;
	nc = *cap ? *cap : 64;
	while (nc < n)
		nc *= 2;
	np = realloc(*p, (size_t)nc * size);
	if (np == NULL) {
		o->failed = 1;
		return -1;
	}
	*p = np;
	*cap = nc;
	return 0;
}

void
o2_init(struct o2 *o)
{
	memset(o, 0, sizeof(*o));
}

void
o2_free(struct o2 *o)
{
	free(o->val);
	free(o->vhash);
	free(o->know);
	free(o->ne);
	free(o->xf);
	free(o->undo);
	free(o->node);
	free(o->nhash);
	memset(o, 0, sizeof(*o));
}

/* ---- hash-consing --------------------------------------------------------- */

static uint32_t
val_hash(const struct o2_val *v)
{
	uint32_t h = mix(mix(v->kind, v->size), v->op);

	return mix(mix(mix(h, v->k), (uint32_t)v->a), (uint32_t)v->b);
}

static int
val_same(const struct o2_val *x, const struct o2_val *y)
{
	return x->kind == y->kind && x->size == y->size && x->op == y->op &&
	    x->k == y->k && x->a == y->a && x->b == y->b;
}

/* Rehash table t (capacity *tcap, a power of two) to twice the size. */
static int
rehash(struct o2 *o, int **t, size_t *tcap, int count,
    uint32_t (*hash_of)(struct o2 *, int))
{
	size_t nc = *tcap ? *tcap * 2 : 1024, i;
	int *nt = malloc(nc * sizeof(int));

	if (nt == NULL) {
		o->failed = 1;
		return -1;
	}
	for (i = 0; i < nc; i++)
		nt[i] = -1;
	for (i = 0; i < (size_t)count; i++) {
		size_t j = hash_of(o, (int)i) & (nc - 1);

		while (nt[j] >= 0)
			j = (j + 1) & (nc - 1);
		nt[j] = (int)i;
	}
	free(*t);
	*t = nt;
	*tcap = nc;
	return 0;
}

static uint32_t
val_hash_id(struct o2 *o, int id)
{
	return val_hash(&o->val[id]);
}

static const struct o2_know fresh_know = { 0, 0, 0xffffffffu, 0, 0, -1, 0 };

static int
intern_val(struct o2 *o, const struct o2_val *v)
{
	size_t j;
	int id;

	if (o->failed)
		return -1;
	if ((size_t)(o->nval + 1) * 2 > o->vhcap &&
	    rehash(o, &o->vhash, &o->vhcap, o->nval, val_hash_id) < 0)
		return -1;
	j = val_hash(v) & (o->vhcap - 1);
	while ((id = o->vhash[j]) >= 0) {
		if (val_same(&o->val[id], v))
			return id;
		j = (j + 1) & (o->vhcap - 1);
	}
	if (o->nval >= O2_MAX_VALUES) {
		o->failed = 1;
		return -1;
	}
	{
		int oldcap = o->capval;

		if (reserve(o, (void **)&o->val, &o->capval, o->nval + 1,
		    sizeof(*o->val)) < 0)
			return -1;
		if (o->capval != oldcap || o->know == NULL) {
			/* know[] follows val[] in size */
			struct o2_know *nk = realloc(o->know,
			    (size_t)o->capval * sizeof(*nk));

			if (nk == NULL) {
				o->failed = 1;
				return -1;
			}
			o->know = nk;
		}
	}
	id = o->nval++;
	o->val[id] = *v;
	o->know[id] = fresh_know;
	o->vhash[j] = id;
	return id;
}

static int
alu_fold(int op, uint32_t a, uint32_t b, uint32_t *r)
{
	switch (op) {
	case BPF_ADD: *r = a + b; return 1;
	case BPF_SUB: *r = a - b; return 1;
	case BPF_MUL: *r = a * b; return 1;
	case BPF_OR: *r = a | b; return 1;
	case BPF_AND: *r = a & b; return 1;
	case BPF_XOR: *r = a ^ b; return 1;
	case BPF_LSH:
		if (b >= 32)
			return 0;	/* left to the machine, as the original */
		*r = a << b;
		return 1;
	case BPF_RSH:
		if (b >= 32)
			return 0;
		*r = a >> b;
		return 1;
	case BPF_DIV:
		if (b == 0)
			return 0;
		*r = a / b;
		return 1;
	case BPF_MOD:
		if (b == 0)
			return 0;
		*r = a % b;
		return 1;
	}
	return 0;
}

int
o2_value(struct o2 *o, int kind, int size, int op, uint32_t k, int a, int b)
{
	struct o2_val v;

	if (o->failed)
		return -1;
	memset(&v, 0, sizeof(v));
	v.kind = (uint8_t)kind;
	v.size = (uint8_t)size;
	v.op = (uint16_t)op;
	v.k = k;
	v.a = a;
	v.b = b;
	if (kind == V_NEG && o->val[a].kind == V_CONST)
		return o2_value(o, V_CONST, 0, 0, (uint32_t)0 - o->val[a].k, -1, -1);
	if (kind == V_ALU) {
		const struct o2_val *x = &o->val[a], *y = &o->val[b];
		uint32_t r;

		if (x->kind == V_CONST && y->kind == V_CONST &&
		    alu_fold(op, x->k, y->k, &r))
			return o2_value(o, V_CONST, 0, 0, r, -1, -1);
		if (y->kind == V_CONST) {
			uint32_t c = y->k;

			if (c == 0 && (op == BPF_ADD || op == BPF_SUB ||
			    op == BPF_OR || op == BPF_XOR || op == BPF_LSH ||
			    op == BPF_RSH))
				return a;
			if (c == 1 && (op == BPF_MUL || op == BPF_DIV))
				return a;
			if (c == 0 && (op == BPF_AND || op == BPF_MUL))
				return o2_value(o, V_CONST, 0, 0, 0, -1, -1);
		}
	}
	if (kind == V_ALU || kind == V_NEG || kind == V_LOAD) {
		int da = a >= 0 ? o->val[a].depth : 0;
		int db = b >= 0 ? o->val[b].depth : 0;

		v.depth = 1 + (da > db ? da : db);
		if (v.depth > O2_MAX_DEPTH) {
			o->failed = 1;
			return -1;
		}
		v.impure = (a >= 0 && o->val[a].impure) ||
		    (b >= 0 && o->val[b].impure) ||
		    (kind == V_ALU && (op == BPF_DIV || op == BPF_MOD) &&
		     o->val[b].kind != V_CONST);
	}
	return intern_val(o, &v);
}

static uint32_t
node_hash(const struct o2_node *n)
{
	uint32_t h = mix(mix(n->kind, n->op), n->k);

	h = mix(mix(h, (uint32_t)n->a), (uint32_t)n->b);
	return mix(mix(h, (uint32_t)n->t), (uint32_t)n->f);
}

static uint32_t
node_hash_id(struct o2 *o, int id)
{
	return node_hash(&o->node[id]);
}

int
o2_node(struct o2 *o, int kind, int op, uint32_t k, int a, int b, int t, int f)
{
	struct o2_node n;
	size_t j;
	int id;

	if (o->failed)
		return -1;
	if (kind == N_TEST && t == f)
		return t;		/* tests have no effect of their own */
	if (kind == N_GUARD && o->node[t].kind == N_RET && o->node[t].k == 0)
		return t;		/* rejected either way */
	if (kind == N_COMPUTE && (o->node[t].kind == N_RET ||
	    o->node[t].kind == N_COMPUTE))
		return t;		/* nothing reads the value */
	memset(&n, 0, sizeof(n));
	n.kind = (uint8_t)kind;
	n.op = (uint8_t)op;
	n.k = k;
	n.a = a;
	n.b = b;
	n.t = t;
	n.f = f;
	if ((size_t)(o->nnode + 1) * 2 > o->nhcap &&
	    rehash(o, &o->nhash, &o->nhcap, o->nnode, node_hash_id) < 0)
		return -1;
	j = node_hash(&n) & (o->nhcap - 1);
	while ((id = o->nhash[j]) >= 0) {
		if (memcmp(&o->node[id], &n, sizeof(n)) == 0)
			return id;
		j = (j + 1) & (o->nhcap - 1);
	}
	if (o->nnode >= O2_MAX_NODES) {
		o->failed = 1;
		return -1;
	}
	if (reserve(o, (void **)&o->node, &o->capnode, o->nnode + 1,
	    sizeof(*o->node)) < 0)
		return -1;
	id = o->nnode++;
	o->node[id] = n;
	o->nhash[j] = id;
	return id;
}

/* ---- facts ---------------------------------------------------------------- */

static struct o2_mark
mark_now(const struct o2 *o)
{
	struct o2_mark m;

	m.nundo = o->nundo;
	m.nne = o->nne;
	m.nxf = o->nxf;
	return m;
}

static void
undo_to(struct o2 *o, struct o2_mark m)
{
	while (o->nundo > m.nundo) {
		o->nundo--;
		o->know[o->undo[o->nundo].vid] = o->undo[o->nundo].old;
	}
	o->nne = m.nne;
	o->nxf = m.nxf;
}

static struct o2_know *
know_change(struct o2 *o, int vid)
{
	if (reserve(o, (void **)&o->undo, &o->capundo, o->nundo + 1,
	    sizeof(*o->undo)) < 0)
		return NULL;
	o->undo[o->nundo].vid = vid;
	o->undo[o->nundo].old = o->know[vid];
	o->nundo++;
	return &o->know[vid];
}

static int
ne_push(struct o2 *o, struct o2_know *kn, uint32_t k, int is_mask)
{
	if (reserve(o, (void **)&o->ne, &o->capne, o->nne + 1,
	    sizeof(*o->ne)) < 0)
		return -1;
	o->ne[o->nne].k = k;
	o->ne[o->nne].is_mask = (uint8_t)is_mask;
	o->ne[o->nne].next = kn->ne;
	kn->ne = o->nne++;
	return 0;
}

/* The outcome of "v op k" for a known constant v. */
static int
const_test(int op, uint32_t v, uint32_t k)
{
	switch (op) {
	case BPF_JEQ: return v == k;
	case BPF_JGT: return v > k;
	case BPF_JGE: return v >= k;
	default: return (v & k) != 0;
	}
}

/* 1 or 0 if the facts decide "a op (b or k)", else -1. */
static int
test_known(struct o2 *o, int op, int a, int b, uint32_t k)
{
	const struct o2_know *kn;
	int i;

	if (b >= 0 && o->val[b].kind == V_CONST) {
		k = o->val[b].k;
		b = -1;
	}
	if (b >= 0) {
		if (a == b && op != BPF_JSET)
			return op != BPF_JGT;
		for (i = o->nxf - 1; i >= 0; i--)
			if (o->xf[i].op == op && o->xf[i].a == a &&
			    o->xf[i].b == b)
				return o->xf[i].outcome;
		return -1;
	}
	if (o->val[a].kind == V_CONST)
		return const_test(op, o->val[a].k, k);
	kn = &o->know[a];
	if (kn->has_eq)
		return const_test(op, kn->eq, k);
	switch (op) {
	case BPF_JEQ:
		if (k < kn->lo || k > kn->hi || (k & kn->clear) != 0)
			return 0;
		for (i = kn->ne; i >= 0; i = o->ne[i].next)
			if (!o->ne[i].is_mask && o->ne[i].k == k)
				return 0;
		return -1;
	case BPF_JGT:
		if (kn->lo > k)
			return 1;
		if (kn->hi <= k)
			return 0;
		return -1;
	case BPF_JGE:
		if (kn->lo >= k)
			return 1;
		if (kn->hi < k)
			return 0;
		return -1;
	default:
		if ((k & ~kn->clear) == 0)
			return 0;
		for (i = kn->ne; i >= 0; i = o->ne[i].next) {
			if (o->ne[i].is_mask && (o->ne[i].k & ~k) == 0)
				return 1;
			if (!o->ne[i].is_mask && o->ne[i].k == 0 &&
			    (k | kn->clear) == 0xffffffffu)
				return 1;
		}
		if (kn->lo > 0 && (k | kn->clear) == 0xffffffffu)
			return 1;
		return -1;
	}
}

/* Learn that "a op (b or k)" has outcome r (the walk asked test_known
   first, so r is consistent with what is known). */
static void
fact_add(struct o2 *o, int op, int a, int b, uint32_t k, int r)
{
	struct o2_know *kn;

	if (b >= 0 && o->val[b].kind == V_CONST) {
		k = o->val[b].k;
		b = -1;
	}
	if (b >= 0) {
		if (reserve(o, (void **)&o->xf, &o->capxf, o->nxf + 1,
		    sizeof(*o->xf)) < 0)
			return;
		o->xf[o->nxf].op = op;
		o->xf[o->nxf].a = a;
		o->xf[o->nxf].b = b;
		o->xf[o->nxf].outcome = r;
		o->nxf++;
		return;
	}
	if (o->val[a].kind == V_CONST || (kn = know_change(o, a)) == NULL)
		return;
	switch (op) {
	case BPF_JEQ:
		if (r) {
			kn->has_eq = 1;
			kn->eq = kn->lo = kn->hi = k;
		} else {
			ne_push(o, kn, k, 0);
		}
		break;
	case BPF_JGT:
		if (r && k + 1 > kn->lo)
			kn->lo = k + 1;
		else if (!r && k < kn->hi)
			kn->hi = k;
		break;
	case BPF_JGE:
		if (r && k > kn->lo)
			kn->lo = k;
		else if (!r && k - 1 < kn->hi)
			kn->hi = k - 1;
		break;
	default:
		if (r)
			ne_push(o, kn, k, 1);
		else
			kn->clear |= k;
		break;
	}
	if (!kn->has_eq && kn->lo == kn->hi) {
		kn->has_eq = 1;
		kn->eq = kn->lo;
	}
}

/* ---- the walk --------------------------------------------------------------- */

struct guard {
	int is_test;		/* 1: "v == 0 rejects" (a divisor) */
	int v;
};

struct frame {
	u_int pc;
	int A, X, M[BPF_MEMWORDS];
	struct o2_mark mark;	/* facts before this frame's first fact */
	int gstart;		/* its guards: gs[gstart..] */
	int phase;		/* 0 walking, 1 in the true child, 2 in the false */
	int op, ta, tb;
	uint32_t tk;
	u_int jt, jf;
	int rt;
};

struct walk {
	struct o2 *o;
	const struct bpf_insn *prog;
	u_int len;
	struct frame *fs;
	int nfs, capfs;
	struct guard *gs;
	int ngs, capgs;
};

/* A load of value v at this point: guard it unless it is proven. */
static int
load_guard(struct walk *w, int v)
{
	struct o2 *o = w->o;
	const struct o2_val *x = &o->val[v];
	int base = x->kind == V_MSH ? 0 : x->a;
	uint64_t ext = (uint64_t)x->k + (x->kind == V_MSH ? 1 : x->size);
	struct o2_know *kn;

	if (o->know[base].extent >= ext)
		return 0;
	if (reserve(o, (void **)&w->gs, &w->capgs, w->ngs + 1,
	    sizeof(*w->gs)) < 0)
		return -1;
	w->gs[w->ngs].is_test = 0;
	w->gs[w->ngs].v = v;
	w->ngs++;
	if ((kn = know_change(o, base)) == NULL)
		return -1;
	kn->extent = ext;
	return 0;
}

/* A new frame at pc with the state of frame number from (-1: none). */
static int
push_frame(struct walk *w, int from, u_int pc)
{
	struct frame *f;

	if (reserve(w->o, (void **)&w->fs, &w->capfs, w->nfs + 1,
	    sizeof(*w->fs)) < 0)
		return -1;
	f = &w->fs[w->nfs++];
	if (from >= 0) {
		f->A = w->fs[from].A;
		f->X = w->fs[from].X;
		memcpy(f->M, w->fs[from].M, sizeof(f->M));
	}
	f->pc = pc;
	f->mark = mark_now(w->o);
	f->gstart = w->ngs;
	f->phase = 0;
	return 0;
}

/* A packet load of size bytes at X + k (ind) or k: its value, guarded. */
static int
do_load(struct walk *w, struct frame *f, int size, int ind, uint32_t k)
{
	struct o2 *o = w->o;
	int base = 0, v;

	if (ind) {
		if (o->val[f->X].kind == V_CONST) {
			uint64_t off = (uint64_t)o->val[f->X].k + k;

			if (off >= 0x80000000u) {
				o->failed = 1;
				return -1;
			}
			k = (uint32_t)off;
		} else {
			base = f->X;
		}
	}
	if (!ind && k >= AUX_BASE)
		return o2_value(o, V_AUX, size, 0, k, -1, -1);
	if (k >= 0x80000000u) {
		o->failed = 1;		/* not a program the compiler makes */
		return -1;
	}
	v = o2_value(o, V_LOAD, size, 0, k, base, -1);
	if (v < 0 || load_guard(w, v) < 0)
		return -1;
	return v;
}

static int
insn_size(int code)
{
	switch (BPF_SIZE(code)) {
	case BPF_W: return 4;
	case BPF_H: return 2;
	default: return 1;
	}
}

/* The value an IMM, LEN or MEM load gives A or X (as both load them). */
static int
load_operand(struct o2 *o, const struct frame *f, const struct bpf_insn *in)
{
	int v;

	switch (BPF_MODE(in->code)) {
	case BPF_IMM:
		return o2_value(o, V_CONST, 0, 0, in->k, -1, -1);
	case BPF_LEN:
		return o2_value(o, V_LEN, 0, 0, 0, -1, -1);
	default:	/* BPF_MEM */
		v = in->k < BPF_MEMWORDS ? f->M[in->k] : -1;
		if (v < 0)
			o->failed = 1;
		return v;
	}
}

/* Run frame f from its pc up to a return (the result node, >= 0) or an
   undecided test (-2, with the test in the frame); -1 on failure. */
static int
run_straight(struct walk *w, struct frame *f)
{
	struct o2 *o = w->o;

	for (;;) {
		const struct bpf_insn *in;
		int code, v, src;

		if (o->failed || f->pc >= w->len || ++o->steps > o->step_limit) {
			o->failed = 1;
			return -1;
		}
		in = &w->prog[f->pc++];
		code = in->code;
		switch (BPF_CLASS(code)) {
		case BPF_LD:
			switch (BPF_MODE(code)) {
			case BPF_IMM:
			case BPF_LEN:
			case BPF_MEM:
				v = load_operand(o, f, in);
				break;
			case BPF_ABS:
			case BPF_IND:
				v = do_load(w, f, insn_size(code),
				    BPF_MODE(code) == BPF_IND, in->k);
				break;
			default:
				v = -1;
				o->failed = 1;
			}
			if (v < 0)
				return -1;
			f->A = v;
			break;
		case BPF_LDX:
			switch (BPF_MODE(code)) {
			case BPF_IMM:
			case BPF_LEN:
			case BPF_MEM:
				v = load_operand(o, f, in);
				break;
			case BPF_MSH:
				if (in->k >= 0x80000000u) {
					o->failed = 1;
					return -1;
				}
				v = o2_value(o, V_MSH, 1, 0, in->k, -1, -1);
				if (v >= 0 && load_guard(w, v) < 0)
					return -1;
				break;
			default:
				v = -1;
				o->failed = 1;
			}
			if (v < 0)
				return -1;
			f->X = v;
			break;
		case BPF_ST:
		case BPF_STX:
			if (in->k >= BPF_MEMWORDS) {
				o->failed = 1;
				return -1;
			}
			f->M[in->k] = BPF_CLASS(code) == BPF_ST ? f->A : f->X;
			break;
		case BPF_ALU:
			if (BPF_OP(code) == BPF_NEG) {
				v = o2_value(o, V_NEG, 0, 0, 0, f->A, -1);
				if (v < 0)
					return -1;
				f->A = v;
				break;
			}
			src = BPF_SRC(code) == BPF_X ? f->X :
			    o2_value(o, V_CONST, 0, 0, in->k, -1, -1);
			if (src < 0)
				return -1;
			if (BPF_OP(code) == BPF_DIV || BPF_OP(code) == BPF_MOD) {
				int r = test_known(o, BPF_JEQ, src, -1, 0);

				if (r == 1)	/* division by zero: rejected */
					return o2_node(o, N_RET, 0, 0, -1, -1,
					    -1, -1);
				if (r < 0) {
					if (reserve(o, (void **)&w->gs,
					    &w->capgs, w->ngs + 1,
					    sizeof(*w->gs)) < 0)
						return -1;
					w->gs[w->ngs].is_test = 1;
					w->gs[w->ngs].v = src;
					w->ngs++;
					fact_add(o, BPF_JEQ, src, -1, 0, 0);
				}
			}
			v = o2_value(o, V_ALU, 0, BPF_OP(code), 0, f->A, src);
			if (v < 0)
				return -1;
			f->A = v;
			break;
		case BPF_JMP:
			if (BPF_OP(code) == BPF_JA) {
				f->pc += in->k;
				break;
			}
			f->op = BPF_OP(code);
			f->ta = f->A;
			f->tb = BPF_SRC(code) == BPF_X ? f->X : -1;
			f->tk = in->k;
			if (f->tb >= 0 && o->val[f->tb].kind == V_CONST) {
				f->tk = o->val[f->tb].k;
				f->tb = -1;
			}
			f->jt = f->pc + in->jt;
			f->jf = f->pc + in->jf;
			switch (test_known(o, f->op, f->ta, f->tb, f->tk)) {
			case 1:
				f->pc = f->jt;
				break;
			case 0:
				f->pc = f->jf;
				break;
			default:
				return -2;
			}
			break;
		case BPF_RET:
			if (BPF_RVAL(code) == BPF_A) {
				if (o->val[f->A].kind == V_CONST)
					return o2_node(o, N_RET, 0,
					    o->val[f->A].k, -1, -1, -1, -1);
				return o2_node(o, N_RETA, 0, 0, f->A, -1,
				    -1, -1);
			}
			if (BPF_RVAL(code) != BPF_K) {
				o->failed = 1;
				return -1;
			}
			return o2_node(o, N_RET, 0, in->k, -1, -1, -1, -1);
		case BPF_MISC:
			if (BPF_MISCOP(code) == BPF_TAX)
				f->X = f->A;
			else
				f->A = f->X;
			break;
		}
	}
}

/* Frame top is done with result r: wrap its guards, forget its facts. */
static int
finish_frame(struct walk *w, int r)
{
	struct o2 *o = w->o;
	struct frame *f = &w->fs[w->nfs - 1];
	int i;

	for (i = w->ngs - 1; i >= f->gstart && r >= 0; i--) {
		const struct guard *g = &w->gs[i];

		if (g->is_test)
			r = o2_node(o, N_TEST, BPF_JEQ, 0, g->v, -1,
			    o2_node(o, N_RET, 0, 0, -1, -1, -1, -1), r);
		else
			r = o2_node(o, N_GUARD, 0, 0, g->v, -1, r, -1);
	}
	w->ngs = f->gstart;
	undo_to(o, f->mark);
	w->nfs--;
	return r;
}

int
o2_build(struct o2 *o, const struct bpf_insn *prog, u_int len)
{
	struct walk w;
	int zero, r = -1, i;

	memset(&w, 0, sizeof(w));
	w.o = o;
	w.prog = prog;
	w.len = len;
	/* Value 0 is the constant 0: the base of absolute loads. */
	zero = o2_value(o, V_CONST, 0, 0, 0, -1, -1);
	if (zero != 0 || push_frame(&w, -1, 0) < 0)
		goto out;
	/* The registers start at 0, and so do the scratch words in our
	   machine (bpf/filter.c): a program that reads one before storing it
	   (libpcap's code for "vxlan or ..." does) reads 0 here too, and the
	   result stores nothing it does not need, so the kernel's check of
	   loads from scratch words it cannot see stored does not refuse it. */
	w.fs[0].A = w.fs[0].X = zero;
	for (i = 0; i < BPF_MEMWORDS; i++)
		w.fs[0].M[i] = zero;

	while (w.nfs > 0) {
		struct frame *f = &w.fs[w.nfs - 1];

		if (f->phase == 0) {
			r = run_straight(&w, f);
			if (r == -1)
				goto out;
			if (r == -2) {
				f->phase = 1;
				if (push_frame(&w, w.nfs - 1, f->jt) < 0)
					goto out;
				f = &w.fs[w.nfs - 2];
				fact_add(o, f->op, f->ta, f->tb, f->tk, 1);
				continue;
			}
		}
		/* r is the result of the frame on top: deliver it upwards. */
		for (;;) {
			r = finish_frame(&w, r);
			if (r < 0)
				goto out;
			if (w.nfs == 0)
				break;
			f = &w.fs[w.nfs - 1];
			if (f->phase == 1) {
				f->rt = r;
				f->phase = 2;
				if (push_frame(&w, w.nfs - 1, f->jf) < 0)
					goto out;
				f = &w.fs[w.nfs - 2];
				fact_add(o, f->op, f->ta, f->tb, f->tk, 0);
				break;
			}
			r = o2_node(o, N_TEST, f->op, f->tk, f->ta, f->tb,
			    f->rt, r);
			if (r < 0)
				goto out;
		}
		if (o->failed)
			goto out;
	}
out:
	free(w.fs);
	free(w.gs);
	if (o->failed || w.nfs > 0)
		return -1;
	return r;
}

struct bpf_insn *
opt2_program(const struct bpf_insn *prog, u_int len, u_int *outlen)
{
	struct o2 o;
	struct bpf_insn *out = NULL;
	int root;

	o2_init(&o);
	o.step_limit = 64L * (long)len + 200000L;
	root = o2_build(&o, prog, len);
	if (root >= 0)
		root = o2_sets(&o, root);
	if (root >= 0 && !o.failed)
		out = o2_emit(&o, root, outlen);
	o2_free(&o);
	return out;
}
