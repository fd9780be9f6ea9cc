"""Numbers written neither as plain digits nor as number words, for the ``numbers`` flag.

Translators carry a number across in forms the digit check alone does not read: a code or a name
with digits ("G20" for "مجموعة العشرين", "A380" for "إيرباص 380", "SARS-CoV-2"), a Roman numeral
("Ramses II" for "رمسيس الثاني", "Phase 2" for "المرحلة II"), a fraction or a percentage in words
("a third" for "33%", "الربع" for "25 percent"), a year range ("2014-18" for "من 2014 إلى 2018").
Like number words (``number_words``), these forms serve only as partners for digits on the other
side and never need one themselves, so reading them generously costs little.  A code's number
written apart by a hyphen ("F-35", "كوفيد-19") still needs its partner, as it always did: a changed
code is a changed number.  A year range's short tail needs its partner too, as the full year.
"""
from __future__ import annotations

import re

from parallel.checks.qa import LINK_RE
from parallel.text_rules import ARABIC_LETTERS, PROCLITICS, strip_marks

# Letters then digits, glued or joined by a hyphen: a code or a name (G20, MH370, F-35, كوفيد-19).
_CODE_RE = re.compile(rf"(?<![\w-])([A-Za-z]+|[{ARABIC_LETTERS}]+)-?(\d+)\b")
# Roman numerals of names and parts, up to 89 (L, X, V, I): "World War II", "Phase III", "Louis XIV".
# C, D and M are left out: "DC", "CV", "MIX" are words and abbreviations far more often than numbers.
_ROMAN_RE = re.compile(r"(?<![\w-])((?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))(?![\w-])")
_ROMAN_VALUES = {"L": 50, "X": 10, "V": 5, "I": 1}
_ANY_ROMAN_RE = re.compile("[%s]" % "".join(_ROMAN_VALUES))
_ANY_DIGIT_RE = re.compile(r"\d")
# A numeral is read only right after a capitalised word ("Henry V", "Ramses II"); a lone "I" is the
# pronoun, never a numeral.
_AFTER_A_NAME_RE = re.compile(r"\b[A-Z][a-z]+\s$")
# Fractions written as words, with the percentages and decimals they are written as in digits.
_ARABIC_FRACTIONS = {"نصف": {50, 0.5}, "ثلث": {33, 33.3, 0.33}, "ربع": {25, 0.25},
                     "ثلثا": {66, 67, 66.7}, "ثلثي": {66, 67, 66.7}, "أرباع": {75}}
_ENGLISH_FRACTIONS = {"half": {50, 0.5}, "third": {33, 33.3}, "thirds": {66, 67, 66.7},
                      "quarter": {25, 0.25}, "quarters": {75}}
_ENGLISH_WORD_RE = re.compile(r"[a-z]+")
_ARABIC_WORD_RE = re.compile(f"[{ARABIC_LETTERS}]+")
# A year, a dash or slash, and the two digits that end the range ("1998-2001" needs no reading).
_YEAR_RANGE_START_RE = re.compile(r"(?<!\d)((?:1[5-9]|20)\d{2})\s?[-–/]\s?$")


def code_numbers(text: str) -> list[set[str]]:
    """The digits of every code or name written with them, glued or hyphenated (G20, MH370, F-35);
    not a number written onto a proclitic ("و3", "بـ5"), which is a number of its own, nor the
    characters of a link."""
    if not _ANY_DIGIT_RE.search(text):
        return []
    return [{str(int(match.group(2)))} for match in _CODE_RE.finditer(LINK_RE.sub(" ", text))
            if match.group(1).rstrip("ـ") not in PROCLITICS]


def roman_value(numeral: str) -> int:
    """The value of a well-formed Roman numeral (``_ROMAN_RE`` checked its form)."""
    values = [_ROMAN_VALUES[ch] for ch in numeral]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0]))


def roman_numbers(text: str) -> list[set[str]]:
    """Roman numerals in capitals (up to 89) right after a capitalised word ("World War II", "Louis
    XIV", "Henry V"); never a lone "I", the pronoun."""
    found = []
    if not _ANY_ROMAN_RE.search(text):
        return found
    for match in _ROMAN_RE.finditer(text):
        numeral = match.group(1)
        if not numeral or numeral == "I":
            continue
        if _AFTER_A_NAME_RE.search(text[max(0, match.start() - 30):match.start()]):
            found.append({str(roman_value(numeral))})
    return found


def _bare(word: str) -> str:
    """An Arabic word without a proclitic of its own, when what remains is a fraction word."""
    return next((word[len(p):] for p in PROCLITICS if word.startswith(p) and word[len(p):] in _ARABIC_FRACTIONS),
                word)


def fraction_numbers(text: str) -> list[set[str]]:
    """Fractions in words, as the percentages and decimals they are also written as: نصف and half
    (50, 0.5), ثلث and a third (33), ربع and quarter (25), ثلاثة أرباع and three quarters (75)."""
    arabic, english = strip_marks(text), text.lower()
    values = []
    if any(root in arabic for root in _ARABIC_FRACTIONS):   # most sentences hold none: no word loop then
        values += [_ARABIC_FRACTIONS.get(_bare(word)) for word in _ARABIC_WORD_RE.findall(arabic)]
    if any(word in english for word in _ENGLISH_FRACTIONS):
        values += [_ENGLISH_FRACTIONS.get(word) for word in _ENGLISH_WORD_RE.findall(english)]
    return [{str(v) for v in found} for found in values if found]


def year_range_tail(text: str, start: int, digits: str) -> str | None:
    """The full year a two-digit number stands for when it ends a year range ("1914-18": 1918,
    "1999/00": 2000), else None."""
    if len(digits) != 2:
        return None
    match = _YEAR_RANGE_START_RE.search(text[max(0, start - 8):start])
    if match is None:
        return None
    first = int(match.group(1))
    year = first // 100 * 100 + int(digits)
    return str(year if year >= first else year + 100)


def other_forms(text: str) -> list[set[str]]:
    """Every number ``text`` writes as a code, a Roman numeral or a fraction word: partners only."""
    return code_numbers(text) + roman_numbers(text) + fraction_numbers(text)
