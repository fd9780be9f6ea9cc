"""Scores of translated articles against their reference translations, at three levels.

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
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from parallel.alignment.aligner import align
from parallel.errors import InputError
from parallel.read.articles import document_id, is_reference_name, read_reference
from parallel.records import Document, Pair, Translation, group_by_document
from parallel.score.metrics import (
    DEFAULT_METRICS,
    CorpusStatistics,
    MetricScore,
    clear_tokenizer_caches,
    format_score,
    item_scores,
    item_scores_from_statistics,
)
from parallel.segment.sentences import segment_document


def _paragraph_texts(document: Document, translations: list[Translation]) -> list[str]:
    by_paragraph: dict[int, list[str]] = defaultdict(list)
    for translation in translations:
        by_paragraph[translation.segment.para].append(translation.text)
    return [" ".join(by_paragraph[p]) for p in range(1, len(document.paragraphs) + 1)]


@dataclass
class ReferenceAlignment:
    """A document's segments matched with its reference's sentences."""
    doc_id: str
    matches: list[Pair]
    unaligned_reference: list[str]    # reference sentences aligned to none of our segments

    def by_segment(self) -> dict[str, Pair]:
        """Each of our segment ids with the pair it belongs to."""
        return {segment_id: match for match in self.matches for segment_id in match.source_ids}


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
        matches.append(Pair(reference.id, tuple(translations[i].segment.id for i in bead.source),
                            tuple(sentences[j].id for j in bead.target),
                            " ".join(translations[i].segment.text for i in bead.source), reference_text,
                            hypothesis, bead.score, chrf=chrf))
    return ReferenceAlignment(reference.id, matches, unaligned)


def align_references(documents: list[Document], translations: list[Translation],
                     references: dict[str, Document]) -> dict[str, ReferenceAlignment]:
    """``align_reference`` for every document that has a reference, by document id."""
    by_document = group_by_document(translations)
    return {document.id: align_reference(by_document.get(document.id, []), references[document.id])
            for document in documents if document.id in references}


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
        """Score a chunk of documents against their references at the three levels and keep only the
        statistics."""
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
        scored = [m for m in alignment.matches if m.target]
        level = self.levels["sentence_level"]
        document_totals = level.add([m.mt for m in scored], [m.target for m in scored])
        self.sentence_per_document[doc_id] = {
            "items": len(scored),
            "unaligned_segments": sum(len(m.source_ids) for m in alignment.matches if not m.target),
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
    """Reference files named on the command line; a folder stands for its ``*.en.txt`` files (and
    saved pages ``*.en.html``/``*.en.htm``)."""
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and is_reference_name(p))
            if not found:
                raise InputError(f"{path}: no reference files (*.en.txt, *.en.html)")
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
