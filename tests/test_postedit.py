"""Post-editing: what ``parallel postedit`` counts as a post-edited segment, and the way through OmegaT."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

from lxml import etree
from translate.convert.po2xliff import convertpo

from conftest import DELETE, edit_units, external_tool_or_skip
from conftest import XLIFF_NS as NS
from parallel.cli.main import cli
from parallel.formats.provenance import Provenance
from parallel.formats.tmx import read_tmx, translation_unit, validate_tmx, write_tmx
from parallel.formats.xliff import read_xliff, translation_xliff_unit, write_source_as_target, write_xliff
from parallel.records import Segment, Translation
from parallel.runs.postedit import OMEGAT_FOLDERS, OMEGAT_PROJECT


def provenance() -> Provenance:
    return Provenance("tiny-model", "ab" * 32, options={})


def draft(path: Path, mt: list[str]) -> Path:
    """Our XLIFF for one document, segment ``doc:<n>:1`` holding ``mt[n - 1]``."""
    translations = [Translation(Segment("doc", i + 1, 1, f"جملة رقم {i + 1}."), t, -0.2) for i, t in enumerate(mt)]
    write_xliff(path, [translation_xliff_unit(t) for t in translations], provenance())
    return path


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


# --- the way through OmegaT (docs/postediting.md) ------------------------------------------------


def run_omegat(project: Path, *arguments: str) -> None:
    """OmegaT in console mode on ``project`` (a skip when OmegaT is not installed)."""
    omegat = external_tool_or_skip(("omegat",), "omegat")
    command = [omegat, str(project), *arguments, "--no-team", "--quiet", "--disable-project-locking",
               f"--config-dir={project.parent / 'omegat-config'}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "JAVA_TOOL_OPTIONS": "-Djava.awt.headless=true"})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def omegat_segments(project: Path) -> list[str]:
    """The source text of every segment OmegaT made of the project's files (its pseudo-translated memory)."""
    memory = project.parent / "pseudo.tmx"
    run_omegat(project, "--mode=console-createpseudotranslatetmx", f"--pseudotranslatetmx={memory}",
               "--pseudotranslatetype=equal")
    return [tu.find("tuv/seg").text or "" for tu in etree.parse(str(memory)).iter("tu")]


def save_translations(project: Path, translations: dict[str, str], source: str, target: str) -> None:
    """Play the translator's work in OmegaT: translations in the project memory (omegat/project_save.tmx,
    in the TMX 1.1 form OmegaT writes), as OmegaT keeps them when a segment is confirmed."""
    tmx = etree.Element("tmx", version="1.1")
    etree.SubElement(tmx, "header", creationtool="OmegaT", creationtoolversion="3.6.0", segtype="paragraph",
                     **{"o-tmf": "OmegaT TMX", "adminlang": "EN-US", "srclang": source, "datatype": "plaintext"})
    body = etree.SubElement(tmx, "body")
    for source_text, target_text in translations.items():
        tu = etree.SubElement(body, "tu")
        for language, text in ((source, source_text), (target, target_text)):
            etree.SubElement(etree.SubElement(tu, "tuv", lang=language), "seg").text = text
    etree.ElementTree(tmx).write(str(project / "omegat" / "project_save.tmx"), encoding="UTF-8", xml_declaration=True)


def test_omegat_translates_the_target_of_an_xliff_so_the_corpus_xliff_shows_english(tmp_path, seeds_corpus):
    """What OmegaT's own XLIFF filter does with ar-en.xlf as it is: each segment's text is the
    <target> (the English MT), never the Arabic <source>; the TMX in tm/auto then matches nothing."""
    xlf = seeds_corpus.out / "ar-en.xlf"
    project = tmp_path / "as-is"
    for folder in OMEGAT_FOLDERS:
        (project / folder).mkdir(parents=True)
    (project / "omegat.project").write_text(OMEGAT_PROJECT.format(source="ar", target="en"), encoding="utf-8")
    shutil.copy(xlf, project / "source" / xlf.name)
    shutil.copy(seeds_corpus.out / "ar-en.tmx", project / "tm" / "auto" / "ar-en.tmx")
    units = list(read_xliff(xlf))
    assert sorted(omegat_segments(project)) == sorted({u.mt for u in units if u.mt.strip()})
    run_omegat(project, "--mode=console-translate")
    assert [u.target for u in read_xliff(project / "target" / xlf.name)] == [u.target for u in units]
    assert not (project / "omegat" / "project_save.tmx").exists()  # nothing translated


def test_post_editing_the_corpus_in_an_omegat_project(tmp_path, seeds_corpus, runner):
    """docs/postediting.md, step by step: `parallel omegat-project`, OmegaT inserts the MT from
    tm/auto, the translator's edits reach the target XLIFF, `parallel postedit` reads it."""
    xlf = seeds_corpus.out / "ar-en.xlf"
    units = list(read_xliff(xlf))
    counts = Counter(u.source for u in units)
    once = [u for u in units if counts[u.source] == 1 and len(u.mt.split()) > 2]
    # a memory without one segment's MT, so that OmegaT leaves that segment untranslated
    memory = etree.parse(str(seeds_corpus.out / "ar-en.tmx"))
    missing = memory.find(f".//tu[@tuid='{once[2].id}']")
    missing.getparent().remove(missing)
    memory.write(str(tmp_path / "ar-en.tmx"), encoding="UTF-8", xml_declaration=True)

    project = tmp_path / "post-edit"
    made = runner.invoke(cli, ["omegat-project", str(xlf), str(project), "--tmx", str(tmp_path / "ar-en.tmx")])
    assert made.exit_code == 0, made.output
    assert f"then: parallel postedit {project / 'target' / xlf.name}" in made.stderr
    assert sorted(omegat_segments(project)) == sorted(counts)  # the Arabic is what OmegaT translates

    run_omegat(project, "--mode=console-translate")           # tm/auto: the MT inserted, nothing edited
    returned = project / "target" / xlf.name
    translated = list(read_xliff(returned))
    assert [(u.id, u.source, u.mt) for u in translated] == [(u.id, u.source, u.mt) for u in units]
    # OmegaT writes the source into the segment it found no translation for (an empty MT in the
    # memory is inserted as an empty translation)
    assert [u.target for u in translated] == [u.source if u.id == once[2].id else u.mt for u in units]
    pristine = postedit_json(runner, returned)
    assert pristine["summary"]["post_edited"] == 0 and pristine["summary"]["hter"] is None
    empty = [u.id for u in units if not u.mt.strip()]
    assert pristine["skipped"] == [{"id": u.id, "reason": "source_copy" if u.id == once[2].id else "empty_target"}
                                   for u in units if u.id == once[2].id or u.id in empty]

    edits = {once[0].source: "The minister said so.", once[1].source: once[1].mt.split(" ", 1)[1]}
    save_translations(project, edits, "ar", "en")
    run_omegat(project, "--mode=console-translate")
    report = postedit_json(runner, returned)
    assert [(s["id"], s["reason"]) for s in report["segments"]] == [(once[0].id, "changed"), (once[1].id, "changed")]
    assert report["segments"][1]["edits"] == 1 and report["summary"]["edits"] == report["segments"][0]["edits"] + 1
    assert report["skipped"] == pristine["skipped"]
    tmx = {u.tuid: u for u in read_tmx(returned.with_suffix(".postedit.tmx"))}
    assert tmx[once[0].id].variants == {"ar": once[0].source, "en": "The minister said so."}
    assert tmx[once[0].id].props["x-mt"] == once[0].mt


def test_the_omegat_copy_puts_the_source_in_every_target_and_keeps_the_mt(tmp_path):
    """Any XLIFF 1.2: inline elements copied with the source, a missing target made, a target
    without an <alt-trans> proposal kept as one, so `parallel postedit` still knows the MT."""
    xlf = tmp_path / "other.xlf"
    xlf.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">'
        '<file original="a" source-language="ar" target-language="en" datatype="plaintext"><body>'
        '<trans-unit id="1"><source>قال <g id="b">الوزير</g> كلاما.</source>'
        '<target state="needs-review-translation" state-qualifier="mt-suggestion">The <g id="b">minister</g> spoke.'
        '</target><note>flags: numbers</note></trans-unit>'
        '<trans-unit id="2"><source>جملة ثانية.</source></trans-unit>'
        '</body></file></xliff>\n', encoding="utf-8")
    copy = tmp_path / "omegat.xlf"
    assert write_source_as_target(xlf, copy) == 2
    units = list(read_xliff(copy))
    assert [(u.source, u.target, u.state, u.state_qualifier) for u in units] == [
        ("قال الوزير كلاما.", "قال الوزير كلاما.", "needs-translation", None),
        ("جملة ثانية.", "جملة ثانية.", "needs-translation", None)]
    assert [u.mt for u in units] == ["The minister spoke.", None] and units[0].notes == ["flags: numbers"]
    tree = etree.parse(str(copy))
    assert tree.find(".//x:trans-unit[@id='1']/x:target/x:g", NS).text == "الوزير"
    assert tree.find(".//x:trans-unit[@id='2']/x:target", NS).get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_omegat_project_refuses_bad_input_in_one_line(tmp_path, runner):
    """Exit 2 with one `error:` line, and no project, not even half of one."""
    xlf = draft(tmp_path / "ar-en.xlf", ["One .", "Two ."])
    tmx = tmp_path / "memory.tmx"
    tmx.write_text('<tmx version="1.4"><header srclang="ar"/><body/></tmx>\n', encoding="utf-8")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "work.txt").write_text("a translator's file\n", encoding="utf-8")
    cases = [
        ([str(xlf), str(tmp_path / "p1")], "ar-en.tmx: no such TMX"),                # no .tmx beside the XLIFF
        ([str(xlf), str(tmp_path / "p2"), "--tmx", str(xlf)], "ar-en.xlf: no TMX header"),
        ([str(tmp_path / "missing.xlf"), str(tmp_path / "p3"), "--tmx", str(tmx)], "missing.xlf: not a readable XLIFF"),
        ([str(tmx), str(tmp_path / "p4"), "--tmx", str(tmx)], "not an XLIFF file (its root element is <tmx>)"),
        ([str(xlf), str(tmp_path / "busy"), "--tmx", str(tmx)], "busy: already exists and is not an empty folder"),
    ]
    for arguments, message in cases:
        result = runner.invoke(cli, ["omegat-project", *arguments])
        assert result.exit_code == 2 and result.output.count("\n") == 1, (arguments, result.output)
        assert result.output.startswith("error: ") and message in result.output, (arguments, result.output)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ar-en.xlf", "busy", "memory.tmx"]
    assert [p.name for p in (tmp_path / "busy").iterdir()] == ["work.txt"]
    (tmp_path / "fresh").mkdir()  # an empty folder will do
    assert runner.invoke(cli, ["omegat-project", str(xlf), str(tmp_path / "fresh"), "--tmx", str(tmx)]).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "fresh").iterdir()) == [
        "dictionary", "glossary", "omegat", "omegat.project", "source", "target", "tm"]


def test_omegat_inserts_an_empty_mt_as_an_empty_translation(tmp_path, runner):
    """A sentence the model returned nothing for: OmegaT takes the memory's empty translation, the
    target comes back empty, and `parallel postedit` skips it as an empty target."""
    translations = [Translation(Segment("doc", 1, 1, "قال الوزير إن الاتفاق جيد."), "The minister spoke .", -0.2),
                    Translation(Segment("doc", 2, 1, "جملة لم تترجم."), "", -3.0)]
    write_xliff(tmp_path / "ar-en.xlf", [translation_xliff_unit(t) for t in translations], provenance())
    write_tmx(tmp_path / "ar-en.tmx", [translation_unit(t, provenance()) for t in translations], provenance())
    project = tmp_path / "project"
    assert runner.invoke(cli, ["omegat-project", str(tmp_path / "ar-en.xlf"), str(project)]).exit_code == 0
    run_omegat(project, "--mode=console-translate")
    returned = project / "target" / "ar-en.xlf"
    assert [u.target for u in read_xliff(returned)] == ["The minister spoke .", ""]
    assert postedit_json(runner, returned)["skipped"] == [{"id": "doc:2:1", "reason": "empty_target"}]
