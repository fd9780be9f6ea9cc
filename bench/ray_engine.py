"""The Ray engine against the local engine on the same cores (`make bench`).

The real-size random model of ``throughput.py`` (OPUS-MT ar-en shape, CTranslate2 int8, the end
of sentence pushed away so that every sentence decodes ceil(1.2 x source pieces) tokens), the
first N FLORES-200 dev+devtest Arabic sentences, greedy, default decoding (not ``--reproducible``:
its one-length batches cost Ray's smaller shards more; see docs/scale.md), no cache:

- local: ``Translator`` with ``threads`` = the machine's cores, built and run for N and for a
  small n sentences (the model load counted in each);
- ray: ``translate_on_ray`` on a local Ray cluster of the same cores, the CLI's pool (2 actors x 1
  thread) and its shard rule, for N and for n (actors, model loads, Ray Data's start counted in each);
- steady-state throughput of each engine = (N - n) / (t_N - t_n): what a longer run adds per
  sentence, the fixed costs cancelled; the Ray engine's start cost = the cluster's start plus its
  fixed cost per run (t_N - N / steady rate);
- the same for ``parallel corpus`` (``run_corpus``), the N sentences written as articles of 20;
- each engine's peak resident memory (the largest actor's; this process's after the local runs).

Runs are interleaved (local N, ray N, local n, ray n) ``--repeat`` times; medians are reported.
Results are merged into ``bench/results.json`` under ``"ray_engine"``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import tempfile
import time
from pathlib import Path

from bench_results import merge_results
from throughput import HERE, LENGTH_RATIO, arabic_sentences, build_model

ARTICLE_SENTENCES = 20


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def steady(total: int, small: int, seconds_total: float, seconds_small: float) -> float:
    """Sentences per second a longer run adds: fixed costs cancel in the difference."""
    return (total - small) / max(1e-9, seconds_total - seconds_small)


def write_articles(sentences: list[str], folder: Path) -> Path:
    """The sentences as articles of ``ARTICLE_SENTENCES``, one sentence a paragraph."""
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(sentences), ARTICLE_SENTENCES):
        text = "\n\n".join(sentences[start:start + ARTICLE_SENTENCES]) + "\n"
        (folder / f"a{start // ARTICLE_SENTENCES:05d}.txt").write_text(text, encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--small", type=int, default=200, help="the short run whose time is subtracted")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--actors", type=int, default=2)
    parser.add_argument("--no-corpus", action="store_true", help="skip the corpus rows")
    parser.add_argument("--work", type=Path, default=HERE.parent / ".bench")
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    args = parser.parse_args()

    from parallel.records import Segment
    from parallel.runs.corpus import CorpusConfig, run_corpus
    from parallel.runs.ray_engine import RayOptions, shard_size_for, translate_on_ray
    from parallel.translate.translator import TranslateOptions, Translator

    model_dir = build_model(args.work)
    sentences = arabic_sentences(args.sentences)
    segments = [Segment("bench", index + 1, 1, text) for index, text in enumerate(sentences)]
    sizes = {"N": args.sentences, "n": args.small}
    cores = len(os.sched_getaffinity(0))
    threads = max(1, cores // args.actors)
    options = TranslateOptions(beam_size=1, max_length_ratio=LENGTH_RATIO, max_length_margin=0, threads=cores)
    pool = RayOptions(actors=args.actors, threads_per_actor=threads)

    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    import ray

    times = {(engine, size): [] for engine in ("local", "ray") for size in sizes}
    peaks = []
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        ray.init(address="local", num_cpus=cores, include_dashboard=False, log_to_driver=False)
        cluster_start_s = time.perf_counter() - start
        for repeat in range(args.repeat):
            for size_name, size in sizes.items():
                part = segments[:size]
                times["local", size_name].append(timed(
                    lambda part=part: Translator(model_dir, options).translate_segments(part, progress=False)))
                out = Path(tmp) / f"ray-{repeat}-{size_name}"
                result = {}
                times["ray", size_name].append(timed(lambda part=part, out=out, result=result: result.update(
                    run=translate_on_ray(part, model_dir, options, out, pool, progress=False))))
                peaks.append(result["run"].actor_peak_rss_mb)
        local_peak_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

        corpus = {}
        if not args.no_corpus:
            for size_name, size in sizes.items():
                seeds = write_articles(sentences[:size], Path(tmp) / f"seeds-{size_name}")
                for engine, ray_options in (("local", None), ("ray", pool)):
                    config = CorpusConfig(seeds_dir=seeds, out_dir=Path(tmp) / f"corpus-{engine}-{size_name}",
                                          model=str(model_dir), use_cache=False, options=options, progress=False,
                                          ray=ray_options)
                    corpus[engine, size_name] = timed(lambda config=config: run_corpus(config))
        ray.shutdown()

    median = {key: statistics.median(values) for key, values in times.items()}
    local_rate = steady(sizes["N"], sizes["n"], median["local", "N"], median["local", "n"])
    ray_rate = steady(sizes["N"], sizes["n"], median["ray", "N"], median["ray", "n"])
    ray_fixed_s = median["ray", "N"] - sizes["N"] / ray_rate
    result = {
        "what": "local engine vs --engine ray on the same cores: steady-state throughput (N - n) / (t_N - t_n) and "
                "the Ray engine's start cost (cluster start + fixed cost per run)",
        "input": f"first {sizes['N']} (N) and {sizes['n']} (n) FLORES-200 dev+devtest Arabic sentences",
        "model": "real-size random OPUS-MT ar-en shape, int8, fixed output lengths (throughput.py), greedy, "
                 "default decoding (not --reproducible), no cache",
        "machine": {"cores": cores, "python": platform.python_version()},
        "pool": {"actors": args.actors, "threads_per_actor": threads,
                 "shard_size": shard_size_for(sizes["N"], args.actors)},
        "repeat": args.repeat,
        "seconds": {f"{engine}_{size}": [round(t, 2) for t in values] for (engine, size), values in times.items()},
        "local_steady_sentences_per_s": round(local_rate, 2),
        "ray_steady_sentences_per_s": round(ray_rate, 2),
        "ray_over_local_steady": round(ray_rate / local_rate, 3),
        "ray_over_local_whole_run_N": round(median["local", "N"] / median["ray", "N"], 3),
        "ray_cluster_start_s": round(cluster_start_s, 2),
        "ray_fixed_per_run_s": round(ray_fixed_s, 2),
        "ray_start_cost_s": round(cluster_start_s + ray_fixed_s, 2),
        "ray_actor_peak_rss_mb": max(p for p in peaks if p),
        "local_peak_rss_mb": local_peak_mb,
        "date": time.strftime("%Y-%m-%d"),
    }
    if corpus:
        corpus_local = steady(sizes["N"], sizes["n"], corpus["local", "N"], corpus["local", "n"])
        corpus_ray = steady(sizes["N"], sizes["n"], corpus["ray", "N"], corpus["ray", "n"])
        result["corpus"] = {
            "what": "parallel corpus (run_corpus) on the N and n sentences as articles of 20, one run each",
            "seconds": {f"{engine}_{size}": round(t, 2) for (engine, size), t in corpus.items()},
            "ray_over_local_steady": round(corpus_ray / corpus_local, 3),
            "ray_over_local_whole_run_N": round(corpus["local", "N"] / corpus["ray", "N"], 3),
            "ray_fixed_per_run_s": round(corpus["ray", "N"] - sizes["N"] / corpus_ray, 2),
        }
    merge_results(args.results, "ray_engine", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
