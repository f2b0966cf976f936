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

/*
 * pcap_fopen_offline_with_tstamp_precision for a stream that may block
 * between packets although it has no descriptor (an fopencookie stream
 * over a Python file object): only the bytes needed are ever read, so a
 * packet is handed over as soon as it has arrived.  fp is closed by
 * pcap_close; on failure it is left to the caller, as libpcap leaves it.
 */
INTERNAL pcap_t *sf_open_stream(FILE *fp, u_int precision, char *errbuf);

/*
 * A function the reader calls, with arg, when a read from its FILE was
 * interrupted by a signal (EINTR): 0 reads on (the interrupted bytes are
 * not lost), anything else ends the read with libpcap's "error reading
 * dump file: Interrupted system call" (what happens with no hook).  The
 * Python extension runs the interpreter's signal handlers there (PEP 475).
 * Returns 0, or PCAP_ERROR when p is not a savefile opened for reading.
 */
INTERNAL int sf_set_interrupt_hook(pcap_t *p, int (*interrupted)(void *),
    void *arg);

/*
 * A descriptor that, once readable (an eventfd written by another thread),
 * ends a blocked read from p's stream with "error reading dump file:
 * Operation canceled".  Only for a stream read exactly (a pipe, a socket)
 * whose FILE is unbuffered (setvbuf _IONBF before any read): its
 * descriptor is then read directly, after poll(2) on both.  -1 removes it.
 * Returns 0, or PCAP_ERROR when p is not a savefile opened for reading.
 */
INTERNAL int sf_set_wakeup(pcap_t *p, int wakefd);

#endif /* PCAP_SAVEFILE_SAVEFILE_H */
