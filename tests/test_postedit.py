"""Post-editing: what ``parallel postedit`` counts as a post-edited segment, and the way through OmegaT."""
from __future__ import annotations

import json
from pathlib import Path

from lxml import etree
from translate.convert.po2xliff import convertpo

from parallel.cli.main import cli
from parallel.formats.provenance import Provenance
from parallel.formats.tmx import read_tmx, validate_tmx
from parallel.formats.xliff import translation_xliff_unit, write_xliff
from parallel.records import Segment, Translation

NS = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
DELETE = object()  # edit_units: remove the <target> element


def provenance() -> Provenance:
    return Provenance("tiny-model", "ab" * 32, options={})


def draft(path: Path, mt: list[str]) -> Path:
    """Our XLIFF for one document, segment ``doc:<n>:1`` holding ``mt[n - 1]``."""
    translations = [Translation(Segment("doc", i + 1, 1, f"جملة رقم {i + 1}."), t, -0.2) for i, t in enumerate(mt)]
    write_xliff(path, [translation_xliff_unit(t) for t in translations], provenance())
    return path


def edit_units(path: Path, edits: dict[str, tuple[object, str | None]]) -> None:
    """Play a translator: per unit id, new target text (``DELETE`` removes the target, None keeps
    it) and new state (None keeps it)."""
    tree = etree.parse(str(path))
    for unit_id, (text, state) in edits.items():
        target = tree.find(f".//x:trans-unit[@id='{unit_id}']/x:target", NS)
        if text is DELETE:
            target.getparent().remove(target)
            continue
        if text is not None:
            target.text = text
        if state is not None:
            target.set("state", state)
            target.attrib.pop("state-qualifier", None)
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)


def postedit_json(runner, xlf: Path) -> dict:
    result = runner.invoke(cli, ["postedit", str(xlf), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_deleted_and_empty_targets_are_skipped_not_scored(tmp_path, runner):
    """A deleted target, an empty target marked translated and a blank one marked final are no
    post-edits: no TU with an empty <seg>, no HTER of 100 in the total."""
    mt = ["the cat sat on mat", "A first draft .", "A second draft .", "A third draft .", "He go home ."]
    xlf = draft(tmp_path / "draft.xlf", mt)
    edit_units(xlf, {"doc:1:1": ("the cat sat on the mat", None),   # 1 insertion / 6 words
                     "doc:2:1": (DELETE, None),
                     "doc:3:1": ("", "translated"),
                     "doc:4:1": ("  ", "final"),
                     "doc:5:1": ("He goes home .", "translated")})  # 1 substitution / 4 words

    report = postedit_json(runner, xlf)
    assert [s["id"] for s in report["segments"]] == ["doc:1:1", "doc:5:1"]
    summary = report["summary"]
    assert (summary["units"], summary["segments"], summary["post_edited"]) == (5, 5, 2)
    assert summary["skipped"] == {"header": 0, "empty_source": 0, "empty_target": 3, "source_copy": 0}
    assert report["skipped"] == [{"id": f"doc:{n}:1", "reason": "empty_target"} for n in (2, 3, 4)]
    assert (summary["edits"], summary["words"]) == (2, 10) and summary["hter"] == 20.0

    tmx = xlf.with_suffix(".postedit.tmx")
    assert validate_tmx(tmx) == []
    units = list(read_tmx(tmx))
    assert [u.tuid for u in units] == ["doc:1:1", "doc:5:1"] and all(u.variants["en"].strip() for u in units)

    text = runner.invoke(cli, ["postedit", str(xlf), "-o", str(tmp_path / "pe.tmx")])
    assert text.exit_code == 0
    assert "2 of 5 segments post-edited; skipped 3 (3 empty target); HTER 20.00" in text.stderr


def test_a_gettext_header_is_never_a_segment(tmp_path, runner):
    """po2xliff (translate-toolkit) turns a PO header into a unit marked translated: it is skipped,
    as is a unit without source text (the header as older converters wrote it)."""
    po = tmp_path / "news.po"
    po.write_text('msgid ""\nmsgstr ""\n"Project-Id-Version: news\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "قال الوزير إن الاتفاق جيد."\nmsgstr "The minister said the deal was good."\n',
                  encoding="utf-8")
    xlf = tmp_path / "news.xlf"
    with po.open("rb") as source, xlf.open("wb") as target:
        convertpo(source, target, None)
    header = etree.parse(str(xlf)).xpath("//*[local-name()='trans-unit'][@restype='x-gettext-domain-header']")
    assert len(header) == 1 and header[0].find("{*}target").get("state") == "translated"  # what made it a TU
    # a unit with an empty source, marked translated, beside them
    tree = etree.parse(str(xlf))
    body = tree.find(".//{*}body")
    unit = etree.SubElement(body, body.tag.replace("body", "trans-unit"), id="empty")
    etree.SubElement(unit, body.tag.replace("body", "source"))
    etree.SubElement(unit, body.tag.replace("body", "target"), state="translated").text = "Stray text"
    tree.write(str(xlf), encoding="UTF-8", xml_declaration=True)

    report = postedit_json(runner, xlf)
    assert [s["id"] for s in report["segments"]] == [u.get("id") for u in body if u.get("id") not in
                                                     (header[0].get("id"), "empty")]
    assert report["summary"]["skipped"] == {"header": 1, "empty_source": 1, "empty_target": 0, "source_copy": 0}
    assert (report["summary"]["units"], report["summary"]["segments"]) == (3, 2)
    units = list(read_tmx(xlf.with_suffix(".postedit.tmx")))
    assert [u.variants["en"] for u in units] == ["The minister said the deal was good."]


def test_a_target_left_as_the_source_is_untranslated_unless_confirmed(tmp_path, runner):
    """CAT tools (OmegaT among them) write the source into a segment left untranslated: not a
    post-edit. The same text with a state saying a person confirmed it is one."""
    xlf = draft(tmp_path / "draft.xlf", ["Number 1 .", "Number 2 ."])
    edit_units(xlf, {"doc:1:1": ("جملة رقم 1.", None), "doc:2:1": ("جملة رقم 2.", "translated")})
    report = postedit_json(runner, xlf)
    assert [s["id"] for s in report["segments"]] == ["doc:2:1"]
    assert report["skipped"] == [{"id": "doc:1:1", "reason": "source_copy"}]
