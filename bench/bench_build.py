"""Build benchmark: cold build, rebuilds, thumbnails against plain Pillow, peak memory (issue 3).

Usage: python bench/bench_build.py --articles N [--repeat R] [--workers W] [--pool 20]
                                   [--sample 12] [--work DIR] [--keep]

Generates N article bundles (article.txt with front matter, breadcrumb, headline, caption,
body; an HLS video URL with its duration, so no video is rendered; one 3000x2000 JPEG each)
and times, each build in a fresh child process (its peak memory is the child's VmHWM):

* the cold build (empty output folder), per article;
* a rebuild after changing one article (its text edited, its mtime bumped), against the
  target of at most 5 % of the cold build;
* a rebuild with nothing changed;
* thumbnails per image on the bundles' own photos: ThumbnailMaker against the baseline of
  bench_thumbnails.py (Image.open + ImageOps.fit + save), one at a time and with a thread
  pool of W workers, against the target of at least 2x faster.

Photos: a pool of --pool distinct camera-like photos is generated once; each bundle gets a
pool photo with its own JPEG comment segment (COM) inserted after the start-of-image marker,
so every bundle's photo has distinct bytes (a distinct content hash and thumbnail name) at
the cost of a file copy. Medians are over --repeat repetitions (the cold build runs once per
--cold-repeat: at N=5,000 it takes many minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
# Run from a checkout without installing: the repository root holds packager and bench.
sys.path.insert(0, str(ROOT))

from bench.bench_thumbnails import baseline, make_photo  # noqa: E402
from packager.images import DEFAULT_QUALITY, ThumbnailMaker  # noqa: E402

PHOTO_SIZE = (3000, 2000)
THUMBNAIL_SIZE = (1280, 720)
BASE_URL = "https://cdn.example.com/channel/"
NEWEST = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
NOW = NEWEST + timedelta(hours=1)
REBUILD_TARGET = 0.05  # rebuild after one change: at most 5 % of the cold build
THUMBNAIL_TARGET = 2.0  # thumbnails at least 2x faster than the plain Pillow baseline
SECTIONS = ("Local", "Business", "Sports", "Politics", "Culture", "Science", "Weather", "World")
WORDS = (
    "council", "harbor", "budget", "ferry", "residents", "market", "bridge", "school",
    "transit", "police", "weather", "storm", "union", "contract", "mayor", "river", "festival",
    "museum", "library", "hospital", "station", "airport", "season", "team", "coach",
    "election", "vote", "tax", "housing", "rent", "park", "street", "crews", "repairs", "plan",
    "report", "week", "morning", "evening", "officials", "agreed", "announced", "said",
    "expected", "warned", "opened", "closed", "rose", "fell", "new", "old",
)  # fmt: skip


# --- photos and bundles ------------------------------------------------------------------


def photo_pool(folder: Path, count: int) -> list[bytes]:
    """`count` distinct 3000x2000 camera-like JPEGs (bench_thumbnails' generator), as bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    grain = Image.effect_noise(PHOTO_SIZE, 30).convert("RGB")
    pool = []
    for index in range(count):
        path = folder / f"pool-{index:02d}.jpg"
        make_photo(index, grain).save(path, "JPEG", quality=92)
        pool.append(path.read_bytes())
    return pool


def with_comment(jpeg: bytes, text: str) -> bytes:
    """The JPEG with a comment segment (FF FE) right after SOI: same pixels, distinct bytes."""
    assert jpeg[:2] == b"\xff\xd8", "not a JPEG"
    payload = text.encode("ascii")
    return jpeg[:2] + b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload + jpeg[2:]


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def article_text(index: int, revision: int = 0) -> str:
    rng = random.Random(index)
    date = NEWEST - timedelta(hours=index)
    section = SECTIONS[index % len(SECTIONS)]
    paragraphs = [
        " ".join(sentence(rng, rng.randrange(8, 20)) for _ in range(rng.randrange(2, 5)))
        for _ in range(rng.randrange(4, 8))
    ]
    if revision:
        paragraphs.append(f"Updated: this story was revised ({revision}).")
    headline = sentence(rng, 8).rstrip(".") + f" ({index})"
    return (
        "---\n"
        f"date: {date.strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
        f"video: https://cdn.example.com/hls/story-{index:05d}/master.m3u8\n"
        f"duration: {60 + index % 240}\n"
        f"tags: {rng.choice(WORDS)}, {rng.choice(WORDS)}\n"
        "---\n"
        f"News / {section}\n\n"
        f"{headline}\n\n"
        f"{sentence(rng, 10).rstrip('.')}. (Bench photo)\n\n" + "\n\n".join(paragraphs) + "\n"
    )


def write_bundles(articles_dir: Path, count: int, pool: list[bytes]) -> list[Path]:
    folders = []
    for index in range(count):
        folder = articles_dir / f"story-{index:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "article.txt").write_text(article_text(index), encoding="utf-8")
        photo = with_comment(pool[index % len(pool)], f"bench bundle {index}")
        (folder / "photo.jpg").write_bytes(photo)
        folders.append(folder)
    return folders


def change_article(folder: Path, index: int, revision: int) -> None:
    """Edit the article's text and move its mtime forward, as an editor's save would."""
    path = folder / "article.txt"
    path.write_text(article_text(index, revision), encoding="utf-8")
    stat = path.stat()
    later = stat.st_mtime_ns + (revision + 1) * 1_000_000_000
    os.utime(path, ns=(later, later))


# --- the build, in a child process ---------------------------------------------------------


def vm_status(key: str) -> int:
    """A /proc/self/status figure in KiB (VmHWM: this process's own peak resident memory)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def child_build(articles: Path, out: Path, workers: int | None) -> None:
    """Run one build and print its figures as JSON (the --child entry point)."""
    from packager.build import build_feed
    from packager.config import ChannelConfig

    config = ChannelConfig(provider_name="Bench News", base_url=BASE_URL)
    before_kib = vm_status("VmRSS")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    if workers is None:
        result = build_feed([articles], out, config, now=NOW)
    else:
        result = build_feed([articles], out, config, now=NOW, workers=workers)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    figures = {
        "wall": wall,
        "cpu": (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime),
        "rss_before_kib": before_kib,
        "peak_kib": vm_status("VmHWM"),
        "processed": result.prepared,
        "reused": result.reused,
        "skipped": len(result.skipped),
        "feed_written": result.feed_written,
        "items": result.item_counts,
    }
    print(json.dumps(figures))


def run_build(articles: Path, out: Path, workers: int | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", str(articles), str(out)]
    if workers is not None:
        command += ["--workers", str(workers)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"build failed (exit {done.returncode}):\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if not figures["feed_written"] or figures["skipped"]:
        sys.exit(f"build did not give a clean feed: {figures}")
    return figures


# --- thumbnails against the baseline -------------------------------------------------------


def make_thumbnail(maker: ThumbnailMaker, source: Path) -> None:
    maker.make(source, origin=str(source))


def time_thumbnails(sources: list[Path], work: Path, repeat: int, workers: int) -> dict[str, float]:
    """Median seconds per image: baseline and ThumbnailMaker one at a time (interleaved), and
    both with a pool of `workers` threads (total wall time / images)."""
    base_times: list[float] = []
    ours_times: list[float] = []
    base_pool: list[float] = []
    ours_pool: list[float] = []
    for repetition in range(repeat):
        base_dir = work / f"baseline-{repetition}"
        base_dir.mkdir(parents=True)
        maker = ThumbnailMaker(work / f"ours-{repetition}", THUMBNAIL_SIZE)
        for source in sources:
            started = time.perf_counter()
            baseline(
                source, base_dir / f"{source.parent.name}.jpg", THUMBNAIL_SIZE, DEFAULT_QUALITY
            )
            base_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            maker.make(source, origin=str(source))
            ours_times.append(time.perf_counter() - started)
        assert maker.decoded == len(sources)

        pool_dir = work / f"baseline-pool-{repetition}"
        pool_dir.mkdir()
        started = time.perf_counter()
        targets = [pool_dir / f"{source.parent.name}.jpg" for source in sources]
        with ThreadPoolExecutor(workers) as executor:
            list(
                executor.map(
                    baseline,
                    sources,
                    targets,
                    [THUMBNAIL_SIZE] * len(sources),
                    [DEFAULT_QUALITY] * len(sources),
                )
            )
        base_pool.append((time.perf_counter() - started) / len(sources))
        pooled = ThumbnailMaker(work / f"ours-pool-{repetition}", THUMBNAIL_SIZE)
        started = time.perf_counter()
        with ThreadPoolExecutor(workers) as executor:
            list(executor.map(partial(make_thumbnail, pooled), sources))
        ours_pool.append((time.perf_counter() - started) / len(sources))
        assert pooled.decoded == len(sources)
    return {
        "baseline": statistics.median(base_times),
        "ours": statistics.median(ours_times),
        "baseline_pool": statistics.median(base_pool),
        "ours_pool": statistics.median(ours_pool),
    }


# --- report ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="bundles (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="rebuild repetitions (default 3)")
    parser.add_argument("--cold-repeat", type=int, default=1, help="cold builds (default 1)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="build_feed's thumbnail threads (default: build_feed's own default)",
    )
    parser.add_argument("--pool", type=int, default=20, help="distinct photos (default 20)")
    parser.add_argument("--sample", type=int, default=12, help="photos timed for thumbnails")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--child", nargs=2, metavar=("ARTICLES", "OUT"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child_build(Path(options.child[0]), Path(options.child[1]), options.workers)
        return

    work = options.work or Path(tempfile.mkdtemp(prefix="bench-build-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        report(options, work)
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)


def report(options: argparse.Namespace, work: Path) -> None:
    count = options.articles
    started = time.perf_counter()
    pool = photo_pool(work / "pool", min(options.pool, count))
    pool_seconds = time.perf_counter() - started
    started = time.perf_counter()
    folders = write_bundles(work / "articles", count, pool)
    bundle_seconds = time.perf_counter() - started
    photo_mb = statistics.median(len(photo) for photo in pool) / 1e6
    print(
        f"{count} bundles, photos {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} JPEG (median {photo_mb:.2f} MB, "
        f"{len(pool)} distinct pictures, each bundle's bytes distinct); set-up "
        f"{pool_seconds:.0f} s photos + {bundle_seconds:.0f} s bundles; cpus={os.cpu_count()} "
        f"load={os.getloadavg()[0]:.1f}; build workers={options.workers or 'default'}",
        flush=True,
    )

    colds = []
    for repetition in range(options.cold_repeat):
        out = work / f"out-{repetition}"
        shutil.rmtree(out, ignore_errors=True)
        cold = run_build(work / "articles", out, options.workers)
        if cold["processed"] != count:
            sys.exit(f"cold build processed {cold['processed']} of {count} articles")
        colds.append(cold)
        print(
            f"  cold build {repetition + 1}: {cold['wall']:.1f} s wall, {cold['cpu']:.1f} s CPU, "
            f"peak {cold['peak_kib'] / 1024:.0f} MiB, items {cold['items']}",
            flush=True,
        )
    out = work / "out-0"
    unchanged = []
    changed = []
    for repetition in range(options.repeat):
        unchanged.append(run_build(work / "articles", out, options.workers))
        if unchanged[-1]["processed"] != 0:
            sys.exit(f"no-change rebuild processed {unchanged[-1]['processed']} articles")
        index = (repetition * 7919) % count
        change_article(folders[index], index, repetition + 1)
        changed.append(run_build(work / "articles", out, options.workers))
        if changed[-1]["processed"] != 1:
            sys.exit(f"one-change rebuild processed {changed[-1]['processed']} articles")

    sample = [folders[index] / "photo.jpg" for index in range(min(options.sample, count))]
    thumbs = time_thumbnails(sample, work / "thumbs", options.repeat, options.workers or 2)

    cold_wall = statistics.median(c["wall"] for c in colds)
    cold_cpu = statistics.median(c["cpu"] for c in colds)
    changed_wall = statistics.median(c["wall"] for c in changed)
    unchanged_wall = statistics.median(c["wall"] for c in unchanged)
    peak = max(c["peak_kib"] for c in colds + changed + unchanged) / 1024
    cold_peak = statistics.median(c["peak_kib"] for c in colds) / 1024
    rebuild_peak = max(c["peak_kib"] for c in changed + unchanged) / 1024
    start_rss = statistics.median(c["rss_before_kib"] for c in colds) / 1024
    share = changed_wall / cold_wall
    print(f"N = {count} articles                               median")
    print(
        f"cold build                    {cold_wall:9.1f} s   {cold_wall / count * 1000:7.1f} ms "
        f"per article ({cold_cpu / count * 1000:.1f} ms CPU)"
    )
    print(
        f"rebuild after one change      {changed_wall:9.2f} s   {share * 100:7.2f} % of cold "
        f"(target <= {REBUILD_TARGET * 100:.0f} %: {share / REBUILD_TARGET:.2f} of the allowance)"
    )
    print(
        f"rebuild with no change        {unchanged_wall:9.2f} s   "
        f"{unchanged_wall / cold_wall * 100:7.2f} % of cold"
    )
    ratio = thumbs["baseline"] / thumbs["ours"]
    pool_ratio = thumbs["baseline"] / thumbs["ours_pool"]
    workers = options.workers or 2
    print(
        f"thumbnail per image           {thumbs['ours'] * 1000:9.1f} ms   baseline "
        f"{thumbs['baseline'] * 1000:.1f} ms: {ratio:.2f}x (target >= {THUMBNAIL_TARGET:.0f}x: "
        f"{ratio / THUMBNAIL_TARGET:.2f} of it)"
    )
    print(
        f"thumbnails, {workers} threads           {thumbs['ours_pool'] * 1000:9.1f} ms/image   "
        f"{pool_ratio:.2f}x the sequential baseline; baseline with {workers} threads "
        f"{thumbs['baseline_pool'] * 1000:.1f} ms/image "
        f"({thumbs['baseline_pool'] / thumbs['ours_pool']:.2f}x)"
    )
    print(
        f"peak memory (VmHWM)           {peak:9.0f} MiB  cold {cold_peak:.0f} MiB, rebuilds "
        f"{rebuild_peak:.0f} MiB; {start_rss:.0f} MiB after imports"
    )


if __name__ == "__main__":
    main()
