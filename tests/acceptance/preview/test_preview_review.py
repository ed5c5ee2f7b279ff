"""Review findings on preview: a URL's password never reaches the page, --serve serves only the
page and the files the feed names (and only to its own Host), and the first problem said is
the one to fix first."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from packager.errors import ExitCode
from packager.preview import PreviewServer, build_preview
from tests.acceptance.preview.channel import channel_feed, write_channel
from tests.http_fixtures import LocalServer, Route

SECRET = "PWSECRET"


@pytest.fixture
def small_channel(tmp_path: Path) -> Path:
    folder = write_channel(tmp_path / "output", channel_feed())
    (folder / ".packager").mkdir(exist_ok=True)
    (folder / ".packager" / "state.json").write_text('{"token": "x"}')
    (folder / "images" / "old-unused.jpg").write_bytes(b"stale")
    return folder


def with_password(server: LocalServer, path: str) -> str:
    return server.url(path).replace("http://", f"http://user:{SECRET}@", 1)


@pytest.mark.parametrize("output", ["text", "json"])
def test_a_feed_urls_password_is_never_written_or_printed(
    server: LocalServer, tmp_path: Path, output: str
) -> None:
    server.routes["/roku/feed.json"] = Route(
        json.dumps(channel_feed()).encode(), content_type="application/json"
    )
    out = tmp_path / "pv"
    url = with_password(server, "/roku/feed.json")
    result = CliRunner().invoke(
        main, ["preview", url, "--out", str(out), "-o", output], catch_exceptions=False
    )
    assert result.exit_code == ExitCode.OK, result.output
    page = (out / "index.html").read_text(encoding="utf-8")
    assert SECRET not in page and SECRET not in result.stdout + result.stderr
    assert server.url("/roku/feed.json") in page  # the origin is still shown, without userinfo


def test_the_error_page_for_a_url_has_no_password(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/roku/feed.json"] = Route(b"[1, 2]", content_type="application/json")
    out = tmp_path / "pv"
    url = with_password(server, "/roku/feed.json")
    result = CliRunner().invoke(main, ["preview", url, "--out", str(out)])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert SECRET not in (out / "index.html").read_text(encoding="utf-8")
    assert SECRET not in result.stdout + result.stderr


def get(url: str, host: str | None = None) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port)
    try:
        connection.putrequest("GET", parts.path or "/", skip_host=host is not None)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_serve_answers_only_the_page_and_the_feeds_files(small_channel: Path) -> None:
    result = build_preview(str(small_channel))
    assert "images/old-unused.jpg" not in result.served_names
    running = PreviewServer(
        result.out_dir, result.local_root, local_names=result.served_names
    ).start()
    try:
        assert get(running.url)[0] == 200
        assert get(running.url + "index.html")[0] == 200
        assert get(running.url + "preview-assets/preview.js")[0] == 200
        named = sorted(result.served_names)[0]
        assert get(running.url + named) == (200, (small_channel / named).read_bytes())
        for path in (".packager/", ".packager/state.json", "images/", "images/old-unused.jpg",
                     "feed.json", "preview/", "preview-assets/", "build-report.json"):  # fmt: skip
            status, body = get(running.url + path)
            assert status == 404, path
            assert b"state.json" not in body and b"Directory listing" not in body
    finally:
        running.stop()


def test_serve_without_a_name_list_still_hides_the_build_state(small_channel: Path) -> None:
    result = build_preview(str(small_channel))
    running = PreviewServer(result.out_dir, result.local_root).start()
    try:
        assert get(running.url + ".packager/state.json")[0] == 404
        assert get(running.url + ".packager/")[0] == 404
        assert get(running.url + "images/")[0] == 404
    finally:
        running.stop()


@pytest.mark.parametrize(
    "host", ["evil.example:{port}", "127.0.0.1:1", "localhost", "127.0.0.1.nip.io:{port}", ""]
)
def test_serve_refuses_a_foreign_host_header(small_channel: Path, host: str) -> None:
    result = build_preview(str(small_channel))
    running = PreviewServer(result.out_dir, result.local_root).start()
    port = urllib.parse.urlsplit(running.url).port
    try:
        status, body = get(running.url, host=host.format(port=port))
        assert status == 421 and b"preview-data" not in body
        assert get(running.url, host=f"localhost:{port}")[0] == 200
        assert get(running.url, host=f"127.0.0.1:{port}")[0] == 200
    finally:
        running.stop()


def test_preview_of_xml_says_what_preview_reads(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel/></rss>')
    result = CliRunner().invoke(main, ["preview", str(feed), "--out", str(tmp_path / "pv")])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "XML or HTML, not a JSON feed" in result.stderr
    hint = result.stderr.split("hint:", 1)[1]
    assert "packager preview shows" in hint and "validate" not in hint


def test_a_missing_source_is_said_before_a_bad_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "channel.toml").write_text('[channel]\nlanguage = "english"\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["preview", "nonexist", "-o", "json"])
    assert result.exit_code == ExitCode.BAD_INPUT
    error = json.loads(result.stdout)["error"]
    assert "nonexist" in error and "no such file or folder" in error
    assert "language" not in result.stdout + result.stderr
