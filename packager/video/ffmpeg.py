"""Finding and running the ffmpeg executable shipped by the imageio-ffmpeg wheel."""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Sequence

from packager.errors import InputError


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg executable; the imageio-ffmpeg wheel ships one, so pip is enough."""
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise InputError(
            "ffmpeg not found: the imageio-ffmpeg package is not installed",
            hint="pip install imageio-ffmpeg (a dependency of packager)",
        ) from exc
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:
        raise InputError(
            f"ffmpeg not found: {exc}",
            hint="reinstall imageio-ffmpeg, or set IMAGEIO_FFMPEG_EXE to an ffmpeg executable",
        ) from exc


def run_ffmpeg(args: Sequence[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run ffmpeg with `args` (no shell), capturing output as text; never raises on exit code."""
    return subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )


def last_error_lines(stderr: str, count: int = 3) -> str:
    """The last few meaningful lines of ffmpeg's stderr, for error messages."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return " | ".join(lines[-count:])
