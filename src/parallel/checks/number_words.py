"""Numbers written as words, in Arabic and English, for the ``numbers`` flag.

Translators write "ثلاثة أشهر" for "3 months", "الخامس عشر" for "15th", "the 1920s" for
"العشرينيات", "two-dozen" for 24 and "eight-year" for 8.  ``word_values`` gives every value the
number words of a text may stand for: cardinals and ordinals (both genders, with the article and
the prefixes و ب ل ف ك), teens and compounds (خمسة عشر، ثلاث وعشرون، twenty-five, twenty-first),
the Arabic dual of counted nouns (شهرين is 2), decades (العشرينيات is 20, 1920 and 2020) and
dozens.  The values serve only as possible matches for digits on the other side: a number word
never needs a partner ("one of them" is no number to check), so generous readings cost little.
"""
from __future__ import annotations

import functools
import re

from parallel.text_rules import ARABIC_LETTERS, PROCLITICS, strip_marks

_ARABIC_UNITS = {
    1: "واحد واحدة أحد إحدى الأول الأولى أول أولى الحادي حادي الحادية",
    2: "اثنان اثنين اثنتان اثنتين اثنا اثنتا اثني اثنتي الثاني الثانية ثاني ثانية",
    3: "ثلاثة ثلاث الثالث الثالثة ثالث ثالثة",
    4: "أربعة أربع الرابع الرابعة رابع رابعة",
    5: "خمسة خمس الخامس الخامسة خامس خامسة",
    6: "ستة ست السادس السادسة سادس سادسة",
    7: "سبعة سبع السابع السابعة سابع سابعة",
    8: "ثمانية ثماني ثمان الثامن الثامنة ثامن ثامنة",
    9: "تسعة تسع التاسع التاسعة تاسع تاسعة",
    10: "عشرة عشر العاشر العاشرة عاشر عاشرة",
}
_ARABIC_TENS = {
    20: "عشرون عشرين العشرون العشرين", 30: "ثلاثون ثلاثين الثلاثون الثلاثين",
    40: "أربعون أربعين الأربعون الأربعين", 50: "خمسون خمسين الخمسون الخمسين",
    60: "ستون ستين الستون الستين", 70: "سبعون سبعين السبعون السبعين",
    80: "ثمانون ثمانين الثمانون الثمانين", 90: "تسعون تسعين التسعون التسعين",
}
_ARABIC_LARGE = {
    100: "مائة مئة المائة المئة", 200: "مائتان مائتين مئتان مئتين", 1000: "ألف الف الألف",
    2000: "ألفان ألفين", 1_000_000: "مليون المليون", 1_000_000_000: "مليار المليار",
}
# Decades: "العشرينيات" (the twenties) may be 20, 1920 or 2020.
_ARABIC_DECADES = {20: "العشرينيات عشرينيات", 30: "الثلاثينيات ثلاثينيات", 40: "الأربعينيات أربعينيات",
                   50: "الخمسينيات خمسينيات", 60: "الستينيات ستينيات", 70: "السبعينيات سبعينيات",
                   80: "الثمانينيات ثمانينيات", 90: "التسعينيات تسعينيات"}
# Counted nouns whose dual says "two": شهرين (two months), مرتين (twice).
_ARABIC_DUALS = frozenset(
    "يومين يومان شهرين شهران عامين عامان سنتين سنتان أسبوعين أسبوعان ساعتين ساعتان دقيقتين دقيقتان "
    "مرتين مرتان قرنين قرنان دولارين ألفين مليونين مليارين كيلومترين مترين طفلين شخصين رجلين "
    "امرأتين دولتين بلدين جزأين نوعين طرفين".split()
)

_ENGLISH_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000,
    "dozen": 12, "dozens": 12, "twice": 2, "once": 1, "both": 2, "single": 1, "double": 2, "triple": 3,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
    "eightieth": 80, "ninetieth": 90, "hundredth": 100, "thousandth": 1000,
    "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60, "seventies": 70,
    "eighties": 80, "nineties": 90,
}
_ARABIC_WORDS: dict[str, int] = {}
for _table in (_ARABIC_UNITS, _ARABIC_TENS, _ARABIC_LARGE):
    for _value, _words in _table.items():
        _ARABIC_WORDS.update(dict.fromkeys(_words.split(), _value))
# both spellings of the decades: العشرينيات and العشرينات
_ARABIC_DECADE_WORDS = {form: v for v, words in _ARABIC_DECADES.items() for w in words.split()
                        for form in (w, w[:-3] + "ات")}
_ENGLISH_TOKEN_RE = re.compile(r"[a-z]+(?:-[a-z]+)*")
_ARABIC_TOKEN_RE = re.compile(f"[{ARABIC_LETTERS}]+")


@functools.lru_cache(maxsize=1 << 16)      # words repeat; this runs for every Arabic word flagged
def _arabic_value(word: str) -> int | None:
    """The value of one Arabic number word, with its prefixes (و ب ل ف ك ال) taken off."""
    if word in _ARABIC_WORDS:
        return _ARABIC_WORDS[word]
    for prefix in PROCLITICS:
        if word.startswith(prefix) and word[len(prefix):] in _ARABIC_WORDS:
            return _ARABIC_WORDS[word[len(prefix):]]
    return None


@functools.lru_cache(maxsize=1 << 16)
def _bare_arabic(word: str) -> str:
    for prefix in PROCLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            stripped = word[len(prefix):]
            if stripped in _ARABIC_DUALS or stripped in _ARABIC_DECADE_WORDS:
                return stripped
    return word


def _phrases(run: list[float]) -> list[set[float]]:
    """The number phrases a run of number words may be: each word on its own ("الأولى والثالثة"
    are 1st and 3rd), and each compound of neighbours ("خمسة عشر" is also 15)."""
    return [{value} for value in run] + [{v} for v in _combine(run) - set(run)]


def _combine(run: list[float]) -> set[float]:
    """The values a run of number words may stand for: each word, and the compounds of
    neighbours (teens, "ثلاث وعشرون" / "twenty-five", "ثلاثة آلاف" / "four dozen")."""
    values = set(run)
    for first, second in zip(run, run[1:]):
        if second == 10 and first < 10:
            values.add(first + 10)                 # خمسة عشر، الحادي عشر
        elif second in range(20, 100, 10) and first < 10:
            values.add(first + second)             # ثلاث وعشرون (the unit first in Arabic)
        elif first in range(20, 100, 10) and second < 10:
            values.add(first + second)             # twenty-five, twenty first
        elif second in (12, 100, 1000, 1_000_000, 1_000_000_000) and first < 1000:
            values.add(first * second)             # ثلاثة آلاف، two-dozen
    return values


def arabic_numbers(text: str) -> list[set[float]]:
    """The Arabic number phrases of ``text``, each as the set of values it may stand for: runs of
    number words, a counted noun in the dual (2), a decade, "ونصف" (and a half)."""
    words = _ARABIC_TOKEN_RE.findall(strip_marks(text))
    found: list[set[float]] = []
    run: list[float] = []

    def close_run(index: int) -> None:
        if not run:
            return
        phrases = _phrases(run)
        before = words[index - len(run) - 1] if index - len(run) - 1 >= 0 else ""
        if _bare_arabic(before) in ("القرن", "قرن") or before in ("القرن", "قرن", "والقرن"):
            for values in phrases:         # القرن التاسع عشر: the 19th century, the 1800s
                values.update((v - 1) * 100 for v in list(values) if 1 < v < 22)
        found.extend(phrases)
        run.clear()

    for index, word in enumerate(words):
        value = _arabic_value(word)
        if value is not None:
            run.append(value)
            continue
        halves = {v + 0.5 for v in _combine(run)} if run and word in ("ونصف", "ونصفا") else set()
        close_run(index)
        if halves:
            found[-1].update(halves)            # "ثلاث ساعات ونصف": 3.5
        bare = _bare_arabic(word)
        if bare in _ARABIC_DECADE_WORDS:        # "ثلاثينيات القرن التاسع عشر": the 1830s
            decade = _ARABIC_DECADE_WORDS[bare]
            found.append({decade, *(century + decade for century in range(1000, 2100, 100))})
        elif bare in _ARABIC_DUALS or (len(word) >= 5 and word.endswith(("تين", "تان"))):
            found.append({2})                   # a dual: شهرين، ساعتين، تمريرتين
        if word in ("ونصف", "ونصفا"):
            found.append({0.5, 1.5})            # "ساعة ونصف": one and a half
    close_run(len(words))
    return found


def english_numbers(text: str) -> list[set[float]]:
    """The English number phrases of ``text``, each as the set of values it may stand for:
    "twenty-five", "twenty five", "two-dozen" and "four dozen" (24, 48), "eight-year" (8),
    ordinals, decades ("the twenties": 20, 1920, 2020)."""
    found: list[set[float]] = []
    run: list[float] = []
    for token in [*_ENGLISH_TOKEN_RE.findall(text.lower()), ""]:
        parts = [_ENGLISH_UNITS.get(part) for part in token.split("-")] if token else [None]
        known = [p for p in parts if p is not None]
        if known:
            run.extend(known)
            if token.endswith("s") and parts[0] in range(20, 100, 10):
                found.append({1900 + parts[0], 2000 + parts[0]})
            if parts[-1] is not None:
                continue
        if run:
            found.extend(_phrases(run))
            run = []
    return found


def number_phrases(text: str) -> list[set[str]]:
    """Every number phrase written in words (either language), as sets of digit strings."""
    return [{str(int(v)) if float(v).is_integer() else str(v) for v in values}
            for values in arabic_numbers(text) + english_numbers(text)]


def word_values(text: str) -> set[str]:
    """Every value the number words of ``text`` (either language) may stand for, as digit strings."""
    return set().union(*number_phrases(text))
