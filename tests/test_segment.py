import json
import re

import pytest

from conftest import SEEDS, article
from parallel.cli.main import cli
from parallel.read.articles import read_article
from parallel.segment.sentences import segment_document, split_sentences, split_text


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


# The error classes seen on news sets (issue 22), each as a general rule; examples written here.
NEWS_RULES = [
    # a time of day goes on with its time zone or weekday; otherwise a.m./p.m. may end a sentence
    ("The polls close at 8 p.m. EST on Tuesday. Results follow.", ["The polls close at 8 p.m. EST on Tuesday.", "Results follow."]),
    ("The blast was heard at 4 a.m. Sunday near the port. Police came.", ["The blast was heard at 4 a.m. Sunday near the port.", "Police came."]),
    ("The talks began at 10 a.m. Officials left at noon.", ["The talks began at 10 a.m.", "Officials left at noon."]),
    # plural titles, Det., month abbreviations before a day, Fig. before a label with a digit
    ("Sens. Warren and Sanders met Det. Ruiz. The hearing ended.", ["Sens. Warren and Sanders met Det. Ruiz.", "The hearing ended."]),
    ("The pact was signed on Aug. 15 in Geneva. It took effect in Sept. 2001.", ["The pact was signed on Aug. 15 in Geneva.", "It took effect in Sept. 2001."]),
    ("The layout is in Fig. S2 of the report. It is clear.", ["The layout is in Fig. S2 of the report.", "It is clear."]),
    # a quoted name ending in a shortening, inside an Arabic sentence
    ('وقعت شركة "Delta Foods Inc." عقدا جديدا. وبدأ العمل', ['وقعت شركة "Delta Foods Inc." عقدا جديدا.', "وبدأ العمل"]),
    # a quotation and its attribution are one sentence; a new sentence after a quotation is not
    ('"We will not give up!" Martinez said. The crowd cheered.', ['"We will not give up!" Martinez said.', "The crowd cheered."]),
    ('"Is this fair?" asked the student. Nobody answered.', ['"Is this fair?" asked the student.', "Nobody answered."]),
    ('"It is over." The minister then spoke for an hour about the budget.', ['"It is over."', "The minister then spoke for an hour about the budget."]),
    ('"سنواصل العمل حتى النهاية." كما أضاف المتحدث. وانتهى المؤتمر', ['"سنواصل العمل حتى النهاية." كما أضاف المتحدث.', "وانتهى المؤتمر"]),
    ('"هل هذا عدل؟" تساءلت الطالبة. ولم يجبها أحد', ['"هل هذا عدل؟" تساءلت الطالبة.', "ولم يجبها أحد"]),
    ('"الوضع مستقر." حسبما أفاد مصدر أمني. وعاد الهدوء', ['"الوضع مستقر." حسبما أفاد مصدر أمني.', "وعاد الهدوء"]),
    ('"انتهى الأمر." وقال الوزير إن الحكومة ستراجع القرار كله في الأسبوع المقبل.', ['"انتهى الأمر."', "وقال الوزير إن الحكومة ستراجع القرار كله في الأسبوع المقبل."]),
    # a single letter closes a sentence when what follows cannot go on a name
    ("Many people lack vitamin D. The sun helps.", ["Many people lack vitamin D.", "The sun helps."]),
    ("The inspectors rated the school grade A. It was proud.", ["The inspectors rated the school grade A.", "It was proud."]),
    ("The letter was signed by J. Smith of Leeds.", ["The letter was signed by J. Smith of Leeds."]),
    ('The rapper "P. Diddy" Combs sang. Fans cheered.', ['The rapper "P. Diddy" Combs sang.', "Fans cheered."]),
    ("The quote is on p. 12 of the report. It is short.", ["The quote is on p. 12 of the report.", "It is short."]),
    ("سافر الفريق من النقطة A إلى النقطة B. ثم عاد", ["سافر الفريق من النقطة A إلى النقطة B.", "ثم عاد"]),
    ("يعاني كثيرون من نقص فيتامين د. وقد نصح الأطباء بالشمس", ["يعاني كثيرون من نقص فيتامين د.", "وقد نصح الأطباء بالشمس"]),
    # a citation after the full stop stays with the sentence it supports
    ("Remote work raises output. (Lee, 2019) Critics disagree.", ["Remote work raises output. (Lee, 2019)", "Critics disagree."]),
    ("يرفع العمل عن بعد الإنتاجية. (لي، 2019) ويخالف ذلك آخرون", ["يرفع العمل عن بعد الإنتاجية. (لي، 2019)", "ويخالف ذلك آخرون"]),
    # lower case after a question mark starts a sentence in transcripts, unless it attributes or offers
    ("Do you agree? yes, of course. We all do.", ["Do you agree?", "yes, of course.", "We all do."]),
    ("Is it red? or blue? Tell me.", ["Is it red? or blue?", "Tell me."]),
    # lower case after an ordinary word's full stop: its sentence start lost the capital
    ("The team played well. they won easily.", ["The team played well.", "they won easily."]),
    ("Prices rose approx. ten percent at the govt. shops.", ["Prices rose approx. ten percent at the govt. shops."]),
    # stray marks never make a sentence of their own
    ("It ended. !", ["It ended. !"]),
]


@pytest.mark.parametrize("text, expected", ARABIC_RULES + ENGLISH_RULES + NEWS_RULES)
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
