"""Smoke test of an installed libpcap package (a wheel or an sdist install).

Run it with the Python of the environment that holds the package, from a
directory outside the checkout (so that the checkout's uncompiled ``libpcap``
folder cannot shadow the installed package)::

    /path/to/venv/bin/python tools/smoke_test.py

It checks, and exits non-zero with the reason on the first failure:

1. ``import libpcap`` loads the installed package, not a source tree, and
   its version matches the distribution's metadata;
2. the native API reads the shipped sample capture
   (``libpcap.sample_path()``), and a compiled filter keeps exactly the
   packets the filter's own ``match`` accepts;
3. the compatibility layer reads the same packets with the original
   binding's ctypes conventions and ``compile``/``offline_filter`` agree;
4. the command line (``python -m libpcap`` and the ``pylibpcap`` script)
   prints the sample's packets;
5. a C program built with ``python -m libpcap --cflags --libs`` (and no
   system libpcap headers) opens the sample, compiles a filter with
   ``pcap_compile`` and counts the same packets.

Only the standard library is used, and nothing is written outside a
temporary directory.
"""
from __future__ import annotations

import ctypes as ct
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from importlib import metadata
from pathlib import Path
from typing import List

__all__ = ["main"]

FILTER = "udp or arp"

C_PROGRAM = r"""
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	int total = 0, kept = 0, rc;
	pcap_t *p;

	if (argc != 3)
		return 2;
	p = pcap_open_offline(argv[1], errbuf);
	if (p == NULL) {
		fprintf(stderr, "open: %s\n", errbuf);
		return 1;
	}
	if (pcap_compile(p, &prog, argv[2], 1, PCAP_NETMASK_UNKNOWN) != 0) {
		fprintf(stderr, "compile: %s\n", pcap_geterr(p));
		return 1;
	}
	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		total++;
		if (pcap_offline_filter(&prog, hdr, data))
			kept++;
	}
	if (rc != PCAP_ERROR_BREAK) {
		fprintf(stderr, "read: %s\n", pcap_geterr(p));
		return 1;
	}
	pcap_freecode(&prog);
	pcap_close(p);
	printf("%s %d %d\n", pcap_lib_version(), total, kept);
	return 0;
}
"""


class SmokeFailure(Exception):
    """A check of the smoke test failed."""


def check(cond: bool, what: str) -> None:
    if not cond:
        raise SmokeFailure(what)
    print(f"ok   {what}")


def run(cmd: List[str], **kwargs: object) -> str:
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kwargs)  # type: ignore[call-overload]
    if proc.returncode != 0:
        raise SmokeFailure(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr}")
    return str(proc.stdout)


def main() -> int:
    import libpcap

    pkg = Path(libpcap.__file__).resolve().parent
    purelib = Path(sysconfig.get_paths()["purelib"]).resolve()
    platlib = Path(sysconfig.get_paths()["platlib"]).resolve()
    check(pkg.parent in (purelib, platlib),
          f"libpcap is imported from the environment's site-packages ({pkg})")
    check(libpcap.__version__ == metadata.version("libpcap"),
          f"version {libpcap.__version__} matches the installed distribution")

    sample = libpcap.sample_path()
    check(os.path.isfile(sample), f"sample capture at {sample}")

    # Native API.
    with libpcap.Reader(sample) as reader:
        packets = list(reader)
    check(len(packets) > 0, f"native Reader read {len(packets)} packets")
    flt = libpcap.compile(FILTER, linktype="EN10MB")
    expected = [p.ts_ns for p in packets if flt.match(p)]
    check(0 < len(expected) < len(packets),
          f"filter {FILTER!r} matches {len(expected)} of {len(packets)}")
    with libpcap.Reader(sample, filter=FILTER) as reader:
        kept = [p.ts_ns for p in reader]
    check(kept == expected, "Reader(filter=...) keeps the packets Filter.match accepts")

    # Compatibility layer.
    err = ct.create_string_buffer(libpcap.PCAP_ERRBUF_SIZE)
    h = libpcap.open_offline(sample.encode(), err)
    check(bool(h), "compatibility open_offline")
    prog = libpcap.bpf_program()
    check(libpcap.compile(h, ct.byref(prog), FILTER.encode(), 1,
                          libpcap.PCAP_NETMASK_UNKNOWN) == 0, "compatibility compile")
    hdr = ct.POINTER(libpcap.pkthdr)()
    data = ct.POINTER(ct.c_ubyte)()
    total = compat_kept = 0
    while libpcap.next_ex(h, ct.byref(hdr), ct.byref(data)) == 1:
        total += 1
        if libpcap.offline_filter(ct.byref(prog), hdr, data):
            compat_kept += 1
    libpcap.freecode(ct.byref(prog))
    libpcap.close(h)
    check((total, compat_kept) == (len(packets), len(expected)),
          f"compatibility layer reads {total} packets and keeps {compat_kept}")

    # Command line.
    out = run([sys.executable, "-m", "libpcap", "--sample", "-c", "3"])
    check(len(out.splitlines()) == 3, "python -m libpcap --sample -c 3 prints 3 packets")
    script = Path(sys.executable).with_name("pylibpcap")
    check(script.is_file(), f"console script {script}")
    out = run([str(script), "-r", sample, FILTER])
    check(len(out.splitlines()) == len(expected),
          f"pylibpcap -r SAMPLE {FILTER!r} prints {len(expected)} packets")

    # The C library.
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise SmokeFailure("no C compiler (cc or gcc) for the C library check")
    flags = run([sys.executable, "-m", "libpcap", "--cflags", "--libs"])
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "smoke.c"
        exe = Path(tmp) / "smoke"
        src.write_text(C_PROGRAM)
        env = {k: v for k, v in os.environ.items()
               if k not in ("CPATH", "C_INCLUDE_PATH", "LIBRARY_PATH", "LD_LIBRARY_PATH")}
        run([*shlex.split(cc), "-Wall", "-Wextra", "-Werror", str(src),
             "-o", str(exe), *shlex.split(flags)], env=env)
        out = run([str(exe), sample, FILTER], env=env).split()
    check(out[-2:] == [str(len(packets)), str(len(expected))],
          f"C program built with --cflags/--libs: {' '.join(out)}")
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SmokeFailure as exc:
        print(f"FAIL {exc}", file=sys.stderr)
        sys.exit(1)
