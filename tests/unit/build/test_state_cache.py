"""A warm build folder keeps every prepared article (and render) when only settings that
shape the feed around the items change."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from packager.build import build_feed
from packager.config import ChannelConfig, RowRule

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "channel" / "articles"
CONFIG = ChannelConfig(base_url="https://cdn.example.com/roku/", render_video="off")
NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("unrelated", "changed"),
    [
        ({"max_items": 50}, False),
        ({"rows": (RowRule(name="Everything", latest=True),)}, False),
        ({"genres": {"News": "news"}, "rating": "TVPG", "rating_source": "USA_PR"}, False),
        ({"short_form_max_seconds": 60, "long_form_type": "tvSpecials"}, False),
        ({"thumbnail_width": 1920, "thumbnail_height": 1080}, True),
    ],
)
def test_only_settings_that_change_the_files_prepare_articles_again(
    tmp_path: Path, unrelated: dict[str, object], changed: bool
) -> None:
    sources = tmp_path / "articles"
    shutil.copytree(EXAMPLE / "04-council-hls", sources / "04-council-hls")
    out = tmp_path / "out"
    first = build_feed([sources], out, CONFIG, now=NOW)
    assert first.feed_written and first.prepared == 1

    again = build_feed([sources], out, replace(CONFIG, **unrelated), now=NOW)  # type: ignore[arg-type]

    assert again.feed_written
    assert (again.reused, again.prepared) == ((0, 1) if changed else (1, 0))
