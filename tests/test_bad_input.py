"""Bad input and the command line's promises, second round (issue 36): every option documented, the
help says what each command accepts, options that cannot apply are refused rather than ignored."""
from __future__ import annotations

import click
import pytest

from parallel.cli.main import cli


def commands(group: click.Group = cli, prefix: str = ""):
    """Every command, by its full name (``eval align``)."""
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


def test_every_option_of_every_command_says_what_it_does(runner):
    names = dict(commands())
    assert {"segment", "translate", "corpus", "align", "filter", "postedit", "eval align"} <= set(names)
    for name, command in names.items():
        undocumented = [p.opts[0] for p in command.params if isinstance(p, click.Option) and not (p.help or "").strip()]
        assert not undocumented, f"parallel {name}: {undocumented}"
        short = runner.invoke(cli, [*name.split(), "-h"])
        assert short.exit_code == 0 and short.output.startswith(f"Usage: cli {name} "), name


# What each command's help must say it accepts (file kinds, defaults a user decides by).
HELP_SAYS = {
    "segment": [".en.txt"],
    "translate": [".txt", ".html", ".jsonl", "--engine", "[default: local]"],
    "corpus": [".txt", ".html", "--fetch / --no-fetch", "[default: no-fetch]", "[default: corpus]"],
    "align": [".en.txt", "--beam-size", "--models-dir", "Where models live", "[default: no pivot]"],
    "filter": [".jsonl", ".parquet", ".tmx", "--min-score", "--remove-duplicates"],
    "postedit": ["XLIFF", ".postedit.tmx"],
}


@pytest.mark.parametrize("name", sorted(HELP_SAYS))
def test_the_help_says_what_the_command_accepts(runner, name):
    shown = " ".join(runner.invoke(cli, [name, "--help"]).output.split())
    missing = [text for text in HELP_SAYS[name] if text not in shown]
    assert not missing, f"parallel {name} --help lacks {missing}"


@pytest.mark.parametrize("args, refused", [
    (["translate", "x.txt", "--actors", "3"], "--actors: only with --engine ray"),
    (["translate", "x.txt", "--address", "auto", "--threads-per-actor", "2"], "--address, --threads-per-actor: only with --engine ray"),
    (["translate", "x.txt", "--out", "d"], "--out and --format are for --engine ray"),
    (["translate", "x.txt", "--format", "parquet"], "--out and --format are for --engine ray"),
    (["corpus", "--gpus-per-actor", "0.5"], "--gpus-per-actor: only with --engine ray"),
    (["align", "a.txt", "a.en.txt", "--actors", "4"], "--actors: only with --engine ray"),
])
def test_ray_options_on_the_local_engine_are_refused(runner, tmp_path, monkeypatch, args, refused):
    """Issue 36.8: they were ignored without a word (exit 0, output on stdout, no file)."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, args)
    assert result.exit_code == 2 and refused in result.output
    assert list(tmp_path.iterdir()) == []


def test_align_translates_its_pivot_with_the_decoding_options_given(runner, tmp_path, installed_models, monkeypatch):
    """Issue 36.15: `align --model` took the default decoding options only."""
    from parallel.runs import align as align_run

    seen = []
    opened = align_run.open_engine
    monkeypatch.setattr(align_run, "open_engine", lambda config, *rest: seen.append(config) or opened(config, *rest))
    (tmp_path / "a.txt").write_text("قال الوزير إن الخطة جاهزة.\nوأضاف أن التنفيذ يبدأ غدا.\n", encoding="utf-8")
    (tmp_path / "a.en.txt").write_text("The minister said the plan is ready.\nHe added that work starts tomorrow.\n",
                                       encoding="utf-8")
    result = runner.invoke(cli, ["align", str(tmp_path / "a.txt"), str(tmp_path / "a.en.txt"), "--model", "opus-mt-ar-en",
                                 "--models-dir", str(installed_models), "--beam-size", "2", "--threads", "1",
                                 "--no-cache", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (config,) = seen
    assert (config.options.beam_size, config.options.threads, config.use_cache) == (2, 1, False)
