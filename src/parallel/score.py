"""Scores against reference translations, through sacrebleu (never a re-implemented metric).

Our references are articles translated paragraph for paragraph, not sentence-split like our
segments, so scores are given at three granularities, and the report says which is which:
- document level: each document's MT (segments joined) against its whole reference — robust to
  any segmentation;
- paragraph level: each paragraph's MT against the reference paragraph, when the reference
  has exactly the article's paragraphs;
- sentence level: the reference is split into sentences and aligned to our segments by
  ``parallel.align`` (MT as pivot, paragraphs as anchors); an item is one alignment bead, which
  may join sentences (a 2-1 bead is one item), and segments no reference sentence was aligned
  to are counted, not scored.  These figures depend on the alignment; the two above do not.
Every corpus score carries its sacrebleu signature so that it can be reproduced.
"""
from __future__ import annotations

import json
from pathlib import Path
from collections import defaultdict
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.utils import sum_of_lists

from .align import align
from .documents import Document, Translation, document_id, group_by_document, read_lines, read_reference
from .errors import InputError
from .sacrebleu_stats import item_statistics, score_from_statistics
from .segment import segment_document

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


def _metric_score(name: str, metric, score) -> MetricScore:
    """Our record of a sacrebleu score: value, signature, display name and details."""
    signature = str(metric.get_signature())
    details = json.loads(score.format(width=4, signature=signature, is_json=True))
    return MetricScore(name, score.score, signature, name=score.name, verbose=details.get("verbose_score", ""),
                       confidence_mean=details.get("confidence_mean"),
                       confidence_interval=details.get("confidence_var"))


class CorpusStatistics:
    """Corpus scores built from sacrebleu's per-item statistics, added a chunk at a time.

    sacrebleu's ``corpus_score`` first extracts the n-grams of every reference at once (chrF keeps
    character 1- to 6-grams per reference: about 100 MB per 2,000 sentences), so memory grows with
    the corpus.  Every metric's corpus score is a function of the sum of its items' statistics, so
    summing chunk by chunk gives the same score and signature while holding one chunk's n-grams
    (about 330 bytes per reference character with chrF and BLEU: some 7 MB per chunk)."""

    CHUNK_CHARACTERS = 20_000

    def __init__(self, metrics: Iterable[str] = DEFAULT_METRICS) -> None:
        self.metrics = {name: _metric(name) for name in metrics}
        self.totals: dict[str, list] = {}
        self.items = 0

    def add(self, hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, list]:
        """Add line-aligned items, one reference each; returns these items' own summed statistics,
        which ``scores`` turns into their scores."""
        return self._add(hypotheses, references)[1]

    def add_items(self, hypotheses: Sequence[str], references: Sequence[str]) -> list[dict[str, list]]:
        """Add line-aligned items, one reference each; returns each item's statistics by metric
        (``item_scores_from_statistics`` gives its own scores from them, so that a caller wanting
        both need not extract them twice)."""
        return self._add(hypotheses, references)[0]

    def _add(self, hypotheses: Sequence[str], references: Sequence[str]) -> tuple[list[dict[str, list]], dict[str, list]]:
        """Extract the items' statistics ``CHUNK_CHARACTERS`` of reference at a time and add their
        sums to the totals; returns the items' statistics and their sums."""
        if len(hypotheses) != len(references):
            raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} references")
        items: list[dict[str, list]] = [{} for _ in hypotheses]
        start = characters = 0
        for end, reference in enumerate(references, 1):
            characters += len(reference)
            if characters >= self.CHUNK_CHARACTERS or end == len(references):
                for name, metric in self.metrics.items():
                    chunk = item_statistics(metric, hypotheses[start:end], references[start:end])
                    for item, statistics in zip(items[start:end], chunk):
                        item[name] = statistics
                start, characters = end, 0
        sums = {name: sum_of_lists([item[name] for item in items]) for name in self.metrics} if items else {}
        for name, statistics in sums.items():
            _add_statistics(self.totals, name, statistics)
        self.items += len(hypotheses)
        return items, sums

    def scores(self, totals: dict[str, list] | None = None) -> list[MetricScore]:
        """The corpus scores of everything added (or of ``totals``, returned by one ``add``); none
        when there is nothing to score."""
        totals = self.totals if totals is None else totals
        return [_metric_score(name, metric, score_from_statistics(metric, totals[name]))
                for name, metric in self.metrics.items() if name in totals]


def _add_statistics(totals: dict[str, list], name: str, statistics: list) -> None:
    total = totals.get(name)
    totals[name] = list(statistics) if total is None else [a + b for a, b in zip(total, statistics)]


def corpus_scores(hypotheses: Sequence[str], references: Sequence[str],
                  metrics: Iterable[str] = DEFAULT_METRICS) -> list[MetricScore]:
    """Corpus-level scores of line-aligned hypotheses against one reference each, in bounded memory
    (``CorpusStatistics``)."""
    statistics = CorpusStatistics(metrics)
    statistics.add(hypotheses, references)
    return statistics.scores()


def metric_names(spec: str) -> tuple[str, ...]:
    """``"bleu,chrf"`` → ("bleu", "chrf"), refusing unknown names."""
    names = tuple(n.strip().lower() for n in spec.split(",") if n.strip())
    unknown = [n for n in names if n not in METRICS]
    if unknown or not names:
        raise InputError(f"unknown metric {', '.join(unknown) or '(none)'}; choose from {', '.join(METRICS)}")
    return names


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
        results.append(_metric_score(name, metric, score))
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
    return {name: round(_item_metric(name).sentence_score(hypothesis, [reference]).score, 4) for name in metrics}


def item_scores_from_statistics(statistics: dict[str, list]) -> dict[str, float]:
    """``item_scores`` of an item whose statistics ``CorpusStatistics.add_items`` has extracted
    (the same figures: sacrebleu's ``sentence_score`` computes them from the same statistics)."""
    return {name: round(score_from_statistics(_item_metric(name), stats).score, 4)
            for name, stats in statistics.items()}


@lru_cache(maxsize=None)
def _item_metric(name: str):
    """The metric for one item: BLEU with effective order, as sacrebleu advises for single sentences."""
    return BLEU(effective_order=True) if name == "bleu" else _metric(name)


def _paragraph_texts(document: Document, translations: list[Translation]) -> list[str]:
    by_paragraph: dict[int, list[str]] = defaultdict(list)
    for translation in translations:
        by_paragraph[translation.segment.para].append(translation.text)
    return [" ".join(by_paragraph[p]) for p in range(1, len(document.paragraphs) + 1)]


@dataclass(frozen=True)
class ReferenceMatch:
    """Reference sentences aligned to one or more of our segments (one alignment bead).

    ``chrf`` is sacrebleu's sentence chrF of the segments' MT (joined) against ``reference``; it is
    None when no reference sentence was aligned to the segments (``reference`` is then empty)."""
    segment_ids: tuple[str, ...]
    hypothesis: str
    reference: str
    reference_ids: tuple[str, ...] = ()
    chrf: float | None = None


@dataclass
class ReferenceAlignment:
    """A document's segments matched with its reference's sentences."""
    doc_id: str
    matches: list[ReferenceMatch]
    unaligned_reference: list[str]    # reference sentences aligned to none of our segments

    def by_segment(self) -> dict[str, ReferenceMatch]:
        return {segment_id: match for match in self.matches for segment_id in match.segment_ids}


def align_reference(translations: list[Translation], reference: Document) -> ReferenceAlignment:
    """Split ``reference`` into sentences and align them to the translated segments (MT as pivot)."""
    sentences = segment_document(reference)
    beads = align([t.segment.text for t in translations], [s.text for s in sentences],
                  pivot=[t.text for t in translations],
                  source_paragraphs=[t.segment.para for t in translations],
                  target_paragraphs=[s.para for s in sentences])
    matches, unaligned = [], []
    for bead in beads:
        if not bead.source:
            unaligned.extend(sentences[j].text for j in bead.target)
            continue
        hypothesis = " ".join(translations[i].text for i in bead.source)
        reference_text = " ".join(sentences[j].text for j in bead.target)
        chrf = item_scores(hypothesis, reference_text, ("chrf",))["chrf"] if bead.target else None
        matches.append(ReferenceMatch(tuple(translations[i].segment.id for i in bead.source), hypothesis,
                                      reference_text, tuple(sentences[j].id for j in bead.target), chrf))
    return ReferenceAlignment(reference.id, matches, unaligned)


def align_references(documents: list[Document], translations: list[Translation],
                     references: dict[str, Document]) -> dict[str, ReferenceAlignment]:
    """``align_reference`` for every document that has a reference, by document id."""
    by_document = group_by_document(translations)
    return {document.id: align_reference(by_document.get(document.id, []), references[document.id])
            for document in documents if document.id in references}


def clear_tokenizer_caches() -> None:
    """Empty sacrebleu's tokenizer memo caches (``lru_cache`` of 65,536 input and output strings
    each, on the 13a tokenizer and the regular expressions it runs).  A chunk's sentences are not
    seen again, so in a long run the caches only hold memory: measured with ``parallel corpus`` and
    the tests' model, they grew the process by about 35 MB per 4,096 segments until full."""
    from sacrebleu.tokenizers import tokenizer_13a, tokenizer_re

    for tokenizer in (tokenizer_13a.Tokenizer13a, tokenizer_re.TokenizerRegexp):
        tokenizer.__call__.cache_clear()


class ReferenceScores:
    """Document-, paragraph- and sentence-level scores against references, a few documents at a time.

    ``add`` takes a chunk of documents with their translations, references and reference
    alignments; ``result`` gives the three levels with corpus scores (``CorpusStatistics``) and each
    document's own, so that a pipeline can score as it goes and drop each chunk."""

    SENTENCE_METHOD = ("references split into sentences and aligned to our segments by parallel.align "
                       "(MT as pivot, paragraphs as anchors); one item per alignment bead; unaligned "
                       "segments and reference sentences are counted, not scored")

    def __init__(self, metrics: Iterable[str] = DEFAULT_METRICS) -> None:
        self.metrics = tuple(metrics)
        self.levels = {level: CorpusStatistics(self.metrics)
                       for level in ("document_level", "paragraph_level", "sentence_level")}
        self.per_document: dict[str, dict] = {}
        self.skipped: dict[str, str] = {}
        self.sentence_per_document: dict[str, dict] = {}

    def add(self, documents: list[Document], translations: list[Translation], references: dict[str, Document],
            alignments: dict[str, ReferenceAlignment]) -> None:
        by_document = group_by_document(translations)
        doc_ids, doc_hyps, doc_refs, para_hyps, para_refs = [], [], [], [], []
        for document in documents:
            reference = references.get(document.id)
            if reference is None:
                continue
            doc_translations = by_document.get(document.id, [])
            doc_ids.append(document.id)
            doc_hyps.append(" ".join(t.text for t in doc_translations))
            doc_refs.append(" ".join(reference.paragraphs))
            if len(reference.paragraphs) == len(document.paragraphs):
                para_hyps.extend(_paragraph_texts(document, doc_translations))
                para_refs.extend(reference.paragraphs)
            else:
                self.skipped[document.id] = (f"reference has {len(reference.paragraphs)} paragraphs, "
                                             f"article {len(document.paragraphs)}")
        for doc_id, statistics in zip(doc_ids, self.levels["document_level"].add_items(doc_hyps, doc_refs)):
            self.per_document[doc_id] = item_scores_from_statistics(statistics)
        self.levels["paragraph_level"].add(para_hyps, para_refs)
        for doc_id, alignment in alignments.items():
            self._add_alignment(doc_id, alignment)
        clear_tokenizer_caches()

    def _add_alignment(self, doc_id: str, alignment: ReferenceAlignment) -> None:
        scored = [m for m in alignment.matches if m.reference]
        level = self.levels["sentence_level"]
        document_totals = level.add([m.hypothesis for m in scored], [m.reference for m in scored])
        self.sentence_per_document[doc_id] = {
            "items": len(scored),
            "unaligned_segments": sum(len(m.segment_ids) for m in alignment.matches if not m.reference),
            "unaligned_reference_sentences": len(alignment.unaligned_reference),
            **{score.metric: round(score.score, 4) for score in level.scores(document_totals)},
        }

    def result(self) -> dict:
        """The scores as the report holds them; empty when no document had a reference."""
        if not self.per_document:
            return {}
        levels = {name: {"items": level.items, "metrics": [s.as_dict() for s in level.scores()]}
                  for name, level in self.levels.items()}
        sentences = self.sentence_per_document.values()
        return {
            "references": f"{len(self.per_document)} documents, one reference each",
            "document_level": {**levels["document_level"], "per_document": self.per_document},
            "paragraph_level": {**levels["paragraph_level"], "skipped_documents": self.skipped},
            "sentence_level": {
                "method": self.SENTENCE_METHOD,
                **levels["sentence_level"],
                "unaligned_segments": sum(d["unaligned_segments"] for d in sentences),
                "unaligned_reference_sentences": sum(d["unaligned_reference_sentences"] for d in sentences),
                "per_document": self.sentence_per_document,
            },
        }


def score_against_references(documents: list[Document], translations: list[Translation],
                              references: dict[str, Document],
                              metrics: Iterable[str] = DEFAULT_METRICS,
                              alignments: dict[str, ReferenceAlignment] | None = None) -> dict:
    """Document-, paragraph- and sentence-level scores for the documents that have a reference.

    ``alignments`` (from ``align_references``) saves aligning the references again when the
    caller already has them."""
    if alignments is None:
        alignments = align_references(documents, translations, references)
    scores = ReferenceScores(metrics)
    scores.add(documents, translations, references, alignments)
    return scores.result()


def documents_from_translations(translations: list[Translation]) -> list[Document]:
    """The articles as the translations saw them: each paragraph its segments' sources joined.

    Paragraph numbers are kept as they are (a paragraph with no segment stays empty), so that
    paragraph-level scores pair paragraph *n* with reference paragraph *n*."""
    documents = []
    for doc_id, items in group_by_document(translations).items():
        paragraphs = [""] * max(t.segment.para for t in items)
        for translation in items:
            index = translation.segment.para - 1
            paragraphs[index] = f"{paragraphs[index]} {translation.segment.text}".strip()
        documents.append(Document(doc_id, paragraphs))
    return documents


def reference_files(paths) -> list[Path]:
    """Reference files named on the command line; a folder stands for its ``*.en.txt`` files."""
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(path.glob("*.en.txt"))
            if not found:
                raise InputError(f"{path}: no reference files (*.en.txt)")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    return files


def score_documents(translations: list[Translation], reference_paths,
                    metrics: Iterable[str] = DEFAULT_METRICS) -> tuple[dict, dict[str, ReferenceAlignment]]:
    """Score translation records against reference articles (``<doc>.en.txt``, matched by id).

    Returns the scores (as in the pipeline's report, plus which documents had no reference and
    which references no document) and the reference alignments (for a review page)."""
    documents = documents_from_translations(translations)
    references = {document_id(path): read_reference(path) for path in reference_files(reference_paths)}
    ids = {d.id for d in documents}
    if not ids & set(references):
        raise InputError("no reference matches a document of the translations (references are matched "
                         "by file name: <doc>.en.txt for document <doc>)")
    alignments = align_references(documents, translations, references)
    scores = score_against_references(documents, translations, references, metrics, alignments)
    scores["documents_without_reference"] = sorted(ids - set(references))
    scores["references_without_document"] = sorted(set(references) - ids)
    return scores, alignments


def format_document_scores(scores: dict, width: int = 1) -> str:
    """The levels of ``score_against_references`` as text, each metric with its signature."""
    lines = [f"references: {scores['references']}"]
    for level in ("document_level", "paragraph_level", "sentence_level"):
        lines.append(f"{level.replace('_', ' ')} ({scores[level]['items']} items):")
        lines += [f"  {format_score(MetricScore(**m), width)}" for m in scores[level]["metrics"]]
    sentence = scores["sentence_level"]
    lines.append(f"sentence level unaligned: {sentence['unaligned_segments']} segments, "
                 f"{sentence['unaligned_reference_sentences']} reference sentences")
    for doc_id, why in scores["paragraph_level"]["skipped_documents"].items():
        lines.append(f"paragraph level skipped {doc_id}: {why}")
    for key in ("documents_without_reference", "references_without_document"):
        if scores.get(key):
            lines.append(f"{key.replace('_', ' ')}: {', '.join(scores[key])}")
    return "\n".join(lines)
