"""Flags on suspicious machine translations, each a small named check.

A flag is a hint for a post-editor, not a verdict: it marks output worth a second look.
"""
from __future__ import annotations

import re

ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
_ARABIC_LETTER_RE = re.compile(
    r"[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]")
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_REPEATED_CHARS_RE = re.compile(r"([^\d\s])\1{7,}|([^\d\s]{2,4})\2{4,}")
# Arabic words that scale the number before them ("20 ألف" is 20,000), and their English twins.
_SCALES = {"ألف": 1_000, "آلاف": 1_000, "الف": 1_000, "مليون": 1_000_000, "ملايين": 1_000_000,
           "مليار": 1_000_000_000, "مليارات": 1_000_000_000, "thousand": 1_000,
           "million": 1_000_000, "billion": 1_000_000_000}

LENGTH_RATIO_BOUNDS = (0.5, 2.5)  # English/Arabic characters; typical news text is ~1.1–1.3
LENGTH_RATIO_MIN_CHARS = 20       # below this, ratios are noise


def normalise_digits(text: str) -> str:
    """Arabic-Indic and Persian digits and separators to ASCII (``٣٫٥`` → ``3.5``)."""
    return text.translate(ARABIC_DIGITS)


def _number_value(token: str) -> str:
    """Canonical string of a number token: thousands separators dropped, decimal point kept."""
    parts = re.split(r"[.,]", token)
    if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]):
        return "".join(parts).lstrip("0") or "0"
    if len(parts) == 2:
        whole = parts[0].lstrip("0") or "0"
        return f"{whole}.{parts[1]}"
    return token  # dates and versions such as 23.11.2023 compare as written


def numbers_in(text: str) -> list[set[str]]:
    """Each number of ``text`` as the set of values it may stand for (with its scale word)."""
    text = normalise_digits(text)
    found = []
    for match in _NUMBER_RE.finditer(text):
        value = _number_value(match.group())
        options = {value}
        following = text[match.end():].split(maxsplit=1)
        if following and value.replace(".", "", 1).isdigit():
            scale = _SCALES.get(following[0].strip(".,;:،؛").lower())
            if scale:
                scaled = float(value) * scale
                options.add(str(int(scaled)) if scaled.is_integer() else str(scaled))
        found.append(options)
    return found


def numbers_differ(source: str, target: str) -> bool:
    """True when a number of one side has no possible value in common with any number of the other
    (digits of any script normalised; a scale word such as million taken into account)."""
    source_numbers, target_numbers = numbers_in(source), numbers_in(target)
    source_values = set().union(*source_numbers)
    target_values = set().union(*target_numbers)
    return any(not (n & target_values) for n in source_numbers) or any(
        not (n & source_values) for n in target_numbers
    )


def has_repetition(text: str) -> bool:
    """Looping output: an n-gram (n ≤ 4) repeated back to back, or a stretched character run."""
    words = text.lower().split()
    for n in range(1, 5):
        needed = 4 if n == 1 else 3
        for start in range(0, len(words) - n * needed + 1):
            gram = words[start : start + n]
            if all(words[start + k * n : start + (k + 1) * n] == gram for k in range(1, needed)):
                return True
    return bool(_REPEATED_CHARS_RE.search(text))


def has_untranslated(text: str) -> bool:
    """True when the translation still contains Arabic letters."""
    return bool(_ARABIC_LETTER_RE.search(text))


def length_ratio_outlier(source: str, target: str) -> bool:
    """True when the target/source length ratio is outside ``LENGTH_RATIO_BOUNDS`` (sources shorter
    than ``LENGTH_RATIO_MIN_CHARS`` are never flagged: their ratio says little)."""
    if len(source) < LENGTH_RATIO_MIN_CHARS:
        return False
    low, high = LENGTH_RATIO_BOUNDS
    return not (low <= len(target) / len(source) <= high)


def translation_flags(source: str, target: str, truncated: bool) -> tuple[str, ...]:
    """All flags for one translation, in a fixed order."""
    checks = (
        ("truncated", truncated),
        ("repetition", has_repetition(target)),
        ("length_ratio", length_ratio_outlier(source, target)),
        ("untranslated", has_untranslated(target)),
        ("numbers", numbers_differ(source, target)),
    )
    return tuple(name for name, fired in checks if fired)


def pair_flags(source: str, target: str) -> tuple[str, ...]:
    """Flags for an aligned pair (source and its human translation): the translation checks that
    do not depend on decoding, so a dataset can be filtered the same way as the MT output."""
    return translation_flags(source, target, truncated=False)


FLAG_NAMES = ("truncated", "repetition", "length_ratio", "untranslated", "numbers")
