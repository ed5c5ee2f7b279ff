"""Media RSS (`feed.xml`) made from the built Roku feed: Roku's MRSS variant, which Amazon's
Fire App Builder and other Media RSS readers also read (spec §6).

Sources: Roku's MRSS spec (rokudev/feed-specifications mrss-feed-specification.md @ 8172d32),
Media RSS 1.5.1 and RSS 2.0. Dates: `pubDate` is RSS 2.0's RFC 822 form, which every RSS and
Media RSS reader parses; `lastBuildDate` and `dcterms:valid` use the ISO 8601 form Roku's MRSS
spec names for them.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from typing import Any

from lxml import etree

from packager.config import ChannelConfig
from packager.feed.derived import FeedEntry, feed_entries
from packager.feed.items import utc
from packager.layout import MRSS_NAME

MEDIA_NS = "http://search.yahoo.com/mrss/"
DCTERMS_NS = "http://purl.org/dc/terms/"
ATOM_NS = "http://www.w3.org/2005/Atom"
NSMAP = {"media": MEDIA_NS, "dcterms": DCTERMS_NS, "atom": ATOM_NS}

# Spec §3.9 videoType → the MIME type media:content@type names.
VIDEO_MIME_TYPES = {
    "MP4": "video/mp4",
    "MOV": "video/quicktime",
    "M4V": "video/x-m4v",
    "HLS": "application/x-mpegURL",
    "DASH": "application/dash+xml",
    "SMOOTH": "application/vnd.ms-sstr+xml",
}
CAPTION_MIME_TYPES = {
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".ttml": "application/ttml+xml",
    ".dfxp": "application/ttml+xml",
    ".xml": "application/ttml+xml",
}


def _media(name: str) -> str:
    return f"{{{MEDIA_NS}}}{name}"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> Any:
    element = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = text
    return element


def rfc822(text: str) -> str:
    """`2026-11-28T12:00:00+00:00` → `Sat, 28 Nov 2026 12:00:00 GMT` (RSS 2.0 dates)."""
    return format_datetime(utc(datetime.fromisoformat(text)), usegmt=True)


def mrss_bytes(feed: dict[str, Any], config: ChannelConfig) -> bytes:
    """The Media RSS document for `feed` (a built feed.json): one item per playable item."""
    rss = etree.Element("rss", nsmap=NSMAP, version="2.0")
    channel = _sub(rss, "channel")
    _sub(channel, "title", config.provider_name)
    _sub(channel, "link", config.base_url)
    _sub(channel, "description", f"Videos from {config.provider_name}")
    _sub(channel, "language", feed.get("language", config.language))
    # Roku MRSS spec: lastBuildDate in ISO 8601; it follows the content like lastUpdated.
    _sub(channel, "lastBuildDate", feed["lastUpdated"])
    _sub(
        channel,
        f"{{{ATOM_NS}}}link",
        href=config.asset_url(MRSS_NAME),
        rel="self",
        type="application/rss+xml",
    )
    entries = sorted(
        feed_entries(feed),
        key=lambda e: (e.item["content"]["dateAdded"], e.item["id"]),
        reverse=True,
    )
    for entry in entries:
        _item(channel, entry, feed.get("language", config.language))
    return etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _item(channel: etree._Element, entry: FeedEntry, feed_language: str) -> None:
    item = entry.item
    content = item["content"]
    element = _sub(channel, "item")
    _sub(element, "guid", item["id"], isPermaLink="false")
    _sub(element, "pubDate", rfc822(content["dateAdded"]))
    # Roku reads media:title / media:description, plain RSS readers title / description.
    _sub(element, "title", item["title"])
    _sub(element, _media("title"), item["title"], type="plain")
    _sub(element, "description", item["shortDescription"])
    _sub(element, _media("description"), item["shortDescription"], type="plain")
    for genre in entry.genres:
        _sub(element, _media("category"), genre)
    if entry.tags:
        _sub(element, _media("keywords"), ", ".join(entry.tags))
    _sub(element, _media("thumbnail"), url=item["thumbnail"])
    video = content["videos"][0]  # the one the channel plays (spec: videos[0])
    bitrate = video.get("bitrate")
    _sub(
        element,
        _media("content"),
        url=video["url"],
        type=VIDEO_MIME_TYPES.get(video["videoType"], ""),
        medium="video",
        duration=str(content["duration"]),
        bitrate=str(bitrate) if bitrate else "",
        lang=content.get("language", feed_language),
        isDefault="true",
    )
    for caption in content.get("captions", ()):
        suffix = "." + caption["url"].rsplit(".", 1)[-1].lower() if "." in caption["url"] else ""
        _sub(
            element,
            _media("subTitle"),
            href=caption["url"],
            lang=caption["language"],
            type=CAPTION_MIME_TYPES.get(suffix, ""),
        )
    start, end = content.get("validityPeriodStart"), content.get("validityPeriodEnd")
    if start or end:
        # Roku MRSS spec: "start=…; end=…; scheme=W3C-DTF" (DCMI Period).
        parts = [f"start={start}" if start else "", f"end={end}" if end else "", "scheme=W3C-DTF"]
        _sub(element, f"{{{DCTERMS_NS}}}valid", "; ".join(p for p in parts if p))
