"""A host name that does not resolve is looked up once per run (with the request's retries),
not once per link: a feed of thousands of items on a dead host fails fast."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from packager.errors import SourceUnreachableError
from packager.net.fetcher import Fetcher


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every name looked up; `gone.example` never resolves (no real DNS is asked)."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(str(host))
        if host == "gone.example":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.mark.parametrize("found_in", ["", "https://feed.example/rss.xml"])
def test_a_host_that_does_not_resolve_is_looked_up_once_per_run(
    lookups: list[str], found_in: str
) -> None:
    with Fetcher(timeout=(1.0, 1.0), retries=1) as fetcher:
        messages = []
        for n in range(20):
            with pytest.raises(SourceUnreachableError) as caught:
                fetcher.get(f"https://gone.example/story/{n}", found_in=found_in)
            messages.append(caught.value.message)
    first_run = lookups.count("gone.example")
    assert 1 <= first_run <= 2  # the first link's lookup and its retry, then no more
    assert all("does not resolve" in message for message in messages)
    assert "earlier link" in messages[-1] and "earlier link" not in messages[0]
