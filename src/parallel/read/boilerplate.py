"""Boilerplate rules: which lines of a scraped article are the site's, not the article's.

Articles are raw web text: one paragraph per line, with the scraping residue of news sites mixed
in — repeated headlines, photo credits, share and print buttons, bylines and datelines, "read
also" links, the site's promotions, copyright and tags, comment notices.  ``clean_lines`` keeps
the article's lines and names the rule that removed each of the others (``records.Removed``), so
that nothing is lost silently and the report can say what was dropped.
"""
from __future__ import annotations

import re
from typing import Collection

from parallel.read.page_chrome import is_comment_title
from parallel.read.page_parts import comparable
from parallel.read.site_lines import site_own_kind
from parallel.records import Removed
from parallel.text_rules import (
    ARABIC_LETTERS,
    ARABIC_MONTHS,
    ARTICLE,
    ARTICLE_PROCLITICS,
    DIGITS,
    ENGLISH_MONTH_NAMES,
    normalise_line,
    strip_marks,
    visible_text,
)

# Labels of page controls that scrapers pick up as text lines (share, print, comment, captcha,
# back-to-top, advertisement).  A line is boilerplate when it is one of them, or starts with one
# and is too short to be a sentence of the article.
_CONTROL_LABELS = (
    "شارك", "مشاركة", "طباعة", "اطبع", "اترك تعليقك", "أضف تعليقك", "أضف تعليق", "تعليقات",
    "التعليقات", "تغيير رمز التحقق", "رمز التحقق", "إعلان", "اعلان", "اقرأ أيضا", "اقرأ أيضاً",
    "اقرأ المزيد", "المزيد", "Top", "Share", "Print", "Advertisement", "النشرة البريدية", "Newsletter",
)
_CONTROL_RE = re.compile(
    r"^(?:%s)(?=$|\s|:)" % "|".join(sorted(map(re.escape, _CONTROL_LABELS), key=len, reverse=True)),
    re.IGNORECASE,
)
_PHOTO_CREDIT_RE = re.compile(r"^(?:صورة|الصورة|تصوير|صور|Photo|Image)\s*(?:من)?\s*[:：/]", re.IGNORECASE)
# An agency's photo credit anywhere in a line: a caption ("… (AP Photo/Name)", "REUTERS/Name/File Photo").
_AGENCY_PHOTO_RE = re.compile(r"\((?:AP|AFP|EPA|Reuters|UPI) Photo/[^)]+\)|\bREUTERS/[A-Z]|\bAFP via Getty Images\b|"
                              r"^Photograph:\s|\bPurchase Licensing Rights\b|"
                              # a caption ending with its photographer: "… في واسط - تصوير: خضير العتابي"
                              r"\s[-–—|]\s*(?:تصوير|عدسة|Photo|Photograph)\s*[:：]\s*\S+(?:\s+\S+){0,3}$|"
                              # or with its being an archive photo: "من أحد أفران مدينة إدلب - أرشيف"
                              r"\s[-–—|]\s*(?:أرشيف|أرشيفية|صورة أرشيفية|Archive|File photo)\s*$|"
                              r"\((?:أرشيف|أرشيفية|صورة أرشيفية|Archive|File photo)\)\s*$|"
                              # a photo's "illustrative" label, or its caption ending with it: "(تعبيرية)"
                              r"^[(\[]?(?:صورة |الصورة )?(?:تعبيرية|أرشيفية|Illustrative|Illustration)[)\]]?$|"
                              r"\s[-–—|(]\s*(?:صورة )?تعبيرية\)?\s*$|"
                              # where the photo came from, short: "صورة وصلتنا من بلدية الناصرة"
                              r"^(?:صورة|الصورة|صور|الصور)\s+(?:وصلتنا|وصلت موقعنا)(?:\s+\S+){0,5}$|"
                              # an embedded video's or gallery's title under it: "فيديو | جولة الوزير في ملوي"
                              r"^(?:فيديو|بالفيديو|صور|بالصور|فيديوجراف|إنفوجراف|انفوجراف|Video|Photos|Gallery)"
                              r"\s*[|｜]\s*[^.!?؟]{1,90}$")
MAX_CAPTION_WORDS = 60
# "Source: …", "Translated by/ …", "• from the … website", "Reporting: …" — credits, not text.
_CREDIT_RE = re.compile(
    r"^[•·\-–*]?\s*(?:المصدر|مصدر|إعداد|اعداد|تحرير|بقلم|عن موقع|عن صحيفة|عن وكالة|نقلا عن|"
    r"Source|Written by|Reporting by)"
    r"\s*[:/]?\s",
    re.IGNORECASE,
)
# The writer's address alone, closing a column: "hamid@gmail.com", "للتواصل: …", "Email: …".
_CONTACT_RE = re.compile(r"^(?:(?:البريد الإلكتروني|البريد الالكتروني|للتواصل|Email|E-mail|Contact)\s*[:：]\s*)?"
                         r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+$", re.IGNORECASE)
# Labels that are also ordinary words ("كتب الوزير في رسالة …", "تقرير الأمم المتحدة …", "By Tuesday,
# prices had fallen"): a credit only with a colon or slash after them, or before a name alone.
_WORD_LABEL_CREDIT_RE = re.compile(r"^[•·\-–*]?\s*(?:كتب|كتبت|تقرير|ترجمة|ترجمه|By)(?:\s*([:/\-–—ـ])\s*|\s+)(\S.*)$",
                                   re.IGNORECASE)
# A byline's labelled parts ("الكاتب، زينب الموسوي", "Role، بي بي سي نيوز عربي", "Author: …"): a
# label, a comma or colon and a name or office; never a sentence ("الكاتب، الذي …، توفي أمس.").
_ROLE_LABEL_RE = re.compile(r"^[•·\-–*]?\s*(?:الكاتب|الكاتبة|المحرر|المحررة|Author|Writer|Role)\s*[،,:]\s*",
                            re.IGNORECASE)
MAX_ROLE_WORDS = 7          # after the label: a name or an office, without digits or more commas
# A staff credit: "المحرق - محرر الشؤون المحلية", "القاهرة - مراسل الجزيرة", "Staff reporter".
_STAFF_CREDIT_RE = re.compile(r"^(?:\S+(?:\s\S+)?\s*[-–—/]\s*)?(?:محرر|محررة|مراسل|مراسلة|مراسلنا|مراسلتنا|"
                              r"Staff (?:writer|reporter)|(?:Our )?Correspondent)\b", re.IGNORECASE)
MAX_STAFF_CREDIT_WORDS = 6
# A rule drawn with characters, with at most two short marks after it (an editor's initials: "====== م.ع.").
_SEPARATOR_RE = re.compile(r"^[=\-_*~•]{4,}(?:\s+\S{1,6}){0,2}$")
_NAME_JOINERS = {"de", "van", "von", "al", "el", "bin", "ibn", "abu", "abdel", "la", "le", "da", "di"}
_NAME_PREFIX_RE = re.compile(r"^(?:al|el)-\w", re.IGNORECASE)     # al-Sisi, el-Baz
_AGENCIES = {"reuters", "ap", "afp", "associated press", "agence france-presse", "bloomberg", "xinhua", "dpa",
             "efe", "ansa", "anadolu", "wam", "spa", "kuna", "qna", "mena", "sana", "petra", "bbc", "cnn"}
_NAME_LIST_SEPARATOR_RE = re.compile(r"\s*,\s*|\s+and\s+|\s+in\s+|\s*/\s*")   # "A, Reuters", "A and B", "A in Cairo"
MAX_NAME_WORDS = 5
MAX_ARABIC_NAME_WORDS = 3
# Offices and roles that open a sentence's subject, not a person's name: "كتب رئيس الوزراء رسالة"
# ("the prime minister wrote a letter"), "كتبت وزيرة الخارجية" (with the article they are caught already).
_ARABIC_OFFICES = set(
    "رئيس رئيسة وزير وزيرة مدير مديرة نائب نائبة سفير سفيرة قائد قائدة أمين أمينة مستشار مستشارة متحدث "
    "متحدثة ناطق ناطقة مسؤول مسؤولة محافظ محافظة عضو عضوة ممثل ممثلة مبعوث مبعوثة زعيم زعيمة رئيسا "
    "وزراء".split())   # not "مراسل": "كتب مراسلنا" is a byline
# News-agency bylines: initials and agency abbreviations, e.g. "ع.ش/ أ.ح (أ ف ب)".
_AGENCY_BYLINE_RE = re.compile(r"^[^\s.]{1,3}\.[^\s.]{1,3}\s*/.*\((?:[^()]{1,25})\)\s*$")
# An editor's initials signing off a wire story ("ع ع / ح م", "م.ع", "(ر ح)"): single letters, each
# after a space, a dot or a slash; and a site's "exclusive" tag alone ("زمان الوصل - خاص").
_INITIALS_RE = re.compile(rf"^\(?[{ARABIC_LETTERS}](?:(?:\s+|\s*[./]\s*)[{ARABIC_LETTERS}]){{1,7}}\.?\)?$")
_EXCLUSIVE_RE = re.compile(r"^(?:\S+\s+){0,3}\S+\s*[-–—]\s*خاص\s*\|?$")
_ARABIC_MONTHS = sorted({word for name in ARABIC_MONTHS for word in name.split()})   # "تشرين الأول": both words
_WEEKDAYS = "السبت الأحد الاحد الإثنين الاثنين الثلاثاء الأربعاء الاربعاء الخميس الجمعة".split()
_ENGLISH_MONTHS = "|".join(ENGLISH_MONTH_NAMES)
_ENGLISH_DATE_WORDS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split() + _ENGLISH_MONTHS.split("|")
_DATE_WORDS = set(_ARABIC_MONTHS + _WEEKDAYS + _ENGLISH_DATE_WORDS + [
    "ص", "م", "GMT", "UTC", "AM", "PM", "am", "pm", "بتوقيت", "غرينتش", "مكة"])
_DATE_TOKEN_RE = re.compile(f"^[{DIGITS}:/\\-–.،,]+$")

MAX_CONTROL_LINE_WORDS = 8
# A page's publication line: "نُشر في …", "آخر تحديث: …", "Published …", "Updated …", with a date or time.
_PUBLICATION_RE = re.compile(r"^(?:نُشر|نشر|تاريخ النشر|آخر تحديث|اخر تحديث|تم التحديث|تحديث|Published|Updated|"
                             r"Last updated|Posted)\b", re.IGNORECASE)
MAX_PUBLICATION_LINE_WORDS = 14
# Capitalised words that open phrases, not names: "By Tuesday, …", "By The Numbers".
_NOT_A_NAME_START = set(_ENGLISH_MONTHS.split("|")) | set(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday The A An This That These Those Then Now Far "
    "Contrast Comparison Law Air Sea Road Car Train Bus Plane Noon Midnight Night Day Morning Evening".split())
_DATE_OR_TIME_RE = re.compile(f"[{DIGITS}]{{1,4}}[:/.\\-][{DIGITS}]{{1,2}}|\\b(?:{_ENGLISH_MONTHS})\\b", re.IGNORECASE)
# What comment-enabled news sites print about their comments: it disclaims, welcomes or rules the
# discussion, never reports news.
_COMMENT_NOTICE_RE = re.compile(
    r"التعليقات (?:المنشورة|الواردة)|تعبر عن (?:رأي|آراء) (?:أصحابها|كتابها)|لا تعبر (?:بالضرورة )?عن (?:رأي|وجهة نظر)|"
    r"نرحب بتعليقات|بآداب الحوار|الالتزام بآداب|يرجى الالتزام|اللغة اللائقة|"
    r"comments are moderated|views expressed in (?:the )?comments|keep (?:your )?comments civil|"
    r"comments? policy|do not necessarily reflect the views", re.IGNORECASE)
MAX_NOTICE_LINE_WORDS = 60
# A link to another article, labelled: "اقرأ أيضاً: <headline>", "Read more: …" — whatever its length.
# A list of such links has a label alone, and on some sites a hidden line closing it ("نهاية قصص مقترحة",
# "Skip Most read and continue reading").
_LINK_LIST_LABELS = (r"ذات صلة|مواضيع ذات صلة|موضوعات ذات صلة|أخبار ذات صلة|قصص مقترحة|الأكثر قراءة|الأكثر مشاهدة|"
                     r"Read also|Also read|Read more|See also|Related|Related stories|Recommended|Recommended stories|"
                     r"قد يهمك أيضا|قد يهمك|قد يعجبك أيضا|شاهد أيضا|موضوعات قد تهمك|الأكثر تداولا|"
                     r"Most read|Most popular|You may also like|More on this story|Read next|Editor's picks|Trending")
_READ_ALSO_RE = re.compile(r"^(?:اقرأ|إقرأ|اقرا|طالع) (?:أيضا|أيضاً|ايضا|ايضاً|كذلك|المزيد)|"
                           r"^(?:اقرأ|إقرأ|طالع|Read)\s*[:：]|"
                           rf"^(?:{_LINK_LIST_LABELS}|Watch)(?=\s*[:：|»]|\s+[\-–]|\s*$)|"
                           rf"^(?:نهاية|تخطى|تجاوز|End of|Skip)\s+(?:{_LINK_LIST_LABELS})"
                           r"(?:\s+(?:and continue reading|وواصل القراءة|ومتابعة القراءة))?\s*$", re.IGNORECASE)
MAX_READ_ALSO_WORDS = 30
# After a label alone ("اقرأ أيضاً:", "Read more"), the linked headlines come as lines of their own:
# at most this many lines of at most this many words, none ending a sentence.
MAX_LINKED_HEADLINES = 6
MAX_HEADLINE_WORDS = 20
_SENTENCE_END_RE = re.compile(r"[.!?؟…]['\"”»)]*$")
# What separates a byline from a date on one line ("By … | Updated …", "كتب: … - الإثنين …").
_METADATA_SEPARATOR_RE = re.compile(r"\s+[|•·\-–—]\s+")
_METADATA_KINDS = {"credit", "published", "dateline"}


def _has_a_date(line: str) -> bool:
    """A date or a time: a month's name with a number, ``12:30``, ``6/12``, ``2026-12-06``."""
    return bool(_DATE_OR_TIME_RE.search(line)) or (any(w in _ARABIC_MONTHS for w in line.split())
                                                  and any(ch.isdigit() for ch in line))


def _is_dateline(line: str) -> bool:
    """A line made only of dates, times, weekday and month names (the page's publication stamp)."""
    tokens = [t.rstrip(",،") or t for t in re.split(r"[\s/\-–|]+", line) if t]   # "Thursday, May 30, 2024"
    has_digit = any(ch.isdigit() for ch in line)
    return has_digit and all(_DATE_TOKEN_RE.match(t) or t in _DATE_WORDS for t in tokens)


def _is_credit(line: str, after_headline: bool = True) -> bool:
    """A credit line: a credit label ("المصدر:", "بقلم", "Source:"), an agency byline, or a label
    that is also an ordinary word ("كتب", "تقرير", "By") followed by a colon, slash or dash, or —
    below the headline — by names alone ("By Sara Ali, Reuters", "كتب محمد علي")."""
    if _CREDIT_RE.match(line) or _AGENCY_BYLINE_RE.match(line) or _CONTACT_RE.match(line):
        return True
    if after_headline and not _SENTENCE_END_RE.search(line) and (_is_role_credit(line) or (
            _STAFF_CREDIT_RE.match(line) and len(line.split()) <= MAX_STAFF_CREDIT_WORDS)):
        return True
    labelled = _WORD_LABEL_CREDIT_RE.match(line)
    if not labelled:
        return False
    return labelled.group(1) is not None or (after_headline and _names_only(labelled.group(2)))


def _is_role_credit(line: str) -> bool:
    """A byline's labelled part ("الكاتب، زينب الموسوي"): a name or office after the label, no digit
    or further comma ("الكاتب، الذي عاش في القاهرة، توفي أمس" is a sentence)."""
    label = _ROLE_LABEL_RE.match(line)
    rest = line[label.end():] if label else ""
    return bool(rest) and len(rest.split()) <= MAX_ROLE_WORDS and not any(ch.isdigit() or ch in "،,:؛;" for ch in rest)


def _names_only(text: str) -> bool:
    """Whether what follows a byline's label is names and nothing else: Latin names (each word
    capitalised, joiners and al-/el- allowed) or news agencies, listed with commas, "and" or
    "in" (a place); or one to three Arabic words, the first without the article and no office (a
    name, not "الوزير" nor "رئيس الوزراء").  Nothing that ends a sentence, no digit."""
    text = text.strip()
    if not text or text[-1] in ".!?؟" or any(ch.isdigit() for ch in text) or any(ch in text for ch in "؛;:،"):
        return False
    if not text[0].isascii():
        words = text.split()
        return (len(words) <= MAX_ARABIC_NAME_WORDS and not words[0].startswith((ARTICLE, *ARTICLE_PROCLITICS))
                and words[0] not in _ARABIC_OFFICES)
    pieces = [piece for piece in _NAME_LIST_SEPARATOR_RE.split(text) if piece]
    return bool(pieces) and all(_is_latin_name(piece) or piece.lower() in _AGENCIES for piece in pieces)


def _is_latin_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= MAX_NAME_WORDS or words[0] in _NOT_A_NAME_START:
        return False
    return all(word[0].isupper() or word.lower() in _NAME_JOINERS or _NAME_PREFIX_RE.match(word) for word in words)


def _metadata_kind(line: str, after_headline: bool = True) -> str | None:
    """The rule of a line that is only page metadata: a credit, a publication line or a dateline,
    or several of them joined by separators ("By … | Updated …"): the first piece's rule."""
    words = line.split()
    if (_is_credit(line, after_headline) and len(words) <= MAX_CONTROL_LINE_WORDS) or _INITIALS_RE.match(line) or (
            _EXCLUSIVE_RE.match(line)):
        return "credit"
    if _is_dateline(line):
        return "dateline"
    if _PUBLICATION_RE.match(line) and _has_a_date(line) and len(words) <= MAX_PUBLICATION_LINE_WORDS:
        return "published"
    pieces = _METADATA_SEPARATOR_RE.split(line)
    kinds = [_metadata_kind(piece, after_headline) for piece in pieces] if len(pieces) > 1 else [None]
    return kinds[0] if all(kind in _METADATA_KINDS for kind in kinds) else None


def boilerplate_kind(line: str, previous: list[str]) -> str | None:
    """Name the boilerplate rule that ``line`` matches, or None for article text."""
    words = line.split()
    if _COMMENT_NOTICE_RE.search(line) and len(words) <= MAX_NOTICE_LINE_WORDS:
        return "comment_notice"
    bare = strip_marks(line)        # "اقرأ أيضًا" is "اقرأ أيضا"
    if _READ_ALSO_RE.match(bare) and len(words) <= MAX_READ_ALSO_WORDS:
        return "read_also"
    if _CONTROL_RE.match(line) and len(words) <= MAX_CONTROL_LINE_WORDS:      # "شارَكَ" is a verb
        return "control"
    site_own = site_own_kind(bare, len(words))
    if site_own:
        return site_own
    if is_comment_title(line):
        return "comment_title"
    if _PHOTO_CREDIT_RE.match(line) or (_AGENCY_PHOTO_RE.search(line) and len(words) <= MAX_CAPTION_WORDS):
        return "photo_credit"
    kind = _metadata_kind(line, after_headline=bool(previous))
    if kind:
        return kind
    if line in previous:
        return "duplicate"
    if not any(ch.isalnum() for ch in line) or _SEPARATOR_RE.match(line):
        return "symbols"
    return None


def _is_bare_label(line: str) -> bool:
    """A read-also label with nothing after it: its links are the lines that follow."""
    bare = strip_marks(line)
    label = _READ_ALSO_RE.match(bare)
    return bool(label) and not bare[label.end():].strip(" :：|»-–.…")


def _is_headline_like(line: str) -> bool:
    """A short line that ends no sentence: a linked headline, not a paragraph."""
    return len(line.split()) <= MAX_HEADLINE_WORDS and not _SENTENCE_END_RE.search(line)


def _is_trailing_signature(line: str) -> bool:
    """A last line of one or two words with no punctuation: an outlet or author signature."""
    return len(line.split()) <= 2 and not re.search(r"[.!?؟:،,\"“”«»]", line)


def clean_lines(lines: list[str], headline: str = "", links: Collection[str] = ()) -> tuple[list[str], list[Removed]]:
    """Split raw lines into article paragraphs and recorded boilerplate; ``headline``, the one the
    page names (its ``<h1>``, its JSON-LD), is kept whatever it reads like ("تقرير: الجفاف يهدد …"
    is a headline, not a credit).  ``links``: the lines that are the whole text of a link on the
    page: under a read-also label alone, those are its linked headlines (a text file has none)."""
    linked = {comparable(line) for line in links}
    kept: list[tuple[int, str, str]] = []   # (line number, text as published, visible text)
    removed: list[Removed] = []
    under_label = 0     # linked headlines that may still follow a read-also label alone
    for number, raw in enumerate(lines, start=1):
        line = normalise_line(raw)
        visible = visible_text(line)
        if not visible:
            continue
        named = headline and not kept and visible == visible_text(normalise_line(headline))
        kind = None if named else boilerplate_kind(visible, [seen for _, _, seen in kept])
        if kind == "read_also" and _is_bare_label(visible):
            under_label = MAX_LINKED_HEADLINES
        elif kind is None and under_label and comparable(visible) in linked and _is_headline_like(visible):
            kind, under_label = "read_also", under_label - 1
        elif kind is None:
            under_label = 0
        if kind:
            removed.append(Removed(number, kind, line))
        else:
            kept.append((number, line, visible))
    if len(kept) > 2 and _is_trailing_signature(kept[-1][2]):
        number, line, _ = kept.pop()
        removed.append(Removed(number, "signature", line))
    removed.sort(key=lambda r: r.line)
    return [text for _, text, _ in kept], removed
