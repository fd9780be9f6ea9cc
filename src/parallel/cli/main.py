"""The ``parallel`` command line: each command parses options and calls the library."""
from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import click

from parallel import __version__
from parallel.cli.data import check_command, fetch_command, filter_command, pair_docs_command
from parallel.cli.evaluate import eval_group
from parallel.cli.postediting import omegat_project_command, postedit_command
from parallel.cli.shared import (
    ParallelGroup,
    RegistryChoice,
    Terminated,
    force_option,
    glossary_option,
    length_options,
    models_dir_option,
    pivot_options,
    quantization_option,
    ray_options,
    translate_options,
)
from parallel.formats.registry import FORMATS, writable_format
from parallel.read.articles import split_references
from parallel.runs.align import AlignConfig, run_align
from parallel.runs.corpus import CorpusConfig, run_corpus
from parallel.runs.ray_engine import translate_on_ray
from parallel.runs.score_docs import score_translation_file
from parallel.runs.translate import segmented_lines, translated_lines
from parallel.score.metrics import (
    DEFAULT_BOOTSTRAP,
    DEFAULT_METRICS,
    DEFAULT_WIDTH,
    compare_systems,
    format_comparison,
    format_score,
    metric_names,
    read_line_aligned,
    score_lines,
)
from parallel.segment.sentences import (
    count_segments,
    segments_of,
)
from parallel.translate.cache import cache_location
from parallel.translate.models import DEFAULT_MODEL, fetch, import_model, list_models, read_manifest, resolve_model
from parallel.translate.translator import TranslateOptions


@click.group(cls=ParallelGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(__version__, prog_name="parallel")
def cli(debug: bool) -> None:
    """Arabic news articles to English, and an Arabic-English parallel corpus."""


# --- segment -----------------------------------------------------------------------------------


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--jsonl", is_flag=True, help="One JSON record per sentence (id, doc, para, sent, text).")
def segment(files: tuple[str, ...], jsonl: bool) -> None:
    """Split articles into sentences: one per line, a blank line between paragraphs.  An article's
    English reference (x.en.txt beside x.txt, as in seeds/*.txt) is skipped."""
    for line in segmented_lines(_articles_named(files), jsonl):
        click.echo(line)


def _articles_named(files) -> list[Path]:
    """The articles among FILES; the English references beside them are skipped, and said so."""
    articles, references = split_references([Path(f) for f in files])
    if references:
        click.echo(f"note: skipped {len(references)} English reference(s) given beside their articles "
                   f"({', '.join(p.name for p in references[:3])}{' …' if len(references) > 3 else ''})", err=True)
    return articles


# --- model -------------------------------------------------------------------------------------

@cli.group(cls=ParallelGroup)
def model() -> None:
    """Get, list and inspect translation models (CTranslate2 + SentencePiece)."""


@model.command("fetch")
@click.argument("name", default=DEFAULT_MODEL)
@click.option("--url", help="Download from this URL instead of the registry's.")
@click.option("--sha256", help="Refuse the download unless its sha256 is this.")
@quantization_option
@force_option
@models_dir_option
def model_fetch(name, url, sha256, quantization, force, models_dir) -> None:
    """Download NAME, verify it, convert it to CTranslate2 and install it in models/NAME."""
    path = fetch(name, models_dir, quantization, url=url, sha256=sha256, force=force)
    click.echo(f"installed {name} in {path} (sha256 {read_manifest(path)['archive_sha256']})")


@model.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--name", help="Install under this name [default: from the file name].")
@quantization_option
@force_option
@models_dir_option
def model_import(path, name, quantization, force, models_dir) -> None:
    """Install a model from a local zip or folder (Marian, CTranslate2 or Hugging Face)."""
    installed = import_model(path, name, models_dir, quantization, force)
    click.echo(f"installed {installed.name} in {installed}")


@model.command("list")
@models_dir_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def model_list(models_dir, as_json) -> None:
    """Known and installed models."""
    rows = list_models(models_dir)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        state = "installed" if row.get("installed") else "available"
        click.echo(f"{row['name']:<24} {state:<10} {row.get('description', '')}")


@model.command("info")
@click.argument("name", required=False)
@models_dir_option
def model_info(name, models_dir) -> None:
    """Print an installed model's manifest."""
    path = resolve_model(name, models_dir)
    click.echo(json.dumps(read_manifest(path), indent=2, ensure_ascii=False))


# --- translate and corpus ---------------------------------------------------------------------


@cli.command()
@click.argument("files", nargs=-1, required=True)
@translate_options
@click.option("--jsonl", is_flag=True, help="One JSON record per segment, with score and flags.")
@click.option("--lines", is_flag=True,
              help="Each line of FILES is one segment (a test set): no segmentation, and the output has "
                   "one line per input line, ready for `parallel score`.")
@glossary_option
@ray_options
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="--engine ray: folder for the shards and translations.<format>.")
@click.option("--format", "output_format", type=RegistryChoice(FORMATS), default="jsonl",
              show_default=True, help="--engine ray: the joined output's format.")
def translate(files, translation, jsonl, lines, glossary_path, ray, out_dir, output_format) -> None:
    """Translate articles (.txt, saved pages .html) or segments (.jsonl from `parallel segment --jsonl`)
    to standard output, streaming: output starts after the first few thousand segments and memory
    stays flat.  Paragraphs are separated by a blank line, unless --lines.  With --engine ray, on a
    Ray cluster into --out (docs/scale.md)."""
    if ray is None and (out_dir is not None or output_format != "jsonl"):
        raise click.UsageError("--out and --format are for --engine ray; the local engine writes to standard output")
    paths = [Path(f) for f in files] if lines else _articles_named(files)
    total = count_segments(paths, lines)  # a first pass: bad input fails before the model is looked up
    config = translation.engine(glossary_path, ray)
    if config.ray is not None:
        if out_dir is None:
            raise click.UsageError("--engine ray writes into --out DIR")
        if jsonl:
            raise click.UsageError("--engine ray writes translations.<format> into --out; give --format, not --jsonl")
        writable_format(output_format)   # before the cluster starts
        result = translate_on_ray(segments_of(paths, lines), config.model_dir, config.options, out_dir,
                                  config.ray, cache_location(translation.cache_path, translation.use_cache),
                                  output_format, glossary_path, total=total)
        click.echo(result.format(), err=True)
        return
    for line in translated_lines(paths, config, lines, jsonl, total):
        click.echo(line)


@cli.command()
@click.option("--seeds", "seeds_dir", type=click.Path(path_type=Path), default=CorpusConfig.seeds_dir,
              show_default=True,
              help="Folder of Arabic articles: text files (.txt) and saved web pages (.html, .htm).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=CorpusConfig.out_dir, show_default=True,
              help="Folder for the corpus files (TMX, XLIFF, Moses, JSONL), the report and review.html; "
                   "created if missing, one run at a time.")
@click.option("--name", default=CorpusConfig.name, show_default=True, help="Stem of the output files.")
@click.option("--fetch/--no-fetch", "fetch_missing", default=False, show_default=True,
              help="Fetch the model when none is installed.")
@translate_options
@glossary_option
@click.option("--parquet", is_flag=True, help="Also write NAME.parquet: the JSONL records as Parquet.")
@length_options
@ray_options
def corpus(seeds_dir, out_dir, name, fetch_missing, translation, glossary_path, parquet, lengths, ray) -> None:
    """Run the whole pipeline over SEEDS into OUT (what `make corpus` runs).  With --engine ray the
    translation runs on a Ray cluster first, the other stages here.  Lengths are judged by a model
    calibrated to this corpus's translations: everything is translated first, then flagged and
    written (--no-calibrate: one pass, the length model as given)."""
    config = CorpusConfig(seeds_dir=seeds_dir, out_dir=out_dir, name=name, model=translation.model_name,
                          models_dir=translation.models_dir, cache_path=translation.cache_path,
                          use_cache=translation.use_cache, fetch_missing=fetch_missing,
                          glossary_path=glossary_path, parquet=parquet, ray=ray, options=translation.options,
                          length_model=lengths.model, calibrate=lengths.calibrate)
    click.echo(run_corpus(config).format(), err=True)


def score_output_options(command):
    """--metrics, --json and --width, as every scoring command reads them."""
    for option in reversed((
        click.option("--metrics", "metrics_spec", default=",".join(DEFAULT_METRICS), show_default=True,
                     help="Comma-separated: bleu, chrf, chrf++, ter."),
        click.option("--json", "as_json", is_flag=True, help="Machine-readable output."),
        click.option("--width", "-w", type=click.IntRange(0, 10), default=DEFAULT_WIDTH, show_default=True,
                     help="Decimals in text output."),
    )):
        command = option(command)
    return command


# --- score ---------------------------------------------------------------------------------------


@cli.command()
@click.argument("hypothesis", type=click.Path(path_type=Path))
@click.argument("references", nargs=-1, required=True, type=click.Path(path_type=Path))
@score_output_options
@click.option("--confidence", is_flag=True, help="Bootstrap mean and 95% interval (sacrebleu's fixed seed).")
@click.option("--confidence-n", type=click.IntRange(2), default=DEFAULT_BOOTSTRAP, show_default=True,
              help="Bootstrap resamples for --confidence.")
@click.option("--compare", "others", multiple=True, type=click.Path(path_type=Path),
              help="Another system's output: paired significance test against HYPOTHESIS (repeatable).")
@click.option("--paired-ar", is_flag=True, help="With --compare: approximate randomization instead of bootstrap.")
def score(hypothesis, references, metrics_spec, as_json, width, confidence, confidence_n, others, paired_ar) -> None:
    """Score HYPOTHESIS against line-aligned REFERENCES with sacrebleu, with signatures."""
    metrics = metric_names(metrics_spec)
    (hypotheses, *other_systems), reference_sets = read_line_aligned([hypothesis, *others], references)
    if others:
        systems = {str(path): lines for path, lines in zip(others, other_systems)}
        result = compare_systems(hypotheses, systems, reference_sets, metrics, test="ar" if paired_ar else "bs")
        result["systems"][0]["system"] = str(hypothesis)
        click.echo(json.dumps(result, indent=2) if as_json else format_comparison(result, width))
        return
    results = score_lines(hypotheses, reference_sets, metrics, n_bootstrap=confidence_n if confidence else 1)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False))
        return
    for result in results:
        click.echo(format_score(result, width))


@cli.command("score-docs")
@click.argument("translations_path", metavar="TRANSLATIONS.jsonl", type=click.Path(path_type=Path))
@click.argument("references", nargs=-1, required=True, type=click.Path(path_type=Path))
@score_output_options
@click.option("--review", "review_path", type=click.Path(path_type=Path), default=None,
              help="Also write a review page (HTML) with each segment's aligned reference and chrF.")
def score_docs(translations_path, references, metrics_spec, as_json, width, review_path) -> None:
    """Score translations (JSONL records: doc, para, sent, source, target) against reference
    articles (<doc>.en.txt files, or folders of them) at document, paragraph and sentence level."""
    result = score_translation_file(translations_path, references, metric_names(metrics_spec), review_path)
    click.echo(result.format(width, as_json))


# --- align ---------------------------------------------------------------------------------------


@cli.command("align")
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("reference", type=click.Path(path_type=Path), required=False)
@click.option("--out", "out_stem", type=click.Path(path_type=Path), default=None,
              help="Output stem [default: SOURCE's name + .aligned beside it].")
@click.option("--translations", "translations_path", type=click.Path(path_type=Path),
              help="MT of the source, one line per source sentence, used as the pivot.")
@click.option("--presplit", is_flag=True, help="Both files hold one sentence per line; do not segment.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=AlignConfig.min_score, show_default=True,
              help="Pairs scoring below this go to .rejected.jsonl.")
@click.option("--lexicon/--no-lexicon", default=AlignConfig.lexicon, show_default=True,
              help="A folder without a pivot: learn a word table from its articles and realign with it.")
@click.option("--parquet", is_flag=True, help="Also write STEM.parquet: the kept pairs as Parquet.")
@length_options
@pivot_options
@ray_options
def align_command(source, reference, out_stem, translations_path, presplit, min_score, lexicon, parquet,
                  lengths, translation, ray) -> None:
    """Align SOURCE (Arabic) with its human translation REFERENCE; write pairs as TMX, Moses and JSONL.

    SOURCE may be a folder of articles (<doc>.txt), each with its translation beside it
    (<doc>.en.txt); give no REFERENCE then. The folder is aligned as a whole."""
    model_name = translation.model_name
    if translations_path and model_name:
        raise click.UsageError("give --translations or --model, not both")
    if not model_name and (translation.options != TranslateOptions() or translation.cache_path is not None
                           or not translation.use_cache or translation.models_dir is not None):
        raise click.UsageError("the decoding, cache and models options are for the --model pivot; give --model")
    if ray is not None and not model_name:
        raise click.UsageError("--engine ray translates the pivot: give --model")
    model_dir = resolve_model(model_name, translation.models_dir) if model_name else None
    config = AlignConfig(source, reference, out_stem, presplit=presplit, translations_path=translations_path,
                         model_dir=model_dir, cache_path=translation.cache_path, use_cache=translation.use_cache,
                         min_score=min_score, lexicon=lexicon, parquet=parquet, ray=ray,
                         translate_options=translation.options, length_model=lengths.model,
                         calibrate=lengths.calibrate)
    click.echo(run_align(config).format(), err=True)


cli.add_command(eval_group)
cli.add_command(fetch_command)
cli.add_command(check_command)
cli.add_command(filter_command)
cli.add_command(pair_docs_command)
cli.add_command(postedit_command)
cli.add_command(omegat_project_command)


def _terminate(signum, frame) -> None:
    raise Terminated()


def main() -> None:
    """The ``parallel`` console script: SIGTERM ends the run as Ctrl-C does (exit 143, nothing half-written)."""
    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="parallel")


if __name__ == "__main__":
    sys.exit(main())
