"""``review.html``: one static page where a post-editor reads the corpus and finds what to fix.

Per document, a table of segments: the Arabic right-to-left beside the MT and the aligned
reference sentence(s), with the MT score, the sentence chrF and the flags; radio buttons filter the
rows by flag.  The page is a single file with its style and script inline and a Content Security
Policy that forbids loading anything else, so it opens offline and leaks nothing when shared.
"""
from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from lxml import etree, html
from lxml.html import builder as E

from parallel.errors import location_error
from parallel.files import atomic_write
from parallel.formats import xml_safe
from parallel.formats.provenance import Provenance
from parallel.records import Document, Pair, Translation, group_by_document
from parallel.reports.report import flag_counts
from parallel.score.references import ReferenceAlignment, documents_from_translations

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1d1d1f; }
header { position: sticky; top: 0; background: #fff; padding-bottom: .5rem; border-bottom: 1px solid #ccc; }
.provenance { color: #555; font-size: .85rem; }
fieldset { border: none; padding: 0; margin: .5rem 0; display: flex; flex-wrap: wrap; gap: .75rem; }
legend { font-weight: 600; float: left; margin-right: .5rem; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; table-layout: fixed; }
th, td { border: 1px solid #ddd; padding: .35rem .5rem; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f3f3f3; text-align: start; }
td.source { font-size: 1.1rem; }
td.id { font-size: .8rem; color: #555; }
h2 { font-size: 1.1rem; }
col.id { width: 7rem; } col.number { width: 5rem; } col.flags { width: 9rem; }
.flag { display: inline-block; background: #ffe3b3; border-radius: .25rem; padding: 0 .3rem; margin: .1rem; }
.missing { color: #999; font-style: italic; }
.joined { color: #777; font-size: .8rem; display: block; }
[hidden] { display: none !important; }
"""

# Filtering keeps a row when the chosen value is "all", or "flagged" and the row has a flag, or
# the row carries the chosen flag; a document whose rows are all hidden is hidden with them.
SCRIPT = """
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.segment"));
  var sections = document.querySelectorAll("section.document");
  var shown = document.getElementById("shown");
  function apply(choice) {
    var count = 0;
    rows.forEach(function (row) {
      var flags = row.getAttribute("data-flags").split(" ").filter(Boolean);
      var keep = choice === "all" || (choice === "flagged" ? flags.length > 0 : flags.indexOf(choice) >= 0);
      row.hidden = !keep;
      if (keep) { count += 1; }
    });
    Array.prototype.forEach.call(sections, function (section) {
      section.hidden = !section.querySelector("tr.segment:not([hidden])");
    });
    shown.textContent = count + " of " + rows.length + " segments shown";
  }
  document.getElementById("filters").addEventListener("change", function (event) {
    if (event.target.name === "filter") { apply(event.target.value); }
  });
  apply(document.querySelector("input[name=filter]:checked").value);
})();
"""


def _text(value: str) -> str:
    """Text lxml accepts: XML-forbidden control characters removed (as in the TMX)."""
    return xml_safe(value)[0]


def _number(value: float | None, digits: int) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _filter_choice(value: str, label: str, count: int, checked: bool = False):
    attributes = {"type": "radio", "name": "filter", "value": value}
    if checked:
        attributes["checked"] = "checked"
    return E.LABEL(E.INPUT(**attributes), f" {label} ({count})")


def _filters(segments: int, flagged: int, counts: dict[str, int]):
    return E.FORM(
        E.FIELDSET(
            E.LEGEND("Show"),
            _filter_choice("all", "all segments", segments, checked=True),
            _filter_choice("flagged", "any flag", flagged),
            *(_filter_choice(flag, flag, count) for flag, count in sorted(counts.items())),
        ),
        E.OUTPUT(f"{segments} of {segments} segments shown", id="shown"),
        id="filters",
    )


def _reference_cell(match: Pair | None, segment_id: str, has_reference: bool):
    if not has_reference:
        return E.TD(E.SPAN("no reference", **{"class": "missing"}), **{"class": "reference"})
    if match is None or not match.target:
        return E.TD(E.SPAN("no reference sentence aligned", **{"class": "missing"}), **{"class": "reference"})
    cell = E.TD(_text(match.target), lang="en", dir="ltr", **{"class": "reference"})
    others = [i for i in match.source_ids if i != segment_id]
    if others:
        cell.append(E.SPAN("aligned together with " + ", ".join(others), **{"class": "joined"}))
    return cell


def _segment_row(translation: Translation, match: Pair | None, has_reference: bool):
    segment = translation.segment
    return E.TR(
        E.TD(segment.id, **{"class": "id"}),
        E.TD(_text(segment.text), lang="ar", dir="rtl", **{"class": "source"}),
        E.TD(_text(translation.text), lang="en", dir="ltr", **{"class": "mt"}),
        _reference_cell(match, segment.id, has_reference),
        E.TD(_number(translation.score, 3), **{"class": "score"}),
        E.TD(_number(match.chrf if match else None, 1), **{"class": "chrf"}),
        E.TD(*(E.SPAN(flag, **{"class": "flag"}) for flag in translation.flags), **{"class": "flags"}),
        id=f"seg-{segment.id}", **{"class": "segment", "data-flags": " ".join(translation.flags)},
    )


def _document_section(document: Document, translations: list[Translation],
                      matches: dict[str, Pair] | None):
    columns = E.COLGROUP(E.COL(**{"class": "id"}), E.COL(), E.COL(), E.COL(),
                         E.COL(**{"class": "number"}), E.COL(**{"class": "number"}), E.COL(**{"class": "flags"}))
    header = E.THEAD(E.TR(*(E.TH(name) for name in (
        "segment", "Arabic", "MT", "reference", "MT score", "chrF", "flags"))))
    rows = [_segment_row(t, (matches or {}).get(t.segment.id), matches is not None) for t in translations]
    return E.SECTION(
        E.H2(document.id, " — ", E.SPAN(_text(document.title), lang="ar", dir="rtl")),
        E.TABLE(columns, header, E.TBODY(*rows)),
        id=f"doc-{document.id}", **{"class": "document"},
    )


_SECTIONS_MARK = "parallel: document sections"


def _page(provenance: Provenance, filters) -> str:
    """The page around the document sections, with a comment where they go."""
    options = ", ".join(f"{key} {value}" for key, value in sorted(provenance.options.items()))
    page = E.HTML(
        E.HEAD(
            E.META(charset="utf-8"),
            E.META(**{"http-equiv": "Content-Security-Policy", "content": CONTENT_SECURITY_POLICY}),
            E.META(name="generator", content=f"{provenance.tool} {provenance.tool_version}"),
            E.TITLE(f"Review — {provenance.tool} corpus"),
            E.STYLE(STYLE),
        ),
        E.BODY(
            E.HEADER(
                E.H1("Review: Arabic source, machine translation, reference"),
                E.P(f"{provenance.tool} {provenance.tool_version}; model {provenance.model_name} "
                    f"(model.bin sha256 {provenance.model_sha256}); options: {options}; "
                    f"created {provenance.created.isoformat()}. MT score: the model's mean log-probability "
                    "per token (higher is surer). chrF: sacrebleu sentence chrF against the aligned "
                    "reference sentence(s).", **{"class": "provenance"}),
                filters,
            ),
            E.MAIN(etree.Comment(_SECTIONS_MARK)),
            E.SCRIPT(SCRIPT),
        ),
        lang="en",
    )
    return html.tostring(page, doctype="<!DOCTYPE html>", encoding="unicode", method="html") + "\n"


class ReviewWriter:
    """Adds documents to a review page being written (see ``open_review``)."""

    def __init__(self, sections: IO[str]) -> None:
        self._sections = sections
        self.segments = self.flagged = 0
        self.flags: dict[str, int] = {}

    def add_document(self, document: Document, translations: list[Translation],
                     matches: dict[str, Pair] | None) -> None:
        """One document's table; ``matches`` maps segment id → its reference match, None when the
        document has no reference."""
        section = _document_section(document, translations, matches)
        self._sections.write(html.tostring(section, encoding="unicode", method="html"))
        self.segments += len(translations)
        self.flagged += sum(bool(t.flags) for t in translations)
        for flag, count in flag_counts(translations).items():
            self.flags[flag] = self.flags.get(flag, 0) + count


@contextmanager
def open_review(path: Path, provenance: Provenance) -> Iterator[ReviewWriter]:
    """``review.html`` written a document at a time.  The sections go to a temporary file first,
    because the filters at the top count the segments of every document; the page appears at
    ``path`` only when the block succeeds."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        sections_file = tempfile.TemporaryFile("w+", encoding="utf-8", dir=path.parent)
    except OSError as exc:
        raise location_error(exc, path) from exc
    with sections_file as sections:
        writer = ReviewWriter(sections)
        yield writer
        before, after = _page(provenance, _filters(writer.segments, writer.flagged, writer.flags)).split(
            f"<!--{_SECTIONS_MARK}-->")
        with atomic_write(path) as out:
            out.write(before)
            sections.seek(0)
            shutil.copyfileobj(sections, out)
            out.write(after)


def write_review(path: Path, documents: list[Document], translations: list[Translation],
                 matches: dict[str, dict[str, Pair]], provenance: Provenance) -> None:
    """The page for ``documents``; ``matches`` maps document id → segment id → its reference match."""
    by_document = group_by_document(translations)
    with open_review(path, provenance) as writer:
        for document in documents:
            writer.add_document(document, by_document.get(document.id, []), matches.get(document.id))


def write_scored_review(path: Path, translations: list[Translation], alignments: dict[str, ReferenceAlignment],
                        models: set[str], translations_path: Path) -> None:
    """The review page for translations read back from JSONL and scored by ``references.score_documents``."""
    provenance = Provenance(", ".join(sorted(m for m in models if m)) or "unknown", "not recorded in the JSONL",
                            options={"translations": str(translations_path)})
    write_review(path, documents_from_translations(translations), translations,
                 {doc_id: alignment.by_segment() for doc_id, alignment in alignments.items()}, provenance)
