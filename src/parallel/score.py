"""Scores against reference translations, through sacrebleu (never a re-implemented metric).

Our references are articles translated paragraph for paragraph, not sentence-split like our
segments, so scores are given at two granularities that need no sentence alignment:
- document level: each document's MT (segments joined) against its whole reference;
- paragraph level: each paragraph's MT against the reference paragraph, when the reference
  has exactly the article's paragraphs.
Every corpus score carries its sacrebleu signature so that it can be reproduced.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Iterable, Sequence

from sacrebleu.metrics import BLEU, CHRF, TER

from .documents import Document, Translation, group_by_document, read_text
from .errors import InputError

METRICS = {
    "bleu": BLEU,
    "chrf": CHRF,
    "chrf++": lambda: CHRF(word_order=2),
    "ter": TER,
}
DEFAULT_METRICS = ("bleu", "chrf")


@dataclass(frozen=True)
class MetricScore:
    metric: str
    score: float
    signature: str
    name: str = ""                          # sacrebleu's display name: BLEU, chrF2, chrF2++, TER
    verbose: str = ""                       # BLEU's n-gram precisions and brevity penalty
    confidence_mean: float | None = None    # with bootstrap resampling
    confidence_interval: float | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


def _metric(name: str):
    try:
        return METRICS[name]()
    except KeyError:
        raise ValueError(f"unknown metric {name}; choose from {', '.join(METRICS)}") from None


def corpus_scores(hypotheses: Sequence[str], references: Sequence[str],
                  metrics: Iterable[str] = DEFAULT_METRICS) -> list[MetricScore]:
    """Corpus-level scores of line-aligned hypotheses against one reference each."""
    return score_lines(hypotheses, [references], metrics)


def metric_names(spec: str) -> tuple[str, ...]:
    """``"bleu,chrf"`` → ("bleu", "chrf"), refusing unknown names."""
    names = tuple(n.strip().lower() for n in spec.split(",") if n.strip())
    unknown = [n for n in names if n not in METRICS]
    if unknown or not names:
        raise InputError(f"unknown metric {', '.join(unknown) or '(none)'}; choose from {', '.join(METRICS)}")
    return names


def read_lines(path) -> list[str]:
    """Lines of a text file the way the sacrebleu command reads them (trailing white space dropped)."""
    text = read_text(path).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip() for line in lines]


def read_line_aligned(hypothesis_paths, reference_paths) -> tuple[list[list[str]], list[list[str]]]:
    """Each system's lines and each reference set's lines, all checked to have the same length."""
    systems = [read_lines(path) for path in hypothesis_paths]
    references = [read_lines(path) for path in reference_paths]
    expected = len(systems[0])
    for path, lines in zip([*hypothesis_paths, *reference_paths], [*systems, *references]):
        if len(lines) != expected:
            raise InputError(f"{path}: {len(lines)} lines, but {hypothesis_paths[0]} has {expected}")
    return systems, references


def score_lines(hypotheses: Sequence[str], references: Sequence[Sequence[str]],
                metrics: Iterable[str] = DEFAULT_METRICS, n_bootstrap: int = 1) -> list[MetricScore]:
    """Corpus scores against one or more reference sets, as the sacrebleu command computes them.

    ``n_bootstrap > 1`` adds the bootstrap mean and 95 % interval (sacrebleu's fixed seed).
    """
    results = []
    for name in metrics:
        metric = _metric(name)
        score = metric.corpus_score(list(hypotheses), [list(r) for r in references], n_bootstrap=n_bootstrap)
        signature = str(metric.get_signature())
        details = json.loads(score.format(width=4, signature=signature, is_json=True))
        results.append(MetricScore(
            name, score.score, signature, name=score.name, verbose=details.get("verbose_score", ""),
            confidence_mean=details.get("confidence_mean"), confidence_interval=details.get("confidence_var"),
        ))
    return results


def compare_systems(baseline: Sequence[str], systems: dict[str, Sequence[str]],
                    references: Sequence[Sequence[str]], metrics: Iterable[str] = DEFAULT_METRICS,
                    test: str = "bs", n_samples: int = 0) -> dict:
    """Paired significance test of each system against the baseline (sacrebleu's PairedTest).

    ``test`` is ``bs`` (paired bootstrap resampling) or ``ar`` (approximate randomisation).
    """
    from sacrebleu.significance import PairedTest

    named = [("baseline", list(baseline)), *((name, list(h)) for name, h in systems.items())]
    metric_objects = {name: _metric(name) for name in metrics}
    test_runner = PairedTest(named, metric_objects, references=[list(r) for r in references],
                             test_type=test, n_samples=n_samples, n_jobs=1)
    signatures, scores = test_runner()
    systems_out = []
    for index, system_name in enumerate(scores["System"]):
        row = {"system": system_name}
        for metric_name, results in scores.items():
            if metric_name == "System":
                continue
            result = results[index]
            row[metric_name] = {key: None if value is None else float(value) for key, value in (
                ("score", result.score), ("mean", result.mean), ("ci", result.ci), ("p_value", result.p_value))}
        systems_out.append(row)
    return {"test": {"bs": "paired bootstrap resampling", "ar": "approximate randomization"}[test],
            "samples": test_runner.n_samples,
            "signatures": {k: str(v) for k, v in signatures.items()},
            "systems": systems_out}


def format_score(result: MetricScore, width: int = 1) -> str:
    """One line: name, score, details, signature."""
    parts = [f"{result.name or result.metric} = {result.score:.{width}f}"]
    if result.confidence_mean is not None:
        parts.append(f"(μ = {result.confidence_mean:.{width}f} ± {result.confidence_interval:.{width}f})")
    if result.verbose:
        parts.append(result.verbose)
    parts.append(f"[{result.signature}]")
    return " ".join(parts)


def format_comparison(result: dict, width: int = 1) -> str:
    """A plain table of a paired test: score (mean ± 95% CI) and p-value per system and metric."""
    metrics = list(result["signatures"])
    lines = [f"{result['test']}, {result['samples']} samples; p-values against the first system"]
    for row in result["systems"]:
        cells = []
        for metric in metrics:
            cell = row[metric]
            text = f"{metric} {cell['score']:.{width}f}"
            if cell["mean"] is not None:
                text += f" ({cell['mean']:.{width}f} ± {cell['ci']:.{width}f})"
            if cell["p_value"] is not None:
                text += f" p = {cell['p_value']:.4f}{'*' if cell['p_value'] < 0.05 else ''}"
            cells.append(text)
        lines.append(f"{row['system']}: " + "; ".join(cells))
    lines.extend(f"{metric} signature: {signature}" for metric, signature in result["signatures"].items())
    return "\n".join(lines)


def item_scores(hypothesis: str, reference: str, metrics: Iterable[str] = DEFAULT_METRICS) -> dict[str, float]:
    """Scores of one item (a document or a paragraph) on its own."""
    return {name: round(_metric(name).sentence_score(hypothesis, [reference]).score, 4) for name in metrics}


def _paragraph_texts(document: Document, translations: list[Translation]) -> list[str]:
    by_paragraph: dict[int, list[str]] = defaultdict(list)
    for translation in translations:
        by_paragraph[translation.segment.para].append(translation.text)
    return [" ".join(by_paragraph[p]) for p in range(1, len(document.paragraphs) + 1)]


def score_against_references(documents: list[Document], translations: list[Translation],
                              references: dict[str, Document],
                              metrics: Iterable[str] = DEFAULT_METRICS) -> dict:
    """Document- and paragraph-level scores for the documents that have a reference."""
    metrics = tuple(metrics)
    by_document = group_by_document(translations)

    doc_hyps, doc_refs, para_hyps, para_refs = [], [], [], []
    per_document, skipped = {}, {}
    for document in documents:
        reference = references.get(document.id)
        if reference is None:
            continue
        doc_translations = by_document.get(document.id, [])
        hypothesis = " ".join(t.text for t in doc_translations)
        doc_hyps.append(hypothesis)
        doc_refs.append(" ".join(reference.paragraphs))
        per_document[document.id] = item_scores(hypothesis, doc_refs[-1], metrics)
        if len(reference.paragraphs) == len(document.paragraphs):
            para_hyps.extend(_paragraph_texts(document, doc_translations))
            para_refs.extend(reference.paragraphs)
        else:
            skipped[document.id] = (f"reference has {len(reference.paragraphs)} paragraphs, "
                                    f"article {len(document.paragraphs)}")
    if not doc_hyps:
        return {}
    return {
        "references": f"{len(doc_hyps)} documents, one reference each",
        "document_level": {
            "items": len(doc_hyps),
            "metrics": [s.as_dict() for s in corpus_scores(doc_hyps, doc_refs, metrics)],
            "per_document": per_document,
        },
        "paragraph_level": {
            "items": len(para_hyps),
            "metrics": [s.as_dict() for s in corpus_scores(para_hyps, para_refs, metrics)] if para_hyps else [],
            "skipped_documents": skipped,
        },
        "sentence_level": "not computed: needs sentence alignment of the references",
    }
