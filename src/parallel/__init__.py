"""parallel: Arabic news articles to English, and an Arabic-English parallel corpus.

Every command is a library call first.  The public face, importable from ``parallel``::

    import parallel

    document = parallel.read_article("seeds/x.txt")
    segments = parallel.segment_document(document)
    with parallel.TranslationCache(parallel.default_cache_path()) as cache:
        translator = parallel.Translator(parallel.resolve_model(None, "models"), cache=cache)
        translations = translator.translate_segments(segments)

Names are loaded on first use, so that ``import parallel`` (and the command line) stays fast.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"
TOOL_NAME = "parallel"

# name -> the module that defines it
_PUBLIC = {
    # reading and segmenting
    "Document": "records", "Segment": "records", "Translation": "records",
    "read_article": "read.articles", "read_reference": "read.articles", "read_lines": "read.textfiles",
    "article_paths": "read.articles", "Pair": "records",
    "read_page": "read.pages", "PageInfo": "records", "fetch_pages": "read.fetch",
    "segment_document": "segment.sentences", "split_sentences": "segment.sentences", "split_text": "segment.sentences",
    "line_segments": "segment.sentences",
    # models and translation
    "fetch": "translate.models", "import_model": "translate.models", "resolve_model": "translate.models",
    "list_models": "translate.models",
    "Translator": "translate.translator", "TranslateOptions": "translate.translator",
    "TranslationCache": "translate.cache", "default_cache_path": "translate.cache",
    "translation_flags": "checks.flags", "read_glossary": "checks.glossary", "Glossary": "checks.glossary",
    "fit_length_model": "checks.length_model", "LengthModel": "checks.length_model",
    "translate_on_ray": "runs.ray_engine", "RayOptions": "runs.ray_engine",
    "fill_cache_on_ray": "runs.ray_engine",
    # alignment and scores
    "align": "alignment.aligner", "AlignOptions": "alignment.aligner", "Bead": "alignment.aligner",
    "align_collection": "alignment.aligner",
    "score_lines": "score.metrics", "compare_systems": "score.metrics", "score_documents": "score.references",
    # writers and readers
    "open_tmx": "formats.tmx", "write_tmx": "formats.tmx", "read_tmx": "formats.tmx",
    "open_xliff": "formats.xliff", "write_xliff": "formats.xliff", "read_xliff": "formats.xliff",
    "open_jsonl": "formats.jsonl", "write_jsonl": "formats.jsonl", "read_jsonl": "formats.jsonl",
    "open_moses": "formats.moses", "write_moses": "formats.moses", "read_moses": "formats.moses",
    "open_parquet": "formats.parquet", "read_parquet": "formats.parquet",
    "Provenance": "formats.provenance",
    # runs
    "run_corpus": "runs.corpus", "CorpusConfig": "runs.corpus",
    "run_align": "runs.align", "AlignConfig": "runs.align",
    "run_postedit": "runs.postedit", "make_omegat_project": "runs.postedit",
    "check_lines": "runs.check", "check_files": "runs.check",
    "filter_pairs": "runs.filter", "FilterOptions": "filters.registry", "evaluate_flags": "runs.flag_eval",
    # errors
    "ParallelError": "errors", "InputError": "errors", "ResourceError": "errors", "LocationError": "errors",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'parallel' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
