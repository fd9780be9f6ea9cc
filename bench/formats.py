"""Peak memory and time of writing many units to each exchange format (`make bench`).

Each measurement runs in its own Python process so that its ``VmHWM`` is that writer's peak
alone (not ``ru_maxrss``, which keeps the parent's high-water mark across exec: see
bench/peak_rss.py); a process that imports the same modules and writes nothing gives the
baseline.  Units
are FLORES-200 dev/devtest sentence pairs (or the seed articles' paragraphs when the test sets
are absent), cycled with a running number in the id so that no two units are equal.
Results are merged into ``bench/results.json`` under ``"formats"``.
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_results import merge_results

HERE = Path(__file__).resolve().parent
TESTSETS = HERE.parent.parent / "shared" / "testsets" / "ara-eng"

CHILD = r"""
import itertools, json, sys, time
from pathlib import Path
from parallel.records import Segment, Translation
from parallel.formats.jsonl import translation_record, write_jsonl
from parallel.formats.moses import write_moses
from parallel.formats.provenance import Provenance
from parallel.formats.tmx import translation_unit, write_tmx
from parallel.formats.xliff import translation_xliff_unit, write_xliff

fmt, count, pairs_path, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
pairs = json.loads(Path(pairs_path).read_text(encoding="utf-8"))
provenance = Provenance("bench", "0" * 64)

def translations():
    for n, (source, target) in zip(range(count), itertools.cycle(pairs)):
        yield Translation(Segment(f"doc{n // 20}", n % 20 // 5 + 1, n % 5 + 1, source), target, -0.5, ("numbers",))

start = time.perf_counter()
if fmt == "tmx":
    write_tmx(out, (translation_unit(t, provenance) for t in translations()), provenance)
elif fmt == "xliff":
    write_xliff(out, (translation_xliff_unit(t) for t in translations()), provenance)
elif fmt == "jsonl":
    write_jsonl(out, (translation_record(t, "bench") for t in translations()))
elif fmt == "moses":
    write_moses(out, translations())
seconds = time.perf_counter() - start
# VmHWM, not ru_maxrss: ru_maxrss carries the parent's high-water mark across vfork + exec.
peak_kib = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
                if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "peak_rss_kib": peak_kib}))
"""


def sentence_pairs() -> list[list[str]]:
    pairs = []
    for split in ("dev", "devtest"):
        ara, eng = TESTSETS / f"flores200-{split}.ara", TESTSETS / f"flores200-{split}.eng"
        if ara.is_file() and eng.is_file():
            pairs += [list(p) for p in zip(ara.read_text(encoding="utf-8").splitlines(),
                                           eng.read_text(encoding="utf-8").splitlines())]
    if not pairs:
        seeds = sorted((HERE.parent / "seeds").glob("*.en.txt"))
        for reference in seeds:
            article = reference.with_name(reference.name.replace(".en.txt", ".txt"))
            pairs += [list(p) for p in zip(article.read_text(encoding="utf-8").splitlines(),
                                           reference.read_text(encoding="utf-8").splitlines())]
    return pairs


def measure(fmt: str, count: int, pairs_path: Path, workdir: Path) -> dict:
    out = workdir / f"out.{fmt}"
    result = subprocess.run([sys.executable, "-c", CHILD, fmt, str(count), str(pairs_path), str(out)],
                            capture_output=True, text=True, check=True)
    measured = json.loads(result.stdout)
    size = sum(p.stat().st_size for p in workdir.glob("out.*"))
    for path in workdir.glob("out.*"):
        path.unlink()
    return {"format": fmt, "units": count, "seconds": round(measured["seconds"], 2),
            "units_per_s": round(count / measured["seconds"]) if measured["seconds"] else None,
            "peak_rss_mb": round(measured["peak_rss_kib"] / 1024, 1), "output_mb": round(size / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--formats", default="tmx,xliff,jsonl,moses")
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    pairs = sentence_pairs()
    with tempfile.TemporaryDirectory() as tmp:
        pairs_path = Path(tmp) / "pairs.json"
        pairs_path.write_text(json.dumps(pairs, ensure_ascii=False), encoding="utf-8")
        baseline = measure("none", 0, pairs_path, Path(tmp))
        rows = [measure(fmt, args.units, pairs_path, Path(tmp)) for fmt in args.formats.split(",")]
    merge_results(args.results, "formats", {
        "what": "write N units, each format in its own process; peak RSS = that process's own VmHWM",
        "input": f"{len(pairs)} {'FLORES-200 dev+devtest' if TESTSETS.is_dir() else 'seed'} sentence pairs, cycled",
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine()},
        "measured": time.strftime("%Y-%m-%d"),
        "baseline_rss_mb": baseline["peak_rss_mb"],
        "rows": rows,
    })
    print(f"baseline (imports only): {baseline['peak_rss_mb']} MB peak RSS")
    print(f"{'format':8} {'units':>9} {'seconds':>8} {'units/s':>8} {'peak RSS MB':>12} {'output MB':>10}")
    for row in rows:
        print(f"{row['format']:8} {row['units']:>9} {row['seconds']:>8} {row['units_per_s']:>8} "
              f"{row['peak_rss_mb']:>12} {row['output_mb']:>10}")


if __name__ == "__main__":
    main()
