"""Build of the libpcap package.

Two artefacts come out of one set of C sources under src/_libpcap:

* ``libpcap/lib/libpcap.so`` - the C core as a plain shared library with
  libpcap's C API and no Python dependency, for C programs (see
  ``python -m libpcap --cflags --libs``), with the public headers copied to
  ``libpcap/include``;
* ``libpcap._libpcap`` - the CPython extension: the same core objects plus
  the thin native-API glue.  It exports the pcap_* symbols too, which is what
  the ctypes compatibility layer binds to, so both Python layers share one
  core in the process.

Extra compiler flags (e.g. sanitizers) come from the LIBPCAP_CFLAGS and
LIBPCAP_LDFLAGS environment variables.

Both shared objects are linked stripped (no debug info, no local symbols) and
without the run-time search path that the building interpreter's LDSHARED may
carry (``-Wl,-rpath,<prefix>/lib``), so that a wheel holds nothing of the
machine that built it.  ``LIBPCAP_DEBUG=1``, or any LIBPCAP_CFLAGS (sanitizer
and coverage builds), keeps the debug info.

The C sources are listed by tools/build_sources.py (the platform's capture
sources, every portable directory); a tree where they
are missing (an incomplete sdist) is an error, never an empty library.
"""
import glob
import os
import shlex
import shutil
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "tools"))
import build_sources  # noqa: E402  (the one list of core sources)
SRC = os.path.join("src", "_libpcap")
CORE_DIRS = ("core", "savefile", "bpf", "capture", "compiler")
INCLUDE_DIRS = [os.path.join(SRC, "include"), os.path.join(SRC, "core")]
WARN = ["-std=c11", "-Wall", "-Wextra", "-fvisibility=hidden", "-D_GNU_SOURCE"]


def core_sources():
    return build_sources.core_sources(HERE)


def env_flags(name):
    return shlex.split(os.environ.get(name, ""))


def keep_debug_info():
    return os.environ.get("LIBPCAP_DEBUG", "") not in ("", "0") \
        or bool(env_flags("LIBPCAP_CFLAGS"))


def check_source_tree():
    """Fail early, and say what is missing, when the C core is incomplete."""
    missing = [d for d in INCLUDE_DIRS + [os.path.join(SRC, d) for d in CORE_DIRS]
               if not os.path.isdir(os.path.join(HERE, d))]
    if missing:
        raise RuntimeError(
            "libpcap: the C core sources are incomplete, missing "
            + ", ".join(missing) + " (an sdist made without MANIFEST.in?)")
    for d in CORE_DIRS:
        if not glob.glob(os.path.join(SRC, d, "*.c")):
            raise RuntimeError(f"libpcap: no C sources in {os.path.join(SRC, d)}")


def without_rpath(cmd):
    """A linker command line less the -rpath options of the interpreter's
    LDSHARED (pyenv, custom prefixes), which would leak into RUNPATH."""
    out = []
    skip_next = False
    for arg in cmd:
        if skip_next:
            skip_next = False
            continue
        if arg.startswith(("-Wl,-rpath", "-Wl,--rpath", "-Wl,-R")):
            continue
        if arg in ("-rpath", "-R"):
            skip_next = True
            continue
        out.append(arg)
    return out


class BuildWithCore(build_ext):
    """Compile the core once, link it as libpcap.so and into the extension."""

    def run(self):
        check_source_tree()
        self._core_objects = None
        # setuptools clears self.inplace while building; remember it so the
        # plain library and headers land in the source tree too.
        self._was_inplace = bool(self.inplace)
        super().run()

    def _compile_core(self):
        if self._core_objects is None:
            self._core_objects = self.compiler.compile(
                core_sources(),
                output_dir=self.build_temp,
                include_dirs=INCLUDE_DIRS,
                extra_postargs=WARN + ["-O2", "-fPIC"] + env_flags("LIBPCAP_CFLAGS"),
                depends=glob.glob(os.path.join(SRC, "*", "*.h"))
                + glob.glob(os.path.join(SRC, "include", "pcap", "*.h")),
            )
            if not self._core_objects:
                raise RuntimeError("libpcap: compiled no core objects; refusing "
                                   "to link an empty libpcap.so")
        return self._core_objects

    def _link_flags(self):
        flags = [] if keep_debug_info() else ["-Wl,--strip-all"]
        return flags + env_flags("LIBPCAP_LDFLAGS")

    def _package_dir(self):
        if getattr(self, "_was_inplace", False) or self.inplace:
            return os.path.join(HERE, "libpcap")
        return os.path.join(self.build_lib, "libpcap")

    def build_extension(self, ext):
        self.compiler.linker_so = without_rpath(self.compiler.linker_so)
        objects = self._compile_core()
        pkg = self._package_dir()
        libdir = os.path.join(pkg, "lib")
        os.makedirs(libdir, exist_ok=True)
        self.compiler.link_shared_object(
            objects,
            os.path.join(libdir, "libpcap.so"),
            extra_postargs=["-Wl,-soname,libpcap.so"] + self._link_flags(),
        )
        incdir = os.path.join(pkg, "include")
        if os.path.isdir(incdir):
            shutil.rmtree(incdir)
        shutil.copytree(os.path.join(SRC, "include"), incdir)
        ext.extra_objects = list(objects)
        # Relink the extension whenever a core source or header changed.
        ext.depends = core_sources() + glob.glob(os.path.join(SRC, "*", "*.h")) \
            + glob.glob(os.path.join(SRC, "include", "pcap", "*.h"))
        ext.extra_compile_args = WARN + ["-O2"] + env_flags("LIBPCAP_CFLAGS")
        ext.extra_link_args = self._link_flags()
        super().build_extension(ext)


setup(
    ext_modules=[
        Extension(
            "libpcap._libpcap",
            sources=sorted(glob.glob(os.path.join(SRC, "python", "*.c"))),
            include_dirs=INCLUDE_DIRS,
        )
    ],
    cmdclass={"build_ext": BuildWithCore},
)
