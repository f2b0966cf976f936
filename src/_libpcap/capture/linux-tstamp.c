/*
 * linux-tstamp.c - time stamp types of a Linux device.  At pcap_create the
 * driver is asked (ETHTOOL_GET_TS_INFO) which kinds it can stamp every
 * packet with, giving the list pcap_list_tstamp_types hands out before
 * activation; at activation an adapter type is turned on with
 * SIOCSHWTSTAMP and PACKET_TIMESTAMP, with libpcap's warnings and errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <net/if.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>

#include "linux-int.h"

/* SOF_TIMESTAMPING_ capability -> pcap time stamp type, in list order. */
static const struct {
	unsigned sof;
	int type;
} ts_map[] = {
	{ SOF_TIMESTAMPING_SOFTWARE, PCAP_TSTAMP_HOST },
	{ SOF_TIMESTAMPING_SYS_HARDWARE, PCAP_TSTAMP_ADAPTER },
	{ SOF_TIMESTAMPING_RAW_HARDWARE, PCAP_TSTAMP_ADAPTER_UNSYNCED },
};
#define TS_MAP_LEN ((int)(sizeof ts_map / sizeof ts_map[0]))

static void
set_list(pcap_t *p, unsigned sof_mask, int all)
{
	int i, n = 0;
	int *list = malloc(sizeof *list * TS_MAP_LEN);

	if (list == NULL)
		return;		/* no list: host time stamps only */
	for (i = 0; i < TS_MAP_LEN; i++)
		if (all || (sof_mask & ts_map[i].sof))
			list[n++] = ts_map[i].type;
	if (n == 0) {
		free(list);
		return;
	}
	free(p->tstamp_type_list);
	p->tstamp_type_list = list;
	p->tstamp_type_count = n;
}

void
lnx_tstamp_types(pcap_t *p, const char *device)
{
	struct ethtool_ts_info info;
	int fd, err;

	/* Nobody can turn hardware stamping on for every device at once. */
	if (strcmp(device, "any") == 0 || strlen(device) >= IFNAMSIZ)
		return;
	fd = lnx_ioctl_socket();
	if (fd < 0)
		return;
	memset(&info, 0, sizeof info);
	info.cmd = ETHTOOL_GET_TS_INFO;
	if (lnx_ethtool(fd, device, &info) == -1) {
		err = errno;
		close(fd);
		/* A driver that cannot say gets offered every type, as
		   libpcap does; a missing device shows up at activation. */
		if (err == EOPNOTSUPP || err == EINVAL)
			set_list(p, 0, 1);
		return;
	}
	close(fd);
	/* Only stamping of *all* packets is of use to a capture. */
	if (!(info.rx_filters & (1u << HWTSTAMP_FILTER_ALL)))
		return;
	set_list(p, info.so_timestamping, 0);
}

int
lnx_tstamp_activate(pcap_t *p)
{
	struct hwtstamp_config cfg;
	struct ifreq ifr;
	int source;

	if (p->opt.tstamp_type != PCAP_TSTAMP_ADAPTER &&
	    p->opt.tstamp_type != PCAP_TSTAMP_ADAPTER_UNSYNCED)
		return 0;
	memset(&cfg, 0, sizeof cfg);
	cfg.tx_type = HWTSTAMP_TX_ON;
	cfg.rx_filter = HWTSTAMP_FILTER_ALL;
	lnx_ifr_init(&ifr, p->opt.device);
	ifr.ifr_data = (void *)&cfg;
	if (ioctl(p->fd, SIOCSHWTSTAMP, &ifr) < 0) {
		switch (errno) {
		case EPERM:
			core_fmt(p->errbuf, "Attempt to set hardware timestamp "
			    "failed - CAP_NET_ADMIN may be required");
			return PCAP_ERROR_PERM_DENIED;
		case EOPNOTSUPP:
		case ERANGE:
			/* Not for every packet: fall back to host stamps. */
			return PCAP_WARNING_TSTAMP_TYPE_NOTSUP;
		default:
			core_fmt_errno(p->errbuf, errno, "SIOCSHWTSTAMP failed");
			return PCAP_ERROR;
		}
	}
	source = p->opt.tstamp_type == PCAP_TSTAMP_ADAPTER ?
	    SOF_TIMESTAMPING_SYS_HARDWARE : SOF_TIMESTAMPING_RAW_HARDWARE;
	if (setsockopt(p->fd, SOL_PACKET, PACKET_TIMESTAMP, &source,
	    sizeof source) != 0) {
		core_fmt_errno(p->errbuf, errno, "can't set PACKET_TIMESTAMP");
		return PCAP_ERROR;
	}
	p->tstamp_type = p->opt.tstamp_type;
	return 0;
}
