"""One HTTP client for every download packager makes: timeouts, bounded retries, size limits."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import socket
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as urllib3_exceptions
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.retry import Retry

from packager import __version__
from packager.errors import InputError, SourceUnreachableError, UnsafeUrlError
from packager.files import mark_used, remove_unused, write_atomic
from packager.secrets import redact_url

USER_AGENT = f"packager/{__version__} (+https://github.com/packager/packager; channel feed builder)"
DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
RETRY_STATUSES = (429, 500, 502, 503, 504)


@dataclass(frozen=True)
class Fetched:
    """A downloaded body with what the server said about it."""

    url: str
    status: int
    content: bytes
    content_type: str
    headers: dict[str, str]
    from_cache: bool = False

    @property
    def media_type(self) -> str:
        """The Content-Type without parameters, lower-cased (`text/html`)."""
        return self.content_type.split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str:
        """The charset the server declared in Content-Type, or ""."""
        return content_type_charset(self.content_type)


def make_session(
    retries: int = 2, pool_size: int = 16, check_peer: Callable[[str], None] | None = None
) -> requests.Session:
    """A session with the packager User-Agent and bounded retries with exponential backoff.

    `check_peer`, when given, is called with the IP address every new direct connection
    reached, before anything is sent on it; it raises to refuse the connection.
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
    adapter = (
        HTTPAdapter(max_retries=retry, pool_connections=pool_size, pool_maxsize=pool_size)
        if check_peer is None
        else _PeerCheckingAdapter(
            check_peer, max_retries=retry, pool_connections=pool_size, pool_maxsize=pool_size
        )
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class _PeerCheckingAdapter(HTTPAdapter):
    """An adapter whose connections check the address they actually reached.

    A host name can resolve to a public address when it is checked and to a private one a
    moment later when the connection is made (DNS rebinding); checking the connected socket's
    peer closes that gap. Connections through a proxy reach the proxy and are not checked.
    """

    def __init__(self, check_peer: Callable[[str], None], **kwargs: Any) -> None:
        self._check_peer = check_peer
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _checking_pool(HTTPConnectionPool, HTTPConnection, self._check_peer),
            "https": _checking_pool(HTTPSConnectionPool, HTTPSConnection, self._check_peer),
        }


def _checking_pool(
    pool: type[HTTPConnectionPool],
    connection: type[HTTPConnection],
    check_peer: Callable[[str], None],
) -> type[HTTPConnectionPool]:
    class CheckedConnection(connection):  # type: ignore[valid-type,misc]
        def _new_conn(self) -> socket.socket:
            sock: socket.socket = super()._new_conn()
            try:
                check_peer(str(sock.getpeername()[0]))
            except BaseException:
                sock.close()
                raise
            return sock

    return type(f"Checked{pool.__name__}", (pool,), {"ConnectionCls": CheckedConnection})


class _CachedBodyGone(Exception):
    """A 304 answered a conditional GET whose cached body is no longer there."""


class _NonPublicPeer(Exception):
    """A checked connection reached a non-public address (raised inside urllib3)."""

    def __init__(self, address: str) -> None:
        super().__init__(address)
        self.address = address


def content_type_charset(content_type: str) -> str:
    """The `charset` parameter of a Content-Type header value, lower-cased, or ""."""
    if not content_type:
        return ""
    message = Message()
    message["Content-Type"] = content_type
    charset = message.get_param("charset")
    return charset.strip().lower() if isinstance(charset, str) else ""


def redact(url: str) -> str:
    """`url` without user name and password, for messages and logs (see packager.secrets)."""
    return redact_url(url)


def require_http_url(url: str) -> None:
    """Refuse anything but http(s) URLs before a request is made."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise InputError(
            f"cannot fetch {redact(url)!r}: only http and https URLs are supported",
            location=redact(url),
            hint="give a local path, or an http(s):// URL",
        )


def fetch(
    url: str,
    *,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Fetched:
    """GET one URL the user gave (no cache), through a `Fetcher`: the same timeouts, retries,
    redirect cap and size limit as every other download.

    Raises SourceUnreachableError for network failures and HTTP errors, InputError for an
    oversized body or a URL that is not http(s).
    """
    with Fetcher(timeout=timeout, max_bytes=max_bytes) as fetcher:
        return fetcher.get(url)


def _read_limited(response: requests.Response, url: str, max_bytes: int) -> bytes:
    url = redact(url)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise InputError(
            f"refusing {url}: it is {int(declared):,} bytes, over the {max_bytes:,}-byte limit",
            location=url,
            hint="raise the size limit if this really is the document you want",
        )
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(chunk_size=256 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise InputError(
                    f"refusing {url}: the body is over the {max_bytes:,}-byte limit",
                    location=url,
                    hint="raise the size limit if this really is the document you want",
                )
            chunks.append(chunk)
    except requests.RequestException as exc:
        raise SourceUnreachableError(
            f"cannot fetch {url}: the download broke off ({describe_failure(exc)})",
            location=url,
            hint="try again; check the server if it keeps happening",
        ) from exc
    return b"".join(chunks)


def describe_failure(exc: requests.RequestException) -> str:
    """A short, credential-free reason for a failed request: "timed out", "connection failed"."""
    # After retries urllib3 reports a timeout as a ConnectionError wrapping MaxRetryError.
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(exc, requests.Timeout) or isinstance(reason, urllib3_exceptions.TimeoutError):
        return "timed out"
    if isinstance(exc, requests.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return type(exc).__name__


# ---------------------------------------------------------------------------------------------
# Fetcher: the client remote sources use (pages, feeds, images).

PAGE_MAX_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_PER_HOST = 4
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_T = TypeVar("_T")
_R = TypeVar("_R")


def origin_of(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of `url`, with the scheme's default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme, 0)


@dataclass
class FetchStats:
    """What a Fetcher did: full downloads, conditional-GET hits (304) and refusals."""

    downloaded: int = 0
    not_modified: int = 0
    refused: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)


class Fetcher:
    """Downloads pages, feeds and images politely and safely.

    - timeouts and bounded retries with backoff (from `make_session`);
    - at most `per_host` requests at once to one host, `max_workers` in all (`map`);
    - conditional GET (ETag / Last-Modified) against an on-disk cache in `cache_dir`, so a
      rebuild does not download unchanged documents again;
    - a size limit per response, read as a stream and refused as soon as it is exceeded;
    - redirects followed by hand, at most `max_redirects`, each hop checked;
    - only http(s); a URL found inside fetched content (`found_in=`), or a redirect target,
      that resolves to a loopback, private, link-local or otherwise non-public address is
      refused unless it has the same origin as the document it came from or its host is in
      `allow_hosts` (host names, IP addresses or networks such as "10.0.0.0/8"). Such a URL
      is checked again where its connection lands, before anything is sent, so a host whose
      DNS answer changes after the check (DNS rebinding) is refused too; links on the origin
      of a URL given directly are trusted like it. Behind an HTTP(S) proxy the proxy makes
      the connection, so only the check of the name applies.
    """

    def __init__(
        self,
        cache_dir: Path | str | None = None,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        retries: int = 2,
        per_host: int = DEFAULT_PER_HOST,
        max_workers: int = 8,
        allow_hosts: Sequence[str] = (),
        user_agent: str = USER_AGENT,
    ) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = retries
        self.per_host = per_host
        self.max_workers = max_workers
        self.user_agent = user_agent
        self.stats = FetchStats()
        self._allowed_names = {h.lower() for h in allow_hosts if not _is_network(h)}
        self._allowed_networks = [
            ipaddress.ip_network(h, strict=False) for h in allow_hosts if _is_network(h)
        ]
        self._trusted_origins: set[tuple[str, str, int]] = set()  # of URLs given directly
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._host_slots: dict[tuple[str, str, int], threading.BoundedSemaphore] = {}
        if self.cache_dir is not None:
            self.cache_dir.mkdir(parents=True, exist_ok=True)

    # -- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every session this fetcher opened."""
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    def _session(self, checked: bool) -> requests.Session:
        """This thread's session; `checked` ones refuse connections to non-public addresses
        (so every connection pooled in them was checked under the same rule)."""
        name = "checked_session" if checked else "session"
        session: requests.Session | None = getattr(self._local, name, None)
        if session is None:
            session = make_session(
                retries=self.retries,
                pool_size=self.per_host,
                check_peer=self._check_peer if checked else None,
            )
            session.headers["User-Agent"] = self.user_agent
            setattr(self._local, name, session)
            with self._lock:
                self._sessions.append(session)
        return session

    def _slot(self, url: str) -> threading.BoundedSemaphore:
        key = origin_of(url)
        with self._lock:
            slot = self._host_slots.get(key)
            if slot is None:
                slot = self._host_slots[key] = threading.BoundedSemaphore(self.per_host)
            return slot

    # -- fetching -----------------------------------------------------------------------------

    def map(self, func: Callable[[_T], _R], items: Iterable[_T]) -> Iterator[_R]:
        """`func` over `items` on a thread pool, results in input order.

        `func` should turn expected failures into values; an exception it raises propagates.
        """
        with ThreadPoolExecutor(max_workers=self.max_workers) as pool:
            yield from pool.map(func, items)

    def get(
        self,
        url: str,
        *,
        found_in: str = "",
        expect: Sequence[str] = (),
        max_bytes: int | None = None,
    ) -> Fetched:
        """GET `url` (through the cache) and return its body.

        `found_in` is the URL of the document `url` was found in; it turns on the private
        address check. `expect` lists acceptable media type prefixes ("text/html", "image/");
        a response of another declared type is refused.

        Raises UnsafeUrlError, InputError (scheme, size, type) or SourceUnreachableError.
        """
        limit = self.max_bytes if max_bytes is None else max_bytes
        require_http_url(url)
        if not found_in:
            # Given directly: its origin may be private (an intranet newsroom), and what its
            # documents link on that origin may be too.
            self._trusted_origins.add(origin_of(url))
        checked = self._check_address(url, found_in)
        cached = self._cache_load(url)
        headers: dict[str, str] = {}
        if cached is not None:
            if cached.get("etag"):
                headers["If-None-Match"] = cached["etag"]
            if cached.get("last_modified"):
                headers["If-Modified-Since"] = cached["last_modified"]
        current, previous = url, found_in
        for _ in range(self.max_redirects + 1):
            with self._slot(current):
                try:
                    result = self._get_once(current, headers, limit, url, cached, previous, checked)
                except _CachedBodyGone:
                    # The server says "not modified" but the cached copy went meanwhile (an
                    # other build pruned it): ask again, unconditionally.
                    headers, cached = {}, None
                    result = self._get_once(current, headers, limit, url, cached, previous, checked)
            if isinstance(result, Fetched):
                _check_type(result, expect)
                return result
            # A redirect: the next hop is a URL found in this response.
            target = urljoin(current, result)
            require_http_url(target)
            previous, current = current, target
            checked = self._check_address(current, previous)
        raise SourceUnreachableError(
            f"cannot fetch {redact(url)}: more than {self.max_redirects} redirects",
            location=redact(url),
            hint="the server redirects in a loop or too far; open the URL in a browser to check",
        )

    def _get_once(
        self,
        url: str,
        headers: dict[str, str],
        limit: int,
        requested: str,
        cached: dict[str, str] | None,
        found_in: str,
        checked: bool,
    ) -> Fetched | str:
        """One request: a Fetched, or the Location of a redirect.

        A `checked` request may only connect to a public (or allowed) address.
        """
        try:
            # Redirects are followed by hand (in `get`) so that every hop is checked.
            response = self._session(checked).get(
                url, timeout=self.timeout, stream=True, headers=headers, allow_redirects=False
            )
        except _NonPublicPeer as refused:
            self.stats.count("refused")
            raise UnsafeUrlError(
                f"refusing {redact(url)} (found in {redact(found_in)}): "
                f"{origin_of(url)[1]} resolved to a public address when checked but the "
                f"connection reached {refused.address}",
                location=redact(url),
                hint="the host's DNS answer changed between the check and the connection "
                "(DNS rebinding); nothing was sent to it. Add the host to the allow-list if "
                "it is meant to be private",
            ) from None
        except requests.RequestException as exc:
            raise SourceUnreachableError(
                f"cannot fetch {redact(url)}: {describe_failure(exc)}",
                location=redact(requested),
                hint="check the URL and that the server is up; packager retried before giving up",
            ) from exc
        with response:
            status = response.status_code
            if status in _REDIRECT_STATUSES and response.headers.get("Location"):
                return response.headers["Location"]
            if status == 304 and cached is not None:
                body = self._cache_body(requested)
                if body is None:
                    raise _CachedBodyGone
                self.stats.count("not_modified")
                return Fetched(
                    url=cached.get("url", url),
                    status=200,
                    content=body,
                    content_type=cached.get("content_type", ""),
                    headers=dict(response.headers),
                    from_cache=True,
                )
            if status >= 300:
                raise SourceUnreachableError(
                    f"cannot fetch {redact(url)}: HTTP {status} {response.reason}",
                    location=redact(requested),
                    hint="check the URL; the server answered with an error",
                )
            content = _read_limited(response, url, limit)
            self.stats.count("downloaded")
            fetched = Fetched(
                url=url,
                status=status,
                content=content,
                content_type=response.headers.get("Content-Type", ""),
                headers=dict(response.headers),
            )
            self._cache_store(requested, fetched)
            return fetched

    # -- address checks -----------------------------------------------------------------------

    def _check_address(self, url: str, found_in: str) -> bool:
        """Refuse a URL found in content that resolves to a non-public address.

        Returns whether the request must also be checked where it connects: true unless the
        URL was given directly, shares the origin of a URL given directly that it was found
        in, or its host is allowed by name.
        """
        if not found_in:
            return False
        # The same origin as a document given directly is trusted like it; the same origin as
        # a document that was itself checked is checked again (its DNS may have changed).
        if origin_of(url) == origin_of(found_in) and origin_of(found_in) in self._trusted_origins:
            return False
        host = origin_of(url)[1]
        if host in self._allowed_names:
            return False
        for address in _resolve(url):
            if not self._reachable(address):
                self.stats.count("refused")
                raise UnsafeUrlError(
                    f"refusing {redact(url)} (found in {redact(found_in)}): "
                    f"{host} is a non-public address ({address})",
                    location=redact(url),
                    hint="a page may only point at loopback, private or link-local hosts of its "
                    "own origin; add the host to the allow-list if this is intended",
                )
        return True

    def _check_peer(self, address: str) -> None:
        """Refuse a checked connection that reached a non-public address (see `_session`)."""
        if not self._reachable(ipaddress.ip_address(address.split("%", 1)[0])):
            raise _NonPublicPeer(address)

    def _reachable(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        """A public address, or one in a network the allow-list names."""
        return _is_public(address) or any(address in net for net in self._allowed_networks)

    # -- cache --------------------------------------------------------------------------------

    def _cache_paths(self, url: str) -> tuple[Path, Path] | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.cache_dir / f"{key}.json", self.cache_dir / f"{key}.body"

    def _cache_load(self, url: str) -> dict[str, str] | None:
        paths = self._cache_paths(url)
        if paths is None or not paths[0].is_file() or not paths[1].is_file():
            return None
        try:
            data = json.loads(paths[0].read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _cache_body(self, url: str) -> bytes | None:
        paths = self._cache_paths(url)
        try:
            body = paths[1].read_bytes() if paths is not None else None
        except OSError:
            return None
        if paths is not None:
            mark_used(paths[0])
            mark_used(paths[1])
        return body

    def prune_cache(self, older_than_seconds: float) -> int:
        """Drop cached documents not downloaded or revalidated for `older_than_seconds`
        (pages that left the feed); returns how many files went."""
        if self.cache_dir is None:
            return 0
        return remove_unused(self.cache_dir, older_than_seconds, suffixes=(".json", ".body"))

    def _cache_store(self, url: str, fetched: Fetched) -> None:
        paths = self._cache_paths(url)
        etag = fetched.headers.get("ETag", "")
        last_modified = fetched.headers.get("Last-Modified", "")
        if paths is None or not (etag or last_modified):
            return
        meta = {
            "url": fetched.url,
            "content_type": fetched.content_type,
            "etag": etag,
            "last_modified": last_modified,
        }
        # Body first, then the metadata that makes the entry valid; both atomically.
        write_atomic(paths[1], fetched.content, durable=False)
        write_atomic(paths[0], json.dumps(meta, sort_keys=True).encode("utf-8"), durable=False)


def _check_type(fetched: Fetched, expect: Sequence[str]) -> None:
    media_type = fetched.media_type
    if not expect or not media_type or any(media_type.startswith(e) for e in expect):
        return
    raise InputError(
        f"refusing {redact(fetched.url)}: it is {media_type}, expected {' or '.join(expect)}",
        location=redact(fetched.url),
        hint="check that the URL points at the right kind of document",
    )


def _is_network(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def _resolve(url: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    _scheme, host, port = origin_of(url)
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise SourceUnreachableError(
            f"cannot fetch {redact(url)}: the host name {host!r} does not resolve",
            location=redact(url),
            hint="check the host name in the URL",
        ) from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address reach that address: judge it.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and (address in _NAT64 or address in _IPV4_COMPATIBLE):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return _is_public(embedded)
    return address.is_global and not address.is_multicast
