/*
 * capture.c - libpcap.Capture, a live capture on a network interface:
 * reading, waiting, stopping and closing, and the operations on a running
 * capture.  Opening it (options, pcap_create, the setters, pcap_activate)
 * is in capture_open.c; devices() is in devices.c.
 *
 * Packets are read in batches into a stage the Capture owns (as the Reader
 * does) while the GIL is released, and handed out as Packet objects with
 * the GIL held.
 *
 * Waiting.  The core handle is kept non-blocking; the Capture does its own
 * waiting with poll() on the capture socket and an eventfd of its own.
 * That gives the native API what it promises without touching the core:
 *   - a read with a timeout ends on time, whatever the handle's timeout_ms;
 *   - stop() and close() from any thread write the eventfd and wake a
 *     blocked read at once;
 *   - the wait is cut in slices of at most 100 ms (and ends on EINTR), so
 *     that pending signals are checked: Ctrl-C becomes KeyboardInterrupt.
 * Under load a ring block is ready whenever we look, and a batch costs no
 * system call at all.
 *
 * Threads.  One thread reads at a time (another read raises RuntimeError);
 * stats(), inject(), stop(), close(), fileno() and the attributes may be
 * used from any thread meanwhile.  Every call that enters the core without
 * the GIL counts itself in `inflight`; close() marks the handle closing,
 * wakes the reader and waits, letting go of the GIL, until inflight is 0
 * before pcap_close.  The stage's memory lives until the object dies, so a
 * close that happens while packets are being handed out frees nothing that
 * is in use.
 */
#include "live.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

/* One batch: enough to amortise the GIL round trip. */
#define STAGE_PKTS 512
/* Past this many bytes a batch ends early (the callback breaks the loop). */
#define STAGE_SOFT_BYTES (1024 * 1024)
/* Longest wait between two looks at pending signals, ms. */
#define SLICE_MS 100
#define NS_PER_S 1000000000LL

typedef struct {
	int64_t sec;
	uint32_t nsec;
	uint32_t caplen;
	uint32_t wirelen;
	uint32_t pad_;
	size_t off;
} cap_rec;

typedef struct {
	PyObject_HEAD
	PyObject *module;	/* strong: keeps st valid */
	ext_state *st;
	pcap_t *p;		/* NULL once closed */
	PyObject *device;	/* str */
	PyObject *weakreflist;
	int wakefd;		/* eventfd: stop() and close() wake a read */
	int nano;		/* the core delivers nanoseconds */
	int timeout_ms;
	int user_nonblock;	/* set_nonblock(True): reads never wait */
	int reading;		/* a thread is in a read (GIL-protected) */
	int inflight;		/* threads inside the core without the GIL */
	int stop_req;		/* stop() asked; read without the GIL too */
	int closing;		/* close() began; read without the GIL too */
	/* results of the last fill (written without the GIL by the reader) */
	int fill_selfbreak;
	int fill_nomem;
	int pend_code;		/* error to raise at the next read, 0 if none */
	int pend_nomem;
	char pend_msg[PCAP_ERRBUF_SIZE];
	/* the stage */
	cap_rec *recs;
	size_t nrec, pos;
	unsigned char *data;
	size_t dlen, dcap;
} ext_capture;

static inline int
load_flag(const int *f)
{
	return __atomic_load_n(f, __ATOMIC_ACQUIRE);
}

static inline void
store_flag(int *f, int v)
{
	__atomic_store_n(f, v, __ATOMIC_RELEASE);
}

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* ---- the stage (filled without the GIL) -------------------------------- */

static int
stage_reserve(ext_capture *c, size_t more)
{
	size_t need = c->dlen + more, cap;
	unsigned char *nd;

	if (c->data != NULL && need <= c->dcap)
		return 0;
	cap = c->dcap ? c->dcap : STAGE_SOFT_BYTES + 65536;
	while (cap < need)
		cap *= 2;
	nd = PyMem_RawRealloc(c->data, cap);
	if (nd == NULL)
		return -1;
	c->data = nd;
	c->dcap = cap;
	return 0;
}

static void
stage_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *d)
{
	ext_capture *c = (ext_capture *)user;
	cap_rec *rec;
	int64_t sec = (int64_t)h->ts.tv_sec;
	long long frac = (long long)h->ts.tv_usec;

	/* pcap_dispatch's count keeps nrec below STAGE_PKTS; be safe anyway. */
	if (c->nrec >= STAGE_PKTS || stage_reserve(c, h->caplen) < 0) {
		c->fill_nomem = c->nrec < STAGE_PKTS;
		pcap_breakloop(c->p);
		return;
	}
	if (!c->nano)
		frac *= 1000;
	if (frac < 0 || frac >= NS_PER_S) {
		sec += frac / NS_PER_S;
		frac %= NS_PER_S;
		if (frac < 0) {
			frac += NS_PER_S;
			sec -= 1;
		}
	}
	rec = &c->recs[c->nrec++];
	rec->sec = sec;
	rec->nsec = (uint32_t)frac;
	rec->caplen = h->caplen;
	rec->wirelen = h->len;
	rec->off = c->dlen;
	if (h->caplen != 0)
		memcpy(c->data + c->dlen, d, h->caplen);
	c->dlen += h->caplen;
	if (c->dlen >= STAGE_SOFT_BYTES) {
		/* End the batch here; the rest stays in the ring. */
		c->fill_selfbreak = 1;
		pcap_breakloop(c->p);
	}
}

static void
save_error(ext_capture *c, int code, const char *msg)
{
	c->pend_code = code;
	snprintf(c->pend_msg, sizeof c->pend_msg, "%s", msg ? msg : "");
}

enum { F_PACKETS, F_EMPTY, F_SLICE, F_SIGNAL, F_WAKE, F_ERROR };

/*
 * Fill the (empty) stage with up to cnt packets.  wait_ms < 0: look once.
 * Otherwise wait up to wait_ms for packets, waking early for the eventfd
 * (F_WAKE) or a signal (F_SIGNAL).  Runs without the GIL.
 */
static int
capture_fill(ext_capture *c, int cnt, int wait_ms)
{
	int64_t end = wait_ms > 0 ? mono_ns() + (int64_t)wait_ms * 1000000 : 0;
	struct pollfd fds[2];

	c->nrec = c->pos = 0;
	c->dlen = 0;
	if (cnt <= 0 || cnt > STAGE_PKTS)
		cnt = STAGE_PKTS;
	for (;;) {
		const struct timeval *req;
		int64_t left;
		int rc, t;

		c->fill_selfbreak = 0;
		c->fill_nomem = 0;
		rc = pcap_dispatch(c->p, cnt, stage_cb, (u_char *)c);
		if (c->fill_nomem) {
			c->pend_nomem = 1;
			return c->nrec > 0 ? F_PACKETS : F_ERROR;
		}
		if (rc < 0 && rc != PCAP_ERROR_BREAK)
			save_error(c, rc, pcap_geterr(c->p));
		if (c->nrec > 0)
			return F_PACKETS;	/* an error waits for the next call */
		if (c->pend_code)
			return F_ERROR;
		if (wait_ms < 0)
			return F_EMPTY;
		if (load_flag(&c->stop_req) || load_flag(&c->closing))
			return F_WAKE;
		left = wait_ms == 0 ? 0 : (end - mono_ns()) / 1000000;
		if (wait_ms > 0 && left <= 0)
			return F_SLICE;
		t = (int)left;
		/* The core may need to look at an interface that went down. */
		req = pcap_get_required_select_timeout(c->p);
		if (req != NULL) {
			long r = (long)req->tv_sec * 1000 + (req->tv_usec + 999) / 1000;

			if (r < 1)
				r = 1;
			if (r < t)
				t = (int)r;
		}
		fds[0].fd = pcap_get_selectable_fd(c->p);
		fds[0].events = POLLIN;
		fds[0].revents = 0;
		fds[1].fd = c->wakefd;
		fds[1].events = POLLIN;
		fds[1].revents = 0;
		rc = poll(fds, 2, t);
		if (rc < 0) {
			if (errno == EINTR)
				return F_SIGNAL;
			snprintf(c->pend_msg, sizeof c->pend_msg,
				 "can't poll on packet socket: %s", strerror(errno));
			c->pend_code = PCAP_ERROR;
			return F_ERROR;
		}
		if (fds[1].revents != 0)
			return F_WAKE;
		/* Readable (or an error the core will report): read again. */
	}
}

/* ---- handing out ------------------------------------------------------- */

static void
drain_wakefd(ext_capture *c)
{
	uint64_t v;

	if (c->wakefd >= 0) {
		ssize_t n = read(c->wakefd, &v, sizeof v);
		(void)n;
	}
}

static void
wake(ext_capture *c)
{
	uint64_t one = 1;

	if (c->wakefd >= 0) {
		ssize_t n = write(c->wakefd, &one, sizeof one);
		(void)n;
	}
}

static PyObject *
raise_pending(ext_capture *c)
{
	int code = c->pend_code;

	c->pend_code = 0;
	if (c->pend_nomem) {
		c->pend_nomem = 0;
		return PyErr_NoMemory();
	}
	return ext_live_raise_msg(c->st, code, c->pend_msg);
}

/* Why a batch came back empty. */
enum { W_NONE, W_TIMEOUT, W_STOPPED, W_CLOSED };

static int
is_closed(ext_capture *c)
{
	return c->p == NULL || c->closing;
}

/*
 * Stage a batch of up to `limit` packets (the stage is empty).  deadline
 * is a mono_ns() time, or -1 to wait for as long as it takes; nowait:
 * only look (non-blocking mode).  Returns 1 (packets staged), 0 (none;
 * *why says why) or -1 (exception set).
 */
static int
capture_get_batch(ext_capture *c, Py_ssize_t limit, int64_t deadline,
		  int nowait, int *why)
{
	int tried = 0;

	*why = W_NONE;
	if (limit <= 0 || limit > STAGE_PKTS)
		limit = STAGE_PKTS;
	for (;;) {
		int st, wait;

		if (is_closed(c)) {
			*why = W_CLOSED;
			return 0;
		}
		if (c->stop_req) {
			store_flag(&c->stop_req, 0);
			drain_wakefd(c);
			*why = W_STOPPED;
			return 0;
		}
		if (c->pend_code || c->pend_nomem) {
			raise_pending(c);
			return -1;
		}
		/* A signal handler that ran below may have read for us. */
		if (c->pos < c->nrec)
			return 1;
		if (nowait) {
			if (tried)
				return 0;
			wait = -1;
		} else if (deadline >= 0) {
			int64_t left = deadline - mono_ns();

			if (left <= 0) {
				if (tried) {
					*why = W_TIMEOUT;
					return 0;
				}
				wait = -1;	/* timeout 0: one look */
			} else {
				int64_t ms = (left + 999999) / 1000000;

				wait = ms < SLICE_MS ? (int)ms : SLICE_MS;
			}
		} else {
			wait = c->timeout_ms > 0 && c->timeout_ms < SLICE_MS ?
			       c->timeout_ms : SLICE_MS;
		}
		c->reading = 1;
		c->inflight++;
		Py_BEGIN_ALLOW_THREADS
		st = capture_fill(c, (int)limit, wait);
		Py_END_ALLOW_THREADS
		c->inflight--;
		c->reading = 0;
		tried = 1;
		if (c->closing) {
			c->nrec = c->pos = 0;
			*why = W_CLOSED;
			return 0;
		}
		switch (st) {
		case F_PACKETS:
			return 1;
		case F_EMPTY:
			if (deadline >= 0 && !nowait)
				*why = W_TIMEOUT;
			return 0;
		case F_ERROR:
			raise_pending(c);
			return -1;
		case F_WAKE:
			if (!c->stop_req && !c->closing)
				drain_wakefd(c);	/* stale: never spin */
			break;
		default:	/* F_SIGNAL, F_SLICE */
			if (PyErr_CheckSignals() < 0)
				return -1;
			break;
		}
	}
}

static inline PyObject *
take(ext_capture *c)
{
	cap_rec *rec = &c->recs[c->pos++];

	return ext_packet_new(c->st, rec->sec, rec->nsec, c->data + rec->off,
			      rec->caplen, rec->wirelen);
}

/* Usable for a read?  ValueError / RuntimeError if not. */
static int
check_open(ext_capture *c)
{
	if (is_closed(c)) {
		ext_raise_closed("Capture");
		return -1;
	}
	return 0;
}

static int
check_idle(ext_capture *c)
{
	if (check_open(c) < 0)
		return -1;
	if (c->reading) {
		ext_raise_busy("Capture");
		return -1;
	}
	return 0;
}

/* timeout argument (seconds, None = no limit) -> deadline or -1. */
static int
parse_timeout(PyObject *o, int64_t *deadline)
{
	double t;

	*deadline = -1;
	if (o == NULL || o == Py_None)
		return 0;
	t = PyFloat_AsDouble(o);
	if (t == -1.0 && PyErr_Occurred())
		return -1;
	if (t != t) {
		PyErr_SetString(PyExc_ValueError, "timeout must not be NaN");
		return -1;
	}
	if (t < 0)
		t = 0;
	if (t > 1e9)
		return 0;	/* ~31 years: no limit */
	*deadline = mono_ns() + (int64_t)(t * 1e9);
	return 0;
}

/* n argument (None or < 0: one batch). */
static int
parse_count(PyObject *o, Py_ssize_t *n)
{
	*n = -1;
	if (o == NULL || o == Py_None)
		return 0;
	*n = PyNumber_AsSsize_t(o, PyExc_OverflowError);
	if (*n == -1 && PyErr_Occurred())
		return -1;
	return 0;
}

/* ---- iteration and reads ----------------------------------------------- */

static PyObject *
capture_iter(PyObject *self)
{
	if (check_open((ext_capture *)self) < 0)
		return NULL;
	return Py_NewRef(self);
}

static PyObject *
capture_iternext(PyObject *self)
{
	ext_capture *c = (ext_capture *)self;
	int rc, why;

	if (c->pos < c->nrec && !c->reading && !c->stop_req && !is_closed(c))
		return take(c);
	/* A Capture closed (e.g. by another thread) ends the iteration. */
	if (is_closed(c))
		return NULL;
	if (c->reading)
		return ext_raise_busy("Capture");
	if (c->stop_req) {
		store_flag(&c->stop_req, 0);
		drain_wakefd(c);
		return NULL;
	}
	if (c->pos < c->nrec)
		return take(c);
	rc = capture_get_batch(c, -1, -1, c->user_nonblock, &why);
	if (rc <= 0)
		return NULL;	/* StopIteration, or the exception */
	return take(c);
}

static const char *const read_kwlist[] = {"n", "timeout", NULL};

static int
parse_read_args(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
		const char *fname, Py_ssize_t *n, int64_t *deadline)
{
	PyObject *vals[2] = {NULL, NULL};
	Py_ssize_t i, nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;

	if (nargs > 2) {
		PyErr_Format(PyExc_TypeError,
			     "%s() takes at most 2 arguments (%zd given)", fname,
			     nargs);
		return -1;
	}
	for (i = 0; i < nargs; i++)
		vals[i] = args[i];
	for (i = 0; i < nkw; i++) {
		PyObject *key = PyTuple_GET_ITEM(kwnames, i);
		int j, found = 0;

		for (j = 0; j < 2; j++) {
			if (PyUnicode_CompareWithASCIIString(key, read_kwlist[j]) == 0) {
				if (vals[j] != NULL) {
					PyErr_Format(PyExc_TypeError,
						     "%s() got multiple values for "
						     "argument '%s'", fname,
						     read_kwlist[j]);
					return -1;
				}
				vals[j] = args[nargs + i];
				found = 1;
			}
		}
		if (!found) {
			PyErr_Format(PyExc_TypeError,
				     "%s() got an unexpected keyword argument '%U'",
				     fname, key);
			return -1;
		}
	}
	if (parse_count(vals[0], n) < 0 || parse_timeout(vals[1], deadline) < 0)
		return -1;
	return 0;
}

/* Stage packets for a read() unless some are staged already.  1, 0, -1. */
static int
read_prepare(ext_capture *c, Py_ssize_t n, int64_t deadline)
{
	int why;

	if (c->stop_req) {
		store_flag(&c->stop_req, 0);
		drain_wakefd(c);
		return 0;
	}
	if (c->pos < c->nrec)
		return 1;
	return capture_get_batch(c, n, deadline, c->user_nonblock, &why);
}

/* read(n=-1, timeout=None) */
static PyObject *
capture_read(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
	     PyObject *kwnames)
{
	ext_capture *c = (ext_capture *)self;
	Py_ssize_t n, got = 0;
	int64_t deadline;
	PyObject *list;
	int rc;

	if (parse_read_args(args, nargs, kwnames, "read", &n, &deadline) < 0)
		return NULL;
	if (check_idle(c) < 0)
		return NULL;
	list = PyList_New(0);
	if (list == NULL)
		return NULL;
	if (n == 0)
		return list;
	rc = read_prepare(c, n, deadline);
	if (rc < 0) {
		Py_DECREF(list);
		return NULL;
	}
	while (rc > 0 && c->pos < c->nrec && (n < 0 || got < n)) {
		PyObject *pkt = take(c);

		if (pkt == NULL || PyList_Append(list, pkt) < 0) {
			Py_XDECREF(pkt);
			Py_DECREF(list);
			return NULL;
		}
		Py_DECREF(pkt);
		got++;
	}
	return list;
}

/* read_buffer(n=-1, timeout=None) -> (data, index) */
static PyObject *
capture_read_buffer(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
		    PyObject *kwnames)
{
	ext_capture *c = (ext_capture *)self;
	Py_ssize_t n, take_n = 0, i;
	int64_t deadline;
	PyObject *data = NULL, *index = NULL, *view, *res;
	size_t bytes = 0;
	int64_t *row;
	cap_rec *first;
	int rc;

	if (parse_read_args(args, nargs, kwnames, "read_buffer", &n, &deadline) < 0)
		return NULL;
	if (check_idle(c) < 0)
		return NULL;
	rc = n == 0 ? 0 : read_prepare(c, n, deadline);
	if (rc < 0)
		return NULL;
	if (rc > 0) {
		take_n = (Py_ssize_t)(c->nrec - c->pos);
		if (n >= 0 && take_n > n)
			take_n = n;
	}
	first = take_n > 0 ? &c->recs[c->pos] : NULL;
	if (take_n > 0)
		bytes = first[take_n - 1].off + first[take_n - 1].caplen - first->off;
	data = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)bytes);
	index = PyBytes_FromStringAndSize(NULL, take_n * 4 *
					  (Py_ssize_t)sizeof(int64_t));
	if (data == NULL || index == NULL)
		goto fail;
	if (bytes != 0)
		memcpy(PyBytes_AS_STRING(data), c->data + first->off, bytes);
	row = (int64_t *)PyBytes_AS_STRING(index);
	for (i = 0; i < take_n; i++, row += 4) {
		cap_rec *rec = &first[i];
		__int128 ts = (__int128)rec->sec * 1000000000 + rec->nsec;

		if (ts < INT64_MIN || ts > INT64_MAX) {
			/* as Reader.read_buffer: consumed, never stuck on */
			c->pos += (size_t)i + 1;
			ext_raise(c->st->PcapError, PCAP_ERROR,
				  "a packet's time stamp is outside what a "
				  "signed 64-bit ts_ns holds");
			goto fail;
		}
		row[0] = (int64_t)ts;
		row[1] = rec->caplen;
		row[2] = rec->wirelen;
		row[3] = (int64_t)(rec->off - first->off);
	}
	c->pos += (size_t)take_n;
	view = PyMemoryView_FromObject(index);
	Py_CLEAR(index);
	if (view == NULL)
		goto fail;
	res = PyObject_CallMethodOneArg(view, c->st->s_cast, c->st->s_q);
	Py_DECREF(view);
	if (res == NULL)
		goto fail;
	return Py_BuildValue("(NN)", data, res);
fail:
	Py_XDECREF(data);
	Py_XDECREF(index);
	return NULL;
}

/* _read_nowait() -> list, or None once stop() or close() ended reading.
   For the asyncio helper: never waits. */
static PyObject *
capture_read_nowait(PyObject *self, PyObject *unused)
{
	ext_capture *c = (ext_capture *)self;
	PyObject *list;
	int rc, why = W_NONE;

	(void)unused;
	if (is_closed(c))
		Py_RETURN_NONE;
	if (c->reading)
		return ext_raise_busy("Capture");
	if (c->stop_req) {
		store_flag(&c->stop_req, 0);
		drain_wakefd(c);
		Py_RETURN_NONE;
	}
	if (c->pos < c->nrec) {
		rc = 1;
	} else {
		rc = capture_get_batch(c, -1, -1, 1, &why);
	}
	if (rc < 0)
		return NULL;
	if (rc == 0 && (why == W_STOPPED || why == W_CLOSED))
		Py_RETURN_NONE;
	list = PyList_New(0);
	while (list != NULL && c->pos < c->nrec) {
		PyObject *pkt = take(c);

		if (pkt == NULL || PyList_Append(list, pkt) < 0) {
			Py_XDECREF(pkt);
			Py_CLEAR(list);
		} else {
			Py_DECREF(pkt);
		}
	}
	return list;
}

static PyObject *
capture_wake_fd(PyObject *self, PyObject *unused)
{
	(void)unused;
	return PyLong_FromLong(((ext_capture *)self)->wakefd);
}

/* ---- stopping and closing ---------------------------------------------- */

static PyObject *
capture_stop(PyObject *self, PyObject *unused)
{
	ext_capture *c = (ext_capture *)self;

	(void)unused;
	if (!is_closed(c)) {
		store_flag(&c->stop_req, 1);
		wake(c);
	}
	Py_RETURN_NONE;
}

static void
capture_close_now(ext_capture *c)
{
	static const struct timespec pause = {0, 100000};

	store_flag(&c->closing, 1);
	wake(c);
	/* Whoever is inside the core leaves it soon: the eventfd woke it, or
	   its call does not block.  The GIL must go for it to come back. */
	while (c->inflight > 0) {
		Py_BEGIN_ALLOW_THREADS
		nanosleep(&pause, NULL);
		Py_END_ALLOW_THREADS
	}
	if (c->p != NULL) {
		pcap_t *p = c->p;

		/* Closing a packet socket waits for an RCU grace period (tens
		   of ms): not with the GIL.  p is out of reach of other calls
		   already; a second close() waits for this one (inflight). */
		c->p = NULL;
		c->inflight++;
		Py_BEGIN_ALLOW_THREADS
		pcap_close(p);
		Py_END_ALLOW_THREADS
		c->inflight--;
	}
	c->nrec = c->pos = 0;
	c->pend_code = 0;
	c->pend_nomem = 0;
}

static PyObject *
capture_close(PyObject *self, PyObject *unused)
{
	(void)unused;
	capture_close_now((ext_capture *)self);
	Py_RETURN_NONE;
}

static PyObject *
capture_enter(PyObject *self, PyObject *unused)
{
	(void)unused;
	if (check_open((ext_capture *)self) < 0)
		return NULL;
	return Py_NewRef(self);
}

static PyObject *
capture_exit(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
	(void)args;
	(void)nargs;
	return capture_close(self, NULL);
}

/* ---- operations on the running capture --------------------------------- */

static PyObject *
capture_stats(PyObject *self, PyObject *unused)
{
	ext_capture *c = (ext_capture *)self;
	struct pcap_stat ps;
	PyObject *res;

	(void)unused;
	if (check_open(c) < 0)
		return NULL;
	memset(&ps, 0, sizeof ps);
	if (pcap_stats(c->p, &ps) < 0)
		return ext_live_raise(c->st, c->p, PCAP_ERROR);
	res = PyStructSequence_New(c->st->CaptureStatsType);
	if (res == NULL)
		return NULL;
	PyStructSequence_SET_ITEM(res, 0, PyLong_FromUnsignedLong(ps.ps_recv));
	PyStructSequence_SET_ITEM(res, 1, PyLong_FromUnsignedLong(ps.ps_drop));
	PyStructSequence_SET_ITEM(res, 2, PyLong_FromUnsignedLong(ps.ps_ifdrop));
	if (PyErr_Occurred()) {
		Py_DECREF(res);
		return NULL;
	}
	return res;
}

static PyObject *
capture_inject(PyObject *self, PyObject *arg)
{
	ext_capture *c = (ext_capture *)self;
	Py_buffer view;
	int rc;

	if (PyUnicode_Check(arg)) {
		PyErr_SetString(PyExc_TypeError,
				"inject() needs a bytes-like object, not str");
		return NULL;
	}
	if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
		return NULL;
	if (check_open(c) < 0) {
		PyBuffer_Release(&view);
		return NULL;
	}
	c->inflight++;
	Py_BEGIN_ALLOW_THREADS
	rc = pcap_inject(c->p, view.buf, (size_t)view.len);
	Py_END_ALLOW_THREADS
	c->inflight--;
	PyBuffer_Release(&view);
	if (rc < 0)
		return ext_live_raise(c->st, c->p, rc);
	return PyLong_FromLong(rc);
}

/* Keep only the staged packets not handed out yet that filt accepts. */
static void
stage_filter(ext_capture *c, PyObject *filt)
{
	size_t i, w = c->pos, off;

	if (c->pos == c->nrec)
		return;
	off = c->recs[c->pos].off;
	for (i = c->pos; i < c->nrec; i++) {
		cap_rec rec = c->recs[i];

		if (ext_filter_run(filt, c->data + rec.off, rec.wirelen,
				   rec.caplen) == 0)
			continue;
		if (rec.off != off && rec.caplen != 0)
			memmove(c->data + off, c->data + rec.off, rec.caplen);
		rec.off = off;
		c->recs[w++] = rec;
		off += rec.caplen;
	}
	c->nrec = w;
	c->dlen = off;
}

/* compile(expr, /, *, optimize=True, netmask=None) */
static PyObject *
capture_compile(PyObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"", "optimize", "netmask", NULL};
	ext_capture *c = (ext_capture *)self;
	PyObject *expr, *optimize = NULL, *netmask = Py_None;
	bpf_u_int32 mask;
	int opt = 1;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$OO:compile", kwlist,
					 &expr, &optimize, &netmask))
		return NULL;
	if (!PyUnicode_Check(expr) && !PyBytes_Check(expr)) {
		PyErr_Format(PyExc_TypeError,
			     "compile() argument must be str or bytes, not %.100s",
			     Py_TYPE(expr)->tp_name);
		return NULL;
	}
	if (ext_parse_optimize(optimize, &opt) < 0 ||
	    ext_parse_netmask(netmask, &mask) < 0 || check_open(c) < 0)
		return NULL;
	return ext_compile_on_handle(c->st, c->p, expr, opt, mask, &c->inflight);
}

/* set_filter(filt, /, *, optimize=True, netmask=None) */
static PyObject *
capture_set_filter(PyObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"", "optimize", "netmask", NULL};
	ext_capture *c = (ext_capture *)self;
	PyObject *filt, *optimize = NULL, *netmask = Py_None, *f;
	bpf_u_int32 mask;
	int opt = 1;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$OO:set_filter", kwlist,
					 &filt, &optimize, &netmask))
		return NULL;
	if (check_idle(c) < 0)
		return NULL;
	if (PyUnicode_Check(filt) || PyBytes_Check(filt)) {
		if (ext_parse_optimize(optimize, &opt) < 0 ||
		    ext_parse_netmask(netmask, &mask) < 0)
			return NULL;
		/* On the handle: its link type and the kernel's extensions.
		   inflight keeps close() from freeing it meanwhile. */
		f = ext_compile_on_handle(c->st, c->p, filt, opt, mask,
					  &c->inflight);
		if (f == NULL)
			return NULL;
		if (check_idle(c) < 0) {
			Py_DECREF(f);
			return NULL;
		}
	} else {
		f = Py_NewRef(filt);
	}
	if (ext_live_set_filter(c->st, c->p, f) < 0) {
		Py_DECREF(f);
		return NULL;
	}
	if (f != Py_None)
		stage_filter(c, f);
	Py_DECREF(f);
	Py_RETURN_NONE;
}

static PyObject *
capture_set_direction(PyObject *self, PyObject *o)
{
	ext_capture *c = (ext_capture *)self;

	if (check_idle(c) < 0 || ext_live_set_direction(c->st, c->p, o) < 0)
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *
capture_set_datalink(PyObject *self, PyObject *o)
{
	ext_capture *c = (ext_capture *)self;

	if (check_idle(c) < 0 || ext_live_set_datalink(c->st, c->p, o) < 0)
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *
capture_set_nonblock(PyObject *self, PyObject *o)
{
	ext_capture *c = (ext_capture *)self;
	int v = PyObject_IsTrue(o);

	if (v < 0 || check_open(c) < 0)
		return NULL;
	c->user_nonblock = v;
	Py_RETURN_NONE;
}

static PyObject *
capture_fileno(PyObject *self, PyObject *unused)
{
	ext_capture *c = (ext_capture *)self;

	(void)unused;
	if (check_open(c) < 0)
		return NULL;
	return PyLong_FromLong(pcap_get_selectable_fd(c->p));
}

/* ---- creation and destruction ------------------------------------------ */

static PyObject *
capture_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
	PyObject *module = ext_module_from_type(type), *device;
	ext_state *st;
	ext_capture *c;
	int timeout_ms;
	pcap_t *p;

	if (module == NULL)
		return NULL;
	st = PyModule_GetState(module);
	p = ext_live_open(st, args, kwds, &device, &timeout_ms);
	if (p == NULL)
		return NULL;
	c = (ext_capture *)type->tp_alloc(type, 0);
	if (c == NULL) {
		pcap_close(p);
		Py_DECREF(device);
		return NULL;
	}
	c->wakefd = -1;
	c->module = Py_NewRef(module);
	c->st = st;
	c->p = p;
	c->device = device;
	c->timeout_ms = timeout_ms;
	c->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	c->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (c->wakefd < 0) {
		PyErr_SetFromErrno(PyExc_OSError);
		Py_DECREF(c);
		return NULL;
	}
	c->recs = PyMem_RawMalloc(STAGE_PKTS * sizeof(cap_rec));
	if (c->recs == NULL) {
		PyErr_NoMemory();
		Py_DECREF(c);
		return NULL;
	}
	return (PyObject *)c;
}

static int
capture_traverse(PyObject *self, visitproc visit, void *arg)
{
	ext_capture *c = (ext_capture *)self;

	Py_VISIT(Py_TYPE(self));
	Py_VISIT(c->module);
	return 0;
}

static void
capture_dealloc(PyObject *self)
{
	ext_capture *c = (ext_capture *)self;
	PyTypeObject *tp = Py_TYPE(self);

	PyObject_GC_UnTrack(self);
	if (c->weakreflist != NULL)
		PyObject_ClearWeakRefs(self);
	if (c->p != NULL) {
		/* Nobody else holds us, so nobody reads; the socket's close
		   may take a while (see capture_close_now). */
		Py_BEGIN_ALLOW_THREADS
		pcap_close(c->p);
		Py_END_ALLOW_THREADS
		c->p = NULL;
	}
	if (c->wakefd >= 0)
		close(c->wakefd);
	PyMem_RawFree(c->recs);
	PyMem_RawFree(c->data);
	Py_CLEAR(c->device);
	Py_CLEAR(c->module);
	tp->tp_free(self);
	Py_DECREF(tp);
}

/* ---- attributes -------------------------------------------------------- */

static PyObject *
capture_repr(PyObject *self)
{
	ext_capture *c = (ext_capture *)self;

	if (is_closed(c))
		return PyUnicode_FromFormat("<%s device=%R closed>",
					    Py_TYPE(self)->tp_name, c->device);
	return PyUnicode_FromFormat("<%s device=%R datalink=%d snaplen=%d>",
				    Py_TYPE(self)->tp_name, c->device,
				    pcap_datalink(c->p), pcap_snapshot(c->p));
}

static PyObject *
get_device(PyObject *self, void *closure)
{
	(void)closure;
	return Py_NewRef(((ext_capture *)self)->device);
}

static PyObject *
get_datalink(PyObject *self, void *closure)
{
	ext_capture *c = (ext_capture *)self;

	(void)closure;
	if (check_open(c) < 0)
		return NULL;
	return PyLong_FromLong(pcap_datalink(c->p));
}

static PyObject *
get_datalink_name(PyObject *self, void *closure)
{
	ext_capture *c = (ext_capture *)self;
	const char *name;

	(void)closure;
	if (check_open(c) < 0)
		return NULL;
	name = pcap_datalink_val_to_name(pcap_datalink(c->p));
	if (name == NULL)
		Py_RETURN_NONE;
	return PyUnicode_FromString(name);
}

static PyObject *
get_datalinks(PyObject *self, void *closure)
{
	ext_capture *c = (ext_capture *)self;
	PyObject *list;
	int *dlts = NULL, n, i;

	(void)closure;
	if (check_open(c) < 0)
		return NULL;
	n = pcap_list_datalinks(c->p, &dlts);
	if (n < 0)
		return ext_live_raise(c->st, c->p, n);
	list = PyList_New(n);
	for (i = 0; list != NULL && i < n; i++) {
		PyObject *v = PyLong_FromLong(dlts[i]);

		if (v == NULL)
			Py_CLEAR(list);
		else
			PyList_SET_ITEM(list, i, v);
	}
	pcap_free_datalinks(dlts);
	return list;
}

static PyObject *
get_snaplen(PyObject *self, void *closure)
{
	ext_capture *c = (ext_capture *)self;

	(void)closure;
	if (check_open(c) < 0)
		return NULL;
	return PyLong_FromLong(pcap_snapshot(c->p));
}

static PyObject *
get_nanosecond(PyObject *self, void *closure)
{
	(void)closure;
	return PyBool_FromLong(((ext_capture *)self)->nano);
}

static PyObject *
get_timeout_ms(PyObject *self, void *closure)
{
	(void)closure;
	return PyLong_FromLong(((ext_capture *)self)->timeout_ms);
}

static PyObject *
get_nonblock(PyObject *self, void *closure)
{
	(void)closure;
	return PyBool_FromLong(((ext_capture *)self)->user_nonblock);
}

static PyObject *
get_closed(PyObject *self, void *closure)
{
	(void)closure;
	return PyBool_FromLong(is_closed((ext_capture *)self));
}

static PyGetSetDef capture_getset[] = {
	{"device", get_device, NULL, "The device name given.", NULL},
	{"datalink", get_datalink, NULL,
	 "Link-layer type of the packets (a DLT_ value).", NULL},
	{"datalink_name", get_datalink_name, NULL,
	 "Name of the link-layer type without DLT_ (e.g. 'EN10MB'), or None.",
	 NULL},
	{"datalinks", get_datalinks, NULL,
	 "The link-layer types the device offers (list of DLT_ values).", NULL},
	{"snaplen", get_snaplen, NULL, "Snapshot length in effect.", NULL},
	{"nanosecond", get_nanosecond, NULL,
	 "True if the time stamps have nanosecond precision (ts_ns is in\n"
	 "nanoseconds either way).", NULL},
	{"timeout_ms", get_timeout_ms, NULL, "The packet buffer timeout.", NULL},
	{"nonblock", get_nonblock, NULL,
	 "True if reads never wait (see set_nonblock).", NULL},
	{"closed", get_closed, NULL, "True once close() began.", NULL},
	{NULL, NULL, NULL, NULL, NULL}
};

static PyMethodDef capture_methods[] = {
	{"read", (PyCFunction)(void (*)(void))capture_read,
	 METH_FASTCALL | METH_KEYWORDS,
	 "read($self, n=-1, timeout=None)\n--\n\n"
	 "Wait for packets and return those available as a list: at most n\n"
	 "(n < 0: one batch, at most 512).  timeout is in seconds (None:\n"
	 "wait as long as it takes; 0: do not wait).  [] when the timeout\n"
	 "passes, when stop() ends the wait, when another thread closes the\n"
	 "Capture, or with nothing available in non-blocking mode."},
	{"read_buffer", (PyCFunction)(void (*)(void))capture_read_buffer,
	 METH_FASTCALL | METH_KEYWORDS,
	 "read_buffer($self, n=-1, timeout=None)\n--\n\n"
	 "Like read(), without a Python object per packet: (data, index)\n"
	 "with data one bytes object of the packets' bytes back to back and\n"
	 "index a memoryview of signed 64-bit integers (format 'q'), four\n"
	 "per packet:\n"
	 "ts_ns, caplen, wirelen, offset in data."},
	{"stats", capture_stats, METH_NOARGS,
	 "stats($self)\n--\n\n"
	 "CaptureStats(recv, drop, ifdrop): libpcap's counters (pcap_stats)."},
	{"inject", capture_inject, METH_O,
	 "inject($self, data, /)\n--\n\n"
	 "Send a raw packet (bytes-like, link-layer header included) out of\n"
	 "the device; returns the number of bytes sent."},
	{"compile", (PyCFunction)(void (*)(void))capture_compile,
	 METH_VARARGS | METH_KEYWORDS,
	 "compile($self, expr, /, *, optimize=True, netmask=None)\n--\n\n"
	 "Compile a filter expression on this handle, as pcap_compile does\n"
	 "(its link type, the kernel's BPF extensions), and return the\n"
	 "Filter without installing it."},
	{"set_filter", (PyCFunction)(void (*)(void))capture_set_filter,
	 METH_VARARGS | METH_KEYWORDS,
	 "set_filter($self, filt, /, *, optimize=True, netmask=None)\n--\n\n"
	 "Install a Filter, or a filter expression (str, pcap-filter(7))\n"
	 "compiled on this handle as pcap_compile does: for its link type\n"
	 "and with the kernel's BPF extensions (VLAN tags, packet type,\n"
	 "interface index) where Linux has them.  It runs in the kernel\n"
	 "where it can run there; None removes it.  Packets already read\n"
	 "but not handed out are filtered again.  A compile failure raises\n"
	 "CompileError or FilterSyntaxError."},
	{"set_direction", capture_set_direction, METH_O,
	 "set_direction($self, direction, /)\n--\n\n"
	 "Capture only 'in' (received), 'out' (sent) or 'inout' packets."},
	{"set_datalink", capture_set_datalink, METH_O,
	 "set_datalink($self, dlt, /)\n--\n\n"
	 "Switch to another link-layer type of datalinks (int or name)."},
	{"set_nonblock", capture_set_nonblock, METH_O,
	 "set_nonblock($self, flag, /)\n--\n\n"
	 "In non-blocking mode reads never wait: read() returns what is\n"
	 "available ([] if nothing) and iteration ends when nothing is."},
	{"fileno", capture_fileno, METH_NOARGS,
	 "fileno($self)\n--\n\n"
	 "A descriptor that select/poll/epoll report readable when packets\n"
	 "are (pcap_get_selectable_fd)."},
	{"stop", capture_stop, METH_NOARGS,
	 "stop($self)\n--\n\n"
	 "From any thread: wake a read that waits at once and end it (the\n"
	 "iteration raises StopIteration, read() returns []).  Called while\n"
	 "no read runs, it ends the next one."},
	{"breakloop", capture_stop, METH_NOARGS,
	 "breakloop($self)\n--\n\nThe same as stop()."},
	{"close", capture_close, METH_NOARGS,
	 "close($self)\n--\n\n"
	 "Close the capture, from any thread: a read in progress ends (an\n"
	 "iteration stops, read() returns []) before the handle goes away.\n"
	 "Closing twice is harmless."},
	{"_read_nowait", capture_read_nowait, METH_NOARGS,
	 "For the asyncio helper: a non-waiting read; None once stop() or\n"
	 "close() ended reading."},
	{"_wake_fd", capture_wake_fd, METH_NOARGS,
	 "For the asyncio helper: the eventfd stop() and close() write."},
	{"__enter__", capture_enter, METH_NOARGS, NULL},
	{"__exit__", (PyCFunction)(void (*)(void))capture_exit, METH_FASTCALL,
	 NULL},
	{NULL, NULL, 0, NULL}
};

static PyMemberDef capture_members[] = {
	{"__weaklistoffset__", EXT_T_PYSSIZET,
	 offsetof(ext_capture, weakreflist), EXT_READONLY, NULL},
	{NULL, 0, 0, 0, NULL}
};

static PyType_Slot capture_slots[] = {
	{Py_tp_new, (void *)capture_new},
	{Py_tp_dealloc, (void *)capture_dealloc},
	{Py_tp_traverse, (void *)capture_traverse},
	{Py_tp_iter, (void *)capture_iter},
	{Py_tp_iternext, (void *)capture_iternext},
	{Py_tp_repr, (void *)capture_repr},
	{Py_tp_methods, capture_methods},
	{Py_tp_getset, capture_getset},
	{Py_tp_members, capture_members},
	{Py_tp_doc, (void *)
	 "Capture(device='any', *, snaplen=262144, promisc=False,\n"
	 "        timeout_ms=100, buffer_size=None, immediate=False,\n"
	 "        nanosecond=True, tstamp_type=None, direction=None,\n"
	 "        protocol=None, fanout=None, datalink=None, filter=None)\n--\n\n"
	 "A live capture on a network interface ('any': all of them).\n"
	 "Iterating yields Packet objects, waiting for them with the GIL\n"
	 "released; Ctrl-C raises KeyboardInterrupt.  fanout=(group_id,\n"
	 "mode) joins a PACKET_FANOUT group (mode 'hash', 'lb', 'cpu',\n"
	 "'rollover', 'rnd' or 'qm') so that the captures of a group share\n"
	 "the traffic.  filter is a Filter or an expression such as\n"
	 "'tcp port 80', compiled on the handle (see set_filter).\n"
	 "libpcap's warnings are issued as PcapWarning, its\n"
	 "errors raised as PcapError.  A context manager."},
	{0, NULL}
};

static PyType_Spec capture_spec = {
	.name = "libpcap.Capture",
	.basicsize = sizeof(ext_capture),
	.itemsize = 0,
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
	.slots = capture_slots,
};

/* ---- the types ---------------------------------------------------------- */

static PyStructSequence_Field stats_fields[] = {
	{"recv", "Packets received (pcap_stat.ps_recv)."},
	{"drop", "Packets dropped for lack of room (ps_drop)."},
	{"ifdrop", "Packets the interface dropped (ps_ifdrop)."},
	{NULL, NULL}
};

static PyStructSequence_Desc stats_desc = {
	"libpcap.CaptureStats", "Counters of a Capture (pcap_stats).",
	stats_fields, 3
};

int
ext_capture_init_type(PyObject *module, ext_state *st)
{
	if (ext_add_type(module, &capture_spec, &st->CaptureType) < 0)
		return -1;
	st->CaptureStatsType = PyStructSequence_NewType(&stats_desc);
	if (st->CaptureStatsType == NULL ||
	    PyModule_AddType(module, st->CaptureStatsType) < 0)
		return -1;
	st->PcapWarning = PyErr_NewExceptionWithDoc(
		"libpcap.PcapWarning",
		"A warning of libpcap's (pcap_activate or a setter returned a "
		"PCAP_WARNING value); the text is libpcap's.",
		PyExc_UserWarning, NULL);
	if (st->PcapWarning == NULL ||
	    PyModule_AddObjectRef(module, "PcapWarning", st->PcapWarning) < 0)
		return -1;
	return ext_devices_init(module, st);
}
