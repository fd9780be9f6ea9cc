"""Pairs equal to one kept before, compared near-exactly (``near_exact_key``)."""
from __future__ import annotations

from parallel.filters.base import FilterOption, PairFilter
from parallel.text_rules import near_exact_key


class DuplicateFilter(PairFilter):
    """Keeps the first of pairs equal but for spacing, punctuation, case, digit script and Arabic letter variants."""

    name = "duplicate"
    option = FilterOption("remove_duplicates", "--remove-duplicates", off=False, click={"is_flag": True},
                          help="Keep the first of pairs equal but for spacing, punctuation, case, digit script, "
                               "Arabic letter variants.")

    def __init__(self, value: bool) -> None:
        super().__init__(value)
        self.seen: set[str] = set()

    def removes(self, record: dict) -> bool:
        """Whether an equal pair was seen (a pair that is not removed is remembered)."""
        key = f"{near_exact_key(record['source'])}\t{near_exact_key(record['target'])}"
        if key in self.seen:
            return True
        self.seen.add(key)
        return False
