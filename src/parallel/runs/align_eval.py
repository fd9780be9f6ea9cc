"""Measuring the aligner against gold: documents from a line-aligned test set, perturbed targets,
and strict / lax precision, recall and F1 as Vecalign and Bleualign report them.

Gold starts as line i <-> line i.  The target side is then perturbed, the gold following:
``merge`` joins a target sentence with the next (gold 2-1), ``drop`` removes a target sentence
(gold 1-0), ``insert`` adds a sentence taken from another document (gold 0-1).

Scoring (Vecalign's definitions): precision is over the system's beads, skips included; recall
is over gold beads without skips.  A bead is a strict match when gold has exactly that bead, a
lax match when it shares at least one source and one target sentence with a gold bead.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from parallel.alignment.aligner import AlignOptions, align_collection, with_corpus_ratio
from parallel.alignment.lexicon import align_documents
from parallel.errors import InputError
from parallel.read.textfiles import read_lines

Alignment = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass
class GoldDocument:
    """A document of a line-aligned test set with its gold alignment (after perturbation, if any)."""
    id: str
    source: list[str]
    target: list[str]
    gold: list[Alignment]
    pivot: list[str] | None = None


def read_documents(source_path: Path, target_path: Path, docids_path: Path,
                   pivot_path: Path | None = None) -> list[GoldDocument]:
    """Consecutive lines with the same document id form a document (gold: line to line)."""
    columns = [read_lines(p) for p in (source_path, target_path, docids_path)]
    pivot = read_lines(pivot_path) if pivot_path else None
    names = [source_path, target_path, docids_path] + ([pivot_path] if pivot_path else [])
    counts = [len(c) for c in columns] + ([len(pivot)] if pivot is not None else [])
    if len(set(counts)) != 1:
        listed = ", ".join(f"{p} {n}" for p, n in zip(names, counts))
        raise InputError(f"line counts differ: {listed}")
    documents: list[GoldDocument] = []
    for index, (source, target, docid) in enumerate(zip(*columns)):
        docid = docid.strip()
        if not documents or documents[-1].id != docid:
            documents.append(GoldDocument(docid, [], [], [], [] if pivot is not None else None))
        document = documents[-1]
        position = len(document.source)
        document.source.append(source)
        document.target.append(target)
        document.gold.append(((position,), (position,)))
        if pivot is not None:
            document.pivot.append(pivot[index])
    return documents


def join_documents(documents: Sequence[GoldDocument], size: int) -> list[GoldDocument]:
    """Every ``size`` consecutive documents as one, their gold one after the other: long
    documents, as news articles are (FLORES-200's have 1 to 10 sentences, and a short document's
    own boundaries tell the aligner much of what it has to find)."""
    joined = []
    for start in range(0, len(documents), max(size, 1)):
        group = documents[start:start + max(size, 1)]
        document = GoldDocument(group[0].id if len(group) == 1 else f"{group[0].id}+{len(group) - 1}", [], [], [],
                                [] if group[0].pivot is not None else None)
        for part in group:
            source_offset, target_offset = len(document.source), len(document.target)
            document.gold += [(tuple(i + source_offset for i in s), tuple(j + target_offset for j in t))
                              for s, t in part.gold]
            document.source += part.source
            document.target += part.target
            if document.pivot is not None:
                document.pivot += part.pivot
        joined.append(document)
    return joined


class LinesOfOthers(Sequence[str]):
    """The target lines of every document but one, read in place: ``perturb`` draws inserted
    sentences from it, and copying every other document's lines for each document would make an
    evaluation quadratic in the test set's size."""

    def __init__(self, lines: Sequence[str], start: int, end: int):
        self.lines, self.start, self.end = lines, start, end  # the left-out document's lines[start:end]

    def __len__(self) -> int:
        return len(self.lines) - (self.end - self.start)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        index %= len(self)
        return self.lines[index if index < self.start else index + self.end - self.start]


def perturb(document: GoldDocument, others: Sequence[str], rng: random.Random, merge: float,
            drop: float, insert: float) -> GoldDocument:
    """A copy of ``document`` whose target side has merged, dropped and inserted sentences."""
    target: list[str] = []
    gold: list[Alignment] = []
    i, n = 0, len(document.source)
    while i < n:
        if others and rng.random() < insert:
            gold.append(((), (len(target),)))
            target.append(rng.choice(others))
        roll = rng.random()
        if roll < drop:
            gold.append(((i,), ()))
            i += 1
        elif roll < drop + merge and i + 1 < n:
            gold.append(((i, i + 1), (len(target),)))
            target.append(f"{document.target[i]} {document.target[i + 1]}")
            i += 2
        else:
            gold.append(((i,), (len(target),)))
            target.append(document.target[i])
            i += 1
    return GoldDocument(document.id, document.source, target, gold, document.pivot)


def simulate_mt(sentences: Sequence[str], rng: random.Random, dropout: float = 0.15,
                substitute: float = 0.15, swap: float = 0.1) -> list[str]:
    """A stand-in for real MT made from the reference: words dropped, replaced by words from
    elsewhere in the text, and adjacent words swapped.  For testing the MT path offline only."""
    vocabulary = [w for s in sentences for w in s.split()] or ["x"]
    simulated = []
    for sentence in sentences:
        words = []
        for word in sentence.split():
            roll = rng.random()
            if roll < dropout:
                continue
            words.append(rng.choice(vocabulary) if roll < dropout + substitute else word)
        for k in range(len(words) - 1):
            if rng.random() < swap:
                words[k], words[k + 1] = words[k + 1], words[k]
        simulated.append(" ".join(words))
    return simulated


def _counts(gold: Iterable[Alignment], test: Iterable[Alignment]) -> tuple[int, int, int, int]:
    """(strict hits, strict misses, lax hits, lax misses) of ``test`` beads against ``gold``."""
    gold = {g for g in gold if g[0] or g[1]}
    gold_targets_of: dict[int, set[int]] = {}
    for source, target in gold:
        for s in source:
            gold_targets_of.setdefault(s, set()).update(target)
    strict_hit = strict_miss = lax_hit = lax_miss = 0
    for bead in {t for t in test if t[0] or t[1]}:
        if bead in gold:
            strict_hit += 1
            lax_hit += 1
            continue
        strict_miss += 1
        linked = set().union(*(gold_targets_of.get(s, set()) for s in bead[0])) if bead[0] else set()
        if linked & set(bead[1]):
            lax_hit += 1
        else:
            lax_miss += 1
    return strict_hit, strict_miss, lax_hit, lax_miss


def _ratio(hit: int, miss: int) -> float:
    return hit / (hit + miss) if hit + miss else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def alignment_scores(pairs: Iterable[tuple[list[Alignment], list[Alignment]]]) -> dict:
    """Strict and lax precision/recall/F1 summed over (gold, test) documents."""
    precision_counts = [0, 0, 0, 0]
    recall_counts = [0, 0, 0, 0]
    for gold, test in pairs:
        for index, value in enumerate(_counts(gold, test)):
            precision_counts[index] += value
        without_skips = lambda beads: [b for b in beads if b[0] and b[1]]  # noqa: E731
        for index, value in enumerate(_counts(without_skips(test), without_skips(gold))):
            recall_counts[index] += value
    result = {}
    for kind, offset in (("strict", 0), ("lax", 2)):
        precision = _ratio(precision_counts[offset], precision_counts[offset + 1])
        recall = _ratio(recall_counts[offset], recall_counts[offset + 1])
        result[kind] = {"precision": round(precision, 4), "recall": round(recall, 4),
                        "f1": round(_f1(precision, recall), 4)}
    return result


@dataclass
class AlignEvalConfig:
    """What ``evaluate_alignment`` measures: the perturbation (merge, drop, insert rates and seed), the
    aligner's options and the pivot."""
    merge: float = 0.0
    drop: float = 0.0
    insert: float = 0.0
    seed: int = 1
    simulate_mt: bool = False
    use_pivot: bool = True
    lexicon: bool = False   # without a pivot: realign with a table learned from the other documents
    pool_ratio: bool = True   # the length model's ratio from all documents (False: each its own)


def _pivot(document: GoldDocument, index: int, config: AlignEvalConfig) -> list[str] | None:
    """The pivot for the ``index``-th (unperturbed) document: its MT, simulated MT, or none."""
    if not config.use_pivot:
        return None
    if config.simulate_mt:
        return simulate_mt(document.target, random.Random(config.seed * 1_000_003 + index))
    return document.pivot


def perturbed_documents_and_pivots(documents: Sequence[GoldDocument], config: AlignEvalConfig
                                   ) -> tuple[list[GoldDocument], list[list[str] | None]]:
    """What ``evaluate_alignment`` aligns: each document perturbed as ``config`` says (inserted
    sentences drawn from the other documents), and its pivot (MT, simulated MT, or None)."""
    rng = random.Random(config.seed)
    perturbed_documents = []
    all_targets = [line for document in documents for line in document.target]
    start = 0
    for document in documents:
        others = LinesOfOthers(all_targets, start, start + len(document.target))
        start += len(document.target)
        perturbed_documents.append(perturb(document, others, rng, config.merge, config.drop, config.insert))
    return perturbed_documents, [_pivot(document, index, config) for index, document in enumerate(documents)]


class AlignmentEvaluation(dict):
    """``evaluate_alignment``'s result: a dict of counts, the length ratio and strict and lax
    P/R/F1, which formats itself."""

    def to_json(self) -> dict:
        """The evaluation as a JSON object (the same keys as the mapping)."""
        return dict(self)

    def format(self) -> str:
        """A table: strict and lax precision, recall and F1."""
        rows = ["          precision  recall     F1"]
        rows += [f"{kind:8}  {self[kind]['precision']:9.4f}  {self[kind]['recall']:6.4f}  {self[kind]['f1']:.4f}"
                 for kind in ("strict", "lax")]
        if self.get("by_type"):
            rows.append("gold bead type   beads   output exactly")
            rows += [f"{kind:15}  {c['gold']:6}   {c['exact']:.2%}" for kind, c in self["by_type"].items()]
        return "\n".join(rows)


def evaluate_alignment(documents: list[GoldDocument], config: AlignEvalConfig,
                       options: AlignOptions | None = None) -> AlignmentEvaluation:
    """Perturb each document, align it, and score against the gold that follows the perturbation."""
    perturbed_documents, pivots = perturbed_documents_and_pivots(documents, config)
    options = options or AlignOptions()
    if config.pool_ratio:
        options = with_corpus_ratio(options, [(d.source, d.target) for d in perturbed_documents])
    if config.lexicon and not config.use_pivot:
        aligned = align_documents([(d.source, d.target) for d in perturbed_documents], options=options,
                                  pool_ratio=config.pool_ratio)
    elif not config.use_pivot:
        aligned = align_collection([(d.source, d.target) for d in perturbed_documents], options)
    else:
        aligned = align_collection([(d.source, d.target) for d in perturbed_documents], options, pivots=pivots)
    pairs = [(d.gold, [(b.source, b.target) for b in beads]) for d, beads in zip(perturbed_documents, aligned)]
    beads_total = sum(len(beads) for beads in aligned)
    scores = alignment_scores(pairs)
    scores["documents"] = len(documents)
    scores["gold_beads"] = sum(len(g) for g, _ in pairs)
    scores["system_beads"] = beads_total
    scores["length_ratio"] = round(options.ratio, 4) if options.ratio else "per document"
    scores["by_type"] = exact_by_type(pairs)
    return AlignmentEvaluation(scores)


def bead_type(bead: Alignment) -> str:
    """``"1-1"``, ``"2-1"``, ``"1-0"``…: how many source and target sentences a bead holds."""
    return f"{len(bead[0])}-{len(bead[1])}"


def exact_by_type(pairs: Iterable[tuple[list[Alignment], list[Alignment]]]) -> dict[str, dict]:
    """For each gold bead type, how many gold beads there are and the share the aligner output
    exactly (a skip counts as found when the sentence is left unaligned)."""
    found: dict[str, list[int]] = {}
    for gold, test in pairs:
        test_beads = {(tuple(b[0]), tuple(b[1])) for b in test}
        skipped_source = {i for b in test if not b[1] for i in b[0]}
        skipped_target = {j for b in test if not b[0] for j in b[1]}
        for bead in gold:
            kind = bead_type(bead)
            if kind == "1-0":
                hit = bead[0][0] in skipped_source
            elif kind == "0-1":
                hit = bead[1][0] in skipped_target
            else:
                hit = (tuple(bead[0]), tuple(bead[1])) in test_beads
            counts = found.setdefault(kind, [0, 0])
            counts[0] += 1
            counts[1] += hit
    order = sorted(found, key=lambda k: (-found[k][0], k))
    return {kind: {"gold": found[kind][0], "exact": round(found[kind][1] / found[kind][0], 4)} for kind in order}
