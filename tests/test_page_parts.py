"""Pages read like the article (issue 33): pages written for these tests in the layouts news sites
use — JSON-LD NewsArticle, og: metadata, a <title> with the site's name, a standfirst outside the
article body, figure captions, publication lines, bylines, comment notices."""
from __future__ import annotations

import json

import pytest

from parallel.errors import InputError
from parallel.read.articles import read_article
from parallel.read.page_parts import without_site_name

HEADLINE = "البلدية تفتتح حديقة عامة جديدة في وسط المدينة"
LEAD = "افتتحت البلدية صباح اليوم حديقة عامة تمتد على خمسة هكتارات وتضم ملاعب للأطفال ومسارات للدراجات."
BODY = ["وقال رئيس البلدية إن الحديقة ستفتح أبوابها يوميا من السادسة صباحا حتى منتصف الليل.",
        "وأضاف أن المشروع استغرق عامين وكلف نحو أربعة ملايين دينار (رويترز).",
        "ومن المنتظر أن تستقبل الحديقة آلاف الزوار في عطلة نهاية الأسبوع."]
CAPTION = "زوار يتجولون في الحديقة الجديدة يوم الافتتاح"


def news_page(json_ld: bool = True, h1: bool = True) -> str:
    structured = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "صحيفة المثال"},
        {"@type": "NewsArticle", "headline": HEADLINE, "description": LEAD, "datePublished": "2026-12-06T09:30:00+03:00",
         "author": [{"@type": "Person", "name": "سارة علي"}], "publisher": {"@type": "Organization", "name": "صحيفة المثال"},
         "articleBody": " ".join(BODY)}]}
    body = "".join(f"<p>{p}</p>" for p in BODY)
    return f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{HEADLINE} - صحيفة المثال</title>
<meta property="og:site_name" content="صحيفة المثال"><meta property="og:description" content="{LEAD}">
{'<script type="application/ld+json">' + json.dumps(structured, ensure_ascii=False) + '</script>' if json_ld else ''}
</head><body><nav><a href="/">الرئيسية</a> <a href="/local">محليات</a></nav>
<header>{f'<h1>{HEADLINE}</h1>' if h1 else ''}<p class="standfirst">{LEAD}</p>
<div class="meta">نُشر في 6 ديسمبر 2026 - 09:30 ص</div><div class="byline">كتبت: سارة علي</div></header>
<article><figure><img src="park.jpg" alt=""><figcaption>{CAPTION}</figcaption></figure>{body}</article>
<section class="comments"><p>التعليقات المنشورة تعبر عن آراء أصحابها ولا تعبر عن رأي الصحيفة، ونرجو الالتزام بآداب الحوار.</p></section>
<footer>جميع الحقوق محفوظة © صحيفة المثال</footer></body></html>"""


def test_the_page_reads_as_the_article(tmp_path):
    page = tmp_path / "park.html"
    page.write_text(news_page(), encoding="utf-8")
    document = read_article(page)
    assert document.paragraphs == [HEADLINE, LEAD, *BODY]   # headline, standfirst, body; agency credit kept
    assert CAPTION not in " ".join(document.paragraphs)
    assert document.page.sources["headline"] == "h1"
    assert document.page.sources["standfirst"].startswith("json-ld description")
    assert document.page.site == "صحيفة المثال" and document.page.title == HEADLINE
    assert document.page.date.startswith("2026-12-06") and "سارة علي" in document.page.author


def test_without_an_h1_the_headline_comes_from_the_page_data_without_the_site_name(tmp_path):
    for json_ld, source in ((True, "json-ld headline"), (False, "title")):
        page = tmp_path / f"p{json_ld}.html"
        page.write_text(news_page(json_ld=json_ld, h1=False), encoding="utf-8")
        document = read_article(page)
        assert document.paragraphs[0] == HEADLINE and document.page.sources["headline"] == source


def test_the_site_name_leaves_the_title_wherever_it_stands():
    assert without_site_name("البلدية تفتتح حديقة - صحيفة المثال", "صحيفة المثال") == "البلدية تفتتح حديقة"
    assert without_site_name("صحيفة المثال | البلدية تفتتح حديقة", "صحيفة المثال") == "البلدية تفتتح حديقة"
    assert without_site_name("Park opens – The Example Times", "The Example Times") == "Park opens"
    assert without_site_name("وزير - المالية يعلن الميزانية", "صحيفة المثال") == "وزير - المالية يعلن الميزانية"


def test_publication_lines_bylines_and_comment_notices_are_not_article_text(tmp_path):
    lines = [HEADLINE, "آخر تحديث: 2026/12/06 - 11:05", "بقلم: سارة علي", BODY[0],
             "التعليقات الواردة لا تعبر بالضرورة عن رأي الموقع", "Published December 6, 2026", BODY[1],
             "تحديث 3 ملايين حساب مصرفي بحلول نهاية العام المقبل بحسب الخطة"]
    article = tmp_path / "a.txt"
    article.write_text("\n".join(lines) + "\n", encoding="utf-8")
    document = read_article(article)
    assert document.paragraphs == [HEADLINE, BODY[0], BODY[1], lines[-1]]   # "تحديث 3 ملايين…" is news, kept
    assert [r.kind for r in document.boilerplate] == ["published", "credit", "comment_notice", "published"]


def test_the_standfirst_is_moved_added_or_left_and_captions_are_known():
    from parallel.read.page_parts import PageParts, is_caption, place_standfirst

    parts = PageParts(description=LEAD, captions=[CAPTION], visible_text=f"{HEADLINE} {LEAD} {' '.join(BODY)}")
    moved = [HEADLINE, *BODY, LEAD]
    assert place_standfirst(parts, moved, 1) == "json-ld description, moved before the body" and moved[1] == LEAD
    added = [HEADLINE, *BODY]
    assert place_standfirst(parts, added, 1) == "json-ld description, added" and added == [HEADLINE, LEAD, *BODY]
    assert place_standfirst(parts, added, 1) == "json-ld description, in place"
    hidden = PageParts(description=LEAD, visible_text=" ".join(BODY))     # only in the metadata: not the page's text
    kept = [HEADLINE, *BODY]
    assert place_standfirst(hidden, kept, 1) == "" and kept == [HEADLINE, *BODY]
    short = PageParts(description="أخبار المدينة", visible_text="أخبار المدينة")   # a tagline, not a lead
    assert place_standfirst(short, [HEADLINE], 1) == ""
    assert is_caption(f" {CAPTION}.", parts) and not is_caption(BODY[0], parts)


SECTIONS = ["السياسة المحلية والدولية", "الاقتصاد والأعمال والأسواق", "الرياضة العربية والعالمية",
            "الثقافة والفنون والأدب", "العلوم والتكنولوجيا الحديثة", "تقارير خاصة من المحافظات الجنوبية"]


def test_a_page_of_links_only_is_not_an_article(tmp_path):
    # issue 36: a navigation-only page (a section front, a menu) was read as an article of its links
    links = "".join(f'<li><a href="/s/{k}">{text}</a></li>' for k, text in enumerate(SECTIONS))
    page = tmp_path / "sections.html"
    page.write_text(f'<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>الأقسام</title></head>'
                    f'<body><nav><ul>{links}</ul></nav><main><ul>{links}</ul></main></body></html>', encoding="utf-8")
    with pytest.raises(InputError, match="only its links"):
        read_article(page)


def test_an_article_with_a_linked_headline_and_related_links_still_reads(tmp_path):
    related = "".join(f'<li><a href="/s/{k}">{text}</a></li>' for k, text in enumerate(SECTIONS[:3]))
    body = "".join(f"<p>{p}</p>" for p in BODY)
    page = tmp_path / "linked.html"
    page.write_text(f'<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>{HEADLINE}</title></head>'
                    f'<body><article><h1><a href="/a/1">{HEADLINE}</a></h1><p>{LEAD}</p>{body}'
                    f'<ul class="related">{related}</ul></article></body></html>', encoding="utf-8")
    document = read_article(page)
    assert document.paragraphs[0] == HEADLINE and BODY[0] in document.paragraphs
