"""The Arabic (and English) text rules: each table defined once, in parallel.text_rules, and what it says."""
import ast
import re

from conftest import REPO
from parallel.text_rules import (
    ARTICLE_PROCLITICS,
    INVISIBLE_RE,
    PROCLITIC_PATTERN,
    PROCLITICS,
    matching_form,
    normalise_digits,
    proclitic_stems,
    strip_marks,
    strip_proclitic,
    unify_letters,
)

SOURCE = REPO / "src" / "parallel"
HOME = SOURCE / "text_rules.py"
# The code points that open each table: the letters, the diacritics, the digits, invisible marks.
RANGE_MARKERS = ["\\u0621", "\\u064a", "\\u064b", "\\u0652", "\\u0660", "\\u06f0", "\\u200b", "\\u202a", "\\ufeff",
                 "\\u0670", "\\u0640", "\\u0600", "\\u06ff", "٠-٩", "أإآ", "BOM_UTF"]


def test_each_range_is_written_in_one_module():
    for path in SOURCE.rglob("*.py"):
        if path != HOME:
            text = path.read_text(encoding="utf-8")
            assert not [m for m in RANGE_MARKERS if m in text], f"{path.relative_to(SOURCE)} defines a text rule"
    home = HOME.read_text(encoding="utf-8")
    assert all(m in home for m in ["\\u0621", "\\u064b", "\\u0660", "\\u200b", "\\ufeff", "BOM_UTF"])


def _strings(path) -> list[str]:
    return [node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_the_proclitic_list_is_defined_once():
    """No module but text_rules spells a proclitic ("وال", "بال", "لل" …) as a string of its own, nor a
    regular expression of them."""
    combined = {p for p in PROCLITICS if len(p) >= 2}
    for path in SOURCE.rglob("*.py"):
        if path != HOME:
            spelled = [s for s in _strings(path) if s in combined or re.search(r"\[[وف]+\]\??\(?", s)]
            assert not spelled, f"{path.relative_to(SOURCE)}: {spelled}"


def test_proclitics_are_every_combination_longest_first():
    assert len(PROCLITICS) == len(set(PROCLITICS)) == 23   # (none, و, ف) × (none, ب, ل, ك) × (none, ال), less none
    assert [len(p) for p in PROCLITICS] == sorted((len(p) for p in PROCLITICS), reverse=True)
    assert {"و", "ف", "ب", "ل", "ك", "ال", "لل", "وبال", "فلل", "وكال", "فب"} <= set(PROCLITICS)
    assert "لال" not in PROCLITICS and "بل" not in PROCLITICS   # ل before the article is لل; one preposition
    assert set(ARTICLE_PROCLITICS) == {p for p in PROCLITICS if p.endswith(("ال", "لل"))}
    assert re.fullmatch(PROCLITIC_PATTERN + "?" + "كتاب", "وبالكتاب") and re.fullmatch(PROCLITIC_PATTERN, "ولل")


def test_stripping_proclitics():
    assert strip_proclitic("والكتاب", min_stem=2) == "كتاب"
    assert strip_proclitic("وبالحكومة", min_stem=2) == "حكومة"
    assert strip_proclitic("بيت", min_stem=2, proclitics=ARTICLE_PROCLITICS) == "بيت"  # ب is its first letter
    assert strip_proclitic("الى", min_stem=2) == "الى"       # too little would remain
    assert proclitic_stems("وللطلاب", min_stem=3) == ["طلاب", "لطلاب", "للطلاب"]


def test_marks_variants_and_the_matching_form():
    assert strip_marks("مُحَمَّـد") == "محمد"
    assert strip_marks("هٰذا") == "هذا"
    assert unify_letters("إلى أين آخر ٱلكتاب") == "الي اين اخر الكتاب"
    assert matching_form("الوزارة") == matching_form("الوِزاره") == "الوزاره"


def test_digits_and_invisible_characters():
    assert normalise_digits("٢٣ نوفمبر ٢٠٢٣ و٣٫٥ و۱۲ و٧٨٣،٥٦٢") == "23 نوفمبر 2023 و3.5 و12 و783,562"
    assert INVISIBLE_RE.sub("", "\ufeff\u200fكتب\u200c \u2067x\u2069\u00ad") == "كتب x"
