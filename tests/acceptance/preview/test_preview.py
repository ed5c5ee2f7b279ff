"""`packager preview` without a browser: reading SOURCE, mapping URLs to the output folder's
files, the embedded page data, bad input, serving, and the files the wheel ships."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from packager.cli import main
from packager.errors import ExitCode, InputError
from packager.preview import PreviewServer, build_preview, default_out_dir
from packager.preview.page import ASSET_DIR, ASSET_FILES, HLS_JS_VERSION, embed_json
from packager.preview.server import local_prefix
from packager.preview.source import load_source
from tests.acceptance.preview.channel import BASE_URL, EXPECTED_ROWS, channel_feed, write_channel
from tests.builders import REPO
from tests.http_fixtures import LocalServer, Route, free_port


def page_data(page: Path) -> dict[str, Any]:
    html = page.read_text(encoding="utf-8")
    match = re.search(
        r'<script type="application/json" id="preview-data">(.*?)</script>', html, re.S
    )
    assert match, "the page embeds its data"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


@pytest.fixture
def small_channel(tmp_path: Path) -> Path:
    """An output folder with posters and captions (no videos: these tests play nothing)."""
    return write_channel(tmp_path / "output", channel_feed())


def test_build_folder_preview_goes_inside_it_with_local_paths(channel_dir: Path) -> None:
    result = build_preview(str(channel_dir))
    assert result.page == channel_dir.resolve() / "preview" / "index.html"
    assert (result.rows, result.items, result.errors) == (4, 7, 0)
    data = page_data(result.page)
    port = data["items"]["port-strike"]
    assert port["thumbnail"] == "../images/port-strike.jpg"
    assert port["video"] == {"url": "../videos/clip.mp4", "type": "MP4", "local": True}
    # Captions are inlined: a file:// page may not load a <track> from another file.
    (caption,) = port["captions"]
    assert caption["label"] == "en (subtitle)" and caption["language"] == "en"
    assert caption["url"].startswith("data:text/vtt;base64,")
    vtt = (channel_dir / "captions" / "clip.vtt").read_bytes()
    assert base64.b64decode(caption["url"].split(",", 1)[1]) == vtt
    assert data["items"]["market-hls"]["video"]["type"] == "HLS"
    for name in ASSET_FILES:
        assert (result.out_dir / ASSET_DIR / name).is_file()


def test_rows_and_summary_are_embedded(small_channel: Path) -> None:
    data = page_data(build_preview(str(small_channel)).page)
    assert {row["name"]: row["items"] for row in data["rows"]} == EXPECTED_ROWS
    summary = data["summary"]
    assert summary["counts"] == {"series": 1, "shortFormVideos": 4, "tvSpecials": 1, "liveFeeds": 1}
    assert summary["limitBytes"] == 500 * 1024
    assert summary["sizeBytes"] == (small_channel / "feed.json").stat().st_size
    assert (summary["errors"], summary["warnings"]) == (0, 1)
    live = data["items"]["harbor-live"]
    assert live["live"] is True
    assert [p["rule"] for p in live["problems"]] == ["unknown-key"]
    series = data["items"]["city-hall"]
    assert series["series"] is True
    assert [ep["id"] for ep in series["seasons"][0]["episodes"]] == ["ch-ep1", "ch-ep2"]
    assert series["seasons"][0]["title"] == "Season 1"


def test_out_elsewhere_gets_relative_paths_to_the_output_folder(
    small_channel: Path, tmp_path: Path
) -> None:
    result = build_preview(str(small_channel / "feed.json"), tmp_path / "elsewhere" / "pv")
    thumbnail = page_data(result.page)["items"]["ferry"]["thumbnail"]
    assert (result.out_dir / thumbnail).resolve() == (small_channel / "images/ferry.jpg").resolve()


def test_urls_of_files_the_folder_lacks_stay_remote(tmp_path: Path) -> None:
    feed = channel_feed()
    feed["shortFormVideos"][0]["thumbnail"] = BASE_URL + "images/not-built.jpg"
    folder = write_channel(tmp_path / "out", feed)
    (folder / "images" / "not-built.jpg").unlink()
    items = page_data(build_preview(str(folder)).page)["items"]
    assert items["port-strike"]["thumbnail"] == BASE_URL + "images/not-built.jpg"
    assert items["ferry"]["thumbnail"] == "../images/ferry.jpg"


def test_items_the_template_would_break_or_blank_are_flagged(tmp_path: Path) -> None:
    feed = channel_feed()
    del feed["shortFormVideos"][0]["genres"]
    feed["shortFormVideos"][1]["content"]["videos"] = []
    del feed["tvSpecials"][0]["thumbnail"]
    data = page_data(build_preview(str(write_channel(tmp_path / "o", feed))).page)
    flags = {item_id: [f["kind"] for f in item["flags"]] for item_id, item in data["items"].items()}
    assert flags["port-strike"] == ["drop"]
    assert flags["ferry"] == ["blank"]
    assert flags["budget"] == ["blank"]
    assert flags["library"] == []
    assert data["summary"]["flagged"] == 3
    assert data["items"]["port-strike"]["problems"], "the validator's warning is on the tile too"


def test_feed_text_cannot_break_out_of_the_embedded_json(tmp_path: Path) -> None:
    feed = channel_feed()
    feed["providerName"] = "</script><script>alert(1)</script> & \u2028"
    feed["shortFormVideos"][0]["title"] = "<!-- </SCRIPT> -->"
    page = build_preview(str(write_channel(tmp_path / "o", feed))).page
    html = page.read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert page_data(page)["channel"]["providerName"] == feed["providerName"]
    assert json.loads(embed_json({"a": "</script>"})) == {"a": "</script>"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "not a feed (its top level is a array)"),
        ('{"hello": "world"}', "not a Roku feed"),
        ('{"version": "1", "defaultLanguage": "en", "assets": []}', "Roku Search Feed"),
        ("<html><body>hi</body></html>", "XML or HTML"),
        ('{"providerName": ', "not valid JSON"),
        ("", "is empty"),
    ],
)
def test_a_file_that_is_not_a_feed_is_refused_clearly(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "feed.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_source(str(path))
    assert message in raised.value.message


def test_cli_not_a_feed_exits_4_and_writes_a_page_that_says_why(tmp_path: Path) -> None:
    (tmp_path / "feed.json").write_text('{"hello": "world"}', encoding="utf-8")
    out = tmp_path / "pv"
    result = CliRunner().invoke(main, ["preview", str(tmp_path / "feed.json"), "--out", str(out)])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "error: cannot preview" in result.stderr and "hint:" in result.stderr
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "data-error" in page and "not a Roku feed" in page


def test_cli_unreachable_url_exits_6_with_the_reason(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/feed.json"
    result = CliRunner().invoke(main, ["preview", url, "--out", str(tmp_path / "pv")])
    assert result.exit_code == ExitCode.SOURCE_UNREACHABLE
    assert url in result.stderr


def test_cli_folder_without_a_feed(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["preview", str(tmp_path), "--out", str(tmp_path / "pv")])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "has no feed.json" in result.stderr


def test_cli_previews_a_feed_url(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/roku/feed.json"] = Route(
        json.dumps(channel_feed()).encode(), content_type="application/json"
    )
    out = tmp_path / "pv"
    result = CliRunner().invoke(
        main, ["preview", server.url("/roku/feed.json"), "--out", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    assert "4 rows, 7 items" in result.stdout
    data = page_data(out / "index.html")
    assert data["items"]["ferry"]["thumbnail"] == BASE_URL + "images/ferry.jpg"
    assert data["channel"]["origin"] == server.url("/roku/feed.json")


def test_default_out_dirs(tmp_path: Path) -> None:
    assert default_out_dir("https://cdn.example.com/feed.json") == Path("preview")
    assert default_out_dir(str(tmp_path)) == tmp_path / "preview"
    assert default_out_dir(str(tmp_path / "feed.json")) == tmp_path / "preview"


def test_server_serves_the_page_and_the_output_folders_files(small_channel: Path) -> None:
    result = build_preview(str(small_channel))
    running = PreviewServer(result.out_dir, result.local_root).start()
    try:
        with urllib.request.urlopen(running.url) as answer:
            assert b"preview-data" in answer.read()
        # The page names ../images/ferry.jpg; from the server's root that is /images/ferry.jpg.
        with urllib.request.urlopen(running.url + "images/ferry.jpg") as answer:
            assert answer.read() == (small_channel / "images" / "ferry.jpg").read_bytes()
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(running.url + "../../etc/passwd")
    finally:
        running.stop()


def test_local_prefix_is_where_relative_paths_land(tmp_path: Path) -> None:
    assert local_prefix(tmp_path / "out" / "preview", tmp_path / "out") == "/"
    assert local_prefix(tmp_path / "pv", tmp_path / "out") == "/out"


def test_the_wheel_ships_the_page_assets(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    names = zipfile.ZipFile(next(tmp_path.glob("packager-*.whl"))).namelist()
    for name in (*ASSET_FILES, "index.html", "error.html", "VENDOR.md"):
        assert f"packager/preview/static/{name}" in names


def test_cli_serve_prints_the_url_and_serves_the_page(small_channel: Path) -> None:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "packager",
        "preview",
        "--serve",  # before SOURCE: --serve takes no value, so SOURCE is not read as a port
        str(small_channel),
        "--port",
        str(port),
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO
    ) as process:
        try:
            assert process.stdout is not None
            lines = [process.stdout.readline() for _ in range(2)]
            url = f"http://127.0.0.1:{port}/"
            assert lines[1].strip() == f"serving the preview at {url} (Ctrl-C to stop)"
            with urllib.request.urlopen(url, timeout=10) as answer:
                assert b'id="preview-data"' in answer.read()
            with urllib.request.urlopen(url + "images/ferry.jpg", timeout=10) as answer:
                assert answer.headers["Content-Type"] == "image/jpeg"
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_cli_json_output(small_channel: Path) -> None:
    result = CliRunner().invoke(
        main, ["preview", str(small_channel), "-o", "json"], catch_exceptions=False
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data == {
        "status": "ok",
        "page": str(small_channel.resolve() / "preview" / "index.html"),
        "rows": 4,
        "items": 7,
        "errors": 0,
        "warnings": 1,
        "flagged": 0,
        "sizeBytes": (small_channel / "feed.json").stat().st_size,
        "limitBytes": 512000,
        "screenshot": None,
    }


def test_cli_json_output_of_bad_input(tmp_path: Path) -> None:
    (tmp_path / "feed.json").write_text("[]", encoding="utf-8")
    result = CliRunner().invoke(main, ["preview", str(tmp_path / "feed.json"), "-o", "json"])
    assert result.exit_code == ExitCode.BAD_INPUT
    data = json.loads(result.stdout)
    assert "not a feed" in data["error"] and data["exitCode"] == ExitCode.BAD_INPUT
    assert data["hint"], "the one JSON error shape: error, hint, exitCode"


def test_screenshot_without_chromium_keeps_the_preview_and_says_how_to_get_it(
    small_channel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACKAGER_CHROMIUM", str(small_channel / "no-such-chromium"))
    png = small_channel / "home.png"
    result = CliRunner().invoke(main, ["preview", str(small_channel), "--screenshot", str(png)])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "Chromium is not installed" in result.stderr
    assert "apt-get install chromium" in result.stderr
    assert not png.exists()
    assert 'id="preview-data"' in (small_channel / "preview" / "index.html").read_text("utf-8")


def test_vendored_hls_js_is_the_version_vendor_md_names() -> None:
    static = REPO / "packager" / "preview" / "static"
    script = (static / "hls.min.js").read_text(encoding="utf-8")
    assert f'"{HLS_JS_VERSION}"' in script
    notes = (static / "VENDOR.md").read_text(encoding="utf-8")
    assert f"| {HLS_JS_VERSION} |" in notes
    digest = hashlib.sha256((static / "hls.min.js").read_bytes()).hexdigest()
    assert digest in notes, "VENDOR.md records the sha256 of the shipped file"
    assert "Apache License" in (static / "hls.js-LICENSE").read_text(encoding="utf-8")
