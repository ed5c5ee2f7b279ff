"""WebVTT captions from the narration: one or more cues per spoken sentence."""

from __future__ import annotations

from dataclasses import dataclass

MAX_LINE_CHARS = 42  # common broadcast subtitle line length
MAX_CUE_LINES = 2


@dataclass(frozen=True)
class Cue:
    """A caption shown from `start` to `end` seconds."""

    start: float
    end: float
    text: str


def split_for_cues(sentence: str) -> list[str]:
    """Pieces of a sentence that each fit a cue of two lines of 42 characters."""
    limit = MAX_LINE_CHARS * MAX_CUE_LINES
    pieces: list[str] = []
    current = ""
    for word in sentence.split():
        while len(word) > limit:  # no spaces (e.g. Chinese): cut by characters
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[:limit])
            word = word[limit:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = word
    if current:
        pieces.append(current)
    return pieces


def sentence_cues(sentence: str, start: float, end: float) -> list[Cue]:
    """Cues for one spoken sentence, its time shared out by the length of each piece."""
    pieces = split_for_cues(sentence)
    total = sum(len(p) for p in pieces) or 1
    cues = []
    at = start
    for i, piece in enumerate(pieces):
        stop = end if i == len(pieces) - 1 else at + (end - start) * len(piece) / total
        cues.append(Cue(at, stop, piece))
        at = stop
    return cues


def _timestamp(seconds: float) -> str:
    millis = max(0, int(seconds * 1000 + 0.5))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _lines(text: str) -> str:
    """Break a cue's text into at most two balanced lines."""
    if len(text) <= MAX_LINE_CHARS:
        return text
    words = text.split()
    best = (len(text), 1)
    for i in range(1, len(words)):
        first = " ".join(words[:i])
        second = " ".join(words[i:])
        if len(first) <= MAX_LINE_CHARS and len(second) <= MAX_LINE_CHARS:
            balance = abs(len(first) - len(second))
            if balance < best[0]:
                best = (balance, i)
    if best[0] == len(text):
        return text
    return " ".join(words[: best[1]]) + "\n" + " ".join(words[best[1] :])


def to_webvtt(cues: list[Cue], duration: float) -> str:
    """The WebVTT document; cues are clamped into [0, duration] and empty ones dropped."""
    out = ["WEBVTT", ""]
    number = 0
    for cue in cues:
        start = min(max(0.0, cue.start), duration)
        end = min(cue.end, duration)
        if end - start < 0.001 or not cue.text.strip():
            continue
        number += 1
        out += [str(number), f"{_timestamp(start)} --> {_timestamp(end)}"]
        out += [_escape(_lines(cue.text)), ""]
    return "\n".join(out)
