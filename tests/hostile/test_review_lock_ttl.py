"""`republish --lock-ttl`: the lock's lifetime reaches the run; too short is a usage error."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import packager.republish
from packager.cli import main
from packager.republish import RepublishResult


def _channel(root: Path) -> Path:
    (root / "articles").mkdir(parents=True)
    (root / "channel.toml").write_text(
        '[channel]\nprovider_name = "Harbor"\nlanguage = "en"\n'
        'base_url = "https://cdn.example/roku/"\nsources = ["articles"]\n',
        encoding="utf-8",
    )
    return root / "channel.toml"


def test_lock_ttl_reaches_republish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake(*_args: Any, **kwargs: Any) -> RepublishResult:
        seen.update(kwargs)
        return RepublishResult("no-changes", "t", "no changes")

    monkeypatch.setattr(packager.republish, "republish", fake)
    config = _channel(tmp_path / "ch")
    args = ["republish", "-c", str(config), "--to", str(tmp_path / "served"), "--lock-ttl", "7200"]

    result = CliRunner().invoke(main, args, catch_exceptions=False)

    assert result.exit_code == 0, result.output
    assert seen["lock_ttl"] == timedelta(hours=2)


def test_a_lock_ttl_under_a_minute_is_a_usage_error(tmp_path: Path) -> None:
    args = ["republish", "--to", str(tmp_path / "served"), "--lock-ttl", "5"]

    result = CliRunner().invoke(main, args, catch_exceptions=False)

    assert result.exit_code == 2 and "--lock-ttl" in result.output
