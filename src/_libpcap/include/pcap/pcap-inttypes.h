/*
 * pcap/pcap-inttypes.h - the C99 fixed-width integer types (uint8_t ...
 * uint64_t) and their printf macros, which the other public headers use.
 * Only very old Microsoft compilers lack <inttypes.h>; they get typedefs.
 */
#ifndef pcap_pcap_inttypes_h
#define pcap_pcap_inttypes_h

#if defined(_MSC_VER) && _MSC_VER < 1800
typedef signed char int8_t;
typedef unsigned char uint8_t;
typedef signed short int16_t;
typedef unsigned short uint16_t;
typedef signed int int32_t;
typedef unsigned int uint32_t;
#ifdef _MSC_EXTENSIONS
typedef _int64 int64_t;
typedef unsigned _int64 uint64_t;
#else
typedef long long int64_t;
typedef unsigned long long uint64_t;
#endif
#else
#include <inttypes.h>
#endif

#endif /* pcap_pcap_inttypes_h */
