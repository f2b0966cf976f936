/*
 * dumper.c - writing classic pcap savefiles: pcap_dump_open,
 * pcap_dump_fopen, pcap_dump_open_append (with libpcap's checks on the
 * file being appended to), pcap_dump and the flush/tell/close calls.
 * Files are written in host byte order with the handle's link-layer type
 * and snapshot length, and the magic of its time stamp precision.
 */
#include <errno.h>
#include <stdlib.h>

#include "sf-int.h"

#define MAGIC_USEC	0xa1b2c3d4u
#define MAGIC_NSEC	0xa1b23c4du
#define MAGIC_KUZNETZOV	0xa1b2cd34u
#define MAGIC_NAVTEL	0xa12b3c4du

static uint32_t
magic_for(int precision)
{
	return precision == PCAP_TSTAMP_PRECISION_NANO ? MAGIC_NSEC : MAGIC_USEC;
}

static int
write_file_header(pcap_t *p, FILE *f, uint32_t linktype)
{
	struct pcap_file_header hdr;

	hdr.magic = magic_for(p->tstamp_precision);
	hdr.version_major = PCAP_VERSION_MAJOR;
	hdr.version_minor = PCAP_VERSION_MINOR;
	hdr.thiszone = 0;	/* both reserved fields: "SHOULD be 0" */
	hdr.sigfigs = 0;
	hdr.snaplen = (bpf_u_int32)p->snapshot;
	hdr.linktype = linktype;
	return fwrite(&hdr, sizeof hdr, 1, f) == 1 ? 0 : -1;
}

static pcap_dumper_t *
new_dumper(pcap_t *p, FILE *f)
{
	pcap_dumper_t *d = malloc(sizeof *d);

	if (d == NULL) {
		core_fmt_errno(p->errbuf, errno, "malloc");
		if (f != stdout)
			(void)fclose(f);
		return NULL;
	}
	if (core_registry_add(d) < 0) {
		core_fmt_errno(p->errbuf, ENOMEM, "malloc");
		free(d);
		if (f != stdout)
			(void)fclose(f);
		return NULL;
	}
	d->f = f;
	d->owns_file = 1;	/* pcap_dump_close closes it, as libpcap does */
	d->precision = p->tstamp_precision;
	return d;
}

/* Write the file header; on failure the stream is closed (stdout kept). */
static pcap_dumper_t *
setup_dump(pcap_t *p, uint32_t linktype, FILE *f, const char *fname)
{
	if (write_file_header(p, f, linktype) < 0) {
		core_fmt_errno(p->errbuf, errno, "Can't write to %s", fname);
		if (f != stdout)
			(void)fclose(f);
		return NULL;
	}
	return new_dumper(p, f);
}

pcap_dumper_t *
pcap_dump_open(pcap_t *p, const char *fname)
{
	CORE_REQUIRE(p, NULL);
	int linktype;
	FILE *f;

	/* Before activation there is no link-layer type to write. */
	if (!p->activated) {
		core_fmt(p->errbuf, "%s: not-yet-activated pcap_t passed to "
		    "pcap_dump_open", fname != NULL ? fname : "(null)");
		return NULL;
	}
	linktype = dl_dlt_to_linktype(p->linktype);
	if (linktype == -1) {
		core_fmt(p->errbuf, "%s: link-layer type %d isn't supported in "
		    "savefiles", fname != NULL ? fname : "(null)", p->linktype);
		return NULL;
	}
	linktype |= p->linktype_ext;
	if (fname == NULL) {
		core_fmt(p->errbuf, "A null pointer was supplied as the file "
		    "name");
		return NULL;
	}
	if (fname[0] == '-' && fname[1] == '\0') {
		f = stdout;
		fname = "standard output";
	} else {
		f = fopen(fname, "wb");
		if (f == NULL) {
			core_fmt_errno(p->errbuf, errno, "%s", fname);
			return NULL;
		}
	}
	return setup_dump(p, (uint32_t)linktype, f, fname);
}

pcap_dumper_t *
pcap_dump_fopen(pcap_t *p, FILE *f)
{
	CORE_REQUIRE(p, NULL);
	int linktype = dl_dlt_to_linktype(p->linktype);

	if (linktype == -1) {
		core_fmt(p->errbuf, "stream: link-layer type %d isn't supported "
		    "in savefiles", p->linktype);
		return NULL;
	}
	if (f == NULL) {
		core_fmt(p->errbuf, "Null FILE * pointer provided to "
		    "pcap_dump_fopen");
		return NULL;
	}
	linktype |= p->linktype_ext;
	return setup_dump(p, (uint32_t)linktype, f, "stream");
}

/*
 * Check the header of a file we are about to append to; 0 if records of
 * this handle may follow it.  libpcap compares the header as raw host-order
 * words, so a file of the other byte order is refused, not converted.
 */
static int
check_append_header(pcap_t *p, const struct pcap_file_header *ph,
    uint32_t linktype, const char *fname)
{
	switch (ph->magic) {
	case MAGIC_USEC:
	case MAGIC_NSEC:
		if (ph->magic != magic_for(p->tstamp_precision)) {
			core_fmt(p->errbuf, "%s: different time stamp precision, "
			    "cannot append to file", fname);
			return -1;
		}
		break;
	case 0xd4c3b2a1u:	/* the two above, byte-swapped */
	case 0x4d3cb2a1u:
		core_fmt(p->errbuf, "%s: different byte order, cannot append "
		    "to file", fname);
		return -1;
	case MAGIC_KUZNETZOV:
	case 0x34cdb2a1u:
	case MAGIC_NAVTEL:
	case 0x4d3c2ba1u:
		core_fmt(p->errbuf, "%s: not a pcap file to which we can append",
		    fname);
		return -1;
	default:
		core_fmt(p->errbuf, "%s: not a pcap file", fname);
		return -1;
	}
	if (ph->version_major != PCAP_VERSION_MAJOR ||
	    ph->version_minor != PCAP_VERSION_MINOR) {
		core_fmt(p->errbuf, "%s: version is %u.%u, cannot append to file",
		    fname, ph->version_major, ph->version_minor);
		return -1;
	}
	if (linktype != ph->linktype) {
		core_fmt(p->errbuf, "%s: different linktype, cannot append to "
		    "file", fname);
		return -1;
	}
	if ((bpf_u_int32)p->snapshot != ph->snaplen) {
		core_fmt(p->errbuf, "%s: different snaplen, cannot append to "
		    "file", fname);
		return -1;
	}
	return 0;
}

pcap_dumper_t *
pcap_dump_open_append(pcap_t *p, const char *fname)
{
	CORE_REQUIRE(p, NULL);
	struct pcap_file_header ph;
	int linktype;
	size_t got;
	FILE *f;

	/* libpcap neither adds the FCS bits here nor checks activation. */
	linktype = dl_dlt_to_linktype(p->linktype);
	if (linktype == -1) {
		/* ... and prints the mapped value, i.e. -1. */
		core_fmt(p->errbuf, "%s: link-layer type %d isn't supported in "
		    "savefiles", fname != NULL ? fname : "(null)", linktype);
		return NULL;
	}
	if (fname == NULL) {
		core_fmt(p->errbuf, "A null pointer was supplied as the file "
		    "name");
		return NULL;
	}
	if (fname[0] == '-' && fname[1] == '\0')
		return setup_dump(p, (uint32_t)linktype, stdout,
		    "standard output");

	/* "a+": created if missing, never truncated, readable from 0. */
	f = fopen(fname, "ab+");
	if (f == NULL) {
		core_fmt_errno(p->errbuf, errno, "%s", fname);
		return NULL;
	}
	if (fseek(f, 0, SEEK_SET) == -1) {
		core_fmt_errno(p->errbuf, errno, "Can't seek to the beginning "
		    "of %s", fname);
		goto fail;
	}
	got = fread(&ph, 1, sizeof ph, f);
	if (got != sizeof ph) {
		if (ferror(f)) {
			core_fmt_errno(p->errbuf, errno, "%s", fname);
			goto fail;
		}
		if (feof(f) && got > 0) {
			core_fmt(p->errbuf, "%s: truncated pcap file header",
			    fname);
			goto fail;
		}
	}
	if (got > 0) {
		if (check_append_header(p, &ph, (uint32_t)linktype, fname) < 0)
			goto fail;
	} else if (write_file_header(p, f, (uint32_t)linktype) < 0) {
		core_fmt_errno(p->errbuf, errno, "Can't write to %s", fname);
		goto fail;
	}
	if (fseek(f, 0, SEEK_END) == -1) {
		core_fmt_errno(p->errbuf, errno, "Can't seek to the end of %s",
		    fname);
		goto fail;
	}
	return new_dumper(p, f);

fail:
	(void)fclose(f);
	return NULL;
}

void
pcap_dump(u_char *user, const struct pcap_pkthdr *h, const u_char *sp)
{
	pcap_dumper_t *d = (pcap_dumper_t *)user;
	FILE *f;
	uint32_t rec[4];

	if (!core_registry_has(d) || h == NULL || (sp == NULL && h->caplen))
		return;		/* libpcap would crash */
	f = d->f;

	/*
	 * After a failed write the file may already be broken; like
	 * libpcap, write nothing more rather than make it worse.
	 */
	if (ferror(f))
		return;
	/* pcap's fields are 32 bits: times after 2106 wrap. */
	rec[0] = (uint32_t)h->ts.tv_sec;
	rec[1] = (uint32_t)h->ts.tv_usec;
	rec[2] = h->caplen;
	rec[3] = h->len;
	if (fwrite(rec, sizeof rec, 1, f) == 1 && h->caplen != 0)
		(void)fwrite(sp, h->caplen, 1, f);
}

int
sf_dump_record(pcap_dumper_t *d, int64_t sec, uint32_t nsec,
    const u_char *data, size_t len, uint32_t wirelen, uint32_t snaplen)
{
	struct pcap_pkthdr h;

	if (sec < 0 || sec > (int64_t)UINT32_MAX)
		return SF_DUMP_TS_RANGE;
	/* Longer than the snapshot: cut, as a capture cuts it, and keep the
	   length on the wire (a caplen past the link type's maximum would
	   make the file unreadable from there on). */
	h.caplen = len > snaplen ? snaplen : (uint32_t)len;
	if (len > snaplen && wirelen < len)
		wirelen = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	h.len = wirelen;
	h.ts.tv_sec = (time_t)sec;
	h.ts.tv_usec = (suseconds_t)(d->precision == PCAP_TSTAMP_PRECISION_NANO ?
	    nsec : nsec / 1000);
	pcap_dump((u_char *)d, &h, data);
	return 0;
}

FILE *
pcap_dump_file(pcap_dumper_t *d)
{
	CORE_REQUIRE(d, NULL);
	return d->f;
}

long
pcap_dump_ftell(pcap_dumper_t *d)
{
	CORE_REQUIRE(d, PCAP_ERROR);
	return ftell(d->f);
}

int64_t
pcap_dump_ftell64(pcap_dumper_t *d)
{
	CORE_REQUIRE(d, PCAP_ERROR);
	return (int64_t)ftello(d->f);
}

int
pcap_dump_flush(pcap_dumper_t *d)
{
	CORE_REQUIRE(d, PCAP_ERROR);
	return fflush(d->f) == EOF ? -1 : 0;
}

void
pcap_dump_close(pcap_dumper_t *d)
{
	/* NULL, or closed already: a second close is a no-op. */
	if (d == NULL || !core_registry_remove(d))
		return;
	if (d->owns_file)
		(void)fclose(d->f);
	free(d);
}
