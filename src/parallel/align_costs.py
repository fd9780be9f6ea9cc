"""The aligner's costs: what a bead of each type ending at (i, j) costs, in nats (see ``align.py``
for the model), and the evidence an ``EvidenceFit`` weighs."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from .align_features import MAX_BLOCK, SideFeatures, row_cosines
from .align_model import EVIDENCE_FEATURES, GALE_CHURCH_PRIORS, MOVES, AlignOptions, EvidenceFit


def neg_log_erfc(x: np.ndarray) -> np.ndarray:
    """-log(erfc(x)) for x >= 0, via Abramowitz & Stegun 7.1.26 (error < 1.5e-7), stable for large x."""
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return x * x - np.log(poly)


def length_cost(source_chars: np.ndarray, target_chars: np.ndarray, ratio: float, variance: float) -> np.ndarray:
    """Gale & Church's -log P(|delta|), delta = (lt - c ls) / sqrt(s^2 l), l the mean of ls and lt/c."""
    mean_length = np.maximum((source_chars + target_chars / ratio) / 2.0, 1.0)
    delta = np.abs(target_chars - ratio * source_chars) / np.sqrt(variance * mean_length)
    return neg_log_erfc(delta / math.sqrt(2.0))


class BeadCosts:
    """Costs of every bead type ending at (i, j) for a row i and a window of j."""

    def __init__(self, source: SideFeatures, target: SideFeatures, options: AlignOptions,
                 evidence: EvidenceFit | None = None, pivot: bool = False):
        self.source, self.target, self.options = source, target, options
        self.evidence = evidence        # None: fixed weights for anchors and similarity
        self.pivot = pivot              # the vectors are a pivot's, not a learned table's
        self.ratio = character_ratio(source, target, options)
        self.prior = {move: -math.log(p) for move, p in (options.bead_priors or GALE_CHURCH_PRIORS).items()}
        self.source_prefix = np.concatenate([[0.0], np.cumsum(source.lengths)])
        self.target_prefix = np.concatenate([[0.0], np.cumsum(target.lengths)])
        self.source_anchor_prefix = np.concatenate([[0.0], np.cumsum(source.anchor_counts)])
        self.target_anchor_prefix = np.concatenate([[0.0], np.cumsum(target.anchor_counts)])
        self.source_number_prefix = np.concatenate([[0.0], np.cumsum(source.number_counts)])
        self.target_number_prefix = np.concatenate([[0.0], np.cumsum(target.number_counts)])
        self.source_any_number_prefix = np.concatenate([[0.0], np.cumsum(source.number_expressions)])
        self.target_any_number_prefix = np.concatenate([[0.0], np.cumsum(target.number_expressions)])
        self.use_mt = source.vectors is not None and target.vectors is not None
        self.anchor_weight = options.anchor_weight / 2 if self.use_mt else options.anchor_weight
        self._previous_one_one: tuple[int, np.ndarray, np.ndarray] | None = None   # row, js, alignable
        self.source_marks_prefix = np.vstack([np.zeros((1, 3)), np.cumsum(source.marks, axis=0)])
        self.target_marks_prefix = np.vstack([np.zeros((1, 3)), np.cumsum(target.marks, axis=0)])

    def _block_norms(self, side: SideFeatures, end: np.ndarray, size: int) -> np.ndarray:
        """Squared norm of the sum of vectors in each block ``[end - size, end)``."""
        total = np.zeros(len(end))
        for a in range(size):
            index = end - 1 - a
            valid = index >= 0
            total[valid] += side.pair_dots[0][index[valid]]
            for d in range(1, size - a):
                total[valid] += 2.0 * side.pair_dots[d][index[valid]]
        return total

    def row(self, i: int, js: np.ndarray) -> dict[tuple[int, int], np.ndarray]:
        """Cost of each move ending at row ``i`` for target positions ``js`` (inf where impossible)."""
        options, source, target = self.options, self.source, self.target
        lo, hi = int(js[0]), int(js[-1])
        first_target = max(lo - MAX_BLOCK, 0)
        rows = np.arange(max(i - MAX_BLOCK, 0), i)
        anchor_dots = source.anchors[rows] @ target.anchors[first_target:hi].T if hi > first_target else None
        number_dots = source.numbers[rows] @ target.numbers[first_target:hi].T if hi > first_target else None
        mt_dots = source.vectors[rows] @ target.vectors[first_target:hi].T \
            if self.use_mt and hi > first_target else None
        costs = {}
        for k, l in MOVES:
            if k == 0 or l == 0:
                continue
            cost = np.full(len(js), np.inf)
            valid = (js >= l) & (i >= k)
            if not valid.any():
                costs[(k, l)] = cost
                continue
            j = js[valid]
            source_chars = self.source_prefix[i] - self.source_prefix[i - k]
            target_chars = self.target_prefix[j] - self.target_prefix[j - l]
            lengths = length_cost(np.full(len(j), source_chars), target_chars, self.ratio, options.variance)
            value = self.prior[(k, l)] + (options.length_weight * lengths if self.evidence is None else 0.0)
            # anchors: shared (hashed dot product) over the two sides' counts
            shared = np.zeros(len(j))
            shared_numbers = np.zeros(len(j))
            cross = np.zeros(len(j))
            for a in range(k):
                r = (i - 1 - a) - rows[0]
                for b in range(l):
                    c = (j - 1 - b) - first_target
                    shared += anchor_dots[r, c]
                    shared_numbers += number_dots[r, c]
                    if mt_dots is not None:
                        cross += mt_dots[r, c]
            n_source = self.source_anchor_prefix[i] - self.source_anchor_prefix[i - k]
            n_target = self.target_anchor_prefix[j] - self.target_anchor_prefix[j - l]
            both = n_source + n_target
            with np.errstate(invalid="ignore", divide="ignore"):
                dice = np.where(both > 0, np.clip(2.0 * shared / both, 0.0, 1.0), 1.0)
            source_numbers = self.source_number_prefix[i] - self.source_number_prefix[i - k]
            target_numbers = self.target_number_prefix[j] - self.target_number_prefix[j - l]
            source_any = self.source_any_number_prefix[i] - self.source_any_number_prefix[i - k]
            target_any = self.target_any_number_prefix[j] - self.target_any_number_prefix[j - l]
            value += options.number_veto * ((source_numbers > 0) & (target_numbers > 0) & (shared_numbers < 0.5))
            value += options.number_missing * (((source_numbers > 0) & (target_any == 0))
                                               | ((target_numbers > 0) & (source_any == 0)))
            size = float(max(k, l))  # as many 1-1 beads as its longer side: block cosines grow with size
            cosine = None
            if mt_dots is not None:
                source_norm = self._block_norms(source, np.array([i]), k)[0]
                target_norm = self._block_norms(target, j, l)
                with np.errstate(invalid="ignore", divide="ignore"):
                    cosine = np.where((source_norm > 0) & (target_norm > 0),
                                      cross / np.sqrt(source_norm * target_norm), 0.0)
                if self.pivot and (k > 1 or l > 1):
                    value += self._orphan_cost(i, k, j, l, mt_dots, rows[0], first_target)
            if self.evidence is not None:   # the bead's evidence, once, as the collection weighs it
                source_marks = self.source_marks_prefix[i] - self.source_marks_prefix[i - k]
                target_marks = self.target_marks_prefix[j] - self.target_marks_prefix[j - l]
                value -= self.evidence.log_ratio(bead_evidence(lengths, dice, both, source_marks, target_marks, cosine))
            else:
                value += size * self.anchor_weight * (1.0 - dice)
                if cosine is not None:   # 0 nats for a perfect match, mt_weight for none
                    value += size * options.mt_weight * (1.0 - np.clip(cosine, 0.0, 1.0))
            value += self._paragraph_cost(i, k, j, l)
            cost[valid] = value
            costs[(k, l)] = cost
        self._only_when_halves_fail(i, js, costs)
        return costs

    def _only_when_halves_fail(self, i: int, js: np.ndarray, costs: dict[tuple[int, int], np.ndarray]) -> None:
        """A 2-2 bead only where neither of its two 1-1 halves aligns on its own — costs less
        than leaving out even one sentence (``skip_cost``): otherwise the two 1-1 beads are the
        alignment, and a 2-2 bead only blurs them (issue 24: MT whose content spills across a
        sentence boundary made two good pairs look like one 2-2).  Sides cut differently
        (``X. Y Z.`` and ``X Y. Z.``) still make a 2-2: each half is then a poor 1-1."""
        one_one = costs[(1, 1)]
        alignable = one_one < self.options.skip_cost
        previous = self._previous_one_one
        if previous is not None and previous[0] == i - 1:
            previous_js, previous_alignable = previous[1], previous[2]
            index = np.searchsorted(previous_js, js - 1)
            inside = (js - 1 >= previous_js[0]) & (js - 1 <= previous_js[-1])
            first_half = np.zeros(len(js), dtype=bool)
            first_half[inside] = previous_alignable[index[inside]]
            costs[(2, 2)] = np.where(alignable | first_half, np.inf, costs[(2, 2)])
        self._previous_one_one = (i, js, alignable)

    def _orphan_cost(self, i: int, k: int, j: np.ndarray, l: int, mt_dots: np.ndarray, first_row: int,
                     first_target: int) -> np.ndarray:
        """``orphan_cost`` where the bead's weakest member has no counterpart in the bead."""
        source_norms, target_norms = self.source.pair_dots[0], self.target.pair_dots[0]
        cosines = {}
        for a in range(k):
            s = i - 1 - a
            for b in range(l):
                t = j - 1 - b
                with np.errstate(invalid="ignore", divide="ignore"):
                    norm = np.sqrt(source_norms[s] * target_norms[t])
                    cosines[(a, b)] = np.where(norm > 0, mt_dots[s - first_row, t - first_target] / norm, 0.0)
        support = [np.max([cosines[(a, b)] for b in range(l)], axis=0) for a in range(k)]
        support += [np.max([cosines[(a, b)] for a in range(k)], axis=0) for b in range(l)]
        weakest = np.min(support, axis=0)
        return self.options.orphan_cost * (weakest < self.options.member_cosine)

    def _paragraph_cost(self, i: int, k: int, j: np.ndarray, l: int) -> np.ndarray | float:
        source, target = self.source, self.target
        if not (source.has_paragraphs and target.has_paragraphs):
            return 0.0
        penalty = self.options.paragraph_penalty
        start_mismatch = np.abs(source.paragraph_starts[i - k] - target.paragraph_starts[j - l])
        spans = float(source.paragraph_ids[i - 1] != source.paragraph_ids[i - k])
        spans_target = (target.paragraph_ids[j - 1] != target.paragraph_ids[j - l]).astype(float)
        return penalty * (start_mismatch + spans + spans_target)


def character_ratio(source: SideFeatures, target: SideFeatures, options: AlignOptions | None = None) -> float:
    """The length model's c: the document's target/source character ratio, shrunk towards
    ``options.ratio`` when given.

    A short document estimates its ratio badly, and in the wrong direction when a sentence is
    missing from one side: the ratio then makes the lengths around the gap look right.  So the
    document's own characters are pooled with ``ratio_prior_chars`` characters at the corpus
    ratio.  Under Gale & Church's model the ratio of a document of S source characters has a
    variance of about s^2 / S; the prior is worth as much as a document whose sampling variance
    equals the spread of ratios between documents (standard deviation about 0.05 on the seed
    articles' paragraph pairs: 6.8 / 0.05^2 = 2,720, rounded to 3,000).  A 300-character FLORES
    document then keeps a tenth of its own ratio, a 4,000-character article over half."""
    source_chars, target_chars = float(source.lengths.sum()), float(target.lengths.sum())
    if options is None or options.ratio is None:
        return max(target_chars, 1.0) / max(source_chars, 1.0)
    prior = options.ratio_prior_chars
    return (target_chars + prior * options.ratio) / max(source_chars + prior, 1.0)


def bead_evidence(lengths: np.ndarray, dice: np.ndarray, anchors: np.ndarray, source_marks: np.ndarray,
                  target_marks: np.ndarray, cosine: np.ndarray | None = None) -> np.ndarray:
    """The features an ``EvidenceFit`` weighs (``EVIDENCE_FEATURES``, then the cosine if any), one
    row per candidate: the length term (``length_cost``), ``dice`` of the anchors, ``anchors`` on
    both sides together, punctuation marks per side (``punctuation_marks``; the source's may be
    one row for all)."""
    source_marks = np.broadcast_to(source_marks, target_marks.shape)
    columns = [lengths, np.where(anchors > 0, dice, 0.0), (anchors > 0).astype(float),
               np.minimum(np.abs(source_marks[:, 0] - target_marks[:, 0]), 3.0),
               (source_marks[:, 1] != target_marks[:, 1]).astype(float),
               (source_marks[:, 2] != target_marks[:, 2]).astype(float)]
    if cosine is not None:
        columns.append(cosine)
    return np.stack(columns, axis=1)


def pair_evidence(source: SideFeatures, target: SideFeatures, pairs: Sequence[tuple[int, int]],
                  options: AlignOptions) -> np.ndarray:
    """``bead_evidence`` of 1-1 pairs (source index, target index), exactly as the search sees them."""
    with_cosine = source.vectors is not None and target.vectors is not None
    if not pairs:
        return np.zeros((0, len(EVIDENCE_FEATURES) + with_cosine))
    rows, columns = (list(side) for side in zip(*pairs))
    shared = np.einsum("ij,ij->i", source.anchors[rows], target.anchors[columns]).astype(np.float64)
    anchors = (source.anchor_counts[rows] + target.anchor_counts[columns]).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        dice = np.where(anchors > 0, np.clip(2.0 * shared / anchors, 0.0, 1.0), 1.0)
    cosine = row_cosines(source.vectors[rows], target.vectors[columns]) if with_cosine else None
    lengths = length_cost(source.lengths[rows], target.lengths[columns], character_ratio(source, target, options),
                          options.variance)
    return bead_evidence(lengths, dice, anchors, source.marks[rows], target.marks[columns], cosine)
