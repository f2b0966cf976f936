/*
 * fuzz_compile.c - libFuzzer harness for the filter compiler: compile
 * whatever expression the fuzzer makes up, for one of the link types of
 * libpcap's tests (the 15 part-1 ones, then 802.11 bare and behind
 * radiotap/Prism/AVS/PPI, FDDI, Token Ring, IP over FC, RFC 1483, CLIP,
 * SunATM, MTP2 and its pseudo-header and ERF forms, pflog, ARCnet (BSD,
 * Linux), netANALYZER (both), DSA tags, LocalTalk, Frame Relay, IPNET,
 * Juniper MFR, enc, Symantec, IP over 1394, BSD/OS SLIP, BACnet MS/TP),
 * with and without the optimizer.
 *
 * Input: byte 0 picks the link type (an index into dlts[], modulo its
 * length: 0-14 the part-1 types, 15 on the others), byte 1 holds
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

static const int dlts[] = {
	/* part 1 */
	1, 12, 228, 229, 0, 108, 113, 276, 9, 50, 16, 166, 51, 104, 8,
	/* part 2: 802.11 (bare, radiotap, Prism, AVS, PPI) */
	105, 127, 119, 163, 192,
	/* 802.2 LLC: FDDI, Token Ring, IP over FC, RFC 1483, CLIP */
	10, 6, 122, 11, 19,
	/* SunATM; MTP2, MTP2 with pseudo-header, ERF; pflog; ARCnet */
	123, 140, 139, 197, 117, 7, 129,
	/* netANALYZER (both), DSA tags (Broadcom, Marvell) */
	240, 241, 281, 284,
	/* LocalTalk, Frame Relay, IPNET, Juniper MFR, enc, Symantec,
	   IP over 1394, BSD/OS SLIP, BACnet MS/TP */
	114, 107, 226, 134, 109, 99, 138, 15, 165 };
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
   picks encapsulations (802.1Q, MPLS, PPPoE on Ethernet) or, for the other
   link types, a second form of their header (variant 0 or 1).  The frame
   is cut to PKTLEN bytes where a long header leaves no room (a short
   packet is as good a test). */
static void
frame(int dlt, const struct l3 *l, int variant, struct pktbuf *out)
{
	static const u_char mac_a[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const u_char mac_b[6] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc };
	static const u_char snap[6] = { 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00 };
	static const u_char bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const u_char tr_func[6] = { 0xc0, 0x00, 0xff, 0xff, 0xff, 0xff };
	u_char *b = out->b;
	u_int h = 0, pre = 0, n;
	int is_ip = l->ethertype == 0x0800, is_ip6 = l->ethertype == 0x86dd;

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

	/* 802.11 data frames, bare or behind a radio header: variant 0 a
	   to-DS data frame, variant 1 a from-DS QoS data frame (and, behind
	   radiotap, a padded header).  LLC/SNAP, then the payload. */
	case 105: case 127: case 119: case 163: case 192:
		if (dlt == 127) {		/* radiotap, little-endian */
			b[2] = variant ? 20 : 8;
			if (variant) {
				b[4] = 0x03;	/* TSFT, flags */
				b[16] = 0x20;	/* DATAPAD */
			}
			pre = b[2];
		} else if (dlt == 119 && variant) {	/* Prism: 144 bytes */
			b[0] = 0x41;
			b[4] = 144;
			memcpy(b + 8, "wlan0", 5);
			pre = 144;
		} else if (dlt == 119 || dlt == 163) {	/* AVS, big-endian length */
			put16(b, 0x8021);
			put16(b + 2, 0x1001);
			b[7] = variant ? 16 : 64;
			pre = b[7];
		} else if (dlt == 192) {	/* PPI, 802.11 inside */
			b[2] = variant ? 28 : 8;
			b[4] = 105;
			if (variant) {		/* one 802.11-common field */
				b[8] = 2;
				b[10] = 20;
			}
			pre = b[2];
		}
		if (pre + 24 > PKTLEN) {
			h = PKTLEN;
			memset(b + pre, 0x08, PKTLEN - pre);
			break;
		}
		b[pre] = variant ? 0x88 : 0x08;
		b[pre + 1] = variant ? 0x02 : 0x01;
		memcpy(b + pre + 4, variant ? mac_a : mac_b, 6);
		memcpy(b + pre + 10, variant ? mac_b : mac_a, 6);
		memcpy(b + pre + 16, bcast, 6);
		b[pre + 22] = 0x10;
		h = pre + 24 + (variant ? 2 : 0);
		if (dlt == 127 && variant)
			while (h % 4)
				h++;
		memcpy(b + h, snap, 6);
		put16(b + h + 6, l->ethertype);
		h += 8;
		break;

	/* 802.2 LLC link types: FDDI, Token Ring, IP over Fibre Channel,
	   RFC 1483 and Classical IP over ATM; SNAP, or for ARP on variant 1
	   a bare 802.2 header with the ISO SAPs. */
	case 10: case 6: case 122: case 11: case 19:
		if (dlt == 10) {
			b[0] = 0x50;
			memcpy(b + 1, variant ? mac_a : bcast, 6);
			memcpy(b + 7, mac_b, 6);
			h = 13;
		} else if (dlt == 6) {
			b[0] = 0x10;
			b[1] = 0x40;
			memcpy(b + 2, variant ? mac_a : tr_func, 6);
			memcpy(b + 8, mac_b, 6);
			h = 14;
		} else if (dlt == 122) {
			b[0] = 0x10;
			memcpy(b + 2, variant ? mac_a : bcast, 6);
			b[8] = 0x10;
			memcpy(b + 10, mac_b, 6);
			h = 16;
		}
		if (variant && !is_ip && !is_ip6) {
			memcpy(b + h, "\xfe\xfe\x03\x83\x1b\x01\x00\x12", 8);
			h += 8;			/* IS-IS L1 LSP */
			break;
		}
		memcpy(b + h, snap, 6);
		put16(b + h + 6, l->ethertype);
		h += 8;
		break;

	/* SunATM: LLC on VPI 1 VCI 100, or LANE (LE header, Ethernet). */
	case 123:
		b[0] = variant ? 0x81 : 0x02;
		b[1] = variant ? 0 : 1;
		put16(b + 2, variant ? 32 : 100);
		h = 4;
		if (variant) {
			put16(b + 4, 0x0001);
			memcpy(b + 6, "\x01\x00\x5e\x00\x00\x01", 6);
			memcpy(b + 12, mac_a, 6);
			put16(b + 18, l->ethertype);
			h = 20;
		} else {
			memcpy(b + 4, snap, 6);
			put16(b + 10, l->ethertype);
			h = 12;
		}
		break;

	/* SS7: an MTP2 MSU (low-speed layout on variant 0, high-speed on
	   variant 1) whose SIF is the payload, alone, behind the 4-byte
	   pseudo-header, or in an ERF record. */
	case 140: case 139: case 197:
		pre = dlt == 140 ? 0 : dlt == 139 ? 4 : 20;
		if (dlt == 139) {
			b[1] = (u_char)variant;	/* annex A */
			b[2] = 1;		/* link number */
		} else if (dlt == 197) {
			b[8] = 5;		/* ERF MC HDLC */
			put16(b + 10, (uint16_t)(20 + 11 + l->len));
			put16(b + 14, (uint16_t)(11 + l->len));
		}
		n = l->len + 5 > 63 ? 63 : l->len + 5;
		if (variant) {
			put16(b + pre, 0x8001);
			put16(b + pre + 2, 0x8002);
			put16(b + pre + 4, (uint16_t)((l->len + 5) << 7));
			h = pre + 6;
		} else {
			b[pre] = 0x81;
			b[pre + 1] = 0x82;
			b[pre + 2] = (u_char)n;
			h = pre + 3;
		}
		b[h] = 0x83;			/* SIO: SCCP, national */
		b[h + 1] = 0xd6;		/* DPC 0x31d6, OPC 0x3b35, SLS 5 */
		b[h + 2] = 0x71;
		b[h + 3] = 0x4d;
		b[h + 4] = 0x5e;
		h += 5;
		break;

	/* pflog: a 61-byte header rounded up to 64. */
	case 117:
		b[0] = 61;
		b[1] = (u_char)(is_ip ? 2 : is_ip6 ? 10 : 0);
		b[2] = (u_char)variant;		/* pass, drop */
		b[3] = variant ? 7 : 0;		/* match, congestion */
		memcpy(b + 4, variant ? "pflog0" : "em0", variant ? 6 : 3);
		if (variant)
			memcpy(b + 20, "testruleset2", 12);
		put16(b + 38, 123);		/* rule number */
		memset(b + 40, 0xff, 4);	/* no subrule */
		b[60] = (u_char)(variant + 1);	/* in, out */
		h = 64;
		break;

	/* ARCnet: RFC 1201 protocol IDs, or RFC 1051 ones on variant 1. */
	case 7: case 129:
		b[0] = 0x8c;
		b[1] = variant ? 0x00 : 0x0e;
		pre = dlt == 7 ? 2 : 4;
		b[pre] = is_ip6 ? 0xc4 : is_ip ? (variant ? 0xf0 : 0xd4) :
		    l->ethertype == 0x0806 ? (variant ? 0xf1 : 0xd5) : 0xdd;
		h = pre + 4;
		break;

	/* Ethernet behind a pseudo-header or with a switch tag. */
	case 240: case 241: case 281: case 284:
		pre = dlt == 240 ? 4 : dlt == 241 ? 12 : 0;
		if (dlt == 241)
			memcpy(b + 4, "\x55\x55\x55\x55\x55\x55\x55\xd5", 8);
		memcpy(b + pre, variant ? "\xff\xff\xff\xff\xff\xff" : "\x01\x00\x5e\x00\x00\x01", 6);
		memcpy(b + pre + 6, mac_a, 6);
		h = pre + 12;
		if (dlt == 281 || dlt == 284) {
			b[h] = variant ? 0x20 : 0x40;	/* tag: direction bits */
			b[h + 3] = 2;
			h += 4;
		}
		put16(b + h, l->ethertype);
		h += 2;
		break;

	case 114:				/* LocalTalk LLAP, long DDP */
		b[0] = 0xff;
		b[1] = 0x01;
		b[2] = 2;
		h = 3;
		break;
	case 107:				/* Frame Relay: Q.922, UI, NLPID */
		b[0] = 0x18;
		b[1] = 0x41;
		b[2] = 0x03;
		if (is_ip || is_ip6) {
			b[3] = is_ip ? 0xcc : 0x8e;
			h = 4;
		} else {
			memcpy(b + 3, "\x80\x00\x00\x00", 4);	/* SNAP */
			put16(b + 7, l->ethertype);
			h = 9;
		}
		break;
	case 226:				/* IPNET */
		b[0] = 1;
		b[1] = (u_char)(is_ip ? 2 : is_ip6 ? 26 : 0);
		put16(b + 2, (uint16_t)(variant + 1));	/* outbound, inbound */
		put16(b + 6, (uint16_t)l->len);
		b[11] = 2;
		h = 24;
		break;
	case 134:				/* Juniper MFR: magic, flags */
		memcpy(b, "MGC", 3);
		b[3] = (u_char)variant;		/* direction bit */
		h = 4;
		break;
	case 109:				/* OpenBSD enc: AF in host order */
		b[0] = (u_char)(is_ip ? 2 : is_ip6 ? 24 : 0);
		b[4] = 0x10;
		h = 12;
		break;
	case 99:				/* Symantec firewall */
		put16(b + 6, l->ethertype);
		h = 44;
		break;
	case 138:				/* IP over IEEE 1394 */
		memcpy(b, "\x00\x11\x22\xff\xfe\x33\x44\x55", 8);
		memcpy(b + 8, "\x00\x66\x77\xff\xfe\x88\x99\xaa", 8);
		put16(b + 16, l->ethertype);
		h = 18;
		break;
	case 15:				/* BSD/OS SLIP: 24-byte header */
		b[0] = (u_char)variant;
		b[1] = 0x40;
		h = 24;
		break;
	case 165:				/* BACnet MS/TP */
		b[0] = 0x55;
		b[1] = 0xff;
		b[2] = 5;
		b[3] = variant ? 0xff : 0xa9;
		b[4] = 0xa8;
		put16(b + 5, (uint16_t)l->len);
		h = 8;
		break;

	default:			/* PPP, PPP_SERIAL, PPP_PPPD */
		b[0] = 0xff;
		b[1] = 0x03;
		put16(b + 2, l->ppp);
		h = 4;
		break;
	}
	n = h >= PKTLEN ? 0 : l->len <= PKTLEN - h ? l->len : PKTLEN - h;
	memcpy(b + h, l->d, n);
	out->len = h + n;
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
