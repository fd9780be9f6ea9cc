"""Pairs with any of the given flags (the record's own, or those ``pair_flags`` finds)."""
from __future__ import annotations

from parallel.checks.flags import ALL_FLAGS, FLAG_NAMES, pair_flags
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
        self.unjudged = 0
        # flags that pair_flags cannot find on a record without flags: decoding's and a collection's
        self._only_carried = [flag for flag in self.value if flag not in FLAG_NAMES or flag == "truncated"]
        unknown = set(self.value) - set(ALL_FLAGS)
        if unknown:
            raise InputError(f"--drop-flags: unknown flag(s) {', '.join(sorted(unknown))} "
                             f"(known: {', '.join(ALL_FLAGS)})")

    def removes(self, record: dict) -> bool:
        """Whether the pair has one of the flags."""
        flags = record.get("flags")
        if flags is None:
            flags = pair_flags(record["source"], record["target"])
            self.unjudged += bool(self._only_carried)
        return bool(set(flags) & set(self.value))

    def notes(self) -> list[str]:
        """How many pairs could not be judged for the flags only a record itself can carry."""
        if not self.unjudged:
            return []
        return [f"--drop-flags {','.join(self._only_carried)}: {self.unjudged} pair(s) carry no flags of their "
                "own, and these are set only when translating (or by `parallel check`); they were judged on "
                "the other flags"]
