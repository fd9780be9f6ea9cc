"""What the aligner compares of each sentence: length, anchors (numbers, Latin tokens, questions,
quotes), paragraph, and vectors for similarity with a pivot or a learned word table.

Features are computed once per side (``side_features``); ``aligner.py`` turns them into costs.
"""
from __future__ import annotations

import functools
import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from parallel.checks.flags import numbers_in
from parallel.checks.number_words import number_phrases
from parallel.text_rules import ARABIC_LETTERS, BORROWED_LETTERS, proclitic_stems

MAX_BLOCK = 3  # the most sentences of one side in a bead

_LATIN_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*[A-Za-z0-9]|[A-Za-z]{2,}")
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_QUESTION = ("?", "؟")
_QUOTES = ('"', "«", "»", "“", "”")


@dataclass
class SideFeatures:
    """What the cost needs of one side's sentences, as arrays indexed by sentence."""
    lengths: np.ndarray                    # characters, without spaces
    anchor_tokens: list[list[str]]         # per sentence, for the pairs' scores
    anchors: np.ndarray                    # (n, 256) hashed anchor counts
    anchor_counts: np.ndarray
    paragraph_starts: np.ndarray           # 1 where a sentence starts a paragraph
    paragraph_ids: np.ndarray
    vectors: np.ndarray | None = None      # (n, dims) TF-IDF of the pivot (source) or target
    has_paragraphs: bool = False
    pair_dots: list[np.ndarray] = field(default_factory=list)  # v_i . v_{i-d} for d = 0, 1, 2
    numbers: np.ndarray | None = None      # (n, 64) hashed counts of the numbers written in digits
    number_counts: np.ndarray | None = None
    # numbers of any kind, in digits or in words (``number_words``): a block without any cannot be
    # the translation of one that writes a number in digits
    number_expressions: np.ndarray | None = None
    marks: np.ndarray | None = None        # (n, 3): commas (Arabic or Latin), opening brackets, colons


# --- features ------------------------------------------------------------------------------------


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8"))


# Names written in Arabic script and in Latin letters compared by their consonants: "بوترو" and
# "Potro" are both b-t-r.  Letters that Arabic writes one way and English another are merged
# (p/b, v/f, c/q/k, j/g, x/ks), vowels, h, w, y, ع and hamza dropped, doubled letters once.
_ARABIC_CONSONANTS = str.maketrans({
    "ب": "b", "ت": "t", "ث": "t", "ج": "g", "ح": "", "خ": "k", "د": "d", "ذ": "d", "ر": "r", "ز": "z",
    "س": "s", "ش": "s", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "غ": "g", "ف": "f", "ق": "k", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "", "ة": "", "ا": "", "أ": "", "إ": "", "آ": "", "ء": "", "ؤ": "",
    "ئ": "", "ع": "", "و": "", "ي": "", "ى": "", "پ": "b", "ڤ": "f", "گ": "g", "چ": "s"})
_LATIN_CONSONANTS = str.maketrans({"p": "b", "v": "f", "c": "k", "q": "k", "j": "g", "x": "ks", "a": "", "e": "",
                                   "i": "", "o": "", "u": "", "y": "", "w": "", "h": ""})
_ARABIC_WORD_RE = re.compile(f"[{ARABIC_LETTERS}{BORROWED_LETTERS}]+")
_CAPITALISED_RE = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:-[A-Z][a-z]+)*")
_CAPITALISED_ANYWHERE_RE = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)*")
MIN_NAME_CONSONANTS = 3


def _skeleton(consonants: str) -> str:
    return re.sub(r"(.)\1+", r"\1", consonants)


@functools.lru_cache(maxsize=1 << 16)   # a collection is aligned several times (align_documents)
def arabic_skeletons(text: str) -> frozenset[str]:
    """The consonant skeletons of a text's Arabic words, with and without a leading clitic."""
    found: set[str] = set()
    for word in _ARABIC_WORD_RE.findall(text):
        found.update(word_skeletons(word))
    return frozenset(found)


@functools.lru_cache(maxsize=1 << 18)
def word_skeletons(word: str) -> frozenset[str]:
    """One Arabic word's consonant skeletons, with and without a leading clitic (three consonants or more)."""
    forms = [word, *proclitic_stems(word, min_stem=3)]
    return frozenset(s for s in (_skeleton(form.translate(_ARABIC_CONSONANTS)) for form in forms)
                     if len(s) >= MIN_NAME_CONSONANTS)


@functools.lru_cache(maxsize=1 << 16)
def name_skeletons(text: str, sentence_initial: bool = False) -> frozenset[str]:
    """The consonant skeletons of a text's capitalised words inside a sentence (names, mostly);
    with ``sentence_initial``, a sentence's first word too (a headline's first name counts, and
    so may a common word: fine where rare keys are weighed by how rare they are)."""
    pattern = _CAPITALISED_ANYWHERE_RE if sentence_initial else _CAPITALISED_RE
    return frozenset(s for s in map(latin_skeleton, pattern.findall(text)) if len(s) >= MIN_NAME_CONSONANTS)


@functools.lru_cache(maxsize=1 << 18)
def latin_skeleton(word: str) -> str:
    """A word in Latin letters as its consonants, read as Arabic would write them (``name_skeletons``)."""
    return _skeleton(word.lower().translate(_LATIN_CONSONANTS))


@functools.lru_cache(maxsize=1 << 16)
def number_values(text: str) -> tuple[frozenset[str], ...]:
    """``flags.numbers_in``, remembered: each number of a text as the values it may stand for."""
    return tuple(frozenset(values) for values in numbers_in(text))


def number_anchors(values: frozenset[str]) -> list[str]:
    """The anchor tokens of one number: one for each value it may stand for, so that a number read
    with its scale word on one side meets the other side however that side writes it ("11 ألف" is
    11 and 11000: it meets "11,000", "11 thousand" and "$11m" alike).  One reading alone (the
    shortest, or the fullest) left one of those pairs with no anchor in common."""
    return [f"#{value}" for value in sorted(values)]


@functools.lru_cache(maxsize=1 << 16)
def number_expressions(text: str) -> int:
    """How many numbers a text writes, in digits or in words (either language)."""
    return len(number_values(text)) + len(number_phrases(text))


TEXT_CACHES = (arabic_skeletons, name_skeletons, number_values, number_expressions)


def clear_text_caches() -> None:
    """Empty the caches keyed by whole sentences.  They pay while one collection is aligned several
    times over; a run that streams chunk after chunk never meets a sentence again, and full they
    held about 160 MB (a 100,000-sentence corpus peaked at 332 MB with them full, at 171 MB with them
    emptied after each chunk).  The caches of single words stay: words do come back."""
    for cache in TEXT_CACHES:
        cache.cache_clear()


def punctuation_marks(text: str) -> tuple[int, int, int]:
    """How many commas (Arabic or Latin), opening brackets and colons a text has: marks a
    translation tends to keep, read as evidence once a collection shows how far it does."""
    return text.count(",") + text.count("،"), text.count("(") + text.count("["), text.count(":")


def _anchor_tokens(text: str, latin_vocabulary: set[str] | None, names: set[str] | None = None,
                   arabic: bool = False) -> list[str]:
    """Numbers, Latin tokens (on the target side: those the source also has), names found on both
    sides by their consonants (``names``: the skeletons the other side has), ? and quotes."""
    tokens = [token for values in number_values(text) for token in number_anchors(values)]
    if names:
        skeletons = arabic_skeletons(text) if arabic else name_skeletons(text)
        tokens += [f"n:{s}" for s in sorted(skeletons & names)]
    latin = (t.lower() for t in _LATIN_TOKEN_RE.findall(text))
    tokens += [f"w:{t}" for t in latin if latin_vocabulary is None or t in latin_vocabulary]
    if any(mark in text for mark in _QUESTION):
        tokens.append("?")
    if any(mark in text for mark in _QUOTES):
        tokens.append("\"")
    return tokens


def hashed_vectors(rows: Sequence[dict[str, float]], dims: int) -> np.ndarray:
    """One row per mapping of feature -> weight, features hashed (with a hashed sign) into ``dims``."""
    matrix = np.zeros((len(rows), dims), dtype=np.float32)
    for row, weights in enumerate(rows):
        for feature, weight in weights.items():
            h = _hash(feature)
            matrix[row, h % dims] += weight if (h >> 31) & 1 else -weight
    return matrix


def _hashed_counts(token_lists: list[list[str]], dims: int) -> np.ndarray:
    return hashed_vectors([Counter(tokens) for tokens in token_lists], dims)


def _text_features(text: str) -> list[int]:
    words = [w.lower() for w in _WORD_RE.findall(text)]
    grams = [f" {w} "[k:k + 4] for w in words for k in range(max(1, len(w) - 1))]
    return [_hash("w" + w) for w in words] + [_hash("c" + g) for g in grams]


def tfidf_vectors(texts: Sequence[str], other: Sequence[str], dims: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashed TF-IDF vectors (sublinear tf) for two sides, idf from both; rows not normalised."""
    features = [Counter(_text_features(t)) for t in (*texts, *other)]
    document_frequency: Counter = Counter()
    for counts in features:
        document_frequency.update(counts.keys())
    total = len(features)
    matrix = np.zeros((total, dims), dtype=np.float32)
    for row, counts in enumerate(features):
        for h, count in counts.items():
            weight = (1.0 + math.log(count)) * math.log((1 + total) / (1 + document_frequency[h]))
            matrix[row, h % dims] += weight if (h >> 31) & 1 else -weight
    return matrix[:len(texts)], matrix[len(texts):]


def row_cosines(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The cosine of each row of ``left`` with the same row of ``right`` (0 where either is empty)."""
    left, right = left.astype(np.float64), right.astype(np.float64)
    norms = np.sqrt(np.einsum("ij,ij->i", left, left) * np.einsum("ij,ij->i", right, right))
    return np.where(norms > 0, np.einsum("ij,ij->i", left, right) / np.maximum(norms, 1e-300), 0.0)


def pair_dots(vectors: np.ndarray) -> list[np.ndarray]:
    """v_i . v_{i-d} for d = 0 .. MAX_BLOCK - 1 (0 where i - d < 0)."""
    dots = [np.einsum("ij,ij->i", vectors, vectors)]
    for d in range(1, MAX_BLOCK):
        shifted = np.zeros_like(vectors)
        shifted[d:] = vectors[:-d]
        dots.append(np.einsum("ij,ij->i", vectors, shifted))
    return dots


def side_features(sentences: Sequence[str], paragraphs: Sequence[int] | None,
                  latin_vocabulary: set[str] | None, names: set[str] | None = None,
                  arabic: bool = False) -> SideFeatures:
    """One side's features for the aligner: anchors (numbers, Latin names, names by their
    consonants), paragraph ids, lengths."""
    anchors = [_anchor_tokens(s, latin_vocabulary, names, arabic) for s in sentences]
    paragraph_ids = np.asarray(paragraphs if paragraphs is not None else [0] * len(sentences), dtype=np.int64)
    starts = np.ones(len(sentences), dtype=np.float32)
    if len(sentences) > 1:
        starts[1:] = (paragraph_ids[1:] != paragraph_ids[:-1]).astype(np.float32)
    # every value a number may stand for ("10 آلاف": 10 and 10000; "12:00": 12, 12.00, 1200), so
    # that two numbers agree when any of their readings does
    numbers = [sorted(frozenset().union(*number_values(s))) for s in sentences]
    return SideFeatures(
        lengths=np.asarray([len("".join(s.split())) for s in sentences], dtype=np.float64),
        anchor_tokens=anchors, anchors=_hashed_counts(anchors, 256),
        anchor_counts=np.asarray([len(a) for a in anchors], dtype=np.float32),
        paragraph_starts=starts, paragraph_ids=paragraph_ids,
        has_paragraphs=len(set(paragraph_ids.tolist())) > 1,
        numbers=_hashed_counts(numbers, 64), number_counts=np.asarray([len(n) for n in numbers], dtype=np.float32),
        number_expressions=np.asarray([number_expressions(s) for s in sentences], dtype=np.float32),
        marks=np.asarray([punctuation_marks(s) for s in sentences], dtype=np.float64).reshape(len(sentences), 3))


def latin_tokens(sentences: Sequence[str]) -> set[str]:
    """The lower-cased Latin tokens of a side: names the other side may carry unchanged."""
    return {t.lower() for s in sentences for t in _LATIN_TOKEN_RE.findall(s)}


# --- cost pieces ---------------------------------------------------------------------------------
