"""A media file already in the output folder is reused only when it is whole (issue #16)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image as PilImage
from PIL import ImageDraw

from packager.images import ThumbnailMaker, jpeg_is_whole
from packager.model import Article, Image
from packager.video import RenderOptions, render_article_video
from packager.video.ffmpeg import ffmpeg_exe
from packager.video.hls import PLAYLIST_NAME, hls_problem, package_hls, playlist_files
from packager.video.integrity import mp4_problem

QUICK = RenderOptions(
    fps=10,
    preset="ultrafast",
    summary_words=25,
    min_title_seconds=2.0,
    min_photo_seconds=1.5,
    min_page_seconds=1.0,
    words_per_minute=280,
    tts_path="/nonexistent/espeak-ng",  # silent: the same bytes on every machine
)
ARTICLE = Article(
    id="reuse",
    title="A headline",
    origin="reuse.txt",
    summary="One short sentence.",
    images=(Image("photo.jpg", caption="A wall", credit="Test"),),
)


def _photo(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    picture = PilImage.new("RGB", (1200, 800), (30, 80, 150))
    draw = ImageDraw.Draw(picture)
    for x in range(0, 1200, 80):
        draw.rectangle([x, 0, x + 40, 800], fill=(220, 140 + x // 20, 50))
    path = folder / "photo.jpg"
    picture.save(path, quality=90)
    return path


def _test_mp4(path: Path, seconds: int = 14) -> Path:
    """A small H.264/AAC MP4 long enough for three HLS segments."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            ffmpeg_exe(), "-v", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=10:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "10",
            "-c:a", "aac", "-shortest", str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    return path


@pytest.mark.slow
def test_a_render_whose_mp4_was_overwritten_at_the_same_size_is_rendered_again(
    tmp_path: Path,
) -> None:
    photos = [_photo(tmp_path / "in")]
    out = tmp_path / "out"
    first = render_article_video(ARTICLE, photos, out, QUICK, channel_name="C")
    video = out / first.video_path
    whole = video.read_bytes()
    # The header zeroed, the size unchanged: the size recorded beside the render still
    # matches, only the MP4's own structure shows the damage.
    video.write_bytes(bytes(64) + whole[64:])
    assert mp4_problem(video)
    again = render_article_video(ARTICLE, photos, out, QUICK, channel_name="C")
    assert again.reused is False
    assert video.read_bytes() == whole
    assert render_article_video(ARTICLE, photos, out, QUICK, channel_name="C").reused


@pytest.mark.slow
def test_hls_with_a_missing_or_empty_segment_or_a_cut_playlist_is_packaged_again(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    mp4 = _test_mp4(out / "videos" / "clip.mp4")
    relative = package_hls(mp4, out)
    playlist = out / relative
    segments = playlist_files(playlist)
    assert len(segments) >= 2 and hls_problem(playlist) == ""
    originals = {path.name: path.read_bytes() for path in segments}

    segments[1].unlink()
    assert "missing" in hls_problem(playlist)
    assert package_hls(mp4, out) == relative
    assert {path.name: path.read_bytes() for path in playlist_files(playlist)} == originals

    segments[0].write_bytes(b"")
    assert "empty" in hls_problem(playlist)
    package_hls(mp4, out)
    assert segments[0].read_bytes() == originals[segments[0].name]

    text = playlist.read_text(encoding="utf-8")
    playlist.write_text(text[: text.index("#EXT-X-ENDLIST")], encoding="utf-8")
    assert "EXT-X-ENDLIST" in hls_problem(playlist)
    package_hls(mp4, out)
    assert playlist.read_text(encoding="utf-8") == text
    # Nothing left over beside the playlist's folder: no staging or stale folders.
    assert sorted(p.name for p in (out / "videos").iterdir()) == ["clip", "clip.mp4"]
    assert hls_problem(out / "videos" / "clip" / PLAYLIST_NAME) == ""


def test_a_whole_hls_folder_is_reused_without_running_ffmpeg(tmp_path: Path) -> None:
    folder = tmp_path / "videos" / "clip"
    folder.mkdir(parents=True)
    (folder / "segment000.ts").write_bytes(b"\x47" * 188)
    (folder / PLAYLIST_NAME).write_text(
        "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.0,\nsegment000.ts\n#EXT-X-ENDLIST\n",
        encoding="utf-8",
    )
    # Not an MP4 at all: ffmpeg would fail on it, so reaching it would raise.
    mp4 = tmp_path / "videos" / "clip.mp4"
    mp4.write_bytes(b"not a video")
    assert package_hls(mp4, tmp_path) == "videos/clip/index.m3u8"


def _jpeg(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    PilImage.new("RGB", (1600, 900), colour).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


@pytest.mark.parametrize("cut", ["half", "empty"])
def test_a_truncated_thumbnail_is_made_again(tmp_path: Path, cut: str) -> None:
    source = _jpeg((200, 40, 40))
    first = ThumbnailMaker(tmp_path).make(source, origin="a.jpg")
    target = tmp_path / first.relative_path
    whole = target.read_bytes()
    target.write_bytes(whole[: len(whole) // 2] if cut == "half" else b"")
    assert not jpeg_is_whole(target)
    # With the index that remembers it, and without (a fresh maker reading the cache file).
    for maker in (ThumbnailMaker(tmp_path), ThumbnailMaker(tmp_path, index_path=tmp_path / "x")):
        target.write_bytes(whole[: len(whole) // 2] if cut == "half" else b"")
        again = maker.make(source, origin="a.jpg")
        assert again == first
        assert target.read_bytes() == whole
        assert maker.decoded == 1


def test_a_whole_thumbnail_is_reused_without_decoding(tmp_path: Path) -> None:
    source = _jpeg((40, 200, 40))
    ThumbnailMaker(tmp_path).make(source, origin="a.jpg")
    maker = ThumbnailMaker(tmp_path)
    maker.make(source, origin="a.jpg")
    assert maker.decoded == 0


def test_jpeg_is_whole_reads_the_start_and_end_markers(tmp_path: Path) -> None:
    path = tmp_path / "x.jpg"
    path.write_bytes(_jpeg((1, 2, 3)))
    assert jpeg_is_whole(path)
    path.write_bytes(path.read_bytes() + b"\0")
    assert not jpeg_is_whole(path)
    path.write_bytes(b"\xff\xd8\xff\xd9"[:3])
    assert not jpeg_is_whole(path)
    assert not jpeg_is_whole(tmp_path / "missing.jpg")
