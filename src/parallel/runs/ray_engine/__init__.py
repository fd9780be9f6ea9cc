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

The package: ``options`` (what to run where, shard sizes), ``session`` (starting or joining Ray,
keeping its own lines off the terminal), ``actors`` (the translating actor and the pool that runs
the shards), ``records`` (``translate_on_ray``) and ``cache_fill`` (``fill_cache_on_ray``).

Pitfalls handled (issue 25): read tasks get ``num_cpus=0`` so that actors holding every CPU never
starve them; each actor gets its thread count explicitly (``threads=0`` would mean every core of
the node, for every actor); ``compute=ActorPoolStrategy(size=N)``, not the deprecated
``concurrency=``.  Ray is imported only here, only when this engine is asked for.
"""
from __future__ import annotations

from parallel.runs.ray_engine.cache_fill import RayFill, fill_cache_on_ray
from parallel.runs.ray_engine.options import (
    CACHE_ROW_FIELDS,
    MAX_SHARD,
    MIN_SHARD,
    RAY_LOG,
    RayOptions,
    shard_size_for,
)
from parallel.runs.ray_engine.records import RayResult, input_path, shard_path, translate_on_ray

__all__ = ["CACHE_ROW_FIELDS", "MAX_SHARD", "MIN_SHARD", "RAY_LOG", "RayFill", "RayOptions", "RayResult",
           "fill_cache_on_ray", "input_path", "shard_path", "shard_size_for", "translate_on_ray"]
