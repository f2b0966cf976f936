/*
 * batch.h - the one read path of the native API (Reader and Capture): the
 * packets a handle's filter accepts, handed to the caller's sink one by
 * one, straight from the file buffer or the ring (the sink makes the only
 * copy), up to a count or a byte budget; and the wait for more.  Internal
 * (hidden): the Python extension calls it.
 */
#ifndef PCAP_CORE_BATCH_H
#define PCAP_CORE_BATCH_H

#include "pcap-int.h"

#define CORE_NS_PER_S 1000000000LL

/* One packet as the sink sees it; data valid only during the call. */
struct core_pkt {
	int64_t sec;		/* time stamp, floor-normalised: */
	uint32_t nsec;		/* 0 .. 999999999 */
	uint32_t caplen;
	uint32_t len;
	const u_char *data;
	/* What a pcapng block said (native mode), iface UINT32_MAX if none:
	   its interface's index in the file, epb_flags, its options. */
	uint32_t iface;
	uint32_t flags;
	const u_char *opts;
	uint32_t optlen;
	int opts_swapped;
};

/* A sink: 0 to go on, 1 to end the batch after this packet. */
typedef int (*core_sink)(void *arg, const struct core_pkt *pkt);

/*
 * Hand up to max_pkts packets (<= 0: no count limit) that pass the
 * handle's filter to sink, ending early once max_bytes of packet data
 * went (0: no limit) or the sink says so.  A live source is never waited
 * for; a savefile's reads may block (its block hooks run around them).
 * Returns the number handed over, 0 (nothing there now; for a finite
 * source, its end), PCAP_ERROR_BREAK (pcap_breakloop, before any packet)
 * or PCAP_ERROR (after any packet already handed over: the next call
 * reports it again).
 */
INTERNAL int core_batch_read(pcap_t *p, int max_pkts, size_t max_bytes,
    core_sink sink, void *arg);

/*
 * Wait up to timeout_ms (< 0: no limit) until core_batch_read may find
 * packets: 1; 0 timed out; PCAP_ERROR_BREAK after pcap_breakloop (the
 * break is taken); CORE_WAIT_SIGNAL; PCAP_ERROR.  A source that does not
 * wait (a savefile, a dead handle) answers 1 at once.
 */
INTERNAL int core_batch_wait(pcap_t *p, int timeout_ms);

/* pcap_setfilter, where NULL means no filter at all (a backend that
   filters in the kernel gets an accept-all program). */
INTERNAL int core_set_filter(pcap_t *p, const struct bpf_program *prog);

/* (sec, frac) of a header as the handle delivers it -> normalised
   seconds and nanoseconds. */
INTERNAL void core_split_ts(const pcap_t *p, const struct pcap_pkthdr *h,
    int64_t *sec, uint32_t *nsec);

#endif /* PCAP_CORE_BATCH_H */
