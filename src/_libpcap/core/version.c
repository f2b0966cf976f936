/*
 * version.c - library identity and initialisation: pcap_lib_version names
 * this project, pcap_version is libpcap's exported version string, pcap_init
 * accepts libpcap's options.
 */
#include "pcap-int.h"

#ifndef LIBPCAP_PY_VERSION
#define LIBPCAP_PY_VERSION "2.0.0"
#endif

/*
 * libpcap exports its version number as a string that no header declares;
 * older programs (tcpdump among them) declare it themselves and print it.
 * Read-only here: nothing in the library or a caller has reason to write it.
 */
PCAP_API_DEF const char pcap_version[] = "1.10";

const char *
pcap_lib_version(void)
{
	return "libpcap version 1.10 (libpcap for Python " LIBPCAP_PY_VERSION
	    ")";
}

/* Set once by pcap_init; strings are UTF-8 or local either way here. */
static int init_done;
static unsigned int init_opts;

int
pcap_init(unsigned int opts, char *errbuf)
{
	const unsigned int known = PCAP_CHAR_ENC_UTF_8 | PCAP_MMAP_32BIT;

	if (opts & ~known) {
		if (errbuf != NULL)
			core_fmt(errbuf, "Unknown options specified");
		return PCAP_ERROR;
	}
	if (init_done && (init_opts & PCAP_CHAR_ENC_UTF_8) !=
	    (opts & PCAP_CHAR_ENC_UTF_8)) {
		/* libpcap refuses to switch character encodings later. */
		if (errbuf != NULL)
			core_fmt(errbuf, "Multiple pcap_init calls with different character encodings");
		return PCAP_ERROR;
	}
	init_opts = opts;
	init_done = 1;
	return 0;
}
