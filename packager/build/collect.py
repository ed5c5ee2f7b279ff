"""Read-ahead scheduling: every SOURCE is read first (unchanged bundles come from the cache),
then the articles are prepared in order while the thumbnails of the next few are made in the
thread pool (Pillow releases the GIL while it decodes, resizes and encodes).

Articles the feed's limits (`max_items`, `max_age_days`) would leave out are not made at all
when the newer ones fill the feed: their dates are known before their files are (a source
that lists its archive, read on a fresh CI runner, would otherwise make and render every
article only to drop most of them). If newer ones fail, the newest of those left out are
made after all, until the feed is full.

Everything but the thumbnails runs in bundle order on the calling thread, so the feed, notes
and report do not depend on the number of workers.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from packager.build.progress import READING, Progress
from packager.config import ChannelConfig
from packager.errors import SourceError, SourceUnreachableError
from packager.feed.items import PreparedArticle
from packager.model import Article
from packager.outputs import CachedArticle
from packager.secrets import redact_url
from packager.sources import ReadOptions
from packager.sources.bundle import ARTICLE_KIND_BY_NAME, bundle_folders, read_bundle
from packager.sources.remote import read_remote
from packager.video import RenderOptions, speech_engine_key

from .prepare import ArticlePreparer
from .result import Skipped
from .reuse import foreign_urls
from .state import (
    cache_key,
    config_fingerprint,
    folder_signature,
    prepared_from_dict,
    prepared_to_dict,
)


def bundle_cache_fingerprint(config: ChannelConfig, render: RenderOptions) -> str:
    """The part of an unchanged bundle's cache key that is not the bundle: the settings that
    change its files and the speech engine found (with its version), so installing or
    updating espeak-ng reaches the renderer, which a reused bundle would otherwise skip."""
    return cache_key(config_fingerprint(config), speech_engine_key(render))


# Bundles whose thumbnails are made ahead of the one being prepared, per worker: enough to
# keep the pool busy while the calling thread parses and writes; few enough for flat memory.
LOOKAHEAD_PER_WORKER = 2


@dataclass
class Collected:
    """Everything the articles gave: prepared items, skipped ones, notes."""

    prepared: list[PreparedArticle] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reused: int = 0
    processed: int = 0
    unreachable: list[str] = field(default_factory=list)
    # What the build cache says of each article, by content key (see `reuse`).
    entries: dict[str, CachedArticle] = field(default_factory=dict)
    from_host: int = 0  # articles whose files the host holds (nothing made here)
    remote: set[str] = field(default_factory=set)  # their files this folder lacks
    # Articles the limits leave out that were never made, as "id (title): why" (see run).
    left_out: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Reuse:
    """An article's content key and what an earlier build made of it (locally or on the host)."""

    key: str
    entry: CachedArticle
    prepared: PreparedArticle
    notes: list[str]


@dataclass
class _Bundle:
    """One article on its way: read (or an error), or taken from the cache."""

    key: str | None
    reused: _Reuse | None = None  # from this folder's own cache (unchanged bundle)
    found: Article | SourceError | None = None
    started: bool = False  # its thumbnails are being made in the pool
    content_key: str | None = None
    from_host: CachedArticle | None = None  # the host holds its files

    @property
    def article_id(self) -> str:
        """The id of the feed item this bundle gives ("" when it gives none)."""
        if self.reused is not None:
            return self.reused.prepared.article.id
        return self.found.id if isinstance(self.found, Article) else ""


@dataclass(frozen=True)
class FeedLimits:
    """The feed's limits on its articles: the `max_items` newest, none older than
    `max_age_days` (0: no age limit). The build applies them before making any file (see
    `_Collector`) and on the articles made (`assemble`)."""

    max_items: int
    max_age_days: int
    oldest: datetime | None  # the oldest date allowed

    @classmethod
    def of(cls, config: ChannelConfig, now: datetime) -> FeedLimits:
        days = config.max_age_days
        return cls(config.max_items, days, now - timedelta(days=days) if days else None)

    def too_old(self, date: datetime) -> bool:
        return self.oldest is not None and date < self.oldest

    def why_left_out(self, date: datetime, newer: int) -> str:
        """Why an article of `date` stays out of a feed that holds `newer` newer ones, or ""
        when it goes in."""
        if self.too_old(date):
            return f"older than {self.max_age_days} days"
        if newer >= self.max_items:
            return f"over max_items = {self.max_items}"
        return ""


def left_out_note(article: Article, why: str) -> str:
    """How the build report names an article the limits leave out."""
    return f"{article.id} ({article.title!r}): {why}"


def _to_make(bundle: _Bundle) -> bool:
    """Whether the bundle's files are made here (not taken from this folder's cache or the host)."""
    return isinstance(bundle.found, Article) and bundle.reused is None and not bundle.from_host


def collect(
    sources: list[str],
    preparer: ArticlePreparer,
    options: ReadOptions,
    collected: Collected,
    lookahead: int,
) -> None:
    """Read every source, then prepare its articles in order into `collected`; an article
    whose content key `preparer.reuse` finds on the host is taken from there (nothing made)."""
    _Collector(preparer, options, collected, lookahead).run(sources)


class _Collector:
    """Reads the sources, then prepares their articles with thumbnails `lookahead` ahead."""

    def __init__(
        self,
        preparer: ArticlePreparer,
        options: ReadOptions,
        collected: Collected,
        lookahead: int,
    ) -> None:
        self.preparer = preparer
        self.options = options
        self.collected = collected
        self.lookahead = lookahead
        self.reuse = preparer.reuse
        self.fingerprint = bundle_cache_fingerprint(preparer.config, preparer.render_options)
        self.started = 0  # thumbnails started while reading: the first `lookahead` articles
        self.limits = FeedLimits.of(preparer.config, preparer.now)

    def run(self, sources: list[str]) -> None:
        bundles: list[_Bundle] = []
        for source in sources:
            bundles += self._read_source(source)
        for bundle in bundles:
            self._look_up(bundle)
        spare, too_old = self._beyond_limits(bundles)
        waiting = {id(bundle) for bundle in (*spare, *too_old)}
        now = [bundle for bundle in bundles if id(bundle) not in waiting]
        articles = [b.found for b in now if _to_make(b) and isinstance(b.found, Article)]
        self.preparer.counters.articles = len(articles)
        self.preparer.counters.renders_expected = sum(map(self.preparer.will_render, articles))
        self._prepare(now)
        # Newer articles that failed leave room: the newest of the spare ones fill it.
        while spare and self._feed_count() < self.limits.max_items:
            self._prepare([spare.pop(0)])
        self.collected.left_out += [
            left_out_note(b.found, self.limits.why_left_out(date, self.limits.max_items))
            for b in (*spare, *too_old)
            if isinstance(b.found, Article) and (date := self._date(b)) is not None
        ]

    def _prepare(self, bundles: list[_Bundle]) -> None:
        pending: deque[_Bundle] = deque()
        for bundle in bundles:
            pending.append(bundle)
            self._start(bundle)
            while len(pending) > self.lookahead:
                self._finish(pending.popleft())
        while pending:
            self._finish(pending.popleft())

    def _beyond_limits(self, bundles: list[_Bundle]) -> tuple[list[_Bundle], list[_Bundle]]:
        """The articles still to make that the limits leave out: those past `max_items` if
        every newer one makes it into the feed (newest first: made after all if newer ones
        fail), and those older than `max_age_days` (never). Ranked as the feed ranks them
        (date, then id, newest first); an article sharing the id of one in the feed is made
        (and reported as a duplicate)."""
        ranked = sorted(
            ((date, b.article_id, b) for b in bundles if (date := self._date(b)) is not None),
            key=lambda entry: (entry[0], entry[1]),
            reverse=True,
        )
        in_feed: set[str] = set()
        spare: list[_Bundle] = []
        too_old: list[_Bundle] = []
        for date, article_id, bundle in ranked:
            if not self.limits.why_left_out(date, len(in_feed)):
                in_feed.add(article_id)
            elif _to_make(bundle) and article_id not in in_feed:
                (too_old if self.limits.too_old(date) else spare).append(bundle)
        return spare, too_old

    def _date(self, bundle: _Bundle) -> datetime | None:
        """The date of the feed item the bundle gives, None when it gives none."""
        if bundle.reused is not None:
            return bundle.reused.prepared.date
        if isinstance(bundle.found, Article):
            return self.preparer.article_date(bundle.found)
        return None

    def _feed_count(self) -> int:
        """How many different articles made so far are young enough for the feed."""
        made = self.collected.prepared
        return len({p.article.id for p in made if not self.limits.too_old(p.date)})

    def _start(self, bundle: _Bundle) -> None:
        self._look_up(bundle)
        if isinstance(bundle.found, Article) and not bundle.started and not bundle.from_host:
            self.preparer.make_thumbnails_ahead(bundle.found)
            bundle.started = True

    def _look_up(self, bundle: _Bundle) -> None:
        """The article's content key, and the host's entry for it (once per bundle)."""
        if not isinstance(bundle.found, Article) or bundle.content_key is not None:
            return
        bundle.content_key = self.preparer.content_key(bundle.found)
        rerender = self.preparer.rerender
        if self.reuse is not None and bundle.content_key is not None and not rerender:
            entry = self.reuse.entry(bundle.content_key)
            foreign = foreign_urls(entry, bundle.found) if entry is not None else []
            if foreign:
                self.collected.notes.append(
                    f"{bundle.found.id}: the build cache on {self.reuse.target} is not used for "
                    f"this article (it names {foreign[0]}, not one of its files); it is made "
                    "again"
                )
                entry = None
            bundle.from_host = entry

    def _read_source(self, source: str) -> list[_Bundle]:
        progress = self.preparer.progress
        if source.startswith(("http://", "https://")):
            found_all = list(read_remote([source], fetcher=self.preparer.fetcher))
            for found in found_all:
                if _source_unreachable(found, source):
                    self.collected.unreachable.append(redact_url(source))
            if progress:
                progress(Progress(READING, 1, 1, redact_url(source)))
            return [_Bundle(None, found=found) for found in found_all]
        folders = bundle_folders(Path(source))
        bundles = []
        for done, folder in enumerate(folders, start=1):
            if isinstance(folder, SourceError):
                bundle = _Bundle(None, found=folder)
            else:
                bundle = self._open_bundle(folder)
            if self.started < self.lookahead and isinstance(bundle.found, Article):
                self._start(bundle)  # the pool starts while the rest is read
                self.started += 1
            bundles.append(bundle)
            if progress:
                name = folder.name if isinstance(folder, Path) else Path(folder.location).name
                progress(Progress(READING, done, len(folders), name))
        return bundles

    def _open_bundle(self, folder: Path) -> _Bundle:
        """The cached result of an unchanged bundle, or its article (or why it has none)."""
        signature = folder_signature(folder) if _has_article_file(folder) else None
        key = None
        if signature is not None:
            key = cache_key(self.fingerprint, str(folder.resolve()), signature)
        bundle = _Bundle(key)
        preparer = self.preparer
        cached = preparer.state.cached(key) if key and not preparer.rerender else None
        if cached is not None:
            bundle.reused = _cached_reuse(cached, preparer)
            if bundle.reused is not None:
                return bundle
        try:
            bundle.found = read_bundle(folder, self.options)
        except SourceError as error:
            bundle.found = error
        return bundle

    def _finish(self, bundle: _Bundle) -> None:
        collected = self.collected
        if bundle.reused is not None:
            reused = bundle.reused
            collected.prepared.append(reused.prepared)
            origin = reused.prepared.article.origin
            collected.notes.extend(origin_note(origin, n) for n in reused.notes)
            collected.entries[reused.key] = reused.entry
            collected.reused += 1
        elif isinstance(bundle.found, Article) and bundle.from_host and bundle.content_key:
            self._take_from_host(bundle.found, bundle.content_key, bundle.from_host)
        elif bundle.found is not None:
            _take(bundle.found, bundle.key, bundle.content_key, self.preparer, collected)

    def _take_from_host(self, article: Article, key: str, entry: CachedArticle) -> None:
        """Use what the host holds: the files this folder has whole stay, the rest are the
        host's (a remnant cut short here is removed, so publish never sends it over them)."""
        preparer, collected = self.preparer, self.collected
        prepared, notes = preparer.from_entry(article, entry)
        for name in entry.files:
            if not preparer.file_whole(name):
                (preparer.out_dir / name).unlink(missing_ok=True)
                collected.remote.add(name)
        collected.prepared.append(prepared)
        collected.notes.extend(origin_note(article.origin, note) for note in notes)
        collected.entries[key] = entry
        collected.from_host += 1


def _has_article_file(folder: Path) -> bool:
    """Whether `folder` holds an article file at its top (a bundle): only then is it worth
    fingerprinting; a folder without one (a link to /usr) is read once and refused."""
    try:
        return any(entry.name.lower() in ARTICLE_KIND_BY_NAME for entry in folder.iterdir())
    except OSError:
        return False


def _source_unreachable(found: Article | SourceError, source: str) -> bool:
    """Whether `found` says the SOURCE URL itself could not be fetched (not one entry of it)."""
    return (
        isinstance(found, SourceError)
        and isinstance(found.__cause__, SourceUnreachableError)
        and found.location == redact_url(source)
    )


def _cached_reuse(cached: dict[str, Any], preparer: ArticlePreparer) -> _Reuse | None:
    """An unchanged bundle's cached result, when its files are whole in the output folder;
    None for an entry of an older version (no content key: prepared again, cheaply)."""
    try:
        prepared, notes = prepared_from_dict(cached)
        key, entry = str(cached["contentKey"]), CachedArticle.from_dict(cached["entry"])
    except (KeyError, TypeError, ValueError):
        return None
    if not preparer.outputs_whole(prepared):
        return None
    return _Reuse(key, entry, prepared, notes)


def _take(
    found: Article | SourceError,
    key: str | None,
    content_key: str | None,
    preparer: ArticlePreparer,
    collected: Collected,
) -> None:
    if isinstance(found, SourceError):
        collected.skipped.append(Skipped.of(found.location, found))
        return
    try:
        prepared, notes, entry = preparer.prepare_entry(found)
    except SourceError as error:
        collected.skipped.append(Skipped.of(found.origin, error, found.id))
        return
    collected.processed += 1
    collected.prepared.append(prepared)
    collected.notes.extend(origin_note(found.origin, note) for note in notes)
    if content_key is None:
        return
    collected.entries[content_key] = entry
    if key is not None:
        stored = {**prepared_to_dict(prepared, notes), "contentKey": content_key}
        preparer.state.store(key, {**stored, "entry": entry.as_dict()})


def origin_note(origin: str, note: str) -> str:
    """'origin: note', naming the origin once even when the note already starts with it."""
    return f"{origin}: {note.removeprefix(f'{origin}: ')}"
