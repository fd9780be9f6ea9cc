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
from array import array
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

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


class LengthSample:
    """A collection's ``log(len(target) / len(source))`` by source-length bucket, 8 bytes a pair
    (pairs under ``MIN_SOURCE_CHARS`` or with an empty target left out): what a model is fitted
    or calibrated on, gathered as a long run streams its translations past."""

    def __init__(self, edges: tuple[int, ...] = BUCKET_EDGES) -> None:
        self.edges = tuple(edges)
        self.ratios = [array("d") for _ in self.edges]

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]], edges: tuple[int, ...] = BUCKET_EDGES) -> "LengthSample":
        """The sample of (source, target) pairs."""
        sample = cls(edges)
        for source, target in pairs:
            sample.add(source, target)
        return sample

    def add(self, source: str, target: str) -> None:
        """Add one pair (white space at either end left out, as ``LengthModel.z`` does)."""
        source_chars, target_chars = len(source.strip()), len(target.strip())
        if source_chars >= MIN_SOURCE_CHARS and target_chars:
            index = max(i for i, edge in enumerate(self.edges) if source_chars >= edge)
            self.ratios[index].append(math.log(target_chars / source_chars))

    def __len__(self) -> int:
        return sum(map(len, self.ratios))


def fit_length_model(pairs: Iterable[tuple[str, str]], fitted_on: str = "",
                     edges: tuple[int, ...] = BUCKET_EDGES) -> LengthModel:
    """Fit the mean and spread per bucket on human translations (pairs shorter than
    ``MIN_SOURCE_CHARS`` left out); a bucket with fewer than 20 pairs borrows its neighbour's."""
    sample = LengthSample.of(pairs, edges)
    if len(sample) < 50:
        raise InputError(f"{len(sample)} usable pairs: too few to fit a length model (50 at least)")
    full = [index for index, values in enumerate(sample.ratios) if len(values) >= 20]
    if not full:
        raise InputError(f"{len(sample)} usable pairs, but no source-length bucket holds 20: too few to fit "
                         "a length model")
    means, spreads = [], []
    for index in range(len(edges)):
        # a bucket with too few pairs borrows from the nearest bucket with enough
        values = sample.ratios[index if index in full else min(full, key=lambda i: abs(i - index))]
        means.append(round(statistics.fmean(values), 4))
        spreads.append(round(max(statistics.pstdev(values), MIN_SPREAD), 4))
    return LengthModel(tuple(edges), tuple(means), tuple(spreads), len(sample), fitted_on)


# How much the prior model weighs against a collection's own pairs, in pairs per bucket: a bucket of
# PRIOR_PAIRS pairs is judged half by its own ratios, half by the prior's.
PRIOR_PAIRS = 20
CALIBRATION_ROUNDS = 5    # fits, each on the pairs the previous model passes


def _weighed_fit(prior: LengthModel, ratios: list[np.ndarray], prior_pairs: int) -> LengthModel:
    """Each bucket's mean and spread of ``ratios``, weighed against ``prior`` as ``prior_pairs`` pairs;
    a bucket of fewer than 5 pairs keeps the prior's values."""
    means, spreads = [], []
    for index, values in enumerate(ratios):
        if len(values) < 5:
            means.append(prior.means[index])
            spreads.append(prior.spreads[index])
            continue
        weight = len(values) / (len(values) + prior_pairs)
        means.append(round(weight * float(values.mean()) + (1 - weight) * prior.means[index], 4))
        spreads.append(round(max(weight * float(values.std()) + (1 - weight) * prior.spreads[index],
                                 MIN_SPREAD), 4))
    return LengthModel(prior.edges, tuple(means), tuple(spreads), sum(map(len, ratios)))


def densest_half_mean(values: Sequence[float]) -> float:
    """The mean of the shortest interval holding half the values (the "shorth"; of equally short
    ones, the middle one): where most pairs of a collection lie even when up to half of them are
    something else (omissions), and wherever that is, inside or far outside the prior's bounds."""
    ordered = np.sort(np.asarray(values, dtype=np.float64))
    half = (len(ordered) + 1) // 2
    widths = ordered[half - 1:] - ordered[:len(ordered) - half + 1]
    shortest = np.flatnonzero(widths == widths.min())
    start = int(shortest[len(shortest) // 2])
    return float(ordered[start:start + half].mean())


def _robust_start(prior: LengthModel, ratios: list[np.ndarray], prior_pairs: int) -> LengthModel:
    """The first model calibration clips by: each bucket centred on its densest half (weighed against
    the prior's mean like every fit), with the prior's spreads."""
    means = [prior.means[i] if len(values) < 5 else
             round((len(values) * densest_half_mean(values) + prior_pairs * prior.means[i])
                   / (len(values) + prior_pairs), 4)
             for i, values in enumerate(ratios)]
    return LengthModel(prior.edges, tuple(means), prior.spreads)


def calibrate_length_model(prior: LengthModel, pairs: Iterable[tuple[str, str]] | LengthSample,
                           prior_pairs: int = PRIOR_PAIRS, fitted_on: str = "") -> LengthModel:
    """The length model of the pairs being checked (or their ``LengthSample``), starting from
    ``prior``: each bucket centred first on its densest half (``densest_half_mean``), then fitted on
    the pairs the current model does not flag, again with the new model, ``CALIBRATION_ROUNDS``
    times (sigma clipping at the flag's own bounds), each fit weighed against ``prior`` as if it had
    ``prior_pairs`` pairs a bucket.  A collection translated more freely or more tightly than the
    prior's data, even one lying wholly beyond the prior's bounds, is then judged by its own habit,
    while the omissions the flag is for, left out of every fit, do not move it; a small collection
    (a few dozen pairs a bucket) stays close to the prior.  What it cannot tell: a bucket where more
    than half the pairs are cut alike looks like a habit (``moved_buckets`` says where it moved far)."""
    sample = pairs if isinstance(pairs, LengthSample) else LengthSample.of(pairs, prior.edges)
    if sample.edges != prior.edges:
        raise ValueError("the sample's buckets are not the prior's")
    ratios = [np.frombuffer(values, dtype=np.float64) for values in sample.ratios]   # views, no copies
    model = _robust_start(prior, ratios, prior_pairs)
    for _ in range(CALIBRATION_ROUNDS):
        passed = [values[(values >= model.means[i] - SHORT_Z * model.spreads[i])
                         & (values <= model.means[i] + LONG_Z * model.spreads[i])]
                  for i, values in enumerate(ratios)]
        model = _weighed_fit(prior, passed, prior_pairs)
    return LengthModel(model.edges, model.means, model.spreads, len(sample),
                       fitted_on or f"{len(sample)} pairs checked, weighed against {prior.fitted_on or 'a prior'}")


MOVED_SPREADS = 3.0   # a bucket's mean this many of the prior's spreads away: reported


def moved_buckets(prior: LengthModel, calibrated: LengthModel) -> list[str]:
    """The buckets whose mean calibration moved more than ``MOVED_SPREADS`` of the prior's spreads,
    as ``"150-200: -4.1"``: a habit of the collection, or (where only long sources moved, say) most
    of its translations cut alike, which calibration cannot tell apart."""
    moved = []
    for index, (mine, theirs, spread) in enumerate(zip(calibrated.means, prior.means, prior.spreads)):
        shift = (mine - theirs) / spread
        if abs(shift) > MOVED_SPREADS:
            upper = prior.edges[index + 1] if index + 1 < len(prior.edges) else None
            moved.append(f"{prior.edges[index]}-{upper if upper is not None else ''}: {shift:+.1f}")
    return moved


def judged_by(prior: LengthModel, used: LengthModel, calibrated: bool) -> dict:
    """What a run's report says its lengths were judged by: the model used, whether it was
    calibrated, and the buckets it moved far from ``prior`` (``moved_buckets``)."""
    return {**used.to_json(), "calibrated": calibrated, "moved": moved_buckets(prior, used)}


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
