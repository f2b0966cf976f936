/*
 * live_oracle.c - the live-capture driver of the tests, written against
 * the public libpcap API only.  One source, built twice by
 * tests/test_live_c.py:
 *   - as the ORACLE against the system libpcap (plain `gcc live_oracle.c
 *     -lpcap -pthread`, none of our include directories), and
 *   - as OURS against our headers and core sources.
 * The two run in separate processes, side by side in a network namespace,
 * and print JSON lines that the tests compare.
 *
 * Commands (argv[1]), then options:
 *   devs                 pcap_findalldevs: one line per device
 *   lookupdev            pcap_lookupdev
 *   lookupnet DEV        pcap_lookupnet
 *   compile DLT SNAP EXPR  (oracle only) pcap_compile on a dead handle,
 *                        printed as "n" then "code jt jf k" lines
 *   info DEV             create + options + activate, then what the handle
 *                        says (link types, snapshot, time stamp types, ...)
 *   capture DEV          info, then read packets and print them
 *   inject DEV           info, then pcap_inject each hex frame of stdin
 * Options:
 *   -s SNAPLEN  -p (promisc)  -t TIMEOUT_MS  -B BUFSIZE  -i (immediate)
 *   -n (nano precision)  -T TSTAMP_TYPE_NAME  -P PROTOCOL  -y DLT_NAME
 *   -d in|out|inout  -F PROGRAM_FILE ("n" then "code jt jf k" lines)
 *   -c COUNT (stop after COUNT packets)  -w DEADLINE_MS (stop then)
 *   -m loop|dispatch|next_ex (read with; default dispatch)
 *   -N (pcap_setnonblock after activation)  -E (pcap_setnonblock before)
 *   -S STALL_MS (sleep after READY, before reading: a stalled reader)
 *   -b BREAK_MS (another thread calls pcap_breakloop after BREAK_MS and
 *      the time until the read returns is printed)
 *   -q (print packet digests only: caplen, len, ts, first 64 bytes)
 *   -r (rfmon)  -O (open with pcap_open_live instead of create/activate)
 *   -A (apply the -F program after the stall, before reading: packets
 *      already in the ring must be filtered too)
 *   -V (next_ex: before each call, wait 5 ms and check that the previous
 *      packet's bytes are still there, as pcap_next_ex promises)
 *   -f GROUP:MODE (ours only: cap_set_fanout before activation)
 *   -Z (count packets, print none: for throughput)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>
#include <netpacket/packet.h>
#include <pcap/pcap.h>

struct opts {
	int snaplen, promisc, timeout, bufsize, immediate, nano, protocol;
	int have_snaplen, have_timeout, have_bufsize, have_protocol;
	const char *tstamp, *dlt, *direction, *progfile, *mode;
	long count, deadline_ms, stall_ms, break_ms;
	int nonblock_after, nonblock_before, quiet, rfmon, open_live;
	int late_filter, verify_next, count_only;
	const char *fanout;
};

#ifdef LIVE_DRIVER_OURS
/* Our internal fanout setter (capture/capture.h). */
int cap_set_fanout(pcap_t *p, int group_id, int mode);
#endif

static pcap_t *g_handle;
static long g_count;
static long g_seen;
static int g_quiet;

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
json_str(const char *s)
{
	if (s == NULL) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void
json_hex(const unsigned char *p, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	putchar('"');
}

static void
print_sockaddr(const char *key, const struct sockaddr *sa)
{
	size_t n;

	printf("\"%s\":", key);
	if (sa == NULL) {
		fputs("null", stdout);
		return;
	}
	switch (sa->sa_family) {
	case AF_INET: n = sizeof(struct sockaddr_in); break;
	case AF_INET6: n = sizeof(struct sockaddr_in6); break;
	case AF_PACKET: n = sizeof(struct sockaddr_ll); break;
	default: n = sizeof(struct sockaddr); break;
	}
	printf("{\"family\":%d,\"bytes\":", sa->sa_family);
	json_hex((const unsigned char *)sa, n);
	putchar('}');
}

static int
cmd_devs(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_if_t *all, *d;

	errbuf[0] = '\0';
	if (pcap_findalldevs(&all, errbuf) != 0) {
		printf("{\"error\":");
		json_str(errbuf);
		printf("}\n");
		return 0;
	}
	for (d = all; d != NULL; d = d->next) {
		pcap_addr_t *a;
		int first = 1;

		printf("{\"name\":");
		json_str(d->name);
		printf(",\"description\":");
		json_str(d->description);
		printf(",\"flags\":%u,\"addresses\":[", d->flags);
		for (a = d->addresses; a != NULL; a = a->next) {
			printf("%s{", first ? "" : ",");
			first = 0;
			print_sockaddr("addr", a->addr);
			putchar(',');
			print_sockaddr("netmask", a->netmask);
			putchar(',');
			print_sockaddr("broadaddr", a->broadaddr);
			putchar(',');
			print_sockaddr("dstaddr", a->dstaddr);
			putchar('}');
		}
		printf("]}\n");
	}
	pcap_freealldevs(all);
	return 0;
}

static int
cmd_lookupdev(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	char *dev;

	errbuf[0] = '\0';
	/* Deprecated, still part of the API under test. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	dev = pcap_lookupdev(errbuf);
#pragma GCC diagnostic pop
	printf("{\"device\":");
	json_str(dev);
	printf(",\"error\":");
	json_str(dev == NULL ? errbuf : NULL);
	printf("}\n");
	return 0;
}

static int
cmd_lookupnet(const char *dev)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	bpf_u_int32 net = 0xdeadbeef, mask = 0xdeadbeef;
	int rc;

	errbuf[0] = '\0';
	rc = pcap_lookupnet(strcmp(dev, "NULL") == 0 ? NULL : dev, &net, &mask,
	    errbuf);
	printf("{\"rc\":%d,\"net\":%u,\"mask\":%u,\"error\":", rc, net, mask);
	json_str(rc != 0 ? errbuf : NULL);
	printf("}\n");
	return 0;
}

#ifndef LIVE_DRIVER_OURS
/* The oracle compiles filter expressions for both sides of a test. */
static int
cmd_compile(const char *dltname, const char *snap, const char *expr)
{
	int dlt = pcap_datalink_name_to_val(dltname);
	pcap_t *p = pcap_open_dead(dlt, atoi(snap));
	struct bpf_program prog;

	if (p == NULL || pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		fprintf(stderr, "compile: %s\n", p ? pcap_geterr(p) : "no handle");
		return 2;
	}
	printf("%u\n", prog.bf_len);
	for (u_int i = 0; i < prog.bf_len; i++)
		printf("%u %u %u %u\n", prog.bf_insns[i].code, prog.bf_insns[i].jt,
		    prog.bf_insns[i].jf, prog.bf_insns[i].k);
	pcap_freecode(&prog);
	pcap_close(p);
	return 0;
}
#endif

static int
load_program(const char *path, struct bpf_program *prog)
{
	FILE *f = fopen(path, "r");
	unsigned n, i;

	if (f == NULL || fscanf(f, "%u", &n) != 1 || n == 0 || n > 100000)
		return -1;
	prog->bf_len = n;
	prog->bf_insns = calloc(n, sizeof *prog->bf_insns);
	if (prog->bf_insns == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned code, jt, jf, k;
		if (fscanf(f, "%u %u %u %u", &code, &jt, &jf, &k) != 4)
			return -1;
		prog->bf_insns[i].code = (u_short)code;
		prog->bf_insns[i].jt = (u_char)jt;
		prog->bf_insns[i].jf = (u_char)jf;
		prog->bf_insns[i].k = k;
	}
	fclose(f);
	return 0;
}

static void
print_packet(const struct pcap_pkthdr *h, const u_char *data)
{
	struct timeval now;

	gettimeofday(&now, NULL);
	printf("{\"ts_sec\":%lld,\"ts_frac\":%lld,\"caplen\":%u,\"len\":%u,"
	    "\"now\":%lld.%06ld,\"data\":",
	    (long long)h->ts.tv_sec, (long long)h->ts.tv_usec, h->caplen, h->len,
	    (long long)now.tv_sec, (long)now.tv_usec);
	json_hex(data, g_quiet && h->caplen > 64 ? 64 : h->caplen);
	printf("}\n");
}

static int g_count_only;

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	(void)user;
	if (!g_count_only)
		print_packet(h, data);
	g_seen++;
	if (g_count > 0 && g_seen >= g_count)
		pcap_breakloop(g_handle);
}

static void
on_alarm(int sig)
{
	(void)sig;
	if (g_handle != NULL)
		pcap_breakloop(g_handle);
}

struct breaker {
	long ms;
	double at;
};

static void *
break_thread(void *arg)
{
	struct breaker *b = arg;

	usleep((useconds_t)b->ms * 1000);
	b->at = now_mono();
	pcap_breakloop(g_handle);
	return NULL;
}

static int
tstamp_type_value(const char *name)
{
	int v = pcap_tstamp_type_name_to_val(name);
	return v;
}

static void
print_list(const char *key, int *list, int n)
{
	printf(",\"%s\":[", key);
	for (int i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", list[i]);
	putchar(']');
}

static int
apply_filter(const struct opts *o)
{
	struct bpf_program prog;
	int rc;

	if (load_program(o->progfile, &prog) != 0) {
		printf(",\"setfilter\":\"bad program file\"}\n");
		return -1;
	}
	rc = pcap_setfilter(g_handle, &prog);
	printf(",\"setfilter\":%d,\"setfilter_error\":", rc);
	json_str(rc != 0 ? pcap_geterr(g_handle) : NULL);
	free(prog.bf_insns);
	return 0;
}

static int
open_handle(const char *dev, const struct opts *o)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	int status, rc, *list, n;

	errbuf[0] = '\0';
	if (o->open_live) {
		g_handle = pcap_open_live(strcmp(dev, "NULL") == 0 ? NULL : dev,
		    o->have_snaplen ? o->snaplen : 65535, o->promisc,
		    o->have_timeout ? o->timeout : 1000, errbuf);
		printf("{\"open_live\":%d,\"error\":", g_handle != NULL);
		json_str(g_handle == NULL ? errbuf : NULL);
		if (g_handle == NULL) {
			printf("}\n");
			return -1;
		}
		status = 0;
		goto activated;
	}
	g_handle = pcap_create(strcmp(dev, "NULL") == 0 ? NULL : dev, errbuf);
	if (g_handle == NULL) {
		printf("{\"create_error\":");
		json_str(errbuf);
		printf("}\n");
		return -1;
	}
	printf("{\"created\":1");
	n = pcap_list_tstamp_types(g_handle, &list);
	if (n >= 0) {
		print_list("tstamp_types", list, n);
		pcap_free_tstamp_types(list);
	}
	printf(",\"can_set_rfmon\":%d", pcap_can_set_rfmon(g_handle));
	if (o->have_snaplen)
		pcap_set_snaplen(g_handle, o->snaplen);
	if (o->promisc)
		pcap_set_promisc(g_handle, 1);
	if (o->rfmon)
		printf(",\"set_rfmon\":%d", pcap_set_rfmon(g_handle, 1));
	if (o->have_timeout)
		pcap_set_timeout(g_handle, o->timeout);
	if (o->have_bufsize)
		pcap_set_buffer_size(g_handle, o->bufsize);
	if (o->immediate)
		pcap_set_immediate_mode(g_handle, 1);
	if (o->nano)
		printf(",\"set_precision\":%d", pcap_set_tstamp_precision(g_handle,
		    PCAP_TSTAMP_PRECISION_NANO));
	if (o->tstamp != NULL)
		printf(",\"set_tstamp_type\":%d", pcap_set_tstamp_type(g_handle,
		    tstamp_type_value(o->tstamp)));
	if (o->have_protocol)
		pcap_set_protocol_linux(g_handle, o->protocol);
#ifdef LIVE_DRIVER_OURS
	if (o->fanout != NULL) {
		int group = 0, mode = 0;
		sscanf(o->fanout, "%d:%i", &group, &mode);
		printf(",\"set_fanout\":%d", cap_set_fanout(g_handle, group, mode));
	}
#endif
	if (o->nonblock_before)
		printf(",\"setnonblock_before\":%d",
		    pcap_setnonblock(g_handle, 1, errbuf));
	printf(",\"datalink_before\":%d", pcap_datalink(g_handle));
	status = pcap_activate(g_handle);
	printf(",\"status\":%d,\"error\":", status);
	json_str(status != 0 ? pcap_geterr(g_handle) : NULL);
	if (status < 0) {
		printf("}\n");
		return -1;
	}
activated:
	printf(",\"datalink\":%d", pcap_datalink(g_handle));
	n = pcap_list_datalinks(g_handle, &list);
	if (n >= 0) {
		print_list("datalinks", list, n);
		pcap_free_datalinks(list);
	}
	printf(",\"snapshot\":%d", pcap_snapshot(g_handle));
	printf(",\"precision\":%d", pcap_get_tstamp_precision(g_handle));
	printf(",\"selectable\":%d", pcap_get_selectable_fd(g_handle) >= 0);
	printf(",\"nonblock\":%d", pcap_getnonblock(g_handle, errbuf));
	if (o->dlt != NULL) {
		rc = pcap_set_datalink(g_handle, pcap_datalink_name_to_val(o->dlt));
		printf(",\"set_datalink\":%d,\"set_datalink_error\":", rc);
		json_str(rc != 0 ? pcap_geterr(g_handle) : NULL);
		printf(",\"datalink_after\":%d", pcap_datalink(g_handle));
	}
	if (o->direction != NULL) {
		pcap_direction_t d = strcmp(o->direction, "in") == 0 ? PCAP_D_IN :
		    strcmp(o->direction, "out") == 0 ? PCAP_D_OUT : PCAP_D_INOUT;
		rc = pcap_setdirection(g_handle, d);
		printf(",\"setdirection\":%d", rc);
	}
	if (o->progfile != NULL && !o->late_filter && apply_filter(o) != 0)
		return -1;
	if (o->nonblock_after) {
		rc = pcap_setnonblock(g_handle, 1, errbuf);
		printf(",\"setnonblock\":%d,\"nonblock_now\":%d", rc,
		    pcap_getnonblock(g_handle, errbuf));
	}
	printf("}\n");
	return 0;
}

static int
cmd_capture(const char *dev, const struct opts *o)
{
	struct breaker br = { 0, 0.0 };
	pthread_t th;
	double t_start, t_end;
	int rc = 0, calls = 0, zero_returns = 0, stale = 0;
	struct pcap_stat st;
	static u_char last_copy[2048];
	const u_char *last_data = NULL;
	size_t last_len = 0;

	if (open_handle(dev, o) != 0)
		return 0;
	g_count = o->count;
	g_quiet = o->quiet;
	g_count_only = o->count_only;
	printf("{\"ready\":1}\n");
	fflush(stdout);
	if (o->stall_ms > 0)
		usleep((useconds_t)o->stall_ms * 1000);
	if (o->progfile != NULL && o->late_filter) {
		printf("{\"late\":1");
		if (apply_filter(o) != 0)
			return 0;
		printf("}\n");
	}
	if (o->deadline_ms > 0) {
		struct sigaction sa;
		struct itimerval it;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_alarm;
		sigaction(SIGALRM, &sa, NULL);
		memset(&it, 0, sizeof it);
		it.it_value.tv_sec = o->deadline_ms / 1000;
		it.it_value.tv_usec = (o->deadline_ms % 1000) * 1000;
		setitimer(ITIMER_REAL, &it, NULL);
	}
	if (o->break_ms > 0) {
		br.ms = o->break_ms;
		pthread_create(&th, NULL, break_thread, &br);
	}
	t_start = now_mono();
	for (;;) {
		if (strcmp(o->mode, "loop") == 0) {
			rc = pcap_loop(g_handle, -1, on_packet, NULL);
			calls++;
			break;
		} else if (strcmp(o->mode, "next_ex") == 0) {
			struct pcap_pkthdr *h;
			const u_char *data;
			if (o->verify_next && last_data != NULL) {
				usleep(5000);
				if (memcmp(last_data, last_copy, last_len) != 0)
					stale++;
			}
			rc = pcap_next_ex(g_handle, &h, &data);
			calls++;
			if (rc == 1) {
				on_packet(NULL, h, data);
				last_len = h->caplen < sizeof last_copy ?
				    h->caplen : sizeof last_copy;
				memcpy(last_copy, data, last_len);
				last_data = data;
				if (g_count > 0 && g_seen >= g_count)
					break;
				continue;
			}
			if (rc == 0) {
				zero_returns++;
				if (o->break_ms > 0 || o->deadline_ms <= 0)
					continue;
				if ((now_mono() - t_start) * 1000 > o->deadline_ms)
					break;
				continue;
			}
			break;
		} else {
			rc = pcap_dispatch(g_handle, -1, on_packet, NULL);
			calls++;
			if (rc == 0) {
				zero_returns++;
				if (o->nonblock_after || o->nonblock_before)
					usleep(1000);
				if (o->deadline_ms > 0 &&
				    (now_mono() - t_start) * 1000 > o->deadline_ms)
					break;
				continue;
			}
			if (rc < 0)
				break;
			if (g_count > 0 && g_seen >= g_count)
				break;
		}
	}
	t_end = now_mono();
	if (o->break_ms > 0) {
		pthread_join(th, NULL);
		printf("{\"break_rc\":%d,\"break_latency_us\":%.0f}\n", rc,
		    (t_end - br.at) * 1e6);
	}
	printf("{\"end\":1,\"rc\":%d,\"seen\":%ld,\"calls\":%d,\"zero_returns\":%d,"
	    "\"stale\":%d,\"error\":", rc, g_seen, calls, zero_returns, stale);
	json_str(rc == PCAP_ERROR ? pcap_geterr(g_handle) : NULL);
	if (pcap_stats(g_handle, &st) == 0)
		printf(",\"recv\":%u,\"drop\":%u,\"ifdrop\":%u", st.ps_recv,
		    st.ps_drop, st.ps_ifdrop);
	printf("}\n");
	fflush(stdout);
	pcap_close(g_handle);
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static int
cmd_inject(const char *dev, const struct opts *o)
{
	char line[200000];
	static u_char frame[100000];

	if (open_handle(dev, o) != 0)
		return 0;
	while (fgets(line, sizeof line, stdin) != NULL) {
		size_t n = 0;
		for (char *s = line; s[0] && s[1]; s += 2) {
			int hi = hexval(s[0]), lo = hexval(s[1]);
			if (hi < 0 || lo < 0 || n >= sizeof frame)
				break;
			frame[n++] = (u_char)(hi * 16 + lo);
		}
		int rc = pcap_inject(g_handle, frame, n);
		printf("{\"inject\":%d,\"error\":", rc);
		json_str(rc < 0 ? pcap_geterr(g_handle) : NULL);
		rc = pcap_sendpacket(g_handle, frame, 0);
		printf(",\"sendpacket_zero\":%d,\"sendpacket_error\":", rc);
		json_str(rc < 0 ? pcap_geterr(g_handle) : NULL);
		printf("}\n");
	}
	pcap_close(g_handle);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	int c;

	memset(&o, 0, sizeof o);
	o.mode = "dispatch";
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: live_oracle CMD [options] [args]\n");
		return 2;
	}
	const char *cmd = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "s:pt:B:inT:P:y:d:F:c:w:m:NES:b:qrOAVf:Z")) != -1) {
		switch (c) {
		case 's': o.snaplen = atoi(optarg); o.have_snaplen = 1; break;
		case 'p': o.promisc = 1; break;
		case 't': o.timeout = atoi(optarg); o.have_timeout = 1; break;
		case 'B': o.bufsize = atoi(optarg); o.have_bufsize = 1; break;
		case 'i': o.immediate = 1; break;
		case 'n': o.nano = 1; break;
		case 'T': o.tstamp = optarg; break;
		case 'P': o.protocol = (int)strtol(optarg, NULL, 0); o.have_protocol = 1; break;
		case 'y': o.dlt = optarg; break;
		case 'd': o.direction = optarg; break;
		case 'F': o.progfile = optarg; break;
		case 'c': o.count = atol(optarg); break;
		case 'w': o.deadline_ms = atol(optarg); break;
		case 'm': o.mode = optarg; break;
		case 'N': o.nonblock_after = 1; break;
		case 'E': o.nonblock_before = 1; break;
		case 'S': o.stall_ms = atol(optarg); break;
		case 'b': o.break_ms = atol(optarg); break;
		case 'q': o.quiet = 1; break;
		case 'r': o.rfmon = 1; break;
		case 'O': o.open_live = 1; break;
		case 'A': o.late_filter = 1; break;
		case 'V': o.verify_next = 1; break;
		case 'f': o.fanout = optarg; break;
		case 'Z': o.count_only = 1; break;
		default: return 2;
		}
	}
	if (strcmp(cmd, "devs") == 0)
		return cmd_devs();
	if (strcmp(cmd, "lookupdev") == 0)
		return cmd_lookupdev();
	if (strcmp(cmd, "lookupnet") == 0 && optind < argc)
		return cmd_lookupnet(argv[optind]);
#ifndef LIVE_DRIVER_OURS
	if (strcmp(cmd, "compile") == 0 && optind + 2 < argc)
		return cmd_compile(argv[optind], argv[optind + 1], argv[optind + 2]);
#endif
	if (strcmp(cmd, "info") == 0 && optind < argc) {
		if (open_handle(argv[optind], &o) == 0)
			pcap_close(g_handle);
		return 0;
	}
	if (strcmp(cmd, "capture") == 0 && optind < argc)
		return cmd_capture(argv[optind], &o);
	if (strcmp(cmd, "inject") == 0 && optind < argc)
		return cmd_inject(argv[optind], &o);
	fprintf(stderr, "bad command\n");
	return 2;
}
