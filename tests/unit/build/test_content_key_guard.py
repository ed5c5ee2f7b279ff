"""The content key fetches a page's remote images through the private-address guard: an image
a page names on another private address is refused before any connection, as the thumbnail is."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from packager.build import build_feed
from packager.config import ChannelConfig
from tests.builders import BASE_URL
from tests.http_fixtures import LocalServer, Route

pytestmark = pytest.mark.servers
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
PRIVATE_IMAGE = "http://127.0.0.2:9/img/secret.jpg"


@pytest.fixture
def page_server() -> Iterator[LocalServer]:
    server = LocalServer().start()
    server.routes["/news/story"] = Route(
        f"""<html lang="en"><head><title>Story</title>
<meta property="og:title" content="Story"><meta property="og:image" content="{PRIVATE_IMAGE}">
</head><body><article><h1>Story</h1><img src="{PRIVATE_IMAGE}">
<p>The council met on Friday and decided on the ferry plan.</p></article></body></html>""".encode()
    )
    yield server
    server.stop()


def test_an_image_on_another_private_address_is_never_requested(
    page_server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reached: list[object] = []
    connect = socket.socket.connect

    def recording(self: socket.socket, address: object) -> None:
        reached.append(address)
        connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", recording)
    config = ChannelConfig(provider_name="Gazette", base_url=BASE_URL)

    result = build_feed([page_server.url("/news/story")], tmp_path / "out", config, now=NOW)

    assert not any("127.0.0.2" in str(address) for address in reached), reached
    assert "refusing" in str(result.as_dict())  # reported as the thumbnail left out
