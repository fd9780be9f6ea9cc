"""TMX 1.4b: translation units streamed with lxml's incremental writer, a streaming reader, and
validation against the RELAX NG schema of the subset we write (``schemas/tmx14b.rng``).

Characters XML 1.0 cannot carry (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, lone
surrogates) are dropped from segments and counted; everything else, bidi marks, emoji and
markup-like text included, is written so that reading the file back gives it unchanged.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from lxml import etree

from parallel.errors import InputError
from parallel.files import atomic_write
from parallel.formats import first_line, validation_errors, xml_safe
from parallel.formats.base import Writer
from parallel.formats.provenance import Provenance
from parallel.formats.registry import RecordFormat
from parallel.records import Translation

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class TmxUnit:
    """One ``<tu>``: its id, text per language (source first) and ``x-`` properties in order."""
    tuid: str
    variants: dict[str, str]
    props: dict[str, str] = field(default_factory=dict)


def translation_unit(translation: Translation, provenance: Provenance,
                     alignment_score: float | None = None, source_url: str = "") -> TmxUnit:
    """The TMX unit for one machine-translated segment; ``source_url`` is the web page the article
    was read from (``x-source-url``), when it was."""
    segment = translation.segment
    props = {"x-document": segment.doc_id, "x-paragraph": str(segment.para),
             "x-model": provenance.model_name, "x-mt-score": f"{translation.score:.4f}"}
    if alignment_score is not None:
        props["x-alignment-score"] = f"{alignment_score:.4f}"
    if translation.flags:
        props["x-flags"] = ",".join(translation.flags)
    if source_url:
        props["x-source-url"] = source_url
    return TmxUnit(segment.id, {provenance.source_language: segment.text,
                                provenance.target_language: translation.text}, props)


def _header_attributes(provenance: Provenance) -> dict[str, str]:
    return {
        "creationtool": provenance.tool,
        "creationtoolversion": provenance.tool_version,
        "segtype": "sentence",
        "o-tmf": provenance.tool,
        "adminlang": "en",
        "srclang": provenance.source_language,
        "datatype": "plaintext",
        "creationdate": provenance.created.strftime("%Y%m%dT%H%M%SZ"),
    }


def _header_props(provenance: Provenance) -> dict[str, str]:
    return {"x-model": provenance.model_name, "x-model-sha256": provenance.model_sha256,
            "x-options": json.dumps(provenance.options, sort_keys=True, ensure_ascii=False)}


def _prop_element(kind: str, value: str) -> etree._Element:
    element = etree.Element("prop", type=kind)
    element.text = xml_safe(value)[0]
    return element


def _tu_element(unit: TmxUnit) -> tuple[etree._Element, int]:
    tu = etree.Element("tu", tuid=xml_safe(unit.tuid)[0])
    for kind, value in unit.props.items():
        tu.append(_prop_element(kind, value))
    removed = 0
    for lang, text in unit.variants.items():
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
        clean, count = xml_safe(text)
        removed += count
        etree.SubElement(tuv, "seg").text = clean
    return tu, removed


class TmxWriter(Writer):
    """A TMX 1.4b file written ``<tu>`` by ``<tu>`` (``write(TmxUnit)``); counts units and the
    XML-forbidden characters dropped from them."""

    def __init__(self, path: Path, provenance: Provenance) -> None:
        super().__init__()
        self.path, self.provenance = Path(path), provenance
        self.counts = {"units": 0, "removed_characters": 0}

    def _open(self, stack) -> None:
        handle = stack.enter_context(atomic_write(self.path, "wb"))
        stack.callback(handle.write, b"\n")  # after xmlfile has flushed: lxml buffers what it writes
        xf = stack.enter_context(etree.xmlfile(handle, encoding="UTF-8"))
        xf.write_declaration()
        stack.enter_context(xf.element("tmx", version="1.4"))
        xf.write("\n")
        with xf.element("header", _header_attributes(self.provenance)):
            for kind, value in _header_props(self.provenance).items():
                xf.write(_prop_element(kind, value))
        xf.write("\n")
        stack.enter_context(xf.element("body"))
        xf.write("\n")
        self._xf = xf

    def write(self, unit: TmxUnit) -> None:
        """Write one translation unit, streamed: nothing of earlier units is kept in memory."""
        tu, removed = _tu_element(unit)
        self._xf.write(tu)
        self._xf.write("\n")
        self.counts["units"] += 1
        self.counts["removed_characters"] += removed


def open_tmx(path: Path, provenance: Provenance) -> TmxWriter:
    """A TMX 1.4b file written unit by unit (``with open_tmx(...) as writer: writer.write(unit)``);
    it appears at ``path`` only when the block succeeds."""
    return TmxWriter(path, provenance)


def unit_from_record(record: dict) -> TmxUnit:
    """A record (a translation, pair or check) as a ``<tu>``: its id, the Arabic and the English, and
    its document, flags and alignment score as ``x-`` properties where it has them."""
    props = {key: value for key, value in (("x-document", record.get("doc")),
                                           ("x-flags", ",".join(record.get("flags") or ())),
                                           ("x-alignment-score", record.get("alignment_score")))
             if value is not None and value != ""}
    return TmxUnit(str(record["id"]), {"ar": record["source"], "en": record["target"]},
                   {k: (f"{v:.4f}" if isinstance(v, float) else str(v)) for k, v in props.items()})


# properties only units written by ``parallel`` carry, and only after their flags were set: those
# flags were judged by the length model of their run (calibrated), which a later reader cannot redo
CHECKED_PROPS = {"x-mt-score", "x-alignment-score"}


def record_from_unit(unit: TmxUnit, index: int) -> dict:
    """A ``<tu>`` of any TMX as a pair record: the Arabic and English variants, and the properties
    ``unit_from_record`` writes where present."""
    source = next((text for lang, text in unit.variants.items() if lang.lower().startswith("ar")), None)
    target = next((text for lang, text in unit.variants.items() if lang.lower().startswith("en")), None)
    if source is None or target is None:
        raise InputError(f"translation unit {unit.tuid or index} has no Arabic or no English variant")
    record = {"id": unit.tuid or str(index), "source": source, "target": target}
    if unit.props.get("x-flags"):
        record["flags"] = unit.props["x-flags"].split(",")
    elif CHECKED_PROPS & set(unit.props):   # a unit we wrote was checked: no x-flags is no flag, not "unknown"
        record["flags"] = []
    if unit.props.get("x-alignment-score"):
        try:
            record["alignment_score"] = float(unit.props["x-alignment-score"])
        except ValueError:
            raise InputError(f"translation unit {unit.tuid or index}: x-alignment-score "
                             f"{unit.props['x-alignment-score']!r} is not a number") from None
    if unit.props.get("x-document"):
        record["doc"] = unit.props["x-document"]
    return record


class TmxRecordWriter(TmxWriter):
    """A TMX file written record by record (``write(dict)``), each record a ``<tu>``."""

    def write(self, unit: TmxUnit | dict) -> None:
        """Write one record (or unit) as a translation unit."""
        super().write(unit_from_record(unit) if isinstance(unit, dict) else unit)


def read_tmx_records(path: Path) -> Iterator[dict]:
    """Stream the pair records of a TMX file (``record_from_unit``)."""
    for index, unit in enumerate(read_tmx(path), start=1):
        yield record_from_unit(unit, index)


RECORDS = RecordFormat("tmx", (".tmx",), read=read_tmx_records,
                       open=lambda path, kind, provenance: TmxRecordWriter(path, provenance or Provenance("none", "")))


def write_tmx(path: Path, units: Iterable[TmxUnit], provenance: Provenance) -> dict:
    """Write a TMX 1.4b file from ``units``.

    Returns counts: ``units`` written and ``removed_characters`` (XML-forbidden, dropped)."""
    with open_tmx(path, provenance) as writer:
        for unit in units:
            writer.write(unit)
    return writer.counts


def _seg_text(seg: etree._Element | None) -> str:
    """Text of a ``<seg>``, inline codes (``bpt ept ph it ut``) left out, ``hi`` and ``sub`` kept."""
    if seg is None:
        return ""
    parts = [seg.text or ""]
    for child in seg:
        if child.tag in ("hi", "sub"):
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _language(tuv: etree._Element) -> str:
    return tuv.get(XML_LANG) or tuv.get("lang") or ""   # ``lang`` is TMX 1.1's spelling


def read_tmx(path: Path) -> Iterator[TmxUnit]:
    """Stream the translation units of a TMX file (any TMX 1.x, not only ours)."""
    try:
        for _, tu in etree.iterparse(str(path), tag="tu", huge_tree=True, resolve_entities=False,
                                     no_network=True):
            variants = {_language(tuv): _seg_text(tuv.find("seg")) for tuv in tu.iterfind("tuv")}
            props = {p.get("type", ""): p.text or "" for p in tu.iterfind("prop")}
            yield TmxUnit(tu.get("tuid", ""), variants, props)
            tu.clear()
            while tu.getprevious() is not None:
                del tu.getparent()[0]
    except (etree.XMLSyntaxError, OSError) as exc:
        raise InputError(f"{path}: not a readable TMX file ({first_line(exc)})") from exc


def read_tmx_header(path: Path) -> dict:
    """The header's attributes and its ``prop``s (``{"attributes": …, "props": …}``)."""
    try:
        for _, header in etree.iterparse(str(path), tag="header", no_network=True, resolve_entities=False):
            return {"attributes": dict(header.attrib),
                    "props": {p.get("type", ""): p.text or "" for p in header.iterfind("prop")}}
    except (etree.XMLSyntaxError, OSError) as exc:
        raise InputError(f"{path}: not a readable TMX file ({first_line(exc)})") from exc
    raise InputError(f"{path}: no TMX header")


def validate_tmx(path: Path) -> list[str]:
    """Problems found by validating ``path`` against our TMX 1.4b schema; empty when valid."""
    return validation_errors(path, "tmx14b.rng")
