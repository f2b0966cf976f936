#!/usr/bin/env bash
# Installs the peers the benchmark compares against; nothing here is needed by
# the package itself.
#
# * bench/.venv-orig: a virtual environment holding the ORIGINAL ctypes binding
#   (the PyPI package "libpcap", which has our import name, hence its own
#   environment), configured to load the system libpcap.
# * pcapy-ng, dpkt and scapy, installed into the Python that runs the benchmark
#   ($PYTHON, default python3).  pcapy-ng is built from its sdist against
#   libpcap-dev (its binary wheels carry a libpcap of their own).
#
# Idempotent: run it again and it only checks.  Any peer that fails to install
# is reported and its rows are skipped by bench_read.py, so a failure here is
# a warning, not an error.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="$HERE/.venv-orig"
SYSLIB="${SYSTEM_LIBPCAP:-}"
status=0

# The system libpcap's shared object, as the dynamic loader knows it.
if [ -z "$SYSLIB" ]; then
    SYSLIB="$(ldconfig -p 2>/dev/null | awk '/libpcap\.so\.0\.8 .*x86-64|libpcap\.so\.0\.8 \(libc6,x86-64/ {print $NF; exit}')"
    [ -n "$SYSLIB" ] || SYSLIB="$(ldconfig -p 2>/dev/null | awk '/libpcap\.so\.[0-9]/ {print $NF; exit}')"
fi
if [ -z "$SYSLIB" ] || [ ! -e "$SYSLIB" ]; then
    echo "setup_peers: no system libpcap found (apt-get install libpcap-dev)" >&2
    exit 1
fi
echo "setup_peers: system libpcap = $SYSLIB"

# 1. The original binding in its own environment.
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV" || { echo "setup_peers: venv failed" >&2; exit 1; }
fi
if ! "$VENV/bin/python" -I -c "import libpcap" >/dev/null 2>&1; then
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check libpcap \
        || { echo "setup_peers: pip install libpcap (original binding) failed" >&2; status=1; }
fi
# The binding reads the LIBPCAP key of the [libpcap] section of libpcap.cfg,
# beside its __init__.py, at import; a path selects that shared object.
# Write it without importing the package (the import itself loads the library).
CFG="$("$VENV/bin/python" -I - <<'EOF'
import importlib.util, os
spec = importlib.util.find_spec("libpcap")
print(os.path.join(os.path.dirname(spec.origin), "libpcap.cfg") if spec and spec.origin else "")
EOF
)"
if [ -n "$CFG" ]; then
    printf '[libpcap]\nLIBPCAP = %s\n' "$SYSLIB" > "$CFG"
    echo "setup_peers: original binding configured in $CFG"
    # Check it really runs over the system library.
    if ! "$VENV/bin/python" -I -c "import libpcap; print('setup_peers: original binding OK:', libpcap.lib_version().decode())"; then
        echo "setup_peers: the original binding does not import" >&2
        status=1
    fi
fi

# 2. The other peers, in the benchmark's Python.  pcapy-ng's binary wheels
# bundle a libpcap of their own (1.9.x); built from its sdist it links the
# system libpcap (libpcap-dev), the one the table compares against.
pcapy_so() {
    (cd / && "$PYTHON" -c "import pcapy; print(pcapy.__file__)" 2>/dev/null)
}
so="$(pcapy_so)"
if [ -z "$so" ] || ! ldd "$so" 2>/dev/null | grep -q 'libpcap\.so\.0\.8'; then
    "$PYTHON" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps \
        --no-binary pcapy-ng pcapy-ng \
        || { echo "setup_peers: pip install pcapy-ng (from source) failed" >&2; status=1; }
    so="$(pcapy_so)"
fi
if [ -n "$so" ]; then
    echo "setup_peers: pcapy-ng uses $(ldd "$so" | awk '/libpcap/ {print $3}')"
fi
for pkg in dpkt scapy; do
    if (cd / && "$PYTHON" -c "import $pkg") >/dev/null 2>&1; then
        echo "setup_peers: $pkg already installed"
        continue
    fi
    "$PYTHON" -m pip install -q --disable-pip-version-check "$pkg" \
        || { echo "setup_peers: pip install $pkg failed" >&2; status=1; }
done
exit $status
