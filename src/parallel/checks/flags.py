"""Flags on suspicious machine translations, each a small named check.

A flag is a hint for a post-editor, not a verdict: it marks output worth a second look.
"""
from __future__ import annotations

import re

from parallel.checks.length_model import DEFAULT_LENGTH_MODEL, LONG_Z, SHORT_Z, LengthModel
from parallel.checks.number_forms import other_forms, year_range_tail
from parallel.checks.number_words import number_phrases
from parallel.checks.qa import QA_CHECKS
from parallel.text_rules import ARABIC_LETTERS, ARABIC_SCRIPT, PROCLITIC_PATTERN, TATWEEL, normalise_digits

_ARABIC_LETTER_RE = re.compile(f"[{ARABIC_SCRIPT}]")
# A number (see _glued_to_a_word for those written onto a word); a time of day.
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_TIME_RE = re.compile(r"(?<![\d.,:])(\d{1,2}):(\d{2})(?![\d:])")
_REPEATED_CHARS_RE = re.compile(r"([^\d\s])\1{7,}|([^\d\s]{2,4})\2{4,}")
# Where such a run can be: it is 8 or more characters, none a digit or a space.  Searching only
# these stretches finds the same runs, without trying the backreferences at every position.
_LONG_STRETCH_RE = re.compile(r"[^\d\s]{8,}")
# Arabic words that scale the number before them ("20 ألف" is 20,000), and their English twins.
_NEXT_WORD_RE = re.compile(r"\s*(\S+)")
# The accusative ("20 مليونا", with or without its tanween) is the form after 11 to 99; "bn" and "tn" are
# English news's abbreviations, written onto the number ("$2.3bn"); "m" is left out (metres, minutes).
_SCALES = {"ألف": 1_000, "آلاف": 1_000, "الف": 1_000, "ألفا": 1_000, "ألفاً": 1_000,
           "مليون": 1_000_000, "ملايين": 1_000_000, "مليونا": 1_000_000, "مليوناً": 1_000_000,
           "مليار": 1_000_000_000, "مليارات": 1_000_000_000, "مليارا": 1_000_000_000, "ملياراً": 1_000_000_000,
           "تريليون": 10 ** 12, "تريليونات": 10 ** 12, "تريليونا": 10 ** 12, "تريليوناً": 10 ** 12,
           "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10 ** 12,
           "bn": 1_000_000_000, "tn": 10 ** 12}


def _number_value(token: str) -> str:
    """Canonical string of a number token: thousands separators dropped, decimal point kept."""
    parts = re.split(r"[.,]", token)
    if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]):
        return "".join(parts).lstrip("0") or "0"
    if len(parts) == 2:
        whole = parts[0].lstrip("0") or "0"
        return f"{whole}.{parts[1]}"
    return token  # dates and versions such as 23.11.2023 compare as written


_GLUED_PREFIX_RE = re.compile(f"(?:^|[^{ARABIC_LETTERS}]){PROCLITIC_PATTERN}?{TATWEEL}*$")


def _glued_to_a_word(text: str, start: int) -> bool:
    """A number written onto a word names or measures ("km2", "CO2", "G7", "سم2", "م16"), unless
    what it is written onto is an Arabic prefix or the article ("بـ76", "الـ48", "و3", "لل5")."""
    if start == 0 or not text[start - 1].isalpha() and text[start - 1] != "ـ":
        return False
    if text[start - 1].isascii():
        return True
    return not _GLUED_PREFIX_RE.search(text[max(0, start - 8):start])


def numbers_in(text: str, read_forms: bool = False) -> list[set[str]]:
    """Each number of ``text`` as the set of values it may stand for (with its scale word).  With
    ``read_forms`` (the flag's reading, ``number_forms``), a year range's two-digit tail ("2014-18")
    is the full year too."""
    text = normalise_digits(text)
    found = []
    for match in _TIME_RE.finditer(text):   # 08:30 is 8:30, 8.30, 830 (and 8 o'clock)
        hour, minutes = str(int(match.group(1))), match.group(2)
        found.append({hour, f"{hour}.{minutes}", f"{hour}{minutes}", f"{hour}:{minutes}"})
    text = _TIME_RE.sub(" ", text)
    for match in _NUMBER_RE.finditer(text):
        if _glued_to_a_word(text, match.start()):
            continue
        value = _number_value(match.group())
        options = {value}
        tail = year_range_tail(text, match.start(), match.group()) if read_forms else None
        if tail:
            options.add(tail)
        following = _NEXT_WORD_RE.match(text, match.end())     # not a copy of the rest: texts can be long
        if following and value.replace(".", "", 1).isdigit():
            scale = _SCALES.get(following.group(1).strip(".,;:،؛").lower())
            if scale:
                scaled = float(value) * scale
                options.add(str(int(scaled)) if scaled.is_integer() else str(scaled))
        found.append(options)
    return found


def unmatched_numbers(source: str, target: str) -> tuple[list[str], list[str]]:
    """The numbers written in digits on each side that nothing on the other side can stand for.

    Each number in digits must be paired with its own number on the other side: one in digits
    (digits of any script, a scale word such as million taken into account), a number phrase in
    words (``number_words``: ثلاثة، الخامس عشر، twenty-five, the 1920s) or another form
    (``number_forms``: a code, a Roman numeral, a fraction word), each used once, so that "the 11th
    and 11th" is not answered by one "الحادي عشر"."""
    source_numbers, target_numbers = numbers_in(source, read_forms=True), numbers_in(target, read_forms=True)
    if not source_numbers and not target_numbers:
        return [], []   # no number in digits on either side: nothing to pair, no words to read
    source_all = source_numbers + number_phrases(source) + other_forms(normalise_digits(source))
    target_all = target_numbers + number_phrases(target) + other_forms(normalise_digits(target))
    return _unpaired(source_numbers, target_all), _unpaired(target_numbers, source_all)


def _unpaired(numbers: list[set[str]], candidates: list[set[str]]) -> list[str]:
    """The numbers left without a partner when each takes the first free candidate it can be
    (the numbers with fewest possible partners choose first)."""
    free = list(range(len(candidates)))
    missing = []
    order = sorted(range(len(numbers)), key=lambda i: sum(1 for c in candidates if numbers[i] & c))
    for index in order:
        partner = next((c for c in free if numbers[index] & candidates[c]), None)
        if partner is None:
            missing.append(min(numbers[index], key=len))
        else:
            free.remove(partner)
    return missing


def numbers_differ(source: str, target: str) -> bool:
    """True when a number in digits on one side has no counterpart on the other (see
    ``unmatched_numbers``)."""
    missing_in_target, missing_in_source = unmatched_numbers(source, target)
    return bool(missing_in_target or missing_in_source)


def _repeated_back_to_back(words: list[str], n: int, times: int) -> bool:
    """True when some ``n`` words come ``times`` times in a row: then each word of the stretch
    but the last ``n`` equals the word ``n`` places on, ``n * (times - 1)`` equal pairs running."""
    run = 0
    for word, later in zip(words, words[n:]):
        run = run + 1 if word == later else 0
        if run >= n * (times - 1):
            return True
    return False


def has_repetition(text: str) -> bool:
    """Looping output: an n-gram (n ≤ 4) repeated back to back, or a stretched character run."""
    words = text.lower().split()
    if any(_repeated_back_to_back(words, n, 4 if n == 1 else 3) for n in range(1, 5)):
        return True
    return any(_REPEATED_CHARS_RE.search(stretch) for stretch in _LONG_STRETCH_RE.findall(text))


def has_untranslated(text: str) -> bool:
    """True when the translation still contains Arabic letters."""
    return bool(_ARABIC_LETTER_RE.search(text))


def length_ratio_outlier(source: str, target: str, model: LengthModel = DEFAULT_LENGTH_MODEL) -> bool:
    """True when the translation is much shorter or longer than human translations of sources of
    that length (``length_model``: more than ``SHORT_Z`` spreads below the mean, ``LONG_Z`` above)."""
    z = model.z(source, target)
    return z is not None and (z < -SHORT_Z or z > LONG_Z)


def translation_flags(source: str, target: str, truncated: bool,
                      model: LengthModel = DEFAULT_LENGTH_MODEL) -> tuple[str, ...]:
    """All flags for one translation, in a fixed order (``model``: the length model to judge by)."""
    checks = (
        ("truncated", truncated),
        ("repetition", has_repetition(target)),
        ("length_ratio", length_ratio_outlier(source, target, model)),
        ("untranslated", has_untranslated(target)),
        ("numbers", numbers_differ(source, target)),
        *((name, bool(check(source, target))) for name, check in QA_CHECKS.items()),
    )
    return tuple(name for name, fired in checks if fired)


def pair_flags(source: str, target: str, model: LengthModel = DEFAULT_LENGTH_MODEL) -> tuple[str, ...]:
    """Flags for an aligned pair (source and its human translation): the translation checks that
    do not depend on decoding, so a dataset can be filtered the same way as the MT output."""
    return translation_flags(source, target, truncated=False, model=model)


FLAG_NAMES = ("truncated", "repetition", "length_ratio", "untranslated", "numbers", *QA_CHECKS)
# every flag a translation can carry: the checks above, a glossary's, a collection's (one source
# translated two ways: ``qa.inconsistent_groups``), and what decoding adds
ALL_FLAGS = (*FLAG_NAMES, "glossary", "inconsistent", "split", "entities")
