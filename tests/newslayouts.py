"""More page layouts news sites use, written for the tests (issue 33): AMP pages, comment sections
of the common shapes (WordPress, Disqus, the Facebook plugin, a site's own list of readers'
comments), a WordPress-style ``entry-content`` body with its byline, "read also" links and tags
inside it, and an English page.  Nothing here is copied from a real site; every text is written
for the tests.

Each builder returns the markup; ``Story`` says which lines are the article (``expected``) and
``chrome`` lists what must never reach it (readers' comments among them)."""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

SITE = "صحيفة الساحل"
URL = "https://sahel.example/news/2026/11/desalination-plan"
AMP_URL = "https://sahel.example/amp/news/2026/11/desalination-plan"
DATE = "2026-11-02"
AUTHOR = "خالد منصور"
MENU = ("الرئيسية", "سياسة", "اقتصاد", "رياضة", "منوعات")
RELATED = ("ارتفاع أسعار الخضار في الأسواق المحلية مع بداية فصل الشتاء",
           "افتتاح مدرسة جديدة في الحي الشمالي بتمويل من البلدية")
AD_TEXT = "مساحة إعلانية متاحة للمعلنين على صفحات الموقع"
IMAGE_FALLBACK = "تعذر تحميل الصورة، يرجى المحاولة لاحقا"
FOOTER = f"جميع الحقوق محفوظة © {SITE} 2026"
# What readers wrote under the article: it must never reach the article.
COMMENTERS = ("أبو يوسف", "مريم الحسن", "Sami K.")
COMMENTS = ("خطوة ممتازة طال انتظارها، نتمنى أن تبدأ الأعمال في موعدها وألا تتأخر كالمشاريع السابقة.",
            "ومن سيدفع ثمن القرض في النهاية؟ المواطن كالعادة، والأسعار سترتفع على الجميع بلا شك.",
            "Great news for the coast, but the plants will need a lot of energy to run every day.")
COMMENT_DATES = ("2 نوفمبر 2026 الساعة 10:12 ص", "2 نوفمبر 2026 الساعة 11:40 ص", "November 2, 2026 at 1:05 pm")
# The site promoting itself inside an article's body: reading time first, a call to follow in the middle,
# the rest at its end (newsletter, app, tags, copyright).
PROMOTIONS = ("وقت القراءة: 3 دقائق", "تابعونا على تلغرام لمعرفة آخر الأخبار لحظة بلحظة",
              "اشترك في النشرة البريدية ليصلك ملخص الأخبار كل صباح", "اضغط هنا لتحميل تطبيق الصحيفة",
              "الكلمات المفتاحية: المياه، الحكومة، الساحل", "© 2026 صحيفة الساحل. جميع الحقوق محفوظة")
ENGLISH_PROMOTIONS = ("4 min read", "Follow Sahel News on Telegram for the latest updates",
                      "Sign up for our daily newsletter and get the news every morning",
                      "Click here to download our app", "Tags: water, government, coast",
                      "© 2026 Sahel News. All rights reserved.")
COMMENT_NOTICE = ("التعليقات المنشورة تعبر عن آراء أصحابها ولا تعبر بالضرورة عن رأي الصحيفة، ونرجو الالتزام "
                  "بآداب الحوار.")


@dataclass(frozen=True)
class Story:
    """An article as a page shows it: what must be read (``expected``) and its parts."""
    headline: str = "الحكومة تقر خطة لتحلية مياه البحر في المدن الساحلية"
    standfirst: str = ("أقرت الحكومة في جلستها الأسبوعية خطة لبناء ثلاث محطات لتحلية مياه البحر خلال السنوات "
                       "الخمس المقبلة.")
    body: tuple[str, ...] = (
        "وقال المتحدث باسم الحكومة إن المحطات ستوفر المياه لنحو مليوني نسمة في المدن الواقعة على الساحل.",
        "وأوضح أن تمويل المشروع سيأتي من الموازنة العامة ومن قرض ميسر تفاوضت عليه الوزارة منذ العام الماضي "
        "(أ ف ب).",
        "ويعاني عدد من المحافظات نقصا في المياه خلال أشهر الصيف بسبب تراجع منسوب الأنهار والمياه الجوفية.",
        "ومن المنتظر أن تطرح الوزارة مناقصة البناء الأولى مطلع العام المقبل، على أن تبدأ الأعمال بعد ستة أشهر.",
    )
    caption: str = "موقع إحدى المحطات المقترحة على شاطئ البحر شمال المدينة"
    byline: str = f"كتب: {AUTHOR}"
    published: str = "الإثنين 2 نوفمبر 2026 - 08:15"

    @property
    def expected(self) -> list[str]:
        """The article's paragraphs in order: headline, standfirst, body."""
        return [self.headline, *([self.standfirst] if self.standfirst else []), *self.body]

    @property
    def chrome(self) -> tuple[str, ...]:
        """Lines of the page that must never be read as the article."""
        return (self.caption, self.byline, self.published, *RELATED, AD_TEXT, IMAGE_FALLBACK, FOOTER, COMMENT_NOTICE,
                *COMMENTS, *COMMENTERS)


STORY = Story()
ENGLISH = Story(
    headline="Government approves plan to desalinate sea water for coastal cities",
    standfirst="The cabinet approved at its weekly meeting a plan to build three desalination plants over the "
               "next five years.",
    body=("The government spokesman said the plants would supply water to about two million people in cities "
          "on the coast.",
          "He said the project would be financed from the general budget and a soft loan the ministry has "
          "negotiated since last year (Reuters).",
          "Several provinces run short of water in the summer months as river and groundwater levels fall."),
    caption="The site of one of the proposed plants on the beach north of the city",
    byline="By Khaled Mansour | Updated November 2, 2026 08:15 GMT",
    published="Published November 2, 2026",
)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _json_ld(story: Story, site: str = SITE, description: bool = True) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": story.headline,
            "datePublished": f"{DATE}T08:15:00+02:00", "author": {"@type": "Person", "name": AUTHOR},
            "publisher": {"@type": "Organization", "name": site}, "mainEntityOfPage": URL}
    if description and story.standfirst:
        data["description"] = story.standfirst
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


# --- comment sections ------------------------------------------------------------------------

def _comment_items(tag: str = "li") -> str:
    return "".join(
        f'<{tag} class="comment" id="comment-{k}"><article class="comment-body"><footer class="comment-meta">'
        f'<div class="comment-author vcard"><b class="fn">{_e(name)}</b> <span class="says">قال:</span></div>'
        f'<div class="comment-metadata"><a href="#comment-{k}"><time>{_e(when)}</time></a></div></footer>'
        f'<div class="comment-content"><p>{_e(text)}</p></div>'
        f'<div class="reply"><a class="comment-reply-link" href="#respond">رد</a></div></article></{tag}>'
        for k, (name, when, text) in enumerate(zip(COMMENTERS, COMMENT_DATES, COMMENTS)))


def wordpress_comments(notice_first: bool = True) -> str:
    """WordPress's comments area: a count heading, the list, the reply form, the site's notice
    before or after the form."""
    notice = f'<p class="comment-notes">{_e(COMMENT_NOTICE)}</p>'
    form = ('<form id="commentform" class="comment-form"><p><label for="comment">التعليق</label>'
            '<textarea id="comment" name="comment"></textarea></p><p><label for="author">الاسم *</label>'
            '<input id="author" name="author"></p><p><label for="email">البريد الإلكتروني *</label>'
            '<input id="email" name="email"></p><p class="form-submit"><input type="submit" value="إرسال التعليق">'
            '</p></form>')
    return (f'<div id="comments" class="comments-area"><h2 class="comments-title">{len(COMMENTS)} تعليقات على '
            f'&ldquo;خطة تحلية المياه&rdquo;</h2><ol class="comment-list">{_comment_items()}</ol>'
            f'<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">اترك '
            f'تعليقاً <small><a rel="nofollow" href="#respond">إلغاء الرد</a></small></h3>'
            f'{notice + form if notice_first else form + notice}</div></div>')


def disqus_comments() -> str:
    """A Disqus thread: an empty ``div`` the script fills, and the no-script notice."""
    return ('<div id="disqus_thread"></div><script>var disqus_config = function () { this.page.url = "'
            f'{URL}"; }};</script><noscript>Please enable JavaScript to view the <a href="https://disqus.com/?ref_'
            'noscript">comments powered by Disqus.</a></noscript>')


def facebook_comments() -> str:
    """The Facebook comments plugin, with the site's notice and a count line above it."""
    return (f'<div class="comments-block"><h3>التعليقات ({len(COMMENTS)})</h3><p>{_e(COMMENT_NOTICE)}</p>'
            f'<div class="fb-comments" data-href="{URL}" data-width="100%" data-numposts="5"></div></div>')


def site_comments(notice_first: bool = False) -> str:
    """A site's own list of readers' comments: names, dates and texts in ``div``s, a form."""
    items = "".join(f'<div class="comment-item"><div class="comment-head"><span class="name">{_e(name)}</span>'
                    f'<span class="date">{_e(when)}</span></div><div class="comment-text">{_e(text)}</div></div>'
                    for name, when, text in zip(COMMENTERS, COMMENT_DATES, COMMENTS))
    notice = f'<div class="comments-rules">{_e(COMMENT_NOTICE)}</div>'
    form = ('<div class="add-comment"><div class="title">أضف تعليقك</div><input placeholder="الاسم">'
            '<textarea placeholder="التعليق"></textarea><button>إرسال</button></div>')
    return (f'<div class="user-comments"><div class="comments-count">{len(COMMENTS)} تعليقات</div>{items}'
            f'{notice + form if notice_first else form + notice}</div>')


def readers_opinions() -> str:
    """Readers' comments in markup that never says "comment": a heading with the count, then each
    reader's name, date and text in plain ``div``s and ``p``s."""
    items = "".join(f'<div class="op"><div><b>{_e(name)}</b> <small>{_e(when)}</small></div><p>{_e(text)}</p></div>'
                    for name, when, text in zip(COMMENTERS, COMMENT_DATES, COMMENTS))
    return (f'<section class="opinions"><h3>آراء القراء ({len(COMMENTS)})</h3>{items}<p>{_e(COMMENT_NOTICE)}</p>'
            '</section>')


COMMENT_SECTIONS = {"wordpress": wordpress_comments, "wordpress-notice-after": lambda: wordpress_comments(False),
                    "disqus": disqus_comments, "facebook": facebook_comments, "site-list": site_comments,
                    "site-list-notice-first": lambda: site_comments(True), "readers": readers_opinions}


# --- layouts -------------------------------------------------------------------------------------

def amp_page(story: Story = STORY, marker: str = "⚡", json_ld: bool = True, comments: str = "") -> str:
    """An AMP page: ``<html ⚡>`` (or ``amp``), canonical link to the full page, the AMP scripts and
    ``<style amp-custom>``, an ``<amp-sidebar>`` menu, ``<amp-ad>``s with fallback text,
    ``<amp-social-share>`` buttons, an ``<amp-img>`` (with fallback text) in a ``<figure>`` with its
    caption, JSON-LD."""
    body = [f"<p>{_e(p)}</p>" for p in story.body]
    body.insert(2, f'<amp-ad width="300" height="250" type="doubleclick" data-slot="/1/mid"><div fallback>'
                   f"{_e(AD_TEXT)}</div></amp-ad>")
    menu = "".join(f'<li><a href="/s/{k}">{_e(m)}</a></li>' for k, m in enumerate(MENU))
    related = "".join(f'<li><a href="/amp/n/{k}">{_e(r)}</a></li>' for k, r in enumerate(RELATED))
    return f"""<!doctype html>
<html {marker} lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<title>{_e(story.headline)} - {_e(SITE)}</title>
<link rel="canonical" href="{URL}">
<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">
<meta property="og:site_name" content="{_e(SITE)}">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<script async custom-element="amp-ad" src="https://cdn.ampproject.org/v0/amp-ad-0.1.js"></script>
<script async custom-element="amp-sidebar" src="https://cdn.ampproject.org/v0/amp-sidebar-0.1.js"></script>
{_json_ld(story) if json_ld else ''}
<style amp-boilerplate>body{{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both}}</style>
<noscript><style amp-boilerplate>body{{-webkit-animation:none}}</style></noscript>
<style amp-custom>.headline{{font-size:2rem}} figcaption{{color:#666}}</style>
</head>
<body>
<amp-sidebar id="menu" layout="nodisplay" side="right"><button on="tap:menu.close">إغلاق</button>
<ul>{menu}</ul></amp-sidebar>
<header class="amp-header"><button on="tap:menu.toggle">القائمة</button><a href="/" class="logo">{_e(SITE)}</a></header>
<amp-ad width="320" height="50" type="doubleclick" data-slot="/1/top"><div placeholder>إعلان</div>
<div fallback>{_e(AD_TEXT)}</div></amp-ad>
<article>
<h1 class="headline">{_e(story.headline)}</h1>
<p class="lead">{_e(story.standfirst)}</p>
<div class="meta"><span class="byline">{_e(story.byline)}</span>
<time datetime="{DATE}T08:15">{_e(story.published)}</time></div>
<figure><amp-img src="/img/plant.jpg" width="800" height="450" layout="responsive" alt="">
<div fallback>{_e(IMAGE_FALLBACK)}</div></amp-img>
<figcaption>{_e(story.caption)}</figcaption></figure>
<div class="share"><amp-social-share type="facebook" aria-label="شارك على فيسبوك"></amp-social-share>
<amp-social-share type="twitter" aria-label="شارك على تويتر"></amp-social-share>
<amp-social-share type="whatsapp">واتساب</amp-social-share></div>
<div class="article-body">
{chr(10).join(body)}
</div>
</article>
<section class="related"><h2>اقرأ أيضا</h2><ul>{related}</ul></section>
{comments}
<footer><p>{_e(FOOTER)}</p><a href="{URL}">النسخة الكاملة من الصفحة</a></footer>
</body></html>
"""


def entry_content_page(story: Story = STORY, comments: str = "", lang: str = "ar", comments_inside: bool = False,
                       promotions: tuple[str, ...] = ()) -> str:
    """A WordPress-style page: the body in ``<div class="entry-content">`` with the byline and date
    block inside it as paragraphs, "read also" links between paragraphs, a tag list "الوسوم:"; the
    standfirst is the first paragraph, in bold; the comments area follows the article or ends it
    (``comments_inside``).  ``promotions`` (``PROMOTIONS``): the site's own lines inside the body, the
    first after the date, the second after the first paragraph, the others at the end."""
    read_also = "اقرأ أيضاً:" if lang == "ar" else "Read also:"
    body = [f"<p>{_e(p)}</p>" for p in story.body]
    for at, related in ((3, RELATED[1]), (1, RELATED[0])):
        body.insert(at, f'<p><strong>{read_also}</strong> <a href="/n/{at}">{_e(related)}</a></p>')
    own = [f"<p>{_e(line)}</p>" for line in promotions]
    body = [*body[:1], *own[1:2], *body[1:], *own[2:]]
    tags = "الوسوم:" if lang == "ar" else "Tags:"
    return f"""<!DOCTYPE html>
<html lang="{lang}" dir="{'rtl' if lang == 'ar' else 'ltr'}"><head><meta charset="UTF-8">
<title>{_e(story.headline)} &#8211; {_e(SITE)}</title>
<link rel="canonical" href="{URL}">
<meta property="og:site_name" content="{_e(SITE)}">
<meta property="og:description" content="{_e(story.standfirst)}">
<link rel="stylesheet" href="/wp-content/themes/news/style.css">
</head>
<body class="post-template-default single single-post">
<div id="page" class="site"><header id="masthead" class="site-header"><p class="site-title"><a href="/">{_e(SITE)}</a>
</p><nav id="site-navigation" class="main-navigation"><ul id="primary-menu">
{"".join(f'<li><a href="/c/{k}">{_e(m)}</a></li>' for k, m in enumerate(MENU))}</ul></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-123" class="post-123 post type-post status-publish">
<header class="entry-header"><h1 class="entry-title">{_e(story.headline)}</h1></header>
<div class="entry-content">
<p>{_e(story.byline)}</p>
<p>{_e(story.published)}</p>
{''.join(own[:1])}
<p><strong>{_e(story.standfirst)}</strong></p>
<figure class="wp-block-image"><img src="/wp-content/uploads/plant.jpg" alt="">
<figcaption class="wp-element-caption">{_e(story.caption)}</figcaption></figure>
{chr(10).join(body)}
</div>
<footer class="entry-footer"><span class="tags-links">{tags} <a href="/tag/water" rel="tag">المياه</a>،
<a href="/tag/gov" rel="tag">الحكومة</a></span></footer>
{comments if comments_inside else ''}</article>
{'' if comments_inside else comments}
</main></div>
<aside id="secondary" class="widget-area"><section class="widget"><h2 class="widget-title">الأكثر قراءة</h2><ul>
{"".join(f'<li><a href="/n/w{k}">{_e(r)}</a></li>' for k, r in enumerate(RELATED))}</ul></section></aside></div>
<footer id="colophon" class="site-footer"><div class="site-info">{_e(FOOTER)}</div></footer></div>
</body></html>
"""


def news_with_comments(comments: str, story: Story = STORY) -> str:
    """A news page (``<article>`` body, JSON-LD) followed by a comment section."""
    body = "".join(f"<p>{_e(p)}</p>" for p in story.body)
    return f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{_e(story.headline)} | {_e(SITE)}</title><link rel="canonical" href="{URL}">
{_json_ld(story)}</head><body>
<nav>{"".join(f'<a href="/c/{k}">{_e(m)}</a> ' for k, m in enumerate(MENU))}</nav>
<main><article><h1>{_e(story.headline)}</h1><p class="summary">{_e(story.standfirst)}</p>
<div class="byline">{_e(story.byline)}</div><div class="date">{_e(story.published)}</div>
<figure><img src="/p.jpg" alt=""><figcaption>{_e(story.caption)}</figcaption></figure>
<div class="text">{body}</div></article>
{comments}
</main><footer>{_e(FOOTER)}</footer></body></html>
"""


def div_with_comments(comments: str, story: Story = STORY) -> str:
    """An older ``div`` layout, no ``<article>`` and no metadata: the standfirst in a block whose
    class names it (``lead-text``), the body in ``<div id="story">``, a comment section after it."""
    body = "".join(f"<p>{_e(p)}</p>" for p in story.body)
    return f"""<html dir="rtl"><head><meta charset="utf-8"><title>{_e(story.headline)}</title></head><body>
<div id="top"><a href="/">{MENU[0]}</a> <a href="/s/1">{MENU[1]}</a></div>
<div id="container"><div class="title"><h1>{_e(story.headline)}</h1></div>
<div class="lead-text">{_e(story.standfirst)}</div>
<div id="story">{body}</div>
{comments}
</div><div id="footer">{_e(FOOTER)}</div></body></html>
"""


@dataclass(frozen=True)
class TestPage:
    """One page of the catalogue: its markup, the article it must read as, what must not leak."""
    markup: str
    expected: tuple[str, ...]
    chrome: tuple[str, ...]
    encoding: str = "utf-8"
    layout: str = ""


def catalogue() -> dict[str, TestPage]:
    """Every test page built for issue 33 (and the earlier layouts), by file name."""
    import newspages
    import test_page_parts as parts

    old = newspages.PageText()
    pages = {
        "semantic.html": TestPage(newspages.semantic_article(), (old.headline, *old.body), old.chrome,
                                  layout="HTML5 article, JSON-LD, figure, related aside, comment policy"),
        "old-layout.htm": TestPage(newspages.div_layout(), (old.headline, *old.body), old.chrome, "cp1256",
                                   layout="nested divs, table menu, windows-1256"),
        "entities.html": TestPage(newspages.div_layout(charset="utf-8", numeric_entities=True),
                                  (old.headline, *old.body), old.chrome, layout="nested divs, numeric entities"),
    }
    chrome = (parts.CAPTION, "نُشر في 6 ديسمبر 2026", "كتبت: سارة علي", "التعليقات المنشورة", "صحيفة المثال")
    for name, json_ld, h1, layout in (("park", True, True, "JSON-LD, `<h1>`"), ("park-no-h1", True, False, "JSON-LD, no `<h1>`"),
                                      ("park-no-jsonld", False, False, "og: only, no `<h1>`")):
        pages[f"{name}.html"] = TestPage(parts.news_page(json_ld=json_ld, h1=h1), (parts.HEADLINE, parts.LEAD, *parts.BODY),
                                         chrome, layout=f"standfirst outside the body, {layout}, title with site")
    english = ENGLISH.chrome + ("Read also:",)
    pages.update({
        "amp.html": TestPage(amp_page(), tuple(STORY.expected), STORY.chrome, layout="AMP, `<html ⚡>`"),
        "amp-attribute.html": TestPage(amp_page(marker="amp"), tuple(STORY.expected), STORY.chrome,
                                       layout="AMP, `<html amp>`"),
        "amp-no-jsonld.html": TestPage(amp_page(json_ld=False), tuple(STORY.expected), STORY.chrome,
                                       layout="AMP, no JSON-LD (standfirst by class)"),
        "entry-content.html": TestPage(entry_content_page(), tuple(STORY.expected), STORY.chrome + ("اقرأ أيضاً",),
                                       layout="WordPress entry-content, byline and read-also inside"),
        "entry-content.en.html": TestPage(entry_content_page(ENGLISH, lang="en"), tuple(ENGLISH.expected), english,
                                          layout="English entry-content page, byline and update time on one line"),
        "entry-promotions.html": TestPage(entry_content_page(promotions=PROMOTIONS), tuple(STORY.expected),
                                          STORY.chrome + ("اقرأ أيضاً",) + PROMOTIONS,
                                          layout="entry-content with reading time, follow, newsletter, app, tags, "
                                                 "copyright inside the body"),
        "entry-promotions.en.html": TestPage(entry_content_page(ENGLISH, lang="en", promotions=ENGLISH_PROMOTIONS),
                                             tuple(ENGLISH.expected), english + ENGLISH_PROMOTIONS,
                                             layout="the same in English"),
    })
    for kind, section in COMMENT_SECTIONS.items():
        pages[f"comments-{kind}.html"] = TestPage(news_with_comments(section()), tuple(STORY.expected), STORY.chrome,
                                                  layout=f"{kind} comments after the `<article>`")
        pages[f"amp-comments-{kind}.html"] = TestPage(amp_page(comments=section()), tuple(STORY.expected),
                                                      STORY.chrome, layout=f"{kind} comments on an AMP page")
        pages[f"entry-comments-{kind}.html"] = TestPage(entry_content_page(comments=section(), comments_inside=True),
                                                        tuple(STORY.expected), STORY.chrome + ("اقرأ أيضاً",),
                                                        layout=f"{kind} comments inside the `<article>`")
        pages[f"div-comments-{kind}.html"] = TestPage(div_with_comments(section()), tuple(STORY.expected),
                                                      STORY.chrome, layout=f"{kind} comments in a div layout")
    pages.update(imitation_pages())
    short = Story(body=STORY.body[:2])     # readers wrote more than the article holds
    pages["div-comments-readers-short.html"] = TestPage(div_with_comments(readers_opinions(), short),
                                                        tuple(short.expected), short.chrome,
                                                        layout="readers comments longer than the article, div layout")
    return pages


IMITATIONS = Path(__file__).parent / "imitation_pages"


def imitation_pages() -> dict[str, TestPage]:
    """Pages imitating real Arabic and English news sites' article markup, each with the article it
    must read as and the chrome that must not leak, written by helpers who had seen neither the
    reading rules nor each other's pages (``tests/imitation_pages``: sets 1 to 8, 2026-12-07).
    Each set was measured blind before the rules it led to were written (docs/reading.md)."""
    pages = {}
    for markup in sorted(IMITATIONS.glob("*.html")):
        stem = markup.name[:-len(".html")]
        expected = [line for line in (IMITATIONS / f"{stem}.expected.txt").read_text(encoding="utf-8").split("\n")
                    if line.strip()]
        chrome = json.loads((IMITATIONS / f"{stem}.chrome.json").read_text(encoding="utf-8"))
        site = json.loads((IMITATIONS / f"{stem}.meta.json").read_text(encoding="utf-8"))["site"]
        data = markup.read_bytes()
        encoding = "windows-1256" if b"windows-1256" in data[:2000].lower() else "utf-8"   # as the page declares
        pages[markup.name] = TestPage(data.decode(encoding), tuple(expected), tuple(chrome), encoding=encoding,
                                      layout=f"imitation of {site} ({stem.split('-')[0]})")
    return pages
