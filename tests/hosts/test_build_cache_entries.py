"""A bad value in the host's build cache is not used (with a warning): the articles are made
again instead of every republish failing for good; a huge cache is not read."""

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
def test_an_out_of_range_value_is_refused_with_the_reason(changes: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="outside"):
        BuildCache.from_bytes(_document(**changes))


def test_the_host_reader_ignores_it_with_a_warning(tmp_path: Path) -> None:
    """Not used (every article is made here) and, as its bytes differ from what the build
    writes, rewritten by the publish: it does not fail every later run."""
    (tmp_path / BUILD_CACHE_NAME).write_bytes(_document(duration_seconds=-5))
    found = read_host_reuse(str(tmp_path))
    assert not found.reuse.cache.articles
    assert found.raw == _document(duration_seconds=-5)
    assert any("is not used" in w and "outside" in w for w in found.warnings), found.warnings


def test_a_huge_build_cache_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import packager.republish as republish

    monkeypatch.setattr(republish, "MAX_BUILD_CACHE_BYTES", 100)
    (tmp_path / BUILD_CACHE_NAME).write_bytes(_document())
    found = read_host_reuse(str(tmp_path))
    assert not found.reuse.cache.articles
    assert found.raw != BuildCache().to_bytes()  # so the next publish writes it anew
    assert any("is not used" in w and "bytes" in w for w in found.warnings), found.warnings
