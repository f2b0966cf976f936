/* TEMPORARY minimal dlt.h: replaced by the full table (owned by the datalink work). */
#ifndef lib_pcap_dlt_h
#define lib_pcap_dlt_h
#define DLT_NULL	0
#define DLT_EN10MB	1
#define DLT_RAW		12
#define DLT_DOCSIS	143
#define DLT_LINUX_SLL	113
#define DLT_LINUX_SLL2	276
#endif
