"""What a Ray run is asked for: the cluster, the pool, the shard size, and the names its files share."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from parallel.translate.batching import STREAM_CHUNK

CACHE_ROW_FIELDS = ("key", "model_sha256", "source", "text", "score", "flags")   # a cache shard's records
RAY_LOG = "ray.log"                   # Ray's own messages, beside the run's output (``session.ray_messages_into``)


@dataclass
class RayOptions:
    """Where and how wide to run: the cluster (``address``: None starts a local one, "auto" joins
    the running one), actors and each one's threads and GPU share, and the shard size."""

    address: str | None = None
    actors: int = 2
    threads_per_actor: int = 1
    gpus_per_actor: float = 0.0
    shard_size: int | None = None           # None: sized from the input and the pool (``shard_size_for``)
    ray_messages: bool = False              # True: Ray's own lines reach the terminal (--debug); else ray.log
    crash_after_shards: int | None = None   # tests only: an actor dies abruptly after this many shards

    def sized_for(self, total: int | None, reproducible: bool = False) -> int:
        """The shard size for ``total`` segments: the one given, else ``shard_size_for``."""
        return self.shard_size or shard_size_for(total, self.actors, reproducible)


SHARDS_PER_ACTOR = 4        # so that every actor has work and a slow shard does not hold the run
MIN_SHARD, MAX_SHARD = 32, 1000   # a shard fills at least a batch of the local engine; a lost one costs little
MAX_REPRODUCIBLE_SHARD = STREAM_CHUNK   # --reproducible: as many sentences as the local engine sorts at once


def shard_size_for(total: int | None, actors: int, reproducible: bool = False) -> int:
    """Segments per shard: enough shards that every actor gets ``SHARDS_PER_ACTOR`` of them, none
    smaller than ``MIN_SHARD`` (a batch of the local engine, sorted by length) nor larger than
    ``MAX_SHARD``; ``MAX_SHARD`` when the total is not known.

    ``reproducible``: one shard per actor, up to ``MAX_REPRODUCIBLE_SHARD``.  Its batches hold
    sentences of one length only, so they fill only from many sentences: on 2 cores (real-size
    random model, greedy, 1 thread) 300 sentences took 32 s in one call and 66 s in four calls of
    75; 1,000 on Ray with 1 actor x 2 threads took 53.4 s in shards of 250 and 37.4 s in one shard
    (the local engine: 35.8 s; docs/scale.md)."""
    per_actor, largest = (1, MAX_REPRODUCIBLE_SHARD) if reproducible else (SHARDS_PER_ACTOR, MAX_SHARD)
    if not total:
        return largest
    return max(MIN_SHARD, min(largest, -(-total // (actors * per_actor))))


def shard_file(shard_dir: Path, index: int) -> Path:
    """Shard ``index`` in ``shard_dir`` (input or output: the same numbering)."""
    return Path(shard_dir) / f"{index:07d}.jsonl"
