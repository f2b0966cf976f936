/*
 * fileobj.c - how a Python argument names a savefile: a path (str, bytes,
 * os.PathLike), a plain binary file (io.FileIO, or io's buffered files over
 * one) whose descriptor we read or write directly, or any other file
 * object (io.BytesIO, gzip/bz2/lzma files, a socket wrapper, a buffered
 * pipe, ...), used through its read() or write() only.  For the
 * descriptor case the caller gets its own dup() positioned where the Python
 * object says it is, so closing the Reader/Writer never closes the caller's
 * file.
 */
#include "native.h"

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

static int
is_pathlike(ext_state *st, PyObject *obj)
{
	return PyUnicode_Check(obj) || PyBytes_Check(obj) ||
	       PyObject_HasAttr((PyObject *)Py_TYPE(obj), st->s_fspath);
}

/* obj.fileno() as an int, or -1 when the object has no descriptor (the
   exceptions file objects use to say so are swallowed); -2 on error. */
static int
object_fileno(ext_state *st, PyObject *obj)
{
	PyObject *r = PyObject_CallMethodNoArgs(obj, st->s_fileno);
	long fd;

	if (r == NULL) {
		if (PyErr_ExceptionMatches(PyExc_AttributeError) ||
		    PyErr_ExceptionMatches(PyExc_OSError)) {
			PyErr_Clear();	/* io.UnsupportedOperation and friends */
			return -1;
		}
		return -2;
	}
	fd = PyLong_AsLong(r);
	Py_DECREF(r);
	if (fd == -1 && PyErr_Occurred())
		return -2;
	if (fd < 0 || fd > INT32_MAX)
		return -1;
	return (int)fd;
}

/* obj.tell(), or -1 when the stream cannot tell (a pipe); -2 on error. */
static long long
object_tell(ext_state *st, PyObject *obj)
{
	PyObject *r = PyObject_CallMethodNoArgs(obj, st->s_tell);
	long long pos;

	if (r == NULL) {
		if (PyErr_ExceptionMatches(PyExc_AttributeError) ||
		    PyErr_ExceptionMatches(PyExc_OSError)) {
			PyErr_Clear();
			return -1;
		}
		return -2;
	}
	pos = PyLong_AsLongLong(r);
	Py_DECREF(r);
	if (pos == -1 && PyErr_Occurred())
		return -2;
	return pos < 0 ? -1 : pos;
}

/* 1 if obj is a file whose descriptor holds exactly the bytes read() and
   write() move: an io.FileIO, or one of io's buffered files over one
   (what open(path, "rb"/"wb"/"r+b") gives); 0 otherwise; -1 on error. */
static int
plain_file(ext_state *st, PyObject *obj)
{
	PyObject *raw;
	int r = PyObject_IsInstance(obj, st->plain_files);

	if (r != 0)
		return r;
	r = PyObject_IsInstance(obj, st->buffered_files);
	if (r <= 0)
		return r;
	raw = PyObject_GetAttr(obj, st->s_raw);
	if (raw == NULL) {
		PyErr_Clear();
		return 0;
	}
	r = PyObject_IsInstance(raw, st->plain_files);
	Py_DECREF(raw);
	return r;
}

int
ext_classify(ext_state *st, PyObject *obj, int writing, ext_src_kind *kind,
	     PyObject **path, int *fd)
{
	PyObject *needed = writing ? st->s_write : st->s_read;
	long long pos;
	int ofd, nfd, is_text;

	if (is_pathlike(st, obj)) {
		if (PyBytes_Check(obj) &&
		    memchr(PyBytes_AS_STRING(obj), 0,
			   (size_t)PyBytes_GET_SIZE(obj)) != NULL) {
			PyErr_SetString(PyExc_ValueError,
					"bytes are taken as a path, and these "
					"hold a NUL byte; for a capture in "
					"memory pass io.BytesIO(data)");
			return -1;
		}
		if (!PyUnicode_FSConverter(obj, path))
			return -1;
		*kind = EXT_SRC_PATH;
		return 0;
	}
	if (!PyObject_HasAttr(obj, needed)) {
		PyErr_Format(PyExc_TypeError,
			     "expected a path or a binary file object with "
			     "%U(), not %.200s", needed, Py_TYPE(obj)->tp_name);
		return -1;
	}
	{
		/* A file opened the other way fails now, not at the first
		   write (or at garbage collection). */
		PyObject *able = PyObject_GetAttr(
			obj, writing ? st->s_writable : st->s_readable);

		if (able == NULL) {
			PyErr_Clear();
		} else {
			PyObject *r = PyObject_CallNoArgs(able);

			Py_DECREF(able);
			if (r == NULL)
				return -1;
			if (r == Py_False) {
				PyObject *io = PyImport_ImportModule("io"), *exc;

				Py_DECREF(r);
				exc = io ? PyObject_GetAttrString(
					io, "UnsupportedOperation") : NULL;
				Py_XDECREF(io);
				if (exc == NULL)
					return -1;
				PyErr_SetString(exc, writing ?
						"the file object is not open for "
						"writing" :
						"the file object is not open for "
						"reading");
				Py_DECREF(exc);
				return -1;
			}
			Py_DECREF(r);
		}
	}
	is_text = PyObject_IsInstance(obj, st->TextIOBase);
	if (is_text < 0)
		return -1;
	if (is_text) {
		PyErr_SetString(PyExc_TypeError,
				"a binary file object is required, not a text "
				"stream (open the file with 'rb'/'wb')");
		return -1;
	}
	if (writing && PyObject_HasAttr(obj, st->s_flush)) {
		/* Bytes still in the object's own buffer go first. */
		PyObject *r = PyObject_CallMethodNoArgs(obj, st->s_flush);

		if (r == NULL)
			return -1;
		Py_DECREF(r);
	}
	switch (plain_file(st, obj)) {
	case -1:
		return -1;
	case 0:
		/* Its fileno()/tell() need not describe the bytes read() and
		   write() move (gzip, bz2 and lzma files answer with the
		   compressed file's): only read() and write() are used. */
		*kind = EXT_SRC_OBJECT;
		return 0;
	}
	ofd = object_fileno(st, obj);
	if (ofd == -2)
		return -1;
	if (ofd == -1) {
		*kind = EXT_SRC_OBJECT;
		return 0;
	}
	pos = object_tell(st, obj);
	if (pos == -2)
		return -1;
	if (pos == -1 && !writing &&
	    PyObject_IsInstance(obj, st->buffered_files) == 1) {
		/* A buffered pipe may hold bytes already read from the
		   descriptor (after a peek()): they come through read(). */
		*kind = EXT_SRC_OBJECT;
		return 0;
	}
	nfd = fcntl(ofd, F_DUPFD_CLOEXEC, 0);
	if (nfd < 0) {
		PyErr_SetFromErrno(PyExc_OSError);
		return -1;
	}
	/* A buffered reader's descriptor may be ahead of what it handed out. */
	if (pos >= 0 && lseek(nfd, (off_t)pos, SEEK_SET) < 0) {
		int err = errno;

		close(nfd);
		errno = err;
		PyErr_SetFromErrno(PyExc_OSError);
		return -1;
	}
	*fd = nfd;
	*kind = EXT_SRC_FD;
	return 0;
}
