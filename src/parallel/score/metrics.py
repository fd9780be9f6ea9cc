"""Scores through sacrebleu (never a re-implemented metric): line-aligned files as the
``sacrebleu`` command scores them, paired comparisons, corpus scores summed a chunk at a time,
item scores.  Every corpus score carries its sacrebleu signature so that it can be reproduced.
Scoring articles against their references (three levels) is ``references.py``.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.utils import sum_of_lists

from parallel.errors import InputError
from parallel.read.textfiles import read_lines
from parallel.score.sacrebleu_stats import item_statistics, score_from_statistics

METRICS = {
    "bleu": BLEU,
    "chrf": CHRF,
    "chrf++": lambda: CHRF(word_order=2),
    "ter": TER,
}
DEFAULT_METRICS = ("bleu", "chrf")
DEFAULT_WIDTH = 1           # decimals in text output, as sacrebleu prints
DEFAULT_BOOTSTRAP = 1000    # resamples for --confidence: sacrebleu's own default


@dataclass(frozen=True)
class MetricScore:
    """One metric's score with its sacrebleu signature; formats itself as the sacrebleu command does."""

    metric: str
    score: float
    signature: str
    name: str = ""                          # sacrebleu's display name: BLEU, chrF2, chrF2++, TER
    verbose: str = ""                       # BLEU's n-gram precisions and brevity penalty
    confidence_mean: float | None = None    # with bootstrap resampling
    confidence_interval: float | None = None

    def as_dict(self) -> dict:
        """The score's fields that have a value."""
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}

    def to_json(self) -> dict:
        """The score as a JSON object (``as_dict``)."""
        return self.as_dict()

    def format(self, width: int = DEFAULT_WIDTH) -> str:
        """The score as sacrebleu prints it (``width`` decimals), with its signature."""
        return format_score(self, width)


def _metric(name: str):
    try:
        return METRICS[name]()
    except KeyError:
        raise ValueError(f"unknown metric {name}; choose from {', '.join(METRICS)}") from None


def _metric_score(name: str, metric, score) -> MetricScore:
    """Our record of a sacrebleu score: value, signature, display name and details."""
    signature = str(metric.get_signature())
    details = json.loads(score.format(width=4, signature=signature, is_json=True))
    return MetricScore(name, score.score, signature, name=score.name, verbose=details.get("verbose_score", ""),
                       confidence_mean=details.get("confidence_mean"),
                       confidence_interval=details.get("confidence_var"))


class CorpusStatistics:
    """Corpus scores built from sacrebleu's per-item statistics, added a chunk at a time.

    sacrebleu's ``corpus_score`` first extracts the n-grams of every reference at once (chrF keeps
    character 1- to 6-grams per reference: about 100 MB per 2,000 sentences), so memory grows with
    the corpus.  Every metric's corpus score is a function of the sum of its items' statistics, so
    summing chunk by chunk gives the same score and signature while holding one chunk's n-grams
    (about 330 bytes per reference character with chrF and BLEU: some 7 MB per chunk)."""

    CHUNK_CHARACTERS = 20_000

    def __init__(self, metrics: Iterable[str] = DEFAULT_METRICS) -> None:
        self.metrics = {name: _metric(name) for name in metrics}
        self.totals: dict[str, list] = {}
        self.items = 0

    def add(self, hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, list]:
        """Add line-aligned items, one reference each; returns these items' own summed statistics,
        which ``scores`` turns into their scores."""
        return self._add(hypotheses, references)[1]

    def add_items(self, hypotheses: Sequence[str], references: Sequence[str]) -> list[dict[str, list]]:
        """Add line-aligned items, one reference each; returns each item's statistics by metric
        (``item_scores_from_statistics`` gives its own scores from them, so that a caller wanting
        both need not extract them twice)."""
        return self._add(hypotheses, references)[0]

    def _add(self, hypotheses: Sequence[str],
             references: Sequence[str]) -> tuple[list[dict[str, list]], dict[str, list]]:
        """Extract the items' statistics ``CHUNK_CHARACTERS`` of reference at a time and add their
        sums to the totals; returns the items' statistics and their sums."""
        if len(hypotheses) != len(references):
            raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} references")
        items: list[dict[str, list]] = [{} for _ in hypotheses]
        start = characters = 0
        for end, reference in enumerate(references, 1):
            characters += len(reference)
            if characters >= self.CHUNK_CHARACTERS or end == len(references):
                for name, metric in self.metrics.items():
                    chunk = item_statistics(metric, hypotheses[start:end], references[start:end])
                    for item, statistics in zip(items[start:end], chunk):
                        item[name] = statistics
                start, characters = end, 0
        sums = {name: sum_of_lists([item[name] for item in items]) for name in self.metrics} if items else {}
        for name, statistics in sums.items():
            _add_statistics(self.totals, name, statistics)
        self.items += len(hypotheses)
        return items, sums

    def scores(self, totals: dict[str, list] | None = None) -> list[MetricScore]:
        """The corpus scores of everything added (or of ``totals``, returned by one ``add``); none
        when there is nothing to score."""
        totals = self.totals if totals is None else totals
        return [_metric_score(name, metric, score_from_statistics(metric, totals[name]))
                for name, metric in self.metrics.items() if name in totals]


def _add_statistics(totals: dict[str, list], name: str, statistics: list) -> None:
    total = totals.get(name)
    totals[name] = list(statistics) if total is None else [a + b for a, b in zip(total, statistics)]


def corpus_scores(hypotheses: Sequence[str], references: Sequence[str],
                  metrics: Iterable[str] = DEFAULT_METRICS) -> list[MetricScore]:
    """Corpus-level scores of line-aligned hypotheses against one reference each, in bounded memory
    (``CorpusStatistics``)."""
    statistics = CorpusStatistics(metrics)
    statistics.add(hypotheses, references)
    return statistics.scores()


def metric_names(spec: str) -> tuple[str, ...]:
    """``"bleu,chrf"`` → ("bleu", "chrf"), refusing unknown names."""
    names = tuple(n.strip().lower() for n in spec.split(",") if n.strip())
    unknown = [n for n in names if n not in METRICS]
    if unknown or not names:
        raise InputError(f"unknown metric {', '.join(unknown) or '(none)'}; choose from {', '.join(METRICS)}")
    return names


def read_line_aligned(hypothesis_paths, reference_paths) -> tuple[list[list[str]], list[list[str]]]:
    """Each system's lines and each reference set's lines, all checked to have the same length."""
    systems = [read_lines(path) for path in hypothesis_paths]
    references = [read_lines(path) for path in reference_paths]
    expected = len(systems[0])
    for path, lines in zip([*hypothesis_paths, *reference_paths], [*systems, *references]):
        if len(lines) != expected:
            raise InputError(f"{path}: {len(lines)} lines, but {hypothesis_paths[0]} has {expected}")
    return systems, references


def score_lines(hypotheses: Sequence[str], references: Sequence[Sequence[str]],
                metrics: Iterable[str] = DEFAULT_METRICS, n_bootstrap: int = 1) -> list[MetricScore]:
    """Corpus scores against one or more reference sets, as the sacrebleu command computes them.

    ``n_bootstrap > 1`` adds the bootstrap mean and 95 % interval (sacrebleu's fixed seed).
    """
    results = []
    for name in metrics:
        metric = _metric(name)
        score = metric.corpus_score(list(hypotheses), [list(r) for r in references], n_bootstrap=n_bootstrap)
        results.append(_metric_score(name, metric, score))
    return results


def compare_systems(baseline: Sequence[str], systems: dict[str, Sequence[str]],
                    references: Sequence[Sequence[str]], metrics: Iterable[str] = DEFAULT_METRICS,
                    test: str = "bs", n_samples: int = 0) -> dict:
    """Paired significance test of each system against the baseline (sacrebleu's PairedTest).

    ``test`` is ``bs`` (paired bootstrap resampling) or ``ar`` (approximate randomisation).
    """
    from sacrebleu.significance import PairedTest

    named = [("baseline", list(baseline)), *((name, list(h)) for name, h in systems.items())]
    metric_objects = {name: _metric(name) for name in metrics}
    test_runner = PairedTest(named, metric_objects, references=[list(r) for r in references],
                             test_type=test, n_samples=n_samples, n_jobs=1)
    signatures, scores = test_runner()
    systems_out = []
    for index, system_name in enumerate(scores["System"]):
        row = {"system": system_name}
        for metric_name, results in scores.items():
            if metric_name == "System":
                continue
            result = results[index]
            row[metric_name] = {key: None if value is None else float(value) for key, value in (
                ("score", result.score), ("mean", result.mean), ("ci", result.ci), ("p_value", result.p_value))}
        systems_out.append(row)
    return {"test": {"bs": "paired bootstrap resampling", "ar": "approximate randomization"}[test],
            "samples": test_runner.n_samples,
            "signatures": {k: str(v) for k, v in signatures.items()},
            "systems": systems_out}


def format_score(result: MetricScore, width: int = DEFAULT_WIDTH) -> str:
    """One line: name, score, details, signature."""
    parts = [f"{result.name or result.metric} = {result.score:.{width}f}"]
    if result.confidence_mean is not None:
        parts.append(f"(μ = {result.confidence_mean:.{width}f} ± {result.confidence_interval:.{width}f})")
    if result.verbose:
        parts.append(result.verbose)
    parts.append(f"[{result.signature}]")
    return " ".join(parts)


def format_comparison(result: dict, width: int = DEFAULT_WIDTH) -> str:
    """A plain table of a paired test: score (mean ± 95% CI) and p-value per system and metric."""
    metrics = list(result["signatures"])
    lines = [f"{result['test']}, {result['samples']} samples; p-values against the first system"]
    for row in result["systems"]:
        cells = []
        for metric in metrics:
            cell = row[metric]
            text = f"{metric} {cell['score']:.{width}f}"
            if cell["mean"] is not None:
                text += f" ({cell['mean']:.{width}f} ± {cell['ci']:.{width}f})"
            if cell["p_value"] is not None:
                text += f" p = {cell['p_value']:.4f}{'*' if cell['p_value'] < 0.05 else ''}"
            cells.append(text)
        lines.append(f"{row['system']}: " + "; ".join(cells))
    lines.extend(f"{metric} signature: {signature}" for metric, signature in result["signatures"].items())
    return "\n".join(lines)


def item_scores(hypothesis: str, reference: str, metrics: Iterable[str] = DEFAULT_METRICS) -> dict[str, float]:
    """Scores of one item (a document or a paragraph) on its own."""
    return {name: round(_item_metric(name).sentence_score(hypothesis, [reference]).score, 4) for name in metrics}


def item_scores_from_statistics(statistics: dict[str, list]) -> dict[str, float]:
    """``item_scores`` of an item whose statistics ``CorpusStatistics.add_items`` has extracted
    (the same figures: sacrebleu's ``sentence_score`` computes them from the same statistics)."""
    return {name: round(score_from_statistics(_item_metric(name), stats).score, 4)
            for name, stats in statistics.items()}


@lru_cache(maxsize=None)
def _item_metric(name: str):
    """The metric for one item: BLEU with effective order, as sacrebleu advises for single sentences."""
    return BLEU(effective_order=True) if name == "bleu" else _metric(name)


def clear_tokenizer_caches() -> None:
    """Empty sacrebleu's tokenizer memo caches (``lru_cache`` of 65,536 input and output strings
    each, on the 13a tokenizer and the regular expressions it runs).  A chunk's sentences are not
    seen again, so in a long run the caches only hold memory: measured with ``parallel corpus`` and
    the tests' model, they grew the process by about 35 MB per 4,096 segments until full."""
    from sacrebleu.tokenizers import tokenizer_13a, tokenizer_re

    for tokenizer in (tokenizer_13a.Tokenizer13a, tokenizer_re.TokenizerRegexp):
        tokenizer.__call__.cache_clear()
