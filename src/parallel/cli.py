"""The ``parallel`` command line: each command parses options and calls the library."""
from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import click

from . import __version__
from .cache import default_cache_path, open_cache
from .runs.corpus import CorpusConfig, run_corpus
from .documents import read_article, split_references
from .errors import ParallelError, location_error
from .formats.jsonl import read_translations, translation_record
from .model import (DEFAULT_MODEL, QUANTIZATIONS, fetch, import_model, list_models, read_manifest, resolve_model)
from .references import format_document_scores, score_documents
from .score import compare_systems, format_comparison, format_score, metric_names, read_line_aligned, score_lines
from .align import AlignOptions
from .runs.align_eval import AlignEvalConfig, evaluate_alignment, read_documents
from .runs.align import AlignConfig, run_align
from .runs.postedit import run_postedit
from .report import format_counts
from .review import write_scored_review
from .segment import count_segments, line_segments, segment_document, segment_record, segments_from_file
from .runs.segment_eval import evaluate_segmentation, language_of, read_test_documents, segmenter_named
from .translate import COMPUTE_TYPES, TranslateOptions, Translator

INTERRUPTED_EXIT = 130   # 128 + SIGINT
TERMINATED_EXIT = 143    # 128 + SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler's or `kill`'s stop), raised where the program is, like Ctrl-C: what is
    finished stays in the translation cache and nothing half-written is left."""


class ParallelGroup(click.Group):
    """Turns library errors into one ``error: …`` line and the error's exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (ParallelError, OSError) as exc:
            if ctx.find_root().params.get("debug"):
                raise
            error = location_error(exc) if isinstance(exc, OSError) else exc
            click.echo(f"error: {error}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt as exc:
            if ctx.find_root().params.get("debug"):
                raise
            stopped = "terminated" if isinstance(exc, Terminated) else "interrupted"
            click.echo(f"error: {stopped}; run the same command again to resume from the translation cache",
                       err=True)
            ctx.exit(TERMINATED_EXIT if isinstance(exc, Terminated) else INTERRUPTED_EXIT)


@click.group(cls=ParallelGroup)
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
    paths = _articles_named(files)
    documents = [read_article(path) for path in paths]  # read all first: bad input fails before output
    for document in documents:
        previous_para = None
        for seg in segment_document(document):
            if jsonl:
                click.echo(json.dumps(segment_record(seg), ensure_ascii=False))
                continue
            if previous_para is not None and seg.para != previous_para:
                click.echo("")
            click.echo(seg.text)
            previous_para = seg.para
        if not jsonl and document is not documents[-1]:
            click.echo("")


def _articles_named(files) -> list[Path]:
    """The articles among FILES; the English references beside them are skipped, and said so."""
    articles, references = split_references([Path(f) for f in files])
    if references:
        click.echo(f"note: skipped {len(references)} English reference(s) given beside their articles "
                   f"({', '.join(p.name for p in references[:3])}{' …' if len(references) > 3 else ''})", err=True)
    return articles


# --- model -------------------------------------------------------------------------------------

models_dir_option = click.option("--models-dir", type=click.Path(path_type=Path), default=None,
                                 help="Where models live [default: $PARALLEL_MODELS or ./models].")
quantization_option = click.option("--quantization", type=click.Choice(QUANTIZATIONS), default="int8",
                                   show_default=True, help="Weight type of the converted model.")
force_option = click.option("--force", is_flag=True, help="Replace an installed model of the same name.")


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


def translate_options(command):
    """Options shared by the commands that translate."""
    for option in reversed((
        click.option("--model", "model_name", help="Installed model name or folder [default: opus-mt-ar-en, "
                                                    "or the only installed model]."),
        models_dir_option,
        click.option("--beam-size", type=click.IntRange(1, 64), default=TranslateOptions.beam_size, show_default=True),
        click.option("--max-batch-tokens", type=click.IntRange(0), default=TranslateOptions.max_batch_tokens,
                     help="Padded source tokens per batch [default: 512 per thread of a batch on CPU, 2048 on CUDA]."),
        click.option("--device", type=click.Choice(["cpu", "cuda"]), default=TranslateOptions.device, show_default=True),
        click.option("--compute-type", type=click.Choice(COMPUTE_TYPES), default=TranslateOptions.compute_type,
                     show_default=True,
                     help="CTranslate2 compute type; auto is int8 on CPU, int8_float16 on CUDA."),
        click.option("--threads", type=click.IntRange(0), default=TranslateOptions.threads,
                     help="CPU threads [default: all cores]."),
        click.option("--reproducible", is_flag=True,
                     help="Batch sentences of one length only: each translation and score is then the same "
                          "whatever the batch size, input order, chunking or thread count (slower)."),
        click.option("--cache", "cache_path", type=click.Path(path_type=Path), default=None,
                     help="Translation cache [default: $PARALLEL_CACHE or ~/.cache/parallel/translations.sqlite]."),
        click.option("--no-cache", is_flag=True, help="Translate everything; read and write no cache."),
    )):
        command = option(command)
    return command


def _options(beam_size, max_batch_tokens, device, compute_type, threads, reproducible) -> TranslateOptions:
    return TranslateOptions(beam_size=beam_size, max_batch_tokens=max_batch_tokens, device=device,
                            compute_type=compute_type, threads=threads, reproducible=reproducible)


@cli.command()
@click.argument("files", nargs=-1, required=True)
@translate_options
@click.option("--jsonl", is_flag=True, help="One JSON record per segment, with score and flags.")
@click.option("--lines", is_flag=True,
              help="Each line of FILES is one segment (a test set): no segmentation, and the output has "
                   "one line per input line, ready for `parallel score`.")
def translate(files, model_name, models_dir, beam_size, max_batch_tokens, device, compute_type, threads,
              reproducible, cache_path, no_cache, jsonl, lines) -> None:
    """Translate articles (.txt) or segments (.jsonl from `parallel segment --jsonl`) to standard
    output, streaming: output starts after the first few thousand segments and memory stays flat.
    Paragraphs are separated by a blank line, unless --lines."""
    paths = [Path(f) for f in files] if lines else _articles_named(files)
    total = count_segments(paths, lines)  # a first pass: bad input fails before any output
    model_dir = resolve_model(model_name, models_dir)
    options = _options(beam_size, max_batch_tokens, device, compute_type, threads, reproducible)
    cache = open_cache(cache_path, enabled=not no_cache)
    read = line_segments if lines else segments_from_file
    try:
        translator = Translator(model_dir, options, cache)
        segments = (segment for path in paths for segment in read(path))
        previous = None
        for translation in translator.translate_stream(segments, total=total):
            if jsonl:
                click.echo(json.dumps(translation_record(translation, translator.model_name), ensure_ascii=False))
                continue
            place = (translation.segment.doc_id, translation.segment.para)
            if previous is not None and place != previous and not lines:
                click.echo("")
            click.echo(translation.text)
            previous = place
    finally:
        if cache is not None:
            cache.close()


@cli.command()
@click.option("--seeds", "seeds_dir", type=click.Path(path_type=Path), default=Path("seeds"), show_default=True,
              help="Folder of Arabic articles (*.txt).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("corpus"), show_default=True,
              help="Folder for the corpus files (TMX, XLIFF, Moses, JSONL), the report and review.html; "
                   "created if missing, one run at a time.")
@click.option("--name", default="ar-en", show_default=True, help="Stem of the output files.")
@click.option("--fetch/--no-fetch", "fetch_missing", default=False,
              help="Fetch the model when none is installed.")
@translate_options
def corpus(seeds_dir, out_dir, name, fetch_missing, model_name, models_dir, beam_size, max_batch_tokens, device,
           compute_type, threads, reproducible, cache_path, no_cache) -> None:
    """Run the whole pipeline over SEEDS into OUT (what `make corpus` runs)."""
    config = CorpusConfig(seeds_dir=seeds_dir, out_dir=out_dir, name=name, model=model_name,
                          models_dir=models_dir, cache_path=cache_path,
                          use_cache=not no_cache, fetch_missing=fetch_missing,
                          options=_options(beam_size, max_batch_tokens, device, compute_type, threads, reproducible))
    report = run_corpus(config)
    totals = report["totals"]
    click.echo(f"{totals['documents']} documents, {totals['segments']} segments: "
               f"{totals['translated']} translated, {totals['from_cache']} from cache; "
               f"flags: {format_counts(totals['flags'])}; "
               f"wrote {out_dir}/{name}.{{tmx,xlf,ar,en,ids,jsonl}}, report.json, report.md and review.html", err=True)


# --- score ---------------------------------------------------------------------------------------


@cli.command()
@click.argument("hypothesis", type=click.Path(path_type=Path))
@click.argument("references", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--metrics", "metrics_spec", default="bleu,chrf", show_default=True,
              help="Comma-separated: bleu, chrf, chrf++, ter.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--width", "-w", type=click.IntRange(0, 10), default=1, show_default=True, help="Decimals in text output.")
@click.option("--confidence", is_flag=True, help="Bootstrap mean and 95% interval (sacrebleu's fixed seed).")
@click.option("--confidence-n", type=click.IntRange(2), default=1000, show_default=True)
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
@click.option("--metrics", "metrics_spec", default="bleu,chrf", show_default=True,
              help="Comma-separated: bleu, chrf, chrf++, ter.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--width", "-w", type=click.IntRange(0, 10), default=1, show_default=True, help="Decimals in text output.")
@click.option("--review", "review_path", type=click.Path(path_type=Path), default=None,
              help="Also write a review page (HTML) with each segment's aligned reference and chrF.")
def score_docs(translations_path, references, metrics_spec, as_json, width, review_path) -> None:
    """Score translations (JSONL records: doc, para, sent, source, target) against reference
    articles (<doc>.en.txt files, or folders of them) at document, paragraph and sentence level."""
    metrics = metric_names(metrics_spec)
    read = list(read_translations(translations_path))
    translations = [translation for translation, _ in read]
    scores, alignments = score_documents(translations, references, metrics)
    if review_path is not None:
        write_scored_review(review_path, translations, alignments, {model for _, model in read},
                            translations_path)
    click.echo(json.dumps(scores, indent=2, ensure_ascii=False) if as_json else format_document_scores(scores, width))


# --- align ---------------------------------------------------------------------------------------


@cli.command("align")
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("reference", type=click.Path(path_type=Path), required=False)
@click.option("--out", "out_stem", type=click.Path(path_type=Path), default=None,
              help="Output stem [default: SOURCE's name + .aligned beside it].")
@click.option("--translations", "translations_path", type=click.Path(path_type=Path),
              help="MT of the source, one line per source sentence, used as the pivot.")
@click.option("--model", "model_name", default=None, help="Translate the source with this installed model as pivot.")
@click.option("--models-dir", type=click.Path(path_type=Path), default=None)
@click.option("--presplit", is_flag=True, help="Both files hold one sentence per line; do not segment.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Pairs scoring below this go to .rejected.jsonl.")
@click.option("--lexicon/--no-lexicon", default=True, show_default=True,
              help="A folder without a pivot: learn a word table from its articles and realign with it.")
@click.option("--cache", "cache_path", type=click.Path(path_type=Path), default=None,
              help="Translation cache for --model [default: as for translate].")
@click.option("--no-cache", is_flag=True, help="--model translates everything; no cache read or written.")
def align_command(source, reference, out_stem, translations_path, model_name, models_dir, presplit,
                  min_score, lexicon, cache_path, no_cache) -> None:
    """Align SOURCE (Arabic) with its human translation REFERENCE; write pairs as TMX, Moses and JSONL.

    SOURCE may be a folder of articles (<doc>.txt), each with its translation beside it
    (<doc>.en.txt); give no REFERENCE then. The folder is aligned as a whole."""
    if translations_path and model_name:
        raise click.UsageError("give --translations or --model, not both")
    model_dir = resolve_model(model_name, models_dir) if model_name else None
    source_name = source.resolve().name
    out_stem = out_stem or source.resolve().with_name(source_name.split(".")[0] + ".aligned")
    cache_path = None if no_cache or not model_dir else cache_path or default_cache_path()
    config = AlignConfig(source, reference, out_stem, presplit, translations_path, model_dir, cache_path,
                         min_score, lexicon=lexicon)
    summary = run_align(config)
    click.echo(f"{summary['documents']} document(s): {summary['pairs']} pairs ({summary['rejected']} below "
               f"--min-score), unaligned: {summary['unaligned_source']} source, "
               f"{summary['unaligned_target']} target sentences; pivot: {summary['pivot']}; "
               f"wrote {len(summary['outputs'])} files: {_files_written(config.out_stem, summary['outputs'])}", err=True)
    if summary["flagged"]:
        click.echo("flagged pairs: " + ", ".join(f"{flag} {count}" for flag, count in sorted(summary["flagged"].items())),
                   err=True)


# --- eval ----------------------------------------------------------------------------------------


@cli.group("eval")
def eval_group() -> None:
    """Measure a stage against gold data."""


@eval_group.command("align")
@click.option("--src", "source_path", type=click.Path(path_type=Path), required=True)
@click.option("--ref", "reference_path", type=click.Path(path_type=Path), required=True)
@click.option("--docids", "docids_path", type=click.Path(path_type=Path), required=True)
@click.option("--translations", "translations_path", type=click.Path(path_type=Path),
              help="MT of --src, line-aligned, used as the pivot.")
@click.option("--simulate-mt", is_flag=True,
              help="Pivot simulated from the reference (word dropout, substitution, swaps): tests only.")
@click.option("--lexicon", is_flag=True,
              help="Without a pivot: realign with a word table learned from the other documents (Model 1).")
@click.option("--ratio", type=click.Choice(["corpus", "document"]), default="corpus", show_default=True,
              help="Length model's character ratio: from all documents together, or each document's own.")
@click.option("--merge", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option("--drop", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option("--insert", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def eval_align(source_path, reference_path, docids_path, translations_path, simulate_mt, lexicon, ratio, merge,
               drop, insert, seed, as_json) -> None:
    """Align a line-aligned test set after perturbing its target side; print strict and lax P/R/F1."""
    if translations_path and simulate_mt:
        raise click.UsageError("give --translations or --simulate-mt, not both")
    if lexicon and (translations_path or simulate_mt):
        raise click.UsageError("--lexicon stands in for a pivot: give it without --translations/--simulate-mt")
    documents = read_documents(source_path, reference_path, docids_path, translations_path)
    config = AlignEvalConfig(merge, drop, insert, seed, simulate_mt,
                             use_pivot=bool(translations_path or simulate_mt), lexicon=lexicon,
                             pool_ratio=ratio == "corpus")
    result = evaluate_alignment(documents, config, AlignOptions())
    pivot = "simulated" if simulate_mt else ("file" if translations_path else ("learned lexicon" if lexicon else "none"))
    result["settings"] = {"merge": merge, "drop": drop, "insert": insert, "seed": seed, "pivot": pivot,
                          "ratio": ratio}
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    click.echo(f"{result['documents']} documents, {result['gold_beads']} gold beads, "
               f"{result['system_beads']} system beads; pivot {pivot}; length ratio {result['length_ratio']}; "
               f"merge {merge} drop {drop} insert {insert} seed {seed}")
    click.echo("          precision  recall     F1")
    for kind in ("strict", "lax"):
        row = result[kind]
        click.echo(f"{kind:8}  {row['precision']:9.4f}  {row['recall']:6.4f}  {row['f1']:.4f}")


@eval_group.command("segment")
@click.option("--text", "text_path", type=click.Path(path_type=Path), required=True,
              help="Line-aligned test file: one gold sentence per line.")
@click.option("--docids", "docids_path", type=click.Path(path_type=Path), required=True,
              help="Each line's document id (first tab-separated field).")
@click.option("--lang", type=click.Choice(["ar", "en"]), help="Language of --text [default: from its extension].")
@click.option("--title", is_flag=True, help="Keep each document's first line on its own line, as a headline.")
@click.option("--segmenter", type=click.Choice(["parallel", "naive", "pysbd"]), default="parallel",
              show_default=True, help="Ours, the one-line regex baseline, or pySBD (if installed).")
@click.option("--errors", "errors", type=click.IntRange(min=0), default=0, help="Show the first N errors.")
@click.option("--json", "as_json", is_flag=True)
def eval_segment(text_path, docids_path, lang, title, segmenter, errors, as_json) -> None:
    """Segment documents built from a line-aligned test set; print boundary precision, recall and F1."""
    lang = lang or language_of(text_path)
    documents = read_test_documents(text_path, docids_path, title)
    scores = evaluate_segmentation(documents, segmenter_named(segmenter, lang))
    result = scores.as_dict(errors)
    result["settings"] = {"text": str(text_path), "lang": lang, "title": title, "segmenter": segmenter}
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    click.echo(f"{text_path}: {scores.documents} documents, {scores.gold_boundaries} gold boundaries, "
               f"{scores.system_boundaries} cuts; segmenter {segmenter}, lang {lang}"
               f"{', titles on their own line' if title else ''}")
    click.echo(f"precision {scores.precision:.4f}  recall {scores.recall:.4f}  F1 {scores.f1:.4f}")
    for error in scores.errors[:errors]:
        click.echo(f"{error.kind:6}  {error.document}  {error.before} | {error.after}")


# --- postedit ------------------------------------------------------------------------------------


@cli.command()
@click.argument("xliff", type=click.Path(path_type=Path))
@click.option("--out", "-o", "tmx_path", type=click.Path(path_type=Path),
              help="TMX of the post-edited segments [default: XLIFF with .postedit.tmx].")
@click.option("--json", "as_json", is_flag=True, help="Per-segment and total effort as JSON.")
def postedit(xliff: Path, tmx_path: Path | None, as_json: bool) -> None:
    """Read a post-edited XLIFF: write its edited segments to TMX and report HTER per segment and in total."""
    result = run_postedit(xliff, tmx_path or xliff.with_suffix(".postedit.tmx"))
    if as_json:
        click.echo(json.dumps({"summary": result.summary, "segments": result.segments,
                               "tmx": str(result.tmx)}, indent=2, ensure_ascii=False))
        return
    click.echo("id\tstate\twhy\twords\tedits\tHTER")
    for segment in result.segments:
        cells = [segment["id"], segment["state"] or "-", segment["reason"],
                 *("-" if segment[k] is None else f"{segment[k]:g}" for k in ("words", "edits", "hter"))]
        click.echo("\t".join(cells))
    summary = result.summary
    if summary["hter"] is None:
        hter = "not measured (nothing edited)" if not summary["post_edited"] else "not measured (no MT proposals)"
    else:
        hter = f"{summary['hter']:.2f} ({summary['signature']})"
    click.echo(f"{summary['post_edited']} of {summary['units']} segments post-edited; HTER {hter}; "
               f"wrote {result.tmx}", err=True)


def _files_written(stem: Path, outputs: dict[str, str]) -> str:
    """``STEM.{tmx,jsonl,…}``: every file written, in one short name."""
    suffixes = [path[len(str(stem)) + 1:] for path in outputs.values()]
    return f"{stem}.{{{','.join(suffixes)}}}"


def _terminate(signum, frame) -> None:
    raise Terminated()


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="parallel")


if __name__ == "__main__":
    sys.exit(main())
