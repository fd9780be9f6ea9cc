"""Pages that name their translation: ``<link rel="alternate" hreflang>`` between the two heaps.

A site that publishes both languages usually says on each page where the other language's
version is.  Such a pair needs no other evidence; ``pairer`` takes it first and learns from it.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from parallel.pairing.keys import SideDocument


def normalised_address(address: str) -> str:
    """An address compared as a site's pages mean it: no scheme, no ``www.``, no fragment or
    trailing slash, the host in lower case."""
    address = address.strip().split("#", 1)[0]
    address = address.split("://", 1)[-1]
    host, _, path = address.partition("/")
    host = host.lower().removeprefix("www.")
    return f"{host}/{path}".rstrip("/")


def _addresses(document: SideDocument) -> set[str]:
    return {normalised_address(a) for a in (document.url, document.canonical) if a}


def linked_by_pages(arabic: Sequence[SideDocument], english: Sequence[SideDocument]) -> list[tuple[int, int]]:
    """Pairs the pages name themselves: an Arabic page's ``hreflang="en…"`` alternate is an English
    page's address, or the other way round.  A document named by two is left to the evidence."""
    english_at = _address_map(english)
    arabic_at = _address_map(arabic)
    found: set[tuple[int, int]] = set()
    for index, document in enumerate(arabic):
        for language, address in document.alternates.items():
            if language.lower().startswith("en") and normalised_address(address) in english_at:
                found.add((index, english_at[normalised_address(address)]))
    for index, document in enumerate(english):
        for language, address in document.alternates.items():
            if language.lower().startswith("ar") and normalised_address(address) in arabic_at:
                found.add((arabic_at[normalised_address(address)], index))
    arabic_count = np.bincount([a for a, _ in found], minlength=len(arabic)) if found else []
    english_count = np.bincount([e for _, e in found], minlength=len(english)) if found else []
    return sorted((a, e) for a, e in found if arabic_count[a] == 1 and english_count[e] == 1)


def _address_map(documents: Sequence[SideDocument]) -> dict[str, int]:
    seen: dict[str, int] = {}
    shared: set[str] = set()
    for index, document in enumerate(documents):
        for address in _addresses(document):
            if address in seen and seen[address] != index:
                shared.add(address)
            seen[address] = index
    return {address: index for address, index in seen.items() if address not in shared}
