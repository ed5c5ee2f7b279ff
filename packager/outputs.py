"""A built output folder: which of its files make up the channel, and tidying the rest.

`packager build` writes feed.json, the other formats, and content-hashed assets (images/,
videos/, captions/) into one folder; `packager publish` sends the files the feeds refer to.
Both ask this module which files those are.
"""

from __future__ import annotations

import contextlib
import html
import json
import math
import os
import re
import time
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from packager.errors import FeedInvalidError
from packager.feed.items import CaptionTrack, PlayableVideo
from packager.files import mark_used
from packager.layout import (
    ASSET_FOLDERS,
    BUILD_CACHE_NAME,
    BUILD_REPORT_NAME,
    EXCLUDED_TOP_LEVEL,
    FEED_NAME,
    SIBLING_FEED_NAMES,
)
from packager.spec import to_pointer, walk_feed
from packager.validate import validate_feed
from packager.video.hls import playlist_files

PRUNE_AFTER_SECONDS = 7 * 24 * 3600


def current_sibling_feeds(output_dir: Path) -> set[str]:
    """The other formats (feed.xml, search.json) that the last build wrote: one left over from
    an earlier build (a format since dropped, or one that failed validation) is not published."""
    present = {name for name in SIBLING_FEED_NAMES if (output_dir / name).is_file()}
    try:
        report = json.loads((output_dir / BUILD_REPORT_NAME).read_bytes())
    except (OSError, ValueError):
        return present  # not built by packager: publish what is there
    written = report.get("otherFormats") if isinstance(report, dict) else None
    if not isinstance(written, dict):
        return set()
    return {
        name
        for name in present
        if isinstance(written.get(name), dict) and written[name].get("written") is True
    }


_XML_URL = re.compile(r"""(?:url|href)\s*=\s*["'](https?://[^"']+)["']""")


def check_sibling_feed(path: Path, names: set[str], base: str) -> set[str]:
    """Validate one of the other formats and return the local files it refers to; refuse it
    when it is invalid or names a file the output folder lacks."""
    result = validate_feed(path)
    if not result.ok:
        first = result.errors[0]
        raise FeedInvalidError(
            f"refusing to publish {path}: it does not validate "
            f"({len(result.errors)} errors; first: {first.pointer} {first.message})",
            hint=f"rebuild the channel, or run `packager validate {path}`",
        )
    if not base:
        return set()
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".json":
        urls = [url for _, url in feed_urls(json.loads(raw))]
    else:
        urls = [html.unescape(url) for url in _XML_URL.findall(raw)]
    referenced = {unquote(urlsplit(url[len(base) :]).path) for url in urls if url.startswith(base)}
    missing = sorted(referenced - names)
    if missing:
        raise FeedInvalidError(
            f"refusing to publish {path}: it points at files missing from the output folder: "
            + ", ".join(missing[:10]),
            hint="rebuild the channel",
        )
    return referenced


def playlist_members(output_dir: Path, names: set[str]) -> set[str]:
    """Files that referenced HLS playlists name (segments), which the feed does not name."""
    members: set[str] = set()
    for name in names:
        playlist = output_dir / name
        if name.endswith(".m3u8") and playlist.is_file():
            members.update(
                path.relative_to(output_dir).as_posix()
                for path in playlist_files(playlist)
                if path.resolve().is_relative_to(output_dir.resolve())
            )
    return members


def walk_output(root: Path, folder: Path | None = None) -> Iterator[Path]:
    """Every file of a built output folder except build state and publish bookkeeping."""
    folder = root if folder is None else folder
    for entry in folder.iterdir():
        if folder == root and entry.name in EXCLUDED_TOP_LEVEL:
            continue
        if entry.is_dir():
            yield from walk_output(root, entry)
        elif entry.is_file():
            yield entry


def feed_urls(feed: object) -> Iterator[tuple[str, str]]:
    """(JSON Pointer, URL) for every http(s) URL string of the feed's items, seasons and
    episodes (thumbnails, videos, captions, ...), in feed order."""
    for node in walk_feed(feed, seasons=True):
        # A series' seasons and episodes, and a season's episodes, are nodes of their own.
        nested = {"seasons", "episodes"} if node.kind in ("series", "season") else set()
        for path, url in _urls_in(node.item, nested):
            yield node.pointer + to_pointer(path), url


def _urls_in(
    value: object, skip: AbstractSet[str] = frozenset()
) -> Iterator[tuple[list[str | int], str]]:
    if isinstance(value, dict):
        for key, member in value.items():
            if key not in skip:
                for path, url in _urls_in(member):
                    yield [str(key), *path], url
    elif isinstance(value, list):
        for index, member in enumerate(value):
            for path, url in _urls_in(member):
                yield [index, *path], url
    elif isinstance(value, str) and value.startswith(("http://", "https://")):
        yield [], value


def derive_public_url(urls: list[tuple[str, str]], names: set[str]) -> str:
    """The base URL the feed's assets live under, learned from the URLs that name local files.

    For each URL, the longest trailing part of its path that is a file in the output folder
    gives a candidate base (everything before that part). All candidates must agree.
    Returns "" when no URL names a local file.
    """
    bases: dict[str, str] = {}
    for pointer, url in urls:
        parts = urlsplit(url)
        segments = unquote(parts.path).split("/")
        for i in range(1, len(segments)):
            if "/".join(segments[i:]) in names:
                base = f"{parts.scheme}://{parts.netloc}{'/'.join(segments[:i])}/"
                bases.setdefault(base, pointer)
                break
    if len(bases) > 1:
        listed = ", ".join(f"{base} (from {pointer})" for base, pointer in sorted(bases.items()))
        raise FeedInvalidError(
            f"cannot tell the public URL of the published files: the feed's assets sit under "
            f"several bases: {listed}",
            hint="pass the public URL of the target explicitly (--public-url)",
        )
    return next(iter(bases), "")


def check_feed_assets(
    feed_path: Path, names: set[str], public_url: str | None
) -> tuple[str, set[str]]:
    """Refuse a feed that points under the public URL at a file the output folder lacks.

    Returns the public URL used (given, or derived from the feed) and the names of the files
    the feed refers to: only those are published (the output folder may hold older files).
    """
    feed = json.loads(feed_path.read_bytes())
    urls = list(feed_urls(feed))
    base = public_url or derive_public_url(urls, names)
    if base and not base.endswith("/"):
        base += "/"
    if public_url and urls and not any(url.startswith(base) for _, url in urls):
        raise FeedInvalidError(
            f"refusing to publish {feed_path}: no URL in the feed starts with --public-url {base}",
            hint="check the public URL (it is case sensitive), or leave --public-url out",
        )
    if not base:
        return "", set()
    missing = []
    referenced: set[str] = set()
    for pointer, url in urls:
        if url.startswith(base):
            name = unquote(urlsplit(url[len(base) :]).path)
            referenced.add(name)
            if name not in names:
                missing.append(f"{pointer} → {url}")
    if missing:
        shown = "; ".join(missing[:10]) + (
            f"; and {len(missing) - 10} more" if len(missing) > 10 else ""
        )
        raise FeedInvalidError(
            f"refusing to publish {feed_path}: the feed points at files missing from the "
            f"output folder: {shown}",
            hint=f"rebuild the channel; every URL under {base} must have its file in "
            f"{feed_path.parent}",
        )
    return base, referenced


def channel_files(
    output_dir: Path,
    names: set[str],
    public_url: str | None,
    other_formats: set[str] | None = None,
    remote: AbstractSet[str] = frozenset(),
) -> ChannelFiles:
    """The files of `output_dir` (`names`, relative POSIX paths) that make up the channel:
    what feed.json, the other formats the last build wrote (`other_formats`, by default as
    its build report says), and their HLS playlists refer to. `remote` names files the
    feeds may use that the build took from the host (not in the folder; see `BuildCache`).

    Raises FeedInvalidError when a feed points at a file that is in neither `names` nor
    `remote`, or one of the other formats does not validate.
    """
    known = names | set(remote)
    base, referenced = check_feed_assets(output_dir / FEED_NAME, known | {FEED_NAME}, public_url)
    siblings = current_sibling_feeds(output_dir) if other_formats is None else other_formats
    for name in sorted(siblings):
        referenced |= check_sibling_feed(output_dir / name, known, base)
    referenced |= playlist_members(output_dir, referenced)
    return ChannelFiles(public_url=base, referenced=referenced, other_formats=siblings)


@dataclass(frozen=True)
class ChannelFiles:
    """See `channel_files`."""

    public_url: str
    referenced: set[str]  # assets the feeds name, HLS segments included
    other_formats: set[str]  # feed.xml / search.json as the last build wrote them


@dataclass(frozen=True)
class Pruned:
    """Asset files `prune_output` deleted, the bytes that freed, and why it pruned nothing
    when it could not tell which files are in use."""

    names: tuple[str, ...] = ()
    bytes_freed: int = 0
    skipped: str = ""


def prune_output(  # noqa: PLR0913 - keyword-only settings of one pruning pass
    output_dir: Path,
    public_url: str,
    *,
    other_formats: set[str] | None = None,
    also_in_use: AbstractSet[str] = frozenset(),
    remote: AbstractSet[str] = frozenset(),
    older_than_seconds: float = PRUNE_AFTER_SECONDS,
    clock: float | None = None,
) -> Pruned:
    """Delete the assets no feed in `output_dir` has named for `older_than_seconds`, so the
    folder does not grow for ever.

    Every asset a feed names is marked as used now (its modification time), so the age is
    the time since a feed last named it: a build of fewer sources (by mistake, or an article
    briefly out of the feed) leaves the others' files for the next full build. A rendition's
    HLS folder (videos/<stem>/) and its MP4 are one unit, kept while the feed names the
    playlist. Only regular files in the asset folders packager writes (images/, videos/,
    captions/) are deleted, never through a symbolic link; nothing at all when the feeds
    cannot be read, since then it cannot be told what is in use. `also_in_use` names files
    kept like the feeds' (the build's articles that the feed limits left out); `remote` the
    files the feeds use that the build left on the host (see `channel_files`).
    """
    names = {path.relative_to(output_dir).as_posix() for path in walk_output(output_dir)}
    try:
        in_use = channel_files(output_dir, names, public_url, other_formats, remote)
    except (FeedInvalidError, OSError, ValueError) as exc:
        return Pruned(skipped=f"cannot tell which files the feeds use: {exc}")
    if not in_use.public_url or not in_use.referenced:
        return Pruned(skipped=f"no URL in the feed names a file of {output_dir} under {public_url}")
    in_use_names = in_use.referenced | also_in_use
    units = _asset_units(output_dir)
    now = time.time() if clock is None else clock
    deleted: list[str] = []
    freed = 0
    for unit in units.values():
        if any(name in in_use_names for name, _ in unit):
            for _, path in unit:
                mark_used(path)
            continue
        try:
            if now - max(path.lstat().st_mtime for _, path in unit) < older_than_seconds:
                continue
        except OSError:
            continue
        for name, path in unit:
            try:
                size = path.lstat().st_size
                path.unlink()
            except OSError:
                continue  # gone already, or not ours to delete: leave it
            deleted.append(name)
            freed += size
        folders = {path.parent for _, path in unit if path.parent.parent != output_dir}
        for folder in folders:  # an HLS folder the unit emptied
            with contextlib.suppress(OSError):
                folder.rmdir()
    return Pruned(tuple(sorted(deleted)), freed)


def _asset_units(output_dir: Path) -> dict[str, list[tuple[str, Path]]]:
    """The regular files of the asset folders (symbolic links neither followed nor listed),
    grouped into units that live and go together: one file alone, or an HLS folder
    (videos/<stem>/) with the MP4 it was packaged from (videos/<stem>.mp4)."""
    units: dict[str, list[tuple[str, Path]]] = {}
    for folder_name in ASSET_FOLDERS:
        top = output_dir / folder_name
        if top.is_symlink() or not top.is_dir():
            continue
        for root, dirs, files in os.walk(top):  # does not follow links to folders
            here = Path(root)
            dirs[:] = [d for d in dirs if not (here / d).is_symlink()]
            for file_name in files:
                path = here / file_name
                if path.is_symlink() or not path.is_file():
                    continue
                name = path.relative_to(output_dir).as_posix()
                parts = name.split("/")
                if parts[0] == "videos" and len(parts) > 2:
                    unit = f"videos/{parts[1]}"  # a rendition's HLS folder
                elif parts[0] == "videos" and name.endswith(".mp4"):
                    unit = name.removesuffix(".mp4")
                else:
                    unit = name
                units.setdefault(unit, []).append((name, path))
    return units


# --------------------------------------------------------------------------------------------
# The build cache: per article, keyed by the content of its inputs, the files its item uses
# and what the feed says of them. The build writes it into the output folder; publish sends
# it beside the feed (after the swap), so a build on an empty machine finds its work there.

BUILD_CACHE_FORMAT = "packager-build-cache/1"
# The metadata a file's entry may carry (as the publish manifest's META_FIELDS).
CACHE_META_FIELDS = ("duration", "size", "bitrate", "width", "height")


@dataclass(frozen=True)
class CachedArticle:
    """What preparing one article made, with local files named relative to the base URL (so
    the entry holds for any base URL) and remote ones by their full URL.

    `files` lists every file of the output folder the item needs on the host (HLS segments
    included), `meta` what is known of each (`CACHE_META_FIELDS`), `notes` the warnings the
    preparation gave (shown again when the entry is reused).
    """

    thumbnail: str
    video: PlayableVideo
    captions: tuple[CaptionTrack, ...]
    notes: tuple[str, ...]
    files: tuple[str, ...]
    meta: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "thumbnail": self.thumbnail,
            "video": asdict(self.video),
            "captions": [asdict(caption) for caption in self.captions],
            "notes": list(self.notes),
            "files": list(self.files),
            "meta": {name: dict(self.meta[name]) for name in sorted(self.meta)},
        }

    @classmethod
    def from_dict(cls, data: Any) -> CachedArticle:
        """Raises KeyError/TypeError/ValueError when `data` is not an entry this version wrote."""
        video = data["video"]
        playable = PlayableVideo(
            url=_text(video["url"]),
            video_type=_text(video["video_type"]),
            quality=_text(video["quality"]),
            duration_seconds=_bounded(video["duration_seconds"], "video.duration_seconds", 1),
            bitrate_kbps=None
            if video.get("bitrate_kbps") is None
            else _bounded(video["bitrate_kbps"], "video.bitrate_kbps", 0),
        )
        captions = tuple(
            CaptionTrack(_text(c["url"]), _text(c["language"]), _text(c["caption_type"]))
            for c in data["captions"]
        )
        meta = {
            _text(name): _numbers(values) for name, values in dict(data.get("meta") or {}).items()
        }
        files = tuple(_relative_name(name) for name in data["files"])
        thumbnail = _text(data["thumbnail"])
        for url in (thumbnail, playable.url, *(caption.url for caption in captions)):
            if not url.startswith(("http://", "https://")) and url not in files:
                raise ValueError(f"{url!r} is neither a URL nor one of the entry's files")
        return cls(
            thumbnail=thumbnail,
            video=playable,
            captions=captions,
            notes=tuple(_text(note) for note in data["notes"]),
            files=files,
            meta=meta,
        )


@dataclass(frozen=True)
class BuildCache:
    """The build cache document: `articles` by content key; `remote` the files the feed uses
    that the output folder lacks because the build took them from the host (publish checks
    that the host holds them, and never deletes them)."""

    articles: Mapping[str, CachedArticle] = field(default_factory=dict)
    remote: frozenset[str] = frozenset()

    def to_bytes(self) -> bytes:
        data = {
            "format": BUILD_CACHE_FORMAT,
            "articles": {key: self.articles[key].as_dict() for key in sorted(self.articles)},
            "remote": sorted(self.remote),
        }
        return (json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> BuildCache:
        """Parse a build cache; raises ValueError (with the reason) when it is not one this
        version reads: the caller then goes without (the work is done again, nothing lost)."""
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ValueError(f"not JSON ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != BUILD_CACHE_FORMAT:
            found = data.get("format") if isinstance(data, dict) else None
            raise ValueError(f"format {found!r}, not {BUILD_CACHE_FORMAT!r}")
        try:
            articles = {
                _text(key): CachedArticle.from_dict(entry)
                for key, entry in dict(data.get("articles") or {}).items()
            }
            remote = frozenset(_relative_name(name) for name in data.get("remote") or [])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"an entry is malformed ({type(exc).__name__}: {exc})") from None
        return cls(articles, remote)

    def file_keys(self) -> dict[str, tuple[str, Mapping[str, float]]]:
        """Each file's content key (the key of the article that uses it) and metadata."""
        keys: dict[str, tuple[str, Mapping[str, float]]] = {}
        for key in sorted(self.articles):
            entry = self.articles[key]
            for name in entry.files:
                keys.setdefault(name, (key, entry.meta.get(name, {})))
        return keys

    def held_by(self, names: AbstractSet[str]) -> BuildCache:
        """The entries whose every file is among `names` (what a host holds after a publish)."""
        kept = {k: e for k, e in self.articles.items() if set(e.files) <= names}
        return BuildCache(kept)


def read_build_cache(output_dir: Path) -> BuildCache | None:
    """The build cache the last build wrote into `output_dir`, or None (none, or unreadable:
    written by another version)."""
    try:
        return BuildCache.from_bytes((output_dir / BUILD_CACHE_NAME).read_bytes())
    except (OSError, ValueError):
        return None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _whole(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected a whole number, got {value!r}")
    return value


# Roku's feed numbers are 32-bit signed integers.
ROKU_INT_MAX = 2**31 - 1


def _bounded(value: Any, name: str, least: int) -> int:
    number = _whole(value)
    if not least <= number <= ROKU_INT_MAX:
        raise ValueError(f"{name} {number} is outside {least}..{ROKU_INT_MAX}")
    return number


def _numbers(values: Any) -> dict[str, float]:
    return {
        name: values[name]
        for name in CACHE_META_FIELDS
        if isinstance(values.get(name), int | float)
        and not isinstance(values.get(name), bool)
        and math.isfinite(values[name])
    }


def _relative_name(name: Any) -> str:
    """A file name of the output folder as an entry gives it: relative, no `..`."""
    text = _text(name)
    parts = text.split("/")
    if not text or text.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"not a relative file name: {text!r}")
    return text
