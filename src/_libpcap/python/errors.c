/*
 * errors.c - the exception hierarchy of the native API and the one place
 * where a libpcap status code plus its message text becomes a Python
 * exception.
 *
 *   PcapError(Exception)          .code (PCAP_ERROR_*), .message (libpcap's text)
 *     PcapFileError(PcapError, OSError)  opening, reading or writing a
 *                                 savefile; .errno/.filename and the
 *                                 OSError subclass where the system said no
 *     PcapNotSupported            an engine that is not there (yet)
 *     CompileError                a filter expression did not compile:
 *                                 .expression, .offset, .token, .libpcap_message
 *       FilterSyntaxError         ... because it did not parse
 *
 * The classes live in the module state; their names say "libpcap." because
 * the package re-exports them there (and pickling looks them up there).
 */
#include "native.h"

#include <errno.h>
#include <string.h>

/* Attribute names interned, so CPython's type cache keeps one copy. */
static int
set_attr(PyObject *self, const char *name, PyObject *value)
{
	PyObject *key = PyUnicode_InternFromString(name);
	int rc;

	if (key == NULL)
		return -1;
	rc = PyObject_SetAttr(self, key, value);
	Py_DECREF(key);
	return rc;
}

static PyObject *
get_attr(PyObject *self, const char *name)
{
	PyObject *key = PyUnicode_InternFromString(name), *v;

	if (key == NULL)
		return NULL;
	v = PyObject_GetAttr(self, key);
	Py_DECREF(key);
	return v;
}

/* PcapError(message="", code=PCAP_ERROR): args stay (message,) so that
   str(exc) is libpcap's text. */
static int
pcaperror_init(PyObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"message", "code", NULL};
	PyObject *message = NULL, *base_args, *code_obj;
	int code = PCAP_ERROR, rc;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "|Oi:PcapError", kwlist,
					 &message, &code))
		return -1;
	if (message == NULL)
		message = PyUnicode_FromString("");
	else
		Py_INCREF(message);
	if (message == NULL)
		return -1;
	base_args = PyTuple_Pack(1, message);
	if (base_args == NULL)
		goto fail;
	rc = ((PyTypeObject *)PyExc_Exception)->tp_init(self, base_args, NULL);
	Py_DECREF(base_args);
	if (rc < 0)
		goto fail;
	if (set_attr(self, "message", message) < 0)
		goto fail;
	code_obj = PyLong_FromLong(code);
	if (code_obj == NULL)
		goto fail;
	rc = set_attr(self, "code", code_obj);
	Py_DECREF(code_obj);
	Py_DECREF(message);
	return rc;
fail:
	Py_DECREF(message);
	return -1;
}

/* Pickle as cls(message, code) so a subclass keeps both fields. */
static PyObject *
pcaperror_reduce(PyObject *self, PyObject *unused)
{
	PyObject *message, *code, *res;

	(void)unused;
	message = get_attr(self, "message");
	if (message == NULL)
		return NULL;
	code = get_attr(self, "code");
	if (code == NULL) {
		Py_DECREF(message);
		return NULL;
	}
	if (PyObject_IsInstance(self, PyExc_OSError) == 1) {
		/* PcapFileError: errno, strerror and filename too */
		PyObject *state = Py_BuildValue(
			"{sOsOsO}", "errno", ((PyOSErrorObject *)self)->myerrno
			? ((PyOSErrorObject *)self)->myerrno : Py_None,
			"strerror", ((PyOSErrorObject *)self)->strerror
			? ((PyOSErrorObject *)self)->strerror : Py_None,
			"filename", ((PyOSErrorObject *)self)->filename
			? ((PyOSErrorObject *)self)->filename : Py_None);

		if (state == NULL) {
			Py_DECREF(message);
			Py_DECREF(code);
			return NULL;
		}
		return Py_BuildValue("O(NN)N", (PyObject *)Py_TYPE(self),
				     message, code, state);
	}
	res = Py_BuildValue("O(NN)", (PyObject *)Py_TYPE(self), message, code);
	return res;
}

static PyMethodDef pcaperror_methods[] = {
	{"__reduce__", pcaperror_reduce, METH_NOARGS, NULL},
	{NULL, NULL, 0, NULL}
};

/* str(exc) is libpcap's text, also for PcapFileError, whose OSError side
   (errno, filename) would otherwise make it "[Errno 2] ...". */
static PyObject *
pcaperror_str(PyObject *self)
{
	PyObject *message = get_attr(self, "message"), *res;

	if (message == NULL) {
		PyErr_Clear();
		return PyUnicode_FromString("");
	}
	res = PyObject_Str(message);
	Py_DECREF(message);
	return res;
}

static PyType_Slot pcaperror_slots[] = {
	{Py_tp_init, (void *)pcaperror_init},
	{Py_tp_str, (void *)pcaperror_str},
	{Py_tp_methods, pcaperror_methods},
	{Py_tp_doc, (void *)
	 "PcapError(message='', code=-1)\n--\n\n"
	 "Root of every exception the native API raises.  .code is the\n"
	 "libpcap status (PCAP_ERROR or another negative PCAP_ERROR_* value)\n"
	 "and .message the text libpcap gave (also str(exc))."},
	{0, NULL}
};

static PyType_Spec pcaperror_spec = {
	.name = "libpcap.PcapError",
	.basicsize = 0,
	.itemsize = 0,
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.slots = pcaperror_slots,
};

/*
 * CompileError(message='', code=-1, expression=None, offset=None,
 * token=None, libpcap_message=None): message is what str() shows (libpcap's
 * text plus the position when known); libpcap_message is libpcap's text
 * alone, as pcap_geterr gives it (defaults to message).
 */
static int
compileerror_init(PyObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"message", "code", "expression", "offset",
				 "token", "libpcap_message", NULL};
	PyObject *message = NULL, *expression = Py_None, *offset = Py_None;
	PyObject *token = Py_None, *lmsg = NULL, *base_args;
	int code = PCAP_ERROR, rc;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "|OiOOOO:CompileError",
					 kwlist, &message, &code, &expression,
					 &offset, &token, &lmsg))
		return -1;
	base_args = message != NULL ? Py_BuildValue("(Oi)", message, code)
				    : Py_BuildValue("()");
	if (base_args == NULL)
		return -1;
	rc = pcaperror_init(self, base_args, NULL);
	Py_DECREF(base_args);
	if (rc < 0)
		return -1;
	if (lmsg == NULL) {
		lmsg = get_attr(self, "message");
		if (lmsg == NULL)
			return -1;
	} else {
		Py_INCREF(lmsg);
	}
	rc = set_attr(self, "libpcap_message", lmsg);
	Py_DECREF(lmsg);
	if (rc < 0 || set_attr(self, "expression", expression) < 0 ||
	    set_attr(self, "offset", offset) < 0 ||
	    set_attr(self, "token", token) < 0)
		return -1;
	return 0;
}

static PyObject *
compileerror_reduce(PyObject *self, PyObject *unused)
{
	static const char *names[] = {"message", "code", "expression", "offset",
				      "token", "libpcap_message"};
	PyObject *args = PyTuple_New(6);
	int i;

	(void)unused;
	if (args == NULL)
		return NULL;
	for (i = 0; i < 6; i++) {
		PyObject *v = get_attr(self, names[i]);

		if (v == NULL) {
			Py_DECREF(args);
			return NULL;
		}
		PyTuple_SET_ITEM(args, i, v);
	}
	return Py_BuildValue("ON", (PyObject *)Py_TYPE(self), args);
}

static PyMethodDef compileerror_methods[] = {
	{"__reduce__", compileerror_reduce, METH_NOARGS, NULL},
	{NULL, NULL, 0, NULL}
};

static PyType_Slot compileerror_slots[] = {
	{Py_tp_init, (void *)compileerror_init},
	{Py_tp_methods, compileerror_methods},
	{Py_tp_doc, (void *)
	 "CompileError(message='', code=-1, expression=None, offset=None,\n"
	 "             token=None, libpcap_message=None)\n--\n\n"
	 "A filter expression did not compile.  .libpcap_message is libpcap's\n"
	 "text (what pcap_geterr says), .expression the text compiled, and\n"
	 ".offset / .token the byte offset in the expression (UTF-8) and the\n"
	 "token where the parser stopped, or None when the error has no\n"
	 "position.  str(exc) and .message add the position to libpcap's\n"
	 "text."},
	{0, NULL}
};

static PyType_Spec compileerror_spec = {
	.name = "libpcap.CompileError",
	.basicsize = 0,
	.itemsize = 0,
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.slots = compileerror_slots,
};

static PyType_Slot syntaxerror_slots[] = {
	{Py_tp_doc, (void *)
	 "The filter expression does not parse (libpcap: \"can't parse filter\n"
	 "expression: syntax error\").  .offset and .token say where."},
	{0, NULL}
};

static PyType_Spec syntaxerror_spec = {
	.name = "libpcap.FilterSyntaxError",
	.basicsize = 0,
	.itemsize = 0,
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.slots = syntaxerror_slots,
};

static PyObject *
subclass(PyObject *module, PyType_Spec *spec, PyObject *base)
{
	PyObject *bases = PyTuple_Pack(1, base), *cls;

	if (bases == NULL)
		return NULL;
	cls = PyType_FromModuleAndSpec(module, spec, bases);
	Py_DECREF(bases);
	return cls;
}

static PyObject *file_error_class(ext_state *st, int err);

int
ext_errors_init(PyObject *module, ext_state *st)
{
	PyObject *bases = PyTuple_Pack(1, PyExc_Exception);	/* 3.9: a tuple */

	if (bases == NULL)
		return -1;
	st->PcapError = PyType_FromModuleAndSpec(module, &pcaperror_spec, bases);
	Py_DECREF(bases);
	if (st->PcapError == NULL)
		return -1;
	bases = PyTuple_Pack(2, st->PcapError, PyExc_OSError);
	if (bases == NULL)
		return -1;
	st->PcapFileError = PyErr_NewExceptionWithDoc(
		"libpcap.PcapFileError",
		"A savefile could not be opened, read or written; .message is "
		"libpcap's text (also str(exc)).  An OSError too: where the\n"
		"system refused the file, .errno and .filename say so, and the\n"
		"exception is also the matching OSError subclass "
		"(FileNotFoundError, PermissionError, ...).", bases, NULL);
	Py_DECREF(bases);
	if (st->PcapFileError == NULL)
		return -1;
	st->file_errors = PyDict_New();
	if (st->file_errors == NULL)
		return -1;
	{
		/* The usual ones made now, so that unpickling finds them. */
		static const int common[] = { ENOENT, EACCES, EISDIR, ENOTDIR,
					      EEXIST };
		size_t i;

		for (i = 0; i < sizeof common / sizeof common[0]; i++) {
			PyObject *cls = file_error_class(st, common[i]);

			if (cls == NULL)
				return -1;
			Py_DECREF(cls);
		}
	}
	st->PcapNotSupported = PyErr_NewExceptionWithDoc(
		"libpcap.PcapNotSupported",
		"The operation needs an engine this build does not have (yet).",
		st->PcapError, NULL);
	if (st->PcapNotSupported == NULL)
		return -1;
	st->CompileError = subclass(module, &compileerror_spec, st->PcapError);
	if (st->CompileError == NULL)
		return -1;
	st->FilterSyntaxError = subclass(module, &syntaxerror_spec,
					 st->CompileError);
	if (st->FilterSyntaxError == NULL)
		return -1;
	if (PyModule_AddObjectRef(module, "CompileError", st->CompileError) < 0 ||
	    PyModule_AddObjectRef(module, "FilterSyntaxError",
				  st->FilterSyntaxError) < 0)
		return -1;
	if (PyModule_AddObjectRef(module, "PcapError", st->PcapError) < 0 ||
	    PyModule_AddObjectRef(module, "PcapFileError", st->PcapFileError) < 0 ||
	    PyModule_AddObjectRef(module, "PcapNotSupported",
				  st->PcapNotSupported) < 0)
		return -1;
	return 0;
}

PyObject *
ext_raise(PyObject *cls, int code, const char *message)
{
	/* Messages may hold file names in the filesystem encoding. */
	PyObject *msg = PyUnicode_DecodeFSDefault(message ? message : "");
	PyObject *exc;

	if (msg == NULL)
		return NULL;
	exc = PyObject_CallFunction(cls, "Ni", msg, code);
	if (exc != NULL) {
		PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
		Py_DECREF(exc);
	}
	return NULL;
}

static int
code_not_supported(int code)
{
	return code == PCAP_ERROR_CAPTURE_NOTSUP ||
	       code == PCAP_ERROR_RFMON_NOTSUP ||
	       code == PCAP_ERROR_TSTAMP_PRECISION_NOTSUP ||
	       code == PCAP_ERROR_CANTSET_TSTAMP_TYPE;
}

PyObject *
ext_raise_core(ext_state *st, PyObject *cls, int code, const char *msg)
{
	if (msg == NULL || msg[0] == '\0')
		msg = pcap_statustostr(code);
	if (code_not_supported(code))
		cls = st->PcapNotSupported;
	return ext_raise(cls, code, msg);
}

PyObject *
ext_raise_closed(const char *what)
{
	PyErr_Format(PyExc_ValueError, "I/O operation on closed %s", what);
	return NULL;
}

PyObject *
ext_raise_busy(const char *what)
{
	PyErr_Format(PyExc_RuntimeError,
		     "%s is in use by another thread (concurrent call)", what);
	return NULL;
}

/* PcapFileError and the OSError subclass Python gives errno err
   (FileNotFoundError for ENOENT, ...), made once per subclass. */
static PyObject *
file_error_class(ext_state *st, int err)
{
	PyObject *probe, *sub, *cls;

	probe = PyObject_CallFunction(PyExc_OSError, "is", err, "");
	if (probe == NULL)
		return NULL;
	sub = (PyObject *)Py_TYPE(probe);
	if (sub == PyExc_OSError) {
		Py_DECREF(probe);
		return Py_NewRef(st->PcapFileError);
	}
	cls = PyDict_GetItemWithError(st->file_errors, sub);
	if (cls != NULL) {
		Py_DECREF(probe);
		return Py_NewRef(cls);
	}
	if (PyErr_Occurred()) {
		Py_DECREF(probe);
		return NULL;
	}
	{
		PyObject *bases = PyTuple_Pack(2, st->PcapFileError, sub);

		cls = bases ? PyErr_NewException("libpcap.PcapFileError", bases,
						 NULL) : NULL;
		Py_XDECREF(bases);
	}
	/* Reachable for pickle as libpcap.PcapFileError.<Subclass>. */
	if (cls != NULL) {
		PyObject *subname = PyObject_GetAttrString(sub, "__name__");
		PyObject *qual = subname ? PyUnicode_FromFormat(
			"PcapFileError.%U", subname) : NULL;

		if (qual == NULL ||
		    PyObject_SetAttrString(cls, "__qualname__", qual) < 0 ||
		    PyObject_SetAttr(st->PcapFileError, subname, cls) < 0 ||
		    PyDict_SetItem(st->file_errors, sub, cls) < 0)
			Py_CLEAR(cls);
		Py_XDECREF(qual);
		Py_XDECREF(subname);
	}
	Py_DECREF(probe);
	return cls;
}

PyObject *
ext_raise_file(ext_state *st, const char *message, int err,
	       const char *filename)
{
	PyObject *cls, *msg, *exc, *v;

	if (err == 0)
		return ext_raise(st->PcapFileError, PCAP_ERROR, message);
	cls = file_error_class(st, err);
	if (cls == NULL)
		return NULL;
	msg = PyUnicode_DecodeFSDefault(message ? message : "");
	exc = msg ? PyObject_CallFunction(cls, "Ni", msg, PCAP_ERROR) : NULL;
	Py_DECREF(cls);
	if (exc == NULL)
		return NULL;
	v = PyLong_FromLong(err);
	if (v == NULL || set_attr(exc, "errno", v) < 0)
		goto fail;
	Py_DECREF(v);
	v = PyUnicode_FromString(strerror(err));
	if (v == NULL || set_attr(exc, "strerror", v) < 0)
		goto fail;
	Py_DECREF(v);
	if (filename != NULL) {
		v = PyUnicode_DecodeFSDefault(filename);
		if (v == NULL || set_attr(exc, "filename", v) < 0)
			goto fail;
		Py_DECREF(v);
	}
	PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
	Py_DECREF(exc);
	return NULL;
fail:
	Py_XDECREF(v);
	Py_DECREF(exc);
	return NULL;
}

int
ext_os_error_of(const char *errbuf, const char *filename, int err)
{
	char expect[PCAP_ERRBUF_SIZE];

	if (err == 0 || filename == NULL)
		return 0;
	snprintf(expect, sizeof expect, "%s: %s", filename, strerror(err));
	return strcmp(errbuf, expect) == 0 ? err : 0;
}
