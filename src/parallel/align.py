"""Sentence alignment: pair the sentences of a source document with those of its translation.

A dynamic programme over (source sentences consumed, target sentences consumed) chooses beads
1-1, 1-2, 2-1, 2-2, 1-3, 3-1, 1-0 and 0-1.  The cost of a bead adds, in nats:

- a prior per bead type (Gale & Church 1993's figures: 1-1 is common, merges rarer, skips rare);
- a length term: Gale & Church's -log P(delta), with the target/source character ratio taken
  from the document itself (drawn towards that of all documents when many are aligned);
- anchors that need no MT: numbers (Arabic-Indic digits normalised), Latin-script tokens of the
  Arabic found again in the English, question marks and quotation marks; scored by how many
  the two sides share (Dice);
- paragraph boundaries, when both sides have paragraphs: a bead that starts a paragraph on one
  side only, or spans one, costs more;
- with a pivot (the MT of each source sentence, from the model or any external system): how
  similar the pivot of the source block is to the target block, as the cosine of hashed
  TF-IDF word and character 4-gram vectors (a fast stand-in for chrF over every candidate);
- or, without MT, with a word-translation table learned from the documents themselves
  (``lexicon.py``): the cosine between the English a source block is expected to contain and
  the target block.

A collection is aligned twice (``align_collection``): the second time the similarity is a
log-likelihood ratio fitted on the first alignment's pairs (``SimilarityFit``), and the bead
priors are the first alignment's, so that every cost is a log-likelihood learned from the
documents being aligned.

Skipping a sentence (1-0, 0-1) has a fixed cost; a candidate bead is only taken when it is
cheaper than skipping its sentences.  The search runs in a band around the diagonal given by
cumulative character lengths, so time and memory grow with sentences x band width; when the
best path touches the edge of the band, the band is doubled and the search repeated.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np
from sacrebleu.metrics import CHRF

from .align_features import (
    MAX_BLOCK,
    SideFeatures,
    arabic_skeletons,
    hashed_vectors,
    latin_tokens,
    name_skeletons,
    pair_dots,
    pivot_cosines,
    side_features,
    tfidf_vectors,
)
from .align_model import (  # noqa: F401 (the aligner's options and estimates are public here too)
    GALE_CHURCH_PRIORS,
    MOVES,
    AlignOptions,
    SimilarityFit,
    corpus_ratio,
    fit_similarity,
    learned_priors,
    one_to_one_and_neighbours,
    with_corpus_ratio,
    with_learned_priors,
)
from .align_search import band_centres, search_band


class WordWeights(Protocol):
    """What the aligner needs of a learned word table (``lexicon.Lexicon``): for a source sentence
    the English words it is expected to contain, for a target sentence its own, each weighted."""

    def source_weights(self, sentence: str) -> dict[str, float]:
        """The target-language words an Arabic sentence is expected to contain, with weights."""

    def target_weights(self, sentence: str) -> dict[str, float]:
        """The words of an English sentence, weighted as ``source_weights`` weighs its expectations."""


_CHRF = CHRF()  # sacrebleu sentence chrF for the pairs' scores; one instance serves all


@dataclass(frozen=True)
class Bead:
    """One alignment: source and target sentence indices (either may be empty) and its score.

    ``score`` is in [0, 1]: with a pivot, the sentence chrF (sacrebleu, /100) between the pivot of
    the source block and the target block; without one, half length agreement and half shared
    anchors, so that a pair with no anchors never scores above 0.5.  Skips score 0."""
    source: tuple[int, ...]
    target: tuple[int, ...]
    score: float = 0.0


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


class _Costs:
    """Costs of every bead type ending at (i, j) for a row i and a window of j."""

    def __init__(self, source: SideFeatures, target: SideFeatures, options: AlignOptions,
                 similarity: SimilarityFit | None = None, pivot: bool = False):
        self.source, self.target, self.options = source, target, options
        self.similarity = similarity    # None: a pivot's cosine costs mt_weight x (1 - cosine)
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
        options, source, target, similarity = self.options, self.source, self.target, self.similarity
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
            value = self.prior[(k, l)] + options.length_weight * length_cost(
                np.full(len(j), source_chars), target_chars, self.ratio, options.variance)
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
            value += size * self.anchor_weight * (1.0 - dice)
            if mt_dots is not None and self.pivot and (k > 1 or l > 1):
                value += self._orphan_cost(i, k, j, l, mt_dots, rows[0], first_target)
            if mt_dots is not None:
                source_norm = self._block_norms(source, np.array([i]), k)[0]
                target_norm = self._block_norms(target, j, l)
                with np.errstate(invalid="ignore", divide="ignore"):
                    cosine = np.where((source_norm > 0) & (target_norm > 0),
                                      cross / np.sqrt(source_norm * target_norm), 0.0)
                if similarity is None:   # 0 nats for a perfect match, mt_weight for none
                    value += size * options.mt_weight * (1.0 - np.clip(cosine, 0.0, 1.0))
                else:                    # the bead's evidence, once
                    value -= similarity.log_ratio(cosine)
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


# --- the search ----------------------------------------------------------------------------------


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


def align_features(source: SideFeatures, target: SideFeatures, options: AlignOptions,
                   similarity: SimilarityFit | None = None, pivot: bool = False) -> list[tuple[int, int, int, int]]:
    """The aligner's dynamic programme on precomputed features: beads as (i0, i1, j0, j1) index ranges.

    When the features carry vectors (a ``pivot``'s, or a learned table's), ``similarity`` reads
    their cosines as evidence; without it a pivot's cosine costs ``mt_weight`` x (1 - cosine)."""
    n, m = len(source.lengths), len(target.lengths)
    if n == 0 or m == 0:
        return [(i, i + 1, 0, 0) for i in range(n)] + [(n, n, j, j + 1) for j in range(m)]
    costs = _Costs(source, target, options, similarity, pivot)
    centres = band_centres(source.lengths, target.lengths)
    band = options.band
    while True:
        moves, inside = search_band(costs, n, m, centres, band, options.skip_cost)
        if inside or band >= max(n, m):
            return moves
        band *= 2


def align(source: Sequence[str], target: Sequence[str], pivot: Sequence[str] | None = None,
          source_paragraphs: Sequence[int] | None = None, target_paragraphs: Sequence[int] | None = None,
          options: AlignOptions | None = None, lexicon: WordWeights | None = None,
          similarity_fit: SimilarityFit | None = None) -> list[Bead]:
    """Align ``source`` with ``target`` sentences; ``pivot`` is the MT of each source sentence.

    Without a pivot, a ``lexicon`` learned from other documents (see lexicon.align_documents)
    stands in for it.  ``similarity_fit`` reads the pivot's or the table's cosines (see
    ``align_collection``); without one a pivot's cosine costs ``mt_weight`` x (1 - cosine) and a
    table's is read by ``SimilarityFit``'s defaults."""
    options = options or AlignOptions()
    if pivot is not None and len(pivot) != len(source):
        raise ValueError(f"pivot has {len(pivot)} sentences, source {len(source)}")
    names = None
    if options.name_anchors:   # names both sides write: Arabic skeletons that are English names' too
        english_names = set().union(*map(name_skeletons, target)) if target else set()
        names = english_names & (set().union(*map(arabic_skeletons, source)) if source else set())
    source_features = side_features(source, source_paragraphs, None, names, arabic=True)
    target_features = side_features(target, target_paragraphs, latin_tokens(source), names)
    ratio = character_ratio(source_features, target_features, options)
    similarity = None
    if pivot is not None and len(source) and len(target):
        source_features.vectors, target_features.vectors = tfidf_vectors(pivot, target, options.dims)
        similarity = similarity_fit
    elif lexicon is not None and len(source) and len(target):
        source_features.vectors = hashed_vectors([lexicon.source_weights(s) for s in source], options.dims)
        target_features.vectors = hashed_vectors([lexicon.target_weights(t) for t in target], options.dims)
        similarity = similarity_fit or SimilarityFit()
    if source_features.vectors is not None:
        source_features.pair_dots = pair_dots(source_features.vectors)
        target_features.pair_dots = pair_dots(target_features.vectors)
    moves = align_features(source_features, target_features, options, similarity, pivot is not None)
    return [_bead(move, target, pivot, source_features, target_features, ratio, options.variance)
            for move in moves]


def align_collection(documents: Sequence[tuple[Sequence[str], Sequence[str]]], options: AlignOptions | None = None,
                     paragraphs: Sequence[tuple[Sequence[int] | None, Sequence[int] | None]] | None = None,
                     pivots: Sequence[Sequence[str]] | None = None) -> list[list[Bead]]:
    """Align many documents, twice: the second time with the bead priors and skip cost learned
    from the first alignment of all of them (``with_learned_priors``), so that a collection that
    drops, adds or merges sentences often pays less for doing so.

    With ``pivots`` (each document's MT), the second pass also reads the pivot's cosines as the
    log-likelihood ratio fitted on the first alignment's pairs (``fit_pivot_similarity``); a
    collection with too few pairs to fit keeps its first alignment."""
    options = options or AlignOptions()
    paragraphs = paragraphs or [(None, None)] * len(documents)
    with_pivots = pivots is not None
    pivots = pivots if with_pivots else [None] * len(documents)
    first = [align(source, target, pivots[index], *paragraphs[index], options=options)
             for index, (source, target) in enumerate(documents)]
    fit = None
    if with_pivots:
        fit = fit_pivot_similarity(documents, pivots, first, options.dims)
        if fit is None:
            return first
    learned = with_learned_priors(options, ((len(b.source), len(b.target)) for beads in first for b in beads))
    return [align(source, target, pivots[index], *paragraphs[index], options=learned, similarity_fit=fit)
            for index, (source, target) in enumerate(documents)]


def fit_pivot_similarity(documents: Sequence[tuple[Sequence[str], Sequence[str]]], pivots: Sequence[Sequence[str]],
                         aligned: Sequence[Sequence[Bead]], dims: int) -> SimilarityFit | None:
    """What a pivot's cosine says about a pair, fitted on an alignment's 1-1 pairs and their
    neighbours (``one_to_one_and_neighbours``); None with too few of them."""
    translations, neighbours = [], []
    for (_, target), pivot, beads in zip(documents, pivots, aligned):
        pairs, others = one_to_one_and_neighbours(beads)
        translations.append(pivot_cosines(pivot, target, pairs, dims))
        neighbours.append(pivot_cosines(pivot, target, others, dims))
    return fit_similarity(np.concatenate(translations), np.concatenate(neighbours))


def _bead(move, target, pivot, source_features: SideFeatures, target_features: SideFeatures,
          ratio: float, variance: float) -> Bead:
    a, b, c, d = move
    source_ids, target_ids = tuple(range(a, b)), tuple(range(c, d))
    if not source_ids or not target_ids:
        return Bead(source_ids, target_ids, 0.0)
    if pivot is not None:
        hypothesis = " ".join(pivot[i] for i in source_ids)
        reference = " ".join(target[j] for j in target_ids)
        return Bead(source_ids, target_ids, round(_CHRF.sentence_score(hypothesis, [reference]).score / 100, 4))
    length = float(np.exp(-length_cost(np.array([source_features.lengths[a:b].sum()]),
                                       np.array([target_features.lengths[c:d].sum()]), ratio, variance))[0])
    source_anchors = Counter(t for i in source_ids for t in source_features.anchor_tokens[i])
    target_anchors = Counter(t for j in target_ids for t in target_features.anchor_tokens[j])
    both = sum(source_anchors.values()) + sum(target_anchors.values())
    dice = 2 * sum((source_anchors & target_anchors).values()) / both if both else 0.0
    return Bead(source_ids, target_ids, round(0.5 * length + 0.5 * dice, 4))
