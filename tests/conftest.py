"""Shared fixtures: a tiny Marian model built from local text, a loopback HTTP server, CLI runner."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

sys.path.insert(0, str(Path(__file__).parent))
import tinymodel  # noqa: E402
from parallel.cli.main import cli  # noqa: E402
from parallel.read.articles import read_article  # noqa: E402
from parallel.translate.models import import_model  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
FLORES = SHARED / "testsets" / "ara-eng"     # line-aligned test sets; never committed here
FLORES_ENGLISH = FLORES / "flores200-dev.eng"


def english_lines() -> list[str]:
    """English text to train the target SentencePiece model: FLORES dev when present, else our docs."""
    if FLORES_ENGLISH.is_file():
        return FLORES_ENGLISH.read_text(encoding="utf-8").splitlines()[:600]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "src").rglob("*.py")))
    return [line.strip() for line in text.splitlines() if line.strip()]


def arabic_lines() -> list[str]:
    return [p for path in sorted(SEEDS.glob("*.txt")) if not path.name.endswith(".en.txt")
            for p in read_article(path).paragraphs]


@pytest.fixture(scope="session")
def marian_dir(tmp_path_factory) -> Path:
    """An OPUS-MT release folder (Marian .npz, vocab .yml, decoder.yml, source/target.spm)."""
    return tinymodel.write_marian_model(tmp_path_factory.mktemp("marian") / "release", arabic_lines(), english_lines())


@pytest.fixture(scope="session")
def marian_zip(marian_dir, tmp_path_factory) -> Path:
    """The release zipped under the real release's file name."""
    return tinymodel.zip_folder(marian_dir, tmp_path_factory.mktemp("zips") / "opus-2019-12-18.zip")


@pytest.fixture(scope="session")
def installed_models(marian_zip, tmp_path_factory) -> Path:
    """A models folder holding the tiny model converted to CTranslate2 as ``opus-mt-ar-en``."""
    models = tmp_path_factory.mktemp("models")
    import_model(marian_zip, models_dir=models)
    return models


@dataclass(frozen=True)
class CorpusRun:
    """A finished ``parallel corpus`` run: its seeds, output folder, cache and what it printed."""
    seeds: Path
    out: Path
    cache: Path
    output: str


SOURCE_DATE_EPOCH = "1700000000"


@pytest.fixture(scope="session")
def seeds_corpus(installed_models, tmp_path_factory) -> CorpusRun:
    """One ``parallel corpus`` run on a copy of the seeds with the tiny model (SOURCE_DATE_EPOCH set),
    shared by every test that only reads what a run wrote.  Read-only: a test that changes the seeds
    or writes into the output folder runs its own."""
    root = tmp_path_factory.mktemp("seeds-corpus")
    seeds, out, cache = root / "seeds", root / "corpus", root / "cache.sqlite"
    shutil.copytree(SEEDS, seeds)
    result = CliRunner().invoke(cli, ["corpus", "--seeds", str(seeds), "--out", str(out), "--models-dir",
                                      str(installed_models), "--cache", str(cache)],
                                env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    assert result.exit_code == 0, result.output
    return CorpusRun(seeds, out, cache, result.output)


@pytest.fixture
def model_dir(installed_models) -> Path:
    return installed_models / "opus-mt-ar-en"


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


@pytest.fixture
def http_root(tmp_path):
    """Serve a folder on 127.0.0.1 (loopback only); yields (folder, base URL)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def closed_port_url() -> str:
    """A loopback URL nothing listens on: a download from it fails at once."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/opus-2019-12-18.zip"


REQUIRE_EXTERNAL = os.environ.get("PARALLEL_REQUIRE_EXTERNAL") == "1"  # `make test` sets it


def external_tool_or_skip(names: tuple[str, ...], package: str) -> str:
    """The path of the first of ``names`` on PATH; a skip when none is, a failure under `make test`."""
    path = next((found for found in map(shutil.which, names) if found), None)
    if path is None:
        message = f"{names[0]} is not installed (Debian package {package}; `make test-tools` installs it)"
        if REQUIRE_EXTERNAL:
            pytest.fail(message)
        pytest.skip(message)
    return path


def article(folder: Path, prefix: str) -> Path:
    """The Arabic article whose name starts with ``prefix`` (not its ``.en.txt`` reference)."""
    return next(p for p in sorted(folder.glob(f"{prefix}*.txt")) if not p.name.endswith(".en.txt"))


XLIFF_NS = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
DELETE = object()  # edit_units: remove the <target> element


def edit_units(path: Path, edits: dict[str, tuple[object, str | None]]) -> None:
    """Play a translator: per unit id, new target text (``DELETE`` removes the target, None keeps
    it) and new state (None keeps it)."""
    tree = etree.parse(str(path))
    for unit_id, (text, state) in edits.items():
        target = tree.find(f".//x:trans-unit[@id='{unit_id}']/x:target", XLIFF_NS)
        if text is DELETE:
            target.getparent().remove(target)
            continue
        if text is not None:
            target.text = text
        if state is not None:
            target.set("state", state)
            target.attrib.pop("state-qualifier", None)
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)
