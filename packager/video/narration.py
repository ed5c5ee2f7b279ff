"""Narration: splitting text into spoken sentences and reading them with espeak-ng, offline.

Without espeak-ng the video keeps a silent audio track and each sentence gets a reading time
from its length, so captions and pictures are timed the same way in both cases.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import wave
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

SAMPLE_RATE = 22050  # espeak-ng's native rate; the silent track uses it too
TTS_TIMEOUT_SECONDS = 60.0
TTS_NAMES = ("espeak-ng", "espeak")

# espeak-ng names some languages by another code than BCP 47's usual one.
LANGUAGE_ALIASES = {"zh": "cmn"}

_OTHER_LANGUAGE = re.compile(r"\(([A-Za-z][\w-]*) \d+\)")
_SENTENCE_END = re.compile(r"(?<=[.!?…؟۔])\s+|(?<=[。！？])\s*")


# Words ending in a full stop that do not end a sentence ("Rep. Omar", "H.R. 1").
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "rep",
        "sen",
        "gov",
        "gen",
        "col",
        "lt",
        "sgt",
        "st",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "approx",
        "dept",
        "est",
        "fig",
    ]
)
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?\.?$")


def _ends_sentence(piece: str, following: str) -> bool:
    last = piece.split()[-1]
    if last.endswith("."):
        word = last.rstrip(".").lstrip("\"'(“‘").lower()
        if word in ABBREVIATIONS or len(word) == 1 or _INITIALISM.match(last):
            return False
    # A sentence does not go on in lower case or with a digit ("H.R. 1").
    return not (following[:1].islower() or following[:1].isdigit())


def split_sentences(text: str) -> list[str]:
    """Sentences of `text` in order (whitespace collapsed; empty pieces dropped)."""
    pieces = [p for p in _SENTENCE_END.split(" ".join(text.split())) if p.strip()]
    sentences: list[str] = []
    for piece in pieces:
        if sentences and not _ends_sentence(sentences[-1], piece):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences


@dataclass(frozen=True)
class TtsEngine:
    """An installed espeak-ng (or espeak) executable and its version line."""

    path: str
    version: str

    @functools.cached_property
    def languages(self) -> frozenset[str]:
        """Language codes this engine has voices for (lower case, e.g. `en-us`, `fa`)."""
        done = subprocess.run(
            [self.path, "--voices"],
            capture_output=True,
            text=True,
            timeout=TTS_TIMEOUT_SECONDS,
            check=False,
        )
        codes = set()
        for line in done.stdout.splitlines()[1:]:
            fields = line.split()
            if len(fields) >= 2:
                codes.add(fields[1].lower())
            # "(en 3)": the voice also serves another language code, at that priority.
            codes.update(code.lower() for code in _OTHER_LANGUAGE.findall(line))
        return frozenset(codes)

    def voice_for(self, language: str) -> str | None:
        """The voice name for a BCP 47 language (`en-US` → `en-us`, `pt-BR-x` → `pt-br`/`pt`)."""
        parts = language.lower().replace("_", "-").split("-")
        parts[0] = LANGUAGE_ALIASES.get(parts[0], parts[0])
        for length in range(len(parts), 0, -1):
            code = "-".join(parts[:length])
            if code in self.languages:
                return code
        return None


def find_tts(explicit: str | None = None) -> TtsEngine | None:
    """The text-to-speech engine: `explicit` (a path or name) or espeak-ng/espeak on PATH."""
    candidates = (explicit,) if explicit else TTS_NAMES
    for name in candidates:
        found = shutil.which(name)
        if found:
            return _engine(found)
    return None


@functools.cache
def _engine(path: str) -> TtsEngine | None:
    try:
        done = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=10, check=False
        )
    except OSError:
        return None
    if done.returncode != 0:
        return None
    return TtsEngine(path, done.stdout.strip().splitlines()[0] if done.stdout.strip() else path)


class SpeechError(Exception):
    """espeak-ng failed on a sentence."""


def synthesise(
    engine: TtsEngine, voice: str, words_per_minute: int, sentences: list[str], work_dir: Path
) -> list[Path]:
    """One WAV file per sentence (run two at a time: espeak-ng is single-threaded)."""

    def speak(index: int) -> Path:
        text_file = work_dir / f"say-{index:04d}.txt"
        wav_file = work_dir / f"say-{index:04d}.wav"
        text_file.write_text(sentences[index], encoding="utf-8")
        args = [engine.path, "-v", voice, "-s", str(words_per_minute), "-b", "1"]
        args += ["-f", str(text_file), "-w", str(wav_file)]
        done = subprocess.run(
            args, capture_output=True, text=True, timeout=TTS_TIMEOUT_SECONDS, check=False
        )
        if done.returncode != 0 or not wav_file.is_file():
            raise SpeechError(f"{engine.path} failed ({done.stderr.strip() or done.returncode})")
        return wav_file

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(speak, range(len(sentences))))


def read_samples(path: Path) -> bytes:
    """16-bit mono PCM samples of a WAV file espeak-ng wrote, at `SAMPLE_RATE`."""
    with wave.open(str(path), "rb") as wav:
        if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) != (1, 2, SAMPLE_RATE):
            raise SpeechError(
                f"unexpected WAV format from the speech engine: {wav.getnchannels()} channels, "
                f"{wav.getsampwidth() * 8} bit, {wav.getframerate()} Hz"
            )
        return wav.readframes(wav.getnframes())


def reading_seconds(sentence: str, words_per_minute: int) -> float:
    """How long a silent sentence stays up: its words at the narration pace (scripts without
    spaces count about three characters per word), at least 1.2 s."""
    words = max(len(sentence.split()), len(sentence) / 6)
    return max(1.2, words * 60.0 / words_per_minute)


def write_track(path: Path, placements: list[tuple[float, bytes]], total_seconds: float) -> None:
    """A mono WAV of `total_seconds` with each clip of samples placed at its start time."""
    total = round(total_seconds * SAMPLE_RATE)
    track = bytearray(total * 2)
    for start, samples in placements:
        offset = round(start * SAMPLE_RATE) * 2
        clip = samples[: max(0, len(track) - offset)]
        track[offset : offset + len(clip)] = clip
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(bytes(track))
