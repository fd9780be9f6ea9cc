"""The plain dataclasses that flow between stages, one way: a ``Document`` is segmented into
``Segment``s, translated into ``Translation``s and aligned into ``Pair``s; ``PageInfo`` says where a
page came from.  A leaf: it imports nothing of parallel, so every stage and format can use it."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class PageInfo:
    """Where an article read from a web page came from, and how much of the page's text was left out.

    Metadata is the page's own (``<meta>``, JSON-LD, ``<link rel=canonical>``), as trafilatura
    reads it; an empty string when the page does not say.  ``page_chars`` counts the visible
    characters of the whole page (scripts and styles excluded, spaces not counted),
    ``article_chars`` those of the extracted article before our boilerplate rules."""

    title: str = ""
    headline: str = ""         # the article's headline, as the page names it (``sources["headline"]``)
    date: str = ""
    author: str = ""
    site: str = ""
    url: str = ""
    encoding: str = "utf-8"
    page_chars: int = 0
    article_chars: int = 0
    sources: dict = field(default_factory=dict)       # where each part came from (headline, body, standfirst, date)
    captions_removed: tuple[str, ...] = ()             # the page's figure captions, kept out of the text
    credits_removed: tuple[str, ...] = ()              # lines the markup names as the author's, kept out
    link_lines: tuple[str, ...] = ()                   # extracted lines that are the whole text of a link on the page
    alternates: dict = field(default_factory=dict)      # language code -> the page's address in it (hreflang)

    @property
    def dropped_chars(self) -> int:
        """Visible characters of the page that are not in the article (menus, links, comments...)."""
        return max(self.page_chars - self.article_chars, 0)

    def to_json(self) -> dict:
        """The page's provenance and counts, as written into report.json."""
        return {**asdict(self), "dropped_chars": self.dropped_chars}

    def notes(self) -> list[str]:
        """The metadata the page gives, as ``key: value`` lines (XLIFF notes, report.md)."""
        fields = (("url", self.url), ("title", self.title), ("date", self.date), ("author", self.author),
                  ("site", self.site))
        return [f"{key}: {value}" for key, value in fields if value]


@dataclass(frozen=True)
class Removed:
    """A line kept out of the translation, with the 1-based line number and the rule that matched."""

    line: int
    kind: str
    text: str


@dataclass
class Document:
    """An article as read: its id (the file stem) and its cleaned paragraphs, with the boilerplate removed and why;
    ``page`` says where it came from when it was read from a web page."""

    id: str
    paragraphs: list[str]
    path: str = ""
    boilerplate: list[Removed] = field(default_factory=list)
    page: PageInfo | None = None

    @property
    def title(self) -> str:
        """The first paragraph: the headline of a news article."""
        return self.paragraphs[0] if self.paragraphs else ""


@dataclass(frozen=True)
class Segment:
    """One sentence of an article, the unit everything is translated, aligned and written in; its id is
    ``<doc>:<para>:<sent>``."""

    doc_id: str
    para: int
    index: int
    text: str

    @property
    def id(self) -> str:
        """``<doc>:<para>:<sent>``, 1-based: stable across runs, so the cache, formats and references agree."""
        return f"{self.doc_id}:{self.para}:{self.index}"


@dataclass(frozen=True)
class Translation:
    """A segment's machine translation: text, mean log-probability per token, flags, and whether it
    came from the cache."""

    segment: Segment
    text: str
    score: float
    flags: tuple[str, ...] = ()
    cached: bool = False


@dataclass(frozen=True)
class Pair:
    """Aligned sentences with their texts: an ``aligner.Bead`` (which holds sentence indices) made
    readable.  Both the align run (an article against its translation) and the reference scoring
    (our MT against a reference) produce them.

    ``source``/``target`` are the sentences of each side joined with a space; ``mt`` is the machine
    translation of the source sentences (the pivot) when there is one; ``score`` is the aligner's
    bead score in [0, 1]; ``chrf`` is sacrebleu's sentence chrF (0-100) of ``mt`` against
    ``target`` where that was scored (references), else None.  A source-only pair (no target
    sentence aligned) has empty ``target_ids`` and ``target``."""

    document: str
    source_ids: tuple[str, ...]
    target_ids: tuple[str, ...]
    source: str
    target: str
    mt: str | None = None
    score: float = 0.0
    flags: tuple[str, ...] = ()     # flags.pair_flags of source and target, where checked
    chrf: float | None = None

    @property
    def id(self) -> str:
        """The source ids joined: each source sentence is in one pair at most, so this is unique."""
        return "+".join(self.source_ids)


def group_by_document(translations: list[Translation]) -> dict[str, list[Translation]]:
    """Translations by document id, in their original order."""
    grouped: dict[str, list[Translation]] = {}
    for translation in translations:
        grouped.setdefault(translation.segment.doc_id, []).append(translation)
    return grouped
