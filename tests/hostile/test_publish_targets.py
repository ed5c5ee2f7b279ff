"""Hostile and careless publish targets: a password is never printed, whatever its shape, and
a mistyped URL is refused instead of quietly becoming a local folder."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from packager.errors import ExitCode, InputError
from packager.publish.target import parse_target
from packager.secrets import redact, redact_userinfo
from packager.secrets import redact_url as redact_http_url
from tests.publish_channel import write_channel

SECRET = "Zq9-SECRET"
# Passwords as people really type them: with an unencoded "/", a port-like start, scp-style.
SECRET_TARGETS = [
    f"sftp://deploy:pa/ss-{SECRET}@host.example/srv",
    f"sftp://deploy:12/{SECRET}@host.example/srv",
    f"deploy:{SECRET}@host.example:/srv",
    f"https://deploy:{SECRET}@[::1/dav/",
    f"sftp//deploy:{SECRET}@host.example/srv",
    f"https://deploy:{SECRET}@dav.example:99999/roku/",
]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def built(tmp_path: Path) -> Path:
    return write_channel(tmp_path / "out", {"a1": "first text"}, with_video=False)


@pytest.mark.parametrize("target", SECRET_TARGETS)
@pytest.mark.parametrize("output", ["text", "json"])
def test_publish_never_prints_the_password(
    built: Path, target: str, output: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(built.parent)
    result = CliRunner().invoke(
        main, ["publish", str(built), "--to", target, "-o", output], catch_exceptions=False
    )
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    printed = result.stdout + result.stderr
    assert SECRET not in printed
    assert "hint:" in result.stderr or output == "json"
    if output == "json":
        answer = json.loads(result.stdout)
        assert answer["exitCode"] == ExitCode.BAD_INPUT and answer["hint"]
    assert not any(built.parent.glob("sftp*")), "nothing may be written locally"


def test_a_host_failure_never_prints_the_password(built: Path) -> None:
    target = f"sftp://deploy:{SECRET}@127.0.0.1:{closed_port()}/srv/roku"
    result = CliRunner().invoke(main, ["publish", str(built), "--to", target, "-o", "json"])
    assert result.exit_code == ExitCode.PUBLISH_FAILED
    assert SECRET not in result.stdout + result.stderr
    assert "sftp://deploy@127.0.0.1" in json.loads(result.stdout)["error"]


def test_republish_never_prints_the_password(tmp_path: Path) -> None:
    config = tmp_path / "channel.toml"
    config.write_text('[channel]\nbase_url = "https://cdn.example.com/ch/"\nsources = ["a"]\n')
    for target in SECRET_TARGETS[:3]:
        for output in ("text", "json"):
            result = CliRunner().invoke(
                main, ["republish", "-c", str(config), "--to", target, "-o", output]
            )
            assert result.exit_code == ExitCode.BAD_INPUT, result.output
            assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("target", "suggested"),
    [
        ("sftp//deploy@host.example/srv", "sftp://deploy@host.example/srv"),
        ("https//dav.example/roku/", "https://dav.example/roku/"),
        ("s3/my-bucket/roku", "s3://my-bucket/roku"),
    ],
)
def test_a_url_with_a_typo_is_refused_not_written_to_a_local_folder(
    built: Path, target: str, suggested: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(built.parent)
    result = CliRunner().invoke(main, ["publish", str(built), "--to", target])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "typo" in result.stderr and suggested in result.stderr
    assert f"./{target}" in result.stderr  # how to say "yes, a local folder"
    assert not (built.parent / target.split("/")[0]).exists()


@pytest.mark.parametrize(
    "target", ["deploy@host.example:/srv", "deploy@host.example/srv", "my@folder"]
)
def test_scp_style_and_at_signs_are_not_local_folders(target: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_target(target)
    assert "sftp://user@host/path" in caught.value.hint


@pytest.mark.parametrize(
    "target", ["output/site", "./sftp//x", "/srv/www/a@b", "~/roku", "site", "C:\\roku"]
)
def test_what_is_clearly_a_path_stays_a_local_folder(target: str) -> None:
    assert parse_target(target).scheme == ""


def test_a_percent_encoded_password_is_a_secret_in_both_forms() -> None:
    target = parse_target("sftp://deploy:pa%2Fss@host.example/srv")
    assert target.display == "sftp://deploy@host.example/srv"
    assert {"pa%2Fss", "pa/ss"} <= set(target.secrets)
    assert redact("login as deploy with pa/ss failed", target.secrets).count("***") == 1


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("sftp://deploy:pa/ss@h/srv", "sftp://deploy:***@h/srv"),
        ("to deploy:pw@h:/srv now", "to deploy:***@h:/srv now"),
        ("sftp://deploy@h/srv", "sftp://deploy@h/srv"),  # no password: unchanged
        ("https://example.com/a/b?x=1", "https://example.com/a/b?x=1"),
        ("see me@example.com", "see me@example.com"),  # an e-mail address is not a secret
    ],
)
def test_redact_userinfo(text: str, shown: str) -> None:
    assert redact_userinfo(text) == shown


def test_the_http_client_redacts_the_same_way() -> None:
    assert redact_http_url("https://u:p@example.com/x") == "https://example.com/x"
    assert SECRET not in redact_http_url(f"https://u:a/{SECRET}@example.com/x")
