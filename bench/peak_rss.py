"""Run a Python module and write its own peak RSS (kB) to a file when it exits.

``ru_maxrss`` from ``os.wait4`` is not the child's own peak on Linux: a child started from a large
process (``subprocess`` uses vfork) keeps the parent's high-water mark across ``exec``, so after the
benchmark has loaded torch and a model the child's "peak" is the benchmark's.  ``VmHWM`` in
``/proc/self/status`` belongs to the process's own address space, which ``exec`` replaced.

Usage: python bench/peak_rss.py OUT_FILE -m MODULE [ARGS...]; from the benchmarks: run_cli.
"""
import atexit
import os
import runpy
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_peak_rss(path: Path) -> None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            path.write_text(line.split()[1])


def run_cli(arguments: list[str], stdout=subprocess.DEVNULL) -> tuple[float, float]:
    """Run ``parallel ARGUMENTS`` in its own process (CI=true: no progress bar); return its wall
    seconds and its own peak RSS in MB.  A failure stops the benchmark with the command's stderr."""
    with tempfile.TemporaryDirectory() as folder:
        peak_file = Path(folder) / "peak-rss-kb"
        command = [sys.executable, __file__, str(peak_file), "-m", "parallel.cli", *arguments]
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE, env={**os.environ, "CI": "true"})
        _, status, _ = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        if status != 0:
            raise SystemExit(f"parallel {arguments[0]} failed: {process.stderr.read().decode()[-500:]}")
        return wall, int(peak_file.read_text()) / 1024


if __name__ == "__main__":
    out, flag, module, *arguments = sys.argv[1:]
    if flag != "-m":
        raise SystemExit(__doc__.splitlines()[-1])
    atexit.register(write_peak_rss, Path(out))
    sys.argv = [module, *arguments]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
