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
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from parallel.alignment.lexicon import arabic_words, english_words
from parallel.pairing.index import BLOCK, KeyTable, TableWriter, restricted, run_starts
from parallel.pairing.keys import WORDS, SideDocument, key_of
from parallel.pairing.mapped import ColumnWriter, Mapped


@dataclass
class StemCounts:
    """Each document's Arabic stems (ids into ``vocabulary``) with their counts, and its Latin
    words as keys; entries grouped by document (``starts``, ``latin_starts``), in files
    (``mapped``: some 1 KB a document, never all in memory)."""
    starts: np.ndarray
    stems: np.ndarray
    counts: np.ndarray
    vocabulary: list[str]
    latin_starts: np.ndarray
    latin_keys: np.ndarray
    mapped: tuple[Mapped, ...] = field(default=(), repr=False, compare=False)

    def release(self) -> None:
        """Hand back the pages of its files read so far."""
        for mapped in self.mapped:
            mapped.release()


def stem_counts(documents: Sequence[SideDocument], directory: str | None = None) -> StemCounts:
    """Count every document's stems once (none for a document with a pivot), written to files in
    ``directory`` a block of ``BLOCK`` documents at a time."""
    ids: dict[str, int] = {}
    entries, latin = _Entries((np.int32, np.float32), directory), _Entries((np.uint32,), directory)
    for number, document in enumerate(documents, 1):
        if document.pivot is None:
            found: dict[int, int] = {}
            text = document.text
            for word in arabic_words(text):
                stem = ids.setdefault(word, len(ids))
                found[stem] = found.get(stem, 0) + 1
            entries.add(list(found), list(found.values()))
            latin.add(list({key_of(WORDS, word) for word in english_words(text)}))
        entries.end_document()
        latin.end_document()
        if number % BLOCK == 0:
            entries.flush()
            latin.flush()
    starts, (stems, counts), entries_mapped = entries.finish()
    latin_starts, (latin_keys,), latin_mapped = latin.finish()
    return StemCounts(starts, stems, counts, list(ids), latin_starts, latin_keys, (entries_mapped, latin_mapped))


class _Entries:
    """Columns of entries grouped by document, buffered a block of documents, written to files."""

    def __init__(self, dtypes: tuple, directory: str | None):
        self._writer = ColumnWriter(dtypes, directory)
        self._dtypes = dtypes
        self._buffers: list[list] = [[] for _ in dtypes]
        self._starts = array("q", [0])
        self._written = 0

    def add(self, *columns: list) -> None:
        for buffer, values in zip(self._buffers, columns):
            buffer.extend(values)

    def end_document(self) -> None:
        self._starts.append(self._written + len(self._buffers[0]))

    def flush(self) -> None:
        self._writer.append(*(np.asarray(buffer, dtype=dtype) for buffer, dtype in zip(self._buffers, self._dtypes)))
        self._written += len(self._buffers[0])
        self._buffers = [[] for _ in self._dtypes]

    def finish(self) -> tuple[np.ndarray, list[np.ndarray], Mapped]:
        self.flush()
        columns, mapped = self._writer.finish()
        return np.frombuffer(self._starts, dtype=np.int64).copy(), columns, mapped


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
        counts.release()
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
