"""Other sentence segmenters, to compare ours with (``parallel eval segment --segmenter``): the
one-line regular-expression baseline, pySBD and Wikimedia's sentencex (the project's ``[eval]``
extra).  Each runs line by line, as ours does: a line break always ends a sentence."""
from __future__ import annotations

import re

from parallel.errors import ResourceError
from parallel.segment.registry import Segmenter

_NAIVE_RE = re.compile(r"(?<=[.!?؟])\s+")


def naive_segmenter(text: str) -> list[str]:
    """The one-line regex baseline: cut after ``. ! ? ؟`` followed by white space, and at line ends."""
    return [part for line in text.splitlines() for part in _NAIVE_RE.split(line) if part.strip()]


def naive(lang: str) -> Segmenter:
    """The naive baseline (the same for every language)."""
    return naive_segmenter


def pysbd_segmenter(lang: str) -> Segmenter:
    """pySBD (``pip install pysbd``), for comparison only."""
    try:
        import pysbd
    except ImportError as exc:
        raise ResourceError("--segmenter pysbd needs pySBD: pip install 'parallel[eval]'") from exc
    splitter = pysbd.Segmenter(language=lang, clean=False)
    return lambda text: [s for line in text.splitlines() for s in splitter.segment(line) if s.strip()]


def sentencex_segmenter(lang: str) -> Segmenter:
    """sentencex (Wikimedia's segmenter, ``pip install sentencex``), for comparison only."""
    try:
        import sentencex
    except ImportError as exc:
        raise ResourceError("--segmenter sentencex needs sentencex: pip install 'parallel[eval]'") from exc
    return lambda text: [s for line in text.splitlines() for s in sentencex.segment(lang, line) if s.strip()]
