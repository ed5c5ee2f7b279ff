"""Progress of `packager build` (and republish) through the CLI: plain lines when stderr is not
a terminal (CI logs), rich's bars on a terminal, nothing with -q; stdout stays JSON-only."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from packager.cli import main
from tests.builders import BASE_URL, HLS_ARTICLE, make_bundle


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    root = tmp_path / "articles"
    for name in ("harbor", "bridge", "market"):
        make_bundle(root, name, HLS_ARTICLE.format(name=name, title=name.title()))
    return root


@pytest.fixture(autouse=True)
def not_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TERM", raising=False)


def build(articles: Path, *options: str) -> Result:
    out = articles.parent / "out"
    args = ["build", str(articles), "--out", str(out), "--base-url", BASE_URL, *options]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_a_ci_log_gets_a_line_per_stage_start_and_end(articles: Path) -> None:
    result = build(articles)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("progress: ")]
    assert lines[0].startswith("progress: reading sources: 1/3 (")
    for stage in ("reading sources: 3/3", "thumbnails: 3/3", "validating", "writing"):
        assert any(line.startswith(f"progress: {stage}") and "done in" in line for line in lines)
    assert "progress" not in result.stdout
    assert "\r" not in result.stderr  # no redrawn line in a log


def test_json_output_keeps_stdout_json_only_with_progress_on_stderr(articles: Path) -> None:
    result = build(articles, "-o", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["feedWritten"] is True
    assert "progress: thumbnails: 3/3 done" in result.stderr


def test_quiet_prints_no_progress_but_still_the_report(articles: Path) -> None:
    result = build(articles, "-q")
    assert result.exit_code == 0, result.output
    assert "progress" not in result.stderr
    assert "built " in result.stdout


def test_a_terminal_gets_live_bars(articles: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr("packager.cli.progress.stderr_stream", lambda: terminal)
    result = build(articles)
    assert result.exit_code == 0, result.output
    screen = terminal.getvalue()
    assert "\x1b[" in screen  # drawn with terminal controls, redrawn in place
    assert "thumbnails" in screen and "3/3" in screen
    assert "progress: " not in screen and "progress: " not in result.stderr


def test_republish_shows_the_build_progress_too(articles: Path, tmp_path: Path) -> None:
    config = tmp_path / "channel.toml"
    config.write_text(
        f'[channel]\nprovider_name = "Test"\nbase_url = "{BASE_URL}"\nsources = ["{articles}"]\n',
        encoding="utf-8",
    )
    args = ["republish", "-c", str(config), "--to", str(tmp_path / "host")]
    args += ["--out", str(tmp_path / "out")]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "progress: thumbnails: 3/3 done" in result.stderr
    quiet = CliRunner().invoke(main, [*args, "-q"], catch_exceptions=False)
    assert "progress" not in quiet.stderr
