"""Publishing a built output folder: read the host, plan, run the plan (`publish`).

The steps live in their own modules: `channel` (the local files, validated), `state` (what
the host holds), `plan` (a pure function deciding the ordered operations), `execute`
(running them with retries).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from packager.publish.base import KNOWN_SCHEMES, Host, host_for
from packager.publish.execute import Executor, run_plan
from packager.publish.hostcache import (
    channel_and_cache,
    check_held,
    file_keys,
    host_cache_after,
    write_host_cache,
)
from packager.publish.plan import ContentKey, PlanOptions, PublishPlan, make_plan
from packager.publish.retry import RetryPolicy
from packager.publish.state import probe_host, read_state
from packager.publish.target import check_not_in_output, parse_target

DEFAULT_GRACE_PERIOD = timedelta(days=7)

__all__ = ["DEFAULT_GRACE_PERIOD", "PublishResult", "publish"]


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


def publish(  # noqa: PLR0913 - keyword-only options of the public API
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
    keys: Mapping[str, ContentKey] | None = None,
    guard: Callable[[], None] | None = None,
) -> PublishResult:
    """Upload the built channel in `output_dir` to `target`, assets first and the feed last.

    The host's manifest says what it holds; `verify` also asks the host, and sends again any
    file the manifest lists that is missing or different there (deleted or changed by hand).

    `target` is a folder path, file://, http(s):// (WebDAV), s3:// or sftp:// URL. `host`
    replaces the host built from `target` (tests wrap hosts to inject faults). `now` is the
    clock used for the grace period of unreferenced assets. `keys` gives files the content
    key and metadata the build knows (kept in the host's manifest, see
    `state.read_live_manifest`). `guard` runs before the first write and right before the
    feed swap; it raises to stop the run (republish checks its lock there).

    Raises FeedInvalidError before anything is sent when the feed fails validation or points
    at missing files, and PublishError (HostFailure) naming the file and host when it fails.
    """
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    parsed = parse_target(target, known_schemes=KNOWN_SCHEMES)
    check_not_in_output(parsed, Path(output_dir))  # the library refuses it as the CLI does
    channel, cache = channel_and_cache(Path(output_dir), public_url)
    with host_for(parsed, host) as (_, host):
        run = Executor(host, parsed.secrets, retry or RetryPolicy(), guard=guard)
        start_requests, start_bytes = host.counters.requests, host.counters.bytes_sent
        state = read_state(host, run.call)
        probes = probe_host(host, run.call, channel, state, verify=verify)
        check_held(host, run.call, channel, (state, probes), verify=verify)
        options = PlanOptions(
            now,
            grace_period,
            verify,
            dry_run,
            channel.public_url,
            {**file_keys(cache, channel), **(keys or {})},
            host.target,
            channel.held,
        )
        plan = make_plan(channel.files, channel.feed, state, probes, options)
        done = None if dry_run else run_plan(run, plan, channel.files, channel.feed, state)
        warnings = plan.warnings
        if done is not None and cache is not None:
            warnings += write_host_cache(run, host_cache_after(channel, cache))
        return PublishResult(
            target=host.target,
            plan=plan,
            dry_run=dry_run,
            uploaded=tuple(done.uploaded) if done else (),
            deleted=tuple(done.deleted) if done else (),
            feed_replaced=done.feed_replaced if done else False,
            bytes_sent=host.counters.bytes_sent - start_bytes,
            requests=host.counters.requests - start_requests,
            warnings=warnings,
        )
