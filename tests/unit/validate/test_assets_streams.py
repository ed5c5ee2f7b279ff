"""--check-assets looks inside streams: HLS playlists (master + first variant), DASH manifests,
MP4 boxes, web pages given as video, and a thumbnail's real size - against a 127.0.0.1 server."""

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


def image(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def box(kind: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


FTYP = box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2avc1mp41")
GOOD_MP4 = FTYP + box(b"moov", b"\x00" * 400) + box(b"mdat", b"\x01" * 4000)
TRUNCATED_MP4 = GOOD_MP4[:600]  # the upload broke off inside mdat
MASTER = b"""#EXTM3U
#EXT-X-STREAM-INF:BANDWIDTH=1280000,RESOLUTION=1280x720
hd/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=640000,RESOLUTION=640x360
sd/index.m3u8
"""
MEDIA = b"""#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:6
#EXTINF:6.0,
seg0.ts
#EXTINF:6.0,
seg1.ts
#EXT-X-ENDLIST
"""
MPD = b'<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static"></MPD>'
HLS_TYPE = "application/vnd.apple.mpegurl"

ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/thumb-1280x720.jpg": (200, "image/jpeg", image(1280, 720)),
    "/thumb.jpg": (200, "image/jpeg", image(320, 180)),
    "/good/master.m3u8": (200, HLS_TYPE, MASTER),
    "/good/hd/index.m3u8": (200, HLS_TYPE, MEDIA),
    "/lost/master.m3u8": (200, HLS_TYPE, MASTER),
    "/broken.m3u8": (200, HLS_TYPE, b"<xml>an error document</xml>"),
    "/player/embed.m3u8": (200, "text/html; charset=utf-8", b"<!DOCTYPE html><html>player</html>"),
    "/watch": (200, "text/html", b"<html><body>a video page</body></html>"),
    "/good.mp4": (200, "video/mp4", GOOD_MP4),
    "/truncated.mp4": (200, "video/mp4", TRUNCATED_MP4),
    "/empty.mp4": (200, "video/mp4", b""),
    "/manifest.mpd": (200, "application/dash+xml", MPD),
    "/bad.mpd": (200, "application/dash+xml", b"not xml at all"),
}


class Handler(BaseHTTPRequestHandler):
    requests: ClassVar[Counter[str]] = Counter()

    def do_GET(self) -> None:
        Handler.requests[self.path] += 1
        status, content_type, content = ROUTES.get(self.path, (404, "text/plain", b"missing"))
        ranged = self.headers.get("Range", "")
        if status == 200 and ranged.startswith("bytes=0-") and content:
            end = min(int(ranged.split("-")[1]), len(content) - 1)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes 0-{end}/{len(content)}")
            content = content[: end + 1]
        else:
            self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def base_url() -> Iterator[str]:
    Handler.requests = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def check(base_url: str, videos: list[tuple[str, str]], thumbnail: str = "thumb-1280x720.jpg"):  # type: ignore[no-untyped-def]
    """Validate a feed of one short-form video per (path, videoType) with assets checked."""
    template = json.loads(BASE.read_text())
    item = template["shortFormVideos"][0]
    feed = {key: template[key] for key in ("providerName", "lastUpdated", "language")}
    feed["shortFormVideos"] = []
    for index, (path, video_type) in enumerate(videos):
        copy = json.loads(json.dumps(item))
        copy["id"] = f"item-{index}"
        copy["thumbnail"] = f"{base_url}/{thumbnail}"
        video = {"url": f"{base_url}{path}", "quality": "HD", "videoType": video_type}
        if video_type == "MP4":
            video["bitrate"] = 2000
        copy["content"]["videos"] = [video]
        feed["shortFormVideos"].append(copy)
    options = AssetOptions(timeout=5.0, retries=0)
    return validate_feed(json.dumps(feed).encode(), check_assets=True, asset_options=options)


def rules(result) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(p.pointer.split("/")[2], p.rule) for p in result.problems}


def test_good_hls_master_and_first_variant_pass(base_url: str) -> None:
    result = check(base_url, [("/good/master.m3u8", "HLS")])
    assert result.problems == ()
    assert Handler.requests["/good/hd/index.m3u8"] == 1  # the first variant was fetched
    assert Handler.requests["/good/sd/index.m3u8"] == 0  # and only the first


def test_master_whose_first_variant_is_missing_is_an_error(base_url: str) -> None:
    result = check(base_url, [("/lost/master.m3u8", "HLS")])
    (problem,) = result.problems
    assert problem.rule == "hls-variant-unreachable" and "hd/index.m3u8" in problem.message
    assert problem.pointer == "/shortFormVideos/0/content/videos/0/url"


def test_hls_that_is_not_a_playlist_is_an_error(base_url: str) -> None:
    assert rules(check(base_url, [("/broken.m3u8", "HLS")])) == {("0", "hls-not-playlist")}


def test_html_page_as_video_is_a_web_page_not_a_stream(base_url: str) -> None:
    result = check(base_url, [("/player/embed.m3u8", "HLS"), ("/watch", "MP4")])
    assert rules(result) == {("0", "video-not-stream"), ("1", "video-not-stream")}
    assert all("a web page" in p.message for p in result.problems)


def test_good_mp4_passes_with_one_range_request(base_url: str) -> None:
    assert check(base_url, [("/good.mp4", "MP4")]).problems == ()
    assert Handler.requests["/good.mp4"] == 1


def test_truncated_and_empty_mp4_are_errors(base_url: str) -> None:
    result = check(base_url, [("/truncated.mp4", "MP4"), ("/empty.mp4", "MP4")])
    assert rules(result) == {("0", "mp4-truncated"), ("1", "mp4-not-mp4")}
    truncated = next(p for p in result.problems if p.rule == "mp4-truncated")
    assert "'mdat'" in truncated.message and f"{len(TRUNCATED_MP4):,}" in truncated.message


def test_dash_manifest_is_parsed(base_url: str) -> None:
    result = check(base_url, [("/manifest.mpd", "DASH"), ("/bad.mpd", "DASH")])
    assert rules(result) == {("1", "dash-not-mpd")}


def test_thumbnail_real_size_is_read_from_its_first_bytes(base_url: str) -> None:
    result = check(base_url, [("/good.mp4", "MP4")], thumbnail="thumb.jpg")
    found = {(p.pointer, p.rule) for p in result.problems}
    assert found == {("/shortFormVideos/0/thumbnail", "thumbnail-too-small")}
    assert "320x180" in result.problems[0].message
