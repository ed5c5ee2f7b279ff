"""The publisher's real article (../shared/seed) builds into a valid feed item."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from packager.build import build_feed
from packager.config import ChannelConfig
from packager.sources import ReadOptions, read_bundle
from packager.validate import validate_feed
from tests.builders import BASE_URL, make_photo

HEADLINE = "US backs down, responds to Russia's demands, seeks dialogue"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def seed_bundle(shared_dir: Path, root: Path, test_video: Path) -> Path:
    folder = root / "seed"
    folder.mkdir(parents=True)
    shutil.copy(shared_dir / "seed" / "000_ea0fa2e06869f8ed.txt", folder / "article.txt")
    make_photo(folder / "1-omar-pelosi.jpg", (2400, 1600), seed=1)
    make_photo(folder / "2-blinken.jpg", (1800, 1200), seed=2)
    shutil.copy(test_video, folder / "briefing.mp4")
    return folder


def test_seed_builds_into_a_valid_item(shared_dir: Path, tmp_path: Path, test_video: Path) -> None:
    folder = seed_bundle(shared_dir, tmp_path / "articles", test_video)
    config = ChannelConfig(provider_name="Press TV", base_url=BASE_URL, render_video="off")

    article = read_bundle(folder, ReadOptions())
    assert article.title == HEADLINE
    assert article.section_path == ("News", "Foreign Policy", "Russia", "Editor's Choice")
    assert [(image.credit, Path(image.location).name) for image in article.images] == [
        ("AFP", "1-omar-pelosi.jpg"),
        ("Reuters", "2-blinken.jpg"),
    ]
    assert article.images[0].caption.startswith("US Rep. Ilhan Omar (D-MN) (L) talks with Speaker")
    assert article.images[1].caption.startswith("US Secretary of State Antony Blinken speaks")

    result = build_feed([folder], tmp_path / "out", config, now=NOW)
    assert result.exit_code == 0, result.as_dict()
    feed_path = tmp_path / "out" / "feed.json"
    validation = validate_feed(feed_path)
    assert validation.errors == ()

    feed = json.loads(feed_path.read_text())
    (item,) = feed["shortFormVideos"]
    assert item["title"] == HEADLINE
    assert item["tags"][-4:] == ["News", "Foreign Policy", "Russia", "Editor's Choice"]
    assert len(item["shortDescription"]) <= 200 and len(item["longDescription"]) <= 500
    assert item["shortDescription"] != item["longDescription"]
    video = item["content"]["videos"][0]
    assert video["videoType"] == "MP4" and video["url"].startswith(BASE_URL + "videos/")
    assert item["content"]["duration"] == 2
    assert (tmp_path / "out" / item["thumbnail"][len(BASE_URL) :]).is_file()

    rows = {category["name"] for category in feed["categories"]}
    assert {"Latest", "Foreign Policy", "Russia", "Editor's Choice"} <= rows
    for playlist in feed["playlists"]:
        assert playlist["itemIds"] == [item["id"]]

    raw = feed_path.read_text()
    for footer in ("alternate addresses", "Press TV News Roku", "can also be accessed"):
        assert footer not in raw
