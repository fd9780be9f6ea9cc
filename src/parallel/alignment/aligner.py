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

A collection is aligned twice (``align_collection``, ``realign``): the first time with fixed
weights for length, anchors and similarity (``AlignOptions``); the second with those weights
fitted on the first alignment's 1-1 pairs against their neighbours (``EvidenceFit``: the bead's
evidence as a log-likelihood ratio) and the bead priors and skip cost counted over its shapes,
so that every cost is a log-probability learned from the documents being aligned.  The costs
themselves are computed in ``costs.py``.

Skipping a sentence (1-0, 0-1) has a cost of its own; a candidate bead is only taken when it is
cheaper than skipping its sentences.  The search runs in a band around the diagonal given by
cumulative character lengths, so time and memory grow with sentences x band width; when the
best path touches the edge of the band, the band is doubled and the search repeated.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np
from sacrebleu.metrics import CHRF

from parallel.alignment.costs import BeadCosts, character_ratio, length_cost, pair_evidence
from parallel.alignment.evidence import (  # noqa: F401 (the aligner's options and estimates are public here too)
    EVIDENCE_FEATURES,
    GALE_CHURCH_PRIORS,
    MOVES,
    AlignOptions,
    EvidenceFit,
    corpus_ratio,
    fit_evidence,
    learned_priors,
    one_to_one_and_neighbours,
    with_corpus_ratio,
    with_learned_priors,
)
from parallel.alignment.features import (
    SideFeatures,
    arabic_skeletons,
    hashed_vectors,
    latin_tokens,
    name_skeletons,
    pair_dots,
    side_features,
    tfidf_vectors,
)
from parallel.alignment.search import band_centres, search_band


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


def align_features(source: SideFeatures, target: SideFeatures, options: AlignOptions,
                   evidence: EvidenceFit | None = None, pivot: bool = False) -> list[tuple[int, int, int, int]]:
    """The aligner's dynamic programme on precomputed features: beads as (i0, i1, j0, j1) index ranges.

    ``evidence`` weighs anchors, punctuation and the vectors' cosine (a ``pivot``'s or a learned
    table's) as a fitted log-likelihood ratio; without it they have fixed weights (AlignOptions)."""
    n, m = len(source.lengths), len(target.lengths)
    if n == 0 or m == 0:
        return [(i, i + 1, 0, 0) for i in range(n)] + [(n, n, j, j + 1) for j in range(m)]
    costs = BeadCosts(source, target, options, evidence, pivot)
    centres = band_centres(source.lengths, target.lengths)
    band = options.band
    while True:
        moves, inside = search_band(costs, n, m, centres, band, options.skip_cost)
        if inside or band >= max(n, m):
            return moves
        band *= 2


def document_features(source: Sequence[str], target: Sequence[str], pivot: Sequence[str] | None = None,
                      source_paragraphs: Sequence[int] | None = None, target_paragraphs: Sequence[int] | None = None,
                      options: AlignOptions | None = None, lexicon: WordWeights | None = None
                      ) -> tuple[SideFeatures, SideFeatures]:
    """Both sides' features, with the pivot's or the ``lexicon``'s vectors when given."""
    options = options or AlignOptions()
    names = None
    if options.name_anchors:   # names both sides write: Arabic skeletons that are English names' too
        english_names = set().union(*map(name_skeletons, target)) if target else set()
        names = english_names & (set().union(*map(arabic_skeletons, source)) if source else set())
    source_features = side_features(source, source_paragraphs, None, names, arabic=True)
    target_features = side_features(target, target_paragraphs, latin_tokens(source), names)
    if pivot is not None and len(source) and len(target):
        source_features.vectors, target_features.vectors = tfidf_vectors(pivot, target, options.dims)
    elif lexicon is not None and len(source) and len(target):
        source_features.vectors = hashed_vectors([lexicon.source_weights(s) for s in source], options.dims)
        target_features.vectors = hashed_vectors([lexicon.target_weights(t) for t in target], options.dims)
    if source_features.vectors is not None:
        source_features.pair_dots = pair_dots(source_features.vectors)
        target_features.pair_dots = pair_dots(target_features.vectors)
    return source_features, target_features


def align(source: Sequence[str], target: Sequence[str], pivot: Sequence[str] | None = None,
          source_paragraphs: Sequence[int] | None = None, target_paragraphs: Sequence[int] | None = None,
          options: AlignOptions | None = None, lexicon: WordWeights | None = None,
          evidence: EvidenceFit | None = None) -> list[Bead]:
    """Align ``source`` with ``target`` sentences; ``pivot`` is the MT of each source sentence.

    Without a pivot, a ``lexicon`` learned from other documents (see lexicon.align_documents)
    stands in for it.  ``evidence`` is what the collection says anchors, punctuation and
    similarity are worth (see ``align_collection``); without it they have fixed weights."""
    options = options or AlignOptions()
    if pivot is not None and len(pivot) != len(source):
        raise ValueError(f"pivot has {len(pivot)} sentences, source {len(source)}")
    features = document_features(source, target, pivot, source_paragraphs, target_paragraphs, options, lexicon)
    return _align_on(features, target, pivot, options, evidence)


def _align_on(features: tuple[SideFeatures, SideFeatures], target: Sequence[str], pivot: Sequence[str] | None,
              options: AlignOptions, evidence: EvidenceFit | None) -> list[Bead]:
    source_features, target_features = features
    ratio = character_ratio(source_features, target_features, options)
    moves = align_features(source_features, target_features, options, evidence, pivot is not None)
    return [_bead(move, target, pivot, source_features, target_features, ratio, options.variance)
            for move in moves]


Documents = Sequence[tuple[Sequence[str], Sequence[str]]]
Paragraphs = Sequence[tuple[Sequence[int] | None, Sequence[int] | None]]
FIT_SENTENCES = 4000   # the evidence is fitted on documents holding about this many source sentences


def fitting_sample(documents: Documents, sentences: int = FIT_SENTENCES) -> list[int]:
    """The documents an evidence fit reads: all of them, or every k-th, so that they hold about
    ``sentences`` source sentences (a few thousand pairs fit six weights well; more only cost)."""
    total = sum(len(source) for source, _ in documents)
    step = max(1, -(-total // sentences))
    return list(range(0, len(documents), step))


class _CollectionFeatures:
    """Document k's features with ``pivots[k]``'s or ``lexicons[k % len(lexicons)]``'s vectors,
    computed when asked for; those of a fit's sample are kept until the alignment uses them."""

    def __init__(self, documents: Documents, options: AlignOptions, paragraphs: Paragraphs,
                 pivots: Sequence[Sequence[str]] | None, lexicons: Sequence[WordWeights] | None):
        self.documents, self.options, self.paragraphs = documents, options, paragraphs
        self.pivots, self.lexicons = pivots, lexicons
        self.kept: dict[int, tuple[SideFeatures, SideFeatures]] = {}

    def pivot(self, index: int) -> Sequence[str] | None:
        return self.pivots[index] if self.pivots else None

    def of(self, index: int, keep: bool = False) -> tuple[SideFeatures, SideFeatures]:
        if index in self.kept:
            return self.kept[index] if keep else self.kept.pop(index)
        source, target = self.documents[index]
        lexicon = self.lexicons[index % len(self.lexicons)] if self.lexicons else None
        features = document_features(source, target, self.pivot(index), *self.paragraphs[index], self.options, lexicon)
        if keep:
            self.kept[index] = features
        return features


def align_collection(documents: Documents, options: AlignOptions | None = None, paragraphs: Paragraphs | None = None,
                     pivots: Sequence[Sequence[str]] | None = None) -> list[list[Bead]]:
    """Align many documents (with ``pivots``, each document's MT, when given), then once more as
    the first alignment says the collection's evidence and bead types go (:func:`realign`)."""
    options = options or AlignOptions()
    paragraphs = paragraphs or [(None, None)] * len(documents)
    first = [align(source, target, pivots[index] if pivots else None, *paragraphs[index], options=options)
             for index, (source, target) in enumerate(documents)]
    return realign(documents, first, options, paragraphs, pivots)


def realign(documents: Documents, aligned: Sequence[Sequence[Bead]], options: AlignOptions, paragraphs: Paragraphs,
            pivots: Sequence[Sequence[str]] | None = None, lexicons: Sequence[WordWeights] | None = None
            ) -> list[list[Bead]]:
    """Align the documents again with what ``aligned`` teaches: the bead priors and skip cost of
    its shapes (``with_learned_priors``) and the weight of each kind of evidence, fitted on its
    1-1 pairs against their neighbours (:func:`fit_collection_evidence`).  Document k's vectors
    come from ``pivots[k]`` or ``lexicons[k % len(lexicons)]``.  A collection too small to fit
    keeps ``aligned`` when it has vectors, and gets only the learned priors when it has none."""
    features = _CollectionFeatures(documents, options, paragraphs, pivots, lexicons)
    evidence = _fit(features, aligned)
    if evidence is None and (pivots or lexicons):
        return [list(beads) for beads in aligned]
    learned = with_learned_priors(options, ((len(b.source), len(b.target)) for beads in aligned for b in beads))
    return [_align_on(features.of(index), target, features.pivot(index), learned, evidence)
            for index, (_, target) in enumerate(documents)]


def fit_collection_evidence(documents: Documents, aligned: Sequence[Sequence[Bead]], options: AlignOptions,
                            paragraphs: Paragraphs, pivots: Sequence[Sequence[str]] | None = None,
                            lexicons: Sequence[WordWeights] | None = None) -> EvidenceFit | None:
    """What each kind of evidence is worth in this collection: ``fit_evidence`` on the features
    (``pair_evidence``) of ``aligned``'s 1-1 pairs and of their neighbours
    (``one_to_one_and_neighbours``), in the documents of ``fitting_sample``; None with too few."""
    return _fit(_CollectionFeatures(documents, options, paragraphs, pivots, lexicons), aligned)


def _fit(features: _CollectionFeatures, aligned: Sequence[Sequence[Bead]]) -> EvidenceFit | None:
    translations, neighbours = [], []
    for index in fitting_sample(features.documents):
        ones, others = one_to_one_and_neighbours(aligned[index])
        if ones:   # (a document with an empty side has no vectors: nor any pairs)
            document = features.of(index, keep=True)
            translations.append(pair_evidence(*document, ones, features.options))
            neighbours.append(pair_evidence(*document, others, features.options))
    if not translations:
        return None
    return fit_evidence(np.vstack(translations), np.vstack(neighbours))


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
