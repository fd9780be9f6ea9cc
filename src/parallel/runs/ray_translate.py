"""``parallel translate --engine ray``: translation on a Ray cluster, resumable, same output.

The segments are cut into shards of ``shard_size`` in input order.  Ray Data runs a pool of
stateful actors (``ActorPoolStrategy``): each loads the model once and translates whole shards,
writing each to ``OUT/shards/<n>.jsonl`` through a temporary file and a rename.  A shard already
written is skipped — by a re-run after a crash, and by a retry of a shard whose actor died after
writing it — so nothing is translated twice and nothing is lost.  When every shard is there, the
driver joins them in order into ``OUT/translations.jsonl`` (or ``.parquet``).  With
``--reproducible`` the records are those of the local engine, byte for byte.

Why our own shards rather than Ray Data's checkpoints (``CheckpointConfig``): they need no alpha
API, they survive a change of Ray version or of cluster, and a finished shard is a file anyone can
read.  The translation cache still works inside a shard (each actor opens the cache at
``cache_path`` on its own node, in the thread that translates: SQLite connections stay in the
thread that opened them).

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
import signal
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

from ..batching import chunked
from ..cache import TranslationCache
from ..documents import Segment
from ..errors import InputError, ResourceError
from ..files import atomic_write
from ..formats.jsonl import open_jsonl, read_jsonl, translation_record
from ..formats.parquet import open_parquet
from ..glossary import read_glossary
from ..progress import progress_bar
from ..translate import TranslateOptions, Translator

SHARD_DIR = "shards"


@dataclass
class RayOptions:
    """Where and how wide to run: the cluster (``address``: None starts a local one, "auto" joins
    the running one), actors and each one's threads and GPU share, and the shard size."""

    address: str | None = None
    actors: int = 2
    threads_per_actor: int = 1
    gpus_per_actor: float = 0.0
    shard_size: int = 1000
    crash_after_shards: int | None = None   # tests only: an actor dies abruptly after this many shards


@dataclass
class RayResult:
    """What a Ray run did: segments and shards, how many shards this run translated, the output."""

    segments: int
    shards: int
    translated_shards: int
    output: Path

    def format(self) -> str:
        """One line for standard error."""
        return (f"{self.segments} segments in {self.shards} shards ({self.translated_shards} translated now, "
                f"{self.shards - self.translated_shards} already done); wrote {self.output}")


def shard_path(out_dir: Path, index: int) -> Path:
    """Where shard ``index`` is written."""
    return Path(out_dir) / SHARD_DIR / f"{index:07d}.jsonl"


class _ShardTranslator:
    """A Ray actor: the model loaded once, shards translated and written one by one."""

    def __init__(self, model_dir: str, options: dict, cache_path: str | None, out_dir: str,
                 crash_after_shards: int | None, glossary_path: str | None = None) -> None:
        self.model_dir, self.options = Path(model_dir), TranslateOptions(**options)
        self.glossary_path = glossary_path
        self.cache_path, self.out_dir = cache_path, Path(out_dir)
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
        for index, segments_json in zip(batch["shard"], batch["segments"]):
            path = shard_path(self.out_dir, int(index))
            if path.exists():
                continue   # written by an attempt that died before it could report
            segments = [Segment(*fields) for fields in json.loads(segments_json)]
            translations = translator.translate_segments(segments, progress=False)
            with atomic_write(path) as out:
                for translation in translations:
                    out.write(json.dumps(translation_record(translation, translator.model_name),
                                         ensure_ascii=False) + "\n")
            self.done += 1
            self._maybe_crash()
        return {"shard": batch["shard"]}

    def _maybe_crash(self) -> None:
        marker = self.out_dir / ".crashed-once"
        if self.crash_after_shards is not None and self.done >= self.crash_after_shards and not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)   # as `kill -9` or the OOM killer would: no cleanup at all


def _check_layout(out_dir: Path, shards: list[list[Segment]], shard_size: int) -> None:
    """Shards are only reused for the same input cut the same way: ``shards/layout.json`` records
    the shard size and a checksum of the segment ids and texts, and a different one is refused."""
    digest = hashlib.sha256()
    for shard in shards:
        for segment in shard:
            digest.update(f"{segment.id}\t{segment.text}\n".encode("utf-8"))
    layout = {"shard_size": shard_size, "shards": len(shards), "segments_sha256": digest.hexdigest()}
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
        ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING,
                 configure_logging=True)
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
                     progress: bool = True) -> RayResult:
    """Translate ``segments`` on a Ray cluster into ``out_dir`` (see the module docstring); a
    glossary file, read on each node, adds the ``glossary`` flag as in the local engine."""
    if glossary_path is not None:
        read_glossary(glossary_path)   # a bad glossary fails here, before the cluster starts
    ray_options = ray_options or RayOptions()
    out_dir = Path(out_dir)
    (out_dir / SHARD_DIR).mkdir(parents=True, exist_ok=True)
    shards = list(chunked(segments, ray_options.shard_size))
    _check_layout(out_dir, shards, ray_options.shard_size)
    todo = [index for index in range(len(shards)) if not shard_path(out_dir, index).exists()]
    if todo:
        _run_shards(shards, todo, model_dir, options, out_dir, ray_options, cache_path, glossary_path, progress)
    missing = [index for index in range(len(shards)) if not shard_path(out_dir, index).exists()]
    if missing:
        raise ResourceError(f"{out_dir}: {len(missing)} shard(s) not written (first: {missing[0]}); run again to "
                            "translate what is missing")
    output = out_dir / f"translations.{output_format}"
    _join(out_dir, len(shards), output, output_format)
    return RayResult(sum(len(s) for s in shards), len(shards), len(todo), output)


def _run_shards(shards: list[list[Segment]], todo: list[int], model_dir: Path, options: TranslateOptions,
                out_dir: Path, ray_options: RayOptions, cache_path: Path | None,
                glossary_path: Path | None = None, progress: bool = True) -> None:
    ray = _start_ray(ray_options.address)
    from ray.data import ActorPoolStrategy

    rows = [{"shard": index, "segments": json.dumps([[s.doc_id, s.para, s.index, s.text] for s in shards[index]],
                                                    ensure_ascii=False)} for index in todo]
    actor_options = replace(options, threads=ray_options.threads_per_actor)
    dataset = ray.data.from_items(rows, override_num_blocks=len(rows))
    translated = dataset.map_batches(
        _ShardTranslator, batch_size=1, compute=ActorPoolStrategy(size=ray_options.actors),
        fn_constructor_kwargs={"model_dir": str(Path(model_dir).resolve()), "options": vars(actor_options),
                               "cache_path": str(cache_path) if cache_path else None,
                               "out_dir": str(out_dir.resolve()),
                               "crash_after_shards": ray_options.crash_after_shards,
                               "glossary_path": str(Path(glossary_path).resolve()) if glossary_path else None},
        num_cpus=ray_options.threads_per_actor, num_gpus=ray_options.gpus_per_actor or None)
    # Ray Data restarts a dead actor and retries its shard by default (max_restarts and
    # max_task_retries -1 for actor pools); tests/test_ray.py kills one to check
    with progress_bar(total=len(todo), unit="shard", desc="translate (ray)", enabled=progress) as bar:
        for batch in translated.iter_batches(batch_size=None):
            bar.update(len(batch["shard"]))


def _join(out_dir: Path, shards: int, output: Path, output_format: str) -> None:
    """The shards' records in order, into one file (written atomically)."""
    records = (record for index in range(shards) for record in read_jsonl(shard_path(out_dir, index)))
    writer = open_parquet(output, "translation") if output_format == "parquet" else open_jsonl(output)
    with writer as out:
        out.write_all(records)
