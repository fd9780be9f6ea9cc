"""``translate_on_ray``: segments in, the records ``translate --jsonl`` prints out, through shards in
``OUT/inputs/`` and ``OUT/shards/`` that a re-run reuses."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from parallel.checks.glossary import read_glossary
from parallel.errors import InputError, ResourceError
from parallel.files import atomic_write, exclusive_folder
from parallel.formats.jsonl import read_jsonl, write_jsonl
from parallel.formats.registry import open_records
from parallel.progress import status
from parallel.records import Segment
from parallel.runs.ray_engine.actors import ShardRun, run_shards
from parallel.runs.ray_engine.options import RAY_LOG, RayOptions, shard_file
from parallel.runs.ray_engine.session import ray_messages_into, start_ray
from parallel.segment.sentences import segment_record
from parallel.translate.batching import chunked
from parallel.translate.translator import TranslateOptions

SHARD_DIR = "shards"
INPUT_DIR = "inputs"                  # translate_on_ray's input shards, written by the driver
INPUT_STAGING = ".inputs-staging-"    # ... first here, then renamed into place whole


@dataclass
class RayResult:
    """What a Ray run did: segments and shards, how many shards this run translated, the output."""

    segments: int
    shards: int
    translated_shards: int
    output: Path
    actor_peak_rss_mb: float | None = None   # the largest actor's peak resident memory; None: nothing ran
    nodes: int = 0                           # how many of the cluster's nodes translated shards this run
    actors: int = 0                          # ... and how many actors (a restarted actor counts again)

    def format(self) -> str:
        """One line for standard error."""
        where = f" by {self.actors} actor(s) on {self.nodes} node(s)" if self.nodes else ""
        return (f"{self.segments} segments in {self.shards} shards ({self.translated_shards} translated now{where}, "
                f"{self.shards - self.translated_shards} already done); wrote {self.output}")


def shard_path(out_dir: Path, index: int) -> Path:
    """Where shard ``index`` of ``translate_on_ray`` is written."""
    return shard_file(Path(out_dir) / SHARD_DIR, index)



def input_path(out_dir: Path, index: int) -> Path:
    """Where the segments of shard ``index`` of ``translate_on_ray`` wait for an actor."""
    return shard_file(Path(out_dir) / INPUT_DIR, index)


def _stage_inputs(segments: Iterable[Segment], staging: Path, shard_size: int) -> dict:
    """Write the segments, cut into shards, to ``staging`` one shard at a time (the driver never
    holds more than a shard) and return the layout: shard size, shard and segment counts and a
    checksum of the segment ids and texts."""
    digest, count, shards = hashlib.sha256(), 0, 0
    staging.mkdir(parents=True)
    for index, shard in enumerate(chunked(segments, shard_size)):
        for segment in shard:
            digest.update(f"{segment.id}\t{segment.text}\n".encode("utf-8"))
        write_jsonl(shard_file(staging, index), map(segment_record, shard))   # `segment --jsonl` records
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


def translate_on_ray(segments: Iterable[Segment], model_dir: Path, options: TranslateOptions, out_dir: Path,
                     ray_options: RayOptions | None = None, cache_path: Path | None = None,
                     output_format: str = "jsonl", glossary_path: Path | None = None,
                     progress: bool = True, total: int | None = None) -> RayResult:
    """Translate ``segments`` on a Ray cluster into ``out_dir`` (see the module docstring); a
    glossary file, read on each node, adds the ``glossary`` flag as in the local engine.  The
    segments are streamed into input shards (``OUT/inputs/``) first, so the driver's memory does
    not grow with the input; one run at a time writes into ``out_dir``.  ``total`` (the number of
    segments, when known) sizes the shards (``shard_size_for``).  Ray's own messages go to
    ``OUT/ray.log`` unless ``ray_options.ray_messages``."""
    if glossary_path is not None:
        read_glossary(glossary_path)   # a bad glossary fails here, before the cluster starts
    ray_options = ray_options or RayOptions()
    out_dir = Path(out_dir)
    if total is None and hasattr(segments, "__len__"):
        total = len(segments)   # a list: its length sizes the shards as a count would
    with ray_messages_into(None if ray_options.ray_messages else out_dir / RAY_LOG):
        start_ray(ray_options, progress)   # a cluster that cannot be reached fails here, before anything is written
        with exclusive_folder(out_dir, leftovers=(INPUT_STAGING,)):
            layout = _staged_input(segments, out_dir, ray_options, total, options.reproducible)
            shards = layout["shards"]
            todo = {index: str(input_path(out_dir, index).resolve()) for index in range(shards)
                    if not shard_path(out_dir, index).exists()}
            status(f"ray: {layout['segments']} segments in {shards} shards of {layout['shard_size']}, "
                   f"{len(todo)} to translate", progress)
            run = ShardRun()
            if todo:
                run = run_shards(todo, out_dir / SHARD_DIR, "records", model_dir, options, ray_options,
                                  cache_path, glossary_path, progress)
            missing = [index for index in range(shards) if not shard_path(out_dir, index).exists()]
            if missing:
                raise ResourceError(f"{out_dir}: {len(missing)} shard(s) not written (first: {missing[0]}); run "
                                    "again to translate what is missing")
            output = out_dir / f"translations.{output_format}"
            _join(out_dir, shards, output, output_format)
    return RayResult(layout["segments"], shards, len(todo), output, run.actor_peak_rss_mb, run.nodes, run.actors)


def _staged_input(segments: Iterable[Segment], out_dir: Path, ray_options: RayOptions, total: int | None,
                  reproducible: bool) -> dict:
    """The input shards of ``translate_on_ray`` in ``OUT/inputs/``, written once (a resumed run
    checks its input against them) and their layout."""
    (out_dir / SHARD_DIR).mkdir(parents=True, exist_ok=True)
    staging = out_dir / f"{INPUT_STAGING}{os.getpid()}"
    try:
        size = ray_options.shard_size or _resumed_shard_size(out_dir) or ray_options.sized_for(total, reproducible)
        layout = _stage_inputs(segments, staging, size)
        _check_layout(out_dir, layout)
        if (out_dir / INPUT_DIR).exists():
            shutil.rmtree(staging)
        else:
            os.replace(staging, out_dir / INPUT_DIR)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return layout


def _join(out_dir: Path, shards: int, output: Path, output_format: str) -> None:
    """The shards' records in order, into one file (written atomically)."""
    records = (record for index in range(shards) for record in read_jsonl(shard_path(out_dir, index)))
    with open_records(output, "translation", name=output_format) as out:
        out.write_all(records)
