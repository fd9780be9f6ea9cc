"""Faults as tests: a run stopped by a signal keeps what it finished and says how to go on.

The CLI runs in its own process (``python -m parallel.cli.main``), driven from Python so that SIGINT
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
from parallel.cli.main import cli
from parallel.translate.translator import Translator


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


def run_until_cached(command: list[str], cache: Path, rows: int, signum: int) -> subprocess.CompletedProcess:
    """Run ``command`` and send it ``signum`` once its cache holds ``rows`` translations (halfway by
    its own progress, not by a clock).  The child gets SIGINT's default action back: where the tests
    themselves run as a shell's background job (``make test &``), SIGINT is ignored and a child
    inherits that, so Ctrl-C could not be tested (found when this test failed only so)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=_default_sigint)
    deadline = time.monotonic() + 300
    while _rows_so_far(cache) < rows and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _rows_so_far(cache: Path) -> int:
    try:
        return cached_rows(cache)
    except sqlite3.Error:   # being created or written this instant
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("signum, exit_code, word", [(signal.SIGINT, 130, "interrupted"),
                                                     (signal.SIGTERM, 143, "terminated")])
def test_a_run_stopped_halfway_keeps_what_it_translated(signum, exit_code, word, installed_models, tmp_path,
                                                         monkeypatch, runner):
    files = lines_test_set(tmp_path)
    unique = len({line for f in files for line in f.read_text(encoding="utf-8").splitlines()})
    whole = subprocess.run(translate_command(files, installed_models, tmp_path / "whole.sqlite"),
                           capture_output=True, text=True, timeout=600)
    assert whole.returncode == 0, whole.stderr

    cache = tmp_path / "stopped.sqlite"
    stopped = run_until_cached(translate_command(files, installed_models, cache), cache, unique // 2, signum)
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


@pytest.fixture
def mount(tmp_path):
    """A tmpfs of the given size and options at a fresh folder; a skip where mounting is refused."""
    mounted = []

    def make(name: str, options: str) -> Path:
        point = tmp_path / name
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip()}); CI runs as root")
        mounted.append(point)
        return point

    yield make
    for point in mounted:
        subprocess.run(["umount", str(point)], check=False)


def one_error_line(result) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.mark.parametrize("options, advice", [
    ("ro,size=1m", "the file system is read-only; write elsewhere"),
    ("size=48k", "the disk is full; free some space or write elsewhere"),
])
def test_corpus_onto_a_read_only_or_full_disk_leaves_nothing(options, advice, seeds_copy, installed_models,
                                                             tmp_path, mount, runner):
    out = mount("disk", options) / "corpus"
    result = runner.invoke(cli, corpus_command(seeds_copy, out, installed_models, tmp_path / "c.sqlite")[3:])
    assert result.exit_code == 2
    assert one_error_line(result) == f"error: {out}: {advice}"
    assert not out.exists() or list(out.iterdir()) == []  # no staging folder, no half-written file


def test_a_read_only_or_full_cache_is_named(installed_models, tmp_path, mount, runner):
    article = tmp_path / "a.txt"
    article.write_text("قال المسؤول إن الاجتماع انتهى.\n", encoding="utf-8")
    read_only = mount("ro", "ro,size=1m")
    for cache in (read_only / "cache.sqlite", read_only / "sub" / "cache.sqlite"):
        result = runner.invoke(cli, ["translate", str(article), "--models-dir", str(installed_models),
                                     "--cache", str(cache)])
        assert result.exit_code == 2
        line = one_error_line(result)
        assert line.startswith(f"error: {cache}: translation cache unusable") and "--no-cache" in line


def test_postedit_into_a_read_only_folder(tmp_path, mount, runner):
    from parallel.formats.xliff import translation_xliff_unit, write_xliff
    from parallel.records import Segment, Translation
    from test_formats import provenance

    read_only = mount("ro", "ro,size=1m")
    xliff = tmp_path / "draft.xlf"
    write_xliff(xliff, [translation_xliff_unit(Translation(Segment("d", 1, 1, "جملة."), "A sentence.", -0.2))],
                provenance())
    result = runner.invoke(cli, ["postedit", str(xliff), "-o", str(read_only / "pe.tmx")])
    assert result.exit_code == 2
    assert one_error_line(result) == f"error: {read_only / 'pe.tmx'}: the file system is read-only; write elsewhere"


HOSTILE_XLIFF = """<?xml version="1.0"?>
<!DOCTYPE xliff [{entities}]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="d" source-language="ar"
 target-language="en" datatype="plaintext"><body><trans-unit id="d:1:1"><source>جملة</source>
<target state="translated">A {use}</target></trans-unit></body></file></xliff>
"""


@pytest.mark.parametrize("entities, use", [
    ('<!ENTITY e SYSTEM "file:///etc/passwd">', "&e;"),                       # external entity
    ('<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
     '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">', "&c;"),                  # a small "billion laughs"
    ('<!ENTITY e "internal">', "&e;"),
])
def test_postedit_refuses_an_xliff_that_declares_entities(entities, use, tmp_path, runner):
    xliff = tmp_path / "hostile.xlf"
    xliff.write_text(HOSTILE_XLIFF.format(entities=entities, use=use), encoding="utf-8")
    result = runner.invoke(cli, ["postedit", str(xliff)])
    assert result.exit_code == 2
    assert "declares XML entities" in one_error_line(result) and str(xliff) in result.stderr
    assert not list(tmp_path.glob("*.tmx"))


@pytest.mark.parametrize("encoding, named", [("cp1256", "Windows-1256"), ("utf-16", "UTF-16"),
                                             ("utf-16-le", "UTF-16")])
def test_a_file_in_another_encoding_says_which_and_how_to_convert(encoding, named, seeds_copy, tmp_path, runner):
    from conftest import article

    text = article(seeds_copy, "2015-03").read_text(encoding="utf-8")
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    result = runner.invoke(cli, ["segment", str(path)])
    assert result.exit_code == 2
    line = one_error_line(result)
    assert named in line and f"iconv -f {'CP1256' if encoding == 'cp1256' else 'UTF-16'} -t UTF-8 {path}" in line


def test_option_and_location_mistakes_are_bad_input(seeds_copy, installed_models, runner):
    bogus = runner.invoke(cli, ["translate", str(seeds_copy / "README.md"), "--compute-type", "bogus"])
    assert bogus.exit_code == 2 and "bogus" in bogus.output
    a_file = next(seeds_copy.glob("*.txt"))
    seeds_file = runner.invoke(cli, ["corpus", "--seeds", str(a_file), "--models-dir", str(installed_models)])
    assert seeds_file.exit_code == 2
    assert one_error_line(seeds_file) == f"error: {a_file}: is a file; expected a folder of articles (*.txt, *.html)"
    assert "Folder for the corpus files" in runner.invoke(cli, ["corpus", "--help"]).output
    assert "standard output" in " ".join(runner.invoke(cli, ["translate", "--help"]).output.split())


def test_model_import_and_align_into_a_read_only_folder(marian_zip, tmp_path, mount, runner):
    read_only = mount("ro", "ro,size=1m")
    imported = runner.invoke(cli, ["model", "import", str(marian_zip), "--models-dir", str(read_only / "models")])
    assert imported.exit_code == 2
    assert one_error_line(imported) == f"error: {read_only / 'models'}: the file system is read-only; write elsewhere"
    source, reference = tmp_path / "s.txt", tmp_path / "r.txt"
    source.write_text("قال المسؤول إن الاجتماع انتهى.\n", encoding="utf-8")
    reference.write_text("The official said the meeting was over.\n", encoding="utf-8")
    aligned = runner.invoke(cli, ["align", str(source), str(reference), "--out", str(read_only / "pairs")])
    assert aligned.exit_code == 2
    assert one_error_line(aligned).startswith(f"error: {read_only / 'pairs'}.")
