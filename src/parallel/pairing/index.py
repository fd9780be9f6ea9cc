"""Keys of two sides as flat arrays, candidates from an inverted index, and shared key mass.

Comparing every Arabic document with every English one is 10^10 comparisons at 100,000 per
side.  Instead each document looks up only its rarest keys (at most ``CANDIDATE_KEYS``, each held
by at most ``MAX_POSTINGS`` documents of the other side, ``POSTINGS_BUDGET`` in all) in the other
side's postings, and keeps its ``CANDIDATES`` best documents by shared inverse document
frequency; both directions are looked up and their candidates pooled.  Every step is a few
numpy operations over blocks of documents (``BLOCK``) or of entries (``CHUNK``), never over every
entry of a side at once: time grows with the documents, and the tables (a key id, a family and a
weight an entry: 9 bytes) and the postings (a document an entry, built by counting sort) are
written a block at a time to files and mapped (``mapped``), their pages handed back after each
block, so that the process holds a block of them, not a side.

For each candidate pair the shared mass of each key family is then counted over *all* keys
(``shared_mass``): two documents' key lists are merged by sorting, and a key on both is shared.
"""
from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

import numpy as np

from parallel.pairing.candidates import CodedPairs, PairWriter
from parallel.pairing.keys import FAMILIES
from parallel.pairing.mapped import ColumnWriter, Mapped, MappedRows, writable

CANDIDATES = 8          # the best documents of the other side kept for each document
CANDIDATE_KEYS = 40     # the rarest keys of a document looked up
MAX_POSTINGS = 1000     # a key held by more documents of the other side finds no candidates
POSTINGS_BUDGET = 1000  # the most documents of the other side one document's keys reach
BLOCK = 512             # documents joined at a time (their postings: at most BLOCK x POSTINGS_BUDGET rows)
PAIR_BLOCK = 1024       # candidate pairs whose shared keys are counted at a time (their entries: some 25 MB)
CHUNK = 1 << 22         # entries looked up at a time where a whole table is scanned


@dataclass
class KeyTable:
    """One side's keys: entries (key id, family, weight) grouped by document (``starts``); a
    whole side's entries are in files, mapped (``mapped``), a block's are views or in memory."""
    starts: np.ndarray
    keys: np.ndarray
    families: np.ndarray
    weights: np.ndarray
    mapped: Mapped | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.starts) - 1

    def documents(self) -> np.ndarray:
        """The document of each entry (an int64 an entry: for blocks, not a whole side)."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.starts))

    def block(self, first: int, last: int) -> "KeyTable":
        """Documents ``first`` .. ``last - 1`` as a table of their own (views, not copies)."""
        low, high = self.starts[first], self.starts[last]
        return KeyTable(self.starts[first:last + 1] - low, self.keys[low:high], self.families[low:high],
                        self.weights[low:high])

    def blocks(self, size: int = BLOCK) -> Iterator[tuple[int, "KeyTable"]]:
        """(first document, block) for consecutive blocks of ``size`` documents."""
        for first in range(0, len(self), size):
            yield first, self.block(first, min(first + size, len(self)))
            self.release()

    def release(self) -> None:
        """Hand back the pages of its files read so far (nothing for a table in memory)."""
        if self.mapped is not None:
            self.mapped.release()


class TableWriter:
    """A table written a block of documents at a time to files in ``directory``, then mapped."""

    def __init__(self, key_dtype: np.dtype, directory: str | None = None):
        self._columns = ColumnWriter((key_dtype, np.int8, np.float32), directory)
        self._counts: list[np.ndarray] = []

    def append(self, block: KeyTable) -> None:
        """The next documents' entries."""
        self._columns.append(block.keys, block.families, block.weights)
        self._counts.append(np.diff(block.starts))

    def finish(self) -> KeyTable:
        """The table written, over its files."""
        (keys, families, weights), mapped = self._columns.finish()
        counts = np.concatenate(self._counts) if self._counts else np.zeros(0, dtype=np.int64)
        return KeyTable(np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), keys, families, weights, mapped)


def transformed(table: KeyTable, change: Callable[[KeyTable], KeyTable], key_dtype: np.dtype,
                directory: str | None = None) -> KeyTable:
    """``change`` applied to the table a block of documents at a time, written to files."""
    writer = TableWriter(key_dtype, directory)
    for _, block in table.blocks(BLOCK * 8):
        writer.append(change(block))
    return writer.finish()


def raw_table(documents_keys: Iterable[dict[int, dict[int, float]]], directory: str | None = None) -> KeyTable:
    """A side's keys as arrays in files, keys still the raw hashes (``build_index`` makes them
    compact); documents are consumed one at a time and written ``BLOCK`` x 8 at a time.  Each
    family's keys are in key order (not in the order a set gave them), so that every sum over
    them, and the pairs, are the same from one run to the next."""
    writer = TableWriter(np.uint32, directory)
    keys, families, weights, starts = array("I"), array("b"), array("f"), array("q", [0])
    for by_family in documents_keys:
        for family, weighted in sorted(by_family.items()):
            ordered = sorted(weighted)
            keys.extend(ordered)
            weights.extend([weighted[key] for key in ordered])
            families.extend([family] * len(weighted))
        starts.append(len(keys))
        if len(starts) > BLOCK * 8:
            writer.append(_block_of(starts, keys, families, weights))
            keys, families, weights, starts = array("I"), array("b"), array("f"), array("q", [0])
    writer.append(_block_of(starts, keys, families, weights))
    return writer.finish()


def _block_of(starts: array, keys: array, families: array, weights: array) -> KeyTable:
    def numpy(values: array, dtype) -> np.ndarray:    # noqa: ANN001
        return np.frombuffer(values, dtype=dtype) if len(values) else np.zeros(0, dtype=dtype)
    return KeyTable(numpy(starts, np.int64), numpy(keys, np.uint32), numpy(families, np.int8),
                    numpy(weights, np.float32))


def merged_tables(first: KeyTable, second: KeyTable, directory: str | None = None) -> KeyTable:
    """Two tables of the same documents as one (each document's entries from both, the first's
    before the second's), written block by block."""
    writer = TableWriter(first.keys.dtype, directory)
    for start, block in first.blocks(BLOCK * 8):
        other = second.block(start, start + len(block))
        documents = np.concatenate([block.documents(), other.documents()])
        order = np.argsort(documents, kind="stable")
        writer.append(KeyTable(block.starts + other.starts, np.concatenate([block.keys, other.keys])[order],
                               np.concatenate([block.families, other.families])[order],
                               np.concatenate([block.weights, other.weights])[order]))
        second.release()
    return writer.finish()


def run_starts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values of a sorted array starts."""
    if len(ordered) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])


def distinct_keys(table: KeyTable, family: int | None = None) -> np.ndarray:
    """The table's keys (of ``family`` only, with it), sorted and unique, ``CHUNK`` entries at a time."""
    found = np.zeros(0, dtype=table.keys.dtype)
    for low in range(0, len(table.keys), CHUNK):
        keys = table.keys[low:low + CHUNK]
        if family is not None:
            keys = keys[table.families[low:low + CHUNK] == family]
        found = np.union1d(found, keys)
        table.release()
    return found


@dataclass
class Index:
    """Both sides' keys with compact ids, what each key is worth (idf), and each document's mass."""
    arabic: KeyTable
    english: KeyTable
    idf: np.ndarray
    arabic_frequency: np.ndarray
    english_frequency: np.ndarray
    arabic_mass: np.ndarray    # (documents, families): the idf-weighted keys each document could share
    english_mass: np.ndarray
    scratch: str | None = None  # the folder of its files, and of those made from it

    def release(self) -> None:
        """Hand back the pages of both sides' files read so far."""
        self.arabic.release()
        self.english.release()


def restricted(table: KeyTable, present: np.ndarray, family: int | None = None) -> KeyTable:
    """The table's entries whose key is in ``present`` (sorted, unique): a key the other side
    never holds can neither be shared nor count in a document's mass, so it need not be kept.
    With ``family``, only that family's entries are restricted and the others all kept."""
    keep = _member(table.keys, present)
    if family is not None:
        keep |= table.families != family
    if keep.all():
        return table        # nothing to take out: no copy
    kept = np.flatnonzero(keep)
    return KeyTable(np.searchsorted(kept, table.starts).astype(np.int64), table.keys[kept], table.families[kept],
                    table.weights[kept])


def _member(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """A mask of the values that are in ``present`` (sorted, unique), ``CHUNK`` at a time."""
    found = np.zeros(len(values), dtype=bool)
    if len(present) == 0:
        return found
    for low in range(0, len(values), CHUNK):
        chunk = values[low:low + CHUNK]
        found[low:low + CHUNK] = present[np.minimum(np.searchsorted(present, chunk), len(present) - 1)] == chunk
    return found


def build_index(arabic: KeyTable, english: KeyTable, scratch: str | None = None) -> Index:
    """Compact key ids for the keys both sides hold (a key held by one side only is worth nothing);
    each side's entries of those keys are written to files in ``scratch``, a block at a time."""
    ids = np.intersect1d(distinct_keys(arabic), distinct_keys(english))

    def compacted(block: KeyTable) -> KeyTable:
        kept = restricted(block, ids)
        return KeyTable(kept.starts, np.searchsorted(ids, kept.keys).astype(np.int32), kept.families, kept.weights)

    arabic = transformed(arabic, compacted, np.int32, scratch)
    english = transformed(english, compacted, np.int32, scratch)
    arabic_frequency, english_frequency = _frequency(arabic, len(ids)), _frequency(english, len(ids))
    documents = len(arabic) + len(english)
    idf = np.log((documents + 1) / (arabic_frequency + english_frequency + 1)).astype(np.float32)
    return Index(arabic, english, idf, arabic_frequency, english_frequency,
                 _mass(arabic, idf), _mass(english, idf), scratch)


def _frequency(table: KeyTable, key_count: int) -> np.ndarray:
    """How many of the table's documents hold each key, ``CHUNK`` entries at a time."""
    frequency = np.zeros(key_count, dtype=np.int64)
    for low in range(0, len(table.keys), CHUNK):
        frequency += np.bincount(table.keys[low:low + CHUNK], minlength=key_count)
        table.release()
    return frequency


def _mass(table: KeyTable, idf: np.ndarray) -> np.ndarray:
    mass = np.zeros((len(table), len(FAMILIES)), dtype=np.float64)
    for first, block in table.blocks(BLOCK * 8):
        np.add.at(mass[first:first + len(block)], (block.documents(), block.families.astype(np.int64)),
                  idf[block.keys] * block.weights)
    return mass


@dataclass
class Postings:
    """A side's inverted index: the documents holding key ``k`` are
    ``documents[offsets[k]:offsets[k + 1]]``, in document order (``documents`` in a file)."""
    offsets: np.ndarray
    documents: np.ndarray
    mapped: Mapped

    @classmethod
    def of(cls, table: KeyTable, frequency: np.ndarray, scratch: str | None = None) -> "Postings":
        """The table's postings, by counting sort (``frequency``: how many entries hold each key),
        filled a block of documents at a time."""
        offsets = np.concatenate([[0], np.cumsum(frequency)]).astype(np.int64)
        documents, mapped = writable(int(offsets[-1]), np.int32, scratch)
        filled = offsets[:-1].copy()
        for first, block in table.blocks(BLOCK * 8):
            order = np.argsort(block.keys, kind="stable")
            keys = block.keys[order]
            starts = run_starts(keys)
            counts = np.diff(np.r_[starts, len(keys)])
            rank = np.arange(len(keys)) - np.repeat(starts, counts)
            documents[filled[keys] + rank] = block.documents()[order] + first
            filled[keys[starts]] += counts
            mapped.release()
        return cls(offsets, documents, mapped)


def _rarest_entries(table: KeyTable, other_frequency: np.ndarray) -> np.ndarray:
    """The entries each document looks up: its rarest keys on the other side, at most
    ``CANDIDATE_KEYS`` of them and ``POSTINGS_BUDGET`` postings in all (its rarest key always)."""
    frequency = other_frequency[table.keys]
    usable = (frequency > 0) & (frequency <= MAX_POSTINGS)
    documents = table.documents()
    order = np.lexsort((frequency, ~usable, documents))
    first = table.starts[documents[order]]
    rank = np.arange(len(order)) - first
    postings = np.where(usable[order], frequency[order], 0).astype(np.int64)
    running = np.cumsum(postings)
    before = np.concatenate([[0], running])[first]
    within = running - before
    keep = order[usable[order] & (rank < CANDIDATE_KEYS) & ((within <= POSTINGS_BUDGET) | (rank == 0))]
    return np.sort(keep)


def _join(table: KeyTable, entries: np.ndarray, idf: np.ndarray, postings: Postings,
          other_count: int, first: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(pair codes ``document * other_count + other``, summed idf) for the given entries of a
    block whose first document is ``first``."""
    keys = table.keys[entries]
    low = postings.offsets[keys]
    counts = postings.offsets[keys + 1] - low
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    others = postings.documents[np.repeat(low, counts) + offsets].astype(np.int64)
    documents = np.repeat(table.documents()[entries] + first, counts)
    codes = documents * other_count + others
    order = np.argsort(codes, kind="stable")   # sums in entry order, whatever the block size
    codes = codes[order]
    starts = run_starts(codes)
    scores = np.add.reduceat(np.repeat(idf[keys] * table.weights[entries], counts)[order], starts)
    return codes[starts], scores


def _best_per_document(codes: np.ndarray, scores: np.ndarray, other_count: int, keep: int) -> np.ndarray:
    documents = codes // other_count
    order = np.lexsort((-scores, documents))
    first = np.searchsorted(documents[order], documents[order], "left")
    rank = np.arange(len(order)) - first
    return codes[order[rank < keep]]


def _candidates_one_way(table: KeyTable, other: KeyTable, idf: np.ndarray, other_frequency: np.ndarray,
                        keep: int, scratch: str | None = None) -> Iterator[np.ndarray]:
    """Each document's ``keep`` best of the other side, as pair codes (``document * len(other) +
    other``), a block of documents at a time."""
    postings = Postings.of(other, other_frequency, scratch)
    for first, block in table.blocks():
        entries = _rarest_entries(block, other_frequency)
        codes, scores = _join(block, entries, idf, postings, len(other), first)
        yield _best_per_document(codes, scores, len(other), keep)
        postings.mapped.release()


def candidate_pairs(index: Index, keep: int = CANDIDATES, also: Iterable[np.ndarray] = ()) -> CodedPairs:
    """(arabic, english) document pairs worth scoring, sorted, each once, in a file: each document's
    ``keep`` best by shared rare keys, looked up from both sides, and the pairs of ``also``."""
    arabic_count, english_count = len(index.arabic), len(index.english)
    pairs = PairWriter(arabic_count, english_count, index.scratch)
    for codes in _candidates_one_way(index.arabic, index.english, index.idf, index.english_frequency, keep,
                                     index.scratch):
        pairs.add(codes)
    for codes in _candidates_one_way(index.english, index.arabic, index.idf, index.arabic_frequency, keep,
                                     index.scratch):
        pairs.add((codes % arabic_count) * english_count + codes // arabic_count)
    for given in also:
        pairs.add(np.asarray(given, dtype=np.int64).reshape(-1, 2))
    return pairs.finish()


def documents_subset(table: KeyTable, documents: np.ndarray, scratch: str | None = None) -> KeyTable:
    """The entries of the given documents (in that order) as a table of its own, in files."""
    writer = TableWriter(table.keys.dtype, scratch)
    for low in range(0, len(documents), BLOCK * 8):
        chosen = documents[low:low + BLOCK * 8]
        position, entries = _entries_of(table, chosen)
        starts = np.searchsorted(position, np.arange(len(chosen) + 1), "left").astype(np.int64)
        writer.append(KeyTable(starts, table.keys[entries], table.families[entries], table.weights[entries]))
        table.release()
    return writer.finish()


def candidates_among(index: Index, arabic_documents: np.ndarray, english_documents: np.ndarray,
                     keep: int = CANDIDATES) -> np.ndarray:
    """Candidates looked for again among the given documents only (those still unpaired): a key
    too common in the whole collection to find anything can be rare among them."""
    if len(arabic_documents) == 0 or len(english_documents) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    subset = build_index(documents_subset(index.arabic, arabic_documents, index.scratch),
                         documents_subset(index.english, english_documents, index.scratch), index.scratch)
    pairs = candidate_pairs(subset, keep)[0:]
    return np.stack([arabic_documents[pairs[:, 0]], english_documents[pairs[:, 1]]], axis=1)


def shared_mass(index: Index, pairs: np.ndarray) -> MappedRows:
    """(pairs, families): the idf mass of the keys both documents of each pair hold (the smaller
    weight of the two), counted block by block into a file in the index's folder."""
    shared = MappedRows(len(pairs), len(FAMILIES), np.float64, index.scratch)
    for start in range(0, len(pairs), PAIR_BLOCK):
        block = pairs[start:start + PAIR_BLOCK]
        shared[start:start + len(block)] = _shared_block(index, block)
        index.release()
    return shared


def _entries_of(table: KeyTable, documents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each listed document, its entries; returns (position in the list, entry index)."""
    counts = table.starts[documents + 1] - table.starts[documents]
    total = int(counts.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(np.arange(len(documents)), counts), np.repeat(table.starts[documents], counts) + offsets


def _shared_block(index: Index, pairs: np.ndarray) -> np.ndarray:
    arabic_pair, arabic_entry = _entries_of(index.arabic, pairs[:, 0])
    english_pair, english_entry = _entries_of(index.english, pairs[:, 1])
    key_count = len(index.idf)
    codes = np.concatenate([arabic_pair * key_count + index.arabic.keys[arabic_entry],
                            english_pair * key_count + index.english.keys[english_entry]])
    weights = np.concatenate([index.arabic.weights[arabic_entry], index.english.weights[english_entry]])
    order = np.argsort(codes, kind="stable")
    codes, weights = codes[order], weights[order]
    same = np.flatnonzero(codes[1:] == codes[:-1])   # a document's keys are unique: a repeat is shared
    pair, key = codes[same] // key_count, codes[same] % key_count
    families = np.concatenate([index.arabic.families[arabic_entry], index.english.families[english_entry]])[order][same]
    shared = np.zeros((len(pairs), len(FAMILIES)), dtype=np.float64)
    np.add.at(shared, (pair, families.astype(np.int64)),
              index.idf[key] * np.minimum(weights[same], weights[same + 1]))
    return shared
