/*
 * opt-value.c - the optimizer's work inside one block: value numbering
 * (each distinct computation gets a number, so equal values are found by
 * comparing numbers; constants are remembered), the statement rewrites it
 * allows (constant folding, loads of known values, operations with 0),
 * the peephole patterns, the evaluation of branches on known values, and
 * the removal of dead stores.  libpcap's rules, in libpcap's order; the
 * numbers handed out are the same too (they decide which values match).
 */
#include <string.h>

#include "opt-int.h"

/* ------------------------------------------------------------------------
 * Value numbering.
 * --------------------------------------------------------------------- */

void
opt_val_init(struct opt_state *os, u_int max_stmts)
{
	u_int size = 64;

	/* At most three new values per statement (libpcap's bound). */
	os->maxval = 3 * max_stmts;
	os->vmap = opt_calloc(os, (size_t)os->maxval + 1, sizeof(*os->vmap));
	os->vnodes = opt_calloc(os, (size_t)os->maxval + 1,
	    sizeof(*os->vnodes));
	/* about one bucket per statement: a pass makes fewer values */
	while (size < max_stmts)
		size *= 2;
	os->vhash = opt_calloc(os, size, sizeof(*os->vhash));
	os->vhash_mask = size - 1;
}

void
opt_val_reset(struct opt_state *os)
{
	/* only what the last pass used */
	memset(os->vmap, 0, ((size_t)os->curval + 1) * sizeof(*os->vmap));
	memset(os->vhash, 0, ((size_t)os->vhash_mask + 1) * sizeof(*os->vhash));
	os->curval = 0;
	os->n_vnodes = 0;
}

/* The value number of code(v0, v1), new if never seen in this pass. */
static bpf_u_int32
val_of(struct opt_state *os, int code, bpf_u_int32 v0, bpf_u_int32 v1)
{
	u_int h = ((u_int)code * 0x9e3779b1u) ^ (v0 * 0x85ebca6bu) ^
	    (v1 * 0xc2b2ae35u);
	struct opt_vnode *p;
	u_int i;

	h = (h ^ (h >> 15)) & os->vhash_mask;
	for (i = os->vhash[h]; i != 0; i = os->vnodes[i].next) {
		p = &os->vnodes[i];
		if (p->code == code && p->v0 == v0 && p->v1 == v1)
			return p->val;
	}
	if (os->curval >= os->maxval)
		cc_error(os->cc, "filter is too complex to optimize");
	os->curval += 1;
	if (BPF_MODE(code) == BPF_IMM &&
	    (BPF_CLASS(code) == BPF_LD || BPF_CLASS(code) == BPF_LDX)) {
		os->vmap[os->curval].const_val = v0;
		os->vmap[os->curval].is_const = 1;
	}
	i = ++os->n_vnodes;
	p = &os->vnodes[i];
	p->code = code;
	p->v0 = v0;
	p->v1 = v1;
	p->val = os->curval;
	p->next = os->vhash[h];
	os->vhash[h] = i;
	return os->curval;
}

bpf_u_int32
opt_K(struct opt_state *os, bpf_u_int32 k)
{
	return val_of(os, BPF_LD | BPF_IMM | BPF_W, k, 0);
}

#define IS_CONST(os, v)	((os)->vmap[v].is_const)
#define CONST_OF(os, v)	((os)->vmap[v].const_val)

/* Something other than branch movement changed: another pass is due. */
static void
changed(struct opt_state *os)
{
	os->non_branch_movement = 1;
	os->done = 0;
}

/* Record that s leaves newval in *valp; when rewriting, a statement that
   leaves a known value where it already is becomes a no-op. */
static void
vstore(struct stmt *s, bpf_u_int32 *valp, bpf_u_int32 newval, int alter)
{
	if (alter && newval != OPT_VAL_UNKNOWN && *valp == newval)
		s->code = OPT_NOP;
	else
		*valp = newval;
}

/* s (a binary ALU operation) on constants a and b becomes "ld #result". */
static void
fold_op(struct opt_state *os, struct stmt *s, bpf_u_int32 v0, bpf_u_int32 v1)
{
	bpf_u_int32 a = CONST_OF(os, v0), b = CONST_OF(os, v1);

	switch (BPF_OP(s->code)) {
	case BPF_ADD: a += b; break;
	case BPF_SUB: a -= b; break;
	case BPF_MUL: a *= b; break;
	case BPF_DIV:
		if (b == 0)
			cc_error(os->cc, "division by zero");
		a /= b;
		break;
	case BPF_MOD:
		if (b == 0)
			cc_error(os->cc, "modulus by zero");
		a %= b;
		break;
	case BPF_AND: a &= b; break;
	case BPF_OR: a |= b; break;
	case BPF_XOR: a ^= b; break;
	/* shifting by the width or more shifts everything out */
	case BPF_LSH: a = b < 32 ? a << b : 0; break;
	case BPF_RSH: a = b < 32 ? a >> b : 0; break;
	default:
		cc_error(os->cc, "internal error: folding opcode 0x%x", s->code);
	}
	s->k = a;
	s->code = BPF_LD | BPF_IMM;
	changed(os);
}

/* The value computed by s, recorded in val[]; with alter, rewritten into
   something cheaper when the values involved allow it. */
static void
opt_stmt(struct opt_state *os, struct stmt *s, bpf_u_int32 val[], int alter)
{
	bpf_u_int32 v;
	int op;

	switch (s->code) {
	case BPF_LD | BPF_ABS | BPF_W:
	case BPF_LD | BPF_ABS | BPF_H:
	case BPF_LD | BPF_ABS | BPF_B:
		v = val_of(os, s->code, s->k, 0);
		vstore(s, &val[CC_A_ATOM], v, alter);
		break;

	case BPF_LD | BPF_IND | BPF_W:
	case BPF_LD | BPF_IND | BPF_H:
	case BPF_LD | BPF_IND | BPF_B:
		v = val[CC_X_ATOM];
		if (alter && IS_CONST(os, v)) {
			/* a known index: an absolute load */
			s->code = BPF_LD | BPF_ABS | BPF_SIZE(s->code);
			s->k += CONST_OF(os, v);
			v = val_of(os, s->code, s->k, 0);
			changed(os);
		} else
			v = val_of(os, s->code, s->k, v);
		vstore(s, &val[CC_A_ATOM], v, alter);
		break;

	case BPF_LD | BPF_LEN:
		v = val_of(os, s->code, 0, 0);
		vstore(s, &val[CC_A_ATOM], v, alter);
		break;

	case BPF_LD | BPF_IMM:
		v = opt_K(os, s->k);
		vstore(s, &val[CC_A_ATOM], v, alter);
		break;

	case BPF_LDX | BPF_IMM:
		v = opt_K(os, s->k);
		vstore(s, &val[CC_X_ATOM], v, alter);
		break;

	case BPF_LDX | BPF_MSH | BPF_B:
		v = val_of(os, s->code, s->k, 0);
		vstore(s, &val[CC_X_ATOM], v, alter);
		break;

	case BPF_ALU | BPF_NEG:
		if (alter && IS_CONST(os, val[CC_A_ATOM])) {
			s->code = BPF_LD | BPF_IMM;
			s->k = 0U - CONST_OF(os, val[CC_A_ATOM]);
			val[CC_A_ATOM] = opt_K(os, s->k);
		} else
			val[CC_A_ATOM] = val_of(os, s->code, val[CC_A_ATOM], 0);
		break;

	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_MOD | BPF_K:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_K:
		op = BPF_OP(s->code);
		if (alter) {
			if (s->k == 0) {
				/* "sub #0" stays: the arithmetic code may
				   rely on it later */
				if (op == BPF_ADD || op == BPF_LSH ||
				    op == BPF_RSH || op == BPF_OR ||
				    op == BPF_XOR) {
					s->code = OPT_NOP;
					break;
				}
				if (op == BPF_MUL || op == BPF_AND) {
					s->code = BPF_LD | BPF_IMM;
					val[CC_A_ATOM] = opt_K(os, s->k);
					break;
				}
				if (op == BPF_DIV)
					cc_error(os->cc, "division by zero");
				if (op == BPF_MOD)
					cc_error(os->cc, "modulus by zero");
			}
			if (IS_CONST(os, val[CC_A_ATOM])) {
				fold_op(os, s, val[CC_A_ATOM], opt_K(os, s->k));
				val[CC_A_ATOM] = opt_K(os, s->k);
				break;
			}
		}
		val[CC_A_ATOM] = val_of(os, s->code, val[CC_A_ATOM],
		    opt_K(os, s->k));
		break;

	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_MOD | BPF_X:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_X:
		op = BPF_OP(s->code);
		if (alter && IS_CONST(os, val[CC_X_ATOM])) {
			if (IS_CONST(os, val[CC_A_ATOM])) {
				fold_op(os, s, val[CC_A_ATOM], val[CC_X_ATOM]);
				val[CC_A_ATOM] = opt_K(os, s->k);
			} else {
				/* a known X: the constant form */
				s->code = BPF_ALU | BPF_K | op;
				s->k = CONST_OF(os, val[CC_X_ATOM]);
				if ((op == BPF_LSH || op == BPF_RSH) &&
				    s->k > 31)
					cc_error(os->cc,
					    "shift by more than 31 bits");
				changed(os);
				val[CC_A_ATOM] = val_of(os, s->code,
				    val[CC_A_ATOM], opt_K(os, s->k));
			}
			break;
		}
		/* A known to be 0: the result is X or 0 for some ops */
		if (alter && IS_CONST(os, val[CC_A_ATOM]) &&
		    CONST_OF(os, val[CC_A_ATOM]) == 0) {
			if (op == BPF_ADD || op == BPF_OR || op == BPF_XOR) {
				s->code = BPF_MISC | BPF_TXA;
				vstore(s, &val[CC_A_ATOM], val[CC_X_ATOM],
				    alter);
				break;
			}
			if (op == BPF_MUL || op == BPF_DIV || op == BPF_MOD ||
			    op == BPF_AND || op == BPF_LSH || op == BPF_RSH) {
				s->code = BPF_LD | BPF_IMM;
				s->k = 0;
				vstore(s, &val[CC_A_ATOM], opt_K(os, s->k),
				    alter);
				break;
			}
		}
		val[CC_A_ATOM] = val_of(os, s->code, val[CC_A_ATOM],
		    val[CC_X_ATOM]);
		break;

	case BPF_MISC | BPF_TXA:
		vstore(s, &val[CC_A_ATOM], val[CC_X_ATOM], alter);
		break;

	case BPF_LD | BPF_MEM:
		v = val[s->k];
		if (alter && IS_CONST(os, v)) {
			s->code = BPF_LD | BPF_IMM;
			s->k = CONST_OF(os, v);
			changed(os);
		}
		vstore(s, &val[CC_A_ATOM], v, alter);
		break;

	case BPF_MISC | BPF_TAX:
		vstore(s, &val[CC_X_ATOM], val[CC_A_ATOM], alter);
		break;

	case BPF_LDX | BPF_MEM:
		v = val[s->k];
		if (alter && IS_CONST(os, v)) {
			s->code = BPF_LDX | BPF_IMM;
			s->k = CONST_OF(os, v);
			changed(os);
		}
		vstore(s, &val[CC_X_ATOM], v, alter);
		break;

	case BPF_ST:
		vstore(s, &val[s->k], val[CC_A_ATOM], alter);
		break;

	case BPF_STX:
		vstore(s, &val[s->k], val[CC_X_ATOM], alter);
		break;
	}
}

/* ------------------------------------------------------------------------
 * Peephole rewrites and known branches.
 * --------------------------------------------------------------------- */

/* The first statement at or after s that is not deleted. */
static struct slist *
live_op(struct slist *s)
{
	while (s != NULL && s->s.code == OPT_NOP)
		s = s->next;
	return s;
}

static void
swap_exits(struct block *b)
{
	struct block *tmp = JT(b);

	JT(b) = JF(b);
	JF(b) = tmp;
}

static void
opt_peep(struct opt_state *os, struct block *b)
{
	struct slist *s, *next, *last;
	bpf_u_int32 val;

	s = b->stmts;
	if (s == NULL)
		return;
	last = s;
	for (;; s = next) {
		s = live_op(s);
		if (s == NULL)
			break;
		next = live_op(s->next);
		if (next == NULL)
			break;
		last = next;

		/* st M[k]; ldx M[k]  ->  st M[k]; tax */
		if (s->s.code == BPF_ST &&
		    next->s.code == (BPF_LDX | BPF_MEM) &&
		    s->s.k == next->s.k) {
			changed(os);
			next->s.code = BPF_MISC | BPF_TAX;
		}
		/* ld #k; tax  ->  ldx #k; txa */
		if (s->s.code == (BPF_LD | BPF_IMM) &&
		    next->s.code == (BPF_MISC | BPF_TAX)) {
			s->s.code = BPF_LDX | BPF_IMM;
			next->s.code = BPF_MISC | BPF_TXA;
			changed(os);
		}
		/*
		 * ld #k; [ldxms [n];] add x; tax; ld[x+j]  ->
		 * [ldxms [n];] ld[x+k+j], when X is dead after the block
		 * (transport accessors with a constant index).
		 */
		if (s->s.code == (BPF_LD | BPF_IMM)) {
			struct slist *add, *tax, *ild;

			if (CC_ATOMELEM(b->out_use, CC_X_ATOM))
				continue;
			if (next->s.code != (BPF_LDX | BPF_MSH | BPF_B))
				add = next;
			else
				add = live_op(next->next);
			if (add == NULL ||
			    add->s.code != (BPF_ALU | BPF_ADD | BPF_X))
				continue;
			tax = live_op(add->next);
			if (tax == NULL || tax->s.code != (BPF_MISC | BPF_TAX))
				continue;
			ild = live_op(tax->next);
			if (ild == NULL || BPF_CLASS(ild->s.code) != BPF_LD ||
			    BPF_MODE(ild->s.code) != BPF_IND)
				continue;
			ild->s.k += s->s.k;
			s->s.code = OPT_NOP;
			add->s.code = OPT_NOP;
			tax->s.code = OPT_NOP;
			changed(os);
		}
	}

	/* A compared for equality with a constant, and dead afterwards:
	   fold the arithmetic just before the test into the test. */
	if (b->s.code == (BPF_JMP | BPF_JEQ | BPF_K) &&
	    !CC_ATOMELEM(b->out_use, CC_A_ATOM)) {
		if (last->s.code == (BPF_ALU | BPF_SUB | BPF_X)) {
			val = b->val[CC_X_ATOM];
			if (IS_CONST(os, val)) {
				/* sub x; jeq #y  ->  jeq #(x+y) */
				b->s.k += CONST_OF(os, val);
				last->s.code = OPT_NOP;
				changed(os);
			} else if (b->s.k == 0) {
				/* sub x; jeq #0  ->  jeq x */
				last->s.code = OPT_NOP;
				b->s.code = BPF_JMP | BPF_JEQ | BPF_X;
				changed(os);
			}
		} else if (last->s.code == (BPF_ALU | BPF_SUB | BPF_K)) {
			/* sub #x; jeq #y  ->  jeq #(x+y) */
			last->s.code = OPT_NOP;
			b->s.k += last->s.k;
			changed(os);
		} else if (last->s.code == (BPF_ALU | BPF_AND | BPF_K) &&
		    last->s.k == 0xffffffffU && b->s.k == 0) {
			/* "and #0xffffffff" changes nothing (libpcap master:
			   it is not a "jset #0xffffffff", which tests A != 0) */
			last->s.code = OPT_NOP;
			changed(os);
		} else if (last->s.code == (BPF_ALU | BPF_AND | BPF_K) &&
		    b->s.k == 0) {
			/* and #k; jeq #0  ->  jset #k, exits swapped */
			b->s.k = last->s.k;
			b->s.code = BPF_JMP | BPF_K | BPF_JSET;
			last->s.code = OPT_NOP;
			changed(os);
			swap_exits(b);
		}
	}
	/* jset #0 never branches */
	if (b->s.code == (BPF_JMP | BPF_K | BPF_JSET) && b->s.k == 0)
		JT(b) = JF(b);
	/* a known X operand becomes the constant form of the test */
	val = b->val[CC_X_ATOM];
	if (IS_CONST(os, val) && BPF_SRC(b->s.code) == BPF_X) {
		b->s.code &= ~BPF_X;
		b->s.k = CONST_OF(os, val);
	}
	/* a known A decides the branch */
	val = b->val[CC_A_ATOM];
	if (IS_CONST(os, val) && BPF_SRC(b->s.code) == BPF_K) {
		bpf_u_int32 v = CONST_OF(os, val);

		switch (BPF_OP(b->s.code)) {
		case BPF_JEQ: v = v == b->s.k; break;
		case BPF_JGT: v = v > b->s.k; break;
		case BPF_JGE: v = v >= b->s.k; break;
		case BPF_JSET: v &= b->s.k; break;
		default:
			cc_error(os->cc,
			    "internal error: branch opcode 0x%x", b->s.code);
		}
		if (JF(b) != JT(b))
			changed(os);
		if (v)
			JF(b) = JT(b);
		else
			JT(b) = JF(b);
	}
}

/* ------------------------------------------------------------------------
 * Dead stores.
 * --------------------------------------------------------------------- */

/* Track the last definition of each atom; one redefined before any use
   is deleted. */
static void
deadstmt(struct opt_state *os, struct stmt *s, struct stmt *last[])
{
	int atom = opt_atomuse(s);

	if (atom >= 0) {
		if (atom == OPT_AX_ATOM) {
			last[CC_X_ATOM] = NULL;
			last[CC_A_ATOM] = NULL;
		} else
			last[atom] = NULL;
	}
	atom = opt_atomdef(s);
	if (atom >= 0) {
		if (last[atom] != NULL) {
			changed(os);
			last[atom]->code = OPT_NOP;
		}
		last[atom] = s;
	}
}

static void
opt_deadstores(struct opt_state *os, struct block *b)
{
	struct slist *s;
	struct stmt **last = os->last_def;
	int atom;

	for (s = b->stmts; s != NULL; s = s->next)
		deadstmt(os, &s->s, last);
	deadstmt(os, &b->s, last);
	/* definitions nobody after the block reads */
	for (atom = 0; atom < CC_N_ATOMS; ++atom) {
		if (last[atom] != NULL && !CC_ATOMELEM(b->out_use, atom)) {
			last[atom]->code = OPT_NOP;
			b->val[atom] = OPT_VAL_UNKNOWN;
			changed(os);
		}
		last[atom] = NULL;
	}
}

/* ------------------------------------------------------------------------
 * One block.
 * --------------------------------------------------------------------- */

void
opt_blk(struct opt_state *os, struct block *b, int do_stmts)
{
	struct slist *s;
	struct edge *p;
	bpf_u_int32 aval, xval;
	int i;

	/* Entry values: those of the predecessors where they all agree. */
	p = b->in_edges;
	if (p == NULL)
		memset(b->val, 0, sizeof(b->val));
	else {
		memcpy(b->val, p->pred->val, sizeof(b->val));
		while ((p = p->next) != NULL)
			for (i = 0; i < CC_N_ATOMS; ++i)
				if (b->val[i] != p->pred->val[i])
					b->val[i] = OPT_VAL_UNKNOWN;
	}
	aval = b->val[CC_A_ATOM];
	xval = b->val[CC_X_ATOM];
	for (s = b->stmts; s != NULL; s = s->next)
		opt_stmt(os, &s->s, b->val, do_stmts);

	/*
	 * A block whose statements change neither A nor X (both known) and
	 * whose results nobody reads, or a return, needs no statements.
	 */
	if (do_stmts &&
	    ((b->out_use == 0 &&
	      aval != OPT_VAL_UNKNOWN && b->val[CC_A_ATOM] == aval &&
	      xval != OPT_VAL_UNKNOWN && b->val[CC_X_ATOM] == xval) ||
	     BPF_CLASS(b->s.code) == BPF_RET)) {
		if (b->stmts != NULL) {
			b->stmts = NULL;
			changed(os);
		}
	} else {
		opt_peep(os, b);
		opt_deadstores(os, b);
	}
	/* what the branch compares A with, for branch threading */
	if (BPF_SRC(b->s.code) == BPF_K)
		b->oval = (int)opt_K(os, b->s.k);
	else
		b->oval = (int)b->val[CC_X_ATOM];
	b->et.code = b->s.code;
	b->ef.code = -b->s.code;
}
