"""Benchmark: the live host as the build cache. The example channel (examples/channel, 9
articles, 5 rendered videos) republished to a local folder, each run a fresh process:

  cold          empty build folder, empty host: everything is made and sent
  fresh, none   empty build folder (a fresh CI runner), nothing changed
  fresh, +1     empty build folder, one new text-only article

Prints the median wall time of `--runs` runs of each, the ratios to the cold run, what each
run made (articles prepared / taken from the host, videos rendered) and the asset files it
rewrote on the host (existing files whose bytes or modification time changed).

    python bench/bench_republish.py [--runs 3]

The machine may be shared: compare ratios within one run of this script, not across machines.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "channel"
NOW = "2026-12-01T00:00:00+00:00"
ASSET_FOLDERS = ("images/", "videos/", "captions/")
NEW_ARTICLE = """---
date: 2026-11-30T07:05:00Z
---
News / Local

Harbor lights festival returns

Boats, music and food stalls line the pier this weekend; organisers expect thousands of
visitors and the ferry adds late crossings on Saturday.
"""


@dataclass
class Run:
    """One republish: its time and what it did."""

    seconds: float
    status: str
    prepared: int
    from_host: int
    rendered: int
    uploaded: int
    rewritten: int


def _host_files(host: Path) -> dict[str, tuple[int, bytes]]:
    """Each asset on the host: (modification time, bytes)."""
    found = {}
    for path in host.rglob("*"):
        name = path.relative_to(host).as_posix()
        if path.is_file() and name.startswith(ASSET_FOLDERS):
            found[name] = (path.stat().st_mtime_ns, path.read_bytes())
    return found


def _rendered(out: Path) -> int:
    """Videos rendered into `out`: an MP4 with its rendered captions beside it (same name);
    a copied video has none."""
    return sum(
        1
        for video in out.glob("videos/*.mp4")
        if (out / "captions" / f"{video.stem}.vtt").is_file()
    )


def republish(channel: Path, host: Path, out: Path) -> Run:
    """Run `packager republish` in a fresh process from an empty build folder."""
    shutil.rmtree(out, ignore_errors=True)
    before = _host_files(host) if host.exists() else {}
    command = [sys.executable, "-m", "packager", "republish", "--to", str(host)]
    command += ["--out", str(out), "--now", NOW, "-o", "json"]
    started = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=channel,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"republish failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    report: dict[str, Any] = json.loads(done.stdout)
    after = _host_files(host)
    build = report["build"] or {}
    published = report["publish"] or {}
    return Run(
        seconds=seconds,
        status=report["status"],
        prepared=build.get("articlesProcessed", 0),
        from_host=build.get("articlesFromHost", 0),
        rendered=_rendered(out),
        uploaded=len(published.get("uploaded", [])),
        rewritten=sum(1 for name, facts in before.items() if after.get(name, facts) != facts),
    )


def scenario(name: str, runs: int, once: Any) -> list[Run]:
    done = []
    for number in range(1, runs + 1):
        run = once()
        done.append(run)
        print(
            f"  {name:<13} run {number}: {run.seconds:6.2f} s  {run.status:<10} "
            f"prepared {run.prepared}, from host {run.from_host}, rendered {run.rendered}, "
            f"uploaded {run.uploaded}, assets rewritten {run.rewritten}",
            flush=True,
        )
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (median shown)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-republish-") as scratch:
        root = Path(scratch)
        channel = root / "channel"
        shutil.copytree(EXAMPLE, channel)
        host, out = root / "host", root / "out"

        def cold() -> Run:
            shutil.rmtree(host, ignore_errors=True)
            return republish(channel, host, out)

        def fresh_with_one_more() -> Run:
            new = channel / "articles" / "10-harbor-lights"
            shutil.copytree(EXAMPLE / "articles" / "05-bridge-text-only", new)
            (new / "article.txt").write_text(NEW_ARTICLE, encoding="utf-8")
            try:
                return republish(channel, host, out)
            finally:  # back to the published state: republish without it, warm
                shutil.rmtree(new)
                republish(channel, host, root / "restore")

        print(f"example channel, {os.cpu_count()} CPUs (shared machine: figures vary)")
        colds = scenario("cold", args.runs, cold)
        nones = scenario("fresh, none", args.runs, lambda: republish(channel, host, out))
        ones = scenario("fresh, +1", args.runs, fresh_with_one_more)
    report(colds, nones, ones, rendered_videos=max(run.rendered for run in colds))


def report(colds: list[Run], nones: list[Run], ones: list[Run], rendered_videos: int) -> None:
    cold = statistics.median(run.seconds for run in colds)
    none = statistics.median(run.seconds for run in nones)
    one = statistics.median(run.seconds for run in ones)
    budget = cold / max(1, rendered_videos) + none
    print()
    print(f"cold                 median {cold:6.2f} s  ({rendered_videos} videos rendered)")
    print(
        f"fresh, no change     median {none:6.2f} s  = {none / cold:.1%} of cold "
        f"(target <= 10%)  {'OK' if none <= 0.10 * cold else 'MISSED'}"
    )
    print(
        f"fresh, +1 article    median {one:6.2f} s  = {one / cold:.1%} of cold; "
        f"target <= cold/{rendered_videos} + no-change = {budget:.2f} s  "
        f"{'OK' if one <= budget else 'MISSED'}"
    )
    rewritten = sum(run.rewritten for run in nones + ones)
    renders = sorted({run.rendered for run in ones})
    print(f"assets rewritten on the host in the fresh runs: {rewritten} (target 0)")
    print(f"videos rendered: no change {sorted({r.rendered for r in nones})}, +1 {renders}")


if __name__ == "__main__":
    main()
