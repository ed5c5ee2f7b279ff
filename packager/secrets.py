"""Keeping credentials out of everything packager prints: URLs, targets and messages.

A leaf: imports nothing from the project, so the HTTP client, the publish hosts and the
command line all redact the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, urlsplit, urlunsplit

REDACTED = "***"

# A userinfo-like part: after "scheme://" (or at the start of a word, for scp-style
# "user:password@host:/path"), a name, a colon, then anything up to the LAST "@" of the word.
# Greedy on purpose: a password may hold "/" or "@" that the writer forgot to percent-encode
# (sftp://deploy:pa/ss@host/srv), and urlsplit then puts part of it in the path. The price:
# a URL with a port and an "@" in its path (https://h:8080/a@b) is shown as https://h:***@b.
_USERINFO = re.compile(
    r"(?P<lead>\b[A-Za-z][A-Za-z0-9+.-]*://|(?<![^\s'\"(<\[=,/]))"
    r"(?P<user>[^\s:/@'\"]*):(?!//)(?P<secret>[^\s'\"]*)@"
)


def userinfo_secrets(text: str) -> list[str]:
    """The password-like parts of every userinfo-like part in `text` (for `redact`)."""
    return [match.group("secret") for match in _USERINFO.finditer(text) if match.group("secret")]


def redact_userinfo(text: str) -> str:
    """`text` with the password of every userinfo-like part replaced by ***, parseable or not:
    `sftp://deploy:pa/ss@host/srv` → `sftp://deploy:***@host/srv`,
    `deploy:secret@host:/srv` → `deploy:***@host:/srv`. User names are kept."""
    return _USERINFO.sub(
        lambda m: (
            f"{m.group('lead')}{m.group('user')}:{REDACTED}@" if m.group("secret") else m.group(0)
        ),
        text,
    )


def redact_url(url: str) -> str:
    """`url` without user name and password, for messages and logs; anything that does not
    parse as a URL still loses its userinfo-like parts."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return redact_userinfo(url)
    if parts.username is None and parts.password is None:
        return redact_userinfo(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port else host
    return redact_userinfo(
        urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    )


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every known secret (and its URL-quoted form) replaced by ***, and any
    userinfo-like part redacted as well (a second line of defence)."""
    for secret in secrets:
        if len(secret) >= 3:
            text = text.replace(secret, REDACTED).replace(quote(secret, safe=""), REDACTED)
    return redact_userinfo(text)
