"""What a build says: each thing once, with its origin once, and the silent mistakes named."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from packager.build import build_feed
from packager.build.collect import origin_note
from packager.build.progress import READING, THUMBNAILS, VALIDATING, WRITING, Progress
from packager.config import ChannelConfig, RowRule
from packager.feed.rows import empty_rules
from tests.builders import BASE_URL, make_bundle

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
HLS = "video: https://cdn.example.com/{n}.m3u8\nduration: 90\n"


def _bundle(
    root: Path, name: str, section: str, date: str = "date: 2026-11-02T08:00:00Z\n"
) -> Path:
    text = (
        f"---\n{date}{HLS.format(n=name)}---\n{section}\n\n{name.title()} story\n\n"
        "A paragraph about it, long enough to be a summary of the story.\n"
    )
    return make_bundle(root, name, text)


def _config(**changes: object) -> ChannelConfig:
    config = ChannelConfig(provider_name="Test News", base_url=BASE_URL, render_video="off")
    return config.with_overrides(**changes)


def test_a_row_naming_a_missing_section_is_warned_about(tmp_path: Path) -> None:
    root = tmp_path / "articles"
    _bundle(root, "one", "News / Sports")
    _bundle(root, "two", "News / Weather")
    rows = (RowRule(name="Local", section="Locall"), RowRule(name="Sport", section="Sports"))
    result = build_feed([root], tmp_path / "out", _config(rows=rows, path="channel.toml"), now=NOW)
    assert result.exit_code == 0
    (warning,) = [note for note in result.notes if "row " in note]
    assert warning == (
        "channel.toml: row 'Local' is empty and left out: no article has the section "
        "'Locall'; the sections are: News, Sports, Weather"
    )


def test_a_row_by_a_missing_tag_names_the_tags(tmp_path: Path) -> None:
    root = tmp_path / "articles"
    _bundle(root, "one", "News / Sports")
    rows = (RowRule(name="Picks", tag="editors-pick"),)
    result = build_feed([root], tmp_path / "out", _config(rows=rows), now=NOW)
    assert any(
        "row 'Picks' is empty and left out: no article has the tag 'editors-pick'; the tags "
        "are: News, Sports" in note
        for note in result.notes
    ), result.notes


def test_no_date_is_said_once_with_its_origin_once(tmp_path: Path) -> None:
    root = tmp_path / "articles"
    bundle = _bundle(root, "undated", "News", date="")
    result = build_feed([root], tmp_path / "out", _config(), now=NOW)
    origin = str(bundle / "article.txt")
    dated = [note for note in result.notes if "date" in note]
    assert len(dated) == 1, result.notes
    assert dated[0].startswith(f"{origin}: no date")
    assert dated[0].count(origin) == 1
    assert "meanwhile using 2026-11-28T12:00:00+00:00, when packager first saw it" in dated[0]


def test_origin_note_names_the_origin_once() -> None:
    assert origin_note("a/x/article.txt", "a/x/article.txt: image 'p.jpg' not in the bundle") == (
        "a/x/article.txt: image 'p.jpg' not in the bundle"
    )
    assert origin_note("a/x/article.txt", "no date") == "a/x/article.txt: no date"


def test_progress_reports_every_stage(tmp_path: Path) -> None:
    root = tmp_path / "articles"
    for name in ("one", "two", "three"):
        _bundle(root, name, "News")
    events: list[Progress] = []
    build_feed([root], tmp_path / "out", _config(), now=NOW, progress=events.append)
    stages = list(dict.fromkeys(event.stage for event in events))
    assert stages == [READING, THUMBNAILS, VALIDATING, WRITING]
    thumbnails = [(e.done, e.total) for e in events if e.stage == THUMBNAILS]
    assert thumbnails == [(1, 3), (2, 3), (3, 3)]
    assert all(e.done <= e.total for e in events)


def test_rows_are_not_blamed_when_there_is_no_article() -> None:
    assert empty_rules([], [RowRule(name="Local", section="Local")]) == []
