"""Benchmark `packager validate` against check-jsonschema and json.load, on a valid feed and on
an invalid one.

Run: `python bench/bench_validate.py [--items 20000] [--repeat 5] [--invalid-items 1450]`.

- valid: a 20,000-item feed; medians, ratios to the baselines, and the peak memory of
  validation relative to the file size. Targets (issue 2): >= 10x faster than
  check-jsonschema, <= 3x a bare json.load, peak memory <= 5x the file size.
Both command lines run with a warm bytecode cache (see `bytecode_env`), as installed packages
do; the invalid scenario also prints packager's figure compiling every module from source.

- invalid: a ~2 MB feed broken the way real generators break feeds (genres inside content,
  durations as strings, releaseDate not a date, null bitrates; >= 4,000 schema errors), CPU
  time (user + system) of each command. Target (issue 13): <= 1/5 of check-jsonschema's CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from make_feed import make_feed  # noqa: E402

from packager.schemas import FEED_SCHEMA, schema_path  # noqa: E402

# Peak memory from /proc (VmHWM starts afresh at exec; ru_maxrss would inherit the parent's).
MEMORY_PROBE = """
import sys, json
sys.path.insert(0, {repo!r})
from packager.validate import validate_feed, _feed_schema
_feed_schema().compiled  # compile before measuring, like a warm CLI

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024

before = status("VmRSS:")
{work}
print(status("VmHWM:") - before)
"""


def median_cpu_seconds(command: list[str], repeat: int, env: dict[str, str] | None = None) -> float:
    """The median user + system CPU time of `command` (a child process), start-up included."""
    times = []
    for _ in range(repeat):
        before = _children_cpu()
        subprocess.run(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env
        )
        times.append(_children_cpu() - before)
    return statistics.median(times)


def _children_cpu() -> float:
    """CPU seconds of the finished children, to the microsecond (os.times counts 10 ms ticks)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bytecode_env(folder: Path, *commands: list[str]) -> dict[str, str]:
    """An environment in which Python keeps compiled bytecode (in `folder`, not beside the
    sources), warmed by one run of each command: the state of an installed package, whose
    .pyc files pip writes. Without it (PYTHONDONTWRITEBYTECODE, as in some sandboxes) every
    packager module is compiled from source at each start, while check-jsonschema's
    site-packages hold their .pyc already."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    for command in commands:
        subprocess.run(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env
        )
    return env


def no_bytecode_env() -> dict[str, str]:
    """An environment in which every module is compiled from source at each start."""
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}


def loads_gc_paused(feed: Path) -> object:
    """`json.loads` of `feed` with the cyclic garbage collector paused, as validate_feed does."""
    import gc

    gc.disable()
    try:
        return json.loads(feed.read_bytes())
    finally:
        gc.enable()


def median_inprocess_cpu(work: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()  # type: ignore[operator]
        times.append(time.process_time() - start)
    return statistics.median(times)


def make_invalid_feed(count: int) -> dict[str, object]:
    """A feed of `count` items, each broken as real generator output is (see tests/unit/validate/real):
    genres inside content (applerulesall2023), the duration as a string and a releaseDate that is
    not a date (mlassoff), a null bitrate (heritagecoc): 4 schema failures per item."""
    feed = make_feed(count)
    for index, item in enumerate(feed["shortFormVideos"]):  # type: ignore[attr-defined]
        item["content"]["genres"] = item.pop("genres")
        item["content"]["duration"] = str(item["content"]["duration"])
        item["releaseDate"] = f"2026/01/0{1 + index % 9}"
        item["content"]["videos"][0]["bitrate"] = None
    return feed


def bench_invalid(items: int, repeat: int, baseline_repeat: int) -> None:
    from packager.validate import validate_feed

    with tempfile.TemporaryDirectory() as folder:
        feed = Path(folder) / "invalid.json"
        feed.write_text(json.dumps(make_invalid_feed(items), indent=1), encoding="utf-8")
        size = feed.stat().st_size
        result = validate_feed(feed)
        from packager.validate import _feed_schema

        schema_problems = len(_feed_schema().check(json.loads(feed.read_text(encoding="utf-8"))))
        print(
            f"invalid feed: {items:,} items, {size / 1e6:.2f} MB, {len(result.errors):,} errors "
            f"+ {len(result.warnings):,} warnings ({schema_problems:,} from the schema)"
        )
        ours = median_inprocess_cpu(lambda: validate_feed(feed), repeat)
        packager_cli = [sys.executable, "-m", "packager", "validate", str(feed)]
        check_cli = [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--schemafile",
            str(schema_path(FEED_SCHEMA)),
            str(feed),
        ]
        env = bytecode_env(Path(folder), packager_cli, check_cli)
        cli = median_cpu_seconds(packager_cli, repeat, env)
        cli_source = median_cpu_seconds(packager_cli, repeat, no_bytecode_env())
        check = median_cpu_seconds(check_cli, baseline_repeat, env)
    print(f"{'measure (CPU, user + system)':<42}{'median s':>10}{'ratio':>10}")
    print(f"{'check-jsonschema (CLI, our schema)':<42}{check:>10.3f}{1:>10.2f}")
    print(
        f"{'packager validate (CLI, incl. start-up)':<42}{cli:>10.3f}{cli / check:>10.2f}"
        "  x check-jsonschema (target <= 0.20)"
    )
    print(
        f"{'  same, compiling every module (no .pyc)':<42}{cli_source:>10.3f}"
        f"{cli_source / check:>10.2f}"
    )
    print(f"{'validate_feed (in-process)':<42}{ours:>10.3f}{ours / check:>10.2f}")


def peak_extra_bytes(work: str) -> int:
    probe = MEMORY_PROBE.format(repo=str(HERE.parent), work=work)
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return int(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--compact",
        action="store_true",
        help="write the feed without indentation (smaller file, same data)",
    )
    parser.add_argument(
        "--invalid-items",
        type=int,
        default=1450,
        help="items in the invalid feed (1450 make about 2 MB and 5,800 schema failures)",
    )
    parser.add_argument(
        "--only",
        choices=("valid", "invalid"),
        help="run one of the two benchmarks",
    )
    parser.add_argument(
        "--baseline-repeat",
        type=int,
        default=1,
        help="runs of check-jsonschema (slow; the median of these is used)",
    )
    args = parser.parse_args()
    if args.only != "valid":
        bench_invalid(args.invalid_items, max(3, args.repeat), max(3, args.baseline_repeat))
    if args.only != "invalid":
        bench_valid(args)


def bench_valid(args: argparse.Namespace) -> None:
    from packager.validate import validate_feed

    with tempfile.TemporaryDirectory() as folder:
        feed = Path(folder) / "feed.json"
        indent = None if args.compact else 1
        feed.write_text(json.dumps(make_feed(args.items), indent=indent), encoding="utf-8")
        size = feed.stat().st_size
        print(f"feed: {args.items:,} items, {size / 1e6:.1f} MB")

        result = validate_feed(feed)
        assert result.ok, result.errors[:3]

        # CPU time (user + system), not wall time: the machine may be shared, and CPU is what
        # the targets compare.
        load = median_inprocess_cpu(lambda: json.loads(feed.read_bytes()), args.repeat)
        load_paused = median_inprocess_cpu(lambda: loads_gc_paused(feed), args.repeat)
        ours = median_inprocess_cpu(lambda: validate_feed(feed), args.repeat)
        packager_cli = [sys.executable, "-m", "packager", "validate", str(feed)]
        check_cli = [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--schemafile",
            str(schema_path(FEED_SCHEMA)),
            str(feed),
        ]
        tiny = Path(folder) / "tiny.json"  # warms check-jsonschema's imports in a moment
        tiny.write_text("{}", encoding="utf-8")
        env = bytecode_env(Path(folder), packager_cli, [*check_cli[:-1], str(tiny)])
        cli = median_cpu_seconds(packager_cli, args.repeat, env)
        check = median_cpu_seconds(check_cli, args.baseline_repeat, env)
        load_memory = peak_extra_bytes(f"json.loads(open({str(feed)!r}, 'rb').read())")
        memory = peak_extra_bytes(f"validate_feed({str(feed)!r})")

    print(f"{'measure (CPU, user + system)':<42}{'median s':>10}{'ratio':>10}")
    print(f"{'json.loads (bare, in-process)':<42}{load:>10.3f}{1:>10.2f}")
    print(
        f"{'validate_feed (in-process)':<42}{ours:>10.3f}{ours / load:>10.2f}  x json.loads (target <= 3)"
    )
    print(
        f"{'  (json.loads with the cyclic GC paused':<42}{load_paused:>10.3f}"
        f"{ours / load_paused:>10.2f}  x: validate_feed pauses it too)"
    )
    print(f"{'packager validate (CLI, incl. start-up)':<42}{cli:>10.3f}")
    print(
        f"{'check-jsonschema (CLI, our schema)':<42}{check:>10.3f}{check / cli:>10.1f}  x slower than packager CLI (target >= 10)"
    )
    print(
        f"peak extra memory: validate {memory / 1e6:.0f} MB = {memory / size:.2f}x file size "
        f"(target <= 5); bare json.loads {load_memory / 1e6:.0f} MB = {load_memory / size:.2f}x"
    )


if __name__ == "__main__":
    main()
