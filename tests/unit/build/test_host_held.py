"""Publishing a build that left files on the host: which files the host must keep."""

from __future__ import annotations

from pathlib import Path

from packager.feed.items import PlayableVideo
from packager.outputs import BuildCache, CachedArticle
from packager.publish.channel import LocalChannel, LocalFile
from packager.publish.hostcache import file_keys, with_members

PLAYLIST = "videos/abc.m3u8"
SEGMENTS = ("videos/abc/seg0.ts", "videos/abc/seg1.ts")


def _file(name: str, size: int = 10) -> LocalFile:
    return LocalFile(name, Path(name), size, "0" * 64, "0" * 32)


def _hls_cache() -> BuildCache:
    entry = CachedArticle(
        thumbnail="images/t.jpg",
        video=PlayableVideo(PLAYLIST, "HLS", "HD", 30),
        captions=(),
        notes=(),
        files=("images/t.jpg", PLAYLIST, *SEGMENTS),
        meta={PLAYLIST: {"duration": 30.0}},
    )
    unused = CachedArticle(
        thumbnail="images/u.jpg",
        video=PlayableVideo("videos/u.mp4", "MP4", "HD", 9),
        captions=(),
        notes=(),
        files=("images/u.jpg", "videos/u.mp4"),
    )
    remote = frozenset({PLAYLIST, *SEGMENTS, "videos/u.mp4"})
    return BuildCache({"k": entry, "unused": unused}, remote)


def test_the_segments_of_a_held_playlist_are_held_too() -> None:
    feed = _file("feed.json")
    channel = LocalChannel(feed, {"images/t.jpg": _file("images/t.jpg")}, "", frozenset({PLAYLIST}))

    held = with_members(channel, _hls_cache()).held

    assert held == {PLAYLIST, *SEGMENTS}  # not the files of an article the feed does not use


def test_files_carry_their_articles_key_and_meta_with_the_local_size() -> None:
    channel = LocalChannel(
        _file("feed.json"), {"images/t.jpg": _file("images/t.jpg", 321)}, "", frozenset({PLAYLIST})
    )

    keys = file_keys(_hls_cache(), channel)

    assert keys["images/t.jpg"].key == "k" and keys["images/t.jpg"].meta == {"size": 321}
    assert keys[PLAYLIST].meta == {"duration": 30.0}
    assert "videos/u.mp4" not in keys  # neither sent nor kept by this publish
