"""The small protocol every publish host implements, the scheme registry, and shared helpers."""

from __future__ import annotations

import errno
import hashlib
import importlib
import posixpath
import re
import socket
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Protocol

from packager.layout import BUILD_CACHE_NAME, FEED_NAME, JOURNAL_NAME, MANIFEST_NAME
from packager.publish.target import Target, parse_target

# scheme → "module:Class"; imported lazily so boto3/paramiko load only when used.
# Adding a host kind is one line here plus its own module.
HOSTS_BY_SCHEME: dict[str, str] = {
    "": "packager.publish.local:LocalHost",
    "file": "packager.publish.local:LocalHost",
    "http": "packager.publish.webdav:WebDavHost",
    "https": "packager.publish.webdav:WebDavHost",
    "s3": "packager.publish.s3:S3Host",
    "sftp": "packager.publish.sftp:SftpHost",
}

KNOWN_SCHEMES = frozenset(scheme for scheme in HOSTS_BY_SCHEME if scheme)

# FEED_NAME, MANIFEST_NAME, JOURNAL_NAME: the names beside the feed (packager.layout).

# The feed changes on every build, devices re-read it: keep it short. Content-hashed assets
# never change under their name: cache them for a year and tell caches not to revalidate.
FEED_CACHE_CONTROL = "public, max-age=300"
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
MUTABLE_CACHE_CONTROL = "public, max-age=300"
STATE_CACHE_CONTROL = "no-store"

CONTENT_TYPES_BY_SUFFIX: dict[str, str] = {
    ".json": "application/json",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
    ".m4v": "video/x-m4v",
    ".mov": "video/quicktime",
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".m4s": "video/iso.segment",
    ".mpd": "application/dash+xml",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip",
    ".ttml": "application/ttml+xml",
    ".dfxp": "application/ttml+xml",
    ".bif": "application/octet-stream",
    ".aac": "audio/aac",
    ".txt": "text/plain; charset=utf-8",
}

# A name carries a content hash when its stem holds a run of 16+ hex digits (images/<sha>.jpg).
_CONTENT_HASH_RE = re.compile(r"[0-9a-f]{16,}")


def stat_names(
    names: Sequence[str],
    *,
    one: Callable[[str], RemoteFile | None],
    folder: Callable[[str], dict[str, RemoteFile]],
    few: int,
) -> dict[str, RemoteFile]:
    """What a host holds for `names`: one request per name (`one`) for up to `few` names,
    else one listing per folder (`folder`, "" for the target itself), whichever is cheaper."""
    if len(names) <= few:
        return {name: info for name in names if (info := one(name)) is not None}
    wanted = set(names)
    found: dict[str, RemoteFile] = {}
    for path in sorted({posixpath.dirname(name) for name in names}):
        found.update((name, info) for name, info in folder(path).items() if name in wanted)
    return found


def content_type_for(name: str) -> str:
    """The Content-Type for a published file, from its suffix."""
    return CONTENT_TYPES_BY_SUFFIX.get(
        PurePosixPath(name).suffix.lower(), "application/octet-stream"
    )


def cache_control_for(name: str) -> str:
    """Cache-Control: short for the feed and mutable names, long + immutable for hashed names."""
    if name == FEED_NAME:
        return FEED_CACHE_CONTROL
    if name in (MANIFEST_NAME, JOURNAL_NAME, BUILD_CACHE_NAME):
        return STATE_CACHE_CONTROL
    if _CONTENT_HASH_RE.search(PurePosixPath(name).stem.lower()):
        return IMMUTABLE_CACHE_CONTROL
    return MUTABLE_CACHE_CONTROL


@dataclass(frozen=True)
class Upload:
    """One file to put on a host: its name under the target, its bytes (path or memory), hashes."""

    name: str
    size: int
    sha256: str
    md5: str
    content_type: str
    cache_control: str
    path: Path | None = None
    data: bytes | None = None

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()

    @classmethod
    def of_bytes(cls, name: str, data: bytes) -> Upload:
        """A small file made in memory (manifest, journal, lock), with its headers."""
        return cls(
            name=name,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
            content_type=content_type_for(name),
            cache_control=cache_control_for(name),
            data=data,
        )


@dataclass(frozen=True)
class RemoteFile:
    """What a host says about a file it holds; hashes only when the host knows them cheaply."""

    size: int
    version: str
    md5: str = ""
    sha256: str = ""
    # When the host last wrote it, where the host says (a stale lock's age); None: unknown.
    modified: datetime | None = None


@dataclass
class HostCounters:
    """Requests made and bytes sent by one host object (for the result and the benchmark)."""

    requests: int = 0
    bytes_sent: int = 0


class HostError(Exception):
    """One host operation failed; `transient` says whether retrying may help, `hint` (when the
    host knows the real fix: credentials, permissions) what the user should do.

    Messages never contain credentials: hosts build them from status codes and exception
    class names, and `packager.secrets.redact` scrubs known secrets as a second line of defence.
    """

    def __init__(self, message: str, *, transient: bool, hint: str = "") -> None:
        super().__init__(message)
        self.transient = transient
        self.hint = hint


READ_ONLY_HINT = (
    "the target is read-only for this user: check the permissions of the folder or bucket "
    "(or the credentials' policy), then run the same publish again"
)


DNS_FAILURE = "the host name does not resolve (DNS)"
REFUSED = "connection refused (nothing listens on that port)"


def describe_network_error(exc: BaseException) -> str:
    """A short reason for a failed connection, told apart: "connection refused", "host name
    does not resolve", "timed out", "connection reset"; found anywhere in the exception's
    chain (requests, urllib3, botocore and paramiko wrap the socket error several times)."""
    chain = _chain(exc)
    for cause in chain:
        if isinstance(cause, socket.gaierror) or "Name or service not known" in str(cause):
            return DNS_FAILURE
        if isinstance(cause, ConnectionRefusedError) or (
            isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED
        ):
            return REFUSED
        if isinstance(cause, ConnectionResetError | BrokenPipeError):
            return "connection reset"
        if isinstance(cause, socket.timeout | TimeoutError):
            return "timed out"
    for cause in chain:
        if "timed out" in str(cause).lower() or "timeout" in type(cause).__name__.lower():
            return "timed out"
    return "connection failed"


def network_error(what: str, exc: BaseException) -> HostError:
    """A HostError for a connection that failed, saying how, with the fix that fits: a name
    that does not resolve is a typo more often than an outage (not retried)."""
    reason = describe_network_error(exc)
    if reason == DNS_FAILURE:
        hint = "check the host name in the target (and the machine's DNS), then run again"
        return HostError(f"{what}: {reason}", transient=False, hint=hint)
    if reason == REFUSED:
        hint = (
            "check the port in the target and that the server is running, then run the same "
            "publish again: files that arrived are not sent again"
        )
        return HostError(f"{what}: {reason}", transient=True, hint=hint)
    return HostError(f"{what}: {reason}", transient=True)


def _chain(exc: BaseException) -> list[BaseException]:
    """`exc` and what it wraps: __cause__, __context__, urllib3's `reason`, botocore's `error`,
    and exceptions among its args; each once."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo and len(seen) < 20:
        current = todo.pop(0)
        if any(current is done for done in seen):
            continue
        seen.append(current)
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        linked += [getattr(current, "kwargs", {}).get("error"), *current.args]
        errors = getattr(current, "errors", None)  # paramiko: one error per address tried
        if isinstance(errors, dict):
            linked += list(errors.values())
        todo += [item for item in linked if isinstance(item, BaseException)]
    return seen


class ConflictError(HostError):
    """A conditional write was refused: someone else changed the file since this run read it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, transient=False)


class Host(Protocol):
    """A place a channel is published to. Names are relative POSIX paths under the target.

    Every write operation is complete or absent: `upload` leaves either the whole verified
    file or (after a failure) possibly nothing/a stale copy under the name, and `replace` swaps
    the file atomically. `if_match` / `if_absent` are enforced where the host supports
    conditional writes (S3); hosts that cannot check atomically ignore them.
    """

    target: str
    counters: HostCounters

    def read(self, name: str) -> tuple[bytes, str] | None:
        """The file's bytes and version token, or None when it does not exist."""
        ...

    def stat(self, names: Sequence[str]) -> dict[str, RemoteFile]:
        """What the host holds for each of `names`; missing names are left out."""
        ...

    def upload(self, item: Upload) -> None:
        """Put one file and verify it arrived whole (size, and a hash where the host gives one)."""
        ...

    def replace(self, item: Upload, *, if_match: str | None = None, if_absent: bool = False) -> str:
        """Atomically replace one file; returns its new version token."""
        ...

    def delete(self, name: str) -> None:
        """Delete one file; a file that is already gone is not an error."""
        ...

    def create(self, name: str, data: bytes) -> bool:
        """Create a small file only if it is absent, atomically; False if it exists already.

        Two runs creating the same name at once: exactly one gets True (the publish lock
        relies on it)."""
        ...

    def close(self) -> None: ...


def open_host(target: str | Target) -> Host:
    """Build the host object for a target URL, chosen by its scheme from HOSTS_BY_SCHEME."""
    parsed = _parsed(target)
    module_name, _, class_name = HOSTS_BY_SCHEME[parsed.scheme].partition(":")
    host_class = getattr(importlib.import_module(module_name), class_name)
    host: Host = host_class(parsed)
    return host


def _parsed(target: str | Target) -> Target:
    """`target` parsed; parse_target refuses every scheme HOSTS_BY_SCHEME does not name."""
    if isinstance(target, Target) and target.scheme in HOSTS_BY_SCHEME:
        return target
    raw = target.raw if isinstance(target, Target) else target
    return parse_target(raw, known_schemes=KNOWN_SCHEMES)


@contextmanager
def host_for(target: str | Target, host: Host | None = None) -> Iterator[tuple[Target, Host]]:
    """The parsed target and its host: `host` when one is given (left open for its owner),
    else one opened here and closed on the way out. Raises InputError for a bad target."""
    parsed = _parsed(target)
    if host is not None:
        yield parsed, host
        return
    opened = open_host(parsed)
    try:
        yield parsed, opened
    finally:
        opened.close()
