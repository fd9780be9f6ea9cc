"""A word-translation table learned from the documents being aligned, for aligning without MT.

Without a pivot the aligner sees only lengths and anchors, which cannot tell a translation from
an unrelated sentence of plausible length.  Following Moore (2002), a first pass aligns with
length and anchors; IBM Model 1 is trained on the pairs it found; a second pass scores each
candidate bead by how well the learned table explains the target words.

Two details matter:

- **Cross-fitting.**  A table trained on a document's own first-pass pairs confirms that pass's
  mistakes (a wrongly paired sentence's rare words are learned as each other's translations), so
  each document is realigned with a table learned from the *other* documents (two folds).  This
  needs several documents; :func:`align_documents` falls back to the first pass for one.
- **Similarity as vectors.**  A source sentence becomes its expected English bag of words
  (sum over its words of t(e | word), weighted by idf); a target sentence its own bag (sublinear
  tf x idf).  Both are hashed into the same space as the MT pivot's vectors, so the search is the
  same code.
- **Similarity as evidence.**  What a cosine is worth depends on the table, and so on the
  collection: each round fits it with the other evidence (``aligner.realign``) on the pairs the
  previous round took and on each such sentence with the translation two pairs away, so that a
  bead's similarity is a log-likelihood ratio.  (A cosine of 0.27 is a typical true pair's with
  a table learned from 1,000 sentences; a pivot's are far higher.)

Words are reduced crudely, which is enough for a table learned from a few hundred pairs: Arabic
loses diacritics, alef/ya variants, one proclitic group and one suffix (light stemming); English
is lower-cased and cut to six letters.
"""
from __future__ import annotations

import functools
import math
import re
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from parallel.alignment.aligner import AlignOptions, Bead, align_collection, realign, with_corpus_ratio
from parallel.text_rules import ARABIC_WORD_RE, ARTICLE_PROCLITICS, strip_marks, strip_proclitic, unify_letters

# Light stemming takes off the article with what precedes it, or a lone و (never a lone ب or ل).
_PROCLITICS = (*ARTICLE_PROCLITICS, "و")
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")
_ENGLISH_WORD_RE = re.compile(r"[A-Za-z]+")
_DIGITS_RE = re.compile(r"[0-9]+")
_NULL = ""
_MIN_PROBABILITY = 0.01
_ENGLISH_STEM = 6


def arabic_words(text: str) -> list[str]:
    """Arabic words, normalised and lightly stemmed (stems of two letters or more)."""
    return [arabic_stem(word) for word in ARABIC_WORD_RE.findall(text)]


@functools.lru_cache(maxsize=1 << 18)    # words repeat: a collection has far fewer words than tokens
def arabic_stem(word: str) -> str:
    """One Arabic word normalised and lightly stemmed (``arabic_words``)."""
    word = strip_proclitic(unify_letters(strip_marks(word)), min_stem=2, proclitics=_PROCLITICS)
    suffix = next((s for s in _SUFFIXES if word.endswith(s) and len(word) - len(s) >= 2), "")
    return word[:len(word) - len(suffix)]


def english_words(text: str) -> list[str]:
    """The lower-cased, truncated (stemmed by prefix) English words of a text: the table's vocabulary."""
    return [word.lower()[:_ENGLISH_STEM] for word in _ENGLISH_WORD_RE.findall(text)]


def latin_words_and_digits(text: str) -> list[str]:
    """English words and digit runs, read the same way on both sides (inside Arabic they need no table)."""
    return english_words(text) + _DIGITS_RE.findall(text)


@dataclass
class Lexicon:
    """t(english word | arabic word) from IBM Model 1, and idf of the English words it saw."""
    translations: dict[str, list[tuple[str, float]]]
    idf: dict[str, float] = field(default_factory=dict)
    unseen_idf: float = 1.0

    def weight(self, english: str) -> float:
        """An English word's inverse document frequency (rare words weigh more); unseen words weigh most."""
        return self.idf.get(english, self.unseen_idf)

    def source_weights(self, text: str) -> dict[str, float]:
        """The English the table expects for an Arabic sentence (Latin words and digits as is)."""
        expected: dict[str, float] = defaultdict(float)
        for word in arabic_words(text):
            for english, probability in self.translations.get(word, ()):
                expected[english] += probability * self.weight(english)
        for token in latin_words_and_digits(text):
            expected[token] += self.weight(token)
        return expected

    def target_weights(self, text: str) -> dict[str, float]:
        """An English sentence's words (and digits) weighted by log count and inverse document frequency."""
        counts = Counter(latin_words_and_digits(text))
        return {word: (1.0 + math.log(count)) * self.weight(word) for word, count in counts.items()}


def learn_lexicon(pairs: Iterable[tuple[str, str]], iterations: int = 5) -> Lexicon:
    """IBM Model 1 (with a NULL word) trained by EM on (Arabic, English) text pairs.

    Vectorised: every (English word occurrence, Arabic word of its sentence) link is one entry of
    flat arrays, so an EM iteration is a few ``bincount``s instead of a Python loop per link (a
    few hundred thousand links for 2,000 sentence pairs)."""
    corpus = [(arabic_words(source) + [_NULL], english_words(target)) for source, target in pairs]
    arabic_ids: dict[str, int] = {}
    english_ids: dict[str, int] = {}
    # machine integers, not lists of int objects: a link for each English word with each Arabic word
    # of its sentence pair, hundreds a sentence pair
    link_english, link_arabic, link_occurrence = array("i"), array("i"), array("i")
    occurrence = 0
    for source, target in corpus:
        source_ids = [arabic_ids.setdefault(word, len(arabic_ids)) for word in source]
        for english in target:
            english_id = english_ids.setdefault(english, len(english_ids))
            link_english.extend([english_id] * len(source_ids))
            link_arabic.extend(source_ids)
            link_occurrence.extend([occurrence] * len(source_ids))
            occurrence += 1
    translations: dict[str, list[tuple[str, float]]] = defaultdict(list)
    if occurrence:
        codes = np.frombuffer(link_english, dtype=np.int32).astype(np.int64) * len(arabic_ids) + np.frombuffer(
            link_arabic, dtype=np.int32)
        del link_english, link_arabic
        occurrences = np.frombuffer(link_occurrence, dtype=np.int32)
        pair_keys, pair_of_link = np.unique(codes, return_inverse=True)
        del codes
        pair_arabic = pair_keys % len(arabic_ids)
        probability = np.ones(len(pair_keys))                            # uniform start
        for _ in range(iterations):
            scores = probability[pair_of_link]
            norms = np.bincount(occurrences, weights=scores, minlength=occurrence)
            counts = np.bincount(pair_of_link, weights=scores / norms[occurrences], minlength=len(pair_keys))
            totals = np.bincount(pair_arabic, weights=counts, minlength=len(arabic_ids))
            probability = counts / totals[pair_arabic]
        arabic_words_by_id = list(arabic_ids)
        english_words_by_id = list(english_ids)
        null_id = arabic_ids.get(_NULL)
        keep = (probability >= _MIN_PROBABILITY) & (pair_arabic != null_id)
        for key, value in zip(pair_keys[keep].tolist(), probability[keep].tolist()):
            english_id, arabic_id = divmod(key, len(arabic_ids))
            translations[arabic_words_by_id[arabic_id]].append((english_words_by_id[english_id], value))
    return Lexicon(dict(translations), *_idf(target for _, target in corpus))


def _idf(documents: Iterable[list[str]]) -> tuple[dict[str, float], float]:
    frequency: Counter = Counter()
    total = 0
    for words in documents:
        total += 1
        frequency.update(set(words))
    return ({word: math.log((1 + total) / (1 + count)) for word, count in frequency.items()},
            math.log(1 + total))


def bead_texts(source: Sequence[str], target: Sequence[str], beads: Iterable[Bead]) -> list[tuple[str, str]]:
    """The (source block, target block) texts of the beads that pair something."""
    return [(" ".join(source[i] for i in bead.source), " ".join(target[j] for j in bead.target))
            for bead in beads if bead.source and bead.target]


def cross_fitted_lexicons(pairs_by_document: Sequence[list[tuple[str, str]]], folds: int) -> list[Lexicon]:
    """One table per fold, each learned from the documents of the other folds (document k is in
    fold k % folds)."""
    return [learn_lexicon(pair for index, pairs in enumerate(pairs_by_document) if index % folds != fold
                          for pair in pairs)
            for fold in range(folds)]


def align_documents(documents: Sequence[tuple[Sequence[str], Sequence[str]]], folds: int = 2, rounds: int = 2,
                    options: AlignOptions | None = None, pool_ratio: bool = True,
                    paragraphs: Sequence[tuple[Sequence[int], Sequence[int]]] | None = None) -> list[list[Bead]]:
    """Align many (source, target) documents without MT: length and anchors (``align_collection``,
    with bead priors and evidence weights learned from the documents), then a learned table.

    Each document is realigned with the table of its fold (:func:`cross_fitted_lexicons`), never
    one learned from its own pairs; each round learns again from the previous round's pairs —
    the table, then what its similarity and the other evidence are worth and the bead priors
    (``aligner.realign``).  With fewer documents than folds, the first pass (length and anchors) is
    returned.  With ``pool_ratio``, the length model's ratio is that of all the documents unless
    ``options`` sets one."""
    options = options or AlignOptions()
    if pool_ratio:
        options = with_corpus_ratio(options, documents)
    paragraphs = paragraphs or [(None, None)] * len(documents)
    aligned = align_collection(documents, options, paragraphs)
    if len(documents) < folds:
        return aligned
    for _ in range(rounds):
        lexicons = cross_fitted_lexicons([bead_texts(source, target, beads)
                                          for (source, target), beads in zip(documents, aligned)], folds)
        aligned = realign(documents, aligned, options, paragraphs, lexicons=lexicons)
    return aligned
