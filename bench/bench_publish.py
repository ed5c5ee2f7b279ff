"""Benchmark: publish a 2,000-item channel to a local S3-compatible server (moto).

Prints requests and bytes the server received for: the first publish, a no-change republish
from a fresh copy (new modification times), and a one-article change; next to `aws s3 sync`
of the same folders (or, without the aws CLI, the same size+mtime sync logic on boto3).
Both are measured the same way: a WSGI middleware in front of moto counts every request and
its body bytes.

    python bench/bench_publish.py [--items 2000] [--aws /path/to/aws]
    python bench/bench_publish.py --plan-only [--items 20000]   # the pure plan, no host
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "publish"))

from publish_channel import write_channel  # noqa: E402

from packager.publish import publish  # noqa: E402
from packager.publish.base import RemoteFile  # noqa: E402

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "bench-key",
    "AWS_SECRET_ACCESS_KEY": "bench-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}
EXCLUDES = (".packager/*", "build-report.json")


class Counter:
    """WSGI middleware counting requests and request-body bytes."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests = 0
        self.bytes = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.lock:
            self.requests += 1
            self.bytes += int(environ.get("CONTENT_LENGTH") or 0)
        return self.app(environ, start_response)

    def snapshot(self) -> tuple[int, int]:
        with self.lock:
            return self.requests, self.bytes


def start_server() -> tuple[str, Counter, Any]:
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    counter = Counter(DomainDispatcherApplication(create_backend_app))
    server = make_server(
        "127.0.0.1", port, counter, threaded=True, request_handler=MotoRequestHandler
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", counter, server


def articles(count: int, changed: int | None = None) -> dict[str, str]:
    return {
        f"a{i:05d}": f"Story {i}: council news" + (" (updated)" if i == changed else "")
        for i in range(count)
    }


def measure(counter: Counter, action: Any) -> tuple[int, int, float]:
    requests, sent = counter.snapshot()
    start = time.perf_counter()
    action()
    elapsed = time.perf_counter() - start
    after_requests, after_sent = counter.snapshot()
    return after_requests - requests, after_sent - sent, elapsed


def aws_sync(aws: str, endpoint: str, source: Path, destination: str) -> None:
    command = [
        aws,
        "s3",
        "sync",
        str(source),
        destination,
        "--endpoint-url",
        endpoint,
        "--only-show-errors",
    ]
    for pattern in EXCLUDES:
        command += ["--exclude", pattern]
    subprocess.run(command, check=True, env=os.environ.copy())


def boto3_sync(endpoint: str, source: Path, destination: str) -> None:
    """What `aws s3 sync` does: list, then upload files whose size differs or that are newer."""
    import boto3

    bucket, _, prefix = destination.removeprefix("s3://").partition("/")
    client = boto3.client("s3", endpoint_url=endpoint)
    remote: dict[str, tuple[int, datetime]] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            remote[obj["Key"]] = (obj["Size"], obj["LastModified"])
    for path in sorted(source.rglob("*")):
        name = path.relative_to(source).as_posix()
        if not path.is_file() or name.startswith(".packager/") or name == "build-report.json":
            continue
        key = prefix + name
        info = path.stat()
        mtime = datetime.fromtimestamp(info.st_mtime, UTC)
        if key in remote and remote[key][0] == info.st_size and remote[key][1] >= mtime:
            continue
        client.upload_file(str(path), bucket, key)


def bench_plan(count: int) -> None:
    """Time the pure plan for `count` files: a current host, an empty one, one file changed."""
    from packager.publish.channel import LocalFile
    from packager.publish.manifest import Manifest
    from packager.publish.plan import HostState, PlanOptions, Probes, make_plan

    def file(name: str, salt: str = "") -> LocalFile:
        digest = hashlib.sha256((name + salt).encode()).hexdigest()
        return LocalFile(name, Path(name), 1000, digest, digest[:32])

    local = {f"images/{i:032x}.jpg": file(f"images/{i:032x}.jpg") for i in range(count)}
    feed = file("feed.json")
    manifest = Manifest(feed_sha256=feed.sha256, feed_version="v1")
    manifest.files = {name: f.entry for name, f in local.items()}
    current = HostState(manifest, "m1", None, RemoteFile(feed.size, "v1"))
    changed = dict(local)
    first = next(iter(local))
    changed[first] = file(first, "edited")
    options = PlanOptions(datetime(2026, 11, 2, tzinfo=UTC), timedelta(days=7))
    print(f"plan for {count:,} files (pure, no host):")
    for label, state, files in [
        ("host current", current, local),
        ("empty host", HostState(), local),
        ("one file changed", current, changed),
    ]:
        start = time.perf_counter()
        plan = make_plan(files, feed, state, Probes(), options)
        elapsed = time.perf_counter() - start
        print(f"  {label:<18} {len(plan.operations):>7,} operations {elapsed * 1000:>8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--aws", default=shutil.which("aws") or "", help="path to the aws CLI")
    parser.add_argument("--plan-only", action="store_true", help="time the pure plan only")
    args = parser.parse_args()
    if args.plan_only:
        bench_plan(args.items)
        return
    os.environ.update(CREDENTIALS)
    endpoint, counter, server = start_server()
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    import boto3

    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="bench-channel")
    now = datetime(2026, 11, 2, tzinfo=UTC)
    rows: list[tuple[str, str, int, int, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)

        def build(name: str, changed: int | None = None) -> Path:
            return write_channel(work / name, articles(args.items, changed), with_video=False)

        first_dir = build("first")
        files = sum(1 for p in first_dir.rglob("*") if p.is_file()) - 2
        size = sum(p.stat().st_size for p in first_dir.rglob("*") if p.is_file())
        print(f"channel: {args.items} items, {files} files to publish, {size:,} bytes")

        target = "s3://bench-channel/packager/"
        steps = [
            ("first publish", lambda: publish(first_dir, target, now=now)),
            ("no-change republish (fresh copy)", lambda: publish(build("again"), target, now=now)),
            (
                "one article changed (fresh copy)",
                lambda: publish(build("changed", changed=7), target, now=now + timedelta(hours=1)),
            ),
        ]
        for label, action in steps:
            rows.append(("packager publish", label, *measure(counter, action)))

        destination = "s3://bench-channel/aws-sync/"
        if args.aws:
            tool = "aws s3 sync"

            def sync(source: Path) -> None:
                aws_sync(args.aws, endpoint, source, destination)
        else:
            tool = "boto3 sync (size+mtime)"

            def sync(source: Path) -> None:
                boto3_sync(endpoint, source, destination)

        sync_steps = [
            ("first publish", lambda: sync(build("s-first"))),
            ("no-change republish (fresh copy)", lambda: sync(build("s-again"))),
            ("one article changed (fresh copy)", lambda: sync(build("s-changed", changed=7))),
        ]
        for label, action in sync_steps:
            time.sleep(1.1)  # a fresh copy is newer than what was uploaded, as in CI
            rows.append((tool, label, *measure(counter, action)))
    server.shutdown()
    print(f"{'tool':<26} {'step':<34} {'requests':>9} {'bytes sent':>13} {'seconds':>8}")
    for tool_name, label, requests, sent, seconds in rows:
        print(f"{tool_name:<26} {label:<34} {requests:>9,} {sent:>13,} {seconds:>8.2f}")


if __name__ == "__main__":
    main()
