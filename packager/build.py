"""`packager build`: articles → thumbnails and playable videos → feed items and rows → a validated
feed.json, written atomically only when it is valid.

Work is cached per article under `OUT/.packager/`: a bundle folder whose files are unchanged
(same names, sizes and modification times) is not read again, and its thumbnails, probes and
renders are reused; content-hashed output names make every other repeat cheap too.

Thumbnails, most of a cold build's time, are decoded ahead in a small thread pool (Pillow
releases the GIL while it decodes, resizes and encodes); everything else runs in bundle order
on the calling thread, so the feed, notes and report do not depend on the number of workers.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from packager import __version__
from packager.config import ChannelConfig
from packager.errors import (
    ConfigError,
    ExitCode,
    InputError,
    PackagerError,
    SourceError,
    SourceUnreachableError,
)
from packager.feed.derived import left_out
from packager.feed.items import (
    CaptionTrack,
    PlayableVideo,
    PreparedArticle,
    date_time_text,
    item_for,
    item_type_for,
    live_item,
    series_for,
    series_id,
    show_for,
    tags_for,
    utc,
)
from packager.feed.mrss import mrss_bytes
from packager.feed.rows import RowEntry, build_rows, default_rules
from packager.feed.search_feed import search_feed
from packager.files import mark_used, remove_unused, write_atomic
from packager.images import INDEX_NAME as THUMBNAIL_INDEX_NAME
from packager.images import Thumbnail, ThumbnailMaker, compact_thumbnail_index
from packager.jsonio import feed_bytes, pretty_bytes
from packager.layout import BUILD_REPORT_NAME, FEED_NAME, MRSS_NAME, SEARCH_FEED_NAME, STATE_DIR
from packager.model import Article, Video, article_from_dict
from packager.net.fetcher import Fetcher
from packager.net.urls import redact
from packager.outputs import PRUNE_AFTER_SECONDS, Pruned, prune_output
from packager.sources import ReadOptions
from packager.sources.bundle import bundle_folders, read_bundle
from packager.sources.media import detect_video_type
from packager.sources.remote import read_remote
from packager.spec import CONTENT_ARRAYS
from packager.validate import (
    ValidationResult,
    check_document,
    check_mrss_bytes,
    check_search_document,
)
from packager.validate.loading import parse_feed
from packager.video import RenderOptions, probe_video, render_article_video
from packager.video.hls import package_hls

LOCAL_VIDEO_TYPES = {"MP4", "MOV", "M4V"}  # files we can copy and serve as they are
ProgressCallback = Callable[[int, int, str], None]
# Thumbnail threads: the pixel work scales with cores; more than 4 buys little and costs memory.
DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))
# Bundles read ahead of the one being prepared, per worker: enough to keep the pool busy while
# the calling thread hashes, parses and writes; few enough that memory stays flat with N.
LOOKAHEAD_PER_WORKER = 2


@dataclass(frozen=True)
class Skipped:
    """An article left out of the feed, and why."""

    origin: str
    reason: str
    hint: str = ""
    article_id: str = ""

    @classmethod
    def of(cls, origin: str, error: PackagerError, article_id: str = "") -> Skipped:
        """From an error whose message may name the origin again: say it once."""
        reason = error.message
        for prefix in (f"{origin}: ", f"{Path(origin).parent}: "):
            reason = reason.removeprefix(prefix)
        reason = reason.removesuffix(f": {origin}").replace(f" {origin} — ", " ")
        return cls(origin, reason, error.hint, article_id)


@dataclass(frozen=True)
class BuildResult:
    """What a build did; decides the exit code."""

    out_dir: Path
    feed_written: bool
    item_counts: dict[str, int]
    skipped: tuple[Skipped, ...]
    trimmed: tuple[str, ...]
    notes: tuple[str, ...]  # per-article warnings: "origin: message"
    validation: ValidationResult | None
    strict: bool = False
    has_items: bool = True
    feed_size: int = 0
    reused: int = 0  # articles taken from the cache
    prepared: int = 0  # articles (re)processed
    unreachable: tuple[str, ...] = ()  # SOURCE URLs that could not be fetched at all
    # The other formats of [channel] formats: file name -> its validation (written if valid).
    extra_files: dict[str, ValidationResult] = field(default_factory=dict)
    pruned: Pruned = field(default_factory=Pruned)  # old assets no feed names, deleted

    @property
    def exit_code(self) -> ExitCode:
        """6 when a source could not be fetched and nothing was written, 4 when no article
        could be built, 3 when the feed did not validate, else 0."""
        if self.unreachable and not self.feed_written:
            return ExitCode.SOURCE_UNREACHABLE
        if not self.has_items:
            return ExitCode.BAD_INPUT
        if self.validation is None or not self.validation.ok:
            return ExitCode.FEED_INVALID
        validations = [self.validation, *self.extra_files.values()]
        if any(not v.ok or (self.strict and v.warnings) for v in validations):
            return ExitCode.FEED_INVALID
        return ExitCode.OK

    def as_dict(self) -> dict[str, Any]:
        data = self._as_dict()
        if self.extra_files:
            data["otherFormats"] = {
                name: {
                    "file": str(self.out_dir / name),
                    "written": validation.ok,
                    "validation": validation.as_dict(),
                }
                for name, validation in self.extra_files.items()
            }
        return data

    def _as_dict(self) -> dict[str, Any]:
        return {
            "feed": str(self.out_dir / FEED_NAME) if self.feed_written else None,
            "feedWritten": self.feed_written,
            "feedBytes": self.feed_size,
            "items": self.item_counts,
            "articlesReused": self.reused,
            "articlesProcessed": self.prepared,
            "skipped": [asdict(skip) for skip in self.skipped],
            "trimmed": list(self.trimmed),
            "unreachable": list(self.unreachable),
            "pruned": {
                "files": list(self.pruned.names),
                "bytes": self.pruned.bytes_freed,
                "skipped": self.pruned.skipped or None,
            },
            "notes": list(self.notes),
            "validation": self.validation.as_dict() if self.validation else None,
        }


class BuildState:
    """What a build remembers between runs, under OUT/.packager/ (never published)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.items_dir = folder / "articles"
        self.items_dir.mkdir(parents=True, exist_ok=True)
        self._state_path = folder / "state.json"
        try:
            self._state: dict[str, Any] = json.loads(self._state_path.read_text("utf-8"))
        except (OSError, ValueError):
            self._state = {}
        self.first_seen: dict[str, str] = dict(self._state.get("firstSeen", {}))

    def remember(self, known_dates: Mapping[str, datetime]) -> None:
        """Take first-seen dates from elsewhere (the live feed): they win over local ones."""
        for item_id, date in known_dates.items():
            self.first_seen[item_id] = date_time_text(utc(date))

    def seen(self, item_id: str, now: datetime) -> datetime:
        """When an item without a date was first built: a stable date across rebuilds."""
        if item_id not in self.first_seen:
            self.first_seen[item_id] = date_time_text(now)
        return datetime.fromisoformat(self.first_seen[item_id])

    def cached(self, key: str) -> dict[str, Any] | None:
        path = self.items_dir / f"{key}.json"
        try:
            data: dict[str, Any] = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        mark_used(path)
        return data

    def store(self, key: str, data: dict[str, Any]) -> None:
        write_atomic(self.items_dir / f"{key}.json", pretty_bytes(data))

    def save(self) -> None:
        self._state["firstSeen"] = self.first_seen
        write_atomic(self._state_path, pretty_bytes(self._state))
        # Cached articles no build has used for a while (bundles removed or changed).
        remove_unused(self.items_dir, PRUNE_AFTER_SECONDS, suffixes=(".json",))


class ArticlePreparer:
    """Turns one Article into a PreparedArticle: thumbnail, playable video, caption files."""

    def __init__(
        self,
        out_dir: Path,
        config: ChannelConfig,
        state: BuildState,
        fetcher: Fetcher,
        now: datetime,
        executor: ThreadPoolExecutor | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.config = config
        self.state = state
        self.fetcher = fetcher
        self.now = now
        self.executor = executor
        # (article origin, image location) -> its thumbnail being made in the pool.
        self._ahead: dict[tuple[str, str], Future[Thumbnail]] = {}
        self.thumbnails = ThumbnailMaker(
            out_dir,
            (config.thumbnail_width, config.thumbnail_height),
            index_path=state.folder / THUMBNAIL_INDEX_NAME,
        )
        self.render_options = RenderOptions(
            size=(config.video_width, config.video_height),
            language=config.language,
            work_dir=None,
        )

    def make_thumbnails_ahead(self, article: Article) -> None:
        """Start making the article's local thumbnails in the pool (no-op without one).

        `prepare` then takes the results in article order; errors surface there, as they
        would without the pool. Remote images are fetched by `prepare` itself.
        """
        if self.executor is None:
            return
        for image in article.images:
            if image.location.startswith(("http://", "https://")):
                continue
            self._ahead[(article.origin, image.location)] = self.executor.submit(
                self.thumbnails.make,
                Path(image.location),
                origin=image.location,
            )

    def prepare(self, article: Article) -> tuple[PreparedArticle, list[str]]:
        """Raises SourceError when the article cannot become a playable item."""
        notes = list(article.warnings)
        images = self._images(article, notes)
        if not images:
            why = "; ".join(note for note in notes if note.startswith("image left out"))
            raise SourceError(
                f"{article.origin}: no usable image for the thumbnail"
                + (f" ({why})" if why else ""),
                location=article.origin,
                hint="add a photo (jpg, png, webp or gif) to the bundle; Roku needs a 16:9 thumbnail",
            )
        video, captions = self._video(article, images, notes)
        captions = [*captions, *self._captions(article, notes)]
        date = (
            utc(article.published) if article.published else self.state.seen(article.id, self.now)
        )
        if not article.published:
            notes.append(
                f"no publication date: using {date_time_text(date)}, when packager first saw it"
            )
        prepared = PreparedArticle(
            article=article,
            date=date,
            thumbnail_url=self.config.asset_url(images[0][1]),
            video=video,
            captions=tuple(captions),
        )
        return prepared, notes

    def live_thumbnail(self, location: str, origin: str) -> str:
        """A live stream's thumbnail URL: given as a URL, or made from a local picture."""
        if location.startswith(("http://", "https://")):
            return location
        thumbnail = self.thumbnails.make(Path(location), origin=origin)
        return self.config.asset_url(thumbnail.relative_path)

    def _images(self, article: Article, notes: list[str]) -> list[tuple[Path, str]]:
        """(local thumbnail path, relative path) for every usable image, in article order."""
        made: list[tuple[Path, str]] = []
        for image in article.images:
            ahead = self._ahead.pop((article.origin, image.location), None)
            try:
                if ahead is not None:
                    thumbnail = ahead.result()
                else:
                    source: Path | bytes
                    if image.location.startswith(("http://", "https://")):
                        source = self.fetcher.get(
                            image.location, found_in=article.url or article.origin
                        ).content
                    else:
                        source = Path(image.location)
                    thumbnail = self.thumbnails.make(source, origin=image.location)
            except PackagerError as error:
                notes.append(f"image left out: {error.message}")
                continue
            notes.extend(f"{image.location}: {warning}" for warning in thumbnail.warnings)
            made.append((self.out_dir / thumbnail.relative_path, thumbnail.relative_path))
        return made

    def _video(
        self, article: Article, images: list[tuple[Path, str]], notes: list[str]
    ) -> tuple[PlayableVideo, list[CaptionTrack]]:
        if self.config.render_video != "forced":
            for video in article.videos:
                playable = self._playable(video, notes)
                if playable:
                    return playable, []
        if self.config.render_video == "off":
            raise SourceError(
                "no playable video, and video rendering is off",
                location=article.origin,
                hint='add a video file or URL to the article, or set [video] render = "on"',
            )
        rendered = render_article_video(
            article,
            [path for path, _ in images],
            self.out_dir,
            self.render_options,
            channel_name=self.config.provider_name,
        )
        notes.extend(rendered.warnings)
        duration = max(1, round(rendered.duration_seconds))
        if self.config.video_hls:
            playlist = package_hls(self.out_dir / rendered.video_path, self.out_dir)
            playable = PlayableVideo(
                self.config.asset_url(playlist), "HLS", _quality(rendered.height), duration
            )
        else:
            playable = PlayableVideo(
                url=self.config.asset_url(rendered.video_path),
                video_type="MP4",
                quality=_quality(rendered.height),
                duration_seconds=duration,
                bitrate_kbps=rendered.bitrate_kbps,
            )
        caption = CaptionTrack(self.config.asset_url(rendered.captions_path), rendered.language)
        return playable, [caption]

    def _playable(self, video: Video, notes: list[str]) -> PlayableVideo | None:
        """The article's video as the feed plays it, or None (with a note) if it cannot be."""
        location, duration = video.location, video.duration_seconds
        kind = video.video_type or detect_video_type(location)
        if location.startswith(("http://", "https://")):
            if not kind:
                notes.append(f"video {location} left out: not a stream type Roku plays")
                return None
            if not duration:
                notes.append(
                    f"video {location} left out: its duration is unknown "
                    '(give it in the article: JSON "duration", front matter `duration:`)'
                )
                return None
            if kind in LOCAL_VIDEO_TYPES and not video.bitrate_kbps:
                notes.append(
                    f"video {location}: no bitrate given for a non-adaptive stream "
                    '(JSON "bitrate" in kbps)'
                )
            return PlayableVideo(
                location,
                kind,
                self.config.default_video_quality,
                max(1, round(duration)),
                video.bitrate_kbps if kind in LOCAL_VIDEO_TYPES else None,
            )
        path = Path(location)
        if kind not in LOCAL_VIDEO_TYPES:
            notes.append(
                f"video {path.name} left out: local {kind or 'files of this type'} "
                "cannot be served as one file; give its URL instead"
            )
            return None
        try:
            info = probe_video(path)
        except SourceError as error:
            notes.append(f"video left out: {error.message}")
            return None
        relative = _copy_hashed(path, self.out_dir, "videos")
        return PlayableVideo(
            self.config.asset_url(relative),
            kind,
            _quality(info.height),
            max(1, round(info.duration_seconds)),
            info.bitrate_kbps,
        )

    def _captions(self, article: Article, notes: list[str]) -> list[CaptionTrack]:
        tracks = []
        for caption in article.captions:
            language = caption.language or article.language or self.config.language
            if caption.location.startswith(("http://", "https://")):
                url = caption.location
            else:
                path = Path(caption.location)
                if not path.is_file():
                    notes.append(f"caption file {path} not found: left out")
                    continue
                url = self.config.asset_url(_copy_hashed(path, self.out_dir, "captions"))
            tracks.append(CaptionTrack(url, language, caption.caption_type or "SUBTITLE"))
        return tracks


def _quality(height: int) -> str:
    """Spec §3.9: HD is 720p, FHD 1080p, UHD 4K; below 720 lines is SD."""
    if height >= 2160:
        return "UHD"
    if height >= 1080:
        return "FHD"
    if height >= 720:
        return "HD"
    return "SD"


def _file_digest(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_hashed(path: Path, out_dir: Path, folder: str) -> str:
    """Copy `path` to OUT/folder/<content hash><ext> (once) and return its relative path."""
    relative = f"{folder}/{_file_digest(path)}{path.suffix.lower()}"
    target = out_dir / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(path, temp)
        temp.replace(target)
    return relative


def _folder_signature(folder: Path) -> list[tuple[str, int, int]]:
    return sorted(
        (str(path.relative_to(folder)), stat.st_size, stat.st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file() and (stat := path.stat())
    )


def _cache_key(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _config_fingerprint(config: ChannelConfig) -> str:
    data = asdict(config)
    # Settings that do not change how an article is prepared keep the cache valid.
    for key in ("path", "formats", "availability_countries"):
        data.pop(key, None)
    return _cache_key(__version__, data)


def _prepared_to_dict(prepared: PreparedArticle, notes: list[str]) -> dict[str, Any]:
    return {
        "article": prepared.article.as_dict(),
        "date": date_time_text(prepared.date),
        "thumbnail": prepared.thumbnail_url,
        "video": asdict(prepared.video),
        "captions": [asdict(caption) for caption in prepared.captions],
        "notes": notes,
    }


def _prepared_from_dict(data: dict[str, Any]) -> tuple[PreparedArticle, list[str]]:
    prepared = PreparedArticle(
        article=article_from_dict(data["article"]),
        date=datetime.fromisoformat(data["date"]),
        thumbnail_url=data["thumbnail"],
        video=PlayableVideo(**data["video"]),
        captions=tuple(CaptionTrack(**caption) for caption in data["captions"]),
    )
    return prepared, list(data["notes"])


def _output_names(prepared: PreparedArticle, config: ChannelConfig) -> list[str]:
    """The files of the output folder an article's item uses (thumbnail, video, captions)."""
    prefix = config.base_url.rstrip("/") + "/"
    urls = [prepared.thumbnail_url, prepared.video.url, *(c.url for c in prepared.captions)]
    return [url[len(prefix) :] for url in urls if url.startswith(prefix)]


def _outputs_exist(prepared: PreparedArticle, config: ChannelConfig, out_dir: Path) -> bool:
    return all((out_dir / name).is_file() for name in _output_names(prepared, config))


@dataclass
class _Collected:
    prepared: list[PreparedArticle] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reused: int = 0
    processed: int = 0
    unreachable: list[str] = field(default_factory=list)


def build_feed(
    sources: Sequence[str | Path],
    out_dir: Path,
    config: ChannelConfig,
    *,
    now: datetime | None = None,
    progress: ProgressCallback | None = None,
    strict: bool = False,
    known_dates: Mapping[str, datetime] | None = None,
    workers: int = DEFAULT_WORKERS,
) -> BuildResult:
    """Build OUT/feed.json from article SOURCES (bundle folders, feed or page URLs).

    With `strict`, validation warnings keep the feed from being written, like errors.
    `workers` threads make thumbnails ahead of the article being prepared (1: no pool); the
    result is the same for any number.

    Raises ConfigError/InputError for problems with the whole build (no base URL, a SOURCE
    that does not exist); a broken article is a Skipped entry, never fatal. A SOURCE URL
    that cannot be fetched at all is named in the result's `unreachable`.

    `known_dates` maps item ids to when they were first published elsewhere (republish
    passes the live feed's `dateAdded`s): articles without a date of their own keep those
    dates, so a build on a fresh machine gives the same feed.
    """
    now = utc(now or datetime.now(UTC))
    if workers < 1:
        raise ConfigError(
            f"bad number of build workers: {workers}",
            key="workers",
            hint="give 1 (no thread pool) or more",
        )
    if not config.base_url:
        raise ConfigError(
            "no base URL: packager needs the public URL the output folder will be served from",
            key="channel.base_url",
            hint="pass --base-url https://cdn.example.com/channel/ or set base_url in channel.toml",
        )
    sources = list(sources) or list(config.sources)
    if not sources:
        raise InputError(
            "nothing to build: no SOURCE given and none in the config",
            hint="pass a folder of article bundles, or set [channel] sources",
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    state = BuildState(out_dir / STATE_DIR)
    if known_dates:
        state.remember(known_dates)
    read_options = ReadOptions(
        boilerplate_patterns=config.boilerplate_patterns, default_language=config.language
    )
    collected = _Collected()
    with (
        Fetcher(state.folder / "http") as fetcher,
        ThreadPoolExecutor(workers, thread_name_prefix="thumbnails")
        if workers > 1
        else _NoPool() as executor,
    ):
        preparer = ArticlePreparer(out_dir, config, state, fetcher, now, executor)
        lookahead = LOOKAHEAD_PER_WORKER * workers if executor else 0
        for source in sources:
            _collect_source(
                str(source), preparer, read_options, state, collected, progress, lookahead
            )
        live_thumbnails = {
            stream.id: preparer.live_thumbnail(stream.thumbnail, f"{config.path}: live {stream.id}")
            for stream in config.live
        }
        fetcher.prune_cache(PRUNE_AFTER_SECONDS)  # pages no source has listed for a while
    result = _assemble(out_dir, config, state, now, collected, live_thumbnails, strict)
    state.save()
    return result


class _NoPool:
    """Stands in for the thread pool when a build runs on one thread."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        return None


@dataclass
class _Bundle:
    """One bundle folder on its way through `_collect_source`."""

    folder: Path
    key: str
    reused: tuple[PreparedArticle, list[str]] | None = None
    found: Article | SourceError | None = None


def _collect_source(
    source: str,
    preparer: ArticlePreparer,
    options: ReadOptions,
    state: BuildState,
    collected: _Collected,
    progress: ProgressCallback | None,
    lookahead: int,
) -> None:
    fingerprint = _config_fingerprint(preparer.config)
    if source.startswith(("http://", "https://")):
        for found in read_remote([source], fetcher=preparer.fetcher):
            if _source_unreachable(found, source):
                collected.unreachable.append(redact(source))
            _take(found, None, preparer, state, collected)
        return
    folders = bundle_folders(Path(source))
    # Bundles are read (and their thumbnails started) a few ahead of the one being prepared,
    # and always finished in folder order.
    pending: deque[_Bundle] = deque()
    done = 0
    for folder in folders:
        pending.append(_open_bundle(folder, fingerprint, preparer, options, state))
        while len(pending) > lookahead:
            _finish_bundle(pending.popleft(), preparer, state, collected)
            done += 1
            if progress:
                progress(done, len(folders), folders[done - 1].name)
    while pending:
        _finish_bundle(pending.popleft(), preparer, state, collected)
        done += 1
        if progress:
            progress(done, len(folders), folders[done - 1].name)


def _open_bundle(
    folder: Path,
    fingerprint: str,
    preparer: ArticlePreparer,
    options: ReadOptions,
    state: BuildState,
) -> _Bundle:
    """The cached result of an unchanged bundle, or its article with thumbnails under way."""
    bundle = _Bundle(
        folder, _cache_key(fingerprint, str(folder.resolve()), _folder_signature(folder))
    )
    cached = state.cached(bundle.key)
    if cached is not None:
        prepared, notes = _prepared_from_dict(cached)
        if _outputs_exist(prepared, preparer.config, preparer.out_dir):
            bundle.reused = (prepared, notes)
            return bundle
    try:
        bundle.found = read_bundle(folder, options)
    except SourceError as error:
        bundle.found = error
    else:
        preparer.make_thumbnails_ahead(bundle.found)
    return bundle


def _finish_bundle(
    bundle: _Bundle, preparer: ArticlePreparer, state: BuildState, collected: _Collected
) -> None:
    if bundle.reused is not None:
        prepared, notes = bundle.reused
        collected.prepared.append(prepared)
        collected.notes.extend(f"{prepared.article.origin}: {n}" for n in notes)
        collected.reused += 1
    elif bundle.found is not None:
        _take(bundle.found, bundle.key, preparer, state, collected)


def _source_unreachable(found: Article | SourceError, source: str) -> bool:
    """Whether `found` says the SOURCE URL itself could not be fetched (not one entry of it)."""
    return (
        isinstance(found, SourceError)
        and isinstance(found.__cause__, SourceUnreachableError)
        and found.location == redact(source)
    )


def _take(
    found: Article | SourceError,
    key: str | None,
    preparer: ArticlePreparer,
    state: BuildState,
    collected: _Collected,
) -> None:
    if isinstance(found, SourceError):
        collected.skipped.append(Skipped.of(found.location, found))
        return
    try:
        prepared, notes = preparer.prepare(found)
    except SourceError as error:
        collected.skipped.append(Skipped.of(found.origin, error, found.id))
        return
    collected.processed += 1
    collected.prepared.append(prepared)
    collected.notes.extend(f"{found.origin}: {note}" for note in notes)
    if key is not None:
        state.store(key, _prepared_to_dict(prepared, notes))


def _assemble(
    out_dir: Path,
    config: ChannelConfig,
    state: BuildState,
    now: datetime,
    collected: _Collected,
    live_thumbnails: dict[str, str],
    strict: bool = False,
) -> BuildResult:
    skipped = list(collected.skipped)
    unique: dict[str, PreparedArticle] = {}
    for prepared in sorted(collected.prepared, key=lambda p: (p.date, p.article.id), reverse=True):
        if prepared.article.id in unique:
            skipped.append(
                Skipped(
                    prepared.article.origin,
                    f"same id {prepared.article.id!r} as {unique[prepared.article.id].article.origin}",
                    "give one of the articles its own id in its front matter",
                    prepared.article.id,
                )
            )
            continue
        unique[prepared.article.id] = prepared
    kept, trimmed = _apply_limits(list(unique.values()), config, now)
    parts: _ItemParts = {}

    def document(count: int) -> tuple[dict[str, Any], bytes]:
        feed = _feed_document(kept[:count], config, state, now, live_thumbnails, parts)
        return feed, feed_bytes(feed)

    feed, raw = document(len(kept))
    if len(raw) > config.size_budget and kept:
        # The oldest items go until the feed fits. Every item kept makes the feed longer, so
        # the largest newest-first share that fits is found by bisection: a handful of feed
        # documents instead of one per dropped item (the items themselves are made once).
        fitting, too_many = 0, len(kept)
        while too_many - fitting > 1:
            middle = (fitting + too_many) // 2
            if len(document(middle)[1]) <= config.size_budget:
                fitting = middle
            else:
                too_many = middle
        for oldest in reversed(kept[fitting:]):  # newest first, so the last one is the oldest
            trimmed.append(
                f"{oldest.article.id} ({oldest.article.title!r}, {utc(oldest.date).date()}): "
                f"over the {config.size_budget:,}-byte size budget"
            )
        kept = kept[:fitting]
        feed, raw = document(fitting)
    validation = check_document(parse_feed(str(out_dir / FEED_NAME), raw))
    acceptable = validation.ok and not (strict and validation.warnings)
    has_items = any(feed.get(kind) for kind in CONTENT_ARRAYS)
    written = acceptable and has_items
    notes = list(collected.notes)
    extra_files: dict[str, ValidationResult] = {}
    pruned = Pruned()
    if written:
        write_atomic(out_dir / FEED_NAME, raw)
        extra_files = _write_other_formats(out_dir, config, feed)
        if extra_files:
            notes.extend(left_out(feed))
        written_formats = {name for name, check in extra_files.items() if check.ok}
        # Articles left out by the limits keep their files while their sources last.
        in_build = {name for item in collected.prepared for name in _output_names(item, config)}
        pruned = prune_output(
            out_dir, config.base_url, other_formats=written_formats, also_in_use=in_build
        )
        if pruned.names:
            compact_thumbnail_index(state.folder / THUMBNAIL_INDEX_NAME, out_dir)
    result = BuildResult(
        out_dir=out_dir,
        feed_written=written,
        item_counts={kind: len(feed[kind]) for kind in CONTENT_ARRAYS if feed.get(kind)},
        skipped=tuple(skipped),
        trimmed=tuple(trimmed),
        notes=tuple(notes),
        validation=validation,
        strict=strict,
        has_items=has_items,
        feed_size=len(raw),
        reused=collected.reused,
        prepared=collected.processed,
        unreachable=tuple(collected.unreachable),
        extra_files=extra_files,
        pruned=pruned,
    )
    write_atomic(out_dir / BUILD_REPORT_NAME, pretty_bytes(result.as_dict()))
    return result


def _write_other_formats(
    out_dir: Path, config: ChannelConfig, feed: dict[str, Any]
) -> dict[str, ValidationResult]:
    """feed.xml and search.json (as [channel] formats asks) from the feed.json just written:
    each is validated and written atomically only when it has no error."""
    made: dict[str, ValidationResult] = {}
    if "mrss" in config.formats:
        xml = mrss_bytes(feed, config)
        made[MRSS_NAME] = check_mrss_bytes(str(out_dir / MRSS_NAME), xml)
        if made[MRSS_NAME].ok:
            write_atomic(out_dir / MRSS_NAME, xml)
    if "roku-search" in config.formats:
        search = feed_bytes(search_feed(feed, config))
        path = str(out_dir / SEARCH_FEED_NAME)
        made[SEARCH_FEED_NAME] = check_search_document(parse_feed(path, search))
        if made[SEARCH_FEED_NAME].ok:
            write_atomic(out_dir / SEARCH_FEED_NAME, search)
    return made


def _apply_limits(
    prepared: list[PreparedArticle], config: ChannelConfig, now: datetime
) -> tuple[list[PreparedArticle], list[str]]:
    trimmed: list[str] = []
    kept: list[PreparedArticle] = []
    oldest_allowed = now - timedelta(days=config.max_age_days) if config.max_age_days else None
    for item in prepared:  # newest first
        if oldest_allowed and item.date < oldest_allowed:
            trimmed.append(
                f"{item.article.id} ({item.article.title!r}): older than {config.max_age_days} days"
            )
        elif len(kept) >= config.max_items:
            trimmed.append(
                f"{item.article.id} ({item.article.title!r}): over max_items = {config.max_items}"
            )
        else:
            kept.append(item)
    return kept, trimmed


# Article id -> its feed item and row entry: the same for every trial of the size budget.
_ItemParts = dict[str, tuple[dict[str, Any], RowEntry]]


def _feed_document(
    prepared: Sequence[PreparedArticle],
    config: ChannelConfig,
    state: BuildState,
    now: datetime,
    live_thumbnails: dict[str, str],
    parts: _ItemParts,
) -> dict[str, Any]:
    """The root object (spec §2), keys in a fixed order. `parts` caches items across calls."""
    by_type: dict[str, list[dict[str, Any]]] = {
        "movies": [],
        "shortFormVideos": [],
        "tvSpecials": [],
    }
    episodes: dict[str, list[PreparedArticle]] = {}
    shows = {show.name: show for show in config.shows}
    row_entries: list[RowEntry] = []
    for item in prepared:
        show = show_for(item.article, config.shows)
        if show:
            episodes.setdefault(show.name, []).append(item)
            continue
        if item.article.id not in parts:
            parts[item.article.id] = (
                item_for(item, config),
                RowEntry(
                    item.article.id,
                    item.article.section_path,
                    tuple(tags_for(item.article)),
                    (date_time_text(item.date), item.article.id),
                ),
            )
        feed_item, row_entry = parts[item.article.id]
        by_type[item_type_for(item, config)].append(feed_item)
        row_entries.append(row_entry)
    series = []
    for name, members in episodes.items():
        show = shows[name]
        series.append(series_for(show, members, config))
        newest = max(members, key=lambda p: (p.date, p.article.id))
        row_entries.append(
            RowEntry(
                series_id(show),
                (show.section,),
                (show.section,),
                (date_time_text(newest.date), series_id(show)),
            )
        )
    live = [
        live_item(stream, live_thumbnails[stream.id], state.seen(stream.id, now))
        for stream in config.live
    ]
    rules = list(config.rows) or default_rules(row_entries)
    categories, playlists = build_rows(row_entries, rules)
    newest_date = max((p.date for p in prepared), default=None)
    feed: dict[str, Any] = {
        "providerName": config.provider_name,
        # lastUpdated follows the content, so an unchanged channel gives a byte-identical feed.
        "lastUpdated": date_time_text(newest_date or now),
        "language": config.language,
    }
    for key, value in (
        ("movies", by_type["movies"]),
        ("series", series),
        ("shortFormVideos", by_type["shortFormVideos"]),
        ("tvSpecials", by_type["tvSpecials"]),
        ("liveFeeds", live),
        ("categories", categories),
        ("playlists", playlists),
    ):
        if value:
            feed[key] = value
    return feed
