"""Pair the documents of two heaps: which English document translates which Arabic one.

In order:

1. **What pages say about each other.**  A page that names its translation
   (``<link rel="alternate" hreflang="en" href=…>``, either way round) is paired with the page at
   that address (its URL or canonical URL), with no further evidence needed.
2. **Keys without a model** (``keys.py``): numbers, names by their consonants, Latin tokens, the
   article numbers in addresses, publication days; candidates come from an inverted index of the
   rarest keys (``index.py``), and a logistic model fitted on self-labelled pairs gives each
   candidate a probability (``model.py``).
3. **A word table, bootstrapped.**  The most confident pairs are sentence-aligned (the aligner's
   first pass) and an IBM Model 1 table is learned from them (``alignment.lexicon``); each Arabic
   document's expected English words become keys, and step 2 runs again — ``lexicon_rounds`` times.
   With a pivot (the Arabic side's machine translation), its English words are the keys instead,
   as Bitextor compares a translated side with the other.

Pairs are taken best first, neither document twice, down to ``threshold``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from parallel.alignment.aligner import align
from parallel.alignment.lexicon import Lexicon, bead_texts, learn_lexicon
from parallel.pairing.candidates import (
    CodedPairs,
    among,
    fit_rows,
    link,
    mutual_best,
    one_partner_probabilities,
    present_in,
    row_blocks,
    self_labelled,
)
from parallel.pairing.index import (
    CANDIDATES,
    Index,
    KeyTable,
    build_index,
    candidate_pairs,
    candidates_among,
    distinct_keys,
    merged_tables,
    raw_table,
    restricted,
    shared_mass,
    transformed,
)
from parallel.pairing.keys import (
    LATIN,
    SideDocument,
    arabic_keys,
    english_keys,
    likeliest_translations,
)
from parallel.pairing.links import linked_by_pages
from parallel.pairing.mapped import MappedRows, hand_back_freed_memory
from parallel.pairing.model import (
    FEATURE_NAMES,
    PairModel,
    cosine_score,
    deciding_evidence,
    fit_pair_model,
    pair_features,
    row_sums,
    set_length_column,
)
from parallel.pairing.shapes import Shapes
from parallel.pairing.words import expected_word_table, stem_counts

LINK_EVIDENCE = "hreflang"
SELF_TRAINING = 2        # refits on the labels the previous fit gives
ODDS_MARGIN = 20.0       # a self-labelled pair's odds over its runner-up's, on both sides
SAME_PAIRS = 0.9         # a table is not learned again from pairs that are this share the last ones
MIN_TABLE_PAIRS = 2      # fewer sure pairs than this teach no table


@dataclass(frozen=True)
class PairingOptions:
    """How documents are paired; the defaults are what ``parallel pair-docs`` uses."""
    threshold: float = 0.5          # the least probability of a pair that is kept
    candidates: int = CANDIDATES    # documents of the other side scored for each document
    lexicon_rounds: int = 2         # word tables learned in turn (0: keys without words only)
    lexicon_sentences: int = 5000   # a table is learned from the surest pairs, up to this many Arabic sentences
    lexicon_confidence: float = 0.9
    use_links: bool = True          # pair pages that name each other (hreflang) first


@dataclass
class DocumentPair:
    """One pair found: document indices on each side, its probability, what decided it."""
    arabic: int
    english: int
    probability: float
    evidence: str


@dataclass
class Pairing:
    """The pairs, best first, and what the pairing learned on the way."""
    pairs: list[DocumentPair]
    candidates: int = 0
    self_labelled: int = 0
    linked_by_pages: int = 0
    rounds: list[dict] = field(default_factory=list)


def learn_table(arabic: Sequence[SideDocument], english: Sequence[SideDocument],
                pairs: list[tuple[int, int]]) -> Lexicon:
    """A word table from the surest pairs: IBM Model 1 on the sentence pairs of document pairs,
    aligned by the aligner's first pass (lengths and anchors: enough for a table)."""
    documents = [(arabic[a].sentences, english[e].sentences) for a, e in pairs]
    return learn_lexicon(text for source, target in documents
                         for text in bead_texts(source, target, align(source, target)))


def _surest(pairs: Sequence[DocumentPair], arabic: Sequence[SideDocument], options: PairingOptions
            ) -> list[tuple[int, int]]:
    """The pairs a table is learned from: the surest first, up to ``options.lexicon_sentences``
    Arabic sentences (a table learned from more is hardly better, and costs more to align)."""
    chosen, sentences = [], 0
    for pair in sorted(pairs, key=lambda p: -p.probability):
        if pair.probability < options.lexicon_confidence or sentences >= options.lexicon_sentences:
            break
        chosen.append((pair.arabic, pair.english))
        sentences += len(arabic[pair.arabic].sentences)
    return sorted(chosen)


def pair_documents(arabic: Sequence[SideDocument], english: Sequence[SideDocument],
                   options: PairingOptions | None = None, progress: Callable[[str], None] | None = None,
                   scratch: str | None = None) -> Pairing:
    """Pair Arabic documents with the English documents that translate them (see the module).
    ``scratch``: the folder of the files that hold each side's key tables, stem counts, index
    and candidates (``mapped``); the system's temporary folder by default, which may be memory."""
    options = options or PairingOptions()
    say = progress or (lambda message: None)
    if not arabic or not english:
        return Pairing([])
    links = linked_by_pages(arabic, english) if options.use_links else []
    arabic_raw = raw_table((arabic_keys(document) for document in arabic), scratch)
    # every English word is a Latin token; only those the Arabic side holds can be shared
    arabic_latin = distinct_keys(arabic_raw, LATIN)
    english_table = transformed(raw_table((english_keys(document) for document in english), scratch),
                                lambda block: restricted(block, arabic_latin, family=LATIN), np.uint32, scratch)
    english_present = distinct_keys(english_table)
    base_arabic = transformed(arabic_raw, lambda block: restricted(block, english_present), np.uint32, scratch)
    del arabic_raw
    shapes = Shapes.of(arabic, english)
    has_pivots = all(document.pivot is not None for document in arabic)
    rounds = 1 if has_pivots else 1 + options.lexicon_rounds
    stems = stem_counts(arabic, scratch) if rounds > 1 else None      # in files, as the key tables
    expected: KeyTable | None = None    # the words a learned table expects of each Arabic document
    result = Pairing([], linked_by_pages=len(links))
    learned_from: list[tuple[int, int]] = []
    unpaired = None
    for round_number in range(rounds):
        say(f"round {round_number + 1}: scoring candidates" + (" with a learned word table" if expected else ""))
        arabic_table = base_arabic if expected is None else merged_tables(base_arabic, expected, scratch)
        index = build_index(arabic_table, english_table, scratch)
        del arabic_table        # the index holds what it needs of it
        result = _score_round(index, shapes, links, options, learned_from, unpaired)
        del index               # the next round builds its own
        hand_back_freed_memory()
        unpaired = _unpaired(result, len(arabic), len(english))
        result.linked_by_pages = len(links)
        confident = _surest(result.pairs, arabic, options)
        repeated = len(set(confident) & set(learned_from)) / max(len(confident), 1)
        if round_number + 1 == rounds or len(confident) < MIN_TABLE_PAIRS or repeated >= SAME_PAIRS:
            break   # the last round, too few pairs to learn from, or hardly anything new to learn
        say(f"learning a word table from {len(confident)} pairs")
        # the table is wanted only for the keys it gives: made now, the table itself (Python objects)
        # is not held through the next round's scoring
        expected = expected_word_table(stems, likeliest_translations(learn_table(arabic, english, confident)),
                                       english_present, scratch)
        learned_from = confident
        hand_back_freed_memory()
    return result


def _unpaired_rows(pairs, taken: np.ndarray, arabic_count: int, english_count: int  # noqa: ANN001
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The documents of each side that the taken rows of ``pairs`` leave without a partner."""
    arabic = np.ones(arabic_count, dtype=bool)
    english = np.ones(english_count, dtype=bool)
    chosen = np.asarray(pairs[taken]).reshape(-1, 2)
    arabic[chosen[:, 0]] = False
    english[chosen[:, 1]] = False
    return np.flatnonzero(arabic), np.flatnonzero(english)


def _unpaired(pairing: Pairing, arabic_count: int, english_count: int) -> tuple[np.ndarray, np.ndarray]:
    """The documents of each side that a round left without a partner."""
    arabic = np.ones(arabic_count, dtype=bool)
    english = np.ones(english_count, dtype=bool)
    arabic[[p.arabic for p in pairing.pairs]] = False
    english[[p.english for p in pairing.pairs]] = False
    return np.flatnonzero(arabic), np.flatnonzero(english)


def _candidates(index: Index, options: PairingOptions, given: list[tuple[int, int]],
                unpaired: tuple[np.ndarray, np.ndarray] | None) -> CodedPairs:
    """The round's candidate pairs, sorted, in a file: each document's best by the index, those
    the last round's unpaired documents find among themselves, and the ``given`` pairs."""
    also = [np.asarray(given, dtype=np.int64).reshape(-1, 2)]
    if unpaired is not None:
        also.append(candidates_among(index, *unpaired, keep=options.candidates))
    return candidate_pairs(index, options.candidates, also)


def _column(count: int, index: Index, dtype: np.dtype = np.float64) -> MappedRows:
    """A column of ``count`` values a candidate, in a file in the index's folder."""
    return MappedRows(count, None, dtype, index.scratch)


def _score_round(index: Index, shapes: Shapes, links: list[tuple[int, int]],
                 options: PairingOptions, sure: list[tuple[int, int]],
                 unpaired: tuple[np.ndarray, np.ndarray] | None = None) -> Pairing:
    """One round: candidates, features, labels, the model, the pairs.  ``sure`` are the pairs the
    last round was sure of (its table was learned from them): they are this round's first labels,
    so that a table's words, which make many unrelated documents look alike, never choose them;
    ``unpaired`` (the documents the last round left alone) look for candidates again among
    themselves.  Every candidate's numbers are in files (``candidates``); masks are in memory."""
    pairs = _candidates(index, options, list(links) + list(sure), unpaired)
    if len(pairs) == 0:
        return Pairing([])
    english_count = len(shapes.english_lengths)
    is_link = among(pairs, links, english_count)
    shared = shared_mass(index, pairs)
    # first labels: mutual best by the evidence the two documents share (idf mass, absolute: one
    # shared number explains a short document entirely but is weak evidence), a clear lead, a
    # length ratio the collection's translations have
    scores = row_sums(shared, out=_column(len(pairs), index))
    best = mutual_best(pairs, scores) & mutual_best(
        pairs, cosine_score(shared, index.arabic_mass, index.english_mass, pairs, out=_column(len(pairs), index)))
    positive = (best & shapes.length_fits(pairs, best)) | is_link
    if sure:
        positive = among(pairs, sure, english_count) | is_link
    labelled = positive
    features = pair_features(shared, index.arabic_mass, index.english_mass, pairs,
                             shapes.features(shapes.length_scale(pairs, labelled)),
                             out=MappedRows(len(pairs), len(FEATURE_NAMES), np.float32, index.scratch))
    del shared, best      # a candidate is its features from here on
    model, base_rate = None, 0.0
    for _ in range(SELF_TRAINING + 1):
        chosen = self_labelled(pairs, positive, scores)
        positives, negatives = int((chosen & positive).sum()), int((chosen & ~positive).sum())
        if positives < 2 or negatives < 2:
            break       # the last model stays, with the share of positives it was fitted on
        base_rate = positives / (positives + negatives)
        rows, labels, weights = fit_rows(chosen, positive)
        del chosen
        model = fit_pair_model(features[rows], labels, weights=weights)
        # the next labels: pairs whose odds lead both documents' runner-ups by ODDS_MARGIN times
        scores = model.logits(features, out=_column(len(pairs), index))
        positive = (mutual_best(pairs, _odds(scores, index), ODDS_MARGIN)
                    & shapes.length_fits(pairs, positive)) | is_link
    probabilities = _probabilities(model, features, pairs, base_rate, positive, is_link, index)
    taken = link(pairs, probabilities, options.threshold)
    if model is not None:
        # the documents this round leaves unpaired look for candidates once more among themselves,
        # and every candidate is weighed again with this round's model
        left = _unpaired_rows(pairs, taken, len(shapes.arabic_lengths), english_count)
        extra = candidates_among(index, *left, keep=options.candidates)
        extra = extra[~present_in(extra, pairs, english_count)]
        if len(extra):
            pairs, features, is_link = _with_candidates(index, shapes, pairs, features, is_link, labelled, extra)
            probabilities = _probabilities(model, features, pairs, base_rate, positive, is_link, index)
            taken = link(pairs, probabilities, options.threshold)
    evidence = deciding_evidence(model, features[taken]) if model else ["mutual best"] * len(taken)
    found = [DocumentPair(int(arabic), int(english), float(probability), LINK_EVIDENCE if is_link[row] else why)
             for (arabic, english), probability, row, why
             in zip(np.asarray(pairs[taken]).reshape(-1, 2), probabilities[taken], taken, evidence)]
    return Pairing(found, candidates=len(pairs), self_labelled=int(positive.sum()),
                   rounds=[_describe(model)] if model else [])


def _odds(logits: MappedRows, index: Index) -> MappedRows:
    """exp(log-odds), clipped, a column in a file."""
    odds = _column(len(logits), index)
    for rows in row_blocks(len(logits)):
        odds[rows] = np.exp(np.clip(logits[rows], -40, 40))
    return odds


def _probabilities(model: PairModel | None, features, pairs, base_rate: float, positive: np.ndarray,  # noqa: ANN001
                   is_link: np.ndarray, index: Index) -> MappedRows:
    """Each candidate's probability of being the translation (``_posterior``; without a model,
    0.9 for the self-labelled pairs), 1 for the pairs the pages link; a column in a file."""
    if model is not None:
        probabilities = _posterior(model, features, pairs, base_rate, index)
    else:
        probabilities = _column(len(pairs), index)
    for rows in row_blocks(len(pairs)):
        block = probabilities[rows] if model is not None else np.where(positive[rows], 0.9, 0.0)
        block[is_link[rows]] = 1.0
        probabilities[rows] = block
    return probabilities


def _with_candidates(index: Index, shapes: Shapes, pairs: CodedPairs, features: MappedRows, is_link: np.ndarray,
                     labelled: np.ndarray, extra: np.ndarray) -> tuple[CodedPairs, MappedRows, np.ndarray]:
    """(pairs, features, is_link) with the ``extra`` candidates after the others; only theirs are
    computed, and every row's length distance again (the collection's spread may take in the new rows)."""
    scored = len(pairs)
    pairs = pairs.grown(extra)
    is_link = np.concatenate([is_link, np.zeros(len(extra), dtype=bool)])
    scale = shapes.length_scale(pairs, np.concatenate([labelled, np.zeros(len(extra), dtype=bool)]))
    features = features.grown(len(extra))
    pair_features(shared_mass(index, extra), index.arabic_mass, index.english_mass, extra, shapes.features(scale),
                  out=features, first=scored)
    set_length_column(features, pairs, shapes.length_z(scale))
    return pairs, features, is_link


def _posterior(model: PairModel, features, pairs, base_rate: float, index: Index) -> MappedRows:  # noqa: ANN001
    """Each candidate's probability of being the translation, one translation or none per
    document, from both sides (averaged)."""
    ratios = model.logits(features, out=_column(len(pairs), index))
    for rows in row_blocks(len(pairs)):
        ratios[rows] = np.exp(np.clip(ratios[rows], -40, 40)) * (1 - base_rate) / base_rate
    return one_partner_probabilities(pairs, ratios, out=_column(len(pairs), index))


def _describe(model: PairModel) -> dict:
    return {"self_labelled": model.labelled,
            "weights": {name: round(float(w / s), 3) for name, w, s in zip(FEATURE_NAMES, model.weights, model.scale)}}
