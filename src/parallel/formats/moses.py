"""Moses plain text: line-aligned ``.ar`` / ``.en`` files plus ``.ids`` naming each line's segment.

Only the characters that some reader treats as a line end (``str.splitlines``: LF, CR, VT, FF,
FS/GS/RS, NEL, U+2028/U+2029) are replaced, by a space, so the files stay line-aligned for every
tool; all other text, tabs and control characters included, is written as it is.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from parallel.errors import InputError
from parallel.files import atomic_write
from parallel.formats.base import Writer
from parallel.records import Translation

_LINE_BREAKS_RE = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with every character that could end a line replaced by a space."""
    return _LINE_BREAKS_RE.sub(" ", text)


def moses_paths(stem: Path, source_language: str = "ar", target_language: str = "en") -> dict[str, Path]:
    """The three files of a Moses corpus: ``<stem>.<src>``, ``<stem>.<tgt>`` and ``<stem>.ids``."""
    stem = Path(stem)
    return {kind: stem.with_name(f"{stem.name}.{suffix}")
            for kind, suffix in (("source", source_language), ("target", target_language), ("ids", "ids"))}


def write_moses(stem: Path, translations: Iterable[Translation], source_language: str = "ar",
                target_language: str = "en") -> dict[str, Path]:
    """Write the Moses files of ``translations``: ``STEM.ar``, ``STEM.en`` and ``STEM.ids``, line-
    aligned, each atomically."""
    rows = ((t.segment.id, t.segment.text, t.text) for t in translations)
    return write_moses_rows(stem, rows, source_language, target_language)


class MosesWriter(Writer):
    """Three line-aligned files (``STEM.ar``, ``STEM.en``, ``STEM.ids``) written a row at a time
    (``write((id, source, target))``)."""

    def __init__(self, stem: Path, source_language: str = "ar", target_language: str = "en") -> None:
        super().__init__()
        self.paths = moses_paths(stem, source_language, target_language)

    def _open(self, stack) -> None:
        self._files = [stack.enter_context(atomic_write(self.paths[k])) for k in ("ids", "source", "target")]

    def write(self, row: tuple[str, str, str]) -> None:
        """Write one (source, target, id) row, one line in each file (newlines inside a text become spaces)."""
        for handle, text in zip(self._files, row):
            handle.write(one_line(text) + "\n")
        self.counts["units"] += 1


def open_moses(stem: Path, source_language: str = "ar", target_language: str = "en") -> MosesWriter:
    """Three line-aligned files written row by row; they appear only when the block succeeds."""
    return MosesWriter(stem, source_language, target_language)


def write_moses_rows(stem: Path, rows: Iterable[tuple[str, str, str]], source_language: str = "ar",
                     target_language: str = "en") -> dict[str, Path]:
    """Write (id, source, target) rows as three line-aligned files."""
    with open_moses(stem, source_language, target_language) as writer:
        writer.write_all(rows)
    return writer.paths


def _lines(path: Path) -> list[str]:
    """Lines split on LF only, as the writer ends them (``splitlines`` would split more)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 (byte {exc.start})") from exc
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def read_moses(stem: Path, source_language: str = "ar", target_language: str = "en") -> list[tuple[str, str, str]]:
    """(id, source, target) triples; the three files must have the same number of lines."""
    paths = moses_paths(stem, source_language, target_language)
    columns = [_lines(paths[k]) for k in ("ids", "source", "target")]
    if len({len(c) for c in columns}) != 1:
        counts = ", ".join(f"{paths[k].name} {len(c)}" for k, c in zip(("ids", "source", "target"), columns))
        raise InputError(f"{stem}: Moses files differ in line count ({counts})")
    return list(zip(*columns))
