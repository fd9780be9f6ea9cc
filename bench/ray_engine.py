"""The Ray engine against the local engine on the same cores (`make bench`).

The real-size random model of ``throughput.py`` (OPUS-MT ar-en shape, CTranslate2 int8, the end
of sentence pushed away so that every sentence decodes ceil(1.2 x source pieces) tokens), the
first N FLORES-200 dev+devtest Arabic sentences, greedy, ``--reproducible`` on both sides:

- local: one ``Translator`` with ``threads`` = the machine's cores;
- ray: ``translate_on_ray`` with 2 actors x 1 thread on a local Ray cluster of the same cores,
  shards of N/8 segments, timed from before ``ray.init`` to the joined output;
- fixed overhead: the same Ray call on 8 sentences (one shard), cluster start included;
- peak memory: each actor's peak resident set (``ru_maxrss``, the largest actor's), and this
  process's after the local run (model building included, so an upper bound for the local engine).

Results are merged into ``bench/results.json`` under ``"ray_engine"``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

from bench_results import merge_results
from throughput import HERE, LENGTH_RATIO, arabic_sentences, build_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=400)
    parser.add_argument("--work", type=Path, default=HERE.parent / ".bench")
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    args = parser.parse_args()

    from parallel.records import Segment
    from parallel.runs.ray_engine import RayOptions, translate_on_ray
    from parallel.translate.translator import TranslateOptions, Translator

    model_dir = build_model(args.work)
    sentences = arabic_sentences(args.sentences)
    segments = [Segment("bench", index + 1, 1, text) for index, text in enumerate(sentences)]
    cores = len(os.sched_getaffinity(0))
    options = TranslateOptions(beam_size=1, max_length_ratio=LENGTH_RATIO, max_length_margin=0, threads=cores,
                               reproducible=True)

    start = time.perf_counter()
    Translator(model_dir, options).translate_segments(segments, progress=False)
    local_s = time.perf_counter() - start
    local_peak_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)   # this process so far

    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    import ray
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        ray.init(num_cpus=cores, include_dashboard=False, log_to_driver=False)
        translate_on_ray(segments[:8], model_dir, options, Path(tmp) / "small", RayOptions(shard_size=8))
        overhead_s = time.perf_counter() - start
        start = time.perf_counter()
        run = translate_on_ray(segments, model_dir, options, Path(tmp) / "all",
                               RayOptions(actors=2, threads_per_actor=max(1, cores // 2),
                                          shard_size=max(1, len(segments) // 8)))
        ray_s = time.perf_counter() - start
        ray.shutdown()

    result = {
        "what": "seconds to translate N sentences, local engine vs --engine ray on the same cores",
        "input": f"first {len(sentences)} FLORES-200 dev+devtest Arabic sentences",
        "model": "real-size random OPUS-MT ar-en shape, int8, fixed output lengths (throughput.py)",
        "machine": {"cores": cores, "python": platform.python_version()},
        "local_s": round(local_s, 2), "ray_s": round(ray_s, 2),
        "ray_fixed_overhead_s": round(overhead_s, 2),
        "ray_actor_peak_rss_mb": run.actor_peak_rss_mb,
        "local_peak_rss_mb": local_peak_mb,
        "ray_over_local_speed": round(local_s / ray_s, 3),
        "local_sentences_per_s": round(len(sentences) / local_s, 2),
        "ray_sentences_per_s": round(len(sentences) / ray_s, 2),
        "date": time.strftime("%Y-%m-%d"),
    }
    merge_results(args.results, "ray_engine", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
