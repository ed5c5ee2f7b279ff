"""What `packager build` tells people: the example's report without noise, the truth about a
feed that was never there, and the help that tells --render forced from --rerender."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from packager.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "channel"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_example_report_counts_kinds_right_and_says_the_byline_warning_once(
    tmp_path: Path,
) -> None:
    result = invoke("build", str(EXAMPLE), "--out", str(tmp_path / "out"), "--render", "off")
    assert result.exit_code == 0, result.output
    report = result.stdout
    assert "1 tvSpecial, 1 liveFeed;" in report  # not "1 tvSpecials"
    assert report.count("[credit-birth-date]") == 1
    assert "2 items: credits[0] has no 'birthDate'" in report
    assert 'byline_role = ""' in report and "add it when known" not in report


def test_a_failed_first_build_does_not_claim_a_feed_is_unchanged(tmp_path: Path) -> None:
    channel = tmp_path / "channel"
    shutil.copytree(EXAMPLE, channel)
    out = tmp_path / "out"
    result = invoke("build", str(channel), "--out", str(out), "--render", "off", "--strict")
    assert result.exit_code == 3, result.output
    assert f"feed NOT written: {out / 'feed.json'} (there was no previous feed" in result.stdout
    assert "is unchanged" not in result.stdout
    invoke("build", str(channel), "--out", str(out), "--render", "off")
    again = invoke("build", str(channel), "--out", str(out), "--render", "off", "--strict")
    assert f"feed NOT written: {out / 'feed.json'} is unchanged" in again.stdout


def test_a_source_that_cannot_be_fetched_is_named_once(tmp_path: Path) -> None:
    url = "http://127.0.0.1:9/feed.xml"  # port 9 (discard): nothing listens
    result = invoke(
        "build", url, "--out", str(tmp_path / "out"), "--base-url", "https://x.example/",
        "--provider-name", "T", "--allow-host", "127.0.0.1", "-q",
    )  # fmt: skip
    assert result.exit_code == 6, result.output
    (line,) = [line for line in result.stdout.splitlines() if line.startswith(f"  {url}")]
    assert line.count(url) == 1, line
    assert "cannot fetch" in line


def test_build_help_tells_forced_from_rerender() -> None:
    text = invoke("build", "--help").stdout
    flat = " ".join(text.split())
    assert "forced: every article, replacing its own video" in flat
    assert "does not change which articles are rendered" in flat
    assert "-q, --quiet" in text
