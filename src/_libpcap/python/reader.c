/*
 * reader.c - libpcap.Reader: a savefile (pcap or pcapng) opened for reading,
 * always at nanosecond precision, handed out as Packet objects.
 *
 * The GIL is released around anything that can block, in one of two ways.
 *
 * Direct mode (sources that never make the reader wait: regular files,
 * block devices, in-memory streams): the core is called with the GIL held
 * and each Packet is built straight from the pointer pcap_next_ex returns,
 * a single copy.  The core drops the GIL through our hooks around each of
 * its reads from a file (sf_set_block_hooks), so the GIL is released
 * exactly where reading can block, once per read-ahead chunk rather than
 * per packet.
 *
 * Staged mode (everything else: pipes, sockets, terminals, devices):
 * pcap_next_ex runs with the GIL released, filling a stage that the Reader
 * owns (headers in one array, bytes in one block); the Python objects are
 * built from the stage with the GIL held.  A source that can block between
 * packets is staged one packet at a time, so a live stream is never held
 * back waiting for a batch to fill.  read_buffer() uses the stage in both
 * modes (in direct mode filled with the GIL held).
 *
 * A Reader is used by one thread at a time: while one thread is inside the
 * core, any other call on the same Reader raises RuntimeError.
 *
 * A Filter set with set_filter() runs on each record as the core hands it
 * over: in direct mode before the Packet is built, in staged mode while the
 * stage fills (without the GIL, over the bytes just copied).  Rejected
 * packets stay in the stage, marked, until a packet after them is handed
 * out: a filter set in the middle of a batch judges the staged packets
 * again, so that it applies exactly from the next packet on, whatever the
 * previous filter was.
 */
#include "native.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../savefile/savefile.h"

/* One batch: enough to amortise the GIL round trip, small enough for L2. */
#ifndef STAGE_PKTS
#define STAGE_PKTS 256
#endif
#ifndef STAGE_BYTES
#define STAGE_BYTES (128 * 1024)
#endif
/* read()'s batch in direct mode: few enough Packets alive at once that
   their bytes stay in the cache and the allocator recycles them. */
#ifndef DIRECT_BATCH
#define DIRECT_BATCH 64
#endif
#define NS_PER_S 1000000000L

typedef struct {
	int64_t sec;
	uint32_t nsec;
	uint32_t caplen;
	uint32_t wirelen;
	uint32_t pass;		/* the filter accepts it (1 without filter) */
	size_t off;		/* into the stage's data block */
	/* pcapng (native mode): its interface (UINT32_MAX: none), flags,
	   and its options when they hold comments (odata[oopt..]) */
	uint32_t iface;
	uint32_t flags;
	uint32_t ooptlen;
	int oswapped;
	size_t oopt;
} stage_rec;

typedef struct {
	PyObject_HEAD
	PyObject *module;	/* strong: keeps st valid */
	ext_state *st;
	pcap_t *p;		/* NULL once closed */
	PyObject *keep;		/* bytes behind an fmemopen() stream */
	PyObject *src;		/* the file object behind a cookie stream */
	int src_read1;		/* it has read1() (io.BufferedIOBase) */
	ext_saved_exc src_exc;	/* what its read() raised, to raise it */
	int wakefd;		/* eventfd: close() from another thread ends a
				   blocked read (pipes), -1 if none */
	int closing;		/* close() is waiting for the reading thread */
	PyObject *filter;	/* the Filter set with set_filter(), or NULL */
	PyObject *weakreflist;
	int opened;		/* __init__ succeeded once */
	int busy;		/* a thread is inside the core */
	int prefetch;		/* source never blocks: stage full batches */
	int direct;		/* the core is called with the GIL held */
	PyThreadState *saved;	/* direct mode, inside a core read */
	int eof;		/* the last fill ended at end of file */
	int pend_code;		/* error met by the last fill, 0 if none */
	int pend_nomem;
	char pend_msg[PCAP_ERRBUF_SIZE];
	/* cached facts of the open file */
	int linktype, snaplen, swapped, major, minor;
	int ng;			/* a pcapng file, read in native mode */
	PyObject *ifaces;	/* ng: list of Interface, by file index */
	/* the stage */
	stage_rec *recs;
	size_t nrec, pos;
	unsigned char *data;
	size_t dlen, dcap;
	unsigned char *odata;	/* options that hold comments */
	size_t olen, ocap;
} ext_reader;

/* The header's time stamp as ts_ns = sec * 1e9 + nsec, nsec normalised. */
static inline void
split_ts(const struct pcap_pkthdr *h, int64_t *sec_out, uint32_t *nsec_out)
{
	int64_t sec = (int64_t)h->ts.tv_sec;
	long frac = (long)h->ts.tv_usec;

	if (frac < 0 || frac >= NS_PER_S) {
		sec += frac / NS_PER_S;
		frac %= NS_PER_S;
		if (frac < 0) {
			frac += NS_PER_S;
			sec -= 1;
		}
	}
	*sec_out = sec;
	*nsec_out = (uint32_t)frac;
}

/* Whether rec's time stamp, as ts_ns, fits read_buffer()'s signed 64-bit
   index (iteration gives any time stamp, as a Python int). */
static inline int
ts_ns_fits(const stage_rec *rec)
{
	__int128 v = (__int128)rec->sec * 1000000000 + rec->nsec;

	return v >= INT64_MIN && v <= INT64_MAX;
}

/* Keep the core's error to raise it later (needs no GIL). */
static void
set_pending(ext_reader *r, int rc)
{
	const char *msg = pcap_geterr(r->p);

	r->pend_code = rc;
	snprintf(r->pend_msg, sizeof r->pend_msg, "%s", msg ? msg : "");
}

/* ---- staging (without the GIL, or with it in direct mode) -------------- */

static int
stage_reserve(ext_reader *r, size_t more)
{
	size_t need = r->dlen + more, cap;
	unsigned char *nd;

	if (r->recs == NULL) {
		r->recs = PyMem_RawMalloc(STAGE_PKTS * sizeof(stage_rec));
		if (r->recs == NULL)
			return -1;
	}
	if (r->data != NULL && need <= r->dcap)
		return 0;
	cap = r->dcap ? r->dcap : STAGE_BYTES + 65536;
	while (cap < need)
		cap *= 2;
	nd = PyMem_RawRealloc(r->data, cap);
	if (nd == NULL)
		return -1;
	r->data = nd;
	r->dcap = cap;
	return 0;
}

/* Is the interface at file index i of the Reader's link type? */
static int
same_linktype(ext_reader *r, uint32_t i)
{
	const struct sf_ng_iface *f = sf_ng_iface_at(r->p, i);

	return f != NULL && f->dlt == r->linktype;
}

/*
 * A pcapng packet's facts into rec: its interface and flags, and its
 * options copied aside when they hold a comment.  0, or -1 when out of
 * memory.  Needs no GIL.
 */
static int
stage_meta(ext_reader *r, stage_rec *rec)
{
	struct sf_ng_packet m, probe;
	const char *c;
	size_t clen;

	rec->iface = UINT32_MAX;
	rec->flags = 0;
	rec->ooptlen = 0;
	if (!r->ng || !sf_ng_last_packet(r->p, &m))
		return 0;
	rec->iface = m.iface;
	rec->flags = m.flags;
	if (m.optlen == 0)
		return 0;
	probe = m;
	if (!sf_ng_next_comment(&probe, &c, &clen))
		return 0;
	if (r->olen + m.optlen > r->ocap) {
		size_t cap = r->ocap ? r->ocap : 4096;
		unsigned char *n;

		while (cap < r->olen + m.optlen)
			cap *= 2;
		n = PyMem_RawRealloc(r->odata, cap);
		if (n == NULL)
			return -1;
		r->odata = n;
		r->ocap = cap;
	}
	memcpy(r->odata + r->olen, m.opts, m.optlen);
	rec->oopt = r->olen;
	rec->ooptlen = m.optlen;
	rec->oswapped = m.swapped;
	r->olen += m.optlen;
	return 0;
}

/* The Interface at file index i (new reference), built on first use. */
static PyObject *
reader_iface(ext_reader *r, uint32_t i)
{
	if (i < (size_t)PyList_GET_SIZE(r->ifaces))
		return Py_NewRef(PyList_GET_ITEM(r->ifaces, i));
	while ((size_t)PyList_GET_SIZE(r->ifaces) <= i) {
		uint32_t k = (uint32_t)PyList_GET_SIZE(r->ifaces);
		const struct sf_ng_iface *f = sf_ng_iface_at(r->p, k);
		PyObject *o;

		if (f == NULL) {
			PyErr_SetString(PyExc_SystemError,
					"pcapng interface missing");
			return NULL;
		}
		o = ext_interface_from_reader(r->st, f, k);
		if (o == NULL || PyList_Append(r->ifaces, o) < 0) {
			Py_XDECREF(o);
			return NULL;
		}
		Py_DECREF(o);
	}
	return Py_NewRef(PyList_GET_ITEM(r->ifaces, i));
}

/* Give pkt (a new Packet) what its block said; NULL (pkt released) on
   failure. */
static PyObject *
packet_add_meta(ext_reader *r, PyObject *pkt, uint32_t iface, uint32_t flags,
		struct sf_ng_packet *opts)
{
	ext_packet *pk = (ext_packet *)pkt;

	if (pkt == NULL || iface == UINT32_MAX)
		return pkt;
	pk->flags = flags;
	pk->iface = reader_iface(r, iface);
	if (pk->iface == NULL) {
		Py_DECREF(pkt);
		return NULL;
	}
	if (opts != NULL) {
		pk->comments = ext_packet_comments(opts);
		if (pk->comments == NULL) {
			Py_DECREF(pkt);
			return NULL;
		}
	}
	return pkt;
}

/* The filter's verdict on a staged record: 1 without a filter. */
static inline uint32_t
stage_judge(ext_reader *r, const stage_rec *rec)
{
	if (r->filter == NULL)
		return 1;
	/* A filter is code for one link type: the file's first. */
	if (rec->iface != UINT32_MAX && !same_linktype(r, rec->iface))
		return 0;
	return ext_filter_run(r->filter, r->data + rec->off, rec->wirelen,
			      rec->caplen) != 0;
}

/*
 * Fetch records into the (empty) stage until limit of them pass the filter
 * or the stage is full.  A stage full of rejected records is emptied and
 * filled again: handing out the next packet passes over them anyway.  At
 * the end the stage is empty or holds at least one packet that passes.
 */
static void
stage_fill(ext_reader *r, size_t limit)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	size_t passed = 0;
	int rc;

	r->nrec = r->pos = 0;
	r->dlen = 0;
	r->olen = 0;
	if (limit > STAGE_PKTS)
		limit = STAGE_PKTS;
	while (passed < limit) {
		if (r->nrec == STAGE_PKTS || r->dlen >= STAGE_BYTES) {
			if (passed > 0)
				break;
			r->nrec = 0;
			r->dlen = 0;
			r->olen = 0;
		}
		rc = pcap_next_ex(r->p, &h, &d);
		if (rc == 1) {
			stage_rec *rec;

			if (stage_reserve(r, h->caplen) < 0) {
				r->pend_code = PCAP_ERROR;
				r->pend_nomem = 1;
				break;
			}
			rec = &r->recs[r->nrec++];
			split_ts(h, &rec->sec, &rec->nsec);
			rec->caplen = h->caplen;
			rec->wirelen = h->len;
			rec->off = r->dlen;
			if (h->caplen != 0)
				memcpy(r->data + r->dlen, d, h->caplen);
			r->dlen += h->caplen;
			if (stage_meta(r, rec) < 0) {
				r->nrec--;
				r->pend_code = PCAP_ERROR;
				r->pend_nomem = 1;
				break;
			}
			rec->pass = stage_judge(r, rec);
			passed += rec->pass;
		} else if (rc == PCAP_ERROR_BREAK) {
			r->eof = 1;
			break;
		} else if (rc == 0) {
			break;	/* nothing available now (not for savefiles) */
		} else {
			set_pending(r, rc);
			break;
		}
	}
	if (passed == 0)
		r->nrec = r->dlen = 0;
}

/*
 * The stage is empty: fill it.  1 = packets staged, 0 = end of file,
 * -1 = an error is pending (reader_raise_pending raises it).  Never raises.
 */
static int
reader_refill(ext_reader *r, size_t limit)
{
	if (r->pend_code)
		return -1;
	if (r->eof) {
		/* the fill that staged the last packets already saw EOF */
		r->eof = 0;
		return 0;
	}
	r->busy = 1;
	if (r->direct) {
		stage_fill(r, limit);	/* the hooks drop the GIL */
	} else {
		Py_BEGIN_ALLOW_THREADS
		stage_fill(r, limit);
		Py_END_ALLOW_THREADS
	}
	r->busy = 0;
	if (r->closing) {
		/* close() from another thread ended the read: the end */
		r->nrec = r->pos = 0;
		r->pend_code = 0;
		return 0;
	}
	if (r->nrec > 0)
		return 1;
	if (r->pend_code)
		return -1;
	r->eof = 0;
	return 0;
}

static PyObject *
reader_raise_pending(ext_reader *r)
{
	int code = r->pend_code;

	r->pend_code = 0;
	/* What the file object's read() raised, as it raised it. */
	if (ext_exc_restore(&r->src_exc)) {
		r->pend_nomem = 0;
		return NULL;
	}
	/* A read cut short by a signal: Ctrl-C must come out as
	   KeyboardInterrupt, not as the I/O error it caused (the handler may
	   already have run, in reader_interrupted). */
	if (PyErr_Occurred() || PyErr_CheckSignals() < 0) {
		r->pend_nomem = 0;
		return NULL;
	}
	if (r->pend_nomem) {
		r->pend_nomem = 0;
		return PyErr_NoMemory();
	}
	return ext_raise(r->st->PcapFileError, code, r->pend_msg);
}

/* Usable for a new call?  Sets ValueError / RuntimeError if not. */
static int
reader_check(ext_reader *r)
{
	if (r->p == NULL || r->closing) {
		ext_raise_closed("Reader");
		return -1;
	}
	if (r->busy) {
		ext_raise_busy("Reader");
		return -1;
	}
	return 0;
}

/* Step over staged records the filter rejected; 1 if one to hand out is
   left. */
static inline int
stage_ready(ext_reader *r)
{
	size_t pos = r->pos;

	while (pos < r->nrec && !r->recs[pos].pass)
		pos++;
	r->pos = pos;
	return pos < r->nrec;
}

/* The next staged record (stage_ready said there is one) as a Packet. */
static inline PyObject *
reader_take(ext_reader *r)
{
	stage_rec *rec = &r->recs[r->pos++];
	struct sf_ng_packet opts;
	PyObject *pkt = ext_packet_new(r->st, rec->sec, rec->nsec,
				       r->data + rec->off, rec->caplen,
				       rec->wirelen);

	if (rec->iface == UINT32_MAX || rec->ooptlen == 0)
		return packet_add_meta(r, pkt, rec->iface, rec->flags, NULL);
	opts.opts = r->odata + rec->oopt;
	opts.optlen = rec->ooptlen;
	opts.swapped = rec->oswapped;
	return packet_add_meta(r, pkt, rec->iface, rec->flags, &opts);
}

/*
 * Direct mode: the next packet the filter accepts, straight from the core.
 * 1 and *out set; 0 at end of file; -1 with an exception set; -2 with the
 * core's error kept pending (reader_raise_pending raises it).
 */
static int
direct_fetch(ext_reader *r, PyObject **out)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	struct sf_ng_packet m = {0};
	int64_t sec;
	uint32_t nsec;
	int rc;

	if (r->eof) {
		/* a fill for read_buffer() met the end: say so once, as the
		   staged path does */
		r->eof = 0;
		return 0;
	}
	for (;;) {
		r->busy = 1;
		rc = pcap_next_ex(r->p, &h, &d);
		r->busy = 0;
		if (rc != 1)
			break;
		if (r->ng && sf_ng_last_packet(r->p, &m)) {
			if (r->filter != NULL &&
			    !same_linktype(r, m.iface))
				continue;
		} else {
			m.iface = UINT32_MAX;
		}
		if (r->filter == NULL ||
		    ext_filter_run(r->filter, d, h->len, h->caplen) != 0) {
			struct sf_ng_packet probe = m;
			const char *c;
			size_t clen;
			int has_comment = m.iface != UINT32_MAX &&
					  m.optlen != 0 &&
					  sf_ng_next_comment(&probe, &c, &clen);

			split_ts(h, &sec, &nsec);
			*out = ext_packet_new(r->st, sec, nsec, d, h->caplen,
					      h->len);
			*out = packet_add_meta(r, *out, m.iface, m.flags,
					       has_comment ? &m : NULL);
			return *out != NULL ? 1 : -1;
		}
	}
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	set_pending(r, rc);
	return -2;
}

/* How many records a fill may stage when the caller wants `want` more
   (want <= 0: "a batch"). */
static size_t
fill_limit(ext_reader *r, Py_ssize_t want)
{
	if (r->prefetch || want <= 0)
		return r->prefetch ? STAGE_PKTS : 1;
	return want < STAGE_PKTS ? (size_t)want : STAGE_PKTS;
}

/* ---- open / close ------------------------------------------------------ */

static void
stage_free(ext_reader *r)
{
	PyMem_RawFree(r->recs);
	PyMem_RawFree(r->data);
	PyMem_RawFree(r->odata);
	r->recs = NULL;
	r->data = NULL;
	r->odata = NULL;
	r->olen = r->ocap = 0;
	r->nrec = r->pos = r->dlen = r->dcap = 0;
}

static void
reader_close_handle(ext_reader *r)
{
	if (r->p != NULL) {
		pcap_close(r->p);
		r->p = NULL;
	}
	Py_CLEAR(r->keep);
	Py_CLEAR(r->src);
	ext_exc_clear(&r->src_exc);
	if (r->wakefd >= 0) {
		close(r->wakefd);
		r->wakefd = -1;
	}
	r->closing = 0;
	Py_CLEAR(r->filter);
	stage_free(r);
	r->direct = 0;
	r->eof = 0;
	r->pend_code = 0;
	r->pend_nomem = 0;
}

/* Can reading this handle block between packets? */
static int
source_never_blocks(pcap_t *p)
{
	FILE *fp = pcap_file(p);
	struct stat sb;
	int fd;

	if (fp == NULL)
		return 0;
	fd = fileno(fp);
	if (fd < 0)
		return 1;	/* a memory stream */
	if (fstat(fd, &sb) < 0)
		return 0;
	return S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode);
}

/* The hooks of direct mode: the core is about to read from / has read
   from the file; the GIL is held outside them. */
static void
gil_leave(void *arg)
{
	ext_reader *r = arg;

	r->saved = PyEval_SaveThread();
}

static void
gil_enter(void *arg)
{
	ext_reader *r = arg;

	PyEval_RestoreThread(r->saved);
	r->saved = NULL;
}

/* A read was interrupted by a signal: run the Python signal handlers (in
   the thread that reads; it may hold the GIL or not) and go on reading,
   as Python's own I/O does (PEP 475); a handler that raised (Ctrl-C's
   KeyboardInterrupt) ends the read, its exception left set for the
   caller to raise. */
static int
reader_interrupted(void *arg)
{
	PyGILState_STATE g = PyGILState_Ensure();
	int rc = PyErr_CheckSignals();

	(void)arg;
	PyGILState_Release(g);
	return rc < 0 ? -1 : 0;
}

/* Can r->p be read in direct mode?  (It never blocks: see prefetch.) */
static int
direct_mode_ok(ext_reader *r)
{
	FILE *fp = pcap_file(r->p);

	if (fp != NULL && fileno(fp) < 0)
		return 1;	/* a memory stream: nothing to release for */
	return sf_set_block_hooks(r->p, gil_leave, gil_enter, r) == 0;
}

static pcap_t *
open_path(ext_reader *r, PyObject *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *name = PyBytes_AS_STRING(path);
	pcap_t *p;
	int err;

	errbuf[0] = '\0';
	Py_BEGIN_ALLOW_THREADS
	errno = 0;
	p = pcap_open_offline_with_tstamp_precision(name,
						    PCAP_TSTAMP_PRECISION_NANO,
						    errbuf);
	err = errno;
	Py_END_ALLOW_THREADS
	if (p == NULL)
		ext_raise_file(r->st, errbuf,
			       ext_os_error_of(errbuf, name, err), name);
	return p;
}

/* fp is ours; on failure it is closed here. */
static pcap_t *
open_stream(ext_reader *r, FILE *fp, int may_block)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	errbuf[0] = '\0';
	if (may_block) {
		Py_BEGIN_ALLOW_THREADS
		p = pcap_fopen_offline_with_tstamp_precision(
			fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
		Py_END_ALLOW_THREADS
	} else {
		p = pcap_fopen_offline_with_tstamp_precision(
			fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	}
	if (p == NULL) {
		fclose(fp);	/* libpcap leaves a caller's FILE open on error */
		ext_raise(r->st->PcapFileError, PCAP_ERROR, errbuf);
	}
	return p;
}

static pcap_t *
open_fd(ext_reader *r, int fd)
{
	FILE *fp = fdopen(fd, "rb");
	struct stat sb;
	pcap_t *p;

	if (fp == NULL) {
		int err = errno;

		close(fd);
		errno = err;
		PyErr_SetFromErrno(PyExc_OSError);
		return NULL;
	}
	if (fstat(fd, &sb) < 0 || S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode))
		return open_stream(r, fp, 1);
	/* A pipe, socket or terminal: read unbuffered, so that the core may
	   wait for it together with an eventfd that close() writes. */
	setvbuf(fp, NULL, _IONBF, 0);
	p = open_stream(r, fp, 1);
	if (p != NULL) {
		r->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (r->wakefd >= 0 && sf_set_wakeup(p, r->wakefd) < 0) {
			close(r->wakefd);
			r->wakefd = -1;
		}
	}
	return p;
}

/* The stream over a file object: its read1() (or read()) with the GIL,
   which the reading thread may or may not hold here. */
static ssize_t
object_cookie_read(void *cookie, char *buf, size_t size)
{
	ext_reader *r = cookie;
	PyGILState_STATE g = PyGILState_Ensure();
	PyObject *res;
	Py_buffer view;
	ssize_t n = -1;

	if (r->src == NULL || r->src_exc.type != NULL)
		goto out;
	if (size > PY_SSIZE_T_MAX)
		size = PY_SSIZE_T_MAX;
	{
		PyObject *n_obj = PyLong_FromSize_t(size);

		if (n_obj == NULL)
			goto fail;
		res = PyObject_CallMethodOneArg(
			r->src, r->src_read1 ? r->st->s_read1 : r->st->s_read,
			n_obj);
		Py_DECREF(n_obj);
	}
	if (res == NULL)
		goto fail;
	if (res == Py_None) {
		Py_DECREF(res);
		PyErr_SetString(PyExc_OSError,
				"the file object's read() returned None (a "
				"non-blocking stream with no data): a Reader "
				"needs a blocking one");
		goto fail;
	}
	if (PyUnicode_Check(res) ||
	    PyObject_GetBuffer(res, &view, PyBUF_SIMPLE) < 0) {
		Py_DECREF(res);
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_TypeError,
					"the file object's read() returned str; "
					"a binary file object is required");
		goto fail;
	}
	if ((size_t)view.len > size) {
		PyErr_Format(PyExc_OSError,
			     "the file object's read() returned %zd bytes, "
			     "more than the %zu asked for", view.len, size);
		PyBuffer_Release(&view);
		Py_DECREF(res);
		goto fail;
	}
	memcpy(buf, view.buf, (size_t)view.len);
	n = view.len;
	PyBuffer_Release(&view);
	Py_DECREF(res);
	goto out;
fail:
	ext_exc_save(&r->src_exc);
out:
	PyGILState_Release(g);
	if (n < 0)
		errno = EIO;
	return n;
}

static int
object_cookie_close(void *cookie)
{
	(void)cookie;		/* the caller's object stays open: it is theirs */
	return 0;
}

/* A file object without a usable descriptor.  An io.BytesIO is in memory
   already, and an object with only read() promises no more than read()
   gives: their bytes are read at once and the core reads them through
   fmemopen().  io's buffered and raw files (a gzip/bz2/lzma file, a
   buffered pipe, a socket's file, ...) may be large or may block between
   packets: they are read as streams, only the bytes needed, through
   read1() or read(n). */
static pcap_t *
open_object(ext_reader *r, PyObject *obj)
{
	static cookie_io_functions_t io = {object_cookie_read, NULL, NULL,
					   object_cookie_close};
	PyObject *content, *b;
	char errbuf[PCAP_ERRBUF_SIZE];
	FILE *fp;
	pcap_t *p;
	int in_memory = PyObject_IsInstance(obj, r->st->BytesIO);
	int raw = PyObject_IsInstance(obj, r->st->RawIOBase);
	int read1 = PyObject_HasAttr(obj, r->st->s_read1);

	if (in_memory < 0 || raw < 0)
		return NULL;
	/* Streamed: what keeps read(n)'s contract (at most n bytes): io's
	   buffered files (read1) and raw files.  An object that only has
	   read() is read once, whole, as before. */
	if (!in_memory && (read1 || raw)) {
		r->src = Py_NewRef(obj);
		r->src_read1 = read1;
		fp = fopencookie(r, "rb", io);
		if (fp == NULL) {
			Py_CLEAR(r->src);
			PyErr_SetFromErrno(PyExc_OSError);
			return NULL;
		}
		errbuf[0] = '\0';
		p = sf_open_stream(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
		if (p == NULL) {
			fclose(fp);
			Py_CLEAR(r->src);
			if (!ext_exc_restore(&r->src_exc))
				ext_raise(r->st->PcapFileError, PCAP_ERROR,
					  errbuf);
		}
		return p;
	}
	content = PyObject_CallMethodNoArgs(obj, r->st->s_read);
	if (content == NULL)
		return NULL;
	if (PyBytes_CheckExact(content)) {
		b = content;
	} else if (PyUnicode_Check(content)) {
		Py_DECREF(content);
		PyErr_SetString(PyExc_TypeError,
				"the file object's read() returned str; a "
				"binary file object is required");
		return NULL;
	} else {
		b = PyBytes_FromObject(content);
		Py_DECREF(content);
		if (b == NULL)
			return NULL;
	}
	/* An empty file is opened too: the core then says it is truncated. */
	fp = fmemopen(PyBytes_AS_STRING(b), (size_t)PyBytes_GET_SIZE(b), "rb");
	if (fp == NULL) {
		Py_DECREF(b);
		PyErr_SetFromErrno(PyExc_OSError);
		return NULL;
	}
	r->keep = b;
	return open_stream(r, fp, 0);
}

static int reader_filter_arg(ext_reader *r, PyObject *filt, PyObject *optimize,
			     PyObject *netmask, PyObject **out);
static void reader_install(ext_reader *r, PyObject *f);

static int
reader_init(PyObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"source", "filter", NULL};
	ext_reader *r = (ext_reader *)self;
	PyObject *source, *path = NULL, *filt = Py_None, *f;
	ext_src_kind kind;
	int fd = -1;
	pcap_t *p = NULL;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$O:Reader", kwlist,
					 &source, &filt))
		return -1;
	if (filt != Py_None && !ext_filter_check(r->st, filt) &&
	    !PyUnicode_Check(filt) && !PyBytes_Check(filt)) {
		PyErr_Format(PyExc_TypeError,
			     "filter must be a Filter, an expression (str) or "
			     "None, not %.100s", Py_TYPE(filt)->tp_name);
		return -1;
	}
	if (r->opened || r->busy) {
		PyErr_SetString(PyExc_RuntimeError,
				"Reader.__init__() may be called only once");
		return -1;
	}
	if (ext_classify(r->st, source, 0, &kind, &path, &fd) < 0)
		return -1;
	r->busy = 1;	/* the open may drop the GIL */
	switch (kind) {
	case EXT_SRC_PATH:
		p = open_path(r, path);
		Py_DECREF(path);
		break;
	case EXT_SRC_FD:
		p = open_fd(r, fd);
		break;
	case EXT_SRC_OBJECT:
		p = open_object(r, source);
		break;
	}
	r->busy = 0;
	if (p == NULL) {
		Py_CLEAR(r->keep);
		return -1;
	}
	r->p = p;
	r->opened = 1;
	/* a stream over a file object may block between packets */
	r->prefetch = r->src == NULL && source_never_blocks(p);
	r->direct = r->prefetch && direct_mode_ok(r);
	(void)sf_set_interrupt_hook(p, reader_interrupted, r);
	r->linktype = pcap_datalink(p);
	r->snaplen = pcap_snapshot(p);
	r->swapped = pcap_is_swapped(p);
	r->major = pcap_major_version(p);
	r->minor = pcap_minor_version(p);
	/* pcapng: every file, with what its blocks say (beyond libpcap) */
	if (sf_ng_set_native(p) == 0) {
		r->ifaces = PyList_New(0);
		if (r->ifaces == NULL)
			return -1;
		r->ng = 1;
	}
	if (filt != Py_None) {
		if (reader_filter_arg(r, filt, NULL, Py_None, &f) < 0)
			return -1;	/* the Reader stays open: dealloc closes */
		reader_install(r, f);
	}
	return 0;
}

static PyObject *
reader_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
	PyObject *module = ext_module_from_type(type);
	ext_reader *r;

	(void)args;
	(void)kwds;
	if (module == NULL)
		return NULL;
	r = (ext_reader *)type->tp_alloc(type, 0);
	if (r == NULL)
		return NULL;
	r->module = Py_NewRef(module);
	r->st = PyModule_GetState(module);
	r->wakefd = -1;
	return (PyObject *)r;
}

static int
reader_traverse(PyObject *self, visitproc visit, void *arg)
{
	ext_reader *r = (ext_reader *)self;

	Py_VISIT(Py_TYPE(self));
	Py_VISIT(r->module);
	Py_VISIT(r->keep);
	Py_VISIT(r->src);
	Py_VISIT(r->filter);
	Py_VISIT(r->ifaces);
	return 0;
}

static void
reader_dealloc(PyObject *self)
{
	ext_reader *r = (ext_reader *)self;
	PyTypeObject *tp = Py_TYPE(self);

	PyObject_GC_UnTrack(self);
	if (r->weakreflist != NULL)
		PyObject_ClearWeakRefs(self);
	reader_close_handle(r);
	Py_CLEAR(r->ifaces);
	Py_CLEAR(r->module);
	tp->tp_free(self);
	Py_DECREF(tp);
}

/* ---- iteration and batches --------------------------------------------- */

static PyObject *
reader_iter(PyObject *self)
{
	if (((ext_reader *)self)->p == NULL)
		return ext_raise_closed("Reader");
	return Py_NewRef(self);
}

static PyObject *
reader_next_slow(ext_reader *r)
{
	PyObject *pkt;

	if (reader_check(r) < 0)
		return NULL;
	if (r->direct && !stage_ready(r)) {
		if (r->pend_code)
			return reader_raise_pending(r);
		switch (direct_fetch(r, &pkt)) {
		case 1:
			return pkt;
		case 0:
			return NULL;	/* StopIteration */
		case -1:
			return NULL;
		default:
			return reader_raise_pending(r);
		}
	}
	while (!stage_ready(r)) {
		switch (reader_refill(r, fill_limit(r, 1))) {
		case 1:
			break;
		case 0:
			return NULL;	/* StopIteration */
		default:
			return reader_raise_pending(r);
		}
	}
	return reader_take(r);
}

static PyObject *
reader_iternext(PyObject *self)
{
	ext_reader *r = (ext_reader *)self;

	if (!r->busy && stage_ready(r))
		return reader_take(r);
	return reader_next_slow(r);
}

/*
 * read() in direct mode: up to `want` packets (want > 0), staged ones left
 * by read_buffer() first.  They are gathered DIRECT_BATCH at a time and
 * the list is made at its final size, not grown packet by packet.
 */
static PyObject *
read_direct(ext_reader *r, Py_ssize_t want)
{
	PyObject *items[DIRECT_BATCH], *list = NULL;
	Py_ssize_t got = 0, k, i;
	int rc = 1;

	while (rc == 1 && got < want) {
		for (k = 0; k < DIRECT_BATCH && got + k < want; k++) {
			if (stage_ready(r)) {
				items[k] = reader_take(r);
				rc = items[k] != NULL ? 1 : -1;
			} else if (r->pend_code) {
				rc = -2;
			} else {
				rc = direct_fetch(r, &items[k]);
			}
			if (rc != 1)
				break;
		}
		if (rc == -1 || (rc == -2 && got + k == 0)) {
			/* nothing to hand out: raise now (else next call) */
			while (k > 0)
				Py_DECREF(items[--k]);
			Py_XDECREF(list);
			return rc == -1 ? NULL : reader_raise_pending(r);
		}
		i = 0;
		if (list == NULL) {
			list = PyList_New(k);
			if (list == NULL)
				goto fail_items;
			for (i = 0; i < k; i++)
				PyList_SET_ITEM(list, i, items[i]);
		} else {
			for (i = 0; i < k; i++) {
				if (PyList_Append(list, items[i]) < 0) {
					Py_DECREF(list);
					list = NULL;
					goto fail_items;
				}
				Py_DECREF(items[i]);
			}
		}
		got += k;
	}
	return list != NULL ? list : PyList_New(0);

fail_items:
	/* items[i:k] are still ours (those before went into the list) */
	while (k > i)
		Py_DECREF(items[--k]);
	return NULL;
}

/* read(n=-1) */
static PyObject *
reader_read(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
	ext_reader *r = (ext_reader *)self;
	Py_ssize_t n = -1, got = 0;
	PyObject *list, *pkt;
	int rc;

	if (nargs > 1) {
		PyErr_Format(PyExc_TypeError,
			     "read() takes at most 1 argument (%zd given)", nargs);
		return NULL;
	}
	if (nargs == 1 && args[0] != Py_None) {
		n = PyNumber_AsSsize_t(args[0], PyExc_OverflowError);
		if (n == -1 && PyErr_Occurred())
			return NULL;
	}
	if (reader_check(r) < 0)
		return NULL;
	if (r->direct)		/* a batch: DIRECT_BATCH packets */
		return read_direct(r, n < 0 ? DIRECT_BATCH : n);
	list = PyList_New(0);
	if (list == NULL)
		return NULL;
	while (n < 0 || got < n) {
		if (!stage_ready(r)) {
			if (n < 0 && got > 0)
				break;	/* one batch is what read() promises */
			rc = reader_refill(r, fill_limit(r, n < 0 ? -1 : n - got));
			if (rc == 0)
				break;
			if (rc < 0) {
				if (got > 0)
					break;	/* raised by the next call */
				Py_DECREF(list);
				return reader_raise_pending(r);
			}
			continue;
		}
		pkt = reader_take(r);
		if (pkt == NULL || PyList_Append(list, pkt) < 0) {
			Py_XDECREF(pkt);
			Py_DECREF(list);
			return NULL;
		}
		Py_DECREF(pkt);
		got++;
	}
	return list;
}

/* read_buffer(n=-1) -> (data: bytes, index: memoryview of 'q') */
static PyObject *
reader_read_buffer(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
	ext_reader *r = (ext_reader *)self;
	Py_ssize_t n = -1, got = 0, dsize = 0;
	PyObject *data = NULL, *index = NULL, *view, *res;
	int rc;

	if (nargs > 1) {
		PyErr_Format(PyExc_TypeError,
			     "read_buffer() takes at most 1 argument (%zd given)",
			     nargs);
		return NULL;
	}
	if (nargs == 1 && args[0] != Py_None) {
		n = PyNumber_AsSsize_t(args[0], PyExc_OverflowError);
		if (n == -1 && PyErr_Occurred())
			return NULL;
	}
	if (reader_check(r) < 0)
		return NULL;
	data = PyBytes_FromStringAndSize(NULL, 0);
	index = PyBytes_FromStringAndSize(NULL, 0);
	if (data == NULL || index == NULL)
		goto fail;
	while (n < 0 || got < n) {
		size_t take, limit, end, i, bytes, at;
		int64_t *row;
		int bad = 0;

		if (!stage_ready(r)) {
			if (n < 0 && got > 0)
				break;
			rc = reader_refill(r, fill_limit(r, n < 0 ? -1 : n - got));
			if (rc == 0)
				break;
			if (rc < 0) {
				if (got > 0)
					break;
				reader_raise_pending(r);
				goto fail;
			}
			continue;
		}
		/* The staged records this call takes: the passing ones, up
		   to the number wanted; grow the results once for them. */
		limit = n < 0 ? SIZE_MAX : (size_t)(n - got);
		take = bytes = 0;
		for (end = r->pos; end < r->nrec && take < limit; end++) {
			if (r->recs[end].pass) {
				if (!ts_ns_fits(&r->recs[end])) {
					bad = 1;	/* stop in front of it */
					break;
				}
				take++;
				bytes += r->recs[end].caplen;
			}
		}
		if (_PyBytes_Resize(&data, dsize + (Py_ssize_t)bytes) < 0 ||
		    _PyBytes_Resize(&index, (got + (Py_ssize_t)take) * 4 *
						    (Py_ssize_t)sizeof(int64_t)) < 0)
			goto fail;
		row = (int64_t *)PyBytes_AS_STRING(index) + got * 4;
		at = (size_t)dsize;
		/* Runs of passing records have their bytes back to back:
		   one copy per run. */
		for (i = r->pos; i < end;) {
			size_t j, run, base = r->recs[i].off;

			if (!r->recs[i].pass) {
				i++;
				continue;
			}
			for (j = i + 1; j < end && r->recs[j].pass; j++)
				;
			run = r->recs[j - 1].off + r->recs[j - 1].caplen - base;
			memcpy(PyBytes_AS_STRING(data) + at, r->data + base, run);
			for (; i < j; i++, row += 4) {
				stage_rec *rec = &r->recs[i];

				row[0] = rec->sec * 1000000000LL +
					 (int64_t)rec->nsec;
				row[1] = rec->caplen;
				row[2] = rec->wirelen;
				row[3] = (int64_t)(at + (rec->off - base));
			}
			at += run;
		}
		r->pos = end;
		got += (Py_ssize_t)take;
		dsize += (Py_ssize_t)bytes;
		if (bad) {
			if (got > 0)
				break;	/* the next call raises for it */
			/* It is consumed: the reader never sticks on it. */
			r->pos = end + 1;
			ext_raise(r->st->PcapError, PCAP_ERROR,
				  "a packet's time stamp is outside what a "
				  "signed 64-bit ts_ns holds (about 1678 to "
				  "2262); iterate to get it as an int");
			goto fail;
		}
	}
	view = PyMemoryView_FromObject(index);
	Py_CLEAR(index);
	if (view == NULL)
		goto fail;
	res = PyObject_CallMethodOneArg(view, r->st->s_cast, r->st->s_q);
	Py_DECREF(view);
	if (res == NULL)
		goto fail;
	return Py_BuildValue("(NN)", data, res);
fail:
	Py_XDECREF(data);
	Py_XDECREF(index);
	return NULL;
}

/* ---- filtering ---------------------------------------------------------- */

/*
 * filt as a Filter to install: a Filter as it is, a str/bytes expression
 * compiled on the Reader's own handle (its link type, snapshot length and
 * byte order, as pcap_compile does for a savefile), None as NULL.  New
 * reference in *out; -1 with an exception set.
 */
static int
reader_filter_arg(ext_reader *r, PyObject *filt, PyObject *optimize,
		  PyObject *netmask, PyObject **out)
{
	bpf_u_int32 mask;
	int opt = 1;

	*out = NULL;
	if (filt == Py_None)
		return 0;
	if (ext_filter_check(r->st, filt)) {
		*out = Py_NewRef(filt);
		return 0;
	}
	if (!PyUnicode_Check(filt) && !PyBytes_Check(filt)) {
		PyErr_Format(PyExc_TypeError,
			     "a filter must be a Filter, an expression (str) or "
			     "None, not %.100s", Py_TYPE(filt)->tp_name);
		return -1;
	}
	if (ext_parse_optimize(optimize, &opt) < 0)
		return -1;
	if (ext_parse_netmask(netmask, &mask) < 0)
		return -1;
	/* busy: another thread cannot close the handle while the compile
	   runs without the GIL */
	*out = ext_compile_on_handle(r->st, r->p, filt, opt, mask, &r->busy);
	return *out != NULL ? 0 : -1;
}

/* Install f (a Filter or NULL; the reference is taken). */
static void
reader_install(ext_reader *r, PyObject *f)
{
	size_t i;

	Py_XSETREF(r->filter, f);
	/* The staged packets not handed out yet are judged again: the new
	   filter applies from the next packet on. */
	for (i = r->pos; i < r->nrec; i++)
		r->recs[i].pass = stage_judge(r, &r->recs[i]);
}

/* set_filter(filt, /, *, optimize=True, netmask=None) */
static PyObject *
reader_set_filter(PyObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"", "optimize", "netmask", NULL};
	ext_reader *r = (ext_reader *)self;
	PyObject *filt, *optimize = NULL, *netmask = Py_None, *f;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$OO:set_filter", kwlist,
					 &filt, &optimize, &netmask))
		return NULL;
	if (filt != Py_None && !ext_filter_check(r->st, filt) &&
	    !PyUnicode_Check(filt) && !PyBytes_Check(filt)) {
		PyErr_Format(PyExc_TypeError,
			     "set_filter() argument must be a Filter, an "
			     "expression (str) or None, not %.100s",
			     Py_TYPE(filt)->tp_name);
		return NULL;
	}
	if (reader_check(r) < 0 ||
	    reader_filter_arg(r, filt, optimize, netmask, &f) < 0)
		return NULL;
	if (reader_check(r) < 0) {	/* closed while compiling? */
		Py_XDECREF(f);
		return NULL;
	}
	reader_install(r, f);
	Py_RETURN_NONE;
}

/* compile(expr, /, *, optimize=True, netmask=None) */
static PyObject *
reader_compile(PyObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = {"", "optimize", "netmask", NULL};
	ext_reader *r = (ext_reader *)self;
	PyObject *expr, *optimize = NULL, *netmask = Py_None, *f;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$OO:compile", kwlist,
					 &expr, &optimize, &netmask))
		return NULL;
	if (!PyUnicode_Check(expr) && !PyBytes_Check(expr)) {
		PyErr_Format(PyExc_TypeError,
			     "compile() argument must be str or bytes, not %.100s",
			     Py_TYPE(expr)->tp_name);
		return NULL;
	}
	if (reader_check(r) < 0 ||
	    reader_filter_arg(r, expr, optimize, netmask, &f) < 0)
		return NULL;
	return f;
}

static PyObject *
reader_get_filter(PyObject *self, void *closure)
{
	ext_reader *r = (ext_reader *)self;

	(void)closure;
	return Py_NewRef(r->filter != NULL ? r->filter : Py_None);
}

/* ---- the rest of the interface ----------------------------------------- */

static PyObject *
reader_close(PyObject *self, PyObject *unused)
{
	ext_reader *r = (ext_reader *)self;

	(void)unused;
	if (r->busy && r->wakefd >= 0 && !r->direct) {
		/* Another thread waits for the stream: wake it, wait for it
		   to leave the core (without the GIL, which it needs). */
		static const struct timespec pause = {0, 100000};
		uint64_t one = 1;

		r->closing = 1;
		if (write(r->wakefd, &one, sizeof one) < 0) {
			/* the eventfd is full: it is readable anyway */
		}
		while (r->busy) {
			Py_BEGIN_ALLOW_THREADS
			nanosleep(&pause, NULL);
			Py_END_ALLOW_THREADS
		}
	}
	if (r->busy)
		return ext_raise_busy("Reader");
	reader_close_handle(r);
	Py_RETURN_NONE;
}

static PyObject *
reader_enter(PyObject *self, PyObject *unused)
{
	(void)unused;
	if (((ext_reader *)self)->p == NULL)
		return ext_raise_closed("Reader");
	return Py_NewRef(self);
}

static PyObject *
reader_exit(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
	(void)args;
	(void)nargs;
	return reader_close(self, NULL);
}

static PyObject *
reader_repr(PyObject *self)
{
	ext_reader *r = (ext_reader *)self;

	if (r->p == NULL)
		return PyUnicode_FromFormat("<%s closed>", Py_TYPE(self)->tp_name);
	return PyUnicode_FromFormat("<%s linktype=%d snaplen=%d>",
				    Py_TYPE(self)->tp_name, r->linktype,
				    r->snaplen);
}

#define OPEN_OR_RAISE(r)                                                     \
	do {                                                                 \
		if ((r)->p == NULL)                                          \
			return ext_raise_closed("Reader");                   \
	} while (0)

static PyObject *
get_linktype(PyObject *self, void *c)
{
	ext_reader *r = (ext_reader *)self;

	(void)c;
	OPEN_OR_RAISE(r);
	return PyLong_FromLong(r->linktype);
}

static PyObject *
get_snaplen(PyObject *self, void *c)
{
	ext_reader *r = (ext_reader *)self;

	(void)c;
	OPEN_OR_RAISE(r);
	return PyLong_FromLong(r->snaplen);
}

static PyObject *
get_swapped(PyObject *self, void *c)
{
	ext_reader *r = (ext_reader *)self;

	(void)c;
	OPEN_OR_RAISE(r);
	return PyBool_FromLong(r->swapped);
}

static PyObject *
get_version(PyObject *self, void *c)
{
	ext_reader *r = (ext_reader *)self;

	(void)c;
	OPEN_OR_RAISE(r);
	return Py_BuildValue("(ii)", r->major, r->minor);
}

static PyObject *
get_datalink_name(PyObject *self, void *c)
{
	ext_reader *r = (ext_reader *)self;
	const char *name;

	(void)c;
	OPEN_OR_RAISE(r);
	name = pcap_datalink_val_to_name(r->linktype);
	if (name == NULL)
		Py_RETURN_NONE;
	return PyUnicode_FromString(name);
}

static PyObject *
get_closed(PyObject *self, void *c)
{
	(void)c;
	return PyBool_FromLong(((ext_reader *)self)->p == NULL);
}

static PyObject *
get_format(PyObject *self, void *c)
{
	ext_reader *r = (ext_reader *)self;

	(void)c;
	OPEN_OR_RAISE(r);
	return PyUnicode_FromString(r->ng ? "pcapng" : "pcap");
}

static PyObject *
get_interfaces(PyObject *self, void *c)
{
	ext_reader *r = (ext_reader *)self;
	uint32_t n, i;
	PyObject *t;

	(void)c;
	OPEN_OR_RAISE(r);
	if (!r->ng)
		return PyTuple_New(0);
	n = sf_ng_iface_count(r->p);
	t = PyTuple_New((Py_ssize_t)n);
	for (i = 0; t != NULL && i < n; i++) {
		PyObject *o = reader_iface(r, i);

		if (o == NULL)
			Py_CLEAR(t);
		else
			PyTuple_SET_ITEM(t, i, o);
	}
	return t;
}

static PyObject *
get_sections(PyObject *self, void *c)
{
	ext_reader *r = (ext_reader *)self;
	uint32_t n, i;
	PyObject *t;

	(void)c;
	OPEN_OR_RAISE(r);
	if (!r->ng)
		return PyTuple_New(0);
	n = sf_ng_section_count(r->p);
	t = PyTuple_New((Py_ssize_t)n);
	for (i = 0; t != NULL && i < n; i++) {
		PyObject *o = ext_section_from_reader(
			r->st, sf_ng_section_at(r->p, i), i);

		if (o == NULL)
			Py_CLEAR(t);
		else
			PyTuple_SET_ITEM(t, i, o);
	}
	return t;
}

static PyGetSetDef reader_getset[] = {
	{"linktype", get_linktype, NULL,
	 "Link-layer type of the packets (a DLT_ value).", NULL},
	{"snaplen", get_snaplen, NULL, "Snapshot length of the file.", NULL},
	{"swapped", get_swapped, NULL,
	 "True when the file's byte order is not the host's.", NULL},
	{"version", get_version, NULL,
	 "(major, minor) version of the savefile format.", NULL},
	{"datalink_name", get_datalink_name, NULL,
	 "Name of the link-layer type without DLT_ (e.g. 'EN10MB'), or "
	 "None when unknown.", NULL},
	{"closed", get_closed, NULL, "True once close() was called.", NULL},
	{"format", get_format, NULL, "'pcap' or 'pcapng'.", NULL},
	{"interfaces", get_interfaces, NULL,
	 "pcapng: every interface seen so far (all sections, file order), "
	 "a tuple of Interface; () for a pcap file.", NULL},
	{"sections", get_sections, NULL,
	 "pcapng: the sections seen so far, a tuple of Section.", NULL},
	{"filter", reader_get_filter, NULL,
	 "The Filter in use (set_filter, or Reader(filter=...)), or None.",
	 NULL},
	{NULL, NULL, NULL, NULL, NULL}
};

static PyMethodDef reader_methods[] = {
	{"read", (PyCFunction)(void (*)(void))reader_read, METH_FASTCALL,
	 "read($self, n=-1, /)\n--\n\n"
	 "Read packets into a list.  n > 0: up to n packets (fewer only at\n"
	 "end of file).  n < 0: the next batch, i.e. at least one packet\n"
	 "and at most a few hundred, as cheaply as the source allows (one\n"
	 "at a time from a pipe).  [] at end of file.  An error met after\n"
	 "some packets were read is raised by the next call."},
	{"read_buffer", (PyCFunction)(void (*)(void))reader_read_buffer,
	 METH_FASTCALL,
	 "read_buffer($self, n=-1, /)\n--\n\n"
	 "Like read(), but without a Python object per packet: returns\n"
	 "(data, index) where data is one bytes object holding the packets'\n"
	 "bytes back to back and index a memoryview of signed 64-bit\n"
	 "integers (format 'q'), four per packet: ts_ns, caplen, wirelen,\n"
	 "offset in data (ts_ns as iteration gives it; a packet whose ts_ns\n"
	 "does not fit raises PcapError, once, and is skipped).\n"
	 "Packet i is data[index[4*i+3]:index[4*i+3]+index[4*i+1]].\n"
	 "(b'', empty view) at end of file."},
	{"set_filter", (PyCFunction)(void (*)(void))reader_set_filter,
	 METH_VARARGS | METH_KEYWORDS,
	 "set_filter($self, filt, /, *, optimize=True, netmask=None)\n--\n\n"
	 "Filter the packets with filt: a Filter, or a filter expression\n"
	 "(str, pcap-filter(7)) compiled for this file's link type, snapshot\n"
	 "length and byte order as pcap_compile does (optimize and netmask\n"
	 "as for compile(); a failure raises CompileError or\n"
	 "FilterSyntaxError).  From the next packet on, only those it\n"
	 "accepts are read (any nonzero result; packets are not cut to it).\n"
	 "None removes the filter.  Takes effect exactly at the next packet,\n"
	 "read ahead or not; may be called at any time."},
	{"compile", (PyCFunction)(void (*)(void))reader_compile,
	 METH_VARARGS | METH_KEYWORDS,
	 "compile($self, expr, /, *, optimize=True, netmask=None)\n--\n\n"
	 "Compile a filter expression for this file, as pcap_compile does on\n"
	 "its handle (link type, snapshot length, byte order), and return\n"
	 "the Filter without installing it."},
	{"close", reader_close, METH_NOARGS,
	 "close($self)\n--\n\nClose the file.  Closing twice is harmless."},
	{"__enter__", reader_enter, METH_NOARGS, NULL},
	{"__exit__", (PyCFunction)(void (*)(void))reader_exit, METH_FASTCALL,
	 NULL},
	{NULL, NULL, 0, NULL}
};

static PyMemberDef reader_members[] = {
	{"__weaklistoffset__", EXT_T_PYSSIZET,
	 offsetof(ext_reader, weakreflist), EXT_READONLY, NULL},
	{NULL, 0, 0, 0, NULL}
};

static PyType_Slot reader_slots[] = {
	{Py_tp_new, (void *)reader_new},
	{Py_tp_init, (void *)reader_init},
	{Py_tp_dealloc, (void *)reader_dealloc},
	{Py_tp_traverse, (void *)reader_traverse},
	{Py_tp_iter, (void *)reader_iter},
	{Py_tp_iternext, (void *)reader_iternext},
	{Py_tp_repr, (void *)reader_repr},
	{Py_tp_methods, reader_methods},
	{Py_tp_getset, reader_getset},
	{Py_tp_members, reader_members},
	{Py_tp_doc, (void *)
	 "Reader(source, *, filter=None)\n--\n\n"
	 "A savefile (pcap or pcapng) opened for reading.  source is a path\n"
	 "(str, bytes, os.PathLike) or a binary file object: one with a\n"
	 "descriptor is read through a duplicate of it from its current\n"
	 "position (the two share the file offset, so the object's position\n"
	 "afterwards is unspecified; it is never closed by the Reader); one\n"
	 "without (io.BytesIO) is read whole into memory.\n"
	 "Iterating yields Packet objects with nanosecond timestamps.\n"
	 "filter is a Filter or an expression such as 'tcp port 80',\n"
	 "compiled for the file (see set_filter).\n"
	 "A context manager; a closed Reader raises ValueError."},
	{0, NULL}
};

static PyType_Spec reader_spec = {
	.name = "libpcap.Reader",
	.basicsize = sizeof(ext_reader),
	.itemsize = 0,
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
	.slots = reader_slots,
};

int
ext_reader_init_type(PyObject *module, ext_state *st)
{
	return ext_add_type(module, &reader_spec, &st->ReaderType);
}
