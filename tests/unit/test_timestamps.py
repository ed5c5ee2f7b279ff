"""timestamps.parse_timestamp: one reading of ISO 8601 that never yields an unusable datetime."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from packager.timestamps import parse_timestamp, utc_z


@pytest.mark.parametrize("text", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:30:00+05:00"])
def test_a_date_beyond_the_utc_calendar_is_not_a_timestamp(text: str) -> None:
    assert parse_timestamp(text) is None


def test_the_calendar_ends_themselves_are_fine() -> None:
    assert parse_timestamp("9999-12-31T23:59:59Z") == datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert utc_z(parse_timestamp("0001-01-01T05:30:00+05:00") or datetime.now(UTC)) == (
        "0001-01-01T00:30:00Z"
    )


def test_a_naive_time_is_utc_only_when_asked() -> None:
    assert parse_timestamp("2026-11-28T12:00:00") is None
    assert parse_timestamp("2026-11-28T12:00:00", assume_utc=True) == datetime(
        2026, 11, 28, 12, tzinfo=UTC
    )
