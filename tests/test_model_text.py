"""OPUS-MT's input rules, the output join, entity unescaping and long-input splitting, rule by rule."""
import pytest

from parallel.translate.opus_text import (
    control_characters_to_spaces,
    opus_mt_input,
    opus_mt_output,
    replace_unicode_punctuation,
    split_long,
    squeeze_spaces,
    unescape_entities,
)


@pytest.mark.parametrize("text, expected", [
    ("“نعم”", '"نعم"'),                 # curly double quotes
    ("«نعم»", "«نعم»"),                  # guillemets: not in the script's table, kept
    ("it’s", "it's"),                    # right single quote
    ("انتظر…", "انتظر..."),              # ellipsis
    ("أ，ب、ج；د：ه", "أ,ب,ج;د:ه"),        # full-width comma, ideographic comma, semicolon, colon
    ("نعم！لا？", "نعم!لا?"),             # full-width exclamation and question marks
    ("（مثال）【رابط】〈أ〉《ب》", "(مثال)[رابط]<أ>\"ب\""),
    ("٥٠％ ～ ━", "٥٠% ~ -"),
    ("１٢３ ０９", "1٢3 09"),              # full-width digits; Arabic-Indic digits are not this rule's
    ("انتهى。 ثم", "انتهى. ثم"),          # ideographic full stop and the spaces after it
    ("انتهى． ثم", "انتهى. ثم"),          # full-width full stop
    ("قال، ثم؛ لماذا؟", "قال، ثم؛ لماذا؟"),  # Arabic punctuation: the model was trained with it
])
def test_unicode_punctuation_as_opus_mt_replaces_it(text, expected):
    assert replace_unicode_punctuation(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("أ\x07ب", "أ ب"),           # a control character
    ("أ\tب", "أ ب"),             # a tab is a control character too
    ("أ\u200fب", "أ ب"),         # a bidi mark (format)
    ("أ\u200bب", "أ ب"),         # zero-width space (format)
    ("أ\ue001ب", "أ ب"),         # private use
    ("أ\nب", "أ\nب"),            # the line break stays
])
def test_control_and_format_characters_become_spaces(text, expected):
    assert control_characters_to_spaces(text) == expected


def test_spaces_are_squeezed_and_trimmed():
    assert squeeze_spaces("  أ   ب  ") == "أ ب"


def test_opus_mt_input_applies_every_rule_in_order():
    assert opus_mt_input(" “قال”\u200b  ذلك…\x07 ") == '"قال" ذلك...'


def test_the_translator_reads_the_visible_text_then_opus_mt_rules(model_dir):
    """Our reading rule deletes invisible characters (a bidi mark inside a word must not split it)
    before OPUS-MT's rules, which would make them spaces; digits are normalised as before."""
    from parallel.translate.translator import Translator

    translator = Translator(model_dir)
    assert translator.model_input("الـ\u200fكلمة “٣” ％") == 'الـكلمة "3" %'


@pytest.mark.parametrize("pieces, expected", [
    (["▁The", "▁cat", "s", "▁sat", "."], "The cats sat."),
    (["▁وث", "▁X"], "وث X"),     # a source-side piece: its ▁ is a space like any other
    ([], ""),
])
def test_output_is_joined_as_opus_mt_postprocess_does(pieces, expected):
    assert opus_mt_output(pieces) == expected


def test_entities_in_a_translation_are_unescaped_and_counted():
    text, count = unescape_entities("قال نعم", "He said &quot;yes&quot; &amp; it&apos;s &#39;fine&#x27;")
    assert text == "He said \"yes\" & it's 'fine'" and count == 6


def test_entities_are_kept_when_the_source_has_them_or_html_does_not_know_them():
    assert unescape_entities("رمز &amp; في النص", "the &amp; sign") == ("the &amp; sign", 0)
    assert unescape_entities("قال", "a &notanentity; b") == ("a &notanentity; b", 0)


def words(text: str) -> int:
    return len(text.split())


def test_long_text_is_split_at_clause_boundaries_nearest_the_middle():
    text = "واحد اثنان ثلاثة، أربعة خمسة ستة؛ سبعة ثمانية تسعة: عشرة أحد عشر اثنا عشر"
    parts = split_long(text, words, limit=6)
    assert parts == ["واحد اثنان ثلاثة، أربعة خمسة ستة؛", "سبعة ثمانية تسعة:", "عشرة أحد عشر اثنا عشر"]
    assert " ".join(parts) == text
    assert all(words(part) <= 6 for part in parts)


def test_without_clause_marks_a_long_text_is_split_at_spaces_then_anywhere():
    text = " ".join(f"w{n}" for n in range(20))
    parts = split_long(text, words, limit=6)
    assert " ".join(parts) == text and all(words(part) <= 6 for part in parts)
    assert split_long("a" * 40, len, limit=10) == ["a" * 10] * 4


def test_a_short_text_is_one_part():
    assert split_long("قال ذلك.", words, limit=6) == ["قال ذلك."]
