"""Progress bars on a terminal, silence in CI and pipes."""
from __future__ import annotations

import os
import sys

from tqdm import tqdm


def interactive() -> bool:
    """True when a person is watching: stderr is a terminal and we are not in CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def progress_bar(total=None, enabled: bool = True, **kwargs) -> tqdm:
    """A tqdm bar on stderr that is shown only on a terminal (quiet in CI and pipes) and when enabled."""
    return tqdm(total=total, disable=not (enabled and interactive()), file=sys.stderr,
                leave=False, dynamic_ncols=True, **kwargs)


def status(message: str, enabled: bool = True) -> None:
    """One line saying what a long run is doing now, shown where the bars are (a terminal) and
    quiet where they are."""
    if enabled and interactive():
        tqdm.write(message, file=sys.stderr)
