"""The article of a page the extractor could not find one in: the block that holds the most text.

Old sites (and some still) lay a page out in a table: a cell for the menu, one for the most-read
links, one for the article, whose paragraphs are text separated by ``<br>``, not ``<p>``.  On
such a page trafilatura may find no article and fall back to the whole page's text, menus and
comments included.  ``dense_block`` finds the element that itself holds the most text outside
links — in its own text, its paragraphs and its inline children, not in the blocks nested in it
(cells, lists, boxes) — and ``block_lines`` reads it a line per ``<br>``-separated piece or
paragraph.  ``pages.extract_page`` uses it only where extraction read nearly all of the page's
visible text (``WHOLE_PAGE_SHARE``), that is, found no article.
"""
from __future__ import annotations

from lxml import etree

from parallel.read.page_parts import non_space_chars

# Elements whose text is a separate block, not the text of the element holding them.
_NESTED_BLOCKS = frozenset("div table tbody thead tfoot tr td th ul ol li dl nav aside header footer form section "
                           "article figure h1 h2 h3 h4 h5 h6 blockquote select button iframe noscript script "
                           "style".split())
_LINE_BREAKS = frozenset({"br", "p"})
LAYOUT_CELL_WORDS = 40      # a table with a cell this long holds the article or a menu: a layout, not data
INNER_SHARE = 0.9          # of a block's text one inline child holds: the child is the block
MIN_BLOCK_CHARS = 200       # non-space characters of text a block must hold to be taken for the article


def _held_chars(element) -> int:
    """Characters of text the element holds itself: its own text and its paragraphs' and inline
    children's, not inside a link or a nested block."""
    held = non_space_chars(element.text) if element.tag != "a" else 0
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _NESTED_BLOCKS:
            held += _held_chars(child)
        held += non_space_chars(child.tail)
    return held


def dense_block(root):
    """The element holding the most text itself (``_held_chars``), or None when none holds
    ``MIN_BLOCK_CHARS``; then, while one of its children holds ``INNER_SHARE`` of that text, that
    child (a cell whose body is one ``<span>`` beside the date's)."""
    best, most = None, MIN_BLOCK_CHARS - 1
    for element in root.iter(etree.Element):
        if element.tag in _NESTED_BLOCKS - {"div", "td", "article", "section", "blockquote"}:
            continue
        held = _held_chars(element)
        if held > most:
            best, most = element, held
    while best is not None:
        inner = next((child for child in best if isinstance(child.tag, str) and child.tag not in _NESTED_BLOCKS
                      and child.tag not in _LINE_BREAKS and _held_chars(child) >= INNER_SHARE * most), None)
        if inner is None:
            return best
        best = inner
    return best


def _is_field(before: str | None, child) -> bool:
    """Whether an inline child stands alone between line breaks or other fields (nothing but
    space before or after it): a template's field (``<span id="lblTitle">``, ``<span
    class="NewsDate">``, the body's ``<span>``), its own line, not a phrase of a sentence."""
    return not (before or "").strip() and not (child.tail or "").strip() and bool(child.text_content().strip())


def data_table_rows(table) -> list[str]:
    """A table of data's rows as lines, cells joined by " | " (as trafilatura writes a table in an
    article); none where the table is a layout: a cell of ``LAYOUT_CELL_WORDS`` words or more, a
    table inside it, or fewer than two rows of two cells.  A row that is only links (a menu laid
    out as a table) is left out."""
    if any(inner is not table for inner in table.iter("table")):
        return []
    rows = []
    for row in table.iter("tr"):
        cells = [" ".join(cell.text_content().split()) for cell in row if isinstance(cell.tag, str)
                 and cell.tag in ("td", "th")]
        if any(len(cell.split()) >= LAYOUT_CELL_WORDS for cell in cells):
            return []
        linked = sum(non_space_chars(link.text_content()) for link in row.iter("a"))
        if linked < non_space_chars(row.text_content()):
            rows.append([cell for cell in cells if cell])
    if sum(len(cells) >= 2 for cells in rows) < 2:
        return []
    return [" | ".join(cells) for cells in rows if cells]


def block_lines(element) -> list[str]:
    """The block's text, a line per piece between ``<br>``s, per paragraph or per field standing
    alone (``_is_field``); a table of data inside it a line per row (``data_table_rows``); other
    nested blocks and lines that are only a link left out."""
    lines: list[list[str]] = [[]]
    linked: list[bool] = [True]

    def add(text: str | None, in_link: bool) -> None:
        if text and text.strip():
            lines[-1].append(text)
            linked[-1] = linked[-1] and in_link

    def walk(node, in_link: bool) -> None:
        add(node.text, in_link or node.tag == "a")
        before = node.text
        for child in node:
            rows = data_table_rows(child) if child.tag == "table" else []
            if rows:
                lines.extend([row] for row in rows), linked.extend(False for _ in rows)
                lines.append([]), linked.append(True)
            elif isinstance(child.tag, str) and child.tag not in _NESTED_BLOCKS:
                own_line = child.tag in _LINE_BREAKS or _is_field(before, child)
                if own_line:
                    lines.append([]), linked.append(True)
                walk(child, in_link or child.tag == "a")
                if own_line and child.tag != "br":
                    lines.append([]), linked.append(True)
            add(child.tail, in_link)
            before = child.tail

    walk(element, element.tag == "a")
    return [" ".join(" ".join(pieces).split()) for pieces, only_link in zip(lines, linked)
            if pieces and not only_link]
