"""Probing local video files with the ffmpeg of the imageio-ffmpeg wheel."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from packager.errors import SourceError
from packager.video import probe_video
from packager.video.ffmpeg import run_ffmpeg
from packager.video.probe import parse_probe_output


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2.5 s 640x360 H.264 + AAC test clip made by ffmpeg's own test sources."""
    path = tmp_path_factory.mktemp("probe") / "clip.mp4"
    done = run_ffmpeg(
        [
            "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=2.5",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=2.5",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-shortest", "-y", str(path),
        ],
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return path


def test_probe_reads_duration_size_codecs_and_bitrate(clip: Path) -> None:
    info = probe_video(clip)
    assert info.duration_seconds == pytest.approx(2.5, abs=0.1)
    assert (info.width, info.height) == (640, 360)
    assert info.video_codec == "h264"
    assert info.audio_codec == "aac"
    assert info.bitrate_kbps is not None and info.bitrate_kbps > 0
    assert "mp4" in info.container


def test_video_without_audio_has_no_audio_codec(tmp_path: Path) -> None:
    path = tmp_path / "mute.mov"
    done = run_ffmpeg(
        ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=1", "-y", str(path)],
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    info = probe_video(path)
    assert info.audio_codec is None
    assert (info.width, info.height) == (320, 240)
    assert "mov" in info.container


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("notes.mp4", b"just some text, not a video\n" * 20, "ffmpeg cannot read it"),
        ("cut.mp4", None, "ffmpeg cannot read it"),
        ("picture.png", "png", "still image"),
        ("sound.wav", "wav", "no video stream"),
    ],
)
def test_non_video_files_are_source_errors_naming_the_file(
    tmp_path: Path, clip: Path, name: str, content: bytes | str | None, why: str
) -> None:
    path = tmp_path / name
    if content is None:  # the first kilobyte of a real MP4: its index is missing
        path.write_bytes(clip.read_bytes()[:1024])
    elif content == "png":
        Image.new("RGB", (64, 64), (1, 2, 3)).save(path)
    elif content == "wav":
        done = run_ffmpeg(["-f", "lavfi", "-i", "sine=duration=0.5", "-y", str(path)], timeout=60)
        assert done.returncode == 0
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    with pytest.raises(SourceError) as caught:
        probe_video(path)
    assert str(path) in str(caught.value) and why in str(caught.value)
    assert caught.value.location == str(path)
    assert "hint:" in str(caught.value)


def test_missing_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="file not found"):
        probe_video(tmp_path / "absent.mp4")


def test_parse_probe_output_reads_a_typical_report() -> None:
    stderr = """Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mp4':
  Metadata:
    major_brand     : isom
  Duration: 00:01:02.48, start: 0.000000, bitrate: 1183 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 1920x1080 [SAR 1:1 DAR 16:9], 1050 kb/s, 29.97 fps (default)
  Stream #0:1[0x2](eng): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, stereo, fltp, 128 kb/s (default)
At least one output file must be specified
"""
    info = parse_probe_output(stderr, Path("x.mp4"))
    assert info.duration_seconds == 62.48
    assert (info.width, info.height, info.bitrate_kbps) == (1920, 1080, 1183)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert info.container == "mov,mp4,m4a,3gp,3g2,mj2"
