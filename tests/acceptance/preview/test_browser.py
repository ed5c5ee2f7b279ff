"""The preview in a real browser: Debian's chromium driven by Playwright (see conftest.browser).

Checks the test contract the README documents: rows [data-row="<name>"], tiles
[data-item-id="<id>"] inside their row, the details view [data-details], the player
video[data-player].
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from packager.cli import main
from packager.preview import PreviewResult, PreviewServer, build_preview
from packager.preview.rows import build_rows
from tests.acceptance.preview.channel import BASE_URL, EXPECTED_ROWS, PageWatch, channel_feed
from tests.builders import REPO, make_poster
from tests.http_fixtures import LocalServer, Route

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("PACKAGER_TEST_ARTIFACTS", REPO / "output" / "test-artifacts"))
GOLDEN = REPO / "tests" / "acceptance" / "golden" / "example-channel-feed.json"


@pytest.fixture(scope="module")
def served(channel_dir: Path) -> Iterator[tuple[str, PreviewResult]]:
    """The channel's preview, written into the output folder and served on 127.0.0.1."""
    result = build_preview(str(channel_dir))
    running = PreviewServer(result.out_dir, result.local_root).start()
    yield running.url, result
    running.stop()


def open_page(watch: PageWatch, url: str) -> Any:
    page = watch.page
    page.goto(url)
    page.wait_for_selector("body[data-ready]", timeout=10_000)
    return page


def row_ids(page: Any) -> dict[str, list[str]]:
    result: dict[str, list[str]] = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-row]')].map(row =>
            [row.dataset.row, [...row.querySelectorAll('[data-item-id]')].map(t => t.dataset.itemId)]))"""
    )
    return result


def focused_id(page: Any) -> str | None:
    value: str | None = page.evaluate("() => document.activeElement.dataset.itemId || null")
    return value


def wait_playing(page: Any, item_id: str, seconds: float = 0.5) -> float:
    page.wait_for_function(
        f"""() => {{ const v = document.querySelector('video[data-player="{item_id}"]');
            return v && v.currentTime > {seconds}; }}""",
        timeout=20_000,
    )
    played: float = page.evaluate("() => document.querySelector('video[data-player]').currentTime")
    return played


def assert_all_posters_loaded(page: Any) -> int:
    page.wait_for_function(
        "() => [...document.querySelectorAll('.tile img')].every(img => img.complete)",
        timeout=10_000,
    )
    posters = page.evaluate(
        """() => [...document.querySelectorAll('.tile')].map(tile => {
            const img = tile.querySelector('img');
            return [tile.dataset.itemId, img ? img.naturalWidth : 0, img ? img.naturalHeight : 0]; })"""
    )
    assert posters, "the page shows tiles"
    broken = [item_id for item_id, width, _ in posters if width == 0]
    assert not broken, f"posters that did not load: {broken}"
    assert all(width * 9 == height * 16 for _, width, height in posters), "16:9 posters"
    return len(posters)


# -- a built output folder, served ------------------------------------------------------------


def test_rows_and_tiles_match_the_feed(
    page: PageWatch, served: tuple[str, PreviewResult], channel_dir: Path
) -> None:
    shown = open_page(page, served[0])
    feed = json.loads((channel_dir / "feed.json").read_text(encoding="utf-8"))
    assert row_ids(shown) == EXPECTED_ROWS
    assert row_ids(shown) == {row.name: list(row.item_ids) for row in build_rows(feed)}
    assert list(row_ids(shown)) == [c["name"] for c in feed["categories"]]
    assert shown.locator('[data-item-id="city-hall"] .badge.series').first.is_visible()
    assert shown.locator('[data-item-id="harbor-live"] .badge.live').is_visible()
    assert shown.locator('[data-item-id="harbor-live"] [data-badge="warning"]').is_visible()
    assert shown.locator("[data-counts]").inner_text() == (
        "1 series · 4 short-form videos · 1 TV special · 1 live feed"
    )
    assert "of 500 KB" in shown.locator("[data-size]").inner_text()
    assert shown.locator("[data-summary]").inner_text() == "0 errors, 1 warning"
    assert not page.console_errors


def test_every_poster_loads(page: PageWatch, served: tuple[str, PreviewResult]) -> None:
    shown = open_page(page, served[0])
    assert assert_all_posters_loaded(shown) == sum(len(ids) for ids in EXPECTED_ROWS.values())
    assert not page.console_errors


def test_remote_opens_details_plays_and_goes_back(
    page: PageWatch, served: tuple[str, PreviewResult]
) -> None:
    shown = open_page(page, served[0])
    assert focused_id(shown) == "ferry"  # the first tile of the first row has the focus
    shown.keyboard.press("ArrowRight")
    assert focused_id(shown) == "port-strike"
    shown.keyboard.press("ArrowDown")
    assert focused_id(shown) == "market-hls"  # each row keeps its own position, as on Roku
    shown.keyboard.press("ArrowRight")
    assert focused_id(shown) == "library"
    shown.keyboard.press("ArrowUp")
    assert focused_id(shown) == "port-strike"
    shown.keyboard.press("Enter")
    details = shown.locator('[data-details="port-strike"]')
    details.wait_for()
    text = details.inner_text()
    for expected in (
        "Port strike talks resume",
        "0:04",
        "2026-11-20",
        "TVG (USA_PR)",
        "news",
        "harbor, port",
        "Ada Reporter (anchor)",
        "the short description",
        "A longer description",
    ):
        assert expected in text
    shown.keyboard.press("Enter")
    assert wait_playing(shown, "port-strike") > 0.5
    tracks = shown.locator('video[data-player="port-strike"] track[kind="subtitles"]')
    assert tracks.count() == 1
    assert tracks.first.get_attribute("srclang") == "en"
    shown.keyboard.press("Escape")
    details.wait_for()
    assert shown.locator("video[data-player]").count() == 0
    shown.keyboard.press("Backspace")
    shown.locator("#home").wait_for()
    assert focused_id(shown) == "port-strike"
    assert not page.console_errors


def test_captions_track_only_where_the_item_has_captions(
    page: PageWatch, served: tuple[str, PreviewResult]
) -> None:
    shown = open_page(page, served[0])
    shown.keyboard.press("Enter")  # ferry: no captions
    shown.keyboard.press("Enter")
    wait_playing(shown, "ferry", 0.2)
    assert shown.locator("video[data-player] track").count() == 0
    shown.keyboard.press("Escape")
    shown.keyboard.press("Escape")
    shown.locator('[data-row="Around Town"] [data-item-id="library"]').click()
    shown.locator('[data-details="library"] [data-play]').click()
    wait_playing(shown, "library", 0.2)
    # The track loads (served over HTTP): its cues are there.
    shown.wait_for_function(
        "() => { const t = document.querySelector('video[data-player]').textTracks[0];"
        " t.mode = 'hidden'; return t.cues && t.cues.length === 2; }",
        timeout=10_000,
    )
    assert not page.console_errors


def test_hls_plays_through_hls_js(page: PageWatch, served: tuple[str, PreviewResult]) -> None:
    shown = open_page(page, served[0])
    shown.keyboard.press("ArrowDown")
    assert focused_id(shown) == "market-hls"
    shown.keyboard.press("Enter")
    shown.keyboard.press("Enter")
    assert wait_playing(shown, "market-hls") > 0.5
    source = shown.evaluate("() => document.querySelector('video[data-player]').currentSrc")
    assert source.startswith("blob:"), "hls.js feeds the video through Media Source Extensions"
    assert not page.console_errors


def test_series_details_list_seasons_and_episodes_by_mouse(
    page: PageWatch, served: tuple[str, PreviewResult]
) -> None:
    shown = open_page(page, served[0])
    shown.locator('[data-row="Top Stories"] [data-item-id="city-hall"]').click()
    details = shown.locator('[data-details="city-hall"]')
    details.wait_for()
    assert "Season 1 · 2 episodes" in details.inner_text()
    shown.locator('[data-episode-id="ch-ep2"]').click()
    assert wait_playing(shown, "ch-ep2", 0.2) > 0.2
    assert not page.console_errors


def test_preview_works_from_file_urls(page: PageWatch, served: tuple[str, PreviewResult]) -> None:
    shown = open_page(page, served[1].page.as_uri())
    assert row_ids(shown) == EXPECTED_ROWS
    assert_all_posters_loaded(shown)
    shown.keyboard.press("ArrowRight")
    shown.keyboard.press("Enter")
    shown.keyboard.press("Enter")
    assert wait_playing(shown, "port-strike", 0.2) > 0.2
    shown.wait_for_function(  # the inlined captions load where a file: track could not
        "() => { const t = document.querySelector('video[data-player]').textTracks[0];"
        " t.mode = 'hidden'; return t.cues && t.cues.length === 2; }",
        timeout=10_000,
    )
    shown.keyboard.press("Escape")
    shown.keyboard.press("Escape")
    shown.keyboard.press("ArrowDown")
    shown.keyboard.press("ArrowLeft")
    assert focused_id(shown) == "market-hls"
    shown.keyboard.press("Enter")
    shown.keyboard.press("Enter")
    status = shown.locator("[data-player-status]")
    assert "--serve" in status.inner_text(), "a local HLS stream on a file:// page says why"
    assert not page.console_errors


def test_home_screenshot_is_saved(page: PageWatch, served: tuple[str, PreviewResult]) -> None:
    shown = open_page(page, served[0])
    assert_all_posters_loaded(shown)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    png = ARTIFACTS / "preview-home.png"
    shown.screenshot(path=str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_screenshot_writes_a_png(served: tuple[str, PreviewResult], channel_dir: Path) -> None:
    if shutil.which("chromium") is None and not os.environ.get("PACKAGER_CHROMIUM"):
        pytest.skip("Chromium is not installed: run .ci/install-browser.sh")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    png = ARTIFACTS / "preview-home-cli.png"
    png.unlink(missing_ok=True)
    result = CliRunner().invoke(
        main, ["preview", str(channel_dir), "--screenshot", str(png)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000, "a drawn home screen, not a blank page"


# -- a third-party feed by URL, the example channel, bad input ---------------------------------


@pytest.fixture
def third_party(server: LocalServer, tmp_path: Path) -> LocalServer:
    """Someone else's feed on a web server: query rows only, posters on the same server."""
    feed = channel_feed()
    feed["categories"] = [
        {"name": "Harbor news", "query": "harbor OR port", "order": "most_recent"},
        {"name": "Harbor and port", "query": "harbor AND port", "order": "chronological"},
        {"name": "Popular", "query": "city", "order": "most_popular"},
    ]
    del feed["playlists"]
    text = json.dumps(feed).replace(BASE_URL, server.url("/media/"))
    server.routes["/roku/feed.json"] = Route(text.encode(), content_type="application/json")
    for hue, item_id in enumerate(
        [
            "port-strike",
            "ferry",
            "library",
            "market-hls",
            "budget",
            "city-hall",
            "harbor-live",
            "ch-ep1",
            "ch-ep2",
        ]
    ):
        poster = tmp_path / f"{item_id}.jpg"
        make_poster(poster, item_id, hue)
        server.routes[f"/media/images/{item_id}.jpg"] = Route(
            poster.read_bytes(), content_type="image/jpeg"
        )
    return server


def test_third_party_feed_by_url_with_query_rows(
    page: PageWatch, third_party: LocalServer, tmp_path: Path
) -> None:
    out = tmp_path / "pv"
    result = CliRunner().invoke(
        main,
        ["preview", third_party.url("/roku/feed.json"), "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    shown = open_page(page, (out / "index.html").as_uri())
    assert row_ids(shown) == {
        "Harbor news": ["ferry", "port-strike", "budget"],
        "Harbor and port": ["budget", "port-strike"],
        "Popular": ["city-hall", "market-hls", "budget"],
    }
    assert "viewing data" in shown.locator('[data-row="Popular"] .row-note').inner_text()
    assert_all_posters_loaded(shown)
    assert not page.console_errors


def test_example_channel_rows_match_its_feed_and_broken_posters_show_placeholders(
    page: PageWatch, tmp_path: Path
) -> None:
    # The golden feed's posters are placeholders (<hash>.jpg on a host that does not exist):
    # every tile must still be drawn, with a visible "poster failed" placeholder.
    result = build_preview(str(GOLDEN), tmp_path / "pv")
    feed = json.loads(GOLDEN.read_text(encoding="utf-8"))
    playlists = {p["name"]: p["itemIds"] for p in feed["playlists"]}
    shown = open_page(page, result.page.as_uri())
    assert row_ids(shown) == {c["name"]: playlists[c["playlistName"]] for c in feed["categories"]}
    placeholders = shown.locator("[data-broken-poster]")
    placeholders.first.wait_for()
    shown.wait_for_function(
        "() => document.querySelectorAll('[data-broken-poster]').length"
        " === document.querySelectorAll('.tile').length"
    )
    assert placeholders.first.inner_text() == "Poster failed to load"
    assert shown.locator('[data-item-id="harbor-live"]').count() == 0  # in no category
    assert shown.locator("[data-badge]").count() > 0  # the golden's placeholder URLs are errors


def test_flagged_items_carry_badges(page: PageWatch, tmp_path: Path) -> None:
    feed = channel_feed()
    del feed["shortFormVideos"][1]["genres"]
    feed["shortFormVideos"][0]["content"]["videos"] = []
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed).replace(BASE_URL, "http://127.0.0.1:9/"), encoding="utf-8")
    shown = open_page(page, build_preview(str(path), tmp_path / "pv").page.as_uri())
    assert shown.locator(
        '[data-row="Top Stories"] [data-item-id="ferry"] [data-flag="drop"]'
    ).is_visible()
    assert shown.locator(
        '[data-row="Top Stories"] [data-item-id="port-strike"] [data-flag="blank"]'
    ).is_visible()
    assert "2 items flagged" in shown.locator("header").inner_text()
    shown.locator('[data-row="Top Stories"] [data-item-id="port-strike"]').click()
    assert shown.locator('[data-details="port-strike"] [data-play]').is_disabled()


def test_not_a_feed_shows_a_message_not_a_blank_page(page: PageWatch, tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text('["not", "a", "feed"]', encoding="utf-8")
    out = tmp_path / "pv"
    result = CliRunner().invoke(main, ["preview", str(path), "--out", str(out)])
    assert result.exit_code == 4
    shown = page.page
    shown.goto((out / "index.html").as_uri())
    message = shown.locator("[data-error]")
    assert message.is_visible()
    assert "it is JSON but not a feed" in message.inner_text()
    assert not page.console_errors


def test_what_the_template_would_refuse_is_said_above_the_rows(
    page: PageWatch, tmp_path: Path
) -> None:
    feed = channel_feed()
    del feed["shortFormVideos"][2]["genres"]
    padding = "x" * 1000  # over 1 KB per movie: 520 movies take the feed over 500 KB
    feed["movies"] = [
        {"id": f"m{n}", "title": f"Movie {n}", "genres": ["news"], "longDescription": padding}
        for n in range(520)
    ]
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed).replace(BASE_URL, "http://127.0.0.1:9/"), encoding="utf-8")
    result = build_preview(str(path), tmp_path / "pv")
    assert result.size_bytes > 500 * 1024
    shown = open_page(page, result.page.as_uri())
    banners = shown.locator("[data-template-warning]").all_inner_texts()
    assert len(banners) == 2
    assert "Feed is too large" in banners[0]
    assert "1 item without genres (Central library reopens)" in banners[1]
    assert "bad" in (shown.locator("[data-size]").get_attribute("class") or "")
