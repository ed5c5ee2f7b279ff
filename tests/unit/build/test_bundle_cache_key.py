"""An unchanged bundle's cached result is keyed by the speech engine found too: installing or
updating espeak-ng reaches the renderer on the next build (issue #18), while the same engine
found again keeps the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from packager.build.collect import bundle_cache_fingerprint
from packager.config import ChannelConfig
from packager.video import RenderOptions

CONFIG = ChannelConfig(base_url="https://cdn.example.com/news/")
RENDER = RenderOptions(size=(1280, 720), language="en")


def fake_espeak(folder: Path, version: str) -> Path:
    """An executable on PATH that answers `--version` as espeak-ng does."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "espeak-ng"
    script.write_text(
        f'#!/bin/sh\n[ "$1" = "--version" ] && echo "eSpeak NG text-to-speech: {version}"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def fingerprint_with_path(monkeypatch: pytest.MonkeyPatch, path: Path) -> str:
    monkeypatch.setenv("PATH", str(path))
    return bundle_cache_fingerprint(CONFIG, RENDER)


def test_installing_or_updating_the_speech_engine_changes_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    without = fingerprint_with_path(monkeypatch, empty)
    v150 = fingerprint_with_path(monkeypatch, fake_espeak(tmp_path / "a", "1.50").parent)
    v151 = fingerprint_with_path(monkeypatch, fake_espeak(tmp_path / "b", "1.51").parent)
    assert len({without, v150, v151}) == 3


def test_the_same_engine_found_again_keeps_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fingerprint_with_path(monkeypatch, fake_espeak(tmp_path / "a", "1.51").parent)
    again = fingerprint_with_path(monkeypatch, fake_espeak(tmp_path / "b", "1.51").parent)
    assert first == again
