/*
 * text.c - reading BPF programs back from the text bpf_dump prints:
 * tcpdump -ddd (the instruction count on a line of its own, then
 * "code jt jf k" in decimal, one instruction per line) and tcpdump -dd
 * ("{ code, jt, jf, k }," per line, numbers in decimal or 0x hexadecimal,
 * the final comma optional).  Blank lines are allowed anywhere; blanks are
 * spaces, tabs, CR, VT and FF, so CRLF text reads too.
 *
 * The reader is strict where a lenient one would guess: a number with a
 * leading 0 in -dd text (C would read it as octal) is refused, "1 23" is
 * not "123", a field out of its range is an error naming the line and the
 * field, and a -ddd count that disagrees with the lines that follow is an
 * error.  It only reads: the program is validated by whoever uses it
 * (vm_check says why one is invalid).
 */
#include <stdlib.h>
#include <string.h>

#include "vm.h"

static const char *
skip_blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r' ||
	    *s == '\v' || *s == '\f'))
		s++;
	return s;
}

/*
 * An unsigned number at *sp: decimal, or 0x hexadecimal when hex is set
 * (where a leading 0 followed by a digit would be C's octal: refused).
 * *v is the value, or UINT64_MAX once past 2^32 (the digits are still
 * consumed, so the whole number is reported out of range).  0, or -1 if
 * there is no number here.
 */
static int
read_number(const char **sp, const char *end, int hex, uint64_t *v)
{
	const char *s = *sp;
	uint64_t acc = 0;
	int base = 10, digits = 0;

	if (hex && end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (hex && end - s >= 2 && s[0] == '0' && s[1] >= '0' &&
	    s[1] <= '9') {
		return -1;
	}
	for (; s < end; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		digits++;
		if (acc != UINT64_MAX) {
			acc = acc * (uint64_t)base + (uint64_t)d;
			if (acc > 0xffffffffULL)
				acc = UINT64_MAX;
		}
	}
	if (digits == 0)
		return -1;
	*sp = s;
	*v = acc;
	return 0;
}

/*
 * One instruction line (blanks already skipped): 0 with f[] filled, or -1
 * if it does not have the format's shape.
 */
static int
read_insn_line(const char *s, const char *end, enum vm_text_format fmt,
    uint64_t f[4])
{
	int i, dd = fmt == VM_TEXT_DD;

	if (dd) {
		if (s == end || *s != '{')
			return -1;
		s = skip_blanks(s + 1, end);
	}
	for (i = 0; i < 4; i++) {
		const char *after;

		if (i > 0 && dd) {
			if (s == end || *s != ',')
				return -1;
			s = skip_blanks(s + 1, end);
		}
		if (read_number(&s, end, dd, &f[i]) < 0)
			return -1;
		after = s;
		s = skip_blanks(s, end);
		/* -ddd numbers are separated by blanks */
		if (!dd && i < 3 && s == after)
			return -1;
	}
	if (dd) {
		if (s == end || *s != '}')
			return -1;
		s = skip_blanks(s + 1, end);
		if (s < end && *s == ',')
			s = skip_blanks(s + 1, end);
	}
	return s == end ? 0 : -1;
}

/* The first field of f[] out of its range, or -1. */
static int
field_out_of_range(const uint64_t f[4])
{
	static const uint64_t max[4] = {0xffff, 0xff, 0xff, 0xffffffffULL};
	int i;

	for (i = 0; i < 4; i++)
		if (f[i] > max[i])
			return i;
	return -1;
}

enum vm_text_status
vm_text_read(const char *text, size_t len, enum vm_text_format fmt,
    size_t max_insns, struct bpf_insn **insnsp, size_t *np, char *err,
    size_t errsize)
{
	static const char *names[4] = {"code", "jt", "jf", "k"};
	static const unsigned long long max[4] = {
		0xffff, 0xff, 0xff, 0xffffffffULL
	};
	const char *s, *eol, *end = text + len;
	struct bpf_insn *v = NULL, *grown;
	size_t n = 0, cap = 0, line = 0, count_line = 0;
	uint64_t count = 0;
	int have_count = fmt == VM_TEXT_DD;
	enum vm_text_status status = VM_TEXT_SYNTAX;

	*insnsp = NULL;
	*np = 0;
	if (errsize > 0)
		err[0] = '\0';
	for (s = text; s < end; s = eol + 1) {
		const char *b;
		uint64_t f[4];
		int bad;

		eol = memchr(s, '\n', (size_t)(end - s));
		if (eol == NULL)
			eol = end;
		line++;
		b = skip_blanks(s, eol);
		if (b == eol)
			continue;
		if (!have_count) {
			if (read_number(&b, eol, 0, &count) < 0 ||
			    skip_blanks(b, eol) != eol) {
				snprintf(err, errsize, "line %zu: expected the "
				    "instruction count (tcpdump -ddd format)",
				    line);
				goto fail;
			}
			have_count = 1;
			count_line = line;
			continue;
		}
		if (read_insn_line(b, eol, fmt, f) < 0) {
			snprintf(err, errsize, fmt == VM_TEXT_DD ?
			    "line %zu: expected \"{ code, jt, jf, k },\" "
			    "(tcpdump -dd format)" :
			    "line %zu: expected four decimal numbers "
			    "\"code jt jf k\" (tcpdump -ddd format)", line);
			goto fail;
		}
		bad = field_out_of_range(f);
		if (bad >= 0) {
			snprintf(err, errsize,
			    "line %zu: %s is out of range (0..%llu)", line,
			    names[bad], max[bad]);
			goto fail;
		}
		if (fmt == VM_TEXT_DDD && n >= count) {
			snprintf(err, errsize, "line %zu: more instructions "
			    "than the count of %llu on line %zu", line,
			    (unsigned long long)count, count_line);
			goto fail;
		}
		if (n >= max_insns) {
			status = VM_TEXT_TOO_LONG;
			goto fail;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if (cap > max_insns)
				cap = max_insns;
			grown = realloc(v, cap * sizeof *v);
			if (grown == NULL) {
				status = VM_TEXT_NOMEM;
				goto fail;
			}
			v = grown;
		}
		v[n].code = (u_short)f[0];
		v[n].jt = (u_char)f[1];
		v[n].jf = (u_char)f[2];
		v[n].k = (bpf_u_int32)f[3];
		n++;
	}
	if (!have_count) {
		snprintf(err, errsize, "expected the instruction count "
		    "(tcpdump -ddd format), got no text");
		goto fail;
	}
	if (fmt == VM_TEXT_DDD && n != count) {
		snprintf(err, errsize, "line %zu: the count says %llu "
		    "instructions, but %zu follow%s", count_line,
		    (unsigned long long)count, n, n == 1 ? "s" : "");
		goto fail;
	}
	*insnsp = v;
	*np = n;
	return VM_TEXT_OK;
fail:
	free(v);
	return status;
}
