/*
 * linux-devs.c - the devices an AF_PACKET capture can open
 * (lnx_findalldevs: every interface, up or down, from getifaddrs and
 * /sys/class/net, with its addresses and PCAP_IF_ flags, plus the "any"
 * pseudo-device), and pcap_lookupnet with libpcap's messages.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ifaddrs.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>

#include "linux-int.h"

#define ANY_DESCRIPTION "Pseudo-device that captures on all interfaces"

/* Wireless and connection-status flags (libpcap's get_if_flags). */
static int
more_flags(const char *name, bpf_u_int32 *flags, char *errbuf)
{
	struct ethtool_value ev;
	int fd, type;

	if (*flags & PCAP_IF_LOOPBACK) {
		*flags |= PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE;
		return 0;
	}
	fd = lnx_ioctl_socket();
	if (fd == -1) {
		core_fmt_errno(errbuf, errno,
		    "Can't create socket to get ethtool information for %s", name);
		return -1;
	}
	if (lnx_if_is_wifi(name)) {
		*flags |= PCAP_IF_WIRELESS;
	} else {
		type = lnx_if_sysfs_type(name);
		switch (type) {
		case ARPHRD_LOOPBACK:
			/* Connected or not means nothing here. */
			close(fd);
			return 0;
		case ARPHRD_IRDA:
		case ARPHRD_IEEE80211:
		case ARPHRD_IEEE80211_PRISM:
		case ARPHRD_IEEE80211_RADIOTAP:
		case ARPHRD_IEEE802154:
		case ARPHRD_IEEE802154_MONITOR:
		case ARPHRD_6LOWPAN:
			*flags |= PCAP_IF_WIRELESS;
			break;
		}
	}
	memset(&ev, 0, sizeof ev);
	ev.cmd = ETHTOOL_GLINK;
	if (lnx_ethtool(fd, name, &ev) == -1) {
		int err = errno;

		close(fd);
		switch (err) {
		case EOPNOTSUPP:
		case EINVAL:
			*flags |= PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE;
			return 0;
		case ENODEV:
			return 0;	/* gone meanwhile: activation will say */
		}
		core_fmt_errno(errbuf, err,
		    "%s: SIOCETHTOOL(ETHTOOL_GLINK) ioctl failed", name);
		return -1;
	}
	close(fd);
	*flags |= ev.data ? PCAP_IF_CONNECTION_STATUS_CONNECTED :
	    PCAP_IF_CONNECTION_STATUS_DISCONNECTED;
	return 0;
}

static bpf_u_int32
iff_to_pcap(unsigned iff)
{
	bpf_u_int32 f = 0;

	if (iff & IFF_LOOPBACK)
		f |= PCAP_IF_LOOPBACK;
	if (iff & IFF_UP)
		f |= PCAP_IF_UP;
	if (iff & IFF_RUNNING)
		f |= PCAP_IF_RUNNING;
	return f;
}

static pcap_if_t *
find_or_add(pcap_if_t **list, const char *name, unsigned iff, char *errbuf)
{
	pcap_if_t *d = core_find_dev(*list, name);
	bpf_u_int32 flags;

	if (d != NULL)
		return d;
	flags = iff_to_pcap(iff);
	if (more_flags(name, &flags, errbuf) != 0)
		return NULL;
	return core_add_dev(list, name, flags, NULL, errbuf);
}

static size_t
sa_len(const struct sockaddr *sa)
{
	switch (sa->sa_family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	case AF_PACKET:
		return sizeof(struct sockaddr_ll);
	}
	return sizeof(struct sockaddr);
}

static struct sockaddr *
dup_sa(const struct sockaddr *sa, size_t len, int *failed)
{
	struct sockaddr *copy;

	if (sa == NULL)
		return NULL;
	copy = malloc(len);
	if (copy == NULL) {
		*failed = 1;
		return NULL;
	}
	memcpy(copy, sa, len);
	return copy;
}

static int
add_addr(pcap_if_t *d, const struct ifaddrs *ifa, char *errbuf)
{
	pcap_addr_t *a = calloc(1, sizeof *a), **tail;
	size_t len = sa_len(ifa->ifa_addr);
	int failed = 0;

	if (a == NULL) {
		core_fmt_errno(errbuf, errno, "malloc");
		return -1;
	}
	a->addr = dup_sa(ifa->ifa_addr, len, &failed);
	/* A netmask has the size of its address. */
	a->netmask = dup_sa(ifa->ifa_netmask, len, &failed);
	/* broadaddr and dstaddr share a field: trust the flags. */
	if ((ifa->ifa_flags & IFF_BROADCAST) && ifa->ifa_broadaddr != NULL)
		a->broadaddr = dup_sa(ifa->ifa_broadaddr,
		    sa_len(ifa->ifa_broadaddr), &failed);
	if ((ifa->ifa_flags & IFF_POINTOPOINT) && ifa->ifa_dstaddr != NULL)
		a->dstaddr = dup_sa(ifa->ifa_dstaddr, sa_len(ifa->ifa_dstaddr),
		    &failed);
	if (failed) {
		core_fmt_errno(errbuf, ENOMEM, "malloc");
		free(a->addr);
		free(a->netmask);
		free(a->broadaddr);
		free(a->dstaddr);
		free(a);
		return -1;
	}
	for (tail = &d->addresses; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = a;
	return 0;
}

/* "eth0:1" is an alias of eth0 on Linux: strip a ":digits" suffix. */
static void
base_name(char *name)
{
	char *colon = strchr(name, ':'), *q;

	if (colon == NULL)
		return;
	for (q = colon + 1; isdigit((unsigned char)*q); q++)
		;
	if (*q == '\0')
		*colon = '\0';
}

static int
from_getifaddrs(pcap_if_t **list, char *errbuf)
{
	struct ifaddrs *ifap, *ifa;
	int rc = 0;

	if (getifaddrs(&ifap) != 0) {
		core_fmt_errno(errbuf, errno, "getifaddrs");
		return -1;
	}
	for (ifa = ifap; ifa != NULL; ifa = ifa->ifa_next) {
		char name[IFNAMSIZ + 64];
		pcap_if_t *d;

		if (ifa->ifa_name == NULL)
			continue;
		snprintf(name, sizeof name, "%s", ifa->ifa_name);
		base_name(name);
		d = find_or_add(list, name, ifa->ifa_flags, errbuf);
		if (d == NULL || (ifa->ifa_addr != NULL &&
		    add_addr(d, ifa, errbuf) != 0)) {
			rc = -1;
			break;
		}
	}
	freeifaddrs(ifap);
	return rc;
}

/* Interfaces getifaddrs did not mention (it lists every one with an
   AF_PACKET entry, so normally none). */
static int
from_sysfs(pcap_if_t **list, char *errbuf)
{
	DIR *dir = opendir("/sys/class/net");
	struct dirent *e;
	int fd, rc = 0;

	if (dir == NULL)
		return 0;
	fd = lnx_ioctl_socket();
	while ((e = readdir(dir)) != NULL) {
		struct ifreq ifr;
		unsigned iff = 0;
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.' || len >= IFNAMSIZ ||
		    core_find_dev(*list, e->d_name) != NULL)
			continue;
		memset(&ifr, 0, sizeof ifr);
		memcpy(ifr.ifr_name, e->d_name, len);
		if (fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
			iff = (unsigned)(unsigned short)ifr.ifr_flags;
		else if (errno == ENODEV || errno == ENXIO)
			continue;	/* went away */
		if (find_or_add(list, e->d_name, iff, errbuf) == NULL) {
			rc = -1;
			break;
		}
	}
	if (fd >= 0)
		close(fd);
	closedir(dir);
	return rc;
}

int
pcap_lookupnet(const char *device, bpf_u_int32 *netp, bpf_u_int32 *maskp,
    char *errbuf)
{
	struct ifreq ifr;
	struct sockaddr_in *sin4 = (struct sockaddr_in *)&ifr.ifr_addr;
	int fd;

	errbuf = core_errbuf(errbuf);
	if (netp == NULL || maskp == NULL) {
		core_fmt(errbuf, "pcap_lookupnet: a NULL pointer was passed for "
		    "the network or the mask");
		return PCAP_ERROR;	/* libpcap would crash */
	}

	/* "any" listens everywhere: network and mask 0.0.0.0. */
	if (device == NULL || strcmp(device, "any") == 0) {
		*netp = *maskp = 0;
		return 0;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		core_fmt_errno(errbuf, errno, "socket");
		return PCAP_ERROR;
	}
	lnx_ifr_init(&ifr, device);
	ifr.ifr_addr.sa_family = AF_INET;
	if (ioctl(fd, SIOCGIFADDR, &ifr) < 0) {
		if (errno == EADDRNOTAVAIL)
			core_fmt(errbuf, "%s: no IPv4 address assigned", device);
		else
			core_fmt_errno(errbuf, errno, "SIOCGIFADDR: %s", device);
		close(fd);
		return PCAP_ERROR;
	}
	*netp = sin4->sin_addr.s_addr;
	lnx_ifr_init(&ifr, device);
	ifr.ifr_addr.sa_family = AF_INET;
	if (ioctl(fd, SIOCGIFNETMASK, &ifr) < 0) {
		core_fmt_errno(errbuf, errno, "SIOCGIFNETMASK: %s", device);
		close(fd);
		return PCAP_ERROR;
	}
	close(fd);
	*maskp = sin4->sin_addr.s_addr;
	if (*maskp == 0) {
		/* No mask configured: a class mask.  libpcap classifies the
		   address as stored (network order) and stores the mask in
		   host order; the numbers are the same here. */
		if (IN_CLASSA(*netp))
			*maskp = IN_CLASSA_NET;
		else if (IN_CLASSB(*netp))
			*maskp = IN_CLASSB_NET;
		else if (IN_CLASSC(*netp))
			*maskp = IN_CLASSC_NET;
		else {
			core_fmt(errbuf, "inet class for 0x%x unknown", *netp);
			return PCAP_ERROR;
		}
	}
	*netp &= *maskp;
	return 0;
}

int
lnx_findalldevs(pcap_if_t **list, char *errbuf)
{
	if (from_getifaddrs(list, errbuf) != 0 ||
	    from_sysfs(list, errbuf) != 0)
		return PCAP_ERROR;
	if (core_find_dev(*list, "any") == NULL &&
	    core_add_dev(list, "any", PCAP_IF_UP | PCAP_IF_RUNNING |
	    PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE, ANY_DESCRIPTION,
	    errbuf) == NULL)
		return PCAP_ERROR;
	return 0;
}

size_t
cap_link_address(const struct sockaddr *sa, const unsigned char **addr)
{
	const struct sockaddr_ll *ll = (const struct sockaddr_ll *)sa;
	size_t n;

	*addr = NULL;
	if (sa == NULL || sa->sa_family != AF_PACKET)
		return 0;
	n = ll->sll_halen;
	if (n > sizeof ll->sll_addr)
		n = sizeof ll->sll_addr;
	*addr = ll->sll_addr;
	return n;
}
