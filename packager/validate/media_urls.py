"""What a media URL itself says about whether Roku can use it, without fetching it.

Real generator output passes the schema with URLs that cannot work (spec, "Verified against
Roku's own feeds"): web pages given as the video or the thumbnail (a GitHub file page, an
`/embed/` player, a YouTube or Vimeo page, a Dropbox share page), a `videoType` that
contradicts the file extension, and thumbnails whose URL states a size below 800x450 or not
16:9 (spec §3.3: "at least 800x450 ... 16:9").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from packager.model import Problem, Severity
from packager.spec import FeedNode

MIN_WIDTH, MIN_HEIGHT = 800, 450  # spec §3.3 thumbnail
ASPECT = 16 / 9
ASPECT_TOLERANCE = 0.02  # 1366x768 is 16:9 to 0.1%; 4:3 is 25% off
THUMBNAIL_KEYS = ("thumbnail", "brandedThumbnail")

# The file extension of a stream URL and the videoType values it is compatible with (§3.9).
PROGRESSIVE = frozenset({"MP4", "MOV", "M4V"})
TYPES_BY_EXTENSION = {
    ".m3u8": frozenset({"HLS"}),
    ".mpd": frozenset({"DASH"}),
    ".ism": frozenset({"SMOOTH"}),
    ".isml": frozenset({"SMOOTH"}),
    ".mp4": PROGRESSIVE,
    ".m4v": PROGRESSIVE,
    ".mov": PROGRESSIVE,
}
PREFERRED_TYPE = {".m3u8": "HLS", ".mpd": "DASH", ".ism": "SMOOTH", ".isml": "SMOOTH"}

# Cheap tests first: most URLs name none of these, and need no parsing at all.
# Cheap test first: most URLs are on none of these hosts and have no /embed/ in them.
_PAGE_HOST = re.compile(
    r"https?://(?:[^/@]*@)?(?:www\.|m\.)?"
    r"(?:github\.com|youtube\.com|youtu\.be|youtube-nocookie\.com|(?:player\.)?vimeo\.com|dropbox\.com)"
    r"(?:[:/?#]|$)",
    re.IGNORECASE,
)
# Where a URL states a size: `320x180` anywhere, or a w/h/width/height query parameter. Two
# patterns, the second tried only when the URL has a query at all (one alternation costs more).
_SIZE_MARKER = re.compile(r"[0-9][xX][0-9]")
_SIZE_PARAMETER = re.compile(r"[?&](?:[wWhH]|width|height)=")
_SIZE_IN_PATH = re.compile(r"(?<![0-9])([0-9]{2,5})[xX]([0-9]{2,5})(?![0-9])")
_WIDTH_KEYS = ("w", "width")
_HEIGHT_KEYS = ("h", "height")


@dataclass(frozen=True)
class WebPage:
    """A URL that is a page for people, not a media file: what it is and the real fix."""

    what: str
    fix: str


def web_page(url: str) -> WebPage | None:
    """What kind of web page `url` is, or None when it may well be a media file."""
    if not _may_be_page(url):
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = parts.path
    segments = [s for s in path.split("/") if s]
    if host == "github.com" and len(segments) >= 4 and segments[2] == "blob":
        owner, repo, _, ref, *rest = segments
        raw = f"https://raw.githubusercontent.com/{owner}/{repo}/{ref}/{'/'.join(rest)}"
        return WebPage("a GitHub file page (HTML)", f"use the raw file URL: {raw}")
    if host in ("youtube.com", "youtu.be", "youtube-nocookie.com"):
        return WebPage(
            "a YouTube page",
            "Roku cannot play YouTube pages; host the video file or an HLS stream yourself",
        )
    if host == "vimeo.com" and segments and segments[0].isdigit():
        return WebPage(
            "a Vimeo video page",
            "use a direct file or HLS link from Vimeo's video file links "
            "(player.vimeo.com/external/... .mp4 or .m3u8), not the page",
        )
    if host == "player.vimeo.com" and segments[:1] == ["video"]:
        return WebPage(
            "a Vimeo player page",
            "use a direct file or HLS link from Vimeo's video file links, not the player",
        )
    if host in ("dropbox.com",) and segments[:1] in (["s"], ["scl"]):
        query = parse_qs(parts.query)
        if query.get("raw") != ["1"] and query.get("dl") != ["1"]:
            return WebPage(
                "a Dropbox share page",
                "end the share link with ?raw=1 (or dl=1) so it serves the file itself",
            )
    if "embed" in (s.lower() for s in segments):
        return WebPage(
            "an embedded player page (/embed/)",
            "use the stream the player loads (.m3u8, .mpd or .mp4), not the player page",
        )
    return None


def extension(url: str) -> str:
    """The lower-case extension of the URL's last path segment (`.m3u8`), or ""."""
    path = url
    for mark in "?#":
        end = path.find(mark)
        if end >= 0:
            path = path[:end]
    start = path.find("//")
    if start < 0:
        return ""  # no host (a relative URL, or "//" only in its query)
    slash = path.rfind("/", start + 2)
    dot = path.rfind(".", slash + 1) if slash >= 0 else -1
    return path[dot:].lower() if dot >= 0 else ""


def stated_size(url: str) -> tuple[int | None, int | None]:
    """The width and height a URL states for its image (`/160x90/`, `-320x180.jpg`, `w=200`)."""
    if not _states_size(url):
        return None, None
    parts = urlsplit(url)
    width = height = None
    matches = _SIZE_IN_PATH.findall(unquote(parts.path))
    if matches:
        width, height = (int(n) for n in matches[-1])
    query = {key.lower(): values for key, values in parse_qs(parts.query).items()}
    for key in _WIDTH_KEYS:
        if query.get(key, [""])[0].isdigit():
            width = int(query[key][0])
    for key in _HEIGHT_KEYS:
        if query.get(key, [""])[0].isdigit():
            height = int(query[key][0])
    return width, height


def check_media_urls(items: Iterable[FeedNode]) -> Iterator[Problem]:
    """Problems with the thumbnails and videos of every item, judged from their URLs."""
    for node in items:
        item = node.item
        for key in THUMBNAIL_KEYS:
            url = item.get(key)
            if isinstance(url, str) and _may_be_bad_thumbnail(url):
                problem = _thumbnail(node.pointer, key, url)
                if problem is not None:
                    yield problem
        content = item.get("content")
        videos = content.get("videos") if isinstance(content, dict) else None
        if not isinstance(videos, list):
            continue
        for index, video in enumerate(videos):
            if not isinstance(video, dict):
                continue
            url = video.get("url")
            if isinstance(url, str) and _may_be_bad_video(url, video.get("videoType")):
                problem = _video(node.pointer, index, video)
                if problem is not None:
                    yield problem


# A feed holds tens of thousands of URLs and nearly all are fine: these tests (the first steps
# of web_page, stated_size and _video) pass over a good URL without building anything.
def _may_be_page(url: str) -> bool:
    return bool(_PAGE_HOST.match(url)) or "mbed" in url or "MBED" in url


def _states_size(url: str) -> bool:
    return bool(_SIZE_MARKER.search(url)) or ("=" in url and bool(_SIZE_PARAMETER.search(url)))


def _may_be_bad_thumbnail(url: str) -> bool:
    return _may_be_page(url) or _states_size(url)


def _may_be_bad_video(url: str, declared: Any) -> bool:
    if _may_be_page(url):
        return True
    expected = TYPES_BY_EXTENSION.get(extension(url))
    return expected is not None and isinstance(declared, str) and declared not in expected


def _thumbnail(item_pointer: str, key: str, url: str) -> Problem | None:
    page = web_page(url)
    if page is not None:
        return Problem(
            f"{item_pointer}/{key}",
            "thumbnail-web-page",
            Severity.WARNING,
            f"{key} {url} is {page.what}, not an image; the tile shows no picture",
            page.fix,
        )
    width, height = stated_size(url)
    if width is None and height is None:
        return None
    too_small = (width is not None and width < MIN_WIDTH) or (
        height is not None and height < MIN_HEIGHT
    )
    off_ratio = bool(
        width is not None and height and abs(width / height - ASPECT) / ASPECT > ASPECT_TOLERANCE
    )
    if not (too_small or off_ratio):
        return None
    why = [f"below Roku's minimum {MIN_WIDTH}x{MIN_HEIGHT}"] if too_small else []
    why += ["not 16:9"] if off_ratio else []
    return Problem(
        f"{item_pointer}/{key}",
        "thumbnail-url-size",
        Severity.WARNING,
        f"{key} URL states its size as {width or '?'}x{height or '?'}, {' and '.join(why)}",
        "point it at a 16:9 image of at least 800x450 (1280x720 or 1920x1080 are typical); "
        "many image services take the size from the URL",
    )


def _video(item_pointer: str, index: int, video: dict[str, Any]) -> Problem | None:
    url: str = video["url"]
    pointer = f"{item_pointer}/content/videos/{index}"
    page = web_page(url)
    if page is not None:
        return Problem(
            f"{pointer}/url",
            "video-web-page",
            Severity.ERROR,
            f"video {url} is {page.what}, not a stream Roku can play",
            page.fix,
        )
    declared = video.get("videoType")
    ext = extension(url)
    expected = TYPES_BY_EXTENSION.get(ext)
    if expected is None or not isinstance(declared, str) or declared in expected:
        return None
    if declared not in PROGRESSIVE | {"HLS", "DASH", "SMOOTH"}:
        return None  # not a videoType at all: the schema reports it
    right = PREFERRED_TYPE.get(ext, ext[1:].upper())
    return Problem(
        f"{pointer}/videoType",
        "video-type-mismatch",
        Severity.ERROR,
        f"videoType is {declared!r} but the URL is a {ext} file; Roku plays it with the "
        f"{declared} player, which cannot read it",
        f'declare "videoType": "{right}" for a {ext} URL, or fix the URL',
    )
