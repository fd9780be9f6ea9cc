"""What a corpus run counts and reports: per-document entries (paragraphs, segments, words and
tokens, cache hits, flags, boilerplate removed, the page a document came from), the run's totals,
and ``report.json``'s content, gathered a chunk at a time as the run streams."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from parallel import TOOL_NAME, __version__
from parallel.files import sha256_file
from parallel.formats.provenance import Provenance
from parallel.records import Document, Translation, group_by_document
from parallel.reports.report import AttentionList, flag_counts
from parallel.score.references import ReferenceScores
from parallel.translate.translator import TranslateOptions, TranslationStats


def text_counts(translations: list[Translation], tokens: dict[str, tuple[int, int]]) -> dict:
    """Words (white-space separated) and model tokens (SentencePiece pieces) of source and MT."""
    return {
        "words": {"source": sum(len(t.segment.text.split()) for t in translations),
                  "mt": sum(len(t.text.split()) for t in translations)},
        "tokens": {"source": sum(tokens[t.segment.id][0] for t in translations),
                   "mt": sum(tokens[t.segment.id][1] for t in translations)},
    }


def _document_report(document: Document, translations: list[Translation],
                     tokens: dict[str, tuple[int, int]]) -> dict:
    return {
        "id": document.id,
        "path": document.path,
        "sha256": sha256_file(Path(document.path)),
        "paragraphs": len(document.paragraphs),
        "segments": len(translations),
        **text_counts(translations, tokens),
        "from_cache": sum(t.cached for t in translations),
        "flags": flag_counts(translations),
        "boilerplate_removed": [{"line": r.line, "kind": r.kind, "text": r.text} for r in document.boilerplate],
        "page": document.page.to_json() if document.page else None,
    }


class DocumentReports:
    """The report's per-document entries and totals, gathered a chunk at a time."""

    def __init__(self) -> None:
        self.entries: list[dict] = []
        self.paragraphs = 0
        self.boilerplate_removed = 0
        self.web_pages = 0              # articles read from saved web pages
        self.page_chars_dropped = 0     # their visible text left out by the extraction

    def add(self, documents: list[Document], translations: list[Translation],
            tokens: dict[str, tuple[int, int]]) -> None:
        """Add the report entries of a chunk of documents (counts, boilerplate, tokens, scores)."""
        by_document = group_by_document(translations)
        for document in documents:
            self.entries.append(_document_report(document, by_document.get(document.id, []), tokens))
            self.paragraphs += len(document.paragraphs)
            self.boilerplate_removed += len(document.boilerplate)
            if document.page:
                self.web_pages += 1
                self.page_chars_dropped += document.page.dropped_chars

    def text_counts(self) -> dict:
        """``text_counts`` of every document together."""
        return {kind: {side: sum(entry[kind][side] for entry in self.entries) for side in sides}
                for kind, sides in (("words", ("source", "mt")), ("tokens", ("source", "mt")))}


@dataclass
class RunTotals:
    """What the report gathers from every chunk of a run."""
    stats: TranslationStats = field(default_factory=TranslationStats)
    scores: ReferenceScores = field(default_factory=ReferenceScores)
    attention: AttentionList = field(default_factory=AttentionList)
    documents: DocumentReports = field(default_factory=DocumentReports)


def build_report(options: TranslateOptions, glossary_path: Path | None, manifest: dict, cache_path: Path | None,
                 totals: RunTotals, timings: dict, outputs: dict[str, Path], provenance: Provenance,
                 engine: dict | None = None, length_model: dict | None = None) -> dict:
    """The run's report: tool and model provenance, options, totals, flags (and the length model their
    ``length_ratio`` judged by), timings, outputs, documents."""
    stats, documents = totals.stats, totals.documents
    return {
        "tool": TOOL_NAME,
        "tool_version": __version__,
        "created": provenance.created.isoformat(),
        "model": manifest,
        "options": options.as_dict(),
        "cache": str(cache_path) if cache_path else None,
        "engine": engine,
        "glossary": ({"path": str(glossary_path), "sha256": sha256_file(Path(glossary_path))}
                     if glossary_path else None),
        "totals": {
            "documents": len(documents.entries),
            "paragraphs": documents.paragraphs,
            "segments": stats.segments,
            **documents.text_counts(),
            "unique_sources": stats.unique_sources,
            "translated": stats.translated,
            "from_cache": stats.from_cache,
            "repeated": stats.repeated,
            "boilerplate_removed": documents.boilerplate_removed,
            "web_pages": documents.web_pages,
            "page_chars_dropped": documents.page_chars_dropped,
            "flags": dict(sorted(stats.flags.items())),
        },
        "length_model": length_model,
        "timings_s": timings,
        "documents": documents.entries,
        "outputs": {kind: path.name for kind, path in outputs.items()},
        "scores": totals.scores.result(),
        "attention": totals.attention.items(),
    }
