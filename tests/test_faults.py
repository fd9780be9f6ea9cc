"""Faults as tests: a run stopped by a signal keeps what it finished and says how to go on.

The CLI runs in its own process (``python -m parallel.cli``), driven from Python so that SIGINT
reaches it as Ctrl-C would (a shell's background job ignores SIGINT).
"""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FLORES, arabic_lines

from parallel.cli import cli
from parallel.translate import Translator


def lines_test_set(tmp_path: Path) -> list[Path]:
    """About 2,000 distinct sentences, one per line: FLORES-200 dev and devtest when present."""
    files = [FLORES / "flores200-dev.ara", FLORES / "flores200-devtest.ara"]
    if all(f.is_file() for f in files):
        return files
    path = tmp_path / "lines.ara"
    lines = arabic_lines()
    path.write_text("\n".join(f"{n} {lines[n % len(lines)]}" for n in range(2000)) + "\n", encoding="utf-8")
    return [path]


def cached_rows(cache: Path) -> int:
    if not cache.exists():
        return 0
    with sqlite3.connect(cache) as db:
        return db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]


def translate_command(files: list[Path], installed_models: Path, cache: Path) -> list[str]:
    return [sys.executable, "-m", "parallel.cli", "translate", "--lines", *map(str, files),
            "--models-dir", str(installed_models), "--cache", str(cache)]


def run_until(command: list[str], seconds: float, signum: int) -> subprocess.CompletedProcess:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(seconds)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


@pytest.mark.parametrize("signum, exit_code, word", [(signal.SIGINT, 130, "interrupted"),
                                                     (signal.SIGTERM, 143, "terminated")])
def test_a_run_stopped_halfway_keeps_what_it_translated(signum, exit_code, word, installed_models, tmp_path,
                                                         monkeypatch, runner):
    files = lines_test_set(tmp_path)
    unique = len({line for f in files for line in f.read_text(encoding="utf-8").splitlines()})
    start = time.monotonic()
    whole = subprocess.run(translate_command(files, installed_models, tmp_path / "whole.sqlite"),
                           capture_output=True, text=True, timeout=600)
    running_time = time.monotonic() - start
    assert whole.returncode == 0, whole.stderr

    cache = tmp_path / "stopped.sqlite"
    stopped = run_until(translate_command(files, installed_models, cache), running_time / 2, signum)
    assert stopped.returncode == exit_code, stopped.stderr
    assert stopped.stderr.splitlines() == [
        f"error: {word}; run the same command again to resume from the translation cache"]
    kept = cached_rows(cache)
    assert kept >= 0.3 * unique, f"{kept} of {unique} sentences in the cache at half time"

    submitted = []
    real = Translator._submit_batch
    monkeypatch.setattr(Translator, "_submit_batch", lambda self, pieces: submitted.extend(pieces) or real(self, pieces))
    resumed = runner.invoke(cli, translate_command(files, installed_models, cache)[3:])
    assert resumed.exit_code == 0, resumed.output
    assert len(submitted) == unique - kept  # only what was not finished
    assert resumed.stdout == whole.stdout


def corpus_command(seeds: Path, out: Path, installed_models: Path, cache: Path) -> list[str]:
    return [sys.executable, "-m", "parallel.cli", "corpus", "--seeds", str(seeds), "--out", str(out),
            "--models-dir", str(installed_models), "--cache", str(cache)]


def test_after_a_killed_run_the_next_one_leaves_no_staging_folder(seeds_copy, installed_models, tmp_path):
    out = tmp_path / "out"
    command = corpus_command(seeds_copy, out, installed_models, tmp_path / "cache.sqlite")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(out.glob(".staging-*")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.kill()
    process.wait()
    assert list(out.glob(".staging-*")), "the killed run was writing"
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert not list(out.glob(".*")) and (out / "ar-en.tmx").is_file()


def test_a_second_run_on_the_same_output_folder_is_refused(seeds_copy, installed_models, tmp_path, runner):
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(out)!r}, os.O_RDONLY)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        result = runner.invoke(cli, corpus_command(seeds_copy, out, installed_models, tmp_path / "c.sqlite")[3:])
        assert result.exit_code == 2
        assert result.output.splitlines() == [
            f"error: {out}: another parallel run is writing here; wait for it to finish, or give another folder"]
        assert list(out.iterdir()) == []
    finally:
        holder.kill()
        holder.wait()
    assert runner.invoke(cli, corpus_command(seeds_copy, out, installed_models, tmp_path / "c.sqlite")[3:]).exit_code == 0
