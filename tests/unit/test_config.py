"""channel.toml: every key checked, with errors that name the key and say how to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest

from packager.config import ChannelConfig, load_config
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


@pytest.mark.parametrize(
    ("encoding", "kind"),
    [("utf-16", "it looks like UTF-16 text"), ("cp1252", "it looks like text in an 8-bit")],
)
def test_a_config_saved_in_another_encoding_says_which(
    tmp_path: Path, encoding: str, kind: str
) -> None:
    saved = tmp_path / "channel.toml"
    saved.write_bytes('[channel]\nprovider_name = "Télé Nord"\n'.encode(encoding))
    with pytest.raises(ConfigError, match=kind) as caught:
        load_config(saved)
    assert "save channel.toml as UTF-8" in caught.value.hint


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("[feed]", '[feed]\nmax_items = 0\ndefault_genre = "News"\nmax_item = 3')
    text = text.replace('language = "en"', "").replace(
        "[channel]", '[channel]\nlanguage = "english"'
    )
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    keys = [problem.key for problem in caught.value.problems]
    assert keys == ["feed.max_item", "channel.language", "feed.default_genre", "feed.max_items"]
    message = caught.value.message
    assert message.startswith(f"{tmp_path / 'channel.toml'}: 4 problems")
    assert "did you mean 'news'?" in message and "did you mean 'feed.max_items'?" in message
    assert caught.value.exit_code == 4


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        ("https://cdn.example.com/c/?sig=abc#frag", "has a query or fragment"),
        ("https://cdn.example.com/c/#top", "has a query or fragment"),
        ("https://deploy:s3cret@cdn.example.com/c/", "contains a user name or password"),
        ("https://cdn.example.com\\evil.example/c/", "contains a backslash"),
        ("https://cdn.example.com:port/c/", "is not an http(s) URL"),
        ("https:///c/", "is not an http(s) URL"),
    ],
)
def test_base_url_that_would_break_every_asset_url_is_refused(
    tmp_path: Path, base_url: str, message: str
) -> None:
    text = GOOD.replace("https://cdn.example.com/roku/", base_url.replace("\\", "\\\\"))
    with pytest.raises(ConfigError, match="base_url") as caught:
        load_config(write(tmp_path, text))
    assert message in caught.value.message
    assert caught.value.key == "channel.base_url"
    assert "s3cret" not in caught.value.message


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ("max_age_days = 1000000000", "feed.max_age_days"),
        ("max_items = 99999999999", "feed.max_items"),
        ("short_form_max_seconds = 10000000", "feed.short_form_max_seconds"),
        ("[video]\nwidth = 1281", "video.width"),
        ("[video]\nwidth = 0", "video.width"),
        ("[video]\nheight = 100000", "video.height"),
        ("[thumbnails]\nwidth = 32000\nheight = 18000", "thumbnails"),
    ],
)
def test_absurd_numbers_are_refused_naming_the_key(tmp_path: Path, change: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        text = (
            GOOD + "\n" + change
            if change.startswith("[")
            else GOOD.replace("[feed]", f"[feed]\n{change}")
        )
        load_config(write(tmp_path, text))
    assert caught.value.key == key
    assert key in caught.value.message


def test_rows_named_alike_are_refused(tmp_path: Path) -> None:
    text = GOOD + '\n[[rows]]\nname = "latest "\ntag = "x"\n'
    with pytest.raises(ConfigError, match=r"two \[\[rows\]\] are named alike") as caught:
        load_config(write(tmp_path, text))
    assert caught.value.key == "rows.name"


@pytest.mark.parametrize(
    ("old", "new", "key", "what"),
    [
        ('provider_name = "Harbor City News"', 'provider_name = "Harbor\\u001b[31m News"', "channel.provider_name", "control character (U+001B)"),
        ('provider_name = "Harbor City News"', 'provider_name = "Harbor\\u202eNews"', "channel.provider_name", "bidi override (U+202E)"),
        ('provider_name = "Harbor City News"', 'provider_name = "\\u200b\\u200b"', "channel.provider_name", "is empty"),
        ('name = "Latest"', 'name = "Lat\\u0000est"', "row 'Lat\\x00est' name", "control character (U+0000)"),
    ],
)  # fmt: skip
def test_control_and_bidi_characters_in_names_are_refused(
    tmp_path: Path, old: str, new: str, key: str, what: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, GOOD.replace(old, new)))
    assert caught.value.key == key
    assert what in caught.value.message
    assert "\x1b" not in caught.value.message  # shown escaped, never raw to a terminal


def test_allow_hosts_are_read_and_checked(tmp_path: Path) -> None:
    text = GOOD.replace("[channel]", '[channel]\nallow_hosts = ["cms.internal", "10.0.0.0/8"]')
    assert load_config(write(tmp_path, text)).allow_hosts == ("cms.internal", "10.0.0.0/8")
    with pytest.raises(ConfigError, match="'not a host!'") as caught:
        load_config(write(tmp_path, text.replace("cms.internal", "not a host!")))
    assert caught.value.key == "channel.allow_hosts"


def test_command_line_overrides_are_checked_the_same_way() -> None:
    with pytest.raises(ConfigError) as caught:
        ChannelConfig().with_overrides(base_url="https://x.example/?a=1", video_width=1281)
    assert [p.key for p in caught.value.problems] == ["channel.base_url", "video.width"]
    assert caught.value.message.startswith("options: 2 problems")
