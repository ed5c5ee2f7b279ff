"""The publish lock beside the feed (`packager-lock.json`): one run at a time per target.

The lock is a small JSON file made with the host's atomic create-if-absent, naming who holds
it, on which machine, since when and until when. A lock past its expiry belongs to a run that
died: the next run takes it over. Release deletes it, only if it is still ours.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from packager.errors import LockBusyError
from packager.layout import LOCK_NAME
from packager.publish.base import ConflictError, Host, Upload
from packager.timestamps import parse_timestamp, utc_z

LOCK_FORMAT = "packager-lock/1"
# Covers a whole republish (build included); a run that dies leaves the target blocked at
# most this long.
DEFAULT_LOCK_TTL = timedelta(hours=1)
POLL_SECONDS = 2.0
# Clocks of CI runners and hosts differ a little; a lock's times are trusted this far off.
CLOCK_SKEW = timedelta(minutes=10)
# A lock never counts as held for longer than this past its last renewal, whatever it says.
MAX_LOCK_TTL = timedelta(hours=24)


class LockLostError(LockBusyError):
    """This run's lock was taken over (or ran out) while it worked: it must not publish."""


def default_owner() -> str:
    """Who is running: the CI job when there is one, else user and process id."""
    if os.environ.get("GITHUB_RUN_ID"):
        repo = os.environ.get("GITHUB_REPOSITORY", "")
        return f"github-actions {repo} run {os.environ['GITHUB_RUN_ID']}".replace("  ", " ")
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user} pid {os.getpid()}"


@dataclass(frozen=True)
class LockInfo:
    """What the lock file says."""

    token: str
    owner: str
    host_name: str
    started: datetime
    expires: datetime
    # When its holder last renewed it, and the TTL it was taken with (None: a lock written
    # by an earlier version, which recorded neither).
    renewed: datetime | None = None
    ttl: timedelta | None = None

    def to_bytes(self) -> bytes:
        data: dict[str, object] = {
            "format": LOCK_FORMAT,
            "token": self.token,
            "owner": self.owner,
            "host": self.host_name,
            "startedAt": utc_z(self.started),
            "expiresAt": utc_z(self.expires),
        }
        if self.renewed is not None:
            data["renewedAt"] = utc_z(self.renewed)
        if self.ttl is not None:
            data["ttlSeconds"] = int(self.ttl.total_seconds())
        return (json.dumps(data, indent=1) + "\n").encode("utf-8")

    def stale(self, now: datetime, ttl: timedelta) -> bool:
        """Whether the lock no longer holds at `now`: past its expiry, or past its last renewal
        plus its TTL (`ttl` when it records none; capped), or dated in the future beyond clock
        skew (a lock reading `expiresAt` 9999 must not block the target until 9999)."""
        since = self.renewed or self.started
        if since > now + CLOCK_SKEW:
            return True
        lifetime = min(self.ttl or ttl, MAX_LOCK_TTL)
        return min(self.expires, since + lifetime + CLOCK_SKEW) <= now

    @classmethod
    def from_bytes(cls, raw: bytes) -> LockInfo:
        """Parse a lock file; raises ValueError when it is not one."""
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != LOCK_FORMAT:
            raise ValueError(f"not a {LOCK_FORMAT} document")
        try:
            started = parse_timestamp(data["startedAt"], assume_utc=True)
            expires = parse_timestamp(data["expiresAt"], assume_utc=True)
            if started is None or expires is None:
                raise ValueError("lock file has an unreadable startedAt or expiresAt")
            renewed = parse_timestamp(data.get("renewedAt") or "", assume_utc=True)
            seconds = data.get("ttlSeconds")
            ttl = (
                timedelta(seconds=seconds)
                if isinstance(seconds, int) and not isinstance(seconds, bool) and seconds > 0
                else None
            )
            return cls(
                token=str(data["token"]),
                owner=str(data.get("owner", "")),
                host_name=str(data.get("host", "")),
                started=started,
                expires=expires,
                renewed=renewed,
                ttl=ttl,
            )
        except (KeyError, OverflowError) as exc:
            raise ValueError(f"lock file lacks {exc}") from None

    def describe(self) -> str:
        return f"{self.owner or 'an unnamed run'} on {self.host_name or 'an unknown machine'}"


@dataclass
class HostLock:
    """A held lock; `renew()` proves it is still ours and extends it, `release()` gives it
    back (safe to call twice)."""

    host: Host
    info: LockInfo
    waited_seconds: float = 0.0
    took_over: LockInfo | None = None  # the stale lock this run replaced
    released: bool = False

    def renew(
        self,
        *,
        ttl: timedelta = DEFAULT_LOCK_TTL,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Check the lock is still this run's and push its expiry `ttl` from now.

        A run that outlived its lock (a build longer than the TTL) may have been taken over
        by another run: then it must not publish. Raises LockLostError naming who holds the
        lock now; HostError when the host fails.
        """
        found = self.host.read(LOCK_NAME)
        current = _parse(found[0]) if found else None
        now = clock()
        if found is None or current is None or current.token != self.info.token:
            raise _lost(self.host, current)
        if self.info.expires <= now:
            raise _lost(self.host, None, expired=self.info.expires)
        renewed = replace(self.info, expires=now + ttl, renewed=now, ttl=ttl)
        try:
            self.host.replace(Upload.of_bytes(LOCK_NAME, renewed.to_bytes()), if_match=found[1])
        except ConflictError:  # changed between our read and our write: someone else's now
            raise _lost(self.host, None) from None
        self.info = renewed

    def release(self) -> bool:
        """Delete the lock if it is still ours; False when someone took it over meanwhile."""
        if self.released:
            return True
        self.released = True
        found = self.host.read(LOCK_NAME)
        if found is None:
            return False
        try:
            current = LockInfo.from_bytes(found[0])
        except ValueError:
            return False
        if current.token != self.info.token:
            return False
        self.host.delete(LOCK_NAME)
        return True


def acquire_lock(  # noqa: PLR0913 - keyword-only options of the public API
    host: Host,
    *,
    owner: str | None = None,
    ttl: timedelta = DEFAULT_LOCK_TTL,
    wait_seconds: float = 0.0,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
    poll_seconds: float = POLL_SECONDS,
) -> HostLock:
    """Take the lock on `host`, waiting up to `wait_seconds` for another run to finish.

    Raises LockBusyError (exit code 9) naming the holder and since when when it stays held,
    and HostError when the host fails.
    """
    owner = owner or default_owner()
    host_name = socket.gethostname()
    deadline = time.monotonic() + max(0.0, wait_seconds)
    started_wait = time.monotonic()
    took_over: LockInfo | None = None
    while True:
        now = clock()
        mine = LockInfo(uuid.uuid4().hex, owner, host_name, now, now + ttl, now, ttl)
        # A host whose create is not atomic could let a racing writer overwrite ours:
        # reading it back shows that, and the run then backs off like any other loser.
        if host.create(LOCK_NAME, mine.to_bytes()) and _still_mine(host, mine):
            waited = time.monotonic() - started_wait
            return HostLock(host, mine, waited_seconds=waited, took_over=took_over)
        found = host.read(LOCK_NAME)
        if found is None:
            continue  # released between our two requests
        holder = _parse(found[0])
        stale = holder if holder is not None else _unreadable_and_old(host, now, ttl)
        if stale is not None and (holder is None or holder.stale(now, ttl)):
            if _remove_if_unchanged(host, found[0]):
                took_over = stale
            continue
        if time.monotonic() >= deadline:
            raise _busy(host, holder, wait_seconds)
        sleep(min(poll_seconds, max(0.05, deadline - time.monotonic())))


def _parse(raw: bytes) -> LockInfo | None:
    try:
        return LockInfo.from_bytes(raw)
    except (ValueError, UnicodeDecodeError):
        return None


def _unreadable_and_old(host: Host, now: datetime, ttl: timedelta) -> LockInfo | None:
    """An unreadable lock file (empty, garbage) last written longer ago than the TTL (as the
    host says; it blocks, as before, on a host that does not say): a run that died while
    writing it. Returned as the lock taken over, for the warning."""
    written = host.stat([LOCK_NAME]).get(LOCK_NAME)
    modified = written.modified if written is not None else None
    if modified is None or modified + max(ttl, DEFAULT_LOCK_TTL) > now:
        return None
    return LockInfo("", f"an unreadable {LOCK_NAME}", "", modified, modified)


def _lost(host: Host, holder: LockInfo | None, *, expired: datetime | None = None) -> LockLostError:
    if expired is not None:
        why = f"this run's lock expired at {utc_z(expired)} and another run may take it over"
    elif holder is None:
        why = f"{LOCK_NAME} is gone or unreadable"
    else:
        why = f"{holder.describe()} took it over at {utc_z(holder.started)}"
    return LockLostError(
        f"not published: this run lost the publish lock on {host.target} ({why}); the live "
        "feed is untouched by this run",
        target=host.target,
        owner=holder.owner if holder else "",
        hint="the run took longer than the lock's lifetime: the next scheduled run publishes; "
        "if builds are this slow, raise the lock TTL",
    )


def _still_mine(host: Host, mine: LockInfo) -> bool:
    found = host.read(LOCK_NAME)
    if found is None:
        return False
    try:
        return LockInfo.from_bytes(found[0]).token == mine.token
    except ValueError:
        return False


def _remove_if_unchanged(host: Host, stale: bytes) -> bool:
    """Delete a stale lock, after checking it is still the same stale lock (another run may
    have taken it over a moment ago)."""
    again = host.read(LOCK_NAME)
    if again is None:
        return True
    if again[0] != stale:
        return False
    host.delete(LOCK_NAME)
    return True


def _busy(host: Host, holder: LockInfo | None, wait_seconds: float) -> LockBusyError:
    waited = f" after waiting {wait_seconds:g} s" if wait_seconds > 0 else ""
    if holder is None:
        return LockBusyError(
            f"another run is publishing to {host.target}{waited}: {LOCK_NAME} is there but "
            "unreadable",
            target=host.target,
            hint=f"if no other run is active, delete {LOCK_NAME} on the host and run again",
        )
    return LockBusyError(
        f"another run is publishing to {host.target}{waited}: {holder.describe()} holds "
        f"{LOCK_NAME} since {utc_z(holder.started)} (until {utc_z(holder.expires)} at the latest)",
        target=host.target,
        owner=holder.owner,
        host_name=holder.host_name,
        since=utc_z(holder.started),
        expires=utc_z(holder.expires),
        hint="let it finish, or queue behind it with --wait SECONDS; a lock past its expiry is "
        "taken over automatically",
    )
