"""`preview --serve --port N` on a port already taken: one bad-input error, no traceback."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from tests.acceptance.preview.channel import channel_feed, write_channel


def test_a_busy_port_is_bad_input_with_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_channel(tmp_path / "output", channel_feed())
    (tmp_path / "channel.toml").write_text(
        '[channel]\nprovider_name = "Harbor"\nbase_url = "https://cdn.example.com/"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = ["preview", "--serve", "--port", str(port), "-o", "json"]
        result = CliRunner().invoke(main, args, catch_exceptions=False)

    assert result.exit_code == 4, result.output
    document = json.loads(result.stdout)  # one JSON document: the error with the result
    assert f"cannot listen on 127.0.0.1:{port}" in document["error"]
    assert "another --port" in document["hint"]
