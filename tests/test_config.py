"""channel.toml: every key checked, with errors that name the key and say how to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest

from packager.config import load_config
from packager.errors import ConfigError

GOOD = """
[channel]
provider_name = "Harbor City News"
base_url = "https://cdn.example.com/roku/"
sources = ["articles"]

[feed]
rating = "TVPG"
rating_source = "USA_PR"

[[rows]]
name = "Latest"
latest = true

[[live]]
id = "live"
title = "Live"
url = "https://cdn.example.com/live.m3u8"
thumbnail = "live.jpg"
description = "Live news."
genres = ["news"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "channel.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_config_and_paths_relative_to_it(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert config.provider_name == "Harbor City News"
    assert config.sources == (str(tmp_path / "articles"),)
    assert config.live[0].thumbnail == str(tmp_path / "live.jpg")
    assert config.live[0].genres == ("news",)


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (("[feed]", "[feed]\nmax_item = 3"), "feed.max_item", "did you mean 'feed.max_items'"),
        (("[feed]", '[feed]\nmax_items = "3"'), "feed.max_items", "should be a whole number"),
        (("[feed]", '[feed]\ndefault_genre = "News"'), "feed.default_genre", "did you mean 'news'"),
        (('rating = "TVPG"', 'rating = "TV-PG"'), "feed.rating", "not allowed"),
        (('name = "Latest"', "name = 5"), "rows.name", "should be a string"),
        (("latest = true", 'latest = true\nmax_items = "x"'), "rows.max_items", "whole number"),
        (('genres = ["news"]', 'genres = "news"'), "live.genres", "list of strings"),
        (('genres = ["news"]', 'genres = ["weather"]'), "live 'live' genres", "not allowed"),
        (
            ('url = "https://cdn.example.com/live.m3u8"', 'url = "rtmp://x/live"'),
            "live.url",
            "http(s)",
        ),
        (
            ('provider_name = "Harbor City News"', 'provider_name = " "'),
            "channel.provider_name",
            "empty",
        ),
        (("[feed]", "[feed]\nsize_budget = -1"), "feed.size_budget", "below"),
        (("[channel]", "[chanel]"), "chanel", "did you mean 'channel'"),
    ],
)
def test_bad_key_is_named(tmp_path: Path, change: tuple[str, str], key: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, GOOD.replace(*change, 1)))
    text = f"{caught.value.message} {caught.value.hint}"
    assert message in text, text
    assert caught.value.key == key or key in caught.value.message


def test_unreadable_config_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'[channel]\nprovider_name = "\xff"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(bad)
    broken = write(tmp_path, "[channel\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)
