"""A total deadline for requests: per-read timeouts do not stop a server that trickles.

`requests` timeouts bound each wait for bytes, so a server sending one byte every 2 s keeps a
download going for ever. Inside `deadline(seconds)` every connection a packager session uses
(see `session.py`) is watched; when the time is up the watched sockets are shut down, so the
blocked read returns at once, and `Deadline.expired` tells the caller why.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_active = threading.local()


class DeadlineExceededError(TimeoutError):
    """A request was not complete within its total deadline (raised when one begins too late;
    an OSError, so urllib3 treats it as a failed connection and stops there)."""


class Deadline:
    """The end time of one piece of network work and the connections it is using."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._connections: list[Any] = []
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def remaining(self) -> float:
        return max(0.0, self.ends - time.monotonic())

    def watch(self, connection: Any) -> None:
        """Shut `connection` down when the deadline passes (now, if it already has).

        Its socket is remembered too: http.client drops a connection's `sock` once a response
        that closes the connection has begun, while the response still reads from it.
        """
        with self._lock:
            if not self.expired:
                self._connections.append(connection)
                sock = getattr(connection, "sock", None)
                if isinstance(sock, socket.socket):
                    self._sockets.append(sock)
                return
        raise DeadlineExceededError(f"gave up after {self.seconds:g} s")

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = self._sockets + [getattr(c, "sock", None) for c in self._connections]
            self._connections, self._sockets = [], []
        for sock in sockets:
            if isinstance(sock, socket.socket):
                # The plain socket's shutdown, also for TLS sockets: the blocked read then fails
                # as a network error (SSLSocket.shutdown would unwrap it under the reader).
                # Already closed: nothing left to stop.
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def _start(self) -> None:
        self._timer.start()

    def _stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._connections, self._sockets = [], []


def current_deadline() -> Deadline | None:
    """The innermost deadline active in this thread."""
    stack: list[Deadline] = getattr(_active, "stack", [])
    return stack[-1] if stack else None


@contextmanager
def deadline(seconds: float | None) -> Iterator[Deadline | None]:
    """Bound all requests made in this block (and the reading of their bodies) to `seconds` in
    all; an enclosing deadline that ends sooner still applies. None: no deadline."""
    outer = current_deadline()
    if seconds is None:
        yield outer
        return
    if outer is not None:
        seconds = min(seconds, outer.remaining())
    clock = Deadline(seconds)
    stack: list[Deadline] = getattr(_active, "stack", [])
    _active.stack = stack
    stack.append(clock)
    clock._start()
    try:
        yield clock
    finally:
        clock._stop()
        stack.remove(clock)
