"""The human-readable side of the pipeline's report: what to look at first, and ``report.md``."""
from __future__ import annotations

import heapq
from pathlib import Path

from parallel.files import atomic_write
from parallel.records import Pair, Translation


def format_counts(counts: dict[str, int], empty: str = "none") -> str:
    """``{"numbers": 3, "truncated": 1}`` → ``"numbers 3, truncated 1"``, in name order."""
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items())) or empty


def flag_counts(translations: list[Translation]) -> dict[str, int]:
    """How many translations carry each flag."""
    counts: dict[str, int] = {}
    for translation in translations:
        for flag in translation.flags:
            counts[flag] = counts.get(flag, 0) + 1
    return counts


class AttentionList:
    """The ``limit`` segments most worth a post-editor's attention, kept as translations stream past.

    Most flags first; then, where references exist, lowest sentence chrF against the aligned
    reference; then lowest MT score.  Segments with no aligned reference sentence rank after the
    scored ones among equally flagged segments, ordered by MT score."""

    def __init__(self, limit: int = 20) -> None:
        self.limit = limit
        self._best: list[tuple[tuple, Translation, float | None]] = []

    def add(self, translations: list[Translation],
            matches: dict[str, dict[str, Pair]] | None = None) -> None:
        """Rank ``translations`` (``matches``: document id → segment id → reference match) against
        the ones kept so far."""
        by_segment = {segment_id: match for document in (matches or {}).values()
                      for segment_id, match in document.items()}
        ranked = []
        for translation in translations:
            match = by_segment.get(translation.segment.id)
            chrf = match.chrf if match is not None else None
            key = (-len(translation.flags), chrf is None, chrf or 0.0, translation.score, translation.segment.id)
            ranked.append((key, translation, chrf))
        self._best = heapq.nsmallest(self.limit, self._best + ranked, key=lambda item: item[0])

    def items(self) -> list[dict]:
        """The kept translations, worst first, as report records."""
        return [{"id": t.segment.id, "mt_score": round(t.score, 4), "chrf": chrf, "flags": list(t.flags),
                 "source": t.segment.text, "mt": t.text} for _, t, chrf in self._best]


def _metric_rows(level: dict) -> list[str]:
    """Table rows; the signatures' ``|`` are escaped so that they stay inside their cell."""
    rows = []
    for metric in level.get("metrics", []):
        signature = metric["signature"].replace("|", "\\|")
        rows.append(f"| {metric.get('name', metric['metric'])} | {metric['score']:.2f} | `{signature}` |")
    return rows


def _page_lines(report: dict) -> list[str]:
    """The web pages the articles were read from: where each came from and how much was left out."""
    pages = [(doc["id"], doc["page"]) for doc in report["documents"] if doc.get("page")]
    if not pages:
        return []
    lines = ["", "## Web pages", "",
             f"{len(pages)} articles read from saved pages: the main text extracted (trafilatura), "
             f"{report['totals'].get('page_chars_dropped', 0)} visible characters of page furniture left out.", "",
             "| document | URL | title | date | author | site | characters kept / page |",
             "|---|---|---|---|---|---|---|"]
    for doc_id, page in pages:
        cells = [page.get(key) or "—" for key in ("url", "title", "date", "author", "site")]
        lines.append(f"| {doc_id} | " + " | ".join(cell.replace("|", "\\|") for cell in cells)
                     + f" | {page['article_chars']} / {page['page_chars']} |")
    return lines


def render_markdown(report: dict) -> str:
    """The report (as in ``report.json``) as Markdown for people."""
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
        f"- Words (white-space separated): source {totals['words']['source']}, MT {totals['words']['mt']}; "
        f"model tokens (SentencePiece): source {totals['tokens']['source']}, MT {totals['tokens']['mt']}",
        "- Flags: " + format_counts(totals["flags"]) + length_model_note(report.get("length_model")),
        "- Seconds per stage: " + ", ".join(f"{k} {v:.2f}" for k, v in report["timings_s"].items()),
        "",
        "## Documents",
        "",
        "| document | paragraphs | segments | words ar / MT | tokens ar / MT | from cache | flags "
        "| boilerplate removed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for doc in report["documents"]:
        lines.append(f"| {doc['id']} | {doc['paragraphs']} | {doc['segments']} | "
                     f"{doc['words']['source']} / {doc['words']['mt']} | "
                     f"{doc['tokens']['source']} / {doc['tokens']['mt']} | {doc['from_cache']} | "
                     f"{format_counts(doc['flags'], empty='—')} | "
                     f"{len(doc['boilerplate_removed'])} |")
    lines += _page_lines(report)
    scores = report.get("scores") or {}
    if scores:
        lines += ["", "## Scores", "", f"References: {scores['references']}.", ""]
        for level in ("document_level", "paragraph_level", "sentence_level"):
            lines += [f"**{level.replace('_', ' ')}** ({scores[level]['items']} items)", ""]
            skipped = scores[level].get("skipped_documents") or {}
            if skipped:
                lines += ["Skipped: " + "; ".join(f"{doc} ({why})" for doc, why in sorted(skipped.items())) + ".", ""]
            if scores[level]["items"]:
                lines += ["| metric | score | signature |", "|---|---|---|", *_metric_rows(scores[level]), ""]
            else:
                lines += ["No score at this level: no item to score.", ""]
        sentence = scores["sentence_level"]
        lines.append(f"Sentence level: {sentence['method']}. Unaligned: {sentence['unaligned_segments']} "
                     f"segments, {sentence['unaligned_reference_sentences']} reference sentences.")
    lines += ["", "## Look at these first", "",
              "Most flags first, then lowest sentence chrF against the reference, then lowest MT score.", "",
              "| segment | MT score | chrF | flags |", "|---|---|---|---|"]
    lines += [f"| {a['id']} | {a['mt_score']:.3f} | {'—' if a['chrf'] is None else format(a['chrf'], '.1f')} "
              f"| {', '.join(a['flags']) or '—'} |" for a in report["attention"]]
    return "\n".join(lines) + "\n"


def length_model_note(length_model: dict | None) -> str:
    """What ``length_ratio`` judged by, for the flags' line: the model and whether it was calibrated."""
    if not length_model:
        return ""
    how = "calibrated" if length_model.get("calibrated") else "as given"
    note = f" (lengths judged by the length model {how}: {length_model.get('fitted_on')})"
    if length_model.get("moved"):
        note += (f"; calibration moved source lengths {', '.join(length_model['moved'])} prior spreads: a habit "
                 "of this corpus, or most translations of those lengths cut alike (--no-calibrate judges by the "
                 "prior)")
    return note


def write_markdown(path: Path, report: dict) -> None:
    """Write ``render_markdown(report)`` to ``path`` atomically."""
    with atomic_write(path) as out:
        out.write(render_markdown(report))
