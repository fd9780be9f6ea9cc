"""Exchange formats: round trips on adversarial text, schemas, and independent readers."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from translate.storage import tmx as tt_tmx
from translate.storage import xliff as tt_xliff

from conftest import edit_units, external_tool_or_skip
from parallel.cli.main import cli
from parallel.formats import xml_safe
from parallel.formats.jsonl import read_jsonl, translation_record, write_jsonl
from parallel.formats.moses import read_moses, write_moses
from parallel.formats.provenance import Provenance
from parallel.formats.tmx import TmxUnit, read_tmx, read_tmx_header, translation_unit, validate_tmx, write_tmx
from parallel.formats.xliff import XliffUnit, read_xliff, translation_xliff_unit, validate_xliff, write_xliff
from parallel.records import Segment, Translation
from parallel.runs.postedit import OMEGAT_FOLDERS, OMEGAT_PROJECT

ADVERSARIAL = [
    ("قال \u200fالوزير\u200e إن «الاتفاق» \u202bجيد\u202c.", "The minister said the \u200e\"deal\" is good."),
    ("a < b && c > d; 'single' \"double\" &amp; <seg>", "<tu tuid=\"x\"> & ]]> '"),
    ("نص فيه\tجدولة و\x07جرس و\x1bهروب و\x00صفر", "text\twith\x07bell\x1b[0m and \x0c form feed"),
    ("رموز 👍🏽 و👨‍👩‍👧 و🇪🇬 و\U0001d54f", "emoji 👍🏽 👨‍👩‍👧 🇪🇬 \U0001d54f"),
    ("سطر\u2028فاصل\u2029فقرة\x85NEL", "line\u2028separator\r\nCRLF"),
    ("  مسافات في البداية والنهاية\u00a0 ", "  padded\u00a0 "),
    ("مقطع طويل جدا " * 715, "a long segment " * 667),
    ("جملة لم تترجم.", ""),
    ("\ufeffBOM في البداية \uffff و\ufffe", "trailing\ufffd"),
]


def adversarial_translations() -> list[Translation]:
    return [Translation(Segment(f"doc-{i % 3}", 1 + i // 3, 1, source), target, -0.25 * i,
                        ("numbers", "length_ratio") if i % 2 else ())
            for i, (source, target) in enumerate(ADVERSARIAL)]


def provenance() -> Provenance:
    return Provenance("tiny-model", "ab" * 32, options={"beam_size": 4, "note": "<&>"})


def test_adversarial_set_has_what_the_issue_names():
    texts = "".join(s + t for s, t in ADVERSARIAL)
    assert "\u200f" in texts and all(c in texts for c in "<>&\"'") and "\x07" in texts and "👍" in texts
    assert max(len(s) for s, _ in ADVERSARIAL) >= 10_000 and any(t == "" for _, t in ADVERSARIAL)


def test_tmx_round_trip_is_identity_apart_from_characters_xml_cannot_hold(tmp_path):
    translations = adversarial_translations()
    units = [translation_unit(t, provenance(), alignment_score=0.5) for t in translations]
    path = tmp_path / "out.tmx"
    counts = write_tmx(path, units, provenance())
    forbidden = sum(xml_safe(text)[1] for unit in units for text in unit.variants.values())
    assert forbidden == 8 and counts == {"units": len(units), "removed_characters": forbidden}

    expected = [TmxUnit(u.tuid, {lang: xml_safe(text)[0] for lang, text in u.variants.items()}, u.props)
                for u in units]
    assert list(read_tmx(path)) == expected
    assert expected[0].variants == dict(zip(("ar", "en"), ADVERSARIAL[0]))  # bidi marks kept as they are
    assert expected[3].variants["en"] == ADVERSARIAL[3][1]
    assert expected[7].variants["en"] == "" and len(expected[6].variants["ar"]) > 10_000
    assert units[1].props["x-flags"] == "numbers,length_ratio" and units[1].props["x-alignment-score"] == "0.5000"

    raw = path.read_bytes()
    assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>") and not raw.startswith(b"\xef\xbb\xbf")
    header = read_tmx_header(path)
    assert header["attributes"]["creationtool"] == "parallel" and header["props"]["x-model-sha256"] == "ab" * 32
    assert json.loads(header["props"]["x-options"]) == {"beam_size": 4, "note": "<&>"}


def test_every_tmx_we_write_is_valid_and_the_schema_rejects_what_tmx_forbids(tmp_path):
    path = tmp_path / "out.tmx"
    write_tmx(path, [translation_unit(t, provenance()) for t in adversarial_translations()], provenance())
    assert validate_tmx(path) == []

    tree = etree.parse(str(path))
    del tree.find("header").attrib["o-tmf"]
    tree.find("body/tu/tuv").attrib.pop("{http://www.w3.org/XML/1998/namespace}lang")
    broken = tmp_path / "broken.tmx"
    tree.write(str(broken), encoding="UTF-8")
    problems = validate_tmx(broken)
    assert [p.split(": ", 1)[1] for p in problems] == ["Element header failed to validate attributes",
                                                       "Element tuv failed to validate attributes"]
    assert validate_tmx(tmp_path / "missing.tmx")[0].startswith(str(tmp_path / "missing.tmx"))


def test_xliff_round_trip_keeps_units_states_notes_and_the_mt(tmp_path):
    translations = adversarial_translations()
    units = [translation_xliff_unit(t) for t in translations]
    path = tmp_path / "out.xlf"
    counts = write_xliff(path, units, provenance())
    forbidden = sum(xml_safe(u.source)[1] + 2 * xml_safe(u.target)[1] for u in units)  # target and MT copy
    assert counts["units"] == len(units) and counts["removed_characters"] == forbidden == 11
    back = list(read_xliff(path))
    expected = [XliffUnit(u.id, u.document, xml_safe(u.source)[0], xml_safe(u.target)[0], u.state,
                          u.state_qualifier, xml_safe(u.mt)[0], u.notes) for u in units]
    assert back == expected
    assert back[1].notes == ["flags: numbers, length_ratio", "mt-score: -0.2500"]
    assert validate_xliff(path) == []

    tree = etree.parse(str(path))
    files = tree.getroot().findall("{urn:oasis:names:tc:xliff:document:1.2}file")
    # documents come as runs: doc-0, doc-1, doc-2, doc-0, … each run is one <file>
    assert [f.get("original") for f in files] == [f"doc-{i % 3}" for i in range(len(units))]
    assert {(f.get("source-language"), f.get("target-language"), f.get("datatype")) for f in files} == {
        ("ar", "en", "plaintext")}


def test_xliff_schema_rejects_an_unknown_state(tmp_path):
    path = tmp_path / "out.xlf"
    write_xliff(path, [translation_xliff_unit(adversarial_translations()[0])], provenance())
    path.write_text(path.read_text(encoding="utf-8").replace('state="needs-review-translation"', 'state="done"'),
                    encoding="utf-8")
    assert any("state" in problem for problem in validate_xliff(path))


def test_moses_round_trip_is_identity_but_for_line_breaks(tmp_path):
    translations = adversarial_translations()
    write_moses(tmp_path / "c", translations)
    rows = read_moses(tmp_path / "c")
    assert len(rows) == len(translations)
    for (ident, source, target), translation in zip(rows, translations):
        assert ident == translation.segment.id
        for written, original in ((source, translation.segment.text), (target, translation.text)):
            breaks = [i for i, c in enumerate(original) if c != written[i]]
            assert len(written) == len(original) and all(written[i] == " " for i in breaks)
            assert all(original[i] in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029" for i in breaks)
    assert rows[2][1] == ADVERSARIAL[2][0]  # tabs and other control characters untouched
    for suffix in ("ar", "en", "ids"):  # every reader splits these files into the same number of lines
        assert len((tmp_path / f"c.{suffix}").read_text(encoding="utf-8").splitlines()) == len(translations)


def test_moses_reader_names_the_file_when_counts_differ(tmp_path):
    write_moses(tmp_path / "c", adversarial_translations())
    (tmp_path / "c.en").write_text("one line\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"c: Moses files differ in line count \(c.ids 9, c.ar 9, c.en 1\)"):
        read_moses(tmp_path / "c")


def test_jsonl_round_trip_is_identity(tmp_path):
    translations = adversarial_translations()
    records = [translation_record(t, "tiny-model") for t in translations]
    write_jsonl(tmp_path / "c.jsonl", records)
    back = list(read_jsonl(tmp_path / "c.jsonl"))
    assert back == records
    assert [r["source"] for r in back] == [s for s, _ in ADVERSARIAL]
    assert [r["target"] for r in back] == [t for _, t in ADVERSARIAL]
    assert (tmp_path / "c.jsonl").read_text(encoding="utf-8").count("\n") == len(records)


# --- independent readers -------------------------------------------------------------------------


def test_translate_toolkit_reads_our_tmx_and_xliff_with_the_same_units(tmp_path):
    translations = adversarial_translations()
    write_tmx(tmp_path / "c.tmx", [translation_unit(t, provenance()) for t in translations], provenance())
    write_xliff(tmp_path / "c.xlf", [translation_xliff_unit(t) for t in translations], provenance())
    expected = [(xml_safe(t.segment.text)[0], xml_safe(t.text)[0]) for t in translations]

    tmx_store = tt_tmx.tmxfile.parsefile(str(tmp_path / "c.tmx"))
    assert [(u.source, u.target) for u in tmx_store.units] == expected
    assert tmx_store.sourcelanguage == "ar"

    xliff_store = tt_xliff.xlifffile.parsefile(str(tmp_path / "c.xlf"))
    units = [u for u in xliff_store.units if not u.isheader()]
    # translate-toolkit names a unit "<file original>\x04<trans-unit id>"
    assert [u.getid() for u in units] == [f"{t.segment.doc_id}\x04{t.segment.id}" for t in translations]
    assert [(u.source, u.target) for u in units] == expected
    assert units[1].getnotes() == "flags: numbers, length_ratio\nmt-score: -0.2500"
    assert xliff_store.getsourcelanguage() == "ar" and xliff_store.gettargetlanguage() == "en"


def omegat_or_skip() -> str:
    return external_tool_or_skip(("omegat",), "omegat")


def omegat_pretranslate(tmp_path: Path, tmx: Path, sources: list[str]) -> list[str]:
    """Pre-translate ``sources`` (one paragraph each) in an OmegaT project whose tm/auto holds ``tmx``."""
    project = tmp_path / "omegat-project"
    for folder in OMEGAT_FOLDERS:
        (project / folder).mkdir(parents=True)
    (project / "omegat.project").write_text(OMEGAT_PROJECT.format(source="ar", target="en"), encoding="utf-8")
    shutil.copy(tmx, project / "tm" / "auto" / tmx.name)
    (project / "source" / "doc.txt").write_text("\n\n".join(sources) + "\n", encoding="utf-8")
    command = [omegat_or_skip(), str(project), "--mode=console-translate", "--no-team", "--quiet",
               "--disable-project-locking", f"--config-dir={tmp_path / 'omegat-config'}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "JAVA_TOOL_OPTIONS": "-Djava.awt.headless=true"})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    target = (project / "target" / "doc.txt").read_text(encoding="utf-8")
    return target.rstrip("\n").split("\n\n")


def test_omegat_pre_translates_from_our_tmx_with_exact_matches(tmp_path):
    omegat_or_skip()
    pairs = [("قال الوزير إن الاتفاق جيد.", "The minister said the deal is good."),
             ("وصل الوفد إلى بغداد & <غادر> \"مساءً\".", "The delegation reached Baghdad & <left> \"in the evening\"."),
             ("ارتفع السعر بنسبة 3.5% في 2023 👍", "The price rose 3.5% in 2023 👍"),
             ("وقال \u200fالمتحدث: «لا تعليق».", "The spokesman said: \u201cno comment\u201d.")]
    translations = [Translation(Segment("doc", i + 1, 1, s), t, -0.1) for i, (s, t) in enumerate(pairs)]
    tmx = tmp_path / "memory.tmx"
    write_tmx(tmx, [translation_unit(t, provenance()) for t in translations], provenance())
    unknown = "جملة ليست في الذاكرة."
    target = omegat_pretranslate(tmp_path, tmx, [s for s, _ in pairs] + [unknown])
    assert target == [t for _, t in pairs] + [unknown]  # exact matches inserted; the rest left as source


def test_omegat_loads_the_pipeline_tmx(tmp_path, seeds_corpus):
    omegat_or_skip()
    out = seeds_corpus.out
    units = [u for u in read_tmx(out / "ar-en.tmx") if u.variants["en"].strip()][:40]
    target = omegat_pretranslate(tmp_path, out / "ar-en.tmx", [u.variants["ar"] for u in units])
    assert target == [u.variants["en"] for u in units]


def test_our_tmx_is_valid_against_the_tmx_14_dtd_omegat_ships(tmp_path):
    """A second, independent schema: the TMX 1.4 DTD inside OmegaT's jar (not copied into the project)."""
    omegat_or_skip()
    jar = Path("/usr/share/omegat/OmegaT.jar")
    with zipfile.ZipFile(jar) as archive:
        dtd = etree.DTD(archive.open("schemas/tmx14.dtd"))
    path = tmp_path / "out.tmx"
    write_tmx(path, [translation_unit(t, provenance(), 0.9) for t in adversarial_translations()], provenance())
    assert dtd.validate(etree.parse(str(path))), dtd.error_log.filter_from_errors()


# --- post-editing --------------------------------------------------------------------------------


def test_postedit_writes_the_edited_segments_and_measures_hter(tmp_path, runner):
    mt = ["the cat sat on mat", "He go home yesterday .", "Good morning .", "An untouched draft ."]
    translations = [Translation(Segment("doc", i + 1, 1, f"جملة رقم {i + 1}."), t, -0.2) for i, t in enumerate(mt)]
    xlf = tmp_path / "draft.xlf"
    write_xliff(xlf, [translation_xliff_unit(t) for t in translations], provenance())
    edit_units(xlf, {"doc:1:1": ("the cat sat on the mat", None),          # 1 insertion / 6 words
                    "doc:2:1": ("He went home yesterday .", "translated"),  # 1 substitution / 5 words
                    "doc:3:1": (None, "final")})                            # accepted as it was: 0 edits

    result = runner.invoke(cli, ["postedit", str(xlf), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    segments = {s["id"]: s for s in report["segments"]}
    assert sorted(segments) == ["doc:1:1", "doc:2:1", "doc:3:1"]
    assert segments["doc:1:1"]["hter"] == pytest.approx(100 / 6, abs=0.01) and segments["doc:1:1"]["reason"] == "changed"
    assert segments["doc:2:1"]["hter"] == pytest.approx(20.0) and segments["doc:2:1"]["state"] == "translated"
    assert segments["doc:3:1"]["hter"] == 0.0 and segments["doc:3:1"]["reason"] == "state"
    summary = report["summary"]
    assert (summary["units"], summary["post_edited"], summary["edits"], summary["words"]) == (4, 3, 2, 14)
    assert summary["hter"] == pytest.approx(100 * 2 / 14, abs=0.01) and "case:mixed" in summary["signature"]

    tmx = xlf.with_suffix(".postedit.tmx")
    assert validate_tmx(tmx) == []
    units = {u.tuid: u for u in read_tmx(tmx)}
    assert units["doc:1:1"].variants == {"ar": "جملة رقم 1.", "en": "the cat sat on the mat"}
    assert units["doc:1:1"].props["x-mt"] == "the cat sat on mat" and units["doc:2:1"].props["x-state"] == "translated"
    assert read_tmx_header(tmx)["props"]["x-model"] == "tiny-model"

    text = runner.invoke(cli, ["postedit", str(xlf), "-o", str(tmp_path / "pe.tmx")])
    assert text.exit_code == 0 and "doc:2:1\ttranslated\tstate\t5\t1\t20" in text.output
    assert "3 of 4 segments post-edited; HTER 14.29" in text.output


def test_postedit_rejects_what_is_not_xliff_12(tmp_path, runner):
    bad = tmp_path / "bad.xlf"
    bad.write_text("<xliff version='1.2'><file><body><trans-unit id='1'>", encoding="utf-8")
    result = runner.invoke(cli, ["postedit", str(bad)])
    assert result.exit_code == 2 and result.output.startswith(f"error: {bad}: not a readable XLIFF file")
    v2 = tmp_path / "v2.xlf"
    v2.write_text('<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ar"/>',
                  encoding="utf-8")
    result = runner.invoke(cli, ["postedit", str(v2)])
    assert result.exit_code == 2 and "XLIFF version 2.0 is not supported" in result.output
    assert not (tmp_path / "v2.postedit.tmx").exists() and not (tmp_path / "bad.postedit.tmx").exists()


def test_every_writer_has_one_interface_and_leaves_nothing_on_failure(tmp_path):
    """TMX, XLIFF, JSONL and Moses: ``with open_x(...) as writer: writer.write(unit)``, counts
    afterwards, and no file at all when the block fails."""
    from parallel.formats.base import Writer
    from parallel.formats.jsonl import open_jsonl
    from parallel.formats.moses import open_moses
    from parallel.formats.tmx import open_tmx, translation_unit
    from parallel.formats.xliff import open_xliff

    translation = Translation(Segment("doc", 1, 1, "جملة."), "A sentence.", -0.2)
    cases = [
        (lambda d: open_tmx(d / "x.tmx", provenance()), translation_unit(translation, provenance())),
        (lambda d: open_xliff(d / "x.xlf", provenance()), translation_xliff_unit(translation)),
        (lambda d: open_jsonl(d / "x.jsonl"), {"id": "doc:1:1"}),
        (lambda d: open_moses(d / "x"), ("doc:1:1", "جملة.", "A sentence.")),
    ]
    for number, (open_writer, unit) in enumerate(cases):
        good, bad = tmp_path / f"good{number}", tmp_path / f"bad{number}"
        good.mkdir(), bad.mkdir()
        with open_writer(good) as writer:
            assert isinstance(writer, Writer)
            writer.write(unit)
            writer.write_all([unit])
        assert writer.counts["units"] == 2 and list(good.iterdir())
        with pytest.raises(RuntimeError):
            with open_writer(bad) as writer:
                writer.write(unit)
                raise RuntimeError("stop")
        assert list(bad.iterdir()) == []
