"""`packager republish --summary-screenshot`: a PNG of the built channel's preview home screen
in the GitHub job summary, and a clear note (not a failed run) when Chromium is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from packager.cli import main
from packager.preview import find_chromium
from packager.report import screenshot_markdown
from tests.builders import BASE_URL, HLS_ARTICLE, make_bundle


@pytest.fixture
def channel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A channel folder with two articles (their own HLS videos: nothing to render), as cwd,
    and a job summary file as GitHub Actions gives one."""
    for name in ("harbor", "bridge"):
        make_bundle(tmp_path / "articles", name, HLS_ARTICLE.format(name=name, title=name.title()))
    (tmp_path / "channel.toml").write_text(
        f'[channel]\nprovider_name = "Harbor"\nbase_url = "{BASE_URL}"\n'
        'sources = ["articles"]\n\n[feed]\nbyline_role = ""\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    return tmp_path


def republish(channel: Path, *options: str) -> Result:
    args = ["republish", "--to", str(channel / "host"), "-q", *options]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_without_chromium_the_summary_says_so_and_the_run_succeeds(
    channel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACKAGER_CHROMIUM", str(channel / "no-such-chromium"))
    result = republish(channel, "--summary-screenshot", "home.png")
    assert result.exit_code == 0, result.output
    assert "note: no screenshot of the preview: Chromium is not installed" in result.stderr
    summary = (channel / "summary.md").read_text(encoding="utf-8")
    assert "### packager republish: published" in summary
    assert "_No screenshot: Chromium is not installed (Debian: apt-get install chromium" in summary
    assert not (channel / "home.png").exists()


@pytest.mark.browser
@pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
def test_the_summary_shows_the_home_screen(channel: Path) -> None:
    url = "https://ci.example.com/artifacts/home.png"
    result = republish(
        channel, "--summary-screenshot", "shots/home.png", "--summary-screenshot-url", url
    )
    assert result.exit_code == 0, result.output
    png = channel / "shots" / "home.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = (channel / "summary.md").read_text(encoding="utf-8")
    assert f"![Home screen of the channel preview]({url})" in summary
    assert not (channel / "output" / "preview").exists()  # the page went to a temporary folder


def test_without_a_url_the_summary_names_the_file_to_upload() -> None:
    text = screenshot_markdown("shots/home.png", image_url=None)
    assert "`shots/home.png`" in text and "actions/upload-artifact" in text
    assert "![" not in text  # GitHub would show a broken image for a runner's file
