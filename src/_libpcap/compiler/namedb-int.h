/*
 * namedb-int.h - name resolution and address-text parsing for the filter
 * compiler (the internal side of nametoaddr.c and etherent.c).
 *
 * The public pcap_nameto* / pcap_ether_* functions answer with malloc'ed
 * buffers and numeric sentinels, as libpcap's API does.  The code generator
 * needs a little more: the parsers that tell a valid address text from an
 * invalid one (so it can say "invalid IPv4 address"), look-ups that do not
 * allocate, and service look-ups that tell "no such name" apart from a
 * resolver failure.  Everything here is reentrant: no static or global
 * state is written, so many threads may compile at once.
 */
#ifndef PCAP_COMPILER_NAMEDB_INT_H
#define PCAP_COMPILER_NAMEDB_INT_H

#include <stdint.h>
#include <pcap/namedb.h>

#include "pcap-int.h"		/* INTERNAL */

/* ---- text parsers (no I/O) ------------------------------------------------ */

/*
 * IPv4 address text of 1 to 4 dot-separated decimal parts ("10", "10.1",
 * "10.1.2", "10.1.2.3"), each part 0..255.  On success stores the address
 * (host byte order, the parts packed from the low end: "10.1" is 0x0a01)
 * and returns the number of bits given (8, 16, 24 or 32); returns -1 for
 * anything else (a part over 255, an empty part, a non-digit, more than
 * four parts).
 */
INTERNAL int nm_atoin(const char *s, bpf_u_int32 *addr);

/*
 * DECnet address "AREA.NODE" (decimal, area 0..63, node 0..1023).  On
 * success stores (area << 10) | node and returns 1; returns 0 otherwise.
 */
INTERNAL int nm_atodn(const char *s, bpf_u_int32 *addr);

/*
 * ARCnet address "$x" or "$xx" (hex).  On success stores the byte and
 * returns 1; returns 0 otherwise.
 */
INTERNAL int nm_atoan(const char *s, u_char *addr);

/*
 * MAC-48 address in one of the forms pcap-filter(7) documents for
 * "ether host": "xx:xx:xx:xx:xx:xx", the same with '-' or '.' (one
 * separator throughout; any "xx" may be a single digit), "xxxx.xxxx.xxxx"
 * and "xxxxxxxxxxxx".  On success fills addr[0..5] and returns 1; returns 0
 * (addr untouched) otherwise.
 */
INTERNAL int nm_atomac48(const char *s, u_char addr[6]);

/* ---- look-ups --------------------------------------------------------------- */

/*
 * Ethernet address of a host name from the ethers database (glibc's NSS
 * "ethers", i.e. /etc/ethers; case-insensitive as glibc compares).  Returns
 * 1 and fills addr, or 0 if the name is unknown.
 */
INTERNAL int nm_ether_hostton(const char *name, u_char addr[6]);

/*
 * Port of a service name for one transport (ipproto IPPROTO_TCP,
 * IPPROTO_UDP or IPPROTO_SCTP), through getaddrinfo as libpcap does, so a
 * numeric string answers its own value.  When the system has no services
 * database at all, libpcap-for-Python's built-in table of well-known
 * services answers instead.
 * Returns 1 and sets *port when found, 0 when the name is not a service of
 * that transport, -1 on a resolver failure: then *gai_error is the
 * getaddrinfo code (EAI_SYSTEM with errno saved in *sys_errno).
 */
INTERNAL int nm_service_port(const char *name, int ipproto, int *port,
    int *gai_error, int *sys_errno);

/*
 * Service name to port and protocol, checking TCP and UDP the way
 * pcap_nametoport does: *proto is IPPROTO_TCP, IPPROTO_UDP, or PROTO_UNDEF
 * when both know the name with the same port (TCP wins if they differ).
 * Returns 1 when found, 0 when unknown, -1 on a resolver failure (codes as
 * for nm_service_port; *port and *proto untouched).
 */
INTERNAL int nm_nametoport(const char *name, int *port, int *proto,
    int *gai_error, int *sys_errno);

/*
 * DECnet node name to address.  Linux has no DECnet node database, so
 * this always answers 0 ("not found"), as libpcap built without DECNETLIB
 * does; the generator reports the name as unknown.
 */
INTERNAL int nm_nametodnaddr(const char *name, u_short *addr);

#endif /* PCAP_COMPILER_NAMEDB_INT_H */
