"""Pairs in the wrong language: the source not identified as Arabic or the target not as English."""
from __future__ import annotations

from parallel.filters.base import FilterOption, PairFilter


class LanguageFilter(PairFilter):
    """py3langid (its model ships with it: nothing is downloaded) on each side."""

    name = "lang_id"
    option = FilterOption("lang_id", "--lang-id", off=False, click={"is_flag": True},
                          help="Drop pairs whose source is not identified as Arabic or target as English (py3langid).")

    def __init__(self, value: bool) -> None:
        super().__init__(value)
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE)

    def language(self, text: str) -> str:
        """The language code py3langid gives ``text`` ("ar", "en", …)."""
        return self._identifier.classify(text)[0]

    def removes(self, record: dict) -> bool:
        """Whether either side is in another language than it should be."""
        return self.language(record["source"]) != "ar" or self.language(record["target"]) != "en"
