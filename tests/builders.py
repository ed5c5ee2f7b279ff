"""Shared builders for the tests: photos, short videos and article bundles.

Plain functions and constants only (fixtures live in the conftest files, which may use these);
a test imports what it needs with `from tests.builders import ...`. The publish tests' synthetic
output folders are built by `tests/publish_channel.py`, the preview's channel by
`tests/acceptance/preview/channel.py`.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
from pathlib import Path

import imageio_ffmpeg
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent
# The valid Roku feed every feed test starts from (kept with the validate tests' cases).
BASE_FEED = REPO / "tests" / "unit" / "validate" / "base-feed.json"
# The base URL the build tests' channels use (the same as the publish tests' channel).
BASE_URL = "https://cdn.example.com/channel/"

# -- photos -----------------------------------------------------------------------------------


def photo_bytes(
    colour: tuple[int, int, int],
    size: tuple[int, int] = (64, 36),
    fmt: str = "JPEG",
    quality: int = 75,
) -> bytes:
    """A plain picture of one colour (JPEG unless `fmt` says otherwise), as bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt, quality=quality)
    return buffer.getvalue()


def seeded_jpeg(seed: str, size: tuple[int, int] = (64, 36)) -> bytes:
    """A small JPEG whose colour (and so whose bytes) depends on `seed`."""
    digest = hashlib.sha256(seed.encode()).digest()
    return photo_bytes((digest[0], digest[1], digest[2]), size, quality=80)


def solid_photo(
    path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (320, 180)
) -> Path:
    """A small real picture of one colour (format from the suffix) at `path`."""
    Image.new("RGB", size, colour).save(path)
    return path


def make_photo(path: Path, size: tuple[int, int] = (1600, 1000), seed: int = 0) -> Path:
    """A striped picture (format from the suffix) whose pattern depends on `seed`, at `path`."""
    image = Image.new("RGB", size, (40 + seed * 30 % 200, 90, 150))
    draw = ImageDraw.Draw(image)
    for step in range(0, size[0], 40):
        draw.rectangle(
            [step, size[1] // 3, step + 20, size[1] // 3 + (step * 7 + seed * 13) % 300],
            fill=(200, 180 - step % 100, 90),
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, quality=85)
    return path


def make_poster(path: Path, label: str, hue: int) -> None:
    """A 16:9 poster (800x450, the spec's minimum) with a label, so screenshots show which is which."""
    image = Image.new("RGB", (800, 450), ((40 + hue * 47) % 200, 70 + hue * 19 % 120, 150))
    draw = ImageDraw.Draw(image)
    for x in range(0, 800, 50):
        draw.rectangle(
            [x, 300 - (x * 3 + hue * 40) % 200, x + 30, 450], fill=(230, 190, 90 + hue * 20 % 150)
        )
    draw.text((40, 40), label, fill=(255, 255, 255), font_size=56)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, quality=85)


# -- videos -----------------------------------------------------------------------------------


def make_video(
    path: Path,
    seconds: float = 2.0,
    size: str = "640x360",
    *,
    keyframes: int | None = None,
    faststart: bool = False,
) -> Path:
    """A short H.264/AAC MP4 (test pattern and a tone) made with imageio-ffmpeg's ffmpeg.

    `keyframes` sets the GOP length in frames (25 frames a second); `faststart` moves the index
    to the front, as a streaming server wants it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    gop = ["-g", str(keyframes)] if keyframes else []
    tail = ["-movflags", "+faststart"] if faststart else []
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={size}:rate=25:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=330:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            *gop,
            "-c:a",
            "aac",
            "-shortest",
            *tail,
            str(path),
        ],
        check=True,
    )
    return path


# -- bundles ----------------------------------------------------------------------------------

# A text bundle's article.txt whose video is a remote HLS stream (so no rendering, no ffmpeg);
# fill in {name} and {title}.
HLS_ARTICLE = (
    "---\ndate: 2026-11-02T08:00:00Z\nvideo: https://cdn.example.com/{name}.m3u8\n"
    "duration: 90\n---\nNews\n\n{title} story\n\nA paragraph about it, long enough to be a "
    "summary of the story.\n"
)


# The options are the bundle's contents, all keywords with defaults; a builder of test data.
def make_bundle(  # noqa: PLR0913
    root: Path, name: str, text: str, *, photos: int = 1, video: bool = False, kind: str = "txt"
) -> Path:
    """An article bundle `root/name`: article.<kind>, numbered striped photos, maybe clip.mp4."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"article.{kind}").write_text(text, encoding="utf-8")
    for index in range(photos):
        make_photo(folder / f"{index + 1}.jpg", seed=index + len(name))
    if video:
        make_video(folder / "clip.mp4")
    return folder
