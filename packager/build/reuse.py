"""Reusing what a host already holds: each article's content key (a digest of everything its
thumbnail, video and captions are made from) and the prepared result a host's build cache
keeps under that key, so a build on an empty machine renders nothing it rendered before.

The key holds exactly what changes the outputs: the article as read (paths made relative to
its bundle), the bytes of every local file it uses, the settings that shape thumbnails,
renders and copies, and the engine facts of the renderer (its version, options, the speech
engine and voice, the fonts that draw the article's texts). Settings that only change the
feed around the item (max_items, rows, genres, formats, base_url, ...) are not in it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from packager.config import ChannelConfig
from packager.feed.items import CaptionTrack, PlayableVideo, PreparedArticle
from packager.images import ALGORITHM_VERSION as THUMBNAIL_VERSION
from packager.model import Article
from packager.outputs import BuildCache, CachedArticle
from packager.video import fonts, narration
from packager.video.render import RENDERER_VERSION, RenderOptions

# Bump when the build changes what it makes of an article (its notes, its numbers, its file
# names), so entries written by an earlier version are made again.
PREPARE_VERSION = "1"
# The channel settings that change an article's files or what the feed says of them.
PREPARATION_SETTINGS = (
    "provider_name",  # drawn on the rendered title card
    "language",  # the default narration language and caption language
    "thumbnail_width",
    "thumbnail_height",
    "default_video_quality",  # remote videos' quality
    "render_video",  # which articles are rendered
    "video_hls",
    "video_width",
    "video_height",
)


@dataclass(frozen=True)
class HostReuse:
    """What a host holds that a build may reuse: its build cache, and the names of the files
    it holds (its manifest's, checked on the host itself when the build verifies)."""

    cache: BuildCache
    on_host: frozenset[str]
    target: str = ""

    def entry(self, key: str) -> CachedArticle | None:
        """The host's entry for `key` when every file it names is on the host."""
        found = self.cache.articles.get(key)
        if found is None or not set(found.files) <= self.on_host:
            return None
        return found


def foreign_urls(entry: CachedArticle, article: Article) -> list[str]:
    """The URLs of a cache entry that are neither its own files nor the article's own media
    (a remote video or caption used as it is): an entry edited to name another host (a
    cached `video.url` of https://evil.example/...) must not reach the feed."""
    own = set(entry.files) | _remote_locations(article)
    urls = [entry.thumbnail, entry.video.url, *(caption.url for caption in entry.captions)]
    return [url for url in urls if url not in own]


def _remote_locations(article: Article) -> set[str]:
    locations = [image.location for image in article.images]
    locations += [video.location for video in article.videos]
    locations += [caption.location for caption in article.captions]
    return {loc for loc in locations if loc.startswith(("http://", "https://"))}


def settings_key(config: ChannelConfig, render_options: RenderOptions) -> dict[str, Any]:
    """The part of every article key that comes from the settings and the program."""
    return {
        "prepare": PREPARE_VERSION,
        "settings": {name: getattr(config, name) for name in PREPARATION_SETTINGS},
        "renderer": RENDERER_VERSION,
        "render": render_options.key(),
        "thumbnails": THUMBNAIL_VERSION,
    }


def article_key(
    article: Article,
    settings: dict[str, Any],
    config: ChannelConfig,
    remote_bytes: Callable[[str], bytes],
) -> str:
    """The content key of `article`'s outputs. `remote_bytes` fetches a remote image (its
    bytes make the thumbnail); raises SourceError when it cannot be fetched (no key: the
    article is prepared as usual, which reports the problem)."""
    files: list[list[str]] = []
    for location in _local_files(article):
        files.append([_portable(location, article), _digest_or_missing(Path(location))])
    for image in article.images:
        if image.location.startswith(("http://", "https://")):
            digest = hashlib.blake2b(remote_bytes(image.location), digest_size=16).hexdigest()
            files.append([image.location, digest])
    key = {
        **settings,
        "article": _portable(json.dumps(article.as_dict(), sort_keys=True), article),
        "files": files,
        "engine": _engine_facts(article, config),
    }
    blob = json.dumps(key, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    return hashlib.blake2b(blob, digest_size=16).hexdigest()


def _local_files(article: Article) -> list[str]:
    locations = [image.location for image in article.images]
    locations += [video.location for video in article.videos]
    locations += [caption.location for caption in article.captions]
    return [loc for loc in locations if loc and not loc.startswith(("http://", "https://"))]


def _portable(text: str, article: Article) -> str:
    """`text` with the article's bundle folder written as `<bundle>`: the key of a bundle does
    not depend on where the checkout is."""
    if article.origin.startswith(("http://", "https://")) or not article.origin:
        return text
    folder = str(Path(article.origin).parent)
    escaped = json.dumps(folder, ensure_ascii=True)[1:-1]
    return text.replace(escaped, "<bundle>").replace(folder, "<bundle>")


def _digest_or_missing(path: Path) -> str:
    try:
        digest = hashlib.blake2b(digest_size=16)
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError as error:
        return f"unreadable: {error.strerror}"


def _engine_facts(article: Article, config: ChannelConfig) -> dict[str, Any] | None:
    """What a render of `article` depends on beyond its inputs: the speech engine's version
    and voice, and the fonts that draw its texts (None when nothing is rendered)."""
    if config.render_video == "off":
        return None
    engine = narration.find_tts()
    language = article.language or config.language or "en"
    voice = engine.voice_for(language) if engine is not None else None
    texts = [
        article.title,
        " › ".join(article.section_path),
        config.provider_name,
        article.summary,
        *article.body,
        *(text for image in article.images for text in (image.caption, image.credit, image.alt)),
    ]
    return {
        "tts": [engine.version, voice] if engine is not None else None,
        "fonts": fonts.fonts_for(texts),
    }


# --------------------------------------------------------------------------------------------
# Prepared articles to cache entries and back.


def relative_to_base(url: str, config: ChannelConfig) -> str:
    """A URL under the base URL as the file name it serves; any other URL as it is."""
    prefix = config.base_url.rstrip("/") + "/"
    return url[len(prefix) :] if url.startswith(prefix) else url


def absolute_url(name: str, config: ChannelConfig) -> str:
    """The inverse of `relative_to_base`."""
    return name if name.startswith(("http://", "https://")) else config.asset_url(name)


def entry_of(
    prepared: PreparedArticle,
    notes: list[str],
    files: list[str],
    meta: dict[str, dict[str, float]],
    config: ChannelConfig,
) -> CachedArticle:
    """The cache entry of an article just prepared (`notes` without the date's)."""
    video = prepared.video
    return CachedArticle(
        thumbnail=relative_to_base(prepared.thumbnail_url, config),
        video=replace(video, url=relative_to_base(video.url, config)),
        captions=tuple(
            replace(caption, url=relative_to_base(caption.url, config))
            for caption in prepared.captions
        ),
        notes=tuple(_portable(note, prepared.article) for note in notes),
        files=tuple(files),
        meta={name: meta[name] for name in files if name in meta},
    )


def notes_of(entry: CachedArticle, article: Article) -> list[str]:
    """An entry's notes, naming the files where this build reads the article from."""
    if article.origin.startswith(("http://", "https://")) or not article.origin:
        return list(entry.notes)
    folder = str(Path(article.origin).parent)
    return [note.replace("<bundle>", folder) for note in entry.notes]


def prepared_of(
    entry: CachedArticle, article: Article, date: datetime, config: ChannelConfig
) -> PreparedArticle:
    """The prepared article an entry stands for, with the URLs of this build's base URL."""
    video: PlayableVideo = replace(entry.video, url=absolute_url(entry.video.url, config))
    captions = tuple(
        CaptionTrack(absolute_url(c.url, config), c.language, c.caption_type)
        for c in entry.captions
    )
    return PreparedArticle(
        article=article,
        date=date,
        thumbnail_url=absolute_url(entry.thumbnail, config),
        video=video,
        captions=captions,
    )
