"""``parallel eval``: measure a stage (segmentation, alignment) against gold data."""
from __future__ import annotations

import functools
import json
from pathlib import Path

import click

from parallel.alignment.aligner import AlignOptions
from parallel.checks.flags import pair_flags
from parallel.checks.length_model import (
    DEFAULT_LENGTH_MODEL,
    calibrate_length_model,
    fit_length_model,
    read_length_model,
)
from parallel.cli.shared import RegistryChoice
from parallel.files import atomic_write
from parallel.runs.align_eval import AlignEvalConfig, evaluate_alignment, join_documents, read_documents
from parallel.runs.flag_eval import evaluate_flags
from parallel.runs.pair_eval import PairEvalConfig, evaluate_pairing, read_test_sets
from parallel.runs.segment_eval import evaluate_segmentation, gold_paths, language_of, read_test_documents
from parallel.score.metrics import read_line_aligned
from parallel.segment.registry import SEGMENTERS, make_segmenter


@click.group("eval")
def eval_group() -> None:
    """Measure a stage against gold data."""


@eval_group.command("align")
@click.option("--src", "source_path", type=click.Path(path_type=Path), required=True,
              help="Arabic test set, one sentence per line.")
@click.option("--ref", "reference_path", type=click.Path(path_type=Path), required=True,
              help="Its English translation, line for line.")
@click.option("--docids", "docids_path", type=click.Path(path_type=Path), required=True,
              help="The document id of each line (consecutive lines of one id are one document).")
@click.option("--translations", "translations_path", type=click.Path(path_type=Path),
              help="MT of --src, line-aligned, used as the pivot.")
@click.option("--simulate-mt", is_flag=True,
              help="Pivot simulated from the reference (word dropout, substitution, swaps): tests only.")
@click.option("--lexicon", is_flag=True,
              help="Without a pivot: realign with a word table learned from the other documents (Model 1).")
@click.option("--ratio", type=click.Choice(["corpus", "document"]), default="corpus", show_default=True,
              help="Length model's character ratio: from all documents together, or each document's own.")
@click.option("--merge", type=click.FloatRange(0, 1), default=AlignEvalConfig.merge, show_default=True,
              help="Share of reference sentences joined with the next (1-2 and 2-1 beads).")
@click.option("--drop", type=click.FloatRange(0, 1), default=AlignEvalConfig.drop, show_default=True,
              help="Share of reference sentences dropped (source sentences left unaligned).")
@click.option("--insert", type=click.FloatRange(0, 1), default=AlignEvalConfig.insert, show_default=True,
              help="Share of unrelated sentences inserted into the reference.")
@click.option("--seed", type=int, default=AlignEvalConfig.seed, show_default=True, help="Seed of the perturbations.")
@click.option("--join", "join", type=click.IntRange(min=1), default=1, show_default=True,
              help="Align every N consecutive documents as one: long documents, as news articles are.")
@click.option("--json", "as_json", is_flag=True, help="The results as JSON.")
def eval_align(source_path, reference_path, docids_path, translations_path, simulate_mt, lexicon, ratio, merge,
               drop, insert, seed, join, as_json) -> None:
    """Align a line-aligned test set after perturbing its target side; print strict and lax P/R/F1."""
    if translations_path and simulate_mt:
        raise click.UsageError("give --translations or --simulate-mt, not both")
    if lexicon and (translations_path or simulate_mt):
        raise click.UsageError("--lexicon stands in for a pivot: give it without --translations/--simulate-mt")
    documents = join_documents(read_documents(source_path, reference_path, docids_path, translations_path), join)
    config = AlignEvalConfig(merge, drop, insert, seed, simulate_mt,
                             use_pivot=bool(translations_path or simulate_mt), lexicon=lexicon,
                             pool_ratio=ratio == "corpus")
    result = evaluate_alignment(documents, config, AlignOptions())
    pivot = "simulated" if simulate_mt else (
        "file" if translations_path else ("learned lexicon" if lexicon else "none"))
    result["settings"] = {"merge": merge, "drop": drop, "insert": insert, "seed": seed, "pivot": pivot,
                          "ratio": ratio, "join": join}
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
        return
    click.echo(f"{result['documents']} documents, {result['gold_beads']} gold beads, "
               f"{result['system_beads']} system beads; pivot {pivot}; length ratio {result['length_ratio']}; "
               f"merge {merge} drop {drop} insert {insert} seed {seed}")
    click.echo(result.format())


@eval_group.command("segment")
@click.option("--gold", "gold_stem", type=click.Path(path_type=Path),
              help="Corrected sentence gold STEM (STEM.sent, STEM.docids, STEM.ownline), e.g. "
                   "seggold/flores200-dev.ara; instead of --text/--docids.")
@click.option("--text", "text_path", type=click.Path(path_type=Path),
              help="Line-aligned test file: one gold sentence per line (the line gold).")
@click.option("--docids", "docids_path", type=click.Path(path_type=Path),
              help="Each line's document id (first tab-separated field).")
@click.option("--lang", type=click.Choice(["ar", "en"]), help="Language of --text [default: from its extension].")
@click.option("--title", is_flag=True, help="Keep each document's first line on its own line, as a headline.")
@click.option("--segmenter", type=RegistryChoice(SEGMENTERS), default=next(iter(SEGMENTERS)),
              show_default=True, help="Ours, the one-line regex baseline, pySBD or sentencex (the [eval] extra).")
@click.option("--errors", "errors", type=click.IntRange(min=0), default=0, help="Show the first N errors.")
@click.option("--json", "as_json", is_flag=True, help="The results as JSON.")
def eval_segment(gold_stem, text_path, docids_path, lang, title, segmenter, errors, as_json) -> None:
    """Segment documents built from a test set; print boundary precision, recall and F1.

    With --gold, the corrected gold: sentences joined with a space, or a line break after those
    that stand on their own line.  With --text/--docids, the line gold: every line a sentence."""
    if gold_stem and (text_path or docids_path):
        raise click.UsageError("give --gold, or --text and --docids, not both")
    if not gold_stem and not (text_path and docids_path):
        raise click.UsageError("give --gold STEM, or --text and --docids")
    own_line = None
    if gold_stem:
        text_path, docids_path, own_line = gold_paths(gold_stem)
        lang = lang or language_of(gold_stem)
    lang = lang or language_of(text_path)
    documents = read_test_documents(text_path, docids_path, title, own_line)
    scores = evaluate_segmentation(documents, make_segmenter(segmenter, lang))
    result = scores.to_json(errors)
    result["settings"] = {"text": str(text_path), "gold": "corrected" if gold_stem else "lines", "lang": lang,
                          "title": title, "segmenter": segmenter}
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    click.echo(f"{text_path}: {scores.documents} documents, {scores.gold_boundaries} gold boundaries, "
               f"{scores.system_boundaries} cuts; segmenter {segmenter}, lang {lang}"
               f"{', titles on their own line' if title else ''}")
    click.echo(scores.format(errors))


@eval_group.command("flags")
@click.option("--src", "source_path", type=click.Path(path_type=Path), required=True,
              help="Arabic test set, one sentence per line.")
@click.option("--ref", "reference_path", type=click.Path(path_type=Path), required=True,
              help="Human translations of --src, line-aligned.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the corruptions.")
@click.option("--fit", "fit_path", type=click.Path(path_type=Path),
              help="Also fit a length model on these translations and write it here (JSON).")
@click.option("--length-model", "length_model_path", type=click.Path(path_type=Path),
              help="Judge lengths by this model (fitted elsewhere) instead of the shipped one.")
@click.option("--calibrate/--no-calibrate", default=False, show_default=True,
              help="Weigh the length model against the human translations' own median and spread "
                   "(as `parallel check` does) before judging.")
@click.option("--json", "as_json", is_flag=True, help="The results as JSON.")
def eval_flags(source_path, reference_path, seed, fit_path, length_model_path, calibrate, as_json) -> None:
    """False alarms of each flag on human translations, and how often each flag catches the
    corruption made for it (omission, changed number, looped phrase, Arabic left over)."""
    (sources,), (references,) = read_line_aligned([source_path], [reference_path])
    if fit_path:
        model = fit_length_model(zip(sources, references), fitted_on=str(reference_path))
        with atomic_write(fit_path) as out:
            json.dump(model.to_json(), out, indent=2)
            out.write("\n")
    model = read_length_model(length_model_path) if length_model_path else DEFAULT_LENGTH_MODEL
    if calibrate:
        model = calibrate_length_model(model, zip(sources, references))
    result = evaluate_flags(sources, references, seed, functools.partial(pair_flags, model=model))
    click.echo(json.dumps(result.to_json(), indent=2) if as_json else result.format())


@eval_group.command("pair-docs")
@click.option("--src", "source_paths", type=click.Path(path_type=Path), required=True, multiple=True,
              help="Arabic test set, one sentence per line (repeat with --ref and --docids to pool sets).")
@click.option("--ref", "reference_paths", type=click.Path(path_type=Path), required=True, multiple=True,
              help="Its English translation, line for line.")
@click.option("--docids", "docids_paths", type=click.Path(path_type=Path), required=True, multiple=True,
              help="The document id of each line (consecutive lines of one id are one document).")
@click.option("--drop-src", type=click.FloatRange(0, 1), default=PairEvalConfig.drop_source, show_default=True,
              help="Share of documents removed from the Arabic side (their English stays, unpaired).")
@click.option("--drop-ref", type=click.FloatRange(0, 1), default=PairEvalConfig.drop_reference, show_default=True,
              help="Share of documents removed from the English side.")
@click.option("--distractors", type=click.IntRange(0), default=PairEvalConfig.distractors, show_default=True,
              help="Documents added to each side whose translation is on neither side.")
@click.option("--seed", type=int, default=PairEvalConfig.seed, show_default=True, help="Seed of the shuffles.")
@click.option("--simulate-mt", is_flag=True,
              help="Give the Arabic side a stand-in for MT made from the reference (tests the MT path only).")
@click.option("--json", "as_json", is_flag=True, help="The results as JSON.")
def eval_pair_docs(source_paths, reference_paths, docids_paths, drop_src, drop_ref, distractors, seed, simulate_mt,
                   as_json) -> None:
    """Split a line-aligned test set into documents, shuffle and rename the English side, drop and add
    documents, pair them (as `parallel pair-docs` does) and print pair precision, recall and F1."""
    if not len(source_paths) == len(reference_paths) == len(docids_paths):
        raise click.UsageError("give --src, --ref and --docids the same number of times")
    documents = read_test_sets(list(zip(source_paths, reference_paths, docids_paths)))
    config = PairEvalConfig(drop_src, drop_ref, distractors, seed, simulate_mt)
    result = evaluate_pairing(documents, config)
    click.echo(json.dumps(result.to_json(), indent=2) if as_json else result.format())
