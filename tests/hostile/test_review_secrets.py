"""Passwords given in a target or URL never show: --reuse-from's failure, validate's origin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from tests.builders import BASE_FEED
from tests.http_fixtures import LocalServer, Route, free_port


def _channel(root: Path) -> Path:
    (root / "articles").mkdir(parents=True)
    (root / "channel.toml").write_text(
        '[channel]\nprovider_name = "Harbor"\nlanguage = "en"\n'
        'base_url = "https://cdn.example/roku/"\nsources = ["articles"]\n',
        encoding="utf-8",
    )
    return root / "channel.toml"


def test_reuse_from_an_unreachable_host_never_shows_its_password(tmp_path: Path) -> None:
    config = _channel(tmp_path / "channel")
    target = f"https://user:s3cretpw@127.0.0.1:{free_port()}/x/"
    args = ["build", "-c", str(config), "--out", str(tmp_path / "o"), "--reuse-from", target]

    result = CliRunner().invoke(main, [*args, "-o", "json"], catch_exceptions=False)

    assert result.exit_code == 5
    assert "s3cretpw" not in result.stdout and "s3cretpw" not in result.stderr
    error = json.loads(result.stdout)
    assert "--reuse-from https://user@127.0.0.1" in error["error"]


def test_reuse_from_an_unreadable_target_is_bad_input(tmp_path: Path) -> None:
    config = _channel(tmp_path / "channel")
    target = "https://user:s3cret/pw@127.0.0.1/x/"
    args = ["build", "-c", str(config), "--out", str(tmp_path / "o"), "--reuse-from", target]

    result = CliRunner().invoke(main, [*args, "-o", "json"], catch_exceptions=False)

    assert result.exit_code == 4, result.output
    assert "s3cret" not in result.stdout and "s3cret" not in result.stderr


@pytest.mark.servers
def test_validate_a_url_with_a_password_never_shows_it() -> None:
    server = LocalServer().start()
    try:
        server.routes["/feed.json"] = Route(BASE_FEED.read_bytes(), content_type="application/json")
        url = server.url("/feed.json").replace("http://", "http://user:s3cretpw@")

        result = CliRunner().invoke(main, ["validate", url, "-o", "json"], catch_exceptions=False)
    finally:
        server.stop()

    assert "s3cretpw" not in result.stdout and "s3cretpw" not in result.stderr
    assert "127.0.0.1" in result.stdout


def test_reuse_from_keeps_the_host_errors_hint(tmp_path: Path) -> None:
    config = _channel(tmp_path / "channel")
    target = f"https://127.0.0.1:{free_port()}/x/"
    args = ["build", "-c", str(config), "--out", str(tmp_path / "o"), "--reuse-from", target]

    result = CliRunner().invoke(main, [*args, "-o", "json"], catch_exceptions=False)

    hint = json.loads(result.stdout)["hint"]
    assert "check the port" in hint and "without --reuse-from" in hint
