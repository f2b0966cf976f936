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

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <stdio_ext.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../savefile/savefile.h"

/* A pcapng path's stdio buffer: a write(2) per 256 KiB, not per 4 KiB
   (the GIL is then dropped around each of them). */
#define NG_PATH_BUFFER (256 * 1024)
#define DEFAULT_SNAPLEN 262144

enum { MODE_PATH, MODE_FD, MODE_OBJECT };
enum { FMT_PCAP, FMT_PCAPNG };

typedef struct {
	PyObject_HEAD
	PyObject *module;
	ext_state *st;
	pcap_t *dead;
	pcap_dumper_t *d;	/* pcap: NULL once closed */
	struct ngw *ng;		/* pcapng: NULL once closed */
	int fmt;
	int added_ifaces;	/* add_interface() was called */
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

/*
 * Path mode: may writing n more bytes to fp block, so that the GIL should
 * go?  For a pipe or device, always; for a regular file, when they do
 * not fit in what is left of the stream's buffer (stdio then write(2)s).
 */
static int
write_may_block(ext_writer *w, FILE *fp, size_t n)
{
	if (w->mode != MODE_PATH)
		return 0;	/* the cookie's write() drops the GIL itself */
	return w->may_block || fp == NULL ||
	       __fpending(fp) + n >= __fbufsize(fp);
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
	/* also the OSError of err (ENOSPC: "except OSError as e: e.errno") */
	return ext_raise_file(w->st, msg, err ? err : EIO, NULL);
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

static inline int
writer_is_open(const ext_writer *w)
{
	return w->d != NULL || w->ng != NULL;
}

static int
writer_check(ext_writer *w)
{
	if (!writer_is_open(w)) {
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

/* ---- pcapng ------------------------------------------------------------ */

/* None -> NULL, "" -> NULL (left out), str -> its UTF-8; -1 + TypeError /
   ValueError otherwise.  The text lives as long as o. */
static int
utf8_opt(PyObject *o, const char *what, const char **out)
{
	Py_ssize_t n;
	const char *s;

	*out = NULL;
	if (o == NULL || o == Py_None)
		return 0;
	if (!PyUnicode_Check(o)) {
		PyErr_Format(PyExc_TypeError, "%s must be str or None, not "
			     "%.200s", what, Py_TYPE(o)->tp_name);
		return -1;
	}
	s = PyUnicode_AsUTF8AndSize(o, &n);
	if (s == NULL)
		return -1;
	if ((size_t)n != strlen(s)) {
		PyErr_Format(PyExc_ValueError, "%s contains a NUL character",
			     what);
		return -1;
	}
	if (n > 0xFFF0) {
		PyErr_Format(PyExc_ValueError, "%s is longer than a pcapng "
			     "option holds (65,535 bytes)", what);
		return -1;
	}
	*out = n > 0 ? s : NULL;
	return 0;
}

/* The core's error after a failed ngw call: the file object's own
   exception, a write error (sticky), or a refusal of the arguments. */
static PyObject *
raise_ng_error(ext_writer *w)
{
	if (ext_exc_restore(&w->exc))
		return NULL;
	if (ngw_failed(w->ng))
		return raise_write_error(w, ngw_errno(w->ng));
	PyErr_SetString(PyExc_ValueError, ngw_geterr(w->ng));
	return NULL;
}

/* Open the stream for a pcapng file and write (or find) its section. */
static int
open_ng(ext_writer *w, ext_src_kind kind, PyObject *dest, const char *path,
	int fd, int append, const struct ngw_section *sec)
{
	cookie_io_functions_t fdio = {NULL, fd_cookie_write, NULL,
				      fd_cookie_close};
	cookie_io_functions_t objio = {NULL, object_cookie_write, NULL,
				       object_cookie_close};
	char procpath[64], eb[PCAP_ERRBUF_SIZE];
	FILE *fp = NULL;
	struct ngw *ng;
	int err = 0;

	if (kind == EXT_SRC_FD && append) {
		/* Reopen the same file, to read it before appending. */
		snprintf(procpath, sizeof procpath, "/proc/self/fd/%d", fd);
		path = procpath;
		kind = EXT_SRC_PATH;
	}
	switch (kind) {
	case EXT_SRC_PATH:
		w->mode = MODE_PATH;
		Py_BEGIN_ALLOW_THREADS
		fp = fopen(path, append ? "r+b" : "wb");
		if (fp == NULL && append && errno == ENOENT) {
			append = 0;	/* nothing to append to: a new file */
			fp = fopen(path, "wb");
		}
		err = errno;
		Py_END_ALLOW_THREADS
		if (path == procpath)
			close(fd);
		if (fp == NULL) {
			snprintf(eb, sizeof eb, "%s: %s", path, strerror(err));
			ext_raise_file(w->st, eb, err, path);
			return -1;
		}
		(void)setvbuf(fp, NULL, _IOFBF, NG_PATH_BUFFER);
		break;
	case EXT_SRC_FD:
		w->fd = fd;
		w->mode = MODE_FD;
		fp = fopencookie(w, "wb", fdio);
		break;
	case EXT_SRC_OBJECT:
		if (append) {
			PyErr_SetString(PyExc_ValueError,
					"append=True needs a path or a file "
					"object with a descriptor");
			return -1;
		}
		w->target = Py_NewRef(dest);
		w->mode = MODE_OBJECT;
		fp = fopencookie(w, "wb", objio);
		break;
	}
	if (fp == NULL) {
		PyErr_SetFromErrno(PyExc_OSError);
		return -1;
	}
	w->stream_closed = 0;
	if (w->mode == MODE_PATH) {
		Py_BEGIN_ALLOW_THREADS
		ng = append ? ngw_open_append(fp, sec, eb) : ngw_open(fp, sec, eb);
		Py_END_ALLOW_THREADS
	} else {
		ng = ngw_open(fp, sec, eb);
	}
	if (ng == NULL) {
		if (!w->stream_closed)
			fclose(fp);
		if (w->fd >= 0) {
			close(w->fd);
			w->fd = -1;
		}
		Py_CLEAR(w->target);
		if (w->exc.type != NULL)
			ext_exc_restore(&w->exc);
		else
			ext_raise(w->st->PcapFileError, PCAP_ERROR, eb);
		return -1;
	}
	w->ng = ng;
	return 0;
}

/* Interface 0 from the constructor's link type and snaplen, when a packet
   is written before any interface was added. */
static int
ng_default_iface(ext_writer *w)
{
	struct ngw_iface ifc;

	if (ngw_iface_count(w->ng) > 0)
		return 0;
	memset(&ifc, 0, sizeof ifc);
	ifc.dlt = w->linktype;
	ifc.snaplen = (uint32_t)w->snaplen;
	ifc.tsresol_code = 9;
	if (ngw_add_iface(w->ng, &ifc) < 0) {
		raise_ng_error(w);
		return -1;
	}
	return 0;
}

/* "comment": a str or a sequence of str, as UTF-8 arrays for the core.
   *seq holds the references; NULL/None: no comment. */
#define MAX_COMMENTS 4096
static int
comments_arg(PyObject *o, PyObject **seq, const char **texts, size_t *lens,
	     size_t *n)
{
	Py_ssize_t i, k;

	*seq = NULL;
	*n = 0;
	if (o == NULL || o == Py_None)
		return 0;
	if (PyUnicode_Check(o))
		*seq = PyTuple_Pack(1, o);
	else
		*seq = PySequence_Fast(o, "comment must be a str or a "
				       "sequence of str");
	if (*seq == NULL)
		return -1;
	k = PySequence_Fast_GET_SIZE(*seq);
	if (k > MAX_COMMENTS) {
		PyErr_Format(PyExc_ValueError, "more than %d comments",
			     MAX_COMMENTS);
		goto fail;
	}
	for (i = 0; i < k; i++) {
		PyObject *c = PySequence_Fast_GET_ITEM(*seq, i);
		Py_ssize_t len;

		if (!PyUnicode_Check(c)) {
			PyErr_Format(PyExc_TypeError, "a comment must be str, "
				     "not %.200s", Py_TYPE(c)->tp_name);
			goto fail;
		}
		texts[i] = PyUnicode_AsUTF8AndSize(c, &len);
		if (texts[i] == NULL)
			goto fail;
		lens[i] = (size_t)len;
	}
	*n = (size_t)k;
	return 0;
fail:
	Py_CLEAR(*seq);
	return -1;
}

/* Write one packet to the pcapng file; the GIL is dropped as for pcap. */
static PyObject *
ng_dump(ext_writer *w, PyObject *iface, int64_t sec, uint32_t nsec,
	const unsigned char *data, size_t len, uint32_t wirelen,
	PyObject *comment, uint32_t flags, int flags_given)
{
	const char *texts[MAX_COMMENTS];
	size_t lens[MAX_COMMENTS];
	struct ngw_packet pk;
	PyObject *seq = NULL;
	unsigned long id = 0;
	int rc;

	if (iface != NULL && iface != Py_None) {
		id = PyLong_AsUnsignedLong(iface);
		if (id == (unsigned long)-1 && PyErr_Occurred()) {
			if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
				PyErr_Clear();
				PyErr_SetString(PyExc_ValueError,
						"no such interface");
			}
			return NULL;
		}
		if (id > UINT32_MAX) {
			PyErr_SetString(PyExc_ValueError, "no such interface");
			return NULL;
		}
	} else {
		/* A capture on "any" (LINUX_SLL2): one interface per real
		   one, unless the caller laid the interfaces out. */
		int cooked = w->added_ifaces ? -2 :
			     ngw_iface_for_cooked(w->ng, w->linktype,
						  (uint32_t)w->snaplen, data,
						  len > UINT32_MAX ? 0
								   : (uint32_t)len);

		if (cooked == -1)
			return raise_ng_error(w);
		if (cooked >= 0)
			id = (unsigned long)cooked;
		else if (ng_default_iface(w) < 0)
			return NULL;
	}
	if (len > UINT32_MAX) {
		PyErr_SetString(PyExc_OverflowError,
				"data is longer than 2**32-1 bytes");
		return NULL;
	}
	if (comments_arg(comment, &seq, texts, lens, &pk.ncomments) < 0)
		return NULL;
	pk.iface = (uint32_t)id;
	pk.sec = sec;
	pk.nsec = nsec;
	pk.caplen = (uint32_t)len;
	pk.wirelen = wirelen < pk.caplen ? pk.caplen : wirelen;
	pk.data = data;
	pk.flags = flags;
	/* Without flags given, a cooked capture's header tells them. */
	pk.flags_from_link = !flags_given;
	pk.comments = texts;
	pk.comment_lens = lens;
	w->busy = 1;
	if (write_may_block(w, ngw_file(w->ng), 32 + len)) {
		Py_BEGIN_ALLOW_THREADS
		rc = ngw_write(w->ng, &pk);
		Py_END_ALLOW_THREADS
	} else {
		rc = ngw_write(w->ng, &pk);
	}
	w->busy = 0;
	Py_XDECREF(seq);
	if (rc < 0)
		return raise_ng_error(w);
	Py_RETURN_NONE;
}

/* The pcap format has no interfaces, comments or flags to give. */
static int
pcap_extras_refused(PyObject *iface, PyObject *comment, PyObject *flags)
{
	if ((comment != NULL && comment != Py_None) ||
	    (flags != NULL && flags != Py_None)) {
		PyErr_SetString(PyExc_ValueError, "comment and flags need a "
				"pcapng Writer (format=\"pcapng\")");
		return -1;
	}
	if (iface != NULL && iface != Py_None) {
		long id = PyLong_AsLong(iface);

		if (id == -1 && PyErr_Occurred())
			return -1;
		if (id != 0) {
			PyErr_SetString(PyExc_ValueError, "a pcap file has one "
					"interface, 0");
			return -1;
		}
	}
	return 0;
}

/* flags: not given -> dflt, None -> 0, else an unsigned 32-bit int. */
static int
flags_arg(PyObject *o, uint32_t dflt, uint32_t *out)
{
	unsigned long v;

	*out = dflt;
	if (o == NULL)
		return 0;
	*out = 0;
	if (o == Py_None)
		return 0;
	v = PyLong_AsUnsignedLong(o);
	if ((v == (unsigned long)-1 && PyErr_Occurred()) || v > UINT32_MAX) {
		if (!PyErr_Occurred() ||
		    PyErr_ExceptionMatches(PyExc_OverflowError)) {
			PyErr_Clear();
			PyErr_SetString(PyExc_ValueError,
					"flags must be in 0 .. 2**32-1");
		}
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
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
	if (w->ng != NULL) {
		char eb[PCAP_ERRBUF_SIZE];
		struct ngw *ng = w->ng;

		/* A file without an interface is one libpcap refuses to open:
		   give an empty one its interface 0. */
		if (ngw_iface_count(ng) == 0 && !ngw_failed(ng)) {
			struct ngw_iface ifc;

			memset(&ifc, 0, sizeof ifc);
			ifc.dlt = w->linktype;
			ifc.snaplen = (uint32_t)w->snaplen;
			ifc.tsresol_code = 9;
			(void)ngw_add_iface(ng, &ifc);
		}

		w->ng = NULL;
		w->busy = 1;
		if (w->mode == MODE_PATH) {
			Py_BEGIN_ALLOW_THREADS
			rc = ngw_close(ng, 1, eb);
			*err = errno;
			Py_END_ALLOW_THREADS
		} else {
			rc = ngw_close(ng, 1, eb);
			*err = errno;
		}
		w->busy = 0;
	}
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

	if (!writer_is_open(w) && w->dead == NULL)
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

/* A path that names a pcapng file by its suffix. */
static int
ng_suffix(const char *path)
{
	size_t n = strlen(path);

	return (n >= 7 && strcasecmp(path + n - 7, ".pcapng") == 0) ||
	       (n >= 5 && strcasecmp(path + n - 5, ".ntar") == 0);
}

static int
writer_init(PyObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"dest", "linktype", "snaplen", "nanosecond",
				 "append", "format", "hardware", "os",
				 "application", "comment", NULL};
	ext_writer *w = (ext_writer *)self;
	PyObject *dest, *path = NULL, *format = Py_None;
	PyObject *o_hw = Py_None, *o_os = Py_None, *o_app = Py_None;
	PyObject *o_comment = Py_None;
	int linktype = 1, snaplen = DEFAULT_SNAPLEN, nano = 0, append = 0;
	int fd = -1, rc, fmt;
	ext_src_kind kind;
	pcap_dumper_t *d = NULL;
	PyObject *stdout_ref = NULL;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|ii$ppOOOOO:Writer",
					 kwlist, &dest, &linktype, &snaplen,
					 &nano, &append, &format, &o_hw, &o_os,
					 &o_app, &o_comment))
		return -1;
	if (format != Py_None && !PyUnicode_Check(format)) {
		PyErr_SetString(PyExc_TypeError,
				"format must be 'pcap', 'pcapng' or None");
		return -1;
	}
	if (format != Py_None &&
	    PyUnicode_CompareWithASCIIString(format, "pcap") != 0 &&
	    PyUnicode_CompareWithASCIIString(format, "pcapng") != 0) {
		PyErr_Format(PyExc_ValueError, "unknown format %R: 'pcap' or "
			     "'pcapng'", format);
		return -1;
	}
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
	/* The format: as asked, else by the path's suffix, else pcap. */
	if (format != Py_None)
		fmt = PyUnicode_CompareWithASCIIString(format, "pcapng") == 0 ?
		      FMT_PCAPNG : FMT_PCAP;
	else
		fmt = kind == EXT_SRC_PATH && ng_suffix(PyBytes_AS_STRING(path)) ?
		      FMT_PCAPNG : FMT_PCAP;
	if (fmt == FMT_PCAP && (o_hw != Py_None || o_os != Py_None ||
				o_app != Py_None || o_comment != Py_None)) {
		PyErr_SetString(PyExc_ValueError, "hardware, os, application "
				"and comment are pcapng section options "
				"(format=\"pcapng\")");
		goto fail_classified;
	}
	if (fmt == FMT_PCAPNG) {
		struct ngw_section sec;
		char osname[256];
		struct utsname u;

		memset(&sec, 0, sizeof sec);
		if (utf8_opt(o_hw, "hardware", &sec.hardware) < 0 ||
		    utf8_opt(o_os, "os", &sec.os) < 0 ||
		    utf8_opt(o_app, "application", &sec.application) < 0 ||
		    utf8_opt(o_comment, "comment", &sec.comment) < 0)
			goto fail_classified;
		/* Defaults, as capture tools write them; "" leaves one out. */
		if (o_os == Py_None && uname(&u) == 0) {
			snprintf(osname, sizeof osname, "%s %s", u.sysname,
				 u.release);
			sec.os = osname;
		}
		if (o_app == Py_None)
			sec.application = "libpcap for Python";
		pcap_close(w->dead);	/* a pcap dumper's, not needed */
		w->dead = NULL;
		w->fmt = FMT_PCAPNG;
		w->nano = 1;
		w->busy = 1;
		rc = open_ng(w, kind, dest,
			     kind == EXT_SRC_PATH ? PyBytes_AS_STRING(path) : NULL,
			     fd, append, &sec);
		w->busy = 0;
		Py_XDECREF(path);
		Py_XDECREF(stdout_ref);
		if (rc < 0)
			return -1;
		w->opened = 1;
		goto opened;
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
opened:
	if (w->mode == MODE_PATH) {
		FILE *f = w->d != NULL ? pcap_dump_file(w->d) : ngw_file(w->ng);
		struct stat sb;

		w->may_block = f == NULL || fstat(fileno(f), &sb) < 0 ||
			       !S_ISREG(sb.st_mode);
	}
	return 0;
fail_classified:
	Py_XDECREF(path);
	Py_XDECREF(stdout_ref);
fail:
	if (w->dead != NULL)
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

	if (!writer_is_open(w) && w->dead == NULL)
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

/* One pcap record (the core cuts it to the snapshot length, as a capture
   would). */
static PyObject *
writer_dump(ext_writer *w, int64_t sec, uint32_t nsec,
	    const unsigned char *data, size_t len, uint32_t wirelen)
{
	size_t caplen = len > (size_t)w->snaplen ? (size_t)w->snaplen : len;
	int err = 0, rc;

	w->busy = 1;
	if (write_may_block(w, pcap_dump_file(w->d), 16 + caplen)) {
		Py_BEGIN_ALLOW_THREADS
		errno = 0;
		rc = sf_dump_record(w->d, sec, nsec, data, len, wirelen,
				    (uint32_t)w->snaplen);
		err = errno;
		Py_END_ALLOW_THREADS
	} else {
		errno = 0;
		rc = sf_dump_record(w->d, sec, nsec, data, len, wirelen,
				    (uint32_t)w->snaplen);
		err = errno;
	}
	w->busy = 0;
	if (rc == SF_DUMP_TS_RANGE) {
		PyErr_SetString(PyExc_OverflowError,
				"timestamp out of range for a pcap file "
				"(seconds must fit 32 unsigned bits)");
		return NULL;
	}
	if (check_stream(w, err) < 0)
		return NULL;
	Py_RETURN_NONE;
}

/*
 * Keyword arguments by name into out[] (NULL: not given), after npos
 * positional ones; -1 with TypeError on an unknown or repeated name.
 */
static int
parse_kw(const char *fn, PyObject *const *args, Py_ssize_t nargs,
	 PyObject *kwnames, const char *const *names, int nnames, int npos,
	 PyObject **out)
{
	Py_ssize_t i, nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;

	if (nargs > npos) {
		PyErr_Format(PyExc_TypeError, "%s() takes at most %d "
			     "positional arguments (%zd given)", fn, npos,
			     nargs);
		return -1;
	}
	for (i = 0; i < nargs; i++)
		out[i] = args[i];
	for (i = 0; i < nkw; i++) {
		PyObject *key = PyTuple_GET_ITEM(kwnames, i);
		int j;

		for (j = 0; j < nnames; j++)
			if (PyUnicode_CompareWithASCIIString(key, names[j]) == 0)
				break;
		if (j == nnames) {
			PyErr_Format(PyExc_TypeError, "%s() got an unexpected "
				     "keyword argument '%U'", fn, key);
			return -1;
		}
		if (out[j] != NULL) {
			PyErr_Format(PyExc_TypeError, "%s() got multiple values "
				     "for argument '%s'", fn, names[j]);
			return -1;
		}
		out[j] = args[nargs + i];
	}
	return 0;
}

/* One Packet with its own comments and flags unless told otherwise. */
static PyObject *
write_packet(ext_writer *w, PyObject *arg, PyObject *iface,
	     PyObject *comment, PyObject *flags)
{
	ext_packet *pk;
	uint32_t fl;

	if (Py_TYPE(arg) != w->st->PacketType) {
		PyErr_Format(PyExc_TypeError,
			     "write() expects a Packet, not %.200s "
			     "(use write_bytes() for raw bytes)",
			     Py_TYPE(arg)->tp_name);
		return NULL;
	}
	pk = (ext_packet *)arg;
	if (w->fmt == FMT_PCAP) {
		if (pcap_extras_refused(iface, comment, flags) < 0)
			return NULL;
		return writer_dump(w, pk->sec, pk->nsec,
				   (const unsigned char *)PyBytes_AS_STRING(pk->data),
				   pk->caplen, pk->wirelen);
	}
	if (flags_arg(flags, pk->flags, &fl) < 0)
		return NULL;
	return ng_dump(w, iface, pk->sec, pk->nsec,
		       (const unsigned char *)PyBytes_AS_STRING(pk->data),
		       pk->caplen, pk->wirelen,
		       comment != NULL ? comment : pk->comments, fl,
		       flags != NULL);
}

/* write(packet, /, *, interface=None, comment=<packet's>, flags=<packet's>) */
static PyObject *
writer_write(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
	     PyObject *kwnames)
{
	static const char *const names[] = {"packet", "interface", "comment",
					    "flags"};
	ext_writer *w = (ext_writer *)self;
	PyObject *a[4] = {NULL, NULL, NULL, NULL};

	if (writer_check(w) < 0)
		return NULL;
	if (nargs == 1 && kwnames == NULL)
		return write_packet(w, args[0], NULL, NULL, NULL);
	if (parse_kw("write", args, nargs, kwnames, names, 4, 1, a) < 0)
		return NULL;
	if (a[0] == NULL || (kwnames != NULL && nargs == 0)) {
		PyErr_SetString(PyExc_TypeError,
				"write() takes the packet as its one "
				"positional argument");
		return NULL;
	}
	return write_packet(w, a[0], a[1], a[2], a[3]);
}

/* write_bytes(data, ts_ns, wirelen=None, *, interface=None, comment=None,
   flags=None) */
static PyObject *
writer_write_bytes(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
		   PyObject *kwnames)
{
	static const char *const names[] = {"data", "ts_ns", "wirelen",
					    "interface", "comment", "flags"};
	ext_writer *w = (ext_writer *)self;
	PyObject *argv[6] = {NULL, NULL, NULL, NULL, NULL, NULL}, *res;
	Py_buffer view;
	int64_t sec;
	uint32_t nsec, fl;
	unsigned long wirelen;
	int i;

	if (parse_kw("write_bytes", args, nargs, kwnames, names, 6, 3,
		     argv) < 0)
		return NULL;
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
	if (w->fmt == FMT_PCAP &&
	    pcap_extras_refused(argv[3], argv[4], argv[5]) < 0)
		return NULL;
	if (flags_arg(argv[5], 0, &fl) < 0)
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
	if (w->fmt == FMT_PCAPNG)
		res = ng_dump(w, argv[3], sec, nsec, view.buf,
			      (size_t)view.len, (uint32_t)wirelen, argv[4], fl,
			      argv[5] != NULL);
	else
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
		res = write_packet(w, item, NULL, NULL, NULL);
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

static int u64_arg(PyObject *o, const char *what, uint64_t *out);

static int
ng_check(ext_writer *w, const char *what)
{
	if (writer_check(w) < 0)
		return -1;
	if (w->fmt != FMT_PCAPNG) {
		PyErr_Format(PyExc_ValueError, "%s needs a pcapng Writer "
			     "(format=\"pcapng\")", what);
		return -1;
	}
	return 0;
}

/* add_interface(linktype=None, snaplen=None, *, name=None, ...) -> id */
static PyObject *
writer_add_interface(PyObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"linktype", "snaplen", "name", "description",
				 "filter", "os", "hardware", "tsresol",
				 "tsoffset", "speed", NULL};
	ext_writer *w = (ext_writer *)self;
	PyObject *o_lt = Py_None, *o_snap = Py_None, *o_name = Py_None;
	PyObject *o_desc = Py_None, *o_filter = Py_None, *o_os = Py_None;
	PyObject *o_hw = Py_None, *o_speed = Py_None;
	int tsresol = 9;
	long long tsoffset = 0;
	struct ngw_iface ifc;
	int id;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "|OO$OOOOOiLO:add_interface",
					 kwlist, &o_lt, &o_snap, &o_name,
					 &o_desc, &o_filter, &o_os, &o_hw,
					 &tsresol, &tsoffset, &o_speed))
		return NULL;
	if (ng_check(w, "add_interface()") < 0)
		return NULL;
	memset(&ifc, 0, sizeof ifc);
	ifc.dlt = w->linktype;
	if (o_lt != Py_None) {
		long v = PyLong_AsLong(o_lt);

		if (v == -1 && PyErr_Occurred())
			return NULL;
		if (v < INT_MIN || v > INT_MAX) {
			PyErr_SetString(PyExc_ValueError, "no such link type");
			return NULL;
		}
		ifc.dlt = (int)v;
	}
	ifc.snaplen = o_lt == Py_None ? (uint32_t)w->snaplen
				      : dl_max_snaplen_for_dlt(ifc.dlt);
	if (o_snap != Py_None) {
		long v = PyLong_AsLong(o_snap);

		if (v == -1 && PyErr_Occurred())
			return NULL;
		/* 0 or less: the link type's maximum, as for pcap */
		ifc.snaplen = v <= 0 || (unsigned long)v >
			      dl_max_snaplen_for_dlt(ifc.dlt) ?
			      dl_max_snaplen_for_dlt(ifc.dlt) : (uint32_t)v;
	}
	if (tsresol < 0 || tsresol > 255) {
		PyErr_SetString(PyExc_ValueError,
				"tsresol is the if_tsresol byte: 0 .. 255");
		return NULL;
	}
	ifc.tsresol_code = (uint8_t)tsresol;
	ifc.tsoffset = tsoffset;
	if (o_speed != Py_None && u64_arg(o_speed, "speed", &ifc.speed) < 0)
		return NULL;
	if (utf8_opt(o_name, "name", &ifc.name) < 0 ||
	    utf8_opt(o_desc, "description", &ifc.description) < 0 ||
	    utf8_opt(o_filter, "filter", &ifc.filter) < 0 ||
	    utf8_opt(o_os, "os", &ifc.os) < 0 ||
	    utf8_opt(o_hw, "hardware", &ifc.hardware) < 0)
		return NULL;
	w->busy = 1;
	id = ngw_add_iface(w->ng, &ifc);
	w->busy = 0;
	w->added_ifaces = 1;
	if (id < 0)
		return raise_ng_error(w);
	return PyLong_FromLong(id);
}

/* add_name(address, name): an entry of the Name Resolution Block. */
static PyObject *
writer_add_name(PyObject *self, PyObject *args)
{
	ext_writer *w = (ext_writer *)self;
	const char *addr, *name;
	unsigned char buf[16];
	int af;

	if (!PyArg_ParseTuple(args, "ss:add_name", &addr, &name))
		return NULL;
	if (ng_check(w, "add_name()") < 0)
		return NULL;
	if (inet_pton(AF_INET, addr, buf) == 1)
		af = AF_INET;
	else if (inet_pton(AF_INET6, addr, buf) == 1)
		af = AF_INET6;
	else {
		PyErr_Format(PyExc_ValueError, "%s is not an IPv4 or IPv6 "
			     "address", addr);
		return NULL;
	}
	if (ngw_add_name(w->ng, af, buf, name) < 0)
		return raise_ng_error(w);
	Py_RETURN_NONE;
}

/* An unsigned 64-bit count; a negative or too big one is a ValueError. */
static int
u64_arg(PyObject *o, const char *what, uint64_t *out)
{
	*out = PyLong_AsUnsignedLongLong(o);
	if (*out == (unsigned long long)-1 && PyErr_Occurred()) {
		if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
			PyErr_Clear();
			PyErr_Format(PyExc_ValueError, "%s must be in "
				     "0 .. 2**64-2", what);
		}
		return -1;
	}
	if (*out == UINT64_MAX) {
		PyErr_Format(PyExc_ValueError, "%s must be in 0 .. 2**64-2",
			     what);
		return -1;
	}
	return 0;
}

/* One statistics counter: None = not known. */
static int
stat_arg(PyObject *o, uint64_t *out)
{
	*out = UINT64_MAX;
	if (o == Py_None)
		return 0;
	return u64_arg(o, "a statistics counter", out);
}

/* set_stats(interface, *, received=None, dropped=None, os_dropped=None,
   delivered=None): an Interface Statistics Block at close. */
static PyObject *
writer_set_stats(PyObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"interface", "received", "dropped",
				 "os_dropped", "delivered", NULL};
	ext_writer *w = (ext_writer *)self;
	PyObject *o[4] = {Py_None, Py_None, Py_None, Py_None};
	unsigned int iface;
	struct ngw_stats stats;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "I|$OOOO:set_stats",
					 kwlist, &iface, &o[0], &o[1], &o[2],
					 &o[3]))
		return NULL;
	if (ng_check(w, "set_stats()") < 0)
		return NULL;
	if (stat_arg(o[0], &stats.received) < 0 ||
	    stat_arg(o[1], &stats.dropped) < 0 ||
	    stat_arg(o[2], &stats.os_dropped) < 0 ||
	    stat_arg(o[3], &stats.delivered) < 0)
		return NULL;
	if (ngw_set_stats(w->ng, iface, &stats) < 0)
		return raise_ng_error(w);
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
	if (w->mode == MODE_PATH) {
		Py_BEGIN_ALLOW_THREADS
		rc = w->ng ? ngw_flush(w->ng) : pcap_dump_flush(w->d);
		err = errno;
		Py_END_ALLOW_THREADS
	} else {
		rc = w->ng ? ngw_flush(w->ng) : pcap_dump_flush(w->d);
		err = errno;
	}
	w->busy = 0;
	if (w->ng != NULL && rc < 0)
		return raise_ng_error(w);
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
	if (!writer_is_open(w))
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
	if (!writer_is_open((ext_writer *)self))
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

	if (!writer_is_open(w))
		return PyUnicode_FromFormat("<%s closed>", Py_TYPE(self)->tp_name);
	if (w->fmt == FMT_PCAPNG)
		return PyUnicode_FromFormat("<%s pcapng interfaces=%u>",
					    Py_TYPE(self)->tp_name,
					    (unsigned)ngw_iface_count(w->ng));
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
	return PyBool_FromLong(!writer_is_open((ext_writer *)self));
}

static PyObject *
get_format(PyObject *self, void *c)
{
	(void)c;
	return PyUnicode_FromString(((ext_writer *)self)->fmt == FMT_PCAPNG ?
				    "pcapng" : "pcap");
}

static PyObject *
get_interfaces(PyObject *self, void *c)
{
	ext_writer *w = (ext_writer *)self;
	uint32_t i, n;
	PyObject *t;

	(void)c;
	if (w->ng == NULL)
		return PyTuple_New(0);
	n = ngw_iface_count(w->ng);
	t = PyTuple_New((Py_ssize_t)n);
	for (i = 0; t != NULL && i < n; i++) {
		PyObject *o = ext_interface_from_writer(
			w->st, ngw_iface_at(w->ng, i), i, 0);

		if (o == NULL)
			Py_CLEAR(t);
		else
			PyTuple_SET_ITEM(t, i, o);
	}
	return t;
}

static PyGetSetDef writer_getset[] = {
	{"format", get_format, NULL, "'pcap' or 'pcapng'.", NULL},
	{"interfaces", get_interfaces, NULL,
	 "pcapng: the interfaces of the section being written (those found "
	 "when appending first), a tuple of Interface.", NULL},
	{"linktype", get_linktype, NULL, "Link-layer type (DLT_ value).", NULL},
	{"snaplen", get_snaplen, NULL, "Snapshot length in the header.", NULL},
	{"nanosecond", get_nanosecond, NULL,
	 "True for a nanosecond-resolution file.", NULL},
	{"closed", get_closed, NULL, "True once close() was called.", NULL},
	{NULL, NULL, NULL, NULL, NULL}
};

static PyMethodDef writer_methods[] = {
	{"write", (PyCFunction)(void (*)(void))writer_write,
	 METH_FASTCALL | METH_KEYWORDS,
	 "write($self, packet, /, *, interface=None, comment=None, flags=None)"
	 "\n--\n\n"
	 "Append one Packet to the file.  pcapng: on interface (an id from\n"
	 "add_interface; default 0, created from the Writer's linktype and\n"
	 "snaplen if none was added), with comment (a str or a sequence of\n"
	 "str) and flags (epb_flags) defaulting to the packet's own.  pcap:\n"
	 "the packet's comments and flags are left out; giving them is an\n"
	 "error."},
	{"write_bytes", (PyCFunction)(void (*)(void))writer_write_bytes,
	 METH_FASTCALL | METH_KEYWORDS,
	 "write_bytes($self, data, ts_ns, wirelen=None, *, interface=None, "
	 "comment=None, flags=None)\n--\n\n"
	 "Append one packet given as a bytes-like object and an integer\n"
	 "nanosecond timestamp; wirelen defaults to len(data).  In a\n"
	 "microsecond file the timestamp is truncated to microseconds.\n"
	 "interface, comment and flags as for write() (pcapng only)."},
	{"add_interface", (PyCFunction)(void (*)(void))writer_add_interface,
	 METH_VARARGS | METH_KEYWORDS,
	 "add_interface($self, linktype=None, snaplen=None, *, name=None, "
	 "description=None, filter=None, os=None, hardware=None, tsresol=9, "
	 "tsoffset=0, speed=None)\n--\n\n"
	 "pcapng: write an Interface Description Block and return its id.\n"
	 "linktype defaults to the Writer's (snaplen then too); tsresol is\n"
	 "the if_tsresol byte (9: nanoseconds, 6: microseconds, 0x80|k:\n"
	 "2**-k seconds); tsoffset is in seconds."},
	{"add_name", writer_add_name, METH_VARARGS,
	 "add_name($self, address, name, /)\n--\n\n"
	 "pcapng: a name for an IPv4 or IPv6 address, written in a Name\n"
	 "Resolution Block when the Writer closes."},
	{"set_stats", (PyCFunction)(void (*)(void))writer_set_stats,
	 METH_VARARGS | METH_KEYWORDS,
	 "set_stats($self, interface, *, received=None, dropped=None, "
	 "os_dropped=None, delivered=None)\n--\n\n"
	 "pcapng: an interface's counters, written in an Interface\n"
	 "Statistics Block (with the first and last packet's time) when the\n"
	 "Writer closes."},
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
	 "append=False, format=None, hardware=None, os=None, "
	 "application=None, comment=None)\n--\n\n"
	 "A pcap or pcapng savefile opened for writing: format \"pcap\" or\n"
	 "\"pcapng\"; None means pcapng for a path ending in .pcapng (or\n"
	 ".ntar), else pcap.  pcapng files have nanosecond time stamps by\n"
	 "default, interfaces (add_interface; interface 0 from linktype and\n"
	 "snaplen otherwise), per-packet comments and flags, the section\n"
	 "options hardware, os, application (defaults: this system, this\n"
	 "library; \"\" leaves one out) and comment; append=True continues\n"
	 "the file's last section (its interfaces keep their ids).\n\n"
	 "A classic pcap savefile:  dest is a path or a\n"
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
