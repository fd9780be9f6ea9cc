"""Translation on a Ray cluster, resumable, same output: ``parallel translate --engine ray`` and
the translation step of ``parallel corpus`` / ``parallel align --model`` with ``--engine ray``.

The segments are cut into shards in input order, sized from the input and the pool
(``shard_size_for``: several shards per actor, a batch's worth at least), or as
``RayOptions.shard_size`` says; a resumed run keeps the size it began with.  Ray Data runs a pool of
stateful actors (``ActorPoolStrategy``): each loads the model once and translates whole shards,
writing each to a shard file through a temporary file and a rename.  A shard already written is
skipped — by a re-run after a crash, and by a retry of a shard whose actor died after writing it
— so nothing is translated twice and nothing is lost.

- ``translate_on_ray``: the driver streams the segments into input shards (``OUT/inputs/``);
  the actors write shards of translation records in ``OUT/shards/``; when every shard is there,
  the driver joins them in order into ``OUT/translations.jsonl`` (or ``.parquet``).  With
  ``--reproducible`` the records are those of the local engine, byte for byte.
- ``fill_cache_on_ray``: shards of translation-cache rows for what the driver's cache lacks; the
  driver puts each into its cache as it arrives, and the ordinary local run then finds every
  translation there (the outputs are those of the local engine).

Why our own shards rather than Ray Data's checkpoints (``CheckpointConfig``): measured in
``bench/ray_checkpoint.py`` (docs/scale.md) — on an in-memory input they filter nothing (a re-run
repeats every row and duplicates the output), and a failed run had left none to resume from.
Ours need no alpha API, survive a change of Ray version or of cluster, and a finished shard is a
file anyone can read.  The translation cache still works inside a shard (each actor opens the
cache at ``cache_path`` on its own node, in the thread that translates: SQLite connections stay
in the thread that opened them).

Pitfalls handled (issue 25): read tasks get ``num_cpus=0`` so that actors holding every CPU never
starve them; each actor gets its thread count explicitly (``threads=0`` would mean every core of
the node, for every actor); ``compute=ActorPoolStrategy(size=N)``, not the deprecated
``concurrency=``.  Ray is imported only here, only when this engine is asked for.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import resource
import shutil
import signal
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

from parallel.checks.glossary import read_glossary
from parallel.errors import InputError, ResourceError
from parallel.files import atomic_write, exclusive_folder
from parallel.formats.jsonl import read_jsonl, read_segments, translation_record, write_jsonl
from parallel.formats.registry import open_records
from parallel.progress import progress_bar
from parallel.records import Segment
from parallel.segment.sentences import segment_record
from parallel.translate.batching import chunked
from parallel.translate.cache import TranslationCache, cache_keys
from parallel.translate.models import read_manifest
from parallel.translate.translator import TranslateOptions, TranslationStats, Translator

SHARD_DIR = "shards"
INPUT_DIR = "inputs"                  # translate_on_ray's input shards, written by the driver
INPUT_STAGING = ".inputs-staging-"    # ... first here, then renamed into place whole
CACHE_ROW_FIELDS = ("key", "model_sha256", "source", "text", "score", "flags")   # a cache shard's records


@dataclass
class RayOptions:
    """Where and how wide to run: the cluster (``address``: None starts a local one, "auto" joins
    the running one), actors and each one's threads and GPU share, and the shard size."""

    address: str | None = None
    actors: int = 2
    threads_per_actor: int = 1
    gpus_per_actor: float = 0.0
    shard_size: int | None = None           # None: sized from the input and the pool (``shard_size_for``)
    crash_after_shards: int | None = None   # tests only: an actor dies abruptly after this many shards

    def sized_for(self, total: int | None) -> int:
        """The shard size for ``total`` segments: the one given, else ``shard_size_for``."""
        return self.shard_size or shard_size_for(total, self.actors)


SHARDS_PER_ACTOR = 4        # so that every actor has work and a slow shard does not hold the run
MIN_SHARD, MAX_SHARD = 32, 1000   # a shard fills at least a batch of the local engine; a lost one costs little


def shard_size_for(total: int | None, actors: int) -> int:
    """Segments per shard: enough shards that every actor gets ``SHARDS_PER_ACTOR`` of them, none
    smaller than ``MIN_SHARD`` (a batch of the local engine, sorted by length) nor larger than
    ``MAX_SHARD``; ``MAX_SHARD`` when the total is not known."""
    if not total:
        return MAX_SHARD
    return max(MIN_SHARD, min(MAX_SHARD, -(-total // (actors * SHARDS_PER_ACTOR))))


@dataclass
class RayResult:
    """What a Ray run did: segments and shards, how many shards this run translated, the output."""

    segments: int
    shards: int
    translated_shards: int
    output: Path
    actor_peak_rss_mb: float | None = None   # the largest actor's peak resident memory; None: nothing ran

    def format(self) -> str:
        """One line for standard error."""
        return (f"{self.segments} segments in {self.shards} shards ({self.translated_shards} translated now, "
                f"{self.shards - self.translated_shards} already done); wrote {self.output}")


def shard_path(out_dir: Path, index: int) -> Path:
    """Where shard ``index`` of ``translate_on_ray`` is written."""
    return _shard_file(Path(out_dir) / SHARD_DIR, index)


def _shard_file(shard_dir: Path, index: int) -> Path:
    return Path(shard_dir) / f"{index:07d}.jsonl"


class _ShardTranslator:
    """A Ray actor: the model loaded once, shards translated and written one by one — as the
    records ``translate --jsonl`` prints (``kind="records"``), or as translation-cache rows for the
    driver's cache (``kind="cache"``, see ``fill_cache_on_ray``)."""

    def __init__(self, model_dir: str, options: dict, cache_path: str | None, shard_dir: str, kind: str,
                 crash_after_shards: int | None, glossary_path: str | None = None) -> None:
        self.model_dir, self.options = Path(model_dir), TranslateOptions(**options)
        self.glossary_path, self.kind = glossary_path, kind
        self.cache_path, self.shard_dir = cache_path, Path(shard_dir)
        self.crash_after_shards, self.done = crash_after_shards, 0
        self.translator: Translator | None = None

    def _translator(self) -> Translator:
        # made on first use, in the thread that translates: Ray may build the actor in another
        if self.translator is None:
            cache = TranslationCache(Path(self.cache_path)) if self.cache_path else None
            glossary = read_glossary(Path(self.glossary_path)) if self.glossary_path else None
            self.translator = Translator(self.model_dir, self.options, cache, glossary)
        return self.translator

    def __call__(self, batch: dict) -> dict:
        translator = self._translator()
        for index, payload in zip(batch["shard"], batch["payload"]):
            path = _shard_file(self.shard_dir, int(index))
            if path.exists():
                continue   # written by an attempt that died before it could report
            write_jsonl(path, self._translate(translator, json.loads(payload)))
            self.done += 1
            self._maybe_crash()
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # kilobytes on Linux
        return {"shard": batch["shard"], "peak_rss_kb": [peak_kb] * len(batch["shard"])}

    def _translate(self, translator: Translator, payload) -> list:
        if self.kind == "cache":   # the texts themselves
            return [dict(zip(CACHE_ROW_FIELDS, row)) for row in translator.cache_rows(payload)]
        segments = list(read_segments(payload))   # the path of an input shard
        return [translation_record(t, translator.model_name)
                for t in translator.translate_segments(segments, progress=False)]

    def _maybe_crash(self) -> None:
        marker = self.shard_dir / ".crashed-once"
        if self.crash_after_shards is not None and self.done >= self.crash_after_shards and not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)   # as `kill -9` or the OOM killer would: no cleanup at all


def input_path(out_dir: Path, index: int) -> Path:
    """Where the segments of shard ``index`` of ``translate_on_ray`` wait for an actor."""
    return _shard_file(Path(out_dir) / INPUT_DIR, index)


def _stage_inputs(segments: Iterable[Segment], staging: Path, shard_size: int) -> dict:
    """Write the segments, cut into shards, to ``staging`` one shard at a time (the driver never
    holds more than a shard) and return the layout: shard size, shard and segment counts and a
    checksum of the segment ids and texts."""
    digest, count, shards = hashlib.sha256(), 0, 0
    staging.mkdir(parents=True)
    for index, shard in enumerate(chunked(segments, shard_size)):
        for segment in shard:
            digest.update(f"{segment.id}\t{segment.text}\n".encode("utf-8"))
        write_jsonl(_shard_file(staging, index), map(segment_record, shard))   # `segment --jsonl` records
        count, shards = count + len(shard), shards + 1
    return {"shard_size": shard_size, "shards": shards, "segments": count, "segments_sha256": digest.hexdigest()}


def _resumed_shard_size(out_dir: Path) -> int | None:
    """The shard size of the run this folder holds, so that a resumed run cuts its input the same way
    whatever its pool (None for a new folder)."""
    path = out_dir / SHARD_DIR / "layout.json"
    return json.loads(path.read_text(encoding="utf-8")).get("shard_size") if path.exists() else None


def _check_layout(out_dir: Path, layout: dict) -> None:
    """Shards are only reused for the same input cut the same way: ``shards/layout.json`` records
    the layout (``_stage_inputs``), and a different one is refused."""
    path = out_dir / SHARD_DIR / "layout.json"
    if path.exists():
        if json.loads(path.read_text(encoding="utf-8")) != layout:
            raise InputError(f"{out_dir}: holds the shards of another input or shard size; give another --out "
                             "or remove it")
        return
    with atomic_write(path) as out:
        json.dump(layout, out)


def _start_ray(address: str | None):
    try:
        import ray
    except ImportError as exc:
        raise ResourceError("--engine ray needs Ray: pip install 'parallel[ray]'") from exc
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")   # a local cluster of our own: no token to set up
    if not ray.is_initialized():
        try:
            ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING,
                     configure_logging=True)
        except ValueError as exc:
            if str(address or "").startswith("ray://") and "ray[client]" in str(exc):
                raise ResourceError(f"--address {address}: Ray Client needs its package: "
                                    "pip install 'ray[client]' (or run where `ray start` runs, with --address auto)") \
                    from exc
            raise
    import ray.data

    for name in ("ray", "ray.data"):   # Ray's progress lines and hints are not ours to print
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message=".*minimum number of concurrent actors.*")
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    return ray


def translate_on_ray(segments: Iterable[Segment], model_dir: Path, options: TranslateOptions, out_dir: Path,
                     ray_options: RayOptions | None = None, cache_path: Path | None = None,
                     output_format: str = "jsonl", glossary_path: Path | None = None,
                     progress: bool = True, total: int | None = None) -> RayResult:
    """Translate ``segments`` on a Ray cluster into ``out_dir`` (see the module docstring); a
    glossary file, read on each node, adds the ``glossary`` flag as in the local engine.  The
    segments are streamed into input shards (``OUT/inputs/``) first, so the driver's memory does
    not grow with the input; one run at a time writes into ``out_dir``.  ``total`` (the number of
    segments, when known) sizes the shards (``shard_size_for``)."""
    if glossary_path is not None:
        read_glossary(glossary_path)   # a bad glossary fails here, before the cluster starts
    ray_options = ray_options or RayOptions()
    out_dir = Path(out_dir)
    _start_ray(ray_options.address)   # a cluster that cannot be reached fails here, before anything is written
    with exclusive_folder(out_dir, leftovers=(INPUT_STAGING,)):
        (out_dir / SHARD_DIR).mkdir(parents=True, exist_ok=True)
        staging = out_dir / f"{INPUT_STAGING}{os.getpid()}"
        try:
            size = ray_options.shard_size or _resumed_shard_size(out_dir) or ray_options.sized_for(total)
            layout = _stage_inputs(segments, staging, size)
            _check_layout(out_dir, layout)
            if (out_dir / INPUT_DIR).exists():
                shutil.rmtree(staging)
            else:
                os.replace(staging, out_dir / INPUT_DIR)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        shards = layout["shards"]
        todo = {index: json.dumps(str(input_path(out_dir, index).resolve())) for index in range(shards)
                if not shard_path(out_dir, index).exists()}
        peak = None
        if todo:
            peak = _run_shards(todo, out_dir / SHARD_DIR, "records", model_dir, options, ray_options,
                               cache_path, glossary_path, progress)
        missing = [index for index in range(shards) if not shard_path(out_dir, index).exists()]
        if missing:
            raise ResourceError(f"{out_dir}: {len(missing)} shard(s) not written (first: {missing[0]}); run again "
                                "to translate what is missing")
        output = out_dir / f"translations.{output_format}"
        _join(out_dir, shards, output, output_format)
    return RayResult(layout["segments"], shards, len(todo), output, peak)


@dataclass
class RayFill:
    """What ``fill_cache_on_ray`` did: distinct texts, how many the cache had already, how many
    were translated on Ray now and in how many shards, the largest actor's peak memory."""

    texts: int
    already_cached: int
    translated: int
    shards: int
    actor_peak_rss_mb: float | None = None

    def as_dict(self) -> dict:
        """For reports: ``{"engine": "ray", …}``."""
        return {"engine": "ray", **vars(self)}

    def count_as_translated(self, stats: TranslationStats) -> None:
        """A local pass after this one met its translations as repeats (cache entries written
        during the run); the local engine would have counted each as translated once: count so."""
        stats.translated += self.translated
        stats.repeated -= self.translated


def fill_cache_on_ray(texts: Iterable[str], model_dir: Path, options: TranslateOptions, cache: TranslationCache,
                      shard_dir: Path, ray_options: RayOptions | None = None, progress: bool = True) -> RayFill:
    """Translate on Ray every distinct text of ``texts`` that ``cache`` lacks (for this model and
    these options) and put it there, so that a local ``Translator`` with this cache finds them
    all: the Ray engine of ``parallel corpus`` and ``parallel align --model``, whose other stages
    stay local (reading, aligning, scoring and writing cost little beside translation).

    The actors write cache rows into ``shard_dir`` (storage every node sees); the driver puts
    each shard into the cache as it arrives and removes it.  Resumable: a re-run translates only
    what the cache lacks, and first puts in any shard a stopped run had written."""
    ray_options = ray_options or RayOptions()
    shard_dir = Path(shard_dir)
    shard_dir.mkdir(parents=True, exist_ok=True)
    _import_shards(shard_dir, cache)
    keys = cache_keys(read_manifest(Path(model_dir))["model_bin_sha256"], options.output_key(), texts)
    found = cache.lookup(keys.values())
    todo = [text for text, key in keys.items() if key not in found]
    shards = list(chunked(todo, ray_options.sized_for(len(todo))))
    peak = None
    if shards:
        payloads = {index: json.dumps(shard, ensure_ascii=False) for index, shard in enumerate(shards)}
        peak = _run_shards(payloads, shard_dir, "cache", model_dir, options, ray_options, None, None, progress,
                           on_shard=lambda index: _import_shard(_shard_file(shard_dir, index), cache))
        _import_shards(shard_dir, cache)   # a shard written by an attempt that died before reporting
        missing = len(todo) - len(cache.lookup(keys[text] for text in todo))
        if missing:
            raise ResourceError(f"{shard_dir}: {missing} translation(s) not made; run again to translate "
                                "what is missing")
    if not any(shard_dir.iterdir()):
        shard_dir.rmdir()
    return RayFill(len(keys), len(keys) - len(todo), len(todo), len(shards), peak)


def _import_shard(path: Path, cache: TranslationCache) -> None:
    if path.exists():
        cache.put_many(tuple(row[name] for name in CACHE_ROW_FIELDS[:-1]) + (tuple(row["flags"]),)
                       for row in read_jsonl(path))
        path.unlink()


def _import_shards(shard_dir: Path, cache: TranslationCache) -> None:
    for path in sorted(shard_dir.glob("*.jsonl")):
        _import_shard(path, cache)


def _run_shards(payloads: dict[int, str], shard_dir: Path, kind: str, model_dir: Path, options: TranslateOptions,
                ray_options: RayOptions, cache_path: Path | None, glossary_path: Path | None = None,
                progress: bool = True, on_shard=None) -> float:
    """Translate each payload (shard index → JSON) on the actor pool; ``on_shard(index)`` as each
    comes back.  Returns the largest actor's peak resident memory in MB."""
    ray = _start_ray(ray_options.address)
    from ray.data import ActorPoolStrategy

    rows = [{"shard": index, "payload": payload} for index, payload in payloads.items()]
    actor_options = replace(options, threads=ray_options.threads_per_actor)
    dataset = ray.data.from_items(rows, override_num_blocks=len(rows))
    translated = dataset.map_batches(
        _ShardTranslator, batch_size=1, compute=ActorPoolStrategy(size=ray_options.actors),
        fn_constructor_kwargs={"model_dir": str(Path(model_dir).resolve()), "options": vars(actor_options),
                               "cache_path": str(cache_path) if cache_path else None,
                               "shard_dir": str(Path(shard_dir).resolve()), "kind": kind,
                               "crash_after_shards": ray_options.crash_after_shards,
                               "glossary_path": str(Path(glossary_path).resolve()) if glossary_path else None},
        num_cpus=ray_options.threads_per_actor, num_gpus=ray_options.gpus_per_actor or None)
    # Ray Data restarts a dead actor and retries its shard by default (max_restarts and
    # max_task_retries -1 for actor pools); tests/test_ray.py kills one to check
    peak_kb = 0
    with progress_bar(total=len(rows), unit="shard", desc="translate (ray)", enabled=progress) as bar:
        for batch in translated.iter_batches(batch_size=None):
            for index in batch["shard"]:
                if on_shard is not None:
                    on_shard(int(index))
            peak_kb = max([peak_kb, *map(int, batch["peak_rss_kb"])])
            bar.update(len(batch["shard"]))
    return round(peak_kb / 1024, 1)


def _join(out_dir: Path, shards: int, output: Path, output_format: str) -> None:
    """The shards' records in order, into one file (written atomically)."""
    records = (record for index in range(shards) for record in read_jsonl(shard_path(out_dir, index)))
    with open_records(output, "translation", name=output_format) as out:
        out.write_all(records)
