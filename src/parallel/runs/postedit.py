"""Post-editing. The way back: read an edited XLIFF, keep the edited segments, measure effort; the
way there for OmegaT: ``make_omegat_project`` (docs/postediting.md).

A segment counts as post-edited when its target's state says a person has dealt with it
(``translated``, ``final``, ``signed-off``) or when its target differs from the MT proposal.
Some units are never post-edited segments, whatever their state, and are skipped with a reason:
a gettext header (po2xliff's ``restype="x-gettext-domain-header"``), a unit without source text,
a unit whose target is missing or empty (deleted by the editor, or an empty target marked
translated), and a target that is a copy of the source where the MT said otherwise (what a CAT
tool writes for a segment left untranslated, OmegaT among them).
Effort is HTER: TER (sacrebleu) from the MT to the post-edited target, per segment and over
all edited segments (total edits / total post-edit words, as sacrebleu's corpus TER does).
"""
from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from sacrebleu.metrics import TER

from parallel.errors import InputError, location_error
from parallel.formats.provenance import Provenance
from parallel.formats.tmx import TmxUnit, read_tmx_header, write_tmx
from parallel.formats.xliff import XliffUnit, read_xliff, read_xliff_file_info, write_source_as_target

EDITED_STATES = frozenset({"translated", "final", "signed-off"})
GETTEXT_HEADER = "x-gettext-domain-header"
SKIP_REASONS = {  # why a unit is not a post-edited segment; the keys are what --json reports
    "header": "gettext header",
    "empty_source": "no source text",
    "empty_target": "empty target",
    "source_copy": "target is the source",
}


@dataclass
class PostEdit:
    """A segment the post-editor changed or confirmed, with the edit's size (HTER) when the MT is known."""
    unit: XliffUnit
    reason: str                 # "state" or "changed"
    hter: float | None          # TER from MT to post-edit, in %; None when the MT is not known
    edits: int | None
    words: float | None         # post-edit length in TER's words


def skip_reason(unit: XliffUnit) -> str | None:
    """Why ``unit`` is not a post-edited segment whatever its state (a key of ``SKIP_REASONS``), or None."""
    if unit.restype == GETTEXT_HEADER:
        return "header"
    if not unit.source.strip():
        return "empty_source"
    if not unit.target.strip():
        return "empty_target"
    if unit.state not in EDITED_STATES and unit.mt is not None and unit.target == unit.source != unit.mt:
        return "source_copy"
    return None


def edit_reason(unit: XliffUnit) -> str | None:
    """Why ``unit`` counts as post-edited, or None when it does not (skipped units never do)."""
    if skip_reason(unit) is not None:
        return None
    if unit.state in EDITED_STATES:
        return "state"
    if unit.mt is not None and unit.target != unit.mt:
        return "changed"
    return None


def ter_metric() -> TER:
    """Case-sensitive TER: a post-editor's case fixes are edits too."""
    return TER(case_sensitive=True)


def post_edits(units: Iterable[XliffUnit], metric: TER | None = None) -> list[PostEdit]:
    """The units a post-editor touched (state changed or text edited), with HTER against the MT."""
    metric = metric or ter_metric()
    edited = []
    for unit in units:
        reason = edit_reason(unit)
        if reason is None:
            continue
        if unit.mt is None:
            edited.append(PostEdit(unit, reason, None, None, None))
            continue
        score = metric.sentence_score(unit.mt, [unit.target])
        edited.append(PostEdit(unit, reason, round(score.score, 2), score.num_edits, score.ref_length))
    return edited


def skipped_units(units: Iterable[XliffUnit]) -> list[tuple[XliffUnit, str]]:
    """The units that are not post-edited segments, each with its reason (a key of ``SKIP_REASONS``)."""
    return [(unit, reason) for unit in units if (reason := skip_reason(unit)) is not None]


def effort_summary(units: list[XliffUnit], edited: list[PostEdit], metric: TER | None = None) -> dict:
    """Totals over the file: units, segments (units less headers), edited units, skipped units by
    reason, and corpus HTER over the edited segments with an MT proposal."""
    metric = metric or ter_metric()
    measured = [e for e in edited if e.hter is not None]
    total = metric.corpus_score([e.unit.mt for e in measured], [[e.unit.target for e in measured]]) \
        if measured else None
    skipped = dict.fromkeys(SKIP_REASONS, 0)
    for _, reason in skipped_units(units):
        skipped[reason] += 1
    return {
        "units": len(units),
        "segments": len(units) - skipped["header"],
        "post_edited": len(edited),
        "skipped": skipped,
        "by_state": sum(e.reason == "state" for e in edited),
        "changed_target": sum(e.unit.mt is not None and e.unit.target != e.unit.mt for e in edited),
        "without_mt": len(edited) - len(measured),
        "hter": round(total.score, 2) if total else None,
        "edits": total.num_edits if total else None,
        "words": total.ref_length if total else None,
        # sacrebleu can sign a score only once it has seen references: none when nothing was measured
        "signature": str(metric.get_signature()) if total else None,
    }


def postedit_units(edited: list[PostEdit], source_language: str, target_language: str) -> Iterable[TmxUnit]:
    """TMX units of the post-edited segments, with the MT and the effort as properties."""
    for edit in edited:
        unit = edit.unit
        props = {"x-document": unit.document, "x-state": unit.state or "", "x-edit": edit.reason}
        if unit.mt is not None:
            props["x-mt"] = unit.mt
            props["x-hter"] = f"{edit.hter:.2f}"
        yield TmxUnit(unit.id, {source_language: unit.source, target_language: unit.target}, props)


@dataclass
class PostEditResult:
    """What ``run_postedit`` found and wrote: totals, each edited segment, the TMX, and the units
    skipped as not post-edited segments (``{"id", "reason"}``, reason a key of ``SKIP_REASONS``)."""

    summary: dict
    segments: list[dict]
    tmx: Path
    skipped: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        """The result as a JSON object: summary, one record per edited segment, the TMX written, the
        skipped units."""
        return {"summary": self.summary, "segments": self.segments, "tmx": str(self.tmx), "skipped": self.skipped}

    def format(self) -> str:
        """A tab-separated row per edited segment (id, state, why, words, edits, HTER)."""
        rows = ["id\tstate\twhy\twords\tedits\tHTER"]
        for segment in self.segments:
            cells = [segment["id"], segment["state"] or "-", segment["reason"],
                     *("-" if segment[k] is None else f"{segment[k]:g}" for k in ("words", "edits", "hter"))]
            rows.append("\t".join(cells))
        return "\n".join(rows)

    def format_summary(self) -> str:
        """One line: how many segments were post-edited, the HTER with its signature, the TMX."""
        summary = self.summary
        if summary["hter"] is None:
            hter = "not measured (nothing edited)" if not summary["post_edited"] else "not measured (no MT proposals)"
        else:
            hter = f"{summary['hter']:.2f} ({summary['signature']})"
        counts = [f"{count} {SKIP_REASONS[reason]}" for reason, count in summary["skipped"].items() if count]
        skipped = f"; skipped {sum(summary['skipped'].values())} ({', '.join(counts)})" if counts else ""
        return (f"{summary['post_edited']} of {summary['segments']} segments post-edited{skipped}; HTER {hter}; "
                f"wrote {self.tmx}")


def run_postedit(xliff_path: Path, tmx_path: Path) -> PostEditResult:
    """Read ``xliff_path``, write the post-edited segments to ``tmx_path``, and measure effort."""
    units = list(read_xliff(xliff_path))
    if not units:
        raise InputError(f"{xliff_path}: no trans-units")
    info = read_xliff_file_info(xliff_path)
    metric = ter_metric()
    edited = post_edits(units, metric)
    source_language = info.get("source-language") or "ar"
    target_language = info.get("target-language") or "en"
    provenance = Provenance(info.get("model", "unknown"), info.get("model-sha256", ""),
                            options={"from": Path(xliff_path).name},
                            source_language=source_language, target_language=target_language)
    summary = effort_summary(units, edited, metric)  # before writing: a failure leaves no TMX behind
    write_tmx(tmx_path, postedit_units(edited, source_language, target_language), provenance)
    segments = [{"id": e.unit.id, "state": e.unit.state, "reason": e.reason, "hter": e.hter,
                 "edits": e.edits, "words": e.words} for e in edited]
    skipped = [{"id": unit.id, "reason": reason} for unit, reason in skipped_units(units)]
    return PostEditResult(summary, segments, Path(tmx_path), skipped)


# --- the way there: an OmegaT project -------------------------------------------------------------

OMEGAT_PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>{source}</source_lang>
    <target_lang>{target}</target_lang>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""
OMEGAT_FOLDERS = ("source", "target", "tm/auto", "omegat", "glossary", "dictionary")


@dataclass
class OmegatProject:
    """An OmegaT project made by ``make_omegat_project``: where it is and what it holds."""

    folder: Path
    source: Path        # the XLIFF OmegaT translates: each target holds the source text
    memory: Path        # the MT as a translation memory, in tm/auto
    units: int

    @property
    def target(self) -> Path:
        """Where OmegaT writes the post-edited XLIFF (Project > Create Translated Documents)."""
        return self.folder / "target" / self.source.name


def make_omegat_project(xliff_path: Path, project: Path, tmx_path: Path | None = None) -> OmegatProject:
    """A new OmegaT project in ``project`` for post-editing ``xliff_path`` (docs/postediting.md).

    OmegaT's own XLIFF filter translates what is in ``<target>``, so ``source/`` gets a copy of the
    XLIFF whose targets hold the source text (the MT stays in ``<alt-trans>``), and ``tm/auto/`` the
    MT as a TMX (``tmx_path``, by default the ``.tmx`` beside the XLIFF): OmegaT inserts its exact
    matches, the MT, as translations. Sentence segmentation is off (one trans-unit, one segment).
    ``project`` must not exist or be empty; it appears complete or not at all."""
    xliff_path, project = Path(xliff_path), Path(project)
    tmx_path = Path(tmx_path) if tmx_path else xliff_path.with_suffix(".tmx")
    if project.exists() and (not project.is_dir() or any(project.iterdir())):
        raise InputError(f"{project}: already exists and is not an empty folder; name a new one")
    if not tmx_path.is_file():
        raise InputError(f"{tmx_path}: no such TMX (the MT as a translation memory); give it with --tmx")
    read_tmx_header(tmx_path)  # one clear error now rather than an empty memory in OmegaT
    info = read_xliff_file_info(xliff_path)
    staging = project.parent / f".{project.name}.{os.getpid()}.{secrets.token_hex(4)}"
    try:
        project.parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
    except OSError as exc:
        raise location_error(exc, project) from exc
    try:
        for folder in OMEGAT_FOLDERS:
            (staging / folder).mkdir(parents=True)
        (staging / "omegat.project").write_text(
            OMEGAT_PROJECT.format(source=info.get("source-language") or "ar",
                                  target=info.get("target-language") or "en"), encoding="utf-8")
        units = write_source_as_target(xliff_path, staging / "source" / xliff_path.name)
        if not units:
            raise InputError(f"{xliff_path}: no trans-units")
        shutil.copyfile(tmx_path, staging / "tm" / "auto" / tmx_path.name)
        os.replace(staging, project)  # over nothing or an empty folder
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise location_error(exc, project) from exc
        raise
    return OmegatProject(project, project / "source" / xliff_path.name, project / "tm" / "auto" / tmx_path.name,
                         units)
