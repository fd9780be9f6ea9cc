"""TMX 1.4b: translation units streamed with lxml's incremental writer, and a reader."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from lxml import etree

from ..documents import Translation
from ..files import atomic_write
from . import xml_safe
from .provenance import Provenance

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _prop(xf, kind: str, value: str) -> None:
    element = etree.Element("prop", type=kind)
    element.text = value
    xf.write(element)


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


def _tu(translation: Translation, provenance: Provenance) -> tuple[etree._Element, int]:
    segment = translation.segment
    removed = 0
    tu = etree.Element("tu", tuid=segment.id)
    props = [("x-document", segment.doc_id), ("x-paragraph", str(segment.para)),
             ("x-model", provenance.model_name), ("x-mt-score", f"{translation.score:.4f}")]
    if translation.flags:
        props.append(("x-flags", ",".join(translation.flags)))
    for kind, value in props:
        etree.SubElement(tu, "prop", type=kind).text = value
    for lang, text in ((provenance.source_language, segment.text),
                       (provenance.target_language, translation.text)):
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
        clean, count = xml_safe(text)
        removed += count
        etree.SubElement(tuv, "seg").text = clean
    return tu, removed


def write_tmx(path: Path, translations: Iterable[Translation], provenance: Provenance) -> dict:
    """Write a TMX 1.4b file unit by unit; returns counts (units, removed characters)."""
    units = removed = 0
    with atomic_write(path, "wb") as handle:
        with etree.xmlfile(handle, encoding="UTF-8") as xf:
            xf.write_declaration()
            with xf.element("tmx", version="1.4"):
                xf.write("\n")
                with xf.element("header", _header_attributes(provenance)):
                    _prop(xf, "x-model", provenance.model_name)
                    _prop(xf, "x-model-sha256", provenance.model_sha256)
                    _prop(xf, "x-options", json.dumps(provenance.options, sort_keys=True, ensure_ascii=False))
                xf.write("\n")
                with xf.element("body"):
                    xf.write("\n")
                    for translation in translations:
                        tu, count = _tu(translation, provenance)
                        xf.write(tu)
                        xf.write("\n")
                        units += 1
                        removed += count
            handle.write(b"\n")
    return {"units": units, "removed_characters": removed}


@dataclass
class TmxUnit:
    tuid: str
    variants: dict[str, str]
    props: dict[str, str] = field(default_factory=dict)


def read_tmx(path: Path) -> Iterator[TmxUnit]:
    """Stream the translation units of a TMX file."""
    for _, tu in etree.iterparse(str(path), tag="tu"):
        variants = {tuv.get(XML_LANG) or tuv.get("lang"): "".join(tuv.findtext("seg") or "")
                    for tuv in tu.iterfind("tuv")}
        props = {p.get("type"): p.text or "" for p in tu.iterfind("prop")}
        yield TmxUnit(tu.get("tuid", ""), variants, props)
        tu.clear()
