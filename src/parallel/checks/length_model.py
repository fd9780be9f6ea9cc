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
TRIM_SPREADS = 4          # ratios this many robust spreads from the median are left out of a fit
_MAD_TO_SPREAD = 1.4826   # a normal spread from the median absolute deviation


def _bucket_ratios(pairs: Iterable[tuple[str, str]], edges: tuple[int, ...]) -> list[list[float]]:
    """``log(len(target) / len(source))`` of the usable pairs, by source-length bucket."""
    ratios: list[list[float]] = [[] for _ in edges]
    for source, target in pairs:
        source, target = source.strip(), target.strip()
        if len(source) >= MIN_SOURCE_CHARS and target:
            index = max(i for i, edge in enumerate(edges) if len(source) >= edge)
            ratios[index].append(math.log(len(target) / len(source)))
    return ratios


def robust_mean_spread(values: list[float]) -> tuple[float, float]:
    """Mean and spread of ``values`` once those more than ``TRIM_SPREADS`` robust spreads (from the
    median absolute deviation) from the median are left out: the omissions and additions the flag
    is for do not move the fit that judges them."""
    median = statistics.median(values)
    robust = _MAD_TO_SPREAD * statistics.median(abs(v - median) for v in values)
    kept = [v for v in values if abs(v - median) <= TRIM_SPREADS * robust] or values
    return statistics.fmean(kept), statistics.pstdev(kept)


def calibrate_length_model(prior: LengthModel, pairs: Iterable[tuple[str, str]], prior_pairs: int = PRIOR_PAIRS,
                           fitted_on: str = "") -> LengthModel:
    """The length model of the pairs being checked: in each bucket their robust mean and spread
    (``robust_mean_spread``), weighed against ``prior`` as if it had ``prior_pairs`` pairs there.  A
    collection translated more freely or more tightly than the prior's data is then judged by its
    own habit; a small one (a few dozen pairs a bucket) stays close to the prior, and a bucket of
    fewer than 5 pairs keeps the prior's values."""
    means, spreads, count = [], [], 0
    for index, values in enumerate(_bucket_ratios(pairs, prior.edges)):
        count += len(values)
        if len(values) < 5:
            means.append(prior.means[index])
            spreads.append(prior.spreads[index])
            continue
        weight = len(values) / (len(values) + prior_pairs)
        mean, spread = robust_mean_spread(values)
        means.append(round(weight * mean + (1 - weight) * prior.means[index], 4))
        spreads.append(round(max(weight * spread + (1 - weight) * prior.spreads[index], MIN_SPREAD), 4))
    return LengthModel(prior.edges, tuple(means), tuple(spreads), count,
                       fitted_on or f"{count} pairs checked, weighed against {prior.fitted_on or 'a prior'}")


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
