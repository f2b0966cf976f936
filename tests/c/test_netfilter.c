/*
 * test_netfilter.c - unit tests of the netfilter sources' pure code
 * (capture/netfilter-msg.c), runnable without root: device names and
 * their group lists with libpcap's messages, the requests we build, and
 * the walk over kernel messages, including truncated and malformed ones
 * (every case runs on a buffer of exactly its length, so ASan sees any
 * read past it).  Live behaviour is tested by tests/test_netfilter.py.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "pcap-int.h"
#include "../capture/netfilter-int.h"
#include "check.h"

static void
test_names(void)
{
	CHECK(nf_name_is("nflog", NF_LOG));
	CHECK(nf_name_is("nflog:5", NF_LOG));
	CHECK(nf_name_is("a/b/nflog:5", NF_LOG));
	CHECK(!nf_name_is("nflogx", NF_LOG));
	CHECK(!nf_name_is("nflog:5/eth0", NF_LOG));
	CHECK(!nf_name_is("nfqueue", NF_LOG));
	CHECK(nf_name_is("nfqueue", NF_QUEUE));
	CHECK(nf_name_is("nfqueue:3,4", NF_QUEUE));
	CHECK(!nf_name_is("nfqueue3", NF_QUEUE));
	CHECK(!nf_name_is("eth0", NF_QUEUE));
	CHECK(!nf_name_is("", NF_QUEUE));
}

static void
test_groups(void)
{
	char errbuf[PCAP_ERRBUF_SIZE], name[512];
	uint16_t g[NF_MAX_GROUPS];
	enum nf_kind k;
	int n, i;

	CHECK_INT(nf_parse_device("nflog", &k, g, errbuf), 1);
	CHECK_INT(k, NF_LOG);
	CHECK_INT(g[0], 0);
	CHECK_INT(nf_parse_device("nflog:", &k, g, errbuf), 1);
	CHECK_INT(g[0], 0);
	n = nf_parse_device("nfqueue:1,2,0x10,010", &k, g, errbuf);
	CHECK_INT(n, 4);
	CHECK_INT(k, NF_QUEUE);
	CHECK_INT(g[2], 16);
	CHECK_INT(g[3], 8);
	CHECK_INT(nf_parse_device("nflog:,5", &k, g, errbuf), 1);
	CHECK_INT(g[0], 5);
	CHECK_INT(nf_parse_device("nflog:5,", &k, g, errbuf), 1);
	CHECK_INT(nf_parse_device("nflog:65535", &k, g, errbuf), 1);
	CHECK_INT(g[0], 65535);

	CHECK_INT(nf_parse_device("nflog:70000", &k, g, errbuf), PCAP_ERROR);
	CHECK_STR(errbuf, "Netfilter group range from 0 to 65535 (got 70000)");
	CHECK_INT(nf_parse_device("nfqueue:-1", &k, g, errbuf), PCAP_ERROR);
	CHECK_STR(errbuf, "Netfilter group range from 0 to 65535 (got -1)");
	CHECK_INT(nf_parse_device("nflog:abc", &k, g, errbuf), PCAP_ERROR);
	CHECK_STR(errbuf, "Can't get netfilter group(s) index from nflog:abc");
	CHECK_INT(nf_parse_device("nflog:5x", &k, g, errbuf), PCAP_ERROR);
	CHECK_STR(errbuf, "Can't get netfilter group(s) index from nflog:5x");
	/* Activation reads after the prefix without a ':' too (create has
	   already refused such a name, so only a direct call sees this). */
	CHECK_INT(nf_parse_device("nflog5", &k, g, errbuf), 1);
	CHECK_INT(g[0], 5);

	/* 32 numbers are fine, a 33rd is not. */
	strcpy(name, "nflog:");
	for (i = 0; i < 32; i++)
		sprintf(name + strlen(name), "%d,", i);
	CHECK_INT(nf_parse_device(name, &k, g, errbuf), 32);
	CHECK_INT(g[31], 31);
	strcat(name, "32");
	CHECK_INT(nf_parse_device(name, &k, g, errbuf), PCAP_ERROR);
	CHECK(strncmp(errbuf, "Maximum 32 netfilter groups! dev: nflog:0,1,", 44) == 0);

	/* Not ours at all: refused with no message. */
	errbuf[0] = 'x';
	CHECK_INT(nf_parse_device("x/nflog", &k, g, errbuf), PCAP_ERROR);
	CHECK_STR(errbuf, "");
}

static void
test_build(void)
{
	uint8_t buf[64], cmd = NF_CMD_BIND;
	uint32_t v32;
	uint16_t v16;
	size_t n;

	n = nf_build(buf, sizeof buf, NF_TYPE_ULOG_CONFIG, 5, 77, 0, 6,
	    NF_CFG_CMD, &cmd, 1);
	CHECK_INT(n, 28);		/* 16 + 4 + align(5) */
	memcpy(&v32, buf, 4);
	CHECK_INT(v32, 28);
	memcpy(&v16, buf + 4, 2);
	CHECK_INT(v16, 0x0401);
	memcpy(&v32, buf + 8, 4);
	CHECK_INT(v32, 77);
	CHECK_INT(buf[18], 0);
	CHECK_INT(buf[19], 6);		/* res_id big-endian */
	memcpy(&v16, buf + 20, 2);
	CHECK_INT(v16, 5);		/* attribute length without padding */
	CHECK_INT(buf[24], NF_CMD_BIND);
	CHECK_INT(buf[25] | buf[26] | buf[27], 0);
	CHECK_INT(nf_build(buf, 27, NF_TYPE_ULOG_CONFIG, 5, 77, 0, 6,
	    NF_CFG_CMD, &cmd, 1), 0);
}

/* A message of the given type: header, nfgenmsg, then body bytes. */
static size_t
msg(uint8_t *out, uint16_t type, uint16_t res_id, const uint8_t *body,
    size_t blen)
{
	uint32_t len = (uint32_t)(NF_NLMSG_HDRLEN + NF_NFGEN_LEN + blen);
	uint16_t rid = htons(res_id);

	memset(out, 0, NF_NLMSG_HDRLEN + NF_NFGEN_LEN);
	memcpy(out, &len, 4);
	memcpy(out + 4, &type, 2);
	out[16] = 2;
	memcpy(out + 18, &rid, 2);
	memcpy(out + 20, body, blen);
	return len;
}

static size_t
attr(uint8_t *out, uint16_t type, const void *val, size_t vlen)
{
	uint16_t l = (uint16_t)(4 + vlen);

	memcpy(out, &l, 2);
	memcpy(out + 2, &type, 2);
	memcpy(out + 4, val, vlen);
	memset(out + 4 + vlen, 0, NF_ALIGN(l) - l);
	return NF_ALIGN(l);
}

/* Run the walk on a heap copy of exactly len bytes. */
static long
next_exact(const uint8_t *src, size_t len, struct nf_msg *m, uint8_t **copy)
{
	*copy = malloc(len ? len : 1);
	memcpy(*copy, src, len);
	return nf_next_msg(*copy, len, m);
}

static void
test_messages(void)
{
	uint8_t body[256], buf[512], *copy;
	uint8_t hdr[7] = { 0, 0, 0, 42, 0x08, 0x00, 3 };
	const uint8_t ip[6] = { 0x45, 0, 0, 6, 1, 2 };
	struct nf_packet pk;
	struct nf_msg m;
	size_t b = 0, n;
	long step;

	b += attr(body + b, NF_QA_PACKET_HDR, hdr, sizeof hdr);
	b += attr(body + b, NF_QA_PAYLOAD, ip, sizeof ip);
	n = msg(buf, NF_TYPE_QUEUE_PACKET, 3, body, b);

	step = next_exact(buf, n, &m, &copy);
	CHECK_INT(step, (long)n);
	CHECK_INT(m.type, NF_TYPE_QUEUE_PACKET);
	CHECK_INT(m.data_len, n - 16);
	CHECK_INT(nf_parse_packet(m.data, m.data_len, NF_QUEUE, &pk), 0);
	CHECK_INT(pk.res_id, 3);
	CHECK_INT(pk.packet_id, 42);
	CHECK_INT(pk.payload_len, 6);
	CHECK(pk.payload != NULL && memcmp(pk.payload, ip, 6) == 0);
	/* The same bytes read as nflog: no nflog payload attribute (9). */
	CHECK_INT(nf_parse_packet(m.data, m.data_len, NF_LOG, &pk), 0);
	CHECK(pk.payload == NULL);
	free(copy);

	/* Every truncation of the datagram: never a read past the end. */
	for (size_t cut = 0; cut < n; cut++) {
		step = next_exact(buf, cut, &m, &copy);
		CHECK(step == (cut < 16 ? 0 : -1));
		free(copy);
		copy = malloc(cut ? cut : 1);
		memcpy(copy, buf + 16, cut > 16 ? cut - 16 : 0);
		if (cut >= 16) {
			int rc = nf_parse_packet(copy, cut - 16, NF_QUEUE, &pk);
			CHECK_INT(rc, cut - 16 < 4 ? -1 : 0);
			if (rc == 0 && pk.payload != NULL)
				CHECK(pk.payload + pk.payload_len <= copy + cut - 16);
		}
		free(copy);
	}

	/* Header length below 16, or past the buffer. */
	{
		uint8_t bad[20] = { 0 };
		uint32_t l = 15;

		memcpy(bad, &l, 4);
		CHECK_INT(nf_next_msg(bad, sizeof bad, &m), -1);
		l = 21;
		memcpy(bad, &l, 4);
		CHECK_INT(nf_next_msg(bad, sizeof bad, &m), -1);
		l = 18;		/* unpadded last message: step stops at the end */
		memcpy(bad, &l, 4);
		CHECK_INT(nf_next_msg(bad, 18, &m), 18);
		CHECK_INT(nf_next_msg(bad, 20, &m), 20);
	}

	/* Attributes: length 0, 3, past the end, huge: the walk stops. */
	{
		static const uint16_t lens[] = { 0, 3, 9, 0xffff };

		for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
			uint8_t d[12] = { 2, 0, 0, 5 };
			uint16_t t = NF_ULA_PAYLOAD;

			memcpy(d + 4, &lens[i], 2);
			memcpy(d + 6, &t, 2);
			CHECK_INT(nf_parse_packet(d, 8, NF_LOG, &pk), 0);
			CHECK(pk.payload == NULL);
			CHECK_INT(pk.res_id, 5);
		}
	}
	/* A payload attribute of length 4 is an empty packet; a short
	   nfqueue packet header is not read. */
	{
		uint8_t d[16] = { 2, 0, 0, 1 };
		uint16_t l = 4, t = NF_ULA_PAYLOAD;

		memcpy(d + 4, &l, 2);
		memcpy(d + 6, &t, 2);
		CHECK_INT(nf_parse_packet(d, 8, NF_LOG, &pk), 0);
		CHECK(pk.payload != NULL);
		CHECK_INT(pk.payload_len, 0);
		l = 7;
		t = NF_QA_PACKET_HDR;
		memcpy(d + 4, &l, 2);
		memcpy(d + 6, &t, 2);
		d[8] = 0xff;
		CHECK_INT(nf_parse_packet(d, 12, NF_QUEUE, &pk), 0);
		CHECK_INT(pk.packet_id, 0);
		/* The nested bit is masked off the type. */
		l = 5;
		t = NF_ULA_PAYLOAD | 0x8000;
		memcpy(d + 4, &l, 2);
		memcpy(d + 6, &t, 2);
		CHECK_INT(nf_parse_packet(d, 9, NF_LOG, &pk), 0);
		CHECK_INT(pk.payload_len, 1);
	}
}

static void
test_acks(void)
{
	uint8_t d[20] = { 0 };
	struct nf_msg m = { 2, 0, 1, d, 20 };
	int32_t code = -EPERM;

	memcpy(d, &code, 4);
	CHECK_INT(nf_ack_error(&m), EPERM);
	code = 0;
	memcpy(d, &code, 4);
	CHECK_INT(nf_ack_error(&m), 0);
	m.data_len = 3;
	CHECK_INT(nf_ack_error(&m), EBADMSG);
	m.data_len = 4;
	code = 5;
	memcpy(d, &code, 4);
	CHECK_INT(nf_ack_error(&m), EBADMSG);
	code = INT32_MIN;
	memcpy(d, &code, 4);
	CHECK_INT(nf_ack_error(&m), EBADMSG);
}

int
main(void)
{
	test_names();
	test_groups();
	test_build();
	test_messages();
	test_acks();
	return check_status("test_netfilter");
}
