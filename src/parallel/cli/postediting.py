"""Post-editing from the command line: ``omegat-project`` (an OmegaT project that post-edits the corpus
XLIFF) and ``postedit`` (what came back: the edited segments as TMX, HTER per segment and in total)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from parallel.runs.postedit import make_omegat_project, run_postedit


@click.command("omegat-project")
@click.argument("xliff", type=click.Path(path_type=Path))
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--tmx", "tmx_path", type=click.Path(path_type=Path),
              help="The MT as a translation memory [default: the XLIFF with .tmx, e.g. corpus/ar-en.tmx].")
def omegat_project_command(xliff: Path, project: Path, tmx_path: Path | None) -> None:
    """Make a new OmegaT project in PROJECT to post-edit XLIFF (docs/postediting.md).

    OmegaT's own XLIFF filter translates the text of each <target>: source/ gets a copy of XLIFF whose
    targets hold the source text (the MT stays in <alt-trans>), tm/auto/ the TMX, whose MT OmegaT
    inserts as translations. After post-editing, Project > Create Translated Documents writes
    PROJECT/target/, which `parallel postedit` reads."""
    made = make_omegat_project(xliff, project, tmx_path)
    click.echo(f"wrote {made.folder}: {made.units} segments in source/{made.source.name}, the MT in "
               f"tm/auto/{made.memory.name}; open it in OmegaT, post-edit, Project > Create Translated "
               f"Documents, then: parallel postedit {made.target}", err=True)


@click.command("postedit")
@click.argument("xliff", type=click.Path(path_type=Path))
@click.option("--out", "-o", "tmx_path", type=click.Path(path_type=Path),
              help="TMX of the post-edited segments [default: XLIFF with .postedit.tmx].")
@click.option("--json", "as_json", is_flag=True, help="Per-segment and total effort as JSON.")
def postedit_command(xliff: Path, tmx_path: Path | None, as_json: bool) -> None:
    """Read a post-edited XLIFF: write its edited segments to TMX and report HTER per segment and in total."""
    result = run_postedit(xliff, tmx_path or xliff.with_suffix(".postedit.tmx"))
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return
    click.echo(result.format())
    click.echo(result.format_summary(), err=True)
