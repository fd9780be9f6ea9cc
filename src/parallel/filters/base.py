"""The one interface of every pair filter, and the options that choose them.

A filter is a small class: its ``name`` (the reason written beside each pair it removes), its
``option`` (the keyword of ``FilterOptions`` and the command-line option that ask for it, off by
default) and ``removes(record)``.  The run counts what each removed and writes the removed pairs
with their reason; the command line builds its options from the same declarations.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, ClassVar


@dataclass(frozen=True)
class FilterOption:
    """How a filter is asked for: ``name`` in ``FilterOptions`` and ``flag`` on the command line, its
    help, its click settings (``click``: ``is_flag``, ``type``, ``multiple``), the value that means
    "off" and, where the command line gives another shape, how to read it (``from_cli``)."""

    name: str
    flag: str
    help: str
    off: Any = None
    click: dict | None = None
    from_cli: Callable[[Any], Any] | None = None


class PairFilter:
    """A filter over pair records (dicts with ``source`` and ``target``, and ``flags``,
    ``alignment_score`` where present)."""

    name: ClassVar[str]
    option: ClassVar[FilterOption]

    def __init__(self, value: Any) -> None:
        self.value = value

    def removes(self, record: dict) -> bool:
        """Whether this filter removes ``record``."""
        raise NotImplementedError

    def notes(self) -> list[str]:
        """What the user should know of this filter's run beyond its count (nothing by default)."""
        return []


def json_value(value: Any) -> Any:
    """An option's value as JSON (paths as strings, tuples as lists), for provenance."""
    if isinstance(value, (tuple, list)):
        return [json_value(v) for v in value]
    return str(value) if isinstance(value, Path) else value
