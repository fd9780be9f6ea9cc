"""The public face: ``import parallel`` gives every command's library call, documented."""
import contextlib
import io
import os
import re
import subprocess
import sys

import parallel
from conftest import REPO


def test_every_public_name_resolves_and_says_what_it_is():
    assert parallel.__all__ == sorted(parallel.__all__) and len(parallel.__all__) >= 40
    for name in parallel.__all__:
        value = getattr(parallel, name)
        assert (value.__doc__ or "").strip(), f"parallel.{name} has no docstring"
    assert {"Translator", "run_corpus", "open_tmx", "score_lines", "segment_document"} <= set(parallel.__all__)


def test_import_parallel_stays_light():
    """The command line imports ``parallel`` first: it must not pull in the stages."""
    code = "import sys, parallel; print(sorted(m for m in sys.modules if m.startswith('parallel.')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_the_readme_python_example_runs(installed_models, seeds_copy, tmp_path, monkeypatch):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Use from Python.*?```python\n(.*?)```", readme, re.S).group(1)
    work = tmp_path / "work"
    work.mkdir()
    os.symlink(seeds_copy, work / "seeds")
    os.symlink(installed_models, work / "models")
    monkeypatch.chdir(work)
    monkeypatch.setenv("PARALLEL_CACHE", str(tmp_path / "cache.sqlite"))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block, "README.md", "exec"), {})
    lines = printed.getvalue().splitlines()
    assert len(lines) == 4 and lines[0].count(":") >= 2
    assert re.fullmatch(r"\d+ segments; scores: 5 documents", lines[-1])
    assert (work / "corpus" / "ar-en.tmx").is_file()
