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

from array import array
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from parallel.alignment.lexicon import arabic_words, english_words
from parallel.pairing.index import BLOCK, KeyTable, TableWriter, restricted, run_starts
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
    stems, counts, starts = array("i"), array("f"), array("q", [0])   # stem ids as int32
    latin_keys, latin_starts = array("I"), array("q", [0])
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
    return StemCounts(_numpy(starts, np.int64), _numpy(stems, np.int32), _numpy(counts, np.float32), list(ids),
                      _numpy(latin_starts, np.int64), _numpy(latin_keys, np.uint32))


def _numpy(values: array, dtype) -> np.ndarray:
    return np.frombuffer(values, dtype=dtype).copy() if len(values) else np.zeros(0, dtype=dtype)


@dataclass
class _Choices:
    """Each stem's likeliest English words as flat arrays (``starts`` by stem id)."""
    starts: np.ndarray
    keys: np.ndarray
    probabilities: np.ndarray

    @classmethod
    def of(cls, vocabulary: Sequence[str], likeliest: Mapping[str, tuple[tuple[str, float], ...]]) -> "_Choices":
        starts, keys, probabilities = [0], [], []
        for stem in vocabulary:
            for english, probability in likeliest.get(stem, ()):
                keys.append(key_of(WORDS, english))
                probabilities.append(probability)
            starts.append(len(keys))
        return cls(np.asarray(starts, dtype=np.int64), np.asarray(keys, dtype=np.uint32),
                   np.asarray(probabilities, dtype=np.float32))


def expected_word_table(counts: StemCounts, likeliest: Mapping[str, tuple[tuple[str, float], ...]],
                        present: np.ndarray | None = None, directory: str | None = None) -> KeyTable:
    """Every document's expected English words as a ``words`` key table (see the module), built
    ``BLOCK`` documents at a time and written to files in ``directory``; with ``present`` (sorted,
    unique), only the words among those (the other side's: no other can be shared)."""
    choices = _Choices.of(counts.vocabulary, likeliest)
    document_count = len(counts.starts) - 1
    writer = TableWriter(np.uint32, directory)
    for first in range(0, document_count, BLOCK):
        starts, keys, weights = _among_present(_expected_block(counts, choices, first,
                                                               min(first + BLOCK, document_count)), present)
        writer.append(KeyTable(starts, keys, np.full(len(keys), WORDS, dtype=np.int8), weights))
    return writer.finish()


def _among_present(part: tuple[np.ndarray, np.ndarray, np.ndarray], present: np.ndarray | None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A block's (starts, keys, weights) without the keys that are not in ``present`` (all of
    them without it)."""
    if present is None:
        return part
    starts, keys, weights = part
    restricted_block = restricted(KeyTable(starts, keys, np.zeros(len(keys), dtype=np.int8), weights), present)
    return restricted_block.starts, restricted_block.keys, restricted_block.weights


def _expected_block(counts: StemCounts, choices: _Choices, first: int, last: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(starts, keys, weights) of documents ``first`` .. ``last - 1``, starts from 0."""
    low, high = counts.starts[first], counts.starts[last]
    stems, stem_counts_ = counts.stems[low:high], counts.counts[low:high]
    documents = np.repeat(np.arange(last - first), np.diff(counts.starts[first:last + 1]))
    expand = np.diff(choices.starts)[stems]
    total = int(expand.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(expand) - expand, expand)
    choice = np.repeat(choices.starts[stems], expand) + offsets
    keys = choices.keys[choice]
    weights = choices.probabilities[choice] * np.repeat(1.0 + np.log(stem_counts_), expand).astype(np.float32)
    latin_low, latin_high = counts.latin_starts[first], counts.latin_starts[last]
    latin_documents = np.repeat(np.arange(last - first), np.diff(counts.latin_starts[first:last + 1]))
    documents = np.concatenate([np.repeat(documents, expand), latin_documents])
    keys = np.concatenate([keys, counts.latin_keys[latin_low:latin_high]])
    weights = np.concatenate([weights, np.full(latin_high - latin_low, 2.0, dtype=np.float32)])  # capped below
    codes = documents.astype(np.int64) * (1 << 32) + keys.astype(np.int64)
    order = np.argsort(codes, kind="stable")
    codes = codes[order]
    firsts = run_starts(codes)
    summed = np.minimum(np.add.reduceat(weights[order], firsts), 1.0) if len(codes) else weights
    unique = codes[firsts]
    starts = np.searchsorted(unique >> 32, np.arange(last - first + 1), "left").astype(np.int64)
    return starts, (unique & 0xFFFFFFFF).astype(np.uint32), summed.astype(np.float32)
