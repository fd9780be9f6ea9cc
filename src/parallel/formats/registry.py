"""Record formats by name and by suffix: the one way every run writes its records and reads them back.

A record is a dict — a translation, an aligned pair, a check — as the JSONL files hold it.  Each
format module that can carry records defines a ``RecordFormat`` named ``RECORDS``, and one line in
``FORMATS`` makes it known: ``filter --out X.<suffix>``, ``align --parquet``, ``check --parquet``,
``corpus --parquet``, the Ray engine's ``--format`` and ``filter``'s input all find it here.  The
modules are imported on first use, so that pyarrow, say, is imported only for Parquet.

Adding a format: write ``formats/<name>.py`` with ``RECORDS = RecordFormat(...)`` and add its line
to ``FORMATS`` (docs/architecture.md has a worked example).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from parallel.errors import InputError
from parallel.formats.base import Writer
from parallel.formats.provenance import Provenance

# name -> "module:attribute" of its RecordFormat
FORMATS: dict[str, str] = {
    "jsonl": "parallel.formats.jsonl:RECORDS",
    "parquet": "parallel.formats.parquet:RECORDS",
    "tmx": "parallel.formats.tmx:RECORDS",
    "xliff": "parallel.formats.xliff:RECORDS",
}


@dataclass(frozen=True)
class RecordFormat:
    """A format that carries records: its name, the file suffixes that choose it, a writer of records
    (``open(path, kind, provenance)``; ``kind`` is "translation", "pair", "site_pair" or "check") and, where the
    format can be read back, a reader of records."""

    name: str
    suffixes: tuple[str, ...]
    open: Callable[[Path, str, Provenance | None], Writer] | None
    read: Callable[[Path], Iterator[dict]] | None = None
    available: Callable[[], object] | None = None   # raises when a package the format needs is missing


def record_format(name: str) -> RecordFormat:
    """The format called ``name`` (``InputError`` naming the known ones otherwise)."""
    if name not in FORMATS:
        raise InputError(f"unknown format {name!r} (known: {', '.join(sorted(FORMATS))})")
    module, attribute = FORMATS[name].split(":")
    return getattr(importlib.import_module(module), attribute)


def format_of(path: Path) -> RecordFormat:
    """The format a file's suffix names (``InputError`` naming the file and the known suffixes otherwise)."""
    suffix = Path(path).suffix.lower()
    formats = [record_format(name) for name in FORMATS]
    found = next((f for f in formats if suffix in f.suffixes), None)
    if found is None:
        known = ", ".join(s for f in formats for s in f.suffixes)
        raise InputError(f"{path}: no record format has the suffix {suffix or '(none)'!r} (known: {known})")
    return found


def writable_format(name: str | None = None, path: Path | None = None) -> RecordFormat:
    """The format ``name`` (or ``path``'s suffix) names, checked before any work: one that can be
    written, with what it needs installed (pyarrow for Parquet)."""
    chosen = record_format(name) if name else format_of(path)
    if chosen.open is None:
        raise InputError(f"{path or name}: {chosen.name} files can be read as pairs but not written; "
                         f"write one of: {', '.join(n for n in FORMATS if record_format(n).open)}")
    if chosen.available is not None:
        chosen.available()
    return chosen


def open_records(path: Path, kind: str, provenance: Provenance | None = None, name: str | None = None) -> Writer:
    """A writer of ``kind`` records into ``path``, in the format ``name`` or else the one its suffix
    names; the file appears only when the block succeeds."""
    return writable_format(name, path).open(Path(path), kind, provenance)


def read_records(path: Path) -> Iterator[dict]:
    """The records of a file, in the format its suffix names."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: {'a folder, not a file' if path.is_dir() else 'no such file'}")
    chosen = format_of(path)
    if chosen.read is None:
        raise InputError(f"{path}: {chosen.name} files can be written but not read back")
    return chosen.read(path)
