"""RSS 2.0, RSS 1.0, Atom and Media RSS feeds → one `FeedEntry` (page URL + what the feed says)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from packager.cleantext import clean_text
from packager.errors import SourceError
from packager.model import Image, Video
from packager.sources import xmlparse
from packager.sources.media import detect_video_type, parse_duration, parse_loose_date, resolve_url

_MEDIA = xmlparse.NAMESPACES["media"]
_FEED_ROOT = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)*"
    rb"<(?:rss|feed|rdf:RDF)\b",
    re.DOTALL,
)
FEED_MEDIA_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    }
)


@dataclass(frozen=True)
class FeedEntry:
    """One feed item: the article page it links to and what the feed itself says about it."""

    link: str
    title: str = ""
    guid: str = ""
    published: datetime | None = None
    categories: tuple[str, ...] = ()
    summary: str = ""
    videos: tuple[Video, ...] = ()
    images: tuple[Image, ...] = ()
    tags: tuple[str, ...] = ()  # keywords (a news sitemap's): tags, never the section
    modified: datetime | None = None  # a sitemap's <lastmod>


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its entries, plus a problem for each item that cannot be used."""

    url: str
    title: str
    entries: tuple[FeedEntry, ...]
    problems: tuple[SourceError, ...] = ()


def looks_like_feed(content: bytes, media_type: str = "") -> bool:
    """True when the document is served as XML or starts like an RSS, RDF or Atom feed."""
    if media_type in FEED_MEDIA_TYPES:
        return True
    head = content[:65536].lstrip(b"\xef\xbb\xbf")
    return bool(_FEED_ROOT.match(head))


def parse_feed(content: bytes, *, origin: str, base_url: str = "") -> Feed:
    """Read a feed's items. `base_url` (the feed's URL) resolves relative links.

    Raises SourceError when the document is not a feed or is unsafe XML (entities, DTD).
    """
    root = xmlparse.parse_xml(content, origin=origin)
    kind = _local(root)
    read: Callable[[etree._Element, str], FeedEntry]
    if kind == "rss":
        channel = _child(root, "channel")
        items = list(_children(channel, "item")) if channel is not None else []
        title = _text(_child(channel, "title")) if channel is not None else ""
        read = _rss_entry
    elif kind == "RDF":
        items = list(_children(root, "item"))
        channel = _child(root, "channel")
        title = _text(_child(channel, "title")) if channel is not None else ""
        read = _rss_entry
    elif kind == "feed":
        items = list(_children(root, "entry"))
        title = _text(_child(root, "title"))
        read = _atom_entry
    else:
        raise SourceError(
            f"cannot read feed {origin}: the root element is <{kind}>, not <rss> or <feed>",
            location=origin,
            hint="give the URL of an RSS 2.0 or Atom feed, or of an article page",
        )
    entries: list[FeedEntry] = []
    problems: list[SourceError] = []
    for number, item in enumerate(items, start=1):
        entry = read(item, base_url)
        if entry.link.startswith(("http://", "https://")):
            entries.append(entry)
        else:
            problems.append(
                SourceError(
                    f"cannot read feed item {number} of {origin} ({entry.title or 'untitled'}): "
                    "it has no http(s) link to its article page",
                    location=origin,
                    hint='each item needs a <link> (RSS) or <link rel="alternate" href> (Atom)',
                )
            )
    return Feed(
        url=base_url or origin, title=title, entries=tuple(entries), problems=tuple(problems)
    )


# -- RSS 2.0 / RSS 1.0 -------------------------------------------------------------------------


def _rss_entry(item: etree._Element, base_url: str) -> FeedEntry:
    guid_element = _child(item, "guid")
    guid = _text(guid_element)
    link = _text(_child(item, "link"))
    # RSS 2.0: a guid is the item's URL unless isPermaLink="false".
    permalink = guid_element is not None and guid_element.get("isPermaLink", "true") != "false"
    if not link and guid and permalink:
        link = guid
    published = _text(_child(item, "pubDate")) or _text(_child(item, "date"))
    videos = list(_media_videos(item, base_url))
    images = list(_media_images(item, base_url))
    for enclosure in _children(item, "enclosure"):
        _add_enclosure(
            enclosure.get("url", ""), enclosure.get("type", ""), base_url, videos, images
        )
    return FeedEntry(
        link=resolve_url(link, base_url),
        title=_text(_child(item, "title")),
        guid=guid,
        published=parse_loose_date(published),
        categories=tuple(c for c in (_text(e) for e in _children(item, "category")) if c),
        summary=_plain(_text(_child(item, "description"))),
        videos=tuple(videos),
        images=tuple(images),
    )


# -- Atom (RFC 4287) ---------------------------------------------------------------------------


def _atom_entry(entry: etree._Element, base_url: str) -> FeedEntry:
    link = ""
    videos = list(_media_videos(entry, base_url))
    images = list(_media_images(entry, base_url))
    for element in _children(entry, "link"):
        rel = element.get("rel", "alternate")
        href = element.get("href", "")
        if rel == "alternate" and not link:
            link = href
        elif rel == "enclosure":
            _add_enclosure(href, element.get("type", ""), base_url, videos, images)
    categories = tuple(
        c
        for c in (e.get("label") or e.get("term") or "" for e in _children(entry, "category"))
        if c
    )
    return FeedEntry(
        link=resolve_url(link, base_url),
        title=_text(_child(entry, "title")),
        guid=_text(_child(entry, "id")),
        published=parse_loose_date(
            _text(_child(entry, "published")) or _text(_child(entry, "updated"))
        ),
        categories=categories,
        summary=_plain(_text(_child(entry, "summary"))),
        videos=tuple(videos),
        images=tuple(images),
    )


# -- Media RSS (https://www.rssboard.org/media-rss) --------------------------------------------


def _media_videos(item: etree._Element, base_url: str) -> Iterator[Video]:
    thumbnail = next(iter(_media_images(item, base_url)), None)
    for content in item.iter(f"{{{_MEDIA}}}content"):
        url = resolve_url(content.get("url", ""), base_url)
        video_type = detect_video_type(url, content.get("type", ""))
        if not url or not video_type or content.get("medium", "video") not in ("video", ""):
            continue
        own_thumbnail = next(iter(_media_images(content, base_url)), None) or thumbnail
        yield Video(
            location=url,
            video_type=video_type,
            duration_seconds=parse_duration(content.get("duration", "")),
            width=_int(content.get("width")),
            height=_int(content.get("height")),
            bitrate_kbps=_int(content.get("bitrate")),
            thumbnail=own_thumbnail.location if own_thumbnail else "",
        )


def _media_images(element: etree._Element, base_url: str) -> Iterator[Image]:
    for thumbnail in element.iter(f"{{{_MEDIA}}}thumbnail"):
        url = resolve_url(thumbnail.get("url", ""), base_url)
        if url:
            yield Image(location=url)
    for content in element.iter(f"{{{_MEDIA}}}content"):
        url = resolve_url(content.get("url", ""), base_url)
        if url and (
            content.get("medium") == "image" or content.get("type", "").startswith("image/")
        ):
            title = content.find(f"{{{_MEDIA}}}description")
            credit = content.find(f"{{{_MEDIA}}}credit")
            yield Image(location=url, caption=_text(title), credit=_text(credit))


def _add_enclosure(
    href: str, content_type: str, base_url: str, videos: list[Video], images: list[Image]
) -> None:
    url = resolve_url(href, base_url)
    if not url:
        return
    video_type = detect_video_type(url, content_type)
    if video_type and all(v.location != url for v in videos):
        videos.append(Video(location=url, video_type=video_type))
    elif content_type.startswith("image/") and all(i.location != url for i in images):
        images.append(Image(location=url))


# -- small helpers -----------------------------------------------------------------------------


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(parent: etree._Element | None, name: str) -> Iterator[etree._Element]:
    # Namespace-agnostic: RSS 2.0 has none, RSS 1.0 and Atom have their own.
    if parent is None:
        return
    for child in parent:
        if isinstance(child.tag, str) and _local(child) == name:
            yield child


def _child(parent: etree._Element | None, name: str) -> etree._Element | None:
    return next(_children(parent, name), None)


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return clean_text("".join(element.itertext()))


def _plain(text: str) -> str:
    # RSS descriptions are often escaped HTML; keep the words.
    if "<" not in text:
        return text
    return clean_text(re.sub(r"<[^>]*>", " ", text))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() and int(value) > 0 else None
