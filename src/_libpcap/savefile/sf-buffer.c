/*
 * sf-buffer.c - the read buffer the savefile readers parse records from.
 *
 * On a regular file (or a memory stream) it reads ahead in large chunks, so
 * reading a capture costs one fread per chunk rather than two per packet.
 * On a pipe, socket or terminal it reads exactly the bytes asked for, as
 * libpcap does, so a reader fed live by "tcpdump -w -" sees each packet as
 * soon as it is written instead of waiting for a chunk to fill.  Each
 * read can be bracketed by the caller's hooks (sf_set_block_hooks in
 * savefile.h), which is how the Python extension releases its lock only
 * where reading can block.
 *
 * Regular files are read, not mapped: mmap was measured slower here
 * (page-table work and cache misses on first touch cost more than the
 * copy read(2) makes into a buffer that stays in the cache), and a
 * mapping turns a file truncated by another process into SIGBUS.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "savefile.h"
#include "sf-int.h"

#define SF_CHUNK	(256 * 1024)	/* read-ahead on regular files */
#define SF_MIN_CAP	(64 * 1024)	/* first allocation in exact mode */

int
sf_buf_init(struct sf_buf *b, FILE *fp, int exact, char *errbuf)
{
	struct stat sb;
	int fd = fileno(fp);

	(void)errbuf;
	memset(b, 0, sizeof *b);
	b->fp = fp;
	b->wakefd = -1;
	/* No descriptor: a memory stream, never blocking (unless the caller
	   says it is a stream that may: exact). */
	if (!exact && (fd < 0 || (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))))
		b->chunk = SF_CHUNK;
	return 0;
}

void
sf_buf_free(struct sf_buf *b)
{
	free(b->base);
	b->base = NULL;
	b->cap = b->pos = b->end = 0;
	if (b->wakefd >= 0)
		close(b->wakefd);
	b->wakefd = -1;
}

/*
 * Grow the allocation (first time: one chunk) towards holding n bytes:
 * doubling, but never past n plus one read-ahead chunk.
 */
static int
grow(struct sf_buf *b, size_t n, char *errbuf)
{
	size_t ncap = b->cap != 0 ? b->cap * 2 :
	    (b->chunk != 0 ? b->chunk : SF_MIN_CAP);
	u_char *nbase;

	/* Only called with cap < n, so this still grows. */
	if (b->cap != 0 && ncap > n + b->chunk)
		ncap = n + b->chunk;
	nbase = realloc(b->base, ncap);

	if (nbase == NULL) {
		core_fmt(errbuf, "out of memory");
		return -1;
	}
	b->base = nbase;
	b->cap = ncap;
	return 0;
}

/* Wait until fd has bytes (or an end) for a descriptor in non-blocking
   mode; errno as poll(2) leaves it. */
static int
wait_readable(struct sf_buf *b)
{
	struct pollfd pfd;
	int rc, err;

	pfd.fd = fileno(b->fp);
	pfd.events = POLLIN;
	if (b->leave != NULL)
		b->leave(b->hook_arg);
	rc = poll(&pfd, 1, -1);
	err = errno;
	if (b->enter != NULL)
		b->enter(b->hook_arg);
	errno = err;
	return rc < 0 ? -1 : 0;
}

/*
 * fread into [end, end + want) until want bytes or the end of the file;
 * -1 on a read error.  Bytes read before an error are kept, and the
 * stream's error flag is cleared, so that a later call carries on where
 * this one stopped.  A descriptor in non-blocking mode (EAGAIN) is waited
 * for; a read interrupted by a signal (EINTR) asks the interrupt hook,
 * which may go on (after the caller's signal handlers ran: PEP 475) or
 * stop it; without a hook it stops, as libpcap does.
 */
static ssize_t read_woken(struct sf_buf *b, size_t want, char *errbuf);

static ssize_t
read_more(struct sf_buf *b, size_t want, char *errbuf)
{
	size_t got, total = 0;
	int err;

	if (b->wakefd >= 0 && b->chunk == 0 && fileno(b->fp) >= 0)
		return read_woken(b, want, errbuf);
	for (;;) {
		if (b->leave != NULL)
			b->leave(b->hook_arg);
		got = fread(b->base + b->end, 1, want - total, b->fp);
		err = errno;
		if (b->enter != NULL)
			b->enter(b->hook_arg);
		b->end += got;
		total += got;
		if (total == want || !ferror(b->fp))
			return (ssize_t)total;	/* done, or end of file */
		clearerr(b->fp);
		if (err == EAGAIN || err == EWOULDBLOCK) {
			if (wait_readable(b) == 0)
				continue;
			err = errno;
		}
		if (err == EINTR && b->interrupted != NULL &&
		    b->interrupted(b->intr_arg) == 0)
			continue;
		core_fmt_errno(errbuf, err, "error reading dump file");
		return -1;
	}
}

/*
 * read_more for an unbuffered stream with a wake-up descriptor (pipes read
 * by the Python extension): read(2) only once poll(2) says there is
 * something, so that a write to wakefd (Reader.close() from another
 * thread) ends the wait, with ECANCELED, even in the middle of a record.
 */
static ssize_t
read_woken(struct sf_buf *b, size_t want, char *errbuf)
{
	struct pollfd pfd[2];
	size_t total = 0;
	int err = 0;

	pfd[0].fd = fileno(b->fp);
	pfd[0].events = POLLIN;
	pfd[1].fd = b->wakefd;
	pfd[1].events = POLLIN;
	while (total < want) {
		ssize_t n;
		int rc;

		if (b->leave != NULL)
			b->leave(b->hook_arg);
		rc = poll(pfd, 2, -1);
		n = -1;
		if (rc > 0 && pfd[1].revents == 0)
			n = read(pfd[0].fd, b->base + b->end, want - total);
		err = errno;
		if (b->enter != NULL)
			b->enter(b->hook_arg);
		if (rc > 0 && pfd[1].revents != 0) {
			err = ECANCELED;
			break;
		}
		if (n > 0) {
			b->end += (size_t)n;
			total += (size_t)n;
			continue;
		}
		if (rc > 0 && n == 0)
			return (ssize_t)total;		/* end of file */
		if (err == EAGAIN || err == EWOULDBLOCK)
			continue;
		if (err == EINTR && b->interrupted != NULL &&
		    b->interrupted(b->intr_arg) == 0)
			continue;
		break;
	}
	if (total == want)
		return (ssize_t)total;
	core_fmt_errno(errbuf, err, "error reading dump file");
	return -1;
}

ssize_t
sf_buf_fill(struct sf_buf *b, size_t n, char *errbuf)
{
	size_t avail = b->end - b->pos;

	if (avail >= n)
		return (ssize_t)avail;
	if (b->pos != 0) {
		memmove(b->base, b->base + b->pos, avail);
		b->pos = 0;
		b->end = avail;
	}
	while (b->end < n) {
		size_t want;
		ssize_t got;

		/* Grow only once the buffer is full of real data. */
		if (b->end == b->cap && grow(b, n, errbuf) < 0)
			return -1;
		if (b->chunk != 0)
			want = b->cap - b->end;
		else
			want = (n < b->cap ? n : b->cap) - b->end;
		got = read_more(b, want, errbuf);
		if (got < 0)
			return -1;
		if ((size_t)got < want)
			break;		/* end of file */
	}
	return (ssize_t)(b->end - b->pos);
}

ssize_t
sf_buf_skip(struct sf_buf *b, size_t n, char *errbuf)
{
	size_t avail = b->end - b->pos;
	size_t done = avail < n ? avail : n;

	b->pos += done;
	while (done < n) {
		size_t want, take;
		ssize_t got;

		/* The buffer is empty here: reuse it as the discard area. */
		b->pos = b->end = 0;
		if (b->cap == 0 && grow(b, 0, errbuf) < 0)
			return -1;
		want = b->cap;
		if (b->chunk == 0 && n - done < want)
			want = n - done;
		got = read_more(b, want, errbuf);
		if (got < 0)
			return -1;
		take = (size_t)got < n - done ? (size_t)got : n - done;
		b->pos = take;
		done += take;
		if ((size_t)got < want)
			break;		/* end of file */
	}
	return (ssize_t)done;
}

int
sf_set_read_hooks(pcap_t *p, const struct core_read_hooks *h)
{
	struct sf_buf *b = &((struct sf_state *)p->priv)->in;

	/* Both or neither: a lone half would unbalance the caller's lock. */
	b->leave = h->leave != NULL && h->enter != NULL ? h->leave : NULL;
	b->enter = b->leave != NULL ? h->enter : NULL;
	b->hook_arg = h->arg;
	b->interrupted = h->interrupted;
	b->intr_arg = h->arg;
	if (h->wakeable && b->wakefd < 0) {
		b->wakefd = core_wake_open();
		if (b->wakefd < 0) {
			core_fmt_errno(p->errbuf, errno, "eventfd");
			return PCAP_ERROR;
		}
	}
	return 0;
}

void
sf_breakloop(pcap_t *p)
{
	struct sf_state *st = p->priv;

	/* Wake a read blocked on the stream (read_woken). */
	if (st != NULL)
		core_wake_signal(st->in.wakefd);
}
