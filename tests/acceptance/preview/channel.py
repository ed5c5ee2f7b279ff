"""The preview tests' channel: a small built output folder (real images, a real MP4, an HLS
rendition and WebVTT captions) and the rows its feed must give; plain helpers, no fixtures."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import imageio_ffmpeg

from tests.builders import make_poster, make_video

BASE_URL = "https://cdn.preview.example/roku/"
VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\nThe port strike talks resume.\n\n00:02.000 --> 00:04.000\nBacklog grows.\n"


def make_videos(videos: Path) -> None:
    """A 4-second H.264/AAC MP4 and an HLS rendition of it (index.m3u8 + segments)."""
    mp4 = make_video(videos / "clip.mp4", seconds=4, keyframes=25, faststart=True)
    (videos / "market").mkdir(exist_ok=True)
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-y",
            "-loglevel",
            "error",
            "-i",
            str(mp4),
            "-c",
            "copy",
            "-f",
            "hls",
            "-hls_time",
            "1",
            "-hls_playlist_type",
            "vod",
            str(videos / "market" / "index.m3u8"),
        ],
        check=True,
    )


def item(
    item_id: str, title: str, tags: list[str], date: str, video: str = "videos/clip.mp4"
) -> dict[str, Any]:
    """A short-form video (or TV special) as `packager build` writes one, valid by the spec."""
    content: dict[str, Any] = {
        "dateAdded": f"{date}T08:00:00Z",
        "videos": [
            {
                "url": BASE_URL + video,
                "quality": "HD",
                "videoType": "HLS" if video.endswith(".m3u8") else "MP4",
            }
            | ({} if video.endswith(".m3u8") else {"bitrate": 900})
        ],
        "duration": 4,
        "language": "en",
    }
    return {
        "id": item_id,
        "title": title,
        "content": content,
        "genres": ["news"],
        "tags": tags,
        "thumbnail": f"{BASE_URL}images/{item_id}.jpg",
        "releaseDate": date,
        "shortDescription": f"{title}: the short description.",
        "longDescription": f"{title}. A longer description of the story for the details screen.",
        "credits": [{"name": "Ada Reporter", "role": "anchor", "birthDate": "1980-02-01"}],
        "rating": {"rating": "TVG", "ratingSource": "USA_PR"},
    }


def with_captions(entry: dict[str, Any]) -> dict[str, Any]:
    entry["content"]["captions"] = [
        {"url": BASE_URL + "captions/clip.vtt", "language": "en", "captionType": "SUBTITLE"}
    ]
    return entry


def series_and_live() -> tuple[dict[str, Any], dict[str, Any]]:
    """A series with one season of two episodes, and a live feed (HLS, no release date)."""
    episodes = []
    for number in (1, 2):
        episode = item(f"ch-ep{number}", f"City Hall, week {number}", [], f"2026-10-0{number}")
        for key in ("genres", "tags", "rating"):
            del episode[key]
        episodes.append(episode | {"episodeNumber": number})
    series = item("city-hall", "City Hall Weekly", ["city"], "2026-10-01")
    del series["content"], series["rating"]
    series["seasons"] = [{"seasonNumber": 1, "episodes": episodes}]
    live = item("harbor-live", "Harbor Live", ["live"], "2026-11-30", "videos/market/index.m3u8")
    # Its credits stay: an unknown key for a live feed, so the page must badge a warning.
    del live["releaseDate"], live["content"]["duration"]
    return series, live


def channel_feed() -> dict[str, Any]:
    """The channel: a playlist row, two query rows (OR by most_recent, AND chronological),
    a series with a season, a TV special and a live feed."""
    series, live = series_and_live()
    return {
        "providerName": "Preview Test Channel",
        "lastUpdated": "2026-12-01T10:00:00+00:00",
        "language": "en",
        "series": [series],
        "shortFormVideos": [
            with_captions(
                item("port-strike", "Port strike talks resume", ["harbor", "port"], "2026-11-20")
            ),
            item("ferry", "New electric ferry", ["harbor", "transport"], "2026-11-25"),
            with_captions(item("library", "Central library reopens", ["culture"], "2026-11-10")),
            item(
                "market-hls",
                "Winter market opens",
                ["city"],
                "2026-11-28",
                "videos/market/index.m3u8",
            ),
        ],
        "tvSpecials": [
            item("budget", "Council passes the budget", ["city", "port", "harbor"], "2026-11-01")
        ],
        "liveFeeds": [live],
        "categories": [
            {"name": "Top Stories", "playlistName": "Top", "order": "manual"},
            {"name": "Around Town", "query": "city OR culture", "order": "most_recent"},
            {"name": "Harbor", "query": "harbor AND port", "order": "chronological"},
            {"name": "Live", "query": "live", "order": "most_recent"},
        ],
        "playlists": [{"name": "Top", "itemIds": ["ferry", "port-strike", "city-hall", "budget"]}],
    }


# The rows channel_feed() must give, worked out by hand from the spec (§3.16).
EXPECTED_ROWS = {
    "Top Stories": ["ferry", "port-strike", "city-hall", "budget"],
    "Around Town": ["market-hls", "library", "budget", "city-hall"],
    "Harbor": ["budget", "port-strike"],
    "Live": ["harbor-live"],
}


def write_channel(folder: Path, feed: dict[str, Any]) -> Path:
    """An output folder as `packager build` writes it: feed.json, images/, videos/, captions/."""
    folder.mkdir(parents=True, exist_ok=True)
    for hue, url in enumerate(sorted({u for u in _urls(feed) if u.endswith(".jpg")})):
        make_poster(folder / url.removeprefix(BASE_URL), url.rsplit("/", 1)[1][:-4], hue)
    (folder / "captions").mkdir(exist_ok=True)
    (folder / "captions" / "clip.vtt").write_text(VTT, encoding="utf-8")
    (folder / "feed.json").write_text(json.dumps(feed, indent=1), encoding="utf-8")
    return folder


def _urls(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for inner in value.values():
            yield from _urls(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _urls(inner)
    elif isinstance(value, str) and value.startswith(BASE_URL):
        yield value


class PageWatch:
    """A browser page with its console errors and failed requests collected."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(f"pageerror: {error}"))
        page.on("requestfailed", lambda request: self.failed.append(request.url))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)
