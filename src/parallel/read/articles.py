"""Reading articles: text files and saved pages as ``records.Document``s.

``read_article`` reads a text file or a saved page into lines and keeps the article text in its
paragraphs, moving everything else into ``Document.boilerplate`` with the rule that removed it
(``read.boilerplate``); references are read as they are.  Documents are named by their file
(``document_id``), and a folder's articles and references are told apart by name.
"""
from __future__ import annotations

from pathlib import Path

from parallel.errors import InputError
from parallel.read.boilerplate import clean_lines
from parallel.read.pages import PAGE_SUFFIXES, is_page, read_page
from parallel.read.textfiles import read_text
from parallel.records import Document, PageInfo, Removed
from parallel.text_rules import normalise_line, visible_text

ARTICLE_SUFFIXES = (".txt", *PAGE_SUFFIXES)    # text files and saved web pages
_LANGUAGE_TAGS = (".en", ".ar")


def document_id(path: Path) -> str:
    """The document id is the file's stem (``seeds/x.txt`` → ``x``; ``x.en.txt``, ``x.html`` → ``x``)."""
    name = Path(path).name
    for suffix in ARTICLE_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            return name[:-3] if name.lower().endswith(_LANGUAGE_TAGS) else name
    return Path(path).stem


def is_reference_name(path: Path) -> bool:
    """Whether a file is named as an English reference: ``<doc>.en.txt`` or ``<doc>.en.html``/``.htm``."""
    name = Path(path).name.lower()
    return any(name.endswith(".en" + suffix) for suffix in ARTICLE_SUFFIXES)


def read_lines_and_page(path: Path) -> tuple[list[str], PageInfo | None]:
    """A file's lines of text: a saved page's extracted article with the page's provenance, or a
    text file's lines (and no page)."""
    if is_page(path):
        return read_page(path)
    return read_text(path).splitlines(), None


def read_article(path: Path) -> Document:
    """Read one article (a text file, or a saved web page whose main text is extracted first):
    normalised paragraphs, boilerplate removed and recorded."""
    path = Path(path)
    lines, page = read_lines_and_page(path)
    paragraphs, removed = (clean_lines(lines) if page is None
                           else clean_lines(lines, headline=page.headline, links=page.link_lines))
    if page is not None:
        removed = ([Removed(0, "caption", caption) for caption in page.captions_removed]
                   + [Removed(0, "credit", credit) for credit in page.credits_removed] + removed)
    if not paragraphs:
        raise InputError(f"{path}: no article text left after removing boilerplate")
    return Document(id=document_id(path), paragraphs=paragraphs, path=str(path), boilerplate=removed, page=page)


def reference_path(article: Path) -> Path:
    """Where an article's English reference lives: ``<doc>.en.txt`` beside it, or a saved page
    ``<doc>.en.html``/``.htm`` when there is one and no text file."""
    article = Path(article)
    candidates = [article.with_name(f"{document_id(article)}.en{suffix}") for suffix in ARTICLE_SUFFIXES]
    return next((path for path in candidates if path.is_file()), candidates[0])


def read_reference(path: Path) -> Document:
    """Read a reference translation: one paragraph per line, whitespace normalised, nothing removed.

    References are written clean, paragraph for paragraph with the cleaned article, so no
    boilerplate rule applies to them (an English "Share prices…" paragraph must stay).
    """
    path = Path(path)
    lines, page = read_lines_and_page(path)
    paragraphs = [line for line in map(normalise_line, lines) if visible_text(line)]
    return Document(id=document_id(path), paragraphs=paragraphs, path=str(path), page=page)


def split_references(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(articles, references) among files named on a command line: ``x.en.txt`` is the English
    reference of ``x.txt`` when that article is named too (``seeds/*.txt`` names both), and is
    then not an article.  Two files of one document id are refused: their ids would collide."""
    paths = [Path(p) for p in paths]
    articles = {(p.parent, document_id(p)) for p in paths if not is_reference_name(p)}
    references = [p for p in paths if is_reference_name(p) and (p.parent, document_id(p)) in articles]
    kept = [p for p in paths if p not in references]
    refuse_shared_ids(kept)
    return kept, references


def refuse_shared_ids(paths: list[Path]) -> None:
    """Two articles of one document id (``x.txt`` and ``x.html``) would give their segments the same
    ids in every output: refused, naming both."""
    seen: dict[str, Path] = {}
    for path in paths:
        other = seen.setdefault(document_id(path), path)
        if other != path:
            raise InputError(f"{path}: same document id ({document_id(path)}) as {other}; rename one")


def article_paths(directory: Path) -> list[Path]:
    """The Arabic articles in a folder: ``*.txt`` files and saved pages (``*.html``, ``*.htm``), not
    references (``*.en.txt``, ``*.en.html``), sorted."""
    directory = Path(directory)
    if directory.is_file():
        raise InputError(f"{directory}: is a file; expected a folder of articles (*.txt, *.html)")
    if not directory.is_dir():
        raise InputError(f"{directory}: no such directory")
    paths = sorted(p for p in directory.iterdir()
                   if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file() and not is_reference_name(p))
    if not paths:
        raise InputError(f"{directory}: no article files (*.txt, *.html)")
    refuse_shared_ids(paths)
    return paths
