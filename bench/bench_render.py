"""Benchmark: rendering a typical article (about 60 s of 720p video), before and after.

Run from the repository root:
    python bench/bench_render.py [--repeats 3] [--baseline 583e287] [--preset veryfast]

Each render runs in a fresh process, alternating between this checkout and the renderer of
the `--baseline` git revision (its `packager/` extracted with `git archive`), so both meet
the same machine load. Prints the median wall and CPU time (ffmpeg and espeak-ng included)
of each, the speed-up, whether two renders of this checkout are byte-identical, how close
the two renderers' pictures are (SSIM over every frame, and the mean absolute difference of
a few frames), and the time of an unchanged rebuild. Target (issue 15): at most 0.25x real
time for a 60 s video at 1280x720, the same look, the same determinism.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from PIL import Image as PilImage
from PIL import ImageChops, ImageDraw, ImageFilter, ImageStat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from packager.video.ffmpeg import ffmpeg_exe  # noqa: E402
from packager.video.narration import find_tts  # noqa: E402

SEED = ROOT.parent / "shared/seed/000_ea0fa2e06869f8ed.txt"
DEFAULT_BASELINE = "583e287"  # the last revision with the single-pass renderer
FRAME_TIMES = (2.0, 10.0, 20.0, 30.0, 45.0, 58.0)

# Runs in a fresh interpreter whose sys.path starts with the code under test.
WORKER = """
import json, sys, time
from datetime import datetime
code, spec = sys.argv[1], json.loads(sys.argv[2])
sys.path.insert(0, code)
from pathlib import Path
from packager.model import Article, Image
from packager.video import RenderOptions, render_article_video
a = spec["article"]
article = Article(
    id=a["id"], title=a["title"], origin=a["origin"], section_path=tuple(a["section_path"]),
    body=tuple(a["body"]), published=datetime.fromisoformat(a["published"]),
    language="en", images=tuple(Image(*image) for image in a["images"]),
)
options = RenderOptions(size=tuple(spec["size"]), preset=spec["preset"],
                        summary_words=spec["summary_words"])
photos = [Path(p) for p in spec["photos"]]
result = render_article_video(article, photos, Path(spec["out"]), options, channel_name="Bench TV")
started = time.perf_counter()
for _ in range(20):
    again = render_article_video(article, photos, Path(spec["out"]), options, channel_name="Bench TV")
    assert again.reused
rebuild = (time.perf_counter() - started) / 20
print(json.dumps({"video": result.video_path, "duration": result.duration_seconds,
                  "kbps": result.bitrate_kbps, "rebuild": rebuild}))
"""


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


def typical_article() -> dict[str, object]:
    """The seed article: headline, breadcrumb, two captioned photos and its opening paragraphs."""
    paragraphs = [line.strip() for line in SEED.read_text().splitlines() if line.strip()]
    return {
        "id": "bench",
        "title": paragraphs[1],
        "origin": str(SEED),
        "section_path": [part.strip() for part in paragraphs[0].split("/")],
        "body": paragraphs[4:12],
        "published": "2022-01-27T00:00:00+00:00",
        "images": [
            ["a.jpg", paragraphs[2].removesuffix("(AFP photo)"), "AFP"],
            ["b.jpg", paragraphs[3].removesuffix("(Reuters photo)"), "Reuters"],
        ],
    }


def extract_baseline(revision: str, folder: Path) -> Path:
    """The `packager/` package of `revision`, unpacked into `folder`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "packager"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def render(code: Path, spec: dict[str, object]) -> dict[str, float | str]:
    """One render in a fresh process: its wall and CPU time (children included)."""
    before, started = os.times(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(code), json.dumps(spec)],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    after = os.times()
    result: dict[str, float | str] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    result["cpu"] = (after.children_user + after.children_system) - (
        before.children_user + before.children_system
    )
    return result


def ssim(first: Path, second: Path) -> str:
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(first), "-i", str(second)]
    command += ["-lavfi", "[0:v][1:v]ssim", "-f", "null", "-"]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"SSIM (Y:\S+).*?(All:\S+)", done.stderr)
    return f"{found.group(1)} {found.group(2)}" if found else "?"


def frame(video: Path, seconds: float) -> PilImage.Image:
    command = [ffmpeg_exe(), "-v", "error", "-ss", f"{seconds}", "-i", str(video)]
    command += ["-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "-"]
    done = subprocess.run(
        command,
        capture_output=True,
        check=True,
    )
    return PilImage.open(io.BytesIO(done.stdout)).convert("RGB")


def mean_difference(first: Path, second: Path, seconds: float) -> float:
    """Mean absolute difference of one frame, in 0-255 levels over all channels."""
    stat = ImageStat.Stat(ImageChops.difference(frame(first, seconds), frame(second, seconds)))
    return statistics.fmean(stat.mean)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help="git revision to compare")
    parser.add_argument("--preset", default="veryfast")
    parser.add_argument("--summary-words", type=int, default=60, help="about 60 s of video")
    parser.add_argument("--size", choices=["720p", "1080p"], default="720p")
    args = parser.parse_args()
    size = (1280, 720) if args.size == "720p" else (1920, 1080)
    print(
        f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f} preset={args.preset} "
        f"size={size[0]}x{size[1]} narration={'espeak-ng' if find_tts() else 'silent'} "
        f"baseline={args.baseline}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        codes = {"before": extract_baseline(args.baseline, work / "baseline"), "after": ROOT}
        photos = [photo(work / "a.jpg", 1, (1600, 1067)), photo(work / "b.jpg", 2, (1400, 934))]
        runs: dict[str, list[dict[str, float | str]]] = {"before": [], "after": []}
        outputs: dict[str, list[Path]] = {"before": [], "after": []}
        for n in range(args.repeats):
            for name, code in codes.items():
                out = work / f"{name}-{n}"
                spec = {
                    "article": typical_article(),
                    "photos": [str(p) for p in photos],
                    "out": str(out),
                    "size": list(size),
                    "preset": args.preset,
                    "summary_words": args.summary_words,
                }
                result = render(code, spec)
                runs[name].append(result)
                outputs[name].append(out / str(result["video"]))
                print(
                    f"  {name} {n + 1}: {result['wall']:.2f} s wall, {result['cpu']:.2f} s CPU "
                    f"for {result['duration']:.2f} s of video ({result['kbps']} kb/s)"
                )
        report(runs, outputs)


def report(runs: dict[str, list[dict[str, float | str]]], outputs: dict[str, list[Path]]) -> None:
    medians = {}
    for name, results in runs.items():
        wall = statistics.median(float(r["wall"]) for r in results)
        cpu = statistics.median(float(r["cpu"]) for r in results)
        video = statistics.median(float(r["duration"]) for r in results)
        rebuild = statistics.median(float(r["rebuild"]) for r in results)
        medians[name] = (wall, cpu)
        size = outputs[name][0].stat().st_size
        print(
            f"{name:>6}: median {wall:.2f} s wall ({wall / video:.2f}x real time), "
            f"{cpu:.2f} s CPU ({cpu / video:.2f}x); {size / 1e6:.2f} MB; "
            f"unchanged rebuild {rebuild * 1000:.1f} ms"
        )
    (wall_before, cpu_before), (wall_after, cpu_after) = medians["before"], medians["after"]
    print(
        f"speed-up: {wall_before / wall_after:.2f}x wall, {cpu_before / cpu_after:.2f}x CPU "
        "(target: after at most 0.25x real time)"
    )
    for name, paths in outputs.items():
        same = len({p.read_bytes() for p in paths}) == 1
        print(f"{name} renders byte-identical across {len(paths)} runs: {same}")
    before, after = outputs["before"][0], outputs["after"][0]
    print(f"look, SSIM after vs before over every frame: {ssim(before, after)}")
    differences = ", ".join(
        f"{t:.0f} s: {mean_difference(before, after, t):.2f}" for t in FRAME_TIMES
    )
    print(f"look, mean absolute difference of frames (0-255): {differences}")


if __name__ == "__main__":
    main()
