"""A client's or a project's terms: the ``glossary`` flag marks a translation whose source uses a
term and which uses none of the term's approved renderings.

The file is UTF-8 text, one term per line: the Arabic term, a tab, then its English renderings
separated by tabs or ``|`` (``#`` comments and blank lines skipped)::

    وزارة الخارجية<TAB>Foreign Ministry|Ministry of Foreign Affairs
    مجلس النواب<TAB>House of Representatives<TAB>Council of Representatives

Arabic is matched after the usual spelling variants are unified (hamza forms of alif, alif
maqsura, taa marbuta, diacritics and tatweel) and with the clitics a word may carry in front
(و ف ب ل ك and the article: "لوزارة الخارجية", "والوزارة"); English case-insensitively, whole
words, a plural ``s`` allowed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from parallel.errors import InputError
from parallel.read.textfiles import read_lines
from parallel.text_rules import PROCLITIC_PATTERN, matching_form


@dataclass(frozen=True)
class Term:
    """One glossary entry: the Arabic term and its approved English renderings."""

    arabic: str
    renderings: tuple[str, ...]


def _forms(rendering: str) -> list[str]:
    """A rendering and its plural forms (Ministry: Ministries; talk: talks; tax: taxes)."""
    forms = [rendering + "es", rendering + "s", rendering]
    if rendering.endswith("y"):
        forms.insert(0, rendering[:-1] + "ies")
    return forms


class Glossary:
    """Terms, ready to check translations against."""

    def __init__(self, terms: list[Term]) -> None:
        self.terms = terms
        self._patterns = [
            (term,
             re.compile(rf"(?<![\w]){PROCLITIC_PATTERN}?{re.escape(matching_form(term.arabic))}(?![\w])"),
             [re.compile(rf"(?<![\w])(?:{'|'.join(map(re.escape, _forms(r)))})(?![\w])", re.IGNORECASE)
              for r in term.renderings])
            for term in terms
        ]

    def missing(self, source: str, target: str) -> list[Term]:
        """The terms ``source`` uses whose renderings ``target`` lacks (all of them)."""
        source = matching_form(source)
        return [term for term, arabic, renderings in self._patterns
                if arabic.search(source) and not any(r.search(target) for r in renderings)]


def read_glossary(path: Path) -> Glossary:
    """A glossary file (see the module docstring); a malformed line is an ``InputError`` naming it."""
    terms = []
    for number, line in enumerate(read_lines(path), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        arabic, _, rest = line.partition("\t")
        renderings = tuple(r.strip() for r in re.split(r"[\t|]", rest) if r.strip())
        if not arabic.strip() or not renderings:
            raise InputError(f"{path}: line {number}: expected an Arabic term, a tab and its English rendering(s)")
        terms.append(Term(arabic.strip(), renderings))
    if not terms:
        raise InputError(f"{path}: no terms")
    return Glossary(terms)
