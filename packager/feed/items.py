"""Feed items from prepared articles (spec §3): short-form videos, movies, TV specials, series
with seasons and episodes, and live feeds. Keys are written in a fixed order."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from packager.config import ChannelConfig, LiveStream, Show
from packager.feed.text import clip, clip_words, descriptions, plain
from packager.ids import stable_id
from packager.model import Article
from packager.sources.media import detect_video_type
from packager.spec import MAX_TAG_LENGTH

MAX_TAGS = 10
MAX_TITLE_LENGTH = 200  # no DP limit; Roku Search Feed's limit, so titles survive there too


@dataclass(frozen=True)
class PlayableVideo:
    """The stream an item plays (spec §3.9), with what the spec needs to know about it."""

    url: str
    video_type: str
    quality: str
    duration_seconds: int
    bitrate_kbps: int | None = None


@dataclass(frozen=True)
class CaptionTrack:
    """A caption file as the feed names it (spec §3.10)."""

    url: str
    language: str
    caption_type: str = "SUBTITLE"


@dataclass(frozen=True)
class PreparedArticle:
    """An article with its media resolved to public URLs: all a feed item needs."""

    article: Article
    date: datetime  # UTC; the published date, or when packager first saw the article
    thumbnail_url: str
    video: PlayableVideo
    captions: tuple[CaptionTrack, ...] = ()


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def date_time_text(moment: datetime) -> str:
    """Spec §1: `2015-11-11T22:21:37+00:00`."""
    return utc(moment).replace(microsecond=0).isoformat()


def tags_for(article: Article) -> list[str]:
    """Article tags then section names, each <= 20 characters, without repeats."""
    found: list[str] = []
    seen: set[str] = set()
    for raw in (*article.tags, *article.section_path):
        tag = clip_words(raw, MAX_TAG_LENGTH)
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            found.append(tag)
    return found[:MAX_TAGS]


def genres_for(article: Article, config: ChannelConfig) -> list[str]:
    """Genres mapped from sections and tags by the config; the default genre otherwise."""
    mapping = {name.casefold(): genre for name, genre in config.genres.items()}
    genres: list[str] = []
    for name in (*article.section_path, *article.tags):
        genre = mapping.get(name.casefold())
        if genre and genre not in genres:
            genres.append(genre)
    return genres or [config.default_genre]


def _content(prepared: PreparedArticle, config: ChannelConfig) -> dict[str, Any]:
    """Spec §3.8 Content and §3.9 Video."""
    video = prepared.video
    entry: dict[str, Any] = {
        "url": video.url,
        "quality": video.quality,
        "videoType": video.video_type,
    }
    if video.bitrate_kbps is not None:
        entry["bitrate"] = video.bitrate_kbps
    content: dict[str, Any] = {
        "dateAdded": date_time_text(prepared.date),
        "videos": [entry],
        "duration": video.duration_seconds,
    }
    if prepared.captions:
        content["captions"] = [
            {"url": c.url, "language": c.language, "captionType": c.caption_type}
            for c in prepared.captions
        ]
    content["language"] = prepared.article.language or config.language
    return content


def _text_fields(article: Article) -> dict[str, str]:
    short, long = descriptions(article.summary, article.body)
    fields = {"shortDescription": short or clip(article.title, 200)}
    if long and long != fields["shortDescription"]:
        fields["longDescription"] = long
    return fields


def _people_and_rating(article: Article, config: ChannelConfig) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if config.byline_role and article.authors:
        # Spec §3.15: credits; bylines are the people we know of.
        extra["credits"] = [
            {"name": plain(name), "role": config.byline_role}
            for name in article.authors
            if plain(name)
        ]
    if config.rating:
        extra["rating"] = {"rating": config.rating, "ratingSource": config.rating_source}
    return extra


def item_for(prepared: PreparedArticle, config: ChannelConfig) -> dict[str, Any]:
    """A movie, short-form video or TV special (spec §3.1, §3.5, §3.6); same fields for all three."""
    article = prepared.article
    item: dict[str, Any] = {
        "id": article.id,
        "title": clip(article.title, MAX_TITLE_LENGTH),
        "content": _content(prepared, config),
        "genres": genres_for(article, config),
        "thumbnail": prepared.thumbnail_url,
        "releaseDate": utc(prepared.date).date().isoformat(),
        **_text_fields(article),
    }
    tags = tags_for(article)
    if tags:
        item["tags"] = tags
    item.update(_people_and_rating(article, config))
    return item


def item_type_for(prepared: PreparedArticle, config: ChannelConfig) -> str:
    """Spec §2: short-form under the threshold (TRC: 15 minutes), else the long-form type."""
    if prepared.video.duration_seconds >= config.short_form_max_seconds:
        return config.long_form_type
    return config.item_type


def show_for(article: Article, shows: Sequence[Show]) -> Show | None:
    sections = {name.casefold() for name in article.section_path}
    return next((show for show in shows if show.section.casefold() in sections), None)


def series_for(
    show: Show, episodes: Sequence[PreparedArticle], config: ChannelConfig
) -> dict[str, Any]:
    """Spec §3.2-§3.4: a recurring show as one series; a season per year, episodes by date."""
    ordered = sorted(episodes, key=lambda p: (p.date, p.article.id))
    by_year: dict[int, list[PreparedArticle]] = defaultdict(list)
    for prepared in ordered:
        by_year[utc(prepared.date).year].append(prepared)
    seasons = []
    for year in sorted(by_year):
        season_episodes = []
        for number, prepared in enumerate(by_year[year], start=1):
            article = prepared.article
            episode: dict[str, Any] = {
                "id": article.id,
                "title": clip(article.title, MAX_TITLE_LENGTH),
                "content": _content(prepared, config),
                "thumbnail": prepared.thumbnail_url,
                "episodeNumber": number,
                "releaseDate": utc(prepared.date).date().isoformat(),
                **_text_fields(article),
            }
            episode.update(_people_and_rating(article, config))
            season_episodes.append(episode)
        seasons.append({"seasonNumber": year, "episodes": season_episodes})
    newest = ordered[-1]
    description = show.description or f"{show.name}: {len(ordered)} episodes."
    series: dict[str, Any] = {
        "id": series_id(show),
        "title": plain(show.name),
        "seasons": seasons,
        "genres": list(show.genres),
        "thumbnail": newest.thumbnail_url,
        "releaseDate": utc(ordered[0].date).date().isoformat(),
        "shortDescription": clip(description, 200),
    }
    tags = [clip_words(show.section, MAX_TAG_LENGTH)]
    series["tags"] = [tag for tag in tags if tag]
    return series


def series_id(show: Show) -> str:
    """A readable id that stays the same as long as the show keeps its name."""
    slug = re.sub(r"[^a-z0-9]+", "-", show.name.casefold()).strip("-")
    return stable_id(explicit=f"series-{slug}")


def live_item(stream: LiveStream, thumbnail_url: str, added: datetime) -> dict[str, Any]:
    """Spec §3.7 (reconstructed): a live stream with genres, so the channel template can load it."""
    video_type = detect_video_type(stream.url) or "HLS"
    return {
        "id": stream.id,
        "title": plain(stream.title),
        "content": {
            "dateAdded": date_time_text(added),
            "videos": [{"url": stream.url, "quality": stream.quality, "videoType": video_type}],
        },
        "genres": list(stream.genres),
        "thumbnail": thumbnail_url,
        "shortDescription": clip(stream.description, 200),
    }
