"""One HTTP client for every download packager makes: timeouts, bounded retries, size limits."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from packager import __version__
from packager.errors import InputError, SourceUnreachableError

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


def make_session(retries: int = 2, pool_size: int = 16) -> requests.Session:
    """A session with the packager User-Agent and bounded retries with exponential backoff."""
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
    adapter = HTTPAdapter(max_retries=retry, pool_connections=pool_size, pool_maxsize=pool_size)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def require_http_url(url: str) -> None:
    """Refuse anything but http(s) URLs before a request is made."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise InputError(
            f"cannot fetch {url!r}: only http and https URLs are supported",
            location=url,
            hint="give a local path, or an http(s):// URL",
        )


def fetch(
    url: str,
    *,
    session: requests.Session | None = None,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    headers: dict[str, str] | None = None,
) -> Fetched:
    """GET `url` and return its body, refusing bodies over `max_bytes` without reading them whole.

    Raises SourceUnreachableError for network failures and HTTP errors, InputError for an
    oversized body.
    """
    require_http_url(url)
    own_session = session is None
    session = session or make_session()
    try:
        try:
            response = session.get(url, timeout=timeout, stream=True, headers=headers)
        except requests.RequestException as exc:
            raise SourceUnreachableError(
                f"cannot fetch {url}: {_describe(exc)}",
                location=url,
                hint="check the URL and that the server is up; packager retried before giving up",
            ) from exc
        with response:
            if response.status_code >= 400:
                raise SourceUnreachableError(
                    f"cannot fetch {url}: HTTP {response.status_code} {response.reason}",
                    location=url,
                    hint="check the URL; the server answered with an error",
                )
            content = _read_limited(response, url, max_bytes)
            return Fetched(
                url=response.url,
                status=response.status_code,
                content=content,
                content_type=response.headers.get("Content-Type", ""),
                headers=dict(response.headers),
            )
    finally:
        if own_session:
            session.close()


def _read_limited(response: requests.Response, url: str, max_bytes: int) -> bytes:
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
            f"cannot fetch {url}: the download broke off ({_describe(exc)})",
            location=url,
            hint="try again; check the server if it keeps happening",
        ) from exc
    return b"".join(chunks)


def _describe(exc: requests.RequestException) -> str:
    # After retries, urllib3 wraps a timeout in MaxRetryError inside a ConnectionError.
    if isinstance(exc, requests.Timeout) or "timed out" in str(exc).lower():
        return "timed out"
    if isinstance(exc, requests.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return type(exc).__name__
