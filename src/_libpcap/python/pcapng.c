/*
 * pcapng.c - libpcap.Interface and libpcap.Section, the named tuples that
 * describe a pcapng file's interfaces and sections, built from what the
 * core's reader (sf_ng_iface_at, sf_ng_section_at) and writer
 * (ngw_iface_at) hold; and the comments of a block as a tuple of str.
 */
#include "native.h"

#include "../savefile/savefile.h"

static PyStructSequence_Field iface_fields[] = {
	{"number", "position in Reader.interfaces / Writer.interfaces"},
	{"section", "index of its section"},
	{"id", "interface id within its section (what packets refer to)"},
	{"linktype", "link-layer type (DLT_ value)"},
	{"snaplen", "snapshot length as written (0: none)"},
	{"name", "if_name, or None"},
	{"description", "if_description, or None"},
	{"filter", "if_filter (a libpcap filter string), or None"},
	{"os", "if_os, or None"},
	{"hardware", "if_hardware, or None"},
	{"tsresol", "time stamp ticks per second (10**6 when not given)"},
	{"tsoffset", "seconds added to every time stamp (if_tsoffset)"},
	{"speed", "if_speed in bits per second, or None"},
	{"comments", "its comments, a tuple of str"},
	{NULL, NULL}
};

static PyStructSequence_Desc iface_desc = {
	"libpcap.Interface",
	"One interface of a pcapng file (an Interface Description Block).",
	iface_fields, 14
};

static PyStructSequence_Field section_fields[] = {
	{"number", "position in Reader.sections"},
	{"byte_order", "'little' or 'big'"},
	{"version", "(major, minor)"},
	{"hardware", "shb_hardware, or None"},
	{"os", "shb_os, or None"},
	{"application", "shb_userappl, or None"},
	{"comments", "its comments, a tuple of str"},
	{NULL, NULL}
};

static PyStructSequence_Desc section_desc = {
	"libpcap.Section",
	"One section of a pcapng file (a Section Header Block).",
	section_fields, 7
};

int
ext_pcapng_init_types(PyObject *module, ext_state *st)
{
	st->InterfaceType = PyStructSequence_NewType(&iface_desc);
	if (st->InterfaceType == NULL)
		return -1;
	st->SectionType = PyStructSequence_NewType(&section_desc);
	if (st->SectionType == NULL)
		return -1;
	Py_INCREF(st->InterfaceType);
	if (PyModule_AddObject(module, "Interface",
			       (PyObject *)st->InterfaceType) < 0) {
		Py_DECREF(st->InterfaceType);
		return -1;
	}
	Py_INCREF(st->SectionType);
	if (PyModule_AddObject(module, "Section",
			       (PyObject *)st->SectionType) < 0) {
		Py_DECREF(st->SectionType);
		return -1;
	}
	return 0;
}

/* Option text as str (UTF-8 by the format; bad bytes replaced), or None. */
static PyObject *
text_or_none(const char *s)
{
	if (s == NULL)
		Py_RETURN_NONE;
	return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

PyObject *
ext_comments_tuple(const char *const *list, uint32_t n)
{
	PyObject *t = PyTuple_New((Py_ssize_t)n);
	uint32_t i;

	if (t == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		PyObject *s = text_or_none(list[i]);

		if (s == NULL) {
			Py_DECREF(t);
			return NULL;
		}
		PyTuple_SET_ITEM(t, i, s);
	}
	return t;
}

PyObject *
ext_packet_comments(struct sf_ng_packet *pk)
{
	PyObject *list = NULL, *t;
	const char *s;
	size_t len;

	while (sf_ng_next_comment(pk, &s, &len)) {
		PyObject *u = PyUnicode_DecodeUTF8(s, (Py_ssize_t)len,
						   "replace");

		if (list == NULL)
			list = PyList_New(0);
		if (u == NULL || list == NULL || PyList_Append(list, u) < 0) {
			Py_XDECREF(u);
			Py_XDECREF(list);
			return NULL;
		}
		Py_DECREF(u);
	}
	if (list == NULL)
		return PyTuple_New(0);
	t = PyList_AsTuple(list);
	Py_DECREF(list);
	return t;
}

/* Fill a structseq from a format of Py_BuildValue items, one per field. */
static PyObject *
build(PyTypeObject *tp, PyObject *values)
{
	PyObject *o;
	Py_ssize_t i, n;

	if (values == NULL)
		return NULL;
	o = PyStructSequence_New(tp);
	if (o == NULL) {
		Py_DECREF(values);
		return NULL;
	}
	n = PyTuple_GET_SIZE(values);
	for (i = 0; i < n; i++)
		PyStructSequence_SET_ITEM(o, i,
		    Py_NewRef(PyTuple_GET_ITEM(values, i)));
	Py_DECREF(values);
	return o;
}

static PyObject *
speed_or_none(uint64_t speed)
{
	if (speed == 0)
		Py_RETURN_NONE;
	return PyLong_FromUnsignedLongLong(speed);
}

/* Ticks per second of an if_tsresol byte. */
static unsigned long long
tsresol_ticks(uint8_t code)
{
	unsigned long long t = 1;
	unsigned i;

	if (code & 0x80)
		return 1ULL << (code & 0x7f);
	for (i = 0; i < code; i++)
		t *= 10;
	return t;
}

PyObject *
ext_interface_from_reader(ext_state *st, const struct sf_ng_iface *f,
			  uint32_t index)
{
	PyObject *comments = ext_comments_tuple(f->comments, f->ncomments);

	if (comments == NULL)
		return NULL;
	return build(st->InterfaceType, Py_BuildValue(
		"(IIIiINNNNNKLNN)", index, f->section, f->id, f->dlt,
		f->snaplen, text_or_none(f->name),
		text_or_none(f->description), text_or_none(f->filter),
		text_or_none(f->os), text_or_none(f->hardware),
		(unsigned long long)tsresol_ticks(f->tsresol_code),
		(long long)f->tsoffset, speed_or_none(f->speed), comments));
}

PyObject *
ext_interface_from_writer(ext_state *st, const struct ngw_iface *f,
			  uint32_t id, uint32_t section)
{
	return build(st->InterfaceType, Py_BuildValue(
		"(IIIiINNNNNKLNN)", id, section, id, f->dlt, f->snaplen,
		text_or_none(f->name), text_or_none(f->description),
		text_or_none(f->filter), text_or_none(f->os),
		text_or_none(f->hardware),
		(unsigned long long)tsresol_ticks(f->tsresol_code),
		(long long)f->tsoffset, speed_or_none(f->speed),
		PyTuple_New(0)));
}

PyObject *
ext_section_from_reader(ext_state *st, const struct sf_ng_section *s,
			uint32_t index)
{
	PyObject *comments = ext_comments_tuple(s->comments, s->ncomments);
	int little_host = 1;
	int little;

	if (comments == NULL)
		return NULL;
	little = *(const char *)&little_host == 1;
	if (s->swapped)
		little = !little;
	return build(st->SectionType, Py_BuildValue(
		"(Is(II)NNNN)", index, little ? "little" : "big", s->major,
		s->minor, text_or_none(s->hardware), text_or_none(s->os),
		text_or_none(s->application), comments));
}
