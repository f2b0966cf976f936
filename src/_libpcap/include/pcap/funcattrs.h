/*
 * pcap/funcattrs.h - the attributes the public headers put on libpcap's
 * functions: export (PCAP_API), availability by version (PCAP_AVAILABLE_*),
 * noreturn, printf-like checking and deprecation.  Same macro names and
 * meanings as libpcap's header.
 *
 * pcap/pcap.h and pcap/bpf.h include it, as libpcap's do.
 */
#ifndef lib_pcap_funcattrs_h
#define lib_pcap_funcattrs_h

#include <pcap/compiler-tests.h>

/* Exported from the shared library (it is built -fvisibility=hidden). */
#if defined(__GNUC__) || defined(__clang__)
#define PCAP_API_DEF __attribute__((visibility("default")))
#else
#define PCAP_API_DEF
#endif
#ifndef PCAP_API
#define PCAP_API extern PCAP_API_DEF
#endif

/*
 * The libpcap release that introduced a function.  Only Apple's SDKs turn
 * these into availability attributes; everywhere else they are empty.
 */
#define PCAP_AVAILABLE_0_4
#define PCAP_AVAILABLE_0_5
#define PCAP_AVAILABLE_0_6
#define PCAP_AVAILABLE_0_7
#define PCAP_AVAILABLE_0_8
#define PCAP_AVAILABLE_0_9
#define PCAP_AVAILABLE_1_0
#define PCAP_AVAILABLE_1_2
#define PCAP_AVAILABLE_1_5
#define PCAP_AVAILABLE_1_7
#define PCAP_AVAILABLE_1_8
#define PCAP_AVAILABLE_1_9
#define PCAP_AVAILABLE_1_10
#define PCAP_AVAILABLE_1_11

/* Functions that never return: on the declaration and on the definition. */
#if __has_attribute(noreturn) || PCAP_IS_AT_LEAST_GNUC_VERSION(2, 5) \
    || PCAP_IS_AT_LEAST_SUNC_VERSION(5, 9) \
    || PCAP_IS_AT_LEAST_XL_C_VERSION(10, 1) \
    || PCAP_IS_AT_LEAST_HP_C_VERSION(6, 10)
#define PCAP_NORETURN __attribute((noreturn))
#define PCAP_NORETURN_DEF __attribute((noreturn))
#elif defined(_MSC_VER)
#define PCAP_NORETURN __declspec(noreturn)
#define PCAP_NORETURN_DEF
#else
#define PCAP_NORETURN
#define PCAP_NORETURN_DEF
#endif

/* Argument x is a printf format whose arguments start at argument y. */
#if __has_attribute(__format__) || PCAP_IS_AT_LEAST_GNUC_VERSION(2, 3) \
    || PCAP_IS_AT_LEAST_XL_C_VERSION(10, 1) \
    || PCAP_IS_AT_LEAST_HP_C_VERSION(6, 10)
#define PCAP_PRINTFLIKE(x, y) __attribute__((__format__(__printf__, x, y)))
#else
#define PCAP_PRINTFLIKE(x, y)
#endif

/* Calls warn, with msg where the compiler can show one. */
#if __has_attribute(deprecated) || PCAP_IS_AT_LEAST_GNUC_VERSION(4, 5) \
    || PCAP_IS_AT_LEAST_SUNC_VERSION(5, 13)
#define PCAP_DEPRECATED(msg) __attribute__((deprecated(msg)))
#elif PCAP_IS_AT_LEAST_GNUC_VERSION(3, 1)
#define PCAP_DEPRECATED(msg) __attribute__((deprecated))
#elif defined(_MSC_VER) && !defined(BUILDING_PCAP)
#define PCAP_DEPRECATED(msg) __declspec(deprecated(msg))
#else
#define PCAP_DEPRECATED(msg)
#endif

/* Marks a format-string parameter for Microsoft's source annotations. */
#ifdef _MSC_VER
#include <sal.h>
#define PCAP_FORMAT_STRING(p) _Printf_format_string_ p
#else
#define PCAP_FORMAT_STRING(p) p
#endif

#endif /* lib_pcap_funcattrs_h */
