"""A URL that does not parse (an unpaired bracket around the host, a port that is not a number)
is bad input with a hint, for every command that takes one, never a traceback; a redirect to
another scheme names the server that sent there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from packager.errors import ExitCode, InputError
from packager.net.fetcher import Fetcher
from tests.http_fixtures import LocalServer, Route

BAD = ("http://[::1", "https://example.com:port/feed.json", "http://::1]/feed.json")


@pytest.mark.parametrize("url", BAD)
@pytest.mark.parametrize("command", ["validate", "extract", "preview"])
def test_a_malformed_url_is_bad_input(command: str, url: str, tmp_path: Path) -> None:
    args = [command, url, "-o", "json"]
    if command == "preview":
        args += ["--out", str(tmp_path / "preview")]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code in (ExitCode.BAD_INPUT, ExitCode.SOURCE_UNREACHABLE), result.output
    document = json.loads(result.stdout)
    text = json.dumps(document)
    assert "well-formed" in text or "not an http" in text, text


def test_diff_with_a_malformed_url_is_bad_input(tmp_path: Path) -> None:
    other = tmp_path / "feed.json"
    other.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", "http://[::1", str(other)], catch_exceptions=False)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "not a well-formed URL" in result.stderr


def test_a_malformed_base_url_is_a_config_problem(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    args = ["build", str(tmp_path / "articles"), "--out", str(tmp_path / "out")]
    args += ["--base-url", "https://[::1/x/"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "base_url" in result.stderr


@pytest.mark.servers
def test_a_redirect_to_another_scheme_names_the_server_that_sent_there(tmp_path: Path) -> None:
    server = LocalServer().start()
    try:
        server.routes["/feed.json"] = Route(
            b"", status=302, headers={"Location": "file:///etc/passwd"}
        )
        with (
            Fetcher(tmp_path / "cache", allow_hosts=["127.0.0.1"]) as fetcher,
            pytest.raises(InputError) as caught,
        ):
            fetcher.get(server.url("/feed.json"))
    finally:
        server.stop()
    assert "only http and https" in caught.value.message
    assert "redirects there" in caught.value.hint and "give a local path" not in caught.value.hint
