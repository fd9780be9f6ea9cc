"""A SQLite cache of translations, so a re-run translates only new text and a crash resumes.

Keyed by (model sha256, decoding options, source text): changing the model or any option that
changes output starts a fresh set of entries, never a stale hit.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Iterable

from .errors import LocationError

_LOOKUP_CHUNK = 500


def default_cache_path() -> Path:
    if os.environ.get("PARALLEL_CACHE"):
        return Path(os.environ["PARALLEL_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "parallel" / "translations.sqlite"


def cache_key(model_sha256: str, options_key: str, source: str) -> str:
    return hashlib.sha256(f"{model_sha256}\0{options_key}\0{source}".encode("utf-8")).hexdigest()


class TranslationCache:
    """Entries are committed batch by batch, so an interrupted run keeps what it translated."""

    def __init__(self, path: Path):
        self.path = Path(path)
        with self._usable():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS translations ("
                " key TEXT PRIMARY KEY, model_sha256 TEXT, source TEXT, text TEXT,"
                " score REAL, flags TEXT, created TEXT DEFAULT CURRENT_TIMESTAMP)"
            )
            self._db.commit()

    @contextlib.contextmanager
    def _usable(self):
        """SQLite's and the file system's failures (read-only, full, locked, not a database) as one
        ``LocationError`` naming the cache and the ways around it."""
        try:
            yield
        except (sqlite3.Error, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise LocationError(self.path, f"translation cache unusable ({reason}); "
                                "give another with --cache PATH, or run with --no-cache") from exc

    def get_many(self, keys: Iterable[str]) -> dict[str, tuple[str, float, tuple[str, ...]]]:
        keys = list(dict.fromkeys(keys))
        found = {}
        with self._usable():
            self._lookup(keys, found)
        return found

    def _lookup(self, keys: list[str], found: dict) -> None:
        for start in range(0, len(keys), _LOOKUP_CHUNK):
            chunk = keys[start : start + _LOOKUP_CHUNK]
            rows = self._db.execute(
                f"SELECT key, text, score, flags FROM translations WHERE key IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            for key, text, score, flags in rows:
                found[key] = (text, score, tuple(json.loads(flags)))

    def put_many(self, entries: Iterable[tuple[str, str, str, str, float, tuple[str, ...]]]) -> None:
        """Store (key, model_sha256, source, text, score, flags) rows and commit."""
        rows = [(k, m, s, t, sc, json.dumps(list(f))) for k, m, s, t, sc, f in entries]
        with self._usable():
            self._db.executemany(
                "INSERT OR REPLACE INTO translations (key, model_sha256, source, text, score, flags)"
                " VALUES (?, ?, ?, ?, ?, ?)", rows)
            self._db.commit()

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "TranslationCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
