/*
 * pcap/sll.h - the "cooked" link-layer headers libpcap writes for Linux
 * captures on the "any" device and on devices without a usable link-layer
 * header: DLT_LINUX_SLL (16 bytes) and DLT_LINUX_SLL2 (20 bytes).  All
 * fields except the address are big-endian.  These layouts and the values
 * below are fixed by existing capture files and never change.
 */
#ifndef lib_pcap_sll_h
#define lib_pcap_sll_h

#include <pcap/pcap-inttypes.h>

#define SLL_HDR_LEN	16	/* DLT_LINUX_SLL header length */
#define SLL_ADDRLEN	8	/* room for the link-layer address */

/* DLT_LINUX_SLL */
struct sll_header {
	uint16_t sll_pkttype;		/* LINUX_SLL_HOST ... below */
	uint16_t sll_hatype;		/* ARPHRD_ type of the device */
	uint16_t sll_halen;		/* bytes of sll_addr in use */
	uint8_t sll_addr[SLL_ADDRLEN];	/* link-layer source address */
	uint16_t sll_protocol;		/* EtherType, or LINUX_SLL_P_ below */
};

#define SLL2_HDR_LEN	20	/* DLT_LINUX_SLL2 header length */

/* DLT_LINUX_SLL2 */
struct sll2_header {
	uint16_t sll2_protocol;		/* EtherType, or LINUX_SLL_P_ below */
	uint16_t sll2_reserved_mbz;	/* must be zero */
	uint32_t sll2_if_index;		/* interface index */
	uint16_t sll2_hatype;		/* ARPHRD_ type of the device */
	uint8_t sll2_pkttype;		/* LINUX_SLL_HOST ... below */
	uint8_t sll2_halen;		/* bytes of sll2_addr in use */
	uint8_t sll2_addr[SLL_ADDRLEN];	/* link-layer source address */
};

/* Packet types (Linux's PACKET_ values, frozen here). */
#define LINUX_SLL_HOST		0	/* addressed to this host */
#define LINUX_SLL_BROADCAST	1	/* link-layer broadcast */
#define LINUX_SLL_MULTICAST	2	/* link-layer multicast */
#define LINUX_SLL_OTHERHOST	3	/* addressed to another host */
#define LINUX_SLL_OUTGOING	4	/* sent by this host */

/* Protocol values that are not EtherTypes (Linux's ETH_P_ values). */
#define LINUX_SLL_P_802_3	0x0001	/* Novell 802.3 without an 802.2 header */
#define LINUX_SLL_P_802_2	0x0004	/* 802.2 LLC frames */
#define LINUX_SLL_P_CAN		0x000C	/* CAN, SocketCAN header follows */
#define LINUX_SLL_P_CANFD	0x000D	/* CAN FD, SocketCAN header follows */
#define LINUX_SLL_P_CANXL	0x000E	/* CAN XL, SocketCAN header follows */

#endif /* lib_pcap_sll_h */
