"""Arabic (and English) text rules, each defined once: letters, diacritics, letter variants,
proclitics, digits, month names, byte-order marks and invisible characters.

Every stage that reads Arabic text for a rule (segmentation, flags, the aligner's features and
word table, glossaries, filters) takes its tables from here, so that "a diacritic" or "a prefix"
means the same thing everywhere.  Nothing here rewrites text for output: the corpus carries the
source as published, and these rules decide only how the rules and the comparisons read it.

Ranges are given as the inside of a regular-expression character class (``f"[{ARABIC_LETTERS}]"``)
so that modules can combine them; the few compiled patterns below are the common cases.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from itertools import product

# --- letters ------------------------------------------------------------------------------

ARABIC_LETTERS = "\u0621-\u064a"          # hamza to yeh: the letters of Modern Standard Arabic
BORROWED_LETTERS = "\u067e\u06a4\u06af\u0686"   # پ ڤ گ چ, which foreign names borrow from Persian
EXTENDED_LETTERS = "\u0671-\u06d3"        # alef wasla to yeh barree: Persian, Urdu and Quranic letters
ARABIC_BLOCK = ("\u0600", "\u06ff")      # the Unicode block "Arabic": its first and last code point
# Every block of the Arabic script, presentation forms included: Arabic left in an English text.
ARABIC_SCRIPT = "\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc"

# --- marks --------------------------------------------------------------------------------

HARAKAT = "\u064b-\u0652"                 # tanwin, the short vowels, shadda and sukun
SUPERSCRIPT_ALEF = "\u0670"
TATWEEL = "\u0640"                        # the stretching stroke: typography, not spelling
MARKS = HARAKAT + SUPERSCRIPT_ALEF + TATWEEL
_MARKS_RE = re.compile(f"[{MARKS}]")

# An Arabic word as the rules read it: letters (borrowed and extended ones too) with their marks.
ARABIC_WORD_RE = re.compile(f"[{ARABIC_LETTERS}{EXTENDED_LETTERS}{MARKS}]+")


def strip_marks(text: str) -> str:
    """Text without diacritics, superscript alef and tatweel: "مُحَمَّـد" reads "محمد"."""
    return _MARKS_RE.sub("", text)


# --- spelling variants --------------------------------------------------------------------

ALEF_VARIANTS = "أإآٱ"                    # hamza above, hamza below, madda, wasla: written "ا" as often
_LETTER_VARIANTS = str.maketrans({**dict.fromkeys(ALEF_VARIANTS, "ا"), "ى": "ي"})
_TA_MARBUTA = str.maketrans({"ة": "ه"})


def unify_letters(text: str) -> str:
    """The alef variants as bare alef and alef maqsura as yeh: the spellings writers mix freely."""
    return text.translate(_LETTER_VARIANTS)


def matching_form(text: str) -> str:
    """Arabic as compared, never as written: no marks, letter variants unified, ta marbuta as heh
    ("الوزارة" and "الوزاره" match).  Glossary terms and near-duplicate keys use it."""
    return strip_marks(text).translate(_LETTER_VARIANTS).translate(_TA_MARBUTA)


# --- proclitics ---------------------------------------------------------------------------

# What is written onto the front of an Arabic word: a conjunction (و, ف), then a preposition (ب, ل,
# ك), then the article (ال), each optional; ل before ال is written لل.  Every combination, longest first.
CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ل", "ك")
ARTICLE = "ال"


def _proclitics() -> tuple[str, ...]:
    found = set()
    for conjunction, preposition, article in product(("", *CONJUNCTIONS), ("", *PREPOSITIONS), ("", ARTICLE)):
        joined = conjunction + ("لل" if preposition == "ل" and article else preposition + article)
        if joined:
            found.add(joined)
    return tuple(sorted(found, key=lambda p: (-len(p), p)))


PROCLITICS = _proclitics()
# The proclitics that end in the article: the ones that can be taken off a word without a dictionary
# (a word starting with a lone ب or ل as often has it as its first root letter: بيت, لغة).
ARTICLE_PROCLITICS = tuple(p for p in PROCLITICS if p.endswith((ARTICLE, "لل")))
PROCLITIC_PATTERN = "(?:" + "|".join(PROCLITICS) + ")"


def proclitic_stems(word: str, min_stem: int, proclitics: tuple[str, ...] = PROCLITICS) -> list[str]:
    """What remains of ``word`` after each proclitic it starts with, stems of ``min_stem`` letters or more."""
    return [word[len(p):] for p in proclitics if word.startswith(p) and len(word) - len(p) >= min_stem]


def strip_proclitic(word: str, min_stem: int, proclitics: tuple[str, ...] = PROCLITICS) -> str:
    """``word`` without its longest proclitic, when a stem of ``min_stem`` letters or more remains."""
    stems = proclitic_stems(word, min_stem, proclitics)
    return stems[0] if stems else word


# --- digits -------------------------------------------------------------------------------

DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9"  # ASCII, Arabic-Indic and Persian (Eastern Arabic-Indic) digits
# Arabic-Indic and Persian digits, the Arabic decimal and thousands separators, as ASCII.
DIGITS_AS_ASCII = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
_ARABIC_COMMA_IN_NUMBER_RE = re.compile(r"(?<=\d)،(?=\d)")

def normalise_digits(text: str) -> str:
    """Arabic-Indic and Persian digits and separators to ASCII (``٣٫٥`` → ``3.5``); an Arabic
    comma between digits is a separator too (``783،562``)."""
    return _ARABIC_COMMA_IN_NUMBER_RE.sub(",", text.translate(DIGITS_AS_ASCII))


# --- months -------------------------------------------------------------------------------

def _numbered(*spellings: str) -> dict[str, int]:
    """``"a b|c d"``: month 1 written "a b" or "c d"; the months in order, one string each."""
    return {name: month for month, names in enumerate(spellings, start=1) for name in names.split("|")}


# The Gregorian months as Arabic news writes them, each with its number: Egypt and the Gulf
# (يناير), the Levant and Iraq (كانون الثاني), Algeria and Tunisia (جانفي), Morocco (يوليوز); hamza
# and yeh spellings as sites write them.
ARABIC_MONTHS = _numbered(
    "يناير|كانون الثاني|جانفي", "فبراير|شباط|فيفري", "مارس|آذار|اذار",
    "أبريل|ابريل|إبريل|نيسان|أفريل|افريل", "مايو|أيار|ايار|ماي", "يونيو|يونيه|حزيران|جوان",
    "يوليو|يوليه|تموز|جويلية|يوليوز", "أغسطس|اغسطس|آب|اب|أوت|اوت|غشت", "سبتمبر|أيلول|ايلول|شتنبر",
    "أكتوبر|اكتوبر|تشرين الأول|تشرين الاول", "نوفمبر|تشرين الثاني|نونبر", "ديسمبر|كانون الأول|كانون الاول|دجنبر")
ENGLISH_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                       "October", "November", "December")
# With the abbreviations a date is written with ("Sept. 4"); case matters ("Mar", not "mar").
ENGLISH_MONTHS = _numbered(*(f"{name}|{name[:3]}" + ("|Sept" if name == "September" else "")
                             for name in ENGLISH_MONTH_NAMES))


# --- invisible characters and byte-order marks ---------------------------------------------

# Bidi marks and isolates, zero-width characters, the soft hyphen and the BOM: kept in the text as
# published, transparent to every rule.
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad"
INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
# What OPUS-MT's own preprocess.sh deletes before SentencePiece (word joiner, zero-width space, BOM).
OPUS_MT_DELETED = "\u2060\u200b\ufeff"
# A file's first bytes that say its encoding, and the codec that reads it (the mark dropped).
BYTE_ORDER_MARKS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# --- white space --------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def normalise_line(line: str) -> str:
    """Single spaces, no leading or trailing white space, and nothing else changed.

    Article text is never rewritten beyond white space: the TMX must carry the source exactly as
    published, invisible marks included.  What the rules and the model see is ``visible_text``."""
    return _SPACES.sub(" ", line).strip()


def visible_text(line: str) -> str:
    """``line`` as rules and models should read it: NFC, without invisible format characters
    (bidi marks, zero-width characters, soft hyphen, BOM) and private-use glyphs (icon-font
    bullets of some news sites).  ZWNJ goes too: it carries no meaning in Arabic script."""
    line = INVISIBLE_RE.sub("", unicodedata.normalize("NFC", line))
    line = "".join(ch for ch in line if unicodedata.category(ch) != "Co")
    return _SPACES.sub(" ", line).strip()


# --- near-exact matching -------------------------------------------------------------------


def near_exact_key(text: str) -> str:
    """``text`` reduced to what near-exact matching compares: letters and digits only, lower case,
    one digit script, one spelling of the Arabic letters that vary (spacing, punctuation and
    symbols, diacritics and tatweel do not change a sentence)."""
    text = matching_form(normalise_digits(unicodedata.normalize("NFKC", text))).casefold()
    return "".join(ch for ch in text if ch.isalnum())
