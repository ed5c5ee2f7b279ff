"""16:9 feed thumbnails: decode any common format, crop around the subject, cache by content."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import threading
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageFilter, ImageOps, UnidentifiedImageError

from packager.errors import ConfigError, ImageError
from packager.filekinds import looks_like
from packager.files import write_atomic

# Bump when a change to this module changes the pixels written for the same input and settings:
# it is part of every output name, so hosts and CDNs never serve a stale thumbnail.
ALGORITHM_VERSION = 1

DEFAULT_SIZE = (1280, 720)
MIN_SIZE = (800, 450)  # below this Roku scales thumbnails up visibly; also the too-small warning
DEFAULT_QUALITY = 85
MAX_PIXELS = 100_000_000  # decompression-bomb guard, checked from the header before decoding
MAX_FILE_BYTES = 100 * 1024 * 1024
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
IMAGES_DIR = "images"
INDEX_NAME = "thumbnails.jsonl"
WHITE = (255, 255, 255)

# Saliency proxy: the long side of the small greyscale picture the crop is chosen on.
PROXY_LONG_SIDE = 256
# Preferred centre of the crop window as a fraction of the free axis: centred across,
# a bit above the middle down (news photos put faces in the upper third).
PREFERRED_CENTRE_X = 0.5
PREFERRED_CENTRE_Y = 0.4
# How much a window's distance from the preferred centre costs against the share of the
# picture's detail it keeps (both are fractions in [0, 1]).
CENTRE_BIAS_WEIGHT = 0.35

_ORIENTATION_TAG = 0x0112
_ROTATED_ORIENTATIONS = frozenset({5, 6, 7, 8})  # these swap width and height
_SIXTEEN_BIT_MODES = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N"})
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_ICC_SPACE_BY_MODE = {"RGB": "RGB", "L": "GRAY", "CMYK": "CMYK"}
_JPEG_START = b"\xff\xd8"  # SOI (ITU-T T.81 B.2.1)
_JPEG_END = b"\xff\xd9"  # EOI
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)


@dataclass(frozen=True)
class Thumbnail:
    """A thumbnail written under the output folder, with the size of the picture it came from."""

    relative_path: str  # posix, relative to the output folder, e.g. "images/3f2a…e1.jpg"
    width: int
    height: int
    source_width: int  # after EXIF orientation
    source_height: int
    warnings: tuple[str, ...] = ()


class ThumbnailMaker:
    """Turns article pictures into same-size sRGB JPEG thumbnails under `out_dir/images/`.

    Output names are a hash of the source bytes and of the settings that change the pixels,
    so the same picture is only decoded once: an existing output file is reused, and an index
    (`index_path`, by default `out_dir/.packager-cache/thumbnails.jsonl`) remembers its sizes
    and warnings so a rebuild only hashes the source. `decoded` counts the pictures this maker
    actually decoded. Safe to share between threads (the pixel work releases the GIL), with
    one caveat: `warnings.catch_warnings` around Pillow's bomb check is process-global in
    Python 3.11, so concurrent calls may leave DecompressionBombWarning ignored afterwards;
    our own MAX_PIXELS check does not depend on it.
    """

    def __init__(
        self,
        out_dir: Path,
        size: tuple[int, int] = DEFAULT_SIZE,
        *,
        quality: int = DEFAULT_QUALITY,
        index_path: Path | None = None,
    ) -> None:
        _check_settings(size, quality)
        self.out_dir = Path(out_dir)
        self.size = (int(size[0]), int(size[1]))
        self.quality = int(quality)
        self.index_path = (
            index_path if index_path is not None else self.out_dir / ".packager-cache" / INDEX_NAME
        )
        self.decoded = 0  # pictures actually decoded by this maker (the rest came from the cache)
        self._lock = threading.Lock()
        self._index: dict[str, Thumbnail] = _read_index(self.index_path)

    def make(self, source: Path | bytes, *, origin: str) -> Thumbnail:
        """The thumbnail of `source` (a file or its bytes); `origin` names it in errors.

        Raises ImageError (a SourceError: the build skips the article's picture) for empty,
        unreadable, non-image, corrupt, truncated or too-large sources.
        """
        data = _read_source(source, origin)
        relative_path = f"{IMAGES_DIR}/{self._output_name(data)}.jpg"
        target = self.out_dir / relative_path
        with self._lock:
            known = self._index.get(relative_path)
        whole = jpeg_is_whole(target)
        if known is not None and whole:
            return known
        if whole:
            # The file survived but the index did not: read the header only, never decode.
            thumbnail = self._describe_existing(data, relative_path, origin)
        else:
            jpeg, thumbnail = self._render(data, relative_path, origin)
            write_atomic(target, jpeg, durable=False)
        self._remember(thumbnail)
        return thumbnail

    def _output_name(self, data: bytes) -> str:
        # BLAKE2b: as collision-proof as SHA-256 for naming, and about twice as fast here.
        digest = hashlib.blake2b(digest_size=16)
        width, height = self.size
        settings = f"packager-thumbnail v{ALGORITHM_VERSION} {width}x{height} q{self.quality}"
        digest.update(settings.encode("ascii"))
        digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _render(self, data: bytes, relative_path: str, origin: str) -> tuple[bytes, Thumbnail]:
        with _open_checked(data, origin) as picture:
            orientation = _orientation(picture)
            source_size = _oriented_size(picture.size, orientation)
            warning_list = _header_warnings(picture, source_size)
            _decode_reduced(picture, source_size, orientation, self.size, origin)
            with self._lock:
                self.decoded += 1
            image: Image.Image = picture
            if orientation not in (None, 1):
                image = ImageOps.exif_transpose(picture)
            icc = picture.info.get("icc_profile")
            image = _flatten(image)
            box = choose_crop(image, self.size)
            # Bicubic, as ImageOps.fit. After a JPEG's reduced decode the remaining downscale
            # is under 2x, where Lanczos costs about half as much again for no visible gain
            # on TV; other formats are first box-reduced by reducing_gap.
            image = image.resize(self.size, Image.Resampling.BICUBIC, box=box, reducing_gap=3.0)
            image = _to_srgb(image, icc if isinstance(icc, bytes) else None)
        buffer = io.BytesIO()
        # Baseline (not progressive): every TV decoder handles it. No optimize pass: it costs
        # as much as the encoding itself for files about 1.5 % smaller.
        image.save(buffer, "JPEG", quality=self.quality, progressive=False)
        thumbnail = Thumbnail(
            relative_path=relative_path,
            width=self.size[0],
            height=self.size[1],
            source_width=source_size[0],
            source_height=source_size[1],
            warnings=tuple(warning_list),
        )
        return buffer.getvalue(), thumbnail

    def _describe_existing(self, data: bytes, relative_path: str, origin: str) -> Thumbnail:
        with _open_checked(data, origin) as picture:
            source_size = _oriented_size(picture.size, _orientation(picture))
            warning_list = _header_warnings(picture, source_size)
        return Thumbnail(
            relative_path, self.size[0], self.size[1], *source_size, tuple(warning_list)
        )

    def _remember(self, thumbnail: Thumbnail) -> None:
        line = json.dumps(asdict(thumbnail), sort_keys=True) + "\n"
        with self._lock:
            self._index[thumbnail.relative_path] = thumbnail
            try:
                self.index_path.parent.mkdir(parents=True, exist_ok=True)
                # One short line per append: concurrent builds cannot interleave within it,
                # and a torn last line is skipped on reading. The index is only a cache.
                with self.index_path.open("a", encoding="utf-8") as index_file:
                    index_file.write(line)
            except OSError:
                pass  # a read-only cache folder costs a header read next time, nothing more


def jpeg_is_whole(path: Path) -> bool:
    """Whether `path` is a JPEG written to the end: it starts with the SOI marker and ends with
    the EOI marker (`FF D9`), as every thumbnail this module writes does. Reads four bytes, so
    a thumbnail cut short (a full disk, a copy gone wrong) is made again instead of reused."""
    try:
        with path.open("rb") as handle:
            start = handle.read(2)
            if handle.seek(0, os.SEEK_END) < len(_JPEG_START) + len(_JPEG_END):
                return False
            handle.seek(-len(_JPEG_END), os.SEEK_END)
            return start == _JPEG_START and handle.read(2) == _JPEG_END
    except OSError:
        return False


def choose_crop(image: Image.Image, size: tuple[int, int]) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom) of `image` with the aspect of `size` to keep.

    The window spans the whole picture along one axis and slides along the other; it is
    placed where it keeps the largest share of the picture's detail (edge energy on a small
    greyscale proxy), minus a small cost for straying from the preferred centre, which alone
    decides on flat or evenly detailed pictures.
    """
    width, height = image.size
    aspect = size[0] / size[1]
    if width / height > aspect:
        window = height * aspect
        left = _place_window(_energy_profile(image, axis=0), width, window, PREFERRED_CENTRE_X)
        return (left, 0.0, left + window, float(height))
    window = width / aspect
    top = _place_window(_energy_profile(image, axis=1), height, window, PREFERRED_CENTRE_Y)
    return (0.0, top, float(width), top + window)


def _place_window(profile: list[float], length: float, window: float, preferred: float) -> float:
    """Offset (in picture pixels) of the window along an axis of `length` pixels."""
    free = length - window
    if free <= 0.5 or not profile:
        return max(free, 0.0) / 2
    cells = len(profile)
    cell_window = max(1, min(cells, round(window / length * cells)))
    # Detail above the quietest quarter of the picture counts: a textured background
    # (grass, noise, JPEG grain) does not pull the window away from the subject.
    floor = sorted(profile)[len(profile) // 4]
    energy = [max(0.0, value - floor) for value in profile]
    prefix = [0.0]
    for value in energy:
        prefix.append(prefix[-1] + value)
    total = prefix[-1]
    best_start, best_score = 0, -math.inf
    for start in range(cells - cell_window + 1):
        kept = (prefix[start + cell_window] - prefix[start]) / total if total > 1e-9 else 0.0
        centre = (start + cell_window / 2) / cells
        score = kept - CENTRE_BIAS_WEIGHT * abs(centre - preferred)
        if score > best_score + 1e-12:
            best_start, best_score = start, score
    if total <= 1e-9:
        # Flat picture: the preferred centre, clamped to the picture.
        return min(max(preferred * length - window / 2, 0.0), free)
    return min(max(best_start / cells * length, 0.0), free)


def _energy_profile(image: Image.Image, *, axis: int) -> list[float]:
    """Mean edge energy of each column (axis=0) or row (axis=1) of a small greyscale proxy."""
    factor = max(1, max(image.size) // PROXY_LONG_SIDE)
    proxy = image.reduce(factor) if factor > 1 else image
    grey = proxy.convert("L")
    if grey.width < 3 or grey.height < 3:
        return []
    # FIND_EDGES leaves the one-pixel border unfiltered: drop it, then repeat the neighbours.
    edges = grey.filter(ImageFilter.FIND_EDGES).crop((1, 1, grey.width - 1, grey.height - 1))
    line = (
        edges.resize((edges.width, 1), Image.Resampling.BOX)
        if axis == 0
        else edges.resize((1, edges.height), Image.Resampling.BOX)
    )
    values = [float(value) for value in line.tobytes()]
    return [values[0], *values, values[-1]]


def _check_settings(size: tuple[int, int], quality: int) -> None:
    width, height = size
    if width < MIN_SIZE[0] or height < MIN_SIZE[1]:
        raise ConfigError(
            f"thumbnail size {width}x{height} is too small: Roku needs at least "
            f"{MIN_SIZE[0]}x{MIN_SIZE[1]}",
            key="thumbnail_size",
            hint="use 1280x720 (the default) or 1920x1080",
        )
    if abs(width * 9 - height * 16) > 16:  # 16:9 up to rounding, e.g. 854x480
        raise ConfigError(
            f"thumbnail size {width}x{height} is not 16:9",
            key="thumbnail_size",
            hint="use a 16:9 size such as 1280x720 or 1920x1080",
        )
    if not 1 <= quality <= 95:
        raise ConfigError(
            f"thumbnail JPEG quality {quality} is out of range",
            key="thumbnail_quality",
            hint="use a quality from 1 to 95 (85 is the default)",
        )


def _read_source(source: Path | bytes, origin: str) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        try:
            size = os.stat(source).st_size
            if size > MAX_FILE_BYTES:
                raise ImageError(
                    f"image too large: {origin} — the file is {size / 1e6:.0f} MB, "
                    f"more than {MAX_FILE_BYTES / 1e6:.0f} MB",
                    location=origin,
                    hint="resize or recompress the picture (a 4000x3000 JPEG is about 3 MB)",
                )
            data = Path(source).read_bytes()
        except OSError as error:
            raise ImageError(
                f"cannot read image: {origin} — {error.strerror or error}",
                location=origin,
                hint="check that the file exists and is readable",
            ) from error
    if not data:
        raise ImageError(
            f"image is empty: {origin} — the file has 0 bytes",
            location=origin,
            hint="re-export or re-download the picture",
        )
    return data


def _open_checked(data: bytes, origin: str) -> Image.Image:
    """Open (header only) and refuse non-images and pictures over MAX_PIXELS."""
    try:
        with warnings.catch_warnings():
            # Our own limit below replaces Pillow's default warning threshold (89 Mpx);
            # Pillow still raises DecompressionBombError past twice its own limit.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as error:
        raise _too_large(origin, str(error)) from error
    except UnidentifiedImageError as error:
        raise ImageError(
            f"not a supported image: {origin} — not a JPEG, PNG, WebP or GIF file "
            f"(it looks like {looks_like(data)})",
            location=origin,
            hint="convert the picture to JPEG or PNG, or replace or remove this image",
        ) from error
    except _DECODE_ERRORS as error:
        raise _corrupt(origin, error) from error
    width, height = picture.size
    if width * height > MAX_PIXELS:
        picture.close()
        raise _too_large(
            origin,
            f"{width}x{height} is {width * height / 1e6:.0f} megapixels, "
            f"more than the {MAX_PIXELS / 1e6:.0f} megapixel limit",
        )
    if width < 1 or height < 1:
        picture.close()
        raise _corrupt(origin, ValueError(f"the header says {width}x{height}"))
    return picture


def _decode_reduced(
    picture: Image.Image,
    source_size: tuple[int, int],
    orientation: int | None,
    size: tuple[int, int],
    origin: str,
) -> None:
    """Decode the pixels, at a reduced scale when the format allows (JPEG DCT scaling).

    The reduced picture still covers the output size after the 16:9 crop, so nothing is
    upscaled that a full decode would not have upscaled.
    """
    width, height = source_size
    scale = max(size[0] / min(width, height * size[0] / size[1]), size[1] / height)
    if scale < 1:
        wanted = (math.ceil(width * scale), math.ceil(height * scale))
        if orientation in _ROTATED_ORIENTATIONS:
            wanted = (wanted[1], wanted[0])
        picture.draft(None, wanted)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            picture.load()
    except Image.DecompressionBombError as error:
        raise _too_large(origin, str(error)) from error
    except _DECODE_ERRORS as error:
        raise _corrupt(origin, error) from error


def _too_large(origin: str, why: str) -> ImageError:
    return ImageError(
        f"image too large: {origin} — {why} (a decompression bomb or an oversized original)",
        location=origin,
        hint=f"resize the picture below {MAX_PIXELS // 1_000_000} megapixels, e.g. to 4000x3000",
    )


def _corrupt(origin: str, error: BaseException) -> ImageError:
    return ImageError(
        f"image is corrupt or truncated: {origin} — {error}",
        location=origin,
        hint="re-export or re-download the picture; the file is damaged or incomplete",
    )


def _orientation(picture: Image.Image) -> int | None:
    try:
        value = picture.getexif().get(_ORIENTATION_TAG)
    except _DECODE_ERRORS:
        return None  # unreadable EXIF: keep the stored orientation
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def _oriented_size(size: tuple[int, int], orientation: int | None) -> tuple[int, int]:
    return (size[1], size[0]) if orientation in _ROTATED_ORIENTATIONS else size


def _header_warnings(picture: Image.Image, source_size: tuple[int, int]) -> list[str]:
    """Warnings known from the header alone, so a cached thumbnail reports the same ones.

    They do not name the source: one picture may serve several articles, and the caller
    knows which article it is reporting on.
    """
    found = []
    width, height = source_size
    aspect = MIN_SIZE[0] / MIN_SIZE[1]
    crop = (min(width, height * aspect), min(height, width / aspect))
    if crop[0] < MIN_SIZE[0] - 0.5 or crop[1] < MIN_SIZE[1] - 0.5:
        cropped = (
            ""
            if abs(width / height - aspect) < 0.01
            else f" (16:9 crop {crop[0]:.0f}x{crop[1]:.0f})"
        )
        found.append(
            f"source is {width}x{height}{cropped}, smaller than "
            f"{MIN_SIZE[0]}x{MIN_SIZE[1]}: upscaled, it will look blurred on TV"
        )
    icc = picture.info.get("icc_profile")
    if isinstance(icc, bytes) and icc and _icc_transform_problem(icc, _icc_mode(picture.mode)):
        found.append(
            f"embedded ICC profile is unreadable or does not match the {picture.mode} "
            "pixels: ignored, colours may be off"
        )
    return found


def _icc_mode(mode: str) -> str:
    """The mode the pixels have when the ICC transform runs (see _flatten)."""
    if mode == "CMYK":
        return "CMYK"
    if mode in ("L", "LA", "La", "1") or mode in _SIXTEEN_BIT_MODES:
        return "L"
    return "RGB"


def _icc_transform_problem(icc: bytes, mode: str) -> bool:
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return True
    return profile.profile.xcolor_space.strip() != _ICC_SPACE_BY_MODE[mode]


def _flatten(image: Image.Image) -> Image.Image:
    """RGB, L or CMYK pixels: transparency composed onto white, 16-bit scaled to 8-bit."""
    mode = image.mode
    if mode in _SIXTEEN_BIT_MODES:
        wide = image if mode == "I" else image.convert("I")
        return wide.point(lambda value: value / 256).convert("L")
    if mode in ("RGB", "L", "CMYK"):
        return image
    if mode == "1":
        return image.convert("L")
    if mode == "P":
        palette_mode = image.palette.mode if image.palette is not None else ""
        has_alpha = "transparency" in image.info or palette_mode == "RGBA"
        image = image.convert("RGBA" if has_alpha else "RGB")
        mode = image.mode
        if mode == "RGB":
            return image
    if mode in ("LA", "La", "PA"):
        image = image.convert("LA") if mode != "PA" else image.convert("RGBA")
        mode = image.mode
    if mode == "LA":
        background = Image.new("L", image.size, 255)
        background.paste(image.getchannel("L"), mask=image.getchannel("A"))
        return background
    if mode in ("RGBA", "RGBa"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, WHITE)
        background.paste(image.convert("RGB"), mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB pixels in sRGB: converted with the embedded profile when there is a usable one."""
    if icc and not _icc_transform_problem(icc, image.mode):
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(
            image,
            source,
            _SRGB,
            renderingIntent=ImageCms.Intent.PERCEPTUAL,
            outputMode="RGB",
        )
        if converted is not None:
            return converted
    return image if image.mode == "RGB" else image.convert("RGB")


def compact_thumbnail_index(index_path: Path, out_dir: Path) -> None:
    """Rewrite the thumbnail index with one line per thumbnail still in `out_dir` (after old
    assets were pruned), so it does not grow for ever. The index is only a cache."""
    kept = [
        json.dumps(asdict(thumbnail), sort_keys=True) + "\n"
        for name, thumbnail in sorted(_read_index(index_path).items())
        if (out_dir / name).is_file()
    ]
    with contextlib.suppress(OSError):
        write_atomic(index_path, "".join(kept).encode("utf-8"))


def _read_index(index_path: Path) -> dict[str, Thumbnail]:
    index: dict[str, Thumbnail] = {}
    try:
        lines = index_path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return index
    for line in lines:
        try:
            record = json.loads(line)
            thumbnail = Thumbnail(
                relative_path=str(record["relative_path"]),
                width=int(record["width"]),
                height=int(record["height"]),
                source_width=int(record["source_width"]),
                source_height=int(record["source_height"]),
                warnings=tuple(str(text) for text in record["warnings"]),
            )
        except (ValueError, KeyError, TypeError):
            continue  # a torn or foreign line: that entry is simply not cached
        index[thumbnail.relative_path] = thumbnail
    return index
