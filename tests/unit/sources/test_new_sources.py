"""XML sitemaps, the WordPress REST API and JSON Feed, served from 127.0.0.1.

The fixtures in `fixtures/` are shaped after each format's public documentation (SOURCES.md).
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from packager.errors import SourceError
from packager.model import Article
from packager.net.fetcher import Fetcher
from packager.sources.jsonfeed import parse_json_feed
from packager.sources.remote import MAX_SITEMAP_FILES, read_remote
from packager.sources.sitemaps import looks_like_sitemap, parse_sitemap
from packager.sources.wordpress import parse_posts
from tests.http_fixtures import LocalServer, Route

pytestmark = pytest.mark.servers

FIXTURES = Path(__file__).parent / "fixtures"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TEXT = " ".join(f"Sentence {n} of the story, with the facts and the people." for n in range(8))


def fixture(name: str, base: str) -> bytes:
    return (FIXTURES / name).read_text(encoding="utf-8").replace("{base}", base).encode()


def page(title: str) -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{TEXT}</p></article></body></html>"
    ).encode()


@pytest.fixture
def newsroom(server: LocalServer) -> LocalServer:
    base = server.base
    xml = "application/xml"
    server.routes["/sitemap.xml"] = Route(fixture("sitemap-index.xml", base), content_type=xml)
    server.routes["/sitemaps/news.xml"] = Route(fixture("news-sitemap.xml", base), content_type=xml)
    server.routes["/sitemaps/archive-2019.xml.gz"] = Route(
        gzip.compress(fixture("news-sitemap.xml", base).replace(b"ferry", b"old-ferry")),
        content_type="application/x-gzip",
    )
    server.routes["/business/ferry-plan-approved"] = Route(page("Ferry plan approved"))
    server.routes["/business/old-ferry-plan-approved"] = Route(page("Old ferry plan"))
    server.routes["/local/market-reopens"] = Route(page("Market reopens"))
    server.routes["/feed.json"] = Route(
        fixture("feed.json", base), content_type="application/feed+json"
    )
    for number in (1, 2):
        server.routes[f"/wp-json/wp/v2/posts?_embed=1&page={number}"] = Route(
            fixture(f"wp-posts-{number}.json", base),
            content_type="application/json; charset=UTF-8",
            headers={"X-WP-Total": "4", "X-WP-TotalPages": "2"},
        )
    return server


def read(
    urls: list[str], tmp_path: Path, since: datetime | None = None
) -> tuple[list[Article], list[SourceError]]:
    with Fetcher(tmp_path / "cache", timeout=(2.0, 2.0), retries=0) as fetcher:
        found = list(read_remote(urls, fetcher=fetcher, since=since))
    return (
        [r for r in found if isinstance(r, Article)],
        [r for r in found if isinstance(r, SourceError)],
    )


# -- sitemaps ----------------------------------------------------------------------------------


def test_news_sitemap_index_is_followed_and_entries_fill_the_pages_gaps(newsroom, tmp_path) -> None:
    articles, errors = read([newsroom.url("/sitemap.xml")], tmp_path)
    titles = [a.title for a in articles]
    # Newest first; the gzip archive sitemap is read too (no `since`).
    assert titles[:2] == ["Ferry plan approved", "Old ferry plan"]
    assert "Market reopens" in titles
    ferry = articles[0]
    assert ferry.published == datetime(2024, 3, 5, 7, 0, tzinfo=UTC)  # news:publication_date
    assert ferry.modified == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)  # lastmod
    assert ferry.tags == ("ferry", "harbor", "city council")  # news:keywords
    assert ferry.section_path == ()  # keywords are not a section
    assert (ferry.images[0].location, ferry.images[0].caption) == (
        newsroom.url("/img/ferry.png"),
        "The new ferry at the harbor (Town Crier photo)",
    )
    assert (ferry.videos[0].location, ferry.videos[0].duration_seconds) == (
        newsroom.url("/video/ferry.mp4"),
        95.0,
    )
    messages = "\n".join(e.message for e in errors)
    assert "/sitemaps/missing.xml" in messages and "HTTP 404" in messages
    assert "sitemap entry 3" in messages and "not an http(s) URL" in messages
    assert "/local/gone" in messages


def test_lastmod_makes_reads_incremental(newsroom, tmp_path) -> None:
    since = datetime(2024, 3, 5, 0, 0, tzinfo=UTC)
    articles, _ = read([newsroom.url("/sitemap.xml")], tmp_path, since=since)
    assert [a.title for a in articles] == ["Ferry plan approved"]
    # The 2019 archive sitemap is not even downloaded.
    assert not any(path.endswith(".gz") for path, _ in newsroom.requests)


def test_sitemap_index_loops_are_bounded(server: LocalServer, tmp_path: Path) -> None:
    loop = (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<sitemap><loc>{server.base}/s{n}.xml</loc></sitemap>" for n in range(40))
        + "</sitemapindex>"
    ).encode()
    server.routes["/sitemap.xml"] = Route(loop, content_type="application/xml")
    for n in range(40):
        server.routes[f"/s{n}.xml"] = Route(loop, content_type="application/xml")
    articles, errors = read([server.url("/sitemap.xml")], tmp_path)
    assert articles == []
    assert sum(server.requests.values()) <= MAX_SITEMAP_FILES + 1
    assert errors and "more than" in errors[0].message and errors[0].hint


def test_two_indexes_naming_each_other_are_each_read_once(
    server: LocalServer, tmp_path: Path
) -> None:
    def index(other: str, article: str) -> bytes:
        return (
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{server.base}/{other}.xml</loc></sitemap>"
            f"<sitemap><loc>{server.base}/{article}-urls.xml</loc></sitemap></sitemapindex>"
        ).encode()

    def urls(slug: str) -> bytes:
        return (
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{server.base}/news/{slug}</loc><lastmod>2026-12-01</lastmod></url>"
            "</urlset>"
        ).encode()

    xml = "application/xml"
    server.routes["/a.xml"] = Route(index("b", "one"), content_type=xml)
    server.routes["/b.xml"] = Route(index("a", "two"), content_type=xml)
    server.routes["/one-urls.xml"] = Route(urls("one"), content_type=xml)
    server.routes["/two-urls.xml"] = Route(urls("two"), content_type=xml)
    server.routes["/news/one"] = Route(page("Story one"))
    server.routes["/news/two"] = Route(page("Story two"))
    articles, errors = read([server.url("/a.xml")], tmp_path)
    assert sorted(a.title for a in articles) == ["Story one", "Story two"]
    assert errors == []  # a loop adds nothing; it is not a limit reached
    fetched = {path: n for (path, _status), n in server.requests.items() if path.endswith(".xml")}
    assert fetched == {"/a.xml": 1, "/b.xml": 1, "/one-urls.xml": 1, "/two-urls.xml": 1}


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>", "XML"),
        (gzip.compress(b"<urlset/>", mtime=0)[:20], "gzip"),
        (b"<?xml version='1.0'?><!DOCTYPE urlset [<!ENTITY x 'y'>]><urlset>&x;</urlset>", "DTD"),
    ],
)
def test_broken_sitemaps_are_clear_errors(content: bytes, why: str) -> None:
    assert looks_like_sitemap(content) or why == "gzip"
    with pytest.raises(SourceError) as caught:
        parse_sitemap(content, origin="sitemap.xml")
    assert "sitemap.xml" in caught.value.message and caught.value.hint


# -- WordPress ---------------------------------------------------------------------------------


def test_wordpress_posts_are_read_page_by_page(newsroom, tmp_path) -> None:
    articles, errors = read([newsroom.url("/wp-json/wp/v2/posts")], tmp_path)
    assert [a.title for a in articles] == [
        "Ferry plan approved – after “long” debate",
        "Market reopens",
        "Bridge repairs begin",
    ]
    ferry, market, bridge = articles
    assert ferry.url == newsroom.url("/ferry-plan-approved/")
    assert ferry.published == datetime(2024, 3, 5, 8, 0, tzinfo=UTC)  # date_gmt
    assert ferry.summary == "Council approves the harbor ferry."
    assert ferry.body == (
        "The city council approved the ferry plan on Tuesday.",
        "Service starts in June.",
    )
    assert ferry.section_path == ("Business",) and ferry.tags == ("ferry", "harbor")
    assert ferry.authors == ("Dana Reyes",)
    lead, pier = ferry.images
    assert (lead.location, lead.caption, lead.credit, lead.alt) == (
        newsroom.url("/wp-content/uploads/2024/03/ferry.png"),
        "The new ferry at the harbor",
        "Town Crier",
        "A white ferry at a pier",
    )
    assert (pier.caption, pier.credit) == ("The pier will be rebuilt.", "Harbor City News")
    assert market.section_path == ()  # "Uncategorized" is no section
    assert bridge.images == ()  # a featured image the site refused to embed
    assert len(errors) == 1
    assert "WordPress post 103" in errors[0].message and "title.rendered" in errors[0].message


def test_wordpress_second_run_is_conditional(newsroom, tmp_path) -> None:
    read([newsroom.url("/wp-json/wp/v2/posts")], tmp_path)
    read([newsroom.url("/wp-json/wp/v2/posts")], tmp_path)
    assert newsroom.requests[("/wp-json/wp/v2/posts?_embed=1&page=1", 304)] == 1


def test_wordpress_api_errors_are_clear(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/wp-json/wp/v2/posts?_embed=1&page=1"] = Route(
        b'{"code":"rest_no_route","message":"No route was found matching the URL.","data":{}}',
        content_type="application/json",
    )
    articles, errors = read([server.url("/wp-json/wp/v2/posts")], tmp_path)
    assert articles == []
    assert "rest_no_route" in errors[0].message and errors[0].hint


def test_wordpress_login_page_instead_of_posts_is_named(
    server: LocalServer, tmp_path: Path
) -> None:
    # A security plugin or a private site answers the API route with its login page.
    server.routes["/wp-json/wp/v2/posts?_embed=1&page=1"] = Route(
        b"<!DOCTYPE html>\n<html><head><title>Log In</title></head><body><form></form></body></html>"
    )
    articles, errors = read([server.url("/wp-json/wp/v2/posts")], tmp_path)
    assert articles == []
    assert "an HTML page" in errors[0].message and "login" in errors[0].message
    assert "Expecting value" not in errors[0].message


# -- JSON Feed ---------------------------------------------------------------------------------


def test_json_feed_items_are_articles_without_fetching_pages(newsroom, tmp_path) -> None:
    articles, errors = read([newsroom.url("/feed.json")], tmp_path)
    assert [a.title for a in articles] == [
        "Ferry plan approved after long debate",
        "Market reopens",
    ]
    ferry, market = articles
    assert ferry.body == (
        "The city council approved the ferry plan on Tuesday.",
        "Service starts in June, the harbor master said.",
    )
    assert ferry.summary == "Council approves the harbor ferry."
    assert ferry.published == datetime(2024, 3, 5, 7, 0, tzinfo=UTC)
    assert ferry.language == "en-US" and ferry.authors == ("Dana Reyes",)
    assert ferry.tags == ("ferry", "harbor")
    (image,) = ferry.images
    assert (image.caption, image.credit) == ("The new ferry at the harbor.", "Town Crier")
    assert [v.location for v in ferry.videos] == [newsroom.url("/video/ferry.mp4")]
    assert market.body == (
        "The covered market reopened on Monday.",
        "Traders said the first day was busy.",
    )
    assert market.authors == ("Gazette Staff",)  # the feed's authors
    feed_url = newsroom.url("/feed.json")
    assert [e.message for e in errors] == [
        f"skipped JSON Feed item 3 of {feed_url}: it has no `title`",
        f"skipped JSON Feed item 4 of {feed_url}: it is not an object",
    ]
    assert [p for p in newsroom.requests if p[0].startswith("/business")] == []


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', "`items`"),
        (b'{"version": "2", "items": []}', "`version`"),
        (b"\xff\xfe{", "UTF-16 text, not UTF-8"),
        (b"\x1f\x8b\x08\x00" + bytes(range(200)), "a gzip archive, not UTF-8 JSON"),
        (b'{"title": "caf\xe9"}', "not UTF-8"),
        (b"", "empty"),
        (b"  <!doctype html><html><body>Bot check</body></html>", "an HTML page"),
        (b'{"version": ', "not JSON"),
    ],
)
def test_broken_json_feeds_are_clear_errors(content: bytes, why: str) -> None:
    with pytest.raises(SourceError, match=why) as caught:
        parse_json_feed(content, origin="feed.json")
    assert caught.value.hint


def test_extract_shows_saved_json_feed_wordpress_and_sitemap_files(tmp_path: Path) -> None:
    base = "https://news.example"
    (tmp_path / "feed.json").write_bytes(fixture("feed.json", base))
    (tmp_path / "posts.json").write_bytes(fixture("wp-posts-1.json", base))
    result = CliRunner().invoke(
        main,
        ["extract", "-o", "json", str(tmp_path / "feed.json"), str(tmp_path / "posts.json")],
        catch_exceptions=False,
    )
    data = json.loads(result.stdout)
    assert [a["title"] for a in data["articles"]] == [
        "Ferry plan approved after long debate",
        "Market reopens",
        "Ferry plan approved – after “long” debate",
        "Market reopens",
    ]
    assert len(data["problems"]) == 2 and result.exit_code == 4
    assert len(parse_posts(fixture("wp-posts-2.json", base), origin="p2.json")) == 2
