"""Rule-based sentence segmentation for Arabic (and English) news text.

Rules, first version:
- a line break always ends a segment (paragraphs are lines);
- a sentence ends after a run of terminal marks ``. ! ? ؟ …`` followed by white space, and the
  closing quotes and brackets that follow the marks belong to the sentence they close;
- never on the Arabic comma ``،`` or semicolon ``؛``;
- never inside numbers (``3.5``, ``23.11.2023``): a mark not followed by white space ends nothing;
- not after a single-letter initial or a Latin abbreviation made of initials (``د.``, ``U.S.``),
  nor after a two-dot web ellipsis (``..``) used inside a headline.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from .documents import Document, Segment

TERMINALS = ".!?؟…"
CLOSERS = "\"'”“’»)]}›"

_BOUNDARY_RE = re.compile(
    r"(?P<marks>[%s]+)(?P<closers>[%s]*)(?=\s+\S)" % (re.escape(TERMINALS), re.escape(CLOSERS))
)
# The word right before a final dot, when it is an initial or a string of initials:
# "د." "م." "U.S." "Ph.D." "J.K." — abbreviations, not sentence ends.
_INITIALS_RE = re.compile(r"(?:^|[\s(«\"“])(?:[^\W\d_]\.)*[^\W\d_]{1,2}$")


def _is_abbreviation(text_before: str, marks: str) -> bool:
    if marks != ".":
        return False
    match = _INITIALS_RE.search(text_before)
    if not match:
        return False
    word = match.group(0).lstrip(" («\"“\t")
    letters = word.replace(".", "")
    # One letter (an initial), or a dotted string of initials.  Two undotted letters only when
    # Latin capitals (e.g. "Mr", "Dr" are handled by the English rules of a later version).
    return len(letters) == 1 or "." in word


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph (a single line) into sentences."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY_RE.finditer(paragraph):
        marks = match.group("marks")
        if marks == ".." or _is_abbreviation(paragraph[start : match.start()], marks):
            continue
        end = match.end()
        sentence = paragraph[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = end
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def segment_document(document: Document) -> list[Segment]:
    """Segments with stable ids ``<doc>:<para>:<sent>`` (1-based)."""
    return [
        Segment(document.id, para, index, sentence)
        for para, paragraph in enumerate(document.paragraphs, start=1)
        for index, sentence in enumerate(split_sentences(paragraph), start=1)
    ]


def segment_documents(documents: Iterable[Document]) -> Iterator[Segment]:
    for document in documents:
        yield from segment_document(document)


def segment_record(segment: Segment) -> dict:
    """The JSONL record of ``parallel segment --jsonl``."""
    return {"id": segment.id, "doc": segment.doc_id, "para": segment.para,
            "sent": segment.index, "text": segment.text}
