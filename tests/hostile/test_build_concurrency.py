"""Two builds into one folder, and media cut short: a lock on the output folder, unique temp
names, and an integrity check before any MP4 is reused."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import imageio_ffmpeg
import pytest
from click.testing import CliRunner

from packager.build import build_feed
from packager.build.lock import BUILD_LOCK_NAME, output_lock
from packager.build.prepare import copy_hashed
from packager.build.progress import RENDERING, Progress
from packager.cli import main
from packager.config import ChannelConfig
from packager.errors import ExitCode, LockBusyError
from packager.spec import walk_feed
from packager.video.integrity import mp4_is_complete, mp4_problem
from tests.builders import BASE_URL, make_bundle, make_video
from tests.hostile.build_helpers import NOW, article, hls_article


@pytest.fixture(scope="module")
def test_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_video(tmp_path_factory.mktemp("video") / "clip.mp4")


@pytest.fixture
def config() -> ChannelConfig:
    return ChannelConfig(provider_name="Test News", base_url=BASE_URL, render_video="off")


def _hold_lock(out: Path, pid: int) -> Path:
    lock = out / ".packager" / BUILD_LOCK_NAME
    lock.parent.mkdir(parents=True)
    holder = {"pid": pid, "host": socket.gethostname(), "started": "2026-11-28T11:59:00+00:00"}
    lock.write_text(json.dumps(holder), encoding="utf-8")
    return lock


def test_a_second_build_exits_9_naming_the_holder(tmp_path: Path) -> None:
    make_bundle(tmp_path / "articles", "one", hls_article("One", 1))
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        _hold_lock(out, holder.pid)
        args = ["build", str(tmp_path / "articles"), "--base-url", BASE_URL, "--out", str(out)]
        started = time.monotonic()
        result = CliRunner().invoke(main, [*args, "--wait", "0.5"], catch_exceptions=False)
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == ExitCode.BUSY, result.output
    assert 0.5 <= time.monotonic() - started < 5
    assert f"pid {holder.pid} on {socket.gethostname()}, since 2026-11-28T11:59:00" in result.output
    assert not (out / "feed.json").exists()


def test_a_dead_builds_lock_is_taken_over(tmp_path: Path, config: ChannelConfig) -> None:
    make_bundle(tmp_path / "articles", "one", hls_article("One", 1))
    out = tmp_path / "out"
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    lock = _hold_lock(out, int(gone.stdout))
    result = build_feed([tmp_path / "articles"], out, config, now=NOW)
    assert result.exit_code == 0
    assert not lock.exists()  # released after the build


def test_the_lock_is_released_when_the_build_fails(tmp_path: Path) -> None:
    state = tmp_path / ".packager"
    with pytest.raises(RuntimeError), output_lock(state):
        raise RuntimeError("boom")
    with (
        output_lock(state),  # free again
        pytest.raises(LockBusyError, match=f"pid {os.getpid()}"),
        output_lock(state),
    ):
        pass


def test_integrity_of_whole_and_cut_mp4s(test_video: Path, tmp_path: Path) -> None:
    assert mp4_is_complete(test_video)
    data = test_video.read_bytes()
    cut = tmp_path / "cut.mp4"
    for size in (len(data) - 1, len(data) // 2, 20, 3):
        cut.write_bytes(data[:size])
        assert not mp4_is_complete(cut), size
    cut.write_bytes(data[: len(data) // 2])
    assert "not written to the end" in mp4_problem(cut)
    cut.write_bytes(data[: int.from_bytes(data[:4], "big")])  # ftyp alone: no moov
    assert "moov" in mp4_problem(cut)
    (tmp_path / "text.mp4").write_bytes(b"hello, this is not a video at all")
    assert mp4_problem(tmp_path / "text.mp4")
    assert "cannot read" in mp4_problem(tmp_path / "missing.mp4")


def test_a_half_written_copied_video_is_copied_again(tmp_path: Path, config: ChannelConfig) -> None:
    root = tmp_path / "articles"
    bundle = make_bundle(root, "clip", article("Clip", 1), video=True)
    out = tmp_path / "out"
    assert build_feed([root], out, config, now=NOW).exit_code == 0
    (copied,) = (out / "videos").glob("*.mp4")
    copied.write_bytes(copied.read_bytes()[: copied.stat().st_size // 2])  # a copy cut short

    again = build_feed([root], out, config, now=NOW)
    assert again.exit_code == 0 and again.reused == 0  # not trusted from the cache
    assert copied.read_bytes() == (bundle / "clip.mp4").read_bytes()


def test_copies_use_their_own_temp_names(tmp_path: Path, test_video: Path) -> None:
    out = tmp_path / "out"
    name = copy_hashed(test_video, tmp_path / "first", "videos")
    # What another build's copy of the same file would be writing under a fixed temp name.
    (out / "videos" / f".{Path(name).name}.tmp").mkdir(parents=True)
    assert copy_hashed(test_video, out, "videos") == name
    assert (out / name).read_bytes() == test_video.read_bytes()
    assert [p.name for p in (out / "videos").iterdir() if p.is_file()] == [Path(name).name]


@pytest.mark.slow
def test_a_half_written_render_is_rendered_again(tmp_path: Path) -> None:
    root = tmp_path / "articles"
    make_bundle(root, "story", article("A rendered story", 1))
    config = ChannelConfig(provider_name="Test News", base_url=BASE_URL, render_video="on")
    out = tmp_path / "out"
    assert build_feed([root], out, config, now=NOW).exit_code == 0
    (video,) = (out / "videos").glob("*.mp4")
    whole = video.read_bytes()
    video.write_bytes(whole[: len(whole) // 3])  # the renderer's ffmpeg killed mid-write

    events: list[Progress] = []
    again = build_feed([root], out, config, now=NOW, progress=events.append)
    assert again.exit_code == 0 and again.reused == 0
    assert mp4_is_complete(video) and _decodes(video)
    assert [(e.done, e.total) for e in events if e.stage == RENDERING] == [(1, 1)]


@pytest.mark.slow
def test_rerender_renders_again_without_changing_what_is_rendered(tmp_path: Path) -> None:
    root = tmp_path / "articles"
    make_bundle(root, "story", article("A rendered story", 1))
    make_bundle(root, "own-video", article("Its own video", 2), video=True)
    config = ChannelConfig(provider_name="Test News", base_url=BASE_URL, render_video="on")
    out = tmp_path / "out"
    assert build_feed([root], out, config, now=NOW).exit_code == 0
    feed = (out / "feed.json").read_bytes()
    kept = tmp_path / "before"  # hard links keep the old files' inodes from being reused
    kept.mkdir()
    for video in (out / "videos").glob("*.mp4"):
        os.link(video, kept / video.name)

    again = build_feed([root], out, config, now=NOW, rerender=True)
    assert again.exit_code == 0 and again.reused == 0
    assert (out / "feed.json").read_bytes() == feed  # same items, same types, same videos
    after = sorted(video.name for video in (out / "videos").glob("*.mp4"))
    assert after == sorted(video.name for video in kept.iterdir())
    changed = [name for name in after if not (out / "videos" / name).samefile(kept / name)]
    assert len(changed) == 1  # the render, not the article's own video


def _decodes(path: Path) -> bool:
    run = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=False,
    )
    return run.returncode == 0 and not run.stderr.strip()


@pytest.mark.slow
def test_two_builds_at_once_leave_only_decodable_videos(tmp_path: Path) -> None:
    root = tmp_path / "articles"
    for day in (1, 2):
        make_bundle(root, f"story-{day}", article(f"Rendered story {day}", day))
    make_bundle(root, "own-video", article("Its own video", 3), video=True)
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "packager",
        "build",
        str(root),
        "--base-url",
        BASE_URL,
        "--out",
        str(out),
        "--wait",
        "600",
        "--now",
        NOW.isoformat(),
    ]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=900)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    feed = json.loads((out / "feed.json").read_bytes())
    urls = [v["url"] for node in walk_feed(feed) for v in node.item["content"]["videos"]]
    assert len(urls) == 3
    for url in urls:
        path = out / url.removeprefix(BASE_URL)
        assert mp4_is_complete(path) and _decodes(path), url
    assert not list(out.rglob("*.tmp")) and not list(out.rglob("*.partial.mp4"))


def test_an_emptied_caption_file_is_not_reused(tmp_path: Path, config: ChannelConfig) -> None:
    root = tmp_path / "articles"
    bundle = make_bundle(root, "story", hls_article("Story", 1))
    (bundle / "story.en.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n")
    out = tmp_path / "out"
    assert build_feed([root], out, config, now=NOW).exit_code == 0
    (caption,) = (out / "captions").glob("*.vtt")
    caption.write_bytes(b"")  # cut short to nothing

    again = build_feed([root], out, config, now=NOW)
    assert again.reused == 0
    assert caption.read_bytes() == (bundle / "story.en.vtt").read_bytes()
