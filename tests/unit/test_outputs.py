"""Pruning a built output folder: what goes, what stays, and what is never touched."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from packager.outputs import feed_urls, prune_output

BASE = "https://cdn.example.com/ch/"
WEEK = 7 * 24 * 3600


def write(path: Path, data: bytes = b"x", days_old: float = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    then = time.time() - days_old * 86400
    os.utime(path, (then, then))
    return path


def channel(out: Path, names: list[str]) -> None:
    """A feed.json naming `names` under BASE (enough for working out which files it uses)."""
    items = [{"id": str(i), "thumbnail": BASE + name} for i, name in enumerate(names)]
    write(out / "feed.json", json.dumps({"shortFormVideos": items}).encode())


def test_an_hls_folder_and_its_mp4_live_and_go_together(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for stem in ("kept", "gone"):
        write(out / f"videos/{stem}.mp4", days_old=30)
        write(out / f"videos/{stem}/index.m3u8", b"#EXTM3U\nseg0.ts\n", days_old=30)
        write(out / f"videos/{stem}/seg0.ts", days_old=30)
    write(out / "images/old.jpg", days_old=30)
    write(out / "images/named.jpg", days_old=30)
    channel(out, ["videos/kept/index.m3u8", "images/named.jpg"])

    pruned = prune_output(out, BASE)
    assert pruned.names == (
        "images/old.jpg",
        "videos/gone.mp4",
        "videos/gone/index.m3u8",
        "videos/gone/seg0.ts",
    )
    assert not (out / "videos/gone").exists()
    # The playlist named by the feed keeps its segments and the MP4 it was made from, and
    # they count as used now: their age starts again.
    for name in ("videos/kept.mp4", "videos/kept/seg0.ts", "images/named.jpg"):
        assert time.time() - (out / name).stat().st_mtime < 60


def test_a_part_of_an_hls_unit_that_is_recent_keeps_the_whole_unit(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out / "videos/v/seg0.ts", days_old=8)
    write(out / "videos/v/index.m3u8", b"#EXTM3U\nseg0.ts\n", days_old=6)
    write(out / "images/a.jpg")
    channel(out, ["images/a.jpg"])
    assert prune_output(out, BASE).names == ()
    assert (out / "videos/v/seg0.ts").is_file()


def test_symbolic_links_are_neither_followed_nor_deleted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    outside = write(tmp_path / "archive/master.jpg", days_old=30)
    write(out / "videos/clip.mp4", days_old=30)
    write(out / "images/a.jpg", days_old=30)
    (out / "images/archive").symlink_to(outside.parent)  # a folder elsewhere
    (out / "videos/alias").symlink_to(out / "videos")  # a loop back into the folder
    (out / "images/link.jpg").symlink_to(outside)
    channel(out, ["videos/clip.mp4", "images/a.jpg"])
    assert prune_output(out, BASE).names == ()
    assert outside.is_file() and (out / "videos/clip.mp4").is_file()
    assert (out / "images/link.jpg").is_symlink()


def test_files_of_the_build_outside_the_feed_can_be_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out / "images/trimmed.jpg", days_old=30)
    write(out / "images/a.jpg")
    channel(out, ["images/a.jpg"])
    assert prune_output(out, BASE, also_in_use={"images/trimmed.jpg"}).names == ()
    # The age counts from when the feed or the build last named a file: a week from now.
    assert prune_output(out, BASE).names == ()
    assert prune_output(out, BASE, clock=time.time() + 2 * WEEK).names == ("images/trimmed.jpg",)


def test_nothing_is_pruned_when_the_feed_cannot_say_what_it_uses(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out / "images/a.jpg", days_old=30)
    channel(out, ["images/missing.jpg"])  # names a file the folder lacks
    pruned = prune_output(out, BASE)
    assert pruned.names == () and "cannot tell which files" in pruned.skipped
    channel(out, [])  # names nothing under BASE
    pruned = prune_output(out, "https://elsewhere.example/")
    assert pruned.names == () and "no URL in the feed names a file" in pruned.skipped
    assert (out / "images/a.jpg").is_file()


def test_feed_urls_walks_items_seasons_and_episodes_once_with_escaped_pointers() -> None:
    base = "https://cdn.example.com/c/"
    episode = {
        "id": "e1",
        "thumbnail": base + "e1.jpg",
        "content": {"videos": [{"url": base + "e1.mp4"}]},
    }
    feed = {
        "providerName": "https://not-an-item.example/",  # the root is not an asset
        "series": [
            {
                "id": "s",
                "thumbnail": base + "s.jpg",
                "seasons": [
                    {"seasonNumber": 1, "thumbnail": base + "season.jpg", "episodes": [episode]}
                ],
                "episodes": [{**episode, "id": "e2", "thumbnail": base + "e2.jpg"}],
            }
        ],
        "shortFormVideos": [{"id": "x", "a/b~c": base + "odd.jpg"}],
    }
    assert list(feed_urls(feed)) == [
        ("/series/0/thumbnail", base + "s.jpg"),
        ("/series/0/seasons/0/thumbnail", base + "season.jpg"),
        ("/series/0/seasons/0/episodes/0/thumbnail", base + "e1.jpg"),
        ("/series/0/seasons/0/episodes/0/content/videos/0/url", base + "e1.mp4"),
        ("/series/0/episodes/0/thumbnail", base + "e2.jpg"),
        ("/series/0/episodes/0/content/videos/0/url", base + "e1.mp4"),
        ("/shortFormVideos/0/a~1b~0c", base + "odd.jpg"),
    ]
