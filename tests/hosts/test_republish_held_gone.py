"""Without --verify, a republish that reuses the host's files asks the host for just those
files: one deleted by hand is made again and sent, and the live feed never names it missing."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from packager.config import ChannelConfig, load_config
from packager.republish import republish

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "channel" / "articles"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
BASE = "https://cdn.harborcity.example/roku/"


def _config(root: Path, *articles: str) -> ChannelConfig:
    for name in articles:
        shutil.copytree(EXAMPLE / name, root / "articles" / name, dirs_exist_ok=True)
    (root / "channel.toml").write_text(
        f'[channel]\nprovider_name = "Harbor City News"\nlanguage = "en"\nbase_url = "{BASE}"\n'
        'sources = ["articles"]\n[video]\nrender = "off"\n',
        encoding="utf-8",
    )
    return load_config(root / "channel.toml")


def _live_files(host: Path) -> list[str]:
    feed = json.loads((host / "feed.json").read_bytes())
    return [
        item["thumbnail"].removeprefix(BASE)
        for items in feed.values()
        if isinstance(items, list)
        for item in items
        if isinstance(item, dict) and "thumbnail" in item
    ]


def test_a_file_deleted_on_the_host_is_made_again_before_the_swap(tmp_path: Path) -> None:
    host = tmp_path / "host"
    config = _config(tmp_path, "04-council-hls")
    first = republish(config, str(host), out_dir=tmp_path / "out1", now=NOW)
    assert first.status == "published", first.as_dict()
    (thumbnail,) = _live_files(host)
    (host / thumbnail).unlink()

    config = _config(tmp_path, "07-derby-json")  # a new article: the feed changes
    again = republish(config, str(host), out_dir=tmp_path / "out2", now=NOW + timedelta(hours=1))
    assert again.status == "published", again.as_dict()
    assert any("missing" in w and thumbnail in w for w in again.warnings), again.warnings
    for name in _live_files(host):
        assert (host / name).is_file(), name


def test_nothing_changed_and_no_verify_believes_the_manifest(tmp_path: Path) -> None:
    """No feed swap, no stat: --verify is the way to repair a host (as documented)."""
    host = tmp_path / "host"
    config = _config(tmp_path, "04-council-hls")
    assert republish(config, str(host), out_dir=tmp_path / "o1", now=NOW).status == "published"
    (thumbnail,) = _live_files(host)
    (host / thumbnail).unlink()
    again = republish(config, str(host), out_dir=tmp_path / "o2", now=NOW + timedelta(hours=1))
    assert again.status == "no-changes", again.as_dict()
