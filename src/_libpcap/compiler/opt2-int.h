/*
 * opt2-int.h - the level-2 optimizer's shared state (optimize=2, -O2).
 *
 * Level 2 is ours, not libpcap's: it takes the unoptimized program (whose
 * meaning is the expression's), and
 *   opt2-dag.c   runs it symbolically along every path, remembering what
 *                each test and each packet load already proved, so that a
 *                test whose outcome is known is never made again; the
 *                result is a decision graph over symbolic values, with
 *                identical subgraphs shared (hash-consed);
 *   opt2-set.c   turns runs of equality tests that share a target (the
 *                shape of "port a or b or c", "host ...", "net ...") into
 *                binary searches over sorted keys and ranges;
 *   opt2-emit.c  lays the graph out as BPF again: computes each tested
 *                value where it is needed, keeps track of what A and X
 *                hold, and inserts long jumps.
 * Packet loads that may fall off the captured bytes are kept as explicit
 * "guard" nodes, in their original order, so that a short packet is
 * rejected exactly where the unoptimized program rejects it: the result
 * accepts exactly the same packets (tests/test_opt2_equivalence.py checks).
 */
#ifndef PCAP_COMPILER_OPT2_INT_H
#define PCAP_COMPILER_OPT2_INT_H

#include <stddef.h>
#include <stdint.h>

#include "cc.h"

/* ---- symbolic values ---------------------------------------------------- */

enum o2_vkind {
	V_CONST,	/* k */
	V_LEN,		/* the packet's length */
	V_LOAD,		/* size bytes at base + k (base: value id, 0 = absolute) */
	V_AUX,		/* Linux ancillary load (k >= SKF_AD_OFF), never fails */
	V_MSH,		/* 4 * (P[k] & 0xf) */
	V_ALU,		/* op applied to a and b */
	V_NEG		/* -a */
};

struct o2_val {
	uint8_t kind;
	uint8_t size;		/* V_LOAD: 1, 2 or 4 */
	uint16_t op;		/* V_ALU: BPF_ADD ... */
	uint32_t k;
	int a, b;		/* operand ids (V_LOAD: a = base), -1 if none */
	int depth;		/* longest operand chain, bounded */
	int impure;		/* divides by a non-constant somewhere */
};

/* What the current path knows about one value. */
struct o2_know {
	uint32_t eq;		/* its value, if has_eq */
	uint32_t lo, hi;	/* bounds (inclusive) */
	uint32_t clear;		/* bits known to be zero */
	uint8_t has_eq;
	int ne;			/* list of excluded constants / nonzero masks */
	uint64_t extent;	/* as a load base: bytes proven captured */
};

struct o2_ne {			/* a list entry of o2_know.ne */
	uint32_t k;
	uint8_t is_mask;	/* 1: (v & k) != 0 is known; 0: v != k */
	int next;
};

struct o2_xfact {		/* a test between two values, and its outcome */
	int op, a, b, outcome;
};

/* ---- the decision graph ------------------------------------------------- */

enum o2_nkind {
	N_RET,		/* return k */
	N_RETA,		/* return value a */
	N_TEST,		/* op a (b >= 0 ? value b : k): t or f; a = -1:
			   whatever A holds (inside a search) */
	N_GUARD,	/* load value a (reject if it falls off), then t */
	N_COMPUTE	/* A = value a (already proven), then t */
};

struct o2_node {
	uint8_t kind;
	uint8_t op;		/* BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET */
	uint32_t k;
	int a, b;
	int t, f;
};

struct o2_undo {		/* an o2_know as it was before a change */
	int vid;
	struct o2_know old;
};

struct o2 {
	/* values, hash-consed */
	struct o2_val *val;
	int nval, capval;
	int *vhash;		/* open addressing, -1 = empty */
	size_t vhcap;

	/* facts along the current path, with an undo log */
	struct o2_know *know;	/* per value id */
	struct o2_ne *ne;
	int nne, capne;
	struct o2_xfact *xf;
	int nxf, capxf;
	struct o2_undo *undo;
	int nundo, capundo;

	/* nodes, hash-consed */
	struct o2_node *node;
	int nnode, capnode;
	int *nhash;
	size_t nhcap;

	long steps, step_limit;	/* work done by the walk, and its bound */
	int failed;		/* out of memory, over a bound, or unsupported */
};

/* A mark of the fact state, to return to. */
struct o2_mark {
	int nundo, nne, nxf;
};

/* Bounds: beyond them level 2 gives up and the caller uses level 1. */
#define O2_MAX_DEPTH	64	/* operand chain of one value */
#define O2_MAX_NODES	(1 << 22)
#define O2_MAX_VALUES	(1 << 22)
#define O2_LEAF		6	/* keys tested one by one at a search leaf */

/* opt2-dag.c */
INTERNAL void o2_init(struct o2 *o);
INTERNAL void o2_free(struct o2 *o);
INTERNAL int o2_value(struct o2 *o, int kind, int size, int op, uint32_t k,
    int a, int b);
INTERNAL int o2_node(struct o2 *o, int kind, int op, uint32_t k, int a,
    int b, int t, int f);
/* The graph of prog (root node id), or -1 (o->failed says why). */
INTERNAL int o2_build(struct o2 *o, const struct bpf_insn *prog, u_int len);

/* opt2-set.c: the graph from root with equality runs as searches. */
INTERNAL int o2_sets(struct o2 *o, int root);

/* opt2-emit.c: the graph from root as a malloc'ed program, or NULL. */
INTERNAL struct bpf_insn *o2_emit(struct o2 *o, int root, u_int *lenp);

/* opt2-dag.c: the whole level-2 pass; a malloc'ed program, or NULL when
   level 2 does not apply (the caller then uses level 1). */
INTERNAL struct bpf_insn *opt2_program(const struct bpf_insn *prog,
    u_int len, u_int *outlen);

#endif /* PCAP_COMPILER_OPT2_INT_H */
