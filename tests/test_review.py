"""The review page: its content (parsed) and its behaviour in headless Chromium."""
from __future__ import annotations

from lxml import html

from browser import CHROMIUM_NAMES, Chromium
from conftest import external_tool_or_skip
from parallel.formats.provenance import Provenance
from parallel.records import Document, Segment, Translation
from parallel.reports.review import write_review
from parallel.score.references import align_references

DOCUMENTS = [
    Document("wire", ["وصول القوات إلى الميناء",
                      "قال الوزير إن 25 جنديا وصلوا صباح الأحد. وأضاف أن المهمة ستنتهي في مايو."]),
    Document("desk", ["اجتماع اللجنة & <النتائج>"]),
]
SEGMENTS_AND_MT = [
    (Segment("wire", 1, 1, "وصول القوات إلى الميناء"), "Troops arrive at the port", -0.4, ()),
    (Segment("wire", 2, 1, "قال الوزير إن 25 جنديا وصلوا صباح الأحد."),
     "The minister said 52 soldiers arrived on Sunday morning.", -1.2, ("numbers",)),
    (Segment("wire", 2, 2, "وأضاف أن المهمة ستنتهي في مايو."),
     "He added the mission will end in May.", -0.7, ("length_ratio", "numbers")),
    (Segment("desk", 1, 1, "اجتماع اللجنة & <النتائج>"), "Committee meeting & <results>", -0.2, ()),
]
REFERENCES = {"wire": Document("wire", [
    "Troops arrive at the port",
    "The minister said 25 soldiers arrived on Sunday morning. He added that the mission would end in May.",
])}


def translations() -> list[Translation]:
    return [Translation(segment, text, score, flags) for segment, text, score, flags in SEGMENTS_AND_MT]


def write_page(path):
    items = translations()
    alignments = align_references(DOCUMENTS, items, REFERENCES)
    matches = {doc_id: alignment.by_segment() for doc_id, alignment in alignments.items()}
    provenance = Provenance("opus-mt-ar-en", "ab" * 32, options={"beam_size": 4})
    write_review(path, DOCUMENTS, items, matches, provenance)
    return items


def test_review_page_holds_every_segment_with_its_reference_and_nothing_external(tmp_path):
    items = write_page(tmp_path / "review.html")
    page = html.parse(str(tmp_path / "review.html")).getroot()
    rows = page.findall(".//tr[@class='segment']")
    assert [row.get("id") for row in rows] == [f"seg-{t.segment.id}" for t in items]
    sources = page.findall(".//td[@class='source']")
    assert [cell.text_content() for cell in sources] == [t.segment.text for t in items]  # exact, & and <> too
    assert {(cell.get("dir"), cell.get("lang")) for cell in sources} == {("rtl", "ar")}
    assert [row.get("data-flags") for row in rows] == ["", "numbers", "length_ratio numbers", ""]
    references = [cell.text_content() for cell in page.findall(".//td[@class='reference']")]
    assert references[0] == "Troops arrive at the port"
    assert references[1] == "The minister said 25 soldiers arrived on Sunday morning."
    assert references[3] == "no reference"  # the desk document has none
    chrf = [cell.text_content() for cell in page.findall(".//td[@class='chrf']")]
    assert float(chrf[0]) == 100.0 and float(chrf[1]) < 100.0 and chrf[3] == "—"
    assert "ab" * 32 in page.find(".//p[@class='provenance']").text_content()
    # Self-contained: no element loads anything, and the policy forbids it anyway.
    assert not page.xpath("//*[@src] | //link | //img | //iframe | //object")
    assert "default-src 'none'" in page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]


def test_review_page_keeps_text_that_xml_cannot_carry_out(tmp_path):
    segment = Segment("d", 1, 1, "نص\x07 مع رمز تحكم")
    write_review(tmp_path / "review.html", [Document("d", ["نص مع رمز تحكم"])],
                 [Translation(segment, "text\x0b", -0.1)], {}, Provenance("m", "0" * 64))
    page = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert "\x07" not in page and "\x0b" not in page and "نص مع رمز تحكم" in page


def chromium_or_skip() -> str:
    return external_tool_or_skip(CHROMIUM_NAMES, "chromium")


VISIBLE_ROWS = "Array.from(document.querySelectorAll('tr.segment')).filter(r => r.offsetParent !== null).map(r => r.id)"


def test_review_page_in_chromium_arabic_right_to_left_and_filter(tmp_path):
    items = write_page(tmp_path / "review.html")
    with Chromium(chromium_or_skip()) as browser:
        browser.open(tmp_path / "review.html")
        assert browser.evaluate("Array.from(document.querySelectorAll('td.source'))"
                                ".map(c => getComputedStyle(c).direction)") == ["rtl"] * len(items)
        assert set(browser.evaluate("Array.from(document.querySelectorAll('td.mt'))"
                                    ".map(c => getComputedStyle(c).direction)")) == {"ltr"}
        # Rendered right to left: the first letter is drawn right of the last one, and the line
        # hugs the cell's right edge; the English beside it hugs the left edge.
        layout = browser.evaluate("""(() => {
            function measure(cell) {
              const text = cell.firstChild, box = cell.getBoundingClientRect(), style = getComputedStyle(cell);
              const range = document.createRange();
              range.setStart(text, 0); range.setEnd(text, 1); const first = range.getBoundingClientRect();
              range.setStart(text, text.length - 1); range.setEnd(text, text.length);
              const last = range.getBoundingClientRect();
              range.setStart(text, 0); const all = range.getBoundingClientRect();
              return {first: first.left, last: last.left,
                      right_gap: box.right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth) - all.right,
                      left_gap: all.left - box.left - parseFloat(style.paddingLeft) - parseFloat(style.borderLeftWidth)};
            }
            return {ar: measure(document.querySelector('#seg-wire\\\\:1\\\\:1 td.source')),
                    en: measure(document.querySelector('#seg-wire\\\\:1\\\\:1 td.mt'))};
        })()""")
        assert layout["ar"]["first"] > layout["ar"]["last"]
        assert abs(layout["ar"]["right_gap"]) < 2 and layout["ar"]["left_gap"] > 20
        assert layout["en"]["first"] < layout["en"]["last"]
        assert abs(layout["en"]["left_gap"]) < 2

        all_ids = [f"seg-{t.segment.id}" for t in items]
        assert browser.evaluate(VISIBLE_ROWS) == all_ids
        browser.click("input[name=filter][value=numbers]")
        assert browser.evaluate(VISIBLE_ROWS) == ["seg-wire:2:1", "seg-wire:2:2"]
        assert browser.evaluate("document.getElementById('shown').textContent") == "2 of 4 segments shown"
        assert browser.evaluate("document.getElementById('doc-desk').offsetParent") is None  # nothing left in it
        browser.click("input[name=filter][value=length_ratio]")
        assert browser.evaluate(VISIBLE_ROWS) == ["seg-wire:2:2"]
        browser.click("input[name=filter][value=all]")
        assert browser.evaluate(VISIBLE_ROWS) == all_ids
        assert browser.exceptions() == []
