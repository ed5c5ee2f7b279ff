"""Cross-field rules a JSON Schema cannot express (spec §3.18), plus the channel-template checks.

Each rule is a function `(feed) -> Iterator[Problem]` registered in RULES_BY_NAME; rules assume
nothing about the shape beyond what they check themselves, because they run on feeds that may
also have failed the schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from packager.model import Problem, Severity
from packager.spec import (
    CONTENT_ARRAYS,
    PLAYLIST_TARGETS,
    TEMPLATE_MAX_BYTES,
    FeedNode,
    to_pointer,
    walk_feed,
)
from packager.timestamps import parse_timestamp
from packager.validate.media_urls import check_media_urls

GENRES_OPTIONAL = ("shortFormVideos", "liveFeeds")
NON_ABR_TYPES = {"MP4", "MOV", "M4V"}  # spec §3.9: bitrate required for non-adaptive streams
_QUERY_SPLIT = re.compile(r"\s+(AND|OR)\s+")
# "news and sports": an operator Roku does not read, as it only knows uppercase AND / OR.
_LOWERCASE_OPERATOR = re.compile(r"(?<=\s)(?:and|or)(?=\s)")
_TIMECODE = re.compile(r"^([0-9]{2,}):([0-5][0-9]):([0-5][0-9])$")


@dataclass
class FeedView:
    """The parsed feed plus indexes every rule needs, built in one pass."""

    data: dict[str, Any]
    size_bytes: int
    items: list[FeedNode] = field(default_factory=list)

    @classmethod
    def of(cls, data: dict[str, Any], size_bytes: int) -> FeedView:
        return cls(data, size_bytes, list(walk_feed(data)))

    def top_level(self) -> Iterator[FeedNode]:
        return (item for item in self.items if not item.episode)

    def tags(self) -> set[str]:
        found: set[str] = set()
        for item in self.items:
            tags = item.item.get("tags")
            if isinstance(tags, list):
                found.update(tag for tag in tags if isinstance(tag, str))
        return found


def _dicts(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(value, list):
        for index, entry in enumerate(value):
            if isinstance(entry, dict):
                yield index, entry


def _ids(items: Iterator[FeedNode]) -> set[str]:
    """The string ids of `items` (other values are the schema's to report)."""
    return {item_id for item in items if isinstance(item_id := item.item.get("id"), str)}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _problem(pointer: str, rule: str, severity: Severity, message: str, hint: str) -> Problem:
    return Problem(pointer=pointer, rule=rule, severity=severity, message=message, hint=hint)


def has_content(feed: FeedView) -> Iterator[Problem]:
    """§3.18 #1: at least one of the content arrays holds an item."""
    if not any(
        feed.data.get(kind) for kind in CONTENT_ARRAYS if isinstance(feed.data.get(kind), list)
    ):
        yield _problem(
            "",
            "no-content",
            Severity.ERROR,
            "the feed has no items: movies, series, shortFormVideos, tvSpecials and liveFeeds are all missing or empty",
            "add at least one item; Roku shows 'No valid items were found in the feed'",
        )


def unique_ids(feed: FeedView) -> Iterator[Problem]:
    """§3.18 #2: ids are unique across the whole feed, episodes included."""
    first_seen: dict[str, str] = {}
    for item in feed.items:
        item_id = item.item.get("id")
        if not isinstance(item_id, str):
            continue
        if item_id in first_seen:
            yield _problem(
                f"{item.pointer}/id",
                "duplicate-id",
                Severity.ERROR,
                f"id {item_id!r} is used again (first at {first_seen[item_id]})",
                "give every item, episodes included, its own id",
            )
        else:
            first_seen[item_id] = f"{item.pointer}/id"


def playlist_references(feed: FeedView) -> Iterator[Problem]:
    """§3.18 #4: playlist itemIds name top-level movies, series, short-form videos or TV specials."""
    targets = _ids(item for item in feed.top_level() if item.kind in PLAYLIST_TARGETS)
    live = _ids(item for item in feed.top_level() if item.kind == "liveFeeds")
    episodes = _ids(item for item in feed.items if item.episode)
    seen_names: dict[str, str] = {}
    for index, playlist in _dicts(feed.data.get("playlists")):
        name = playlist.get("name")
        if isinstance(name, str):
            if name in seen_names:
                yield _problem(
                    to_pointer(("playlists", index, "name")),
                    "playlist-name-duplicate",
                    Severity.ERROR,
                    f"playlist name {name!r} is used again (first at {seen_names[name]}); categories could not tell them apart",
                    "give every playlist its own name",
                )
            seen_names.setdefault(name, to_pointer(("playlists", index, "name")))
        listed: set[str] = set()
        for position, item_id in enumerate(_list(playlist.get("itemIds"))):
            if isinstance(item_id, str) and item_id in listed:
                yield _problem(
                    to_pointer(("playlists", index, "itemIds", position)),
                    "playlist-item-repeated",
                    Severity.WARNING,
                    f"playlist item {item_id!r} is listed twice in this playlist",
                    "list each item once",
                )
            if isinstance(item_id, str):
                listed.add(item_id)
            if not isinstance(item_id, str) or item_id in targets:
                continue
            pointer = to_pointer(("playlists", index, "itemIds", position))
            if item_id in live:
                yield _problem(
                    pointer,
                    "playlist-live-item",
                    Severity.WARNING,
                    f"playlist item {item_id!r} is a live feed; the spec lists only movies, series, short-form videos and TV specials",
                    "check that your channel app shows live feeds in playlists",
                )
            elif item_id in episodes:
                yield _problem(
                    pointer,
                    "playlist-episode",
                    Severity.ERROR,
                    f"playlist item {item_id!r} is an episode; playlists may not name episodes",
                    "list the series' id instead of the episode's",
                )
            else:
                yield _problem(
                    pointer,
                    "playlist-item-unknown",
                    Severity.ERROR,
                    f"playlist item {item_id!r} is not the id of any item in the feed",
                    "remove it from itemIds, or add the item it names",
                )


def category_sources(feed: FeedView) -> Iterator[Problem]:
    """§3.18 #5-#8: categories name an existing playlist or carry a well-formed query over known tags."""
    playlist_names = {
        name
        for _, playlist in _dicts(feed.data.get("playlists"))
        if isinstance(name := playlist.get("name"), str)
    }
    tags = feed.tags()
    folded_tags = {tag.casefold() for tag in tags}
    for index, category in _dicts(feed.data.get("categories")):
        pointer = to_pointer(("categories", index))
        playlist_name = category.get("playlistName")
        query = category.get("query")
        if isinstance(playlist_name, str) and playlist_name not in playlist_names:
            yield _problem(
                f"{pointer}/playlistName",
                "category-playlist-unknown",
                Severity.ERROR,
                f"category {category.get('name')!r} names playlist {playlist_name!r}, which is not in the feed",
                "add a playlist with that exact name (names are case sensitive), or fix the name",
            )
        if playlist_name is not None and query is not None:
            yield _problem(
                pointer,
                "category-playlist-and-query",
                Severity.WARNING,
                f"category {category.get('name')!r} has both playlistName and query; the spec says one or the other",
                "keep only one of playlistName and query",
            )
        if category.get("order") == "manual" and playlist_name is None:
            yield _problem(
                f"{pointer}/order",
                "manual-order-without-playlist",
                Severity.WARNING,
                "order 'manual' is for playlists only, and this category has no playlistName",
                "use most_recent, chronological or most_popular for a query category",
            )
        if isinstance(query, str):
            yield from _check_query(f"{pointer}/query", query, tags, folded_tags)


def _check_query(pointer: str, query: str, tags: set[str], folded: set[str]) -> Iterator[Problem]:
    lowercase = sorted(set(_LOWERCASE_OPERATOR.findall(query)))
    if lowercase:
        written = " and ".join(repr(word) for word in lowercase)
        yield _problem(
            pointer,
            "query-operator-case",
            Severity.WARNING,
            f"query {query!r} writes {written} in lowercase; Roku reads only uppercase AND and "
            "OR as operators, so it looks for one tag with the whole text and the row stays empty",
            f"write the operators in uppercase: {_LOWERCASE_OPERATOR.sub(_upper_operator, query)!r}",
        )
    # Tags are judged as Roku would read them once the operators are fixed.
    parts = _QUERY_SPLIT.split(_LOWERCASE_OPERATOR.sub(_upper_operator, query.strip()))
    operators = set(parts[1::2])
    if len(operators) > 1:
        yield _problem(
            pointer,
            "query-mixed-operators",
            Severity.ERROR,
            f"query {query!r} mixes AND and OR, which Roku does not support",
            "use only AND or only OR in one query; make two categories if you need both",
        )
    for token in parts[0::2]:
        token = token.strip()
        if not token or token in tags:
            continue
        detail = " (it differs only in case)" if token.casefold() in folded else ""
        yield _problem(
            pointer,
            "query-unknown-tag",
            Severity.WARNING,
            f"query tag {token!r} is not a tag of any item in the feed{detail}, so the row stays empty",
            "tag some items with it, or fix the query (tags are matched exactly)",
        )


def _upper_operator(match: re.Match[str]) -> str:
    return match.group(0).upper()


def series_structure(feed: FeedView) -> Iterator[Problem]:
    """§3.18 #9, #19: a series uses seasons or episodes; episode numbers unique per season."""
    for item in feed.top_level():
        if item.kind != "series":
            continue
        if item.item.get("seasons") and item.item.get("episodes"):
            yield _problem(
                item.pointer,
                "series-seasons-and-episodes",
                Severity.WARNING,
                "series has both seasons and episodes; the spec says to use one or the other",
                "put every episode into a season, or drop seasons",
            )
        seasons_seen: dict[Any, str] = {}
        for season_index, season in _dicts(item.item.get("seasons")):
            season_pointer = f"{item.pointer}/seasons/{season_index}"
            number = season.get("seasonNumber")
            if isinstance(number, int) and number in seasons_seen:
                yield _problem(
                    f"{season_pointer}/seasonNumber",
                    "season-number-duplicate",
                    Severity.WARNING,
                    f"season number {number} is used twice in this series (also {seasons_seen[number]})",
                    "number seasons uniquely",
                )
            if isinstance(number, int):
                seasons_seen.setdefault(number, f"{season_pointer}/seasonNumber")
            yield from _episode_numbers(season_pointer, season.get("episodes"))
        yield from _episode_numbers(item.pointer, item.item.get("episodes"))


def _episode_numbers(parent: str, episodes: Any) -> Iterator[Problem]:
    seen: dict[int, str] = {}
    for index, episode in _dicts(episodes):
        number = episode.get("episodeNumber")
        if not isinstance(number, int):
            continue
        pointer = f"{parent}/episodes/{index}/episodeNumber"
        if number in seen:
            yield _problem(
                pointer,
                "episode-number-duplicate",
                Severity.WARNING,
                f"episode number {number} is used twice (also {seen[number]})",
                "number the episodes of a season sequentially without repeats",
            )
        else:
            seen[number] = pointer


def descriptions(feed: FeedView) -> Iterator[Problem]:
    """§3.18 #10: longDescription must differ from shortDescription."""
    for item in feed.items:
        short = item.item.get("shortDescription")
        long = item.item.get("longDescription")
        if (
            isinstance(short, str)
            and isinstance(long, str)
            and short.strip()
            and short.strip() == long.strip()
        ):
            yield _problem(
                f"{item.pointer}/longDescription",
                "long-equals-short",
                Severity.WARNING,
                "longDescription is the same as shortDescription; the spec says they must differ",
                "write a fuller long description, or leave it out",
            )


def content_rules(feed: FeedView) -> Iterator[Problem]:
    """§3.18 #13-#15: bitrate on non-ABR videos, validity start <= end, ad breaks inside the duration."""
    for item in feed.items:
        content = item.item.get("content")
        if not isinstance(content, dict):
            continue
        pointer = f"{item.pointer}/content"
        for index, video in _dicts(content.get("videos")):
            if video.get("videoType") in NON_ABR_TYPES and "bitrate" not in video:
                yield _problem(
                    f"{pointer}/videos/{index}",
                    "video-bitrate-missing",
                    Severity.WARNING,
                    f"{video.get('videoType')} video has no bitrate; non-adaptive streams must give one",
                    'add "bitrate": the average bitrate in kbps, e.g. 2500',
                )
        start = parse_timestamp(content.get("validityPeriodStart"))
        end = parse_timestamp(content.get("validityPeriodEnd"))
        if start and end and start > end:
            yield _problem(
                f"{pointer}/validityPeriodEnd",
                "validity-period-order",
                Severity.WARNING,  # spec §3.18 #14: implied, unconfirmed
                "validityPeriodEnd is before validityPeriodStart, so the item is never available",
                "swap the two dates or fix the end date",
            )
        duration = content.get("duration")
        if isinstance(duration, int) and not isinstance(duration, bool):
            for index, code in enumerate(_list(content.get("adBreaks"))):
                seconds = _timecode_seconds(code)
                if seconds is not None and seconds >= duration > 0:
                    yield _problem(
                        f"{pointer}/adBreaks/{index}",
                        "ad-break-after-end",
                        Severity.ERROR,
                        f"ad break {code} is at or after the end of the {duration}-second video",
                        "remove the ad break or fix the time code or duration",
                    )


def template_compatibility(feed: FeedView) -> Iterator[Problem]:
    """Roku's DP→SDK channel template: genres[0] on every item, feeds under 500 KB."""
    for item in feed.top_level():
        # Movies, series and TV specials must have genres anyway (a schema error); the spec
        # lets short-form videos and live feeds leave them out, which the template cannot take.
        if item.kind in GENRES_OPTIONAL and item.item.get("genres") is None:
            yield _problem(
                item.pointer,
                "template-genres-missing",
                Severity.WARNING,
                f"{item.kind} item has no genres; Roku's channel template reads genres[0] of every item and shows an empty channel without it",
                'add "genres": ["news"] (or another genre from the list)',
            )
    if feed.size_bytes >= TEMPLATE_MAX_BYTES:
        yield _problem(
            "",
            "template-feed-size",
            Severity.WARNING,
            f"the feed is {feed.size_bytes:,} bytes; Roku's channel template refuses feeds of 500 KB ({TEMPLATE_MAX_BYTES:,} bytes) or more",
            "trim old items or split the channel into several feeds",
        )


def _timecode_seconds(code: Any) -> int | None:
    match = _TIMECODE.match(code) if isinstance(code, str) else None
    if not match:
        return None
    hours, minutes, seconds = (int(part) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


RULES_BY_NAME: dict[str, Callable[[FeedView], Iterator[Problem]]] = {
    "has-content": has_content,
    "unique-ids": unique_ids,
    "playlist-references": playlist_references,
    "category-sources": category_sources,
    "series-structure": series_structure,
    "descriptions": descriptions,
    "content-rules": content_rules,
    "template-compatibility": template_compatibility,
    "media-urls": lambda feed: check_media_urls(feed.items),
}


def check_rules(data: dict[str, Any], size_bytes: int) -> list[Problem]:
    """Every cross-field problem in the parsed feed `data`."""
    feed = FeedView.of(data, size_bytes)
    return [problem for rule in RULES_BY_NAME.values() for problem in rule(feed)]
