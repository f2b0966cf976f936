/*
 * native.h - what the files of the CPython extension libpcap._libpcap share:
 * the module state (heap types and exception classes, one copy per module
 * object), the object layouts of the native types, the cross-file helpers
 * (ext_ prefix) and a few compatibility shims for CPython 3.9 .. 3.14.
 *
 * The extension is thin: it converts between Python and the core's public C
 * API (pcap/pcap.h) and releases the GIL around calls that can block.  It
 * never looks inside a pcap_t.
 */
#ifndef PCAP_PYTHON_NATIVE_H
#define PCAP_PYTHON_NATIVE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

/* ---- compatibility shims ---------------------------------------------- */

#if PY_VERSION_HEX < 0x030A0000
static inline PyObject *ext_newref(PyObject *o) { Py_INCREF(o); return o; }
#define Py_NewRef(o) ext_newref((PyObject *)(o))
static inline int
ext_add_object_ref(PyObject *m, const char *name, PyObject *v)
{
	Py_INCREF(v);
	if (PyModule_AddObject(m, name, v) < 0) {
		Py_DECREF(v);
		return -1;
	}
	return 0;
}
#define PyModule_AddObjectRef ext_add_object_ref
#endif

#if PY_VERSION_HEX >= 0x030A0000
#define EXT_TPFLAGS_IMMUTABLE Py_TPFLAGS_IMMUTABLETYPE
#else
#define EXT_TPFLAGS_IMMUTABLE 0
#endif

#if PY_VERSION_HEX >= 0x030C0000
#define EXT_T_UINT Py_T_UINT
#define EXT_T_OBJECT Py_T_OBJECT_EX
#define EXT_READONLY Py_READONLY
#define EXT_T_PYSSIZET Py_T_PYSSIZET
#else
#include <structmember.h>
#define EXT_T_UINT T_UINT
#define EXT_T_OBJECT T_OBJECT_EX
#define EXT_READONLY READONLY
#define EXT_T_PYSSIZET T_PYSSIZET
#endif

/* A saved exception (3.12 has one object; before, a normalized triple). */
typedef struct {
	PyObject *type, *value, *tb;
} ext_saved_exc;
void ext_exc_save(ext_saved_exc *s);	/* PyErr_Fetch-like, keeps the first */
int ext_exc_restore(ext_saved_exc *s);	/* 1 and re-raised if one was saved */
void ext_exc_clear(ext_saved_exc *s);

/* ---- module state ----------------------------------------------------- */

typedef struct {
	PyTypeObject *PacketType;
	PyTypeObject *InterfaceType;	/* pcapng.c (structseq) */
	PyTypeObject *SectionType;
	PyTypeObject *ReaderType;
	PyTypeObject *WriterType;
	PyTypeObject *FilterType;
	PyTypeObject *CaptureType;	/* live capture (capture.c) */
	PyTypeObject *CaptureStatsType;
	PyTypeObject *DeviceType;
	PyTypeObject *DeviceAddressType;
	PyObject *PcapWarning;		/* libpcap's warnings (UserWarning) */
	PyObject *PcapError;		/* root of the hierarchy */
	PyObject *PcapFileError;	/* savefile open/read/write errors */
	PyObject *PcapNotSupported;	/* engine not there (yet) */
	PyObject *CompileError;		/* a filter expression did not compile */
	PyObject *FilterSyntaxError;	/* ... because it did not parse */
	PyObject *TextIOBase;		/* io.TextIOBase, to reject text files */
	PyObject *plain_files;		/* (io.FileIO,): descriptors we may use */
	PyObject *BytesIO;		/* io.BytesIO: read at once, in memory */
	PyObject *file_errors;		/* OSError subclass -> its PcapFileError */
	PyObject *RawIOBase;		/* io.RawIOBase: read(n) gives <= n */
	PyObject *buffered_files;	/* io.Buffered{Reader,Writer,Random} */
	PyObject *SimpleCData;		/* ctypes._SimpleCData, once needed */
	/* Interned attribute names: a fresh string per call would also fill
	   CPython's type attribute cache with copies. */
	PyObject *s_fspath, *s_read, *s_write, *s_fileno, *s_tell, *s_flush;
	PyObject *s_cast, *s_q;
	PyObject *s_read1, *s_raw;	/* interned: the type cache keeps one */
	PyObject *s_readable, *s_writable;
	PyObject *s_code, *s_jt, *s_jf, *s_k, *s_bf_insns, *s_bf_len;
} ext_state;

extern struct PyModuleDef ext_module_def;

/* The module that defined tp (or a base of tp), borrowed; NULL + error. */
PyObject *ext_module_from_type(PyTypeObject *tp);
/* Create a heap type from spec for module, store it in *slot and add it to
   the module under its name; -1 with an exception set on failure. */
int ext_add_type(PyObject *module, PyType_Spec *spec, PyTypeObject **slot);

/* ---- Packet (packet.c) ------------------------------------------------ */

typedef struct {
	PyObject_HEAD
	PyObject *data;		/* bytes, exactly caplen long */
	int64_t sec;		/* seconds as the core gives them */
	uint32_t nsec;		/* 0 .. 999999999 */
	uint32_t caplen;
	uint32_t wirelen;
	uint32_t flags;		/* pcapng epb_flags, 0 if none */
	PyObject *iface;	/* pcapng: its Interface, else NULL */
	PyObject *comments;	/* pcapng: tuple of str, NULL if none */
} ext_packet;

int ext_packet_init_type(PyObject *module, ext_state *st);
/* A new Packet whose data is a fresh bytes copy of data[0:caplen]. */
PyObject *ext_packet_new(ext_state *st, int64_t sec, uint32_t nsec,
			 const unsigned char *data, uint32_t caplen,
			 uint32_t wirelen);
/* ts_ns of (sec, nsec) as a Python int: 64-bit arithmetic when it fits. */
PyObject *ext_ts_ns_to_pylong(int64_t sec, uint32_t nsec);
/* Split a Python int of nanoseconds into (sec, nsec) with floor semantics. */
int ext_ts_ns_from_pylong(PyObject *o, int64_t *sec, uint32_t *nsec);

/* ---- pcapng interfaces and sections (pcapng.c) ------------------------ */

struct sf_ng_iface;
struct sf_ng_section;
struct sf_ng_packet;
struct ngw_iface;
int ext_pcapng_init_types(PyObject *module, ext_state *st);
PyObject *ext_interface_from_reader(ext_state *st,
				    const struct sf_ng_iface *f,
				    uint32_t index);
PyObject *ext_interface_from_writer(ext_state *st, const struct ngw_iface *f,
				    uint32_t id, uint32_t section);
PyObject *ext_section_from_reader(ext_state *st,
				  const struct sf_ng_section *s,
				  uint32_t index);
/* A tuple of str from NUL-terminated UTF-8 texts. */
PyObject *ext_comments_tuple(const char *const *list, uint32_t n);
/* The opt_comments left in a packet's options, as a tuple of str. */
PyObject *ext_packet_comments(struct sf_ng_packet *pk);

/* ---- what the core's batch path hands over (batch.c) ------------------ */

struct core_pkt;
/* read_buffer()'s scratch space, owned by a Reader or Capture and reused
   by every call (ext_arena_free at the end). */
typedef struct {
	unsigned char *data;
	size_t dcap;
	int64_t *index;
	size_t icap;
} ext_arena;
void ext_arena_free(ext_arena *a);
/*
 * The state of one core_batch_read into Python objects, zeroed and then
 * set up by the caller: either Packets (list: into it; list NULL: one
 * packet, into `one`) or, with arena set, read_buffer()'s data and index.
 */
typedef struct {
	ext_state *st;
	/* pcapng packets: their Interface (new reference), NULL if none */
	PyObject *(*iface)(void *owner, uint32_t index);
	void *owner;
	ext_arena *arena;
	PyObject *list, *one;
	size_t dlen;
	Py_ssize_t count;	/* packets taken */
	int bad_ts;		/* arena: a time stamp out of range (consumed) */
	int failed;		/* a Python exception is set */
} ext_batch;
/* The core_sink of ext_batch (arg is the ext_batch). */
int ext_batch_sink(void *arg, const struct core_pkt *pk);
/* read_buffer()'s (data, index) from a buffer batch; NULL + error. */
PyObject *ext_batch_buffer_result(ext_batch *b);
void ext_batch_clear(ext_batch *b);
/* The PcapError for a time stamp read_buffer() cannot index. */
PyObject *ext_raise_bad_ts(ext_state *st);

/* ---- Reader / Writer (reader.c, writer.c) ----------------------------- */

int ext_reader_init_type(PyObject *module, ext_state *st);
int ext_writer_init_type(PyObject *module, ext_state *st);

/* ---- Filter (filter.c) ------------------------------------------------ */

int ext_filter_init_type(PyObject *module, ext_state *st);
/* Is o a Filter? */
int ext_filter_check(ext_state *st, PyObject *o);
/* The Filter's program, e.g. for pcap_setfilter (which copies it; cast
   the const away for its prototype).  Borrowed: valid while filt lives. */
const struct bpf_program *ext_filter_program(PyObject *filt);
/* A new Filter holding a copy of insns[0..n) (validated); NULL + error. */
PyObject *ext_filter_from_program(ext_state *st, const struct bpf_insn *insns,
				  u_int n);

/* ---- filter expressions (compile.c) ----------------------------------- */

struct cc_errpos;
int ext_compile_init(PyObject *module, ext_state *st);
/*
 * Compile expr (str or bytes) on the open handle p, as pcap_compile does
 * (the handle's link type, snapshot length, savefile byte order or live
 * kernel extensions), into a new Filter; NULL with CompileError /
 * FilterSyntaxError set on failure.  The GIL is released meanwhile;
 * *inflight (if not NULL) counts this thread as inside the core.
 */
PyObject *ext_compile_on_handle(ext_state *st, pcap_t *p, PyObject *expr,
				int optimize, bpf_u_int32 netmask, int *inflight);
/* optimize argument: a bool (False 0, True 1: libpcap's optimizer) or
   the int 0, 1 or 2 (2: ours, see compiler/opt2-int.h); NULL (absent)
   is 1.  0 or -1 with an exception set. */
int ext_parse_optimize(PyObject *o, int *level);
/* netmask argument: None (unknown), an int in host order or a dotted
   quad.  0 or -1 with an exception set. */
int ext_parse_netmask(PyObject *o, bpf_u_int32 *mask);
/* linktype argument: a DLT_ int or a name ("EN10MB", "DLT_EN10MB"). */
int ext_parse_linktype(PyObject *o, int *dlt);
/* Raise CompileError or FilterSyntaxError for errbuf (libpcap's text);
   pos (may be NULL) says where the parser stopped.  Returns NULL. */
PyObject *ext_raise_compile(ext_state *st, const char *errbuf, PyObject *expr,
			    const struct cc_errpos *pos);

/* ---- Capture, devices() (capture.c, devices.c) ---------------------- */

int ext_capture_init_type(PyObject *module, ext_state *st);
/* devices() and its types (devices.c); called by the above. */
int ext_devices_init(PyObject *module, ext_state *st);

/* ---- errors (errors.c) ------------------------------------------------ */

int ext_errors_init(PyObject *module, ext_state *st);
/* Raise cls(message, code); always returns NULL. */
PyObject *ext_raise(PyObject *cls, int code, const char *message);
/* The one mapping of a core status and its text (empty: the status's
   own text) to an exception: PcapNotSupported for what a device cannot
   do, else cls (PcapError, or PcapFileError for savefiles). */
PyObject *ext_raise_core(ext_state *st, PyObject *cls, int code,
			 const char *msg);
/* PcapFileError for a file the system refused with errno err (0: not the
   system's doing): also an instance of the OSError subclass for err, with
   .errno, .strerror and .filename (NULL: none); str() stays message. */
PyObject *ext_raise_file(ext_state *st, const char *message, int err,
			 const char *filename);
/* err if errbuf is libpcap's "FILENAME: strerror(err)" for an open that
   the system refused, else 0. */
int ext_os_error_of(const char *errbuf, const char *filename, int err);
/* The "closed handle" and "handle in use" errors. */
PyObject *ext_raise_closed(const char *what);
PyObject *ext_raise_busy(const char *what);

/* ---- sources and destinations (fileobj.c) ----------------------------- */

/* How a Python argument names a file. */
typedef enum {
	EXT_SRC_PATH,		/* str / bytes / os.PathLike -> *path (bytes) */
	EXT_SRC_FD,		/* file object with a working fileno() */
	EXT_SRC_OBJECT		/* file object without a descriptor */
} ext_src_kind;

/*
 * Classify obj.  For EXT_SRC_PATH *path receives a new bytes reference
 * (filesystem encoding).  For EXT_SRC_FD *fd receives a dup() of the
 * object's descriptor, positioned at the object's tell() when it has one
 * (the caller owns and closes it).  For EXT_SRC_OBJECT nothing is set.
 * writing: flush the object's Python-level buffer first.
 * Returns -1 with an exception set on failure.
 */
int ext_classify(ext_state *st, PyObject *obj, int writing, ext_src_kind *kind,
		 PyObject **path, int *fd);

#endif /* PCAP_PYTHON_NATIVE_H */
