#!/bin/sh
# run_fuzzers.sh - build and run every libFuzzer harness tests/fuzz/fuzz_*.c
# for a bounded time.
#
# Each harness is compiled with clang -fsanitize=fuzzer,address,undefined
# together with all the core sources (so any internal helper is reachable),
# and run for FUZZ_SECONDS (default 30) seconds on a scratch copy of its
# seed corpus tests/fuzz/corpus_<name>/ (fuzz_bpf.c -> corpus_bpf/), which
# stays untouched.  Any crash, sanitizer report, leak or timeout fails the
# script; the reproducer is left in the work directory it prints.
# Harnesses: fuzz_bpf (programs and packets), fuzz_savefile (capture files),
# fuzz_compile (expression text, any link type libpcap master's tests cover
# on Linux, optimize flag: the optimized and unoptimized programs must
# agree, level 2 exactly; corpus_compile/ holds seed expressions as
# <link type index><flags><text>; a disagreement is checked against the
# system libpcap's, built here as compile_oracle), fuzz_pcapng_write (a
# capture file read natively, every packet written with the pcapng writer,
# read back: packets, time stamps, interfaces and comments must agree;
# corpus_pcapng_write/ holds small pcapng and pcap seeds), fuzz_netfilter
# (one netlink datagram walked as the nflog/nfqueue read walks it;
# corpus_netfilter/ holds a batch of nflog records, a queued packet, an
# ack and a truncated message).
#
# Usage: tests/fuzz/run_fuzzers.sh [harness-name ...]
# Environment: FUZZ_SECONDS, FUZZ_CC (default clang, then clang-14),
#              FUZZ_WORKDIR (default a new directory under /tmp),
#              FUZZ_FLAGS (extra libFuzzer flags),
#              FUZZ_COMPILE_ORACLE (compile_oracle built against the system
#              libpcap; default: built here when libpcap-dev is installed).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
src="$root/src/_libpcap"
seconds=${FUZZ_SECONDS:-30}

cc=${FUZZ_CC:-}
if [ -z "$cc" ]; then
	for c in clang clang-14; do
		if command -v "$c" >/dev/null 2>&1; then cc=$c; break; fi
	done
fi
if [ -z "$cc" ]; then
	echo "run_fuzzers.sh: clang not found (set FUZZ_CC)" >&2
	exit 2
fi

work=${FUZZ_WORKDIR:-$(mktemp -d /tmp/fuzz.XXXXXX)}
mkdir -p "$work"

if [ $# -gt 0 ]; then
	harnesses=$(for n in "$@"; do echo "$here/${n%.c}.c"; done)
else
	harnesses=$(ls "$here"/fuzz_*.c)
fi

core=$(cd "$root" && python3 tools/build_sources.py | sed "s|^|$root/|")
includes="-I$src/include -I$src/core -I$src/bpf -I$src/savefile"

# fuzz_compile asks the system libpcap (Debian's libpcap-dev, a test oracle
# in its own process) whether a disagreement between the optimized and the
# unoptimized program is libpcap's own; without it every disagreement fails.
if [ -z "${FUZZ_COMPILE_ORACLE:-}" ] && [ -f /usr/include/pcap/pcap.h ]; then
	if gcc -std=c11 -O2 -D_GNU_SOURCE "$root/tests/oracle/compile_oracle.c" \
		-lpcap -o "$work/compile_oracle" 2>"$work/compile_oracle.log"; then
		FUZZ_COMPILE_ORACLE="$work/compile_oracle"
	else
		echo "== compile_oracle: not built (see $work/compile_oracle.log)" >&2
	fi
fi
export FUZZ_COMPILE_ORACLE="${FUZZ_COMPILE_ORACLE:-}"

status=0
for h in $harnesses; do
	name=$(basename "$h" .c)
	short=${name#fuzz_}
	exe="$work/$name"
	echo "== $name: building"
	# shellcheck disable=SC2086  # word splitting of the lists is wanted
	if ! $cc -std=c11 -g -O1 -D_GNU_SOURCE -fvisibility=hidden \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$includes "$h" $core -o "$exe"; then
		echo "== $name: BUILD FAILED" >&2
		status=1
		continue
	fi
	corpus="$work/corpus_$short"
	mkdir -p "$corpus"
	if [ -d "$here/corpus_$short" ]; then
		cp -R "$here/corpus_$short/." "$corpus/"
	fi
	echo "== $name: fuzzing for ${seconds}s (corpus $corpus)"
	# shellcheck disable=SC2086
	if (cd "$work" && "$exe" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
		${FUZZ_FLAGS:-} "$corpus" >"$work/$name.log" 2>&1); then
		grep -E "^(stat::number_of_executed_units|Done)" "$work/$name.log" | tail -2 || true
		echo "== $name: ok"
	else
		tail -40 "$work/$name.log" >&2
		echo "== $name: FAILED (log: $work/$name.log, reproducers in $work)" >&2
		status=1
	fi
done
exit $status
