"""Ray Data's row checkpoints (``CheckpointConfig``) against our shards, as a way to resume.

Issue 25 asked to measure both and pick one.  Our shards are measured by ``tests/test_ray.py``
(a re-run translates only the missing shards; a killed actor loses and repeats nothing).  This
script measures Ray Data's checkpoints on the same local cluster shape (2 CPUs, an actor pool of
2), with a stand-in for translation (a UDF that sleeps 0.1 s per batch of 10 rows and counts the
rows it saw in a file), 400 rows, output written with ``write_parquet``:

1. ``from_items`` input (how ``translate_on_ray`` feeds its pool): a complete run, then the same
   run again — how many rows the second run processes, how many rows the output then holds.
2. Parquet input (``read_parquet``, 40 files, the form checkpoint filtering is built for): the UDF
   fails after 12 batches on an actor; then the run again — rows processed before the failure,
   checkpoint files left, rows processed by the resumed run, rows in the output; then, the run
   having succeeded, the same run once more.

Results are merged into ``bench/results.json`` under ``"ray_checkpoint"``.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from bench_results import merge_results

HERE = Path(__file__).resolve().parent
ROWS, BATCH = 400, 10


class _Work:
    """The stand-in for translation: 0.1 s a batch, rows counted in ``processed``; fails once after
    ``fail_after`` batches on one actor when asked."""

    def __init__(self, work: str, fail_after: int) -> None:
        self.work, self.fail_after, self.batches = Path(work), fail_after, 0

    def __call__(self, batch: dict) -> dict:
        self.batches += 1
        marker = self.work / "failed-once"
        if self.fail_after and self.batches > self.fail_after and not marker.exists():
            marker.touch()
            raise RuntimeError("a translation failed")
        time.sleep(0.1)
        with open(self.work / "processed", "a") as out:
            out.write(f"{len(batch['id'])}\n")
        batch["out"] = [text.upper() for text in batch["text"]]
        return batch


def _processed(work: Path) -> int:
    path = work / "processed"
    return sum(int(line) for line in path.read_text().split()) if path.exists() else 0


def _run(ray, work: Path, source: str, fail_after: int) -> str:
    from ray.data import ActorPoolStrategy
    from ray.data.checkpoint import CheckpointConfig

    context = ray.data.DataContext.get_current()
    context.checkpoint_config = CheckpointConfig(id_column="id", checkpoint_path=str(work / "checkpoints"),
                                                 delete_checkpoint_on_success=False)
    rows = [{"id": index, "text": f"sentence {index}"} for index in range(ROWS)]
    if source == "items":
        dataset = ray.data.from_items(rows, override_num_blocks=ROWS // BATCH)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        inputs = work / "input"
        if not inputs.exists():
            inputs.mkdir()
            for start in range(0, ROWS, BATCH):
                pq.write_table(pa.Table.from_pylist(rows[start:start + BATCH]), inputs / f"{start:05d}.parquet")
        # read tasks take no CPU, else actors holding every CPU starve them (the pitfall of issue 25)
        dataset = ray.data.read_parquet(str(inputs), override_num_blocks=ROWS // BATCH,
                                        ray_remote_args={"num_cpus": 0})
    try:
        dataset.map_batches(_Work, batch_size=BATCH, compute=ActorPoolStrategy(size=2), num_cpus=0.5,
                            fn_constructor_kwargs={"work": str(work), "fail_after": fail_after}
                            ).write_parquet(str(work / "output"))
        return "completed"
    except Exception as exc:   # noqa: BLE001 (the failure is what is measured)
        return f"failed: {type(exc).__name__}"


def _output_rows(work: Path) -> int:
    import pyarrow.parquet as pq

    files = list((work / "output").glob("*.parquet")) if (work / "output").exists() else []
    return sum(pq.read_metadata(path).num_rows for path in files)


def _files(folder: Path) -> int:
    return len(list(folder.glob("*"))) if folder.exists() else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    import ray
    import ray.data

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    result: dict = {"what": "resume with Ray Data checkpoints: rows processed again, rows in the output",
                    "how": f"{ROWS} rows, batches of {BATCH}, 2 actors, write_parquet, CheckpointConfig(id_column)",
                    "ray": ray.__version__, "date": time.strftime("%Y-%m-%d")}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "items"
        work.mkdir()
        first = _run(ray, work, "items", 0)
        first_rows = _processed(work)
        second = _run(ray, work, "items", 0)
        result["from_items_rerun"] = {"first_run": first, "first_processed": first_rows, "second_run": second,
                                      "second_processed": _processed(work) - first_rows,
                                      "checkpoint_files": _files(work / "checkpoints"),
                                      "output_rows": _output_rows(work)}
        work = Path(tmp) / "parquet"
        work.mkdir()
        first = _run(ray, work, "parquet", 12)
        first_rows, checkpoints = _processed(work), _files(work / "checkpoints")
        second = _run(ray, work, "parquet", 0)
        result["read_parquet_failure_resume"] = {
            "first_run": first, "processed_before_failure": first_rows, "checkpoint_files_left": checkpoints,
            "resumed_run": second, "resumed_processed": _processed(work) - first_rows,
            "output_rows": _output_rows(work)}
        before = _processed(work)
        third = _run(ray, work, "parquet", 0)
        result["read_parquet_rerun_after_success"] = {"run": third, "processed": _processed(work) - before,
                                                      "output_rows": _output_rows(work)}
    ray.shutdown()
    merge_results(args.results, "ray_checkpoint", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
