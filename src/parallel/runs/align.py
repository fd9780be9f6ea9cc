"""The pipeline behind ``parallel align``: articles and their human translations in, sentence pairs out.

One article and its translation, or a folder of articles (``<doc>.txt``) with their translations
beside them (``<doc>.en.txt``).  Both sides are segmented (or taken one sentence per line), the
source is given a pivot (the MT from an installed model, or any external MT from
``--translations``, one line per source sentence) when asked, the aligner pairs them, and the
pairs are written as TMX, Moses and JSONL with their alignment scores.  Pairs scoring below
``min_score`` go to ``<stem>.rejected.jsonl``; sentences left unaligned go to
``<stem>.unaligned.jsonl``.

A folder is aligned as a whole: short articles borrow the length ratio of all of them, and
without a pivot a word table is learned from the folder (``lexicon.align_documents``).
"""
from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from parallel.alignment.aligner import AlignOptions, Bead, align_collection, with_corpus_ratio
from parallel.alignment.lexicon import align_documents
from parallel.checks.flags import pair_flags
from parallel.checks.length_model import DEFAULT_LENGTH_MODEL, LengthModel, calibrate_length_model, judged_by
from parallel.errors import InputError
from parallel.formats.jsonl import write_jsonl
from parallel.formats.moses import write_moses_rows
from parallel.formats.provenance import Provenance
from parallel.formats.registry import open_records, writable_format
from parallel.formats.tmx import TmxUnit, write_tmx
from parallel.read.articles import article_paths, read_article, read_reference, reference_path
from parallel.read.textfiles import read_lines
from parallel.records import Pair, Segment
from parallel.runs.engine import EngineConfig, open_engine
from parallel.runs.ray_engine import RayOptions
from parallel.segment.sentences import line_segments, segment_document
from parallel.translate.translator import TranslateOptions


@dataclass
class AlignConfig:
    """What ``run_align`` aligns (an article and its reference, or a folder of both), with which pivot,
    and where it writes."""

    source_path: Path                    # an article, or a folder of articles with <doc>.en.txt beside them
    target_path: Path | None             # the article's translation; None for a folder
    out_stem: Path | None = None         # None: the source's name + .aligned beside it (default_out_stem)
    presplit: bool = False               # one sentence per line on both sides
    translations_path: Path | None = None
    model_dir: Path | None = None        # translate the source with this model for the pivot
    cache_path: Path | None = None       # the translation cache the model's pivot reads and fills (open_cache)
    use_cache: bool = True               # False: the model translates everything, no cache read or written
    min_score: float = 0.0
    options: AlignOptions = field(default_factory=AlignOptions)
    lexicon: bool = True                 # folder without a pivot: learn a word table from it
    parquet: bool = False                # also <stem>.parquet: the kept pairs' JSONL records as Parquet
    ray: RayOptions | None = None        # translate the model's pivot on a Ray cluster (--engine ray)
    translate_options: TranslateOptions = field(default_factory=TranslateOptions)   # the model's decoding
    progress: bool = True
    length_model: LengthModel = DEFAULT_LENGTH_MODEL   # what the pairs' length_ratio judges by ...
    calibrate: bool = True               # ... weighed against the aligned pairs' own lengths


def document_paths(config: AlignConfig) -> list[tuple[Path, Path]]:
    """(article, translation) paths: the two given, or every article of a folder with its ``.en.txt``
    (or ``.en.html``)."""
    source = Path(config.source_path)
    if not source.is_dir():
        if config.target_path is None:
            raise InputError(f"{source}: give the translation too, or a folder of articles")
        return [(source, Path(config.target_path))]
    if config.target_path is not None:
        raise InputError(f"{source}: a folder pairs each article with its <doc>.en.txt; give no translation file")
    if config.translations_path is not None:
        raise InputError(f"{config.translations_path}: --translations pairs one article's sentences; "
                         "it cannot serve a folder")
    pairs = [(article, reference_path(article)) for article in article_paths(source)]
    missing = [str(reference) for _, reference in pairs if not reference.is_file()]
    if missing:
        raise InputError(f"{missing[0]}: no translation for {len(missing)} article(s) in {source}")
    return pairs


def read_side(path: Path, presplit: bool, is_source: bool) -> list[Segment]:
    """Sentences of one side: segmented paragraphs, or with ``presplit`` one per line, as ``translate
    --lines`` reads them (ids ``<doc>:<line>:1``; blank lines hold no sentence)."""
    if presplit:
        return [segment for segment in line_segments(Path(path)) if segment.text]
    document = read_article(path) if is_source else read_reference(path)
    return segment_document(document)


def read_pivot(path: Path, expected: int) -> list[str]:
    """One MT line per source sentence, in order (``-``: standard input).  What ``parallel translate
    SOURCE`` prints will do: the blank lines it puts between paragraphs are dropped when the other
    lines are one per sentence.  An ``InputError`` when the counts differ."""
    lines = sys.stdin.read().splitlines() if str(path) == "-" else read_lines(path)
    if len(lines) != expected:
        filled = [line for line in lines if line.strip()]
        if len(filled) == expected:
            return filled
        raise InputError(f"{path}: {len(filled)} MT lines, but the source has {expected} sentences (one MT "
                         "line per source sentence, in order: `parallel translate SOURCE > MT.txt` makes it)")
    return lines


def pairs_from_beads(beads: Iterable[Bead], source: list[Segment], target: list[Segment],
                     pivot: list[str] | None) -> tuple[list[Pair], list[dict]]:
    """The beads' pairs (texts joined, pivot; flags come from ``flagged_pairs``) and the unaligned
    sentences of either side as records."""
    pairs, unaligned = [], []
    for bead in beads:
        if not bead.source or not bead.target:
            side, segments, index = ("source", source, bead.source) if bead.source else ("target", target, bead.target)
            unaligned += [{"side": side, "doc": segments[i].doc_id, "id": segments[i].id, "text": segments[i].text}
                          for i in index]
            continue
        source_text = " ".join(source[i].text for i in bead.source)
        target_text = " ".join(target[j].text for j in bead.target)
        pairs.append(Pair(source[bead.source[0]].doc_id,
                          tuple(source[i].id for i in bead.source), tuple(target[j].id for j in bead.target),
                          source_text, target_text,
                          " ".join(pivot[i] for i in bead.source) if pivot is not None else None, bead.score))
    return pairs, unaligned


def flagged_pairs(pairs: list[Pair], prior: LengthModel = DEFAULT_LENGTH_MODEL, calibrate: bool = True,
                  min_score: float = 0.0) -> tuple[list[Pair], LengthModel]:
    """The pairs with their flags (``pair_flags``) and the length model they were judged by: ``prior``,
    weighed against the lengths of the pairs scoring ``min_score`` or more when ``calibrate``
    (``calibrate_length_model``), so that a collection translated more freely or more tightly than
    the prior's data is judged by its habit, and pairs the aligner doubts do not teach it."""
    trusted = ((p.source, p.target) for p in pairs if p.score >= min_score)
    model = calibrate_length_model(prior, trusted) if calibrate else prior
    return [replace(p, flags=pair_flags(p.source, p.target, model)) for p in pairs], model


def pair_record(pair: Pair) -> dict:
    """A pair as one JSONL record."""
    return {"id": pair.id, "doc": pair.document, "source_ids": list(pair.source_ids),
            "target_ids": list(pair.target_ids),
            "source": pair.source, "target": pair.target, "mt": pair.mt, "alignment_score": pair.score,
            "flags": list(pair.flags)}


def pair_unit(pair: Pair, provenance: Provenance) -> TmxUnit:
    """A pair as a TMX unit, with document, ids, alignment score and flags as properties."""
    props = {"x-document": pair.document, "x-source-ids": " ".join(pair.source_ids),
             "x-target-ids": " ".join(pair.target_ids),
             "x-alignment-score": f"{pair.score:.4f}"}
    if pair.flags:
        props["x-flags"] = ",".join(pair.flags)
    return TmxUnit(pair.id, {provenance.source_language: pair.source, provenance.target_language: pair.target},
                   props)


def output_paths(stem: Path) -> dict[str, Path]:
    """Every file an alignment writes: TMX, JSONL (kept, rejected, unaligned) and Moses (.ar/.en/.ids)."""
    stem = Path(stem)
    return {kind: stem.with_name(stem.name + suffix) for kind, suffix in (
        ("tmx", ".tmx"), ("jsonl", ".jsonl"), ("rejected", ".rejected.jsonl"), ("unaligned", ".unaligned.jsonl"),
        ("ar", ".ar"), ("en", ".en"), ("ids", ".ids"))}


def default_out_stem(source_path: Path) -> Path:
    """Where an alignment is written unless told: beside the source, named after it (up to its first
    dot) with ``.aligned``, e.g. ``news.txt`` -> ``news.aligned.tmx``, a folder ``seeds`` -> ``seeds.aligned.*``."""
    source = Path(source_path).resolve()
    return source.with_name(source.name.split(".")[0] + ".aligned")


def model_pivots(engine: EngineConfig, sources: list[list[Segment]],
                 shard_dir: Path | None = None) -> tuple[str, str, list[list[str]]]:
    """The model's name and sha256, and its translation of each source sentence of each document:
    every document in one call (full batches), through the engine (``runs.engine``: the cache, and
    with ``ray`` the cluster first, its shards in ``shard_dir``)."""
    texts = [s.text for source in sources for s in source]
    with open_engine(engine, texts, shard_dir) as opened:
        translator = opened.translator
        results = iter(list(translator.translate_texts(texts, engine.progress)))
    pivots = [[next(results).text for _ in source] for source in sources]
    return translator.model_name, translator.model_sha256, pivots


def align_sides(sides: list[tuple[list[Segment], list[Segment]]], pivots: list[list[str]] | None,
                options: AlignOptions, learn_table: bool) -> list[list[Bead]]:
    """Align each document; with several, each gets the length ratio of all of them; with
    ``learn_table`` (no pivot) a word table learned from the others; bead priors, and what a
    pivot's similarity is worth, are learned from all of them (``align_collection``)."""
    texts = [([s.text for s in source], [t.text for t in target]) for source, target in sides]
    paragraphs = [([s.para for s in source], [t.para for t in target]) for source, target in sides]
    if len(sides) > 1:
        options = with_corpus_ratio(options, texts)
    if learn_table:
        return align_documents(texts, options=options, paragraphs=paragraphs)
    return align_collection(texts, options, paragraphs, pivots or None)


@dataclass
class AlignResult:
    """What an alignment run did: counts of documents, sentences, pairs (kept, rejected), unaligned
    sentences and flags, the pivot, and every file written (``summary``, as ``--json`` would give it)."""

    summary: dict

    def to_json(self) -> dict:
        """The summary."""
        return self.summary

    def format(self) -> str:
        """The lines for people: counts and files, then the flagged pairs by flag where there are any."""
        s = self.summary
        stem, suffixes = s["out_stem"], [path[len(s["out_stem"]) + 1:] for path in s["outputs"].values()]
        lines = [f"{s['documents']} document(s): {s['pairs']} pairs ({s['rejected']} below --min-score), "
                 f"unaligned: {s['unaligned_source']} source, {s['unaligned_target']} target sentences; "
                 f"pivot: {s['pivot']}; wrote {len(s['outputs'])} files: {stem}.{{{','.join(suffixes)}}}"]
        if s["flagged"]:
            flagged = sorted(s["flagged"].items())
            lines.append("flagged pairs: " + ", ".join(f"{flag} {count}" for flag, count in flagged))
        return "\n".join(lines)


def run_align(config: AlignConfig) -> AlignResult:
    """Align, write the outputs, and return what was done."""
    if config.translations_path is not None and config.model_dir is not None:
        raise InputError("give translations or a model for the pivot, not both")
    if config.ray is not None and config.model_dir is None:
        raise InputError("--engine ray translates the pivot: give --model")
    if config.parquet:
        writable_format("parquet")   # before anything is aligned or written
    out_stem = config.out_stem or default_out_stem(config.source_path)
    paths_by_document = document_paths(config)
    sides = [(read_side(source, config.presplit, is_source=True), read_side(target, config.presplit, is_source=False))
             for source, target in paths_by_document]
    pivot_name, pivot_sha256, pivots = "none", "", None
    if config.translations_path is not None:
        pivots = [read_pivot(config.translations_path, len(sides[0][0]))]
        pivot_name = f"file:{Path(config.translations_path).name}"
    elif config.model_dir is not None:
        engine = EngineConfig(config.model_dir, config.translate_options, config.cache_path, config.use_cache,
                              ray=config.ray, progress=config.progress)
        pivot_name, pivot_sha256, pivots = model_pivots(engine, [s for s, _ in sides],
                                                        out_stem.with_name(out_stem.name + ".ray-shards"))
    learned = pivots is None and config.lexicon and len(sides) > 1
    pairs, unaligned = [], []
    aligned = align_sides(sides, pivots, config.options, learn_table=learned)
    for index, ((source, target), beads) in enumerate(zip(sides, aligned)):
        document_pairs, document_unaligned = pairs_from_beads(beads, source, target, pivots[index] if pivots else None)
        pairs += document_pairs
        unaligned += document_unaligned
    pairs, length_model = flagged_pairs(pairs, config.length_model, config.calibrate, config.min_score)
    kept = [p for p in pairs if p.score >= config.min_score]
    rejected = [p for p in pairs if p.score < config.min_score]
    provenance = Provenance(pivot_name, pivot_sha256, options={"min_score": config.min_score, "pivot": pivot_name,
                                                     "presplit": config.presplit, "documents": len(sides),
                                                     "learned_lexicon": learned})
    paths = output_paths(out_stem)
    write_tmx(paths["tmx"], (pair_unit(p, provenance) for p in kept), provenance)
    write_moses_rows(out_stem, ((p.id, p.source, p.target) for p in kept))
    for name in ("jsonl", "parquet") if config.parquet else ("jsonl",):
        paths[name] = out_stem.with_name(f"{out_stem.name}.{name}")
        with open_records(paths[name], "pair", provenance, name=name) as out:
            out.write_all(pair_record(p) for p in kept)
    write_jsonl(paths["rejected"], (pair_record(p) for p in rejected))
    write_jsonl(paths["unaligned"], unaligned)
    summary = {"documents": len(sides), "source_sentences": sum(len(source) for source, _ in sides),
               "target_sentences": sum(len(target) for _, target in sides), "pairs": len(kept),
               "rejected": len(rejected), "unaligned_source": sum(u["side"] == "source" for u in unaligned),
               "unaligned_target": sum(u["side"] == "target" for u in unaligned),
               "pivot": "learned lexicon" if learned else pivot_name,
               "flagged": dict(Counter(flag for p in kept for flag in p.flags)),
               "length_model": judged_by(config.length_model, length_model, config.calibrate),
               "out_stem": str(out_stem), "outputs": {k: str(v) for k, v in paths.items()}}
    return AlignResult(summary)
