/*
 * pcap/bluetooth.h - the pseudo-headers in front of Bluetooth captures:
 * DLT_BLUETOOTH_HCI_H4_WITH_PHDR (direction, big-endian) and
 * DLT_BLUETOOTH_LINUX_MONITOR (adapter and opcode, big-endian).
 */
#ifndef lib_pcap_bluetooth_h
#define lib_pcap_bluetooth_h

#include <pcap/pcap-inttypes.h>

/* DLT_BLUETOOTH_HCI_H4_WITH_PHDR */
typedef struct _pcap_bluetooth_h4_header {
	uint32_t direction;	/* 0 sent, 1 received */
} pcap_bluetooth_h4_header;

/* DLT_BLUETOOTH_LINUX_MONITOR */
typedef struct _pcap_bluetooth_linux_monitor_header {
	uint16_t adapter_id;
	uint16_t opcode;
} pcap_bluetooth_linux_monitor_header;

#endif /* lib_pcap_bluetooth_h */
