"""URL helpers every network caller shares: origins, redaction, the http(s)-only rule.

Light: imports no HTTP library, so config checks and messages can use it.
"""

from __future__ import annotations

from email.message import Message
from urllib.parse import urlsplit

from packager.errors import InputError
from packager.secrets import redact_url

_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of `url`, with the scheme's default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme, 0)


def redact(url: str) -> str:
    """`url` without user name and password, for messages and logs (one redaction:
    packager.secrets)."""
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


def content_type_charset(content_type: str) -> str:
    """The `charset` parameter of a Content-Type header value, lower-cased, or ""."""
    if not content_type:
        return ""
    message = Message()
    message["Content-Type"] = content_type
    charset = message.get_param("charset")
    return charset.strip().lower() if isinstance(charset, str) else ""
