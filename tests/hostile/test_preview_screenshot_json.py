"""`preview --screenshot -o json` whose screenshot fails reports the error without a
contradicting "status": "ok"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from tests.acceptance.preview.channel import channel_feed, write_channel


def test_a_failed_screenshot_in_json_is_not_ok(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_channel(tmp_path / "output", channel_feed())
    (tmp_path / "channel.toml").write_text(
        '[channel]\nprovider_name = "Harbor"\nbase_url = "https://cdn.example.com/"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PACKAGER_CHROMIUM", str(tmp_path / "no-such-chromium"))
    result = CliRunner().invoke(
        main, ["preview", "--screenshot", "home.png", "-o", "json"], catch_exceptions=False
    )
    assert result.exit_code != 0
    data = json.loads(result.stdout)
    assert data.get("status") != "ok" and data["error"]
    assert data["page"]  # the page was written: its report is still there
