"""JSON Lines: one record per segment with ids, texts, score and flags."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from parallel.errors import InputError
from parallel.files import atomic_write
from parallel.formats.base import Writer
from parallel.formats.registry import RecordFormat
from parallel.records import Segment, Translation


def translation_record(translation: Translation, model_name: str, source_url: str = "") -> dict:
    """A translation as one JSONL record: ids, source, MT, score, flags and the model; ``url`` the
    web page the article was read from, only when it was."""
    segment = translation.segment
    record = {
        "id": segment.id, "doc": segment.doc_id, "para": segment.para, "sent": segment.index,
        "source": segment.text, "target": translation.text, "mt": translation.text,
        "model": model_name, "mt_score": round(translation.score, 4), "flags": list(translation.flags),
    }
    if source_url:
        record["url"] = source_url
    return record


class JsonlWriter(Writer):
    """A JSON Lines file written record by record (``write(dict)``)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)

    def _open(self, stack) -> None:
        self._out = stack.enter_context(atomic_write(self.path))

    def write(self, record: dict) -> None:
        """Write one record as a line of JSON (UTF-8, not ASCII-escaped)."""
        self._out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.counts["units"] += 1


def open_jsonl(path: Path) -> JsonlWriter:
    """A JSON Lines file written record by record; it appears only when the block succeeds."""
    return JsonlWriter(path)


RECORDS = RecordFormat("jsonl", (".jsonl",), open=lambda path, kind, provenance: JsonlWriter(path),
                       read=lambda path: read_jsonl(path))


def write_jsonl(path: Path, records: Iterable[dict]) -> int:
    """Write ``records`` as JSON Lines, one object a line, atomically (the file appears complete or not at all)."""
    with open_jsonl(path) as writer:
        return writer.write_all(records)["units"]


def read_jsonl(path: Path) -> Iterator[dict]:
    """Stream the records of a JSON Lines file; any unusable line is an ``InputError`` naming it."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                record = json.loads(line) if line.strip() else None
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}:{number}: not UTF-8") from exc
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
            if record is None:
                continue
            if not isinstance(record, dict):
                raise InputError(f"{path}:{number}: expected a JSON object")
            yield record


def read_segments(path: Path) -> Iterator[Segment]:
    """Stream the segments of ``parallel segment --jsonl`` output (records with doc, para, sent, text)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    for record in read_jsonl(path):
        try:
            yield Segment(str(record["doc"]), int(record["para"]), int(record["sent"]), str(record["text"]))
        except (KeyError, ValueError, TypeError) as exc:
            raise InputError(f"{path}: record {record.get('id', '?')} lacks doc/para/sent/text") from exc


def translation_from_record(record: dict) -> Translation:
    """A ``translation_record`` read back (any system's output in that shape will do)."""
    segment = Segment(str(record["doc"]), int(record["para"]), int(record["sent"]), str(record["source"]))
    return Translation(segment, str(record["target"]), float(record.get("mt_score", 0.0)),
                       tuple(record.get("flags", ())))


def read_translations(path: Path) -> Iterator[tuple[Translation, str]]:
    """Translations and their model names from a JSONL of translation records, e.g. ``ar-en.jsonl``."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    for record in read_jsonl(path):
        try:
            yield translation_from_record(record), str(record.get("model", ""))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{path}: record {record.get('id', '?')} lacks doc/para/sent/source/target "
                             f"or has a bad value ({exc})") from exc
