/*
 * pcap/can_socketcan.h - the Linux SocketCAN headers that begin each
 * DLT_CAN_SOCKETCAN packet: classic CAN and CAN FD frames share one layout,
 * CAN XL frames have their own (told apart by CANXL_XLF in the flags byte).
 * can_id and priority_vcid are big-endian in capture files; see
 * https://www.tcpdump.org/linktypes/LINKTYPE_CAN_SOCKETCAN.html.
 */
#ifndef lib_pcap_can_socketcan_h
#define lib_pcap_can_socketcan_h

#include <pcap/pcap-inttypes.h>

/* Sizes of a whole struct can_frame / struct canfd_frame. */
#define CAN_MTU		16
#define CANFD_MTU	72

/* CAN and CAN FD frames. */
typedef struct {
	uint32_t can_id;	/* identifier and EFF/RTR/ERR flags */
	uint8_t payload_length;
	uint8_t fd_flags;	/* CANFD_* below */
	uint8_t reserved1;
	uint8_t reserved2;
} pcap_can_socketcan_hdr;

/* fd_flags */
#define CANFD_BRS	0x01	/* bit rate switch for the data phase */
#define CANFD_ESI	0x02	/* error state indicator of the sender */
#define CANFD_FDF	0x04	/* this is a CAN FD frame */

/* CAN XL frames. */
typedef struct {
	uint32_t priority_vcid;	/* priority and virtual CAN network id */
	uint8_t flags;		/* CANXL_* below */
	uint8_t sdu_type;	/* service data unit type */
	uint16_t payload_length;
	uint32_t acceptance_field;
} pcap_can_socketcan_xl_hdr;

/* flags of a CAN XL frame */
#define CANXL_SEC	0x01	/* simple extended content */
#define CANXL_XLF	0x80	/* this is a CAN XL frame */

#endif /* lib_pcap_can_socketcan_h */
