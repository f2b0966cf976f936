/*
 * pcap/socket.h - what the remote-capture part of the API needs from the
 * socket headers, and the socket handle type it passes around: a file
 * descriptor (int) on UN*X, a SOCKET on Windows.  As in libpcap master the
 * names are PCAP_SOCKET / PCAP_INVALID_SOCKET, so they cannot collide with
 * a program's own SOCKET.
 */
#ifndef lib_pcap_socket_h
#define lib_pcap_socket_h

#ifdef _WIN32
#ifdef __MINGW32__
#include <windef.h>
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
/* struct timeval's microseconds; Winsock has no such type. */
typedef long suseconds_t;
typedef SOCKET PCAP_SOCKET;
#define PCAP_INVALID_SOCKET INVALID_SOCKET
#else
#include <sys/types.h>
#include <sys/socket.h>
#include <netdb.h>		/* struct addrinfo, getaddrinfo() */
#include <netinet/in.h>		/* struct sockaddr_in */
#include <arpa/inet.h>
typedef int PCAP_SOCKET;
#define PCAP_INVALID_SOCKET -1
#endif

#endif /* lib_pcap_socket_h */
