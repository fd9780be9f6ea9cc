"""``fill_cache_on_ray``: the texts a run's cache lacks, translated on Ray into that cache (the Ray engine
of ``parallel corpus`` and ``parallel align --model``)."""
from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from parallel.errors import ResourceError
from parallel.formats.jsonl import read_jsonl, write_jsonl
from parallel.progress import status
from parallel.runs.ray_engine.actors import ShardRun, run_shards
from parallel.runs.ray_engine.options import CACHE_ROW_FIELDS, RAY_LOG, RayOptions, shard_file
from parallel.runs.ray_engine.session import ray_messages_into, start_ray
from parallel.translate.batching import chunked
from parallel.translate.cache import TranslationCache, cache_keys
from parallel.translate.models import read_manifest
from parallel.translate.translator import TranslateOptions, TranslationStats


@dataclass
class RayFill:
    """What ``fill_cache_on_ray`` did: distinct texts, how many the cache had already, how many
    were translated on Ray now and in how many shards, the largest actor's peak memory."""

    texts: int
    already_cached: int
    translated: int
    shards: int
    actor_peak_rss_mb: float | None = None
    nodes: int = 0
    actors: int = 0

    def as_dict(self) -> dict:
        """For reports: ``{"engine": "ray", …}``."""
        return {"engine": "ray", **vars(self)}

    def count_as_translated(self, stats: TranslationStats) -> None:
        """A local pass after this one met its translations as repeats (cache entries written
        during the run); the local engine would have counted each as translated once: count so."""
        stats.translated += self.translated
        stats.repeated -= self.translated


TEXT_INPUTS = ".inputs"        # fill_cache_on_ray's input shards, inside its shard folder
LOOKUP_CHUNK = 10_000          # texts looked up in the cache at a time while the input streams past


def fill_cache_on_ray(texts: Iterable[str], model_dir: Path, options: TranslateOptions, cache: TranslationCache,
                      shard_dir: Path, ray_options: RayOptions | None = None, progress: bool = True,
                      log_path: Path | None = None) -> RayFill:
    """Translate on Ray every distinct text of ``texts`` that ``cache`` lacks (for this model and
    these options) and put it there, so that a local ``Translator`` with this cache finds them
    all: the Ray engine of ``parallel corpus`` and ``parallel align --model``, whose other stages
    stay local (reading, aligning, scoring and writing cost little beside translation).

    ``texts`` are streamed: what the cache lacks is written to input shards in ``shard_dir`` as it
    goes by (``_spool_missing``), so the driver holds a chunk of texts at a time, not the corpus.
    The actors write cache rows into ``shard_dir`` (storage every node sees); the driver puts each
    shard into the cache as it arrives and removes it.  Resumable: a re-run translates only what
    the cache lacks, and first puts in any shard a stopped run had written.  Ray's own messages go
    to ``log_path`` (default: ``ray.log`` beside ``shard_dir``) unless ``ray_options.ray_messages``."""
    ray_options = ray_options or RayOptions()
    shard_dir = Path(shard_dir)
    shard_dir.mkdir(parents=True, exist_ok=True)
    _import_shards(shard_dir, cache)
    model_sha256 = read_manifest(Path(model_dir))["model_bin_sha256"]
    inputs = shard_dir / TEXT_INPUTS
    shutil.rmtree(inputs, ignore_errors=True)
    distinct, missing = _spool_missing(texts, cache, model_sha256, options.output_key(), inputs / "missing.jsonl")
    size = ray_options.sized_for(missing, options.reproducible)
    shards = _cut_spool(inputs / "missing.jsonl", inputs, size) if missing else 0
    run = ShardRun()
    if shards:
        log = log_path or shard_dir.parent / RAY_LOG
        with ray_messages_into(None if ray_options.ray_messages else log):
            start_ray(ray_options, progress)
            status(f"ray: {missing} of {distinct} distinct texts to translate, in {shards} shards", progress)
            payloads = {index: str(shard_file(inputs, index).resolve()) for index in range(shards)}
            run = run_shards(payloads, shard_dir, "cache", model_dir, options, ray_options, None, None, progress,
                               on_shard=lambda index: _import_shard(shard_file(shard_dir, index), cache))
        _import_shards(shard_dir, cache)   # a shard written by an attempt that died before reporting
        left = sum(_uncached(cache, model_sha256, options.output_key(), shard_file(inputs, index))
                   for index in range(shards))
        if left:
            raise ResourceError(f"{shard_dir}: {left} translation(s) not made; run again to translate "
                                "what is missing")
    shutil.rmtree(inputs, ignore_errors=True)
    if not any(shard_dir.iterdir()):
        shard_dir.rmdir()
    return RayFill(distinct, distinct - missing, missing, shards, run.actor_peak_rss_mb, run.nodes, run.actors)


def _uncached(cache: TranslationCache, model_sha256: str, options_key: str, input_shard: Path) -> int:
    """How many texts of an input shard the cache still lacks."""
    keys = cache_keys(model_sha256, options_key, (record["text"] for record in read_jsonl(input_shard)))
    return len(keys) - len(cache.lookup(keys.values()))


def _spool_missing(texts: Iterable[str], cache: TranslationCache, model_sha256: str, options_key: str,
                   spool: Path) -> tuple[int, int]:
    """Write each distinct text of ``texts`` the cache lacks to ``spool`` (JSON Lines), a chunk at
    a time; the texts already seen are remembered by key in a temporary SQLite table (on local
    disk), so memory stays flat however long the input.  Returns (distinct texts, texts written)."""
    spool.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="parallel-seen-") as tmp:
        return _spool_with(texts, cache, model_sha256, options_key, spool, sqlite3.connect(Path(tmp) / "seen.sqlite"))


def _spool_with(texts: Iterable[str], cache: TranslationCache, model_sha256: str, options_key: str, spool: Path,
                seen: sqlite3.Connection) -> tuple[int, int]:
    distinct = written = 0
    try:
        seen.execute("CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY) WITHOUT ROWID")
        with open(spool, "w", encoding="utf-8") as out:
            for chunk in chunked(texts, LOOKUP_CHUNK):
                keys = cache_keys(model_sha256, options_key, chunk)
                new = {text: key for text, key in keys.items() if not _seen_before(seen, key)}
                distinct += len(new)
                found = cache.lookup(new.values())
                for text, key in new.items():
                    if key not in found:
                        out.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
                        written += 1
    finally:
        seen.close()
    return distinct, written


def _seen_before(seen: sqlite3.Connection, key: str) -> bool:
    return seen.execute("INSERT OR IGNORE INTO seen VALUES (?)", (key,)).rowcount == 0


def _cut_spool(spool: Path, inputs: Path, shard_size: int) -> int:
    """Cut the spooled texts into input shards of ``shard_size`` (``inputs/<n>.jsonl``); the count."""
    shards = 0
    for index, records in enumerate(chunked(read_jsonl(spool), shard_size)):
        write_jsonl(shard_file(inputs, index), records)
        shards += 1
    spool.unlink()
    return shards


def _import_shard(path: Path, cache: TranslationCache) -> None:
    if path.exists():
        cache.put_many(tuple(row[name] for name in CACHE_ROW_FIELDS[:-1]) + (tuple(row["flags"]),)
                       for row in read_jsonl(path))
        path.unlink()


def _import_shards(shard_dir: Path, cache: TranslationCache) -> None:
    for path in sorted(shard_dir.glob("*.jsonl")):
        _import_shard(path, cache)
