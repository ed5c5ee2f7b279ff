"""Targets refused before any host is built: bad input (exit 4), never showing a key."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from packager.errors import InputError
from packager.publish.target import parse_target


def test_s3_with_credentials_is_bad_input_without_the_key() -> None:
    with pytest.raises(InputError) as caught:
        parse_target("s3://AKIAEXAMPLEKEY:s3cret@bucket/prefix")
    shown = f"{caught.value}{caught.value.location}"
    assert "AKIAEXAMPLEKEY" not in shown and "s3cret" not in shown
    assert "s3://bucket/prefix" in shown and "AWS_ACCESS_KEY_ID" in shown


def test_sftp_without_a_host_is_bad_input() -> None:
    with pytest.raises(InputError, match="no host"):
        parse_target("sftp://user@/srv")


@pytest.mark.parametrize("target", ["s3://AKIAEXAMPLEKEY:s3cret@bucket/p", "sftp://user@/srv"])
def test_publish_exits_4(target: str, tmp_path: Path) -> None:
    (tmp_path / "feed.json").write_text("{}", encoding="utf-8")
    args = ["publish", str(tmp_path), "--to", target]

    result = CliRunner().invoke(main, args, catch_exceptions=False)

    assert result.exit_code == 4, result.output
    assert "AKIAEXAMPLEKEY" not in result.output and "s3cret" not in result.output
