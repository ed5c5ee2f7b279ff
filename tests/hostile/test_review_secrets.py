"""Passwords given in a target or URL never show: --reuse-from's failure, validate's origin."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from packager.cli import main
from tests.http_fixtures import free_port


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
