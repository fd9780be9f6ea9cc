"""XLIFF 1.2 for post-editing: one ``<file>`` per document, one ``<trans-unit>`` per segment.

The MT is both the ``<target>`` (state ``needs-review-translation``, qualifier ``mt-suggestion``)
and an ``<alt-trans>`` proposal, so that after a translator has edited the target the file still
says what the machine proposed; ``parallel postedit`` measures the effort from the two.
Documents are written one at a time, so memory is bounded by the largest document.
"""
from __future__ import annotations

import contextlib
import copy
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

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MT_STATE = "needs-review-translation"
MT_QUALIFIER = "mt-suggestion"
_INLINE_CODE = {"ph", "bpt", "ept", "it", "sub", "x", "bx", "ex"}  # native code or placeholders, not text


def _q(name: str) -> str:
    return f"{{{XLIFF_NS}}}{name}"


@dataclass
class XliffUnit:
    """One ``<trans-unit>`` as written or read back; ``mt`` is the ``<alt-trans>`` proposal.

    ``restype`` is read (a gettext header unit from po2xliff has ``x-gettext-domain-header``) and
    never written: the units we write are sentences."""
    id: str
    document: str
    source: str
    target: str
    state: str | None = MT_STATE
    state_qualifier: str | None = MT_QUALIFIER
    mt: str | None = None
    notes: list[str] = field(default_factory=list)
    restype: str | None = None


def translation_xliff_unit(translation: Translation) -> XliffUnit:
    """The unit for one machine-translated segment, flags and score as notes."""
    notes = [f"mt-score: {translation.score:.4f}"]
    if translation.flags:
        notes.insert(0, f"flags: {', '.join(translation.flags)}")
    segment = translation.segment
    return XliffUnit(segment.id, segment.doc_id, segment.text, translation.text, mt=translation.text, notes=notes)


def provenance_notes(provenance: Provenance) -> list[str]:
    """The provenance lines written as XLIFF notes: model, its checksum and the creation time."""
    return [f"model: {provenance.model_name}", f"model-sha256: {provenance.model_sha256}",
            f"created: {provenance.created.isoformat()}"]


def _file_element(document: str, units: list[XliffUnit], provenance: Provenance,
                  document_notes: list[str] = ()) -> tuple[etree._Element, int]:
    removed = 0

    def text_of(parent: etree._Element, tag: str, text: str, **attributes: str) -> etree._Element:
        nonlocal removed
        element = etree.SubElement(parent, _q(tag), {k: v for k, v in attributes.items() if v is not None})
        element.text, count = xml_safe(text)
        removed += count
        return element

    file = etree.Element(_q("file"), {"original": document, "source-language": provenance.source_language,
                                      "target-language": provenance.target_language, "datatype": "plaintext",
                                      "tool-id": provenance.tool,
                                      "date": provenance.created.strftime("%Y-%m-%dT%H:%M:%SZ")},
                         nsmap={None: XLIFF_NS})
    header = etree.SubElement(file, _q("header"))
    etree.SubElement(header, _q("tool"), {"tool-id": provenance.tool, "tool-name": provenance.tool,
                                          "tool-version": provenance.tool_version})
    for note in [*provenance_notes(provenance), *document_notes]:
        text_of(header, "note", note)
    body = etree.SubElement(file, _q("body"))
    for unit in units:
        trans_unit = etree.SubElement(body, _q("trans-unit"), {"id": xml_safe(unit.id)[0],
                                                              f"{{{XML_NS}}}space": "preserve"})
        text_of(trans_unit, "source", unit.source, **{f"{{{XML_NS}}}lang": provenance.source_language})
        text_of(trans_unit, "target", unit.target, **{f"{{{XML_NS}}}lang": provenance.target_language,
                                                      "state": unit.state,
                                                      "state-qualifier": unit.state_qualifier})
        for note in unit.notes:
            text_of(trans_unit, "note", note, annotates="target", **{"from": provenance.tool})
        if unit.mt is not None:
            alt = etree.SubElement(trans_unit, _q("alt-trans"), {"origin": provenance.model_name,
                                                                 "alttranstype": "proposal"})
            text_of(alt, "target", unit.mt, **{f"{{{XML_NS}}}lang": provenance.target_language})
    return file, removed


class XliffWriter(Writer):
    """An XLIFF 1.2 file written unit by unit (``write(XliffUnit)``): a ``<file>`` per run of units
    from one document, written when the next document starts or the file is closed.

    ``document_notes`` (document id -> lines) adds notes to a document's ``<file>`` header: where a
    web page came from, for instance."""

    def __init__(self, path: Path, provenance: Provenance) -> None:
        super().__init__()
        self.path, self._provenance = Path(path), provenance
        self._pending: list[XliffUnit] = []
        self.counts = {"files": 0, "units": 0, "removed_characters": 0}
        self.document_notes: dict[str, list[str]] = {}

    def _open(self, stack) -> None:
        handle = stack.enter_context(atomic_write(self.path, "wb"))
        stack.callback(handle.write, b"\n")  # after xmlfile has flushed: lxml buffers what it writes
        xf = stack.enter_context(etree.xmlfile(handle, encoding="UTF-8"))
        xf.write_declaration()
        stack.enter_context(xf.element(_q("xliff"), {"version": "1.2"}, nsmap={None: XLIFF_NS}))
        xf.write("\n")
        self._xf = xf

    def write(self, unit: XliffUnit) -> None:
        """Queue a unit; the units of a document are written together, as one XLIFF ``<file>``."""
        if self._pending and self._pending[-1].document != unit.document:
            self.flush()
        self._pending.append(unit)

    def _finish(self) -> None:
        self.flush()

    def flush(self) -> None:
        """Write the pending document's ``<file>``."""
        if not self._pending:
            return
        document = self._pending[0].document
        element, removed = _file_element(document, self._pending, self._provenance,
                                         self.document_notes.pop(document, []))
        self._xf.write(element, pretty_print=False)
        self._xf.write("\n")
        self.counts["files"] += 1
        self.counts["units"] += len(self._pending)
        self.counts["removed_characters"] += removed
        self._pending = []


def open_xliff(path: Path, provenance: Provenance) -> XliffWriter:
    """An XLIFF 1.2 file written a document at a time; it appears at ``path`` only when the block
    succeeds."""
    return XliffWriter(path, provenance)


def write_xliff(path: Path, units: Iterable[XliffUnit], provenance: Provenance) -> dict:
    """Write XLIFF 1.2, a ``<file>`` per run of units from one document.

    Returns counts: ``files``, ``units`` and ``removed_characters`` (XML-forbidden, dropped)."""
    with open_xliff(path, provenance) as writer:
        for unit in units:
            writer.write(unit)
    return writer.counts


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def inline_text(element: etree._Element | None) -> str:
    """Text of a ``<source>``/``<target>``: ``g``/``mrk`` content kept, inline codes left out."""
    if element is None:
        return ""
    parts = [element.text or ""]
    for child in element:
        if _local(child) not in _INLINE_CODE:
            parts.append(inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _child(element: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in element if _local(c) == name), None)


def _unit(element: etree._Element, document: str) -> XliffUnit:
    target = _child(element, "target")
    alt = next((a for a in element if _local(a) == "alt-trans"
                and a.get("alttranstype", "proposal") == "proposal"), None)
    return XliffUnit(
        id=element.get("id", ""), document=document,
        source=inline_text(_child(element, "source")),
        target=inline_text(target),
        state=target.get("state") if target is not None else None,
        state_qualifier=target.get("state-qualifier") if target is not None else None,
        mt=inline_text(_child(alt, "target")) if alt is not None and _child(alt, "target") is not None else None,
        notes=[inline_text(n) for n in element if _local(n) == "note"],
        restype=element.get("restype"))


def read_xliff(path: Path) -> Iterator[XliffUnit]:
    """Stream the trans-units of an XLIFF 1.x file (with or without the 1.2 namespace)."""
    document = ""
    try:
        for event, element in etree.iterparse(str(path), events=("start", "end"), huge_tree=True,
                                              resolve_entities=False, no_network=True):
            name = _local(element)
            if event == "start" and name == "xliff":
                _check_version(path, element)
                _refuse_entities(path, element)
            elif event == "start" and name == "file":
                document = element.get("original", "")
            elif event == "end" and name == "trans-unit":
                yield _unit(element, document)
                element.clear()
    except (etree.XMLSyntaxError, OSError) as exc:
        raise InputError(f"{path}: not a readable XLIFF file ({first_line(exc)})") from exc


def _refuse_entities(path: Path, root: etree._Element) -> None:
    """XLIFF needs no entities of its own.  Declared ones are never expanded (no file or network
    is read, no "billion laughs"), and a file that declares them is refused rather than read with
    ``&name;`` left in its text."""
    dtd = root.getroottree().docinfo.internalDTD
    names = [entity.name for entity in dtd.iterentities()] if dtd is not None else []
    if names:
        listed = ", ".join(f"&{name};" for name in names[:5])
        raise InputError(f"{path}: declares XML entities ({listed}), which XLIFF does not use; "
                         "export the file again from the CAT tool")


def _check_version(path: Path, root: etree._Element) -> None:
    version = root.get("version", "")
    if not version.startswith("1."):
        raise InputError(f"{path}: XLIFF version {version or '(none)'} is not supported; expected 1.2")


def read_xliff_file_info(path: Path) -> dict:
    """The first ``<file>``'s languages and the ``key: value`` notes of its header (model, sha256)."""
    info: dict[str, str] = {}
    try:
        for event, element in etree.iterparse(str(path), events=("start", "end"), no_network=True,
                                              resolve_entities=False):
            name = _local(element)
            if event == "start" and name == "file":
                info["source-language"] = element.get("source-language", "")
                info["target-language"] = element.get("target-language", "")
            elif event == "end" and name == "header":
                notes = (inline_text(n) for n in element if _local(n) == "note")
                info.update(note.split(": ", 1) for note in notes if ": " in note)
                break
            elif event == "start" and name == "body":
                break
    except (etree.XMLSyntaxError, OSError) as exc:
        raise InputError(f"{path}: not a readable XLIFF file ({first_line(exc)})") from exc
    return info


def _source_as_target(unit: etree._Element, target_language: str | None) -> None:
    """Put a copy of the unit's ``<source>`` (inline elements included) in its ``<target>``, state
    ``needs-translation``; a target that held text no ``<alt-trans>`` proposal keeps becomes one."""
    source = _child(unit, "source")
    if source is None:
        return
    namespace = etree.QName(source).namespace
    tag = (lambda name: f"{{{namespace}}}{name}") if namespace else (lambda name: name)
    target = _child(unit, "target")
    if target is None:
        target = etree.Element(tag("target"))
        if target_language:
            target.set(f"{{{XML_NS}}}lang", target_language)
        source.addnext(target)
    has_proposal = any(_local(a) == "alt-trans" and a.get("alttranstype", "proposal") == "proposal" for a in unit)
    if inline_text(target).strip() and not has_proposal:
        alt = etree.SubElement(unit, tag("alt-trans"), {"alttranstype": "proposal"})
        proposal = copy.deepcopy(target)
        proposal.tail = None
        for attribute in ("state", "state-qualifier"):
            proposal.attrib.pop(attribute, None)
        alt.append(proposal)
    attributes, tail = dict(target.attrib), target.tail
    target.clear()
    target.attrib.update(attributes)
    target.tail = tail
    target.set("state", "needs-translation")
    target.attrib.pop("state-qualifier", None)
    target.text = source.text
    for child in source:
        target.append(copy.deepcopy(child))


def write_source_as_target(path: Path, out_path: Path) -> int:
    """Copy the XLIFF 1.x file ``path`` to ``out_path`` with each ``<target>`` holding its source.

    OmegaT's own XLIFF filter translates the text it finds in ``<target>`` (``<source>`` is never
    read; a unit without target text is not a segment), so this is the file it needs for the
    source to be Arabic; the MT stays in ``<alt-trans>``, notes and everything else as they were.
    Written a ``<file>`` at a time; returns the number of trans-units."""
    try:
        handle_in = open(path, "rb")
    except OSError as exc:
        raise InputError(f"{path}: not a readable XLIFF file ({exc.strerror or exc})") from exc
    units = 0
    with handle_in, contextlib.ExitStack() as stack:
        handle = stack.enter_context(atomic_write(out_path, "wb"))
        stack.callback(handle.write, b"\n")  # after xmlfile has flushed
        xf = stack.enter_context(etree.xmlfile(handle, encoding="UTF-8"))
        xf.write_declaration()
        try:
            for event, element in etree.iterparse(handle_in, events=("start", "end"), huge_tree=True,
                                                  resolve_entities=False, no_network=True):
                name = _local(element)
                if event == "start" and element.getparent() is None and name != "xliff":
                    raise InputError(f"{path}: not an XLIFF file (its root element is <{name}>)")
                if event == "start" and name == "xliff":
                    _check_version(path, element)
                    _refuse_entities(path, element)
                    stack.enter_context(xf.element(element.tag, dict(element.attrib), nsmap=element.nsmap))
                    xf.write("\n")
                elif event == "end" and name == "file":
                    trans_units = [e for e in element.iter() if _local(e) == "trans-unit"]
                    for unit in trans_units:
                        _source_as_target(unit, element.get("target-language"))
                    units += len(trans_units)
                    element.tail = None
                    xf.write(element)
                    xf.write("\n")
                    element.clear()
                    while element.getprevious() is not None:
                        del element.getparent()[0]
        except etree.XMLSyntaxError as exc:
            raise InputError(f"{path}: not a readable XLIFF file ({first_line(exc)})") from exc
    return units


def validate_xliff(path: Path) -> list[str]:
    """Problems found by validating ``path`` against our XLIFF 1.2 schema; empty when valid."""
    return validation_errors(path, "xliff12.rng")


def read_xliff_records(path: Path) -> Iterator[dict]:
    """The sentence units of an XLIFF file as pair records: the source, and the target as the
    translator left it (a post-edit, or the MT); header units and units without both texts are skipped."""
    for unit in read_xliff(path):
        if unit.restype is None and unit.source.strip() and unit.target.strip():
            record = {"id": unit.id, "doc": unit.document, "source": unit.source, "target": unit.target}
            if unit.mt is not None:
                record["mt"] = unit.mt
            yield record


RECORDS = RecordFormat("xliff", (".xlf", ".xliff"), open=None, read=read_xliff_records)
