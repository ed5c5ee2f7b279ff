"""A bad value in the host's build cache is not used (with a warning): the article is made
again instead of every republish failing for good, and no entry names another host."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from packager.feed.items import PlayableVideo
from packager.layout import BUILD_CACHE_NAME
from packager.outputs import BuildCache, CachedArticle
from packager.republish import read_host_reuse


def _entry(duration: int = 30) -> CachedArticle:
    return CachedArticle(
        thumbnail="images/abc.jpg",
        video=PlayableVideo("videos/abc.mp4", "MP4", "HD", duration, 900),
        captions=(),
        notes=(),
        files=("images/abc.jpg", "videos/abc.mp4"),
    )


def _document(**changes: object) -> bytes:
    data = json.loads(BuildCache({"bad": _entry(), "good": _entry()}).to_bytes())
    data["articles"]["bad"]["video"].update(changes)
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    "changes",
    [{"duration_seconds": -5}, {"duration_seconds": 10**30}, {"bitrate_kbps": 2**31}],
    ids=["negative", "huge", "bitrate-over-int32"],
)
def test_an_out_of_range_entry_is_left_out_and_the_others_kept(changes: dict[str, int]) -> None:
    cache = BuildCache.from_bytes(_document(**changes))
    assert set(cache.articles) == {"good"}
    assert len(cache.problems) == 1 and "'bad'" in cache.problems[0]


def test_the_host_reader_warns_about_a_left_out_entry(tmp_path: Path) -> None:
    (tmp_path / BUILD_CACHE_NAME).write_bytes(_document(duration_seconds=-5))
    found = read_host_reuse(str(tmp_path))
    assert set(found.reuse.cache.articles) == {"good"}
    assert any("'bad'" in w and "made again" in w for w in found.warnings), found.warnings


def test_a_huge_build_cache_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import packager.republish as republish

    monkeypatch.setattr(republish, "MAX_BUILD_CACHE_BYTES", 100)
    (tmp_path / BUILD_CACHE_NAME).write_bytes(_document())
    found = read_host_reuse(str(tmp_path))
    assert not found.reuse.cache.articles
    assert found.raw != BuildCache().to_bytes()  # so the next publish writes it anew
    assert any("is not used" in w and "bytes" in w for w in found.warnings), found.warnings
