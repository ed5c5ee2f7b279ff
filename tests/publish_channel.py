"""Tiny synthetic output folders, shaped like what `packager build` writes, for publish tests."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from tests.builders import BASE_URL, seeded_jpeg


def _store(out: Path, folder: str, suffix: str, data: bytes) -> str:
    name = f"{folder}/{hashlib.sha256(data).hexdigest()[:32]}{suffix}"
    path = out / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return name


def write_channel(
    out: Path,
    articles: dict[str, str],
    *,
    base_url: str = BASE_URL,
    with_video: bool = True,
    image_size: tuple[int, int] = (64, 36),
) -> Path:
    """Write `out` afresh: feed.json plus one image (and a tiny video and caption) per article.

    `articles` maps an article id to its text; changing the text changes the article's assets
    (content-hashed names) and its feed entry.
    """
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    items = []
    for article_id, text in articles.items():
        thumbnail = _store(out, "images", ".jpg", seeded_jpeg(text, image_size))
        content: dict[str, object] = {
            "dateAdded": "2026-11-01T08:00:00+00:00",
            "duration": 30,
            "videos": [
                {
                    "url": "https://video.example.org/live/stream.m3u8",
                    "quality": "HD",
                    "videoType": "HLS",
                }
            ],
        }
        if with_video:
            video = _store(out, "videos", ".mp4", b"\x00\x00\x00\x18ftypmp42" + text.encode())
            caption = _store(
                out, "captions", ".vtt", f"WEBVTT\n\n00:00.000 --> 00:05.000\n{text}\n".encode()
            )
            content["videos"] = [
                {"url": base_url + video, "quality": "HD", "videoType": "MP4", "bitrate": 800}
            ]
            content["captions"] = [
                {"url": base_url + caption, "language": "en", "captionType": "SUBTITLE"}
            ]
        items.append(
            {
                "id": article_id,
                "title": f"Article {article_id}",
                "shortDescription": text[:150] or "An article",
                "thumbnail": base_url + thumbnail,
                "releaseDate": "2026-11-01",
                "genres": ["news"],
                "tags": ["news"],
                "content": content,
            }
        )
    feed = {
        "providerName": "Example News",
        "lastUpdated": "2026-11-01T08:00:00+00:00",
        "language": "en",
        "categories": [{"name": "Latest", "query": "news", "order": "most_recent"}],
        "shortFormVideos": items,
    }
    (out / "feed.json").write_text(json.dumps(feed, indent=1), encoding="utf-8")
    # Build state and report: present in every build, never published.
    (out / ".packager").mkdir()
    (out / ".packager" / "state.json").write_text("{}", encoding="utf-8")
    (out / "build-report.json").write_text("{}", encoding="utf-8")
    return out


def write_bundle(articles: Path, slug: str, title: str) -> Path:
    """One text article with a photo and a video URL: builds without rendering anything."""
    folder = articles / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "1.jpg").write_bytes(seeded_jpeg(slug, (1280, 720)))
    (folder / "article.txt").write_text(
        "---\ndate: 2026-11-20T08:00:00Z\n"
        f"video: https://video.example.org/{slug}.m3u8\nduration: 60\n---\n"
        f"News / Local\n\n{title}\n\nThe story of {title.lower()}, told in full.\n\n"
        "More to follow.\n",
        encoding="utf-8",
    )
    return folder
