"""extract_html_article on pages built here: JSON-LD, Open Graph, figures, videos, fallbacks."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest

from packager.errors import SourceError
from packager.ids import stable_id
from packager.model import Video
from packager.sources.html import extract_html_article, most_agreed, same_title
from packager.sources.media import (
    detect_video_type,
    largest_srcset,
    parse_duration,
    parse_loose_date,
)

BODY = " ".join(
    f"Paragraph {n} tells readers about the harbour council vote and what comes next for "
    "the ferry line, the dock workers and the families who rely on it every day."
    for n in range(6)
)

RICH_PAGE = f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Harbour council backs ferry plan | Example Gazette</title>
<link rel="canonical" href="/news/local/harbour-ferry-plan">
<script type="application/ld+json">{{ "this is": broken, }}</script>
<script type="application/ld+json">
{{"@context": "https://schema.org", "@graph": [
  {{"@type": "NewsArticle", "headline": "Harbour council backs ferry plan",
    "datePublished": "2024-03-05T09:30:00+01:00", "dateModified": "2024-03-05T12:00:00+01:00",
    "description": "The council voted 7-2 for the new ferry line.",
    "author": [{{"@type": "Person", "name": "Ada Reporter"}}],
    "keywords": "ferry, harbour",
    "articleSection": "Local",
    "publisher": {{"@type": "Organization", "name": "Gazette",
                  "logo": {{"@type": "ImageObject", "url": "/logo.png"}}}},
    "image": {{"@type": "ImageObject", "url": "/img/lead.jpg", "caption": "The harbour at dawn",
              "creditText": "Jo Camera"}},
    "video": {{"@type": "VideoObject", "name": "Vote", "contentUrl": "/video/vote.m3u8",
              "duration": "PT2M5S", "thumbnailUrl": ["/img/vote-thumb.jpg"],
              "uploadDate": "2024-03-05"}}}},
  {{"@type": "BreadcrumbList", "itemListElement": [
    {{"@type": "ListItem", "position": 2, "name": "Local", "item": "https://gazette.example/news/local"}},
    {{"@type": "ListItem", "position": 1, "name": "News", "item": "https://gazette.example/news"}},
    {{"@type": "ListItem", "position": 3, "name": "Harbour council backs ferry plan"}}]}}
]}}
</script>
<meta property="og:title" content="Ferry plan approved">
<meta property="og:image" content="https://gazette.example/img/lead.jpg?w=1200">
</head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
<article>
<h1>Harbour council backs ferry plan</h1>
<figure><img src="/img/dock-small.jpg" alt="The dock"
 srcset="/img/dock-640.jpg 640w, /img/dock-1600.jpg 1600w, /img/dock-1024.jpg 1024w">
<figcaption>Workers on the dock on Monday.
 <span class="credit">Photo: Sam Lens</span></figcaption></figure>
<p>{BODY}</p>
<video poster="/img/poster.jpg"><source src="/video/clip.mp4" type="video/mp4"></video>
</article>
<footer>Copyright Example Gazette</footer>
</body></html>"""


def rich_article():
    return extract_html_article(
        RICH_PAGE.encode(), origin="rich.html", base_url="https://gazette.example/news/x"
    )


def test_jsonld_metadata_survives_a_broken_script() -> None:
    article = rich_article()
    assert article.title == "Harbour council backs ferry plan"
    assert article.url == "https://gazette.example/news/local/harbour-ferry-plan"
    assert article.id == stable_id(url=article.url)
    assert article.published == datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert article.modified is not None and article.modified.hour == 12
    assert article.summary == "The council voted 7-2 for the new ferry line."
    assert article.authors == ("Ada Reporter",)
    assert article.tags == ("ferry", "harbour")
    assert article.language == "en-GB"
    assert any("JSON-LD script 1 is not valid JSON" in w for w in article.warnings)


def test_breadcrumbs_give_the_section_path_in_position_order() -> None:
    assert rich_article().section_path == ("News", "Local")


def test_body_text_comes_without_navigation_or_footer() -> None:
    body = "\n".join(rich_article().body)
    assert "Paragraph 5 tells readers" in body
    assert "Copyright Example Gazette" not in body


def test_images_lead_first_with_captions_credits_and_largest_srcset() -> None:
    images = rich_article().images
    assert images[0].location == "https://gazette.example/img/lead.jpg"
    assert (images[0].caption, images[0].credit) == ("The harbour at dawn", "Jo Camera")
    dock = next(i for i in images if "dock" in i.location)
    assert dock.location == "https://gazette.example/img/dock-1600.jpg"
    assert dock.caption == "Workers on the dock on Monday."
    assert dock.credit == "Sam Lens"  # one credit form: the credited name alone
    assert dock.alt == "The dock"
    # og:image with a size query is the same picture as the JSON-LD one; the logo is not news.
    assert [i.location for i in images].count("https://gazette.example/img/lead.jpg") == 1
    assert not any("logo" in i.location for i in images)


def test_videos_from_jsonld_and_the_video_element() -> None:
    videos = rich_article().videos
    assert videos[0] == Video(
        location="https://gazette.example/video/vote.m3u8",
        video_type="HLS",
        duration_seconds=125.0,
        thumbnail="https://gazette.example/img/vote-thumb.jpg",
    )
    assert videos[1].location == "https://gazette.example/video/clip.mp4"
    assert (videos[1].video_type, videos[1].thumbnail) == (
        "MP4",
        "https://gazette.example/img/poster.jpg",
    )


def test_open_graph_page_without_jsonld() -> None:
    page = f"""<html><head>
    <meta property="og:title" content="Market reopens after storm">
    <meta property="og:url" content="https://news.example/market">
    <meta property="og:description" content="Stalls are back.">
    <meta property="article:published_time" content="2023-11-02T07:00:00Z">
    <meta property="article:section" content="Business">
    <meta property="og:image" content="//cdn.news.example/market.jpg">
    <meta property="og:video" content="https://cdn.news.example/market.mpd">
    <meta property="og:video:type" content="application/dash+xml">
    </head><body><article><p>{BODY}</p></article></body></html>"""
    article = extract_html_article(page.encode(), origin="og.html")
    assert article.title == "Market reopens after storm"
    assert article.url == "https://news.example/market"
    assert article.published == datetime(2023, 11, 2, 7, tzinfo=UTC)
    assert article.section_path == ("Business",)
    assert article.images[0].location == "https://cdn.news.example/market.jpg"
    assert article.videos[0].video_type == "DASH"


def test_plain_page_falls_back_to_title_and_htmldate() -> None:
    page = f"""<html><head><title>Quiet week at the library</title></head><body>
    <p class="date">Published <time datetime="2022-06-14">14 June 2022</time></p>
    <p>{BODY}</p></body></html>"""
    article = extract_html_article(
        page.encode(), origin="plain.html", base_url="https://l.example/a"
    )
    assert article.title == "Quiet week at the library"
    assert article.published is not None and article.published.date().isoformat() == "2022-06-14"
    assert article.url == "https://l.example/a"


def _page(head: str, body: str = "") -> bytes:
    return f"<html><head>{head}</head><body>{body}<p>{BODY}</p></body></html>".encode()


def test_visible_headline_wins_when_another_source_confirms_it() -> None:
    page = _page(
        """<title>Ferry line to run all night from May | Example Gazette</title>
        <meta property="og:site_name" content="Example Gazette">
        <meta property="og:title" content="Night ferries are coming">""",
        "<h1>Ferry line to run all night from May</h1>",
    )
    assert extract_html_article(page, origin="p").title == "Ferry line to run all night from May"


def test_an_unconfirmed_h1_loses_to_the_title_most_sources_agree_on() -> None:
    # The <h1> is the site's name; the JSON-LD headline is an old one the others replaced.
    page = _page(
        """<title>Night ferries are coming - Example Gazette</title>
        <meta property="og:site_name" content="Example Gazette">
        <script type="application/ld+json">
        {"@type": "NewsArticle", "headline": "Council to vote on ferries"}</script>
        <meta property="og:title" content="Night ferries are coming">
        <meta name="twitter:title" content="Night ferries are coming">""",
        "<h1>The Gazette</h1>",
    )
    assert extract_html_article(page, origin="p").title == "Night ferries are coming"


def test_a_webpage_date_does_not_override_the_date_the_article_shows() -> None:
    # A CMS stamps the page node with its first version; the article shows its own date.
    webpage = """<script type="application/ld+json">{"@type": "WebPage",
        "datePublished": "2023-04-24T10:26:24+00:00"}</script>"""
    page = _page(
        f"<title>VPN guide</title>{webpage}"
        '<meta property="article:modified_time" content="2023-08-08T13:51:41+00:00">',
        '<p class="byline"><time datetime="2023-08-08T06:51:41-07:00">August 8, 2023</time></p>',
    )
    published = extract_html_article(page, origin="p").published
    assert published is not None and published.date().isoformat() == "2023-08-08"
    # With nothing else to go on, the page node's date is still better than none.
    alone = extract_html_article(_page(f"<title>VPN guide</title>{webpage}"), origin="p")
    assert alone.published == datetime(2023, 4, 24, 10, 26, 24, tzinfo=UTC)


def test_the_lead_picture_is_the_crop_the_declarations_agree_on() -> None:
    page = _page(
        """<title>Pole vault final</title>
        <script type="application/ld+json">{"@type": "NewsArticle", "image": [
          "https://img.example/a1b2-square.jpg", "https://img.example/a1b2-tall.jpg",
          "https://img.example/a1b2-wide.jpg"]}</script>
        <meta property="og:image" content="https://img.example/a1b2-wide.jpg">
        <meta name="twitter:image" content="https://img.example/a1b2-wide.jpg">"""
    )
    images = extract_html_article(page, origin="p").images
    assert [i.location for i in images] == [
        "https://img.example/a1b2-wide.jpg",
        "https://img.example/a1b2-square.jpg",
        "https://img.example/a1b2-tall.jpg",
    ]


def test_renditions_of_one_picture_are_one_image_and_distinct_pictures_stay_apart() -> None:
    wordpress = "https://news.example/wp-content/uploads/2025/10/launch"
    resizer = "https://cdn.example/dims4/default/1a2b/resize/1200x675!/quality/80/?url="
    page = _page(
        f"""<title>Launch site</title>
        <script type="application/ld+json">{{"@type": "NewsArticle",
          "image": {{"@type": "ImageObject", "url": "{wordpress}-scaled.jpg"}}}}</script>
        <meta property="og:image" content="{wordpress}-1600x900.jpg">""",
        f"""<figure><img src="{wordpress}.jpg"><figcaption>The pad at dawn</figcaption></figure>
        <figure><img src="{resizer}https%3A%2F%2Fs3.example%2Fcrowd.jpg"></figure>
        <figure><img src="{resizer}https%3A%2F%2Fs3.example%2Frocket.jpg"></figure>
        <figure><img src="https://i.example/img/media/aaa111/master/4800.jpg"></figure>
        <figure><img src="https://i.example/img/media/bbb222/master/4800.jpg"></figure>""",
    )
    images = extract_html_article(page, origin="p").images
    assert [i.location for i in images] == [
        f"{wordpress}-scaled.jpg",
        f"{resizer}https%3A%2F%2Fs3.example%2Fcrowd.jpg",
        f"{resizer}https%3A%2F%2Fs3.example%2Frocket.jpg",
        "https://i.example/img/media/aaa111/master/4800.jpg",
        "https://i.example/img/media/bbb222/master/4800.jpg",
    ]
    # The merged picture keeps the caption its figure gave it.
    assert images[0].caption == "The pad at dawn"


@pytest.mark.timeout(60)
def test_a_page_of_thousands_of_headlines_and_title_parts_is_read_in_bounded_work() -> None:
    # Comparing every <h1> with every title part was cubic: this page once took minutes.
    parts = " | ".join(f"part {n}" for n in range(20_000))
    page = _page(
        f'<title>{parts}</title><meta property="og:title" content="Night ferries are coming">',
        "".join(f"<h1>part {n} | x</h1>" for n in range(20_000)),
    )
    assert extract_html_article(page, origin="p").title == "Night ferries are coming"
    assert not same_title(parts, "part 1")


@pytest.mark.parametrize(
    ("head", "h1"),
    [
        # A logo <h1>; the <title> carries the site name after the headline.
        (
            "<title>Mayor opens new bridge over river | Example Times</title>"
            '<meta property="og:title" content="Mayor opens new bridge over river">',
            "Example Times",
        ),
        ("<title>Mayor opens new bridge over river | Example Times</title>", "Example Times"),
        # A section <h1>; the <title> starts with the section.
        ("<title>Politics: Mayor opens new bridge over river</title>", "Politics"),
        ("<title>Mayor opens new bridge over river</title>", "Example Times"),
    ],
)
def test_a_logo_or_section_h1_is_not_taken_for_the_headline(head: str, h1: str) -> None:
    page = _page(head, f"<header><h1>{h1}</h1></header>")
    assert extract_html_article(page, origin="p").title == "Mayor opens new bridge over river"


def test_hostile_image_urls_are_read_without_failing() -> None:
    nested = "https://r.example/x.jpg" + "?url=//r.example/x.jpg" * 1200
    page = _page(
        f'<title>Hostile</title><meta property="og:image" content="{nested}">',
        '<figure><img src="https://cdn.example/r?url=http://[oops/a.jpg"></figure>',
    )
    images = extract_html_article(page, origin="p").images
    assert [i.location for i in images] == [nested, "https://cdn.example/r?url=http://[oops/a.jpg"]


@pytest.mark.timeout(60)
def test_thousands_of_declared_images_are_read_in_bounded_work() -> None:
    urls = [f"https://cdn.example/p/{n}.jpg" for n in range(4000)]
    jsonld = json.dumps({"@type": "NewsArticle", "headline": "Many", "image": urls})
    page = _page(f'<title>Many</title><script type="application/ld+json">{jsonld}</script>')
    article = extract_html_article(page, origin="p")
    assert [image.location for image in article.images] == urls[:30]  # the first 30 are used
    assert any("4,000 pictures" in warning for warning in article.warnings)


def test_different_pictures_with_similar_names_stay_apart() -> None:
    urls = [
        "https://s.example/reports/2024/q1/chart.png",
        "https://s.example/reports/2024/q2/chart.png",
        "https://s.example/maps/route-1x2.png",
        "https://s.example/maps/route-3x4.png",
        "https://s.example/photo.php?id=1",
        "https://s.example/photo.php?id=2",
        "https://og.example/api?url=https://s.example/&title=One",
        "https://og.example/api?url=https://s.example/&title=Two",
    ]
    figures = "".join(f'<figure><img src="{url}"></figure>' for url in urls)
    page = _page("<title>Charts</title>", figures)
    assert [i.location for i in extract_html_article(page, origin="p").images] == urls


def test_captions_from_caption_classes_in_and_outside_figures() -> None:
    page = _page(
        """<title>Coliseum at 100</title>
        <script type="application/ld+json">{"@type": "NewsArticle", "image": [
          {"@type": "ImageObject", "url": "https://img.example/crowd.jpg",
           "description": "The crowd at the first game"}]}</script>""",
        # A figure without <figcaption>: caption and credit in classed elements.
        """<figure class="figure"><picture><img src="https://img.example/rams.jpg"></picture>
          <div class="figure-content"><div class="figure-caption">The Rams play a night game.
          </div><div class="figure-credit">(Times archive)</div></div></figure>
        <div class="mol-img-group"><div class="image-wrap">
          <img src="data:image/gif;base64,R0lGOD" data-src="https://img.example/bill.jpg">
          <noscript><img src="https://img.example/bill.jpg"></noscript></div>
          <p class="imageCaption">Collectors hunt for rare dollar bills</p></div>
        <div class="gallery"><img src="https://img.example/g1.jpg">
          <img src="https://img.example/g2.jpg"><p class="caption">Which one?</p></div>
        <div class="story"><img src="https://img.example/chart.jpg"><p>"""
        + "Long paragraph of the article itself. " * 20
        + """</p><p class="caption">Not the chart's caption</p></div>
        <figure><amp-img src="https://img.example/amp.jpg"></amp-img>
          <figcaption>An AMP picture</figcaption></figure>""",
    )
    images = {i.location: i for i in extract_html_article(page, origin="p").images}
    assert images["https://img.example/crowd.jpg"].caption == "The crowd at the first game"
    rams = images["https://img.example/rams.jpg"]
    assert (rams.caption, rams.credit) == ("The Rams play a night game.", "Times archive")
    assert images["https://img.example/bill.jpg"].caption == "Collectors hunt for rare dollar bills"
    assert images["https://img.example/amp.jpg"].caption == "An AMP picture"
    # A caption beside several pictures, or in the article's own text, names none of them.
    assert not any(i.caption in ("Which one?", "Not the chart's caption") for i in images.values())


def test_teasers_of_other_pages_are_not_article_pictures() -> None:
    page = _page(
        "<title>Main story</title>",
        """<figure><a href="/other-story"><img src="https://img.example/teaser1.jpg"></a>
          <figcaption>Read this next</figcaption></figure>
        <a href="/another-story"><figure><img src="https://img.example/teaser2.jpg"></figure></a>
        <aside><figure><img src="https://img.example/teaser3.jpg"></figure></aside>
        <figure><a href="https://img.example/full.jpg"><img src="https://img.example/photo.jpg">
          </a><figcaption>The pier at dawn</figcaption></figure>
        <a class="zoom"><figure><img src="https://img.example/zoom.jpg"></figure></a>""",
    )
    images = extract_html_article(page, origin="p", base_url="https://news.example/main").images
    assert [i.location for i in images] == [
        "https://img.example/photo.jpg",
        "https://img.example/zoom.jpg",
    ]
    assert images[0].caption == "The pier at dawn"


def test_lightbox_and_attachment_links_keep_the_picture_and_a_video_keeps_its_caption() -> None:
    page = _page(
        "<title>Bridge</title>",
        """<a href="https://img.example/big/bridge.jpg"><figure>
          <img src="https://img.example/bridge.jpg"><figcaption>The new bridge</figcaption>
          </figure></a>
        <figure><a href="https://news.example/story/attachment/pier/">
          <img src="https://img.example/pier.jpg"></a><figcaption>The pier</figcaption></figure>
        <div class="media"><video src="https://v.example/mayor.mp4"></video>
          <img src="https://img.example/poster.jpg">
          <p class="caption">Video: the mayor speaks</p></div>""",
    )
    images = extract_html_article(page, origin="p", base_url="https://news.example/story").images
    captions = {i.location.rsplit("/", 1)[-1]: i.caption for i in images}
    assert captions == {"bridge.jpg": "The new bridge", "pier.jpg": "The pier"}


@pytest.mark.timeout(60)
def test_thousands_of_captions_and_credits_are_read_in_bounded_work() -> None:
    # Each caption once measured its whole container: this page took minutes.
    many = "".join(f'<p class="caption">caption {n}</p>' for n in range(20_000))
    credits = "".join(f"<small>credit {n}</small>" for n in range(20_000))
    page = _page(
        "<title>Many captions</title>",
        f'<div><img src="https://img.example/p.jpg">{many}</div>'
        f'<figure><img src="https://img.example/q.jpg"><figcaption>Q {credits}</figcaption>'
        "</figure>",
    )
    images = extract_html_article(page, origin="p").images
    q = next(i for i in images if i.location.endswith("q.jpg"))
    assert q.credit == "credit 0 credit 1 credit 2 credit 3 credit 4"


def test_most_agreed_counts_votes_and_breaks_ties_by_trust() -> None:
    def same(a: str, b: str) -> bool:
        return a.casefold() == b.casefold()

    assert most_agreed(["a", "B", "b", "A", "b"], same) == "B"
    assert most_agreed(["a", "b"], same) == "a"
    with pytest.raises(ValueError):
        most_agreed([], same)


def test_charset_from_the_server_is_used_when_the_page_declares_none() -> None:
    page = f"<html><head><title>Caf\u00e9 r\u00e9ouvert</title></head><body><p>{BODY}</p></body>"
    article = extract_html_article(page.encode("latin-1"), origin="p", charset="iso-8859-1")
    assert article.title == "Caf\u00e9 r\u00e9ouvert"


def test_page_without_any_title_is_a_clear_source_error() -> None:
    with pytest.raises(SourceError, match=r"cannot read page empty\.html: no title found"):
        extract_html_article(b"<html><body><div></div></body></html>", origin="empty.html")


def test_feed_title_is_the_fallback_for_an_untitled_page() -> None:
    article = extract_html_article(
        f"<html><body><p>{BODY}</p></body></html>".encode(), origin="p", fallback_title="From feed"
    )
    assert article.title == "From feed"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("PT1M30S", 90.0),
        ("PT1H", 3600.0),
        ("P1DT1S", 86401.0),
        ("2:05", 125.0),
        ("42", 42.0),
        ("soon", None),
        ("PT0S", None),
    ],
)
def test_durations(text: str, seconds: float | None) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("url", "content_type", "expected"),
    [
        ("https://v.example/a/master.m3u8?token=1", "", "HLS"),
        ("https://v.example/a/stream", "application/x-mpegURL", "HLS"),
        ("https://v.example/a.mpd", "", "DASH"),
        ("https://v.example/a.ism/manifest", "", "SMOOTH"),
        ("https://v.example/a.MP4", "", "MP4"),
        ("https://v.example/a", "video/quicktime", "MOV"),
        ("https://www.youtube.com/embed/xyz", "text/html", ""),
    ],
)
def test_video_types(url: str, content_type: str, expected: str) -> None:
    assert detect_video_type(url, content_type) == expected


def test_srcset_and_dates() -> None:
    assert (
        largest_srcset("a.jpg 1x, b.jpg 2x", "https://x.example/p/") == "https://x.example/p/b.jpg"
    )
    assert parse_loose_date("Tue, 05 Mar 2024 08:00:00 GMT") == datetime(2024, 3, 5, 8, tzinfo=UTC)
    assert parse_loose_date("not a date") is None


def test_extraction_never_loads_the_slow_date_parser() -> None:
    """htmldate runs in its fast mode: its extensive search hands text like a byline run into
    a date ("Jane DoePublished: March 12, 20") to dateparser, whose first use compiles the
    rules of ~200 locales (1.5 to 4 s for one page); on 421 corpus pages it found no date
    the fast mode missed (bench/README.md)."""
    script = (
        "import sys\n"
        "from packager.sources.html import extract_html_article\n"
        'page = b"<html><head><title>Flood report</title></head><body><article>'
        "<h1>Flood report</h1><div class='date'>Jane DoeJane DoePublished: March 12, 20</div>\" + "
        "b'<p>' + b'The river rose overnight and reached the old town by morning. ' * 20"
        " + b'</p></article></body></html>'\n"
        "article = extract_html_article(page, origin='p.html', base_url='https://n.example/a')\n"
        "print(article.title, '|', 'dateparser' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["Flood", "report", "|", "False"]


def test_a_page_past_the_element_bound_is_read_up_to_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import packager.sources.html as html_reader

    monkeypatch.setattr(html_reader, "MAX_PAGE_ELEMENTS", 300)
    paragraphs = "".join(
        f"<p>Paragraph {n} of a page that never ends, said the tester.</p>" for n in range(2000)
    )
    page = (
        "<html><head><title>Endless page</title>"
        "<meta property='og:title' content='Endless page'></head>"
        f"<body><article><h1>Endless page</h1>{paragraphs}</article></body></html>"
    ).encode()
    article = extract_html_article(page, origin="endless.html")
    assert article.title == "Endless page"
    assert 100 < len(article.body) < 300
    assert article.body[0].startswith("Paragraph 0 ")
    assert any("more than 300 HTML elements" in w and "first 300" in w for w in article.warnings)


def test_cut_after_keeps_the_first_elements_in_document_order() -> None:
    from lxml import html as lxml_html

    from packager.sources.xmlparse import cut_after

    root = lxml_html.fromstring(
        "<div><p>a<b>b</b></p><section><p>c</p><p>d</p></section><p>e</p></div>"
    )
    assert cut_after(root, 5)  # div, p, b, section, p(c)
    assert lxml_html.tostring(root, encoding="unicode") == (
        "<div><p>a<b>b</b></p><section><p>c</p></section></div>"
    )
    assert not cut_after(root, 5)  # nothing more to cut
    assert not cut_after(root, 50)


def test_an_article_keeps_its_first_thirty_pictures() -> None:
    figures = "".join(
        f"<figure><img src='/photos/p{n}.jpg'><figcaption>Photo {n} of the gallery</figcaption>"
        "</figure>"
        for n in range(200)
    )
    page = (
        "<html><head><title>Gallery</title><meta property='og:title' content='Gallery'></head>"
        f"<body><article><h1>Gallery</h1><p>{BODY}</p>{figures}</article></body></html>"
    ).encode()
    article = extract_html_article(page, origin="gallery.html", base_url="https://g.example/a")
    assert len(article.images) == 30
    assert article.images[0].location == "https://g.example/photos/p0.jpg"
    assert any("200 pictures: kept the first 30" in warning for warning in article.warnings)
