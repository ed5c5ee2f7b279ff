"""The build report's counts add up: an article left out for another's id is skipped, not
also counted as built."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from packager.build import build_feed
from packager.config import ChannelConfig
from packager.report import write_build_report
from tests.builders import BASE_URL, HLS_ARTICLE, make_bundle

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_a_duplicate_id_is_skipped_and_not_counted_as_built(tmp_path: Path) -> None:
    root = tmp_path / "articles"
    for name, title in (("a", "First"), ("b", "Second"), ("c", "Third")):
        make_bundle(root, name, HLS_ARTICLE.format(name=name, title=title))
    same = "---\nid: shared-id\n" + HLS_ARTICLE.removeprefix("---\n")
    make_bundle(root, "d", same.format(name="d", title="Fourth"))
    make_bundle(root, "e", same.format(name="e", title="Fifth"))
    config = ChannelConfig(base_url=BASE_URL, render_video="off")
    result = build_feed([root], tmp_path / "out", config, now=NOW)
    assert result.exit_code == 0
    assert result.item_counts == {"shortFormVideos": 4}
    assert len(result.skipped) == 1 and "same id 'shared-id'" in result.skipped[0].reason
    text = io.StringIO()
    write_build_report(result, text)
    assert "articles: 4 built (0 unchanged, 5 processed), 1 skipped" in text.getvalue()
