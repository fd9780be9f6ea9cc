"""Saved web pages as articles: the article kept, the page furniture left out, the page's own
encoding and metadata.  The pages are written for the tests (tests/newspages.py)."""
from __future__ import annotations

import json

import pytest

import newspages
from conftest import SEEDS
from parallel.cli.main import cli
from parallel.errors import InputError
from parallel.formats.tmx import read_tmx
from parallel.formats.xliff import validate_xliff
from parallel.read.articles import article_paths, document_id, read_article, read_reference, reference_path
from parallel.read.pages import declared_encoding, decode_page

TEXT = newspages.PageText()


def write_page(folder, name, html, encoding="utf-8"):
    path = folder / name
    path.write_bytes(html.encode(encoding))
    return path


PAGES = {  # file name: (markup, encoding the file is written in)
    "semantic.html": (newspages.semantic_article(), "utf-8"),
    "old-layout.htm": (newspages.div_layout(), "cp1256"),
    "entities.html": (newspages.div_layout(charset="utf-8", numeric_entities=True), "utf-8"),
    "latin-declared.HTML": (newspages.semantic_article(charset="UTF-8"), "utf-8"),
}


@pytest.mark.parametrize("name", PAGES)
def test_a_page_gives_its_headline_and_every_paragraph_and_nothing_else(tmp_path, name):
    markup, encoding = PAGES[name]
    document = read_article(write_page(tmp_path, name, markup, encoding))
    assert document.paragraphs == [TEXT.headline, *TEXT.body]
    text = "\n".join(document.paragraphs)
    for chrome in TEXT.chrome:
        assert chrome not in text, chrome
    assert not set(newspages.MENU) & set(document.paragraphs)   # menu words also occur inside sentences
    page = document.page
    assert page.url == newspages.URL and page.date == newspages.DATE and page.title == TEXT.headline
    assert page.encoding == {"utf-8": "utf-8", "cp1256": "cp1256"}[encoding]
    assert 0 < page.article_chars < page.page_chars and page.dropped_chars == page.page_chars - page.article_chars


def test_page_metadata_author_and_site_come_from_the_page(tmp_path):
    page = read_article(write_page(tmp_path, "a.html", newspages.semantic_article())).page
    assert (page.author, page.site) == (newspages.AUTHOR, newspages.SITE)
    assert page.notes()[0] == f"url: {newspages.URL}" and f"author: {newspages.AUTHOR}" in page.notes()


def test_our_boilerplate_rules_still_run_on_the_extracted_text(tmp_path):
    """A credit line inside the article body is extracted with it; our rules take it out."""
    credit = "المصدر: وكالة الأنباء"
    text = newspages.PageText(body=(*TEXT.body, credit))
    document = read_article(write_page(tmp_path, "a.html", newspages.semantic_article(text)))
    assert credit not in document.paragraphs and document.paragraphs[-1] == TEXT.body[-1]
    assert [(r.kind, r.text) for r in document.boilerplate] == [("credit", credit)]


def test_the_page_declares_its_encoding():
    assert declared_encoding(b'<html><head><meta charset="windows-1256">') == "windows-1256"
    assert declared_encoding(b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-6">') == \
        "iso-8859-6"
    assert declared_encoding(b'<?xml version="1.0" encoding="utf-8"?><html>') == "utf-8"
    assert declared_encoding(b"<html><head><title>x</title></head>") is None
    arabic = "<html><body><p>مرحبا</p></body></html>"
    assert decode_page(arabic.encode("utf-16"), "p.html") == (arabic, "utf-16")     # the byte-order mark
    assert decode_page(b'<meta charset="iso-8859-1"><p>caf\xe9 \x93x\x94', "p.html")[0].endswith("café “x”")


@pytest.mark.parametrize("markup, encoding, message", [
    (newspages.semantic_article(), "cp1256", "the page declares utf-8, but the byte at offset"),
    (newspages.semantic_article(charset="klingon-8"), "utf-8", "the page declares an unknown encoding (klingon-8)"),
    (newspages.div_layout().replace('<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">', ""),
     "cp1256", "not UTF-8 (invalid byte at offset"),
])
def test_a_page_in_another_encoding_than_it_says_is_named(tmp_path, markup, encoding, message):
    path = write_page(tmp_path, "bad.html", markup, encoding)
    with pytest.raises(InputError) as error:
        read_article(path)
    assert str(error.value).startswith(f"{path}: {message}")


def test_a_page_without_article_text_is_refused(tmp_path, runner):
    path = write_page(tmp_path, "empty.html", "<html><head><title>x</title><script>var a = 'نص';</script></head>"
                                              "<body><div id='app'></div><script>render()</script></body></html>")
    result = runner.invoke(cli, ["segment", str(path)])
    assert result.exit_code == 2 and result.output == f"error: {path}: no article text found in the page\n"


def test_pages_are_articles_and_references_wherever_text_files_are(tmp_path):
    for name, (markup, encoding) in PAGES.items():
        write_page(tmp_path, name, markup, encoding)
    write_page(tmp_path, "semantic.en.html", "<html><body><article><h1>Minister arrives in Cairo</h1>"
                                            "<p>The minister arrived in Cairo this morning.</p></article></body></html>")
    (tmp_path / "notes.md").write_text("not an article\n", encoding="utf-8")
    assert [p.name for p in article_paths(tmp_path)] == sorted(PAGES)
    assert [document_id(p) for p in article_paths(tmp_path)] == ["entities", "latin-declared", "old-layout",
                                                                  "semantic"]
    reference = reference_path(tmp_path / "semantic.html")
    assert reference.name == "semantic.en.html"
    assert read_reference(reference).paragraphs == ["Minister arrives in Cairo",
                                                    "The minister arrived in Cairo this morning."]


def test_segment_a_saved_page(tmp_path, runner):
    path = write_page(tmp_path, "news.html", newspages.semantic_article())
    result = runner.invoke(cli, ["segment", str(path), "--jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["id"] == "news:1:1" and records[0]["text"] == TEXT.headline
    assert {r["para"] for r in records} == set(range(1, len(TEXT.body) + 2))
    assert not any(chrome in r["text"] for r in records for chrome in TEXT.chrome)


def test_corpus_from_a_folder_of_pages_and_text_files(tmp_path, runner, installed_models):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    write_page(seeds, "cairo-visit.html", newspages.semantic_article())
    write_page(seeds, "cairo-visit-old.htm", newspages.div_layout(), "cp1256")
    text_article = next(p for p in sorted(SEEDS.glob("*.txt")) if not p.name.endswith(".en.txt"))
    (seeds / text_article.name).write_bytes(text_article.read_bytes())
    out = tmp_path / "out"
    result = runner.invoke(cli, ["corpus", "--seeds", str(seeds), "--out", str(out), "--models-dir",
                                 str(installed_models), "--no-cache"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    pages = {d["id"]: d["page"] for d in report["documents"]}
    assert pages[document_id(text_article)] is None
    assert pages["cairo-visit"]["url"] == newspages.URL and pages["cairo-visit"]["author"] == newspages.AUTHOR
    assert pages["cairo-visit-old"]["encoding"] == "cp1256"
    assert report["totals"]["web_pages"] == 2
    assert report["totals"]["page_chars_dropped"] == sum(p["dropped_chars"] for p in pages.values() if p) > 500
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "## Web pages" in markdown and newspages.URL in markdown

    units = list(read_tmx(out / "ar-en.tmx"))
    sources = [u.variants["ar"] for u in units if u.props["x-document"] == "cairo-visit"]
    assert sources[0] == TEXT.headline and not any(c in s for s in sources for c in TEXT.chrome)
    assert {u.props.get("x-source-url") for u in units if u.props["x-document"].startswith("cairo")} == \
        {newspages.URL}
    assert not any("x-source-url" in u.props for u in units if not u.props["x-document"].startswith("cairo"))
    records = [json.loads(line) for line in (out / "ar-en.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r.get("url") for r in records if r["doc"] == "cairo-visit"} == {newspages.URL}
    assert validate_xliff(out / "ar-en.xlf") == []
    xliff = (out / "ar-en.xlf").read_text(encoding="utf-8")
    assert f"<note>url: {newspages.URL}</note>" in xliff and f"<note>author: {newspages.AUTHOR}</note>" in xliff
