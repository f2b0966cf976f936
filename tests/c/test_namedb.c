/*
 * test_namedb.c - the name-database API (pcap/namedb.h) and the compiler's
 * nm_* helpers (compiler/namedb-int.h).
 *
 * Text parsers, libpcap's built-in tables and ethers(5) parsing need no
 * system state.  Look-ups that read /etc run, when we are root, in child
 * processes with a private mount namespace whose /etc is an overlay holding
 * the conformance fixture lines (hosts, ethers, networks), or hiding the
 * services/protocols databases to exercise the built-in fallbacks; the
 * machine's own files are never touched.  Without root those parts are
 * reported as skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <pcap/namedb.h>
#include <pcap-namedb.h>

#include "check.h"
#include "../../src/_libpcap/compiler/namedb-int.h"

/* pcap_nametoaddr is deprecated, but it is what these tests test. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

/* Exported, but no header declares it (as in libpcap). */
extern const char pcap_version[];

/* The host fixtures of shared/conformance/filter/fixtures. */
static const char FX_HOSTS[] =
    "10.20.30.40 noeth-ipv4-noipv6.host123.libpcap.test\n"
    "10.20.30.40 noeth-ipv4-ipv6.host123.libpcap.test\n"
    "10.20.30.40 eth-ipv4-noipv6.host123.libpcap.test\n"
    "10.20.30.40 eth-ipv4-ipv6.host123.libpcap.test\n"
    "fd00:a1b2:c3d4::1020:3040:5060:7080 noeth-noipv4-ipv6.host123.libpcap.test\n"
    "fd00:a1b2:c3d4::1020:3040:5060:7080 noeth-ipv4-ipv6.host123.libpcap.test\n"
    "fd00:a1b2:c3d4::1020:3040:5060:7080 eth-noipv4-ipv6.host123.libpcap.test\n"
    "fd00:a1b2:c3d4::1020:3040:5060:7080 eth-ipv4-ipv6.host123.libpcap.test\n"
    "192.168.243.1 eth-ipv4x4-noipv6.host357.libpcap.test\n"
    "192.168.242.4 eth-ipv4x4-noipv6.host357.libpcap.test\n"
    "192.168.244.2 eth-ipv4x4-noipv6.host357.libpcap.test\n"
    "192.168.241.3 eth-ipv4x4-noipv6.host357.libpcap.test\n";
static const char FX_ETHERS[] =
    "aa:00:04:00:14:0e eth-noipv4-noipv6.host123.libpcap.test\n"
    "aa:00:04:00:14:0e eth-ipv4-ipv6.host123.libpcap.test\n"
    "aa:00:04:00:01:08 eth-ipv4x4-noipv6.host357.libpcap.test\n";
static const char FX_NETWORKS[] =
    "net-10-0-0-0.libpcap.test 10.0.0.0\n"
    "net-10-20-0-0.libpcap.test 10.20.0.0\n"
    "net-10-20-30-0.libpcap.test 10.20.30.0\n";

static int
mac_is(const u_char *a, unsigned b0, unsigned b1, unsigned b2, unsigned b3,
    unsigned b4, unsigned b5)
{
	return a != NULL && a[0] == b0 && a[1] == b1 && a[2] == b2 &&
	    a[3] == b3 && a[4] == b4 && a[5] == b5;
}

/* ---- text parsers ----------------------------------------------------------- */

static void
test_atoin(void)
{
	bpf_u_int32 a = 0;

	CHECK_INT(nm_atoin("10", &a), 8);
	CHECK_INT(a, 10);
	CHECK_INT(nm_atoin("10.1", &a), 16);
	CHECK_INT(a, 0x0a01);
	CHECK_INT(nm_atoin("10.1.2", &a), 24);
	CHECK_INT(a, 0x0a0102);
	CHECK_INT(nm_atoin("255.255.255.255", &a), 32);
	CHECK_INT(a, 0xffffffffU);
	CHECK_INT(nm_atoin("0.0.0.0", &a), 32);
	CHECK_INT(a, 0);
	CHECK_INT(nm_atoin("256.256.256.256", &a), -1);
	CHECK_INT(nm_atoin("12.500", &a), -1);
	CHECK_INT(nm_atoin("1.2.3.4.5", &a), -1);
	CHECK_INT(nm_atoin("1..2", &a), -1);
	CHECK_INT(nm_atoin("1.2.", &a), -1);
	CHECK_INT(nm_atoin("", &a), -1);
	CHECK_INT(nm_atoin("0x1.2", &a), -1);
	CHECK_INT(nm_atoin("99999999999999999999", &a), -1);
	CHECK_INT(nm_atoin("010.1", &a), 16);	/* decimal, as libpcap */
	CHECK_INT(a, 0x0a01);
}

static void
test_atodn(void)
{
	bpf_u_int32 a = 0;

	CHECK_INT(nm_atodn("1.2", &a), 1);
	CHECK_INT(a, (1 << 10) | 2);
	CHECK_INT(nm_atodn("63.1023", &a), 1);
	CHECK_INT(a, 0xffff);
	CHECK_INT(nm_atodn("0.0", &a), 1);
	CHECK_INT(a, 0);
	CHECK_INT(nm_atodn("64.120", &a), 0);
	CHECK_INT(nm_atodn("17.1024", &a), 0);
	CHECK_INT(nm_atodn("1", &a), 0);
	CHECK_INT(nm_atodn("1.2.3", &a), 0);
	CHECK_INT(nm_atodn("1.2.3.4", &a), 0);
	CHECK_INT(nm_atodn(".2", &a), 0);
	CHECK_INT(nm_atodn("1.", &a), 0);
	CHECK_INT(nm_atodn("", &a), 0);
}

static void
test_atoan(void)
{
	u_char a = 0;

	CHECK_INT(nm_atoan("$0", &a), 1);
	CHECK_INT(a, 0);
	CHECK_INT(nm_atoan("$fe", &a), 1);
	CHECK_INT(a, 0xfe);
	CHECK_INT(nm_atoan("$A", &a), 1);
	CHECK_INT(a, 0xa);
	CHECK_INT(nm_atoan("$", &a), 0);
	CHECK_INT(nm_atoan("$123", &a), 0);
	CHECK_INT(nm_atoan("$g", &a), 0);
	CHECK_INT(nm_atoan("fe", &a), 0);
	CHECK_INT(nm_atoan("$f.", &a), 0);
	CHECK_INT(nm_atoan(NULL, &a), 0);
}

static void
test_mac48(void)
{
	static const char *good[] = {
		"aa:bb:cc:dd:ee:ff", "AA-BB-CC-DD-EE-FF", "aa.bb.cc.dd.ee.ff",
		"aabb.ccdd.eeff", "aabbccddeeff", "AaBbCcDdEeFf",
	};
	static const char *bad[] = {
		"", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:ff:00", "aa:bb-cc:dd:ee:ff",
		"aa:bb:cc:dd:ee:", ":aa:bb:cc:dd:ee", "aaa:bb:cc:dd:ee:ff",
		"ab:cd:ef:0g:00:00", "aabb.ccdd.eef", "aabbccddeef", "aabbccddeeff0",
		"aabb:ccdd:eeff", "aabb.ccdd-eeff", "aa::bb:cc:dd:ee", " aabbccddeeff",
		"aa:bb:cc:dd:ee:ff ", "1.2.3.4",
	};
	u_char a[6], *p;
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		memset(a, 0, sizeof a);
		CHECK(nm_atomac48(good[i], a) == 1);
		CHECK(mac_is(a, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff));
		p = pcap_ether_aton(good[i]);
		CHECK(mac_is(p, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff));
		free(p);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (nm_atomac48(bad[i], a) != 0)
			fprintf(stderr, "accepted bad MAC '%s'\n", bad[i]);
		CHECK(nm_atomac48(bad[i], a) == 0);
		CHECK(pcap_ether_aton(bad[i]) == NULL);
	}
	/* Single-digit groups mean 0x. */
	CHECK(nm_atomac48("1:2:3:a:b:c", a) == 1);
	CHECK(mac_is(a, 1, 2, 3, 0xa, 0xb, 0xc));
	CHECK(nm_atomac48("0-0-0-0-0-1", a) == 1);
	CHECK(mac_is(a, 0, 0, 0, 0, 0, 1));
	CHECK(nm_atomac48(NULL, a) == 0);
	CHECK(pcap_ether_aton(NULL) == NULL);
}

/* ---- built-in tables ---------------------------------------------------------- */

static void
test_tables(void)
{
	static const struct { const char *name; int value; } eth[] = {
		{ "aarp", 0x80f3 }, { "arp", 0x0806 }, { "atalk", 0x809b },
		{ "decnet", 0x6003 }, { "ip", 0x0800 }, { "ip6", 0x86dd },
		{ "lat", 0x6004 }, { "lldp", 0x88cc }, { "loopback", 0x9000 },
		{ "mopdl", 0x6001 }, { "moprc", 0x6002 }, { "rarp", 0x8035 },
		{ "sca", 0x6007 }, { "slow", 0x8809 },
	};
	size_t i;

	for (i = 0; i < sizeof eth / sizeof eth[0]; i++)
		CHECK_INT(pcap_nametoeproto(eth[i].name), eth[i].value);
	CHECK_INT(pcap_nametoeproto("IP"), PROTO_UNDEF);
	CHECK_INT(pcap_nametoeproto("iso"), PROTO_UNDEF);
	CHECK_INT(pcap_nametoeproto(""), PROTO_UNDEF);
	CHECK_INT(pcap_nametoeproto(NULL), PROTO_UNDEF);
	CHECK_INT(pcap_nametollc("iso"), 0xfe);
	CHECK_INT(pcap_nametollc("stp"), 0x42);
	CHECK_INT(pcap_nametollc("ipx"), 0xe0);
	CHECK_INT(pcap_nametollc("netbeui"), 0xf0);
	CHECK_INT(pcap_nametollc("ip"), PROTO_UNDEF);
	CHECK_INT(pcap_nametollc(NULL), PROTO_UNDEF);
	CHECK(strlen(pcap_version) > 0 && strncmp(pcap_version, "1.", 2) == 0);
	CHECK_INT(nm_nametodnaddr("anything", NULL), 0);
}

/* ---- ethers(5) files ------------------------------------------------------------ */

static FILE *
text_file(const char *text)
{
	FILE *fp = tmpfile();

	if (fp == NULL) {
		perror("tmpfile");
		exit(2);
	}
	fputs(text, fp);
	rewind(fp);
	return fp;
}

static void
test_etherent(void)
{
	struct pcap_etherent *e;
	char longname[300];
	FILE *fp;

	fp = text_file(
	    "# comment line\n"
	    "\n"
	    "   \t  \n"
	    "aa:bb:cc:dd:ee:ff\thost-a   trailing junk\n"
	    "  1:2:3:4:5:6 host-b#notacomment\n"
	    "AA:BB:CC:DD:EE:0F host-C\r\n"
	    "zz:00:00:00:00:00 not-an-address\n"
	    "aa:bb:cc dd-partial\n"
	    "aa:bb:cc:dd:ee:ff # only a comment\n"
	    "aa:bb:cc:dd:ee:ffx bad-separator\n"
	    "12:34:56:78:9a:bc last-without-newline");
	e = pcap_next_etherent(fp);
	CHECK(e != NULL && mac_is(e->addr, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff));
	CHECK_STR(e ? e->name : NULL, "host-a");
	e = pcap_next_etherent(fp);
	CHECK(e != NULL && mac_is(e->addr, 1, 2, 3, 4, 5, 6));
	CHECK_STR(e ? e->name : NULL, "host-b#notacomment");
	e = pcap_next_etherent(fp);
	CHECK(e != NULL && mac_is(e->addr, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x0f));
	CHECK_STR(e ? e->name : NULL, "host-C");
	/* A short address keeps its missing bytes zero. */
	e = pcap_next_etherent(fp);
	CHECK(e != NULL && mac_is(e->addr, 0xaa, 0xbb, 0xcc, 0, 0, 0));
	CHECK_STR(e ? e->name : NULL, "dd-partial");
	/* As in libpcap, a last line without its newline is no entry. */
	CHECK(pcap_next_etherent(fp) == NULL);
	CHECK(pcap_next_etherent(fp) == NULL);
	fclose(fp);

	/* Names are cut at 121 characters; the rest of the line is dropped. */
	memset(longname, 'n', sizeof longname);
	memcpy(longname, "01:02:03:04:05:06 ", 18);
	strcpy(longname + 250, " tail\n02:00:00:00:00:01 next\n");
	fp = text_file(longname);
	e = pcap_next_etherent(fp);
	CHECK(e != NULL && strlen(e->name) == 121);
	e = pcap_next_etherent(fp);
	CHECK(e != NULL && mac_is(e->addr, 2, 0, 0, 0, 0, 1));
	CHECK_STR(e ? e->name : NULL, "next");
	fclose(fp);

	/* libpcap's quirk: an address alone on its line takes the next line's
	   first word as its name. */
	fp = text_file("0a:0b:0c:0d:0e:0f\n  following words\n");
	e = pcap_next_etherent(fp);
	CHECK(e != NULL && mac_is(e->addr, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf));
	CHECK_STR(e ? e->name : NULL, "following");
	CHECK(pcap_next_etherent(fp) == NULL);
	fclose(fp);

	/* An address cut by the end of the file is no entry. */
	fp = text_file("aa:bb:cc:dd:ee:ff");
	CHECK(pcap_next_etherent(fp) == NULL);
	fclose(fp);
	fp = text_file("");
	CHECK(pcap_next_etherent(fp) == NULL);
	fclose(fp);
	CHECK(pcap_next_etherent(NULL) == NULL);
}

/* ---- look-ups against this machine's databases ---------------------------------------- */

static int
have_file(const char *path)
{
	return access(path, R_OK) == 0;
}

static void
test_system_lookups(void)
{
	struct addrinfo *ai;
	bpf_u_int32 **al;
	int port = -2, port2 = -2, proto = -2;

	/* Numbers answer as themselves, for both transports. */
	CHECK_INT(pcap_nametoport("80", &port, &proto), 1);
	CHECK_INT(port, 80);
	CHECK_INT(proto, PROTO_UNDEF);
	CHECK_INT(pcap_nametoport("no-such-service-xyz", &port, &proto), 0);
	CHECK_INT(pcap_nametoport(NULL, &port, &proto), 0);
	CHECK_INT(pcap_nametoportrange("20-30", &port, &port2, &proto), 1);
	CHECK_INT(port, 20);
	CHECK_INT(port2, 30);
	CHECK_INT(proto, PROTO_UNDEF);
	CHECK_INT(pcap_nametoportrange("20", &port, &port2, &proto), 0);
	/* As libpcap on glibc: getaddrinfo reads an empty service as port 0. */
	CHECK_INT(pcap_nametoportrange("-20", &port, &port2, &proto), 1);
	CHECK_INT(port, 0);
	CHECK_INT(port2, 20);
	CHECK_INT(pcap_nametoportrange("20-", &port, &port2, &proto), 1);
	CHECK_INT(port2, 0);
	CHECK_INT(pcap_nametoportrange("no-such", &port, &port2, &proto), 0);
	CHECK_INT(pcap_nametoproto("no-such-protocol"), PROTO_UNDEF);
	CHECK_INT(pcap_nametoproto(NULL), PROTO_UNDEF);

	if (have_file("/etc/services")) {
		CHECK_INT(pcap_nametoport("smtp", &port, &proto), 1);
		CHECK_INT(port, 25);
		CHECK_INT(proto, IPPROTO_TCP);
		CHECK_INT(pcap_nametoport("domain", &port, &proto), 1);
		CHECK_INT(port, 53);
		CHECK_INT(proto, PROTO_UNDEF);
		CHECK_INT(pcap_nametoport("bootps", &port, &proto), 1);
		CHECK_INT(port, 67);
		CHECK_INT(proto, IPPROTO_UDP);
		CHECK_INT(pcap_nametoportrange("smtp-domain", &port, &port2, &proto), 1);
		CHECK_INT(port, 25);
		CHECK_INT(port2, 53);
		CHECK_INT(proto, PROTO_UNDEF);	/* TCP and "either" differ */
		CHECK_INT(pcap_nametoportrange("smtp-25", &port, &port2, &proto), 1);
		CHECK_INT(proto, PROTO_UNDEF);
		CHECK_INT(pcap_nametoportrange("bootps-bootpc", &port, &port2, &proto), 1);
		CHECK_INT(port, 67);
		CHECK_INT(port2, 68);
		CHECK_INT(proto, IPPROTO_UDP);
		{
			int gerr = 0, serr = 0, p = -1;

			CHECK_INT(nm_service_port("smtp", IPPROTO_UDP, &p, &gerr, &serr), 0);
			CHECK_INT(nm_service_port("domain", IPPROTO_UDP, &p, &gerr, &serr), 1);
			CHECK_INT(p, 53);
		}
	} else {
		printf("test_namedb: no /etc/services, named-port checks skipped\n");
	}
	if (have_file("/etc/protocols")) {
		CHECK_INT(pcap_nametoproto("tcp"), 6);
		CHECK_INT(pcap_nametoproto("TCP"), 6);
		CHECK_INT(pcap_nametoproto("udp"), 17);
		CHECK_INT(pcap_nametoproto("ipv6-icmp"), 58);
	}

	/* Dotted numbers go through the resolver without DNS. */
	al = pcap_nametoaddr("127.0.0.1");
	CHECK(al != NULL && al[0] != NULL && *al[0] == 0x7f000001 && al[1] == NULL);
	al = pcap_nametoaddr("10.1.2.3");
	CHECK(al != NULL && al[0] != NULL && *al[0] == 0x0a010203);
	CHECK(pcap_nametoaddr(NULL) == NULL);
	ai = pcap_nametoaddrinfo("192.0.2.7");
	CHECK(ai != NULL && ai->ai_family == AF_INET && ai->ai_next == NULL);
	if (ai != NULL) {
		struct sockaddr_in *sin = (struct sockaddr_in *)(void *)ai->ai_addr;

		CHECK_INT(ntohl(sin->sin_addr.s_addr), 0xc0000207);
		freeaddrinfo(ai);
	}
	ai = pcap_nametoaddrinfo("2001:db8::1");
	CHECK(ai != NULL && ai->ai_family == AF_INET6 && ai->ai_next == NULL);
	if (ai != NULL)
		freeaddrinfo(ai);
	CHECK(pcap_nametoaddrinfo(NULL) == NULL);
	CHECK_INT(pcap_nametonetaddr(NULL), 0);
}

/* ---- private /etc (root only) ----------------------------------------------------------- */

static char overlay_dir[] = "/tmp/test_namedb.XXXXXX";

static int
write_file(const char *dir, const char *name, const char *pre, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (fp == NULL)
		return -1;
	if (pre != NULL)
		fputs(pre, fp);
	fputs(text, fp);
	return fclose(fp);
}

/* The machine's file with the fixture lines after it. */
static char *
etc_plus(const char *name)
{
	char path[256], *buf;
	size_t n = 0, cap = 65536;
	FILE *fp;

	snprintf(path, sizeof path, "/etc/%s", name);
	buf = calloc(1, cap + 2);
	fp = fopen(path, "r");
	if (fp != NULL) {
		n = fread(buf, 1, cap, fp);
		fclose(fp);
	}
	if (n > 0 && buf[n - 1] != '\n')
		buf[n++] = '\n';
	buf[n] = '\0';
	return buf;
}

/*
 * In a new mount namespace, lay an overlay over /etc whose upper layer is
 * scenario's directory.  Returns 0, or -1 when this cannot be done here.
 */
static int
private_etc(const char *upper, const char *work)
{
	char opts[1400];

	if (unshare(CLONE_NEWNS) != 0)
		return -1;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return -1;
	snprintf(opts, sizeof opts, "lowerdir=/etc,upperdir=%s,workdir=%s", upper, work);
	if (mount("overlay", "/etc", "overlay", 0, opts) != 0)
		return -1;
	return 0;
}

static void
scenario_fixtures(void)
{
	bpf_u_int32 **al;
	struct addrinfo *ai;
	u_char mac[6], *p;
	int n;

	p = pcap_ether_hostton("eth-ipv4-ipv6.host123.libpcap.test");
	CHECK(mac_is(p, 0xaa, 0, 4, 0, 0x14, 0x0e));
	free(p);
	p = pcap_ether_hostton("ETH-NOIPV4-NOIPV6.HOST123.LIBPCAP.TEST");
	CHECK(mac_is(p, 0xaa, 0, 4, 0, 0x14, 0x0e));
	free(p);
	CHECK(nm_ether_hostton("eth-ipv4x4-noipv6.host357.libpcap.test", mac) == 1);
	CHECK(mac_is(mac, 0xaa, 0, 4, 0, 1, 8));
	CHECK(pcap_ether_hostton("noeth-ipv4-noipv6.host123.libpcap.test") == NULL);
	CHECK(nm_ether_hostton("no-such.libpcap.test", mac) == 0);
	CHECK(pcap_ether_hostton(NULL) == NULL);

	CHECK_INT(pcap_nametonetaddr("net-10-20-0-0.libpcap.test"), 0x0a140000);
	CHECK_INT(pcap_nametonetaddr("net-10-20-30-0.libpcap.test"), 0x0a141e00);
	CHECK_INT(pcap_nametonetaddr("net-10-0-0-0.libpcap.test"), 0x0a000000);
	CHECK_INT(pcap_nametonetaddr("no-such-net.libpcap.test"), 0);

	al = pcap_nametoaddr("noeth-ipv4-noipv6.host123.libpcap.test");
	CHECK(al != NULL && al[0] != NULL && *al[0] == 0x0a141e28 && al[1] == NULL);
	al = pcap_nametoaddr("NOETH-IPV4-NOIPV6.HOST123.LIBPCAP.TEST");
	CHECK(al != NULL && al[0] != NULL && *al[0] == 0x0a141e28);
	al = pcap_nametoaddr("eth-ipv4x4-noipv6.host357.libpcap.test");
	for (n = 0; al != NULL && al[n] != NULL; n++)
		;
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_INT(*al[0], 0xc0a8f301);
		CHECK_INT(*al[1], 0xc0a8f204);
		CHECK_INT(*al[2], 0xc0a8f402);
		CHECK_INT(*al[3], 0xc0a8f103);
	}
	CHECK(pcap_nametoaddr("noeth-noipv4-ipv6.host123.libpcap.test") == NULL);

	ai = pcap_nametoaddrinfo("noeth-noipv4-ipv6.host123.libpcap.test");
	CHECK(ai != NULL && ai->ai_family == AF_INET6);
	if (ai != NULL) {
		static const u_char want[16] = { 0xfd, 0, 0xa1, 0xb2, 0xc3, 0xd4, 0, 0,
		    0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80 };
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ai->ai_addr;

		CHECK(memcmp(&s6->sin6_addr, want, 16) == 0);
		freeaddrinfo(ai);
	}
	ai = pcap_nametoaddrinfo("noeth-ipv4-ipv6.host123.libpcap.test");
	n = 0;
	for (struct addrinfo *a = ai; a != NULL; a = a->ai_next)
		n++;
	CHECK_INT(n, 2);	/* one IPv4 and one IPv6 address, no duplicates */
	if (ai != NULL)
		freeaddrinfo(ai);
}

/* Services and protocols databases absent: the built-in tables answer. */
static void
scenario_no_databases(void)
{
	int port = -1, proto = -2, port2 = -1;

	CHECK(access("/etc/services", F_OK) != 0);
	CHECK_INT(pcap_nametoport("http", &port, &proto), 1);
	CHECK_INT(port, 80);
	CHECK_INT(proto, IPPROTO_TCP);
	CHECK_INT(pcap_nametoport("domain", &port, &proto), 1);
	CHECK_INT(port, 53);
	CHECK_INT(proto, PROTO_UNDEF);
	CHECK_INT(pcap_nametoport("ntp", &port, &proto), 1);
	CHECK_INT(port, 123);
	CHECK_INT(proto, IPPROTO_UDP);
	CHECK_INT(pcap_nametoport("no-such-service", &port, &proto), 0);
	CHECK_INT(pcap_nametoport("443", &port, &proto), 1);
	CHECK_INT(port, 443);
	CHECK_INT(pcap_nametoportrange("ftp-data-ssh", &port, &port2, &proto), 0);
	CHECK_INT(pcap_nametoportrange("smtp-domain", &port, &port2, &proto), 1);
	CHECK_INT(port, 25);
	CHECK_INT(port2, 53);
	CHECK_INT(pcap_nametoproto("tcp"), 6);
	CHECK_INT(pcap_nametoproto("UDP"), 17);
	CHECK_INT(pcap_nametoproto("sctp"), 132);
	CHECK_INT(pcap_nametoproto("ipv6-icmp"), 58);
	CHECK_INT(pcap_nametoproto("no-such-protocol"), PROTO_UNDEF);
}

/* Databases present but small: they alone decide, as in libpcap. */
static void
scenario_small_databases(void)
{
	int port = -1, proto = -2;

	CHECK_INT(pcap_nametoport("smtp", &port, &proto), 1);
	CHECK_INT(port, 2525);
	CHECK_INT(proto, IPPROTO_TCP);
	CHECK_INT(pcap_nametoport("both", &port, &proto), 1);
	CHECK_INT(port, 7000);
	CHECK_INT(proto, IPPROTO_TCP);	/* TCP and UDP differ: TCP's */
	CHECK_INT(pcap_nametoport("http", &port, &proto), 0);
	CHECK_INT(pcap_nametoproto("tcp"), 6);
	CHECK_INT(pcap_nametoproto("custom"), 253);
	CHECK_INT(pcap_nametoproto("udp"), PROTO_UNDEF);
}

/* Runs one scenario in a child with its own /etc; -1 if it cannot run. */
static int
run_scenario(const char *name, void (*fn)(void), int which)
{
	char upper[300], work[300];
	pid_t pid;
	int status;

	snprintf(upper, sizeof upper, "%s/%s-up", overlay_dir, name);
	snprintf(work, sizeof work, "%s/%s-work", overlay_dir, name);
	if (mkdir(upper, 0755) != 0 || mkdir(work, 0755) != 0)
		return -1;
	if (which == 0) {
		char *h = etc_plus("hosts"), *e = etc_plus("ethers"), *n = etc_plus("networks");

		write_file(upper, "hosts", h, FX_HOSTS);
		write_file(upper, "ethers", e, FX_ETHERS);
		write_file(upper, "networks", n, FX_NETWORKS);
		free(h);
		free(e);
		free(n);
	} else if (which == 1) {
		char path[700];

		/* Overlay whiteouts hide the lower files. */
		snprintf(path, sizeof path, "%s/services", upper);
		if (mknod(path, S_IFCHR | 0644, makedev(0, 0)) != 0)
			return -1;
		snprintf(path, sizeof path, "%s/protocols", upper);
		if (mknod(path, S_IFCHR | 0644, makedev(0, 0)) != 0)
			return -1;
	} else {
		write_file(upper, "services", NULL,
		    "smtp 2525/tcp\nboth 7000/tcp\nboth 7001/udp\n");
		write_file(upper, "protocols", NULL, "tcp 6 TCP\ncustom 253 CUSTOM\n");
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (private_etc(upper, work) != 0)
			_exit(77);
		check_failures = 0;
		fn();
		fflush(NULL);
		_exit(check_failures == 0 ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return 1;
	if (WEXITSTATUS(status) == 77)
		return -1;
	return WEXITSTATUS(status);
}

static void
test_private_etc(void)
{
	static const struct { const char *name; void (*fn)(void); } sc[] = {
		{ "fixtures", scenario_fixtures },
		{ "no-databases", scenario_no_databases },
		{ "small-databases", scenario_small_databases },
	};
	char cmd[128];
	size_t i;

	if (geteuid() != 0 || mkdtemp(overlay_dir) == NULL) {
		printf("test_namedb: not root, private-/etc scenarios skipped\n");
		return;
	}
	for (i = 0; i < sizeof sc / sizeof sc[0]; i++) {
		int rc = run_scenario(sc[i].name, sc[i].fn, (int)i);

		if (rc < 0) {
			printf("test_namedb: no overlay mount here, scenario %s skipped\n",
			    sc[i].name);
			continue;
		}
		printf("test_namedb: scenario %s: %s\n", sc[i].name, rc == 0 ? "ok" : "FAILED");
		CHECK_INT(rc, 0);
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", overlay_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", overlay_dir);
}

/* ---- threads ------------------------------------------------------------------------------ */

#define NTHREADS 8

static void *
thread_body(void *arg)
{
	intptr_t id = (intptr_t)arg;
	char name[32], text[128];
	long bad = 0;
	int i;

	snprintf(name, sizeof name, "10.0.%d.%d", (int)id, (int)id + 1);
	snprintf(text, sizeof text, "0%x:00:00:00:00:0%x host%d\n", (int)id, (int)id,
	    (int)id);
	for (i = 0; i < 300; i++) {
		bpf_u_int32 **al = pcap_nametoaddr(name);
		struct pcap_etherent *e;
		FILE *fp = fmemopen(text, strlen(text), "r");
		int port, proto;

		e = fp ? pcap_next_etherent(fp) : NULL;
		/* Each thread's answers stay its own while others call too. */
		sched_yield();
		if (al == NULL || *al[0] != (0x0a000000U | (bpf_u_int32)id << 8 |
		    (bpf_u_int32)(id + 1)))
			bad++;
		if (e == NULL || e->addr[0] != id || e->addr[5] != id)
			bad++;
		if (fp != NULL)
			fclose(fp);
		if (pcap_nametoport("8080", &port, &proto) != 1 || port != 8080)
			bad++;
	}
	return (void *)bad;
}

static void
test_threads(void)
{
	pthread_t t[NTHREADS];
	intptr_t i;

	for (i = 0; i < NTHREADS; i++)
		CHECK(pthread_create(&t[i], NULL, thread_body, (void *)i) == 0);
	for (i = 0; i < NTHREADS; i++) {
		void *bad = (void *)1;

		pthread_join(t[i], &bad);
		CHECK(bad == NULL);
	}
}

int
main(void)
{
	test_atoin();
	test_atodn();
	test_atoan();
	test_mac48();
	test_tables();
	test_etherent();
	test_system_lookups();
	test_private_etc();	/* forks: before any thread exists */
	test_threads();
	return check_status("test_namedb");
}
