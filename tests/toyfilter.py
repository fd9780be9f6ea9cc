"""A toy pair filter, registered by tests/test_registries.py with one line, as docs/architecture.md
shows: pairs whose Arabic side has fewer words than asked go."""
from __future__ import annotations

from parallel.filters.base import FilterOption, PairFilter


class ShortFilter(PairFilter):
    """Drops pairs with fewer than ``--min-words`` Arabic words."""

    name = "short"
    option = FilterOption("min_words", "--min-words", click={"type": int},
                          help="Drop pairs whose Arabic side has fewer words than this.")

    def removes(self, record: dict) -> bool:
        """Whether the Arabic side is too short."""
        return len(record["source"].split()) < self.value
