"""What every ``parallel`` command shares: one-line errors and exit codes, and the options of
the commands that install models and translate (their defaults read from the library)."""
from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import click

from parallel.checks.length_model import DEFAULT_LENGTH_MODEL, LengthModel, read_length_model
from parallel.errors import ParallelError, location_error
from parallel.runs.engine import EngineConfig
from parallel.runs.ray_engine import RayOptions
from parallel.translate.devices import COMPUTE_TYPES
from parallel.translate.models import DEFAULT_QUANTIZATION, QUANTIZATIONS, resolve_model
from parallel.translate.translator import TranslateOptions

INTERRUPTED_EXIT = 130   # 128 + SIGINT
TERMINATED_EXIT = 143    # 128 + SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler's or `kill`'s stop), raised where the program is, like Ctrl-C: what is
    finished stays in the translation cache and nothing half-written is left."""


BROKEN_PIPE_EXIT = 141   # 128 + SIGPIPE, what a shell reports for a writer whose reader left


class ParallelGroup(click.Group):
    """Turns library errors into one ``error: …`` line and the error's exit code."""

    def invoke(self, ctx: click.Context):
        """Run the command; a ``ParallelError`` or ``OSError`` becomes one ``error:`` line and its exit code
        (a traceback only with ``--debug``)."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # the reader of our output stopped (`| head`): nothing to say, as other tools do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(BROKEN_PIPE_EXIT)
        except (ParallelError, OSError) as exc:
            if ctx.find_root().params.get("debug"):
                raise
            error = location_error(exc) if isinstance(exc, OSError) else exc
            click.echo(f"error: {error}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt as exc:
            if ctx.find_root().params.get("debug"):
                raise
            stopped = "terminated" if isinstance(exc, Terminated) else "interrupted"
            click.echo(f"error: {stopped}; run the same command again to resume from the translation cache",
                       err=True)
            ctx.exit(TERMINATED_EXIT if isinstance(exc, Terminated) else INTERRUPTED_EXIT)


class RegistryChoice(click.Choice):
    """A choice among a registry's names (formats, segmenters), read when the option is parsed, so
    that one registered after the command was built is accepted too."""

    def __init__(self, registry: dict) -> None:
        super().__init__(list(registry))
        self.registry = registry

    def convert(self, value, param, ctx):
        """The name, if the registry knows it now."""
        self.choices = list(self.registry)
        return super().convert(value, param, ctx)


models_dir_option = click.option("--models-dir", type=click.Path(path_type=Path), default=None,
                                 help="Where models live [default: $PARALLEL_MODELS or ./models].")
quantization_option = click.option("--quantization", type=click.Choice(QUANTIZATIONS), default=DEFAULT_QUANTIZATION,
                                   show_default=True, help="Weight type of the converted model.")
force_option = click.option("--force", is_flag=True, help="Replace an installed model of the same name.")
glossary_option = click.option("--glossary", "glossary_path", type=click.Path(path_type=Path),
                               help="Terms file (Arabic<TAB>English rendering[s]): flag `glossary` when a source "
                                    "term's renderings are all missing.")


def option_group(name: str, build: Callable[..., Any], *options):
    """Click options handed to the command as one object, ``build(**their values)`` under ``name``:
    commands take a ``TranslationChoice`` or ``RayOptions`` instead of a dozen loose values."""
    def probe() -> None:
        """Collects the options' parameter names."""
    for option in options:
        probe = option(probe)
    keys = [param.name for param in probe.__click_params__]

    def decorator(command):
        @functools.wraps(command)
        def gathered(*args, **kwargs):
            values = {key: kwargs.pop(key) for key in keys}
            return command(*args, **{name: build(**values)}, **kwargs)
        for option in reversed(options):
            gathered = option(gathered)
        return gathered
    return decorator


@dataclass(frozen=True)
class LengthChoice:
    """What the length options chose: the model ``length_ratio`` judges by (the shipped one, or one
    fitted with ``parallel eval flags --fit``) and whether it is weighed against the pairs at hand."""

    model: LengthModel
    calibrate: bool


def _length_choice(length_model_path: Path | None, calibrate: bool) -> LengthChoice:
    return LengthChoice(read_length_model(length_model_path) if length_model_path else DEFAULT_LENGTH_MODEL,
                        calibrate)


length_options = option_group(
    "lengths", _length_choice,
    click.option("--length-model", "length_model_path", type=click.Path(path_type=Path),
                 help="A length model fitted on your own human translations (`parallel eval flags --fit`) "
                      "[default: the shipped one, fitted on FLORES-200 dev]."),
    click.option("--calibrate/--no-calibrate", default=True, show_default=True,
                 help="Weigh the length model against the pairs at hand: their own robust mean and spread "
                      "per source length (docs/flags.md)."),
)


@dataclass(frozen=True)
class TranslationChoice:
    """What the translation options of a command chose: the model (a name or folder, and where models
    live), the decoding options and the cache."""

    model_name: str | None
    models_dir: Path | None
    options: TranslateOptions
    cache_path: Path | None
    use_cache: bool

    def engine(self, glossary_path: Path | None = None, ray=None) -> EngineConfig:
        """The engine these choices make (the model looked up now)."""
        return EngineConfig(resolve_model(self.model_name, self.models_dir), self.options, self.cache_path,
                            self.use_cache, glossary_path, ray)


def _translation_choice(model_name, models_dir, beam_size, max_batch_tokens, device, compute_type, threads,
                        reproducible, cache_path, no_cache) -> TranslationChoice:
    options = TranslateOptions(beam_size=beam_size, max_batch_tokens=max_batch_tokens, device=device,
                               compute_type=compute_type, threads=threads, reproducible=reproducible)
    return TranslationChoice(model_name, models_dir, options, cache_path, not no_cache)


# Decoding and cache options, shared by every command that translates.
_DECODING_OPTIONS = (
    models_dir_option,
    click.option("--beam-size", type=click.IntRange(1, 64), default=TranslateOptions.beam_size, show_default=True,
                 help="Hypotheses kept at each decoding step (1: greedy)."),
    click.option("--max-batch-tokens", type=click.IntRange(0), default=TranslateOptions.max_batch_tokens,
                 help="Padded source tokens per batch [default: 512 per thread of a batch on CPU, 2048 on CUDA]."),
    click.option("--device", type=click.Choice(["cpu", "cuda"]), default=TranslateOptions.device, show_default=True,
                 help="Where CTranslate2 runs (cuda: an NVIDIA GPU and a CUDA build of CTranslate2)."),
    click.option("--compute-type", type=click.Choice(COMPUTE_TYPES), default=TranslateOptions.compute_type,
                 show_default=True, help="CTranslate2 compute type; auto is int8 on CPU, int8_float16 on CUDA."),
    click.option("--threads", type=click.IntRange(0), default=TranslateOptions.threads,
                 help="CPU threads [default: all cores]."),
    click.option("--reproducible", is_flag=True,
                 help="Batch sentences of one length only: each translation and score is then the same "
                      "whatever the batch size, input order, chunking or thread count (slower)."),
    click.option("--cache", "cache_path", type=click.Path(path_type=Path), default=None,
                 help="Translation cache [default: $PARALLEL_CACHE or ~/.cache/parallel/translations.sqlite]."),
    click.option("--no-cache", is_flag=True, help="Translate everything; read and write no cache."),
)

# The options of the commands that translate, handed to them as ``translation`` (a TranslationChoice).
translate_options = option_group(
    "translation", _translation_choice,
    click.option("--model", "model_name", help="Installed model name or folder [default: opus-mt-ar-en, "
                                                "or the only installed model]."),
    *_DECODING_OPTIONS,
)

# The same for ``align``, whose model translates the source into a pivot only when asked for.
pivot_options = option_group(
    "translation", _translation_choice,
    click.option("--model", "model_name", help="Translate the source with this installed model (name or folder) "
                                                "and use its translation as the pivot [default: no pivot]."),
    *_DECODING_OPTIONS,
)


def _ray_choice(engine: str, address: str | None, actors: int, threads_per_actor: int,
                gpus_per_actor: float) -> RayOptions | None:
    """``RayOptions`` for ``--engine ray``; None for the local engine, which refuses the cluster's options."""
    if engine == "ray":   # Ray's own lines reach the terminal only with --debug (else OUT's ray.log)
        debug = bool(click.get_current_context().find_root().params.get("debug"))
        return RayOptions(address, actors, threads_per_actor, gpus_per_actor, ray_messages=debug)
    given = [flag for flag, value, default in (("--address", address, RayOptions.address),
                                               ("--actors", actors, RayOptions.actors),
                                               ("--threads-per-actor", threads_per_actor, RayOptions.threads_per_actor),
                                               ("--gpus-per-actor", gpus_per_actor, RayOptions.gpus_per_actor))
             if value != default]
    if given:
        raise click.UsageError(f"{', '.join(given)}: only with --engine ray")
    return None


# The options of ``--engine ray`` (runs/ray_engine/), handed to the command as ``ray``
# (RayOptions, or None for the local engine); defaults from ``RayOptions``.
ray_options = option_group(
    "ray", _ray_choice,
    click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
                 help="local: this process; ray: a Ray cluster (pip install 'parallel[ray]'; docs/scale.md)."),
    click.option("--address", default=RayOptions.address,
                 help="Ray cluster to join: 'auto' (the one `ray start` runs here, or $RAY_ADDRESS), HOST:6379, "
                      "ray://HOST:10001 through Ray Client (pip install 'ray[client]'), or 'local' (always a new "
                      "cluster on this machine) [default: as Ray decides: $RAY_ADDRESS, else a cluster `ray start` "
                      "runs here, else a new local one].  Ray's own messages go to ray.log in the output folder "
                      "(on the terminal with --debug)."),
    click.option("--actors", type=click.IntRange(1), default=RayOptions.actors, show_default=True,
                 help="Translating actors (each loads the model once)."),
    click.option("--threads-per-actor", type=click.IntRange(1), default=RayOptions.threads_per_actor,
                 show_default=True, help="CPU threads (and Ray CPUs) of each actor."),
    click.option("--gpus-per-actor", type=click.FloatRange(0), default=RayOptions.gpus_per_actor,
                 show_default=True, help="GPU share of each actor (with --device cuda), e.g. 0.5."),
)
