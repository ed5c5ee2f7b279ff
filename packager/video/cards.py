"""Still pictures of a rendered video, drawn once with Pillow: text cards and captioned photos.

Text is laid out with Pillow's raqm engine (HarfBuzz shaping + FriBiDi reordering), so
Arabic, Persian and Hebrew come out joined and right-to-left; lines wrap at word boundaries
(or between characters for scripts written without spaces).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps, features

from packager.video.fonts import is_rtl, pick_font

BACKGROUND_TOP = (12, 22, 46)
BACKGROUND_BOTTOM = (4, 8, 18)
ACCENT = (236, 176, 52)
TEXT = (245, 245, 245)
MUTED = (185, 192, 205)
BAND = (0, 0, 0, 170)

ELLIPSIS = "…"


class TextLayoutError(Exception):
    """Text cannot be drawn correctly here (no font at all, or RTL text without raqm)."""


def raqm_available() -> bool:
    """Whether Pillow can shape complex scripts and lay out right-to-left text."""
    return bool(features.check("raqm"))


@dataclass(frozen=True)
class TextBlock:
    """Wrapped text ready to draw: its font, lines and direction."""

    font: ImageFont.FreeTypeFont
    lines: tuple[str, ...]
    rtl: bool
    font_path: Path
    missing: str  # characters the font has no glyph for

    @property
    def line_height(self) -> int:
        ascent, descent = self.font.getmetrics()
        return int((ascent + descent) * 1.18)

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)


@functools.cache
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if raqm_available() else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=engine)


def _direction(rtl: bool) -> str | None:
    # Only raqm accepts a direction; the basic engine is only used for left-to-right text.
    if not raqm_available():
        return None
    return "rtl" if rtl else "ltr"


def text_width(text: str, font: ImageFont.FreeTypeFont, rtl: bool) -> float:
    return float(font.getlength(text, direction=_direction(rtl)))


def wrap(text: str, font: ImageFont.FreeTypeFont, max_width: int, rtl: bool) -> list[str]:
    """Greedy line breaking in logical order; raqm reorders each line for display."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, font, rtl) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        # A word wider than the line (or a script without spaces): break between characters.
        for ch in word:
            candidate = current + ch
            if current and text_width(candidate, font, rtl) > max_width:
                lines.append(current)
                current = ch
            else:
                current = candidate
    if current:
        lines.append(current)
    return lines


def layout_text(  # noqa: PLR0913 - keyword-only layout values of one card
    text: str,
    *,
    bold: bool,
    max_width: int,
    max_lines: int,
    size: int,
    min_size: int,
) -> TextBlock:
    """Wrap `text` into at most `max_lines`, shrinking the font down to `min_size` if needed;
    what still does not fit ends with an ellipsis."""
    rtl = is_rtl(text)
    if rtl and not raqm_available():
        raise TextLayoutError(
            "right-to-left text needs Pillow's raqm layout (libraqm with FriBiDi and HarfBuzz)"
        )
    choice = pick_font(text, bold=bold)
    if choice is None:
        raise TextLayoutError("no font is installed on this system")
    current = size
    while True:
        font = _font(choice.path, current)
        lines = wrap(text, font, max_width, rtl)
        if len(lines) <= max_lines or current <= min_size:
            break
        current = max(min_size, int(current * 0.9))
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        last = kept[-1]
        while last and text_width(last + ELLIPSIS, font, rtl) > max_width:
            last = last[:-1].rstrip()
        kept[-1] = last + ELLIPSIS
        lines = kept
    return TextBlock(font, tuple(lines), rtl, choice.path, choice.missing)


def draw_block(  # noqa: PLR0913 - keyword-only layout values of one card
    draw: ImageDraw.ImageDraw,
    block: TextBlock,
    *,
    left: int,
    right: int,
    top: int,
    fill: tuple[int, ...],
) -> int:
    """Draw `block` between `left` and `right`, aligned to its reading start; gives bottom."""
    y = top
    for line in block.lines:
        x = right - text_width(line, block.font, True) if block.rtl else left
        draw.text((x, y), line, font=block.font, fill=fill, direction=_direction(block.rtl))
        y += block.line_height
    return y


@functools.cache
def _gradient(width: int, height: int) -> Image.Image:
    ramp = Image.linear_gradient("L").resize((width, height))
    top = Image.new("RGB", (width, height), BACKGROUND_TOP)
    bottom = Image.new("RGB", (width, height), BACKGROUND_BOTTOM)
    return Image.composite(bottom, top, ramp)


@dataclass(frozen=True)
class CardResult:
    """A drawn still, and the fonts and missing glyphs used for it (for reports and tests)."""

    path: Path
    font_paths: tuple[Path, ...]
    missing: str


def _finish(image: Image.Image, path: Path, blocks: list[TextBlock]) -> CardResult:
    # compress_level=1: these PNGs are read once by ffmpeg; speed matters more than size.
    image.save(path, format="PNG", compress_level=1)
    missing = "".join(sorted({ch for b in blocks for ch in b.missing}))
    return CardResult(path, tuple(dict.fromkeys(b.font_path for b in blocks)), missing)


def draw_title_card(  # noqa: PLR0913 - keyword-only layout values of one card
    path: Path,
    size: tuple[int, int],
    *,
    headline: str,
    section: str,
    date: str,
    channel: str,
) -> CardResult:
    """Channel name, section path, headline (large, wrapped) and date on the background."""
    width, height = size
    unit = height / 720
    margin = int(80 * unit)
    image = _gradient(width, height).copy()
    draw = ImageDraw.Draw(image)
    blocks: list[TextBlock] = []
    inner = width - 2 * margin

    y = int(60 * unit)
    if channel:
        block = layout_text(
            channel, bold=True, max_width=inner, max_lines=1, size=int(30 * unit), min_size=10
        )
        draw_block(draw, block, left=margin, right=width - margin, top=y, fill=ACCENT)
        blocks.append(block)
    bar_y = int(118 * unit)
    draw.rectangle([margin, bar_y, margin + int(120 * unit), bar_y + max(2, int(5 * unit))], ACCENT)
    y = int(150 * unit)
    if section:
        block = layout_text(
            section, bold=False, max_width=inner, max_lines=1, size=int(28 * unit), min_size=10
        )
        y = draw_block(draw, block, left=margin, right=width - margin, top=y, fill=MUTED)
        blocks.append(block)
    headline_block = layout_text(
        headline,
        bold=True,
        max_width=inner,
        max_lines=4,
        size=int(64 * unit),
        min_size=int(40 * unit),
    )
    date_top = height - int(100 * unit)
    space = date_top - y
    top = y + max(int(20 * unit), (space - headline_block.height) // 2)
    draw_block(draw, headline_block, left=margin, right=width - margin, top=top, fill=TEXT)
    blocks.append(headline_block)
    if date:
        block = layout_text(
            date, bold=False, max_width=inner, max_lines=1, size=int(28 * unit), min_size=10
        )
        draw_block(draw, block, left=margin, right=width - margin, top=date_top, fill=MUTED)
        blocks.append(block)
    return _finish(image, path, blocks)


def text_page_block(text: str, size: tuple[int, int], *, max_lines: int = 7) -> TextBlock:
    """The wrapped body text of a summary page (also used to split the summary into pages)."""
    width, height = size
    unit = height / 720
    return layout_text(
        text,
        bold=False,
        max_width=width - 2 * int(100 * unit),
        max_lines=max_lines,
        size=int(42 * unit),
        min_size=int(34 * unit),
    )


def fits_on_page(text: str, size: tuple[int, int], *, max_lines: int = 7) -> bool:
    """Whether `text` fits a summary page at the normal body size without cutting."""
    width, height = size
    unit = height / 720
    rtl = is_rtl(text)
    choice = pick_font(text)
    if choice is None:
        return True
    font = _font(choice.path, int(42 * unit))
    return len(wrap(text, font, width - 2 * int(100 * unit), rtl)) <= max_lines


def draw_text_card(path: Path, size: tuple[int, int], *, text: str, channel: str) -> CardResult:
    """A page of the summary text, vertically centred, with the channel name small at the top."""
    width, height = size
    unit = height / 720
    margin = int(100 * unit)
    image = _gradient(width, height).copy()
    draw = ImageDraw.Draw(image)
    blocks = []
    if channel:
        head = layout_text(
            channel,
            bold=True,
            max_width=width - 2 * margin,
            max_lines=1,
            size=int(26 * unit),
            min_size=10,
        )
        draw_block(draw, head, left=margin, right=width - margin, top=int(50 * unit), fill=ACCENT)
        blocks.append(head)
    block = text_page_block(text, size)
    top = (height - block.height) // 2
    edge = width - margin + int(24 * unit) if block.rtl else margin - int(24 * unit)
    draw.rectangle([edge, top, edge + max(2, int(6 * unit)), top + block.height], ACCENT)
    draw_block(draw, block, left=margin, right=width - margin, top=top, fill=TEXT)
    blocks.append(block)
    return _finish(image, path, blocks)


def draw_photo_still(source: Path, path: Path, size: tuple[int, int]) -> None:
    """The photo filling a `size` frame (the pan/zoom moves inside it).

    A photo of very different shape (portrait) is shown whole over a blurred, darkened copy
    of itself rather than cut to a strip.
    """
    width, height = size
    with Image.open(source) as opened:
        opened.load()
        photo = ImageOps.exif_transpose(opened).convert("RGB")
    ratio = (photo.width / photo.height) / (width / height)
    if 0.75 <= ratio <= 1.35:
        frame = ImageOps.fit(photo, size, method=Image.Resampling.LANCZOS)
    else:
        small = ImageOps.fit(photo, (max(1, width // 8), max(1, height // 8)))
        blurred = small.filter(ImageFilter.GaussianBlur(6)).resize(size, Image.Resampling.BILINEAR)
        frame = Image.blend(blurred, Image.new("RGB", size, (0, 0, 0)), 0.45)
        whole = ImageOps.contain(photo, size, method=Image.Resampling.LANCZOS)
        frame.paste(whole, ((width - whole.width) // 2, (height - whole.height) // 2))
    frame.save(path, format="PNG", compress_level=1)


def draw_caption_band(
    path: Path, size: tuple[int, int], *, caption: str, credit: str
) -> CardResult | None:
    """A transparent lower third with the caption and credit, laid over the moving photo.

    None when there is nothing to show.
    """
    if not caption and not credit:
        return None
    width, height = size
    unit = height / 720
    margin = int(60 * unit)
    pad = int(22 * unit)
    inner = width - 2 * margin
    blocks = []
    if caption:
        blocks.append(
            layout_text(
                caption,
                bold=False,
                max_width=inner,
                max_lines=3,
                size=int(32 * unit),
                min_size=int(24 * unit),
            )
        )
    if credit:
        blocks.append(
            layout_text(
                credit,
                bold=False,
                max_width=inner,
                max_lines=1,
                size=int(22 * unit),
                min_size=int(16 * unit),
            )
        )
    band_height = 2 * pad + sum(b.height for b in blocks)
    band = Image.new("RGBA", (width, band_height), BAND)
    draw = ImageDraw.Draw(band)
    y = pad
    for block, colour in zip(blocks, (TEXT, MUTED) if caption else (MUTED,), strict=False):
        y = draw_block(draw, block, left=margin, right=width - margin, top=y, fill=colour)
    return _finish(band, path, blocks)
