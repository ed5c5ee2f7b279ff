"""The render name hash holds exactly what changes the pixels and sound, the speech engine too."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from PIL import Image as PilImage

from packager.model import Article, Image
from packager.video import RenderOptions, narration, speech_engine_key
from packager.video.render import _name_hash, _plan

QUICK = RenderOptions(fps=10, preset="ultrafast", summary_words=25)
ARTICLE = Article(
    id="key",
    title="Quiet headline",
    origin="key.txt",
    summary="One short sentence.",
    images=(Image("photo.jpg", caption="A wall", credit="Test"),),
)


def fake_espeak(folder: Path, version: str) -> Path:
    """An executable that answers `--version` and `--voices` like espeak-ng does."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "espeak-ng"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then echo "eSpeak NG text-to-speech: {version}"; exit 0; fi\n'
        'if [ "$1" = "--voices" ]; then\n'
        '  echo "Pty Language       Age/Gender VoiceName          File                 Other"\n'
        '  echo " 2  en              --/M      English            gmw/en               "\n'
        "fi\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def name(options: RenderOptions, photos: list[Path]) -> str:
    """The video name a render with `options` gets, engine lookup included (no render)."""
    engine = narration.find_tts(options.tts_path or None) if options.narration else None
    voice = (options.voice or engine.voice_for("en") or "") if engine else ""
    segments = _plan(ARTICLE, photos, options, "C")
    return _name_hash(ARTICLE, photos, options, "C", segments, engine, voice, "en")


def photo(tmp_path: Path) -> list[Path]:
    path = tmp_path / "photo.jpg"
    PilImage.new("RGB", (800, 450), (20, 90, 160)).save(path)
    return [path]


def test_installing_or_updating_the_speech_engine_changes_names_and_the_engine_key(
    tmp_path: Path,
) -> None:
    photos = photo(tmp_path)
    absent = replace(QUICK, tts_path=str(tmp_path / "no-such-espeak"))
    old = replace(QUICK, tts_path=str(fake_espeak(tmp_path / "v1", "1.50")))
    new = replace(QUICK, tts_path=str(fake_espeak(tmp_path / "v2", "1.51")))
    names = {name(options, photos) for options in (absent, old, new)}
    assert len(names) == 3
    keys = {speech_engine_key(options) for options in (absent, old, new)}
    assert len(keys) == 3
    assert "none" in speech_engine_key(absent)


def test_settings_that_end_in_the_same_engine_and_voice_keep_the_name(tmp_path: Path) -> None:
    photos = photo(tmp_path)
    engine = fake_espeak(tmp_path / "bin", "1.51")
    base = replace(QUICK, tts_path=str(engine))
    same = [
        replace(base, work_dir=tmp_path / "scratch"),
        replace(base, voice="en"),  # what the language resolves to anyway
        replace(base, tts_path=str(engine.parent / "." / "espeak-ng")),
    ]
    assert {name(options, photos) for options in same} == {name(base, photos)}
    # Without an engine, narration on or off gives the same silent video.
    silent = replace(QUICK, tts_path=str(tmp_path / "missing"))
    assert name(silent, photos) == name(replace(silent, narration=False), photos)
    assert speech_engine_key(silent) == speech_engine_key(replace(silent, narration=False))


def test_settings_that_change_pixels_or_sound_change_the_name(tmp_path: Path) -> None:
    photos = photo(tmp_path)
    base = replace(QUICK, tts_path=str(fake_espeak(tmp_path / "bin", "1.51")))
    changed = [
        replace(base, size=(1920, 1080)),
        replace(base, fps=25),
        replace(base, crf=20),
        replace(base, preset="veryfast"),
        replace(base, x264_params=""),
        replace(base, words_per_minute=150),
        replace(base, voice="en-us"),
        replace(base, narration=False),
    ]
    names = [name(options, photos) for options in changed]
    assert len(set(names)) == len(changed)
    assert name(base, photos) not in names


def test_engine_lookup_reads_the_fake_version(tmp_path: Path) -> None:
    engine = narration.find_tts(str(fake_espeak(tmp_path, "9.99")))
    assert engine is not None and engine.version.endswith("9.99")
    assert os.access(engine.path, os.X_OK)
