"""Measuring sentence segmentation against a line-aligned test set.

Documents are built from the test file: consecutive lines with the same document id are joined
with one space (with ``title`` the first line of each document stays on its own line, as a
headline does in an article).  The gold sentences are the lines.  A boundary is a character
offset in the document's text with all white space removed, so spacing never counts; the end of
a document is not a boundary (every segmenter gets it for free).

Precision, recall and F1 are summed over boundaries of all documents.  Line-aligned sets such as
FLORES-200 keep some sentences together on one line, so a correct cut inside such a line counts
as a false split here; ``errors`` shows them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from parallel.errors import InputError
from parallel.read.textfiles import read_lines
from parallel.segment.registry import Segmenter
from parallel.segment.sentences import split_text

_WHITESPACE_RE = re.compile(r"\s+")
CONTEXT = 30


@dataclass
class TestDocument:
    """A document of a segmentation test set: its gold sentences and the text the segmenter sees."""
    id: str
    sentences: list[str]           # gold: one per line of the test file
    text: str                      # what the segmenter sees


@dataclass
class BoundaryError:
    """A boundary the segmenter missed or made wrongly, with the text on either side."""
    document: str
    kind: str                      # "missed" (gold boundary not found) or "false" (cut not in gold)
    before: str                    # the text before the boundary, as written (spaces kept)
    after: str


@dataclass
class SegmentationScores:
    """Boundary counts of a segmenter against the gold, with precision, recall and F1."""
    documents: int
    gold_boundaries: int
    system_boundaries: int
    true_positives: int
    errors: list[BoundaryError] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of the segmenter's boundaries that are in the gold."""
        return self.true_positives / self.system_boundaries if self.system_boundaries else 0.0

    @property
    def recall(self) -> float:
        """Share of the gold boundaries the segmenter found."""
        return self.true_positives / self.gold_boundaries if self.gold_boundaries else 0.0

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self, errors: int = 0) -> dict:
        """Counts and P/R/F1 (four decimals), with the first ``errors`` errors."""
        result = {"documents": self.documents, "gold_boundaries": self.gold_boundaries,
                  "system_boundaries": self.system_boundaries, "true_positives": self.true_positives,
                  "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                  "f1": round(self.f1, 4)}
        if errors:
            result["errors"] = [vars(e) for e in self.errors[:errors]]
        return result

    def format(self, errors: int = 0) -> str:
        """Precision, recall and F1 on a line, then the first ``errors`` errors with their context."""
        lines = [f"precision {self.precision:.4f}  recall {self.recall:.4f}  F1 {self.f1:.4f}"]
        lines += [f"{e.kind:6}  {e.document}  {e.before} | {e.after}" for e in self.errors[:errors]]
        return "\n".join(lines)


def read_test_documents(text_path: Path, docids_path: Path, title: bool = False,
                        own_line_path: Path | None = None) -> list[TestDocument]:
    """Documents of a line-aligned test file; ``docids`` gives each line's document id (first
    tab-separated field).  Each document's text joins its lines with a space, except after a line
    marked 1 in ``own_line_path`` (the corrected gold's ``.ownline``: a sentence without final
    punctuation, a heading or caption that stands on its own line in an article) or, with
    ``title``, after the first line."""
    lines = read_lines(text_path)
    ids = [line.split("\t", 1)[0].strip() for line in read_lines(docids_path)]
    if len(lines) != len(ids):
        raise InputError(f"line counts differ: {text_path} {len(lines)}, {docids_path} {len(ids)}")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            raise InputError(f"{text_path}: line {number} is empty; every line must hold a sentence")
    own_line = _own_line_flags(own_line_path, len(lines)) if own_line_path else [False] * len(lines)
    documents: list[TestDocument] = []
    breaks: list[list[bool]] = []
    for line, doc_id, alone in zip(lines, ids, own_line):
        if not documents or documents[-1].id != doc_id:
            documents.append(TestDocument(doc_id, [], ""))
            breaks.append([])
        documents[-1].sentences.append(line.strip())
        breaks[-1].append(alone or (title and len(breaks[-1]) == 0))
    for document, after in zip(documents, breaks):
        document.text = "".join(sentence + ("\n" if alone else " ")
                                for sentence, alone in zip(document.sentences, after)).strip()
    return documents


def _own_line_flags(path: Path, expected: int) -> list[bool]:
    flags = [line.strip() for line in read_lines(path)]
    if len(flags) != expected:
        raise InputError(f"line counts differ: {path} {len(flags)}, expected {expected}")
    bad = next((n for n, flag in enumerate(flags, start=1) if flag not in ("0", "1")), None)
    if bad is not None:
        raise InputError(f"{path}: line {bad} is {flags[bad - 1]!r}; expected 0 or 1")
    return [flag == "1" for flag in flags]


def gold_paths(stem: Path) -> tuple[Path, Path, Path]:
    """The corrected gold's three files for ``STEM`` (``…/seggold/flores200-dev.ara``):
    ``STEM.sent``, ``STEM.docids``, ``STEM.ownline``."""
    stem = Path(stem)
    return tuple(stem.with_name(f"{stem.name}.{suffix}") for suffix in ("sent", "docids", "ownline"))


def boundaries(sentences: Sequence[str]) -> list[int]:
    """Offsets, in the white-space-free text, where one sentence ends and the next begins."""
    offsets, position = [], 0
    for sentence in sentences:
        position += len(_WHITESPACE_RE.sub("", sentence))
        offsets.append(position)
    return offsets[:-1]


def context(text: str, offset: int) -> tuple[str, str]:
    """The text on either side of a boundary at ``offset`` (counted in non-space characters, as
    ``boundaries`` counts), as written: ``CONTEXT`` characters each side, spaces kept."""
    visible = [match.start() for match in re.finditer(r"\S", text)]
    position = visible[offset] if offset < len(visible) else len(text)
    return text[:position].rstrip()[-CONTEXT:], text[position:][:CONTEXT]


def evaluate_segmentation(documents: Sequence[TestDocument], segmenter: Segmenter = split_text) -> SegmentationScores:
    """Boundary precision/recall/F1 of ``segmenter`` on ``documents``, with every error listed."""
    scores = SegmentationScores(len(documents), 0, 0, 0)
    for document in documents:
        gold = set(boundaries(document.sentences))
        predicted_sentences = segmenter(document.text)
        if _WHITESPACE_RE.sub("", "".join(predicted_sentences)) != _WHITESPACE_RE.sub("", document.text):
            raise ValueError(f"document {document.id}: the segmenter changed the text")
        predicted = set(boundaries(predicted_sentences))
        scores.gold_boundaries += len(gold)
        scores.system_boundaries += len(predicted)
        scores.true_positives += len(gold & predicted)
        for kind, offsets in (("missed", gold - predicted), ("false", predicted - gold)):
            scores.errors.extend(BoundaryError(document.id, kind, *context(document.text, offset))
                                 for offset in sorted(offsets))
    return scores


def language_of(path: Path) -> str:
    """``ar`` or ``en`` from a test file's extension (``.ara``/``.ar``, ``.eng``/``.en``)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in ("ara", "ar", "arb"):
        return "ar"
    if suffix in ("eng", "en"):
        return "en"
    raise InputError(f"{path}: cannot tell the language from the extension; give --lang ar|en")
