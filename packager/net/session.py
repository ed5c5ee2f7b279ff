"""The requests session every packager request goes through: User-Agent, bounded retries,
the address check where each connection lands, and the total deadline (`deadline.py`)."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable, Iterator
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as urllib3_exceptions
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.retry import Retry

from packager import __version__
from packager.net.deadline import DeadlineExceededError, current_deadline
from packager.net.guard import AllowList

USER_AGENT = f"packager/{__version__} (+https://github.com/packager/packager; channel feed builder)"
DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds
RETRY_STATUSES = (429, 500, 502, 503, 504)


class NonPublicPeerError(Exception):
    """A checked connection reached a non-public address (raised inside urllib3)."""

    def __init__(self, address: str) -> None:
        super().__init__(address)
        self.address = address


def make_session(
    retries: int = 2, pool_size: int = 16, check_peer: Callable[[str], None] | None = None
) -> requests.Session:
    """A session with the packager User-Agent and bounded retries with exponential backoff.

    Its connections honour the thread's `deadline(...)`. `check_peer`, when given, is called
    with the IP address every new direct connection reached, before anything is sent on it;
    it raises to refuse the connection.
    """
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=0.5,
        backoff_jitter=0.25,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        raise_on_status=False,
        respect_retry_after_header=True,
    )
    adapter = _WatchedAdapter(
        check_peer, max_retries=retry, pool_connections=pool_size, pool_maxsize=pool_size
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def guarded_session(
    allow_hosts: AllowList | None = None, *, retries: int = 2, pool_size: int = 16
) -> requests.Session:
    """A `make_session` whose every connection must land on a public address (or one in
    `allow_hosts`): for requests to URLs found in untrusted content (a feed's asset URLs).

    Use it with `deadline(seconds)` around each request and the reading of its body, and
    `describe_failure` for the reason of a failure.
    """
    allowed = allow_hosts or AllowList()

    def check_peer(address: str) -> None:
        import ipaddress

        if not allowed.reachable(ipaddress.ip_address(address.split("%", 1)[0])):
            raise NonPublicPeerError(address)

    return make_session(retries=retries, pool_size=pool_size, check_peer=check_peer)


class _WatchedAdapter(HTTPAdapter):
    """An adapter whose connections join the thread's deadline and, with `check_peer`, check
    the address they actually reached.

    A host name can resolve to a public address when it is checked and to a private one a
    moment later when the connection is made (DNS rebinding); checking the connected socket's
    peer closes that gap. Connections through a proxy reach the proxy and are not checked.
    """

    def __init__(self, check_peer: Callable[[str], None] | None, **kwargs: Any) -> None:
        self._check_peer = check_peer
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _watched_pool(HTTPConnectionPool, HTTPConnection, self._check_peer),
            "https": _watched_pool(HTTPSConnectionPool, HTTPSConnection, self._check_peer),
        }


def _watched_pool(
    pool: type[HTTPConnectionPool],
    connection: type[HTTPConnection],
    check_peer: Callable[[str], None] | None,
) -> type[HTTPConnectionPool]:
    class WatchedConnection(connection):  # type: ignore[valid-type,misc]
        def _new_conn(self) -> socket.socket:
            sock: socket.socket = super()._new_conn()
            if check_peer is not None:
                try:
                    check_peer(str(sock.getpeername()[0]))
                except BaseException:
                    sock.close()
                    raise
            return sock

        def connect(self) -> None:
            super().connect()
            clock = current_deadline()
            if clock is not None:
                clock.watch(self)  # the socket this connection just opened

        def request(self, *args: Any, **kwargs: Any) -> None:
            clock = current_deadline()
            if clock is not None:
                clock.watch(self)
            super().request(*args, **kwargs)

    return type(f"Watched{pool.__name__}", (pool,), {"ConnectionCls": WatchedConnection})


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and what it wraps: urllib3's `reason`, `args[0]`, `__cause__`, `__context__`."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for inner in (
            getattr(current, "reason", None),
            current.args[0] if current.args else None,
            current.__cause__,
            current.__context__,
        ):
            if isinstance(inner, BaseException):
                todo.append(inner)


DNS_FAILURE = "the host name does not resolve"

# Most specific first: urllib3's NameResolutionError is a NewConnectionError, which is a
# ConnectTimeoutError, so a refused connection used to be reported as "timed out".
_REASONS: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
    (DeadlineExceededError, "timed out: no complete answer within the total deadline"),
    ((urllib3_exceptions.NameResolutionError, socket.gaierror), DNS_FAILURE),
    (ConnectionRefusedError, "connection refused"),
    ((ConnectionResetError, ConnectionAbortedError), "connection reset by the server"),
    ((ssl.SSLCertVerificationError,), "the server's TLS certificate is not trusted"),
    ((urllib3_exceptions.SSLError, ssl.SSLError), "TLS failed"),
    (urllib3_exceptions.NewConnectionError, "cannot connect"),
    ((urllib3_exceptions.ConnectTimeoutError, requests.ConnectTimeout), "timed out connecting"),
    (
        (urllib3_exceptions.TimeoutError, requests.Timeout, socket.timeout),
        "timed out waiting for the server",
    ),
    (requests.TooManyRedirects, "too many redirects"),
)


def describe_failure(exc: BaseException) -> str:
    """A short, credential-free reason for a failed request: "connection refused",
    "the host name does not resolve", "timed out connecting", ..."""
    causes = list(_causes(exc))
    for kinds, reason in _REASONS:
        if any(isinstance(cause, kinds) for cause in causes):
            return reason
    if any(isinstance(cause, requests.ConnectionError) for cause in causes):
        return "connection failed"
    return type(exc).__name__
