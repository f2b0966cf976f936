/*
 * compile.c - filter expressions in the native API: the module function
 * compile(expr, linktype=..., snaplen=..., optimize=..., netmask=...) that
 * returns a Filter, the compile on an open handle that Reader.set_filter
 * and Capture.set_filter use for a string (so a live capture gets the
 * kernel's BPF extensions, a savefile its byte order), and the one place a
 * compile failure becomes an exception.
 *
 * The compiler runs with the GIL released: a long expression or a name
 * lookup can take a while, and it keeps no state outside its own context.
 * A failure raises CompileError, or FilterSyntaxError when libpcap says it
 * could not parse the text; both carry libpcap's message and, where the
 * parser knows it, the byte offset and the token in the expression
 * (libpcap's own message only says "syntax error").
 */
#include "native.h"

#include <arpa/inet.h>
#include <string.h>

#include "../compiler/cc.h"

#define DEFAULT_SNAPLEN 262144

/* ---- arguments ----------------------------------------------------------- */

/* The expression as a NUL-free C string (str: UTF-8), owned by *keep. */
static const char *
expr_text(PyObject *expr, PyObject **keep)
{
	const char *s;
	Py_ssize_t n;

	*keep = NULL;
	if (PyUnicode_Check(expr)) {
		s = PyUnicode_AsUTF8AndSize(expr, &n);
		if (s == NULL)
			return NULL;
	} else if (PyBytes_Check(expr)) {
		s = PyBytes_AS_STRING(expr);
		n = PyBytes_GET_SIZE(expr);
	} else {
		PyErr_Format(PyExc_TypeError,
			     "a filter expression must be str or bytes, not %.100s",
			     Py_TYPE(expr)->tp_name);
		return NULL;
	}
	if ((size_t)n != strlen(s)) {
		PyErr_SetString(PyExc_ValueError,
				"embedded null character in the filter expression");
		return NULL;
	}
	*keep = Py_NewRef(expr);
	return s;
}

int
ext_parse_optimize(PyObject *o, int *level)
{
	long v;

	*level = 1;
	if (o == NULL)
		return 0;
	if (PyBool_Check(o)) {
		*level = o == Py_True;
		return 0;
	}
	if (!PyLong_Check(o)) {
		PyErr_Format(PyExc_TypeError,
			     "optimize must be a bool or 0, 1 or 2, not %.100s",
			     Py_TYPE(o)->tp_name);
		return -1;
	}
	v = PyLong_AsLong(o);
	if (v == -1 && PyErr_Occurred())
		PyErr_Clear();
	if (v < 0 || v > 2) {
		PyErr_SetString(PyExc_ValueError,
				"optimize must be 0, 1 or 2 (or a bool)");
		return -1;
	}
	*level = (int)v;
	return 0;
}

int
ext_parse_netmask(PyObject *o, bpf_u_int32 *mask)
{
	PyObject *text;
	const char *s;
	struct in_addr a;

	if (o == NULL || o == Py_None) {
		*mask = PCAP_NETMASK_UNKNOWN;
		return 0;
	}
	if (PyIndex_Check(o)) {
		PyObject *num = PyNumber_Index(o);
		unsigned long long v;

		if (num == NULL)
			return -1;
		v = PyLong_AsUnsignedLongLong(num);
		Py_DECREF(num);
		if ((v == (unsigned long long)-1 && PyErr_Occurred()) ||
		    v > 0xffffffffULL) {
			PyErr_Clear();
			PyErr_SetString(PyExc_ValueError,
					"netmask must be in 0 .. 2**32-1 (host byte "
					"order) or a dotted quad");
			return -1;
		}
		*mask = (bpf_u_int32)v;
		return 0;
	}
	/* "255.255.255.0", or an object whose str() is one (IPv4Address) */
	text = PyObject_Str(o);
	if (text == NULL)
		return -1;
	s = PyUnicode_AsUTF8(text);
	if (s == NULL || inet_pton(AF_INET, s, &a) != 1) {
		Py_DECREF(text);
		if (s != NULL)
			PyErr_Format(PyExc_ValueError,
				     "netmask must be a dotted quad such as "
				     "'255.255.255.0' or an int, not %R", o);
		return -1;
	}
	Py_DECREF(text);
	*mask = ntohl(a.s_addr);
	return 0;
}

int
ext_parse_linktype(PyObject *o, int *dlt)
{
	if (PyUnicode_Check(o)) {
		const char *s = PyUnicode_AsUTF8(o);
		int v;

		if (s == NULL)
			return -1;
		/* "EN10MB", also spelled "DLT_EN10MB" */
		v = pcap_datalink_name_to_val(
		    strncasecmp(s, "DLT_", 4) == 0 ? s + 4 : s);
		if (v < 0) {
			PyErr_Format(PyExc_ValueError,
				     "unknown link-layer type name %R", o);
			return -1;
		}
		*dlt = v;
		return 0;
	}
	if (PyIndex_Check(o)) {
		PyObject *num = PyNumber_Index(o);
		long v;

		if (num == NULL)
			return -1;
		v = PyLong_AsLong(num);
		Py_DECREF(num);
		if ((v == -1 && PyErr_Occurred()) || v < 0 || v > INT32_MAX) {
			PyErr_Clear();
			PyErr_SetString(PyExc_ValueError,
					"linktype must be a DLT_ value >= 0 or a "
					"name such as 'EN10MB'");
			return -1;
		}
		*dlt = (int)v;
		return 0;
	}
	PyErr_Format(PyExc_TypeError,
		     "linktype must be an int or a name, not %.100s",
		     Py_TYPE(o)->tp_name);
	return -1;
}

/* ---- errors ----------------------------------------------------------------- */

/* Did the parser (rather than a later stage) refuse the text? */
static int
is_syntax_error(const char *msg)
{
	return strncmp(msg, "can't parse filter expression", 29) == 0 ||
	       strstr(msg, "syntax error") != NULL;
}

PyObject *
ext_raise_compile(ext_state *st, const char *errbuf, PyObject *expr,
		  const struct cc_errpos *pos)
{
	PyObject *cls, *exc, *lmsg, *offset = NULL, *token = NULL, *full = NULL;
	const char *msg = errbuf[0] != '\0' ? errbuf : "the filter did not compile";

	cls = is_syntax_error(msg) ? st->FilterSyntaxError : st->CompileError;
	/* Names from the expression may be in any encoding. */
	lmsg = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg),
				    "backslashreplace");
	if (lmsg == NULL)
		return NULL;
	if (pos != NULL && pos->offset >= 0) {
		offset = PyLong_FromLong(pos->offset);
		token = PyUnicode_DecodeUTF8(pos->token,
					     (Py_ssize_t)strlen(pos->token),
					     "backslashreplace");
		if (offset != NULL && token != NULL)
			full = pos->token[0] != '\0'
			    ? PyUnicode_FromFormat("%U at offset %d near %R",
						   lmsg, pos->offset, token)
			    : PyUnicode_FromFormat("%U at offset %d (the end of "
						   "the expression)", lmsg,
						   pos->offset);
	} else {
		offset = Py_NewRef(Py_None);
		token = Py_NewRef(Py_None);
		full = Py_NewRef(lmsg);
	}
	if (offset == NULL || token == NULL || full == NULL) {
		Py_DECREF(lmsg);
		Py_XDECREF(offset);
		Py_XDECREF(token);
		Py_XDECREF(full);
		return NULL;
	}
	exc = PyObject_CallFunction(cls, "NiONNN", full, PCAP_ERROR,
				    expr ? expr : Py_None, offset, token, lmsg);
	if (exc != NULL) {
		PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
		Py_DECREF(exc);
	}
	return NULL;
}

/* ---- compiling ------------------------------------------------------------ */

static PyObject *
finish(ext_state *st, int rc, struct bpf_program *prog, const char *errbuf,
       PyObject *expr, const struct cc_errpos *pos)
{
	PyObject *res;

	if (rc != 0)
		return ext_raise_compile(st, errbuf, expr, pos);
	res = ext_filter_from_program(st, prog->bf_insns, prog->bf_len);
	pcap_freecode(prog);
	return res;
}

/* compile(expr, linktype=1, snaplen=262144, optimize=True, netmask=None) */
static PyObject *
mod_compile(PyObject *module, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"expr", "linktype", "snaplen", "optimize",
				 "netmask", NULL};
	ext_state *st = PyModule_GetState(module);
	PyObject *expr, *keep, *lt = NULL, *nm = Py_None, *opt = NULL;
	struct bpf_program prog = {0, NULL};
	struct cc_opts opts;
	struct cc_errpos pos;
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *text;
	int snaplen = DEFAULT_SNAPLEN, optimize = 1, rc;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OiOO:compile", kwlist,
					 &expr, &lt, &snaplen, &opt, &nm))
		return NULL;
	if (ext_parse_optimize(opt, &optimize) < 0)
		return NULL;
	memset(&opts, 0, sizeof opts);
	opts.linktype = DLT_EN10MB;
	if (lt != NULL && lt != Py_None && ext_parse_linktype(lt, &opts.linktype) < 0)
		return NULL;
	if (ext_parse_netmask(nm, &opts.netmask) < 0)
		return NULL;
	if (snaplen < 0) {
		PyErr_SetString(PyExc_ValueError, "snaplen must be >= 0");
		return NULL;
	}
	opts.snaplen = snaplen;
	opts.optimize = optimize;
	opts.source = CC_SOURCE_LIVE;	/* as on pcap_open_dead's handle */
	text = expr_text(expr, &keep);
	if (text == NULL)
		return NULL;
	errbuf[0] = '\0';
	Py_BEGIN_ALLOW_THREADS
	rc = cc_compile(&opts, text, &prog, errbuf, &pos);
	Py_END_ALLOW_THREADS
	Py_DECREF(keep);
	return finish(st, rc, &prog, errbuf, expr, &pos);
}

PyObject *
ext_compile_on_handle(ext_state *st, pcap_t *p, PyObject *expr, int optimize,
		      bpf_u_int32 netmask, int *inflight)
{
	struct bpf_program prog = {0, NULL};
	struct cc_errpos pos;
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *text;
	PyObject *keep, *res;
	int rc;

	text = expr_text(expr, &keep);
	if (text == NULL)
		return NULL;
	if (inflight != NULL)
		(*inflight)++;
	Py_BEGIN_ALLOW_THREADS
	rc = cc_compile_handle(p, &prog, text, optimize, netmask, &pos);
	if (rc != 0)
		snprintf(errbuf, sizeof errbuf, "%s", pcap_geterr(p));
	Py_END_ALLOW_THREADS
	if (inflight != NULL)
		(*inflight)--;
	res = finish(st, rc, &prog, errbuf, expr, &pos);
	Py_DECREF(keep);
	return res;
}

static PyMethodDef compile_methods[] = {
	{"compile", (PyCFunction)(void (*)(void))mod_compile,
	 METH_VARARGS | METH_KEYWORDS,
	 "compile($module, expr, linktype=1, snaplen=262144, optimize=True,\n"
	 "        netmask=None)\n--\n\n"
	 "Compile a filter expression (pcap-filter(7)) into a Filter for\n"
	 "packets of the given link type: a DLT_ number or a name such as\n"
	 "'EN10MB' or 'LINUX_SLL2'.  snaplen is the value the program returns\n"
	 "for an accepted packet; optimize: True or 1 runs libpcap's optimizer\n"
	 "(byte-exact with libpcap), 2 ours (shorter programs, searches for\n"
	 "lists of hosts, ports and nets; the same packets pass); netmask\n"
	 "(an int in host byte order or a dotted quad; None = unknown) is\n"
	 "what 'ip broadcast' needs.  The program is the one pcap_compile\n"
	 "makes on pcap_open_dead(linktype, snaplen).  A failure raises\n"
	 "CompileError (FilterSyntaxError when the text does not parse) with\n"
	 "libpcap's message, the expression, and the byte offset and token\n"
	 "where the parser stopped."},
	{NULL, NULL, 0, NULL}
};

int
ext_compile_init(PyObject *module, ext_state *st)
{
	(void)st;
	return PyModule_AddFunctions(module, compile_methods);
}
