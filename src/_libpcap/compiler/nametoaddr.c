/*
 * nametoaddr.c - names to numbers for hosts, networks, services, IP
 * protocols, EtherTypes and LLC SAPs: libpcap's public pcap_nameto*
 * functions and the compiler's nm_* helpers (namedb-int.h).
 *
 * The system databases answer first, through reentrant interfaces only
 * (getaddrinfo, gethostbyname_r, getnetbyname_r, getprotobyname_r), so
 * concurrent compiles never share a static result.  EtherType and LLC names
 * come from libpcap's own tables, as they always have.  Where a system has
 * no services or protocols database at all (minimal containers without
 * /etc/services or /etc/protocols), small built-in tables of the IANA
 * well-known entries answer instead, so "tcp port http" still compiles;
 * with the files present, they alone decide, as in libpcap.
 *
 * pcap_nametoaddr keeps libpcap's API (a list it owns), so its answer lives
 * in a per-thread buffer that the next call in the same thread replaces.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>

#include "namedb-int.h"

#ifndef _PATH_SERVICES
#define _PATH_SERVICES "/etc/services"
#endif
#ifndef _PATH_PROTOCOLS
#define _PATH_PROTOCOLS "/etc/protocols"
#endif
#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

/* First buffer size for the *_r look-ups; doubled on ERANGE up to the cap. */
#define NM_BUF_FIRST	1024
#define NM_BUF_MAX	(1024 * 1024)

/* ---- hosts ------------------------------------------------------------------ */

/* Most IPv4 addresses pcap_nametoaddr hands back for one name. */
#define NM_MAX_HOSTADDRS 64

struct nm_hostlist {
	bpf_u_int32 addr[NM_MAX_HOSTADDRS];
	bpf_u_int32 *list[NM_MAX_HOSTADDRS + 1];
};

/*
 * gethostbyname_r into a buffer that grows while glibc says ERANGE.
 * Returns the entry (pointing into *bufp, which the caller frees) or NULL.
 */
static struct hostent *
host_lookup(const char *name, struct hostent *he, char **bufp)
{
	size_t len = NM_BUF_FIRST * 4;
	struct hostent *res;
	int herr, rc;

	*bufp = NULL;
	for (;;) {
		char *buf = realloc(*bufp, len);

		if (buf == NULL)
			return NULL;
		*bufp = buf;
		res = NULL;
		rc = gethostbyname_r(name, he, buf, len, &res, &herr);
		if (rc == ERANGE && len < NM_BUF_MAX) {
			len *= 2;
			continue;
		}
		return rc == 0 ? res : NULL;
	}
}

bpf_u_int32 **
pcap_nametoaddr(const char *name)
{
	/* libpcap's contract: the list stays ours until the next call. */
	static _Thread_local struct nm_hostlist hl;
	struct hostent he, *hp;
	char *buf;
	size_t n = 0;

	if (name == NULL)
		return NULL;
	hp = host_lookup(name, &he, &buf);
	if (hp != NULL && hp->h_addrtype == AF_INET && hp->h_length == 4) {
		for (; hp->h_addr_list[n] != NULL && n < NM_MAX_HOSTADDRS; n++) {
			bpf_u_int32 a;

			memcpy(&a, hp->h_addr_list[n], sizeof a);
			hl.addr[n] = ntohl(a);	/* libpcap answers in host order */
			hl.list[n] = &hl.addr[n];
		}
	}
	free(buf);
	if (n == 0)
		return NULL;
	hl.list[n] = NULL;
	return hl.list;
}

struct addrinfo *
pcap_nametoaddrinfo(const char *name)
{
	struct addrinfo hints, *res;

	/* One entry per address: the socket type only filters duplicates. */
	memset(&hints, 0, sizeof hints);
	hints.ai_family = PF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	if (name == NULL || getaddrinfo(name, NULL, &hints, &res) != 0)
		return NULL;
	return res;
}

/* ---- networks --------------------------------------------------------------- */

bpf_u_int32
pcap_nametonetaddr(const char *name)
{
	size_t len = NM_BUF_FIRST;
	struct netent ne, *np;
	bpf_u_int32 net = 0;
	char *buf = NULL;
	int herr, rc;

	if (name == NULL)
		return 0;
	for (;;) {
		char *nb = realloc(buf, len);

		if (nb == NULL)
			break;
		buf = nb;
		/* glibc may leave the result pointer unset on success. */
		np = NULL;
		rc = getnetbyname_r(name, &ne, buf, len, &np, &herr);
		if (rc == ERANGE && len < NM_BUF_MAX) {
			len *= 2;
			continue;
		}
		if (rc == 0 && np != NULL)
			net = (bpf_u_int32)np->n_net;
		break;
	}
	free(buf);
	return net;
}

/* ---- services ------------------------------------------------------------------ */

/* The IANA well-known services, for systems without a services database. */
struct nm_service {
	const char *name;
	unsigned short port;
	unsigned char tcp, udp;
};

static const struct nm_service builtin_services[] = {
	{ "echo", 7, 1, 1 },		{ "discard", 9, 1, 1 },
	{ "daytime", 13, 1, 1 },	{ "chargen", 19, 1, 1 },
	{ "ftp-data", 20, 1, 0 },	{ "ftp", 21, 1, 0 },
	{ "ssh", 22, 1, 0 },		{ "telnet", 23, 1, 0 },
	{ "smtp", 25, 1, 0 },		{ "mail", 25, 1, 0 },
	{ "time", 37, 1, 1 },		{ "whois", 43, 1, 0 },
	{ "tacacs", 49, 1, 1 },		{ "domain", 53, 1, 1 },
	{ "bootps", 67, 0, 1 },		{ "bootpc", 68, 0, 1 },
	{ "tftp", 69, 0, 1 },		{ "gopher", 70, 1, 0 },
	{ "finger", 79, 1, 0 },		{ "http", 80, 1, 0 },
	{ "www", 80, 1, 0 },		{ "kerberos", 88, 1, 1 },
	{ "pop3", 110, 1, 0 },		{ "sunrpc", 111, 1, 1 },
	{ "portmapper", 111, 1, 1 },	{ "auth", 113, 1, 0 },
	{ "ident", 113, 1, 0 },		{ "nntp", 119, 1, 0 },
	{ "ntp", 123, 0, 1 },		{ "netbios-ns", 137, 0, 1 },
	{ "netbios-dgm", 138, 0, 1 },	{ "netbios-ssn", 139, 1, 0 },
	{ "imap2", 143, 1, 0 },		{ "imap", 143, 1, 0 },
	{ "snmp", 161, 1, 1 },		{ "snmp-trap", 162, 1, 1 },
	{ "bgp", 179, 1, 0 },		{ "ldap", 389, 1, 1 },
	{ "https", 443, 1, 1 },		{ "microsoft-ds", 445, 1, 0 },
	{ "isakmp", 500, 0, 1 },	{ "exec", 512, 1, 0 },
	{ "login", 513, 1, 0 },		{ "shell", 514, 1, 0 },
	{ "syslog", 514, 0, 1 },	{ "printer", 515, 1, 0 },
	{ "route", 520, 0, 1 },		{ "rtsp", 554, 1, 1 },
	{ "submission", 587, 1, 0 },	{ "ldaps", 636, 1, 1 },
	{ "rsync", 873, 1, 0 },		{ "imaps", 993, 1, 0 },
	{ "pop3s", 995, 1, 0 },		{ "socks", 1080, 1, 0 },
	{ "openvpn", 1194, 1, 1 },	{ "ms-sql-s", 1433, 1, 0 },
	{ "radius", 1812, 1, 1 },	{ "radius-acct", 1813, 1, 1 },
	{ "nfs", 2049, 1, 1 },		{ "mysql", 3306, 1, 0 },
	{ "ipsec-nat-t", 4500, 0, 1 },	{ "sip", 5060, 1, 1 },
	{ "mdns", 5353, 0, 1 },		{ "postgresql", 5432, 1, 0 },
	{ "x11", 6000, 1, 0 },		{ "http-alt", 8080, 1, 0 },
};

/* True when the system has no services database to ask. */
static int
no_system_db(const char *path)
{
	return access(path, F_OK) != 0 && errno == ENOENT;
}

static int
builtin_service_port(const char *name, int ipproto, int *port)
{
	size_t i;

	for (i = 0; i < sizeof builtin_services / sizeof builtin_services[0]; i++) {
		const struct nm_service *s = &builtin_services[i];

		if (strcmp(s->name, name) != 0)
			continue;
		if ((ipproto == IPPROTO_TCP && s->tcp) ||
		    (ipproto == IPPROTO_UDP && s->udp)) {
			*port = s->port;
			return 1;
		}
	}
	return 0;
}

int
nm_service_port(const char *name, int ipproto, int *port, int *gai_error,
    int *sys_errno)
{
	struct addrinfo hints, *res, *ai;
	int rc, found = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = PF_UNSPEC;
	hints.ai_socktype = ipproto == IPPROTO_TCP ? SOCK_STREAM :
	    ipproto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_SEQPACKET;
	hints.ai_protocol = ipproto;
	rc = getaddrinfo(NULL, name, &hints, &res);
	if (rc == EAI_NONAME || rc == EAI_SERVICE) {
		if (no_system_db(_PATH_SERVICES))
			return builtin_service_port(name, ipproto, port);
		return 0;
	}
	if (rc != 0) {
		if (gai_error != NULL)
			*gai_error = rc;
		if (sys_errno != NULL)
			*sys_errno = rc == EAI_SYSTEM ? errno : 0;
		return -1;
	}
	/* The first entry with an address carries the port. */
	for (ai = res; ai != NULL && !found; ai = ai->ai_next) {
		if (ai->ai_addr == NULL)
			continue;
		if (ai->ai_family == AF_INET) {
			*port = ntohs(((struct sockaddr_in *)(void *)ai->ai_addr)->sin_port);
			found = 1;
		} else if (ai->ai_family == AF_INET6) {
			*port = ntohs(((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_port);
			found = 1;
		}
	}
	freeaddrinfo(res);
	return found;
}

int
nm_nametoport(const char *name, int *port, int *proto, int *gai_error,
    int *sys_errno)
{
	int tcp_port = -1, udp_port = -1, rc;

	/* Both transports, so an entry both share becomes "either". */
	rc = nm_service_port(name, IPPROTO_TCP, &tcp_port, gai_error, sys_errno);
	if (rc < 0)
		return -1;
	rc = nm_service_port(name, IPPROTO_UDP, &udp_port, gai_error, sys_errno);
	if (rc < 0)
		return -1;
	if (tcp_port >= 0) {
		*port = tcp_port;
		/* A name TCP and UDP map differently stays TCP's, as in libpcap. */
		*proto = udp_port == tcp_port ? PROTO_UNDEF : IPPROTO_TCP;
		return 1;
	}
	if (udp_port >= 0) {
		*port = udp_port;
		*proto = IPPROTO_UDP;
		return 1;
	}
	return 0;
}

int
pcap_nametoport(const char *name, int *port, int *proto)
{
	if (name == NULL || port == NULL || proto == NULL)
		return 0;
	return nm_nametoport(name, port, proto, NULL, NULL) == 1;
}

int
pcap_nametoportrange(const char *name, int *port1, int *port2, int *proto)
{
	const char *dash;
	char *first;
	int p1, p2, proto1, proto2, ok;
	size_t len;

	if (name == NULL || port1 == NULL || port2 == NULL || proto == NULL)
		return 0;
	/* "A-B": each side a service name or number, split at the first '-'. */
	dash = strchr(name, '-');
	if (dash == NULL)
		return 0;
	len = (size_t)(dash - name);
	first = malloc(len + 1);
	if (first == NULL)
		return 0;
	memcpy(first, name, len);
	first[len] = '\0';
	ok = pcap_nametoport(first, &p1, &proto1);
	free(first);
	if (!ok || !pcap_nametoport(dash + 1, &p2, &proto2))
		return 0;
	*port1 = p1;
	*port2 = p2;
	*proto = proto1 == proto2 ? proto1 : PROTO_UNDEF;
	return 1;
}

/* ---- IP protocols ------------------------------------------------------------------ */

/* IANA protocol numbers, for systems without a protocols database. */
struct nm_proto {
	const char *name, *alias;
	int number;
};

static const struct nm_proto builtin_protocols[] = {
	{ "ip", "IP", 0 },		{ "hopopt", "HOPOPT", 0 },
	{ "icmp", "ICMP", 1 },		{ "igmp", "IGMP", 2 },
	{ "ggp", "GGP", 3 },		{ "ipencap", "IP-ENCAP", 4 },
	{ "st", "ST", 5 },		{ "tcp", "TCP", 6 },
	{ "egp", "EGP", 8 },		{ "igp", "IGP", 9 },
	{ "pup", "PUP", 12 },		{ "udp", "UDP", 17 },
	{ "hmp", "HMP", 20 },		{ "xns-idp", "XNS-IDP", 22 },
	{ "rdp", "RDP", 27 },		{ "iso-tp4", "ISO-TP4", 29 },
	{ "dccp", "DCCP", 33 },		{ "xtp", "XTP", 36 },
	{ "ddp", "DDP", 37 },		{ "idpr-cmtp", "IDPR-CMTP", 38 },
	{ "ipv6", "IPv6", 41 },		{ "ipv6-route", "IPv6-Route", 43 },
	{ "ipv6-frag", "IPv6-Frag", 44 }, { "idrp", "IDRP", 45 },
	{ "rsvp", "RSVP", 46 },		{ "gre", "GRE", 47 },
	{ "esp", "IPSEC-ESP", 50 },	{ "ah", "IPSEC-AH", 51 },
	{ "skip", "SKIP", 57 },		{ "ipv6-icmp", "IPv6-ICMP", 58 },
	{ "ipv6-nonxt", "IPv6-NoNxt", 59 }, { "ipv6-opts", "IPv6-Opts", 60 },
	{ "rspf", "RSPF", 73 },		{ "vmtp", "VMTP", 81 },
	{ "eigrp", "EIGRP", 88 },	{ "ospf", "OSPFIGP", 89 },
	{ "ax.25", "AX.25", 93 },	{ "ipip", "IPIP", 94 },
	{ "etherip", "ETHERIP", 97 },	{ "encap", "ENCAP", 98 },
	{ "pim", "PIM", 103 },		{ "ipcomp", "IPCOMP", 108 },
	{ "vrrp", "VRRP", 112 },	{ "l2tp", "L2TP", 115 },
	{ "isis", "ISIS", 124 },	{ "sctp", "SCTP", 132 },
	{ "fc", "FC", 133 },		{ "mobility-header", "Mobility-Header", 135 },
	{ "udplite", "UDPLite", 136 },	{ "mpls-in-ip", "MPLS-in-IP", 137 },
	{ "manet", NULL, 138 },		{ "hip", "HIP", 139 },
	{ "shim6", "Shim6", 140 },	{ "wesp", "WESP", 141 },
	{ "rohc", "ROHC", 142 },	{ "ethernet", "Ethernet", 143 },
};

static int
builtin_proto(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof builtin_protocols / sizeof builtin_protocols[0]; i++) {
		const struct nm_proto *p = &builtin_protocols[i];

		if (strcmp(p->name, name) == 0 ||
		    (p->alias != NULL && strcmp(p->alias, name) == 0))
			return p->number;
	}
	return PROTO_UNDEF;
}

int
pcap_nametoproto(const char *name)
{
	size_t len = NM_BUF_FIRST;
	struct protoent pe, *pp;
	int number = PROTO_UNDEF, rc;
	char *buf = NULL;

	if (name == NULL)
		return PROTO_UNDEF;
	for (;;) {
		char *nb = realloc(buf, len);

		if (nb == NULL)
			break;
		buf = nb;
		pp = NULL;
		rc = getprotobyname_r(name, &pe, buf, len, &pp);
		if (rc == ERANGE && len < NM_BUF_MAX) {
			len *= 2;
			continue;
		}
		if (rc == 0 && pp != NULL)
			number = pp->p_proto;
		else if (no_system_db(_PATH_PROTOCOLS))
			number = builtin_proto(name);
		break;
	}
	free(buf);
	return number;
}

/* ---- EtherTypes and LLC SAPs (libpcap's own tables) ------------------------------- */

/*
 * libpcap's EtherType names.  (libpcap also exports this table as the
 * undeclared symbol "eproto_db"; this library exports only pcap_ and bpf_
 * names, so it stays internal.)
 */
struct eproto {
	const char *s;
	u_short p;
};

static const struct eproto eproto_db[] = {
	{ "aarp", 0x80f3 },
	{ "arp", 0x0806 },
	{ "atalk", 0x809b },
	{ "decnet", 0x6003 },
	{ "ip", 0x0800 },
	{ "ip6", 0x86dd },
	{ "lat", 0x6004 },
	{ "lldp", 0x88cc },
	{ "loopback", 0x9000 },
	{ "mopdl", 0x6001 },
	{ "moprc", 0x6002 },
	{ "rarp", 0x8035 },
	{ "sca", 0x6007 },
	{ "slow", 0x8809 },
	{ NULL, 0 }
};

/* 802.2 SAP values for the names "ether proto" also takes. */
static const struct eproto llc_db[] = {
	{ "iso", 0xfe },
	{ "stp", 0x42 },
	{ "ipx", 0xe0 },
	{ "netbeui", 0xf0 },
	{ NULL, 0 }
};

static int
table_lookup(const struct eproto *t, const char *name)
{
	if (name == NULL)
		return PROTO_UNDEF;
	for (; t->s != NULL; t++)
		if (strcmp(t->s, name) == 0)
			return t->p;
	return PROTO_UNDEF;
}

int
pcap_nametoeproto(const char *name)
{
	return table_lookup(eproto_db, name);
}

int
pcap_nametollc(const char *name)
{
	return table_lookup(llc_db, name);
}

/* ---- address text ---------------------------------------------------------------- */

int
nm_atoin(const char *s, bpf_u_int32 *addr)
{
	bpf_u_int32 a = 0;
	int parts = 0;

	for (;;) {
		unsigned int part = 0;
		int digits = 0;

		for (; *s >= '0' && *s <= '9'; s++, digits++) {
			part = part * 10 + (unsigned int)(*s - '0');
			if (part > 255)
				return -1;
		}
		if (digits == 0 || ++parts > 4)
			return -1;
		a = a << 8 | part;
		if (*s == '\0')
			break;
		if (*s++ != '.')
			return -1;
	}
	*addr = a;
	return parts * 8;
}

/* Decimal digits into *v, at most max; returns the text after them or NULL. */
static const char *
dec_upto(const char *s, unsigned int max, unsigned int *v)
{
	unsigned int n = 0;
	const char *start = s;

	for (; *s >= '0' && *s <= '9'; s++) {
		n = n * 10 + (unsigned int)(*s - '0');
		if (n > max)
			return NULL;
	}
	if (s == start)
		return NULL;
	*v = n;
	return s;
}

int
nm_atodn(const char *s, bpf_u_int32 *addr)
{
	unsigned int area, node;

	s = dec_upto(s, 63, &area);
	if (s == NULL || *s++ != '.')
		return 0;
	s = dec_upto(s, 1023, &node);
	if (s == NULL || *s != '\0')
		return 0;
	*addr = area << 10 | node;
	return 1;
}

int
nm_nametodnaddr(const char *name, u_short *addr)
{
	(void)name;
	(void)addr;
	return 0;
}
