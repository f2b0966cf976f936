/*
 * opt-flow.c - the facts about the block graph that the optimizer's
 * rewrites consult: depth-first walks (with explicit stacks, so a graph
 * of any depth is walked in libpcap's order without recursion), the level
 * lists that fix the order of every pass, register use/def/kill sets and
 * their propagation, and the in-edge lists.  (Dominators: opt-dom.c.)
 */
#include <string.h>

#include "opt-int.h"

void
opt_vec_push(struct cc *cc, struct opt_vec *v, struct block *b)
{
	if (v->n == v->cap) {
		u_int cap = v->cap ? 2 * v->cap : 256;
		struct block **nv = cc_alloc(cc, cap * sizeof(*nv));

		if (v->n)
			memcpy(nv, v->v, v->n * sizeof(*nv));
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = b;
}

void
opt_walk_pre(struct cc *cc, struct icode *ic, struct block *root,
    struct opt_vec *stack, struct opt_vec *out)
{
	CC_UNMARK_ALL(ic);
	stack->n = 0;
	out->n = 0;
	if (root != NULL)
		opt_vec_push(cc, stack, root);
	while (stack->n > 0) {
		struct block *b = stack->v[--stack->n];

		if (CC_IS_MARKED(ic, b))
			continue;
		CC_MARK(ic, b);
		opt_vec_push(cc, out, b);
		/* pushed second, popped first: JT's subtree comes first */
		if (JF(b) != NULL && !CC_IS_MARKED(ic, JF(b)))
			opt_vec_push(cc, stack, JF(b));
		if (JT(b) != NULL && !CC_IS_MARKED(ic, JT(b)))
			opt_vec_push(cc, stack, JT(b));
	}
}

/*
 * Postorder (JT's subtree, then JF's, then the block), each block once:
 * every block comes after its successors.  Each stack entry remembers how
 * many successors it has entered.
 */
void
opt_walk_post(struct cc *cc, struct icode *ic, struct block *root,
    struct opt_vec *stack, struct opt_vec *out)
{
	CC_UNMARK_ALL(ic);
	stack->n = 0;
	out->n = 0;
	if (root == NULL)
		return;
	CC_MARK(ic, root);
	opt_vec_push(cc, stack, root);
	opt_vec_push(cc, stack, NULL);	/* entries are (block, state) pairs */
	while (stack->n > 0) {
		struct block *b = stack->v[stack->n - 2];
		uintptr_t st = (uintptr_t)stack->v[stack->n - 1];
		struct block *next;

		if (st < 2) {
			next = st == 0 ? JT(b) : JF(b);
			stack->v[stack->n - 1] = (struct block *)(st + 1);
			if (next != NULL && !CC_IS_MARKED(ic, next)) {
				CC_MARK(ic, next);
				opt_vec_push(cc, stack, next);
				opt_vec_push(cc, stack, NULL);
			}
			continue;
		}
		stack->n -= 2;
		opt_vec_push(cc, out, b);
	}
}

/*
 * Level graph: leaves are level 0, every other block one more than the
 * higher of its successors.  Blocks are put on their level's list in
 * depth-first postorder (JT before JF), each at the head of the list.
 * The walk keeps, per stack entry, how many successors it has entered.
 */
void
opt_find_levels(struct opt_state *os)
{
	struct icode *ic = os->ic;
	struct opt_vec *st = &os->stack;
	struct block *root = ic->root;
	int max_level = 0;

	memset(os->levels, 0, os->n_blocks * sizeof(*os->levels));
	CC_UNMARK_ALL(ic);
	st->n = 0;
	CC_MARK(ic, root);
	root->link = NULL;
	root->level = -1;	/* "children not entered yet" while on the stack */
	opt_vec_push(os->cc, st, root);
	while (st->n > 0) {
		struct block *b = st->v[st->n - 1];
		struct block *next = NULL;
		int level;

		/* While on the stack, b->level counts entered successors - 3. */
		if (JT(b) != NULL && b->level == -1) {
			b->level = -2;
			next = JT(b);
		} else if (JT(b) != NULL && b->level == -2) {
			b->level = -3;
			next = JF(b);
		}
		if (next != NULL) {
			if (!CC_IS_MARKED(ic, next)) {
				CC_MARK(ic, next);
				next->link = NULL;
				next->level = -1;
				opt_vec_push(os->cc, st, next);
			}
			continue;
		}
		st->n--;
		if (JT(b) != NULL) {
			level = JT(b)->level > JF(b)->level ?
			    JT(b)->level : JF(b)->level;
			level += 1;
		} else
			level = 0;
		b->level = level;
		b->link = os->levels[level];
		os->levels[level] = b;
		if (level > max_level)
			max_level = level;
	}
	os->max_level = max_level;
}

/* ------------------------------------------------------------------------
 * Use-def.
 * --------------------------------------------------------------------- */

/* The atom s reads: a scratch word, A, X, OPT_AX_ATOM (both), or -1. */
int
opt_atomuse(const struct stmt *s)
{
	int c = s->code;

	if (c == OPT_NOP)
		return -1;
	switch (BPF_CLASS(c)) {
	case BPF_RET:
		return BPF_RVAL(c) == BPF_A ? CC_A_ATOM :
		    BPF_RVAL(c) == BPF_X ? CC_X_ATOM : -1;
	case BPF_LD:
	case BPF_LDX:
		return BPF_MODE(c) == BPF_IND ? CC_X_ATOM :
		    BPF_MODE(c) == BPF_MEM ? (int)s->k : -1;
	case BPF_ST:
		return CC_A_ATOM;
	case BPF_STX:
		return CC_X_ATOM;
	case BPF_JMP:
	case BPF_ALU:
		return BPF_SRC(c) == BPF_X ? OPT_AX_ATOM : CC_A_ATOM;
	default:	/* BPF_MISC */
		return BPF_MISCOP(c) == BPF_TXA ? CC_X_ATOM : CC_A_ATOM;
	}
}

/* The atom s writes, or -1 (a statement defines at most one). */
int
opt_atomdef(const struct stmt *s)
{
	if (s->code == OPT_NOP)
		return -1;
	switch (BPF_CLASS(s->code)) {
	case BPF_LD:
	case BPF_ALU:
		return CC_A_ATOM;
	case BPF_LDX:
		return CC_X_ATOM;
	case BPF_ST:
	case BPF_STX:
		return (int)s->k;
	case BPF_MISC:
		return BPF_MISCOP(s->code) == BPF_TAX ? CC_X_ATOM : CC_A_ATOM;
	}
	return -1;
}

static void
note_use(const struct stmt *s, cc_atomset def, cc_atomset *use)
{
	int atom = opt_atomuse(s);

	if (atom < 0)
		return;
	if (atom == OPT_AX_ATOM) {
		if (!CC_ATOMELEM(def, CC_X_ATOM))
			*use |= CC_ATOMMASK(CC_X_ATOM);
		if (!CC_ATOMELEM(def, CC_A_ATOM))
			*use |= CC_ATOMMASK(CC_A_ATOM);
	} else if (!CC_ATOMELEM(def, atom))
		*use |= CC_ATOMMASK(atom);
}

/* What b reads before writing (in_use), writes (def), and writes before
   reading (kill).  A return's operand is not counted (libpcap's rule). */
static void
local_ud(struct block *b)
{
	const struct slist *s;
	cc_atomset def = 0, use = 0, killed = 0;

	for (s = b->stmts; s != NULL; s = s->next) {
		int atom;

		if (s->s.code == OPT_NOP)
			continue;
		note_use(&s->s, def, &use);
		atom = opt_atomdef(&s->s);
		if (atom >= 0) {
			if (!CC_ATOMELEM(use, atom))
				killed |= CC_ATOMMASK(atom);
			def |= CC_ATOMMASK(atom);
		}
	}
	if (BPF_CLASS(b->s.code) == BPF_JMP)
		note_use(&b->s, def, &use);
	b->def = def;
	b->kill = killed;
	b->in_use = use;
}

void
opt_find_ud(struct opt_state *os)
{
	int i;
	struct block *p;

	for (i = os->max_level; i >= 0; --i)
		for (p = os->levels[i]; p != NULL; p = p->link) {
			local_ud(p);
			p->out_use = 0;
		}
	for (i = 1; i <= os->max_level; ++i)
		for (p = os->levels[i]; p != NULL; p = p->link) {
			p->out_use |= JT(p)->in_use | JF(p)->in_use;
			p->in_use |= p->out_use & ~p->kill;
		}
}

/* Each edge goes on the head of its successor's list, in level order. */
void
opt_find_inedges(struct opt_state *os)
{
	u_int i;
	int level;
	struct block *b;

	for (i = 0; i < os->n_blocks; ++i)
		os->blocks[i]->in_edges = NULL;
	for (level = os->max_level; level > 0; --level)
		for (b = os->levels[level]; b != NULL; b = b->link) {
			b->et.next = JT(b)->in_edges;
			JT(b)->in_edges = &b->et;
			b->ef.next = JF(b)->in_edges;
			JF(b)->in_edges = &b->ef;
		}
}
