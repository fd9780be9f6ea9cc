"""The text an OPUS-MT model reads and writes: its input rules, its output's entities, long inputs.

OPUS-MT models were trained on text passed through OPUS-MT-train's ``preprocess-spm.sh`` (the
``preprocess.sh`` of every release) before SentencePiece, and are served the same way: Unicode
punctuation replaced by ASCII (rules adapted from Moses' ``replace-unicode-punctuation.perl``),
control and format characters turned into spaces, spaces squeezed.  ``opus_mt_input`` applies
those rules to what the model reads; outputs keep the text as published.
"""
from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from html.entities import html5
from typing import Callable

from parallel.text_rules import OPUS_MT_DELETED

# One deliberate difference from preprocess-spm.sh: it maps the full-width digit one "１" to a
# double quote (a slip copied from an old Moses script); sacremoses, and we, map it to "1".


@lru_cache(maxsize=1)
def _unicode_punctuation() -> Callable[[str], str]:
    from sacremoses import MosesPunctNormalizer

    return MosesPunctNormalizer().replace_unicode_punct


_KEEP_LINE_BREAK = frozenset("\n")
_ZERO_WIDTH = str.maketrans("", "", OPUS_MT_DELETED)
_SPACES = re.compile(r" {2,}")


def replace_unicode_punctuation(text: str) -> str:
    """Full-width and CJK punctuation, curly double quotes, the right single quote, the ellipsis
    and full-width digits to their ASCII forms (``“`` → ``"``, ``…`` → ``...``, ``％`` → ``%``).
    Arabic punctuation (``،`` ``؛`` ``؟``) is not touched: the model was trained with it."""
    return _unicode_punctuation()(text)


def control_characters_to_spaces(text: str) -> str:
    """Every character of Unicode's "Other" categories (control, format, private use,
    unassigned, surrogate) but the line break becomes a space, as ``perl -pe 's/\\p{C}/ /g'``."""
    return "".join(" " if unicodedata.category(ch)[0] == "C" and ch not in _KEEP_LINE_BREAK else ch
                   for ch in text)


def squeeze_spaces(text: str) -> str:
    """Runs of spaces to one; none at either end."""
    return _SPACES.sub(" ", text).strip(" ")


def opus_mt_input(text: str) -> str:
    """``text`` as OPUS-MT's ``preprocess.sh`` hands it to SentencePiece."""
    text = replace_unicode_punctuation(text)
    text = control_characters_to_spaces(text)
    return squeeze_spaces(text.translate(_ZERO_WIDTH))


# --- output ---------------------------------------------------------------------------------

SPACE_MARK = "\u2581"  # SentencePiece's "▁": a piece that starts a word


def opus_mt_output(pieces: list[str]) -> str:
    """Target pieces as text, as OPUS-MT's ``postprocess.sh`` joins them: pieces concatenated,
    every ``▁`` a space, no space at either end.  Unlike SentencePiece's own decoder this treats
    a piece the target model does not know (one of the joint vocabulary's source pieces) like
    any other, instead of printing its ``▁``."""
    return "".join(pieces).replace(SPACE_MARK, " ").strip(" ")

# Entities that web-crawled training data taught the models to write for plain characters.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape_entities(source: str, translation: str) -> tuple[str, int]:
    """``translation`` with HTML entities (``&apos;``, ``&quot;``, ``&amp;``, ``&#39;``) turned
    into their characters, and how many were, unless the source itself holds entities (then the
    text is about them and is left as written)."""
    if _ENTITY.search(source):
        return translation, 0
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        entity = match.group()
        # a named entity only when the whole name is one (html.unescape would read "&notice;" as "¬ice;")
        character = html.unescape(entity) if entity.startswith("&#") else html5.get(entity[1:], entity)
        count += character != entity
        return character

    return _ENTITY.sub(replace, translation), count


# --- long inputs ----------------------------------------------------------------------------

# Where a clause may end: Arabic and Latin comma, semicolon, colon, and sentence marks left
# inside a segment (a list or a transcript).  A split falls after the mark and its spaces.
_CLAUSE_END = re.compile(r"[،؛:,;.!?؟]+\s+")
_SPACE = re.compile(r"\s+")


def _cut_points(text: str, pattern: re.Pattern) -> list[int]:
    return [match.end() for match in pattern.finditer(text) if 0 < match.end() < len(text)]


def _best_cut(text: str) -> int | None:
    """The cut nearest the middle among clause ends, else among spaces, else any character:
    clause ends first, since a clause translates on its own, and nearest the middle so that the
    parts need the fewest further cuts."""
    middle = len(text) / 2
    for pattern in (_CLAUSE_END, _SPACE):
        points = _cut_points(text, pattern)
        if points:
            return min(points, key=lambda point: abs(point - middle))
    return len(text) // 2 if len(text) > 1 else None


def split_long(text: str, count: Callable[[str], int], limit: int) -> list[str]:
    """``text`` in parts of at most ``limit`` pieces (``count`` tells a part's pieces), cut at
    clause boundaries where it can, at spaces where no clause ends, mid-word as a last resort;
    ``" ".join`` of the parts gives ``text`` back up to spacing at the cuts."""
    if count(text) <= limit:
        return [text]
    cut = _best_cut(text)
    if cut is None:
        return [text]
    left, right = text[:cut].strip(), text[cut:].strip()
    if not left or not right:
        return [text]
    return split_long(left, count, limit) + split_long(right, count, limit)
