/*
 * pcap/namedb.h - name-database look-ups of the packet-capture library.
 *
 * Host, network, service, protocol, EtherType, LLC and Ethernet-address
 * names as the filter compiler resolves them, exported with the same
 * declarations and values as libpcap's installed header so that programs
 * such as tcpdump build against it unchanged.
 */
#ifndef lib_pcap_namedb_h
#define lib_pcap_namedb_h

#include <stdio.h>
#include <pcap/pcap.h>
#include <pcap/funcattrs.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One line of an ethers(5) file: a 6-byte address and the host name. */
struct pcap_etherent {
	u_char addr[6];
	char name[122];
};
#ifndef PCAP_ETHERS_FILE
#define PCAP_ETHERS_FILE "/etc/ethers"
#endif
PCAP_API struct	pcap_etherent *pcap_next_etherent(FILE *);
PCAP_API u_char *pcap_ether_hostton(const char *);
PCAP_API u_char *pcap_ether_aton(const char *);

/*
 * Deprecated: IPv4 only, and the list it returns is the library's (one per
 * thread here; the next call in the same thread replaces it).
 */
PCAP_API
PCAP_DEPRECATED("this is not reentrant; use 'pcap_nametoaddrinfo' instead")
bpf_u_int32 **pcap_nametoaddr(const char *);
struct addrinfo;
PCAP_API struct addrinfo *pcap_nametoaddrinfo(const char *);
PCAP_API bpf_u_int32 pcap_nametonetaddr(const char *);

PCAP_API int	pcap_nametoport(const char *, int *, int *);
PCAP_API int	pcap_nametoportrange(const char *, int *, int *, int *);
PCAP_API int	pcap_nametoproto(const char *);
PCAP_API int	pcap_nametoeproto(const char *);
PCAP_API int	pcap_nametollc(const char *);

/*
 * "No such protocol" from the look-ups; and the protocol pcap_nametoport
 * and pcap_nametoportrange report for a service that TCP and UDP both list
 * with the same port (match either transport).
 */
#define PROTO_UNDEF		-1

#ifdef __cplusplus
}
#endif

#endif /* lib_pcap_namedb_h */
