"""A small HTTP server on 127.0.0.1 for tests: canned routes, request counting, ETags."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What the server answers for one path."""

    body: bytes | Callable[[], Iterable[bytes]] = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: bool = True  # answer If-None-Match with 304


class LocalServer:
    """ThreadingHTTPServer in a thread; `requests` counts (path, status) pairs it answered."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: Counter[tuple[str, int]] = Counter()
        self.user_agents: list[str] = []
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def do_GET(self) -> None:
                with server._lock:
                    server.active += 1
                    server.max_active = max(server.max_active, server.active)
                    server.user_agents.append(self.headers.get("User-Agent", ""))
                try:
                    self._answer()
                finally:
                    with server._lock:
                        server.active -= 1

            def _answer(self) -> None:
                route = server.routes.get(self.path)
                if route is None:
                    self._send(404, b"not found", "text/plain")
                    return
                if route.delay:
                    time.sleep(route.delay)
                if callable(route.body):
                    server._count(self.path, route.status)
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    try:
                        for chunk in route.body():
                            self.wfile.write(chunk)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
                if route.etag and route.status == 200 and self.headers.get("If-None-Match") == etag:
                    server._count(self.path, 304)
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                headers = dict(route.headers)
                if route.etag and route.status == 200:
                    headers["ETag"] = etag
                self._send(route.status, route.body, route.content_type, headers)

            def _send(
                self,
                status: int,
                body: bytes,
                content_type: str,
                headers: dict[str, str] | None = None,
            ) -> None:
                server._count(self.path, status)  # before answering: the client may be quick
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _count(self, path: str, status: int) -> None:
        with self._lock:
            self.requests[(path, status)] += 1

    def url(self, path: str) -> str:
        return self.base + path

    def downloads(self) -> int:
        """Answers with a body (status 200)."""
        return sum(n for (_, status), n in self.requests.items() if status == 200)

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
