"""The data the preview page draws: rows, items as the details screen shows them, validation
problems per item, and what Roku's channel template would drop or leave blank."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeGuard

from packager.model import Problem
from packager.preview.rows import build_rows, top_level_items
from packager.spec import CONTENT_ARRAYS, TEMPLATE_MAX_BYTES, FeedNode, walk_feed
from packager.validate import ValidationResult

UrlMapper = Callable[[str], str]


@dataclass(frozen=True)
class PageUrls:
    """How the page names the feed's URLs: `media` for posters and videos (a relative path
    to a local file, else the URL), `captions` for WebVTT (local files inlined as data: URLs),
    and `is_local` telling whether a URL is a file of the output folder."""

    media: UrlMapper
    captions: UrlMapper
    is_local: Callable[[str], bool]


KIND_LABELS = {
    "movies": "Movie",
    "series": "Series",
    "shortFormVideos": "Short-form video",
    "tvSpecials": "TV special",
    "liveFeeds": "Live",
    "episode": "Episode",
}
MAX_FEED_PROBLEMS = 200  # listed in the header panel; the counts cover all of them


def page_data(
    feed: dict[str, Any], result: ValidationResult, origin: str, urls: PageUrls
) -> dict[str, Any]:
    """Everything the page needs, as JSON-ready data (embedded in index.html)."""
    problems_by_item, feed_problems = _problems_by_item(feed, result.problems)
    items: dict[str, dict[str, Any]] = {}
    pointers = {id(node.item): node.pointer for node in walk_feed(feed)}
    for item_id, (kind, item) in top_level_items(feed).items():
        pointer = pointers.get(id(item), "")
        view = item_view(item, kind, urls)
        view["id"] = item_id  # "(no id) /movies/3" for an item without one
        view["pointer"] = pointer
        view["problems"] = problems_by_item.get(pointer, [])
        view["flags"] = template_flags(item, kind)
        if kind == "series":
            view["seasons"] = _seasons(item, urls)
        items[item_id] = view
    rows = [row.as_dict() for row in build_rows(feed)]
    return {
        "channel": {
            "providerName": _text(feed.get("providerName")),
            "language": _text(feed.get("language")),
            "lastUpdated": _text(feed.get("lastUpdated")),
            "origin": origin,
        },
        "summary": {
            "counts": {k: len(feed[k]) for k in CONTENT_ARRAYS if isinstance(feed.get(k), list)},
            "sizeBytes": result.size_bytes,
            "limitBytes": TEMPLATE_MAX_BYTES,
            "errors": len(result.errors),
            "warnings": len(result.warnings),
            "feedProblems": feed_problems[:MAX_FEED_PROBLEMS],
            "flagged": sum(1 for view in items.values() if view["flags"]),
        },
        "rows": rows,
        "items": items,
    }


def item_view(item: dict[str, Any], kind: str, urls: PageUrls) -> dict[str, Any]:
    """What a tile and the details screen show of one item (spec §3 field names)."""
    raw_content = item.get("content")
    content: dict[str, Any] = raw_content if isinstance(raw_content, dict) else {}
    videos = [v for v in _list(content.get("videos")) if isinstance(v, dict)]
    first = videos[0] if videos else {}
    url = first.get("url")
    thumbnail = item.get("thumbnail")
    return {
        "id": _text(item.get("id")),
        "kind": kind,
        "kindLabel": KIND_LABELS.get(kind, kind),
        "title": _text(item.get("title")) or _text(item.get("id")) or "(no title)",
        "thumbnail": urls.media(thumbnail) if _is_http(thumbnail) else "",
        "shortDescription": _text(item.get("shortDescription")),
        "longDescription": _text(item.get("longDescription")),
        "duration": content.get("duration") if isinstance(content.get("duration"), int) else None,
        "releaseDate": _text(item.get("releaseDate")),
        "genres": [g for g in _list(item.get("genres")) if isinstance(g, str)],
        "tags": [t for t in _list(item.get("tags")) if isinstance(t, str)],
        "rating": _rating(item.get("rating")),
        "credits": [
            {"name": _text(c.get("name")), "role": _text(c.get("role"))}
            for c in _list(item.get("credits"))
            if isinstance(c, dict)
        ],
        "video": (
            {"url": urls.media(url), "type": _video_type(first), "local": urls.is_local(url)}
            if _is_http(url)
            else None
        ),
        "captions": [
            {
                "url": urls.captions(c["url"]),
                "language": _text(c.get("language")) or "und",
                "label": _caption_label(c),
            }
            for c in _list(content.get("captions"))
            if isinstance(c, dict) and _is_http(c.get("url"))
        ],
        "live": kind == "liveFeeds",
        "series": kind == "series",
    }


def template_flags(item: dict[str, Any], kind: str) -> list[dict[str, str]]:
    """What Roku's channel template does wrong with this item (spec, "Verified against Roku's
    own channel template"): it reads genres[0] of every item, and plays content.videos[0].url."""
    flags = []
    genres = item.get("genres")
    if not isinstance(genres, list) or not genres:
        flags.append(
            {
                "kind": "drop",
                "message": "no genres: Roku's channel template reads genres[0] of every item, "
                "so with this item the whole channel shows nothing",
            }
        )
    if kind == "series":
        if not any(_playable(ep) for ep in _episodes(item)):
            flags.append({"kind": "blank", "message": "no episode has a playable URL"})
    elif not _playable(item):
        flags.append(
            {
                "kind": "blank",
                "message": "no playable URL: the template plays content.videos[0].url, "
                "so this tile opens a blank player",
            }
        )
    if not _is_http(item.get("thumbnail")):
        flags.append({"kind": "blank", "message": "no thumbnail: the tile has no poster"})
    return flags


def _problems_by_item(
    feed: dict[str, Any], problems: tuple[Problem, ...]
) -> tuple[dict[str, list[dict[str, str]]], list[dict[str, str]]]:
    """Problems grouped under the pointer of the top-level item they are in (an episode's go
    to its series), and the rest (the feed's own, categories, playlists)."""
    tops = {node.pointer for node in walk_feed(feed) if _is_top(node)}
    by_item: dict[str, list[dict[str, str]]] = {}
    rest: list[dict[str, str]] = []
    for problem in problems:
        owner = "/".join(problem.pointer.split("/")[:3])  # /movies/3/... → /movies/3
        if owner in tops:
            by_item.setdefault(owner, []).append(problem.as_dict())
        else:
            rest.append(problem.as_dict())
    return by_item, rest


def _is_top(node: FeedNode) -> bool:
    return node.kind in CONTENT_ARRAYS


def _seasons(series: dict[str, Any], urls: PageUrls) -> list[dict[str, Any]]:
    """A series' seasons with their episodes; episodes given directly form one untitled
    season (spec §3.2: seasons or episodes)."""
    seasons = []
    for index, season in enumerate(_list(series.get("seasons"))):
        if not isinstance(season, dict):
            continue
        number = season.get("seasonNumber")
        seasons.append(
            {
                "title": f"Season {number}" if number not in (None, "") else f"Season {index + 1}",
                "episodes": _episode_views(season.get("episodes"), urls),
            }
        )
    if _list(series.get("episodes")):
        seasons.append({"title": "Episodes", "episodes": _episode_views(series["episodes"], urls)})
    return seasons


def _episode_views(episodes: Any, urls: PageUrls) -> list[dict[str, Any]]:
    views = []
    for episode in _list(episodes):
        if isinstance(episode, dict):
            view = item_view(episode, "episode", urls)
            number = episode.get("episodeNumber")
            view["episodeNumber"] = number if isinstance(number, int) else None
            views.append(view)
    return views


def _episodes(series: dict[str, Any]) -> list[dict[str, Any]]:
    found = [e for e in _list(series.get("episodes")) if isinstance(e, dict)]
    for season in _list(series.get("seasons")):
        if isinstance(season, dict):
            found.extend(e for e in _list(season.get("episodes")) if isinstance(e, dict))
    return found


def _playable(item: dict[str, Any]) -> bool:
    content = item.get("content")
    videos = content.get("videos") if isinstance(content, dict) else None
    first = videos[0] if isinstance(videos, list) and videos else None
    return isinstance(first, dict) and _is_http(first.get("url"))


def _video_type(video: dict[str, Any]) -> str:
    """HLS or MP4 (the player picks hls.js or the native player), from videoType or the URL."""
    declared = _text(video.get("videoType")).upper()
    if declared in ("HLS", "MP4", "DASH", "SMOOTH", "MOV", "M4V"):
        return declared
    path = _url_path(_text(video.get("url")))
    return "HLS" if path.endswith(".m3u8") else "MP4"


def _url_path(url: str) -> str:
    return url.split("?", 1)[0].split("#", 1)[0].lower()


def _caption_label(caption: dict[str, Any]) -> str:
    language = _text(caption.get("language")) or "und"
    kind = _text(caption.get("captionType")).replace("_", " ").lower()
    return f"{language} ({kind})" if kind else language


def _rating(rating: Any) -> str:
    if isinstance(rating, dict):
        value, source = _text(rating.get("rating")), _text(rating.get("ratingSource"))
        return f"{value} ({source})" if value and source else value
    return _text(rating)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_http(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and value.startswith(("http://", "https://"))
