/*
 * capture.c - libpcap.Capture, a live capture on a network interface (or
 * any device the core's table of sources takes): reading, waiting,
 * stopping and closing, and the operations on a running capture.  Opening
 * it (options, pcap_create, the setters, pcap_activate) is in
 * capture_open.c; devices() is in devices.c.
 *
 * Packets come from the core's batch path with the GIL held: it never
 * waits, runs the handle's filter and hands each packet to the sink of
 * batch.c, which copies it once, from the ring into the Packet (or the
 * read_buffer() bytes).  When nothing is there, the core's wait (each
 * backend's own) runs without the GIL, in slices of at most 100 ms so
 * that pending signals are checked between them: Ctrl-C becomes
 * KeyboardInterrupt.  stop() and close() from any thread end a wait at
 * once through pcap_breakloop.
 *
 * Threads.  One thread reads at a time (another read raises RuntimeError);
 * stats(), inject(), stop(), close(), fileno() and the attributes may be
 * used from any thread meanwhile.  Every call that enters the core without
 * the GIL counts itself in `inflight`; close() marks the handle closing,
 * breaks the reader's wait and waits, letting go of the GIL, until
 * inflight is 0 before pcap_close.
 */
#include "live.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "../core/batch.h"

/* One batch: enough to amortise a call, few enough Packets alive at once
   for their bytes to stay in the cache. */
#define BATCH_PKTS 512
/* Past this many bytes a batch ends early. */
#define BATCH_BYTES (1024 * 1024)
/* Longest wait between two looks at pending signals, ms. */
#define SLICE_MS 100

typedef struct {
	PyObject_HEAD
	PyObject *module;	/* strong: keeps st valid */
	ext_state *st;
	pcap_t *p;		/* NULL once closed */
	PyObject *device;	/* str */
	PyObject *weakreflist;
	int wake[2];		/* pipe written by stop() and close(), for
				   an asyncio loop watching the capture */
	int nano;		/* the core delivers nanoseconds */
	int timeout_ms;
	int user_nonblock;	/* set_nonblock(True): reads never wait */
	int reading;		/* a thread is in a read (GIL-protected) */
	int inflight;		/* threads inside the core without the GIL */
	int stop_req;		/* stop() asked; read without the GIL too */
	int closing;		/* close() began; read without the GIL too */
	ext_arena arena;	/* read_buffer()'s */
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
	return (int64_t)ts.tv_sec * CORE_NS_PER_S + ts.tv_nsec;
}

static void
drain_wakefd(ext_capture *c)
{
	char buf[64];

	if (c->wake[0] >= 0)
		while (read(c->wake[0], buf, sizeof buf) > 0)
			;
}

static int
set_nonblock_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* End a wait in progress (or the next one): stop() and close(). */
static void
wake(ext_capture *c)
{
	const char one = 1;

	if (c->p != NULL)
		pcap_breakloop(c->p);
	if (c->wake[1] >= 0) {
		ssize_t n = write(c->wake[1], &one, 1);
		(void)n;	/* full: readable anyway */
	}
}

/* Why a read came back empty. */
enum { W_NONE, W_TIMEOUT, W_STOPPED, W_CLOSED };

static int
is_closed(ext_capture *c)
{
	return c->p == NULL || c->closing;
}

/* stop() was asked for: take the request (1), else 0. */
static int
take_stop(ext_capture *c)
{
	if (!load_flag(&c->stop_req))
		return 0;
	store_flag(&c->stop_req, 0);
	drain_wakefd(c);
	return 1;
}

/* The core's wait, without the GIL. */
static int
capture_wait(ext_capture *c, int ms)
{
	int rc;

	c->inflight++;
	Py_BEGIN_ALLOW_THREADS
	rc = core_batch_wait(c->p, ms);
	Py_END_ALLOW_THREADS
	c->inflight--;
	return rc;
}

/*
 * Read up to `limit` packets into b (limit <= 0: a batch).  deadline is a
 * mono_ns() time, or -1 to wait for as long as it takes; nowait: only
 * look.  Returns 1 (packets), 0 (none; *why says why) or -1 (exception).
 */
static int
capture_take(ext_capture *c, ext_batch *b, Py_ssize_t limit, int64_t deadline,
	     int nowait, int *why)
{
	int tried = 0;

	*why = W_NONE;
	if (limit <= 0 || limit > BATCH_PKTS)
		limit = BATCH_PKTS;
	for (;;) {
		int rc, ms;

		if (is_closed(c)) {
			*why = W_CLOSED;
			return 0;
		}
		if (take_stop(c)) {
			*why = W_STOPPED;
			return 0;
		}
		rc = core_batch_read(c->p, (int)limit, BATCH_BYTES,
				     ext_batch_sink, b);
		if (b->failed)
			return -1;
		if (b->count > 0)
			return 1;
		if (rc < 0 && rc != PCAP_ERROR_BREAK) {
			ext_live_raise(c->st, c->p, rc);
			return -1;
		}
		/* Nothing there (or a stale break, taken now). */
		if (nowait)
			return 0;
		if (deadline >= 0) {
			int64_t left = deadline - mono_ns();

			if (left <= 0 && tried) {
				*why = W_TIMEOUT;
				return 0;
			}
			left = left > 0 ? (left + 999999) / 1000000 : 0;
			ms = left < SLICE_MS ? (int)left : SLICE_MS;
		} else {
			ms = SLICE_MS;
		}
		rc = capture_wait(c, ms);
		tried = 1;
		if (rc == PCAP_ERROR)
			return ext_live_raise(c->st, c->p, rc), -1;
		/* A slice ended, a signal came, or a break (checked above):
		   run the handlers, look again. */
		if ((rc == 0 || rc == CORE_WAIT_SIGNAL) &&
		    PyErr_CheckSignals() < 0)
			return -1;
	}
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

/*
 * The packets of one read into b: up to n (n < 0: a batch) until
 * deadline.  0 (b holds what came, maybe none; *why if none) or -1.
 */
static int
capture_fill(ext_capture *c, ext_batch *b, Py_ssize_t n, int64_t deadline,
	     int nowait, int *why)
{
	int rc;

	memset(b, 0, sizeof *b);
	b->st = c->st;
	*why = W_NONE;
	/* One packet (iteration) comes as b->one; more into a list. */
	if (n != 1 && (b->list = PyList_New(0)) == NULL)
		return -1;
	c->reading = 1;
	rc = capture_take(c, b, n, deadline, nowait, why);
	c->reading = 0;
	return rc < 0 ? -1 : 0;
}

static PyObject *
capture_iternext(PyObject *self)
{
	ext_capture *c = (ext_capture *)self;
	ext_batch b;
	int why;

	/* A Capture closed (e.g. by another thread) ends the iteration. */
	if (is_closed(c))
		return NULL;
	if (c->reading)
		return ext_raise_busy("Capture");
	if (capture_fill(c, &b, 1, -1, c->user_nonblock, &why) < 0 ||
	    b.one == NULL) {
		ext_batch_clear(&b);
		return NULL;	/* StopIteration, or the exception */
	}
	return b.one;
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

/* read(n=-1, timeout=None) */
static PyObject *
capture_read(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
	     PyObject *kwnames)
{
	ext_capture *c = (ext_capture *)self;
	Py_ssize_t n;
	int64_t deadline;
	ext_batch b;
	int why;

	if (parse_read_args(args, nargs, kwnames, "read", &n, &deadline) < 0 ||
	    check_idle(c) < 0)
		return NULL;
	if (n == 0)
		return PyList_New(0);
	if (capture_fill(c, &b, n, deadline, c->user_nonblock, &why) < 0) {
		ext_batch_clear(&b);
		return NULL;
	}
	if (n == 1)	/* one packet comes as b.one */
		return b.one != NULL ? Py_BuildValue("[N]", b.one)
				     : PyList_New(0);
	return b.list;
}

/* read_buffer(n=-1, timeout=None) -> (data, index) */
static PyObject *
capture_read_buffer(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
		    PyObject *kwnames)
{
	ext_capture *c = (ext_capture *)self;
	Py_ssize_t n;
	int64_t deadline;
	PyObject *res = NULL;
	ext_batch b;
	int why, rc = 0;

	if (parse_read_args(args, nargs, kwnames, "read_buffer", &n,
			    &deadline) < 0 || check_idle(c) < 0)
		return NULL;
	memset(&b, 0, sizeof b);
	b.st = c->st;
	b.arena = &c->arena;
	if (n != 0) {
		c->reading = 1;
		rc = capture_take(c, &b, n, deadline, c->user_nonblock, &why);
		c->reading = 0;
	}
	if (rc >= 0 && b.bad_ts && b.count == 0)
		ext_raise_bad_ts(c->st);	/* consumed: never stuck on */
	else if (rc >= 0)
		res = ext_batch_buffer_result(&b);
	ext_batch_clear(&b);
	return res;
}

/* _read_nowait() -> list, or None once stop() or close() ended reading.
   For the asyncio helper: never waits. */
static PyObject *
capture_read_nowait(PyObject *self, PyObject *unused)
{
	ext_capture *c = (ext_capture *)self;
	ext_batch b;
	int why;

	(void)unused;
	if (is_closed(c))
		Py_RETURN_NONE;
	if (c->reading)
		return ext_raise_busy("Capture");
	if (capture_fill(c, &b, -1, -1, 1, &why) < 0) {
		ext_batch_clear(&b);
		return NULL;
	}
	if (why == W_STOPPED || why == W_CLOSED)
		Py_RETURN_NONE;
	if (PyList_GET_SIZE(b.list) == 0) {
		/* Nothing: let the backend take a stale wake-up, so that a
		   loop watching the descriptors does not spin. */
		(void)core_batch_wait(c->p, 0);
		drain_wakefd(c);
	}
	return b.list;
}

static PyObject *
capture_wake_fd(PyObject *self, PyObject *unused)
{
	(void)unused;
	return PyLong_FromLong(((ext_capture *)self)->wake[0]);
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

	if (!c->closing && c->p != NULL)
		wake(c);
	store_flag(&c->closing, 1);
	/* Whoever is inside the core leaves it soon: the break woke it, or
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
	c->wake[0] = c->wake[1] = -1;
	c->module = Py_NewRef(module);
	c->st = st;
	c->p = p;
	c->device = device;
	c->timeout_ms = timeout_ms;
	c->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	if (pipe(c->wake) < 0 || set_nonblock_cloexec(c->wake[0]) < 0 ||
	    set_nonblock_cloexec(c->wake[1]) < 0) {
		PyErr_SetFromErrno(PyExc_OSError);
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
	for (int i = 0; i < 2; i++)
		if (c->wake[i] >= 0)
			close(c->wake[i]);
	ext_arena_free(&c->arena);
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
	 "For the asyncio helper: the pipe stop() and close() write to."},
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
