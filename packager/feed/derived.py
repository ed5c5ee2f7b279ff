"""The on-demand items of a built Roku feed, flattened: what the other formats (Media RSS,
Roku Search Feed) are made from, so every format carries the same ids, titles, thumbnails and
videos as feed.json."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from packager.spec import PLAYABLE_ARRAYS, walk_feed


@dataclass(frozen=True)
class FeedEntry:
    """One playable item of feed.json, with what its parents give it (genres of its series)."""

    item: dict[str, Any]  # the item exactly as feed.json has it
    kind: str  # Search Feed asset type: movie, shortForm, tvSpecial or episode
    genres: tuple[str, ...]
    tags: tuple[str, ...]
    series_id: str = ""
    season_number: int | None = None


def feed_entries(feed: dict[str, Any]) -> Iterator[FeedEntry]:
    """Every item of `feed` that plays a video, in feed order; episodes after their series
    (spec §3.2: in seasons, or directly in the series), with the series' genres and tags."""
    for node in walk_feed(feed):
        if node.kind in PLAYABLE_ARRAYS:
            yield FeedEntry(
                node.item,
                PLAYABLE_ARRAYS[node.kind],
                tuple(node.item.get("genres", ())),
                tuple(node.item.get("tags", ())),
            )
        elif node.episode and node.parent is not None:
            season = node.season.get("seasonNumber") if node.season is not None else None
            yield FeedEntry(
                node.item,
                "episode",
                tuple(node.parent.get("genres", ())),
                tuple(node.parent.get("tags", ())),
                str(node.parent.get("id", "")),
                season if isinstance(season, int) else None,
            )


def left_out(feed: dict[str, Any]) -> list[str]:
    """Notes for the items of `feed` no derived format can carry (live streams)."""
    return [
        f"live stream {node.item.get('id')}: not in feed.xml or search.json (Media RSS items "
        "need a duration, and Roku's Search Feed has had no live type since 2023-09-21)"
        for node in walk_feed(feed)
        if node.kind == "liveFeeds"
    ]
