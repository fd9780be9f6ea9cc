"""Pairs that contain a test set's sentence, compared near-exactly (``near_exact_key``)."""
from __future__ import annotations

from pathlib import Path

import click

from parallel.filters.base import FilterOption, PairFilter
from parallel.read.textfiles import read_lines
from parallel.text_rules import near_exact_key


def test_set_keys(paths) -> set[str]:
    """The near-exact keys of every line of the test sets."""
    return {key for path in paths for key in map(near_exact_key, read_lines(path)) if key}


class TestSetFilter(PairFilter):
    """Drops a pair whose source or target is one of the test sets' lines: training data must not hold them."""

    __test__ = False   # not a pytest class
    name = "test_set"
    option = FilterOption("exclude", "--exclude", off=(), click={"multiple": True, "type": click.Path(path_type=Path)},
                          from_cli=tuple, help="A test set (one sentence per line): drop pairs whose source or "
                                               "target is one of its lines (repeatable).")

    def __init__(self, value: tuple[Path, ...]) -> None:
        super().__init__(tuple(value))
        self.keys = test_set_keys(self.value)

    def removes(self, record: dict) -> bool:
        """Whether either side is a test-set sentence."""
        return bool(self.keys) and (near_exact_key(record["source"]) in self.keys
                                    or near_exact_key(record["target"]) in self.keys)
