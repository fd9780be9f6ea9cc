"""Countries as the news names them in both languages: one key a country, whatever the form.

A cable to "the Algerian President" and its translation share no consonants ("الجزائري" and
"Algerian"), nor do مصر and Egypt, الأردن and Jordan, اليابان and Japan: the consonant skeletons
(``keys``' names family) pair transliterations, not these.  Each country below is a key of the
names family on both sides, from its names and from the adjective of its people: on the Arabic
side the nisba in its forms ("الجزائري", "الجزائرية", "للجزائريين"), after the proclitics; on the
English side the name and the demonym ("Algeria", "Algerian", "Algerians").

Left out where a form is mostly something else: "عمان" is Oman and Amman, "مالي" Mali and
"financial", "قمري" Comorian and "lunar", "مجري" Hungarian and "مجريات" (the course of events).
Kept though they are sometimes something else: "اليمنى" (the right hand) reads as "اليمني" once
ى and ي are one letter; "المغرب" is also the sunset prayer; a nisba is also a family name
("السوداني", "الكندي", "تركي").
"""
from __future__ import annotations

import functools
import re

from parallel.text_rules import ARABIC_WORD_RE, ARTICLE, ARTICLE_PROCLITICS, PROCLITICS, matching_form

# (code, Arabic names, the Arabic nisba's stem without its final ي, English names and demonyms)
_COUNTRIES = (
    ("dz", "الجزائر", "جزائر", "Algeria|Algerian|Algerians|Algiers"),
    ("bh", "البحرين", "بحرين", "Bahrain|Bahraini|Bahrainis"),
    ("km", "جزر القمر", "", "Comoros|Comorian"),
    ("dj", "جيبوتي", "", "Djibouti|Djiboutian"),
    ("eg", "مصر", "مصر", "Egypt|Egyptian|Egyptians"),
    ("iq", "العراق", "عراق", "Iraq|Iraqi|Iraqis"),
    ("jo", "الأردن", "أردن", "Jordan|Jordanian|Jordanians"),
    ("kw", "الكويت", "كويت", "Kuwait|Kuwaiti|Kuwaitis"),
    ("lb", "لبنان", "لبنان", "Lebanon|Lebanese"),
    ("ly", "ليبيا", "ليب", "Libya|Libyan|Libyans"),
    ("mr", "موريتانيا", "موريتان", "Mauritania|Mauritanian|Mauritanians"),
    ("ma", "المغرب|المملكة المغربية", "مغرب", "Morocco|Moroccan|Moroccans"),
    ("om", "سلطنة عمان", "عمان", "Oman|Omani|Omanis"),
    ("ps", "فلسطين", "فلسطين", "Palestine|Palestinian|Palestinians"),
    ("qa", "قطر", "قطر", "Qatar|Qatari|Qataris"),
    ("sa", "السعودية|المملكة العربية السعودية", "سعود", "Saudi|Saudi Arabia|Saudis|KSA"),
    ("so", "الصومال", "صومال", "Somalia|Somali|Somalis"),
    ("sd", "السودان", "سودان", "Sudan|Sudanese"),
    ("sy", "سوريا|سورية", "سور", "Syria|Syrian|Syrians"),
    ("tn", "تونس", "تونس", "Tunisia|Tunisian|Tunisians|Tunis"),
    ("ae", "الإمارات|دولة الإمارات", "إمارات", "UAE|Emirates|Emirati|Emiratis|United Arab Emirates"),
    ("ye", "اليمن", "يمن", "Yemen|Yemeni|Yemenis"),
    ("tr", "تركيا", "ترك", "Turkey|Türkiye|Turkish|Turks"),
    ("ir", "إيران", "إيران", "Iran|Iranian|Iranians"),
    ("us", "الولايات المتحدة|أمريكا|أميركا", "أمريك|أميرك", "United States|US|U.S.|USA|America|American|Americans"),
    ("gb", "بريطانيا|المملكة المتحدة", "بريطان", "Britain|United Kingdom|UK|U.K.|British|Britons"),
    ("fr", "فرنسا", "فرنس", "France|French"),
    ("de", "ألمانيا", "ألمان", "Germany|German|Germans"),
    ("it", "إيطاليا", "إيطال", "Italy|Italian|Italians"),
    ("es", "إسبانيا", "إسبان", "Spain|Spanish|Spaniards"),
    ("pt", "البرتغال", "برتغال", "Portugal|Portuguese"),
    ("nl", "هولندا", "هولند", "Netherlands|Dutch|Holland"),
    ("be", "بلجيكا", "بلجيك", "Belgium|Belgian"),
    ("ch", "سويسرا", "سويسر", "Switzerland|Swiss"),
    ("at", "النمسا", "نمساو", "Austria|Austrian"),
    ("se", "السويد", "سويد", "Sweden|Swedish|Swedes"),
    ("no", "النرويج", "نرويج", "Norway|Norwegian"),
    ("dk", "الدنمارك", "دنمارك", "Denmark|Danish|Danes"),
    ("gr", "اليونان", "يونان", "Greece|Greek|Greeks"),
    ("cy", "قبرص", "قبرص", "Cyprus|Cypriot|Cypriots"),
    ("pl", "بولندا", "بولند", "Poland|Polish|Poles"),
    ("ua", "أوكرانيا", "أوكران", "Ukraine|Ukrainian|Ukrainians"),
    ("ru", "روسيا", "روس", "Russia|Russian|Russians"),
    ("hu", "المجر", "", "Hungary|Hungarian"),
    ("cn", "الصين", "صين", "China|Chinese"),
    ("jp", "اليابان", "يابان", "Japan|Japanese"),
    ("kr", "كوريا", "كور", "Korea|Korean|Koreans"),
    ("in", "الهند", "هند", "India|Indian|Indians"),
    ("pk", "باكستان", "باكستان", "Pakistan|Pakistani|Pakistanis"),
    ("af", "أفغانستان", "أفغان", "Afghanistan|Afghan|Afghans"),
    ("bd", "بنغلاديش", "بنغلاديش", "Bangladesh|Bangladeshi"),
    ("lk", "سريلانكا", "سريلانك", "Sri Lanka|Sri Lankan"),
    ("np", "نيبال", "نيبال", "Nepal|Nepalese|Nepali"),
    ("id", "إندونيسيا", "إندونيس", "Indonesia|Indonesian|Indonesians"),
    ("my", "ماليزيا", "ماليز", "Malaysia|Malaysian"),
    ("ph", "الفلبين", "فلبين", "Philippines|Filipino|Filipinos|Philippine"),
    ("az", "أذربيجان", "أذربيجان", "Azerbaijan|Azerbaijani"),
    ("kz", "كازاخستان", "كازاخ", "Kazakhstan|Kazakh"),
    ("uz", "أوزبكستان", "أوزبك", "Uzbekistan|Uzbek"),
    ("et", "إثيوبيا|أثيوبيا", "إثيوب|أثيوب", "Ethiopia|Ethiopian|Ethiopians"),
    ("er", "إريتريا", "إريتر", "Eritrea|Eritrean"),
    ("ke", "كينيا", "كين", "Kenya|Kenyan|Kenyans"),
    ("ng", "نيجيريا", "نيجير", "Nigeria|Nigerian|Nigerians"),
    ("ne", "النيجر", "", "Niger|Nigerien"),
    ("td", "تشاد", "تشاد", "Chad|Chadian"),
    ("sn", "السنغال", "سنغال", "Senegal|Senegalese"),
    ("ci", "ساحل العاج|كوت ديفوار", "إيفوار", "Ivory Coast|Côte d'Ivoire|Ivorian"),
    ("za", "جنوب أفريقيا|جنوب إفريقيا", "", "South Africa|South African"),
    ("br", "البرازيل", "برازيل", "Brazil|Brazilian|Brazilians"),
    ("ar", "الأرجنتين", "أرجنتين", "Argentina|Argentine|Argentinian|Argentines"),
    ("mx", "المكسيك", "مكسيك", "Mexico|Mexican|Mexicans"),
    ("cl", "تشيلي|شيلي", "", "Chile|Chilean"),
    ("pe", "بيرو", "بيروف", "Peru|Peruvian|Peruvians"),
    ("ca", "كندا", "كند", "Canada|Canadian|Canadians"),
    ("au", "أستراليا", "أسترال", "Australia|Australian|Australians"),
)
# The nisba's forms: masculine, feminine, plurals, duals ("الجزائري", "الجزائرية", "الجزائريين" …).
_NISBA_ENDINGS = ("ي", "يه", "يين", "يون", "يات", "يان", "يتين", "يتان")
_ENGLISH_WORD_RE = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’.]*")


@functools.lru_cache(maxsize=1)
def _arabic_forms() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Every way a country's first word is written, with its proclitics ("الجزائر", "بالجزائر",
    "للجزائر", "ولمصر", "والجزائريين"), to (code, the name's other words): one lookup a word."""
    forms: dict[str, list[tuple[str, tuple[str, ...]]]] = {}

    def add(first: str, prefixes, code: str, rest: tuple[str, ...] = ()) -> None:  # noqa: ANN001
        for prefix in prefixes:
            forms.setdefault(prefix + first, []).append((code, rest))

    for code, written, nisba, _ in _COUNTRIES:
        for name in written.split("|"):
            first, *rest = matching_form(name).split()
            if name.startswith(ARTICLE):        # "الجزائر", "بالجزائر", "للجزائر"; not "جزائر" ("هند" is Hind)
                add(first[len(ARTICLE):], ARTICLE_PROCLITICS, code, tuple(rest))
            else:                               # "مصر", "ومصر", "لمصر"; "ألمانيا" has no article
                add(first, ("", *PROCLITICS), code, tuple(rest))
        for stem in filter(None, nisba.split("|")):
            for ending in _NISBA_ENDINGS:       # "جزائري", "الجزائرية", "للجزائريين"
                add(matching_form(stem) + ending, ("", *PROCLITICS), code)
    return forms


def arabic_countries(text: str) -> set[str]:
    """The countries an Arabic text names, by name or by its people's adjective, as codes."""
    forms = _arabic_forms()
    words = ARABIC_WORD_RE.findall(matching_form(text))
    return {code for start, word in enumerate(words) for code, rest in forms.get(word, ())
            if tuple(words[start + 1:start + 1 + len(rest)]) == rest}


@functools.lru_cache(maxsize=1)
def _english_forms() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """A country's English names and demonyms by their first word, to (code, the other words)."""
    forms: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for code, _, _, english in _COUNTRIES:
        for name in english.split("|"):
            first, *rest = name.split()
            forms.setdefault(first, []).append((code, tuple(rest)))
    return forms


def _english_word(word: str, forms: dict) -> str:  # noqa: ANN001
    """A word as the names are written: "Egypt's" and "Egypt." are "Egypt"; "U.S." stays."""
    if word in forms or not word.endswith((".", "s", "’", "'")):
        return word
    return re.sub(r"['’]s$|['’]$", "", word.rstrip("."))


def english_countries(text: str) -> set[str]:
    """The countries an English text names, by name or demonym ("Algeria", "Algerians"), as codes."""
    forms = _english_forms()
    words = [_english_word(word, forms) for word in _ENGLISH_WORD_RE.findall(text)]
    return {code for start, word in enumerate(words) for code, rest in forms.get(word, ())
            if tuple(words[start + 1:start + 1 + len(rest)]) == rest}
