"""Article text an extractor left out of the article's body: its subheadings and list items.

trafilatura keeps a page's paragraphs, but on some layouts drops the subheadings (``h2``–``h4``)
and lists that sit between them — short lines, often without a full stop, that read to it like
navigation: a list of the prices the story reports, the countries a scholarship covers, the
subheading over the next paragraphs.  ``restore_body_blocks`` finds the block of the page that
holds the extracted paragraphs (the element whose children hold most of them), and puts back, in
page order, the headings and list items among its children that lie between two extracted
paragraphs; never inside an ``aside``, a figure, a form, a menu or a block named for chrome
(related, share, tags, ads…), and never a line that is mostly a link.  What it puts back still
passes the boilerplate rules (``read.boilerplate``) like every other line.
"""
from __future__ import annotations

from parallel.read.page_parts import comparable, element_text, markup_names

_HEADINGS = ("h2", "h3", "h4")
_LISTS = ("ul", "ol")
_NEVER = ("aside", "nav", "figure", "form", "footer", "header", "blockquote", "table", "button", "select")
# Words in class or id names of blocks that are the site's, not the article's.
_CHROME_NAMES = frozenset("related share sharing social tag tags ad ads advert advertisement promo newsletter "
                          "subscribe subscription comment comments widget recommended recommend readmore also more "
                          "sidebar banner breadcrumb breadcrumbs menu nav author byline meta embed".split())
MAX_LINK_SHARE = 0.5        # of a line's characters inside links: more, and it is a link, not text


def _is_chrome(element) -> bool:
    return element.tag in _NEVER or bool(_CHROME_NAMES & markup_names(element))


def _mostly_link(element) -> bool:
    """A line inside a link (a teaser card), or whose characters are mostly in links."""
    if next(element.iterancestors("a"), None) is not None:
        return True
    text = element_text(element)
    linked = sum(len(element_text(link)) for link in element.iter("a"))
    return not text or linked > MAX_LINK_SHARE * len(text)


def _paragraph_lines(root, keys: dict[str, int]) -> dict:
    """Each ``<p>`` (or paragraph-like ``div``) whose text is an extracted line: element -> line index."""
    found = {}
    for element in root.iter("p", "div"):
        at = keys.get(comparable(element_text(element)))
        if at is not None and (element.tag == "p" or not any(True for _ in element.iter("p"))):
            found[element] = at
    return found


def _container(matched: dict):
    """The element whose children hold the most matched paragraphs, and each such child's first
    and last line."""
    holders: dict = {}
    for element, line in matched.items():
        child = element
        for parent in element.iterancestors():
            first, last = holders.setdefault(parent, {}).get(child, (line, line))
            holders[parent][child] = (min(first, line), max(last, line))
            child = parent
    if not holders:
        return None, {}
    best = max(holders, key=lambda parent: len(holders[parent]))
    return best, holders[best]


def _headings_opening(child, matched: dict) -> list:
    """The headings inside a child that holds extracted paragraphs, before its first one (a live
    blog's entry, a section of an explainer: its title, then its paragraphs)."""
    found = []
    for element in child.iter():
        if element in matched:
            break
        if element.tag in _HEADINGS and not any(_is_chrome(a) for a in element.iterancestors() if a is not child):
            found.append(element)
    return [] if _is_chrome(child) else found


def _blocks_in(child) -> list:
    """The headings and list items in ``child`` (itself or below), none inside chrome."""
    if not isinstance(child.tag, str) or _is_chrome(child):
        return []
    if child.tag in _HEADINGS:
        return [child]
    if child.tag in _LISTS:
        return [item for item in child if isinstance(item.tag, str) and item.tag == "li"]
    found = []
    for inner in child:
        found += _blocks_in(inner)
    return found


def restore_body_blocks(root, lines: list[str]) -> tuple[list[str], list[str]]:
    """``lines`` with the body's left-out headings and list items put back (see the module), and those put back."""
    keys = {comparable(line): index for index, line in enumerate(lines)}
    matched = _paragraph_lines(root, keys)
    container, holding = _container(matched)
    if container is None or len(holding) < 2:
        return lines, []
    after: dict[int, list[str]] = {}
    pending: list[str] = []
    last = None

    def usable(blocks: list) -> list[str]:
        return [element_text(block) for block in blocks
                if not _mostly_link(block) and comparable(element_text(block)) not in keys]

    for child in container:
        if not isinstance(child.tag, str):
            continue        # a comment or a processing instruction between the paragraphs
        if child in holding:
            first, child_last = holding[child]
            pending += usable(_headings_opening(child, matched))
            if pending and first > 0:
                after.setdefault(first - 1, []).extend(pending)
            pending, last = [], child_last
        elif last is not None and not _mostly_link(child):     # a box of links, its title too
            pending += usable(_blocks_in(child))
    restored = [text for texts in after.values() for text in texts]
    merged = []
    for index, line in enumerate(lines):
        merged.append(line)
        merged += after.get(index, [])
    return merged, restored
