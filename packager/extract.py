"""`packager extract`: the article model as the readers see it, for pages, feeds and saved files."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from packager.errors import InputError, SourceError
from packager.model import Article
from packager.net.fetcher import Fetcher
from packager.sources import ReadOptions, read_articles
from packager.sources.bundle import ARTICLE_KIND_BY_NAME, read_article_file
from packager.sources.feeds import looks_like_feed
from packager.sources.html import extract_html_article
from packager.sources.jsonfeed import looks_like_json_feed, parse_json_feed
from packager.sources.remote import read_feed_document, read_remote, read_sitemap_document
from packager.sources.sitemaps import looks_like_sitemap
from packager.sources.wordpress import looks_like_wordpress_posts, parse_posts

# Article files that need not be named article.*: plain text, Markdown, CMS JSON.
LOOSE_ARTICLE_KINDS = {".txt": "txt", ".md": "md", ".markdown": "md"}


def extract(
    locations: Sequence[str],
    *,
    fetcher: Fetcher | None = None,
    cache_dir: Path | None = None,
    image_dir: Path | None = None,
    since: datetime | None = None,
) -> list[Article | SourceError]:
    """Read each location: an http(s) page, RSS/Atom feed, JSON Feed, XML sitemap or WordPress
    posts API URL, a saved copy of one of them, or an article bundle (or a folder of them),
    exactly as `packager build` reads it. `since` keeps only sitemap entries and WordPress
    posts changed after it (incremental fetches), saved sitemaps included.

    Results keep input order; a location that cannot be read is a SourceError value in
    the list, never an exception. A saved feed's entries are fetched from the web. When no
    `fetcher` is given one is made (with its cache in `cache_dir`, if given) and closed.
    """
    own_fetcher = fetcher is None
    active = fetcher if fetcher is not None else Fetcher(cache_dir)
    results: list[Article | SourceError] = []
    try:
        for location in locations:
            if location.lower().startswith(("http://", "https://")):
                results.extend(
                    read_remote([location], fetcher=active, image_dir=image_dir, since=since)
                )
            else:
                results.extend(
                    _read_file(Path(location), fetcher=active, image_dir=image_dir, since=since)
                )
    finally:
        if own_fetcher:
            active.close()
    return results


def _read_file(
    path: Path, *, fetcher: Fetcher, image_dir: Path | None, since: datetime | None
) -> list[Article | SourceError]:
    if path.is_dir() or path.name.lower() in ARTICLE_KIND_BY_NAME:
        # A bundle, a folder of bundles, or a bundle's article file: what the build reads.
        try:
            return list(read_articles([path], ReadOptions()))
        except InputError as error:
            return [SourceError(error.message, location=error.location, hint=error.hint)]
    if path.suffix.lower() in LOOSE_ARTICLE_KINDS and path.is_file():
        # A loose article file (e.g. a publisher's 000_ea0f.txt): read like a bundle's.
        try:
            return [
                read_article_file(path, LOOSE_ARTICLE_KINDS[path.suffix.lower()], ReadOptions())
            ]
        except SourceError as error:
            return [error]
    try:
        content = path.read_bytes()
    except OSError as exc:
        return [
            SourceError(
                f"cannot read {path}: {exc.strerror or exc}",
                location=str(path),
                hint="check the path and its permissions",
            )
        ]
    return _read_saved_document(
        content, str(path), fetcher=fetcher, image_dir=image_dir, since=since
    )


def _read_saved_document(
    content: bytes, origin: str, *, fetcher: Fetcher, image_dir: Path | None, since: datetime | None
) -> list[Article | SourceError]:
    """A saved JSON Feed, WordPress posts page, sitemap, RSS/Atom feed or article page."""
    try:
        if looks_like_json_feed(content):
            return parse_json_feed(content, origin=origin)
        if looks_like_wordpress_posts(content):
            return parse_posts(content, origin=origin)
    except SourceError as exc:
        return [exc]
    if looks_like_sitemap(content):
        return list(
            read_sitemap_document(
                content, origin=origin, fetcher=fetcher, image_dir=image_dir, since=since
            )
        )
    if looks_like_feed(content):
        return list(
            read_feed_document(content, origin=origin, fetcher=fetcher, image_dir=image_dir)
        )
    try:
        return [extract_html_article(content, origin=origin)]
    except SourceError as exc:
        return [exc]
