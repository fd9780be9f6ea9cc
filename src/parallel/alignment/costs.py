"""The aligner's costs: what a bead of each type ending at (i, j) costs, in nats (see ``aligner.py``
for the model), and the evidence an ``EvidenceFit`` weighs."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from parallel.alignment.evidence import EVIDENCE_FEATURES, GALE_CHURCH_PRIORS, MOVES, AlignOptions, EvidenceFit
from parallel.alignment.features import MAX_BLOCK, SideFeatures, row_cosines


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


ROW_BLOCK = 64   # rows of the search computed together (memory: rows x window width per bead type)


class BeadCosts:
    """Costs of every bead type ending at (i, j) for a row i and a window of j: computed a block of
    rows at a time as whole arrays, so that a row costs a few array operations, not hundreds."""

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
        self._previous_one_one: tuple[int, int, np.ndarray] | None = None   # row, its first j, alignable
        self.windows: list[tuple[int, int]] = []
        self._block: tuple[int, int, dict[tuple[int, int], np.ndarray]] | None = None
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

    def plan(self, windows: Sequence[tuple[int, int]]) -> None:
        """The target window ``(lo, hi)`` of every row the search will ask for, in order: rows are
        then computed ``ROW_BLOCK`` at a time, as whole arrays."""
        self.windows = list(windows)
        self._block: tuple[int, int, dict[tuple[int, int], np.ndarray]] | None = None

    def row(self, i: int, js: np.ndarray) -> dict[tuple[int, int], np.ndarray]:
        """Cost of each move ending at row ``i`` for the target positions ``js`` of its window
        (inf where impossible)."""
        if self._block is None or not self._block[0] <= i < self._block[1]:
            first = i
            self._block = (first, min(first + ROW_BLOCK, len(self.windows)),
                           self._rows(first, min(first + ROW_BLOCK, len(self.windows))))
        first, _, block = self._block
        return {move: costs[i - first, :len(js)] for move, costs in block.items()}

    def _rows(self, first: int, last: int) -> dict[tuple[int, int], np.ndarray]:
        """Every paired move's costs for rows ``first`` to ``last - 1``: arrays (rows, widest window)."""
        i = np.arange(first, last)[:, None]
        lows = np.array([self.windows[r][0] for r in range(first, last)])[:, None]
        highs = np.array([self.windows[r][1] for r in range(first, last)])[:, None]
        j_all = lows + np.arange(int((highs - lows).max()) + 1)[None, :]
        dots = self._dot_blocks(first, last, int(lows.min()), int(highs.max()))
        costs = {}
        for k, l in MOVES:
            if k == 0 or l == 0:
                continue
            valid = (j_all <= highs) & (j_all >= l) & (i >= k)
            j = np.where(valid, j_all, 0)          # harmless indices where the move is impossible
            costs[(k, l)] = np.where(valid, self._move_costs(i, k, j, l, dots), np.inf)
        self._only_when_halves_fail(first, lows[:, 0], costs)
        return costs

    def _dot_blocks(self, first: int, last: int, low: int, high: int) -> tuple[int, int, list[np.ndarray]]:
        """The dot products of every source sentence of rows ``first``..``last - 1``'s beads with
        every target sentence of their windows: anchors, numbers, and the vectors when there are
        any; with the indices of their first row and column."""
        source, target = self.source, self.target
        top, left = max(first - MAX_BLOCK, 0), max(low - MAX_BLOCK, 0)
        bottom, right = max(last - 1, top), max(high, left)
        sides = [(source.anchors, target.anchors), (source.numbers, target.numbers)]
        if self.use_mt:
            sides.append((source.vectors, target.vectors))
        return top, left, [a[top:bottom] @ b[left:right].T for a, b in sides]

    def _move_costs(self, i: np.ndarray, k: int, j: np.ndarray, l: int, dots: tuple[int, int, list[np.ndarray]]
                    ) -> np.ndarray:
        """The cost of a k-l bead ending at each (i, j): prior, then the evidence (fitted, or with
        fixed weights), numbers, orphans and paragraphs."""
        options, source, target = self.options, self.source, self.target
        top, left, blocks = dots
        ik, jl = np.maximum(i - k, 0), np.maximum(j - l, 0)
        lengths = length_cost(np.broadcast_to(self.source_prefix[i] - self.source_prefix[ik], j.shape),
                              self.target_prefix[j] - self.target_prefix[jl], self.ratio, options.variance)
        sums = [np.zeros(j.shape) for _ in blocks]   # shared anchors, shared numbers, pivot dot
        for a in range(k):
            rows = np.clip(i - 1 - a - top, 0, None)
            for b in range(l):
                columns = np.clip(j - 1 - b - left, 0, None)
                for total, block in zip(sums, blocks):
                    total += block[rows, columns]
        both = (self.source_anchor_prefix[i] - self.source_anchor_prefix[ik]) \
            + (self.target_anchor_prefix[j] - self.target_anchor_prefix[jl])
        dice = anchor_dice(sums[0], both)
        value = self.prior[(k, l)] + self._number_costs(i, ik, j, jl, sums[1])
        cosine = None
        if self.use_mt:
            source_norm = self._block_norms(source, i[:, 0], k)[:, None]
            target_norm = self._block_norms(target, j.ravel(), l).reshape(j.shape)
            with np.errstate(invalid="ignore", divide="ignore"):
                cosine = np.where((source_norm > 0) & (target_norm > 0), sums[2] / np.sqrt(source_norm * target_norm),
                                  0.0)
            if self.pivot and (k > 1 or l > 1):
                value = value + self._orphan_cost(i, k, j, l, blocks[2], top, left)
        if self.evidence is not None:   # the bead's evidence, once, as the collection weighs it
            source_marks = np.broadcast_to((self.source_marks_prefix[i[:, 0]] - self.source_marks_prefix[ik[:, 0]])
                                           [:, None, :], j.shape + (3,)).reshape(-1, 3)
            target_marks = (self.target_marks_prefix[j] - self.target_marks_prefix[jl]).reshape(-1, 3)
            features = bead_evidence(lengths.ravel(), dice.ravel(), both.ravel(), source_marks, target_marks,
                                     None if cosine is None else cosine.ravel())
            value = value - self.evidence.log_ratio(features).reshape(j.shape)
        else:
            size = float(max(k, l))  # as many 1-1 beads as its longer side: block cosines grow with size
            value = value + options.length_weight * lengths + size * self.anchor_weight * (1.0 - dice)
            if cosine is not None:   # 0 nats for a perfect match, mt_weight for none
                value = value + size * options.mt_weight * (1.0 - np.clip(cosine, 0.0, 1.0))
        return value + self._paragraph_cost(i, k, j, l)

    def _number_costs(self, i: np.ndarray, ik: np.ndarray, j: np.ndarray, jl: np.ndarray,
                      shared_numbers: np.ndarray) -> np.ndarray:
        """``number_veto`` where both blocks write numbers in digits and share none;
        ``number_missing`` where one does and the other has no number at all."""
        options = self.options
        source_numbers = self.source_number_prefix[i] - self.source_number_prefix[ik]
        target_numbers = self.target_number_prefix[j] - self.target_number_prefix[jl]
        source_any = self.source_any_number_prefix[i] - self.source_any_number_prefix[ik]
        target_any = self.target_any_number_prefix[j] - self.target_any_number_prefix[jl]
        return (options.number_veto * ((source_numbers > 0) & (target_numbers > 0) & (shared_numbers < 0.5))
                + options.number_missing * (((source_numbers > 0) & (target_any == 0))
                                            | ((target_numbers > 0) & (source_any == 0))))

    def _only_when_halves_fail(self, first: int, lows: np.ndarray, costs: dict[tuple[int, int], np.ndarray]) -> None:
        """A 2-2 bead only where none of the four sentence pairs inside it aligns on its own as
        a 1-1 bead — costs less than leaving out even one sentence (``skip_cost``): otherwise
        that pair is the alignment, and a 2-2 bead only blurs it.  Along the diagonal, MT whose
        content spills across a sentence boundary made two good pairs look like one 2-2 (issue
        24); across it, a good pair with a dropped and an inserted sentence beside it was
        absorbed into one 2-2 (FLORES documents joined eight at a time, without MT).  Sides cut
        differently (``X. Y Z.`` and ``X Y. Z.``) still make a 2-2: each pair is then a poor 1-1.

        Row by row of the block (``lows``: each row's first target): the 2-2 bead ending at
        (i, j) holds the 1-1 beads ending at (i, j), (i, j - 1), (i - 1, j - 1) and (i - 1, j);
        the block's first row reads the last row of the block before."""
        alignable = costs[(1, 1)] < self.options.skip_cost
        width = alignable.shape[1]
        previous = self._previous_one_one
        for r in range(alignable.shape[0]):
            if previous is not None and previous[0] == first + r - 1:
                previous_low, previous_alignable = previous[1], previous[2]
                blocked = alignable[r].copy()
                blocked[1:] |= alignable[r][:-1]
                for shift in (1, 0):   # the row before at targets j - 1 and j
                    index = lows[r] + np.arange(width) - shift - previous_low
                    inside = (index >= 0) & (index < len(previous_alignable))
                    blocked[inside] |= previous_alignable[index[inside]]
                costs[(2, 2)][r] = np.where(blocked, np.inf, costs[(2, 2)][r])
            previous = (first + r, int(lows[r]), alignable[r])
        self._previous_one_one = previous

    def _orphan_cost(self, i: np.ndarray, k: int, j: np.ndarray, l: int, dots: np.ndarray, top: int,
                     left: int) -> np.ndarray:
        """``orphan_cost`` where the bead's weakest member has no counterpart in the bead."""
        source_norms, target_norms = self.source.pair_dots[0], self.target.pair_dots[0]
        cosines = {}
        for a in range(k):
            s = np.maximum(i - 1 - a, 0)
            for b in range(l):
                t = np.maximum(j - 1 - b, 0)
                with np.errstate(invalid="ignore", divide="ignore"):
                    norm = np.sqrt(source_norms[s] * target_norms[t])
                    cosines[(a, b)] = np.where(norm > 0, dots[np.clip(s - top, 0, None), np.clip(t - left, 0, None)]
                                               / norm, 0.0)
        support = [np.max([cosines[(a, b)] for b in range(l)], axis=0) for a in range(k)]
        support += [np.max([cosines[(a, b)] for a in range(k)], axis=0) for b in range(l)]
        weakest = np.min(support, axis=0)
        return self.options.orphan_cost * (weakest < self.options.member_cosine)

    def _paragraph_cost(self, i: np.ndarray, k: int, j: np.ndarray, l: int) -> np.ndarray | float:
        source, target = self.source, self.target
        if not (source.has_paragraphs and target.has_paragraphs):
            return 0.0
        penalty = self.options.paragraph_penalty
        ik, i1, jl, j1 = np.maximum(i - k, 0), np.maximum(i - 1, 0), np.maximum(j - l, 0), np.maximum(j - 1, 0)
        start_mismatch = np.abs(source.paragraph_starts[ik] - target.paragraph_starts[jl])
        spans = (source.paragraph_ids[i1] != source.paragraph_ids[ik]).astype(float)
        spans_target = (target.paragraph_ids[j1] != target.paragraph_ids[jl]).astype(float)
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


def anchor_dice(shared: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """Dice of the anchors two blocks share (hashed dot product) over both blocks' anchors; 1
    where neither has any, so that anchor-less pairs are not penalised."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(anchors > 0, np.clip(2.0 * shared / anchors, 0.0, 1.0), 1.0)


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
    dice = anchor_dice(shared, anchors)
    cosine = None
    if with_cosine:   # a few thousand rows at a time: the vectors are 4 KB a sentence
        cosine = np.concatenate([row_cosines(source.vectors[rows[start:start + 2048]],
                                             target.vectors[columns[start:start + 2048]])
                                 for start in range(0, len(rows), 2048)])
    lengths = length_cost(source.lengths[rows], target.lengths[columns], character_ratio(source, target, options),
                          options.variance)
    return bead_evidence(lengths, dice, anchors, source.marks[rows], target.marks[columns], cosine)
