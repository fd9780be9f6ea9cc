"""The filters, in the order they run (a pair is counted under the first that removes it), and the
options that choose them.

Adding a filter: write ``filters/<name>.py`` with a ``PairFilter`` subclass (its ``name``, its
``option`` and ``removes``) and add its line to ``FILTERS``; ``FilterOptions``, ``parallel filter``'s
command-line option, the counts and the removed file's reasons follow from it (docs/architecture.md).
"""
from __future__ import annotations

import importlib
from typing import Any

from parallel.filters.base import PairFilter, json_value

# name (the reason a removed pair is written with) -> "module:Class"
FILTERS: dict[str, str] = {
    "lang_id": "parallel.filters.language:LanguageFilter",
    "flags": "parallel.filters.flags:FlagsFilter",
    "min_score": "parallel.filters.score:ScoreFilter",
    "min_document_score": "parallel.filters.document_score:DocumentScoreFilter",
    "test_set": "parallel.filters.test_set:TestSetFilter",
    "duplicate": "parallel.filters.duplicates:DuplicateFilter",
}


def filter_classes() -> list[type[PairFilter]]:
    """Every registered filter class, in the order the filters run."""
    classes = []
    for target in FILTERS.values():
        module, name = target.split(":")
        classes.append(getattr(importlib.import_module(module), name))
    return classes


class FilterOptions:
    """Which filters run, and with what, by each filter's option name (all off by default):
    ``FilterOptions(remove_duplicates=True, min_score=0.5, exclude=(Path("test.en"),))``.  The library
    owns these defaults; the command line reads them from the same declarations."""

    def __init__(self, **values: Any) -> None:
        options = {cls.option.name: cls.option for cls in filter_classes()}
        unknown = set(values) - set(options)
        if unknown:
            raise TypeError(f"unknown filter option(s): {', '.join(sorted(unknown))} (known: {', '.join(options)})")
        self.values = {name: values.get(name, option.off) for name, option in options.items()}

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"FilterOptions({', '.join(f'{k}={v!r}' for k, v in self.values.items())})"

    def filters(self) -> list[PairFilter]:
        """An instance of every filter that is asked for (its option not off), in the order they run."""
        return [cls(self.values[cls.option.name]) for cls in filter_classes()
                if self.values[cls.option.name] not in (cls.option.off, None)]

    def to_json(self) -> dict:
        """The options as JSON, for the outputs' provenance."""
        return {name: json_value(value) for name, value in self.values.items()}


def options_from_cli(values: dict[str, Any]) -> FilterOptions:
    """``FilterOptions`` from the command line's values of the filters' options."""
    chosen = {}
    for cls in filter_classes():
        option = cls.option
        value = values[option.name]
        chosen[option.name] = option.from_cli(value) if option.from_cli else value
    return FilterOptions(**chosen)
