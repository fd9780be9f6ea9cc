"""Document pairs into sentence pairs: what ``parallel pair-docs --align STEM`` adds.

Every pair of documents ``pair-docs`` found is aligned sentence by sentence, all of them as one
collection (the length ratio of all of them; without MT a word table learned from them, with MT
the Arabic side's translation as the pivot: ``runs.align.align_sides``), and written as the
``align`` command writes: TMX, JSONL (and Parquet), Moses, and the unaligned sentences.  Each
record carries its document pair's probability (``document_score``, TMX ``x-document-score``)
and the English document (``target_doc``), ready for ``parallel filter``.
"""
from __future__ import annotations

from pathlib import Path

from parallel.alignment.aligner import AlignOptions
from parallel.checks.length_model import DEFAULT_LENGTH_MODEL, LengthModel, judged_by
from parallel.formats.jsonl import write_jsonl
from parallel.formats.moses import write_moses_rows
from parallel.formats.provenance import Provenance
from parallel.formats.registry import open_records
from parallel.formats.tmx import write_tmx
from parallel.pairing.pairer import Pairing
from parallel.runs.align import align_sides, flagged_pairs, output_paths, pair_record, pair_unit, pairs_from_beads


def align_document_pairs(pairing: Pairing, arabic, english, pivots: list[list[str]] | None, stem: Path,
                         provenance: Provenance, parquet: bool = False,
                         length_model: LengthModel = DEFAULT_LENGTH_MODEL, calibrate: bool = True) -> dict:
    """Align the sentences of every document pair and write the outputs (lengths judged by
    ``length_model``, weighed against these pairs when ``calibrate``); return counts and paths."""
    sides = [(arabic.segments[p.arabic], english.segments[p.english]) for p in pairing.pairs]
    pair_pivots = [pivots[p.arabic] for p in pairing.pairs] if pivots is not None else None
    aligned = align_sides(sides, pair_pivots, AlignOptions(), learn_table=pair_pivots is None and len(sides) > 1)
    pairs, owners, unaligned = [], [], []
    for index, (document_pair, (source, target), beads) in enumerate(zip(pairing.pairs, sides, aligned)):
        document_pairs, left = pairs_from_beads(beads, source, target, pair_pivots[index] if pair_pivots else None)
        pairs += document_pairs
        owners += [document_pair] * len(document_pairs)
        unaligned += left
    pairs, used = flagged_pairs(pairs, length_model, calibrate)
    records, units, moses = [], [], []
    for document_pair, pair in zip(owners, pairs):
        english_document = english.name(document_pair.english)
        records.append({**pair_record(pair), "target_doc": english_document,
                        "document_score": round(document_pair.probability, 4)})
        unit = pair_unit(pair, provenance)
        unit.props.update({"x-target-document": english_document,
                           "x-document-score": f"{document_pair.probability:.4f}"})
        units.append(unit)
        moses.append((pair.id, pair.source, pair.target))
    paths = output_paths(stem)
    del paths["rejected"]
    write_tmx(paths["tmx"], units, provenance)
    write_moses_rows(stem, moses)
    for name in ("jsonl", "parquet") if parquet else ("jsonl",):
        paths[name] = Path(stem).with_name(f"{Path(stem).name}.{name}")
        with open_records(paths[name], "site_pair", provenance, name=name) as out:
            out.write_all(records)
    write_jsonl(paths["unaligned"], unaligned)
    return {"documents": len(sides), "pairs": len(records),
            "unaligned_source": sum(u["side"] == "source" for u in unaligned),
            "unaligned_target": sum(u["side"] == "target" for u in unaligned),
            "length_model": judged_by(length_model, used, calibrate),
            "outputs": {kind: str(path) for kind, path in paths.items()}}
