"""The Roku Direct Publisher feed's shape and limits (spec §2-§3), and one walker over its items.

A leaf: imports nothing from the project. Everything that needs to know which arrays hold
content, how long an id or tag may be, or where an item sits in a feed (a JSON Pointer) asks
this module, so the feed's shape is written down once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# Spec §2: the content arrays; at least one must hold an item.
CONTENT_ARRAYS = ("movies", "series", "shortFormVideos", "tvSpecials", "liveFeeds")
# Spec §3.17: playlists may name movies, series, short-form videos and TV specials (not episodes).
PLAYLIST_TARGETS = ("movies", "series", "shortFormVideos", "tvSpecials")
# Spec §2: the arrays whose items play one video, with the Search Feed asset type of each.
PLAYABLE_ARRAYS = {"movies": "movie", "shortFormVideos": "shortForm", "tvSpecials": "tvSpecial"}
# Roku's DP→SDK channel template refuses feeds this large (spec §1).
TEMPLATE_MAX_BYTES = 500 * 1024
MAX_ID_LENGTH = 50  # spec §3 (TRC-LIN, SF2-DOC): ids must not exceed 50 characters
MAX_TAG_LENGTH = 20  # spec §3: "Each tag ... is limited to 20 characters"


def to_pointer(path: Iterable[str | int]) -> str:
    """RFC 6901: `["movies", 0, "a/b"]` → `/movies/0/a~1b`; the empty path is the whole document."""
    parts = path if isinstance(path, (tuple, list)) else tuple(path)
    if not parts:
        return ""
    joined = "/".join(map(str, parts))
    # Validation writes thousands of pointers: escape only when a part needs it (rare).
    if "~" in joined or joined.count("/") != len(parts) - 1:
        joined = "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in parts)
    return "/" + joined


@dataclass(frozen=True, slots=True)
class FeedNode:
    """One content item of a feed with where it sits.

    `kind` is the array it is in (`movies`, ..., `liveFeeds`), `season` for a series' season
    and `episode` for an episode; `parent` is the series (for seasons and episodes).
    """

    pointer: str
    kind: str
    item: dict[str, Any]
    parent: dict[str, Any] | None = None
    season: dict[str, Any] | None = None

    @property
    def episode(self) -> bool:
        return self.kind == "episode"


def walk_feed(feed: Any, *, seasons: bool = False) -> Iterator[FeedNode]:
    """Every content item of `feed` in feed order, each series followed by its episodes (first
    those in seasons, then those given directly; spec §3.2). Anything that is not an object is
    passed over, so this is safe on feeds that failed the schema. With `seasons=True` the
    seasons themselves are yielded too, before their episodes."""
    if not isinstance(feed, dict):
        return
    for kind in CONTENT_ARRAYS:
        for index, item in _objects(feed.get(kind)):
            pointer = f"/{kind}/{index}"  # to_pointer's result: neither part needs escaping
            yield FeedNode(pointer, kind, item)
            if kind == "series":
                yield from _series_children(pointer, item, seasons)


def _series_children(pointer: str, series: dict[str, Any], seasons: bool) -> Iterator[FeedNode]:
    for s_index, season in _objects(series.get("seasons")):
        season_pointer = f"{pointer}/seasons/{s_index}"
        if seasons:
            yield FeedNode(season_pointer, "season", season, series)
        for e_index, episode in _objects(season.get("episodes")):
            yield FeedNode(
                f"{season_pointer}/episodes/{e_index}", "episode", episode, series, season
            )
    for e_index, episode in _objects(series.get("episodes")):
        yield FeedNode(f"{pointer}/episodes/{e_index}", "episode", episode, series)


def _objects(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(value, list):
        for index, entry in enumerate(value):
            if isinstance(entry, dict):
                yield index, entry
