"""URL helpers every network caller shares: origins, redaction, the http(s)-only rule.

Light: imports no HTTP library, so config checks and messages can use it.
"""

from __future__ import annotations

from email.message import Message
from urllib.parse import urlsplit

from packager.errors import InputError
from packager.secrets import redact_url, redact_userinfo

_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of `url`, with the scheme's default port filled in."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unpaired bracket: no origin to speak of
        return "", "", 0
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme, 0)


def require_http_url(url: str, *, redirected_from: str = "") -> None:
    """Refuse, before a request is made, anything but a well-formed http(s) URL: another
    scheme, an unpaired `[` or `]` around the host, a port that is not a number. For a
    redirect's target, `redirected_from` is the URL that sent there (the fix is the server's)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise InputError(
            f"cannot fetch {redact_userinfo(url)!r}: not a well-formed URL (an unpaired '[' "
            "or ']' around the host, or a port that is not a number)",
            location=redact_userinfo(url),
            hint=_redirect_hint(redirected_from)
            or "check the URL: an IPv6 host is written in brackets, http://[::1]:8080/",
        ) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InputError(
            f"cannot fetch {redact_url(url)!r}: only http and https URLs are supported",
            location=redact_url(url),
            hint=_redirect_hint(redirected_from) or "give a local path, or an http(s):// URL",
        )


def _redirect_hint(redirected_from: str) -> str:
    if not redirected_from:
        return ""
    return (
        f"{redact_url(redirected_from)} redirects there: fix the redirect on that server, or give "
        "the final http(s) URL"
    )


def content_type_charset(content_type: str) -> str:
    """The `charset` parameter of a Content-Type header value, lower-cased, or ""."""
    if not content_type:
        return ""
    message = Message()
    message["Content-Type"] = content_type
    charset = message.get_param("charset")
    return charset.strip().lower() if isinstance(charset, str) else ""
