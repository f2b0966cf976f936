/*
 * pcap/usb.h - the headers Linux usbmon puts in front of each USB packet:
 * DLT_USB_LINUX (48 bytes, pcap_usb_header) and DLT_USB_LINUX_MMAPPED
 * (64 bytes, pcap_usb_header_mmapped), in the capturing host's byte order.
 */
#ifndef lib_pcap_usb_h
#define lib_pcap_usb_h

#include <pcap/pcap-inttypes.h>

/* transfer_type and endpoint direction */
#define URB_TRANSFER_IN		0x80	/* endpoint_number bit: device to host */
#define URB_ISOCHRONOUS		0x0
#define URB_INTERRUPT		0x1
#define URB_CONTROL		0x2
#define URB_BULK		0x3

/* event_type */
#define URB_SUBMIT		'S'
#define URB_COMPLETE		'C'
#define URB_ERROR		'E'

/* The setup packet of a control transfer (USB 2.0, 9.3). */
typedef struct _usb_setup {
	uint8_t bmRequestType;
	uint8_t bRequest;
	uint16_t wValue;
	uint16_t wIndex;
	uint16_t wLength;
} pcap_usb_setup;

/* Isochronous transfer totals (in place of the setup packet). */
typedef struct _iso_rec {
	int32_t error_count;
	int32_t numdesc;
} iso_rec;

/* DLT_USB_LINUX */
typedef struct _usb_header {
	uint64_t id;			/* URB id */
	uint8_t event_type;		/* URB_SUBMIT ... */
	uint8_t transfer_type;		/* URB_ISOCHRONOUS ... */
	uint8_t endpoint_number;	/* with URB_TRANSFER_IN */
	uint8_t device_address;
	uint16_t bus_id;
	char setup_flag;		/* 0 if setup is valid */
	char data_flag;			/* 0 if data follows */
	int64_t ts_sec;
	int32_t ts_usec;
	int32_t status;
	uint32_t urb_len;		/* length of the transfer */
	uint32_t data_len;		/* bytes captured after the header */
	pcap_usb_setup setup;
} pcap_usb_header;

/* DLT_USB_LINUX_MMAPPED */
typedef struct _usb_header_mmapped {
	uint64_t id;
	uint8_t event_type;
	uint8_t transfer_type;
	uint8_t endpoint_number;
	uint8_t device_address;
	uint16_t bus_id;
	char setup_flag;
	char data_flag;
	int64_t ts_sec;
	int32_t ts_usec;
	int32_t status;
	uint32_t urb_len;
	uint32_t data_len;
	union {
		pcap_usb_setup setup;	/* control transfers */
		iso_rec iso;		/* isochronous transfers */
	} s;
	int32_t interval;		/* for interrupt and isochronous */
	int32_t start_frame;		/* for isochronous */
	uint32_t xfer_flags;		/* URB transfer_flags */
	uint32_t ndesc;			/* isochronous descriptors that follow */
} pcap_usb_header_mmapped;

/* One isochronous descriptor (after a pcap_usb_header_mmapped). */
typedef struct _usb_isodesc {
	int32_t status;
	uint32_t offset;
	uint32_t len;
	uint8_t pad[4];
} usb_isodesc;

#endif /* lib_pcap_usb_h */
