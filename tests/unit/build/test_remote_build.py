"""End to end: a newsroom's RSS feed, article pages and photos served on 127.0.0.1 build into a
valid channel feed; a rebuild downloads nothing again; a broken entry is skipped, not fatal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from packager.build import build_feed
from packager.config import ChannelConfig
from packager.validate import validate_feed
from tests.builders import BASE_URL, photo_bytes
from tests.http_fixtures import LocalServer, Route

pytestmark = pytest.mark.servers
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def page(title: str, image: str, summary: str, video: str = "") -> bytes:
    video_ld = (
        f',"video": {{"@type": "VideoObject", "contentUrl": "{video}", "duration": "PT1M35S"}}'
        if video
        else ""
    )
    return f"""<html lang="en"><head><title>{title} | Gazette</title>
<meta property="og:title" content="{title}"><meta property="og:image" content="{image}">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{title}",
"datePublished": "2026-11-20T08:00:00Z", "articleSection": "Local"{video_ld}}}</script>
</head><body><article><h1>{title}</h1>
<figure><img src="{image}"><figcaption>{title}, in pictures (Gazette photo)</figcaption></figure>
<p>{summary}</p><p>The council will meet again next week to decide.</p></article></body></html>""".encode()


@pytest.fixture
def newsroom() -> Iterator[LocalServer]:
    server = LocalServer().start()
    base = server.base
    items = "".join(
        f"<item><title>{title}</title><link>{base}/news/{slug}</link><guid>{base}/news/{slug}</guid>"
        f"<pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate><category>Local</category></item>"
        for slug, title in (
            ("ferry", "Ferry plan approved"),
            ("market", "Market reopens"),
            ("gone", "Gone story"),
        )
    )
    server.routes["/feed.xml"] = Route(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>'
        f"<link>{base}/</link><description>News</description>{items}</channel></rss>".encode(),
        content_type="application/rss+xml",
    )
    server.routes["/news/ferry"] = Route(
        page(
            "Ferry plan approved",
            "/img/ferry.jpg",
            "The ferry plan was approved.",
            video="https://video.gazette.example/ferry.m3u8",
        )
    )
    server.routes["/news/market"] = Route(
        page("Market reopens", "/img/market.jpg", "The market reopened on Friday.")
    )
    server.routes["/img/ferry.jpg"] = Route(
        photo_bytes((40, 120, 160), (1200, 800)), content_type="image/jpeg"
    )
    server.routes["/img/market.jpg"] = Route(
        photo_bytes((160, 120, 40), (1200, 800)), content_type="image/jpeg"
    )
    yield server
    server.stop()


def test_rss_feed_builds_into_a_valid_channel(newsroom: LocalServer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    config = ChannelConfig(provider_name="Gazette", base_url=BASE_URL)
    result = build_feed([newsroom.url("/feed.xml")], out, config, now=NOW)
    assert result.exit_code == 0, result.as_dict()
    assert validate_feed(out / "feed.json").errors == ()

    feed = json.loads((out / "feed.json").read_text())
    by_title = {item["title"]: item for item in feed["shortFormVideos"]}
    assert set(by_title) == {"Ferry plan approved", "Market reopens"}
    ferry = by_title["Ferry plan approved"]["content"]
    assert (ferry["videos"][0]["videoType"], ferry["duration"]) == ("HLS", 95)
    market = by_title["Market reopens"]["content"]  # no video on the page: rendered
    assert market["videos"][0]["url"].startswith(BASE_URL + "videos/")
    assert market["captions"][0]["url"].endswith(".vtt")
    assert [Path(s.origin).name for s in result.skipped] == ["gone"]

    downloads = newsroom.downloads()
    again = build_feed([newsroom.url("/feed.xml")], out, config, now=NOW)
    assert again.exit_code == 0
    assert newsroom.downloads() == downloads  # conditional GET: nothing downloaded again
    assert (out / "feed.json").read_text() == json.dumps(
        feed, ensure_ascii=False, separators=(",", ":")
    )


def test_a_page_whose_picture_cannot_be_fetched_gets_a_hint_for_pages(
    newsroom: LocalServer, tmp_path: Path
) -> None:
    # The market page's picture is gone: its skip reason must not tell to fix a bundle.
    del newsroom.routes["/img/market.jpg"]
    config = ChannelConfig(provider_name="Gazette", base_url=BASE_URL, render_video="off")
    result = build_feed([newsroom.url("/feed.xml")], tmp_path / "out", config, now=NOW)
    (market,) = [s for s in result.skipped if s.origin.endswith("/news/market")]
    assert "no usable image" in market.reason
    assert "bundle with a photo" in market.hint and "add a photo" not in market.hint
    assert "page's pictures" in market.hint
