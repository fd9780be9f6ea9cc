"""The translating actor (the model loaded once, whole shards written one by one) and the pool that runs
the shards on it (Ray Data, ``ActorPoolStrategy``)."""
from __future__ import annotations

import os
import re
import resource
import signal
import socket
from dataclasses import dataclass, replace
from pathlib import Path

from parallel.checks.glossary import read_glossary
from parallel.errors import ResourceError
from parallel.formats.jsonl import read_jsonl, read_segments, translation_record, write_jsonl
from parallel.progress import progress_bar, status
from parallel.runs.ray_engine.options import CACHE_ROW_FIELDS, RayOptions, shard_file
from parallel.runs.ray_engine.session import start_ray
from parallel.translate.cache import TranslationCache
from parallel.translate.models import MANIFEST, read_manifest
from parallel.translate.translator import TranslateOptions, Translator


@dataclass
class ShardRun:
    """What the actor pool did: the largest actor's peak resident memory, the nodes that worked."""

    actor_peak_rss_mb: float | None = None
    nodes: int = 0
    actors: int = 0


def node_model_dir(driver_model_dir: Path) -> Path:
    """Where this node keeps the model the driver named: under ``$PARALLEL_MODELS`` when this
    node sets it (a node may keep its models elsewhere), else at the driver's path."""
    models = os.environ.get("PARALLEL_MODELS")
    return Path(models) / driver_model_dir.name if models else driver_model_dir


def check_node_model(model_dir: Path, model_sha256: str) -> None:
    """Refuse to translate on a node whose model is missing or another build than the driver's (the
    outputs name the model by its checksum; mixing two builds would mix two models)."""
    node = socket.gethostname()
    if not (model_dir / MANIFEST).is_file():
        raise ResourceError(f"node {node}: {model_dir}: the model is not installed on this node; install it on "
                            "every node (`parallel model fetch`, or copy the folder; docs/scale.md)")
    found = read_manifest(model_dir).get("model_bin_sha256")
    if found != model_sha256:
        raise ResourceError(f"node {node}: {model_dir}: another build of the model (model.bin sha256 {found}, the "
                            f"driver's is {model_sha256}); install the same model on every node")


class _ShardTranslator:
    """A Ray actor: the model loaded once, shards translated and written one by one — as the
    records ``translate --jsonl`` prints (``kind="records"``), or as translation-cache rows for the
    driver's cache (``kind="cache"``, see ``fill_cache_on_ray``).  Each payload is the path of an
    input shard: segments (``segment --jsonl`` records) or texts (``{"text": …}``)."""

    def __init__(self, model_dir: str, model_sha256: str, options: dict, cache_path: str | None, shard_dir: str,
                 kind: str, crash_after_shards: int | None, glossary_path: str | None = None) -> None:
        self.model_dir, self.model_sha256 = node_model_dir(Path(model_dir)), model_sha256
        self.options, self.glossary_path, self.kind = TranslateOptions(**options), glossary_path, kind
        self.cache_path, self.shard_dir = cache_path, Path(shard_dir)
        self.crash_after_shards, self.done = crash_after_shards, 0
        self.translator: Translator | None = None

    def _translator(self) -> Translator:
        # made on first use, in the thread that translates: Ray may build the actor in another
        if self.translator is None:
            check_node_model(self.model_dir, self.model_sha256)
            cache = TranslationCache(Path(self.cache_path)) if self.cache_path else None
            glossary = read_glossary(Path(self.glossary_path)) if self.glossary_path else None
            self.translator = Translator(self.model_dir, self.options, cache, glossary)
        return self.translator

    def __call__(self, batch: dict) -> dict:
        translator = self._translator()
        for index, payload in zip(batch["shard"], batch["payload"]):
            path = shard_file(self.shard_dir, int(index))
            if path.exists():
                continue   # written by an attempt that died before it could report
            write_jsonl(path, self._translate(translator, Path(str(payload))))
            self.done += 1
            self._maybe_crash()
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # kilobytes on Linux
        count = len(batch["shard"])
        context = _ray_context()
        return {"shard": batch["shard"], "peak_rss_kb": [peak_kb] * count,
                "node": [context.get_node_id()] * count, "actor": [context.get_actor_id()] * count}

    def _translate(self, translator: Translator, input_shard: Path) -> list:
        if self.kind == "cache":
            texts = [record["text"] for record in read_jsonl(input_shard)]
            return [dict(zip(CACHE_ROW_FIELDS, row)) for row in translator.cache_rows(texts)]
        segments = list(read_segments(input_shard))
        return [translation_record(t, translator.model_name)
                for t in translator.translate_segments(segments, progress=False)]

    def _maybe_crash(self) -> None:
        marker = self.shard_dir / ".crashed-once"
        if self.crash_after_shards is not None and self.done >= self.crash_after_shards and not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)   # as `kill -9` or the OOM killer would: no cleanup at all


def _ray_context():
    import ray

    return ray.get_runtime_context()


def run_shards(payloads: dict[int, str], shard_dir: Path, kind: str, model_dir: Path, options: TranslateOptions,
                ray_options: RayOptions, cache_path: Path | None, glossary_path: Path | None = None,
                progress: bool = True, on_shard=None) -> ShardRun:
    """Translate each input shard (shard index → its path) on the actor pool; ``on_shard(index)``
    as each comes back.  Returns the largest actor's peak memory and the nodes that worked.  An actor's
    error that the user can act on (no model on its node) comes back as that error."""
    ray = start_ray(ray_options, progress)
    from ray.data import ActorPoolStrategy

    rows = [{"shard": index, "payload": payload} for index, payload in payloads.items()]
    actor_options = replace(options, threads=ray_options.threads_per_actor)
    gpus = f" and {ray_options.gpus_per_actor:g} GPU" if ray_options.gpus_per_actor else ""
    status(f"ray: {ray_options.actors} actor(s), {ray_options.threads_per_actor} CPU thread(s){gpus} each, "
           f"model {Path(model_dir).name} loaded once per actor", progress)
    dataset = ray.data.from_items(rows, override_num_blocks=len(rows))
    translated = dataset.map_batches(
        _ShardTranslator, batch_size=1, compute=ActorPoolStrategy(size=ray_options.actors),
        fn_constructor_kwargs={"model_dir": str(Path(model_dir).resolve()),
                               "model_sha256": read_manifest(Path(model_dir))["model_bin_sha256"],
                               "options": vars(actor_options),
                               "cache_path": str(cache_path) if cache_path else None,
                               "shard_dir": str(Path(shard_dir).resolve()), "kind": kind,
                               "crash_after_shards": ray_options.crash_after_shards,
                               "glossary_path": str(Path(glossary_path).resolve()) if glossary_path else None},
        num_cpus=ray_options.threads_per_actor, num_gpus=ray_options.gpus_per_actor or None)
    # Ray Data restarts a dead actor and retries its shard by default (max_restarts and
    # max_task_retries -1 for actor pools); tests/test_ray.py kills one to check
    peak_kb, nodes, actors = 0, set(), set()
    with progress_bar(total=len(rows), unit="shard", desc="translate (ray)", enabled=progress) as bar:
        try:
            for batch in translated.iter_batches(batch_size=None):
                for index in batch["shard"]:
                    if on_shard is not None:
                        on_shard(int(index))
                peak_kb = max([peak_kb, *map(int, batch["peak_rss_kb"])])
                nodes.update(map(str, batch["node"]))
                actors.update(map(str, batch["actor"]))
                bar.update(len(batch["shard"]))
        except Exception as exc:
            error = _actor_error(exc)
            if error is None:
                raise
            raise error from exc
    return ShardRun(round(peak_kb / 1024, 1), len(nodes), len(actors))


ACTOR_ERROR = re.compile(r"^parallel\.errors\.(?:ResourceError|InputError|ParallelError): (.+)$", re.MULTILINE)


def _actor_error(exc: BaseException) -> ResourceError | None:
    """The error an actor raised that the user can act on (no model on its node), as a
    ``ResourceError`` with the actor's message; None for anything else.  Ray hands the driver the
    actor's traceback as text (the exception's cause does not survive the trip), so the message is
    read from its last line."""
    found = ACTOR_ERROR.findall(str(exc))
    return ResourceError(found[-1].strip()) if found else None
