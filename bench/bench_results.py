"""``bench/results.json``: each benchmark merges its own entry, leaving the others' as they are."""
from __future__ import annotations

import json
from pathlib import Path


def read_results(path: Path) -> dict:
    """Every benchmark's stored results ({} when there are none yet)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def merge_results(path: Path, key: str, result: dict) -> None:
    """Store ``result`` under ``key`` in ``path``, keeping the other benchmarks' entries."""
    results = read_results(path)
    results[key] = result
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
