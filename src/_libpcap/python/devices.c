/*
 * devices.c - libpcap.devices(): pcap_findalldevs as a list of Device
 * structs (name, description, flags, addresses), the addresses as
 * DeviceAddress(family, addr, netmask, broadaddr, dstaddr) with text
 * addresses, in libpcap's order.
 */
#include "native.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "../capture/capture.h"

/* A sockaddr as text: dotted IPv4, IPv6, a link-layer address as hex
   bytes separated by ':'; None when absent or of another family. */
static PyObject *
sockaddr_text(const struct sockaddr *sa)
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (sa == NULL)
		Py_RETURN_NONE;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		if (inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf) != NULL)
			return PyUnicode_FromString(buf);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		if (inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf) != NULL)
			return PyUnicode_FromString(buf);
	} else {
		const unsigned char *addr;
		char hex[3 * CAP_LINK_ADDR_MAX + 1];
		size_t i, n, pos = 0;

		n = cap_link_address(sa, &addr);
		if (n == 0 && addr == NULL)
			Py_RETURN_NONE;
		hex[0] = '\0';
		for (i = 0; i < n; i++)
			pos += (size_t)snprintf(hex + pos, sizeof hex - pos,
						 i ? ":%02x" : "%02x", addr[i]);
		return PyUnicode_FromString(hex);
	}
	Py_RETURN_NONE;
}

static PyObject *
make_address(ext_state *st, const pcap_addr_t *a)
{
	PyObject *t = PyStructSequence_New(st->DeviceAddressType);
	PyObject *v[5];
	int i;

	if (t == NULL)
		return NULL;
	v[0] = PyLong_FromLong(a->addr != NULL ? a->addr->sa_family : 0);
	v[1] = sockaddr_text(a->addr);
	v[2] = sockaddr_text(a->netmask);
	v[3] = sockaddr_text(a->broadaddr);
	v[4] = sockaddr_text(a->dstaddr);
	for (i = 0; i < 5; i++)
		PyStructSequence_SET_ITEM(t, i, v[i]);
	for (i = 0; i < 5; i++) {
		if (v[i] == NULL) {
			Py_DECREF(t);
			return NULL;
		}
	}
	return t;
}

static PyObject *
make_device(ext_state *st, const pcap_if_t *d)
{
	PyObject *t, *addrs, *name, *desc, *flags;
	const pcap_addr_t *a;

	addrs = PyList_New(0);
	if (addrs == NULL)
		return NULL;
	for (a = d->addresses; a != NULL; a = a->next) {
		PyObject *o = make_address(st, a);

		if (o == NULL || PyList_Append(addrs, o) < 0) {
			Py_XDECREF(o);
			Py_DECREF(addrs);
			return NULL;
		}
		Py_DECREF(o);
	}
	name = PyUnicode_DecodeFSDefault(d->name ? d->name : "");
	desc = d->description ? PyUnicode_DecodeFSDefault(d->description)
			      : Py_NewRef(Py_None);
	flags = PyLong_FromUnsignedLong(d->flags);
	t = PyStructSequence_New(st->DeviceType);
	if (t == NULL || name == NULL || desc == NULL || flags == NULL) {
		Py_XDECREF(t);
		Py_XDECREF(name);
		Py_XDECREF(desc);
		Py_XDECREF(flags);
		Py_DECREF(addrs);
		return NULL;
	}
	PyStructSequence_SET_ITEM(t, 0, name);
	PyStructSequence_SET_ITEM(t, 1, desc);
	PyStructSequence_SET_ITEM(t, 2, flags);
	PyStructSequence_SET_ITEM(t, 3, addrs);
	return t;
}

static PyObject *
devices(PyObject *module, PyObject *unused)
{
	ext_state *st = PyModule_GetState(module);
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_if_t *all = NULL, *d;
	PyObject *list;
	int rc;

	(void)unused;
	errbuf[0] = '\0';
	Py_BEGIN_ALLOW_THREADS
	rc = pcap_findalldevs(&all, errbuf);
	Py_END_ALLOW_THREADS
	if (rc < 0)
		return ext_raise(st->PcapError, rc, errbuf);
	list = PyList_New(0);
	for (d = all; list != NULL && d != NULL; d = d->next) {
		PyObject *o = make_device(st, d);

		if (o == NULL || PyList_Append(list, o) < 0)
			Py_CLEAR(list);
		Py_XDECREF(o);
	}
	pcap_freealldevs(all);
	return list;
}

static PyMethodDef devices_methods[] = {
	{"devices", devices, METH_NOARGS,
	 "devices()\n--\n\n"
	 "The capture devices (pcap_findalldevs), in libpcap's order, as\n"
	 "Device(name, description, flags, addresses): flags are PCAP_IF_*\n"
	 "bits, addresses a list of DeviceAddress(family, addr, netmask,\n"
	 "broadaddr, dstaddr) with the addresses as text (None if absent)."},
	{NULL, NULL, 0, NULL}
};

/* ---- the types ---------------------------------------------------------- */

static PyStructSequence_Field device_fields[] = {
	{"name", "The name to open it with."},
	{"description", "A description, or None."},
	{"flags", "PCAP_IF_* bits."},
	{"addresses", "List of DeviceAddress."},
	{NULL, NULL}
};

static PyStructSequence_Desc device_desc = {
	"libpcap.Device", "A capture device, from devices().", device_fields, 4
};

static PyStructSequence_Field address_fields[] = {
	{"family", "Address family of addr (socket.AF_*), 0 if none."},
	{"addr", "The address as text, or None."},
	{"netmask", "Its netmask, or None."},
	{"broadaddr", "Its broadcast address, or None."},
	{"dstaddr", "The peer of a point-to-point link, or None."},
	{NULL, NULL}
};

static PyStructSequence_Desc address_desc = {
	"libpcap.DeviceAddress", "An address of a Device.", address_fields, 5
};

int
ext_devices_init(PyObject *module, ext_state *st)
{
	st->DeviceType = PyStructSequence_NewType(&device_desc);
	if (st->DeviceType == NULL ||
	    PyModule_AddType(module, st->DeviceType) < 0)
		return -1;
	st->DeviceAddressType = PyStructSequence_NewType(&address_desc);
	if (st->DeviceAddressType == NULL ||
	    PyModule_AddType(module, st->DeviceAddressType) < 0)
		return -1;
	return PyModule_AddFunctions(module, devices_methods);
}
