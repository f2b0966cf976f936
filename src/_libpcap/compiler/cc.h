/*
 * cc.h - what every part of the filter compiler shares: the compile context
 * (one per pcap_compile call, no globals), its arena, error exits, and the
 * intermediate code (blocks of statements joined by true/false edges) that
 * the code generator builds, the optimizer rewrites and the emitter lays out
 * as a struct bpf_program.
 *
 * The pipeline: lexer.c -> parser.c (an explicit-stack parser) -> gen-*.c (the
 * code generator, split by protocol family, entered through gen.h) ->
 * opt-*.c (optimizer) -> emit.c (layout, long jumps, bpf_insn array).
 * compile.c drives it and is the only file that knows pcap_t.
 *
 * Errors: any stage may call cc_error(), which writes the message into the
 * context's errbuf and longjmps back to compile.c; everything allocated
 * during the compile lives in the arena (or is registered with
 * cc_on_cleanup), so an error path cannot leak.
 */
#ifndef PCAP_COMPILER_CC_H
#define PCAP_COMPILER_CC_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "pcap-int.h"

/* ------------------------------------------------------------------------
 * Intermediate code.
 *
 * A statement is one BPF instruction that is not a conditional jump
 * (loads, stores, ALU, and the unconditional/return forms); a block is a
 * straight run of statements ending in a branch (its s: a BPF_JMP test, or
 * a BPF_RET for a leaf).  JT(b)/JF(b) are the successors.  While code is
 * being generated, "sense" and the unresolved successor pointers thread the
 * lists of exits still to be patched (see gen_and/gen_or in gen-core.c).
 * --------------------------------------------------------------------- */

struct slist;

struct stmt {
	int code;		/* BPF opcode */
	struct slist *jt;	/* in-block relative jump (BPF_JA) targets, */
	struct slist *jf;	/* resolved to offsets by the emitter */
	bpf_u_int32 k;
};

struct slist {
	struct stmt s;
	struct slist *next;
};

/* Atoms are the scratch memory words M[0..BPF_MEMWORDS-1], then A and X. */
#define CC_N_ATOMS	(BPF_MEMWORDS + 2)
#define CC_A_ATOM	BPF_MEMWORDS
#define CC_X_ATOM	(BPF_MEMWORDS + 1)

typedef bpf_u_int32 cc_atomset;	/* one bit per atom (fits: 18 atoms) */
#define CC_ATOMMASK(n)		((cc_atomset)1 << (n))
#define CC_ATOMELEM(d, n)	((d) & CC_ATOMMASK(n))

typedef bpf_u_int32 *cc_uset;	/* bit vector sized by the optimizer */

struct block;

/* A CFG edge: the true or the false exit of a block. */
struct edge {
	u_int id;
	int code;		/* branch opcode, negated (-code) on the false edge */
	cc_uset edom;		/* edge dominators (optimizer) */
	struct block *succ;
	struct block *pred;
	struct edge *next;	/* next incoming edge of succ */
};

struct block {
	u_int id;
	struct slist *stmts;	/* side-effect statements */
	struct stmt s;		/* the branch (or return) ending the block */
	int mark;
	u_int longjt;		/* emitter: jt needs a long jump */
	u_int longjf;
	int level;
	int offset;		/* emitter: position of the block's code */
	int sense;		/* generator: which exit is the patch link */
	struct edge et;		/* true exit */
	struct edge ef;		/* false exit */
	struct block *head;	/* generator: entry block of this expression */
	struct block *link;	/* optimizer: level lists / equivalence link */
	cc_uset dom;
	cc_uset closure;
	struct edge *in_edges;
	cc_atomset def, kill;
	cc_atomset in_use;
	cc_atomset out_use;
	int oval;		/* value number tested by the branch */
	bpf_u_int32 val[CC_N_ATOMS];
};

#define JT(b)	((b)->et.succ)
#define JF(b)	((b)->ef.succ)

/* An arithmetic expression: checks guarding it, code computing it into
   the scratch register regno. */
struct arth {
	struct block *b;
	struct slist *s;
	int regno;
};

/* The program being built or rewritten, and the marking generation used to
   walk it (a block is marked iff b->mark == ic->cur_mark). */
struct icode {
	struct block *root;
	int cur_mark;
};

#define CC_IS_MARKED(ic, b)	((b)->mark == (ic)->cur_mark)
#define CC_UNMARK_ALL(ic)	((ic)->cur_mark += 1)
#define CC_MARK(ic, b)		((b)->mark = (ic)->cur_mark)

/* ------------------------------------------------------------------------
 * The compile context.
 * --------------------------------------------------------------------- */

/* pcap_t->bpf_codegen_flags bits (libpcap's names). */
#define BPF_SPECIAL_VLAN_HANDLING	0x00000001	/* vlan via SKF_AD_VLAN_* */
#define BPF_SPECIAL_BASIC_HANDLING	0x00000002	/* SKF_AD_PKTTYPE/IFINDEX/PROTOCOL */

/* How link-layer "address family" fields of DLT_NULL-like headers are
   compared: a live/dead handle (host order, both orders tried where libpcap
   does), or a savefile in the host's byte order or the other one. */
enum cc_source {
	CC_SOURCE_LIVE = 0,		/* live or dead handle */
	CC_SOURCE_OFFLINE_UNSWAPPED,	/* savefile, same byte order as host */
	CC_SOURCE_OFFLINE_SWAPPED	/* savefile, opposite byte order */
};

/* Everything a compile depends on besides the expression text. */
struct cc_opts {
	int linktype;		/* DLT_ value */
	int snaplen;
	bpf_u_int32 netmask;	/* host order, PCAP_NETMASK_UNKNOWN if none */
	int optimize;		/* 0 = none, 1 = libpcap's optimizer, 2 = ours */
	u_int codegen_flags;	/* BPF_SPECIAL_* */
	enum cc_source source;
};

/* Where a front-end error arose, for the native API's exceptions. */
struct cc_errpos {
	int offset;		/* byte offset in the expression, -1 if unknown */
	char token[64];		/* the offending token text ("" at end) */
};

struct cc_cleanup {		/* a resource freed when the compile ends */
	void (*fn)(void *);
	void *arg;
	struct cc_cleanup *next;
};

struct cc_chunk;
struct gen_state;		/* code generator state, see gen-int.h */

struct cc {
	jmp_buf top;		/* cc_error() returns here */
	char *errbuf;		/* PCAP_ERRBUF_SIZE bytes, owned by the caller */
	int error_set;		/* first message wins (cc_set_error) */
	struct cc_errpos pos;	/* set by the lexer/parser with syntax errors */

	struct cc_opts opts;	/* inputs; never changed by the stages */
	const char *text;	/* the expression (NUL-terminated) */
	size_t text_len;

	struct icode ic;	/* the program (root set by gen_finish) */
	int no_optimize;	/* the generator asks for unoptimized output */

	struct gen_state *gen;	/* code generator state (gen-core.c) */

	/* Arena: chunks freed all at once at the end of the compile. */
	struct cc_chunk *chunks;
	size_t arena_bytes;	/* total, bounded by CC_ARENA_LIMIT */
	struct cc_cleanup *cleanups;
};

/* No compile may use more than this much arena memory ("out of memory"
   then, never an unbounded allocation). */
#define CC_ARENA_LIMIT	((size_t)1 << 30)

/* Deepest nesting of parentheses around a one-token primitive ("tcp") the
   parser accepts: libpcap's bison parser fails ("memory exhausted") when its
   stack would reach 10,000 entries, and "((...(tcp)...))" keeps one entry
   per '(' plus four (initial state, null, expr, ')').  Other constructs hold
   more per level ('!' 1, "not (" 2, "x or (" 3); parser.c counts them as
   bison does, on a heap stack, so no stage recurses with the nesting. */
#define CC_MAX_NESTING	9995

/* ---- cc-core.c -------------------------------------------------------- */

/* printf into errbuf (unless an error was already set) and longjmp to the
   top of the compile.  Never returns. */
INTERNAL _Noreturn void cc_error(struct cc *cc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Record a message without leaving (the first one set is kept). */
INTERNAL void cc_set_error(struct cc *cc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Zeroed arena memory (cc_error "out of memory" on failure or over the
   limit); lives until the compile ends. */
INTERNAL void *cc_alloc(struct cc *cc, size_t n);
INTERNAL char *cc_strdup(struct cc *cc, const char *s);
INTERNAL char *cc_strndup(struct cc *cc, const char *s, size_t n);
/* Run fn(arg) when the compile ends (success or error), newest first. */
INTERNAL void cc_on_cleanup(struct cc *cc, void (*fn)(void *), void *arg);
/* Free the arena and run the cleanups; the context may then be discarded. */
INTERNAL void cc_release(struct cc *cc);

/* Statements and blocks. */
INTERNAL struct slist *cc_new_stmt(struct cc *cc, int code);
INTERNAL struct slist *cc_new_stmt_k(struct cc *cc, int code, bpf_u_int32 k);
INTERNAL struct block *cc_new_block(struct cc *cc, int code);
/* Append s1 to the end of s0. */
INTERNAL void cc_sappend(struct slist *s0, struct slist *s1);

/* ---- compile.c -------------------------------------------------------- */

/*
 * The whole compile for opts: expression text in, program out.  Returns 0,
 * or PCAP_ERROR with libpcap's message in errbuf (and, for syntax errors,
 * the position in *pos when pos is not NULL).  prog->bf_insns is malloc'ed;
 * free it with pcap_freecode.  Thread-safe: all state is on the stack/arena.
 */
INTERNAL int cc_compile(const struct cc_opts *opts, const char *expr,
    struct bpf_program *prog, char *errbuf, struct cc_errpos *pos);

/* pcap_compile on a handle, also telling where a syntax error arose (pos
   may be NULL: then it is pcap_compile). */
INTERNAL int cc_compile_handle(pcap_t *p, struct bpf_program *prog,
    const char *expr, int optimize, bpf_u_int32 mask, struct cc_errpos *pos);

/* ---- parser.c (lexer.c underneath) ------------------------------------ */

/* Parse cc->text, generating code as it goes; the root is left in
   cc->ic.root (via gen_finish), or NULL for an empty expression. */
INTERNAL void parse_filter(struct cc *cc);

/* ---- opt-*.c ---------------------------------------------------------- */

/* libpcap's optimizer over cc->ic.  Errors via cc_error (e.g. an
   expression that rejects all packets is reported by compile.c). */
INTERNAL void opt_optimize(struct cc *cc, struct icode *ic);

/* ---- emit.c ----------------------------------------------------------- */

/* Lay out the blocks reachable from root as a malloc'ed bpf_insn array
   (long jumps inserted where a branch is too far); *lenp gets its length.
   Errors via cc_error. */
INTERNAL struct bpf_insn *emit_program(struct cc *cc, struct icode *ic,
    struct block *root, u_int *lenp);

#endif /* PCAP_COMPILER_CC_H */
