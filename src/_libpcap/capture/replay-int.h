/*
 * replay-int.h - the "replay" capture source: a savefile played back as a
 * live capture, so that the live code paths (pcap_dispatch timeouts,
 * breakloop, non-blocking mode, the selectable descriptor, statistics) run
 * without root and without a network.  The files are:
 *   replay-opts.c  the device name's options and the timing arithmetic
 *                  (pure functions; tests/c/test_replay.c)
 *   replay.c       the source, activation and the live operations
 *
 * Device names: "replay:PATH" or "replay,OPT=VAL[,OPT=VAL...]:PATH".  The
 * options come before the first ':', so PATH may hold ':' and ','.
 */
#ifndef PCAP_CAPTURE_REPLAY_INT_H
#define PCAP_CAPTURE_REPLAY_INT_H

#include <stdint.h>

#include "pcap-int.h"

/* What a device name asks for. */
struct rp_opts {
	/* Pace in millionths of the recorded pace: 1000000 = as recorded,
	   0 = every packet is due at once (the default: see rp_parse). */
	uint64_t speed_ppm;
	/* Passes over the file: 1 (default), N, or 0 for ever. */
	unsigned loops;
	/* 1: time stamps are the delivery time (ts=now), 0: the file's. */
	int ts_now;
};

/* 1 if name is a replay device name ("replay:" or "replay,"), else 0. */
INTERNAL int rp_is_replay_name(const char *name);

/*
 * Parse a replay device name into *o and the offset of its path in
 * name.  Returns 0, or -1 with a message in errbuf (PCAP_ERRBUF_SIZE):
 * an unknown option, a bad value, a missing path.
 */
INTERNAL int rp_parse(const char *name, struct rp_opts *o, size_t *path_at,
    char *errbuf);

/*
 * When a record is due, on the monotonic clock in ns: start_ns is when
 * the pass began (the first record's due time), first_ns and ts_ns the
 * time stamps (ns) of the pass's first record and of this one.  Records
 * stamped before the first are due at start_ns; speed 0: all at start_ns.
 */
INTERNAL int64_t rp_due_ns(int64_t start_ns, int64_t first_ns, int64_t ts_ns,
    uint64_t speed_ppm);

/* A struct timeval of a pcap_pkthdr in ns, for a delivered precision. */
INTERNAL int64_t rp_ts_ns(long sec, long frac, int nano);

/* The replay source (replay.c). */
INTERNAL extern const struct cap_source replay_source;

#endif /* PCAP_CAPTURE_REPLAY_INT_H */
