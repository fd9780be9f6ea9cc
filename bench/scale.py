"""Scale: `parallel translate` or `parallel corpus` over 1k / 10k / 100k sentences, cache off — wall time and peak RSS.

The input is FLORES-200 dev+devtest Arabic (2,009 sentences) repeated and shuffled (seeded) up to
the size asked for, as ``parallel segment --jsonl`` records.  Each repeat of a sentence gets its
repeat number appended in Arabic-Indic digits ("… (١٢)"), so that every source text is distinct
and nothing is saved by translating a repeated text once.  Each size runs `parallel translate
--jsonl --no-cache` in its own process (CI=true, so no progress bar); peak RSS is that process's
own ``VmHWM`` (bench/peak_rss.py), and the output is checked to have one record per input line.
With ``--command corpus`` the same sentences become articles of 50 (a paragraph line per 5) with
their English as ``<doc>.en.txt`` references, and `parallel corpus --no-cache` runs over the folder:
every stage, alignment and scores against the references included; the row adds its stage times.

Models (no real one is reachable here): ``tiny`` is the test suite's random model (1+1 layers,
d_model 16; output lengths random up to the decoding limit), which shows what the pipeline
itself holds in memory and how its time grows; ``shape`` is bench/throughput.py's random model of
opus-mt-ar-en's real size (never stops: every sentence decodes to 2 x source pieces + 10), whose
decoding state dominates memory.  Results are merged into ``bench/results.json`` under "scale".
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from pathlib import Path
from typing import Iterator

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests"))

from bench_results import merge_results, read_results  # noqa: E402
from peak_rss import run_cli  # noqa: E402
from throughput import TESTSETS, arabic_sentences, build_model, flores_lines  # noqa: E402

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def shuffled_repeats(count: int, size: int, seed: int) -> Iterator[tuple[int, str]]:
    """``size`` (index, mark) pairs: indices below ``count`` in seeded shuffled rounds, and a mark to
    append (nothing in the first round, " (n)" in round n) so that every repeated text is distinct."""
    rng = random.Random(seed)
    given, repeat = 0, 0
    while given < size:
        order = list(range(count))
        rng.shuffle(order)
        for index in order[: size - given]:
            yield index, "" if repeat == 0 else f" ({repeat})"
        given += min(count, size - given)
        repeat += 1


def write_input(path: Path, size: int, seed: int) -> None:
    """``size`` distinct segments made from shuffled repeats of the FLORES Arabic sentences."""
    sentences = arabic_sentences(2009)
    with open(path, "w", encoding="utf-8") as out:
        for number, (index, mark) in enumerate(shuffled_repeats(len(sentences), size, seed), 1):
            text = sentences[index] + mark.translate(ARABIC_INDIC)
            record = {"id": f"s{number}:1:1", "doc": f"s{number}", "para": 1, "sent": 1, "text": text}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_articles(folder: Path, size: int, seed: int, sentences_per_article: int = 50,
                   sentences_per_paragraph: int = 5) -> None:
    """``size`` distinct FLORES sentences as articles with English references, for `parallel corpus`.

    The sentences are shuffled repeats as in ``write_input``; each article holds
    ``sentences_per_article`` of them, a paragraph (one line) per ``sentences_per_paragraph``, and
    its ``.en.txt`` reference holds the same sentences' English, paragraph for paragraph."""
    arabic, english = arabic_sentences(2009), flores_lines("eng")[:2009]
    if len(english) != len(arabic):
        raise SystemExit(f"{TESTSETS}: the corpus benchmark needs FLORES-200 English beside the Arabic")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    pairs = [(arabic[i] + mark.translate(ARABIC_INDIC), english[i] + mark)
             for i, mark in shuffled_repeats(len(arabic), size, seed)]
    for number, start in enumerate(range(0, size, sentences_per_article), 1):
        article = pairs[start:start + sentences_per_article]
        for side, suffix in ((0, ".txt"), (1, ".en.txt")):
            lines = [" ".join(pair[side] for pair in article[p:p + sentences_per_paragraph])
                     for p in range(0, len(article), sentences_per_paragraph)]
            (folder / f"a{number:05d}{suffix}").write_text("\n".join(lines) + "\n", encoding="utf-8")


def build_tiny_model(work: Path) -> Path:
    import tinymodel
    from parallel.translate.models import import_model

    models = work / "models"
    installed = models / "opus-mt-ar-en-tiny"
    if (installed / "manifest.json").is_file():
        return installed
    english = TESTSETS / "flores200-dev.eng"
    target = english.read_text(encoding="utf-8").splitlines() if english.is_file() else arabic_sentences(50)
    release = tinymodel.write_marian_model(work / "release-tiny", arabic_sentences(2000), target)
    return import_model(release, name="opus-mt-ar-en-tiny", models_dir=models, force=True)


def run_translate(model_dir: Path, input_path: Path, output_path: Path, threads: int, beam: int) -> dict:
    with open(output_path, "wb") as out:
        wall, peak_rss_mb = run_cli(["translate", "--jsonl", "--no-cache", "--models-dir", str(model_dir.parent),
                                     "--model", model_dir.name, "--threads", str(threads), "--beam-size", str(beam),
                                     str(input_path)], stdout=out)
    with open(output_path, "rb") as out:
        records = sum(1 for _ in out)
    return {"seconds": round(wall, 2), "peak_rss_mb": round(peak_rss_mb, 1), "output_records": records}


def run_corpus(model_dir: Path, seeds: Path, out: Path, threads: int, beam: int, calibrate: bool = True) -> dict:
    wall, peak_rss_mb = run_cli(["corpus", "--seeds", str(seeds), "--out", str(out), "--no-cache",
                                 "--models-dir", str(model_dir.parent), "--model", model_dir.name,
                                 "--threads", str(threads), "--beam-size", str(beam),
                                 "--calibrate" if calibrate else "--no-calibrate"])
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {"seconds": round(wall, 2), "peak_rss_mb": round(peak_rss_mb, 1),
            "output_records": report["totals"]["segments"], "timings_s": report["timings_s"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--command", choices=["translate", "corpus"], default="translate")
    parser.add_argument("--model", choices=["tiny", "shape"], default="tiny")
    parser.add_argument("--beam-size", type=int, default=4)
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-calibrate", action="store_true",
                        help="corpus: one pass, lengths judged by the shipped model (the default calibrates: two passes)")
    parser.add_argument("--work", type=Path, default=REPO / ".bench")
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    model_dir = build_tiny_model(args.work) if args.model == "tiny" else build_model(args.work)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        if args.command == "corpus":
            seeds = args.work / f"scale-{size}-articles"
            write_articles(seeds, size, args.seed)
            row = {"sentences": size, **run_corpus(model_dir, seeds, args.work / f"scale-{size}-corpus",
                                                   args.threads, args.beam_size, not args.no_calibrate)}
        else:
            input_path = args.work / f"scale-{size}.jsonl"
            write_input(input_path, size, args.seed)
            row = {"sentences": size, **run_translate(model_dir, input_path, args.work / f"scale-{size}.out.jsonl",
                                                      args.threads, args.beam_size)}
            if row["output_records"] != size:
                raise SystemExit(f"{size} sentences in, {row['output_records']} records out")
        row["sentences_per_s"] = round(size / row["seconds"], 1)
        rows.append(row)
        print(json.dumps(row), flush=True)
    result = {
        "what": {"translate": "parallel translate --jsonl --no-cache over N distinct segments",
                 "corpus": "parallel corpus --no-cache over N distinct sentences in articles of 50 with English "
                           "references (segments: what the segmenter made of them)"
                           + (", --no-calibrate (one pass)" if args.no_calibrate else
                              ", calibrating its length flag (two passes)")}[args.command]
                + " in one process: wall seconds (model load included) and peak RSS; see bench/scale.py",
        "model": {"tiny": "the tests' random model (1+1 layers, d_model 16), CTranslate2 int8",
                  "shape": "random model of opus-mt-ar-en's size (6+6, 512, vocabulary 62,834), int8, never stops"}
                 [args.model],
        "beam_size": args.beam_size,
        "input": "FLORES-200 dev+devtest Arabic, shuffled repeats made distinct by an appended repeat number",
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "threads": args.threads},
        "measured": time.strftime("%Y-%m-%d"),
        "rows": rows,
    }
    key = args.model if args.command == "translate" else f"corpus-{args.model}" + ("-no-calibrate" if args.no_calibrate
                                                                                 else "")
    merge_results(args.results, "scale", {**read_results(args.results).get("scale", {}), key: result})


if __name__ == "__main__":
    main()
