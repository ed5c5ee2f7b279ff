"""examples/make_media.py draws the example channel's pictures: the shipped files are its output."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _make_media() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_media", ROOT / "examples" / "make_media.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_shipped_picture_is_what_make_media_draws_byte_for_byte() -> None:
    make_media = _make_media()
    assert make_media.PICTURES
    for seed, (bundle, name, scene) in enumerate(make_media.PICTURES):
        assert isinstance(scene, make_media.Scene)
        folder = make_media.ARTICLES / bundle if bundle else make_media.CHANNEL
        drawn = io.BytesIO()
        make_media.picture(scene, seed).save(drawn, "JPEG", quality=make_media.JPEG_QUALITY)
        assert drawn.getvalue() == (folder / name).read_bytes(), name
