"""Parquet: the records of a JSONL output as a columnar file (pyarrow), with the same fields, for
dataset tools (``datasets.load_dataset("parquet", data_files=…)``, pandas, DuckDB, Spark).

Records are buffered and written a row group at a time, so memory stays flat; the schema is
fixed per kind of record (``SCHEMAS``) so that a column that is empty in the first rows keeps its
type.  The file appears under its name only when the block succeeds.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from parallel.errors import InputError, ResourceError
from parallel.files import atomic_write
from parallel.formats.base import Writer
from parallel.formats.registry import RecordFormat

ROW_GROUP = 10_000

# Field types of each kind of record we write: "str", "int", "float", "bool", "list" (of strings).
SCHEMAS: dict[str, dict[str, str]] = {
    "translation": {"id": "str", "doc": "str", "para": "int", "sent": "int", "source": "str", "target": "str",
                    "mt": "str", "model": "str", "mt_score": "float", "flags": "list", "url": "str"},
    "pair": {"id": "str", "doc": "str", "source_ids": "list", "target_ids": "list", "source": "str",
             "target": "str", "mt": "str", "alignment_score": "float", "flags": "list"},
    # a sentence pair from `pair-docs --align`: the pair's fields, its English document and how sure
    # the document pairing was
    "site_pair": {"id": "str", "doc": "str", "source_ids": "list", "target_ids": "list", "source": "str",
                  "target": "str", "mt": "str", "alignment_score": "float", "flags": "list", "target_doc": "str",
                  "document_score": "float"},
    "check": {"id": "str", "source": "str", "target": "str", "flags": "list", "length_z": "float",
              "numbers_missing_in_target": "list", "numbers_missing_in_source": "list",
              "untranslated": "list", "glossary_missing": "list", "links_missing": "list", "unbalanced": "list",
              "doubled": "list", "markup": "list", "inconsistent_with": "list"},
}


def _pyarrow():
    """pyarrow and its Parquet module, or one line saying how to get them: Parquet is an extra
    (``parallel[parquet]``), not part of the main job's install."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:
        raise ResourceError("Parquet needs pyarrow: pip install 'parallel[parquet]'") from exc
    return pyarrow, pyarrow.parquet


def _arrow_schema(fields: dict[str, str]):
    pa, _ = _pyarrow()

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
             "list": pa.list_(pa.string())}
    return pa.schema([(name, types[kind]) for name, kind in fields.items()])


class ParquetWriter(Writer):
    """A Parquet file written record by record (``write(dict)``); fields not in the schema are
    left out, missing ones are null."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__()
        self.path, self.fields = Path(path), SCHEMAS[kind]
        self._rows: list[dict] = []

    def _open(self, stack) -> None:
        _, pq = _pyarrow()

        handle = stack.enter_context(atomic_write(self.path, "wb"))
        self._schema = _arrow_schema(self.fields)
        self._writer = stack.enter_context(pq.ParquetWriter(handle, self._schema, compression="zstd"))

    def write(self, record: dict) -> None:
        """Queue one record; a full row group is written out."""
        self._rows.append({name: record.get(name) for name in self.fields})
        self.counts["units"] += 1
        if len(self._rows) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        pa, _ = _pyarrow()

        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=self._schema))
            self._rows = []

    def _finish(self) -> None:
        self._flush()


def open_parquet(path: Path, kind: str) -> ParquetWriter:
    """A Parquet file of ``kind`` records (see ``SCHEMAS``); it appears only when the block succeeds."""
    return ParquetWriter(path, kind)


def read_parquet(path: Path) -> list[dict]:
    """Every record of a Parquet file (for tests and small files)."""
    _, pq = _pyarrow()

    return pq.read_table(path).to_pylist()


def iter_parquet(path: Path) -> Iterator[dict]:
    """Stream the records of a Parquet file, a row group at a time; a file that is not Parquet is an
    ``InputError``."""
    pa, pq = _pyarrow()
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({str(exc).splitlines()[0]})") from exc
    for batch in parquet.iter_batches():
        yield from batch.to_pylist()


RECORDS = RecordFormat("parquet", (".parquet",), open=lambda path, kind, provenance: ParquetWriter(path, kind),
                       read=iter_parquet, available=_pyarrow)
