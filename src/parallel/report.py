"""The human-readable side of the pipeline's report: what to look at first, and ``report.md``."""
from __future__ import annotations

from pathlib import Path

from .documents import Translation
from .files import atomic_write


def format_counts(counts: dict[str, int], empty: str = "none") -> str:
    """``{"numbers": 3, "truncated": 1}`` → ``"numbers 3, truncated 1"``, in name order."""
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items())) or empty


def attention_order(translations: list[Translation], limit: int = 20) -> list[dict]:
    """Segments most worth a post-editor's attention: most flags first, then lowest MT score."""
    ranked = sorted(translations, key=lambda t: (-len(t.flags), t.score, t.segment.id))
    return [{"id": t.segment.id, "mt_score": round(t.score, 4), "flags": list(t.flags),
             "source": t.segment.text, "mt": t.text} for t in ranked[:limit]]


def _metric_rows(level: dict) -> list[str]:
    """Table rows; the signatures' ``|`` are escaped so that they stay inside their cell."""
    rows = []
    for metric in level.get("metrics", []):
        signature = metric["signature"].replace("|", "\\|")
        rows.append(f"| {metric.get('name', metric['metric'])} | {metric['score']:.2f} | `{signature}` |")
    return rows


def render_markdown(report: dict) -> str:
    totals, model = report["totals"], report["model"]
    lines = [
        f"# Corpus report — {report['tool']} {report['tool_version']}",
        "",
        f"- Created: {report['created']}",
        f"- Model: {model.get('name')} (model.bin sha256 `{model.get('model_bin_sha256')}`, "
        f"{model.get('quantization')}, from {model.get('source')})",
        f"- Options: beam {report['options']['beam_size']}, compute type {report['options']['compute_type']}, "
        f"{report['options']['threads']} threads",
        f"- Documents {totals['documents']}, paragraphs {totals['paragraphs']}, segments {totals['segments']}; "
        f"translated {totals['translated']}, from cache {totals['from_cache']}; "
        f"boilerplate lines removed {totals['boilerplate_removed']}",
        "- Flags: " + format_counts(totals["flags"]),
        "- Seconds per stage: " + ", ".join(f"{k} {v:.2f}" for k, v in report["timings_s"].items()),
        "",
        "## Documents",
        "",
        "| document | paragraphs | segments | from cache | flags | boilerplate removed |",
        "|---|---|---|---|---|---|",
    ]
    for doc in report["documents"]:
        lines.append(f"| {doc['id']} | {doc['paragraphs']} | {doc['segments']} | {doc['from_cache']} | "
                     f"{format_counts(doc['flags'], empty='—')} | "
                     f"{len(doc['boilerplate_removed'])} |")
    scores = report.get("scores") or {}
    if scores:
        lines += ["", "## Scores", "", f"References: {scores['references']}.", ""]
        for level in ("document_level", "paragraph_level"):
            lines += [f"**{level.replace('_', ' ')}** ({scores[level]['items']} items)", "",
                      "| metric | score | signature |", "|---|---|---|", *_metric_rows(scores[level]), ""]
        lines.append(f"Sentence level: {scores['sentence_level']}.")
    lines += ["", "## Look at these first", "", "| segment | MT score | flags |", "|---|---|---|"]
    lines += [f"| {a['id']} | {a['mt_score']:.3f} | {', '.join(a['flags']) or '—'} |" for a in report["attention"]]
    return "\n".join(lines) + "\n"


def write_markdown(path: Path, report: dict) -> None:
    with atomic_write(path) as out:
        out.write(render_markdown(report))
