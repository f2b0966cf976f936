/*
 * batch.c - what Reader and Capture build from the core's batch path
 * (core_batch_read): the sink that turns each packet the core hands over
 * into a Packet, or appends it to read_buffer()'s data and index.  Runs
 * with the GIL held; a Packet's bytes are copied once, from the core's
 * file buffer or ring into the object Python gets.  read_buffer() gathers
 * into an arena its owner keeps warm across calls, then makes the bytes
 * object in one go: growing the bytes object itself faulted fresh pages in
 * for every call, costing more than that one memcpy.
 */
#include "native.h"

#include <string.h>

#include "../core/batch.h"
#include "../savefile/savefile.h"

/* read_buffer's index: 4 signed 64-bit words per packet. */
#define INDEX_WORDS 4
#define INDEX_BYTES (INDEX_WORDS * (Py_ssize_t)sizeof(int64_t))
/* The most arena space kept between read_buffer() calls. */
#define ARENA_KEEP_MAX ((size_t)64 << 20)

static PyObject *
packet_from(ext_batch *b, const struct core_pkt *pk)
{
	PyObject *pkt = ext_packet_new(b->st, pk->sec, pk->nsec, pk->data,
				       pk->caplen, pk->len);
	ext_packet *p = (ext_packet *)pkt;
	struct sf_ng_packet opts, probe;
	const char *c;
	size_t clen;

	if (pkt == NULL || pk->iface == UINT32_MAX || b->iface == NULL)
		return pkt;
	p->flags = pk->flags;
	p->iface = b->iface(b->owner, pk->iface);
	if (p->iface == NULL) {
		Py_DECREF(pkt);
		return NULL;
	}
	opts.opts = pk->opts;
	opts.optlen = pk->optlen;
	opts.swapped = pk->opts_swapped;
	probe = opts;
	if (pk->optlen != 0 && sf_ng_next_comment(&probe, &c, &clen)) {
		p->comments = ext_packet_comments(&opts);
		if (p->comments == NULL) {
			Py_DECREF(pkt);
			return NULL;
		}
	}
	return pkt;
}

/* Grow *buf (of *cap bytes) to hold at least need bytes. */
static int
grow(void **buf, size_t *cap, size_t need)
{
	size_t n = *cap > 0 ? *cap : 64 * 1024;
	void *nb;

	if (need <= *cap)
		return 0;
	while (n < need)
		n = n > SIZE_MAX / 2 ? need : n * 2;
	nb = PyMem_RawRealloc(*buf, n);
	if (nb == NULL)
		return -1;
	*buf = nb;
	*cap = n;
	return 0;
}

/* read_buffer(): the packet into the owner's arena (kept warm across
   calls: its pages are not faulted in again for every call). */
static int
to_buffer(ext_batch *b, const struct core_pkt *pk)
{
	ext_arena *a = b->arena;
	__int128 ts = (__int128)pk->sec * CORE_NS_PER_S + pk->nsec;
	int64_t *row;

	if (ts < INT64_MIN || ts > INT64_MAX) {
		/* Consumed; raised now, or by the next call after the
		   packets before it. */
		b->bad_ts = 1;
		return 1;
	}
	if (grow((void **)&a->data, &a->dcap, b->dlen + pk->caplen) < 0 ||
	    grow((void **)&a->index, &a->icap,
		 (size_t)(b->count + 1) * INDEX_BYTES) < 0) {
		PyErr_NoMemory();
		b->failed = 1;
		return 1;
	}
	if (pk->caplen != 0)	/* no arena yet for empty packets */
		memcpy(a->data + b->dlen, pk->data, pk->caplen);
	row = a->index + b->count * INDEX_WORDS;
	row[0] = (int64_t)ts;
	row[1] = pk->caplen;
	row[2] = pk->len;
	row[3] = (int64_t)b->dlen;
	b->dlen += pk->caplen;
	b->count++;
	return 0;
}

int
ext_batch_sink(void *arg, const struct core_pkt *pk)
{
	ext_batch *b = arg;
	PyObject *pkt;

	if (b->arena != NULL)
		return to_buffer(b, pk);
	pkt = packet_from(b, pk);
	if (pkt == NULL) {
		b->failed = 1;
		return 1;
	}
	if (b->list == NULL) {
		/* One packet wanted (iteration): keep it as it is. */
		b->one = pkt;
		b->count++;
		return 1;
	}
	if (PyList_Append(b->list, pkt) < 0)
		b->failed = 1;
	Py_DECREF(pkt);
	b->count++;
	return b->failed;
}

void
ext_arena_free(ext_arena *a)
{
	PyMem_RawFree(a->data);
	PyMem_RawFree(a->index);
	memset(a, 0, sizeof *a);
}

void
ext_batch_clear(ext_batch *b)
{
	Py_CLEAR(b->list);
	Py_CLEAR(b->one);
}

PyObject *
ext_batch_buffer_result(ext_batch *b)
{
	const ext_arena *a = b->arena;
	PyObject *data, *index, *view;

	data = PyBytes_FromStringAndSize((const char *)a->data,
					 (Py_ssize_t)b->dlen);
	index = PyBytes_FromStringAndSize((const char *)a->index,
					  b->count * INDEX_BYTES);
	/* Keep a usual batch's space warm, not a huge call's. */
	if (a->dcap > ARENA_KEEP_MAX || a->icap > ARENA_KEEP_MAX)
		ext_arena_free(b->arena);
	if (data == NULL) {
		Py_XDECREF(index);
		return NULL;
	}
	view = index != NULL ? PyMemoryView_FromObject(index) : NULL;
	Py_XDECREF(index);
	index = view != NULL ? PyObject_CallMethodOneArg(view, b->st->s_cast,
							 b->st->s_q) : NULL;
	Py_XDECREF(view);
	if (index == NULL) {
		Py_DECREF(data);
		return NULL;
	}
	return Py_BuildValue("(NN)", data, index);
}

PyObject *
ext_raise_bad_ts(ext_state *st)
{
	return ext_raise(st->PcapError, PCAP_ERROR,
			 "a packet's time stamp is outside what a signed "
			 "64-bit ts_ns holds (about 1678 to 2262); iterate "
			 "to get it as an int");
}
