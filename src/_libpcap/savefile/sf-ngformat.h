/*
 * sf-ngformat.h - the pcapng format's numbers, shared by its reader
 * (sf-pcapng.c, sf-nginfo.c) and writer (sf-ngwrite.c): block types, the
 * byte-order magic, the fixed parts' sizes, option codes, and the limits
 * our reader (as libpcap's) puts on block sizes.
 */
#ifndef PCAP_SAVEFILE_SF_NGFORMAT_H
#define PCAP_SAVEFILE_SF_NGFORMAT_H

/* Block types. */
#define BT_SHB		0x0A0D0D0Au	/* reads the same in both orders */
#define BT_IDB		0x00000001u
#define BT_PB		0x00000002u	/* obsolete Packet Block */
#define BT_SPB		0x00000003u
#define BT_NRB		0x00000004u
#define BT_ISB		0x00000005u
#define BT_EPB		0x00000006u

#define BYTE_ORDER_MAGIC	0x1A2B3C4Du

#define BLOCK_HDR_LEN	8		/* type, total length */
#define BLOCK_TRL_LEN	4		/* total length again */
#define SHB_FIXED_LEN	16		/* magic, versions, section length */
#define IDB_FIXED_LEN	8		/* linktype, reserved, snaplen */
#define EPB_FIXED_LEN	20
#define PB_FIXED_LEN	20
#define SPB_FIXED_LEN	4

#define SHB_MAX_LEN	(1024u * 1024u)	/* a longer SHB is insane */
/* Blocks up to this size are always accepted (libpcap's starting limit). */
#define INITIAL_MAX_BLOCKSIZE	(16u * 1024u * 1024u)

/* Options: every block's, then each block type's own. */
#define OPT_ENDOFOPT	0
#define OPT_COMMENT	1
#define OPT_MAX_LEN	0xFFFFu		/* a 16-bit length */
#define SHB_HARDWARE	2
#define SHB_OS		3
#define SHB_USERAPPL	4
#define IF_NAME		2
#define IF_DESCRIPTION	3
#define IF_SPEED	8
#define IF_TSRESOL	9
#define IF_FILTER	11
#define IF_OS		12
#define IF_TSOFFSET	14
#define IF_HARDWARE	15
#define EPB_FLAGS	2
#define ISB_STARTTIME	2
#define ISB_ENDTIME	3
#define ISB_IFRECV	4
#define ISB_IFDROP	5
#define ISB_OSDROP	7
#define ISB_USRDELIV	8

/* Name Resolution Block record types. */
#define NRB_END		0
#define NRB_IPV4	1
#define NRB_IPV6	2

#define TSRESOL_DEFAULT	6		/* microseconds, when if_tsresol is absent */

#endif /* PCAP_SAVEFILE_SF_NGFORMAT_H */
