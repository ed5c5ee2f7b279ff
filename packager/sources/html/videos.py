"""Article videos: JSON-LD VideoObject, og:video and `<video>` elements."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml import html as lxml_html

from packager.model import Video
from packager.sources import xmlparse
from packager.sources.html.images import jsonld_images, media_key
from packager.sources.html.metadata import PageMetadata, ld_text, url_of
from packager.sources.media import (
    detect_video_type,
    parse_duration,
    resolve_url,
)


def page_videos(
    tree: lxml_html.HtmlElement, metadata: PageMetadata, base_url: str
) -> tuple[Video, ...]:
    videos: dict[str, Video] = {}

    def add(video: Video) -> None:
        videos.setdefault(media_key(video.location), video)

    for node in metadata.jsonld_videos:
        video = _jsonld_video(node, base_url)
        if video is not None:
            add(video)
    og_url = metadata.first_meta("og:video:secure_url", "og:video:url", "og:video")
    if og_url:
        url = resolve_url(og_url, base_url)
        video_type = detect_video_type(url, metadata.first_meta("og:video:type"))
        if url and video_type:
            add(
                Video(
                    location=url,
                    video_type=video_type,
                    width=_int(metadata.first_meta("og:video:width")),
                    height=_int(metadata.first_meta("og:video:height")),
                    thumbnail=resolve_url(metadata.first_meta("og:image"), base_url),
                )
            )
    for element in xmlparse.XP_VIDEOS(tree):
        for video in _html_videos(element, base_url):
            add(video)
    return tuple(videos.values())


def _jsonld_video(node: dict[str, Any], base_url: str) -> Video | None:
    for key in ("contentUrl", "embedUrl", "url"):
        url = resolve_url(url_of(node.get(key)), base_url)
        video_type = detect_video_type(url, ld_text(node.get("encodingFormat")))
        if url and video_type:
            break
    else:
        return None
    thumbnails = list(jsonld_images(node.get("thumbnailUrl") or node.get("thumbnail"), base_url))
    return Video(
        location=url,
        video_type=video_type,
        duration_seconds=parse_duration(node.get("duration")),
        width=_int(node.get("width")),
        height=_int(node.get("height")),
        bitrate_kbps=_int(re.sub(r"\D", "", ld_text(node.get("bitrate")))),
        thumbnail=thumbnails[0].url if thumbnails else "",
    )


def _html_videos(element: lxml_html.HtmlElement, base_url: str) -> Iterable[Video]:
    poster = resolve_url(element.get("poster", ""), base_url)
    candidates = [(element.get("src", ""), element.get("type", ""))]
    candidates += [
        (s.get("src", ""), s.get("type", "")) for s in xmlparse.XP_VIDEO_SOURCES(element)
    ]
    for src, content_type in candidates:
        url = resolve_url(src, base_url)
        video_type = detect_video_type(url, content_type)
        if url and video_type:
            yield Video(
                location=url,
                video_type=video_type,
                width=_int(element.get("width")),
                height=_int(element.get("height")),
                thumbnail=poster,
            )


def _int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip()) or None
    return None
