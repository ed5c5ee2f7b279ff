"""Hostile or careless article input at build time: a bundle linked to a huge tree, dates far
in the future, numbers Roku's 32-bit integers cannot hold."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from packager.build import build_feed
from packager.build.prepare import MAX_ROKU_INT, _check_roku_integers
from packager.build.state import MAX_SIGNATURE_ENTRIES, folder_signature
from packager.config import ChannelConfig
from packager.errors import SourceError
from packager.feed.items import PlayableVideo
from packager.model import Article
from tests.builders import BASE_URL, make_bundle
from tests.hostile.build_helpers import NOW, hls_article


@pytest.fixture
def config() -> ChannelConfig:
    return ChannelConfig(provider_name="Test News", base_url=BASE_URL, render_video="off")


def _huge_tree(tmp_path: Path) -> Path:
    """A tree far larger than any bundle (as /usr is), without reading /usr itself."""
    tree = tmp_path / "huge"
    for index in range(MAX_SIGNATURE_ENTRIES + 500):
        folder = tree / f"d{index % 50}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{index}").touch()
    return tree


def test_a_bundle_linked_to_a_huge_tree_is_refused_quickly(
    tmp_path: Path, config: ChannelConfig
) -> None:
    root = tmp_path / "articles"
    make_bundle(root, "01-story", hls_article("Story", 1))
    (root / "02-usr").symlink_to("/usr")
    started = time.monotonic()
    result = build_feed([root], tmp_path / "out", config, now=NOW)
    assert time.monotonic() - started < 10  # 30 s of fingerprinting /usr before the fix
    assert result.exit_code == 0
    assert [skip.origin for skip in result.skipped] == [str(root / "02-usr")]


def test_fingerprints_stop_on_trees_that_are_not_bundles(tmp_path: Path) -> None:
    tree = _huge_tree(tmp_path)
    assert folder_signature(tree) is None
    bundle = make_bundle(tmp_path / "articles", "story", hls_article("Story", 1))
    (bundle / "linked").symlink_to(tree)  # a link inside a bundle counts once, not followed
    signature = folder_signature(bundle)
    assert signature is not None
    assert sorted(name for name, _, _ in signature) == ["1.jpg", "article.txt", "linked"]


def test_a_date_far_in_the_future_is_warned_about(tmp_path: Path, config: ChannelConfig) -> None:
    root = tmp_path / "articles"
    make_bundle(root, "01-story", hls_article("Story", 1))
    future = make_bundle(root, "02-future", hls_article("From the future", 2))
    text = (future / "article.txt").read_text(encoding="utf-8")
    (future / "article.txt").write_text(
        text.replace("2026-11-02T08:00:00Z", "9999-12-31T23:59:59Z"), encoding="utf-8"
    )
    soon = make_bundle(root, "03-soon", hls_article("Tonight", 3))
    text = (soon / "article.txt").read_text(encoding="utf-8")
    (soon / "article.txt").write_text(
        text.replace("2026-11-03T08:00:00Z", "2026-11-29T06:00:00Z"), encoding="utf-8"
    )
    result = build_feed([root], tmp_path / "out", config, now=NOW)
    assert result.exit_code == 0
    warned = [note for note in result.notes if "in the future" in note]
    assert len(warned) == 1, result.notes  # within a day (time zones, embargoes) is fine
    assert warned[0].startswith(f"{future / 'article.txt'}: publication date 9999-12-31T23:59:59")


def test_a_duration_beyond_32_bits_skips_the_article(tmp_path: Path, config: ChannelConfig) -> None:
    root = tmp_path / "articles"
    make_bundle(root, "01-story", hls_article("Story", 1))
    long = make_bundle(root, "02-long", hls_article("Too long", 2))
    text = (long / "article.txt").read_text(encoding="utf-8")
    (long / "article.txt").write_text(
        text.replace("duration: 90", "duration: 3000000000"), encoding="utf-8"
    )
    result = build_feed([root], tmp_path / "out", config, now=NOW)
    assert result.exit_code == 0
    assert result.item_counts == {"shortFormVideos": 1}
    (skip,) = result.skipped
    assert skip.origin == str(long / "article.txt")
    # The reader refuses it first (the mapping's own 32-bit check stays behind it, below).
    assert "duration" in skip.reason and "2147483647" in skip.reason
    assert skip.hint
    assert b"3000000000" not in (tmp_path / "out" / "feed.json").read_bytes()


def test_a_bitrate_beyond_32_bits_is_refused() -> None:
    article = Article(id="x", title="X", origin="articles/x/article.json")
    huge = PlayableVideo("https://cdn.example.com/x.mp4", "MP4", "HD", 60, 10**30)
    with pytest.raises(SourceError, match=r"bitrate 1e\+30 kbps is beyond what Roku reads"):
        _check_roku_integers(huge, article)
    _check_roku_integers(PlayableVideo("u", "MP4", "HD", MAX_ROKU_INT, MAX_ROKU_INT), article)


def test_a_cached_article_with_a_huge_duration_is_not_reused(
    tmp_path: Path, config: ChannelConfig
) -> None:
    root = tmp_path / "articles"
    make_bundle(root, "01-story", hls_article("Story", 1))
    out = tmp_path / "out"
    assert build_feed([root], out, config, now=NOW).exit_code == 0
    # What a build before the check would have cached.
    (cached,) = (out / ".packager" / "articles").glob("*.json")
    data = json.loads(cached.read_text(encoding="utf-8"))
    data["video"]["duration_seconds"] = 10**12
    cached.write_text(json.dumps(data), encoding="utf-8")

    again = build_feed([root], out, config, now=NOW)
    assert again.reused == 0 and again.prepared == 1
    assert (
        json.loads((out / "feed.json").read_bytes())["shortFormVideos"][0]["content"]["duration"]
        == 90
    )
