/*
 * pcap/ipnet.h - values in the pseudo-header of DLT_IPNET captures
 * (Solaris ipnet devices): the address family of the packet and its
 * direction.
 */
#ifndef lib_pcap_ipnet_h
#define lib_pcap_ipnet_h

/* Address families, as Solaris numbers them. */
#define IPH_AF_INET	2	/* IPv4 */
#define IPH_AF_INET6	26	/* IPv6 */

/* Direction of the packet. */
#define IPNET_OUTBOUND	1
#define IPNET_INBOUND	2

#endif /* lib_pcap_ipnet_h */
