"""--check-assets: fetch every thumbnail and video a feed names, once, and judge what comes back.

Thumbnails must be reachable JPEG/PNG images of at least 800x450 in 16:9 (spec §3, rule 20);
videos must be reachable with a plausible content type. Only the image header is downloaded.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from PIL import ImageFile

from packager.model import Problem, Severity
from packager.net.session import describe_failure, make_session
from packager.spec import CONTENT_ARRAYS

MIN_WIDTH, MIN_HEIGHT = 800, 450
ASPECT = 16 / 9
ROKU_IMAGE_FORMATS = {"JPEG", "PNG"}  # MRSS spec: "Supported formats are JPG or PNG"
VIDEO_CONTENT_TYPES = (
    "video/",
    "application/vnd.apple.mpegurl",
    "application/x-mpegurl",
    "audio/mpegurl",
    "audio/x-mpegurl",
    "application/dash+xml",
    "application/vnd.ms-sstr+xml",
    "application/octet-stream",
    "binary/octet-stream",
)
HEADER_LIMIT = 4 * 1024 * 1024  # bytes read at most to learn an image's format and size


@dataclass(frozen=True)
class AssetOptions:
    """How politely and how patiently assets are fetched."""

    timeout: float = 10.0
    per_host: int = 4
    workers: int = 16
    retries: int = 2
    aspect_tolerance: float = 0.01


@dataclass(frozen=True)
class _Asset:
    url: str
    kind: str  # "image" or "video"


def collect_assets(feed: dict[str, Any]) -> dict[_Asset, list[str]]:
    """Every asset URL in the feed with the pointers that name it."""
    found: dict[_Asset, list[str]] = defaultdict(list)
    for kind in CONTENT_ARRAYS:
        for pointer, item in _walk_items(feed.get(kind), f"/{kind}"):
            for key in ("thumbnail", "brandedThumbnail"):
                if isinstance(item.get(key), str):
                    found[_Asset(item[key], "image")].append(f"{pointer}/{key}")
            content = item.get("content")
            if isinstance(content, dict) and isinstance(content.get("videos"), list):
                for index, video in enumerate(content["videos"]):
                    if isinstance(video, dict) and isinstance(video.get("url"), str):
                        found[_Asset(video["url"], "video")].append(
                            f"{pointer}/content/videos/{index}/url"
                        )
    return found


def _walk_items(items: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(items, list):
        return
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        here = f"{pointer}/{index}"
        yield here, item
        yield from _walk_items(item.get("episodes"), f"{here}/episodes")
        seasons = item.get("seasons")
        if isinstance(seasons, list):
            for season_index, season in enumerate(seasons):
                if not isinstance(season, dict):
                    continue
                season_pointer = f"{here}/seasons/{season_index}"
                yield season_pointer, season
                yield from _walk_items(season.get("episodes"), f"{season_pointer}/episodes")


class _HostLimiter:
    """At most `per_host` requests at once to any one host."""

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}

    def slot(self, url: str) -> threading.Semaphore:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            if host not in self._slots:
                self._slots[host] = threading.Semaphore(self._per_host)
            return self._slots[host]


def check_feed_assets(feed: dict[str, Any], options: AssetOptions | None = None) -> list[Problem]:
    """Fetch each distinct asset once (concurrently, per-host limited) and report problems."""
    options = options or AssetOptions()
    assets = collect_assets(feed)
    limiter = _HostLimiter(options.per_host)
    local = threading.local()

    def session() -> requests.Session:
        if not hasattr(local, "session"):
            local.session = make_session(retries=options.retries)
        current: requests.Session = local.session
        return current

    def check(asset: _Asset) -> list[tuple[str, Severity, str, str]]:
        with limiter.slot(asset.url):
            if asset.kind == "image":
                return _check_image(session(), asset.url, options)
            return _check_video(session(), asset.url, options)

    problems: list[Problem] = []
    with ThreadPoolExecutor(max_workers=options.workers) as pool:
        for asset, findings in zip(assets, pool.map(check, assets), strict=True):
            for pointer in assets[asset]:
                for rule, severity, message, hint in findings:
                    problems.append(Problem(pointer, rule, severity, message, hint))
    return problems


def _check_image(
    session: requests.Session, url: str, options: AssetOptions
) -> list[tuple[str, Severity, str, str]]:
    if urlsplit(url).scheme not in ("http", "https"):
        return []  # the schema already reports URLs that are not http(s)
    try:
        with session.get(url, timeout=options.timeout, stream=True) as response:
            if response.status_code >= 400:
                return [_unreachable(url, f"HTTP {response.status_code}")]
            parser = ImageFile.Parser()
            read = 0
            for chunk in response.iter_content(64 * 1024):
                parser.feed(chunk)
                read += len(chunk)
                if parser.image is not None or read >= HEADER_LIMIT:
                    break
            image = parser.image
    except requests.RequestException as exc:
        return [_unreachable(url, describe_failure(exc))]
    except (OSError, SyntaxError, ValueError):
        image = None
    if image is None:
        return [
            (
                "thumbnail-not-image",
                Severity.ERROR,
                f"thumbnail {url} is not an image Pillow can read",
                "point thumbnail at a JPEG or PNG file",
            )
        ]
    findings: list[tuple[str, Severity, str, str]] = []
    width, height = image.size
    if image.format not in ROKU_IMAGE_FORMATS:
        findings.append(
            (
                "thumbnail-format",
                Severity.WARNING,
                f"thumbnail is {image.format}; Roku documents JPEG and PNG only",
                "convert it to JPEG",
            )
        )
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        findings.append(
            (
                "thumbnail-too-small",
                Severity.WARNING,
                f"thumbnail is {width}x{height}, smaller than Roku's minimum {MIN_WIDTH}x{MIN_HEIGHT}",
                "use an image of at least 800x450 (1280x720 or 1920x1080 are typical)",
            )
        )
    if height and abs(width / height - ASPECT) / ASPECT > options.aspect_tolerance:
        findings.append(
            (
                "thumbnail-aspect",
                Severity.WARNING,
                f"thumbnail is {width}x{height} ({width / height:.2f}:1), not 16:9",
                "crop it to 16:9, e.g. 1280x720",
            )
        )
    return findings


def _check_video(
    session: requests.Session, url: str, options: AssetOptions
) -> list[tuple[str, Severity, str, str]]:
    if urlsplit(url).scheme not in ("http", "https"):
        return []
    try:
        response = session.head(url, timeout=options.timeout, allow_redirects=True)
        if response.status_code in (405, 501) or response.status_code == 403:
            with session.get(
                url, timeout=options.timeout, stream=True, headers={"Range": "bytes=0-1023"}
            ) as ranged:
                response = ranged
    except requests.RequestException as exc:
        return [_unreachable(url, describe_failure(exc), video=True)]
    if response.status_code >= 400:
        return [_unreachable(url, f"HTTP {response.status_code}", video=True)]
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type.startswith("text/html"):
        return [
            (
                "video-not-stream",
                Severity.ERROR,
                f"video {url} is a web page (text/html), not a playable stream",
                "use the stream's own URL (.m3u8, .mpd or .mp4), not a page that embeds it",
            )
        ]
    if content_type and not content_type.startswith(VIDEO_CONTENT_TYPES):
        return [
            (
                "video-content-type",
                Severity.WARNING,
                f"video {url} is served as {content_type!r}, not a video type",
                "serve videos as video/mp4, application/vnd.apple.mpegurl or application/dash+xml",
            )
        ]
    return []


def _unreachable(url: str, why: str, *, video: bool = False) -> tuple[str, Severity, str, str]:
    noun = "video" if video else "thumbnail"
    return (
        f"{noun}-unreachable",
        Severity.ERROR,
        f"{noun} {url} cannot be fetched: {why}",
        "upload the file, or fix the URL; devices will show a broken item",
    )
