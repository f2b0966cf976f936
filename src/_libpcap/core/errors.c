/*
 * errors.c - error reporting and small text helpers: errbuf formatting
 * for the core, ASCII name comparison for the lookup tables, and the
 * public pcap_geterr / pcap_perror / pcap_statustostr / pcap_strerror with
 * libpcap's texts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pcap-int.h"

void
core_fmt(char *errbuf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, PCAP_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

void
core_fmt_errno(char *errbuf, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t used;
	char msg[128];

	va_start(ap, fmt);
	vsnprintf(errbuf, PCAP_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
	used = strlen(errbuf);
	if (used + 2 >= PCAP_ERRBUF_SIZE)
		return;
	/* strerror_r (GNU flavour under _GNU_SOURCE) is thread-safe. */
	snprintf(errbuf + used, PCAP_ERRBUF_SIZE - used, ": %s",
	    strerror_r(errnum, msg, sizeof msg));
}

char *
pcap_geterr(pcap_t *p)
{
	static char not_open[] = CORE_NOT_OPEN_TEXT;

	if (!core_registry_has(p))
		return not_open;	/* libpcap would crash */
	return p->errbuf;
}

void
pcap_perror(pcap_t *p, const char *prefix)
{
	fprintf(stderr, "%s: %s\n", prefix != NULL ? prefix : "(null)",
	    pcap_geterr(p));
}

char *
core_errbuf(char *errbuf)
{
	static _Thread_local char scratch[PCAP_ERRBUF_SIZE];

	return errbuf != NULL ? errbuf : scratch;
}

const char *
pcap_statustostr(int errnum)
{
	/* One buffer per thread for the "unknown" case, as the text varies. */
	static _Thread_local char unknown[32];

	switch (errnum) {
	case PCAP_WARNING:
		return "Generic warning";
	case PCAP_WARNING_TSTAMP_TYPE_NOTSUP:
		return "That type of time stamp is not supported by that device";
	case PCAP_WARNING_PROMISC_NOTSUP:
		return "That device doesn't support promiscuous mode";
	case PCAP_ERROR:
		return "Generic error";
	case PCAP_ERROR_BREAK:
		return "Loop terminated by pcap_breakloop";
	case PCAP_ERROR_NOT_ACTIVATED:
		return "The pcap_t has not been activated";
	case PCAP_ERROR_ACTIVATED:
		return "The setting can't be changed after the pcap_t is activated";
	case PCAP_ERROR_NO_SUCH_DEVICE:
		return "No such device exists";
	case PCAP_ERROR_RFMON_NOTSUP:
		return "That device doesn't support monitor mode";
	case PCAP_ERROR_NOT_RFMON:
		return "That operation is supported only in monitor mode";
	case PCAP_ERROR_PERM_DENIED:
		return "You don't have permission to perform this capture on that device";
	case PCAP_ERROR_IFACE_NOT_UP:
		return "That device is not up";
	case PCAP_ERROR_CANTSET_TSTAMP_TYPE:
		return "That device doesn't support setting the time stamp type";
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		return "You don't have permission to capture in promiscuous mode on that device";
	case PCAP_ERROR_TSTAMP_PRECISION_NOTSUP:
		return "That device doesn't support that time stamp precision";
	case PCAP_ERROR_CAPTURE_NOTSUP:
		return "Packet capture is not supported on that device";
	}
	snprintf(unknown, sizeof unknown, "Unknown error: %d", errnum);
	return unknown;
}

const char *
pcap_strerror(int errnum)
{
	static _Thread_local char buf[128];

	/* GNU strerror_r may return a static string instead of filling buf. */
	const char *s = strerror_r(errnum, buf, sizeof buf);
	if (s != buf)
		snprintf(buf, sizeof buf, "%s", s);
	return buf;
}

int
core_same_name_ascii(const char *a, const char *b)
{
	/* Table names are plain ASCII: fold A-Z only, whatever the locale. */
	for (;; a++, b++) {
		unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;

		if (ca >= 'A' && ca <= 'Z')
			ca = (unsigned char)(ca - 'A' + 'a');
		if (cb >= 'A' && cb <= 'Z')
			cb = (unsigned char)(cb - 'A' + 'a');
		if (ca != cb)
			return 0;
		if (ca == '\0')
			return 1;
	}
}
