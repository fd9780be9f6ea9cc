"""The sentence segmenters by name: ours first, then the peers we compare with.

A segmenter is made for a language (``make(lang)``) and then splits a text of one or more lines into
sentences; every line break ends one.  Adding a segmenter: write its module with a factory
``(lang) -> Segmenter`` and add its line to ``SEGMENTERS`` (docs/architecture.md).
"""
from __future__ import annotations

import importlib
from typing import Callable

from parallel.errors import InputError

Segmenter = Callable[[str], list[str]]

# name -> "module:factory" (a factory takes the language code and returns a Segmenter)
SEGMENTERS: dict[str, str] = {
    "parallel": "parallel.segment.sentences:text_segmenter",
    "naive": "parallel.segment.peers:naive",
    "pysbd": "parallel.segment.peers:pysbd_segmenter",
    "sentencex": "parallel.segment.peers:sentencex_segmenter",
}


def make_segmenter(name: str, lang: str) -> Segmenter:
    """The segmenter called ``name`` for language ``lang`` ("ar" or "en")."""
    if name not in SEGMENTERS:
        raise InputError(f"unknown segmenter {name!r} (known: {', '.join(SEGMENTERS)})")
    module, factory = SEGMENTERS[name].split(":")
    return getattr(importlib.import_module(module), factory)(lang)
