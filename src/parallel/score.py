"""Scores against reference translations, through sacrebleu (never a re-implemented metric).

Our references are articles translated paragraph for paragraph, not sentence-split like our
segments, so scores are given at two granularities that need no sentence alignment:
- document level: each document's MT (segments joined) against its whole reference;
- paragraph level: each paragraph's MT against the reference paragraph, when the reference
  has exactly the article's paragraphs.
Every corpus score carries its sacrebleu signature so that it can be reproduced.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Iterable, Sequence

from sacrebleu.metrics import BLEU, CHRF, TER

from .documents import Document, Translation

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

    def as_dict(self) -> dict:
        return asdict(self)


def _metric(name: str):
    try:
        return METRICS[name]()
    except KeyError:
        raise ValueError(f"unknown metric {name}; choose from {', '.join(METRICS)}") from None


def corpus_scores(hypotheses: Sequence[str], references: Sequence[str],
                  metrics: Iterable[str] = DEFAULT_METRICS) -> list[MetricScore]:
    """Corpus-level scores of line-aligned hypotheses against one reference each."""
    results = []
    for name in metrics:
        metric = _metric(name)
        score = metric.corpus_score(list(hypotheses), [list(references)])
        results.append(MetricScore(name, round(score.score, 4), str(metric.get_signature())))
    return results


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
    by_document: dict[str, list[Translation]] = defaultdict(list)
    for translation in translations:
        by_document[translation.segment.doc_id].append(translation)

    doc_hyps, doc_refs, para_hyps, para_refs = [], [], [], []
    per_document, skipped = {}, {}
    for document in documents:
        reference = references.get(document.id)
        if reference is None:
            continue
        hypothesis = " ".join(t.text for t in by_document[document.id])
        doc_hyps.append(hypothesis)
        doc_refs.append(" ".join(reference.paragraphs))
        per_document[document.id] = item_scores(hypothesis, doc_refs[-1], metrics)
        if len(reference.paragraphs) == len(document.paragraphs):
            para_hyps.extend(_paragraph_texts(document, by_document[document.id]))
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
