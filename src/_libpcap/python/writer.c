/*
 * writer.c - libpcap.Writer: a classic pcap savefile written through the
 * core's dumper (pcap_open_dead_with_tstamp_precision + pcap_dump_*).
 *
 * Three ways to the file:
 *  - a path: pcap_dump_open / pcap_dump_open_append; the core owns the
 *    stream.  The GIL is dropped around flush and close, and around every
 *    pcap_dump to a pipe or device (a reader may be slow); for a regular
 *    file only around the pcap_dump that has probably filled the stream's
 *    buffer;
 *  - a file object with a descriptor: a dup() of it under a stdio cookie
 *    stream handed to pcap_dump_fopen; the cookie's write() is the only
 *    place that blocks, so it alone drops the GIL, exactly around write(2);
 *    append=True goes through pcap_dump_open_append on /proc/self/fd/N so
 *    libpcap's checks on the existing file apply;
 *  - a file object without one (io.BytesIO): a cookie stream whose write()
 *    calls the object's write() with the GIL held; an exception raised
 *    there is re-raised by the Writer call that caused the write.
 * The cookie's close() tells us whether the core closed the stream, since
 * libpcap's pcap_dump_fopen closes it on some failures and not on others.
 */
#include "native.h"
#include "pcap-int.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Path mode: drop the GIL for the pcap_dump call after about this many
   bytes, the size of a stdio buffer, when a write(2) is likely. */
#define GIL_CHUNK 4096
#define DEFAULT_SNAPLEN 262144

enum { MODE_PATH, MODE_FD, MODE_OBJECT };

typedef struct {
	PyObject_HEAD
	PyObject *module;
	ext_state *st;
	pcap_t *dead;
	pcap_dumper_t *d;	/* NULL once closed */
	PyObject *target;	/* MODE_OBJECT: the file object */
	PyObject *weakreflist;
	ext_saved_exc exc;	/* raised by target.write() */
	int mode;
	int fd;			/* MODE_FD: our descriptor */
	int werrno;		/* errno of the first failed write(2) */
	int stream_closed;	/* the cookie's close() ran */
	int opened;
	int busy;
	int nano;
	int may_block;		/* MODE_PATH: not a regular file */
	int linktype, snaplen;
	size_t pending;
} ext_writer;

/* ---- cookie streams ---------------------------------------------------- */

static ssize_t
fd_cookie_write(void *cookie, const char *buf, size_t size)
{
	ext_writer *w = cookie;
	PyThreadState *ts;
	size_t done = 0;

	/* Every call into the core for this Writer holds the GIL. */
	ts = PyEval_SaveThread();
	while (done < size) {
		ssize_t n = write(w->fd, buf + done, size - done);

		if (n >= 0) {
			done += (size_t)n;
			continue;
		}
		if (errno == EINTR) {
			int sig;

			PyEval_RestoreThread(ts);
			sig = PyErr_CheckSignals();	/* Ctrl-C must work */
			if (sig < 0) {
				ext_exc_save(&w->exc);
				return (ssize_t)done;
			}
			ts = PyEval_SaveThread();
			continue;
		}
		if (w->werrno == 0)
			w->werrno = errno;
		break;
	}
	PyEval_RestoreThread(ts);
	return (ssize_t)done;	/* short count: stdio flags the error */
}

static ssize_t
object_cookie_write(void *cookie, const char *buf, size_t size)
{
	ext_writer *w = cookie;
	size_t done = 0;

	if (w->target == NULL || w->exc.type != NULL)
		return 0;
	while (done < size) {
		PyObject *b, *res;
		Py_ssize_t n;

		b = PyBytes_FromStringAndSize(buf + done,
					      (Py_ssize_t)(size - done));
		if (b == NULL)
			goto fail;
		res = PyObject_CallMethodOneArg(w->target, w->st->s_write, b);
		Py_DECREF(b);
		if (res == NULL)
			goto fail;
		if (res == Py_None) {
			n = (Py_ssize_t)(size - done);	/* no count given */
		} else {
			n = PyLong_AsSsize_t(res);
			if (n == -1 && PyErr_Occurred()) {
				Py_DECREF(res);
				goto fail;
			}
		}
		Py_DECREF(res);
		if (n <= 0 || (size_t)n > size - done) {
			PyErr_Format(PyExc_OSError,
				     "the file object's write() returned %zd",
				     n);
			goto fail;
		}
		done += (size_t)n;
	}
	return (ssize_t)size;
fail:
	ext_exc_save(&w->exc);
	return 0;
}

static int
fd_cookie_close(void *cookie)
{
	ext_writer *w = cookie;

	w->stream_closed = 1;
	if (w->fd >= 0) {
		close(w->fd);
		w->fd = -1;
	}
	return 0;
}

static int
object_cookie_close(void *cookie)
{
	/* The caller's object stays open: it is theirs. */
	((ext_writer *)cookie)->stream_closed = 1;
	return 0;
}

/* ---- errors ------------------------------------------------------------- */

static PyObject *
raise_write_error(ext_writer *w, int err)
{
	char msg[PCAP_ERRBUF_SIZE];

	if (ext_exc_restore(&w->exc))
		return NULL;
	/* The first error is the one to tell, every time: once the stream
	   has failed, later calls only see its error flag (and an errno
	   that says "Input/output error"). */
	if (w->werrno)
		err = w->werrno;
	else if (err != 0)
		w->werrno = err;
	snprintf(msg, sizeof msg, "error writing the savefile: %s",
		 strerror(err ? err : EIO));
	return ext_raise(w->st->PcapFileError, PCAP_ERROR, msg);
}

/* After a pcap_dump: did the stream fail?  -1 with an exception if so. */
static int
check_stream(ext_writer *w, int err)
{
	FILE *f;

	if (w->exc.type != NULL) {
		ext_exc_restore(&w->exc);
		return -1;
	}
	f = pcap_dump_file(w->d);
	if (f != NULL && ferror(f)) {
		raise_write_error(w, err);
		return -1;
	}
	return 0;
}

static int
writer_check(ext_writer *w)
{
	if (w->d == NULL) {
		ext_raise_closed("Writer");
		return -1;
	}
	if (w->busy) {
		ext_raise_busy("Writer");
		return -1;
	}
	return 0;
}

/* ---- open / close ------------------------------------------------------ */

static pcap_dumper_t *
open_path(ext_writer *w, const char *path, int append)
{
	pcap_dumper_t *d;
	int err;

	Py_BEGIN_ALLOW_THREADS
	errno = 0;
	d = append ? pcap_dump_open_append(w->dead, path)
		   : pcap_dump_open(w->dead, path);
	err = errno;
	Py_END_ALLOW_THREADS
	if (d == NULL) {
		const char *msg = pcap_geterr(w->dead);

		ext_raise_file(w->st, msg, ext_os_error_of(msg, path, err),
			       path);
	}
	return d;
}

/* Hand a cookie stream to pcap_dump_fopen; the header is written now. */
static pcap_dumper_t *
open_cookie(ext_writer *w, cookie_io_functions_t io)
{
	pcap_dumper_t *d;
	FILE *fp = fopencookie(w, "wb", io);

	if (fp == NULL) {
		PyErr_SetFromErrno(PyExc_OSError);
		return NULL;
	}
	w->stream_closed = 0;
	d = pcap_dump_fopen(w->dead, fp);
	if (d == NULL) {
		if (!w->stream_closed)
			fclose(fp);
		if (w->exc.type != NULL)
			ext_exc_restore(&w->exc);
		else
			ext_raise(w->st->PcapFileError, PCAP_ERROR,
				  pcap_geterr(w->dead));
	}
	return d;
}

static pcap_dumper_t *
open_fd(ext_writer *w, int fd, int append)
{
	cookie_io_functions_t io = {NULL, fd_cookie_write, NULL,
				    fd_cookie_close};
	pcap_dumper_t *d;

	if (append) {
		/* Reopen the same file so libpcap checks its header. */
		char path[64];

		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		d = open_path(w, path, 1);
		close(fd);
		if (d != NULL)
			w->mode = MODE_PATH;
		return d;
	}
	w->fd = fd;
	w->mode = MODE_FD;
	d = open_cookie(w, io);
	if (d == NULL && w->fd >= 0) {
		close(w->fd);
		w->fd = -1;
	}
	return d;
}

static pcap_dumper_t *
open_object(ext_writer *w, PyObject *obj, int append)
{
	cookie_io_functions_t io = {NULL, object_cookie_write, NULL,
				    object_cookie_close};
	pcap_dumper_t *d;

	if (append) {
		PyErr_SetString(PyExc_ValueError,
				"append=True needs a path or a file object "
				"with a descriptor");
		return NULL;
	}
	w->target = Py_NewRef(obj);
	w->mode = MODE_OBJECT;
	d = open_cookie(w, io);
	if (d == NULL)
		Py_CLEAR(w->target);
	return d;
}

/*
 * Flush and close the dumper and the dead handle.  Returns 0, or -1 when
 * the final flush failed (*err = errno then); the Python-side exception,
 * if any, stays saved in w->exc.
 */
static int
writer_close_handle(ext_writer *w, int *err)
{
	int rc = 0;

	*err = 0;
	if (w->d != NULL) {
		w->busy = 1;
		if (w->mode == MODE_PATH) {
			Py_BEGIN_ALLOW_THREADS
			rc = pcap_dump_flush(w->d);
			*err = errno;
			if (ferror(pcap_dump_file(w->d)))
				rc = -1;
			pcap_dump_close(w->d);
			Py_END_ALLOW_THREADS
		} else {
			rc = pcap_dump_flush(w->d);
			*err = errno;
			if (ferror(pcap_dump_file(w->d)))
				rc = -1;	/* an earlier write failed */
			pcap_dump_close(w->d);
		}
		w->busy = 0;
		w->d = NULL;
	}
	if (w->dead != NULL) {
		pcap_close(w->dead);
		w->dead = NULL;
	}
	if (w->fd >= 0) {	/* only if the stream never took it */
		close(w->fd);
		w->fd = -1;
	}
	return rc;
}

/* Close for dealloc / GC: errors cannot propagate, so report them. */
static void
writer_close_quietly(ext_writer *w)
{
	int err, rc;

	if (w->d == NULL && w->dead == NULL)
		return;
	rc = writer_close_handle(w, &err);
	if (w->exc.type != NULL) {
		ext_exc_restore(&w->exc);
		PyErr_WriteUnraisable((PyObject *)w);
	} else if (rc < 0) {
		PyErr_Format(PyExc_OSError, "error writing the savefile: %s",
			     strerror(err ? err : EIO));
		PyErr_WriteUnraisable((PyObject *)w);
	}
}

/* sys.stdout.buffer (or sys.stdout itself when it has no buffer), new ref. */
static PyObject *
stdout_binary(void)
{
	PyObject *out = PySys_GetObject("stdout");	/* borrowed */
	PyObject *buf;

	if (out == NULL || out == Py_None) {
		PyErr_SetString(PyExc_ValueError,
				"'-' means standard output, but sys.stdout is "
				"not set");
		return NULL;
	}
	if (!PyObject_HasAttrString(out, "buffer"))
		return Py_NewRef(out);
	buf = PyObject_GetAttrString(out, "buffer");
	if (buf != NULL && PyObject_HasAttrString(out, "flush")) {
		PyObject *r = PyObject_CallMethod(out, "flush", NULL);

		if (r == NULL) {
			Py_DECREF(buf);
			return NULL;
		}
		Py_DECREF(r);
	}
	return buf;
}

static int
writer_init(PyObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"dest", "linktype", "snaplen", "nanosecond",
				 "append", NULL};
	ext_writer *w = (ext_writer *)self;
	PyObject *dest, *path = NULL;
	int linktype = 1, snaplen = DEFAULT_SNAPLEN, nano = 0, append = 0;
	int fd = -1, rc;
	ext_src_kind kind;
	pcap_dumper_t *d = NULL;
	PyObject *stdout_ref = NULL;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|ii$pp:Writer", kwlist,
					 &dest, &linktype, &snaplen, &nano,
					 &append))
		return -1;
	if (w->opened || w->busy) {
		PyErr_SetString(PyExc_RuntimeError,
				"Writer.__init__() may be called only once");
		return -1;
	}
	/* Appending, libpcap's text names LINKTYPE -1 instead of the link
	   type asked for: say which one (its wording otherwise), before any
	   file is touched.  A new file gets libpcap's own text. */
	if (append && dl_dlt_to_linktype(linktype) == -1) {
		char msg[PCAP_ERRBUF_SIZE];

		snprintf(msg, sizeof msg, "link-layer type %d isn't supported "
			 "in savefiles", linktype);
		ext_raise(w->st->PcapFileError, PCAP_ERROR, msg);
		return -1;
	}
	/* What readers accept: no more than the link type's maximum. */
	if (snaplen <= 0 || (u_int)snaplen > dl_max_snaplen_for_dlt(linktype))
		snaplen = (int)dl_max_snaplen_for_dlt(linktype);
	w->dead = pcap_open_dead_with_tstamp_precision(
		linktype, snaplen,
		nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	if (w->dead == NULL) {
		ext_raise(w->st->PcapError, PCAP_ERROR,
			  "pcap_open_dead_with_tstamp_precision failed");
		return -1;
	}
	w->nano = nano;
	w->linktype = linktype;
	w->snaplen = snaplen;
	if (ext_classify(w->st, dest, 1, &kind, &path, &fd) < 0)
		goto fail;
	if (kind == EXT_SRC_PATH && strcmp(PyBytes_AS_STRING(path), "-") == 0) {
		/* libpcap's "-" is standard output, which pcap_dump_close would
		   fclose: write to a duplicate of sys.stdout's buffer instead. */
		Py_CLEAR(path);
		dest = stdout_binary();
		if (dest == NULL)
			goto fail;
		rc = ext_classify(w->st, dest, 1, &kind, &path, &fd);
		if (rc < 0) {
			Py_DECREF(dest);
			goto fail;
		}
		stdout_ref = dest;
	}
	w->busy = 1;	/* the open may drop the GIL */
	switch (kind) {
	case EXT_SRC_PATH:
		w->mode = MODE_PATH;
		d = open_path(w, PyBytes_AS_STRING(path), append);
		Py_DECREF(path);
		break;
	case EXT_SRC_FD:
		d = open_fd(w, fd, append);
		break;
	case EXT_SRC_OBJECT:
		d = open_object(w, dest, append);
		break;
	}
	w->busy = 0;
	Py_XDECREF(stdout_ref);
	if (d == NULL)
		goto fail;
	w->d = d;
	w->opened = 1;
	if (w->mode == MODE_PATH) {
		FILE *f = pcap_dump_file(d);
		struct stat sb;

		w->may_block = f == NULL || fstat(fileno(f), &sb) < 0 ||
			       !S_ISREG(sb.st_mode);
		w->pending = 24;	/* the file header is in the buffer too */
	}
	return 0;
fail:
	pcap_close(w->dead);
	w->dead = NULL;
	return -1;
}

static PyObject *
writer_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
	PyObject *module = ext_module_from_type(type);
	ext_writer *w;

	(void)args;
	(void)kwds;
	if (module == NULL)
		return NULL;
	w = (ext_writer *)type->tp_alloc(type, 0);
	if (w == NULL)
		return NULL;
	w->module = Py_NewRef(module);
	w->st = PyModule_GetState(module);
	w->fd = -1;
	return (PyObject *)w;
}

static int
writer_traverse(PyObject *self, visitproc visit, void *arg)
{
	ext_writer *w = (ext_writer *)self;

	Py_VISIT(Py_TYPE(self));
	Py_VISIT(w->module);
	Py_VISIT(w->target);
	Py_VISIT(w->exc.type);
	Py_VISIT(w->exc.value);
	Py_VISIT(w->exc.tb);
	return 0;
}

static int
writer_clear(PyObject *self)
{
	ext_writer *w = (ext_writer *)self;

	/* tp_finalize has already flushed into the target */
	Py_CLEAR(w->target);
	ext_exc_clear(&w->exc);
	return 0;
}

/* PEP 442 finalizer: an unclosed Writer flushes what it buffered. */
static void
writer_finalize(PyObject *self)
{
	ext_writer *w = (ext_writer *)self;
	ext_saved_exc pending = {NULL, NULL, NULL};

	if (w->d == NULL && w->dead == NULL)
		return;
	ext_exc_save(&pending);
	writer_close_quietly(w);
	Py_CLEAR(w->target);
	ext_exc_restore(&pending);
}

static void
writer_dealloc(PyObject *self)
{
	ext_writer *w = (ext_writer *)self;
	PyTypeObject *tp = Py_TYPE(self);

	if (PyObject_CallFinalizerFromDealloc(self) < 0)
		return;		/* resurrected */
	PyObject_GC_UnTrack(self);
	if (w->weakreflist != NULL)
		PyObject_ClearWeakRefs(self);
	writer_close_quietly(w);	/* normally a no-op by now */
	Py_CLEAR(w->target);
	ext_exc_clear(&w->exc);
	Py_CLEAR(w->module);
	tp->tp_free(self);
	Py_DECREF(tp);
}

/* ---- writing ------------------------------------------------------------ */

/*
 * One record.  A packet longer than the snapshot length is cut to it, its
 * wire length kept, as a capture with that snapshot length would have
 * stored it: a longer record would be cut on reading, or (past the link
 * type's maximum, 262,144 bytes for most) make the file unreadable from
 * there on, for us and for libpcap.
 */
static PyObject *
writer_dump(ext_writer *w, int64_t sec, uint32_t nsec,
	    const unsigned char *data, size_t len, uint32_t wirelen)
{
	struct pcap_pkthdr h;
	int err = 0;
	uint32_t caplen;

	if (len > (size_t)w->snaplen) {
		uint32_t orig = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;

		caplen = (uint32_t)w->snaplen;
		if (wirelen < orig)
			wirelen = orig;
	} else {
		caplen = (uint32_t)len;
	}

	if (sec < 0 || sec > (int64_t)UINT32_MAX) {
		PyErr_SetString(PyExc_OverflowError,
				"timestamp out of range for a pcap file "
				"(seconds must fit 32 unsigned bits)");
		return NULL;
	}
	h.ts.tv_sec = (time_t)sec;
	h.ts.tv_usec = (suseconds_t)(w->nano ? nsec : nsec / 1000);
	h.caplen = caplen;
	h.len = wirelen;
	w->busy = 1;
	w->pending += sizeof(h) + caplen;
	if (w->mode == MODE_PATH && (w->may_block || w->pending >= GIL_CHUNK)) {
		w->pending = 0;
		Py_BEGIN_ALLOW_THREADS
		errno = 0;
		pcap_dump((u_char *)w->d, &h, data);
		err = errno;
		Py_END_ALLOW_THREADS
	} else {
		errno = 0;
		pcap_dump((u_char *)w->d, &h, data);
		err = errno;
	}
	w->busy = 0;
	if (check_stream(w, err) < 0)
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *
writer_write(PyObject *self, PyObject *arg)
{
	ext_writer *w = (ext_writer *)self;
	ext_packet *pk;

	if (writer_check(w) < 0)
		return NULL;
	if (Py_TYPE(arg) != w->st->PacketType) {
		PyErr_Format(PyExc_TypeError,
			     "write() expects a Packet, not %.200s "
			     "(use write_bytes() for raw bytes)",
			     Py_TYPE(arg)->tp_name);
		return NULL;
	}
	pk = (ext_packet *)arg;
	return writer_dump(w, pk->sec, pk->nsec,
			   (const unsigned char *)PyBytes_AS_STRING(pk->data),
			   pk->caplen, pk->wirelen);
}

/* write_bytes(data, ts_ns, wirelen=None) */
static PyObject *
writer_write_bytes(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
		   PyObject *kwnames)
{
	static const char *const names[] = {"data", "ts_ns", "wirelen"};
	ext_writer *w = (ext_writer *)self;
	PyObject *argv[3] = {NULL, NULL, NULL}, *res;
	Py_ssize_t i, nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
	Py_buffer view;
	int64_t sec;
	uint32_t nsec;
	unsigned long wirelen;

	if (nargs > 3) {
		PyErr_Format(PyExc_TypeError,
			     "write_bytes() takes at most 3 arguments (%zd given)",
			     nargs);
		return NULL;
	}
	for (i = 0; i < nargs; i++)
		argv[i] = args[i];
	for (i = 0; i < nkw; i++) {
		PyObject *key = PyTuple_GET_ITEM(kwnames, i);
		int j;

		for (j = 0; j < 3; j++)
			if (PyUnicode_CompareWithASCIIString(key, names[j]) == 0)
				break;
		if (j == 3) {
			PyErr_Format(PyExc_TypeError,
				     "write_bytes() got an unexpected keyword "
				     "argument '%U'", key);
			return NULL;
		}
		if (argv[j] != NULL) {
			PyErr_Format(PyExc_TypeError,
				     "write_bytes() got multiple values for "
				     "argument '%s'", names[j]);
			return NULL;
		}
		argv[j] = args[nargs + i];
	}
	for (i = 0; i < 2; i++) {
		if (argv[i] == NULL) {
			PyErr_Format(PyExc_TypeError,
				     "write_bytes() missing required argument "
				     "'%s'", names[i]);
			return NULL;
		}
	}
	if (writer_check(w) < 0)
		return NULL;
	if (ext_ts_ns_from_pylong(argv[1], &sec, &nsec) < 0)
		return NULL;
	if (PyObject_GetBuffer(argv[0], &view, PyBUF_SIMPLE) < 0)
		return NULL;
	if ((uint64_t)view.len > UINT32_MAX) {
		PyBuffer_Release(&view);
		PyErr_SetString(PyExc_OverflowError,
				"data is longer than 2**32-1 bytes");
		return NULL;
	}
	wirelen = (unsigned long)view.len;
	if (argv[2] != NULL && argv[2] != Py_None) {
		wirelen = PyLong_AsUnsignedLong(argv[2]);
		if ((wirelen == (unsigned long)-1 && PyErr_Occurred()) ||
		    wirelen > UINT32_MAX) {
			PyBuffer_Release(&view);
			if (!PyErr_Occurred() ||
			    PyErr_ExceptionMatches(PyExc_OverflowError)) {
				PyErr_Clear();
				PyErr_SetString(PyExc_OverflowError,
						"wirelen must be in 0 .. 2**32-1");
			}
			return NULL;
		}
	}
	res = writer_dump(w, sec, nsec, view.buf, (size_t)view.len,
			  (uint32_t)wirelen);
	PyBuffer_Release(&view);
	return res;
}

/* write_many(packets): write every Packet of an iterable. */
static PyObject *
writer_write_many(PyObject *self, PyObject *iterable)
{
	ext_writer *w = (ext_writer *)self;
	PyObject *it, *item, *res;

	if (writer_check(w) < 0)
		return NULL;
	it = PyObject_GetIter(iterable);
	if (it == NULL)
		return NULL;
	while ((item = PyIter_Next(it)) != NULL) {
		res = writer_write(self, item);
		Py_DECREF(item);
		if (res == NULL) {
			Py_DECREF(it);
			return NULL;
		}
		Py_DECREF(res);
	}
	Py_DECREF(it);
	if (PyErr_Occurred())
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *
writer_flush(PyObject *self, PyObject *unused)
{
	ext_writer *w = (ext_writer *)self;
	int rc, err;

	(void)unused;
	if (writer_check(w) < 0)
		return NULL;
	w->busy = 1;
	w->pending = 0;
	if (w->mode == MODE_PATH) {
		Py_BEGIN_ALLOW_THREADS
		rc = pcap_dump_flush(w->d);
		err = errno;
		Py_END_ALLOW_THREADS
	} else {
		rc = pcap_dump_flush(w->d);
		err = errno;
	}
	w->busy = 0;
	if (rc < 0 || w->exc.type != NULL)
		return raise_write_error(w, err);
	if (w->mode == MODE_OBJECT && PyObject_HasAttr(w->target, w->st->s_flush)) {
		PyObject *r = PyObject_CallMethodNoArgs(w->target, w->st->s_flush);

		if (r == NULL)
			return NULL;
		Py_DECREF(r);
	}
	Py_RETURN_NONE;
}

static PyObject *
writer_close(PyObject *self, PyObject *unused)
{
	ext_writer *w = (ext_writer *)self;
	PyObject *target;
	int rc, err;

	(void)unused;
	if (w->busy)
		return ext_raise_busy("Writer");
	if (w->d == NULL)
		Py_RETURN_NONE;
	rc = writer_close_handle(w, &err);
	target = w->target;
	w->target = NULL;
	if (rc < 0 || w->exc.type != NULL) {
		Py_XDECREF(target);
		return raise_write_error(w, err);
	}
	if (target != NULL && PyObject_HasAttr(target, w->st->s_flush)) {
		PyObject *r = PyObject_CallMethodNoArgs(target, w->st->s_flush);

		Py_DECREF(target);
		if (r == NULL)
			return NULL;
		Py_DECREF(r);
	} else {
		Py_XDECREF(target);
	}
	Py_RETURN_NONE;
}

static PyObject *
writer_enter(PyObject *self, PyObject *unused)
{
	(void)unused;
	if (((ext_writer *)self)->d == NULL)
		return ext_raise_closed("Writer");
	return Py_NewRef(self);
}

static PyObject *
writer_exit(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
	(void)args;
	(void)nargs;
	return writer_close(self, NULL);
}

static PyObject *
writer_repr(PyObject *self)
{
	ext_writer *w = (ext_writer *)self;

	if (w->d == NULL)
		return PyUnicode_FromFormat("<%s closed>", Py_TYPE(self)->tp_name);
	return PyUnicode_FromFormat("<%s linktype=%d snaplen=%d %s>",
				    Py_TYPE(self)->tp_name, w->linktype,
				    w->snaplen, w->nano ? "nanosecond"
							: "microsecond");
}

static PyObject *
get_linktype(PyObject *self, void *c)
{
	(void)c;
	return PyLong_FromLong(((ext_writer *)self)->linktype);
}

static PyObject *
get_snaplen(PyObject *self, void *c)
{
	(void)c;
	return PyLong_FromLong(((ext_writer *)self)->snaplen);
}

static PyObject *
get_nanosecond(PyObject *self, void *c)
{
	(void)c;
	return PyBool_FromLong(((ext_writer *)self)->nano);
}

static PyObject *
get_closed(PyObject *self, void *c)
{
	(void)c;
	return PyBool_FromLong(((ext_writer *)self)->d == NULL);
}

static PyGetSetDef writer_getset[] = {
	{"linktype", get_linktype, NULL, "Link-layer type (DLT_ value).", NULL},
	{"snaplen", get_snaplen, NULL, "Snapshot length in the header.", NULL},
	{"nanosecond", get_nanosecond, NULL,
	 "True for a nanosecond-resolution file.", NULL},
	{"closed", get_closed, NULL, "True once close() was called.", NULL},
	{NULL, NULL, NULL, NULL, NULL}
};

static PyMethodDef writer_methods[] = {
	{"write", writer_write, METH_O,
	 "write($self, packet, /)\n--\n\nAppend one Packet to the file."},
	{"write_bytes", (PyCFunction)(void (*)(void))writer_write_bytes,
	 METH_FASTCALL | METH_KEYWORDS,
	 "write_bytes($self, data, ts_ns, wirelen=None)\n--\n\n"
	 "Append one packet given as a bytes-like object and an integer\n"
	 "nanosecond timestamp; wirelen defaults to len(data).  In a\n"
	 "microsecond file the timestamp is truncated to microseconds."},
	{"write_many", writer_write_many, METH_O,
	 "write_many($self, packets, /)\n--\n\n"
	 "Append every Packet of an iterable (e.g. a Reader)."},
	{"flush", writer_flush, METH_NOARGS,
	 "flush($self)\n--\n\nPush buffered packets to the file."},
	{"close", writer_close, METH_NOARGS,
	 "close($self)\n--\n\n"
	 "Flush and close.  A file object given to the Writer stays open.\n"
	 "Closing twice is harmless."},
	{"__enter__", writer_enter, METH_NOARGS, NULL},
	{"__exit__", (PyCFunction)(void (*)(void))writer_exit, METH_FASTCALL,
	 NULL},
	{NULL, NULL, 0, NULL}
};

static PyMemberDef writer_members[] = {
	{"__weaklistoffset__", EXT_T_PYSSIZET,
	 offsetof(ext_writer, weakreflist), EXT_READONLY, NULL},
	{NULL, 0, 0, 0, NULL}
};

static PyType_Slot writer_slots[] = {
	{Py_tp_new, (void *)writer_new},
	{Py_tp_init, (void *)writer_init},
	{Py_tp_dealloc, (void *)writer_dealloc},
	{Py_tp_traverse, (void *)writer_traverse},
	{Py_tp_clear, (void *)writer_clear},
	{Py_tp_finalize, (void *)writer_finalize},
	{Py_tp_repr, (void *)writer_repr},
	{Py_tp_methods, writer_methods},
	{Py_tp_getset, writer_getset},
	{Py_tp_members, writer_members},
	{Py_tp_doc, (void *)
	 "Writer(dest, linktype=1, snaplen=262144, *, nanosecond=False, "
	 "append=False)\n--\n\n"
	 "A classic pcap savefile opened for writing.  dest is a path or a\n"
	 "binary file object (written from its current position; it is not\n"
	 "closed by close()); \"-\" is standard output, left open.\n"
	 "nanosecond=True writes a nanosecond-resolution\n"
	 "file.  append=True adds to an existing file with libpcap's checks\n"
	 "(a path, or a file object with a descriptor).  A packet longer\n"
	 "than snaplen is cut to it, its wire length kept, as a capture\n"
	 "would store it; a snaplen above what readers accept for the link\n"
	 "type (262144 for most; 0 or less: that) is lowered to it.  A\n"
	 "context manager; a closed Writer raises ValueError."},
	{0, NULL}
};

static PyType_Spec writer_spec = {
	.name = "libpcap.Writer",
	.basicsize = sizeof(ext_writer),
	.itemsize = 0,
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
	.slots = writer_slots,
};

int
ext_writer_init_type(PyObject *module, ext_state *st)
{
	return ext_add_type(module, &writer_spec, &st->WriterType);
}
