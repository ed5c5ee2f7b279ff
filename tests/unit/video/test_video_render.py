"""Rendering text-only articles into narrated MP4 videos with WebVTT captions."""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image as PilImage
from PIL import ImageDraw

from packager.errors import RenderError, SourceError
from packager.model import Article, Image
from packager.video import RenderedVideo, RenderOptions, cards, probe_video, render_article_video
from packager.video.captions import Cue, to_webvtt
from packager.video.fonts import font_codepoints, is_rtl, needed_codepoints, pick_font
from packager.video.narration import find_tts, split_sentences

SEED = "seed/000_ea0fa2e06869f8ed.txt"
ARABIC_HEADLINE = "الولايات المتحدة تتراجع وترد على مطالب روسيا وتسعى إلى الحوار بشأن أوكرانيا"
# Short segments, fast speech, 10 fps and the fastest x264 preset keep each test render to a
# few seconds of work; the full-quality defaults are measured by bench/bench_render.py.
QUICK = RenderOptions(
    fps=10,
    preset="ultrafast",
    summary_words=25,
    min_title_seconds=1.0,
    min_photo_seconds=1.5,
    min_page_seconds=1.0,
    words_per_minute=280,
)
TIMESTAMP = re.compile(r"^(\d{2}):([0-5]\d):([0-5]\d)\.(\d{3})$")


def seed_article(shared_dir: Path) -> Article:
    """The seed article built by hand: breadcrumb, headline, two photo captions, paragraphs."""
    lines = [line.strip() for line in (shared_dir / SEED).read_text().splitlines()]
    paragraphs = [line for line in lines if line]
    captions = [re.sub(r"\s*\((\w+) photo\)$", "", p) for p in paragraphs[2:4]]
    return Article(
        id="seed-000",
        title=paragraphs[1],
        origin=str(shared_dir / SEED),
        section_path=tuple(part.strip() for part in paragraphs[0].split("/")),
        body=tuple(paragraphs[4:7]),
        published=datetime(2022, 1, 27, 9, 0, tzinfo=UTC),
        language="en",
        images=(
            Image("photo1.jpg", caption=captions[0], credit="AFP photo"),
            Image("photo2.png", caption=captions[1], credit="Reuters photo"),
        ),
    )


def make_photos(folder: Path) -> list[Path]:
    """Two generated photos: a landscape JPEG and a portrait PNG."""
    folder.mkdir(parents=True, exist_ok=True)
    wide = PilImage.new("RGB", (1200, 800), (30, 80, 150))
    draw = ImageDraw.Draw(wide)
    for x in range(0, 1200, 80):
        draw.rectangle([x, 0, x + 40, 800], fill=(220, 140 + x // 20, 50))
    tall = PilImage.new("RGB", (500, 800), (20, 120, 60))
    ImageDraw.Draw(tall).ellipse([50, 150, 450, 650], fill=(250, 220, 40))
    paths = [folder / "photo1.jpg", folder / "photo2.png"]
    wide.save(paths[0], quality=90)
    tall.save(paths[1])
    return paths


def parse_webvtt(text: str) -> list[Cue]:
    """A strict reader for the WebVTT we write: header, numbered cues, NOTE blocks."""
    blocks = text.strip("\n").split("\n\n")
    assert blocks[0] == "WEBVTT", "missing WEBVTT header"
    cues = []
    for block in blocks[1:]:
        lines = block.split("\n")
        if lines[0].startswith("NOTE"):
            assert "-->" not in block
            continue
        assert lines[0].isdigit(), f"cue without a number: {block!r}"
        start_text, arrow, end_text = lines[1].partition(" --> ")
        assert arrow, f"bad timing line {lines[1]!r}"
        times = []
        for stamp in (start_text, end_text):
            match = TIMESTAMP.match(stamp)
            assert match, f"bad timestamp {stamp!r}"
            h, m, s, ms = (int(g) for g in match.groups())
            times.append(h * 3600 + m * 60 + s + ms / 1000)
        payload = lines[2:]
        assert payload and all(line.strip() for line in payload), f"empty cue {block!r}"
        assert all("-->" not in line and "<" not in line for line in payload)
        assert len(payload) <= 2
        cues.append(Cue(times[0], times[1], " ".join(payload)))
    return cues


def assert_covers(cues: list[Cue], duration: float) -> None:
    assert cues, "no cues"
    assert cues[0].start == 0.0
    for cue in cues:
        assert 0 <= cue.start < cue.end <= duration + 1e-9
    for before, after in itertools.pairwise(cues):
        assert after.start - before.end < 0.002, f"gap or overlap near {before.end}"
    assert cues[-1].end >= duration - 0.1


@pytest.fixture(scope="module")
def seed_render(
    shared_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Article, list[Path], Path, RenderedVideo, float]:
    folder = tmp_path_factory.mktemp("seed-render")
    photos = make_photos(folder / "in")
    article = seed_article(shared_dir)
    out = folder / "out"
    started = time.perf_counter()
    rendered = render_article_video(article, photos, out, QUICK, channel_name="Press Daily")
    return article, photos, out, rendered, time.perf_counter() - started


@pytest.mark.slow
def test_seed_article_renders_a_video_matching_its_description(seed_render) -> None:
    _article, _photos, out, rendered, _seconds = seed_render
    assert re.fullmatch(r"videos/[0-9a-f]{24}\.mp4", rendered.video_path)
    assert re.fullmatch(r"captions/[0-9a-f]{24}\.vtt", rendered.captions_path)
    info = probe_video(out / rendered.video_path)
    assert (info.width, info.height) == (rendered.width, rendered.height) == (1280, 720)
    assert info.video_codec == rendered.video_codec == "h264"
    assert info.audio_codec == rendered.audio_codec == "aac"
    assert info.duration_seconds == rendered.duration_seconds
    assert 5 < rendered.duration_seconds < 60
    assert rendered.bitrate_kbps == info.bitrate_kbps and info.bitrate_kbps
    assert rendered.language == "en"
    assert rendered.reused is False
    if find_tts() is None:
        assert any("text-to-speech" in w for w in rendered.warnings)
    else:
        assert rendered.warnings == ()


@pytest.mark.slow
def test_seed_captions_parse_and_cover_the_duration(seed_render) -> None:
    article, _photos, out, rendered, _seconds = seed_render
    cues = parse_webvtt((out / rendered.captions_path).read_text(encoding="utf-8"))
    assert_covers(cues, rendered.duration_seconds)
    spoken = " ".join(cue.text for cue in cues)
    assert spoken.startswith(article.title)
    assert "Antony Blinken" in spoken  # the second photo's caption is narrated


@pytest.mark.slow
def test_unchanged_article_is_not_rendered_again(seed_render) -> None:
    article, photos, out, rendered, first_seconds = seed_render
    video = out / rendered.video_path
    before = video.stat().st_mtime_ns
    started = time.perf_counter()
    again = render_article_video(article, photos, out, QUICK, channel_name="Press Daily")
    elapsed = time.perf_counter() - started
    assert again.reused is True
    assert replace(again, reused=False) == rendered
    assert video.stat().st_mtime_ns == before
    assert elapsed < 0.5 and elapsed < first_seconds / 10


def small_article() -> Article:
    return Article(
        id="small",
        title="Quiet headline",
        origin="small.txt",
        summary="One short sentence.",
        images=(Image("photo1.jpg", caption="A striped wall", credit="Test"),),
    )


@pytest.mark.slow
def test_changed_text_or_photo_gives_a_new_video(tmp_path: Path) -> None:
    photos = make_photos(tmp_path / "in")[:1]
    article = small_article()
    out = tmp_path / "out"
    first = render_article_video(article, photos, out, QUICK, channel_name="C")
    edited = replace(article, summary="One short sentence, now corrected.")
    changed = render_article_video(edited, photos, out, QUICK, channel_name="C")
    assert changed.reused is False
    assert changed.video_path != first.video_path
    assert changed.captions_path != first.captions_path
    assert (out / changed.video_path).is_file() and (out / first.video_path).is_file()

    # Different photo bytes under the same file name also change the name hash.
    from packager.video.render import _name_hash, _plan  # the hash alone: no render needed

    def name(images: list[Path]) -> str:
        segments = _plan(article, images, QUICK, "C")
        return _name_hash(article, images, QUICK, "C", segments, None, "", "en")

    before = name(photos)
    assert name(photos) == before
    PilImage.new("RGB", (800, 450), (200, 10, 10)).save(photos[0])
    assert name(photos) != before
    assert name(photos) != _name_with_options(article, photos)


def test_an_updated_font_gives_a_new_video_name(tmp_path: Path, monkeypatch) -> None:
    from packager.video import fonts
    from packager.video.render import _name_hash, _plan

    system = pick_font("Abc")
    if system is None:
        pytest.skip("no font installed")
    font = tmp_path / "Only.ttf"
    font.write_bytes(system.path.read_bytes())
    photos = make_photos(tmp_path / "in")[:1]
    article = small_article()

    def name() -> str:
        fonts.font_digest.cache_clear()  # a new build process reads the files again
        segments = _plan(article, photos, QUICK, "C")
        return _name_hash(article, photos, QUICK, "C", segments, None, "", "en")

    monkeypatch.setattr(fonts, "installed_fonts", lambda bold: (font,))
    fonts._pick.cache_clear()
    try:
        before = name()
        assert name() == before
        font.write_bytes(font.read_bytes() + b"\0")  # the same font file, updated
        assert name() != before
    finally:
        fonts._pick.cache_clear()
        fonts.font_digest.cache_clear()


def _name_with_options(article: Article, photos: list[Path]) -> str:
    from packager.video.render import _name_hash, _plan

    options = replace(QUICK, size=(1920, 1080))
    segments = _plan(article, photos, options, "C")
    return _name_hash(article, photos, options, "C", segments, None, "", "en")


@pytest.mark.slow
def test_silent_render_without_speech_engine_is_deterministic(tmp_path: Path) -> None:
    photos = make_photos(tmp_path / "in")
    article = small_article()
    options = replace(QUICK, tts_path=str(tmp_path / "no-such-espeak"))
    first = render_article_video(article, photos[:1], tmp_path / "a", options, channel_name="C")
    second = render_article_video(article, photos[:1], tmp_path / "b", options, channel_name="C")
    assert any("no text-to-speech engine" in w for w in first.warnings)
    assert first.audio_codec == "aac"  # a silent track keeps players happy
    assert (tmp_path / "a" / first.video_path).read_bytes() == (
        tmp_path / "b" / second.video_path
    ).read_bytes()
    cues = parse_webvtt((tmp_path / "a" / first.captions_path).read_text(encoding="utf-8"))
    assert_covers(cues, first.duration_seconds)


@pytest.mark.slow
def test_arabic_article_renders(tmp_path: Path) -> None:
    photos = make_photos(tmp_path / "in")
    article = Article(
        id="ar-1",
        title=ARABIC_HEADLINE,
        origin="ar.txt",
        section_path=("أخبار", "سياسة"),
        summary="قال وزير الخارجية إن الوثيقة أرسلت. وأضاف أن بلاده منفتحة على الحوار.",
        language="ar",
        images=(Image("photo1.jpg", caption="وزير الخارجية يتحدث في واشنطن", credit="رويترز"),),
    )
    rendered = render_article_video(article, photos[:1], tmp_path, QUICK, channel_name="قناة")
    assert rendered.language == "ar"
    assert (rendered.video_codec, rendered.audio_codec) == ("h264", "aac")
    cues = parse_webvtt((tmp_path / rendered.captions_path).read_text(encoding="utf-8"))
    assert_covers(cues, rendered.duration_seconds)
    assert cues[0].text.startswith("الولايات المتحدة")


def ink_box(path: Path, area: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
    """Bounding box of bright (text) pixels inside `area` of a card."""
    with PilImage.open(path) as image:
        grey = image.convert("L").crop(area)
    return grey.point(lambda v: 255 if v > 160 else 0).getbbox()


def test_arabic_headline_is_drawn_right_aligned_with_a_covering_font(tmp_path: Path) -> None:
    assert is_rtl(ARABIC_HEADLINE)
    choice = pick_font(ARABIC_HEADLINE, bold=True)
    assert choice is not None and choice.missing == ""
    assert needed_codepoints(ARABIC_HEADLINE) <= font_codepoints(choice.path)
    card = cards.draw_title_card(
        tmp_path / "title.png",
        (1280, 720),
        headline=ARABIC_HEADLINE,
        section="أخبار › سياسة",
        date="2022-01-27",
        channel="",
    )
    assert choice.path in card.font_paths and card.missing == ""
    box = ink_box(card.path, (0, 200, 1280, 620))
    assert box is not None, "the headline left no ink"
    left, _top, right, bottom = box
    assert right > 1150 and left > 80  # right-aligned to the margin, starting from the right
    assert bottom - _top > 100  # wrapped over more than one line


def test_long_headline_wraps_inside_the_frame(tmp_path: Path) -> None:
    headline = " ".join(["Extraordinarily long headline words keep coming"] * 6)
    block = cards.layout_text(
        headline, bold=True, max_width=1120, max_lines=4, size=64, min_size=40
    )
    assert 1 < len(block.lines) <= 4
    assert all(cards.text_width(line, block.font, False) <= 1120 for line in block.lines)
    assert block.lines[-1].endswith(cards.ELLIPSIS)
    card = cards.draw_title_card(
        tmp_path / "t.png", (1280, 720), headline=headline, section="", date="", channel="X"
    )
    box = ink_box(card.path, (0, 200, 1280, 620))
    assert box is not None and box[2] <= 1200


def test_text_without_spaces_wraps_between_characters() -> None:
    text = "中" * 200
    choice = pick_font(text)
    assert choice is not None
    font = cards._font(choice.path, 40)
    lines = cards.wrap(text, font, 600, False)
    assert len(lines) > 1 and "".join(lines) == text


def test_corrupt_photo_is_a_render_error_naming_article_and_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    article = Article(id="bad-1", title="Headline", origin="bundle/bad-1", summary="Text.")
    with pytest.raises(RenderError) as caught:
        render_article_video(article, [bad], tmp_path / "out", QUICK, channel_name="C")
    error = caught.value
    assert isinstance(error, SourceError)
    assert error.article_id == "bad-1"
    assert "bad-1" in str(error) and str(bad) in str(error)
    assert "hint:" in str(error)
    assert not list((tmp_path / "out").rglob("*.mp4"))


def test_missing_photo_and_missing_headline_are_render_errors(tmp_path: Path) -> None:
    article = Article(id="m-1", title="Headline", origin="bundle/m-1")
    with pytest.raises(RenderError, match="cannot read image"):
        render_article_video(article, [tmp_path / "gone.jpg"], tmp_path, QUICK, channel_name="C")
    with pytest.raises(RenderError, match="no headline"):
        render_article_video(replace(article, title=" "), [], tmp_path, QUICK, channel_name="C")


def test_sentences_split_at_ends_not_at_abbreviations() -> None:
    text = "US Rep. Ilhan Omar voted on H.R. 1 today. Then U.S. troops left! Was it? 你好。再见。"
    assert split_sentences(text) == [
        "US Rep. Ilhan Omar voted on H.R. 1 today.",
        "Then U.S. troops left!",
        "Was it?",
        "你好。",
        "再见。",
    ]


def test_webvtt_escapes_text_and_clamps_cues_to_the_duration() -> None:
    vtt = to_webvtt([Cue(0, 2, "a <b> & c --> d"), Cue(2, 9, "last"), Cue(9, 10, "gone")], 5.0)
    cues = parse_webvtt(vtt)
    assert [c.text for c in cues] == ["a &lt;b&gt; &amp; c --&gt; d", "last"]
    assert cues[-1].end == 5.0


def test_render_options_reject_non_16_9_sizes() -> None:
    with pytest.raises(ValueError, match="16:9"):
        RenderOptions(size=(1280, 1024))
    assert RenderOptions(size=(1920, 1080)).size == (1920, 1080)
