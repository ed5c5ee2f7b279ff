"""`packager extract` shows the article model for bundles, loose article files and saved pages."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from packager.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "channel" / "articles"


def test_extract_bundle_and_loose_file_as_json(shared_dir: Path) -> None:
    seed = shared_dir / "seed" / "000_ea0fa2e06869f8ed.txt"
    result = CliRunner().invoke(
        main,
        ["extract", "-o", "json", str(EXAMPLE / "03-library-page"), str(seed)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    library, seed_article = json.loads(result.stdout)["articles"]
    assert library["title"] == "Central library reopens after two-year renovation"
    assert library["images"][0]["caption"] == "The new reading hall of the central library"
    assert seed_article["section_path"] == ["News", "Foreign Policy", "Russia", "Editor's Choice"]
    assert not any("alternate addresses" in p for p in seed_article["body"])


def test_extract_text_output_and_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["extract", str(EXAMPLE / "01-port-strike"), str(tmp_path / "missing")],
        catch_exceptions=False,
    )
    assert result.exit_code == 4
    assert "Port strike talks resume as container backlog grows" in result.stdout
    assert "(Reuters)" in result.stdout
    assert "error: cannot read" in result.stderr and "missing" in result.stderr
