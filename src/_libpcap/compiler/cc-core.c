/*
 * cc-core.c - the compile context's services: error exits, the arena every
 * stage allocates from (freed in one place, so no error path can leak), the
 * cleanup list for resources that are not arena memory (getaddrinfo
 * results, ...), and statement/block construction.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cc.h"

/* Arena chunks grow geometrically up to CHUNK_MAX, so the number of
   mallocs stays small; a request larger than a quarter of that gets a
   chunk of its own.  Memory is zeroed as it is handed out, not chunk by
   chunk, so a nearly unused chunk costs no more than its pages touched. */
#define CHUNK_MIN	4096
#define CHUNK_MAX	((size_t)1 << 20)

struct cc_chunk {
	struct cc_chunk *next;
	size_t size;		/* usable bytes after the header */
	size_t used;
	max_align_t data[];
};

void
cc_set_error(struct cc *cc, const char *fmt, ...)
{
	va_list ap;

	if (cc->error_set)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(cc->errbuf, PCAP_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
	cc->error_set = 1;
}

_Noreturn void
cc_error(struct cc *cc, const char *fmt, ...)
{
	va_list ap;

	if (!cc->error_set) {
		va_start(ap, fmt);
		(void)vsnprintf(cc->errbuf, PCAP_ERRBUF_SIZE, fmt, ap);
		va_end(ap);
		cc->error_set = 1;
	}
	longjmp(cc->top, 1);
}

void *
cc_alloc(struct cc *cc, size_t n)
{
	struct cc_chunk *c = cc->chunks;
	const size_t align = sizeof(max_align_t);
	void *mem;

	if (n > CC_ARENA_LIMIT)
		cc_error(cc, "out of memory");
	n = (n + align - 1) & ~(align - 1);
	if (n == 0)
		n = align;
	if (c == NULL || c->size - c->used < n) {
		size_t size;

		if (n > CHUNK_MAX / 4)
			size = n;
		else if (c == NULL)
			size = CHUNK_MIN;
		else
			size = c->size >= CHUNK_MAX ? CHUNK_MAX : c->size * 2;
		if (size < n)
			size = n;
		if (size > CC_ARENA_LIMIT - cc->arena_bytes)
			cc_error(cc, "out of memory");
		c = malloc(sizeof(*c) + size);
		if (c == NULL)
			cc_error(cc, "out of memory");
		c->size = size;
		c->used = 0;
		if (cc->chunks != NULL && n == size) {
			/* A chunk of its own: keep filling the current one. */
			c->next = cc->chunks->next;
			cc->chunks->next = c;
		} else {
			c->next = cc->chunks;
			cc->chunks = c;
		}
		cc->arena_bytes += size;
	}
	mem = (char *)c->data + c->used;
	c->used += n;
	memset(mem, 0, n);
	return mem;
}

char *
cc_strndup(struct cc *cc, const char *s, size_t n)
{
	char *d = cc_alloc(cc, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *
cc_strdup(struct cc *cc, const char *s)
{
	return cc_strndup(cc, s, strlen(s));
}

void
cc_on_cleanup(struct cc *cc, void (*fn)(void *), void *arg)
{
	struct cc_cleanup *c = cc_alloc(cc, sizeof(*c));

	c->fn = fn;
	c->arg = arg;
	c->next = cc->cleanups;
	cc->cleanups = c;
}

void
cc_release(struct cc *cc)
{
	struct cc_cleanup *cl;
	struct cc_chunk *c, *next;

	/* The cleanup records live in the arena: run them before freeing it. */
	for (cl = cc->cleanups; cl != NULL; cl = cl->next)
		cl->fn(cl->arg);
	cc->cleanups = NULL;
	for (c = cc->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	cc->chunks = NULL;
	cc->arena_bytes = 0;
}

struct slist *
cc_new_stmt(struct cc *cc, int code)
{
	struct slist *s = cc_alloc(cc, sizeof(*s));

	s->s.code = code;
	return s;
}

struct slist *
cc_new_stmt_k(struct cc *cc, int code, bpf_u_int32 k)
{
	struct slist *s = cc_new_stmt(cc, code);

	s->s.k = k;
	return s;
}

struct block *
cc_new_block(struct cc *cc, int code)
{
	struct block *b = cc_alloc(cc, sizeof(*b));

	b->s.code = code;
	b->head = b;
	return b;
}

void
cc_sappend(struct slist *s0, struct slist *s1)
{
	while (s0->next != NULL)
		s0 = s0->next;
	s0->next = s1;
}
