"""What a document offers for finding its translation among thousands: keys, in families.

A key is a hashed token that both an Arabic document and its English translation are likely to
hold, read the same way on both sides:

- ``numbers``: every value a number written in digits may stand for (``flags.numbers_in``, so
  "10 آلاف" and "10,000" share one);
- ``names``: consonant skeletons (the aligner's): of every Arabic word, of the English
  capitalised words inside a sentence ("بوترو" and "Potro" are both b-t-r); and the countries a
  text names, by name or adjective ("الجزائري" and "Algerian": ``countries``);
- ``latin``: Latin-script tokens of the Arabic (acronyms, brand names), found among the English words;
- ``words``: English word stems — on the Arabic side those a learned word table expects
  (``alignment.lexicon``), or those of the document's machine translation (the pivot);
- ``url_ids``: digit runs of four or more in the page's address (sites give both languages' pages
  the article's number);
- ``dates``: the page's publication day.

Keys are ``uint32`` hashes of ``family:token``; a document's keys are unique, each with a weight
(1 for presence, a probability for expected words, log-scaled counts for words).
"""
from __future__ import annotations

import functools
import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from parallel.alignment.features import arabic_skeletons, latin_tokens, name_skeletons, number_values
from parallel.alignment.lexicon import Lexicon, english_words
from parallel.pairing.countries import arabic_countries, english_countries
from parallel.text_rules import ARABIC_LETTERS, ARABIC_MONTHS, ENGLISH_MONTHS, normalise_digits

# The aligner remembers these per text (its sentences recur); a document's whole text never does,
# and remembering 65,536 of them would hold as many documents and their keys: call them uncached.
_arabic_skeletons = arabic_skeletons.__wrapped__
_name_skeletons = name_skeletons.__wrapped__
_number_values = number_values.__wrapped__

NUMBERS, NAMES, LATIN, WORDS, URL_IDS, DATES = range(6)
FAMILIES = ("numbers", "names", "latin", "words", "url_ids", "dates")

_URL_ID_RE = re.compile(r"(?<![0-9])[0-9]{4,}(?![0-9])")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _names(months: dict[str, int]) -> str:
    return "|".join(sorted(months, key=len, reverse=True))


# "30 سبتمبر", "3 من شهر تشرين الأول", "10 و11 مارس", "5 إلى 10 مارس"; "September 30", "Sept. 4th",
# "March 10 and 11", "March 5-10"; "30th of September": each day of a list or a range is read
_ARABIC_DAY_RE = re.compile(rf"(?<![0-9.,:])(?:([0-9]{{1,2}})\s*(?:و|-|–|إلى|الى|حتى)\s*)?([0-9]{{1,2}})\s+"
                            rf"(?:من\s+)?(?:شهر\s+)?({_names(ARABIC_MONTHS)})(?![{ARABIC_LETTERS}])")
_ENGLISH_DAY_RE = re.compile(rf"\b({_names(ENGLISH_MONTHS)})\.?\s+([0-9]{{1,2}})(?:st|nd|rd|th)?"
                             rf"(?:\s*(?:and|to|through|&|-|–)\s*([0-9]{{1,2}})(?:st|nd|rd|th)?)?\b(?![.,:]?[0-9])")
_DAY_ENGLISH_RE = re.compile(rf"(?<![0-9.,:])(?:([0-9]{{1,2}})(?:st|nd|rd|th)?\s*(?:and|to|&|-|–)\s*)?"
                             rf"([0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_names(ENGLISH_MONTHS)})\b")
_EXPECTED_WORDS = 3          # the most likely English words kept for each Arabic word
_MIN_EXPECTED = 0.05


@dataclass
class SideDocument:
    """One document of a side: its sentences and what its page says about it.

    ``pivot`` is the machine translation of an Arabic document (its sentences joined), when there
    is one; ``alternates`` maps a language code to the address the page names for that language
    (``<link rel="alternate" hreflang>``)."""
    name: str
    sentences: list[str]
    url: str = ""
    canonical: str = ""
    alternates: dict[str, str] = field(default_factory=dict)
    date: str = ""
    pivot: str | None = None

    @property
    def text(self) -> str:
        """The document's sentences, joined."""
        return " ".join(self.sentences)

    @property
    def length(self) -> int:
        """Characters, spaces not counted (what a translation's length is compared on)."""
        return sum(len("".join(s.split())) for s in self.sentences)


@functools.lru_cache(maxsize=1 << 17)     # tokens repeat across documents; the common ones stay
def key_of(family: int, token: str) -> int:
    """The hashed key of a token in a family."""
    return zlib.crc32(f"{family}:{token}".encode("utf-8"))


def page_keys(document: SideDocument) -> dict[int, dict[int, float]]:
    """The keys a page's address and date give: the article numbers in its path, its day."""
    ids: dict[int, float] = {}
    for address in {document.url, document.canonical} - {""}:
        path = address.split("://", 1)[-1].partition("/")[2]
        ids.update({key_of(URL_IDS, number): 1.0 for number in _URL_ID_RE.findall(path)})
    day = _DATE_RE.search(document.date or "")
    return {URL_IDS: ids, DATES: {key_of(DATES, day.group()): 1.0} if day else {}}


def _country_tokens(codes: set[str]) -> list[str]:
    return [f"country:{code}" for code in sorted(codes)]


def _number_keys(text: str) -> dict[int, float]:
    return {key_of(NUMBERS, value): 1.0 for values in _number_values(text) for value in values}


def month_days(text: str) -> set[tuple[int, int]]:
    """The days of a month a text names, as (month, day): "30 سبتمبر", "٣٠ أيلول", "September 30"
    and "30th of September" are all (9, 30); "10 و11 مارس" and "March 10 and 11" both days.  Not
    a key: every story of a day names it; but two documents that name days and none the same are
    not each other's translation (``Shapes``)."""
    text = normalise_digits(text)
    found = {(ARABIC_MONTHS[month], day) for *days, month in _ARABIC_DAY_RE.findall(text) for day in days}
    found |= {(ENGLISH_MONTHS[month], day) for month, *days in _ENGLISH_DAY_RE.findall(text) for day in days}
    found |= {(ENGLISH_MONTHS[month], day) for *days, month in _DAY_ENGLISH_RE.findall(text) for day in days}
    return {(month, int(day)) for month, day in found if day and 1 <= int(day) <= 31}


def word_weights(words: Iterable[str]) -> dict[str, float]:
    """Words as log-scaled counts (1 + log n): a word said five times is not five times the evidence."""
    return {word: 1.0 + math.log(count) for word, count in Counter(words).items()}


def likeliest_translations(lexicon: Lexicon) -> dict[str, tuple[tuple[str, float], ...]]:
    """For each Arabic stem of a table, its few likeliest English words (worth a key), computed once."""
    return {word: tuple((english, p) for english, p in sorted(choices, key=lambda c: -c[1])[:_EXPECTED_WORDS]
                        if p >= _MIN_EXPECTED)
            for word, choices in lexicon.translations.items()}


def arabic_keys(document: SideDocument) -> dict[int, dict[int, float]]:
    """An Arabic document's keys by family; ``words`` from its pivot when it has one (else a learned
    table adds them: ``expected_words``)."""
    text = document.text
    families: dict[int, dict[int, float]] = {
        NUMBERS: _number_keys(text),
        NAMES: {key_of(NAMES, s): 1.0 for s in [*_arabic_skeletons(text), *_country_tokens(arabic_countries(text))]},
        LATIN: {key_of(LATIN, t): 1.0 for t in latin_tokens([text])},
    }
    if document.pivot is not None:
        families[WORDS] = _hashed(WORDS, word_weights(english_words(document.pivot)))
        pivot_names = _name_skeletons(document.pivot, sentence_initial=True)
        families[NAMES].update({key_of(NAMES, s): 1.0 for s in pivot_names})
    families.update(page_keys(document))
    return families


def english_keys(document: SideDocument, with_words: bool = True) -> dict[int, dict[int, float]]:
    """An English document's keys by family."""
    text = document.text
    families: dict[int, dict[int, float]] = {
        NUMBERS: _number_keys(text),
        NAMES: {key_of(NAMES, s): 1.0 for s in [*_name_skeletons(text, sentence_initial=True),
                                                *_country_tokens(english_countries(text))]},
        LATIN: {key_of(LATIN, t): 1.0 for t in latin_tokens([text])},
    }
    if with_words:
        families[WORDS] = _hashed(WORDS, word_weights(english_words(text)))
    families.update(page_keys(document))
    return families


def _hashed(family: int, weights: Mapping[str, float]) -> dict[int, float]:
    return {key_of(family, token): weight for token, weight in weights.items()}
