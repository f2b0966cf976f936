/*
 * wake.c - the wake-up descriptor of a waiting backend: an eventfd that
 * pcap_breakloop writes (from any thread) and the backend polls together
 * with its own descriptor, so a break ends a wait at once.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "pcap-int.h"

int
core_wake_open(void)
{
	return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

void
core_wake_signal(int fd)
{
	uint64_t one = 1;

	if (fd >= 0) {
		ssize_t n = write(fd, &one, sizeof one);
		(void)n;	/* the counter is full: it is readable anyway */
	}
}

int
core_wake_take(pcap_t *p, int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof v) == -1 && errno != EAGAIN) {
		core_fmt_errno(p->errbuf, errno, "Error reading from event FD");
		return PCAP_ERROR;
	}
	if (p->break_loop) {
		p->break_loop = 0;
		return PCAP_ERROR_BREAK;
	}
	return 0;
}
