"""Moses plain text: line-aligned ``.ar`` / ``.en`` files plus ``.ids`` naming each line's segment."""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterable

from ..documents import Translation
from ..files import atomic_write


def _one_line(text: str) -> str:
    """Line-aligned files cannot hold line breaks inside a segment."""
    return " ".join(text.split())


def moses_paths(stem: Path, source_language: str = "ar", target_language: str = "en") -> dict[str, Path]:
    stem = Path(stem)
    return {kind: stem.with_name(f"{stem.name}.{suffix}")
            for kind, suffix in (("source", source_language), ("target", target_language), ("ids", "ids"))}


def write_moses(stem: Path, translations: Iterable[Translation], source_language: str = "ar",
                target_language: str = "en") -> dict[str, Path]:
    paths = moses_paths(stem, source_language, target_language)
    with contextlib.ExitStack() as stack:
        source, target, ids = (stack.enter_context(atomic_write(paths[k])) for k in ("source", "target", "ids"))
        for translation in translations:
            source.write(_one_line(translation.segment.text) + "\n")
            target.write(_one_line(translation.text) + "\n")
            ids.write(translation.segment.id + "\n")
    return paths


def read_moses(stem: Path, source_language: str = "ar", target_language: str = "en") -> list[tuple[str, str, str]]:
    """(id, source, target) triples; the files must have the same number of lines."""
    paths = moses_paths(stem, source_language, target_language)
    columns = [paths[k].read_text(encoding="utf-8").splitlines() for k in ("ids", "source", "target")]
    if len({len(c) for c in columns}) != 1:
        raise ValueError(f"{stem}: Moses files differ in line count")
    return list(zip(*columns))
