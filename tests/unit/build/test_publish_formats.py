"""A channel built in every format publishes all three files, after the assets they name."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from packager.build import build_feed
from packager.config import ChannelConfig
from packager.publish import publish
from tests.builders import BASE_URL, make_bundle

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
TEXT = (
    "---\ndate: 2026-11-20T08:00:00Z\n---\nNews / Local\n\nFerry runs again\n\n"
    "The ferry is back in service after repairs.\n\nTimetables are unchanged.\n"
)


def test_all_formats_are_published_feed_last(tmp_path: Path) -> None:
    make_bundle(tmp_path / "articles", "ferry", TEXT, video=True)
    out = tmp_path / "out"
    config = ChannelConfig(
        base_url=BASE_URL, render_video="off", formats=("roku", "mrss", "roku-search")
    )
    assert build_feed([tmp_path / "articles"], out, config, now=NOW).exit_code == 0
    result = publish(out, str(tmp_path / "host"), now=NOW)
    order = list(result.uploaded)
    assert {"feed.xml", "search.json"} <= set(order)
    assets = [n for n in order if n.startswith(("images/", "videos/"))]
    assert max(order.index(n) for n in assets) < order.index("feed.xml")
    assert json.loads((tmp_path / "host" / "search.json").read_text())["assets"]


def test_republish_publishes_a_newly_enabled_format(tmp_path: Path) -> None:
    from packager.republish import republish

    make_bundle(tmp_path / "articles", "ferry", TEXT, video=True)
    host = tmp_path / "host"
    plain = ChannelConfig(
        base_url=BASE_URL, render_video="off", sources=(str(tmp_path / "articles"),)
    )
    first = republish(plain, str(host), out_dir=tmp_path / "out", now=NOW)
    assert first.status == "published"
    assert not (host / "feed.xml").exists()

    every = plain.with_overrides(formats=("roku", "mrss", "roku-search"))
    second = republish(every, str(host), out_dir=tmp_path / "out", now=NOW)
    assert second.status == "published"  # feed.json's items did not change, the formats did
    assert (host / "feed.xml").is_file() and (host / "search.json").is_file()
    third = republish(every, str(host), out_dir=tmp_path / "out", now=NOW)
    assert third.status == "no-changes"
