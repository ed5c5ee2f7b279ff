"""The feed's root object (spec §2) from prepared articles, and the video quality mapping (§3.9)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from packager.config import ChannelConfig
from packager.feed.items import (
    PreparedArticle,
    date_time_text,
    item_for,
    item_type_for,
    series_for,
    series_id,
    show_for,
    tags_for,
)
from packager.feed.rows import RowEntry, build_rows, default_rules

# Article id -> its feed item and row entry: the same for every trial of the size budget.
ItemParts = dict[str, tuple[dict[str, Any], RowEntry]]


def quality_for(height: int) -> str:
    """Spec §3.9: HD is 720p, FHD 1080p, UHD 4K; below 720 lines is SD."""
    if height >= 2160:
        return "UHD"
    if height >= 1080:
        return "FHD"
    if height >= 720:
        return "HD"
    return "SD"


def feed_document(
    prepared: Sequence[PreparedArticle],
    config: ChannelConfig,
    live: Sequence[dict[str, Any]],
    parts: ItemParts,
    now_text: str,
) -> dict[str, Any]:
    """The root object (spec §2), keys in a fixed order. `parts` caches items across calls;
    `live` are the live feed items; `now_text` is lastUpdated when there is no article."""
    by_type: dict[str, list[dict[str, Any]]] = {
        "movies": [],
        "shortFormVideos": [],
        "tvSpecials": [],
    }
    episodes: dict[str, list[PreparedArticle]] = {}
    row_entries: list[RowEntry] = []
    for item in prepared:
        show = show_for(item.article, config.shows)
        if show:
            episodes.setdefault(show.name, []).append(item)
            continue
        feed_item, row_entry = _item_parts(item, config, parts)
        by_type[item_type_for(item, config)].append(feed_item)
        row_entries.append(row_entry)
    series = _series(episodes, config, row_entries)
    rules = list(config.rows) or default_rules(row_entries)
    categories, playlists = build_rows(row_entries, rules)
    newest_date = max((p.date for p in prepared), default=None)
    feed: dict[str, Any] = {
        "providerName": config.provider_name,
        # lastUpdated follows the content, so an unchanged channel gives a byte-identical feed.
        "lastUpdated": date_time_text(newest_date) if newest_date else now_text,
        "language": config.language,
    }
    for key, value in (
        ("movies", by_type["movies"]),
        ("series", series),
        ("shortFormVideos", by_type["shortFormVideos"]),
        ("tvSpecials", by_type["tvSpecials"]),
        ("liveFeeds", list(live)),
        ("categories", categories),
        ("playlists", playlists),
    ):
        if value:
            feed[key] = value
    return feed


def _item_parts(
    item: PreparedArticle, config: ChannelConfig, parts: ItemParts
) -> tuple[dict[str, Any], RowEntry]:
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
    return parts[item.article.id]


def _series(
    episodes: dict[str, list[PreparedArticle]],
    config: ChannelConfig,
    row_entries: list[RowEntry],
) -> list[dict[str, Any]]:
    """One series per show with episodes (spec §3.2); each adds its row entry."""
    shows = {show.name: show for show in config.shows}
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
    return series
