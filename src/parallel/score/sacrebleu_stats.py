"""The one place that reaches into sacrebleu's private API: per-item statistics and scores from
summed statistics.

sacrebleu's public ``corpus_score`` extracts the n-grams of every reference at once, so its memory
grows with the corpus; scoring a chunk at a time needs the two steps it is made of, which are
private (``_extract_corpus_statistics``, ``_compute_score_from_stats``).  They have kept their
names and meaning from 2.0 to 2.6; ``SUPPORTED`` is the range ``pyproject.toml`` allows, and
``tests/test_score.py`` checks that these two calls give exactly ``corpus_score``'s results, so a
sacrebleu that changed them fails the tests, not a user's scores.
"""
from __future__ import annotations

from typing import Sequence

import sacrebleu
from sacrebleu.metrics.base import Metric, Score

SUPPORTED = (">=2.3", "<3")  # as in pyproject.toml


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")[:2] if part.isdigit())


def check_version(version: str = sacrebleu.__version__) -> None:
    """Refuse a sacrebleu outside ``SUPPORTED``: its private API may differ."""
    if not (2, 3) <= _version_tuple(version) < (3,):
        raise RuntimeError(f"sacrebleu {version} is not supported (need {', '.join(SUPPORTED)}): "
                           "parallel uses two of its private functions")


check_version()


def item_statistics(metric: Metric, hypotheses: Sequence[str], references: Sequence[str]) -> list[list]:
    """Each line-aligned item's sufficient statistics for ``metric`` (one reference each)."""
    return metric._extract_corpus_statistics(list(hypotheses), [list(references)])


def score_from_statistics(metric: Metric, statistics: list) -> Score:
    """``metric``'s score from statistics summed over items (of a corpus, a document, an item)."""
    return metric._compute_score_from_stats(statistics)
