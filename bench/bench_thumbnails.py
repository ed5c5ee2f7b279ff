"""Thumbnail time per image: packager's ThumbnailMaker against a plain Pillow open + fit + save.

Usage: python bench/bench_thumbnails.py [--count 40] [--repeat 3] [--size 1280x720]
                                        [--photo-size 3000x2000]

Generates COUNT photo-like 3000x2000 JPEGs (gradients, grain, shapes: 1-2 MB each, like
camera output), then times, per image and on the same files, the baseline
(Image.open + ImageOps.fit(size) + save JPEG) and ThumbnailMaker.make with an empty output
folder (a cold build: every picture decoded). A warm rebuild (the content cache) is timed
once at the end. Prints medians over all images and repetitions, and the ratio.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

# Run from a checkout without installing: the repository root holds the packager package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from packager.images import DEFAULT_QUALITY, ThumbnailMaker


def make_photo(seed: int, grain: Image.Image) -> Image.Image:
    """A camera-like picture: colour gradients, shapes with edges, texture and sensor grain.

    `grain` (full-size noise) is made once and flipped per photo: noise generation would
    otherwise dominate the set-up time.
    """
    rng = random.Random(seed)
    size = grain.size
    width, height = size
    channels = [
        Image.linear_gradient("L").rotate(rng.choice((0, 90, 180, 270))).resize(size)
        for _ in range(3)
    ]
    image = Image.merge("RGB", channels)
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(40, 700), rng.randrange(40, 700)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.ellipse((x, y, x + w, y + h), fill=colour)
        else:
            draw.rectangle((x, y, x + w, y + h), fill=colour, outline=(0, 0, 0), width=3)
    # Coarse texture (foliage, fabric, crowds) at a quarter of the size, then the grain.
    texture = Image.effect_noise((width // 4, height // 4), 60)
    texture = texture.resize(size, Image.Resampling.BICUBIC).convert("RGB")
    image = Image.blend(image, texture, 0.25)
    flip = rng.choice((Image.Transpose.FLIP_LEFT_RIGHT, Image.Transpose.FLIP_TOP_BOTTOM))
    return Image.blend(image, grain.transpose(flip), 0.1)


def baseline(source: Path, target: Path, size: tuple[int, int], quality: int) -> None:
    with Image.open(source) as image:
        ImageOps.fit(image, size).save(target, "JPEG", quality=quality)


def parse_size(text: str) -> tuple[int, int]:
    width, height = text.lower().split("x")
    return int(width), int(height)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40, help="number of photos (default 40)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--size", default="1280x720", help="thumbnail size (default 1280x720)")
    parser.add_argument(
        "--photo-size", default="3000x2000", help="generated photo size (default 3000x2000)"
    )
    options = parser.parse_args()
    size, photo_size = parse_size(options.size), parse_size(options.photo_size)

    work = Path(tempfile.mkdtemp(prefix="bench-thumbnails-"))
    try:
        sources = []
        started = time.perf_counter()
        grain = Image.effect_noise(photo_size, 30).convert("RGB")
        for index in range(options.count):
            path = work / "photos" / f"photo-{index:03d}.jpg"
            path.parent.mkdir(parents=True, exist_ok=True)
            make_photo(index, grain).save(path, "JPEG", quality=92)
            sources.append(path)
        sizes = [path.stat().st_size for path in sources]
        print(
            f"{len(sources)} photos {photo_size[0]}x{photo_size[1]}, JPEG median "
            f"{statistics.median(sizes) / 1e6:.2f} MB (generated in "
            f"{time.perf_counter() - started:.1f} s); thumbnails {size[0]}x{size[1]} "
            f"q{DEFAULT_QUALITY}; {options.repeat} repetitions"
        )

        # Wall-clock and CPU time: on a shared machine other processes inflate the wall clock.
        baseline_times: list[float] = []
        maker_times: list[float] = []
        baseline_cpu: list[float] = []
        maker_cpu: list[float] = []
        for repetition in range(options.repeat):
            baseline_dir = work / f"baseline-{repetition}"
            baseline_dir.mkdir()
            maker = ThumbnailMaker(work / f"out-{repetition}", size)  # empty: a cold build
            for source in sources:
                started, cpu = time.perf_counter(), time.process_time()
                baseline(source, baseline_dir / source.name, size, DEFAULT_QUALITY)
                baseline_times.append(time.perf_counter() - started)
                baseline_cpu.append(time.process_time() - cpu)
                started, cpu = time.perf_counter(), time.process_time()
                maker.make(source, origin=source.name)
                maker_times.append(time.perf_counter() - started)
                maker_cpu.append(time.process_time() - cpu)

        warm = ThumbnailMaker(work / "out-0", size)  # a rebuild: index and files exist
        warm_times = []
        for source in sources:
            started = time.perf_counter()
            warm.make(source, origin=source.name)
            warm_times.append(time.perf_counter() - started)
        assert warm.decoded == 0

        base_ms, ours_ms = median_ms(baseline_times), median_ms(maker_times)
        base_cpu, ours_cpu = median_ms(baseline_cpu), median_ms(maker_cpu)
        print("median per image                        wall ms    CPU ms")
        print(f"baseline (open + ImageOps.fit + save)  {base_ms:8.1f}  {base_cpu:8.1f}")
        print(f"ThumbnailMaker, cold                   {ours_ms:8.1f}  {ours_cpu:8.1f}")
        print(f"ThumbnailMaker, warm (cached)          {median_ms(warm_times):8.2f}")
        print(
            f"speed-up (baseline / cold)             {base_ms / ours_ms:7.2f}x  "
            f"{base_cpu / ours_cpu:7.2f}x   (target >= 2x)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
