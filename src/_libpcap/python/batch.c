/*
 * batch.c - what Reader and Capture build from the core's batch path
 * (core_batch_read): the sink that turns each packet the core hands over
 * into a Packet, or appends it to read_buffer()'s bytes and index.  Runs
 * with the GIL held; the packet's bytes are copied once, from the core's
 * file buffer or ring into the object Python gets.
 */
#include "native.h"

#include <string.h>

#include "../core/batch.h"
#include "../savefile/savefile.h"

/* read_buffer's index: 4 signed 64-bit words per packet. */
#define INDEX_WORDS 4

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

/* Grow *buf (a bytes object we alone hold) to at least need bytes. */
static int
reserve(PyObject **buf, Py_ssize_t *cap, Py_ssize_t need)
{
	Py_ssize_t n = *cap > 0 ? *cap : 4096;

	if (need <= *cap)
		return 0;
	while (n < need)
		n = n > PY_SSIZE_T_MAX / 2 ? need : n * 2;
	if (*buf == NULL) {
		*buf = PyBytes_FromStringAndSize(NULL, n);
		if (*buf == NULL)
			return -1;
	} else if (_PyBytes_Resize(buf, n) < 0) {
		return -1;
	}
	*cap = n;
	return 0;
}

static int
to_buffer(ext_batch *b, const struct core_pkt *pk)
{
	__int128 ts = (__int128)pk->sec * CORE_NS_PER_S + pk->nsec;
	int64_t *row;

	if (ts < INT64_MIN || ts > INT64_MAX) {
		/* Consumed; raised now, or by the next call after the
		   packets before it. */
		b->bad_ts = 1;
		return 1;
	}
	if (reserve(&b->data, &b->dcap, b->dlen + pk->caplen) < 0 ||
	    reserve(&b->index, &b->icap, (b->count + 1) * INDEX_WORDS *
		    (Py_ssize_t)sizeof(int64_t)) < 0) {
		b->failed = 1;
		return 1;
	}
	memcpy(PyBytes_AS_STRING(b->data) + b->dlen, pk->data, pk->caplen);
	row = (int64_t *)PyBytes_AS_STRING(b->index) + b->count * INDEX_WORDS;
	row[0] = (int64_t)ts;
	row[1] = pk->caplen;
	row[2] = pk->len;
	row[3] = b->dlen;
	b->dlen += pk->caplen;
	b->count++;
	return 0;
}

int
ext_batch_sink(void *arg, const struct core_pkt *pk)
{
	ext_batch *b = arg;
	PyObject *pkt;

	if (b->buffer)
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
ext_batch_clear(ext_batch *b)
{
	Py_CLEAR(b->list);
	Py_CLEAR(b->one);
	Py_CLEAR(b->data);
	Py_CLEAR(b->index);
}

PyObject *
ext_batch_buffer_result(ext_batch *b)
{
	PyObject *view, *index;

	if ((b->data == NULL && reserve(&b->data, &b->dcap, 1) < 0) ||
	    (b->index == NULL && reserve(&b->index, &b->icap, 1) < 0) ||
	    _PyBytes_Resize(&b->data, b->dlen) < 0 ||
	    _PyBytes_Resize(&b->index, b->count * INDEX_WORDS *
			    (Py_ssize_t)sizeof(int64_t)) < 0)
		return NULL;
	view = PyMemoryView_FromObject(b->index);
	if (view == NULL)
		return NULL;
	index = PyObject_CallMethodOneArg(view, b->st->s_cast, b->st->s_q);
	Py_DECREF(view);
	if (index == NULL)
		return NULL;
	return Py_BuildValue("(ON)", b->data, index);
}

PyObject *
ext_raise_bad_ts(ext_state *st)
{
	return ext_raise(st->PcapError, PCAP_ERROR,
			 "a packet's time stamp is outside what a signed "
			 "64-bit ts_ns holds (about 1678 to 2262); iterate "
			 "to get it as an int");
}
