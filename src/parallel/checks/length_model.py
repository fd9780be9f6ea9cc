"""How long an English translation of an Arabic sentence should be: a model fitted on human
translations, so that an omission (half a sentence left out) stands out.

Fixed bounds on the length ratio (0.5–2.5) are wider than any real translation: a translation
missing its second half still falls inside them.  Here the log ratio of characters
``log(len(en) / len(ar))`` gets a mean and a spread per source-length bucket (short sentences run
relatively longer in English, and vary more), fitted on human translations; a translation is
``too short`` or ``too long`` when it lies more than ``SHORT_Z`` or ``LONG_Z`` spreads from the
mean.  ``fit_length_model`` fits one on your own line-aligned data (``parallel eval flags --fit``).
"""
from __future__ import annotations

import json
import math
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

from parallel.errors import InputError

BUCKET_EDGES = (0, 60, 90, 120, 150, 200)   # source characters: each bucket's lower edge
MIN_SOURCE_CHARS = 20                      # below this a ratio says little: never flagged
MIN_SPREAD = 0.12                          # a spread never trusted below this (small buckets, new domains)
SHORT_Z = 3.3                              # this many spreads below the mean: too short (an omission?)
LONG_Z = 4.5                               # this many above: too long (an addition, a loop?)


@dataclass(frozen=True)
class LengthModel:
    """Mean and spread of ``log(len(target) / len(source))`` (characters) per source-length bucket."""

    edges: tuple[int, ...]
    means: tuple[float, ...]
    spreads: tuple[float, ...]
    pairs: int = 0
    fitted_on: str = ""

    def bucket(self, source_chars: int) -> int:
        """The index of the bucket a source of this many characters falls in."""
        return max(i for i, edge in enumerate(self.edges) if source_chars >= edge)

    def z(self, source: str, target: str) -> float | None:
        """How many spreads the pair's log length ratio lies from the mean; None for sources too
        short to judge or an empty target side of an empty source."""
        source_chars, target_chars = len(source.strip()), len(target.strip())
        if source_chars < MIN_SOURCE_CHARS:
            return None
        index = self.bucket(source_chars)
        ratio = math.log(max(target_chars, 1) / source_chars)
        return (ratio - self.means[index]) / self.spreads[index]

    def to_json(self) -> dict:
        """The model as JSON (what ``--length-model`` reads)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "LengthModel":
        """A model written by ``to_json``."""
        return cls(tuple(data["edges"]), tuple(data["means"]), tuple(data["spreads"]), data.get("pairs", 0),
                   data.get("fitted_on", ""))


def fit_length_model(pairs: Iterable[tuple[str, str]], fitted_on: str = "",
                     edges: tuple[int, ...] = BUCKET_EDGES) -> LengthModel:
    """Fit the mean and spread per bucket on human translations (pairs shorter than
    ``MIN_SOURCE_CHARS`` left out); a bucket with fewer than 20 pairs borrows its neighbour's."""
    ratios = _bucket_ratios(pairs, edges)
    count = sum(map(len, ratios))
    if count < 50:
        raise InputError(f"{count} usable pairs: too few to fit a length model (50 at least)")
    means, spreads = [], []
    for index in range(len(edges)):
        values = ratios[index]
        if len(values) < 20:   # borrow from the nearest bucket with enough pairs
            values = min((r for r in ratios if len(r) >= 20), key=lambda r: abs(ratios.index(r) - index))
        means.append(round(statistics.fmean(values), 4))
        spreads.append(round(max(statistics.pstdev(values), MIN_SPREAD), 4))
    return LengthModel(tuple(edges), tuple(means), tuple(spreads), count, fitted_on)


# How much the prior model weighs against a collection's own pairs, in pairs per bucket: a bucket of
# PRIOR_PAIRS pairs is judged half by its own ratios, half by the prior's.
PRIOR_PAIRS = 20
CALIBRATION_ROUNDS = 5    # fits, each on the pairs the previous model passes


def _bucket_ratios(pairs: Iterable[tuple[str, str]], edges: tuple[int, ...]) -> list[list[float]]:
    """``log(len(target) / len(source))`` of the usable pairs, by source-length bucket."""
    ratios: list[list[float]] = [[] for _ in edges]
    for source, target in pairs:
        source, target = source.strip(), target.strip()
        if len(source) >= MIN_SOURCE_CHARS and target:
            index = max(i for i, edge in enumerate(edges) if len(source) >= edge)
            ratios[index].append(math.log(len(target) / len(source)))
    return ratios


def _weighed_fit(prior: LengthModel, pairs: list[tuple[str, str]], prior_pairs: int) -> LengthModel:
    """Each bucket's mean and spread of ``pairs``, weighed against ``prior`` as ``prior_pairs`` pairs;
    a bucket of fewer than 5 pairs keeps the prior's values."""
    means, spreads, count = [], [], 0
    for index, values in enumerate(_bucket_ratios(pairs, prior.edges)):
        count += len(values)
        if len(values) < 5:
            means.append(prior.means[index])
            spreads.append(prior.spreads[index])
            continue
        weight = len(values) / (len(values) + prior_pairs)
        means.append(round(weight * statistics.fmean(values) + (1 - weight) * prior.means[index], 4))
        spreads.append(round(max(weight * statistics.pstdev(values) + (1 - weight) * prior.spreads[index],
                                 MIN_SPREAD), 4))
    return LengthModel(prior.edges, tuple(means), tuple(spreads), count)


def calibrate_length_model(prior: LengthModel, pairs: Iterable[tuple[str, str]], prior_pairs: int = PRIOR_PAIRS,
                           fitted_on: str = "") -> LengthModel:
    """The length model of the pairs being checked, starting from ``prior``: fitted on the pairs the
    current model does not flag, then again with the new model, ``CALIBRATION_ROUNDS`` times (sigma
    clipping at the flag's own bounds), each fit weighed against ``prior`` as if it had ``prior_pairs``
    pairs a bucket.  A collection translated more freely or more tightly than the prior's data is
    then judged by its own habit, while the omissions the flag is for, left out of every fit, do not
    move it; a small collection (a few dozen pairs a bucket) stays close to the prior."""
    pairs = list(pairs)
    model = prior
    for _ in range(CALIBRATION_ROUNDS):
        passed = [(s, t) for s, t in pairs if (z := model.z(s, t)) is None or -SHORT_Z <= z <= LONG_Z]
        model = _weighed_fit(prior, passed, prior_pairs)
    usable = sum(map(len, _bucket_ratios(pairs, prior.edges)))
    return LengthModel(model.edges, model.means, model.spreads, usable,
                       fitted_on or f"{usable} pairs checked, weighed against {prior.fitted_on or 'a prior'}")


def read_length_model(path: Path) -> LengthModel:
    """A model from a JSON file (``parallel eval flags --fit``)."""
    try:
        return LengthModel.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a length model ({exc})") from exc


# Fitted with `parallel eval flags --fit` on the human translations of FLORES-200 dev (997 pairs),
# 2026-12-03.  FLORES devtest and the seed articles are kept out, to measure on (docs/flags.md).
DEFAULT_LENGTH_MODEL = LengthModel(
    edges=BUCKET_EDGES,
    means=(0.2645, 0.187, 0.1315, 0.085, 0.0698, -0.0111),
    spreads=(0.2073, 0.1507, 0.1404, 0.1275, 0.129, 0.1276),
    pairs=997,
    fitted_on="FLORES-200 dev (ara-eng), human translations",
)
