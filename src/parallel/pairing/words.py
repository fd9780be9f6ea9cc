"""The English words a learned table expects of each Arabic document, as keys, for a whole side at once.

Each round of pairing learns a new table (``alignment.lexicon``), and every Arabic document's
expected English words must be keyed again: at 100,000 documents a loop over each document's
words is minutes.  So each document's light stems are counted once (``StemCounts``, flat
arrays), and a table turns them into keys with a few numpy operations: each stem's likeliest
English words (``keys.likeliest_translations``) expanded over the documents that hold the stem,
weighted by probability x (1 + log count), summed per document and English word, capped at 1.
A document's Latin-script words are keys as they are (weight 1).  Documents with a pivot (MT)
take their words from it instead and get none here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from parallel.alignment.lexicon import arabic_words, english_words
from parallel.pairing.index import KeyTable
from parallel.pairing.keys import WORDS, SideDocument, key_of


@dataclass
class StemCounts:
    """Each document's Arabic stems (ids into ``vocabulary``) with their counts, and its Latin
    words as keys; entries grouped by document (``starts``, ``latin_starts``)."""
    starts: np.ndarray
    stems: np.ndarray
    counts: np.ndarray
    vocabulary: list[str]
    latin_starts: np.ndarray
    latin_keys: np.ndarray


def stem_counts(documents: Sequence[SideDocument]) -> StemCounts:
    """Count every document's stems once (none for a document with a pivot)."""
    ids: dict[str, int] = {}
    stems: list[int] = []
    counts: list[int] = []
    starts = [0]
    latin_keys: list[int] = []
    latin_starts = [0]
    for document in documents:
        if document.pivot is None:
            found: dict[int, int] = {}
            text = document.text
            for word in arabic_words(text):
                stem = ids.setdefault(word, len(ids))
                found[stem] = found.get(stem, 0) + 1
            stems.extend(found)
            counts.extend(found.values())
            latin_keys.extend({key_of(WORDS, word) for word in english_words(text)})
        starts.append(len(stems))
        latin_starts.append(len(latin_keys))
    return StemCounts(np.asarray(starts, dtype=np.int64), np.asarray(stems, dtype=np.int64),
                      np.asarray(counts, dtype=np.float32), list(ids), np.asarray(latin_starts, dtype=np.int64),
                      np.asarray(latin_keys, dtype=np.uint32))


def expected_word_table(counts: StemCounts, likeliest: Mapping[str, tuple[tuple[str, float], ...]]) -> KeyTable:
    """Every document's expected English words as a ``words`` key table (see the module)."""
    choice_starts, choice_keys, choice_probabilities = [0], [], []
    for stem in counts.vocabulary:
        for english, probability in likeliest.get(stem, ()):
            choice_keys.append(key_of(WORDS, english))
            choice_probabilities.append(probability)
        choice_starts.append(len(choice_keys))
    choice_starts_array = np.asarray(choice_starts, dtype=np.int64)
    per_stem = np.diff(choice_starts_array)
    documents = np.repeat(np.arange(len(counts.starts) - 1), np.diff(counts.starts))
    expand = per_stem[counts.stems]
    total = int(expand.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(expand) - expand, expand)
    choice = np.repeat(choice_starts_array[counts.stems], expand) + offsets
    keys = np.asarray(choice_keys, dtype=np.uint32)[choice] if total else np.zeros(0, dtype=np.uint32)
    weights = (np.asarray(choice_probabilities, dtype=np.float32)[choice] if total else np.zeros(0, np.float32)) \
        * np.repeat(1.0 + np.log(counts.counts), expand).astype(np.float32)
    latin_documents = np.repeat(np.arange(len(counts.latin_starts) - 1), np.diff(counts.latin_starts))
    documents = np.concatenate([np.repeat(documents, expand), latin_documents])
    keys = np.concatenate([keys, counts.latin_keys])
    weights = np.concatenate([weights, np.full(len(counts.latin_keys), 2.0, dtype=np.float32)])  # capped below
    codes = documents.astype(np.int64) * (1 << 32) + keys.astype(np.int64)
    order = np.argsort(codes, kind="stable")
    codes = codes[order]
    firsts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else np.zeros(0, dtype=np.int64)
    summed = np.minimum(np.add.reduceat(weights[order], firsts), 1.0) if len(codes) else weights
    unique = codes[firsts]
    entry_documents = unique >> 32
    starts = np.searchsorted(entry_documents, np.arange(len(counts.starts)), "left").astype(np.int64)
    return KeyTable(starts, (unique & 0xFFFFFFFF).astype(np.uint32), np.full(len(unique), WORDS, dtype=np.int8),
                    summed.astype(np.float32))
