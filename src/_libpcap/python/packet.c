/*
 * packet.c - libpcap.Packet: one captured packet as a small immutable
 * object with fixed fields (the timestamp kept as seconds + nanoseconds,
 * caplen, wirelen) and its bytes, created once.  ts_ns is built on access
 * from 64-bit integer arithmetic, never from a float.
 *
 * The Reader makes one Packet and one bytes object per packet and nothing
 * else, so the type is final, not tracked by the GC (it can only hold a
 * bytes object, which cannot form a cycle) and allocated with
 * PyObject_New.  A Packet also exports its bytes as a read-only buffer.
 */
#include "native.h"

#include "../core/batch.h"	/* CORE_NS_PER_S */

/* Largest second count whose ts_ns still fits an unsigned 64-bit value,
   and the most negative one that fits a signed one. */
#define SEC_FAST_MAX 18446744072LL
#define SEC_FAST_MIN (-9223372035LL)

PyObject *
ext_ts_ns_to_pylong(int64_t sec, uint32_t nsec)
{
	PyObject *s, *scale, *prod, *frac, *res;

	if (sec >= 0 && sec <= SEC_FAST_MAX)
		return PyLong_FromUnsignedLongLong((unsigned long long)sec *
						   CORE_NS_PER_S + nsec);
	if (sec < 0 && sec >= SEC_FAST_MIN)
		return PyLong_FromLongLong(sec * CORE_NS_PER_S + (long long)nsec);
	/* Out of 64-bit range: let Python's integers do it exactly. */
	s = PyLong_FromLongLong(sec);
	scale = PyLong_FromLongLong(CORE_NS_PER_S);
	frac = PyLong_FromUnsignedLong(nsec);
	prod = (s && scale) ? PyNumber_Multiply(s, scale) : NULL;
	res = (prod && frac) ? PyNumber_Add(prod, frac) : NULL;
	Py_XDECREF(s);
	Py_XDECREF(scale);
	Py_XDECREF(frac);
	Py_XDECREF(prod);
	return res;
}

int
ext_ts_ns_from_pylong(PyObject *o, int64_t *sec, uint32_t *nsec)
{
	PyObject *idx, *scale, *qr;
	long long v;
	int overflow;

	idx = PyNumber_Index(o);	/* ints only: no float time */
	if (idx == NULL)
		return -1;
	v = PyLong_AsLongLongAndOverflow(idx, &overflow);
	if (v == -1 && PyErr_Occurred()) {
		Py_DECREF(idx);
		return -1;
	}
	if (!overflow) {
		long long q = v / CORE_NS_PER_S, r = v % CORE_NS_PER_S;

		if (r < 0) {
			q -= 1;
			r += CORE_NS_PER_S;
		}
		Py_DECREF(idx);
		*sec = q;
		*nsec = (uint32_t)r;
		return 0;
	}
	scale = PyLong_FromLongLong(CORE_NS_PER_S);
	qr = scale ? PyNumber_Divmod(idx, scale) : NULL;
	Py_DECREF(idx);
	Py_XDECREF(scale);
	if (qr == NULL)
		return -1;
	v = PyLong_AsLongLong(PyTuple_GET_ITEM(qr, 0));
	if (v == -1 && PyErr_Occurred()) {
		Py_DECREF(qr);
		PyErr_SetString(PyExc_OverflowError,
				"ts_ns is out of range (seconds must fit 64 bits)");
		return -1;
	}
	*sec = v;
	*nsec = (uint32_t)PyLong_AsUnsignedLong(PyTuple_GET_ITEM(qr, 1));
	Py_DECREF(qr);
	return 0;
}

/* A Packet of type around the bytes object b (whose reference it takes,
   also on failure). */
static inline PyObject *
packet_wrap(PyTypeObject *type, PyObject *b, int64_t sec, uint32_t nsec,
	    uint32_t caplen, uint32_t wirelen)
{
	ext_packet *pk = PyObject_New(ext_packet, type);

	if (pk == NULL) {
		Py_DECREF(b);
		return NULL;
	}
	pk->data = b;
	pk->sec = sec;
	pk->nsec = nsec;
	pk->caplen = caplen;
	pk->wirelen = wirelen;
	pk->flags = 0;
	pk->iface = NULL;
	pk->comments = NULL;
	return (PyObject *)pk;
}

PyObject *
ext_packet_new(ext_state *st, int64_t sec, uint32_t nsec,
	       const unsigned char *data, uint32_t caplen, uint32_t wirelen)
{
	PyObject *b = PyBytes_FromStringAndSize((const char *)data, caplen);

	if (b == NULL)
		return NULL;
	return packet_wrap(st->PacketType, b, sec, nsec, caplen, wirelen);
}

/* Packet(data, ts_ns=0, wirelen=None) */
static PyObject *
packet_tp_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"data", "ts_ns", "wirelen", NULL};
	PyObject *data_obj, *ts_obj = NULL, *wl_obj = Py_None, *b;
	int64_t sec = 0;
	uint32_t nsec = 0;
	unsigned long wirelen;
	Py_ssize_t caplen;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OO:Packet", kwlist,
					 &data_obj, &ts_obj, &wl_obj))
		return NULL;
	if (ts_obj != NULL && ext_ts_ns_from_pylong(ts_obj, &sec, &nsec) < 0)
		return NULL;
	if (PyUnicode_Check(data_obj)) {
		PyErr_SetString(PyExc_TypeError,
				"Packet data must be bytes-like, not str");
		return NULL;
	}
	b = PyBytes_CheckExact(data_obj) ? Py_NewRef(data_obj)
					 : PyBytes_FromObject(data_obj);
	if (b == NULL)
		return NULL;
	caplen = PyBytes_GET_SIZE(b);
	if ((uint64_t)caplen > UINT32_MAX) {
		Py_DECREF(b);
		PyErr_SetString(PyExc_OverflowError,
				"Packet data is longer than 2**32-1 bytes");
		return NULL;
	}
	wirelen = (unsigned long)caplen;
	if (wl_obj != Py_None) {
		wirelen = PyLong_AsUnsignedLong(wl_obj);
		if ((wirelen == (unsigned long)-1 && PyErr_Occurred()) ||
		    wirelen > UINT32_MAX) {
			Py_DECREF(b);
			if (!PyErr_Occurred() ||
			    PyErr_ExceptionMatches(PyExc_OverflowError)) {
				PyErr_Clear();
				PyErr_SetString(PyExc_OverflowError,
						"wirelen must be in 0 .. 2**32-1");
			}
			return NULL;
		}
	}
	return packet_wrap(type, b, sec, nsec, (uint32_t)caplen,
			   (uint32_t)wirelen);
}

static void
packet_dealloc(PyObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	Py_XDECREF(((ext_packet *)self)->data);
	Py_XDECREF(((ext_packet *)self)->iface);
	Py_XDECREF(((ext_packet *)self)->comments);
	PyObject_Free(self);
	Py_DECREF(tp);
}

static PyObject *
packet_get_ts_ns(PyObject *self, void *closure)
{
	ext_packet *pk = (ext_packet *)self;

	(void)closure;
	return ext_ts_ns_to_pylong(pk->sec, pk->nsec);
}

static PyObject *
packet_get_ts_sec(PyObject *self, void *closure)
{
	(void)closure;
	return PyLong_FromLongLong(((ext_packet *)self)->sec);
}

static PyObject *
packet_get_ts_frac_ns(PyObject *self, void *closure)
{
	(void)closure;
	return PyLong_FromUnsignedLong(((ext_packet *)self)->nsec);
}

static PyObject *
packet_get_interface(PyObject *self, void *closure)
{
	PyObject *i = ((ext_packet *)self)->iface;

	(void)closure;
	return Py_NewRef(i != NULL ? i : Py_None);
}

static PyObject *
packet_get_comments(PyObject *self, void *closure)
{
	PyObject *c = ((ext_packet *)self)->comments;

	(void)closure;
	return c != NULL ? Py_NewRef(c) : PyTuple_New(0);
}

static PyObject *
packet_get_flags(PyObject *self, void *closure)
{
	(void)closure;
	return PyLong_FromUnsignedLong(((ext_packet *)self)->flags);
}

/* epb_flags bits 0-1: 1 inbound, 2 outbound, 0 or 3 not known. */
static PyObject *
packet_get_direction(PyObject *self, void *closure)
{
	uint32_t d = ((ext_packet *)self)->flags & 3;

	(void)closure;
	if (d == 1)
		return PyUnicode_FromString("in");
	if (d == 2)
		return PyUnicode_FromString("out");
	Py_RETURN_NONE;
}

static PyGetSetDef packet_getset[] = {
	{"interface", packet_get_interface, NULL,
	 "The Interface it was captured on (pcapng files), else None.", NULL},
	{"comments", packet_get_comments, NULL,
	 "Its comments (pcapng opt_comment), a tuple of str.", NULL},
	{"flags", packet_get_flags, NULL,
	 "Its pcapng epb_flags word (direction, reception type, errors); "
	 "0 if none.", NULL},
	{"direction", packet_get_direction, NULL,
	 "'in' or 'out' when its flags say, else None.", NULL},
	{"ts_ns", packet_get_ts_ns, NULL,
	 "Timestamp in integer nanoseconds since the epoch.", NULL},
	{"ts_sec", packet_get_ts_sec, NULL,
	 "Whole seconds of the timestamp (ts_ns // 10**9).", NULL},
	{"ts_frac_ns", packet_get_ts_frac_ns, NULL,
	 "Nanoseconds within the second (ts_ns % 10**9).", NULL},
	{NULL, NULL, NULL, NULL, NULL}
};

static PyMemberDef packet_members[] = {
	{"data", EXT_T_OBJECT, offsetof(ext_packet, data), EXT_READONLY,
	 "The captured bytes (caplen of them)."},
	{"caplen", EXT_T_UINT, offsetof(ext_packet, caplen), EXT_READONLY,
	 "Number of bytes captured (len(data))."},
	{"wirelen", EXT_T_UINT, offsetof(ext_packet, wirelen), EXT_READONLY,
	 "Length of the packet on the wire."},
	{NULL, 0, 0, 0, NULL}
};

static PyObject *
packet_bytes(PyObject *self, PyObject *unused)
{
	(void)unused;
	return Py_NewRef(((ext_packet *)self)->data);
}

static PyObject *
packet_reduce(PyObject *self, PyObject *unused)
{
	ext_packet *pk = (ext_packet *)self;
	PyObject *ts = ext_ts_ns_to_pylong(pk->sec, pk->nsec);

	(void)unused;
	if (ts == NULL)
		return NULL;
	return Py_BuildValue("O(ONk)", (PyObject *)Py_TYPE(self), pk->data, ts,
			     (unsigned long)pk->wirelen);
}

static PyMethodDef packet_methods[] = {
	{"__bytes__", packet_bytes, METH_NOARGS, "The captured bytes."},
	{"__reduce__", packet_reduce, METH_NOARGS, NULL},
	{NULL, NULL, 0, NULL}
};

static Py_ssize_t
packet_length(PyObject *self)
{
	return (Py_ssize_t)((ext_packet *)self)->caplen;
}

static PyObject *
packet_repr(PyObject *self)
{
	ext_packet *pk = (ext_packet *)self;
	PyObject *ts = ext_ts_ns_to_pylong(pk->sec, pk->nsec), *r;

	if (ts == NULL)
		return NULL;
	r = PyUnicode_FromFormat("<Packet ts_ns=%S caplen=%u wirelen=%u>", ts,
				 (unsigned)pk->caplen, (unsigned)pk->wirelen);
	Py_DECREF(ts);
	return r;
}

static PyObject *
packet_richcompare(PyObject *a, PyObject *b, int op)
{
	ext_packet *x = (ext_packet *)a, *y = (ext_packet *)b;
	int same;

	if ((op != Py_EQ && op != Py_NE) || Py_TYPE(a) != Py_TYPE(b))
		Py_RETURN_NOTIMPLEMENTED;
	same = x->sec == y->sec && x->nsec == y->nsec &&
	       x->caplen == y->caplen && x->wirelen == y->wirelen;
	if (same) {
		same = PyObject_RichCompareBool(x->data, y->data, Py_EQ);
		if (same < 0)
			return NULL;
	}
	return PyBool_FromLong(op == Py_EQ ? same : !same);
}

static Py_hash_t
packet_hash(PyObject *self)
{
	ext_packet *pk = (ext_packet *)self;
	PyObject *t = Py_BuildValue("(LkkO)", (long long)pk->sec,
				    (unsigned long)pk->nsec,
				    (unsigned long)pk->wirelen, pk->data);
	Py_hash_t h;

	if (t == NULL)
		return -1;
	h = PyObject_Hash(t);
	Py_DECREF(t);
	return h;
}

static int
packet_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
	PyObject *b = ((ext_packet *)self)->data;

	return PyBuffer_FillInfo(view, self, PyBytes_AS_STRING(b),
				 PyBytes_GET_SIZE(b), 1, flags);
}

static PyType_Slot packet_slots[] = {
	{Py_tp_new, (void *)packet_tp_new},
	{Py_tp_dealloc, (void *)packet_dealloc},
	{Py_tp_getset, packet_getset},
	{Py_tp_members, packet_members},
	{Py_tp_methods, packet_methods},
	{Py_tp_repr, (void *)packet_repr},
	{Py_tp_richcompare, (void *)packet_richcompare},
	{Py_tp_hash, (void *)packet_hash},
	{Py_sq_length, (void *)packet_length},
	{Py_bf_getbuffer, (void *)packet_getbuffer},
	{Py_tp_doc, (void *)
	 "Packet(data, ts_ns=0, wirelen=None)\n--\n\n"
	 "One packet: ts_ns (integer nanoseconds since the epoch), caplen,\n"
	 "wirelen (defaults to len(data)) and data (the captured bytes).\n"
	 "Immutable; len(p) is caplen, bytes(p) is data, memoryview(p)\n"
	 "views data without a copy."},
	{0, NULL}
};

static PyType_Spec packet_spec = {
	.name = "libpcap.Packet",
	.basicsize = sizeof(ext_packet),
	.itemsize = 0,
	.flags = Py_TPFLAGS_DEFAULT | EXT_TPFLAGS_IMMUTABLE,
	.slots = packet_slots,
};

int
ext_packet_init_type(PyObject *module, ext_state *st)
{
	return ext_add_type(module, &packet_spec, &st->PacketType);
}
