/*
 * netfilter-msg.c - the pure half of the netfilter sources: device names
 * and their group lists, the requests we send (config commands,
 * verdicts) and the walk over what the kernel sends back (netlink
 * messages, nfnetlink attributes).  No system calls here: everything works
 * on byte buffers with explicit lengths, so that the unit tests and the
 * fuzzer can feed it any bytes.  A netlink peer is treated as hostile:
 * every length is checked against what was received before it is used.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "netfilter-int.h"

static const char *const prefix[] = { "nflog", "nfqueue" };

int
nf_name_is(const char *device, enum nf_kind kind)
{
	const char *base = strrchr(device, '/');
	size_t n = strlen(prefix[kind]);

	/* libpcap looks at the last path component only. */
	base = base != NULL ? base + 1 : device;
	return strncmp(base, prefix[kind], n) == 0 &&
	    (base[n] == ':' || base[n] == '\0');
}

int
nf_parse_device(const char *device, enum nf_kind *kind,
    uint16_t groups[NF_MAX_GROUPS], char *errbuf)
{
	const char *cp;
	int count = 0;

	/* Activation looks at the whole name (create at its last part): a
	   name like "x/nflog" is claimed, then refused without a message. */
	if (strncmp(device, prefix[NF_LOG], strlen(prefix[NF_LOG])) == 0) {
		*kind = NF_LOG;
		cp = device + strlen(prefix[NF_LOG]);
	} else if (strncmp(device, prefix[NF_QUEUE],
	    strlen(prefix[NF_QUEUE])) == 0) {
		*kind = NF_QUEUE;
		cp = device + strlen(prefix[NF_QUEUE]);
	} else {
		errbuf[0] = '\0';
		return PCAP_ERROR;
	}
	if (*cp == ':')
		cp++;
	/* Numbers in any C base, separated by commas; empty items are
	   skipped; anything else left over is an error. */
	while (*cp != '\0') {
		char *end;
		long v;

		if (count == NF_MAX_GROUPS) {
			core_fmt(errbuf, "Maximum 32 netfilter groups! dev: %s",
			    device);
			return PCAP_ERROR;
		}
		errno = 0;
		v = strtol(cp, &end, 0);
		if (end != cp) {
			if (v < 0 || v > 65535) {
				core_fmt(errbuf, "Netfilter group range from 0 "
				    "to 65535 (got %ld)", v);
				return PCAP_ERROR;
			}
			groups[count++] = (uint16_t)v;
			cp = end;
		}
		if (*cp != ',')
			break;
		cp++;
	}
	if (*cp != '\0') {
		core_fmt(errbuf, "Can't get netfilter group(s) index from %s",
		    device);
		return PCAP_ERROR;
	}
	if (count == 0)
		groups[count++] = 0;
	return count;
}

static void
put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint16_t
get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

size_t
nf_build(uint8_t *buf, size_t cap, uint16_t type, uint16_t flags,
    uint32_t seq, uint8_t family, uint16_t group, uint16_t attr_type,
    const void *attr, size_t attr_len)
{
	size_t alen = 4 + attr_len;
	size_t total = NF_NLMSG_HDRLEN + NF_NFGEN_LEN + NF_ALIGN(alen);

	if (attr_len > 0xfff0 || total > cap)
		return 0;
	memset(buf, 0, total);
	/* Netlink header and attribute header: host order. */
	put32(buf, (uint32_t)total);
	put16(buf + 4, type);
	put16(buf + 6, flags);
	put32(buf + 8, seq);
	put32(buf + 12, 0);			/* to the kernel */
	buf[16] = family;
	buf[17] = 0;				/* NFNETLINK_V0 */
	put16(buf + 18, htons(group));		/* res_id: network order */
	put16(buf + 20, (uint16_t)alen);
	put16(buf + 22, attr_type);
	if (attr_len > 0)
		memcpy(buf + 24, attr, attr_len);
	return total;
}

long
nf_next_msg(const uint8_t *buf, size_t len, struct nf_msg *m)
{
	uint32_t mlen;
	size_t step;

	if (len < NF_NLMSG_HDRLEN)
		return 0;
	mlen = get32(buf);
	if (mlen < NF_NLMSG_HDRLEN || mlen > len)
		return -1;
	m->type = get16(buf + 4);
	m->flags = get16(buf + 6);
	m->seq = get32(buf + 8);
	m->data = buf + NF_NLMSG_HDRLEN;
	m->data_len = mlen - NF_NLMSG_HDRLEN;
	/* The last message of a datagram may lack its padding. */
	step = NF_ALIGN((size_t)mlen);
	if (step > len)
		step = len;
	return (long)step;
}

int
nf_ack_error(const struct nf_msg *m)
{
	int32_t code;

	/* struct nlmsgerr: the error code, then (at least) the request's
	   header, which we do not need: as libpcap, ask for the code only. */
	if (m->data_len < 4)
		return EBADMSG;
	memcpy(&code, m->data, 4);
	if (code > 0 || code == INT32_MIN)
		return EBADMSG;		/* not what a kernel sends */
	return -code;
}

int
nf_parse_packet(const uint8_t *data, size_t len, enum nf_kind kind,
    struct nf_packet *pk)
{
	size_t off = NF_NFGEN_LEN;
	uint16_t payload_type = kind == NF_QUEUE ? NF_QA_PAYLOAD :
	    NF_ULA_PAYLOAD;

	memset(pk, 0, sizeof *pk);
	if (len < NF_NFGEN_LEN)
		return -1;
	pk->res_id = ntohs(get16(data + 2));
	/* Attribute header: u16 length (header included), u16 type whose
	   top bit says "nested" (masked as libpcap does); the next one
	   starts at the length rounded up to 4. */
	while (len - off >= 4) {
		uint16_t alen = get16(data + off);
		uint16_t atype = get16(data + off + 2) & 0x7fff;
		const uint8_t *val = data + off + 4;

		if (alen < 4 || alen > len - off)
			break;
		if (atype == payload_type) {
			pk->payload = val;
			pk->payload_len = (size_t)alen - 4;
		} else if (kind == NF_QUEUE && atype == NF_QA_PACKET_HDR &&
		    alen >= 8) {
			pk->packet_id = ntohl(get32(val));
		}
		if (NF_ALIGN((size_t)alen) >= len - off)
			break;
		off += NF_ALIGN((size_t)alen);
	}
	return 0;
}
