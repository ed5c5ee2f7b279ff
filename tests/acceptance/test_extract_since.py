"""`packager extract --since DATE`: incremental reads of sitemaps (lastmod) and WordPress posts
(modified_after) against a newsroom on 127.0.0.1 (#17).

The newsroom's documents are shaped like tests/unit/sources/fixtures (from the sitemaps.org,
Google News sitemap and WordPress REST API documentation), cut down to what is read here.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from packager.cli import main

pytestmark = pytest.mark.servers

TEXT = " ".join(f"Sentence {n} of the story, with the facts and the people." for n in range(8))
SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{base}/sitemaps/news.xml</loc><lastmod>2024-03-05T09:30:00+00:00</lastmod></sitemap>
  <sitemap><loc>{base}/sitemaps/archive-2019.xml</loc><lastmod>2019-12-31T23:00:00Z</lastmod></sitemap>
</sitemapindex>"""
NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>{base}/business/ferry-plan-approved</loc>
    <lastmod>2024-03-05T09:30:00+00:00</lastmod>
    <news:news>
      <news:publication><news:name>Harbor City Gazette</news:name>
        <news:language>en</news:language></news:publication>
      <news:publication_date>2024-03-05T08:00:00+01:00</news:publication_date>
      <news:title>Ferry plan approved</news:title>
    </news:news>
  </url>
  <url>
    <loc>{base}/local/market-reopens</loc>
    <lastmod>2024-03-04T18:00:00Z</lastmod>
  </url>
</urlset>"""
ARCHIVE_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{base}/archive/old-story</loc><lastmod>2019-06-01T10:00:00Z</lastmod></url>
</urlset>"""
PAGES = {
    "/business/ferry-plan-approved": "Ferry plan approved",
    "/local/market-reopens": "Market reopens",
    "/archive/old-story": "An old story",
}
# WordPress posts (wp/v2/posts?_embed), the fields packager reads.
POSTS = [
    ("ferry-plan-approved", "Ferry plan approved", "2024-03-05T08:00:00"),
    ("market-reopens", "Market reopens", "2024-03-04T17:00:00"),
    ("bridge-repairs", "Bridge repairs begin", "2024-03-02T07:00:00"),
]


def _post(number: int, slug: str, title: str, modified_gmt: str, base: str) -> dict[str, object]:
    return {
        "id": 100 + number,
        "date": modified_gmt,
        "date_gmt": modified_gmt,
        "modified": modified_gmt,
        "modified_gmt": modified_gmt,
        "slug": slug,
        "status": "publish",
        "type": "post",
        "link": f"{base}/{slug}/",
        "title": {"rendered": title},
        "content": {"rendered": f"<p>{TEXT}</p>\n", "protected": False},
        "excerpt": {"rendered": f"<p>{title}.</p>\n", "protected": False},
        "featured_media": 0,
        "categories": [],
        "tags": [],
    }


def _page(title: str) -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{TEXT}</p></article></body></html>"
    ).encode()


@dataclass
class Newsroom:
    """A newsroom on 127.0.0.1: sitemaps, article pages and a WordPress posts route that
    filters by `modified_after` as WordPress does; `paths` lists what was asked for."""

    base: str = ""
    paths: list[str] = field(default_factory=list)

    def answer(self, target: str) -> tuple[int, str, bytes]:
        self.paths.append(target)
        parts = urlsplit(target)
        base = self.base
        documents = {
            "/sitemap.xml": SITEMAP_INDEX,
            "/sitemaps/news.xml": NEWS_SITEMAP,
            "/sitemaps/archive-2019.xml": ARCHIVE_SITEMAP,
        }
        if parts.path in documents:
            return 200, "application/xml", documents[parts.path].replace("{base}", base).encode()
        if parts.path in PAGES:
            return 200, "text/html; charset=utf-8", _page(PAGES[parts.path])
        if parts.path == "/wp-json/wp/v2/posts":
            after = parse_qs(parts.query).get("modified_after", [""])[0]
            since = datetime.fromisoformat(after) if after else None
            posts = [
                _post(number, slug, title, modified, base)
                for number, (slug, title, modified) in enumerate(POSTS)
                if since is None or datetime.fromisoformat(modified + "+00:00") > since
            ]
            return 200, "application/json; charset=UTF-8", json.dumps(posts).encode()
        return 404, "text/plain", b"not found"


@pytest.fixture
def newsroom() -> Iterator[Newsroom]:
    room = Newsroom()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def do_GET(self) -> None:
            status, content_type, body = room.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-WP-TotalPages", "1")
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    room.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield room
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def _extract(*args: str) -> tuple[int, dict[str, list[dict[str, object]]]]:
    result = CliRunner().invoke(
        main, ["extract", *args, "-o", "json", "--timeout", "5"], catch_exceptions=False
    )
    return result.exit_code, json.loads(result.stdout)


def _titles(data: dict[str, list[dict[str, object]]]) -> list[object]:
    return [article["title"] for article in data["articles"]]


def test_since_reads_only_sitemap_entries_changed_later(newsroom: Newsroom) -> None:
    code, everything = _extract(f"{newsroom.base}/sitemap.xml")
    assert code == 0
    assert _titles(everything) == ["Ferry plan approved", "Market reopens", "An old story"]

    newsroom.paths.clear()
    code, recent = _extract(f"{newsroom.base}/sitemap.xml", "--since", "2024-03-05")
    assert code == 0
    assert _titles(recent) == ["Ferry plan approved"]
    # The archive sitemap, last changed in 2019, is not even downloaded, nor the old pages.
    assert "/sitemaps/archive-2019.xml" not in newsroom.paths
    assert "/local/market-reopens" not in newsroom.paths


def test_since_with_a_time_and_zone_is_exact(newsroom: Newsroom) -> None:
    # 18:00 UTC on the 4th is 19:00 at +01:00: the market entry (18:00Z) is not later.
    code, data = _extract(f"{newsroom.base}/sitemap.xml", "--since", "2024-03-04T19:00:00+01:00")
    assert code == 0 and _titles(data) == ["Ferry plan approved"]
    code, data = _extract(f"{newsroom.base}/sitemap.xml", "--since", "2024-03-04T17:59:59Z")
    assert code == 0 and _titles(data) == ["Ferry plan approved", "Market reopens"]


def test_since_asks_wordpress_for_posts_modified_after_it(newsroom: Newsroom) -> None:
    code, data = _extract(f"{newsroom.base}/wp-json/wp/v2/posts", "--since", "2024-03-03")
    assert code == 0
    assert _titles(data) == ["Ferry plan approved", "Market reopens"]
    asked = [parse_qs(urlsplit(p).query) for p in newsroom.paths if "/wp-json/" in p]
    assert asked and all(
        query["modified_after"] == ["2024-03-03T00:00:00+00:00"] for query in asked
    )


def test_since_applies_to_a_saved_sitemap_too(newsroom: Newsroom, tmp_path: Path) -> None:
    saved = tmp_path / "news.xml"
    saved.write_text(NEWS_SITEMAP.replace("{base}", newsroom.base), encoding="utf-8")
    code, data = _extract(str(saved), "--since", "2024-03-05T00:00:00Z")
    assert code == 0 and _titles(data) == ["Ferry plan approved"]


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", "03/05/2024"])
def test_a_date_that_is_not_iso_8601_is_a_usage_error(value: str) -> None:
    result = CliRunner().invoke(main, ["extract", "x.html", "--since", value])
    assert result.exit_code == 2
    assert "--since" in result.output and "ISO 8601" in result.output
