"""``parallel segment`` and ``parallel translate`` (the local engine) as runs: articles in, lines of
text or JSON records out, streamed, so that the command line only parses, calls and prints.

Both read every input once through before writing anything (bad input fails before any output),
then stream: memory stays flat however many articles there are.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from parallel.formats.jsonl import translation_record
from parallel.read.articles import read_article
from parallel.records import Translation
from parallel.runs.engine import EngineConfig, open_engine
from parallel.segment.sentences import count_segments, segment_document, segment_record, segments_of


def _paragraph_lines(items: Iterable[tuple[tuple, str]]) -> Iterator[str]:
    """Texts one a line, a blank line where the place (document, paragraph) changes."""
    previous = None
    for place, text in items:
        if previous is not None and place != previous:
            yield ""
        yield text
        previous = place


def segmented_lines(paths: list[Path], jsonl: bool = False) -> Iterator[str]:
    """Every article's sentences, one a line, a blank line between paragraphs and between articles;
    or ``segment --jsonl`` records.  Every article is read before the first line is given."""
    documents = [read_article(path) for path in paths]
    segments = (segment for document in documents for segment in segment_document(document))
    if jsonl:
        return (json.dumps(segment_record(s), ensure_ascii=False) for s in segments)
    return _paragraph_lines(((s.doc_id, s.para), s.text) for s in segments)


def translated(paths: list[Path], engine: EngineConfig, lines: bool = False,
               total: int | None = None) -> Iterator[tuple[Translation, str]]:
    """Each segment's translation and the model's name, streamed through ``engine`` (local: a
    Ray engine translates into files, ``runs.ray_engine``).  Every input is read once through
    first (unless the caller did: ``total``), so bad input fails before any translation."""
    total = count_segments(paths, lines) if total is None else total
    with open_engine(engine) as opened:
        translator = opened.translator
        for translation in translator.translate_stream(segments_of(paths, lines), total=total):
            yield translation, translator.model_name


def translated_lines(paths: list[Path], engine: EngineConfig, lines: bool = False, jsonl: bool = False,
                     total: int | None = None) -> Iterator[str]:
    """What ``parallel translate`` prints: the translations one a line (a blank line between
    paragraphs, none with ``lines``, so a test set stays line-aligned), or JSONL records."""
    results = translated(paths, engine, lines, total)
    if jsonl:
        return (json.dumps(translation_record(t, model), ensure_ascii=False) for t, model in results)
    if lines:
        return (t.text for t, _ in results)
    return _paragraph_lines(((t.segment.doc_id, t.segment.para), t.text) for t, _ in results)
