"""The dataset commands: ``fetch`` (save news pages), ``check`` (flags for any translation),
``filter`` (pairs into training data), ``pair-docs`` (which pages of a crawl translate each other)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from parallel.checks.glossary import read_glossary
from parallel.checks.length_model import DEFAULT_LENGTH_MODEL
from parallel.cli.shared import glossary_option, length_options, pivot_options, ray_options
from parallel.errors import InputError
from parallel.filters.registry import filter_classes, options_from_cli
from parallel.pairing.pairer import PairingOptions
from parallel.read.fetch import LOG_NAME, FetchOptions, fetch_pages, read_urls
from parallel.runs.check import check_files, write_check
from parallel.runs.filter import filter_pairs, removed_path
from parallel.runs.pair_docs import PairDocsConfig, run_pair_docs
from parallel.translate.translator import TranslateOptions

# --- fetch ---------------------------------------------------------------------------------------


@click.command("fetch")
@click.argument("urls_path", metavar="URLS.txt", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True,
              help="Folder the pages are saved in (an article folder for `corpus --seeds`).")
@click.option("--delay", type=click.FloatRange(0), default=FetchOptions.delay_s, show_default=True,
              help="Seconds between two requests to the same site.")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=FetchOptions.timeout_s,
              show_default=True, help="Seconds before a request is given up.")
@click.option("--retries", type=click.IntRange(0), default=FetchOptions.retries, show_default=True,
              help="Retries after a timeout, a connection error, 429 or 5xx (pauses double each time).")
@click.option("--ignore-robots", is_flag=True, help="Do not read robots.txt (only for sites you may crawl).")
@click.option("--json", "as_json", is_flag=True, help="Every URL's record as JSON.")
def fetch_command(urls_path, out_dir, delay, timeout, retries, ignore_robots, as_json) -> None:
    """Save the web pages listed in URLS.txt (one URL per line) into OUT, politely, for offline use.

    A page already saved is not fetched again; OUT/fetch.jsonl records every URL. Exit 2 when
    some URL could not be saved (the others are)."""
    options = FetchOptions(delay_s=delay, timeout_s=timeout, retries=retries, robots=not ignore_robots)
    result = fetch_pages(read_urls(urls_path), out_dir, options)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    click.echo(result.format(), err=True)
    if result.failed:
        first = result.failed[0]
        raise InputError(f"{urls_path}: {len(result.failed)} URL(s) not saved, e.g. {first.url}: {first.error} "
                         f"(see {Path(out_dir) / LOG_NAME})")


# --- check ---------------------------------------------------------------------------------------


@click.command("check")
@click.argument("source_path", metavar="SRC", type=click.Path(path_type=Path))
@click.argument("target_path", metavar="HYP", type=click.Path(path_type=Path))
@click.option("--jsonl", is_flag=True, help="One JSON record per line on standard output (id, flags, evidence).")
@click.option("--out", "jsonl_path", type=click.Path(path_type=Path), help="Write the records to this JSONL file.")
@click.option("--parquet", "parquet_path", type=click.Path(path_type=Path),
              help="Write the records to this Parquet file (the same fields).")
@glossary_option
@length_options
def check_command(source_path, target_path, jsonl, jsonl_path, parquet_path, glossary_path, lengths) -> None:
    """Flag a line-aligned translation HYP of SRC (any system's output or a human translation):
    numbers, length (weighed against these pairs), repetition, Arabic left over, links, brackets,
    doubled words, model markup, one source translated two ways, glossary terms.

    The summary goes to standard error; docs/flags.md says which flags are hints and which are
    near certain, with the measured rates."""
    glossary = read_glossary(glossary_path) if glossary_path else None
    result = check_files(source_path, target_path, glossary, lengths.model, lengths.calibrate)
    write_check(result, jsonl_path, parquet_path)
    if jsonl:
        for record in result.to_json()["records"]:
            click.echo(json.dumps(record, ensure_ascii=False))
    click.echo(result.format(), err=True)


# --- filter --------------------------------------------------------------------------------------


def filter_options(command):
    """Every registered filter's command-line option, in the order the filters run."""
    for cls in reversed(filter_classes()):
        option = cls.option
        settings = {"default": option.off, **(option.click or {})}
        command = click.option(option.flag, option.name, help=option.help, **settings)(command)
    return command


@click.command("filter")
@click.argument("pairs_path", metavar="PAIRS", type=click.Path(path_type=Path))
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True,
              help="The kept pairs: .jsonl, .parquet or .tmx (by the suffix); the removed ones go beside it "
                   "as KEPT.removed.jsonl with their reason.")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="The counts as JSON.")
def filter_command(pairs_path, out_path, as_json, **filters) -> None:
    """Filter aligned PAIRS (our JSONL or Parquet, or any TMX) into training data, with a count per filter."""
    options = options_from_cli(filters)
    result = filter_pairs(pairs_path, out_path, options)
    if as_json:
        click.echo(json.dumps({**result.to_json(), "out": str(out_path),
                               "removed_file": str(removed_path(out_path))}, indent=2))
    click.echo(result.format(), err=True)


# --- pair-docs -----------------------------------------------------------------------------------


@click.command("pair-docs")
@click.argument("arabic_dir", metavar="AR_DIR", type=click.Path(path_type=Path))
@click.argument("english_dir", metavar="EN_DIR", type=click.Path(path_type=Path))
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True,
              help="The pairs, tab-separated: arabic_path, english_path, probability, evidence; best first.")
@click.option("--no-model", is_flag=True, help="Pair without MT (the default unless --model is given).")
@click.option("--threshold", type=click.FloatRange(0, 1), default=PairingOptions.threshold, show_default=True,
              help="The least probability of a pair that is written.")
@click.option("--lexicon-rounds", type=click.IntRange(0), default=PairingOptions.lexicon_rounds, show_default=True,
              help="Word tables learned in turn from the most confident pairs (without --model).")
@click.option("--links/--no-links", default=PairingOptions.use_links, show_default=True,
              help="Pair pages that name each other (<link rel=alternate hreflang>) first.")
@click.option("--align", "align_stem", type=click.Path(path_type=Path),
              help="Also align the sentences of every pair: STEM.tmx, STEM.jsonl, Moses (STEM.ar/.en/.ids), "
                   "each record with its document pair's probability.")
@click.option("--parquet", is_flag=True, help="With --align: STEM.parquet too.")
@click.option("--json", "as_json", is_flag=True, help="The counts as JSON.")
@length_options
@pivot_options
@ray_options
def pair_docs_command(arabic_dir, english_dir, out_path, no_model, threshold, lexicon_rounds, links, align_stem,
                      parquet, as_json, lengths, translation, ray) -> None:
    """Find which English document of EN_DIR translates which Arabic one of AR_DIR (a crawled
    bilingual site: articles *.txt and saved pages *.html, in subfolders too).

    Each document is paired at most once and most may stay unpaired. Without --model the evidence
    is the pages' own links, numbers, names, Latin words, address ids, dates, lengths and a word
    table learned from the surest pairs; with --model the Arabic side is translated (through the
    cache) and compared with the English. See docs/pairing.md."""
    if no_model and translation.model_name:
        raise click.UsageError("give --model or --no-model, not both")
    if not translation.model_name and (translation.options != TranslateOptions() or translation.cache_path is not None
                                       or not translation.use_cache or translation.models_dir is not None):
        raise click.UsageError("the decoding, cache and models options are for --model; give --model")
    if ray is not None and not translation.model_name:
        raise click.UsageError("--engine ray translates the Arabic side: give --model")
    if parquet and align_stem is None:
        raise click.UsageError("--parquet is for the sentence pairs: give --align STEM")
    if align_stem is None and (lengths.model != DEFAULT_LENGTH_MODEL or not lengths.calibrate):
        raise click.UsageError("--length-model and --no-calibrate judge the sentence pairs: give --align STEM")
    engine = translation.engine(ray=ray) if translation.model_name else None
    options = PairingOptions(threshold=threshold, lexicon_rounds=lexicon_rounds, use_links=links)
    result = run_pair_docs(PairDocsConfig(arabic_dir, english_dir, out_path, engine, options, align_stem, parquet,
                                          lengths.model, lengths.calibrate))
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    click.echo(result.format(), err=True)
