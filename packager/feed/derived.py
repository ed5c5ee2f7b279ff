"""The on-demand items of a built Roku feed, flattened: what the other formats (Media RSS,
Roku Search Feed) are made from, so every format carries the same ids, titles, thumbnails and
videos as feed.json."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Spec §2: the content arrays whose items play one video, with the Search Feed type of each.
PLAYABLE_ARRAYS = {"movies": "movie", "shortFormVideos": "shortForm", "tvSpecials": "tvSpecial"}


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
    """Every item of `feed` that plays a video, in feed order; episodes after their series."""
    for key, value in feed.items():
        if key in PLAYABLE_ARRAYS:
            for item in value:
                yield FeedEntry(
                    item,
                    PLAYABLE_ARRAYS[key],
                    tuple(item.get("genres", ())),
                    tuple(item.get("tags", ())),
                )
        elif key == "series":
            for series in value:
                yield from _episodes(series)


def _episodes(series: dict[str, Any]) -> Iterator[FeedEntry]:
    genres = tuple(series.get("genres", ()))
    tags = tuple(series.get("tags", ()))
    # Spec §3.2: a series has seasons (each with episodes) or episodes directly.
    for season in series.get("seasons", ()):
        for episode in season.get("episodes", ()):
            yield FeedEntry(episode, "episode", genres, tags, series["id"], season["seasonNumber"])
    for episode in series.get("episodes", ()):
        yield FeedEntry(episode, "episode", genres, tags, series["id"], None)


def left_out(feed: dict[str, Any]) -> list[str]:
    """Notes for the items of `feed` no derived format can carry (live streams)."""
    return [
        f"live stream {stream['id']}: not in feed.xml or search.json (Media RSS items need a "
        "duration, and Roku's Search Feed has had no live type since 2023-09-21)"
        for stream in feed.get("liveFeeds", ())
    ]
