"""Plain, frozen data: articles as the readers see them, and problems found along the way. No I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

# ISO 639 alpha-2/3 language code with optional subtags: en, spa, en-US, zh-Hant-TW.
LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


class Severity(StrEnum):
    """How bad a problem is: errors fail a run, warnings only with --strict."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about a document, located by a JSON Pointer (or XPath-like path)."""

    pointer: str
    rule: str
    severity: Severity
    message: str
    hint: str = ""
    source: str = field(default="", compare=False)

    def as_dict(self) -> dict[str, str]:
        data = {
            "severity": str(self.severity),
            "rule": self.rule,
            "pointer": self.pointer,
            "message": self.message,
            "hint": self.hint,
        }
        if self.source:
            data["source"] = self.source
        return data


@dataclass(frozen=True)
class Image:
    """A picture of an article: a local file path or an http(s) URL, with what the page says of it."""

    location: str
    caption: str = ""
    credit: str = ""
    alt: str = ""


@dataclass(frozen=True)
class Video:
    """A playable video of an article: a local file or a URL (MP4, HLS, DASH, ...)."""

    location: str
    video_type: str = ""  # HLS, DASH, SMOOTH, MP4, MOV, M4V; "" = detect from location
    duration_seconds: float | None = None
    width: int | None = None
    height: int | None = None
    bitrate_kbps: int | None = None
    thumbnail: str = ""


@dataclass(frozen=True)
class CaptionFile:
    """A sidecar caption file (WebVTT, SRT, ...) for an article's video."""

    location: str
    language: str = ""
    caption_type: str = "SUBTITLE"  # or CLOSED_CAPTION


@dataclass(frozen=True)
class Article:
    """One news article as every reader produces it, whatever the input kind.

    `origin` is where it was read from (a file path or URL) and is used in messages;
    `url` is the canonical public page, when known.
    """

    id: str
    title: str
    origin: str
    url: str = ""
    section_path: tuple[str, ...] = ()
    summary: str = ""
    body: tuple[str, ...] = ()
    published: datetime | None = None
    modified: datetime | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    language: str = ""
    images: tuple[Image, ...] = ()
    videos: tuple[Video, ...] = ()
    captions: tuple[CaptionFile, ...] = ()
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """The article as JSON-ready data (for `packager extract` and tests)."""
        return {
            "id": self.id,
            "title": self.title,
            "origin": self.origin,
            "url": self.url,
            "section_path": list(self.section_path),
            "summary": self.summary,
            "body": list(self.body),
            "published": self.published.isoformat() if self.published else None,
            "modified": self.modified.isoformat() if self.modified else None,
            "authors": list(self.authors),
            "tags": list(self.tags),
            "language": self.language,
            "images": [vars(image) for image in self.images],
            "videos": [vars(video) for video in self.videos],
            "captions": [vars(caption) for caption in self.captions],
            "warnings": list(self.warnings),
        }


def article_from_dict(data: dict[str, Any]) -> Article:
    """The inverse of `Article.as_dict` (for caches)."""
    return Article(
        id=data["id"],
        title=data["title"],
        origin=data["origin"],
        url=data.get("url", ""),
        section_path=tuple(data.get("section_path", ())),
        summary=data.get("summary", ""),
        body=tuple(data.get("body", ())),
        published=_datetime(data.get("published")),
        modified=_datetime(data.get("modified")),
        authors=tuple(data.get("authors", ())),
        tags=tuple(data.get("tags", ())),
        language=data.get("language", ""),
        images=tuple(Image(**image) for image in data.get("images", ())),
        videos=tuple(Video(**video) for video in data.get("videos", ())),
        captions=tuple(CaptionFile(**caption) for caption in data.get("captions", ())),
        warnings=tuple(data.get("warnings", ())),
    )


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
