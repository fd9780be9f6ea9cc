"""Our aligner beside Bleualign on the same perturbed documents and the same pivot (`make bench`).

FLORES-200 dev and devtest as `parallel eval align` builds them (merge 0.1, drop 0.05, insert 0.05;
seeds 7 and 1), documents as published and joined eight at a time (`--join 8`, as long as news
articles); the pivot is the simulated MT of `--simulate-mt`.  Ours is run three ways: with that
pivot, without MT, and with the learned table.  Bleualign (the `pypi-bleualign` package of the
`[eval]` extra, Sennrich & Volk 2010) gets the same source, target and pivot per document through
its Python API; it names only the sentences it pairs, so every sentence it leaves out is counted
as a skip, as ours are.  Both are scored by `runs.align_eval.alignment_scores` (strict F1,
Vecalign's definitions).  Seconds are the alignment alone, in this process.  Results are merged
into ``bench/results.json`` under ``"align_peers"``.
"""
from __future__ import annotations

import argparse
import io
import platform
import time
from pathlib import Path

from bench_results import merge_results

from parallel.runs.align_eval import (
    AlignEvalConfig,
    GoldDocument,
    alignment_scores,
    evaluate_alignment,
    join_documents,
    perturbed_documents_and_pivots,
    read_documents,
)

HERE = Path(__file__).resolve().parent
TESTSETS = HERE.parent.parent / "shared" / "testsets" / "ara-eng"
SETTINGS = dict(merge=0.1, drop=0.05, insert=0.05)


def bleualign_beads(document: GoldDocument, pivot: list[str]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Bleualign's pairs for one document, and a skip for each sentence it left out."""
    from bleualign.align import Aligner

    def lines(texts: list[str]) -> io.StringIO:
        return io.StringIO("\n".join(texts) + "\n")
    aligner = Aligner({"srcfile": lines(document.source), "targetfile": lines(document.target),
                       "srctotarget": [lines(pivot)], "targettosrc": [], "verbosity": 0, "output": None})
    beads = []
    for (source, target), _ in aligner.process(document.source, document.target, [pivot], []):
        beads.append((tuple(source) if isinstance(source, (list, tuple)) else (source,),
                      tuple(target) if isinstance(target, (list, tuple)) else (target,)))
    used_source = {i for source, _ in beads for i in source}
    used_target = {j for _, target in beads for j in target}
    beads += [((i,), ()) for i in range(len(document.source)) if i not in used_source]
    beads += [((), (j,)) for j in range(len(document.target)) if j not in used_target]
    return beads


def run(join: int, split: str, seed: int) -> dict:
    """Strict F1 and seconds of each aligner on one split, seed and document length."""
    documents = join_documents(read_documents(*(TESTSETS / f"flores200-{split}.{kind}"
                                                for kind in ("ara", "eng", "docids"))), join)
    row = {}
    for name, config in (("ours, simulated MT", AlignEvalConfig(**SETTINGS, seed=seed, simulate_mt=True)),
                         ("ours, no MT", AlignEvalConfig(**SETTINGS, seed=seed, use_pivot=False)),
                         ("ours, learned table", AlignEvalConfig(**SETTINGS, seed=seed, use_pivot=False,
                                                                 lexicon=True))):
        start = time.perf_counter()
        f1 = evaluate_alignment(documents, config)["strict"]["f1"]
        row[name] = {"f1": f1, "seconds": round(time.perf_counter() - start, 2)}
    try:
        start = time.perf_counter()
        pieces, pivots = perturbed_documents_and_pivots(documents, AlignEvalConfig(**SETTINGS, seed=seed,
                                                                                  simulate_mt=True))
        pairs = [(piece.gold, bleualign_beads(piece, pivot)) for piece, pivot in zip(pieces, pivots)]
        row["Bleualign, simulated MT"] = {"f1": alignment_scores(pairs)["strict"]["f1"],
                                          "seconds": round(time.perf_counter() - start, 2)}
    except ImportError:
        row["Bleualign, simulated MT"] = {"f1": None, "note": "pypi-bleualign not installed (the [eval] extra)"}
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    if not TESTSETS.is_dir():
        raise SystemExit(f"error: {TESTSETS}: no FLORES-200 test sets (shared/ beside the project)")
    table = {}
    for join in (1, 8):
        for split in ("dev", "devtest"):
            for seed in (7, 1):
                key = f"{split} seed {seed}, documents joined {join} at a time"
                table[key] = run(join, split, seed)
                print(key, "  ".join(f"{name} {value['f1']}" for name, value in table[key].items()), flush=True)
    merge_results(args.results, "align_peers", {
        "what": "strict F1 of our aligner and Bleualign on FLORES-200 perturbed as `parallel eval align` does "
                "(merge 0.1, drop 0.05, insert 0.05), same documents and simulated MT pivot",
        "machine": f"{platform.machine()}, {platform.python_version()}", "runs": table})


if __name__ == "__main__":
    main()
