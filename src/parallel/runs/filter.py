"""``parallel filter``: turn aligned pairs into training data — duplicates, test-set pairs, flagged
pairs, low alignment scores and pairs in the wrong language removed, each with its reason.

Pairs come from our JSONL (``align``/``corpus`` records: ``source``, ``target``, and ``flags``,
``alignment_score`` where present) or from any TMX (Arabic and English variants; ``x-flags`` and
``x-alignment-score`` properties where present).  Filters run in a fixed order and a pair is
counted under the first that removes it: language, flags, score, test set, duplicate.

Near-exact matching (duplicates, test sets) compares texts normalised for what does not change a
sentence: spacing, punctuation and symbols, letter case, digit scripts, Arabic letter variants
(hamza forms of alif, alif maqsura, taa marbuta), diacritics and tatweel.
"""
from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from parallel.checks.flags import ALL_FLAGS, pair_flags
from parallel.errors import InputError
from parallel.formats.jsonl import open_jsonl
from parallel.formats.provenance import Provenance
from parallel.formats.registry import open_records, read_records
from parallel.read.textfiles import read_lines
from parallel.text_rules import matching_form, normalise_digits

FILTERS = ("lang_id", "flags", "min_score", "test_set", "duplicate")


def near_exact_key(text: str) -> str:
    """``text`` reduced to what near-exact matching compares: letters and digits only, lower case,
    one digit script, one spelling of the Arabic letters that vary."""
    text = matching_form(normalise_digits(unicodedata.normalize("NFKC", text))).casefold()
    return "".join(ch for ch in text if ch.isalnum())


@dataclass
class FilterOptions:
    """Which filters run (all off by default: the library owns these defaults, the CLI reads them)."""

    remove_duplicates: bool = False
    exclude: tuple[Path, ...] = ()          # test sets: line files whose lines no pair may contain
    drop_flags: tuple[str, ...] = ()        # pairs with any of these flags go
    min_score: float | None = None          # pairs whose alignment score is below this go
    lang_id: bool = False                   # pairs whose sides are not Arabic and English go


@dataclass
class FilterResult:
    """How many pairs were read and kept, and how many each filter removed."""

    read: int = 0
    kept: int = 0
    removed: Counter = field(default_factory=Counter)

    def to_json(self) -> dict:
        """Counts as JSON, every filter named (0 when it removed nothing or did not run)."""
        return {"read": self.read, "kept": self.kept, "removed": {name: self.removed[name] for name in FILTERS}}

    def format(self) -> str:
        """One line: read, kept, removed per filter."""
        removed = ", ".join(f"{name} {self.removed[name]}" for name in FILTERS if self.removed[name]) or "none"
        return f"{self.read} pairs read, {self.kept} kept; removed: {removed}"


def read_pairs(path: Path) -> Iterator[dict]:
    """Pair records from any record format (our JSONL or Parquet, any TMX: by the file's suffix); a
    missing file or an unknown format is refused at once, before any output is opened."""
    return _checked_pairs(path, read_records(path))


def _checked_pairs(path: Path, records: Iterator[dict]) -> Iterator[dict]:
    for index, record in enumerate(records, start=1):
        if not isinstance(record.get("source"), str) or not isinstance(record.get("target"), str):
            raise InputError(f"{path}: record {index} lacks a source or a target text")
        record.setdefault("id", str(index))
        yield record


def test_set_keys(paths: Iterable[Path]) -> set[str]:
    """The near-exact keys of every line of the test sets."""
    return {key for path in paths for key in map(near_exact_key, read_lines(path)) if key}


class _LanguageCheck:
    """py3langid (its model ships with it: nothing is downloaded) restricted to the languages a
    pair may be written in."""

    def __init__(self) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE)

    def language(self, text: str) -> str:
        """The language code py3langid gives ``text`` ("ar", "en", …)."""
        return self._identifier.classify(text)[0]


def filter_reason(record: dict, options: FilterOptions, test_keys: set[str], seen: set[str],
                  languages: _LanguageCheck | None) -> str | None:
    """The first filter that removes ``record``, or None to keep it (``seen`` collects kept pairs)."""
    source, target = record["source"], record["target"]
    if languages is not None and (languages.language(source) != "ar" or languages.language(target) != "en"):
        return "lang_id"
    if options.drop_flags:
        flags = record.get("flags")
        flags = pair_flags(source, target) if flags is None else flags
        if set(flags) & set(options.drop_flags):
            return "flags"
    score = record.get("alignment_score")
    if options.min_score is not None and score is not None and score < options.min_score:
        return "min_score"
    source_key, target_key = near_exact_key(source), near_exact_key(target)
    if test_keys and (source_key in test_keys or target_key in test_keys):
        return "test_set"
    if options.remove_duplicates:
        pair_key = f"{source_key}\t{target_key}"
        if pair_key in seen:
            return "duplicate"
        seen.add(pair_key)
    return None


def _options_json(options: FilterOptions) -> str:
    return json.dumps({"remove_duplicates": options.remove_duplicates, "exclude": [str(p) for p in options.exclude],
                       "drop_flags": list(options.drop_flags), "min_score": options.min_score,
                       "lang_id": options.lang_id})


def removed_path(out_path: Path) -> Path:
    """Where the removed pairs go: ``KEPT`` with ``.removed.jsonl`` for its suffix."""
    out_path = Path(out_path)
    return out_path.with_name(out_path.name.rsplit(".", 1)[0] + ".removed.jsonl")


def filter_pairs(pairs_path: Path, out_path: Path, options: FilterOptions | None = None) -> FilterResult:
    """Filter the pairs of ``pairs_path`` into ``out_path`` (JSONL, Parquet or TMX by its suffix);
    the removed pairs go to ``removed_path(out_path)`` with ``reason``."""
    options = options or FilterOptions()
    unknown = set(options.drop_flags) - set(ALL_FLAGS)
    if unknown:
        raise InputError(f"--drop-flags: unknown flag(s) {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(ALL_FLAGS)})")
    test_keys = test_set_keys(options.exclude)
    languages = _LanguageCheck() if options.lang_id else None
    result, seen = FilterResult(), set()
    provenance = Provenance("none", "", options={"filter": _options_json(options)})
    pairs = read_pairs(pairs_path)
    with open_records(out_path, "pair", provenance) as kept, open_jsonl(removed_path(out_path)) as removed:
        for record in pairs:
            result.read += 1
            reason = filter_reason(record, options, test_keys, seen, languages)
            if reason is None:
                result.kept += 1
                kept.write(record)
            else:
                result.removed[reason] += 1
                removed.write({**record, "reason": reason})
    return result

