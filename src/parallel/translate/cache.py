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

from parallel.errors import LocationError

_LOOKUP_CHUNK = 500


def default_cache_path() -> Path:
    """The translation cache every command shares unless told otherwise: ``$PARALLEL_CACHE``, else
    ``$XDG_CACHE_HOME`` or ``~/.cache``, ``parallel/translations.sqlite``."""
    if os.environ.get("PARALLEL_CACHE"):
        return Path(os.environ["PARALLEL_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "parallel" / "translations.sqlite"


def cache_key(model_sha256: str, options_key: str, source: str) -> str:
    """The key of one translation: it changes with the model's weights, the decoding options and the source."""
    return hashlib.sha256(f"{model_sha256}\0{options_key}\0{source}".encode("utf-8")).hexdigest()


def cache_keys(model_sha256: str, options_key: str, texts: Iterable[str]) -> dict[str, str]:
    """Each distinct text's key (in first-seen order) for this model and these decoding options."""
    return {text: cache_key(model_sha256, options_key, text) for text in dict.fromkeys(texts)}


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

    def lookup(self, keys: Iterable[str]) -> dict[str, tuple[str, float, tuple[str, ...], int]]:
        """(text, score, flags, row) of each of ``keys`` found; ``row`` grows with every write, so
        comparing it with ``last_row()`` taken earlier tells entries written since."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, tuple[str, float, tuple[str, ...], int]] = {}
        with self._usable():
            for start in range(0, len(keys), _LOOKUP_CHUNK):
                chunk = keys[start : start + _LOOKUP_CHUNK]
                rows = self._db.execute(
                    "SELECT key, text, score, flags, rowid FROM translations"
                    f" WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                for key, text, score, flags, row in rows:
                    found[key] = (text, score, tuple(json.loads(flags)), row)
        return found

    def last_row(self) -> int:
        """The newest entry's row (0 when empty): entries written after this call have larger ones."""
        with self._usable():
            return self._db.execute("SELECT COALESCE(MAX(rowid), 0) FROM translations").fetchone()[0]

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
        """Close the database; rows already committed stay."""
        self._db.close()

    def __enter__(self) -> "TranslationCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def cache_location(path: Path | None = None, enabled: bool = True) -> Path | None:
    """Where a command's cache is: none when ``enabled`` is false, else ``path``
    (``default_cache_path()`` when None).  The one policy every command follows."""
    return (path or default_cache_path()) if enabled else None


def open_cache(path: Path | None = None, enabled: bool = True) -> TranslationCache | None:
    """The cache a command translates through, at ``cache_location(path, enabled)``."""
    location = cache_location(path, enabled)
    return TranslationCache(location) if location is not None else None
