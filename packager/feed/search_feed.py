"""Roku Search Feed 2.0 (`search.json`) made from the built Roku feed (spec §5): the metadata
Roku Search uses to find a channel's videos and deep-link into them.

Source: rokudev/search-feed-json schema.json @ 65cfdef3 (shipped, corrected, as
schemas/roku-search-feed.schema.json) and Roku's Search Feed prose spec.
"""

from __future__ import annotations

from typing import Any

from packager.config import ChannelConfig
from packager.feed.derived import FeedEntry, feed_entries
from packager.schemas import SEARCH_FEED_SCHEMA, load_schema

MAX_LONG_DESCRIPTION = 500  # schema: long_description.value maxLength
MAX_ID_LENGTH = 50  # Search Feed prose spec: "id ... 50 characters or fewer"


def _enum(name: str) -> tuple[str, ...]:
    return tuple(load_schema(SEARCH_FEED_SCHEMA)["definitions"][name]["enum"])


def search_language(language: str) -> str:
    """A DP language (`en`, `en-US`, `pt-PT`) as the Search Feed's lowercase list has it."""
    languages = _enum("language_type")
    lowered = language.lower()
    if lowered in languages:
        return lowered
    primary = lowered.split("-")[0]
    return primary if primary in languages else lowered


def advisory_ratings(rating: dict[str, Any] | None) -> list[dict[str, str]]:
    """Spec §3.14 rating → Search Feed advisoryRatings; [] when the source has no equivalent.

    The Search Feed knows USA_PR, MPAA, BBFC, CHVRS and CPR with their own value lists (UK_CP
    has no counterpart); DP's UNRATED is the Search Feed's NR.
    """
    if not rating:
        return []
    source, value = rating["ratingSource"], rating["rating"]
    if source not in _enum("advisory_ratings_source_type"):
        return []
    value = "NR" if value == "UNRATED" else value
    if value not in _enum(f"{source}_values"):
        return []
    return [{"source": source, "value": value}]


def _localized(value: str, language: str) -> list[dict[str, Any]]:
    return [{"value": value, "languages": [language]}]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _described(item: dict[str, Any], language: str, asset: dict[str, Any]) -> None:
    asset["titles"] = _localized(item["title"], language)
    asset["shortDescriptions"] = _localized(item["shortDescription"], language)
    if item.get("longDescription"):
        asset["longDescriptions"] = _localized(
            _clip(item["longDescription"], MAX_LONG_DESCRIPTION), language
        )


def _common(
    item: dict[str, Any], genres: tuple[str, ...], tags: tuple[str, ...], language: str
) -> dict[str, Any]:
    known = set(_enum("genre_type"))  # all 32 DP genres are in it (spec §3.12)
    asset: dict[str, Any] = {}
    if item.get("releaseDate"):
        asset["releaseDate"] = item["releaseDate"]
    mapped = [genre for genre in genres if genre in known]
    if mapped:
        asset["genres"] = mapped
    if tags:
        asset["tags"] = list(tags)
    if item.get("credits"):
        asset["credits"] = [{"name": c["name"], "role": c["role"]} for c in item["credits"]]
    ratings = advisory_ratings(item.get("rating"))
    if ratings:
        asset["advisoryRatings"] = ratings
    asset["images"] = [{"type": "main", "url": item["thumbnail"], "languages": [language]}]
    return asset


def _playable(entry: FeedEntry, language: str) -> dict[str, Any]:
    item = entry.item
    content = item["content"]
    asset: dict[str, Any] = {"id": item["id"], "type": entry.kind}
    _described(item, language, asset)
    if entry.kind == "episode":
        info: dict[str, Any] = {"seriesId": entry.series_id}
        if entry.season_number is not None:
            info["seasonNumber"] = entry.season_number
        info["episodeNumber"] = item["episodeNumber"]
        asset["episodeInfo"] = info
    asset.update(_common(item, entry.genres, entry.tags, language))
    asset["durationInSeconds"] = content["duration"]
    play: dict[str, Any] = {
        "license": "free",
        "quality": content["videos"][0]["quality"].lower(),
        "playId": item["id"],  # the deep link the channel resolves: the item id
        # Available from when it was added (or its validity start) until its validity end.
        "availabilityStartTime": content.get("validityPeriodStart", content["dateAdded"]),
    }
    if content.get("validityPeriodEnd"):
        play["availabilityEndTime"] = content["validityPeriodEnd"]
    asset["content"] = {"playOptions": [play]}
    return asset


def _series_assets(series: dict[str, Any], language: str) -> list[dict[str, Any]]:
    genres, tags = tuple(series.get("genres", ())), tuple(series.get("tags", ()))
    head: dict[str, Any] = {"id": series["id"], "type": "series"}
    _described(series, language, head)
    head.update(_common(series, genres, tags, language))
    assets = [head]
    for season in series.get("seasons", ()):
        season_asset: dict[str, Any] = {
            "type": "season",
            "seasonInfo": {"seriesId": series["id"], "seasonNumber": season["seasonNumber"]},
        }
        if season.get("title"):
            season_asset["titles"] = _localized(season["title"], language)
        assets.append(season_asset)
    return assets


def search_feed(feed: dict[str, Any], config: ChannelConfig) -> dict[str, Any]:
    """The Search Feed document for `feed` (a built feed.json); keys in a fixed order."""
    language = search_language(feed.get("language", config.language))
    assets: list[dict[str, Any]] = []
    for series in feed.get("series", ()):
        assets.extend(_series_assets(series, language))
    for entry in feed_entries(feed):
        item_language = search_language(entry.item["content"].get("language", language))
        assets.append(_playable(entry, item_language))
    return {
        "version": "1",
        "defaultLanguage": language,
        "defaultAvailabilityCountries": list(config.availability_countries),
        "assets": assets,
    }
