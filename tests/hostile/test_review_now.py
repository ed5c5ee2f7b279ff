"""The hidden --now clock: bad text is a usage error; a time without a zone is UTC."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from tests.builders import make_photo


@pytest.mark.parametrize("command", ["build", "republish"])
def test_unreadable_now_is_a_usage_error(command: str, tmp_path: Path) -> None:
    args = [command, "--now", "yesterday-ish"]
    if command == "republish":
        args += ["--to", str(tmp_path / "host")]

    result = CliRunner().invoke(main, args, catch_exceptions=False)

    assert result.exit_code == 2
    assert "--now" in result.output and "ISO 8601" in result.output


def test_a_now_without_a_zone_is_utc(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "article.md").write_text("# A story\n\nIt reads fine.\n", encoding="utf-8")
    make_photo(tmp_path / "a" / "photo.jpg")
    args = ["build", str(tmp_path / "a"), "--out", str(tmp_path / "o"), "-o", "json"]
    args += ["--provider-name", "P", "--base-url", "https://cdn.example/roku/"]

    result = CliRunner().invoke(main, [*args, "--now", "2026-11-28T12:00:00"])

    assert result.exit_code == 0, result.output
    feed = json.loads((tmp_path / "o" / "feed.json").read_text(encoding="utf-8"))
    assert feed["lastUpdated"].startswith("2026-11-28T12:00:00")
