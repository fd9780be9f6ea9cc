import pytest

from parallel.flags import (
    has_repetition,
    has_untranslated,
    length_ratio_outlier,
    normalise_digits,
    numbers_differ,
    pair_flags,
    translation_flags,
)


def test_normalise_digits():
    assert normalise_digits("٢٣ نوفمبر ٢٠٢٣ و٣٫٥ و۱۲") == "23 نوفمبر 2023 و3.5 و12"


@pytest.mark.parametrize("source, target, differ", [
    ("أجرت الولايات المتحدة 5314 غارة حتى 15 مارس", "The US carried out 5,314 strikes by March 15", False),
    ("بقوة من 20 ألف مقاتل و3 آلاف جندي", "with 20,000 fighters and 3 thousand soldiers", False),
    ("بلغ النمو ٣٫٥ في المئة", "growth reached 3.5 percent", False),
    ("بلغ النمو ٣٫٥ في المئة", "growth reached 35 percent", True),
    ("في ٢٣ نوفمبر", "on November 24", True),
    ("قال الوزير", "the minister said 12", True),
])
def test_numbers(source, target, differ):
    assert numbers_differ(source, target) is differ


@pytest.mark.parametrize("text, looping", [
    ("the the the the minister", True),
    ("he said that he said that he said that", True),
    ("urururBBBBBBBBBBBBBBBB", True),
    ("The minister said that the talks would go on, and that the minister would attend.", False),
    ("In 1000000 years", False),
])
def test_repetition(text, looping):
    assert has_repetition(text) is looping


def test_untranslated_and_length_ratio():
    assert has_untranslated("The minister visited بغداد today")
    assert not has_untranslated("The minister visited Baghdad today")
    source = "وقال مسؤولان أمريكيان إن الولايات المتحدة كانت تنتظر طلبا رسميا"
    assert length_ratio_outlier(source, "Yes.")
    assert not length_ratio_outlier(source, "Two US officials said the United States was awaiting a formal request")
    assert not length_ratio_outlier("نعم", "Yes, indeed, certainly")  # too short to judge


def test_translation_flags_order_and_truncation():
    assert translation_flags("قال ٣ مسؤولين", "three officials said بغداد", truncated=True) == (
        "truncated", "untranslated", "numbers")
    assert translation_flags("قال ٣ مسؤولين", "3 officials said", truncated=False) == ()


def test_pair_flags_check_a_human_translation_but_never_truncation():
    source = "قال ٣ مسؤولين إن المحادثات ستستأنف في بغداد الأسبوع المقبل"
    assert pair_flags(source, "Three officials said talks would resume in Baghdad next week") == ("numbers",)
    assert pair_flags(source, "3 officials said talks would resume in بغداد next week") == ("untranslated",)
    assert pair_flags(source, "3 officials said.") == ("length_ratio",)
    assert pair_flags(source, "3 officials said talks would resume in Baghdad next week") == ()
