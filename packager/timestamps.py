"""Reading and writing ISO 8601 timestamps, the one way every module does it."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_timestamp(text: object, *, assume_utc: bool = False) -> datetime | None:
    """An ISO 8601 / RFC 3339 date-time (a trailing `Z` allowed) as a datetime, else None
    (also for one that cannot be expressed in UTC, at the ends of the calendar).

    A value without a time zone is taken as UTC with `assume_utc`, and is None without it
    (the feed spec requires a zone, so a validator must not guess one).
    """
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC) if assume_utc else None
    try:
        # 9999-12-31T23:59:59-05:00 and 0001-01-01T00:30:00+05:00 are valid ISO 8601 but lie
        # outside what a datetime can hold in UTC: every later comparison or UTC write would
        # raise OverflowError, so they are not usable timestamps.
        moment.astimezone(UTC)
    except OverflowError:
        return None
    return moment


def utc_z(moment: datetime) -> str:
    """`2026-11-28T12:00:00Z`: the form packager's own state files (manifest, lock) use."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
