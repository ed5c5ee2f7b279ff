"""Golden-file test: the bundled example channel builds into exactly the feed we reviewed.

Content hashes of rendered media depend on the machine's text-to-speech voice and fonts, so
asset names, and the duration and bitrate of rendered videos, are normalised before comparing.
To accept a deliberate change: PACKAGER_UPDATE_GOLDEN=1 pytest tests/acceptance/test_example_channel.py
and review the diff of the golden file.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from packager.build import BuildResult, build_feed
from packager.config import load_config
from packager.validate import validate_feed
from packager.video import probe_video

# Every test here uses the example channel built once, five videos rendered: slow.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "channel"
GOLDEN = Path(__file__).parent / "golden" / "example-channel-feed.json"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
_HASHED = re.compile(r"/(images|videos|captions)/[0-9a-f]{16,64}\.")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, Path]:
    out = tmp_path_factory.mktemp("example") / "output"
    config = load_config(EXAMPLE / "channel.toml")
    return build_feed([], out, config, now=NOW), out


def normalised(feed: dict[str, Any]) -> dict[str, Any]:
    text = _HASHED.sub(lambda m: f"/{m.group(1)}/<hash>.", json.dumps(feed))
    data: dict[str, Any] = json.loads(text)

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            content = node.get("content")
            if isinstance(content, dict) and any(
                "/videos/<hash>.mp4" in v.get("url", "") for v in content.get("videos", [])
            ):
                content["duration"] = "<rendered>"
                for video in content["videos"]:
                    video["bitrate"] = "<rendered>"
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(data)
    return data


def test_example_channel_matches_the_golden_feed(built: tuple[BuildResult, Path]) -> None:
    result, out = built
    assert result.exit_code == 0, result.as_dict()
    assert result.skipped == ()
    feed = normalised(json.loads((out / "feed.json").read_text()))
    if os.environ.get("PACKAGER_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(feed, indent=2, ensure_ascii=False) + "\n")
    assert feed == json.loads(GOLDEN.read_text())


def test_example_channel_covers_every_input_kind(built: tuple[BuildResult, Path]) -> None:
    result, _ = built
    assert result.item_counts == {
        "shortFormVideos": 6,
        "tvSpecials": 1,
        "series": 1,
        "liveFeeds": 1,
    }
    kinds = {path.suffix for path in (EXAMPLE / "articles").glob("*/article.*")}
    assert kinds == {".txt", ".md", ".html", ".json"}


def test_example_feed_validates_and_every_asset_exists(built: tuple[BuildResult, Path]) -> None:
    _, out = built
    validation = validate_feed(out / "feed.json")
    assert validation.errors == ()
    assert {p.rule for p in validation.warnings} <= {"credit-birth-date"}
    base = "https://cdn.harborcity.example/roku/"
    urls = re.findall(
        r'"(https://cdn\.harborcity\.example/roku/[^"]+)"', (out / "feed.json").read_text()
    )
    assert urls
    for url in urls:
        assert (out / url[len(base) :]).is_file(), url


def test_text_only_article_plays_end_to_end(built: tuple[BuildResult, Path]) -> None:
    _, out = built
    feed = json.loads((out / "feed.json").read_text())
    item = next(i for i in feed["shortFormVideos"] if i["title"].startswith("Old swing bridge"))
    video_url = item["content"]["videos"][0]["url"]
    info = probe_video(out / "videos" / video_url.rsplit("/", 1)[1])
    assert (info.video_codec, info.audio_codec, info.width, info.height) == (
        "h264",
        "aac",
        1280,
        720,
    )
    assert abs(info.duration_seconds - item["content"]["duration"]) <= 1
    captions = item["content"]["captions"][0]["url"].rsplit("/", 1)[1]
    assert (out / "captions" / captions).read_text().startswith("WEBVTT")


def test_unchanged_rebuild_does_no_work(built: tuple[BuildResult, Path]) -> None:
    _, out = built
    before = (out / "feed.json").read_bytes()
    again = build_feed([], out, load_config(EXAMPLE / "channel.toml"), now=NOW)
    assert (again.prepared, again.reused) == (0, 9)
    assert (out / "feed.json").read_bytes() == before
