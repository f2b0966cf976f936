/*
 * live.c - the read of live sources built from their two primitives,
 * read_ready (what is there now) and wait (until something may be): the
 * pcap_dispatch of a source that keeps no loop of its own.
 */
#include <time.h>

#include "pcap-int.h"

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
core_read_live(pcap_t *p, int cnt, pcap_handler cb, u_char *user,
    int timeout_ms)
{
	long long end = timeout_ms > 0 ? mono_ms() + timeout_ms : 0;

	for (;;) {
		int n, left = timeout_ms, rc;

		if (p->break_loop) {
			p->break_loop = 0;
			return PCAP_ERROR_BREAK;
		}
		n = p->ops->read_ready(p, cnt, cb, user);
		if (n != 0 || timeout_ms == 0)
			return n;
		if (timeout_ms > 0) {
			long long l = end - mono_ms();

			if (l <= 0)
				return 0;
			left = (int)l;
		}
		rc = p->ops->wait(p, left);
		if (rc == CORE_WAIT_SIGNAL)
			return 0;
		if (rc < 0)
			return rc;
	}
}
