"""Pairs from document pairs that `pair-docs` was not sure of."""
from __future__ import annotations

import click

from parallel.filters.base import FilterOption, PairFilter


class DocumentScoreFilter(PairFilter):
    """Drops a pair whose ``document_score`` (the probability that its two documents translate each
    other, from ``pair-docs --align``) is below the threshold; a pair without one is kept."""

    name = "min_document_score"
    option = FilterOption("min_document_score", "--min-document-score", click={"type": click.FloatRange(0, 1)},
                          help="Drop pairs whose documents pair-docs paired with less than this probability.")

    def __init__(self, value: float) -> None:
        super().__init__(value)
        self.unscored = 0

    def removes(self, record: dict) -> bool:
        """Whether the pair's document score is below the threshold (a pair without one is counted)."""
        score = record.get("document_score")
        if score is None:
            self.unscored += 1
            return False
        return float(score) < self.value

    def notes(self) -> list[str]:
        """How many pairs had no document score (they do not come from `pair-docs --align`)."""
        if not self.unscored:
            return []
        return [f"--min-document-score: {self.unscored} pair(s) have no document score and were kept"]
