/*
 * registry.c - the set of live handles and dumpers.
 *
 * pcap_close and pcap_dump_close consult it so that closing the same
 * pointer twice (which the original ctypes binding let through to a
 * double free) is a harmless no-op, and every API function taking a
 * handle or dumper asks it first (core_registry_has), so that NULL or a
 * closed handle gets libpcap's error return instead of a crash.  A thread
 * remembers the last object it found open together with a generation
 * that every removal bumps, so the per-packet calls take no lock.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "pcap-int.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* Bumped by every removal: a thread's cached "this one is open" answer
   (core_registry_has) holds while it has not moved. */
static atomic_ulong generation;
static _Thread_local const void *known_obj;
static _Thread_local unsigned long known_gen;
/* Kept as addresses only: the registry never reads the objects. */
static uintptr_t *items;
static size_t count, capacity;

int
core_registry_add(void *obj)
{
	int rc = 0;

	pthread_mutex_lock(&lock);
	if (count == capacity) {
		size_t ncap = capacity ? capacity * 2 : 16;
		uintptr_t *n = realloc(items, ncap * sizeof *n);
		if (n == NULL)
			rc = -1;
		else {
			items = n;
			capacity = ncap;
		}
	}
	if (rc == 0)
		items[count++] = (uintptr_t)obj;
	pthread_mutex_unlock(&lock);
	return rc;
}

int
core_registry_remove(void *obj)
{
	int found = 0;

	pthread_mutex_lock(&lock);
	/* Newest first: a handle is usually closed soon after it is opened. */
	for (size_t i = count; i-- > 0;) {
		if (items[i] == (uintptr_t)obj) {
			items[i] = items[--count];
			found = 1;
			break;
		}
	}
	if (found)
		atomic_fetch_add_explicit(&generation, 1, memory_order_release);
	pthread_mutex_unlock(&lock);
	return found;
}

int
core_registry_has(const void *obj)
{
	unsigned long gen;
	int found = 0;

	if (obj == NULL)
		return 0;
	gen = atomic_load_explicit(&generation, memory_order_acquire);
	if (obj == known_obj && gen == known_gen)
		return 1;	/* the per-packet case: no lock */
	pthread_mutex_lock(&lock);
	for (size_t i = count; i-- > 0;) {
		if (items[i] == (uintptr_t)obj) {
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&lock);
	if (found) {
		known_obj = obj;
		known_gen = gen;
	}
	return found;
}
