"""``parallel eval pair-docs``: how well document pairing finds the pairs of a line-aligned test set.

A test set's documents (consecutive lines with one document id) are split into an Arabic and an
English heap, as a crawl would give them: the English side is shuffled and renamed, a share of
documents is dropped from either side (their translation then has no partner), and ``distractors``
documents per side are added whose translation is on neither side (drawn from the same test set,
so they are as close in topic and style as a crawl's other pages).  Pairing sees only the texts;
precision, recall and F1 count the pairs it returns against the pairs present on both sides.

With ``simulate_mt`` the Arabic side gets a stand-in for MT (``align_eval.simulate_mt``: the
English reference with words dropped, replaced and swapped) as its pivot: it tests the MT path
offline, never a real model's quality.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from parallel.pairing.keys import SideDocument
from parallel.pairing.pairer import Pairing, PairingOptions, pair_documents
from parallel.runs.align_eval import GoldDocument, read_documents, simulate_mt

CALIBRATION_BINS = (0.5, 0.7, 0.9, 0.99, 1.0)


@dataclass(frozen=True)
class PairEvalConfig:
    """The protocol: shares dropped from each side, distractors per side, the seed, simulated MT."""
    drop_source: float = 0.1
    drop_reference: float = 0.1
    distractors: int = 50
    seed: int = 1
    simulate_mt: bool = False
    options: PairingOptions = field(default_factory=PairingOptions)


def read_test_sets(triples: Sequence[tuple[Path, Path, Path]]) -> list[GoldDocument]:
    """The documents of one or more line-aligned test sets (source, reference, document ids), ids
    prefixed with the set's number so that two sets' ``doc001`` stay apart."""
    documents = []
    for number, (source, reference, docids) in enumerate(triples, start=1):
        for document in read_documents(source, reference, docids):
            document.id = f"{number}:{document.id}"
            documents.append(document)
    return documents


@dataclass
class Heaps:
    """The two sides as pairing sees them, and the truth: which (Arabic, English) indices are pairs."""
    arabic: list[SideDocument]
    english: list[SideDocument]
    truth: set[tuple[int, int]]


def make_heaps(documents: Sequence[GoldDocument], config: PairEvalConfig) -> Heaps:
    """Split, drop, add distractors, shuffle and rename (see the module)."""
    rng = random.Random(config.seed)
    order = list(range(len(documents)))
    rng.shuffle(order)
    distractors = min(config.distractors, len(order) // 4)
    arabic_only, english_only, rest = order[:distractors], order[distractors:2 * distractors], order[2 * distractors:]
    dropped_arabic = set(rng.sample(rest, round(len(rest) * config.drop_source)))
    dropped_english = set(rng.sample(rest, round(len(rest) * config.drop_reference)))
    arabic_ids = [d for d in rest if d not in dropped_arabic] + arabic_only
    english_ids = [d for d in rest if d not in dropped_english] + english_only
    rng.shuffle(arabic_ids)
    rng.shuffle(english_ids)
    arabic = [SideDocument(f"ar-{k:06d}", list(documents[d].source)) for k, d in enumerate(arabic_ids)]
    english = [SideDocument(f"en-{k:06d}", list(documents[d].target)) for k, d in enumerate(english_ids)]
    if config.simulate_mt:
        for document, d in zip(arabic, arabic_ids):
            document.pivot = " ".join(simulate_mt(documents[d].target, random.Random(config.seed * 1_000_003 + d)))
    english_at = {d: k for k, d in enumerate(english_ids)}
    truth = {(k, english_at[d]) for k, d in enumerate(arabic_ids) if d in english_at}
    return Heaps(arabic, english, truth)


@dataclass
class PairEvaluation:
    """Pair precision, recall and F1, how well the probabilities are calibrated, and the time taken."""
    summary: dict

    def to_json(self) -> dict:
        """The summary."""
        return self.summary

    def format(self) -> str:
        """Counts and scores on one line, calibration by probability band below."""
        s = self.summary
        lines = [f"{s['arabic_documents']} Arabic, {s['english_documents']} English documents, {s['true_pairs']} "
                 f"true pairs: found {s['found']}, correct {s['correct']}; precision {s['precision']:.4f}, "
                 f"recall {s['recall']:.4f}, F1 {s['f1']:.4f} ({s['seconds']:.1f} s)"]
        for band in s["calibration"]:
            lines.append(f"  probability {band['from']:.2f}-{band['to']:.2f}: {band['pairs']} pairs, "
                         f"mean {band['mean_probability']:.3f}, correct {band['correct_share']:.3f}")
        return "\n".join(lines)


def calibration(pairing: Pairing, truth: set[tuple[int, int]]) -> list[dict]:
    """For each probability band, how many pairs, their mean probability and the share correct."""
    probabilities = np.asarray([p.probability for p in pairing.pairs])
    correct = np.asarray([(p.arabic, p.english) in truth for p in pairing.pairs])
    bands = []
    for low, high in zip(CALIBRATION_BINS, CALIBRATION_BINS[1:]):
        inside = (probabilities >= low) & ((probabilities < high) | (high == 1.0))
        if inside.any():
            bands.append({"from": low, "to": high, "pairs": int(inside.sum()),
                          "mean_probability": round(float(probabilities[inside].mean()), 4),
                          "correct_share": round(float(correct[inside].mean()), 4)})
    return bands


def evaluate_pairing(documents: Sequence[GoldDocument], config: PairEvalConfig | None = None) -> PairEvaluation:
    """Make the heaps, pair them, and score the pairs against the truth."""
    config = config or PairEvalConfig()
    heaps = make_heaps(documents, config)
    started = time.perf_counter()
    pairing = pair_documents(heaps.arabic, heaps.english, config.options)
    seconds = time.perf_counter() - started
    found = {(p.arabic, p.english) for p in pairing.pairs}
    correct = len(found & heaps.truth)
    precision = correct / len(found) if found else 0.0
    recall = correct / len(heaps.truth) if heaps.truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairEvaluation({
        "documents": len(documents), "arabic_documents": len(heaps.arabic), "english_documents": len(heaps.english),
        "true_pairs": len(heaps.truth), "found": len(found), "correct": correct,
        "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
        "calibration": calibration(pairing, heaps.truth), "seconds": round(seconds, 2),
        "protocol": {"drop_source": config.drop_source, "drop_reference": config.drop_reference,
                     "distractors": config.distractors, "seed": config.seed, "simulate_mt": config.simulate_mt}})
