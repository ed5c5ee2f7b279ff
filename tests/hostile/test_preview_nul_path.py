"""A preview request with a NUL byte in its path is a plain 404, not a traceback in the
server thread."""

from __future__ import annotations

import http.client
from pathlib import Path

import pytest

from packager.preview.server import PreviewServer


@pytest.mark.parametrize("path", ["/%00", "/media/%00x.mp4", "/a%00/../b"])
def test_a_nul_in_the_path_is_404(tmp_path: Path, path: str) -> None:
    page = tmp_path / "preview"
    page.mkdir()
    (page / "index.html").write_text("<html></html>")
    media = tmp_path / "media"
    media.mkdir()
    (media / "x.mp4").write_bytes(b"mp4")
    server = PreviewServer(page, tmp_path).start()
    try:
        port = int(server.url.rsplit(":", 1)[1].rstrip("/"))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", path)
        answer = connection.getresponse()
        assert answer.status == 404
        connection.close()
    finally:
        server.stop()
