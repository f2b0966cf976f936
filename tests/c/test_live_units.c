/*
 * test_live_units.c - unit tests of the Linux capture backend's pure code,
 * runnable without root or network namespaces: the ARPHRD -> DLT map, the
 * cooked-mode decision, SLL/SLL2 header building, VLAN tag insertion, the
 * SocketCAN fix-up, the rewrite of filter programs for the kernel, the
 * ring geometry, and what a created (not activated) handle answers.
 * Live behaviour is tested by tests/test_live_c.py in namespaces.
 */
#include <limits.h>
#include <net/if_arp.h>
#include <linux/if_packet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pcap-int.h"
#include "../capture/linux-int.h"
#include "../capture/capture.h"
#include "check.h"

#define AD(x) (0xfffff000u + (x))
#define AD_PROTOCOL 0u
#define AD_PKTTYPE 4u
#define AD_IFINDEX 8u

static void
test_arphrd_map(void)
{
	static const struct { int arp; int dlt; } table[] = {
		{ ARPHRD_ETHER, DLT_EN10MB }, { ARPHRD_LOOPBACK, DLT_EN10MB },
		{ ARPHRD_METRICOM, DLT_EN10MB }, { ARPHRD_EETHER, DLT_EN3MB },
		{ ARPHRD_AX25, DLT_AX25_KISS }, { ARPHRD_PRONET, DLT_PRONET },
		{ ARPHRD_CHAOS, DLT_CHAOS }, { 280, DLT_CAN_SOCKETCAN },
		{ 800, DLT_IEEE802 }, { ARPHRD_IEEE802, DLT_IEEE802 },
		{ ARPHRD_ARCNET, DLT_ARCNET_LINUX }, { ARPHRD_FDDI, DLT_FDDI },
		{ ARPHRD_IEEE80211, DLT_IEEE802_11 },
		{ ARPHRD_IEEE80211_PRISM, DLT_PRISM_HEADER },
		{ 803, DLT_IEEE802_11_RADIO }, { ARPHRD_CISCO, DLT_C_HDLC },
		{ ARPHRD_TUNNEL, DLT_RAW }, { ARPHRD_SIT, DLT_RAW },
		{ ARPHRD_CSLIP, DLT_RAW }, { ARPHRD_SLIP6, DLT_RAW },
		{ ARPHRD_CSLIP6, DLT_RAW }, { ARPHRD_ADAPT, DLT_RAW },
		{ ARPHRD_SLIP, DLT_RAW }, { ARPHRD_RAWHDLC, DLT_RAW },
		{ ARPHRD_DLCI, DLT_RAW }, { ARPHRD_NONE, DLT_RAW },
		{ ARPHRD_FRAD, DLT_FRELAY }, { ARPHRD_LOCALTLK, DLT_LTALK },
		{ 18, DLT_IP_OVER_FC }, { ARPHRD_FCPP, DLT_FC_2 },
		{ ARPHRD_FCAL, DLT_FC_2 }, { ARPHRD_FCPL, DLT_FC_2 },
		{ ARPHRD_FCFABRIC, DLT_FC_2 }, { ARPHRD_IRDA, DLT_LINUX_IRDA },
		{ 8445, DLT_LINUX_LAPD }, { 804, DLT_IEEE802_15_4_NOFCS },
		{ 824, DLT_NETLINK }, { 826, DLT_VSOCK },
	};
	size_t i;

	for (i = 0; i < sizeof table / sizeof table[0]; i++) {
		CHECK_INT(lnx_arphrd_to_dlt(table[i].arp, "eth0", 1), table[i].dlt);
		CHECK_INT(lnx_arphrd_to_dlt(table[i].arp, "eth0", 0), table[i].dlt);
	}
	/* Cooked mode only where it may be used. */
	CHECK_INT(lnx_arphrd_to_dlt(ARPHRD_PPP, "ppp0", 1), DLT_LINUX_SLL);
	CHECK_INT(lnx_arphrd_to_dlt(ARPHRD_PPP, "ppp0", 0), DLT_RAW);
	CHECK_INT(lnx_arphrd_to_dlt(ARPHRD_ATM, "atm0", 1), DLT_LINUX_SLL);
	CHECK_INT(lnx_arphrd_to_dlt(ARPHRD_ATM, "atm0", 0), -1);
	/* Android's fake Ethernet. */
	CHECK_INT(lnx_arphrd_to_dlt(ARPHRD_ETHER, "cdma_rmnet0", 1), DLT_RAW);
	/* Unknown types: -1, then cooked mode with a warning. */
	CHECK_INT(lnx_arphrd_to_dlt(778 /* IPGRE */, "gre0", 1), -1);
	CHECK_INT(lnx_arphrd_to_dlt(823 /* IP6GRE */, "x", 1), -1);
	CHECK_INT(lnx_arphrd_to_dlt(-5, "x", 1), -1);
	CHECK_INT(lnx_arphrd_to_dlt(65535, "x", 1), -1);
	CHECK_INT(lnx_arphrd_to_dlt(ARPHRD_ETHER, NULL, 1), DLT_EN10MB);
}

static void
test_needs_cooked(void)
{
	CHECK(lnx_dlt_needs_cooked(-1, "x"));
	CHECK(lnx_dlt_needs_cooked(DLT_LINUX_SLL, "x"));
	CHECK(lnx_dlt_needs_cooked(DLT_LINUX_IRDA, "x"));
	CHECK(lnx_dlt_needs_cooked(DLT_LINUX_LAPD, "x"));
	CHECK(lnx_dlt_needs_cooked(DLT_NETLINK, "nlmon0"));
	CHECK(lnx_dlt_needs_cooked(DLT_EN10MB, "isdn0"));
	CHECK(lnx_dlt_needs_cooked(DLT_EN10MB, "isdY1"));
	CHECK(!lnx_dlt_needs_cooked(DLT_EN10MB, "eth0"));
	CHECK(!lnx_dlt_needs_cooked(DLT_EN10MB, "isd"));
	CHECK(!lnx_dlt_needs_cooked(DLT_RAW, "tun0"));
	CHECK(!lnx_dlt_needs_cooked(DLT_CAN_SOCKETCAN, "can0"));
}

static void
test_sll_headers(void)
{
	const unsigned char addr[8] = { 0x02, 0, 0, 0, 0, 0x0a, 0xee, 0xff };
	unsigned char h[32];
	const unsigned char want1[16] = {
		0x00, 0x04, 0x00, 0x01, 0x00, 0x06,
		0x02, 0, 0, 0, 0, 0x0a, 0xee, 0xff, 0x88, 0xb5 };
	const unsigned char want2[20] = {
		0x88, 0xb5, 0, 0, 0x01, 0x02, 0x03, 0x04, 0x00, 0x01, 0x04, 0x06,
		0x02, 0, 0, 0, 0, 0x0a, 0xee, 0xff };
	uint16_t proto_be;

	memcpy(&proto_be, "\x88\xb5", 2);
	memset(h, 0x55, sizeof h);
	lnx_build_sll(h, 4, 1, 6, addr, proto_be);
	CHECK(memcmp(h, want1, 16) == 0);
	CHECK_INT(h[16], 0x55);		/* nothing written past the header */
	memset(h, 0x55, sizeof h);
	lnx_build_sll2(h, 4, 1, 6, addr, proto_be, 0x01020304);
	CHECK(memcmp(h, want2, 20) == 0);
	CHECK_INT(h[20], 0x55);
	/* Large values are cut to the field, not spilled. */
	lnx_build_sll2(h, 0x1ff, 0xfffe, 0x1ff, addr, proto_be, -1);
	CHECK_INT(h[4], 0xff);
	CHECK_INT(h[7], 0xff);
	CHECK_INT(h[8], 0xff);
	CHECK_INT(h[9], 0xfe);
	CHECK_INT(h[10], 0xff);
	CHECK_INT(h[11], 0xff);
}

static void
test_vlan(void)
{
	unsigned char buf[64], *p;
	const unsigned char frame[18] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x00, 0x45, 0, 0, 20 };
	const unsigned char want[22] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x81, 0x00, 0x20, 0x64,
		0x08, 0x00, 0x45, 0, 0, 20 };

	CHECK_INT(lnx_vlan_offset(DLT_EN10MB), 12);
	CHECK_INT(lnx_vlan_offset(DLT_LINUX_SLL), 14);
	CHECK_INT(lnx_vlan_offset(DLT_LINUX_SLL2), -1);
	CHECK_INT(lnx_vlan_offset(DLT_RAW), -1);
	CHECK_INT(lnx_vlan_offset(DLT_DOCSIS), -1);

	memset(buf, 0, sizeof buf);
	memcpy(buf + 8, frame, sizeof frame);
	p = buf + 8;
	lnx_insert_vlan(&p, 12, 0x8100, 0x2064);
	CHECK(p == buf + 4);
	CHECK(memcmp(p, want, sizeof want) == 0);

	/* 802.1ad outer tag, SLL offset. */
	memset(buf, 0, sizeof buf);
	memcpy(buf + 8, frame, sizeof frame);
	p = buf + 8;
	lnx_insert_vlan(&p, 14, 0x88a8, 0xffff);
	CHECK(memcmp(p, frame, 14) == 0);
	CHECK_INT(p[14], 0x88);
	CHECK_INT(p[15], 0xa8);
	CHECK_INT(p[16], 0xff);
	CHECK_INT(p[17], 0xff);
	CHECK_INT(p[18], 0x45);
}

static void
test_can(void)
{
	unsigned char f[16];

	/* CAN CC: can_id to network order, FD and XL bits cleared. */
	memcpy(f, "\x44\x33\x22\x11\x88\x04\0\0", 8);
	lnx_fix_can_frame(f, 8, 0x000C);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	CHECK(memcmp(f, "\x11\x22\x33\x44", 4) == 0);
#endif
	CHECK_INT(f[4], 0x08);
	CHECK_INT(f[5], 0x00);

	/* CAN FD: FDF set. */
	memcpy(f, "\x44\x33\x22\x11\x40\x00\0\0", 8);
	lnx_fix_can_frame(f, 8, 0x000D);
	CHECK_INT(f[4], 0x40);
	CHECK_INT(f[5], 0x04);

	/* CAN XL: XLF set; on little-endian only the first word moves. */
	memcpy(f, "\x04\x03\x02\x01\x00\x07\x10\x00\xaa\xbb\xcc\xdd", 12);
	lnx_fix_can_frame(f, 12, 0x000E);
	CHECK_INT(f[4], 0x80);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	CHECK(memcmp(f, "\x01\x02\x03\x04", 4) == 0);
	CHECK(memcmp(f + 6, "\x10\x00\xaa\xbb\xcc\xdd", 6) == 0);
#endif

	/* Too short: untouched. */
	memcpy(f, "\x01\x02\x03\x04\x05\x06\x07", 7);
	lnx_fix_can_frame(f, 7, 0x000C);
	CHECK(memcmp(f, "\x01\x02\x03\x04\x05\x06\x07", 7) == 0);
}

#define LD_ABS_B (BPF_LD | BPF_B | BPF_ABS)
#define LD_ABS_H (BPF_LD | BPF_H | BPF_ABS)
#define LD_IND_W (BPF_LD | BPF_W | BPF_IND)
#define LDX_MSH (BPF_LDX | BPF_B | BPF_MSH)
#define RET_K (BPF_RET | BPF_K)
#define RET_A (BPF_RET | BPF_A)

static void
test_kernel_program(void)
{
	struct bpf_insn p[8];

	/* SLL: pkttype and protocol become ancillary loads, payload
	   offsets lose the header, ancillary loads stay. */
	memset(p, 0, sizeof p);
	p[0] = (struct bpf_insn)BPF_STMT(LD_ABS_H, 0);
	p[1] = (struct bpf_insn)BPF_STMT(LD_ABS_H, 14);
	p[2] = (struct bpf_insn)BPF_STMT(LD_ABS_B, 16 + 9);
	p[3] = (struct bpf_insn)BPF_STMT(LD_IND_W, 20);
	p[4] = (struct bpf_insn)BPF_STMT(LDX_MSH, 16);
	p[5] = (struct bpf_insn)BPF_STMT(LD_ABS_B, AD(48));
	p[6] = (struct bpf_insn)BPF_STMT(LD_ABS_B, 0xfff00000u);
	p[7] = (struct bpf_insn)BPF_STMT(RET_K, 262144);
	CHECK_INT(lnx_kernel_program(p, 8, LNX_SLL_HDR_LEN, 65000), 1);
	CHECK_INT(p[0].k, AD(AD_PKTTYPE));
	CHECK_INT(p[1].k, AD(AD_PROTOCOL));
	CHECK_INT(p[2].k, 9);
	CHECK_INT(p[3].k, 4);
	CHECK_INT(p[4].k, 0);
	CHECK_INT(p[5].k, AD(48));
	/* As in libpcap, only SKF_AD_ loads are left alone: other
	   "negative" offsets are rebased like payload offsets. */
	CHECK_INT(p[6].k, 0xfff00000u - 16);
	CHECK_INT(p[7].k, 65000);

	/* SLL: any other header byte keeps the program in userland. */
	static const unsigned bad_sll[] = { 1, 2, 3, 6, 11, 13, 15 };
	for (size_t i = 0; i < sizeof bad_sll / sizeof bad_sll[0]; i++) {
		p[0] = (struct bpf_insn)BPF_STMT(LD_ABS_B, bad_sll[i]);
		p[1] = (struct bpf_insn)BPF_STMT(RET_K, 1);
		CHECK_INT(lnx_kernel_program(p, 2, LNX_SLL_HDR_LEN, 100), 0);
	}

	/* SLL2: protocol at 0, ifindex at 4, pkttype at 10. */
	p[0] = (struct bpf_insn)BPF_STMT(LD_ABS_H, 0);
	p[1] = (struct bpf_insn)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4);
	p[2] = (struct bpf_insn)BPF_STMT(LD_ABS_B, 10);
	p[3] = (struct bpf_insn)BPF_STMT(LD_ABS_B, 20);
	p[4] = (struct bpf_insn)BPF_STMT(RET_K, 0);
	CHECK_INT(lnx_kernel_program(p, 5, LNX_SLL2_HDR_LEN, 100), 1);
	CHECK_INT(p[0].k, AD(AD_PROTOCOL));
	CHECK_INT(p[1].k, AD(AD_IFINDEX));
	CHECK_INT(p[2].k, AD(AD_PKTTYPE));
	CHECK_INT(p[3].k, 0);
	CHECK_INT(p[4].k, 0);		/* reject stays reject */
	static const unsigned bad_sll2[] = { 1, 2, 8, 11, 12, 19 };
	for (size_t i = 0; i < sizeof bad_sll2 / sizeof bad_sll2[0]; i++) {
		p[0] = (struct bpf_insn)BPF_STMT(LD_ABS_B, bad_sll2[i]);
		p[1] = (struct bpf_insn)BPF_STMT(RET_K, 1);
		CHECK_INT(lnx_kernel_program(p, 2, LNX_SLL2_HDR_LEN, 100), 0);
	}

	/* Not cooked: loads untouched; only large returns capped. */
	p[0] = (struct bpf_insn)BPF_STMT(LD_ABS_B, 3);
	p[1] = (struct bpf_insn)BPF_STMT(RET_K, 96);
	p[2] = (struct bpf_insn)BPF_STMT(RET_K, 100000);
	p[3] = (struct bpf_insn)BPF_STMT(RET_A, 0);
	CHECK_INT(lnx_kernel_program(p, 4, 0, 4000), 1);
	CHECK_INT(p[0].k, 3);
	CHECK_INT(p[1].k, 96);
	CHECK_INT(p[2].k, 4000);
	CHECK_INT(p[3].k, 0);
	CHECK_INT(p[3].code, RET_A);
}

static void
test_geometry(void)
{
	unsigned size, count;

	/* Immediate mode: blocks sized for the need, the ring for the
	   buffer (2 MiB by default), at least 32 blocks. */
	lnx_ring_geometry(300, 4096, 0, 1, &size, &count);
	CHECK_INT(size, 4096);
	CHECK_INT(count, 512);
	lnx_ring_geometry(65553 + 200, 4096, 0, 1, &size, &count);
	CHECK_INT(size, 131072);
	CHECK_INT(count, 32);
	lnx_ring_geometry(5000, 4096, 10000, 1, &size, &count);
	CHECK_INT(size, 8192);
	CHECK_INT(count, 32);
	lnx_ring_geometry(5000, 4096, 8192 * 40 + 1, 1, &size, &count);
	CHECK_INT(count, 41);		/* rounded up */
	lnx_ring_geometry(100, 4096, 1, 1, &size, &count);
	CHECK_INT(size, 4096);
	CHECK_INT(count, 32);
	/* Otherwise libpcap's 256 KiB blocks at least. */
	lnx_ring_geometry(300, 4096, 0, 0, &size, &count);
	CHECK_INT(size, 262144);
	CHECK_INT(count, 8);
	lnx_ring_geometry(300, 4096, 1000, 0, &size, &count);
	CHECK_INT(count, 2);		/* one to read, one to fill */
	lnx_ring_geometry(262144 + 400, 4096, 0, 0, &size, &count);
	CHECK_INT(size, 524288);
	CHECK_INT(count, 4);
	lnx_ring_geometry(300, 65536, 100u << 20, 0, &size, &count);
	CHECK_INT(size, 262144);
	CHECK_INT(count, 400);
	/* Absurd needs do not loop forever or overflow. */
	lnx_ring_geometry(UINT_MAX, 4096, 0, 1, &size, &count);
	CHECK(size >= 4096 && count >= 2);
}

static void
test_created_handle(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p, *dead;
	int *list, n;

	/* "any": host time stamps only, no monitor mode. */
	p = pcap_create("any", errbuf);
	CHECK(p != NULL);
	if (p == NULL)
		return;
	n = pcap_list_tstamp_types(p, &list);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_INT(list[0], PCAP_TSTAMP_HOST);
		pcap_free_tstamp_types(list);
	}
	CHECK_INT(pcap_set_tstamp_type(p, PCAP_TSTAMP_ADAPTER),
	    PCAP_WARNING_TSTAMP_TYPE_NOTSUP);
	CHECK_INT(pcap_set_tstamp_type(p, PCAP_TSTAMP_HOST), 0);
	CHECK_INT(pcap_can_set_rfmon(p), 0);
	CHECK_INT(pcap_getnonblock(p, errbuf), 0);
	CHECK_INT(pcap_datalink(p), PCAP_ERROR_NOT_ACTIVATED);
	CHECK(cap_required_select_timeout(p) == NULL);
	pcap_breakloop(p);		/* harmless before activation */

	/* Fanout: recorded before activation, checked. */
	CHECK_INT(cap_set_fanout(p, 12, PACKET_FANOUT_HASH), 0);
	CHECK_INT(cap_set_fanout(p, 70000, 0), PCAP_ERROR);
	CHECK_STR(pcap_geterr(p), "fanout group 70000 is out of range (0-65535)");
	CHECK_INT(cap_set_fanout(p, -1, 0), PCAP_ERROR);
	CHECK_INT(cap_set_fanout(p, 1, PACKET_FANOUT_CBPF), PCAP_ERROR);
	CHECK_STR(pcap_geterr(p), "fanout mode 0x6 is not supported");
	CHECK_INT(cap_set_fanout(p, 1, PACKET_FANOUT_LB |
	    PACKET_FANOUT_FLAG_ROLLOVER), 0);
	pcap_close(p);

	/* A name too long for an interface: no such device, whoever runs
	   the test, and the handle can be activated again. */
	p = pcap_create("a-name-longer-than-ifnamsiz", errbuf);
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_INT(pcap_activate(p), PCAP_ERROR_NO_SUCH_DEVICE);
		CHECK_STR(pcap_geterr(p), "No such device exists");
		CHECK_INT(pcap_activate(p), PCAP_ERROR_NO_SUCH_DEVICE);
		CHECK_INT(cap_set_fanout(p, 1, 0), 0);
		pcap_close(p);
	}
	p = pcap_open_live("a-name-longer-than-ifnamsiz", 100, 0, 10, errbuf);
	CHECK(p == NULL);
	CHECK_STR(errbuf, "a-name-longer-than-ifnamsiz: No such device exists "
	    "(No such device exists)");

	/* Not a live handle. */
	dead = pcap_open_dead(DLT_EN10MB, 100);
	CHECK(dead != NULL);
	if (dead != NULL) {
		CHECK_INT(cap_set_fanout(dead, 1, 0), PCAP_ERROR);
		CHECK_STR(pcap_geterr(dead),
		    "fanout is only available on Linux live captures");
		CHECK(cap_required_select_timeout(dead) == NULL);
		pcap_close(dead);
	}
}

static void
test_lookupnet_any(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	bpf_u_int32 net = 1, mask = 1;

	CHECK_INT(pcap_lookupnet("any", &net, &mask, errbuf), 0);
	CHECK_INT(net, 0);
	CHECK_INT(mask, 0);
	net = mask = 1;
	CHECK_INT(pcap_lookupnet(NULL, &net, &mask, errbuf), 0);
	CHECK_INT(net, 0);
	CHECK_INT(mask, 0);
	CHECK_INT(pcap_lookupnet("no-such-if-xyz", &net, &mask, errbuf), -1);
	CHECK_STR(errbuf, "SIOCGIFADDR: no-such-if-xyz: No such device");
}

static void
test_findalldevs_shape(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_if_t *all, *d;
	int any = 0, sorted = 1;

	CHECK_INT(pcap_findalldevs(&all, errbuf), 0);
	for (d = all; d != NULL; d = d->next) {
		if (strcmp(d->name, "any") == 0) {
			any++;
			CHECK_STR(d->description,
			    "Pseudo-device that captures on all interfaces");
			CHECK_INT(d->flags, PCAP_IF_UP | PCAP_IF_RUNNING |
			    PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE);
			CHECK(d->addresses == NULL);
		}
		/* Up and running devices come before the others. */
		if (d->next != NULL && !(d->flags & PCAP_IF_RUNNING) &&
		    (d->next->flags & PCAP_IF_RUNNING))
			sorted = 0;
	}
	CHECK_INT(any, 1);
	CHECK(sorted);
	pcap_freealldevs(all);
	pcap_freealldevs(NULL);
}

int
main(void)
{
	test_arphrd_map();
	test_needs_cooked();
	test_sll_headers();
	test_vlan();
	test_can();
	test_kernel_program();
	test_geometry();
	test_created_handle();
	test_lookupnet_any();
	test_findalldevs_shape();
	return check_status("test_live_units");
}
