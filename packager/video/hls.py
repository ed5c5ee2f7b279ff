"""HLS packaging of a rendered MP4: the same H.264/AAC streams cut into segments, no re-encode.

The playlist and its segments go to `videos/<stem>/` beside the MP4, named by the MP4's
content hash, so an unchanged render is packaged once. The segments are written to a
temporary folder that is renamed into place only when ffmpeg succeeded. An existing playlist is
reused only when it is whole (it ends with `#EXT-X-ENDLIST`) and every file it names is there
and non-empty; otherwise the MP4 is packaged again and the broken folder replaced.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from packager.errors import SourceError
from packager.video.ffmpeg import last_error_lines, run_ffmpeg

SEGMENT_SECONDS = 6  # Apple's recommended target duration for VOD
PLAYLIST_NAME = "index.m3u8"


def package_hls(mp4_path: Path, out_dir: Path, *, timeout: float = 300.0) -> str:
    """Package `mp4_path` (under `out_dir`) as VOD HLS; returns the playlist's relative path."""
    folder = mp4_path.parent / mp4_path.stem
    relative = folder.relative_to(out_dir).joinpath(PLAYLIST_NAME).as_posix()
    if hls_problem(folder / PLAYLIST_NAME) == "":
        return relative
    staging = Path(tempfile.mkdtemp(prefix=f".{mp4_path.stem}.", dir=mp4_path.parent))
    try:
        result = run_ffmpeg(
            [
                "-loglevel", "error", "-i", str(mp4_path), "-c", "copy",
                "-f", "hls", "-hls_time", str(SEGMENT_SECONDS), "-hls_playlist_type", "vod",
                "-hls_flags", "independent_segments",
                "-hls_segment_filename", str(staging / "segment%03d.ts"),
                str(staging / PLAYLIST_NAME),
            ],
            timeout=timeout,
        )  # fmt: skip
        if result.returncode != 0 or not (staging / PLAYLIST_NAME).is_file():
            raise SourceError(
                f"cannot package {mp4_path.name} as HLS: {last_error_lines(result.stderr)}",
                location=str(mp4_path),
                hint="set [video] hls = false to publish the MP4 alone",
            )
        for path in staging.iterdir():
            path.chmod(0o644)
        staging.chmod(0o755)
        _put_in_place(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return relative


def hls_problem(playlist: Path) -> str:
    """Why the HLS playlist at `playlist` cannot be reused ("" when it can): missing, cut
    short before `#EXT-X-ENDLIST` (RFC 8216 §4.3.3.4), or naming a file that is missing or
    empty."""
    try:
        text = playlist.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        return f"cannot read {playlist.name}: {error.strerror or error}"
    if "#EXT-X-ENDLIST" not in text:
        return f"{playlist.name} was not written to the end (no #EXT-X-ENDLIST)"
    files = playlist_files(playlist)
    if not files:
        return f"{playlist.name} names no segment"
    for path in files:
        try:
            size = path.stat().st_size
        except OSError:
            return f"{path.name} is missing"
        if size == 0:
            return f"{path.name} is empty"
    return ""


def _put_in_place(staging: Path, folder: Path) -> None:
    """Rename the new `staging` folder to `folder`, replacing a broken one that is there."""
    if folder.exists():
        # rename() replaces only an empty folder: move the broken one aside first.
        stale = Path(tempfile.mkdtemp(prefix=f".{folder.name}.stale.", dir=folder.parent))
        try:
            folder.rename(stale)
        except FileNotFoundError:
            pass  # another build replaced it meanwhile
        finally:
            shutil.rmtree(stale, ignore_errors=True)
    try:
        staging.rename(folder)
    except OSError:
        # Another build put its own (identical) packaging in place meanwhile: keep it if whole.
        if hls_problem(folder / PLAYLIST_NAME):
            raise


def playlist_files(playlist: Path) -> list[Path]:
    """The files an HLS playlist names (segments, variant playlists), relative to it."""
    names = [
        line.strip()
        for line in playlist.read_text(encoding="utf-8", errors="replace").splitlines()
        if line.strip() and not line.startswith("#") and "://" not in line
    ]
    return [playlist.parent / name for name in names]
