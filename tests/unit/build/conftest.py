"""Helpers for build tests: bundles with generated photos and videos."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest
from PIL import Image, ImageDraw

from packager.config import ChannelConfig

BASE_URL = "https://cdn.example.com/channel/"


def make_photo(path: Path, size: tuple[int, int] = (1600, 1000), seed: int = 0) -> Path:
    image = Image.new("RGB", size, (40 + seed * 30 % 200, 90, 150))
    draw = ImageDraw.Draw(image)
    for step in range(0, size[0], 40):
        draw.rectangle(
            [step, size[1] // 3, step + 20, size[1] // 3 + (step * 7 + seed * 13) % 300],
            fill=(200, 180 - step % 100, 90),
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, quality=85)
    return path


def make_video(path: Path, seconds: float = 2.0, size: str = "640x360") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={size}:rate=25:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=330:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        check=True,
    )
    return path


def make_bundle(
    root: Path, name: str, text: str, *, photos: int = 1, video: bool = False, kind: str = "txt"
) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"article.{kind}").write_text(text, encoding="utf-8")
    for index in range(photos):
        make_photo(folder / f"{index + 1}.jpg", seed=index + len(name))
    if video:
        make_video(folder / "clip.mp4")
    return folder


@pytest.fixture(scope="session")
def test_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_video(tmp_path_factory.mktemp("video") / "clip.mp4")


@pytest.fixture
def config() -> ChannelConfig:
    return ChannelConfig(provider_name="Test News", base_url=BASE_URL, render_video="off")
