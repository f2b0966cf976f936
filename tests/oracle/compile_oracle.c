/*
 * compile_oracle.c - the filter compiler's differential runner.  One source,
 * built twice:
 *   - as the ORACLE against the system libpcap (plain `gcc compile_oracle.c
 *     -lpcap`, no include directory of ours), and
 *   - as OURS against our package (`python -m libpcap --cflags --libs`):
 *     our pcap_compile, our bpf_filter, our bpf_validate.
 * Only public libpcap calls are made, so both builds see the same API.
 *
 * Modes (argv[1]):
 *   run PACKETS [--break]   read jobs from stdin, one per line:
 *                             DLT OPT NETMASK SNAPLEN FLAGS HEXEXPR
 *                           (NETMASK in hex, host order; FLAGS: "-", or
 *                           letters: "l" to print the listing, "p" when
 *                           HEXEXPR is a program to run instead of an
 *                           expression, 8 bytes an instruction: code u16,
 *                           jt, jf, k u32, little-endian; HEXEXPR the
 *                           expression's bytes in hex, "-" for the empty
 *                           one).  For each
 *                           job print one line:
 *                             OK LEN VALID RETSUM VERDICTS STOPS SKIPS
 *                           (VALID: bpf_validate's verdict; RETSUM: FNV-1a
 *                           of every return value, in packet order;
 *                           VERDICTS: one bit per packet of that DLT,
 *                           accepted or not, as hex, "-" if none; STOPS:
 *                           one bit per packet, set where the program
 *                           stopped early, on a load past the captured
 *                           bytes or a division by zero, see interpret();
 *                           SKIPS: one bit per packet on which the result
 *                           means nothing, "-" if none: the program loops,
 *                           or reads a scratch word it never stored), or
 *                             ERR message
 *                           then, with FLAGS "l", the bpf_dump listing, each
 *                           line prefixed with "|".  --break perturbs every
 *                           compiled program (first conditional jump swaps
 *                           its targets), so that a test can show that its
 *                           checks do fail on a wrong program.
 *   bench DLT OPT FILE      compile the expression in FILE once; print
 *                             OK LEN SECONDS PEAK_KB
 *                           or ERR SECONDS PEAK_KB message (PEAK_KB: the
 *                           process's VmHWM, peak resident memory; wait4's
 *                           ru_maxrss would also count the parent's memory
 *                           at fork time, which Linux keeps across exec).
 *
 * tests/fuzz/fuzz_compile.c includes this file with COMPILE_ORACLE_LIBRARY
 * defined, for interpret() (no main() then).
 *
 * After the last job, run prints "END interp_mismatches N compile_seconds S"
 * (N must be 0; S is the time spent inside pcap_compile).
 *
 * PACKETS is a binary file of records: u32 dlt, u32 caplen, u32 wirelen
 * (little-endian), then caplen bytes.  Each packet is run in a buffer of
 * exactly its captured length, so an over-read shows under ASan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>

#define MAX_DLT 512

struct packet {
	u_char *data;
	u_int caplen;
	u_int wirelen;
};

struct pktset {
	struct packet *pk;
	size_t n, cap;
};

static struct pktset sets[MAX_DLT];

static uint32_t
le32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static int
load_packets(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char hdr[12];

	if (f == NULL) {
		perror(path);
		return -1;
	}
	while (fread(hdr, 1, sizeof hdr, f) == sizeof hdr) {
		uint32_t dlt = le32(hdr), caplen = le32(hdr + 4);
		struct pktset *s;

		if (dlt >= MAX_DLT || caplen > 1 << 20) {
			fprintf(stderr, "bad packet record\n");
			fclose(f);
			return -1;
		}
		s = &sets[dlt];
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 256;
			s->pk = realloc(s->pk, s->cap * sizeof *s->pk);
			if (s->pk == NULL)
				abort();
		}
		s->pk[s->n].caplen = caplen;
		s->pk[s->n].wirelen = le32(hdr + 8);
		s->pk[s->n].data = malloc(caplen ? caplen : 1);
		if (s->pk[s->n].data == NULL ||
		    fread(s->pk[s->n].data, 1, caplen, f) != caplen) {
			fprintf(stderr, "short packet record\n");
			fclose(f);
			return -1;
		}
		s->n++;
	}
	fclose(f);
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode HEXEXPR in place (its length in *len); NULL on malformed hex. */
static char *
unhex(char *s, size_t *len)
{
	size_t i, n = strlen(s);

	*len = 0;
	if (strcmp(s, "-") == 0) {
		s[0] = '\0';
		return s;
	}
	if (n % 2)
		return NULL;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return NULL;
		s[i] = (char)(hi << 4 | lo);
	}
	s[n / 2] = '\0';
	*len = n / 2;
	return s;
}

/* A deliberately wrong program: the first conditional jump's targets are
   swapped (for the tests that show their checks can fail). */
static void
break_program(struct bpf_program *prog)
{
	u_int i;

	for (i = 0; i < prog->bf_len; i++) {
		struct bpf_insn *in = &prog->bf_insns[i];

		if (BPF_CLASS(in->code) == BPF_JMP && BPF_OP(in->code) != BPF_JA) {
			u_char t = in->jt;

			in->jt = in->jf;
			in->jf = t;
			return;
		}
	}
}

/*
 * How a run of prog on this packet ends, by a plain interpreter of the
 * opcodes pcap_compile emits for a dead handle (*ret: what it returns):
 *   END_RET    at a `ret`;
 *   END_STOP   early, on a load past the captured bytes or a division by
 *              zero (the packet is rejected).  This is where two correct
 *              programs may part: the optimizer drops loads whose value
 *              cannot matter, and libpcap master generates fewer of them
 *              than 1.10.3;
 *   END_LOOP   not within LOOP_BUDGET steps: protochain code jumps back
 *              and libpcap's AH step is not cumulative, so crafted headers
 *              make it loop for ever (bpf_filter is then not run at all);
 *   END_UNSET  it read a scratch word this run never stored: libpcap's
 *              bpf_filter then reads whatever its stack holds, so its
 *              answer means nothing (1.10.3's geneve code does this when
 *              the geneve test sits in one branch of an "or");
 *   END_ALIEN  an opcode this interpreter does not know.
 * For END_RET and END_STOP the caller checks *ret against bpf_filter's.
 */
enum run_end { END_RET, END_STOP, END_LOOP, END_UNSET, END_ALIEN };
#define LOOP_BUDGET 100000

static enum run_end
interpret(const struct bpf_program *prog, const struct packet *pk, u_int *ret)
{
	const struct bpf_insn *pc = prog->bf_insns, *end = pc + prog->bf_len;
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	u_int set = 0;		/* scratch words stored so far */
	const u_char *d = pk->data;
	u_int n = pk->caplen;
	long steps = 0;

	*ret = 0;
	while (pc < end) {
		uint32_t k = pc->k, off, v;
		u_int size;

		if (++steps > LOOP_BUDGET)
			return END_LOOP;
		switch (pc->code) {
		case BPF_RET|BPF_K:
			*ret = k;
			return END_RET;
		case BPF_RET|BPF_A:
			*ret = a;
			return END_RET;
		case BPF_LD|BPF_W|BPF_ABS: case BPF_LD|BPF_H|BPF_ABS:
		case BPF_LD|BPF_B|BPF_ABS: case BPF_LD|BPF_W|BPF_IND:
		case BPF_LD|BPF_H|BPF_IND: case BPF_LD|BPF_B|BPF_IND:
			size = BPF_SIZE(pc->code) == BPF_W ? 4 :
			       BPF_SIZE(pc->code) == BPF_H ? 2 : 1;
			off = BPF_MODE(pc->code) == BPF_IND ? x + k : k;
			if (BPF_MODE(pc->code) == BPF_IND && off < k)
				return END_STOP;
			if (off > n || size > n - off)
				return END_STOP;
			for (v = 0; size > 0; size--)
				v = v << 8 | d[off++];
			a = v;
			break;
		case BPF_LDX|BPF_B|BPF_MSH:
			if (k >= n)
				return END_STOP;
			x = 4u * (d[k] & 0xf);
			break;
		case BPF_LD|BPF_W|BPF_LEN: a = pk->wirelen; break;
		case BPF_LDX|BPF_W|BPF_LEN: x = pk->wirelen; break;
		case BPF_LD|BPF_IMM: a = k; break;
		case BPF_LDX|BPF_IMM: x = k; break;
		case BPF_LD|BPF_MEM:
		case BPF_LDX|BPF_MEM:
			if (k >= BPF_MEMWORDS)
				return END_ALIEN;
			if (!(set & 1u << k))
				return END_UNSET;
			if (BPF_CLASS(pc->code) == BPF_LD)
				a = mem[k];
			else
				x = mem[k];
			break;
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				return END_ALIEN;
			mem[k] = BPF_CLASS(pc->code) == BPF_ST ? a : x;
			set |= 1u << k;
			break;
		case BPF_MISC|BPF_TAX: x = a; break;
		case BPF_MISC|BPF_TXA: a = x; break;
		case BPF_ALU|BPF_NEG: a = 0u - a; break;
		case BPF_JMP|BPF_JA: pc += (int32_t)k; break;	/* protochain */
		default:
			if (BPF_CLASS(pc->code) == BPF_JMP) {
				uint32_t r = BPF_SRC(pc->code) == BPF_X ? x : k;
				int c;

				switch (BPF_OP(pc->code)) {
				case BPF_JEQ: c = a == r; break;
				case BPF_JGT: c = a > r; break;
				case BPF_JGE: c = a >= r; break;
				case BPF_JSET: c = (a & r) != 0; break;
				default: return END_ALIEN;
				}
				pc += c ? pc->jt : pc->jf;
				break;
			}
			if (BPF_CLASS(pc->code) == BPF_ALU) {
				uint32_t r = BPF_SRC(pc->code) == BPF_X ? x : k;

				switch (BPF_OP(pc->code)) {
				case BPF_ADD: a += r; break;
				case BPF_SUB: a -= r; break;
				case BPF_MUL: a *= r; break;
				case BPF_DIV:
					if (r == 0)
						return END_STOP;
					a /= r;
					break;
				case BPF_MOD:
					if (r == 0)
						return END_STOP;
					a %= r;
					break;
				case BPF_AND: a &= r; break;
				case BPF_OR: a |= r; break;
				case BPF_XOR: a ^= r; break;
				case BPF_LSH: a = r < 32 ? a << r : 0; break;
				case BPF_RSH: a = r < 32 ? a >> r : 0; break;
				default: return END_ALIEN;
				}
				break;
			}
			return END_ALIEN;
		}
		pc++;
	}
	return END_ALIEN;
}

static long interp_mismatches;
static double compile_seconds;	/* time spent inside pcap_compile */

static double now(void);

/* A program given in hex (FLAGS "p"), in prog->bf_insns (malloc'ed). */
static int
decode_program(const char *bytes, size_t n, struct bpf_program *prog)
{
	const unsigned char *b = (const unsigned char *)bytes;
	u_int i;

	if (n % 8)
		return -1;
	prog->bf_len = (u_int)(n / 8);
	prog->bf_insns = calloc(prog->bf_len + 1, sizeof *prog->bf_insns);
	if (prog->bf_insns == NULL)
		abort();
	for (i = 0; i < prog->bf_len; i++, b += 8) {
		prog->bf_insns[i].code = (u_short)(b[0] | b[1] << 8);
		prog->bf_insns[i].jt = b[2];
		prog->bf_insns[i].jf = b[3];
		prog->bf_insns[i].k = le32(b + 4);
	}
	return 0;
}

/* "ERR message" on one line, whatever the message holds. */
static void
print_error(const char *e)
{
	char msg[PCAP_ERRBUF_SIZE + 1];
	size_t i;

	for (i = 0; e[i] != '\0' && i < PCAP_ERRBUF_SIZE; i++)
		msg[i] = e[i] == '\n' || e[i] == '\r' ? ' ' : e[i];
	msg[i] = '\0';
	printf("ERR %s\n", msg);
}

static void
run_job(pcap_t *p, int dlt, int opt, bpf_u_int32 mask, const char *expr,
    size_t exprlen, const char *flags, int breakit)
{
	struct bpf_program prog;
	struct pktset *s = dlt >= 0 && dlt < MAX_DLT ? &sets[dlt] : NULL;
	uint32_t sum = 2166136261u;
	int listing = strchr(flags, 'l') != NULL;
	int given = strchr(flags, 'p') != NULL;
	size_t i;

	if (given) {
		if (decode_program(expr, exprlen, &prog) != 0) {
			printf("ERR program length is not a multiple of 8\n");
			return;
		}
	} else {
		double t0 = now();
		int r = pcap_compile(p, &prog, expr, opt, mask);

		compile_seconds += now() - t0;
		if (r != 0) {
			print_error(pcap_geterr(p));
			return;
		}
	}
	if (breakit)
		break_program(&prog);
	printf("OK %u %d ", prog.bf_len,
	       bpf_validate(prog.bf_insns, (int)prog.bf_len) ? 1 : 0);
	if (s == NULL || s->n == 0) {
		printf("%08x - - -\n", sum);
	} else {
		unsigned char *bits = calloc((s->n + 7) / 8, 1);
		unsigned char *stops = calloc((s->n + 7) / 8, 1);
		unsigned char *skips = calloc((s->n + 7) / 8, 1);
		int any_skip = 0;

		if (bits == NULL || stops == NULL || skips == NULL)
			abort();
		for (i = 0; i < s->n; i++) {
			const struct packet *pk = &s->pk[i];
			u_char bit = (u_char)(1u << (i % 8));
			enum run_end how;
			u_int r, mine;
			int b;

			how = interpret(&prog, pk, &mine);
			if (how == END_LOOP || how == END_UNSET) {
				skips[i / 8] |= bit;	/* not comparable */
				any_skip = 1;
				continue;
			}
			r = bpf_filter(prog.bf_insns, pk->data, pk->wirelen, pk->caplen);
			for (b = 0; b < 4; b++)
				sum = (sum ^ ((r >> (8 * b)) & 0xff)) * 16777619u;
			if (r != 0)
				bits[i / 8] |= bit;
			if (how == END_STOP)
				stops[i / 8] |= bit;
			if (how == END_ALIEN || r != mine) {
				if (interp_mismatches++ < 3 && getenv("ORACLE_DEBUG"))
					fprintf(stderr, "interp mismatch: packet %zu ret %u\n", i, r);
			}
		}
		printf("%08x ", sum);
		for (i = 0; i < (s->n + 7) / 8; i++)
			printf("%02x", bits[i]);
		printf(" ");
		for (i = 0; i < (s->n + 7) / 8; i++)
			printf("%02x", stops[i]);
		printf(" ");
		for (i = 0; any_skip && i < (s->n + 7) / 8; i++)
			printf("%02x", skips[i]);
		printf("%s\n", any_skip ? "" : "-");
		free(skips);
		free(bits);
		free(stops);
	}
	if (listing) {
		/* What bpf_dump(prog, 1) prints, each line marked. */
		for (i = 0; i < prog.bf_len; i++)
			printf("|%s\n", bpf_image(&prog.bf_insns[i], (int)i));
	}
	if (given)
		free(prog.bf_insns);
	else
		pcap_freecode(&prog);
}

static int
mode_run(const char *packets, int breakit)
{
	static char line[4 << 20];
	pcap_t *dead[MAX_DLT] = { NULL };
	int dead_snap[MAX_DLT] = { 0 };

	if (load_packets(packets) != 0)
		return 2;
	while (fgets(line, sizeof line, stdin) != NULL) {
		int dlt, opt, snaplen;
		unsigned long mask;
		char flags[16], *hex, *expr;
		int used = 0;
		size_t n = strlen(line), exprlen;

		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0)
			continue;
		if (sscanf(line, "%d %d %lx %d %15s %n", &dlt, &opt, &mask,
			   &snaplen, flags, &used) != 5 || used == 0 ||
		    dlt < 0 || dlt >= MAX_DLT) {
			fprintf(stderr, "bad job line: %.80s\n", line);
			return 2;
		}
		hex = line + used;
		expr = unhex(hex, &exprlen);
		if (expr == NULL) {
			fprintf(stderr, "bad hex in job line\n");
			return 2;
		}
		if (dead[dlt] == NULL || dead_snap[dlt] != snaplen) {
			if (dead[dlt] != NULL)
				pcap_close(dead[dlt]);
			dead[dlt] = pcap_open_dead(dlt, snaplen);
			dead_snap[dlt] = snaplen;
			if (dead[dlt] == NULL) {
				printf("ERR pcap_open_dead failed\n");
				continue;
			}
		}
		run_job(dead[dlt], dlt, opt, (bpf_u_int32)mask, expr, exprlen,
			flags, breakit);
		fflush(stdout);
	}
	/* The classifier must agree with bpf_filter, or its bits mean nothing. */
	printf("END interp_mismatches %ld compile_seconds %.6f\n", interp_mismatches,
	       compile_seconds);
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Peak resident set of this process image, in kB (-1 if unknown). */
static long
peak_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int
mode_bench(int dlt, int opt, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *expr;
	long size;
	pcap_t *p;
	struct bpf_program prog;
	double t0, t1;
	int r;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		perror(path);
		return 2;
	}
	expr = malloc((size_t)size + 1);
	if (expr == NULL || fread(expr, 1, (size_t)size, f) != (size_t)size)
		return 2;
	expr[size] = '\0';
	fclose(f);
	p = pcap_open_dead(dlt, 262144);
	if (p == NULL)
		return 2;
	t0 = now();
	r = pcap_compile(p, &prog, expr, opt, PCAP_NETMASK_UNKNOWN);
	t1 = now();
	if (r != 0) {
		printf("ERR %.6f %ld %s\n", t1 - t0, peak_kb(), pcap_geterr(p));
	} else {
		printf("OK %u %.6f %ld\n", prog.bf_len, t1 - t0, peak_kb());
		pcap_freecode(&prog);
	}
	pcap_close(p);
	free(expr);
	return 0;
}

#ifndef COMPILE_ORACLE_LIBRARY
int
main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "run") == 0)
		return mode_run(argv[2], argc >= 4 && strcmp(argv[3], "--break") == 0);
	if (argc >= 5 && strcmp(argv[1], "bench") == 0)
		return mode_bench(atoi(argv[2]), atoi(argv[3]), argv[4]);
	fprintf(stderr, "usage: %s run PACKETS [--break] | bench DLT OPT FILE\n",
		argv[0]);
	return 2;
}
#endif
