/*
 * bench_filter.c - filter throughput: the same BPF programs over the same
 * 1,000,000 generated packets.  One source, built twice by
 * bench/bench_filter.py:
 *   - against the system libpcap (`gcc bench_filter.c -lpcap`): times its
 *     bpf_filter and its pcap_offline_filter;
 *   - with -DBENCH_OURS against our core sources: times our bpf_filter, our
 *     pcap_offline_filter and our predecoded programs (vm_prog_new once,
 *     vm_prog_run per packet: what a filter installed with pcap_setfilter
 *     runs).
 * Every filter is called through a function pointer so that no side gets
 * inlined.
 *
 * Usage: bench_filter PROGRAMS [NPACKETS [REPEAT [count]]]
 * PROGRAMS holds "# name", a count n, then n lines "code jt jf k", per
 * program.  Output: "name impl ns_per_packet accepted" per program and
 * implementation.  The machine may be shared, so the packets are timed in
 * blocks of BLOCK: each block keeps its best time over REPEAT passes and
 * the figure is the sum of those (a pass interrupted by another process
 * loses only the blocks it touched).
 * With "count" nothing is timed: each program and implementation makes one
 * pass, followed by a callgrind statistics dump named "name<TAB>impl", for
 * running under `valgrind --tool=callgrind` (instruction counts do not
 * depend on the machine's load).  A benchmark, never a test.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>

#ifdef BENCH_OURS
#include "vm.h"
#endif

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif
#endif
#ifndef HAVE_CALLGRIND
#define CALLGRIND_DUMP_STATS_AT(name) ((void)(name))
#endif

#define SNAPLEN 128
#define MAXPROGS 64
#define BLOCK 1024

struct pkt {
	uint32_t off;
	struct pcap_pkthdr h;	/* caplen and len; pcap_offline_filter's */
};

static u_char *arena;
static struct pkt *pkts;
static long npkts;

static uint64_t rs = 0x243f6a8885a308d3ull;

static uint32_t
rnd(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static uint32_t
below(uint32_t n)
{
	return (uint32_t)(((uint64_t)rnd() * n) >> 32);
}

static void
put16(u_char *p, uint32_t v)
{
	p[0] = (u_char)(v >> 8);
	p[1] = (u_char)v;
}

static void
put32(u_char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint32_t
port(void)
{
	static const uint16_t common[] = { 25, 53, 80, 443, 22, 7, 123, 1023, 1024, 8080 };

	return below(3) ? common[below(10)] : 1 + below(65535);
}

static uint32_t
ipv4(void)
{
	static const uint32_t hosts[] = { 0x0a000001, 0x0a141e28, 0xc0a80001, 0x01020304,
					  0x0a000102, 0xac100001 };

	return below(2) ? hosts[below(6)] : rnd();
}

/* Transport header at p (room bytes left): TCP, UDP or ICMP. */
static void
transport(u_char *p, int proto)
{
	put16(p, port());
	put16(p + 2, port());
	if (proto == 6) {
		put32(p + 4, rnd());
		put32(p + 8, rnd());
		p[12] = 0x50;
		p[13] = (u_char)(below(4) ? 0x10 : 0x02);
	} else if (proto == 17) {
		put16(p + 4, 8 + below(1400));
	}
}

/* One Ethernet frame into buf; returns its length on the wire. */
static uint32_t
make_frame(u_char *buf)
{
	uint32_t kind = below(100), wire, l3 = 14;
	int proto;

	memset(buf, 0, SNAPLEN);
	for (int i = 0; i < 12; i++)
		buf[i] = (u_char)rnd();
	if (below(20) == 0)
		memset(buf, 0xff, 6);
	wire = 60 + below(1455);
	if (kind >= 80 && kind < 90) {		/* 802.1Q tagged */
		put16(buf + 12, 0x8100);
		put16(buf + 14, below(8) ? below(4096) : 4095);
		l3 = 18;
		kind = below(48);
	}
	if (kind < 48) {			/* IPv4 */
		u_char *ip = buf + l3;
		uint32_t ihl = below(10) ? 5 : 6 + below(3);

		put16(ip - 2, 0x0800);
		proto = kind < 30 ? 6 : kind < 45 ? 17 : 1;
		ip[0] = (u_char)(0x40 | ihl);
		put16(ip + 2, wire - l3);
		if (below(30) == 0)
			put16(ip + 6, 0x2000 | below(0x1fff));	/* fragment */
		ip[8] = 64;
		ip[9] = (u_char)proto;
		put32(ip + 12, ipv4());
		put32(ip + 16, ipv4());
		transport(ip + 4 * ihl, proto);
	} else if (kind < 73) {			/* IPv6 */
		u_char *ip = buf + l3;

		put16(ip - 2, 0x86dd);
		proto = kind < 63 ? 6 : kind < 71 ? 17 : 58;
		ip[0] = 0x60;
		put16(ip + 4, wire - l3 - 40);
		ip[6] = (u_char)proto;
		ip[7] = 64;
		for (int i = 8; i < 40; i++)
			ip[i] = (u_char)(i < 24 && below(2) ? (uint32_t)i : rnd());
		transport(ip + 40, proto);
	} else if (kind < 78) {			/* ARP */
		put16(buf + l3 - 2, 0x0806);
		put16(buf + l3, 1);
		put16(buf + l3 + 2, 0x0800);
		buf[l3 + 4] = 6;
		buf[l3 + 5] = 4;
		put16(buf + l3 + 6, 1 + below(2));
		put32(buf + l3 + 14, ipv4());
		put32(buf + l3 + 24, ipv4());
		wire = 60;
	} else {				/* 802.3 length or other types */
		put16(buf + l3 - 2, below(2) ? below(1500) : rnd() & 0xffff);
		for (uint32_t i = l3; i < SNAPLEN; i++)
			buf[i] = (u_char)rnd();
	}
	return wire;
}

static void
make_packets(long n)
{
	u_char frame[SNAPLEN];
	uint64_t used = 0;

	arena = malloc((size_t)n * SNAPLEN);
	pkts = malloc((size_t)n * sizeof *pkts);
	if (arena == NULL || pkts == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	for (long i = 0; i < n; i++) {
		uint32_t wire = make_frame(frame);
		uint32_t cap = wire < SNAPLEN ? wire : SNAPLEN;

		memcpy(arena + used, frame, cap);
		memset(&pkts[i].h, 0, sizeof pkts[i].h);
		pkts[i].off = (uint32_t)used;
		pkts[i].h.caplen = cap;
		pkts[i].h.len = wire;
		used += cap;
	}
	npkts = n;
}

struct prog {
	char name[256];
	struct bpf_insn *insns;
	int len;
};

static int
read_programs(const char *path, struct prog *progs)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int n = 0;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	while (n < MAXPROGS && fgets(line, sizeof line, f)) {
		int len;

		if (line[0] != '#')
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(progs[n].name, sizeof progs[n].name, "%s", line + 2);
		if (fscanf(f, "%d", &len) != 1 || len < 1 || len > 100000)
			exit(2);
		progs[n].insns = calloc((size_t)len, sizeof *progs[n].insns);
		progs[n].len = len;
		for (int i = 0; i < len; i++) {
			unsigned c, t, jf, k;

			if (fscanf(f, "%u %u %u %u", &c, &t, &jf, &k) != 4)
				exit(2);
			progs[n].insns[i] = (struct bpf_insn){ (u_short)c, (u_char)t,
							       (u_char)jf, k };
		}
		n++;
	}
	fclose(f);
	return n;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The implementations, each through a pointer the compiler cannot see. */
typedef u_int (*raw_fn)(const struct bpf_insn *, const u_char *, u_int, u_int);
typedef int (*offline_fn)(const struct bpf_program *, const struct pcap_pkthdr *,
			  const u_char *);
static raw_fn volatile raw_filter = bpf_filter;
static offline_fn volatile offline_filter = pcap_offline_filter;
#ifdef BENCH_OURS
typedef u_int (*prog_fn)(const struct vm_prog *, const u_char *, u_int, u_int);
static prog_fn volatile prog_filter = vm_prog_run;
#define PREFIX "ours"
#else
#define PREFIX "libpcap"
#endif

enum impl { IMPL_RAW, IMPL_OFFLINE, IMPL_PROG };
static const char *const impl_names[] = {
	PREFIX "-bpf_filter", PREFIX "-offline_filter", PREFIX "-predecoded"
};

/* What one pass runs: a program in each of the forms the impls take. */
struct target {
	const struct bpf_insn *insns;
	struct bpf_program bp;
#ifdef BENCH_OURS
	struct vm_prog *vp;
#endif
};

/* Per-block best times of the current program and implementation. */
static double *block_best;

static void
keep_best(long block, double t)
{
	if (t < block_best[block])
		block_best[block] = t;
}

/*
 * Bring a block's packets into the cache before timing it: a filter runs
 * on a packet just read (from the ring or the file buffer), and streaming
 * a 100 MB arena from memory would time the memory, not the filter.
 */
static volatile u_char sink;

static void
warm(long first, long end)
{
	u_char x = 0;

	for (long i = first; i < end; i++)
		for (uint32_t j = 0; j < pkts[i].h.caplen; j += 64)
			x ^= arena[pkts[i].off + j];
	sink = x;
}

static double
total_best(long nblocks)
{
	double sum = 0;

	for (long b = 0; b < nblocks; b++) {
		sum += block_best[b];
		block_best[b] = 1e30;
	}
	return sum;
}

/* Packets [first, end) through one implementation; returns how many pass. */
static long
run_block(enum impl impl, const struct target *t, long first, long end)
{
	long acc = 0;

	switch (impl) {
	case IMPL_RAW: {
		raw_fn fn = raw_filter;

		for (long i = first; i < end; i++)
			acc += fn(t->insns, arena + pkts[i].off, pkts[i].h.len,
				  pkts[i].h.caplen) != 0;
		break;
	}
	case IMPL_OFFLINE: {
		offline_fn fn = offline_filter;

		for (long i = first; i < end; i++)
			acc += fn(&t->bp, &pkts[i].h, arena + pkts[i].off) != 0;
		break;
	}
	case IMPL_PROG: {
#ifdef BENCH_OURS
		prog_fn fn = prog_filter;

		for (long i = first; i < end; i++)
			acc += fn(t->vp, arena + pkts[i].off, pkts[i].h.len,
				  pkts[i].h.caplen) != 0;
#endif
		break;
	}
	}
	return acc;
}

/* One timed pass over every block: the block bests improve, returns accepted. */
static long
timed_pass(enum impl impl, const struct target *t)
{
	long acc = 0;

	for (long b = 0; b * BLOCK < npkts; b++) {
		long first = b * BLOCK;
		long end = first + BLOCK < npkts ? first + BLOCK : npkts;
		double t0;

		warm(first, end);
		t0 = now();
		acc += run_block(impl, t, first, end);
		keep_best(b, now() - t0);
	}
	return acc;
}

int
main(int argc, char **argv)
{
	static struct prog progs[MAXPROGS];
	long n = argc > 2 ? atol(argv[2]) : 1000000;
	int repeat = argc > 3 ? atoi(argv[3]) : 7;
	int count = argc > 4 && strcmp(argv[4], "count") == 0;
	enum impl last;
	long nblocks;
	int nprogs;

	if (argc < 2 || (argc > 4 && !count)) {
		fprintf(stderr, "usage: %s PROGRAMS [NPACKETS [REPEAT [count]]]\n", argv[0]);
		return 2;
	}
#ifndef HAVE_CALLGRIND
	if (count) {
		fprintf(stderr, "built without <valgrind/callgrind.h>: no count mode\n");
		return 2;
	}
#endif
	nprogs = read_programs(argv[1], progs);
	if (n < 1 || repeat < 1)
		return 2;
	make_packets(n);
	nblocks = (n + BLOCK - 1) / BLOCK;
	block_best = malloc((size_t)nblocks * sizeof *block_best);
	if (block_best == NULL)
		return 1;
	for (long b = 0; b < nblocks; b++)
		block_best[b] = 1e30;
#ifdef BENCH_OURS
	last = IMPL_PROG;
#else
	last = IMPL_OFFLINE;
#endif
	for (int p = 0; p < nprogs; p++) {
		struct target t;

		if (!bpf_validate(progs[p].insns, progs[p].len)) {
			fprintf(stderr, "%s: program does not validate\n", progs[p].name);
			return 1;
		}
		t.insns = progs[p].insns;
		t.bp.bf_len = (u_int)progs[p].len;
		t.bp.bf_insns = progs[p].insns;
#ifdef BENCH_OURS
		t.vp = vm_prog_new(progs[p].insns, (u_int)progs[p].len);
		if (t.vp == NULL)
			return 1;
#endif
		for (enum impl impl = IMPL_RAW; impl <= last; impl++) {
			char label[300];
			long acc = 0;

			snprintf(label, sizeof label, "%.255s\t%s", progs[p].name,
				 impl_names[impl]);
			if (count) {
				acc = run_block(impl, &t, 0, npkts);
				CALLGRIND_DUMP_STATS_AT(label);
				printf("%s\t0\t%ld\n", label, acc);
			} else {
				for (int r = 0; r < repeat; r++)
					acc = timed_pass(impl, &t);
				printf("%s\t%.2f\t%ld\n", label,
				       total_best(nblocks) * 1e9 / (double)n, acc);
			}
			fflush(stdout);
		}
#ifdef BENCH_OURS
		vm_prog_free(t.vp);
#endif
	}
	return 0;
}
