"""Pairs whose alignment score is below a threshold; ``ThresholdFilter`` serves any score field."""
from __future__ import annotations

import click

from parallel.filters.base import FilterOption, PairFilter


class ThresholdFilter(PairFilter):
    """Drops a pair whose ``field`` is below the threshold; a pair without one is kept and counted
    (``notes`` says how many, once)."""

    field = ""

    def __init__(self, value: float) -> None:
        super().__init__(value)
        self.unscored = 0

    def removes(self, record: dict) -> bool:
        """Whether the pair's score is below the threshold (a pair without one is counted, kept)."""
        score = record.get(self.field)
        if score is None:
            self.unscored += 1
            return False
        return float(score) < self.value

    def notes(self) -> list[str]:
        """How many pairs had no score to compare."""
        if not self.unscored:
            return []
        return [f"{self.option.flag}: {self.unscored} pair(s) have no {self.field.replace('_', ' ')} and were kept"]


class ScoreFilter(ThresholdFilter):
    """Drops a pair whose ``alignment_score`` is below the threshold (corpus records have none:
    they are MT, and are kept)."""

    name = "min_score"
    field = "alignment_score"
    option = FilterOption("min_score", "--min-score", click={"type": click.FloatRange(0, 1)},
                          help="Drop pairs whose alignment score is below this.")
