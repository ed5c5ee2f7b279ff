"""Rendering a text-and-photo article into a short narrated news video with WebVTT captions.

The video is a title card, each photo with a slow pan or zoom under its caption and credit,
then the summary in pages, each timed to its narration. Stills are drawn once with Pillow;
one ffmpeg process animates, joins and encodes them. Output names are content hashes, so an
unchanged article is found on disk and not rendered again.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from PIL import UnidentifiedImageError

from packager.errors import RenderError, SourceError
from packager.files import FILE_MODE, write_atomic
from packager.model import Article
from packager.video import cards, fonts, narration
from packager.video.captions import Cue, sentence_cues, to_webvtt
from packager.video.ffmpeg import last_error_lines, run_ffmpeg
from packager.video.integrity import mp4_problem
from packager.video.probe import VideoInfo, probe_video

# Bump when a change to this package changes the pictures or sound, so old renders are redone.
RENDERER_VERSION = "2"

MAXRATE_KBPS_BY_HEIGHT = {720: 2500, 1080: 5000}
ZOOM_HEADROOM = 1.2  # photo stills are this much larger than the frame, room to pan and zoom
_META_PREFIX = "NOTE packager-render "
_VIDEO_BYTES = "video_bytes"  # the MP4's size, recorded beside the render's facts
_HASH_LENGTH = 24


@dataclass(frozen=True)
class RenderOptions:
    """How articles are rendered. Every field changes the output, so all are in the name hash."""

    size: tuple[int, int] = (1280, 720)
    fps: int = 25
    narration: bool = True
    language: str = "en"  # the channel's language; an article's own language wins
    voice: str = ""  # espeak-ng voice name; "" = from the language
    tts_path: str = ""  # espeak-ng executable; "" = look for espeak-ng/espeak on PATH
    words_per_minute: int = 160
    summary_words: int = 110  # the summary part is cut at a sentence end near this many words
    min_title_seconds: float = 4.0
    min_photo_seconds: float = 5.0
    min_page_seconds: float = 3.0
    preset: str = "veryfast"  # x264 speed/size trade-off
    # Slides move slowly and smoothly: the one-step sub-pixel search of x264's superfast
    # preset finds the same motion. Measured on a photo zoom: 28 % less x264 time at the
    # same size and SSIM as veryfast's own subme=2 (bench/README.md).
    x264_params: str = "subme=1"
    crf: int = 23
    work_dir: Path | None = field(default=None, compare=False)  # scratch space; temp if None

    def __post_init__(self) -> None:
        width, height = self.size
        if width % 2 or height % 2 or width * 9 != height * 16:
            raise ValueError(f"video size must be 16:9 with even sides, got {width}x{height}")
        if not 1 <= self.fps <= 60:
            raise ValueError(f"fps must be between 1 and 60, got {self.fps}")

    def key(self) -> dict[str, object]:
        """The options that change the pixels or the sound. How the speech engine is found
        and chosen (`narration`, `tts_path`, `voice`, `language`) is not here: the engine
        actually found, its version and the voice used go into the name hash instead, so a
        setting that ends in the same engine and voice gives the same video."""
        data = asdict(self)
        for name in ("work_dir", "narration", "tts_path", "voice", "language"):
            data.pop(name)
        data["size"] = list(self.size)
        return data


def speech_engine_key(options: RenderOptions) -> str:
    """What the speech engine adds to every render made with `options`: the engine found (or
    none) and its version. A cache of finished articles keeps this in its key, so installing
    or updating espeak-ng takes effect on the next build (the video names change with it)."""
    engine = narration.find_tts(options.tts_path or None) if options.narration else None
    return f"renderer {RENDERER_VERSION}; tts {engine.version if engine else 'none'}"


@dataclass(frozen=True)
class RenderedVideo:
    """A rendered article video: paths are POSIX and relative to the output folder."""

    video_path: str
    captions_path: str
    duration_seconds: float
    width: int
    height: int
    bitrate_kbps: int | None
    video_codec: str
    audio_codec: str | None
    language: str
    warnings: tuple[str, ...] = ()
    reused: bool = False  # True when an earlier identical render was found and kept

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["warnings"] = list(self.warnings)
        data.pop("reused")
        return data


@dataclass
class _Segment:
    kind: str  # "title", "photo" or "page"
    sentences: list[str]
    text: str = ""
    photo: Path | None = None
    caption: str = ""
    credit: str = ""
    seconds: float = 0.0
    frames: int = 0


@dataclass(frozen=True)
class _Job:
    """One render in progress: what it draws, how, where it works and where the MP4 goes."""

    article: Article
    options: RenderOptions
    channel_name: str
    language: str
    work: Path
    video_path: Path


def render_article_video(
    article: Article,
    images: Sequence[Path],
    out_dir: Path,
    options: RenderOptions,
    *,
    channel_name: str,
) -> RenderedVideo:
    """Render `article` with its local `images` (in the order of `article.images`) into
    `out_dir/videos/<hash>.mp4` and `out_dir/captions/<hash>.vtt`, or reuse an identical
    earlier render. A failure raises `RenderError` naming the article."""
    language = article.language or options.language or "en"
    engine, voice, warnings = _speech(options, language)
    segments = _plan(article, images, options, channel_name)
    name = _name_hash(article, images, options, channel_name, segments, engine, voice, language)
    video_path = out_dir / "videos" / f"{name}.mp4"
    captions_path = out_dir / "captions" / f"{name}.vtt"
    previous = _read_previous(video_path, captions_path)
    if previous is not None:
        return previous

    video_path.parent.mkdir(parents=True, exist_ok=True)
    captions_path.parent.mkdir(parents=True, exist_ok=True)
    work_root = options.work_dir
    if work_root is not None:
        work_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="render-", dir=work_root) as scratch:
        job = _Job(article, options, channel_name, language, Path(scratch), video_path)
        try:
            cues, total, more_warnings = _render(job, segments, engine, voice)
        except cards.TextLayoutError as exc:
            raise _error(article, f"its text cannot be drawn: {exc}", _LAYOUT_HINT) from exc
    return _finish(job, captions_path, cues, total, [*warnings, *more_warnings])


def _speech(
    options: RenderOptions, language: str
) -> tuple[narration.TtsEngine | None, str, list[str]]:
    """The speech engine and voice for `language`, and why there is no narration if not."""
    engine = narration.find_tts(options.tts_path or None) if options.narration else None
    if options.narration and engine is None:
        return (
            None,
            "",
            ["no text-to-speech engine found (espeak-ng): silent audio, on-screen text only"],
        )
    if engine is None:
        return None, "", []
    voice = options.voice or engine.voice_for(language) or ""
    if not voice:
        return (
            engine,
            "",
            [f"espeak-ng has no voice for language {language!r}: silent audio, on-screen text"],
        )
    return engine, voice, []


def _finish(
    job: _Job, captions_path: Path, cues: list[Cue], total: float, warnings: list[str]
) -> RenderedVideo:
    """Check the new MP4 and write the captions beside it, which completes the render."""
    video_path, article = job.video_path, job.article
    try:
        info = probe_video(video_path)
    except SourceError as exc:
        video_path.unlink(missing_ok=True)
        raise _error(
            article, f"the rendered file is not playable: {exc.message}", _RETRY_HINT
        ) from exc
    result = RenderedVideo(
        video_path=f"videos/{video_path.name}",
        captions_path=f"captions/{captions_path.name}",
        duration_seconds=info.duration_seconds,
        width=info.width,
        height=info.height,
        bitrate_kbps=info.bitrate_kbps,
        video_codec=info.video_codec,
        audio_codec=info.audio_codec,
        language=job.language,
        warnings=tuple(warnings),
    )
    try:
        _check_output(article, info, job.options, total)
    except RenderError:
        video_path.unlink(missing_ok=True)
        raise
    # The caption file is written last and carries the render's facts: its presence beside
    # the MP4 marks a complete render, and reading it is all a rebuild costs.
    vtt = to_webvtt(cues, min(total, info.duration_seconds))
    facts = {**result.as_dict(), _VIDEO_BYTES: video_path.stat().st_size}
    meta = json.dumps(facts, ensure_ascii=False, sort_keys=True).replace(">", "\\u003e")
    write_atomic(captions_path, f"{vtt}\n{_META_PREFIX}{meta}\n".encode())
    return result


# Renders that fail for no reason in the article: most often a full disk or a killed ffmpeg.
_RETRY_HINT = (
    "check the output folder's disk has room and build again; if it fails the same way, "
    'report it with this message, and set [video] render = "off" to publish meanwhile '
    "(articles without their own video are then left out)"
)
_LAYOUT_HINT = (
    "install fonts covering the article's script (Debian: apt-get install fonts-noto-core "
    "fonts-dejavu-core) and a Pillow with raqm (libraqm0, libfribidi0)"
)


def _error(article: Article, why: str, hint: str) -> RenderError:
    where = article.origin or article.id
    return RenderError(
        f"cannot render video for article {article.id}: {where} — {why}",
        location=where,
        article_id=article.id,
        hint=hint,
    )


def _summary_text(article: Article, limit: int) -> list[str]:
    """Sentences of the summary (or the body when there is none), cut near `limit` words."""
    text = article.summary or " ".join(article.body)
    chosen: list[str] = []
    words = 0
    for sentence in narration.split_sentences(text):
        count = len(sentence.split())
        if chosen and words + count > limit:
            break
        if count > limit:  # one enormous "sentence": keep its start
            sentence = " ".join(sentence.split()[:limit]) + cards.ELLIPSIS
            count = limit
        chosen.append(sentence)
        words += count
    return chosen


def _plan(
    article: Article, images: Sequence[Path], options: RenderOptions, channel_name: str
) -> list[_Segment]:
    if not article.title.strip():
        raise _error(article, "it has no headline", "give the article a title")
    segments = [_Segment("title", narration.split_sentences(article.title))]
    for index, path in enumerate(images):
        meta = article.images[index] if index < len(article.images) else None
        caption = meta.caption.strip() if meta else ""
        credit = meta.credit.strip() if meta else ""
        spoken = caption or (meta.alt.strip() if meta else "")
        segments.append(
            _Segment(
                "photo",
                narration.split_sentences(spoken),
                photo=path,
                caption=caption,
                credit=credit,
            )
        )
    page: list[str] = []
    try:
        for sentence in _summary_text(article, options.summary_words):
            if page and not cards.fits_on_page(" ".join([*page, sentence]), options.size):
                segments.append(_Segment("page", page, text=" ".join(page)))
                page = []
            page.append(sentence)
    except cards.TextLayoutError as exc:
        raise _error(article, f"its text cannot be drawn: {exc}", _LAYOUT_HINT) from exc
    if page:
        segments.append(_Segment("page", page, text=" ".join(page)))
    return segments


def _file_digest(article: Article, path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise _error(
            article,
            f"cannot read image {path}: {exc.strerror}",
            "check that the file is there and readable (its permissions), or remove it from "
            "the article",
        ) from exc


def _name_hash(  # noqa: PLR0913 - the key is exactly these inputs, each named
    article: Article,
    images: Sequence[Path],
    options: RenderOptions,
    channel_name: str,
    segments: list[_Segment],
    engine: narration.TtsEngine | None,
    voice: str,
    language: str,
) -> str:
    """A digest of everything that shapes the output: text shown and spoken, photo bytes,
    options, speech engine and voice, the fonts that draw the text, and the renderer version."""
    key = {
        "renderer": RENDERER_VERSION,
        "title": article.title,
        "section": list(article.section_path),
        "date": _date_text(article),
        "channel": channel_name,
        "language": language,
        "segments": [[s.kind, s.sentences, s.text, s.caption, s.credit] for s in segments],
        "images": [_file_digest(article, path) for path in images],
        "options": options.key(),
        "tts": [engine.version, voice] if engine is not None and voice else None,
        # The installed fonts that draw these texts: a font update redraws the cards.
        "fonts": fonts.fonts_for(
            [
                article.title,
                _section_text(article),
                _date_text(article),
                channel_name,
                *(t for s in segments for t in (s.text, s.caption, s.credit)),
            ]
        ),
    }
    blob = json.dumps(key, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:_HASH_LENGTH]


def _read_previous(video_path: Path, captions_path: Path) -> RenderedVideo | None:
    """The result of an earlier identical render, if its files are both there and complete."""
    if not (video_path.is_file() and captions_path.is_file()):
        return None
    # The MP4 itself is checked too: a file overwritten, cut short or never written to the
    # end since the render (a copy gone wrong, a killed renderer's ffmpeg still writing) is
    # rendered again, never put into the feed.
    if mp4_problem(video_path):
        return None
    try:
        lines = captions_path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for line in reversed(lines):
        if line.startswith(_META_PREFIX):
            try:
                data = json.loads(line[len(_META_PREFIX) :])
                data["warnings"] = tuple(data["warnings"])
                # A cheap guard, not a full check: an MP4 cut short or replaced since the
                # render (a copy gone wrong, a disk filling up) is rendered again.
                if data.pop(_VIDEO_BYTES) != video_path.stat().st_size:
                    return None
                return RenderedVideo(**data, reused=True)
            except (ValueError, TypeError, KeyError, OSError):
                return None
    return None


def _date_text(article: Article) -> str:
    # ISO dates read the same in every language the channel may use.
    return article.published.date().isoformat() if article.published else ""


def _section_text(article: Article) -> str:
    """The section path as the title card shows it."""
    return " › ".join(article.section_path)


def _render(
    job: _Job,
    segments: list[_Segment],
    engine: narration.TtsEngine | None,
    voice: str,
) -> tuple[list[Cue], float, list[str]]:
    options, work = job.options, job.work
    warnings: list[str] = []
    sentences = [s for seg in segments for s in seg.sentences]
    clips: list[bytes] | None = None
    if engine is not None and voice and sentences:
        try:
            wavs = narration.synthesise(engine, voice, options.words_per_minute, sentences, work)
            clips = [narration.read_samples(path) for path in wavs]
        except (narration.SpeechError, subprocess.TimeoutExpired, OSError) as exc:
            warnings.append(f"narration failed ({exc}): silent audio, on-screen text only")
    lengths = (
        [len(c) / 2 / narration.SAMPLE_RATE for c in clips]
        if clips is not None
        else [narration.reading_seconds(s, options.words_per_minute) for s in sentences]
    )
    cues, placements, total = _time(segments, lengths, clips, options)
    track = work / "narration.wav"
    narration.write_track(track, placements, total)
    timeline = _stills_and_graph(job, segments)
    if timeline.missing:
        warnings.append(f"no installed font has glyphs for {timeline.missing!r}: shown as boxes")
    _encode(job, timeline, track, total)
    return cues, total, warnings


def _time(
    segments: list[_Segment],
    lengths: list[float],
    clips: list[bytes] | None,
    options: RenderOptions,
) -> tuple[list[Cue], list[tuple[float, bytes]], float]:
    """Timeline: a short breath before, between and after sentences; each segment lasts at
    least its minimum and a whole number of frames. Cues fill their segment without gaps.
    Sets each segment's frames and seconds; gives the cues, where each clip of speech
    starts, and the total length."""
    minimum = {
        "title": options.min_title_seconds,
        "photo": options.min_photo_seconds,
        "page": options.min_page_seconds,
    }
    cues: list[Cue] = []
    placements: list[tuple[float, bytes]] = []
    start = 0.0
    spoken = 0
    for seg in segments:
        at = start + 0.5
        seg_cues: list[Cue] = []
        for sentence in seg.sentences:
            length = lengths[spoken]
            if clips is not None:
                placements.append((at, clips[spoken]))
            seg_cues += sentence_cues(sentence, at, at + length)
            spoken += 1
            at += length + 0.3
        wanted = max(at + 0.4 - start, minimum[seg.kind])
        seg.frames = math.ceil(wanted * options.fps - 1e-6)
        seg.seconds = seg.frames / options.fps
        end = start + seg.seconds
        for i, cue in enumerate(seg_cues):
            cue_start = start if i == 0 else cue.start
            cue_end = seg_cues[i + 1].start if i + 1 < len(seg_cues) else end
            cues.append(Cue(cue_start, cue_end, cue.text))
        start = end
    return cues, placements, start


@dataclass
class _Timeline:
    """The stills ffmpeg reads, the filter graph that animates them into pieces (each encoded
    on its own), and the order the pieces play in (a piece may play several times)."""

    inputs: list[Path] = field(default_factory=list)
    chains: list[str] = field(default_factory=list)
    pieces: list[int] = field(default_factory=list)  # frames of each piece, by index
    order: list[int] = field(default_factory=list)  # piece indices in play order
    missing: str = ""

    def add_input(self, path: Path) -> int:
        self.inputs.append(path)
        return len(self.inputs) - 1

    def add_piece(self, chain: str, frames: int) -> int:
        """Add a filter chain ending in a new piece's output pad; gives the piece's index."""
        index = len(self.pieces)
        self.chains.append(f"{chain}[p{index}]")
        self.pieces.append(frames)
        return index


def _stills_and_graph(job: _Job, segments: list[_Segment]) -> _Timeline:
    """Draw every still and build the filter graph that animates them into pieces."""
    article, options, channel_name, work = job.article, job.options, job.channel_name, job.work
    timeline = _Timeline()
    photo_number = 0
    for i, seg in enumerate(segments):
        still = work / f"still-{i:03d}.png"
        if seg.kind == "photo":
            _photo_pieces(job, seg, i, photo_number, timeline)
            photo_number += 1
            continue
        if seg.kind == "title":
            drawn = cards.draw_title_card(
                still,
                options.size,
                headline=" ".join(article.title.split()),
                section=_section_text(article),
                date=_date_text(article),
                channel=channel_name,
            )
        else:
            drawn = cards.draw_text_card(still, options.size, text=seg.text, channel=channel_name)
        timeline.missing += drawn.missing
        _card_pieces(timeline.add_input(still), seg.frames, options.fps, timeline)
    timeline.missing = "".join(sorted(set(timeline.missing)))
    return timeline


def _fade_frames(frames: int, fps: int) -> int:
    return min(int(0.4 * fps), frames // 4)


def _hold(frames: int, fps: int) -> str:
    """One picture repeated for `frames` frames, timed from zero."""
    return f"loop=loop={frames - 1}:size=1:start=0,setpts=N/{fps}/TB"


def _card_pieces(source: int, frames: int, fps: int, timeline: _Timeline) -> None:
    """A still card fading in and out. Its unchanging middle is encoded once as a whole
    group of pictures (2 s, the keyframe interval) that plays as often as needed: x264
    spends about as long on an unchanged frame as on a moving one."""
    fade = _fade_frames(frames, fps)
    gop = 2 * fps
    repeats, rest = divmod(frames - 2 * fade, gop)
    base = f"[{source}:v]format=yuv420p,setsar=1"
    if fade < 1 or repeats < 1:
        fades = f"fade=t=in:s=0:n={fade},fade=t=out:s={frames - fade}:n={fade}"
        timeline.order.append(timeline.add_piece(f"{base},{_hold(frames, fps)},{fades}", frames))
        return
    timeline.chains.append(f"{base},split=3[c{source}a][c{source}b][c{source}c]")
    head = timeline.add_piece(
        f"[c{source}a]{_hold(fade + rest, fps)},fade=t=in:s=0:n={fade}", fade + rest
    )
    middle = timeline.add_piece(f"[c{source}b]{_hold(gop, fps)}", gop)
    tail = timeline.add_piece(f"[c{source}c]{_hold(fade, fps)},fade=t=out:s=0:n={fade}", fade)
    timeline.order += [head, *[middle] * repeats, tail]


def _photo_pieces(job: _Job, seg: _Segment, index: int, number: int, timeline: _Timeline) -> None:
    """The `number`-th photo moving slowly under its caption band, fading in and out: one
    piece."""
    article, options, work = job.article, job.options, job.work
    width, height = options.size
    big = (2 * round(width * ZOOM_HEADROOM / 2), 2 * round(height * ZOOM_HEADROOM / 2))
    still = work / f"still-{index:03d}.png"
    assert seg.photo is not None
    try:
        cards.draw_photo_still(seg.photo, still, big)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise _error(
            article,
            f"image {seg.photo} cannot be read as a picture ({exc})",
            "replace the image with a valid JPEG, PNG or WebP file",
        ) from exc
    source = timeline.add_input(still)
    before, after = _motion(number, seg.seconds, width, height)
    chain = f"[{source}:v]format=yuv420p,{before}{_hold(seg.frames, options.fps)},{after}"
    band = cards.draw_caption_band(
        work / f"band-{index:03d}.png", options.size, caption=seg.caption, credit=seg.credit
    )
    if band is not None:
        timeline.missing += band.missing
        band_input = timeline.add_input(band.path)
        # The band is converted once; blending in the frames' own format keeps the
        # per-frame work to the band's rows (format=auto converted every frame).
        timeline.chains.append(f"[{band_input}:v]format=yuva420p[b{index}]")
        timeline.chains.append(f"{chain}[m{index}]")
        chain = f"[m{index}][b{index}]overlay=x=0:y=H-h:format=yuv420"
    fade = _fade_frames(seg.frames, options.fps)
    fades = f"fade=t=in:s=0:n={fade},fade=t=out:s={seg.frames - fade}:n={fade}"
    timeline.order.append(timeline.add_piece(f"{chain},{fades},setsar=1", seg.frames))


def _motion(number: int, seconds: float, width: int, height: int) -> tuple[str, str]:
    """The slow move of the n-th photo: zoom in, pan right, zoom out, pan left, in turn.

    Gives the filters run once on the still (ending in a comma, or empty) and those run on
    every frame."""
    p = f"(t/{seconds:.3f})"
    crop_centre = f"crop={width}:{height}:(iw-{width})/2:(ih-{height})/2"
    kind = number % 4
    if kind in (0, 2):
        grow = f"{p}" if kind == 0 else f"(1-{p})"
        scale = f"scale=w='2*trunc({width}*(1.02+0.16*{grow})/2)':h=-2:eval=frame"
        return "", f"{scale},{crop_centre}"
    pan_width = 2 * round(width * 1.12 / 2)
    along = p if kind == 1 else f"(1-{p})"
    return (
        f"scale={pan_width}:-2,",
        f"crop={width}:{height}:x='(iw-{width})*{along}':y=(ih-{height})/2",
    )


def _video_args(options: RenderOptions) -> list[str]:
    fps = options.fps
    maxrate = MAXRATE_KBPS_BY_HEIGHT.get(options.size[1], 5000)
    args = ["-c:v", "libx264", "-preset", options.preset, "-crf", str(options.crf)]
    args += ["-maxrate", f"{maxrate}k", "-bufsize", f"{2 * maxrate}k"]
    args += ["-profile:v", "high", "-pix_fmt", "yuv420p", "-r", str(fps), "-g", str(2 * fps)]
    # One thread per x264: with frame threads, its bit-rate cap (VBV) sees the sizes of
    # frames still being encoded on other threads, so the bytes depended on timing and on
    # the machine's cores. The pieces are encoded side by side and keep the cores busy.
    args += ["-threads", "1"]
    if options.x264_params:
        args += ["-x264-params", options.x264_params]
    # Same input, same bytes: no encoder version strings or dates in the file.
    return [*args, "-map_metadata", "-1", "-fflags", "+bitexact", "-flags", "+bitexact"]


def _encode(job: _Job, timeline: _Timeline, track: Path, total: float) -> None:
    """Encode the pieces in one ffmpeg run, then join them in play order (stream copy, no
    re-encode) with the narration into a unique temp file renamed into place."""
    article, options, work, video_path = job.article, job.options, job.work, job.video_path
    args: list[str] = ["-y"]
    for path in timeline.inputs:
        args += ["-i", str(path)]
    args += ["-i", str(track), "-filter_complex", ";".join(timeline.chains)]
    for index in range(len(timeline.pieces)):
        args += ["-map", f"[p{index}]", *_video_args(options), "-an"]
        args += ["-f", "mp4", str(work / f"piece-{index:03d}.mp4")]
    # The sound is encoded alongside the pictures, in the same run, rather than after them.
    audio = work / "narration.m4a"
    args += ["-map", f"{len(timeline.inputs)}:a", "-c:a", "aac", "-b:a", "128k", "-ar", "48000"]
    args += ["-ac", "2", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags", "+bitexact"]
    args += ["-vn", "-f", "mp4", str(audio)]
    timeout = max(300.0, 10 * total)
    _run(article, args, timeout, work)
    playlist = work / "pieces.txt"
    playlist.write_text(
        "".join(f"file 'piece-{index:03d}.mp4'\n" for index in timeline.order), encoding="utf-8"
    )
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{video_path.stem}.", suffix=".partial.mp4", dir=video_path.parent
    )
    os.close(handle)
    partial = Path(temp_name)
    try:
        args = ["-y", "-f", "concat", "-safe", "0", "-i", str(playlist), "-i", str(audio)]
        args += ["-map", "0:v", "-map", "1:a", "-c", "copy"]
        args += ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags", "+bitexact"]
        args += ["-movflags", "+faststart", "-t", f"{total:.3f}", "-f", "mp4", str(partial)]
        _run(article, args, timeout, work)
        partial.chmod(FILE_MODE)
        os.replace(partial, video_path)
    finally:
        partial.unlink(missing_ok=True)


def _run(article: Article, args: list[str], timeout: float, work: Path) -> None:
    try:
        done = run_ffmpeg(args, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise _error(
            article,
            f"ffmpeg took longer than {timeout:.0f} s",
            "the machine was too busy to encode in time: build again when it is less loaded "
            "(finished renders are kept), or render smaller ([video] width = 1280, height = 720)",
        ) from exc
    if done.returncode != 0:
        (work / "ffmpeg.log").write_text(done.stderr, encoding="utf-8")
        raise _error(
            article,
            f"ffmpeg failed (exit {done.returncode}): {last_error_lines(done.stderr)}",
            _RETRY_HINT,
        )


def _check_output(article: Article, info: VideoInfo, options: RenderOptions, total: float) -> None:
    expected = (options.size[0], options.size[1], "h264", "aac")
    got = (info.width, info.height, info.video_codec, info.audio_codec)
    if got != expected or abs(info.duration_seconds - total) > 0.5:
        raise _error(
            article,
            f"the rendered file is {got} lasting {info.duration_seconds} s, "
            f"expected {expected} lasting {total:.2f} s",
            _RETRY_HINT,
        )
