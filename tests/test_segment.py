import json

import pytest

from parallel.cli import cli
from parallel.segment import split_sentences

from conftest import SEEDS, article


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ذهب إلى السوق. ثم عاد إلى البيت! هل رأيته؟ نعم", ["ذهب إلى السوق.", "ثم عاد إلى البيت!", "هل رأيته؟", "نعم"]),
        ("بلغ النمو 3.5 في المئة، وهو رقم؛ كبير. انتهى", ["بلغ النمو 3.5 في المئة، وهو رقم؛ كبير.", "انتهى"]),
        ('وقال: "هذا جيد." ثم غادر', ['وقال: "هذا جيد."', "ثم غادر"]),
        ("قال إن الوضع «صعب جدا.» وأضاف", ["قال إن الوضع «صعب جدا.»", "وأضاف"]),
        ("وصل د. أحمد إلى مطار U.S. Army في 23.11.2023 صباحا. ثم غادر", ["وصل د. أحمد إلى مطار U.S. Army في 23.11.2023 صباحا.", "ثم غادر"]),
        ("من التدخل العسكري إلى التدريب.. مسار القوات", ["من التدخل العسكري إلى التدريب.. مسار القوات"]),
        ("انتظرنا طويلا… ثم جاء الخبر؟! وفرحنا", ["انتظرنا طويلا…", "ثم جاء الخبر؟!", "وفرحنا"]),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_segment_cli_plain_and_jsonl(runner):
    path = article(SEEDS, "2014-12")
    plain = runner.invoke(cli, ["segment", str(path)])
    assert plain.exit_code == 0, plain.output
    blocks = plain.output.strip("\n").split("\n\n")
    jsonl = runner.invoke(cli, ["segment", "--jsonl", str(path)])
    records = [json.loads(line) for line in jsonl.output.splitlines()]
    assert set(records[0]) == {"id", "doc", "para", "sent", "text"}
    assert records[0]["id"] == f"{path.stem}:1:1" and records[0]["doc"] == path.stem
    assert len(blocks) == len({r["para"] for r in records})  # a blank line between paragraphs
    assert sum(len(b.splitlines()) for b in blocks) == len(records)
    assert all(r["id"] == f"{r['doc']}:{r['para']}:{r['sent']}" for r in records)


def test_segment_cli_bad_input(runner, tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9".encode("latin-1"))
    for args, message in (([str(bad)], "not UTF-8"), ([str(tmp_path / "missing.txt")], "no such file")):
        result = runner.invoke(cli, ["segment", *args])
        assert result.exit_code == 2
        assert result.output.count("\n") == 1 and result.output.startswith("error: ") and message in result.output
