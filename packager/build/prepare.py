"""Article preparation: one Article → a PreparedArticle (thumbnail, playable video, captions),
with the files it needs copied or rendered into the output folder."""

from __future__ import annotations

import hashlib
import math
import time
from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from packager.build.progress import RENDERING, THUMBNAILS, Progress, ProgressCallback
from packager.config import ChannelConfig
from packager.errors import PackagerError, SourceError
from packager.feed.document import quality_for
from packager.feed.items import CaptionTrack, PlayableVideo, PreparedArticle, date_time_text, utc
from packager.files import copy_atomic
from packager.images import INDEX_NAME as THUMBNAIL_INDEX_NAME
from packager.images import Thumbnail, ThumbnailMaker
from packager.model import Article, Video
from packager.net.fetcher import Fetcher
from packager.outputs import CachedArticle
from packager.sources.media import detect_video_type
from packager.video import RenderOptions, probe_video, render_article_video
from packager.video.hls import package_hls, playlist_files
from packager.video.integrity import mp4_problem
from packager.video.render import RenderedVideo

from .reuse import HostReuse, article_key, entry_of, notes_of, prepared_of, settings_key
from .state import BuildState

LOCAL_VIDEO_TYPES = {"MP4", "MOV", "M4V"}  # files we can copy and serve as they are
# Roku reads integers as signed 32-bit (spec §1: "integer"); a larger duration or bitrate wraps.
MAX_ROKU_INT = 2**31 - 1
# A publication date this far ahead is a typo (or a trick): it would lead "Latest" until then.
FUTURE_DATE_SLACK = timedelta(days=1)


@dataclass
class Counters:
    """Progress through the articles being prepared: thumbnails i/N, renders i/M."""

    articles: int = 0
    thumbnails_done: int = 0
    renders_expected: int = 0
    renders_done: int = 0


class ArticlePreparer:
    """Turns one Article into a PreparedArticle: thumbnail, playable video, caption files."""

    def __init__(  # noqa: PLR0913 - the build's shared context, passed once
        self,
        out_dir: Path,
        config: ChannelConfig,
        state: BuildState,
        fetcher: Fetcher,
        now: datetime,
        executor: Executor | None = None,
        *,
        rerender: bool = False,
        progress: ProgressCallback | None = None,
        reuse: HostReuse | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.config = config
        self.state = state
        self.fetcher = fetcher
        self.now = now
        self.executor = executor
        self.rerender = rerender
        self.progress = progress
        self.reuse = reuse  # what a host holds that this build may take (see `reuse`)
        self.counters = Counters()
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
        self._settings_key = settings_key(config, self.render_options)
        # What the article being prepared made: file name -> its metadata for the manifest.
        self._meta: dict[str, dict[str, float]] = {}

    def outputs_whole(self, prepared: PreparedArticle) -> bool:
        """Whether a cached article can be used as it is: its numbers fit the feed, and every
        file it names is in the output folder, each MP4 whole (one cut short by a killed or
        concurrent build is made again, never reused)."""
        try:  # a cache written before numbers were checked must not bring them back
            _check_roku_integers(prepared.video, prepared.article)
        except SourceError:
            return False
        return all(self.file_whole(name) for name in output_names(prepared, self.config))

    def file_whole(self, name: str) -> bool:
        """Whether OUT/`name` is there and whole (an MP4's boxes, a WebVTT's start)."""
        path = self.out_dir / name
        if not path.is_file() or (path.suffix == ".mp4" and mp4_problem(path)):
            return False
        return not (path.suffix == ".vtt" and not _starts_like_webvtt(path))

    def will_render(self, article: Article) -> bool:
        """Whether `article` is expected to be rendered (for the progress total)."""
        if self.config.render_video == "off":
            return False
        return self.config.render_video == "forced" or not article.videos

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

    def content_key(self, article: Article) -> str | None:
        """The article's content key (see `reuse.article_key`), or None when it cannot be
        told (a remote image that cannot be fetched: preparing the article reports it)."""
        try:
            return article_key(
                article,
                self._settings_key,
                self.config,
                lambda url: self._remote_bytes(url, article),
            )
        except PackagerError:
            return None

    def _remote_bytes(self, url: str, article: Article) -> bytes:
        # Found in the article's page, like the thumbnail's fetch: the private-address guard
        # applies (a page must not make the build fetch from the runner's own network).
        found_in = article.url.strip() or article.origin
        return self.fetcher.get(url, found_in=found_in, expect=("image/",)).content

    def from_entry(
        self, article: Article, entry: CachedArticle
    ) -> tuple[PreparedArticle, list[str]]:
        """The article as a cache entry (this build's or the host's) says it was prepared."""
        notes = notes_of(entry, article)
        date = self._date(article, notes)
        return prepared_of(entry, article, date, self.config), notes

    def prepare(self, article: Article) -> tuple[PreparedArticle, list[str]]:
        """Raises SourceError when the article cannot become a playable item."""
        prepared, notes, _entry = self.prepare_entry(article)
        return prepared, notes

    def prepare_entry(self, article: Article) -> tuple[PreparedArticle, list[str], CachedArticle]:
        """`prepare`, with the cache entry of what it made (its notes without the date's)."""
        self._meta = {}
        # Readers may name the origin in a warning; every note is shown after it once.
        notes = [note.removeprefix(f"{article.origin}: ") for note in article.warnings]
        images = self._images(article, notes)
        self.counters.thumbnails_done += 1
        self._report(THUMBNAILS, self.counters.thumbnails_done, self.counters.articles, article)
        if not images:
            why = "; ".join(note for note in notes if note.startswith("image left out"))
            raise SourceError(
                f"{article.origin}: no usable image for the thumbnail"
                + (f" ({why})" if why else ""),
                location=article.origin,
                hint=_no_image_hint(article),
            )
        video, captions = self._video(article, images, notes)
        _check_roku_integers(video, article)
        captions = [*captions, *self._captions(article, notes)]
        self._meta.setdefault(images[0][1], {}).update(
            width=self.config.thumbnail_width, height=self.config.thumbnail_height
        )
        made = PreparedArticle(
            article=article,
            date=self.now,  # the date comes below: the entry does not depend on it
            thumbnail_url=self.config.asset_url(images[0][1]),
            video=video,
            captions=tuple(captions),
        )
        entry = entry_of(made, list(notes), self.files_of(made), self._meta, self.config)
        prepared = replace(made, date=self._date(article, notes))
        return prepared, notes, entry

    def files_of(self, prepared: PreparedArticle) -> list[str]:
        """Every file of the output folder the article's item needs (HLS segments too)."""
        names = output_names(prepared, self.config)
        for name in list(names):
            path = self.out_dir / name
            if name.endswith(".m3u8") and path.is_file():
                names += [p.relative_to(self.out_dir).as_posix() for p in playlist_files(path)]
        return names

    def article_date(self, article: Article) -> datetime:
        """The date the article's feed item will have (see `_date`), known before any of its
        files is made: the build decides with it which articles the limits leave out."""
        if not article.published:
            return self.state.seen(article.id, self.now)
        return utc(article.published)

    def _date(self, article: Article, notes: list[str]) -> datetime:
        if not article.published:
            date = self.article_date(article)
            using = f"using {date_time_text(date)}, when packager first saw it"
            # The reader may have said "no date" already (with how to add one): say it once.
            said = next((i for i, note in enumerate(notes) if note.startswith("no date")), None)
            if said is None:
                notes.append(f"no publication date: {using}")
            else:
                notes[said] = f"{notes[said]}; meanwhile {using}"
            return date
        date = self.article_date(article)
        if date > self.now + FUTURE_DATE_SLACK:
            notes.append(
                f"publication date {date_time_text(date)} is more than a day in the future: "
                f"article {article.id} would stay first in 'Latest' until then "
                "(check the date in the article)"
            )
        return date

    def _report(self, stage: str, done: int, total: int, article: Article) -> None:
        if self.progress is not None:
            self.progress(Progress(stage, done, max(done, total), article.origin))

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
                    thumbnail = self._thumbnail(image.location, article)
            except PackagerError as error:
                notes.append(f"image left out: {error.message}")
                continue
            notes.extend(f"{image.location}: {warning}" for warning in thumbnail.warnings)
            made.append((self.out_dir / thumbnail.relative_path, thumbnail.relative_path))
        return made

    def _thumbnail(self, location: str, article: Article) -> Thumbnail:
        source: Path | bytes
        if location.startswith(("http://", "https://")):
            found_in = article.url.strip() or article.origin
            source = self.fetcher.get(location, found_in=found_in).content
        else:
            source = Path(location)
        return self.thumbnails.make(source, origin=location)

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
                hint="add a video file or URL to the article, or "
                + self.config.how_to_set("render_video", "on"),
            )
        if not self.will_render(article):  # its own video was unplayable: one more render
            self.counters.renders_expected += 1
        rendered = self._render(article, images)
        self._meta[rendered.video_path] = _video_meta(
            rendered.duration_seconds, rendered.bitrate_kbps, rendered.width, rendered.height
        )
        self.counters.renders_done += 1
        self._report(RENDERING, self.counters.renders_done, self.counters.renders_expected, article)
        notes.extend(rendered.warnings)
        duration = _whole_seconds(rendered.duration_seconds)
        caption = CaptionTrack(self.config.asset_url(rendered.captions_path), rendered.language)
        if self.config.video_hls:
            playlist = package_hls(self.out_dir / rendered.video_path, self.out_dir)
            hls = PlayableVideo(
                self.config.asset_url(playlist), "HLS", quality_for(rendered.height), duration
            )
            return hls, [caption]
        playable = PlayableVideo(
            url=self.config.asset_url(rendered.video_path),
            video_type="MP4",
            quality=quality_for(rendered.height),
            duration_seconds=duration,
            bitrate_kbps=rendered.bitrate_kbps,
        )
        return playable, [caption]

    def _render(self, article: Article, images: list[tuple[Path, str]]) -> RenderedVideo:
        """Render the article, or reuse an earlier render only when its MP4 is whole (and
        `rerender` is off): a render cut short (a killed build, a second build at once) is
        made again, never put in the feed."""
        started = time.time_ns()
        for _attempt in range(2):
            rendered = render_article_video(
                article,
                [path for path, _ in images],
                self.out_dir,
                self.render_options,
                channel_name=self.config.provider_name,
            )
            video_path = self.out_dir / rendered.video_path
            reused = _modified_before(video_path, started)
            if not mp4_problem(video_path) and not (self.rerender and reused):
                return rendered
            video_path.unlink(missing_ok=True)  # the caption file marks a render as done:
            (self.out_dir / rendered.captions_path).unlink(missing_ok=True)  # both go
        problem = mp4_problem(self.out_dir / rendered.video_path)
        if problem:
            raise SourceError(
                f"the rendered video {rendered.video_path} is incomplete: {problem}",
                location=article.origin,
                hint="check the disk space of the output folder and build again",
            )
        return rendered

    def _playable(self, video: Video, notes: list[str]) -> PlayableVideo | None:
        """The article's video as the feed plays it, or None (with a note) if it cannot be."""
        location, duration = video.location, video.duration_seconds
        kind = video.video_type or detect_video_type(location)
        if location.startswith(("http://", "https://")):
            return self._remote_playable(video, kind, notes)
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
        relative = copy_hashed(path, self.out_dir, "videos")
        duration = info.duration_seconds
        self._meta[relative] = _video_meta(duration, info.bitrate_kbps, info.width, info.height)
        return PlayableVideo(
            self.config.asset_url(relative),
            kind,
            quality_for(info.height),
            _whole_seconds(duration),
            info.bitrate_kbps,
        )

    def _remote_playable(self, video: Video, kind: str, notes: list[str]) -> PlayableVideo | None:
        location, duration = video.location, video.duration_seconds
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
            _whole_seconds(duration),
            video.bitrate_kbps if kind in LOCAL_VIDEO_TYPES else None,
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
                url = self.config.asset_url(copy_hashed(path, self.out_dir, "captions"))
            tracks.append(CaptionTrack(url, language, caption.caption_type or "SUBTITLE"))
        return tracks


def output_names(prepared: PreparedArticle, config: ChannelConfig) -> list[str]:
    """The files of the output folder an article's item uses (thumbnail, video, captions)."""
    prefix = config.base_url.rstrip("/") + "/"
    urls = [prepared.thumbnail_url, prepared.video.url, *(c.url for c in prepared.captions)]
    return [url[len(prefix) :] for url in urls if url.startswith(prefix)]


def _video_meta(duration: float, bitrate: int | None, width: int, height: int) -> dict[str, float]:
    """What the manifest keeps of a video (`outputs.CACHE_META_FIELDS`)."""
    meta: dict[str, float] = {"duration": duration, "width": width, "height": height}
    if bitrate is not None:
        meta["bitrate"] = bitrate
    return meta


def _whole_seconds(seconds: float) -> int:
    """A video's duration as the feed gives it: whole seconds, at least 1."""
    if not math.isfinite(seconds):
        raise SourceError(
            f"video duration {seconds} is not a number of seconds",
            hint="correct the video's duration in the article (e.g. `duration: 90`)",
        )
    return max(1, round(seconds))


def _check_roku_integers(video: PlayableVideo, article: Article) -> None:
    """Spec §1: feed integers are 32-bit on the device; refuse a video whose duration or
    bitrate would wrap there rather than clamp it to a number that is not true."""
    for field_name, value, unit in (
        ("duration", video.duration_seconds, "seconds"),
        ("bitrate", video.bitrate_kbps, "kbps"),
    ):
        if value is not None and value > MAX_ROKU_INT:
            shown = f"{value:,}" if value < 10**15 else f"{value:.3g}"
            raise SourceError(
                f"video {field_name} {shown} {unit} is beyond what Roku reads "
                f"(at most {MAX_ROKU_INT:,})",
                location=article.origin,
                hint=f"correct the video's {field_name} in the article (or leave it out "
                "for a local file, which is probed)",
            )


def _starts_like_webvtt(path: Path) -> bool:
    """Whether a caption file starts as WebVTT must (W3C WebVTT §4.1: an optional BOM, then
    "WEBVTT"): an empty or overwritten one is made again."""
    try:
        with path.open("rb") as handle:
            return handle.read(9).removeprefix(b"\xef\xbb\xbf").startswith(b"WEBVTT")
    except OSError:
        return False


def _modified_before(path: Path, moment_ns: int) -> bool:
    try:
        return path.stat().st_mtime_ns < moment_ns
    except OSError:
        return False


def file_digest(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_hashed(path: Path, out_dir: Path, folder: str) -> str:
    """Copy `path` to OUT/folder/<content hash><ext> (once) and return its relative path.

    An existing copy is reused only when it is whole (the source's size; for an MP4 also its
    boxes): a copy cut short is made again, atomically (`files.copy_atomic`)."""
    relative = f"{folder}/{file_digest(path)}{path.suffix.lower()}"
    target = out_dir / relative
    if not _copy_is_whole(target, path):
        copy_atomic(path, target)
    return relative


def _copy_is_whole(target: Path, source: Path) -> bool:
    try:
        if not target.is_file() or target.stat().st_size != source.stat().st_size:
            return False
    except OSError:
        return False
    return target.suffix.lower() not in {".mp4", ".m4v"} or not mp4_problem(target)


def _no_image_hint(article: Article) -> str:
    """The fix for an article without a usable picture, where it came from: a bundle gets a
    photo; a page or feed entry names pictures that could not be fetched or used."""
    if article.origin.startswith(("http://", "https://")):
        return (
            "the page's pictures could not be fetched or used (see the reasons above); check "
            "that its og:image or article images answer, or give the article as a bundle with a "
            "photo; Roku needs a 16:9 thumbnail"
        )
    return "add a photo (jpg, png, webp or gif) to the bundle; Roku needs a 16:9 thumbnail"
