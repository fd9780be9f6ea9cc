"""Pairs from document pairs that `pair-docs` was not sure of."""
from __future__ import annotations

import click

from parallel.filters.base import FilterOption
from parallel.filters.score import ThresholdFilter


class DocumentScoreFilter(ThresholdFilter):
    """Drops a pair whose ``document_score`` (the probability that its two documents translate each
    other, from ``pair-docs --align``) is below the threshold; a pair without one is kept."""

    name = "min_document_score"
    field = "document_score"
    option = FilterOption("min_document_score", "--min-document-score", click={"type": click.FloatRange(0, 1)},
                          help="Drop pairs whose documents pair-docs paired with less than this probability.")
