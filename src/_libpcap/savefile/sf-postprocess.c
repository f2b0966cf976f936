/*
 * sf-postprocess.c - what libpcap fixes in a record after reading it.
 *
 * A few link-layer types carry pseudo-header fields in the byte order of
 * the host that captured them (PFLOG uids and pids, SocketCAN ids behind
 * Linux cooked headers, the Linux USB monitor header, NFLOG TLV headers).
 * When the file's byte order is not ours those fields are reversed here,
 * each only when the captured bytes hold it whole.  Independently, old
 * Linux USB memory-mapped captures computed the wire length of incoming
 * isochronous completions wrongly; that length is recomputed.
 *
 * Fields are reached by offset with memcpy-based access: record data has
 * no alignment guarantee.
 */
#include "sf-int.h"

/* Reverse a field of n bytes in place: its byte order flips. */
static inline void
flip(u_char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n / 2; i++) {
		u_char t = p[i];

		p[i] = p[n - 1 - i];
		p[n - 1 - i] = t;
	}
}

/* Does a field ending at offset end fit in both lengths? */
static inline int
fits(uint32_t caplen, uint32_t len, uint32_t end)
{
	return caplen >= end && len >= end;
}

/*
 * PFLOG: struct pfloghdr starts with its own length byte; uid, pid,
 * rule_uid and rule_pid (4 bytes each, at 44, 48, 52, 56) are host-order.
 */
static void
swap_pflog(const struct pcap_pkthdr *h, u_char *d)
{
	static const uint32_t off[] = { 44, 48, 52, 56 };
	size_t i;

	for (i = 0; i < sizeof off / sizeof off[0]; i++) {
		uint32_t end = off[i] + 4;

		if (!fits(h->caplen, h->len, end) || d[0] < end)
			return;
		flip(d + off[i], 4);
	}
}

#define SLL_P_CAN	0x000C
#define SLL_P_CANFD	0x000D
#define SLL_P_CANXL	0x000E

/* SocketCAN headers after a cooked header: ids and lengths host-order. */
static void
swap_socketcan(unsigned protocol, uint32_t caplen, uint32_t len, u_char *d)
{
	switch (protocol) {
	case SLL_P_CAN:
	case SLL_P_CANFD:
		if (fits(caplen, len, 4))
			flip(d, 4);		/* can_id */
		break;
	case SLL_P_CANXL:
		if (!fits(caplen, len, 4))
			return;
		flip(d, 4);			/* priority_vcid */
		if (!fits(caplen, len, 8))
			return;
		flip(d + 6, 2);			/* payload_length */
		if (!fits(caplen, len, 12))
			return;
		flip(d + 8, 4);			/* acceptance_field */
		break;
	}
}

#define SLL_HDR_LEN	16	/* protocol, big-endian, at 14 */
#define SLL2_HDR_LEN	20	/* protocol, big-endian, at 0 */

static void
swap_sll(const struct pcap_pkthdr *h, u_char *d)
{
	if (!fits(h->caplen, h->len, SLL_HDR_LEN))
		return;
	swap_socketcan((unsigned)d[14] << 8 | d[15], h->caplen - SLL_HDR_LEN,
	    h->len - SLL_HDR_LEN, d + SLL_HDR_LEN);
}

static void
swap_sll2(const struct pcap_pkthdr *h, u_char *d)
{
	if (!fits(h->caplen, h->len, SLL2_HDR_LEN))
		return;
	swap_socketcan((unsigned)d[0] << 8 | d[1], h->caplen - SLL2_HDR_LEN,
	    h->len - SLL2_HDR_LEN, d + SLL2_HDR_LEN);
}

/* Linux USB monitor header (pcap/usb.h layout). */
#define USB_EVENT_TYPE		8
#define USB_TRANSFER_TYPE	9
#define USB_ENDPOINT		10
#define USB_DATA_FLAG		15
#define USB_URB_LEN		32
#define USB_NDESC		60
#define USB_MMAPPED_HDR_LEN	64
#define USB_ISODESC_LEN		16	/* status, offset, len, padding */
#define USB_MAXDESC		128
#define URB_ISOCHRONOUS		0
#define URB_COMPLETE		'C'
#define URB_TRANSFER_IN		0x80

/*
 * Each field is swapped only if the captured bytes reach its end.  The
 * 64-byte (memory-mapped) header has four more words and, for
 * isochronous transfers, the descriptors after it.
 */
static void
swap_usb(const struct pcap_pkthdr *h, u_char *d, int hdr64)
{
	/* { end offset, size } of the fixed fields, in order. */
	static const uint8_t fixed[][2] = {
		{ 8, 8 },	/* id */
		{ 14, 2 },	/* bus_id */
		{ 24, 8 },	/* ts_sec */
		{ 28, 4 },	/* ts_usec */
		{ 32, 4 },	/* status */
		{ 36, 4 },	/* urb_len */
		{ 40, 4 },	/* data_len */
	};
	const uint32_t caplen = h->caplen;
	uint32_t end, ndesc, i;
	size_t k;
	int iso;

	for (k = 0; k < sizeof fixed / sizeof fixed[0]; k++) {
		if (caplen < fixed[k][0])
			return;
		flip(d + fixed[k][0] - fixed[k][1], fixed[k][1]);
	}
	iso = d[USB_TRANSFER_TYPE] == URB_ISOCHRONOUS;
	if (iso) {
		if (caplen < 44)
			return;
		flip(d + 40, 4);	/* error_count */
		if (caplen < 48)
			return;
		flip(d + 44, 4);	/* numdesc */
	}
	if (!hdr64)
		return;
	for (end = 52; end <= 64; end += 4) {
		/* interval, start_frame, xfer_flags, ndesc */
		if (caplen < end)
			return;
		flip(d + end - 4, 4);
	}
	if (!iso)
		return;
	ndesc = sf_ld32(d + USB_NDESC, 0);
	end = USB_MMAPPED_HDR_LEN;
	for (i = 0; i < ndesc; i++) {
		/* status, offset, len; the padding word stays. */
		for (k = 0; k < 3; k++) {
			end += 4;
			if (caplen < end)
				return;
			flip(d + end - 4, 4);
		}
		end += 4;
	}
}

/*
 * NFLOG: a big-endian 4-byte header, then TLVs whose 16-bit length and
 * type are host-order.  Walks the TLVs as far as the data allows.
 */
static void
swap_nflog(const struct pcap_pkthdr *h, u_char *d)
{
	uint32_t caplen = h->caplen, len = h->len, size;

	if (!fits(caplen, len, 4) || d[1] != 0)	/* nflog_version 0 only */
		return;
	caplen -= 4;
	len -= 4;
	d += 4;
	while (caplen >= 4) {
		flip(d, 2);		/* tlv_length */
		flip(d + 2, 2);		/* tlv_type */
		size = sf_ld16(d, 0);
		if (size % 4 != 0)
			size += 4 - size % 4;
		if (size < 4 || caplen < size || len < size)
			return;
		caplen -= size;
		len -= size;
		d += size;
	}
}

static uint32_t
sat_add(uint32_t a, uint32_t b)
{
	return b <= UINT32_MAX - a ? a + b : UINT32_MAX;
}

/*
 * Old libpcap computed the wire length of an incoming isochronous
 * completion from urb_len, but the data is scattered as the descriptors
 * say.  If len looks computed that way, recompute it from the
 * descriptors, never below caplen.
 */
static void
fix_usb_iso_len(struct pcap_pkthdr *h, const u_char *d)
{
	uint32_t ndesc, hdr_len, data_end, left, i;

	if (h->caplen < USB_MMAPPED_HDR_LEN)
		return;
	ndesc = sf_ld32(d + USB_NDESC, 0);
	if (ndesc > USB_MAXDESC)
		return;		/* damaged, or from a fixed kernel/libpcap */
	if (d[USB_DATA_FLAG] != 0 ||	/* 0 means "data present" */
	    d[USB_TRANSFER_TYPE] != URB_ISOCHRONOUS ||
	    d[USB_EVENT_TYPE] != URB_COMPLETE ||
	    !(d[USB_ENDPOINT] & URB_TRANSFER_IN))
		return;
	hdr_len = USB_MMAPPED_HDR_LEN + ndesc * USB_ISODESC_LEN;
	/* The old, wrapping computation. */
	if (h->len != hdr_len + sf_ld32(d + USB_URB_LEN, 0))
		return;
	if (h->caplen < hdr_len)
		return;

	data_end = 0;
	left = h->caplen - USB_MMAPPED_HDR_LEN;
	for (i = 0; i < ndesc && left >= USB_ISODESC_LEN;
	    i++, left -= USB_ISODESC_LEN) {
		const u_char *desc = d + USB_MMAPPED_HDR_LEN +
		    i * USB_ISODESC_LEN;
		uint32_t dlen = sf_ld32(desc + 8, 0);

		if (dlen != 0) {
			uint32_t e = sat_add(sf_ld32(desc + 4, 0), dlen);

			if (e > data_end)
				data_end = e;
		}
	}
	data_end = sat_add(hdr_len, data_end);
	if (data_end >= h->caplen)
		h->len = data_end;
	if (h->caplen > h->len)
		h->len = h->caplen;
}

void
sf_post_process(int dlt, int swapped, struct pcap_pkthdr *h, u_char *data)
{
	if (swapped) {
		switch (dlt) {
		case DLT_PFLOG:
			swap_pflog(h, data);
			break;
		case DLT_LINUX_SLL:
			swap_sll(h, data);
			break;
		case DLT_LINUX_SLL2:
			swap_sll2(h, data);
			break;
		case DLT_USB_LINUX:
			swap_usb(h, data, 0);
			break;
		case DLT_USB_LINUX_MMAPPED:
			swap_usb(h, data, 1);
			break;
		case DLT_NFLOG:
			swap_nflog(h, data);
			break;
		}
	}
	if (dlt == DLT_USB_LINUX_MMAPPED)
		fix_usb_iso_len(h, data);
}
