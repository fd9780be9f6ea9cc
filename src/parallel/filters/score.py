"""Pairs whose alignment score is below a threshold."""
from __future__ import annotations

import click

from parallel.filters.base import FilterOption, PairFilter


class ScoreFilter(PairFilter):
    """Drops a pair whose ``alignment_score`` is below the threshold (a pair without one is kept)."""

    name = "min_score"
    option = FilterOption("min_score", "--min-score", click={"type": click.FloatRange(0, 1)},
                          help="Drop pairs whose alignment score is below this.")

    def removes(self, record: dict) -> bool:
        """Whether the pair's alignment score is below the threshold."""
        score = record.get("alignment_score")
        return score is not None and score < self.value
