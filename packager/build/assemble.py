"""Assembly: prepared articles → the feed document within the limits and the size budget,
validated with its other formats, and written only when the whole build is valid."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from packager.build.progress import VALIDATING, WRITING, Progress, ProgressCallback
from packager.config import ChannelConfig
from packager.feed.derived import left_out
from packager.feed.document import ItemParts, feed_document
from packager.feed.items import PreparedArticle, date_time_text, live_item, tags_for, utc
from packager.feed.mrss import mrss_bytes
from packager.feed.rows import RowEntry, empty_rules
from packager.feed.search_feed import search_feed
from packager.files import write_atomic
from packager.images import INDEX_NAME as THUMBNAIL_INDEX_NAME
from packager.images import compact_thumbnail_index
from packager.jsonio import feed_bytes, pretty_bytes
from packager.layout import BUILD_CACHE_NAME, FEED_NAME, MRSS_NAME, SEARCH_FEED_NAME
from packager.outputs import BuildCache, Pruned, prune_output
from packager.spec import CONTENT_ARRAYS, walk_feed
from packager.validate import (
    ValidationResult,
    check_document,
    check_mrss_bytes,
    check_search_document,
)
from packager.validate.loading import parse_feed

from .collect import Collected, FeedLimits, left_out_note
from .prepare import output_names
from .result import BuildResult, Skipped
from .state import BuildState


@dataclass(frozen=True)
class AssemblyOptions:
    """How the feed is checked and guarded before it replaces the previous one."""

    strict: bool = False
    allow_shrink: bool = False
    progress: ProgressCallback | None = None


@dataclass
class _Feed:
    """The feed being fitted: kept articles, the document and its bytes."""

    kept: list[PreparedArticle]
    trimmed: list[str]
    document: dict[str, Any] = field(default_factory=dict)
    raw: bytes = b""
    others: dict[str, bytes] = field(default_factory=dict)  # feed.xml, search.json


def assemble_feed(  # noqa: PLR0913 - the build's context, passed once from build_feed
    out_dir: Path,
    config: ChannelConfig,
    state: BuildState,
    now: datetime,
    collected: Collected,
    live_thumbnails: dict[str, str],
    options: AssemblyOptions,
) -> BuildResult:
    """Make, check and (when the whole build is valid) write the feed and its other formats."""
    skipped, unique = _unique(collected)
    kept, trimmed = _apply_limits(unique, config, now)
    trimmed += collected.left_out  # older still: the limits left them out before making them
    live = [
        live_item(stream, live_thumbnails[stream.id], state.seen(stream.id, now))
        for stream in config.live
    ]
    feed = _fit(_Feed(kept, trimmed), config, live, date_time_text(now))
    _report(options, VALIDATING, 0, 1)
    validation = check_document(parse_feed(str(out_dir / FEED_NAME), feed.raw))
    extra = _other_formats(out_dir, config, feed)
    _report(options, VALIDATING, 1, 1)
    has_items = any(feed.document.get(kind) for kind in CONTENT_ARRAYS)
    valid = all(v.ok and not (options.strict and v.warnings) for v in [validation, *extra.values()])
    previous = _previous_ids(out_dir / FEED_NAME)
    refusal = _shrink_refusal(previous, feed.document) if valid and has_items else ""
    if options.allow_shrink:
        refusal = ""
    written = valid and has_items and not refusal
    notes = list(collected.notes)
    notes += [f"{config.path or 'config'}: {why}" for why in _empty_rows(feed, config)]
    pruned = Pruned()
    if written:
        _report(options, WRITING, 0, 1)
        pruned = _write(out_dir, config, state, feed, extra, collected)
        if extra:
            notes.extend(left_out(feed.document))
        _report(options, WRITING, 1, 1)
    result = BuildResult(
        out_dir=out_dir,
        feed_written=written,
        item_counts={k: len(feed.document[k]) for k in CONTENT_ARRAYS if feed.document.get(k)},
        skipped=tuple(skipped),
        trimmed=tuple(feed.trimmed),
        notes=tuple(notes),
        validation=validation,
        strict=options.strict,
        has_items=has_items,
        feed_size=len(feed.raw),
        reused=collected.reused,
        prepared=collected.processed,
        from_host=collected.from_host,
        duplicates=len(skipped) - len(collected.skipped),
        unreachable=tuple(collected.unreachable),
        extra_files=extra,
        pruned=pruned,
        previous_feed=previous is not None,
        shrink_refused=refusal,
    )
    _write_report(result)
    return result


def _write_report(result: BuildResult) -> None:
    """The build report, where `BuildResult.report_path` says."""
    write_atomic(result.report_path, pretty_bytes(result.as_dict()))


def _report(options: AssemblyOptions, stage: str, done: int, total: int) -> None:
    if options.progress is not None:
        options.progress(Progress(stage, done, total))


def _unique(collected: Collected) -> tuple[list[Skipped], list[PreparedArticle]]:
    """Articles newest first, one per id: a later one with the same id is skipped."""
    skipped = list(collected.skipped)
    unique: dict[str, PreparedArticle] = {}
    for prepared in sorted(collected.prepared, key=lambda p: (p.date, p.article.id), reverse=True):
        article = prepared.article
        if article.id in unique:
            skipped.append(
                Skipped(
                    article.origin,
                    f"same id {article.id!r} as {unique[article.id].article.origin}",
                    "give one of the articles its own id in its front matter",
                    article.id,
                )
            )
            continue
        unique[article.id] = prepared
    return skipped, list(unique.values())


def _fit(feed: _Feed, config: ChannelConfig, live: list[dict[str, Any]], now_text: str) -> _Feed:
    """The feed of the most newest-first articles that fits the size budget."""
    parts: ItemParts = {}

    def document(count: int) -> tuple[dict[str, Any], bytes]:
        made = feed_document(feed.kept[:count], config, live, parts, now_text)
        return made, feed_bytes(made)

    feed.document, feed.raw = document(len(feed.kept))
    if len(feed.raw) <= config.size_budget or not feed.kept:
        return feed
    # The oldest items go until the feed fits. Every item kept makes the feed longer, so the
    # largest newest-first share that fits is found by bisection: a handful of feed
    # documents instead of one per dropped item (the items themselves are made once).
    fitting, too_many = 0, len(feed.kept)
    while too_many - fitting > 1:
        middle = (fitting + too_many) // 2
        if len(document(middle)[1]) <= config.size_budget:
            fitting = middle
        else:
            too_many = middle
    for oldest in reversed(feed.kept[fitting:]):  # newest first: the last one is the oldest
        feed.trimmed.append(
            f"{oldest.article.id} ({oldest.article.title!r}, {utc(oldest.date).date()}): "
            f"over the {config.size_budget:,}-byte size budget"
        )
    feed.kept = feed.kept[:fitting]
    feed.document, feed.raw = document(fitting)
    return feed


def _other_formats(
    out_dir: Path, config: ChannelConfig, feed: _Feed
) -> dict[str, ValidationResult]:
    """feed.xml and search.json (as [channel] formats asks) from the feed, each validated;
    `_write` writes them with the feed."""
    made: dict[str, ValidationResult] = {}
    if "mrss" in config.formats:
        xml = mrss_bytes(feed.document, config)
        made[MRSS_NAME] = check_mrss_bytes(str(out_dir / MRSS_NAME), xml)
        feed.others[MRSS_NAME] = xml
    if "roku-search" in config.formats:
        search = feed_bytes(search_feed(feed.document, config))
        path = str(out_dir / SEARCH_FEED_NAME)
        made[SEARCH_FEED_NAME] = check_search_document(parse_feed(path, search))
        feed.others[SEARCH_FEED_NAME] = search
    return made


def _write(  # noqa: PLR0913 - one write step with the build's context
    out_dir: Path,
    config: ChannelConfig,
    state: BuildState,
    feed: _Feed,
    extra: dict[str, ValidationResult],
    collected: Collected,
) -> Pruned:
    """Write the other formats, then feed.json (the file publish starts from) last; then prune
    the assets no feed has named for a while."""
    for name, content in feed.others.items():
        write_atomic(out_dir / name, content)
    # What each article made (and which files the host holds instead), before the feed
    # that names them: publish reads it to record content keys and to trust the host.
    remote = frozenset(collected.remote)
    write_atomic(out_dir / BUILD_CACHE_NAME, BuildCache(collected.entries, remote).to_bytes())
    write_atomic(out_dir / FEED_NAME, feed.raw)
    # Articles left out by the limits keep their files while their sources last.
    in_build = {name for item in collected.prepared for name in output_names(item, config)}
    pruned = prune_output(
        out_dir, config.base_url, other_formats=set(extra), also_in_use=in_build, remote=remote
    )
    if pruned.names:
        compact_thumbnail_index(state.folder / THUMBNAIL_INDEX_NAME, out_dir)
    return pruned


def _apply_limits(
    prepared: list[PreparedArticle], config: ChannelConfig, now: datetime
) -> tuple[list[PreparedArticle], list[str]]:
    trimmed: list[str] = []
    kept: list[PreparedArticle] = []
    limits = FeedLimits.of(config, now)
    for item in prepared:  # newest first
        why = limits.why_left_out(item.date, len(kept))
        if why:
            trimmed.append(left_out_note(item.article, why))
        else:
            kept.append(item)
    return kept, trimmed


def _feed_ids(feed: object) -> set[str]:
    """The ids of a feed's items and episodes."""
    return {
        str(node.item["id"]) for node in walk_feed(feed) if isinstance(node.item.get("id"), str)
    }


def _previous_ids(path: Path) -> set[str] | None:
    """The item ids of the feed this build would replace, or None when there is none (or it
    cannot be read, so there is nothing to protect)."""
    try:
        return _feed_ids(json.loads(path.read_bytes()))
    except (OSError, ValueError):
        return None


def _shrink_refusal(previous: set[str] | None, feed: dict[str, Any]) -> str:
    """Why the feed must not replace `previous`: it would lose more than half its items."""
    if not previous:
        return ""
    lost = len(previous - _feed_ids(feed))
    if 2 * lost <= len(previous):
        return ""
    return (
        f"the new feed would drop {lost} of the previous feed's {len(previous)} items "
        "(more than half): a source may be wrong (e.g. a folder of bundles given as one "
        "bundle); run again with --allow-shrink if the drop is intended"
    )


def _empty_rows(feed: _Feed, config: ChannelConfig) -> list[str]:
    entries = [
        RowEntry(p.article.id, p.article.section_path, tuple(tags_for(p.article)), ("", ""))
        for p in feed.kept
    ]
    return empty_rules(entries, config.rows)
