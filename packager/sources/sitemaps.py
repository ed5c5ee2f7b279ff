"""XML sitemaps → `FeedEntry`s: the article URLs a newsroom lists, with what the sitemap says.

Reads the sitemaps protocol (https://www.sitemaps.org/protocol.html: `<urlset>` with `<loc>`
and `<lastmod>`, `<sitemapindex>` naming other sitemaps) and its Google extensions: News
(`<news:news>`: publication date, title, keywords, language), Image (`<image:image>`: loc,
caption, title) and Video (`<video:video>`: content_loc, thumbnail_loc, duration). A news
sitemap lists a newsroom's last 48 hours of articles, so it is what a republish job watches.
"""

from __future__ import annotations

import gzip
import io
import re
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from packager.cleantext import clean_text
from packager.errors import SourceError
from packager.model import Image, Video
from packager.sources import xmlparse
from packager.sources.feeds import FeedEntry
from packager.sources.media import detect_video_type, parse_duration, parse_loose_date, resolve_url

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
VIDEO_NS = "http://www.google.com/schemas/sitemap-video/1.1"
# The protocol's own limits (sitemaps.org): 50,000 URLs and 50 MB uncompressed per file.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
_SITEMAP_ROOT = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?"
    rb"(?:<\?xml-stylesheet[^>]*>\s*|<!--.*?-->\s*|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)*"
    rb"<(?:[A-Za-z_][\w.-]*:)?(?:urlset|sitemapindex)\b",
    re.DOTALL,
)
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class SitemapLink:
    """A sitemap named by a sitemap index, with the time it last changed (if given)."""

    url: str
    modified: datetime | None = None


@dataclass(frozen=True)
class Sitemap:
    """One sitemap file: its article entries, or (an index) the sitemaps it names."""

    url: str
    entries: tuple[FeedEntry, ...] = ()
    sitemaps: tuple[SitemapLink, ...] = ()
    problems: tuple[SourceError, ...] = ()


def looks_like_sitemap(content: bytes) -> bool:
    """True for a (gzip-compressed) document whose root is `<urlset>` or `<sitemapindex>`."""
    head = content[:65536]
    if head.startswith(_GZIP_MAGIC):
        try:
            head = gzip.GzipFile(fileobj=io.BytesIO(content)).read(65536)
        except (OSError, EOFError):
            return False
    return bool(_SITEMAP_ROOT.match(head.lstrip(b"\xef\xbb\xbf")))


def parse_sitemap(content: bytes, *, origin: str, base_url: str = "") -> Sitemap:
    """Read one sitemap or sitemap index. Raises SourceError when it is neither, is broken or
    unsafe XML, or decompresses beyond the protocol's 50 MB."""
    root = xmlparse.parse_xml(_decompressed(content, origin), origin=origin)
    kind = etree.QName(root).localname
    if kind == "sitemapindex":
        links = []
        for element in _children(root, "sitemap"):
            url = resolve_url(_text(element, "loc"), base_url)
            if url.startswith(("http://", "https://")):
                links.append(SitemapLink(url, parse_loose_date(_text(element, "lastmod"))))
        return Sitemap(base_url or origin, sitemaps=tuple(links))
    if kind != "urlset":
        raise SourceError(
            f"cannot read sitemap {origin}: the root element is <{kind}>, "
            "not <urlset> or <sitemapindex>",
            location=origin,
            hint="give the URL of an XML sitemap (https://www.sitemaps.org/protocol.html)",
        )
    entries: list[FeedEntry] = []
    problems: list[SourceError] = []
    for number, element in enumerate(_children(root, "url"), start=1):
        entry = _entry(element, base_url)
        if entry.link.startswith(("http://", "https://")):
            entries.append(entry)
        else:
            problems.append(
                SourceError(
                    f"cannot read sitemap entry {number} of {origin}: <loc> "
                    f"{_text(element, 'loc')[:80]!r} is not an http(s) URL",
                    location=origin,
                    hint="each <url> needs a <loc> with the article's full URL",
                )
            )
    return Sitemap(base_url or origin, entries=tuple(entries), problems=tuple(problems))


def _entry(element: etree._Element, base_url: str) -> FeedEntry:
    news = element.find(f"{{{NEWS_NS}}}news")
    keywords = _text(news, "keywords", NEWS_NS) if news is not None else ""
    published = (
        parse_loose_date(_text(news, "publication_date", NEWS_NS)) if news is not None else None
    )
    return FeedEntry(
        link=resolve_url(_text(element, "loc"), base_url),
        title=_text(news, "title", NEWS_NS) if news is not None else "",
        published=published,
        tags=tuple(dict.fromkeys(k for k in (clean_text(k) for k in keywords.split(",")) if k)),
        images=tuple(_images(element, base_url)),
        videos=tuple(_videos(element, base_url)),
        modified=parse_loose_date(_text(element, "lastmod")),
    )


def _images(element: etree._Element, base_url: str) -> list[Image]:
    images = []
    for image in element.iterfind(f"{{{IMAGE_NS}}}image"):
        url = resolve_url(_text(image, "loc", IMAGE_NS), base_url)
        if url:
            caption = _text(image, "caption", IMAGE_NS) or _text(image, "title", IMAGE_NS)
            images.append(Image(location=url, caption=caption))
    return images


def _videos(element: etree._Element, base_url: str) -> list[Video]:
    videos = []
    for video in element.iterfind(f"{{{VIDEO_NS}}}video"):
        url = resolve_url(_text(video, "content_loc", VIDEO_NS), base_url)
        video_type = detect_video_type(url)
        if url and video_type:
            videos.append(
                Video(
                    location=url,
                    video_type=video_type,
                    duration_seconds=parse_duration(_text(video, "duration", VIDEO_NS)),
                    thumbnail=resolve_url(_text(video, "thumbnail_loc", VIDEO_NS), base_url),
                )
            )
    return videos


def _decompressed(content: bytes, origin: str) -> bytes:
    if not content.startswith(_GZIP_MAGIC):
        return content
    try:
        data = gzip.GzipFile(fileobj=io.BytesIO(content)).read(MAX_SITEMAP_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise SourceError(
            f"cannot read sitemap {origin}: broken gzip data ({exc})",
            location=origin,
            hint="check that the .xml.gz file downloads whole",
        ) from exc
    if len(data) > MAX_SITEMAP_BYTES:
        raise SourceError(
            f"cannot read sitemap {origin}: it decompresses to more than "
            f"{MAX_SITEMAP_BYTES // 2**20} MB",
            location=origin,
            hint="the sitemaps protocol allows 50 MB per file; split it with a sitemap index",
        )
    return data


def _children(parent: etree._Element, name: str) -> list[etree._Element]:
    # The sitemap namespace, or none: some generators leave it out.
    return [*parent.iterfind(f"{{{SITEMAP_NS}}}{name}"), *parent.iterfind(name)]


def _text(parent: etree._Element | None, name: str, namespace: str = SITEMAP_NS) -> str:
    if parent is None:
        return ""
    found = parent.find(f"{{{namespace}}}{name}")
    if found is None and namespace == SITEMAP_NS:
        found = parent.find(name)
    return clean_text("".join(found.itertext())) if found is not None else ""
