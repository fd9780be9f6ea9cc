"""Page chrome taken out of a parsed page before its main text is extracted.

Two kinds of chrome reach an extractor's output on real news pages because nothing in the markup
names them as chrome:

- **AMP components.** AMP pages (``<html ⚡>``/``<html amp>``) put ads, share buttons, menus and
  analytics in ``amp-*`` elements, and an ad slot shows its ``fallback``/``placeholder`` text as
  ordinary text.  Those components are never the article: they are dropped, with every AMP
  component's fallback and placeholder content.  ``<amp-img>`` stays (its ``<figcaption>`` is a
  caption, which ``page_parts`` knows).
- **Readers' comments under a title.** A comment section whose markup never says "comment"
  (``<section class="opinions"><h3>آراء القراء (3)</h3>…``) reads like article text: names,
  dates and readers' paragraphs.  A heading (or a block that opens its container) that reads as a
  comment section's title — "التعليقات (3)", "3 تعليقات", "آراء القراء", "اترك تعليقاً",
  "Comments", "Leave a Reply" — marks what follows it in its container as the comment section,
  and it is dropped; the container goes with it when the title opens it.  A container holding the
  page's ``<h1>``, an ``<article>`` or ``<main>`` is never dropped whole.
- **Embedded posts.** A tweet, an Instagram or TikTok post or a Facebook post embedded in the
  article is shown, before its script runs, as a blockquote of the post's text, its author's
  handle, its date and links (``pic.twitter.com/…``): another voice and the platform's furniture,
  not the article's paragraphs.  They are dropped by their embed classes (and ``amp-twitter`` …).
- **Boxes named for the author's bio, a promotion, an appeal, a pull quote or a score card.** A
  box whose class names an author's biography (``author-bio``, CSS modules' ``AuthorBio_bio__…``),
  a promotion (``promo``, ``ProPromo_promo__…``, a call to action's ``cta``) or an appeal for
  donations or membership (``donate``, ``membership``, ``r22-support``) holds the writer's card or
  an offer, written in sentences an extractor keeps; a pull quote (``pull-quote``, ``pullquote``, ``quote-box``)
  repeats a line of the article as a display; a match's score card (``matchCard``,
  ``match-centre``) lists scorers and line-ups.  Such a box is dropped when it is short
  (``MAX_BOX_WORDS``) and holds neither the page's ``<h1>`` nor its ``<article>`` or ``<main>``.
"""
from __future__ import annotations

import re

from parallel.read.page_parts import element_text, markup_names
from parallel.text_rules import DIGITS

# AMP components that are page furniture, never the article.
AMP_CHROME = frozenset({
    "amp-ad", "amp-embed", "amp-sticky-ad", "amp-auto-ads", "amp-story-auto-ads", "amp-sidebar",
    "amp-social-share", "amp-addthis", "amp-analytics", "amp-pixel", "amp-consent", "amp-user-notification",
    "amp-geo", "amp-install-serviceworker", "amp-web-push", "amp-web-push-widget", "amp-call-tracking",
    "amp-app-banner", "amp-next-page", "amp-smartlinks", "amp-skimlinks", "amp-font",
    "amp-twitter", "amp-instagram", "amp-facebook", "amp-tiktok",
})
# The classes the platforms' embed codes give the blockquote that stands for a post.
EMBED_CLASSES = frozenset({"twitter-tweet", "twitter-video", "instagram-media", "tiktok-embed", "fb-xfbml-parse-ignore",
                           "reddit-embed-bq", "threads-embed"})
_N = f"[{DIGITS}]+"
_COUNT = rf"[(\[]{_N}[)\]]"
# The title of a comment section, in Arabic or English, as a whole line: a count of comments (with
# what they are on), "التعليقات (3)", "آراء القراء", an invitation to comment, "Leave a Reply".
COMMENT_TITLE_RE = re.compile(
    rf"^(?:{_N}\s+(?:تعليقات|تعليق|تعليقا|تعليقاً)(?:\s+على\s+.+)?|تعليق واحد(?:\s+على\s+.+)?|"
    rf"تعليقان(?:\s+على\s+.+)?|(?:التعليقات|تعليقات)(?:\s+(?:القراء|الزوار|فيسبوك|الفيسبوك))?(?:\s*{_COUNT})?|"
    rf"(?:آراء|اراء) القراء(?:\s*{_COUNT})?|(?:لا توجد|لا يوجد) (?:تعليقات|تعليق)(?:\s+\S+){{0,3}}|"
    rf"(?:اترك|أترك|أضف|اضف|أكتب|اكتب) (?:تعليقا|تعليقاً|تعليقك|تعليق|ردا|رداً)|"
    rf"(?:{_N}|one)\s+(?:comments?|responses?|replies|reply)(?:\s+(?:on|to)\s+.+)?|"
    rf"(?:readers?'?\s+)?comments(?:\s*{_COUNT})?|leave\s+a\s+(?:reply|comment)|no\s+comments(?:\s+yet)?|"
    rf"join\s+the\s+discussion)\s*[:.]?$",
    re.IGNORECASE)
MAX_TITLE_WORDS = 14
# Words of a box's class or id that name an author's card or a promotion, and the most words such a box holds.
BOX_NAMES = frozenset({"bio", "authorbio", "promo", "promotion", "promoted", "donate", "donation", "membership",
                       "support", "cta"})   # a call to action: Ghost's kg-cta-card
_MATCH_WIDGETS = frozenset({"card", "center", "centre", "box", "widget", "summary"})   # a "match…" box: a score card
MAX_BOX_WORDS = 80
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
_KEEP_WHOLE = ("html", "body", "article", "main")
# Blocks that can title the container they open (a link cannot: "3 تعليقات" beside a byline), and
# the containers they can title: not a paragraph that opens with a bold run-in phrase.
_CONTAINERS = ("div", "section", "aside", "footer", "header", "form", "ol", "ul", "dl", "fieldset", "nav")
_TITLE_BLOCKS = ("div", "p", "span", "b", "strong", "header", "label", "legend", "caption", "dt")


def is_comment_title(text: str) -> bool:
    """Whether a line reads as the title of a comment section ("التعليقات (3)", "Leave a Reply")."""
    text = " ".join(text.split())
    return bool(text) and len(text.split()) <= MAX_TITLE_WORDS and bool(COMMENT_TITLE_RE.match(text))


def _holds_the_article(element) -> bool:
    return element.tag in _KEEP_WHOLE or any(True for _ in element.iter("h1", "article", "main"))


def _drop_amp_chrome(root) -> int:
    doomed = list(root.iter(*AMP_CHROME))
    doomed += [e for e in root.iter() if isinstance(e.tag, str) and e.getparent() is not None
               and str(e.getparent().tag).startswith("amp-")
               and (e.get("fallback") is not None or e.get("placeholder") is not None)]
    return _drop(doomed)


def _drop_embedded_posts(root) -> int:
    return _drop([e for e in root.iter("blockquote", "div")
                  if EMBED_CLASSES & set((e.get("class") or "").split())])


def _is_named_box(element) -> bool:
    names = markup_names(element)
    return (bool(BOX_NAMES & names) or {"pull", "quote"} <= names or {"quote", "box"} <= names
            or bool({"pullquote", "quotebox"} & names) or ("match" in names and bool(_MATCH_WIDGETS & names))
            or {"ai", "summary"} <= names)      # a machine-made summary of the article (AiSummary_box__…)


def _drop_named_boxes(root) -> int:
    return _drop([e for e in root.iter("div", "section", "aside", "blockquote", "details")
                  if _is_named_box(e) and not _holds_the_article(e) and len(element_text(e).split()) <= MAX_BOX_WORDS])


def _comment_titles(root) -> list:
    titles = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        parent = element.getparent()
        first = next((c for c in parent if isinstance(c.tag, str)), None)
        opens = (first is element and parent.tag in _CONTAINERS and not (parent.text or "").strip()
                 and not (element.tail or "").strip())
        titled = element.tag in _HEADINGS or opens and element.tag in _TITLE_BLOCKS
        if titled and is_comment_title(element_text(element)):
            titles.append(element)
    return titles


def _drop_comment_sections(root) -> int:
    doomed = []
    for title in _comment_titles(root):
        parent = title.getparent()
        if next((c for c in parent if isinstance(c.tag, str)), None) is title and not _holds_the_article(parent):
            doomed.append(parent)
            continue
        doomed.append(title)
        doomed += [s for s in title.itersiblings() if isinstance(s.tag, str) and not _holds_the_article(s)]
    return _drop(doomed)


def _drop(elements) -> int:
    dropped, doomed = 0, {id(e) for e in elements}
    for element in elements:
        if element.getparent() is not None and not any(id(a) in doomed for a in element.iterancestors()):
            element.drop_tree()
            dropped += 1
    return dropped


def without_chrome(root) -> dict[str, int]:
    """Drop AMP chrome components, embedded posts, author-bio and promotion boxes and
    untitled-by-markup comment sections from ``root`` (a parsed page, changed in place); returns
    how many elements of each kind were dropped."""
    return {"amp": _drop_amp_chrome(root), "embeds": _drop_embedded_posts(root), "boxes": _drop_named_boxes(root),
            "comments": _drop_comment_sections(root)}
