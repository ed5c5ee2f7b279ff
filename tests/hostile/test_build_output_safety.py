"""An invalid or shrunken build leaves every previous file untouched; an unwritable output
folder is a clear exit 4, not a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.build import build_feed
from packager.cli import main
from packager.config import ChannelConfig
from packager.errors import ExitCode
from tests.builders import BASE_URL, make_bundle
from tests.hostile.build_helpers import NOW, hls_article


def _channel(root: Path, count: int) -> Path:
    for day in range(1, count + 1):
        make_bundle(root, f"{day:02d}-story", hls_article(f"Story {day}", day))
    return root


def _snapshot(out: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and ".packager" not in path.parts
    }


def _config(tmp_path: Path, formats: str = '"roku", "mrss", "roku-search"') -> Path:
    path = tmp_path / "channel.toml"
    path.write_text(
        f'[channel]\nprovider_name = "Test News"\nbase_url = "{BASE_URL}"\n'
        f'formats = [{formats}]\n[video]\nrender = "off"\n',
        encoding="utf-8",
    )
    return path


def test_the_readme_mistake_replaces_nothing(tmp_path: Path) -> None:
    """`packager build ARTICLES_FOLDER_AS_ONE_BUNDLE`: a folder of bundles given where one
    bundle is read is a 1-item build; it must not replace a 9-item channel."""
    articles = _channel(tmp_path / "articles", 9)
    config = _config(tmp_path)
    out = tmp_path / "out"
    args = [
        "build",
        str(articles),
        "--config",
        str(config),
        "--out",
        str(out),
        "--now",
        NOW.isoformat(),
    ]
    first = CliRunner().invoke(main, args, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    before = _snapshot(out)
    assert len(json.loads(before["feed.json"])["shortFormVideos"]) == 9

    mistaken = ["build", str(articles / "03-story"), *args[2:]]
    result = CliRunner().invoke(main, mistaken, catch_exceptions=False)

    assert result.exit_code == ExitCode.SHRINK_REFUSED, result.output
    assert "drop 8 of the previous feed's 9 items" in result.output
    assert "--allow-shrink" in result.output
    assert _snapshot(out) == before  # feed.json, feed.xml, search.json, the report: untouched

    meant = CliRunner().invoke(main, [*mistaken, "--allow-shrink"], catch_exceptions=False)
    assert meant.exit_code == 0, meant.output
    assert len(json.loads((out / "feed.json").read_bytes())["shortFormVideos"]) == 1


def test_allow_shrink_replaces_the_feed(tmp_path: Path) -> None:
    articles = _channel(tmp_path / "articles", 4)
    config = ChannelConfig(provider_name="Test News", base_url=BASE_URL, render_video="off")
    out = tmp_path / "out"
    assert build_feed([articles], out, config, now=NOW).exit_code == 0
    one = build_feed([articles / "01-story"], out, config, now=NOW)
    assert one.exit_code == ExitCode.SHRINK_REFUSED and not one.feed_written
    allowed = build_feed([articles / "01-story"], out, config, now=NOW, allow_shrink=True)
    assert allowed.exit_code == 0 and allowed.feed_written
    assert len(json.loads((out / "feed.json").read_bytes())["shortFormVideos"]) == 1


def test_an_invalid_other_format_keeps_every_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = _channel(tmp_path / "articles", 3)
    config = ChannelConfig(
        provider_name="Test News",
        base_url=BASE_URL,
        render_video="off",
        formats=("roku", "mrss", "roku-search"),
    )
    out = tmp_path / "out"
    assert build_feed([articles], out, config, now=NOW).exit_code == 0
    before = _snapshot(out)
    # A fourth story, and feed.xml that no longer validates (as the README's mistake did).
    make_bundle(articles, "04-story", hls_article("Story 4", 4))
    monkeypatch.setattr(
        "packager.build.assemble.mrss_bytes",
        lambda feed, config: b'<rss version="2.0"><channel/></rss>',
    )
    result = build_feed([articles], out, config, now=NOW)
    assert result.exit_code == ExitCode.FEED_INVALID and not result.feed_written
    assert _snapshot(out) == before
    assert result.report_path == out / ".packager" / "failed-build-report.json"
    failed = json.loads(result.report_path.read_bytes())
    assert failed["feedWritten"] is False
    assert failed["otherFormats"]["feed.xml"]["written"] is False


def test_first_build_that_fails_still_reports(tmp_path: Path) -> None:
    root = tmp_path / "articles"
    make_bundle(root, "x", "not an article", photos=0)
    config = ChannelConfig(provider_name="Test News", base_url=BASE_URL, render_video="off")
    result = build_feed([root], tmp_path / "out", config, now=NOW)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert not result.previous_feed
    assert result.report_path == tmp_path / "out" / "build-report.json"
    assert result.report_path.is_file()


def _unwritable_folder(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder / "out"
    # root writes through permissions; /sys refuses new files even to root.
    try:
        (Path("/sys") / "packager-probe").mkdir()
    except OSError:
        return Path("/sys/packager-out")
    pytest.skip("no read-only folder available to this user")


def test_build_into_a_read_only_folder_is_exit_4(tmp_path: Path) -> None:
    articles = _channel(tmp_path / "articles", 1)
    out = _unwritable_folder(tmp_path)
    args = ["build", str(articles), "--base-url", BASE_URL, "--render", "off", "--out", str(out)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert f"cannot write the output folder {out}" in result.output
    assert "hint: give an output folder you can write" in result.output
