"""The translation engine every run gets the same way: the model and its decoding options, the cache
and its one policy, a glossary, and where the translating happens (here, or on a Ray cluster).

``open_engine`` gives a ``Translator``; with ``ray`` set, the texts the run will ask for are first
translated on the cluster into the cache (``fill_cache_on_ray``), so the local translator then finds
them all there, whatever the run does next (stream, chunk, align).  Without a cache, the Ray engine
(and a run that reads its translations twice, ``read_twice``) carries them through a private one
that goes with the block.  ``parallel translate`` (the local engine; ``--engine ray`` writes its
own files, ``runs.ray_engine``), ``parallel corpus`` and ``parallel align --model`` open their
engine here.
"""
from __future__ import annotations

import tempfile
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from parallel.checks.glossary import read_glossary
from parallel.checks.length_model import DEFAULT_LENGTH_MODEL, LengthModel
from parallel.runs.ray_engine import RayFill, RayOptions, fill_cache_on_ray
from parallel.translate.cache import TranslationCache, open_cache
from parallel.translate.translator import TranslateOptions, Translator


@dataclass(frozen=True)
class EngineConfig:
    """How a run translates: ``model_dir``, decoding ``options``, the cache (``cache_path`` as
    ``open_cache`` reads it, off when ``use_cache`` is false), a glossary file, and ``ray`` (None: in
    this process)."""

    model_dir: Path
    options: TranslateOptions = field(default_factory=TranslateOptions)
    cache_path: Path | None = None
    use_cache: bool = True
    glossary_path: Path | None = None
    ray: RayOptions | None = None
    progress: bool = True
    length_model: LengthModel = DEFAULT_LENGTH_MODEL   # what the translator's length_ratio judges by
    read_twice: bool = False   # the run reads its translations twice: without a cache, a private one holds them


@dataclass
class Engine:
    """An open engine: the translator to call, the cache file it reads and fills (None when the
    cache is off), and what the cluster did (None on the local engine)."""

    translator: Translator
    cache_path: Path | None
    fill: RayFill | None = None

    def as_dict(self) -> dict:
        """For reports: ``{"engine": "local"}`` or the cluster's counts."""
        return self.fill.as_dict() if self.fill else {"engine": "local"}


@contextmanager
def open_engine(config: EngineConfig, texts: Iterable[str] | None = None, shard_dir: Path | None = None,
                private_dir: Path | None = None) -> Iterator[Engine]:
    """An engine for the block; with ``config.ray``, ``texts`` are translated on the cluster first
    (shards in ``shard_dir``); with ``ray`` or ``read_twice`` and the cache off, a private cache holds
    the translations for the block (in ``private_dir`` for Ray, else a local temporary folder).  The
    cache closes when the block ends."""
    with ExitStack() as stack:
        cache = open_cache(config.cache_path, enabled=config.use_cache)
        if cache is None and (config.ray is not None or config.read_twice):
            # the Ray engine's where the run says; a second reading's in local temporary storage, not an
            # output folder that may be a network mount where SQLite cannot lock
            folder = private_dir if config.ray is not None else None
            folder = folder or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="parallel-")))
            cache = TranslationCache(Path(folder) / "run-translations.sqlite")
        if cache is not None:
            stack.callback(cache.close)
        glossary = read_glossary(config.glossary_path) if config.glossary_path else None
        translator = Translator(config.model_dir, config.options, cache, glossary, config.length_model)
        fill = None
        if config.ray is not None:
            if shard_dir is None:
                # Ray's messages (ray.log) go beside the shards: in the same temporary folder
                shard_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="parallel-ray-"))) / "shards"
            fill = fill_cache_on_ray(texts or (), config.model_dir, config.options, cache, shard_dir,
                                     config.ray, config.progress)
        yield Engine(translator, cache.path if config.use_cache and cache is not None else None, fill)
