"""Remote sources: page, RSS/Atom, JSON Feed, sitemap and WordPress API URLs → `Article`s;
one bad entry never stops the rest."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

from packager.errors import PackagerError, SourceError
from packager.model import Article, Image, Video
from packager.net.fetcher import PAGE_MAX_BYTES, Fetched, Fetcher
from packager.net.urls import require_http_url
from packager.secrets import redact_url
from packager.sources.feeds import FeedEntry, looks_like_feed, parse_feed
from packager.sources.html import extract_html_article
from packager.sources.jsonfeed import looks_like_json_feed, parse_json_feed
from packager.sources.sanitize import clean_article
from packager.sources.sitemaps import MAX_SITEMAP_BYTES, looks_like_sitemap, parse_sitemap
from packager.sources.wordpress import is_wordpress_posts_url, parse_posts, posts_page_url

# Media types a page or feed may be served as; anything else (an image, a PDF) is refused.
DOCUMENT_TYPES = (
    "text/",
    "application/xhtml",
    "application/xml",
    "application/rss",
    "application/atom",
    "application/rdf",
)
SITEMAP_TYPES = (*DOCUMENT_TYPES, "application/gzip", "application/x-gzip")
JSON_TYPES = ("application/json", "application/feed+json", "text/")
# What a URL given to read_remote may be: a page, a feed of any kind, a sitemap.
SOURCE_TYPES = (*SITEMAP_TYPES, "application/json", "application/feed+json")
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
    since: datetime | None = None,
) -> Iterator[Article | SourceError]:
    """Articles from feed URLs (each entry's page is fetched) and article page URLs.

    Feed metadata fills what a page leaves out (date, section, summary, thumbnails) and adds
    the item's enclosure / media:content videos. When `image_dir` is given, every article
    image is downloaded there (through the fetcher's cache) and its location becomes the
    local file; images that fail or are refused are dropped with a warning on the article.
    Failures are yielded as SourceError values, in input order, and reading goes on.
    A media location that is not an http(s) URL (`file:/etc/passwd`, a bare path) is dropped
    with a warning: a remote document must not make the build read this machine's files.
    """
    for item in _read_remote(urls, fetcher=fetcher, image_dir=image_dir, since=since):
        yield _remote_media_only(item, image_dir) if isinstance(item, Article) else item


def _remote_media_only(article: Article, image_dir: Path | None) -> Article:
    """The article without media whose location is neither an http(s) URL nor an image this
    reader downloaded into `image_dir`."""

    def usable(location: str) -> bool:
        if location.startswith(("http://", "https://")):
            return True
        return image_dir is not None and Path(location).is_relative_to(image_dir)

    refused = [
        location
        for location in (
            *(image.location for image in article.images),
            *(video.location for video in article.videos),
            *(video.thumbnail for video in article.videos if video.thumbnail),
            *(caption.location for caption in article.captions),
        )
        if not usable(location)
    ]
    if not refused:
        return article
    videos = tuple(
        video
        if usable(video.thumbnail) or not video.thumbnail
        else dataclasses.replace(video, thumbnail="")
        for video in article.videos
        if usable(video.location)
    )
    found_in = redact_url(article.origin) or "the remote document"
    warnings = [
        f"refused {redact_url(location)[:200]} (found in {found_in}): a remote article's media "
        "must be http(s) URLs, never files of this machine"
        for location in refused
    ]
    return dataclasses.replace(
        article,
        images=tuple(image for image in article.images if usable(image.location)),
        videos=videos,
        captions=tuple(caption for caption in article.captions if usable(caption.location)),
        warnings=(*article.warnings, *warnings),
    )


def _read_remote(
    urls: Sequence[str],
    *,
    fetcher: Fetcher,
    image_dir: Path | None,
    since: datetime | None,
) -> Iterator[Article | SourceError]:
    for url in urls:
        try:
            require_http_url(url)  # well-formed before anything looks inside it
        except PackagerError as exc:
            yield _as_source_error(exc, url)
            continue
        if is_wordpress_posts_url(url):
            yield from read_wordpress(url, fetcher=fetcher, image_dir=image_dir, since=since)
            continue
        try:
            fetched = fetcher.get(url, expect=SOURCE_TYPES, max_bytes=PAGE_MAX_BYTES)
        except PackagerError as exc:
            yield _as_source_error(exc, url)
            continue
        yield from _read_document(fetched, fetcher=fetcher, image_dir=image_dir, since=since)


def _read_document(
    fetched: Fetched, *, fetcher: Fetcher, image_dir: Path | None, since: datetime | None
) -> Iterator[Article | SourceError]:
    """The articles of one fetched document, by what it is: JSON Feed, sitemap, RSS/Atom, page."""
    if looks_like_json_feed(fetched.content, fetched.media_type):
        try:
            found = parse_json_feed(fetched.content, origin=fetched.url, base_url=fetched.url)
        except SourceError as exc:
            found = [exc]
        yield from _with_images(found, fetcher=fetcher, image_dir=image_dir)
    elif looks_like_sitemap(fetched.content):
        yield from read_sitemap_document(
            fetched.content,
            origin=fetched.url,
            fetcher=fetcher,
            image_dir=image_dir,
            found_in=fetched.url,
            since=since,
        )
    elif looks_like_feed(fetched.content, fetched.media_type):
        yield from read_feed_document(
            fetched.content,
            origin=fetched.url,
            fetcher=fetcher,
            image_dir=image_dir,
            found_in=fetched.url,
        )
    else:
        yield _page_article(fetched, fetcher=fetcher, image_dir=image_dir)


# WordPress answers at most 100 posts a page; a newsroom's recent posts fit in a few pages.
MAX_WORDPRESS_PAGES = 10


def read_wordpress(
    url: str,
    *,
    fetcher: Fetcher,
    image_dir: Path | None = None,
    since: datetime | None = None,
) -> Iterator[Article | SourceError]:
    """The posts of a WordPress REST API posts URL, page after page (`X-WP-TotalPages`, at
    most MAX_WORDPRESS_PAGES), each page a conditional GET through the fetcher's cache.

    `since`: only posts modified after it (the API's `modified_after`).
    """
    after = since.isoformat() if since is not None else ""
    page, total = 1, 1
    while page <= min(total, MAX_WORDPRESS_PAGES):
        page_url = posts_page_url(url, page, modified_after=after)
        try:
            fetched = fetcher.get(page_url, expect=JSON_TYPES, max_bytes=PAGE_MAX_BYTES)
            found = parse_posts(fetched.content, origin=redact_url(page_url))
        except PackagerError as exc:
            yield _as_source_error(exc, page_url)
            return
        yield from _with_images(found, fetcher=fetcher, image_dir=image_dir)
        total = _int_header(fetched.headers, "X-WP-TotalPages", default=page)
        page += 1
    if total > MAX_WORDPRESS_PAGES:
        yield SourceError(
            f"read the first {MAX_WORDPRESS_PAGES} of {total} pages of posts of {redact_url(url)}",
            location=redact_url(url),
            hint="add `per_page=100` to the URL (up to 1,000 posts are then read), or read "
            "only the posts changed lately with `packager extract --since DATE`",
        )


def _with_images(
    found: Iterable[Article | SourceError], *, fetcher: Fetcher, image_dir: Path | None
) -> Iterator[Article | SourceError]:
    for item in found:
        if image_dir is not None and isinstance(item, Article):
            item = download_images(item, fetcher=fetcher, image_dir=image_dir)
        yield item


def _int_header(headers: dict[str, str], name: str, *, default: int) -> int:
    wanted = name.lower()
    value = next((v for k, v in headers.items() if k.lower() == wanted), "")
    return int(value) if value.strip().isdigit() and len(value.strip()) < 6 else default


def read_feed_document(
    content: bytes,
    *,
    origin: str,
    fetcher: Fetcher,
    image_dir: Path | None = None,
    found_in: str = "",
) -> Iterator[Article | SourceError]:
    """The articles of one feed document: each entry's page fetched and read, in feed order
    (of a feed listing more than MAX_LISTED_ARTICLES, the newest that many).

    `found_in` is the feed's URL when it was downloaded (entry links are then checked
    against private addresses); "" for a feed file the user gave.
    """
    try:
        feed = parse_feed(content, origin=origin, base_url=found_in)
    except SourceError as exc:
        yield exc
        return
    yield from feed.problems
    entries = _newest_in_order(feed.entries, MAX_LISTED_ARTICLES)
    yield from read_entries(entries, fetcher=fetcher, image_dir=image_dir, found_in=found_in)


def _newest_in_order(entries: Sequence[FeedEntry], limit: int) -> Sequence[FeedEntry]:
    """The `limit` newest of `entries` (undated ones count as oldest; of equals, the first
    listed), in their listed order."""
    if len(entries) <= limit:
        return entries
    ranked = sorted(range(len(entries)), key=lambda i: _entry_time(entries[i]), reverse=True)
    return [entries[i] for i in sorted(ranked[:limit])]


def read_entries(
    entries: Sequence[FeedEntry],
    *,
    fetcher: Fetcher,
    image_dir: Path | None = None,
    found_in: str = "",
) -> Iterator[Article | SourceError]:
    """Each entry's page fetched and read, gaps filled from the entry, in entry order."""

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

    yield from fetcher.map(read_entry, entries)


# A sitemap index is followed this far (the protocol allows no nesting; some sites nest once)
# and for this many sitemap files in all.
MAX_SITEMAP_DEPTH = 2
MAX_SITEMAP_FILES = 20
# Of the articles a sitemap or a feed lists, the newest this many are read (each is a page to
# fetch; a feed that lists its whole archive would be fetched whole on every run).
MAX_LISTED_ARTICLES = 200


def read_sitemap_document(  # noqa: PLR0913 - keyword-only reading limits and context
    content: bytes,
    *,
    origin: str,
    fetcher: Fetcher,
    image_dir: Path | None = None,
    found_in: str = "",
    since: datetime | None = None,
) -> Iterator[Article | SourceError]:
    """The articles a sitemap (or sitemap index, followed) lists, newest first.

    `since`: only entries (and indexed sitemaps) whose `<lastmod>` or news publication date
    is later, for incremental fetches; entries without either date are always read. Of what
    is left, the MAX_LISTED_ARTICLES newest are read.
    """
    entries: list[FeedEntry] = []
    problems: list[SourceError] = []
    pending = [(content, origin, found_in, 0)]
    # Sitemaps already read or queued: an index that names itself, or two that name each
    # other, is read once (a loop adds nothing), not until the file limit.
    seen = {found_in or origin}
    files = 0
    while pending:
        data, where, url, depth = pending.pop(0)
        files += 1
        try:
            sitemap = parse_sitemap(data, origin=where, base_url=url)
        except SourceError as exc:
            problems.append(exc)
            continue
        problems.extend(sitemap.problems)
        entries.extend(
            e for e in sitemap.entries if _changed_since(e.modified or e.published, since)
        )
        for link in sitemap.sitemaps:
            if link.url in seen or not _changed_since(link.modified, since):
                continue
            seen.add(link.url)
            if depth + 1 > MAX_SITEMAP_DEPTH or files + len(pending) >= MAX_SITEMAP_FILES:
                problems.append(_sitemap_limit(link.url, where))
                continue
            try:
                fetched = fetcher.get(
                    link.url, found_in=url, expect=SITEMAP_TYPES, max_bytes=MAX_SITEMAP_BYTES
                )
            except PackagerError as exc:
                problems.append(_as_source_error(exc, link.url))
                continue
            seen.add(fetched.url)
            pending.append((fetched.content, fetched.url, fetched.url, depth + 1))
    yield from problems
    newest = sorted(entries, key=_entry_time, reverse=True)[:MAX_LISTED_ARTICLES]
    yield from read_entries(newest, fetcher=fetcher, image_dir=image_dir, found_in=found_in)


def _changed_since(moment: datetime | None, since: datetime | None) -> bool:
    return since is None or moment is None or moment > since


def _entry_time(entry: FeedEntry) -> float:
    moment = entry.published or entry.modified
    return moment.timestamp() if moment is not None else float("-inf")


def _sitemap_limit(url: str, index: str) -> SourceError:
    return SourceError(
        f"skipped sitemap {redact_url(url)} named by {redact_url(index)}: more than "
        f"{MAX_SITEMAP_FILES} sitemap files or {MAX_SITEMAP_DEPTH} levels of indexes",
        location=redact_url(url),
        hint="point packager at the news sitemap itself (the one listing recent articles)",
    )


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
        tags=article.tags or entry.tags or entry.categories,
        modified=article.modified or entry.modified,
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
            warnings.append(f"skipped image {redact_url(image.location)}: {exc.message}")
            continue
        kept.append(dataclasses.replace(image, location=str(_store_image(fetched, image_dir))))
    videos = []
    for video in article.videos:
        if video.thumbnail.startswith(("http://", "https://")):
            try:
                fetched = fetcher.get(video.thumbnail, found_in=page, expect=("image/",))
            except PackagerError as exc:
                warnings.append(
                    f"skipped video thumbnail {redact_url(video.thumbnail)}: {exc.message}"
                )
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
    where = f"feed item {item!r} ({redact_url(url)})" if item else redact_url(url)
    error = SourceError(
        f"skipped {where}: {exc.message}",
        location=redact_url(url),
        hint=exc.hint,
    )
    error.__cause__ = exc
    return error
