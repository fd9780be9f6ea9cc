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


SOURCE = REPO / "src" / "parallel"


def _module_name(path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path) -> set[str]:
    """The ``parallel`` modules a module imports (relative imports resolved, any depth in the file)."""
    import ast

    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.startswith("parallel"):
                names = [f"{module}.{alias.name}" for alias in node.names]
                found.add(module)
                found.update(n for n in names if (SOURCE.parent / n.replace(".", "/")).with_suffix(".py").is_file())
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("parallel"))
    return found - {"parallel"}


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in SOURCE.rglob("*.py")}
    return {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}


# The house, floor by floor from the bottom: a subsystem (a package, or a leaf module directly under
# parallel/) imports only from floors below its own; docs/architecture.md draws the same floors.
FLOORS = [
    {"parallel", "parallel.errors", "parallel.records", "parallel.progress", "parallel.text_rules"},
    {"parallel.files"},
    {"parallel.formats"},
    {"parallel.read"},
    {"parallel.segment", "parallel.checks"},
    {"parallel.alignment", "parallel.translate", "parallel.filters"},
    {"parallel.score", "parallel.pairing"},
    {"parallel.reports"},
    {"parallel.runs"},
    {"parallel.cli"},
]


def _subsystem(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_every_import_runs_down_the_floors():
    graph = _graph()
    floor = {name: level for level, names in enumerate(FLOORS) for name in names}
    assert {_subsystem(m) for m in graph} == set(floor)  # every subsystem has its floor, and no other exists
    assert "parallel.runs.corpus" in graph and "parallel.segment.sentences" in graph["parallel.runs.corpus"]
    for module, imported in graph.items():
        for other in imported:
            here, there = _subsystem(module), _subsystem(other)
            assert here == there or floor[there] < floor[here], f"{module} imports {other}: up or sideways"


def test_at_most_twelve_modules_lie_directly_in_the_package():
    assert len(list(SOURCE.glob("*.py"))) <= 12


def test_the_architecture_page_draws_the_floors():
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \|", page, re.M)
    drawn = [{"parallel" if name == "parallel/__init__" else "parallel." + name.rstrip("/")
              for name in re.findall(r"`([\w/]+)`", cells)} for _, cells in rows]
    assert drawn == FLOORS


def test_the_import_graph_has_no_circle():
    graph = _graph()
    state: dict[str, int] = {}

    def visit(module, trail):
        state[module] = 1
        for imported in sorted(graph[module]):
            assert state.get(imported) != 1, "import circle: " + " -> ".join(trail + [module, imported])
            if imported not in state:
                visit(imported, trail + [module])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


def test_no_module_is_over_400_lines():
    lengths = {str(p.relative_to(SOURCE)): len(p.read_text(encoding="utf-8").splitlines()) for p in SOURCE.rglob("*.py")}
    assert max(lengths.values()) <= 400, {k: v for k, v in lengths.items() if v > 400}


def test_every_public_definition_has_a_docstring():
    """Classes, functions and methods whose names do not start with ``_``, in every module."""
    import ast

    missing = []
    for path in sorted(SOURCE.rglob("*.py")):
        def visit(body, prefix):
            for node in body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                        and not node.name.startswith("_"):
                    if ast.get_docstring(node) is None:
                        missing.append(f"{prefix}{node.name}")
                    if isinstance(node, ast.ClassDef):
                        visit(node.body, f"{prefix}{node.name}.")
        visit(ast.parse(path.read_text(encoding="utf-8")).body, f"{path.relative_to(SOURCE)}: ")
    assert not missing, missing


def test_no_block_of_six_lines_is_written_twice():
    """Six or more identical lines (blank lines and lone brackets aside) in two places of src/ are code
    to share; ``duplicates`` finds blocks alike in shape too.  Import lists may agree."""
    first_seen: dict[tuple[str, ...], tuple[str, int, int]] = {}
    repeated = []
    for path in sorted(SOURCE.rglob("*.py")):
        numbered = enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        lines = [(number, text.strip()) for number, text in numbered
                 if text.strip() and text.strip() not in {")", "]", "}", "):", "),", '"""'}]
        name = str(path.relative_to(SOURCE))
        for index in range(len(lines) - 5):
            block = tuple(text for _, text in lines[index:index + 6])
            if all(text.startswith(("from ", "import ", "#")) for text in block):
                continue
            where = first_seen.setdefault(block, (name, index, lines[index][0]))
            if where[0] != name or index - where[1] >= 6:
                repeated.append((f"{where[0]}:{where[2]}", f"{name}:{lines[index][0]}"))
    assert not repeated, repeated
