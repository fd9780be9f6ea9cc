"""The pipeline behind ``parallel corpus`` / ``make corpus``: articles → segments → MT → outputs.

This is the only module that knows every stage.  Everything that can fail on input or on the
model fails before the first translation: every article and reference is read and segmented
once to check it (and to size the progress bar).  Then the articles stream through the stages a
chunk at a time (about ``STREAM_CHUNK`` segments: read, segment, translate, align, score, write),
so memory stays flat however large the corpus.  A run that calibrates its length flag (the
default) streams them twice: the first pass translates everything into the cache and keeps each
translation's length ratio (8 bytes a segment), the length model is weighed against them
(``calibrate_length_model``), and the second pass reads the translations back, flags them by it
and writes.  The outputs are staged in a temporary folder inside the output folder and moved into
place together at the end, and a run that stops half-way leaves nothing but its translations in
the cache, from which the next run resumes.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from parallel.alignment.features import clear_text_caches
from parallel.checks.flags import has_repetition
from parallel.checks.length_model import (
    DEFAULT_LENGTH_MODEL,
    MIN_SOURCE_CHARS,
    LengthModel,
    LengthSample,
    calibrate_length_model,
    judged_by,
)
from parallel.errors import InputError, LocationError, ResourceError, location_error
from parallel.files import atomic_write, exclusive_folder
from parallel.formats.jsonl import translation_record
from parallel.formats.moses import open_moses
from parallel.formats.provenance import Provenance
from parallel.formats.registry import open_records, writable_format
from parallel.formats.tmx import open_tmx, translation_unit
from parallel.formats.xliff import open_xliff, translation_xliff_unit
from parallel.progress import progress_bar
from parallel.read.articles import article_paths, read_article, read_reference, reference_path
from parallel.records import Document, Pair, Segment, Translation, group_by_document
from parallel.reports.report import format_counts, write_markdown
from parallel.reports.review import open_review
from parallel.runs.corpus_report import RunTotals, build_report
from parallel.runs.engine import EngineConfig, open_engine
from parallel.runs.ray_engine import RayOptions
from parallel.score.references import align_references
from parallel.segment.sentences import segment_document
from parallel.translate.models import DEFAULT_MODEL, REGISTRY, fetch, models_dir_default, resolve_model
from parallel.translate.translator import STREAM_CHUNK, TranslateOptions, TranslationStats, Translator


@dataclass
class CorpusConfig:
    """What ``run_corpus`` reads, writes and translates with; the defaults are the command's."""

    seeds_dir: Path = Path("seeds")
    out_dir: Path = Path("corpus")
    name: str = "ar-en"
    model: str | None = None
    models_dir: Path | None = None      # None: models_dir_default()
    cache_path: Path | None = None      # None: the user cache (see cache.default_cache_path)
    use_cache: bool = True
    fetch_missing: bool = False         # try `model fetch` when no model is installed
    glossary_path: Path | None = None   # terms to check (flag ``glossary``), see glossary.py
    parquet: bool = False               # also <name>.parquet: the JSONL records as Parquet
    options: TranslateOptions = field(default_factory=TranslateOptions)
    progress: bool = True
    chunk_segments: int = STREAM_CHUNK  # articles go through the stages about this many segments at a time
    ray: RayOptions | None = None       # translate on a Ray cluster first (--engine ray); None: here
    length_model: LengthModel = DEFAULT_LENGTH_MODEL   # what length_ratio judges by (the prior, calibrating)
    calibrate: bool = True              # weigh the length model against this corpus's own translations

    def __post_init__(self) -> None:
        self.models_dir = self.models_dir or models_dir_default()
        self.seeds_dir, self.out_dir, self.models_dir = map(Path, (self.seeds_dir, self.out_dir, self.models_dir))
        self.cache_path = Path(self.cache_path) if self.cache_path is not None else None
        if not self.name or self.name in (".", "..") or Path(self.name).name != self.name or "\\" in self.name:
            raise InputError(f"--name {self.name!r}: give a file name stem such as ar-en (no folder, not empty); "
                             "--out says where the files go")


STAGES = ("read", "segment", "translate", "calibrate", "flag", "align", "score", "write")


class StageTimer:
    """Wall-clock seconds per pipeline stage, for the report (summed over the chunks of a run)."""

    def __init__(self, stages: tuple[str, ...] = ()) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(stages, 0.0)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block under ``name`` (added to earlier blocks of the same name)."""
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


def output_paths(out_dir: Path, name: str, parquet: bool = False) -> dict[str, Path]:
    """Every file a corpus run writes into ``out_dir`` for the corpus ``name``."""
    out_dir = Path(out_dir)
    return {
        **({"parquet": out_dir / f"{name}.parquet"} if parquet else {}),
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


@dataclass
class Article:
    """One article on its way through the pipeline: the document, its reference, its segments."""
    document: Document
    reference: Document | None
    segments: list[Segment]


def article_chunks(paths: list[Path], timer: StageTimer,
                   max_segments: int = STREAM_CHUNK) -> Iterator[list[Article]]:
    """Whole articles, read and segmented, in chunks of about ``max_segments`` segments."""
    chunk: list[Article] = []
    size = 0
    for path in paths:
        with timer.stage("read"):
            document = read_article(path)
            reference = read_reference(reference_path(path)) if reference_path(path).is_file() else None
        with timer.stage("segment"):
            segments = segment_document(document)
        chunk.append(Article(document, reference, segments))
        size += len(segments)
        if size >= max_segments:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class CorpusWriters:
    """Every output but the report, open in a staging folder and written a chunk at a time."""

    def __init__(self, stack: ExitStack, staged: dict[str, Path], provenance: Provenance) -> None:
        self.provenance = provenance
        self.tmx = stack.enter_context(open_tmx(staged["tmx"], provenance))
        self.xliff = stack.enter_context(open_xliff(staged["xliff"], provenance))
        self.moses = stack.enter_context(open_moses(staged["tmx"].with_suffix("")))
        self.jsonl = stack.enter_context(open_records(staged["jsonl"], "translation", provenance))
        self.review = stack.enter_context(open_review(staged["review"], provenance))
        self.parquet = stack.enter_context(open_records(staged["parquet"], "translation", provenance)) \
            if "parquet" in staged else None

    def write(self, documents: list[Document], translations: list[Translation],
              matches: dict[str, dict[str, Pair]], references: dict[str, Document]) -> None:
        """Write a chunk's translations to every output (TMX, XLIFF, Moses, JSONL, review page); an
        article read from a web page carries the page's URL (TMX, JSONL) and metadata (XLIFF notes)."""
        pages = {document.id: document.page for document in documents if document.page}
        self.xliff.document_notes.update({doc_id: page.notes() for doc_id, page in pages.items()})
        for translation in translations:
            page = pages.get(translation.segment.doc_id)
            url = page.url if page else ""
            self.tmx.write(translation_unit(translation, self.provenance, source_url=url))
            self.xliff.write(translation_xliff_unit(translation))
            self.moses.write((translation.segment.id, translation.segment.text, translation.text))
            record = translation_record(translation, self.provenance.model_name, url)
            self.jsonl.write(record)
            if self.parquet is not None:
                self.parquet.write(record)
        by_document = group_by_document(translations)
        for document in documents:
            self.review.add_document(document, by_document.get(document.id, []),
                                     matches.get(document.id, {}) if document.id in references else None)


def engine_config(config: CorpusConfig, model_dir: Path) -> EngineConfig:
    """How this corpus run translates (``runs.engine``)."""
    return EngineConfig(model_dir, config.options, config.cache_path, config.use_cache, config.glossary_path,
                        config.ray, config.progress, config.length_model, read_twice=config.calibrate)


def translate_corpus(paths: list[Path], translator: Translator, stats: TranslationStats, timer: StageTimer,
                     config: CorpusConfig, total: int) -> LengthSample:
    """The first pass of a run that calibrates its length flag: every segment translated into the
    cache (counted in ``stats``; not flagged yet, the second pass does that), and each translation's
    length ratio kept (8 bytes a segment), but for those that are broken (``unmeasured``): what the
    model does when it works."""
    sample = LengthSample(config.length_model.edges)
    translator.flagging = False
    try:
        with progress_bar(total=total, unit="seg", desc="translate", enabled=config.progress) as bar:
            for chunk in article_chunks(paths, timer, config.chunk_segments):
                with timer.stage("translate"):
                    translations = translator.translate_chunk([s for a in chunk for s in a.segments], stats, bar)
                for translation in translations:
                    if not unmeasured(translation):
                        sample.add(translation.segment.text, translation.text)
    finally:
        translator.flagging = True
    return sample


# decoding's flags of a translation whose length says nothing of the model's habit: cut at the
# limit, translated in parts
UNMEASURED = {"truncated", "split"}


def unmeasured(translation: Translation) -> bool:
    """Cut at the length limit, translated in parts, or looping: left out of the length fit."""
    return bool(set(translation.flags) & UNMEASURED) or has_repetition(translation.text)


def calibrated_flags(translator: Translator, config: CorpusConfig, sample: LengthSample) -> None:
    """Judge lengths from now on by the prior weighed against the corpus's own translations
    (``calibrate_length_model``: sigma-clipped, so the omissions the flag is for stay out of the fit)."""
    prior = config.length_model
    translator.length_model = calibrate_length_model(
        prior, sample, fitted_on=f"this corpus's translations ({len(sample)} of {MIN_SOURCE_CHARS}+ source "
                                 f"characters), weighed against {prior.fitted_on or 'a prior'}")


RAY_SHARDS = ".ray-shards"   # in the output folder: the cluster's translations on their way to the cache


def process_chunk(chunk: list[Article], translator: Translator, writers: CorpusWriters, totals: RunTotals,
                  timer: StageTimer, bar, stats: TranslationStats | None = None) -> None:
    """Translate, align, score and write one chunk of articles, adding to ``totals`` (the translator's
    counts to ``stats`` instead, where given: a second pass)."""
    documents = [article.document for article in chunk]
    references = {a.document.id: a.reference for a in chunk if a.reference is not None}
    with timer.stage("translate" if stats is None else "flag"):   # a second pass reads the cache and flags
        translations = translator.translate_chunk([s for a in chunk for s in a.segments], stats or totals.stats,
                                                  bar)
        tokens = dict(zip((t.segment.id for t in translations), zip(
            translator.count_tokens([t.segment.text for t in translations], "source"),
            translator.count_tokens([t.text for t in translations], "target"))))
    with timer.stage("align"):
        alignments = align_references(documents, translations, references)
    with timer.stage("score"):
        totals.scores.add(documents, translations, references, alignments)
    clear_text_caches()   # the next chunk's sentences are new: what the aligner remembered of these is dead weight
    matches = {doc_id: alignment.by_segment() for doc_id, alignment in alignments.items()}
    totals.attention.add(translations, matches)
    totals.documents.add(documents, translations, tokens)
    with timer.stage("write"):
        writers.write(documents, translations, matches, references)


STAGING_PREFIX = ".staging-"  # outputs are written here, then renamed into the output folder


@dataclass
class CorpusResult:
    """What a corpus run did: its report (what ``report.json`` holds) and the files it wrote."""

    report: dict
    paths: dict[str, Path]

    def to_json(self) -> dict:
        """The report."""
        return self.report

    def format(self) -> str:
        """One line for people: counts, cache, flags and what was written."""
        totals = self.report["totals"]
        repeats = totals["segments"] - totals["translated"] - totals["from_cache"]
        repeated = f", {repeats} repeating a segment before them" if repeats > 0 else ""
        return (f"{totals['documents']} documents, {totals['segments']} segments: "
                f"{totals['translated']} translated, {totals['from_cache']} from cache{repeated}; "
                f"flags: {format_counts(totals['flags'])}; wrote {files_written(self.paths.values())}")


def files_written(paths) -> str:
    """``FOLDER/{a.tmx,a.xlf,…}``: the files of one folder, in one short name."""
    paths = [Path(p) for p in paths]
    folder = paths[0].parent if paths else Path(".")
    return f"{folder}/{{{','.join(p.name for p in paths)}}}"


def run_corpus(config: CorpusConfig) -> CorpusResult:
    """Run the whole pipeline; returns the report (also written as ``report.json``) and the files
    written.  A file system failure while writing (full, read-only) is a ``LocationError`` naming
    the output folder, and leaves nothing there."""
    try:
        return _run_corpus(config)
    except OSError as exc:
        raise _told_of_output(location_error(exc), config.out_dir) from exc
    except LocationError as exc:
        raise _told_of_output(exc, config.out_dir) from exc


def _told_of_output(error: LocationError, out_dir: Path) -> LocationError:
    """A failure in our staging folder (or of no named file) is told of the output folder."""
    staged = error.path is None or STAGING_PREFIX in str(error.path)
    return error.moved_to(out_dir) if staged else error


def _run_corpus(config: CorpusConfig) -> CorpusResult:
    if config.parquet:
        writable_format("parquet")   # before the model is looked up or anything read
    timer = StageTimer(STAGES)
    model_dir = ensure_model(config.model, config.models_dir, config.fetch_missing, config.progress)
    with timer.stage("read"):
        paths = article_paths(config.seeds_dir)
    total = 0
    for chunk in article_chunks(paths, timer):   # the first pass: bad input fails here, before the model
        total += sum(len(article.segments) for article in chunk)
    # --engine ray: the texts, read again as the cluster's input shards are written (never all in memory)
    texts = (segment.text for chunk in article_chunks(paths, timer) for article in chunk
             for segment in article.segments) if config.ray else None
    totals = RunTotals()
    final = output_paths(config.out_dir, config.name, config.parquet)
    with ExitStack() as resources, exclusive_folder(config.out_dir, leftovers=(STAGING_PREFIX,)), \
            tempfile.TemporaryDirectory(prefix=STAGING_PREFIX, dir=config.out_dir) as tmp:
        with timer.stage("translate"):   # with --engine ray, the cluster translates the texts into the cache here
            engine = resources.enter_context(open_engine(engine_config(config, model_dir), texts,
                                                         config.out_dir / RAY_SHARDS, private_dir=Path(tmp)))
        translator, fill = engine.translator, engine.fill
        provenance = Provenance(translator.model_name, translator.model_sha256, options=config.options.as_dict())
        staged = output_paths(Path(tmp), config.name, config.parquet)
        second_pass = None
        if config.calibrate:   # translate everything first, then flag and write by the calibrated model
            sample = translate_corpus(paths, translator, totals.stats, timer, config, total)
            with timer.stage("calibrate"):
                calibrated_flags(translator, config, sample)
            second_pass = TranslationStats()
        with ExitStack() as outputs, progress_bar(total=total, unit="seg", desc="write" if second_pass else
                                                  "translate", enabled=config.progress) as bar:
            with timer.stage("write"):
                writers = CorpusWriters(outputs, staged, provenance)
            for chunk in article_chunks(paths, timer, config.chunk_segments):
                process_chunk(chunk, translator, writers, totals, timer, bar, second_pass)
            with timer.stage("write"):
                outputs.close()
        if second_pass is not None:
            totals.stats.flags = second_pass.flags
        if fill is not None:
            fill.count_as_translated(totals.stats)
        report = build_report(config.options, config.glossary_path, translator.manifest, engine.cache_path, totals,
                              timer.seconds, final, provenance, engine.as_dict(),
                              judged_by(config.length_model, translator.length_model, config.calibrate))
        with atomic_write(staged["report"]) as out:
            json.dump(report, out, indent=2, ensure_ascii=False)
            out.write("\n")
        write_markdown(staged["report_md"], report)
        for kind, path in staged.items():
            os.replace(path, final[kind])
    return CorpusResult(report, final)
