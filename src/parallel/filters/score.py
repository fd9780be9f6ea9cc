"""Pairs whose alignment score is below a threshold."""
from __future__ import annotations

import click

from parallel.filters.base import FilterOption, PairFilter


class ScoreFilter(PairFilter):
    """Drops a pair whose ``alignment_score`` is below the threshold (a pair without one is kept)."""

    name = "min_score"
    option = FilterOption("min_score", "--min-score", click={"type": click.FloatRange(0, 1)},
                          help="Drop pairs whose alignment score is below this.")

    def __init__(self, value: float) -> None:
        super().__init__(value)
        self.unscored = 0

    def removes(self, record: dict) -> bool:
        """Whether the pair's alignment score is below the threshold (a pair without one is counted)."""
        score = record.get("alignment_score")
        if score is None:
            self.unscored += 1
            return False
        return score < self.value

    def notes(self) -> list[str]:
        """How many pairs had no alignment score to compare (corpus records have none: they are MT)."""
        if not self.unscored:
            return []
        return [f"--min-score: {self.unscored} pair(s) have no alignment score and were kept"]
