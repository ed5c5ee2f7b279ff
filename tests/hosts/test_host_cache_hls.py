"""A channel whose rendered videos are HLS folders, republished from a fresh runner: the host's
build cache already is the one publish would write, so the run is "no-changes", not a publish
every time (the cache counts each playlist's segments, as publish does)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from packager.config import load_config
from packager.republish import republish

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "channel" / "articles"
NOW = datetime(2026, 12, 1, tzinfo=UTC)

pytestmark = pytest.mark.slow


def test_a_rendered_hls_channel_from_a_fresh_runner_is_current(tmp_path: Path) -> None:
    root = tmp_path / "channel"
    shutil.copytree(EXAMPLE / "05-bridge-text-only", root / "articles" / "05-bridge-text-only")
    (root / "channel.toml").write_text(
        '[channel]\nprovider_name = "Harbor City News"\nlanguage = "en"\n'
        'base_url = "https://cdn.harborcity.example/roku/"\nsources = ["articles"]\n'
        "[video]\nhls = true\n",
        encoding="utf-8",
    )
    config = load_config(root / "channel.toml")
    served = str(tmp_path / "served")

    first = republish(config, served, out_dir=tmp_path / "runner-1", now=NOW)
    second = republish(config, served, out_dir=tmp_path / "runner-2", now=NOW)
    third = republish(config, served, out_dir=tmp_path / "runner-3", now=NOW)

    assert first.status == "published", first.message
    assert any(p.suffix == ".ts" or p.suffix == ".m4s" for p in Path(served).rglob("*"))
    assert (second.status, third.status) == ("no-changes", "no-changes"), (
        second.message,
        third.message,
    )
