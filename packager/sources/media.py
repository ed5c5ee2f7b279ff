"""Pure helpers shared by the page and feed readers: video types, durations, srcsets, dates."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

# Roku Direct Publisher video types (spec: "Video object", `videoType`).
_TYPE_BY_EXTENSION = {
    ".m3u8": "HLS",
    ".mpd": "DASH",
    ".mp4": "MP4",
    ".mov": "MOV",
    ".m4v": "M4V",
    ".ism": "SMOOTH",
    ".isml": "SMOOTH",
}
_TYPE_BY_CONTENT_TYPE = {
    "application/x-mpegurl": "HLS",
    "application/vnd.apple.mpegurl": "HLS",
    "audio/mpegurl": "HLS",
    "application/dash+xml": "DASH",
    "video/mp4": "MP4",
    "video/quicktime": "MOV",
    "video/x-m4v": "M4V",
    "application/vnd.ms-sstr+xml": "SMOOTH",
}
_ISO_DURATION = re.compile(
    r"^P(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$",
    re.IGNORECASE,
)
_CLOCK_DURATION = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$")
_SRCSET_SEPARATOR = re.compile(r"[\s,]*")
_SRCSET_URL = re.compile(r"\S+")
_SRCSET_DESCRIPTORS = re.compile(r"[^,]*")
_SRCSET_SIZE = re.compile(r"(\d+(?:\.\d+)?)([wx])")


def detect_video_type(url: str, content_type: str = "") -> str:
    """HLS, DASH, SMOOTH, MP4, MOV or M4V from a content type or the URL's path; "" if unknown.

    Returns "" for players and pages (text/html, YouTube embeds): they are not playable files.
    """
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type in _TYPE_BY_CONTENT_TYPE:
        return _TYPE_BY_CONTENT_TYPE[media_type]
    path = urlsplit(url).path.lower()
    if path.endswith("/manifest") and (".ism/" in path or ".isml/" in path):
        return "SMOOTH"
    for extension, video_type in _TYPE_BY_EXTENSION.items():
        if path.endswith(extension):
            return video_type
    return ""


# The longest duration accepted: Roku's integers are 32-bit, and no news video is 68 years.
MAX_DURATION_SECONDS = 2**31 - 1


def parse_duration(text: object) -> float | None:
    """Seconds from an ISO 8601 duration (`PT1M30S`), a clock (`1:30`) or a number; else None.

    None too for values that are not a finite duration up to MAX_DURATION_SECONDS.
    """
    try:
        seconds = _duration_seconds(text)
    except OverflowError:  # an integer beyond any float
        return None
    if seconds is None or not math.isfinite(seconds) or seconds > MAX_DURATION_SECONDS:
        return None
    return seconds


def _duration_seconds(text: object) -> float | None:
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return float(text) if text > 0 else None
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        return float(value) or None
    match = _ISO_DURATION.match(value)
    if match and any(match.groupdict().values()):
        parts = {k: float(v) for k, v in match.groupdict().items() if v}
        seconds = (
            parts.get("days", 0.0) * 86400
            + parts.get("hours", 0.0) * 3600
            + parts.get("minutes", 0.0) * 60
            + parts.get("seconds", 0.0)
        )
        return seconds or None
    clock = _CLOCK_DURATION.match(value)
    if clock:
        hours = float(clock.group(1) or 0)
        return hours * 3600 + float(clock.group(2)) * 60 + float(clock.group(3)) or None
    return None


def largest_srcset(srcset: str, base_url: str = "") -> str:
    """The URL of the widest candidate in a `srcset` (by `w`, then `x` descriptor), resolved."""
    best_url, best_size = "", -1.0
    for url, descriptors in srcset_candidates(srcset or ""):
        size = _SRCSET_SIZE.search(descriptors)
        # Width descriptors beat density ones; a bare URL counts as 1x.
        weight = float(size.group(1)) * (1.0 if size.group(2) == "w" else 1e-6) if size else 1e-6
        if weight > best_size:
            best_url, best_size = url, weight
    return resolve_url(best_url, base_url) if best_url else ""


def srcset_candidates(srcset: str) -> Iterator[tuple[str, str]]:
    """(URL, descriptors) of each `srcset` candidate, split as the HTML standard says
    (§4.8.4.3.10): a URL runs to the next whitespace, so it may hold commas
    (`?crop=6604,4403`); descriptors run to the next comma."""
    position = 0
    while position < len(srcset):
        skipped = _SRCSET_SEPARATOR.match(srcset, position)
        position = skipped.end() if skipped is not None else position
        found = _SRCSET_URL.match(srcset, position)
        if found is None:
            return
        url, position = found.group(), found.end()
        descriptors = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            more = _SRCSET_DESCRIPTORS.match(srcset, position)
            if more is not None:
                descriptors, position = more.group(), more.end()
        if url:
            yield url, descriptors.strip()


def resolve_url(url: str, base_url: str) -> str:
    """`url` made absolute against `base_url`; protocol-relative URLs get https.

    Returns "" for data: and javascript: URLs, which are no use as a location.
    """
    url = (url or "").strip()
    if not url or url.lower().startswith(("data:", "javascript:", "about:", "blob:")):
        return ""
    if url.startswith("//"):
        scheme = urlsplit(base_url).scheme or "https"
        return f"{scheme}:{url}"
    return urljoin(base_url, url) if base_url else url


def parse_loose_date(text: object) -> datetime | None:
    """A timezone-aware datetime from a date as feeds and pages write it (ISO 8601, RFC 822,
    or text starting with YYYY-MM-DD); naive values are taken as UTC; None when unreadable.
    For dates a publisher typed into front matter or article.json, where a mistake must be
    reported rather than guessed at, see `text.parse_iso_date`."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip()
    parsed: datetime | None = None
    iso = value.replace("Z", "+00:00").replace("z", "+00:00")
    # "2024-01-02 10:00:00+0100" and "+01" offsets: make them fromisoformat-friendly.
    iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", iso)
    iso = re.sub(r"([+-]\d{2})$", r"\1:00", iso) if re.search(r"T\d", iso) else iso
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
            if not match:
                return None
            try:
                year, month, day = (int(g) for g in match.groups())
                parsed = datetime(year, month, day)
            except ValueError:
                return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed if representable(parsed) else None


def representable(moment: datetime) -> bool:
    """True when `moment` can be written in UTC (year 1 to 9999 there): 9999-12-31T23:59:59-05:00
    and 0001-01-01T00:30:00+05:00 cannot, and would fail wherever they are converted."""
    try:
        moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return False
    return True
