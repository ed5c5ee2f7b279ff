"""Remote sources: feed and article page URLs → `Article`s; one bad entry never stops the rest."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from packager.errors import PackagerError, SourceError
from packager.http import PAGE_MAX_BYTES, Fetched, Fetcher, redact
from packager.model import Article, Image, Video
from packager.sources.feeds import FeedEntry, looks_like_feed, parse_feed
from packager.sources.html import extract_html_article
from packager.sources.sanitize import clean_article

# Media types a page or feed may be served as; anything else (an image, a PDF) is refused.
DOCUMENT_TYPES = (
    "text/",
    "application/xhtml",
    "application/xml",
    "application/rss",
    "application/atom",
    "application/rdf",
)
IMAGE_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/avif": ".avif",
}


def read_remote(
    urls: Sequence[str],
    *,
    fetcher: Fetcher,
    image_dir: Path | None = None,
) -> Iterator[Article | SourceError]:
    """Articles from feed URLs (each entry's page is fetched) and article page URLs.

    Feed metadata fills what a page leaves out (date, section, summary, thumbnails) and adds
    the item's enclosure / media:content videos. When `image_dir` is given, every article
    image is downloaded there (through the fetcher's cache) and its location becomes the
    local file; images that fail or are refused are dropped with a warning on the article.
    Failures are yielded as SourceError values, in input order, and reading goes on.
    """
    for url in urls:
        try:
            fetched = fetcher.get(url, expect=DOCUMENT_TYPES, max_bytes=PAGE_MAX_BYTES)
        except PackagerError as exc:
            yield _as_source_error(exc, url)
            continue
        if looks_like_feed(fetched.content, fetched.media_type):
            yield from read_feed_document(
                fetched.content,
                origin=fetched.url,
                fetcher=fetcher,
                image_dir=image_dir,
                found_in=fetched.url,
            )
        else:
            yield _page_article(fetched, fetcher=fetcher, image_dir=image_dir)


def read_feed_document(
    content: bytes,
    *,
    origin: str,
    fetcher: Fetcher,
    image_dir: Path | None = None,
    found_in: str = "",
) -> Iterator[Article | SourceError]:
    """The articles of one feed document: each entry's page fetched and read, in feed order.

    `found_in` is the feed's URL when it was downloaded (entry links are then checked
    against private addresses); "" for a feed file the user gave.
    """
    try:
        feed = parse_feed(content, origin=origin, base_url=found_in)
    except SourceError as exc:
        yield exc
        return
    yield from feed.problems

    def read_entry(entry: FeedEntry) -> Article | SourceError:
        try:
            fetched = fetcher.get(
                entry.link, found_in=found_in, expect=DOCUMENT_TYPES, max_bytes=PAGE_MAX_BYTES
            )
        except PackagerError as exc:
            return _as_source_error(exc, entry.link, item=entry.title)
        article = _page_article(
            fetched, fetcher=fetcher, image_dir=None, fallback_title=entry.title
        )
        if isinstance(article, SourceError):
            return article
        article = merge_feed_entry(article, entry)
        if image_dir is not None:
            article = download_images(article, fetcher=fetcher, image_dir=image_dir)
        return article

    yield from fetcher.map(read_entry, feed.entries)


def merge_feed_entry(article: Article, entry: FeedEntry) -> Article:
    """The page's article with gaps filled from its feed entry.

    The page is trusted over the feed for what both say; the feed's videos (enclosures,
    media:content) come first since the publisher attached them to this item on purpose.
    """
    videos: dict[str, Video] = {}
    for video in (*entry.videos, *article.videos):
        videos.setdefault(video.location, video)
    images = list(article.images)
    known = {image.location for image in images}
    images += [image for image in entry.images if image.location not in known]
    merged = dataclasses.replace(
        article,
        url=article.url or entry.link,
        published=article.published or entry.published,
        section_path=article.section_path or entry.categories[:1],
        summary=article.summary or entry.summary,
        videos=tuple(videos.values()),
        images=tuple(images),
        tags=article.tags or entry.categories,
        warnings=tuple(
            w
            for w in article.warnings
            if not (entry.published and w.startswith("no publication date"))
        ),
    )
    return clean_article(merged)


def download_images(article: Article, *, fetcher: Fetcher, image_dir: Path) -> Article:
    """The article with its images downloaded into `image_dir` (content-named files).

    An image URL is checked against the page it was fetched from (`article.origin`): one
    pointing at a loopback, private or link-local address of another origin is refused.
    Failed images are dropped and named in the article's warnings.
    """
    image_dir.mkdir(parents=True, exist_ok=True)
    kept: list[Image] = []
    warnings = list(article.warnings)
    # The URL the page was fetched from, never its self-declared canonical URL: a page
    # must not be able to vouch for a private host by claiming to live there.
    page = article.origin
    for image in article.images:
        try:
            fetched = fetcher.get(image.location, found_in=page, expect=("image/",))
        except PackagerError as exc:
            warnings.append(f"skipped image {redact(image.location)}: {exc.message}")
            continue
        kept.append(dataclasses.replace(image, location=str(_store_image(fetched, image_dir))))
    videos = []
    for video in article.videos:
        if video.thumbnail.startswith(("http://", "https://")):
            try:
                fetched = fetcher.get(video.thumbnail, found_in=page, expect=("image/",))
            except PackagerError as exc:
                warnings.append(f"skipped video thumbnail {redact(video.thumbnail)}: {exc.message}")
                video = dataclasses.replace(video, thumbnail="")
            else:
                video = dataclasses.replace(video, thumbnail=str(_store_image(fetched, image_dir)))
        videos.append(video)
    return dataclasses.replace(
        article, images=tuple(kept), videos=tuple(videos), warnings=tuple(warnings)
    )


def _store_image(fetched: Fetched, image_dir: Path) -> Path:
    digest = hashlib.sha256(fetched.content).hexdigest()[:24]
    path = image_dir / f"{digest}{IMAGE_EXTENSIONS.get(fetched.media_type, '.img')}"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=image_dir, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(fetched.content)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return path


def _page_article(
    fetched: Fetched,
    *,
    fetcher: Fetcher,
    image_dir: Path | None,
    fallback_title: str = "",
) -> Article | SourceError:
    try:
        article = extract_html_article(
            fetched.content,
            origin=fetched.url,
            base_url=fetched.url,
            charset=fetched.charset,
            fallback_title=fallback_title,
        )
    except SourceError as exc:
        return exc
    if image_dir is not None:
        article = download_images(article, fetcher=fetcher, image_dir=image_dir)
    return article


def _as_source_error(exc: PackagerError, url: str, *, item: str = "") -> SourceError:
    if isinstance(exc, SourceError):
        return exc
    where = f"feed item {item!r} ({redact(url)})" if item else redact(url)
    error = SourceError(
        f"skipped {where}: {exc.message}",
        location=redact(url),
        hint=exc.hint,
    )
    error.__cause__ = exc
    return error
