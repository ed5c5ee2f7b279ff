"""`[video] hls = true`: rendered videos are also packaged as HLS, played from the playlist,
and published with their segments."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from packager.build import build_feed
from packager.config import ChannelConfig
from packager.publish import publish
from packager.video import probe_video
from packager.video.hls import playlist_files
from tests.builders import BASE_URL, make_bundle

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
TEXT = (
    "---\ndate: 2026-11-20T08:00:00Z\n---\nNews / Local\n\nBridge reopens\n\n"
    "The bridge reopened on Friday after repairs.\n\nTraffic is back to normal.\n"
)


@pytest.mark.slow  # renders a video
def test_rendered_video_is_played_as_hls_and_published_whole(tmp_path: Path) -> None:
    make_bundle(tmp_path / "articles", "bridge", TEXT)
    out = tmp_path / "out"
    config = ChannelConfig(base_url=BASE_URL, render_video="on", video_hls=True)
    result = build_feed([tmp_path / "articles"], out, config, now=NOW)
    assert result.exit_code == 0, result.as_dict()

    item = json.loads((out / "feed.json").read_text())["shortFormVideos"][0]
    video = item["content"]["videos"][0]
    assert video["videoType"] == "HLS" and "bitrate" not in video
    playlist = out / video["url"][len(BASE_URL) :]
    segments = playlist_files(playlist)
    assert segments and all(segment.is_file() for segment in segments)
    info = probe_video(playlist)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert abs(info.duration_seconds - item["content"]["duration"]) <= 1

    host = tmp_path / "host"
    published = publish(out, str(host), now=NOW)
    for segment in segments:
        name = segment.relative_to(out).as_posix()
        assert name in published.uploaded
        assert (host / name).is_file()
