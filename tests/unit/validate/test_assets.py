"""--check-assets against a real HTTP server on 127.0.0.1 serving good and bad thumbnails and videos."""

from __future__ import annotations

import io
import json
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from PIL import Image

from packager.validate import validate_feed
from packager.validate.assets import AssetOptions

BASE = Path(__file__).parent / "base-feed.json"


def jpeg(width: int, height: int, fmt: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buffer, fmt)
    return buffer.getvalue()


ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/good.jpg": (200, "image/jpeg", jpeg(1280, 720)),
    "/small.jpg": (200, "image/jpeg", jpeg(640, 360)),
    "/square.png": (200, "image/png", jpeg(900, 900, "PNG")),
    "/page.html": (200, "text/html", b"<html>not an image</html>"),
    "/video.mp4": (200, "video/mp4", b"\x00" * 2048),
    "/watch": (200, "text/html; charset=utf-8", b"<html>a video page</html>"),
}


class Handler(BaseHTTPRequestHandler):
    requests: ClassVar[Counter[str]] = Counter()

    def _answer(self, body: bool) -> None:
        Handler.requests[self.path] += 1
        status, content_type, content = ROUTES.get(self.path, (404, "text/plain", b"missing"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if body:
            self.wfile.write(content)

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def asset_server() -> Iterator[str]:
    Handler.requests = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def feed_with(base_url: str, thumbnails: list[str], video: str) -> bytes:
    feed = json.loads(BASE.read_text())
    item = feed["shortFormVideos"][0]
    feed = {key: feed[key] for key in ("providerName", "lastUpdated", "language")}
    feed["shortFormVideos"] = []
    for index, name in enumerate(thumbnails):
        copy = json.loads(json.dumps(item))
        copy["id"] = f"item-{index}"
        copy["thumbnail"] = f"{base_url}/{name}"
        copy["content"]["videos"][0]["url"] = f"{base_url}/{video}"
        feed["shortFormVideos"].append(copy)
    return json.dumps(feed).encode()


def test_assets_are_judged_and_fetched_once(asset_server: str) -> None:
    names = ["good.jpg", "small.jpg", "square.png", "page.html", "gone.jpg", "good.jpg"]
    result = validate_feed(feed_with(asset_server, names, "video.mp4"), check_assets=True)
    by_pointer: dict[str, set[str]] = {}
    for problem in result.problems:
        by_pointer.setdefault(problem.pointer, set()).add(problem.rule)
    assert "/shortFormVideos/0/thumbnail" not in by_pointer
    assert by_pointer["/shortFormVideos/1/thumbnail"] == {"thumbnail-too-small"}
    assert by_pointer["/shortFormVideos/2/thumbnail"] == {"thumbnail-aspect"}
    assert by_pointer["/shortFormVideos/3/thumbnail"] == {"thumbnail-not-image"}
    assert by_pointer["/shortFormVideos/4/thumbnail"] == {"thumbnail-unreachable"}
    assert "/shortFormVideos/5/thumbnail" not in by_pointer
    assert not result.ok  # unreachable and non-image thumbnails are errors
    assert Handler.requests["/good.jpg"] == 1  # named twice, fetched once
    assert Handler.requests["/video.mp4"] == 1


def test_video_page_instead_of_stream_is_an_error(asset_server: str) -> None:
    result = validate_feed(feed_with(asset_server, ["good.jpg"], "watch"), check_assets=True)
    rules = {(p.pointer, p.rule) for p in result.errors}
    assert rules == {("/shortFormVideos/0/content/videos/0/url", "video-not-stream")}


def test_unreachable_video_and_per_host_limit(asset_server: str) -> None:
    options = AssetOptions(timeout=2.0, per_host=1, retries=0)
    result = validate_feed(
        feed_with(asset_server, ["good.jpg"], "missing.mp4"),
        check_assets=True,
        asset_options=options,
    )
    assert {p.rule for p in result.errors} == {"video-unreachable"}
    assert "HTTP 404" in result.errors[0].message
