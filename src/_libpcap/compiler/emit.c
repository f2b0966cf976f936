/*
 * emit.c - lay the block graph out as a bpf_insn array, libpcap's way.
 *
 * Order: a depth-first walk from the root that enters the false successor
 * before the true one and places each block, after both subtrees, in
 * front of everything placed so far; so the root comes first and every
 * branch jumps forward.  A conditional branch has 8-bit offsets; one that
 * would jump 256 or more instructions gets an unconditional long jump
 * right after it (true exit first, then false), and libpcap then lays the
 * whole program out again, once per long jump.  Since adding a long jump
 * never shortens any branch, the set of branches that end up long is the
 * smallest set that is closed under "is too far with these long jumps";
 * it is reached here by adding every too-far branch of a layout at once,
 * and only the offsets are recomputed between rounds.
 *
 * Statements may carry jumps inside their block (struct stmt jt/jf point
 * at later statements; protochain uses them); they are resolved against
 * the block's statement list with libpcap's checks and messages.
 */
#include <stdlib.h>
#include <string.h>

#include "opt-int.h"

/* The emitter's memory comes from malloc, not the arena (whose chunks
   double and are zero-filled), and is freed when the compile ends. */
struct layout {
	struct cc *cc;
	struct block **order;	/* postorder: order[n-1] is the root */
	u_int n, cap;
	u_int *slen;		/* live statements of order[i] */
	struct block **stack;	/* the walk's stack and, per entry, how */
	unsigned char *state;	/* many successors it has entered */
	struct slist **pos;	/* local_jumps' scratch */
	u_char *ljt, *ljf;
};

static void
layout_free(void *arg)
{
	struct layout *lo = arg;

	free(lo->order);
	free(lo->slen);
	free(lo->stack);
	free(lo->state);
	free(lo->pos);
	free(lo->ljt);
	free(lo->ljf);
}

/* Grow *p to hold cap elements of size (cc_error if out of memory). */
static void
grow(struct cc *cc, void **p, size_t cap, size_t size)
{
	void *np = realloc(*p, cap * size);

	if (np == NULL)
		cc_error(cc, "malloc");
	*p = np;
}

/* Postorder, false successor first, without recursion: each stack entry
   remembers how many of its successors it has entered. */
static void
walk_post(struct layout *lo, struct icode *ic, struct block *root)
{
	u_int n = 0, cap = 0;

	CC_UNMARK_ALL(ic);
	CC_MARK(ic, root);
	for (;;) {
		struct block *b, *next;

		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			grow(lo->cc, (void **)&lo->stack, cap, sizeof(*lo->stack));
			grow(lo->cc, (void **)&lo->state, cap, 1);
		}
		if (n == 0) {
			if (lo->n > 0)
				break;
			lo->stack[n] = root;
			lo->state[n++] = 0;
			continue;
		}
		b = lo->stack[n - 1];
		if (lo->state[n - 1] < 2) {
			next = lo->state[n - 1] == 0 ? JF(b) : JT(b);
			lo->state[n - 1]++;
			if (next != NULL && !CC_IS_MARKED(ic, next)) {
				CC_MARK(ic, next);
				lo->stack[n] = next;
				lo->state[n++] = 0;
			}
			continue;
		}
		n--;
		if (lo->n == lo->cap) {
			lo->cap = lo->cap ? 2 * lo->cap : 256;
			grow(lo->cc, (void **)&lo->order, lo->cap,
			    sizeof(*lo->order));
		}
		lo->order[lo->n++] = b;
	}
}

/* ------------------------------------------------------------------------
 * Jumps inside a block.
 * --------------------------------------------------------------------- */

#define LJERR	"%s for block-local relative jump: off=%d"

/*
 * The in-block jump offsets of b's statements into jt[]/jf[] (indexed by
 * live statement), or cc_error with libpcap's message.  As in libpcap,
 * targets are looked up by their position in the raw list (deleted
 * statements included) among its first slen entries.
 */
static void
local_jumps(struct cc *cc, struct block *b, u_int slen, struct slist **pos,
    u_char *jt, u_char *jf)
{
	struct slist *src;
	u_int off, i;

	if (slen == 0)
		return;
	for (off = 0, src = b->stmts; off < slen && src; off++, src = src->next)
		pos[off] = src;
	off = 0;
	for (src = b->stmts; src != NULL; src = src->next) {
		int njt = 0, njf = 0;

		if (src->s.code == OPT_NOP)
			continue;
		jt[off] = jf[off] = 0;
		if (BPF_CLASS(src->s.code) != BPF_JMP ||
		    src->s.code == (BPF_JMP | BPF_JA) || off == slen - 2) {
			off++;
			continue;
		}
		if (src->s.jt == NULL || src->s.jf == NULL)
			cc_error(cc, LJERR, "no jmp destination", (int)off);
		for (i = 0; i < slen; i++) {
			if (pos[i] == src->s.jt) {
				if (njt)
					cc_error(cc, LJERR, "multiple matches",
					    (int)off);
				if (i - off - 1 >= 256)
					cc_error(cc, LJERR, "out-of-range jump",
					    (int)off);
				jt[off] = (u_char)(i - off - 1);
				njt++;
			}
			if (pos[i] == src->s.jf) {
				if (njf)
					cc_error(cc, LJERR, "multiple matches",
					    (int)off);
				if (i - off - 1 >= 256)
					cc_error(cc, LJERR, "out-of-range jump",
					    (int)off);
				jf[off] = (u_char)(i - off - 1);
				njf++;
			}
		}
		if (!njt || !njf)
			cc_error(cc, LJERR, "no destination found", (int)off);
		off++;
	}
}

/* Does any block's statement list contain a conditional jump? */
static int
has_local_jumps(const struct layout *lo)
{
	u_int i;

	for (i = 0; i < lo->n; i++) {
		const struct slist *s;

		for (s = lo->order[i]->stmts; s != NULL; s = s->next)
			if (s->s.code != OPT_NOP &&
			    BPF_CLASS(s->s.code) == BPF_JMP &&
			    s->s.code != (BPF_JMP | BPF_JA))
				return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Layout.
 * --------------------------------------------------------------------- */

/* Offsets of every block for the current long-jump flags; the total. */
static u_int
place(struct layout *lo)
{
	u_int i, total = 0;

	for (i = 0; i < lo->n; i++) {
		struct block *b = lo->order[i];

		total += lo->slen[i] + 1 + b->longjt + b->longjf;
	}
	{
		u_int end = total;

		for (i = 0; i < lo->n; i++) {
			struct block *b = lo->order[i];

			end -= lo->slen[i] + 1 + b->longjt + b->longjf;
			b->offset = (int)end;
		}
	}
	return total;
}

/* Distance from b's branch to target, as libpcap computes it. */
static u_int
branch_off(const struct block *b, u_int slen, const struct block *target)
{
	return (u_int)target->offset - ((u_int)b->offset + slen) - 1;
}

/* Flag every branch that is too far; returns how many were new. */
static u_int
flag_long(struct layout *lo)
{
	u_int i, added = 0;

	for (i = 0; i < lo->n; i++) {
		struct block *b = lo->order[i];

		if (JT(b) == NULL)
			continue;
		if (!b->longjt && branch_off(b, lo->slen[i], JT(b)) >= 256) {
			b->longjt = 1;
			added++;
		}
		if (!b->longjf && branch_off(b, lo->slen[i], JF(b)) >= 256) {
			b->longjf = 1;
			added++;
		}
	}
	return added;
}

struct bpf_insn *
emit_program(struct cc *cc, struct icode *ic, struct block *root, u_int *lenp)
{
	struct layout *lop = cc_alloc(cc, sizeof(*lop));
	struct layout lo;	/* a copy for speed; lop owns the memory */
	struct bpf_insn *fp;
	u_char *ljt = NULL, *ljf = NULL;
	u_int i, total, maxslen = 0;
	int local;

	lop->cc = cc;
	cc_on_cleanup(cc, layout_free, lop);
	walk_post(lop, ic, root);
	grow(cc, (void **)&lop->slen, lop->n, sizeof(*lop->slen));
	lo = *lop;
	for (i = 0; i < lo.n; i++) {
		lo.order[i]->longjt = 0;
		lo.order[i]->longjf = 0;
		lo.slen[i] = opt_slength(lo.order[i]->stmts);
		if (lo.slen[i] > maxslen)
			maxslen = lo.slen[i];
	}
	local = has_local_jumps(&lo);
	if (local) {
		/* libpcap reports the first bad block in layout order */
		grow(cc, (void **)&lop->pos, maxslen + 1, sizeof(*lop->pos));
		grow(cc, (void **)&lop->ljt, maxslen + 1, 1);
		grow(cc, (void **)&lop->ljf, maxslen + 1, 1);
		ljt = lop->ljt;
		ljf = lop->ljf;
		for (i = 0; i < lo.n; i++)
			local_jumps(cc, lo.order[i], lo.slen[i], lop->pos,
			    ljt, ljf);
	}
	do
		total = place(&lo);
	while (flag_long(&lo) != 0);

	fp = calloc(total ? total : 1, sizeof(*fp));
	if (fp == NULL)
		cc_error(cc, "malloc");
	for (i = 0; i < lo.n; i++) {
		struct block *b = lo.order[i];
		struct bpf_insn *dst = fp + b->offset;
		struct slist *src;
		u_int off = 0, slen = lo.slen[i];

		if (local)
			/* cannot fail now */
			local_jumps(cc, b, slen, lop->pos, ljt, ljf);
		for (src = b->stmts; src != NULL; src = src->next) {
			if (src->s.code == OPT_NOP)
				continue;
			dst->code = (u_short)src->s.code;
			dst->k = src->s.k;
			if (local) {
				dst->jt = ljt[off];
				dst->jf = ljf[off];
			}
			dst++;
			off++;
		}
		dst->code = (u_short)b->s.code;
		dst->k = b->s.k;
		if (JT(b) != NULL) {
			u_char extra = 0;
			u_int d = branch_off(b, slen, JT(b));

			if (d >= 256) {
				dst->jt = extra;
				extra++;
				dst[extra].code = BPF_JMP | BPF_JA;
				dst[extra].k = d - extra;
			} else
				dst->jt = (u_char)d;
			d = branch_off(b, slen, JF(b));
			if (d >= 256) {
				dst->jf = extra;
				extra++;
				dst[extra].code = BPF_JMP | BPF_JA;
				dst[extra].k = d - extra;
			} else
				dst->jf = (u_char)d;
		}
	}
	*lenp = total;
	return fp;
}
