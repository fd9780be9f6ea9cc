"""``parallel check``: the flags for any line-aligned translation (another system's output, a human
translation, a crowd-sourced set), one record per line with the numbers behind each flag.

The checks are those the pipeline puts on its own output (``flags.pair_flags``, plus
``glossary`` with a glossary); ``truncated`` needs the decoder and is never set here.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

from parallel.checks.flags import ALL_FLAGS, pair_flags, unmatched_numbers
from parallel.checks.glossary import Glossary
from parallel.checks.length_model import DEFAULT_LENGTH_MODEL, LengthModel, calibrate_length_model
from parallel.checks.qa import inconsistent_groups, qa_evidence
from parallel.errors import InputError
from parallel.formats.registry import open_records, writable_format
from parallel.score.metrics import read_line_aligned
from parallel.text_rules import ARABIC_LETTERS, EXTENDED_LETTERS, near_exact_key

_ARABIC_WORD_RE = re.compile(f"[{ARABIC_LETTERS}{EXTENDED_LETTERS}]+")


@dataclass
class CheckRecord:
    """One line's flags and what lies behind them."""

    id: str
    source: str
    target: str
    flags: list[str]
    length_z: float | None                      # spreads from the human mean (length_model)
    numbers_missing_in_target: list[str] = field(default_factory=list)
    numbers_missing_in_source: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)   # Arabic words left in the target
    glossary_missing: list[str] = field(default_factory=list)
    links_missing: list[str] = field(default_factory=list)  # URLs, e-mails, hashtags, @names not carried over
    unbalanced: list[str] = field(default_factory=list)     # brackets and quotes left open or closed unopened
    doubled: list[str] = field(default_factory=list)        # words written twice in a row
    markup: list[str] = field(default_factory=list)         # the model's tokens and marks left in
    inconsistent_with: list[str] = field(default_factory=list)  # lines whose same source is translated otherwise


@dataclass
class CheckResult:
    """Every line's record and the counts per flag."""

    records: list[CheckRecord]
    length_model: LengthModel = DEFAULT_LENGTH_MODEL   # what lengths were judged by

    @property
    def counts(self) -> dict[str, int]:
        """Lines per flag, in the flags' order."""
        counted = Counter(flag for record in self.records for flag in record.flags)
        return {flag: counted[flag] for flag in ALL_FLAGS if counted[flag]}

    def summary(self) -> dict:
        """Lines, flagged lines and counts per flag."""
        flagged = sum(1 for record in self.records if record.flags)
        return {"lines": len(self.records), "flagged": flagged,
                "flagged_rate": round(flagged / len(self.records), 4) if self.records else 0.0,
                "flags": self.counts, "length_model": self.length_model.to_json()}

    def format(self) -> str:
        """One line: how many lines were flagged, and for what."""
        summary = self.summary()
        counts = ", ".join(f"{flag} {count}" for flag, count in summary["flags"].items()) or "none"
        return (f"{summary['lines']} lines, {summary['flagged']} flagged ({summary['flagged_rate']:.1%}); "
                f"flags: {counts}")

    def to_json(self) -> dict:
        """The summary and every record."""
        return {"summary": self.summary(), "records": [asdict(r) for r in self.records]}


def check_pair(line_id: str, source: str, target: str, glossary: Glossary | None = None,
               model: LengthModel = DEFAULT_LENGTH_MODEL) -> CheckRecord:
    """The flags of one source line and its translation, with the evidence."""
    z = model.z(source, target)
    flags = list(pair_flags(source, target, model))
    missing_in_target, missing_in_source = unmatched_numbers(source, target)
    glossary_missing = [term.arabic for term in glossary.missing(source, target)] if glossary else []
    if glossary_missing:
        flags.append("glossary")
    qa = qa_evidence(source, target)
    return CheckRecord(line_id, source, target, flags, round(z, 3) if z is not None else None,
                       missing_in_target, missing_in_source, _ARABIC_WORD_RE.findall(target), glossary_missing,
                       qa.get("links", []), qa.get("brackets", []), qa.get("doubled", []), qa.get("markup", []))


def check_lines(sources: Sequence[str], targets: Sequence[str], glossary: Glossary | None = None,
                ids: Sequence[str] | None = None, model: LengthModel = DEFAULT_LENGTH_MODEL,
                calibrate: bool = True) -> CheckResult:
    """Check line-aligned sources and translations (ids: the line numbers unless given).  With
    ``calibrate``, lengths are judged by ``model`` weighed against these pairs' own robust mean and
    spread (``calibrate_length_model``): a collection translated more freely or tightly than the
    model's data is judged by its own habit."""
    if len(sources) != len(targets):
        raise InputError(f"{len(sources)} source lines but {len(targets)} translation lines")
    ids = ids or [str(number) for number in range(1, len(sources) + 1)]
    if calibrate:
        model = calibrate_length_model(model, zip(sources, targets))
    records = [check_pair(i, s, t, glossary, model) for i, s, t in zip(ids, sources, targets)]
    mark_inconsistent(records)
    return CheckResult(records, model)


def mark_inconsistent(records: list[CheckRecord]) -> None:
    """Flag ``inconsistent`` every line whose source (near-exactly) is translated otherwise on another
    line, naming those lines: a translator expects one rendering of one sentence in a collection."""
    target_keys = [near_exact_key(r.target) for r in records]
    for group in inconsistent_groups([near_exact_key(r.source) for r in records], target_keys):
        for index in group:
            records[index].flags.append("inconsistent")
            records[index].inconsistent_with = [records[other].id for other in group
                                                if target_keys[other] != target_keys[index]]


def check_files(source_path: Path, target_path: Path, glossary: Glossary | None = None,
                model: LengthModel = DEFAULT_LENGTH_MODEL, calibrate: bool = True) -> CheckResult:
    """``check_lines`` on two line-aligned files; a line-count mismatch names both files."""
    (sources,), (targets,) = read_line_aligned([source_path], [target_path])
    return check_lines(sources, targets, glossary, model=model, calibrate=calibrate)


def write_check(result: CheckResult, jsonl_path: Path | None = None, parquet_path: Path | None = None) -> None:
    """The records as JSONL and/or Parquet (the same fields)."""
    outputs = [(path, name) for path, name in ((jsonl_path, "jsonl"), (parquet_path, "parquet")) if path is not None]
    for path, name in outputs:
        writable_format(name, path)   # every output checked before the first is written
    for path, name in outputs:
        with open_records(path, "check", name=name) as out:
            out.write_all(asdict(r) for r in result.records)
