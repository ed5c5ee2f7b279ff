"""Hostile and broken feeds: each is a clear error naming the input, never a traceback."""

from __future__ import annotations

import gzip
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from packager.errors import ExitCode, InputError, SourceUnreachableError
from packager.validate import validate_feed


def test_huge_feed_is_refused_before_reading(tmp_path: Path) -> None:
    feed = tmp_path / "huge.json"
    with feed.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    with pytest.raises(InputError) as caught:
        validate_feed(feed)
    assert "200" in caught.value.message and str(feed) in caught.value.message
    assert caught.value.exit_code == ExitCode.BAD_INPUT


def test_deeply_nested_json_is_refused(tmp_path: Path) -> None:
    feed = tmp_path / "deep.json"
    feed.write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(InputError, match="nested too deeply"):
        validate_feed(feed)


def test_deeply_nested_object_inside_a_valid_shape_is_a_problem_not_a_crash() -> None:
    nested = '{"a":' * 500 + "1" + "}" * 500
    raw = f'{{"providerName": "x", "lastUpdated": "2026-01-01T00:00:00Z", "language": "en", "extra": {nested}}}'
    result = validate_feed(raw.encode())
    assert {p.rule for p in result.problems} == {"unknown-key", "no-content"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"\xff\xfe\x00garbage", "is UTF-16 text, not a JSON feed"),
        (b'{"providerName": "x",\n "language": }', "line 2 column"),
        (b"<!DOCTYPE html><html><body><p>a page</body></html>", "XML or HTML"),
        (b"\x89PNG\r\n\x1a\n", "not UTF-8"),
    ],
)
def test_not_json_is_a_clear_error(tmp_path: Path, content: bytes, expected: str) -> None:
    feed = tmp_path / "feed.json"
    feed.write_bytes(content)
    with pytest.raises(InputError, match=expected) as caught:
        validate_feed(feed)
    assert str(feed) in str(caught.value.message)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        validate_feed(tmp_path / "missing.json")
    with pytest.raises(InputError, match="is a folder"):
        validate_feed(tmp_path)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP server on 127.0.0.1 that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    stop = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
                held.append(connection)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/feed.json"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def test_url_that_times_out_is_a_clear_error(silent_server: str) -> None:
    with pytest.raises(SourceUnreachableError, match="timed out") as caught:
        validate_feed(silent_server, timeout=0.3)
    assert caught.value.exit_code == ExitCode.SOURCE_UNREACHABLE
    assert silent_server in caught.value.message


def test_only_http_urls_are_fetched() -> None:
    with pytest.raises(InputError):
        validate_feed("file:///etc/passwd")


@pytest.mark.parametrize(
    ("content", "message", "hint"),
    [
        (
            gzip.compress(b'{"providerName": "x"}', mtime=0),
            "is a gzip archive, not a JSON feed",
            "gunzip",
        ),
        ('{"providerName": "x"}'.encode("utf-16"), "is UTF-16 text", "save the feed as UTF-8"),
        ('{"providerName": "x"}'.encode("utf-16-le"), "is UTF-16 text", "save the feed as UTF-8"),
        (
            '{"providerName": "x",\n  "language": "fr", "title": "Télé"}'.encode("cp1252"),
            "line 2, byte 32 of the line is not UTF-8 (it looks like text in an 8-bit encoding",
            "iconv -f WINDOWS-1252 -t UTF-8",
        ),
        (b'{"a": 1}' + bytes(range(128, 256)) * 3, "line 1, byte 9", "this one is not text"),
    ],
    ids=["gzip", "utf-16", "utf-16-no-mark", "windows-1252", "binary"],
)
def test_a_feed_in_another_encoding_or_format_says_what_it_is(
    tmp_path: Path, content: bytes, message: str, hint: str
) -> None:
    feed = tmp_path / "feed.json"
    feed.write_bytes(content)
    with pytest.raises(InputError) as caught:
        validate_feed(feed)
    assert message in caught.value.message
    assert hint in caught.value.hint


def test_thousands_of_unknown_keys_get_few_spelling_lookups(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import difflib

    calls: list[str] = []
    real = difflib.get_close_matches

    def counted(word: str, *args: object, **kwargs: object) -> list[str]:
        calls.append(word)
        return real(word, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    feed = {"providerName": "x", "lastUpdated": "2026-01-01T00:00:00Z", "language": "en"}
    feed.update({f"extraKey{n}": n for n in range(3000)})
    result = validate_feed(json.dumps(feed).encode())
    unknown = [p for p in result.problems if p.rule == "unknown-key"]
    assert len(unknown) == 3000  # every key is still reported, with a hint
    assert all(p.hint for p in unknown)
    assert len(calls) <= 20  # spelling suggestions for the first 20 of one object only
