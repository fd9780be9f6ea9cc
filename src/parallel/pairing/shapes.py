"""What a document's shape says about its partner: length, sentences, the days it names.

A translation's length is the Arabic's times the collection's ratio, within a spread learned from
the pairs found; its sentences are about as many; and the days of a month it names are the
Arabic's — two bulletins a month apart share their figures, not their days (``keys.month_days``:
not keys, for every story of a day names it).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from parallel.pairing.candidates import row_blocks
from parallel.pairing.keys import SideDocument, month_days
from parallel.pairing.model import MIN_LABELS, length_scale

MAX_LENGTH_Z = 3.0       # a label's length ratio, in robust standard deviations of the labelled pairs'
MAX_DAYS = 8             # the days of a month a document is compared on


@dataclass
class Shapes:
    """Each document's length (characters), sentence count and the days of a month it names
    (``days``: codes, ``-1`` where fewer), side by side."""
    arabic_lengths: np.ndarray
    english_lengths: np.ndarray
    arabic_sentences: np.ndarray
    english_sentences: np.ndarray
    arabic_days: np.ndarray
    english_days: np.ndarray

    @classmethod
    def of(cls, arabic: Sequence[SideDocument], english: Sequence[SideDocument]) -> "Shapes":
        """The shapes of two sides' documents."""
        def array(values):
            return np.asarray(list(values), dtype=np.float64)
        return cls(array(d.length for d in arabic), array(d.length for d in english),
                   array(max(len(d.sentences), 1) for d in arabic), array(max(len(d.sentences), 1) for d in english),
                   day_codes(arabic), day_codes(english))

    def ratio(self, pairs: np.ndarray) -> np.ndarray:
        """log(English / Arabic length) of each pair (a block of them)."""
        return np.log((self.english_lengths[pairs[:, 1]] + 1.0) / (self.arabic_lengths[pairs[:, 0]] + 1.0))

    def length_scale(self, pairs, confident: np.ndarray) -> tuple[float, float]:  # noqa: ANN001
        """The collection's length ratio (``model.length_scale``): over the ``confident`` pairs,
        else, where they are fewer than ``MIN_LABELS``, over every candidate."""
        if confident.sum() >= MIN_LABELS:
            return length_scale(self.ratio(np.asarray(pairs[np.flatnonzero(confident)])))
        return length_scale(np.concatenate([self.ratio(np.asarray(pairs[rows])) for rows in row_blocks(len(pairs))]
                                           or [np.zeros(0)]))

    def length_z(self, scale: tuple[float, float]) -> Callable[[np.ndarray], np.ndarray]:
        """A block of pairs' length ratios in the collection's standard deviations (``scale``)."""
        centre, spread = scale
        return lambda pairs: (self.ratio(pairs) - centre) / spread

    def features(self, scale: tuple[float, float]) -> Callable[[np.ndarray], tuple[np.ndarray, ...]]:
        """A block of pairs' shape features: length distance (``scale``), log sentence ratio, days apart."""
        length_z = self.length_z(scale)
        return lambda pairs: (length_z(pairs), self.sentence_ratio(pairs), self.days_apart(pairs))

    def days_apart(self, pairs: np.ndarray) -> np.ndarray:
        """1 where both documents of a pair name days of a month and none the same, else 0."""
        arabic, english = self.arabic_days[pairs[:, 0]], self.english_days[pairs[:, 1]]
        same = ((arabic[:, :, None] == english[:, None, :]) & (arabic[:, :, None] >= 0)).any(axis=(1, 2))
        return ((arabic[:, 0] >= 0) & (english[:, 0] >= 0) & ~same).astype(np.float64)

    def length_fits(self, pairs, confident: np.ndarray) -> np.ndarray:  # noqa: ANN001
        """A mask of the pairs whose length ratio is within ``MAX_LENGTH_Z`` of the collection's."""
        length_z = self.length_z(self.length_scale(pairs, confident))
        fits = np.zeros(len(pairs), dtype=bool)
        for rows in row_blocks(len(pairs)):
            fits[rows] = np.abs(length_z(np.asarray(pairs[rows]))) < MAX_LENGTH_Z
        return fits

    def sentence_ratio(self, pairs: np.ndarray) -> np.ndarray:
        """log(Arabic sentences / English sentences) of each pair."""
        return np.log(self.arabic_sentences[pairs[:, 0]] / self.english_sentences[pairs[:, 1]])


def day_codes(documents: Sequence[SideDocument]) -> np.ndarray:
    """Each document's days of a month (``keys.month_days``) as codes ``month * 32 + day``, ``-1``
    where it names fewer than ``MAX_DAYS``; a document that names more (a calendar, a schedule)
    takes no part: none of them could be left out without making two translations look apart."""
    codes = np.full((len(documents), MAX_DAYS), -1, dtype=np.int16)
    for row, document in enumerate(documents):
        days = sorted(month * 32 + day for month, day in month_days(document.text))
        if len(days) <= MAX_DAYS:
            codes[row, :len(days)] = days
    return codes
