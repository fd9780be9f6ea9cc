"""What pairing reckons over its candidate pairs, a block of rows at a time.

A crawl of 100,000 documents a side has some two million candidate pairs.  Their pairs, scores
and features are kept in files (``mapped.MappedRows``) and read here ``ROW_BLOCK`` rows at a time;
what pairing needs of them all — each document's best candidate and its runner-up, the mutual
best pairs, the self-labelled rows a model is fitted on, each candidate's probability given one
partner per document, the pairs linked — is reckoned keeping a few numbers a document and at
most a byte a candidate (a mask), never a sort of every candidate.

Pairs and columns may be numpy arrays or ``MappedRows``: both are read by slices of rows.  The
results are those of sorting all candidates at once, ties to the earlier row.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parallel.pairing.mapped import ColumnWriter, MappedRows

ROW_BLOCK = 1 << 16     # candidate rows read at a time
PARTITION_CODES = 1 << 20   # candidate codes sorted at a time (a range of Arabic documents holding about this many)
MARGIN = 1.5            # a self-labelled pair's score over its runner-up's, on both sides
FIT_ROWS = 500_000      # the most rows a model is fitted on: beyond, negatives are sampled and weighted


def pair_codes(pairs, english_count: int) -> np.ndarray:  # noqa: ANN001
    """Each pair's code, ``arabic * english_count + english`` ((n, 2) rows of pairs, as int64)."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    return pairs[:, 0] * english_count + pairs[:, 1]


class CodedPairs:
    """Candidate pairs kept as one int64 code each, ``arabic * english_count + english``, in a file
    (``MappedRows``), read as (n, 2) rows of (arabic, english) by slices or lists of rows."""

    def __init__(self, codes: MappedRows, english_count: int):
        self.codes = codes
        self.english_count = english_count

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, index) -> np.ndarray:  # noqa: ANN001
        codes = np.asarray(self.codes[index], dtype=np.int64)
        return np.stack([codes // self.english_count, codes % self.english_count], axis=-1)

    def grown(self, extra: np.ndarray) -> "CodedPairs":
        """A copy with the ``extra`` pairs ((n, 2) rows) after these."""
        codes = self.codes.grown(len(extra))
        codes[len(self):] = pair_codes(extra, self.english_count)
        return CodedPairs(codes, self.english_count)


class PairWriter:
    """Candidate pairs added in any order and any number of times, then sorted, each once, into a
    file (``finish``): the codes go to a file as they come, and are sorted a range of Arabic
    documents at a time (``PARTITION_CODES``), never all at once."""

    def __init__(self, arabic_count: int, english_count: int, directory: str | None = None):
        self._arabic_count, self._english_count = arabic_count, english_count
        self._directory = directory
        self._added = ColumnWriter([np.int64], directory)
        self._count = 0

    def add(self, pairs: np.ndarray) -> None:
        """Some pairs ((n, 2) rows), or their codes (1-D)."""
        pairs = np.asarray(pairs, dtype=np.int64)
        codes = pair_codes(pairs, self._english_count) if pairs.ndim == 2 else pairs
        self._added.append(codes)
        self._count += len(codes)

    def finish(self) -> CodedPairs:
        """The pairs added, sorted (by Arabic document, then English), each once."""
        (added,), mapped = self._added.finish()
        ranges = -(-self._count // PARTITION_CODES) or 1
        bounds = np.linspace(0, self._arabic_count, ranges + 1).round().astype(np.int64) * self._english_count
        out = ColumnWriter([np.int64], self._directory)
        for low, high in zip(bounds[:-1], bounds[1:]):
            inside = []
            for rows in row_blocks(len(added)):
                block = added[rows]
                inside.append(block[(block >= low) & (block < high)])
                mapped.release()
            out.append(np.unique(np.concatenate(inside)) if inside else np.zeros(0, dtype=np.int64))
        (codes,), written = out.finish()
        return CodedPairs(MappedRows.over(codes, written, self._directory), self._english_count)


def row_blocks(count: int):
    """Slices of ``ROW_BLOCK`` rows covering ``count`` rows."""
    return (slice(low, min(low + ROW_BLOCK, count)) for low in range(0, count, ROW_BLOCK))


def side_counts(pairs) -> tuple[int, int]:  # noqa: ANN001
    """How many documents each side's array must hold: its largest document in ``pairs``, plus one."""
    top = np.zeros(2, dtype=np.int64) - 1
    for rows in row_blocks(len(pairs)):
        top = np.maximum(top, np.asarray(pairs[rows]).max(axis=0))
    return int(top[0]) + 1, int(top[1]) + 1


@dataclass
class Leaders:
    """Each document's best candidate (its row, ``-1``: none) by a score, and its runner-up's score
    (``-inf``: a single candidate): ranks 0 and 1 of its candidates sorted by score, ties to the
    earlier row."""
    best_row: np.ndarray
    best_score: np.ndarray
    second: np.ndarray

    @classmethod
    def of(cls, pairs, scores, side: int, count: int) -> "Leaders":  # noqa: ANN001
        """The leaders of side ``side`` (``count`` documents), read a block of rows at a time."""
        leaders = cls(np.full(count, -1, dtype=np.int64), np.full(count, -np.inf), np.full(count, -np.inf))
        for rows in row_blocks(len(pairs)):
            leaders._add(np.asarray(pairs[rows])[:, side], np.asarray(scores[rows], dtype=np.float64), rows.start)
        return leaders

    def _add(self, documents: np.ndarray, scores: np.ndarray, first: int) -> None:
        order = np.lexsort((-scores, documents))
        ordered, ordered_scores = documents[order], scores[order]
        head = np.r_[True, ordered[1:] != ordered[:-1]]
        after_head = np.r_[False, head[:-1] & ~head[1:]]
        present = ordered[head]
        block_second = np.full(len(present), -np.inf)
        block_second[np.searchsorted(present, ordered[after_head])] = ordered_scores[after_head]
        block_best, held = ordered_scores[head], self.best_score[present]
        block_wins = block_best > held                       # a tie stays with the earlier row
        self.second[present] = np.maximum(np.maximum(self.second[present], block_second),
                                          np.where(block_wins, held, block_best))
        self.best_row[present] = np.where(block_wins, first + order[head], self.best_row[present])
        self.best_score[present] = np.where(block_wins, block_best, held)

    def runner_up(self, documents: np.ndarray) -> np.ndarray:
        """The runner-up's score of each document (0 where it has one candidate)."""
        second = self.second[documents]
        return np.where(np.isfinite(second), second, 0.0)

    def is_best(self, documents: np.ndarray, rows: slice) -> np.ndarray:
        """Whether each row of the block is its document's best."""
        return self.best_row[documents] == np.arange(rows.start, rows.stop)


def mutual_best(pairs, scores, margin: float = MARGIN) -> np.ndarray:  # noqa: ANN001
    """A mask of the pairs that are both documents' first choice by at least ``margin`` times
    (or a clear lead, where the runner-up scores nothing)."""
    counts = side_counts(pairs)
    leaders = [Leaders.of(pairs, scores, side, counts[side]) for side in (0, 1)]
    take = np.zeros(len(pairs), dtype=bool)
    for rows in row_blocks(len(pairs)):
        block, block_scores = np.asarray(pairs[rows]), np.asarray(scores[rows], dtype=np.float64)
        chosen = block_scores > 0
        for side, leader in enumerate(leaders):
            documents = block[:, side]
            chosen &= leader.is_best(documents, rows) & (block_scores > margin * leader.runner_up(documents))
        take[rows] = chosen
    return take


def self_labelled(pairs, positive: np.ndarray, scores) -> np.ndarray:  # noqa: ANN001
    """A mask of the rows to fit a model on (``fit_rows`` samples them; labels: ``positive``): the
    positive pairs; as negatives every other candidate of their documents, and every candidate
    that is neither of its documents' first choice by ``scores`` (what unrelated documents look
    like, drawn from the whole collection)."""
    counts = side_counts(pairs)
    taken = [np.zeros(count, dtype=bool) for count in counts]
    for rows in row_blocks(len(pairs)):
        block = np.asarray(pairs[rows])[positive[rows]]
        for side in (0, 1):
            taken[side][block[:, side]] = True
    leaders = [Leaders.of(pairs, scores, side, counts[side]) for side in (0, 1)]
    chosen = np.zeros(len(pairs), dtype=bool)
    for rows in row_blocks(len(pairs)):
        block = np.asarray(pairs[rows])
        unrelated = ~leaders[0].is_best(block[:, 0], rows) & ~leaders[1].is_best(block[:, 1], rows)
        chosen[rows] = positive[rows] | taken[0][block[:, 0]] | taken[1][block[:, 1]] | unrelated
    return chosen


def fit_rows(chosen: np.ndarray, positive: np.ndarray, limit: int = FIT_ROWS
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, labels, weights) of the ``chosen`` rows (labels: ``positive``), at most ``limit`` of
    them: every positive while they fill at most half of them (else evenly sampled to what the
    negatives leave), the negatives evenly sampled to the rest; each row weighted for those it
    stands for, so that a model fitted on 100,000 documents a side needs no more memory than one
    on 10,000 and learns the same odds."""
    if int(chosen.sum()) <= limit:
        rows = np.flatnonzero(chosen)
        return rows, positive[rows].astype(np.float64), np.ones(len(rows))
    negative = chosen & ~positive
    negatives = int(negative.sum())
    positives, positive_weights = _evenly(np.flatnonzero(chosen & positive), max(limit // 2, limit - negatives))
    room = max(limit - len(positives), 1)
    if negatives <= room:
        sampled, negative_weights = np.flatnonzero(negative), np.ones(negatives)
    else:
        sampled = _nth_true(negative, np.linspace(0, negatives - 1, room).astype(np.int64))
        negative_weights = np.full(room, negatives / room)
    return (np.concatenate([positives, sampled]), np.r_[np.ones(len(positives)), np.zeros(len(sampled))],
            np.concatenate([positive_weights, negative_weights]))


def _evenly(rows: np.ndarray, room: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``room`` of the rows, evenly spaced, each weighted for those it stands for."""
    if len(rows) <= room:
        return rows, np.ones(len(rows))
    return rows[np.linspace(0, len(rows) - 1, room).astype(np.int64)], np.full(room, len(rows) / room)


def _nth_true(mask: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``np.flatnonzero(mask)[positions]`` (positions ascending), a block of the mask at a time."""
    found, before = [], 0
    for rows in row_blocks(len(mask)):
        true = np.flatnonzero(mask[rows])
        low, high = np.searchsorted(positions, [before, before + len(true)])
        found.append(true[positions[low:high] - before] + rows.start)
        before += len(true)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def one_partner_probabilities(pairs, likelihood_ratios, out=None, iterations: int = 20):  # noqa: ANN001
    """The probability that each candidate is its document's translation, given that a document
    has one translation or none, from each side, averaged.  For one side: a document with
    candidates 1..k and none of them its translation with prior ``q``, each of them with prior
    ``(1 - q) / k``, posterior ``L_i (1 - q) / k / (q + (1 - q) / k * sum L)``; ``q`` (the share of
    documents without a translation among their candidates) is estimated by EM over the side's
    documents.  Into ``out`` where given (a column in a file)."""
    counts = side_counts(pairs)
    sides = [_OnePartner(count) for count in counts]
    for rows in row_blocks(len(pairs)):
        block, ratios = np.asarray(pairs[rows]), np.asarray(likelihood_ratios[rows], dtype=np.float64)
        for side, tally in enumerate(sides):
            tally.count(block[:, side], ratios)
    for tally in sides:
        tally.estimate(iterations)
    probabilities = np.empty(len(pairs)) if out is None else out
    for rows in row_blocks(len(pairs)):
        block, ratios = np.asarray(pairs[rows]), np.asarray(likelihood_ratios[rows], dtype=np.float64)
        probabilities[rows] = (sides[0].posterior(block[:, 0], ratios) + sides[1].posterior(block[:, 1], ratios)) / 2
    return probabilities


class _OnePartner:
    """One side's candidates and likelihood ratios summed by document, and its share unpaired."""

    def __init__(self, count: int):
        self.candidates = np.zeros(count)
        self.totals = np.zeros(count)
        self.unpaired = 0.5

    def count(self, documents: np.ndarray, ratios: np.ndarray) -> None:
        self.candidates += np.bincount(documents, minlength=len(self.candidates))
        np.add.at(self.totals, documents, ratios)   # in row order, as one bincount over every row adds

    def estimate(self, iterations: int) -> None:
        present = self.candidates > 0
        for _ in range(iterations):
            share = (1 - self.unpaired) / np.maximum(self.candidates, 1)
            none = self.unpaired / (self.unpaired + share * self.totals)
            self.unpaired = float(np.clip(none[present].mean(), 1e-3, 1 - 1e-3))

    def posterior(self, documents: np.ndarray, ratios: np.ndarray) -> np.ndarray:
        share = (1 - self.unpaired) / np.maximum(self.candidates[documents], 1)
        return share * ratios / (self.unpaired + share * self.totals[documents])


def link(pairs, probabilities, threshold: float) -> np.ndarray:  # noqa: ANN001
    """Competitive linking: the rows of the pairs taken, best first, no document twice (only the
    rows at ``threshold`` or above are sorted)."""
    rows, scores = [], []
    for block in row_blocks(len(probabilities)):
        values = np.asarray(probabilities[block])
        kept = np.flatnonzero(values >= threshold)
        rows.append(kept + block.start)
        scores.append(values[kept])
    rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    order = np.argsort(-np.concatenate(scores) if scores else np.zeros(0), kind="stable")
    rows = rows[order]
    chosen = np.asarray(pairs[rows]) if len(rows) else np.zeros((0, 2), dtype=np.int64)
    arabic_taken: set[int] = set()
    english_taken: set[int] = set()
    taken = []
    for row, (arabic, english) in zip(rows.tolist(), chosen.tolist()):
        if arabic in arabic_taken or english in english_taken:
            continue
        arabic_taken.add(arabic)
        english_taken.add(english)
        taken.append(row)
    return np.asarray(taken, dtype=np.int64)


def among(pairs, chosen, english_count: int) -> np.ndarray:  # noqa: ANN001
    """A mask of the rows of ``pairs`` that are among ``chosen`` (pairs, or an (n, 2) array of them)."""
    codes = np.unique(pair_codes(chosen, english_count))
    found = np.zeros(len(pairs), dtype=bool)
    for rows in row_blocks(len(pairs)):
        found[rows] = np.isin(pair_codes(pairs[rows], english_count), codes)
    return found


def present_in(query: np.ndarray, pairs, english_count: int) -> np.ndarray:  # noqa: ANN001
    """A mask of the ``query`` pairs (a few, in memory) that are rows of ``pairs`` (many, read a block at a time)."""
    codes = pair_codes(query, english_count)
    found = np.zeros(len(codes), dtype=bool)
    for rows in row_blocks(len(pairs)):
        found |= np.isin(codes, pair_codes(pairs[rows], english_count))
    return found
