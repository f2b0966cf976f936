/*
 * replay.c - the replay capture source: a savefile played back as a live
 * capture (see replay-int.h for the device names).  The file is read with
 * the core's own savefile reader (an inner handle kept in priv); the outer
 * handle is a live handle in every respect: reads time out instead of
 * ending, pcap_breakloop wakes a blocked read, non-blocking mode and
 * pcap_get_selectable_fd work, pcap_stats counts.
 *
 * Time.  Each record is due at the moment rp_due_ns gives (the recorded
 * gaps divided by speed=).  A timerfd is kept armed for the next record's
 * due time (at once if it is due, disarmed when none is left), so the
 * selectable descriptor -- an epoll descriptor holding the timerfd, and
 * for a FIFO the FIFO too -- is readable exactly when a packet is due.
 * After the last record (and its last pass) the device is an idle
 * interface: reads time out, never "end of file".
 *
 * A FIFO is read as a stream: its records are due when they arrive (the
 * writer sets the pace, speed= does not apply); a record must reach the
 * FIFO in one write of at most PIPE_BUF bytes, so that a record that has
 * begun to arrive has arrived whole and reading it never blocks.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/timerfd.h>

#include "../savefile/savefile.h"
#include "replay-int.h"

/* One record read ahead of delivery, in a buffer of its own. */
struct rp_rec {
	struct pcap_pkthdr hdr;
	u_char *data;
	size_t room;
};

struct rp_priv {
	struct rp_opts opts;
	pcap_t *sf;		/* the inner savefile handle; NULL when shut */
	int stream;		/* a FIFO: records are due when they arrive */
	int stream_fd;		/* its descriptor, -1 once it hit its end */
	int timerfd, breakfd, epfd;
	int nonblock;
	unsigned passes;	/* passes begun */
	unsigned long pass_records;	/* records read in the current pass */
	int idle;		/* every pass done: nothing more will come */
	int64_t start_ns;	/* when the current pass began */
	int64_t first_ts_ns;	/* its first record's time stamp */
	int new_pass;		/* the next record starts a pass */
	int64_t last_due_ns;
	/* Two buffers: the record being delivered stays valid while the
	   next one is read ahead into the other. */
	struct rp_rec rec[2];
	int cur;		/* rec[cur] is pending when have */
	int have;
	int64_t due_ns;
	int err;		/* a read error to report at the next read */
	char errmsg[PCAP_ERRBUF_SIZE];
	struct pcap_stat stat;
};

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct rp_priv *
rp(pcap_t *p)
{
	return (struct rp_priv *)p->priv;
}

/* ---- the handle before activation ------------------------------------- */

static int rp_activate(pcap_t *p);

static void
created_cleanup(pcap_t *p)
{
	free(p->priv);
	p->priv = NULL;
}

static const struct pcap_ops rp_created_ops = {
	.activate = rp_activate,
	.cleanup = created_cleanup,
};

/* Ours when the name starts "replay:" or "replay,"; a bad option is
   reported by activate, so that pcap_create itself never fails on one. */
static int
rp_create(pcap_t *p)
{
	if (!rp_is_replay_name(p->opt.device))
		return 0;
	if (p->priv == NULL)
		p->priv = calloc(1, sizeof(struct rp_priv));
	p->ops = &rp_created_ops;
	return 1;
}

/*
 * No findalldevs: a replay device needs a path, so there is nothing to
 * list, and pcap_findalldevs stays what libpcap (tcpdump -D) shows.
 */
const struct cap_source replay_source = {
	.findalldevs = NULL,
	.create = rp_create,
};

/* ---- timer ------------------------------------------------------------- */

/* Make the timerfd (and so the selectable descriptor) readable exactly
   when the pending record is due; disarmed with none pending.  Setting
   it also drops earlier expirations. */
static void
rearm(pcap_t *p)
{
	struct rp_priv *rs = rp(p);
	struct itimerspec its;
	int flags = 0;

	memset(&its, 0, sizeof its);
	if (rs->have || rs->err) {
		if (rs->have && !rs->err && rs->due_ns > mono_ns()) {
			its.it_value.tv_sec = (time_t)(rs->due_ns / 1000000000);
			its.it_value.tv_nsec = (long)(rs->due_ns % 1000000000);
			flags = TFD_TIMER_ABSTIME;
		} else {
			its.it_value.tv_nsec = 1;	/* now */
		}
	}
	(void)timerfd_settime(rs->timerfd, flags, &its, NULL);
}

/* ---- reading ahead ----------------------------------------------------- */

static int
open_file(pcap_t *p, const char *path, pcap_t **out)
{
	struct rp_priv *rs = rp(p);
	struct stat sb;
	char ebuf[PCAP_ERRBUF_SIZE];
	FILE *fp = fopen(path, "rb");
	pcap_t *sf;

	if (fp == NULL) {
		int err = errno;

		core_fmt_errno(p->errbuf, err, "replay: %s", path);
		if (err == ENOENT || err == ENOTDIR)
			return PCAP_ERROR_NO_SUCH_DEVICE;
		if (err == EACCES || err == EPERM)
			return PCAP_ERROR_PERM_DENIED;
		return PCAP_ERROR;
	}
	rs->stream = fstat(fileno(fp), &sb) == 0 && S_ISFIFO(sb.st_mode);
	if (rs->stream) {
		/* Read only what a record needs, never ahead into the next. */
		setvbuf(fp, NULL, _IONBF, 0);
		sf = sf_open_stream(fp, (u_int)p->opt.tstamp_precision, ebuf);
	} else {
		sf = sf_open_fp(fp, (u_int)p->opt.tstamp_precision, 1, ebuf);
	}
	if (sf == NULL) {
		fclose(fp);
		core_fmt(p->errbuf, "replay: %s: %s", path, ebuf);
		return PCAP_ERROR;
	}
	*out = sf;
	return 0;
}

/* Another pass over a regular file, if loop= wants one: 1, 0 (done), or
   PCAP_ERROR. */
static int
next_pass(pcap_t *p)
{
	struct rp_priv *rs = rp(p);
	const char *path;
	size_t at;
	pcap_t *sf;
	int rc;

	/* A pass without a record ends it too: loop=0 on an empty file must
	   not reopen it for ever. */
	if (rs->stream || rs->pass_records == 0 ||
	    (rs->opts.loops != 0 && rs->passes >= rs->opts.loops))
		return 0;
	(void)rp_parse(p->opt.device, &rs->opts, &at, p->errbuf);
	path = p->opt.device + at;
	rc = open_file(p, path, &sf);
	if (rc != 0)
		return PCAP_ERROR;
	if (sf->linktype != p->linktype) {
		pcap_close(sf);
		core_fmt(p->errbuf, "replay: %s changed its link type", path);
		return PCAP_ERROR;
	}
	pcap_close(rs->sf);
	rs->sf = sf;
	rs->passes++;
	rs->pass_records = 0;
	rs->new_pass = 1;
	return 1;
}

/* Is a record of a FIFO there to read without blocking?  At its end (the
   writers gone) it leaves the epoll set, so that it stops waking us. */
static int
stream_ready(struct rp_priv *rs)
{
	struct pollfd pfd = { .fd = rs->stream_fd, .events = POLLIN };
	int avail = 0;

	if (rs->stream_fd < 0 || poll(&pfd, 1, 0) <= 0)
		return 0;
	if (ioctl(rs->stream_fd, FIONREAD, &avail) == 0 && avail > 0)
		return 1;
	if (pfd.revents & (POLLHUP | POLLERR)) {
		(void)epoll_ctl(rs->epfd, EPOLL_CTL_DEL, rs->stream_fd, NULL);
		rs->stream_fd = -1;
		rs->idle = 1;
	}
	return 0;
}

/* Copy the inner reader's record into rec, cut to the snapshot. */
static int
keep_record(pcap_t *p, struct rp_rec *rec, const struct pcap_pkthdr *h,
    const u_char *data)
{
	size_t caplen = h->caplen;

	if (caplen > (size_t)p->snapshot)
		caplen = (size_t)p->snapshot;
	if (caplen > rec->room) {
		u_char *d = realloc(rec->data, caplen);

		if (d == NULL) {
			core_fmt_errno(p->errbuf, errno, "malloc");
			return PCAP_ERROR;
		}
		rec->data = d;
		rec->room = caplen;
	}
	if (caplen > 0)
		memcpy(rec->data, data, caplen);
	rec->hdr = *h;
	rec->hdr.caplen = (bpf_u_int32)caplen;
	return 0;
}

/* Make sure a record is pending if one can be had without blocking:
   1 (rs->have), 0 (none now, or idle), PCAP_ERROR (p->errbuf). */
static int
read_ahead(pcap_t *p)
{
	struct rp_priv *rs = rp(p);
	struct pcap_pkthdr *h;
	const u_char *data;
	int nano = p->opt.tstamp_precision == PCAP_TSTAMP_PRECISION_NANO;

	if (rs->have)
		return 1;
	for (;;) {
		int rc;
		int64_t ts, now;
		struct rp_rec *rec;

		if (rs->idle || (rs->stream && !stream_ready(rs)))
			return 0;
		rc = pcap_next_ex(rs->sf, &h, &data);
		if (rc == PCAP_ERROR_BREAK) {		/* end of this pass */
			rc = next_pass(p);
			if (rc < 0)
				return rc;
			if (rc == 0)
				rs->idle = 1;
			continue;
		}
		if (rc < 0) {
			core_fmt(p->errbuf, "replay: %s", pcap_geterr(rs->sf));
			return PCAP_ERROR;
		}
		rs->pass_records++;
		rec = &rs->rec[!rs->cur];
		if (keep_record(p, rec, h, data) != 0)
			return PCAP_ERROR;
		rs->cur = !rs->cur;
		rs->have = 1;
		now = mono_ns();
		if (rs->stream) {
			rs->due_ns = now;
			return 1;
		}
		ts = rp_ts_ns((long)h->ts.tv_sec, (long)h->ts.tv_usec, nano);
		if (rs->new_pass) {
			/* A pass starts where the last one's pace left off. */
			rs->new_pass = 0;
			rs->first_ts_ns = ts;
			rs->start_ns = rs->last_due_ns > now ? rs->last_due_ns : now;
		}
		rs->due_ns = rp_due_ns(rs->start_ns, rs->first_ts_ns, ts,
		    rs->opts.speed_ppm);
		rs->last_due_ns = rs->due_ns;
		return 1;
	}
}

/* ---- the live operations ---------------------------------------------- */

static void
stamp_now(struct pcap_pkthdr *h, int nano)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	h->ts.tv_sec = ts.tv_sec;
	h->ts.tv_usec = (suseconds_t)(nano ? ts.tv_nsec : ts.tv_nsec / 1000);
}

/* A read error found while reading ahead for the selectable descriptor
   is kept and reported by the next read. */
static int
take_error(pcap_t *p)
{
	struct rp_priv *rs = rp(p);

	rs->err = 0;
	core_fmt(p->errbuf, "%s", rs->errmsg);
	rearm(p);
	return PCAP_ERROR;
}

static int
rp_read_ready(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	struct rp_priv *rs = rp(p);
	int n = 0, max = cnt > 0 ? cnt : INT_MAX;
	int nano = p->opt.tstamp_precision == PCAP_TSTAMP_PRECISION_NANO;
	int64_t now = mono_ns();

	if (rs->err)
		return take_error(p);
	while (n < max) {
		struct rp_rec *rec;
		int rc;

		if (p->break_loop) {
			p->break_loop = 0;
			rearm(p);
			return PCAP_ERROR_BREAK;
		}
		rc = read_ahead(p);
		if (rc < 0) {
			if (n == 0) {
				rearm(p);
				return rc;
			}
			/* Deliver what we have; the error comes next time. */
			rs->err = 1;
			core_fmt(rs->errmsg, "%s", p->errbuf);
			break;
		}
		if (rc == 0 || rs->due_ns > now)
			break;
		rec = &rs->rec[rs->cur];
		rs->have = 0;
		if (!core_passes_filter(p, &rec->hdr, rec->data))
			continue;
		if (rs->opts.ts_now)
			stamp_now(&rec->hdr, nano);
		/* Counted as a live capture counts what its filter passed. */
		rs->stat.ps_recv++;
		n++;
		cb(user, &rec->hdr, rec->data);
	}
	/* Read ahead so the timer knows the next due time; rec[cur] (just
	   delivered) stays valid, the record goes into the other buffer. */
	if (!rs->err && read_ahead(p) < 0) {
		rs->err = 1;
		core_fmt(rs->errmsg, "%s", p->errbuf);
	}
	rearm(p);
	if (p->break_loop) {
		p->break_loop = 0;
		return PCAP_ERROR_BREAK;
	}
	return n;
}

static int
rp_wait(pcap_t *p, int timeout_ms)
{
	struct rp_priv *rs = rp(p);
	struct pollfd fds[2];
	int rc;

	if (rs->err)
		return 1;
	if (read_ahead(p) < 0) {
		rs->err = 1;
		core_fmt(rs->errmsg, "%s", p->errbuf);
		return 1;
	}
	if (rs->have && rs->due_ns <= mono_ns())
		return 1;
	rearm(p);
	fds[0].fd = rs->epfd;
	fds[0].events = POLLIN;
	fds[1].fd = rs->breakfd;
	fds[1].events = POLLIN;
	fds[0].revents = fds[1].revents = 0;
	rc = poll(fds, 2, timeout_ms < 0 ? -1 : timeout_ms);
	if (rc < 0) {
		if (errno == EINTR)
			return CORE_WAIT_SIGNAL;
		core_fmt_errno(p->errbuf, errno, "replay: poll");
		return PCAP_ERROR;
	}
	if (fds[1].revents != 0) {
		rc = core_wake_take(p, rs->breakfd);
		if (rc != 0)
			return rc;
	}
	return fds[0].revents != 0;
}

static int
rp_read(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	struct rp_priv *rs = rp(p);
	int timeout = rs->nonblock ? 0 : p->opt.timeout > 0 ? p->opt.timeout : -1;

	return core_read_live(p, cnt, cb, user, timeout);
}

static int
rp_inject(pcap_t *p, const void *buf, size_t size)
{
	(void)buf;
	(void)size;
	core_fmt(p->errbuf, "Sending packets isn't supported on replay devices");
	return PCAP_ERROR;
}

/*
 * A savefile does not say which way a packet went, so only "both ways"
 * (every packet) can be honoured; asking for one direction is refused
 * rather than silently ignored.
 */
static int
rp_setdirection(pcap_t *p, pcap_direction_t d)
{
	if (d != PCAP_D_INOUT) {
		core_fmt(p->errbuf, "Setting direction to in or out is not "
		    "supported on replay devices");
		return PCAP_ERROR;
	}
	p->direction = d;
	return 0;
}

static int
rp_getnonblock(pcap_t *p)
{
	return rp(p)->nonblock;
}

static int
rp_setnonblock(pcap_t *p, int nonblock)
{
	rp(p)->nonblock = nonblock != 0;
	return 0;
}

static int
rp_stats(pcap_t *p, struct pcap_stat *ps)
{
	*ps = rp(p)->stat;
	return 0;
}

static void
rp_breakloop(pcap_t *p)
{
	if (rp(p) != NULL)
		core_wake_signal(rp(p)->breakfd);
}

/* Close everything activation opened; priv stays, zeroed, for a new
   activation. */
static void
release(pcap_t *p)
{
	struct rp_priv *rs = rp(p);

	if (rs == NULL)
		return;
	if (rs->sf != NULL)
		pcap_close(rs->sf);
	if (rs->timerfd >= 0)
		close(rs->timerfd);
	if (rs->breakfd >= 0)
		close(rs->breakfd);
	if (rs->epfd >= 0)
		close(rs->epfd);
	free(rs->rec[0].data);
	free(rs->rec[1].data);
	memset(rs, 0, sizeof *rs);
	p->fd = -1;
	p->selectable_fd = -1;
}

static void
rp_cleanup(pcap_t *p)
{
	release(p);
	created_cleanup(p);
}

static const struct pcap_ops rp_live_ops = {
	.activate = rp_activate,
	.read = rp_read,
	.read_ready = rp_read_ready,
	.wait = rp_wait,
	.inject = rp_inject,
	.setdirection = rp_setdirection,
	.getnonblock = rp_getnonblock,
	.setnonblock = rp_setnonblock,
	.stats = rp_stats,
	.breakloop = rp_breakloop,
	.cleanup = rp_cleanup,
};

/* ---- activation -------------------------------------------------------- */

static int
add_to_epoll(pcap_t *p, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	if (epoll_ctl(rp(p)->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		core_fmt_errno(p->errbuf, errno, "replay: epoll_ctl");
		return PCAP_ERROR;
	}
	return 0;
}

static int
rp_activate(pcap_t *p)
{
	struct rp_priv *rs = rp(p);
	size_t at;
	int rc, snap;

	if (rs == NULL) {
		core_fmt_errno(p->errbuf, ENOMEM, "malloc");
		return PCAP_ERROR;
	}
	memset(rs, 0, sizeof *rs);
	rs->timerfd = rs->breakfd = rs->epfd = rs->stream_fd = -1;
	if (rp_parse(p->opt.device, &rs->opts, &at, p->errbuf) != 0)
		return PCAP_ERROR;
	if (p->opt.rfmon)
		return PCAP_ERROR_RFMON_NOTSUP;
	rc = open_file(p, p->opt.device + at, &rs->sf);
	if (rc != 0)
		return rc;
	rs->passes = 1;
	rs->new_pass = 1;
	if (rs->stream)
		rs->stream_fd = fileno(rs->sf->rfile);

	rs->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	rs->breakfd = core_wake_open();
	rs->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (rs->timerfd < 0 || rs->breakfd < 0 || rs->epfd < 0) {
		core_fmt_errno(p->errbuf, errno, "replay: timerfd/eventfd/epoll");
		release(p);
		return PCAP_ERROR;
	}
	if (add_to_epoll(p, rs->timerfd) != 0 ||
	    (rs->stream && add_to_epoll(p, rs->stream_fd) != 0)) {
		release(p);
		return PCAP_ERROR;
	}

	/* The file's link type, the only one offered; promisc, immediate
	   mode and buffer_size have nothing to act on. */
	p->linktype = rs->sf->linktype;
	p->linktype_ext = rs->sf->linktype_ext;
	snap = rs->sf->snapshot > 0 && rs->sf->snapshot <= MAXIMUM_SNAPLEN ?
	    rs->sf->snapshot : MAXIMUM_SNAPLEN;
	if (p->snapshot > 0 && p->snapshot < snap)
		snap = p->snapshot;
	p->snapshot = snap;
	p->bufsize = snap;
	p->tstamp_precision = p->opt.tstamp_precision;
	rs->nonblock = p->opt.nonblock != 0;
	p->fd = rs->epfd;
	p->selectable_fd = rs->epfd;
	p->ops = &rp_live_ops;
	/* The first records may be due at once: say so to select(). */
	if (read_ahead(p) < 0) {
		rs->err = 1;
		core_fmt(rs->errmsg, "%s", p->errbuf);
		p->errbuf[0] = '\0';
	}
	rearm(p);
	return 0;
}
