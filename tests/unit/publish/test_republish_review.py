"""republish keeps what it learnt: the parsed target's secrets reach the host cache read, and a
host failure still reports the live feed's items and the run's build."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from packager.config import ChannelConfig
from packager.layout import MANIFEST_NAME
from packager.publish.base import HostError
from packager.publish.local import LocalHost
from packager.publish.retry import RetryPolicy
from packager.publish.target import parse_target
from packager.republish import republish
from tests.publish_channel import write_bundle

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
FAST = RetryPolicy(attempts=2, sleep=lambda _: None)


class Failing(LocalHost):
    """A folder that cannot read one file; its error quotes the password (as some servers do)."""

    failing = ""

    def read(self, name: str) -> tuple[bytes, str] | None:
        if name == self.failing:
            raise HostError(f"cannot read {name}: denied for password s3cretpw", transient=False)
        return super().read(name)


def _config(tmp_path: Path, formats: tuple[str, ...] = ("roku",)) -> ChannelConfig:
    write_bundle(tmp_path / "articles", "ferry", "Ferry runs again")
    return ChannelConfig(
        base_url="https://cdn.example.com/ch/",
        render_video="off",
        formats=formats,
        sources=(str(tmp_path / "articles"),),
    )


def test_the_host_cache_read_knows_the_targets_password(tmp_path: Path) -> None:
    config = _config(tmp_path)
    served = tmp_path / "served"
    assert republish(config, str(served), out_dir=tmp_path / "out", now=NOW).ok
    host = Failing(parse_target(str(served)))
    host.failing = MANIFEST_NAME

    result = republish(
        config,
        "https://user:s3cretpw@dav.example.com/ch/",
        out_dir=tmp_path / "out",
        now=NOW,
        host=host,
        retry=FAST,
    )

    assert result.status == "host-failed"
    assert "s3cretpw" not in result.message, result.message


def test_a_host_failure_keeps_the_live_items_and_the_build(tmp_path: Path) -> None:
    config = _config(tmp_path, ("roku", "mrss"))
    served = tmp_path / "served"
    assert republish(config, str(served), out_dir=tmp_path / "out", now=NOW).ok
    host = Failing(parse_target(str(served)))
    host.failing = "feed.xml"

    result = republish(
        config, str(served), out_dir=tmp_path / "out", now=NOW, host=host, retry=FAST
    )

    assert result.status == "host-failed"
    assert result.live_items == 1 and result.build is not None and result.diff is not None
