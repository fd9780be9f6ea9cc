"""The dataset commands: ``fetch`` (save news pages), ``check`` (flags for any translation),
``filter`` (pairs into training data)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from parallel.checks.glossary import read_glossary
from parallel.checks.length_model import DEFAULT_LENGTH_MODEL, read_length_model
from parallel.cli.shared import glossary_option
from parallel.errors import InputError
from parallel.filters.registry import filter_classes, options_from_cli
from parallel.read.fetch import LOG_NAME, FetchOptions, fetch_pages, read_urls
from parallel.runs.check import check_files, write_check
from parallel.runs.filter import filter_pairs, removed_path

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
@click.option("--length-model", "length_model_path", type=click.Path(path_type=Path),
              help="A length model fitted on your own human translations (`parallel eval flags --fit`).")
@click.option("--calibrate/--no-calibrate", default=True, show_default=True,
              help="Weigh the length model against these pairs' own robust mean and spread (docs/flags.md).")
def check_command(source_path, target_path, jsonl, jsonl_path, parquet_path, glossary_path, length_model_path,
                  calibrate) -> None:
    """Flag a line-aligned translation HYP of SRC (any system's output or a human translation):
    numbers, length (weighed against these pairs), repetition, Arabic left over, links, brackets,
    doubled words, model markup, one source translated two ways, glossary terms.

    The summary goes to standard error; docs/flags.md says which flags are hints and which are
    near certain, with the measured rates."""
    glossary = read_glossary(glossary_path) if glossary_path else None
    model = read_length_model(length_model_path) if length_model_path else DEFAULT_LENGTH_MODEL
    result = check_files(source_path, target_path, glossary, model, calibrate)
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
