/*
 * cc_runner.c - batch driver for the filter-compiler conformance records
 * (tools/filter_conformance.py feeds it).  Not a unit test (no test_
 * prefix): it reads one record per line on stdin,
 *
 *   id TAB dlt TAB snaplen TAB netmask TAB optimize TAB codegen_flags TAB
 *   source TAB hex(expression)
 *
 * compiles it through the core's cc_compile (the same path as
 * pcap_compile, with the internal switches filtertest has: Linux BPF
 * extensions and the savefile byte-order source), and writes
 *
 *   id TAB OK TAB hex(bpf_dump listing)     or    id TAB ERR TAB hex(errbuf)
 *
 * With -f each record compiles in a forked child, so a crash or a hang
 * (10 s alarm) is reported as CRASH for that record instead of ending the
 * batch.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/_libpcap/compiler/cc.h"

static void
put_hex(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", (unsigned char)s[i]);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode hex text (linear: expressions may be megabytes long). */
static char *
unhex(const char *h)
{
	size_t n = strlen(h) / 2;
	char *s = malloc(n + 1);

	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);

		s[i] = hi < 0 || lo < 0 ? '?' : (char)(hi << 4 | lo);
	}
	s[n] = '\0';
	return s;
}

/* Compile one record and print its result line. */
static void
run_one(const char *id, const struct cc_opts *o, const char *expr)
{
	struct bpf_program prog;
	char errbuf[PCAP_ERRBUF_SIZE];
	struct cc_errpos pos;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;

	errbuf[0] = '\0';
	if (cc_compile(o, expr, &prog, errbuf, &pos) != 0) {
		printf("%s\tERR\t", id);
		put_hex(stdout, errbuf, strlen(errbuf));
		printf("\n");
		return;
	}
	mem = open_memstream(&text, &len);
	for (u_int i = 0; i < prog.bf_len; i++)
		fprintf(mem, "%s\n", bpf_image(&prog.bf_insns[i], (int)i));
	fclose(mem);
	printf("%s\tOK\t", id);
	put_hex(stdout, text, len);
	printf("\n");
	free(text);
	pcap_freecode(&prog);
}

int
main(int argc, char **argv)
{
	int fork_each = argc > 1 && strcmp(argv[1], "-f") == 0;
	char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, stdin) > 0) {
		char *f[8];
		char *save = NULL, *p = line;
		struct cc_opts o;
		char *expr;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		for (; n < 8 && (f[n] = strtok_r(p, "\t", &save)) != NULL; n++)
			p = NULL;
		if (n < 7)
			continue;
		memset(&o, 0, sizeof(o));
		o.linktype = atoi(f[1]);
		o.snaplen = atoi(f[2]);
		o.netmask = (bpf_u_int32)strtoul(f[3], NULL, 10);
		o.optimize = atoi(f[4]);
		o.codegen_flags = (u_int)atoi(f[5]);
		o.source = (enum cc_source)atoi(f[6]);
		expr = unhex(n == 8 ? f[7] : "");
		if (expr == NULL)
			return 1;
		if (!fork_each) {
			run_one(f[0], &o, expr);
		} else {
			pid_t pid;
			int st;

			fflush(stdout);
			pid = fork();
			if (pid == 0) {
				alarm(10);
				run_one(f[0], &o, expr);
				fflush(stdout);
				_exit(0);
			}
			if (pid < 0 || waitpid(pid, &st, 0) < 0 ||
			    !WIFEXITED(st) || WEXITSTATUS(st) != 0)
				printf("%s\tCRASH\t\n", f[0]);
		}
		fflush(stdout);
		free(expr);
	}
	free(line);
	return 0;
}
