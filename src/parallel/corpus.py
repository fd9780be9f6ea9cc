"""The pipeline behind ``parallel corpus`` / ``make corpus``: articles → segments → MT → outputs.

This is the only module that knows every stage.  Everything that can fail on input or on the
model fails before the first output file is written, and the outputs are staged in a temporary
folder inside the output folder and moved into place together at the end.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import TOOL_NAME, __version__
from .cache import TranslationCache, default_cache_path
from .documents import (Document, Segment, Translation, article_paths, group_by_document, read_article,
                        read_reference, reference_path)
from .errors import ResourceError
from .files import atomic_write, sha256_file
from .formats.jsonl import translation_record, write_jsonl
from .formats.moses import write_moses
from .formats.provenance import Provenance
from .formats.tmx import translation_unit, write_tmx
from .formats.xliff import translation_xliff_unit, write_xliff
from .model import DEFAULT_MODEL, REGISTRY, fetch, models_dir_default, resolve_model
from .report import attention_order, flag_counts, write_markdown
from .review import write_review
from .score import align_references, score_against_references
from .segment import segment_document
from .translate import TranslateOptions, TranslationStats, Translator


@dataclass
class CorpusConfig:
    seeds_dir: Path = Path("seeds")
    out_dir: Path = Path("corpus")
    name: str = "ar-en"
    model: str | None = None
    models_dir: Path = field(default_factory=models_dir_default)
    cache_path: Path | None = None      # None: the user cache (see cache.default_cache_path)
    use_cache: bool = True
    fetch_missing: bool = False         # try `model fetch` when no model is installed
    options: TranslateOptions = field(default_factory=TranslateOptions)
    progress: bool = True


class StageTimer:
    """Wall-clock seconds per pipeline stage, for the report."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - start, 4)


def ensure_model(name: str | None, models_dir: Path, fetch_missing: bool, progress: bool = True) -> Path:
    """The model folder to use; fetches the requested (or default) model when allowed and missing."""
    try:
        return resolve_model(name, models_dir)
    except ResourceError:
        wanted = name or DEFAULT_MODEL
        if not fetch_missing or wanted not in REGISTRY:
            raise
    return fetch(wanted, models_dir, progress=progress)


def output_paths(out_dir: Path, name: str) -> dict[str, Path]:
    out_dir = Path(out_dir)
    return {
        "tmx": out_dir / f"{name}.tmx",
        "xliff": out_dir / f"{name}.xlf",
        "source": out_dir / f"{name}.ar",
        "target": out_dir / f"{name}.en",
        "ids": out_dir / f"{name}.ids",
        "jsonl": out_dir / f"{name}.jsonl",
        "report": out_dir / "report.json",
        "report_md": out_dir / "report.md",
        "review": out_dir / "review.html",
    }


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
    }


def build_report(config: CorpusConfig, run: TranslationRun, documents: list[Document],
                 stats: TranslationStats, timings: dict, outputs: dict[str, Path],
                 provenance: Provenance) -> dict:
    by_doc = group_by_document(run.translations)
    return {
        "tool": TOOL_NAME,
        "tool_version": __version__,
        "created": provenance.created.isoformat(),
        "model": run.manifest,
        "options": config.options.as_dict(),
        "cache": str(run.cache_path) if run.cache_path else None,
        "totals": {
            "documents": len(documents),
            "paragraphs": sum(len(d.paragraphs) for d in documents),
            "segments": stats.segments,
            **text_counts(run.translations, run.tokens),
            "unique_sources": stats.unique_sources,
            "translated": stats.translated,
            "from_cache": stats.from_cache,
            "boilerplate_removed": sum(len(d.boilerplate) for d in documents),
            "flags": dict(sorted(stats.flags.items())),
        },
        "timings_s": timings,
        "documents": [_document_report(d, by_doc.get(d.id, []), run.tokens) for d in documents],
        "outputs": {kind: path.name for kind, path in outputs.items()},
    }


@dataclass
class TranslationRun:
    """What the translate stage hands on: the translations and what the report needs about them."""
    translations: list[Translation]
    manifest: dict
    cache_path: Path | None
    tokens: dict[str, tuple[int, int]]   # segment id -> SentencePiece pieces (source, MT)


def translate_corpus(config: CorpusConfig, model_dir: Path, segments: list[Segment],
                     stats: TranslationStats) -> TranslationRun:
    cache_path = (config.cache_path or default_cache_path()) if config.use_cache else None
    cache = TranslationCache(cache_path) if cache_path else None
    try:
        translator = Translator(model_dir, config.options, cache)
        translations = translator.translate_segments(segments, progress=config.progress, stats=stats)
        source_tokens = translator.count_tokens([t.segment.text for t in translations], "source")
        target_tokens = translator.count_tokens([t.text for t in translations], "target")
        tokens = {t.segment.id: pair for t, pair in zip(translations, zip(source_tokens, target_tokens))}
        return TranslationRun(translations, translator.manifest, cache_path, tokens)
    finally:
        if cache is not None:
            cache.close()


def read_references(articles: list[Path]) -> dict[str, Document]:
    """The English references (``<doc>.en.txt``) present beside the articles, by document id."""
    return {ref.id: ref for ref in (read_reference(reference_path(a)) for a in articles
                                    if reference_path(a).is_file())}


def run_corpus(config: CorpusConfig) -> dict:
    """Run the whole pipeline; returns the report (also written as ``report.json``)."""
    timer = StageTimer()
    model_dir = ensure_model(config.model, config.models_dir, config.fetch_missing, config.progress)
    with timer.stage("read"):
        paths = article_paths(config.seeds_dir)
        documents = [read_article(path) for path in paths]
        references = read_references(paths)
    with timer.stage("segment"):
        segments = [segment for document in documents for segment in segment_document(document)]
    stats = TranslationStats()
    with timer.stage("translate"):
        run = translate_corpus(config, model_dir, segments, stats)
    translations = run.translations
    with timer.stage("align"):
        alignments = align_references(documents, translations, references)
    with timer.stage("score"):
        scores = score_against_references(documents, translations, references, alignments=alignments)
    matches = {doc_id: alignment.by_segment() for doc_id, alignment in alignments.items()}

    provenance = Provenance(run.manifest.get("name", model_dir.name), run.manifest["model_bin_sha256"],
                            options=config.options.as_dict())
    final = output_paths(config.out_dir, config.name)
    Path(config.out_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".staging-", dir=config.out_dir) as tmp:
        staged = output_paths(Path(tmp), config.name)
        with timer.stage("write"):
            write_tmx(staged["tmx"], (translation_unit(t, provenance) for t in translations), provenance)
            write_xliff(staged["xliff"], (translation_xliff_unit(t) for t in translations), provenance)
            write_moses(staged["tmx"].with_suffix(""), translations)
            write_jsonl(staged["jsonl"], (translation_record(t, provenance.model_name) for t in translations))
            write_review(staged["review"], documents, translations, matches, provenance)
        report = build_report(config, run, documents, stats, timer.seconds, final, provenance)
        report["scores"] = scores
        report["attention"] = attention_order(translations, matches)
        with atomic_write(staged["report"]) as out:
            json.dump(report, out, indent=2, ensure_ascii=False)
            out.write("\n")
        write_markdown(staged["report_md"], report)
        for kind, path in staged.items():
            os.replace(path, final[kind])
    return report
