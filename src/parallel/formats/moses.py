"""Moses plain text: line-aligned ``.ar`` / ``.en`` files plus ``.ids`` naming each line's segment.

Only the characters that some reader treats as a line end (``str.splitlines``: LF, CR, VT, FF,
FS/GS/RS, NEL, U+2028/U+2029) are replaced, by a space, so the files stay line-aligned for every
tool; all other text, tabs and control characters included, is written as it is.
"""
from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..documents import Translation
from ..errors import InputError
from ..files import atomic_write

_LINE_BREAKS_RE = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with every character that could end a line replaced by a space."""
    return _LINE_BREAKS_RE.sub(" ", text)


def moses_paths(stem: Path, source_language: str = "ar", target_language: str = "en") -> dict[str, Path]:
    stem = Path(stem)
    return {kind: stem.with_name(f"{stem.name}.{suffix}")
            for kind, suffix in (("source", source_language), ("target", target_language), ("ids", "ids"))}


def write_moses(stem: Path, translations: Iterable[Translation], source_language: str = "ar",
                target_language: str = "en") -> dict[str, Path]:
    """Write the Moses files of ``translations``: ``STEM.ar``, ``STEM.en`` and ``STEM.ids``, line-aligned, each atomically."""
    rows = ((t.segment.id, t.segment.text, t.text) for t in translations)
    return write_moses_rows(stem, rows, source_language, target_language)


@contextlib.contextmanager
def open_moses(stem: Path, source_language: str = "ar",
               target_language: str = "en") -> Iterator[Callable[[str, str, str], None]]:
    """Three line-aligned files written row by row; yields ``write(id, source, target)``.  The
    files appear only when the block succeeds."""
    paths = moses_paths(stem, source_language, target_language)
    with contextlib.ExitStack() as stack:
        source, target, ids = (stack.enter_context(atomic_write(paths[k])) for k in ("source", "target", "ids"))

        def write(ident: str, source_text: str, target_text: str) -> None:
            source.write(one_line(source_text) + "\n")
            target.write(one_line(target_text) + "\n")
            ids.write(one_line(ident) + "\n")

        yield write


def write_moses_rows(stem: Path, rows: Iterable[tuple[str, str, str]], source_language: str = "ar",
                     target_language: str = "en") -> dict[str, Path]:
    """Write (id, source, target) rows as three line-aligned files."""
    with open_moses(stem, source_language, target_language) as write:
        for row in rows:
            write(*row)
    return moses_paths(stem, source_language, target_language)


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
