"""The local side of a publish: the built channel's files, hashed, and the checks that keep an
invalid feed or one naming a missing file from ever leaving the machine."""

from __future__ import annotations

import hashlib
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from packager.errors import FeedInvalidError, InputError
from packager.layout import FEED_NAME
from packager.outputs import channel_files, walk_output
from packager.publish.base import Upload, cache_control_for, content_type_for
from packager.publish.manifest import FileEntry
from packager.validate import validate_feed


@dataclass(frozen=True)
class LocalFile:
    """One file of the output folder, with the hashes publishing compares."""

    name: str
    path: Path
    size: int
    sha256: str
    md5: str

    def upload(self) -> Upload:
        return Upload(
            name=self.name,
            size=self.size,
            sha256=self.sha256,
            md5=self.md5,
            content_type=content_type_for(self.name),
            cache_control=cache_control_for(self.name),
            path=self.path,
        )

    @cached_property
    def entry(self) -> FileEntry:
        """This content as a manifest entry (made once: plans compare it many times)."""
        return FileEntry(sha256=self.sha256, size=self.size)


@dataclass(frozen=True)
class LocalChannel:
    """What a publish sends: the feed, the files it and the other formats name, the public URL."""

    feed: LocalFile
    files: dict[str, LocalFile]
    public_url: str
    # Files the feeds name that the build took from the host (not in the folder): the host
    # must hold them; they are never sent nor deleted.
    held: frozenset[str] = frozenset()


def read_channel(
    output_dir: Path, public_url: str | None, remote: AbstractSet[str] = frozenset()
) -> LocalChannel:
    """The channel built in `output_dir`, validated; files of earlier builds that no feed
    names stay out (and leave the host after the grace period). `remote` names the files
    the build left on the host (its build cache says which): the feed may name them.

    Raises InputError without a feed.json, FeedInvalidError for an invalid feed or one that
    points at a file neither in the folder nor in `remote`."""
    local = scan_output(output_dir)
    feed = local.pop(FEED_NAME)
    check_feed_valid(feed.path)
    held = {name for name in remote if name not in local}
    channel = channel_files(output_dir, set(local), public_url, remote=held)
    files = {
        name: file
        for name, file in local.items()
        if name in channel.referenced or name in channel.other_formats
    }
    return LocalChannel(
        feed=feed,
        files=files,
        public_url=channel.public_url,
        held=frozenset(held & channel.referenced),
    )


def scan_output(output_dir: Path) -> dict[str, LocalFile]:
    """Every publishable file under `output_dir` by POSIX relative name, hashed."""
    if not (output_dir / FEED_NAME).is_file():
        raise InputError(
            f"cannot publish {output_dir}: no {FEED_NAME} in it",
            location=str(output_dir),
            hint="give the folder `packager build` wrote (it holds feed.json)",
        )
    files: dict[str, LocalFile] = {}
    for path in sorted(walk_output(output_dir)):
        name = path.relative_to(output_dir).as_posix()
        sha, md5, size = _hash_file(path)
        files[name] = LocalFile(name=name, path=path, size=size, sha256=sha, md5=md5)
    return files


def _hash_file(path: Path) -> tuple[str, str, int]:
    sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            sha.update(chunk)
            md5.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), md5.hexdigest(), size


def check_feed_valid(feed_path: Path) -> None:
    """Run the validator; a feed with errors is never published."""
    result = validate_feed(feed_path)
    if not result.ok:
        errors = result.errors
        first = "; ".join(f"{p.pointer}: {p.message}" for p in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise FeedInvalidError(
            f"refusing to publish {feed_path}: the feed has {len(errors)} error(s): {first}{more}",
            problems=tuple(result.problems),
            hint=f"run `packager validate {feed_path}` for the full list and fix the build",
        )
