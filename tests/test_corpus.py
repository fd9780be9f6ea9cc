import json
import os
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree, html

from conftest import SOURCE_DATE_EPOCH, article, closed_port_url
from parallel.cli.main import cli
from parallel.formats.moses import read_moses
from parallel.formats.tmx import read_tmx, validate_tmx
from parallel.formats.xliff import read_xliff, validate_xliff
from parallel.read.articles import article_paths, read_article, read_reference, reference_path
from parallel.runs.corpus import CorpusResult, output_paths
from parallel.segment.sentences import segment_document
from parallel.translate import models as model_module

TMX_HEADER_ATTRIBUTES = {"creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang",
                         "datatype", "creationdate"}


def corpus_args(seeds, out, models, cache):
    return ["corpus", "--seeds", str(seeds), "--out", str(out), "--models-dir", str(models), "--cache", str(cache)]


def test_corpus_end_to_end_and_cache(runner, seeds_corpus, installed_models, tmp_path):
    out, seeds_copy = seeds_corpus.out, seeds_corpus.seeds
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["ar-en.tmx", "ar-en.xlf", "ar-en.ar", "ar-en.en", "ar-en.ids", "ar-en.jsonl", "report.json", "report.md",
         "review.html"])
    assert validate_tmx(out / "ar-en.tmx") == [] and validate_xliff(out / "ar-en.xlf") == []

    documents = [read_article(p) for p in article_paths(seeds_copy)]
    segments = [s for d in documents for s in segment_document(d)]
    tree = etree.parse(str(out / "ar-en.tmx"))
    header = tree.find("header")
    assert tree.getroot().get("version") == "1.4" and TMX_HEADER_ATTRIBUTES <= set(header.attrib)
    assert header.get("srclang") == "ar"
    units = list(read_tmx(out / "ar-en.tmx"))
    assert [u.tuid for u in units] == [s.id for s in segments]
    assert all(set(u.variants) == {"ar", "en"} and u.props["x-model"] == "opus-mt-ar-en" for u in units)
    sources = [u.variants["ar"] for u in units]
    for document in documents:
        for removed in document.boilerplate:  # a repeated headline stays once, other boilerplate never
            assert sources.count(removed.text) == (1 if removed.kind == "duplicate" else 0)
    sources = "\n".join(sources)
    assert "صورة من" not in sources and "اترك تعليقك" not in sources

    xliff_units = list(read_xliff(out / "ar-en.xlf"))
    assert [u.id for u in xliff_units] == [s.id for s in segments]
    assert [u.document for u in xliff_units] == [s.doc_id for s in segments]
    assert [u.mt for u in xliff_units] == [u.variants["en"] for u in units]
    assert {u.state for u in xliff_units} == {"needs-review-translation"}

    moses = read_moses(out / "ar-en")
    assert [row[0] for row in moses] == [s.id for s in segments]
    records = [json.loads(line) for line in (out / "ar-en.jsonl").read_text().splitlines()]
    assert len(records) == len(segments) and records[0]["id"] == segments[0].id

    report = json.loads((out / "report.json").read_text())
    assert report["totals"]["segments"] == len(segments)
    assert report["totals"]["from_cache"] == 0 and report["model"]["name"] == "opus-mt-ar-en"
    assert report["totals"]["boilerplate_removed"] == sum(len(d.boilerplate) for d in documents)
    scores = report["scores"]  # the seeds have references: scored at document and paragraph level
    assert scores["document_level"]["items"] == 5 and scores["paragraph_level"]["skipped_documents"] == {}
    assert scores["paragraph_level"]["items"] == sum(len(d.paragraphs) for d in documents)
    assert all("nrefs:1" in m["signature"] for m in scores["document_level"]["metrics"])
    sentence_level = scores["sentence_level"]  # references aligned to our segments by the aligner
    assert sentence_level["items"] > 0 and all("nrefs:1" in m["signature"] for m in sentence_level["metrics"])
    assert sentence_level["items"] == sum(d["items"] for d in sentence_level["per_document"].values())
    attention = report["attention"]
    assert attention and all(len(a["flags"]) >= len(b["flags"]) for a, b in zip(attention, attention[1:]))
    markdown = (out / "report.md").read_text()
    assert report["model"]["model_bin_sha256"] in markdown and attention[0]["id"] in markdown
    assert "lengths judged by the length model calibrated: this corpus's" in markdown
    assert "sentence level" in markdown and set(report["timings_s"]) >= {"read", "segment", "translate", "align", "write"}

    cache = tmp_path / "cache.sqlite"
    shutil.copyfile(seeds_corpus.cache, cache)
    again = runner.invoke(cli, corpus_args(seeds_copy, tmp_path / "again", installed_models, cache))
    assert again.exit_code == 0, again.output
    report = json.loads((tmp_path / "again" / "report.json").read_text())
    assert report["totals"]["translated"] == 0
    assert report["totals"]["from_cache"] == report["totals"]["unique_sources"] > 0


def _snapshot(folder):
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} if folder.exists() else {}


def test_no_model_no_network_exits_3_and_writes_nothing(runner, seeds_copy, tmp_path, monkeypatch):
    spec = model_module.REGISTRY["opus-mt-ar-en"]
    monkeypatch.setitem(model_module.REGISTRY, "opus-mt-ar-en",
                        model_module.ModelSpec(spec.name, closed_port_url(), spec.description))
    out = tmp_path / "corpus"
    out.mkdir()
    (out / "README.md").write_text("kept")
    before = _snapshot(out)
    models = tmp_path / "models"
    result = runner.invoke(cli, corpus_args(seeds_copy, out, models, tmp_path / "c.sqlite") + ["--fetch"])
    assert result.exit_code == 3
    assert result.output.count("\n") == 1 and result.output.startswith("error: cannot download")
    assert _snapshot(out) == before
    assert not (models / "opus-mt-ar-en").exists()


@pytest.mark.parametrize("content, message", [(b"\xff\xfe\xfa", "not UTF-8"), (b"\n \n", "empty file")])
def test_bad_article_exits_2_and_writes_nothing(runner, seeds_copy, installed_models, tmp_path, content, message):
    bad = seeds_copy / "zz-bad.txt"
    bad.write_bytes(content)
    out = tmp_path / "corpus"
    result = runner.invoke(cli, corpus_args(seeds_copy, out, installed_models, tmp_path / "c.sqlite"))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and str(bad) in result.output and message in result.output
    assert _snapshot(out) == {}


def test_translate_cli_reads_segment_jsonl(runner, seeds_copy, installed_models, tmp_path):
    path = article(seeds_copy, "2014-12")
    segmented = runner.invoke(cli, ["segment", "--jsonl", str(path)])
    jsonl = tmp_path / "segments.jsonl"
    jsonl.write_text(segmented.output, encoding="utf-8")
    result = runner.invoke(cli, ["translate", "--jsonl", "--no-cache", "--models-dir", str(installed_models),
                                 str(jsonl)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in records] == [json.loads(l)["id"] for l in segmented.output.splitlines()]
    assert all(isinstance(r["flags"], list) and r["mt_score"] < 0 for r in records)


def test_translate_cli_checks_all_input_before_writing(runner, seeds_copy, installed_models, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(runner.invoke(cli, ["segment", "--jsonl", str(article(seeds_copy, "2014-12"))]).output,
                    encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x:1:1", "doc": "x", "para": 1, "sent": 1, "text": "نص"}\n{"doc": "x"}\n',
                   encoding="utf-8")
    result = runner.invoke(cli, ["translate", "--no-cache", "--models-dir", str(installed_models),
                                 str(good), str(bad)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith(f"error: {bad}: record ?")


def test_outputs_are_readable_by_others(seeds_corpus):
    mode = (seeds_corpus.out / "ar-en.tmx").stat().st_mode & 0o777
    assert mode == 0o666 & ~_umask()


def _umask():
    current = os.umask(0)
    os.umask(current)
    return current


def test_corpus_fetches_a_missing_model(runner, seeds_copy, marian_zip, http_root, tmp_path, monkeypatch):
    """What `make corpus` does on a fresh checkout: no model, so fetch it, then run."""
    root, base = http_root
    (root / marian_zip.name).write_bytes(marian_zip.read_bytes())
    spec = model_module.REGISTRY["opus-mt-ar-en"]
    monkeypatch.setitem(model_module.REGISTRY, "opus-mt-ar-en",
                        model_module.ModelSpec(spec.name, f"{base}/{marian_zip.name}", spec.description))
    models, out = tmp_path / "models", tmp_path / "corpus"
    result = runner.invoke(cli, corpus_args(seeds_copy, out, models, tmp_path / "c.sqlite") + ["--fetch"])
    assert result.exit_code == 0, result.output
    assert (models / "opus-mt-ar-en" / "manifest.json").is_file() and (out / "ar-en.tmx").is_file()


def test_outputs_are_reproducible_with_source_date_epoch(runner, seeds_corpus, installed_models, tmp_path,
                                                         monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    again = tmp_path / "again"  # with a fresh cache: this run translates everything again
    args = corpus_args(seeds_corpus.seeds, again, installed_models, tmp_path / "cache.sqlite")
    assert runner.invoke(cli, args).exit_code == 0
    outputs = [{name: (out / name).read_bytes() for name in ("ar-en.tmx", "ar-en.en", "ar-en.jsonl")}
               for out in (seeds_corpus.out, again)]
    assert outputs[0] == outputs[1]
    assert b'creationdate="20231114T221320Z"' in outputs[0]["ar-en.tmx"]


def test_reproducible_translations_do_not_change_with_threads_or_batch_size(runner, seeds_copy, installed_models,
                                                                         tmp_path):
    outputs = []
    for run, batching in (("one", []), ("two", ["--threads", "1", "--max-batch-tokens", "16"])):
        out = tmp_path / run
        args = corpus_args(seeds_copy, out, installed_models, tmp_path / f"{run}.sqlite") + ["--reproducible", *batching]
        assert runner.invoke(cli, args).exit_code == 0
        tmx_body = (out / "ar-en.tmx").read_bytes().split(b"<body>")[1]  # the header names the options
        outputs.append(((out / "ar-en.en").read_bytes(), (out / "ar-en.jsonl").read_bytes(), tmx_body))
    assert outputs[0] == outputs[1]
    assert json.loads((tmp_path / "two" / "report.json").read_text())["options"]["reproducible"] is True


def test_interrupt_exits_130_with_one_line(runner, seeds_copy, installed_models, tmp_path, monkeypatch):
    from parallel.translate import translator as translate_module

    def interrupted(self, *args):
        raise KeyboardInterrupt

    monkeypatch.setattr(translate_module.Translator, "_read_batch", interrupted)
    result = runner.invoke(cli, corpus_args(seeds_copy, tmp_path / "out", installed_models, tmp_path / "c.sqlite"))
    assert result.exit_code == 130
    assert result.output.count("\n") == 1 and "resume" in result.output
    assert not (tmp_path / "out").exists() or _snapshot(tmp_path / "out") == {}


def test_debug_shows_the_traceback(runner, tmp_path):
    result = runner.invoke(cli, ["--debug", "segment", str(tmp_path / "missing.txt")])
    assert result.exit_code != 0 and result.exception is not None
    assert type(result.exception).__name__ == "InputError"


def test_translate_article_plain_output(runner, seeds_copy, installed_models):
    path = article(seeds_copy, "2015-03")
    result = runner.invoke(cli, ["translate", "--no-cache", "--models-dir", str(installed_models), str(path)])
    assert result.exit_code == 0, result.output
    document = read_article(path)
    blocks = result.output.strip("\n").split("\n\n")
    assert len(blocks) == len(document.paragraphs)
    assert sum(len(b.splitlines()) for b in blocks) == len(segment_document(document))


def test_report_counts_and_review_page_of_a_corpus_run(seeds_corpus):
    out, seeds_copy = seeds_corpus.out, seeds_corpus.seeds
    report = json.loads((out / "report.json").read_text())
    translations = {r["id"]: r for r in map(json.loads, (out / "ar-en.jsonl").read_text().splitlines())}
    documents = [read_article(p) for p in article_paths(seeds_copy)]
    for document, entry in zip(documents, report["documents"]):
        segments = segment_document(document)
        assert entry["segments"] == len(segments)
        assert entry["words"]["source"] == sum(len(s.text.split()) for s in segments)
        assert entry["words"]["mt"] == sum(len(translations[s.id]["target"].split()) for s in segments)
        assert entry["tokens"]["source"] >= entry["words"]["source"]  # SentencePiece never joins words
    for kind in ("words", "tokens"):
        for side in ("source", "mt"):
            assert report["totals"][kind][side] == sum(d[kind][side] for d in report["documents"])
    assert all("chrf" in a for a in report["attention"])

    page = html.parse(str(out / "review.html")).getroot()
    rows = page.findall(".//tr[@class='segment']")
    assert [row.get("id") for row in rows] == [f"seg-{i}" for i in translations]
    assert [c.text_content() for c in page.findall(".//td[@class='source']")] == [
        t["source"] for t in translations.values()]
    assert [c.text_content() for c in page.findall(".//td[@class='mt']")] == [
        t["target"] for t in translations.values()]
    assert [s.get("id") for s in page.findall(".//section")] == [f"doc-{d.id}" for d in documents]
    assert report["model"]["model_bin_sha256"] in page.find(".//p[@class='provenance']").text_content()
    references = {d.id: " ".join(read_reference(reference_path(p)).paragraphs)
                  for d, p in zip(documents, article_paths(seeds_copy))}
    aligned = [(row.get("id").split(":")[0][4:], row.find("td[@class='reference']").text) for row in rows]
    aligned = [(doc_id, text) for doc_id, text in aligned if text]  # cells saying "no reference…" hold a span
    assert len(aligned) > len(rows) / 2 and all(text in references[doc_id] for doc_id, text in aligned)


def test_score_docs_rescoring_the_jsonl_gives_the_report_scores(runner, seeds_corpus, tmp_path):
    out, seeds_copy = seeds_corpus.out, seeds_corpus.seeds
    report = json.loads((out / "report.json").read_text())
    result = runner.invoke(cli, ["score-docs", str(out / "ar-en.jsonl"), str(seeds_copy), "--json",
                                 "--review", str(tmp_path / "again.html")])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    for level in ("document_level", "paragraph_level", "sentence_level"):
        assert scores[level] == report["scores"][level]
    assert scores["documents_without_reference"] == [] and scores["references_without_document"] == []
    again = html.parse(str(tmp_path / "again.html")).getroot()
    ours = html.parse(str(out / "review.html")).getroot()
    assert [c.text_content() for c in again.findall(".//td[@class='chrf']")] == [
        c.text_content() for c in ours.findall(".//td[@class='chrf']")]

    text = runner.invoke(cli, ["score-docs", str(out / "ar-en.jsonl"), str(seeds_copy), "--metrics", "chrf"])
    assert text.exit_code == 0 and "sentence level (" in text.output and "nrefs:1|case:mixed" in text.output
    missing = runner.invoke(cli, ["score-docs", str(out / "ar-en.jsonl"), str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "nowhere: no such file or directory" in missing.output
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "x", "doc": "x"}\n', encoding="utf-8")
    bad = runner.invoke(cli, ["score-docs", str(broken), str(seeds_copy)])
    assert bad.exit_code == 2 and "broken.jsonl: record x lacks" in bad.output


def test_streaming_in_small_chunks_writes_the_same_outputs(seeds_copy, installed_models, tmp_path, monkeypatch):
    """The articles go through the stages a chunk at a time; where the chunks end must not show.

    The second run reads every translation from the first run's cache: a segment's MT score (and,
    at beam > 1, its text) can depend on the batch it was decoded in when it hits the length limit,
    as the tiny model's segments do, and chunks change the batches.  Everything after translation
    must then come out byte for byte the same."""
    from parallel.runs.corpus import CorpusConfig, run_corpus
    from parallel.translate.translator import Translator

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    chunk_sizes = []
    translate_chunk = Translator.translate_chunk
    monkeypatch.setattr(Translator, "translate_chunk",
                        lambda self, segments, *rest: chunk_sizes.append(len(segments)) or translate_chunk(
                            self, segments, *rest))
    outputs, reports = [], []
    for chunk_segments in (10_000, 7):
        out = tmp_path / f"chunks-{chunk_segments}"
        report = run_corpus(CorpusConfig(seeds_dir=seeds_copy, out_dir=out, models_dir=installed_models,
                                         cache_path=tmp_path / "cache.sqlite", progress=False,
                                         chunk_segments=chunk_segments)).report
        outputs.append({p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith("report")})
        reports.append(report)
    segments = reports[0]["totals"]["segments"]
    assert chunk_sizes[0] == segments and len(chunk_sizes) - 1 >= len(article_paths(seeds_copy))
    assert reports[1]["totals"]["from_cache"] == segments == reports[1]["totals"]["unique_sources"]
    assert set(outputs[0]) == {"ar-en.tmx", "ar-en.xlf", "ar-en.ar", "ar-en.en", "ar-en.ids", "ar-en.jsonl",
                               "review.html"}
    assert outputs[0] == outputs[1]
    for key in ("scores", "attention", "options", "model"):
        assert reports[0][key] == reports[1][key], key
    assert reports[0]["scores"]["sentence_level"]["items"] > 0
    by_cache = ("translated", "from_cache")
    assert [{k: v for k, v in d.items() if k != "from_cache"} for d in reports[0]["documents"]] == \
           [{k: v for k, v in d.items() if k != "from_cache"} for d in reports[1]["documents"]]
    assert {k: v for k, v in reports[0]["totals"].items() if k not in by_cache} == \
           {k: v for k, v in reports[1]["totals"].items() if k not in by_cache}


def test_a_bad_article_anywhere_stops_the_run_before_any_translation(seeds_copy, installed_models, tmp_path,
                                                                    monkeypatch):
    from parallel.errors import InputError
    from parallel.runs.corpus import CorpusConfig, run_corpus
    from parallel.translate.translator import Translator

    (seeds_copy / "zz-last.txt").write_bytes(b"\xff not UTF-8")
    calls = []
    monkeypatch.setattr(Translator, "translate_chunk", lambda self, *args: calls.append(args))
    with pytest.raises(InputError, match="zz-last.txt"):
        run_corpus(CorpusConfig(seeds_dir=seeds_copy, out_dir=tmp_path / "out", models_dir=installed_models,
                                use_cache=False, progress=False, chunk_segments=1))
    assert calls == [] and not (tmp_path / "out").exists()


def test_postedit_on_a_fresh_xliff_reports_nothing_edited(runner, seeds_corpus, tmp_path):
    """The first thing a translator tries: the XLIFF just written, nothing edited yet."""
    out = seeds_corpus.out
    result = runner.invoke(cli, ["postedit", str(out / "ar-en.xlf"), "--json", "-o", str(tmp_path / "pe0.tmx")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summary"]
    assert summary["post_edited"] == 0 and summary["units"] > 100 and summary["hter"] is None
    text = runner.invoke(cli, ["postedit", str(out / "ar-en.xlf"), "-o", str(tmp_path / "pe.tmx")])
    assert text.exit_code == 0 and "0 of" in text.stderr and "nothing edited" in text.stderr
    from translate.storage.tmx import tmxfile
    assert len(tmxfile.parsefile(str(tmp_path / "pe.tmx")).units) == 0


def test_segment_and_translate_skip_the_references_beside_their_articles(runner, seeds_copy, installed_models):
    files = [str(p) for p in sorted(seeds_copy.glob("*.txt"))]
    assert any(f.endswith(".en.txt") for f in files)
    result = runner.invoke(cli, ["segment", *files, "--jsonl"])
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids and len(ids) == len(set(ids))
    assert "skipped 5 English reference" in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert not any(r["text"].isascii() and len(r["text"]) > 40 for r in records)  # no English sentence
    translated = runner.invoke(cli, ["translate", *files[:2], "--jsonl", "--models-dir", str(installed_models),
                                     "--no-cache", "--beam-size", "1"])
    assert translated.exit_code == 0, translated.output
    # an English file named alone is read as asked
    alone = runner.invoke(cli, ["segment", next(f for f in files if f.endswith(".en.txt"))])
    assert alone.exit_code == 0 and alone.stdout


def test_two_files_of_one_document_id_are_refused(runner, seeds_copy, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    first = article(seeds_copy, "2015-03")
    (other / first.name).write_bytes(first.read_bytes())
    result = runner.invoke(cli, ["segment", str(first), str(other / first.name)])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "same document id" in result.output


def test_report_says_why_a_document_has_no_paragraph_scores(runner, seeds_copy, installed_models, tmp_path):
    for reference in seeds_copy.glob("*.en.txt"):  # every reference loses its last paragraph
        paragraphs = reference.read_text(encoding="utf-8").rstrip("\n").split("\n")
        reference.write_text("\n".join(paragraphs[:-1]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert runner.invoke(cli, corpus_args(seeds_copy, out, installed_models, tmp_path / "c.sqlite")).exit_code == 0
    markdown = (out / "report.md").read_text(encoding="utf-8")
    paragraph_level = markdown.split("**paragraph level**", 1)[1].split("**sentence level**", 1)[0]
    assert "(0 items)" in paragraph_level and "No score at this level" in paragraph_level
    assert paragraph_level.count("reference has") == len(list(seeds_copy.glob("*.en.txt")))


def test_the_run_returns_a_result_that_formats_itself(seeds_corpus):
    """The command prints what the run's result says of itself: counts, cache, flags, every file."""
    report = json.loads((seeds_corpus.out / "report.json").read_text(encoding="utf-8"))
    result = CorpusResult(report, output_paths(seeds_corpus.out, "ar-en"))
    line = result.format()
    assert line in seeds_corpus.output and result.to_json() is report
    totals = report["totals"]
    assert line.startswith(f"{totals['documents']} documents, {totals['segments']} segments: "
                           f"{totals['translated']} translated, {totals['from_cache']} from cache; flags: ")
    written = re.search(r"wrote (.*)/\{(.*)\}$", line)
    assert Path(written.group(1)) == seeds_corpus.out
    assert sorted(written.group(2).split(",")) == sorted(p.name for p in seeds_corpus.out.iterdir())


def test_corpus_flags_lengths_by_a_model_calibrated_to_its_own_translations(seeds_corpus, installed_models,
                                                                           tmp_path, monkeypatch):
    """Everything is translated first; the length model is then weighed against the corpus's own
    translations, but for those decoding marks as broken (the tiny model runs every seed segment
    to its length limit: truncated, so none counts), and every translation's length_ratio is judged
    by it (the report says which).  Counting the truncated ones too, the model moves."""
    from parallel.checks.flags import length_ratio_outlier
    from parallel.checks.length_model import DEFAULT_LENGTH_MODEL, LengthModel, calibrate_length_model
    from parallel.runs import corpus as corpus_module

    def check(out, unmeasured):
        report = json.loads((out / "report.json").read_text())
        records = [json.loads(line) for line in (out / "ar-en.jsonl").read_text().splitlines()]
        used = LengthModel.from_json(report["length_model"])
        measured = [(r["source"], r["target"]) for r in records if not set(r["flags"]) & unmeasured]
        expected = calibrate_length_model(DEFAULT_LENGTH_MODEL, measured)
        assert report["length_model"]["calibrated"] is True
        assert (used.means, used.spreads, used.pairs) == (expected.means, expected.spreads, expected.pairs)
        assert ["length_ratio" in r["flags"] for r in records] == [
            length_ratio_outlier(r["source"], r["target"], used) for r in records]
        assert report["totals"]["flags"].get("length_ratio", 0) == sum("length_ratio" in r["flags"] for r in records)
        return used, len(measured), len(records)

    used, measured, _ = check(seeds_corpus.out, corpus_module.UNMEASURED | {"repetition"})
    assert measured == 0 and used.means == DEFAULT_LENGTH_MODEL.means
    monkeypatch.setattr(corpus_module, "unmeasured", lambda translation: False)
    out = tmp_path / "all-measured"
    corpus_module.run_corpus(corpus_module.CorpusConfig(seeds_dir=seeds_corpus.seeds, out_dir=out,
                                                        models_dir=installed_models, cache_path=tmp_path / "c.sqlite",
                                                        progress=False))
    used, measured, records = check(out, set())
    assert measured == records and used.means != DEFAULT_LENGTH_MODEL.means   # nothing like human lengths


def test_corpus_without_calibration_or_cache_translates_each_text_once(seeds_copy, installed_models, tmp_path,
                                                                      monkeypatch):
    """Calibrating reads the translations twice; without a cache a private one holds them, so the
    model still translates each distinct text once, and nothing of it is left behind."""
    from parallel.checks.flags import length_ratio_outlier
    from parallel.checks.length_model import DEFAULT_LENGTH_MODEL
    from parallel.runs.corpus import CorpusConfig, run_corpus
    from parallel.translate.translator import Translator

    decoded = []
    translate_uncached = Translator._translate_uncached
    monkeypatch.setattr(Translator, "_translate_uncached",
                        lambda self, texts, *rest, **kw: decoded.extend(texts) or translate_uncached(
                            self, texts, *rest, **kw))
    runs = {}
    for calibrate in (True, False):
        out = tmp_path / f"calibrate-{calibrate}"
        runs[calibrate] = run_corpus(CorpusConfig(seeds_dir=seeds_copy, out_dir=out, models_dir=installed_models,
                                                  use_cache=False, progress=False, calibrate=calibrate)).report
        assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in output_paths(out, "ar-en").values())
        assert len(decoded) == len(set(decoded)) == runs[calibrate]["totals"]["unique_sources"]
        decoded.clear()
    assert runs[False]["length_model"] == {**DEFAULT_LENGTH_MODEL.to_json(), "calibrated": False, "moved": []}
    records = [json.loads(line) for line in (tmp_path / "calibrate-False" / "ar-en.jsonl").read_text().splitlines()]
    assert ["length_ratio" in r["flags"] for r in records] == [
        length_ratio_outlier(r["source"], r["target"]) for r in records]
    assert runs[True]["totals"]["translated"] == runs[False]["totals"]["translated"] == \
        runs[True]["totals"]["unique_sources"]


def test_two_passes_count_what_one_pass_counts(seeds_copy, installed_models, tmp_path):
    """Reading the translations back for their calibrated flags changes no count: segments, unique
    sources, translated, from cache and repeats (an article repeated, chunks of 10 segments), on a
    first run and on a second from the cache; the flags counted are those written."""
    from collections import Counter

    from parallel.runs.corpus import CorpusConfig, run_corpus

    first = sorted(path for path in seeds_copy.glob("*.txt") if not path.name.endswith(".en.txt"))[0]
    shutil.copy(first, seeds_copy / "zz-again.txt")
    counted = ("segments", "unique_sources", "translated", "from_cache", "repeated")
    reports = {}
    for calibrate in (True, False):
        for run in (1, 2):
            out = tmp_path / f"out-{calibrate}-{run}"
            report = run_corpus(CorpusConfig(seeds_dir=seeds_copy, out_dir=out, models_dir=installed_models,
                                             cache_path=tmp_path / f"cache-{calibrate}.sqlite", progress=False,
                                             calibrate=calibrate, chunk_segments=10)).report
            reports[calibrate, run] = ({k: report["totals"][k] for k in counted},
                                       [d["from_cache"] for d in report["documents"]])
            written = Counter(f for line in (out / "ar-en.jsonl").read_text().splitlines()
                              for f in json.loads(line)["flags"])
            assert dict(written) == report["totals"]["flags"]
    assert reports[True, 1] == reports[False, 1] and reports[True, 2] == reports[False, 2]
    assert reports[True, 1][0]["repeated"] > 0 and reports[True, 2][0]["translated"] == 0
