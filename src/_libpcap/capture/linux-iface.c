/*
 * linux-iface.c - what the Linux backend asks about one interface: its
 * index, hardware (ARPHRD_) type and MTU through ioctls, whether segment
 * offloads are on (they make packets bigger than the MTU), and the facts
 * sysfs keeps (wireless, DSA tagging, drop counters, type).  Messages are
 * libpcap's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <net/if.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <linux/netlink.h>

#include "linux-int.h"

int
lnx_ioctl_socket(void)
{
	int fd;

	/* Interface ioctls must work without capture rights, on kernels and
	   sandboxes where some families are missing: try several. */
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd != -1) {
		struct ifreq ifr;

		memset(&ifr, 0, sizeof ifr);
		if (ioctl(fd, SIOCGIFNAME, &ifr) == 0 || errno != EOPNOTSUPP)
			return fd;
		close(fd);
	}
	fd = socket(AF_UNIX, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd != -1)
		return fd;
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd != -1)
		return fd;
	return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

void
lnx_ifr_init(struct ifreq *ifr, const char *device)
{
	memset(ifr, 0, sizeof *ifr);
	strncpy(ifr->ifr_name, device, sizeof ifr->ifr_name - 1);
}

int
lnx_ethtool(int fd, const char *device, void *cmd)
{
	struct ifreq ifr;

	lnx_ifr_init(&ifr, device);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

int
lnx_if_index(int fd, const char *device, char *ebuf)
{
	struct ifreq ifr;

	lnx_ifr_init(&ifr, device);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) == -1) {
		core_fmt_errno(ebuf, errno, "SIOCGIFINDEX");
		return -1;
	}
	return ifr.ifr_ifindex;
}

int
lnx_if_arptype(int fd, const char *device, char *ebuf)
{
	struct ifreq ifr;

	lnx_ifr_init(&ifr, device);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == -1) {
		if (errno == ENODEV) {
			/* Nothing to add to "No such device exists". */
			ebuf[0] = '\0';
			return PCAP_ERROR_NO_SUCH_DEVICE;
		}
		core_fmt_errno(ebuf, errno, "SIOCGIFHWADDR");
		return PCAP_ERROR;
	}
	return ifr.ifr_hwaddr.sa_family;
}

int
lnx_if_mtu(int fd, const char *device, char *ebuf)
{
	struct ifreq ifr;

	lnx_ifr_init(&ifr, device);
	if (ioctl(fd, SIOCGIFMTU, &ifr) == -1) {
		core_fmt_errno(ebuf, errno, "SIOCGIFMTU");
		return -1;
	}
	return ifr.ifr_mtu;
}

/* One ETHTOOL_G* flag query: its value, 0 where unsupported, -1 (ebuf). */
static int
ethtool_flag(int fd, const char *device, unsigned cmd, const char *name,
    int eperm_ok, char *ebuf)
{
	struct ethtool_value ev;

	memset(&ev, 0, sizeof ev);
	ev.cmd = cmd;
	if (lnx_ethtool(fd, device, &ev) == -1) {
		/* Old kernels refuse ETHTOOL_GUFO with EPERM, not EOPNOTSUPP. */
		if (errno == EOPNOTSUPP || errno == EINVAL ||
		    (errno == EPERM && eperm_ok))
			return 0;
		core_fmt_errno(ebuf, errno, "%s: SIOCETHTOOL(%s) ioctl failed",
		    device, name);
		return -1;
	}
	return (int)ev.data;
}

int
lnx_if_offload(int fd, const char *device, char *ebuf)
{
	static const struct {
		unsigned cmd;
		const char *name;
		unsigned mask;
		int eperm_ok;
	} checks[] = {
		{ ETHTOOL_GTSO, "ETHTOOL_GTSO", ~0u, 0 },
		{ ETHTOOL_GGSO, "ETHTOOL_GGSO", ~0u, 0 },
		{ ETHTOOL_GFLAGS, "ETHTOOL_GFLAGS", ETH_FLAG_LRO, 0 },
		{ ETHTOOL_GGRO, "ETHTOOL_GGRO", ~0u, 0 },
		{ ETHTOOL_GUFO, "ETHTOOL_GUFO", ~0u, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		int v = ethtool_flag(fd, device, checks[i].cmd, checks[i].name,
		    checks[i].eperm_ok, ebuf);
		if (v == -1)
			return -1;
		if ((unsigned)v & checks[i].mask)
			return 1;
	}
	return 0;
}

/* Path of a file under /sys/class/net/DEV; 0, or -1 if it does not fit. */
static int
sysfs_path(char *buf, size_t size, const char *device, const char *leaf)
{
	int n = snprintf(buf, size, "/sys/class/net/%s/%s", device, leaf);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int
lnx_if_is_wifi(const char *device)
{
	char path[256];
	struct stat st;

	if (sysfs_path(path, sizeof path, device, "wireless") != 0)
		return 0;
	return stat(path, &st) == 0;
}

/* Read a small sysfs file into buf (NUL-terminated, newline cut). */
static ssize_t
read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
}

int
lnx_if_dsa_dlt(const char *device, int *dlt, char *ebuf)
{
	static const struct {
		const char *tag;
		int dlt;
	} tags[] = {
		{ "none", DLT_EN10MB },
		{ "brcm", DLT_DSA_TAG_BRCM },
		{ "brcm-prepend", DLT_DSA_TAG_BRCM_PREPEND },
		{ "dsa", DLT_DSA_TAG_DSA },
		{ "edsa", DLT_DSA_TAG_EDSA },
		{ "rtl4a", DLT_EN10MB },
		{ "rtl8_4", DLT_EN10MB },
		{ "rtl8_4t", DLT_EN10MB },
	};
	char path[256], buf[128];
	size_t i;
	int fd;
	ssize_t n;

	if (sysfs_path(path, sizeof path, device, "dsa/tagging") != 0)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* not a DSA conduit (or a kernel before 4.20) */
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0) {
		core_fmt_errno(ebuf, errno, "read");
		return PCAP_ERROR;
	}
	if (buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	for (i = 0; i < sizeof tags / sizeof tags[0]; i++) {
		if (strcmp(buf, tags[i].tag) == 0) {
			*dlt = tags[i].dlt;
			return tags[i].dlt == DLT_EN10MB ? 0 : 1;
		}
	}
	core_fmt(ebuf, "unsupported DSA tag: %s", buf);
	return PCAP_ERROR;
}

static long long
sysfs_stat(const char *device, const char *name)
{
	char path[256], leaf[64], buf[64];

	snprintf(leaf, sizeof leaf, "statistics/%s", name);
	if (sysfs_path(path, sizeof path, device, leaf) != 0 ||
	    read_small(path, buf, sizeof buf) < 0)
		return 0;
	return strtoll(buf, NULL, 10);
}

long long
lnx_if_drops(const char *device)
{
	return sysfs_stat(device, "rx_missed_errors") +
	    sysfs_stat(device, "rx_fifo_errors");
}

int
lnx_if_sysfs_type(const char *device)
{
	char path[256], buf[32];
	char *end;
	long v;

	if (sysfs_path(path, sizeof path, device, "type") != 0 ||
	    read_small(path, buf, sizeof buf) <= 0)
		return -1;
	v = strtol(buf, &end, 10);
	if (*end != '\0' || v < 0 || v > 0xffff)
		return -1;
	return (int)v;
}
