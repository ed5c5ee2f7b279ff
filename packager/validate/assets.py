"""--check-assets: fetch every thumbnail and video a feed names, once, and judge what comes back.

Thumbnails must be reachable JPEG/PNG images of at least 800x450 in 16:9 (spec §3.3, rule 20),
judged from their first bytes. Videos must be what their `videoType` says (spec §3.9):

- anything served as `text/html` is a web page, not a stream;
- HLS answers with a playlist (`#EXTM3U`) that the `m3u8` library parses; for a master
  playlist its first variant must be reachable and a playlist too;
- DASH answers with a parseable MPD (XML whose root is `MPD`);
- MP4 / M4V start with an `ftyp` box, and the boxes in the first bytes fit in the file
  (one Range request).

Requests go through the project's one HTTP client, a `packager.net` `Fetcher`: its timeouts,
total deadline, retries, redirect cap, per-host limit and thread pool hold for documents
(`get`) and first bytes (`get_prefix`, one Range request) alike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from packager.model import Problem, Severity
from packager.spec import walk_feed
from packager.validate.media_urls import extension

if TYPE_CHECKING:
    from packager.net.fetcher import Fetcher

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
PREFIX_BYTES = 64 * 1024  # the one Range request for a video's first bytes
PLAYLIST_MAX_BYTES = 8 * 1024 * 1024  # an HLS playlist or an MPD larger than this is not one
_HTML_STARTS = (b"<!doctype html", b"<html")

Finding = tuple[str, Severity, str, str]  # rule, severity, message, hint


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
    kind: str  # "image", or the video's stream kind: "HLS", "DASH", "MP4", "other"


@dataclass(frozen=True)
class _Prefix:
    """The start of a response: status, media type, the first bytes and the file's length."""

    status: int
    media_type: str
    body: bytes
    total: int | None


def collect_assets(feed: dict[str, Any]) -> dict[_Asset, list[str]]:
    """Every asset URL in the feed with the pointers that name it."""
    found: dict[_Asset, list[str]] = defaultdict(list)
    for node in walk_feed(feed, seasons=True):
        for key in ("thumbnail", "brandedThumbnail"):
            if isinstance(node.item.get(key), str):
                found[_Asset(node.item[key], "image")].append(f"{node.pointer}/{key}")
        content = node.item.get("content")
        videos = content.get("videos") if isinstance(content, dict) else None
        for index, video in enumerate(videos if isinstance(videos, list) else []):
            if isinstance(video, dict) and isinstance(video.get("url"), str):
                asset = _Asset(video["url"], _stream_kind(video))
                found[asset].append(f"{node.pointer}/content/videos/{index}/url")
    return found


def _stream_kind(video: dict[str, Any]) -> str:
    declared = video.get("videoType")
    if declared in ("HLS", "DASH"):
        return str(declared)
    if declared in ("MP4", "M4V"):
        return "MP4"
    return {".m3u8": "HLS", ".mpd": "DASH", ".mp4": "MP4", ".m4v": "MP4"}.get(
        extension(video["url"]), "other"
    )


class _Client:
    """The HTTP side of one asset check: one Fetcher, for whole documents and first bytes."""

    def __init__(self, options: AssetOptions) -> None:
        from packager.net.fetcher import Fetcher

        self.options = options
        self.fetcher: Fetcher = Fetcher(
            timeout=(min(5.0, options.timeout), options.timeout),
            max_bytes=PLAYLIST_MAX_BYTES,
            retries=options.retries,
            per_host=options.per_host,
            max_workers=options.workers,
        )

    def close(self) -> None:
        self.fetcher.close()

    def prefix(self, url: str, limit: int, *, ranged: bool) -> _Prefix:
        """The first `limit` bytes of `url` (asked for with a Range header when `ranged`)."""
        head = self.fetcher.get_prefix(url, limit, ranged=ranged)
        return _Prefix(head.status, head.media_type, head.content, head.total)


def check_feed_assets(feed: dict[str, Any], options: AssetOptions | None = None) -> list[Problem]:
    """Fetch each distinct asset once (concurrently, per-host limited) and report problems."""
    options = options or AssetOptions()
    assets = collect_assets(feed)
    client = _Client(options)
    try:
        findings = list(client.fetcher.map(lambda asset: _check(client, asset), list(assets)))
    finally:
        client.close()
    problems: list[Problem] = []
    for asset, found in zip(assets, findings, strict=True):
        for pointer in assets[asset]:
            problems.extend(Problem(pointer, *finding) for finding in found)
    return problems


def _check(client: _Client, asset: _Asset) -> list[Finding]:
    from packager.errors import PackagerError

    if urlsplit(asset.url).scheme not in ("http", "https"):
        return []  # the schema already reports URLs that are not http(s)
    video = asset.kind != "image"
    try:
        if not video:
            return _check_image(client, asset.url)
        return _check_video(client, asset)
    except PackagerError as exc:  # from the Fetcher: unreachable, refused, too slow or too large
        return [_unreachable(asset.url, exc.message.split(": ", 1)[-1], video=video)]


def _check_image(client: _Client, url: str) -> list[Finding]:
    # The header of a JPEG or PNG is in its first bytes; only an image with a large EXIF or
    # ICC block needs more (up to HEADER_LIMIT).
    head = client.prefix(url, PREFIX_BYTES, ranged=True)
    if head.status >= 400:
        return [_unreachable(url, f"HTTP {head.status}")]
    size = _image_size(head.body)
    if size is None and len(head.body) >= PREFIX_BYTES:
        head = client.prefix(url, HEADER_LIMIT, ranged=False)
        size = _image_size(head.body)
    if size is None:
        what = "a web page" if head.media_type == "text/html" else "not an image Pillow can read"
        return [
            (
                "thumbnail-not-image",
                Severity.ERROR,
                f"thumbnail {url} is {what}",
                "point thumbnail at a JPEG or PNG file",
            )
        ]
    return _judge_image(*size, client.options.aspect_tolerance)


def _image_size(data: bytes) -> tuple[str | None, int, int] | None:
    """The format, width and height of the image `data` starts, or None."""
    from PIL import ImageFile

    parser = ImageFile.Parser()
    try:
        for start in range(0, len(data), 16 * 1024):
            parser.feed(data[start : start + 16 * 1024])
            if parser.image is not None:
                return parser.image.format, *parser.image.size
    except (OSError, SyntaxError, ValueError):
        return None
    return None


def _judge_image(fmt: str | None, width: int, height: int, tolerance: float) -> list[Finding]:
    findings: list[Finding] = []
    if fmt not in ROKU_IMAGE_FORMATS:
        findings.append(
            (
                "thumbnail-format",
                Severity.WARNING,
                f"thumbnail is {fmt}; Roku documents JPEG and PNG only",
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
    if height and abs(width / height - ASPECT) / ASPECT > tolerance:
        findings.append(
            (
                "thumbnail-aspect",
                Severity.WARNING,
                f"thumbnail is {width}x{height} ({width / height:.2f}:1), not 16:9",
                "crop it to 16:9, e.g. 1280x720",
            )
        )
    return findings


def _check_video(client: _Client, asset: _Asset) -> list[Finding]:
    url = asset.url
    head = client.prefix(url, PREFIX_BYTES, ranged=True)
    if head.status >= 400:
        return [_unreachable(url, f"HTTP {head.status}", video=True)]
    if head.media_type == "text/html" or head.body.lstrip()[:14].lower().startswith(_HTML_STARTS):
        return [
            (
                "video-not-stream",
                Severity.ERROR,
                f"video {url} is a web page (text/html), not a stream",
                "use the stream's own URL (.m3u8, .mpd or .mp4), not a page that embeds it",
            )
        ]
    if asset.kind == "HLS":
        return _check_hls(client, url, head.body)
    if asset.kind == "DASH":
        return _check_dash(client, url)
    if asset.kind == "MP4":
        return _check_mp4(url, head)
    if head.media_type and not head.media_type.startswith(VIDEO_CONTENT_TYPES):
        return [
            (
                "video-content-type",
                Severity.WARNING,
                f"video {url} is served as {head.media_type!r}, not a video type",
                "serve videos as video/mp4, application/vnd.apple.mpegurl or application/dash+xml",
            )
        ]
    return []


def _check_hls(client: _Client, url: str, start: bytes) -> list[Finding]:
    import m3u8

    if not start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"#EXTM3U"):
        return [_not_playlist(url, "does not start with #EXTM3U")]
    text = client.fetcher.get(url).content.decode("utf-8", "replace")
    try:
        playlist = m3u8.loads(text, uri=url)
    except Exception as exc:  # m3u8 raises assorted exception types for malformed tags
        return [_not_playlist(url, f"cannot be parsed ({exc})")]
    if not playlist.is_variant:
        if not playlist.segments:
            return [_not_playlist(url, "lists no media segments and no variant streams")]
        return []
    if not playlist.playlists:
        return [_not_playlist(url, "is a master playlist without variant streams")]
    variant = urljoin(url, playlist.playlists[0].uri)
    from packager.errors import PackagerError

    try:
        body = client.fetcher.get(variant, found_in=url).content
    except PackagerError as exc:  # unreachable, refused (private address) or too large
        reason = exc.message
        return [
            (
                "hls-variant-unreachable",
                Severity.ERROR,
                f"the first variant of HLS playlist {url} ({variant}) cannot be fetched: {reason}",
                "upload the variant playlists next to the master, or fix their URIs",
            )
        ]
    if not body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"#EXTM3U"):
        return [_not_playlist(variant, "(the master's first variant) does not start with #EXTM3U")]
    return []


def _not_playlist(url: str, why: str) -> Finding:
    return (
        "hls-not-playlist",
        Severity.ERROR,
        f"HLS video {url} {why}, so it is not a playlist Roku can play",
        "point the URL at the .m3u8 playlist itself, or fix videoType if it is not HLS",
    )


def _check_dash(client: _Client, url: str) -> list[Finding]:
    from packager.errors import PackagerError
    from packager.sources.xmlparse import parse_xml

    body = client.fetcher.get(url).content
    try:
        root = parse_xml(body, origin=url)
        tag = root.tag.rsplit("}", 1)[-1] if isinstance(root.tag, str) else ""
    except PackagerError:
        tag = ""
    if tag != "MPD":
        return [
            (
                "dash-not-mpd",
                Severity.ERROR,
                f"DASH video {url} is not a parseable MPD (XML with an <MPD> root)",
                "point the URL at the .mpd manifest itself, or fix videoType if it is not DASH",
            )
        ]
    return []


def _check_mp4(url: str, head: _Prefix) -> list[Finding]:
    body = head.body
    if len(body) < 8 or body[4:8] != b"ftyp":
        return [
            (
                "mp4-not-mp4",
                Severity.ERROR,
                f"MP4 video {url} does not start with an ftyp box: it is empty, cut short or "
                "not an MP4 file",
                "upload the complete MP4 again (re-encode it if needed), or fix videoType",
            )
        ]
    total = head.total if head.total is not None else None
    offset = 0
    while offset + 8 <= len(body):
        size = int.from_bytes(body[offset : offset + 4], "big")
        if size == 1 and offset + 16 <= len(body):
            size = int.from_bytes(body[offset + 8 : offset + 16], "big")
        if size < 8:
            break  # 0 means "to the end of the file"; anything else below 8 is not a box
        if total is not None and offset + size > total:
            kind = body[offset + 4 : offset + 8].decode("latin-1")
            return [
                (
                    "mp4-truncated",
                    Severity.ERROR,
                    f"MP4 video {url} is cut short: its {kind!r} box needs {offset + size:,} "
                    f"bytes but the file has {total:,}",
                    "upload the complete file again; the upload or the encode was interrupted",
                )
            ]
        offset += size
    return []


def _unreachable(url: str, why: str, *, video: bool = False) -> Finding:
    noun = "video" if video else "thumbnail"
    return (
        f"{noun}-unreachable",
        Severity.ERROR,
        f"{noun} {url} cannot be fetched: {why}",
        "upload the file, or fix the URL; devices will show a broken item",
    )
