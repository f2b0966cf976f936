/*
 * savefile.h - what the savefile reader offers the rest of the library
 * beyond libpcap's public API.  All of it is internal (hidden); the native
 * Python API calls it directly.
 */
#ifndef PCAP_SAVEFILE_SAVEFILE_H
#define PCAP_SAVEFILE_SAVEFILE_H

#include "pcap-int.h"

/*
 * Functions that the reader of a savefile handle calls around each read
 * from its FILE, the only place where reading a savefile can block: the
 * Python extension drops its interpreter lock there instead of around
 * every pcap_next_ex.  leave(arg) runs just before a read, enter(arg) just
 * after it, in the same thread; between the two the reader touches nothing
 * but its own buffer.  NULL functions remove the hooks.  Returns 0, or
 * PCAP_ERROR when p is not a savefile opened for reading.
 */
INTERNAL int sf_set_block_hooks(pcap_t *p, void (*leave)(void *),
    void (*enter)(void *), void *arg);

#endif /* PCAP_SAVEFILE_SAVEFILE_H */
