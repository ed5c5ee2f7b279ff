"""A build killed outright (the OOM killer, kill -9) leaves no ffmpeg running and no MP4
under its final name."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = """
import sys
from pathlib import Path
from PIL import Image as PilImage
from packager.model import Article, Image
from packager.video import RenderOptions, render_article_video

folder = Path(sys.argv[1])
photo = folder / "photo.jpg"
PilImage.effect_noise((1600, 900), 60).convert("RGB").save(photo)
article = Article(id="k", title="Killed", origin="k.txt", summary="One sentence.",
                  images=(Image("photo.jpg", caption="Noise", credit="Test"),))
# A minute of moving noise at the slowest preset: ffmpeg runs far longer than the test waits.
options = RenderOptions(preset="veryslow", min_photo_seconds=60.0, tts_path="/nonexistent")
render_article_video(article, [photo], folder / "out", options, channel_name="C")
"""


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the command name, which is in parentheses and may hold spaces.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and prctl")
def test_killing_the_python_process_mid_render_kills_ffmpeg_and_leaves_no_final_mp4(
    tmp_path: Path,
) -> None:
    root = Path(__file__).resolve().parents[3]
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    ffmpeg: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not ffmpeg and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
            ffmpeg = [pid for pid in children_of(process.pid) if alive(pid)]
        assert ffmpeg, "the render never started ffmpeg"
        time.sleep(1.0)  # let it write
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in ffmpeg) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(pid) for pid in ffmpeg), "ffmpeg outlived the killed build"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in ffmpeg:  # a failed run must not leave its ffmpeg behind either
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    videos = tmp_path / "out" / "videos"
    finals = (
        [p.name for p in videos.iterdir() if not p.name.startswith(".")] if videos.exists() else []
    )
    assert finals == []
