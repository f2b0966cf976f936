/*
 * linux-link.c - link-layer facts of the Linux backend, as pure functions
 * that the unit tests call directly: which DLT_ an interface's ARPHRD_
 * type gets (libpcap's choices, including the types that fall back to
 * cooked mode), the DLT_LINUX_SLL / DLT_LINUX_SLL2 headers built from a
 * frame's sockaddr_ll, putting back the VLAN tag the kernel stripped, and
 * the byte-order fix-up of SocketCAN frames.
 */
#include <string.h>

#include <net/if_arp.h>

#include "linux-int.h"

int
lnx_arphrd_to_dlt(int arptype, const char *device, int cooked_ok)
{
	switch (arptype) {
	case ARPHRD_ETHER:
		/* Some Android mobile-data interfaces claim Ethernet but hand
		   out bare IP packets. */
		if (device != NULL && strncmp(device, "cdma_rmnet", 10) == 0)
			return DLT_RAW;
		return DLT_EN10MB;
	case ARPHRD_METRICOM:
	case ARPHRD_LOOPBACK:
		return DLT_EN10MB;
	case ARPHRD_EETHER:
		return DLT_EN3MB;
	case ARPHRD_AX25:
		return DLT_AX25_KISS;
	case ARPHRD_PRONET:
		return DLT_PRONET;
	case ARPHRD_CHAOS:
		return DLT_CHAOS;
	case ARPHRD_CAN:
		return DLT_CAN_SOCKETCAN;
	case ARPHRD_IEEE802_TR:
	case ARPHRD_IEEE802:
		return DLT_IEEE802;
	case ARPHRD_ARCNET:
		return DLT_ARCNET_LINUX;
	case ARPHRD_FDDI:
		return DLT_FDDI;
	case ARPHRD_ATM:
		/* LLC-encapsulated or not: only cooked mode can tell. */
		return cooked_ok ? DLT_LINUX_SLL : -1;
	case ARPHRD_IEEE80211:
		return DLT_IEEE802_11;
	case ARPHRD_IEEE80211_PRISM:
		return DLT_PRISM_HEADER;
	case ARPHRD_IEEE80211_RADIOTAP:
		return DLT_IEEE802_11_RADIO;
	case ARPHRD_PPP:
		/* PPP drivers disagree on what link header they supply. */
		return cooked_ok ? DLT_LINUX_SLL : DLT_RAW;
	case ARPHRD_CISCO:
		return DLT_C_HDLC;
	case ARPHRD_TUNNEL:
	case ARPHRD_SIT:
	case ARPHRD_CSLIP:
	case ARPHRD_SLIP6:
	case ARPHRD_CSLIP6:
	case ARPHRD_ADAPT:
	case ARPHRD_SLIP:
	case ARPHRD_RAWHDLC:
	case ARPHRD_DLCI:
		return DLT_RAW;
	case ARPHRD_FRAD:
		return DLT_FRELAY;
	case ARPHRD_LOCALTLK:
		return DLT_LTALK;
	case ARPHRD_IP_OVER_FC_RFC4338:
		return DLT_IP_OVER_FC;
	case ARPHRD_FCPP:
	case ARPHRD_FCAL:
	case ARPHRD_FCPL:
	case ARPHRD_FCFABRIC:
		return DLT_FC_2;
	case ARPHRD_IRDA:
		return DLT_LINUX_IRDA;
	case ARPHRD_LAPD:
		return DLT_LINUX_LAPD;
	case ARPHRD_NONE:
		return DLT_RAW;
	case ARPHRD_IEEE802154:
		return DLT_IEEE802_15_4_NOFCS;
	case ARPHRD_NETLINK:
		return DLT_NETLINK;
	case ARPHRD_VSOCKMON:
		return DLT_VSOCK;
	}
	return -1;
}

int
lnx_dlt_needs_cooked(int dlt, const char *device)
{
	switch (dlt) {
	case -1:
	case DLT_LINUX_SLL:
	case DLT_LINUX_IRDA:
	case DLT_LINUX_LAPD:
	case DLT_NETLINK:
		/* Direction or protocol lives only in the sockaddr_ll. */
		return 1;
	case DLT_EN10MB:
		/* ISDN devices present themselves as Ethernet. */
		return device != NULL && (strncmp(device, "isdn", 4) == 0 ||
		    strncmp(device, "isdY", 4) == 0);
	}
	return 0;
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

void
lnx_build_sll(unsigned char *hdr, unsigned pkttype, unsigned hatype,
    unsigned halen, const unsigned char *addr, uint16_t protocol_be)
{
	put16(hdr, pkttype);
	put16(hdr + 2, hatype);
	put16(hdr + 4, halen);
	memcpy(hdr + 6, addr, 8);
	memcpy(hdr + 14, &protocol_be, 2);
}

void
lnx_build_sll2(unsigned char *hdr, unsigned pkttype, unsigned hatype,
    unsigned halen, const unsigned char *addr, uint16_t protocol_be,
    int ifindex)
{
	uint32_t ix = (uint32_t)ifindex;

	memcpy(hdr, &protocol_be, 2);
	hdr[2] = 0;
	hdr[3] = 0;
	put16(hdr + 4, ix >> 16);
	put16(hdr + 6, ix & 0xffff);
	put16(hdr + 8, hatype);
	hdr[10] = (unsigned char)pkttype;
	hdr[11] = (unsigned char)halen;
	memcpy(hdr + 12, addr, 8);
}

int
lnx_vlan_offset(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
		return 12;		/* after the two MAC addresses */
	case DLT_LINUX_SLL:
		return LNX_SLL_HDR_LEN - 2;	/* the protocol field */
	}
	return -1;
}

void
lnx_insert_vlan(unsigned char **pp, int offset, uint16_t tpid, uint16_t tci)
{
	unsigned char *p = *pp - LNX_VLAN_TAG_LEN;

	memmove(p, p + LNX_VLAN_TAG_LEN, (size_t)offset);
	put16(p + offset, tpid);
	put16(p + offset + 2, tci);
	*pp = p;
}

/* SocketCAN protocol numbers (sll_protocol) and header flag bits. */
#define CAN_PROTO_CC	0x000C
#define CAN_PROTO_FD	0x000D
#define CAN_PROTO_XL	0x000E
#define CANFD_FDF_BIT	0x04
#define CANXL_XLF_BIT	0x80

static void
swap4(unsigned char *p)
{
	unsigned char t = p[0];
	p[0] = p[3];
	p[3] = t;
	t = p[1];
	p[1] = p[2];
	p[2] = t;
}

void
lnx_fix_can_frame(unsigned char *frame, unsigned caplen, unsigned protocol)
{
	/* Byte 4 is CAN XL's flags (CC/FD: the length); byte 5 is CAN FD's
	   flags.  Setting the bits lets a reader tell the three apart. */
	if (caplen < 8)
		return;
	switch (protocol) {
	case CAN_PROTO_CC:
		frame[4] &= (unsigned char)~CANXL_XLF_BIT;
		frame[5] &= (unsigned char)~CANFD_FDF_BIT;
		break;
	case CAN_PROTO_FD:
		frame[4] &= (unsigned char)~CANXL_XLF_BIT;
		frame[5] |= CANFD_FDF_BIT;
		break;
	case CAN_PROTO_XL:
		frame[4] |= CANXL_XLF_BIT;
		break;
	}
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* The first word goes to network order; CAN XL's little-endian
	   length and acceptance field are already right here. */
	swap4(frame);
#else
	if (frame[4] & CANXL_XLF_BIT) {
		unsigned char t;

		if (caplen < 12)
			return;
		t = frame[6];
		frame[6] = frame[7];
		frame[7] = t;
		swap4(frame + 8);
	}
#endif
}
