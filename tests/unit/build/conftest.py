"""Fixtures for the build tests: a short generated video and a channel configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from packager.config import ChannelConfig
from tests.builders import BASE_URL, make_video


@pytest.fixture(scope="session")
def test_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_video(tmp_path_factory.mktemp("video") / "clip.mp4")


@pytest.fixture
def config() -> ChannelConfig:
    return ChannelConfig(provider_name="Test News", base_url=BASE_URL, render_video="off")
