"""Fixtures for the bundle readers: the seed article as a bundle and a short generated video."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.builders import solid_photo
from tests.unit.sources.paths import SEED_NAME


@pytest.fixture(scope="session")
def test_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-second 320x180 H.264/AAC MP4 made with the ffmpeg that imageio-ffmpeg ships."""
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    out = tmp_path_factory.mktemp("video") / "clip.mp4"
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=320x180:rate=25",
        "-f",
        "lavfi",
        "-i",
        "anullsrc=channel_layout=stereo:sample_rate=44100",
        "-t",
        "2",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        str(out),
    ]
    subprocess.run(command, check=True, timeout=120)
    return out


@pytest.fixture
def seed_text(shared_dir: Path) -> bytes:
    return (shared_dir / "seed" / SEED_NAME).read_bytes()


@pytest.fixture
def seed_bundle(tmp_path: Path, seed_text: bytes, test_video: Path) -> Path:
    """The seed article as a bundle: article.txt, two photos, a 2 s video."""
    bundle = tmp_path / "us-backs-down"
    bundle.mkdir()
    (bundle / "article.txt").write_bytes(seed_text)
    solid_photo(bundle / "photo1.jpg", (200, 30, 30))
    solid_photo(bundle / "photo2.png", (30, 30, 200))
    (bundle / "clip.mp4").write_bytes(test_video.read_bytes())
    return bundle
