"""A toy segmenter, registered by tests/test_registries.py with one line, as docs/architecture.md
shows: every comma or full stop followed by a space ends a sentence."""
import re


def comma_segmenter(lang: str):
    """Cuts after ``.`` ``,`` ``،`` followed by white space, and at line ends."""
    return lambda text: [part for line in text.splitlines() for part in re.split(r"(?<=[.,،])\s+", line)
                         if part.strip()]
