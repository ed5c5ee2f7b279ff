"""validate_feed pauses Python's cyclic garbage collector while it works (a large feed is a
million containers the collector would walk for nothing) and always gives it back."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from packager.errors import InputError
from packager.validate import validate_feed

BASE = Path(__file__).parent / "base-feed.json"


@pytest.fixture
def collector_state() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_paused_while_checking_and_running_again_after(
    collector_state: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import packager.validate as validate

    seen: list[bool] = []
    check = validate.check_document

    def spying(document):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return check(document)

    monkeypatch.setattr(validate, "check_document", spying)
    gc.enable()
    assert validate_feed(BASE.read_bytes()).ok
    assert seen == [False]
    assert gc.isenabled()


def test_the_collector_runs_again_when_the_feed_cannot_be_read(collector_state: None) -> None:
    gc.enable()
    with pytest.raises(InputError):
        validate_feed(b"{not json")
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off(collector_state: None) -> None:
    gc.disable()
    validate_feed(BASE.read_bytes())
    assert not gc.isenabled()


def test_the_asset_checks_run_with_the_collector_on(
    collector_state: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import packager.validate.assets as assets

    seen: list[bool] = []

    def spying(feed, options):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return []

    monkeypatch.setattr(assets, "check_feed_assets", spying)
    gc.enable()
    validate_feed(BASE.read_bytes(), check_assets=True)
    assert seen == [True]
