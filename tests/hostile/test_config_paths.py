"""A channel.toml (from a pull request, say) cannot make a CI job read files outside its own
folder, and an image error never prints the bytes of the file it read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from packager.config import load_config
from packager.errors import ConfigError, ExitCode, ImageError
from packager.images import ThumbnailMaker, looks_like
from tests.builders import BASE_URL, photo_bytes

LIVE = """
[[live]]
id = "{id}"
title = "Live"
url = "https://cdn.example.com/live.m3u8"
thumbnail = "{thumbnail}"
description = "Live news."
"""
OUTSIDE = ["/proc/self/environ", "/etc/passwd", "../../../../etc/passwd", "../live.jpg"]


def write_config(folder: Path, *thumbnails: str, sources: str = '["articles"]') -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = f'[channel]\nbase_url = "{BASE_URL}"\nsources = {sources}\n'
    for index, thumbnail in enumerate(thumbnails):
        text += LIVE.format(id=f"live-{index}", thumbnail=thumbnail)
    path = folder / "channel.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_live_thumbnail_outside_the_config_folder_is_refused_at_once(
    tmp_path: Path,
) -> None:
    config = write_config(tmp_path / "channel", *OUTSIDE)
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    problems = caught.value.problems
    assert [p.key for p in problems] == ["live.thumbnail"] * len(OUTSIDE)
    for problem, location in zip(problems, OUTSIDE, strict=True):
        assert f"thumbnail = {location!r} is outside the config's folder" in problem.message
        assert "relative to channel.toml" in problem.hint


def test_a_symlink_that_leads_outside_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("PACKAGER_PUBLISH_PASSWORD=hunter2\n")
    folder = tmp_path / "channel"
    folder.mkdir()
    (folder / "live.jpg").symlink_to(secret)
    (folder / "loop.jpg").symlink_to(folder / "loop.jpg")
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(folder, "live.jpg", "loop.jpg"))
    assert len(caught.value.problems) == 2
    assert "symlinks followed" in caught.value.problems[0].message


def test_sources_outside_the_config_folder_are_refused(tmp_path: Path) -> None:
    config = write_config(tmp_path / "channel", sources='["../elsewhere", "/etc"]')
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert [p.key for p in caught.value.problems] == ["channel.sources"] * 2


def test_paths_inside_the_folder_and_urls_are_fine(tmp_path: Path) -> None:
    folder = tmp_path / "channel"
    (folder / "art").mkdir(parents=True)
    (folder / "art" / "live.jpg").write_bytes(photo_bytes((200, 30, 30)))
    (folder / "link.jpg").symlink_to(folder / "art" / "live.jpg")
    config = load_config(
        write_config(
            folder,
            "art/live.jpg",
            "./link.jpg",
            str(folder / "art" / "live.jpg"),
            "https://cdn.example.com/live.jpg",
            sources='["articles", ".", "https://news.example.com/feed.xml"]',
        )
    )
    assert config.live[0].thumbnail == str(folder / "art/live.jpg")
    assert config.sources[2] == "https://news.example.com/feed.xml"


@pytest.mark.parametrize("output", ["text", "json"])
def test_the_cli_refuses_the_config_before_reading_anything(tmp_path: Path, output: str) -> None:
    config = write_config(tmp_path / "channel", "/proc/self/environ")
    result = CliRunner().invoke(
        main,
        ["build", "-c", str(config), "--out", str(tmp_path / "out"), "-o", output],
        catch_exceptions=False,
        env={"PACKAGER_PUBLISH_PASSWORD": "hunter2"},
    )
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    printed = result.stdout + result.stderr
    assert "live 'live-0' thumbnail" in printed and "/proc/self/environ" in printed
    assert "PACKAGER_PUB" not in printed and "hunter2" not in printed
    if output == "json":
        assert json.loads(result.stdout)["problems"][0]["key"] == "live.thumbnail"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"PACKAGER_PUBLISH_PASSWORD=hunter2\x00HOME=/root\x00", "text"),
        (b"<!DOCTYPE html><html><body>login</body></html>", "an HTML page"),
        (b'{"token": "hunter2"}', "JSON text"),
        (b"%PDF-1.7 hunter2", "a PDF document"),
        (bytes(range(256)) + b"hunter2", "an unknown binary format"),
        (b"\x00\x00\x00\x18ftypheic" + b"hunter2", "a HEIC photo"),
    ],
)
def test_an_image_error_says_what_the_file_looks_like_never_its_bytes(
    tmp_path: Path, data: bytes, kind: str
) -> None:
    assert looks_like(data) == kind
    with pytest.raises(ImageError) as caught:
        ThumbnailMaker(tmp_path, (1280, 720)).make(data, origin="live.jpg")
    text = f"{caught.value.message} {caught.value.hint}"
    assert f"it looks like {kind}" in text
    assert "hunter2" not in text and "PACKAGER" not in text and "b'" not in text
    assert "replace or remove this image" in text and "article" not in text


def test_environ_bytes_read_from_disk_are_not_echoed(tmp_path: Path) -> None:
    environ = Path("/proc/self/environ")
    if not environ.exists() or not os.environ:
        pytest.skip("no /proc/self/environ here")
    with pytest.raises(ImageError) as caught:
        ThumbnailMaker(tmp_path / "out", (1280, 720)).make(environ, origin=str(environ))
    first = next(iter(os.environ))
    assert first[:6] not in caught.value.message.replace(str(environ), "")
