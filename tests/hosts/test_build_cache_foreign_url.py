"""A host build cache edited to name another host's video is not reused: the article is made
again, and the live feed never names https://evil.example/."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from packager.config import load_config
from packager.layout import BUILD_CACHE_NAME
from packager.republish import republish

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "channel" / "articles"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
EVIL = "https://evil.example/pwn.mp4"


def test_a_cached_video_url_of_another_host_is_not_published(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE / "04-council-hls", tmp_path / "articles" / "04-council-hls")
    (tmp_path / "channel.toml").write_text(
        '[channel]\nprovider_name = "Harbor City News"\nlanguage = "en"\n'
        'base_url = "https://cdn.harborcity.example/roku/"\nsources = ["articles"]\n'
        '[video]\nrender = "off"\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path / "channel.toml")
    host = tmp_path / "host"
    first = republish(config, str(host), out_dir=tmp_path / "out1", now=NOW)
    assert first.status == "published", first.as_dict()
    cache = json.loads((host / BUILD_CACHE_NAME).read_bytes())
    for entry in cache["articles"].values():
        entry["video"]["url"] = EVIL
    (host / BUILD_CACHE_NAME).write_text(json.dumps(cache))

    again = republish(config, str(host), out_dir=tmp_path / "out2", now=NOW + timedelta(hours=1))
    assert again.exit_code() == 0, again.as_dict()
    assert EVIL.encode() not in (host / "feed.json").read_bytes()
    assert again.build is not None and any(EVIL in note for note in again.build.notes)
