"""`packager preview` as a channel folder uses it: ./output by default, config discovery and
--allow-host like build, --serve as a plain flag (its port is --port), --timeout for URLs."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from packager.cli import main
from packager.errors import ExitCode
from tests.acceptance.preview.channel import channel_feed, write_channel
from tests.http_fixtures import LocalServer, Route


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def channel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A channel folder after `packager build`: channel.toml and output/feed.json, as cwd."""
    write_channel(tmp_path / "output", channel_feed())
    (tmp_path / "channel.toml").write_text(
        '[channel]\nprovider_name = "Harbor"\nbase_url = "https://cdn.example.com/"\n'
        'allow_hosts = ["localhost"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _redirecting(server: LocalServer) -> str:
    """A feed URL on 127.0.0.1 that redirects to the same server by the name localhost: a
    private host the first URL did not name, refused unless allowed."""
    port = server.url("/").rsplit(":", 1)[1].split("/")[0]
    server.routes["/feed.json"] = Route(
        json.dumps(channel_feed()).encode(), content_type="application/json"
    )
    server.routes["/start"] = Route(
        b"", status=302, headers={"Location": f"http://localhost:{port}/feed.json"}
    )
    return server.url("/start")


def test_in_a_channel_folder_preview_shows_its_output(channel: Path) -> None:
    result = invoke("preview")
    assert result.exit_code == 0, result.output
    assert "config: channel.toml (found in the current folder)" in result.stderr
    assert (channel / "output" / "preview" / "index.html").is_file()
    assert "4 rows, 7 items; 0 errors, 1 warning," in result.stdout  # plural() agrees


def test_a_channel_folder_without_a_build_says_to_build_it_first(tmp_path: Path) -> None:
    (tmp_path / "channel.toml").write_text('[channel]\nprovider_name = "X"\n', encoding="utf-8")
    result = invoke("preview", str(tmp_path), "--out", str(tmp_path / "pv"))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"hint: {tmp_path} is a channel folder: build it first (packager build" in (
        result.stderr
    )
    assert f"then preview the output: packager preview {tmp_path / 'output'}" in result.stderr


def test_a_redirect_to_a_private_host_needs_allow_host(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no channel.toml: nothing allowed
    url = _redirecting(server)
    refused = invoke("preview", url, "--out", str(tmp_path / "pv"))
    assert refused.exit_code != 0
    assert "non-public address" in refused.stderr and "--allow-host" in refused.stderr
    allowed = invoke("preview", url, "--out", str(tmp_path / "pv"), "--allow-host", "localhost")
    assert allowed.exit_code == 0, allowed.output


def test_the_configs_allow_hosts_count_for_preview_too(server: LocalServer, channel: Path) -> None:
    result = invoke("preview", _redirecting(server), "--out", str(channel / "pv"))
    assert result.exit_code == 0, result.output


def test_serve_is_a_flag_so_it_may_come_before_source(channel: Path) -> None:
    # Parsing only: a bad --port value shows that "--serve output" took "output" as SOURCE.
    result = invoke("preview", "--serve", "output", "--port", "99999")
    assert result.exit_code == ExitCode.USAGE
    assert "--port" in result.stderr and "99999" in result.stderr


def test_port_without_serve_is_a_usage_error(channel: Path) -> None:
    result = invoke("preview", "output", "--port", "8000")
    assert result.exit_code == ExitCode.USAGE
    assert "add --serve" in result.stderr


def test_timeout_bounds_a_slow_feed_url(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/slow.json"] = Route(b"{}", content_type="application/json", delay=5.0)
    started = time.monotonic()
    result = invoke("preview", server.url("/slow.json"), "--out", str(tmp_path / "pv"),
                    "--timeout", "0.5")  # fmt: skip
    assert result.exit_code == ExitCode.SOURCE_UNREACHABLE, result.output
    assert time.monotonic() - started < 4.5  # not the server's 5 s, even with retries


def test_a_feed_that_is_not_utf8_gets_a_hint_that_says_how_to_fix_it(tmp_path: Path) -> None:
    feed = tmp_path / "feed.json"
    feed.write_bytes('{"providerName": "Caf\u00e9"}'.encode("latin-1"))
    result = invoke("preview", str(feed), "--out", str(tmp_path / "pv"))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "hint: save the feed as UTF-8" in result.stderr


def test_a_chromium_that_writes_no_picture_is_named_with_the_command_to_try(
    channel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    silent = channel / "silent-chromium"
    silent.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    silent.chmod(0o755)
    monkeypatch.setenv("PACKAGER_CHROMIUM", str(silent))
    result = invoke("preview", "--screenshot", "home.png")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"hint: run Chromium by hand to see its own messages: {silent} --headless" in (
        result.stderr
    )
