"""Run a Python module and write its own peak RSS (kB) to a file when it exits.

``ru_maxrss`` from ``os.wait4`` is not the child's own peak on Linux: a child started from a large
process (``subprocess`` uses vfork) keeps the parent's high-water mark across ``exec``, so after the
benchmark has loaded torch and a model the child's "peak" is the benchmark's.  ``VmHWM`` in
``/proc/self/status`` belongs to the process's own address space, which ``exec`` replaced.

Usage: python bench/peak_rss.py OUT_FILE -m MODULE [ARGS...]
"""
import atexit
import runpy
import sys
from pathlib import Path


def write_peak_rss(path: Path) -> None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            path.write_text(line.split()[1])


if __name__ == "__main__":
    out, flag, module, *arguments = sys.argv[1:]
    if flag != "-m":
        raise SystemExit(__doc__.splitlines()[-1])
    atexit.register(write_peak_rss, Path(out))
    sys.argv = [module, *arguments]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
