"""Feeds and pages served from 127.0.0.1 → Articles; broken entries and hostile inputs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from packager.errors import SourceError
from packager.extract import extract
from packager.model import Article
from packager.net.fetcher import Fetcher
from packager.sources.feeds import parse_feed
from packager.sources.remote import read_remote
from tests.http_fixtures import LocalServer, Route

pytestmark = pytest.mark.servers

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TEXT = " ".join(
    f"Sentence {n} of the story explains the decision and quotes the people it affects."
    for n in range(8)
)


def page(title: str, *, extra_head: str = "", body_extra: str = "") -> bytes:
    return f"""<html><head><title>{title}</title>{extra_head}</head><body><article>
    <h1>{title}</h1><figure><img src="/img/{title[:5].lower()}.png" width="800">
    <figcaption>Picture for {title}</figcaption></figure>
    <p>{TEXT}</p>{body_extra}</article></body></html>""".encode()


def rss(base: str, items: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Gazette</title>
<link>{base}/</link><description>News</description>{items}</channel></rss>""".encode()


def item(base: str, path: str, title: str, extra: str = "") -> str:
    return f"""<item><title>{title}</title><link>{base}{path}</link><guid>{base}{path}</guid>
<pubDate>Tue, 05 Mar 2024 08:00:00 GMT</pubDate><category>Local</category>{extra}</item>"""


@pytest.fixture
def newsroom(server: LocalServer) -> LocalServer:
    base = server.base
    video = (
        f'<media:content url="{base}/video/vote.mp4" type="video/mp4" medium="video" duration="95">'
        f'<media:thumbnail url="{base}/img/thumb.png"/></media:content>'
    )
    server.routes["/feed.xml"] = Route(
        rss(
            base,
            item(base, "/news/ferry", "Ferry plan approved", video)
            + item(base, "/news/market", "Market reopens")
            + item(base, "/news/gone", "Gone story")
            + item(base, "/news/slow", "Slow story")
            + item(base, "/news/garbage", "Garbage story")
            + f'<item><title>Podcast</title><enclosure url="{base}/e.mp3" type="audio/mpeg"/>'
            + "</item>",
        ),
        content_type="application/rss+xml",
    )
    server.routes["/news/ferry"] = Route(page("Ferry plan approved"))
    server.routes["/news/market"] = Route(page("Market reopens"))
    server.routes["/news/slow"] = Route(page("Slow story"), delay=2.0)
    server.routes["/news/garbage"] = Route(b"\x00\xff\xfe" * 200, content_type="text/html")
    for name in ("ferry", "marke", "thumb"):
        server.routes[f"/img/{name}.png"] = Route(PNG, content_type="image/png")
    return server


def read(urls: list[str], tmp_path: Path, **kwargs: object) -> list[Article | SourceError]:
    with Fetcher(tmp_path / "cache", timeout=(2.0, 0.5), retries=0, **kwargs) as fetcher:  # type: ignore[arg-type]
        return list(read_remote(urls, fetcher=fetcher, image_dir=tmp_path / "images"))


def test_feed_entries_become_articles_and_broken_entries_are_reported(newsroom, tmp_path) -> None:
    results = read([newsroom.url("/feed.xml")], tmp_path)
    articles = [r for r in results if isinstance(r, Article)]
    errors = [r for r in results if isinstance(r, SourceError)]
    assert [a.title for a in articles] == ["Ferry plan approved", "Market reopens"]
    messages = "\n".join(str(e) for e in errors)
    assert "item 6 of" in messages and "no http(s) link" in messages  # the podcast item
    assert "'Gone story'" in messages and "HTTP 404" in messages
    assert "'Slow story'" in messages and "timed out" in messages
    assert "garbage" in messages and "binary data, not an HTML page" in messages
    assert len(errors) == 4

    ferry, market = articles
    # What the feed says fills the page's gaps: date, section; its video comes first.
    assert (
        ferry.published is not None and ferry.published.isoformat() == "2024-03-05T08:00:00+00:00"
    )
    assert ferry.section_path == ("Local",)
    assert ferry.videos[0].location == newsroom.url("/video/vote.mp4")
    assert (ferry.videos[0].video_type, ferry.videos[0].duration_seconds) == ("MP4", 95.0)
    assert market.videos == ()
    # Images were downloaded into the image folder; captions kept.
    assert Path(ferry.images[0].location).parent == tmp_path / "images"
    assert Path(ferry.images[0].location).read_bytes() == PNG
    assert ferry.images[0].caption == "Picture for Ferry plan approved"
    assert Path(ferry.videos[0].thumbnail).is_file()
    assert ferry.url == newsroom.url("/news/ferry")


def test_second_run_downloads_no_page_or_image_again(newsroom, tmp_path) -> None:
    del newsroom.routes["/news/slow"]  # keep the run quick
    first = read([newsroom.url("/feed.xml")], tmp_path)
    downloads = newsroom.downloads()
    assert downloads >= 6  # feed, two pages, three images
    second = read([newsroom.url("/feed.xml")], tmp_path)
    assert newsroom.downloads() == downloads
    assert [getattr(r, "title", None) for r in second] == [getattr(r, "title", None) for r in first]
    assert sum(1 for (_, status) in newsroom.requests if status == 304) >= 6


def test_a_page_url_is_read_directly(newsroom, tmp_path) -> None:
    (article,) = read([newsroom.url("/news/market")], tmp_path)
    assert isinstance(article, Article) and article.title == "Market reopens"


def test_images_pointing_at_other_loopback_ports_or_metadata_service_are_refused(
    server, tmp_path
) -> None:
    other = LocalServer().start()
    try:
        other.routes["/secret.png"] = Route(PNG, content_type="image/png")
        head = f'<meta property="og:image" content="{other.url("/secret.png")}">'
        body = '<figure><img src="http://169.254.169.254/latest/meta-data/x.png"></figure>'
        server.routes["/news/sneaky"] = Route(page("Sneaky page", extra_head=head, body_extra=body))
        server.routes["/img/sneak.png"] = Route(PNG, content_type="image/png")
        (article,) = read([server.url("/news/sneaky")], tmp_path)
    finally:
        other.stop()
    assert isinstance(article, Article)
    assert other.requests == {}
    assert [Path(i.location).parent for i in article.images] == [tmp_path / "images"]
    refused = [w for w in article.warnings if "non-public address" in w]
    assert len(refused) == 2
    assert any("169.254.169.254" in w for w in refused)


def test_xml_external_entities_are_refused(server, tmp_path) -> None:
    server.routes["/xxe.xml"] = Route(
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><item><title>&xxe;</title><link>http://127.0.0.1/x</link></item>"
        b"</channel></rss>",
        content_type="application/rss+xml",
    )
    (error,) = read([server.url("/xxe.xml")], tmp_path)
    assert isinstance(error, SourceError)
    assert "declares XML entities" in str(error)
    assert "root:" not in str(error)


def test_billion_laughs_is_refused_without_expanding(server, tmp_path) -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    server.routes["/lol.xml"] = Route(
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss><channel><item>'
        f"<title>&lol9;</title><link>http://127.0.0.1/x</link></item></channel></rss>".encode(),
        content_type="application/rss+xml",
    )
    (error,) = read([server.url("/lol.xml")], tmp_path)
    assert isinstance(error, SourceError)
    assert "declares XML entities" in str(error)


def test_a_huge_page_is_refused_early_and_the_rest_goes_on(newsroom, tmp_path) -> None:
    def endless() -> Iterator[bytes]:
        for _ in range(16384):
            yield b"<p>" + b"x" * 65536

    newsroom.routes["/huge"] = Route(endless)
    results = read(
        [newsroom.url("/huge"), newsroom.url("/news/market")], tmp_path, max_bytes=1 << 20
    )
    assert isinstance(results[0], SourceError) and "limit" in str(results[0])
    assert isinstance(results[1], Article)


def test_atom_feed_with_enclosure(server) -> None:
    base = server.base
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom news</title>
    <entry><title>Storm update</title><id>urn:x:1</id><updated>2024-01-02T03:04:05Z</updated>
    <link rel="alternate" href="/news/storm"/>
    <link rel="enclosure" type="application/x-mpegURL" href="/v/storm.m3u8"/>
    <category term="weather" label="Weather"/></entry></feed>"""
    feed = parse_feed(atom, origin="atom.xml", base_url=base + "/atom.xml")
    (entry,) = feed.entries
    assert entry.link == base + "/news/storm"
    assert entry.categories == ("Weather",)
    assert entry.videos[0].video_type == "HLS"
    assert entry.published is not None and entry.published.year == 2024


def test_extract_reads_saved_files_and_urls(newsroom, tmp_path) -> None:
    saved = tmp_path / "saved.html"
    saved.write_bytes(page("Saved story"))
    feed_file = tmp_path / "feed.xml"
    feed_file.write_bytes(rss(newsroom.base, item(newsroom.base, "/news/market", "Market reopens")))
    with Fetcher(tmp_path / "cache") as fetcher:
        results = extract(
            [
                str(saved),
                str(feed_file),
                newsroom.url("/news/ferry"),
                str(tmp_path / "missing.html"),
            ],
            fetcher=fetcher,
        )
    titles = [r.title if isinstance(r, Article) else type(r).__name__ for r in results]
    assert titles == ["Saved story", "Market reopens", "Ferry plan approved", "SourceError"]
    assert "missing.html" in str(results[3])


def test_of_a_feed_listing_its_archive_the_newest_entries_are_read(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import packager.sources.remote as remote

    monkeypatch.setattr(remote, "MAX_LISTED_ARTICLES", 3)
    base = server.base
    days = [4, 9, 1, 7, 3]  # listed out of order, as archives sometimes are
    items = "".join(
        f"<item><title>Day {day}</title><link>{base}/news/{day}</link>"
        f"<pubDate>Tue, 0{day} Mar 2024 08:00:00 GMT</pubDate></item>"
        for day in days
    )
    server.routes["/archive.xml"] = Route(rss(base, items), content_type="application/rss+xml")
    for day in days:
        server.routes[f"/news/{day}"] = Route(page(f"Day {day}"))
    results = read([server.url("/archive.xml")], tmp_path)
    assert [r.title for r in results if isinstance(r, Article)] == ["Day 4", "Day 9", "Day 7"]
    fetched = {path for path, _status in server.requests}
    assert "/news/1" not in fetched and "/news/3" not in fetched
