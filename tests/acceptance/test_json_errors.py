"""With `-o json`, every command's failure is one JSON document on stdout, of one shape:
{"error", "hint", "exitCode", ...the command's partial result}, and nothing else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from packager.cli import main
from packager.errors import ExitCode
from packager.republish import status_of
from tests.builders import BASE_FEED
from tests.http_fixtures import free_port

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CONFIG = ROOT / "examples" / "channel" / "channel.toml"


def json_failure(*args: str, expected: ExitCode) -> dict[str, Any]:
    """Run a command with -o json; it must fail with `expected` and print only the error shape."""
    result = CliRunner().invoke(main, [*args, "-o", "json"], catch_exceptions=False)
    assert result.exit_code == expected, result.output
    document: dict[str, Any] = json.loads(result.stdout)  # nothing but JSON on stdout
    assert list(document)[:3] == ["error", "hint", "exitCode"]
    assert document["exitCode"] == int(expected)
    assert document["error"] and document["hint"]
    return document


def test_validate_unreadable_feed(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    document = json_failure("validate", str(missing), str(BASE_FEED), expected=ExitCode.BAD_INPUT)
    assert str(missing) in document["error"]
    assert document["valid"] is False
    assert [feed["feed"] for feed in document["feeds"]] == [str(BASE_FEED), str(missing)]


def test_validate_invalid_feed(tmp_path: Path) -> None:
    feed = json.loads(BASE_FEED.read_text())
    feed["shortFormVideos"][0]["content"]["videos"][0]["videoType"] = "mp4"
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed))
    document = json_failure("validate", str(path), expected=ExitCode.FEED_INVALID)
    assert f"{path}: invalid (1 error" in document["error"]
    assert document["feeds"][0]["problems"][0]["rule"] == "video-type"


def test_build_bad_config(tmp_path: Path) -> None:
    config = tmp_path / "channel.toml"
    config.write_text('[channel]\nprovider_name = "X"\nbase_url = "ftp://nowhere/"\n')
    document = json_failure(
        "build", str(tmp_path), "--config", str(config), "--out", str(tmp_path / "out"),
        expected=ExitCode.BAD_INPUT,
    )  # fmt: skip
    assert "base_url" in document["error"]


def test_build_with_nothing_to_build_keeps_its_report(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    (articles / "empty-bundle").mkdir(parents=True)
    document = json_failure(
        "build", str(articles), "--base-url", "https://cdn.example.com/c/",
        "--provider-name", "X", "--out", str(tmp_path / "out"),
        expected=ExitCode.BAD_INPUT,
    )  # fmt: skip
    assert document["feedWritten"] is False  # the partial result: the build report
    assert "skipped" in document


def test_extract_unreadable_location(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-page.html"
    document = json_failure("extract", str(missing), expected=ExitCode.BAD_INPUT)
    assert str(missing) in document["error"]
    assert document["articles"] == [] and len(document["problems"]) == 1


def test_diff_unreadable_feed(tmp_path: Path) -> None:
    missing = tmp_path / "old.json"
    document = json_failure("diff", str(missing), str(BASE_FEED), expected=ExitCode.BAD_INPUT)
    assert str(missing) in document["error"]


def test_publish_missing_output_folder(tmp_path: Path) -> None:
    document = json_failure(
        "publish", str(tmp_path / "nothing-built"), "--to", str(tmp_path / "host"),
        expected=ExitCode.BAD_INPUT,
    )  # fmt: skip
    assert "nothing-built" in document["error"]


def test_republish_bad_config_says_bad_input(tmp_path: Path) -> None:
    document = json_failure(
        "republish", "--config", str(tmp_path / "missing.toml"), "--to", str(tmp_path / "host"),
        expected=ExitCode.BAD_INPUT,
    )  # fmt: skip
    assert document["status"] == "bad-input"


def test_republish_failed_run_keeps_its_status(tmp_path: Path) -> None:
    # A WebDAV host on this machine where nothing listens: the host fails, not the input.
    closed = f"http://127.0.0.1:{free_port()}/dav/"
    document = json_failure(
        "republish", "--config", str(EXAMPLE_CONFIG), "--to", closed,
        "--out", str(tmp_path / "out"),
        expected=ExitCode.PUBLISH_FAILED,
    )  # fmt: skip
    assert document["status"] == "host-failed"
    assert "refused" in document["error"]


def test_republish_unknown_target_kind_is_bad_input(tmp_path: Path) -> None:
    document = json_failure(
        "republish", "--config", str(EXAMPLE_CONFIG), "--to", "ftp://host/x",
        "--out", str(tmp_path / "out"),
        expected=ExitCode.BAD_INPUT,
    )  # fmt: skip
    assert document["status"] == "bad-input"
    assert "ftp" in document["error"]


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (ExitCode.BAD_INPUT, "bad-input"),
        (ExitCode.BUSY, "busy"),
        (ExitCode.PUBLISH_FAILED, "host-failed"),
        (ExitCode.SOURCE_UNREACHABLE, "source-unreachable"),
        (ExitCode.FEED_INVALID, "invalid-feed"),
    ],
)
def test_republish_error_status_follows_the_exit_code(code: ExitCode, status: str) -> None:
    assert status_of(code) == status


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["build", "--bogus", "-o", "json"], "No such option '--bogus'"),
        (["validate", "--output=json"], "Missing argument 'FEED...'"),
        (["publish", "out", "-o", "json"], "Missing option '--to'"),
    ],
)
def test_usage_errors_are_the_same_json_shape(args: list[str], error: str) -> None:
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == ExitCode.USAGE
    document = json.loads(result.stdout)
    assert list(document) == ["error", "hint", "exitCode"]
    assert error in document["error"] and document["exitCode"] == 2
    assert f"see 'main {args[0]} --help'" in document["hint"]
    assert "Usage:" in result.stderr  # people still get click's usage text


def test_usage_errors_without_json_print_nothing_on_stdout() -> None:
    result = CliRunner().invoke(main, ["build", "--bogus"], catch_exceptions=False)
    assert result.exit_code == ExitCode.USAGE and result.stdout == ""


def test_build_that_does_not_validate_names_why(tmp_path: Path) -> None:
    # The example's bylines carry credit-birth-date warnings; --strict makes them fatal.
    channel = ROOT / "examples" / "channel"
    document = json_failure(
        "build", str(channel), "--out", str(tmp_path / "out"), "--render", "off", "--strict",
        expected=ExitCode.FEED_INVALID,
    )  # fmt: skip
    assert document["error"] == (
        "the feed does not validate (0 errors; warnings count with --strict); "
        "no feed.json written"  # there was none before: "unchanged" would not be true
    )
    assert document["feedWritten"] is False
    assert document["validation"]["warnings"] >= 1
