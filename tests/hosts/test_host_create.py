"""`Host.create` on every host kind against its real server: create-if-absent, and exactly
one winner when several clients create the same name at once."""

from __future__ import annotations

import threading

import pytest
from publish_support import HostUnderTest

from packager.publish.base import open_host

pytestmark = pytest.mark.servers


def test_create_only_if_absent(any_host: HostUnderTest) -> None:
    host = open_host(any_host.target)
    try:
        assert host.create("packager-lock.json", b'{"owner": "first"}') is True
        assert host.create("packager-lock.json", b'{"owner": "second"}') is False
        found = host.read("packager-lock.json")
        assert found is not None and found[0] == b'{"owner": "first"}'
        host.delete("packager-lock.json")
        assert host.create("packager-lock.json", b'{"owner": "third"}') is True
    finally:
        host.close()
    assert any_host.files()["packager-lock.json"] == b'{"owner": "third"}'


def test_concurrent_creates_have_one_winner(any_host: HostUnderTest) -> None:
    clients = 6
    barrier = threading.Barrier(clients)
    outcomes: list[bool] = []
    lock = threading.Lock()

    def contender(index: int) -> None:
        host = open_host(any_host.target)
        try:
            host.stat(["feed.json"])  # connect (and log in) before the race starts
            barrier.wait()
            won = host.create("packager-lock.json", f'{{"owner": {index}}}'.encode())
        finally:
            host.close()
        with lock:
            outcomes.append(won)

    threads = [threading.Thread(target=contender, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == [False] * (clients - 1) + [True]
    assert any_host.files()["packager-lock.json"].startswith(b'{"owner": ')
