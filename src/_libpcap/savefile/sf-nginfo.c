/*
 * sf-nginfo.c - what a pcapng file says beyond the packets, for the native
 * API (savefile.h, "pcapng beyond libpcap"): each section's and each
 * interface's options, each packet's interface, flags and comments.
 *
 * libpcap looks at none of this, so nothing here may refuse a file: an
 * option that does not parse ends the walk over that block's options and
 * what was read so far is kept.  The reader's own checks stay in
 * sf-pcapng.c.
 */
#include <errno.h>
#include <stdlib.h>

#include "sf-int.h"
#include "sf-ngformat.h"
#include "batch.h"

/* A walk over a block's options. */
struct opt_walk {
	const u_char *p;
	size_t left;
	int sw;
};

/* The next option: 1 with code, value and length, 0 at the end (or at an
   option that runs past the block: the rest is not trusted). */
static int
opt_next(struct opt_walk *w, unsigned *code, const u_char **val,
    unsigned *len)
{
	size_t padded;

	if (w->left < 4)
		return 0;
	*code = sf_ld16(w->p, w->sw);
	*len = sf_ld16(w->p + 2, w->sw);
	padded = ((size_t)*len + 3) & ~(size_t)3;
	if (*code == OPT_ENDOFOPT || padded > w->left - 4) {
		w->left = 0;
		return 0;
	}
	*val = w->p + 4;
	w->p += 4 + padded;
	w->left -= 4 + padded;
	return 1;
}

/* Keep ptr until the handle closes; NULL (ptr freed) when out of memory. */
static void *
own(struct sf_ng_info *info, void *ptr)
{
	if (ptr == NULL)
		return NULL;
	if (info->n_owned == info->cap_owned) {
		size_t ncap = info->cap_owned ? 2 * info->cap_owned : 16;
		void **n = realloc(info->owned, ncap * sizeof *n);

		if (n == NULL) {
			free(ptr);
			return NULL;
		}
		info->owned = n;
		info->cap_owned = ncap;
	}
	info->owned[info->n_owned++] = ptr;
	return ptr;
}

/* An option's text as a C string: trailing NULs (some writers pad with
   them) dropped.  NULL when out of memory. */
static const char *
own_text(struct sf_ng_info *info, const u_char *v, unsigned len)
{
	char *s;

	while (len > 0 && v[len - 1] == '\0')
		len--;
	s = malloc((size_t)len + 1);
	if (s == NULL)
		return NULL;
	memcpy(s, v, len);
	s[len] = '\0';
	return own(info, s);
}

/* Every opt_comment of the options as an owned array; 0 or -1. */
static int
own_comments(struct sf_ng_info *info, struct opt_walk w,
    const char *const **out, uint32_t *nout)
{
	const char **list;
	const u_char *val;
	unsigned code, len;
	uint32_t n = 0, i = 0;
	struct opt_walk count = w;

	*out = NULL;
	*nout = 0;
	while (opt_next(&count, &code, &val, &len))
		n += code == OPT_COMMENT;
	if (n == 0)
		return 0;
	list = own(info, calloc(n, sizeof *list));
	if (list == NULL)
		return -1;
	while (opt_next(&w, &code, &val, &len))
		if (code == OPT_COMMENT) {
			list[i] = own_text(info, val, len);
			if (list[i++] == NULL)
				return -1;
		}
	*out = list;
	*nout = n;
	return 0;
}

static int
grow(void **arr, uint32_t *cap, uint32_t n, size_t elem)
{
	uint32_t ncap;
	void *na;

	if (n < *cap)
		return 0;
	ncap = *cap ? 2 * *cap : 4;
	if (ncap <= *cap)
		return -1;
	na = realloc(*arr, (size_t)ncap * elem);
	if (na == NULL)
		return -1;
	memset((char *)na + (size_t)*cap * elem, 0,
	    (size_t)(ncap - *cap) * elem);
	*arr = na;
	*cap = ncap;
	return 0;
}

int
sf_ng_info_section(struct sf_ng_info *info, int swapped, unsigned major,
    unsigned minor, int64_t length, const u_char *opts, size_t optlen)
{
	struct opt_walk w = { opts, optlen, swapped };
	struct sf_ng_section *s;
	const u_char *val;
	unsigned code, len;

	if (grow((void **)&info->sections, &info->cap_sections,
	    info->n_sections, sizeof *info->sections) < 0)
		return -1;
	s = &info->sections[info->n_sections];
	memset(s, 0, sizeof *s);
	s->swapped = swapped;
	s->major = major;
	s->minor = minor;
	s->length = length;
	if (own_comments(info, w, &s->comments, &s->ncomments) < 0)
		return -1;
	while (opt_next(&w, &code, &val, &len)) {
		const char **dst = code == SHB_HARDWARE ? &s->hardware :
		    code == SHB_OS ? &s->os :
		    code == SHB_USERAPPL ? &s->application : NULL;

		if (dst != NULL && *dst == NULL &&
		    (*dst = own_text(info, val, len)) == NULL)
			return -1;
	}
	info->n_sections++;
	return 0;
}

int
sf_ng_info_iface(struct sf_ng_info *info, uint32_t id, int dlt,
    uint32_t snaplen, const struct sf_ng_if *ifc, int swapped,
    const u_char *opts, size_t optlen)
{
	struct opt_walk w = { opts, optlen, swapped };
	struct sf_ng_iface *f;
	const u_char *val;
	unsigned code, len;

	if (grow((void **)&info->ifaces, &info->cap_ifaces, info->n_ifaces,
	    sizeof *info->ifaces) < 0)
		return -1;
	f = &info->ifaces[info->n_ifaces];
	memset(f, 0, sizeof *f);
	f->section = info->n_sections ? info->n_sections - 1 : 0;
	f->id = id;
	f->dlt = dlt;
	f->snaplen = snaplen;
	f->tsresol_code = TSRESOL_DEFAULT;
	f->tsresol = ifc->tsresol;
	f->tsoffset = ifc->tsoffset;
	if (own_comments(info, w, &f->comments, &f->ncomments) < 0)
		return -1;
	while (opt_next(&w, &code, &val, &len)) {
		const char **dst = NULL;

		switch (code) {
		case IF_NAME:
			dst = &f->name;
			break;
		case IF_DESCRIPTION:
			dst = &f->description;
			break;
		case IF_OS:
			dst = &f->os;
			break;
		case IF_HARDWARE:
			dst = &f->hardware;
			break;
		case IF_FILTER:
			/* first byte 0: a libpcap filter string */
			if (len >= 1 && val[0] == 0 && f->filter == NULL &&
			    (f->filter = own_text(info, val + 1, len - 1)) ==
			    NULL)
				return -1;
			break;
		case IF_SPEED:
			if (len == 8)
				f->speed = sf_ld64(val, swapped);
			break;
		case IF_TSRESOL:
			if (len == 1)
				f->tsresol_code = val[0];
			break;
		default:
			break;
		}
		if (dst != NULL && *dst == NULL &&
		    (*dst = own_text(info, val, len)) == NULL)
			return -1;
	}
	info->n_ifaces++;
	return 0;
}

uint32_t
sf_ng_opt_flags(const u_char *opts, size_t optlen, int swapped)
{
	struct opt_walk w = { opts, optlen, swapped };
	const u_char *val;
	unsigned code, len;

	while (opt_next(&w, &code, &val, &len))
		if (code == EPB_FLAGS && len == 4)
			return sf_ld32(val, swapped);
	return 0;
}

int64_t
sf_ng_opt_tsoffset(const u_char *opts, size_t optlen, int swapped)
{
	struct opt_walk w = { opts, optlen, swapped };
	const u_char *val;
	unsigned code, len;

	while (opt_next(&w, &code, &val, &len))
		if (code == IF_TSOFFSET && len == 8)
			return (int64_t)sf_ld64(val, swapped);
	return 0;
}

void
sf_ng_info_free(struct sf_ng_info *info)
{
	size_t i;

	for (i = 0; i < info->n_owned; i++)
		free(info->owned[i]);
	free(info->owned);
	free(info->ifaces);
	free(info->sections);
	memset(info, 0, sizeof *info);
}

/* ---- the native API's calls --------------------------------------------- */

static struct sf_state *
ng_state(pcap_t *p)
{
	if (p == NULL || p->rfile == NULL || p->priv == NULL ||
	    p->ops->next_packet != sf_ng_next)
		return NULL;
	return p->priv;
}

int
sf_ng_set_native(pcap_t *p)
{
	struct sf_state *st = ng_state(p);

	if (st == NULL)
		return PCAP_ERROR;
	st->native = 1;
	return 0;
}

uint32_t
sf_ng_iface_count(pcap_t *p)
{
	struct sf_state *st = ng_state(p);

	return st != NULL && st->native ? st->info.n_ifaces : 0;
}

const struct sf_ng_iface *
sf_ng_iface_at(pcap_t *p, uint32_t i)
{
	struct sf_state *st = ng_state(p);

	if (st == NULL || !st->native || i >= st->info.n_ifaces)
		return NULL;
	return &st->info.ifaces[i];
}

uint32_t
sf_ng_section_count(pcap_t *p)
{
	struct sf_state *st = ng_state(p);

	return st != NULL && st->native ? st->info.n_sections : 0;
}

const struct sf_ng_section *
sf_ng_section_at(pcap_t *p, uint32_t i)
{
	struct sf_state *st = ng_state(p);

	if (st == NULL || !st->native || i >= st->info.n_sections)
		return NULL;
	return &st->info.sections[i];
}

int
sf_ng_last_packet(pcap_t *p, struct sf_ng_packet *out)
{
	struct sf_state *st = ng_state(p);

	if (st == NULL || !st->native || !st->have_last)
		return 0;
	*out = st->last;
	return 1;
}

int
sf_ng_next_comment(struct sf_ng_packet *pk, const char **s, size_t *len)
{
	struct opt_walk w = { pk->opts, pk->optlen, pk->swapped };
	const u_char *val;
	unsigned code, olen;

	while (opt_next(&w, &code, &val, &olen)) {
		if (code != OPT_COMMENT)
			continue;
		pk->opts = w.p;
		pk->optlen = (uint32_t)w.left;
		while (olen > 0 && val[olen - 1] == '\0')
			olen--;
		*s = (const char *)val;
		*len = olen;
		return 1;
	}
	pk->opts = w.p;
	pk->optlen = 0;
	return 0;
}

int
sf_ng_record_meta(pcap_t *p, struct core_pkt *pk)
{
	struct sf_state *st = p->priv;
	const struct sf_ng_iface *f;

	/* Only a native reader keeps the block facts (ops of pcapng files
	   only, so p->priv is a reader's state). */
	if (st == NULL || !st->native || !st->have_last)
		return 0;
	pk->iface = st->last.iface;
	pk->flags = st->last.flags;
	pk->opts = st->last.opts;
	pk->optlen = st->last.optlen;
	pk->opts_swapped = st->last.swapped;
	f = st->last.iface < st->info.n_ifaces ?
	    &st->info.ifaces[st->last.iface] : NULL;
	return f != NULL && f->dlt != p->linktype;
}
