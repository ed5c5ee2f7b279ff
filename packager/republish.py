"""`packager republish`: build from the configured sources, compare with the live feed, and
publish only when something changed; for unattended scheduled jobs.

Nothing is kept on the machine that runs it: the live feed (its items' first-seen dates), the
publish manifest and the lock all live on the host beside the feed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from packager.build import BuildResult, build_feed
from packager.config import ChannelConfig
from packager.diff import FeedDiff, diff_feeds, feed_items
from packager.errors import ExitCode, LockBusyError, PackagerError, PublishError
from packager.layout import FEED_NAME
from packager.outputs import current_sibling_feeds
from packager.publish.base import Host, HostError, open_host
from packager.publish.core import DEFAULT_GRACE_PERIOD, PublishResult, publish
from packager.publish.lock import DEFAULT_LOCK_TTL, HostLock, acquire_lock
from packager.publish.retry import RetriesExhausted, RetryPolicy, with_retries
from packager.publish.target import parse_target
from packager.secrets import redact
from packager.timestamps import parse_timestamp

DEFAULT_MAX_SHRINK = 0.5

# status → exit code (published and no-changes are both 0 unless detailed codes are asked for)
STATUS_EXIT_CODES: dict[str, ExitCode] = {
    "published": ExitCode.OK,
    "no-changes": ExitCode.OK,
    "invalid-feed": ExitCode.FEED_INVALID,
    "bad-input": ExitCode.BAD_INPUT,
    "host-failed": ExitCode.PUBLISH_FAILED,
    "source-unreachable": ExitCode.SOURCE_UNREACHABLE,
    "shrink-refused": ExitCode.SHRINK_REFUSED,
    "busy": ExitCode.BUSY,
}
# A PackagerError's exit code → the status a republish reports for it.
STATUS_BY_EXIT_CODE: dict[ExitCode, str] = {
    ExitCode.FEED_INVALID: "invalid-feed",
    ExitCode.SOURCE_UNREACHABLE: "source-unreachable",
    ExitCode.BUSY: "busy",
}


@dataclass(frozen=True)
class RepublishResult:
    """What a republish run did and why; decides the exit code."""

    status: str
    target: str
    message: str
    hint: str = ""
    diff: FeedDiff | None = None
    build: BuildResult | None = None
    published: PublishResult | None = None
    live_items: int | None = None  # None: no feed was live
    lock_waited_seconds: float = 0.0
    host_requests: int = 0
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.status in ("published", "no-changes")

    def exit_code(self, *, detailed: bool = False) -> ExitCode:
        """0 for published and no changes; with `detailed`, no changes is 8."""
        if detailed and self.status == "no-changes":
            return ExitCode.NO_CHANGES
        return STATUS_EXIT_CODES[self.status]

    def as_dict(self, *, detailed: bool = False) -> dict[str, Any]:
        return {
            "status": self.status,
            "exitCode": int(self.exit_code(detailed=detailed)),
            "target": self.target,
            "message": self.message,
            "hint": self.hint,
            "liveItems": self.live_items,
            "diff": self.diff.as_dict() if self.diff else None,
            "publish": self.published.as_dict() if self.published else None,
            "build": self.build.as_dict() if self.build else None,
            "lockWaitedSeconds": round(self.lock_waited_seconds, 3),
            "hostRequests": self.host_requests,
            "warnings": list(self.warnings),
        }

    def text(self) -> str:
        """The summary for people: the outcome, then the diff."""
        lines = [self.message]
        if self.hint:
            lines.append(f"hint: {self.hint}")
        if self.diff is not None and self.diff.has_changes:
            lines.append(self.diff.text())
        lines += [f"warning: {warning}" for warning in self.warnings]
        return "\n".join(lines)

    def markdown(self) -> str:
        """For a CI job summary ($GITHUB_STEP_SUMMARY)."""
        lines = [f"### packager republish: {self.status}", "", _markdown_line(self.message)]
        if self.hint:
            lines.append(f"\n_hint: {_markdown_line(self.hint)}_")
        text = "\n".join(lines) + "\n"
        if self.diff is not None:
            text += "\n" + self.diff.markdown()
        return text


def _markdown_line(text: str) -> str:
    return text.replace("\n", " ")


def live_dates(feed: Any) -> dict[str, datetime]:
    """Each live item's `content.dateAdded` by id (items without a readable one are left out)."""
    dates: dict[str, datetime] = {}
    for item_id, (_, item) in feed_items(feed).items():
        content = item.get("content")
        text = content.get("dateAdded") if isinstance(content, dict) else None
        moment = parse_timestamp(text, assume_utc=True)
        if moment is not None:
            dates[item_id] = moment
    return dates


def shrink_refusal(diff: FeedDiff, max_shrink: float) -> str:
    """Why the new feed drops too much of the live one, or "" when it does not.

    Refused: losing every live item, or at least `max_shrink` of them (0.5: half or more).
    """
    live, removed = diff.old_count, len(diff.removed)
    if live == 0 or removed == 0:
        return ""
    if diff.new_count == 0 or removed >= max_shrink * live:
        share = removed / live
        return (
            f"the new feed would drop {removed} of the {live} live items ({share:.0%}), "
            f"keeping {diff.new_count}; the limit is {max_shrink:.0%}"
        )
    return ""


def republish(
    config: ChannelConfig,
    target: str,
    *,
    out_dir: Path,
    allow_shrink: bool = False,
    max_shrink: float = DEFAULT_MAX_SHRINK,
    wait_seconds: float = 0.0,
    now: datetime | None = None,
    grace_period: timedelta = DEFAULT_GRACE_PERIOD,
    lock_ttl: timedelta = DEFAULT_LOCK_TTL,
    owner: str | None = None,
    host: Host | None = None,
    retry: RetryPolicy | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
    verify: bool = False,
) -> RepublishResult:
    """Build the channel from `config.sources` into `out_dir`, diff it against the feed live
    on `target`, and publish it there only when something changed.

    Runs under the target's lock (`packager-lock.json`); waits up to `wait_seconds` for another
    run. Refuses (status "shrink-refused") a feed that drops at least `max_shrink` of the live
    items, or all of them, unless `allow_shrink`. Every outcome is a result with a status;
    only a bad config (ConfigError) or a bug raises. `verify` also checks that the host
    still holds every file the feed needs and sends again what is missing, even when the
    feed itself did not change (see `publish`).
    """
    if not 0.0 <= max_shrink <= 1.0:
        raise ValueError("max_shrink is a share between 0 and 1")
    own_host = host is None
    try:
        parsed = parse_target(target)
        host = host or open_host(target)
    except PackagerError as error:
        status = "host-failed" if isinstance(error, PublishError) else "bad-input"
        return RepublishResult(status, getattr(error, "location", ""), error.message, error.hint)
    retry = retry or RetryPolicy()
    start = host.counters.requests
    try:
        try:
            lock = with_retries(
                retry,
                lambda: acquire_lock(
                    host,
                    owner=owner,
                    ttl=lock_ttl,
                    wait_seconds=wait_seconds,
                    clock=clock,
                    sleep=sleep,
                ),
            )
        except LockBusyError as error:
            return RepublishResult(
                "busy", host.target, error.message, error.hint, host_requests=_used(host, start)
            )
        except RetriesExhausted as failed:
            result = _host_failed(host, "taking the publish lock", failed.error, parsed.secrets)
            return replace(result, host_requests=_used(host, start))
        try:
            result = _locked_run(
                config,
                host,
                lock,
                out_dir=out_dir,
                allow_shrink=allow_shrink,
                max_shrink=max_shrink,
                now=now,
                grace_period=grace_period,
                retry=retry,
                secrets=parsed.secrets,
                verify=verify,
                guard=_lock_guard(host, lock, retry, lock_ttl, clock, parsed.secrets),
            )
        finally:
            note = _release(lock, retry, parsed.secrets)
        warnings = result.warnings + ((note,) if note else ())
        return replace(result, warnings=warnings, host_requests=_used(host, start))
    finally:
        if own_host:
            host.close()


def _locked_run(
    config: ChannelConfig,
    host: Host,
    lock: HostLock,
    *,
    out_dir: Path,
    allow_shrink: bool,
    max_shrink: float,
    now: datetime | None,
    grace_period: timedelta,
    retry: RetryPolicy,
    secrets: tuple[str, ...],
    verify: bool,
    guard: Callable[[], None],
) -> RepublishResult:
    warnings: list[str] = []
    if lock.took_over is not None:
        warnings.append(
            f"took over a stale lock of {lock.took_over.describe()} "
            f"(expired {lock.took_over.expires.isoformat()})"
        )
    waited = lock.waited_seconds
    try:
        fetched = with_retries(retry, lambda: host.read(FEED_NAME))
    except RetriesExhausted as failed:
        return _host_failed(host, f"reading the live {FEED_NAME}", failed.error, secrets)
    live: Any = None
    if fetched is not None:
        try:
            live = json.loads(fetched[0])
        except ValueError:
            warnings.append(f"the live {FEED_NAME} on {host.target} is not JSON; replacing it")
    live_count = len(feed_items(live)) if live is not None else None

    try:
        build = build_feed([], out_dir, config, now=now, known_dates=live_dates(live))
    except PackagerError as error:
        status = "source-unreachable" if error.exit_code == ExitCode.SOURCE_UNREACHABLE else None
        return RepublishResult(
            status or "bad-input",
            host.target,
            f"build failed: {error.message}",
            error.hint,
            live_items=live_count,
            lock_waited_seconds=waited,
            warnings=tuple(warnings),
        )

    def outcome(status: str, message: str, hint: str = "", **extra: Any) -> RepublishResult:
        return RepublishResult(
            status,
            host.target,
            message,
            hint,
            build=build,
            live_items=live_count,
            lock_waited_seconds=waited,
            warnings=tuple(warnings),
            **extra,
        )

    if build.unreachable:
        names = ", ".join(build.unreachable)
        return outcome(
            "source-unreachable",
            f"not published: cannot fetch {names}; the live feed on {host.target} is untouched",
            "check that the source is up and its URL is right; the next scheduled run "
            "publishes once it answers",
        )
    if not build.feed_written:
        if build.validation is not None and not build.validation.ok:
            errors = build.validation.errors
            first = "; ".join(f"{p.pointer}: {p.message}" for p in errors[:3])
            return outcome(
                "invalid-feed",
                f"not published: the built feed has {len(errors)} error(s): {first}",
                f"see {out_dir / 'build-report.json'}; the live feed is untouched",
            )
        if live_count:
            return outcome(
                "shrink-refused",
                f"not published: the build produced no items and would empty the "
                f"{live_count}-item live feed on {host.target}",
                f"{len(build.skipped)} article(s) were skipped; see "
                f"{out_dir / 'build-report.json'}",
            )
        return outcome(
            "bad-input",
            "not published: nothing could be built from the sources",
            f"see {out_dir / 'build-report.json'} for the skipped articles",
        )

    new = json.loads((out_dir / FEED_NAME).read_bytes())
    diff = diff_feeds(live if isinstance(live, dict) else {}, new)
    unchanged = (
        live is not None and not diff.has_changes and not _other_formats_changed(host, out_dir)
    )
    if unchanged and not verify:
        return outcome("no-changes", f"no changes: {host.target} is current", diff=diff)
    refusal = "" if allow_shrink else shrink_refusal(diff, max_shrink)
    if refusal:
        return outcome(
            "shrink-refused",
            f"not published: {refusal}; the live feed on {host.target} is untouched",
            "a source may be broken; if the drop is intended, run again with --allow-shrink "
            "(or raise --max-shrink)",
            diff=diff,
        )
    try:
        published = publish(
            out_dir,
            host.target,
            host=host,
            now=now,
            grace_period=grace_period,
            retry=retry,
            verify=verify,
            guard=guard,
        )
    except PackagerError as error:
        status = STATUS_BY_EXIT_CODE.get(error.exit_code, "host-failed")
        return outcome(status, error.message, error.hint, diff=diff)
    warnings += published.warnings
    touched = published.uploaded or published.deleted or published.feed_replaced
    if unchanged and not touched:
        return outcome(
            "no-changes",
            f"no changes: {host.target} is current and holds every file",
            diff=diff,
            published=published,
        )
    if unchanged:
        return outcome(
            "published",
            f"repaired {host.target}: the feed's items did not change; "
            f"{len(published.uploaded)} file(s) sent again, {len(published.deleted)} deleted"
            + (", feed.json replaced" if published.feed_replaced else "")
            + f", {published.bytes_sent:,} bytes",
            diff=diff,
            published=published,
        )
    return outcome(
        "published",
        f"published to {host.target}: {diff.summary()}; {len(published.uploaded)} file(s) "
        f"uploaded, {published.bytes_sent:,} bytes",
        diff=diff,
        published=published,
    )


def _other_formats_changed(host: Host, out_dir: Path) -> bool:
    """Whether feed.xml or search.json (as this build wrote them) differ from the host's copy:
    they change with the config (formats, countries) even when feed.json does not."""
    for name in sorted(current_sibling_feeds(out_dir)):
        remote = host.read(name)
        if remote is None or remote[0] != (out_dir / name).read_bytes():
            return True
    return False


def _lock_guard(
    host: Host,
    lock: HostLock,
    retry: RetryPolicy,
    ttl: timedelta,
    clock: Callable[[], datetime],
    secrets: tuple[str, ...],
) -> Callable[[], None]:
    """Before publish writes anything, and again right before it swaps the feed: renew the
    lock, or stop (LockLostError, status busy) when another run took it over meanwhile."""

    def guard() -> None:
        try:
            with_retries(retry, lambda: lock.renew(ttl=ttl, clock=clock))
        except RetriesExhausted as failed:
            raise PublishError(
                f"not published: renewing the publish lock on {host.target} failed — "
                f"{redact(str(failed.error), secrets)}; the live feed is untouched by this run",
                target=host.target,
                hint=failed.error.hint or "check that the host is up; the next run publishes",
            ) from None

    return guard


def _used(host: Host, start: int) -> int:
    return host.counters.requests - start


def _host_failed(
    host: Host, what: str, error: HostError, secrets: tuple[str, ...]
) -> RepublishResult:
    return RepublishResult(
        "host-failed",
        host.target,
        f"not published: {what} on {host.target} failed — {redact(str(error), secrets)}",
        error.hint
        or "check the target URL, the credentials and that the host is up; nothing was changed",
    )


def _release(lock: HostLock, retry: RetryPolicy, secrets: tuple[str, ...]) -> str:
    """Give the lock back (also after a failure); a warning when that did not work."""
    try:
        released = with_retries(retry, lock.release)
    except RetriesExhausted as failed:
        return (
            f"could not release the lock: {redact(str(failed.error), secrets)}; the next run "
            "takes it over once it expires"
        )
    return "" if released else "the lock was taken over by another run while this one ran"


def write_step_summary(result: RepublishResult, path: Path) -> None:
    """Append the result as Markdown to a GitHub Actions job summary file."""
    with path.open("a", encoding="utf-8") as stream:
        stream.write(result.markdown() + "\n")
