/*
 * vm.h - the BPF engine's internal interface, shared by the files of bpf/
 * and offered to the core.
 *
 * Three ways to run a classic BPF program:
 *   - bpf_filter()/vm_filter() interpret the raw instructions as they are
 *     (libpcap's API: no program length, nothing decoded in advance);
 *   - vm_filter_aux() is the same with Linux auxiliary data (the VLAN tag
 *     the kernel stripped from a frame), as libpcap's Linux capture uses;
 *   - vm_prog_new()/vm_prog_run() validate and translate a program once
 *     into a predecoded form (absolute jump targets, precomputed bounds,
 *     fused load+compare pairs) and then run that per packet: the fast
 *     path for a filter installed on a handle.
 * All of them give the same result on every program bpf_validate()
 * accepts; see docs/bpf-differences.md for where that verdict departs
 * from libpcap 1.10's.
 */
#ifndef PCAP_BPF_VM_H
#define PCAP_BPF_VM_H

#include <stdint.h>
#include <stdio.h>

#include <pcap/bpf.h>
#include "pcap-int.h"

/*
 * Linux "special" load offsets (SKF_AD_OFF + SKF_AD_*), as the kernel's
 * linux/filter.h numbers them.  The printer names all of them; the
 * interpreters give the ones pcap_compile emits on a live Linux handle
 * (protocol, packet type, interface index, VLAN tag and tag-present) from
 * the auxiliary data of a capture, whatever the load's size, as the
 * kernel does.
 */
#define VM_SKF_AD_OFF			0xfffff000u
#define VM_SKF_AD_PROTOCOL		(VM_SKF_AD_OFF + 0u)
#define VM_SKF_AD_PKTTYPE		(VM_SKF_AD_OFF + 4u)
#define VM_SKF_AD_IFINDEX		(VM_SKF_AD_OFF + 8u)
#define VM_SKF_AD_VLAN_TAG		(VM_SKF_AD_OFF + 44u)
#define VM_SKF_AD_VLAN_TAG_PRESENT	(VM_SKF_AD_OFF + 48u)

/* Number of backward jumps one run may take before the packet is
   rejected: libpcap master's bound, which keeps every program finite. */
#define VM_MAX_BACKWARD_JUMPS 64u

/* Auxiliary data of a Linux capture: what the kernel knows of a frame
   besides its bytes (the fields of its sockaddr_ll and the VLAN tag it
   stripped), for the SKF_AD_ loads. */
struct vm_aux_data {
	uint16_t vlan_tag;		/* TCI as the kernel reported it */
	uint16_t vlan_tag_present;	/* 1 if the frame had a tag */
	uint16_t pkttype;		/* PACKET_HOST, PACKET_OUTGOING, ... */
	uint16_t protocol;		/* EtherType, host byte order */
	uint32_t ifindex;		/* interface the frame came on */
};

/*
 * The value of an ancillary load at offset k, if aux has it: 1 and *v set,
 * or 0 (no aux data, or an offset it does not hold): the load is then an
 * ordinary one, which no packet is long enough for.  One exception, kept
 * from libpcap's interpreter: a byte load of a VLAN offset without aux
 * data rejects the packet whatever the buffer length (vm_aux_vlan).
 */
static inline int
vm_aux_load(const struct vm_aux_data *aux, uint32_t k, uint32_t *v)
{
	if (aux == NULL)
		return 0;
	switch (k) {
	case VM_SKF_AD_PROTOCOL:	*v = aux->protocol; return 1;
	case VM_SKF_AD_PKTTYPE:		*v = aux->pkttype; return 1;
	case VM_SKF_AD_IFINDEX:		*v = aux->ifindex; return 1;
	case VM_SKF_AD_VLAN_TAG:	*v = aux->vlan_tag; return 1;
	case VM_SKF_AD_VLAN_TAG_PRESENT: *v = aux->vlan_tag_present; return 1;
	default:			return 0;
	}
}

static inline int
vm_aux_vlan(uint32_t k)
{
	return k == VM_SKF_AD_VLAN_TAG || k == VM_SKF_AD_VLAN_TAG_PRESENT;
}

/* Big-endian loads from packet bytes of any alignment. */
static inline uint32_t
vm_ld32(const u_char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline uint32_t
vm_ld16(const u_char *p)
{
	return ((uint32_t)p[0] << 8) | (uint32_t)p[1];
}

/*
 * cond ? a : b without a branch (cond is 0 or 1).  The interpreters select
 * return values this way: a branch on the packet's contents is the one
 * thing a branch predictor cannot learn.  Compilers turn a plain ?: of two
 * loads into a branch, so x86-64 gets its conditional move spelled out.
 */
static inline uint32_t
vm_select(int cond, uint32_t a, uint32_t b)
{
#if defined(__x86_64__) && defined(__GNUC__)
	__asm__("testl %1, %1\n\tcmovnel %2, %0"
		: "+r"(b) : "r"(cond), "rm"(a) : "cc");
	return b;
#else
	uint32_t mask = 0u - (uint32_t)cond;

	return (a & mask) | (b & ~mask);
#endif
}

/*
 * The interpreters dispatch through tables of label addresses (GNU C
 * computed goto): one indirect jump per instruction, each from its own
 * site, which branch predictors handle better than one shared switch.
 * A 256-entry table starts from a default entry that the defined opcodes
 * then override; the override warning is silenced for that table only.
 */
#if defined(__clang__)
#define VM_TABLE_DEFAULTS_BEGIN \
	_Pragma("clang diagnostic push") \
	_Pragma("clang diagnostic ignored \"-Winitializer-overrides\"")
#define VM_TABLE_DEFAULTS_END _Pragma("clang diagnostic pop")
#else
#define VM_TABLE_DEFAULTS_BEGIN \
	_Pragma("GCC diagnostic push") \
	_Pragma("GCC diagnostic ignored \"-Woverride-init\"")
#define VM_TABLE_DEFAULTS_END _Pragma("GCC diagnostic pop")
#endif

/*
 * Attributes of an interpreter function.  noinline: a function whose label
 * addresses sit in a static table must exist exactly once.  With GCC,
 * no-crossjumping keeps each handler's own dispatch jump: merged into one
 * shared jump, every dispatch would look alike to the branch predictor.
 * aligned(64): where the handlers fall relative to cache lines changes the
 * speed by several per cent; aligned, the function runs the same however
 * the objects are linked (in the library, the extension, the benchmark).
 */
#if defined(__clang__) || !defined(__GNUC__)
#define VM_INTERPRETER __attribute__((noinline, aligned(64)))
#else
#define VM_INTERPRETER \
	__attribute__((noinline, aligned(64), optimize("no-crossjumping")))
#endif

/* Opcode table: nonzero for the 49 opcodes the machine defines. */
INTERNAL extern const uint8_t vm_known_code[256];

static inline int
vm_code_known(u_short code)
{
	return code < 256 && vm_known_code[code] != 0;
}

/*
 * The validator (bpf_validate is this without the words): 1 if insns[0..len)
 * may run, else 0 with the reason in why[0..size) when why is not NULL,
 * naming the instruction ("instruction 3: jump target 9 is outside the
 * program (5 instructions)", "the program is empty").
 */
INTERNAL int vm_check(const struct bpf_insn *insns, u_int len, char *why,
		      size_t size);

/*
 * Program text (text.c): the reader of tcpdump's -ddd ("count" line, then
 * "code jt jf k" in decimal) and -dd ("{ code, jt, jf, k }," in decimal or
 * 0x hex) listings, the two bpf_dump prints that can be read back.
 */
enum vm_text_format {
	VM_TEXT_DDD,
	VM_TEXT_DD
};

enum vm_text_status {
	VM_TEXT_OK = 0,
	VM_TEXT_SYNTAX = -1,	/* malformed; the message names the line */
	VM_TEXT_TOO_LONG = -2,	/* more than the caller's maximum */
	VM_TEXT_NOMEM = -3
};

/*
 * Read text[0..len) (need not be NUL-terminated; a NUL byte is a syntax
 * error) in format fmt.  On VM_TEXT_OK, *insnsp is a malloc'ed array of *np
 * instructions (NULL when there are none; free() it); they are not
 * validated.  Otherwise nothing is allocated and, for VM_TEXT_SYNTAX, err
 * says what is wrong ("line 3: k is out of range (0..4294967295)").
 */
INTERNAL enum vm_text_status vm_text_read(const char *text, size_t len,
    enum vm_text_format fmt, size_t max_insns, struct bpf_insn **insnsp,
    size_t *np, char *err, size_t errsize);

/*
 * bpf_filter with auxiliary data; aux may be NULL (the VLAN loads then
 * reject the packet, as libpcap's do without aux data).  Like bpf_filter it
 * trusts pc to be a program bpf_validate accepts.
 */
INTERNAL u_int vm_filter_aux(const struct bpf_insn *pc, const u_char *p,
			     u_int wirelen, u_int buflen,
			     const struct vm_aux_data *aux);

/*
 * bpf_dump's text (option as for bpf_dump) written to f instead of stdout:
 * n instructions, n as libpcap takes it from bf_len (an int).
 */
INTERNAL void vm_dump(FILE *f, const struct bpf_insn *insns, int n, int option);

/* A validated, predecoded program; owned by whoever vm_prog_new'ed it. */
struct vm_prog;

/*
 * Validate insns[0..len) and predecode it.  Returns NULL with errno EINVAL
 * if bpf_validate rejects the program, ENOMEM if memory ran out.  The
 * result does not point into insns: the caller may free them.
 */
INTERNAL struct vm_prog *vm_prog_new(const struct bpf_insn *insns, u_int len);
INTERNAL void vm_prog_free(struct vm_prog *prog);

/* Run prog over one packet: the same result bpf_filter gives. */
INTERNAL u_int vm_prog_run(const struct vm_prog *prog, const u_char *p,
			   u_int wirelen, u_int buflen);
INTERNAL u_int vm_prog_run_aux(const struct vm_prog *prog, const u_char *p,
			       u_int wirelen, u_int buflen,
			       const struct vm_aux_data *aux);

#endif /* PCAP_BPF_VM_H */
