/*
 * reader.c - libpcap.Reader: a savefile (pcap or pcapng) opened for reading,
 * always at nanosecond precision, handed out as Packet objects.
 *
 * Packets come from the core's batch path (core_batch_read), which runs
 * the Reader's filter and hands each accepted packet to the sink of
 * batch.c: one copy, from the core's file buffer into the Packet or the
 * read_buffer() bytes.  The core is called with the GIL held; it drops
 * the GIL through our hooks around each of its reads from the file
 * (core_set_read_hooks), the only place where reading can block, once per
 * read-ahead chunk rather than per packet.  Nothing is read ahead beyond
 * the core's file buffer, so a filter set with set_filter() applies
 * exactly from the next packet on.
 *
 * A Reader is used by one thread at a time: while one thread is inside the
 * core, any other call on the same Reader raises RuntimeError; close()
 * from another thread ends a read blocked on a pipe (pcap_breakloop: the
 * hooks are wakeable for such streams).
 */
#include "native.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/batch.h"
#include "../savefile/savefile.h"

/* read()'s batch: few enough Packets alive at once that their bytes stay
   in the cache and the allocator recycles them. */
#define READ_BATCH 64

typedef struct {
	PyObject_HEAD
	PyObject *module;	/* strong: keeps st valid */
	ext_state *st;
	pcap_t *p;		/* NULL once closed */
	PyObject *keep;		/* bytes behind an fmemopen() stream */
	PyObject *src;		/* the file object behind a cookie stream */
	int src_read1;		/* it has read1() (io.BufferedIOBase) */
	ext_saved_exc src_exc;	/* what its read() raised, to raise it */
	int wakeable;		/* close() from another thread ends a read
				   blocked on the stream (pipes) */
	int closing;		/* close() is waiting for the reading thread */
	PyObject *filter;	/* the Filter set with set_filter(), or NULL */
	PyObject *weakreflist;
	int opened;		/* __init__ succeeded once */
	int busy;		/* a thread is inside the core */
	int may_block;		/* a pipe or stream: read() takes one packet */
	int pend_bad_ts;	/* read_buffer() met a time stamp it cannot
				   index after packets: the next read raises */
	PyThreadState *saved;	/* inside a core read, between the hooks */
	/* cached facts of the open file */
	int linktype, snaplen, swapped, major, minor;
	int ng;			/* a pcapng file, read in native mode */
	PyObject *ifaces;	/* ng: list of Interface, by file index */
	ext_arena arena;	/* read_buffer()'s */
} ext_reader;

/* The Interface at file index i (new reference), built on first use. */
static PyObject *
reader_iface(ext_reader *r, uint32_t i)
{
	if (i < (size_t)PyList_GET_SIZE(r->ifaces))
		return Py_NewRef(PyList_GET_ITEM(r->ifaces, i));
	while ((size_t)PyList_GET_SIZE(r->ifaces) <= i) {
		uint32_t k = (uint32_t)PyList_GET_SIZE(r->ifaces);
		const struct sf_ng_iface *f = sf_ng_iface_at(r->p, k);
		PyObject *o;

		if (f == NULL) {
			PyErr_SetString(PyExc_SystemError,
					"pcapng interface missing");
			return NULL;
		}
		o = ext_interface_from_reader(r->st, f, k);
		if (o == NULL || PyList_Append(r->ifaces, o) < 0) {
			Py_XDECREF(o);
			return NULL;
		}
		Py_DECREF(o);
	}
	return Py_NewRef(PyList_GET_ITEM(r->ifaces, i));
}

/* The Interface at file index i, for the batch sink. */
static PyObject *
batch_iface(void *owner, uint32_t i)
{
	return reader_iface(owner, i);
}

static void
batch_init(ext_reader *r, ext_batch *b)
{
	memset(b, 0, sizeof *b);
	b->st = r->st;
	if (r->ng) {
		b->iface = batch_iface;
		b->owner = r;
	}
}

/* The core's error rc as an exception: what the file object's read()
   raised, a signal handler's exception (Ctrl-C), or PcapFileError. */
static PyObject *
reader_raise(ext_reader *r, int rc)
{
	if (ext_exc_restore(&r->src_exc))
		return NULL;
	/* A read cut short by a signal: Ctrl-C must come out as
	   KeyboardInterrupt, not as the I/O error it caused (the handler may
	   already have run, in reader_interrupted). */
	if (PyErr_Occurred() || PyErr_CheckSignals() < 0)
		return NULL;
	return ext_raise_core(r->st, r->st->PcapFileError, rc,
			      pcap_geterr(r->p));
}

/* Usable for a new call?  Sets ValueError / RuntimeError if not. */
static int
reader_check(ext_reader *r)
{
	if (r->p == NULL || r->closing) {
		ext_raise_closed("Reader");
		return -1;
	}
	if (r->busy) {
		ext_raise_busy("Reader");
		return -1;
	}
	return 0;
}

/*
 * Up to max packets (max > 0) into b.  1: some; 0: end of file (or
 * closed meanwhile); -1: exception set.
 */
static int
reader_fill(ext_reader *r, ext_batch *b, int max)
{
	int rc;

	if (r->pend_bad_ts) {
		r->pend_bad_ts = 0;
		ext_raise_bad_ts(r->st);
		return -1;
	}
	r->busy = 1;
	rc = core_batch_read(r->p, max, 0, ext_batch_sink, b);
	r->busy = 0;
	if (b->failed)
		return -1;
	if (r->closing)
		return 0;	/* close() from another thread: the end */
	if (b->bad_ts) {
		if (b->count > 0) {
			r->pend_bad_ts = 1;
			return 1;
		}
		ext_raise_bad_ts(r->st);
		return -1;
	}
	if (b->count > 0)
		return 1;
	if (rc == 0 || rc == PCAP_ERROR_BREAK)
		return 0;
	reader_raise(r, rc);
	return -1;
}

/* How many packets a read of `want` (< 0: "a batch") asks the core for. */
static int
batch_size(ext_reader *r, Py_ssize_t want)
{
	if (want < 0)
		return r->may_block ? 1 : READ_BATCH;
	return want < INT_MAX ? (int)want : INT_MAX;
}

/* ---- open / close ------------------------------------------------------ */

static void
reader_close_handle(ext_reader *r)
{
	if (r->p != NULL) {
		pcap_close(r->p);
		r->p = NULL;
	}
	Py_CLEAR(r->keep);
	Py_CLEAR(r->src);
	ext_exc_clear(&r->src_exc);
	r->wakeable = 0;
	r->closing = 0;
	r->pend_bad_ts = 0;
	Py_CLEAR(r->filter);
}

/* Can reading this handle block between packets (a pipe, a socket, a
   stream over a file object)? */
static int
source_may_block(ext_reader *r)
{
	FILE *fp = pcap_file(r->p);
	struct stat sb;
	int fd;

	if (r->src != NULL)
		return 1;
	if (fp == NULL || (fd = fileno(fp)) < 0)
		return 0;	/* a memory stream */
	if (fstat(fd, &sb) < 0)
		return 1;
	return !S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode);
}

/* The block hooks: the core is about to read from / has read from the
   file; the GIL is held outside them. */
static void
gil_leave(void *arg)
{
	ext_reader *r = arg;

	r->saved = PyEval_SaveThread();
}

static void
gil_enter(void *arg)
{
	ext_reader *r = arg;

	PyEval_RestoreThread(r->saved);
	r->saved = NULL;
}

/* A read was interrupted by a signal: run the Python signal handlers (in
   the thread that reads; it may hold the GIL or not) and go on reading,
   as Python's own I/O does (PEP 475); a handler that raised (Ctrl-C's
   KeyboardInterrupt) ends the read, its exception left set for the
   caller to raise. */
static int
reader_interrupted(void *arg)
{
	PyGILState_STATE g = PyGILState_Ensure();
	int rc = PyErr_CheckSignals();

	(void)arg;
	PyGILState_Release(g);
	return rc < 0 ? -1 : 0;
}

static pcap_t *
open_path(ext_reader *r, PyObject *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *name = PyBytes_AS_STRING(path);
	pcap_t *p;
	int err;

	errbuf[0] = '\0';
	Py_BEGIN_ALLOW_THREADS
	errno = 0;
	p = pcap_open_offline_with_tstamp_precision(name,
						    PCAP_TSTAMP_PRECISION_NANO,
						    errbuf);
	err = errno;
	Py_END_ALLOW_THREADS
	if (p == NULL)
		ext_raise_file(r->st, errbuf,
			       ext_os_error_of(errbuf, name, err), name);
	return p;
}

/* fp is ours; on failure it is closed here. */
static pcap_t *
open_stream(ext_reader *r, FILE *fp, int may_block)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	errbuf[0] = '\0';
	if (may_block) {
		Py_BEGIN_ALLOW_THREADS
		p = pcap_fopen_offline_with_tstamp_precision(
			fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
		Py_END_ALLOW_THREADS
	} else {
		p = pcap_fopen_offline_with_tstamp_precision(
			fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	}
	if (p == NULL) {
		fclose(fp);	/* libpcap leaves a caller's FILE open on error */
		ext_raise(r->st->PcapFileError, PCAP_ERROR, errbuf);
	}
	return p;
}

static pcap_t *
open_fd(ext_reader *r, int fd)
{
	FILE *fp = fdopen(fd, "rb");
	struct stat sb;
	pcap_t *p;

	if (fp == NULL) {
		int err = errno;

		close(fd);
		errno = err;
		PyErr_SetFromErrno(PyExc_OSError);
		return NULL;
	}
	if (fstat(fd, &sb) < 0 || S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode))
		return open_stream(r, fp, 1);
	/* A pipe, socket or terminal: read unbuffered, so that the core may
	   wait for it and for pcap_breakloop from close(). */
	setvbuf(fp, NULL, _IONBF, 0);
	p = open_stream(r, fp, 1);
	r->wakeable = p != NULL;
	return p;
}

/* The stream over a file object: its read1() (or read()) with the GIL,
   which the reading thread may or may not hold here. */
static ssize_t
object_cookie_read(void *cookie, char *buf, size_t size)
{
	ext_reader *r = cookie;
	PyGILState_STATE g = PyGILState_Ensure();
	PyObject *res;
	Py_buffer view;
	ssize_t n = -1;

	if (r->src == NULL || r->src_exc.type != NULL)
		goto out;
	if (size > PY_SSIZE_T_MAX)
		size = PY_SSIZE_T_MAX;
	{
		PyObject *n_obj = PyLong_FromSize_t(size);

		if (n_obj == NULL)
			goto fail;
		res = PyObject_CallMethodOneArg(
			r->src, r->src_read1 ? r->st->s_read1 : r->st->s_read,
			n_obj);
		Py_DECREF(n_obj);
	}
	if (res == NULL)
		goto fail;
	if (res == Py_None) {
		Py_DECREF(res);
		PyErr_SetString(PyExc_OSError,
				"the file object's read() returned None (a "
				"non-blocking stream with no data): a Reader "
				"needs a blocking one");
		goto fail;
	}
	if (PyUnicode_Check(res) ||
	    PyObject_GetBuffer(res, &view, PyBUF_SIMPLE) < 0) {
		Py_DECREF(res);
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_TypeError,
					"the file object's read() returned str; "
					"a binary file object is required");
		goto fail;
	}
	if ((size_t)view.len > size) {
		PyErr_Format(PyExc_OSError,
			     "the file object's read() returned %zd bytes, "
			     "more than the %zu asked for", view.len, size);
		PyBuffer_Release(&view);
		Py_DECREF(res);
		goto fail;
	}
	memcpy(buf, view.buf, (size_t)view.len);
	n = view.len;
	PyBuffer_Release(&view);
	Py_DECREF(res);
	goto out;
fail:
	ext_exc_save(&r->src_exc);
out:
	PyGILState_Release(g);
	if (n < 0)
		errno = EIO;
	return n;
}

static int
object_cookie_close(void *cookie)
{
	(void)cookie;		/* the caller's object stays open: it is theirs */
	return 0;
}

/* A file object without a usable descriptor.  An io.BytesIO is in memory
   already, and an object with only read() promises no more than read()
   gives: their bytes are read at once and the core reads them through
   fmemopen().  io's buffered and raw files (a gzip/bz2/lzma file, a
   buffered pipe, a socket's file, ...) may be large or may block between
   packets: they are read as streams, only the bytes needed, through
   read1() or read(n). */
static pcap_t *
open_object(ext_reader *r, PyObject *obj)
{
	static cookie_io_functions_t io = {object_cookie_read, NULL, NULL,
					   object_cookie_close};
	PyObject *content, *b;
	char errbuf[PCAP_ERRBUF_SIZE];
	FILE *fp;
	pcap_t *p;
	int in_memory = PyObject_IsInstance(obj, r->st->BytesIO);
	int raw = PyObject_IsInstance(obj, r->st->RawIOBase);
	int read1 = PyObject_HasAttr(obj, r->st->s_read1);

	if (in_memory < 0 || raw < 0)
		return NULL;
	/* Streamed: what keeps read(n)'s contract (at most n bytes): io's
	   buffered files (read1) and raw files.  An object that only has
	   read() is read once, whole, as before. */
	if (!in_memory && (read1 || raw)) {
		r->src = Py_NewRef(obj);
		r->src_read1 = read1;
		fp = fopencookie(r, "rb", io);
		if (fp == NULL) {
			Py_CLEAR(r->src);
			PyErr_SetFromErrno(PyExc_OSError);
			return NULL;
		}
		errbuf[0] = '\0';
		p = sf_open_stream(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
		if (p == NULL) {
			fclose(fp);
			Py_CLEAR(r->src);
			if (!ext_exc_restore(&r->src_exc))
				ext_raise(r->st->PcapFileError, PCAP_ERROR,
					  errbuf);
		}
		return p;
	}
	content = PyObject_CallMethodNoArgs(obj, r->st->s_read);
	if (content == NULL)
		return NULL;
	if (PyBytes_CheckExact(content)) {
		b = content;
	} else if (PyUnicode_Check(content)) {
		Py_DECREF(content);
		PyErr_SetString(PyExc_TypeError,
				"the file object's read() returned str; a "
				"binary file object is required");
		return NULL;
	} else {
		b = PyBytes_FromObject(content);
		Py_DECREF(content);
		if (b == NULL)
			return NULL;
	}
	/* An empty file is opened too: the core then says it is truncated. */
	fp = fmemopen(PyBytes_AS_STRING(b), (size_t)PyBytes_GET_SIZE(b), "rb");
	if (fp == NULL) {
		Py_DECREF(b);
		PyErr_SetFromErrno(PyExc_OSError);
		return NULL;
	}
	r->keep = b;
	return open_stream(r, fp, 0);
}

static int reader_filter_arg(ext_reader *r, PyObject *filt, PyObject *optimize,
			     PyObject *netmask, PyObject **out);
static int reader_install(ext_reader *r, PyObject *f);

static int
reader_init(PyObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"source", "filter", NULL};
	ext_reader *r = (ext_reader *)self;
	PyObject *source, *path = NULL, *filt = Py_None, *f;
	ext_src_kind kind;
	int fd = -1;
	pcap_t *p = NULL;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$O:Reader", kwlist,
					 &source, &filt))
		return -1;
	if (filt != Py_None && !ext_filter_check(r->st, filt) &&
	    !PyUnicode_Check(filt) && !PyBytes_Check(filt)) {
		PyErr_Format(PyExc_TypeError,
			     "filter must be a Filter, an expression (str) or "
			     "None, not %.100s", Py_TYPE(filt)->tp_name);
		return -1;
	}
	if (r->opened || r->busy) {
		PyErr_SetString(PyExc_RuntimeError,
				"Reader.__init__() may be called only once");
		return -1;
	}
	if (ext_classify(r->st, source, 0, &kind, &path, &fd) < 0)
		return -1;
	r->busy = 1;	/* the open may drop the GIL */
	switch (kind) {
	case EXT_SRC_PATH:
		p = open_path(r, path);
		Py_DECREF(path);
		break;
	case EXT_SRC_FD:
		p = open_fd(r, fd);
		break;
	case EXT_SRC_OBJECT:
		p = open_object(r, source);
		break;
	}
	r->busy = 0;
	if (p == NULL) {
		Py_CLEAR(r->keep);
		return -1;
	}
	r->p = p;
	r->opened = 1;
	r->may_block = source_may_block(r);
	{
		struct core_read_hooks h = { gil_leave, gil_enter,
					     reader_interrupted, r,
					     r->wakeable };

		if (core_set_read_hooks(p, &h) < 0) {
			ext_raise_core(r->st, r->st->PcapError, PCAP_ERROR,
				       pcap_geterr(p));
			return -1;	/* the Reader stays open: dealloc closes */
		}
	}
	r->linktype = pcap_datalink(p);
	r->snaplen = pcap_snapshot(p);
	r->swapped = pcap_is_swapped(p);
	r->major = pcap_major_version(p);
	r->minor = pcap_minor_version(p);
	/* pcapng: every file, with what its blocks say (beyond libpcap) */
	if (sf_ng_set_native(p) == 0) {
		r->ifaces = PyList_New(0);
		if (r->ifaces == NULL)
			return -1;
		r->ng = 1;
	}
	if (filt != Py_None) {
		if (reader_filter_arg(r, filt, NULL, Py_None, &f) < 0)
			return -1;	/* the Reader stays open: dealloc closes */
		if (reader_install(r, f) < 0)
			return -1;
	}
	return 0;
}

static PyObject *
reader_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
	PyObject *module = ext_module_from_type(type);
	ext_reader *r;

	(void)args;
	(void)kwds;
	if (module == NULL)
		return NULL;
	r = (ext_reader *)type->tp_alloc(type, 0);
	if (r == NULL)
		return NULL;
	r->module = Py_NewRef(module);
	r->st = PyModule_GetState(module);
	return (PyObject *)r;
}

static int
reader_traverse(PyObject *self, visitproc visit, void *arg)
{
	ext_reader *r = (ext_reader *)self;

	Py_VISIT(Py_TYPE(self));
	Py_VISIT(r->module);
	Py_VISIT(r->keep);
	Py_VISIT(r->src);
	Py_VISIT(r->filter);
	Py_VISIT(r->ifaces);
	return 0;
}

static void
reader_dealloc(PyObject *self)
{
	ext_reader *r = (ext_reader *)self;
	PyTypeObject *tp = Py_TYPE(self);

	PyObject_GC_UnTrack(self);
	if (r->weakreflist != NULL)
		PyObject_ClearWeakRefs(self);
	reader_close_handle(r);
	ext_arena_free(&r->arena);
	Py_CLEAR(r->ifaces);
	Py_CLEAR(r->module);
	tp->tp_free(self);
	Py_DECREF(tp);
}


/* ---- iteration and batches --------------------------------------------- */

static PyObject *
reader_iter(PyObject *self)
{
	if (((ext_reader *)self)->p == NULL)
		return ext_raise_closed("Reader");
	return Py_NewRef(self);
}

static PyObject *
reader_iternext(PyObject *self)
{
	ext_reader *r = (ext_reader *)self;
	ext_batch b;

	if (reader_check(r) < 0)
		return NULL;
	batch_init(r, &b);
	if (reader_fill(r, &b, 1) <= 0) {
		ext_batch_clear(&b);
		return NULL;	/* StopIteration, or the exception */
	}
	return b.one;
}

/* The n argument of read() and read_buffer(): -1 when absent or None. */
static int
parse_n(const char *name, PyObject *const *args, Py_ssize_t nargs,
	Py_ssize_t *n)
{
	*n = -1;
	if (nargs > 1) {
		PyErr_Format(PyExc_TypeError,
			     "%s() takes at most 1 argument (%zd given)", name,
			     nargs);
		return -1;
	}
	if (nargs == 1 && args[0] != Py_None) {
		*n = PyNumber_AsSsize_t(args[0], PyExc_OverflowError);
		if (*n == -1 && PyErr_Occurred())
			return -1;
	}
	return 0;
}

/*
 * Fill b with up to n packets (n < 0: one batch).  A read that got some
 * packets returns them; what ended it (an error) is raised by the next
 * (the core keeps it).  0, or -1 with an exception set.
 */
static int
reader_take(ext_reader *r, ext_batch *b, Py_ssize_t n)
{
	while (n < 0 || b->count < n) {
		Py_ssize_t before = b->count;
		int asked = batch_size(r, n < 0 ? -1 : n - b->count);
		int rc = reader_fill(r, b, asked);

		if (rc < 0)
			return -1;
		/* Fewer than asked: the end of the file, or an error the
		   core reports at the next call. */
		if (rc == 0 || n < 0 || b->count - before < asked ||
		    r->pend_bad_ts)
			break;
	}
	return 0;
}

/* read(n=-1) */
static PyObject *
reader_read(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
	ext_reader *r = (ext_reader *)self;
	Py_ssize_t n;
	ext_batch b;

	if (parse_n("read", args, nargs, &n) < 0 || reader_check(r) < 0)
		return NULL;
	batch_init(r, &b);
	b.list = PyList_New(0);
	if (b.list == NULL)
		return NULL;
	if (reader_take(r, &b, n) < 0) {
		ext_batch_clear(&b);
		return NULL;
	}
	return b.list;
}

/* read_buffer(n=-1) -> (data: bytes, index: memoryview of 'q') */
static PyObject *
reader_read_buffer(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
	ext_reader *r = (ext_reader *)self;
	Py_ssize_t n;
	PyObject *res = NULL;
	ext_batch b;

	if (parse_n("read_buffer", args, nargs, &n) < 0 ||
	    reader_check(r) < 0)
		return NULL;
	batch_init(r, &b);
	b.arena = &r->arena;
	if (reader_take(r, &b, n) == 0)
		res = ext_batch_buffer_result(&b);
	ext_batch_clear(&b);
	return res;
}

/* ---- filtering ---------------------------------------------------------- */

/*
 * filt as a Filter to install: a Filter as it is, a str/bytes expression
 * compiled on the Reader's own handle (its link type, snapshot length and
 * byte order, as pcap_compile does for a savefile), None as NULL.  New
 * reference in *out; -1 with an exception set.
 */
static int
reader_filter_arg(ext_reader *r, PyObject *filt, PyObject *optimize,
		  PyObject *netmask, PyObject **out)
{
	bpf_u_int32 mask;
	int opt = 1;

	*out = NULL;
	if (filt == Py_None)
		return 0;
	if (ext_filter_check(r->st, filt)) {
		*out = Py_NewRef(filt);
		return 0;
	}
	if (!PyUnicode_Check(filt) && !PyBytes_Check(filt)) {
		PyErr_Format(PyExc_TypeError,
			     "a filter must be a Filter, an expression (str) or "
			     "None, not %.100s", Py_TYPE(filt)->tp_name);
		return -1;
	}
	if (ext_parse_optimize(optimize, &opt) < 0)
		return -1;
	if (ext_parse_netmask(netmask, &mask) < 0)
		return -1;
	/* busy: another thread cannot close the handle while the compile
	   runs without the GIL */
	*out = ext_compile_on_handle(r->st, r->p, filt, opt, mask, &r->busy);
	return *out != NULL ? 0 : -1;
}

/* Install f (a Filter or NULL; the reference is taken) in the core,
   which runs it from the next packet on.  -1 with an exception set. */
static int
reader_install(ext_reader *r, PyObject *f)
{
	int rc = core_set_filter(r->p, f != NULL ? ext_filter_program(f) : NULL);

	if (rc < 0) {
		Py_XDECREF(f);
		ext_raise_core(r->st, r->st->PcapError, rc, pcap_geterr(r->p));
		return -1;
	}
	Py_XSETREF(r->filter, f);
	return 0;
}

/* set_filter(filt, /, *, optimize=True, netmask=None) */
static PyObject *
reader_set_filter(PyObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"", "optimize", "netmask", NULL};
	ext_reader *r = (ext_reader *)self;
	PyObject *filt, *optimize = NULL, *netmask = Py_None, *f;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$OO:set_filter", kwlist,
					 &filt, &optimize, &netmask))
		return NULL;
	if (filt != Py_None && !ext_filter_check(r->st, filt) &&
	    !PyUnicode_Check(filt) && !PyBytes_Check(filt)) {
		PyErr_Format(PyExc_TypeError,
			     "set_filter() argument must be a Filter, an "
			     "expression (str) or None, not %.100s",
			     Py_TYPE(filt)->tp_name);
		return NULL;
	}
	if (reader_check(r) < 0 ||
	    reader_filter_arg(r, filt, optimize, netmask, &f) < 0)
		return NULL;
	if (reader_check(r) < 0) {	/* closed while compiling? */
		Py_XDECREF(f);
		return NULL;
	}
	if (reader_install(r, f) < 0)
		return NULL;
	Py_RETURN_NONE;
}

/* compile(expr, /, *, optimize=True, netmask=None) */
static PyObject *
reader_compile(PyObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"", "optimize", "netmask", NULL};
	ext_reader *r = (ext_reader *)self;
	PyObject *expr, *optimize = NULL, *netmask = Py_None, *f;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$OO:compile", kwlist,
					 &expr, &optimize, &netmask))
		return NULL;
	if (!PyUnicode_Check(expr) && !PyBytes_Check(expr)) {
		PyErr_Format(PyExc_TypeError,
			     "compile() argument must be str or bytes, not %.100s",
			     Py_TYPE(expr)->tp_name);
		return NULL;
	}
	if (reader_check(r) < 0 ||
	    reader_filter_arg(r, expr, optimize, netmask, &f) < 0)
		return NULL;
	return f;
}

static PyObject *
reader_get_filter(PyObject *self, void *closure)
{
	ext_reader *r = (ext_reader *)self;

	(void)closure;
	return Py_NewRef(r->filter != NULL ? r->filter : Py_None);
}

/* ---- the rest of the interface ----------------------------------------- */

static PyObject *
reader_close(PyObject *self, PyObject *unused)
{
	ext_reader *r = (ext_reader *)self;

	(void)unused;
	if (r->busy && r->wakeable) {
		/* Another thread waits for the stream: wake it, wait for it
		   to leave the core (without the GIL, which it needs). */
		static const struct timespec pause = {0, 100000};

		r->closing = 1;
		pcap_breakloop(r->p);
		while (r->busy) {
			Py_BEGIN_ALLOW_THREADS
			nanosleep(&pause, NULL);
			Py_END_ALLOW_THREADS
		}
	}
	if (r->busy)
		return ext_raise_busy("Reader");
	reader_close_handle(r);
	Py_RETURN_NONE;
}

static PyObject *
reader_enter(PyObject *self, PyObject *unused)
{
	(void)unused;
	if (((ext_reader *)self)->p == NULL)
		return ext_raise_closed("Reader");
	return Py_NewRef(self);
}

static PyObject *
reader_exit(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
	(void)args;
	(void)nargs;
	return reader_close(self, NULL);
}

static PyObject *
reader_repr(PyObject *self)
{
	ext_reader *r = (ext_reader *)self;

	if (r->p == NULL)
		return PyUnicode_FromFormat("<%s closed>", Py_TYPE(self)->tp_name);
	return PyUnicode_FromFormat("<%s linktype=%d snaplen=%d>",
				    Py_TYPE(self)->tp_name, r->linktype,
				    r->snaplen);
}

#define OPEN_OR_RAISE(r)                                                     \
	do {                                                                 \
		if ((r)->p == NULL)                                          \
			return ext_raise_closed("Reader");                   \
	} while (0)

static PyObject *
get_linktype(PyObject *self, void *c)
{
	ext_reader *r = (ext_reader *)self;

	(void)c;
	OPEN_OR_RAISE(r);
	return PyLong_FromLong(r->linktype);
}

static PyObject *
get_snaplen(PyObject *self, void *c)
{
	ext_reader *r = (ext_reader *)self;

	(void)c;
	OPEN_OR_RAISE(r);
	return PyLong_FromLong(r->snaplen);
}

static PyObject *
get_swapped(PyObject *self, void *c)
{
	ext_reader *r = (ext_reader *)self;

	(void)c;
	OPEN_OR_RAISE(r);
	return PyBool_FromLong(r->swapped);
}

static PyObject *
get_version(PyObject *self, void *c)
{
	ext_reader *r = (ext_reader *)self;

	(void)c;
	OPEN_OR_RAISE(r);
	return Py_BuildValue("(ii)", r->major, r->minor);
}

static PyObject *
get_datalink_name(PyObject *self, void *c)
{
	ext_reader *r = (ext_reader *)self;
	const char *name;

	(void)c;
	OPEN_OR_RAISE(r);
	name = pcap_datalink_val_to_name(r->linktype);
	if (name == NULL)
		Py_RETURN_NONE;
	return PyUnicode_FromString(name);
}

static PyObject *
get_closed(PyObject *self, void *c)
{
	(void)c;
	return PyBool_FromLong(((ext_reader *)self)->p == NULL);
}

static PyObject *
get_format(PyObject *self, void *c)
{
	ext_reader *r = (ext_reader *)self;

	(void)c;
	OPEN_OR_RAISE(r);
	return PyUnicode_FromString(r->ng ? "pcapng" : "pcap");
}

static PyObject *
get_interfaces(PyObject *self, void *c)
{
	ext_reader *r = (ext_reader *)self;
	uint32_t n, i;
	PyObject *t;

	(void)c;
	OPEN_OR_RAISE(r);
	if (!r->ng)
		return PyTuple_New(0);
	n = sf_ng_iface_count(r->p);
	t = PyTuple_New((Py_ssize_t)n);
	for (i = 0; t != NULL && i < n; i++) {
		PyObject *o = reader_iface(r, i);

		if (o == NULL)
			Py_CLEAR(t);
		else
			PyTuple_SET_ITEM(t, i, o);
	}
	return t;
}

static PyObject *
get_sections(PyObject *self, void *c)
{
	ext_reader *r = (ext_reader *)self;
	uint32_t n, i;
	PyObject *t;

	(void)c;
	OPEN_OR_RAISE(r);
	if (!r->ng)
		return PyTuple_New(0);
	n = sf_ng_section_count(r->p);
	t = PyTuple_New((Py_ssize_t)n);
	for (i = 0; t != NULL && i < n; i++) {
		PyObject *o = ext_section_from_reader(
			r->st, sf_ng_section_at(r->p, i), i);

		if (o == NULL)
			Py_CLEAR(t);
		else
			PyTuple_SET_ITEM(t, i, o);
	}
	return t;
}

static PyGetSetDef reader_getset[] = {
	{"linktype", get_linktype, NULL,
	 "Link-layer type of the packets (a DLT_ value).", NULL},
	{"snaplen", get_snaplen, NULL, "Snapshot length of the file.", NULL},
	{"swapped", get_swapped, NULL,
	 "True when the file's byte order is not the host's.", NULL},
	{"version", get_version, NULL,
	 "(major, minor) version of the savefile format.", NULL},
	{"datalink_name", get_datalink_name, NULL,
	 "Name of the link-layer type without DLT_ (e.g. 'EN10MB'), or "
	 "None when unknown.", NULL},
	{"closed", get_closed, NULL, "True once close() was called.", NULL},
	{"format", get_format, NULL, "'pcap' or 'pcapng'.", NULL},
	{"interfaces", get_interfaces, NULL,
	 "pcapng: every interface seen so far (all sections, file order), "
	 "a tuple of Interface; () for a pcap file.", NULL},
	{"sections", get_sections, NULL,
	 "pcapng: the sections seen so far, a tuple of Section.", NULL},
	{"filter", reader_get_filter, NULL,
	 "The Filter in use (set_filter, or Reader(filter=...)), or None.",
	 NULL},
	{NULL, NULL, NULL, NULL, NULL}
};

static PyMethodDef reader_methods[] = {
	{"read", (PyCFunction)(void (*)(void))reader_read, METH_FASTCALL,
	 "read($self, n=-1, /)\n--\n\n"
	 "Read packets into a list.  n > 0: up to n packets (fewer only at\n"
	 "end of file).  n < 0: the next batch, i.e. at least one packet\n"
	 "and at most a few hundred, as cheaply as the source allows (one\n"
	 "at a time from a pipe).  [] at end of file.  An error met after\n"
	 "some packets were read is raised by the next call."},
	{"read_buffer", (PyCFunction)(void (*)(void))reader_read_buffer,
	 METH_FASTCALL,
	 "read_buffer($self, n=-1, /)\n--\n\n"
	 "Like read(), but without a Python object per packet: returns\n"
	 "(data, index) where data is one bytes object holding the packets'\n"
	 "bytes back to back and index a memoryview of signed 64-bit\n"
	 "integers (format 'q'), four per packet: ts_ns, caplen, wirelen,\n"
	 "offset in data (ts_ns as iteration gives it; a packet whose ts_ns\n"
	 "does not fit raises PcapError, once, and is skipped).\n"
	 "Packet i is data[index[4*i+3]:index[4*i+3]+index[4*i+1]].\n"
	 "(b'', empty view) at end of file."},
	{"set_filter", (PyCFunction)(void (*)(void))reader_set_filter,
	 METH_VARARGS | METH_KEYWORDS,
	 "set_filter($self, filt, /, *, optimize=True, netmask=None)\n--\n\n"
	 "Filter the packets with filt: a Filter, or a filter expression\n"
	 "(str, pcap-filter(7)) compiled for this file's link type, snapshot\n"
	 "length and byte order as pcap_compile does (optimize and netmask\n"
	 "as for compile(); a failure raises CompileError or\n"
	 "FilterSyntaxError).  From the next packet on, only those it\n"
	 "accepts are read (any nonzero result; packets are not cut to it).\n"
	 "None removes the filter.  Takes effect exactly at the next packet,\n"
	 "read ahead or not; may be called at any time."},
	{"compile", (PyCFunction)(void (*)(void))reader_compile,
	 METH_VARARGS | METH_KEYWORDS,
	 "compile($self, expr, /, *, optimize=True, netmask=None)\n--\n\n"
	 "Compile a filter expression for this file, as pcap_compile does on\n"
	 "its handle (link type, snapshot length, byte order), and return\n"
	 "the Filter without installing it."},
	{"close", reader_close, METH_NOARGS,
	 "close($self)\n--\n\nClose the file.  Closing twice is harmless."},
	{"__enter__", reader_enter, METH_NOARGS, NULL},
	{"__exit__", (PyCFunction)(void (*)(void))reader_exit, METH_FASTCALL,
	 NULL},
	{NULL, NULL, 0, NULL}
};

static PyMemberDef reader_members[] = {
	{"__weaklistoffset__", EXT_T_PYSSIZET,
	 offsetof(ext_reader, weakreflist), EXT_READONLY, NULL},
	{NULL, 0, 0, 0, NULL}
};

static PyType_Slot reader_slots[] = {
	{Py_tp_new, (void *)reader_new},
	{Py_tp_init, (void *)reader_init},
	{Py_tp_dealloc, (void *)reader_dealloc},
	{Py_tp_traverse, (void *)reader_traverse},
	{Py_tp_iter, (void *)reader_iter},
	{Py_tp_iternext, (void *)reader_iternext},
	{Py_tp_repr, (void *)reader_repr},
	{Py_tp_methods, reader_methods},
	{Py_tp_getset, reader_getset},
	{Py_tp_members, reader_members},
	{Py_tp_doc, (void *)
	 "Reader(source, *, filter=None)\n--\n\n"
	 "A savefile (pcap or pcapng) opened for reading.  source is a path\n"
	 "(str, bytes, os.PathLike) or a binary file object: one with a\n"
	 "descriptor is read through a duplicate of it from its current\n"
	 "position (the two share the file offset, so the object's position\n"
	 "afterwards is unspecified; it is never closed by the Reader); one\n"
	 "without (io.BytesIO) is read whole into memory.\n"
	 "Iterating yields Packet objects with nanosecond timestamps.\n"
	 "filter is a Filter or an expression such as 'tcp port 80',\n"
	 "compiled for the file (see set_filter).\n"
	 "A context manager; a closed Reader raises ValueError."},
	{0, NULL}
};

static PyType_Spec reader_spec = {
	.name = "libpcap.Reader",
	.basicsize = sizeof(ext_reader),
	.itemsize = 0,
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
	.slots = reader_slots,
};

int
ext_reader_init_type(PyObject *module, ext_state *st)
{
	return ext_add_type(module, &reader_spec, &st->ReaderType);
}

