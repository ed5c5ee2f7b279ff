"""Carrying out a publish plan on a host, one operation after another, each with retries; a
failure says which file failed and whether the live feed is still the previous one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar

from packager.errors import PublishError
from packager.layout import FEED_NAME, JOURNAL_NAME, MANIFEST_NAME
from packager.publish.base import ConflictError, Host, HostError, Upload
from packager.publish.channel import LocalFile
from packager.publish.plan import (
    DeleteFile,
    DeleteJournal,
    HostState,
    PublishPlan,
    SendFile,
    SwapFeed,
    WriteJournal,
    WriteManifest,
)
from packager.publish.retry import RetryPolicy, retried
from packager.secrets import redact

T = TypeVar("T")

REACHABLE_HINT = (
    "run the same publish again once the host is reachable: files that arrived are not sent again"
)


class HostFailure(PublishError):
    """A host operation failed for good while publishing one file."""

    def __init__(self, message: str, *, target: str, file: str, feed_live: str, hint: str) -> None:
        super().__init__(message, target=target, hint=hint)
        self.file = file
        self.feed_live = feed_live  # "old", "new" or "unknown" (the swap's answer was lost)


@dataclass
class Executor:
    """Runs host operations with the retry policy and turns a final failure into a
    HostFailure that tells where the live feed stands. `guard`, when given, runs before the
    first write and again right before the feed swap (republish re-checks its lock there)."""

    host: Host
    secrets: tuple[str, ...]
    retry: RetryPolicy
    guard: Callable[[], None] | None = None
    feed_live: str = "old"

    def call(self, what: str, operation: Callable[[], T], /) -> T:
        return retried(self.retry, operation, lambda error, n: self.failure(what, error, n))

    def failure(self, what: str, exc: HostError, attempts: int) -> HostFailure:
        reason = redact(str(exc), self.secrets)
        tries = f" (after {attempts} attempts)" if attempts > 1 else ""
        feed_live = self.feed_live
        if isinstance(exc, ConflictError) and feed_live == "unknown":
            # The host refused our conditional write and holds someone else's version.
            feed_live = "old"
        state, hint = _where_the_feed_stands(feed_live, exc)
        return HostFailure(
            f"publish failed: {what} on {self.host.target} — {reason}{tries}; {state}",
            target=self.host.target,
            file=what,
            feed_live=feed_live,
            hint=redact(hint, self.secrets),
        )


def _where_the_feed_stands(feed_live: str, exc: HostError) -> tuple[str, str]:
    """What the failure left live, and the hint: the host's own (credentials, permissions)
    when it knows the real fix, else what running again will do."""
    again = exc.hint or (REACHABLE_HINT if exc.transient else "")
    if isinstance(exc, ConflictError) and feed_live == "old":
        return (
            "the live feed is untouched by this run (another publisher changed it)",
            "make sure only one publisher writes to this target, then run again to publish on "
            "top of the other change",
        )
    if feed_live == "old":
        state = "the live feed is untouched (devices still see the previous one)"
        return state, again or "fix the cause above, then run the same publish again"
    if feed_live == "unknown":
        state = (
            "the live feed is whole: the previous one, or the new one if the host did the swap "
            "before its answer was lost"
        )
        return state, again or "run the same publish again: files that arrived are not sent again"
    state = "the new feed is already live; only bookkeeping/cleanup failed"
    return state, exc.hint or "run the same publish again to finish the bookkeeping and cleanup"


@dataclass
class Outcome:
    """What running a plan did."""

    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    feed_replaced: bool = False


def run_plan(
    run: Executor,
    plan: PublishPlan,
    local: Mapping[str, LocalFile],
    feed: LocalFile,
    state: HostState,
) -> Outcome:
    """Carry out `plan.operations` in order; raises HostFailure at the first that fails."""
    host, done = run.host, Outcome()
    manifest_version = state.manifest_version
    feed_version = ""
    if run.guard is not None and plan.operations:
        run.guard()
    for op in plan.operations:
        if isinstance(op, WriteJournal):
            data = Upload.of_bytes(JOURNAL_NAME, op.journal.to_bytes())
            run.call(JOURNAL_NAME, lambda data=data: host.replace(data))  # type: ignore[misc]
        elif isinstance(op, SendFile):
            _send(run, local[op.name], op.atomic)
            done.uploaded.append(op.name)
        elif isinstance(op, SwapFeed):
            feed_version = _swap(run, feed, op)
            done.feed_replaced = True
        elif isinstance(op, WriteManifest):
            run.feed_live = "new"
            manifest_version = _write_manifest(run, op, feed_version, manifest_version)
        elif isinstance(op, DeleteFile):
            run.call(op.name, lambda name=op.name: host.delete(name))  # type: ignore[misc]
            done.deleted.append(op.name)
        elif isinstance(op, DeleteJournal):
            run.call(JOURNAL_NAME, lambda: host.delete(JOURNAL_NAME))
    return done


def _send(run: Executor, file: LocalFile, atomic: bool) -> None:
    item = file.upload()
    if atomic:
        run.call(file.name, lambda: run.host.replace(item))
    else:
        run.call(file.name, lambda: run.host.upload(item))


def _swap(run: Executor, feed: LocalFile, op: SwapFeed) -> str:
    if run.guard is not None:
        run.guard()  # the last moment to find out this run may no longer publish
    run.feed_live = "unknown"
    item = feed.upload()
    return run.call(
        FEED_NAME, lambda: run.host.replace(item, if_match=op.if_match, if_absent=op.if_absent)
    )


def _write_manifest(
    run: Executor, op: WriteManifest, feed_version: str, version: str | None
) -> str:
    manifest = op.manifest
    if op.feed_version_from_swap:
        manifest = replace(manifest, feed_version=feed_version)
    data = Upload.of_bytes(MANIFEST_NAME, manifest.to_bytes())
    return run.call(
        MANIFEST_NAME,
        lambda: run.host.replace(data, if_match=version, if_absent=version is None),
    )
