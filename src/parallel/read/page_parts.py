"""What a page says of its own article, beside its main text: structured data (JSON-LD
``NewsArticle``: headline, description, date, author), ``og:`` metadata, the site's name, and the
captions of its figures.

``pages.extract_page`` uses them to check and complete what extraction found: the headline from the
page's own data, without the site's name a ``<title>`` carries ("… - صحيفة المثال"); the lead
paragraph (standfirst) a page shows outside its article body; figure captions kept out of the
text.  Each part's source is recorded in ``PageInfo.sources``.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree

from parallel.text_rules import near_exact_key

_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting",
                  "OpinionNewsArticle", "WebPage"}
# The separators a <title> puts between the headline and the site's name.
_TITLE_SEPARATORS = re.compile(r"\s+[-–—|:•»«]+\s+")
NAVIGATION_SHARE = 0.8     # of the text found, in lines that are whole link texts: a menu, not an article
STANDFIRST_MIN_WORDS = 8   # a description shorter than this is a tagline, not a lead paragraph
STANDFIRST_MAX_WORDS = 80  # a block longer than this is a body, not a lead paragraph
_HOME_PATHS = ("", "index.php", "index.html", "index.htm", "ar", "en")   # a link to the site's front page
# Class or id words that name a lead paragraph in news sites' markup ("article-summary", "lead-text").
_LEAD_NAMES = frozenset("standfirst lead lede summary excerpt intro subtitle subheadline subhead dek deck teaser "
                        "abstract sapo".split())
# Words in class or id names that mark an author's name ("article__author", "writer", "byline").
_CREDIT_NAMES = ("author", "byline", "writer", "reporter")
MAX_OPENER_WORDS = 6       # a line this short between the headline and the lead is a dateline, not body
MAX_TITLE_WORDS = 30       # a longer block named as a title is not one
MIN_TITLE_WORDS = 3        # a shorter part of a <title> is a site, a section or a date, not a headline
MAX_CREDIT_WORDS = 8       # a longer text under such a name is a biography or a box, not a credit


@dataclass
class PageParts:
    """The parts a page declares: from JSON-LD (``structured``) and ``og:``/``<meta>`` tags, its
    figures' captions, its ``<h1>`` (when it has one) and its visible text, for checks."""

    headline: str = ""
    description: str = ""
    body: str = ""
    date: str = ""
    author: str = ""
    site: str = ""
    og_description: str = ""
    h1: str = ""
    lead: str = ""          # the lead paragraph as the markup names it (``lead_block``)
    captions: list[str] = field(default_factory=list)
    credits: set[str] = field(default_factory=set)   # texts the markup names as authors (``comparable``)
    visible_text: str = ""
    canonical: str = ""
    alternates: dict[str, str] = field(default_factory=dict)
    link_texts: set[str] = field(default_factory=set)     # every link's text, as ``comparable`` reads it
    shown_title: str = ""   # the part of the ``<title>`` the page shows as a line (``shown_title_part``)
    named_title: str = ""   # the block the markup names as the title (``named_title_block``)
    list_items: set[str] = field(default_factory=set)     # every list item's text, as ``comparable`` reads it


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _json_ld_articles(root) -> list[dict]:
    """The article objects of the page's JSON-LD (inside ``@graph`` too)."""
    found = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for item in _as_list(data):
            for node in _as_list(item.get("@graph", item)) if isinstance(item, dict) else []:
                types = {str(t) for t in _as_list(node.get("@type", ""))} if isinstance(node, dict) else set()
                if types & _ARTICLE_TYPES and types != {"WebPage"}:
                    found.append(node)
    return found


def _name(value) -> str:
    """An author or publisher as a name: a string, an object's ``name``, or several joined."""
    names = []
    for item in _as_list(value):
        if isinstance(item, dict):
            item = item.get("name", "")
        if isinstance(item, str) and item.strip():
            names.append(" ".join(item.split()))
    return ", ".join(names)


def _meta(root, *keys: str) -> str:
    for element in root.iter("meta"):
        if (element.get("property") or element.get("name") or "").lower() in keys:
            return " ".join((element.get("content") or "").split())
    return ""


def page_parts(root) -> PageParts:
    """The parts of a parsed page (``lxml.html``), read before its invisible elements are dropped."""
    articles = _json_ld_articles(root)
    article = articles[0] if articles else {}
    def text(key: str) -> str:
        return " ".join(str(article.get(key) or "").split())

    publisher = article.get("publisher")
    parts = PageParts(headline=text("headline"), description=text("description"),
                      body=str(article.get("articleBody") or ""), date=text("datePublished"),
                      author=_name(article.get("author")),
                      site=_name(publisher) or _meta(root, "og:site_name", "application-name"),
                      og_description=_meta(root, "og:description", "description"))
    parts.captions = [element_text(c) for c in root.iter("figcaption")]
    parts.captions = [c for c in parts.captions if c]
    parts.lead = lead_block(root)
    parts.credits = marked_credits(root)
    parts.canonical, parts.alternates = page_links(root)
    parts.link_texts = {comparable(a.text_content()) for a in root.iter("a")} - {""}
    parts.list_items = {comparable(item.text_content()) for item in root.iter("li")} - {""}
    parts.shown_title = shown_title_part(root)
    parts.named_title = named_title_block(root)
    return parts


def named_title_block(root) -> str:
    """The longest block whose class or id names a title or headline (``NewsTitle``,
    ``lblTitle``, ``post-headline``) with ``MIN_TITLE_WORDS`` to ``MAX_TITLE_WORDS`` words, not a
    link and not in a list, menu, aside, header or footer (a box's title is shorter than a
    headline): the headline of a page that has no ``<h1>``, no JSON-LD and a ``<title>`` that is
    only the site's name.  "" when there is none."""
    found = []
    for element in root.iter("h1", "h2", "h3", "span", "div", "td", "p", "b", "strong", "font"):
        if not {"title", "headline"} & markup_names(element) or element.findall(".//a"):
            continue
        if next(element.iterancestors("a", "li", "nav", "aside", "header", "footer", "head"), None) is not None:
            continue
        text = element_text(element)
        if MIN_TITLE_WORDS <= len(text.split()) <= MAX_TITLE_WORDS:
            found.append(text)
    return max(found, key=lambda text: len(text.split()), default="")


_PROMINENT = ("b", "strong", "big", "h2", "h3", "h4")


def _is_prominent(element) -> bool:
    """A heading, bold or big text, or a font larger than the page's (``size`` 3 and up, or ``+n``)."""
    size = (element.get("size") or "").strip() if element.tag == "font" else ""
    return element.tag in _PROMINENT or size.startswith("+") or (size.isdigit() and int(size) >= 3)


def heading_before(root, first_line: str) -> str:
    """The last prominent line (bold, a large font, a heading) of ``MIN_TITLE_WORDS`` to
    ``MAX_TITLE_WORDS`` words, not a link, before the text that opens with ``first_line`` (the
    article's first line): the headline of a page whose ``<title>`` names only the site and whose
    markup names nothing.  "" when there is none."""
    start = comparable(first_line)[:24]
    last = ""
    for element in root.iter(etree.Element):
        if start and comparable(element.text or "").startswith(start):
            return last
        text = element_text(element) if _is_prominent(element) else ""
        if (MIN_TITLE_WORDS <= len(text.split()) <= MAX_TITLE_WORDS and not element.findall(".//a")
                and next(element.iterancestors("a"), None) is None):
            last = text
        if start and comparable(element.tail or "").startswith(start):
            return last
    return ""


def shown_title_part(root) -> str:
    """The longest run of the ``<title>``'s parts (split at its separators: "وكالة : Headline -
    Section - 22/05/2024") that the page also shows as an element's whole text, of
    ``MIN_TITLE_WORDS`` words or more: the headline of a page with no ``<h1>`` and no JSON-LD, whose
    title an extractor may read as its date or its site's name.  "" when no part is shown."""
    title = root.find(".//title")
    whole = element_text(title) if title is not None else ""
    pieces = _TITLE_SEPARATORS.split(whole) if whole else []
    runs = {}
    for first in range(len(pieces)):
        for last in range(first + 1, len(pieces) + 1):
            run = _joined(whole, pieces[first], pieces[last - 1]) if first or last < len(pieces) else whole
            if len(run.split()) >= MIN_TITLE_WORDS:
                runs.setdefault(near_exact_key(run), run)
    longest = 2 * max((len(run) for run in runs.values()), default=0)
    shown = [run for element in root.iter("h1", "h2", "h3", "b", "strong", "span", "font", "td", "div", "p")
             if (text := _short_text(element, longest)) and (run := runs.get(near_exact_key(text))) is not None]
    return max(shown, key=lambda run: len(run.split()), default="")


def _short_text(element, limit: int) -> str:
    """The element's text as ``element_text`` reads it, or "" when it is longer than ``limit``
    characters (read no further: a container's text is long)."""
    pieces, length = [], 0
    for piece in element.itertext():
        pieces.append(piece)
        length += len(piece)
        if length > limit:
            return ""
    return " ".join("".join(pieces).split())


def _joined(title: str, first: str, last: str) -> str:
    """The title's text from the piece ``first`` to the piece ``last``, separators kept."""
    start = title.find(first)
    return title[start:title.find(last, start) + len(last)]


def non_space_chars(text: str | None) -> int:
    """How many characters of ``text`` are not spaces (how much text a page, a block or an article holds)."""
    return sum(not ch.isspace() for ch in text or "")


def element_text(element) -> str:
    """An element's text as a reader sees it on one line: spaces collapsed."""
    return " ".join(element.text_content().split())


_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")


def page_headings(root) -> list:
    """The page's ``<h1>`` elements that can be its headline: not the site's logo (an ``<h1>`` named
    ``logo`` or ``brand``, or one whose whole text is a link to the home page, as old templates
    wrap the site's name)."""
    return [heading for heading in root.iter("h1") if not _is_site_logo(heading)]


def _is_site_logo(heading) -> bool:
    if {"logo", "brand"} & markup_names(heading):
        return True
    text = element_text(heading)
    home = [a for a in heading.iter("a") if (a.get("href") or "#")[0] != "#"
            and urlsplit(a.get("href")).path.strip("/") in _HOME_PATHS]
    return bool(text) and bool(home) and sum(len(element_text(a)) for a in home) >= len(text)


def markup_names(element) -> set[str]:
    """The words of an element's class and id ("article__author lead-text" → article, author,
    lead, text; CSS modules' "AuthorBio_bio__M2w9r" → author, bio, m2w9r), lower case."""
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    return set(re.split(r"[\s_-]+", _CAMEL_RE.sub(" ", names).lower())) - {""}


def lead_block(root) -> str:
    """The text of the first block after the page's ``<h1>`` (anywhere, when it has none or
    several) whose class or id names a lead paragraph (``standfirst``, ``lead``, ``summary``,
    ``excerpt``, ``intro``, ``dek``…): between ``STANDFIRST_MIN_WORDS`` and ``STANDFIRST_MAX_WORDS``
    words, at most one ``<p>``, not a link or list item.  "" when there is none."""
    headings = page_headings(root)
    after = headings[0] if len(headings) == 1 else None
    started = after is None
    for element in root.iter():
        if element is after:
            started = True
        if not started or not isinstance(element.tag, str) or element.tag in ("a", "li", "script", "meta"):
            continue
        names = markup_names(element)
        if not names & _LEAD_NAMES or "ai" in names or any(a.tag in ("a", "li") for a in element.iterancestors()):
            continue        # "ai": a machine-made summary (AiSummary_box__…), not the site's lead
        text = element_text(element)
        if STANDFIRST_MIN_WORDS <= len(text.split()) <= STANDFIRST_MAX_WORDS and len(element.findall(".//p")) <= 1:
            return text
    return ""


def comparable(line: str) -> str:
    """A line as two copies of it are compared: spaces collapsed, case folded."""
    return " ".join(line.split()).casefold()


def is_navigation(lines: list[str], parts: PageParts) -> bool:
    """Whether the text found is the page's links and nothing else (a section front, a menu): at
    least ``NAVIGATION_SHARE`` of its characters are lines that are each a link's whole text."""
    total = sum(len(line) for line in lines)
    linked = sum(len(line) for line in lines if comparable(line) in parts.link_texts)
    return total > 0 and linked >= NAVIGATION_SHARE * total


def page_links(root) -> tuple[str, dict[str, str]]:
    """The page's own address (``<link rel="canonical">``, else ``og:url``) and the addresses it
    gives for its other languages (``<link rel="alternate" hreflang="en" href=…>``: language code,
    lower case, to the address made absolute against the page's own)."""
    canonical = ""
    found: list[tuple[str, str]] = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if not href:
            continue
        if "canonical" in rel and not canonical:
            canonical = href
        language = (link.get("hreflang") or "").strip().lower()
        if "alternate" in rel and language and language != "x-default":
            found.append((language, href))
    canonical = canonical or _meta(root, "og:url")
    return canonical, {language: urljoin(canonical, href) for language, href in found}


def without_site_name(headline: str, site: str) -> str:
    """``headline`` without the site's name a ``<title>`` adds ("Headline - Site", "Site | Headline")."""
    if not site or not headline:
        return headline
    pieces = _TITLE_SEPARATORS.split(headline)
    if len(pieces) < 2:
        return headline
    site_key = near_exact_key(site)
    if near_exact_key(pieces[-1]) == site_key or site_key and near_exact_key(pieces[-1]).startswith(site_key):
        return headline[:headline.rfind(pieces[-1])].rstrip(" -–—|:•»«")
    if near_exact_key(pieces[0]) == site_key:
        return headline[len(pieces[0]):].lstrip(" -–—|:•»«")
    return headline


def place_standfirst(parts: PageParts, lines: list[str], first: int) -> str:
    """Put the lead paragraph (standfirst) the page declares (JSON-LD ``description`` or
    ``og:description``: a sentence or longer, which the page shows; else the block its markup names
    as the lead, ``lead_block``) at ``lines[first]``, right after
    the headline: moved there when extraction put it elsewhere, added when it left it out (it sits
    outside the article body on many sites).  Returns where it came from, "" when there is none."""
    for text, source in ((parts.description, "json-ld description"), (parts.og_description, "og:description"),
                         (parts.lead, "page structure")):
        key = near_exact_key(text)
        if len(text.split()) < STANDFIRST_MIN_WORDS or not key:
            continue
        at = next((i for i, line in enumerate(lines) if near_exact_key(line) == key), None)
        if at is not None:
            if any(len(line.split()) > MAX_OPENER_WORDS for line in lines[first:at]):
                lines.insert(first, lines.pop(at))
                return f"{source}, moved before the body"
            return f"{source}, in place"        # right after the headline, or after a dateline ("بغداد - واع")
        if key in near_exact_key(parts.visible_text) and not any(key in near_exact_key(line) for line in lines):
            lines.insert(first, text)
            return f"{source}, added"
    return ""


def marked_credits(root) -> set[str]:
    """The short texts the markup names as an author (``itemprop="author"``, ``rel="author"``, a
    class or id with "author", "byline", "writer" or "reporter" in it), as ``comparable`` reads them."""
    found = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
        marked = (element.get("itemprop") == "author" or element.get("rel") == "author"
                  or any(name in names for name in _CREDIT_NAMES))
        text = element_text(element) if marked else ""
        if text and len(text.split()) <= MAX_CREDIT_WORDS:
            found.add(comparable(text))
    return found


def is_caption(line: str, parts: PageParts) -> bool:
    """Whether ``line`` is one of the page's figure captions (compared near-exactly)."""
    key = near_exact_key(line)
    return bool(key) and any(key == near_exact_key(caption) for caption in parts.captions)
