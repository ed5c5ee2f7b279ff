"""Reading a publish target (folder, file://, https://, s3://, sftp://) into its kind and a form
that may be shown: never echo a raw target, it may hold a password."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

from packager.errors import InputError
from packager.secrets import redact_userinfo, userinfo_secrets

TARGET_FORMS = (
    "a folder path, file:///path, https://host/path/, s3://bucket/prefix or "
    "sftp://user@host:port/path"
)
# "sftp//host", "s3/bucket": a scheme-like first word without its colon.
_SCHEME_TYPO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)(?P<slashes>/+)(?P<rest>.*)$")
# What is clearly a local path: absolute, explicitly relative, home-relative, or a drive.
_CLEARLY_A_PATH = re.compile(r"^(?:/|\./|\.\./|~|[A-Za-z]:[\\/]|\\\\)")


@dataclass(frozen=True)
class Target:
    """A parsed target URL, with its secrets kept apart from what may be shown."""

    scheme: str
    raw: str
    display: str
    secrets: tuple[str, ...] = field(default=())


def parse_target(target: str, *, known_schemes: frozenset[str] = frozenset()) -> Target:
    """Split a target into its scheme and a display form without credentials.

    Refuses (InputError, naming the target without its password) a URL that cannot be read:
    a bad port, an "@" after the host (a password with an unencoded "/"), or, without a
    scheme, anything that looks like a mistyped URL rather than a folder.
    """
    secrets = tuple(userinfo_secrets(target))
    shown = redact_userinfo(target)
    try:
        parts = urlsplit(target)
        parts.port  # noqa: B018 - urlsplit checks the port only when it is read
    except ValueError as exc:
        raise _refused(shown, f"{exc}", _encode_hint()) from None
    scheme = parts.scheme.lower()
    if len(scheme) == 1:  # a Windows drive letter, not a scheme
        scheme = ""
    if not scheme:
        _check_local_path(target, shown, known_schemes)
        return Target(scheme="", raw=target, display=shown, secrets=secrets)
    if scheme != "file" and not parts.netloc:
        raise _refused(
            shown,
            f'no "//" after "{parts.scheme}:", so no host',
            "write sftp://user@host/path (scp-style user@host:/path is not understood), "
            "https://host/path/ or s3://bucket/prefix; passwords go in the environment",
            forms=False,
        )
    if scheme != "file" and "@" in parts.path:
        raise _refused(
            shown,
            'an "@" after the host: the user name or password holds a "/" or "@"',
            _encode_hint(),
        )
    if parts.password:
        secrets += (parts.password, unquote(parts.password))
    secrets = tuple(dict.fromkeys(secrets))
    return Target(scheme=scheme, raw=target, display=_display(parts), secrets=secrets)


def _display(parts: SplitResult) -> str:
    if parts.username is None and parts.password is None:
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _check_local_path(target: str, shown: str, known_schemes: frozenset[str]) -> None:
    """A target without a scheme is a folder only when it is clearly one: "sftp//deploy@host"
    (a missing colon) must not quietly become a local folder named "sftp"."""
    if _CLEARLY_A_PATH.match(target):
        return
    typo = _SCHEME_TYPO.match(target)
    scheme_like = typo is not None and (
        typo.group("scheme").lower() in known_schemes or typo.group("slashes") == "//"
    )
    if typo and scheme_like:
        fixed = redact_userinfo(f"{typo.group('scheme').lower()}://{typo.group('rest')}")
        raise _refused(
            shown,
            "it looks like a URL with a typo, not a folder",
            f"did you mean {fixed} ? For a local folder of that name, write ./{shown}",
        )
    if "@" in target or "//" in target:
        raise _refused(
            shown,
            'it has "@" or "//" like a URL, but no scheme',
            "write a remote target as sftp://user@host/path (scp-style user@host:/path is not "
            f"understood); for a local folder of that name, write ./{shown}",
        )


def _encode_hint() -> str:
    return (
        'percent-encode "/" as %2F and "@" as %40 in the user name and password, or leave the '
        "password out of the URL and set PACKAGER_SFTP_PASSWORD (SFTP) or "
        "PACKAGER_PUBLISH_PASSWORD (WebDAV)"
    )


def _refused(shown: str, why: str, hint: str, *, forms: bool = True) -> InputError:
    return InputError(
        f"cannot publish to {shown}: {why}",
        location=shown,
        hint=f"{hint}; targets are {TARGET_FORMS}" if forms else hint,
    )
