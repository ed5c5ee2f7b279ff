"""Benchmark: rendering a typical article (about 60 s of 720p video) and an unchanged rebuild.

Run from the repository root:  python bench/bench_render.py [--repeats 3] [--preset veryfast]
Targets (issue 7): render no slower than real time; an unchanged rebuild close to zero.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image as PilImage
from PIL import ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from packager.model import Article, Image
from packager.video import RenderOptions, render_article_video
from packager.video.narration import find_tts

SEED = Path(__file__).resolve().parent.parent.parent / "shared/seed/000_ea0fa2e06869f8ed.txt"


def photo(path: Path, seed: int, size: tuple[int, int]) -> Path:
    """A photo-like picture: soft shapes plus sensor-like noise (harder to encode than flat art)."""
    image = PilImage.new("RGB", size, (90 + seed * 30, 110, 140))
    draw = ImageDraw.Draw(image)
    for i in range(40):
        x = (i * 197 + seed * 61) % size[0]
        y = (i * 131 + seed * 17) % size[1]
        draw.ellipse([x, y, x + 220, y + 160], fill=((i * 37) % 255, (i * 71) % 255, 120))
    image = image.filter(ImageFilter.GaussianBlur(8))
    noise = PilImage.effect_noise(size, 24).convert("RGB")
    PilImage.blend(image, noise, 0.12).save(path, quality=88)
    return path


def typical_article() -> Article:
    """The seed article: headline, breadcrumb, two captioned photos and its opening paragraphs."""
    paragraphs = [line.strip() for line in SEED.read_text().splitlines() if line.strip()]
    return Article(
        id="bench",
        title=paragraphs[1],
        origin=str(SEED),
        section_path=tuple(part.strip() for part in paragraphs[0].split("/")),
        body=tuple(paragraphs[4:12]),
        published=datetime(2022, 1, 27, tzinfo=UTC),
        language="en",
        images=(
            Image("a.jpg", caption=paragraphs[2].removesuffix("(AFP photo)"), credit="AFP"),
            Image("b.jpg", caption=paragraphs[3].removesuffix("(Reuters photo)"), credit="Reuters"),
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--preset", default=RenderOptions().preset)
    parser.add_argument("--summary-words", type=int, default=60, help="about 60 s of video")
    parser.add_argument("--size", choices=["720p", "1080p"], default="720p")
    args = parser.parse_args()

    size = (1280, 720) if args.size == "720p" else (1920, 1080)
    options = replace(RenderOptions(), size=size, preset=args.preset)
    options = replace(options, summary_words=args.summary_words)
    article = typical_article()
    tts = find_tts()
    print(
        f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f} preset={args.preset} "
        f"size={size[0]}x{size[1]} narration={'espeak-ng' if tts else 'silent'}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        photos = [photo(work / "a.jpg", 1, (1600, 1067)), photo(work / "b.jpg", 2, (1400, 934))]
        renders, durations = [], []
        for n in range(args.repeats):
            out = work / f"out{n}"
            started = time.perf_counter()
            result = render_article_video(article, photos, out, options, channel_name="Bench TV")
            renders.append(time.perf_counter() - started)
            durations.append(result.duration_seconds)
            print(
                f"  render {n + 1}: {renders[-1]:.2f} s for {result.duration_seconds:.2f} s "
                f"of video ({result.bitrate_kbps} kb/s)"
            )
        rebuilds = []
        for _ in range(20):
            started = time.perf_counter()
            again = render_article_video(
                article, photos, work / "out0", options, channel_name="Bench TV"
            )
            rebuilds.append(time.perf_counter() - started)
            assert again.reused
    render = statistics.median(renders)
    video = statistics.median(durations)
    rebuild = statistics.median(rebuilds)
    print(
        f"render median: {render:.2f} s for {video:.2f} s of video "
        f"-> {render / video:.2f}x real time (target < 1.0)"
    )
    print(
        f"unchanged rebuild median: {rebuild * 1000:.1f} ms -> {rebuild / render:.5f} of a render"
    )


if __name__ == "__main__":
    main()
