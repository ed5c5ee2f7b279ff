"""`build -o json` refusing a shrink (exit 7) says so, with the --allow-shrink hint; not that
feed.xml and search.json do not validate."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from packager.cli import main
from packager.errors import ExitCode
from tests.builders import BASE_URL, make_bundle
from tests.hostile.build_helpers import NOW, hls_article


def test_a_refused_shrink_in_json_names_the_shrink_and_the_way_out(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    for day in range(1, 6):
        make_bundle(articles, f"{day:02d}-story", hls_article(f"Story {day}", day))
    config = tmp_path / "channel.toml"
    config.write_text(
        f'[channel]\nprovider_name = "Test News"\nbase_url = "{BASE_URL}"\n'
        'formats = ["roku", "mrss", "roku-search"]\n[video]\nrender = "off"\n',
        encoding="utf-8",
    )
    common = ["--config", str(config), "--out", str(tmp_path / "out"), "--now", NOW.isoformat()]
    first = CliRunner().invoke(main, ["build", str(articles), *common], catch_exceptions=False)
    assert first.exit_code == 0, first.output

    shrunk = CliRunner().invoke(
        main, ["build", str(articles / "01-story"), *common, "-o", "json"], catch_exceptions=False
    )
    assert shrunk.exit_code == ExitCode.SHRINK_REFUSED, shrunk.output
    data = json.loads(shrunk.stdout)
    assert "does not validate" not in data["error"]
    assert "drop 4 of the previous feed's 5 items" in data["error"]
    assert "--allow-shrink" in data["hint"]
