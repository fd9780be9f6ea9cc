"""Pages read like the article in more layouts (issue 33): AMP pages, comment sections of the
common shapes (WordPress, Disqus, the Facebook plugin, a site's own list, readers' comments in
markup that never says "comment"), a WordPress ``entry-content`` body with its byline and "read
also" links inside, an English page.  The pages are written for the tests (tests/newslayouts.py)."""
from __future__ import annotations

import pytest
from lxml import html

import newslayouts
from parallel.read.articles import read_article
from parallel.read.boilerplate import boilerplate_kind, clean_lines
from parallel.read.dense_block import block_lines, data_table_rows, dense_block
from parallel.read.page_body import restore_body_blocks
from parallel.read.page_chrome import is_comment_title, without_chrome
from parallel.read.page_parts import element_text, lead_block, page_headings
from parallel.read.pages import read_page

PAGES = newslayouts.catalogue()
STORY = newslayouts.STORY


def read(tmp_path, name: str, markup: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(markup.encode(encoding))
    return read_article(path)


@pytest.mark.parametrize("name", PAGES)
def test_every_test_page_reads_exactly_as_its_article(tmp_path, name):
    page = PAGES[name]
    document = read(tmp_path, name, page.markup, page.encoding)
    assert document.paragraphs == list(page.expected)       # headline first, standfirst, body; nothing else
    text = "\n".join(document.paragraphs)
    assert [chrome for chrome in page.chrome if chrome in text] == []


def test_an_amp_page_keeps_its_metadata_out_of_the_text(tmp_path):
    document = read(tmp_path, "amp.html", newslayouts.amp_page(comments=newslayouts.site_comments()))
    page = document.page
    assert (page.url, page.author, page.site, page.title) == (newslayouts.URL, newslayouts.AUTHOR, newslayouts.SITE,
                                                              STORY.headline)
    assert page.date.startswith(newslayouts.DATE) and page.sources["standfirst"] == "json-ld description, added"
    text = "\n".join(document.paragraphs)
    assert newslayouts.AUTHOR not in text and newslayouts.SITE not in text and "2026" not in text
    assert "(أ ف ب)" in text                                  # an agency credit inside the body is article text


def test_without_metadata_the_standfirst_is_the_block_the_markup_names_as_lead(tmp_path):
    document = read(tmp_path, "amp.html", newslayouts.amp_page(json_ld=False))
    assert document.paragraphs[1] == STORY.standfirst and document.page.sources["standfirst"] == "page structure, added"
    root = html.fromstring(f'<div><div class="summary">{STORY.body[0]}</div><h1>{STORY.headline}</h1>'
                           f'<ul><li class="summary">{STORY.body[1]}</li></ul><p class="teaser">قصير جدا</p>'
                           f'<div class="article__lead">{STORY.standfirst}</div></div>')
    assert lead_block(root) == STORY.standfirst      # after the <h1>; not a list item; not a short tagline


def test_amp_chrome_goes_and_amp_images_keep_their_captions():
    root = html.document_fromstring(newslayouts.amp_page())
    assert without_chrome(root) == {"amp": 7, "embeds": 0, "boxes": 0, "comments": 0}   # 2 ads, a sidebar, 3 share buttons, an image's fallback
    text = root.text_content()
    assert newslayouts.AD_TEXT not in text and newslayouts.MENU[1] not in text and newslayouts.IMAGE_FALLBACK not in text
    assert root.find(".//amp-img") is not None and STORY.caption in text and STORY.body[-1] in text


def test_a_comment_section_goes_from_its_title_on_and_the_article_stays():
    root = html.fromstring(f"<div><h1>{STORY.headline}</h1><p>{STORY.body[0]}</p><h3>التعليقات (2)</h3>"
                           f"<p>{newslayouts.COMMENTS[0]}</p><p>{newslayouts.COMMENTS[1]}</p></div>")
    assert without_chrome(root) == {"amp": 0, "embeds": 0, "boxes": 0, "comments": 3}
    assert [p.text for p in root.iter("p")] == [STORY.body[0]] and root.find("h1") is not None
    whole = html.fromstring(f'<div><article><p>{STORY.body[0]}</p></article><section><div>3 تعليقات</div>'
                            f'<div><b>{newslayouts.COMMENTERS[0]}</b><p>{newslayouts.COMMENTS[0]}</p></div>'
                            f'</section><p>{STORY.body[1]}</p></div>')
    without_chrome(whole)
    assert whole.find("section") is None and [p.text for p in whole.iter("p")] == [STORY.body[0], STORY.body[1]]
    run_in = html.fromstring(f"<div><p>{STORY.body[0]}</p><p><b>تعليقات القراء</b> على الخطة جاءت متباينة بين مؤيد "
                             f"ومعارض.</p><div><span>3 تعليقات</span> | {STORY.byline}</div></div>")
    assert without_chrome(run_in) == {"amp": 0, "embeds": 0, "boxes": 0, "comments": 0} and len(run_in.findall(".//p")) == 2


def test_author_bio_and_promotion_boxes_go_but_not_a_long_box_or_the_article():
    bio = f'<div class="AuthorBio_bio__M2w9r"><h3>{newslayouts.AUTHOR}</h3><p>{newslayouts.AUTHOR} مراسل الصحيفة.</p></div>'
    promo = '<section class="promo-box"><h3>اشترك الآن</h3><p>عرض خاص للمشتركين الجدد.</p></section>'
    root = html.fromstring(f"<div><article><h1>{STORY.headline}</h1><p>{STORY.body[0]}</p></article>{bio}{promo}</div>")
    assert without_chrome(root) == {"amp": 0, "embeds": 0, "boxes": 2, "comments": 0}
    assert newslayouts.AUTHOR not in root.text_content() and "اشترك" not in root.text_content()
    quote = html.fromstring(f'<div><article><p>{STORY.body[0]}</p><blockquote class="pull-quote"><p>{STORY.body[0][:40]}'
                            f'</p></blockquote><blockquote><p>{STORY.body[1]}</p></blockquote></article></div>')
    assert without_chrome(quote)["boxes"] == 1 and len(quote.findall(".//blockquote")) == 1   # a quotation stays
    box = html.fromstring(f'<div><p>{STORY.body[0]}</p><div class="quote-box"><p>{STORY.body[0][:30]}</p></div></div>')
    assert without_chrome(box)["boxes"] == 1
    long_box = html.fromstring(f'<div><div class="promo">{" ".join(STORY.body * 2)}</div></div>')
    named_article = html.fromstring(f'<div><div class="post-bio"><h1>{STORY.headline}</h1><p>{STORY.body[0]}</p></div></div>')
    assert without_chrome(long_box)["boxes"] == 0 and without_chrome(named_article)["boxes"] == 0


def table_layout_page(body_cell: str) -> str:
    """An old table layout: a menu row, a cell of links, the article's cell, comments below it."""
    menu = " | ".join(f'<a href="/s{n}.html">{item}</a>' for n, item in enumerate(newslayouts.MENU))
    comments = "".join(f'<tr><td class="comment_name"><b>{who}</b></td></tr><tr><td>{said}</td></tr>'
                       for who, said in zip(newslayouts.COMMENTERS, newslayouts.COMMENTS))
    return (f'<html dir="rtl"><head><title>{STORY.headline} | {newslayouts.SITE}</title></head><body>'
            f'<table width="990"><tr><td class="menu">{menu}</td></tr><tr><td><table><tr>'
            f'<td width="190"><table><tr><td>الأكثر قراءة</td></tr><tr><td>'
            f'{"<br>".join(f"<a href=/n{n}.html>{item}</a>" for n, item in enumerate(newslayouts.MENU))}</td></tr>'
            f'</table></td><td><table><tr><td><h1>{STORY.headline}</h1></td></tr>'
            f'<tr><td class="newsbody">{body_cell}</td></tr>'
            f'<tr><td><b>التعليقات</b> (عدد التعليقات: 2)</td></tr>{comments}</table></td></tr></table></td></tr>'
            f'<tr><td>جميع الحقوق محفوظة {newslayouts.SITE}</td></tr></table></body></html>')


def test_a_table_layout_read_whole_by_the_extractor_reads_its_densest_block(tmp_path):
    body = "\n<br />\n".join(STORY.body)
    document = read(tmp_path, "table.html", table_layout_page(f'<div id="news_body">{body}</div>'))
    assert document.paragraphs == [STORY.headline, *STORY.body]
    assert document.page.sources["body"] == "the page's densest block (a table layout read whole)"
    root = html.fromstring(f'<div><div>{body}<div class="ad">إعلان</div></div><p>قصير</p></div>')
    assert block_lines(dense_block(root)) == list(STORY.body)      # a block nested in it is not its text
    assert dense_block(html.fromstring("<div><p>قصير</p><p>سطر</p></div>")) is None


@pytest.mark.parametrize("title", ["التعليقات (3)", "3 تعليقات", "٣ تعليقات على “خطة تحلية المياه”", "تعليق واحد",
                                   "آراء القراء (3)", "تعليقات القراء", "اترك تعليقاً", "أضف تعليقك",
                                   "لا توجد تعليقات حتى الآن", "Comments", "3 Comments", "Leave a Reply",
                                   "One response to “Plan”", "No comments yet"])
def test_comment_section_titles(title):
    assert is_comment_title(title) and boilerplate_kind(title, []) in {"comment_title", "control"}   # a label too


@pytest.mark.parametrize("line", ["تعليق على قرار الحكومة بتأجيل الانتخابات", "Comments on the budget",
                                  "Responses to the crisis", "تعليقات الوزير أثارت جدلا واسعا في البرلمان",
                                  STORY.body[0]])
def test_lines_that_only_mention_comments_are_not_titles(line):
    assert not is_comment_title(line)


@pytest.mark.parametrize("line, kind", [
    ("اقرأ أيضاً: ارتفاع أسعار الخضار في الأسواق المحلية مع بداية فصل الشتاء القارس هذا العام", "read_also"),
    ("Read more: Government approves a plan to build three plants on the coast over five years", "read_also"),
    ("By Khaled Mansour | Updated November 2, 2026 08:15 GMT", "credit"),
    ("كتب: خالد منصور - الإثنين 2 نوفمبر 2026 - 08:15", "credit"),
    ("آخر تحديث: 2026/11/02 - 11:05 | بقلم: خالد منصور", "published"),
    ("قال الوزير - في تصريح للصحفيين - إن الخطة ستنفذ خلال 2026", None),
    ("Related talks were held in Cairo on November 2, 2026 | officials said", None),
    ("وقال رئيس الوزراء اقرأ أيضاً ما كتبناه عن الخطة في العدد الماضي", None),
])
def test_read_also_links_and_joined_byline_and_date_lines(line, kind):
    assert boilerplate_kind(line, ["the headline"]) == kind      # below a headline, as on a page


@pytest.mark.parametrize("line, kind", [
    ("تابعوا آخر الأخبار عبر قناتنا على واتساب", "promotion"),
    ("انضموا إلى قناتنا على تيليجرام", "promotion"),
    ("Join our WhatsApp channel", "promotion"),
    ("Like us on Facebook", "promotion"),
    ("حمّل تطبيق الصحيفة على هاتفك", "promotion"),
    ("انقر هنا لمشاهدة الفيديو", "promotion"),
    ("جميع الحقوق محفوظة لصحيفة الساحل 2026", "copyright"),
    ("Copyright 2026 Sahel News", "copyright"),
    ("مدة القراءة 5 دقائق", "reading_time"),
    ("5 دقائق للقراءة", "reading_time"),
    ("الوسوم: المياه، الحكومة", "tags"),
    ("Filed under: Middle East, Water", "tags"),
    # the story, though it opens with such a word or names a platform
    ("تابع المتحدث في تغريدة على تويتر أن الحكومة لن تتراجع عن الخطة", None),
    ("وتابعوا عبر فيسبوك تطورات الأزمة لحظة بلحظة كما قال شهود", None),
    ("لمتابعة تطبيق القرار شكلت الوزارة لجنة في قناة السويس", None),
    ("حمل المحتجون لافتات ونشروا صورهم على فيسبوك وتويتر", None),
    ("وقال إن جميع الحقوق محفوظة للمؤلفين بموجب القانون الجديد الذي أقره البرلمان أمس بعد نقاش طويل", None),
    ("Download speeds fell by half in the capital, the regulator said on Monday", None),
    ("Follow-up talks are planned for next week, the ministry said on Twitter", None),
    ("Subscribers to the service will pay more from January", None),
    ("Get the balance right, the minister told the app developers", None),
    # past tenses spelled as the imperatives, "we followed", "carried", a news paragraph on copyright
    ("انضم أكثر من مليون مستخدم إلى تيليغرام خلال يومين بعد تعطل واتساب، بحسب الشركة.", None),
    ("اشترك آلاف المستخدمين في حملة على تويتر للمطالبة بالإفراج عن الصحفي", None),
    ("انضم الوزير إلى منصة X الشهر الماضي", None),
    ("تابعنا على يوتيوب خطاب الرئيس الذي ألقاه أمس أمام البرلمان", None),
    ("حمل تطبيق القرار الجديد أعباء إضافية على الموازنة، وفق تقرير رسمي.", None),
    ("Copyright claims against AI firms doubled this year, the report said.", None),
    ("Sign up rates for the government's app fell by half, the ministry said.", None),
    # promotions in other words: the platform with the article, a lead-in, diacritics and tatweel
    ("تابعونا عبر الواتساب", "promotion"),
    ("لمتابعة آخر الأخبار اشترك في قناتنا على تلغرام", "promotion"),
    ("تابِعونــا على إكس", "promotion"),
    ("حمّلوا تطبيق الصحيفة مجانا على هواتفكم", "promotion"),
    ("For the latest news, follow us on X", "promotion"),
    ("Download the app", "promotion"),
    ("جميع حقوق الطبع والنشر محفوظة", "copyright"),
    ("3-minute read", "reading_time"),
])
def test_the_sites_own_promotions_are_not_article_text(line, kind):
    assert boilerplate_kind(line, ["the headline"]) == kind


@pytest.mark.parametrize("line, kind", [
    # a label alone, its diacritics read through; the hidden line that closes a list of links
    ("اقرأ أيضًا:", "read_also"),
    ("Read More", "read_also"),
    ("الأكثر قراءة", "read_also"),
    ("نهاية قصص مقترحة", "read_also"),
    ("Skip Most read and continue reading", "read_also"),
    # a byline's labelled parts, as a screen reader is given them
    ("الكاتب، زينب الموسوي", "credit"),
    ("Role، بي بي سي نيوز عربي - البصرة", "credit"),
    ("Author: Sara Ali", "credit"),
    # the site by its Latin name on a platform; the paywall's offer
    ("تابعوا RT على تلغرام", "promotion"),
    ("احصل على وصول غير محدود إلى مقالات «النهار» المميزة", "promotion"),
    ("اشترك الآن", "promotion"),
    ("Subscribe now", "promotion"),
    # the story: the same words in sentences
    ("الكاتب، الذي فاز بالجائزة العام الماضي، توفي أمس في القاهرة.", None),
    ("تابعوا المباراة على شاشات عملاقة في الساحات العامة", None),
    ("Read more books, the minister told pupils, and you will write better.", None),
    ("Related charges were dropped on Monday.", None),
    ("أظهر استطلاع أن الأكثر قراءة بين الشباب هي الروايات.", None),
])
def test_link_lists_bylines_and_paywall_lines(line, kind):
    assert boilerplate_kind(line, ["the headline"]) == kind


def test_the_headlines_under_a_read_also_label_go_and_the_next_paragraph_stays():
    lines = ["العنوان الرئيسي للخبر", "قال الوزير إن الخطة ستنفذ العام المقبل.", "اقرأ أيضًا:",
             "وزير التموين: لا نية لزيادة سعر الخبز", "ضبط 3 أطنان دقيق قبل بيعها في السوق السوداء",
             "وأضاف الوزير أن الحكومة ستراجع الأسعار كل ثلاثة أشهر.", "قصة قصيرة بلا نقطة في آخرها"]
    paragraphs, removed = clean_lines(lines, links=lines[3:5])      # the two headlines are links on the page
    assert paragraphs == [lines[0], lines[1], lines[5], lines[6]]   # a short line after a sentence stays
    assert [r.kind for r in removed] == ["read_also"] * 3
    assert clean_lines(lines)[0] == [*lines[:2], *lines[3:]]          # not links (a text file): only the label goes


def test_list_items_lose_the_dash_the_extractor_gives_them(tmp_path):
    items = ["الخط F63 من محطة مترو الراشدية إلى منطقة الورقاء كل 20 دقيقة.",
             "الخط 34 من محطة حافلات القصيص إلى مجمع دبي للاستثمار."]
    body = "".join(f"<p>{sentence}</p>" for sentence in STORY.body)
    markup = (f"<html><head><title>{STORY.headline}</title></head><body><article><h1>{STORY.headline}</h1>{body}"
              f"<ul>{''.join(f'<li>{item}</li>' for item in items)}</ul></article></body></html>")
    document = read(tmp_path, "list.html", markup)
    assert document.paragraphs[-2:] == items


@pytest.mark.parametrize("line, kind", [
    ("يستخدم موقعنا ملفات تعريف الارتباط (الكوكيز) ضمن أطر قانونية. للاطلاع على التفاصيل انقر على سياسة الخصوصية.",
     "cookies"),
    ("We use cookies to improve your experience. By continuing to browse you agree to our use of cookies.", "cookies"),
    ("يعرض الموقع جزءا من الأخبار المقدمة للمشتركين. يرجى التواصل معنا للاطلاع على خيارات الاشتراك.", "subscription"),
    ("Stay up to date with the latest news. Follow GN on WhatsApp Channels.", "promotion"),
    ("حمّل تطبيق «الأنباء» لتصلك الأخبار العاجلة أولاً بأول", "promotion"),
    ("اقرأ أيضاً..", "read_also"),
    # the story: cookies, subscribers and contact in news sentences
    ("Google said it would stop using third-party cookies in its browser next year, citing its privacy policy.", None),
    ("ارتفع عدد المشتركين في الخدمة بعد خفض سعر الاشتراك الشهري بنسبة 20%.", None),
    ("وقالت الشرطة إنها تواصلت مع عائلات المفقودين.", None),
])
def test_cookie_and_subscription_notices_and_more_promotions(line, kind):
    assert boilerplate_kind(line, ["the headline"]) == kind


def _body_page(inside: str) -> str:
    paragraphs = "".join(f"<p>{sentence}</p>" for sentence in STORY.body[:2])
    rest = "".join(f"<p>{sentence}</p>" for sentence in STORY.body[2:])
    return (f"<html><head><title>{STORY.headline}</title></head><body><header><nav><a href='/'>الرئيسية</a></nav>"
            f"</header><main><h1>{STORY.headline}</h1><div class='article-body'>{paragraphs}{inside}{rest}</div>"
            "</main><footer>جميع الحقوق محفوظة</footer></body></html>")


def test_comments_in_the_markup_between_paragraphs_are_read_past(tmp_path):
    """An HTML comment among the body's paragraphs (an ad slot's marker, a CMS's note) is not an
    element: putting left-out blocks back once raised on it (set 11)."""
    document = read(tmp_path, "comments.html", _body_page("<!-- ad slot: in-article --><h2>عنوان فرعي</h2><!---->"))
    assert document.paragraphs == [STORY.headline, *STORY.body[:2], "عنوان فرعي", *STORY.body[2:]]


def test_an_embedded_post_is_not_the_article(tmp_path):
    tweet = ("<blockquote class='twitter-tweet'><p lang='ar'>افتتاح المحطة اليوم #الساحل pic.twitter.com/x8Q2</p>"
             "— هيئة المياه (@Water) <a href='https://twitter.com/Water/status/1'>January 21, 2025</a></blockquote>")
    document = read(tmp_path, "tweet.html", _body_page(tweet))
    assert document.paragraphs == [STORY.headline, *STORY.body]


def test_subheadings_and_list_items_the_extractor_leaves_out_are_put_back_in_place():
    inside = ("<h2>أسعار المياه في المدن الساحلية</h2><ul><li>المدينة الأولى: 3 دنانير للمتر</li>"
              "<li>المدينة الثانية: 4 دنانير للمتر</li></ul>"
              "<div class='related-inline'><h4>اقرأ أيضاً</h4><ul><li><a href='/a/1'>عنوان خبر آخر عن المياه</a></li>"
              "</ul></div><div class='teaser'><a href='/a/2'><h3>عنوان بطاقة خبر آخر</h3></a></div>"
              "<aside><ul><li>قائمة جانبية</li></ul></aside>")
    after_the_body = "<ul><li>قائمة بعد آخر فقرة</li></ul></div></main>"     # not between two paragraphs
    root = html.fromstring(_body_page(inside).replace("</div></main>", after_the_body))
    extracted = [STORY.headline, *STORY.body]          # as an extractor that left the heading and lists out
    lines, restored = restore_body_blocks(root, extracted)
    assert restored == ["أسعار المياه في المدن الساحلية", "المدينة الأولى: 3 دنانير للمتر", "المدينة الثانية: 4 دنانير للمتر"]
    assert lines == [STORY.headline, *STORY.body[:2], *restored, *STORY.body[2:]]   # between the paragraphs, in order
    assert restore_body_blocks(root, lines) == (lines, [])     # nothing twice
    box = ("<div class='most-popular'><h3>Most popular</h3><ol><li><a href='/a/3'>A story elsewhere on the site</a>"
           "</li><li><a href='/a/4'>And another one</a></li></ol></div>")
    root = html.fromstring(_body_page(box))
    assert restore_body_blocks(root, extracted) == (extracted, [])   # a box of links, its title too


def test_a_live_blogs_entry_headings_are_put_back_before_their_entries():
    """Each entry of a live blog (or section of an explainer) is a block holding its heading, then
    its paragraphs; the heading goes back before the entry's first paragraph, chrome inside the
    entry (its time, its share button) never."""
    entries = "".join(f"<div class='live-entry'><div class='live-entry__time'><time>14:2{n}</time></div>"
                      f"<div class='share'><h4>شارك التحديث</h4></div>"
                      f"<h3>عنوان التحديث رقم {n}</h3><div class='body'><p>{paragraph}</p></div></div>"
                      for n, paragraph in enumerate(STORY.body))
    root = html.fromstring(f"<html><body><h1>{STORY.headline}</h1><div class='feed'>{entries}</div></body></html>")
    extracted = [STORY.headline, *STORY.body]
    lines, restored = restore_body_blocks(root, extracted)
    headings = [f"عنوان التحديث رقم {n}" for n in range(len(STORY.body))]
    assert restored == headings and "شارك التحديث" not in lines
    assert lines == [STORY.headline, *[line for pair in zip(headings, STORY.body) for line in pair]]


def test_a_name_the_markup_calls_the_author_is_not_text(tmp_path):
    body = "<br><br>".join(STORY.body)
    markup = (f"<html><head><title>{STORY.headline}</title></head><body><div class='article_details'>"
              f"<div class='article_title'><h1>{STORY.headline}</h1></div><div class='article_info'>"
              f"<span id='lblWriter' class='writer'>هاني الحمادي</span></div>"
              f"<div class='article_body'>{body}</div></div></body></html>")
    document = read(tmp_path, "writer.html", markup)
    assert document.paragraphs == [STORY.headline, *STORY.body]
    assert ("credit", "هاني الحمادي") in [(r.kind, r.text) for r in document.boilerplate]


def test_a_description_only_in_a_script_is_not_shown_so_not_added(tmp_path):
    description = "وصف طويل للخبر لا يظهر في الصفحة إلا في بيانات البرنامج التي لا يراها القارئ أبدا"
    scripts = ("<script>var a = 1;</script><script id='__NEXT_DATA__' type='application/json'>"
               f'{{"summary": "{description}"}}</script>')
    markup = _body_page("").replace("<head>", f"<head><meta name='description' content='{description}'>")
    markup = markup.replace("</footer>", f"</footer>{scripts}")
    document = read(tmp_path, "next.html", markup)
    assert description not in document.paragraphs


@pytest.mark.parametrize("line, kind", [
    ("Visitors look at the mosaics in Beirut, March 11, 2025. (AP Photo/Karim Haddad)", "photo_credit"),
    ("A tanker at Ras Laffan, in this file photo. REUTERS/Imad Creidi/File Photo", "photo_credit"),
    ("Follow AP’s coverage of the Middle East at https://apnews.com/hub/middle-east", "promotion"),
    ("The Power Up newsletter has all you need to know about energy. Sign up here.", "promotion"),
    ("Our Standards: The Trust Principles., opens new tab", "link_text"),
    ("للاطلاع على النص الأصلي (هنا)", "link_text"),
    ("This article was amended on 11 March 2025. An earlier version gave an incorrect figure.", "correction"),
    ("المحرق - محرر الشؤون المحلية", "credit"),
    ("================ م.ع.", "symbols"),
    # the story: a quoted offer or notice, photos and sign-ups in sentences
    ("اشترك الآن وادفع أقل، عبارة ترددها إعلانات الشركات هذه الأيام قبل تطبيق الأسعار الجديدة.", None),
    ("نستخدم ملفات تعريف الارتباط لتحسين تجربتك، عبارة تظهر على معظم المواقع، لكنها بحسب المجلس لا تلزم المستخدم.", None),
    ("Sign-ups for the trial opened on Monday, the ministry said.", None),
    ("وقال مراسل الوكالة إن الاشتباكات استمرت حتى الفجر.", None),
    ("Read the full report, the minister urged lawmakers, before voting here.", None),
    # found by a review: a recipe, a party, a sentence with commas or a number after the label, a film
    ("We use brown butter in these cookies for a nutty flavour.", None),
    ("وقال الحزب الاشتراكي في بيان: تواصلوا معنا عبر الخط الساخن.", None),
    ("الكاتب، الذي عاش في القاهرة، توفي أمس", None),
    ("الكاتبة، 92 عاما، تفوز بجائزة نوبل للآداب", None),
    ("Role: Defence minister since 2019", None),
    ("End of Watch", None),
    ("تجاوز الأكثر مشاهدة على يوتيوب حاجز المليار", None),
    ("شارَكَ الآلاف في المظاهرة", None),
])
def test_captions_with_agency_credits_link_texts_corrections_and_staff_credits(line, kind):
    assert boilerplate_kind(line, ["the headline"]) == kind


@pytest.mark.parametrize("line, kind", [
    ("اشترك في قناة المصدر أونلاين على تلجرام لتصلك آخر الأخبار أولاً بأول", "promotion"),
    ("تابعوا الصحيفة على واتساب ليصلكم كل جديد", "promotion"),
    ("2024/05/14 12:00:00 AM", "dateline"),
    ("Published 14/05/2024 09:30 PM", "published"),
    ("شاحنات محملة بالحنطة أمام أحد السايلوات في واسط - تصوير: خضير العتابي", "photo_credit"),
    ("Crowds at the opening of the bridge - Photo: Sara Ali", "photo_credit"),
    # the story (set 5's classes, the lines they must leave)
    ("وقال إن المزارعين اشتركوا في قناة على تلجرام للتنسيق بينهم.", None),
    ("وتظهر الصورة التي التقطها المصور أثناء الحدث حجم الدمار في المدينة.", None),
    ("وصلت الشحنة في 14/05/2024 عند الساعة 12:00 بعد تأخير دام أسبوعين.", None),
])
def test_a_fifth_blind_sets_lines(line, kind):
    assert boilerplate_kind(line, ["the headline"]) == kind


def test_a_page_without_h1_or_json_ld_takes_its_headline_from_what_it_shows(tmp_path):
    body = "".join(f"<p>{line}</p>" for line in STORY.body)
    shown = (f'<html><head><title>كونا : {STORY.headline} - اقتصاد - 22/05/2024</title></head><body>'
             f'<div>اقتصاد</div><table><tr><td><span class="ArticleTitle">{STORY.headline}</span></td></tr>'
             f'<tr><td><div>{body}</div></td></tr></table></body></html>')
    document = read(tmp_path, "shown.html", shown)
    assert document.paragraphs[0] == STORY.headline and document.page.sources["headline"] == "title, as the page shows it"
    named = (f'<html><head><title>{newslayouts.SITE}</title></head><body><div class="box-title">الأكثر قراءة اليوم</div>'
             f'<span class="NewsTitle"><font><b>{STORY.headline}</b></font></span><div>{body}</div></body></html>')
    document = read(tmp_path, "named.html", named)
    assert document.paragraphs[0] == STORY.headline and document.page.sources["headline"] == "the block named as the title"


def test_a_list_dash_goes_only_from_the_pages_list_items(tmp_path):
    items = ("كيلو السكر: 12.60 جنيه.", "كيلو الأرز: 12 جنيهًا.")
    listed = "".join(f"<li>{item}</li>" for item in items)
    typed = "".join(f"<p>- {item}</p>" for item in items)
    for name, block, expected in (("listed.html", f"<ul>{listed}</ul>", list(items)),
                                  ("typed.html", typed, [f"- {item}" for item in items])):
        page = (f"<html><body><article><h1>{STORY.headline}</h1><p>{STORY.body[0]}</p>{block}"
                f"<p>{STORY.body[1]}</p></article></body></html>")
        paragraphs = read(tmp_path, name, page).paragraphs
        assert [line for line in paragraphs if "كيلو" in line] == expected


@pytest.mark.parametrize("line, kind", [
    ("ع ع / ح م", "credit"), ("م ع/ ح ف", "credit"), ("م.ع", "credit"), ("(ر ح)", "credit"),
    ("زمان الوصل - خاص |", "credit"),
    ("قراءة: 3144", "reading_time"), ("عدد المشاهدات: 1,204", "reading_time"),
    ("2024-06-18 11:26:04 |", "dateline"),
    ("من أحد أفران مدينة إدلب - أرشيف", "photo_credit"), ("مزارعون في حقول القطن (أرشيف)", "photo_credit"),
    # the story
    ("في ما", None), ("من هو", None), ("قراءة في خطاب الرئيس الأخير أمام البرلمان", None),
    ("وقال إن الأرشيف الوطني سيفتح أبوابه للباحثين - أرشيف الدولة", None),
])
def test_a_sixth_blind_sets_lines(line, kind):
    assert boilerplate_kind(line, ["the headline"]) == kind


def test_a_data_table_in_the_body_is_article_text_a_row_a_line(tmp_path):
    rows = [("المنطقة", "عدد الصفقات"), ("الرياض", "14,210"), ("مكة المكرمة", "9,870"), ("الشرقية", "7,340")]
    table = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
    page = (f"<html><body><article><h1>{STORY.headline}</h1><p>{STORY.body[0]}</p><table>{table}</table>"
            f"<p>{STORY.body[1]}</p></article></body></html>")
    paragraphs = read(tmp_path, "data.html", page).paragraphs
    assert paragraphs == [STORY.headline, STORY.body[0], *(f"{a} | {b}" for a, b in rows), STORY.body[1]]


def test_the_densest_block_is_the_span_that_holds_the_body_beside_the_date():
    body = "<br />".join(STORY.body)
    root = html.fromstring(f'<table><tr><td class="NewsBody"><span class="NewsDate">12/02/2025 09:41 ص</span>'
                           f'<h2>{STORY.headline}</h2><span class="NewsText">{body}</span></td></tr></table>')
    assert block_lines(dense_block(root)) == list(STORY.body)


def test_a_title_naming_only_the_site_gives_way_to_the_prominent_line_before_the_body(tmp_path):
    body = "<br>".join(STORY.body)
    menu = " | ".join(f'<a href="/s{n}.html">{item}</a>' for n, item in enumerate(newslayouts.MENU))
    page = (f"<html><head><title>{newslayouts.SITE}</title></head><body><table><tr><td>{menu}</td></tr>"
            f"<tr><td><table><tr><td>الأكثر قراءة</td></tr><tr><td>"
            f"{'<br>'.join(f'<a href=/n{n}.html>{item}</a>' for n, item in enumerate(newslayouts.MENU))}</td></tr></table>"
            f'</td><td><font size="3"><b>{STORY.headline}</b></font><br><font size="1">{STORY.caption}</font>'
            f"<div>{body}</div></td></tr></table></body></html>")
    document = read(tmp_path, "agency.html", page)
    assert document.paragraphs == [STORY.headline, *STORY.body]
    assert document.page.sources["headline"] == "the prominent line before the body"


def test_an_article_in_one_cell_of_a_short_table_is_read_paragraph_by_paragraph(tmp_path):
    body = "".join(f'<p><font size="4">{line}</font></p>' for line in STORY.body)
    page = (f"<html><body><h1>{STORY.headline}</h1><table><tr><td>{body}</td></tr></table></body></html>")
    assert read(tmp_path, "cell.html", page).paragraphs == [STORY.headline, *STORY.body]


def test_a_category_above_the_headline_goes(tmp_path):
    page = (f'<html><body><article><span class="cat"><a href="/videos">فيديو</a></span><h1>{STORY.headline}</h1>'
            f'{"".join(f"<p>{line}</p>" for line in STORY.body)}</article></body></html>')
    assert read(tmp_path, "kicker.html", page).paragraphs == [STORY.headline, *STORY.body]


def test_template_fields_standing_alone_in_the_densest_block_are_lines_of_their_own():
    body = "<br /><br />".join(STORY.body)
    root = html.fromstring(f'<div><span id="lblTitle">{STORY.headline}</span>\n<span id="lblDate">12/05/2024 11:24 ص'
                           f'</span>\n<span id="lblBody">{body}</span></div>')
    assert block_lines(dense_block(root)) == [STORY.headline, "12/05/2024 11:24 ص", *STORY.body]
    inline = html.fromstring(f"<div>{STORY.body[0]} <b>{STORY.body[1]}</b> {STORY.body[2]}<br>{STORY.body[3]}</div>")
    assert block_lines(dense_block(inline)) == [f"{STORY.body[0]} {STORY.body[1]} {STORY.body[2]}", STORY.body[3]]


def test_a_table_of_data_in_the_densest_block_is_a_line_per_row_and_a_layout_table_is_not_text():
    """An old table layout's article cell, paragraphs between ``<br>``s, with a table of data in it
    (set 10's Al-Thawra): the data's rows are article text, "a | b"; a table whose cell holds a
    paragraph is a layout's, and a table of one row is not data."""
    data = ("<table border='1'><tr><td><b>المنطقة</b></td><td><b>الإنتاج (طن)</b></td></tr>"
            "<tr><td>جبلة</td><td>38500</td></tr><tr><td>الحفة</td><td>27000</td></tr></table>")
    cell = html.fromstring(f"<td>{STORY.body[0]}<br><br>{STORY.body[1]}<br>{data}<br>{STORY.body[2]}</td>")
    assert block_lines(cell) == [STORY.body[0], STORY.body[1], "المنطقة | الإنتاج (طن)", "جبلة | 38500",
                                 "الحفة | 27000", STORY.body[2]]
    layout = html.fromstring(f"<table><tr><td>قائمة</td><td>{' '.join(STORY.body)}</td></tr>"
                             f"<tr><td>a</td><td>b</td></tr></table>")
    one_row = html.fromstring("<table><tr><td>جبلة</td><td>38500</td></tr></table>")
    menu = html.fromstring("<table><tr><td><a href='/1'>محليات</a></td><td><a href='/2'>اقتصاد</a></td></tr>"
                           "<tr><td><a href='/3'>رياضة</a></td><td><a href='/4'>ثقافة</a></td></tr></table>")
    assert data_table_rows(layout) == [] and data_table_rows(one_row) == [] and data_table_rows(menu) == []


@pytest.mark.parametrize("line, kind", [
    ("احصل على أهم أخبار الاقتصاد والأعمال في بريدك يومياً", "promotion"),
    ("تصحيح: عُدّل هذا المقال في 4 تموز لتصحيح العلم الذي ترفعه إحدى السفن.", "correction"),
    ("READ: UN: Israel demolished more Palestinian homes in 2024 than in any year on record", "read_also"),
    ("ساهم/ي في استمرارنا عبر الانضمام إلى مجتمع القراء.", "promotion"),
    ("Support independent journalism: become a member today.", "promotion"),
    # the story
    ("وحصل المزارعون على الدعم في بريدهم بعد أسبوعين من التقديم.", None),
    ("تصحيح المسار الاقتصادي يتطلب إصلاحات هيكلية عميقة.", None),
    ("Readers of the report said the figures were wrong.", None),
    ("وقال إن الحكومة ساهمت في استمرار الأزمة بقراراتها الأخيرة.", None),
])
def test_an_eighth_blind_sets_lines(line, kind):
    assert boilerplate_kind(line, ["the headline"]) == kind


@pytest.mark.parametrize("line, kind", [
    ("Sign up for the Al-Monitor Gulf Briefing", "promotion"),
    ("Get the latest news and analysis from the Gulf delivered to your inbox every week.", "promotion"),
    ("ميغافون منصة مستقلة يموّلها قرّاؤها. ادعموا صحافتنا بالاشتراك الشهري.", "promotion"),
    ("Thursday, May 30, 2024", "dateline"),
    # the story
    ("The report was delivered to your inbox by mistake, the company said.", None),
    ("In May, 2024 prices rose by 3 percent.", None),
    ("The briefing was held on Thursday, May 30, at the ministry.", None),
    ("الصحيفة يمولها قراؤها منذ عام 1990، وقال مديرها إن الدعم تراجع.", None),
])
def test_a_ninth_blind_sets_lines(line, kind):
    assert boilerplate_kind(line, ["the headline"]) == kind


@pytest.mark.parametrize("line, kind", [
    ("1,204 قراءة", "reading_time"),
    ("880 views", "reading_time"),
    ("Camera: Kawa Omar Produced by: Rikar Hussein", "photo_credit"),
    ("اشترك في البودكاست", "promotion"),
    # the story
    ("وقرأ 1,204 قراءة في المهرجان", None),
    ("Camera: the police said footage showed the attack.", None),
    ("اشترك في الحملة", None),
])
def test_a_tenth_blind_sets_lines(line, kind):
    assert boilerplate_kind(line, ["the headline"]) == kind


@pytest.mark.parametrize("line, kind", [
    ("إنضم الى قناة \"Lebanon Debate\" على يوتيوب الآن، إضغط هنا", "promotion"),
    ("تعبيرية", "photo_credit"),
    ("سوق الخضار في عمّان (تعبيرية)", "photo_credit"),
    ("hamid.abdelrahim@gmail.com", "credit"),
    ("للتواصل: hamid@gmail.com", "credit"),
    # the story
    ("Write to tips@site.com with your story.", None),
    ("انضم اللاعب إلى قناة الجزيرة الرياضية محللاً.", None),
    ("قال إن الصورة تعبيرية عن الواقع.", None),
])
def test_an_eleventh_blind_sets_lines(line, kind):
    assert boilerplate_kind(line, ["the headline"]) == kind


def test_an_h1_that_is_the_sites_logo_is_not_the_headline(tmp_path):
    """Old templates wrap the site's name, linked to the front page, in the page's only ``<h1>``
    (set 11's Joomla page): the headline is then found as on a page without one."""
    logo = "<h1 class='logo'><a href='/index.php'><span>سودانايل</span></a></h1>"
    page = _body_page("").replace(f"<h1>{STORY.headline}</h1>", f"<div class='title'>{STORY.headline}</div>")
    page = page.replace("<header>", f"<header>{logo}")
    document = read(tmp_path, "logo.html", page)
    assert document.paragraphs[0] == STORY.headline and "سودانايل" not in document.paragraphs
    home = html.fromstring("<html><body><h1><a href='https://site.example/'>الموقع</a></h1>"
                           "<h1><a href='/news/12'>عنوان الخبر</a></h1></body></html>")
    assert [element_text(h) for h in page_headings(home)] == ["عنوان الخبر"]


def test_a_machine_made_summary_is_neither_the_lead_nor_the_text(tmp_path):
    summary = ("<details class='AiSummary_box__c81Pw' open><summary>ملخص المقال بالذكاء الاصطناعي</summary><ul>"
               "<li>موجات الحر تضغط على شبكات الكهرباء في المدن العربية الكبرى هذا الصيف.</li>"
               "<li>العمارة التقليدية قدّمت حلولاً للتبريد من دون وقود منذ قرون طويلة.</li></ul>"
               "<p>تم توليد هذا الملخص آلياً وقد يحتوي على أخطاء.</p></details>")
    page = _body_page("").replace(f"<h1>{STORY.headline}</h1>", f"<h1>{STORY.headline}</h1>{summary}")
    document = read(tmp_path, "summary.html", page)
    assert document.paragraphs == [STORY.headline, *STORY.body]


def test_support_appeals_and_match_cards_go_before_extraction():
    root = html.fromstring(f'<div><article><h1>{STORY.headline}</h1><p>{STORY.body[0]}</p>'
                           f'<div class="matchCard inArticle"><span>الهلال</span><span>3 - 1</span><ul><li>17\' مالكوم</li>'
                           f'</ul></div><p>{STORY.body[1]}</p></article><div class="r22-support"><h3>منبر مستقل</h3>'
                           f'<p>ادعم الصحافة المستقلة.</p></div></div>')
    assert without_chrome(root)["boxes"] == 2 and "مالكوم" not in root.text_content() and "منبر" not in root.text_content()


def test_a_headline_the_page_names_stays_whatever_it_reads_like():
    lines = ["تقرير: الجفاف يهدد محاصيل القمح في شرق المتوسط", *STORY.body]
    assert clean_lines(lines)[0] == list(STORY.body)                         # a text file: a credit line first
    assert clean_lines(lines, headline=lines[0])[0] == lines                  # a page's <h1>: the headline


def test_a_page_laid_out_in_a_table_reads_as_its_article(tmp_path):
    menu = "<tr><td><a href='/'>الرئيسية</a> | <a href='/local'>محليات</a> | <a href='/sport'>رياضة</a></td></tr>"
    cells = "".join(f"<p>{sentence}</p>" for sentence in STORY.body)
    related = "<tr><td><b>أخبار ذات صلة</b><br><a href='/a/1'>عنوان خبر آخر</a><br><a href='/a/2'>وعنوان ثالث</a></td></tr>"
    markup = (f"<html><head><title>{STORY.headline}</title></head><body><table width='100%'>{menu}"
              f"<tr><td><h1>{STORY.headline}</h1></td></tr><tr><td>الإثنين 10/03/2025</td></tr>"
              f"<tr><td class='news-body'>{cells}</td></tr>{related}"
              "<tr><td>جميع الحقوق محفوظة © 2025</td></tr></table></body></html>")
    path = tmp_path / "table.html"
    path.write_text(markup, encoding="utf-8")
    lines, info = read_page(path)
    assert lines == [STORY.headline, *STORY.body]
    assert "tables left out" in info.sources["body"]


@pytest.mark.parametrize("line, kind", [
    ("الآراء الواردة في المقال لا تعكس بالضرورة الموقف التحريري لشبكة الجزيرة.", "disclaimer"),
    ("The views expressed in this article are the author's own.", "disclaimer"),
    ("فيديومدة الفيديو 02:45صوت وصورة: يوسف العزوزي ومونتاج: عادل كدروز", "photo_credit"),
    ("Karim Yousef is Al-Monitor's Baghdad correspondent. He has covered Iraqi politics since 2015.", "author_bio"),
    ("طالع: مجلس النواب يناقش مشروع الميزانية الموحدة الأسبوع المقبل", "read_also"),
    ("قد يهمك أيضاً", "read_also"),
    ("اشترك ليصلك ملخص أخبار القدس كل صباح", "promotion"),
    ("النشرة البريدية", "control"),
    # the story
    ("وقال الوزير إن الآراء تتباين حول الخطة لكنها لا تعكس انقساما داخل الحكومة.", None),
    ("Ahmed Ali is a farmer who has grown wheat in the valley for 30 years.", None),
    ("طالع الوزير تقارير اللجنة قبل الاجتماع.", None),
])
def test_disclaimers_media_credits_bios_and_more_labels(line, kind):
    assert boilerplate_kind(line, ["the headline"]) == kind


@pytest.mark.parametrize("line, kind", [
    ("تابعوا روزاليوسف على جوجل نيوز", "promotion"),
    ("Help us keep going.", "promotion"),
    ("Join Our Community", "promotion"),
    ("Editor’s Note: The opinions expressed in the op-ed section are those of the authors and do not purport "
     "to reflect the views of the Kyiv Independent.", "disclaimer"),
    ("صورة وصلتنا من بلدية الناصرة", "photo_credit"),
    ("فيديو | جولة وزير الري في مركز ملوي", "photo_credit"),
    # the story
    ("صور وصلتنا من مراسلنا في غزة تظهر حجم الدمار في الحي بعد القصف الليلي.", None),
    ("تابع الوزير الاجتماع عبر تقنية الاتصال المرئي مع المحافظين.", None),
    ("The opinions expressed at the hearing were those of the residents, the mayor said.", None),
])
def test_a_twelfth_blind_sets_lines(line, kind):
    assert boilerplate_kind(line, ["the headline"]) == kind


def test_a_call_to_action_card_goes_and_a_video_headline_stays(tmp_path):
    """A "call to action" card inside the body (Ghost's ``kg-cta-card``: an appeal and a button)
    goes before extraction; a headline written "فيديو | …" is the headline, not a video's title."""
    card = ("<div class='kg-card kg-cta-card'><div class='kg-cta-content'><p>صحافتنا مستقلة ونحتاج دعمكم "
            "لنستمر في تغطية الأخبار كل يوم.</p><a class='kg-cta-button' href='#/portal/signup'>كن عضواً</a></div></div>")
    document = read(tmp_path, "cta.html", _body_page(card))
    assert document.paragraphs == [STORY.headline, *STORY.body]
    video = "فيديو | " + STORY.headline
    document = read(tmp_path, "video.html", _body_page("").replace(STORY.headline, video))
    assert document.paragraphs == [video, *STORY.body]
