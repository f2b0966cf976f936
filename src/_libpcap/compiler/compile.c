/*
 * compile.c - pcap_compile and pcap_compile_nopcap: turn a pcap_t (or a
 * link type and snaplen) into compile options, run lexer/parser/generator,
 * the optimizer and the emitter inside one context, and hand back a
 * malloc'ed program.  libpcap master's order of checks and messages.
 */
#include <stdlib.h>
#include <string.h>

#include "cc.h"
#include "gen.h"
#include "opt2-int.h"
#include "../bpf/vm.h"

/*
 * Level 2 (ours, opt2-*.c) from the unoptimized program unopt (taken over):
 * its result when it applies and passes the validator, else the
 * unoptimized program itself, which accepts the same packets (level 1
 * would not always: libpcap's optimizer drops loads whose value it does
 * not need, and with them the rejection of packets too short for them).
 * A program that rejects everything is refused as level 1 refuses it.
 */
static int
level2(struct bpf_insn *unopt, u_int len, struct bpf_program *prog,
    char *errbuf)
{
	struct bpf_insn *out;
	u_int outlen = 0;
	out = opt2_program(unopt, len, &outlen);
	if (out == NULL || outlen == 0 || !vm_check(out, outlen, NULL, 0)) {
		free(out);
		out = unopt;		/* level 2 does not apply */
		outlen = len;
	} else {
		free(unopt);
	}
	if (outlen == 1 && out[0].code == (BPF_RET | BPF_K) && out[0].k == 0) {
		free(out);
		core_fmt(errbuf, "expression rejects all packets");
		return PCAP_ERROR;
	}
	prog->bf_insns = out;
	prog->bf_len = outlen;
	return 0;
}

int
cc_compile(const struct cc_opts *opts, const char *expr,
    struct bpf_program *prog, char *errbuf, struct cc_errpos *pos)
{
	/* volatile: read after a longjmp back into this frame */
	struct cc ctx;
	struct cc *volatile cc = &ctx;
	struct bpf_insn *insns;
	u_int len = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.errbuf = errbuf;
	ctx.opts = *opts;
	ctx.text = expr != NULL ? expr : "";
	ctx.text_len = strlen(ctx.text);
	ctx.pos.offset = -1;
	if (pos != NULL) {
		pos->offset = -1;
		pos->token[0] = '\0';
	}

	if (opts->snaplen == 0) {
		core_fmt(errbuf, "snaplen of 0 rejects all packets");
		return PCAP_ERROR;
	}
	if (setjmp(ctx.top)) {
		if (pos != NULL)
			*pos = cc->pos;
		cc_release(cc);
		return PCAP_ERROR;
	}
	gen_init(cc);
	parse_filter(cc);
	if (cc->ic.root == NULL)
		cc->ic.root = gen_accept_all(cc);

	if (opts->optimize == 2 && !cc->no_optimize) {
		insns = emit_program(cc, &cc->ic, cc->ic.root, &len);
		cc_release(cc);
		return level2(insns, len, prog, errbuf);
	}
	if (opts->optimize && !cc->no_optimize) {
		opt_optimize(cc, &cc->ic);
		if (cc->ic.root == NULL ||
		    (cc->ic.root->s.code == (BPF_RET | BPF_K) &&
		     cc->ic.root->s.k == 0))
			cc_error(cc, "expression rejects all packets");
	}
	insns = emit_program(cc, &cc->ic, cc->ic.root, &len);
	cc_release(cc);
	prog->bf_insns = insns;
	prog->bf_len = len;
	return 0;
}

/* Compile options for a handle: its link type, snapshot and the flags its
   backend set; savefiles compare link-layer address families in the file's
   byte order. */
static void
opts_for_handle(pcap_t *p, int optimize, bpf_u_int32 mask, struct cc_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->linktype = p->linktype;
	o->snaplen = p->snapshot;
	o->netmask = mask;
	o->optimize = optimize < 0 ? 1 : optimize > 2 ? 1 : optimize;
	o->codegen_flags = p->bpf_codegen_flags;
	if (p->rfile != NULL)
		o->source = p->swapped ? CC_SOURCE_OFFLINE_SWAPPED
				       : CC_SOURCE_OFFLINE_UNSWAPPED;
	else
		o->source = CC_SOURCE_LIVE;
}

int
cc_compile_handle(pcap_t *p, struct bpf_program *program, const char *buf,
    int optimize, bpf_u_int32 mask, struct cc_errpos *pos)
{
	struct cc_opts o;

	if (pos != NULL) {
		pos->offset = -1;
		pos->token[0] = '\0';
	}
	if (!p->activated) {
		core_fmt(p->errbuf,
		    "not-yet-activated pcap_t passed to pcap_compile");
		return PCAP_ERROR;
	}
	opts_for_handle(p, optimize, mask, &o);
	return cc_compile(&o, buf, program, p->errbuf, pos);
}

int
pcap_compile(pcap_t *p, struct bpf_program *program, const char *buf,
    int optimize, bpf_u_int32 mask)
{
	CORE_REQUIRE(p, PCAP_ERROR);
	if (program == NULL) {
		core_fmt(p->errbuf, "pcap_compile: a NULL pointer was passed "
		    "for the program");
		return PCAP_ERROR;	/* libpcap would crash */
	}
	/* libpcap: any nonzero value is its optimizer (level 2 is ours, and
	   only through cc_compile_handle). */
	return cc_compile_handle(p, program, buf, optimize != 0, mask, NULL);
}

int
pcap_compile_nopcap(int snaplen, int linktype, struct bpf_program *program,
    const char *buf, int optimize, bpf_u_int32 mask)
{
	pcap_t *p;
	int ret;

	p = pcap_open_dead(linktype, snaplen);
	if (p == NULL)
		return PCAP_ERROR;
	ret = pcap_compile(p, program, buf, optimize, mask);
	pcap_close(p);
	return ret;
}
