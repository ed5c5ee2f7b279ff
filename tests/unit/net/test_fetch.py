"""The Fetcher against a real server on 127.0.0.1: cache, limits, redirects, address checks."""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from packager.errors import InputError, SourceUnreachableError, UnsafeUrlError
from packager.net import guard
from packager.net.deadline import deadline
from packager.net.fetcher import Fetcher, fetch
from packager.net.guard import AllowList
from packager.net.session import (
    USER_AGENT,
    NonPublicPeerError,
    guarded_session,
    make_session,
)
from packager.net.urls import content_type_charset
from packager.secrets import redact_url as redact
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
        real_body = fetcher.cache.body
        fetcher.cache.body = lambda url: None  # type: ignore[method-assign]
        again = fetcher.get(server.url("/page"))
        fetcher.cache.body = real_body  # type: ignore[method-assign]
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
        monkeypatch.setattr(guard, "resolve", lambda url: [ipaddress.ip_address("93.184.216.34")])
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
    assert not guard.is_public(ipaddress.ip_address(address))
    assert guard.is_public(ipaddress.ip_address("64:ff9b::808:808"))


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
            mp.setattr(guard, "resolve", lambda url: [ipaddress.ip_address("93.184.216.34")])
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


def trickle(count: int = 200, every: float = 0.2) -> Iterator[bytes]:
    """A body that never stalls long enough for a per-read timeout: a byte every `every` s."""
    for _ in range(count):
        time.sleep(every)
        yield b"x"


@pytest.mark.parametrize("declared", [True, False])
def test_a_trickling_body_is_given_up_at_the_total_deadline(server, declared: bool) -> None:
    # With and without Content-Length: without it, a body cut off at the deadline would
    # otherwise look complete.
    headers = {"Content-Length": "200"} if declared else {}
    server.routes["/trickle"] = Route(trickle, headers=headers, etag=False)
    started = time.monotonic()
    with (
        Fetcher(timeout=(1.0, 1.0), retries=1, total_timeout=1.5) as fetcher,
        pytest.raises(SourceUnreachableError, match=r"no complete answer within 1\.5 s") as caught,
    ):
        fetcher.get(server.url("/trickle"))
    assert time.monotonic() - started < 4.0
    assert "--timeout" in caught.value.hint


def test_the_default_deadline_is_twice_the_read_timeout() -> None:
    assert Fetcher(timeout=(5.0, 30.0)).total_timeout == 60.0
    assert Fetcher(timeout=(1.0, 2.0), total_timeout=7.0).total_timeout == 7.0


def test_trickling_headers_are_given_up_at_the_total_deadline() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 200:
                if stop.wait(0.2):
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        with pytest.raises(SourceUnreachableError, match="no complete answer within 1 s"):
            fetch(
                f"http://127.0.0.1:{listener.getsockname()[1]}/",
                timeout=(1.0, 1.0),
                total_timeout=1.0,
            )
    finally:
        stop.set()
        listener.close()
    assert time.monotonic() - started < 3.0


def test_a_refused_connection_says_so() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once it is closed
    with (
        Fetcher(retries=0) as fetcher,
        pytest.raises(SourceUnreachableError, match="connection refused") as caught,
    ):
        fetcher.get(f"http://127.0.0.1:{port}/feed.json")
    assert "timed out" not in caught.value.message


def test_a_host_name_that_does_not_resolve_says_so() -> None:
    with (
        Fetcher(retries=0) as fetcher,
        pytest.raises(SourceUnreachableError, match="the host name does not resolve") as caught,
    ):
        fetcher.get("http://no-such-host.invalid/feed.json")
    assert "timed out" not in caught.value.message


def test_a_guarded_session_refuses_a_private_peer_and_allows_a_listed_one(server) -> None:
    server.routes["/asset"] = Route(b"ok")
    with pytest.raises(NonPublicPeerError, match=r"127\.0\.0\.1"):
        guarded_session(retries=0).get(server.url("/asset"), timeout=2)
    assert server.requests == {}
    allowed = guarded_session(AllowList.parse(["127.0.0.0/8"]))
    with deadline(5.0):
        assert allowed.get(server.url("/asset"), timeout=2).content == b"ok"


def test_allow_list_entries_are_checked() -> None:
    assert AllowList.parse(["cms.internal", "10.0.0.0/8", "::1"]).allows_name("CMS.internal")
    with pytest.raises(InputError, match="'not a host!'"):
        Fetcher(allow_hosts=["not a host!"])


# -- get_prefix: the first bytes of a file (validate --check-assets) -------------------------


@pytest.fixture
def ranged_server() -> Iterator[tuple[str, list[str]]]:
    """A server that honours `Range: bytes=0-N` on /file (100 bytes) and records the Range
    header of every request."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body = bytes(range(100))
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            ranged = self.headers.get("Range", "")
            seen.append(ranged)
            if ranged.startswith("bytes=0-"):
                end = min(int(ranged.removeprefix("bytes=0-")), len(body) - 1)
                self.send_response(206)
                self.send_header("Content-Range", f"bytes 0-{end}/{len(body)}")
                content = body[: end + 1]
            else:
                self.send_response(200)
                content = body
            self.send_header("Content-Type", "video/mp4")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args: object) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/file", seen
    httpd.shutdown()
    httpd.server_close()


def test_get_prefix_asks_for_a_range_and_learns_the_whole_length(ranged_server, fetcher) -> None:
    url, seen = ranged_server
    head = fetcher.get_prefix(url, 10)
    assert (head.status, head.content, head.total) == (206, bytes(range(10)), 100)
    assert head.header("content-range") == "bytes 0-9/100"
    assert head.media_type == "video/mp4"
    assert seen == ["bytes=0-9"]


def test_get_prefix_without_range_reads_the_whole_answer_up_to_the_limit(
    ranged_server, fetcher
) -> None:
    url, seen = ranged_server
    head = fetcher.get_prefix(url, 10, ranged=False)
    assert (head.status, head.content, head.total) == (200, bytes(range(10)), 100)
    assert seen == [""]


def test_get_prefix_of_an_endless_answer_ignoring_range_stops_at_the_limit(server) -> None:
    def endless() -> Iterator[bytes]:
        chunk = b"x" * 65536
        for _ in range(16384):  # 1 GiB if anyone read it all
            yield chunk

    server.routes["/huge.mp4"] = Route(endless, content_type="video/mp4")
    started = time.monotonic()
    with Fetcher(max_bytes=1024) as fetcher:  # max_bytes is for whole documents, not prefixes
        head = fetcher.get_prefix(server.url("/huge.mp4"), 100_000)
    assert (head.status, len(head.content), head.total) == (200, 100_000, None)
    assert time.monotonic() - started < 10


def test_get_prefix_returns_an_http_error_as_its_status(server, fetcher) -> None:
    server.routes["/gone.jpg"] = Route(b"not here", status=404, etag=False)
    head = fetcher.get_prefix(server.url("/gone.jpg"), 10)
    assert (head.status, head.content) == (404, b"")
    assert server.requests[("/gone.jpg", 404)] == 1


def test_get_prefix_follows_redirects_and_checks_each_hop(server, fetcher) -> None:
    server.routes["/old.jpg"] = Route(b"", status=301, headers={"Location": "/new.jpg"}, etag=False)
    server.routes["/new.jpg"] = Route(b"\xff\xd8\xff image", content_type="image/jpeg")
    head = fetcher.get_prefix(server.url("/old.jpg"), 4)
    assert (head.url, head.content, head.media_type) == (
        server.url("/new.jpg"),
        b"\xff\xd8\xff ",
        "image/jpeg",
    )
    server.routes["/meta.jpg"] = Route(
        b"", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    with pytest.raises(UnsafeUrlError, match=r"169\.254\.169\.254"):
        fetcher.get_prefix(server.url("/meta.jpg"), 4)


def test_get_prefix_retries_and_then_names_the_failure(server, fetcher) -> None:
    server.routes["/down.mp4"] = Route(b"", status=503, etag=False)
    head = fetcher.get_prefix(server.url("/down.mp4"), 4)
    assert head.status == 503
    assert server.requests[("/down.mp4", 503)] == 2  # the first try and one retry


def test_get_prefix_of_a_trickling_body_is_given_up_at_the_total_deadline(server) -> None:
    server.routes["/trickle.mp4"] = Route(trickle, etag=False)
    started = time.monotonic()
    with (
        Fetcher(timeout=(1.0, 1.0), retries=1, total_timeout=1.5) as fetcher,
        pytest.raises(SourceUnreachableError, match=r"no complete answer within 1\.5 s"),
    ):
        fetcher.get_prefix(server.url("/trickle.mp4"), 1000)
    assert time.monotonic() - started < 4.0


def test_get_prefix_keeps_to_the_per_host_limit(server) -> None:
    for number in range(6):
        server.routes[f"/v{number}.mp4"] = Route(b"x" * 100, delay=0.2, content_type="video/mp4")
    with Fetcher(per_host=2, max_workers=6) as polite:
        heads = list(
            polite.map(lambda n: polite.get_prefix(server.url(f"/v{n}.mp4"), 10), range(6))
        )
    assert [len(head.content) for head in heads] == [10] * 6
    assert server.max_active <= 2
