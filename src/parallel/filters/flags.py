"""Pairs with any of the given flags (the record's own, or those ``pair_flags`` finds)."""
from __future__ import annotations

from parallel.checks.flags import ALL_FLAGS, pair_flags
from parallel.errors import InputError
from parallel.filters.base import FilterOption, PairFilter


def _flag_list(text: str) -> tuple[str, ...]:
    return tuple(f.strip() for f in text.split(",") if f.strip())


class FlagsFilter(PairFilter):
    """Drops a pair carrying any of the flags asked for; a record without flags is checked here."""

    name = "flags"
    option = FilterOption("drop_flags", "--drop-flags", off=(), click={"default": ""}, from_cli=_flag_list,
                          help="Comma-separated flags (numbers,length_ratio,…): drop pairs with any.")

    def __init__(self, value: tuple[str, ...]) -> None:
        super().__init__(tuple(value))
        unknown = set(self.value) - set(ALL_FLAGS)
        if unknown:
            raise InputError(f"--drop-flags: unknown flag(s) {', '.join(sorted(unknown))} "
                             f"(known: {', '.join(ALL_FLAGS)})")

    def removes(self, record: dict) -> bool:
        """Whether the pair has one of the flags."""
        flags = record.get("flags")
        flags = pair_flags(record["source"], record["target"]) if flags is None else flags
        return bool(set(flags) & set(self.value))
