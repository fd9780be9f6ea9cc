"""What a candidate pair's evidence is worth, learned from the pairs themselves, and one-to-one linking.

No labelled pairs exist for a new crawl, so the pairing labels its own (``pairer._score_round``
says which pairs): a few pairs taken as translations, every other candidate of their documents
as not one (one partner each), and every candidate that is neither of its documents' first
choice as what unrelated documents look like.  A logistic regression fitted on those labels
turns each candidate's features into odds; ``one_partner_probabilities`` turns the odds of a
document's candidates into the probability that each is its translation, given that it has one
or none; pairs are then taken best first, neither document used twice (competitive linking,
Melamed 2000), down to a threshold.

Features (``FEATURE_NAMES``), for each key family: the shared mass over each side's mass (how
much of each document the other explains) and the shared mass itself (log 1 + x: one shared
number explains all of a short document, but is weak evidence); then the length ratio's distance
from the collection's, in robust standard deviations, and the log ratio of sentence counts.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parallel.pairing.keys import FAMILIES

MARGIN = 1.5            # a self-labelled pair's score over its runner-up's, on both sides
RIDGE = 1.0             # L2 penalty of the logistic regression (on standardised features)
MIN_LENGTH_SPREAD = 0.1  # log length ratio: a few pairs do not make translations' lengths tighter than 10%
MIN_LABELS = 5          # fewer self-labelled pairs than this: the fixed weights below are used
FIT_ROWS = 500_000      # the most rows a model is fitted on: beyond, negatives are sampled and weighted
ROW_BLOCK = 1 << 16     # candidate rows whose features or log-odds are computed at a time
SHAPE_FEATURES = ("length", "sentences")
FEATURE_NAMES = tuple(f"{family}_{side}" for family in FAMILIES for side in ("of_arabic", "of_english", "shared")) + (
    SHAPE_FEATURES)
LENGTH_COLUMN = FEATURE_NAMES.index("length")


def _fractions(shared: np.ndarray, mass: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mass > 0, shared / mass, 0.0)


def _row_blocks(count: int):
    """Slices of ``ROW_BLOCK`` rows covering ``count`` rows."""
    return (slice(low, low + ROW_BLOCK) for low in range(0, count, ROW_BLOCK))


def pair_features(shared: np.ndarray, arabic_mass: np.ndarray, english_mass: np.ndarray, pairs: np.ndarray,
                  length_z: np.ndarray, sentence_ratio: np.ndarray, out=None) -> np.ndarray:  # noqa: ANN001
    """Rows of features for candidate pairs (``FEATURE_NAMES``) from their shared mass and their
    documents' masses (``arabic_mass``, ``english_mass``: one row a document, taken for
    ``pairs`` a block at a time), their length ratio's distance from the collection's
    (``length_z``) and the log ratio of their sentence counts; float32, ``ROW_BLOCK`` rows at a
    time, into ``out`` where given (rows on disk: ``mapped.MappedRows``)."""
    features = np.empty((len(shared), len(FEATURE_NAMES)), dtype=np.float32) if out is None else out
    families = 3 * shared.shape[1]
    for rows in _row_blocks(len(shared)):
        block = shared[rows]
        rows_features = np.empty((len(block), len(FEATURE_NAMES)), dtype=np.float32)
        rows_features[:, :families] = np.stack([_fractions(block, arabic_mass[pairs[rows, 0]]),
                                                _fractions(block, english_mass[pairs[rows, 1]]), np.log1p(block)],
                                               axis=2).reshape(len(block), -1)
        rows_features[:, LENGTH_COLUMN] = -np.abs(length_z[rows])
        rows_features[:, LENGTH_COLUMN + 1] = -np.abs(sentence_ratio[rows])
        features[rows] = rows_features
    return features


def row_sums(rows_of) -> np.ndarray:  # noqa: ANN001
    """Each row's sum, ``ROW_BLOCK`` rows at a time (rows in memory or on disk)."""
    return np.concatenate([rows_of[rows].sum(axis=1) for rows in _row_blocks(len(rows_of))] or [np.zeros(0)])


def set_length_column(features, length_z: np.ndarray) -> None:  # noqa: ANN001
    """Every row's length feature anew (``length_z``: the collection's spread changed), a block at a time."""
    for rows in _row_blocks(len(features)):
        block = features[rows]
        block[:, LENGTH_COLUMN] = -np.abs(length_z[rows])
        features[rows] = block


def cosine_score(shared: np.ndarray, arabic_mass: np.ndarray, english_mass: np.ndarray, pairs: np.ndarray
                 ) -> np.ndarray:
    """The shared mass over the geometric mean of the two masses, summed over families: how
    completely two documents explain each other, whatever their size (masses as in ``pair_features``)."""
    scores = np.empty(len(shared))
    for rows in _row_blocks(len(shared)):
        geometric = np.sqrt(arabic_mass[pairs[rows, 0]] * english_mass[pairs[rows, 1]])
        scores[rows] = _fractions(shared[rows], geometric).sum(axis=1)
    return scores


def length_z(arabic_lengths: np.ndarray, english_lengths: np.ndarray, pairs: np.ndarray,
             confident: np.ndarray | None = None) -> np.ndarray:
    """log(English / Arabic length) of each pair in standard deviations from the collection's
    (median and MAD over ``confident`` pairs when given, else over all candidates)."""
    ratio = np.log((english_lengths[pairs[:, 1]] + 1.0) / (arabic_lengths[pairs[:, 0]] + 1.0))
    sample = ratio[confident] if confident is not None and confident.sum() >= MIN_LABELS else ratio
    centre = float(np.median(sample)) if len(sample) else 0.0
    spread = 1.4826 * float(np.median(np.abs(sample - centre))) if len(sample) else 1.0
    return (ratio - centre) / max(spread, MIN_LENGTH_SPREAD)


def ranks(documents: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Each candidate's rank among its document's candidates by score (0: the best)."""
    order = np.lexsort((-scores, documents))
    first = np.searchsorted(documents[order], documents[order], "left")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - first
    return rank


def mutual_best(pairs: np.ndarray, scores: np.ndarray, margin: float = MARGIN) -> np.ndarray:
    """A mask of the pairs that are both documents' first choice by at least ``margin`` times
    (or a clear lead, where the runner-up scores nothing)."""
    take = (scores > 0).copy()
    for side in (0, 1):
        documents = pairs[:, side]
        rank = ranks(documents, scores)
        runner_up = np.zeros(documents.max() + 1 if len(documents) else 0)
        runner_up[documents[rank == 1]] = scores[rank == 1]
        take &= (rank == 0) & (scores > margin * runner_up[documents])
    return take


def self_labels(pairs: np.ndarray, positive: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows to fit on, their labels): the positives; as negatives every other candidate of their
    documents, and every candidate that is neither of its documents' first choice by ``scores``
    (what unrelated documents look like, drawn from the whole collection)."""
    arabic_taken = np.zeros(pairs[:, 0].max() + 1, dtype=bool)
    english_taken = np.zeros(pairs[:, 1].max() + 1, dtype=bool)
    arabic_taken[pairs[positive, 0]] = True
    english_taken[pairs[positive, 1]] = True
    unrelated = (ranks(pairs[:, 0], scores) > 0) & (ranks(pairs[:, 1], scores) > 0)
    rows = np.flatnonzero(positive | arabic_taken[pairs[:, 0]] | english_taken[pairs[:, 1]] | unrelated)
    return rows, positive[rows].astype(np.float64)


@dataclass
class PairModel:
    """A logistic regression over standardised pair features."""
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    labelled: int = 0

    def logits(self, features: np.ndarray) -> np.ndarray:
        """Log-odds that each pair is a translation (``ROW_BLOCK`` rows at a time)."""
        logits = np.empty(len(features), dtype=np.float64)
        for rows in _row_blocks(len(features)):
            block = features[rows].astype(np.float64)
            logits[rows] = ((block - self.mean) / self.scale) @ self.weights + self.bias
        return logits

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """The probability that each pair is a translation."""
        return 1.0 / (1.0 + np.exp(-np.clip(self.logits(features), -40, 40)))

    def contributions(self, features: np.ndarray) -> np.ndarray:
        """Each feature's share of each pair's log-odds (for saying what decided a pair)."""
        return ((features - self.mean) / self.scale) * self.weights


def fit_rows(rows: np.ndarray, labels: np.ndarray, limit: int = FIT_ROWS
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, labels, weights) to fit on, at most ``limit`` rows: every positive while they fill at
    most half of them (else evenly sampled to what the negatives leave), the negatives evenly
    sampled to the rest; each row weighted for those it stands for, so that a model fitted on
    100,000 documents a side needs no more memory than one on 10,000 and learns the same odds."""
    if len(rows) <= limit:
        return rows, labels, np.ones(len(rows))
    positives, negatives = rows[labels > 0], rows[labels == 0]
    positives, positive_weights = _evenly(positives, max(limit // 2, limit - len(negatives)))
    negatives, negative_weights = _evenly(negatives, max(limit - len(positives), 1))
    return (np.concatenate([positives, negatives]),
            np.concatenate([np.ones(len(positives)), np.zeros(len(negatives))]),
            np.concatenate([positive_weights, negative_weights]))


def _evenly(rows: np.ndarray, room: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``room`` of the rows, evenly spaced, each weighted for those it stands for."""
    if len(rows) <= room:
        return rows, np.ones(len(rows))
    return rows[np.linspace(0, len(rows) - 1, room).astype(np.int64)], np.full(room, len(rows) / room)


def fit_pair_model(features: np.ndarray, labels: np.ndarray, ridge: float = RIDGE, steps: int = 30,
                   weights: np.ndarray | None = None) -> PairModel:
    """Logistic regression by Newton's method with an L2 penalty (not on the bias); ``weights``:
    how many rows each row stands for (``fit_rows``).  Sums are taken ``ROW_BLOCK`` rows at a
    time, so that the fit holds a block of standardised rows, never a copy of all of them."""
    weights = np.ones(len(features)) if weights is None else np.asarray(weights, dtype=np.float64)
    mean, scale = _standardisation(features, weights)
    coefficients = np.zeros(features.shape[1] + 1)
    penalty = np.full(len(coefficients), ridge)
    penalty[-1] = 0.0
    for _ in range(steps):
        gradient = penalty * coefficients
        hessian = np.diag(penalty + 1e-9)
        for rows in _row_blocks(len(features)):
            x = (features[rows].astype(np.float64) - mean) / scale
            x = np.concatenate([x, np.ones((len(x), 1))], axis=1)
            p = 1.0 / (1.0 + np.exp(-np.clip(x @ coefficients, -40, 40)))
            gradient += x.T @ (weights[rows] * (p - labels[rows]))
            hessian += (x * (weights[rows] * p * (1 - p))[:, None]).T @ x
        step = np.linalg.solve(hessian, gradient)
        coefficients -= step
        if np.abs(step).max() < 1e-6:
            break
    return PairModel(mean, scale, coefficients[:-1], float(coefficients[-1]), int(labels.sum()))


def _standardisation(features: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The features' weighted mean and standard deviation (of the rows the sample stands for),
    summed block by block; a feature that never varies gets a scale of 1."""
    total = weights.sum()
    mean = sum(weights[rows] @ features[rows].astype(np.float64) for rows in _row_blocks(len(features))) / total
    variance = sum(weights[rows] @ (features[rows].astype(np.float64) - mean) ** 2
                   for rows in _row_blocks(len(features))) / total
    scale = np.sqrt(variance)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def link(pairs: np.ndarray, probabilities: np.ndarray, threshold: float) -> np.ndarray:
    """Competitive linking: the rows of the pairs taken, best first, no document twice."""
    arabic_taken: set[int] = set()
    english_taken: set[int] = set()
    taken = []
    for row in np.argsort(-probabilities, kind="stable"):
        if probabilities[row] < threshold:
            break
        arabic, english = int(pairs[row, 0]), int(pairs[row, 1])
        if arabic in arabic_taken or english in english_taken:
            continue
        arabic_taken.add(arabic)
        english_taken.add(english)
        taken.append(row)
    return np.asarray(taken, dtype=np.int64)


def deciding_evidence(model: PairModel, features: np.ndarray, top: int = 2) -> list[str]:
    """The key families (or length) that raised each pair's log-odds most, as ``a+b``."""
    contributions = model.contributions(features)
    names = [FAMILIES[column // 3] if column < 3 * len(FAMILIES) else FEATURE_NAMES[column]
             for column in range(len(FEATURE_NAMES))]
    by_source: dict[str, np.ndarray] = {}
    for column, name in enumerate(names):
        by_source[name] = by_source.get(name, 0.0) + contributions[:, column]
    sources = list(by_source)
    stacked = np.stack([by_source[s] for s in sources], axis=1)
    found = []
    for row in stacked:
        best = [sources[i] for i in np.argsort(-row)[:top] if row[i] > 0]
        found.append("+".join(best) or "none")
    return found


def one_partner_probabilities(pairs: np.ndarray, likelihood_ratios: np.ndarray, side: int,
                              iterations: int = 20) -> np.ndarray:
    """The probability that each candidate is its document's translation, given that a document
    has one translation or none: a document with candidates 1..k and none of them its
    translation with prior ``q``, each of them with prior ``(1 - q) / k``, posterior
    ``L_i (1 - q) / k / (q + (1 - q) / k * sum L)``; ``q`` (the share of documents without a
    translation among their candidates) is estimated by EM over the side's documents."""
    documents = pairs[:, side]
    count = documents.max() + 1
    candidates = np.bincount(documents, minlength=count).astype(np.float64)
    totals = np.bincount(documents, weights=likelihood_ratios, minlength=count)
    present = candidates > 0
    unpaired = 0.5
    for _ in range(iterations):
        share = (1 - unpaired) / np.maximum(candidates, 1)
        none = unpaired / (unpaired + share * totals)
        unpaired = float(np.clip(none[present].mean(), 1e-3, 1 - 1e-3))
    share = (1 - unpaired) / np.maximum(candidates, 1)
    return share[documents] * likelihood_ratios / (unpaired + share[documents] * totals[documents])
