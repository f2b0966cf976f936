/*
 * gen-core.c - the code generator's foundation, shared by every protocol
 * family: the generator state's life (gen_init, gen_finish), blocks and
 * their boolean composition (and/or/not through "sense" and patch lists),
 * comparisons of packet fields with constants, loads relative to the start
 * of a header whose position may only be known at run time, and the
 * scratch memory words used to hold such positions.
 *
 * How the patch lists work: a block under construction has one exit that
 * is still open.  b->sense says which: 0 means the true exit (JT) is open,
 * 1 the false exit (JF).  The open exit's pointer is reused to chain all
 * the blocks of an expression whose same exit is still open, so an
 * expression is a list of dangling exits; and/or/not only flip senses,
 * resolve one list to a block's head and concatenate lists.  gen_finish
 * resolves what is left to "accept" and "reject".  The instruction
 * sequences produced here are libpcap's, so that the optimizer and the
 * emitter see exactly the same graph as libpcap master would build.
 */
#include <string.h>

#include "gen-int.h"

/* ------------------------------------------------------------------------
 * Setup and finish.
 * --------------------------------------------------------------------- */

static void
regs_reset(struct gen_state *gs)
{
	memset(gs->regused, 0, sizeof(gs->regused));
	gs->curreg = 0;
}

void
gen_init(struct cc *cc)
{
	cc->gen = cc_alloc(cc, sizeof(*cc->gen));
	regs_reset(cc->gen);
	gen_link_init(cc);
}

/* Follow a patch list to its last element's open exit. */
static struct block **
list_tail(struct block **p)
{
	while (*p != NULL)
		p = (*p)->sense ? &JF(*p) : &JT(*p);
	return p;
}

void
gen_backpatch(struct block *list, struct block *target)
{
	while (list != NULL) {
		struct edge *e = list->sense ? &list->ef : &list->et;
		struct block *next = e->succ;

		e->succ = target;
		/* Remember the predecessor (see take_over); the optimizer
		   rebuilds these lists from scratch. */
		e->pred = list;
		e->next = target->in_edges;
		target->in_edges = e;
		list = next;
	}
}

/* Append patch list b1 to patch list b0. */
static void
list_concat(struct block *b0, struct block *b1)
{
	*list_tail(&b0) = b1;
}

void
gen_finish(struct cc *cc, struct block *b)
{
	struct block *check;

	/* Run-time header offsets are computed once, before the first test. */
	gen_insert_prologue(cc, b->head);

	check = gen_link_finish_check(cc);
	if (check != NULL)
		gen_and(check, b);

	gen_backpatch(b, gen_retblk(cc, cc->opts.snaplen));
	b->sense = !b->sense;
	gen_backpatch(b, gen_retblk(cc, 0));
	cc->ic.root = b->head;
}

struct block *
gen_accept_all(struct cc *cc)
{
	return gen_retblk(cc, cc->opts.snaplen);
}

/* ------------------------------------------------------------------------
 * Logic.
 * --------------------------------------------------------------------- */

/*
 * Constant folding, as libpcap master does it: an operand that is a bare
 * gen_true()/gen_false() block (possibly negated) decides or disappears:
 * "false and X", "X and false" = false; "true and X", "X and true" = X;
 * and dually for "or".  The result must end up in b1, the block the caller
 * keeps using.
 */

int
gen_const_value(const struct block *b)
{
	const struct slist *s = b->stmts;

	if (b->head != b || JT(b) != NULL || JF(b) != NULL || s == NULL ||
	    s->next != NULL || s->s.code != (BPF_LD | BPF_IMM) ||
	    (s->s.k != 0 && s->s.k != 1) ||
	    b->s.code != (BPF_JMP | BPF_JEQ | BPF_K) || b->s.k != 0)
		return -1;
	return (s->s.k == 0) != (b->sense != 0);
}

/* b1 becomes a copy of the constant block c (whatever b1 held is
   dropped: nothing outside the expression refers to it). */
static void
become_const(struct block *b1, const struct block *c)
{
	b1->stmts = c->stmts;
	b1->s = c->s;
	b1->sense = c->sense;
	JT(b1) = NULL;
	JF(b1) = NULL;
	b1->in_edges = NULL;
	b1->head = b1;
}

/* b1 (a constant being dropped) takes the place of p, the representative
   block of the expression that is the result: p's contents move to b1 and
   the edges into p now lead to b1. */
static void
take_over(struct block *b1, struct block *p)
{
	struct edge *e, *next;

	b1->stmts = p->stmts;
	b1->s = p->s;
	b1->sense = p->sense;
	JT(b1) = JT(p);
	JF(b1) = JF(p);
	b1->head = p->head == p ? b1 : p->head;
	b1->in_edges = NULL;
	for (e = p->in_edges; e != NULL; e = next) {
		next = e->next;
		e->succ = b1;
		e->next = b1->in_edges;
		b1->in_edges = e;
	}
	p->in_edges = NULL;
}

void
gen_and(struct block *b0, struct block *b1)
{
	int v0 = gen_const_value(b0), v1;

	if (v0 == 0) {
		become_const(b1, b0);
		return;
	}
	if (v0 == 1)
		return;
	v1 = gen_const_value(b1);
	if (v1 == 1) {
		take_over(b1, b0);
		return;
	}
	if (v1 == 0)
		return;

	/* b0 true continues into b1; b0 false joins b1's false exits. */
	gen_backpatch(b0, b1->head);
	b0->sense = !b0->sense;
	b1->sense = !b1->sense;
	list_concat(b1, b0);
	b1->sense = !b1->sense;
	b1->head = b0->head;
}

void
gen_or(struct block *b0, struct block *b1)
{
	int v0 = gen_const_value(b0), v1;

	if (v0 == 1) {
		become_const(b1, b0);
		return;
	}
	if (v0 == 0)
		return;
	v1 = gen_const_value(b1);
	if (v1 == 0) {
		take_over(b1, b0);
		return;
	}
	if (v1 == 1)
		return;

	/* b0 false continues into b1; b0 true joins b1's true exits. */
	b0->sense = !b0->sense;
	gen_backpatch(b0, b1->head);
	b0->sense = !b0->sense;
	list_concat(b1, b0);
	b1->head = b0->head;
}

void
gen_not(struct block *b)
{
	b->sense = !b->sense;
}

/* ------------------------------------------------------------------------
 * Constant blocks.
 * --------------------------------------------------------------------- */

struct block *
gen_retblk(struct cc *cc, int v)
{
	struct block *b = cc_new_block(cc, BPF_RET | BPF_K);

	b->s.k = (bpf_u_int32)v;
	return b;
}

/* A test whose outcome is fixed: A is loaded with 0 for "true" (so that
   the "jeq #0" succeeds) and 1 for "false". */
struct block *
gen_uncond(struct cc *cc, int rsense)
{
	struct slist *s = cc_new_stmt(cc, BPF_LD | BPF_IMM);
	struct block *b;

	s->s.k = rsense ? 0 : 1;
	b = cc_new_block(cc, BPF_JMP | BPF_JEQ | BPF_K);
	b->stmts = s;
	return b;
}

struct block *
gen_true(struct cc *cc)
{
	return gen_uncond(cc, 1);
}

struct block *
gen_false(struct cc *cc)
{
	return gen_uncond(cc, 0);
}

/* A conditional block "A jtype #k" after the statements s. */
struct block *
gen_jmp_k(struct cc *cc, int jtype, bpf_u_int32 k, struct slist *s)
{
	struct block *b = cc_new_block(cc, BPF_JMP | jtype | BPF_K);

	b->stmts = s;
	b->s.k = k;
	return b;
}

/* ------------------------------------------------------------------------
 * Comparisons with packet data.
 * --------------------------------------------------------------------- */

struct block *
gen_ncmp(struct cc *cc, enum e_offrel offrel, u_int offset, u_int size,
    bpf_u_int32 mask, int jtype, int reverse, bpf_u_int32 v)
{
	struct slist *s = gen_load_a(cc, offrel, offset, size);
	struct block *b;

	if (mask != 0xffffffffU) {
		struct slist *and = cc_new_stmt(cc, BPF_ALU | BPF_AND | BPF_K);

		and->s.k = mask;
		cc_sappend(s, and);
	}
	b = gen_jmp_k(cc, jtype, v, s);
	/* "<", "<=" and "!=" are the negations of ">=", ">" and "==" (BPF
	   has only the latter). */
	if (reverse)
		gen_not(b);
	return b;
}

struct block *
gen_cmp(struct cc *cc, enum e_offrel offrel, u_int offset, u_int size,
    bpf_u_int32 v)
{
	return gen_ncmp(cc, offrel, offset, size, 0xffffffffU, BPF_JEQ, 0, v);
}

struct block *
gen_cmp_gt(struct cc *cc, enum e_offrel offrel, u_int offset, u_int size,
    bpf_u_int32 v)
{
	return gen_ncmp(cc, offrel, offset, size, 0xffffffffU, BPF_JGT, 0, v);
}

struct block *
gen_cmp_ge(struct cc *cc, enum e_offrel offrel, u_int offset, u_int size,
    bpf_u_int32 v)
{
	return gen_ncmp(cc, offrel, offset, size, 0xffffffffU, BPF_JGE, 0, v);
}

struct block *
gen_cmp_lt(struct cc *cc, enum e_offrel offrel, u_int offset, u_int size,
    bpf_u_int32 v)
{
	return gen_ncmp(cc, offrel, offset, size, 0xffffffffU, BPF_JGE, 1, v);
}

struct block *
gen_cmp_le(struct cc *cc, enum e_offrel offrel, u_int offset, u_int size,
    bpf_u_int32 v)
{
	return gen_ncmp(cc, offrel, offset, size, 0xffffffffU, BPF_JGT, 1, v);
}

struct block *
gen_mcmp(struct cc *cc, enum e_offrel offrel, u_int offset, u_int size,
    bpf_u_int32 v, bpf_u_int32 mask)
{
	/* Nothing survives a zero mask: the test is a constant (master emits
	   no load for it). */
	if (mask == 0)
		return v != 0 ? gen_false(cc) : gen_true(cc);
	return gen_ncmp(cc, offrel, offset, size, mask, BPF_JEQ, 0, v);
}

/* "field != v" */
struct block *
gen_cmp_ne(struct cc *cc, enum e_offrel offrel, u_int offset, u_int size,
    bpf_u_int32 v)
{
	struct block *b = gen_cmp(cc, offrel, offset, size, v);

	gen_not(b);
	return b;
}

/*
 * Compare size bytes at offset with v[0..size-1].  The bytes are taken in
 * words from the end, then half-words, then a leading byte; each chunk's
 * test runs before the chunks nearer the start (libpcap's order).
 */
struct block *
gen_bcmp(struct cc *cc, enum e_offrel offrel, u_int offset, u_int size,
    const u_char *v)
{
	struct block *b = NULL, *t;

	while (size >= 4) {
		const u_char *p = v + size - 4;
		bpf_u_int32 w = (bpf_u_int32)p[0] << 24 | (bpf_u_int32)p[1] << 16 |
		    (bpf_u_int32)p[2] << 8 | p[3];

		t = gen_cmp(cc, offrel, offset + size - 4, BPF_W, w);
		if (b != NULL)
			gen_and(b, t);
		b = t;
		size -= 4;
	}
	while (size >= 2) {
		const u_char *p = v + size - 2;

		t = gen_cmp(cc, offrel, offset + size - 2, BPF_H,
		    (bpf_u_int32)p[0] << 8 | p[1]);
		if (b != NULL)
			gen_and(b, t);
		b = t;
		size -= 2;
	}
	if (size > 0) {
		t = gen_cmp(cc, offrel, offset, BPF_B, v[0]);
		if (b != NULL)
			gen_and(b, t);
		b = t;
	}
	return b;
}

/* ------------------------------------------------------------------------
 * Loads.
 * --------------------------------------------------------------------- */

struct slist *
gen_abs_offset_varpart(struct cc *cc, struct abs_offset *off)
{
	struct slist *s;

	if (!off->is_variable)
		return NULL;
	/* The register is filled by the prologue gen_finish inserts. */
	if (off->reg == -1)
		off->reg = gen_alloc_reg(cc);
	s = cc_new_stmt(cc, BPF_LDX | BPF_MEM);
	s->s.k = (bpf_u_int32)off->reg;
	return s;
}

struct slist *
gen_load_absoffsetrel(struct cc *cc, struct abs_offset *off, u_int offset,
    u_int size)
{
	struct slist *x = gen_abs_offset_varpart(cc, off);
	struct slist *ld;

	ld = cc_new_stmt(cc, BPF_LD | (x != NULL ? BPF_IND : BPF_ABS) | size);
	ld->s.k = off->constant_part + offset;
	if (x == NULL)
		return ld;
	cc_sappend(x, ld);
	return x;
}

struct slist *
gen_load_a(struct cc *cc, enum e_offrel offrel, u_int offset, u_int size)
{
	struct gen_state *gs = GS(cc);
	struct slist *s, *ld;

	switch (offrel) {
	case OR_PACKET:
		s = cc_new_stmt(cc, BPF_LD | BPF_ABS | size);
		s->s.k = offset;
		return s;
	case OR_LINKHDR:
		return gen_load_absoffsetrel(cc, &gs->off_linkhdr, offset, size);
	case OR_PREVLINKHDR:
		return gen_load_absoffsetrel(cc, &gs->off_prevlinkhdr, offset,
		    size);
	case OR_LLC:
		return gen_load_absoffsetrel(cc, &gs->off_linkpl, offset, size);
	case OR_PREVMPLSHDR:
		return gen_load_absoffsetrel(cc, &gs->off_linkpl,
		    gs->off_nl - 4 + offset, size);
	case OR_LINKPL:
		return gen_load_absoffsetrel(cc, &gs->off_linkpl,
		    gs->off_nl + offset, size);
	case OR_LINKPL_NOSNAP:
		return gen_load_absoffsetrel(cc, &gs->off_linkpl,
		    gs->off_nl_nosnap + offset, size);
	case OR_LINKTYPE:
		return gen_load_absoffsetrel(cc, &gs->off_linktype, offset,
		    size);
	case OR_TRAN_IPV4:
		/* X = IPv4 header length (+ variable part of the payload
		   offset), then an indexed load past it. */
		s = gen_loadx_iphdrlen(cc);
		ld = cc_new_stmt(cc, BPF_LD | BPF_IND | size);
		ld->s.k = gs->off_linkpl.constant_part + gs->off_nl + offset;
		cc_sappend(s, ld);
		return s;
	case OR_TRAN_IPV6:
		return gen_load_absoffsetrel(cc, &gs->off_linkpl,
		    gs->off_nl + 40 + offset, size);
	}
	cc_error(cc, "internal error: bad offset base %d", (int)offrel);
}

struct slist *
gen_loadx_iphdrlen(struct cc *cc)
{
	struct gen_state *gs = GS(cc);
	u_int ihl_at = gs->off_linkpl.constant_part + gs->off_nl;
	struct slist *s = gen_abs_offset_varpart(cc, &gs->off_linkpl);
	struct slist *t;

	if (s == NULL) {
		/* Fixed position: the dedicated 4*([k]&0xf) load. */
		s = cc_new_stmt(cc, BPF_LDX | BPF_MSH | BPF_B);
		s->s.k = ihl_at;
		return s;
	}
	/* Variable position (X holds it): compute 4*(IHL) in A, add X. */
	t = cc_new_stmt(cc, BPF_LD | BPF_IND | BPF_B);
	t->s.k = ihl_at;
	cc_sappend(s, t);
	t = cc_new_stmt(cc, BPF_ALU | BPF_AND | BPF_K);
	t->s.k = 0xf;
	cc_sappend(s, t);
	t = cc_new_stmt(cc, BPF_ALU | BPF_LSH | BPF_K);
	t->s.k = 2;
	cc_sappend(s, t);
	cc_sappend(s, cc_new_stmt(cc, BPF_ALU | BPF_ADD | BPF_X));
	cc_sappend(s, cc_new_stmt(cc, BPF_MISC | BPF_TAX));
	return s;
}

/* ------------------------------------------------------------------------
 * Scratch registers: a round-robin allocator over M[0..BPF_MEMWORDS-1],
 * starting where the last search stopped (libpcap's order, which decides
 * the register numbers in the output).
 * --------------------------------------------------------------------- */

int
gen_alloc_reg(struct cc *cc)
{
	struct gen_state *gs = GS(cc);
	int tries;

	for (tries = 0; tries < BPF_MEMWORDS; tries++) {
		if (!gs->regused[gs->curreg]) {
			gs->regused[gs->curreg] = 1;
			return gs->curreg;
		}
		gs->curreg = (gs->curreg + 1) % BPF_MEMWORDS;
	}
	cc_error(cc, "too many registers needed to evaluate expression");
}

void
gen_free_reg(struct cc *cc, int reg)
{
	if (reg >= 0 && reg < BPF_MEMWORDS)
		GS(cc)->regused[reg] = 0;
}
