from pathlib import Path

import pytest

from conftest import SEEDS, article
from parallel.errors import InputError
from parallel.read.articles import article_paths, read_article
from parallel.read.boilerplate import boilerplate_kind, clean_lines
from parallel.read.textfiles import read_text
from parallel.text_rules import normalise_line, visible_text


def seed(prefix: str) -> Path:
    return article(SEEDS, prefix)


def test_boilerplate_is_removed_and_recorded():
    doc = read_article(seed("2023-11-23"))
    kinds = {r.kind for r in doc.boilerplate}
    assert {"photo_credit", "control", "dateline", "credit"} <= kinds
    text = "\n".join(doc.paragraphs)
    assert "صورة من" not in text and "إعلان" not in doc.paragraphs
    assert doc.title.startswith("مسؤول: هجمات جديدة")
    # article text is kept: the sub-headings between photo credits stay
    assert "مستنقع الموت" in doc.paragraphs


def test_duplicate_headline_and_page_controls():
    doc = read_article(seed("us-general"))
    removed = {(r.kind, visible_text(r.text)) for r in doc.boilerplate}
    assert ("duplicate", doc.title) in removed
    assert ("control", "اترك تعليقك") in removed and ("control", "Top") in removed
    # recognised once the private-use bullet glyph is out of sight; recorded as published
    assert ("credit", "ترجمة/ حامد أحمد") in removed
    credit = next(r.text for r in doc.boilerplate if r.kind == "credit" and "حامد" in r.text)
    assert credit != "ترجمة/ حامد أحمد" and visible_text(credit) == "ترجمة/ حامد أحمد"
    assert doc.paragraphs.count(doc.title) == 1


def test_print_button_row_and_dateline():
    doc = read_article(seed("2024-09-28"))
    kinds = {r.text: r.kind for r in doc.boilerplate}
    assert kinds["السبت 28/سبتمبر/2024 - 01:01 ص"] == "dateline"
    assert kinds["طباعة التحالف بقيادة الولايات حسام الحداد"] == "control"
    assert kinds["شارك"] == "control"


def test_long_line_starting_with_a_control_word_is_kept():
    paragraphs, removed = clean_lines(["شارك آلاف المحتجين في مسيرة كبيرة وسط العاصمة يوم الجمعة للمطالبة بالإصلاح."])
    assert paragraphs and not removed


def test_trailing_signature():
    doc = read_article(seed("2015-03"))
    assert doc.boilerplate[-1].kind == "signature" and doc.boilerplate[-1].text == "التقرير"


def test_normalise_line_changes_white_space_only():
    line = "\ufeff  كلمة\u200f\u00a0 أخرى\u200b "
    assert normalise_line(line) == "\ufeff كلمة\u200f أخرى\u200b"
    assert normalise_line("e\u0301  x") == "e\u0301 x"          # no NFC: the text stays as published
    assert visible_text(line) == "كلمة أخرى"
    assert visible_text("e\u0301\ue800 x") == "\u00e9 x"        # NFC, private-use glyph gone


def test_invisible_marks_stay_in_the_article_and_out_of_the_rules(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("عنوان\u200f\n\u200fشارك\nنص المقال\u200f. ثم\u200c جملة أخرى.\n", encoding="utf-8")
    doc = read_article(path)
    assert doc.paragraphs == ["عنوان\u200f", "نص المقال\u200f. ثم\u200c جملة أخرى."]
    assert [r.kind for r in doc.boilerplate] == ["control"]


def test_references_are_not_articles(tmp_path):
    (tmp_path / "a.txt").write_text("نص.", encoding="utf-8")
    (tmp_path / "a.en.txt").write_text("Text.", encoding="utf-8")
    assert [p.name for p in article_paths(tmp_path)] == ["a.txt"]


@pytest.mark.parametrize(
    "content, message",
    [(None, "no such file"), (b"\xff\xfe\x00bad", "not UTF-8"), (b"  \n\n", "empty file")],
)
def test_bad_files_raise_one_clear_error(tmp_path, content, message):
    path = tmp_path / "article.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as error:
        read_text(path)
    assert str(error.value).startswith(str(path)) and message in str(error.value)
    assert "\n" not in str(error.value)


def test_every_seed_has_a_reference_paragraph_for_paragraph():
    from parallel.read.articles import read_reference, reference_path

    articles = article_paths(SEEDS)
    assert len(articles) == 5
    for path in articles:
        reference = read_reference(reference_path(path))
        raw_lines = reference_path(path).read_text(encoding="utf-8").splitlines()
        assert all(line.strip() for line in raw_lines), f"{path.name}: empty reference paragraph"
        assert len(reference.paragraphs) == len(read_article(path).paragraphs), path.name


@pytest.mark.parametrize("line, kind", [
    ("كتب: سارة علي", "credit"), ("كتب سارة علي", "credit"), ("كتبت/ منى خالد", "credit"),
    ("ترجمة حامد أحمد", "credit"), ("تقرير: خالد منصور", "credit"), ("By Khaled Mansour", "credit"),
    ("By Sara Ali", "credit"), ("بقلم سارة علي", "credit"),
    # the same words opening short lines of article text
    ("كتب الوزير في رسالته إلى البرلمان", None), ("كتبت الصحيفة أن المفاوضات تعثرت", None),
    ("تقرير الأمم المتحدة يحذر من الجفاف", None), ("ترجمة الكتاب إلى العربية تأخرت عامين", None),
    ("By Tuesday, prices had fallen.", None), ("By then the talks had failed.", None),
    ("كتب رئيس الوزراء رسالة", None), ("كتبت وزيرة الخارجية", None),
    ("كتبت فاطمة حسن", "credit"), ("كتب مراسلنا في القاهرة", "credit"),
])
def test_a_credit_label_that_is_also_a_word_needs_a_colon_or_a_name(line, kind):
    assert boilerplate_kind(line, ["العنوان"]) == kind


@pytest.mark.parametrize("line", [
    "By Sara Ali, Reuters", "By Sara Ali and John Doe", "By Abdel Fattah al-Sisi", "By Sara Ali in Cairo",
    "كتب - محمد علي", "كتبت /منى خالد",
])
def test_bylines_in_their_usual_shapes_are_credits_below_the_headline(line):
    assert boilerplate_kind(line, ["العنوان"]) == "credit"


@pytest.mark.parametrize("line", ["كتب محمد علي", "By Sara Ali"])
def test_a_name_after_a_word_label_is_no_credit_in_the_headline(line):
    assert boilerplate_kind(line, []) is None         # "كتب محمد صلاح التاريخ" can be a headline


@pytest.mark.parametrize("line", ["By Tuesday", "By The Numbers", "كتب محمد رسالة.",
                                  "Related-party transactions rose by a fifth last year"])
def test_phrases_that_open_like_a_byline_or_a_link_are_text(line):
    assert boilerplate_kind(line, ["العنوان"]) is None
