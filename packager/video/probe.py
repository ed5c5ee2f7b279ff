"""Reading a video file's duration, size, codecs and bitrate with ffmpeg (no ffprobe needed)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from packager.errors import SourceError
from packager.video.ffmpeg import last_error_lines, run_ffmpeg

PROBE_TIMEOUT_SECONDS = 60.0

# Codecs ffmpeg reports for still pictures: such a "video stream" is an image, not a video.
IMAGE_CODECS = frozenset(
    {"png", "mjpeg", "bmp", "gif", "webp", "tiff", "jpeg2000", "jpegls", "ppm", "pgm", "qoi"}
)

_INPUT = re.compile(r"^Input #0, (?P<container>[^,]+(?:,[^,\s]+)*), from ", re.MULTILINE)
_DURATION = re.compile(
    r"^\s*Duration: (?:(?P<h>\d+):(?P<m>\d{2}):(?P<s>\d{2}(?:\.\d+)?)|N/A)"
    r"(?:, start: [-\d.]+)?(?:, bitrate: (?:(?P<kbps>\d+) kb/s|N/A))?",
    re.MULTILINE,
)
_STREAM = re.compile(
    r"^\s*Stream #0:\d+\S*: (?P<kind>Video|Audio): (?P<codec>[\w-]+)(?P<rest>.*)$", re.MULTILINE
)
_SIZE = re.compile(r"\b(?P<w>\d{2,5})x(?P<h>\d{2,5})\b")


@dataclass(frozen=True)
class VideoInfo:
    """What ffmpeg reports about a video file (the first video and first audio stream)."""

    duration_seconds: float
    width: int
    height: int
    video_codec: str
    audio_codec: str | None
    bitrate_kbps: int | None
    container: str


def probe_video(path: Path) -> VideoInfo:
    """Probe `path`; a missing, non-video or corrupt file raises `SourceError` naming it."""
    if not path.is_file():
        raise SourceError(
            f"cannot probe video: {path} — file not found",
            location=str(path),
            hint="check the video path in the bundle",
        )
    try:
        # `-i FILE` alone prints the stream summary and exits 1 ("no output file"): expected.
        done = run_ffmpeg(["-i", str(path)], timeout=PROBE_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as exc:
        raise SourceError(
            f"cannot probe video: {path} — ffmpeg took longer than {PROBE_TIMEOUT_SECONDS:.0f} s",
            location=str(path),
            hint="check that the file is a complete, readable video",
        ) from exc
    return parse_probe_output(done.stderr, path)


def parse_probe_output(stderr: str, path: Path) -> VideoInfo:
    """Turn `ffmpeg -i FILE` diagnostics into a `VideoInfo`, or a `SourceError` saying why not."""

    def fail(why: str) -> SourceError:
        return SourceError(
            f"not a playable video: {path} — {why}",
            location=str(path),
            hint="give an MP4/MOV/M4V/HLS video file, or remove it so the article is rendered",
        )

    container_match = _INPUT.search(stderr)
    if container_match is None:
        raise fail(f"ffmpeg cannot read it ({last_error_lines(stderr) or 'no details'})")
    video = audio = None
    for stream in _STREAM.finditer(stderr):
        if stream["kind"] == "Video" and video is None:
            video = stream
        elif stream["kind"] == "Audio" and audio is None:
            audio = stream
    if video is None:
        raise fail("it has no video stream")
    if video["codec"] in IMAGE_CODECS:
        raise fail(f"it is a still image ({video['codec']}), not a video")
    size = _SIZE.search(video["rest"])
    if size is None:
        raise fail("ffmpeg reports no picture size for its video stream")
    duration = _DURATION.search(stderr)
    if duration is None or duration["h"] is None:
        raise fail("ffmpeg reports no duration")
    seconds = int(duration["h"]) * 3600 + int(duration["m"]) * 60 + float(duration["s"])
    if seconds <= 0:
        raise fail("its duration is zero")
    kbps = int(duration["kbps"]) if duration["kbps"] else None
    return VideoInfo(
        duration_seconds=round(seconds, 3),
        width=int(size["w"]),
        height=int(size["h"]),
        video_codec=video["codec"],
        audio_codec=audio["codec"] if audio is not None else None,
        bitrate_kbps=kbps,
        container=container_match["container"],
    )
