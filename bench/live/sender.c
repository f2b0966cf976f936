/*
 * sender.c - the traffic source of the live-capture benchmark: sends N
 * Ethernet frames of SIZE bytes out of an interface as fast as it can,
 * through an AF_PACKET socket (sendmmsg, batches of 256, qdisc bypassed),
 * and prints one JSON line: frames sent, seconds, frames per second.
 *
 *   sender IFACE [N=1000000] [SIZE=64] [DST_MAC=ff:ff:ff:ff:ff:ff]
 *
 * Each frame carries its sequence number (big endian) after the Ethernet
 * header, type 0x88b5 (local experimental), so nothing else claims it.
 * Plain C11 + POSIX/Linux; no libpcap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#define BATCH 256
#define ETYPE 0x88b5

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
parse_mac(const char *s, unsigned char mac[6])
{
	unsigned v[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
	    &v[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (v[i] > 255)
			return -1;
		mac[i] = (unsigned char)v[i];
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static unsigned char frames[BATCH][2048];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_ll sll;
	struct ifreq ifr;
	unsigned char dst[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, src[6];
	unsigned long n = 1000000, sent = 0, size = 64, i;
	double t0, t1;
	int fd, one = 1;

	if (argc < 2 || argc > 5) {
		fprintf(stderr, "usage: %s IFACE [N] [SIZE] [DST_MAC]\n", argv[0]);
		return 2;
	}
	if (argc > 2)
		n = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		size = strtoul(argv[3], NULL, 10);
	if (size < 18 || size > sizeof frames[0]) {
		fprintf(stderr, "sender: SIZE must be 18..%zu\n", sizeof frames[0]);
		return 2;
	}
	if (argc > 4 && parse_mac(argv[4], dst) < 0) {
		fprintf(stderr, "sender: bad MAC %s\n", argv[4]);
		return 2;
	}
	if (strlen(argv[1]) >= IFNAMSIZ) {
		fprintf(stderr, "sender: interface name too long\n");
		return 2;
	}

	fd = socket(AF_PACKET, SOCK_RAW, 0);	/* protocol 0: receives nothing */
	if (fd < 0) {
		perror("sender: socket");
		return 1;
	}
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, argv[1]);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		perror("sender: SIOCGIFINDEX");
		return 1;
	}
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifr.ifr_ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
		perror("sender: bind");
		return 1;
	}
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		perror("sender: SIOCGIFHWADDR");
		return 1;
	}
	memcpy(src, ifr.ifr_hwaddr.sa_data, 6);
	/* Straight to the driver: no qdisc to queue (or drop) on the way. */
	(void)setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);

	for (i = 0; i < BATCH; i++) {
		memcpy(frames[i], dst, 6);
		memcpy(frames[i] + 6, src, 6);
		frames[i][12] = ETYPE >> 8;
		frames[i][13] = ETYPE & 0xff;
		memset(frames[i] + 14, 0x5a, size - 14);
		iov[i].iov_base = frames[i];
		iov[i].iov_len = size;
		memset(&msgs[i], 0, sizeof msgs[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	t0 = now();
	while (sent < n) {
		unsigned want = n - sent < BATCH ? (unsigned)(n - sent) : BATCH;
		int rc;

		for (i = 0; i < want; i++) {
			unsigned long seq = sent + i;
			unsigned char *p = frames[i] + 14;

			if (size >= 18) {
				p[0] = (unsigned char)(seq >> 24);
				p[1] = (unsigned char)(seq >> 16);
				p[2] = (unsigned char)(seq >> 8);
				p[3] = (unsigned char)seq;
			}
		}
		rc = sendmmsg(fd, msgs, want, 0);
		if (rc < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR)
				continue;	/* the device is busy: try again */
			perror("sender: sendmmsg");
			return 1;
		}
		sent += (unsigned long)rc;
	}
	t1 = now();
	printf("{\"sent\": %lu, \"seconds\": %.6f, \"pps\": %.0f}\n", sent, t1 - t0,
	    (t1 - t0) > 0 ? sent / (t1 - t0) : 0.0);
	close(fd);
	return 0;
}
