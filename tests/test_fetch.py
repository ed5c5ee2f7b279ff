"""The Fetcher against a real server on 127.0.0.1: cache, limits, redirects, address checks."""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from packager import http
from packager.errors import InputError, SourceUnreachableError, UnsafeUrlError
from packager.http import USER_AGENT, Fetcher, content_type_charset, fetch, make_session, redact
from tests.http_fixtures import LocalServer, Route

pytestmark = pytest.mark.servers


@pytest.fixture
def fetcher(tmp_path: Path) -> Iterator[Fetcher]:
    with Fetcher(tmp_path / "cache", timeout=(2.0, 2.0), retries=1) as active:
        yield active


def test_get_returns_body_type_and_charset_with_our_user_agent(server, fetcher) -> None:
    server.routes["/page"] = Route(b"<p>hello</p>", content_type="text/html; charset=ISO-8859-1")
    fetched = fetcher.get(server.url("/page"))
    assert fetched.content == b"<p>hello</p>"
    assert (fetched.media_type, fetched.charset) == ("text/html", "iso-8859-1")
    assert server.user_agents == [USER_AGENT]


def test_second_get_is_a_conditional_get_answered_from_the_cache(server, tmp_path) -> None:
    server.routes["/page"] = Route(b"<p>unchanged</p>")
    with Fetcher(tmp_path / "cache") as first:
        assert not first.get(server.url("/page")).from_cache
    with Fetcher(tmp_path / "cache") as second:
        again = second.get(server.url("/page"))
    assert again.from_cache and again.content == b"<p>unchanged</p>"
    assert server.requests[("/page", 200)] == 1
    assert server.requests[("/page", 304)] == 1
    assert (second.stats.downloaded, second.stats.not_modified) == (0, 1)


def test_cache_entries_not_used_for_a_week_are_pruned(server, tmp_path) -> None:
    server.routes["/kept"] = Route(b"kept")
    server.routes["/gone"] = Route(b"gone")
    cache = tmp_path / "cache"
    with Fetcher(cache) as fetcher:
        fetcher.get(server.url("/kept"))
        fetcher.get(server.url("/gone"))
    week_ago = time.time() - 8 * 86400
    for path in cache.iterdir():
        os.utime(path, (week_ago, week_ago))
    with Fetcher(cache) as fetcher:
        assert fetcher.get(server.url("/kept")).from_cache  # revalidated: in use
        assert fetcher.prune_cache(7 * 86400) == 2  # the other entry's two files
        assert fetcher.get(server.url("/kept")).from_cache
        assert not fetcher.get(server.url("/gone")).from_cache


def test_a_not_modified_answer_for_a_vanished_cache_entry_downloads_again(server, tmp_path) -> None:
    server.routes["/page"] = Route(b"body")
    cache = tmp_path / "cache"
    with Fetcher(cache) as fetcher:
        fetcher.get(server.url("/page"))
        # Another build prunes the body between the conditional GET and the 304.
        real_body = fetcher._cache_body
        fetcher._cache_body = lambda url: None  # type: ignore[method-assign]
        again = fetcher.get(server.url("/page"))
        fetcher._cache_body = real_body  # type: ignore[method-assign]
    assert again.content == b"body" and not again.from_cache
    assert server.requests[("/page", 304)] == 1 and server.requests[("/page", 200)] == 2


def test_changed_document_is_downloaded_again(server, fetcher) -> None:
    server.routes["/page"] = Route(b"one")
    fetcher.get(server.url("/page"))
    server.routes["/page"] = Route(b"two")
    assert fetcher.get(server.url("/page")).content == b"two"
    assert server.requests[("/page", 200)] == 2


def test_retries_a_failing_server_then_gives_up_with_a_clear_error(server, fetcher) -> None:
    server.routes["/down"] = Route(b"busy", status=503)
    with pytest.raises(SourceUnreachableError, match=r"/down: HTTP 503"):
        fetcher.get(server.url("/down"))
    assert server.requests[("/down", 503)] == 2  # the first try and one retry


def test_slow_server_times_out(server, tmp_path) -> None:
    server.routes["/slow"] = Route(b"late", delay=1.5)
    with (
        Fetcher(timeout=(1.0, 0.3), retries=0) as impatient,
        pytest.raises(SourceUnreachableError, match="timed out"),
    ):
        impatient.get(server.url("/slow"))


def test_per_host_limit_caps_concurrent_requests(server, tmp_path) -> None:
    for number in range(6):
        server.routes[f"/p{number}"] = Route(b"x", delay=0.2)
    with Fetcher(per_host=2, max_workers=6) as polite:
        results = list(polite.map(lambda n: polite.get(server.url(f"/p{n}")), range(6)))
    assert len(results) == 6
    assert server.max_active <= 2


def test_a_gigabyte_stream_is_refused_early(server) -> None:
    def endless() -> Iterator[bytes]:
        chunk = b"x" * 65536
        for _ in range(16384):  # 1 GiB if anyone read it all
            yield chunk

    server.routes["/huge"] = Route(endless, content_type="text/html")
    start = time.monotonic()
    with Fetcher(max_bytes=1024 * 1024) as limited, pytest.raises(InputError, match="limit"):
        limited.get(server.url("/huge"))
    assert time.monotonic() - start < 10


def test_a_declared_gigabyte_is_refused_before_reading(server) -> None:
    server.routes["/declared"] = Route(
        lambda: iter([b"x" * 1024]), headers={"Content-Length": str(1024**3)}
    )
    with (
        Fetcher(max_bytes=1024 * 1024) as limited,
        pytest.raises(InputError, match="1,073,741,824"),
    ):
        limited.get(server.url("/declared"))


def test_endless_redirects_stop_at_the_cap(server, fetcher) -> None:
    server.routes["/a"] = Route(b"", status=302, headers={"Location": "/b"}, etag=False)
    server.routes["/b"] = Route(b"", status=302, headers={"Location": "/a"}, etag=False)
    with pytest.raises(SourceUnreachableError, match="more than 5 redirects"):
        fetcher.get(server.url("/a"))


def test_redirect_is_followed(server, fetcher) -> None:
    server.routes["/old"] = Route(b"", status=301, headers={"Location": "/new"}, etag=False)
    server.routes["/new"] = Route(b"moved here")
    fetched = fetcher.get(server.url("/old"))
    assert (fetched.content, fetched.url) == (b"moved here", server.url("/new"))


def test_redirect_to_a_link_local_address_is_refused(server, fetcher) -> None:
    server.routes["/go"] = Route(
        b"", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    with pytest.raises(UnsafeUrlError, match=r"169\.254\.169\.254"):
        fetcher.get(server.url("/go"))


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/x.jpg",
        "http://[::1]:9/x.jpg",
        "http://localhost:9/x.jpg",
    ],
)
def test_urls_found_in_content_may_not_point_at_private_hosts(server, fetcher, target) -> None:
    with pytest.raises(UnsafeUrlError, match="non-public address"):
        fetcher.get(target, found_in=server.url("/page"))
    assert fetcher.stats.refused == 1


def test_other_loopback_port_is_refused_but_the_same_origin_is_allowed(server, fetcher) -> None:
    other = LocalServer().start()
    try:
        other.routes["/img.png"] = Route(b"png", content_type="image/png")
        server.routes["/img.png"] = Route(b"png", content_type="image/png")
        server.routes["/page"] = Route(b"<p>page</p>")
        fetcher.get(server.url("/page"))  # the page the user asked for
        with pytest.raises(UnsafeUrlError):
            fetcher.get(other.url("/img.png"), found_in=server.url("/page"))
        assert other.requests == {}
        assert fetcher.get(server.url("/img.png"), found_in=server.url("/page")).content == b"png"
    finally:
        other.stop()


def test_dns_rebinding_is_refused_where_the_connection_lands(server, fetcher, monkeypatch) -> None:
    # The name resolves to a public address when checked, then to loopback when connecting.
    other = LocalServer().start()
    try:
        other.routes["/img.png"] = Route(b"png", content_type="image/png")
        monkeypatch.setattr(http, "_resolve", lambda url: [ipaddress.ip_address("93.184.216.34")])
        with pytest.raises(UnsafeUrlError, match=r"connection reached 127\.0\.0\.1") as caught:
            fetcher.get(other.url("/img.png"), found_in=server.url("/page"))
        assert "DNS rebinding" in caught.value.hint
        assert other.requests == {}  # refused before a byte was sent
        assert fetcher.stats.refused == 1
        # A URL given directly is not subject to the check, on the same fetcher.
        assert fetcher.get(other.url("/img.png")).content == b"png"
    finally:
        other.stop()


def test_same_origin_is_trusted_only_for_documents_given_directly(server, fetcher) -> None:
    # A page found in content (so checked) cannot vouch for its own origin: what it links
    # there is checked again, or a rebinding name could point its second request inside.
    server.routes["/img.png"] = Route(b"png", content_type="image/png")
    found_page = server.url("/found-page")
    with pytest.raises(UnsafeUrlError, match="non-public address"):
        fetcher.get(server.url("/img.png"), found_in=found_page)
    assert server.requests == {}
    # Once a URL of that origin is given directly, its documents' links there are trusted.
    server.routes["/page"] = Route(b"<p>page</p>")
    fetcher.get(server.url("/page"))
    assert fetcher.get(server.url("/img.png"), found_in=found_page).content == b"png"


@pytest.mark.parametrize(
    "address", ["64:ff9b::a00:1", "2002:a00:1::1", "::127.0.0.1", "::ffff:192.168.0.1"]
)
def test_ipv6_forms_of_private_ipv4_addresses_are_not_public(address: str) -> None:
    assert not http._is_public(ipaddress.ip_address(address))
    assert http._is_public(ipaddress.ip_address("64:ff9b::808:808"))


def test_a_checked_session_calls_the_peer_check_before_sending(server) -> None:
    server.routes["/page"] = Route(b"ok")
    seen: list[str] = []
    assert make_session(check_peer=seen.append).get(server.url("/page")).content == b"ok"
    assert seen == ["127.0.0.1"]

    def refuse(address: str) -> None:
        raise RuntimeError(f"no {address}")

    with pytest.raises(RuntimeError, match=r"no 127\.0\.0\.1"):
        make_session(check_peer=refuse).get(server.url("/page"))
    assert server.requests[("/page", 200)] == 1


def test_allow_list_permits_a_private_host(server, tmp_path) -> None:
    other = LocalServer().start()
    try:
        other.routes["/img.png"] = Route(b"png", content_type="image/png")
        with Fetcher(allow_hosts=["127.0.0.0/8"]) as allowing:
            fetched = allowing.get(other.url("/img.png"), found_in=server.url("/page"))
        assert fetched.content == b"png"
        # An allowed network passes the connection-time check too.
        with Fetcher(allow_hosts=["127.0.0.0/8"]) as allowing, pytest.MonkeyPatch.context() as mp:
            mp.setattr(http, "_resolve", lambda url: [ipaddress.ip_address("93.184.216.34")])
            assert allowing.get(other.url("/img.png"), found_in=server.url("/page")).content
    finally:
        other.stop()


def test_only_http_urls_are_fetched(fetcher) -> None:
    with pytest.raises(InputError, match="only http and https"):
        fetcher.get("file:///etc/passwd")


def test_unexpected_content_type_is_refused(server, fetcher) -> None:
    server.routes["/pic"] = Route(b"\x89PNG", content_type="image/png")
    with pytest.raises(InputError, match="it is image/png, expected text/"):
        fetcher.get(server.url("/pic"), expect=("text/",))


def test_credentials_never_appear_in_messages(server, fetcher) -> None:
    url = f"http://alice:s3cret@127.0.0.1:{server.port}/missing"
    with pytest.raises(SourceUnreachableError) as caught:
        fetcher.get(url)
    assert "s3cret" not in str(caught.value) and "alice" not in str(caught.value)
    assert "s3cret" not in caught.value.location
    assert redact(url) == f"http://127.0.0.1:{server.port}/missing"


def test_plain_fetch_still_works(server) -> None:
    server.routes["/page"] = Route(b"ok")
    assert fetch(server.url("/page")).content == b"ok"


def test_charset_parameter_parsing() -> None:
    assert content_type_charset('text/html; charset="UTF-8"') == "utf-8"
    assert content_type_charset("text/html") == ""
