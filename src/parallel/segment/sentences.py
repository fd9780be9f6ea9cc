"""Rule-based sentence segmentation for Arabic and English news text.

A paragraph (one line) is cut after a run of terminal marks ``. ! ? ؟ …`` (``؟!`` included)
that is followed by white space, together with the closing quotes and brackets right after the
marks, which belong to the sentence they close.  Everything else is a reason *not* to cut:

- a line break always ends a segment, so headlines, datelines, captions and list items without
  final punctuation stay whole;
- ``،`` ``؛`` ``:`` ``;`` never end a sentence, and a mark with no white space after it ends
  nothing (``3.5``, ``23.11.2023``, ``www.example.com``, ``name@example.org``);
- a dot after an abbreviation: an initial or dotted initials in either script (``د.`` ``أ.``
  ``ق.م.`` ``J.K.`` ``U.S.`` ``Ph.D.``, Latin letter names spelt in Arabic as in ``دي. كي.``),
  a title that always precedes a name (``Mr.`` ``Dr.`` ``St.``), a number word before a number
  (``No. 5``, ``p. 12``); shortenings such as ``etc.``, ``a.m.``, ``Inc.``, ``Jr.`` end a
  sentence only when a capital Latin letter follows;
- Latin text that goes on in lower case (``Yahoo! and``, ``… the``, ``Jr. are``), or with a
  comma, semicolon or closing bracket, is the same sentence;
- an ellipsis after a comma (``، ...``) or between Arabic words is a pause, not an end (Arabic
  writers use it as a long comma); so is a two-dot ``..`` (web headlines join halves with it);
- an enumerator (``1.``, ``أ.``) that would be a sentence on its own belongs to its item.

Rules are statements about the two languages' typography, never lists of sentences.  The
abbreviation tables are short on purpose: a word that can end a sentence as often as it starts
a name is left out, so the default stays "cut".
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator

from parallel.formats.jsonl import read_segments
from parallel.read.articles import document_id, read_article
from parallel.read.textfiles import read_lines
from parallel.records import Document, Segment
from parallel.text_rules import ARABIC_BLOCK, DIGITS, INVISIBLE, INVISIBLE_RE

TERMINALS = ".!?؟…"
CLOSERS = "\"'”’»)]}›"
OPENERS = "\"'“‘«([{‹"

# Titles and honorifics written before a name: never the last word of a sentence.
NAME_TITLES = frozenset(
    "mr mrs ms messrs mme mlle dr drs prof profs sen sens rep reps gov govs gen gens lt col capt cmdr sgt "
    "maj adm rev hon pres supt insp det cpl pvt st mt ft".split()
)
# Words shortened before a number: "No. 5", "Vol. 2", "p. 12", "Art. 3", "Fig. 4", and month
# names before a day ("Aug. 15", "Sept. 11").
NUMBER_WORDS = frozenset("no nos vol vols p pp art arts fig figs sec ch chap para op nr "
                         "jan feb mar apr jun jul aug sep sept oct nov dec".split())
# Shortenings that may close a sentence: cut only when a Latin capital follows.
SHORTENINGS = frozenset(
    "etc inc ltd co corp jr sr bros plc llc approx est dept univ assn ave blvd rd al govt natl intl "
    "a.d b.c b.c.e c.e".split()
)
# What follows a time of day ("9 a.m. EST", "10 p.m. Saturday") in the same sentence: a time zone
# or a weekday.
_TIME_OF_DAY = frozenset({"a.m", "p.m"})
_TIME_ZONE_RE = re.compile(r"^(?:[A-Z]{1,4}T|UTC|Z)[,.;:)]*$")
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
# Words that open an English sentence and are never a name: after a single capital letter with a
# dot ("vitamin D. The", "from A to B. It") the letter closed the sentence; it was no initial.
ENGLISH_OPENERS = frozenset(
    "the this that these those it its he she they we i you there here a an in on at for but and so "
    "however his her their our my yet if when while as after before since although".split()
)
# The same for Arabic, after a letter with a dot ("فيتامين د. وقد"); "د." before a name is a title.
ARABIC_OPENERS = frozenset(
    "في من على إلى عن مع كما لكن ولكن ثم إن أن وقد وفي ومن وعلى وإن وكان وكانت وهو وهي هذا هذه "
    "ذلك تلك وهذا وهذه ولا لا لم وقال وقالت وأضاف ويعد وتعد".split()
)
# Attribution after a closing quote: "… ." كما أضاف الوزير. / "… ?" asked Smith.  Arabic
# attributions open with these words; English ones have a verb of saying first or last.
ARABIC_ATTRIBUTION = frozenset(
    "كما قائلا قائلًا قائلاً قائلة قائلةً حسبما بحسب حسب وفق وفقا وفقًا وفقاً قال قالت أضاف أضافت "
    "تساءل تساءلت أكد أكدت أوضح أوضحت صرح صرحت تابع تابعت".split()
)
ENGLISH_SAYING = frozenset(
    "said says asked asks added adds told wrote writes replied explained noted shouted continued "
    "insisted warned stated recalled concluded".split()
)
ATTRIBUTION_MAX_WORDS = 6
# A citation after the full stop of the sentence it supports: "(Bremer, 1998)", "(بريمر، 1998)".
_CITATION_RE = re.compile(r"\s+\([^()]{1,80}?\b(?:1[5-9]|20)\d\d[a-z]?\)(?=\s|$)")
# Latin letter names spelt in Arabic script, used as initials: "دي. كي. أريا" (D. K. Arya).
ARABIC_LETTER_NAMES = frozenset(
    "إيه بي سي دي إي إف جي إتش آي جيه كي إل إم إن أو يو تي آر إس في واي زد إكس كيو".split()
)
# Always followed by more of the same sentence.
CONTINUING = frozenset({"e.g", "i.e", "viz", "vs", "cf"})

_CANDIDATE_RE = re.compile(
    r"(?P<marks>[%s]+)(?P<closers>[%s]*)[%s]*(?=\s+(?P<next>\S+))"
    % (re.escape(TERMINALS), re.escape(CLOSERS), INVISIBLE)
)
_LAST_WORD_RE = re.compile(r"(\S+)$")
_ENUMERATOR_RE = re.compile(rf"^\s*[(\[]?(?:[{DIGITS}]{{1,3}}|[^\W\d_])[)\]]?$")
_DIGIT_RE = re.compile(f"[{DIGITS}]")


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha() or "\u00c0" <= ch <= "\u024f"


def _is_arabic(ch: str) -> bool:
    return ARABIC_BLOCK[0] <= ch <= ARABIC_BLOCK[1] and ch.isalpha()


def _is_ellipsis(marks: str) -> bool:
    return "…" in marks or marks.startswith("...")


def _first_letter(word: str) -> str:
    """The first character of ``word`` after any opening quotes or brackets."""
    stripped = INVISIBLE_RE.sub("", word).lstrip(OPENERS)
    return stripped[:1]


def _abbreviation_kind(word: str) -> str | None:
    """What kind of abbreviation ``word`` (the text before a final dot) is, if any.

    ``"initials"`` and ``"title"`` never end a sentence; ``"number"`` ends one unless a number
    follows; ``"shortening"`` ends one only before a Latin capital."""
    word = word.lstrip(OPENERS)
    if "-" in word and "." in word.rsplit("-", 1)[-1]:
        word = word.rsplit("-", 1)[-1]  # "non-U.S." is judged by "U.S." ("Super-G." is a word)
    if not word:
        return None
    lower = word.lower()
    if lower in CONTINUING:
        return "continuing"
    if lower in NAME_TITLES:
        return "title"
    if len(word) == 1 and word.isupper():
        return "initials"   # "P. Diddy": a capital letter is an initial, "p. 12" a page
    if lower in NUMBER_WORDS:
        return "number"
    if lower in SHORTENINGS:
        return "shortening"
    parts = word.split(".")
    if all(len(part) == 1 and part.isalpha() for part in parts):
        # "د" "J" (one initial) or "U.S" "ق.م" "J.K" (dotted initials); lower-case Latin
        # dotted letters ("a.m", "p.m") are shortenings that may close a sentence.
        if len(parts) > 1 and all(_is_latin(p) and p.islower() for p in parts):
            return "shortening"
        return "initials"
    if len(parts) > 1 and all(1 <= len(part) <= 2 and part.isalpha() for part in parts):
        return "initials"  # "Ph.D", "Lt.Col"-style dotted groups of short parts
    return None


def _in_spelt_initials(before: str, word: str, following: str) -> bool:
    """``word`` is a Latin letter name spelt in Arabic within a chain of dotted ones
    ("دي. كي. أريا"); alone ("أبولو إكس.") it is an ordinary word that may end a sentence."""
    if word not in ARABIC_LETTER_NAMES:
        return False
    previous = before[: len(before) - len(word)].rstrip().rsplit(None, 1)[-1:]
    chained_before = bool(previous) and previous[0].endswith(".") and previous[0][:-1] in ARABIC_LETTER_NAMES
    chained_after = following.endswith(".") and following[:-1] in ARABIC_LETTER_NAMES
    return chained_before or chained_after


def _bare(word: str) -> str:
    """``word`` without invisible marks, opening quotes or brackets and trailing punctuation."""
    return INVISIBLE_RE.sub("", word).lstrip(OPENERS).rstrip(CLOSERS + TERMINALS + ",،;؛:")


def _letter_ends_sentence(word: str, following: str) -> bool:
    """A single letter with a dot is an initial ("J. Smith", "د. محمد") unless what follows cannot
    go on a name: an Arabic word after a Latin letter, or a word that opens sentences."""
    letter = _bare(word)
    if len(letter) != 1:
        return False
    nxt = _bare(following)
    if _is_latin(letter):
        return bool(nxt) and (_is_arabic(nxt[0]) or nxt.lower() in ENGLISH_OPENERS)
    return nxt in ARABIC_OPENERS


def _is_attribution(paragraph: str, end: int) -> bool:
    """Whether the words after a closing quote (from ``end`` to the next sentence end) attribute
    the quotation: a few words, opening with an Arabic attribution word, or with an English verb
    of saying first or last ("asked Smith." / "Smith said.")."""
    rest = paragraph[end:]
    stop = re.search(r"[.!?؟…](?=[%s]*(?:\s|$))" % re.escape(CLOSERS), rest)
    words = [_bare(w) for w in (rest[: stop.start()] if stop else rest).split()]
    words = [w for w in words if w]
    if not words or len(words) > ATTRIBUTION_MAX_WORDS:
        return False
    if words[0] in ARABIC_ATTRIBUTION:
        return True
    return words[0].lower() in ENGLISH_SAYING or words[-1].lower() in ENGLISH_SAYING


def _goes_on_in_lower_case(marks: str, closers: str, word: str, following: str) -> bool:
    """After a mark, Latin text in lower case usually goes on with the sentence ("Yahoo! and",
    "… the", "etc. and", '"…?" he asked').  It starts a new one after a question mark (speech
    transcripts write "? yes"), unless what follows attributes the question or offers an
    alternative, and after a full stop that closes an ordinary word (text whose sentence starts
    lost their capital)."""
    if closers or INVISIBLE_RE.sub("", following)[:1] in OPENERS:
        return True   # '"…?" he asked', ". (see below)"
    following = _bare(following).lower()
    if "?" in marks:
        return following in ENGLISH_SAYING or following in ("or", "and")
    if marks == ".":
        plain = _bare(word)
        ordinary = (len(plain) >= 4 and plain.isalpha() and re.search("[aeiouyAEIOUY]", plain)
                    and _abbreviation_kind(plain) is None)
        return not ordinary
    return True


def _is_boundary(paragraph: str, start: int, match: re.Match) -> bool:
    """Whether the candidate ``match`` (marks, closers, then white space) ends a sentence."""
    marks, closers, following = match.group("marks"), match.group("closers"), match.group("next")
    before = paragraph[start : match.start()]
    if not any(ch.isalnum() for ch in before):
        return False  # stray marks ("arrangement. . Scientists") join the sentence after them
    next_char = _first_letter(following)
    if not next_char:
        return True
    word_match = _LAST_WORD_RE.search(before)
    word = word_match.group(1) if word_match else ""
    if next_char in "،,;؛:)]}»”’":
        return False  # the sentence goes on
    if _is_latin(next_char) and next_char.islower() and _goes_on_in_lower_case(marks, closers, word, following):
        return False
    if marks == "..":
        return False
    if closers and set(closers) & set("\"'”’»›") and _is_attribution(paragraph, match.end()):
        return False
    if marks == "." and closers and _abbreviation_kind(word) == "shortening" \
            and not (_is_latin(next_char) and next_char.isupper()):
        return False  # '"HK Management Inc." سبب' : a quoted name that ends in a shortening
    if _is_ellipsis(marks) and not closers and (before.rstrip()[-1:] in "،," or _is_arabic(next_char)):
        return False  # an ellipsis after a comma, or between Arabic words, is a pause
    if marks == "." and not closers:
        kind = _abbreviation_kind(word)
        if _in_spelt_initials(before, word, following):
            kind = "initials"
        if kind == "initials" and _letter_ends_sentence(word, following):
            return True
        if kind in ("initials", "title", "continuing"):
            return False
        if kind == "number" and _DIGIT_RE.search(following.lstrip(OPENERS)):
            return False
        if kind == "shortening" and _bare(word).lower() in _TIME_OF_DAY and (
                _TIME_ZONE_RE.match(_bare(following)) or _bare(following).lower() in WEEKDAYS):
            return False
        if kind == "shortening" and not (_is_latin(next_char) and next_char.isupper()):
            return False
        if _ENUMERATOR_RE.match(before):  # "1." "أ." alone is a list number, not a sentence
            return False
    return True


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph (a single line) into sentences, text kept exactly as given."""
    sentences: list[str] = []
    start = previous_start = 0
    for match in _CANDIDATE_RE.finditer(paragraph):
        if match.start() < start or not _is_boundary(paragraph, start, match):
            continue
        end = match.end()
        citation = _CITATION_RE.match(paragraph, match.start("closers") + len(match.group("closers")))
        if citation:
            end = citation.end()   # the citation stays with the sentence it supports
        sentence = paragraph[start:end].strip()
        if sentence:
            sentences.append(sentence)
            previous_start = start
        start = end
    tail = paragraph[start:].strip()
    if tail and sentences and not any(ch.isalnum() for ch in tail):
        sentences[-1] = paragraph[previous_start:].strip()   # stray marks at the end join the last sentence
    elif tail:
        sentences.append(tail)
    return sentences


def split_text(text: str) -> list[str]:
    """Sentences of a text of several lines: every line break ends a segment."""
    return [sentence for line in text.splitlines() for sentence in split_sentences(line)]


def text_segmenter(lang: str):
    """Our segmenter as the registry makes it (``segment.registry``): the same rules for Arabic and English."""
    return split_text


def segment_document(document: Document) -> list[Segment]:
    """Segments with stable ids ``<doc>:<para>:<sent>`` (1-based)."""
    return [
        Segment(document.id, para, index, sentence)
        for para, paragraph in enumerate(document.paragraphs, start=1)
        for index, sentence in enumerate(split_sentences(paragraph), start=1)
    ]


def segment_documents(documents: Iterable[Document]) -> Iterator[Segment]:
    """Every document's segments, in order, streamed."""
    for document in documents:
        yield from segment_document(document)


def segments_from_file(path: Path) -> Iterator[Segment]:
    """Segments of an article (``.txt`` or a saved page ``.html``, cleaned and segmented) or of
    ``parallel segment --jsonl`` output (``.jsonl``, streamed as it is)."""
    path = Path(path)
    if path.suffix == ".jsonl":
        return read_segments(path)
    return iter(segment_document(read_article(path)))


def line_segments(path: Path) -> Iterator[Segment]:
    """A line-aligned file (a test set) as segments, one per line, unsegmented: line ``n`` is
    ``<doc>:<n>:1``, an empty line an empty segment, so translations stay line-aligned."""
    doc = document_id(Path(path))
    return (Segment(doc, number, 1, line.strip()) for number, line in enumerate(read_lines(path), start=1))


def segments_of(paths: Iterable[Path], lines: bool = False) -> Iterator[Segment]:
    """The segments of ``paths``, streamed: articles segmented (or ``segment --jsonl`` output), or
    with ``lines`` one segment per line of a test set (``line_segments``)."""
    read = line_segments if lines else segments_from_file
    return (segment for path in paths for segment in read(path))


def count_segments(paths: Iterable[Path], lines: bool = False) -> int:
    """Segments in ``paths``, read once through without keeping them: checks every file before
    a streaming run writes anything, and gives its progress bar a total."""
    return sum(1 for _ in segments_of(paths, lines))


def segment_record(segment: Segment) -> dict:
    """The JSONL record of ``parallel segment --jsonl``."""
    return {"id": segment.id, "doc": segment.doc_id, "para": segment.para,
            "sent": segment.index, "text": segment.text}
