/*
 * gen-prologue.c - the code that runs once at the start of a program to
 * compute header positions only known per packet: the length of a radio
 * header in front of an 802.11 frame (Prism/AVS, radiotap, PPI), the
 * length of the 802.11 MAC header itself (QoS field, Atheros padding), and
 * the zeroed vlan offsets of the Linux-extension vlan form.
 *
 * Loads anywhere in the program refer to these positions through scratch
 * registers (gen_abs_offset_varpart assigns one the first time a header
 * with a variable position is used); gen_finish then calls
 * gen_insert_prologue, which emits code only for the registers that were
 * actually assigned.  Some of these sequences contain jumps inside a
 * statement list, which the optimizer cannot handle, so they turn it off
 * for the compile (as libpcap does).
 */
#include "gen-int.h"

/* Byte-swapped 32-bit constant: radiotap fields are little-endian but
   BPF loads words big-endian. */
static bpf_u_int32
swap32(bpf_u_int32 v)
{
	return (v & 0xff) << 24 | (v & 0xff00) << 8 | (v >> 8 & 0xff00) |
	    (v >> 24 & 0xff);
}

/* Append a statement to list s (NULL: start one); returns the new one. */
static struct slist *
add(struct slist **list, struct slist *s)
{
	if (*list == NULL)
		*list = s;
	else
		cc_sappend(*list, s);
	return s;
}

/* "store A in the link-header register, X = A": every prefix loader
   ends this way. */
static void
store_prefix_len(struct cc *cc, struct slist **list)
{
	add(list, cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)GS(cc)->off_linkhdr.reg));
	add(list, cc_new_stmt(cc, BPF_MISC | BPF_TAX));
}

/* Prism header, or an AVS header (cookie 0x80211xxx) on drivers that
   claim Prism but send AVS. */
static struct slist *
prism_prefix(struct cc *cc)
{
	struct slist *list = NULL, *is_avs, *skip, *prism_len, *st;

	add(&list, cc_new_stmt_k(cc, BPF_LD | BPF_W | BPF_ABS, 0));
	add(&list, cc_new_stmt_k(cc, BPF_ALU | BPF_AND | BPF_K, 0xfffff000U));
	is_avs = add(&list, cc_new_stmt_k(cc, BPF_JMP | BPF_JEQ | BPF_K, 0x80211000U));
	is_avs->s.jt = add(&list, cc_new_stmt_k(cc, BPF_LD | BPF_W | BPF_ABS, 4));
	skip = add(&list, cc_new_stmt_k(cc, BPF_JMP | BPF_JA | BPF_K, 1));
	prism_len = add(&list, cc_new_stmt_k(cc, BPF_LD | BPF_W | BPF_IMM, 144));
	is_avs->s.jf = prism_len;
	st = add(&list, cc_new_stmt_k(cc, BPF_ST,
	    (bpf_u_int32)GS(cc)->off_linkhdr.reg));
	skip->s.jf = st;
	add(&list, cc_new_stmt(cc, BPF_MISC | BPF_TAX));
	return list;
}

/* AVS: big-endian header length at offset 4. */
static struct slist *
avs_prefix(struct cc *cc)
{
	struct slist *list = NULL;

	add(&list, cc_new_stmt_k(cc, BPF_LD | BPF_W | BPF_ABS, 4));
	store_prefix_len(cc, &list);
	return list;
}

/* Radiotap and PPI: little-endian 16-bit length at offset 2. */
static struct slist *
le16_len_prefix(struct cc *cc)
{
	struct slist *list = NULL;

	add(&list, cc_new_stmt_k(cc, BPF_LD | BPF_B | BPF_ABS, 3));
	add(&list, cc_new_stmt_k(cc, BPF_ALU | BPF_LSH | BPF_K, 8));
	add(&list, cc_new_stmt(cc, BPF_MISC | BPF_TAX));
	add(&list, cc_new_stmt_k(cc, BPF_LD | BPF_B | BPF_ABS, 2));
	add(&list, cc_new_stmt(cc, BPF_ALU | BPF_OR | BPF_X));
	store_prefix_len(cc, &list);
	return list;
}

/*
 * The offset of the 802.11 payload: link header + 24, + 2 for a QoS data
 * frame, rounded up to 4 when radiotap says the driver padded the header.
 * s (may be NULL) leaves the link-header offset in X; next is the first
 * statement of the program proper, where the checks exit to.
 */
static struct slist *
wlan_header_len(struct cc *cc, struct slist *s, struct slist *next)
{
	struct gen_state *gs = GS(cc);
	bpf_u_int32 plreg = (bpf_u_int32)gs->off_linkpl.reg;
	struct slist *data1, *data2, *qos;

	if (gs->off_linkpl.reg == -1)
		return s;	/* nothing uses the payload offset */
	cc->no_optimize = 1;

	if (s == NULL)
		add(&s, cc_new_stmt_k(cc, BPF_LDX | BPF_IMM,
		    gs->off_outermostlinkhdr.constant_part));
	add(&s, cc_new_stmt(cc, BPF_MISC | BPF_TXA));
	add(&s, cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, 24));
	add(&s, cc_new_stmt_k(cc, BPF_ST, plreg));
	add(&s, cc_new_stmt_k(cc, BPF_LD | BPF_IND | BPF_B, 0));

	/* Data frame: type bits 0x08 set and 0x04 clear. */
	data1 = add(&s, cc_new_stmt_k(cc, BPF_JMP | BPF_JSET | BPF_K, 0x08));
	data2 = add(&s, cc_new_stmt_k(cc, BPF_JMP | BPF_JSET | BPF_K, 0x04));
	data1->s.jt = data2;
	data1->s.jf = next;
	qos = add(&s, cc_new_stmt_k(cc, BPF_JMP | BPF_JSET | BPF_K, 0x80));
	data2->s.jt = next;
	data2->s.jf = qos;

	/* QoS subtype: skip the 2-byte QoS control field. */
	qos->s.jt = add(&s, cc_new_stmt_k(cc, BPF_LD | BPF_MEM, plreg));
	add(&s, cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, 2));
	add(&s, cc_new_stmt_k(cc, BPF_ST, plreg));

	if (gs->linktype == DLT_IEEE802_11_RADIO) {
		struct slist *flags, *ext, *tsft, *pad_tsft, *pad_notsft;
		struct slist *roundup;

		/* Only a single presence word is examined. */
		qos->s.jf = add(&s, cc_new_stmt_k(cc, BPF_LD | BPF_ABS | BPF_W, 4));
		flags = add(&s, cc_new_stmt_k(cc, BPF_JMP | BPF_JSET | BPF_K,
		    swap32(0x00000002)));
		flags->s.jf = next;
		ext = add(&s, cc_new_stmt_k(cc, BPF_JMP | BPF_JSET | BPF_K,
		    swap32(0x80000000U)));
		flags->s.jt = ext;
		ext->s.jt = next;
		tsft = add(&s, cc_new_stmt_k(cc, BPF_JMP | BPF_JSET | BPF_K,
		    swap32(0x00000001)));
		ext->s.jf = tsft;

		/* The flags byte follows the TSFT field when present. */
		tsft->s.jt = add(&s, cc_new_stmt_k(cc, BPF_LD | BPF_ABS | BPF_B, 16));
		pad_tsft = add(&s, cc_new_stmt_k(cc, BPF_JMP | BPF_JSET | BPF_K,
		    0x20));
		tsft->s.jf = add(&s, cc_new_stmt_k(cc, BPF_LD | BPF_ABS | BPF_B, 8));
		pad_notsft = add(&s, cc_new_stmt_k(cc, BPF_JMP | BPF_JSET | BPF_K,
		    0x20));

		roundup = add(&s, cc_new_stmt_k(cc, BPF_LD | BPF_MEM, plreg));
		add(&s, cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, 3));
		add(&s, cc_new_stmt_k(cc, BPF_ALU | BPF_AND | BPF_K, ~(bpf_u_int32)3));
		add(&s, cc_new_stmt_k(cc, BPF_ST, plreg));

		pad_tsft->s.jt = roundup;
		pad_tsft->s.jf = next;
		pad_notsft->s.jt = roundup;
		pad_notsft->s.jf = next;
	} else {
		qos->s.jf = next;
	}
	return s;
}

void
gen_insert_prologue(struct cc *cc, struct block *b)
{
	struct gen_state *gs = GS(cc);
	struct slist *s = NULL;

	/* The payload offset is computed from the link-header offset, so the
	   latter needs a register whenever the former has one. */
	if (gs->off_linkpl.reg != -1 && gs->off_linkhdr.is_variable &&
	    gs->off_linkhdr.reg == -1)
		gs->off_linkhdr.reg = gen_alloc_reg(cc);

	/* libpcap turns the optimizer off for Prism even when no register
	   was needed. */
	if (gs->outermostlinktype == DLT_PRISM_HEADER)
		cc->no_optimize = 1;
	if (gs->off_linkhdr.reg != -1) {
		switch (gs->outermostlinktype) {
		case DLT_PRISM_HEADER:
			s = prism_prefix(cc);
			break;
		case DLT_IEEE802_11_RADIO_AVS:
			s = avs_prefix(cc);
			break;
		case DLT_IEEE802_11_RADIO:
		case DLT_PPI:
			s = le16_len_prefix(cc);
			break;
		default:
			break;
		}
	}

	/* pflog: the header length byte, rounded up to a multiple of 4. */
	if (gs->outermostlinktype == DLT_PFLOG && gs->off_linkpl.reg != -1) {
		add(&s, cc_new_stmt_k(cc, BPF_LD | BPF_B | BPF_ABS, 0));
		add(&s, cc_new_stmt_k(cc, BPF_ALU | BPF_ADD | BPF_K, 3));
		add(&s, cc_new_stmt_k(cc, BPF_ALU | BPF_AND | BPF_K, ~(bpf_u_int32)3));
		add(&s, cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)gs->off_linkpl.reg));
		add(&s, cc_new_stmt(cc, BPF_MISC | BPF_TAX));
	}

	switch (gs->outermostlinktype) {
	case DLT_IEEE802_11:
	case DLT_PRISM_HEADER:
	case DLT_IEEE802_11_RADIO_AVS:
	case DLT_IEEE802_11_RADIO:
	case DLT_PPI:
		s = wlan_header_len(cc, s, b->stmts);
		break;
	default:
		break;
	}

	/* Linux-extension vlan: the offsets start at 0 and grow per tag. */
	if (s == NULL && gs->is_vlan_vloffset) {
		if (gs->off_linkpl.reg == -1)
			gs->off_linkpl.reg = gen_alloc_reg(cc);
		if (gs->off_linktype.reg == -1)
			gs->off_linktype.reg = gen_alloc_reg(cc);
		add(&s, cc_new_stmt_k(cc, BPF_LD | BPF_W | BPF_IMM, 0));
		add(&s, cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)gs->off_linkpl.reg));
		add(&s, cc_new_stmt_k(cc, BPF_ST, (bpf_u_int32)gs->off_linktype.reg));
	}

	if (s != NULL) {
		cc_sappend(s, b->stmts);
		b->stmts = s;
	}
}
