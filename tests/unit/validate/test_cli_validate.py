"""`packager validate` as a user runs it: output, exit codes, JSON mode, stdin."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from tests.http_fixtures import LocalServer, Route

HERE = Path(__file__).parent
BASE = HERE / "base-feed.json"


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(main, list(args), input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_valid_feed_exits_0_and_says_so() -> None:
    code, out, _ = run("validate", str(BASE))
    assert code == 0
    assert "valid — 0 errors, 0 warnings" in out


def test_invalid_sample_exits_3_with_pointer_rule_and_hint(shared_dir: Path) -> None:
    feed = shared_dir / "roku-feed-samples" / "dp-json-invalid" / "vumc-live-player-roku.json"
    code, out, _ = run("validate", str(feed), "--limit", "0")
    assert code == 3
    assert "error /liveFeeds/0/content/videos/0/videoType [video-type]" in out
    assert "hint: use HLS, SMOOTH, DASH, MP4, MOV or M4V" in out
    assert "invalid — 8 errors" in out  # 7 + the YouTube channel page given as the stream


def test_warnings_pass_unless_strict(shared_dir: Path) -> None:
    feed = shared_dir / "roku-feed-samples" / "dp-json" / "sakcho-beltv-haiti-roku-feed.json"
    assert run("validate", str(feed))[0] == 0
    assert run("validate", str(feed), "--strict")[0] == 3


def test_json_output_is_only_json(shared_dir: Path) -> None:
    feed = shared_dir / "roku-feed-samples" / "dp-json-invalid" / "applerulesall2023-roku.json"
    code, out, _ = run("validate", "-o", "json", str(feed), str(BASE))
    assert code == 3
    data = json.loads(out)
    assert data["valid"] is False
    first, second = data["feeds"]
    assert first["errors"] == 15 and second["valid"] is True  # 10 + 5 YouTube watch pages
    assert {"severity", "rule", "pointer", "message", "hint"} <= set(first["problems"][0])


def test_stdin_and_github_annotations() -> None:
    feed = json.loads(BASE.read_text())
    feed["shortFormVideos"][0]["content"]["videos"][0]["videoType"] = "mp4"
    code, out, _ = run("validate", "-o", "github", "-", stdin=json.dumps(feed).encode())
    assert code == 3
    assert out.startswith("::error file=<stdin>,title=packager video-type::")
    assert "did you mean 'MP4'?" in out


def test_unreadable_input_exits_4_without_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"providerName": ')
    code, out, err = run("validate", str(broken), str(BASE))
    assert code == 4
    assert f"error: {broken} is not valid JSON: line 1 column" in err
    assert "Traceback" not in err + out
    assert "valid — 0 errors" in out  # the other feed is still checked


def test_help_has_an_example_and_the_exit_codes() -> None:
    _, out, _ = run("validate", "--help")
    assert "Example:" in out and "packager validate" in out
    _, out, _ = run("--help")
    assert "Exit codes:" in out


@pytest.mark.servers
def test_a_trickling_feed_url_is_given_up_within_the_deadline(server: LocalServer) -> None:
    def trickle() -> Iterator[bytes]:
        for _ in range(300):
            time.sleep(0.2)
            yield b" "

    server.routes["/feed.json"] = Route(trickle, content_type="application/json", etag=False)
    started = time.monotonic()
    code, out, err = run("validate", server.url("/feed.json"), "--timeout", "1", "-o", "json")
    assert "error: cannot fetch" in err
    assert time.monotonic() - started < 5.0  # twice --timeout, plus a little
    assert code == 6
    document = json.loads(out)
    assert "no complete answer within 2 s" in document["error"]
    assert document["exitCode"] == 6


def test_an_unreadable_feed_is_a_github_annotation_too(tmp_path: Path) -> None:
    missing = str(tmp_path / "feed.json")
    code, out, err = run("validate", "-o", "github", missing)
    assert code == 4
    assert out.startswith(f"::error file={missing.replace(':', '%3A')},title=packager::")
    assert "no such file" in out and "error: " in err
