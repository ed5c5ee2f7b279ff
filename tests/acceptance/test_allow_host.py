"""`packager build --allow-host`: a page may link a private host the user allowed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from tests.builders import photo_bytes
from tests.http_fixtures import LocalServer, Route

pytestmark = pytest.mark.servers


def page(image: str, video: str) -> bytes:
    return f"""<html lang="en"><head><title>Ferry plan approved</title>
<meta property="og:title" content="Ferry plan approved"><meta property="og:image" content="{image}">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Ferry plan approved",
"datePublished": "2026-11-20T08:00:00Z", "articleSection": "Local",
"video": {{"@type": "VideoObject", "contentUrl": "{video}", "duration": "PT1M35S"}}}}</script>
</head><body><article><h1>Ferry plan approved</h1><p>The council approved the plan.</p>
<p>It meets again next week.</p></article></body></html>""".encode()


def test_build_fetches_an_image_on_an_allowed_private_host(
    server: LocalServer, tmp_path: Path
) -> None:
    photos = LocalServer().start()  # another loopback origin: private, so refused by default
    try:
        photos.routes["/photo.jpg"] = Route(
            photo_bytes((40, 120, 160), (1200, 800)), content_type="image/jpeg"
        )
        server.routes["/news/ferry"] = Route(
            page(photos.url("/photo.jpg"), server.url("/video/ferry.m3u8"))
        )
        args = ["build", server.url("/news/ferry"), "--out", str(tmp_path / "out")]
        args += ["--base-url", "https://cdn.example.com/c/", "--render", "off"]
        CliRunner().invoke(main, [*args, "--allow-host", "127.0.0.0/8"], catch_exceptions=False)
        assert photos.requests[("/photo.jpg", 200)] == 1
    finally:
        photos.stop()
