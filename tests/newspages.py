"""Web pages written for the tests in the layouts Arabic news sites use: a header menu, a headline,
a byline and date, body paragraphs with a photo caption and a "read also" link between them,
share buttons, a related-articles list, a comment policy and form, scripts, a footer.  Nothing
here is copied from a real site; the article text is written for the tests.

Each page is built from ``PageText`` so that a test knows exactly which lines are the article
(``headline``, ``body``) and which must never reach it (``chrome``)."""
from __future__ import annotations

import html
from dataclasses import dataclass

HEADLINE = "وزير الخارجية يصل إلى القاهرة لبحث الأزمة الإقليمية"
BODY = (
    "وصل وزير الخارجية إلى القاهرة صباح اليوم الأحد في زيارة رسمية تستغرق يومين، يلتقي خلالها عددًا من "
    "كبار المسؤولين المصريين.",
    "وقال الوزير في تصريح للصحفيين لدى وصوله إن \"الحوار هو الطريق الوحيد\" لحل الأزمة، مضيفًا أن بلاده "
    "مستعدة للعمل مع جميع الأطراف.",
    "ومن المقرر أن يعقد الوزير مؤتمرًا صحفيًا مشتركًا مع نظيره المصري يوم الإثنين، بعد جولة من المحادثات "
    "تتناول التعاون الاقتصادي & الأمني.",
    "وكانت العلاقات بين البلدين قد شهدت تحسنًا ملحوظًا خلال الأشهر الستة الماضية، وفق ما أفاد به مصدر "
    "دبلوماسي.",
)
MENU = ("الرئيسية", "سياسة", "اقتصاد", "رياضة", "ثقافة", "منوعات", "اتصل بنا")
RELATED = ("الرئيس يستقبل وفدًا أوروبيًا في القصر الجمهوري لبحث ملفات التعاون",
           "ارتفاع أسعار النفط في الأسواق العالمية للأسبوع الثالث على التوالي",
           "منتخب الشباب يتأهل إلى الدور النهائي بعد فوز صعب")
COMMENT_POLICY = ("نرحب بتعليقاتكم، ونحتفظ بحق حذف أي تعليق يتضمن إساءة أو تحريضًا أو يخالف شروط النشر "
                  "المعمول بها في الموقع.")
SCRIPT_TEXT = "إعلان مدفوع من الراعي الرسمي"
CAPTION = "الوزير لدى وصوله إلى مطار القاهرة الدولي (تصوير: وكالة الأنباء)"
READ_ALSO = "مباحثات سابقة بين الوزيرين في العاصمة تناولت ملف المياه"
FOOTER = "جميع الحقوق محفوظة © 2024 موقع الأخبار العربية"
AUTHOR = "سارة أحمد"
SITE = "موقع الأخبار العربية"
URL = "https://news.example/ar/politics/2024/09/28/minister-cairo"
DATE = "2024-09-28"


@dataclass(frozen=True)
class PageText:
    """What a test page holds: the article, and the page chrome that must not reach the article."""
    headline: str = HEADLINE
    body: tuple[str, ...] = BODY

    @property
    def chrome(self) -> tuple[str, ...]:
        """Lines of the page that are not the article (menus, related links, policy, script, footer)."""
        return (*RELATED, COMMENT_POLICY, SCRIPT_TEXT, READ_ALSO, FOOTER, CAPTION)


def _escape(text: str, numeric: bool = False) -> str:
    """HTML-escaped text; ``numeric`` writes every Arabic letter as a numeric character reference."""
    escaped = html.escape(text, quote=True)
    if numeric:
        escaped = "".join(f"&#{ord(ch)};" if "\u0600" <= ch <= "\u06ff" else ch for ch in escaped)
    return escaped


def semantic_article(text: PageText = PageText(), charset: str = "utf-8") -> str:
    """An HTML5 page: <header><nav>, <article> with <h1>, byline, <figure>, an inline "read also"
    box, share buttons, <aside> of related articles, a comment policy and form, JSON-LD, scripts."""
    body = [f"<p>{_escape(p)}</p>" for p in text.body]
    body.insert(1, f'<figure class="photo"><img src="/img/minister.jpg" alt="">'
                   f"<figcaption>{_escape(CAPTION)}</figcaption></figure>")
    body.insert(3, f'<div class="read-also"><span>اقرأ أيضاً:</span> <a href="/ar/x">{_escape(READ_ALSO)}</a></div>')
    menu = "".join(f'<li><a href="/ar/{i}">{_escape(m)}</a></li>' for i, m in enumerate(MENU))
    related = "".join(f'<li><a href="/ar/r{i}">{_escape(r)}</a></li>' for i, r in enumerate(RELATED))
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="{charset}">
<title>{_escape(text.headline)} | {_escape(SITE)}</title>
<link rel="canonical" href="{URL}">
<meta property="og:site_name" content="{_escape(SITE)}">
<meta property="og:title" content="{_escape(text.headline)}">
<meta name="author" content="{_escape(AUTHOR)}">
<meta property="article:published_time" content="{DATE}T09:30:00+03:00">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "{text.headline}", "datePublished": "{DATE}T09:30:00+03:00",
 "author": {{"@type": "Person", "name": "{AUTHOR}"}}}}</script>
<style>.read-also {{ border: 1px solid #ccc; }}</style>
</head>
<body>
<header class="site-header"><a class="logo" href="/">{_escape(SITE)}</a>
<nav><ul class="menu">{menu}</ul></nav>
<form class="search"><input type="search" placeholder="ابحث في الموقع"></form></header>
<main>
<article class="news-article">
<h1 class="headline">{_escape(text.headline)}</h1>
<div class="meta"><span class="author">بقلم: {_escape(AUTHOR)}</span>
<time datetime="{DATE}T09:30:00+03:00">السبت 28 سبتمبر 2024 - 09:30</time></div>
<div class="share"><a href="#">شارك</a> <a href="#">فيسبوك</a> <a href="#">تويتر</a> <a href="#">واتساب</a>
<a href="#">طباعة</a></div>
<div class="article-body">
{chr(10).join(body)}
</div>
<div class="tags"><a href="/tag/1">مصر</a> <a href="/tag/2">دبلوماسية</a></div>
</article>
<aside class="related"><h2>أخبار ذات صلة</h2><ul>{related}</ul></aside>
<section class="comments"><h3>التعليقات</h3>
<p class="policy">{_escape(COMMENT_POLICY)}</p>
<form><textarea placeholder="أضف تعليقك"></textarea><button>إرسال</button></form></section>
</main>
<script>window.ads = {{slot: "top", label: "{SCRIPT_TEXT}"}}; document.title += "";</script>
<footer><p>{_escape(FOOTER)}</p><ul><li><a href="/about">من نحن</a></li><li><a href="/privacy">سياسة الخصوصية</a>
</li></ul></footer>
</body>
</html>
"""


def div_layout(text: PageText = PageText(), charset: str = "windows-1256", numeric_entities: bool = False) -> str:
    """An older layout of nested <div>s and a <table> menu: the headline in the page header, outside
    the story's container, the body as <p>s in <div id="story">, a related list in the middle of
    the column, a comment policy in a <div>; the encoding declared with http-equiv."""
    paragraphs = [f"<p>{_escape(p, numeric_entities)}</p>" for p in text.body]
    paragraphs.insert(2, f'<div class="inline-related"><b>اقرأ أيضا</b><ul>'
                         f'<li><a href="/n/9">{_escape(READ_ALSO)}</a></li></ul></div>')
    paragraphs.insert(1, f'<div class="caption"><img src="p.jpg"><span>{_escape(CAPTION)}</span></div>')
    menu = "".join(f'<td><a href="/s/{i}">{_escape(m)}</a></td>' for i, m in enumerate(MENU))
    related = "".join(f'<div class="item"><a href="/n/{i}">{_escape(r)}</a></div>' for i, r in enumerate(RELATED))
    return f"""<html dir="rtl">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{_escape(SITE)} - {_escape(text.headline, numeric_entities)}</title>
<meta property="og:url" content="{URL}">
<meta name="description" content="{_escape(text.body[0][:80])}">
<script src="/js/ads.js"></script>
<script>var banner = "{SCRIPT_TEXT}";</script>
</head>
<body>
<div id="top"><table class="menu"><tr>{menu}</tr></table></div>
<div id="container">
<div class="page-title"><h1>{_escape(text.headline, numeric_entities)}</h1>
<div class="date">{DATE}</div></div>
<div id="main-column">
<div id="story" class="story-body">
{chr(10).join(paragraphs)}
</div>
<div class="share-buttons"><span>شارك الخبر:</span> <a href="#">فيسبوك</a> <a href="#">تويتر</a></div>
<div class="related-news"><div class="title">مواضيع ذات صلة</div>{related}</div>
<div class="comments-box"><div class="title">سياسة التعليقات</div><div>{_escape(COMMENT_POLICY)}</div>
<div>اترك تعليقك</div><textarea></textarea></div>
</div>
<div id="side-column"><div class="most-read"><div class="title">الأكثر قراءة</div>{related}</div></div>
</div>
<div id="footer">{_escape(FOOTER)}</div>
</body>
</html>
"""
