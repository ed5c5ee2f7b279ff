"""An unreadable live manifest (or one of another format) is rewritten by the next republish
even when the feed did not change: it does not make every later run render again for good."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from packager.config import ChannelConfig, load_config
from packager.layout import MANIFEST_NAME
from packager.publish.manifest import Manifest
from packager.republish import republish

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "channel" / "articles"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _config(root: Path) -> ChannelConfig:
    shutil.copytree(EXAMPLE / "04-council-hls", root / "articles" / "04-council-hls")
    (root / "channel.toml").write_text(
        '[channel]\nprovider_name = "Harbor City News"\nlanguage = "en"\n'
        'base_url = "https://cdn.harborcity.example/roku/"\nsources = ["articles"]\n'
        '[video]\nrender = "off"\n',
        encoding="utf-8",
    )
    return load_config(root / "channel.toml")


@pytest.mark.parametrize(
    "broken", [b"[1,2,3]", b"{{", b'{"format": "packager-manifest/99", "files": {}}']
)
def test_a_broken_manifest_is_rewritten_when_nothing_changed(tmp_path: Path, broken: bytes) -> None:
    config = _config(tmp_path)
    host = tmp_path / "host"
    first = republish(config, str(host), out_dir=tmp_path / "out1", now=NOW)
    assert first.status == "published", first.as_dict()
    (host / MANIFEST_NAME).write_bytes(broken)

    again = republish(config, str(host), out_dir=tmp_path / "out2", now=NOW + timedelta(hours=1))
    assert again.status == "published", again.as_dict()
    assert any("publishes" in w for w in again.warnings), again.warnings
    assert Manifest.from_bytes((host / MANIFEST_NAME).read_bytes()).files

    third = republish(config, str(host), out_dir=tmp_path / "out3", now=NOW + timedelta(hours=2))
    assert third.status == "no-changes", third.as_dict()
    assert not third.warnings
