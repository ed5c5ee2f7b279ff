"""What a preview is made from: a build output folder, a feed file or a feed URL, read into the
feed and a way to turn the feed's URLs into the local files they will name once published."""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from packager.config import CONFIG_NAME
from packager.errors import FeedInvalidError, InputError
from packager.layout import FEED_NAME
from packager.outputs import derive_public_url, feed_urls, playlist_members, walk_output
from packager.secrets import redact_url
from packager.spec import CONTENT_ARRAYS
from packager.validate.loading import (
    DEFAULT_TIMEOUT,
    FeedDocument,
    decode_feed,
    parse_feed_text,
    read_feed_bytes,
)
from packager.validate.search_check import is_search_feed

MAX_FEED_BYTES = 20 * 1024 * 1024  # far above any feed Roku's template accepts (500 KB)
MAX_INLINE_BYTES = 512 * 1024  # a caption file larger than this stays a link


@dataclass(frozen=True)
class PreviewSource:
    """A feed to preview: the parsed document, and for a local feed the folder its files are in
    (`local_root`) with the public base URL they will be served under (`base_url`)."""

    document: FeedDocument
    local_root: Path | None = None
    base_url: str = ""
    local_names: frozenset[str] = field(default=frozenset(), repr=False)

    @property
    def feed(self) -> Any:
        return self.document.data

    def local_file(self, url: str) -> str | None:
        """The file of `local_root` (a relative POSIX name) that `url` will name once published,
        or None when it names none."""
        if not self.base_url or not url.startswith(self.base_url):
            return None
        name = unquote(urlsplit(url[len(self.base_url) :]).path)
        return name if name in self.local_names else None

    def served_names(self) -> frozenset[str]:
        """The files of `local_root` the page may load: those the feed names, and the segments
        of the HLS playlists among them (what `preview --serve` serves, nothing else)."""
        if self.local_root is None:
            return frozenset()
        named = {name for _, url in feed_urls(self.feed) if (name := self.local_file(url))}
        return frozenset(named | playlist_members(self.local_root, named))

    def url_for_page(self, url: str, page_dir: Path) -> str:
        """The URL the preview page in `page_dir` uses for `url`: a path relative to the page
        for a file the output folder holds (the preview works before publishing), else `url`."""
        name = self.local_file(url)
        if name is None or self.local_root is None:
            return url
        relative = os.path.relpath(self.local_root / name, page_dir)
        return quote(Path(relative).as_posix())

    def data_url(self, url: str, media_type: str) -> str | None:
        """`url`'s file of the output folder as a data: URL, or None when it names none (or a
        large one). Captions go in the page this way: a file:// page may not load a <track>
        from another file (browsers treat every file: URL as its own origin)."""
        name = self.local_file(url)
        if name is None or self.local_root is None:
            return None
        path = self.local_root / name
        try:
            if path.stat().st_size > MAX_INLINE_BYTES:
                return None
            body = path.read_bytes()
        except OSError:
            return None
        return f"data:{media_type};base64,{base64.b64encode(body).decode('ascii')}"


def load_source(
    source: str, *, timeout: float = DEFAULT_TIMEOUT, allow_hosts: Sequence[str] = ()
) -> PreviewSource:
    """Read SOURCE: a build output folder (its feed.json), a feed file, or an http(s) feed URL
    (fetched with the guarded client: `timeout` seconds to answer, twice that in all; a
    redirect to a private host only when `allow_hosts` names it).

    Raises InputError (SourceUnreachableError for a URL that cannot be fetched) when there is
    no feed to preview: unreadable, not JSON, not a Roku Direct Publisher feed.
    """
    is_url = source.startswith(("http://", "https://"))
    path = Path(source)
    if not is_url:
        require_source(source)
    if not is_url and path.is_dir():
        if not (path / FEED_NAME).is_file():
            raise InputError(
                f"cannot preview {source}: the folder has no {FEED_NAME}",
                location=source,
                hint=_no_feed_hint(path),
            )
        path = path / FEED_NAME
    if is_url:
        # The page and every message show the URL without its user name and password.
        origin, raw = redact_url(source), _fetch_feed(source, timeout, allow_hosts)
    else:
        origin, raw = read_feed_bytes(path, max_bytes=MAX_FEED_BYTES, timeout=timeout)
    text = decode_feed(origin, raw)
    _refuse_markup(origin, text)
    document = parse_feed_text(origin, text, len(raw))
    check_is_feed(document)
    if is_url:
        return PreviewSource(document)
    return _with_local_files(document, path.parent)


def require_source(source: str) -> None:
    """Refuse a local SOURCE that does not exist (checked before the config is read, so the
    first thing said is the missing SOURCE)."""
    if source.startswith(("http://", "https://")) or source == "-" or Path(source).exists():
        return
    raise InputError(
        f"cannot preview {source}: no such file or folder",
        location=source,
        hint="give a build output folder (packager build writes ./output), a feed.json, or "
        "a feed URL",
    )


def _refuse_markup(origin: str, text: str) -> None:
    """An XML or HTML document (feed.xml, an RSS feed, a web page) is not what preview shows."""
    if text.lstrip()[:1] != "<":
        return
    raise InputError(
        f"cannot preview {origin}: it is XML or HTML, not a JSON feed",
        location=origin,
        hint="packager preview shows a Roku Direct Publisher JSON feed: give the feed.json "
        "(packager build writes it beside feed.xml), or the build output folder",
    )


def _no_feed_hint(folder: Path) -> str:
    """The fix for a folder without feed.json: build into it first (a channel folder is built
    into its output folder), or name a feed file or URL."""
    if (folder / CONFIG_NAME).is_file():
        out = folder / "output"
        return (
            f"{folder} is a channel folder: build it first (packager build {folder} --out {out}), "
            f"then preview the output: packager preview {out}"
        )
    return (
        f"build into it first (packager build --out {folder}), or give a build output "
        "folder, a feed file or a feed URL"
    )


def _fetch_feed(url: str, timeout: float, allow_hosts: Sequence[str]) -> bytes:
    from packager.net.fetcher import Fetcher

    with Fetcher(
        timeout=(min(5.0, timeout), timeout), max_bytes=MAX_FEED_BYTES, allow_hosts=allow_hosts
    ) as fetcher:
        return fetcher.get(url).content


def check_is_feed(document: FeedDocument) -> None:
    """Refuse JSON that is not a Roku Direct Publisher feed, naming what it is instead."""
    data = document.data
    origin = document.origin
    hint = "give a Roku Direct Publisher JSON feed (providerName, lastUpdated, movies/series/...)"
    if not isinstance(data, dict):
        kind = type(data).__name__.replace("dict", "object").replace("list", "array")
        raise InputError(
            f"cannot preview {origin}: it is JSON but not a feed (its top level is a {kind})",
            location=origin,
            hint=hint,
        )
    if is_search_feed(data):
        raise InputError(
            f"cannot preview {origin}: it is a Roku Search Feed, which has no rows to show",
            location=origin,
            hint="preview the channel feed (feed.json) instead",
        )
    if not any(key in data for key in (*CONTENT_ARRAYS, "categories", "providerName")):
        keys = ", ".join(sorted(map(str, data))[:8]) or "none"
        raise InputError(
            f"cannot preview {origin}: it is JSON but not a Roku feed (no movies, series, "
            f"shortFormVideos, tvSpecials or liveFeeds; its keys: {keys})",
            location=origin,
            hint=hint,
        )


def _with_local_files(document: FeedDocument, folder: Path) -> PreviewSource:
    """Map the feed's URLs under its base URL to the files of `folder` (the way publish tells
    which files the feed names, packager.outputs)."""
    names = frozenset(path.relative_to(folder).as_posix() for path in walk_output(folder))
    urls = list(feed_urls(document.data))
    try:
        base = derive_public_url(urls, set(names))
    except FeedInvalidError:
        base = ""  # assets under several bases: show the feed's own URLs
    return PreviewSource(document, folder.resolve(), base, names)
