/*
 * module.c - the module object of libpcap._libpcap: multi-phase init, the
 * per-module state (types and exception classes) with its traverse, clear
 * and free hooks, the lookup of that state from a type, and the small
 * version shims that the other files share.  The work is in packet.c,
 * reader.c, writer.c, filter.c, compile.c, capture.c, errors.c and
 * fileobj.c.
 */
#include "native.h"

/* ---- saved exceptions ------------------------------------------------- */

void
ext_exc_save(ext_saved_exc *s)
{
	if (s->type != NULL) {
		/* keep the first failure; later ones are consequences */
		PyErr_Clear();
		return;
	}
#if PY_VERSION_HEX >= 0x030C0000
	s->value = PyErr_GetRaisedException();
	s->type = s->value ? Py_NewRef(Py_TYPE(s->value)) : NULL;
	s->tb = NULL;
#else
	PyErr_Fetch(&s->type, &s->value, &s->tb);
	PyErr_NormalizeException(&s->type, &s->value, &s->tb);
#endif
}

int
ext_exc_restore(ext_saved_exc *s)
{
	if (s->type == NULL)
		return 0;
#if PY_VERSION_HEX >= 0x030C0000
	Py_CLEAR(s->type);
	PyErr_SetRaisedException(s->value);
	s->value = NULL;
#else
	PyErr_Restore(s->type, s->value, s->tb);
	s->type = s->value = s->tb = NULL;
#endif
	return 1;
}

void
ext_exc_clear(ext_saved_exc *s)
{
	Py_CLEAR(s->type);
	Py_CLEAR(s->value);
	Py_CLEAR(s->tb);
}

/* ---- state ------------------------------------------------------------ */

int
ext_add_type(PyObject *module, PyType_Spec *spec, PyTypeObject **slot)
{
	*slot = (PyTypeObject *)PyType_FromModuleAndSpec(module, spec, NULL);
	if (*slot == NULL)
		return -1;
	return PyModule_AddType(module, *slot);
}

PyObject *
ext_module_from_type(PyTypeObject *tp)
{
#if PY_VERSION_HEX >= 0x030B0000
	return PyType_GetModuleByDef(tp, &ext_module_def);
#else
	/* Walk the MRO for the heap type this module created. */
	PyObject *mro = tp->tp_mro;
	Py_ssize_t i, n = mro ? PyTuple_GET_SIZE(mro) : 0;

	for (i = 0; i < n; i++) {
		PyTypeObject *t = (PyTypeObject *)PyTuple_GET_ITEM(mro, i);
		PyObject *m;

		if (!(t->tp_flags & Py_TPFLAGS_HEAPTYPE))
			continue;
		m = ((PyHeapTypeObject *)t)->ht_module;
		if (m != NULL && PyModule_GetDef(m) == &ext_module_def)
			return m;
	}
	PyErr_Format(PyExc_TypeError, "%s is not a libpcap._libpcap type",
		     tp->tp_name);
	return NULL;
#endif
}

static int
module_traverse(PyObject *m, visitproc visit, void *arg)
{
	ext_state *st = PyModule_GetState(m);

	Py_VISIT(st->PacketType);
	Py_VISIT(st->InterfaceType);
	Py_VISIT(st->SectionType);
	Py_VISIT(st->ReaderType);
	Py_VISIT(st->WriterType);
	Py_VISIT(st->FilterType);
	Py_VISIT(st->CaptureType);
	Py_VISIT(st->CaptureStatsType);
	Py_VISIT(st->DeviceType);
	Py_VISIT(st->DeviceAddressType);
	Py_VISIT(st->PcapWarning);
	Py_VISIT(st->PcapError);
	Py_VISIT(st->PcapFileError);
	Py_VISIT(st->PcapNotSupported);
	Py_VISIT(st->CompileError);
	Py_VISIT(st->FilterSyntaxError);
	Py_VISIT(st->TextIOBase);
	Py_VISIT(st->plain_files);
	Py_VISIT(st->BytesIO);
	Py_VISIT(st->file_errors);
	Py_VISIT(st->RawIOBase);
	Py_VISIT(st->buffered_files);
	Py_VISIT(st->SimpleCData);
	Py_VISIT(st->s_fspath);
	Py_VISIT(st->s_read);
	Py_VISIT(st->s_write);
	Py_VISIT(st->s_fileno);
	Py_VISIT(st->s_tell);
	Py_VISIT(st->s_flush);
	Py_VISIT(st->s_cast);
	Py_VISIT(st->s_q);
	Py_VISIT(st->s_read1);
	Py_VISIT(st->s_raw);
	Py_VISIT(st->s_readable);
	Py_VISIT(st->s_writable);
	Py_VISIT(st->s_code);
	Py_VISIT(st->s_jt);
	Py_VISIT(st->s_jf);
	Py_VISIT(st->s_k);
	Py_VISIT(st->s_bf_insns);
	Py_VISIT(st->s_bf_len);
	return 0;
}

static int
module_clear(PyObject *m)
{
	ext_state *st = PyModule_GetState(m);

	Py_CLEAR(st->PacketType);
	Py_CLEAR(st->InterfaceType);
	Py_CLEAR(st->SectionType);
	Py_CLEAR(st->ReaderType);
	Py_CLEAR(st->WriterType);
	Py_CLEAR(st->FilterType);
	Py_CLEAR(st->CaptureType);
	Py_CLEAR(st->CaptureStatsType);
	Py_CLEAR(st->DeviceType);
	Py_CLEAR(st->DeviceAddressType);
	Py_CLEAR(st->PcapWarning);
	Py_CLEAR(st->PcapError);
	Py_CLEAR(st->PcapFileError);
	Py_CLEAR(st->PcapNotSupported);
	Py_CLEAR(st->CompileError);
	Py_CLEAR(st->FilterSyntaxError);
	Py_CLEAR(st->TextIOBase);
	Py_CLEAR(st->plain_files);
	Py_CLEAR(st->BytesIO);
	Py_CLEAR(st->file_errors);
	Py_CLEAR(st->RawIOBase);
	Py_CLEAR(st->buffered_files);
	Py_CLEAR(st->SimpleCData);
	Py_CLEAR(st->s_fspath);
	Py_CLEAR(st->s_read);
	Py_CLEAR(st->s_write);
	Py_CLEAR(st->s_fileno);
	Py_CLEAR(st->s_tell);
	Py_CLEAR(st->s_flush);
	Py_CLEAR(st->s_cast);
	Py_CLEAR(st->s_q);
	Py_CLEAR(st->s_read1);
	Py_CLEAR(st->s_raw);
	Py_CLEAR(st->s_readable);
	Py_CLEAR(st->s_writable);
	Py_CLEAR(st->s_code);
	Py_CLEAR(st->s_jt);
	Py_CLEAR(st->s_jf);
	Py_CLEAR(st->s_k);
	Py_CLEAR(st->s_bf_insns);
	Py_CLEAR(st->s_bf_len);
	return 0;
}

static void
module_free(void *m)
{
	(void)module_clear((PyObject *)m);
}

static int
module_exec(PyObject *m)
{
	ext_state *st = PyModule_GetState(m);
	PyObject *io;

	io = PyImport_ImportModule("io");
	if (io == NULL)
		return -1;
	st->TextIOBase = PyObject_GetAttrString(io, "TextIOBase");
	st->plain_files = Py_BuildValue("(N)", PyObject_GetAttrString(io, "FileIO"));
	st->BytesIO = PyObject_GetAttrString(io, "BytesIO");
	st->RawIOBase = PyObject_GetAttrString(io, "RawIOBase");
	st->buffered_files = Py_BuildValue(
		"(NNN)", PyObject_GetAttrString(io, "BufferedReader"),
		PyObject_GetAttrString(io, "BufferedWriter"),
		PyObject_GetAttrString(io, "BufferedRandom"));
	Py_DECREF(io);
	if (st->TextIOBase == NULL || st->plain_files == NULL ||
	    st->BytesIO == NULL || st->RawIOBase == NULL ||
	    st->buffered_files == NULL)
		return -1;
#define INTERN(field, text)                                                  \
	if ((st->field = PyUnicode_InternFromString(text)) == NULL)          \
		return -1
	INTERN(s_fspath, "__fspath__");
	INTERN(s_read, "read");
	INTERN(s_write, "write");
	INTERN(s_fileno, "fileno");
	INTERN(s_tell, "tell");
	INTERN(s_flush, "flush");
	INTERN(s_cast, "cast");
	INTERN(s_q, "q");
	INTERN(s_read1, "read1");
	INTERN(s_raw, "raw");
	INTERN(s_readable, "readable");
	INTERN(s_writable, "writable");
	INTERN(s_code, "code");
	INTERN(s_jt, "jt");
	INTERN(s_jf, "jf");
	INTERN(s_k, "k");
	INTERN(s_bf_insns, "bf_insns");
	INTERN(s_bf_len, "bf_len");
#undef INTERN

	if (ext_errors_init(m, st) < 0 || ext_packet_init_type(m, st) < 0 ||
	    ext_pcapng_init_types(m, st) < 0 ||
	    ext_reader_init_type(m, st) < 0 || ext_writer_init_type(m, st) < 0 ||
	    ext_filter_init_type(m, st) < 0 || ext_compile_init(m, st) < 0 ||
	    ext_capture_init_type(m, st) < 0)
		return -1;

	/* So the Python side can check it got the extension it was built with. */
	if (PyModule_AddIntConstant(m, "ABI_VERSION", 3) < 0 ||
	    PyModule_AddIntConstant(m, "PCAP_ERROR", PCAP_ERROR) < 0)
		return -1;
	return 0;
}

static PyModuleDef_Slot module_slots[] = {
	{Py_mod_exec, (void *)module_exec},
	{0, NULL}
};

struct PyModuleDef ext_module_def = {
	PyModuleDef_HEAD_INIT,
	.m_name = "libpcap._libpcap",
	.m_doc = "Thin CPython glue between the native API of the libpcap "
		 "package and its C core.",
	.m_size = sizeof(ext_state),
	.m_slots = module_slots,
	.m_traverse = module_traverse,
	.m_clear = module_clear,
	.m_free = module_free,
};

PyMODINIT_FUNC
PyInit__libpcap(void)
{
	return PyModuleDef_Init(&ext_module_def);
}
