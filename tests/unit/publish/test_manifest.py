"""The manifest on the host: format 2 carries each file's content key and metadata for a later
build to reuse; format 1 is still read; a format this version does not know is ignored cleanly
(everything is sent again, nothing is deleted)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from packager.layout import MANIFEST_NAME
from packager.publish import publish, read_live_manifest
from packager.publish.manifest import MANIFEST_FORMAT, FileEntry, Manifest
from packager.publish.plan import ContentKey
from tests.publish_channel import write_channel

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
VIDEO_META = {"duration": 61.5, "size": 123456, "bitrate": 1800, "width": 1280, "height": 720}


def test_format_2_round_trips_keys_and_meta() -> None:
    manifest = Manifest(
        feed_sha256="f" * 64,
        files={
            "videos/a.mp4": FileEntry("a" * 64, 10, key="render:k1", meta=VIDEO_META),
            "images/b.jpg": FileEntry("b" * 64, 5),
        },
        updated="2026-11-28T12:00:00Z",
    )
    raw = manifest.to_bytes()
    assert json.loads(raw)["format"] == MANIFEST_FORMAT == "packager-publish-manifest/2"
    assert json.loads(raw)["files"]["images/b.jpg"] == {"sha256": "b" * 64, "size": 5}
    assert Manifest.from_bytes(raw) == manifest


def test_format_1_is_still_read() -> None:
    old = {
        "format": "packager-publish-manifest/1",
        "updated": "2026-11-01T00:00:00Z",
        "feed": {"sha256": "f" * 64, "version": "v1"},
        "files": {"images/b.jpg": {"sha256": "b" * 64, "size": 5}},
        "unreferenced": {},
        "deleting": [],
    }
    manifest = Manifest.from_bytes(json.dumps(old).encode())
    assert manifest.files == {"images/b.jpg": FileEntry("b" * 64, 5)}
    assert manifest.feed_version == "v1"


@pytest.mark.parametrize(
    ("meta", "kept"),
    [
        ({"width": 1280, "colour": "red"}, {"width": 1280}),  # unknown names dropped
        ({"duration": "long", "height": True}, {}),  # not numbers: dropped
        ({"bitrate": float("inf")}, {}),
        ("not a dict", {}),
    ],
)
def test_odd_meta_is_dropped_not_fatal(meta: object, kept: dict[str, float]) -> None:
    entry = FileEntry.from_dict({"sha256": "a" * 64, "size": 1, "key": 7, "meta": meta})
    assert dict(entry.meta) == kept and entry.key == ""


def write_newer_manifest(site: Path, names: list[str]) -> None:
    newer = {
        "format": "packager-publish-manifest/99",
        "files": {name: {"sha256": "0" * 64, "size": 1} for name in names},
        "deleting": names,
    }
    site.mkdir(parents=True, exist_ok=True)
    (site / MANIFEST_NAME).write_text(json.dumps(newer))


def test_a_newer_manifest_is_ignored_cleanly(tmp_path: Path) -> None:
    out = write_channel(tmp_path / "out", {"a1": "first text"}, with_video=False)
    site = tmp_path / "site"
    keep = site / "images" / "kept-by-a-newer-packager.jpg"
    keep.parent.mkdir(parents=True)
    keep.write_bytes(b"published by someone else")
    write_newer_manifest(site, ["images/kept-by-a-newer-packager.jpg"])
    warnings: list[str] = []
    assert read_live_manifest(str(site), warnings=warnings) == {}
    assert "packager-publish-manifest/99" in warnings[0]

    result = publish(out, str(site), now=NOW)
    assert any("cannot read" in w and "nothing is deleted" in w for w in result.warnings)
    assert result.deleted == () and keep.read_bytes() == b"published by someone else"
    assert (site / "feed.json").is_file()


def test_keys_round_trip_through_the_host(tmp_path: Path) -> None:
    out = write_channel(tmp_path / "out", {"a1": "first text"}, with_video=False)
    site = tmp_path / "site"
    image = next(p.relative_to(out).as_posix() for p in (out / "images").iterdir())
    publish(out, str(site), now=NOW, keys={image: ContentKey("thumb:abc", {"width": 1280})})

    live = read_live_manifest(str(site))
    assert live[image].key == "thumb:abc" and dict(live[image].meta) == {"width": 1280}
    assert json.loads((site / MANIFEST_NAME).read_text())["format"] == MANIFEST_FORMAT

    # A later publish that does not know the key keeps it: the content did not change.
    again = publish(out, str(site), now=NOW + timedelta(hours=1))
    assert again.uploaded == () and not again.feed_replaced
    assert read_live_manifest(str(site))[image].key == "thumb:abc"


def test_a_host_without_a_manifest_reads_as_empty(tmp_path: Path) -> None:
    assert read_live_manifest(str(tmp_path / "nothing-yet")) == {}


def test_the_host_protocol_imports_no_heavy_library() -> None:
    code = (
        "import sys, packager.publish.base, packager.publish.target, packager.secrets\n"
        "heavy = [m for m in ('requests', 'jsonschema', 'lxml', 'PIL', 'boto3', 'paramiko')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[3],  # this checkout's packager, first on the path
    )
    assert done.stdout.strip() == ""
