"""``parallel filter``: turn aligned pairs into training data — duplicates, test-set pairs, flagged
pairs, low alignment scores and pairs in the wrong language removed, each with its reason.

Pairs come from any record format (``formats.registry``): our JSONL or Parquet (``align``/``corpus``
records: ``source``, ``target``, and ``flags``, ``alignment_score`` where present) or any TMX
(Arabic and English variants; ``x-flags`` and ``x-alignment-score`` properties where present).
The filters are ``filters.registry.FILTERS``, run in that order; a pair is counted under the first
that removes it: language, flags, score, test set, duplicate.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from parallel.errors import InputError
from parallel.filters.base import PairFilter
from parallel.filters.registry import FILTERS, FilterOptions
from parallel.formats.jsonl import open_jsonl
from parallel.formats.provenance import Provenance
from parallel.formats.registry import open_records, read_records


@dataclass
class FilterResult:
    """How many pairs were read and kept, and how many each filter removed."""

    read: int = 0
    kept: int = 0
    removed: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)   # what a filter could not judge, said once

    def to_json(self) -> dict:
        """Counts as JSON, every filter named (0 when it removed nothing or did not run)."""
        return {"read": self.read, "kept": self.kept, "removed": {name: self.removed[name] for name in FILTERS},
                "notes": self.notes}

    def format(self) -> str:
        """One line: read, kept, removed per filter."""
        removed = ", ".join(f"{name} {self.removed[name]}" for name in FILTERS if self.removed[name]) or "none"
        return "\n".join([f"{self.read} pairs read, {self.kept} kept; removed: {removed}",
                          *(f"note: {note}" for note in self.notes)])


def read_pairs(path: Path) -> Iterator[dict]:
    """Pair records from any record format (our JSONL or Parquet, any TMX: by the file's suffix); a
    missing file or an unknown format is refused at once, before any output is opened."""
    return _checked_pairs(path, read_records(path))


def _checked_pairs(path: Path, records: Iterator[dict]) -> Iterator[dict]:
    """Each record with a source and a target text, its ``alignment_score`` a number (or none) and its
    ``flags`` a list (a comma-separated string is read as one); anything else names the record."""
    for index, record in enumerate(records, start=1):
        if not isinstance(record.get("source"), str) or not isinstance(record.get("target"), str):
            raise InputError(f"{path}: record {index} lacks a source or a target text")
        record.setdefault("id", str(index))
        score = record.get("alignment_score")
        if score is not None and not isinstance(score, (int, float)) or isinstance(score, bool):
            try:
                record["alignment_score"] = float(score)
            except (TypeError, ValueError):
                raise InputError(f"{path}: record {record['id']}: alignment_score {score!r} is not a number") from None
        flags = record.get("flags")
        if isinstance(flags, str):
            record["flags"] = [flag for flag in flags.split(",") if flag]
        elif flags is not None and not (isinstance(flags, list) and all(isinstance(f, str) for f in flags)):
            raise InputError(f"{path}: record {record['id']}: flags {flags!r} is not a list of flag names")
        yield record


def filter_reason(record: dict, filters: list[PairFilter]) -> str | None:
    """The name of the first filter that removes ``record``, or None to keep it."""
    return next((f.name for f in filters if f.removes(record)), None)


def removed_path(out_path: Path) -> Path:
    """Where the removed pairs go: ``KEPT`` with ``.removed.jsonl`` for its suffix."""
    out_path = Path(out_path)
    return out_path.with_name(out_path.name.rsplit(".", 1)[0] + ".removed.jsonl")


def filter_pairs(pairs_path: Path, out_path: Path, options: FilterOptions | None = None) -> FilterResult:
    """Filter the pairs of ``pairs_path`` into ``out_path`` (JSONL, Parquet or TMX by its suffix);
    the removed pairs go to ``removed_path(out_path)`` with ``reason``."""
    options = options or FilterOptions()
    filters = options.filters()
    provenance = Provenance("none", "", options={"filter": json.dumps(options.to_json())})
    pairs = read_pairs(pairs_path)
    result = FilterResult()
    with open_records(out_path, "pair", provenance) as kept, open_jsonl(removed_path(out_path)) as removed:
        for record in pairs:
            result.read += 1
            reason = filter_reason(record, filters)
            if reason is None:
                result.kept += 1
                kept.write(record)
            else:
                result.removed[reason] += 1
                removed.write({**record, "reason": reason})
    result.notes = [note for f in filters for note in f.notes()]
    return result
