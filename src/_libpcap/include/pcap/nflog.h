/*
 * pcap/nflog.h - the layout of DLT_NFLOG packets (Linux netfilter log):
 * a 4-byte header (big-endian resource id), then TLVs whose length and
 * type are in the capturing host's byte order, each padded to 4 bytes.
 * See https://www.tcpdump.org/linktypes/LINKTYPE_NFLOG.html.
 */
#ifndef lib_pcap_nflog_h
#define lib_pcap_nflog_h

#include <pcap/pcap-inttypes.h>

typedef struct nflog_hdr {
	uint8_t nflog_family;		/* address family */
	uint8_t nflog_version;		/* version (0) */
	uint16_t nflog_rid;		/* resource ID */
} nflog_hdr_t;

typedef struct nflog_tlv {
	uint16_t tlv_length;		/* including this header */
	uint16_t tlv_type;		/* NFULA_ below */
	/* the value follows */
} nflog_tlv_t;

/* Value of an NFULA_PACKET_HDR TLV. */
typedef struct nflog_packet_hdr {
	uint16_t hw_protocol;		/* EtherType of the packet */
	uint8_t hook;			/* netfilter hook */
	uint8_t pad;
} nflog_packet_hdr_t;

/* Value of an NFULA_HWADDR TLV. */
typedef struct nflog_hwaddr {
	uint16_t hw_addrlen;
	uint16_t pad;
	uint8_t hw_addr[8];
} nflog_hwaddr_t;

/* Value of an NFULA_TIMESTAMP TLV. */
typedef struct nflog_timestamp {
	uint64_t sec;
	uint64_t usec;
} nflog_timestamp_t;

/* TLV types. */
#define NFULA_PACKET_HDR		1	/* nflog_packet_hdr_t */
#define NFULA_MARK			2	/* packet mark */
#define NFULA_TIMESTAMP			3	/* nflog_timestamp_t */
#define NFULA_IFINDEX_INDEV		4	/* input interface index */
#define NFULA_IFINDEX_OUTDEV		5	/* output interface index */
#define NFULA_IFINDEX_PHYSINDEV		6	/* physical input interface */
#define NFULA_IFINDEX_PHYSOUTDEV	7	/* physical output interface */
#define NFULA_HWADDR			8	/* nflog_hwaddr_t */
#define NFULA_PAYLOAD			9	/* the packet itself */
#define NFULA_PREFIX			10	/* log prefix, NUL-terminated */
#define NFULA_UID			11	/* uid owning the socket */
#define NFULA_SEQ			12	/* per-instance sequence number */
#define NFULA_SEQ_GLOBAL		13	/* global sequence number */
#define NFULA_GID			14	/* gid owning the socket */
#define NFULA_HWTYPE			15	/* ARPHRD_ type */
#define NFULA_HWHEADER			16	/* link-layer header */
#define NFULA_HWLEN			17	/* link-layer header length */

#endif /* lib_pcap_nflog_h */
