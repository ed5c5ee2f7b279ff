"""Serving a preview on 127.0.0.1: the page and its assets, and the output folder's files the
feed names (by the relative paths the page uses, so media plays over HTTP as it does from
file://). Nothing else: no directory listings, no build state, and no answer to a request
whose Host header is not this server (a DNS-rebinding page must not read the preview)."""

from __future__ import annotations

import functools
import io
import os
import posixpath
import threading
from collections.abc import Iterable
from http import HTTPStatus
from http.server import HTTPServer, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from packager.errors import InputError
from packager.preview.page import ASSET_DIR, ASSET_FILES, PAGE_NAME

PAGE_FILES = frozenset({PAGE_NAME, *(f"{ASSET_DIR}/{name}" for name in ASSET_FILES)})
NOT_SERVED = ".not-served"  # a name no preview folder holds: translate_path's "404"
LOCAL_HOSTS = ("127.0.0.1", "localhost")


class PreviewRequestHandler(SimpleHTTPRequestHandler):
    """Serves the page's own files from `directory` (the preview folder), then the files of
    `local_root` listed in `local_names` under the prefix the page's relative paths resolve
    to; every other path is 404, and a foreign Host header is 421."""

    local_root: Path | None = None
    local_prefix = "/"
    local_names: frozenset[str] | None = None  # None: every file but hidden ones

    def do_GET(self) -> None:
        if self._host_allowed():
            super().do_GET()

    def do_HEAD(self) -> None:
        if self._host_allowed():
            super().do_HEAD()

    def _host_allowed(self) -> bool:
        port = self.server.server_port if isinstance(self.server, HTTPServer) else 0
        host = (self.headers.get("Host") or "").strip().lower()
        if host in {f"{name}:{port}" for name in LOCAL_HOSTS}:
            return True
        self.send_error(
            HTTPStatus.MISDIRECTED_REQUEST,
            "this preview answers only to 127.0.0.1 and localhost on its own port",
        )
        return False

    def translate_path(self, path: str) -> str:
        directory = Path(self.directory)
        clean = posixpath.normpath(unquote(urlsplit(path).path))
        if "\x00" in clean:  # /%00: no file has such a name (and resolve() would raise)
            return str(directory / NOT_SERVED)
        name = "" if clean == "/" else clean.lstrip("/")
        if not name or name in PAGE_FILES:
            return str(directory / (name or PAGE_NAME))
        local = self._local_file(clean)
        return str(local) if local is not None else str(directory / NOT_SERVED)

    def _local_file(self, clean: str) -> Path | None:
        if self.local_root is None:
            return None
        prefix = self.local_prefix.rstrip("/") + "/"
        if not clean.startswith(prefix):
            return None
        name = clean[len(prefix) :]
        if self.local_names is not None:
            allowed = name in self.local_names
        else:
            allowed = bool(name) and not any(part.startswith(".") for part in name.split("/"))
        candidate = (self.local_root / name).resolve()
        if allowed and candidate.is_file() and candidate.is_relative_to(self.local_root.resolve()):
            return candidate
        return None

    def list_directory(self, path: str | os.PathLike[str]) -> io.BytesIO | None:
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

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
    """A preview served on 127.0.0.1 in a background thread; `url` is the page's address.

    `local_names` are the files of `local_root` it serves (relative POSIX names: the ones the
    feed names, `PreviewResult.served_names`); without it, every file there except hidden ones
    (build state)."""

    def __init__(
        self,
        page_dir: Path,
        local_root: Path | None = None,
        port: int = 0,
        *,
        local_names: Iterable[str] | None = None,
    ) -> None:
        attributes: dict[str, Any] = {
            "local_root": local_root,
            "local_names": None if local_names is None else frozenset(local_names),
        }
        if local_root is not None:
            attributes["local_prefix"] = local_prefix(page_dir, local_root)
        handler = type("BoundPreviewHandler", (PreviewRequestHandler,), attributes)
        factory = functools.partial(handler, directory=str(page_dir))
        try:
            self._server = ThreadingHTTPServer(("127.0.0.1", port), factory)
        except OSError as exc:  # the port is taken, or below 1024 without the right
            raise InputError(
                f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}",
                location="--port",
                hint="choose another --port, or leave it out (any free port)",
            ) from exc
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
