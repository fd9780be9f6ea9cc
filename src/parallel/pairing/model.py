"""What a candidate pair's evidence is worth, learned from the pairs themselves.

No labelled pairs exist for a new crawl, so the pairing labels its own (``pairer._score_round``
says which pairs; ``candidates.self_labelled`` which rows): a few pairs taken as translations,
every other candidate of their documents as not one (one partner each), and every candidate that
is neither of its documents' first choice as what unrelated documents look like.  A logistic
regression fitted on those labels turns each candidate's features into odds;
``candidates.one_partner_probabilities`` turns the odds of a document's candidates into the
probability that each is its translation, given that it has one or none; pairs are then taken
best first, neither document used twice (``candidates.link``: competitive linking, Melamed 2000),
down to a threshold.

Features (``FEATURE_NAMES``), for each key family: the shared mass over each side's mass (how
much of each document the other explains) and the shared mass itself (log 1 + x: one shared
number explains all of a short document, but is weak evidence); the conflict (the smaller of the
shared mass and the mass neither explains: another story on the same subject has both); whether
both documents hold keys of the family and share none (two bulletins with numbers, none the
same); then the length ratio's distance from the collection's, in robust standard deviations, the
log ratio of sentence counts, and whether both documents name days of a month and none the same
(a month's fuel prices and the next month's).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from parallel.pairing.candidates import row_blocks
from parallel.pairing.keys import FAMILIES

RIDGE = 1.0             # L2 penalty of the logistic regression (on standardised features)
MIN_LENGTH_SPREAD = 0.1  # log length ratio: a few pairs do not make translations' lengths tighter than 10%
MIN_LABELS = 5          # fewer self-labelled pairs than this: the fixed weights below are used
SHAPE_FEATURES = ("length", "sentences", "days")
FAMILY_FEATURES = ("of_arabic", "of_english", "shared", "conflict", "disjoint")
FEATURE_NAMES = tuple(f"{family}_{side}" for family in FAMILIES for side in FAMILY_FEATURES) + SHAPE_FEATURES
LENGTH_COLUMN = FEATURE_NAMES.index("length")


def _fractions(shared: np.ndarray, mass: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mass > 0, shared / mass, 0.0)


def pair_features(shared, arabic_mass: np.ndarray, english_mass: np.ndarray, pairs,  # noqa: ANN001
                  shape_features: Callable[[np.ndarray], tuple[np.ndarray, ...]], out=None,  # noqa: ANN001
                  first: int = 0):
    """Rows of features for candidate pairs (``FEATURE_NAMES``) from their shared mass and their
    documents' masses (``arabic_mass``, ``english_mass``: one row a document, taken for
    ``pairs`` a block at a time), and from ``shape_features`` of a block of pairs: their length
    ratio's distance from the collection's, the log ratio of their sentence counts and whether
    they name different days (1) or not (0); float32,
    ``ROW_BLOCK`` rows at a time, into ``out`` where given (rows on disk: ``mapped.MappedRows``),
    from its row ``first`` on."""
    features = np.empty((len(shared), len(FEATURE_NAMES)), dtype=np.float32) if out is None else out
    families = len(FAMILY_FEATURES) * shared.shape[1]
    for rows in row_blocks(len(shared)):
        block, block_pairs = shared[rows], np.asarray(pairs[rows])
        rows_features = np.empty((len(block), len(FEATURE_NAMES)), dtype=np.float32)
        arabic, english = arabic_mass[block_pairs[:, 0]], english_mass[block_pairs[:, 1]]
        unexplained = np.maximum(arabic - block, 0) + np.maximum(english - block, 0)
        rows_features[:, :families] = np.stack([_fractions(block, arabic), _fractions(block, english), np.log1p(block),
                                                -np.minimum(np.log1p(block), np.log1p(unexplained)),
                                                -((arabic > 0) & (english > 0) & (block == 0)).astype(np.float64)],
                                               axis=2).reshape(len(block), -1)
        length_z, sentence_ratio, days_apart = shape_features(block_pairs)
        rows_features[:, LENGTH_COLUMN] = -np.abs(length_z)
        rows_features[:, LENGTH_COLUMN + 1] = -np.abs(sentence_ratio)
        rows_features[:, LENGTH_COLUMN + 2] = -days_apart
        features[first + rows.start:first + rows.stop] = rows_features
    return features


def row_sums(rows_of, out=None):  # noqa: ANN001, ANN201
    """Each row's sum, ``ROW_BLOCK`` rows at a time (rows in memory or on disk), into ``out`` where given."""
    sums = np.empty(len(rows_of)) if out is None else out
    for rows in row_blocks(len(rows_of)):
        sums[rows] = rows_of[rows].sum(axis=1)
    return sums


def set_length_column(features, pairs, length_z: Callable[[np.ndarray], np.ndarray]) -> None:  # noqa: ANN001
    """Every row's length feature anew (``length_z`` of a block of pairs: the collection's spread
    changed), a block at a time."""
    for rows in row_blocks(len(features)):
        block = features[rows]
        block[:, LENGTH_COLUMN] = -np.abs(length_z(np.asarray(pairs[rows])))
        features[rows] = block


def cosine_score(shared, arabic_mass: np.ndarray, english_mass: np.ndarray, pairs, out=None):  # noqa: ANN001, ANN201
    """The shared mass over the geometric mean of the two masses, summed over families: how
    completely two documents explain each other, whatever their size (masses as in ``pair_features``)."""
    scores = np.empty(len(shared)) if out is None else out
    for rows in row_blocks(len(shared)):
        block_pairs = np.asarray(pairs[rows])
        geometric = np.sqrt(arabic_mass[block_pairs[:, 0]] * english_mass[block_pairs[:, 1]])
        scores[rows] = _fractions(shared[rows], geometric).sum(axis=1)
    return scores


def length_scale(ratios: np.ndarray) -> tuple[float, float]:
    """(centre, spread) of log length ratios: their median, and 1.4826 times their median absolute
    deviation (a robust standard deviation), at least ``MIN_LENGTH_SPREAD``."""
    centre = float(np.median(ratios)) if len(ratios) else 0.0
    spread = 1.4826 * float(np.median(np.abs(ratios - centre))) if len(ratios) else 1.0
    return centre, max(spread, MIN_LENGTH_SPREAD)


@dataclass
class PairModel:
    """A logistic regression over standardised pair features."""
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    labelled: int = 0

    def logits(self, features, out=None):  # noqa: ANN001, ANN201
        """Log-odds that each pair is a translation (``ROW_BLOCK`` rows at a time), into ``out`` where given."""
        logits = np.empty(len(features), dtype=np.float64) if out is None else out
        for rows in row_blocks(len(features)):
            block = features[rows].astype(np.float64)
            logits[rows] = ((block - self.mean) / self.scale) @ self.weights + self.bias
        return logits

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """The probability that each pair is a translation."""
        return 1.0 / (1.0 + np.exp(-np.clip(self.logits(features), -40, 40)))

    def contributions(self, features: np.ndarray) -> np.ndarray:
        """Each feature's share of each pair's log-odds (for saying what decided a pair)."""
        return ((features - self.mean) / self.scale) * self.weights


def fit_pair_model(features: np.ndarray, labels: np.ndarray, ridge: float = RIDGE, steps: int = 30,
                   weights: np.ndarray | None = None) -> PairModel:
    """Logistic regression by Newton's method with an L2 penalty (not on the bias); ``weights``:
    how many rows each row stands for (``fit_rows``).  Sums are taken ``ROW_BLOCK`` rows at a
    time, so that the fit holds a block of standardised rows, never a copy of all of them."""
    weights = np.ones(len(features)) if weights is None else np.asarray(weights, dtype=np.float64)
    mean, scale, varies = _standardisation(features, weights)
    # a feature that never varies here (a page's address ids among text files) is 0 once
    # standardised: its weight stays 0, so the fit leaves it out and solves a smaller system
    varying = np.flatnonzero(varies)
    coefficients = np.zeros(len(varying) + 1)
    penalty = np.full(len(coefficients), ridge)
    penalty[-1] = 0.0
    for _ in range(steps):
        gradient = penalty * coefficients
        hessian = np.diag(penalty + 1e-9)
        for rows in row_blocks(len(features)):
            x = (features[rows][:, varying].astype(np.float64) - mean[varying]) / scale[varying]
            x = np.concatenate([x, np.ones((len(x), 1))], axis=1)
            p = 1.0 / (1.0 + np.exp(-np.clip(x @ coefficients, -40, 40)))
            gradient += x.T @ (weights[rows] * (p - labels[rows]))
            hessian += (x * (weights[rows] * p * (1 - p))[:, None]).T @ x
        step = np.linalg.solve(hessian, gradient)
        coefficients -= step
        if np.abs(step).max() < 1e-6:
            break
    feature_weights = np.zeros(features.shape[1])
    feature_weights[varying] = coefficients[:-1]
    return PairModel(mean, scale, feature_weights, float(coefficients[-1]), int(labels.sum()))


def _standardisation(features: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The features' weighted mean and standard deviation (of the rows the sample stands for),
    summed block by block, and which of them vary there; a feature that never varies gets a scale of 1."""
    total = weights.sum()
    mean = sum(weights[rows] @ features[rows].astype(np.float64) for rows in row_blocks(len(features))) / total
    variance = sum(weights[rows] @ (features[rows].astype(np.float64) - mean) ** 2
                   for rows in row_blocks(len(features))) / total
    scale = np.sqrt(variance)
    scale[scale < 1e-9] = 1.0
    return mean, scale, variance > 0


def deciding_evidence(model: PairModel, features: np.ndarray, top: int = 2) -> list[str]:
    """The key families (or length) that raised each pair's log-odds most, as ``a+b``."""
    contributions = model.contributions(features)
    names = [FAMILIES[column // len(FAMILY_FEATURES)] if column < len(FAMILY_FEATURES) * len(FAMILIES)
             else FEATURE_NAMES[column]
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
