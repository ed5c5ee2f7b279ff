"""Read-ahead scheduling: every SOURCE is read first (unchanged bundles come from the cache),
then the articles are prepared in order while the thumbnails of the next few are made in the
thread pool (Pillow releases the GIL while it decodes, resizes and encodes).

Everything but the thumbnails runs in bundle order on the calling thread, so the feed, notes
and report do not depend on the number of workers.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from packager.build.progress import READING, Progress
from packager.errors import SourceError, SourceUnreachableError
from packager.feed.items import PreparedArticle
from packager.model import Article
from packager.net.urls import redact
from packager.sources import ReadOptions
from packager.sources.bundle import ARTICLE_KIND_BY_NAME, bundle_folders, read_bundle
from packager.sources.remote import read_remote

from .prepare import ArticlePreparer
from .result import Skipped
from .state import (
    cache_key,
    config_fingerprint,
    folder_signature,
    prepared_from_dict,
    prepared_to_dict,
)

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


@dataclass
class _Bundle:
    """One article on its way: read (or an error), or taken from the cache."""

    key: str | None
    reused: tuple[PreparedArticle, list[str]] | None = None
    found: Article | SourceError | None = None
    started: bool = False  # its thumbnails are being made in the pool


def collect(
    sources: list[str],
    preparer: ArticlePreparer,
    options: ReadOptions,
    collected: Collected,
    lookahead: int,
) -> None:
    """Read every source, then prepare its articles in order into `collected`."""
    _Collector(preparer, options, collected, lookahead).run(sources)


class _Collector:
    """Reads the sources, then prepares their articles with thumbnails `lookahead` ahead."""

    def __init__(
        self, preparer: ArticlePreparer, options: ReadOptions, collected: Collected, lookahead: int
    ) -> None:
        self.preparer = preparer
        self.options = options
        self.collected = collected
        self.lookahead = lookahead
        self.fingerprint = config_fingerprint(preparer.config)
        self.started = 0  # thumbnails started while reading: the first `lookahead` articles

    def run(self, sources: list[str]) -> None:
        bundles: list[_Bundle] = []
        for source in sources:
            bundles += self._read_source(source)
        articles = [b.found for b in bundles if isinstance(b.found, Article)]
        self.preparer.counters.articles = len(articles)
        self.preparer.counters.renders_expected = sum(map(self.preparer.will_render, articles))
        pending: deque[_Bundle] = deque()
        for bundle in bundles:
            pending.append(bundle)
            self._start(bundle)
            while len(pending) > self.lookahead:
                self._finish(pending.popleft())
        while pending:
            self._finish(pending.popleft())

    def _start(self, bundle: _Bundle) -> None:
        if isinstance(bundle.found, Article) and not bundle.started:
            self.preparer.make_thumbnails_ahead(bundle.found)
            bundle.started = True

    def _read_source(self, source: str) -> list[_Bundle]:
        progress = self.preparer.progress
        if source.startswith(("http://", "https://")):
            found_all = list(read_remote([source], fetcher=self.preparer.fetcher))
            for found in found_all:
                if _source_unreachable(found, source):
                    self.collected.unreachable.append(redact(source))
            if progress:
                progress(Progress(READING, 1, 1, redact(source)))
            return [_Bundle(None, found=found) for found in found_all]
        folders = bundle_folders(Path(source))
        bundles = []
        for done, folder in enumerate(folders, start=1):
            bundle = self._open_bundle(folder)
            if self.started < self.lookahead and isinstance(bundle.found, Article):
                self._start(bundle)  # the pool starts while the rest is read
                self.started += 1
            bundles.append(bundle)
            if progress:
                progress(Progress(READING, done, len(folders), folder.name))
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
            prepared, notes = prepared_from_dict(cached)
            if preparer.outputs_whole(prepared):
                bundle.reused = (prepared, notes)
                return bundle
        try:
            bundle.found = read_bundle(folder, self.options)
        except SourceError as error:
            bundle.found = error
        return bundle

    def _finish(self, bundle: _Bundle) -> None:
        collected = self.collected
        if bundle.reused is not None:
            prepared, notes = bundle.reused
            collected.prepared.append(prepared)
            collected.notes.extend(origin_note(prepared.article.origin, n) for n in notes)
            collected.reused += 1
        elif bundle.found is not None:
            _take(bundle.found, bundle.key, self.preparer, collected)


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
        and found.location == redact(source)
    )


def _take(
    found: Article | SourceError, key: str | None, preparer: ArticlePreparer, collected: Collected
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
    collected.notes.extend(origin_note(found.origin, note) for note in notes)
    if key is not None:
        preparer.state.store(key, prepared_to_dict(prepared, notes))


def origin_note(origin: str, note: str) -> str:
    """'origin: note', naming the origin once even when the note already starts with it."""
    return f"{origin}: {note.removeprefix(f'{origin}: ')}"
