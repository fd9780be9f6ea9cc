"""The install: what the code imports is declared, the locks agree with pyproject.toml, and the built
wheel, installed alone into a fresh venv, runs the main commands (issue 31)."""
from __future__ import annotations

import ast
import hashlib
import os
import re
import subprocess
import sys
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from conftest import REPO, SOURCE_DATE_EPOCH

tomllib = pytest.importorskip("tomllib")
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
PACKAGE = REPO / "src" / "parallel"
LOCKS = REPO / "requirements"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def requirement_names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


CORE = requirement_names(PYPROJECT["dependencies"])
EXTRAS = {extra: requirement_names(reqs) for extra, reqs in PYPROJECT["optional-dependencies"].items()}


def _guarded_by_import_error(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether an import sits in a ``try`` whose handlers catch ImportError: an optional feature."""
    while node in parents:
        child, node = node, parents[node]
        if isinstance(node, ast.Try) and child in node.body:
            caught = {ast.unparse(h.type) for h in node.handlers if h.type is not None}
            if caught & {"ImportError", "ModuleNotFoundError"}:
                return True
    return False


def third_party_imports() -> dict[str, bool]:
    """Every top-level module src/parallel imports that is neither the standard library nor ours,
    and whether it is optional: imported somewhere behind ``except ImportError`` (the code that asks
    for it first says which extra to install)."""
    optional: dict[str, bool] = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for top in {name.split(".")[0] for name in names} - set(sys.stdlib_module_names) - {"parallel"}:
                optional[top] = optional.get(top, False) or _guarded_by_import_error(node, parents)
    return optional


def test_every_import_is_declared_by_the_project():
    """A module imported unguarded is a main dependency; one imported only behind ``except
    ImportError`` is declared by an extra.  Nothing is left to a dependency's own requirements."""
    distributions = packages_distributions()
    imports = third_party_imports()
    assert {"ctranslate2", "sentencepiece", "trafilatura", "pyarrow"} <= set(imports)  # the scan sees them
    for module, optional in sorted(imports.items()):
        names = {canonicalize_name(d) for d in distributions.get(module, [module])}
        where = CORE | (set().union(*EXTRAS.values()) if optional else set())
        assert names & where, f"{module} ({'optional' if optional else 'main'} import) is not declared"


def test_pages_need_lxml_html_clean_and_it_is_declared():
    """trafilatura reads pages through jusText, which imports lxml.html.clean: the separate project
    lxml_html_clean, which lxml 6.2 no longer pulls in through an extra."""
    import justext  # noqa: F401  (imports lxml.html.clean)

    assert "lxml.html.clean" in sys.modules
    assert "lxml_html_clean" in sys.modules and "lxml-html-clean" in CORE


def read_lock(path: Path) -> dict[str, tuple[str, list[str]]]:
    """``name -> (version, hashes)`` of a pip-compile lock with hashes."""
    entries: dict[str, tuple[str, list[str]]] = {}
    name = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            name = canonicalize_name(match.group(1))
            entries[name] = (match.group(2), [])
        elif name and (found := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            entries[name][1].append(found.group(1))
        elif not line.startswith(" "):
            name = None
    return entries


def test_locks_pin_every_declared_package_within_its_range_with_hashes():
    main, dev = read_lock(LOCKS / "main.txt"), read_lock(LOCKS / "dev.txt")
    assert main and all(hashes for _, hashes in [*main.values(), *dev.values()])
    for requirement, lock in [(r, main) for r in PYPROJECT["dependencies"]] + [
            (r, dev) for reqs in PYPROJECT["optional-dependencies"].values() for r in reqs]:
        parsed = Requirement(requirement)
        version, _ = lock[canonicalize_name(parsed.name)]
        assert parsed.specifier.contains(Version(version), prereleases=True), (requirement, version)
    assert {name: pin for name, pin in dev.items() if name in main} == main  # the tests run what users get


def test_torch_is_locked_to_its_cpu_build():
    """torch for the tests is `+cpu`, a version PyPI cannot serve, so it can never become a CUDA build;
    requirements/torch.txt (installed first, from the CPU index) is the same entry."""
    version, hashes = read_lock(LOCKS / "dev.txt")["torch"]
    assert Version(version).local == "cpu" and read_lock(LOCKS / "torch.txt") == {"torch": (version, hashes)}
    assert "torch" not in read_lock(LOCKS / "main.txt")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """``python -m build``: the sdist and the wheel of this checkout."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(REPO)],
                   check=True, capture_output=True, text=True)
    return {"wheel": next(out.glob("parallel-*.whl")), "sdist": next(out.glob("parallel-*.tar.gz"))}


@pytest.mark.slow
def test_the_wheel_holds_every_module_and_the_package_data(built):
    inside = set(zipfile.ZipFile(built["wheel"]).namelist())
    expected = {p.relative_to(PACKAGE.parent).as_posix() for p in PACKAGE.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    assert any(name.endswith(".rng") for name in expected) and expected <= inside
    entry_points = next(n for n in inside if n.endswith(".dist-info/entry_points.txt"))
    assert "parallel = parallel.cli.main:main" in zipfile.ZipFile(built["wheel"]).read(entry_points).decode()


def fresh_venv_with_the_wheel(root: Path, wheel: Path) -> Path:
    """A new venv holding the wheel and nothing but what requirements/main.txt locks, every file
    checked against its hash (the wheel's own too): if the wheel needed a package the lock lacks,
    pip would refuse."""
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True, capture_output=True)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    requirements = root / "requirements.txt"
    requirements.write_text(f"-r {LOCKS / 'main.txt'}\nparallel @ {wheel.as_uri()} --hash=sha256:{digest}\n",
                            encoding="utf-8")
    subprocess.run([str(root / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "--require-hashes", "-r", str(requirements)], check=True, capture_output=True, text=True)
    return root / "bin"


def run_installed(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PYTHONPATH": ""}
    return subprocess.run([str(bin_dir / "parallel"), *args], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.mark.slow
def test_the_wheel_alone_runs_the_main_commands(built, marian_zip, seeds_corpus, tmp_path):
    """Installed from the wheel with no extras, outside the checkout: a saved page is read, a release
    zip is imported, and `parallel corpus` on the seeds writes what the checkout writes."""
    bin_dir = fresh_venv_with_the_wheel(tmp_path / "venv", built["wheel"])
    work = tmp_path / "work"
    work.mkdir()
    page = work / "page.html"
    page.write_text(NEWS_PAGE, encoding="utf-8")

    segmented = run_installed(bin_dir, "segment", str(page), cwd=work)
    assert segmented.returncode == 0 and "Traceback" not in segmented.stderr, segmented.stderr
    assert segmented.stdout.splitlines()[:5] == ["معرض الكتاب يفتح أبوابه", "",  # the headline first
                                                 "قالت الوزارة إن المعرض يفتح أبوابه يوم الأحد.",
                                                 "وأضافت أن الدخول مجاني للطلاب.", ""]

    imported = run_installed(bin_dir, "model", "import", str(marian_zip), "--models-dir", "models", cwd=work)
    assert imported.returncode == 0, imported.stderr
    assert (work / "models" / "opus-mt-ar-en" / "manifest.json").is_file()

    corpus = run_installed(bin_dir, "corpus", "--seeds", str(seeds_corpus.seeds), "--out", "corpus",
                           "--models-dir", "models", "--cache", "cache.sqlite", cwd=work)
    assert corpus.returncode == 0, corpus.stderr
    for name in ["ar-en.en", "ar-en.ids", "ar-en.tmx", "ar-en.xlf"]:
        assert (work / "corpus" / name).read_bytes() == (seeds_corpus.out / name).read_bytes(), name

    light = subprocess.run([str(bin_dir / "python"), "-c", "import torch"], capture_output=True)
    assert light.returncode != 0  # the main install holds no torch
    assert subprocess.run([str(bin_dir / "python"), "-c", "import pyarrow"], capture_output=True).returncode != 0
    parquet = run_installed(bin_dir, "check", str(seeds_corpus.out / "ar-en.ar"), str(seeds_corpus.out / "ar-en.en"),
                            "--parquet", "flags.parquet", cwd=work)
    assert parquet.returncode == 3 and parquet.stderr.strip().splitlines() == [
        "error: Parquet needs pyarrow: pip install 'parallel[parquet]'"]
    assert not (work / "flags.parquet").exists()


NEWS_PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>معرض الكتاب يفتح أبوابه</title></head>
<body><nav><a href="/">الرئيسية</a> | <a href="/news">أخبار</a></nav>
<article><h1>معرض الكتاب يفتح أبوابه</h1>
<p>قالت الوزارة إن المعرض يفتح أبوابه يوم الأحد. وأضافت أن الدخول مجاني للطلاب.</p>
<p>ويشارك في المعرض أكثر من 300 دار نشر من 25 دولة، بحسب المنظمين.</p>
</article><footer>جميع الحقوق محفوظة</footer></body></html>
"""
