"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) → `Article`s, straight from the feed.

A JSON Feed item carries the article itself (`content_html` or `content_text`), so no page is
fetched: title, dates, authors, tags, language, summary, lead image, pictures with captions
from the content, and video attachments. Version 1.0 feeds read the same (`author`).
"""

from __future__ import annotations

import re
from typing import Any

from packager.errors import SourceError
from packager.ids import stable_id
from packager.jsonio import load_json_document
from packager.model import Article, Image, Video
from packager.sources.html.fragment import fragment_text, read_fragment
from packager.sources.media import detect_video_type, parse_duration, parse_loose_date, resolve_url
from packager.sources.sanitize import clean_article

JSON_FEED_MEDIA_TYPE = "application/feed+json"
_VERSION = re.compile(r"^https?://jsonfeed\.org/version/1(?:\.\d+)?/?$")
_JSON_FEED_HEAD = re.compile(
    rb'^\s*\{[^{}]{0,2000}"version"\s*:\s*"https?://jsonfeed\.org/version/'
)


def looks_like_json_feed(content: bytes, media_type: str = "") -> bool:
    """Served as `application/feed+json`, or a JSON object naming a jsonfeed.org version."""
    return media_type == JSON_FEED_MEDIA_TYPE or bool(
        _JSON_FEED_HEAD.match(content[:4096].lstrip(b"\xef\xbb\xbf"))
    )


def parse_json_feed(
    content: bytes, *, origin: str, base_url: str = ""
) -> list[Article | SourceError]:
    """Every item of a JSON Feed as an Article, or a SourceError naming the item and field.

    Raises SourceError when the document is not a JSON Feed at all.
    """
    feed = _load_feed(content, origin)
    base = str(feed.get("feed_url") or base_url or feed.get("home_page_url") or "")
    defaults = {
        "language": feed.get("language") if isinstance(feed.get("language"), str) else "",
        "authors": _authors(feed),
    }
    results: list[Article | SourceError] = []
    items = feed.get("items")
    for number, item in enumerate(items if isinstance(items, list) else [], start=1):
        try:
            results.append(_article(item, number, origin, base_url or base, defaults))
        except SourceError as exc:
            results.append(exc)
    return results


def _load_feed(content: bytes, origin: str) -> dict[str, Any]:
    feed = load_json_document(
        content,
        kind="JSON Feed",
        origin=origin,
        hint="a JSON Feed is one UTF-8 JSON object (https://www.jsonfeed.org/version/1.1/)",
    )
    if not isinstance(feed, dict) or not _VERSION.match(str(feed.get("version", ""))):
        raise SourceError(
            f"cannot read JSON Feed {origin}: no jsonfeed.org `version` at the top level",
            location=origin,
            hint='a JSON Feed starts {"version": "https://jsonfeed.org/version/1.1", ...}',
        )
    if not isinstance(feed.get("items"), list):
        raise SourceError(
            f"cannot read JSON Feed {origin}: `items` is missing or not an array",
            location=origin,
            hint="list the articles under `items`",
        )
    return feed


def _article(
    item: Any, number: int, origin: str, base_url: str, defaults: dict[str, Any]
) -> Article:
    where = f"JSON Feed item {number} of {origin}"
    if not isinstance(item, dict):
        raise _item_error(where, "is not an object", "each item is a JSON object")
    url = resolve_url(_string(item, "url"), base_url)
    title = fragment_text(_string(item, "title"))
    if not title:
        raise _item_error(
            where, "has no `title`", "packager needs a headline per article; add `title`"
        )
    fragment = read_fragment(_string(item, "content_html"), origin=where, base_url=url or base_url)
    body = fragment.paragraphs or _text_paragraphs(_string(item, "content_text"))
    images = [
        Image(resolve_url(_string(item, key), base_url))
        for key in ("image", "banner_image")
        if _string(item, key)
    ]
    article = Article(
        id=stable_id(url=url, fallback=f"{origin}#{_string(item, 'id') or number}"),
        title=title,
        origin=url or where,
        url=url,
        summary=fragment_text(_string(item, "summary")) or (body[0] if body else ""),
        body=body,
        published=parse_loose_date(_string(item, "date_published")),
        modified=parse_loose_date(_string(item, "date_modified")),
        authors=_authors(item) or defaults["authors"],
        tags=tuple(t for t in item.get("tags", ()) if isinstance(t, str) and t.strip())
        if isinstance(item.get("tags"), list)
        else (),
        language=_string(item, "language") or defaults["language"],
        images=_unique_images([*images, *fragment.images]),
        videos=(*_attachments(item, base_url), *fragment.videos),
        warnings=() if _string(item, "date_published") else (f"{where}: no date_published",),
    )
    return clean_article(article)


def _attachments(item: dict[str, Any], base_url: str) -> list[Video]:
    videos = []
    attachments = item.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else []:
        if not isinstance(attachment, dict):
            continue
        url = resolve_url(_string(attachment, "url"), base_url)
        video_type = detect_video_type(url, _string(attachment, "mime_type"))
        if url and video_type:
            duration = parse_duration(attachment.get("duration_in_seconds"))
            videos.append(Video(url, video_type, duration_seconds=duration))
    return videos


def _authors(node: dict[str, Any]) -> tuple[str, ...]:
    authors = node.get("authors")
    if not isinstance(authors, list):  # JSON Feed 1.0: one `author`
        authors = [node["author"]] if isinstance(node.get("author"), dict) else []
    return tuple(
        a["name"].strip() for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str)
    )


def _unique_images(images: list[Image]) -> tuple[Image, ...]:
    by_location: dict[str, Image] = {}
    for image in images:
        kept = by_location.get(image.location)
        if kept is None or (not kept.caption and image.caption):
            by_location[image.location] = image
    return tuple(by_location.values())


def _text_paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"\n\s*\n", text) if p.strip())


def _string(node: dict[str, Any], key: str) -> str:
    value = node.get(key)
    return value if isinstance(value, str) else ""


def _item_error(where: str, why: str, hint: str) -> SourceError:
    return SourceError(f"skipped {where}: it {why}", location=where, hint=hint)
