/*
 * live.h - what capture.c (the Capture type) takes from capture_open.c
 * (opening a live handle from Capture()'s arguments, and the option
 * setters shared by the constructor and the methods).  Private to the two.
 */
#ifndef PCAP_PYTHON_LIVE_H
#define PCAP_PYTHON_LIVE_H

#include "native.h"

/*
 * Parse Capture()'s arguments (args, kwds of tp_new), then pcap_create,
 * the setters, pcap_activate (libpcap's warnings are issued as
 * PcapWarning), non-blocking mode, and the datalink, direction and filter
 * options.  Returns the activated handle, with *device a new reference to
 * the device name and *timeout_ms the buffer timeout; NULL with an
 * exception set on failure.
 */
pcap_t *ext_live_open(ext_state *st, PyObject *args, PyObject *kwds,
		      PyObject **device, int *timeout_ms);

/* Raise PcapError (PcapNotSupported for those codes) for a failed call on
   p: libpcap's message, or the status text without one.  NULL. */
PyObject *ext_live_raise(ext_state *st, pcap_t *p, int code);

/* Install a Filter on p (None: keep every packet whole).  0 or -1. */
int ext_live_set_filter(ext_state *st, pcap_t *p, PyObject *filt);
/* pcap_setdirection from "in", "out" or "inout".  0 or -1. */
int ext_live_set_direction(ext_state *st, pcap_t *p, PyObject *o);
/* pcap_set_datalink from a DLT int or name.  0 or -1. */
int ext_live_set_datalink(ext_state *st, pcap_t *p, PyObject *o);

#endif /* PCAP_PYTHON_LIVE_H */
