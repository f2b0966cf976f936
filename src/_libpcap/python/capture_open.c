/*
 * capture_open.c - opening a live capture for libpcap.Capture: the
 * options of Capture() parsed and checked, pcap_create, the setters,
 * pcap_activate and what follows it (link type, direction, filter), with
 * libpcap's statuses turned into Python: warnings into PcapWarning, errors
 * into PcapError (PcapNotSupported for what the device cannot do), with
 * libpcap's texts.  The Capture type itself is in capture.c.
 */
#include "live.h"

#include <limits.h>
#include <string.h>

#include "../capture/capture.h"
#include "../core/batch.h"

/* ---- errors and warnings ------------------------------------------------ */

PyObject *
ext_live_raise(ext_state *st, pcap_t *p, int code)
{
	return ext_raise_core(st, st->PcapError, code, pcap_geterr(p));
}

/* pcap_activate failed: the message pcap_open_live composes. */
static PyObject *
raise_activate(ext_state *st, const char *dev, pcap_t *p, int status)
{
	char msg[PCAP_ERRBUF_SIZE];

	core_activate_message(p, status, dev, msg, sizeof msg);
	return ext_raise_core(st, st->PcapError, status, msg);
}

/* A warning of libpcap's (status > 0) as a PcapWarning; -1 if it raised.
   PCAP_WARNING carries its own text; the others get the status text, with
   libpcap's detail after it when there is one. */
static int
warn_status(ext_state *st, pcap_t *p, int status)
{
	char msg[2 * PCAP_ERRBUF_SIZE + 8];
	const char *err = p != NULL ? pcap_geterr(p) : "";
	const char *what = pcap_statustostr(status);

	if (status == PCAP_WARNING && err[0] != '\0')
		snprintf(msg, sizeof msg, "%s", err);
	else if (err[0] != '\0' && strcmp(err, what) != 0)
		snprintf(msg, sizeof msg, "%s (%s)", what, err);
	else
		snprintf(msg, sizeof msg, "%s", what);
	return PyErr_WarnEx(st->PcapWarning, msg, 1);
}

/* PyLong_AsInt is new in 3.13. */
static int
as_int(PyObject *o, int *out)
{
	long v = PyLong_AsLong(o);

	if (v == -1 && PyErr_Occurred())
		return -1;
	if (v < INT_MIN || v > INT_MAX) {
		PyErr_SetString(PyExc_OverflowError,
				"Python int too large to convert to C int");
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* ---- options after activation ------------------------------------------ */

int
ext_live_set_filter(ext_state *st, pcap_t *p, PyObject *filt)
{
	int rc;

	if (filt != Py_None && !ext_filter_check(st, filt)) {
		PyErr_Format(PyExc_TypeError,
			     "filter must be a Filter or None, not %.100s",
			     Py_TYPE(filt)->tp_name);
		return -1;
	}
	rc = core_set_filter(p, filt == Py_None ? NULL :
			     ext_filter_program(filt));
	if (rc < 0) {
		ext_live_raise(st, p, PCAP_ERROR);
		return -1;
	}
	return 0;
}

static int
parse_direction(PyObject *o, pcap_direction_t *d)
{
	if (PyUnicode_Check(o)) {
		if (PyUnicode_CompareWithASCIIString(o, "in") == 0) {
			*d = PCAP_D_IN;
			return 0;
		}
		if (PyUnicode_CompareWithASCIIString(o, "out") == 0) {
			*d = PCAP_D_OUT;
			return 0;
		}
		if (PyUnicode_CompareWithASCIIString(o, "inout") == 0) {
			*d = PCAP_D_INOUT;
			return 0;
		}
	}
	PyErr_Format(PyExc_ValueError,
		     "direction must be 'in', 'out' or 'inout', not %R", o);
	return -1;
}

int
ext_live_set_direction(ext_state *st, pcap_t *p, PyObject *o)
{
	pcap_direction_t d;
	int rc;

	if (parse_direction(o, &d) < 0)
		return -1;
	rc = pcap_setdirection(p, d);
	if (rc < 0) {
		ext_live_raise(st, p, rc);
		return -1;
	}
	return 0;
}

/* A DLT given as an int or a name ("EN10MB"). */
static int
parse_dlt(PyObject *o, int *dlt)
{
	if (PyUnicode_Check(o)) {
		const char *name = PyUnicode_AsUTF8(o);

		if (name == NULL)
			return -1;
		*dlt = pcap_datalink_name_to_val(name);
		if (*dlt < 0) {
			PyErr_Format(PyExc_ValueError, "unknown link-layer type %R", o);
			return -1;
		}
		return 0;
	}
	return as_int(o, dlt);
}

int
ext_live_set_datalink(ext_state *st, pcap_t *p, PyObject *o)
{
	int dlt, rc;

	if (parse_dlt(o, &dlt) < 0)
		return -1;
	rc = pcap_set_datalink(p, dlt);
	if (rc < 0) {
		ext_live_raise(st, p, rc);
		return -1;
	}
	return 0;
}

/* ---- options before activation ----------------------------------------- */

/* fanout=(group_id, mode): mode a name (cap_fanout_mode) or an int. */
static int
parse_fanout(PyObject *o, int *group, int *mode)
{
	PyObject *m;

	if (!PyTuple_Check(o) || PyTuple_GET_SIZE(o) != 2) {
		PyErr_SetString(PyExc_TypeError,
				"fanout must be a (group_id, mode) tuple");
		return -1;
	}
	if (as_int(PyTuple_GET_ITEM(o, 0), group) < 0)
		return -1;
	if (*group < 0 || *group > 0xffff) {
		PyErr_Format(PyExc_ValueError,
			     "fanout group_id must be in 0..65535, not %d", *group);
		return -1;
	}
	m = PyTuple_GET_ITEM(o, 1);
	if (PyUnicode_Check(m)) {
		const char *name = PyUnicode_AsUTF8(m);

		if (name == NULL)
			return -1;
		*mode = cap_fanout_mode(name);
		if (*mode >= 0)
			return 0;
		PyErr_Format(PyExc_ValueError,
			     "unknown fanout mode %R (hash, lb, cpu, rollover, "
			     "rnd, qm)", m);
		return -1;
	}
	return as_int(m, mode);
}

static int
parse_tstamp_type(PyObject *o, int *type)
{
	if (PyUnicode_Check(o)) {
		const char *name = PyUnicode_AsUTF8(o);

		if (name == NULL)
			return -1;
		*type = pcap_tstamp_type_name_to_val(name);
		if (*type < 0) {
			PyErr_Format(PyExc_ValueError, "unknown time stamp type %R", o);
			return -1;
		}
		return 0;
	}
	return as_int(o, type);
}

static int
opt_int(PyObject *o, const char *what, int lo, int hi, int *out)
{
	long v = PyLong_AsLong(o);

	if (v == -1 && PyErr_Occurred())
		return -1;
	if (v < lo || v > hi) {
		PyErr_Format(PyExc_ValueError, "%s must be in %d..%d, not %ld",
			     what, lo, hi, v);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* Run a setter's status through: warnings are warned, errors raised. */
static int
check_setter(ext_state *st, pcap_t *p, int rc)
{
	if (rc > 0)
		return warn_status(st, p, rc);
	if (rc < 0) {
		ext_live_raise(st, p, rc);
		return -1;
	}
	return 0;
}

/* The filter= option: a Filter, or an expression compiled on the
   activated handle (so with the kernel's BPF extensions). */
static int
live_filter_option(ext_state *st, pcap_t *p, PyObject *filt)
{
	PyObject *f;
	int rc;

	if (ext_filter_check(st, filt))
		return ext_live_set_filter(st, p, filt);
	f = ext_compile_on_handle(st, p, filt, 1, PCAP_NETMASK_UNKNOWN, NULL);
	if (f == NULL)
		return -1;
	rc = ext_live_set_filter(st, p, f);
	Py_DECREF(f);
	return rc;
}

pcap_t *
ext_live_open(ext_state *st, PyObject *args, PyObject *kwds,
	      PyObject **device_out, int *timeout_out)
{
	static char *kwlist[] = {"device", "snaplen", "promisc", "timeout_ms",
				 "buffer_size", "immediate", "nanosecond",
				 "tstamp_type", "direction", "protocol",
				 "fanout", "datalink", "filter", NULL};
	PyObject *device = NULL, *buffer_size = Py_None, *tstamp_type = Py_None;
	PyObject *direction = Py_None, *protocol = Py_None, *fanout = Py_None;
	PyObject *datalink = Py_None, *filt = Py_None, *dev_b;
	int snaplen = MAXIMUM_SNAPLEN, promisc = 0, timeout_ms = 100;
	int immediate = 0, nano = 1, bufsize = 0, tstype = 0, proto = 0;
	int fgroup = 0, fmode = 0, status;
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *dev;
	pcap_t *p;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "|U$ipiOppOOOOOO:Capture",
					 kwlist, &device, &snaplen, &promisc,
					 &timeout_ms, &buffer_size, &immediate,
					 &nano, &tstamp_type, &direction,
					 &protocol, &fanout, &datalink, &filt))
		return NULL;
	/* Check every option before anything is opened. */
	if (timeout_ms < 0) {
		PyErr_SetString(PyExc_ValueError, "timeout_ms must be >= 0");
		return NULL;
	}
	if (buffer_size != Py_None &&
	    opt_int(buffer_size, "buffer_size", 1, INT_MAX, &bufsize) < 0)
		return NULL;
	if (tstamp_type != Py_None && parse_tstamp_type(tstamp_type, &tstype) < 0)
		return NULL;
	if (protocol != Py_None &&
	    opt_int(protocol, "protocol", 0, 0xffff, &proto) < 0)
		return NULL;
	if (fanout != Py_None && parse_fanout(fanout, &fgroup, &fmode) < 0)
		return NULL;
	if (direction != Py_None) {
		pcap_direction_t d;

		if (parse_direction(direction, &d) < 0)
			return NULL;
	}
	if (filt != Py_None && !ext_filter_check(st, filt) &&
	    !PyUnicode_Check(filt) && !PyBytes_Check(filt)) {
		PyErr_Format(PyExc_TypeError,
			     "filter must be a Filter, an expression (str) or "
			     "None, not %.100s", Py_TYPE(filt)->tp_name);
		return NULL;
	}
	device = device != NULL ? Py_NewRef(device) : PyUnicode_FromString("any");
	if (device == NULL)
		return NULL;
	dev_b = PyUnicode_EncodeFSDefault(device);
	if (dev_b == NULL) {
		Py_DECREF(device);
		return NULL;
	}
	dev = PyBytes_AS_STRING(dev_b);
	if ((Py_ssize_t)strlen(dev) != PyBytes_GET_SIZE(dev_b)) {
		PyErr_SetString(PyExc_ValueError, "embedded null character in device");
		goto fail_early;
	}

	errbuf[0] = '\0';
	p = pcap_create(dev, errbuf);
	if (p == NULL) {
		ext_raise(st->PcapError, PCAP_ERROR, errbuf);
		goto fail_early;
	}
	if (check_setter(st, p, pcap_set_snaplen(p, snaplen)) < 0 ||
	    check_setter(st, p, pcap_set_promisc(p, promisc)) < 0 ||
	    check_setter(st, p, pcap_set_timeout(p, timeout_ms)) < 0 ||
	    (bufsize > 0 &&
	     check_setter(st, p, pcap_set_buffer_size(p, bufsize)) < 0) ||
	    check_setter(st, p, pcap_set_immediate_mode(p, immediate)) < 0 ||
	    check_setter(st, p, pcap_set_tstamp_precision(
			  p, nano ? PCAP_TSTAMP_PRECISION_NANO
				  : PCAP_TSTAMP_PRECISION_MICRO)) < 0 ||
	    (tstamp_type != Py_None &&
	     check_setter(st, p, pcap_set_tstamp_type(p, tstype)) < 0) ||
	    (protocol != Py_None &&
	     check_setter(st, p, pcap_set_protocol_linux(p, proto)) < 0))
		goto fail;
	if (fanout != Py_None && cap_set_fanout(p, fgroup, fmode) < 0) {
		ext_live_raise(st, p, PCAP_ERROR);
		goto fail;
	}

	Py_BEGIN_ALLOW_THREADS
	status = pcap_activate(p);
	Py_END_ALLOW_THREADS
	if (status < 0) {
		raise_activate(st, dev, p, status);
		goto fail;
	}
	if (status > 0 && warn_status(st, p, status) < 0)
		goto fail;
	/* The Capture does its own waiting (capture.c says why). */
	if (pcap_setnonblock(p, 1, errbuf) < 0) {
		ext_raise(st->PcapError, PCAP_ERROR, errbuf);
		goto fail;
	}
	if ((datalink != Py_None && ext_live_set_datalink(st, p, datalink) < 0) ||
	    (direction != Py_None && ext_live_set_direction(st, p, direction) < 0) ||
	    (filt != Py_None && live_filter_option(st, p, filt) < 0))
		goto fail;
	Py_DECREF(dev_b);
	*device_out = device;
	*timeout_out = timeout_ms;
	return p;

fail:
	pcap_close(p);
fail_early:
	Py_DECREF(device);
	Py_DECREF(dev_b);
	return NULL;
}
