"""Helpers shared by the publish tests' fixtures and tests (kept out of conftest so that
`conftest` name clashes between test folders cannot matter)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class HostUnderTest:
    """A publish target plus an independent view of what the server really holds."""

    kind: str
    target: str
    files: Callable[[], dict[str, bytes]]
    # A fresh, empty location on the same server: sub-folder or sub-prefix `name`.
    sub: Callable[[str], HostUnderTest] | None = None


def folder_files(root: Path) -> dict[str, bytes]:
    """Every file under `root` by relative POSIX name."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


class FaultMiddleware:
    """Counts HTTP requests; from request number `fail_from` on, answers 503 ("fail") or lets
    the server do the work and then breaks the answer ("drop"). `fail_from=None`: no faults."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.count = 0
        self.fail_from: int | None = None
        self.once = False
        self.mode = "fail"
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.lock:
            index = self.count
            self.count += 1
        faulty = self.fail_from is not None and (
            index == self.fail_from if self.once else index >= self.fail_from
        )
        if not faulty:
            return self.app(environ, start_response)
        if self.mode == "drop":
            # The server does the work; the client never hears back.
            body = b"".join(self.app(environ, lambda *a, **k: None))
            del body
            raise ConnectionAbortedError("fault injection: answer dropped")
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("503 Service Unavailable", [("Content-Length", "0")])
        return [b""]


@dataclass
class WebDavServer:
    root: Path
    url: str
    faults: FaultMiddleware


S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing-key-id",
    "AWS_SECRET_ACCESS_KEY": "testing-secret-Zx9",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.session.Session(
        aws_access_key_id=S3_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_ENV["AWS_SECRET_ACCESS_KEY"],
        region_name=S3_ENV["AWS_DEFAULT_REGION"],
    ).client("s3", endpoint_url=endpoint)
