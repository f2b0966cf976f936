/*
 * fuzz_compile.c - libFuzzer harness for the filter compiler: compile
 * whatever expression the fuzzer makes up, for a part-1 link type, with and
 * without the optimizer.
 *
 * Input: byte 0 picks the link type (modulo the part-1 list), byte 1 holds
 * flags (bit 0: optimize first, bit 1: a netmask of 255.255.255.0 instead
 * of "unknown"), then the expression up to the first NUL or the end; bytes
 * after a NUL are one more packet to run.
 * Checks, beyond "no crash, no sanitizer report, no leak, no hang":
 *   - a compile that fails leaves an error message;
 *   - a program that compiles passes bpf_validate;
 *   - when the expression compiles both ways, the optimized and the
 *     unoptimized programs give the same answer on the built-in packets of
 *     that link type and on the input's own packet, except on a packet the
 *     rejecting program stopped on early (a load past the captured bytes or
 *     a division by zero: the optimizer legitimately drops loads whose
 *     value cannot matter); and when only the unoptimized one compiles
 *     because the optimizer found that nothing passes, it accepts none;
 *     either rule gives way only where the system libpcap's programs
 *     break it the same way (libpcap_does_the_same below).
 * The run classifier is compile_oracle.c's interpret() (included below).
 *   - level 2 (optimize=2, ours) returns exactly what the unoptimized
 *     program returns on every packet, and refuses only an expression
 *     that accepts none of them (check_level2);
 * Name lookups happen in a fresh network namespace where one can be made
 * (no DNS round trips); otherwise the resolver is told to give up fast.
 * Build and run: tests/fuzz/run_fuzzers.sh (built with -DFUZZ_COMPILE_BREAK
 * the optimized program is deliberately damaged, and the harness must abort
 * on the seed corpus: a check of the check).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include "../../src/_libpcap/compiler/cc.h"

#define COMPILE_ORACLE_LIBRARY
#include "../oracle/compile_oracle.c"

static const int dlts[] = { 1, 12, 228, 229, 0, 108, 113, 276, 9, 50, 16, 166,
			    51, 104, 8 };
#define NDLT ((int)(sizeof dlts / sizeof dlts[0]))

/* ---- built-in packets ----------------------------------------------------- */

#define MAXPKT 16
#define PKTLEN 160

struct pktbuf {
	u_char b[PKTLEN];
	u_int len;
};

static const u_char ip4_tcp[] = {
	0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 192, 168, 1, 255,
	0x04, 0x00, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x20, 0, 0, 0, 0, 0 };
static const u_char ip4_udp_mcast[] = {
	0x46, 0, 0, 36, 0, 2, 0, 0, 1, 17, 0, 0, 1, 2, 3, 4, 224, 0, 0, 1,
	1, 1, 1, 1, 0, 53, 0, 53, 0, 8, 0, 0 };
static const u_char ip4_frag_icmp[] = {
	0x45, 0, 0, 28, 0, 3, 0x20, 185, 64, 1, 0, 0, 250, 1, 2, 3, 10, 0, 0, 2,
	8, 0, 0, 0, 0, 0, 0, 0 };
static const u_char ip6_udp[] = {
	0x60, 0, 0, 0, 0, 8, 17, 64,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x02, 0x22, 0x02, 0x23, 0, 8, 0, 0 };
static const u_char ip6_frag_tcp[] = {
	0x60, 0, 0, 0, 0, 28, 44, 64,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	6, 0, 0, 0, 0, 0, 0, 1,
	0x01, 0xbb, 0x00, 0x16, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x12, 0x20, 0, 0, 0, 0, 0 };
static const u_char arp_req[] = {
	0, 1, 8, 0, 6, 4, 0, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 10, 0, 0, 1,
	0, 0, 0, 0, 0, 0, 10, 0, 0, 2 };

struct l3 {
	const u_char *d;
	u_int len;
	uint16_t ethertype;
	uint16_t ppp;
	uint32_t af;
};

static const struct l3 payloads[] = {
	{ ip4_tcp, sizeof ip4_tcp, 0x0800, 0x0021, 2 },
	{ ip4_udp_mcast, sizeof ip4_udp_mcast, 0x0800, 0x0021, 2 },
	{ ip4_frag_icmp, sizeof ip4_frag_icmp, 0x0800, 0x0021, 2 },
	{ ip6_udp, sizeof ip6_udp, 0x86dd, 0x0057, 10 },
	{ ip6_frag_tcp, sizeof ip6_frag_tcp, 0x86dd, 0x0057, 24 },
	{ arp_req, sizeof arp_req, 0x0806, 0xc021, 7 },
};
#define NPAYLOAD ((int)(sizeof payloads / sizeof payloads[0]))

static void
put16(u_char *p, uint16_t v)
{
	p[0] = (u_char)(v >> 8);
	p[1] = (u_char)v;
}

/* The link-layer header of dlt for this payload, in front of it; variant
   picks encapsulations (802.1Q, MPLS, PPPoE on Ethernet). */
static void
frame(int dlt, const struct l3 *l, int variant, struct pktbuf *out)
{
	u_char *b = out->b;
	u_int h = 0;

	memset(b, 0, sizeof out->b);
	switch (dlt) {
	case 1:
		memcpy(b, variant & 1 ? "\xff\xff\xff\xff\xff\xff" : "\x01\x00\x5e\x00\x00\x01", 6);
		memcpy(b + 6, "\x00\x11\x22\x33\x44\x55", 6);
		h = 12;
		if (variant == 2) {		/* 802.1Q, VLAN 100 */
			put16(b + h, 0x8100);
			put16(b + h + 2, 100);
			h += 4;
		}
		if (variant == 3) {		/* MPLS label 16, bottom of stack */
			put16(b + h, 0x8847);
			b[h + 2] = 0x00;
			b[h + 3] = 0x01;
			b[h + 4] = 0x01;
			b[h + 5] = 64;
			h += 6;
			break;
		}
		if (variant == 4) {		/* PPPoE session 0x1234 */
			put16(b + h, 0x8864);
			b[h + 2] = 0x11;
			put16(b + h + 4, 0x1234);
			put16(b + h + 6, (uint16_t)(l->len + 2));
			put16(b + h + 8, l->ppp);
			h += 10;
			break;
		}
		put16(b + h, l->ethertype);
		h += 2;
		break;
	case 12: case 228: case 229:
		break;
	case 0:
		memcpy(b, &l->af, 4);		/* host order */
		h = 4;
		break;
	case 108:
		b[3] = (u_char)l->af;
		h = 4;
		break;
	case 113:
		put16(b, (uint16_t)(variant & 3));
		put16(b + 2, 1);
		put16(b + 4, 6);
		memcpy(b + 6, "\x00\x11\x22\x33\x44\x55", 6);
		put16(b + 14, l->ethertype);
		h = 16;
		break;
	case 276:
		put16(b, l->ethertype);
		b[7] = 2;			/* ifindex 2 */
		put16(b + 8, 1);
		b[10] = (u_char)(variant & 3);
		b[11] = 6;
		h = 20;
		break;
	case 104:
		b[0] = 0x0f;
		put16(b + 2, l->ethertype);
		h = 4;
		break;
	case 16:
		put16(b + 5, l->ppp);
		h = 24;
		break;
	case 51:
		b[0] = 0x11;
		put16(b + 2, 0x1234);
		put16(b + 4, (uint16_t)(l->len + 2));
		put16(b + 6, l->ppp);
		h = 8;
		break;
	case 8:
		b[0] = (u_char)(variant & 1);
		b[1] = 0x40;
		h = 16;
		break;
	default:			/* PPP, PPP_SERIAL, PPP_PPPD */
		b[0] = 0xff;
		b[1] = 0x03;
		put16(b + 2, l->ppp);
		h = 4;
		break;
	}
	memcpy(b + h, l->d, l->len);
	out->len = h + l->len;
}

/* ---- the check ------------------------------------------------------------ */

static int
compile_with(int dlt, int optimize, bpf_u_int32 mask, const char *expr,
    struct bpf_program *prog, char *errbuf)
{
	struct cc_opts o;

	memset(&o, 0, sizeof o);
	o.linktype = dlt;
	o.snaplen = 262144;
	o.netmask = mask;
	o.optimize = optimize;
	o.source = CC_SOURCE_LIVE;
	errbuf[0] = '\0';
	if (cc_compile(&o, expr, prog, errbuf, NULL) != 0) {
		if (errbuf[0] == '\0')
			abort();		/* an error must say something */
		return -1;
	}
	if (!bpf_validate(prog->bf_insns, (int)prog->bf_len))
		abort();			/* we emitted an invalid program */
	return 0;
}

/* The answer of prog on pk (0 or not), or -1 if it is not comparable:
   it stopped early, loops, or read an unset scratch word. */
static int
answer(const struct bpf_program *prog, const struct packet *pk, int *stopped_early)
{
	u_int ret;
	enum run_end how = interpret(prog, pk, &ret);

	*stopped_early = how == END_STOP;
	if (how == END_LOOP || how == END_UNSET || how == END_ALIEN)
		return -1;
	return ret != 0;
}

/*
 * libpcap's own optimizer is not always right: it has known miscompiles
 * (e.g. "ip broadcast or ip broadcast" with a netmask becomes "ip"), and
 * ours reproduces master's output byte for byte, so the optimized and the
 * unoptimized programs can disagree exactly where libpcap's do.  When they
 * disagree on a packet, ask the system libpcap, in its own process (the
 * compile_oracle binary named by FUZZ_COMPILE_ORACLE, built by
 * run_fuzzers.sh): the disagreement is a finding only when libpcap's two
 * programs do not disagree the same way.  Returns 1 if libpcap gives the
 * unoptimized answer a and the optimized answer b (b < 0: the optimizer
 * refused with "rejects all packets"), 0 otherwise or with no oracle.
 * The oracle is libpcap 1.10.3 and ours is master: where their code
 * generators already differ (the unoptimized listings are not the same),
 * 1.10.3's optimizer says nothing about master's, and the disagreement is
 * let pass (e.g. master checks the link type once for "ip host X", and the
 * stale edge dominators of a pass whose peephole swapped a branch's exits
 * then fold "ip host 0.0 or ip src 0.0" into "ip"; 1.10.3's repeated
 * checks hide the same flaw).  Level 2 has no such excuse: check_level2.
 */
static int
ask_libpcap(const char *oracle, int dlt, bpf_u_int32 mask, const char *expr,
    const struct packet *pk, int a, int b, const struct bpf_program *unopt)
{
	char pkpath[] = "/tmp/fuzz_compile_pk.XXXXXX";
	char jobpath[] = "/tmp/fuzz_compile_job.XXXXXX";
	char cmd[512], line[4096];
	int fd, got = 0, answers[2] = { -2, -2 }, same_code = 1;
	u_int listed = 0;
	FILE *f;
	size_t i;
	uint32_t hdr[3];

	fd = mkstemp(pkpath);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "wb");
	hdr[0] = (uint32_t)dlt;		/* little-endian on the hosts we run */
	hdr[1] = pk->caplen;
	hdr[2] = pk->wirelen;
	fwrite(hdr, sizeof hdr, 1, f);
	fwrite(pk->data, 1, pk->caplen, f);
	fclose(f);
	fd = mkstemp(jobpath);
	if (fd < 0) {
		unlink(pkpath);
		return -1;
	}
	f = fdopen(fd, "w");
	for (i = 0; i < 2; i++) {
		size_t j;

		fprintf(f, "%d %zu %08x 262144 %s ", dlt, i, (unsigned)mask,
		    i == 0 ? "l" : "-");
		for (j = 0; expr[j] != '\0'; j++)
			fprintf(f, "%02x", (unsigned char)expr[j]);
		fprintf(f, "%s\n", expr[0] == '\0' ? "-" : "");
	}
	fclose(f);
	snprintf(cmd, sizeof cmd, "'%s' run '%s' < '%s'", oracle, pkpath, jobpath);
	f = popen(cmd, "r");
	while (f != NULL && got < 2 && fgets(line, sizeof line, f) != NULL) {
		unsigned len, valid, sum, bits;

		if (line[0] == '|') {
			/* the oracle's unoptimized listing, line by line */
			line[strcspn(line, "\n")] = '\0';
			if (listed >= unopt->bf_len || strcmp(line + 1,
			    bpf_image(&unopt->bf_insns[listed], (int)listed)) != 0)
				same_code = 0;
			listed++;
			continue;
		}
		if (strncmp(line, "ERR ", 4) == 0)
			answers[got++] = strstr(line, "rejects all packets") ? -1 : -2;
		else if (sscanf(line, "OK %u %u %x %x", &len, &valid, &sum, &bits) == 4)
			answers[got++] = (int)(bits & 1);
		else if (strncmp(line, "OK ", 3) == 0)
			answers[got++] = -2;
	}
	if (f != NULL && got == 2)	/* the rest of the listing */
		while (fgets(line, sizeof line, f) != NULL)
			if (line[0] == '|')
				listed++;
	if (f != NULL)
		pclose(f);
	unlink(pkpath);
	unlink(jobpath);
	if (got < 2)
		return -1;	/* no answer */
	if (listed != unopt->bf_len)
		same_code = 0;
	if (!same_code)
		return 1;	/* master's code generator, not 1.10.3's */
	return answers[0] == a && answers[1] == b;
}

/* ask_libpcap, asked again when the oracle's process gave no answer (a
   busy machine); with no oracle at all every disagreement is a finding. */
static int
libpcap_does_the_same(int dlt, bpf_u_int32 mask, const char *expr,
    const struct packet *pk, int a, int b, const struct bpf_program *unopt)
{
	const char *oracle = getenv("FUZZ_COMPILE_ORACLE");
	int tries, r = -1;

	if (oracle == NULL || *oracle == '\0')
		return 0;
	for (tries = 0; tries < 5 && r < 0; tries++)
		r = ask_libpcap(oracle, dlt, mask, expr, pk, a, b, unopt);
	if (r < 0) {
		fprintf(stderr, "fuzz_compile: %s gave no answer; a disagreement "
		    "on \"%s\" is not judged\n", oracle, expr);
		return 1;
	}
	return r;
}

/*
 * Level 2 (ours) has no excuses: on every packet whose unoptimized run is
 * comparable it returns exactly what the unoptimized program returns,
 * short packets included, and it refuses an expression only when the
 * unoptimized program accepts none of them.
 */
static void
check_level2(int dlt, bpf_u_int32 mask, const char *expr,
    const struct bpf_program *unopt, const struct packet *run, int npk)
{
	char err[PCAP_ERRBUF_SIZE];
	struct bpf_program l2;
	int i, ok = compile_with(dlt, 2, mask, expr, &l2, err) == 0;

	for (i = 0; i < npk; i++) {
		u_int r0, r2;
		enum run_end how = interpret(unopt, &run[i], &r0);

		if (how == END_LOOP || how == END_UNSET || how == END_ALIEN)
			continue;
		if (!ok) {
			if (r0 != 0 || strstr(err, "rejects all packets") == NULL)
				abort();	/* level 2 refused a live filter */
			continue;
		}
		how = interpret(&l2, &run[i], &r2);
		if (how == END_LOOP || how == END_UNSET || how == END_ALIEN ||
		    r0 != r2)
			abort();		/* level 2 changed the answer */
	}
	if (ok)
		pcap_freecode(&l2);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* No DNS: lookups fail at once in an empty network namespace. */
	if (unshare(CLONE_NEWNET) != 0)
		setenv("RES_OPTIONS", "timeout:1 attempts:1", 1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err_unopt[PCAP_ERRBUF_SIZE], err_opt[PCAP_ERRBUF_SIZE];
	struct bpf_program unopt, opt;
	int dlt, first, have_unopt, have_opt, i, npk = 0;
	bpf_u_int32 mask;
	size_t exprlen;
	char *expr;
	struct pktbuf pkts[MAXPKT];
	u_char *extra = NULL;
	struct packet run[MAXPKT + 1];

	if (size < 2)
		return 0;
	dlt = dlts[data[0] % NDLT];
	first = data[1] & 1;
	mask = data[1] & 2 ? 0xffffff00u : PCAP_NETMASK_UNKNOWN;
	for (exprlen = 0; 2 + exprlen < size && data[2 + exprlen] != 0; exprlen++)
		;
	expr = malloc(exprlen + 1);
	if (expr == NULL)
		return 0;
	memcpy(expr, data + 2, exprlen);
	expr[exprlen] = '\0';

	/* The flag only orders the two compiles (state left by the first
	   must not change the second). */
	if (first) {
		have_opt = compile_with(dlt, 1, mask, expr, &opt, err_opt) == 0;
		have_unopt = compile_with(dlt, 0, mask, expr, &unopt, err_unopt) == 0;
	} else {
		have_unopt = compile_with(dlt, 0, mask, expr, &unopt, err_unopt) == 0;
		have_opt = compile_with(dlt, 1, mask, expr, &opt, err_opt) == 0;
	}
	if (!have_unopt)
		goto out;
#ifdef FUZZ_COMPILE_BREAK
	/* Show that the check fires: a wrong optimized program. */
	if (have_opt)
		break_program(&opt);
#endif

	for (i = 0; i < NPAYLOAD && npk < MAXPKT; i++) {
		int variants = dlt == 1 ? 5 : 2, v;

		for (v = 0; v < variants && npk < MAXPKT; v++) {
			frame(dlt, &payloads[i], v, &pkts[npk]);
			run[npk].data = pkts[npk].b;
			run[npk].caplen = pkts[npk].len;
			run[npk].wirelen = pkts[npk].len;
			npk++;
		}
	}
	if (2 + exprlen + 1 < size) {
		/* The input's own packet, in a buffer of its exact size. */
		u_int n = (u_int)(size - (2 + exprlen + 1));

		extra = malloc(n);
		if (extra != NULL) {
			memcpy(extra, data + 2 + exprlen + 1, n);
			run[npk].data = extra;
			run[npk].caplen = n;
			run[npk].wirelen = n + (data[1] >> 2);
			npk++;
		}
	}
	for (i = 0; i < npk; i++) {
		int su = 0, so = 0;
		int a = answer(&unopt, &run[i], &su);

		if (a < 0)
			continue;
		if (!have_opt) {
			/* The optimizer may only refuse when nothing passes. */
			if (a == 1 && strstr(err_opt, "rejects all packets") != NULL &&
			    !libpcap_does_the_same(dlt, mask, expr, &run[i], a, -1, &unopt))
				abort();
			continue;
		}
		{
			int b = answer(&opt, &run[i], &so);

			if (b < 0 || a == b)
				continue;
			if ((a == 0 && su) || (b == 0 && so))
				continue;	/* a load the other does not make */
			if (libpcap_does_the_same(dlt, mask, expr, &run[i], a, b, &unopt))
				continue;	/* master's optimizer, bug for bug */
			abort();		/* optimized and unoptimized differ */
		}
	}
	check_level2(dlt, mask, expr, &unopt, run, npk);
	free(extra);
	pcap_freecode(&unopt);
	if (have_opt)
		pcap_freecode(&opt);
	free(expr);
	return 0;
out:
	if (have_opt)
		pcap_freecode(&opt);
	if (have_unopt)
		pcap_freecode(&unopt);
	free(expr);
	return 0;
}
