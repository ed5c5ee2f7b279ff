"""--check-assets reads first bytes through the project's one HTTP stack (`Fetcher.get_prefix`):
its redirect checks, per-host limit, deadline and User-Agent hold for thumbnails and videos,
against a 127.0.0.1 server."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from packager.net.session import USER_AGENT
from packager.validate import validate_feed
from packager.validate.assets import AssetOptions
from tests.http_fixtures import LocalServer, Route

pytestmark = pytest.mark.servers

BASE = Path(__file__).parent / "base-feed.json"


def jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def feed(thumbnails: list[str], video: str) -> bytes:
    template = json.loads(BASE.read_text())
    item = template["shortFormVideos"][0]
    document = {key: template[key] for key in ("providerName", "lastUpdated", "language")}
    document["shortFormVideos"] = []
    for index, thumbnail in enumerate(thumbnails):
        copy = json.loads(json.dumps(item))
        copy["id"] = f"item-{index}"
        copy["thumbnail"] = thumbnail
        copy["content"]["videos"] = [
            {"url": video, "quality": "HD", "videoType": "MP4", "bitrate": 2000}
        ]
        document["shortFormVideos"].append(copy)
    return json.dumps(document).encode()


MP4 = (24).to_bytes(4, "big") + b"ftypisom" + b"\x00" * 12


def test_a_redirected_thumbnail_is_followed_and_judged(server: LocalServer) -> None:
    server.routes["/old.jpg"] = Route(b"", status=301, headers={"Location": "/new.jpg"}, etag=False)
    server.routes["/new.jpg"] = Route(jpeg(640, 360), content_type="image/jpeg")
    server.routes["/v.mp4"] = Route(MP4, content_type="video/mp4")
    result = validate_feed(
        feed([server.url("/old.jpg")], server.url("/v.mp4")),
        check_assets=True,
        asset_options=AssetOptions(timeout=5.0, retries=0),
    )
    assert {(p.pointer, p.rule) for p in result.problems} == {
        ("/shortFormVideos/0/thumbnail", "thumbnail-too-small")
    }
    assert set(server.user_agents) == {USER_AGENT}


def test_a_thumbnail_redirecting_to_a_private_address_is_not_fetched(server: LocalServer) -> None:
    # The redirect target is a URL found in a response: the address guard refuses it before
    # anything is sent (the first-bytes requests had no guard before they went through Fetcher).
    server.routes["/meta.jpg"] = Route(
        b"", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    server.routes["/v.mp4"] = Route(MP4, content_type="video/mp4")
    result = validate_feed(
        feed([server.url("/meta.jpg")], server.url("/v.mp4")),
        check_assets=True,
        asset_options=AssetOptions(timeout=5.0, retries=0),
    )
    [problem] = result.problems
    assert (problem.pointer, problem.rule) == (
        "/shortFormVideos/0/thumbnail",
        "thumbnail-unreachable",
    )
    assert "169.254.169.254" in problem.message


def test_first_bytes_requests_keep_to_the_per_host_limit(server: LocalServer) -> None:
    image = jpeg(1280, 720)
    for number in range(6):
        server.routes[f"/t{number}.jpg"] = Route(image, content_type="image/jpeg", delay=0.2)
    server.routes["/v.mp4"] = Route(MP4, content_type="video/mp4", delay=0.2)
    thumbnails = [server.url(f"/t{number}.jpg") for number in range(6)]
    result = validate_feed(
        feed(thumbnails, server.url("/v.mp4")),
        check_assets=True,
        asset_options=AssetOptions(timeout=5.0, retries=0, per_host=2, workers=8),
    )
    assert result.problems == ()
    assert server.max_active <= 2
    assert server.downloads() == 7  # each asset once


def test_a_trickling_video_is_given_up_at_the_deadline(server: LocalServer) -> None:
    def trickle() -> Iterator[bytes]:
        for _ in range(100):
            time.sleep(0.2)
            yield b"x"

    server.routes["/good.jpg"] = Route(jpeg(1280, 720), content_type="image/jpeg")
    server.routes["/slow.mp4"] = Route(trickle, content_type="video/mp4", etag=False)
    started = time.monotonic()
    result = validate_feed(
        feed([server.url("/good.jpg")], server.url("/slow.mp4")),
        check_assets=True,
        asset_options=AssetOptions(timeout=1.0, retries=0),
    )
    assert time.monotonic() - started < 6.0
    [problem] = result.errors
    assert problem.rule == "video-unreachable"
    assert "no complete answer within 2 s" in problem.message
