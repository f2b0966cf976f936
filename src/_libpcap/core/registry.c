/*
 * registry.c - the set of live handles and dumpers.
 *
 * pcap_close and pcap_dump_close consult it so that closing the same
 * pointer twice (which the original ctypes binding let through to a
 * double free) is a harmless no-op.  Only open and close touch the lock;
 * no per-packet path does.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "pcap-int.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
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
	pthread_mutex_unlock(&lock);
	return found;
}
