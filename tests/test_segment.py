import json
import re

import pytest

from conftest import SEEDS, article
from parallel.cli import cli
from parallel.documents import read_article
from parallel.segment import segment_document, split_sentences, split_text


def cut(text: str) -> list[str]:
    return split_sentences(text)


# Every example below was written for these tests (none is taken from FLORES or the seeds).
ARABIC_RULES = [
    # terminal marks, and runs such as ؟! ; never the Arabic comma or semicolon
    ("ذهب إلى السوق. ثم عاد إلى البيت! هل رأيته؟ نعم", ["ذهب إلى السوق.", "ثم عاد إلى البيت!", "هل رأيته؟", "نعم"]),
    ("أهذا معقول؟! لا أصدق", ["أهذا معقول؟!", "لا أصدق"]),
    ("قال الوزير، في مؤتمر صحفي؛ إن الحوار مستمر. وانتهى", ["قال الوزير، في مؤتمر صحفي؛ إن الحوار مستمر.", "وانتهى"]),
    # closing quotes and brackets after the terminal belong to the sentence they close
    ('وقال: "هذا جيد." ثم غادر', ['وقال: "هذا جيد."', "ثم غادر"]),
    ("قال إن الوضع «صعب جدا.» وأضاف", ["قال إن الوضع «صعب جدا.»", "وأضاف"]),
    ("وصرخ: “اخرجوا!” فخرجوا", ["وصرخ: “اخرجوا!”", "فخرجوا"]),
    ("(انتهى الاجتماع دون اتفاق.) وسيعقد غدا", ["(انتهى الاجتماع دون اتفاق.)", "وسيعقد غدا"]),
    # numbers: decimals and thousands in both digit sets, section numbers, dates
    ("بلغ النمو 3.5 في المئة و٣٫٥ في الربع الثاني. انتهى", ["بلغ النمو 3.5 في المئة و٣٫٥ في الربع الثاني.", "انتهى"]),
    ("شارك 1,000 جندي و١٬٢٠٠ مدني. وعادوا", ["شارك 1,000 جندي و١٬٢٠٠ مدني.", "وعادوا"]),
    ("تنص المادة 4.2.1 على ذلك منذ 23.11.2023 تحديدا. وتابع", ["تنص المادة 4.2.1 على ذلك منذ 23.11.2023 تحديدا.", "وتابع"]),
    ("قتل في الهجوم 25. وأصيب آخرون", ["قتل في الهجوم 25.", "وأصيب آخرون"]),
    # Arabic abbreviations and initials
    ("التقى د. سمير والمهندس م. خالد بالأستاذ أ. ليلى. ثم غادروا", ["التقى د. سمير والمهندس م. خالد بالأستاذ أ. ليلى.", "ثم غادروا"]),
    ("بني المعبد نحو عام 1500 ق.م. على الضفة الغربية", ["بني المعبد نحو عام 1500 ق.م. على الضفة الغربية"]),
    ("أرسلوا الرسائل إلى ص. ب. 120 في المدينة. وانتظروا", ["أرسلوا الرسائل إلى ص. ب. 120 في المدينة.", "وانتظروا"]),
    ("كتب الرواية ع. م. الشريف في شبابه. ونشرت لاحقا", ["كتب الرواية ع. م. الشريف في شبابه.", "ونشرت لاحقا"]),
    ("وقال المفتش جي. إم. رانا إن التحقيق مستمر. وأضاف", ["وقال المفتش جي. إم. رانا إن التحقيق مستمر.", "وأضاف"]),
    ("أطلقت الوكالة المسبار فوياجر إكس. وبعد شهر وصل", ["أطلقت الوكالة المسبار فوياجر إكس.", "وبعد شهر وصل"]),
    # Latin abbreviations and initials inside Arabic text
    ("زار وفد من U.S. Army القاعدة أمس. ثم عاد", ["زار وفد من U.S. Army القاعدة أمس.", "ثم عاد"]),
    ("حصلت على Ph.D. من جامعة القاهرة وقرأت روايات J.K. Rowling كلها. وتعمل الآن", ["حصلت على Ph.D. من جامعة القاهرة وقرأت روايات J.K. Rowling كلها.", "وتعمل الآن"]),
    ("وقعت الصفقة مع شركة Acme Inc. التي تأسست عام 1990", ["وقعت الصفقة مع شركة Acme Inc. التي تأسست عام 1990"]),
    # URLs and e-mail addresses: their dots are not followed by white space
    ("التفاصيل على www.example.com/news/2024.html والرد عبر info@example.org. وشكرا", ["التفاصيل على www.example.com/news/2024.html والرد عبر info@example.org.", "وشكرا"]),
    # ellipses used inside the sentence; two-dot web headlines
    ("انتظرنا طويلا… ثم جاء الخبر؟! وفرحنا", ["انتظرنا طويلا… ثم جاء الخبر؟!", "وفرحنا"]),
    ("اشترينا الخبز، والجبن، ... وعدنا مساء", ["اشترينا الخبز، والجبن، ... وعدنا مساء"]),
    ("قال: \"سنعود...\" وغادر", ["قال: \"سنعود...\"", "وغادر"]),
    ("من التدخل العسكري إلى التدريب.. مسار القوات", ["من التدخل العسكري إلى التدريب.. مسار القوات"]),
    # a numbered list item keeps its number
    ("1. تعزيز التعاون الأمني. 2. تبادل المعلومات", ["1. تعزيز التعاون الأمني.", "2. تبادل المعلومات"]),
    # invisible marks stay in the text and do not hide a boundary
    ("انتهت الجلسة.\u200f ثم بدأت أخرى", ["انتهت الجلسة.\u200f", "ثم بدأت أخرى"]),
]

ENGLISH_RULES = [
    ("Mr. Smith met Dr. Jones at St. Mary's. They talked.", ["Mr. Smith met Dr. Jones at St. Mary's.", "They talked."]),
    ("The U.S. Army left. A new unit arrived.", ["The U.S. Army left.", "A new unit arrived."]),
    ("He lives at No. 5 Station Road. It is small.", ["He lives at No. 5 Station Road.", "It is small."]),
    ("It opens at 9 a.m. and closes at 5 p.m. The queue starts early.", ["It opens at 9 a.m. and closes at 5 p.m.", "The queue starts early."]),
    ("The author J. K. Rowling and John F. Kennedy Jr. are both famous.", ["The author J. K. Rowling and John F. Kennedy Jr. are both famous."]),
    ("Growth was 3.5 percent, or $1,000.50 each. Prices rose.", ["Growth was 3.5 percent, or $1,000.50 each.", "Prices rose."]),
    ('She said, "We will win." Then she left.', ['She said, "We will win."', "Then she left."]),
    ('"Stop!" he shouted. Nobody stopped.', ['"Stop!" he shouted.', "Nobody stopped."]),
    ("Search engines such as Yahoo! and others failed. Few noticed.", ["Search engines such as Yahoo! and others failed.", "Few noticed."]),
    ("They sold fruit, bread, etc. and left early. The market closed.", ["They sold fruit, bread, etc. and left early.", "The market closed."]),
    ("The deal went to Acme Inc. The board agreed.", ["The deal went to Acme Inc.", "The board agreed."]),
    ("Many non-U.S. readers wrote in. Some were angry.", ["Many non-U.S. readers wrote in.", "Some were angry."]),
    ("Use a solvent, e.g. Ethanol, then rinse. Dry it.", ["Use a solvent, e.g. Ethanol, then rinse.", "Dry it."]),
    ("She won the Super-G. Her rival fell.", ["She won the Super-G.", "Her rival fell."]),
    ("The fort was built in 1100 A.D. It fell later.", ["The fort was built in 1100 A.D.", "It fell later."]),
    ("He waited... and waited. Then... Nothing.", ["He waited... and waited.", "Then...", "Nothing."]),
    ("Why? Because it rained! (It always rains.) We stayed.", ["Why?", "Because it rained!", "(It always rains.)", "We stayed."]),
]


@pytest.mark.parametrize("text, expected", ARABIC_RULES + ENGLISH_RULES)
def test_split_sentences(text, expected):
    assert cut(text) == expected


def test_text_is_kept_exactly():
    for text, _ in ARABIC_RULES + ENGLISH_RULES:
        assert " ".join(cut(text)) == " ".join(text.split())


def test_a_line_break_always_ends_a_segment():
    text = "عاجل: انفجار في الميناء\nبيروت - رويترز\nصورة لموقع الانفجار\nتوفي ثلاثة. وأصيب آخرون"
    assert split_text(text) == ["عاجل: انفجار في الميناء", "بيروت - رويترز", "صورة لموقع الانفجار",
                                "توفي ثلاثة.", "وأصيب آخرون"]


def test_seed_headlines_and_lines_without_final_punctuation_stay_whole():
    """Headlines, sub-headings and captions of the seed articles have no final punctuation:
    each must come out as one segment, the text unchanged."""
    for path in sorted(SEEDS.glob("*.txt")):
        if path.name.endswith(".en.txt"):
            continue
        document = read_article(path)
        segments = segment_document(document)
        unpunctuated = [p for p in document.paragraphs if not re.search(r"[.!?؟…]", p)]
        assert unpunctuated, path  # every seed has at least its headline
        for paragraph in unpunctuated:
            assert [s.text for s in segments if s.text == paragraph] == [paragraph]
        assert segments[0].text == document.title
        for para, paragraph in enumerate(document.paragraphs, start=1):
            texts = [s.text for s in segments if s.para == para]
            assert " ".join(texts) == paragraph


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
