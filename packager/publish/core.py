"""Publishing a built output folder: checks, the plan, and the ordered, resumable upload."""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from packager.errors import FeedInvalidError, InputError, PublishError
from packager.layout import FEED_NAME, JOURNAL_NAME, MANIFEST_NAME, SIBLING_FEED_NAMES
from packager.outputs import channel_files, walk_output
from packager.publish.base import (
    ConflictError,
    Host,
    HostError,
    RemoteFile,
    Upload,
    cache_control_for,
    content_type_for,
    open_host,
    parse_target,
    redact,
)
from packager.publish.manifest import FileEntry, Journal, Manifest
from packager.timestamps import parse_timestamp, utc_z
from packager.validate import validate_feed

DEFAULT_GRACE_PERIOD = timedelta(days=7)

T = TypeVar("T")


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

    @property
    def entry(self) -> FileEntry:
        return FileEntry(sha256=self.sha256, size=self.size)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter for transient failures (timeouts, resets, 5xx)."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1-based): half fixed, half random."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return ceiling / 2 + self.jitter() * ceiling / 2


@dataclass(frozen=True)
class PublishPlan:
    """What a publish sends, keeps and deletes, decided from the host's manifest."""

    upload: tuple[str, ...]
    skip: tuple[str, ...]
    recovered: tuple[str, ...]
    delete: tuple[str, ...]
    waiting: tuple[tuple[str, str], ...]  # (name, deletable after) still in the grace period
    feed_changed: bool
    bytes_to_send: int
    public_url: str
    repaired: tuple[str, ...] = ()  # listed in the manifest but missing or different on the host

    @property
    def changes(self) -> bool:
        return bool(self.upload or self.delete or self.feed_changed)

    def lines(self) -> list[str]:
        """The plan as text, one action a line (for --dry-run and logs)."""
        repaired = set(self.repaired)
        out = [
            f"upload {name}" + (" (missing or different on the host)" if name in repaired else "")
            for name in self.upload
        ]
        if self.feed_changed:
            out.append(f"replace {FEED_NAME} (last)")
        out += [f"delete {name} (unreferenced past the grace period)" for name in self.delete]
        out += [f"keep {name} until {after} (grace period)" for name, after in self.waiting]
        out.append(
            f"{len(self.upload)} to upload ({self.bytes_to_send:,} bytes), "
            f"{len(self.skip)} unchanged, {len(self.recovered)} already arrived, "
            f"{len(self.delete)} to delete"
        )
        return out


@dataclass(frozen=True)
class PublishResult:
    """What a publish did (or, with dry_run, would do), with the figures."""

    target: str
    plan: PublishPlan
    dry_run: bool
    uploaded: tuple[str, ...]
    deleted: tuple[str, ...]
    feed_replaced: bool
    bytes_sent: int
    requests: int
    warnings: tuple[str, ...] = ()

    @property
    def skipped(self) -> tuple[str, ...]:
        return self.plan.skip + self.plan.recovered

    @property
    def exit_code(self) -> int:
        return 0

    def as_dict(self) -> dict[str, object]:
        return {
            "target": self.target,
            "dry_run": self.dry_run,
            "public_url": self.plan.public_url,
            "uploaded": list(self.uploaded),
            "skipped": len(self.skipped),
            "recovered": list(self.plan.recovered),
            "repaired": list(self.plan.repaired),
            "deleted": list(self.deleted),
            "waiting": [{"name": n, "deletable_after": a} for n, a in self.plan.waiting],
            "feed_replaced": self.feed_replaced,
            "bytes_sent": self.bytes_sent,
            "requests": self.requests,
            "warnings": list(self.warnings),
        }


class HostFailure(PublishError):
    """A host operation failed for good while publishing one file."""

    def __init__(self, message: str, *, target: str, file: str, feed_live: str, hint: str) -> None:
        super().__init__(message, target=target, hint=hint)
        self.file = file
        self.feed_live = feed_live  # "old", "new" or "unknown" (the swap's answer was lost)


# --------------------------------------------------------------------------------------------
# The output folder


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


# --------------------------------------------------------------------------------------------
# The run


@dataclass
class _Run:
    host: Host
    secrets: tuple[str, ...]
    retry: RetryPolicy
    feed_live: str = "old"
    stage: str = ""
    warnings: list[str] = field(default_factory=list)

    def call(self, what: str, operation: Callable[[], T]) -> T:
        attempt = 0
        while True:
            attempt += 1
            try:
                return operation()
            except HostError as exc:
                if not exc.transient or attempt >= self.retry.attempts:
                    raise self._failure(what, exc, attempt) from None
                self.retry.sleep(self.retry.delay(attempt))

    def _failure(self, what: str, exc: HostError, attempts: int) -> HostFailure:
        reason = redact(str(exc), self.secrets)
        tries = f" (after {attempts} attempts)" if attempts > 1 else ""
        feed_live = self.feed_live
        if isinstance(exc, ConflictError):
            # The host refused our conditional write and holds someone else's version.
            feed_live = "old" if feed_live == "unknown" else feed_live
        if isinstance(exc, ConflictError) and feed_live == "old":
            state = "the live feed is untouched by this run (another publisher changed it)"
            hint = (
                "make sure only one publisher writes to this target, then run again to "
                "publish on top of the other change"
            )
        elif feed_live == "old":
            state = "the live feed is untouched (devices still see the previous one)"
            hint = (
                "run the same publish again once the host is reachable: files that arrived "
                "are not sent again"
            )
        elif feed_live == "unknown":
            state = (
                "the live feed is whole: the previous one, or the new one if the host did the "
                "swap before its answer was lost"
            )
            hint = "run the same publish again: files that arrived are not sent again"
        else:
            state = "the new feed is already live; only bookkeeping/cleanup failed"
            hint = "run the same publish again to finish the bookkeeping and cleanup"
        return HostFailure(
            f"publish failed: {what} on {self.host.target} — {reason}{tries}; {state}",
            target=self.host.target,
            file=what,
            feed_live=feed_live,
            hint=hint,
        )


def _since(text: str, now: datetime) -> datetime:
    # An unreadable date in the manifest restarts that file's grace period.
    return parse_timestamp(text, assume_utc=True) or now


def _matches(remote: RemoteFile, entry: FileEntry, md5: str = "") -> bool:
    """Whether the host's copy is this content: by hash when the host gives one, else by size."""
    if remote.size != entry.size:
        return False
    if remote.sha256:
        return remote.sha256 == entry.sha256
    if remote.md5 and md5:
        return remote.md5 == md5
    return True


def publish(
    output_dir: Path,
    target: str,
    *,
    dry_run: bool = False,
    grace_period: timedelta = DEFAULT_GRACE_PERIOD,
    now: datetime | None = None,
    public_url: str | None = None,
    host: Host | None = None,
    retry: RetryPolicy | None = None,
    verify: bool = False,
) -> PublishResult:
    """Upload the built channel in `output_dir` to `target`, assets first and the feed last.

    The host's manifest says what it holds; `verify` also asks the host, and sends again any
    file the manifest lists that is missing or different there (deleted or changed by hand).

    `target` is a folder path, file://, http(s):// (WebDAV), s3:// or sftp:// URL. `host`
    replaces the host built from `target` (tests wrap hosts to inject faults). `now` is the
    clock used for the grace period of unreferenced assets.

    Raises FeedInvalidError before anything is sent when the feed fails validation or points
    at missing files, and PublishError (HostFailure) naming the file and host when the host
    fails; the message says whether the live feed is still the previous one.
    """
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    output_dir = Path(output_dir)
    parsed = parse_target(target)
    local = scan_output(output_dir)
    feed_file = local.pop(FEED_NAME)
    check_feed_valid(feed_file.path)
    # Files of earlier builds that the feed no longer names stay out (and leave the host
    # after the grace period); the channel's other formats go with the feed.
    channel = channel_files(output_dir, set(local), public_url)
    base = channel.public_url
    local = {
        name: file
        for name, file in local.items()
        if name in channel.referenced or name in channel.other_formats
    }

    own_host = host is None
    host = host or open_host(target)
    run = _Run(host=host, secrets=parsed.secrets, retry=retry or RetryPolicy())
    start_requests, start_bytes = host.counters.requests, host.counters.bytes_sent
    try:
        return _publish(
            run,
            local,
            feed_file,
            base,
            dry_run,
            grace_period,
            now,
            start_requests,
            start_bytes,
            verify,
        )
    finally:
        if own_host:
            host.close()


def _publish(
    run: _Run,
    local: dict[str, LocalFile],
    feed: LocalFile,
    base: str,
    dry_run: bool,
    grace_period: timedelta,
    now: datetime,
    start_requests: int,
    start_bytes: int,
    verify: bool,
) -> PublishResult:
    host = run.host
    # 1. What the host holds: manifest, journal of an interrupted run, live feed.
    manifest = Manifest()
    manifest_version: str | None = None
    fetched = run.call(MANIFEST_NAME, lambda: host.read(MANIFEST_NAME))
    if fetched is not None:
        manifest_version = fetched[1]
        try:
            manifest = Manifest.from_bytes(fetched[0])
        except (ValueError, KeyError, TypeError):
            run.warnings.append(
                f"{MANIFEST_NAME} on {host.target} is unreadable; every file is sent again"
            )
    journal: Journal | None = None
    fetched_journal = run.call(JOURNAL_NAME, lambda: host.read(JOURNAL_NAME))
    if fetched_journal is not None:
        try:
            journal = Journal.from_bytes(fetched_journal[0])
        except (ValueError, KeyError, TypeError):
            run.warnings.append(f"{JOURNAL_NAME} on {host.target} is unreadable; ignored")
    live_feed = run.call(FEED_NAME, lambda: host.stat([FEED_NAME])).get(FEED_NAME)

    # 2. The plan: send what the manifest does not hold with the same hash.
    files = dict(manifest.files)
    upload = [name for name, lf in local.items() if files.get(name) != lf.entry]
    recovered: list[str] = []
    if journal and journal.pending:
        # An interrupted run may have delivered some files: check them on the host.
        pending = sorted(journal.pending)
        present = run.call(JOURNAL_NAME, lambda: host.stat(pending))
        for name in pending:
            remote = present.get(name)
            entry = journal.pending[name]
            if remote is None or not _matches(
                remote, entry, local[name].md5 if name in local else ""
            ):
                continue
            if name in local and local[name].entry == entry:
                recovered.append(name)
            files[name] = entry
        upload = [name for name in upload if name not in recovered]
    skip = sorted(set(local) - set(upload) - set(recovered))
    repaired: list[str] = []
    if verify and skip:
        held = run.call("(verify)", lambda: host.stat(skip))
        repaired = [
            name
            for name in skip
            if name not in held or not _matches(held[name], local[name].entry, local[name].md5)
        ]
        if repaired:
            upload += repaired
            skip = [name for name in skip if name not in set(repaired)]
            run.warnings.append(
                f"{len(repaired)} file(s) the manifest lists were missing or different on "
                f"{host.target}; {'they would be' if dry_run else 'they are'} sent again: "
                f"{', '.join(repaired[:5])}" + (" ..." if len(repaired) > 5 else "")
            )

    feed_current = bool(
        live_feed
        and manifest.feed_sha256 == feed.sha256
        and manifest.feed_version == live_feed.version
    )
    if live_feed and not feed_current:
        if _matches(live_feed, feed.entry, feed.md5) and (live_feed.sha256 or live_feed.md5):
            feed_current = True
        elif journal and journal.feed_sha256 == feed.sha256 and live_feed.size == feed.size:
            got = run.call(FEED_NAME, lambda: host.read(FEED_NAME))
            feed_current = bool(got and hashlib.sha256(got[0]).hexdigest() == feed.sha256)
    feed_version = live_feed.version if live_feed else ""

    # Unreferenced files wait out the grace period, counted from when first seen unused.
    unreferenced: dict[str, str] = {}
    for name in files:
        if name not in local:
            unreferenced[name] = manifest.unreferenced.get(name) or utc_z(now)
    delete = sorted(
        n for n, since in unreferenced.items() if now - _since(since, now) >= grace_period
    )
    retry_delete = sorted(set(manifest.deleting) - set(local))
    waiting = tuple(
        (n, utc_z(_since(since, now) + grace_period))
        for n, since in sorted(unreferenced.items())
        if n not in delete
    )
    plan = PublishPlan(
        upload=tuple(upload),
        skip=tuple(skip),
        recovered=tuple(sorted(recovered)),
        delete=tuple(sorted(set(delete) | set(retry_delete))),
        waiting=waiting,
        feed_changed=not feed_current,
        bytes_to_send=sum(local[n].size for n in upload) + (0 if feed_current else feed.size),
        public_url=base,
        repaired=tuple(repaired),
    )
    needs_manifest = (
        plan.changes
        or bool(recovered)
        or files != manifest.files
        or unreferenced != manifest.unreferenced
        or (feed_current and manifest.feed_version != feed_version)
        or manifest.feed_sha256 != feed.sha256
    )

    def result(uploaded: list[str], deleted: list[str], replaced: bool) -> PublishResult:
        return PublishResult(
            target=host.target,
            plan=plan,
            dry_run=dry_run,
            uploaded=tuple(uploaded),
            deleted=tuple(deleted),
            feed_replaced=replaced,
            bytes_sent=host.counters.bytes_sent - start_bytes,
            requests=host.counters.requests - start_requests,
            warnings=tuple(run.warnings),
        )

    if dry_run or not (needs_manifest or journal):
        return result([], [], False)

    # 3. Journal first, so an interrupted run can be finished without resending.
    if plan.upload or plan.feed_changed:
        note = Journal(
            feed_sha256=feed.sha256, pending={n: local[n].entry for n in plan.upload}
        ).to_bytes()
        run.call(JOURNAL_NAME, lambda: host.replace(Upload.of_bytes(JOURNAL_NAME, note)))

    # 4. Every asset, then the feed, atomically, guarded against a concurrent writer.
    uploaded: list[str] = []
    # The other formats name the same assets as the feed: they go after every asset, each
    # swapped in atomically like the feed.
    for name in sorted(plan.upload, key=lambda n: n in SIBLING_FEED_NAMES):
        item = local[name].upload()
        if name in SIBLING_FEED_NAMES:
            run.call(name, lambda item=item: host.replace(item))  # type: ignore[misc]
        else:
            run.call(name, lambda item=item: host.upload(item))  # type: ignore[misc]
        files[name] = local[name].entry
        uploaded.append(name)
    if plan.feed_changed:
        run.feed_live = "unknown"
        item = feed.upload()
        feed_version = run.call(
            FEED_NAME,
            lambda: host.replace(
                item, if_match=live_feed.version if live_feed else None, if_absent=live_feed is None
            ),
        )
    run.feed_live = "new"

    # 5. Bookkeeping, then deletions (the new feed is live), then the journal goes.
    for name in local:
        files[name] = local[name].entry
    for name in plan.delete:
        files.pop(name, None)
        unreferenced.pop(name, None)
    new_manifest = Manifest(
        feed_sha256=feed.sha256,
        feed_version=feed_version,
        files=files,
        unreferenced=unreferenced,
        deleting=list(plan.delete),
        updated=utc_z(now),
    )
    manifest_version = _write_manifest(run, new_manifest, manifest_version)
    deleted: list[str] = []
    for name in plan.delete:
        run.call(name, lambda name=name: host.delete(name))  # type: ignore[misc]
        deleted.append(name)
    if deleted:
        new_manifest.deleting = []
        _write_manifest(run, new_manifest, manifest_version)
    if journal is not None or plan.upload or plan.feed_changed:
        run.call(JOURNAL_NAME, lambda: host.delete(JOURNAL_NAME))
    return result(uploaded, deleted, plan.feed_changed)


def _write_manifest(run: _Run, manifest: Manifest, version: str | None) -> str:
    data = Upload.of_bytes(MANIFEST_NAME, manifest.to_bytes())
    return run.call(
        MANIFEST_NAME,
        lambda: run.host.replace(data, if_match=version, if_absent=version is None),
    )
