"""The checks translators know from QA tools (Xbench, Verifika), where they fit post-editing MT.

Each returns its evidence (empty: nothing to flag), so that ``parallel check --jsonl`` can say what
fired and why:

- ``links``: a URL, an e-mail address, a Latin-script hashtag or an @name of the source that the
  translation does not carry over as written (Arabic hashtags are translated, so not checked);
- ``brackets``: brackets or quotation marks the translation leaves open (or closes unopened) where
  the source's are balanced;
- ``doubled``: a word written twice in a row ("the the"); the few English words that may stand
  twice ("had had", "that that") are left alone;
- ``markup``: what the model's machinery may leave in its output: a target-language token
  (``>>eng<<``), SentencePiece's word mark (``▁``), ``<unk>``, ``</s>``, ``<pad>``.

The fifth, ``inconsistent`` (one source translated two ways in a collection), needs every pair at
once: ``inconsistent_groups``.
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

LINK_RE = re.compile(r"https?://[^\s<>\"'«»()]+[^\s<>\"'«».,;:!?()،؛؟]|www\.[^\s<>\"'«»()]+[^\s<>\"'«».,;:!?()،؛؟]"
                      r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|(?<![A-Za-z0-9_#@])[#@][A-Za-z_][A-Za-z0-9_]+")
_BRACKETS = {"(": ")", "[": "]", "{": "}"}
_DOUBLED_RE = re.compile(r"(?<![\w'’-])(\w+) +((?i:\1))(?![\w'’-])")
MAY_STAND_TWICE = frozenset({"had", "that", "is", "do", "very", "bye", "no", "yes", "so", "far", "long",
                              "more", "again", "many", "ha", "knock", "now", "well"})
_MARKUP_RE = re.compile(r">>[a-z]{2,3}(?:_[A-Za-z]{4})?<<|▁|<unk>|</s>|<pad>|<s>")


def missing_links(source: str, target: str) -> list[str]:
    """URLs, e-mail addresses, Latin hashtags and @names of the source missing from the translation."""
    return [link for link in dict.fromkeys(LINK_RE.findall(source)) if link not in target]


_QUOTES = '"“”«»'
CLOSERS = frozenset(")]}" + _QUOTES)   # the marks whose loss leaves a translation unbalanced
_MARKS = frozenset("()[]{}" + _QUOTES)


def open_marks(text: str) -> list[str]:
    """Brackets left open or closed unopened, and an odd count of quotation marks (any kind: a
    translation may write "…" for «…»)."""
    stack, stray = [], []
    closers = {close: open_ for open_, close in _BRACKETS.items()}
    for ch in text:
        if ch in _BRACKETS:
            stack.append(ch)
        elif ch in closers:
            if stack and stack[-1] == closers[ch]:
                stack.pop()
            else:
                stray.append(ch)
    quotes = [ch for ch in text if ch in _QUOTES]
    return stack + stray + (quotes[-1:] if len(quotes) % 2 else [])


def unbalanced_marks(source: str, target: str) -> list[str]:
    """The translation's unbalanced brackets and quotes, where the source has such marks and they
    are balanced there: a sentence cut out of a longer quotation leaves its marks open on both sides,
    and a translation that adds an opening quote the source did not write is no sign of an omission."""
    if not any(ch in _MARKS for ch in source) or open_marks(source):
        return []
    return open_marks(target)


def doubled_words(target: str) -> list[str]:
    """Words written twice with only a space between ("the the"), but for those that may stand so
    and for names written twice (both capitalised: "Pago Pago", "Walla Walla")."""
    return [m.group(1) for m in _DOUBLED_RE.finditer(target)
            if m.group(1).lower() not in MAY_STAND_TWICE and not m.group(1).isdigit()
            and not (m.group(1)[:1].isupper() and m.group(2)[:1].isupper())]


def leftover_markup(target: str) -> list[str]:
    """The model's tokens and marks left in a translation."""
    return _MARKUP_RE.findall(target)


# name -> (check of one pair, returning its evidence); the order flags are listed in
QA_CHECKS: dict[str, Callable[[str, str], list[str]]] = {
    "links": missing_links,
    "brackets": unbalanced_marks,
    "doubled": lambda source, target: doubled_words(target),
    "markup": lambda source, target: leftover_markup(target),
}


def qa_evidence(source: str, target: str) -> dict[str, list[str]]:
    """What each QA check found in one pair (only the checks that found something)."""
    found = {name: check(source, target) for name, check in QA_CHECKS.items()}
    return {name: evidence for name, evidence in found.items() if evidence}


def inconsistent_groups(source_keys: Sequence[str], target_keys: Sequence[str]) -> list[list[int]]:
    """Indices of the pairs whose sources are the same (by their keys, e.g. near-exact) and whose
    translations are not: each group is a source translated more than one way."""
    by_source: dict[str, list[int]] = {}
    for index, key in enumerate(source_keys):
        if key:
            by_source.setdefault(key, []).append(index)
    return [group for group in by_source.values() if len({target_keys[i] for i in group}) > 1]
