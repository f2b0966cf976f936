#!/usr/bin/env bash
# The benchmark's one entry point: installs the peers if needed (bench/setup_peers.sh,
# idempotent; BENCH_NO_SETUP=1 skips it), then runs bench/bench_read.py, which
# generates the capture on first use, builds the two C loops and prints the table.
# Arguments go to bench_read.py (see --help), e.g.  bench/run.sh --passes 5
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
PYTHON="${PYTHON:-python3}"
if [ "${BENCH_NO_SETUP:-0}" != 1 ]; then
    PYTHON="$PYTHON" bash "$HERE/setup_peers.sh" >&2 || echo "run.sh: some peers are missing; their rows are skipped" >&2
fi
exec "$PYTHON" "$HERE/bench_read.py" "$@"
