"""Saved web pages as articles: the main text extracted, the page's own metadata kept.

News reaches translators and researchers as web pages: menus, related-article lists, comment
policies, scripts and captions around a few paragraphs of article.  trafilatura (the field's
standard extractor, which handles Arabic pages) finds the article; the headline and each body
paragraph become one line each, and the usual boilerplate rules then run on those lines as on a
text file.  The page's title, date, author, site and canonical URL are kept in ``PageInfo`` for
the report and the outputs' provenance, with how much of the page's text was left out.

Bytes are decoded as the page itself declares (a byte-order mark, ``<meta charset>``,
``http-equiv`` Content-Type or an XML declaration); a page that declares nothing must be UTF-8.
"""
from __future__ import annotations

import codecs
import copy
import re
from pathlib import Path

from parallel.errors import InputError
from parallel.read.dense_block import LAYOUT_CELL_WORDS, block_lines, dense_block
from parallel.read.page_body import restore_body_blocks
from parallel.read.page_chrome import without_chrome
from parallel.read.page_parts import (
    PageParts,
    comparable,
    element_text,
    heading_before,
    is_caption,
    is_navigation,
    non_space_chars,
    page_headings,
    page_parts,
    place_standfirst,
    without_site_name,
)
from parallel.read.textfiles import encoding_hint, read_input_bytes
from parallel.records import PageInfo
from parallel.text_rules import BYTE_ORDER_MARKS

PAGE_SUFFIXES = (".html", ".htm")

# Where a page declares its encoding, in its first bytes (HTML's prescan looks at 1024; pages with
# long <head>s put it later, so we look further).
_DECLARATION_BYTES = 8192
_META_CHARSET_RE = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Labels the HTML standard reads as another encoding than their name says (a page that reads as
# ASCII cannot be UTF-16, whatever its <meta> says).
_HTML_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "iso8859-11": "cp874",
                 "utf-16-le": "utf-8", "utf-16-be": "utf-8", "utf-16": "utf-8"}
# Elements whose text is never shown as page text.
_INVISIBLE_ELEMENTS = ("script", "style", "noscript", "template", "head", "svg")
MAX_KICKER_WORDS = 4        # a line this short above the headline is a label (a category, "فيديو"), not text
WHOLE_PAGE_SHARE = 0.9      # of the page's visible text read as the article: the extractor found none
# trafilatura writes each list item as "- item": the dash is its rendering, not the page's text.
_LIST_MARKER_RE = re.compile(r"^-\s+")
_TABLE_CELL_RE = re.compile(r"(?<!\\)\|")     # a cell's bar, not an escaped one ("\|")


def is_page(path: Path) -> bool:
    """Whether a file is read as a web page (``.html``/``.htm``, any case)."""
    return Path(path).suffix.lower() in PAGE_SUFFIXES


def declared_encoding(data: bytes) -> str | None:
    """The encoding a page declares in its markup (the label as written, lower case), None if none."""
    head = data[:_DECLARATION_BYTES]
    match = _XML_ENCODING_RE.match(head) or _META_CHARSET_RE.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def decode_page(data: bytes, path: Path) -> tuple[str, str]:
    """The page's text and the codec it was read with: a byte-order mark first, then the encoding
    the page declares, else UTF-8."""
    for bom, codec in BYTE_ORDER_MARKS:
        if data.startswith(bom):
            return _decode(data, codec, codec, path), codec
    declared = declared_encoding(data)
    if declared is None:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 (invalid byte at offset {exc.start}) and the page declares no "
                             f"encoding (<meta charset>){encoding_hint(data, path)}") from exc
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        raise InputError(f"{path}: the page declares an unknown encoding ({declared})") from None
    codec = _HTML_ALIASES.get(codec, codec)
    return _decode(data, codec, declared, path), codec


def _decode(data: bytes, codec: str, declared: str, path: Path) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: the page declares {declared}, but the byte at offset {exc.start} is not "
                         f"{declared}{encoding_hint(data, path)}") from exc


def _parse(html_text: str):
    """The page as an lxml tree, or None for a page lxml refuses (trafilatura may still read it)."""
    from lxml import html

    try:
        return html.document_fromstring(html_text.encode("utf-8"), parser=html.HTMLParser(encoding="utf-8"))
    except Exception:
        return None


def _visible(root) -> tuple[int, str, str]:
    """The page's visible characters (spaces not counted), its one ``<h1>``'s text if it has one,
    and its visible text (scripts, styles and ``<head>`` dropped from ``root``)."""
    if root is None:
        return 0, "", ""
    for element in list(root.iter(*_INVISIBLE_ELEMENTS)):     # listed first: dropping while iterating skips some
        element.drop_tree()
    headings = page_headings(root)
    heading = element_text(headings[0]) if len(headings) == 1 else ""
    text = root.text_content()
    return non_space_chars(text), heading, text


def _above_headline(line: str, parts: PageParts) -> bool:
    """A line above the headline that is not the article's: a link's text or a short label."""
    return comparable(line) in parts.link_texts or len(line.split()) <= MAX_KICKER_WORDS


def _without_list_dash(line: str, parts: PageParts) -> str:
    """A line without the dash trafilatura writes before a list item, where the page has that item
    (a paragraph the site itself opens with "- " keeps it)."""
    item = _LIST_MARKER_RE.sub("", line)
    return item if item != line and (comparable(item) in parts.list_items or not item) else line


def _same_text(a: str, b: str) -> bool:
    return comparable(a) == comparable(b)


def _extracted(page, tables: bool):   # noqa: ANN001, ANN202
    import trafilatura

    return trafilatura.bare_extraction(page, with_metadata=True, include_comments=False, include_tables=tables,
                                       include_images=False, include_links=False)


def _is_layout_table(text: str) -> bool:
    """Whether extracted text holds a table cell of ``LAYOUT_CELL_WORDS`` words or more: the page
    is laid out in a table, its article (or its menu) in a cell, not an article holding a table of
    data (whose cells are short); its rows then come out as text, cells and paragraphs joined."""
    rows = [line.strip() for line in text.split("\n") if line.strip().startswith("|")]
    return any(len(cell.split()) >= LAYOUT_CELL_WORDS for row in rows for cell in _TABLE_CELL_RE.split(row))


def _table_row(line: str) -> str:
    """A data table's row as trafilatura writes it ("| a | b |") read as "a | b"; its header rule
    ("|---|---|") as nothing.  Any other line as it is."""
    if not (line.startswith("|") and line.endswith("|")):
        return line
    cells = [cell.strip().replace("\\|", "|") for cell in _TABLE_CELL_RE.split(line[1:-1])]
    return "" if all(set(cell) <= set("-: ") for cell in cells) else " | ".join(cell for cell in cells if cell)


def extract_page(html_text: str, path: Path, encoding: str = "utf-8") -> tuple[list[str], PageInfo]:
    """The article's lines (headline first, one line per paragraph) and the page's ``PageInfo``.

    The body is trafilatura's (the JSON-LD ``articleBody`` when it finds none).  The headline is the
    page's one ``<h1>``, else its JSON-LD ``headline``, else the title trafilatura finds, without the
    site's name; it is put first when the text does not already open with it.  A standfirst the page
    shows outside its body (``page_parts.standfirst``) follows it; figure captions are left out.
    ``PageInfo.sources`` says where each part came from."""
    root = _parse(html_text)
    parts = page_parts(root) if root is not None else PageParts()
    cleaned = html_text
    if root is not None:        # AMP chrome and comment sections out before extraction (page_chrome)
        cleaned = copy.deepcopy(root)
        without_chrome(cleaned)
    page_chars, heading, parts.visible_text = _visible(root)
    result = _extracted(cleaned, tables=True)
    text = (result.text or "") if result is not None else ""
    sources = {"body": "trafilatura"}
    if _is_layout_table(text):    # the page is laid out in a table, and the table came out as the article
        plain = _extracted(cleaned, tables=False)
        if plain is not None and (plain.text or "").strip():
            result, text, sources["body"] = plain, plain.text, "trafilatura, tables left out (a table layout)"
        if non_space_chars(text) >= WHOLE_PAGE_SHARE * page_chars and (block := dense_block(cleaned)) is not None:
            text = "\n".join(block_lines(block))
            sources["body"] = "the page's densest block (a table layout read whole)"
    if not text.strip() and parts.body.strip():
        text, sources["body"] = parts.body, "json-ld articleBody"
    lines = [_table_row(_without_list_dash(line.strip(), parts)) for line in text.split("\n") if line.strip()]
    lines = [line for line in lines if line]
    if not lines:
        raise InputError(f"{path}: no article text found in the page")
    if is_navigation(lines, parts):
        raise InputError(f"{path}: no article text found in the page, only its links (a menu or a section "
                         "front, not an article)")
    if root is not None and sources["body"].startswith("trafilatura"):
        lines, restored = restore_body_blocks(cleaned, lines)
        if restored:
            sources["body"] += f", {len(restored)} headings and list items put back from the page's body"
    title = (result.title or "").strip() if result is not None else ""
    site = ((result.sitename if result is not None else "") or parts.site or "").strip()
    headline, sources["headline"] = next(((h, s) for h, s in ((heading, "h1"), (parts.headline, "json-ld headline"),
                                                              (parts.shown_title, "title, as the page shows it"),
                                                              (parts.named_title, "the block named as the title"),
                                                              (title, "title")) if h), ("", None))
    if sources["headline"] == "title" and root is not None and (before := heading_before(cleaned, lines[0])):
        headline, sources["headline"] = before, "the prominent line before the body"   # the title names only the site
    headline = without_site_name(headline, site)
    captions = [line for line in lines if is_caption(line, parts) and not _same_text(line, headline)]
    credits = [line for line in lines if comparable(line) in parts.credits and not _same_text(line, headline)]
    lines = [line for line in lines if line not in captions and line not in credits]
    at = next((i for i, line in enumerate(lines[:3]) if headline and _same_text(headline, line)), None)
    if headline and at is None:
        lines.insert(0, headline)
    elif at:        # a category or a kicker above the headline: the article starts at its headline
        lines = [line for i, line in enumerate(lines) if i >= at or not _above_headline(line, parts)]
    sources["standfirst"] = place_standfirst(parts, lines, first=1 if headline else 0)
    date = (result.date if result is not None else "") or parts.date
    author = (result.author if result is not None else "") or parts.author
    sources["date"] = ("trafilatura" if result is not None and result.date else "json-ld" if parts.date else None)
    info = PageInfo(title=without_site_name(title or headline, site), headline=headline, date=date or "",
                    author=author or "",
                    site=site, url=(result.url if result is not None else "") or parts.canonical, encoding=encoding,
                    page_chars=page_chars, article_chars=sum(non_space_chars(line) for line in lines),
                    sources={k: v for k, v in sources.items() if v}, captions_removed=tuple(captions),
                    credits_removed=tuple(credits),
                    link_lines=tuple(line for line in lines if comparable(line) in parts.link_texts),
                    alternates=dict(parts.alternates))
    return lines, info


def read_page(path: Path) -> tuple[list[str], PageInfo]:
    """Read a saved page: ``extract_page`` on its bytes decoded as the page declares."""
    path = Path(path)
    data = read_input_bytes(path, "a web page")
    if not data.strip():
        raise InputError(f"{path}: empty file")
    text, encoding = decode_page(data, path)
    return extract_page(text, path, encoding)
