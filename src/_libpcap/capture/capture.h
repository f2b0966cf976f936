/*
 * capture.h - what the live-capture subsystem offers the rest of the
 * library beyond libpcap's public API: options that libpcap does not have
 * (PACKET_FANOUT) and questions the core asks of a live handle.  All of it
 * is internal (hidden); the native Python API calls it directly.
 */
#ifndef PCAP_CAPTURE_CAPTURE_H
#define PCAP_CAPTURE_CAPTURE_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "pcap-int.h"

/*
 * Join the handle's socket to a PACKET_FANOUT group, so that several
 * handles (in this or other processes) share one interface's packets.
 * group_id is 0..65535; mode is a PACKET_FANOUT_* mode (HASH, LB, CPU,
 * ROLLOVER, RND, QM) optionally or'ed with PACKET_FANOUT_FLAG_* flags.
 * Before pcap_activate the wish is recorded and applied once the socket is
 * bound; on an activated handle it is applied at once (a socket joins at
 * most one group, for good).  Returns 0, or PCAP_ERROR with the message
 * in pcap_geterr(p).  Handles that are not Linux live captures answer
 * PCAP_ERROR.
 */
INTERNAL int cap_set_fanout(pcap_t *p, int group_id, int mode);

/*
 * The time a caller that waits on pcap_get_selectable_fd() with select()
 * or poll() must not exceed, or NULL when there is none.  A live handle
 * needs one only while it checks whether its interface went away (after
 * ENETDOWN): then 1 ms.  Valid for any handle (NULL for non-live ones).
 */
INTERNAL const struct timeval *cap_required_select_timeout(pcap_t *p);

/* The mode of a fanout mode's name ("hash", "lb", "cpu", "rollover",
   "rnd", "qm"), or -1. */
INTERNAL int cap_fanout_mode(const char *name);

/* The longest link-layer address cap_link_address gives. */
#define CAP_LINK_ADDR_MAX 8
/*
 * A link-layer address of the platform's link sockaddr (AF_PACKET's
 * sockaddr_ll here), as pcap_findalldevs lists them: its length (at most
 * CAP_LINK_ADDR_MAX) and *addr; 0 with *addr NULL for other families.
 */
INTERNAL size_t cap_link_address(const struct sockaddr *sa,
    const unsigned char **addr);

#endif /* PCAP_CAPTURE_CAPTURE_H */
