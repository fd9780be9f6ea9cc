"""Bad input and the command line's promises, second round (issue 36): every option documented, the
help says what each command accepts, options that cannot apply are refused rather than ignored."""
from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from parallel.cli.main import cli


def commands(group: click.Group = cli, prefix: str = ""):
    """Every command, by its full name (``eval align``)."""
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


def test_every_option_of_every_command_says_what_it_does(runner):
    names = dict(commands())
    assert {"segment", "translate", "corpus", "align", "filter", "postedit", "eval align"} <= set(names)
    for name, command in names.items():
        undocumented = [p.opts[0] for p in command.params if isinstance(p, click.Option) and not (p.help or "").strip()]
        assert not undocumented, f"parallel {name}: {undocumented}"
        short = runner.invoke(cli, [*name.split(), "-h"])
        assert short.exit_code == 0 and short.output.startswith(f"Usage: cli {name} "), name


# What each command's help must say it accepts (file kinds, defaults a user decides by).
HELP_SAYS = {
    "segment": [".en.txt"],
    "translate": [".txt", ".html", ".jsonl", "--engine", "[default: local]"],
    "corpus": [".txt", ".html", "--fetch / --no-fetch", "[default: no-fetch]", "[default: corpus]"],
    "align": [".en.txt", "--beam-size", "--models-dir", "Where models live", "[default: no pivot]"],
    "filter": [".jsonl", ".parquet", ".tmx", "--min-score", "--remove-duplicates"],
    "postedit": ["XLIFF", ".postedit.tmx"],
    "pair-docs": [".txt", ".html", "hreflang", "--model", "[default: 0.5;", "--align"],
}


@pytest.mark.parametrize("name", sorted(HELP_SAYS))
def test_the_help_says_what_the_command_accepts(runner, name):
    shown = " ".join(runner.invoke(cli, [name, "--help"]).output.split())
    missing = [text for text in HELP_SAYS[name] if text not in shown]
    assert not missing, f"parallel {name} --help lacks {missing}"


@pytest.mark.parametrize("args, refused", [
    (["translate", "x.txt", "--actors", "3"], "--actors: only with --engine ray"),
    (["translate", "x.txt", "--address", "auto", "--threads-per-actor", "2"], "--address, --threads-per-actor: only with --engine ray"),
    (["translate", "x.txt", "--out", "d"], "--out and --format are for --engine ray"),
    (["translate", "x.txt", "--format", "parquet"], "--out and --format are for --engine ray"),
    (["corpus", "--gpus-per-actor", "0.5"], "--gpus-per-actor: only with --engine ray"),
    (["align", "a.txt", "a.en.txt", "--actors", "4"], "--actors: only with --engine ray"),
])
def test_ray_options_on_the_local_engine_are_refused(runner, tmp_path, monkeypatch, args, refused):
    """Issue 36.8: they were ignored without a word (exit 0, output on stdout, no file)."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, args)
    assert result.exit_code == 2 and refused in result.output
    assert list(tmp_path.iterdir()) == []


def test_align_translates_its_pivot_with_the_decoding_options_given(runner, tmp_path, installed_models, monkeypatch):
    """Issue 36.15: `align --model` took the default decoding options only."""
    from parallel.runs import align as align_run

    seen = []
    opened = align_run.open_engine
    monkeypatch.setattr(align_run, "open_engine", lambda config, *rest: seen.append(config) or opened(config, *rest))
    (tmp_path / "a.txt").write_text("قال الوزير إن الخطة جاهزة.\nوأضاف أن التنفيذ يبدأ غدا.\n", encoding="utf-8")
    (tmp_path / "a.en.txt").write_text("The minister said the plan is ready.\nHe added that work starts tomorrow.\n",
                                       encoding="utf-8")
    result = runner.invoke(cli, ["align", str(tmp_path / "a.txt"), str(tmp_path / "a.en.txt"), "--model", "opus-mt-ar-en",
                                 "--models-dir", str(installed_models), "--beam-size", "2", "--threads", "1",
                                 "--no-cache", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (config,) = seen
    assert (config.options.beam_size, config.options.threads, config.use_cache) == (2, 1, False)


def _translate_on_ray_at(address: str, runner, tmp_path, installed_models):
    """`parallel translate` of one sentence on Ray at ``address``, into ``tmp_path/out``."""
    article = tmp_path / "a.txt"
    article.write_text("قال الوزير إن الخطة جاهزة.\n", encoding="utf-8")
    return runner.invoke(cli, ["translate", str(article), "--engine", "ray", "--address", address,
                               "--out", str(tmp_path / "out"), "--models-dir", str(installed_models), "--no-cache"])


def test_a_ray_client_address_without_ray_client_is_one_line(runner, tmp_path, installed_models):
    """Issue 36.1: `--address ray://…` ended in a traceback when ray[client] is not installed."""
    pytest.importorskip("ray")
    try:
        import grpc  # noqa: F401  (ray[client] brings it; then the address is tried for real)
        pytest.skip("ray[client] is installed here")
    except ImportError:
        pass
    result = _translate_on_ray_at("ray://127.0.0.1:1", runner, tmp_path, installed_models)
    assert result.exit_code == 3, result.output
    assert result.output.strip().splitlines()[-1].startswith(
        "error: --address ray://127.0.0.1:1: Ray Client needs its package: pip install 'ray[client]'")
    assert not (tmp_path / "out").exists()


def test_joining_a_cluster_that_is_not_there_is_one_line(runner, tmp_path, installed_models, monkeypatch):
    """`--address auto` with no cluster running said "error: a file: Could not find any running Ray
    instance…" (Ray's ConnectionError read as a file error)."""
    pytest.importorskip("ray")
    if _ray_cluster_running():
        pytest.skip("a Ray cluster runs on this machine: --address auto would join it")
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    monkeypatch.setenv("RAY_TMPDIR", str(tmp_path / "ray"))   # where Ray looks for a running cluster: none there
    result = _translate_on_ray_at("auto", runner, tmp_path, installed_models)
    assert result.exit_code == 3, result.output
    assert result.output.strip().splitlines() == [
        "error: --address auto: no Ray cluster to join (Could not find any running Ray instance); start one with "
        "`ray start --head`, give its address, or use --address local"]
    assert not (tmp_path / "out").exists()


def test_an_address_where_nothing_answers_is_one_line_at_once(runner, tmp_path, installed_models):
    """`--address 127.0.0.1:1` (nothing listens there) waited minutes inside Ray before any error."""
    import time
    pytest.importorskip("ray")
    started = time.monotonic()
    result = _translate_on_ray_at("127.0.0.1:1", runner, tmp_path, installed_models)
    assert result.exit_code == 3, result.output
    assert result.output.strip().splitlines() == [
        "error: --address 127.0.0.1:1: nothing answers there (Connection refused); start a cluster with "
        "`ray start --head`, give its address, or use --address local"]
    assert time.monotonic() - started < 30 and not (tmp_path / "out").exists()


def _ray_cluster_running() -> bool:
    """Whether a Ray GCS server process runs here (``--address auto`` finds clusters that way too)."""
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"gcs_server" in (entry / "cmdline").read_bytes():
                return True
        except OSError:
            continue
    return False


def test_two_articles_of_one_id_in_a_folder_are_refused(runner, tmp_path, installed_models):
    """Issue 36.2: `corpus` on a folder holding x.txt and x.html gave duplicate ids in every output."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "x.txt").write_text("قال الوزير إن الخطة جاهزة.\n", encoding="utf-8")
    (seeds / "x.html").write_text("<html><body><article><p>قال الوزير إن الخطة جاهزة.</p></article></body></html>",
                                  encoding="utf-8")
    for args in (["corpus", "--seeds", str(seeds), "--out", str(tmp_path / "out"), "--models-dir",
                  str(installed_models), "--no-cache"], ["align", str(seeds), "--out", str(tmp_path / "al")]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert result.output.strip() == f"error: {seeds / 'x.txt'}: same document id (x) as {seeds / 'x.html'}; rename one"
        assert not (tmp_path / "out").exists() and not list(tmp_path.glob("al*"))


@pytest.mark.parametrize("name", ["", "../escape", "a/b", ".."])
def test_a_corpus_name_is_a_file_name(runner, tmp_path, seeds_copy, installed_models, name):
    """Issue 36.6: `--name ""` left cc/.tmx behind; `--name ../escape` wrote outside --out."""
    out = tmp_path / "cc"
    result = runner.invoke(cli, ["corpus", "--seeds", str(seeds_copy), "--out", str(out), "--name", name,
                                 "--models-dir", str(installed_models), "--no-cache"])
    assert result.exit_code == 2 and result.output.startswith(f"error: --name {name!r}: give a file name stem")
    assert not out.exists() and not (tmp_path / "escape.tmx").exists()


def test_min_score_says_when_pairs_have_no_score(runner, tmp_path):
    """Issue 36.7: on corpus records (MT, no alignment score) --min-score kept everything without a word."""
    pairs = tmp_path / "ar-en.jsonl"
    pairs.write_text('{"id": "1", "source": "نص", "target": "text", "alignment_score": null}\n'
                     '{"id": "2", "source": "نص آخر", "target": "other text"}\n'
                     '{"id": "3", "source": "ثالث", "target": "third", "alignment_score": 0.2}\n', encoding="utf-8")
    result = runner.invoke(cli, ["filter", str(pairs), "--out", str(tmp_path / "kept.jsonl"), "--min-score", "0.5"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["3 pairs read, 2 kept; removed: min_score 1",
                                          "note: --min-score: 2 pair(s) have no alignment score and were kept"]


def test_filter_reads_a_post_edited_xliff_and_writes_no_xliff(runner, tmp_path, seeds_corpus):
    """Issue 36.7: an XLIFF input said "not valid JSON"; its units are pairs (source, target as left)."""
    kept = tmp_path / "kept.jsonl"
    result = runner.invoke(cli, ["filter", str(seeds_corpus.out / "ar-en.xlf"), "--out", str(kept)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in kept.read_text(encoding="utf-8").splitlines()]
    corpus = [json.loads(line) for line in (seeds_corpus.out / "ar-en.jsonl").read_text(encoding="utf-8").splitlines()]
    by_id = {r["id"]: r for r in corpus}
    assert records and all(by_id[r["id"]]["source"] == r["source"] and by_id[r["id"]]["mt"] == r["target"]
                           for r in records)
    refused = runner.invoke(cli, ["filter", str(kept), "--out", str(tmp_path / "x.xlf")])
    assert refused.exit_code == 2 and "xliff files can be read as pairs but not written" in refused.output


@pytest.mark.parametrize("option, says", [
    (["--device", "cuda"], "error: --device cuda: no CUDA GPU is usable here"),
    (["--compute-type", "float16"], "error: --compute-type float16: not supported on cpu here (supported: "),
])
def test_a_device_or_compute_type_this_machine_lacks_is_a_bad_option(runner, tmp_path, installed_models, option, says):
    """Issue 36.10: these exited 3, the missing-model code, saying the model cannot be loaded."""
    import ctranslate2

    if option[0] == "--device" and ctranslate2.get_cuda_device_count() > 0:
        pytest.skip("a CUDA GPU is usable here")
    article = tmp_path / "a.txt"
    article.write_text("قال الوزير إن الخطة جاهزة.\n", encoding="utf-8")
    result = runner.invoke(cli, ["translate", str(article), "--models-dir", str(installed_models), "--no-cache",
                                 *option])
    assert result.exit_code == 2 and result.output.startswith(says), result.output


@pytest.mark.parametrize("model", ["{tmp}", "{tmp}/nosuch", "./here"])
def test_a_model_path_that_is_no_model_is_said_so(runner, tmp_path, installed_models, model):
    """Issue 36.11: `--model /tmp` suggested `parallel model import PATH --name /tmp`."""
    article = tmp_path / "a.txt"
    article.write_text("قال الوزير إن الخطة جاهزة.\n", encoding="utf-8")
    model = model.format(tmp=tmp_path)
    result = runner.invoke(cli, ["translate", str(article), "--model", model, "--models-dir", str(installed_models)])
    assert result.exit_code == 3 and result.output.startswith(f"error: --model {model}: ")
    assert "--name" not in result.output and "parallel model import PATH" in result.output


def test_align_reads_what_translate_printed_from_a_file_or_standard_input(runner, tmp_path, installed_models):
    """Issue 36.9: `parallel translate X.txt > mt.txt` then `align X.txt X.en.txt --translations mt.txt` failed
    on the blank lines between paragraphs, and `-` was refused."""
    article, reference = tmp_path / "x.txt", tmp_path / "x.en.txt"
    article.write_text("قال الوزير إن الخطة جاهزة. وأضاف أن التنفيذ يبدأ غدا.\n\nورحب السكان بالقرار.\n", encoding="utf-8")
    reference.write_text("The minister said the plan is ready. He added that work starts tomorrow.\n\n"
                         "Residents welcomed the decision.\n", encoding="utf-8")
    printed = runner.invoke(cli, ["translate", str(article), "--models-dir", str(installed_models), "--no-cache"])
    assert printed.exit_code == 0 and "" in printed.stdout.splitlines()   # paragraphs apart
    (tmp_path / "mt.txt").write_text(printed.stdout, encoding="utf-8")
    from_file = runner.invoke(cli, ["align", str(article), str(reference), "--translations", str(tmp_path / "mt.txt"),
                                    "--out", str(tmp_path / "a")])
    from_stdin = runner.invoke(cli, ["align", str(article), str(reference), "--translations", "-",
                                     "--out", str(tmp_path / "b")], input=printed.stdout)
    assert from_file.exit_code == 0 and from_stdin.exit_code == 0, from_file.output + from_stdin.output
    mts = [json.loads(line)["mt"] for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert mts and all(mts) and (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_one_sentence_a_line_gets_the_same_ids_in_translate_and_align(runner, tmp_path, installed_models):
    """Issue 36.16: translate --lines named line n `<doc>:n:1`; align --presplit dropped blank lines and
    numbered the rest, under another document name."""
    source, target = tmp_path / "test.ar.txt", tmp_path / "test.en.txt"
    source.write_text("قال الوزير إن الخطة جاهزة.\n\nورحب السكان بالقرار.\n", encoding="utf-8")
    target.write_text("The minister said the plan is ready.\n\nResidents welcomed the decision.\n", encoding="utf-8")
    translated = runner.invoke(cli, ["translate", str(source), "--lines", "--jsonl", "--models-dir",
                                     str(installed_models), "--no-cache"])
    ids = [json.loads(line)["id"] for line in translated.stdout.splitlines() if json.loads(line)["source"]]
    aligned = runner.invoke(cli, ["align", str(source), str(target), "--presplit", "--out", str(tmp_path / "al")])
    assert aligned.exit_code == 0, aligned.output
    pairs = [json.loads(line) for line in (tmp_path / "al.jsonl").read_text(encoding="utf-8").splitlines()]
    assert ids == ["test:1:1", "test:3:1"] and [p["source_ids"] for p in pairs] == [["test:1:1"], ["test:3:1"]]


def test_utf8_with_a_nul_byte_is_not_called_windows_1256(runner, tmp_path):
    """Issue 36.4: valid UTF-8 with one NUL was called Windows-1256, with an iconv command that would damage it."""
    article = tmp_path / "a.txt"
    article.write_bytes("قال الوزير إن الخطة جاهزة.\nوأضاف\x00 أن التنفيذ يبدأ غدا.\n".encode("utf-8"))
    result = runner.invoke(cli, ["segment", str(article)])
    assert result.exit_code == 2
    assert result.output.strip() == (f"error: {article}: contains 1 NUL byte(s), the first on line 2; a text file "
                                      "has none (remove them, or check that this is the file meant)")


def test_following_the_advice_for_a_windows_1256_page_makes_it_readable(runner, tmp_path):
    """Issue 36.4: a cp1256 page without a charset was told to become page.html.utf8, then read as plain text."""
    import shlex
    import subprocess

    page = tmp_path / "page.html"
    page.write_bytes("<!DOCTYPE html><html><head><title>خطة</title></head><body><article><h1>الحكومة تعلن خطة للمياه</h1>"
                     "<p>أعلنت الحكومة اليوم خطة جديدة لتحسين إمدادات المياه في المدن الكبرى، وقال الوزير إن الخطة "
                     "ستكلف نحو مئتي مليون دولار خلال خمس سنوات.</p></article></body></html>".encode("cp1256"))
    refused = runner.invoke(cli, ["segment", str(page)])
    assert refused.exit_code == 2 and "Windows-1256" in refused.output
    command = refused.output.split("`")[1]
    assert command.endswith(f"&& mv {page}.tmp {page}")
    subprocess.run(command, shell=True, check=True, cwd=tmp_path)   # the advice, as a user would follow it
    read = runner.invoke(cli, ["segment", shlex.quote(str(page)).strip("'")])
    assert read.exit_code == 0, read.output
    assert read.output.splitlines()[0] == "الحكومة تعلن خطة للمياه" and "DOCTYPE" not in read.output


def test_a_file_given_as_the_output_folder_is_named_as_such(runner, tmp_path, seeds_copy, installed_models):
    """Issue 36.12: `corpus --out FILE` said "File exists"."""
    taken = tmp_path / "taken"
    taken.write_text("x", encoding="utf-8")
    result = runner.invoke(cli, ["corpus", "--seeds", str(seeds_copy), "--out", str(taken), "--models-dir",
                                 str(installed_models), "--no-cache"])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {taken}: is a file; give a folder (one that does not exist yet is created)"


def _refuse_scratch(monkeypatch, module, name):
    """Creating a scratch file or folder fails as on a read-only place (the tests may run as root)."""
    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(kwargs.get("dir", "?")) + "/.scratch-x1y2")
    monkeypatch.setattr(module.tempfile, name, refused)


def test_a_read_only_models_folder_is_named_not_its_staging_folder(runner, tmp_path, marian_zip, monkeypatch):
    """Issue 36.12: `model import` into a folder it cannot write named a staging folder."""
    from parallel.translate import models

    _refuse_scratch(monkeypatch, models, "TemporaryDirectory")
    result = runner.invoke(cli, ["model", "import", str(marian_zip), "--models-dir", str(tmp_path / "models")])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {tmp_path / 'models'}: permission denied; write elsewhere or change its permissions"


def test_a_review_page_that_cannot_be_written_is_named(runner, tmp_path, seeds_corpus, monkeypatch):
    """Issue 36.12: `score-docs --review` on a read-only place named a temporary file."""
    from parallel.reports import review

    _refuse_scratch(monkeypatch, review, "TemporaryFile")
    page = tmp_path / "r" / "review.html"
    result = runner.invoke(cli, ["score-docs", str(seeds_corpus.out / "ar-en.jsonl"), str(seeds_corpus.seeds),
                                 "--review", str(page)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == f"error: {page}: permission denied; write elsewhere or change its permissions"


def test_a_download_that_is_no_model_is_told_of_by_its_url(runner, tmp_path, http_root):
    """Issue 36.12: `model fetch --url` of a file that is not a zip named the download's temporary path."""
    root, base = http_root
    (root / "notes.txt").write_text("not a model", encoding="utf-8")
    url = f"{base}/notes.txt"
    result = runner.invoke(cli, ["model", "fetch", "opus-mt-ar-en", "--url", url, "--models-dir", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {url} (downloaded): not a zip archive or a model folder"
    assert [p.name for p in (tmp_path / "m").iterdir()] == []


def test_segments_repeated_within_a_run_are_counted_aloud(runner, tmp_path, installed_models):
    """Issue 36, also: two identical pages gave "14 segments: 7 translated, 0 from cache" and no word on the 7."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    text = "قال الوزير إن الخطة جاهزة. وأضاف أن التنفيذ يبدأ غدا.\nورحب السكان بالقرار.\n"
    for name in ("a.txt", "b.txt"):
        (seeds / name).write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["corpus", "--seeds", str(seeds), "--out", str(tmp_path / "out"), "--models-dir",
                                 str(installed_models), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "2 documents, 6 segments: 3 translated, 0 from cache, 3 repeating a segment before them;" in result.output


def test_pair_records_with_odd_scores_and_flags_are_read_or_named(runner, tmp_path):
    """A score of 0.0 survives TMX; a score or flags in the wrong shape is one line naming the record."""
    pairs = tmp_path / "p.jsonl"
    pairs.write_text('{"id": "a", "source": "نص", "target": "text", "alignment_score": 0.0}\n'
                     '{"id": "b", "source": "نص آخر", "target": "more text", "alignment_score": "0.9", '
                     '"flags": "numbers,length_ratio"}\n', encoding="utf-8")
    assert runner.invoke(cli, ["filter", str(pairs), "--out", str(tmp_path / "k.tmx")]).exit_code == 0
    again = runner.invoke(cli, ["filter", str(tmp_path / "k.tmx"), "--out", str(tmp_path / "k2.jsonl"),
                                "--min-score", "0.5", "--drop-flags", "numbers"])
    assert again.exit_code == 0, again.output
    assert again.output.splitlines() == ["2 pairs read, 0 kept; removed: flags 1, min_score 1"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "c", "source": "نص", "target": "text", "alignment_score": "high"}\n', encoding="utf-8")
    result = runner.invoke(cli, ["filter", str(bad), "--out", str(tmp_path / "k3.jsonl"), "--min-score", "0.5"])
    assert result.exit_code == 2 and result.output.strip() == f"error: {bad}: record c: alignment_score 'high' is not a number"


@pytest.mark.parametrize("args, refused", [
    (["align", "a.txt", "a.en.txt", "--beam-size", "2"], "the decoding, cache and models options are for the --model pivot"),
    (["align", "a.txt", "a.en.txt", "--no-cache"], "the decoding, cache and models options are for the --model pivot"),
    (["translate", "a.txt", "--engine", "ray", "--out", "d", "--jsonl"], "give --format, not --jsonl"),
])
def test_options_that_cannot_apply_are_refused(runner, tmp_path, monkeypatch, installed_models, args, refused):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("قال الوزير إن الخطة جاهزة.\n", encoding="utf-8")
    (tmp_path / "a.en.txt").write_text("The minister said the plan is ready.\n", encoding="utf-8")
    result = runner.invoke(cli, [*args, "--models-dir", str(installed_models)] if args[0] == "translate" else args)
    assert result.exit_code == 2 and refused in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.en.txt", "a.txt"]


@pytest.mark.parametrize("args", [
    ["translate", "a.txt", "--engine", "ray", "--out", "d", "--format", "xliff"],
    ["align", "a.txt", "a.en.txt", "--parquet", "--out", "o"],
    ["check", "a.txt", "a.en.txt", "--out", "x.jsonl", "--parquet", "y.parquet"],
])
def test_an_output_that_cannot_be_written_is_refused_before_any_work(runner, tmp_path, monkeypatch, installed_models,
                                                                      args):
    """`--format xliff` was accepted and failed after all the translating; without pyarrow, `align
    --parquet` and `check --parquet` left the other outputs written."""
    import sys

    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    (tmp_path / "a.txt").write_text("قال الوزير إن الخطة جاهزة.\n", encoding="utf-8")
    (tmp_path / "a.en.txt").write_text("The minister said the plan is ready.\n", encoding="utf-8")
    result = runner.invoke(cli, [*args, "--models-dir", str(installed_models)] if args[0] == "translate" else args)
    assert result.exit_code in (2, 3) and result.output.startswith("error: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.en.txt", "a.txt"]


def test_drop_flags_says_which_flags_it_could_not_read(runner, tmp_path):
    """--drop-flags split on pairs without flags of their own removed nothing without a word."""
    pairs = tmp_path / "p.jsonl"
    pairs.write_text('{"source": "نص طويل بما يكفي هنا", "target": "a long enough text here"}\n', encoding="utf-8")
    result = runner.invoke(cli, ["filter", str(pairs), "--out", str(tmp_path / "k.jsonl"), "--drop-flags", "split,numbers"])
    assert result.exit_code == 0
    assert result.output.splitlines()[1].startswith("note: --drop-flags split: 1 pair(s) carry no flags of their own")


@pytest.mark.parametrize("command", ["corpus", "align", "check"])
@pytest.mark.parametrize("content, says", [(None, "no such file"), ("{not json", "not a length model")])
def test_a_length_model_that_is_not_there_or_not_one_is_one_line(runner, tmp_path, seeds_copy, installed_models,
                                                                 command, content, says):
    model = tmp_path / "model.json"
    if content is not None:
        model.write_text(content, encoding="utf-8")
    (tmp_path / "a.ar").write_text("قال الوزير\n", encoding="utf-8")
    (tmp_path / "a.en").write_text("The minister said\n", encoding="utf-8")
    args = {"corpus": ["corpus", "--seeds", str(seeds_copy), "--out", str(tmp_path / "out"),
                       "--models-dir", str(installed_models)],
            "align": ["align", str(tmp_path / "a.ar"), str(tmp_path / "a.en"), "--presplit",
                      "--out", str(tmp_path / "out" / "x")],
            "check": ["check", str(tmp_path / "a.ar"), str(tmp_path / "a.en"), "--out", str(tmp_path / "out.jsonl")]}
    result = runner.invoke(cli, [*args[command], "--length-model", str(model)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and says in result.output and len(result.output.splitlines()) == 1
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.jsonl").exists()
