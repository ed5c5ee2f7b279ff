"""Regenerate the example channel's pictures and video: `python examples/make_media.py`.

The pictures are drawn here (no photos from anywhere else), so the example is ours to ship.
The video is made with the ffmpeg that the imageio-ffmpeg wheel brings.
"""

from __future__ import annotations

import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
from PIL import Image, ImageDraw, ImageFilter

CHANNEL = Path(__file__).resolve().parent / "channel"
ARTICLES = CHANNEL / "articles"
JPEG_QUALITY = 82


Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Scene:
    """What one drawn picture shows: its size, a sky gradient, the ground and where the
    busy subject stands ("left", "center" or "right")."""

    size: tuple[int, int]
    sky_top: Colour
    sky_bottom: Colour
    ground: Colour
    side: str


# (bundle, file name, scene)
PICTURES = [
    (
        "01-port-strike",
        "1-cranes.jpg",
        Scene(
            (1800, 1200),
            (250, 170, 90),
            (120, 60, 90),
            (40, 60, 80),
            "left",
        ),
    ),
    (
        "01-port-strike",
        "2-pickets.jpg",
        Scene(
            (1600, 1200),
            (150, 190, 230),
            (230, 230, 240),
            (90, 80, 70),
            "right",
        ),
    ),
    (
        "02-ferry-video",
        "ferry.jpg",
        Scene(
            (1920, 1080),
            (120, 180, 230),
            (210, 230, 250),
            (30, 80, 130),
            "center",
        ),
    ),
    (
        "03-library-page",
        "library.jpg",
        Scene(
            (1500, 1000),
            (200, 200, 210),
            (240, 240, 245),
            (120, 90, 60),
            "right",
        ),
    ),
    (
        "04-council-hls",
        "council.jpg",
        Scene(
            (2000, 1333),
            (60, 70, 110),
            (150, 150, 190),
            (70, 50, 40),
            "left",
        ),
    ),
    (
        "05-bridge-text-only",
        "bridge.jpg",
        Scene(
            (1600, 1067),
            (255, 200, 120),
            (250, 120, 80),
            (50, 50, 60),
            "center",
        ),
    ),
    (
        "06-market-captions",
        "market.jpg",
        Scene(
            (1400, 1050),
            (180, 220, 250),
            (250, 250, 250),
            (160, 120, 60),
            "left",
        ),
    ),
    (
        "07-derby-json",
        "derby.jpg",
        Scene(
            (1800, 1200),
            (100, 160, 220),
            (200, 220, 240),
            (40, 130, 50),
            "right",
        ),
    ),
    (
        "08-city-hall-budget",
        "hall.jpg",
        Scene(
            (1600, 1067),
            (140, 160, 200),
            (220, 225, 235),
            (110, 110, 110),
            "center",
        ),
    ),
    (
        "09-city-hall-transit",
        "bus.jpg",
        Scene(
            (1600, 1067),
            (90, 140, 200),
            (200, 215, 235),
            (80, 80, 80),
            "left",
        ),
    ),
    ("", "live.jpg", Scene((1280, 720), (20, 30, 60), (80, 40, 90), (10, 10, 20), "center")),
]


def picture(scene: Scene, seed: int) -> Image.Image:
    """`scene` drawn; `seed` places its buildings, so the same call draws the same pixels."""
    size, top, bottom, ground, side = (
        scene.size,
        scene.sky_top,
        scene.sky_bottom,
        scene.ground,
        scene.side,
    )
    width, height = size
    rng = random.Random(seed)
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    horizon = int(height * 0.62)
    for y in range(horizon):
        t = y / horizon
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    draw.rectangle([0, horizon, width, height], fill=ground)
    # A busy subject (buildings, cranes, people-like shapes) on one side: the part worth keeping.
    centre = {"left": 0.2, "center": 0.5, "right": 0.8}[side] * width
    for _ in range(60):
        x = centre + rng.gauss(0, width * 0.08)
        w = rng.randint(width // 80, width // 25)
        h = rng.randint(height // 10, height // 2)
        shade = tuple(max(0, min(255, c + rng.randint(-60, 60))) for c in ground)
        draw.rectangle([x - w, horizon - h, x + w, horizon], fill=shade, outline=(20, 20, 20))
        for wy in range(horizon - h + 8, horizon - 8, 18):
            draw.rectangle([x - w + 4, wy, x - w + 9, wy + 6], fill=(255, 230, 150))
    for _ in range(400):  # texture on the ground
        x, y = rng.randint(0, width), rng.randint(horizon, height)
        draw.point((x, y), fill=tuple(min(255, c + 40) for c in ground))
    return image.filter(ImageFilter.SMOOTH)


def main() -> None:
    for seed, (bundle, name, scene) in enumerate(PICTURES):
        folder = ARTICLES / bundle if bundle else CHANNEL
        folder.mkdir(parents=True, exist_ok=True)
        picture(scene, seed).save(folder / name, quality=JPEG_QUALITY)
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    video = ARTICLES / "02-ferry-video" / "ferry.mp4"
    subprocess.run(
        [
            ffmpeg,
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=1280x720:rate=25:duration=8",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:duration=8",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-pix_fmt",
            "yuv420p",
            "-b:v",
            "900k",
            "-c:a",
            "aac",
            "-b:a",
            "96k",
            "-shortest",
            "-movflags",
            "+faststart",
            str(video),
        ],
        check=True,
    )
    print(f"wrote pictures and {video}")


if __name__ == "__main__":
    main()
