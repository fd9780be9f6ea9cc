"""The aligner's model: its options, the bead types and their priors, and what is estimated from
the documents themselves — the length model's character ratio, the bead priors and what a
bead's evidence says (``EvidenceFit``).

Costs are in nats.  Gale & Church's bead priors (1-1 common, merges rarer, skips rare) are the
default; a collection whose translations drop, add or merge sentences more (or less) often than
theirs did gets its own rates (``with_learned_priors``): the shapes of a first alignment, counted
over all its documents, drawn towards Gale & Church's by ``PRIOR_STRENGTH`` pseudo-beads (the MAP
estimate under a Dirichlet prior), so that a few documents move the priors little.  They are only
likelihoods where the other costs are (length and anchors): with a pivot or a learned table the
similarity weights are not, and learned priors made skips far too cheap there (measured on
FLORES-200 with a simulated pivot: strict F1 0.998 -> 0.948), so they are used with fixed weights
only for length and anchors alone, and otherwise with an ``EvidenceFit``, which makes every cost
a log-likelihood.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

import numpy as np

MOVES: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (0, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1))
GALE_CHURCH_PRIORS = {(1, 1): 0.89, (1, 0): 0.005, (0, 1): 0.005, (1, 2): 0.0445, (2, 1): 0.0445, (2, 2): 0.011,
                      (1, 3): 0.002, (3, 1): 0.002}


@dataclass
class AlignOptions:
    """The aligner's cost model: the weight of each kind of evidence (length, anchors, pivot, learned
    table) and the bead types allowed."""

    band: int = 48                  # initial half-width of the search band, in sentences
    skip_cost: float = 5.0          # nats per skipped sentence
    mt_weight: float = 8.0          # nats at similarity 0 (a perfect match costs 0)
    anchor_weight: float = 3.0      # nats when the two sides share no anchor (half that with a pivot,
                                    # which carries the numbers and names already)
    paragraph_penalty: float = 2.5  # nats per paragraph mismatch
    length_weight: float = 1.0
    dims: int = 1024                # hashed feature dimensions for the pivot similarity
    # nats added to a bead whose two sides both write numbers in digits and share none of them:
    # a translation keeps its numbers, so such a pairing is vetoed unless nothing else fits
    number_veto: float = 10.0
    # nats added where one side writes a number in digits and the other has no number at all, in
    # digits or in words: the log of how much likelier that is between unrelated sentences than
    # between a sentence and its translation (25 % of random pairs either way; 0.1 % of FLORES-200
    # dev+devtest's 2,009 pairs, 0 of the seed articles' 121 paragraph pairs: log 0.25/0.001 = 5.5,
    # log 0.25/0.004 = 4.1 counting half a pair there), rounded to 5
    number_missing: float = 5.0
    name_anchors: bool = True       # names matched across scripts by their consonants count as anchors
    # A merged bead (2-1, 1-2, 2-2…) whose weakest member resembles no sentence on the other side
    # of the bead (its best one-to-one cosine below ``member_cosine`` x the full cosine) costs
    # ``orphan_cost`` more: that sentence was inserted or dropped and should be skipped, not
    # absorbed.  Only with a pivot: a learned table's cosines are too weak to tell (measured: it
    # cost 0.01-0.02 F1 with --lexicon on FLORES).
    member_cosine: float = 0.15
    orphan_cost: float = 5.0
    # Gale & Church's s^2.  Arabic/English news is tighter (about 2.6 on the seed articles' paragraph
    # pairs), but a tight length term makes merged beads cheap, whose length errors cancel out.
    variance: float = 6.8
    # The length model's target/source character ratio is the document's own, drawn towards
    # ``ratio`` (that of many documents: see corpus_ratio) when one is given, as if the document
    # had ``ratio_prior_chars`` more source characters at that ratio (see character_ratio).
    ratio: float | None = None
    ratio_prior_chars: float = 3000.0
    # Probability of each bead type: None is Gale & Church's; ``with_learned_priors`` sets those of
    # the documents being aligned (and ``skip_cost`` from them).
    bead_priors: dict[tuple[int, int], float] | None = None


def corpus_ratio(documents: Iterable[tuple[Sequence[str], Sequence[str]]]) -> float:
    """The target/source character ratio (white space not counted) of many documents together."""
    source_chars = target_chars = 0
    for source, target in documents:
        source_chars += sum(len("".join(s.split())) for s in source)
        target_chars += sum(len("".join(t.split())) for t in target)
    return max(target_chars, 1) / max(source_chars, 1)


def with_corpus_ratio(options: AlignOptions, documents: Iterable[tuple[Sequence[str], Sequence[str]]]) -> AlignOptions:
    """``options`` with the documents' :func:`corpus_ratio` as the length model's prior, unless set."""
    return options if options.ratio is not None else replace(options, ratio=corpus_ratio(documents))


PRIOR_STRENGTH = 100.0   # pseudo-beads at Gale & Church's rates that learned priors are drawn towards


def learned_priors(shapes: Iterable[tuple[int, int]], strength: float = PRIOR_STRENGTH) -> dict[tuple[int, int], float]:
    """Bead-type probabilities from the shapes (source, target sentence counts) of an alignment,
    drawn towards Gale & Church's by ``strength`` pseudo-beads."""
    counts = Counter(shape for shape in shapes if shape in GALE_CHURCH_PRIORS)
    total, norm = sum(counts.values()), sum(GALE_CHURCH_PRIORS.values())   # theirs add up to 1.002
    return {move: (counts[move] + strength * prior / norm) / (total + strength)
            for move, prior in GALE_CHURCH_PRIORS.items()}


def with_learned_priors(options: AlignOptions, shapes: Iterable[tuple[int, int]],
                        strength: float = PRIOR_STRENGTH) -> AlignOptions:
    """``options`` with bead priors learned from ``shapes`` and the skip cost they imply (minus
    the log of the mean of the 1-0 and 0-1 probabilities)."""
    priors = learned_priors(shapes, strength)
    return replace(options, bead_priors=priors, skip_cost=-math.log((priors[(1, 0)] + priors[(0, 1)]) / 2))


# What the fitted evidence reads of a bead (``costs.bead_evidence``), in this order; a pivot's
# or a learned table's cosine comes last when there is one.
EVIDENCE_FEATURES = ("length (Gale & Church's -log P(delta))", "shared anchors (Dice)", "anchors on either side",
                     "commas differ by (at most 3)", "opening brackets differ", "colons differ")


@dataclass(frozen=True)
class EvidenceFit:
    """What a bead's evidence says: the log of how much likelier it is for a sentence and its
    translation than for a sentence and a neighbour's translation, as ``intercept`` plus
    ``weights`` x features (``EVIDENCE_FEATURES``, then the cosine): a logistic regression
    fitted on each collection (``fit_evidence``).

    The aligner adds minus that to a bead in place of its fixed length, anchor and similarity
    weights, so that evidence and bead priors are all log-likelihoods and a pair is taken
    exactly when its evidence outweighs skipping.  What a comma, an anchor or a cosine is worth differs
    between collections (a learned table's cosines are far lower than a pivot's; some
    translators keep the commas, some do not): the fit finds it."""
    intercept: float
    weights: tuple[float, ...]

    def log_ratio(self, features: np.ndarray) -> np.ndarray:
        """log P(features | translation) / P(features | a neighbour's translation), per row."""
        return self.intercept + features @ np.asarray(self.weights)


MIN_FIT_PAIRS = 20   # fewer translations or neighbours than this: no fit


def one_to_one_and_neighbours(beads: Iterable) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The (source, target) indices of an alignment's 1-1 beads, and of each of their sentences
    with the translation two pairs away (either way): the two kinds of pair a similarity fit tells
    apart.  Two, not one, so that a neighbour is never where the pair's own translation spilled."""
    ones = [(bead.source[0], bead.target[0]) for bead in beads if len(bead.source) == 1 and len(bead.target) == 1]
    neighbours = [(ones[a][0], ones[a + 2][1]) for a in range(len(ones) - 2)]
    neighbours += [(ones[a + 2][0], ones[a][1]) for a in range(len(ones) - 2)]
    return ones, neighbours


def fit_evidence(translations: np.ndarray, neighbours: np.ndarray, ridge: float = 1e-3,
                 iterations: int = 50) -> EvidenceFit | None:
    """An :class:`EvidenceFit` from the features (one row per pair) of pairs taken for
    translations and of pairs of a sentence with a neighbour's translation: logistic regression
    by Newton's method (``ridge`` keeps the weights finite when the two never overlap), its
    intercept corrected for the two samples' sizes so that it is a likelihood ratio, not a
    posterior.  None with fewer than ``MIN_FIT_PAIRS`` of either."""
    if len(translations) < MIN_FIT_PAIRS or len(neighbours) < MIN_FIT_PAIRS:
        return None
    features = np.vstack([np.asarray(translations, float), np.asarray(neighbours, float)])
    labels = np.concatenate([np.ones(len(translations)), np.zeros(len(neighbours))])
    design = np.hstack([np.ones((len(features), 1)), features])
    weights = np.zeros(design.shape[1])
    for _ in range(iterations):
        probability = 0.5 * (1.0 + np.tanh(0.5 * (design @ weights)))   # the logistic, without overflow
        gradient = design.T @ (labels - probability) - ridge * weights
        hessian = (design.T * (probability * (1.0 - probability))) @ design + ridge * np.eye(len(weights))
        step = np.linalg.solve(hessian, gradient)
        weights += step
        if np.abs(step).max() < 1e-8:
            break
    intercept = float(weights[0] - math.log(len(translations) / len(neighbours)))
    return EvidenceFit(intercept, tuple(float(w) for w in weights[1:]))
