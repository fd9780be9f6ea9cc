"""The pipeline behind ``parallel pair-docs``: the two heaps of a crawled bilingual site in, the
pairs of documents that translate each other out.

Every article or saved page on each side is read (the Arabic side's boilerplate rules apply; a
page without article text is skipped and counted), segmented, and handed to
``pairing.pair_documents``; with a model, the Arabic side is translated first (through the
engine: the cache, ``--engine ray`` too) and compared with the English as Bitextor does.

The output is tab-separated, one pair per line, best first::

    # parallel 0.1.0 pair-docs ... (provenance, as comment lines)
    arabic_path<TAB>english_path<TAB>probability<TAB>evidence
"""
from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator, Sequence

from parallel.checks.length_model import DEFAULT_LENGTH_MODEL, LengthModel
from parallel.errors import InputError, ParallelError, ResourceError
from parallel.files import atomic_write
from parallel.formats.provenance import Provenance
from parallel.formats.registry import writable_format
from parallel.pairing.keys import SideDocument
from parallel.pairing.pairer import Pairing, PairingOptions, pair_documents
from parallel.pairing.shelf import DocumentShelf
from parallel.progress import progress_bar, status
from parallel.read.articles import ARTICLE_SUFFIXES, read_article, read_reference
from parallel.records import Document, Segment
from parallel.runs.align_site import align_document_pairs
from parallel.runs.engine import EngineConfig, open_engine
from parallel.segment.sentences import segment_document

COLUMNS = ("arabic_path", "english_path", "probability", "evidence")
PIVOT_CHUNK = 20_000    # Arabic sentences translated at a time (batches stay full; a side's are never all held)


@dataclass
class PairDocsConfig:
    """Which folders to pair, with which evidence (``engine``: translate the Arabic side with a
    model; None: keys and a learned word table only), and where the pairs go."""

    arabic_dir: Path
    english_dir: Path
    out: Path
    engine: EngineConfig | None = None
    options: PairingOptions = field(default_factory=PairingOptions)
    align_stem: Path | None = None    # also align the sentences of every pair: STEM.tmx, .jsonl, Moses
    parquet: bool = False             # with align_stem: STEM.parquet too
    length_model: LengthModel = DEFAULT_LENGTH_MODEL   # with align_stem: what the pairs' lengths are judged by ...
    calibrate: bool = True            # ... weighed against the aligned pairs' own lengths
    progress: bool = True


@dataclass
class Side:
    """One side as read: its documents (with their segments), shelved on disk rather than held
    (``pairing.shelf``), and the files skipped, with why."""

    documents: DocumentShelf
    segments: Sequence[list[Segment]]
    skipped: list[tuple[str, str]]

    def name(self, index: int) -> str:
        """A document's name (its path), without reading it back."""
        return self.documents.names[index]


def side_paths(directory: Path) -> list[Path]:
    """Every article and saved page under a folder (``*.txt``, ``*.html``, ``*.htm``, in subfolders
    too), sorted."""
    directory = Path(directory)
    if directory.is_file():
        raise InputError(f"{directory}: is a file; expected a folder of articles or saved pages")
    if not directory.is_dir():
        raise InputError(f"{directory}: no such directory")
    paths = sorted(p for p in directory.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file())
    if not paths:
        raise InputError(f"{directory}: no articles or saved pages (*.txt, *.html, *.htm)")
    return paths


def side_document(path: Path, document: Document) -> tuple[SideDocument, list[Segment]]:
    """A read document as the pairing sees it: its sentences and what its page says (its segments'
    ids name the document as ``document.id`` does)."""
    segments = segment_document(document)
    page = document.page
    return SideDocument(str(path), [s.text for s in segments], url=page.url if page else "",
                        alternates=dict(page.alternates) if page else {},
                        date=page.date if page else ""), segments


POOL_FROM = 200     # documents a side from which reading is spread over a process per core
_ERRORS = {"InputError": InputError, "ResourceError": ResourceError}


def read_one(path: Path, directory: Path, arabic: bool) -> tuple[SideDocument, list[Segment]] | str:
    """One document as the pairing sees it, or why it has no article text (a reason to skip it).
    Other failures (an unreadable file, a place that cannot be written) stop the run as usual."""
    try:
        document = read_article(path) if arabic else read_reference(path)
        if not document.paragraphs:
            raise InputError(f"{path}: no text")
    except InputError as exc:
        return str(exc).removeprefix(f"{path}: ")
    document.id = _relative_id(path, Path(directory))
    return side_document(path, document)


def _read_in_worker(job: tuple[Path, Path, bool]):
    """``read_one`` in a worker process; a ``ParallelError`` comes back as (class name, message),
    since not every one pickles, and is raised again in the parent."""
    try:
        return read_one(*job)
    except ParallelError as exc:
        return ("error", type(exc).__name__, str(exc))


def read_side(directory: Path, arabic: bool, progress: bool = True, workers: int | None = None,
              shelf_dir: Path | None = None, paths: list[Path] | None = None) -> Side:
    """Read every document of one side; one that cannot be read as an article is skipped and
    counted.  From ``POOL_FROM`` documents on (or with ``workers`` given), pages are read by a
    process per core: reading a saved page (trafilatura) costs milliseconds to tens of milliseconds.
    The documents go to a shelf, a temporary file in ``shelf_dir`` (the system's when None);
    ``paths``: the side's files when the caller has listed them already (``side_paths``)."""
    shelf = DocumentShelf(str(shelf_dir) if shelf_dir is not None else None)
    side = Side(shelf, shelf.extras(), [])
    paths = paths if paths is not None else side_paths(directory)
    language = "Arabic" if arabic else "English"
    workers = workers if workers is not None else (os.cpu_count() or 1) if len(paths) >= POOL_FROM else 1
    jobs = [(path, Path(directory), arabic) for path in paths]
    with ExitStack() as stack:
        if workers > 1:
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers))
            results = pool.map(_read_in_worker, jobs, chunksize=16)
        else:
            results = (read_one(*job) for job in jobs)   # in this process, errors raise as they are
        for path, found in zip(paths, progress_bar(len(paths), enabled=progress, iterable=results,
                                                   desc=f"reading {language}", unit="doc")):
            if isinstance(found, str):
                side.skipped.append((str(path), found))
            elif found[0] == "error":
                raise _ERRORS.get(found[1], ParallelError)(found[2])
            else:
                shelf.append(*found)
    if not len(shelf):
        raise InputError(f"{directory}: none of its {len(side.skipped)} files has article text")
    return side


def _relative_id(path: Path, directory: Path) -> str:
    """A document's id in a crawl: its path under the folder without the suffix (``news/2024/x``), so
    that two pages named alike in two subfolders keep apart."""
    return path.relative_to(directory).with_suffix("").as_posix()


@dataclass
class PairDocsResult:
    """What ``pair-docs`` found: counts, the evidence used, and the output file."""

    summary: dict

    def to_json(self) -> dict:
        """The summary, as ``--json`` prints it."""
        return self.summary

    def format(self) -> str:
        """One line of counts, and the skipped files when there are any."""
        s = self.summary
        lines = [f"{s['arabic_documents']} Arabic and {s['english_documents']} English documents: "
                 f"{s['pairs']} pairs ({s['linked_by_pages']} named by the pages themselves); "
                 f"evidence: {s['evidence']}; wrote {s['out']}"]
        if "aligned" in s:
            a = s["aligned"]
            lines.append(f"aligned: {a['pairs']} sentence pairs from {a['documents']} document pairs; "
                         f"unaligned: {a['unaligned_source']} source, {a['unaligned_target']} target sentences; "
                         f"wrote {', '.join(a['outputs'].values())}")
        for side in ("arabic", "english"):
            skipped = s["skipped"][side]
            if skipped:
                lines.append(f"skipped {len(skipped)} {side} file(s) without article text, e.g. {skipped[0][0]}")
        return "\n".join(lines)


def write_pairs(path: Path, pairing: Pairing, arabic: Side, english: Side, provenance: Provenance) -> None:
    """The pairs as tab-separated lines, best first, under provenance comment lines."""
    options = json.dumps(provenance.options, ensure_ascii=False, sort_keys=True)
    with atomic_write(Path(path)) as out:
        created = provenance.created.isoformat()
        out.write(f"# {provenance.tool} {provenance.tool_version} pair-docs, created {created}\n")
        out.write(f"# model: {provenance.model_name} {provenance.model_sha256}".rstrip() + "\n")
        out.write(f"# options: {options}\n")
        out.write("# " + "\t".join(COLUMNS) + "\n")
        for pair in pairing.pairs:
            out.write(f"{arabic.name(pair.arabic)}\t{english.name(pair.english)}\t"
                      f"{pair.probability:.4f}\t{pair.evidence}\n")


def run_pair_docs(config: PairDocsConfig) -> PairDocsResult:
    """Read both folders, pair their documents, write the pairs (and with ``align_stem`` the
    sentence pairs of every document pair: ``runs.align_site``)."""
    if config.parquet:
        writable_format("parquet")   # before anything is read or written
    listed = side_paths(config.arabic_dir), side_paths(config.english_dir)   # bad folders: one line, nothing made
    shelf_dir = Path(config.out).parent      # beside the output: /tmp may be memory
    shelf_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as shelves:
        arabic = read_side(config.arabic_dir, arabic=True, progress=config.progress, shelf_dir=shelf_dir,
                           paths=listed[0])
        shelves.callback(arabic.documents.close)
        english = read_side(config.english_dir, arabic=False, progress=config.progress, shelf_dir=shelf_dir,
                            paths=listed[1])
        shelves.callback(english.documents.close)
        return _pair_sides(config, arabic, english)


def _pair_sides(config: PairDocsConfig, arabic: Side, english: Side) -> PairDocsResult:
    """Pair two sides as read (translating the Arabic side first with a model), write the pairs."""
    model_name, model_sha256, evidence, pivots = "none", "", "keys and a learned word table", None
    if config.engine is not None:
        with document_pivots(config.engine, arabic.segments) as (model_name, model_sha256, translated):
            arabic.documents.set_pivots(translated)          # shelved as they come, not held
        pivots = arabic.documents.pivot_sentences()
        evidence = f"keys and the MT of the Arabic side ({model_name})"
    pairing = pair_documents(arabic.documents, english.documents, config.options,
                             progress=lambda message: status(message, config.progress),
                             scratch=str(Path(config.out).parent))     # beside the shelves, not in /tmp
    provenance = Provenance(model_name, model_sha256, options={
        "arabic": str(config.arabic_dir), "english": str(config.english_dir), "evidence": evidence,
        "threshold": config.options.threshold, "lexicon_rounds": config.options.lexicon_rounds,
        "links": config.options.use_links})
    write_pairs(config.out, pairing, arabic, english, provenance)
    summary = {
        "arabic_documents": len(arabic.documents), "english_documents": len(english.documents),
        "pairs": len(pairing.pairs), "linked_by_pages": pairing.linked_by_pages, "candidates": pairing.candidates,
        "self_labelled": pairing.self_labelled, "evidence": evidence, "out": str(config.out),
        "skipped": {"arabic": arabic.skipped, "english": english.skipped}}
    if config.align_stem is not None:
        summary["aligned"] = align_document_pairs(pairing, arabic, english, pivots, config.align_stem,
                                                  provenance, config.parquet, config.length_model, config.calibrate)
    return PairDocsResult(summary)


@contextmanager
def document_pivots(engine: EngineConfig, sources: Sequence[list[Segment]]
                    ) -> Iterator[tuple[str, str, Iterator[list[str]]]]:
    """The model's name and sha256, and an iterator of each document's translated sentences, in
    order, to be read inside the block: documents are translated ``PIVOT_CHUNK`` sentences at a
    time through the engine (the cache; with ``ray``, the cluster first, fed the texts as they
    are read), so that a side's texts and translations are never all in memory."""
    texts = (segment.text for source in sources for segment in source)
    # read_twice: without the cache, a private one, so that a sentence repeated across chunks
    # (a site's boilerplate) is translated once, as in one call
    with open_engine(replace(engine, read_twice=True), texts) as opened:
        translator = opened.translator
        yield translator.model_name, translator.model_sha256, _translated(translator, sources, engine.progress)


def _translated(translator, sources: Sequence[list[Segment]], progress: bool) -> Iterator[list[str]]:
    total = sum(len(source) for source in sources)
    with progress_bar(total=total, unit="seg", desc="translate", enabled=progress) as bar:
        chunk: list[list[str]] = []
        sentences = 0
        for source in sources:
            chunk.append([segment.text for segment in source])
            sentences += len(source)
            if sentences >= PIVOT_CHUNK:
                yield from _chunk_translated(translator, chunk, bar)
                chunk, sentences = [], 0
        yield from _chunk_translated(translator, chunk, bar)


def _chunk_translated(translator, documents: list[list[str]], bar) -> Iterator[list[str]]:
    texts = [text for document in documents for text in document]
    results = iter(translator.translate_texts(texts, bar=bar) if texts else [])
    for document in documents:
        yield [next(results).text for _ in document]
