"""Careless publish targets found in review: urllib's message never reaches the screen (it
quotes passwords), an empty --to is refused, the output folder is never its own target, and a
target of the wrong kind is bad input (exit 4), not a failed publish (exit 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from packager.errors import ExitCode
from tests.publish_channel import write_channel

# Passwords (or their tails) that urllib would quote in "Port could not be cast to integer".
LEAKY_TARGETS = [
    ("sftp://deploy:SECRET21#@127.0.0.1:1/srv", "SECRET21"),
    ("sftp://deploy:SECRET22?@127.0.0.1:1/srv", "SECRET22"),
    ("https://u:SECRET27/@127.0.0.1:1/x", "SECRET27"),
    ("sftp://deploy:pa/ssSECRET1@127.0.0.1:1/srv", "'pa'"),
    ("sftp://deploy@127.0.0.1:SECRET28/srv", "SECRET28"),
    ("https://u:SECRET29@127.0.0.1:SECRET29/x", "SECRET29"),
]
WRONG_KIND_TARGETS = [
    "htps://cdn.example.com/roku/",
    "ftp://cdn.example.com/roku",
    "ssh://deploy@cdn.example.com/srv",
    "webdav://cdn.example.com/roku/",
    "file://u@localhost/tmp/x",
    "file://otherhost/tmp/x",
    "http://u@example.com/roku/",
]


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_channel(tmp_path / "out", {"a1": "first text"}, with_video=False)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("target", "secret"), LEAKY_TARGETS)
@pytest.mark.parametrize("output", ["text", "json"])
def test_a_bad_port_never_prints_any_part_of_the_password(
    built: Path, target: str, secret: str, output: str
) -> None:
    code, out, err = run("publish", str(built), "--to", target, "-o", output, "--dry-run")
    assert code == ExitCode.BAD_INPUT, out + err
    assert secret not in out + err
    assert "could not be cast" not in out + err
    assert "percent-encode" in (json.loads(out)["hint"] if output == "json" else err)


@pytest.mark.parametrize(("target", "secret"), LEAKY_TARGETS[:3])
def test_republish_with_a_bad_port_never_prints_the_password(
    tmp_path: Path, target: str, secret: str
) -> None:
    config = tmp_path / "channel.toml"
    config.write_text('[channel]\nbase_url = "https://cdn.example.com/ch/"\nsources = ["a"]\n')
    for output in ("text", "json"):
        code, out, err = run("republish", "-c", str(config), "--to", target, "-o", output)
        assert code == ExitCode.BAD_INPUT, out + err
        assert secret not in out + err


@pytest.mark.parametrize("target", ["", " ", "\t"])
def test_an_empty_target_is_refused(built: Path, target: str) -> None:
    code, out, err = run("publish", str(built), "--to", target)
    assert code == ExitCode.BAD_INPUT, out + err
    assert "target is empty" in err and "unset" in err
    assert not (built.parent / "feed.json").exists(), "nothing is written to the current folder"


def test_republish_refuses_an_empty_target(tmp_path: Path) -> None:
    config = tmp_path / "channel.toml"
    config.write_text('[channel]\nbase_url = "https://cdn.example.com/ch/"\nsources = ["a"]\n')
    code, out, err = run("republish", "-c", str(config), "--to", "", "-o", "json")
    assert code == ExitCode.BAD_INPUT, out + err
    assert "target is empty" in json.loads(out)["error"]


@pytest.mark.parametrize("target", ["out", "./out/", "out/images", "out/x/y"])
def test_the_output_folder_is_never_its_own_target(built: Path, target: str) -> None:
    code, out, err = run("publish", "out", "--to", target)
    assert code == ExitCode.BAD_INPUT, out + err
    assert "output folder" in err
    assert not (built / "images" / "feed.json").exists()
    assert not (built / "x").exists()


def test_a_file_url_inside_the_output_folder_is_refused(built: Path) -> None:
    code, out, err = run("publish", str(built), "--to", (built / "images").as_uri())
    assert code == ExitCode.BAD_INPUT, out + err
    assert "inside the output folder" in err


def test_republish_refuses_a_target_inside_its_build_folder(tmp_path: Path) -> None:
    config = tmp_path / "channel.toml"
    config.write_text('[channel]\nbase_url = "https://cdn.example.com/ch/"\nsources = ["a"]\n')
    out_dir = tmp_path / "build"
    code, out, err = run(
        "republish", "-c", str(config), "--out", str(out_dir), "--to", str(out_dir / "site")
    )
    assert code == ExitCode.BAD_INPUT, out + err
    assert "inside the output folder" in err


def test_a_sibling_folder_is_still_a_fine_target(built: Path) -> None:
    code, out, err = run("publish", "out", "--to", "site")
    assert code == ExitCode.OK, out + err
    assert (built.parent / "site" / "feed.json").is_file()


@pytest.mark.parametrize("target", WRONG_KIND_TARGETS)
@pytest.mark.parametrize("output", ["text", "json"])
def test_a_target_of_the_wrong_kind_is_bad_input(built: Path, target: str, output: str) -> None:
    code, out, err = run("publish", str(built), "--to", target, "-o", output, "--dry-run")
    assert code == ExitCode.BAD_INPUT, out + err
    hint = json.loads(out)["hint"] if output == "json" else err
    assert "sftp://user@host:port/path" in hint and "s3://bucket/prefix" in hint


@pytest.mark.parametrize(
    ("target", "advice"),
    [
        ("htps://cdn.example.com/roku/", "https://"),
        ("ssh://deploy@cdn.example.com/srv", "sftp://"),
        ("webdav://cdn.example.com/roku/", "https://host/path/"),
    ],
)
def test_a_wrong_scheme_hint_names_the_right_one(built: Path, target: str, advice: str) -> None:
    _, _, err = run("publish", str(built), "--to", target, "--dry-run")
    hint = err.split("hint:", 1)[1]
    assert hint.split(";")[0].count(advice) == 1, hint


def test_the_library_refuses_a_target_inside_the_output_folder_too(tmp_path: Path) -> None:
    from packager.errors import InputError
    from packager.publish import publish

    out = tmp_path / "out"
    out.mkdir()
    (out / "feed.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="is inside the output folder"):
        publish(out, str(out / "images"))
