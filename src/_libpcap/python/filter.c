/*
 * filter.c - libpcap.Filter: a classic BPF program built by hand (from
 * instructions, or from tcpdump's -ddd / -dd text), validated once, that
 * matches packets, prints itself in tcpdump's three listing formats and
 * filters a Reader (Reader.set_filter).
 *
 * The object is thin: it keeps its own struct bpf_program copy and the
 * engine's predecoded form of the same program (vm_prog_new), which match()
 * and the Reader run.  Everything else is the BPF engine's: the verdict and
 * the reason for a refusal (vm_check), the reading of -dd/-ddd text
 * (vm_text_read), the result (bpf_filter) and the listings (bpf_dump).
 * This is the one file of the extension that calls the engine's internal
 * interface (bpf/vm.h); compiled programs come in through
 * ext_filter_from_program (compile.c).
 */
#include "native.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../bpf/vm.h"

/* libpcap has no bound for userland programs; ours keeps one so that a
   runaway generator or a hostile text cannot exhaust memory (8 MiB). */
#define FILTER_MAX_INSNS (1u << 20)

struct ext_filter {
	PyObject_HEAD
	ext_state *st;		/* valid while the type (so the module) lives */
	struct bpf_program prog;	/* bf_insns: PyMem_Raw, never NULL */
	struct vm_prog *vm;	/* the same program predecoded */
	Py_hash_t hash;		/* -1 until computed */
};

typedef struct ext_filter ext_filter;

/* ---- the one constructor ------------------------------------------------ */

static PyObject *
raise_too_long(ext_state *st)
{
	char msg[80];

	snprintf(msg, sizeof msg,
		 "BPF program is too long: more than %u instructions",
		 FILTER_MAX_INSNS);
	return ext_raise(st->PcapError, PCAP_ERROR, msg);
}

/*
 * A new Filter of type tp over insns[0..n).  Takes insns (PyMem_Raw) in
 * every case: it becomes the object's, or is freed.
 */
static PyObject *
filter_build(PyTypeObject *tp, ext_state *st, struct bpf_insn *insns, u_int n)
{
	ext_filter *f;
	struct vm_prog *vm;

	if (n > FILTER_MAX_INSNS) {
		PyMem_RawFree(insns);
		return raise_too_long(st);
	}
	if (insns == NULL) {
		/* an empty program: keep a real pointer for the struct */
		insns = PyMem_RawMalloc(sizeof *insns);
		if (insns == NULL)
			return PyErr_NoMemory();
	}
	errno = 0;
	vm = vm_prog_new(insns, n);
	if (vm == NULL) {
		char why[160], msg[PCAP_ERRBUF_SIZE + 160];

		if (errno == ENOMEM) {
			PyMem_RawFree(insns);
			return PyErr_NoMemory();
		}
		(void)vm_check(insns, n, why, sizeof why);
		PyMem_RawFree(insns);
		/* libpcap's text first, so a test for it still matches */
		snprintf(msg, sizeof msg, "BPF program is not valid%s%s",
			 why[0] ? ": " : "", why);
		return ext_raise(st->PcapError, PCAP_ERROR, msg);
	}
	f = PyObject_New(ext_filter, tp);
	if (f == NULL) {
		vm_prog_free(vm);
		PyMem_RawFree(insns);
		return NULL;
	}
	f->st = st;
	f->prog.bf_len = n;
	f->prog.bf_insns = insns;
	f->vm = vm;
	f->hash = -1;
	return (PyObject *)f;
}

static ext_state *
state_of_type(PyTypeObject *tp)
{
	PyObject *m = ext_module_from_type(tp);

	return m ? PyModule_GetState(m) : NULL;
}

/* ---- Filter(instructions) ----------------------------------------------- */

/* ctypes._SimpleCData, looked up the first time a field is not an int. */
static PyObject *
simple_cdata(ext_state *st)
{
	PyObject *ctypes;

	if (st->SimpleCData != NULL)
		return st->SimpleCData;
	ctypes = PyImport_ImportModule("ctypes");
	if (ctypes == NULL)
		return NULL;
	st->SimpleCData = PyObject_GetAttrString(ctypes, "_SimpleCData");
	Py_DECREF(ctypes);
	return st->SimpleCData;
}

/*
 * One field of instruction idx as an integer in [lo, hi].  Integers (and
 * whatever has __index__) and ctypes integers (BPF_STMT puts a c_ushort in
 * its tuples) are accepted.  Returns -1 with an exception set.
 */
static int
field_value(ext_state *st, PyObject *o, Py_ssize_t idx, const char *name,
	    long long lo, long long hi, long long *out)
{
	PyObject *num = NULL;
	long long v;
	int overflow;

	if (PyIndex_Check(o)) {
		num = PyNumber_Index(o);
	} else {
		PyObject *cls = simple_cdata(st);

		if (cls == NULL)
			PyErr_Clear();
		else if (PyObject_TypeCheck(o, (PyTypeObject *)cls)) {
			PyObject *val = PyObject_GetAttrString(o, "value");

			if (val == NULL)
				return -1;
			if (PyIndex_Check(val))
				num = PyNumber_Index(val);
			Py_DECREF(val);
			if (num == NULL && PyErr_Occurred())
				return -1;
		}
		if (num == NULL) {
			PyErr_Format(PyExc_TypeError,
				     "instruction %zd: %s must be an integer, not %.100s",
				     idx, name, Py_TYPE(o)->tp_name);
			return -1;
		}
	}
	if (num == NULL)
		return -1;
	v = PyLong_AsLongLongAndOverflow(num, &overflow);
	Py_DECREF(num);
	if (v == -1 && PyErr_Occurred())
		return -1;
	if (overflow || v < lo || v > hi) {
		PyErr_Format(PyExc_ValueError,
			     "instruction %zd: %s must be in %lld..%lld",
			     idx, name, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

/* item -> *insn: a (code, jt, jf, k) tuple or list, or an object with
   code, jt, jf and k attributes (a ctypes bpf_insn). */
static int
item_to_insn(ext_state *st, PyObject *item, Py_ssize_t idx, struct bpf_insn *insn)
{
	static const char *names[4] = {"code", "jt", "jf", "k"};
	static const long long lo[4] = {0, 0, 0, -0x80000000LL};
	static const long long hi[4] = {0xffff, 0xff, 0xff, 0xffffffffLL};
	PyObject *attr[4] = {st->s_code, st->s_jt, st->s_jf, st->s_k};
	long long v[4];
	int i, rc = 0;

	if (PyTuple_Check(item) || PyList_Check(item)) {
		if (PySequence_Fast_GET_SIZE(item) != 4) {
			PyErr_Format(PyExc_ValueError,
				     "instruction %zd: expected 4 fields (code, jt, "
				     "jf, k), got %zd", idx,
				     PySequence_Fast_GET_SIZE(item));
			return -1;
		}
		for (i = 0; i < 4 && rc == 0; i++) {
			/* a list may change under a field's __index__: hold it */
			PyObject *o;

			if (i >= PySequence_Fast_GET_SIZE(item)) {
				PyErr_Format(PyExc_RuntimeError,
					     "instruction %zd changed while it was "
					     "read", idx);
				return -1;
			}
			o = Py_NewRef(PySequence_Fast_GET_ITEM(item, i));
			rc = field_value(st, o, idx, names[i], lo[i], hi[i], &v[i]);
			Py_DECREF(o);
		}
	} else {
		for (i = 0; i < 4 && rc == 0; i++) {
			PyObject *o = PyObject_GetAttr(item, attr[i]);

			if (o == NULL) {
				if (!PyErr_ExceptionMatches(PyExc_AttributeError))
					return -1;
				PyErr_Clear();
				PyErr_Format(PyExc_TypeError,
					     "instruction %zd: expected a (code, jt, "
					     "jf, k) tuple or an object with code, jt, "
					     "jf and k attributes, not %.100s", idx,
					     Py_TYPE(item)->tp_name);
				return -1;
			}
			rc = field_value(st, o, idx, names[i], lo[i], hi[i], &v[i]);
			Py_DECREF(o);
		}
	}
	if (rc < 0)
		return -1;
	insn->code = (u_short)v[0];
	insn->jt = (u_char)v[1];
	insn->jf = (u_char)v[2];
	insn->k = (bpf_u_int32)(uint32_t)(v[3] & 0xffffffffLL);
	return 0;
}

/* A ctypes bpf_program: the list of its bf_len instructions, or NULL with
   no exception when obj is not one. */
static PyObject *
program_instructions(ext_state *st, PyObject *obj)
{
	PyObject *insns, *len_obj, *seq;
	Py_ssize_t n;

	insns = PyObject_GetAttr(obj, st->s_bf_insns);
	if (insns == NULL) {
		if (PyErr_ExceptionMatches(PyExc_AttributeError))
			PyErr_Clear();
		return NULL;
	}
	len_obj = PyObject_GetAttr(obj, st->s_bf_len);
	if (len_obj == NULL) {
		Py_DECREF(insns);
		return NULL;
	}
	n = PyNumber_AsSsize_t(len_obj, PyExc_OverflowError);
	Py_DECREF(len_obj);
	if (n == -1 && PyErr_Occurred()) {
		Py_DECREF(insns);
		return NULL;
	}
	/* bf_len is a C unsigned: bound it before slicing that many */
	if (n < 0 || (size_t)n > FILTER_MAX_INSNS) {
		Py_DECREF(insns);
		if (n < 0)
			PyErr_SetString(PyExc_ValueError, "bf_len is negative");
		else
			raise_too_long(st);
		return NULL;
	}
	if (n > 0) {
		/* ctypes slices a NULL pointer into a list of NULLs (with an
		   exception set): refuse it before */
		int nonnull = PyObject_IsTrue(insns);

		if (nonnull <= 0) {
			Py_DECREF(insns);
			if (nonnull == 0)
				PyErr_SetString(PyExc_ValueError,
						"bf_insns is NULL but bf_len is not 0");
			return NULL;
		}
	}
	seq = PySequence_GetSlice(insns, 0, n);
	Py_DECREF(insns);
	if (seq != NULL && PyErr_Occurred())
		Py_CLEAR(seq);
	return seq;
}

static PyObject *
filter_from_iterable(PyTypeObject *tp, ext_state *st, PyObject *obj)
{
	PyObject *it, *item;
	struct bpf_insn *insns = NULL, *grown;
	size_t n = 0, cap;
	Py_ssize_t hint;

	if (PyUnicode_Check(obj) || PyBytes_Check(obj) || PyByteArray_Check(obj)) {
		PyErr_Format(PyExc_TypeError,
			     "Filter() takes an iterable of instructions, not "
			     "%.100s (for tcpdump's text use Filter.from_ddd() or "
			     "Filter.from_dd())", Py_TYPE(obj)->tp_name);
		return NULL;
	}
	it = PyObject_GetIter(obj);
	if (it == NULL)
		return NULL;
	hint = PyObject_LengthHint(obj, 16);
	if (hint < 0) {
		Py_DECREF(it);
		return NULL;
	}
	cap = hint < 1 ? 1 : (size_t)hint;
	if (cap > FILTER_MAX_INSNS + 1)
		cap = FILTER_MAX_INSNS + 1;
	insns = PyMem_RawMalloc(cap * sizeof *insns);
	if (insns == NULL) {
		Py_DECREF(it);
		return PyErr_NoMemory();
	}
	while ((item = PyIter_Next(it)) != NULL) {
		int rc;

		if (n == FILTER_MAX_INSNS) {
			/* one too many: filter_build refuses it */
			Py_DECREF(item);
			n++;
			break;
		}
		if (n == cap) {
			cap *= 2;
			if (cap > FILTER_MAX_INSNS)
				cap = FILTER_MAX_INSNS;
			grown = PyMem_RawRealloc(insns, cap * sizeof *insns);
			if (grown == NULL) {
				Py_DECREF(item);
				PyErr_NoMemory();
				goto fail;
			}
			insns = grown;
		}
		rc = item_to_insn(st, item, (Py_ssize_t)n, &insns[n]);
		Py_DECREF(item);
		if (rc < 0)
			goto fail;
		n++;
	}
	Py_DECREF(it);
	if (PyErr_Occurred()) {
		PyMem_RawFree(insns);
		return NULL;
	}
	return filter_build(tp, st, insns, (u_int)n);
fail:
	Py_DECREF(it);
	PyMem_RawFree(insns);
	return NULL;
}

static PyObject *
filter_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"instructions", NULL};
	ext_state *st = state_of_type(tp);
	PyObject *obj, *seq, *res;

	if (st == NULL)
		return NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O:Filter", kwlist, &obj))
		return NULL;
	if (Py_IS_TYPE(obj, tp)) {
		/* a copy is the same immutable program */
		return Py_NewRef(obj);
	}
	seq = program_instructions(st, obj);
	if (seq == NULL && PyErr_Occurred())
		return NULL;
	res = filter_from_iterable(tp, st, seq ? seq : obj);
	Py_XDECREF(seq);
	return res;
}

/* ---- Filter.from_ddd(text), Filter.from_dd(text) ------------------------- */

/* The text to parse, as bytes: str (UTF-8) or any bytes-like object. */
typedef struct {
	Py_buffer view;
	int have_view;
	const char *s, *end;
} text_src;

static int
text_open(PyObject *obj, text_src *t, const char *fname)
{
	t->have_view = 0;
	if (PyUnicode_Check(obj)) {
		Py_ssize_t len;
		const char *s = PyUnicode_AsUTF8AndSize(obj, &len);

		if (s == NULL)
			return -1;
		t->s = s;
		t->end = s + len;
		return 0;
	}
	if (PyObject_GetBuffer(obj, &t->view, PyBUF_SIMPLE) < 0) {
		PyErr_Clear();
		PyErr_Format(PyExc_TypeError,
			     "%s() argument must be str or bytes-like, not %.100s",
			     fname, Py_TYPE(obj)->tp_name);
		return -1;
	}
	t->have_view = 1;
	t->s = t->view.buf;
	t->end = t->s + t->view.len;
	return 0;
}

static void
text_close(text_src *t)
{
	if (t->have_view)
		PyBuffer_Release(&t->view);
}

static PyObject *
filter_from_text(PyTypeObject *tp, PyObject *obj, enum vm_text_format fmt)
{
	const char *fname = fmt == VM_TEXT_DD ? "from_dd" : "from_ddd";
	ext_state *st = state_of_type(tp);
	text_src t;
	struct bpf_insn *parsed, *insns;
	size_t n;
	char err[160];
	enum vm_text_status rc;

	if (st == NULL || text_open(obj, &t, fname) < 0)
		return NULL;
	rc = vm_text_read(t.s, (size_t)(t.end - t.s), fmt, FILTER_MAX_INSNS,
			  &parsed, &n, err, sizeof err);
	text_close(&t);
	switch (rc) {
	case VM_TEXT_OK:
		break;
	case VM_TEXT_TOO_LONG:
		return raise_too_long(st);
	case VM_TEXT_NOMEM:
		return PyErr_NoMemory();
	default:
		PyErr_SetString(PyExc_ValueError, err);
		return NULL;
	}
	/* The Filter keeps its program in PyMem_Raw memory. */
	insns = NULL;
	if (n > 0) {
		insns = PyMem_RawMalloc(n * sizeof *insns);
		if (insns == NULL) {
			free(parsed);
			return PyErr_NoMemory();
		}
		memcpy(insns, parsed, n * sizeof *insns);
	}
	free(parsed);
	return filter_build(tp, st, insns, (u_int)n);
}

static PyObject *
filter_from_ddd(PyObject *cls, PyObject *text)
{
	return filter_from_text((PyTypeObject *)cls, text, VM_TEXT_DDD);
}

static PyObject *
filter_from_dd(PyObject *cls, PyObject *text)
{
	return filter_from_text((PyTypeObject *)cls, text, VM_TEXT_DD);
}

/* ---- using it ----------------------------------------------------------- */

/* match(data, wirelen=None) */
static PyObject *
filter_match(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
	     PyObject *kwnames)
{
	ext_filter *f = (ext_filter *)self;
	PyObject *data = nargs > 0 ? args[0] : NULL;
	PyObject *wl_obj = nargs > 1 ? args[1] : NULL;
	Py_ssize_t i, nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
	Py_buffer view;
	u_int buflen, wirelen = 0, res;

	if (nargs > 2) {
		PyErr_Format(PyExc_TypeError,
			     "match() takes at most 2 arguments (%zd given)",
			     nargs + nkw);
		return NULL;
	}
	for (i = 0; i < nkw; i++) {
		PyObject *key = PyTuple_GET_ITEM(kwnames, i);
		PyObject **slot;

		if (PyUnicode_CompareWithASCIIString(key, "data") == 0)
			slot = &data;
		else if (PyUnicode_CompareWithASCIIString(key, "wirelen") == 0)
			slot = &wl_obj;
		else {
			PyErr_Format(PyExc_TypeError,
				     "match() got an unexpected keyword argument "
				     "'%U'", key);
			return NULL;
		}
		if (*slot != NULL) {
			PyErr_Format(PyExc_TypeError,
				     "match() got multiple values for argument '%U'",
				     key);
			return NULL;
		}
		*slot = args[nargs + i];
	}
	if (data == NULL) {
		PyErr_SetString(PyExc_TypeError,
				"match() missing required argument 'data'");
		return NULL;
	}
	if (wl_obj == Py_None)
		wl_obj = NULL;
	if (wl_obj != NULL) {
		unsigned long long v;
		PyObject *num = PyNumber_Index(wl_obj);

		if (num == NULL)
			return NULL;
		v = PyLong_AsUnsignedLongLong(num);
		Py_DECREF(num);
		if ((v == (unsigned long long)-1 && PyErr_Occurred()) ||
		    v > UINT32_MAX) {
			if (!PyErr_Occurred() ||
			    PyErr_ExceptionMatches(PyExc_OverflowError)) {
				PyErr_Clear();
				PyErr_SetString(PyExc_OverflowError,
						"wirelen must be in 0 .. 2**32-1");
			}
			return NULL;
		}
		wirelen = (u_int)v;
	}
	if (f->st->PacketType != NULL && Py_IS_TYPE(data, f->st->PacketType)) {
		ext_packet *pk = (ext_packet *)data;

		res = vm_prog_run(f->vm,
				  (const u_char *)PyBytes_AS_STRING(pk->data),
				  wl_obj ? wirelen : pk->wirelen, pk->caplen);
		return PyLong_FromUnsignedLong(res);
	}
	if (PyUnicode_Check(data)) {
		PyErr_SetString(PyExc_TypeError,
				"match() takes bytes-like data or a Packet, not str");
		return NULL;
	}
	if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) < 0)
		return NULL;
	/* bpf_filter's lengths are 32-bit: beyond, the bytes are unreachable */
	buflen = (size_t)view.len > UINT32_MAX ? UINT32_MAX : (u_int)view.len;
	res = vm_prog_run(f->vm, view.buf, wl_obj ? wirelen : buflen, buflen);
	PyBuffer_Release(&view);
	return PyLong_FromUnsignedLong(res);
}

/* The program in one of bpf_dump's formats, as a str. */
static PyObject *
dump_text(ext_filter *f, int option)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *mf = open_memstream(&buf, &size);
	PyObject *res;

	if (mf == NULL)
		return PyErr_SetFromErrno(PyExc_OSError);
	vm_dump(mf, f->prog.bf_insns, (int)f->prog.bf_len, option);
	if (ferror(mf)) {
		fclose(mf);
		free(buf);
		return PyErr_NoMemory();
	}
	if (fclose(mf) != 0) {
		free(buf);
		return PyErr_NoMemory();
	}
	res = PyUnicode_DecodeASCII(buf, (Py_ssize_t)size, "strict");
	free(buf);
	return res;
}

/* dump(option=1) */
static PyObject *
filter_dump(PyObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"option", NULL};
	PyObject *opt = NULL;
	long option = 1;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:dump", kwlist, &opt))
		return NULL;
	if (opt != NULL) {
		int overflow;
		PyObject *num = PyNumber_Index(opt);

		if (num == NULL)
			return NULL;
		option = PyLong_AsLongAndOverflow(num, &overflow);
		Py_DECREF(num);
		if (option == -1 && PyErr_Occurred())
			return NULL;
		/* as libpcap: above 2 is -ddd, below 2 the listing */
		if (overflow > 0 || option > 3)
			option = 3;
		else if (overflow < 0 || option < 0)
			option = 0;
	}
	return dump_text((ext_filter *)self, (int)option);
}

static PyObject *
filter_str(PyObject *self)
{
	PyObject *s = dump_text((ext_filter *)self, 1), *res;
	Py_ssize_t n;

	if (s == NULL)
		return NULL;
	n = PyUnicode_GET_LENGTH(s);
	if (n == 0 || PyUnicode_READ_CHAR(s, n - 1) != '\n')
		return s;
	res = PyUnicode_Substring(s, 0, n - 1);
	Py_DECREF(s);
	return res;
}

static PyObject *
filter_repr(PyObject *self)
{
	u_int n = ((ext_filter *)self)->prog.bf_len;

	return PyUnicode_FromFormat("<Filter of %u instruction%s>", n,
				    n == 1 ? "" : "s");
}

static PyObject *
filter_get_instructions(PyObject *self, void *closure)
{
	ext_filter *f = (ext_filter *)self;
	PyObject *list = PyList_New((Py_ssize_t)f->prog.bf_len);
	u_int i;

	(void)closure;
	if (list == NULL)
		return NULL;
	for (i = 0; i < f->prog.bf_len; i++) {
		const struct bpf_insn *p = &f->prog.bf_insns[i];
		PyObject *t = Py_BuildValue("(IIIk)", (unsigned)p->code,
					    (unsigned)p->jt, (unsigned)p->jf,
					    (unsigned long)p->k);

		if (t == NULL) {
			Py_DECREF(list);
			return NULL;
		}
		PyList_SET_ITEM(list, (Py_ssize_t)i, t);
	}
	return list;
}

static Py_ssize_t
filter_length(PyObject *self)
{
	return (Py_ssize_t)((ext_filter *)self)->prog.bf_len;
}

static PyObject *
filter_richcompare(PyObject *a, PyObject *b, int op)
{
	ext_filter *x = (ext_filter *)a, *y = (ext_filter *)b;
	int same;

	if ((op != Py_EQ && op != Py_NE) || Py_TYPE(a) != Py_TYPE(b))
		Py_RETURN_NOTIMPLEMENTED;
	/* struct bpf_insn has no padding: 2 + 1 + 1 + 4 bytes */
	same = x->prog.bf_len == y->prog.bf_len &&
	       memcmp(x->prog.bf_insns, y->prog.bf_insns,
		      x->prog.bf_len * sizeof *x->prog.bf_insns) == 0;
	return PyBool_FromLong(op == Py_EQ ? same : !same);
}

static Py_hash_t
filter_hash(PyObject *self)
{
	ext_filter *f = (ext_filter *)self;
	PyObject *b;
	Py_hash_t h;

	if (f->hash != -1)
		return f->hash;
	b = PyBytes_FromStringAndSize((const char *)f->prog.bf_insns,
				      (Py_ssize_t)(f->prog.bf_len *
						   sizeof *f->prog.bf_insns));
	if (b == NULL)
		return -1;
	h = PyObject_Hash(b);
	Py_DECREF(b);
	f->hash = h;
	return h;
}

static PyObject *
filter_reduce(PyObject *self, PyObject *unused)
{
	PyObject *insns = filter_get_instructions(self, NULL);

	(void)unused;
	if (insns == NULL)
		return NULL;
	return Py_BuildValue("O(N)", (PyObject *)Py_TYPE(self), insns);
}

static void
filter_dealloc(PyObject *self)
{
	ext_filter *f = (ext_filter *)self;
	PyTypeObject *tp = Py_TYPE(self);

	vm_prog_free(f->vm);
	PyMem_RawFree(f->prog.bf_insns);
	PyObject_Free(self);
	Py_DECREF(tp);
}

/* ---- for reader.c ------------------------------------------------------- */

int
ext_filter_check(ext_state *st, PyObject *o)
{
	return st->FilterType != NULL && Py_IS_TYPE(o, st->FilterType);
}

const struct bpf_program *
ext_filter_program(PyObject *filt)
{
	return &((ext_filter *)filt)->prog;
}

PyObject *
ext_filter_from_program(ext_state *st, const struct bpf_insn *insns, u_int n)
{
	struct bpf_insn *copy = NULL;

	if (st->FilterType == NULL) {
		PyErr_SetString(PyExc_RuntimeError, "the Filter type is gone");
		return NULL;
	}
	if (n > FILTER_MAX_INSNS)
		return raise_too_long(st);
	if (n > 0) {
		copy = PyMem_RawMalloc(n * sizeof *copy);
		if (copy == NULL)
			return PyErr_NoMemory();
		memcpy(copy, insns, n * sizeof *copy);
	}
	return filter_build(st->FilterType, st, copy, n);
}

/* ---- the type ----------------------------------------------------------- */

static PyGetSetDef filter_getset[] = {
	{"instructions", filter_get_instructions, NULL,
	 "The program as a new list of (code, jt, jf, k) tuples.", NULL},
	{NULL, NULL, NULL, NULL, NULL}
};

static PyMethodDef filter_methods[] = {
	{"match", (PyCFunction)(void (*)(void))filter_match,
	 METH_FASTCALL | METH_KEYWORDS,
	 "match($self, data, wirelen=None)\n--\n\n"
	 "Run the program over one packet, as bpf_filter does: 0 if it\n"
	 "rejects the packet, else the number of bytes to keep (the\n"
	 "program's return value).  data is bytes-like (read in place, not\n"
	 "copied) or a Packet; wirelen (the 'len' the program sees) defaults\n"
	 "to len(data), or to a Packet's wirelen."},
	{"dump", (PyCFunction)(void (*)(void))filter_dump,
	 METH_VARARGS | METH_KEYWORDS,
	 "dump($self, option=1)\n--\n\n"
	 "The program as bpf_dump prints it, numbered as libpcap does:\n"
	 "option 0 or 1 is tcpdump -d (one bpf_image line per instruction),\n"
	 "2 is tcpdump -dd (a C initializer), 3 and above tcpdump -ddd\n"
	 "(the count, then 'code jt jf k' in decimal)."},
	{"from_ddd", filter_from_ddd, METH_O | METH_CLASS,
	 "from_ddd($type, text, /)\n--\n\n"
	 "A Filter from tcpdump -ddd output (str or bytes): the number of\n"
	 "instructions on the first line, then one 'code jt jf k' line (in\n"
	 "decimal) per instruction.  Blank lines are ignored.  Malformed text\n"
	 "raises ValueError naming the line."},
	{"from_dd", filter_from_dd, METH_O | METH_CLASS,
	 "from_dd($type, text, /)\n--\n\n"
	 "A Filter from tcpdump -dd output (str or bytes): one\n"
	 "'{ code, jt, jf, k },' line per instruction, numbers in decimal or\n"
	 "0x hexadecimal.  Blank lines are ignored.  Malformed text raises\n"
	 "ValueError naming the line."},
	{"__reduce__", filter_reduce, METH_NOARGS, NULL},
	{NULL, NULL, 0, NULL}
};

static PyType_Slot filter_slots[] = {
	{Py_tp_new, (void *)filter_new},
	{Py_tp_dealloc, (void *)filter_dealloc},
	{Py_tp_getset, filter_getset},
	{Py_tp_methods, filter_methods},
	{Py_tp_repr, (void *)filter_repr},
	{Py_tp_str, (void *)filter_str},
	{Py_tp_richcompare, (void *)filter_richcompare},
	{Py_tp_hash, (void *)filter_hash},
	{Py_sq_length, (void *)filter_length},
	{Py_tp_doc, (void *)
	 "Filter(instructions)\n--\n\n"
	 "A classic BPF program, validated once (bpf_validate) and then\n"
	 "immutable.  instructions is an iterable of (code, jt, jf, k) tuples\n"
	 "or of objects with code, jt, jf and k attributes (a ctypes array of\n"
	 "libpcap.bpf_insn), or a ctypes libpcap.bpf_program.  k may be given\n"
	 "as a negative 32-bit value (two's complement).  An invalid program\n"
	 "raises PcapError('BPF program is not valid: <reason>'); programs\n"
	 "are limited to 2**20 instructions.\n\n"
	 "f.match(data) runs it; f.dump(option) and str(f) print it as\n"
	 "tcpdump -d/-dd/-ddd do; Reader.set_filter(f) installs it; len(f),\n"
	 "f.instructions, ==, hash() and pickling work on the instructions."},
	{0, NULL}
};

static PyType_Spec filter_spec = {
	.name = "libpcap.Filter",
	.basicsize = sizeof(ext_filter),
	.itemsize = 0,
	.flags = Py_TPFLAGS_DEFAULT | EXT_TPFLAGS_IMMUTABLE,
	.slots = filter_slots,
};

int
ext_filter_init_type(PyObject *module, ext_state *st)
{
	return ext_add_type(module, &filter_spec, &st->FilterType);
}
