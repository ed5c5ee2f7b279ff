"""Serving a preview on 127.0.0.1: the preview folder, and the output folder's files the page
names by relative paths (so media plays over HTTP as it does from file://)."""

from __future__ import annotations

import functools
import posixpath
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit


class PreviewRequestHandler(SimpleHTTPRequestHandler):
    """Serves `directory` (the preview) at /, then falls back to `local_root` under the prefix
    the page's relative paths resolve to; never a file outside those two folders."""

    local_root: Path | None = None
    local_prefix = "/"

    def translate_path(self, path: str) -> str:
        served = super().translate_path(path)
        if Path(served).exists() or self.local_root is None:
            return served
        clean = posixpath.normpath(unquote(urlsplit(path).path))
        prefix = self.local_prefix.rstrip("/") + "/"
        if not clean.startswith(prefix):
            return served
        candidate = (self.local_root / clean[len(prefix) :]).resolve()
        if candidate.is_relative_to(self.local_root.resolve()):
            return str(candidate)
        return served

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the command prints the URL, not every request

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def local_prefix(page_dir: Path, local_root: Path) -> str:
    """The URL path a browser requests for a file of `local_root` named relative to a page at
    the server's root: "../images/a.jpg" → "/images/a.jpg" (leading ".." stop at the root)."""
    relative = Path(posixpath.relpath(local_root.resolve(), page_dir.resolve())).as_posix()
    return posixpath.normpath("/" + relative)


class PreviewServer:
    """A preview served on 127.0.0.1 in a background thread; `url` is the page's address."""

    def __init__(self, page_dir: Path, local_root: Path | None = None, port: int = 0) -> None:
        attributes: dict[str, Any] = {"local_root": local_root}
        if local_root is not None:
            attributes["local_prefix"] = local_prefix(page_dir, local_root)
        handler = type("BoundPreviewHandler", (PreviewRequestHandler,), attributes)
        factory = functools.partial(handler, directory=str(page_dir))
        self._server = ThreadingHTTPServer(("127.0.0.1", port), factory)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def start(self) -> PreviewServer:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
