"""Reading a publish target (folder, file://, https://, s3://, sftp://) into its kind and a form
that may be shown: never echo a raw target, it may hold a password."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path
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
# The port part of "scheme://[userinfo@]host:port": what follows the host's last colon.
_PORT = re.compile(
    r"^(?P<head>[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#]*@)?(?:\[[^\]]*\]|[^/?#@:]*)):"
    r"(?P<port>[^/?#]*)"
)


@dataclass(frozen=True)
class Target:
    """A parsed target URL, with its secrets kept apart from what may be shown."""

    scheme: str
    raw: str
    display: str
    secrets: tuple[str, ...] = field(default=())


def parse_target(target: str, *, known_schemes: frozenset[str] = frozenset()) -> Target:
    """Split a target into its scheme and a display form without credentials.

    Refuses (InputError, naming the target without its password) an empty target, a URL that
    cannot be read (a bad port, an "@" after the host: a password with an unencoded "/"), a
    scheme not in `known_schemes`, a file:// URL for another machine, plain http:// to another
    machine, or, without a scheme, anything that looks like a mistyped URL rather than a folder.
    """
    if not target.strip():
        raise InputError(
            "cannot publish: the target is empty",
            location="--to",
            hint="give --to a folder or URL; in CI this usually means the variable or secret "
            f"that holds the target is unset or empty; targets are {TARGET_FORMS}",
        )
    secrets = tuple(userinfo_secrets(target))
    shown = redact_userinfo(target)
    parts = _split(target, shown)
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
    if known_schemes and scheme not in known_schemes:
        raise _refused(shown, f"unknown target kind {scheme!r}", _scheme_hint(scheme))
    _check_host(parts, scheme, shown)
    if scheme != "file" and "@" in parts.path + parts.query + parts.fragment:
        raise _refused(
            shown,
            'an "@" after the host: the user name or password holds a "/" or "@"',
            _encode_hint(),
        )
    if parts.password:
        secrets += (parts.password, unquote(parts.password))
    secrets = tuple(dict.fromkeys(secrets))
    return Target(scheme=scheme, raw=target, display=_display(parts), secrets=secrets)


def _split(target: str, shown: str) -> SplitResult:
    """urlsplit, refusing what it cannot read. urllib's own message quotes the bad part of the
    URL, which may be a password ("Port could not be cast to integer value as 'pa'"), so it is
    never shown: the reason is said in our words, and the port is hidden from the target too."""
    try:
        parts = urlsplit(target)
        parts.port  # noqa: B018 - urlsplit checks the port only when it is read
    except ValueError as exc:
        if "IPv6" in str(exc):
            why = 'a "[" or "]" in the host that does not pair up'
            raise _refused(shown, why, _encode_hint()) from None
        hidden = _hide_port(shown)
        if "out of range" in str(exc):
            raise _refused(hidden, "the port is out of range (1-65535)", _encode_hint()) from None
        why = (
            "the port is not a number, or the user name or password has a character that must "
            "be percent-encoded"
        )
        raise _refused(hidden, why, _encode_hint()) from None
    return parts


def _hide_port(shown: str) -> str:
    """`shown` with a port that is not a number replaced by *** (it may be a password typed
    where the port goes, or the tail of one)."""
    match = _PORT.match(shown)
    if match is None or match.group("port").isdigit():
        return shown
    return f"{match.group('head')}:***{shown[match.end() :]}"


def _check_host(parts: SplitResult, scheme: str, shown: str) -> None:
    """Hosts that can be refused before any connection: a file:// URL for another machine,
    plain http to anything but this machine (it would send the password in the clear), an
    s3:// URL with credentials in it, an sftp:// URL without a host."""
    host = parts.hostname or ""
    if scheme == "file" and parts.netloc not in ("", "localhost"):
        raise _refused(
            shown,
            "a file:// URL must name this machine (no user name or host)",
            "write file:///absolute/path or a plain folder path",
        )
    if scheme == "http" and not _is_loopback(host):
        raise _refused(
            shown,
            "plain http:// would send the password and files unencrypted",
            "use an https:// URL (http:// is only allowed for localhost and 127.0.0.1)",
        )
    if scheme == "s3" and "@" in parts.netloc:
        # Nothing before the "@" is shown: it is an access key id, maybe with its secret.
        bucket = parts.netloc.rpartition("@")[2]
        raise _refused(
            f"s3://{bucket}{parts.path}",
            "an s3:// URL carries no credentials",
            "put the keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or an AWS profile) and "
            "write the target as s3://bucket/prefix",
        )
    if scheme == "sftp" and not host:
        raise _refused(
            shown, "no host in the URL", "write the target as sftp://user@host:port/path"
        )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# Schemes people reach for that packager does not speak, and what to write instead.
_SCHEME_ADVICE = {
    "ssh": "for SSH, write sftp://user@host:port/path",
    "scp": "for SSH, write sftp://user@host:port/path",
    "ftp": "FTP is not supported; use sftp://user@host/path if the host has SSH",
    "ftps": "FTP is not supported; use sftp://user@host/path if the host has SSH",
    "webdav": "for WebDAV, write https://host/path/",
    "webdavs": "for WebDAV, write https://host/path/",
    "dav": "for WebDAV, write https://host/path/",
    "davs": "for WebDAV, write https://host/path/",
    "htps": "did you mean https:// ?",
    "htp": "did you mean http:// ?",
    "htttps": "did you mean https:// ?",
}


def _scheme_hint(scheme: str) -> str:
    return _SCHEME_ADVICE.get(scheme, "check the spelling of the part before ://")


def check_not_in_output(target: Target, output_dir: Path) -> None:
    """Refuse a local target that is OUTPUT_DIR itself or a folder inside it: publishing there
    writes the channel into its own build (out/images/feed.json, ...)."""
    if target.scheme not in ("", "file"):
        return
    raw = unquote(urlsplit(target.raw).path) if target.scheme == "file" else target.raw
    folder = Path(raw).expanduser().resolve()
    output = Path(output_dir).expanduser().resolve()
    if folder == output or output in folder.parents:
        where = "is the output folder" if folder == output else "is inside the output folder"
        raise InputError(
            f"cannot publish to {target.display}: it {where} {output_dir}",
            location=target.display,
            hint="publish to a folder outside the output folder (for example ../site), or to "
            "a remote host",
        )


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
        "percent-encode these characters in the user name and password: / @ # ? : as "
        "%2F %40 %23 %3F %3A, or leave the password out of the URL and set PACKAGER_SFTP_PASSWORD (SFTP) or "
        "PACKAGER_PUBLISH_PASSWORD (WebDAV)"
    )


def _refused(shown: str, why: str, hint: str, *, forms: bool = True) -> InputError:
    return InputError(
        f"cannot publish to {shown}: {why}",
        location=shown,
        hint=f"{hint}; targets are {TARGET_FORMS}" if forms else hint,
    )
