/*
 * fuzz_netfilter.c - libFuzzer harness for the netfilter sources' message
 * walker (capture/netfilter-msg.c), which reads what a netlink peer sends.
 *
 * The input is one datagram as recv() would hand it.  It is copied into a
 * buffer of exactly its length and walked as the live read walks it:
 * message by message, each packet message's attributes parsed for nflog
 * and for nfqueue, each ack's error code read, every payload's bytes
 * touched.  Any read outside the datagram shows up under ASan; the walk
 * must end (every step moves forward) and never report a payload outside
 * the message it came from.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/netfilter-int.h"

static volatile unsigned sink;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	size_t off = 0;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	while (off < size) {
		struct nf_msg m;
		struct nf_packet pk;
		long step = nf_next_msg(buf + off, size - off, &m);

		if (step <= 0)
			break;
		if ((size_t)step > size - off)
			__builtin_trap();
		off += (size_t)step;
		sink += (unsigned)nf_ack_error(&m);
		for (int kind = NF_LOG; kind <= NF_QUEUE; kind++) {
			if (nf_parse_packet(m.data, m.data_len, (enum nf_kind)kind,
			    &pk) != 0)
				continue;
			if (pk.payload != NULL) {
				if (pk.payload < m.data ||
				    pk.payload + pk.payload_len > m.data + m.data_len)
					__builtin_trap();
				for (size_t i = 0; i < pk.payload_len; i++)
					sink += pk.payload[i];
			}
			sink += pk.packet_id + pk.res_id;
		}
	}
	free(buf);
	return 0;
}
