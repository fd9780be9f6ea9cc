"""``--engine ray`` on a local Ray cluster (2 CPUs, offline, no dashboard): the same translations as
the local engine, every id once, a killed worker costing nothing, a re-run translating only what
is missing."""
from __future__ import annotations

import json
import os

import pytest

from conftest import FLORES, REQUIRE_EXTERNAL, SEEDS, SOURCE_DATE_EPOCH
from parallel.cli.main import cli
from parallel.errors import InputError
from parallel.formats.jsonl import translation_record
from parallel.formats.parquet import read_parquet
from parallel.read.articles import article_paths, reference_path
from parallel.runs.ray_engine import CACHE_ROW_FIELDS, RayOptions, fill_cache_on_ray, shard_path, translate_on_ray
from parallel.segment.sentences import line_segments, segments_from_file
from parallel.translate.cache import TranslationCache
from parallel.translate.translator import TranslateOptions, Translator

if not REQUIRE_EXTERNAL:
    pytest.importorskip("ray")
pytestmark = pytest.mark.slow   # a Ray cluster starts in seconds, each run takes a few more


@pytest.fixture(scope="module")
def local_ray():
    import ray

    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)   # never a running one
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
    assert (out / "shards" / ".crashed-once").exists()            # an actor did die abruptly after its first shard
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
    assert again.exit_code == 0 and "(0 translated now, 2 already done)" in again.stderr   # 180 segments, --reproducible: a shard an actor
    segments = [s for path in article_paths(SEEDS) for s in segments_from_file(path)]
    assert [r["id"] for r in read_parquet(out / "translations.parquet")] == [s.id for s in segments]


def test_engine_ray_needs_an_output_folder(runner, model_dir):
    result = runner.invoke(cli, ["translate", str(article_paths(SEEDS)[0]), "--models-dir", str(model_dir.parent),
                                 "--engine", "ray"])
    assert result.exit_code == 2 and "--engine ray writes into --out DIR" in result.output


def _corpus(runner, installed_models, seeds, out, cache, *extra):
    result = runner.invoke(cli, ["corpus", "--seeds", str(seeds), "--out", str(out), "--models-dir",
                                 str(installed_models), "--cache", str(cache), "--reproducible", *extra],
                           env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    assert result.exit_code == 0, result.output
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_corpus_engine_ray_writes_what_the_local_engine_writes(local_ray, installed_models, tmp_path, runner):
    local = _corpus(runner, installed_models, SEEDS, tmp_path / "local", tmp_path / "local.sqlite")
    ray_report = _corpus(runner, installed_models, SEEDS, tmp_path / "ray", tmp_path / "ray.sqlite",
                         "--engine", "ray", "--actors", "2", "--threads-per-actor", "1")
    outputs = sorted(path.name for path in (tmp_path / "local").iterdir() if not path.name.startswith("report"))
    # beside them, Ray's own messages (ray.log) when it printed any in this run
    assert outputs == sorted(path.name for path in (tmp_path / "ray").iterdir()
                             if not path.name.startswith("report") and path.name != "ray.log")
    for name in outputs:
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    # the same counts as the local engine (everything translated once), and the engine named
    assert ray_report["totals"] == local["totals"] and local["totals"]["translated"] > 0
    assert local["engine"] == {"engine": "local"}
    engine = ray_report["engine"]
    assert engine["engine"] == "ray" and engine["translated"] == local["totals"]["translated"]
    assert engine["actor_peak_rss_mb"] > 0 and not (tmp_path / "ray" / ".ray-shards").exists()
    assert engine["nodes"] == 1 and engine["actors"] >= 1
    again = _corpus(runner, installed_models, SEEDS, tmp_path / "ray", tmp_path / "ray.sqlite", "--engine", "ray")
    assert again["engine"]["translated"] == 0 and again["totals"]["translated"] == 0   # all from the cache now


def test_cache_fill_resumes_and_survives_a_killed_worker(local_ray, model_dir, tmp_path):
    texts = [s.text for path in article_paths(SEEDS) for s in segments_from_file(path)]
    distinct = list(dict.fromkeys(texts))
    options = TranslateOptions(reproducible=True)
    shards = tmp_path / "shards"
    shards.mkdir()
    # a shard a stopped run wrote but never put into the cache
    rows = Translator(model_dir, options).cache_rows(distinct[:7])
    (shards / "0000000.jsonl").write_text("".join(json.dumps(dict(zip(CACHE_ROW_FIELDS, row)), ensure_ascii=False) + "\n" for row in rows),
                                          encoding="utf-8")
    with TranslationCache(tmp_path / "cache.sqlite") as cache:
        first = fill_cache_on_ray(distinct[:30], model_dir, options, cache, shards, RayOptions(shard_size=5))
        assert (first.texts, first.already_cached, first.translated, first.shards) == (30, 7, 23, 5)
        second = fill_cache_on_ray(texts, model_dir, options, cache, shards,
                                   RayOptions(shard_size=10, crash_after_shards=1))
        assert (second.already_cached, second.translated) == (30, len(distinct) - 30)
        assert (shards / ".crashed-once").exists() and not list(shards.glob("*.jsonl"))   # all in the cache
        cached = Translator(model_dir, options, cache).translate_texts(texts, progress=False)
    local = Translator(model_dir, options).translate_texts(texts, progress=False)
    assert [(r.text, r.score, r.flags) for r in cached] == [(r.text, r.score, r.flags) for r in local]


def test_align_engine_ray_gives_the_local_pivot(local_ray, installed_models, tmp_path, runner):
    folder = tmp_path / "docs"
    folder.mkdir()
    for path in article_paths(SEEDS)[:2]:
        (folder / path.name).write_bytes(path.read_bytes())
        (folder / path.name.replace(".txt", ".en.txt")).write_bytes(reference_path(path).read_bytes())
    # --reproducible: the cluster's shards batch the sentences otherwise than one local run, and only
    # batches of one length give the same int8 translations whatever the batching (README)
    common = ["align", str(folder), "--model", "opus-mt-ar-en", "--models-dir", str(installed_models), "--no-cache",
              "--reproducible"]
    local = runner.invoke(cli, [*common, "--out", str(tmp_path / "local")], env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    on_ray = runner.invoke(cli, [*common, "--out", str(tmp_path / "ray"), "--engine", "ray"],
                           env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    assert local.exit_code == 0 and on_ray.exit_code == 0, on_ray.output
    for suffix in (".jsonl", ".tmx", ".unaligned.jsonl"):
        assert (tmp_path / f"ray{suffix}").read_bytes() == (tmp_path / f"local{suffix}").read_bytes()
    assert all(record["mt"] for record in _records(tmp_path / "ray.jsonl"))   # a model pivot, not none


def test_align_engine_ray_needs_a_model(runner, tmp_path):
    result = runner.invoke(cli, ["align", str(SEEDS), "--engine", "ray"])
    assert result.exit_code == 2 and "--engine ray translates the pivot: give --model" in result.output


def test_the_input_is_written_shard_by_shard_as_it_is_read(tmp_path):
    """The driver streams the segments into input shards: when the 11th segment is read, the
    first ten are on disk already, so memory does not grow with the input."""
    from parallel.records import Segment
    from parallel.runs.ray_engine.options import shard_file
    from parallel.runs.ray_engine.records import _stage_inputs

    staging = tmp_path / "staging"

    def segments():
        for index in range(25):
            if index and index % 10 == 0:
                assert shard_file(staging, index // 10 - 1).exists()
            yield Segment("doc", 1, index + 1, f"sentence {index}")

    layout = _stage_inputs(segments(), staging, 10)
    assert (layout["shards"], layout["segments"]) == (3, 25)
    assert [len(shard_file(staging, i).read_text(encoding="utf-8").splitlines()) for i in range(3)] == [10, 10, 5]


def test_shards_are_sized_so_every_actor_has_work():
    """Issue 35: 200 lines in one shard of 1,000 left the second actor idle."""
    from parallel.runs.ray_engine import MAX_SHARD, MIN_SHARD, shard_size_for

    assert shard_size_for(200, 2) == MIN_SHARD and -(-200 // MIN_SHARD) >= 2 * 3          # 7 shards for 2 actors
    assert shard_size_for(2_000, 2) == 250 and shard_size_for(2_000, 4) == 125              # 4 shards an actor
    assert shard_size_for(1_000_000, 8) == MAX_SHARD and shard_size_for(None, 2) == MAX_SHARD
    assert RayOptions(shard_size=20).sized_for(2_000) == 20                                 # given: kept
    # --reproducible batches one length at a time: one large shard per actor keeps them full
    assert shard_size_for(2_000, 2, reproducible=True) == 1_000 and shard_size_for(200, 2, reproducible=True) == 100
    assert shard_size_for(10**6, 8, reproducible=True) == 4096


def test_the_cli_sizes_the_shards_from_the_input_and_a_resumed_run_keeps_them(local_ray, runner, installed_models,
                                                                              tmp_path):
    lines = tmp_path / "t.ara"
    lines.write_text("\n".join(f"قال الوزير إن الخطة رقم {n} جاهزة." for n in range(200)) + "\n", encoding="utf-8")
    args = ["translate", str(lines), "--lines", "--engine", "ray", "--out", str(tmp_path / "out"),
            "--models-dir", str(installed_models), "--no-cache"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    layout = json.loads((tmp_path / "out" / "shards" / "layout.json").read_text())
    assert layout["shard_size"] == 32 and layout["shards"] == 7
    again = runner.invoke(cli, [*args, "--actors", "1"])    # another pool: the same cut, nothing refused
    assert again.exit_code == 0, again.output


def test_the_cache_fill_streams_its_texts_a_chunk_at_a_time(model_dir, tmp_path, monkeypatch):
    """Issue 35: corpus and align on Ray no longer list every text the cache lacks in the driver's
    memory; the texts go by in chunks, each distinct missing one is spooled to disk once (repeats
    across chunks found through a table on disk), and the cache is asked a chunk at a time."""
    from parallel.runs.ray_engine import cache_fill
    from parallel.translate.cache import cache_keys

    monkeypatch.setattr(cache_fill, "LOOKUP_CHUNK", 10)
    options, sha = TranslateOptions(reproducible=True), Translator(model_dir).model_sha256
    texts = [f"نص رقم {n % 20}" for n in range(35)]          # 20 distinct, the repeats in later chunks
    read = []

    def streamed():
        for text in texts:
            read.append(text)
            yield text

    with TranslationCache(tmp_path / "cache.sqlite") as cache:
        cached = texts[:3]
        cache.put_many((key, sha, text, "done", 0.0, ()) for text, key in
                       cache_keys(sha, options.output_key(), cached).items())
        lookups = []
        real_lookup = cache.lookup
        monkeypatch.setattr(cache, "lookup", lambda keys: _counted(real_lookup, keys, lookups))
        distinct, written = cache_fill._spool_missing(streamed(), cache, sha, options.output_key(),
                                                      tmp_path / "spool.jsonl")
    spooled = [json.loads(line)["text"] for line in (tmp_path / "spool.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (distinct, written) == (20, 17) and spooled == list(dict.fromkeys(texts))[3:]
    assert read == texts and lookups and max(lookups) <= 10


def _counted(lookup, keys, sizes):
    keys = list(keys)
    sizes.append(len(keys))
    return lookup(keys)


def test_pair_docs_engine_ray_pairs_as_the_local_engine(local_ray, installed_models, tmp_path, runner):
    sides = {"ar": tmp_path / "ar", "en": tmp_path / "en"}
    for folder in sides.values():
        folder.mkdir()
    for k, path in enumerate(article_paths(SEEDS)):
        (sides["ar"] / f"a{k}.txt").write_bytes(path.read_bytes())
        (sides["en"] / f"e{(k + 3) % 5}.txt").write_bytes(reference_path(path).read_bytes())
    common = ["pair-docs", str(sides["ar"]), str(sides["en"]), "--model", "opus-mt-ar-en", "--models-dir",
              str(installed_models), "--no-cache", "--reproducible"]
    local = runner.invoke(cli, [*common, "--out", str(tmp_path / "local.tsv")])
    on_ray = runner.invoke(cli, [*common, "--out", str(tmp_path / "ray.tsv"), "--engine", "ray", "--actors", "2"])
    assert local.exit_code == 0 and on_ray.exit_code == 0, on_ray.output

    def pairs(name):
        return [line for line in (tmp_path / name).read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert len(pairs("local.tsv")) >= 4 and pairs("ray.tsv") == pairs("local.tsv")
