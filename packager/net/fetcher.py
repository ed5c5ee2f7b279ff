"""Fetcher: the client remote sources, feed URLs and extract use (pages, feeds, images)."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urljoin

import requests

from packager.errors import InputError, SourceUnreachableError, UnsafeUrlError
from packager.net import guard
from packager.net.cache import ResponseCache
from packager.net.deadline import Deadline, deadline
from packager.net.guard import AllowList
from packager.net.session import (
    DEFAULT_TIMEOUT,
    DNS_FAILURE,
    USER_AGENT,
    NonPublicPeerError,
    describe_failure,
    make_session,
)
from packager.net.urls import content_type_charset, origin_of, require_http_url
from packager.secrets import redact_url

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
PAGE_MAX_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_PER_HOST = 4
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_T = TypeVar("_T")
_R = TypeVar("_R")
_A = TypeVar("_A", "Fetched", "Prefix")


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


@dataclass(frozen=True)
class Prefix:
    """The start of a response (`Fetcher.get_prefix`): its status, headers and first bytes."""

    url: str
    status: int
    content: bytes
    headers: dict[str, str]

    def header(self, name: str) -> str:
        """The value of header `name` (any case), or ""."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), "")

    @property
    def media_type(self) -> str:
        """The Content-Type without parameters, lower-cased (`video/mp4`)."""
        return self.header("Content-Type").split(";", 1)[0].strip().lower()

    @property
    def total(self) -> int | None:
        """The whole file's length: from Content-Range (206) or Content-Length (200)."""
        content_range = self.header("Content-Range")
        if "/" in content_range and content_range.rsplit("/", 1)[1].strip().isdigit():
            return int(content_range.rsplit("/", 1)[1])
        length = self.header("Content-Length")
        return int(length) if self.status == 200 and length.isdigit() else None


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


class _CachedBodyGoneError(Exception):
    """A 304 answered a conditional GET whose cached body is no longer there."""


def fetch(
    url: str,
    *,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    total_timeout: float | None = None,
) -> Fetched:
    """GET one URL the user gave (no cache), through a `Fetcher`: the same timeouts, total
    deadline, retries, redirect cap and size limit as every other download.

    Raises SourceUnreachableError for network failures and HTTP errors, InputError for an
    oversized body or a URL that is not http(s).
    """
    with Fetcher(timeout=timeout, max_bytes=max_bytes, total_timeout=total_timeout) as fetcher:
        return fetcher.get(url)


class Fetcher:
    """Downloads pages, feeds and images politely and safely.

    - timeouts and bounded retries with backoff (from `make_session`), and a total deadline
      per `get` (`total_timeout`, default twice the read timeout) that holds even against a
      server that trickles its answer;
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

    def __init__(  # noqa: PLR0913 - keyword-only knobs, each documented above
        self,
        cache_dir: Path | str | None = None,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        retries: int = 2,
        per_host: int = DEFAULT_PER_HOST,
        max_workers: int = 8,
        allow_hosts: Sequence[str] | AllowList = (),
        user_agent: str = USER_AGENT,
        total_timeout: float | None = None,
    ) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.timeout = timeout
        self.total_timeout = total_timeout if total_timeout is not None else 2 * timeout[1]
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = retries
        self.per_host = per_host
        self.max_workers = max_workers
        self.user_agent = user_agent
        self.stats = FetchStats()
        self.allowed = allow_list(allow_hosts)
        self.cache = ResponseCache(self.cache_dir)
        self._trusted_origins: set[tuple[str, str, int]] = set()  # of URLs given directly
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._host_slots: dict[tuple[str, str, int], threading.BoundedSemaphore] = {}
        # Host names that did not resolve (after the retries): every later link to them fails
        # at once, not after another second of lookups (a feed of 5,000 items on a dead host).
        self._unresolvable: set[str] = set()

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
        """GET `url` (through the cache) and return its body, within the total deadline.

        `found_in` is the URL of the document `url` was found in; it turns on the private
        address check. `expect` lists acceptable media type prefixes ("text/html", "image/");
        a response of another declared type is refused.

        Raises UnsafeUrlError, InputError (scheme, size, type) or SourceUnreachableError.
        """
        limit = self.max_bytes if max_bytes is None else max_bytes
        cached = self.cache.load(url)
        fetched = self._follow(
            url, found_in, limit, lambda hop: self._get_revalidating(hop, cached)
        )
        _check_type(fetched, expect)
        return fetched

    def get_prefix(
        self, url: str, limit: int, *, ranged: bool = True, found_in: str = ""
    ) -> Prefix:
        """The status, headers and first `limit` bytes of `url`, within the total deadline.

        With `ranged`, asks for them with `Range: bytes=0-<limit-1>` (a 206 answer says the
        file's length in Content-Range); a server that ignores it answers 200 with the whole
        file, of which only `limit` bytes are read. Not cached. The same address guard
        (`found_in`), per-host limit, retries and redirect cap as `get`; an HTTP error status
        is returned (with no bytes), not raised, so that callers can judge it.

        Raises UnsafeUrlError, InputError (scheme) or SourceUnreachableError.
        """
        headers = {"Range": f"bytes=0-{limit - 1}"} if ranged else {}
        return self._follow(url, found_in, limit, lambda hop: self._prefix_once(hop, headers))

    def _follow(
        self, url: str, found_in: str, limit: int, hop: Callable[[_Request], _A | str]
    ) -> _A:
        """`hop` for `url`, then for each redirect target (each hop's address checked), within
        the total deadline and the redirect cap."""
        require_http_url(url)
        if not found_in:
            # Given directly: its origin may be private (an intranet newsroom), and what its
            # documents link on that origin may be too.
            self._trusted_origins.add(origin_of(url))
        checked = self._check_address(url, found_in)
        with deadline(self.total_timeout) as clock:
            current, previous = url, found_in
            for _ in range(self.max_redirects + 1):
                with self._slot(current):
                    result = hop(_Request(current, url, previous, limit, checked, clock))
                if not isinstance(result, str):
                    return result
                # A redirect: the next hop is a URL found in this response.
                target = urljoin(current, result)
                require_http_url(target, redirected_from=current)
                previous, current = current, target
                checked = self._check_address(current, previous)
        raise SourceUnreachableError(
            f"cannot fetch {redact_url(url)}: more than {self.max_redirects} redirects",
            location=redact_url(url),
            hint="the server redirects in a loop or too far; open the URL in a browser to check",
        )

    def _get_revalidating(self, request: _Request, cached: dict[str, str] | None) -> Fetched | str:
        try:
            return self._get_once(request, cached)
        except _CachedBodyGoneError:
            # The server says "not modified" but the cached copy went meanwhile (an other
            # build pruned it): ask again, unconditionally.
            return self._get_once(request, None)

    def _get_once(self, request: _Request, cached: dict[str, str] | None) -> Fetched | str:
        """One request: a Fetched, or the Location of a redirect.

        A `checked` request may only connect to a public (or allowed) address.
        """
        response = self._open(request, _conditional_headers(cached))
        with response:
            return self._answer(request, response, cached)

    def _prefix_once(self, request: _Request, headers: dict[str, str]) -> Prefix | str:
        """One request for the first bytes: a Prefix, or the Location of a redirect."""
        response = self._open(request, headers)
        with response:
            status = response.status_code
            if status in _REDIRECT_STATUSES and response.headers.get("Location"):
                return response.headers["Location"]
            content = b"" if status >= 400 else read_prefix(response, request)
            return Prefix(request.url, status, content, dict(response.headers))

    def _open(self, request: _Request, headers: dict[str, str]) -> requests.Response:
        """Send one GET (redirects not followed: `_follow` checks every hop) and return the
        streamed response. A `checked` request may only connect to a public (or allowed)
        address."""
        url = request.url
        self._refuse_unresolvable(url)
        try:
            return self._session(request.checked).get(
                url, timeout=self.timeout, stream=True, headers=headers, allow_redirects=False
            )
        except NonPublicPeerError as refused:
            self.stats.count("refused")
            raise UnsafeUrlError(
                f"refusing {redact_url(url)} (found in {_shown_origin(request.found_in)}): "
                f"{origin_of(url)[1]} resolved to a public address when checked but the "
                f"connection reached {refused.address}",
                location=redact_url(url),
                hint="the host's DNS answer changed between the check and the connection "
                "(DNS rebinding); nothing was sent to it. Add the host to the allow-list if "
                "it is meant to be private",
            ) from None
        except requests.RequestException as exc:
            if describe_failure(exc) == DNS_FAILURE:
                self._note_unresolvable(url)
            raise request.unreachable(exc) from exc

    def _answer(
        self, request: _Request, response: requests.Response, cached: dict[str, str] | None
    ) -> Fetched | str:
        url, status = request.url, response.status_code
        if status in _REDIRECT_STATUSES and response.headers.get("Location"):
            return response.headers["Location"]
        if status == 304 and cached is not None:
            body = self.cache.body(request.requested)
            if body is None:
                raise _CachedBodyGoneError
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
                f"cannot fetch {redact_url(url)}: HTTP {status} {response.reason}",
                location=redact_url(request.requested),
                hint="check the URL; the server answered with an error",
            )
        content = read_limited(response, url, request.limit, request.clock)
        self.stats.count("downloaded")
        fetched = Fetched(
            url=url,
            status=status,
            content=content,
            content_type=response.headers.get("Content-Type", ""),
            headers=dict(response.headers),
        )
        self.cache.store(
            request.requested,
            final_url=url,
            content_type=fetched.content_type,
            headers=fetched.headers,
            body=content,
        )
        return fetched

    def prune_cache(self, older_than_seconds: float) -> int:
        """Drop cached documents not downloaded or revalidated for `older_than_seconds`
        (pages that left the feed); returns how many files went."""
        return self.cache.prune(older_than_seconds)

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
        if self.allowed.allows_name(host):
            return False
        for address in self._resolve(url):
            if not self.allowed.reachable(address):
                self.stats.count("refused")
                raise UnsafeUrlError(
                    f"refusing {redact_url(url)} (found in {_shown_origin(found_in)}): "
                    f"{host} is a non-public address ({address})",
                    location=redact_url(url),
                    hint="a page may only point at loopback, private or link-local hosts of its "
                    "own origin; allow the host (--allow-host or [channel] allow_hosts) if this "
                    "is intended",
                )
        return True

    def _resolve(self, url: str) -> list[guard.IPAddress]:
        """`guard.resolve`, failing at once for a host that did not resolve before."""
        self._refuse_unresolvable(url)
        try:
            return guard.resolve(url)
        except SourceUnreachableError:
            self._note_unresolvable(url)
            raise

    def _refuse_unresolvable(self, url: str) -> None:
        """Fail at once for a URL whose host name did not resolve earlier in this run."""
        if origin_of(url)[1] in self._unresolvable:
            raise SourceUnreachableError(
                f"cannot fetch {redact_url(url)}: {DNS_FAILURE} (it did not for an earlier "
                "link of this run either)",
                location=redact_url(url),
                hint="check the host name in the links (a typo, or a site that is gone)",
            )

    def _note_unresolvable(self, url: str) -> None:
        with self._lock:
            self._unresolvable.add(origin_of(url)[1])

    def _check_peer(self, address: str) -> None:
        """Refuse a checked connection that reached a non-public address (see `_session`)."""
        if not self.allowed.reachable(ipaddress.ip_address(address.split("%", 1)[0])):
            raise NonPublicPeerError(address)


def _shown_origin(found_in: str) -> str:
    """Where a refused URL was found, for the message: never an empty "(found in )" (an
    article whose own URL is blank still turns the guard on)."""
    return redact_url(found_in).strip() or "a document with a blank address"


@dataclass(frozen=True)
class _Request:
    """One hop of a `get`: the URL asked now, the URL first asked, where it was found."""

    url: str
    requested: str
    found_in: str
    limit: int
    checked: bool
    clock: Deadline | None

    def unreachable(self, exc: BaseException) -> SourceUnreachableError:
        if self.clock is not None and self.clock.expired:
            return _too_slow(self.url, self.clock)
        return SourceUnreachableError(
            f"cannot fetch {redact_url(self.url)}: {describe_failure(exc)}",
            location=redact_url(self.requested),
            hint="check the URL and that the server is up; packager retried before giving up",
        )


def allow_list(allow_hosts: Sequence[str] | AllowList) -> AllowList:
    """`allow_hosts` as an AllowList; InputError names an entry that is not a host or network."""
    if isinstance(allow_hosts, AllowList):
        return allow_hosts
    try:
        return AllowList.parse(allow_hosts)
    except ValueError as exc:
        raise InputError(
            f"cannot allow host {exc}",
            hint="give a host name (cms.internal), an address (10.0.0.5) or a network (10.0.0.0/8)",
        ) from None


def _conditional_headers(cached: dict[str, str] | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if cached is not None:
        if cached.get("etag"):
            headers["If-None-Match"] = cached["etag"]
        if cached.get("last_modified"):
            headers["If-Modified-Since"] = cached["last_modified"]
    return headers


def _too_slow(url: str, clock: Deadline) -> SourceUnreachableError:
    return SourceUnreachableError(
        f"cannot fetch {redact_url(url)}: timed out: no complete answer within {clock.seconds:g} s "
        "(the total deadline)",
        location=redact_url(url),
        hint="the server answers too slowly; try again later, or raise --timeout if it is "
        "just slow",
    )


def read_limited(
    response: requests.Response, url: str, max_bytes: int, clock: Deadline | None = None
) -> bytes:
    """The body of a streamed `response`: refused over `max_bytes`, given up at `clock`'s end
    (a body cut short by the deadline is never returned as if complete)."""
    url = redact_url(url)
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
        if clock is not None and clock.expired:
            raise _too_slow(url, clock) from exc
        raise SourceUnreachableError(
            f"cannot fetch {url}: the download broke off ({describe_failure(exc)})",
            location=url,
            hint="try again; check the server if it keeps happening",
        ) from exc
    if clock is not None and clock.expired:
        raise _too_slow(url, clock)
    return b"".join(chunks)


def read_prefix(response: requests.Response, request: _Request) -> bytes:
    """The first `request.limit` bytes of a streamed `response` (fewer if the body is shorter);
    the rest is never read. Given up at the request's deadline."""
    chunks: list[bytes] = []
    size = 0
    clock = request.clock
    try:
        for chunk in response.iter_content(chunk_size=min(request.limit, 256 * 1024)):
            chunks.append(chunk)
            size += len(chunk)
            if size >= request.limit:
                break
    except requests.RequestException as exc:
        if clock is not None and clock.expired:
            raise _too_slow(request.url, clock) from exc
        raise SourceUnreachableError(
            f"cannot fetch {redact_url(request.url)}: the download broke off ({describe_failure(exc)})",
            location=redact_url(request.requested),
            hint="try again; check the server if it keeps happening",
        ) from exc
    if size < request.limit and clock is not None and clock.expired:
        raise _too_slow(request.url, clock)  # cut short by the deadline, not the end of the file
    return b"".join(chunks)[: request.limit]


def _check_type(fetched: Fetched, expect: Sequence[str]) -> None:
    media_type = fetched.media_type
    if not expect or not media_type or any(media_type.startswith(e) for e in expect):
        return
    raise InputError(
        f"refusing {redact_url(fetched.url)}: it is {media_type}, expected {' or '.join(expect)}",
        location=redact_url(fetched.url),
        hint="check that the URL points at the right kind of document",
    )
