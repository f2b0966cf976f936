/*
 * replay-opts.c - the pure half of the replay source: reading the options
 * of a device name ("replay,speed=0.5,loop=3:PATH") and the arithmetic
 * that turns a record's time stamp into the moment it is due.  Nothing
 * here does I/O, so tests/c/test_replay.c checks it directly.
 */
#include <limits.h>
#include <string.h>

#include "replay-int.h"

#define PREFIX "replay"
#define PPM 1000000ULL
/* Largest speed= we take: a million times the recorded pace. */
#define MAX_SPEED 1000000ULL
#define MAX_LOOPS 1000000000U

int
rp_is_replay_name(const char *name)
{
	size_t n = sizeof PREFIX - 1;

	return name != NULL && strncmp(name, PREFIX, n) == 0 &&
	    (name[n] == ':' || name[n] == ',');
}

/* "1", "0.5", "10.25": a decimal of at most 6 fractional digits, in
   millionths.  -1 if it is not one or is out of range. */
static int
parse_speed(const char *s, size_t len, uint64_t *out)
{
	uint64_t whole = 0, frac = 0, scale = PPM;
	size_t i = 0;
	int digits = 0;

	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
		whole = whole * 10 + (uint64_t)(s[i] - '0');
		if (whole > MAX_SPEED)
			return -1;
	}
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
			if (scale == 1)
				return -1;	/* finer than a millionth */
			scale /= 10;
			frac += (uint64_t)(s[i] - '0') * scale;
		}
	}
	if (i != len || digits == 0 || (whole == MAX_SPEED && frac != 0))
		return -1;
	*out = whole * PPM + frac;
	return 0;
}

static int
parse_loops(const char *s, size_t len, unsigned *out)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
		if (v > MAX_LOOPS)
			return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* One "key=value" (not NUL-terminated, len bytes) into *o. */
static int
parse_one(const char *s, size_t len, struct rp_opts *o, char *errbuf)
{
	const char *eq = memchr(s, '=', len);
	size_t klen = eq != NULL ? (size_t)(eq - s) : len;
	const char *v = eq != NULL ? eq + 1 : NULL;
	size_t vlen = eq != NULL ? len - klen - 1 : 0;
	int bad = 0;
	const char *want = "";

#define KEY(k) (klen == sizeof(k) - 1 && memcmp(s, k, klen) == 0)
	if (!KEY("speed") && !KEY("loop") && !KEY("ts")) {
		core_fmt(errbuf, "replay: unknown option \"%.*s\" (known: "
		    "speed=, loop=, ts=)", (int)(klen > 64 ? 64 : klen), s);
		return -1;
	}
	if (v == NULL) {
		core_fmt(errbuf, "replay: option \"%.*s\" needs a value",
		    (int)klen, s);
		return -1;
	}
	if (KEY("speed")) {
		bad = parse_speed(v, vlen, &o->speed_ppm) != 0;
		want = "a number from 0 (as fast as possible) to 1000000, "
		    "1 = as recorded";
	} else if (KEY("loop")) {
		bad = parse_loops(v, vlen, &o->loops) != 0;
		want = "a count of passes, 0 = for ever";
	} else {
		if (vlen == 4 && memcmp(v, "file", 4) == 0)
			o->ts_now = 0;
		else if (vlen == 3 && memcmp(v, "now", 3) == 0)
			o->ts_now = 1;
		else
			bad = 1;
		want = "file or now";
	}
#undef KEY
	if (bad) {
		core_fmt(errbuf, "replay: bad value \"%.*s\" for %.*s (%s)",
		    (int)(vlen > 64 ? 64 : vlen), v, (int)klen, s, want);
		return -1;
	}
	return 0;
}

/*
 * The default speed is 0 (as fast as possible): the source exists to
 * drive the live code paths in tests, which should neither wait for a
 * file's recorded gaps nor depend on them; speed=1 asks for the recorded
 * pace.
 */
int
rp_parse(const char *name, struct rp_opts *o, size_t *path_at, char *errbuf)
{
	const char *s, *colon;

	o->speed_ppm = 0;
	o->loops = 1;
	o->ts_now = 0;
	if (!rp_is_replay_name(name)) {
		core_fmt(errbuf, "replay: not a replay device name");
		return -1;
	}
	s = name + sizeof PREFIX - 1;
	colon = strchr(s, ':');
	if (colon == NULL) {
		core_fmt(errbuf, "replay: no file named: use replay:PATH or "
		    "replay,OPTION=VALUE,...:PATH");
		return -1;
	}
	while (*s == ',' && s < colon) {
		const char *start = s + 1, *end = start;

		while (end < colon && *end != ',')
			end++;
		if (end == start) {
			core_fmt(errbuf, "replay: empty option in the device name");
			return -1;
		}
		if (parse_one(start, (size_t)(end - start), o, errbuf) != 0)
			return -1;
		s = end;
	}
	if (colon[1] == '\0') {
		core_fmt(errbuf, "replay: no file named after \"replay:\"");
		return -1;
	}
	*path_at = (size_t)(colon + 1 - name);
	return 0;
}

int64_t
rp_due_ns(int64_t start_ns, int64_t first_ns, int64_t ts_ns,
    uint64_t speed_ppm)
{
	long double delta;

	if (speed_ppm == 0 || ts_ns <= first_ns)
		return start_ns;
	/* Long double: a gap of years at a millionth of the pace stays
	   exact enough, and nothing overflows before the clamp. */
	delta = (long double)(ts_ns - first_ns) * (long double)PPM /
	    (long double)speed_ppm;
	if (delta >= (long double)(INT64_MAX - start_ns))
		return INT64_MAX;
	return start_ns + (int64_t)delta;
}

int64_t
rp_ts_ns(long sec, long frac, int nano)
{
	return (int64_t)sec * 1000000000 + (int64_t)frac * (nano ? 1 : 1000);
}
