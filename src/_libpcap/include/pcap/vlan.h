/*
 * pcap/vlan.h - an IEEE 802.1Q tag as it sits in an Ethernet frame (both
 * fields big-endian on the wire).
 */
#ifndef lib_pcap_vlan_h
#define lib_pcap_vlan_h

#include <pcap/pcap-inttypes.h>

struct vlan_tag {
	uint16_t vlan_tpid;	/* tag protocol identifier: 0x8100, 0x88a8 ... */
	uint16_t vlan_tci;	/* priority (3 bits), DEI (1), VLAN ID (12) */
};

#define VLAN_TAG_LEN	4

#endif /* lib_pcap_vlan_h */
