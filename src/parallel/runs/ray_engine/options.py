"""What a Ray run is asked for: the cluster, the pool, the shard size, and the names its files share."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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




def shard_file(shard_dir: Path, index: int) -> Path:
    """Shard ``index`` in ``shard_dir`` (input or output: the same numbering)."""
    return Path(shard_dir) / f"{index:07d}.jsonl"
