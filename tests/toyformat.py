"""A toy record format, registered by tests/test_registries.py with one line, as docs/architecture.md
shows: tab-separated id, Arabic and English, one record a line."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from parallel.files import atomic_write
from parallel.formats.base import Writer
from parallel.formats.registry import RecordFormat


class TsvWriter(Writer):
    """Records as ``id<TAB>source<TAB>target`` lines."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def _open(self, stack) -> None:
        self._out = stack.enter_context(atomic_write(self.path))

    def write(self, record: dict) -> None:
        """One record, one line."""
        self._out.write(f"{record['id']}\t{record['source']}\t{record['target']}\n")
        self.counts["units"] += 1


def read_tsv(path: Path) -> Iterator[dict]:
    """The records back."""
    for line in path.read_text(encoding="utf-8").splitlines():
        record_id, source, target = line.split("\t")
        yield {"id": record_id, "source": source, "target": target}


RECORDS = RecordFormat("tsv", (".tsv",), open=lambda path, kind, provenance: TsvWriter(path), read=read_tsv)
