"""Playable video for articles: probing local video files and rendering text-only articles."""

from packager.video.probe import VideoInfo, probe_video
from packager.video.render import (
    RenderedVideo,
    RenderOptions,
    render_article_video,
    speech_engine_key,
)

__all__ = [
    "RenderOptions",
    "RenderedVideo",
    "VideoInfo",
    "probe_video",
    "render_article_video",
    "speech_engine_key",
]
