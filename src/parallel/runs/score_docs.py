"""``parallel score-docs``: any system's translations (JSONL records) scored against reference
articles at document, paragraph and sentence level, with a review page if asked for."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from parallel.formats.jsonl import read_translations
from parallel.reports.review import write_scored_review
from parallel.score.metrics import DEFAULT_METRICS, DEFAULT_WIDTH
from parallel.score.references import format_document_scores, score_documents


@dataclass
class DocumentScores:
    """The three levels of scores (as the corpus report gives them) with their signatures."""

    scores: dict

    def to_json(self) -> dict:
        """The scores as JSON."""
        return self.scores

    def format(self, width: int = DEFAULT_WIDTH, as_json: bool = False) -> str:
        """The scores for people (``width`` decimals), or as indented JSON."""
        return json.dumps(self.scores, indent=2, ensure_ascii=False) if as_json else \
            format_document_scores(self.scores, width)


def score_translation_file(translations_path: Path, references: Iterable[Path],
                           metrics: Iterable[str] = DEFAULT_METRICS, review_path: Path | None = None) -> DocumentScores:
    """Score the translation records of ``translations_path`` against ``references`` (``<doc>.en.txt``
    files or folders of them); with ``review_path``, also write the review page."""
    read = list(read_translations(translations_path))
    translations = [translation for translation, _ in read]
    scores, alignments = score_documents(translations, references, metrics)
    if review_path is not None:
        write_scored_review(review_path, translations, alignments, {model for _, model in read}, translations_path)
    return DocumentScores(scores)
