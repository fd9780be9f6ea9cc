"""``--engine ray`` on a local Ray cluster (2 CPUs, offline, no dashboard): the same translations as
the local engine, every id once, a killed worker costing nothing, a re-run translating only what
is missing."""
from __future__ import annotations

import json
import os

import pytest

from conftest import FLORES, REQUIRE_EXTERNAL, SEEDS
from parallel.cli import cli
from parallel.documents import article_paths
from parallel.errors import InputError
from parallel.formats.jsonl import translation_record
from parallel.formats.parquet import read_parquet
from parallel.runs.ray_translate import RayOptions, shard_path, translate_on_ray
from parallel.segment import line_segments, segments_from_file
from parallel.translate import TranslateOptions, Translator

if not REQUIRE_EXTERNAL:
    pytest.importorskip("ray")
pytestmark = pytest.mark.slow   # a Ray cluster starts in seconds, each run takes a few more


@pytest.fixture(scope="module")
def local_ray():
    import ray

    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def _segments():
    """FLORES dev + devtest as line segments (the issue's acceptance), else the seed articles."""
    if (FLORES / "flores200-dev.ara").is_file():
        return [s for split in ("dev", "devtest") for s in line_segments(FLORES / f"flores200-{split}.ara")]
    return [s for path in article_paths(SEEDS) for s in segments_from_file(path)]


def _local_records(model_dir, segments):
    translator = Translator(model_dir, TranslateOptions(reproducible=True))
    return [translation_record(t, translator.model_name) for t in translator.translate_segments(segments, False)]


def _records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_ray_gives_the_local_engines_translations_every_id_once(local_ray, model_dir, tmp_path):
    segments = _segments()
    result = translate_on_ray(segments, model_dir, TranslateOptions(reproducible=True), tmp_path / "out",
                              RayOptions(actors=2, threads_per_actor=1, shard_size=250))
    records = _records(result.output)
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)) == len(segments) and result.shards == -(-len(segments) // 250)
    assert records == _local_records(model_dir, segments)


def test_a_worker_killed_mid_run_loses_and_repeats_nothing(local_ray, model_dir, tmp_path):
    segments = [s for path in article_paths(SEEDS) for s in segments_from_file(path)]
    out = tmp_path / "out"
    result = translate_on_ray(segments, model_dir, TranslateOptions(reproducible=True), out,
                              RayOptions(actors=2, shard_size=20, crash_after_shards=1))
    assert (out / ".crashed-once").exists()            # an actor did die abruptly after its first shard
    records = _records(result.output)
    assert [r["id"] for r in records] == [s.id for s in segments]
    assert records == _local_records(model_dir, segments)


def test_a_rerun_translates_only_the_missing_shards(local_ray, model_dir, tmp_path, runner):
    segments = [s for path in article_paths(SEEDS) for s in segments_from_file(path)]
    out = tmp_path / "out"
    first = translate_on_ray(segments, model_dir, TranslateOptions(reproducible=True), out, RayOptions(shard_size=20))
    complete = first.output.read_bytes()
    shard_path(out, 3).unlink()
    shard_path(out, 5).unlink()
    resumed = translate_on_ray(segments, model_dir, TranslateOptions(reproducible=True), out,
                               RayOptions(shard_size=20))
    assert (first.translated_shards, resumed.translated_shards) == (first.shards, 2)
    assert first.output.read_bytes() == complete
    with pytest.raises(InputError, match="holds the shards of another input or shard size"):
        translate_on_ray(segments, model_dir, TranslateOptions(reproducible=True), out, RayOptions(shard_size=30))


def test_translate_cli_engine_ray(local_ray, model_dir, tmp_path, runner):
    files = [str(path) for path in article_paths(SEEDS)]
    out = tmp_path / "out"
    args = ["translate", *files, "--models-dir", str(model_dir.parent), "--engine", "ray", "--actors", "2",
            "--threads-per-actor", "1", "--reproducible", "--no-cache", "--out", str(out)]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    local = runner.invoke(cli, ["translate", *files, "--models-dir", str(model_dir.parent), "--reproducible",
                                "--no-cache", "--jsonl"])
    assert (out / "translations.jsonl").read_text(encoding="utf-8") == local.stdout
    again = runner.invoke(cli, [*args, "--format", "parquet"])
    assert again.exit_code == 0 and "(0 translated now, 1 already done)" in again.stderr
    segments = [s for path in article_paths(SEEDS) for s in segments_from_file(path)]
    assert [r["id"] for r in read_parquet(out / "translations.parquet")] == [s.id for s in segments]


def test_engine_ray_needs_an_output_folder(runner, model_dir):
    result = runner.invoke(cli, ["translate", str(article_paths(SEEDS)[0]), "--models-dir", str(model_dir.parent),
                                 "--engine", "ray"])
    assert result.exit_code == 2 and "--engine ray writes into --out DIR" in result.output
