#!/usr/bin/env bash
# Entry point of the live-capture benchmark: installs the peers if needed
# (bench/setup_peers.sh, idempotent, for pcapy-ng; BENCH_NO_SETUP=1 skips it),
# then runs bench/live/bench_live.py, which builds the C sender, a network
# namespace with a veth pair, and prints the table.  Needs root.
# Arguments go to bench_live.py (see --help), e.g.  bench/live/run.sh --count 200000
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
PYTHON="${PYTHON:-python3}"
if [ "${BENCH_NO_SETUP:-0}" != 1 ]; then
    PYTHON="$PYTHON" bash "$HERE/../setup_peers.sh" >&2 || echo "run.sh: some peers are missing; their rows say so" >&2
fi
exec "$PYTHON" "$HERE/bench_live.py" "$@"
