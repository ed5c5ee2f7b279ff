"""The exception hierarchy and the exit codes that are packager's contract with scripts and CI."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes; documented in the README and in `packager --help`."""

    OK = 0
    UNEXPECTED = 1
    USAGE = 2
    FEED_INVALID = 3
    BAD_INPUT = 4
    PUBLISH_FAILED = 5
    SOURCE_UNREACHABLE = 6
    SHRINK_REFUSED = 7
    NO_CHANGES = 8
    BUSY = 9


class PackagerError(Exception):
    """Base class of every error packager reports to a user (never a bug)."""

    exit_code: ExitCode = ExitCode.UNEXPECTED

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\nhint: {self.hint}" if self.hint else self.message


@dataclass(frozen=True)
class ConfigProblem:
    """One wrong key of a config: which key, what is wrong with it, how to fix it."""

    key: str
    message: str
    hint: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "message": self.message, "hint": self.hint}


class ConfigError(PackagerError):
    """The channel config (channel.toml or options) is wrong; `problems` lists every wrong key."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        key: str = "",
        hint: str = "",
        problems: tuple[ConfigProblem, ...] = (),
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = path
        self.key = key
        self.problems = problems


class InputError(PackagerError):
    """An input file, URL or stream cannot be read or parsed at all."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, message: str, *, location: str = "", hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.location = location


class SourceError(InputError):
    """One article source (bundle, page, feed entry, image) is broken; the build skips it."""


class SourceUnreachableError(InputError):
    """A remote source could not be fetched (network, timeout, HTTP error)."""

    exit_code = ExitCode.SOURCE_UNREACHABLE


class FeedInvalidError(PackagerError):
    """A feed failed validation; the problems are attached."""

    exit_code = ExitCode.FEED_INVALID

    def __init__(self, message: str, *, problems: tuple[object, ...] = (), hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.problems = problems


class PublishError(PackagerError):
    """Uploading to a host failed; what was live before stays live."""

    exit_code = ExitCode.PUBLISH_FAILED

    def __init__(self, message: str, *, target: str = "", hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.target = target


class LockBusyError(PackagerError):
    """Another run holds the publish lock on the target (`packager-lock.json`)."""

    exit_code = ExitCode.BUSY

    def __init__(  # noqa: PLR0913 - keyword-only: the lock's fields, kept for messages
        self,
        message: str,
        *,
        target: str = "",
        owner: str = "",
        host_name: str = "",
        since: str = "",
        expires: str = "",
        hint: str = "",
    ) -> None:
        super().__init__(message, hint=hint)
        self.target = target
        self.owner = owner
        self.host_name = host_name
        self.since = since
        self.expires = expires


class UnsafeUrlError(SourceError):
    """A URL found inside fetched content points at a loopback, private or link-local address."""


class ImageError(SourceError):
    """An article's picture cannot become a thumbnail (empty, corrupt, truncated, too large)."""


class RenderError(SourceError):
    """Rendering an article's video failed; the build records it and skips that article."""

    def __init__(
        self, message: str, *, location: str = "", article_id: str = "", hint: str = ""
    ) -> None:
        super().__init__(message, location=location, hint=hint)
        self.article_id = article_id
