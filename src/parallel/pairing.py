"""The pipeline behind ``parallel align``: an article and its human translation in, sentence pairs out.

Both sides are segmented (or taken one sentence per line), the source is given a pivot (the MT
from an installed model, or any external MT from ``--translations``, one line per source
sentence) when asked, the aligner pairs them, and the pairs are written as TMX, Moses and JSONL
with their alignment scores.  Pairs scoring below ``min_score`` go to ``<stem>.rejected.jsonl``;
sentences left unaligned go to ``<stem>.unaligned.jsonl``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .align import AlignOptions, Bead, align
from .documents import Document, Segment, read_article, read_reference, read_text
from .errors import InputError
from .formats.jsonl import write_jsonl
from .formats.moses import write_moses_rows
from .formats.provenance import Provenance
from .formats.tmx import TmxUnit, write_tmx
from .score import read_lines
from .segment import segment_document
from .translate import TranslateOptions, Translator


@dataclass
class Pair:
    """Aligned sentences: ids and texts of each side (joined with a space when several)."""
    source_ids: tuple[str, ...]
    target_ids: tuple[str, ...]
    source: str
    target: str
    mt: str | None
    score: float

    @property
    def id(self) -> str:
        """The source ids joined: each source sentence is in one pair at most, so this is unique."""
        return "+".join(self.source_ids)


@dataclass
class AlignConfig:
    source_path: Path
    target_path: Path
    out_stem: Path
    presplit: bool = False               # one sentence per line on both sides
    translations_path: Path | None = None
    model_dir: Path | None = None        # translate the source with this model for the pivot
    min_score: float = 0.0
    options: AlignOptions = field(default_factory=AlignOptions)


def read_side(path: Path, presplit: bool, is_source: bool) -> list[Segment]:
    """Sentences of one side: segmented paragraphs, or one per line with ``presplit``."""
    if presplit:
        document = Document(Path(path).name.split(".")[0],
                            [line.strip() for line in read_text(Path(path)).splitlines() if line.strip()],
                            str(path))
        return [Segment(document.id, number, 1, text) for number, text in enumerate(document.paragraphs, 1)]
    document = read_article(path) if is_source else read_reference(path)
    return segment_document(document)


def read_pivot(path: Path, expected: int) -> list[str]:
    lines = read_lines(path)
    if len(lines) != expected:
        raise InputError(f"{path}: {len(lines)} lines, but the source has {expected} sentences "
                         "(one MT line per source sentence, in order)")
    return lines


def pairs_from_beads(beads: Iterable[Bead], source: list[Segment], target: list[Segment],
                     pivot: list[str] | None) -> tuple[list[Pair], list[dict]]:
    pairs, unaligned = [], []
    for bead in beads:
        if not bead.source or not bead.target:
            side, segments, index = ("source", source, bead.source) if bead.source else ("target", target, bead.target)
            unaligned += [{"side": side, "id": segments[i].id, "text": segments[i].text} for i in index]
            continue
        pairs.append(Pair(tuple(source[i].id for i in bead.source), tuple(target[j].id for j in bead.target),
                          " ".join(source[i].text for i in bead.source),
                          " ".join(target[j].text for j in bead.target),
                          " ".join(pivot[i] for i in bead.source) if pivot is not None else None, bead.score))
    return pairs, unaligned


def pair_record(pair: Pair) -> dict:
    return {"id": pair.id, "source_ids": list(pair.source_ids), "target_ids": list(pair.target_ids),
            "source": pair.source, "target": pair.target, "mt": pair.mt, "alignment_score": pair.score}


def pair_unit(pair: Pair, provenance: Provenance) -> TmxUnit:
    props = {"x-source-ids": " ".join(pair.source_ids), "x-target-ids": " ".join(pair.target_ids),
             "x-alignment-score": f"{pair.score:.4f}"}
    return TmxUnit(pair.id, {provenance.source_language: pair.source, provenance.target_language: pair.target},
                   props)


def output_paths(stem: Path) -> dict[str, Path]:
    stem = Path(stem)
    return {kind: stem.with_name(stem.name + suffix) for kind, suffix in (
        ("tmx", ".tmx"), ("jsonl", ".jsonl"), ("rejected", ".rejected.jsonl"), ("unaligned", ".unaligned.jsonl"))}


def model_pivot(model_dir: Path, source: list[Segment]) -> tuple[str, list[str]]:
    """The model's name and its translation of each source sentence."""
    translator = Translator(model_dir, TranslateOptions())
    return translator.model_name, [r.text for r in translator.translate_texts([s.text for s in source])]


def run_align(config: AlignConfig) -> dict:
    """Align, write the outputs, and return a summary."""
    if config.translations_path is not None and config.model_dir is not None:
        raise InputError("give translations or a model for the pivot, not both")
    source = read_side(config.source_path, config.presplit, is_source=True)
    target = read_side(config.target_path, config.presplit, is_source=False)
    pivot_name, pivot = "none", None
    if config.translations_path is not None:
        pivot = read_pivot(config.translations_path, len(source))
        pivot_name = f"file:{Path(config.translations_path).name}"
    elif config.model_dir is not None:
        pivot_name, pivot = model_pivot(config.model_dir, source)
    beads = align([s.text for s in source], [t.text for t in target], pivot,
                  [s.para for s in source], [t.para for t in target], config.options)
    pairs, unaligned = pairs_from_beads(beads, source, target, pivot)
    kept = [p for p in pairs if p.score >= config.min_score]
    rejected = [p for p in pairs if p.score < config.min_score]
    provenance = Provenance(pivot_name, "", options={"min_score": config.min_score, "pivot": pivot_name,
                                                     "presplit": config.presplit})
    paths = output_paths(config.out_stem)
    write_tmx(paths["tmx"], (pair_unit(p, provenance) for p in kept), provenance)
    write_moses_rows(Path(config.out_stem), ((p.id, p.source, p.target) for p in kept))
    write_jsonl(paths["jsonl"], (pair_record(p) for p in kept))
    write_jsonl(paths["rejected"], (pair_record(p) for p in rejected))
    write_jsonl(paths["unaligned"], unaligned)
    summary = {"source_sentences": len(source), "target_sentences": len(target), "pairs": len(kept),
               "rejected": len(rejected), "unaligned_source": sum(u["side"] == "source" for u in unaligned),
               "unaligned_target": sum(u["side"] == "target" for u in unaligned), "pivot": pivot_name,
               "outputs": {k: str(v) for k, v in paths.items()}}
    return summary
