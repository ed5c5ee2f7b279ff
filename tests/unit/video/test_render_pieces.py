"""How a render is cut into pieces for x264, and that the pieces still look like the stills."""

from __future__ import annotations

import itertools
import subprocess
import threading
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image as PilImage
from PIL import ImageChops, ImageDraw, ImageStat

from packager.model import Article, Image
from packager.video import RenderOptions, probe_video, render_article_video
from packager.video.ffmpeg import ffmpeg_exe
from packager.video.render import _card_pieces, _name_hash, _plan, _Timeline

QUICK = RenderOptions(
    fps=10,
    preset="ultrafast",
    summary_words=25,
    min_title_seconds=6.0,  # long enough for a repeated group of pictures (2 s at 10 fps)
    min_photo_seconds=1.5,
    min_page_seconds=1.0,
    words_per_minute=280,
    tts_path="/nonexistent/espeak-ng",  # silent: the same bytes on every machine
)
ARTICLE = Article(
    id="pieces",
    title="Quiet headline",
    origin="pieces.txt",
    summary="One short sentence.",
    images=(Image("photo.jpg", caption="A striped wall", credit="Test"),),
)


def make_photo(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    picture = PilImage.new("RGB", (1200, 800), (30, 80, 150))
    draw = ImageDraw.Draw(picture)
    for x in range(0, 1200, 80):
        draw.rectangle([x, 0, x + 40, 800], fill=(220, 140 + x // 20, 50))
    path = folder / "photo.jpg"
    picture.save(path, quality=90)
    return [path]


@pytest.mark.parametrize("frames", [8, 24, 59, 60, 61, 100, 151, 343])
def test_card_pieces_play_exactly_the_segment_and_encode_each_picture_once(frames: int) -> None:
    fps = 25
    timeline = _Timeline()
    _card_pieces(0, frames, fps, timeline)
    played = sum(timeline.pieces[index] for index in timeline.order)
    assert played == frames
    # Each distinct piece is encoded once; only the unchanging middle repeats.
    encoded = sum(timeline.pieces)
    assert encoded <= min(frames, 2 * 10 + 2 * 2 * fps)
    repeated = {index for index in timeline.order if timeline.order.count(index) > 1}
    assert all(timeline.pieces[index] == 2 * fps for index in repeated)
    assert all(f"[p{index}]" in "".join(timeline.chains) for index in range(len(timeline.pieces)))


def test_a_leftover_file_at_the_old_fixed_temp_name_does_not_break_a_render(
    tmp_path: Path,
) -> None:
    """Two builds into one folder used to share `videos/.{name}.partial.mp4`."""
    photos = make_photo(tmp_path / "in")
    out = tmp_path / "out"
    segments = _plan(ARTICLE, photos, QUICK, "C")
    name = _name_hash(ARTICLE, photos, QUICK, "C", segments, None, "", "en")
    (out / "videos" / f".{name}.partial.mp4").mkdir(parents=True)  # something else's file
    rendered = render_article_video(ARTICLE, photos, out, QUICK, channel_name="C")
    assert rendered.video_path == f"videos/{name}.mp4"
    assert probe_video(out / rendered.video_path).duration_seconds == rendered.duration_seconds
    leftovers = {p.name for p in (out / "videos").iterdir()} - {f"{name}.mp4"}
    assert leftovers == {f".{name}.partial.mp4"}  # ours cleaned up, theirs untouched


def frame_at(video: Path, seconds: float) -> PilImage.Image:
    command = [ffmpeg_exe(), "-v", "error", "-ss", f"{seconds:.3f}", "-i", str(video)]
    command += ["-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "-"]
    done = subprocess.run(
        command,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return PilImage.open(BytesIO(done.stdout)).convert("RGB")


@pytest.mark.slow
def test_a_held_card_shows_the_still_pillow_drew_through_its_repeated_middle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packager.video import cards

    drawn: list[Path] = []
    keep = tmp_path / "stills"
    keep.mkdir()
    original = cards.draw_title_card

    def spy(path: Path, *args: object, **kwargs: object) -> cards.CardResult:
        result = original(path, *args, **kwargs)  # type: ignore[arg-type]
        copy = keep / path.name
        copy.write_bytes(path.read_bytes())
        drawn.append(copy)
        return result

    monkeypatch.setattr(cards, "draw_title_card", spy)
    photos = make_photo(tmp_path / "in")
    rendered = render_article_video(ARTICLE, photos, tmp_path / "out", QUICK, channel_name="C")
    video = tmp_path / "out" / rendered.video_path
    still = PilImage.open(drawn[0]).convert("RGB")
    # Every frame of every piece is there once, in order, with no gap at the joins.
    command = [ffmpeg_exe(), "-v", "error", "-i", str(video), "-map", "0:v", "-f", "framemd5", "-"]
    lines = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
    stamps = [int(line.split(",")[2]) for line in lines.stdout.splitlines() if line[:1] != "#"]
    assert len(stamps) == round(rendered.duration_seconds * QUICK.fps)
    assert all(b - a == stamps[1] - stamps[0] for a, b in itertools.pairwise(stamps))
    # 60 frames: fade-in and rest (1.6 s), the 2 s middle twice, the fade-out (0.4 s).
    # In the head, on both sides of the seam between the repeats, in the second repeat.
    for seconds in (1.0, 3.55, 3.65, 5.0):
        difference = ImageStat.Stat(ImageChops.difference(frame_at(video, seconds), still))
        assert max(difference.mean) < 3.0, (seconds, difference.mean)


@pytest.mark.slow
def test_two_renders_of_one_article_into_one_folder_at_once_give_a_whole_video(
    tmp_path: Path,
) -> None:
    photos = make_photo(tmp_path / "in")
    out = tmp_path / "out"
    options = replace(QUICK, min_title_seconds=2.0)
    results: list[object] = []

    def render() -> None:
        try:
            results.append(render_article_video(ARTICLE, photos, out, options, channel_name="C"))
        except Exception as exc:  # reported by the assertion below
            results.append(exc)

    threads = [threading.Thread(target=render) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(not isinstance(result, Exception) for result in results), results
    video = out / "videos" / Path(results[0].video_path).name  # type: ignore[attr-defined]
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-xerror", "-i", str(video), "-f", "null", "-"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert sorted(p.name for p in (out / "videos").iterdir()) == [video.name]


@pytest.mark.slow
def test_a_video_cut_short_after_its_render_is_rendered_again(tmp_path: Path) -> None:
    photos = make_photo(tmp_path / "in")
    out = tmp_path / "out"
    options = replace(QUICK, min_title_seconds=2.0)
    first = render_article_video(ARTICLE, photos, out, options, channel_name="C")
    video = out / first.video_path
    whole = video.read_bytes()
    video.write_bytes(whole[: len(whole) // 2])  # as a half-finished copy would leave it
    again = render_article_video(ARTICLE, photos, out, options, channel_name="C")
    assert again.reused is False
    assert video.read_bytes() == whole  # rendered again, byte for byte the same
    assert render_article_video(ARTICLE, photos, out, options, channel_name="C").reused
