"""republish against a local folder, for what needs no real server: a host that fails while
the run compares the other formats is a "host-failed" result, never a traceback."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from packager.config import ChannelConfig
from packager.errors import ExitCode
from packager.layout import LOCK_NAME
from packager.publish.base import HostError
from packager.publish.local import LocalHost
from packager.publish.retry import RetryPolicy
from packager.publish.target import parse_target
from packager.republish import republish
from tests.publish_channel import write_bundle

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


class FeedXmlUnreadable(LocalHost):
    """A folder whose feed.xml cannot be read (a permission changed by hand)."""

    def read(self, name: str) -> tuple[bytes, str] | None:
        if name == "feed.xml":
            raise HostError("cannot read feed.xml: Permission denied", transient=False)
        return super().read(name)


def test_a_host_failure_while_comparing_the_other_formats_is_a_result(tmp_path: Path) -> None:
    write_bundle(tmp_path / "articles", "ferry", "Ferry runs again")
    config = ChannelConfig(
        base_url="https://cdn.example.com/ch/",
        render_video="off",
        formats=("roku", "mrss"),
        sources=(str(tmp_path / "articles"),),
    )
    served = tmp_path / "served"
    first = republish(config, str(served), out_dir=tmp_path / "out", now=NOW)
    assert first.status == "published" and (served / "feed.xml").is_file()

    host = FeedXmlUnreadable(parse_target(str(served)))
    again = republish(
        config,
        str(served),
        out_dir=tmp_path / "out",
        now=NOW,
        host=host,
        retry=RetryPolicy(attempts=2, sleep=lambda _: None),
    )
    assert again.status == "host-failed" and again.exit_code() == ExitCode.PUBLISH_FAILED
    assert "feed.xml" in again.message and "Permission denied" in again.message
    assert not (served / LOCK_NAME).exists()  # released
