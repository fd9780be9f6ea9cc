"""The lines a site adds to its articles, told by what they say: its promotions and offers, its
copyright, reading time, tags, link texts, correction notes, disclaimers, media credits, author
bios, and its notices about cookies and subscriptions.

Split from ``boilerplate`` (which asks ``site_own_kind`` first, then its own rules for page
controls, credits, dates and read-also links).  Every pattern here is a whole class of line a news
site prints; a line that reports such a notice or offer (``_REPORTED_RE``: "عبارة", "said") is the
story and stays.
"""
from __future__ import annotations

import re

from parallel.text_rules import DIGITS

# The site promoting itself inside the article: a call to follow, subscribe, join or download that
# names a channel of its own.  Arabic's plural imperatives are also past tenses ("انضموا" join / they
# joined), so a call needs "us", "our" or the newsletter: "تابعونا على تلغرام", "انضموا إلى قناتنا",
# "اشترك في النشرة البريدية"; "انضم مليون مستخدم إلى تيليغرام" and "تابع المتحدث على تويتر" are the
# story.  Not "قناة" nor "تطبيق" alone either: "قناة السويس", "تطبيق القرار" (the canal, implementing).
_CHANNELS = (r"تويتر|إكس|تلغرام|تليغرام|تيليغرام|تليجرام|تيليجرام|تلجرام|فيسبوك|فيس بوك|إنستغرام|انستغرام|انستجرام|"
             r"يوتيوب|واتساب|واتس آب|تيك توك|سناب شات|قناتنا|صفحتنا|حساباتنا|تطبيقنا|أخبار جوجل|أخبار غوغل|جوجل نيوز|"
             r"غوغل نيوز|بودكاست|"
             r"Twitter|X|Telegram|Facebook|Instagram|YouTube|WhatsApp|TikTok|newsletter|briefing|digest|Google News|"
             r"app|channel")
_OURS = r"قناتنا|صفحتنا|صفحاتنا|حساباتنا|حسابنا|تطبيقنا|نشرتنا|موقعنا|النشرة البريدية"
_SUBSCRIBE = r"اشترك|اشتركوا|اشتركي"       # the imperative, to one man, to many, to one woman
_FOLLOW = r"تابع|تابعوا|تابعي"
_REACHES_YOU = r"لتصلك|ليصلك|لتصلكم|ليصلكم"     # "so that (the news) reaches you"
_LEAD_IN = (r"(?:لمتابعة (?:آخر|أحدث|كل) \S+[،,]?\s+|For (?:the latest|more)\b[^,]{0,40},\s*|"
            # the site telling it lives on its readers' money before it asks for some
            r"[^.!]{0,60}(?:يمولها قراؤها|يموله قراؤه|funded by (?:its|our) readers|reader-funded)[^.!]{0,30}[.!]\s*|"
            r"Stay (?:up to date|updated|informed|connected)\b[^.!]{0,40}[.!]\s*)?")
_PROMOTION_RE = re.compile(
    rf"^{_LEAD_IN}(?:"
    rf"تابعونا(?:\s+\S+){{0,6}}?\s+[وبلف]?(?:ال)?(?:{_CHANNELS})\b|"
    rf"(?:تابعوا|تابعي|اشترك|اشتركوا|اشتركي|انضم|انضموا|انضمي|للاشتراك)\b(?:\s+\S+){{0,8}}?\s+[وبلف]?(?:{_OURS})|"
    rf"(?:Follow us|Follow \S+(?: \S+)? on|Subscribe|Sign up (?:for|to)|Join (?:us|our)|Like us|Download (?:our|the)|"
    rf"Get our)\b(?:\s+\S+){{0,6}}?\s+(?:{_CHANNELS})\b|"
    # the site by its name and a platform, nothing after: "تابعوا RT على تلغرام", "تابعوا روزاليوسف على جوجل نيوز"
    rf"تابعوا\s+\S+(?:\s+\S+)?\s+(?:على|عبر)\s+(?:ال)?(?:{_CHANNELS})$|"
    r"Follow [^.]{0,40}\bcoverage\b|"
    # "انضم إلى قناة … على يوتيوب": the site's channel on a platform
    rf"(?:انضم|إنضم|انضموا|إنضموا|انضمي)\s+(?:إلى|الى|ل)\s*قناة\b.{{0,40}}?\s(?:على|عبر)\s+(?:ال)?(?:{_CHANNELS})\b|"
    # an appeal to keep the site going: "ساهم/ي في استمرارنا", "Support independent journalism"
    r"(?:ساهم|ساهمي|ساهموا|ادعم|ادعمي|ادعموا)(?:/ي)?\b.{0,40}?(?:استمرارنا|بقائنا|استقلالنا|صحافتنا)|"
    r"(?:Support|Back) (?:our|independent) journalism|Become a (?:member|supporter)\b|"
    r"Help us keep going\b|Join (?:our|the) community$|"
    # a call to the reader on a platform, "so that the news reaches you": "اشترك في قناة المصدر على تلجرام لتصلك …"
    rf"(?:{_SUBSCRIBE}|{_FOLLOW}|انضم|انضموا|انضمي)\b(?:\s+\S+){{0,8}}?\s+(?:على|عبر|في)\s+"
    rf"(?:ال)?(?:{_CHANNELS})\b.{{0,40}}?(?:{_REACHES_YOU})\b|"
    r"(?:حمل|نزل|حملوا|نزلوا)\s+(?:تطبيقنا|(?:ال)?تطبيق\b.{0,60}?"
    r"(?:هاتفك|جوالك|هواتفكم|متجر|مجانا|لتصلك|ليصلك|لتصلكم|Google Play|App Store))|"
    r"(?:اضغط|إضغط|انقر|اضغطوا|إضغطوا|انقروا|Click|Tap)\s+(?:هنا|here)\b)", re.IGNORECASE)
MAX_PROMOTION_WORDS = 30
# The paywall's offer, a short line of its own ("اشترك الآن", "احصل على وصول غير محدود…"); a sign-up link.
_OFFER_RE = re.compile(r"^(?:(?:احصل|احصلوا|احصلي) على (?:وصول|اشتراك|.{0,50}\bفي بريدك)|"
                       rf"(?:{_SUBSCRIBE}) (?:الآن|{_REACHES_YOU})|"
                       r"(?:Get (?:unlimited|full) access|Subscribe (?:now|today|to (?:continue|keep) reading))\b)|"
                       r"\bSign up here\b|\bdelivered (?:straight |directly )?to your inbox\b|"
                       # a platform's button alone: "اشترك في البودكاست", "تابعونا على يوتيوب"
                       rf"^(?:{_SUBSCRIBE}|{_FOLLOW}|تابعونا)\s+(?:(?:في|على|عبر)\s+)?(?:ال)?(?:{_CHANNELS})$",
                       re.IGNORECASE)
MAX_OFFER_WORDS = 25
# What a screen reader is told of a link, or a link to the source: "…, opens new tab", "للاطلاع على النص الأصلي (هنا)".
_LINK_TEXT_RE = re.compile(r",? opens (?:in )?(?:a )?new (?:tab|window)\b|"
                           r"^(?:للاطلاع|لقراءة|لمشاهدة|اقرأ|طالع)\b.{0,60}[(（]?\s*هنا\s*[)）]?[.:]?$|"
                           r"^(?:Read|See|Watch|Click)\b.{0,60}\bhere\.?$", re.IGNORECASE)
MAX_LINK_TEXT_WORDS = 20
# The site disclaiming an opinion piece's views ("الآراء الواردة في المقال لا تعكس بالضرورة الموقف التحريري …").
_DISCLAIMER_RE = re.compile(r"لا (?:تعكس|تعبر عن|تمثل) "
                            r"(?:بالضرورة|(?:ال)?موقف (?:ال)?تحريري|(?:ال)?سياسة (?:ال)?تحريرية)|"
                            r"\b(?:views|opinions) expressed (?:in this|here|are)\b.{0,60}\b(?:own|necessarily)\b|"
                            # "… are those of the authors and do not purport to reflect the views of …"
                            r"\b(?:views|opinions) expressed\b.{0,60}\bare (?:those of|solely)\b.{0,40}"
                            r"\bdo not (?:necessarily |purport to )?(?:reflect|represent)\b",
                            re.IGNORECASE)
MAX_DISCLAIMER_WORDS = 40
# A video's or a photo's credits ("مدة الفيديو 02:45", "صوت وصورة: …", "ومونتاج: …", "Camera: … Produced by: …").
_MEDIA_CREDIT_RE = re.compile(r"مدة الفيديو|(?:صوت وصورة|مونتاج|تصوير ومونتاج)\s*[:：]|"
                              r"^(?:Camera|Videographer|Video editor|Produced by|Producer)\s*:.{0,80}"
                              r"\b(?:Produced by|Producer|Edited by|Editor|Camera)\s*:")
MAX_MEDIA_CREDIT_WORDS = 20
# An author's biography closing the piece: "Karim Yousef is Al-Monitor's Baghdad correspondent. …".
_BIO_RE = re.compile(r"^[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,3} is (?:a|an|the|[A-Z][\w-]*['’]s)\b.{0,60}\b"
                     r"(?:correspondent|reporter|journalist|writer|editor|columnist|contributor|analyst|fellow)\b")
MAX_BIO_WORDS = 60
# A correction note about the article ("This article was amended on …").
_CORRECTION_RE = re.compile(r"^(?:This (?:article|story) (?:was|has been) (?:amended|corrected|updated) on|"
                            r"(?:تصحيح\s*[:：]\s*)?(?:(?:تم|جرى) تعديل|عدل|صحح) هذا (?:المقال|الخبر))", re.IGNORECASE)
MAX_CORRECTION_WORDS = 60
# Reported speech: a line that quotes a notice or an offer to tell of it is the story ("«نستخدم ملفات تعريف
# الارتباط…»، عبارة تظهر على معظم المواقع", "…, the regulator said").
_REPORTED_RE = re.compile(r"\b(?:عبارة|عبارات|بحسب|وفق|وفقا|وفقاً|قال|قالت|أكد|أكدت|أوضح|أوضحت|أضاف|أضافت|"
                          r"according to|said|says|told)\b", re.IGNORECASE)
# The page's copyright ("جميع الحقوق محفوظة © 2026 …", "© 2026 … All rights reserved."), short.
_COPYRIGHT_RE = re.compile(r"©|^(?:جميع|كل) (?:الحقوق|حقوق النشر|حقوق الطبع(?: والنشر)?) محفوظة|"
                           r"^حقوق (?:النشر|الطبع|الطبع والنشر|الملكية)(?: الفكرية)? محفوظة|All rights reserved|"
                           r"^Copyright\s*(?:\(c\)|[0-9]{4})", re.IGNORECASE)
MAX_COPYRIGHT_WORDS = 15
# How long the article takes to read ("وقت القراءة: 3 دقائق", "4 min read", "3-minute read"); its tags.
_READING_TIME_RE = re.compile(rf"^(?:(?:وقت|مدة|زمن) القراءة|Reading time)\s*[:：]?\s*[{DIGITS}]+|"
                              rf"^[{DIGITS}]+[\s-]*(?:min|mins|minutes?)\s+read$|"
                              rf"^[{DIGITS}]+\s*(?:دقيقة|دقائق|د)\s+(?:للقراءة|قراءة)$|"
                              # how many read it: "قراءة: 3144", "عدد المشاهدات: 1,204", "Views: 880"
                              rf"^(?:عدد )?(?:قراءة|قراءات|القراءات|مشاهدة|مشاهدات|المشاهدات|Views|Reads)\s*[:：]\s*"
                              rf"[{DIGITS},.]+$|"
                              # the count first: "1,204 قراءة", "880 views"
                              rf"^[{DIGITS}][{DIGITS},.٬]*\s+(?:قراءة|قراءات|مشاهدة|مشاهدات|views|reads)$",
                              re.IGNORECASE)
MAX_READING_TIME_WORDS = 6
_TAGS_RE = re.compile(r"^(?:الوسوم|وسوم|الكلمات المفتاحية|كلمات مفتاحية|الكلمات الدلالية|كلمات دلالية|العلامات|"
                      r"Tags|Topics|Keywords|Filed under)\s*[:：]", re.IGNORECASE)
MAX_TAG_LINE_WORDS = 30
# The site's notice about cookies: the site's or our use of them, or agreeing to them.
_COOKIES_RE = re.compile(r"(?:ملفات تعريف الارتباط|الكوكيز|ملفات الكوكيز|\bcookies\b)", re.IGNORECASE)
# ... and a word of the site or of browsing with it ("we use brown butter in these cookies" is a recipe).
_BROWSING_RE = re.compile(r"موقع|التصفح|تصفح|تجربت|تجربة|جهازك|"
                          r"\b(?:site|website|brows\w*|experience|device|partners)\b", re.IGNORECASE)
_COOKIE_NOTICE_RE = re.compile(r"(?:نستخدم|يستخدم (?:موقعنا|هذا الموقع)|باستخدامك (?:هذا الموقع|موقعنا|للموقع)|"
                               r"بمتابعة (?:التصفح|تصفحك)|\bwe use\b|\bthis (?:site|website) uses\b|"
                               r"\bby (?:continuing to (?:browse|use)|using (?:this|our) (?:site|website))\b|"
                               r"\baccept (?:all )?cookies\b|\bcookie (?:settings|preferences)\b)", re.IGNORECASE)
# The site asking readers to contact it about a subscription (a news agency's teaser of a wire story).
_CONTACT_US_RE = re.compile(r"(?:يرجى|الرجاء) التواصل معنا|تواصلوا معنا|اتصلوا بنا|\bcontact us\b", re.IGNORECASE)
_SUBSCRIPTION_RE = re.compile(r"اشتراك(?!ي)|للمشتركين|\bsubscri", re.IGNORECASE)   # not "الاشتراكي" (socialist)
MAX_NOTICE_WORDS = 50
# Notices told by several things at once: (kind, the patterns a line must all match).
_NOTICES = (("cookies", (_COOKIES_RE, _COOKIE_NOTICE_RE, _BROWSING_RE)),
                     ("subscription", (_CONTACT_US_RE, _SUBSCRIPTION_RE)))


def site_own_kind(line: str, words: int) -> str | None:
    """The rule of a line the site adds to every article: a promotion, its copyright, the reading
    time, the tags, its notice about cookies or subscriptions (``line`` without diacritics or
    tatweel: "تابِعونا" is "تابعونا")."""
    for kind, pattern, most_words in (("promotion", _PROMOTION_RE, MAX_PROMOTION_WORDS),
                                      ("copyright", _COPYRIGHT_RE, MAX_COPYRIGHT_WORDS),
                                      ("reading_time", _READING_TIME_RE, MAX_READING_TIME_WORDS),
                                      ("tags", _TAGS_RE, MAX_TAG_LINE_WORDS),
                                      ("link_text", _LINK_TEXT_RE, MAX_LINK_TEXT_WORDS),
                                      ("correction", _CORRECTION_RE, MAX_CORRECTION_WORDS),
                                      ("disclaimer", _DISCLAIMER_RE, MAX_DISCLAIMER_WORDS),
                                      ("photo_credit", _MEDIA_CREDIT_RE, MAX_MEDIA_CREDIT_WORDS),
                                      ("author_bio", _BIO_RE, MAX_BIO_WORDS)):
        if words <= most_words and pattern.search(line):
            return kind
    if _REPORTED_RE.search(line):
        return None         # the story telling of an offer or a notice
    if words <= MAX_OFFER_WORDS and _OFFER_RE.search(line):
        return "promotion"
    if words <= MAX_NOTICE_WORDS:
        return next((kind for kind, patterns in _NOTICES if all(p.search(line) for p in patterns)), None)
    return None
