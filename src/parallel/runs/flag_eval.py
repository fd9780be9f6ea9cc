"""Measuring the flags: false alarms on human translations, and catches on translations corrupted
the ways machine translation fails.

Human translations (a line-aligned test set) should raise no flag: every flag on them is a false
alarm.  Each corruption is then applied to every translation it fits, one at a time, and the
flag made for it must fire:

- ``omission``: the second half of the translation's words dropped (translations of 12 words or
  more) — ``length_ratio``;
- ``number``: the first number written in digits changed (1998 → 1999, 3 → 4) — ``numbers``;
- ``loop``: a phrase of 2-4 words repeated three times in place — ``repetition``;
- ``untranslated``: one word replaced by an Arabic word of the source — ``untranslated``;
- ``link``: a URL, e-mail, hashtag or @name the translation carried over, dropped — ``links``;
- ``bracket``: the last closing bracket or quotation mark dropped (source and translation balanced) —
  ``brackets``;
- ``doubled``: a word of three letters or more written twice — ``doubled``;
- ``markup``: ``>>eng<<`` before the text, or ``▁`` on a word — ``markup``.

Corruptions are drawn with a seeded ``random.Random``, so a run is reproducible.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Sequence

from parallel.checks.flags import FLAG_NAMES, pair_flags
from parallel.checks.qa import CLOSERS, LINK_RE, MAY_STAND_TWICE, open_marks
from parallel.text_rules import ARABIC_LETTERS

OMISSION_MIN_WORDS = 12
_DIGITS_RE = re.compile(r"(?<![\w.,])\d+(?![\d])")
_ARABIC_WORD_RE = re.compile(f"[{ARABIC_LETTERS}]{{3,}}")


def omit_second_half(target: str, rng: random.Random) -> str | None:
    """The translation's first half of words (None below ``OMISSION_MIN_WORDS`` words)."""
    words = target.split()
    return " ".join(words[: len(words) // 2]) if len(words) >= OMISSION_MIN_WORDS else None


def change_a_number(target: str, rng: random.Random) -> str | None:
    """The first number in digits changed by one (up, or down from a 9); None without one."""
    match = _DIGITS_RE.search(target)
    if not match:
        return None
    value = int(match.group())
    changed = value - 1 if match.group().endswith("9") else value + 1
    return target[: match.start()] + str(changed).zfill(len(match.group())) + target[match.end():]


def loop_a_phrase(target: str, rng: random.Random) -> str | None:
    """A phrase of 2-4 words said three times where it was said once (MT's looping)."""
    words = target.split()
    size = rng.randint(2, 4)
    if len(words) < size + 1:
        return None
    start = rng.randrange(0, len(words) - size + 1)
    phrase = words[start : start + size]
    return " ".join(words[:start] + phrase * 3 + words[start + size:])


def leave_an_arabic_word(target: str, rng: random.Random, source: str = "") -> str | None:
    """One word of the translation replaced by an Arabic word of the source."""
    arabic = _ARABIC_WORD_RE.findall(source)
    words = target.split()
    if not arabic or not words:
        return None
    words[rng.randrange(len(words))] = rng.choice(arabic)
    return " ".join(words)


def drop_a_link(target: str, rng: random.Random, source: str = "") -> str | None:
    """A URL, e-mail, hashtag or @name the translation carried over, left out."""
    carried = [link for link in LINK_RE.findall(source) if link in target]
    return target.replace(rng.choice(carried), "", 1) if carried else None


def unbalance_a_mark(target: str, rng: random.Random, source: str = "") -> str | None:
    """One closing bracket or quotation mark of a balanced translation of a balanced source dropped."""
    if not any(ch in CLOSERS for ch in source) or open_marks(source) or open_marks(target):
        return None
    closers = [index for index, ch in enumerate(target) if ch in CLOSERS]
    if not closers:
        return None
    index = closers[-1]
    return target[:index] + target[index + 1:]


def double_a_word(target: str, rng: random.Random) -> str | None:
    """A word of three letters or more written twice ("the the"), not one that may stand so."""
    words = target.split()
    candidates = [i for i, w in enumerate(words)
                  if w.isalpha() and w.islower() and len(w) >= 3 and w not in MAY_STAND_TWICE]
    if not candidates:
        return None
    index = rng.choice(candidates)
    return " ".join(words[:index + 1] + [words[index]] + words[index + 1:])


def leave_markup(target: str, rng: random.Random) -> str | None:
    """What the model's machinery can leave: a language token before the text, or SentencePiece's mark."""
    words = target.split()
    if not words:
        return None
    if rng.random() < 0.5:
        return ">>eng<< " + target
    index = rng.randrange(len(words))
    return " ".join(words[:index] + ["▁" + words[index]] + words[index + 1:])


CORRUPTIONS: dict[str, tuple[Callable[..., str | None], str]] = {
    "omission": (omit_second_half, "length_ratio"),
    "number": (change_a_number, "numbers"),
    "loop": (loop_a_phrase, "repetition"),
    "untranslated": (leave_an_arabic_word, "untranslated"),
    "link": (drop_a_link, "links"),
    "bracket": (unbalance_a_mark, "brackets"),
    "doubled": (double_a_word, "doubled"),
    "markup": (leave_markup, "markup"),
}
# the corruptions that read the source too
_WITH_SOURCE = {"untranslated", "link", "bracket"}


@dataclass
class FlagEvaluation:
    """False alarms per flag on human translations, and catch rates per corruption kind."""

    pairs: int = 0
    flagged: int = 0
    false_alarms: Counter = field(default_factory=Counter)
    corrupted: Counter = field(default_factory=Counter)
    caught: Counter = field(default_factory=Counter)          # by the flag made for the corruption
    caught_any: Counter = field(default_factory=Counter)      # by any flag

    def to_json(self) -> dict:
        """Rates and counts as JSON."""
        return {
            "pairs": self.pairs, "flagged": self.flagged,
            "flagged_rate": round(self.flagged / self.pairs, 4) if self.pairs else 0.0,
            "false_alarm_rate": {f: round(self.false_alarms[f] / self.pairs, 4) for f in FLAG_NAMES
                                 if f != "truncated"},
            "corruptions": {kind: {"pairs": self.corrupted[kind], "flag": CORRUPTIONS[kind][1],
                                   "caught": round(self.caught[kind] / self.corrupted[kind], 4),
                                   "caught_by_any_flag": round(self.caught_any[kind] / self.corrupted[kind], 4)}
                            for kind in CORRUPTIONS if self.corrupted[kind]},
        }

    def format(self) -> str:
        """Two small tables: false alarms per flag, catches per corruption."""
        data = self.to_json()
        lines = [f"{self.pairs} human translations, {self.flagged} flagged ({data['flagged_rate']:.2%})",
                 "flag           false alarms"]
        lines += [f"{flag:<14} {rate:.2%}" for flag, rate in data["false_alarm_rate"].items()]
        lines.append("corruption     pairs  caught by its flag  by any flag")
        lines += [f"{kind:<14} {c['pairs']:>5}  {c['caught']:>18.2%}  {c['caught_by_any_flag']:>11.2%}"
                  for kind, c in data["corruptions"].items()]
        return "\n".join(lines)


def evaluate_flags(sources: Sequence[str], targets: Sequence[str], seed: int = 1,
                   flags: Callable[[str, str], tuple[str, ...]] = pair_flags) -> FlagEvaluation:
    """Measure ``flags`` on the human translations and on each corruption of them."""
    rng = random.Random(seed)
    result = FlagEvaluation()
    for source, target in zip(sources, targets):
        if not source.strip() or not target.strip():
            continue
        result.pairs += 1
        found = flags(source, target)
        result.flagged += bool(found)
        result.false_alarms.update(found)
        for kind, (corrupt, flag) in CORRUPTIONS.items():
            corrupted = corrupt(target, rng, source) if kind in _WITH_SOURCE else corrupt(target, rng)
            if corrupted is None:
                continue
            result.corrupted[kind] += 1
            fired = flags(source, corrupted)
            result.caught[kind] += flag in fired
            result.caught_any[kind] += bool(fired)
    return result
