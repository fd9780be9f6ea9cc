"""The seams where the house grows: a record format, a filter or a segmenter is one new module plus one
registry line.  Each test here registers a toy one and uses it through the commands."""
from __future__ import annotations

import json

from parallel.cli.main import cli
from parallel.formats import registry
from parallel.formats.registry import format_of, read_records

ARABIC = ["قالت الوزارة إن المعرض يفتح أبوابه يوم الأحد", "وأضافت أن الدخول مجاني للطلاب"]
ENGLISH = ["The ministry said the fair opens on Sunday", "It added that entry is free for students"]


def write_pairs(path, count=2):
    records = [{"id": str(i + 1), "source": ARABIC[i], "target": ENGLISH[i], "alignment_score": 0.9}
               for i in range(count)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return records


def test_a_toy_record_format_registered_with_one_line(tmp_path, runner, monkeypatch):
    monkeypatch.setitem(registry.FORMATS, "tsv", "toyformat:RECORDS")   # the one registry line
    pairs = tmp_path / "pairs.jsonl"
    records = write_pairs(pairs)
    result = runner.invoke(cli, ["filter", str(pairs), "--out", str(tmp_path / "kept.tsv")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "kept.tsv").read_text(encoding="utf-8").splitlines() == [
        f"{r['id']}\t{r['source']}\t{r['target']}" for r in records]
    back = runner.invoke(cli, ["filter", str(tmp_path / "kept.tsv"), "--out", str(tmp_path / "again.tmx")])
    assert back.exit_code == 0, back.output   # read back as an input, written on as TMX
    assert [r["source"] for r in read_records(tmp_path / "again.tmx")] == ARABIC
    assert format_of(tmp_path / "x.TSV").name == "tsv"


def test_every_record_format_reads_back_what_it_wrote(tmp_path):
    records = [{"id": "a:1:1", "doc": "a", "source": ARABIC[0], "target": ENGLISH[0], "flags": ["numbers"],
                "alignment_score": 0.75}]
    for name in (n for n in registry.FORMATS if registry.record_format(n).open):
        path = tmp_path / f"out{registry.record_format(name).suffixes[0]}"
        with registry.open_records(path, "pair") as writer:
            writer.write_all(records)
        (back,) = list(read_records(path))
        assert {k: back[k] for k in ("id", "source", "target", "flags", "alignment_score")} == {
            k: records[0][k] for k in ("id", "source", "target", "flags", "alignment_score")}, name


def test_an_unknown_suffix_is_refused_before_anything_is_written(tmp_path, runner):
    pairs = tmp_path / "pairs.jsonl"
    write_pairs(pairs)
    result = runner.invoke(cli, ["filter", str(pairs), "--out", str(tmp_path / "kept.txt")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: {tmp_path / 'kept.txt'}: no record format has the suffix '.txt' (known: .jsonl, .parquet, .tmx, .xlf, .xliff)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pairs.jsonl"]


def test_filter_names_a_missing_input_not_its_output(tmp_path, runner):
    for missing, what in ((tmp_path / "nosuch.jsonl", "no such file"), (tmp_path, "a folder, not a file")):
        result = runner.invoke(cli, ["filter", str(missing), "--out", str(tmp_path / "k.jsonl")])
        assert result.exit_code == 2 and result.output.strip() == f"error: {missing}: {what}"
        assert not (tmp_path / "k.jsonl").exists() and not (tmp_path / "k.removed.jsonl").exists()


def test_filter_reads_parquet(tmp_path, runner):
    pairs = tmp_path / "pairs.jsonl"
    write_pairs(pairs)
    assert runner.invoke(cli, ["filter", str(pairs), "--out", str(tmp_path / "kept.parquet")]).exit_code == 0
    result = runner.invoke(cli, ["filter", str(tmp_path / "kept.parquet"), "--out", str(tmp_path / "again.jsonl"),
                                 "--min-score", "0.8"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["target"] for line in (tmp_path / "again.jsonl").read_text().splitlines()] == ENGLISH


def test_a_toy_filter_registered_with_one_line(tmp_path, monkeypatch):
    import click
    from click.testing import CliRunner

    from parallel.cli.data import filter_options
    from parallel.filters import registry as filters
    from parallel.runs.filter import filter_pairs, removed_path

    monkeypatch.setitem(filters.FILTERS, "short", "toyfilter:ShortFilter")   # the one registry line
    pairs = tmp_path / "pairs.jsonl"
    write_pairs(pairs)
    result = filter_pairs(pairs, tmp_path / "kept.jsonl", filters.FilterOptions(min_words=6, min_score=0.5))
    assert result.to_json()["removed"]["short"] == 1 and result.kept == 1      # "وأضافت أن الدخول مجاني للطلاب": 5
    (removed,) = [json.loads(line) for line in removed_path(tmp_path / "kept.jsonl").read_text().splitlines()]
    assert removed["reason"] == "short" and removed["source"] == ARABIC[1]
    assert "short 1" in result.format()

    @filter_options
    def command(**values):
        click.echo(json.dumps(filters.options_from_cli(values).to_json()))

    shown = CliRunner().invoke(click.command()(command), ["--min-words", "4", "--drop-flags", "numbers"])
    assert json.loads(shown.output) == {"lang_id": False, "drop_flags": ["numbers"], "min_score": None,
                                        "min_document_score": None,
                                        "exclude": [], "remove_duplicates": False, "min_words": 4}


def test_a_toy_segmenter_registered_with_one_line(tmp_path, runner, monkeypatch):
    from parallel.segment import registry as segmenters

    monkeypatch.setitem(segmenters.SEGMENTERS, "comma", "toysegmenter:comma_segmenter")   # the one registry line
    assert segmenters.make_segmenter("comma", "ar")("أ، ب. ج") == ["أ،", "ب.", "ج"]
    text, docids = tmp_path / "t.ara", tmp_path / "t.docids"
    text.write_text("قال الوزير، في بيان، إن الخطة جاهزة.\nوأضاف أن التنفيذ يبدأ غدا.\n", encoding="utf-8")
    docids.write_text("d1\nd1\n", encoding="utf-8")
    ours, toy = (runner.invoke(cli, ["eval", "segment", "--text", str(text), "--docids", str(docids), "--json",
                                     "--segmenter", name]) for name in ("parallel", "comma"))
    assert ours.exit_code == 0 and toy.exit_code == 0, toy.output
    ours, toy = json.loads(ours.stdout), json.loads(toy.stdout)
    assert toy["settings"]["segmenter"] == "comma" and toy["system_boundaries"] > ours["system_boundaries"]
    assert toy["precision"] < ours["precision"] == 1.0
